package backup

import (
	"errors"

	"github.com/masar-platform/masar/store"
)

// ErrPostgres: the installation keeps its data in PostgreSQL. A Masar backup is a copy of a
// data directory's SQLite file, which such an installation does not use: its database is
// backed up and restored with PostgreSQL's own tools, pg_dump and pg_restore, as the
// deployment guide describes.
var ErrPostgres = errors.New("the installation's database is PostgreSQL")

// postgresRefusal is ErrPostgres with what the operator should run instead.
type postgresRefusal struct{ msg string }

func (e *postgresRefusal) Error() string        { return e.msg }
func (e *postgresRefusal) Is(target error) bool { return target == ErrPostgres }

// CheckCreate is nil for an installation on SQLite (databaseURL, MASAR_DATABASE_URL, empty).
// For one on PostgreSQL it is the refusal of `masar backup`, which names pg_dump: a backup
// taken from the data directory would hold none of the installation's data.
func CheckCreate(databaseURL string) error {
	if databaseURL == "" {
		return nil
	}
	return &postgresRefusal{"backup: this installation keeps its data in PostgreSQL (" + store.Redact(databaseURL) +
		"), and masar backup copies the SQLite file of a data directory, which it does not use. " +
		"Back the database up with pg_dump instead, e.g. pg_dump --format=custom --file=masar.dump \"$MASAR_DATABASE_URL\", " +
		"and keep the data directory's key files (secret.key, issuer-key*.pem), where it has them, beside the dump; " +
		"the deployment guide describes both. Nothing was written"}
}

// CheckRestore is nil for an installation on SQLite (databaseURL empty). For one on
// PostgreSQL it is the refusal of `masar restore`, which would write an SQLite data
// directory the installation does not read: a dump made with pg_dump is restored with
// pg_restore.
func CheckRestore(databaseURL string) error {
	if databaseURL == "" {
		return nil
	}
	return &postgresRefusal{"restore: this installation keeps its data in PostgreSQL (" + store.Redact(databaseURL) +
		"), and masar restore writes an SQLite data directory, which it does not use. " +
		"Restore a dump taken with pg_dump with pg_restore instead, e.g. pg_restore --clean --if-exists --dbname \"$MASAR_DATABASE_URL\" masar.dump " +
		"(see the deployment guide); to bring back a backup of an SQLite installation as one, run masar restore " +
		"without MASAR_DATABASE_URL and --database-url. Nothing was restored"}
}

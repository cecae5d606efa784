package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// Dialect is the SQL dialect of a database: SQLite (the embedded default) or PostgreSQL.
type Dialect int

// The dialects Masar speaks.
const (
	SQLite Dialect = iota
	Postgres
)

// String is the dialect's name, also the folder of its migrations.
func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// ErrNotSQLite: the operation is one of an SQLite file (VACUUM INTO, a read-only copy)
// and the database is PostgreSQL.
var ErrNotSQLite = errors.New("the database is PostgreSQL, not an SQLite file")

// pgUniqueViolation is PostgreSQL's SQLSTATE for a UNIQUE constraint failure.
const pgUniqueViolation = "23505"

// IsPostgresURL reports whether source names a PostgreSQL database rather than a file.
func IsPostgresURL(source string) bool {
	return strings.HasPrefix(source, "postgres://") || strings.HasPrefix(source, "postgresql://")
}

// Redact is source with the password of a URL replaced, for messages and logs.
func Redact(source string) string {
	u, err := url.Parse(source)
	if err != nil || u.User == nil {
		return source
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// openPostgres opens the PostgreSQL database at rawURL; owner applies the pending
// migrations, otherwise the schema must already be this program's.
//
// W and R are both pools here. Unlike SQLite's single writer connection, PostgreSQL's
// writers are NOT serialised by the store: transactions run side by side, at the server's
// READ COMMITTED level by default. A feature rule that SQLite's one writer makes safe
// (count the confirmed seats, then confirm one more) needs a row lock, a constraint or a
// stricter isolation level on PostgreSQL; porting the features' transactions to that is a
// step of its own (issue 20), not done by opening the database.
// R is opened with default_transaction_read_only, so that a write sent to the readers fails
// on PostgreSQL as it does on SQLite (query_only).
func openPostgres(ctx context.Context, rawURL string, owner bool) (*DB, error) {
	name := Redact(rawURL)
	w, err := sql.Open(PgxDriverName, rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", name, err)
	}
	n := max(4, runtime.NumCPU()*2)
	w.SetMaxOpenConns(n)
	w.SetMaxIdleConns(n)
	w.SetConnMaxIdleTime(5 * time.Minute)
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", name, err)
	}
	if owner {
		err = migrateAs(ctx, w, Postgres)
	} else {
		err = checkMigratedAs(ctx, w, Postgres, name)
	}
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	ru, err := readOnlyURL(rawURL)
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("store: open readers of %s: %w", name, err)
	}
	r, err := sql.Open(PgxDriverName, ru)
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("store: open readers of %s: %w", name, err)
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{W: w, R: r, dialect: Postgres, path: name}, nil
}

// readOnlyURL is rawURL with default_transaction_read_only=on among its run-time settings
// (pgx passes unknown query parameters to the server as such).
func readOnlyURL(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// migrateAs applies the pending migrations of dialect d.
func migrateAs(ctx context.Context, db *sql.DB, d Dialect) error {
	p, err := providerFor(db, d)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

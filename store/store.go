// Package store opens Masar's database (an embedded SQLite file by default, or a
// PostgreSQL server), applies the embedded migrations of its dialect and runs transactions.
// It knows nothing of the tables' meaning: each feature package owns its SQL.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// migrations holds one folder of goose files per dialect (migrations/sqlite,
// migrations/postgres), with the same version numbers, kept producing the same tables and
// columns by TestSchemaParity.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// ErrNotFound is returned by feature packages when a row does not exist; web maps it to 404.
var ErrNotFound = errors.New("not found")

// DB is the database. On SQLite: one writer connection, so that writes queue in Go rather
// than fail on SQLite's lock, and a pool of readers that WAL lets run beside the writer. On
// PostgreSQL both are pools (see openPostgres).
type DB struct {
	// W is the writer: every INSERT/UPDATE/DELETE goes through it. On SQLite it is a single
	// connection, which serialises the writers; on PostgreSQL it is a pool.
	W *sql.DB
	// R is the reader pool, for SELECTs outside transactions. It refuses writes on both
	// backends.
	R       *sql.DB
	dialect Dialect
	// path is the SQLite file, or the PostgreSQL URL without its password.
	path string
	// lock is the shared hold on the data directory of a read-only opening, released by
	// Close; nil otherwise.
	lock *Lock
	// aside is the private directory where a read-only opening reads a copy, removed by
	// Close; "" otherwise.
	aside string

	stmts sync.Map // query text → *sql.Stmt on R (see Read)
}

// Read returns query prepared on the reader pool, preparing it once: for the hot queries,
// whose parsing (and, for a full-text table, the opening of its index) costs more than
// running them. query must come from a fixed set of texts, with values passed as arguments.
func (db *DB) Read(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.R.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if old, loaded := db.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close() //nolint:sqlclosecheck // a twin prepared at the same moment; the kept one wins
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// Open opens the database at source, applies pending migrations and returns it ready for
// use. source is a PostgreSQL URL (postgres://… or postgresql://…), or else the path of a
// SQLite file, created if needed. An existing file that is empty (0 bytes) or not Masar's is
// refused (ErrEmptyDatabase, ErrForeignDatabase), never initialised over; a failure to
// write names its cause (the disk is full, the file system is read-only, permission
// denied) with the directory.
func Open(ctx context.Context, source string) (*DB, error) {
	if IsPostgresURL(source) {
		return openPostgres(ctx, source, true)
	}
	return open(ctx, source, true)
}

// OpenShared opens the existing database at source beside the process that owns it (a
// running server): it creates nothing and applies no migration, and refuses a database
// whose migrations are behind this program's (ErrSchemaBehind), whose code would not fit
// it.
func OpenShared(ctx context.Context, source string) (*DB, error) {
	if IsPostgresURL(source) {
		return openPostgres(ctx, source, false)
	}
	return open(ctx, source, false)
}

// ErrSchemaBehind: the database lacks migrations that this program has.
var ErrSchemaBehind = errors.New("the database's schema is older than this program's")

func open(ctx context.Context, path string, owner bool) (*DB, error) {
	dir := filepath.Dir(path)
	if owner {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, explain(dir, err)
		}
	}
	exists, err := checkFile(ctx, path)
	if err != nil {
		return nil, err
	}
	if !exists && !owner {
		return nil, fmt.Errorf("store: no database at %s", path)
	}

	// busy_timeout first, so that the following pragmas wait instead of failing.
	// synchronous(FULL): a commit that returned is on disk, even after a power loss.
	// secure_delete(1): deleted and overwritten content is zeroed in the pages written, so
	// that erased personal data does not linger in free space of the file (see Checkpoint
	// for the WAL).
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=secure_delete(1)&_txlock=immediate"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, explain(dir, err)
	}
	if owner {
		// The database holds password hashes and everyone's personal data: readable by
		// Masar's user alone, from before the first migration writes anything to it.
		err = private(path)
		if err == nil {
			err = migrate(w, dir)
		}
		if err == nil {
			err = checkWritable(ctx, w, dir)
		}
	} else {
		err = checkMigrated(ctx, w, path)
	}
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	rdsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=query_only(1)&_pragma=mmap_size(268435456)"
	r, err := sql.Open("sqlite", rdsn)
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("store: open readers: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	// Readers idle for a while are recycled: a connection that saw a large write before it
	// went idle was measured slower afterwards, until reopened.
	r.SetConnMaxIdleTime(time.Minute)
	return &DB{W: w, R: r, dialect: SQLite, path: path}, nil
}

// checkWritable writes the database's header with what it holds, so that a database the
// server cannot write (a read-only file system or file) stops the start-up, with its cause,
// rather than the first visitor's request.
func checkWritable(ctx context.Context, db *sql.DB, dir string) error {
	var v int64
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return explain(dir, err)
	}
	if _, err := db.ExecContext(ctx, "PRAGMA user_version = "+strconv.FormatInt(v, 10)); err != nil {
		return explain(dir, err)
	}
	return nil
}

// checkMigrated refuses a database that lacks some of this program's migrations.
func checkMigrated(ctx context.Context, db *sql.DB, path string) error {
	return checkMigratedAs(ctx, db, SQLite, path)
}

func checkMigratedAs(ctx context.Context, db *sql.DB, d Dialect, path string) error {
	p, err := providerFor(db, d)
	if err != nil {
		return err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("store: schema version of %s: %w", path, err)
	}
	if current < target {
		return fmt.Errorf("store: %s is at schema version %d and this program needs %d: %w", path, current, target, ErrSchemaBehind)
	}
	return nil
}

// provider runs the SQLite migrations on db.
func provider(db *sql.DB) (*goose.Provider, error) { return providerFor(db, SQLite) }

// providerFor runs the migrations of dialect d on db.
func providerFor(db *sql.DB, d Dialect) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+d.String())
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d == Postgres {
		gd = goose.DialectPostgres
		// Several Masar instances may start together on one PostgreSQL database: a session
		// advisory lock lets one of them migrate while the others wait, rather than all
		// trying the same migration at once.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("store: migrations lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

func migrate(db *sql.DB, dir string) error {
	p, err := provider(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(context.Background()); err != nil {
		if w, _ := cause(err); w != "" {
			return explain(dir, err)
		}
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	err := errors.Join(db.R.Close(), db.W.Close())
	if db.aside != "" {
		err = errors.Join(err, os.RemoveAll(db.aside))
		db.aside = ""
	}
	if db.lock != nil {
		err = errors.Join(err, db.lock.Release())
		db.lock = nil
	}
	return err
}

// Path is the database file's path; on PostgreSQL, its URL without the password.
func (db *DB) Path() string { return db.path }

// Dialect is the SQL dialect the database speaks, for the few queries that must differ.
func (db *DB) Dialect() Dialect { return db.dialect }

// Tx runs fn in one write transaction (BEGIN IMMEDIATE): it commits when fn returns nil
// and rolls back otherwise, so that writes that must hold together do. A panic in fn rolls
// the transaction back too and then carries on up the stack: the single writer connection
// must never stay inside a transaction, or every later write would wait for it forever.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	// Rolled back on the way out unless fn returned. A panic goes on up the stack, untouched,
	// once the deferred rollback has run; so does runtime.Goexit (a test's t.FailNow), which
	// a recover-and-panic-again would not see.
	returned := false
	defer func() {
		if !returned {
			_ = tx.Rollback()
		}
	}()
	err = fn(tx)
	returned = true
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Checkpoint copies every page of the write-ahead log into the database file and truncates
// the log to zero bytes (PRAGMA wal_checkpoint(TRUNCATE)), so that values erased by the last
// transactions survive in neither: after an erasure, the old versions of the pages are
// otherwise kept in the -wal file until it is reused. It reports whether the checkpoint was
// complete; a reader in the middle of a long query can hold it back (busy), and the next
// checkpoint does the rest.
//
// PostgreSQL has no such log file to truncate (its WAL is recycled by the server and its
// backups are the operator's, with pg_dump): there it reports true and does nothing.
func (db *DB) Checkpoint(ctx context.Context) (bool, error) {
	if db.dialect == Postgres {
		return true, nil
	}
	var busy, logFrames, done int
	if err := db.W.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
		return false, fmt.Errorf("store: checkpoint: %w", err)
	}
	return busy == 0, nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Backup writes a consistent copy of the live database to dest (VACUUM INTO), safe to run
// while the server is writing. dest must not exist; it is created readable by its owner
// alone (0600) before SQLite writes to it.
//
// On PostgreSQL it refuses (ErrNotSQLite): a server's backups are taken with pg_dump.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.dialect == Postgres {
		return fmt.Errorf("store: backup to %s: %w (use pg_dump for a PostgreSQL database)", dest, ErrNotSQLite)
	}
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("store: backup: %s already exists", dest)
	}
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	// VACUUM INTO accepts an empty file and keeps its mode.
	if _, err := db.W.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		_ = os.Remove(dest)
		return fmt.Errorf("store: backup to %s: %w", dest, err)
	}
	return nil
}

// BackupFile writes a consistent copy of the database at src to dest (0600), beside the
// server that may be running on it. It opens src read-only (OpenReadOnly): it writes and
// migrates nothing and accepts any version of Masar's schema, so that a copy taken before
// an upgrade is of the database as it was. It returns the copy's schema version.
func BackupFile(ctx context.Context, src, dest string) (schema int64, err error) {
	db, _, err := OpenReadOnly(ctx, src, true)
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if schema, err = db.SchemaVersion(ctx); err != nil {
		return 0, err
	}
	return schema, db.Backup(ctx, dest)
}

// private makes the database file at path, and its WAL and shared-memory files, readable
// and writable by their owner alone (SQLite creates new ones with the database file's
// mode; an older Masar left them 0644). A file of another user, which Masar may write but
// not chmod, is left as its owner made it.
func private(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, os.ErrPermission) {
			return err
		}
	}
	return nil
}

// IsUniqueViolation reports whether err is a UNIQUE constraint failure, on either backend.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == pgUniqueViolation
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// Queryer is what both *sql.DB and *sql.Tx offer, so that read helpers can run inside or
// outside a transaction.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// TimeLayout is how times are stored: UTC, fixed width, so that text comparison in SQL
// orders them correctly (RFC 3339 with trailing zeros kept).
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// Now is the current time in the stored layout.
func Now() string { return time.Now().UTC().Format(TimeLayout) }

// FormatTime writes t in the stored layout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// Relaxed runs fn with the writer's durability lowered (synchronous=OFF): for bulk loading
// fixtures in benchmarks, never for user data. The setting is restored afterwards.
// On PostgreSQL, whose writer is a pool where a session setting would not follow the
// statements, fn runs as it is.
func (db *DB) Relaxed(ctx context.Context, fn func() error) error {
	if db.dialect == Postgres {
		return fn()
	}
	if _, err := db.W.ExecContext(ctx, "PRAGMA synchronous=OFF"); err != nil {
		return err
	}
	defer func() { _, _ = db.W.ExecContext(context.Background(), "PRAGMA synchronous=FULL") }()
	return fn()
}

// Package store opens Masar's SQLite database, applies the embedded migrations and runs
// transactions. It knows nothing of the tables' meaning: each feature package owns its SQL.
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
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned by feature packages when a row does not exist; web maps it to 404.
var ErrNotFound = errors.New("not found")

// DB is the database: one writer connection, so that writes queue in Go rather than fail on
// SQLite's lock, and a pool of readers that WAL lets run beside the writer.
type DB struct {
	// W is the single writer connection. Every INSERT/UPDATE/DELETE goes through it.
	W *sql.DB
	// R is the reader pool, for SELECTs outside transactions.
	R    *sql.DB
	path string

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
		st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// Open opens (creating if needed) the database file at path, applies pending migrations
// and returns it ready for use.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
	}
	// busy_timeout first, so that the following pragmas wait instead of failing.
	// synchronous(FULL): a commit that returned is on disk, even after a power loss.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := migrate(w); err != nil {
		w.Close()
		return nil, err
	}
	rdsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=query_only(1)&_pragma=mmap_size(268435456)"
	r, err := sql.Open("sqlite", rdsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open readers: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	// Readers idle for a while are recycled: a connection that saw a large write before it
	// went idle was measured slower afterwards, until reopened.
	r.SetConnMaxIdleTime(time.Minute)
	return &DB{W: w, R: r, path: path}, nil
}

func migrate(db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(context.Background()); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	return errors.Join(db.R.Close(), db.W.Close())
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

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

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Backup writes a consistent copy of the live database to dest (VACUUM INTO), safe to run
// while the server is writing.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("store: backup: %s already exists", dest)
	}
	if _, err := db.W.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("store: backup to %s: %w", dest, err)
	}
	return nil
}

// IsUniqueViolation reports whether err is a UNIQUE constraint failure.
func IsUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
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
func (db *DB) Relaxed(ctx context.Context, fn func() error) error {
	if _, err := db.W.ExecContext(ctx, "PRAGMA synchronous=OFF"); err != nil {
		return err
	}
	defer db.W.ExecContext(context.Background(), "PRAGMA synchronous=FULL")
	return fn()
}

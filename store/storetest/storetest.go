// Package storetest opens real, throw-away databases for tests.
//
// The backend is chosen by the environment: unset, or MASAR_TEST_DATABASE=sqlite, each Open
// is a new SQLite file in the test's temporary directory; MASAR_TEST_DATABASE=postgres makes
// each Open a new PostgreSQL database, masar_t_<random>, created on the server of
// MASAR_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable,
// then the same as user root) and dropped when the test ends. Without a server the test is
// skipped with a message, unless MASAR_POSTGRES_TESTS=require, which makes it fail.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/store"
)

// The environment variables that choose and reach the test database.
const (
	// BackendEnv chooses the backend of Open: "sqlite" (the default) or "postgres".
	BackendEnv = "MASAR_TEST_DATABASE"
	// PostgresURLEnv is the URL of a database on the server where test databases are made;
	// the role must be allowed to create databases.
	PostgresURLEnv = "MASAR_TEST_POSTGRES_URL"
	// RequireEnv set to "require" turns a missing PostgreSQL server into a failure.
	RequireEnv = "MASAR_POSTGRES_TESTS"
)

// DefaultPostgresURL is where test databases are made when PostgresURLEnv is unset: the
// server the project's machines and CI run, with trust authentication.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Open opens a new migrated database of the backend the environment chooses, and closes it
// (and drops it, on PostgreSQL) when the test ends.
func Open(t testing.TB) *store.DB {
	t.Helper()
	if Backend() == store.Postgres {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// OpenSQLite opens a new migrated SQLite file in the test's temporary directory, whatever
// the environment says.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// OpenPostgres opens a new migrated PostgreSQL database whatever the environment says, for
// tests that compare the backends; it skips (or fails, see RequireEnv) without a server.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	u := NewMigratedPostgresDatabase(t)
	db, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last in first: the pools close before the database is dropped.
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Backend is the backend the environment chooses for Open. An unknown name stops the tests
// rather than quietly testing SQLite.
func Backend() store.Dialect {
	switch v := os.Getenv(BackendEnv); v {
	case "", "sqlite":
		return store.SQLite
	case "postgres", "postgresql", "pg":
		return store.Postgres
	default:
		panic(fmt.Sprintf("storetest: %s=%q: write sqlite or postgres", BackendEnv, v))
	}
}

// NewPostgresDatabase creates an empty database, masar_t_<random>, on the test server and
// returns its URL; the database is dropped when the test ends, its leftover connections
// ended first. It skips the test (or fails it, see RequireEnv) when no server answers.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	admin, base, err := adminDB()
	if err != nil {
		if os.Getenv(RequireEnv) == "require" {
			t.Fatalf("storetest: PostgreSQL is required (%s=require) and unreachable: %v", RequireEnv, err)
		}
		t.Skipf("storetest: PostgreSQL unreachable, test skipped (set %s to a server's URL; %s=require makes this a failure): %v",
			PostgresURLEnv, RequireEnv, err)
	}
	return newDatabase(t, admin, base, "")
}

// newDatabase creates a database masar_t_<random> (with the CREATE DATABASE options given),
// dropped when the test ends, and returns its URL.
func newDatabase(t testing.TB, admin *sql.DB, base *url.URL, options string) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "masar_t_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	// A database name cannot be a bound parameter; this one is made of hex digits only.
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+options); err != nil {
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", name)
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	u := *base
	u.Path = "/" + name
	return u.String()
}

// DatabaseURL is what a test gives config.Config.DatabaseURL for a platform on the backend
// the environment chooses: "" for SQLite (the data directory's file), or a new migrated
// PostgreSQL database, dropped when the test ends.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	if Backend() != store.Postgres {
		return ""
	}
	return NewMigratedPostgresDatabase(t)
}

// NewMigratedPostgresDatabase is NewPostgresDatabase with Masar's schema already in place:
// a copy of a template database migrated once per set of migrations (masar_tpl_<digest>,
// kept on the server between runs), which takes a fraction of the second that migrating
// each test's database would.
func NewMigratedPostgresDatabase(t testing.TB) string {
	t.Helper()
	admin, base, err := adminDB()
	if err != nil {
		return NewPostgresDatabase(t) // skips or fails with the reason
	}
	tpl, err := template(admin, base)
	if err != nil {
		t.Fatalf("storetest: template database: %v", err)
	}
	return newDatabase(t, admin, base, " TEMPLATE "+tpl)
}

var (
	templateMu   sync.Mutex
	templateName string
)

// template returns the name of the migrated template database, making it if it does not
// exist: migrated under another name, then renamed, while holding an advisory lock that
// the test processes of other packages wait on.
func template(admin *sql.DB, base *url.URL) (string, error) {
	templateMu.Lock()
	defer templateMu.Unlock()
	if templateName != "" {
		return templateName, nil
	}
	name := "masar_tpl_" + store.MigrationsDigest()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close() //nolint:errcheck // a pooled connection handed back; nothing to report
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtextextended('masar-storetest-template', 0))`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(hashtextextended('masar-storetest-template', 0))`) //nolint:errcheck // the session ends with the connection anyway
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = ?`, name).Scan(&n); err != nil {
		return "", err
	}
	if n == 0 {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		tmp := "masar_tpx_" + hex.EncodeToString(b[:])
		// Names made of a fixed prefix and hex digits only: safe to write into the statement.
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+tmp); err != nil {
			return "", err
		}
		u := *base
		u.Path = "/" + tmp
		db, err := store.Open(ctx, u.String())
		if err == nil {
			err = db.Close()
		}
		if err == nil {
			_, err = conn.ExecContext(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name)
		}
		if err != nil {
			_, _ = conn.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+tmp)
			return "", err
		}
	}
	templateName = name
	return name, nil
}

var (
	adminOnce sync.Once
	adminConn *sql.DB
	adminURL  *url.URL
	adminErr  error
)

// adminDB is one connection pool, shared by the package's tests, to the server's
// maintenance database, where test databases are created and dropped.
func adminDB() (*sql.DB, *url.URL, error) {
	adminOnce.Do(func() {
		candidates := []string{os.Getenv(PostgresURLEnv)}
		if candidates[0] == "" {
			root := "postgres://root@127.0.0.1:5432/postgres?sslmode=disable"
			candidates = []string{DefaultPostgresURL, root}
		}
		var errs []error
		for _, c := range candidates {
			db, u, err := tryAdmin(c)
			if err == nil {
				adminConn, adminURL = db, u
				return
			}
			errs = append(errs, fmt.Errorf("%s: %w", store.Redact(c), err))
		}
		adminErr = errors.Join(errs...)
	})
	return adminConn, adminURL, adminErr
}

func tryAdmin(raw string) (*sql.DB, *url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open(store.PgxDriverName, raw)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(2)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return db, u, nil
}

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
	u := NewPostgresDatabase(t)
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
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "masar_t_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	// A database name cannot be a bound parameter; this one is made of hex digits only.
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
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

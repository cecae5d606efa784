package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/masar-platform/masar/store"
)

// freshDatabase is a database the benchmark made on a PostgreSQL server for one run
// (--fresh) and drops at the end.
type freshDatabase struct {
	admin *sql.DB
	name  string
	url   string // the new database's URL
}

// createFreshDatabase makes masarbench_<random> on the server of serverURL (a URL of any
// database there, whose role may create databases) and returns it.
func createFreshDatabase(ctx context.Context, serverURL string) (*freshDatabase, error) {
	if !store.IsPostgresURL(serverURL) {
		return nil, fmt.Errorf("--fresh needs a PostgreSQL server's URL in --database-url, not %q", store.Redact(serverURL))
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, err
	}
	admin, err := sql.Open(store.PgxDriverName, serverURL)
	if err != nil {
		return nil, err
	}
	admin.SetMaxOpenConns(1)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := admin.PingContext(pctx); err != nil {
		_ = admin.Close()
		return nil, fmt.Errorf("connect to %s: %w", store.Redact(serverURL), err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		_ = admin.Close()
		return nil, err
	}
	name := "masarbench_" + hex.EncodeToString(b[:])
	// A database's name cannot be a parameter; this one is a fixed prefix and hex digits.
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u.Path = "/" + name
	return &freshDatabase{admin: admin, name: name, url: u.String()}, nil
}

// drop ends the connections left on the database and drops it.
func (f *freshDatabase) drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	defer func() { _ = f.admin.Close() }()
	_, _ = f.admin.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()`, f.name)
	if _, err := f.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+f.name); err != nil {
		return fmt.Errorf("drop database %s: %w", f.name, err)
	}
	return nil
}

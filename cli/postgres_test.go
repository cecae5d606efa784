package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/masar-platform/masar/backup"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// testDatabase chooses the database of the commands a test runs on the data directory data,
// by the backend the tests are given (storetest): on PostgreSQL a new database, named to the
// commands by MASAR_DATABASE_URL for the rest of the test; on SQLite the directory's file.
// It returns what store.Open opens to look at what the commands did.
func testDatabase(t *testing.T, data string) string {
	t.Helper()
	if storetest.Backend() != store.Postgres {
		return filepath.Join(data, "masar.db")
	}
	u := storetest.NewPostgresDatabase(t)
	t.Setenv("MASAR_DATABASE_URL", u)
	return u
}

// TestBackupAndRestoreRefusedOnPostgres: on an installation whose database is PostgreSQL,
// `masar backup` and `masar restore` refuse, name pg_dump (and pg_restore), keep the
// database's password out of the message, and write nothing: no backup file, no data
// directory. Neither needs to reach the server to say so.
func TestBackupAndRestoreRefusedOnPostgres(t *testing.T) {
	const url = "postgres://masar:s3cret-pass@db.internal:5432/masar"
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	data := filepath.Join(t.TempDir(), "data")
	dest := filepath.Join(t.TempDir(), "masar.tar.gz")
	var out bytes.Buffer

	err := Run(ctx, []string{"backup", dest, "--data", data, "--database-url", url}, nil, &out, log)
	if !errors.Is(err, backup.ErrPostgres) || !strings.Contains(err.Error(), "pg_dump") || ExitCode(err) != 1 {
		t.Errorf("backup on PostgreSQL: %v (exit %d), want a refusal naming pg_dump", err, ExitCode(err))
	}
	t.Setenv("MASAR_DATABASE_URL", url) // the environment says the same as the flag
	restored := filepath.Join(t.TempDir(), "restored")
	err = Run(ctx, []string{"restore", dest, "--data", restored}, nil, &out, log)
	if !errors.Is(err, backup.ErrPostgres) || !strings.Contains(err.Error(), "pg_restore") || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("restore on PostgreSQL: %v, want a refusal naming pg_restore and pg_dump", err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cret-pass") {
		t.Errorf("the refusal repeats the password: %v", err)
	}
	for _, p := range []string{dest, data, restored} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was written (%v)", p, err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("the refused commands printed %q", out.String())
	}
}

package backup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/masar-platform/masar/backup"
)

// TestPostgresInstallationIsRefused: on an installation whose database is PostgreSQL, a
// backup and a restore are refused with a message that says why and names the tools to use
// (pg_dump, pg_restore), without repeating the database's password; on SQLite (no URL)
// both go ahead.
func TestPostgresInstallationIsRefused(t *testing.T) {
	const url = "postgres://masar:s3cret-pass@db.internal:5432/masar?sslmode=verify-full"
	if err := backup.CheckCreate(""); err != nil {
		t.Errorf("backup on SQLite refused: %v", err)
	}
	if err := backup.CheckRestore(""); err != nil {
		t.Errorf("restore on SQLite refused: %v", err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"backup", backup.CheckCreate(url), []string{"PostgreSQL", "pg_dump", "db.internal", "Nothing was written"}},
		{"restore", backup.CheckRestore(url), []string{"PostgreSQL", "pg_restore", "pg_dump", "db.internal", "Nothing was restored"}},
	} {
		if !errors.Is(tc.err, backup.ErrPostgres) {
			t.Errorf("%s on PostgreSQL: %v, want ErrPostgres", tc.name, tc.err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(tc.err.Error(), w) {
				t.Errorf("%s: %q does not say %q", tc.name, tc.err, w)
			}
		}
		if strings.Contains(tc.err.Error(), "s3cret-pass") {
			t.Errorf("%s: the message repeats the database's password: %q", tc.name, tc.err)
		}
	}
}

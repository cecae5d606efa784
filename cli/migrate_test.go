package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// TestMigrateToPostgresCommand: the command takes the data directory's database by default
// and the target from MASAR_DATABASE_URL, prints each table with its rows and "ok", and
// exits with an error naming the problem when the target already holds the data or is
// not given at all; `masar help` lists it.
func TestMigrateToPostgresCommand(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	t.Setenv("MASAR_DATABASE_URL", "")

	var out bytes.Buffer
	if err := Run(ctx, []string{"help"}, nil, &out, log); err != nil || !strings.Contains(out.String(), "masar migrate-to-postgres") {
		t.Errorf("masar help does not list migrate-to-postgres (%v):\n%s", err, out.String())
	}

	out.Reset()
	err := Run(ctx, []string{"migrate-to-postgres"}, nil, &out, log)
	if err == nil || ExitCode(err) != 2 || !strings.Contains(err.Error(), "--database-url or MASAR_DATABASE_URL") {
		t.Fatalf("without a target: %v (exit %d), want a usage error naming --database-url", err, ExitCode(err))
	}

	db, err := store.Open(ctx, filepath.Join(data, config.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, `INSERT INTO countries (iso2, name_ar, name_en, name_fr, timezone) VALUES ('OM', 'عُمان', 'Oman', 'Oman', 'Asia/Muscat')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MASAR_DATABASE_URL", storetest.NewPostgresDatabase(t))
	out.Reset()
	if err := Run(ctx, []string{"migrate-to-postgres"}, nil, &out, log); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"countries", "ok", "officials_fts (0 rows)", "done:"} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(lineOf(text, "countries "), "1") || !strings.Contains(lineOf(text, "countries "), "ok") {
		t.Errorf("the countries line is %q, want 1 row ok", lineOf(text, "countries "))
	}

	out.Reset()
	err = Run(ctx, []string{"migrate-to-postgres", "--from", filepath.Join(data, config.DatabaseFile)}, nil, &out, log)
	if err == nil || ExitCode(err) != 1 || !strings.Contains(err.Error(), "already holds data, in countries") {
		t.Errorf("a second run: %v, want a refusal naming the table with data", err)
	}
}

// lineOf is the first line of text that starts with prefix.
func lineOf(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

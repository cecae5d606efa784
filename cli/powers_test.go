package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store"
)

// TestTokenCreateIsAudited: a token made on the command line acts as its account, so its
// making is in the audit log — with the token's name, never its secret.
func TestTokenCreateIsAudited(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var out bytes.Buffer
	if err := Run(ctx, []string{"admin", "create", "--email", "admin@example.org", "--role", "admin"}, strings.NewReader("a long admin password\n"), &out, log); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := Run(ctx, []string{"token", "create", "--email", "admin@example.org", "--name", "nightly export"}, nil, &out, log); err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(out.String())
	db, err := store.Open(ctx, filepath.Join(data, "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	entries, _, err := audit.List(ctx, db, audit.Filter{Action: "official.token_create"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Actor != "command line" || entries[0].To != "nightly export" {
		t.Fatalf("audit entries of the token: %+v", entries)
	}
	if strings.Contains(entries[0].From+entries[0].To+entries[0].Subject, strings.TrimPrefix(tok, "msr_")) {
		t.Error("the audit log holds the token")
	}
}

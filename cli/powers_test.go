package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
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
	source := testDatabase(t, data)
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
	db, err := store.Open(ctx, source)
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

// TestImportedAccountsClaimLinkReachesOnlyTheHolder: the claim links of accounts made by
// `masar import officials` are marked secret — masked in what the outbox keeps and shows,
// whole in the holder's copy.
func TestImportedAccountsClaimLinkReachesOnlyTheHolder(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	t.Setenv("MASAR_BASE_URL", "https://masar.test")
	source := testDatabase(t, data)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	people := filepath.Join(t.TempDir(), "people.xlsx")
	writeBook(t, people, [][]any{{"Email", "Full name in Arabic script", "Full name in Latin script", "Job title", "Organisation",
		"Member state", "Sector", "Gender", "Preferred language"},
		{"mariam@gov.kw", "مريم الصباح", "Mariam Al-Sabah", "Director", "Statistics", "KW", "central_government", "female", "ar"}})
	if err := Run(ctx, []string{"import", "officials", people}, nil, io.Discard, log); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var shown, whole string
	if err := db.R.QueryRow("SELECT text_body || html_body, coalesce(recipient_text, '') FROM outbox WHERE template = 'welcome_claim'").Scan(&shown, &whole); err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`https://masar\.test/ar/reset/([A-Za-z0-9_-]{20,})`).FindStringSubmatch(whole)
	if link == nil {
		t.Fatalf("the holder's copy has no claim link:\n%s", whole)
	}
	if strings.Contains(shown, link[1]) || !strings.Contains(shown, "https://masar.test/ar/reset/…") {
		t.Errorf("the outbox's copy shows the claim link, or not where it led:\n%s", shown)
	}
}

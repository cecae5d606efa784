package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"
)

// TestCommandsDoNotCatchUpCertificates: on a data directory whose database holds a
// completed course without its certificate (the server stopped between the completion and
// its hook), `masar token create` and `masar backup` do what they are asked and nothing
// more: no certificate is issued, no mail is queued. The server's start does issue it,
// which shows the database was one where the catch-up acts.
func TestCommandsDoNotCatchUpCertificates(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	t.Setenv("MASAR_DATA", data)
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir, cfg.BcryptCost = data, 4
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := platform.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := officials.Input{Email: "finished@example.org", Password: "a long enough password", NameAr: "سلمى يوسف", NameLatin: "Salma Youssef",
		JobTitle: "Director", Organisation: "Ministry of Planning", Country: "JO", Sector: "central_government", Gender: "female", Language: "ar"}
	o, err := p.Officials.Create(ctx, audit.Actor{Email: "test"}, in, officials.RoleOfficial)
	if err != nil {
		t.Fatal(err)
	}
	course := p.Library.Catalogue().Courses()[0].Slug
	if err := p.Courses.Enrol(ctx, o.ID, course); err != nil {
		t.Fatal(err)
	}
	// The completion is committed; its hook never ran.
	if _, err := p.DB.W.ExecContext(ctx, "UPDATE enrolments SET completed_at = ? WHERE official_id = ?", store.Now(), o.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	counts := func() (certs, mails int) {
		t.Helper()
		db, _, err := store.OpenReadOnly(ctx, cfg.DBPath(), false)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.R.QueryRowContext(ctx, "SELECT count(*) FROM certificates").Scan(&certs); err != nil {
			t.Fatal(err)
		}
		if err := db.R.QueryRowContext(ctx, "SELECT count(*) FROM outbox").Scan(&mails); err != nil {
			t.Fatal(err)
		}
		return certs, mails
	}
	certs0, mails0 := counts()
	if certs0 != 0 {
		t.Fatalf("%d certificate(s) before the commands", certs0)
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var out bytes.Buffer
	if err := Run(ctx, []string{"token", "create", "--email", "finished@example.org"}, nil, &out, log); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "msr_") {
		t.Fatalf("token create printed %q", out.String())
	}
	if err := Run(ctx, []string{"backup", filepath.Join(t.TempDir(), "masar.tar.gz")}, nil, io.Discard, log); err != nil {
		t.Fatal(err)
	}
	// The commands run synchronously; a goroutine they had left behind would have had
	// this long to issue and mail.
	time.Sleep(300 * time.Millisecond)
	if certs, mails := counts(); certs != 0 || mails != mails0 {
		t.Fatalf("after token create and backup: %d certificate(s), %d mail(s) queued (before: 0, %d)", certs, mails-mails0, mails0)
	}

	p, err = platform.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := 0; i < 200; i++ {
		if certs, _ := p.Certificates.ForOfficial(ctx, o.ID); len(certs) == 1 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Error("the server's start did not issue the missed certificate: the test's database is not one the catch-up acts on")
}

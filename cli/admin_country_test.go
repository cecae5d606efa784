package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/masar-platform/masar/store"
)

// TestAdminCreateFocalPointWithCountry: a focal point is made on the command line with
// --country; without it, or with a code that is no member state, the command says what is
// wrong in the chosen language — never a raw catalogue key — and makes no account.
func TestAdminCreateFocalPointWithCountry(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	source := testDatabase(t, data)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := Run(ctx, append([]string{"admin", "create"}, args...), strings.NewReader("a long focal password\n"), &out, log)
		return out.String(), err
	}
	for _, c := range []struct {
		lang, country string
		want          []string
	}{
		{"ar", "", []string{"الدولة العضو", "اختر دولتك العضو"}},
		{"en", "", []string{"Member state", "Choose your member state."}},
		{"fr", "", []string{"État membre"}},
		{"en", "XX", []string{"Member state", "Choose a state from the list of member states."}},
	} {
		t.Setenv("LANG", c.lang+"_JO.UTF-8")
		args := []string{"--email", "fp-" + c.lang + "@example.org", "--role", "focal_point"}
		if c.country != "" {
			args = append(args, "--country", c.country)
		}
		_, err := run(args...)
		if err == nil {
			t.Fatalf("%s %q: a focal point without a member state was created", c.lang, c.country)
		}
		msg := err.Error()
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s %q: %q does not say %q", c.lang, c.country, msg, w)
			}
		}
		if strings.Contains(msg, "field.") {
			t.Errorf("%s: a raw key in %q", c.lang, msg)
		}
	}
	// --lang wins over the terminal's locale.
	t.Setenv("LANG", "en_US.UTF-8")
	if _, err := run("--email", "fp@example.org", "--role", "focal_point", "--lang", "fr"); err == nil || !strings.Contains(err.Error(), "État membre") {
		t.Errorf("--lang fr: %v", err)
	}
	out, err := run("--email", "fp@example.org", "--role", "focal_point", "--country", "jo")
	if err != nil {
		t.Fatalf("focal point with --country jo: %v", err)
	}
	if !strings.Contains(out, "created focal_point account") {
		t.Errorf("output: %q", out)
	}
	db, err := store.Open(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	var country, role string
	if err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM officials WHERE email LIKE 'fp%'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.R.QueryRowContext(ctx, "SELECT country, role FROM officials WHERE email = 'fp@example.org'").Scan(&country, &role); err != nil {
		t.Fatal(err)
	}
	if n != 1 || country != "JO" || role != "focal_point" {
		t.Errorf("accounts: %d; the focal point: %s %s", n, country, role)
	}
}

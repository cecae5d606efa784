package officials

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/store"
)

// TestParseDevice: the User-Agents of the browsers people use, as they send them, and the
// two words the sessions page shows for each. Written from real headers, before the parser.
func TestParseDevice(t *testing.T) {
	for _, tc := range []struct{ ua, browser, os string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome", "Windows"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87", "Edge", "Windows"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox", "Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari", "macOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari", "iOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", "Chrome", "iOS"},
		{"Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari", "iPadOS"},
		{"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet", "Android"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome", "Android"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0", "Opera", "Windows"},
		{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox", "Ubuntu"},
		{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome", "ChromeOS"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36", "Chrome", "Linux"},
		{"curl/8.5.0", "curl", ""},
		{"", "", ""},
		{"something nobody sends", "", ""},
	} {
		if got := ParseDevice(tc.ua); got.Browser != tc.browser || got.OS != tc.os {
			t.Errorf("ParseDevice(%.60q) = %+v, want %s on %s", tc.ua, got, tc.browser, tc.os)
		}
	}
}

// TestMaskAddressAndPlace: only the network of an address is kept, and the page tells a
// local network from the outside without asking anyone.
func TestMaskAddressAndPlace(t *testing.T) {
	for _, tc := range []struct {
		ip, masked string
		place      Place
	}{
		{"203.0.113.57", "203.0.113.0/24", Place{Network: "203.0.113.x"}},
		{"::ffff:198.51.100.4", "198.51.100.0/24", Place{Network: "198.51.100.x"}},
		{"2001:db8:1234:5678::1", "2001:db8:1234::/48", Place{Network: "2001:db8:1234::/48"}},
		{"192.168.1.20", "192.168.1.0/24", Place{Local: true}},
		{"10.4.5.6", "10.4.5.0/24", Place{Local: true}},
		{"127.0.0.1", "127.0.0.0/24", Place{Local: true}},
		{"fd00::7", "fd00::/48", Place{Local: true}},
		{"not an address", "", Place{}},
		{"", "", Place{}},
	} {
		m := MaskAddress(tc.ip)
		if m != tc.masked {
			t.Errorf("MaskAddress(%q) = %q, want %q", tc.ip, m, tc.masked)
		}
		if got := PlaceOf(m); got != tc.place {
			t.Errorf("PlaceOf(%q) = %+v, want %+v", m, got, tc.place)
		}
	}
}

// TestSessionDetailsKeptWithoutSecrets: a session keeps its browser, the network (never the
// full address), the method and a public id that is not its secret nor its hash; the login
// is in the audit log.
func TestSessionDetailsKeptWithoutSecrets(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, err := s.Register(ctx, valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
	tok, err := s.NewSession(ctx, o.ID, SessionMeta{UserAgent: ua + "\x00" + strings.Repeat("x", 1000), IP: "203.0.113.57"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Sessions(ctx, o.ID, tok)
	if err != nil || len(list) != 1 {
		t.Fatalf("sessions: %+v %v", list, err)
	}
	got := list[0]
	if !got.Current || got.Network != "203.0.113.0/24" || got.Method != MethodPassword || len(got.UserAgent) > 512 ||
		!strings.HasPrefix(got.UserAgent, ua) || strings.ContainsRune(got.UserAgent, 0) || got.Device().Browser != "Firefox" {
		t.Errorf("session kept as %+v", got)
	}
	if len(got.ID) != 20 || strings.Contains(tok, got.ID) || strings.Contains(hashToken(tok), got.ID) {
		t.Errorf("public id %q is empty or part of the secret or its hash", got.ID)
	}
	var full int
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM sessions WHERE ip LIKE '%57%'").Scan(&full); err != nil || full != 0 {
		t.Errorf("the full address is stored (%d, %v)", full, err)
	}
	entries, _, _ := audit.List(ctx, s.db, audit.Filter{Action: ActionLogin})
	if len(entries) != 1 || entries[0].ActorID != o.ID || entries[0].To != MethodPassword {
		t.Errorf("auth.login entries: %+v", entries)
	}
}

// TestEndingASessionReachesTheOtherInstance: two instances on one database, their buses
// joined; a session ended on A (by its owner, or with all the others) is refused on B at
// once, although B had it in its cache.
func TestEndingASessionReachesTheOtherInstance(t *testing.T) {
	one, _ := newService(t)
	hub := cache.NewMemoryHub()
	a := New(one.db, 4, cache.NewBus(hub.Transport(), nil))
	b := New(one.db, 4, cache.NewBus(hub.Transport(), nil))
	ctx := context.Background()
	o, err := a.Register(ctx, valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	owner := audit.Actor{ID: o.ID, Email: o.Email}
	keep, _ := a.NewSession(ctx, o.ID, SessionMeta{})
	other, _ := a.NewSession(ctx, o.ID, SessionMeta{})
	third, _ := a.NewSession(ctx, o.ID, SessionMeta{})
	for _, tok := range []string{keep, other, third} {
		if _, err := b.SessionOfficial(ctx, tok); err != nil {
			t.Fatalf("B before: %v", err)
		}
	}
	list, _ := a.Sessions(ctx, o.ID, other)
	var otherID string
	for _, x := range list {
		if x.Current {
			otherID = x.ID
		}
	}
	stranger := audit.Actor{ID: o.ID + 1000, Email: "x@example.org"}
	if err := a.EndOwnSession(ctx, stranger, otherID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("someone else ends the session: %v, want not found", err)
	}
	if err := a.EndOwnSession(ctx, owner, otherID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SessionOfficial(ctx, other); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B after the owner ended the session on A: %v, want not found", err)
	}
	if err := a.EndOtherSessions(ctx, o.ID, keep); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SessionOfficial(ctx, third); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B after EndOtherSessions on A: %v, want not found", err)
	}
	if _, err := b.SessionOfficial(ctx, keep); err != nil {
		t.Errorf("the kept session on B: %v", err)
	}
	if err := a.EndAllSessions(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SessionOfficial(ctx, keep); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B after EndAllSessions on A: %v, want not found", err)
	}
}

// TestLoginFailureRecordsNoStrangersAddress: a failed sign-in names a live account by its
// normalised address; for an address without an account only a domain is kept, and nothing
// that does not read as one.
func TestLoginFailureRecordsNoStrangersAddress(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	o, err := s.Register(ctx, valid(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, typed := range []string{"  " + strings.ToUpper(o.Email) + " ", "nobody.real@ministry.gov.xx", "my secret password", "ali@"} {
		if err := s.RecordLoginFailure(ctx, typed); err != nil {
			t.Fatal(err)
		}
	}
	entries, _, _ := audit.List(ctx, s.db, audit.Filter{Action: ActionLoginFailed})
	got := map[string]string{}
	for _, e := range entries {
		got[e.Subject+" "+e.Field] += e.To + "|"
	}
	want := map[string]string{subjectOf(o.ID) + " email": NormaliseEmail(o.Email) + "|", "unknown_account domain": "||ministry.gov.xx|"} // newest first
	if len(got) != len(want) || got[subjectOf(o.ID)+" email"] != want[subjectOf(o.ID)+" email"] || got["unknown_account domain"] != want["unknown_account domain"] {
		t.Errorf("failures recorded as %v, want %v", got, want)
	}
}

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
)

// TestBrowserEndSessionLogsTheOtherBrowserOut: one person is logged in from two browsers
// (two Chromium processes, each with its own profile and cookies). From the first, on the
// sessions page in Arabic, they end the other: the other browser's next page is the login
// page. The sessions, tokens and security log pages are right to left in Arabic and pass
// axe in the three languages.
func TestBrowserEndSessionLogsTheOtherBrowserOut(t *testing.T) {
	src := axeSource(t)
	s := startSite(t)
	a := newBrowserFor(t, 2*testTimeout)
	b := newBrowserFor(t, 2*testTimeout) // a second browser, with its own profile and cookies
	in := s.account(t, "sara.khaled@mop.gov.jo")

	s.login(t, a, "ar", in.Email)
	s.login(t, b, "ar", in.Email)
	if got := location(t, b); got != "/ar/me" {
		t.Fatalf("the second browser after logging in is on %s, want /ar/me", got)
	}

	s.open(t, a, "/ar/me/sessions")
	if dir := eval[string](t, a, `document.documentElement.dir + ' ' + getComputedStyle(document.querySelector('#sessions')).direction`); dir != "rtl rtl" {
		t.Errorf("the Arabic sessions page and its table are %q, want right to left", dir)
	}
	if n := eval[int](t, a, `document.querySelectorAll('#sessions tbody tr').length`); n != 2 {
		t.Fatalf("the sessions page lists %d sessions, want 2", n)
	}
	if got := text(t, a, "#sessions tr.current th"); !strings.Contains(got, "هذا المتصفح") || !strings.Contains(got, "Chrome") {
		t.Errorf("the current session reads %q, want it named Chrome and marked as this browser", got)
	}
	screenshot(t, a, "sessions-ar")
	checkAxe(t, a, src, "/ar/me/sessions")

	clickAndLoad(t, a, "#sessions tbody tr:not(.current) button[type=submit]")
	if got := location(t, a); got != "/ar/me/sessions" {
		t.Fatalf("after ending the other session the browser is on %s, want /ar/me/sessions", got)
	}
	if got := text(t, a, ".flash"); !strings.Contains(got, "انتهت الجلسة") {
		t.Errorf("the flash after ending a session reads %q", got)
	}
	if n := eval[int](t, a, `document.querySelectorAll('#sessions tbody tr').length`); n != 1 {
		t.Errorf("after ending the other session the page lists %d sessions, want 1", n)
	}

	// The other browser is logged out at once: its next page asks it to log in.
	s.open(t, b, "/ar/me")
	if got := location(t, b); !strings.HasPrefix(got, "/ar/login") {
		t.Fatalf("the other browser's next page is %s, want the login page", got)
	}
	s.open(t, a, "/ar/me")
	if got := location(t, a); got != "/ar/me" {
		t.Fatalf("the browser that ended the other session is on %s, want still logged in on /ar/me", got)
	}

	// Two API tokens: the person revokes one from the tokens page, and it stops working.
	sara, err := s.p.Officials.GetByEmail(context.Background(), in.Email)
	if err != nil {
		t.Fatal(err)
	}
	keep, err := s.p.Officials.CreateAPIToken(context.Background(), sara.ID, "تقارير الوزارة")
	if err != nil {
		t.Fatal(err)
	}
	gone, err := s.p.Officials.CreateAPIToken(context.Background(), sara.ID, "old laptop script")
	if err != nil {
		t.Fatal(err)
	}
	s.open(t, a, "/ar/me/tokens")
	if n := eval[int](t, a, `document.querySelectorAll('#tokens tbody form').length`); n != 2 {
		t.Fatalf("the tokens page (newest first) offers to revoke %d tokens, want 2", n)
	}
	clickAndLoad(t, a, "#tokens tbody tr:first-child button[type=submit]")
	if got := text(t, a, "#tokens tbody tr:first-child"); !strings.Contains(got, "أُلغي في") {
		t.Errorf("the revoked token's row reads %q", got)
	}
	if _, err := s.p.Officials.TokenOfficial(context.Background(), gone); err == nil {
		t.Error("the token revoked on the page still works")
	}
	if _, err := s.p.Officials.TokenOfficial(context.Background(), keep); err != nil {
		t.Errorf("the other token stopped working: %v", err)
	}

	for _, lang := range []string{"ar", "en", "fr"} {
		for _, page := range []string{"/me/sessions", "/me/tokens"} {
			s.open(t, a, "/"+lang+page)
			checkAxe(t, a, src, "/"+lang+page)
		}
	}
	s.open(t, a, "/ar/me/tokens")
	screenshot(t, a, "tokens-ar")

	// The security log, for an admin, in the three languages.
	admin := s.wsPerson(t, "omar.admin@escwa.example", officials.RoleAdmin, "", "عمر فاروق", "Omar Farouk")
	s.login(t, b, "ar", admin.Email)
	for _, lang := range []string{"ar", "en", "fr"} {
		s.open(t, b, "/"+lang+"/admin/security-log")
		if n := eval[int](t, b, `document.querySelectorAll('#security-log tbody tr').length`); n < 3 {
			t.Errorf("/%s/admin/security-log shows %d entries, want the sign-ins and the session ended", lang, n)
		}
		checkAxe(t, b, src, "/"+lang+"/admin/security-log")
	}
	s.open(t, b, "/ar/admin/security-log")
	if dir := eval[string](t, b, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("the Arabic security log is %q", dir)
	}
	if got := text(t, b, "#security-log"); !strings.Contains(got, "جلسة أنهاها صاحبها") {
		t.Errorf("the Arabic security log does not name the ended session: %.300q", got)
	}
	screenshot(t, b, "security-log-ar")
	s.open(t, b, "/ar/admin/security-log?from=not-a-date")
	checkAxe(t, b, src, "/ar/admin/security-log with a field error")
}

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
)

// virtualAuthenticator gives the browser a platform authenticator that holds passkeys and
// verifies its user at once, as a laptop with a fingerprint reader would.
func virtualAuthenticator() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}})
		return chromedp.Void{}, err
	}
}

// TestBrowserPasskey: a staff account that must set up a second factor chooses a passkey,
// names it, is shown its recovery codes and is in; its security page lists the passkey; the
// next sign-in asks for the passkey (there is no app, so no code field) and takes it. The
// pages are checked with axe in Arabic, right to left, and the security page in English and French too. Passkeys need a domain name: the site
// is served as localhost.
func TestBrowserPasskey(t *testing.T) {
	src := axeSource(t)
	s := startSiteWith(t, func(c *config.Config) {
		c.SecondFactorRoles = []string{officials.RoleStaff, officials.RoleAdmin}
		c.BaseURL = strings.Replace(c.BaseURL, "127.0.0.1", "localhost", 1)
	})
	ctx := newBrowserFor(t, 3*testTimeout)
	do(t, ctx, "add a virtual authenticator", virtualAuthenticator())
	email := "passkey.staff@escwa.example"
	o := s.programmeStaff(t, email, "سلمى الراشد", "Salma Al-Rashed")

	s.login(t, ctx, "ar", email)
	if got := location(t, ctx); got != "/ar/login/enrol" {
		t.Fatalf("after the password the browser is on %s, want /ar/login/enrol", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('form[data-passkey=create] button:not([disabled])').length`); n != 1 {
		t.Fatalf("the setup page offers %d usable passkey buttons, want 1", n)
	}
	checkAxe(t, ctx, src, "/ar/login/enrol with a passkey")
	screenshot(t, ctx, "passkey-enrol-ar")

	// A passkey without a name is not asked for.
	do(t, ctx, "press the passkey button with no name", chromedp.Click(chromedp.CSS("form[data-passkey=create] button")))
	if got := location(t, ctx); got != "/ar/login/enrol" {
		t.Fatalf("a passkey with no name went on to %s", got)
	}
	do(t, ctx, "name the passkey", typeInto("#f-passkey_name", "حاسوب العمل"))
	clickAndLoad(t, ctx, "form[data-passkey=create] button")
	codes := eval[[]string](t, ctx, `[...document.querySelectorAll('ol.recovery-codes code')].map(e => e.innerText.trim())`)
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown after the passkey, want 10 (page %s: %q)", len(codes), location(t, ctx), text(t, ctx, "main"))
	}
	clickAndLoad(t, ctx, "main form button[type=submit]")
	if got := location(t, ctx); got != "/ar/me" {
		t.Fatalf("after the recovery codes the browser is on %s, want /ar/me", got)
	}
	s.open(t, ctx, "/ar/me/security")
	if got := text(t, ctx, "table.passkeys tbody"); !strings.Contains(got, "حاسوب العمل") {
		t.Fatalf("the security page lists %q, want the passkey's name", got)
	}
	checkAxe(t, ctx, src, "/ar/me/security with a passkey")
	screenshot(t, ctx, "passkey-security-ar")
	for _, l := range []string{"en", "fr"} {
		s.open(t, ctx, "/"+l+"/me/security")
		if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "ltr" {
			t.Fatalf("/%s/me/security has dir=%q", l, dir)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('table.passkeys tbody tr').length`); n != 1 {
			t.Fatalf("/%s/me/security lists %d passkeys, want 1", l, n)
		}
		checkAxe(t, ctx, src, "/"+l+"/me/security with a passkey")
	}
	logout(t, ctx, "fr")

	// The next sign-in: the passkey, and no code field since there is no app.
	s.login(t, ctx, "ar", email)
	if got := location(t, ctx); got != "/ar/login/second-factor" {
		t.Fatalf("after the password the browser is on %s, want /ar/login/second-factor", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#f-code').length`); n != 0 {
		t.Fatalf("an account with a passkey and no app is asked for an app's code")
	}
	checkAxe(t, ctx, src, "/ar/login/second-factor with a passkey")
	clickAndLoad(t, ctx, "form[data-passkey=get] button")
	if got := location(t, ctx); got != "/ar/me" {
		t.Fatalf("after the passkey the browser is on %s, want /ar/me (%q)", got, text(t, ctx, "main"))
	}
	var method string
	if err := s.p.DB.R.QueryRow("SELECT method FROM sessions WHERE official_id = ? ORDER BY created_at DESC LIMIT 1", o.ID).Scan(&method); err != nil {
		t.Fatal(err)
	}
	if method != "password+passkey" {
		t.Fatalf("the session records sign-in method %q, want password+passkey", method)
	}
}

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
)

// totpCode is the code an authenticator app shows for secret at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBrowserSecondFactor: a staff account signing in for the first time is sent to set up
// an authenticator app and can open nothing else until it has; it scans (reads) the key,
// confirms with a code, is shown ten recovery codes, and is in. Later sign-ins ask for a code
// from the app, or take a recovery code. Every page of the way is checked with axe, in
// Arabic (right to left), English and French.
func TestBrowserSecondFactor(t *testing.T) {
	src := axeSource(t)
	s := startSiteWith(t, func(c *config.Config) { c.SecondFactorRoles = []string{officials.RoleStaff, officials.RoleAdmin} })
	ctx := newBrowserFor(t, 3*testTimeout)
	email := "programme.staff@escwa.example"
	s.programmeStaff(t, email, "ريم منصور", "Reem Mansour")

	// The password step leads to the setup, not into the platform.
	s.login(t, ctx, "ar", email)
	if got := location(t, ctx); got != "/ar/login/enrol" {
		t.Fatalf("after the password a staff account without a second factor is on %s, want /ar/login/enrol", got)
	}
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Fatalf("the Arabic setup page has dir=%q", dir)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('figure.totp-qr svg[role=img][aria-label]').length`); n != 1 {
		t.Fatalf("the setup page shows %d labelled QR codes, want 1", n)
	}
	checkAxe(t, ctx, src, "/ar/login/enrol")
	screenshot(t, ctx, "second-factor-enrol-ar")
	secret := strings.ReplaceAll(text(t, ctx, ".totp-secret code"), " ", "")

	// Nothing else opens before the app is set up.
	s.open(t, ctx, "/ar/admin/")
	if got := location(t, ctx); !strings.HasPrefix(got, "/ar/login") {
		t.Fatalf("before the setup /ar/admin/ shows %s, want the login", got)
	}
	s.open(t, ctx, "/ar/login/enrol")
	if secret2 := strings.ReplaceAll(text(t, ctx, ".totp-secret code"), " ", ""); secret2 != "" {
		secret = secret2 // a new page, a new key: the one shown is the one to confirm
	}

	// A wrong code is refused next to the field.
	wrong := "000000"
	if totpCode(t, secret, time.Now()) == wrong {
		wrong = "999999"
	}
	do(t, ctx, "type a wrong code", typeInto("#f-code", wrong))
	clickAndLoad(t, ctx, "main form button[type=submit]")
	if msg := text(t, ctx, "#e-code"); !strings.Contains(msg, "غير صحيح") {
		t.Fatalf("a wrong code shows %q next to the field", msg)
	}
	checkAxe(t, ctx, src, "/ar/login/enrol after a wrong code")

	do(t, ctx, "type the app's code", typeInto("#f-code", totpCode(t, secret, time.Now())))
	clickAndLoad(t, ctx, "main form button[type=submit]")
	codes := eval[[]string](t, ctx, `[...document.querySelectorAll('ol.recovery-codes code')].map(e => e.innerText.trim())`)
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown after the setup, want 10", len(codes))
	}
	checkAxe(t, ctx, src, "recovery codes (ar)")
	screenshot(t, ctx, "second-factor-codes-ar")
	clickAndLoad(t, ctx, "main form button[type=submit]")
	if got := location(t, ctx); got != "/ar/me" {
		t.Fatalf("after the recovery codes the browser is on %s, want /ar/me", got)
	}
	check := func(path string) {
		t.Helper()
		s.open(t, ctx, path)
		if got := location(t, ctx); got != path {
			t.Fatalf("%s: the browser is on %s", path, got)
		}
		checkAxe(t, ctx, src, path)
	}
	for _, l := range []string{"ar", "en", "fr"} {
		check("/" + l + "/me/security")
	}
	screenshot(t, ctx, "second-factor-security-fr")
	logout(t, ctx, "fr")

	// Signing in again: the password, then the app's code (the next step's: the setup's
	// code is spent, and a code one step early or late is taken).
	s.login(t, ctx, "en", email)
	if got := location(t, ctx); got != "/en/login/second-factor" {
		t.Fatalf("after the password the browser is on %s, want /en/login/second-factor", got)
	}
	checkAxe(t, ctx, src, "/en/login/second-factor")
	do(t, ctx, "type the app's code", typeInto("#f-code", totpCode(t, secret, time.Now().Add(30*time.Second))))
	clickAndLoad(t, ctx, "main form button[type=submit]")
	if got := location(t, ctx); got != "/en/me" {
		t.Fatalf("after the code the browser is on %s, want /en/me", got)
	}
	logout(t, ctx, "en")

	// A recovery code, in French.
	s.login(t, ctx, "fr", email)
	if got := location(t, ctx); got != "/fr/login/second-factor" {
		t.Fatalf("after the password the browser is on %s, want /fr/login/second-factor", got)
	}
	do(t, ctx, "open the recovery code form", chromedp.Click(chromedp.CSS("details.recovery summary")))
	checkAxe(t, ctx, src, "/fr/login/second-factor with the recovery code form open")
	do(t, ctx, "type a recovery code", typeInto("#f-recovery_code", codes[0]))
	clickAndLoad(t, ctx, "details.recovery form button[type=submit]")
	if got := location(t, ctx); got != "/fr/me" {
		t.Fatalf("after a recovery code the browser is on %s, want /fr/me", got)
	}
	logout(t, ctx, "fr")

	// The Arabic second step, with a wrong code shown.
	s.login(t, ctx, "ar", email)
	do(t, ctx, "type a wrong code", typeInto("#f-code", "12"))
	clickAndLoad(t, ctx, "main form button[type=submit]")
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Fatalf("the Arabic second step has dir=%q", dir)
	}
	checkAxe(t, ctx, src, "/ar/login/second-factor after a wrong code")
	screenshot(t, ctx, "second-factor-login-ar")

	// An official sets up an app on the security page, in English (the form before setup).
	in := s.account(t, "official.security@gov.example")
	s.open(t, ctx, "/ar/login")
	s.login(t, ctx, "en", in.Email)
	check("/en/me/security")
	check("/fr/me/security")
	s.open(t, ctx, "/ar/me/security")
	checkAxe(t, ctx, src, "/ar/me/security before setup")
	screenshot(t, ctx, "second-factor-security-setup-ar")
}

// programmeStaff makes a confirmed staff account of the programme, with the tests' password.
func (s *site) programmeStaff(t *testing.T, email, nameAr, nameLatin string) *officials.Official {
	t.Helper()
	o, err := s.p.Officials.Create(context.Background(), audit.Actor{Email: "e2e"}, officials.Input{Email: email, Password: password,
		NameAr: nameAr, NameLatin: nameLatin, JobTitle: "Programme officer", Organisation: "ESCWA", Sector: "international",
		Gender: "female", Language: "ar"}, officials.RoleStaff)
	if err != nil {
		t.Fatal(err)
	}
	s.confirm(t, o.ID)
	return o
}

package e2e

import (
	"strings"
	"testing"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/sso/ssotest"
)

// TestBrowserOIDCSignIn signs in through an OpenID Connect provider running in the test
// (its own login page, which the browser submits): the login page's button in each
// language, the provider's page, the callback, the new account's profile form; then a
// token for another audience ends on the localized failure page, in ar, en and fr. Every
// page of the platform on the way is checked with axe-core.
func TestBrowserOIDCSignIn(t *testing.T) {
	src := axeSource(t)
	op := ssotest.Start(t, "masar-client", "client-secret-of-masar")
	op.AddUser("layla", ssotest.User{Subject: "u-1001", Email: "layla.haddad@mop.gov.jo", EmailVerified: ssotest.Verified(true),
		Name: "Layla Haddad", NameAr: "ليلى حداد"})
	s := startSiteWith(t, func(c *config.Config) { c.OIDCProvidersJSON = ssotest.JSON(op.Config("mop", "official")) })
	ctx := newBrowserFor(t, 3*testTimeout)

	labels := map[string]string{"ar": "الدخول عبر وزارة التخطيط", "en": "Sign in with Ministry of Planning", "fr": "Se connecter avec Ministère du Plan"}
	for _, lang := range []string{"ar", "en", "fr"} {
		s.open(t, ctx, "/"+lang+"/login")
		if got := text(t, ctx, ".oidc-providers a"); got != labels[lang] {
			t.Errorf("/%s/login: button %q, want %q", lang, got, labels[lang])
		}
		wantDir := map[bool]string{true: "rtl", false: "ltr"}[lang == "ar"]
		if l := layout(t, ctx); l.Lang != lang || l.Dir != wantDir {
			t.Errorf("/%s/login: lang %q dir %q", lang, l.Lang, l.Dir)
		}
		checkAxe(t, ctx, src, "/"+lang+"/login with a provider")
		screenshot(t, ctx, "oidc-login-"+lang)
	}

	// First sign-in, from the Arabic login page: the provider's page, then back.
	s.open(t, ctx, "/ar/login")
	clickAndLoad(t, ctx, ".oidc-providers a")
	if got := eval[string](t, ctx, `location.origin`); got != op.URL {
		t.Fatalf("the button led to %s, not the provider %s", got, op.URL)
	}
	do(t, ctx, "type the user name at the provider", typeInto("#login", "layla"))
	clickAndLoad(t, ctx, "#sign-in")
	if got := location(t, ctx); got != "/ar/me/edit" {
		t.Fatalf("after the provider's sign-in the browser is at %s, want /ar/me/edit", got)
	}
	if got := text(t, ctx, "main"); !strings.Contains(got, "أُنشئ حسابك") {
		t.Errorf("the new account's profile form does not say the account was created:\n%s", got)
	}
	if got := value(t, ctx, "#f-name_ar"); got != "ليلى حداد" {
		t.Errorf("the Arabic name from the provider: %q", got)
	}
	if l := layout(t, ctx); l.Dir != "rtl" {
		t.Errorf("profile form after sign-in: dir %q", l.Dir)
	}
	checkAxe(t, ctx, src, "/ar/me/edit after a first sign-in")
	screenshot(t, ctx, "oidc-created-ar")
	logout(t, ctx, "ar")

	// A token issued to another client: refused, on a page in the language the sign-in
	// started from, with nobody signed in.
	op.Audience = "another-client"
	titles := map[string]string{"ar": "لم يتم الدخول", "en": "Sign-in did not succeed", "fr": "La connexion n'a pas abouti"}
	for _, lang := range []string{"ar", "en", "fr"} {
		s.open(t, ctx, "/"+lang+"/login")
		clickAndLoad(t, ctx, ".oidc-providers a")
		do(t, ctx, "type the user name at the provider", typeInto("#login", "layla"))
		clickAndLoad(t, ctx, "#sign-in")
		if got := location(t, ctx); !strings.HasPrefix(got, "/login/oidc/mop/callback?") {
			t.Fatalf("%s: a refused sign-in ended at %s", lang, got)
		}
		if got := text(t, ctx, "h1"); got != titles[lang] {
			t.Errorf("%s: failure page title %q, want %q", lang, got, titles[lang])
		}
		wantDir := map[bool]string{true: "rtl", false: "ltr"}[lang == "ar"]
		if l := layout(t, ctx); l.Lang != lang || l.Dir != wantDir {
			t.Errorf("%s failure page: lang %q dir %q", lang, l.Lang, l.Dir)
		}
		checkAxe(t, ctx, src, lang+" failure page")
		if href := eval[string](t, ctx, `document.querySelector('nav.lang a').getAttribute('href')`); strings.Contains(href, "callback") {
			t.Errorf("%s failure page: the language switcher leads to %s", lang, href)
		}
		if lang == "ar" {
			screenshot(t, ctx, "oidc-failed-ar")
		}
		s.open(t, ctx, "/"+lang+"/me")
		if got := location(t, ctx); !strings.HasPrefix(got, "/"+lang+"/login") {
			t.Errorf("%s: after a refused sign-in /me shows %s, not the login page", lang, got)
		}
	}

	// The right token again, from the French login page on the way to the courses: the
	// returning user lands where they were going.
	op.Audience = ""
	s.open(t, ctx, "/fr/login?next=/fr/courses")
	clickAndLoad(t, ctx, ".oidc-providers a")
	do(t, ctx, "type the user name at the provider", typeInto("#login", "layla"))
	clickAndLoad(t, ctx, "#sign-in")
	if got := location(t, ctx); got != "/fr/courses" {
		t.Errorf("a returning user's sign-in ended at %s, want /fr/courses", got)
	}
	if !eval[bool](t, ctx, `document.querySelector('header form[action="/fr/logout"]') !== null`) {
		t.Errorf("after a returning user's sign-in the header offers no log-out: not signed in")
	}
}

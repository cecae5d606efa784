package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/sso/ssotest"
)

// oidcPlatform is a platform with the test provider "mop" allowing roles (and the entry
// changed by change, when not nil).
func oidcPlatform(t *testing.T, change func(entry map[string]any), roles ...string) (*platform.Platform, *ssotest.Provider) {
	t.Helper()
	op := ssotest.Start(t, "masar-client", "client-secret-of-masar")
	op.AddUser("layla", ssotest.User{Subject: "u-1001", Email: "layla.haddad@mop.gov.jo", EmailVerified: ssotest.Verified(true),
		Name: "Layla Haddad", NameAr: "ليلى حداد"})
	op.AddUser("omar", ssotest.User{Subject: "u-1002", Email: "omar.saleh@mop.gov.jo", EmailVerified: ssotest.Verified(false), Name: "Omar Saleh"})
	entry := op.Config("mop", roles...)
	if change != nil {
		change(entry)
	}
	p := platformWith(t, func(c *config.Config) { c.OIDCProvidersJSON = ssotest.JSON(entry) })
	return p, op
}

// oidcStart follows the login page's button for the provider in lang, as the browser c.
func oidcStart(t *testing.T, c *client, lang, next string) string {
	t.Helper()
	path := "/" + lang + "/login/oidc/mop"
	if next != "" {
		path += "?next=" + url.QueryEscape(next)
	}
	r := c.get(path)
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/authorize?") {
		t.Fatalf("GET %s: %d → %q, want a redirect to the provider", path, r.Status, r.Location)
	}
	return r.Location
}

// oidcBack is the platform's callback the provider sent the browser back to, as a path.
func oidcBack(t *testing.T, op *ssotest.Provider, authURL, login string) string {
	t.Helper()
	back, err := op.SignIn(authURL, login)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(back)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/login/oidc/mop/callback" {
		t.Fatalf("the provider sent the browser back to %s", back)
	}
	return u.RequestURI()
}

func oidcSignedIn(t *testing.T, c *client) bool {
	t.Helper()
	return c.get("/ar/me").Status == http.StatusOK
}

func TestOIDCLoginPageShowsProviderInEachLanguage(t *testing.T) {
	p, _ := oidcPlatform(t, nil, "official")
	c := newClient(t, p)
	for lang, label := range map[string]string{"ar": "الدخول عبر وزارة التخطيط", "en": "Sign in with Ministry of Planning", "fr": "Se connecter avec Ministère du Plan"} {
		r := c.get("/" + lang + "/login?next=/" + lang + "/courses")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, label) || !strings.Contains(r.Body, `href="/`+lang+`/login/oidc/mop?next=/`+lang+`/courses"`) {
			t.Errorf("/%s/login has no button %q keeping next:\n%s", lang, label, excerpt(r.Body))
		}
	}
	// Without providers, no button.
	plain := newClient(t, newPlatform(t))
	if r := plain.get("/ar/login"); strings.Contains(r.Body, "/login/oidc/") {
		t.Error("the login page shows a provider button with no provider configured")
	}
}

func TestOIDCFirstSignInCreatesAccountAndSignsIn(t *testing.T) {
	p, op := oidcPlatform(t, nil, "official")
	c := newClient(t, p)
	c.lang = "fr"
	back := oidcBack(t, op, oidcStart(t, c, "fr", "/fr/courses"), "layla")
	r := c.get(back)
	if r.Status != http.StatusSeeOther || r.Location != "/fr/me/edit" {
		t.Fatalf("callback: %d → %q, want the profile form of the new account", r.Status, r.Location)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the callback's answer may be cached: %q", r.Header.Get("Cache-Control"))
	}
	page := c.get("/fr/me/edit")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Votre compte a été créé") || !strings.Contains(page.Body, "Layla Haddad") {
		t.Fatalf("after the first sign-in: %d %s", page.Status, excerpt(page.Body))
	}
	o, err := p.Officials.GetByEmail(context.Background(), "layla.haddad@mop.gov.jo")
	if err != nil {
		t.Fatal(err)
	}
	if o.Language != "fr" || o.Role != officials.RoleOfficial || !o.EmailConfirmed || o.NameAr != "ليلى حداد" {
		t.Errorf("created account: %+v", o)
	}
	// Signed out, then in again: the next page is the one asked for.
	c.post("/fr/logout", nil)
	if oidcSignedIn(t, c) {
		t.Fatal("still signed in after logging out")
	}
	r = c.get(oidcBack(t, op, oidcStart(t, c, "ar", "/ar/courses"), "layla"))
	if r.Status != http.StatusSeeOther || r.Location != "/ar/courses" || !oidcSignedIn(t, c) {
		t.Fatalf("second sign-in: %d → %q", r.Status, r.Location)
	}
	entries, _, err := audit.List(context.Background(), p.DB, audit.Filter{Subject: "official:" + itoa(o.ID)})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range entries {
		count[e.Action]++
	}
	if count["auth.oidc.login"] != 2 || count["auth.oidc.link"] != 1 {
		t.Errorf("audit log of the account: %v", count)
	}
}

// Each way a sign-in goes wrong ends on a localized page, with nobody signed in.
func TestOIDCFailuresShowLocalizedPageAndSignNobodyIn(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(op *ssotest.Provider)
		login  string
		replay bool // send the same callback twice
		other  bool // bring the callback to another browser
		status int
		want   string // in the Arabic page
		reason string
	}{
		{name: "wrong audience", setup: func(op *ssotest.Provider) { op.Audience = "someone-else" }, login: "layla", status: 400, want: "تعذّر التحقق من الرد", reason: "token_audience"},
		{name: "expired token", setup: func(op *ssotest.Provider) { op.Lifetime = -time.Minute }, login: "layla", status: 400, want: "تعذّر التحقق من الرد", reason: "token_expired"},
		{name: "bad signature", setup: func(op *ssotest.Provider) { op.ForeignKey = true }, login: "layla", status: 400, want: "تعذّر التحقق من الرد", reason: "token_signature"},
		{name: "provider error", setup: func(op *ssotest.Provider) { op.Deny = "access_denied" }, login: "layla", status: 400, want: "لم تؤكد خدمة الدخول", reason: "provider_error"},
		{name: "replayed state", login: "layla", replay: true, status: 400, want: "انتهت صلاحية عملية الدخول", reason: "state_replayed"},
		{name: "another browser", login: "layla", other: true, status: 400, want: "انتهت صلاحية عملية الدخول", reason: "state_browser"},
		{name: "email not verified", login: "omar", status: 403, want: "عنوان بريد إلكتروني موثَّقًا", reason: "email_not_verified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, op := oidcPlatform(t, nil, "official")
			if tc.setup != nil {
				tc.setup(op)
			}
			c := newClient(t, p)
			back := oidcBack(t, op, oidcStart(t, c, "ar", ""), tc.login)
			if tc.replay {
				if r := c.get(back); r.Status != http.StatusSeeOther {
					t.Fatalf("first callback: %d %s", r.Status, excerpt(r.Body))
				}
				c.post("/ar/logout", nil)
			}
			if tc.other {
				c = newClient(t, p)
			}
			r := c.get(back)
			if r.Status != tc.status || !strings.Contains(r.Body, tc.want) || !strings.Contains(r.Body, `lang="ar" dir="rtl"`) {
				t.Fatalf("callback: %d, want %d with %q:\n%s", r.Status, tc.status, tc.want, excerpt(r.Body))
			}
			if _, ok := c.cookies["masar_session"]; ok {
				t.Error("a refused sign-in set a session cookie")
			}
			if oidcSignedIn(t, c) {
				t.Error("signed in after a refused sign-in")
			}
			entries, _, err := audit.List(context.Background(), p.DB, audit.Filter{Action: "auth.oidc.failed"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].To != tc.reason {
				t.Errorf("audit: %+v, want one auth.oidc.failed with %s", entries, tc.reason)
			}
		})
	}
}

// A callback with a state nobody started is refused in the browser's language.
func TestOIDCUnknownStateInBrowserLanguage(t *testing.T) {
	p, _ := oidcPlatform(t, nil, "official")
	c := newClient(t, p)
	c.lang = "fr"
	r := c.get("/login/oidc/mop/callback?state=forged&code=stolen")
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Cette connexion a expiré") || !strings.Contains(r.Body, `lang="fr"`) {
		t.Fatalf("%d %s", r.Status, excerpt(r.Body))
	}
	if r := c.get("/login/oidc/nope/callback?state=x&code=y"); r.Status != http.StatusNotFound {
		t.Errorf("an unknown provider's callback: %d", r.Status)
	}
	if r := c.get("/fr/login/oidc/nope"); r.Status != http.StatusNotFound {
		t.Errorf("an unknown provider's start: %d", r.Status)
	}
}

// A provider mandatory for staff: a staff account's right password is refused, and the
// provider's sign-in links to it by its verified address.
func TestOIDCMandatoryForStaff(t *testing.T) {
	p, op := oidcPlatform(t, func(entry map[string]any) { entry["mandatory_for"] = []string{"staff"} }, "official", "staff")
	ctx := context.Background()
	staff, err := p.Officials.Create(ctx, audit.Actor{Email: "test"}, officials.Input{Email: "layla.haddad@mop.gov.jo", Password: "correct horse battery",
		NameAr: "ليلى حداد", NameLatin: "Layla Haddad", JobTitle: "Director", Organisation: "Ministry of Planning",
		Sector: "central_government", Gender: "female", Language: "ar"}, officials.RoleStaff)
	if err != nil {
		t.Fatal(err)
	}
	confirmAddress(t, p, staff)
	c := newClient(t, p)
	r := c.post("/ar/login", url.Values{"email": {staff.Email}, "password": {"correct horse battery"}})
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "الدخول إلى هذا الحساب يكون عبر وزارة التخطيط") {
		t.Fatalf("password login of a staff account: %d %s", r.Status, excerpt(r.Body))
	}
	if oidcSignedIn(t, c) {
		t.Fatal("the password signed a staff account in")
	}
	// An official still logs in with a password.
	account(t, p, "someone@example.org", officials.RoleOfficial, "JO")

	r = c.get(oidcBack(t, op, oidcStart(t, c, "ar", ""), "layla"))
	if r.Status != http.StatusSeeOther || r.Location != "/ar/me" || !oidcSignedIn(t, c) {
		t.Fatalf("provider sign-in of the staff account: %d → %q", r.Status, r.Location)
	}
}

func TestOIDCProvidersConfigErrorsNameTheField(t *testing.T) {
	good := map[string]any{"id": "mop", "issuer": "https://id.mop.gov.jo", "client_id": "masar", "client_secret": "s",
		"names": map[string]string{"ar": "وزارة التخطيط", "en": "Ministry of Planning", "fr": "Ministère du Plan"}, "roles": []string{"official"}}
	with := func(k string, v any) string {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		b, _ := json.Marshal([]any{m})
		return string(b)
	}
	if _, err := config.ParseOIDCProviders(with("id", "mop")); err != nil {
		t.Fatalf("a good provider is refused: %v", err)
	}
	for _, tc := range []struct{ raw, want string }{
		{with("id", "Bad ID"), "id"},
		{with("issuer", "http://id.mop.gov.jo"), "issuer"},
		{with("issuer", nil), "issuer is missing"},
		{with("client_id", nil), "client_id is missing"},
		{with("client_secret", nil), "client_secret is missing"},
		{with("client_secret_env", "MASAR_TEST_UNSET_SECRET"), "client_secret and client_secret_env"},
		{with("names", map[string]string{"ar": "وزارة", "en": "Ministry"}), "names.fr is missing"},
		{with("roles", []string{"official", "king"}), `roles has "king"`},
		{with("roles", nil), "roles is missing"},
		{with("mandatory_for", []string{"staff"}), `mandatory_for has "staff", which roles does not allow`},
		{with("second_factor", "sms"), "second_factor"},
		{with("colour", "blue"), "unknown field"},
		{`[{"id":"a"`, "not a JSON list"},
		{"/no/such/file.json", "neither a JSON list nor a readable file"},
	} {
		_, err := config.ParseOIDCProviders(tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error naming %q", tc.raw, err, tc.want)
		}
	}
}

// The configuration checks roles against its own list (config may not import officials):
// every role of the accounts is accepted there.
func TestOIDCConfigKnowsEveryRole(t *testing.T) {
	for _, r := range officials.Roles {
		raw := `[{"id":"a","issuer":"https://id.example.org","client_id":"c","client_secret":"s",` +
			`"names":{"ar":"أ","en":"A","fr":"A"},"roles":["` + r + `"]}]`
		if _, err := config.ParseOIDCProviders(raw); err != nil {
			t.Errorf("role %s refused: %v", r, err)
		}
	}
}

// TestOIDCThenSecondFactorRecordsBothSteps: an account with an authenticator app that signs
// in through a provider takes the platform's second step after it, and its session says
// so — the provider and the app, not a password it never typed — in each language.
func TestOIDCThenSecondFactorRecordsBothSteps(t *testing.T) {
	p, op := oidcPlatform(t, nil, "official")
	now := time.Now()
	p.SecondFactor.SetClock(func() time.Time { return now })
	c := newClient(t, p)
	if r := c.get(oidcBack(t, op, oidcStart(t, c, "ar", "/ar/courses"), "layla")); r.Status != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", r.Status)
	}
	o, err := p.Officials.GetByEmail(context.Background(), "layla.haddad@mop.gov.jo")
	if err != nil {
		t.Fatal(err)
	}
	en, err := p.SecondFactor.NewEnrolment(o.ID, o.Email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.SecondFactor.ConfirmTOTP(context.Background(), audit.Actor{ID: o.ID, Email: o.Email}, o.ID, en.Sealed, codeAt(t, en.Secret, now), nil); err != nil {
		t.Fatal(err)
	}
	c.post("/ar/logout", nil)
	r := c.get(oidcBack(t, op, oidcStart(t, c, "ar", "/ar/courses"), "layla"))
	if r.Status != http.StatusSeeOther || r.Location != "/ar/login/second-factor" {
		t.Fatalf("provider's sign-in of an account with an app: %d → %q, want the second step", r.Status, r.Location)
	}
	now = now.Add(30 * time.Second)
	if r := c.post("/ar/login/second-factor", url.Values{"code": {codeAt(t, en.Secret, now)}}); r.Status != http.StatusSeeOther || r.Location != "/ar/courses" {
		t.Fatalf("second step: %d → %q", r.Status, r.Location)
	}
	for lang, want := range map[string]string{"ar": "جهة هوية مؤسسية ورمز تطبيق المصادقة",
		"en": "Institutional sign-in and authenticator app code", "fr": "Connexion institutionnelle et code de l’application d’authentification"} {
		page := c.get("/" + lang + "/me/sessions")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, want) || strings.Contains(page.Body, "oidc+totp") {
			t.Errorf("%s sessions page: %d, want %q\n%s", lang, page.Status, want, excerpt(page.Body))
		}
	}
}

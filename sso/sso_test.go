package sso_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/sso"
	"github.com/masar-platform/masar/sso/ssotest"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// env is a database, the accounts, a test provider and the service configured for it.
type env struct {
	t        *testing.T
	ctx      context.Context
	db       *store.DB
	accounts *officials.Service
	op       *ssotest.Provider
	s        *sso.Service
}

const browser = "the-browser-binding-value-0123456789"

func newEnv(t *testing.T, roles ...string) *env {
	t.Helper()
	db := storetest.Open(t)
	ctx := context.Background()
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	op := ssotest.Start(t, "masar-client", "client-secret-of-masar")
	op.AddUser("layla", ssotest.User{Subject: "u-1001", Email: "layla.haddad@mop.gov.jo", EmailVerified: ssotest.Verified(true),
		Name: "Layla Haddad", NameAr: "ليلى حداد"})
	op.AddUser("omar", ssotest.User{Subject: "u-1002", Email: "omar.saleh@mop.gov.jo", EmailVerified: ssotest.Verified(false), Name: "Omar Saleh"})
	op.AddUser("noemail", ssotest.User{Subject: "u-1003", Name: "No Mail"})
	cfg := config.Default()
	cfg.BaseURL = "https://masar.example.org"
	ps, err := config.ParseOIDCProviders(ssotest.JSON(op.Config("mop", roles...)))
	if err != nil {
		t.Fatal(err)
	}
	cfg.OIDCProviders = ps
	accounts := officials.New(db, 4, nil)
	return &env{t: t, ctx: ctx, db: db, accounts: accounts, op: op, s: sso.New(db, accounts, cfg, nil)}
}

// callback starts a sign-in for the browser, signs in at the provider as login and returns
// what the provider sent back.
func (e *env) callback(login, browser string) sso.Callback {
	e.t.Helper()
	authURL, err := e.s.Begin(e.ctx, "mop", "fr", "/fr/courses", browser)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		e.t.Fatal(err)
	}
	if q := u.Query(); q.Get("redirect_uri") != "https://masar.example.org/login/oidc/mop/callback" || q.Get("code_challenge_method") != "S256" ||
		q.Get("nonce") == "" || q.Get("state") == "" {
		e.t.Fatalf("authorization URL %s lacks the redirect URI, PKCE, nonce or state", authURL)
	}
	back, err := e.op.SignIn(authURL, login)
	if err != nil {
		e.t.Fatal(err)
	}
	bu, err := url.Parse(back)
	if err != nil {
		e.t.Fatal(err)
	}
	q := bu.Query()
	return sso.Callback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), ErrorDescription: q.Get("error_description")}
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.R.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// refused asserts that err is a failure for reason, that it is in the audit log, and that
// nobody was signed in or linked by it.
func (e *env) refused(res *sso.Result, err error, reason string, identitiesBefore int) {
	e.t.Helper()
	var f *sso.Failure
	if !errors.As(err, &f) || f.Reason != reason {
		e.t.Fatalf("got %v, %v; want a failure %q", res, err, reason)
	}
	if res != nil {
		e.t.Errorf("a refused sign-in returned an account: %+v", res)
	}
	if n := e.count("SELECT count(*) FROM audit_log WHERE action = ? AND to_value = ?", sso.ActionFailed, reason); n != 1 {
		e.t.Errorf("%d audit entries for %s, want 1", n, reason)
	}
	if n := e.count("SELECT count(*) FROM sessions"); n != 0 {
		e.t.Errorf("%d sessions after a refused sign-in", n)
	}
	if n := e.count("SELECT count(*) FROM oidc_identities"); n != identitiesBefore {
		e.t.Errorf("%d identities after a refused sign-in, want %d", n, identitiesBefore)
	}
	if n := e.count("SELECT count(*) FROM audit_log WHERE action = ?", sso.ActionLogin); n != 0 {
		e.t.Errorf("%d sign-ins in the audit log after a refused one", n)
	}
}

func TestFirstSignInCreatesAccountThenFindsItBySubject(t *testing.T) {
	e := newEnv(t, "official")
	res, err := e.s.Finish(e.ctx, "mop", e.callback("layla", browser), browser)
	if err != nil {
		t.Fatal(err)
	}
	o := res.Official
	if !res.Created || !res.Linked || o.Email != "layla.haddad@mop.gov.jo" || o.NameAr != "ليلى حداد" || o.NameLatin != "Layla Haddad" ||
		o.Language != "fr" || o.Role != officials.RoleOfficial || !o.EmailConfirmed {
		t.Fatalf("created %+v (created %v, linked %v)", o, res.Created, res.Linked)
	}
	if res.Lang != "fr" || res.Next != "/fr/courses" {
		t.Errorf("language %q and next %q not kept through the sign-in", res.Lang, res.Next)
	}
	// The account has no password: nobody can sign in with one.
	if _, err := e.accounts.Authenticate(e.ctx, o.Email, ""); err == nil {
		t.Error("an account created by a provider opens with an empty password")
	}
	// The provider now gives another address: the subject still says who.
	e.op.AddUser("layla", ssotest.User{Subject: "u-1001", Email: "l.haddad@planning.gov.jo", EmailVerified: ssotest.Verified(true), Name: "Layla Haddad"})
	again, err := e.s.Finish(e.ctx, "mop", e.callback("layla", browser), browser)
	if err != nil {
		t.Fatal(err)
	}
	if again.Official.ID != o.ID || again.Created || again.Linked {
		t.Errorf("returning user: got account %d (created %v, linked %v), want %d", again.Official.ID, again.Created, again.Linked, o.ID)
	}
	for action, want := range map[string]int{sso.ActionLink: 1, sso.ActionLogin: 2, "official.create": 1} {
		if n := e.count("SELECT count(*) FROM audit_log WHERE action = ?", action); n != want {
			t.Errorf("%d %s entries, want %d", n, action, want)
		}
	}
}

func TestVerifiedEmailLinksExistingAccount(t *testing.T) {
	e := newEnv(t, "official", "staff")
	staff, err := e.accounts.Create(e.ctx, audit.Actor{Email: "test"}, officials.Input{Email: "Layla.Haddad@mop.gov.jo", Password: "correct horse battery",
		NameAr: "ليلى حداد", NameLatin: "Layla Haddad", JobTitle: "Director", Organisation: "Ministry of Planning", Country: "JO",
		Sector: "central_government", Gender: "female", Language: "ar"}, officials.RoleStaff)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.s.Finish(e.ctx, "mop", e.callback("layla", browser), browser)
	if err != nil {
		t.Fatal(err)
	}
	if res.Official.ID != staff.ID || res.Created || !res.Linked {
		t.Fatalf("got account %d (created %v linked %v), want the existing %d linked", res.Official.ID, res.Created, res.Linked, staff.ID)
	}
	if n := e.count("SELECT count(*) FROM officials"); n != 1 {
		t.Errorf("%d accounts, want 1", n)
	}
}

func TestRefusedSignIns(t *testing.T) {
	tests := []struct {
		name   string
		roles  []string
		login  string
		setup  func(e *env)
		mangle func(e *env, cb *sso.Callback) string // returns the browser value to finish with
		reason string
	}{
		{name: "wrong audience", login: "layla", setup: func(e *env) { e.op.Audience = "another-client" }, reason: sso.ReasonTokenAudience},
		{name: "expired token", login: "layla", setup: func(e *env) { e.op.Lifetime = -time.Minute }, reason: sso.ReasonTokenExpired},
		{name: "bad signature", login: "layla", setup: func(e *env) { e.op.ForeignKey = true }, reason: sso.ReasonTokenSignature},
		{name: "other issuer", login: "layla", setup: func(e *env) { e.op.Issuer = "https://evil.example.org" }, reason: sso.ReasonTokenIssuer},
		{name: "other nonce", login: "layla", setup: func(e *env) { e.op.Nonce = "not-the-nonce" }, reason: sso.ReasonNonce},
		{name: "provider error", login: "layla", setup: func(e *env) { e.op.Deny = "access_denied" }, reason: sso.ReasonProviderError},
		{name: "unknown state", login: "layla", mangle: func(e *env, cb *sso.Callback) string {
			cb.State = "a-state-nobody-started"
			return browser
		}, reason: sso.ReasonStateUnknown},
		{name: "expired state", login: "layla", mangle: func(e *env, cb *sso.Callback) string {
			if _, err := e.db.W.ExecContext(e.ctx, "UPDATE oidc_states SET expires_at = ?", store.FormatTime(time.Now().Add(-time.Second))); err != nil {
				e.t.Fatal(err)
			}
			return browser
		}, reason: sso.ReasonStateExpired},
		{name: "another browser", login: "layla", mangle: func(e *env, cb *sso.Callback) string { return "another-browser-value" }, reason: sso.ReasonStateBrowser},
		{name: "no browser value", login: "layla", mangle: func(e *env, cb *sso.Callback) string { return "" }, reason: sso.ReasonStateBrowser},
		{name: "email not verified", login: "omar", reason: sso.ReasonEmailNotVerified},
		{name: "email missing", login: "noemail", reason: sso.ReasonEmailMissing},
		{name: "no account and the provider may not create one", roles: []string{"staff"}, login: "layla", reason: sso.ReasonNoAccount},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			roles := tc.roles
			if roles == nil {
				roles = []string{"official"}
			}
			e := newEnv(t, roles...)
			if tc.setup != nil {
				tc.setup(e)
			}
			cb := e.callback(tc.login, browser)
			b := browser
			if tc.mangle != nil {
				b = tc.mangle(e, &cb)
			}
			res, err := e.s.Finish(e.ctx, "mop", cb, b)
			e.refused(res, err, tc.reason, 0)
			if n := e.count("SELECT count(*) FROM officials"); n != 0 {
				t.Errorf("a refused sign-in left %d accounts", n)
			}
		})
	}
}

// A state is good for one callback: the same callback again (a replay, or a code and state
// copied from a browser's history) is refused, even from the same browser.
func TestReplayedStateIsRefused(t *testing.T) {
	e := newEnv(t, "official")
	cb := e.callback("layla", browser)
	if _, err := e.s.Finish(e.ctx, "mop", cb, browser); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.W.ExecContext(e.ctx, "DELETE FROM audit_log"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.W.ExecContext(e.ctx, "DELETE FROM sessions"); err != nil {
		t.Fatal(err)
	}
	res, err := e.s.Finish(e.ctx, "mop", cb, browser)
	e.refused(res, err, sso.ReasonStateReplayed, 1)
}

// An unverified address never links to the account that has it.
func TestUnverifiedEmailNeverLinks(t *testing.T) {
	e := newEnv(t, "official")
	if _, err := e.accounts.Create(e.ctx, audit.Actor{Email: "test"}, officials.Input{Email: "omar.saleh@mop.gov.jo", Password: "correct horse battery",
		NameAr: "عمر صالح", NameLatin: "Omar Saleh", JobTitle: "Analyst", Organisation: "Ministry of Planning", Country: "JO",
		Sector: "central_government", Gender: "male", Language: "ar"}, officials.RoleOfficial); err != nil {
		t.Fatal(err)
	}
	res, err := e.s.Finish(e.ctx, "mop", e.callback("omar", browser), browser)
	e.refused(res, err, sso.ReasonEmailNotVerified, 0)
}

// An account whose role the provider does not allow is refused, even with a verified address.
func TestRoleNotAllowed(t *testing.T) {
	e := newEnv(t, "official")
	admin, err := e.accounts.Create(e.ctx, audit.Actor{Email: "test"}, officials.Input{Email: "layla.haddad@mop.gov.jo", Password: "correct horse battery",
		NameAr: "ليلى حداد", NameLatin: "Layla Haddad", JobTitle: "Director", Organisation: "Ministry of Planning",
		Sector: "central_government", Gender: "female", Language: "ar"}, officials.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.s.Finish(e.ctx, "mop", e.callback("layla", browser), browser)
	e.refused(res, err, sso.ReasonRoleNotAllowed, 0)
	if n := e.count("SELECT count(*) FROM audit_log WHERE action = ? AND subject = ?", sso.ActionFailed, "official:"+itoa(admin.ID)); n != 1 {
		t.Errorf("the refusal is not recorded against the account (%d)", n)
	}
}

func TestUnknownProvider(t *testing.T) {
	e := newEnv(t, "official")
	if _, err := e.s.Begin(e.ctx, "nope", "ar", "", browser); !errors.Is(err, sso.ErrUnknownProvider) {
		t.Errorf("Begin with an unknown provider: %v", err)
	}
	if _, err := e.s.Finish(e.ctx, "nope", sso.Callback{State: "x", Code: "y"}, browser); !errors.Is(err, sso.ErrUnknownProvider) {
		t.Errorf("Finish with an unknown provider: %v", err)
	}
}

func TestProviderUnavailable(t *testing.T) {
	cfg := config.Default()
	ps, err := config.ParseOIDCProviders(`[{"id":"down","issuer":"http://127.0.0.1:1","client_id":"c","client_secret":"s",
		"names":{"ar":"أ","en":"A","fr":"A"},"roles":["official"]}]`)
	if err != nil {
		t.Fatal(err)
	}
	cfg.OIDCProviders = ps
	db := storetest.Open(t)
	s := sso.New(db, officials.New(db, 4, nil), cfg, nil)
	_, err = s.Begin(context.Background(), "down", "ar", "", browser)
	var f *sso.Failure
	if !errors.As(err, &f) || f.Reason != sso.ReasonProviderUnavailable {
		t.Fatalf("got %v, want provider_unavailable", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

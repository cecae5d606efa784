package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// secondFactorPlatform is a platform whose staff and admin accounts must sign in with a second
// factor (the default), on a clock the test moves (the second-factor service's).
func secondFactorPlatform(t *testing.T, roles ...string) (*platform.Platform, *time.Time) {
	t.Helper()
	p := platformWith(t, func(c *config.Config) { c.SecondFactorRoles = roles })
	now := time.Now()
	p.SecondFactor.SetClock(func() time.Time { return now })
	return p, &now
}

// newAccount creates a confirmed account with a role, not logged in.
func newAccount(t *testing.T, p *platform.Platform, email, role string) *officials.Official {
	t.Helper()
	in := officials.Input{Email: email, Password: "correct horse battery", NameAr: "سارة خالد", NameLatin: "Sara Khaled",
		JobTitle: "Analyst", Organisation: "Ministry", Country: "JO", Sector: "central_government", Gender: "female", Language: "ar"}
	o, err := p.Officials.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil {
		t.Fatal(err)
	}
	confirmAddress(t, p, o)
	return o
}

var totpSecretRe = regexp.MustCompile(`<code dir="ltr" translate="no">([A-Z2-7 ]+)</code>`)
var recoveryCodeRe = regexp.MustCompile(`<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>`)

// secretOf reads the key shown for typing into an app.
func secretOf(t *testing.T, body string) string {
	t.Helper()
	m := totpSecretRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no TOTP key on the page:\n%s", excerpt(body))
	}
	return strings.ReplaceAll(m[1], " ", "")
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func auditActions(t *testing.T, p *platform.Platform, id int64) []audit.Entry {
	t.Helper()
	entries, _, err := audit.List(context.Background(), p.DB, audit.Filter{Subject: "official:" + itoa(id), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func hasAction(entries []audit.Entry, action string) *audit.Entry {
	for i := range entries {
		if entries[i].Action == action {
			return &entries[i]
		}
	}
	return nil
}

func loginForm(email string) url.Values {
	return url.Values{"email": {email}, "password": {"correct horse battery"}}
}

// enrolAtLogin signs a staff account in for the first time: password, app set up with a
// code computed from the key on the page, recovery codes shown, then in. It returns the
// logged-in client, the key and the recovery codes.
func enrolAtLogin(t *testing.T, p *platform.Platform, now *time.Time, email string) (*client, string, []string) {
	t.Helper()
	c := newClient(t, p)
	r := c.post("/ar/login", loginForm(email))
	if r.Status != http.StatusSeeOther || r.Location != "/ar/login/enrol" {
		t.Fatalf("password step of an account that must enrol: %d → %q", r.Status, r.Location)
	}
	if _, ok := c.cookies["masar_session"]; ok {
		t.Fatal("the password step of an account that must enrol started a session")
	}
	page := c.get("/ar/login/enrol")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `<svg`) || !strings.Contains(page.Body, `dir="rtl"`) {
		t.Fatalf("enrolment page: %d\n%s", page.Status, excerpt(page.Body))
	}
	secret := secretOf(t, page.Body)
	sealed := regexp.MustCompile(`name="secret" value="([^"]+)"`).FindStringSubmatch(page.Body)[1]
	// A wrong code shows the same key again, with a message next to the field.
	r = c.post("/ar/login/enrol", url.Values{"secret": {sealed}, "code": {"000000"}})
	if codeAt(t, secret, *now) == "000000" {
		t.Skip("the current code happens to be 000000")
	}
	if r.Status != http.StatusUnprocessableEntity || secretOf(t, r.Body) != secret || !strings.Contains(r.Body, "هذا الرمز غير صحيح") {
		t.Fatalf("wrong code at enrolment: %d\n%s", r.Status, excerpt(r.Body))
	}
	r = c.post("/ar/login/enrol", url.Values{"secret": {sealed}, "code": {codeAt(t, secret, *now)}})
	codes := recoveryCodeRe.FindAllStringSubmatch(r.Body, -1)
	if r.Status != http.StatusOK || len(codes) != 10 {
		t.Fatalf("right code at enrolment: %d, %d recovery codes\n%s", r.Status, len(codes), excerpt(r.Body))
	}
	if _, ok := c.cookies["masar_session"]; ok {
		t.Fatal("signed in before the recovery codes were acknowledged")
	}
	r = c.post("/ar/login/enrol/done", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/ar/me" {
		t.Fatalf("after the recovery codes: %d → %q", r.Status, r.Location)
	}
	if me := c.get("/ar/me"); me.Status != http.StatusOK {
		t.Fatalf("after enrolling, /ar/me answers %d → %q", me.Status, me.Location)
	}
	var out []string
	for _, m := range codes {
		out = append(out, m[1])
	}
	return c, secret, out
}

// TestStaffEnrolsAtFirstSignInThenSignsInWithCodes: a staff account without a second factor
// sets one up before it gets a session; afterwards every sign-in asks for a code, a code is
// accepted once, a recovery code once, and a wrong code is refused and recorded.
func TestStaffEnrolsAtFirstSignInThenSignsInWithCodes(t *testing.T) {
	p, now := secondFactorPlatform(t, "staff", "admin")
	o := newAccount(t, p, "staff.2fa@escwa.example", officials.RoleStaff)
	c, secret, codes := enrolAtLogin(t, p, now, o.Email)
	if e := hasAction(auditActions(t, p, o.ID), "auth.second_factor.enrol"); e == nil || e.To != "totp" {
		t.Fatalf("no audit entry of the enrolment: %+v", e)
	}
	var stored string
	if err := p.DB.R.QueryRow("SELECT secret_sealed FROM totp_factors WHERE official_id = ?", o.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, secret) {
		t.Fatal("the TOTP secret is stored in clear")
	}
	var hashes int
	if err := p.DB.R.QueryRow("SELECT count(*) FROM recovery_codes WHERE official_id = ? AND code_hash NOT LIKE ?", o.ID, "%-%").Scan(&hashes); err != nil || hashes != 10 {
		t.Fatalf("%d hashed recovery codes stored (%v), want 10", hashes, err)
	}
	c.post("/ar/logout", nil)

	// Next sign-in: password, then a code. The code used at enrolment's step is spent.
	r := c.post("/ar/login", loginForm(o.Email))
	if r.Location != "/ar/login/second-factor" {
		t.Fatalf("password step: %d → %q", r.Status, r.Location)
	}
	if r := c.get("/ar/me"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/ar/login") {
		t.Fatalf("between the steps /ar/me answers %d → %q, want the login", r.Status, r.Location)
	}
	r = c.post("/ar/login/second-factor", url.Values{"code": {codeAt(t, secret, *now)}})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("the enrolment's code used again: %d, want 401", r.Status)
	}
	if e := hasAction(auditActions(t, p, o.ID), "auth.second_factor.failed"); e == nil || e.To != "totp" {
		t.Fatalf("no audit entry of the failed code: %+v", e)
	}
	*now = now.Add(30 * time.Second)
	// A code typed with Arabic-Indic digits is read as such.
	code := codeAt(t, secret, *now)
	arabic := strings.Map(func(r rune) rune { return '\u0660' + r - '0' }, code)
	r = c.post("/ar/login/second-factor?next=/evil", url.Values{"code": {arabic}})
	if r.Status != http.StatusSeeOther || r.Location != "/ar/me" {
		t.Fatalf("right code: %d → %q\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	if _, ok := c.cookies["masar_2fa"]; ok {
		t.Error("the pending sign-in's cookie outlives the sign-in")
	}
	c.post("/ar/logout", nil)

	// The same code again (replay), within its step: refused.
	c.post("/ar/login", loginForm(o.Email))
	if r := c.post("/ar/login/second-factor", url.Values{"code": {code}}); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "المحاولات المتبقية") {
		t.Fatalf("replayed code: %d", r.Status)
	}
	// A recovery code works once.
	if r := c.post("/ar/login/second-factor", url.Values{"recovery_code": {strings.ToUpper(codes[3])}}); r.Status != http.StatusSeeOther || r.Location != "/ar/me" {
		t.Fatalf("recovery code: %d → %q", r.Status, r.Location)
	}
	if e := hasAction(auditActions(t, p, o.ID), "auth.recovery_code.used"); e == nil || e.To != "9" {
		t.Fatalf("audit entry of the recovery code: %+v", e)
	}
	c.post("/ar/logout", nil)
	c.post("/ar/login", loginForm(o.Email))
	if r := c.post("/ar/login/second-factor", url.Values{"recovery_code": {codes[3]}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("a used recovery code again: %d, want 401", r.Status)
	}
}

// TestSecondStepGivesUpAfterFiveWrongCodes: the fifth wrong code sends the browser back to
// the password; a pending sign-in cannot be tried further.
func TestSecondStepGivesUpAfterFiveWrongCodes(t *testing.T) {
	p, now := secondFactorPlatform(t, "staff", "admin")
	o := newAccount(t, p, "guessed@escwa.example", officials.RoleStaff)
	c, secret, _ := enrolAtLogin(t, p, now, o.Email)
	c.post("/ar/logout", nil)
	c.post("/ar/login", loginForm(o.Email))
	wrong := "123456"
	if codeAt(t, secret, *now) == wrong {
		wrong = "654321"
	}
	// The pending sign-in ends at its fifth wrong code, or earlier when the login guard makes
	// this address wait (the wrong code typed at enrolment counts on the account too).
	stopped := false
	for i := 1; i <= 5 && !stopped; i++ {
		r := c.post("/ar/login/second-factor", url.Values{"code": {wrong}})
		switch {
		case r.Status == http.StatusTooManyRequests && r.Header.Get("Retry-After") != "":
			stopped = true
		case r.Status == http.StatusSeeOther && r.Location == "/ar/login":
			stopped = true
		case r.Status != http.StatusUnauthorized:
			t.Fatalf("wrong code %d: %d → %q", i, r.Status, r.Location)
		}
	}
	if !stopped {
		t.Fatal("five wrong codes did not end the pending sign-in")
	}
	*now = now.Add(30 * time.Second)
	if r := c.post("/ar/login/second-factor", url.Values{"code": {codeAt(t, secret, *now)}}); r.Status == http.StatusSeeOther && r.Location == "/ar/me" {
		t.Fatal("a right code signed in after five wrong ones")
	}
	if _, ok := c.cookies["masar_session"]; ok {
		t.Fatal("signed in after the pending sign-in ended")
	}
}

// TestOfficialsChooseTheirSecondFactor: an official (role not required) signs in with the
// password alone, may set up an app on the security page, is then asked for it, and removes
// it with the password.
func TestOfficialsChooseTheirSecondFactor(t *testing.T) {
	p, now := secondFactorPlatform(t, "staff", "admin")
	o := newAccount(t, p, "official.2fa@gov.example", officials.RoleOfficial)
	c := newClient(t, p)
	c.lang = "fr"
	if r := c.post("/fr/login", loginForm(o.Email)); r.Location != "/fr/me" {
		t.Fatalf("an official without a second factor: → %q", r.Location)
	}
	page := c.get("/fr/me/security")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Configurer une application d’authentification") && !strings.Contains(page.Body, "Configurer une application d&#39;authentification") {
		t.Fatalf("security page: %d\n%s", page.Status, excerpt(page.Body))
	}
	secret := secretOf(t, page.Body)
	sealed := regexp.MustCompile(`name="secret" value="([^"]+)"`).FindStringSubmatch(page.Body)[1]
	// Someone else's sealed key does not open for this account.
	other := newAccount(t, p, "other@gov.example", officials.RoleOfficial)
	foreign, err := p.SecondFactor.NewEnrolment(other.ID, other.Email)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.post("/fr/me/security/totp", url.Values{"secret": {foreign.Sealed}, "code": {codeAt(t, foreign.Secret, *now)}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("another account's key: %d, want 422", r.Status)
	}
	r := c.post("/fr/me/security/totp", url.Values{"secret": {sealed}, "code": {codeAt(t, secret, *now)}})
	if r.Status != http.StatusOK || len(recoveryCodeRe.FindAllString(r.Body, -1)) != 10 {
		t.Fatalf("enrol on the security page: %d\n%s", r.Status, excerpt(r.Body))
	}
	c.post("/fr/logout", nil)
	if r := c.post("/fr/login", loginForm(o.Email)); r.Location != "/fr/login/second-factor" {
		t.Fatalf("an official with a second factor: → %q", r.Location)
	}
	*now = now.Add(30 * time.Second)
	if r := c.post("/fr/login/second-factor", url.Values{"code": {codeAt(t, secret, *now)}}); r.Location != "/fr/me" {
		t.Fatalf("code: %d → %q", r.Status, r.Location)
	}
	// Regenerating the recovery codes and removing the app take the password.
	if r := c.post("/fr/me/security/recovery-codes", url.Values{"codes_password": {"wrong"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("regenerate with a wrong password: %d", r.Status)
	}
	if r := c.post("/fr/me/security/recovery-codes", url.Values{"codes_password": {"correct horse battery"}}); r.Status != http.StatusOK || len(recoveryCodeRe.FindAllString(r.Body, -1)) != 10 {
		t.Fatalf("regenerate: %d\n%s", r.Status, excerpt(r.Body))
	}
	if r := c.post("/fr/me/security/totp/remove", url.Values{"password": {"wrong"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("remove with a wrong password: %d", r.Status)
	}
	if r := c.post("/fr/me/security/totp/remove", url.Values{"password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.Status)
	}
	if hasAction(auditActions(t, p, o.ID), "auth.second_factor.remove") == nil {
		t.Fatal("no audit entry of the removal")
	}
	c.post("/fr/logout", nil)
	if r := c.post("/fr/login", loginForm(o.Email)); r.Location != "/fr/me" {
		t.Fatalf("after removing the app: → %q", r.Location)
	}
}

// TestRoleRequiringSecondFactorLocksSessionToEnrolment: an account given a role that needs a
// second factor while logged in can only reach its security page (and log out) until it sets
// one up.
func TestRoleRequiringSecondFactorLocksSessionToEnrolment(t *testing.T) {
	p, _ := secondFactorPlatform(t, "staff", "admin")
	o := newAccount(t, p, "promoted@gov.example", officials.RoleOfficial)
	c := newClient(t, p)
	c.post("/ar/login", loginForm(o.Email))
	if err := p.Officials.SetRole(context.Background(), audit.Actor{Email: "test"}, o.ID, officials.RoleStaff); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/ar/me", "/ar/admin/workshops", "/ar/courses"} {
		if r := c.get(path); r.Status != http.StatusSeeOther || r.Location != "/ar/me/security" {
			t.Errorf("GET %s: %d → %q, want the security page", path, r.Status, r.Location)
		}
	}
	if r := c.post("/ar/me/edit", url.Values{"name_ar": {"x"}}); r.Status != http.StatusForbidden {
		t.Errorf("POST /ar/me/edit: %d, want 403", r.Status)
	}
	if r := c.get("/ar/me/security"); r.Status != http.StatusOK || !strings.Contains(r.Body, "يتطلب دورك في المنصة عاملًا ثانيًا") {
		t.Fatalf("security page: %d", r.Status)
	}
	if r := c.post("/ar/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
}

// TestAdminResetsSecondFactor: an admin removes a person's second factor from their page; the
// person's sessions end, the audit log names the admin and the person, and the next sign-in
// sets up a new app. Staff may not reset, nor anyone their own.
func TestAdminResetsSecondFactor(t *testing.T) {
	p, now := secondFactorPlatform(t, "staff")
	staff := newAccount(t, p, "lost.phone@escwa.example", officials.RoleStaff)
	sc, _, _ := enrolAtLogin(t, p, now, staff.Email)
	adminAcc := newAccount(t, p, "admin.2fa@escwa.example", officials.RoleAdmin)
	admin := newClient(t, p)
	if r := admin.post("/en/login", loginForm(adminAcc.Email)); r.Location != "/en/me" {
		t.Fatalf("admin login: → %q", r.Location)
	}
	page := admin.get("/en/admin/officials/" + itoa(staff.ID))
	if !strings.Contains(page.Body, "An authenticator app is set up since") || !strings.Contains(page.Body, "second-factor/reset") {
		t.Fatalf("the admin page of the official does not offer the reset:\n%s", excerpt(page.Body))
	}
	// Another staff account may not reset.
	other := newAccount(t, p, "colleague@escwa.example", officials.RoleStaff)
	oc, _, _ := enrolAtLogin(t, p, now, other.Email)
	if r := oc.post("/ar/admin/officials/"+itoa(staff.ID)+"/second-factor/reset", nil); r.Status != http.StatusForbidden {
		t.Fatalf("staff reset: %d, want 403", r.Status)
	}
	if r := admin.post("/en/admin/officials/"+itoa(adminAcc.ID)+"/second-factor/reset", nil); r.Status != http.StatusForbidden {
		t.Fatalf("own reset: %d, want 403", r.Status)
	}
	if r := admin.post("/en/admin/officials/"+itoa(staff.ID)+"/second-factor/reset", url.Values{"_csrf": {"forged"}}); r.Status != http.StatusForbidden {
		t.Fatalf("reset without the form token: %d, want 403", r.Status)
	}
	if r := admin.post("/en/admin/officials/"+itoa(staff.ID)+"/second-factor/reset", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.Status)
	}
	e := hasAction(auditActions(t, p, staff.ID), "auth.second_factor.reset")
	if e == nil || e.ActorID != adminAcc.ID || e.Subject != "official:"+itoa(staff.ID) {
		t.Fatalf("audit entry of the reset: %+v", e)
	}
	if r := sc.get("/ar/me"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/ar/login") {
		t.Fatalf("the person's session after the reset: %d → %q", r.Status, r.Location)
	}
	if r := newClient(t, p).post("/ar/login", loginForm(staff.Email)); r.Location != "/ar/login/enrol" {
		t.Fatalf("next sign-in after the reset: → %q", r.Location)
	}

	// The same through the API: an admin's token sees and resets another account's factors;
	// a staff token may do neither.
	ctx := context.Background()
	adminTok, err := p.Officials.CreateAPIToken(ctx, adminAcc.ID, "admin script")
	if err != nil {
		t.Fatal(err)
	}
	staffTok, err := p.Officials.CreateAPIToken(ctx, other.ID, "staff script")
	if err != nil {
		t.Fatal(err)
	}
	api := newClient(t, p)
	path := "/api/v1/officials/" + itoa(other.ID) + "/second-factor"
	if r := api.api(http.MethodGet, path, adminTok, ""); r.Status != http.StatusOK || !strings.Contains(r.Body, `"totp":true`) || !strings.Contains(r.Body, `"recovery_codes_left":10`) {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	if r := api.api(http.MethodPost, path+"/reset", staffTok, ""); r.Status != http.StatusForbidden {
		t.Fatalf("a staff token resets: %d", r.Status)
	}
	if r := api.api(http.MethodPost, "/api/v1/officials/"+itoa(adminAcc.ID)+"/second-factor/reset", adminTok, ""); r.Status != http.StatusForbidden {
		t.Fatalf("an admin resets their own factor through the API: %d", r.Status)
	}
	if r := api.api(http.MethodPost, path+"/reset", adminTok, ""); r.Status != http.StatusOK || !strings.Contains(r.Body, `"totp":false`) || !strings.Contains(r.Body, `"recovery_codes_left":0`) {
		t.Fatalf("POST %s/reset: %d %s", path, r.Status, r.Body)
	}
	if e := hasAction(auditActions(t, p, other.ID), "auth.second_factor.reset"); e == nil || e.ActorID != adminAcc.ID {
		t.Fatalf("audit entry of the API reset: %+v", e)
	}
	if r := oc.get("/ar/me"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/ar/login") {
		t.Fatalf("the person's session after the API reset: %d → %q", r.Status, r.Location)
	}
}

// TestBearerTokensIgnoreSecondFactor: API tokens of a staff account work without a second
// factor, as documented.
func TestBearerTokensIgnoreSecondFactor(t *testing.T) {
	p, _ := secondFactorPlatform(t, "staff", "admin")
	o := newAccount(t, p, "api.staff@escwa.example", officials.RoleStaff)
	tok, err := p.Officials.CreateAPIToken(context.Background(), o.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	if r := newClient(t, p).api(http.MethodGet, "/api/v1/me", tok, ""); r.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/me with a staff token: %d", r.Status)
	}
}

package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
)

func TestRootNegotiatesLanguage(t *testing.T) {
	p := newPlatform(t)
	for header, want := range map[string]string{"": "/ar/", "en-GB,en;q=0.9": "/en/", "fr-FR": "/fr/", "de-DE, fr;q=0.5": "/fr/", "ar-JO": "/ar/", "es": "/ar/", "de, en;q=0": "/ar/", "en;q=0, fr;q=0.4": "/fr/"} {
		c := newClient(t, p)
		c.lang = header
		req := httpGet("/")
		if header != "" {
			req.Header.Set("Accept-Language", header)
		} else {
			req.Header.Set("Accept-Language", "x")
		}
		r := c.do(req)
		if r.Status != http.StatusFound || r.Location != want {
			t.Errorf("Accept-Language %q: got %d → %q, want %s", header, r.Status, r.Location, want)
		}
	}
}

func TestPagesDirectionAndSwitcher(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	for _, tc := range []struct{ path, lang, dir string }{
		{"/ar/register", "ar", "rtl"}, {"/en/register", "en", "ltr"}, {"/fr/login", "fr", "ltr"}, {"/ar/", "ar", "rtl"},
	} {
		r := c.get(tc.path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", tc.path, r.Status)
		}
		if !strings.Contains(r.Body, `<html lang="`+tc.lang+`" dir="`+tc.dir+`">`) {
			t.Errorf("%s: html element lacks lang=%s dir=%s", tc.path, tc.lang, tc.dir)
		}
		rest := strings.TrimPrefix(tc.path, "/"+tc.lang)
		for _, other := range []string{"ar", "en", "fr"} {
			if !strings.Contains(r.Body, `href="/`+other+rest+`" hreflang="`+other+`"`) {
				t.Errorf("%s: no switcher link to the same page in %s", tc.path, other)
			}
		}
	}
	r := c.get("/ar/register")
	for _, english := range []string{"Create an account", "Password", "E-mail", "Member state"} {
		if strings.Contains(r.Body, english) {
			t.Errorf("Arabic registration page shows English %q", english)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	p := newPlatform(t)
	r := newClient(t, p).get("/ar/login")
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" {
		t.Errorf("missing nosniff or referrer policy: %v", r.Header)
	}
}

func TestRegisterValidationKeepsInputAndSpeaksArabic(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	f := registration("not-an-email")
	f.Set("name_latin", "عبد الله")
	f.Set("password_confirm", "something else entirely")
	r := c.post("/ar/register", f)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	for _, want := range []string{
		"أدخل عنوان بريد إلكتروني صحيحًا",  // e-mail
		"اكتب الاسم بالحروف اللاتينية فقط", // Latin name
		"كلمتا المرور غير متطابقتين",       // confirmation
		`value="not-an-email"`, `value="مدير البيانات المفتوحة"`, // typed values kept
		`id="e-email"`, `aria-invalid="true"`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if _, n, _ := p.Officials.List(context.Background(), officials.Filter{}); n != 0 {
		t.Errorf("%d accounts saved after a refused registration", n)
	}
	// English page, English messages.
	r = c.post("/en/register", f)
	if !strings.Contains(r.Body, "Enter a valid e-mail address") {
		t.Errorf("English page lacks English message")
	}
}

// TestRegisterLoginLogoutAndDuplicate: a registration is not logged in; the link in the
// mail confirms the address, then the password opens the account.
func TestRegisterLoginLogoutAndDuplicate(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	r := c.post("/ar/register", registration("Sara.Khaled@Ministry.gov.jo"))
	if r.Status != http.StatusSeeOther || r.Location != "/ar/login" {
		t.Fatalf("register: %d %q %s", r.Status, r.Location, r.Body)
	}
	if page := c.get(r.Location); !strings.Contains(page.Body, "افتح الرابط الذي فيها لتأكيد بريدك") {
		t.Errorf("the login page does not ask to confirm the address first")
	}
	if r := c.get("/ar/me"); r.Status != http.StatusSeeOther {
		t.Errorf("logged in before confirming: /me %d", r.Status)
	}
	// Before the address is confirmed, the password does not open the account; the page
	// says why it might be.
	login := url.Values{"email": {"sara.khaled@ministry.gov.jo"}, "password": {"correct horse battery"}}
	if r := c.post("/ar/login", login); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "رابط التأكيد") {
		t.Errorf("login before confirming: %d", r.Status)
	}
	// A confirmation mail waits in the outbox, in Arabic.
	items, total, err := p.Mailer.List(context.Background(), 10, 0)
	if err != nil || total != 1 || items[0].Lang != "ar" || !strings.Contains(items[0].Text, "/ar/confirm/") {
		t.Fatalf("outbox: %d items %+v %v", total, items, err)
	}
	sent := recipientText(t, p, items[0].ID)
	link := sent[strings.Index(sent, "/ar/confirm/"):]
	link = strings.Fields(link)[0]
	if r := c.get(link); r.Status != http.StatusSeeOther || r.Location != "/ar/login" {
		t.Errorf("confirm link: %d %q", r.Status, r.Location)
	}
	if r := c.get(link); r.Status != http.StatusGone {
		t.Errorf("confirm link used twice: %d, want 410", r.Status)
	}
	if r := c.post("/ar/login", login); r.Status != http.StatusSeeOther || r.Location != "/ar/me" {
		t.Fatalf("login after confirming: %d %q", r.Status, r.Location)
	}
	me := c.get("/ar/me")
	if !strings.Contains(me.Body, "عبد الله محمد الأحمد") || !strings.Contains(me.Body, "الأردن") {
		t.Errorf("profile page does not show the name and country")
	}
	// Logout; the same e-mail in another case is answered like a new one, and creates nothing.
	if r := c.post("/ar/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := c.get("/ar/me"); r.Status != http.StatusSeeOther {
		t.Errorf("after logout /me: %d", r.Status)
	}
	r = c.post("/en/register", registration("sara.khaled@MINISTRY.GOV.JO"))
	if r.Status != http.StatusSeeOther || r.Location != "/en/login" || strings.Contains(r.Body, "already exists") {
		t.Errorf("duplicate e-mail: %d %q", r.Status, r.Location)
	}
	if _, n, _ := p.Officials.List(context.Background(), officials.Filter{}); n != 1 {
		t.Errorf("%d accounts after registering the same address twice", n)
	}
	// Wrong password, then right.
	if r := c.post("/ar/login", url.Values{"email": {"sara.khaled@ministry.gov.jo"}, "password": {"wrong password!"}}); r.Status != http.StatusUnauthorized ||
		!strings.Contains(r.Body, "البريد الإلكتروني أو كلمة المرور غير صحيحة") {
		t.Errorf("wrong password: %d", r.Status)
	}
	if r := c.post("/ar/login", url.Values{"email": {"SARA.khaled@ministry.gov.jo"}, "password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Errorf("login: %d", r.Status)
	}
}

func TestCSRFRequired(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	c.get("/ar/register")
	f := registration("x@example.org")
	f.Set("_csrf", "forged")
	if r := c.post("/ar/register", f); r.Status != http.StatusForbidden {
		t.Errorf("forged token: %d, want 403", r.Status)
	}
	other := newClient(t, p)
	other.get("/ar/register")
	f.Set("_csrf", other.csrf) // a token of another browser
	if r := c.post("/ar/register", f); r.Status != http.StatusForbidden {
		t.Errorf("another browser's token: %d, want 403", r.Status)
	}
	if _, err := p.Officials.GetByEmail(context.Background(), "x@example.org"); err == nil {
		t.Error("account created without a valid CSRF token")
	}
}

func TestProfileEditAndPassword(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "edit@example.org", officials.RoleOfficial, "TN")
	f := url.Values{"name_ar": {"سارة خالد"}, "name_latin": {"Sara Khaled"}, "job_title": {"Head of data"}, "organisation": {"Presidency of the Government"},
		"country": {"TN"}, "sector": {"central_government"}, "gender": {"female"}, "language": {"fr"}}
	if r := c.post("/ar/me/edit", f); r.Status != http.StatusSeeOther || r.Location != "/fr/me" {
		t.Fatalf("save profile: %d %q", r.Status, r.Location)
	}
	got, _ := p.Officials.Get(context.Background(), o.ID)
	if got.JobTitle != "Head of data" || got.Language != "fr" {
		t.Errorf("profile not saved: %+v", got)
	}
	f.Set("country", "KM") // Comoros: not a member in 2020
	if r := c.post("/en/me/edit", f); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "list of member states") {
		t.Errorf("non-member country accepted: %d", r.Status)
	}
	if r := c.post("/en/me/password", url.Values{"current_password": {"nope nope nope"}, "password": {"a new long password"}, "password_confirm": {"a new long password"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("wrong current password: %d", r.Status)
	}
	if r := c.post("/en/me/password", url.Values{"current_password": {"correct horse battery"}, "password": {"a new long password"}, "password_confirm": {"a new long password"}}); r.Status != http.StatusSeeOther {
		t.Errorf("change password: %d", r.Status)
	}
	if _, err := p.Officials.Authenticate(context.Background(), "edit@example.org", "a new long password"); err != nil {
		t.Errorf("new password does not work: %v", err)
	}
}

func TestForgotAndResetSingleUse(t *testing.T) {
	p := newPlatform(t)
	_, _ = account(t, p, "reset@example.org", officials.RoleOfficial, "MA")
	c := newClient(t, p)
	if r := c.post("/fr/forgot", url.Values{"email": {"reset@example.org"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("forgot: %d", r.Status)
	}
	if r := c.post("/fr/forgot", url.Values{"email": {"nobody@example.org"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("forgot for unknown address must look the same: %d", r.Status)
	}
	items, _, _ := p.Mailer.List(context.Background(), 10, 0)
	var link string
	for _, it := range items {
		if it.Template == "reset" {
			sent := recipientText(t, p, it.ID)
			i := strings.Index(sent, "/ar/reset/")
			link = strings.Fields(sent[i:])[0]
		}
	}
	if link == "" {
		t.Fatal("no reset mail in the outbox")
	}
	if r := c.get(link); r.Status != http.StatusOK {
		t.Fatalf("reset page: %d", r.Status)
	}
	if r := c.post(link, url.Values{"password": {"brand new password"}, "password_confirm": {"brand new password"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if r := c.post(link, url.Values{"password": {"another password!"}, "password_confirm": {"another password!"}}); r.Status != http.StatusGone {
		t.Errorf("reset link reused: %d, want 410", r.Status)
	}
	if _, err := p.Officials.Authenticate(context.Background(), "reset@example.org", "brand new password"); err != nil {
		t.Error("reset password does not work")
	}
}

func TestAdminRolesAndCountryScope(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	focal, _ := account(t, p, "focal@example.org", officials.RoleFocalPoint, "JO")
	plain, _ := account(t, p, "plain@example.org", officials.RoleOfficial, "JO")
	_, egyptian := account(t, p, "egypt@example.org", officials.RoleOfficial, "EG")
	_, jordanian := account(t, p, "amman@example.org", officials.RoleOfficial, "JO")

	if r := plain.get("/ar/admin/officials"); r.Status != http.StatusForbidden {
		t.Errorf("official on admin list: %d, want 403", r.Status)
	}
	r := staff.get("/en/admin/officials?country=EG")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "egypt@example.org") || strings.Contains(r.Body, "amman@example.org") {
		t.Errorf("staff filter by country: %d", r.Status)
	}
	// A focal point asking for Egypt still sees only Jordan.
	r = focal.get("/en/admin/officials?country=EG")
	if strings.Contains(r.Body, "egypt@example.org") || !strings.Contains(r.Body, "amman@example.org") {
		t.Errorf("focal point saw another country's people")
	}
	if r := focal.get("/en/admin/officials/" + itoa(egyptian.ID)); r.Status != http.StatusNotFound {
		t.Errorf("focal point opened an Egyptian account: %d", r.Status)
	}
	if r := focal.get("/en/admin/officials/" + itoa(jordanian.ID)); r.Status != http.StatusOK {
		t.Errorf("focal point cannot open a Jordanian account: %d", r.Status)
	}
	if r := focal.post("/en/admin/officials/"+itoa(jordanian.ID)+"/role", url.Values{"role": {"staff"}}); r.Status != http.StatusForbidden {
		t.Errorf("focal point granted a role: %d", r.Status)
	}
	// Staff grants a role; it is audited.
	if r := staff.post("/en/admin/officials/"+itoa(jordanian.ID)+"/role", url.Values{"role": {"trainer"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("grant role: %d", r.Status)
	}
	if r := staff.post("/en/admin/officials/"+itoa(jordanian.ID)+"/role", url.Values{"role": {"admin"}}); r.Status != http.StatusForbidden {
		t.Errorf("staff made an admin: %d", r.Status)
	}
	entries, _, _ := audit.List(context.Background(), p.DB, audit.Filter{Action: "official.role"})
	if len(entries) != 1 || entries[0].From != "official" || entries[0].To != "trainer" || entries[0].Actor != "staff@example.org" {
		t.Errorf("audit: %+v", entries)
	}
	if r := staff.get("/en/admin/audit"); r.Status != http.StatusForbidden {
		t.Errorf("staff on admin-only audit page: %d", r.Status)
	}
	// Staff edits someone's profile: every changed field is recorded.
	f := url.Values{"name_ar": {"سارة خالد"}, "name_latin": {"Sara Khaled"}, "job_title": {"Director"}, "organisation": {"Ministry"},
		"country": {"JO"}, "sector": {"central_government"}, "gender": {"female"}, "language": {"ar"}}
	if r := staff.post("/en/admin/officials/"+itoa(jordanian.ID), f); r.Status != http.StatusSeeOther {
		t.Fatalf("staff edit: %d %s", r.Status, r.Body)
	}
	entries, _, _ = audit.List(context.Background(), p.DB, audit.Filter{Action: "official.edit"})
	if len(entries) != 1 || entries[0].Field != "job_title" || entries[0].To != "Director" {
		t.Errorf("edit audit: %+v", entries)
	}
}

func TestPersonalDataExportAndDeletion(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "gdpr@example.org", officials.RoleOfficial, "LB")
	r := c.get("/en/me/export")
	var data map[string]any
	if err := json.Unmarshal([]byte(r.Body), &data); err != nil || r.Status != 200 {
		t.Fatalf("export: %d %v", r.Status, err)
	}
	prof, _ := data["profile"].(map[string]any)
	if prof["email"] != "gdpr@example.org" || prof["name_ar"] != "سارة خالد" {
		t.Errorf("export lacks the profile: %v", data)
	}
	if !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Error("export is not a download")
	}
	if r := c.post("/en/me/delete", url.Values{"password": {"wrong one"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("delete with wrong password: %d", r.Status)
	}
	if r := c.post("/en/me/delete", url.Values{"password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	// The erasure comes once the grace period is over (see erasure_test.go for the period).
	p.Officials.SetClock(func() time.Time { return time.Now().Add(p.Config.ErasureGrace + time.Hour) })
	if err := p.PrivacyUpkeep(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, err := p.Officials.Get(context.Background(), o.ID)
	if err != nil || got.Email != "" || got.NameAr != "" || got.NameLatin != "" || got.DeletedAt == nil {
		t.Errorf("personal data kept after deletion: %+v", got)
	}
	if r := c.get("/en/me"); r.Status != http.StatusSeeOther {
		t.Errorf("deleted account still logged in: %d", r.Status)
	}
	if _, err := p.Officials.Authenticate(context.Background(), "gdpr@example.org", "correct horse battery"); err == nil {
		t.Error("deleted account can log in")
	}
}

func TestConcurrentRegistrationsSameEmail(t *testing.T) {
	p := newPlatform(t)
	var wg sync.WaitGroup
	codes := make(chan response, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := newClient(t, p)
			email := "race@example.org"
			if i%2 == 1 {
				email = "RACE@Example.org"
			}
			codes <- c.post("/ar/register", registration(email))
		}(i)
	}
	wg.Wait()
	close(codes)
	for r := range codes {
		// Every visitor sees the same answer, whoever won the race.
		if r.Status != http.StatusSeeOther || r.Location != "/ar/login" {
			t.Errorf("unexpected answer %d %q: %s", r.Status, r.Location, r.Body)
		}
	}
	list, total, _ := p.Officials.List(context.Background(), officials.Filter{Q: "race@example.org"})
	if total != 1 {
		t.Errorf("%d accounts (%v), want exactly one", total, list)
	}
	var confirm, taken int
	p.DB.R.QueryRow("SELECT count(*) FILTER (WHERE template = 'confirm'), count(*) FILTER (WHERE template = 'register_taken') FROM outbox").Scan(&confirm, &taken)
	if confirm != 1 || taken != 49 {
		t.Errorf("%d confirmation and %d already-registered mails, want 1 and 49", confirm, taken)
	}
}

func TestHealthz(t *testing.T) {
	p := newPlatform(t)
	r := newClient(t, p).get("/healthz")
	if r.Status != 200 || !strings.Contains(r.Body, `"ok"`) {
		t.Errorf("healthz: %d %s", r.Status, r.Body)
	}
}

func TestStaticAssetsHashedAndConditional(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	page := c.get("/ar/")
	m := regexp.MustCompile(`href="(/static/style\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("layout does not link a content-hashed stylesheet")
	}
	r := c.get(m[1])
	if r.Status != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || !strings.Contains(r.Body, "margin-inline") {
		t.Errorf("hashed stylesheet: %d %q", r.Status, r.Header.Get("Cache-Control"))
	}
	req := httpGet(m[1])
	req.Header.Set("If-None-Match", r.Header.Get("ETag"))
	if r := c.do(req); r.Status != http.StatusNotModified {
		t.Errorf("conditional stylesheet: %d, want 304", r.Status)
	}
	// Pages answer conditional requests too.
	first := c.get("/en/courses/open-government-data")
	req = httpGet("/en/courses/open-government-data")
	req.Header.Set("If-None-Match", first.Header.Get("ETag"))
	if r := c.do(req); first.Header.Get("ETag") == "" || r.Status != http.StatusNotModified {
		t.Errorf("conditional page: etag %q, status %d", first.Header.Get("ETag"), r.Status)
	}
}

// TestConcurrentPagesDoNotMixVisitors: pages rendered at the same time for different
// browsers each carry their own form token (a pooled render buffer once leaked one
// visitor's page into another's response).
func TestConcurrentPagesDoNotMixVisitors(t *testing.T) {
	p := newPlatform(t)
	for round := 0; round < 20; round++ {
		var wg sync.WaitGroup
		cs := make([]*client, 40)
		for i := range cs {
			cs[i] = newClient(t, p)
			wg.Add(1)
			go func(c *client) { defer wg.Done(); c.get("/ar/login") }(cs[i])
		}
		wg.Wait()
		tokens := map[string]bool{}
		for i, c := range cs {
			if tokens[c.csrf] {
				t.Fatalf("round %d: two browsers got the same form token", round)
			}
			tokens[c.csrf] = true
			if r := c.post("/ar/logout", nil); r.Status == http.StatusForbidden {
				t.Fatalf("round %d, browser %d: its own token was refused", round, i)
			}
		}
	}
}

// TestGeneratedAdminMustChangeOneTimePassword: the admin created at first start logs in with
// the printed password, is sent to choose a new one, and can (without retyping the old one).
func TestGeneratedAdminMustChangeOneTimePassword(t *testing.T) {
	p := newPlatform(t)
	var out strings.Builder
	if err := p.EnsureAdmin(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no password printed: %s", out.String())
	}
	c := newClient(t, p)
	r := c.post("/en/login", url.Values{"email": {"admin@masar.localhost"}, "password": {m[1]}})
	if r.Status != http.StatusSeeOther || r.Location != "/ar/me/password" {
		t.Fatalf("login: %d %q", r.Status, r.Location)
	}
	if r := c.get("/ar/admin/officials"); r.Status != http.StatusSeeOther || r.Location != "/ar/me/password" {
		t.Errorf("admin pages open before the one-time password is changed: %d %q", r.Status, r.Location)
	}
	if page := c.get("/ar/me/password"); strings.Contains(page.Body, `name="current_password"`) {
		t.Error("the one-time password is asked for again")
	}
	r = c.post("/ar/me/password", url.Values{"password": {"a brand new admin password"}, "password_confirm": {"a brand new admin password"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if _, err := p.Officials.Authenticate(context.Background(), "admin@masar.localhost", "a brand new admin password"); err != nil {
		t.Error("new password does not work")
	}
	if o, _ := p.Officials.GetByEmail(context.Background(), "admin@masar.localhost"); o.MustChangePassword {
		t.Error("still asked to change the password")
	}
}

// TestStaffListRowsEscaped: the rows of the staff list, written without the template, escape
// what officials typed.
func TestStaffListRowsEscaped(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff-esc@example.org", "staff", "JO")
	in := officials.Input{Email: "esc@example.org", Password: "correct horse battery", NameAr: "سارة خالد", NameLatin: "Sara Khaled",
		JobTitle: "Analyst", Organisation: `Ministry <b>of</b> "Data" & Trust`, Country: "JO", Sector: "central_government", Gender: "female", Language: "ar"}
	if _, err := p.Officials.Create(context.Background(), audit.Actor{Email: "test"}, in, "official"); err != nil {
		t.Fatal(err)
	}
	r := staff.get("/ar/admin/officials?q=esc%40example")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `Ministry &lt;b&gt;of&lt;/b&gt; &#34;Data&#34; &amp; Trust`) || strings.Contains(r.Body, "<b>of</b>") {
		t.Errorf("organisation not escaped in the staff list (status %d)", r.Status)
	}
}

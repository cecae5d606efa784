package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// TestRegisterTakenAddressLooksTheSame: to the visitor, registering an address that has an
// account is answered exactly like registering a new one; only the mail to the address's
// holder says so, with a way back into the account.
func TestRegisterTakenAddressLooksTheSame(t *testing.T) {
	p := newPlatform(t)
	_, holder := account(t, p, "amal.haddad@mop.gov.jo", officials.RoleOfficial, "JO")
	answer := func(email string) (response, response) {
		c := newClient(t, p)
		f := registration(email)
		f.Set("language", "en")
		r := c.post("/en/register", f)
		return r, c.get(r.Location)
	}
	newR, newPage := answer("someone.new@mop.gov.jo")
	takenR, takenPage := answer("Amal.Haddad@MOP.gov.jo")
	if newR.Status != takenR.Status || newR.Location != takenR.Location || newR.Body != takenR.Body {
		t.Errorf("new address: %d %q, taken: %d %q", newR.Status, newR.Location, takenR.Status, takenR.Location)
	}
	flash := func(body string) string {
		i := strings.Index(body, `class="flash`)
		if i < 0 {
			return ""
		}
		return body[i : i+strings.Index(body[i:], "</")]
	}
	if f := flash(newPage.Body); f == "" || f != flash(takenPage.Body) {
		t.Errorf("the pages after registering differ: %q vs %q", f, flash(takenPage.Body))
	}
	if _, n, _ := p.Officials.List(context.Background(), officials.Filter{}); n != 2 {
		t.Errorf("%d accounts, want the holder and the new one", n)
	}
	if o, _ := p.Officials.Get(context.Background(), holder.ID); o.NameLatin != "Sara Khaled" {
		t.Errorf("the holder's profile was changed by the registration: %q", o.NameLatin)
	}
	// The holder is told, in their own language, with a reset link that works.
	items, _, _ := p.Mailer.List(context.Background(), 10, 0)
	var told string
	for _, it := range items {
		if it.To == holder.Email {
			if it.Template != "register_taken" || it.Lang != "ar" {
				t.Errorf("the holder got %s in %s", it.Template, it.Lang)
			}
			told = recipientText(t, p, it.ID)
		}
	}
	i := strings.Index(told, "/ar/reset/")
	if i < 0 || !strings.Contains(told, "/ar/login") {
		t.Fatalf("the holder's mail lacks the login or reset link:\n%s", told)
	}
	c := newClient(t, p)
	link := strings.Fields(told[i:])[0]
	if r := c.post(link, url.Values{"password": {"my own new passphrase"}, "password_confirm": {"my own new passphrase"}}); r.Status != http.StatusSeeOther {
		t.Errorf("reset from the mail: %d %s", r.Status, r.Body)
	}
}

// TestPasswordRulesOnEveryForm: an over-long password (beyond bcrypt's 72 bytes) or a common
// one is a field error in the page's language on every form that sets a password and in the
// API, never an internal error, and nothing is saved.
func TestPasswordRulesOnEveryForm(t *testing.T) {
	p := newPlatform(t)
	long := strings.Repeat("كلمة سر ", 6) // 42 Arabic letters and spaces, 78 bytes
	want := map[string][]string{
		long:         {"72 بايت", "72 bytes", "72 octets"},
		"1234567890": {"أكثر كلمات المرور شيوعًا", "most common passwords", "plus courants"},
		"Password12": {"أكثر كلمات المرور شيوعًا", "most common passwords", "plus courants"},
	}
	holder, o := account(t, p, "holder@example.org", officials.RoleOfficial, "MA")
	staffC, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	_ = staffC
	tok, err := p.Officials.CreateAPIToken(context.Background(), staff.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	for pw, msgs := range want {
		for i, lang := range []string{"ar", "en", "fr"} {
			c := newClient(t, p)
			f := registration("new-" + lang + "@example.org")
			f.Set("password", pw)
			f.Set("password_confirm", pw)
			if r := c.post("/"+lang+"/register", f); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, msgs[i]) {
				t.Errorf("register in %s with %q: %d, want 422 saying %q", lang, pw, r.Status, msgs[i])
			}
		}
		r := holder.post("/en/me/password", url.Values{"current_password": {"correct horse battery"}, "password": {pw}, "password_confirm": {pw}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, msgs[1]) {
			t.Errorf("change to %q: %d", pw, r.Status)
		}
		link, _ := p.Officials.NewEmailToken(context.Background(), o.ID, officials.PurposeReset)
		r = newClient(t, p).post("/fr/reset/"+link, url.Values{"password": {pw}, "password_confirm": {pw}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, msgs[2]) {
			t.Errorf("reset to %q: %d", pw, r.Status)
		}
		body, _ := json.Marshal(map[string]string{"email": "api@example.org", "password": pw, "name_ar": "سارة خالد", "name_latin": "Sara Khaled",
			"job_title": "Analyst", "organisation": "Ministry", "country": "JO", "sector": "central_government", "gender": "female", "language": "ar"})
		r = holder.api("POST", "/api/v1/officials", tok, string(body))
		var e struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		_ = json.Unmarshal([]byte(r.Body), &e)
		if r.Status != http.StatusUnprocessableEntity || e.Error.Fields["password"] == "" {
			t.Errorf("API create with %q: %d %s", pw, r.Status, r.Body)
		}
		// Logging in with it is a plain failure.
		if r := newClient(t, p).post("/en/login", url.Values{"email": {"holder@example.org"}, "password": {pw}}); r.Status != http.StatusUnauthorized {
			t.Errorf("login with %q: %d, want 401", pw, r.Status)
		}
	}
	if _, n, _ := p.Officials.List(context.Background(), officials.Filter{}); n != 2 {
		t.Errorf("%d accounts, want only the two made by the test", n)
	}
	if _, err := p.Officials.Authenticate(context.Background(), "holder@example.org", "correct horse battery"); err != nil {
		t.Errorf("the holder's password changed: %v", err)
	}
}

// TestPasswordChangeRevokesAPITokensAndSaysSo: after a password change the person's API
// tokens stop working, and the page says so.
func TestPasswordChangeRevokesAPITokensAndSaysSo(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "tokens@example.org", officials.RoleStaff, "")
	tok, _ := p.Officials.CreateAPIToken(context.Background(), o.ID, "laptop")
	if r := c.api("GET", "/api/v1/officials", tok, ""); r.Status != http.StatusOK {
		t.Fatalf("token before: %d", r.Status)
	}
	r := c.post("/en/me/password", url.Values{"current_password": {"correct horse battery"}, "password": {"a brand new passphrase"}, "password_confirm": {"a brand new passphrase"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if page := c.get(r.Location); !strings.Contains(page.Body, "API tokens revoked") {
		t.Error("the page does not say that the API tokens were revoked")
	}
	if r := newClient(t, p).api("GET", "/api/v1/officials", tok, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("token after a password change: %d, want 401", r.Status)
	}
}

// TestLoginGuardSlowsGuessingNotTheHolder: 30 wrong passwords for one account, with other
// people logging in between each, get only the allowed number of passwords checked; the
// others are refused with Retry-After. Meanwhile the holder, from another address, logs in.
func TestLoginGuardSlowsGuessingNotTheHolder(t *testing.T) {
	p := newPlatform(t)
	_, _ = account(t, p, "target@example.org", officials.RoleOfficial, "JO")
	_, _ = account(t, p, "bystander@example.org", officials.RoleOfficial, "JO")
	attacker, bystander := newClient(t, p), newClient(t, p)
	checked, refused := 0, 0
	start := time.Now()
	for i := 0; i < 30; i++ {
		// The typed address comes in another case each time; it is still one account.
		email := "target@example.org"
		if i%2 == 1 {
			email = "TARGET@Example.org"
		}
		r := attacker.post("/en/login", url.Values{"email": {email}, "password": {"guess number " + itoa(int64(i))}})
		switch r.Status {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
			refused++
			if s := r.Header.Get("Retry-After"); s == "" || s == "0" {
				t.Errorf("429 without Retry-After: %q", s)
			}
		default:
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
		if r := bystander.post("/en/login", url.Values{"email": {"bystander@example.org"}, "password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("the bystander between attempts: %d", r.Status)
		}
	}
	// The first wait is 5 s: on a machine slow enough (the race detector under load) for the
	// loop to outlast it, the attacker earns one more check per lapsed wait, no more. The
	// exact schedule is TestLoginGuardSchedule's, on a fake clock.
	extra := int(time.Since(start) / (5 * time.Second))
	if checked < 5 || checked > 5+extra || checked+refused != 30 {
		t.Errorf("%d passwords checked and %d refused, want 5 (+%d for lapsed waits) and the rest refused", checked, refused, extra)
	}
	// The right password from the failing address waits too: it is not even looked at.
	if r := attacker.post("/en/login", url.Values{"email": {"target@example.org"}, "password": {"correct horse battery"}}); r.Status != http.StatusTooManyRequests {
		t.Errorf("right password from the guessing address: %d, want 429", r.Status)
	}
	// The holder, at another address, is not shut out.
	base := serve(t, p)
	holder := browserFrom(t, "127.0.0.2")
	if got := holder.login(t, base, "target@example.org", "correct horse battery"); got != "/en/me" {
		t.Errorf("the holder from another address lands on %q, want /en/me", got)
	}
}

// TestForgotLimitCarriesRetryAfter: past the per-address limit of reset mails, the answer is
// 429 with Retry-After, for a registered address and an unknown one alike.
func TestForgotLimitCarriesRetryAfter(t *testing.T) {
	p := newPlatform(t)
	_, _ = account(t, p, "flood@example.org", officials.RoleOfficial, "JO")
	for _, email := range []string{"flood@example.org", "nobody@example.org"} {
		c := newClient(t, p)
		var r response
		for i := 0; i < 11; i++ {
			r = c.post("/en/forgot", url.Values{"email": {email}})
		}
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("%s, 11th request: %d, Retry-After %q", email, r.Status, r.Header.Get("Retry-After"))
		}
	}
	var mails int
	p.DB.R.QueryRow("SELECT count(*) FROM outbox WHERE template = 'reset'").Scan(&mails)
	if mails != 10 {
		t.Errorf("%d reset mails, want 10 to the registered address and none to the unknown one", mails)
	}
}

// TestLoginRotatesCSRFSeed: the form token seen before logging in stops working at login.
func TestLoginRotatesCSRFSeed(t *testing.T) {
	p := newPlatform(t)
	_, _ = account(t, p, "rotate@example.org", officials.RoleOfficial, "JO")
	c := newClient(t, p)
	c.get("/ar/login")
	before, seed := c.csrf, c.cookies["masar_csrf"]
	if r := c.post("/ar/login", url.Values{"email": {"rotate@example.org"}, "password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.Status)
	}
	if c.cookies["masar_csrf"] == seed {
		t.Fatal("the CSRF seed cookie did not change at login")
	}
	f := url.Values{"_csrf": {before}, "name_ar": {"سارة خالد"}}
	if r := c.post("/ar/me/edit", f); r.Status != http.StatusForbidden {
		t.Errorf("the pre-login token still works after login: %d", r.Status)
	}
	c.get("/ar/me/edit")
	if c.csrf == before || c.csrf == "" {
		t.Fatal("the page after login shows the old token")
	}
	if r := c.post("/ar/logout", nil); r.Status != http.StatusSeeOther {
		t.Errorf("the new token is refused: %d", r.Status)
	}
}

// TestLoginRedirectStaysOnSite: whatever next= says, a login lands on this site; hostile
// values fall back to the profile.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	p := newPlatform(t)
	_, _ = account(t, p, "next@example.org", officials.RoleOfficial, "JO")
	for next, want := range map[string]string{
		"/ar/courses?page=2#top": "/ar/courses?page=2#top",
		"/ar/reset/abc":          "/ar/reset/abc",
		"/\t/evil.example":       "/ar/me",
		"/%09/evil.example":      "/ar/me",
		"//evil.example":         "/ar/me",
		"///evil.example":        "/ar/me",
		"/\\evil.example":        "/ar/me",
		"/%5Cevil.example":       "/ar/me",
		"/%2F/evil.example":      "/ar/me",
		"\\\\evil.example":       "/ar/me",
		"https://evil.example":   "/ar/me",
		"http:/evil.example":     "/ar/me",
		"javascript:alert(1)":    "/ar/me",
		"JavaScript:alert(1)":    "/ar/me",
		"evil.example":           "/ar/me",
		"/ar/me\r\nX-Evil: 1":    "/ar/me",
		"/ar/\u202Eem":           "/ar/me",
	} {
		c := newClient(t, p)
		r := c.post("/ar/login", url.Values{"email": {"next@example.org"}, "password": {"correct horse battery"}, "next": {next}})
		if r.Status != http.StatusSeeOther || r.Location != want {
			t.Errorf("next=%q: %d → %q, want %q", next, r.Status, r.Location, want)
		}
	}
}

// serve runs the platform on a real socket, for tests that need a second client address.
func serve(t *testing.T, p *platform.Platform) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = p.App.Listener(ln) }()
	t.Cleanup(func() {
		_ = p.App.ShutdownWithTimeout(5 * time.Second)
		ln.Close()
		<-done
	})
	return "http://" + ln.Addr().String()
}

// remoteBrowser is an HTTP client connecting from a chosen local address.
type remoteBrowser struct{ *http.Client }

func browserFrom(t *testing.T, ip string) remoteBrowser {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return remoteBrowser{&http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs in through the form and returns where the answer leads.
func (b remoteBrowser) login(t *testing.T, base, email, password string) string {
	t.Helper()
	res, err := b.Get(base + "/en/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(page)
	if m == nil {
		t.Fatal("no form token on the login page")
	}
	res, err = b.PostForm(base+"/en/login", url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return res.Status
	}
	return res.Header.Get("Location")
}

package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"
)

const (
	uaFirefoxWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
	uaChromeAndroid  = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)

// loginWith logs a new browser in as email with that User-Agent and password.
func loginWith(t *testing.T, p *platform.Platform, email, password, ua string) *client {
	t.Helper()
	c := newClient(t, p)
	c.get("/en/login")
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {c.csrf}}
	req := httptest.NewRequest(http.MethodPost, "/en/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", ua)
	if r := c.do(req); r.Status != http.StatusSeeOther || r.Location != "/en/me" {
		t.Fatalf("log in %s: %d → %q", email, r.Status, r.Location)
	}
	return c
}

// signedIn reports whether the browser's next request is still logged in.
func signedIn(t *testing.T, c *client) bool {
	t.Helper()
	r := c.get("/en/me")
	switch {
	case r.Status == http.StatusOK:
		return true
	case r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/en/login"):
		return false
	}
	t.Fatalf("GET /en/me: %d → %q", r.Status, r.Location)
	return false
}

// otherSession is the public id of o's one session that is not current.
func otherSession(t *testing.T, p *platform.Platform, o *officials.Official, current string) string {
	t.Helper()
	list, err := p.Officials.Sessions(context.Background(), o.ID, current)
	if err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, s := range list {
		if !s.Current {
			if id != "" {
				t.Fatalf("more than one other session: %+v", list)
			}
			id = s.ID
		}
	}
	if id == "" {
		t.Fatalf("no other session: %+v", list)
	}
	return id
}

func countActions(t *testing.T, p *platform.Platform, action string) int {
	t.Helper()
	_, n, err := audit.List(context.Background(), p.DB, audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSessionsPageEndsAnotherBrowser: a person sees their two browsers, named by browser and
// system, never by secret; ending one logs that browser out on its next request, and nobody
// else may end it.
func TestSessionsPageEndsAnotherBrowser(t *testing.T) {
	p := newPlatform(t)
	first, o := account(t, p, "two.browsers@example.org", officials.RoleOfficial, "JO")
	first.post("/en/logout", nil)
	a := loginWith(t, p, o.Email, "correct horse battery", uaFirefoxWindows)
	b := loginWith(t, p, o.Email, "correct horse battery", uaChromeAndroid)

	r := a.get("/en/me/sessions")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /en/me/sessions: %d", r.Status)
	}
	for _, want := range []string{"Firefox", "Windows", "Chrome", "Android", "This browser", "Local network", "E-mail and password"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the sessions page does not show %q", want)
		}
	}
	if n := strings.Count(r.Body, "This browser"); n != 1 {
		t.Errorf("%d sessions marked as this browser, want 1", n)
	}
	for name, secret := range map[string]string{"a's cookie": a.cookies["masar_session"], "b's cookie": b.cookies["masar_session"]} {
		h := sha256.Sum256([]byte(secret))
		if strings.Contains(r.Body, secret) || strings.Contains(r.Body, hex.EncodeToString(h[:])) {
			t.Errorf("the sessions page shows %s or its hash", name)
		}
	}
	// The JSON export of one's data carries the same, still without secrets.
	if r := a.get("/en/me/export"); !strings.Contains(r.Body, `"user_agent":"`+strings.ReplaceAll(uaChromeAndroid, ";", ";")) ||
		strings.Contains(r.Body, b.cookies["masar_session"]) {
		t.Errorf("the export lacks the other session's browser, or shows its secret")
	}

	bID := otherSession(t, p, o, a.cookies["masar_session"])
	// Someone else, logged in, cannot end it (nor learn that it exists).
	stranger, _ := account(t, p, "stranger@example.org", officials.RoleStaff, "")
	if r := stranger.post("/en/me/sessions/"+bID+"/end", nil); r.Status != http.StatusNotFound {
		t.Errorf("another account ends the session: %d, want 404", r.Status)
	}
	if !signedIn(t, b) {
		t.Fatal("b was logged out by someone else's request")
	}
	// Without the form token: refused.
	a.csrf = "forged"
	if r := a.post("/en/me/sessions/"+bID+"/end", url.Values{"_csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}); r.Status != http.StatusForbidden {
		t.Errorf("end without a valid form token: %d, want 403", r.Status)
	}
	a.get("/en/me/sessions")
	if r := a.post("/en/me/sessions/"+bID+"/end", nil); r.Status != http.StatusSeeOther || r.Location != "/en/me/sessions" {
		t.Fatalf("end b's session: %d → %q", r.Status, r.Location)
	}
	if signedIn(t, b) {
		t.Error("after its session was ended, b's next request is still logged in")
	}
	if !signedIn(t, a) {
		t.Error("ending b's session logged a out")
	}
	if n := countActions(t, p, officials.ActionSessionEnded); n != 1 {
		t.Errorf("%d auth.session.ended entries, want 1", n)
	}
	if r := a.post("/en/me/sessions/"+bID+"/end", nil); r.Status != http.StatusNotFound {
		t.Errorf("ending a session already ended: %d, want 404", r.Status)
	}

	// "End all other sessions" keeps this browser only.
	b = loginWith(t, p, o.Email, "correct horse battery", uaChromeAndroid)
	c := loginWith(t, p, o.Email, "correct horse battery", uaChromeAndroid)
	a.get("/en/me/sessions")
	if r := a.post("/en/me/sessions/end-others", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("end other sessions: %d", r.Status)
	}
	if signedIn(t, b) || signedIn(t, c) {
		t.Error("after \"end all other sessions\" another browser is still logged in")
	}
	if !signedIn(t, a) {
		t.Error("\"end all other sessions\" logged out the browser that asked")
	}

	// Ending the current session is logging out.
	own := ""
	list, _ := p.Officials.Sessions(context.Background(), o.ID, a.cookies["masar_session"])
	for _, s := range list {
		if s.Current {
			own = s.ID
		}
	}
	if r := a.post("/en/me/sessions/"+own+"/end", nil); r.Status != http.StatusSeeOther || r.Location != "/en/login" {
		t.Errorf("end the current session: %d → %q, want the login page", r.Status, r.Location)
	}
	if signedIn(t, a) {
		t.Error("after ending its own session the browser is still logged in")
	}
}

// TestPageViewsDoNotWriteEachTime: a session's last activity is written at most once every
// officials.LastSeenEvery, not on every page view.
func TestPageViewsDoNotWriteEachTime(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "views@example.org", officials.RoleOfficial, "JO")
	ctx := context.Background()
	// The last uses noted are written by the platform's flusher every second: flushed here
	// before each look at the database.
	flush := func() {
		if err := p.Officials.FlushSeen(ctx); err != nil {
			t.Fatal(err)
		}
	}
	lastSeen := func() string {
		flush()
		var s *string
		if err := p.DB.R.QueryRowContext(ctx, "SELECT last_seen_at FROM sessions WHERE official_id = ?", o.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s == nil {
			return ""
		}
		return *s
	}
	// On SQLite the writer is one connection: its count of changed rows counts every write.
	changes := func() int {
		flush()
		if p.DB.Dialect() != store.SQLite {
			return 0
		}
		var n int
		if err := p.DB.W.QueryRowContext(ctx, "SELECT total_changes()").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c.get("/en/me")
	before := changes()
	for range 20 {
		if r := c.get("/en/me"); r.Status != http.StatusOK {
			t.Fatalf("GET /en/me: %d", r.Status)
		}
	}
	if got := changes() - before; got != 0 {
		t.Errorf("20 page views changed %d rows, want none", got)
	}
	if got := lastSeen(); got != "" {
		t.Errorf("last activity written right after the login: %q", got)
	}
	later := time.Now().Add(officials.LastSeenEvery + time.Minute)
	p.Officials.SetClock(func() time.Time { return later })
	before = changes()
	for range 20 {
		c.get("/en/me")
	}
	first := lastSeen()
	if first == "" {
		t.Fatal("a page view after LastSeenEvery did not write the last activity")
	}
	if got := changes() - before; p.DB.Dialect() == store.SQLite && got != 1 {
		t.Errorf("20 page views after LastSeenEvery changed %d rows, want 1", got)
	}
	if r := c.get("/en/me/sessions"); !strings.Contains(r.Body, "Last active") {
		t.Errorf("the sessions page has no last activity column")
	}
}

// TestPasswordChangeAndResetEndOtherSessions: changing one's password ends every other
// browser's session and keeps this one; a reset through the mailed link ends them all.
func TestPasswordChangeAndResetEndOtherSessions(t *testing.T) {
	p := newPlatform(t)
	a, o := account(t, p, "change@example.org", officials.RoleOfficial, "JO")
	b := loginWith(t, p, o.Email, "correct horse battery", uaChromeAndroid)
	a.get("/en/me/password")
	if r := a.post("/en/me/password", url.Values{"current_password": {"correct horse battery"}, "password": {"a new long password"},
		"password_confirm": {"a new long password"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("change password: %d", r.Status)
	}
	if signedIn(t, b) {
		t.Error("after a password change another browser is still logged in")
	}
	if !signedIn(t, a) {
		t.Error("the password change logged out the browser that made it")
	}

	b = loginWith(t, p, o.Email, "a new long password", uaChromeAndroid)
	tok, err := p.Officials.NewEmailToken(context.Background(), o.ID, officials.PurposeReset)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, p)
	c.get("/en/reset/" + tok)
	if r := c.post("/en/reset/"+tok, url.Values{"password": {"yet another password"}, "password_confirm": {"yet another password"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.Status)
	}
	if signedIn(t, a) || signedIn(t, b) {
		t.Error("after a password reset a browser is still logged in")
	}
}

// TestOwnAPITokens: a person lists their tokens and revokes one, which stops working at
// once; someone else's token is not found.
func TestOwnAPITokens(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "tokens@example.org", officials.RoleOfficial, "JO")
	other, _ := account(t, p, "other.tokens@example.org", officials.RoleOfficial, "JO")
	ctx := context.Background()
	tok, err := p.Officials.CreateAPIToken(ctx, o.ID, "reporting script")
	if err != nil {
		t.Fatal(err)
	}
	if r := c.api("GET", "/api/v1/me", tok, ""); r.Status != http.StatusOK {
		t.Fatalf("the new token: %d", r.Status)
	}
	r := c.get("/en/me/tokens")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "reporting script") || !strings.Contains(r.Body, "Active") || strings.Contains(r.Body, tok) {
		t.Fatalf("tokens page: %d, name or state missing, or the secret shown", r.Status)
	}
	if r := c.get("/en/me/tokens"); strings.Contains(r.Body, "Never") {
		t.Error("the token was used, the page says it never was")
	}
	list, _ := p.Officials.APITokens(ctx, o.ID)
	id := itoa(list[0].ID)
	if r := other.post("/en/me/tokens/"+id+"/revoke", nil); r.Status != http.StatusNotFound {
		t.Errorf("someone else revokes the token: %d, want 404", r.Status)
	}
	if r := c.api("GET", "/api/v1/me", tok, ""); r.Status != http.StatusOK {
		t.Fatalf("the token after someone else's attempt: %d", r.Status)
	}
	if r := c.post("/en/me/tokens/"+id+"/revoke", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/me", tok, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("the revoked token: %d, want 401", r.Status)
	}
	if r := c.get("/en/me/tokens"); !strings.Contains(r.Body, "Revoked on") || strings.Contains(r.Body, `/tokens/`+id+`/revoke"`) {
		t.Error("the tokens page does not show the token revoked, or still offers to revoke it")
	}
	if n := countActions(t, p, officials.ActionTokenRevoked); n != 1 {
		t.Errorf("%d auth.token.revoked entries, want 1", n)
	}
}

// TestSecurityLog: sign-ins, failures and sign-outs reach the admins' security log, which
// filters them and exports the same rows; a failure with an address without an account keeps
// only its domain.
func TestSecurityLog(t *testing.T) {
	p := newPlatform(t)
	admin, _ := account(t, p, "admin.log@example.org", officials.RoleAdmin, "")
	staff, _ := account(t, p, "staff.log@example.org", officials.RoleStaff, "")
	_, o := account(t, p, "watched@example.org", officials.RoleOfficial, "JO")
	x := newClient(t, p)
	for _, email := range []string{"Watched@Example.org", "someone.private@ministry.gov.xx"} {
		if r := x.post("/en/login", url.Values{"email": {email}, "password": {"wrong password!"}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("bad password for %s: %d", email, r.Status)
		}
	}
	w := loginWith(t, p, o.Email, "correct horse battery", uaFirefoxWindows)
	w.get("/en/me")
	if r := w.post("/en/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("log out: %d", r.Status)
	}

	if r := staff.get("/en/admin/security-log"); r.Status != http.StatusForbidden {
		t.Errorf("staff open the security log: %d, want 403 (admins only, like the audit log)", r.Status)
	}
	r := admin.get("/en/admin/security-log")
	if r.Status != http.StatusOK {
		t.Fatalf("security log: %d", r.Status)
	}
	for _, want := range []string{"Failed sign-in", "Signed in", "Signed out", "watched@example.org", "ministry.gov.xx", "An address without an account"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the security log does not show %q", want)
		}
	}
	if strings.Contains(r.Body, "someone.private") {
		t.Error("the security log keeps the address of a failed sign-in without an account")
	}
	if strings.Contains(r.Body, "Account created") {
		t.Error("the security log shows entries that are not about signing in")
	}

	r = admin.get("/en/admin/security-log?action=auth.login_failed&person=watched@example.org")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `<p role="status">1 entry ·`) {
		i := strings.LastIndex(r.Body, `<p role="status">`)
		t.Errorf("filtered by event and person: %d, want exactly one entry: %.200s", r.Status, r.Body[max(i, 0):])
	}
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	if r := admin.get("/en/admin/security-log?from=" + tomorrow); !strings.Contains(r.Body, ">0 entries<") {
		t.Error("filtered from tomorrow, the log still shows entries")
	}
	r = admin.get("/en/admin/security-log?from=yesterday&person=nobody@example.org")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Enter a date as year-month-day.") ||
		!strings.Contains(r.Body, "No account has this e-mail address.") {
		t.Errorf("bad filter: %d, want 422 naming both fields", r.Status)
	}

	// The export has the same rows as the page, with the same filter.
	r = admin.get("/en/admin/security-log.xlsx?action=auth.login_failed")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("export of failed sign-ins: %d rows, want a header and 2", len(rows))
	}
	for _, row := range rows[1:] {
		if row[3] != officials.ActionLoginFailed || strings.Contains(strings.Join(row, " "), "someone.private") {
			t.Errorf("export row %q", row)
		}
	}
	if r := admin.get("/ar/admin/security-log.xlsx"); r.Status != http.StatusOK {
		t.Errorf("Arabic export: %d", r.Status)
	}
}

// TestSessionsAPI: the API lists the caller's sessions as the page does, ends one (its
// browser is logged out) and revokes the caller's tokens; someone else's are not found.
func TestSessionsAPI(t *testing.T) {
	p := newPlatform(t)
	first, o := account(t, p, "api.sessions@example.org", officials.RoleOfficial, "JO")
	first.post("/en/logout", nil)
	b := loginWith(t, p, o.Email, "correct horse battery", uaChromeAndroid)
	ctx := context.Background()
	tok, err := p.Officials.CreateAPIToken(ctx, o.ID, "sync")
	if err != nil {
		t.Fatal(err)
	}
	_, other := account(t, p, "api.other@example.org", officials.RoleOfficial, "JO")
	otherTok, err := p.Officials.CreateAPIToken(ctx, other.ID, "theirs")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, p)
	r := c.api("GET", "/api/v1/me/sessions", tok, "")
	var got struct {
		Data []struct {
			ID     string           `json:"id"`
			Device officials.Device `json:"device"`
			Place  officials.Place  `json:"place"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil || r.Status != http.StatusOK || len(got.Data) != 1 {
		t.Fatalf("GET /api/v1/me/sessions: %d %s", r.Status, r.Body)
	}
	if d := got.Data[0]; d.Device.Browser != "Chrome" || d.Device.OS != "Android" || !d.Place.Local {
		t.Errorf("the session as the API shows it: %+v", d)
	}
	if r := c.api("DELETE", "/api/v1/me/sessions/"+got.Data[0].ID, otherTok, ""); r.Status != http.StatusNotFound {
		t.Errorf("someone else's token ends the session: %d, want 404", r.Status)
	}
	if r := c.api("DELETE", "/api/v1/me/sessions/"+got.Data[0].ID, tok, ""); r.Status != http.StatusOK || !strings.Contains(r.Body, `"data":[]`) {
		t.Errorf("end the session: %d %s", r.Status, r.Body)
	}
	if signedIn(t, b) {
		t.Error("after the API ended its session the browser is still logged in")
	}
	list, _ := p.Officials.APITokens(ctx, other.ID)
	if r := c.api("POST", "/api/v1/me/tokens/"+itoa(list[0].ID)+"/revoke", tok, ""); r.Status != http.StatusNotFound {
		t.Errorf("revoke someone else's token: %d, want 404", r.Status)
	}
	mine, _ := p.Officials.APITokens(ctx, o.ID)
	if r := c.api("POST", "/api/v1/me/tokens/"+itoa(mine[0].ID)+"/revoke", tok, ""); r.Status != http.StatusOK || !strings.Contains(r.Body, `"revoked_at":"`) {
		t.Errorf("revoke one's own token: %d %s", r.Status, r.Body)
	}
	if r := c.api("GET", "/api/v1/me/tokens", tok, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("the revoked token still works: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/me/tokens", otherTok, ""); r.Status != http.StatusOK || strings.Contains(r.Body, `"sync"`) {
		t.Errorf("another person's token list: %d, or it shows the caller's token", r.Status)
	}
}

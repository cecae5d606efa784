package web_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/platform"
)

// deadSMTP is an SMTP URL where nothing listens: every delivery fails.
func deadSMTP(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "smtp://" + addr + "?tls=none"
}

// movableClock is a clock the test moves.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movableClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func noticeTo(to string) mail.Message {
	return mail.Message{To: to, Lang: "ar", Template: "notice",
		Data: map[string]any{"Title": "إشعار", "Body": "نص الإشعار.", "Link": "https://masar.test/ar/"}}
}

func auditCount(t *testing.T, p *platform.Platform, action, subject string, actor int64) int {
	t.Helper()
	var n int
	if err := p.DB.R.QueryRow("SELECT count(*) FROM audit_log WHERE action = ? AND subject = ? AND actor_id = ?", action, subject, actor).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOutboxResendAndDiscard: staff discard a waiting message and send one again from the
// message's page; each is audited with who did it; the list and the page say the same
// status; a message that can no longer help is not resent; officials cannot do either.
func TestOutboxResendAndDiscard(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	staff, so := account(t, p, "staff@masar.test", "staff", "")
	official, _ := account(t, p, "amina@gov.jo", "official", "JO")
	id, err := p.Mailer.Enqueue(ctx, p.DB.W, noticeTo("karim@gov.jo"))
	if err != nil {
		t.Fatal(err)
	}
	page := "/ar/admin/outbox/" + itoa(id)
	r := staff.get(page)
	if r.Status != 200 || !strings.Contains(r.Body, "في انتظار الإرسال") || !strings.Contains(r.Body, "إلغاء الإرسال") || strings.Contains(r.Body, "إعادة الإرسال") {
		t.Fatalf("queued message page: %d\n%s", r.Status, r.Body)
	}
	if r := official.post(page+"/discard", nil); r.Status != http.StatusForbidden {
		t.Errorf("an official discarded a message: %d", r.Status)
	}
	if r := staff.post(page+"/discard", nil); r.Status != http.StatusSeeOther || r.Location != page {
		t.Fatalf("discard: %d → %s", r.Status, r.Location)
	}
	if it, _ := p.Mailer.Get(ctx, id); it.Status != mail.StatusDiscarded {
		t.Fatalf("after discard: %s", it.Status)
	}
	if n := auditCount(t, p, "outbox.discard", "outbox:"+itoa(id), so.ID); n != 1 {
		t.Errorf("%d audit entries for the discard", n)
	}
	r = staff.get(page)
	if !strings.Contains(r.Body, "أُلغي إرسالها") || !strings.Contains(r.Body, "إعادة الإرسال") {
		t.Errorf("discarded message page:\n%s", r.Body)
	}
	if list := staff.get("/ar/admin/outbox"); !strings.Contains(list.Body, "أُلغي إرسالها") {
		t.Errorf("the list does not say what the page says:\n%s", list.Body)
	}
	if r := staff.post(page+"/discard", nil); r.Status != http.StatusConflict || !strings.Contains(r.Body, "لا يُلغى إلا إرسال رسالة لا تزال تنتظر") {
		t.Errorf("second discard: %d", r.Status)
	}
	if r := staff.post(page+"/resend", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("resend: %d %s", r.Status, r.Body)
	}
	if it, _ := p.Mailer.Get(ctx, id); it.Status != mail.StatusQueued || it.Attempts != 0 {
		t.Fatalf("after resend: %+v", it)
	}
	if n := auditCount(t, p, "outbox.resend", "outbox:"+itoa(id), so.ID); n != 1 {
		t.Errorf("%d audit entries for the resend", n)
	}

	// A reset link past its hour is not sent again, and nothing is recorded.
	stale, err := p.Mailer.Enqueue(ctx, p.DB.W, mail.Message{To: "sara@gov.jo", Lang: "ar", Template: "reset",
		Data: map[string]any{"Link": "https://masar.test/ar/reset/x"}, UsefulUntil: time.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	r = staff.get("/ar/admin/outbox/" + itoa(stale))
	if !strings.Contains(r.Body, "انتهت صلاحيتها قبل أن يتسنّى إرسالها") || strings.Contains(r.Body, "إعادة الإرسال") {
		t.Errorf("expired message page:\n%s", r.Body)
	}
	if r := staff.post("/ar/admin/outbox/"+itoa(stale)+"/resend", nil); r.Status != http.StatusConflict {
		t.Errorf("resend of an expired link: %d", r.Status)
	}
	if n := auditCount(t, p, "outbox.resend", "outbox:"+itoa(stale), so.ID); n != 0 {
		t.Errorf("a refused resend was audited")
	}
}

type healthBody struct {
	Status string      `json:"status"`
	Mail   mail.Health `json:"mail"`
}

func healthz(t *testing.T, p *platform.Platform) healthBody {
	t.Helper()
	r := newClient(t, p).get("/healthz")
	var h healthBody
	if r.Status != 200 || json.Unmarshal([]byte(r.Body), &h) != nil {
		t.Fatalf("healthz: %d %s", r.Status, r.Body)
	}
	return h
}

// TestMailFailingAlert: when mail has been failing for an hour, /healthz says so in its
// detail (still 200: the platform serves) and admins see a banner on admin pages; staff
// and public pages do not carry it. Without SMTP, the banner says mail is not configured.
func TestMailFailingAlert(t *testing.T) {
	p := platformWith(t, func(c *config.Config) { c.SMTPURL = deadSMTP(t) })
	clk := &movableClock{t: time.Now().UTC()}
	p.Mailer.SetClock(clk.now)
	ctx := context.Background()
	admin, _ := account(t, p, "admin@masar.test", "admin", "")
	staff, _ := account(t, p, "staff@masar.test", "staff", "")
	const banner = "تعذّر إرسال البريد منذ"
	if _, err := p.Mailer.Enqueue(ctx, p.DB.W, noticeTo("karim@gov.jo")); err != nil {
		t.Fatal(err)
	}
	failedAt := clk.now()
	if _, err := p.Mailer.DeliverPending(ctx); err == nil {
		t.Fatal("delivery to a dead server succeeded")
	}
	clk.advance(30 * time.Minute)
	if h := healthz(t, p); h.Status != "ok" || h.Mail.Status != mail.HealthOK || h.Mail.Queued != 1 {
		t.Errorf("failing for 30 minutes: %+v", h)
	}
	if r := admin.get("/ar/admin/"); strings.Contains(r.Body, banner) {
		t.Error("banner after 30 minutes")
	}
	clk.advance(31 * time.Minute)
	h := healthz(t, p)
	if h.Status != "ok" || h.Mail.Status != mail.HealthFailing || h.Mail.Queued != 1 || h.Mail.Since == nil || !h.Mail.Since.Equal(failedAt.Truncate(time.Nanosecond)) {
		t.Errorf("failing for an hour: %+v (since %v, want %v)", h, h.Mail.Since, failedAt)
	}
	for _, path := range []string{"/ar/admin/", "/ar/admin/outbox"} {
		r := admin.get(path)
		if !strings.Contains(r.Body, banner) || !strings.Contains(r.Body, `role="alert"`) {
			t.Errorf("admin page %s has no banner", path)
		}
	}
	if r := admin.get("/en/admin/"); !strings.Contains(r.Body, "Mail has not been going out since") {
		t.Error("no banner in English")
	}
	if r := admin.get("/ar/"); strings.Contains(r.Body, banner) {
		t.Error("banner on a public page")
	}
	if r := staff.get("/ar/admin/outbox"); strings.Contains(r.Body, banner) {
		t.Error("banner shown to staff")
	}

	offline := newPlatform(t)
	if _, err := offline.Mailer.Enqueue(ctx, offline.DB.W, noticeTo("karim@gov.jo")); err != nil {
		t.Fatal(err)
	}
	if h := healthz(t, offline); h.Mail.Status != mail.HealthNotConfigured || h.Mail.Queued != 1 {
		t.Errorf("without SMTP: %+v", h)
	}
	oa, _ := account(t, offline, "admin@masar.test", "admin", "")
	if r := oa.get("/ar/admin/"); !strings.Contains(r.Body, "لم يُضبط خادم للبريد بعد") || !strings.Contains(r.Body, "رسالة واحدة") {
		t.Errorf("no not-configured notice for the admin:\n%s", r.Body)
	}
}

// TestNotificationPreferences: a person turns a category off on their page, or with one
// click from a mail's List-Unsubscribe link without logging in; a mail of that category is
// then not queued, transactional mail still is.
func TestNotificationPreferences(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	c, o := account(t, p, "amina@gov.jo", "official", "JO")
	r := c.get("/ar/me/notifications")
	if r.Status != 200 || !strings.Contains(r.Body, `dir="rtl"`) || strings.Count(r.Body, `type="checkbox"`) != 3 || strings.Count(r.Body, " checked") != 3 ||
		!strings.Contains(r.Body, "التذكير بورش العمل") {
		t.Fatalf("preferences page: %d\n%s", r.Status, r.Body)
	}
	if r := c.post("/ar/me/notifications", url.Values{"advisory": {"on"}, "workshop_changes": {"on"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	if r := c.get("/ar/me/notifications"); strings.Count(r.Body, " checked") != 2 {
		t.Errorf("after turning reminders off:\n%s", r.Body)
	}
	reminder := mail.Message{To: o.Email, Lang: "ar", Template: "workshop_reminder", Data: map[string]any{"Workshop": "ورشة", "Dates": "١٠ مارس",
		"Place": "عمّان", "Link": "https://masar.test/ar/workshops/1", "Days": 2, "TicketLink": "https://masar.test/ar/workshops/1/ticket"}}
	if id, err := p.Mailer.Enqueue(ctx, p.DB.W, reminder); err != nil || id != 0 {
		t.Errorf("reminder to someone who turned reminders off: %d %v", id, err)
	}
	if id, err := p.Mailer.Enqueue(ctx, p.DB.W, noticeTo(o.Email)); err != nil || id == 0 {
		t.Errorf("transactional notice: %d %v", id, err)
	}

	// One click from the mail client: no session, no form token, only the link's token.
	tok := p.Mailer.UnsubscribeToken(o.Email, mail.CategoryWorkshopChanges)
	req := httptest.NewRequest(http.MethodPost, "/unsubscribe/"+tok, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := newClient(t, p).do(req); r.Status != 200 {
		t.Fatalf("one-click unsubscribe: %d %s", r.Status, r.Body)
	}
	if prefs, _ := p.Mailer.Preferences(ctx, o.Email); prefs[mail.CategoryWorkshopChanges] || !prefs[mail.CategoryAdvisory] {
		t.Errorf("after one click: %v", prefs)
	}
	var n, withAddress int
	p.DB.R.QueryRow("SELECT count(*), count(*) FILTER (WHERE address_hash LIKE '%@%' OR address_hash LIKE '%gov.jo%') FROM mail_optouts").Scan(&n, &withAddress)
	if n != 2 || withAddress != 0 {
		t.Errorf("%d opt-outs, %d of them holding the address", n, withAddress)
	}
	forged := strings.Replace(tok, ".", ".A", 1)
	req = httptest.NewRequest(http.MethodPost, "/unsubscribe/"+forged, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := newClient(t, p).do(req); r.Status != http.StatusNotFound {
		t.Errorf("forged token: %d", r.Status)
	}

	// Following the link in a browser asks first: a GET changes nothing.
	adv := p.Mailer.UnsubscribeToken(o.Email, mail.CategoryAdvisory)
	anon := newClient(t, p)
	if r := anon.get("/unsubscribe/" + adv); r.Status != http.StatusFound || r.Location != "/ar/unsubscribe/"+adv {
		t.Fatalf("link: %d → %s", r.Status, r.Location)
	}
	r = anon.get("/ar/unsubscribe/" + adv)
	if r.Status != 200 || !strings.Contains(r.Body, "إيقاف هذه الإشعارات") || !strings.Contains(r.Body, "مستجدات طلبات الخدمات الاستشارية") {
		t.Fatalf("unsubscribe page: %d\n%s", r.Status, r.Body)
	}
	if prefs, _ := p.Mailer.Preferences(ctx, o.Email); !prefs[mail.CategoryAdvisory] {
		t.Error("opening the link unsubscribed")
	}
	if r := anon.post("/ar/unsubscribe/"+adv, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.Status)
	}
	if prefs, _ := p.Mailer.Preferences(ctx, o.Email); prefs[mail.CategoryAdvisory] {
		t.Error("confirmed, still subscribed")
	}
	if r := anon.get("/ar/unsubscribe/" + adv); !strings.Contains(r.Body, "استئناف هذه الإشعارات") {
		t.Errorf("no way back:\n%s", r.Body)
	}
	if r := anon.post("/ar/unsubscribe/"+adv, url.Values{"on": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("undo: %d", r.Status)
	}
	if prefs, _ := p.Mailer.Preferences(ctx, o.Email); !prefs[mail.CategoryAdvisory] {
		t.Error("undo did not take")
	}
	if r := anon.get("/ar/unsubscribe/" + forged); r.Status != http.StatusNotFound {
		t.Errorf("forged token page: %d", r.Status)
	}
}

// TestResetLinkMailExpiresWithTheLink: the reset mail is useful only as long as its link.
func TestResetLinkMailExpiresWithTheLink(t *testing.T) {
	p := newPlatform(t)
	_, o := account(t, p, "amina@gov.jo", "official", "JO")
	before := time.Now()
	if r := newClient(t, p).post("/ar/forgot", url.Values{"email": {o.Email}}); r.Status != http.StatusSeeOther {
		t.Fatalf("forgot: %d", r.Status)
	}
	items, _, err := p.Mailer.List(context.Background(), 1, 0)
	if err != nil || len(items) != 1 || items[0].Template != "reset" {
		t.Fatalf("outbox: %+v %v", items, err)
	}
	u := items[0].UsefulUntil
	if u == nil || u.Before(before.Add(time.Hour)) || u.After(time.Now().Add(time.Hour)) {
		t.Errorf("reset mail useful until %v, want an hour after the request", u)
	}
	// The confirmation of a new account lasts as long as its link: a week.
	before = time.Now()
	if r := newClient(t, p).post("/ar/register", registration("karim@gov.jo")); r.Status != http.StatusSeeOther {
		t.Fatalf("register: %d", r.Status)
	}
	items, _, _ = p.Mailer.List(context.Background(), 1, 0)
	if len(items) != 1 || items[0].Template != "confirm" {
		t.Fatalf("outbox: %+v", items)
	}
	week := 7 * 24 * time.Hour
	if u := items[0].UsefulUntil; u == nil || u.Before(before.Add(week)) || u.After(time.Now().Add(week)) {
		t.Errorf("confirmation useful until %v, want a week after registering", u)
	}
}

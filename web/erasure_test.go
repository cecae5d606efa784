package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

var undoLinkRe = regexp.MustCompile(`/(ar|en|fr)/erasure/undo/([A-Za-z0-9_-]{20,})`)

// lastMail returns the text of the newest message of template tmpl to address ("" if none).
func lastMail(t *testing.T, p *platform.Platform, tmpl, address string) string {
	t.Helper()
	var body string
	err := p.DB.R.QueryRow("SELECT coalesce(recipient_text, text_body) FROM outbox WHERE template = ? AND to_email = ? ORDER BY id DESC LIMIT 1", tmpl, address).Scan(&body)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	return body
}

// later moves the accounts' clock (the erasure schedule's) forward by d from now.
func later(p *platform.Platform, d time.Duration) {
	p.Officials.SetClock(func() time.Time { return time.Now().Add(d) })
}

// TestOwnDeletionWaitsAndCanBeUndone: deleting one's account suspends it (signed out, API
// token refused, login explains) without erasing anything; the mailed link undoes it and the
// account works again, tokens included; the link works once; the erasure then never comes.
func TestOwnDeletionWaitsAndCanBeUndone(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	c, o := account(t, p, "second.thoughts@example.org", officials.RoleOfficial, "JO")
	tok, err := p.Officials.CreateAPIToken(ctx, o.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	if r := c.get("/en/me/delete"); r.Status != 200 || !strings.Contains(r.Body, "14 days") {
		t.Errorf("the deletion page does not state the grace period: %d", r.Status)
	}
	if r := c.post("/en/me/delete", url.Values{"password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := c.get("/en/me"); r.Status != http.StatusSeeOther {
		t.Errorf("still signed in after asking for deletion: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/me", tok, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("API token still works during the grace period: %d", r.Status)
	}
	if got, _ := p.Officials.Get(ctx, o.ID); got == nil || got.DeletedAt != nil || got.NameLatin != "Sara Khaled" {
		t.Fatalf("erased at once instead of after the grace period: %+v", got)
	}
	// Login: the right password is told why and until when; a wrong one learns nothing.
	r := newClient(t, p).post("/en/login", url.Values{"email": {o.Email}, "password": {"correct horse battery"}})
	due := time.Now().Add(config.DefaultErasureGrace)
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "scheduled for erasure") && !strings.Contains(r.Body, "will be erased on") ||
		!strings.Contains(r.Body, i18n.FormatDate("en", due)) {
		t.Errorf("login during the grace period: %d, want 403 naming the date %s", r.Status, i18n.FormatDate("en", due))
	}
	if r := newClient(t, p).post("/en/login", url.Values{"email": {o.Email}, "password": {"wrong password here"}}); strings.Contains(r.Body, "erased") {
		t.Error("a wrong password learns that the account is to be erased")
	}
	// The mail, in the account's language (Arabic), with the date and the undo link.
	body := lastMail(t, p, "erasure_scheduled", o.Email)
	m := undoLinkRe.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, i18n.FormatDate("ar", due)) {
		t.Fatalf("no confirmation mail with the date and an undo link: %q", body)
	}
	link := "/en/erasure/undo/" + m[2]
	anon := newClient(t, p)
	if r := anon.get(link); r.Status != 200 || !strings.Contains(r.Body, i18n.FormatDate("en", due)) {
		t.Fatalf("undo page: %d", r.Status)
	}
	if r := anon.post(link, nil); r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/en/login") {
		t.Fatalf("undo: %d %s", r.Status, r.Location)
	}
	if r := anon.get(link); r.Status != http.StatusGone {
		t.Errorf("the undo link works twice: %d", r.Status)
	}
	if r := newClient(t, p).post("/en/login", url.Values{"email": {o.Email}, "password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Errorf("login after undo: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/me", tok, ""); r.Status != http.StatusOK {
		t.Errorf("API token not restored by the undo: %d", r.Status)
	}
	later(p, config.DefaultErasureGrace+time.Hour)
	if err := p.PrivacyUpkeep(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Officials.Get(ctx, o.ID); got == nil || got.DeletedAt != nil {
		t.Error("erased although the deletion was undone")
	}
}

// TestOwnDeletionErasedWhenDue: the erasure waits for the end of the grace period, then
// happens; the undo link is dead afterwards.
func TestOwnDeletionErasedWhenDue(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	c, o := account(t, p, "leaving.soon@example.org", officials.RoleOfficial, "JO")
	if r := c.post("/ar/me/delete", url.Values{"password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	m := undoLinkRe.FindStringSubmatch(lastMail(t, p, "erasure_scheduled", o.Email))
	if m == nil {
		t.Fatal("no undo link mailed")
	}
	later(p, config.DefaultErasureGrace-time.Hour)
	if err := p.PrivacyUpkeep(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Officials.Get(ctx, o.ID); got.DeletedAt != nil {
		t.Fatal("erased before the end of the grace period")
	}
	later(p, config.DefaultErasureGrace+time.Minute)
	if err := p.PrivacyUpkeep(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := p.Officials.Get(ctx, o.ID)
	if got.DeletedAt == nil || got.Email != "" || got.NameAr != "" {
		t.Fatalf("not erased once due: %+v", got)
	}
	if r := newClient(t, p).get("/ar/erasure/undo/" + m[2]); r.Status != http.StatusGone {
		t.Errorf("undo link after the erasure: %d", r.Status)
	}
	entries, _, _ := audit.List(ctx, p.DB, audit.Filter{Action: "official.delete"})
	if len(entries) != 1 || entries[0].To != officials.ReasonOwnRequest {
		t.Errorf("deletion record: %+v", entries)
	}
}

// marker is in everything personal that the erased person leaves: name, job title, address,
// the motivation they wrote, and so in the mails they received.
const marker = "Zqxvmark"

// TestErasureOnRequestErasesEverything: staff erase an official who asked by letter. Their
// mails and attachments, their e-mail and names in the audit log, the motivations they wrote,
// their seats and applications at coming workshops go (the seat goes to the next on the
// waiting list); their past participation stays. Nothing of them is left in the database
// file or its write-ahead log.
func TestErasureOnRequestErasesEverything(t *testing.T) {
	p := newPlatform(t)
	wsClock(p) // 1 February 2026
	ctx := context.Background()
	staffC, staff := account(t, p, "secretariat@example.org", officials.RoleStaff, "")
	in := officials.Input{Email: strings.ToLower(marker) + ".leaving@example.org", Password: "correct horse battery", NameAr: "سارة خالد",
		NameLatin: marker + " Leaving", JobTitle: marker + " analyst", Organisation: "Ministry", Country: "JO", Sector: "central_government",
		Gender: "female", Language: "en"}
	o, err := p.Officials.Create(ctx, audit.Actor{Email: "test"}, in, officials.RoleOfficial)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := person(t, p, "next.in.line@example.org", officials.RoleOfficial, "JO")
	sys := audit.Actor{Email: "test"}
	workshop := func(start, end string, capacity int) *workshops.Workshop {
		w, err := p.Workshops.Create(ctx, sys, workshops.Input{Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data"},
			Kind: workshops.KindNational, Phases: []int{1}, HostCountry: "JO", City: "Amman", StartDate: start, EndDate: end,
			Languages: []string{"ar"}, Capacity: capacity, Hours: 6})
		if err != nil {
			t.Fatal(err)
		}
		if w, err = p.Workshops.SetStatus(ctx, sys, w.ID, workshops.StatusPublished); err != nil {
			t.Fatal(err)
		}
		return w
	}
	move := func(r *workshops.Registration, action string) {
		t.Helper()
		if _, err := p.Workshops.Transition(ctx, staff, r.ID, action); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	apply := func(who *officials.Official, w *workshops.Workshop) *workshops.Registration {
		t.Helper()
		motivation := "Our unit publishes the budget data."
		if who.ID == o.ID {
			motivation = "Call me on +962 79 " + marker + " about our portal."
		}
		r, err := p.Workshops.Apply(ctx, who, w.ID, motivation)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	past := workshop("2026-02-10", "2026-02-11", 10)
	full := workshop("2026-03-10", "2026-03-11", 1)
	later := workshop("2026-03-20", "2026-03-21", 10)
	pastReg := apply(o, past)
	move(pastReg, workshops.ActApprove)
	seat := apply(o, full)
	move(seat, workshops.ActApprove)
	waiting := apply(next, full)
	move(waiting, workshops.ActWaitlist)
	pending := apply(o, later)
	// A mail with an attachment (as a certificate's PDF), and a staff edit of the profile.
	if _, err := p.Mailer.Enqueue(ctx, p.DB.W, mail.Message{To: o.Email, Name: o.NameLatin, Lang: "en", Template: "confirm",
		Data:        map[string]any{"Link": "https://masar.test/en/confirm/x"},
		Attachments: []mail.Attachment{{Filename: "certificate.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 " + marker)}}}); err != nil {
		t.Fatal(err)
	}
	edited := in
	edited.JobTitle = marker + " director"
	if _, err := p.Officials.UpdateProfile(ctx, audit.Actor{ID: staff.ID, Email: staff.Email}, o.ID, edited); err != nil {
		t.Fatal(err)
	}
	// The past workshop has taken place.
	p.Workshops.SetClock(func() time.Time { return time.Date(2026, 2, 12, 9, 0, 0, 0, time.UTC) })
	if n := count(t, p, "SELECT count(*) FROM outbox WHERE to_email = ?", o.Email); n < 3 {
		t.Fatalf("the person has %d mails before the erasure; the test needs some", n)
	}

	// The person turned a kind of notice off: the preference names their address (hashed).
	if err := p.Mailer.SetPreference(ctx, p.DB.W, o.Email, "reminders", false); err != nil {
		t.Fatal(err)
	}
	if n := count(t, p, "SELECT count(*) FROM mail_optouts"); n != 1 {
		t.Fatalf("%d opt-outs stored", n)
	}

	// A focal point and a trainer may not; staff may, with a reason and the confirmation.
	page := "/en/admin/officials/" + itoa(o.ID)
	form := url.Values{"reason": {"Written request received on 3 December."}, "confirm": {"1"}}
	if r := staffC.get(page); r.Status != 200 || !strings.Contains(r.Body, "Erase the account for good") {
		t.Fatalf("no erasure form on the account's admin page: %d", r.Status)
	}
	if r := staffC.post(page+"/erase", url.Values{"confirm": {"1"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Give the reason") {
		t.Errorf("erasure without a reason: %d", r.Status)
	}
	if r := staffC.post(page+"/erase", url.Values{"reason": form["reason"]}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("erasure without the confirmation: %d", r.Status)
	}
	if got, _ := p.Officials.Get(ctx, o.ID); got.DeletedAt != nil {
		t.Fatal("erased by a refused form")
	}
	if r := staffC.post(page+"/erase", url.Values{"reason": form["reason"], "confirm": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("erasure: %d %s", r.Status, r.Body)
	}

	got, _ := p.Officials.Get(ctx, o.ID)
	if got.DeletedAt == nil || got.Email != "" || got.NameLatin != "" || got.JobTitle != "" {
		t.Fatalf("profile not emptied: %+v", got)
	}
	if n := count(t, p, "SELECT count(*) FROM outbox WHERE lower(to_email) = ?", strings.ToLower(in.Email)); n != 0 {
		t.Errorf("%d mails to the erased person remain", n)
	}
	if n := count(t, p, "SELECT count(*) FROM outbox_attachments WHERE outbox_id NOT IN (SELECT id FROM outbox)"); n != 0 {
		t.Errorf("%d attachments remain without their mail", n)
	}
	if n := count(t, p, "SELECT count(*) FROM mail_optouts"); n != 0 {
		t.Errorf("the erased person's notification preferences remain (%d)", n)
	}
	// The audit log still tells what happened, under a pseudonym.
	var pseudonym string
	if err := p.DB.R.QueryRow("SELECT pseudonym FROM officials WHERE id = ?", o.ID).Scan(&pseudonym); err != nil || !strings.HasPrefix(pseudonym, "person-") {
		t.Fatalf("pseudonym %q (%v)", pseudonym, err)
	}
	if n := count(t, p, "SELECT count(*) FROM audit_log WHERE actor_email LIKE ? OR from_value LIKE ? OR to_value LIKE ?",
		"%"+marker+"%", "%"+marker+"%", "%"+marker+"%"); n != 0 {
		t.Errorf("%d audit entries still name the person", n)
	}
	if n := count(t, p, "SELECT count(*) FROM audit_log WHERE actor_id = ? AND actor_email = ?", o.ID, pseudonym); n == 0 {
		t.Error("the person's own actions lost their actor instead of carrying the pseudonym")
	}
	if n := count(t, p, "SELECT count(*) FROM audit_log WHERE subject = ? AND field = 'job_title' AND to_value = ?", "official:"+itoa(o.ID), pseudonym); n != 1 {
		t.Error("staff's edit of the profile is not kept under the pseudonym")
	}
	entries, _, _ := audit.List(ctx, p.DB, audit.Filter{Action: "official.delete"})
	if len(entries) != 1 || entries[0].ActorID != staff.ID || entries[0].To != form.Get("reason") {
		t.Errorf("the erasure is not recorded with its actor and reason: %+v", entries)
	}
	// Workshops: motivations emptied, coming seat released and offered on, pending withdrawn,
	// past participation kept.
	if n := count(t, p, "SELECT count(*) FROM registrations WHERE motivation LIKE ?", "%"+marker+"%"); n != 0 {
		t.Errorf("%d motivations the person wrote are kept", n)
	}
	if n := count(t, p, "SELECT count(*) FROM registrations WHERE motivation <> ''"); n != 1 {
		t.Errorf("%d motivations left, want the next person's one", n)
	}
	status := func(r *workshops.Registration) string {
		x, err := p.Workshops.Registration(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return x.Status
	}
	for _, c := range []struct {
		what string
		reg  *workshops.Registration
		want string
	}{{"seat at a coming workshop", seat, workshops.RegCancelled}, {"pending application", pending, workshops.RegCancelled},
		{"participation in a past workshop", pastReg, workshops.RegConfirmed}, {"next on the waiting list", waiting, workshops.RegOffered}} {
		if got := status(c.reg); got != c.want {
			t.Errorf("%s: %s, want %s", c.what, got, c.want)
		}
	}
	if lastMail(t, p, "workshop_offered", next.Email) == "" {
		t.Error("the next on the waiting list was not told of the freed seat")
	}
	if r := staffC.post("/en/registrations/"+itoa(pending.ID)+"/approve", nil); r.Status == http.StatusSeeOther {
		t.Error("the withdrawn application can still be approved")
	}

	// Nothing of the person is left in the file or the log, nor in the name index.
	if p.DB.Dialect() == store.Postgres {
		if n := count(t, p, "SELECT count(*) FROM officials_fts WHERE body ILIKE ?", "%"+marker+"%"); n != 0 {
			t.Errorf("the name index still finds the person (%d)", n)
		}
		// What follows reads SQLite's file and FTS5's pages; PostgreSQL's are the server's.
		return
	}
	if n := count(t, p, "SELECT count(*) FROM officials_fts WHERE officials_fts MATCH ?", `"`+marker+`"`); n != 0 {
		t.Errorf("the name index still finds the person (%d)", n)
	}
	// The trigram index keeps terms, not text: none of the marker's own trigrams may be left
	// in its pages (as they are behind a mere delete marker without FTS5's secure-delete).
	for _, tri := range []string{"zqx", "qxv", "xvm"} {
		if n := count(t, p, "SELECT count(*) FROM officials_fts_data WHERE instr(block, CAST(? AS BLOB)) > 0", tri); n != 0 {
			t.Errorf("the name index still holds the trigram %q of the erased name in %d pages", tri, n)
		}
	}
	for _, f := range []string{p.DB.Path(), p.DB.Path() + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, v := range []string{marker, strings.ToLower(marker), in.Email} {
			if i := bytes.Index(b, []byte(v)); i >= 0 {
				t.Errorf("%s still holds %q at byte %d: …%q…", f, v, i, b[max(0, i-40):min(len(b), i+40)])
			}
		}
	}
}

func count(t *testing.T, p *platform.Platform, q string, args ...any) int {
	t.Helper()
	var n int
	if err := p.DB.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestErasureOnRequestLimits: only an admin erases staff; nobody erases themselves here.
func TestErasureOnRequestLimits(t *testing.T) {
	p := newPlatform(t)
	staffC, staff := account(t, p, "staff.one@example.org", officials.RoleStaff, "")
	_, other := account(t, p, "staff.two@example.org", officials.RoleStaff, "")
	adminC, admin := account(t, p, "admin.one@example.org", officials.RoleAdmin, "")
	form := func() url.Values { return url.Values{"reason": {"Asked by letter."}, "confirm": {"1"}} } // post fills in its form token
	staffC.get("/en/me/password")                                                                     // a page with a form, for the form token
	adminC.get("/en/me/password")
	if r := staffC.post("/en/admin/officials/"+itoa(other.ID)+"/erase", form()); r.Status != http.StatusForbidden {
		t.Errorf("staff erase staff: %d", r.Status)
	}
	if r := staffC.get("/en/admin/officials/" + itoa(other.ID)); r.Status != 200 || strings.Contains(r.Body, "/erase") {
		t.Errorf("staff are offered a form to erase another staff member (%d)", r.Status)
	}
	if r := staffC.post("/en/admin/officials/"+itoa(admin.ID)+"/erase", form()); r.Status != http.StatusForbidden {
		t.Errorf("staff erase an admin: %d", r.Status)
	}
	if r := adminC.post("/en/admin/officials/"+itoa(admin.ID)+"/erase", form()); r.Status != http.StatusConflict {
		t.Errorf("admin erases themselves from the admin page: %d %s", r.Status, r.Body)
	}
	if r := adminC.post("/en/admin/officials/"+itoa(staff.ID)+"/erase", form()); r.Status != http.StatusSeeOther {
		t.Errorf("admin erases staff: %d", r.Status)
	}
	if r := staffC.get("/en/me"); r.Status != http.StatusSeeOther {
		t.Errorf("the erased staff member is still signed in: %d", r.Status)
	}
	// The API does the same, with the same rules.
	_, staffTok := person(t, p, "staff.three@example.org", officials.RoleStaff, "")
	target, _ := person(t, p, "by.api@example.org", officials.RoleOfficial, "JO")
	api := newClient(t, p)
	if r := api.api("POST", "/api/v1/officials/"+itoa(target.ID)+"/erase", staffTok, `{}`); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("API erasure without a reason: %d", r.Status)
	}
	if r := api.api("POST", "/api/v1/officials/"+itoa(other.ID)+"/erase", staffTok, `{"reason": "Asked by letter."}`); r.Status != http.StatusForbidden {
		t.Errorf("API: staff erase staff: %d", r.Status)
	}
	if r := api.api("POST", "/api/v1/officials/"+itoa(target.ID)+"/erase", staffTok, `{"reason": "Asked by letter."}`); r.Status != http.StatusOK {
		t.Fatalf("API erasure: %d %s", r.Status, r.Body)
	}
	if got, _ := p.Officials.Get(context.Background(), target.ID); got.DeletedAt == nil || got.Email != "" {
		t.Error("the API erasure erased nothing")
	}
}

// TestRetentionPurge: mail past MASAR_MAIL_RETENTION and audit entries past
// MASAR_AUDIT_RETENTION go in the periodic upkeep; younger ones stay.
func TestRetentionPurge(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, o := account(t, p, "keeps.mail@example.org", officials.RoleOfficial, "JO")
	enqueue := func(sentDaysAgo int) int64 {
		id, err := p.Mailer.Enqueue(ctx, p.DB.W, mail.Message{To: o.Email, Lang: "en", Template: "confirm",
			Data: map[string]any{"Link": "https://masar.test/x"}, Attachments: []mail.Attachment{{Filename: "a.pdf", Data: []byte("%PDF")}}})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().AddDate(0, 0, -sentDaysAgo).UTC().Format("2006-01-02T15:04:05.000000000Z")
		if _, err := p.DB.W.Exec("UPDATE outbox SET created_at = ?, sent_at = ?, next_attempt_at = NULL WHERE id = ?", at, at, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	oldMail, newMail := enqueue(181), enqueue(179)
	record := func(daysAgo int) {
		at := time.Now().AddDate(0, 0, -daysAgo).UTC().Format("2006-01-02T15:04:05.000000000Z")
		if _, err := p.DB.W.Exec("INSERT INTO audit_log(at, actor_email, action, subject) VALUES(?, 'staff@example.org', 'test.retention', ?)",
			at, "days:"+itoa(int64(daysAgo))); err != nil {
			t.Fatal(err)
		}
	}
	record(731)
	record(729)
	if err := p.PrivacyUpkeep(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Mailer.Get(ctx, oldMail); err == nil {
		t.Error("a mail sent 181 days ago is still kept (retention 180 days)")
	}
	if _, err := p.Mailer.Get(ctx, newMail); err != nil {
		t.Errorf("a mail sent 179 days ago is gone: %v", err)
	}
	if n := count(t, p, "SELECT count(*) FROM outbox_attachments"); n != 1 {
		t.Errorf("%d attachments, want the kept mail's one", n)
	}
	if n := count(t, p, "SELECT count(*) FROM audit_log WHERE action = 'test.retention' AND subject = 'days:731'"); n != 0 {
		t.Error("an audit entry of 731 days is still kept (retention 730 days)")
	}
	if n := count(t, p, "SELECT count(*) FROM audit_log WHERE action = 'test.retention' AND subject = 'days:729'"); n != 1 {
		t.Error("an audit entry of 729 days is gone")
	}
}

// TestPrivacyPage: the notice exists in the three languages, states the configured periods
// (not fixed ones), and is linked from every page's footer and from the registration form.
func TestPrivacyPage(t *testing.T) {
	p := platformWith(t, func(cfg *config.Config) {
		cfg.ErasureGrace, cfg.MailRetention, cfg.AuditRetention = 7*config.Day, 90*config.Day, 400*config.Day
		cfg.PrivacyContact = "privacy@programme.example.org"
	})
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, p)
	for _, l := range i18n.Langs {
		r := c.get("/" + l + "/privacy")
		if r.Status != 200 {
			t.Fatalf("%s: %d", l, r.Status)
		}
		for _, want := range []string{cat.T(l, "privacy.title"), cat.T(l, "privacy.controller"),
			cat.T(l, "privacy.retention.mail", "period", cat.N(l, "erasure.days", 90)),
			cat.T(l, "privacy.retention.audit", "period", cat.N(l, "erasure.days", 400)),
			cat.T(l, "privacy.rights.delete.what", "period", cat.N(l, "erasure.days", 7)), "privacy@programme.example.org"} {
			if !strings.Contains(r.Body, html.EscapeString(want)) {
				t.Errorf("%s privacy page lacks %q", l, want)
			}
		}
		for _, right := range []string{"/me/export", "/me/edit", "/me/delete"} {
			if !strings.Contains(r.Body, `href="/`+l+right+`"`) {
				t.Errorf("%s privacy page does not link to %s", l, right)
			}
		}
		for _, from := range []string{"/" + l + "/", "/" + l + "/register"} {
			if r := c.get(from); !strings.Contains(r.Body, `href="/`+l+`/privacy"`) {
				t.Errorf("%s does not link to the privacy page", from)
			}
		}
	}
	if r := c.get("/en/privacy"); !strings.Contains(r.Body, "90 days") || !strings.Contains(r.Body, "400 days") || !strings.Contains(r.Body, "7 days") {
		t.Error("the English notice does not state the configured periods")
	}
}

// TestOwnDeletionThroughTheAPI: the API asks for the password too, and schedules the same
// erasure, with its mail; the token stops working at once.
func TestOwnDeletionThroughTheAPI(t *testing.T) {
	p := newPlatform(t)
	_, o := account(t, p, "api.leaver@example.org", officials.RoleOfficial, "JO")
	tok, err := p.Officials.CreateAPIToken(context.Background(), o.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, p)
	if r := c.api("POST", "/api/v1/me/delete", tok, `{"password": "not my password"}`); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"password"`) {
		t.Errorf("wrong password: %d %s", r.Status, r.Body)
	}
	r := c.api("POST", "/api/v1/me/delete", tok, `{"password": "correct horse battery"}`)
	if r.Status != http.StatusAccepted || !strings.Contains(r.Body, `"erasure_due":"`) {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := c.api("GET", "/api/v1/me", tok, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("the token still works: %d", r.Status)
	}
	if undoLinkRe.FindString(lastMail(t, p, "erasure_scheduled", o.Email)) == "" {
		t.Error("no mail with the undo link")
	}
	if got, _ := p.Officials.Get(context.Background(), o.ID); got.DeletedAt != nil {
		t.Error("erased at once")
	}
}

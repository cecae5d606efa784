package mail

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	return db
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func newMailer(t *testing.T, db *store.DB, cfg Config) *Mailer {
	t.Helper()
	m, err := New(db, cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func confirmMsg(to, name, lang string) Message {
	return Message{To: to, Name: name, Lang: lang, Template: "confirm",
		Data: map[string]any{"Link": "https://masar.test/" + lang + "/confirm?t=abc"}}
}

func TestEnqueueLanguages(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	m := newMailer(t, db, Config{BaseURL: "https://masar.test/"})
	const evil = `<script>alert(1)</script>`
	tests := []struct {
		lang, wantLang, wantDir, wantSubject, wantGreeting string
	}{
		{"ar", "ar", "rtl", "تأكيد بريدك الإلكتروني", "مرحبًا"},
		{"en", "en", "ltr", "Confirm your e-mail address", "Hello"},
		{"fr", "fr", "ltr", "Confirmez votre adresse", "Bonjour"},
		{"fr-FR", "fr", "ltr", "Confirmez votre adresse", "Bonjour"},
		{"de", "ar", "rtl", "تأكيد بريدك الإلكتروني", "مرحبًا"},
		{"", "ar", "rtl", "تأكيد بريدك الإلكتروني", "مرحبًا"},
	}
	subjects := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			id, err := m.Enqueue(ctx, db.W, confirmMsg("amina@gov.test", "Amina "+evil, tt.lang))
			if err != nil {
				t.Fatal(err)
			}
			it, err := m.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if it.Lang != tt.wantLang || it.Template != "confirm" || it.To != "amina@gov.test" || it.Status != StatusQueued {
				t.Errorf("stored lang=%q template=%q to=%q status=%q", it.Lang, it.Template, it.To, it.Status)
			}
			if !strings.Contains(it.Subject, tt.wantSubject) {
				t.Errorf("subject %q, want it to contain %q", it.Subject, tt.wantSubject)
			}
			subjects[it.Subject] = true
			if want := `<html lang="` + tt.wantLang + `" dir="` + tt.wantDir + `">`; !strings.Contains(it.HTML, want) {
				t.Errorf("HTML lacks %s:\n%s", want, it.HTML)
			}
			if strings.Contains(it.HTML, "<script") || !strings.Contains(it.HTML, "&lt;script&gt;") {
				t.Errorf("name not escaped in HTML:\n%s", it.HTML)
			}
			if !strings.Contains(it.HTML, `href="https://masar.test/`+tt.lang) && tt.lang == tt.wantLang {
				t.Errorf("HTML lacks the link:\n%s", it.HTML)
			}
			for _, part := range []string{it.Text, it.HTML} {
				if !strings.Contains(part, tt.wantGreeting) {
					t.Errorf("body lacks %q:\n%s", tt.wantGreeting, part)
				}
			}
			if !strings.Contains(it.Text, "Amina "+evil) || !strings.Contains(it.Text, "https://masar.test/"+tt.wantLang+"/") {
				t.Errorf("text part lacks the name or the footer link:\n%s", it.Text)
			}
			brand := "Masar"
			if tt.wantLang == "ar" {
				brand = "مسار"
			}
			if !strings.Contains(it.HTML, brand) || !strings.Contains(it.Text, brand) {
				t.Errorf("footer does not name %s", brand)
			}
		})
	}
	if len(subjects) != 3 {
		t.Errorf("want one subject per language, got %v", subjects)
	}
}

func TestEnqueueInRolledBackTransaction(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	m := newMailer(t, db, Config{})
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		msg := confirmMsg("amina@gov.test", "أمينة", "ar")
		msg.Attachments = []Attachment{{Filename: "a.txt", ContentType: "text/plain", Data: []byte("x")}}
		if _, err := m.Enqueue(ctx, tx, msg); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx = %v", err)
	}
	if _, total, err := m.List(ctx, 10, 0); err != nil || total != 0 {
		t.Fatalf("after rollback: total=%d err=%v, want an empty outbox", total, err)
	}
	var n int
	if err := db.R.QueryRow("SELECT count(*) FROM outbox_attachments").Scan(&n); err != nil || n != 0 {
		t.Fatalf("attachments after rollback: %d %v", n, err)
	}

	err = db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := m.Enqueue(ctx, tx, confirmMsg("amina@gov.test", "أمينة", "ar"))
		return err
	})
	if _, total, _ := m.List(ctx, 10, 0); err != nil || total != 1 {
		t.Fatalf("after commit: total=%d err=%v", total, err)
	}
}

func TestEnqueueRejects(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	m := newMailer(t, db, Config{})
	tests := []struct {
		name string
		msg  Message
		is   error
	}{
		{"empty address", confirmMsg("", "", "en"), ErrInvalidAddress},
		{"no at sign", confirmMsg("amina.gov.test", "", "en"), ErrInvalidAddress},
		{"name and address", confirmMsg("Amina <amina@gov.test>", "", "en"), ErrInvalidAddress},
		{"header injection", confirmMsg("amina@gov.test\r\nBcc: x@evil.test", "", "en"), ErrInvalidAddress},
		{"two addresses", confirmMsg("a@gov.test, b@gov.test", "", "en"), ErrInvalidAddress},
		{"unknown template", Message{To: "a@gov.test", Template: "nope"}, ErrUnknownTemplate},
		{"missing placeholder", Message{To: "a@gov.test", Name: "A", Template: "confirm", Lang: "fr"}, nil},
		{"attachment path", Message{To: "a@gov.test", Name: "A", Template: "confirm", Data: map[string]any{"Link": "https://x.test"},
			Attachments: []Attachment{{Filename: "../etc/passwd", Data: []byte("x")}}}, nil},
		{"attachment type", Message{To: "a@gov.test", Name: "A", Template: "confirm", Data: map[string]any{"Link": "https://x.test"},
			Attachments: []Attachment{{Filename: "a.ics", ContentType: "text/", Data: []byte("x")}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Enqueue(ctx, db.W, tt.msg)
			if err == nil {
				t.Fatal("Enqueue succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want %v", err, tt.is)
			}
			if !strings.HasPrefix(err.Error(), "mail: ") {
				t.Errorf("error %q is not prefixed with the package", err)
			}
		})
	}
	if _, total, _ := m.List(ctx, 10, 0); total != 0 {
		t.Fatalf("%d messages stored from bad input", total)
	}
}

func TestListAndGet(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	m := newMailer(t, db, Config{})
	var ids []int64
	for i, to := range []string{"a@gov.test", "b@gov.test", "c@gov.test"} {
		msg := confirmMsg(to, "", "en")
		if i == 1 {
			msg.Attachments = []Attachment{{Filename: "one.ics", Data: []byte("1")}, {Filename: "two.pdf", ContentType: "application/pdf", Data: []byte("2")}}
		}
		id, err := m.Enqueue(ctx, db.W, msg)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	items, total, err := m.List(ctx, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(items) != 2 || items[0].ID != ids[2] || items[1].ID != ids[1] {
		t.Fatalf("List(2, 0) = %d items (total %d), want the two newest of 3", len(items), total)
	}
	if got := items[1].Attachments; !slices.Equal(got, []string{"one.ics", "two.pdf"}) {
		t.Errorf("attachments %q", got)
	}
	if items[0].Attachments == nil || len(items[0].Attachments) != 0 {
		t.Errorf("attachments of a message without any: %#v, want []", items[0].Attachments)
	}
	items, _, _ = m.List(ctx, 2, 2)
	if len(items) != 1 || items[0].ID != ids[0] {
		t.Fatalf("List(2, 2) = %+v", items)
	}
	it, err := m.Get(ctx, ids[1])
	if err != nil || it.To != "b@gov.test" || len(it.Attachments) != 2 || it.CreatedAt.IsZero() || it.SentAt != nil {
		t.Fatalf("Get = %+v, %v", it, err)
	}
	if _, err := m.Get(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want store.ErrNotFound", err)
	}
}

// sampleData fills every template's placeholders; optional ones are listed apart, so that
// the test can check that leaving out any other one fails.
var sampleData = map[string]struct {
	data     map[string]any
	optional []string
}{
	"confirm": {map[string]any{"Name": "أمينة", "Link": "https://masar.test/ar/confirm?t=x"}, nil},
	"reset":   {map[string]any{"Name": "Amina", "Link": "https://masar.test/en/reset?t=x"}, nil},
	"register_taken": {map[string]any{"Name": "Amina", "LoginLink": "https://masar.test/en/login",
		"ResetLink": "https://masar.test/en/reset/x"}, nil},
	"welcome_claim": {map[string]any{"Name": "Amina", "By": "the focal point", "Link": "https://masar.test/claim?t=x", "Hours": 48}, []string{"Name"}},
	"notice": {map[string]any{"Name": "Amina", "Title": "Registration confirmed", "Body": "First paragraph.\n\nSecond <b>one</b>.",
		"Link": "https://masar.test/en/workshops/1", "LinkText": "See the workshop"}, []string{"Link", "LinkText"}},
	// Workshops (workshops/notify.go).
	"workshop_pending":       {workshopSample(map[string]any{"NominatedBy": "Sara Khaled"}), nil},
	"workshop_confirmed":     {workshopSample(map[string]any{"TicketLink": "https://masar.test/en/workshops/1/ticket"}), nil},
	"workshop_waitlisted":    {workshopSample(nil), nil},
	"workshop_offered":       {workshopSample(map[string]any{"Deadline": "12 March 2026, 17:00 (UTC+3)"}), nil},
	"workshop_rejected":      {workshopSample(nil), nil},
	"workshop_cancelled":     {workshopSample(nil), nil},
	"workshop_offer_expired": {workshopSample(nil), nil},
	"workshop_reminder":      {workshopSample(map[string]any{"Days": 3, "TicketLink": "https://masar.test/en/workshops/1/ticket"}), nil},
	"workshop_called_off":    {workshopSample(nil), nil},
	"workshop_changed": {workshopSample(map[string]any{"Changes": []struct{ Label, Old, New string }{
		{"Dates", "10–12 March 2026", "17–19 March 2026"}, {"Venue", "Le <Royal>", "—"}},
		"Confirmed": true, "CalendarLink": "https://masar.test/workshops/1.ics?lang=en"}), nil},
	// Advisory services (advisory/notify.go).
	"advisory_submitted": {advisorySample(nil), nil},
	"advisory_status": {advisorySample(map[string]any{"From": "Under review", "To": "Completed", "Status": "completed",
		"Reason": "Line one.\n\nLine <two>.", "RatingLink": "https://masar.test/en/advisory/7#rating"}), nil},
	"advisory_assigned": {advisorySample(map[string]any{"LeadExpert": "Dr Amal Nasser", "ResponseDue": "2026-05-01", "DeliveryDue": "",
		"Note": "The ministry asked for <more> time."}), nil},
	"advisory_comment":        {advisorySample(map[string]any{"Comment": "Could the mission start in May?\n\n<b>Thanks</b>"}), nil},
	"advisory_staff_new":      {advisorySample(map[string]any{"Due": "2027-01-02"}), nil},
	"advisory_staff_assigned": {advisorySample(map[string]any{"Owner": true, "Due": "2027-01-02"}), nil},
	"advisory_due":            {advisorySample(map[string]any{"Due": "2027-01-02", "Passed": true, "Step": "response", "By": nil}), []string{"By"}},
	"advisory_step": {map[string]any{"Name": "Amina", "Title": "Advisory request no. 7: mission scheduled in <Irbid>",
		"Body": "A mission is scheduled.\n\nIts agenda is on the page.", "Link": "https://masar.test/en/advisory/7#timeline"}, nil},
	"advisory_followup": {map[string]any{"Name": "Amina", "ID": int64(7), "Country": "Jordan", "RequestingBody": "Ministry of <Digital> Economy",
		"Link": "https://masar.test/en/advisory/7/follow-up"}, nil},
	// Workshop surveys (surveys/mail.go).
	"survey_invitation": {map[string]any{"Name": "Amina", "Workshop": "Open data <portals>", "Kind": "pre_test", "Anonymous": true,
		"Link": "https://masar.test/en/surveys/3", "Closes": "12 March 2026, 10:30 (UTC+3)"}, nil},
	"survey_reminder": {map[string]any{"Name": "Amina", "Workshop": "Open data <portals>", "Kind": "satisfaction", "Anonymous": false,
		"Link": "https://masar.test/en/surveys/4", "Closes": ""}, nil},
	// Certificates (certificates/issue.go).
	"certificate_issued": {map[string]any{"Name": "Amina", "Title": "Open <government> data", "Kind": "course", "Code": "7K3M-9QXD-2B4T-F",
		"Link": "https://masar.test/en/me/certificates", "VerifyURL": "https://masar.test/verify/7K3M-9QXD-2B4T-F", "Reissued": false}, nil},
	"certificate_revoked": {map[string]any{"Name": "Amina", "Title": "Open government data", "Code": "7K3M-9QXD-2B4T-F",
		"Reason": "Issued to the wrong <account>.", "VerifyURL": "https://masar.test/verify/7K3M-9QXD-2B4T-F"}, nil},
}

// advisorySample is the data every advisory message receives, plus extra.
func advisorySample(extra map[string]any) map[string]any {
	m := map[string]any{"Name": "Amina", "ID": int64(7), "Country": "Jordan", "RequestingBody": "Ministry of <Digital> Economy",
		"By": "Sara Khaled (programme team)", "Link": "https://masar.test/en/advisory/7"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// workshopSample is the data every workshop message receives, plus extra.
func workshopSample(extra map[string]any) map[string]any {
	m := map[string]any{"Name": "Amina", "Workshop": "Open data <portals>", "Dates": "10–12 March 2026",
		"Place": "Amman, Jordan", "Link": "https://masar.test/en/workshops/1"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestTemplates(t *testing.T) {
	db := openDB(t)
	m := newMailer(t, db, Config{})
	names := m.Templates()
	for _, want := range []string{"confirm", "notice", "reset", "welcome_claim"} {
		if !slices.Contains(names, want) {
			t.Errorf("Templates() = %q lacks %s", names, want)
		}
	}
	for _, name := range names {
		sample, ok := sampleData[name]
		if !ok {
			t.Errorf("template %s has no sample data in this test: add it to sampleData", name)
			continue
		}
		for _, lang := range []string{"ar", "en", "fr"} {
			t.Run(name+"."+lang, func(t *testing.T) {
				r, err := m.tmpls.render(name, lang, "https://masar.test", sample.data, footerOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if r.subject == "" || strings.Contains(r.subject, "\n") || r.text == "" {
					t.Errorf("subject %q, text %q", r.subject, r.text)
				}
				if strings.Contains(r.text, "<no value>") || strings.Contains(r.html, "<no value>") || strings.Contains(r.html, "ZgotmplZ") {
					t.Errorf("a placeholder rendered badly:\n%s\n%s", r.text, r.html)
				}
				if !strings.Contains(r.html, `dir="`+map[string]string{"ar": "rtl", "en": "ltr", "fr": "ltr"}[lang]+`"`) {
					t.Errorf("HTML has the wrong direction")
				}
				if link, ok := sample.data["Link"].(string); ok && (!strings.Contains(r.text, link) || !strings.Contains(r.html, `href="`+link+`"`)) {
					t.Errorf("link %s missing from text or HTML", link)
				}
				for key := range sample.data {
					if slices.Contains(sample.optional, key) {
						continue
					}
					without := map[string]any{}
					for k, v := range sample.data {
						if k != key {
							without[k] = v
						}
					}
					if _, err := m.tmpls.render(name, lang, "", without, footerOptions{}); err == nil {
						t.Errorf("rendered without .%s", key)
					}
				}
				bare := map[string]any{}
				for k, v := range sample.data {
					if !slices.Contains(sample.optional, k) {
						bare[k] = v
					}
				}
				if _, err := m.tmpls.render(name, lang, "", bare, footerOptions{}); err != nil {
					t.Errorf("without the optional placeholders: %v", err)
				}
			})
		}
	}
}

func TestNoticeAndPlurals(t *testing.T) {
	db := openDB(t)
	m := newMailer(t, db, Config{})
	r, err := m.tmpls.render("notice", "en", "", sampleData["notice"].data, footerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.subject != "Registration confirmed" {
		t.Errorf("subject %q", r.subject)
	}
	if !strings.Contains(r.html, `<p dir="auto">First paragraph.</p>`) || !strings.Contains(r.html, "Second &lt;b&gt;one&lt;/b&gt;.") {
		t.Errorf("body paragraphs:\n%s", r.html)
	}
	if !strings.Contains(r.html, ">See the workshop</a>") {
		t.Errorf("link text missing:\n%s", r.html)
	}
	r, err = m.tmpls.render("notice", "ar", "", map[string]any{"Name": "", "Title": "t", "Body": "b", "Link": "javascript:alert(1)"}, footerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.html, `href="javascript:`) || !strings.Contains(r.html, "الاطلاع على التفاصيل") || strings.Contains(r.text, "مرحبًا ،") {
		t.Errorf("unsafe link, default label or empty name:\n%s\n%s", r.html, r.text)
	}
	tests := []struct {
		lang  string
		hours int
		want  string
	}{
		{"ar", 1, "مدة ساعة واحدة"},
		{"ar", 2, "مدة ساعتين"},
		{"ar", 3, "مدة 3 ساعات"},
		{"ar", 48, "مدة 48 ساعة"},
		{"en", 1, "valid for one hour"},
		{"en", 24, "valid for 24 hours"},
		{"fr", 1, "valable 1 heure"},
		{"fr", 72, "valable 72 heures"},
	}
	for _, tt := range tests {
		data := map[string]any{"By": "x", "Link": "https://masar.test/c", "Hours": tt.hours}
		r, err := m.tmpls.render("welcome_claim", tt.lang, "", data, footerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.text, tt.want) || !strings.Contains(r.html, tt.want) {
			t.Errorf("%s, %d hours: want %q in\n%s", tt.lang, tt.hours, tt.want, r.text)
		}
	}
	if _, err := m.tmpls.render("welcome_claim", "en", "", map[string]any{"By": "x", "Link": "https://masar.test/c", "Hours": "many"}, footerOptions{}); err == nil {
		t.Error("rendered with a non-numeric .Hours")
	}
}

func TestParseTemplatesFailsFast(t *testing.T) {
	good := fstest.MapFS{}
	copyFile := func(from, to string) {
		b, err := templateFS.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		good[to] = &fstest.MapFile{Data: b}
	}
	copyFile(layoutFile, layoutFile)
	copyFile(partialsFile, partialsFile)
	for _, lang := range []string{"ar", "en", "fr"} {
		copyFile("templates/confirm."+lang+".tmpl", "templates/x."+lang+".tmpl")
	}
	if _, err := parseTemplates(good); err != nil {
		t.Fatalf("good set: %v", err)
	}
	with := func(name, src string) fstest.MapFS {
		fsys := fstest.MapFS{}
		for k, v := range good {
			fsys[k] = v
		}
		if src == "" {
			delete(fsys, name)
		} else {
			fsys[name] = &fstest.MapFile{Data: []byte(src)}
		}
		return fsys
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"missing language", with("templates/x.fr.tmpl", "")},
		{"syntax error", with("templates/x.en.tmpl", `{{define "subject"}}{{.Name{{end}}`)},
		{"no html", with("templates/x.en.tmpl", `{{define "subject"}}s{{end}}{{define "text"}}t{{end}}`)},
		{"no subject", with("templates/x.en.tmpl", `{{define "text"}}t{{end}}{{define "html"}}h{{end}}`)},
		{"unsafe html", with("templates/x.en.tmpl", `{{define "subject"}}s{{end}}{{define "text"}}t{{end}}{{define "html"}}<a href="{{.L}}>{{end}}`)},
		{"unknown function", with("templates/x.en.tmpl", `{{define "subject"}}{{shout .S}}{{end}}{{define "text"}}t{{end}}{{define "html"}}h{{end}}`)},
		{"unknown language", with("templates/x.de.tmpl", `{{define "subject"}}s{{end}}{{define "text"}}t{{end}}{{define "html"}}h{{end}}`)},
		{"badly named", with("templates/Confirm.tmpl", `x`)},
		{"no layout", with(layoutFile, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseTemplates(tt.fsys); err == nil {
				t.Fatal("parsed")
			}
		})
	}
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		url      string
		ok       bool
		port     int
		implicit bool
		auth     string
	}{
		{"", true, 0, false, ""},
		{"smtp://u:p@mail.example.org", true, 587, false, "AUTODISCOVER"},
		{"smtp://mail.example.org:25?tls=opportunistic", true, 25, false, ""},
		{"smtps://u:p@mail.example.org", true, 465, true, "AUTODISCOVER"},
		{"smtp://u:p@127.0.0.1:2525?tls=none", true, 2525, false, "PLAIN-NOENC"},
		{"smtp://u:p@mail.example.org?auth=login", true, 587, false, "LOGIN"},
		{"smtp://u:p@mail.example.org?tls=none", false, 0, false, ""},
		{"smtps://u:p@mail.example.org?tls=none", false, 0, false, ""},
		{"smtp://mail.example.org?tls=maybe", false, 0, false, ""},
		{"smtp://mail.example.org?verify=no", false, 0, false, ""},
		{"smtp://mail.example.org:0", false, 0, false, ""},
		{"http://mail.example.org", false, 0, false, ""},
		{"smtp://", false, 0, false, ""},
		{"smtp://mail.example.org?auth=login", false, 0, false, ""},
	}
	for _, tt := range tests {
		c, err := parseSMTPURL(tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.url, err)
			continue
		}
		if err != nil {
			if strings.Contains(err.Error(), ":p@") {
				t.Errorf("%s: error shows the password: %v", tt.url, err)
			}
			continue
		}
		if tt.url == "" {
			if c != nil {
				t.Errorf("empty URL gave %+v", c)
			}
			continue
		}
		if c.port != tt.port || c.implicit != tt.implicit || string(c.auth) != tt.auth {
			t.Errorf("%s: port %d implicit %v auth %q", tt.url, c.port, c.implicit, c.auth)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	for attempts, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 4: 8 * time.Minute, 7: time.Hour, 30: time.Hour} {
		if got := retryDelay(attempts); got != want {
			t.Errorf("retryDelay(%d) = %v, want %v", attempts, got, want)
		}
	}
}

// received is one message the test SMTP server accepted.
type received struct {
	user string
	from string
	to   []string
	data []byte
}

// smtpServer is a real SMTP server on the loopback interface that keeps what it receives.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []received
	// refuse makes the server answer every message with a temporary failure (an outage).
	refuse atomic.Bool
	// slow makes the server take this long (nanoseconds) over each message it accepts.
	slow atomic.Int64
}

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

type session struct {
	srv *smtpServer
	cur received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "masar" || pass != "s3cret" {
			return smtp.ErrAuthFailed
		}
		s.cur.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.refuse.Load() {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "outage, try again later"}
	}
	s.cur.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *session) Reset()        { s.cur = received{user: s.cur.user} }
func (s *session) Logout() error { return nil }

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	time.Sleep(time.Duration(s.srv.slow.Load()))
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.cur)
	s.srv.mu.Unlock()
	return nil
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	be := &smtpServer{}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be.addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return be
}

// part is a leaf of a received MIME message, decoded.
type part struct {
	contentType string
	filename    string
	body        []byte
}

func leaves(t *testing.T, header map[string][]string, body io.Reader) []part {
	t.Helper()
	h := netmail.Header(header)
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		var out []part
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, leaves(t, p.Header, p)...)
		}
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "base64") {
		if b, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(b))); err != nil {
			t.Fatal(err)
		}
	}
	_, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	return []part{{contentType: mt, filename: dparams["filename"], body: b}}
}

func TestDeliverPendingOverSMTP(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	srv := startSMTP(t)
	m := newMailer(t, db, Config{SMTPURL: "smtp://masar:s3cret@" + srv.addr + "?tls=none", From: "Masar <no-reply@masar.test>", BaseURL: "https://masar.test"})
	ics := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")
	id, err := m.Enqueue(ctx, db.W, Message{
		To: "amina@gov.test", Name: "أمينة بن علي", Lang: "ar", Template: "notice",
		Data: map[string]any{"Title": "تأكيد التسجيل في ورشة العمل الإقليمية", "Body": "سُجّلتم في ورشة العمل.",
			"Link": "https://masar.test/ar/workshops/7"},
		Attachments: []Attachment{{Filename: "invite.ics", ContentType: "text/calendar; method=REQUEST; charset=utf-8", Data: ics}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := m.DeliverPending(ctx)
	if err != nil || sent != 1 {
		t.Fatalf("DeliverPending = %d, %v; want 1, nil", sent, err)
	}

	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	r := got[0]
	if r.user != "masar" || r.from != "no-reply@masar.test" || !slices.Equal(r.to, []string{"amina@gov.test"}) {
		t.Errorf("envelope: auth %q, from %q, to %q", r.user, r.from, r.to)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(r.data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "تأكيد التسجيل في ورشة العمل الإقليمية" {
		t.Errorf("Subject %q (raw %q), %v", subject, msg.Header.Get("Subject"), err)
	}
	to, err := netmail.ParseAddress(msg.Header.Get("To"))
	if err != nil || to.Name != "أمينة بن علي" || to.Address != "amina@gov.test" {
		t.Errorf("To %q: %+v %v", msg.Header.Get("To"), to, err)
	}
	if msg.Header.Get("Message-Id") == "" || msg.Header.Get("Date") == "" || msg.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers: %v", msg.Header)
	}
	var text, html, att *part
	parts := leaves(t, msg.Header, msg.Body)
	for i := range parts {
		switch p := &parts[i]; {
		case p.filename != "":
			att = p
		case p.contentType == "text/plain":
			text = p
		case p.contentType == "text/html":
			html = p
		}
	}
	if text == nil || !strings.Contains(string(text.body), "أمينة بن علي") || !strings.Contains(string(text.body), "https://masar.test/ar/workshops/7") {
		t.Errorf("text/plain part: %+v", text)
	}
	if html == nil || !strings.Contains(string(html.body), `<html lang="ar" dir="rtl">`) || !strings.Contains(string(html.body), "سُجّلتم في ورشة العمل.") {
		t.Errorf("text/html part: %+v", html)
	}
	if att == nil || att.filename != "invite.ics" || att.contentType != "text/calendar" || !bytes.Equal(att.body, ics) {
		t.Errorf("attachment: %+v", att)
	}

	it, err := m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if it.SentAt == nil || it.Status != StatusSent || it.Attempts != 1 || it.NextAttemptAt != nil {
		t.Errorf("after delivery: sent_at %v, status %s, attempts %d, next %v", it.SentAt, it.Status, it.Attempts, it.NextAttemptAt)
	}
	if sent, err := m.DeliverPending(ctx); sent != 0 || err != nil || len(srv.received()) != 1 {
		t.Errorf("second round sent %d (%v): a message went out twice", sent, err)
	}
}

func TestDeliverPendingServerDown(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there any more
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + addr + "?tls=none"})
	id, err := m.Enqueue(ctx, db.W, confirmMsg("amina@gov.test", "Amina", "en"))
	if err != nil {
		t.Fatal(err)
	}
	sent, err := m.DeliverPending(ctx)
	if err == nil || sent != 0 {
		t.Fatalf("DeliverPending = %d, %v; want 0 and an error", sent, err)
	}
	it, err := m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if it.SentAt != nil || it.Attempts != 1 || it.LastError == "" || it.Status != StatusRetrying || it.NextAttemptAt == nil ||
		!it.NextAttemptAt.After(time.Now().Add(RetryBase/2)) {
		t.Fatalf("after a failure: %+v", it)
	}
	// Not due yet: the next round leaves it alone.
	if _, err := m.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if it, _ = m.Get(ctx, id); it.Attempts != 1 {
		t.Fatalf("retried before its time: attempts %d", it.Attempts)
	}
}

func TestWithoutSMTPMailStaysInOutbox(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	m := newMailer(t, db, Config{})
	id, err := m.Enqueue(ctx, db.W, confirmMsg("amina@gov.test", "Amina", "en"))
	if err != nil {
		t.Fatal(err)
	}
	if sent, err := m.DeliverPending(ctx); sent != 0 || err != nil {
		t.Fatalf("DeliverPending = %d, %v", sent, err)
	}
	if it, _ := m.Get(ctx, id); it.Status != StatusQueued || it.Attempts != 0 {
		t.Fatalf("%+v", it)
	}
	if m.Sends() {
		t.Error("Sends() without an SMTP URL")
	}
}

func TestRunDeliversEnqueuedMail(t *testing.T) {
	db := openDB(t)
	srv := startSMTP(t)
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	if _, err := m.Enqueue(context.Background(), db.W, confirmMsg("amina@gov.test", "Amina", "fr")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(srv.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(srv.received()) != 1 {
		t.Fatalf("Run delivered %d messages", len(srv.received()))
	}
	cancel()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not stop when its context ended")
	}
}

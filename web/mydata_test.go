package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// TestPersonalDataIsComplete: a focal point who did everything the platform offers reads
// every part of it in the JSON download, the API and the page; another person's data and
// any working secret never appear.
func TestPersonalDataIsComplete(t *testing.T) {
	ctx := context.Background()
	p := newPlatform(t)
	staffC, staff := account(t, p, "staff.mydata@example.org", officials.RoleStaff, "")
	me, fp := account(t, p, "fp.mydata@example.org", officials.RoleFocalPoint, "JO")
	_, fp2 := account(t, p, "fp2.mydata@example.org", officials.RoleFocalPoint, "JO")
	other, err := p.Officials.Create(ctx, audit.Actor{Email: "test"}, officials.Input{Email: "nominee.other@gov.example",
		NameAr: "منى الزعبي", NameLatin: "Muna Zoubi", JobTitle: "Planner", Organisation: "Ministry of Planning",
		Country: "JO", Sector: "central_government", Gender: "female", Language: "ar"}, officials.RoleOfficial)
	if err != nil {
		t.Fatal(err)
	}
	staffActor := audit.Actor{ID: staff.ID, Email: staff.Email}

	// Courses: one completed (with its certificate), one quiz failed.
	co, err := p.Library.Catalogue().Course("open-government-data")
	if err != nil {
		t.Fatal(err)
	}
	openedLongAgo(t, p, fp.ID, co.Slug)
	for _, l := range co.Lessons {
		if _, err := p.Courses.MarkDone(ctx, fp.ID, co.Slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
	if sub, err := p.Courses.SubmitQuiz(ctx, fp.ID, co.Slug, drawnRightAnswers(t, p.Courses, fp.ID, co), true); err != nil || !sub.Completed {
		t.Fatalf("complete: %v %+v", err, sub)
	}
	if err := p.Courses.Enrol(ctx, fp.ID, "citizen-participation"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Courses.SubmitQuiz(ctx, fp.ID, "citizen-participation", map[string][]string{}, true); err != nil {
		t.Fatal(err)
	}
	p.Certificates.Wait()
	certs, err := p.Certificates.ForOfficial(ctx, fp.ID)
	if err != nil || len(certs) != 1 || certs[0].Kind != certificates.KindCourse {
		t.Fatalf("certificate: %v %+v", err, certs)
	}

	// Workshops: applies with a motivation, is nominated by the other focal point, and
	// nominates someone else.
	day := time.Now().UTC().AddDate(0, 0, 20).Format("2006-01-02")
	workshop := func(title string) *workshops.Workshop {
		w, err := p.Workshops.Create(ctx, staffActor, workshops.Input{Title: map[string]string{"ar": title, "en": "Workshop"},
			Kind: workshops.KindRegional, Phases: []int{1}, HostCountry: "JO", City: "Amman", StartDate: day, EndDate: day,
			Languages: []string{"ar"}, Capacity: 30, Hours: 6})
		if err != nil {
			t.Fatal(err)
		}
		if w, err = p.Workshops.SetStatus(ctx, staffActor, w.ID, workshops.StatusPublished); err != nil {
			t.Fatal(err)
		}
		return w
	}
	w1, w2 := workshop("ورشة الشفافية المالية"), workshop("ورشة المشاركة المدنية")
	const motivation = "I coordinate the open data portal and need peer exchange on licences."
	if _, err := p.Workshops.Apply(ctx, fp, w1.ID, motivation); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Workshops.Nominate(ctx, fp2, w2.ID, fp, "Leads the national portal."); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Workshops.Nominate(ctx, fp, w1.ID, other, "Nominee note about Muna's phone 0791234567."); err != nil {
		t.Fatal(err)
	}

	// Advisory: a request with a message and a file; staff add an internal note.
	req, err := p.Advisory.Create(ctx, fp, advisory.Input{Country: "JO", RequestingBody: "Ministry of Digital Economy",
		Phases: []int{1}, Topics: []string{"action_plan"}, Needs: "Help drafting the open data policy.",
		SupportKinds: []string{"policy_review"}, Language: "ar", Letter: advLetter()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const comment = "We can host the mission in the second week of March."
	if _, err := p.Advisory.AddComment(ctx, fp, req.ID, comment, false); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Advisory.AddAttachments(ctx, fp, req.ID, []advisory.File{{Name: "policy-draft.pdf", Data: advSamplePDF}}); err != nil {
		t.Fatal(err)
	}
	const internal = "Internal: the ministry changed its minister last month."
	if _, err := p.Advisory.AddComment(ctx, staff, req.ID, internal, true); err != nil {
		t.Fatal(err)
	}

	// Access: an API token and a reset link mailed.
	apiTok, err := p.Officials.CreateAPIToken(ctx, fp.ID, "Portal sync script")
	if err != nil {
		t.Fatal(err)
	}
	if r := newClient(t, p).post("/ar/forgot", url.Values{"email": {fp.Email}}); r.Status != 303 {
		t.Fatalf("forgot: %d", r.Status)
	}
	items, _, err := p.Mailer.List(ctx, 200, 0)
	if err != nil {
		t.Fatal(err)
	}
	var resetTok, resetSubject string
	for _, it := range items {
		if it.To == fp.Email && it.Template == "reset" {
			if m := regexp.MustCompile(`/reset/([A-Za-z0-9_-]+)`).FindStringSubmatch(recipientText(t, p, it.ID)); m != nil {
				resetTok, resetSubject = m[1], it.Subject
			}
		}
	}
	if resetTok == "" {
		t.Fatal("no reset mail")
	}
	// Secrets the export must not hold: the API token, the reset token, the sessions (their
	// cookie values and their stored hashes) and the password hash.
	secrets := []string{apiTok, resetTok, hash(apiTok), hash(resetTok)}
	for _, v := range me.cookies {
		if len(v) >= 20 {
			secrets = append(secrets, v, hash(v))
		}
	}
	rows, err := p.DB.R.QueryContext(ctx, "SELECT token_hash FROM sessions WHERE official_id = ?", fp.ID)
	hashes, err := store.Collect(rows, err, func(row store.Scanner) (string, error) {
		var h string
		return h, row.Scan(&h)
	})
	if err != nil || len(hashes) == 0 {
		t.Fatalf("sessions: %v %d", err, len(hashes))
	}
	secrets = append(secrets, hashes...)
	var pwHash string
	if err := p.DB.R.QueryRowContext(ctx, "SELECT password_hash FROM officials WHERE id = ?", fp.ID).Scan(&pwHash); err != nil || pwHash == "" {
		t.Fatalf("password hash: %v", err)
	}
	secrets = append(secrets, pwHash)
	// Someone else's data: the nominee's and the staff's internal note.
	foreign := []string{other.Email, other.NameLatin, other.NameAr, internal}

	// A preference: workshop reminders turned off.
	if r := me.post("/en/me/notifications", url.Values{"workshop_changes": {"on"}, "advisory": {"on"}}); r.Status != 303 {
		t.Fatalf("notifications: %d", r.Status)
	}

	// The JSON download.
	r := me.get("/en/me/export")
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", r.Status, r.Header)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatal(err)
	}
	count := func(key string) int {
		var list []any
		if err := json.Unmarshal(doc[key], &list); err != nil {
			t.Errorf("%s is not a list: %s", key, doc[key])
		}
		return len(list)
	}
	want := map[string]int{"sessions": 1, "api_tokens": 1, "courses": 2, "quiz_attempts": 2, "workshops": 2,
		"nominations_made": 1, "certificates": 1, "advisory_requests": 1, "advisory_comments": 1, "advisory_attachments": 2} // the attachment and the ministry's letter
	for key, n := range want {
		if got := count(key); got < n {
			t.Errorf("%s: %d entries, want at least %d", key, got, n)
		}
	}
	if count("mails") < 2 || count("my_actions") < 3 || count("changes_by_staff") < 1 {
		t.Errorf("mails %d, my actions %d, about me %d", count("mails"), count("my_actions"), count("changes_by_staff"))
	}
	var prefs map[string]bool
	if err := json.Unmarshal(doc["notifications"], &prefs); err != nil || prefs["reminders"] || !prefs["advisory"] {
		t.Errorf("notification preferences: %s (%v)", doc["notifications"], err)
	}
	for _, s := range []string{motivation, comment, "policy-draft.pdf", "Portal sync script", resetSubject, "/reset/…",
		`"nominated_by":` + itoa(fp2.ID), "registration.nominate", "advisory.submit", certs[0].Code, `"format":"masar-personal-data/1"`, `"purpose":"letter"`} {
		if !strings.Contains(r.Body, s) {
			t.Errorf("the export lacks %q", s)
		}
	}
	for _, s := range append(secrets, foreign...) {
		if strings.Contains(r.Body, s) {
			t.Errorf("the export holds %q", s)
		}
	}

	// The API gives the same, and only the caller's.
	r = newClient(t, p).api("GET", "/api/v1/me/export", apiTok, "")
	if r.Status != 200 || !strings.Contains(r.Body, comment) || !strings.Contains(r.Body, `"data":{"format":"masar-personal-data/1"`) {
		t.Errorf("API export: %d %.300s", r.Status, r.Body)
	}
	otherTok, err := p.Officials.CreateAPIToken(ctx, other.ID, "x")
	if err != nil {
		t.Fatal(err)
	}
	r = newClient(t, p).api("GET", "/api/v1/me/export", otherTok, "")
	if r.Status != 200 || !strings.Contains(r.Body, other.Email) || strings.Contains(r.Body, fp.Email) ||
		strings.Contains(r.Body, comment) || strings.Contains(r.Body, motivation) {
		t.Errorf("another person's export: %d %.300s", r.Status, r.Body)
	}

	// The page, in Arabic.
	r = me.get("/ar/me/data")
	if r.Status != 200 || !strings.Contains(r.Body, `dir="rtl"`) {
		t.Fatalf("page: %d", r.Status)
	}
	page := html.UnescapeString(r.Body)
	for _, s := range []string{motivation, comment, "policy-draft.pdf", "Portal sync script", resetSubject, "/reset/…",
		"ترشيح مشارك", certs[0].Display(), "ورشة الشفافية المالية", "ورشة المشاركة المدنية", "البيانات الحكومية المفتوحة",
		"محاولات الاختبار", "جلسات الدخول المفتوحة", "الرسائل الإلكترونية المرسلة إليك", `href="/ar/me/export"`} {
		if !strings.Contains(page, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	for _, s := range append(secrets, foreign...) {
		if strings.Contains(page, s) {
			t.Errorf("the page holds %q", s)
		}
	}
	for _, id := range []string{"md-sessions", "md-tokens", "md-attempts", "md-registrations", "md-nominations", "md-certs",
		"md-requests", "md-comments", "md-files", "md-audit-about", "md-audit-acted"} {
		body := regexp.MustCompile(`(?s)<table id="` + id + `">.*?</table>`).FindString(page)
		if body == "" || strings.Contains(body, "لا شيء.") {
			t.Errorf("table %s is missing or empty", id)
		}
	}
	// Staff who changed another person's profile find the action in their own data, not the
	// values they changed (those are the other person's).
	if _, err := p.Officials.UpdateProfile(ctx, staffActor, other.ID, officials.Input{Email: other.Email, NameAr: other.NameAr,
		NameLatin: other.NameLatin, JobTitle: "Head of Strategic Planning", Organisation: other.Organisation, Country: "JO",
		Sector: other.Sector, Gender: other.Gender, Language: other.Language}); err != nil {
		t.Fatal(err)
	}
	r = staffC.get("/en/me/export")
	if r.Status != 200 || !strings.Contains(r.Body, `"action":"official.edit","subject":"official:`+itoa(other.ID)+`","field":"job_title","from":"","to":""`) ||
		strings.Contains(r.Body, "Head of Strategic Planning") {
		t.Errorf("staff's export: %d %s", r.Status, r.Body)
	}
	if r := me.get("/ar/me"); !strings.Contains(r.Body, `href="/ar/me/data"`) {
		t.Error("the profile page does not link to the personal data")
	}
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// surveyWorkshop schedules and publishes a two-day workshop in Amman (10–11 March 2026) and
// gives each official a confirmed seat.
func surveyWorkshop(t *testing.T, p *platform.Platform, staff *officials.Official, people ...*officials.Official) *workshops.Workshop {
	t.Helper()
	ctx := context.Background()
	sys := audit.Actor{Email: "test"}
	w, err := p.Workshops.Create(ctx, sys, workshops.Input{Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"},
		Kind: workshops.KindNational, Phases: []int{1}, HostCountry: "JO", City: "Amman", StartDate: "2026-03-10", EndDate: "2026-03-11",
		Languages: []string{"ar"}, Capacity: 20, Hours: 12})
	if err != nil {
		t.Fatal(err)
	}
	if w, err = p.Workshops.SetStatus(ctx, sys, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	for _, o := range people {
		r, err := p.Workshops.Nominate(ctx, staff, w.ID, o, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Workshops.Transition(ctx, staff, r.ID, workshops.ActApprove); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

var surveyLinkRe = regexp.MustCompile(`/admin/surveys/templates/(\d+)`)

// TestSurveysThroughThePages: staff build a test and a satisfaction questionnaire in the
// browser (a bad field is named and nothing is saved), attach a pre-test, a post-test and a
// satisfaction survey to a workshop and publish them; a participant answers; the results page
// shows the gain and a chart per question, and the workbook downloads.
func TestSurveysThroughThePages(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	at := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	p.Surveys.SetClock(func() time.Time { return at })
	staff, so := account(t, p, "survey-staff@example.org", officials.RoleStaff, "")
	amina, ao := account(t, p, "amina@example.org", officials.RoleOfficial, "JO")
	stranger, _ := account(t, p, "stranger@example.org", officials.RoleOfficial, "JO")
	w := surveyWorkshop(t, p, so, ao)

	// A template: the Arabic title is required, and the page says so next to the field.
	staff.get("/ar/admin/surveys/templates")
	r := staff.post("/ar/admin/surveys/templates", url.Values{"kind": {"test"}, "title_en": {"Open data test"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-title_ar"`) || !strings.Contains(r.Body, "اكتب العنوان بالعربية.") {
		t.Fatalf("no Arabic title: %d", r.Status)
	}
	r = staff.post("/ar/admin/surveys/templates", url.Values{"kind": {"test"}, "title_ar": {"اختبار البيانات المفتوحة"}, "title_en": {"Open data test"}})
	m := surveyLinkRe.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create the test: %d %s", r.Status, r.Location)
	}
	testPath := "/ar/admin/surveys/templates/" + m[1]
	staff.get(testPath)
	// Options in English must match the Arabic ones line for line; the right answers are
	// numbers of options.
	q := url.Values{"kind": {"single"}, "text_ar": {"ما البيانات المفتوحة؟"}, "text_en": {"What is open data?"},
		"options_ar": {"بيانات متاحة للجميع بترخيص مفتوح\nبيانات سرية"}, "options_en": {"Open data"}, "correct": {"3"}}
	r = staff.post(testPath+"/questions", q)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-options_en"`) || !strings.Contains(r.Body, `id="e-correct"`) ||
		!strings.Contains(r.Body, "ما البيانات المفتوحة؟") {
		t.Fatalf("mismatched options: %d", r.Status)
	}
	if tp, _ := p.Surveys.Templates(context.Background()); len(tp) != 1 || len(tp[0].Questions) != 0 {
		t.Fatalf("a refused question was saved: %+v", tp)
	}
	q.Set("options_en", "Data anyone may reuse\nSecret data")
	q.Set("correct", "1")
	if r = staff.post(testPath+"/questions", q); r.Status != http.StatusSeeOther {
		t.Fatalf("add the question: %d %s", r.Status, r.Body)
	}
	r = staff.post("/ar/admin/surveys/templates", url.Values{"kind": {"satisfaction"}, "title_ar": {"تقييم الورشة"}})
	satPath := r.Location
	staff.get(satPath)
	for _, q := range []url.Values{
		{"kind": {"rating"}, "text_ar": {"ما تقييمك العام للورشة؟"}},
		{"kind": {"text"}, "text_ar": {"ما الذي نحسّنه؟"}},
	} {
		if r := staff.post(satPath+"/questions", q); r.Status != http.StatusSeeOther {
			t.Fatalf("add %v: %d %s", q, r.Status, r.Body)
		}
	}
	tpls, _ := p.Surveys.Templates(context.Background())
	ids := map[string]string{}
	for _, tp := range tpls {
		ids[tp.Kind] = fmt.Sprint(tp.ID)
	}

	// Attach: a test is not a satisfaction survey; then the three surveys, published.
	base := fmt.Sprintf("/ar/admin/workshops/%d/surveys", w.ID)
	staff.get(base)
	r = staff.post(base, url.Values{"kind": {"satisfaction"}, "template_id": {ids["test"]}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-template_id"`) {
		t.Fatalf("a test as satisfaction survey: %d", r.Status)
	}
	for _, f := range []url.Values{
		{"kind": {"pre_test"}, "template_id": {ids["test"]}, "anonymous": {"1"}},
		{"kind": {"post_test"}, "template_id": {ids["test"]}, "anonymous": {"1"}},
		{"kind": {"satisfaction"}, "template_id": {ids["satisfaction"]}, "anonymous": {"1"}},
	} {
		if r := staff.post(base, f); r.Status != http.StatusSeeOther {
			t.Fatalf("attach %v: %d %s", f, r.Status, r.Body)
		}
	}
	list, _ := p.Surveys.Surveys(context.Background(), w.ID)
	byKind := map[string]*surveys.Survey{}
	for _, s := range list {
		byKind[s.Kind] = s
		staff.get(base)
		if r := staff.post(fmt.Sprintf("%s/%d/publish", base, s.ID), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("publish %s: %d", s.Kind, r.Status)
		}
	}

	// The participant finds the pre-test on her page, and answers it wrong, on the day before.
	pre := fmt.Sprintf("/ar/surveys/%d", byKind["pre_test"].ID)
	if me := amina.get("/ar/me"); !strings.Contains(me.Body, `href="`+pre+`"`) || strings.Contains(me.Body, fmt.Sprintf(`/ar/surveys/%d"`, byKind["post_test"].ID)) {
		t.Errorf("the profile page does not offer the pre-test alone")
	}
	page := amina.get(pre)
	if page.Status != 200 || !strings.Contains(page.Body, "ما البيانات المفتوحة؟") || strings.Contains(page.Body, `"correct"`) {
		t.Fatalf("pre-test page: %d", page.Status)
	}
	r = amina.post(pre, nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-q1"`) || !strings.Contains(r.Body, "أجب عن هذا السؤال.") {
		t.Fatalf("no answer: %d", r.Status)
	}
	if r = amina.post(pre, url.Values{"q1": {"o2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("answer the pre-test: %d %s", r.Status, r.Body)
	}
	if page := amina.get(pre); !strings.Contains(page.Body, "شكرًا لك، وصلتنا إجابتك.") || strings.Contains(page.Body, `name="q1"`) {
		t.Errorf("after answering, the form is still offered")
	}
	if r := stranger.get(pre); r.Status != http.StatusNotFound {
		t.Errorf("a stranger reads the survey: %d", r.Status)
	}
	// After the workshop: the post-test right, and the satisfaction survey.
	at = time.Date(2026, 3, 12, 8, 0, 0, 0, time.UTC)
	if r := amina.post(fmt.Sprintf("/ar/surveys/%d", byKind["post_test"].ID), url.Values{"q1": {"o1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("post-test: %d %s", r.Status, r.Body)
	}
	if r := amina.post(fmt.Sprintf("/ar/surveys/%d", byKind["satisfaction"].ID), url.Values{"q1": {"5"}, "q2": {"مزيد من التمارين العملية"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("satisfaction: %d %s", r.Status, r.Body)
	}

	// The results: the gain (0 → 100, one pair), a chart per question, the free text.
	res := staff.get(base + "/results")
	for _, want := range []string{`id="gain"`, "<bdi>0.0</bdi>", "<bdi>100.0</bdi>", `role="img"`, "<desc", "مزيد من التمارين العملية", "ممتاز"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	if n := strings.Count(res.Body, "<svg"); n < 4 { // the gain, two test questions and the rating
		t.Errorf("%d charts on the results page", n)
	}
	x := staff.get(base + "/results.xlsx")
	if x.Status != 200 || !strings.HasPrefix(x.Body, "PK") || !strings.Contains(x.Header.Get("Content-Disposition"), "surveys.xlsx") {
		t.Errorf("workbook: %d %s", x.Status, x.Header.Get("Content-Disposition"))
	}
	rep := staff.get("/en/admin/surveys/report")
	if rep.Status != 200 || !strings.Contains(rep.Body, "Open data workshop") || !strings.Contains(rep.Body, "Transparency") {
		t.Errorf("report: %d", rep.Status)
	}
	// Her personal data lists the surveys she answered, anonymously: no answers attached.
	md := amina.get("/ar/me/data")
	if !strings.Contains(md.Body, `id="md-surveys"`) || strings.Count(md.Body, "أجبت عنه دون اسم") != 3 || strings.Contains(md.Body, "مزيد من التمارين العملية") {
		t.Errorf("personal data: the anonymous surveys are not listed as such")
	}
	if r := amina.get(base + "/results"); r.Status != http.StatusForbidden {
		t.Errorf("a participant reads the results: %d", r.Status)
	}
}

// TestSurveyAPIAndCertificateGate: through the API staff attach a satisfaction survey that
// holds the attendance certificates; a participant who attended gets none until they answer,
// and theirs is issued when they do. A test's right answers stay hidden from participants.
func TestSurveyAPIAndCertificateGate(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	ctx := context.Background()
	so, staffTok := person(t, p, "gate-staff@example.org", officials.RoleStaff, "")
	ao, aTok := person(t, p, "gate-a@example.org", officials.RoleOfficial, "JO")
	c := newClient(t, p)
	w := surveyWorkshop(t, p, so, ao)
	// Amina attended both days.
	p.Workshops.SetClock(func() time.Time { return time.Date(2026, 3, 11, 18, 0, 0, 0, time.UTC) })
	regs, _ := p.Workshops.Registrations(ctx, w.ID, workshops.RegFilter{Status: workshops.RegConfirmed})
	for _, day := range []string{"2026-03-10", "2026-03-11"} {
		if err := p.Workshops.RecordAttendance(ctx, so, w.ID, day, []int64{regs[0].ID}, true); err != nil {
			t.Fatal(err)
		}
	}
	r := c.api("POST", "/api/v1/survey-templates", staffTok, `{"kind": "satisfaction", "title": {"ar": "تقييم الورشة"},
		"questions": [{"kind": "rating", "text": {"ar": "ما تقييمك العام للورشة؟"}}, {"kind": "single", "text": {"en": "Useful?"}}]}`)
	var bad struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	json.Unmarshal([]byte(r.Body), &bad)
	if r.Status != 422 || bad.Error.Fields["q2_text_ar"] == "" || bad.Error.Fields["q2_options_ar"] == "" {
		t.Fatalf("bad template: %d %s", r.Status, r.Body)
	}
	r = c.api("POST", "/api/v1/survey-templates", staffTok, `{"kind": "satisfaction", "title": {"ar": "تقييم الورشة"},
		"questions": [{"kind": "rating", "text": {"ar": "ما تقييمك العام للورشة؟"}}]}`)
	var tpl struct{ Data surveys.Template }
	json.Unmarshal([]byte(r.Body), &tpl)
	if r.Status != 201 || tpl.Data.ID == 0 {
		t.Fatalf("template: %d %s", r.Status, r.Body)
	}
	r = c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/surveys", w.ID), staffTok,
		fmt.Sprintf(`{"kind": "satisfaction", "template_id": %d, "anonymous": true, "certificate_gate": true}`, tpl.Data.ID))
	var sv struct{ Data surveys.Survey }
	json.Unmarshal([]byte(r.Body), &sv)
	if r.Status != 201 || !sv.Data.CertificateGate || sv.Data.Status != "draft" {
		t.Fatalf("attach: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", fmt.Sprintf("/api/v1/surveys/%d/publish", sv.Data.ID), staffTok, ""); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", fmt.Sprintf("/api/v1/surveys/%d/publish", sv.Data.ID), staffTok, ""); r.Status != 409 {
		t.Errorf("publish twice: %d", r.Status)
	}

	countCerts := func() int {
		var n int
		if err := p.DB.R.QueryRow(`SELECT COUNT(*) FROM certificates WHERE official_id = ? AND workshop_id = ?`, ao.ID, w.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The workshop is completed: nobody has answered, so nobody qualifies yet.
	if _, err := p.Workshops.SetStatus(ctx, audit.Actor{Email: "test"}, w.ID, workshops.StatusCompleted); err != nil {
		t.Fatal(err)
	}
	p.Certificates.Wait()
	if n := countCerts(); n != 0 {
		t.Fatalf("a certificate before the survey was answered: %d", n)
	}
	r = c.api("POST", fmt.Sprintf("/api/v1/surveys/%d/responses", sv.Data.ID), aTok, `{"answers": {"q1": ["7"]}}`)
	json.Unmarshal([]byte(r.Body), &bad)
	if r.Status != 422 || bad.Error.Fields["q1"] == "" {
		t.Fatalf("a rating of 7: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", fmt.Sprintf("/api/v1/surveys/%d/responses", sv.Data.ID), aTok, `{"answers": {"q1": ["4"]}}`); r.Status != 201 {
		t.Fatalf("answer: %d %s", r.Status, r.Body)
	}
	p.Certificates.Wait()
	if n := countCerts(); n != 1 {
		t.Errorf("certificates after answering: %d, want 1", n)
	}
	if r := c.api("POST", fmt.Sprintf("/api/v1/surveys/%d/responses", sv.Data.ID), aTok, `{"answers": {"q1": ["4"]}}`); r.Status != 409 {
		t.Errorf("answering twice: %d", r.Status)
	}
	r = c.api("GET", fmt.Sprintf("/api/v1/workshops/%d/survey-results", w.ID), staffTok, "")
	if r.Status != 200 || !strings.Contains(r.Body, `"counts":[0,0,0,1,0]`) {
		t.Errorf("results: %d %s", r.Status, r.Body)
	}
	if strings.Contains(r.Body, ao.Email) || strings.Contains(r.Body, ao.NameLatin) || strings.Contains(r.Body, "official_id") {
		t.Errorf("anonymous results name the participant: %s", r.Body)
	}
	// A test's right answers are the staff's to see.
	test, err := p.Surveys.CreateTemplate(ctx, audit.Actor{Email: "test"}, surveys.Input{Kind: surveys.TemplateTest, Title: map[string]string{"ar": "اختبار"},
		Questions: []surveys.Question{{Kind: surveys.QSingle, Text: map[string]string{"ar": "سؤال"},
			Options: []surveys.Option{{Text: map[string]string{"ar": "أ"}, Correct: true}, {Text: map[string]string{"ar": "ب"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	post, err := p.Surveys.Attach(ctx, w.ID, surveys.AttachInput{Kind: surveys.KindPostTest, TemplateID: test.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Surveys.Publish(ctx, audit.Actor{Email: "test"}, post.ID); err != nil {
		t.Fatal(err)
	}
	if r := c.api("GET", fmt.Sprintf("/api/v1/surveys/%d", post.ID), aTok, ""); r.Status != 200 || strings.Contains(r.Body, `"correct"`) || !strings.Contains(r.Body, `"open":true`) {
		t.Errorf("a participant's test: %d %s", r.Status, r.Body)
	}
	if r := c.api("GET", fmt.Sprintf("/api/v1/surveys/%d", post.ID), staffTok, ""); !strings.Contains(r.Body, `"correct":true`) {
		t.Errorf("staff do not see the right answers: %s", r.Body)
	}
	if r := c.api("GET", "/api/v1/me/export", aTok, ""); !strings.Contains(r.Body, `"survey_answers":[{"survey_id"`) || strings.Contains(r.Body, `"answers":{"q1"`) {
		t.Errorf("personal data of an anonymous answer: %s", r.Body)
	}
	r = c.api("GET", "/api/v1/survey-report", staffTok, "")
	if r.Status != 200 || !strings.Contains(r.Body, `"satisfaction":4`) || !strings.Contains(r.Body, `"phase":1`) {
		t.Errorf("report: %d %s", r.Status, r.Body)
	}
}

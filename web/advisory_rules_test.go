package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
)

// TestAdvisoryWorkshopKeepsNeedsPrivateAndLinksBack: the workshop spawned from a request
// does not carry the country's confidential needs in any language; a preferred period longer
// than a workshop may last pre-fills dates within it (no error on a field nobody sent); the
// request links to the workshop and the workshop's admin page back to the request.
func TestAdvisoryWorkshopKeepsNeedsPrivateAndLinksBack(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	needs := "Confidential: the ministry's open-data unit has two staff and no budget line until 2028."
	start := time.Now().UTC().AddDate(0, 2, 0)
	in := advisory.Input{Country: "JO", RequestingBody: "Ministry of Digital Economy", Phases: []int{1}, Topics: []string{"open_data_portal"},
		Needs: needs, SupportKinds: []string{"national_workshop"}, Language: "ar", Letter: advLetter(),
		PreferredStart: start.Format("2006-01-02"), PreferredEnd: start.AddDate(0, 3, 0).Format("2006-01-02")}
	r, err := p.Advisory.Create(ctx, fp, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	advMoveTo(t, p, staff, fp, r, advisory.StatusAccepted)
	// Through the API, with only a city: the dates come from the request and fit a workshop.
	res := sc.api("POST", fmt.Sprintf("/api/v1/advisory/%d/workshop", r.ID), advToken(t, p, staff), `{"city": "Amman"}`)
	if res.Status != http.StatusCreated {
		t.Fatalf("spawn with a three-month preferred period: %d %s", res.Status, res.Body)
	}
	var out struct {
		Data struct {
			Workshop struct {
				ID          int64             `json:"id"`
				Description map[string]string `json:"description"`
				StartDate   string            `json:"start_date"`
				EndDate     string            `json:"end_date"`
			} `json:"workshop"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
		t.Fatal(err)
	}
	w := out.Data.Workshop
	if w.StartDate != in.PreferredStart || w.EndDate != start.AddDate(0, 0, advisory.DefaultWorkshopDays-1).Format("2006-01-02") {
		t.Errorf("dates %s–%s, want %d days from %s", w.StartDate, w.EndDate, advisory.DefaultWorkshopDays, in.PreferredStart)
	}
	for _, l := range []string{"ar", "en", "fr"} {
		if strings.Contains(w.Description[l], "budget line") || w.Description[l] == "" {
			t.Errorf("%s description %q copies the needs (or is empty)", l, w.Description[l])
		}
	}
	// Both ways: the request names its workshop, the workshop's admin page its request.
	if page := sc.get(fmt.Sprintf("/en/advisory/%d", r.ID)).Body; !strings.Contains(page, fmt.Sprintf(`/en/admin/workshops/%d"`, w.ID)) {
		t.Errorf("the request does not link to its workshop")
	}
	if page := sc.get(fmt.Sprintf("/en/admin/workshops/%d", w.ID)).Body; !strings.Contains(page, fmt.Sprintf(`href="/en/advisory/%d"`, r.ID)) ||
		!strings.Contains(page, "This workshop was created from") {
		t.Errorf("the workshop's admin page does not link to its request")
	}
}

// TestAdvisoryDueDateRules: a due date set may not be past, the delivery comes after the
// response, and while the country waits the response date is cleared or postponed only with
// a reason, which the country sees on its page and in its mail, and the audit log keeps.
func TestAdvisoryDueDateRules(t *testing.T) {
	p := newPlatform(t)
	_, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	fc := advLogin(t, p, "fp.jo@example.org")
	sc, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	sc.lang, fc.lang = "en", "en"
	r := advSubmit(t, p, fp, "JO")
	path := fmt.Sprintf("/en/advisory/%d/assign", r.ID)
	day := func(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format("2006-01-02") }
	for _, tc := range []struct {
		what        string
		form        url.Values
		field, want string
	}{
		{"a response due yesterday", url.Values{"response_due": {day(-1)}}, "response_due", "This date has already passed."},
		{"a delivery before the response", url.Values{"response_due": {day(10)}, "delivery_due": {day(5)}}, "delivery_due", "The delivery cannot be due before the response."},
		{"the response date cleared without a reason", url.Values{"response_due": {""}}, "due_note", "Say why the response due date is cleared or postponed"},
		{"the response date postponed without a reason", url.Values{"response_due": {day(60)}}, "due_note", "Say why"},
	} {
		res := sc.post(path, tc.form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.want) || !strings.Contains(res.Body, `id="e-`+tc.field+`"`) {
			t.Errorf("%s: %d, want 422 on %s", tc.what, res.Status, tc.field)
		}
	}
	if got, _ := p.Advisory.Get(context.Background(), fp, r.ID); got.ResponseDue != r.ResponseDue {
		t.Fatalf("a refused change was saved: %s", got.ResponseDue)
	}
	n := len(advOutbox(t, p))
	reason := "The ministry asked to wait for its new minister."
	if res := sc.post(path, url.Values{"response_due": {""}, "due_note": {reason}}); res.Status != http.StatusSeeOther {
		t.Fatalf("clearing with a reason: %d", res.Status)
	}
	if page := fc.get(fmt.Sprintf("/en/advisory/%d", r.ID)).Body; !strings.Contains(page, reason) {
		t.Errorf("the country does not see why its response date was cleared")
	}
	told := false
	for _, m := range advOutbox(t, p)[n:] {
		told = told || m.To == fp.Email && strings.Contains(m.Text, reason)
	}
	if !told {
		t.Errorf("the country was not told why")
	}
	entries, _, err := audit.List(context.Background(), p.DB, audit.Filter{Subject: fmt.Sprintf("advisory:%d", r.ID), Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, e := range entries {
		fields = append(fields, e.Field)
	}
	if j := strings.Join(fields, " "); !strings.Contains(j, "response_due ") && !strings.HasSuffix(j, "response_due") || !strings.Contains(j, "response_due_note") {
		t.Errorf("audit fields %v", fields)
	}
}

// TestAdvisoryAttachmentRemoval: a file is removed by whoever attached it or by staff, while
// the request is open, and the audit log keeps its name; anyone else is refused.
func TestAdvisoryAttachmentRemoval(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	fc := advLogin(t, p, "fp.jo@example.org")
	_, fp2 := account(t, p, "fp2.jo@example.org", officials.RoleFocalPoint, "JO")
	_, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	r, err := p.Advisory.Create(ctx, fp, advisory.Input{Country: "JO", RequestingBody: "Ministry", Phases: []int{1}, Topics: []string{"action_plan"},
		Needs: "We need help drafting the national action plan.", SupportKinds: []string{"policy_review"}, Language: "ar", Letter: advLetter()},
		[]advisory.File{{Name: "mine.pdf", Data: advSamplePDF}})
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.Advisory.AddAttachments(ctx, staff, r.ID, []advisory.File{{Name: "staff-notes.pdf", Data: advSamplePDF}})
	if err != nil {
		t.Fatal(err)
	}
	mine, theirs := as[0].ID, as[1].ID
	page := fc.get(fmt.Sprintf("/ar/advisory/%d", r.ID)).Body
	if !strings.Contains(page, fmt.Sprintf("/attachments/%d/delete", mine)) || strings.Contains(page, fmt.Sprintf("/attachments/%d/delete", theirs)) {
		t.Errorf("the remove button is offered on the wrong files")
	}
	if err := p.Advisory.RemoveAttachment(ctx, fp2, r.ID, mine); err != advisory.ErrNotUploader {
		t.Errorf("another focal point removed the file: %v", err)
	}
	if err := p.Advisory.RemoveAttachment(ctx, fp, r.ID, theirs); err != advisory.ErrNotUploader {
		t.Errorf("the focal point removed staff's file: %v", err)
	}
	if res := fc.post(fmt.Sprintf("/ar/advisory/%d/attachments/%d/delete", r.ID, mine), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("removing one's own file: %d", res.Status)
	}
	if left, _ := p.Advisory.Attachments(ctx, fp, r.ID); len(left) != 1 || left[0].ID != theirs {
		t.Errorf("left: %+v", left)
	}
	entries, _, _ := audit.List(ctx, p.DB, audit.Filter{Subject: fmt.Sprintf("advisory:%d", r.ID), Limit: 50})
	found := false
	for _, e := range entries {
		found = found || e.Action == "advisory.detach" && strings.Contains(e.From, "mine.pdf")
	}
	if !found {
		t.Error("the removal is not in the audit log")
	}
	// Once the request has ended, its files stay.
	advMoveTo(t, p, staff, fp, r, advisory.StatusCompleted)
	if err := p.Advisory.RemoveAttachment(ctx, staff, r.ID, theirs); err != advisory.ErrClosed {
		t.Errorf("a file removed from a completed request: %v", err)
	}
}

// TestAdvisoryFormerRequesterNamed: a request whose requester deleted their account says
// "former account" where the name was, not a gap.
func TestAdvisoryFormerRequesterNamed(t *testing.T) {
	p := newPlatform(t)
	_, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	r := advSubmit(t, p, fp, "JO")
	if err := p.Officials.Erase(context.Background(), audit.Actor{Email: "test"}, fp.ID, "asked"); err != nil {
		t.Fatal(err)
	}
	page := sc.get(fmt.Sprintf("/ar/advisory/%d", r.ID)).Body
	if !strings.Contains(page, "قُدِّم باسم حساب سابق (محذوف) في") {
		t.Errorf("the header does not name the former account:\n%s", excerpt(page))
	}
	if strings.Contains(page, "قُدِّم باسم  في") || strings.Contains(page, "باسم  ") {
		t.Error("a gap where the requester's name was")
	}
}

// TestStaffEnterAndCorrectSelfAssessment: staff enter a country's self-assessment on its
// behalf (an old date accepted), then correct it; the country page shows who did it, and the
// correction's before and after.
func TestStaffEnterAndCorrectSelfAssessment(t *testing.T) {
	p := newPlatform(t)
	_, _ = account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	sc.lang = "en"
	form := url.Values{"assessed_on": {"1998-06-30"}, "note": {"From the 1998 mission report."}}
	for ph := 1; ph <= 4; ph++ {
		for _, o := range advisory.Objectives {
			form.Set(advisory.CellField(ph, o), "1")
		}
	}
	if res := sc.get("/en/countries/JO/assessment"); res.Status != 200 || !strings.Contains(res.Body, "on behalf of Jordan") {
		t.Fatalf("staff's assessment form: %d", res.Status)
	}
	if res := sc.post("/en/countries/JO/assessment", form); res.Status != http.StatusSeeOther {
		t.Fatalf("an assessment dated 1998 by staff: %d %s", res.Status, excerpt(res.Body))
	}
	as, err := p.Advisory.Assessments(context.Background(), staff, "JO")
	if err != nil || len(as) != 1 || as[0].AssessedOn != "1998-06-30" || !as[0].By.Staff {
		t.Fatalf("saved: %v %+v", err, as)
	}
	form.Set("assessment_id", fmt.Sprint(as[0].ID))
	form.Set(advisory.CellField(2, "legal_regulatory"), "3")
	form.Set("assessed_on", "1998-07-01")
	if res := sc.post("/en/countries/JO/assessment", form); res.Status != http.StatusSeeOther {
		t.Fatalf("correction: %d %s", res.Status, excerpt(res.Body))
	}
	page := sc.get("/en/countries/JO").Body
	for _, want := range []string{"Corrections", "30 June 1998 → 1 July 1998", "Setting up legal and regulatory frameworks: 1 → 3"} {
		if !strings.Contains(page, want) {
			t.Errorf("the country page lacks %q", want)
		}
	}
	// The same history in the API.
	res := sc.api("GET", "/api/v1/countries/JO/assessments/changes", advToken(t, p, staff), "")
	var chs struct {
		Data []advisory.AssessmentChange `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.Body), &chs); err != nil || len(chs.Data) != 1 || chs.Data[0].By.ID != staff.ID ||
		chs.Data[0].Before.Levels["2"]["legal_regulatory"] != 1 || chs.Data[0].After.Levels["2"]["legal_regulatory"] != 3 {
		t.Errorf("API corrections: %d %s", res.Status, res.Body)
	}
}

// TestPageMessagesAgreeWithGender: in Arabic, the request's header and the country's latest
// self-assessment say «قدّمته/أجرته» of a woman and «قدّمه/أجراه» of a man.
func TestPageMessagesAgreeWithGender(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, woman := aqPerson(t, p, "huda@mode.gov.jo", "هدى عبد الله", "Huda Abdullah", "female", "ar", officials.RoleFocalPoint, "JO")
	_, man := aqPerson(t, p, "sami@mode.gov.jo", "سامي خليل", "Sami Khalil", "male", "ar", officials.RoleFocalPoint, "JO")
	sc, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	grid := advisory.AssessmentInput{Levels: map[string]map[string]int{}}
	for ph := 1; ph <= 4; ph++ {
		grid.Levels[fmt.Sprint(ph)] = map[string]int{}
		for _, o := range advisory.Objectives {
			grid.Levels[fmt.Sprint(ph)][o] = 1
		}
	}
	for _, tc := range []struct {
		who               *officials.Official
		submitted, latest string
	}{
		{woman, "قدّمته هدى عبد الله", "أجرته هدى عبد الله"},
		{man, "قدّمه سامي خليل", "أجراه سامي خليل"},
	} {
		r := advSubmit(t, p, tc.who, "JO")
		if page := sc.get(fmt.Sprintf("/ar/advisory/%d", r.ID)).Body; !strings.Contains(page, tc.submitted) {
			t.Errorf("the request's header lacks %q", tc.submitted)
		}
		if _, err := p.Advisory.SaveAssessment(ctx, tc.who, "JO", grid); err != nil {
			t.Fatal(err)
		}
		if page := sc.get("/ar/countries/JO").Body; !strings.Contains(page, tc.latest) {
			t.Errorf("the country page lacks %q", tc.latest)
		}
	}
}

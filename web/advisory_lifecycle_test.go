package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
)

// TestAdvisoryLetterOnTheForm: the new-request form asks for the ministry's letter; without it
// the form comes back with the typed values and a message next to the letter's file, and
// nothing is saved; with it the request's page shows the letter with its file.
func TestAdvisoryLetterOnTheForm(t *testing.T) {
	p := newPlatform(t)
	fc, _ := account(t, p, "focal.jo@example.org", officials.RoleFocalPoint, "JO")
	if r := fc.get("/ar/advisory/new"); !strings.Contains(r.Body, `name="letter_reference"`) || !strings.Contains(r.Body, `name="letter_file"`) ||
		!strings.Contains(r.Body, "الكتاب الرسمي للوزارة") {
		t.Fatalf("the form does not ask for the letter")
	}
	r := fc.advPostMultipart("/ar/advisory/new", advForm())
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-letter_file"`) || !strings.Contains(r.Body, "أرفقوا الكتاب الرسمي الموقَّع") ||
		!strings.Contains(r.Body, `value="MoDEE/2026/118"`) || !strings.Contains(r.Body, "د. سامي حداد") {
		t.Fatalf("no letter file: %d", r.Status)
	}
	future := advForm()
	future.Set("letter_date", advDay(10))
	r = fc.advPostMultipart("/ar/advisory/new", future, advUpload{"letter_file", "letter.pdf", advSamplePDF})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-letter_date"`) || !strings.Contains(r.Body, "لا يمكن أن يكون تاريخ الكتاب في المستقبل") {
		t.Errorf("letter dated in the future: %d", r.Status)
	}
	if n := advCountRequests(t, p); n != 0 {
		t.Fatalf("refused forms saved %d requests", n)
	}
	r = fc.advPostMultipart("/ar/advisory/new", advForm(), advUpload{"letter_file", "كتاب الوزارة.pdf", advSamplePDF})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("submit with the letter: %d", r.Status)
	}
	page := fc.get(r.Location)
	if !strings.Contains(page.Body, "MoDEE/2026/118") || !strings.Contains(page.Body, "كتاب الوزارة.pdf") || !strings.Contains(page.Body, "الأمين العام") {
		t.Errorf("the request's page lacks the letter")
	}
}

// TestAdvisoryLifecycleThroughPages walks a request through its steps on the pages, staff
// and the country each taking theirs: a move whose step is missing is refused with its
// message (409), the timeline lists every step, and the internal note stays with staff.
func TestAdvisoryLifecycleThroughPages(t *testing.T) {
	p := newPlatform(t)
	fc, fp := account(t, p, "focal.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	sc.lang = "en"
	ctx := context.Background()
	r := advSubmit(t, p, fp, "JO")
	advMoveTo(t, p, staff, fp, r, advisory.StatusAccepted)
	base := fmt.Sprintf("/en/advisory/%d", r.ID)
	arBase := fmt.Sprintf("/ar/advisory/%d", r.ID)
	const note = "Donor confirmation still pending for the second mission."
	if res := sc.post(base+"/comments", url.Values{"note": {note}, "internal": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("note: %d", res.Status)
	}
	if _, err := p.Advisory.Assign(ctx, staff, r.ID, advisory.Assignment{LeadExpert: "Dr Amal Nasser"}); err != nil {
		t.Fatal(err)
	}
	// Planning before the country agreed to terms of reference: refused, said in the page's language.
	if res := sc.post(base+"/transition", url.Values{"to": {"planned"}}); res.Status != http.StatusConflict ||
		!strings.Contains(res.Body, "The country must agree to terms of reference") {
		t.Errorf("planned without terms of reference: %d", res.Status)
	}
	// Staff propose the terms of reference; the file is required.
	if res := sc.advPostMultipart(base+"/tor", url.Values{"tor_summary": {"Scope."}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-tor_file"`) {
		t.Errorf("terms of reference without a file: %d", res.Status)
	}
	if res := sc.advPostMultipart(base+"/tor", url.Values{"tor_summary": {"Scope, team and calendar."}}, advUpload{"tor_file", "tor-v1.pdf", advSamplePDF}); res.Status != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", res.Status, res.Body)
	}
	vs, err := p.Advisory.TorVersions(ctx, fp, r.ID)
	if err != nil || len(vs) != 1 {
		t.Fatalf("versions: %v %v", vs, err)
	}
	// The country's page offers to agree; asking for changes without a comment is refused.
	page := fc.get(arBase)
	if !strings.Contains(page.Body, fmt.Sprintf(`action="/ar/advisory/%d/tor/%d/decision"`, r.ID, vs[0].ID)) || !strings.Contains(page.Body, "الموافقة على هذا الإصدار") {
		t.Fatal("the country's page does not offer to agree to the terms of reference")
	}
	decision := fmt.Sprintf("%s/tor/%d/decision", arBase, vs[0].ID)
	if res := fc.post(decision, url.Values{"decision": {"changes"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-tor_comment"`) {
		t.Errorf("changes without a comment: %d", res.Status)
	}
	if res := sc.post(strings.Replace(decision, "/ar/", "/en/", 1), url.Values{"decision": {"agree"}}); res.Status != http.StatusForbidden {
		t.Errorf("staff agree for the country: %d", res.Status)
	}
	if res := fc.post(decision, url.Values{"decision": {"agree"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("agree: %d %s", res.Status, res.Body)
	}
	if res := sc.post(base+"/transition", url.Values{"to": {"planned"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("planned: %d", res.Status)
	}
	// A mission: the end before the start is refused next to the field, with the typed values.
	bad := url.Values{"mission_start": {advDay(20)}, "mission_end": {advDay(18)}, "mission_city": {"Irbid"}, "mission_team": {"Dr Amal Nasser"}}
	if res := sc.post(base+"/missions", bad); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-mission_end"`) || !strings.Contains(res.Body, `value="Irbid"`) {
		t.Errorf("mission ending before it starts: %d", res.Status)
	}
	if res := sc.post(base+"/missions", url.Values{"mission_start": {advDay(20)}, "mission_end": {advDay(22)}, "mission_city": {"Irbid"}, "mission_agenda": {"Day 1: data inventory."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("mission: %d %s", res.Status, res.Body)
	}
	if res := sc.post(base+"/transition", url.Values{"to": {"in_progress"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("in progress: %d", res.Status)
	}
	// A deliverable, delivered by staff with its file, accepted by the country.
	if res := sc.post(base+"/deliverables", url.Values{"deliverable_title": {"Open data roadmap"}, "deliverable_due": {advDay(-3)}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-deliverable_due"`) {
		t.Errorf("deliverable due in the past: %d", res.Status)
	}
	if res := sc.post(base+"/deliverables", url.Values{"deliverable_title": {"Open data roadmap"}, "deliverable_due": {advDay(30)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("deliverable: %d", res.Status)
	}
	if res := sc.post(base+"/transition", url.Values{"to": {"completed"}}); res.Status != http.StatusConflict || !strings.Contains(res.Body, "Every deliverable must be delivered") {
		t.Errorf("completed with an open deliverable: %d", res.Status)
	}
	ds, _ := p.Advisory.Deliverables(ctx, staff, r.ID)
	move := fmt.Sprintf("%s/deliverables/%d/status", base, ds[0].ID)
	if res := fc.post(strings.Replace(move, "/en/", "/ar/", 1), url.Values{"status": {"delivered"}}); res.Status != http.StatusForbidden {
		t.Errorf("the country marks a deliverable delivered: %d", res.Status)
	}
	if res := sc.advPostMultipart(move, url.Values{"status": {"delivered"}}, advUpload{"deliverable_file", "roadmap.pdf", advSamplePDF}); res.Status != http.StatusSeeOther {
		t.Fatalf("deliver: %d %s", res.Status, res.Body)
	}
	if res := fc.post(strings.Replace(move, "/en/", "/ar/", 1), url.Values{"status": {"accepted"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.Status)
	}
	if res := sc.post(base+"/transition", url.Values{"to": {"completed"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("completed: %d", res.Status)
	}
	// The closing report goes in after completion; attachments still do not.
	if res := sc.advPostMultipart(base+"/closing-report", url.Values{"closing_summary": {"Roadmap adopted by the ministry."}},
		advUpload{"closing_file", "closing-report.pdf", advSamplePDF}); res.Status != http.StatusSeeOther {
		t.Fatalf("closing report after completion: %d %s", res.Status, res.Body)
	}
	// Staff tag it for the outcomes.
	if res := sc.post(base+"/tags", url.Values{"sdg_targets": {"16.6", "16.10"}, "objectives": {"technology_channels"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("tags: %d", res.Status)
	}
	// The timeline: every step, for both sides; the internal note for staff only.
	staffPage := sc.get(base)
	countryPage := fc.get(arBase)
	for _, want := range []string{"Terms of reference proposed (version 1)", "Terms of reference agreed by the country (version 1)", "Mission scheduled",
		"Deliverable «Open data roadmap»: Accepted", "Closing report filed", "SDG targets and objectives set", "Internal note", note} {
		if !strings.Contains(staffPage.Body, want) {
			t.Errorf("staff timeline lacks %q", want)
		}
	}
	for _, want := range []string{"اقتراح الشروط المرجعية (الإصدار 1)", "موافقة الدولة على الشروط المرجعية (الإصدار 1)", "تحديد بعثة", "إيداع التقرير الختامي",
		"closing-report.pdf", "16.10 — وصول الجمهور إلى المعلومات"} {
		if !strings.Contains(countryPage.Body, want) {
			t.Errorf("country's page lacks %q", want)
		}
	}
	if strings.Contains(countryPage.Body, note) || strings.Contains(countryPage.Body, "ملاحظة داخلية") {
		t.Error("the country's page shows the internal note")
	}
	c := newClient(t, p)
	res := c.api("GET", fmt.Sprintf("/api/v1/advisory/%d/timeline", r.ID), advToken(t, p, fp), "")
	if res.Status != 200 || strings.Contains(res.Body, note) || strings.Contains(res.Body, `"staff_only":true`) || !strings.Contains(res.Body, `"kind":"tor_agreed"`) {
		t.Errorf("the country's timeline through the API: %s", res.Body)
	}
	res = c.api("GET", fmt.Sprintf("/api/v1/advisory/%d", r.ID), advToken(t, p, fp), "")
	if strings.Contains(res.Body, note) || !strings.Contains(res.Body, `"reference":"MoDEE/2026/118"`) {
		t.Errorf("the country's detail through the API: %s", res.Body)
	}
	// Reopening needs a reason, and is on the timeline with it.
	if res := sc.post(base+"/transition", url.Values{"to": {"in_progress"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-reason"`) {
		t.Errorf("reopen without a reason: %d", res.Status)
	}
	if !strings.Contains(staffPage.Body, "Reopen the request") {
		t.Error("the completed request's page does not offer to reopen it")
	}
	if res := sc.post(base+"/transition", url.Values{"to": {"in_progress"}, "reason": {"Completed by mistake: the second mission is due."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("reopen: %d", res.Status)
	}
	if page := fc.get(arBase); !strings.Contains(page.Body, "Completed by mistake: the second mission is due.") {
		t.Error("the country's timeline lacks the reason for reopening")
	}
}

// TestAdvisoryLifecycleAPI: each step's API refuses a step out of order with its stable code.
func TestAdvisoryLifecycleAPI(t *testing.T) {
	p := newPlatform(t)
	_, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	_, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	c := newClient(t, p)
	st, ft := advToken(t, p, staff), advToken(t, p, fp)
	r := advSubmit(t, p, fp, "JO")
	id := fmt.Sprint(r.ID)
	file := `"file": {"filename": "tor.pdf", "data": "JVBERi0xLjQKJSVFT0YK"}`
	if res := c.api("POST", "/api/v1/advisory/"+id+"/tor", st, `{"summary": "x", `+file+`}`); res.Status != http.StatusConflict || !strings.Contains(res.Body, `"code":"step_not_possible"`) {
		t.Errorf("terms of reference of a submitted request: %d %s", res.Status, res.Body)
	}
	advMoveTo(t, p, staff, fp, r, advisory.StatusAccepted)
	if res := c.api("POST", "/api/v1/advisory/"+id+"/transition", st, `{"to": "planned"}`); res.Status != http.StatusConflict {
		t.Errorf("planned without a lead expert or terms of reference: %d %s", res.Status, res.Body)
	}
	res := c.api("POST", "/api/v1/advisory/"+id+"/tor", st, `{"summary": "Scope.", `+file+`}`)
	var v struct {
		Data advisory.TorVersion `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil || res.Status != http.StatusCreated || v.Data.Version != 1 {
		t.Fatalf("propose: %d %s", res.Status, res.Body)
	}
	dec := fmt.Sprintf("/api/v1/advisory/%s/tor/%d/decision", id, v.Data.ID)
	if res := c.api("POST", dec, ft, `{"decision": "maybe"}`); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"decision"`) {
		t.Errorf("unknown decision: %d %s", res.Status, res.Body)
	}
	if res := c.api("POST", dec, ft, `{"decision": "agree"}`); res.Status != http.StatusOK || !strings.Contains(res.Body, `"status":"agreed"`) {
		t.Fatalf("agree: %d %s", res.Status, res.Body)
	}
	if res := c.api("POST", dec, ft, `{"decision": "agree"}`); res.Status != http.StatusConflict || !strings.Contains(res.Body, `"code":"tor_not_pending"`) {
		t.Errorf("agree twice: %d %s", res.Status, res.Body)
	}
	if res := c.api("POST", "/api/v1/advisory/"+id+"/missions", st, `{"start_date": "2020-01-01", "end_date": "2020-01-02", "city": "Amman"}`); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, `"start_date"`) {
		t.Errorf("mission in the past: %d %s", res.Status, res.Body)
	}
	res = c.api("POST", "/api/v1/advisory/"+id+"/deliverables", st, `{"title": "Roadmap", "due_date": "`+advDay(10)+`"}`)
	var d struct {
		Data advisory.Deliverable `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.Body), &d); err != nil || res.Status != http.StatusCreated {
		t.Fatalf("deliverable: %d %s", res.Status, res.Body)
	}
	move := fmt.Sprintf("/api/v1/advisory/%s/deliverables/%d/status", id, d.Data.ID)
	if res := c.api("POST", move, st, `{"status": "accepted"}`); res.Status != http.StatusConflict || !strings.Contains(res.Body, `"code":"deliverable_move_forbidden"`) {
		t.Errorf("planned → accepted: %d %s", res.Status, res.Body)
	}
	if res := c.api("POST", "/api/v1/advisory/"+id+"/follow-up", ft, `{"rating": 5, "used": "fully", "changes": "x"}`); res.Status != http.StatusConflict ||
		!strings.Contains(res.Body, `"code":"followup_not_open"`) {
		t.Errorf("follow-up before completion: %d %s", res.Status, res.Body)
	}
	if res := c.api("PUT", "/api/v1/advisory/"+id+"/tags", st, `{"sdg_targets": ["16.7"], "objectives": ["institutional"]}`); res.Status != http.StatusOK ||
		!strings.Contains(res.Body, `"sdg_targets":["16.7"]`) {
		t.Errorf("tags: %d %s", res.Status, res.Body)
	}
	// Creating through the API without the letter: 422 naming its fields.
	b, _ := json.Marshal(map[string]any{"requesting_body": "Ministry", "phases": []int{1}, "topics": []string{"action_plan"},
		"needs": "Twenty characters or more of needs.", "support_kinds": []string{"policy_review"}, "language": "en"})
	if res := c.api("POST", "/api/v1/advisory", ft, string(b)); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"letter_file"`) ||
		!strings.Contains(res.Body, `"letter_reference"`) {
		t.Errorf("create without a letter: %d %s", res.Status, res.Body)
	}
}

// TestAdvisoryOutcomesReported: ratings (collected on completion) and on-time delivery are
// reported by SDG target and objective on the outcomes page, the country page, the export
// and the API, each to whom may see them.
func TestAdvisoryOutcomesReported(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	fc, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	sc.lang = "en"
	_, tn := account(t, p, "fp.tn@example.org", officials.RoleFocalPoint, "TN")
	a := advSubmit(t, p, fp, "JO")
	b := advSubmit(t, p, tn, "TN")
	for _, r := range []*advisory.Request{a, b} {
		if _, err := p.Advisory.SetTags(ctx, staff, r.ID, advisory.Tags{SDGTargets: []string{"16.6"}, Objectives: []string{"legal_regulatory"}}); err != nil {
			t.Fatal(err)
		}
	}
	advMoveTo(t, p, staff, fp, a, advisory.StatusInProgress)
	d, err := p.Advisory.AddDeliverable(ctx, staff, a.ID, advisory.DeliverableInput{Title: "Draft law review", DueDate: advDay(15)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Advisory.SetDeliverableStatus(ctx, staff, a.ID, d.ID, advisory.DeliverableDelivered, &advisory.File{Name: "review.pdf", Data: advSamplePDF}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Advisory.Transition(ctx, staff, a.ID, advisory.StatusCompleted, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Advisory.Rate(ctx, fp, a.ID, 4, "Useful."); err != nil {
		t.Fatal(err)
	}
	if list := fc.get("/ar/advisory"); !strings.Contains(list.Body, `href="/ar/advisory/outcomes"`) {
		t.Error("the list of requests does not lead to the outcomes")
	}
	page := sc.get("/en/advisory/outcomes")
	if page.Status != 200 || !strings.Contains(page.Body, `<tr class="sdg-16.6"><th scope="row">16.6 — Effective, accountable and transparent institutions</th><td>2</td><td>1</td><td>4</td><td>1</td><td>—</td><td>1 / 1</td><td>100%</td></tr>`) {
		t.Errorf("staff outcomes page: %d %s", page.Status, excerptOf(page.Body, "sdg-16.6"))
	}
	// The country sees its own figures only: one request, not Tunisia's.
	page = fc.get("/ar/advisory/outcomes")
	if !strings.Contains(page.Body, `<tr class="sdg-16.6"><th scope="row">16.6 — مؤسسات فعّالة وخاضعة للمساءلة وشفّافة</th><td>١</td>`) &&
		!strings.Contains(page.Body, `<tr class="sdg-16.6"><th scope="row">16.6 — مؤسسات فعّالة وخاضعة للمساءلة وشفّافة</th><td>1</td>`) {
		t.Errorf("country outcomes page: %s", excerptOf(page.Body, "sdg-16.6"))
	}
	if page := fc.get("/ar/countries/JO"); !strings.Contains(page.Body, `id="outcomes-sdg"`) || !strings.Contains(page.Body, "16.6 — ") {
		t.Error("the country page lacks the outcomes")
	}
	// The API, scoped the same way.
	c := newClient(t, p)
	res := c.api("GET", "/api/v1/advisory/outcomes?country=TN", advToken(t, p, fp), "")
	if res.Status != http.StatusNotFound {
		t.Errorf("a focal point reads another country's outcomes: %d", res.Status)
	}
	res = c.api("GET", "/api/v1/advisory/outcomes", advToken(t, p, staff), "")
	var out struct {
		Data advisory.Outcomes `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.Body), &out); err != nil || out.Data.Total.Requests != 2 || out.Data.Total.RatingAverage == nil ||
		*out.Data.Total.RatingAverage != 4 || out.Data.Total.OnTimeRate == nil || *out.Data.Total.OnTimeRate != 1 {
		t.Errorf("API outcomes: %v %s", err, res.Body)
	}
	// The export's second sheet.
	res = sc.get("/en/advisory/export.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Advisory outcomes")
	if err != nil {
		t.Fatalf("export sheets %v: %v", f.GetSheetList(), err)
	}
	found := false
	for _, row := range rows {
		if len(row) >= 10 && row[1] == "16.6 — Effective, accountable and transparent institutions" {
			found = row[2] == "2" && row[3] == "1" && row[4] == "4" && row[7] == "1" && row[8] == "1" && row[9] == "1"
		}
	}
	if !found {
		t.Errorf("export's outcomes sheet: %v", rows)
	}
	main, _ := f.GetRows(f.GetSheetName(0))
	if last := main[0][len(main[0])-2]; last != "SDG targets served" {
		t.Errorf("export's tag column: %q", last)
	}
}

// excerptOf is the part of body around s, for failure messages.
func excerptOf(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return "(" + s + " not found)"
	}
	return body[max(0, i-100):min(len(body), i+600)]
}

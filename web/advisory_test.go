package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/workshops"
)

// advSamplePDF is the smallest file that is a PDF by its content.
var advSamplePDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// advForm is a valid new-request form.
func advForm() url.Values {
	return url.Values{
		"requesting_body": {"وزارة الاقتصاد الرقمي والريادة"}, "phases": {"1", "2"},
		"topics": {"open_data_portal", "e_participation"}, "needs": {"نحتاج إلى دعم في إطلاق بوابة وطنية للبيانات المفتوحة وتدريب فرق الوزارات."},
		"support_kinds": {"advisory_mission", "national_workshop"}, "language": {"ar"},
		"start_departments": {"دائرة الإحصاءات العامة"}, "extend_departments": {"وزارة الصحة\nوزارة التربية"},
		"letter_reference": {"MoDEE/2026/118"}, "letter_date": {"2026-01-15"}, "letter_signatory_name": {"د. سامي حداد"},
		"letter_signatory_title": {"الأمين العام"},
	}
}

type advUpload struct {
	field, name string
	data        []byte
}

// advPostMultipart sends a multipart form with files and this browser's CSRF advToken.
func (c *client) advPostMultipart(path string, form url.Values, files ...advUpload) response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/" + c.lang + "/login")
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.csrf)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := w.CreateFormFile(f.field, f.name)
		_, _ = fw.Write(f.data)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// advSubmit creates a request through the service as u, with the sample form.
func advSubmit(t testing.TB, p *platform.Platform, u *officials.Official, country string) *advisory.Request {
	t.Helper()
	in := advisory.Input{Country: country, RequestingBody: "Ministry of Planning", Phases: []int{1, 3}, Topics: []string{"action_plan"},
		Needs: "We need help drafting the national open-government action plan.", SupportKinds: []string{"policy_review"}, Language: "en",
		Letter: advLetter()}
	r, err := p.Advisory.Create(context.Background(), u, in, nil)
	if err != nil {
		t.Fatalf("create request: %v", err)
	}
	return r
}

// advMoveTo walks request r along the happy path until it reaches state to.
func advMoveTo(t testing.TB, p *platform.Platform, staff, focal *officials.Official, r *advisory.Request, to string) {
	t.Helper()
	ctx := context.Background()
	path := map[string][]string{
		advisory.StatusSubmitted:   nil,
		advisory.StatusUnderReview: {"under_review"},
		advisory.StatusAccepted:    {"under_review", "accepted"},
		advisory.StatusDeclined:    {"under_review", "declined"},
		advisory.StatusPlanned:     {"under_review", "accepted", "planned"},
		advisory.StatusInProgress:  {"under_review", "accepted", "planned", "in_progress"},
		advisory.StatusCompleted:   {"under_review", "accepted", "planned", "in_progress", "completed"},
		advisory.StatusWithdrawn:   {"withdrawn"},
	}[to]
	for _, st := range path {
		by := staff
		if st == advisory.StatusWithdrawn {
			by = focal
		}
		if st == advisory.StatusPlanned {
			if _, err := p.Advisory.Assign(ctx, staff, r.ID, advisory.Assignment{LeadExpert: "Dr Amal Nasser"}); err != nil {
				t.Fatal(err)
			}
		}
		advStepsBefore(t, p, staff, focal, r.ID, st)
		if _, err := p.Advisory.Transition(ctx, by, r.ID, st, "Out of the programme's scope this year."); err != nil {
			t.Fatalf("move %d to %s: %v", r.ID, st, err)
		}
	}
}

func advToken(t testing.TB, p *platform.Platform, o *officials.Official) string {
	t.Helper()
	tok, err := p.Officials.CreateAPIToken(context.Background(), o.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// advOutbox lists every message produced so far, oldest first.
func advOutbox(t testing.TB, p *platform.Platform) []mail.Item {
	t.Helper()
	items, _, err := p.Mailer.List(context.Background(), 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(items)
	return items
}

// TestAdvisoryRequestLifecycle follows a request from a focal point's form to completion:
// the staff's moves, the lead expert required before planning, the rating, the audit log.
func TestAdvisoryRequestLifecycle(t *testing.T) {
	p := newPlatform(t)
	fc, fp := account(t, p, "focal.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	sc.lang = "en"

	// An incomplete form comes back with the typed values and messages next to the fields.
	bad := advForm()
	bad.Del("phases")
	bad.Set("needs", "قصير")
	r := fc.advPostMultipart("/ar/advisory/new", bad)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-phases"`) || !strings.Contains(r.Body, `id="e-needs"`) ||
		!strings.Contains(r.Body, "وزارة الاقتصاد الرقمي والريادة") || !strings.Contains(r.Body, "اختاروا مرحلة واحدة على الأقل") {
		t.Fatalf("incomplete form: %d", r.Status)
	}
	if n := advCountRequests(t, p); n != 0 {
		t.Fatalf("an invalid form saved %d requests", n)
	}

	r = fc.advPostMultipart("/ar/advisory/new", advForm(), advUpload{"attachments", "note-verbale.pdf", advSamplePDF},
		advUpload{"letter_file", "letter.pdf", advSamplePDF})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/ar/advisory/") {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	page := fc.get(r.Location)
	if page.Status != 200 || !strings.Contains(page.Body, "note-verbale.pdf") || !strings.Contains(page.Body, "status-submitted") ||
		!strings.Contains(page.Body, "بوابة البيانات المفتوحة") || !strings.Contains(page.Body, "قُدِّم طلبكم بنجاح") {
		t.Fatalf("request page after submitting: %d", page.Status)
	}
	id := strings.TrimPrefix(r.Location, "/ar/advisory/")
	base := "/en/advisory/" + id

	// The staff's list shows it; the focal point's page offers only withdrawal.
	if r := sc.get("/en/advisory"); !strings.Contains(r.Body, `href="/en/advisory/`+id+`"`) {
		t.Error("staff list lacks the new request")
	}
	if strings.Contains(page.Body, `name="to" value="under_review"`) || !strings.Contains(page.Body, `name="to" value="withdrawn"`) {
		t.Error("focal point's page offers the wrong moves")
	}
	for _, st := range []string{"under_review", "accepted"} {
		if r := sc.post(base+"/transition", url.Values{"to": {st}}); r.Status != http.StatusSeeOther {
			t.Fatalf("move to %s: %d %s", st, r.Status, r.Body)
		}
	}
	// Planning needs a lead expert: refused with a clear message, then done once assigned.
	if r := sc.post(base+"/transition", url.Values{"to": {"planned"}}); r.Status != http.StatusConflict ||
		!strings.Contains(r.Body, "Assign an owner from the programme&#39;s staff, or name the lead expert") {
		t.Errorf("planned without a lead expert: %d", r.Status)
	}
	if r := sc.post(base+"/assign", url.Values{"lead_expert": {"Dr Amal Nasser"}, "response_due": {"2030-13-01"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, `id="e-response_due"`) || !strings.Contains(r.Body, `value="Dr Amal Nasser"`) {
		t.Errorf("bad due date: %d", r.Status)
	}
	if r := sc.post(base+"/assign", url.Values{"lead_expert": {"Dr Amal Nasser"}, "delivery_due": {"2030-06-30"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	rid, _ := strconv.ParseInt(id, 10, 64)
	for _, st := range []string{"planned", "in_progress", "completed"} {
		advStepsBefore(t, p, staff, fp, rid, st) // terms of reference agreed, a mission
		if r := sc.post(base+"/transition", url.Values{"to": {st}}); r.Status != http.StatusSeeOther {
			t.Fatalf("move to %s: %d %s", st, r.Status, r.Body)
		}
	}
	// A closed request can no longer be moved or assigned.
	if r := sc.post(base+"/transition", url.Values{"to": {"planned"}}); r.Status != http.StatusConflict {
		t.Errorf("move a completed request back to planned: %d", r.Status)
	}
	// The country rates the completed support, once.
	page = fc.get("/ar/advisory/" + id)
	if !strings.Contains(page.Body, `id="rating"`) {
		t.Fatal("completed request does not ask the country for a rating")
	}
	if r := fc.post("/ar/advisory/"+id+"/rating", url.Values{"rating": {"9"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-rating"`) {
		t.Errorf("rating 9: %d", r.Status)
	}
	if r := sc.post(base+"/rating", url.Values{"rating": {"5"}}); r.Status != http.StatusForbidden {
		t.Errorf("staff rating: %d", r.Status)
	}
	if r := fc.post("/ar/advisory/"+id+"/rating", url.Values{"rating": {"4"}, "feedback": {"بعثة مفيدة جدًّا."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rating: %d %s", r.Status, r.Body)
	}
	if r := fc.post("/ar/advisory/"+id+"/rating", url.Values{"rating": {"5"}}); r.Status != http.StatusConflict {
		t.Errorf("second rating: %d", r.Status)
	}
	page = sc.get(base)
	if !strings.Contains(page.Body, "4 out of 5") || !strings.Contains(page.Body, "بعثة مفيدة جدًّا.") || strings.Contains(page.Body, `id="rating"`) {
		t.Error("staff page does not show the rating")
	}
	// Every change is in the audit log, by whom.
	entries, _, err := audit.List(context.Background(), p.DB, audit.Filter{Subject: "advisory:" + id})
	if err != nil {
		t.Fatal(err)
	}
	var moves []string
	for _, e := range entries {
		if e.Action == "advisory.transition" {
			moves = append(moves, e.To)
			if e.ActorID != staff.ID {
				t.Errorf("transition to %s recorded as by %d", e.To, e.ActorID)
			}
		}
	}
	slices.Reverse(moves)
	if want := []string{"under_review", "accepted", "planned", "in_progress", "completed"}; !slices.Equal(moves, want) {
		t.Errorf("audited moves %v, want %v", moves, want)
	}
	_ = fp
}

func advCountRequests(t testing.TB, p *platform.Platform) int {
	var n int
	if err := p.DB.R.QueryRow("SELECT count(*) FROM advisory_requests").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAdvisoryTransitionsByRole tries every move from every state as every kind of user,
// through the API: the focal point of the request's country, a focal point of another
// country, staff, an admin and an ordinary official.
func TestAdvisoryTransitionsByRole(t *testing.T) {
	p := newPlatform(t)
	_, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	_, other := account(t, p, "fp.tn@example.org", officials.RoleFocalPoint, "TN")
	_, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	_, admin := account(t, p, "admin@example.org", officials.RoleAdmin, "")
	_, official := account(t, p, "official@example.org", officials.RoleOfficial, "JO")
	roles := []struct {
		name string
		u    *officials.Official
	}{{"focal point of the country", fp}, {"focal point of another country", other}, {"staff", staff}, {"admin", admin}, {"official", official}}
	tokens := map[int64]string{}
	for _, r := range roles {
		tokens[r.u.ID] = advToken(t, p, r.u)
	}
	// The workflow of the issue, written out: who may take which step.
	type move struct{ from, to string }
	staffMoves := []move{{"submitted", "under_review"}, {"under_review", "accepted"}, {"under_review", "declined"},
		{"accepted", "planned"}, {"planned", "in_progress"}, {"in_progress", "completed"}, {"completed", "in_progress"}}
	countryMoves := []move{{"submitted", "withdrawn"}, {"under_review", "withdrawn"}, {"accepted", "withdrawn"},
		{"planned", "withdrawn"}, {"in_progress", "withdrawn"}}
	c := newClient(t, p)
	// One request per state for the refused moves (they change nothing).
	standing := map[string]*advisory.Request{}
	for _, st := range advisory.Statuses {
		r := advSubmit(t, p, fp, "JO")
		advMoveTo(t, p, staff, fp, r, st)
		standing[st] = r
	}
	tried := 0
	for _, from := range advisory.Statuses {
		for _, to := range advisory.Statuses {
			for _, role := range roles {
				m := move{from, to}
				isStaff := role.u.IsStaff()
				isCountry := role.u == fp
				allowed := isStaff && slices.Contains(staffMoves, m) || isCountry && slices.Contains(countryMoves, m)
				exists := slices.Contains(staffMoves, m) || slices.Contains(countryMoves, m)
				want, code := http.StatusOK, ""
				switch {
				case role.u == official:
					want, code = http.StatusForbidden, "forbidden"
				case role.u == other:
					want, code = http.StatusNotFound, "not_found"
				case allowed:
				case !exists:
					want, code = http.StatusConflict, "transition_forbidden"
				default:
					want, code = http.StatusForbidden, "transition_not_allowed"
				}
				r := standing[from]
				if allowed {
					r = advSubmit(t, p, fp, "JO")
					advMoveTo(t, p, staff, fp, r, from)
				}
				if to == advisory.StatusPlanned && allowed {
					if _, err := p.Advisory.Assign(context.Background(), staff, r.ID, advisory.Assignment{LeadExpert: "Dr Amal Nasser"}); err != nil {
						t.Fatal(err)
					}
				}
				if allowed && from != advisory.StatusCompleted {
					advStepsBefore(t, p, staff, fp, r.ID, to)
				}
				body, _ := json.Marshal(map[string]string{"to": to, "reason": "Not in this year's work plan."})
				res := c.api("POST", fmt.Sprintf("/api/v1/advisory/%d/transition", r.ID), tokens[role.u.ID], string(body))
				tried++
				if res.Status != want || code != "" && !strings.Contains(res.Body, `"code":"`+code+`"`) {
					t.Errorf("%s → %s by %s: %d %s, want %d %s", from, to, role.name, res.Status, res.Body, want, code)
					continue
				}
				got, err := p.Advisory.Get(context.Background(), staff, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				if allowed && got.Status != to || !allowed && got.Status != from {
					t.Errorf("%s → %s by %s: request is now %s", from, to, role.name, got.Status)
				}
			}
		}
	}
	if tried != 8*8*5 {
		t.Errorf("tried %d moves", tried)
	}
	// Declining needs a reason; an unknown state is a field error.
	r := advSubmit(t, p, fp, "JO")
	advMoveTo(t, p, staff, fp, r, advisory.StatusUnderReview)
	if res := c.api("POST", fmt.Sprintf("/api/v1/advisory/%d/transition", r.ID), tokens[staff.ID], `{"to":"declined","reason":"  "}`); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"reason"`) {
		t.Errorf("decline without reason: %d %s", res.Status, res.Body)
	}
	if res := c.api("POST", fmt.Sprintf("/api/v1/advisory/%d/transition", r.ID), tokens[staff.ID], `{"to":"approved"}`); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"to"`) {
		t.Errorf("unknown state: %d %s", res.Status, res.Body)
	}
}

// TestAdvisoryIDORAcrossCountries checks that a focal point of another country can neither
// see nor touch a request, its files or its country's page, through pages or the API, and
// that an ordinary official has no access at all.
func TestAdvisoryIDORAcrossCountries(t *testing.T) {
	p := newPlatform(t)
	fjo, jo := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	ftn, tn := account(t, p, "fp.tn@example.org", officials.RoleFocalPoint, "TN")
	foff, off := account(t, p, "official.jo@example.org", officials.RoleOfficial, "JO")
	_ = fjo
	r := advSubmit(t, p, jo, "JO")
	if _, err := p.Advisory.AddAttachments(context.Background(), jo, r.ID, []advisory.File{{Name: "plan.pdf", Data: advSamplePDF}}); err != nil {
		t.Fatal(err)
	}
	as, _ := p.Advisory.Attachments(context.Background(), jo, r.ID)
	id := fmt.Sprint(r.ID)
	attachment := fmt.Sprintf("/ar/advisory/%d/attachments/%d", r.ID, as[0].ID)
	if res := fjo.get(attachment); res.Status != 200 || !bytes.Equal([]byte(res.Body), advSamplePDF) || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("own attachment: %d %q", res.Status, res.Header.Get("Content-Disposition"))
	}
	for _, path := range []string{"/ar/advisory/" + id, attachment, "/ar/countries/JO", "/ar/countries/jo", "/ar/countries/JO/assessment"} {
		if res := ftn.get(path); res.Status != http.StatusNotFound {
			t.Errorf("other country's focal point GET %s: %d", path, res.Status)
		}
	}
	for path, form := range map[string]url.Values{
		"/ar/advisory/" + id + "/transition": {"to": {"withdrawn"}},
		"/ar/advisory/" + id + "/comments":   {"body": {"Hello from Tunisia"}},
		"/ar/advisory/" + id + "/rating":     {"rating": {"5"}},
		"/ar/countries/JO/assessment":        {"assessed_on": {"2025-01-01"}},
	} {
		if res := ftn.post(path, form); res.Status != http.StatusNotFound {
			t.Errorf("other country's focal point POST %s: %d", path, res.Status)
		}
	}
	if res := ftn.advPostMultipart("/ar/advisory/"+id+"/attachments", nil, advUpload{"attachments", "x.pdf", advSamplePDF}); res.Status != http.StatusNotFound {
		t.Errorf("other country's focal point attaches: %d", res.Status)
	}
	// Their list shows only their own country, whatever the filter says.
	advSubmit(t, p, tn, "TN")
	if res := ftn.get("/ar/advisory?country=JO"); strings.Contains(res.Body, `href="/ar/advisory/`+id+`"`) || !strings.Contains(res.Body, "status-submitted") {
		t.Error("other country's focal point lists the request")
	}
	// A focal point cannot advSubmit for another country by naming it.
	form := advForm()
	form.Set("country", "JO")
	if res := ftn.advPostMultipart("/ar/advisory/new", form, advUpload{"letter_file", "letter.pdf", advSamplePDF}); res.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.Status)
	}
	if reqs, _, _ := p.Advisory.List(context.Background(), tn, advisory.Filter{}); len(reqs) != 2 || reqs[0].Country != "TN" {
		t.Errorf("focal point of TN submitted for %s", reqs[0].Country)
	}

	// The same through the API.
	c := newClient(t, p)
	ttn := advToken(t, p, tn)
	for _, call := range []struct{ method, path, body string }{
		{"GET", "/api/v1/advisory/" + id, ""},
		{"PATCH", "/api/v1/advisory/" + id, `{"lead_expert":"x"}`},
		{"POST", "/api/v1/advisory/" + id + "/transition", `{"to":"withdrawn"}`},
		{"POST", "/api/v1/advisory/" + id + "/comments", `{"body":"hello"}`},
		{"POST", "/api/v1/advisory/" + id + "/rating", `{"rating":5}`},
		{"POST", "/api/v1/advisory/" + id + "/attachments", `{"attachments":[{"filename":"x.pdf","data":"JVBERi0xLjQK"}]}`},
		{"GET", fmt.Sprintf("/api/v1/advisory/%d/attachments/%d", r.ID, as[0].ID), ""},
		{"GET", "/api/v1/countries/JO/assessments", ""},
		{"POST", "/api/v1/countries/JO/assessments", `{"levels":{}}`},
	} {
		want := http.StatusNotFound
		if call.method == "PATCH" {
			want = http.StatusForbidden // staff only, whatever the request
		}
		if res := c.api(call.method, call.path, ttn, call.body); res.Status != want {
			t.Errorf("TN focal point %s %s: %d %s", call.method, call.path, res.Status, res.Body)
		}
	}
	if res := c.api("GET", "/api/v1/advisory?country=JO", ttn, ""); res.Status != 200 || strings.Contains(res.Body, `"country":"JO"`) {
		t.Errorf("TN focal point lists JO requests: %s", res.Body)
	}
	// An official of the same country: no advisory access at all.
	toff := advToken(t, p, off)
	for _, call := range []struct{ method, path string }{{"GET", "/api/v1/advisory"}, {"GET", "/api/v1/advisory/" + id},
		{"POST", "/api/v1/advisory"}, {"POST", "/api/v1/advisory/" + id + "/transition"}} {
		if res := c.api(call.method, call.path, toff, "{}"); res.Status != http.StatusForbidden {
			t.Errorf("official %s %s: %d", call.method, call.path, res.Status)
		}
	}
	if res := foff.get("/ar/advisory/" + id); res.Status != http.StatusForbidden {
		t.Errorf("official GET the request page: %d", res.Status)
	}
	if res := foff.get("/ar/advisory"); res.Status != 200 || strings.Contains(res.Body, `href="/ar/advisory/`+id+`"`) || !strings.Contains(res.Body, "جهة الاتصال الوطنية") {
		t.Errorf("official's advisory page: %d", res.Status)
	}
	if res := foff.get("/ar/countries/JO"); res.Status != http.StatusForbidden {
		t.Errorf("official GET the country page: %d", res.Status)
	}
	// Anonymous: the explanation, and a login for anything else.
	anon := newClient(t, p)
	if res := anon.get("/en/advisory"); res.Status != 200 || !strings.Contains(res.Body, "national focal points") {
		t.Errorf("anonymous advisory page: %d", res.Status)
	}
	if res := anon.get("/en/advisory/" + id); res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "/en/login") {
		t.Errorf("anonymous request page: %d %s", res.Status, res.Location)
	}
	if res := anon.api("GET", "/api/v1/advisory/"+id, "", ""); res.Status != http.StatusUnauthorized {
		t.Errorf("anonymous API: %d", res.Status)
	}
}

// TestAdvisoryAttachmentsCheckedByContent uploads files a browser might send: only real
// PDF, DOCX and XLSX files within the size limit are kept, whatever their names say.
func TestAdvisoryAttachmentsCheckedByContent(t *testing.T) {
	p := newPlatform(t)
	fc, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	fc.lang = "en"
	r := advSubmit(t, p, fp, "JO")
	path := fmt.Sprintf("/en/advisory/%d/attachments", r.ID)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	for _, tc := range []struct {
		what    string
		name    string
		data    []byte
		message string
	}{
		{"a PNG named .pdf", "report.pdf", png, "content is none of them"},
		{"an HTML page named .pdf", "report.pdf", []byte("<html><script>alert(1)</script></html>"), "content is none of them"},
		{"a DOCX named .pdf", "report.pdf", advDOCX(t, false), "does not match its name"},
		{"a macro-enabled Word file", "report.docx", advDOCX(t, true), "Documents with macros are not accepted"},
		{"an empty file", "empty.pdf", nil, "The file is empty"},
	} {
		res := fc.advPostMultipart(path, nil, advUpload{"attachments", tc.name, tc.data})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.message) || !strings.Contains(res.Body, tc.name) {
			t.Errorf("%s: %d, want 422 with %q naming the file", tc.what, res.Status, tc.message)
		}
	}
	if as, _ := p.Advisory.Attachments(context.Background(), fp, r.ID); len(as) != 0 {
		t.Errorf("refused files were kept: %+v", as)
	}
	// A bad file among good ones: nothing is kept.
	res := fc.advPostMultipart(path, nil, advUpload{"attachments", "ok.pdf", advSamplePDF}, advUpload{"attachments", "bad.pdf", png})
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("good and bad file: %d", res.Status)
	}
	if as, _ := p.Advisory.Attachments(context.Background(), fp, r.ID); len(as) != 0 {
		t.Errorf("half an upload was kept: %d files", len(as))
	}
	// Real files are kept, named by their content when the name has no extension.
	res = fc.advPostMultipart(path, nil, advUpload{"attachments", "ok.pdf", advSamplePDF}, advUpload{"attachments", "budget", advXLSX(t)},
		advUpload{"attachments", "C:\\Users\\x\\draft policy.docx", advDOCX(t, false)})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("good files: %d %s", res.Status, res.Body)
	}
	as, _ := p.Advisory.Attachments(context.Background(), fp, r.ID)
	var names []string
	for _, a := range as {
		names = append(names, a.Filename+":"+a.Kind)
	}
	if want := []string{"ok.pdf:pdf", "budget.xlsx:xlsx", "draft policy.docx:docx"}; !slices.Equal(names, want) {
		t.Errorf("kept %v, want %v", names, want)
	}
	// Downloaded under its name, never shown inline, whatever the name holds.
	res = fc.get(fmt.Sprintf("/en/advisory/%d/attachments/%d", r.ID, as[2].ID))
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="draft policy.docx"; filename*=UTF-8''draft%20policy.docx` ||
		res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("download headers: %q %q", cd, res.Header.Get("Content-Type"))
	}
	// The API refuses the same way, with a stable code.
	tok := advToken(t, p, fp)
	body, _ := json.Marshal(map[string]any{"attachments": []map[string]any{{"filename": "scan.pdf", "data": png}}})
	c := newClient(t, p)
	if res := c.api("POST", fmt.Sprintf("/api/v1/advisory/%d/attachments", r.ID), tok, string(body)); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, `"code":"validation"`) || !strings.Contains(res.Body, `"attachments"`) || !strings.Contains(res.Body, "scan.pdf") {
		t.Errorf("API upload of a PNG named .pdf: %d %s", res.Status, res.Body)
	}
}

// advDOCX builds a minimal Word document (or its macro-enabled cousin).
func advDOCX(t testing.TB, macro bool) []byte {
	t.Helper()
	ct := "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	if macro {
		ct = "application/vnd.ms-word.document.macroEnabled.main+xml"
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="` + ct + `"/></Types>`,
		"word/document.xml": `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`,
	} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// advXLSX builds a workbook with excelize.
func advXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "A1", "Budget")
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAdvisoryNotificationsInRecipientsLanguage checks who is told of what, and in which
// language: every change of state and every message the country can read goes to the
// requester and the country's focal points in their own language; internal notes go to
// no one.
func TestAdvisoryNotificationsInRecipientsLanguage(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, ar := account(t, p, "fp.ar@example.org", officials.RoleFocalPoint, "JO") // language ar
	fr := advFocalIn(t, p, "fp.fr@example.org", "JO", "fr")
	tnFP := advFocalIn(t, p, "fp.tn@example.org", "TN", "en")
	_, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	// What the country side receives (staff are told too: TestAdvisoryStaffNotified).
	advOutbox := func(t testing.TB, p *platform.Platform) []mail.Item {
		var out []mail.Item
		for _, m := range advOutbox(t, p) {
			if m.To != staff.Email {
				out = append(out, m)
			}
		}
		return out
	}
	r := advSubmit(t, p, ar, "JO")
	// Submitted by ar: a receipt to ar in Arabic, the other focal point of Jordan told in
	// French; Tunisia is not.
	msgs := advOutbox(t, p)
	sub := map[string]mail.Item{}
	for _, m := range msgs {
		sub[m.To] = m
	}
	if len(msgs) != 2 || sub[fr.Email].Lang != "fr" || sub[fr.Email].Template != "advisory_submitted" ||
		!strings.Contains(sub[fr.Email].Subject, "Demande d’appui consultatif n°") || !strings.Contains(sub[fr.Email].Text, "Jordanie") ||
		sub[ar.Email].Lang != "ar" || !strings.Contains(sub[ar.Email].Subject, "تقديم طلب الخدمة الاستشارية رقم") {
		t.Fatalf("after submitting: %+v", msgs)
	}
	// A change of state by staff: both Jordanian focal points, each in their language.
	if _, err := p.Advisory.Transition(ctx, staff, r.ID, advisory.StatusUnderReview, ""); err != nil {
		t.Fatal(err)
	}
	msgs = advOutbox(t, p)[2:]
	got := map[string]mail.Item{}
	for _, m := range msgs {
		got[m.To] = m
	}
	if len(msgs) != 2 || got[ar.Email].Lang != "ar" || got[fr.Email].Lang != "fr" || got[tnFP.Email].ID != 0 {
		t.Fatalf("after a change of state: %d messages %+v", len(msgs), msgs)
	}
	if s := got[ar.Email].Subject; s != fmt.Sprintf("طلب الخدمة الاستشارية رقم %d: قيد المراجعة", r.ID) {
		t.Errorf("Arabic subject %q", s)
	}
	if s := got[fr.Email].Subject; s != fmt.Sprintf("Demande d’appui consultatif n° %d : En cours d’examen", r.ID) {
		t.Errorf("French subject %q", s)
	}
	if !strings.Contains(got[ar.Email].Text, "«مُقدَّم»") || !strings.Contains(got[ar.Email].Text, "فريق البرنامج") ||
		!strings.Contains(got[ar.Email].Text, fmt.Sprintf("/ar/advisory/%d", r.ID)) {
		t.Errorf("Arabic text:\n%s", got[ar.Email].Text)
	}
	// Declining carries the reason.
	if _, err := p.Advisory.Transition(ctx, staff, r.ID, advisory.StatusDeclined, "Hors du plan de travail de cette année."); err != nil {
		t.Fatal(err)
	}
	msgs = advOutbox(t, p)[4:]
	if len(msgs) != 2 || !strings.Contains(msgs[0].Text+msgs[1].Text, "Hors du plan de travail de cette année.") {
		t.Errorf("decline messages lack the reason")
	}
	// A message in the thread from staff: both; an internal note: no one; a message from
	// a focal point: the other one only.
	r2 := advSubmit(t, p, ar, "JO")
	n := len(advOutbox(t, p))
	if _, err := p.Advisory.AddComment(ctx, staff, r2.ID, "Could the mission start in May?", false); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Advisory.AddComment(ctx, staff, r2.ID, "Budget is tight this quarter.", true); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Advisory.AddComment(ctx, ar, r2.ID, "نعم، يناسبنا شهر مايو.", false); err != nil {
		t.Fatal(err)
	}
	msgs = advOutbox(t, p)[n:]
	var lines []string
	for _, m := range msgs {
		lines = append(lines, m.To+" "+m.Lang+" "+m.Template)
		if strings.Contains(m.Text, "Budget is tight") {
			t.Error("an internal note was e-mailed")
		}
	}
	want := []string{ar.Email + " ar advisory_comment", fr.Email + " fr advisory_comment", fr.Email + " fr advisory_comment"}
	slices.Sort(lines)
	slices.Sort(want)
	if !slices.Equal(lines, want) {
		t.Errorf("comment messages %v, want %v", lines, want)
	}
	// Completion asks the country for its rating, with a link to the form.
	r3 := advSubmit(t, p, ar, "JO")
	advMoveTo(t, p, staff, ar, r3, advisory.StatusCompleted)
	last := advOutbox(t, p)
	m := last[len(last)-1]
	if m.Template != "advisory_status" || !strings.Contains(m.Text, fmt.Sprintf("/advisory/%d#rating", r3.ID)) {
		t.Errorf("completion message: %s %s", m.Template, m.Text)
	}
}

// advFocalIn creates a focal point with a preferred language.
func advFocalIn(t testing.TB, p *platform.Platform, email, country, lang string) *officials.Official {
	t.Helper()
	in := officials.Input{Email: email, Password: "correct horse battery", NameAr: "ليلى حسن", NameLatin: "Layla Hassan",
		JobTitle: "Director", Organisation: "Ministry", Country: country, Sector: "central_government", Gender: "female", Language: lang}
	o, err := p.Officials.Create(context.Background(), audit.Actor{Email: "test"}, in, officials.RoleFocalPoint)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestAdvisoryInternalNotesStayWithStaff checks that staff-only notes never reach the
// country, on the page or through the API.
func TestAdvisoryInternalNotesStayWithStaff(t *testing.T) {
	p := newPlatform(t)
	fc, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	r := advSubmit(t, p, fp, "JO")
	base := fmt.Sprintf("/ar/advisory/%d", r.ID)
	if res := sc.post(base+"/comments", url.Values{"note": {"Minister changed last month; check the new contact."}, "internal": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("note: %d", res.Status)
	}
	if res := sc.post(base+"/comments", url.Values{"body": {"Welcome! We will review your request shortly."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("comment: %d", res.Status)
	}
	if res := fc.post(base+"/comments", url.Values{"body": {"Pretend this is internal"}, "internal": {"1"}}); res.Status != http.StatusForbidden {
		t.Errorf("focal point writes an internal note: %d", res.Status)
	}
	if res := sc.post(base+"/comments", url.Values{"note": {"  "}, "internal": {"1"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-note"`) {
		t.Errorf("empty note: %d", res.Status)
	}
	page := fc.get(base)
	if strings.Contains(page.Body, "Minister changed") || strings.Contains(page.Body, `id="notes"`) || !strings.Contains(page.Body, "Welcome! We will review") {
		t.Error("focal point's page shows the internal note or lacks the message")
	}
	if page := sc.get(base); !strings.Contains(page.Body, "Minister changed") || !strings.Contains(page.Body, `id="notes"`) {
		t.Error("staff page lacks the internal note")
	}
	c := newClient(t, p)
	res := c.api("GET", fmt.Sprintf("/api/v1/advisory/%d", r.ID), advToken(t, p, fp), "")
	if res.Status != 200 || strings.Contains(res.Body, "Minister changed") || strings.Contains(res.Body, "internal_notes") || !strings.Contains(res.Body, "Welcome!") {
		t.Errorf("focal point's API view: %s", res.Body)
	}
	res = c.api("GET", fmt.Sprintf("/api/v1/advisory/%d", r.ID), advToken(t, p, staff), "")
	if !strings.Contains(res.Body, `"internal_notes":[{`) || !strings.Contains(res.Body, "Minister changed") {
		t.Errorf("staff API view lacks the note: %s", res.Body)
	}
}

// TestAdvisoryListFiltersAndExport checks the staff's filters and the Excel export.
func TestAdvisoryListFiltersAndExport(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, jo := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	_, tn := account(t, p, "fp.tn@example.org", officials.RoleFocalPoint, "TN")
	sc, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	sc.lang = "en"
	a := advSubmit(t, p, jo, "JO") // phases 1, 3
	b := advSubmit(t, p, tn, "TN")
	in := advisory.Input{Country: "TN", RequestingBody: "Instance nationale d’accès à l’information", Phases: []int{2},
		Topics: []string{advisory.TopicOther}, TopicsOther: "Access to information law", Needs: "Review of the draft law on access to information.",
		SupportKinds: []string{"policy_review"}, Language: "fr", Letter: advLetter()}
	cReq, err := p.Advisory.Create(ctx, staff, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	advMoveTo(t, p, staff, tn, b, advisory.StatusUnderReview)
	// b's response is due tomorrow; two days on, it is overdue (the others are due in 30 days).
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	if _, err := p.Advisory.Assign(ctx, staff, b.ID, advisory.Assignment{ResponseDue: tomorrow}); err != nil {
		t.Fatal(err)
	}
	p.Advisory.SetClock(func() time.Time { return time.Now().AddDate(0, 0, 2) })
	defer p.Advisory.SetClock(nil)
	ids := func(query string) []string {
		res := sc.get("/en/advisory" + query)
		if res.Status != 200 {
			t.Fatalf("list %s: %d", query, res.Status)
		}
		var out []string
		for _, id := range []int64{a.ID, b.ID, cReq.ID} {
			if strings.Contains(res.Body, fmt.Sprintf(`<a href="/en/advisory/%d">%d</a>`, id, id)) {
				out = append(out, fmt.Sprint(id))
			}
		}
		return out
	}
	for query, want := range map[string][]int64{
		"":                       {a.ID, b.ID, cReq.ID},
		"?country=TN":            {b.ID, cReq.ID},
		"?status=under_review":   {b.ID},
		"?phase=3":               {a.ID, b.ID},
		"?phase=3&country=JO":    {a.ID},
		"?phase=2&country=tn":    {cReq.ID},
		"?overdue=1":             {b.ID},
		"?overdue=1&country=JO":  nil,
		"?status=bogus&phase=99": {a.ID, b.ID, cReq.ID},
	} {
		var w []string
		for _, id := range want {
			w = append(w, fmt.Sprint(id))
		}
		if got := ids(query); !slices.Equal(got, w) {
			t.Errorf("list%s: %v, want %v", query, got, w)
		}
	}
	// The export follows the filters.
	res := sc.get("/en/advisory/export.xlsx?country=TN")
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("export: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "No." || rows[0][7] != "State" || rows[0][9] != "Owner" || rows[0][10] != "Team" {
		t.Fatalf("export rows: %v", rows)
	}
	byID := map[string][]string{}
	for _, row := range rows[1:] {
		byID[row[0]] = row
	}
	if row := byID[fmt.Sprint(b.ID)]; row[2] != "Tunisia" || row[7] != "Under review" || row[8] != "Yes" || row[12] != tomorrow {
		t.Errorf("overdue row: %v", row)
	}
	if row := byID[fmt.Sprint(cReq.ID)]; row[5] != "Other: Access to information law" || row[4] != "Participation" {
		t.Errorf("other-topic row: %v", row)
	}
	// Only staff export; a focal point's list is theirs.
	fc := advLogin(t, p, "fp.jo@example.org")
	if res := fc.get("/en/advisory/export.xlsx"); res.Status != http.StatusForbidden {
		t.Errorf("focal point export: %d", res.Status)
	}
	// The API lists with the same filters, and pages.
	tok := advToken(t, p, staff)
	c := newClient(t, p)
	res = c.api("GET", "/api/v1/advisory?country=TN&limit=1", tok, "")
	var pg struct {
		Data struct {
			Items []advisory.Request `json:"items"`
			Total int                `json:"total"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.Body), &pg); err != nil || pg.Data.Total != 2 || len(pg.Data.Items) != 1 || pg.Data.Items[0].Country != "TN" {
		t.Errorf("API list: %v %s", err, res.Body)
	}
	res = c.api("GET", "/api/v1/advisory?overdue=1", tok, "")
	if !strings.Contains(res.Body, `"overdue":true`) || !strings.Contains(res.Body, fmt.Sprintf(`"id":%d`, b.ID)) || strings.Contains(res.Body, fmt.Sprintf(`"id":%d,`, a.ID)) {
		t.Errorf("API overdue list: %s", res.Body)
	}
}

// advLogin logs an existing account in.
func advLogin(t testing.TB, p *platform.Platform, email string) *client {
	t.Helper()
	c := newClient(t, p)
	if r := c.post("/ar/login", url.Values{"email": {email}, "password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, r.Status)
	}
	return c
}

// TestAdvisoryAPICreateAndDetail submits a request through the API, with a file, and
// reads it back.
func TestAdvisoryAPICreateAndDetail(t *testing.T) {
	p := newPlatform(t)
	_, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	_, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	c := newClient(t, p)
	body := map[string]any{"requesting_body": "Ministry of Digital Economy", "phases": []int{1}, "topics": []string{"open_data_portal"},
		"needs": "A national open data portal with the first fifty datasets.", "support_kinds": []string{"advisory_mission"},
		"language": "ar", "preferred_start": "2099-02-01", "preferred_end": "2099-01-01",
		"attachments": []map[string]any{{"filename": "terms.pdf", "data": advSamplePDF}},
		"letter": map[string]any{"reference": "MoDEE/2026/118", "date": "2026-01-15", "signatory_name": "Dr Sami Haddad",
			"signatory_title": "Secretary-General", "file": map[string]any{"filename": "letter.pdf", "data": advSamplePDF}}}
	b, _ := json.Marshal(body)
	res := c.api("POST", "/api/v1/advisory", advToken(t, p, fp), string(b))
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"preferred_end"`) {
		t.Fatalf("end before start: %d %s", res.Status, res.Body)
	}
	body["preferred_end"] = "2099-03-31"
	b, _ = json.Marshal(body)
	res = c.api("POST", "/api/v1/advisory", advToken(t, p, fp), string(b))
	if res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	var got struct {
		Data struct {
			advisory.Request
			Attachments []advisory.Attachment `json:"attachments"`
			History     []advisory.Transition `json:"history"`
			Moves       []string              `json:"moves"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatal(err)
	}
	d := got.Data
	if d.Country != "JO" || d.Status != "submitted" || len(d.Attachments) != 1 || d.Attachments[0].Kind != "pdf" ||
		len(d.History) != 1 || !slices.Equal(d.Moves, []string{"withdrawn"}) || d.ResponseDue == "" {
		t.Errorf("created: %+v", d)
	}
	// Staff create on a country's behalf and must name a member state.
	b, _ = json.Marshal(map[string]any{"requesting_body": "X", "phases": []int{1}, "topics": []string{"action_plan"},
		"needs": "Twenty characters or more of needs.", "support_kinds": []string{"policy_review"}, "language": "en", "country": "FR"})
	if res := c.api("POST", "/api/v1/advisory", advToken(t, p, staff), string(b)); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"country"`) {
		t.Errorf("staff request for a non-member: %d %s", res.Status, res.Body)
	}
	// Staff set the lead expert through PATCH; fields left out keep their value.
	tok := advToken(t, p, staff)
	path := fmt.Sprintf("/api/v1/advisory/%d", d.ID)
	if res := c.api("PATCH", path, tok, `{"lead_expert":"Dr Amal Nasser","delivery_due":"2099-03-31"}`); res.Status != 200 || !strings.Contains(res.Body, `"lead_expert":"Dr Amal Nasser"`) ||
		!strings.Contains(res.Body, `"response_due":"`+d.ResponseDue+`"`) {
		t.Errorf("patch: %d %s", res.Status, res.Body)
	}
	if res := c.api("POST", path+"/comments", tok, `{"body":"Noted.","internal":true}`); res.Status != http.StatusCreated || !strings.Contains(res.Body, `"internal":true`) {
		t.Errorf("API note: %d %s", res.Status, res.Body)
	}
}

// TestCountryPageAndSelfAssessment checks the country page's figures and the focal point's
// self-assessment with its history.
func TestCountryPageAndSelfAssessment(t *testing.T) {
	p := newPlatform(t)
	fc, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	account(t, p, "o1@example.org", officials.RoleOfficial, "JO")
	account(t, p, "o2@example.org", officials.RoleOfficial, "TN")
	advSubmit(t, p, fp, "JO")
	res := fc.get("/ar/countries/JO")
	if res.Status != 200 || !strings.Contains(res.Body, "<h1>الأردن</h1>") || !strings.Contains(res.Body, `<span class="n">2</span> <span class="label">مسؤولان حكوميان مسجَّلان`) ||
		!strings.Contains(res.Body, "لم تُجرِ الدولة تقييمها الذاتي بعد") {
		t.Fatalf("country page: %d", res.Status)
	}
	if res := fc.get("/ar/countries"); res.Status != http.StatusSeeOther || res.Location != "/ar/countries/JO" {
		t.Errorf("focal point's countries: %d %s", res.Status, res.Location)
	}
	if res := sc.get("/ar/countries"); res.Status != 200 || !strings.Contains(res.Body, `href="/ar/countries/TN"`) {
		t.Errorf("staff's countries: %d", res.Status)
	}
	// A grid with a hole is refused, with the cell marked and the rest kept.
	form := url.Values{"assessed_on": {"2024-06-30"}, "note": {"أول تقييم"}}
	for p := 1; p <= 4; p++ {
		for i, o := range advisory.Objectives {
			form.Set(advisory.CellField(p, o), fmt.Sprint((p+i)%5))
		}
	}
	form.Del("level_3_legal_regulatory")
	res = fc.post("/ar/countries/JO/assessment", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-level_3_legal_regulatory"`) || !strings.Contains(res.Body, "أول تقييم") {
		t.Fatalf("incomplete grid: %d", res.Status)
	}
	form.Set("level_3_legal_regulatory", "1")
	if res := fc.post("/ar/countries/JO/assessment", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Status, res.Body)
	}
	// A second, later one: both kept, newest shown first, the form starts from it.
	form.Set("assessed_on", "2025-06-30")
	form.Set("level_1_policy_strategy", "4")
	form.Set("note", "تقدّم في وضع السياسات")
	if res := fc.post("/ar/countries/JO/assessment", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save again: %d", res.Status)
	}
	if res := fc.get("/ar/countries/JO/assessment"); !strings.Contains(res.Body, `<option value="4" selected>4 — راسخ ومتطوّر`) {
		t.Error("the form does not start from the latest assessment")
	}
	res = sc.get("/ar/countries/JO")
	if !strings.Contains(res.Body, "آخر تقييم: 30 يونيو 2025") || !strings.Contains(res.Body, "تقييم 30 يونيو 2024") || !strings.Contains(res.Body, "التقدّم عبر الزمن") {
		t.Error("country page lacks the assessment history")
	}
	// Staff see it but do not fill it in; a date in the future is refused.
	if res := sc.post("/ar/countries/JO/assessment", form); res.Status != http.StatusForbidden {
		t.Errorf("staff fills the self-assessment: %d", res.Status)
	}
	form.Set("assessed_on", time.Now().UTC().AddDate(0, 1, 0).Format("2006-01-02"))
	if res := fc.post("/ar/countries/JO/assessment", form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-assessed_on"`) {
		t.Errorf("future date: %d", res.Status)
	}
	as, err := p.Advisory.Assessments(context.Background(), fp, "JO")
	if err != nil || len(as) != 2 || as[0].AssessedOn != "2025-06-30" || as[0].Levels[0][0] != 4 || as[1].Levels[2][2] != 1 {
		t.Errorf("assessments: %v %+v", err, as)
	}
	// Through the API too.
	c := newClient(t, p)
	res = c.api("GET", "/api/v1/countries/JO/assessments", advToken(t, p, fp), "")
	if res.Status != 200 || !strings.Contains(res.Body, `"policy_strategy":4`) || !strings.Contains(res.Body, `"phase_averages"`) {
		t.Errorf("API assessments: %d %s", res.Status, res.Body)
	}
}

// TestAdvisorySpawnsNationalWorkshop: staff create the national workshop from an accepted
// request, pre-filled from it; the request links to it, once.
func TestAdvisorySpawnsNationalWorkshop(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	fc, fp := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	sc, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	sc.lang = "en"
	r := advSubmit(t, p, fp, "JO") // phases 1 and 3, in English
	base := fmt.Sprintf("/en/advisory/%d", r.ID)
	// Not before the request is accepted.
	if res := sc.post(base+"/workshop", url.Values{"city": {"Amman"}}); res.Status != http.StatusConflict {
		t.Errorf("workshop from a submitted request: %d", res.Status)
	}
	advMoveTo(t, p, staff, fp, r, advisory.StatusAccepted)
	page := sc.get(base)
	if !strings.Contains(page.Body, `id="workshop"`) || !strings.Contains(page.Body, `value="National workshop — Jordan: Open-government action plan"`) ||
		!strings.Contains(page.Body, `value="ورشة عمل وطنية — الأردن: خطة عمل الحكومة المفتوحة"`) {
		t.Fatalf("the workshop form is not pre-filled from the request")
	}
	if strings.Contains(fc.get(fmt.Sprintf("/ar/advisory/%d", r.ID)).Body, `action="/ar/advisory/`+fmt.Sprint(r.ID)+`/workshop"`) {
		t.Error("the country is offered to create the workshop")
	}
	if res := fc.post(fmt.Sprintf("/ar/advisory/%d/workshop", r.ID), url.Values{"city": {"Amman"}}); res.Status != http.StatusForbidden {
		t.Errorf("focal point creates the workshop: %d", res.Status)
	}
	form := url.Values{"title_ar": {"ورشة عمل وطنية حول خطة العمل"}, "title_en": {"National workshop on the action plan"},
		"start_date": {"2030-05-10"}, "end_date": {"2030-05-12"}, "capacity": {"25"}, "languages": {"ar", "en"}}
	if res := sc.post(base+"/workshop", form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-city"`) ||
		!strings.Contains(res.Body, `value="National workshop on the action plan"`) {
		t.Fatalf("workshop without a city: %d", res.Status)
	}
	form.Set("city", "Amman")
	res := sc.post(base+"/workshop", form)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/en/admin/workshops/") {
		t.Fatalf("create workshop: %d %s", res.Status, res.Location)
	}
	got, err := p.Advisory.Get(ctx, staff, r.ID)
	if err != nil || got.WorkshopID == nil {
		t.Fatalf("request not linked: %v", err)
	}
	w, err := p.Workshops.Get(ctx, *got.WorkshopID)
	if err != nil {
		t.Fatal(err)
	}
	if w.Kind != "national" || w.HostCountry != "JO" || !slices.Equal(w.Phases, []int{1, 3}) || w.Status != "draft" || w.Capacity != 25 ||
		w.City != "Amman" || !strings.Contains(w.Description["en"], "advisory request no.") || strings.Contains(w.Description["en"], r.Needs) {
		t.Errorf("workshop: %+v", w)
	}
	if page := sc.get(base); !strings.Contains(page.Body, fmt.Sprintf(`href="/en/admin/workshops/%d"`, w.ID)) || strings.Contains(page.Body, `action="`+base+`/workshop"`) {
		t.Error("the request page does not link to its workshop, or still offers to create one")
	}
	// The country sees the draft's title, not a link to a page it may not open.
	if page := fc.get(fmt.Sprintf("/ar/advisory/%d", r.ID)); strings.Contains(page.Body, fmt.Sprintf(`/workshops/%d"`, w.ID)) {
		t.Error("the country is linked to a draft workshop")
	}
	if res := sc.post(base+"/workshop", form); res.Status != http.StatusConflict {
		t.Errorf("second workshop: %d", res.Status)
	}
	// The API does the same, filling what the body leaves out from the request.
	r2 := advSubmit(t, p, fp, "JO")
	advMoveTo(t, p, staff, fp, r2, advisory.StatusPlanned)
	c := newClient(t, p)
	res = c.api("POST", fmt.Sprintf("/api/v1/advisory/%d/workshop", r2.ID), advToken(t, p, staff), `{"city":"Aqaba","start_date":"2030-06-01","end_date":"2030-06-02"}`)
	if res.Status != http.StatusCreated || !strings.Contains(res.Body, `"kind":"national"`) || !strings.Contains(res.Body, `"workshop_id":`) {
		t.Errorf("API workshop: %d %s", res.Status, res.Body)
	}
}

// TestCountryPageFiguresFromOtherFeatures checks the figures the country page takes from
// the workshops and certificates features: workshops hosted and attended, certificates.
func TestCountryPageFiguresFromOtherFeatures(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	fc, _ := account(t, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	_, staff := account(t, p, "staff@example.org", officials.RoleStaff, "")
	_, jo := account(t, p, "official.jo@example.org", officials.RoleOfficial, "JO")
	_, tn := account(t, p, "official.tn@example.org", officials.RoleOfficial, "TN")
	// Workshops tomorrow, registered for today; then the workshops' clock moves to the day.
	day := time.Now().UTC().AddDate(0, 0, 1)
	today := day.Format("2006-01-02")
	// People register at 09:00 UTC the day before, when it is the day before in every member
	// state too (late in the UTC evening it is already the workshop's day in Amman).
	p.Workshops.SetClock(func() time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	})
	mk := func(host string) int64 {
		w, err := p.Workshops.Create(ctx, audit.Actor{ID: staff.ID, Email: staff.Email}, workshops.Input{
			Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"}, Kind: "regional", Phases: []int{1},
			HostCountry: host, City: "City", StartDate: today, EndDate: today, Languages: []string{"ar"}, Capacity: 10})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Workshops.SetStatus(ctx, audit.Actor{ID: staff.ID, Email: staff.Email}, w.ID, workshops.StatusPublished); err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	inJO, inTN := mk("JO"), mk("TN")
	mk("JO")
	// A Jordanian official attends the workshop in Tunisia; a Tunisian one the one in Jordan.
	for _, a := range []struct {
		o   *officials.Official
		wid int64
	}{{jo, inTN}, {tn, inJO}} {
		reg, err := p.Workshops.Apply(ctx, a.o, a.wid, "I lead the open data unit.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Workshops.Transition(ctx, staff, reg.ID, workshops.ActApprove); err != nil {
			t.Fatal(err)
		}
	}
	p.Workshops.SetClock(func() time.Time { return day.Add(2 * time.Hour) })
	for _, a := range []struct {
		o   *officials.Official
		wid int64
	}{{jo, inTN}, {tn, inJO}} {
		reg, err := p.Workshops.RegistrationFor(ctx, a.wid, a.o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Workshops.RecordAttendance(ctx, staff, a.wid, today, []int64{reg.ID}, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Certificates.IssueByHand(ctx, audit.Actor{ID: staff.ID, Email: staff.Email}, certificates.HandIssue{
		OfficialID: jo.ID, Kind: "course", Course: "open-government-data", Reason: "Completed on the previous platform."}); err != nil {
		t.Fatal(err)
	}
	res := fc.get("/en/countries/JO")
	for label, n := range map[string]int{"workshops hosted": 2, "workshop attended": 1, "official who attended a workshop": 1, "certificate issued": 1} {
		if want := fmt.Sprintf(`<span class="n">%d</span> <span class="label">%s</span>`, n, label); !strings.Contains(res.Body, want) {
			t.Errorf("country page lacks %q", want)
		}
	}
}

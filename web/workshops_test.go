package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/workshops"
)

// wsClock pins the workshops' clock to 1 February 2026, so that the March workshops of these
// tests are open for registration whatever the day the tests run.
func wsClock(p *platform.Platform) {
	p.Workshops.SetClock(func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) })
}

// person creates an account (no login) and returns it with an API token.
func person(t testing.TB, p *platform.Platform, email, role, country string) (*officials.Official, string) {
	t.Helper()
	in := officials.Input{Email: email, NameAr: "ليلى حسن", NameLatin: "Layla Hassan", JobTitle: "Director",
		Organisation: "Ministry of Planning", Country: country, Sector: "central_government", Gender: "female", Language: "en"}
	o, err := p.Officials.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	confirmAddress(t, p, o)
	tok, err := p.Officials.CreateAPIToken(context.Background(), o.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return o, tok
}

const workshopJSON = `{"title": {"ar": "ورشة البيانات الحكومية المفتوحة", "en": "Open government data workshop"},
	"kind": "regional", "phases": [1], "host_country": "JO", "city": "Amman", "venue": "Le Royal",
	"start_date": "2026-03-10", "end_date": "2026-03-12", "languages": ["ar", "en"], "capacity": %d, "country_quota": %d, "hours": 18}`

// scheduled creates and publishes a workshop through the API and returns its id.
func scheduled(t testing.TB, c *client, staffTok string, capacity, quota int) int64 {
	t.Helper()
	r := c.api("POST", "/api/v1/workshops", staffTok, fmt.Sprintf(workshopJSON, capacity, quota))
	if r.Status != http.StatusCreated {
		t.Fatalf("create workshop: %d %s", r.Status, r.Body)
	}
	var w struct {
		Data workshops.Workshop `json:"data"`
	}
	json.Unmarshal([]byte(r.Body), &w)
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", w.Data.ID), staffTok, `{"status": "published"}`); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	return w.Data.ID
}

func regID(t testing.TB, body string) int64 {
	t.Helper()
	var r struct {
		Data workshops.Registration `json:"data"`
		// an error would leave ID 0
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.Data.ID == 0 {
		t.Fatalf("no registration in %s", body)
	}
	return r.Data.ID
}

// TestConcurrentApprovalsThroughHTTP: 200 officials apply at once, then 200 approvals are
// fired at once for 30 seats. Exactly 30 are confirmed; the others are refused 409
// capacity_full.
func TestConcurrentApprovalsThroughHTTP(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	wid := scheduled(t, c, staffTok, 30, 0)
	const n = 200
	tokens := make([]string, n)
	countries := []string{"JO", "QA", "MA", "TN", "EG", "LB", "OM", "BH"}
	for i := range tokens {
		_, tokens[i] = person(t, p, fmt.Sprintf("o%d@gov.test", i), officials.RoleOfficial, countries[i%len(countries)])
	}
	fire := func(f func(i int) response) []response {
		out := make([]response, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				out[i] = f(i)
			}()
		}
		close(start)
		wg.Wait()
		return out
	}
	regs := fire(func(i int) response {
		return newClient(t, p).api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), tokens[i], `{"motivation": "I run our open data portal."}`)
	})
	ids := make([]int64, n)
	for i, r := range regs {
		if r.Status != http.StatusCreated {
			t.Fatalf("registration %d: %d %s", i, r.Status, r.Body)
		}
		ids[i] = regID(t, r.Body)
	}
	results := fire(func(i int) response {
		return newClient(t, p).api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", ids[i]), staffTok, "")
	})
	ok, full := 0, 0
	for _, r := range results {
		switch {
		case r.Status == 200:
			ok++
		case r.Status == 409 && strings.Contains(r.Body, `"code":"capacity_full"`):
			full++
		default:
			t.Errorf("approval answered %d %s", r.Status, r.Body)
		}
	}
	if ok != 30 || full != 170 {
		t.Errorf("%d approvals succeeded and %d were refused as full; want 30 and 170", ok, full)
	}
	var confirmed int
	p.DB.R.QueryRow("SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'confirmed'", wid).Scan(&confirmed)
	if confirmed != 30 {
		t.Errorf("%d confirmed seats, want 30", confirmed)
	}
	r := c.api("GET", fmt.Sprintf("/api/v1/workshops/%d", wid), "", "")
	if !strings.Contains(r.Body, `"confirmed":30`) || !strings.Contains(r.Body, `"left":0`) {
		t.Errorf("public seats: %s", r.Body)
	}
	// The refusal speaks the request's language.
	c.lang = "ar"
	r = c.api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", ids[0]), staffTok, "")
	if r.Status == 409 && !strings.Contains(r.Body, "لا مقاعد شاغرة") && !strings.Contains(r.Body, "invalid_transition") {
		t.Errorf("Arabic refusal: %s", r.Body)
	}
}

// BenchmarkConcurrentApprovalsHTTP measures approvals sent through HTTP in parallel.
func BenchmarkConcurrentApprovalsHTTP(b *testing.B) {
	p := newPlatform(b)
	wsClock(p)
	_, staffTok := person(b, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(b, p)
	var ids []int64
	var wid int64
	for i := 0; i < b.N; i++ {
		if i%10000 == 0 {
			wid = scheduled(b, c, staffTok, 10000, 0)
		}
		_, tok := person(b, p, fmt.Sprintf("b%d@gov.test", i), officials.RoleOfficial, "JO")
		r := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), tok, `{"motivation": "Benchmark"}`)
		ids = append(ids, regID(b, r.Body))
	}
	var next int64
	var mu sync.Mutex
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		cl := newClient(b, p)
		for pb.Next() {
			mu.Lock()
			id := ids[next]
			next++
			mu.Unlock()
			if r := cl.api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", id), staffTok, ""); r.Status != 200 {
				b.Errorf("approve: %d %s", r.Status, r.Body)
			}
		}
	})
}

func TestWorkshopAPIQuotaPatchAndConflicts(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	c.lang = "en"
	wid := scheduled(t, c, staffTok, 10, 1)
	var ids []int64
	for i := 0; i < 2; i++ {
		_, tok := person(t, p, fmt.Sprintf("jo%d@gov.jo", i), officials.RoleOfficial, "JO")
		r := c.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), tok, `{"motivation": "Open data lead"}`)
		ids = append(ids, regID(t, r.Body))
	}
	if r := c.api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", ids[0]), staffTok, ""); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	r := c.api("POST", fmt.Sprintf("/api/v1/registrations/%d/approve", ids[1]), staffTok, "")
	e := decode(t, r)
	if r.Status != 409 || e.Error.Code != "quota_full" || e.Error.Message != "This country’s quota of seats at the workshop is used up." {
		t.Errorf("second Jordanian: %d %s", r.Status, r.Body)
	}
	// The same refusal from the staff's page shows the list again with the reason.
	staffPage, _ := account(t, p, "staff2@masar.test", officials.RoleStaff, "")
	staffPage.get(fmt.Sprintf("/en/admin/workshops/%d/registrations", wid))
	r = staffPage.post(fmt.Sprintf("/en/registrations/%d/approve", ids[1]), nil)
	if r.Status != 409 || !strings.Contains(r.Body, "quota of seats at the workshop is used up") || !strings.Contains(r.Body, `class="registrations"`) {
		t.Errorf("refused approval from the page: %d", r.Status)
	}
	// A partial update changes only what it names.
	r = c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), staffTok, `{"title": {"fr": "Atelier sur les données ouvertes"}}`)
	if r.Status != 200 || !strings.Contains(r.Body, `"fr":"Atelier sur les données ouvertes"`) || !strings.Contains(r.Body, `"en":"Open government data workshop"`) ||
		!strings.Contains(r.Body, `"sequence":2`) {
		t.Errorf("partial update: %d %s", r.Status, r.Body)
	}
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), staffTok, `{"capacity": 0, "end_date": "2026-03-01"}`); r.Status != 422 ||
		decode(t, r).Error.Fields["capacity"] == "" || decode(t, r).Error.Fields["end_date"] == "" {
		t.Errorf("invalid update: %d %s", r.Status, r.Body)
	}
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), staffTok, `{"colour": "blue"}`); r.Status != 422 || decode(t, r).Error.Fields["colour"] == "" {
		t.Errorf("unknown field: %d %s", r.Status, r.Body)
	}
	_, plainTok := person(t, p, "plain@gov.qa", officials.RoleOfficial, "QA")
	if r := c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", wid), plainTok, `{"capacity": 5}`); r.Status != 403 {
		t.Errorf("an official changed a workshop: %d", r.Status)
	}
	// A second workshop at the same venue on overlapping days is a warning.
	other := scheduled(t, c, staffTok, 10, 0)
	r = c.api("GET", fmt.Sprintf("/api/v1/workshops/%d/conflicts", other), staffTok, "")
	if r.Status != 200 || !strings.Contains(r.Body, `"code":"venue_double_booked"`) || !strings.Contains(r.Body, "Le Royal") {
		t.Errorf("conflicts: %d %s", r.Status, r.Body)
	}
	// Drafts are the staff's: the public is told they do not exist.
	r = c.api("POST", "/api/v1/workshops", staffTok, fmt.Sprintf(workshopJSON, 5, 0))
	var d struct{ Data workshops.Workshop }
	json.Unmarshal([]byte(r.Body), &d)
	if r := c.api("GET", fmt.Sprintf("/api/v1/workshops/%d", d.Data.ID), plainTok, ""); r.Status != 404 {
		t.Errorf("official saw a draft: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/workshops?status=draft", plainTok, ""); r.Status != 403 {
		t.Errorf("official listed drafts: %d", r.Status)
	}
}

// TestFocalPointsStayInTheirCountry: a focal point can neither see nor act on another
// country's registrations, letters or officials, through pages or the API.
func TestFocalPointsStayInTheirCountry(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	api := newClient(t, p)
	wid := scheduled(t, api, staffTok, 20, 0)
	joOfficial, joTok := person(t, p, "amal@gov.jo", officials.RoleOfficial, "JO")
	_, qaOfficialTok := person(t, p, "khalid@gov.qa", officials.RoleOfficial, "QA")
	joReg := regID(t, api.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), joTok, `{"motivation": "Portal lead"}`).Body)
	qaReg := regID(t, api.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), qaOfficialTok, `{"motivation": "Data officer"}`).Body)
	focalJO, _ := account(t, p, "focal.jo@gov.jo", officials.RoleFocalPoint, "JO")
	focalQA, qaFocal := account(t, p, "focal.qa@gov.qa", officials.RoleFocalPoint, "QA")
	qaTok, _ := p.Officials.CreateAPIToken(context.Background(), qaFocal.ID, "t")

	// Pages: the Qatari focal point cancelling a Jordanian registration is told it does not exist.
	if r := focalQA.post(fmt.Sprintf("/ar/registrations/%d/cancel", joReg), nil); r.Status != 404 {
		t.Errorf("QA focal point cancelled a Jordanian registration: %d", r.Status)
	}
	if r := focalQA.post(fmt.Sprintf("/ar/registrations/%d/approve", qaReg), nil); r.Status != 403 {
		t.Errorf("a focal point approved: %d", r.Status)
	}
	page := focalQA.get(fmt.Sprintf("/ar/workshops/%d/nominate", wid))
	if page.Status != 200 || strings.Contains(page.Body, joOfficial.NameLatin) && strings.Contains(page.Body, "amal@gov.jo") {
		t.Errorf("QA delegation page: %d", page.Status)
	}
	// Nominating the Jordanian by e-mail is refused.
	r := focalQA.post(fmt.Sprintf("/ar/workshops/%d/nominate", wid), url.Values{"email": {"amal@gov.jo"}})
	if r.Status != 422 {
		t.Errorf("QA focal point nominated a Jordanian: %d", r.Status)
	}
	// API: a focal point lists only their country, and another country's registration is not found.
	r = api.api("GET", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), qaTok, "")
	if r.Status != 200 || strings.Contains(r.Body, "amal@gov.jo") || !strings.Contains(r.Body, "khalid@gov.qa") {
		t.Errorf("QA focal point's list: %s", r.Body)
	}
	if strings.Contains(r.Body, `"ticket"`) {
		t.Errorf("a focal point sees ticket codes: %s", r.Body)
	}
	for _, path := range []string{fmt.Sprintf("/api/v1/registrations/%d", joReg)} {
		if r := api.api("GET", path, qaTok, ""); r.Status != 404 {
			t.Errorf("GET %s by QA focal point: %d", path, r.Status)
		}
	}
	if r := api.api("POST", fmt.Sprintf("/api/v1/registrations/%d/cancel", joReg), qaTok, ""); r.Status != 404 {
		t.Errorf("API cancel by QA focal point: %d", r.Status)
	}
	if r := api.api("POST", fmt.Sprintf("/api/v1/workshops/%d/registrations", wid), qaTok, fmt.Sprintf(`{"official_id": %d}`, joOfficial.ID)); r.Status != 404 {
		t.Errorf("API nomination of a Jordanian by the QA focal point: %d %s", r.Status, r.Body)
	}
	// Letters: the Jordanian focal point uploads one; the Qatari cannot read it.
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 2000)...)
	if r := focalJO.workshopUpload(fmt.Sprintf("/ar/workshops/%d/letter", wid), nil, "letter", "مذكرة.pdf", pdf); r.Status != 303 {
		t.Fatalf("upload letter: %d %s", r.Status, r.Body)
	}
	if r := focalJO.get(fmt.Sprintf("/ar/workshops/%d/letter/JO", wid)); r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Errorf("JO focal point reads the letter: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if r := focalQA.get(fmt.Sprintf("/ar/workshops/%d/letter/JO", wid)); r.Status != 404 {
		t.Errorf("QA focal point read Jordan's letter: %d", r.Status)
	}
	if r := api.api("GET", fmt.Sprintf("/api/v1/workshops/%d/letters/JO", wid), qaTok, ""); r.Status != 404 {
		t.Errorf("QA focal point read Jordan's letter through the API: %d", r.Status)
	}
	if r := api.api("GET", fmt.Sprintf("/api/v1/workshops/%d/letters/JO", wid), staffTok, ""); r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Errorf("staff read the letter: %d", r.Status)
	}
	plain, _ := account(t, p, "plain@gov.jo", officials.RoleOfficial, "JO")
	if r := plain.get(fmt.Sprintf("/ar/workshops/%d/letter/JO", wid)); r.Status != 403 {
		t.Errorf("an official read the letter: %d", r.Status)
	}
	// A letter that is not a PDF, or too large, is refused whatever its name says.
	if r := focalJO.workshopUpload(fmt.Sprintf("/en/workshops/%d/letter", wid), nil, "letter", "letter.pdf", []byte("PK\x03\x04 a zip named .pdf")); r.Status != 422 ||
		!strings.Contains(r.Body, "must be a PDF file") {
		t.Errorf("non-PDF letter: %d", r.Status)
	}
	big := append([]byte("%PDF-1.7\n"), make([]byte, workshops.MaxLetterBytes)...)
	if r := focalJO.workshopUpload(fmt.Sprintf("/en/workshops/%d/letter", wid), nil, "letter", "big.pdf", big); r.Status != 413 {
		t.Errorf("6 MB letter: %d", r.Status)
	}
	// A delegation list with another country's official is refused whole.
	book := xlsxBook(t, [][]any{{"Email", "Full name in Arabic script", "Full name in Latin script", "Job title", "Organisation", "Member state", "Sector", "Gender", "Preferred language"},
		{"new.qa@gov.qa", "نورة علي", "Noura Ali", "Analyst", "Planning", "QA", "Central government", "Female", "Arabic"},
		{"new.jo@gov.jo", "رامي علي", "Rami Ali", "Analyst", "Planning", "JO", "Central government", "Male", "Arabic"}})
	r = focalQA.workshopUpload(fmt.Sprintf("/en/workshops/%d/import", wid), nil, "file", "delegation.xlsx", book)
	if r.Status != 422 || !strings.Contains(r.Body, "This person is not an official of your country.") {
		t.Errorf("delegation with a Jordanian: %d", r.Status)
	}
	if _, err := p.Officials.GetByEmail(context.Background(), "new.qa@gov.qa"); err == nil {
		t.Error("a refused delegation list created an account")
	}
}

func xlsxBook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	f.WriteTo(&b)
	return b.Bytes()
}

// workshopUpload posts a multipart form with one file, with this browser's CSRF token.
func (c *client) workshopUpload(path string, fields url.Values, field, name string, data []byte) response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/" + c.lang + "/login")
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("_csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(data)
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// TestScheduleApplyApproveCheckIn goes through the pages: staff schedule a workshop with its
// agenda, an official applies, staff approve, the official's ticket shows a QR code, a
// trainer checks them in, and the attendance shows.
func TestScheduleApplyApproveCheckIn(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	staff, _ := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	trainerC, trainer := account(t, p, "trainer@masar.test", officials.RoleTrainer, "JO")
	form := url.Values{
		"title_ar": {"ورشة المشاركة العامة"}, "title_en": {"Public participation workshop"}, "kind": {"regional"},
		"phases": {"2"}, "host_country": {"JO"}, "city": {"Amman"}, "venue": {"Dead Sea centre"},
		"start_date": {"2026-03-10"}, "end_date": {"2026-03-11"}, "languages": {"ar", "en"}, "capacity": {"25"},
		"country_quota": {"3"}, "hours": {"12"}, "attendance_threshold": {"50"}, "offer_hours": {"48"}, "reminder_days": {"7"},
		"trainers":     {itoa(trainer.ID)},
		"s0_starts_at": {"2026-03-10T09:00"}, "s0_ends_at": {"2026-03-10T10:30"}, "s0_title_ar": {"الافتتاح"}, "s0_title_en": {"Opening"},
		"s0_room": {"Hall A"}, "s0_speaker": {"Dr Rania"}, "s0_id": {""}, "s0_trainer_id": {""},
		"s1_starts_at": {""}, "s1_ends_at": {""}, "s1_title_ar": {""}, "s1_id": {""},
	}
	// A mistake comes back with the typed values and the Arabic message next to the field.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("capacity", "many")
	bad.Set("s0_ends_at", "2026-03-10T08:00")
	r := staff.post("/ar/admin/workshops/new", bad)
	if r.Status != 422 || !strings.Contains(r.Body, "أدخل عدد مقاعد بين 1 و10000.") || !strings.Contains(r.Body, "يجب أن ينتهي البند بعد بدايته.") ||
		!strings.Contains(r.Body, `value="ورشة المشاركة العامة"`) {
		t.Fatalf("bad schedule form: %d", r.Status)
	}
	r = staff.post("/ar/admin/workshops/new", form)
	if r.Status != 303 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	wid := strings.TrimPrefix(r.Location, "/ar/admin/workshops/")
	if r := staff.post("/ar/admin/workshops/"+wid+"/status", url.Values{"status": {"published"}}); r.Status != 303 {
		t.Fatalf("publish: %d", r.Status)
	}
	// The public calendar and page.
	anon := newClient(t, p)
	cal := anon.get("/ar/workshops")
	if cal.Status != 200 || !strings.Contains(cal.Body, "ورشة المشاركة العامة") || !strings.Contains(cal.Body, "10–11 مارس 2026") {
		t.Errorf("calendar: %d", cal.Status)
	}
	if r := anon.get("/ar/workshops?country=QA"); strings.Contains(r.Body, "ورشة المشاركة العامة") {
		t.Error("the country filter let a Jordanian workshop through")
	}
	page := anon.get("/ar/workshops/" + wid)
	if page.Status != 200 || !strings.Contains(page.Body, "الافتتاح") || !strings.Contains(page.Body, "09:00–10:30") || !strings.Contains(html.UnescapeString(page.Body), "توقيت عمّان (\u2066UTC+3\u2069)") {
		t.Errorf("workshop page: %d", page.Status)
	}
	// An official applies: first without a motivation, then with one.
	official, o := account(t, p, "huda@gov.bh", officials.RoleOfficial, "BH")
	official.get("/ar/workshops/" + wid)
	r = official.post("/ar/workshops/"+wid+"/apply", url.Values{"motivation": {""}})
	if r.Status != 422 || !strings.Contains(r.Body, "اكتب بإيجاز سبب رغبتك في المشاركة.") {
		t.Errorf("apply without motivation: %d", r.Status)
	}
	if r := official.post("/ar/workshops/"+wid+"/apply", url.Values{"motivation": {"أدير بوابة البيانات المفتوحة في الوزارة."}}); r.Status != 303 {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	reg, err := p.Workshops.RegistrationFor(context.Background(), mustID(t, wid), o.ID)
	if err != nil || reg.Status != workshops.RegPending {
		t.Fatalf("registration: %v %v", reg, err)
	}
	// Staff approve from the registrations list.
	list := staff.get("/ar/admin/workshops/" + wid + "/registrations")
	if list.Status != 200 || !strings.Contains(list.Body, "أدير بوابة البيانات المفتوحة") {
		t.Errorf("registrations list: %d", list.Status)
	}
	if r := staff.post(fmt.Sprintf("/ar/registrations/%d/approve", reg.ID), url.Values{"next": {"/ar/admin/workshops/" + wid + "/registrations"}}); r.Status != 303 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	// The official's ticket has a QR code and the code.
	ticket := official.get("/ar/workshops/" + wid + "/ticket")
	reg, _ = p.Workshops.Registration(context.Background(), reg.ID)
	if ticket.Status != 200 || !strings.Contains(ticket.Body, `<svg xmlns="http://www.w3.org/2000/svg" class="qr"`) || !strings.Contains(ticket.Body, workshops.FormatTicket(reg.Ticket)) {
		t.Errorf("ticket: %d", ticket.Status)
	}
	// The confirmation e-mail carries the calendar entry.
	var att int
	p.DB.R.QueryRow(`SELECT count(*) FROM outbox o JOIN outbox_attachments a ON a.outbox_id = o.id
		WHERE o.to_email = ? AND o.template = 'workshop_confirmed' AND a.content_type LIKE 'text/calendar%'`, o.Email).Scan(&att)
	if att != 1 {
		t.Errorf("confirmation with .ics: %d", att)
	}
	// On the first day, the trainer finds her by the ticket code, typed in lower case with dashes, and checks her in.
	p.Workshops.SetClock(func() time.Time { return time.Date(2026, 3, 10, 8, 30, 0, 0, time.UTC) })
	code := strings.ToLower(workshops.FormatTicket(reg.Ticket))
	r = trainerC.get("/ar/admin/workshops/" + wid + "/checkin?day=2026-03-10&q=" + url.QueryEscape(code))
	if r.Status != 200 || !strings.Contains(r.Body, o.NameAr) {
		t.Fatalf("check-in search: %d", r.Status)
	}
	// …and by her name, typed without the hamza.
	if r := trainerC.get("/ar/admin/workshops/" + wid + "/checkin?q=" + url.QueryEscape("ساره")); !strings.Contains(r.Body, `id="p-`+itoa(reg.ID)+`"`) {
		t.Error("name search without diacritics found nobody")
	}
	r = trainerC.post("/ar/admin/workshops/"+wid+"/checkin", url.Values{"registration_id": {itoa(reg.ID)}, "day": {"2026-03-10"}, "present": {"1"}})
	if r.Status != 303 {
		t.Fatalf("check in: %d %s", r.Status, r.Body)
	}
	att2 := trainerC.get("/ar/admin/workshops/" + wid + "/attendance")
	if att2.Status != 200 || !strings.Contains(att2.Body, "50%") || !strings.Contains(att2.Body, "✓") {
		t.Errorf("attendance page: %d", att2.Status)
	}
	// Another trainer, or an official, cannot take this workshop's attendance.
	other, _ := account(t, p, "trainer2@masar.test", officials.RoleTrainer, "JO")
	if r := other.get("/ar/admin/workshops/" + wid + "/checkin"); r.Status != 404 {
		t.Errorf("another trainer opened check-in: %d", r.Status)
	}
	if r := official.get("/ar/admin/workshops/" + wid + "/checkin"); r.Status != 403 {
		t.Errorf("an official opened check-in: %d", r.Status)
	}
	// The profile lists the registration, and the personal-data export has it.
	me := official.get("/ar/me")
	if !strings.Contains(me.Body, "ورشة المشاركة العامة") || !strings.Contains(me.Body, "مؤكد") {
		t.Error("profile lacks the workshop")
	}
	exp := official.get("/ar/me/export")
	if !strings.Contains(exp.Body, `"workshops":[{"registration"`) {
		t.Errorf("export lacks the workshops: %.300s", exp.Body)
	}
	// Excel export of the list, from the admin page.
	x := staff.get("/en/admin/workshops/" + wid + "/export.xlsx")
	if x.Status != 200 || !strings.HasPrefix(x.Body, "PK") {
		t.Errorf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
	}
}

func mustID(t *testing.T, s string) int64 {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("id %q", s)
	}
	return n
}

// TestWorkshopTimesInViewersZone shows the agenda of a Beirut workshop that spans the change
// to summer time, in the host's zone and in Dubai's.
func TestWorkshopTimesInViewersZone(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	body := `{"title": {"ar": "ورشة بيروت", "en": "Beirut workshop"}, "kind": "regional", "phases": [3], "host_country": "LB", "city": "Beirut",
		"start_date": "2026-03-28", "end_date": "2026-03-29", "languages": ["ar"], "capacity": 20,
		"sessions": [
			{"starts_at": "2026-03-28T09:00", "ends_at": "2026-03-28T10:30", "title": {"ar": "جلسة السبت", "en": "Saturday session"}},
			{"starts_at": "2026-03-28T22:30", "ends_at": "2026-03-28T23:30", "title": {"ar": "جلسة مسائية", "en": "Evening session"}},
			{"starts_at": "2026-03-29T09:00", "ends_at": "2026-03-29T10:30", "title": {"ar": "جلسة الأحد", "en": "Sunday session"}}]}`
	r := c.api("POST", "/api/v1/workshops", staffTok, body)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var w struct{ Data workshops.Workshop }
	json.Unmarshal([]byte(r.Body), &w)
	id := w.Data.ID
	c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", id), staffTok, `{"status": "published"}`)
	if !strings.Contains(r.Body, `"starts_at":"2026-03-28T09:00:00+02:00"`) || !strings.Contains(r.Body, `"starts_at":"2026-03-29T09:00:00+03:00"`) {
		t.Errorf("API times are not in the host's offset: %s", r.Body)
	}
	en := c.get(fmt.Sprintf("/en/workshops/%d?zone=AE", id))
	text := html.UnescapeString(tagRe.ReplaceAllString(en.Body, ""))
	for _, want := range []string{"Beirut time (UTC+2)", "Beirut time (UTC+3)", "UAE time (UTC+4)",
		"09:00–10:30", "11:00–12:30", // Saturday, Beirut UTC+2
		"22:30–23:30", "29 March 2026 00:30–01:30", // past midnight in Dubai
		"10:00–11:30", // Sunday: Beirut moved to UTC+3, Dubai did not
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Without a chosen zone, an anonymous visitor sees the host's times only.
	if r := c.get(fmt.Sprintf("/en/workshops/%d", id)); strings.Contains(r.Body, "11:00–12:30") {
		t.Error("anonymous page shows a second zone")
	}
	// A logged-in official sees their own country's zone alongside.
	off, _ := account(t, p, "rabat@gov.ma", officials.RoleOfficial, "MA")
	if r := off.get(fmt.Sprintf("/fr/workshops/%d", id)); !strings.Contains(r.Body, "Maroc") {
		t.Error("an official's own zone is not shown")
	}
}

var tagRe = regexp.MustCompile(`<[^>]+>`)

func TestCalendarFeedsOverHTTP(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	c := newClient(t, p)
	pub := scheduled(t, c, staffTok, 10, 0)
	r := c.api("POST", "/api/v1/workshops", staffTok, strings.Replace(fmt.Sprintf(workshopJSON, 5, 0), "Open government data workshop", "Secret draft", 1))
	var d struct{ Data workshops.Workshop }
	json.Unmarshal([]byte(r.Body), &d)
	feed := c.get("/workshops.ics?lang=en")
	if feed.Status != 200 || !strings.HasPrefix(feed.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", feed.Status, feed.Header.Get("Content-Type"))
	}
	if !strings.Contains(feed.Body, fmt.Sprintf("UID:workshop-%d@", pub)) || strings.Contains(feed.Body, "Secret draft") ||
		!strings.Contains(feed.Body, "SUMMARY;LANGUAGE=en:Open government data workshop") || !strings.Contains(feed.Body, "\r\n") {
		t.Errorf("feed body:\n%s", feed.Body)
	}
	if r := c.get(fmt.Sprintf("/workshops/%d.ics", d.Data.ID)); r.Status != 404 {
		t.Errorf("draft's calendar: %d", r.Status)
	}
	one := c.get(fmt.Sprintf("/workshops/%d.ics?lang=ar", pub))
	if one.Status != 200 || !strings.Contains(one.Body, "BEGIN:VEVENT") || !strings.Contains(one.Body, "DTSTART;VALUE=DATE:20260310") {
		t.Errorf("workshop calendar: %d %s", one.Status, one.Body)
	}
	c.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d", pub), staffTok, `{"status": "cancelled"}`)
	if r := c.get(fmt.Sprintf("/workshops/%d.ics", pub)); !strings.Contains(r.Body, "STATUS:CANCELLED") {
		t.Errorf("cancelled workshop's calendar:\n%s", r.Body)
	}
}

// TestNominationCreatesAccount: a focal point nominates someone who has no account; the
// account is made and its holder invited to claim it, and the nomination is recorded.
func TestNominationCreatesAccount(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	_, staffTok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	wid := scheduled(t, newClient(t, p), staffTok, 10, 0)
	focal, f := account(t, p, "focal@gov.tn", officials.RoleFocalPoint, "TN")
	focal.get(fmt.Sprintf("/ar/workshops/%d/nominate", wid))
	r := focal.post(fmt.Sprintf("/ar/workshops/%d/nominate", wid), url.Values{"email": {"salma@gov.tn"}})
	if r.Status != 422 || !strings.Contains(r.Body, "لا يوجد حساب بهذا البريد الإلكتروني") {
		t.Fatalf("nominate an unknown e-mail without details: %d", r.Status)
	}
	form := url.Values{"email": {"salma@gov.tn"}, "name_ar": {"سلمى بن علي"},
		"name_latin": {"Salma Ben Ali"}, "job_title": {"Cheffe de service"}, "organisation": {"Présidence du gouvernement"},
		"sector": {"central_government"}, "gender": {"female"}, "language": {"fr"}, "motivation": {"Responsable du portail"},
		"country": {"QA"}}
	// A focal point's nominee is of their country: another one is refused, not switched.
	if r = focal.post(fmt.Sprintf("/ar/workshops/%d/nominate", wid), form); r.Status != 422 {
		t.Fatalf("nominate for another country: %d", r.Status)
	}
	form.Set("country", "TN")
	r = focal.post(fmt.Sprintf("/ar/workshops/%d/nominate", wid), form)
	if r.Status != 303 {
		t.Fatalf("nominate with details: %d %s", r.Status, r.Body)
	}
	o, err := p.Officials.GetByEmail(context.Background(), "salma@gov.tn")
	if err != nil || o.Country != "TN" {
		t.Fatalf("account: %+v %v", o, err)
	}
	reg, err := p.Workshops.RegistrationFor(context.Background(), wid, o.ID)
	if err != nil || reg.NominatedBy == nil || *reg.NominatedBy != f.ID || reg.Status != workshops.RegPending {
		t.Fatalf("nomination: %+v %v", reg, err)
	}
	var claim, pending string
	p.DB.R.QueryRow("SELECT subject FROM outbox WHERE to_email = ? AND template = 'welcome_claim'", o.Email).Scan(&claim)
	p.DB.R.QueryRow("SELECT subject FROM outbox WHERE to_email = ? AND template = 'workshop_pending'", o.Email).Scan(&pending)
	if claim == "" || !strings.Contains(pending, "Votre candidature") {
		t.Errorf("mails: claim %q, pending %q", claim, pending)
	}
}

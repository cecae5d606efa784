package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/workshops"
)

// reportFixture is a small programme built through the features' public services, whose
// figures are counted by hand in the comments below.
//
// Officials (role official): JO j1–j6 (j1–j4 women, j5–j6 men; j1–j4 central government,
// j5–j6 local government), TN t1 (woman), t2 (man) in civil society, EG e1–e2 (women),
// e3–e5 (men) and SA s1–s5 (men), central government / public enterprise. Focal points of JO
// and TN (women, central government) count as officials too: JO 7, TN 3, EG 5, SA 5 = 20,
// 9 women. KW has no one.
//
// Courses: all 18 officials complete open-government-data; j1 enrols in
// citizen-participation and fails its quiz; t1 enrols in it without trying the quiz.
// 20 enrolments, 18 completed, 19 quiz takers, 18 passed.
//
// Workshops (starting tomorrow, the workshops' clock moved to the days to take attendance):
// W1 regional in JO, 2 days: j1 (2 days), j2 (1), j3 (0), t1 (2), e1 (2), e3 (1) confirmed,
// s1 rejected; W2 national in EG, 1 day: e2 (present), e4 (present), e5 (absent); both
// completed. W3 online, published, not over; W4 expert meeting in TN, cancelled: not held.
//
// Certificates: 18 of course completion; attendance certificates (75 %) for j1, t1, e1
// (W1) and e2, e4 (W2): 5. j6's course certificate revoked.
//
// Advisory: R1 JO phases 1,2 accepted; R2 JO phase 2 withdrawn; R3 EG phase 1 declined;
// R4 EG phases 3,4 accepted.
type reportFixture struct {
	p                       *platform.Platform
	staff                   *client
	fpJO                    *client
	fpTN                    *client
	officer                 *client
	tokStaff, tokJO, tokOff string
	people                  map[string]*officials.Official
	today                   string
	day                     time.Time // the first day of the workshops (tomorrow)
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	ctx := context.Background()
	p := newPlatform(t)
	f := &reportFixture{p: p, people: map[string]*officials.Official{}}
	var staff, fpJO *officials.Official
	f.staff, staff = account(t, p, "staff.reports@example.org", officials.RoleStaff, "")
	f.fpJO, fpJO = account(t, p, "fp.jo.reports@example.org", officials.RoleFocalPoint, "JO")
	f.fpTN, _ = account(t, p, "fp.tn.reports@example.org", officials.RoleFocalPoint, "TN")
	var off *officials.Official
	f.officer, off = account(t, p, "trainer.reports@example.org", officials.RoleTrainer, "JO")
	var err error
	if f.tokStaff, err = p.Officials.CreateAPIToken(ctx, staff.ID, "t"); err != nil {
		t.Fatal(err)
	}
	if f.tokJO, err = p.Officials.CreateAPIToken(ctx, fpJO.ID, "t"); err != nil {
		t.Fatal(err)
	}
	if f.tokOff, err = p.Officials.CreateAPIToken(ctx, off.ID, "t"); err != nil {
		t.Fatal(err)
	}
	actor := audit.Actor{ID: staff.ID, Email: staff.Email}
	mk := func(name, country, gender, sector string) {
		in := officials.Input{Email: name + ".reports@gov.example", NameAr: "موظف تجريبي", NameLatin: "Test Official",
			JobTitle: "Analyst", Organisation: "Ministry", Country: country, Sector: sector, Gender: gender, Language: "ar"}
		o, err := p.Officials.Create(ctx, actor, in, officials.RoleOfficial)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		f.people[name] = o
	}
	for i := 1; i <= 6; i++ {
		g, s := "female", "central_government"
		if i > 4 {
			g, s = "male", "local_government"
		}
		mk(fmt.Sprintf("j%d", i), "JO", g, s)
	}
	mk("t1", "TN", "female", "civil_society")
	mk("t2", "TN", "male", "civil_society")
	for i := 1; i <= 5; i++ {
		g := "male"
		if i <= 2 {
			g = "female"
		}
		mk(fmt.Sprintf("e%d", i), "EG", g, "central_government")
	}
	for i := 1; i <= 5; i++ {
		mk(fmt.Sprintf("s%d", i), "SA", "male", "public_enterprise")
	}

	// Courses.
	complete := func(who, slug string) {
		co, err := p.Library.Catalogue().Course(slug)
		if err != nil {
			t.Fatal(err)
		}
		id := f.people[who].ID
		openedLongAgo(t, p, id, slug)
		for _, l := range co.Lessons {
			if _, err := p.Courses.MarkDone(ctx, id, slug, l.Slug); err != nil {
				t.Fatal(err)
			}
		}
		answers := drawnRightAnswers(t, p.Courses, id, co)
		sub, err := p.Courses.SubmitQuiz(ctx, id, slug, answers, true)
		if err != nil || !sub.Completed {
			t.Fatalf("%s completes %s: %v %+v", who, slug, err, sub)
		}
	}
	for _, who := range []string{"j1", "j2", "j3", "j4", "j5", "j6", "t1", "t2", "e1", "e2", "e3", "e4", "e5", "s1", "s2", "s3", "s4", "s5"} {
		complete(who, "open-government-data")
	}
	if err := p.Courses.Enrol(ctx, f.people["j1"].ID, "citizen-participation"); err != nil {
		t.Fatal(err)
	}
	if sub, err := p.Courses.SubmitQuiz(ctx, f.people["j1"].ID, "citizen-participation", map[string][]string{}, true); err != nil || sub.Passed {
		t.Fatalf("failed quiz: %v %+v", err, sub)
	}
	if err := p.Courses.Enrol(ctx, f.people["t1"].ID, "citizen-participation"); err != nil {
		t.Fatal(err)
	}

	// Workshops: tomorrow and the day after, registered for today.
	now := time.Now().UTC()
	f.today = now.Format("2006-01-02")
	f.day = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	d1, d2 := f.day.Format("2006-01-02"), f.day.AddDate(0, 0, 1).Format("2006-01-02")
	// Registrations happen at 09:00 UTC the day before, the day before in every member state
	// too (late in the UTC evening it is already f.day in Amman).
	p.Workshops.SetClock(func() time.Time { return f.day.Add(-15 * time.Hour) })
	workshop := func(kind, host, start, end string) *workshops.Workshop {
		w, err := p.Workshops.Create(ctx, actor, workshops.Input{
			Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"}, Kind: kind, Phases: []int{1, 2},
			HostCountry: host, City: "City", StartDate: start, EndDate: end, Languages: []string{"ar"}, Capacity: 30, Hours: 12,
			OnlineURL: map[bool]string{true: "https://meet.example.org/x"}[kind == workshops.KindOnline],
			Timezone:  map[bool]string{true: "Asia/Riyadh"}[kind == workshops.KindOnline]})
		if err != nil {
			t.Fatalf("workshop %s: %v", kind, err)
		}
		if w, err = p.Workshops.SetStatus(ctx, actor, w.ID, workshops.StatusPublished); err != nil {
			t.Fatal(err)
		}
		return w
	}
	w1 := workshop(workshops.KindRegional, "JO", d1, d2)
	w2 := workshop(workshops.KindNational, "EG", d1, d1)
	workshop(workshops.KindOnline, "", d1, d1)
	w4 := workshop(workshops.KindExpert, "TN", d1, d1)
	if _, err := p.Workshops.SetStatus(ctx, actor, w4.ID, workshops.StatusCancelled); err != nil {
		t.Fatal(err)
	}
	regs := map[string]int64{}
	seat := func(w *workshops.Workshop, who, action string) {
		r, err := p.Workshops.Apply(ctx, f.people[who], w.ID, "I lead the open data unit of my ministry.")
		if err != nil {
			t.Fatalf("%s applies: %v", who, err)
		}
		if _, err := p.Workshops.Transition(ctx, staff, r.ID, action); err != nil {
			t.Fatalf("%s %s: %v", action, who, err)
		}
		regs[fmt.Sprint(w.ID)+who] = r.ID
	}
	for _, who := range []string{"j1", "j2", "j3", "t1", "e1", "e3"} {
		seat(w1, who, workshops.ActApprove)
	}
	seat(w1, "s1", workshops.ActReject)
	for _, who := range []string{"e2", "e4", "e5"} {
		seat(w2, who, workshops.ActApprove)
	}
	p.Workshops.SetClock(func() time.Time { return f.day.AddDate(0, 0, 1).Add(10 * time.Hour) })
	present := func(w *workshops.Workshop, day string, who ...string) {
		var ids []int64
		for _, x := range who {
			ids = append(ids, regs[fmt.Sprint(w.ID)+x])
		}
		if err := p.Workshops.RecordAttendance(ctx, staff, w.ID, day, ids, true); err != nil {
			t.Fatalf("attendance %s: %v", day, err)
		}
	}
	present(w1, d1, "j1", "j2", "t1", "e1")
	present(w1, d2, "j1", "t1", "e1", "e3")
	present(w2, d1, "e2", "e4")
	for _, w := range []*workshops.Workshop{w1, w2} {
		if _, err := p.Workshops.SetStatus(ctx, actor, w.ID, workshops.StatusCompleted); err != nil {
			t.Fatalf("complete workshop: %v", err)
		}
	}
	p.Certificates.Wait()
	p.Workshops.SetClock(nil)

	// One certificate revoked.
	cs, err := p.Certificates.ForOfficial(ctx, f.people["j6"].ID)
	if err != nil || len(cs) != 1 {
		t.Fatalf("j6's certificates: %v %d", err, len(cs))
	}
	if _, err := p.Certificates.Revoke(ctx, actor, cs[0].Code, "Issued by mistake."); err != nil {
		t.Fatal(err)
	}

	// Advisory requests.
	request := func(by *officials.Official, country string, phases []int, path ...string) {
		r, err := p.Advisory.Create(ctx, by, advisory.Input{Country: country, RequestingBody: "Ministry of Planning", Phases: phases,
			Topics: []string{"action_plan"}, Needs: "Help drafting the national open-government action plan.",
			SupportKinds: []string{"policy_review"}, Language: "en", Letter: advLetter()}, nil)
		if err != nil {
			t.Fatalf("request: %v", err)
		}
		for _, st := range path {
			who := staff
			if st == advisory.StatusWithdrawn {
				who = fpJO
			}
			if _, err := p.Advisory.Transition(ctx, who, r.ID, st, "Outside this year's work plan."); err != nil {
				t.Fatalf("move to %s: %v", st, err)
			}
		}
	}
	request(fpJO, "JO", []int{1, 2}, advisory.StatusUnderReview, advisory.StatusAccepted)
	request(fpJO, "JO", []int{2}, advisory.StatusWithdrawn)
	request(staff, "EG", []int{1}, advisory.StatusUnderReview, advisory.StatusDeclined)
	request(staff, "EG", []int{3, 4}, advisory.StatusUnderReview, advisory.StatusAccepted)
	return f
}

// dashboard asks the API for the figures.
func (f *reportFixture) dashboard(t *testing.T, token, query string) (*reports.Dashboard, response) {
	t.Helper()
	r := newClient(t, f.p).api("GET", "/api/v1/reports"+query, token, "")
	if r.Status != http.StatusOK {
		return nil, r
	}
	var body struct{ Data reports.Dashboard }
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatalf("decode %s: %v", query, err)
	}
	return &body.Data, r
}

func repGroup(gs []reports.Group, key string) reports.Group {
	for _, g := range gs {
		if g.Key == key {
			return g
		}
	}
	return reports.Group{Key: "missing " + key, Total: -1}
}

func repLearning(rs []reports.LearningRow, key string) reports.LearningRow {
	for _, r := range rs {
		if r.Key == key {
			return r
		}
	}
	return reports.LearningRow{Key: "missing " + key, Enrolments: -1}
}

func repAttendance(rs []reports.AttendanceRow, key string) reports.AttendanceRow {
	for _, r := range rs {
		if r.Key == key {
			return r
		}
	}
	return reports.AttendanceRow{Key: "missing " + key, Participants: -1}
}

func repCert(rs []reports.CertificateRow, key string) reports.CertificateRow {
	for _, r := range rs {
		if r.Key == key {
			return r
		}
	}
	return reports.CertificateRow{Key: "missing " + key, Issued: -1}
}

func repNear(x *float64, want float64) bool { return x != nil && math.Abs(*x-want) < 1e-6 }

// TestReports builds one fixture and checks what is counted and who may see it.
func TestReports(t *testing.T) {
	f := newReportFixture(t)
	t.Run("FiguresMatchHandCount", f.testFigures)
	t.Run("CountryFilterAndEmptyPeriod", f.testFilters)
	t.Run("FocalPointSeesOnlyOwnCountry", f.testScope)
	t.Run("XLSXReadBack", f.testXLSX)
	t.Run("CSVWithBOM", f.testCSV)
	t.Run("OpenDataSuppression", f.testOpenData)
	t.Run("PagesAndCharts", f.testPages)
}

func (f *reportFixture) testFigures(t *testing.T) {
	period := "?from=" + f.today + "&to=" + f.day.AddDate(0, 0, 1).Format("2006-01-02")
	for _, q := range []string{"", period} {
		d, r := f.dashboard(t, f.tokStaff, q)
		if d == nil {
			t.Fatalf("%q: %d %s", q, r.Status, r.Body)
		}
		o := d.Officials
		if o.Registered != 20 || o.Gender.Female != 9 || o.Gender.Male != 11 || o.Gender.Unspecified != 0 {
			t.Errorf("%q officials: %+v", q, o)
		}
		for iso, want := range map[string][3]int{"JO": {7, 5, 2}, "TN": {3, 2, 1}, "EG": {5, 2, 3}, "SA": {5, 0, 5}, "KW": {0, 0, 0}} {
			g := repGroup(o.ByCountry, iso)
			if g.Total != want[0] || g.Gender.Female != want[1] || g.Gender.Male != want[2] {
				t.Errorf("%q officials of %s: %+v, want %v", q, iso, g, want)
			}
		}
		if g := repGroup(o.BySector, "central_government"); g.Total != 4+2+5 || g.Gender.Female != 4+2+2 {
			t.Errorf("central government: %+v", g)
		}
		if g := repGroup(o.BySector, "public_enterprise"); g.Total != 5 || g.Gender.Male != 5 {
			t.Errorf("public enterprise: %+v", g)
		}
		c := d.Courses
		if c.Total.Enrolments != 20 || c.Total.Completions != 18 || c.Total.QuizTakers != 19 || c.Total.QuizPassed != 18 ||
			!repNear(c.Total.CompletionRate, 0.9) || !repNear(c.Total.PassRate, 18.0/19) {
			t.Errorf("%q courses: %+v", q, c.Total)
		}
		if r := repLearning(c.ByCourse, "open-government-data"); r.Enrolments != 18 || r.Completions != 18 || !repNear(r.CompletionRate, 1) {
			t.Errorf("course A: %+v", r)
		}
		if r := repLearning(c.ByCourse, "citizen-participation"); r.Enrolments != 2 || r.Completions != 0 || r.QuizTakers != 1 ||
			r.QuizPassed != 0 || !repNear(r.PassRate, 0) || !repNear(r.CompletionRate, 0) {
			t.Errorf("course B: %+v", r)
		}
		if r := repLearning(c.ByCourse, "collaboration-co-creation"); r.Enrolments != 0 || r.CompletionRate != nil || r.PassRate != nil {
			t.Errorf("course without enrolments: %+v", r)
		}
		if r := repLearning(c.ByGender, "female"); r.Enrolments != 9 || r.Completions != 7 {
			t.Errorf("women's enrolments: %+v", r)
		}
		if r := repLearning(c.ByGender, "male"); r.Enrolments != 11 || r.Completions != 11 {
			t.Errorf("men's enrolments: %+v", r)
		}
		if r := repLearning(c.ByCountry, "JO"); r.Enrolments != 7 || r.Completions != 6 || r.QuizTakers != 7 || r.QuizPassed != 6 {
			t.Errorf("JO enrolments: %+v", r)
		}
		w := d.Workshops
		if w.Held != 2 || w.ByKind["regional"] != 1 || w.ByKind["national"] != 1 || w.ByKind["online"] != 0 || w.ByKind["expert_meeting"] != 0 {
			t.Errorf("%q workshops held: %d %v", q, w.Held, w.ByKind)
		}
		for _, h := range w.ByHost {
			want := map[string]int{"JO": 1, "EG": 1}[h.Country]
			if h.Total != want {
				t.Errorf("hosted by %q: %d, want %d", h.Country, h.Total, want)
			}
		}
		if w.Participants.Participants != 9 || w.Participants.Attended != 7 || !repNear(w.Participants.AttendanceRate, 6.0/9) {
			t.Errorf("participants: %+v", w.Participants)
		}
		for iso, want := range map[string]struct {
			n, attended int
			rate        float64
		}{"JO": {3, 2, 0.5}, "TN": {1, 1, 1}, "EG": {5, 4, 0.7}} {
			r := repAttendance(w.ByCountry, iso)
			if r.Participants != want.n || r.Attended != want.attended || !repNear(r.AttendanceRate, want.rate) {
				t.Errorf("participants of %s: %+v, want %+v", iso, r, want)
			}
		}
		if r := repAttendance(w.ByCountry, "SA"); r.Participants != 0 || r.AttendanceRate != nil {
			t.Errorf("SA's rejected applicant counted: %+v", r)
		}
		if r := repAttendance(w.ByGender, "female"); r.Participants != 6 || r.Attended != 5 || !repNear(r.AttendanceRate, 0.75) {
			t.Errorf("women participants: %+v", r)
		}
		if r := repAttendance(w.ByGender, "male"); r.Participants != 3 || r.Attended != 2 || !repNear(r.AttendanceRate, 0.5) {
			t.Errorf("men participants: %+v", r)
		}
		if len(w.Workshops) != 2 || w.Workshops[0].Participants+w.Workshops[1].Participants != 9 {
			t.Errorf("workshop list: %+v", w.Workshops)
		}
		cr := d.Certificates
		if cr.Total.Course != 18 || cr.Total.Workshop != 5 || cr.Total.Issued != 23 || cr.Total.Revoked != 1 {
			t.Errorf("%q certificates: %+v", q, cr.Total)
		}
		for iso, want := range map[string][4]int{"JO": {6, 1, 7, 1}, "TN": {2, 1, 3, 0}, "EG": {5, 3, 8, 0}, "SA": {5, 0, 5, 0}} {
			r := repCert(cr.ByCountry, iso)
			if r.Course != want[0] || r.Workshop != want[1] || r.Issued != want[2] || r.Revoked != want[3] {
				t.Errorf("certificates of %s: %+v, want %v", iso, r, want)
			}
		}
		if r := repCert(cr.ByGender, "female"); r.Issued != 11 || r.Workshop != 4 || r.Revoked != 0 {
			t.Errorf("women's certificates: %+v", r)
		}
		if r := repCert(cr.ByGender, "male"); r.Issued != 12 || r.Revoked != 1 {
			t.Errorf("men's certificates: %+v", r)
		}
		a := d.Advisory
		if a.Total.Requests != 4 || a.Total.Accepted != 2 || a.Total.MedianDaysToAcceptance == nil || *a.Total.MedianDaysToAcceptance != 0 {
			t.Errorf("%q advisory: %+v", q, a.Total)
		}
		states := map[string]reports.StateRow{}
		for _, s := range a.ByState {
			states[s.Status] = s
		}
		if s := states["accepted"]; s.Total != 2 || s.ByPhase != [4]int{1, 1, 1, 1} {
			t.Errorf("accepted: %+v", s)
		}
		if states["declined"].Total != 1 || states["withdrawn"].Total != 1 || states["submitted"].Total != 0 || len(a.ByState) != len(advisory.Statuses) {
			t.Errorf("states: %+v", a.ByState)
		}
		for i, want := range [][2]int{{2, 1}, {2, 1}, {1, 1}, {1, 1}} {
			if p := a.ByPhase[i]; p.Requests != want[0] || p.Accepted != want[1] {
				t.Errorf("phase %d: %+v, want %v", i+1, p, want)
			}
		}
	}
}

func (f *reportFixture) testFilters(t *testing.T) {
	d, r := f.dashboard(t, f.tokStaff, "?country=jo")
	if d == nil {
		t.Fatalf("JO: %d %s", r.Status, r.Body)
	}
	if d.Filter.Country != "JO" || d.Officials.Registered != 7 || len(d.Officials.ByCountry) != 1 || d.Courses.Total.Enrolments != 7 ||
		d.Courses.Total.Completions != 6 || d.Workshops.Held != 1 || d.Workshops.Participants.Participants != 3 ||
		d.Certificates.Total.Issued != 7 || d.Certificates.Total.Revoked != 1 || d.Advisory.Total.Requests != 2 {
		t.Errorf("JO figures: officials %d, enrolments %d, completions %d, held %d, participants %d, certificates %+v, requests %d",
			d.Officials.Registered, d.Courses.Total.Enrolments, d.Courses.Total.Completions, d.Workshops.Held,
			d.Workshops.Participants.Participants, d.Certificates.Total, d.Advisory.Total.Requests)
	}
	// A member state with no data, and a period with no data: zeros, no division by zero.
	for _, q := range []string{"?country=KW", "?from=2000-01-01&to=2000-12-31", "?from=2000-01-01&to=2000-12-31&country=JO"} {
		d, r := f.dashboard(t, f.tokStaff, q)
		if d == nil {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
		if d.Officials.Registered != 0 || d.Courses.Total.Enrolments != 0 || d.Courses.Total.CompletionRate != nil ||
			d.Workshops.Held != 0 || d.Workshops.Participants.AttendanceRate != nil || d.Certificates.Total.Issued != 0 ||
			d.Certificates.Total.Revoked != 0 || d.Advisory.Total.Requests != 0 || d.Advisory.Total.MedianDaysToAcceptance != nil {
			t.Errorf("%s: not empty: %+v", q, d)
		}
		if strings.Contains(q, "KW") && (len(d.Officials.ByCountry) != 1 || d.Officials.ByCountry[0].Key != "KW") {
			t.Errorf("KW rows: %+v", d.Officials.ByCountry)
		}
	}
	// Before the period starts or after it ends.
	if d, _ := f.dashboard(t, f.tokStaff, "?to=2000-01-01"); d == nil || d.Officials.Registered != 0 {
		t.Error("a period that ended in 2000 counts today's accounts")
	}
	if d, _ := f.dashboard(t, f.tokStaff, "?from="+f.today); d == nil || d.Officials.Registered != 20 {
		t.Error("a period from today misses today's accounts")
	}
	// Bad input names the field, in the request's language.
	for q, field := range map[string]string{"?from=2026-13-01": "from", "?to=yesterday": "to", "?from=2026-05-01&to=2026-04-01": "to", "?country=XX": "country"} {
		r := newClient(t, f.p).api("GET", "/api/v1/reports"+q, f.tokStaff, "")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"`+field+`":`) {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	if r := f.staff.get("/ar/reports?from=2026-05-01&to=2026-04-01"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "نهاية الفترة تسبق بدايتها") {
		t.Errorf("page with the end before the start: %d", r.Status)
	}
}

func (f *reportFixture) testScope(t *testing.T) {
	// The focal point's figures are their country's, whatever they ask.
	d, r := f.dashboard(t, f.tokJO, "")
	if d == nil || d.Filter.Country != "JO" || d.Officials.Registered != 7 || d.Certificates.Total.Issued != 7 {
		t.Fatalf("focal point's own figures: %d %s", r.Status, r.Body)
	}
	for _, path := range []string{"/api/v1/reports?country=TN", "/api/v1/reports?country=EG&from=2000-01-01"} {
		if r := newClient(t, f.p).api("GET", path, f.tokJO, ""); r.Status != http.StatusNotFound {
			t.Errorf("focal point asks %s: %d", path, r.Status)
		}
	}
	for _, path := range []string{"/ar/reports?country=TN", "/ar/reports/officials-country.xlsx?country=TN", "/ar/reports/courses.csv?country=EG", "/en/reports/all.xlsx?country=SA"} {
		if r := f.fpJO.get(path); r.Status != http.StatusNotFound {
			t.Errorf("focal point opens %s: %d", path, r.Status)
		}
	}
	page := f.fpJO.get("/en/reports")
	if page.Status != 200 || !strings.Contains(page.Body, "Jordan") || strings.Contains(page.Body, ">Tunisia<") || strings.Contains(page.Body, "All member states</option>") {
		t.Errorf("focal point's page: %d, shows other countries or the all-countries choice", page.Status)
	}
	// The CSV a focal point downloads has only their country.
	if r := f.fpTN.get("/en/reports/officials-country.csv"); r.Status != 200 || !strings.Contains(r.Body, "Tunisia,2,1,0,3") || strings.Contains(r.Body, "Jordan") {
		t.Errorf("TN focal point's CSV: %d %q", r.Status, r.Body)
	}
	// Other roles: no figures at all.
	if r := newClient(t, f.p).api("GET", "/api/v1/reports", f.tokOff, ""); r.Status != http.StatusForbidden {
		t.Errorf("trainer: %d", r.Status)
	}
	if r := f.officer.get("/ar/reports"); r.Status != http.StatusForbidden {
		t.Errorf("trainer's page: %d", r.Status)
	}
	if r := newClient(t, f.p).api("GET", "/api/v1/reports", "", ""); r.Status != http.StatusUnauthorized {
		t.Errorf("anonymous API: %d", r.Status)
	}
	if r := newClient(t, f.p).get("/ar/reports/courses.xlsx"); r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/ar/login") {
		t.Errorf("anonymous download: %d %s", r.Status, r.Location)
	}
}

func (f *reportFixture) testXLSX(t *testing.T) {
	r := f.staff.get("/ar/reports/officials-country.xlsx?from=" + f.today)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "masar-report-officials-country") {
		t.Fatalf("xlsx: %d %v", r.Status, r.Header)
	}
	x, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	// The sheet has its short name, whole (not a title cut at 31 characters).
	if len(sheets) != 2 || sheets[0] != "الموظفون حسب الدولة" ||
		utf8.RuneCountInString(sheets[0]) > 31 || sheets[1] != "عن هذه الأرقام" {
		t.Fatalf("sheets %q", sheets)
	}
	s := sheets[0]
	for _, sh := range sheets {
		view, err := x.GetSheetView(sh, 0)
		if err != nil || view.RightToLeft == nil || !*view.RightToLeft {
			t.Errorf("sheet %q is not right to left: %+v %v", sh, view, err)
		}
	}
	want := map[string]string{"A1": "الدولة العضو", "B1": "النساء", "C1": "الرجال", "D1": "غير محدد", "E1": "المجموع"}
	for cell, v := range want {
		if got, _ := x.GetCellValue(s, cell); got != v {
			t.Errorf("%s = %q, want %q", cell, got, v)
		}
	}
	// The header is styled and frozen; the rows are filtered; columns have widths.
	if style, _ := x.GetCellStyle(s, "A1"); style == 0 {
		t.Error("header not styled")
	} else if st, _ := x.GetStyle(style); st.Font == nil || !st.Font.Bold || len(st.Fill.Color) == 0 {
		t.Errorf("header style: %+v", st)
	}
	if panes, err := x.GetPanes(s); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes: %+v %v", panes, err)
	}
	filtered := false
	for _, dn := range x.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && strings.Contains(dn.RefersTo, "$A$1:$E$") {
			filtered = true
		}
	}
	if !filtered {
		t.Errorf("no auto-filter over A:E: %+v", x.GetDefinedName())
	}
	if w, _ := x.GetColWidth(s, "A"); w != 28 {
		t.Errorf("column A width %v", w)
	}
	// Row 2 is the country with the most officials: Jordan, 5 women, 2 men, 7 in all, as numbers.
	rows, _ := x.GetRows(s)
	if len(rows) < 4 || rows[1][0] != "الأردن" {
		t.Fatalf("rows %q", rows)
	}
	for col, n := range map[string]string{"B2": "5", "C2": "2", "D2": "0", "E2": "7"} {
		typ, _ := x.GetCellType(s, col)
		v, _ := x.GetCellValue(s, col, excelize.Options{RawCellValue: true})
		if (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) || v != n {
			t.Errorf("%s: type %v value %q, want the number %s", col, typ, v, n)
		}
	}
	if typ, _ := x.GetCellType(s, "A2"); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Errorf("A2 is not text: %v", typ)
	}
	last := rows[len(rows)-1]
	if last[0] != "المجموع" || last[4] != "20" {
		t.Errorf("totals row %q", last)
	}
	// The about sheet says what was chosen, with the period's start as a date.
	about, _ := x.GetRows(sheets[1])
	found := false
	for i, row := range about {
		if len(row) == 2 && row[0] == "من" {
			found = true
			cell := fmt.Sprintf("B%d", i+1)
			raw, _ := x.GetCellValue(sheets[1], cell, excelize.Options{RawCellValue: true})
			start, _ := time.Parse("2006-01-02", f.today)
			if serial := start.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24; raw != fmt.Sprint(serial) {
				t.Errorf("period start %q, want the date serial %v", raw, serial)
			}
		}
		if len(row) == 2 && row[0] == "الدولة العضو" && row[1] != "جميع الدول الأعضاء" {
			t.Errorf("country line %q", row)
		}
	}
	if !found {
		t.Errorf("about sheet lacks the period: %q", about)
	}

	// Dates and rates are typed too: the list of workshops in English, left to right.
	r = f.staff.get("/en/reports/workshops-list.xlsx")
	x2, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer x2.Close()
	s = x2.GetSheetList()[0]
	if view, _ := x2.GetSheetView(s, 0); view.RightToLeft != nil && *view.RightToLeft {
		t.Error("English sheet is right to left")
	}
	raw, _ := x2.GetCellValue(s, "D2", excelize.Options{RawCellValue: true})
	if serial := f.day.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24; raw != fmt.Sprint(serial) {
		t.Errorf("start date D2 = %q, want serial %v", raw, serial)
	}
	if style, _ := x2.GetCellStyle(s, "D2"); style == 0 {
		t.Error("date without a style")
	} else if st, _ := x2.GetStyle(style); st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("date format %+v", st.CustomNumFmt)
	}
	shown, _ := x2.GetCellValue(s, "D2")
	if shown != f.day.Format("2006-01-02") {
		t.Errorf("date shown as %q", shown)
	}
	rate, _ := x2.GetCellValue(s, "H2", excelize.Options{RawCellValue: true})
	if rate == "" || strings.Contains(rate, "%") {
		t.Errorf("rate H2 %q is not a number", rate)
	}
	// Every table in one workbook, one sheet each, and the about sheet.
	r = f.staff.get("/fr/reports/all.xlsx?country=EG")
	x3, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer x3.Close()
	if n := len(x3.GetSheetList()); n != len(reports.TableIDs)+1 {
		t.Errorf("all.xlsx has %d sheets", n)
	}
	if r := f.staff.get("/ar/reports/nope.xlsx"); r.Status != 404 {
		t.Errorf("unknown table: %d", r.Status)
	}
}

func (f *reportFixture) testCSV(t *testing.T) {
	r := f.staff.get("/ar/reports/courses.csv")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v", r.Status, r.Header)
	}
	if !strings.HasPrefix(r.Body, "\xef\xbb\xbf") {
		t.Fatal("CSV does not start with the UTF-8 byte order mark")
	}
	if !strings.Contains(r.Body, "\r\n") {
		t.Error("CSV lines do not end with CRLF")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "الدورة التدريبية" || recs[0][3] != "نسبة الإكمال (%)" {
		t.Errorf("header %q", recs[0])
	}
	found := false
	for _, rec := range recs {
		if rec[0] == "البيانات الحكومية المفتوحة" || strings.Contains(rec[0], "البيانات") && rec[1] == "18" {
			found = rec[1] == "18" && rec[2] == "18" && rec[3] == "100.0"
		}
	}
	if !found {
		t.Errorf("no row with 18 enrolments, 18 completed, 100.0%%: %q", recs)
	}
	if last := recs[len(recs)-1]; last[0] != "المجموع" || last[1] != "20" || last[3] != "90.0" || last[6] != "94.7" {
		t.Errorf("totals %q", last)
	}
	if r := f.staff.get("/ar/reports/all.csv"); r.Status != 404 {
		t.Errorf("all.csv: %d", r.Status)
	}
	// The semicolon variant for French and Maghreb Excel: the same table, fields between
	// semicolons, decimal commas, offered on the page in every language.
	semi := f.staff.get("/fr/reports/courses.csv?sep=semicolon")
	if semi.Status != 200 || !strings.Contains(semi.Header.Get("Content-Disposition"), "courses-semicolon") {
		t.Fatalf("semicolon csv: %d %v", semi.Status, semi.Header)
	}
	sr := csv.NewReader(strings.NewReader(strings.TrimPrefix(semi.Body, "\ufeff")))
	sr.Comma = ';'
	srecs, err := sr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if last := srecs[len(srecs)-1]; len(srecs) != len(recs) || last[1] != "20" || last[3] != "90,0" || last[6] != "94,7" {
		t.Errorf("semicolon totals %q (%d rows, comma file %d)", last, len(srecs), len(recs))
	}
	if r := f.staff.get("/ar/reports/courses.csv?sep=tab"); r.Status != 422 || !strings.Contains(r.Body, "sep") {
		t.Errorf("unknown separator: %d %s", r.Status, r.Body)
	}
	for _, l := range []string{"ar", "en", "fr"} {
		if page := f.staff.get("/" + l + "/reports"); !strings.Contains(page.Body, "/"+l+"/reports/courses.csv?sep=semicolon") {
			t.Errorf("%s: the page offers no semicolon CSV", l)
		}
	}
}

func (f *reportFixture) testOpenData(t *testing.T) {
	c := newClient(t, f.p)
	// Course completions of the year: JO 6, EG 5, SA 5, TN 2. TN's 2 is hidden, and so many
	// others that the year's total (18, the course certificates of the year) minus the
	// countries shown never leaves TN alone — not even for a focal point who knows their
	// own country's number.
	r := c.get("/open-data/course-completions.json")
	if r.Status != 200 || r.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("completions: %d %v", r.Status, r.Header)
	}
	var doc struct {
		License string
		Fields  []struct{ Name, Type string }
		Records []struct {
			Year        int
			Country     string
			Completions *int
		}
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.License != reports.License || len(doc.Fields) != 3 {
		t.Errorf("metadata: %+v", doc)
	}
	year := time.Now().UTC().Year()
	shown, hidden := map[string]int{}, map[string]bool{}
	for _, rec := range doc.Records {
		if rec.Year != year {
			continue
		}
		if rec.Completions == nil {
			hidden[rec.Country] = true
		} else {
			shown[rec.Country] = *rec.Completions
		}
	}
	if !hidden["TN"] {
		t.Fatalf("TN's 2 completions are published: shown %v", shown)
	}
	certs := c.get("/open-data/certificates.json")
	var cdoc struct {
		Records []struct {
			Year           int
			IssuedCourse   *int `json:"issued_course"`
			IssuedWorkshop *int `json:"issued_workshop"`
			Issued         *int
			Revoked        *int
		}
	}
	if err := json.Unmarshal([]byte(certs.Body), &cdoc); err != nil {
		t.Fatal(err)
	}
	total := -1
	for _, rec := range cdoc.Records {
		if rec.Year == year && rec.IssuedCourse != nil {
			total = *rec.IssuedCourse
		}
		if rec.Year == year && rec.Revoked != nil {
			t.Errorf("one revocation published: %d", *rec.Revoked)
		}
	}
	if total != 18 {
		t.Fatalf("course certificates of the year: %d", total)
	}
	known := map[string]int{"JO": 6, "EG": 5, "SA": 5, "TN": 2}
	for _, insider := range []string{"", "JO", "EG", "SA", "TN"} {
		rest := total
		var unknown []string
		for iso, n := range known {
			if _, ok := shown[iso]; ok || iso == insider {
				rest -= n
			} else {
				unknown = append(unknown, iso)
			}
		}
		if insider != "TN" && len(unknown) < 2 {
			t.Errorf("knowing %q: total minus the other countries gives %v = %d", insider, unknown, rest)
		}
	}
	// Workshops: W1 had 5 women and 1 man: the man is hidden, and so is another cell of the
	// row (its total, 6, is public on the workshop's page). W2 had 3 participants: hidden.
	r = c.get("/open-data/workshops.csv")
	if !strings.HasPrefix(r.Body, "\ufeff") {
		t.Fatal("open-data CSV without BOM")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(recs[0], ",")
	if head != "id,title_ar,title_en,title_fr,kind,phases,host_country,city,start_date,end_date,days,participants,participants_female,participants_male,participants_unspecified" {
		t.Errorf("header %s", head)
	}
	if len(recs) != 3 {
		t.Fatalf("workshops held: %d rows", len(recs)-1)
	}
	w1, w2 := recs[1], recs[2]
	if w1[4] != "regional" || w1[6] != "JO" || w1[5] != "1;2" || w1[11] != "6" || w1[13] != "" || w1[12] != "" || w1[10] != "2" {
		t.Errorf("W1 row %q", w1)
	}
	if w2[4] != "national" || w2[11] != "" || w2[12] != "" || w2[13] != "" || w2[14] != "0" {
		t.Errorf("W2 row %q", w2)
	}
	// No personal data anywhere.
	for _, path := range []string{"/open-data/workshops.json", "/open-data/workshops.csv", "/open-data/course-completions.csv",
		"/open-data/certificates.csv", "/open-data/catalog.json", "/api/v1/open-data/workshops"} {
		r := c.get(path)
		if r.Status != 200 {
			t.Errorf("%s: %d", path, r.Status)
		}
		for _, leak := range []string{"@gov.example", "@example.org", "Test Official", "موظف تجريبي", "Sara Khaled"} {
			if strings.Contains(r.Body, leak) {
				t.Errorf("%s contains %q", path, leak)
			}
		}
	}
	// The DCAT catalogue.
	var cat map[string]any
	if err := json.Unmarshal([]byte(c.get("/open-data/catalog.json").Body), &cat); err != nil {
		t.Fatal(err)
	}
	if cat["@type"] != "dcat:Catalog" || cat["dct:license"].(map[string]any)["@id"] != reports.License {
		t.Errorf("catalogue: %v", cat["@type"])
	}
	// Every class of the catalogue meets the DCAT-AP shapes (dcat_shapes_test.go), and its
	// spatial coverage is the member states.
	for _, fault := range checkDCATAP(cat, "catalogue") {
		t.Error(fault)
	}
	if sp, _ := cat["dct:spatial"].([]any); len(sp) < 4 {
		t.Errorf("spatial coverage %v", cat["dct:spatial"])
	}
	ds := cat["dcat:dataset"].([]any)
	if len(ds) != 3 {
		t.Fatalf("%d datasets", len(ds))
	}
	for _, x := range ds {
		d := x.(map[string]any)
		titles := d["dct:title"].([]any)
		if d["@type"] != "dcat:Dataset" || len(titles) != 3 || titles[0].(map[string]any)["@language"] != "ar" {
			t.Errorf("dataset %v", d["dct:identifier"])
		}
		if d["dct:modified"].(map[string]any)["@value"] != f.today && d["dct:identifier"] != "workshops" {
			t.Errorf("%v modified %v", d["dct:identifier"], d["dct:modified"])
		}
		for _, y := range d["dcat:distribution"].([]any) {
			dist := y.(map[string]any)
			url := dist["dcat:downloadURL"].(map[string]any)["@id"].(string)
			media := dist["dcat:mediaType"].(map[string]any)["@id"].(string)
			path := strings.TrimPrefix(url, f.p.Config.BaseURL)
			got := c.get(path)
			if got.Status != 200 || !strings.Contains(media, strings.TrimSuffix(strings.Split(got.Header.Get("Content-Type"), ";")[0], "")) {
				t.Errorf("distribution %s (%s): %d %s", url, media, got.Status, got.Header.Get("Content-Type"))
			}
		}
	}
	if r := c.get("/open-data/nope.csv"); r.Status != 404 {
		t.Errorf("unknown dataset: %d", r.Status)
	}
	// The page lists the datasets with their dictionary, licence and the rule.
	page := c.get("/ar/open-data")
	for _, want := range []string{"ورش العمل المنعقدة", "/open-data/workshops.csv", "/open-data/course-completions.json", "/open-data/catalog.json",
		"creativecommons.org/licenses/by/4.0", "قاموس البيانات", "participants_female", "لا يُنشر أي عدد يقل عن 5 أشخاص", "الحجب التكميلي"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("open-data page lacks %q", want)
		}
	}
	api := c.api("GET", "/api/v1/open-data", "", "")
	if api.Status != 200 || !strings.Contains(api.Body, `"catalog":`) || strings.Count(api.Body, `"id":`) != 3 {
		t.Errorf("API list: %d %s", api.Status, api.Body)
	}
}

func (f *reportFixture) testPages(t *testing.T) {
	r := f.staff.get("/ar/reports")
	if r.Status != 200 {
		t.Fatalf("page: %d", r.Status)
	}
	for _, want := range []string{`role="img"`, `<title id="chart-officials-country-t">`, `<desc id="chart-officials-country-d">`,
		`direction="rtl"`, "الأردن", "جميع الدول الأعضاء", "/ar/reports/courses.xlsx", "/ar/reports/courses.csv", "/ar/reports/all.xlsx",
		`<th scope="row" dir="auto">`, "ورش العمل المنعقدة", "نسبة النجاح في الاختبار"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("Arabic page lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "style=") || strings.Contains(r.Body, "<script>") {
		t.Error("inline style or script on the page")
	}
	// The chart reads right to left in Arabic: Jordan's bar ends at the right edge of the
	// plot, its label on the right; in English the label is on the left.
	if !strings.Contains(r.Body, `<text class="label" x="450" `) {
		t.Error("Arabic chart labels are not on the right")
	}
	en := f.staff.get("/en/reports?country=JO")
	if !strings.Contains(en.Body, `direction="ltr"`) || !strings.Contains(en.Body, `<text class="label" x="190" `) || !strings.Contains(en.Body, "Figures from the beginning to today — Jordan.") {
		t.Error("English chart is not left to right, or the scope line is missing")
	}
	if !strings.Contains(f.staff.get("/ar/admin/").Body, `href="/ar/reports"`) {
		t.Error("admin page lacks the reports entry")
	}
	if !strings.Contains(newClient(t, f.p).get("/fr/").Body, `href="/fr/open-data"`) {
		t.Error("footer lacks the open-data link")
	}
	// A period without data: the tables say so, and no chart is drawn.
	empty := f.staff.get("/en/reports?from=2000-01-01&to=2000-12-31")
	if strings.Contains(empty.Body, `role="img"`) || !strings.Contains(empty.Body, "No figures for this period.") {
		t.Error("empty period draws charts or lacks the empty notice")
	}
	var buf bytes.Buffer
	buf.WriteString(r.Body)
	if strings.Count(buf.String(), `role="img"`) < 10 {
		t.Errorf("only %d charts", strings.Count(buf.String(), `role="img"`))
	}
}

// TestReportFileAPI: the API downloads a table as the page does, with the same country rule.
func TestReportFileAPI(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, fp := account(t, p, "fp.api.reports@example.org", officials.RoleFocalPoint, "TN")
	tok, err := p.Officials.CreateAPIToken(ctx, fp.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, p)
	r := c.api("GET", "/api/v1/reports/officials-country?format=csv", tok, "")
	if r.Status != 200 || !strings.HasPrefix(r.Body, "\ufeff") || !strings.Contains(r.Body, ",1,0,0,1") {
		t.Errorf("csv: %d %q", r.Status, r.Body)
	}
	r = c.api("GET", "/api/v1/reports/all", tok, "")
	if r.Status != 200 || !strings.HasPrefix(r.Body, "PK") {
		t.Errorf("xlsx: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/reports/courses?country=JO", tok, ""); r.Status != 404 {
		t.Errorf("another country: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/reports/courses?format=pdf", tok, ""); r.Status != 422 {
		t.Errorf("unknown format: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/reports/nope", tok, ""); r.Status != 404 {
		t.Errorf("unknown table: %d", r.Status)
	}
}

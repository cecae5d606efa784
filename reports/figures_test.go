package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

func testCatalogue(t *testing.T) i18n.Catalogue {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptrTime(s string) *time.Time { t := at(s); return &t }

// handFacts are facts written by hand, with what Compute must make of them in the comments.
// Official 4 was erased: the profile lost gender and sector, the facts recorded before kept
// them.
func handFacts() *Facts {
	return &Facts{
		Today: "2026-06-15", At: at("2026-06-15T12:00:00Z"),
		Countries: []officials.Country{{ISO: "JO", Member: true}, {ISO: "TN", Member: true}, {ISO: "KW", Member: true}, {ISO: "SY", Member: false}},
		Courses:   []string{"a", "b"},
		Officials: []officials.OfficialFact{
			{ID: 1, Country: "JO", Gender: "female", Sector: "central_government", Role: "official", CreatedAt: at("2026-01-10T08:00:00Z")},
			{ID: 2, Country: "JO", Gender: "male", Sector: "local_government", Role: "focal_point", CreatedAt: at("2026-02-10T23:59:59Z")},
			{ID: 3, Country: "TN", Gender: "", Sector: "", Role: "official", CreatedAt: at("2026-03-01T00:00:00Z")},
			{ID: 4, Country: "TN", Gender: "", Sector: "", Role: "official", CreatedAt: at("2026-03-02T00:00:00Z"), Deleted: true},
			{ID: 5, Country: "", Gender: "female", Sector: "international", Role: "staff", CreatedAt: at("2026-01-01T00:00:00Z")},
			{ID: 6, Country: "SY", Gender: "male", Sector: "academia", Role: "official", CreatedAt: at("2025-12-31T23:00:00Z")},
		},
		Enrolments: []courses.EnrolmentFact{
			{OfficialID: 1, Course: "a", EnrolledAt: at("2026-01-11T00:00:00Z"), CompletedAt: ptrTime("2026-01-20T00:00:00Z"), Attempts: 2, Passed: true, Country: "JO", Gender: "female", Sector: "central_government"},
			{OfficialID: 2, Course: "a", EnrolledAt: at("2026-02-11T00:00:00Z"), Attempts: 1, Country: "JO", Gender: "male", Sector: "local_government"},
			{OfficialID: 3, Course: "b", EnrolledAt: at("2026-03-05T00:00:00Z"), Country: "TN", Gender: "", Sector: ""},
			{OfficialID: 4, Course: "gone", EnrolledAt: at("2026-03-05T00:00:00Z"), CompletedAt: ptrTime("2026-03-06T00:00:00Z"), Attempts: 1, Passed: true, Country: "TN", Gender: "female", Sector: "academia"},
			{OfficialID: 5, Course: "a", EnrolledAt: at("2026-04-01T00:00:00Z"), Country: "", Gender: "female", Sector: "international"},
		},
		Workshops: []workshops.WorkshopFact{
			{ID: 10, Kind: "regional", HostCountry: "JO", StartDate: "2026-03-10", EndDate: "2026-03-11", Days: 2, Status: "completed"},
			{ID: 11, Kind: "online", HostCountry: "", StartDate: "2026-06-01", EndDate: "2026-06-01", Days: 1, Status: "published"},
			{ID: 12, Kind: "national", HostCountry: "TN", StartDate: "2026-06-15", EndDate: "2026-06-16", Days: 2, Status: "published"},
			{ID: 13, Kind: "national", HostCountry: "TN", StartDate: "2026-02-01", EndDate: "2026-02-01", Days: 1, Status: "cancelled"},
			{ID: 14, Kind: "regional", HostCountry: "JO", StartDate: "2026-01-01", EndDate: "2026-01-01", Days: 1, Status: "draft"},
			{ID: 15, Kind: "national", HostCountry: "KW", StartDate: "2026-05-01", EndDate: "2026-05-02", Days: 2, Status: "published"},
			{ID: 16, Kind: "expert_meeting", HostCountry: "KW", StartDate: "2026-05-03", EndDate: "2026-05-03", Days: 1, Status: "completed"},
		},
		Registrations: []workshops.RegistrationFact{
			{WorkshopID: 10, OfficialID: 1, Country: "JO", Status: "confirmed", DaysAttended: 2, Rate: 1, Gender: "female", Sector: "central_government"},
			{WorkshopID: 10, OfficialID: 3, Country: "TN", Status: "confirmed", DaysAttended: 1, Rate: 0.5, Gender: "", Sector: ""},
			{WorkshopID: 10, OfficialID: 2, Country: "JO", Status: "cancelled", Gender: "male", Sector: "local_government"},
			{WorkshopID: 11, OfficialID: 2, Country: "JO", Status: "confirmed", DaysAttended: 0, Rate: 0, Gender: "male", Sector: "local_government"},
			{WorkshopID: 12, OfficialID: 3, Country: "TN", Status: "confirmed", DaysAttended: 1, Rate: 0.5, Gender: "", Sector: ""},
			{WorkshopID: 16, OfficialID: 1, Country: "JO", Status: "rejected", Gender: "female", Sector: "central_government"},
		},
		Certificates: []certificates.CertificateFact{
			{Kind: "course", OfficialID: 1, IssuedAt: at("2026-01-20T00:00:00Z"), Status: "superseded", Country: "JO", Gender: "female", Sector: "central_government"},
			{Kind: "course", OfficialID: 1, IssuedAt: at("2026-01-25T00:00:00Z"), Status: "valid", Reissue: true, Country: "JO", Gender: "female", Sector: "central_government"},
			{Kind: "workshop", OfficialID: 1, IssuedAt: at("2026-03-12T00:00:00Z"), Status: "revoked", RevokedAt: ptrTime("2026-04-01T00:00:00Z"), Country: "JO", Gender: "female", Sector: "central_government"},
			{Kind: "course", OfficialID: 4, IssuedAt: at("2026-03-06T00:00:00Z"), Status: "valid", Country: "TN", Gender: "female", Sector: "academia"},
		},
		Requests: []advisory.RequestFact{
			{ID: 1, Country: "JO", Phases: []int{1, 2}, Status: "accepted", SubmittedAt: at("2026-01-01T00:00:00Z"), AcceptedAt: ptrTime("2026-01-11T00:00:00Z")},
			{ID: 2, Country: "JO", Phases: []int{2}, Status: "completed", SubmittedAt: at("2026-02-01T00:00:00Z"), AcceptedAt: ptrTime("2026-02-04T00:00:00Z")},
			{ID: 3, Country: "TN", Phases: []int{3}, Status: "submitted", SubmittedAt: at("2026-03-01T00:00:00Z")},
			{ID: 4, Country: "TN", Phases: []int{1}, Status: "planned", SubmittedAt: at("2026-04-01T00:00:00Z"), AcceptedAt: ptrTime("2026-04-06T12:00:00Z")},
		},
	}
}

func TestComputeHandFacts(t *testing.T) {
	d := Compute(handFacts(), Filter{})
	// Officials: 1, 2 (focal point) and 3 and 6 (SY, not a member); 4 is deleted, 5 is staff.
	if d.Officials.Registered != 4 || d.Officials.Gender != (GenderCounts{Female: 1, Male: 2, Unspecified: 1}) {
		t.Errorf("officials %+v", d.Officials)
	}
	keys := []string{}
	for _, g := range d.Officials.ByCountry {
		keys = append(keys, g.Key)
	}
	// Every member state and the non-members with figures (SY), largest first: JO 2, TN 1,
	// SY 1 (ties keep members first), KW 0.
	if strings.Join(keys, ",") != "JO,TN,SY,KW" {
		t.Errorf("country rows %v", keys)
	}
	last := d.Officials.BySector[len(d.Officials.BySector)-1]
	if last.Key != NoSector || last.Total != 1 {
		t.Errorf("no-sector row %+v", last)
	}
	// Courses: 5 enrolments, 2 completed (official 4's completion counts though the account
	// was deleted later), 3 quiz takers, 2 passed; course "gone" is listed after the catalogue.
	c := d.Courses
	if c.Total.Enrolments != 5 || c.Total.Completions != 2 || c.Total.QuizTakers != 3 || c.Total.QuizPassed != 2 {
		t.Errorf("courses %+v", c.Total)
	}
	if len(c.ByCourse) != 3 || c.ByCourse[2].Key != "gone" || c.ByCourse[1].Key != "b" || c.ByCourse[1].CompletionRate == nil || *c.ByCourse[1].CompletionRate != 0 {
		t.Errorf("by course %+v", c.ByCourse)
	}
	if r := c.ByCountry[len(c.ByCountry)-1]; r.Key != NoCountry || r.Enrolments != 1 {
		t.Errorf("staff's enrolment row %+v", r)
	}
	// Workshops held: 10 (completed) and 11 (published, and its day, 1 June, is before
	// today). 12 is under way, 13 cancelled, 14 a draft; 15 (published, over) and 16
	// (completed) had no confirmed participant: not held.
	w := d.Workshops
	if w.Held != 2 || w.ByKind["regional"] != 1 || w.ByKind["online"] != 1 {
		t.Errorf("held %d %v", w.Held, w.ByKind)
	}
	if len(w.ByHost) != 2 || w.ByHost[0].Country != "JO" || w.ByHost[1].Country != NoCountry {
		t.Errorf("hosts %+v", w.ByHost)
	}
	// Participants: at 10, officials 1 (JO, 2 days) and 3 (registered with no country: TN,
	// from the account; 1 day of 2); at 11, official 2 (no day). Official 2's cancelled
	// registration does not count.
	if w.Participants.Participants != 3 || w.Participants.Attended != 2 || !approx(w.Participants.AttendanceRate, 0.5) {
		t.Errorf("participants %+v", w.Participants)
	}
	for _, r := range w.ByCountry {
		switch r.Key {
		case "JO":
			if r.Participants != 2 || !approx(r.AttendanceRate, 0.5) {
				t.Errorf("JO %+v", r)
			}
		case "TN":
			if r.Participants != 1 || !approx(r.AttendanceRate, 0.5) {
				t.Errorf("TN %+v", r)
			}
		}
	}
	// Certificates: 3 first issues (the reissue is not counted again), 1 revoked.
	if d.Certificates.Total != (CertificateRow{Course: 2, Workshop: 1, Issued: 3, Revoked: 1}) {
		t.Errorf("certificates %+v", d.Certificates.Total)
	}
	// Advisory: 4 requests, 3 accepted after 10, 3 and 5.5 days: median 5.5.
	a := d.Advisory
	if a.Total.Requests != 4 || a.Total.Accepted != 3 || a.Total.MedianDaysToAcceptance == nil || *a.Total.MedianDaysToAcceptance != 5.5 {
		t.Errorf("advisory %+v", a.Total)
	}
	if p := a.ByPhase[0]; p.Requests != 2 || p.Accepted != 2 || *p.MedianDaysToAcceptance != 7.8 {
		t.Errorf("phase 1 %+v (median of 10 and 5.5 is 7.75, shown 7.8)", p)
	}

	// A period: February and March only.
	d = Compute(handFacts(), Filter{From: "2026-02-01", To: "2026-03-31"})
	if d.Officials.Registered != 2 || d.Courses.Total.Enrolments != 3 || d.Workshops.Held != 1 || d.Certificates.Total.Issued != 2 ||
		d.Certificates.Total.Revoked != 0 || d.Advisory.Total.Requests != 2 {
		t.Errorf("Feb–Mar: officials %d, enrolments %d, held %d, certificates %+v, requests %d", d.Officials.Registered,
			d.Courses.Total.Enrolments, d.Workshops.Held, d.Certificates.Total, d.Advisory.Total.Requests)
	}
	// A day at the edge: an account created at 23:59:59 UTC on 10 February is in a period
	// ending that day.
	if d := Compute(handFacts(), Filter{From: "2026-02-10", To: "2026-02-10"}); d.Officials.Registered != 1 {
		t.Errorf("10 February: %d", d.Officials.Registered)
	}
	// A country with no data, a period with no data.
	for _, f := range []Filter{{Country: "KW"}, {From: "2024-01-01", To: "2024-12-31"}} {
		d := Compute(handFacts(), f)
		if d.Officials.Registered != 0 || d.Courses.Total.Enrolments != 0 || d.Courses.Total.CompletionRate != nil ||
			d.Workshops.Held != 0 || d.Workshops.Participants.AttendanceRate != nil || d.Certificates.Total.Issued != 0 ||
			d.Advisory.Total.Requests != 0 || d.Advisory.Total.MedianDaysToAcceptance != nil || len(d.Advisory.ByState) != len(advisory.Statuses) {
			t.Errorf("%+v: %+v", f, d)
		}
	}
	if d := Compute(handFacts(), Filter{Country: "KW"}); len(d.Officials.ByCountry) != 1 || d.Officials.ByCountry[0].Key != "KW" || len(d.Workshops.ByHost) != 1 {
		t.Errorf("KW rows %+v %+v", d.Officials.ByCountry, d.Workshops.ByHost)
	}
}

func approx(x *float64, want float64) bool { return x != nil && *x > want-1e-9 && *x < want+1e-9 }

func TestParseFilterAndScope(t *testing.T) {
	known := func(iso string) (bool, error) { return iso == "JO" || iso == "TN", nil }
	if f, err := ParseFilter(" 2026-01-01 ", "2026-12-31", "jo", known); err != nil || f.Country != "JO" || f.From != "2026-01-01" {
		t.Errorf("%+v %v", f, err)
	}
	for _, c := range [][3]string{{"2026-02-30", "", ""}, {"", "31/12/2026", ""}, {"2026-05-01", "2026-04-30", ""}, {"", "", "XX"}, {"", "", "JOR"}} {
		if _, err := ParseFilter(c[0], c[1], c[2], known); err == nil {
			t.Errorf("%v accepted", c)
		}
	}
	fp := &officials.Official{Role: officials.RoleFocalPoint, Country: "JO"}
	if f, err := Scope(fp, Filter{}); err != nil || f.Country != "JO" {
		t.Errorf("focal point, no country: %+v %v", f, err)
	}
	if _, err := Scope(fp, Filter{Country: "TN"}); err == nil {
		t.Error("focal point sees TN")
	}
	if _, err := Scope(&officials.Official{Role: officials.RoleTrainer}, Filter{}); err == nil {
		t.Error("trainer sees figures")
	}
	if f, err := Scope(&officials.Official{Role: officials.RoleStaff}, Filter{Country: "TN"}); err != nil || f.Country != "TN" {
		t.Errorf("staff: %+v %v", f, err)
	}
}

// TestOpenDataFromHandFacts checks the datasets built from the hand-written facts: what is
// held, the suppression of small counts, and that nothing identifies a person.
func TestOpenDataFromHandFacts(t *testing.T) {
	od := BuildOpenData(handFacts())
	w := od.Dataset("workshops")
	// Held: 11 (online, 1 June) and 10 (March), in date order.
	if len(w.Records) != 2 || w.Records[0][0] != 10 || w.Records[1][0] != 11 {
		t.Fatalf("workshops %v", w.Records)
	}
	for _, rec := range w.Records {
		for j, f := range w.Fields {
			if f.Count && rec[j] != nil && rec[j] != 0 {
				t.Errorf("a count under 5 published: %s = %v", f.Name, rec[j])
			}
		}
	}
	c := od.Dataset("course-completions")
	// JO 1 (2026), TN 1 (2026, official 4's completion): both hidden.
	if len(c.Records) != 2 || c.Records[0][2] != nil || c.Records[1][2] != nil {
		t.Errorf("completions %v", c.Records)
	}
	if !c.Modified.Equal(at("2026-03-06T00:00:00Z")) {
		t.Errorf("completions modified %v", c.Modified)
	}
	s := &Service{cat: testCatalogue(t), opt: Options{BaseURL: "https://masar.test"}}
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf, c); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	recs := doc["records"].([]any)
	if v, ok := recs[0].(map[string]any)["completions"]; !ok || v != nil {
		t.Errorf("suppressed count is not null: %v", recs[0])
	}
	buf.Reset()
	if err := c.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != BOM+"year,country,completions\r\n2026,JO,\r\n2026,TN,\r\n" {
		t.Errorf("csv %q", buf.String())
	}
	cat := s.Catalog(od)
	if cat["@type"] != "dcat:Catalog" || len(cat["dcat:dataset"].([]any)) != 3 {
		t.Errorf("catalogue %v", cat)
	}
	b, _ := json.Marshal(cat)
	for _, want := range []string{`"dcat:mediaType":{"@id":"https://www.iana.org/assignments/media-types/text/csv"}`,
		`"dcat:downloadURL":{"@id":"https://masar.test/open-data/workshops.csv"}`, `"@language":"ar"`, `"dct:license":{"@id":"https://creativecommons.org/licenses/by/4.0/"}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("catalogue lacks %s", want)
		}
	}
}

// A country lookup that fails is not an unknown country: ParseFilter returns the failure,
// not a 422 about the field.
func TestParseFilterLookupFailure(t *testing.T) {
	down := errors.New("database is locked")
	known := func(string) (bool, error) { return false, down }
	_, err := ParseFilter("", "", "JO", known)
	if _, isProblem := problem.As(err); isProblem || !errors.Is(err, down) {
		t.Fatalf("ParseFilter with a failed lookup = %v, want the lookup's error", err)
	}
}

// TestSheetNamesAreWhole: in every language each table of the dashboard has its own sheet
// name, at most 31 characters, so that the workbook's tabs are read whole (not titles cut
// and numbered «… (2)»), and no name is a catalogue key.
func TestSheetNamesAreWhole(t *testing.T) {
	cat := testCatalogue(t)
	d := Compute(handFacts(), Filter{})
	for _, lang := range i18n.Langs {
		l := &labeller{s: &Service{cat: cat}, lang: lang, countries: map[string]string{}}
		seen := map[string]string{}
		for _, sec := range l.sections(d) {
			for _, tab := range sec.Tables {
				name := TableSheet(tab).Name
				taken := map[string]bool{}
				if got := SheetName(name, taken); got != name || strings.HasPrefix(name, "reports.") || name == "" {
					t.Errorf("%s %s: sheet name %q (written as %q)", lang, tab.ID, name, got)
				}
				if other, dup := seen[strings.ToLower(name)]; dup {
					t.Errorf("%s: %s and %s both named %q", lang, other, tab.ID, name)
				}
				seen[strings.ToLower(name)] = tab.ID
			}
		}
		if len(seen) != 17 {
			t.Errorf("%s: %d tables named", lang, len(seen))
		}
	}
}

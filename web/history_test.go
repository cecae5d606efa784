package web_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/reports"
)

// published is every figure about the past the platform publishes, as a reader gets it.
type published map[string]string

var (
	reportSection = regexp.MustCompile(`(?s)<section id="([a-z-]+)" class="report-section".*?</section>`)
	countryFigure = regexp.MustCompile(`<li class="card figure"><span class="n">[^<]*</span> <span class="label">[^<]*</span></li>`)
)

// takeFigures reads the open-data files, the dashboard (JSON for staff and a focal point,
// the staff page), every table as CSV and XLSX, and the country pages. The figures about now
// — officials registered, which counts live accounts — are left out: they may change when
// someone leaves.
func (f *reportFixture) takeFigures(t *testing.T) published {
	t.Helper()
	out := published{}
	f.p.Reports.SetClock(nil) // forget the open data computed so far
	anon := newClient(t, f.p)
	for _, id := range reports.DatasetIDs {
		for _, ext := range []string{".csv", ".json"} {
			r := anon.get("/open-data/" + id + ext)
			if r.Status != 200 {
				t.Fatalf("open data %s%s: %d", id, ext, r.Status)
			}
			body := r.Body
			if ext == ".json" {
				var doc map[string]any
				if err := json.Unmarshal([]byte(body), &doc); err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(doc["records"])
				body = string(b)
			}
			out["open-data "+id+ext] = body
		}
	}
	for who, tok := range map[string]string{"staff": f.tokStaff, "focal point JO": f.tokJO} {
		for _, q := range []string{"", "?country=JO", "?country=EG"} {
			if who != "staff" && q != "?country=JO" {
				continue
			}
			d, r := f.dashboard(t, tok, q)
			if d == nil {
				t.Fatalf("%s dashboard %s: %d %s", who, q, r.Status, r.Body)
			}
			b, _ := json.Marshal(map[string]any{"courses": d.Courses, "workshops": d.Workshops,
				"certificates": d.Certificates, "advisory": d.Advisory})
			out["dashboard "+who+q] = string(b)
		}
	}
	page := f.staff.get("/ar/reports")
	secs := reportSection.FindAllStringSubmatch(page.Body, -1)
	if page.Status != 200 || len(secs) < 4 {
		t.Fatalf("staff dashboard page: %d, %d sections", page.Status, len(secs))
	}
	for _, s := range secs {
		if s[1] != "officials" {
			out["page section "+s[1]] = s[0]
		}
	}
	for _, id := range reports.TableIDs {
		if strings.HasPrefix(id, "officials") {
			continue
		}
		r := f.staff.get("/ar/reports/" + id + ".csv")
		if r.Status != 200 {
			t.Fatalf("%s.csv: %d", id, r.Status)
		}
		out["csv "+id] = r.Body
		r = f.staff.get("/en/reports/" + id + ".xlsx")
		x, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatalf("%s.xlsx: %v", id, err)
		}
		rows, err := x.GetRows(x.GetSheetList()[0])
		x.Close()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(rows)
		out["xlsx "+id] = string(b)
	}
	// The country pages count the workshops begun by the workshops' clock: the day after.
	f.p.Workshops.SetClock(func() time.Time { return f.day.AddDate(0, 0, 2) })
	defer f.p.Workshops.SetClock(nil)
	for _, iso := range []string{"JO", "TN", "EG", "SA"} {
		r := f.staff.get("/ar/countries/" + iso)
		figs := countryFigure.FindAllString(r.Body, -1)
		if r.Status != 200 || len(figs) < 7 {
			t.Fatalf("country page %s: %d, %d figures", iso, r.Status, len(figs))
		}
		out["country "+iso] = strings.Join(figs[1:], "\n") // the first is the officials registered now
	}
	return out
}

// TestHistoryDoesNotMoveWhenPeopleLeave takes every figure about the past, erases several
// people who took part in it (women and men of three member states, with completions,
// attendance and certificates, one of them revoked), changes another one's profile, and
// takes the figures again: nothing about the past may change. The officials registered (a figure about now) do change.
func TestHistoryDoesNotMoveWhenPeopleLeave(t *testing.T) {
	f := newReportFixture(t)
	before := f.takeFigures(t)
	if !strings.Contains(before["dashboard staff"], `"participants":{"key":"","participants":9`) {
		t.Fatalf("the fixture's workshops do not have their 9 participants: %s", before["dashboard staff"])
	}
	d0, _ := f.dashboard(t, f.tokStaff, "")

	ctx := context.Background()
	for _, who := range []string{"j1", "j2", "t1", "e2", "e4", "j6"} {
		o := f.people[who]
		if err := f.p.Officials.Delete(ctx, audit.Actor{ID: o.ID, Email: o.Email}, o.ID); err != nil {
			t.Fatalf("delete %s: %v", who, err)
		}
	}

	// A profile changed since tells where the person is now, not where they were: e1
	// (a woman of Egypt in central government) moves to Saudi Arabia and academia.
	e1 := f.people["e1"]
	if _, err := f.p.Officials.UpdateProfile(ctx, audit.Actor{ID: e1.ID, Email: e1.Email}, e1.ID, officials.Input{
		Email: e1.Email, NameAr: e1.NameAr, NameLatin: e1.NameLatin, JobTitle: e1.JobTitle, Organisation: e1.Organisation,
		Country: "SA", Sector: "academia", Gender: "unspecified", Language: e1.Language}); err != nil {
		t.Fatalf("e1 moves: %v", err)
	}

	// A certificate reissued after the move (a corrected name) stays where it was earned.
	cs, err := f.p.Certificates.ForOfficial(ctx, e1.ID)
	if err != nil || len(cs) == 0 {
		t.Fatalf("e1's certificates: %v %d", err, len(cs))
	}
	if _, err := f.p.Certificates.Reissue(ctx, audit.Actor{ID: e1.ID, Email: e1.Email}, cs[0].Code, "منى الحسيني",
		"Mona El Husseini", "The name was misspelt."); err != nil {
		t.Fatalf("reissue: %v", err)
	}

	after := f.takeFigures(t)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s moved after people left:\nbefore %s\nafter  %s", k, v, after[k])
		}
	}
	// Figures about now do follow the people who left.
	d1, _ := f.dashboard(t, f.tokStaff, "")
	if d1.Officials.Registered != d0.Officials.Registered-6 {
		t.Errorf("officials registered %d, then %d after six left", d0.Officials.Registered, d1.Officials.Registered)
	}
}

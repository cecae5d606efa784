package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
)

// TestBrowserReports: staff open the dashboard in Arabic. The charts are drawn, beside their
// tables on a wide screen, and read right to left (a country's name is to the right of its
// bar); nothing sticks out of the page; choosing a member state narrows the figures; the
// Excel download is a workbook. The public open-data page offers each dataset, whose CSV
// starts with the UTF-8 byte order mark.
func TestBrowserReports(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	mk := func(email, role, country, gender string) {
		in := officials.Input{Email: email, Password: password, NameAr: "سارة خالد", NameLatin: "Sara Khaled", JobTitle: "Analyst",
			Organisation: "Ministry of Planning", Country: country, Sector: "central_government", Gender: gender, Language: "ar"}
		if _, err := s.p.Officials.Create(bg, audit.Actor{Email: "e2e"}, in, role); err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
	}
	mk("staff.reports@masar.example.org", officials.RoleStaff, "", "female")
	for i := 0; i < 7; i++ {
		mk(fmt.Sprintf("jo%d@mode.gov.jo", i), officials.RoleOfficial, "JO", []string{"female", "male"}[i%2])
	}
	for i := 0; i < 3; i++ {
		mk(fmt.Sprintf("tn%d@gov.tn", i), officials.RoleOfficial, "TN", "female")
	}
	s.login(t, ctx, "ar", "staff.reports@masar.example.org")
	s.open(t, ctx, "/ar/reports")
	if n := eval[int](t, ctx, `document.querySelectorAll('svg.chart[role=img] > title').length`); n != 2 {
		t.Fatalf("%d charts with a title, want the two of the officials (nothing else has figures)", n)
	}
	if got := text(t, ctx, "#h-officials"); got != "الموظفون الحكوميون المسجَّلون" {
		t.Errorf("section heading %q", got)
	}
	// Right to left: Jordan's label lies right of Jordan's bar.
	geo := eval[[]float64](t, ctx, `(() => {
		const svg = document.querySelector('#t-officials-country svg');
		const label = [...svg.querySelectorAll('text.label')].find(e => e.textContent.includes('الأردن')).getBoundingClientRect();
		const bar = svg.querySelector('rect.s0:not([width="12"])').getBoundingClientRect();
		const table = document.querySelector('#t-officials-country table').getBoundingClientRect();
		const chart = svg.getBoundingClientRect();
		return [label.left, bar.right, chart.left, table.right, chart.top, table.top];
	})()`)
	if geo[0] < geo[1]-1 {
		t.Errorf("Arabic label (left %v) is not to the right of its bar (right %v)", geo[0], geo[1])
	}
	if geo[2] < geo[3] {
		t.Errorf("chart (left %v) is not beside the table (right %v) in right-to-left order", geo[2], geo[3])
	}
	if d := geo[4] - geo[5]; d > 80 || d < -80 {
		t.Errorf("chart and table are not side by side: tops %v and %v", geo[4], geo[5])
	}
	w := eval[[]float64](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
	if w[0] > w[1] {
		t.Errorf("the page is %v px wide in a %v px window", w[0], w[1])
	}
	screenshot(t, ctx, "reports-ar")
	// Narrow to Tunisia with the form.
	do(t, ctx, "choose Tunisia", chromedp.SetValue(chromedp.CSS("#f-country"), "TN"))
	clickAndLoad(t, ctx, "form.report-filters button[type=submit]")
	if loc := location(t, ctx); !strings.Contains(loc, "country=TN") {
		t.Errorf("filtered page at %s", loc)
	}
	if got := text(t, ctx, "#officials .kpi dd"); got != "3" {
		t.Errorf("Tunisia's officials: %q", got)
	}
	// The Excel link of a table gives a workbook (a zip file).
	sig := eval[string](t, ctx, `(async () => {
		const r = await fetch(document.querySelector('#t-officials-country a[href$=".xlsx?country=TN"]').href);
		const b = new Uint8Array(await r.arrayBuffer());
		return r.headers.get('content-type') + ' ' + String.fromCharCode(b[0], b[1]);
	})()`)
	if sig != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet PK" {
		t.Errorf("Excel download: %q", sig)
	}
	// The open-data page, and a CSV with its byte order mark.
	s.open(t, ctx, "/ar/open-data")
	if n := eval[int](t, ctx, `document.querySelectorAll('.opendata-dataset').length`); n != 3 {
		t.Errorf("%d datasets listed", n)
	}
	bom := eval[string](t, ctx, `(async () => {
		const r = await fetch(document.querySelector('a[href="/open-data/workshops.csv"]').href);
		const b = new Uint8Array(await r.arrayBuffer());
		return [b[0], b[1], b[2]].map(x => x.toString(16)).join(' ');
	})()`)
	if bom != "ef bb bf" {
		t.Errorf("CSV starts with %q", bom)
	}
	do(t, ctx, "open the data dictionary", chromedp.Click(chromedp.CSS("#workshops-dictionary summary")))
	if got := eval[bool](t, ctx, `document.querySelector('#workshops-dictionary').open`); !got {
		t.Error("data dictionary does not open")
	}
	screenshot(t, ctx, "open-data-ar")
}

// TestBrowserReportsAccessibility runs axe-core on the dashboard (with charts and tables)
// and on the open-data page, in Arabic and English.
func TestBrowserReportsAccessibility(t *testing.T) {
	src := axeSource(t)
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	for i, role := range []string{officials.RoleStaff, officials.RoleOfficial, officials.RoleOfficial, officials.RoleFocalPoint} {
		in := officials.Input{Email: fmt.Sprintf("a11y%d@mode.gov.jo", i), Password: password, NameAr: "سارة خالد", NameLatin: "Sara Khaled",
			JobTitle: "Analyst", Organisation: "Ministry of Planning", Country: map[bool]string{true: "", false: "JO"}[role == officials.RoleStaff],
			Sector: "central_government", Gender: []string{"female", "male"}[i%2], Language: "ar"}
		if _, err := s.p.Officials.Create(bg, audit.Actor{Email: "e2e"}, in, role); err != nil {
			t.Fatal(err)
		}
	}
	for _, lang := range []string{"ar", "en"} {
		s.open(t, ctx, "/"+lang+"/open-data")
		checkAxe(t, ctx, src, "/"+lang+"/open-data")
	}
	s.login(t, ctx, "ar", "a11y0@mode.gov.jo")
	for _, path := range []string{"/ar/reports", "/en/reports?country=JO", "/ar/reports?from=2026-05-01&to=2026-04-01"} {
		s.open(t, ctx, path)
		checkAxe(t, ctx, src, path)
	}
	// On a phone the wide tables scroll inside their frames: each frame must be reachable
	// with the keyboard and named (axe: scrollable-region-focusable), in both directions.
	do(t, ctx, "phone-sized screen", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	for _, path := range []string{"/ar/reports", "/en/reports", "/fr/reports"} {
		s.open(t, ctx, path)
		scrolling := eval[int](t, ctx, `[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1).length`)
		if scrolling == 0 {
			t.Errorf("%s at 375 px: no table scrolls, so the check below proves nothing", path)
		}
		unreachable := eval[[]string](t, ctx, `[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1 &&
			(w.tabIndex < 0 || !(w.getAttribute('aria-label') || w.getAttribute('aria-labelledby')))).map(w => w.outerHTML.slice(0, 120))`)
		if len(unreachable) > 0 {
			t.Errorf("%s: scrolling tables the keyboard cannot reach or that have no name: %q", path, unreachable)
		}
		checkAxe(t, ctx, src, path+" (375 px)")
	}
}

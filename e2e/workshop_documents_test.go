package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestBrowserWorkshopDocuments: a trainer of a workshop, on its check-in page in Arabic,
// follows «شارات الأسماء» to the documents page, which lists the people with a badge and
// the days with a sign-in sheet; the browser fetches the badge sheet, a person's badge, a
// day's sheet and the ZIPs, each a PDF or a ZIP file.
func TestBrowserWorkshopDocuments(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	s.wsAt(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	staff := s.wsPerson(t, "staff@masar.test", officials.RoleStaff, "", "فريق البرنامج", "Programme Staff")
	trainer := s.wsPerson(t, "lubna@masar.test", officials.RoleTrainer, "JO", "لُبنى الحسيني", "Lubna Al-Husseini")
	actor := audit.Actor{ID: staff.ID, Email: staff.Email}
	w, err := s.p.Workshops.Create(bg, actor, workshops.Input{Title: map[string]string{"ar": "الورشة الإقليمية حول البيانات الحكومية المفتوحة", "en": "Regional workshop on open government data"},
		Kind: workshops.KindRegional, Phases: []int{1}, HostCountry: "JO", City: "Amman", Venue: "Le Royal", StartDate: "2026-03-10", EndDate: "2026-03-11",
		Languages: []string{"ar", "en"}, Capacity: 20, Trainers: []int64{trainer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Workshops.SetStatus(bg, actor, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	for _, n := range []struct{ email, ar, latin, country string }{
		{"momen@gov.ps", "مؤمن الآغا", "Moumen El Agha", "PS"}, {"amna@gov.ly", "آمنة الطرابلسي", "Amna Trabelsi", "LY"},
		{"abd@gov.tn", "عبدُ الله بن سلامة", "Abdullah Ben Salama", "TN"},
	} {
		o := s.wsPerson(t, n.email, officials.RoleOfficial, n.country, n.ar, n.latin)
		r, err := s.p.Workshops.Nominate(bg, staff, w.ID, o, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.p.Workshops.Transition(bg, staff, r.ID, workshops.ActApprove); err != nil {
			t.Fatal(err)
		}
	}

	s.login(t, ctx, "ar", trainer.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/checkin", w.ID))
	clickAndLoad(t, ctx, fmt.Sprintf(`a[href="/ar/admin/workshops/%d/documents#badges"]`, w.ID))
	if got := text(t, ctx, "h1"); got != "وثائق الورشة" {
		t.Fatalf("the badges link leads to %q on %s", got, location(t, ctx))
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("table.badges tbody tr").length`); n != 4 {
		t.Errorf("%d people with a badge, want the trainer and three participants", n)
	}
	if got := text(t, ctx, "table.badges tbody tr:first-child td"); got != "لُبنى الحسيني\nLubna Al-Husseini" {
		t.Errorf("first badge row: %q", got)
	}
	checkAxeIf(t, ctx, axeIfThere(t), "workshop documents (ar)")
	screenshot(t, ctx, "workshop-documents-ar")

	// Every link of the page fetches its file.
	links := eval[[]string](t, ctx, `[...document.querySelectorAll("main a[download]")].map(a => a.getAttribute("href"))`)
	if len(links) != 4+2+3 {
		t.Errorf("%d download links: %v", len(links), links)
	}
	for _, href := range links {
		got := evalWithin[string](t, ctx, 20*time.Second, `fetch(`+js(href)+`).then(r => r.status + " " + r.headers.get("content-type"))`)
		want := "200 application/pdf"
		if len(href) > 4 && href[len(href)-4:] == ".zip" {
			want = "200 application/zip"
		}
		if got != want {
			t.Errorf("%s: %s, want %s", href, got, want)
		}
	}
}

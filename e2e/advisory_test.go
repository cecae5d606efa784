package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
)

// advPerson creates an account with a role, a country and a language, who can log in.
func (s *site) advPerson(t *testing.T, email, role, country, lang string) *officials.Official {
	t.Helper()
	in := officials.Input{Email: email, Password: password, NameAr: "هدى عبد الله", NameLatin: "Huda Abdullah",
		JobTitle: "Director of digital transformation", Organisation: "Ministry of Digital Economy", Country: country,
		Sector: "central_government", Gender: "female", Language: lang}
	o, err := s.p.Officials.Create(context.Background(), audit.Actor{Email: "e2e"}, in, role)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return o
}

// TestBrowserAdvisoryRequest: a focal point submits an advisory request in Arabic, with a
// PDF attached; staff find it in their list, start the review, accept it and create the
// national workshop from it; the focal point is e-mailed in Arabic: a receipt, then each step.
func TestBrowserAdvisoryRequest(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	msg := i18n.MustLoad()
	fp := s.advPerson(t, "huda@mode.gov.jo", officials.RoleFocalPoint, "JO", "ar")
	staff := s.advPerson(t, "staff@masar.example.org", officials.RoleStaff, "", "en")
	pdf := filepath.Join(t.TempDir(), "مذكرة شفوية.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The focal point opens the advisory page in Arabic and starts a request.
	s.login(t, ctx, "ar", fp.Email)
	s.open(t, ctx, "/ar/advisory")
	if got, want := text(t, ctx, "main h1"), msg.T("ar", "advisory.title"); got != want {
		t.Fatalf("advisory page title %q, want %q", got, want)
	}
	clickAndLoad(t, ctx, `main a[href="/ar/advisory/new"]`)
	if got := location(t, ctx); got != "/ar/advisory/new" {
		t.Fatalf("the new-request link led to %s", got)
	}
	if got := text(t, ctx, ".advisory-form fieldset:first-of-type strong"); got != "الأردن" {
		t.Errorf("the form names the country %q, want the focal point's own, الأردن", got)
	}
	screenshot(t, ctx, "advisory-new-ar")
	needs := "نحتاج إلى دعم في إطلاق بوابة وطنية للبيانات المفتوحة، وتدريب فرق الوزارات على نشر البيانات."
	do(t, ctx, "fill the request",
		typeInto("#f-requesting_body", "وزارة الاقتصاد الرقمي والريادة"),
		clickInput("phases", "1"),
		clickInput("topics", "open_data_portal"),
		typeInto("#f-needs", needs),
		typeInto("#f-start_departments", "دائرة الإحصاءات العامة"),
		clickInput("support_kinds", "national_workshop"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-attachments"), []string{pdf}),
	)
	fillLetter(t, ctx, pdf)
	if got := value(t, ctx, "#f-language"); got != "ar" {
		t.Errorf("the support's language starts as %q, want the page's, ar", got)
	}
	clickAndLoad(t, ctx, ".advisory-form button[type=submit]")
	loc := location(t, ctx)
	var id int64
	if _, err := fmt.Sscanf(loc, "/ar/advisory/%d", &id); err != nil {
		t.Fatalf("after submitting the browser is on %s (%q)", loc, text(t, ctx, "main"))
	}
	if got, want := text(t, ctx, ".flash"), msg.T("ar", "flash.advisory.submitted"); got != want {
		t.Errorf("flash %q, want %q", got, want)
	}
	if got, want := text(t, ctx, ".request-state .status"), msg.T("ar", "advisory.status.submitted"); got != want {
		t.Errorf("state %q, want %q", got, want)
	}
	if got := text(t, ctx, "#attachments .files a"); got != "مذكرة شفوية.pdf" {
		t.Errorf("attached file listed as %q", got)
	}
	if got := text(t, ctx, ".card .text"); got != needs {
		t.Errorf("needs shown as %q", got)
	}
	screenshot(t, ctx, "advisory-detail-ar")
	logout(t, ctx, "ar")

	// Staff find it in their list, in English, and take it through review to acceptance.
	s.login(t, ctx, "en", staff.Email)
	s.open(t, ctx, "/en/advisory?country=JO")
	clickAndLoad(t, ctx, fmt.Sprintf(`main table a[href="/en/advisory/%d"]`, id))
	if got := text(t, ctx, "main h1"); got != fmt.Sprintf("Advisory request no. %d", id) {
		t.Fatalf("staff opened %q", got)
	}
	clickAndLoad(t, ctx, "form.move-under_review button")
	if got := text(t, ctx, ".request-state .status"); got != "Under review" {
		t.Fatalf("after starting the review the state is %q (%s)", got, text(t, ctx, "main"))
	}
	// Declining asks for a reason; accepting does not.
	if got := eval[bool](t, ctx, `document.querySelector('form.move-declined textarea[name=reason]').required`); !got {
		t.Error("the decline form does not require a reason")
	}
	clickAndLoad(t, ctx, "form.move-accepted button")
	if got := text(t, ctx, ".request-state .status"); got != "Accepted" {
		t.Fatalf("after accepting the state is %q", got)
	}
	if got := text(t, ctx, ".flash"); got != msg.T("en", "flash.advisory.moved") {
		t.Errorf("flash after accepting %q", got)
	}
	if got := text(t, ctx, "#timeline"); !strings.Contains(got, "Submitted") || !strings.Contains(got, "Under review") || !strings.Contains(got, "Accepted") {
		t.Errorf("history %q", got)
	}
	// From the accepted request, staff create the national workshop, pre-filled from it.
	if got := value(t, ctx, "#f-title_ar"); !strings.HasPrefix(got, "ورشة عمل وطنية — الأردن: بوابة البيانات المفتوحة") {
		t.Errorf("workshop's Arabic title starts as %q", got)
	}
	do(t, ctx, "fill the workshop",
		typeInto("#f-city", "Amman"),
		chromedp.SetValue(chromedp.CSS("#f-start_date"), "2030-05-10"),
		chromedp.SetValue(chromedp.CSS("#f-end_date"), "2030-05-11"),
	)
	clickAndLoad(t, ctx, "#workshop form button[type=submit]")
	var wid int64
	if _, err := fmt.Sscanf(location(t, ctx), "/en/admin/workshops/%d", &wid); err != nil {
		t.Fatalf("after creating the workshop the browser is on %s (%q)", location(t, ctx), text(t, ctx, "main"))
	}
	w, err := s.p.Workshops.Get(context.Background(), wid)
	if err != nil || w.Kind != "national" || w.HostCountry != "JO" || w.City != "Amman" || w.Status != "draft" {
		t.Fatalf("workshop %d: %v %+v", wid, err, w)
	}
	s.open(t, ctx, fmt.Sprintf("/en/advisory/%d", id))
	if got := eval[string](t, ctx, `document.querySelector('#workshop a').getAttribute('href')`); got != fmt.Sprintf("/en/admin/workshops/%d", wid) {
		t.Errorf("the request links to %q, want its workshop", got)
	}
	s.open(t, ctx, "/ar/advisory/"+fmt.Sprint(id))
	screenshot(t, ctx, "advisory-detail-staff-ar")
	s.open(t, ctx, "/ar/advisory")
	screenshot(t, ctx, "advisory-list-staff-ar")
	s.open(t, ctx, "/ar/countries/JO")
	screenshot(t, ctx, "country-ar")

	// The focal point was told in Arabic: the receipt, then both steps.
	items, _, err := s.p.Mailer.List(context.Background(), 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range items {
		if m.To == fp.Email {
			if m.Lang != "ar" {
				t.Errorf("message %q to the focal point in %s", m.Subject, m.Lang)
			}
			subjects = append(subjects, m.Subject)
		}
	}
	want := []string{fmt.Sprintf("طلب الخدمة الاستشارية رقم %d: مقبول", id), fmt.Sprintf("طلب الخدمة الاستشارية رقم %d: قيد المراجعة", id),
		fmt.Sprintf("تقديم طلب الخدمة الاستشارية رقم %d باسم الأردن", id)}
	if strings.Join(subjects, "|") != strings.Join(want, "|") {
		t.Errorf("focal point's messages %q, want %q", subjects, want)
	}
}

// TestBrowserAdvisoryAccessibility runs axe-core over the advisory and country pages, with
// data on them, in Arabic and English, and over the request form after a failed submission.
func TestBrowserAdvisoryAccessibility(t *testing.T) {
	src := axeSource(t)
	s := startSite(t)
	ctx := newBrowserFor(t, 3*time.Minute) // some thirty pages
	bg := context.Background()
	fp := s.advPerson(t, "huda@mode.gov.jo", officials.RoleFocalPoint, "JO", "ar")
	staff := s.advPerson(t, "staff@masar.example.org", officials.RoleStaff, "", "en")
	r, err := s.p.Advisory.Create(bg, fp, advisory.Input{RequestingBody: "وزارة التخطيط", Phases: []int{1, 2},
		Topics: []string{"action_plan"}, Needs: "نحتاج إلى دعم في إعداد خطة العمل الوطنية للحكومة المفتوحة.",
		SupportKinds: []string{"policy_review"}, Language: "ar", Letter: advisory.LetterInput{Reference: "MoP/2026/7", Date: "2026-01-10",
			SignatoryName: "د. سامي حداد", SignatoryTitle: "الأمين العام", File: &advisory.File{Name: "letter.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}}},
		[]advisory.File{{Name: "plan.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Advisory.AddComment(bg, staff, r.ID, "Welcome; we will review it this week.", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Advisory.AddComment(bg, staff, r.ID, "Check the budget line.", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Advisory.Transition(bg, staff, r.ID, advisory.StatusUnderReview, ""); err != nil {
		t.Fatal(err)
	}
	grid := advisory.AssessmentInput{AssessedOn: "2025-01-15", Levels: map[string]map[string]int{}}
	for p := 1; p <= 4; p++ {
		grid.Levels[fmt.Sprint(p)] = map[string]int{}
		for i, o := range advisory.Objectives {
			grid.Levels[fmt.Sprint(p)][o] = (p + i) % 5
		}
	}
	for _, day := range []string{"2024-01-15", "2025-01-15"} {
		grid.AssessedOn = day
		if _, err := s.p.Advisory.SaveAssessment(bg, fp, "JO", grid); err != nil {
			t.Fatal(err)
		}
	}
	// Requests further on: one in progress with terms of reference waiting for the country and
	// a deliverable delivered; one completed, tagged, with its follow-up survey sent.
	working, done := lifecycleFixture(t, s, fp, staff, false), lifecycleFixture(t, s, fp, staff, true)
	check := func(path string) {
		t.Helper()
		t.Run(strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"), func(t *testing.T) {
			s.open(t, ctx, path)
			checkAxe(t, ctx, src, path)
			if strings.HasPrefix(path, "/ar/") && (strings.HasSuffix(path, "/"+working) || strings.HasSuffix(path, "/follow-up") || strings.HasSuffix(path, "/outcomes")) {
				screenshot(t, ctx, "lifecycle-"+strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"))
			}
		})
	}
	id := fmt.Sprint(r.ID)
	s.login(t, ctx, "ar", fp.Email)
	for _, lang := range []string{"ar", "en"} {
		for _, p := range []string{"/advisory", "/advisory/new", "/advisory/" + id, "/countries/JO", "/countries/JO/assessment",
			"/advisory/" + working, "/advisory/" + done, "/advisory/" + done + "/follow-up", "/advisory/outcomes"} {
			check("/" + lang + p)
		}
	}
	t.Run("ar-advisory-new-errors", func(t *testing.T) {
		s.open(t, ctx, "/ar/advisory/new")
		clickAndLoad(t, ctx, ".advisory-form button[type=submit]")
		if n := eval[int](t, ctx, `document.querySelectorAll('.field .error').length`); n < 4 {
			t.Fatalf("after an empty submission the form shows %d field errors, want several", n)
		}
		if got := eval[string](t, ctx, `document.activeElement.id || document.activeElement.name`); got != "f-requesting_body" {
			t.Errorf("focus is on %q after the failed submission, want the first invalid field", got)
		}
		checkAxe(t, ctx, src, "/ar/advisory/new after a failed submission")
	})
	logout(t, ctx, "ar")
	s.login(t, ctx, "en", staff.Email)
	for _, p := range []string{"/en/advisory", "/en/advisory/" + id, "/en/countries", "/ar/countries/JO", "/ar/advisory/" + working,
		"/ar/advisory/" + done, "/ar/advisory/outcomes", "/ar/advisory/queue", "/ar/advisory/" + id, "/ar/countries/JO/assessment",
		"/ar/countries/JO/assessment?correct=1"} {
		check(p)
	}
}

package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// fetchBytes downloads path with the browser's session, as a click on the link would.
func fetchBytes(t *testing.T, ctx context.Context, path string) []byte {
	t.Helper()
	b64 := eval[string](t, ctx, `fetch(`+js(path)+`, {credentials: 'same-origin'}).then(r => {
		if (!r.ok) throw new Error('HTTP ' + r.status); return r.arrayBuffer() }).then(b => {
		let s = ''; const a = new Uint8Array(b); for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); return btoa(s) })`)
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// flatText drops the spaces and the bidi marks poppler puts around embedded runs.
func flatText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\n' || r == '\t' || r == '\u00a0', r == '\u200e' || r == '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return -1
		}
		return r
	}, s)
}

// TestBrowserRegistrationQuestionsAndVisaLetter: staff add a required question (the name as
// in the passport) on the workshop's questions page; an official who leaves it empty is
// refused with a message naming it and nothing is saved; answered, the application goes
// through, and the answer is a column of the participants workbook. Confirmed, the official
// asks for their visa letter, which carries the passport name and the dates in Arabic order.
func TestBrowserRegistrationQuestionsAndVisaLetter(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	bg := context.Background()
	msg := i18n.MustLoad()
	s.wsAt(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	staff := s.wsPerson(t, "staff@masar.test", officials.RoleStaff, "", "فريق البرنامج", "Programme Staff")
	official := s.wsPerson(t, "layla@gov.ma", officials.RoleOfficial, "MA", "ليلى حسن", "Layla Hassan")
	actor := audit.Actor{ID: staff.ID, Email: staff.Email}
	w, err := s.p.Workshops.Create(bg, actor, workshops.Input{
		Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"}, Kind: workshops.KindRegional, Phases: []int{1},
		HostCountry: "JO", City: "Amman", Venue: "Le Royal", StartDate: "2026-03-10", EndDate: "2026-03-12", Languages: []string{"ar"}, Capacity: 20})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Workshops.SetStatus(bg, actor, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}

	// Staff add the required passport question from the page.
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/questions", w.ID))
	do(t, ctx, "fill the question form",
		typeInto("#f-label_ar", "الاسم كما في جواز السفر"),
		typeInto("#f-label_en", "Name as in the passport"),
		chromedp.SetValue(chromedp.CSS("#f-kind"), "text"),
		chromedp.Click(chromedp.CSS(`input[name=required]`)),
		chromedp.SetValue(chromedp.CSS("#f-purpose"), "passport_name"),
	)
	clickAndLoad(t, ctx, "form.question-form button[type=submit]")
	if got := text(t, ctx, ".flash"); got != msg.T("ar", "workshops.questions.flash.saved") {
		t.Fatalf("after saving the question: %q", got)
	}
	if row := text(t, ctx, "table.questions tbody tr"); !strings.Contains(row, "الاسم كما في جواز السفر") || !strings.Contains(row, msg.T("ar", "workshops.questions.kind.text")) {
		t.Fatalf("question row: %q", row)
	}
	screenshot(t, ctx, "workshop-questions-ar")
	checkAxe(t, ctx, axeSource(t), "the workshop's questions page")
	logout(t, ctx, "ar")
	// The other questions of the workshop, through the service.
	for _, in := range []workshops.QuestionInput{
		{Kind: workshops.QuestionYesNo, Label: map[string]string{"ar": "هل تحتاج إلى تأشيرة؟", "en": "Do you need a visa?"}, Required: true, Position: 20, Purpose: workshops.PurposeVisaNeeded},
		{Kind: workshops.QuestionDate, Label: map[string]string{"ar": "تاريخ الوصول", "en": "Arrival date"}, Position: 30, Purpose: workshops.PurposeArrivalDate},
	} {
		if _, err := s.p.Workshops.SaveQuestion(bg, staff, w.ID, 0, in); err != nil {
			t.Fatal(err)
		}
	}
	qs, _ := s.p.Workshops.Questions(bg, w.ID, false)
	if len(qs) != 3 || qs[0].Purpose != workshops.PurposePassportName || !qs[0].Required {
		t.Fatalf("questions: %+v", qs)
	}
	passport, visa, arrival := qs[0], qs[1], qs[2]

	// The official leaves the passport name empty: refused, naming the question, nothing saved.
	s.login(t, ctx, "ar", official.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/workshops/%d", w.ID))
	do(t, ctx, "apply without the passport name",
		typeInto("#f-motivation", "أدير بوابة البيانات المفتوحة في وزارة الاقتصاد."),
		clickInput(visa.Field(), "yes"),
		chromedp.SetValue(chromedp.CSS("#f-"+arrival.Field()), "2026-03-09"),
	)
	clickAndLoad(t, ctx, ".apply-form button[type=submit]")
	alert := text(t, ctx, ".alert")
	if want := msg.T("ar", "workshops.questions.error.missing", "questions", "«الاسم كما في جواز السفر»"); alert != want {
		t.Errorf("refusal: %q, want %q", alert, want)
	}
	if got := text(t, ctx, "#e-"+passport.Field()); got != msg.T("ar", "workshops.questions.error.required") {
		t.Errorf("message next to the question: %q", got)
	}
	if got := value(t, ctx, "#f-motivation"); !strings.Contains(got, "بوابة البيانات") {
		t.Errorf("the motivation was lost: %q", got)
	}
	screenshot(t, ctx, "workshop-apply-question-refused-ar")
	axe := axeSource(t)
	checkAxe(t, ctx, axe, "the refused application form with its questions")
	if regs, _ := s.p.Workshops.Registrations(bg, w.ID, workshops.RegFilter{}); len(regs) != 0 {
		t.Fatalf("a refused application saved %d registrations", len(regs))
	}
	var answers int
	if err := s.p.DB.R.QueryRow("SELECT count(*) FROM registration_answers").Scan(&answers); err != nil || answers != 0 {
		t.Fatalf("a refused application saved %d answers (%v)", answers, err)
	}

	// Answered, it goes through (the radio and the date were kept).
	do(t, ctx, "type the passport name", typeInto("#f-"+passport.Field(), "HASSAN Layla"))
	if got := value(t, ctx, "#f-"+arrival.Field()); got != "2026-03-09" {
		t.Errorf("arrival date kept as %q", got)
	}
	clickAndLoad(t, ctx, ".apply-form button[type=submit]")
	if got := text(t, ctx, ".flash"); got != msg.T("ar", "workshops.flash.applied") {
		t.Fatalf("after answering: %q", got)
	}
	logout(t, ctx, "ar")
	r, err := s.p.Workshops.RegistrationFor(bg, w.ID, official.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Workshops.Transition(bg, staff, r.ID, workshops.ActApprove); err != nil {
		t.Fatal(err)
	}

	// The answer on the registrations page and in the participants workbook.
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/registrations", w.ID))
	if cell := text(t, ctx, "table.registrations td.answers"); !strings.Contains(cell, "HASSAN Layla") || !strings.Contains(cell, "نعم") {
		t.Errorf("answers on the registrations page: %q", cell)
	}
	screenshot(t, ctx, "workshop-registrations-answers-ar")
	book := fetchBytes(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/export.xlsx", w.ID))
	x, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) != 2 {
		t.Fatalf("workbook rows: %v %v", len(rows), err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "الاسم كما في جواز السفر" {
			col = i
		}
	}
	if col < 0 || col >= len(rows[1]) || rows[1][col] != "HASSAN Layla" {
		t.Fatalf("workbook: no column «الاسم كما في جواز السفر» with the answer; header %q, row %q", rows[0], rows[1])
	}
	logout(t, ctx, "ar")

	// The official, confirmed and needing a visa, asks for the letter in Arabic.
	s.login(t, ctx, "ar", official.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/workshops/%d", w.ID))
	clickAndLoad(t, ctx, ".visa-box button[type=submit]")
	if got := text(t, ctx, ".flash"); got != msg.T("ar", "workshops.visa.flash.issued") {
		t.Fatalf("after asking for the letter: %q", got)
	}
	screenshot(t, ctx, "workshop-visa-box-ar")
	href := eval[string](t, ctx, `document.querySelector('.visa-box a[href$="visa-letter.pdf"]').getAttribute('href')`)
	pdf := fetchBytes(t, ctx, href)
	dir := t.TempDir()
	if shots := os.Getenv("MASAR_SCREENSHOTS"); shots != "" {
		dir = shots
	}
	file := filepath.Join(dir, "visa-letter-ar.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-layout", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	flat := flatText(string(out))
	for _, want := range []string{
		"يسرأمانةالبرنامجأنتؤكددعوةHASSANLayla،", // the name where the Arabic sentence puts it
		"للمشاركةفي«ورشةالبياناتالمفتوحة»",
		"ويُتوقعوصولهفي9مارس2026", // the arrival date answered
		"مارس2026",
		"خطابدعوة",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the letter does not read %q in order; pdftotext -layout gave:\n%s", want, out)
		}
	}
	if !strings.Contains(string(out), "10") || !strings.Contains(string(out), "12") {
		t.Errorf("the letter does not carry the workshop's days:\n%s", out)
	}
	// Staff see it on the visa letters page and download every letter as a ZIP.
	logout(t, ctx, "ar")
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/visa", w.ID))
	if row := text(t, ctx, fmt.Sprintf("#reg-%d", r.ID)); !strings.Contains(row, "HASSAN Layla") || !strings.Contains(row, msg.T("ar", "workshops.visa.download")) {
		t.Errorf("visa page row: %q", row)
	}
	screenshot(t, ctx, "workshop-visa-letters-ar")
	checkAxe(t, ctx, axe, "the visa letters page")
	archive := fetchBytes(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/visa-letters.zip", w.ID))
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil || len(zr.File) != 1 || zr.File[0].Name != fmt.Sprintf("visa-letter-%d-Layla-Hassan.pdf", r.ID) {
		t.Fatalf("ZIP of letters: %v %v", err, zr)
	}
	// The audit log has the letter.
	var n int
	if err := s.p.DB.R.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'registration.visa_letter'").Scan(&n); err != nil || n != 1 {
		t.Errorf("%d audit entries for the letter (%v)", n, err)
	}
}

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

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// TestBrowserWorkshopSurveys is issue 23's evaluation flow: staff build a knowledge test and
// a satisfaction questionnaire in the browser, attach a pre-test, a post-test and a
// satisfaction survey to a workshop and publish them; two participants answer in Arabic; the
// Arabic results page shows the learning gain and a chart per question, right to left.
func TestBrowserWorkshopSurveys(t *testing.T) {
	s := startSite(t)
	ctx := newBrowserFor(t, 150*time.Second)
	msg := i18n.MustLoad()
	bg := context.Background()
	sys := audit.Actor{Email: "e2e"}
	s.wsAt(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	clock := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	s.p.Surveys.SetClock(func() time.Time { return clock })
	staff := s.wsPerson(t, "surveys.staff@escwa.example", officials.RoleStaff, "", "فريق البرنامج", "Programme Staff")
	huda := s.wsPerson(t, "huda@gov.bh", officials.RoleOfficial, "BH", "هدى عبد الله", "Huda Abdullah")
	omar := s.wsPerson(t, "omar@gov.jo", officials.RoleOfficial, "JO", "عمر الخطيب", "Omar Al-Khatib")
	w, err := s.p.Workshops.Create(bg, sys, workshops.Input{Title: map[string]string{"ar": "ورشة البيانات الحكومية المفتوحة", "en": "Open government data workshop"},
		Kind: workshops.KindRegional, Phases: []int{1}, HostCountry: "JO", City: "عمّان", Venue: "Le Royal", StartDate: "2026-03-10", EndDate: "2026-03-11",
		Languages: []string{"ar"}, Capacity: 30, Hours: 12})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Workshops.SetStatus(bg, sys, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*officials.Official{huda, omar} {
		r, err := s.p.Workshops.Nominate(bg, staff, w.ID, o, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.p.Workshops.Transition(bg, staff, r.ID, workshops.ActApprove); err != nil {
			t.Fatal(err)
		}
	}
	axe := axeIfThere(t)

	// Staff build the knowledge test: two questions, each with its right answers.
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, "/ar/admin/surveys/templates")
	do(t, ctx, "name the test", clickInput("kind", "test"), typeInto("#f-title_ar", "اختبار البيانات المفتوحة"), typeInto("#f-title_en", "Open data test"))
	clickAndLoad(t, ctx, `form[action="/ar/admin/surveys/templates"] button[type=submit]`)
	if got := text(t, ctx, ".flash"); got != msg.T("ar", "surveys.templates.created") {
		t.Fatalf("after creating the test: %q", got)
	}
	addQuestion := func(kind, ar, options, correct string) {
		t.Helper()
		do(t, ctx, "write a question", clickInput("kind", kind), typeInto("#f-text_ar", ar))
		if options != "" {
			do(t, ctx, "write its options", chromedp.SetValue(chromedp.CSS("#f-options_ar"), options))
		}
		if correct != "" {
			do(t, ctx, "give the right answers", typeInto("#f-correct", correct))
		}
		clickAndLoad(t, ctx, `form[action$="/questions"] button[type=submit]`)
		if got := text(t, ctx, ".flash"); got != msg.T("ar", "surveys.template.question_added") {
			t.Fatalf("after adding %q: %q (%s)", ar, got, location(t, ctx))
		}
	}
	// A right answer that is not an option is named next to the field, and nothing is added.
	do(t, ctx, "a question with a wrong answer number", clickInput("kind", "single"), typeInto("#f-text_ar", "ما البيانات المفتوحة؟"),
		chromedp.SetValue(chromedp.CSS("#f-options_ar"), "بيانات متاحة للجميع بترخيص مفتوح\nبيانات سرية"), typeInto("#f-correct", "5"))
	clickAndLoad(t, ctx, `form[action$="/questions"] button[type=submit]`)
	if got := text(t, ctx, "#e-correct"); got != msg.T("ar", "surveys.error.correct_numbers") {
		t.Errorf("the right-answer field's message: %q", got)
	}
	do(t, ctx, "correct the number", chromedp.SetValue(chromedp.CSS("#f-correct"), "1"))
	clickAndLoad(t, ctx, `form[action$="/questions"] button[type=submit]`)
	addQuestion("multiple", "أيّ هذه الصيغ مقروءة آليًا؟", "CSV\nJSON\nصورة ممسوحة ضوئيًا\nXML", "1، 2، 4")
	addQuestion("single", "ما المرحلة الأولى في إطار الحكومة المفتوحة؟", "الشفافية\nالمشاركة\nالتعاون", "1")
	if n := eval[int](t, ctx, `document.querySelectorAll('#questions ~ article').length`); n != 3 {
		t.Errorf("%d questions on the test's page", n)
	}
	checkAxeIf(t, ctx, axe, "survey template (ar)")
	screenshot(t, ctx, "survey-template-ar")

	// And the satisfaction questionnaire.
	s.open(t, ctx, "/ar/admin/surveys/templates")
	do(t, ctx, "name the questionnaire", clickInput("kind", "satisfaction"), typeInto("#f-title_ar", "تقييم الورشة"))
	clickAndLoad(t, ctx, `form[action="/ar/admin/surveys/templates"] button[type=submit]`)
	addQuestion("rating", "ما تقييمك العام للورشة؟", "", "")
	addQuestion("rating", "إلى أي حد ستفيدك الورشة في عملك؟", "", "")
	addQuestion("single", "هل كانت مدة الورشة مناسبة؟", "نعم\nقصيرة\nطويلة", "")
	addQuestion("text", "ما الذي نحسّنه في الورشات القادمة؟", "", "")
	tpls, err := s.p.Surveys.Templates(bg)
	if err != nil || len(tpls) != 2 {
		t.Fatalf("templates: %v %v", tpls, err)
	}
	tplID := map[string]int64{}
	for _, tp := range tpls {
		tplID[tp.Kind] = tp.ID
	}

	// Staff attach the three surveys to the workshop and publish them.
	base := fmt.Sprintf("/ar/admin/workshops/%d/surveys", w.ID)
	for _, a := range []struct {
		kind string
		tpl  int64
	}{{"pre_test", tplID["test"]}, {"post_test", tplID["test"]}, {"satisfaction", tplID["satisfaction"]}} {
		s.open(t, ctx, base)
		do(t, ctx, "choose "+a.kind, chromedp.SetValue(chromedp.CSS("#f-kind"), a.kind), chromedp.SetValue(chromedp.CSS("#f-template_id"), fmt.Sprint(a.tpl)))
		clickAndLoad(t, ctx, `form[action="`+base+`"] button[type=submit]`)
		if got := text(t, ctx, ".flash"); got != msg.T("ar", "surveys.workshop.attached") {
			t.Fatalf("attach %s: %q", a.kind, got)
		}
		clickAndLoad(t, ctx, `#survey-`+a.kind+` form[action$="/publish"] button`)
		if got := text(t, ctx, ".flash"); got != msg.T("ar", "surveys.workshop.published") {
			t.Fatalf("publish %s: %q", a.kind, got)
		}
	}
	checkAxeIf(t, ctx, axe, "workshop surveys (ar)")
	screenshot(t, ctx, "workshop-surveys-ar")
	logout(t, ctx, "ar")
	list, err := s.p.Surveys.Surveys(bg, w.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("surveys: %v %v", list, err)
	}
	id := map[string]int64{}
	for _, sv := range list {
		id[sv.Kind] = sv.ID
		if sv.Status != surveys.StatusPublished {
			t.Errorf("%s is %s", sv.Kind, sv.Status)
		}
	}

	// The participants answer: the pre-test the day before, the post-test and the
	// evaluation on the last day.
	answer := func(kind string, clicks []string, text string) {
		t.Helper()
		s.open(t, ctx, fmt.Sprintf("/ar/surveys/%d", id[kind]))
		var steps []chromedp.Action[chromedp.Void]
		for _, c := range clicks {
			q, v, _ := strings.Cut(c, "=")
			steps = append(steps, clickInput(q, v))
		}
		if text != "" {
			steps = append(steps, typeInto("#f-q4", text))
		}
		do(t, ctx, "answer the "+kind, steps...)
		clickAndLoad(t, ctx, "form.survey button[type=submit]")
		if got := textOf(t, ctx, ".flash"); got != msg.T("ar", "surveys.answer.thanks") {
			t.Fatalf("after answering the %s: %q (%s)", kind, got, location(t, ctx))
		}
	}
	s.login(t, ctx, "ar", huda.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/surveys/%d", id["pre_test"]))
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("the survey page's direction is %q", dir)
	}
	// Sending with a question left out names it and keeps the answers given.
	do(t, ctx, "answer only the first question", clickInput("q1", "o1"))
	clickAndLoad(t, ctx, "form.survey button[type=submit]")
	if got := text(t, ctx, "#e-q2"); got != msg.T("ar", "surveys.error.answer_required") {
		t.Errorf("the left-out question's message: %q", got)
	}
	if !eval[bool](t, ctx, `document.querySelector('input[name=q1][value=o1]').checked`) {
		t.Error("the answer given was lost")
	}
	checkAxeIf(t, ctx, axe, "survey answer page (ar)")
	screenshot(t, ctx, "survey-answer-ar")
	answer("pre_test", []string{"q1=o1", "q2=o1", "q3=o2"}, "")                    // 1 of 3 right
	clock = time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC)                          // the last day
	answer("post_test", []string{"q1=o1", "q2=o1", "q2=o2", "q2=o4", "q3=o1"}, "") // 3 of 3
	answer("satisfaction", []string{"q1=5", "q2=4", "q3=o1"}, "مزيد من التمارين العملية على بوابات البيانات")
	logout(t, ctx, "ar")
	clock = time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC)
	s.login(t, ctx, "ar", omar.Email)
	answer("pre_test", []string{"q1=o2", "q2=o1", "q3=o2"}, "") // 0 of 3
	clock = time.Date(2026, 3, 11, 13, 0, 0, 0, time.UTC)
	answer("post_test", []string{"q1=o1", "q2=o1", "q3=o1"}, "") // 2 of 3
	answer("satisfaction", []string{"q1=4", "q2=5", "q3=o2"}, "")
	logout(t, ctx, "ar")

	// The results, in Arabic: gain over the two pairs, a chart per question, the free text.
	s.login(t, ctx, "ar", staff.Email)
	do(t, ctx, "a desktop-sized window", chromedp.EmulateViewport(1280, 900))
	s.open(t, ctx, base+"/results")
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("the results page's direction is %q", dir)
	}
	kpis := text(t, ctx, "#gain .kpis")
	for _, want := range []string{"16.7", "83.3", "66.7"} { // pre (33.3 + 0) / 2, post (100 + 66.7) / 2, gain
		if !strings.Contains(kpis, want) {
			t.Errorf("the gain figures %q lack %s", kpis, want)
		}
	}
	// The gain, the three questions of each test, and the two ratings and the choice of the
	// evaluation; the free-text question has its answers listed instead.
	if n := eval[int](t, ctx, `document.querySelectorAll('svg[role=img]').length`); n != 10 {
		t.Errorf("%d charts on the results page, want one for the gain and one per chart question", n)
	}
	if !eval[bool](t, ctx, `[...document.querySelectorAll('svg[role=img]')].every(s => s.getAttribute('direction') === 'rtl' && s.querySelector('desc') && s.getBoundingClientRect().width > 300)`) {
		t.Error("a chart is not drawn right to left, lacks its description or is too small to read")
	}
	if !strings.Contains(text(t, ctx, "#survey-satisfaction"), "مزيد من التمارين العملية على بوابات البيانات") {
		t.Error("the free-text answer is not listed")
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the results page overflows sideways")
	}
	checkAxeIf(t, ctx, axe, "survey results (ar)")
	screenshot(t, ctx, "survey-results-ar-full")
	// The picture of the page for the documentation: the gain and the first charts, as a
	// 1280 × 1700 window shows them.
	if dir := os.Getenv("MASAR_SCREENSHOTS"); dir != "" {
		do(t, ctx, "a tall window", chromedp.EmulateViewport(1280, 1700))
		b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "survey-results-ar.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// textOf is text for an element that may be missing: "" then.
func textOf(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	v := eval[*string](t, ctx, `(() => { const e = document.querySelector(`+js(css)+`); return e ? e.innerText : null })()`)
	if v == nil {
		return ""
	}
	return strings.TrimSpace(*v)
}

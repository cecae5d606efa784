package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/authoring/forms"
	"github.com/masar-platform/masar/officials"
)

// mgUntil polls a JavaScript condition until it holds, or fails saying what was awaited.
func mgUntil(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if eval[bool](t, ctx, cond) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: still not so after 15 s", what)
}

// TestBrowserCourseManagement: in Arabic, the translation dashboard shows a lesson whose
// source changed as outdated, in words, with the source's change right to left; a lesson is
// moved by dragging it; the question editor shows the content check's verdict a moment after
// the author stops typing, without saving.
func TestBrowserCourseManagement(t *testing.T) {
	s := startSite(t)
	ctx := newBrowserFor(t, 150*time.Second)
	const course, lesson = "01-open-government-framework", "01-why-open-government"
	base := "/ar/admin/content/" + course
	in := officials.Input{Email: "huda.manage@escwa.example", Password: password, NameAr: "هدى", NameLatin: "Huda",
		JobTitle: "Programme officer", Organisation: "ESCWA", Country: "LB", Sector: "central_government", Gender: "female", Language: "ar"}
	staff, err := s.p.Officials.Create(context.Background(), audit.Actor{Email: "e2e"}, in, officials.RoleStaff)
	if err != nil {
		t.Fatal(err)
	}
	s.confirm(t, staff.ID)
	st := s.p.Library.Store()
	bg := context.Background()
	who := audit.Actor{ID: staff.ID, Email: staff.Email}

	// The Arabic source of the first lesson changes, and is published.
	src := authoring.LessonPath(course, lesson, "ar")
	h, err := st.Head(bg, src)
	if err != nil {
		t.Fatal(err)
	}
	body := bytes.Replace(h.Body, []byte("ليست الحكومة المفتوحة موقعاً إلكترونياً"), []byte("ليست الحكومة المفتوحة بوابةً إلكترونية"), 1)
	body = append(body, []byte("\nفقرة جديدة عن الانفتاح والمساءلة.\n")...)
	rev, err := st.Save(bg, who, authoring.Edit{Path: src, Body: body, BaseID: h.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(bg, src, rev.ID); err != nil {
		t.Fatal(err)
	}
	if _, problems, err := st.Publish(bg, who, course); err != nil || len(problems) > 0 {
		t.Fatalf("publish: %v %v", problems, err)
	}
	s.p.Library.Reload()

	s.login(t, ctx, "ar", staff.Email)
	do(t, ctx, "a desktop window", chromedp.EmulateViewport(1280, 1000))
	s.open(t, ctx, base+"/translations")
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("the dashboard's direction is %q", dir)
	}
	row := `tr.trans-row-outdated`
	if got := text(t, ctx, row+` .trans-status`); got != "قديمة" {
		t.Errorf("the outdated status reads %q", got)
	}
	diff := `tr.trans-diff-row`
	do(t, ctx, "open the change", chromedp.Click(chromedp.CSS(diff+` details summary`)))
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('`+diff+` .diff')).direction`); got != "rtl" {
		t.Errorf("the source's change is shown %q", got)
	}
	if got := text(t, ctx, diff+` .diff ins`); !strings.Contains(got, "بوابة") {
		t.Errorf("the inserted words: %q", got)
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the dashboard overflows sideways")
	}
	screenshot(t, ctx, "translations-ar")

	// Drag the first lesson below the second: the new order is saved.
	s.open(t, ctx, base+"/settings")
	screenshot(t, ctx, "content-settings-ar")
	if !eval[bool](t, ctx, `document.querySelector('#lesson-order li').draggable`) {
		t.Fatal("the lessons are not draggable")
	}
	eval[bool](t, ctx, `(() => {
		const items = document.querySelectorAll('#lesson-order li'), dt = new DataTransfer();
		const box = items[1].getBoundingClientRect();
		items[0].dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
		items[1].dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt, clientY: box.bottom - 2}));
		document.getElementById('lesson-order').dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
		return true })()`)
	mgUntil(t, ctx, "the page after the drop", `location.search.includes('done=moved')`)
	m, err := st.Head(bg, course+"/course.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := forms.ParseCourse(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	if c.Lessons[0] != "02-four-phases" || c.Lessons[1] != lesson {
		t.Errorf("after the drag: %v", c.Lessons)
	}

	// The question editor checks as the author types.
	s.open(t, ctx, base+"/quiz/q11")
	quiz, _ := st.Head(bg, course+"/quiz.yaml")
	eval[bool](t, ctx, `(() => { document.getElementById('f-explanation.en').value = ''; return true })()`)
	do(t, ctx, "type an explanation that gives the answer away",
		typeInto(`#f-explanation\.en`, "Accountability, because it needs complaint channels and corrections on top of publication."))
	mgUntil(t, ctx, "the check's verdict", `document.getElementById('question-check').innerText.includes('«') || document.getElementById('question-check').innerText.includes('“')`)
	screenshot(t, ctx, "content-question-ar")
	if after, _ := st.Head(bg, course+"/quiz.yaml"); after.ID != quiz.ID {
		t.Error("the live check saved the question")
	}
}

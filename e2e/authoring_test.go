package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/officials"
)

// person creates a confirmed account with a role.
func (s *site) person(t *testing.T, email, role, nameAr, nameLatin string) *officials.Official {
	t.Helper()
	in := officials.Input{Email: email, Password: password, NameAr: nameAr, NameLatin: nameLatin,
		JobTitle: "Programme officer", Organisation: "ESCWA", Country: "LB", Sector: "central_government",
		Gender: "female", Language: "ar"}
	o, err := s.p.Officials.Create(context.Background(), audit.Actor{Email: "e2e"}, in, role)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	s.confirm(t, o.ID)
	return o
}

// waitFor polls a JavaScript condition until it holds, or fails the test saying what was awaited.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
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

// axeIfThere is axe-core's source, or "" (said in the log) when it is not installed: the
// editor's flow runs without it; only its accessibility checks need it (and CI has it).
func axeIfThere(t *testing.T) string {
	t.Helper()
	if required() {
		return axeSource(t)
	}
	path := os.Getenv("MASAR_AXE_JS")
	if path == "" {
		path = filepath.Join("node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Logf("the editor's accessibility checks are skipped: no axe-core (%v)", err)
		return ""
	}
	return string(b)
}

func checkAxeIf(t *testing.T, ctx context.Context, src, page string) {
	t.Helper()
	if src != "" {
		checkAxe(t, ctx, src, page)
	}
}

// TestBrowserLessonEditor is issue 22's flow: a trainer opens an Arabic lesson from her
// course list, types, sees the preview follow (right to left), saves and submits it; staff
// see the change and publish; the English translation shows outdated with the change, and
// is current once translated; a learner reads the new text; staff restore the shipped revision, submit and publish it, and the learner reads
// the old text again.
func TestBrowserLessonEditor(t *testing.T) {
	s := startSite(t)
	ctx := newBrowserFor(t, 150*time.Second)
	const course, lesson, file = "01-open-government-framework", "02-four-phases", "02-four-phases.ar.md"
	staff := s.person(t, "huda.staff@escwa.example", officials.RoleStaff, "هدى", "Huda")
	trainer := s.person(t, "rania.trainer@escwa.example", officials.RoleTrainer, "رانيا", "Rania")
	s.account(t, "learner@escwa.example")
	st := s.p.Library.Store()
	if err := st.AssignTrainer(context.Background(), audit.Actor{ID: staff.ID, Email: staff.Email}, course, trainer.ID); err != nil {
		t.Fatal(err)
	}
	added := "فقرة جديدة أضافتها المدرّبة: تبدأ الحكومة المفتوحة بالشفافية."
	lessonURL := "/ar/courses/open-government-framework/" + lesson

	// The trainer finds her course and the lesson's Arabic file.
	s.login(t, ctx, "ar", trainer.Email)
	s.open(t, ctx, "/ar/admin/content")
	clickAndLoad(t, ctx, `a[href="/ar/admin/content/`+course+`"]`)
	clickAndLoad(t, ctx, `a[href="/ar/admin/content/`+course+`/edit/`+file+`"]`)
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("the editor page's direction is %q", dir)
	}
	if got := eval[string](t, ctx, `getComputedStyle(document.getElementById('f-body')).direction`); got != "rtl" {
		t.Errorf("the Arabic text area is %q", got)
	}
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('#content-preview .lesson')).direction`); got != "rtl" {
		t.Errorf("the preview is %q", got)
	}
	// On a wide screen the text and its preview stand side by side, the text on the start
	// (right) side in Arabic.
	if !eval[bool](t, ctx, `(() => { const a = document.getElementById('f-body').getBoundingClientRect(), b = document.getElementById('content-preview').getBoundingClientRect(); return a.left > b.left && a.top < b.bottom && b.top < a.bottom })()`) {
		t.Error("the text area is not to the right of the preview")
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the editor overflows sideways")
	}

	// On a phone the preview follows the text, and nothing runs off the side.
	do(t, ctx, "a phone-sized screen", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	s.open(t, ctx, "/ar/admin/content/"+course+"/edit/"+file)
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the editor overflows sideways on a phone")
	}
	if !eval[bool](t, ctx, `document.getElementById('content-preview').getBoundingClientRect().top >= document.getElementById('f-body').getBoundingClientRect().bottom`) {
		t.Error("on a phone the preview is not below the text")
	}
	screenshot(t, ctx, "editor-ar-phone")
	do(t, ctx, "a desktop screen", chromedp.EmulateViewport(1280, 900))
	s.open(t, ctx, "/ar/admin/content/"+course+"/edit/"+file)

	// Typing: a moment later the preview shows the new paragraph, rendered; nothing is saved.
	eval[bool](t, ctx, `(() => { const ta = document.getElementById('f-body'); ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); return true })()`)
	do(t, ctx, "type a paragraph", typeInto("#f-body", "\n"+added+"\n"))
	waitFor(t, ctx, "the preview shows the typed paragraph",
		`Array.from(document.querySelectorAll('#content-preview .prose p')).some(p => p.textContent.includes(`+js(added)+`))`)
	if h, _ := st.Head(context.Background(), course+"/"+file); strings.Contains(string(h.Body), added) {
		t.Fatal("the live preview saved the text")
	}
	do(t, ctx, "describe the change", typeInto("#f-message", "فقرة عن الشفافية"))
	screenshot(t, ctx, "editor-ar")
	axe := axeIfThere(t)
	checkAxeIf(t, ctx, axe, "the lesson editor")
	// Meanwhile a staff member saves the same lesson: the trainer's save is refused, told who
	// saved, with her text kept; she saves it on top of the latest revision.
	opened, _ := st.Head(context.Background(), course+"/"+file)
	staffText := strings.Replace(string(opened.Body), "## ", "## (تدقيق) ", 1)
	if _, err := st.Save(context.Background(), audit.Actor{ID: staff.ID, Email: staff.Email},
		authoring.Edit{Path: course + "/" + file, Body: []byte(staffText), BaseID: opened.ID, Message: "تدقيق"}); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, ctx, `button[name="action"][value="save"]`)
	if c := text(t, ctx, ".content-conflict"); !strings.Contains(c, "هدى") {
		t.Errorf("the conflict does not say who saved: %q", c)
	}
	if !strings.Contains(value(t, ctx, "#f-body"), added) {
		t.Fatal("the trainer's text is lost after the conflict")
	}
	screenshot(t, ctx, "editor-conflict-ar")
	checkAxeIf(t, ctx, axe, "the editor after a conflict")
	clickAndLoad(t, ctx, `button[name="action"][value="save"]`)
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "مسودة") {
		t.Errorf("after saving: %q", f)
	}
	clickAndLoad(t, ctx, "#submit-review")
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "للمراجعة") {
		t.Errorf("after submitting: %q", f)
	}
	// The trainer's course page shows the file in review, with no publish button.
	s.open(t, ctx, "/ar/admin/content/"+course)
	if eval[bool](t, ctx, `!!document.querySelector('form[action$="/publish"]')`) {
		t.Error("a trainer is offered to publish")
	}
	logout(t, ctx, "ar")

	// Staff see the change and publish.
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, "/ar/admin/content/"+course)
	if ins := text(t, ctx, ".content-publish"); !strings.Contains(ins, added) {
		t.Fatalf("the change awaiting publication is not shown:\n%s", ins)
	}
	screenshot(t, ctx, "editor-course-ar")
	checkAxeIf(t, ctx, axe, "the course page with a change awaiting publication")
	clickAndLoad(t, ctx, `form[action$="/publish"] button`)
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "نُشرت") {
		t.Fatalf("after publishing: %q\n%s", f, text(t, ctx, "main"))
	}

	// The English translation of the lesson is now outdated, with the Arabic change shown;
	// a translator updates it from the dashboard and it is current again.
	enFile := lesson + ".en.md"
	enStatus := `(() => { const a = document.querySelector('a[href$="/edit/` + enFile + `"]'); return a ? a.closest('tr').querySelector('.trans-status').className : '' })()`
	s.open(t, ctx, "/ar/admin/content/"+course+"/translations")
	if got := eval[string](t, ctx, enStatus); !strings.Contains(got, "trans-outdated") {
		t.Fatalf("the English translation after the Arabic change: %q", got)
	}
	if changes := eval[string](t, ctx, `(() => { const a = document.querySelector('a[href$="/edit/`+enFile+`"]'); const next = a.closest('tr').nextElementSibling; return next && next.classList.contains('trans-diff-row') ? next.textContent : '' })()`); !strings.Contains(changes, added) {
		t.Errorf("the dashboard does not show the source's change: %q", changes)
	}
	clickAndLoad(t, ctx, `a[href$="/edit/`+enFile+`"]`)
	if got := eval[string](t, ctx, `getComputedStyle(document.getElementById('f-body')).direction`); got != "ltr" {
		t.Errorf("the English text area is %q on an Arabic page", got)
	}
	eval[bool](t, ctx, `(() => { const ta = document.getElementById('f-body'); ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); return true })()`)
	do(t, ctx, "translate the paragraph", typeInto("#f-body", "\nA new paragraph added by the trainer: open government starts with transparency.\n"))
	clickAndLoad(t, ctx, `button[name="action"][value="save"]`)
	s.open(t, ctx, "/ar/admin/content/"+course+"/translations")
	if got := eval[string](t, ctx, enStatus); !strings.Contains(got, "trans-current") {
		t.Errorf("the English translation after the update: %q", got)
	}
	logout(t, ctx, "ar")

	// A learner reads the new text.
	s.login(t, ctx, "ar", "learner@escwa.example")
	s.open(t, ctx, lessonURL)
	if !strings.Contains(text(t, ctx, ".lesson .prose"), added) {
		t.Fatal("the learner does not see the published text")
	}
	logout(t, ctx, "ar")

	// Staff restore the shipped revision from the history, submit and publish it.
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, "/ar/admin/content/"+course+"/history/"+file)
	screenshot(t, ctx, "editor-history-ar")
	checkAxeIf(t, ctx, axe, "the history")
	clickAndLoad(t, ctx, `table.content-history tbody tr:last-child form button`)
	if loc := location(t, ctx); loc != "/ar/admin/content/"+course+"/edit/"+file {
		t.Fatalf("after restoring: %s", loc)
	}
	if strings.Contains(value(t, ctx, "#f-body"), added) {
		t.Error("the restored text still has the paragraph")
	}
	// The restored revision's page shows what it takes away, in the lesson's direction.
	head, _ := st.Head(context.Background(), course+"/"+file)
	s.open(t, ctx, "/ar/admin/content/"+course+"/revisions/"+strconv.FormatInt(head.ID, 10))
	if del := eval[string](t, ctx, `Array.from(document.querySelectorAll('table.diff tr.diff-del')).map(r => r.innerText).join('\n')`); !strings.Contains(del, added) {
		t.Errorf("the restored revision's diff does not show the paragraph removed: %q", del)
	}
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('table.diff .diff-text')).direction`); got != "rtl" {
		t.Errorf("the diff of an Arabic lesson is %q", got)
	}
	screenshot(t, ctx, "editor-revision-ar")
	checkAxeIf(t, ctx, axe, "a revision")
	s.open(t, ctx, "/ar/admin/content/"+course+"/edit/"+file)
	clickAndLoad(t, ctx, "#submit-review")
	s.open(t, ctx, "/ar/admin/content/"+course)
	clickAndLoad(t, ctx, `form[action$="/publish"] button`)
	logout(t, ctx, "ar")

	s.login(t, ctx, "ar", "learner@escwa.example")
	s.open(t, ctx, lessonURL)
	if body := text(t, ctx, ".lesson .prose"); strings.Contains(body, added) || body == "" {
		t.Fatal("the learner still sees the removed paragraph")
	}
}

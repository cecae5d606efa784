package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/officials"
)

const (
	editorCourse = "01-open-government-framework"
	editorSlug   = "open-government-framework"
	editorLesson = "02-four-phases"
)

var (
	baseIDRe   = regexp.MustCompile(`name="base_id" value="(\d+)"`)
	sourceIDRe = regexp.MustCompile(`name="source_id" value="(\d+)"`)
	headIDRe   = regexp.MustCompile(`name="head_id" value="(\d+)"`)
	textareaRe = regexp.MustCompile(`(?s)<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>`)
)

// editorPage opens the editor of a file and returns the page, its text and its base_id.
func editorPage(t *testing.T, c *client, lang, file string) (response, string, string) {
	t.Helper()
	r := c.get("/" + lang + "/admin/content/" + editorCourse + "/edit/" + file)
	if r.Status != http.StatusOK {
		t.Fatalf("editor of %s: %d %s", file, r.Status, excerpt(r.Body))
	}
	m := textareaRe.FindStringSubmatch(r.Body)
	b := baseIDRe.FindStringSubmatch(r.Body)
	if m == nil || b == nil {
		t.Fatalf("editor of %s: no text or base_id", file)
	}
	return r, html.UnescapeString(m[1]), b[1]
}

func editorURL(file string) string { return "/ar/admin/content/" + editorCourse + "/edit/" + file }

// TestAuthoringEditorLessonFlow: a trainer assigned to a course edits an Arabic lesson,
// previews it (nothing saved), saves a draft and submits it; a trainer cannot publish; staff
// see the diff and publish, and the public lesson page shows the new text. A second save on
// the old base is refused (409) with the typed text kept; a publication with a broken link
// is refused (422) naming the file, with nothing published; the history lists the revisions
// and restoring the first one brings its text back to learners once published.
func TestAuthoringEditorLessonFlow(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	staff, staffAccount := account(t, p, "editor-staff@example.org", officials.RoleStaff, "")
	trainer, trainerAccount := account(t, p, "editor-trainer@example.org", officials.RoleTrainer, "JO")
	st := p.Library.Store()
	if err := st.AssignTrainer(ctx, audit.Actor{ID: staffAccount.ID, Email: staffAccount.Email}, editorCourse, trainerAccount.ID); err != nil {
		t.Fatal(err)
	}
	learner := newClient(t, p)
	file := editorLesson + ".ar.md"
	path := editorCourse + "/" + file
	original, err := st.Head(ctx, path)
	if err != nil {
		t.Fatal(err)
	}

	// The trainer's list names the course in the page's language.
	if r := trainer.get("/ar/admin/content"); r.Status != 200 || !strings.Contains(r.Body, "إطار تطبيق الحكومة المفتوحة") || !strings.Contains(r.Body, `/ar/admin/content/`+editorCourse) {
		t.Fatalf("trainer's courses: %d %s", r.Status, excerpt(r.Body))
	}
	if r := trainer.get("/en/admin/content"); !strings.Contains(r.Body, "The open-government framework for the Arab region") {
		t.Errorf("the English list does not show the English title")
	}

	// The editor: Arabic text right to left whatever the page's language; the preview renders it.
	r, text, base := editorPage(t, trainer, "en", file)
	if !strings.Contains(r.Body, `lang="ar" dir="rtl"`) || strings.Contains(r.Body, `name="source_id"`) {
		t.Errorf("the Arabic source's editor: direction or source_id wrong")
	}
	if text != string(original.Body) {
		t.Fatalf("the editor's text is not the head's")
	}
	added := "فقرة جديدة كتبها المدرّب عن المراحل الأربع."
	edited := text + "\n" + added + "\n"
	r = trainer.post(editorURL(file), url.Values{"body": {edited}, "base_id": {base}, "action": {"preview"}})
	if r.Status != 200 || !strings.Contains(r.Body, "<p>"+added+"</p>") || !strings.Contains(r.Body, "لم يُحفظ شيء بعد") {
		t.Fatalf("preview: %d %s", r.Status, excerpt(r.Body))
	}
	if h, _ := st.Head(ctx, path); h.ID != original.ID {
		t.Fatal("the preview saved")
	}

	// Save, with CRLF line ends as browsers send them: stored with LF.
	r = trainer.post(editorURL(file), url.Values{"body": {strings.ReplaceAll(edited, "\n", "\r\n")}, "base_id": {base}, "message": {"فقرة عن المراحل"}, "action": {"save"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Status, excerpt(r.Body))
	}
	saved, _ := st.Head(ctx, path)
	if saved.State != authoring.Draft || string(saved.Body) != edited || saved.Message != "فقرة عن المراحل" || saved.AuthorID != trainerAccount.ID {
		t.Fatalf("saved: %+v", saved)
	}
	if r := learner.get("/ar/courses/" + editorSlug + "/" + editorLesson); strings.Contains(r.Body, added) {
		t.Fatal("a draft is served to learners")
	}

	// Someone who opened the old revision saves: refused, told who saved, the text kept.
	mine := text + "\nنص كتبه شخص آخر في الوقت نفسه.\n"
	r = staff.post(editorURL(file), url.Values{"body": {mine}, "base_id": {base}, "action": {"save"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "سارة خالد") || !strings.Contains(r.Body, "نص كتبه شخص آخر في الوقت نفسه.") {
		t.Fatalf("conflict: %d %s", r.Status, excerpt(r.Body))
	}
	if m := baseIDRe.FindStringSubmatch(r.Body); m == nil || m[1] != itoa(saved.ID) {
		t.Errorf("the conflict page does not offer to save on the latest revision: %v", m)
	}
	if !strings.Contains(r.Body, `<tr class="diff-del">`) || !strings.Contains(r.Body, "<ins>") {
		t.Errorf("the conflict page does not show the differences")
	}
	if h, _ := st.Head(ctx, path); h.ID != saved.ID {
		t.Fatal("the conflicting save overwrote the draft")
	}
	// Saving the same text again: nothing new, said so.
	r = trainer.post(editorURL(file), url.Values{"body": {edited}, "base_id": {itoa(saved.ID)}, "action": {"save"}})
	if r.Status != 200 || !strings.Contains(r.Body, "لم يتغيّر شيء") {
		t.Errorf("unchanged save: %d %s", r.Status, excerpt(r.Body))
	}

	// Submit for review; the trainer may not publish.
	r, _, _ = editorPage(t, trainer, "ar", file)
	m := headIDRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no submit form on the editor of a draft")
	}
	if r := trainer.post("/ar/admin/content/"+editorCourse+"/submit/"+file, url.Values{"head_id": {m[1]}}); r.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.Status)
	}
	if h, _ := st.Head(ctx, path); h.State != authoring.Review {
		t.Fatalf("after submitting: %s", h.State)
	}
	if r := trainer.post("/ar/admin/content/"+editorCourse+"/publish", nil); r.Status != http.StatusForbidden {
		t.Fatalf("a trainer publishes: %d", r.Status)
	}
	r = trainer.get("/ar/admin/content/" + editorCourse)
	if r.Status != 200 || strings.Contains(r.Body, "/publish\"") || !strings.Contains(r.Body, file) {
		t.Errorf("the trainer's course page: %d", r.Status)
	}

	// Staff see the change and publish; learners see it.
	r = staff.get("/ar/admin/content/" + editorCourse)
	if r.Status != 200 || !strings.Contains(r.Body, "<ins>"+added) || !strings.Contains(r.Body, "/publish\"") {
		t.Fatalf("the staff's course page: %d %s", r.Status, excerpt(r.Body))
	}
	if r := staff.post("/ar/admin/content/"+editorCourse+"/publish", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.Status, excerpt(r.Body))
	}
	if r := learner.get("/ar/courses/" + editorSlug + "/" + editorLesson); r.Status != 200 || !strings.Contains(r.Body, added) {
		t.Fatalf("the published text is not served: %d", r.Status)
	}

	// A broken link in another lesson: the publication is refused, naming the file.
	other := "03-six-strategic-objectives.ar.md"
	_, otherText, otherBase := editorPage(t, trainer, "ar", other)
	r = trainer.post(editorURL(other), url.Values{"body": {otherText + "\n[رابط مكسور](99-no-such-lesson.md)\n"}, "base_id": {otherBase}, "action": {"save"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save the broken link: %d", r.Status)
	}
	broken, _ := st.Head(ctx, editorCourse+"/"+other)
	if err := st.Submit(ctx, broken.Path, broken.ID); err != nil {
		t.Fatal(err)
	}
	r = staff.post("/ar/admin/content/"+editorCourse+"/publish", nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, editorCourse+"/"+other+":") {
		t.Fatalf("publish with a broken link: %d %s", r.Status, excerpt(r.Body))
	}
	// The reasons are said in the page's language, the file and line kept.
	if !strings.Contains(r.Body, "رابط إلى الدرس 99-no-such-lesson: لا يوجد درس بهذا الاسم في هذه الدورة") || strings.Contains(r.Body, "no such lesson") {
		t.Fatalf("the refusal's reason is not in Arabic: %s", excerpt(r.Body))
	}
	if r := trainer.get(editorURL(other)); !strings.Contains(r.Body, "لا يوجد درس بهذا الاسم") {
		t.Fatalf("the editor does not show the problem in Arabic: %s", excerpt(r.Body))
	}
	if pub, _ := st.PublishedRevision(ctx, broken.Path); pub.ID == broken.ID {
		t.Fatal("the broken lesson was published")
	}

	// The history lists the revisions, newest first; restoring the shipped one brings it back.
	r = trainer.get("/ar/admin/content/" + editorCourse + "/history/" + file)
	hist, _ := st.History(ctx, path)
	if r.Status != 200 || len(hist) != 2 || !strings.Contains(r.Body, "فقرة عن المراحل") ||
		strings.Index(r.Body, "/revisions/"+itoa(hist[0].ID)) > strings.Index(r.Body, "/revisions/"+itoa(hist[1].ID)) {
		t.Fatalf("history: %d %d revisions %s", r.Status, len(hist), excerpt(r.Body))
	}
	r = trainer.get("/ar/admin/content/" + editorCourse + "/revisions/" + itoa(saved.ID))
	if r.Status != 200 || !strings.Contains(r.Body, "<ins>"+added) || !strings.Contains(r.Body, `class="diff-text" lang="ar" dir="rtl"`) {
		t.Fatalf("revision page: %d %s", r.Status, excerpt(r.Body))
	}
	r = trainer.post("/ar/admin/content/"+editorCourse+"/revisions/"+itoa(original.ID)+"/restore", nil)
	if r.Status != http.StatusSeeOther || r.Location != editorURL(file) {
		t.Fatalf("restore: %d %s", r.Status, r.Location)
	}
	restored, _ := st.Head(ctx, path)
	if string(restored.Body) != string(original.Body) || restored.Origin != authoring.OriginRestore {
		t.Fatalf("restored: %+v", restored)
	}
	// Mend the broken lesson from its history too, submit both, publish: learners see the old text.
	if r := trainer.post("/ar/admin/content/"+editorCourse+"/revisions/"+otherBase+"/restore", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("restore the other lesson: %d", r.Status)
	}
	for _, f := range []string{file, other} {
		h, _ := st.Head(ctx, editorCourse+"/"+f)
		if r := trainer.post("/ar/admin/content/"+editorCourse+"/submit/"+f, url.Values{"head_id": {itoa(h.ID)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("submit %s: %d", f, r.Status)
		}
	}
	if r := staff.post("/ar/admin/content/"+editorCourse+"/publish", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("publish the restored text: %d %s", r.Status, excerpt(r.Body))
	}
	if r := learner.get("/ar/courses/" + editorSlug + "/" + editorLesson); r.Status != 200 || strings.Contains(r.Body, added) {
		t.Fatalf("the restored text is not served: %d", r.Status)
	}

	// Every page reads in each language, with no message left untranslated; the system's
	// own revision messages are translated too.
	for _, l := range []string{"ar", "en", "fr"} {
		for _, u := range []string{"/admin/content", "/admin/content/" + editorCourse, "/admin/content/" + editorCourse + "/edit/" + file,
			"/admin/content/" + editorCourse + "/history/" + file, "/admin/content/" + editorCourse + "/revisions/" + itoa(restored.ID)} {
			r := staff.get("/" + l + u)
			if r.Status != 200 || strings.Contains(r.Body, "content.editor.") || strings.Contains(r.Body, "brought in from the files") || l != "en" && strings.Contains(r.Body, "restored revision") {
				t.Errorf("/%s%s: %d, or a message untranslated", l, u, r.Status)
			}
		}
	}
}

// TestAuthoringEditorTranslation: the editor of a translation carries the source revision it
// follows, and saving records it.
func TestAuthoringEditorTranslation(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	staff, _ := account(t, p, "editor-translator@example.org", officials.RoleStaff, "")
	st := p.Library.Store()
	file := editorLesson + ".en.md"
	r, text, base := editorPage(t, staff, "ar", file)
	if !strings.Contains(r.Body, `lang="en" dir="ltr"`) {
		t.Error("the English text is not left to right on an Arabic page")
	}
	m := sourceIDRe.FindStringSubmatch(r.Body)
	src, _ := st.PublishedRevision(ctx, editorCourse+"/"+editorLesson+".ar.md")
	if m == nil || m[1] != itoa(src.ID) {
		t.Fatalf("source_id: %v, want %d", m, src.ID)
	}
	r = staff.post(editorURL(file), url.Values{"body": {text + "\nOne more sentence.\n"}, "base_id": {base}, "source_id": {m[1]}, "action": {"save"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Status, excerpt(r.Body))
	}
	if h, _ := st.Head(ctx, editorCourse+"/"+file); h.SourceID != src.ID {
		t.Errorf("the translation records source %d, want %d", h.SourceID, src.ID)
	}
}

// TestAuthoringEditorRefusals: a trainer not assigned to the course is refused every page and
// action; bad files, courses and sizes are refused with a message naming them, saving
// nothing; a form without its CSRF token is refused.
func TestAuthoringEditorRefusals(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	staff, _ := account(t, p, "refusals-staff@example.org", officials.RoleStaff, "")
	stranger, _ := account(t, p, "refusals-trainer@example.org", officials.RoleTrainer, "JO")
	official, _ := account(t, p, "refusals-official@example.org", officials.RoleOfficial, "JO")
	st := p.Library.Store()
	file := editorLesson + ".ar.md"
	head, _ := st.Head(ctx, editorCourse+"/"+file)
	id := itoa(head.ID)
	base := "/ar/admin/content/" + editorCourse
	if r := stranger.get("/ar/admin/content"); r.Status != 200 || strings.Contains(r.Body, base) {
		t.Errorf("an unassigned trainer's list: %d", r.Status)
	}
	gets := []string{base, base + "/edit/" + file, base + "/history/" + file, base + "/revisions/" + id}
	for _, g := range gets {
		if r := stranger.get(g); r.Status != http.StatusForbidden {
			t.Errorf("GET %s by an unassigned trainer: %d", g, r.Status)
		}
		if r := official.get(g); r.Status != http.StatusForbidden {
			t.Errorf("GET %s by an official: %d", g, r.Status)
		}
	}
	posts := map[string]url.Values{
		base + "/edit/" + file:                 {"body": {"x"}, "base_id": {id}, "action": {"save"}},
		base + "/submit/" + file:               {"head_id": {id}},
		base + "/publish":                      nil,
		base + "/revisions/" + id + "/restore": nil,
	}
	for u, form := range posts {
		if r := stranger.post(u, form); r.Status != http.StatusForbidden {
			t.Errorf("POST %s by an unassigned trainer: %d", u, r.Status)
		}
	}
	if h, _ := st.Head(ctx, head.Path); h.ID != head.ID {
		t.Fatal("a refused request saved")
	}

	// Bad files and courses, named in the message.
	staff.lang = "en"
	for _, bad := range []struct{ path, want string }{
		{base + "/edit/course.yaml", "“course.yaml” is not a lesson file"},
		{base + "/edit/02-four-phases.de.md", "“02-four-phases.de.md” is not a lesson file"},
		{"/en/admin/content/99-no-such-course", "no course in the folder “99-no-such-course”"},
		{"/en/admin/content/99-no-such-course/edit/" + file, "no course in the folder “99-no-such-course”"},
		{base + "/revisions/999999", "no revision “999999”"},
		{base + "/edit/99-no-such-lesson.ar.md", "no lesson “99-no-such-lesson”"},
	} {
		u := strings.Replace(bad.path, "/ar/", "/en/", 1)
		if r := staff.get(u); r.Status != http.StatusNotFound || !strings.Contains(html.UnescapeString(r.Body), bad.want) {
			t.Errorf("GET %s: %d, want 404 saying %q: %s", u, r.Status, bad.want, excerpt(r.Body))
		}
	}
	// Too large: refused next to the field, nothing saved.
	big := strings.Repeat("ن", authoring.MaxFile/2+1)
	r := staff.post("/en/admin/content/"+editorCourse+"/edit/"+file, url.Values{"body": {big}, "base_id": {id}, "action": {"save"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-body"`) || !strings.Contains(r.Body, "larger than the limit") {
		t.Errorf("too large: %d %s", r.Status, excerpt(r.Body))
	}
	if h, _ := st.Head(ctx, head.Path); h.ID != head.ID {
		t.Fatal("an oversized text was saved")
	}
	// A form without its token.
	form := url.Values{"body": {"x"}, "base_id": {id}, "action": {"save"}}
	req := httptest.NewRequest(http.MethodPost, "/ar/admin/content/"+editorCourse+"/edit/"+file, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := staff.do(req); r.Status != http.StatusForbidden {
		t.Errorf("a form without its CSRF token: %d", r.Status)
	}
	if h, _ := st.Head(ctx, head.Path); h.ID != head.ID {
		t.Fatal("a form without its token saved")
	}
}

// The lesson editor's rows of the authorization table (authz_test.go), kept with the
// editor: staff and admins use every route; a trainer lists the courses assigned to her (none
// in the fixture) and is refused the others' pages; other roles are refused. Each request
// leaves the content as it found it (a preview saves nothing; there is nothing in review to
// submit or publish; revision 1, the first shipped lesson's text, is its latest text).
func init() {
	const c = "/ar/admin/content/" + editorCourse
	azRoutes = append(azRoutes,
		authzRow{"GET /ar/admin/content/", "", by(303, 403, 403, 403, 200, 200, 200)},
		authzRow{"GET " + c, "", by(303, 403, 403, 403, 403, 200, 200)},
		authzRow{"POST " + c + "/publish", "", by(401, 403, 403, 403, 403, 303, 303)},
		authzRow{"GET " + c + "/edit/" + editorLesson + ".ar.md", "", by(303, 403, 403, 403, 403, 200, 200)},
		authzRow{"POST " + c + "/edit/" + editorLesson + ".ar.md", "action=preview&base_id=0&body=نص للمعاينة", by(401, 403, 403, 403, 403, 200, 200)},
		authzRow{"POST " + c + "/submit/" + editorLesson + ".ar.md", "head_id=0", by(401, 403, 403, 403, 403, 303, 303)},
		authzRow{"GET " + c + "/history/" + editorLesson + ".ar.md", "", by(303, 403, 403, 403, 403, 200, 200)},
		authzRow{"GET " + c + "/revisions/1", "", by(303, 403, 403, 403, 403, 200, 200)},
		authzRow{"POST " + c + "/revisions/1/restore", "", by(401, 403, 403, 403, 403, 303, 303)},
	)
}

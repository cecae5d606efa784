package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/authoring/forms"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// The course the management tests edit: a shipped course in Arabic, English and French.
const (
	mgCourse = "01-open-government-framework"
	mgBase   = "/ar/admin/content/" + mgCourse
)

// msgs is the message catalogue, for the words the pages must show.
var msgs = i18n.MustLoad()

var mgBaseIDRe = regexp.MustCompile(`name="base_id" value="(\d+)"`)

// baseID is the base_id a page's form carries (the revision it was opened on).
func baseID(t *testing.T, body string) string {
	t.Helper()
	m := mgBaseIDRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no base_id")
	}
	return m[1]
}

func mgHead(t *testing.T, p *platform.Platform, path string) authoring.Revision {
	t.Helper()
	r, err := p.Library.Store().Head(context.Background(), path)
	if err != nil {
		t.Fatalf("head %s: %v", path, err)
	}
	return r
}

// postFile sends a multipart form with one file, as the browser's upload forms do.
func (c *client) postFile(path string, fields url.Values, field, filename string, data []byte) response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/" + c.lang + "/login")
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("_csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(field, filename)
	_, _ = fw.Write(data)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// settingsForm is what the settings page posts for the course as it stands.
func settingsForm(t *testing.T, body []byte, base string) url.Values {
	t.Helper()
	c, err := forms.ParseCourse(body)
	if err != nil {
		t.Fatal(err)
	}
	f := url.Values{"base_id": {base}, "level": {c.Level}, "pass_mark": {itoa(int64(c.PassMark))}, "max_attempts": {itoa(int64(c.MaxAttempts))},
		"questions_per_lesson": {itoa(int64(c.QuestionsPerLesson))}, "quiz_cooldown": {c.Cooldown}, "phases": {""}}
	for _, ph := range c.Phases {
		f.Add("phases", itoa(int64(ph)))
	}
	for _, l := range c.Languages {
		f.Set("title."+l, c.Title[l])
		f.Set("summary."+l, c.Summary[l])
		f.Set("outcomes."+l, strings.Join(c.Outcomes[l], "\n"))
	}
	return f
}

// changedLines lists the lines of b that differ from a's, for files of as many lines.
func changedLines(t *testing.T, a, b []byte) []string {
	t.Helper()
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	if len(al) != len(bl) {
		t.Fatalf("the file went from %d to %d lines", len(al), len(bl))
	}
	var out []string
	for i := range al {
		if al[i] != bl[i] {
			out = append(out, bl[i])
		}
	}
	return out
}

// TestManageAccess: a trainer edits only the courses assigned to them and never manages
// trainers; staff manage everything.
func TestManageAccess(t *testing.T) {
	p := newPlatform(t)
	staff, so := account(t, p, "staff@example.org", officials.RoleStaff, "")
	other, _ := account(t, p, "other.trainer@example.org", officials.RoleTrainer, "JO")
	mine, mo := account(t, p, "trainer@example.org", officials.RoleTrainer, "JO")
	if err := p.Library.Store().AssignTrainer(context.Background(), audit.Actor{ID: so.ID, Email: so.Email}, mgCourse, mo.ID); err != nil {
		t.Fatal(err)
	}
	gets := []string{"/settings", "/quiz", "/quiz/q11", "/quiz/new", "/images", "/trainers", "/translations", "/translations.xlsx",
		"/translations/01-why-open-government/en.xlf"}
	posts := []string{"/settings", "/lessons/move", "/lessons/order", "/lessons/add", "/quiz/q11", "/quiz/q11/delete", "/images", "/trainers", "/translations/import"}
	for _, g := range gets {
		if r := other.get(mgBase + g); r.Status != http.StatusForbidden {
			t.Errorf("unassigned trainer GET %s: %d, want 403", g, r.Status)
		}
		want := http.StatusOK
		if g == "/trainers" {
			want = http.StatusForbidden
		}
		if r := mine.get(mgBase + g); r.Status != want {
			t.Errorf("assigned trainer GET %s: %d, want %d", g, r.Status, want)
		}
		if r := staff.get(mgBase + g); r.Status != http.StatusOK {
			t.Errorf("staff GET %s: %d", g, r.Status)
		}
	}
	for _, ps := range posts {
		if r := other.post(mgBase+ps, url.Values{"email": {"trainer@example.org"}}); r.Status != http.StatusForbidden {
			t.Errorf("unassigned trainer POST %s: %d, want 403", ps, r.Status)
		}
	}
	if r := mine.post(mgBase+"/trainers", url.Values{"email": {"other.trainer@example.org"}}); r.Status != http.StatusForbidden {
		t.Errorf("assigned trainer POST /trainers: %d, want 403", r.Status)
	}
	if r := staff.get("/ar/admin/content/99-no-such-course/settings"); r.Status != http.StatusNotFound {
		t.Errorf("unknown course: %d", r.Status)
	}
	// The page links back to the course page, and the trainer's menu leaves out the trainers.
	r := mine.get(mgBase + "/settings")
	if !strings.Contains(r.Body, `href="/ar/admin/content/`+mgCourse+`"`) || strings.Contains(r.Body, mgBase+"/trainers") {
		t.Error("the trainer's settings page: link to the course page missing, or the trainers page offered")
	}
}

// TestManageSettings: a change of the Arabic title is a draft whose course.yaml differs on
// that line only; a bad pass mark is refused by name and nothing is saved; someone saving in
// between is named and the typed values are kept.
func TestManageSettings(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	path := mgCourse + "/course.yaml"
	before := mgHead(t, p, path)

	r := staff.get(mgBase + "/settings")
	if r.Status != http.StatusOK {
		t.Fatalf("settings: %d", r.Status)
	}
	for _, want := range []string{`name="title.ar" type="text"`, `dir="rtl" lang="ar"`, `name="title.en"`, `dir="ltr" lang="en"`, `type="hidden" name="phases" value=""`,
		`name="dir" value="down"`, `id="lesson-order"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the settings page lacks %s", want)
		}
	}
	base := baseID(t, r.Body)

	// An invalid pass mark: 422 naming the field, the typed values kept, nothing saved.
	bad := settingsForm(t, before.Body, base)
	bad.Set("pass_mark", "150")
	bad.Set("title.ar", "عنوان لن يُحفظ")
	r = staff.post(mgBase+"/settings", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("pass mark 150: %d", r.Status)
	}
	if !strings.Contains(r.Body, `id="e-pass_mark"`) || !strings.Contains(r.Body, "عنوان لن يُحفظ") {
		t.Error("the refusal does not name the pass mark, or loses the typed title")
	}
	if h := mgHead(t, p, path); h.ID != before.ID {
		t.Fatal("a refused form saved a revision")
	}

	// The Arabic title changed: one line of course.yaml.
	f := settingsForm(t, before.Body, base)
	f.Set("title.ar", "إطار الحكومة المفتوحة في المنطقة العربية")
	r = staff.post(mgBase+"/settings", f)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Status, excerpt(r.Body))
	}
	after := mgHead(t, p, path)
	if after.ID == before.ID || after.State != authoring.Draft {
		t.Fatalf("no draft saved: %+v", after)
	}
	if ch := changedLines(t, before.Body, after.Body); len(ch) != 1 || !strings.Contains(ch[0], "إطار الحكومة المفتوحة في المنطقة العربية") {
		t.Errorf("changed lines: %q", ch)
	}
	if r := staff.get(r.Location); !strings.Contains(r.Body, `class="flash"`) {
		t.Error("no notice after saving")
	}

	// The same form again, on the old base: someone (this user) saved in between.
	f.Set("title.en", "A title typed meanwhile")
	r = staff.post(mgBase+"/settings", f)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "سارة خالد") || !strings.Contains(r.Body, "A title typed meanwhile") {
		t.Errorf("conflict: %d, names the author and keeps the input? %s", r.Status, excerpt(r.Body))
	}
	if h := mgHead(t, p, path); h.ID != after.ID {
		t.Error("a conflicting save was written")
	}

	// Saving what the file says already: a notice, no revision.
	r = staff.post(mgBase+"/settings", settingsForm(t, after.Body, itoa(after.ID)))
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "unchanged") {
		t.Errorf("unchanged: %d %s", r.Status, r.Location)
	}
}

// TestManageLessonOrder: the down button and the drag-and-drop order both save course.yaml
// with the lessons reordered.
func TestManageLessonOrder(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	path := mgCourse + "/course.yaml"
	lessons := func() []string {
		c, err := forms.ParseCourse(mgHead(t, p, path).Body)
		if err != nil {
			t.Fatal(err)
		}
		return c.Lessons
	}
	first := lessons()
	r := staff.get(mgBase + "/settings")
	r = staff.post(mgBase+"/lessons/move", url.Values{"base_id": {baseID(t, r.Body)}, "lesson": {first[0]}, "dir": {"down"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("move: %d %s", r.Status, excerpt(r.Body))
	}
	got := lessons()
	if got[0] != first[1] || got[1] != first[0] || !slices.Equal(got[2:], first[2:]) {
		t.Errorf("after moving %s down: %v", first[0], got)
	}
	// Up from the top is refused.
	r = staff.get(mgBase + "/settings")
	if r2 := staff.post(mgBase+"/lessons/move", url.Values{"base_id": {baseID(t, r.Body)}, "lesson": {got[0]}, "dir": {"up"}}); r2.Status != http.StatusUnprocessableEntity {
		t.Errorf("moving the first lesson up: %d", r2.Status)
	}
	// The order a drag and drop posts: the reverse.
	rev := slices.Clone(got)
	slices.Reverse(rev)
	r = staff.post(mgBase+"/lessons/order", url.Values{"base_id": {baseID(t, r.Body)}, "order": rev})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("order: %d %s", r.Status, excerpt(r.Body))
	}
	if got := lessons(); !slices.Equal(got, rev) {
		t.Errorf("after the new order: %v, want %v", got, rev)
	}
	// An order that drops a lesson is refused.
	r = staff.get(mgBase + "/settings")
	if r2 := staff.post(mgBase+"/lessons/order", url.Values{"base_id": {baseID(t, r.Body)}, "order": rev[1:]}); r2.Status != http.StatusUnprocessableEntity {
		t.Errorf("an order without a lesson: %d", r2.Status)
	}
}

// questionForm is the editor's form for question q of the bank.
func questionForm(q forms.Question, base string) url.Values {
	f := url.Values{"base_id": {base}, "id": {q.ID}, "type": {q.Type}, "lesson": {q.Lesson}, "action": {"save"}}
	for l, s := range q.Prompt {
		f.Set("prompt."+l, s)
	}
	for l, s := range q.Explanation {
		f.Set("explanation."+l, s)
	}
	if q.Answer != nil {
		f.Set("answer", map[bool]string{true: "true", false: "false"}[*q.Answer])
	}
	for i, o := range q.Options {
		pre := "option." + itoa(int64(i)) + "."
		f.Set(pre+"id", o.ID)
		if o.Correct {
			f.Set(pre+"correct", "1")
		}
		for l, s := range o.Text {
			f.Set(pre+"text."+l, s)
		}
	}
	return f
}

// TestManageQuiz: the bank's list, an edit, a new question, a deletion; a single-choice
// question with two right options is refused by field and nothing is saved; a check shows
// the rules without saving.
func TestManageQuiz(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	path := mgCourse + "/quiz.yaml"
	bank := func() (*forms.Quiz, authoring.Revision) {
		h := mgHead(t, p, path)
		q, err := forms.ParseQuiz(h.Body)
		if err != nil {
			t.Fatal(err)
		}
		return q, h
	}
	q0, h0 := bank()
	r := staff.get(mgBase + "/quiz")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, mgBase+"/quiz/q11") || !strings.Contains(r.Body, "تنشر هيئة عامة موازناتها") {
		t.Fatalf("the list: %d", r.Status)
	}

	// Edit q11's English explanation.
	q11 := *q0.Find("q11")
	r = staff.get(mgBase + "/quiz/q11")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `name="option.1.correct" value="1" checked`) {
		t.Fatalf("the editor: %d", r.Status)
	}
	f := questionForm(q11, baseID(t, r.Body))
	f.Set("explanation.en", q11.Explanation["en"]+" Publishing alone does not make a body answerable.")
	if r := staff.post(mgBase+"/quiz/q11", f); r.Status != http.StatusSeeOther {
		t.Fatalf("save q11: %d %s", r.Status, excerpt(r.Body))
	}
	q1, h1 := bank()
	if got := q1.Find("q11").Explanation["en"]; !strings.HasSuffix(got, "does not make a body answerable.") || h1.State != authoring.Draft {
		t.Errorf("q11 not saved: %q", got)
	}

	// Two right options in a single-choice question: refused next to the options.
	f = questionForm(*q1.Find("q11"), itoa(h1.ID))
	f.Set("option.0.correct", "1")
	r = staff.post(mgBase+"/quiz/q11", f)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-options"`) {
		t.Errorf("two right options: %d", r.Status)
	}
	if _, h := bank(); h.ID != h1.ID {
		t.Error("a refused question was saved")
	}
	// The check without saving: 200, the rules shown, nothing saved.
	f.Set("action", "check")
	if r := staff.post(mgBase+"/quiz/q11", f); r.Status != http.StatusOK || !strings.Contains(r.Body, `id="question-check"`) {
		t.Errorf("check: %d", r.Status)
	}
	if _, h := bank(); h.ID != h1.ID {
		t.Error("a check saved the question")
	}

	// A new true/false question.
	r = staff.get(mgBase + "/quiz/new")
	nq := forms.Question{ID: "q900", Type: "truefalse", Lesson: "02-four-phases",
		Prompt:      map[string]string{"ar": "المشاركة تسبق التعاون في مراحل الإطار.", "en": "Participation comes before collaboration in the framework.", "fr": "La participation précède la collaboration dans le cadre."},
		Explanation: map[string]string{"ar": "المراحل بالترتيب: الشفافية ثم المشاركة ثم التعاون ثم الإشراف الناجز.", "en": "The phases run: transparency, participation, collaboration, engagement.", "fr": "Les phases se suivent : transparence, participation, collaboration, engagement."}}
	yes := true
	nq.Answer = &yes
	if r := staff.post(mgBase+"/quiz/new", questionForm(nq, baseID(t, r.Body))); r.Status != http.StatusSeeOther {
		t.Fatalf("new question: %d %s", r.Status, excerpt(r.Body))
	}
	q2, h2 := bank()
	if got := q2.Find("q900"); got == nil || len(q2.Questions) != len(q0.Questions)+1 {
		t.Fatal("the new question is not in the bank")
	}
	// The same id again is refused.
	if r := staff.post(mgBase+"/quiz/new", questionForm(nq, itoa(h2.ID))); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-id"`) {
		t.Errorf("a taken id: %d", r.Status)
	}

	// Delete it.
	if r := staff.post(mgBase+"/quiz/q900/delete", url.Values{"base_id": {itoa(h2.ID)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	q3, _ := bank()
	if q3.Find("q900") != nil || len(q3.Questions) != len(q0.Questions) {
		t.Error("the question was not removed")
	}
	if h0.ID == 0 {
		t.Fatal("no quiz")
	}
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 11, G: 92, B: 85, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestManageImages: a PNG is saved as a draft under images/, a text file is refused with the
// localized reason, an SVG figure is stored without its script, and a second upload of a
// name replaces it and says so.
func TestManageImages(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	if r := staff.get(mgBase + "/images"); r.Status != http.StatusOK {
		t.Fatalf("images: %d", r.Status)
	}
	r := staff.postFile(mgBase+"/images", nil, "file", "Phase Diagram.png", tinyPNG(t))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("png: %d %s", r.Status, excerpt(r.Body))
	}
	files, _ := p.Library.Store().Files(context.Background(), mgCourse)
	var png string
	for _, f := range files {
		if strings.HasPrefix(f.Path, mgCourse+"/images/") && strings.HasSuffix(f.Path, ".png") && f.Head.State == authoring.Draft && f.PublishedID == 0 {
			png = f.Path
		}
	}
	if png == "" {
		t.Fatal("the PNG is not saved as a draft")
	}
	if r := staff.get(r.Location); !strings.Contains(r.Body, strings.TrimPrefix(png, mgCourse+"/images/")) {
		t.Error("the list does not show the new image")
	}
	// Again: it replaces the image, and says so.
	r = staff.postFile(mgBase+"/images", nil, "file", "Phase Diagram.png", append(tinyPNG(t), 0))
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "replaced=1") {
		t.Errorf("replacing: %d %s", r.Status, r.Location)
	}

	// The same file once more: nothing changed, and the page says so.
	r = staff.postFile(mgBase+"/images", nil, "file", "Phase Diagram.png", append(tinyPNG(t), 0))
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "same=") {
		t.Errorf("the same file again: %d %s", r.Status, r.Location)
	}

	// A text file: refused, in Arabic, by its content.
	before, _ := p.Library.Store().Files(context.Background(), mgCourse)
	r = staff.postFile(mgBase+"/images", nil, "file", "notes.png", []byte("just some notes, not a picture\n"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-file"`) || !strings.Contains(r.Body, msgs.T("ar", "authoring.media.unsupported")) {
		t.Errorf("a text file: %d %s", r.Status, excerpt(r.Body))
	}
	after, _ := p.Library.Store().Files(context.Background(), mgCourse)
	if len(after) != len(before) {
		t.Error("a refused file was saved")
	}

	// An SVG figure with a script: stored clean.
	svg := `<svg xmlns="http://www.w3.org/2000/svg" role="img" lang="en" viewBox="0 0 100 40"><title>Four phases</title>` +
		`<script>alert(document.cookie)</script><rect width="100" height="40" onclick="steal()"/></svg>`
	r = staff.postFile(mgBase+"/images", url.Values{"lang": {"en"}}, "file", "phases.svg", []byte(svg))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("svg: %d %s", r.Status, excerpt(r.Body))
	}
	h := mgHead(t, p, mgCourse+"/images/phases.en.svg")
	if bytes.Contains(h.Body, []byte("script")) || bytes.Contains(h.Body, []byte("onclick")) || !bytes.Contains(h.Body, []byte("<rect")) {
		t.Errorf("the stored SVG: %s", h.Body)
	}
	// An SVG without a lesson language: refused next to the language.
	if r := staff.postFile(mgBase+"/images", nil, "file", "phases.svg", []byte(svg)); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-lang"`) {
		t.Errorf("svg without a language: %d", r.Status)
	}
}

// TestManageTrainers: staff assign a trainer by e-mail; an account that is not a trainer,
// or no account, is refused by name; a trainer can be removed.
func TestManageTrainers(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "staff@example.org", officials.RoleStaff, "")
	_, tr := account(t, p, "trainer@example.org", officials.RoleTrainer, "JO")
	account(t, p, "learner@example.org", officials.RoleOfficial, "JO")
	st := p.Library.Store()
	ctx := context.Background()

	r := staff.post(mgBase+"/trainers", url.Values{"email": {"learner@example.org"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-email"`) || !strings.Contains(r.Body, "البريد الإلكتروني") {
		t.Errorf("a learner as trainer: %d", r.Status)
	}
	if r := staff.post(mgBase+"/trainers", url.Values{"email": {"nobody@example.org"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "nobody@example.org") {
		t.Errorf("no account: %d", r.Status)
	}
	if ids, _ := st.Trainers(ctx, mgCourse); len(ids) != 0 {
		t.Fatalf("refused assignments saved: %v", ids)
	}
	if r := staff.post(mgBase+"/trainers", url.Values{"email": {"Trainer@Example.org "}}); r.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", r.Status, excerpt(r.Body))
	}
	if ids, _ := st.Trainers(ctx, mgCourse); !slices.Equal(ids, []int64{tr.ID}) {
		t.Fatalf("trainers: %v", ids)
	}
	if r := staff.get(mgBase + "/trainers"); !strings.Contains(r.Body, "trainer@example.org") {
		t.Error("the list does not show the trainer")
	}
	if r := staff.post(mgBase+"/trainers", url.Values{"remove": {itoa(tr.ID)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.Status)
	}
	if ids, _ := st.Trainers(ctx, mgCourse); len(ids) != 0 {
		t.Errorf("after removing: %v", ids)
	}
}

// translateRest gives every segment of an XLIFF document that has no target one: its source
// behind a prefix, as a translator's tool would fill it.
func translateRest(doc, prefix string) string {
	segs := strings.Split(doc, "</segment>")
	for i := range segs[:len(segs)-1] {
		seg := segs[i][strings.LastIndex(segs[i], "<segment"):]
		if strings.Contains(seg, "<target") {
			continue
		}
		const open = `<source xml:space="preserve">`
		src := seg[strings.Index(seg, open)+len(open) : strings.Index(seg, "</source>")]
		segs[i] += " <target xml:space=\"preserve\">" + prefix + src + "</target>\n   "
	}
	return strings.Join(segs, "</segment>")
}

// TestTranslationDashboard: once the Arabic source of a lesson is changed and published, its
// English and French translations show outdated with the change; the XLSX lists the states;
// the English lesson exported as XLIFF, translated and imported shows current.
func TestTranslationDashboard(t *testing.T) {
	p := newPlatform(t)
	staff, so := account(t, p, "staff@example.org", officials.RoleStaff, "")
	ctx := context.Background()
	st := p.Library.Store()
	who := audit.Actor{ID: so.ID, Email: so.Email}
	lesson := "01-why-open-government"

	r := staff.get(mgBase + "/translations")
	if r.Status != http.StatusOK || strings.Contains(r.Body, "trans-row-outdated") || !strings.Contains(r.Body, "trans-row-current") {
		t.Fatalf("before the change: %d", r.Status)
	}

	// The Arabic source changes and is published.
	src := authoring.LessonPath(mgCourse, lesson, "ar")
	h := mgHead(t, p, src)
	body := append(bytes.Clone(h.Body), []byte("\nفقرة جديدة عن الانفتاح والمساءلة.\n")...)
	rev, err := st.Save(ctx, who, authoring.Edit{Path: src, Body: body, BaseID: h.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, src, rev.ID); err != nil {
		t.Fatal(err)
	}
	if _, problems, err := st.Publish(ctx, who, mgCourse); err != nil || len(problems) > 0 {
		t.Fatalf("publish: %v %v", problems, err)
	}
	p.Library.Reload()

	r = staff.get(mgBase + "/translations")
	if !strings.Contains(r.Body, "trans-row-outdated") || !strings.Contains(r.Body, "<ins>فقرة جديدة عن الانفتاح والمساءلة.</ins>") ||
		!strings.Contains(r.Body, msgs.T("ar", "authoring_manage.status.outdated")) || !strings.Contains(r.Body, `class="diff" dir="rtl" lang="ar"`) {
		t.Fatalf("the dashboard does not show the English lesson outdated with the change:\n%s", excerpt(r.Body))
	}
	if r := staff.get(mgBase + "/translations?lang=fr"); strings.Contains(r.Body, "/"+lesson+".en.md") || !strings.Contains(r.Body, lesson+".fr.md") {
		t.Error("the language filter")
	}

	// The XLSX: one row a lesson and language, with the states in words; right to left.
	r = staff.get(mgBase + "/translations.xlsx")
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx: %d", r.Status)
	}
	x, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheetName := x.GetSheetName(0)
	rows, err := x.GetRows(sheetName)
	if err != nil {
		t.Fatal(err)
	}
	var outdated, current int
	for _, row := range rows[1:] {
		if len(row) > 4 && row[0] == lesson && strings.HasSuffix(row[4], ".en.md") && row[3] == msgs.T("ar", "authoring_manage.status.outdated") {
			outdated++
		}
		if len(row) > 3 && row[3] == msgs.T("ar", "authoring_manage.status.current") {
			current++
		}
	}
	if outdated != 1 || current == 0 || len(rows) != 1+5*3 {
		t.Errorf("xlsx: %d rows, English outdated %d, current %d", len(rows), outdated, current)
	}
	if view, err := x.GetSheetView(sheetName, 0); err != nil || view.RightToLeft == nil || !*view.RightToLeft {
		t.Error("the Arabic sheet is not right to left")
	}

	// XLIFF: export the English lesson, translate what is new, import it.
	r = staff.get(mgBase + "/translations/" + lesson + "/en.xlf")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/xliff+xml") {
		t.Fatalf("xliff export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	doc := r.Body
	if !strings.Contains(doc, `original="`+mgCourse+"/"+lesson+`.ar.md"`) {
		t.Fatalf("xliff: %s", excerpt(doc))
	}
	// An untouched export is refused: the new paragraph has no translation, and the message
	// names its unit.
	r = staff.postFile(mgBase+"/translations/import", nil, "xliff", "lesson.xlf", []byte(doc))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "الوحدة") {
		t.Errorf("an untranslated import: %d %s", r.Status, excerpt(r.Body))
	}
	translated := translateRest(doc, "EN: ")
	r = staff.postFile(mgBase+"/translations/import", nil, "xliff", "lesson.xlf", []byte(translated))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("import: %d %s", r.Status, excerptOf(r.Body, `role="alert"`))
	}
	en := mgHead(t, p, authoring.LessonPath(mgCourse, lesson, "en"))
	if en.SourceID != rev.ID || !strings.Contains(string(en.Body), "EN: فقرة جديدة عن الانفتاح والمساءلة.") {
		t.Errorf("the imported translation: source %d (want %d)\n%s", en.SourceID, rev.ID, en.Body)
	}
	ts, err := st.Translations(ctx, mgCourse, []string{"ar", "en", "fr"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range ts {
		if tr.Lesson == lesson && tr.Lang == "en" && tr.Status != authoring.TransCurrent {
			t.Errorf("after the import the English lesson is %s", tr.Status)
		}
	}
	r = staff.get(mgBase + "/translations?lang=en")
	if strings.Contains(r.Body, "trans-row-outdated") {
		t.Error("the dashboard still shows the English lesson outdated")
	}
	// The document carries the translation's revision it was exported from: imported again,
	// now that the translation has moved on, it is refused (409) and nothing is saved.
	if !strings.Contains(doc, `masar:base="`) {
		t.Errorf("the export does not name its base revision: %s", excerpt(doc))
	}
	r = staff.postFile(mgBase+"/translations/import", nil, "xliff", "lesson.xlf", []byte(translated))
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "لم يُستورد الملف: صُدِّر من المراجعة") {
		t.Errorf("a stale XLIFF import: %d %s", r.Status, excerptOf(r.Body, `role="alert"`))
	}
	if again := mgHead(t, p, authoring.LessonPath(mgCourse, lesson, "en")); again.ID != en.ID {
		t.Errorf("the stale import saved revision %d", again.ID)
	}
	// A document of another course is refused by name.
	other := strings.Replace(doc, `original="`+mgCourse+"/", `original="02-open-government-data/`, 1)
	if r := staff.postFile(mgBase+"/translations/import", nil, "xliff", "other.xlf", []byte(other)); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("another course's document: %d", r.Status)
	}
}

// The authorization table's rows for the course management pages (authz_test.go): staff and
// admins only, the fixture's trainer being assigned to no course; forms sent empty are
// refused by their rules (422), which shows that the role got through; no question q999.
func init() {
	c := "/ar/admin/content/" + mgCourse
	page := by(303, 403, 403, 403, 403, 200, 200)
	form := by(401, 403, 403, 403, 403, 422, 422)
	azRoutes = append(azRoutes,
		authzRow{"GET " + c + "/settings", "", page},
		authzRow{"POST " + c + "/settings", "", form},
		authzRow{"POST " + c + "/lessons/move", "", form},
		authzRow{"POST " + c + "/lessons/order", "", form},
		authzRow{"POST " + c + "/lessons/add", "", form},
		authzRow{"POST " + c + "/lessons/remove", "", form},
		authzRow{"GET " + c + "/quiz", "", page},
		authzRow{"GET " + c + "/quiz/q11", "", page},
		authzRow{"POST " + c + "/quiz/q11", "", form},
		authzRow{"POST " + c + "/quiz/q999/delete", "", by(401, 403, 403, 403, 403, 404, 404)},
		authzRow{"GET " + c + "/images", "", page},
		authzRow{"POST " + c + "/images", "", form},
		authzRow{"GET " + c + "/trainers", "", page},
		authzRow{"POST " + c + "/trainers", "", form},
		authzRow{"GET " + c + "/translations", "", page},
		authzRow{"GET " + c + "/translations.xlsx", "", page},
		authzRow{"GET " + c + "/translations/01-why-open-government/en.xlf", "", page},
		authzRow{"POST " + c + "/translations/import", "", form},
	)
}

// TestManageAddLesson: a new lesson is listed at the end of course.yaml (a draft), the course
// page offers its files to write, and a bad or taken name is refused naming the field, with
// nothing saved.
func TestManageAddLesson(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "adder@example.org", officials.RoleStaff, "")
	const folder = "02-open-government-data"
	ctx := context.Background()
	st := p.Library.Store()
	before, _ := st.Head(ctx, folder+"/course.yaml")
	page := staff.get("/ar/admin/content/" + folder + "/settings")
	if page.Status != http.StatusOK {
		t.Fatalf("settings: %d", page.Status)
	}
	for _, bad := range []string{"open-contracting", "01-Open"} {
		r := staff.post("/ar/admin/content/"+folder+"/lessons/add", url.Values{"lesson": {bad}, "base_id": {itoa(before.ID)}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="e-new-lesson"`) {
			t.Errorf("%q: %d", bad, r.Status)
		}
	}
	if h, _ := st.Head(ctx, folder+"/course.yaml"); h.ID != before.ID {
		t.Fatal("a refused lesson name saved a revision")
	}
	r := staff.post("/ar/admin/content/"+folder+"/lessons/add", url.Values{"lesson": {"09-open-contracting"}, "base_id": {itoa(before.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.Status, r.Body)
	}
	after, _ := st.Head(ctx, folder+"/course.yaml")
	if after.State != "draft" || !strings.HasSuffix(string(after.Body), "  - 09-open-contracting\n") {
		t.Errorf("course.yaml after the addition:\n%s", after.Body)
	}
	if r := staff.get("/ar/admin/content/" + folder); !strings.Contains(r.Body, "/edit/09-open-contracting.ar.md") {
		t.Error("the course page does not offer the new lesson's files")
	}
}

// TestManageRemoveLesson: removing a lesson takes its line out of course.yaml and its file in
// every language, in one save of drafts; the notice counts the quiz's questions on it; an
// unlisted lesson is refused naming it, with nothing saved.
func TestManageRemoveLesson(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "remover@example.org", officials.RoleStaff, "")
	const folder = "02-open-government-data"
	ctx := context.Background()
	st := p.Library.Store()
	before, _ := st.Head(ctx, folder+"/course.yaml")
	if r := staff.get("/ar/admin/content/" + folder + "/settings"); r.Status != http.StatusOK || !strings.Contains(r.Body, "/lessons/remove") {
		t.Fatalf("settings: %d, no remove button", r.Status)
	}
	r := staff.post("/ar/admin/content/"+folder+"/lessons/remove", url.Values{"lesson": {"99-not-there"}, "base_id": {itoa(before.ID)}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "99-not-there") {
		t.Errorf("an unlisted lesson: %d", r.Status)
	}
	if h, _ := st.Head(ctx, folder+"/course.yaml"); h.ID != before.ID {
		t.Fatal("a refused removal saved a revision")
	}
	lesson := ""
	for _, co := range p.Library.Catalogue().Courses() {
		if co.Dir == folder {
			lesson = co.Lessons[1].Slug
		}
	}
	r = staff.post("/ar/admin/content/"+folder+"/lessons/remove", url.Values{"lesson": {lesson}, "base_id": {itoa(before.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", r.Status, excerpt(r.Body))
	}
	after, _ := st.Head(ctx, folder+"/course.yaml")
	if after.State != "draft" || strings.Contains(string(after.Body), "- "+lesson+"\n") {
		t.Errorf("course.yaml after the removal:\n%s", after.Body)
	}
	for _, l := range []string{"ar", "en", "fr"} {
		if h, err := st.Head(ctx, authoring.LessonPath(folder, lesson, l)); err == nil && !h.Deleted {
			t.Errorf("the %s file of the removed lesson is still there", l)
		}
	}
	page := staff.get(r.Location)
	if !strings.Contains(page.Body, "أُزيل الدرس") || !strings.Contains(page.Body, "في بنك الأسئلة") {
		t.Errorf("no notice after the removal: %s", excerpt(page.Body))
	}
}

package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/officials"
)

func TestCatalogueAndFilters(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	r := c.get("/ar/courses")
	if r.Status != 200 || strings.Count(r.Body, `class="card course-card"`) != 5 {
		t.Fatalf("catalogue: %d, %d cards", r.Status, strings.Count(r.Body, `class="card course-card"`))
	}
	if !strings.Contains(r.Body, "إطار تطبيق الحكومة المفتوحة") {
		t.Error("Arabic catalogue lacks the first course's Arabic title")
	}
	r = c.get("/en/courses?phase=1&level=intermediate")
	if n := strings.Count(r.Body, `class="card course-card"`); n != 1 || !strings.Contains(r.Body, "open-government-data") {
		t.Errorf("phase 1 intermediate filter: %d cards", n)
	}
}

func TestLessonFallbackNotice(t *testing.T) {
	// The shipped courses with course 2's French taken out: its lessons then show in Arabic
	// (first fallback) with a notice, not a 404.
	dir := courseFolder(t, content.FS)
	course := filepath.Join(dir, "02-open-government-data")
	french, err := filepath.Glob(filepath.Join(course, "*.fr.md"))
	if err != nil || len(french) == 0 {
		t.Fatalf("course 2's French lessons: %v %v", french, err)
	}
	for _, f := range french {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	manifest := filepath.Join(course, "course.yaml")
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`(?m)^languages: .*$`).ReplaceAll(b, []byte("languages: [ar, en]"))
	if err := os.WriteFile(manifest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	p := platformWith(t, func(c *config.Config) { c.ContentDir = dir })
	c := newClient(t, p)
	r := c.get("/fr/courses/open-government-data/01-what-is-open-data")
	if r.Status != 200 || !strings.Contains(r.Body, "existe pas encore dans la langue de la page") || !strings.Contains(r.Body, `<article class="lesson" lang="ar" dir="rtl">`) {
		t.Errorf("fallback: %d", r.Status)
	}
	// French exists for course 1.
	r = c.get("/fr/courses/open-government-framework/01-why-open-government")
	if strings.Contains(r.Body, "n'existe pas encore") || !strings.Contains(r.Body, `lang="fr"`) {
		t.Error("French lesson shows a fallback notice")
	}
	if r := c.get("/ar/courses/open-government-data/99-nothing"); r.Status != 404 {
		t.Errorf("unknown lesson: %d", r.Status)
	}
}

// TestLearnerCompletesCourse walks a learner through a whole course: enrol, mark every
// lesson done, pass the quiz, and see the course complete — recorded once.
func TestLearnerCompletesCourse(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "learner@example.org", officials.RoleOfficial, "JO")
	slug := "citizen-participation"
	if r := c.post("/ar/courses/"+slug+"/enrol", nil); r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/01-why-participation") {
		t.Fatalf("enrol: %d %q", r.Status, r.Location)
	}
	co, _ := p.Library.Catalogue().Course(slug)
	openedLongAgo(t, p, o.ID, slug)
	// Visit the third lesson: the course page's main button still leads to the first lesson
	// not read yet.
	c.get("/ar/courses/" + slug + "/" + co.Lessons[2].Slug)
	if r := c.get("/ar/courses/" + slug); !strings.Contains(r.Body, `class="button main-step" href="/ar/courses/`+slug+"/"+co.Lessons[0].Slug+`"`) {
		t.Error("course page's main button does not lead to the first lesson not read")
	}
	for _, l := range co.Lessons {
		if r := c.post("/ar/courses/"+slug+"/"+l.Slug+"/done", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("done %s: %d", l.Slug, r.Status)
		}
	}
	quiz := c.get("/ar/courses/" + slug + "/quiz")
	if strings.Contains(quiz.Body, "correct") && strings.Contains(quiz.Body, `"correct":true`) {
		t.Error("quiz page ships answers")
	}
	// Answer everything right.
	f := url.Values{}
	for id, ids := range drawnRightAnswers(t, p.Courses, o.ID, co) {
		f["q_"+id] = ids
	}
	r := c.post("/ar/courses/"+slug+"/quiz", f)
	if r.Status != 200 || !strings.Contains(r.Body, "أحسنت") || !strings.Contains(r.Body, "تهانينا! أكملت الدورة") {
		t.Fatalf("quiz result: %d", r.Status)
	}
	prog, _ := p.Courses.Progress(context.Background(), o.ID, slug)
	if !prog.Completed() || prog.BestScore == nil || *prog.BestScore != 100 {
		t.Errorf("progress after passing: %+v", prog)
	}
	if r := c.get("/ar/courses/" + slug); !strings.Contains(r.Body, "أكملت الدورة في") {
		t.Error("course page does not show completion")
	}
	if r := c.get("/ar/me"); !strings.Contains(r.Body, "دوراتي") {
		t.Error("profile page lacks 'my courses'")
	}
}

func TestQuizTamperingAndAttemptLimit(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "tamper@example.org", officials.RoleOfficial, "TN")
	slug := "engaged-governance"
	readAll(t, p, o.ID, slug)
	if r := c.post("/en/courses/"+slug+"/quiz", url.Values{"q_nope": {"a"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "do not match the quiz") {
		t.Errorf("unknown question: %d", r.Status)
	}
	co, _ := p.Library.Catalogue().Course(slug)
	q := co.Quiz.Questions[0]
	if r := c.post("/en/courses/"+slug+"/quiz", url.Values{"q_" + q.ID: {"zz"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown option: %d", r.Status)
	}
	// Each failed attempt is followed by the cool-down: the clock moves past it.
	clock := time.Now().UTC()
	p.Courses.SetClock(func() time.Time { return clock })
	for i := 0; i < co.MaxAttempts; i++ {
		if r := c.post("/en/courses/"+slug+"/quiz", url.Values{"confirm": {"1"}}); r.Status != 200 {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
		clock = clock.Add(co.QuizCooldown + time.Minute)
	}
	if r := c.post("/en/courses/"+slug+"/quiz", url.Values{"confirm": {"1"}}); r.Status != http.StatusConflict || !strings.Contains(r.Body, "used every attempt") {
		t.Errorf("attempt past the limit: %d", r.Status)
	}
}

func TestCourseAPIAndConcurrentCompletion(t *testing.T) {
	p := newPlatform(t)
	_, o := account(t, p, "api-learner@example.org", officials.RoleOfficial, "SA")
	tok, _ := p.Officials.CreateAPIToken(context.Background(), o.ID, "t")
	c := newClient(t, p)
	r := c.api("GET", "/api/v1/courses", "", "")
	if r.Status != 200 || strings.Count(r.Body, `"slug"`) != 5 || len(answerKeys(t, r.Body)) > 0 {
		t.Fatalf("courses: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/courses/open-government-data", "", ""); r.Status != 200 || !strings.Contains(r.Body, `"lessons"`) {
		t.Errorf("course: %d", r.Status)
	}
	slug := "collaboration-co-creation"
	co, _ := p.Library.Catalogue().Course(slug)
	var completions int
	var mu sync.Mutex
	p.Courses.OnComplete(func(context.Context, int64, string, time.Time) { mu.Lock(); completions++; mu.Unlock() })
	if r := c.api("POST", "/api/v1/courses/"+slug+"/quiz", tok, `{"answers": {}, "confirm": true}`); r.Status != http.StatusConflict || !strings.Contains(r.Body, `"quiz_not_open"`) {
		t.Fatalf("quiz before the lessons: %d %s", r.Status, r.Body)
	}
	openedLongAgo(t, p, o.ID, slug)
	for _, l := range co.Lessons {
		if r := c.api("POST", "/api/v1/courses/"+slug+"/lessons/"+l.Slug+"/done", tok, ""); r.Status != 200 {
			t.Fatalf("done: %d %s", r.Status, r.Body)
		}
	}
	// The passing quiz, sent by 3 requests at once, completes the course once.
	answers := drawnRightAnswers(t, p.Courses, o.ID, co)
	body, _ := json.Marshal(map[string]any{"answers": answers})
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			newClient(t, p).api("POST", "/api/v1/courses/"+slug+"/quiz", tok, string(body))
		}()
	}
	wg.Wait()
	if completions != 1 {
		t.Errorf("completion hook ran %d times, want 1", completions)
	}
	r = c.api("GET", "/api/v1/me/progress", tok, "")
	if !strings.Contains(r.Body, `"completed_at":"`) {
		t.Errorf("progress: %s", r.Body)
	}
}

func TestStaffCourseReportXLSX(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "report-staff@example.org", officials.RoleStaff, "")
	learner, _ := account(t, p, "report-learner@example.org", officials.RoleOfficial, "EG")
	learner.post("/ar/courses/open-government-data/enrol", nil)
	plain, _ := account(t, p, "report-plain@example.org", officials.RoleOfficial, "EG")
	if r := plain.get("/ar/admin/courses"); r.Status != http.StatusForbidden {
		t.Errorf("official on course report: %d", r.Status)
	}
	r := staff.get("/ar/admin/courses")
	if r.Status != 200 || !strings.Contains(r.Body, "سارة خالد") {
		t.Fatalf("report page: %d", r.Status)
	}
	r = staff.get("/ar/admin/courses/export.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	sheet := f.GetSheetName(0)
	opts, err := f.GetSheetView(sheet, 0)
	if err != nil || opts.RightToLeft == nil || !*opts.RightToLeft {
		t.Errorf("Arabic sheet is not right-to-left: %+v %v", opts, err)
	}
	rows, _ := f.GetRows(sheet)
	if len(rows) != 2 {
		t.Errorf("rows: %v", rows)
	}
}

// TestAnonymousPageCacheNeverServesUsers: anonymous catalogue pages come from the cache, but a
// logged-in reader always gets their own page, and a content reload is seen at once.
func TestAnonymousPageCacheNeverServesUsers(t *testing.T) {
	p := newPlatform(t)
	anon := newClient(t, p)
	first := anon.get("/ar/courses/open-government-data")
	second := anon.get("/ar/courses/open-government-data")
	if first.Body != second.Body || strings.Contains(first.Body, `name="_csrf"`) {
		t.Fatal("anonymous course page differs between visits or carries a form token")
	}
	if _, ok := anon.cookies["masar_csrf"]; ok {
		t.Error("a page without forms set the CSRF cookie")
	}
	user, _ := account(t, p, "cache@example.org", officials.RoleOfficial, "JO")
	r := user.get("/ar/courses/open-government-data")
	if !strings.Contains(r.Body, "/ar/courses/open-government-data/enrol") || !strings.Contains(r.Body, "/ar/logout") {
		t.Error("a logged-in reader was served the anonymous page")
	}
	gen := p.Library.Generation()
	p.Library.Reload()
	if p.Library.Generation() == gen {
		t.Error("reload did not change the generation")
	}
}

// TestContentFolderOverridesAndReloads: --content DIR replaces the built-in courses, and a
// staff reload picks up an edited lesson without a restart.
func TestContentFolderOverridesAndReloads(t *testing.T) {
	dir := courseFolder(t, fixtureCourses)
	p := platformWith(t, func(c *config.Config) { c.ContentDir = dir })
	c := newClient(t, p)
	r := c.get("/en/courses")
	if n := strings.Count(r.Body, `class="card course-card"`); n != 1 || strings.Contains(r.Body, "open-government-data") {
		t.Fatalf("content folder not used: %d cards", n)
	}
	lesson := filepath.Join(dir, "01-fixture-course", "01-intro.en.md")
	b, err := os.ReadFile(lesson)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lesson, append(b, []byte("\n\nA sentence added by the author.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	staff, _ := account(t, p, "author@example.org", officials.RoleStaff, "")
	if r := staff.post("/en/admin/content/reload", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("reload: %d", r.Status)
	}
	if r := c.get("/en/courses/fixture-course/01-intro"); !strings.Contains(r.Body, "A sentence added by the author.") {
		t.Error("reloaded lesson does not show the edit")
	}
	plain, _ := account(t, p, "reader@example.org", officials.RoleOfficial, "JO")
	if r := plain.post("/en/admin/content/reload", nil); r.Status != http.StatusForbidden {
		t.Errorf("an official reloaded the content: %d", r.Status)
	}
}

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/courses"
)

// movableClock is the courses' clock, moved forward by the test between lessons (the
// platform's own time, not the browser's).
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movableClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestBrowserLearnerJourney: an official enrols and reads the lessons in Arabic; the quiz
// stays closed (listing the lessons left) until every lesson counts as read — opened for its
// reading time, with the clock moved forward between lessons, and marked done at its end; a
// lesson marked done too early is refused with the time left. The course's main button then
// leads to the quiz; the learner answers the questions as the page shows them, passes, sees
// the pass, and reaches the certificate.
func TestBrowserLearnerJourney(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	clk := &movableClock{t: time.Now().UTC()}
	s.p.Courses.SetClock(clk.now)
	in := s.account(t, "learner@mop.gov.jo")
	s.login(t, ctx, "ar", in.Email)

	const slug = "citizen-participation"
	co, err := s.p.Library.Catalogue().Course(slug)
	if err != nil {
		t.Fatal(err)
	}
	s.open(t, ctx, "/ar/courses/"+slug)
	clickAndLoad(t, ctx, "form[action$='/enrol'] button")
	if got := location(t, ctx); got != "/ar/courses/"+slug+"/01-why-participation" {
		t.Fatalf("after enrolling the browser is on %s", got)
	}
	// The lesson reads right to left, in Arabic, with rendered Markdown and its reading time.
	if dir := eval[string](t, ctx, `document.querySelector('article.lesson').getAttribute('dir')`); dir != "rtl" {
		t.Errorf("lesson dir = %q", dir)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('article.lesson .prose h2').length`); n < 2 {
		t.Errorf("lesson has %d section headings", n)
	}
	if id := eval[string](t, ctx, `decodeURIComponent(document.querySelector('.toc a').getAttribute('href').slice(1))`); id == "" ||
		!eval[bool](t, ctx, `!!document.getElementById(`+js(id)+`)`) {
		t.Errorf("table of contents link %q has no target", id)
	}
	if got := text(t, ctx, ".reading-time"); !strings.HasPrefix(got, "نحو ") || !strings.Contains(got, "من القراءة") {
		t.Errorf("reading time shown as %q", got)
	}

	// Straight to the quiz: closed, with the five lessons to read, linked.
	s.open(t, ctx, "/ar/courses/"+slug+"/quiz")
	if got := text(t, ctx, ".quiz-closed"); !strings.Contains(got, "الاختبار لم يُفتح بعد") || !strings.Contains(got, "بقيت 5 دروس") {
		t.Errorf("quiz page before reading says %q", got)
	}
	if eval[bool](t, ctx, `!!document.querySelector('form.quiz')`) {
		t.Fatal("the quiz form is shown before any lesson is read")
	}
	screenshot(t, ctx, "quiz-closed-ar")
	if n := eval[int](t, ctx, `document.querySelectorAll('.remaining-lessons a').length`); n != len(co.Lessons) {
		t.Errorf("%d lessons listed as remaining, want %d", n, len(co.Lessons))
	}
	clickAndLoad(t, ctx, ".remaining-lessons a")
	if got := location(t, ctx); got != "/ar/courses/"+slug+"/"+co.Lessons[0].Slug {
		t.Fatalf("the first remaining lesson's link leads to %s", got)
	}

	// Marking the lesson done at once is refused, with the time left.
	clickAndLoad(t, ctx, "form[action$='/done'] button")
	if got := location(t, ctx); got != "/ar/courses/"+slug+"/"+co.Lessons[0].Slug {
		t.Fatalf("an early mark done led to %s", got)
	}
	if got := text(t, ctx, "main .flash"); !strings.Contains(got, "لم يُحتسب الدرس مقروءًا بعد") {
		t.Errorf("early mark done says %q", got)
	}
	if got := text(t, ctx, "#read-wait"); !strings.Contains(got, "بقيت") || !strings.Contains(got, "ويمكنك تأكيد إنهائه حين ينقضي") {
		t.Errorf("the time left reads %q", got)
	}
	screenshot(t, ctx, "lesson-wait-ar")

	for i, l := range co.Lessons {
		if i > 0 {
			s.open(t, ctx, "/ar/courses/"+slug+"/"+l.Slug)
		}
		clk.add(time.Duration(l.MinReadingMinutes()) * time.Minute)
		if i == len(co.Lessons)-1 {
			// Every lesson but this one is read: the quiz is still closed, and the course's
			// main button leads here.
			s.open(t, ctx, "/ar/courses/"+slug)
			if href := eval[string](t, ctx, `document.querySelector('a.main-step').getAttribute('href')`); href != "/ar/courses/"+slug+"/"+l.Slug {
				t.Errorf("with one lesson left the main button leads to %s", href)
			}
			s.open(t, ctx, "/ar/courses/"+slug+"/quiz")
			if got := text(t, ctx, ".quiz-closed"); !strings.Contains(got, "بقي درس واحد") {
				t.Errorf("quiz page with one lesson left says %q", got)
			}
			s.open(t, ctx, "/ar/courses/"+slug+"/"+l.Slug)
		}
		clickAndLoad(t, ctx, "form[action$='/done'] button")
	}
	if got := location(t, ctx); got != "/ar/courses/"+slug+"/quiz" {
		t.Fatalf("after the last lesson the browser is on %s, want the quiz", got)
	}
	s.open(t, ctx, "/ar/courses/"+slug)
	if href := eval[string](t, ctx, `document.querySelector('a.main-step').getAttribute('href')`); href != "/ar/courses/"+slug+"/quiz" {
		t.Errorf("after the last lesson the course's main button leads to %s, want the quiz", href)
	}
	screenshot(t, ctx, "course-to-quiz-ar")
	clickAndLoad(t, ctx, "a.main-step")

	// Answer the questions the page shows, as they are shown: the right options are found
	// from the course's bank by question id and option id (the form's names and values),
	// never by their position.
	if html := eval[string](t, ctx, `document.querySelector('form.quiz').outerHTML`); strings.Contains(html, "correct") {
		t.Error("quiz form mentions 'correct' before submission")
	}
	type input struct{ Name, Value string }
	inputs := eval[[]input](t, ctx, `[...document.querySelectorAll('form.quiz input[type=radio], form.quiz input[type=checkbox]')].map(i => ({Name: i.name, Value: i.value}))`)
	shown := map[string][]string{}
	var order []string
	for _, in := range inputs {
		if _, seen := shown[in.Name]; !seen {
			order = append(order, in.Name)
		}
		shown[in.Name] = append(shown[in.Name], in.Value)
	}
	if len(order) == 0 {
		t.Fatal("the quiz shows no question")
	}
	for _, name := range order {
		q := question(t, co.Quiz, strings.TrimPrefix(name, "q_"))
		for _, v := range shown[name] {
			if rightOption(q, v) {
				do(t, ctx, "choose "+name+"="+v, clickInput(name, v))
			}
		}
	}
	clickAndLoad(t, ctx, "form.quiz button[type=submit]")
	assertPassShown(t, ctx)
	assertCertificateReachable(t, ctx, s, co)
}

// question finds a question of the bank by id.
func question(t *testing.T, q *courses.Quiz, id string) *courses.Question {
	t.Helper()
	for i := range q.Questions {
		if q.Questions[i].ID == id {
			return q.Questions[i]
		}
	}
	t.Fatalf("the page shows question %q, which the bank does not hold", id)
	return nil
}

// rightOption reports whether the option (its form value) is a right answer of q.
func rightOption(q *courses.Question, value string) bool {
	if q.Type == courses.TrueFalse {
		return value == fmt.Sprint(q.Answer)
	}
	for _, o := range q.Options {
		if o.ID == value {
			return o.Correct
		}
	}
	return false
}

// assertPassShown checks that the result page says the quiz is passed and the course complete.
func assertPassShown(t *testing.T, ctx context.Context) {
	t.Helper()
	if got := text(t, ctx, "main [role=status]"); !strings.Contains(got, "أحسنت") || !strings.Contains(got, "تهانينا") {
		t.Errorf("quiz result says %q, want the pass and the completion", got)
	}
	screenshot(t, ctx, "quiz-passed-ar")
}

// assertCertificateReachable: after the pass the learner follows the result page's link to
// their certificate, which verifies as valid.
func assertCertificateReachable(t *testing.T, ctx context.Context, s *site, co *courses.Course) {
	t.Helper()
	s.p.Certificates.Wait()
	clickAndLoad(t, ctx, `main a[href$="/me/certificates"]`)
	if got := location(t, ctx); got != "/ar/me/certificates" {
		t.Fatalf("the result page's certificate link leads to %s", got)
	}
	if got := text(t, ctx, ".cert-card .cert-title"); got != co.TitleIn("ar") {
		t.Fatalf("my certificates show %q, want the course %q", got, co.TitleIn("ar"))
	}
	clickAndLoad(t, ctx, `.cert-card a[href*="/verify/"]`)
	if got := location(t, ctx); !strings.HasPrefix(got, "/ar/verify/") {
		t.Fatalf("the certificate's verification link leads to %s", got)
	}
	if got := text(t, ctx, "main"); !strings.Contains(got, co.TitleIn("ar")) {
		t.Errorf("the verification page does not name the course: %q", got)
	}
}

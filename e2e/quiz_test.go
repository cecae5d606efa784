package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// readAll has the holder of email read every lesson of the course (opened a day ago, then
// marked done), so that its quiz is open; the courses' clock is put back as it was.
func (s *site) readAll(t *testing.T, email, slug string) {
	t.Helper()
	ctx := context.Background()
	o, err := s.p.Officials.GetByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	co, err := s.p.Library.Catalogue().Course(slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.p.Courses.Enrol(ctx, o.ID, slug); err != nil {
		t.Fatal(err)
	}
	prev := s.p.Courses.Clock()
	dayBefore := time.Now().Add(-24 * time.Hour)
	if prev != nil {
		dayBefore = prev().Add(-24 * time.Hour)
	}
	s.p.Courses.SetClock(func() time.Time { return dayBefore })
	for _, l := range co.Lessons {
		if err := s.p.Courses.RecordOpen(ctx, o.ID, slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
	s.p.Courses.SetClock(prev)
	for _, l := range co.Lessons {
		if _, err := s.p.Courses.MarkDone(ctx, o.ID, slug, l.Slug); err != nil {
			t.Fatal(err)
		}
	}
}

// A learner in Arabic leaves questions unanswered and is asked to confirm, fails, sees which
// questions were wrong with their explanations but not the right options, and is told when
// the next attempt opens. MASAR_SCREENSHOTS keeps the pages for people to look at.
func TestBrowserQuizConfirmReviewCooldown(t *testing.T) {
	s := startSite(t)
	clock := time.Now().UTC()
	s.p.Courses.SetClock(func() time.Time { return clock })
	ctx := newBrowser(t)
	in := s.account(t, "quiz@mop.gov.jo")
	s.login(t, ctx, "ar", in.Email)

	const slug = "engaged-governance"
	s.readAll(t, in.Email, slug)
	s.open(t, ctx, "/ar/courses/"+slug+"/quiz")
	screenshot(t, ctx, "quiz-ar-open")
	// Answer only the first question, with its first option as shown.
	do(t, ctx, "answer one", chromedp.Click(chromedp.CSS(`form.quiz fieldset.question input`)))
	clickAndLoad(t, ctx, "form.quiz button[type=submit]")
	if got := text(t, ctx, "#unanswered"); !strings.Contains(got, "بلا إجابة") || !strings.Contains(got, "رغم ذلك") {
		t.Fatalf("confirmation says %q", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('fieldset.question.unanswered').length`); n < 1 {
		t.Error("no unanswered question marked")
	}
	screenshot(t, ctx, "quiz-ar-confirm")
	clickAndLoad(t, ctx, "form.quiz button[type=submit]")
	if got := text(t, ctx, "main [role=status]"); !strings.Contains(got, "لا تظهر الإجابات الصحيحة") {
		t.Errorf("failed attempt says %q", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.quiz-feedback .explanation').length`); n == 0 {
		t.Error("no explanations after the attempt")
	}
	screenshot(t, ctx, "quiz-ar-review")
	s.open(t, ctx, "/ar/courses/"+slug+"/quiz")
	if got := text(t, ctx, "main [role=status]"); !strings.Contains(got, "تُفتح المحاولة التالية") {
		t.Errorf("quiz page in the cool-down says %q", got)
	}
	screenshot(t, ctx, "quiz-ar-cooldown")
}

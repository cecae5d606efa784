package e2e

import (
	"strings"
	"testing"
)

// TestBrowserCourseToCompletion: an official enrols, reads a lesson in Arabic, marks every
// lesson done, passes the quiz by clicking the right answers and sees the course complete.
func TestBrowserCourseToCompletion(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	in := s.account(t, "learner@mop.gov.jo")
	s.login(t, ctx, "ar", in.Email)

	const slug = "citizen-participation"
	s.open(t, ctx, "/ar/courses/"+slug)
	clickAndLoad(t, ctx, "form[action$='/enrol'] button")
	if got := location(t, ctx); got != "/ar/courses/"+slug+"/01-why-participation" {
		t.Fatalf("after enrolling the browser is on %s", got)
	}
	// The lesson reads right to left, in Arabic, with rendered Markdown.
	if dir := eval[string](t, ctx, `document.querySelector('article.lesson').getAttribute('dir')`); dir != "rtl" {
		t.Errorf("lesson dir = %q", dir)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('article.lesson .prose h2').length`); n < 2 {
		t.Errorf("lesson has %d section headings", n)
	}
	// Heading anchors work for Arabic headings: following a table-of-contents link scrolls to it.
	if id := eval[string](t, ctx, `decodeURIComponent(document.querySelector('.toc a').getAttribute('href').slice(1))`); id == "" ||
		!eval[bool](t, ctx, `!!document.getElementById(`+js(id)+`)`) {
		t.Errorf("table of contents link %q has no target", id)
	}

	co, err := s.p.Library.Catalogue().Course(slug)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range co.Lessons {
		if i > 0 {
			s.open(t, ctx, "/ar/courses/"+slug+"/"+l.Slug)
		}
		clickAndLoad(t, ctx, "form[action$='/done'] button")
	}
	if got := location(t, ctx); got != "/ar/courses/"+slug+"/quiz" {
		t.Fatalf("after the last lesson the browser is on %s, want the quiz", got)
	}
	// The quiz page carries no answers: click the right ones as a learner who studied.
	if html := eval[string](t, ctx, `document.documentElement.outerHTML`); strings.Contains(html, "correct") {
		t.Error("quiz page mentions 'correct' before submission")
	}
	for _, q := range co.Quiz.Questions {
		// The attempt asks its own draw of the bank: answer the questions on the page.
		if !eval[bool](t, ctx, `document.querySelector('input[name="q_`+q.ID+`"]') !== null`) {
			continue
		}
		var ids []string
		switch q.Type {
		case "truefalse":
			ids = []string{map[bool]string{true: "true", false: "false"}[q.Answer]}
		default:
			for _, o := range q.Options {
				if o.Correct {
					ids = append(ids, o.ID)
				}
			}
		}
		for _, id := range ids {
			do(t, ctx, "choose "+q.ID+"="+id, clickInput("q_"+q.ID, id))
		}
	}
	clickAndLoad(t, ctx, "form.quiz button[type=submit]")
	if got := text(t, ctx, "main [role=status]"); !strings.Contains(got, "أحسنت") || !strings.Contains(got, "تهانينا") {
		t.Errorf("quiz result says %q", got)
	}
	s.open(t, ctx, "/ar/courses/"+slug)
	if got := text(t, ctx, "main .flash"); !strings.Contains(got, "أكملت الدورة") {
		t.Errorf("course page says %q, want the completion date", got)
	}
	// A lesson read again (its page now kept for readers at this point of the course) shows
	// the lesson done, the course at 100 %, and a log-out form that works.
	for range 2 {
		s.open(t, ctx, "/ar/courses/"+slug+"/"+co.Lessons[1].Slug)
	}
	if got := text(t, ctx, ".lesson-actions"); !strings.Contains(got, "✓") {
		t.Errorf("lesson actions say %q, want the lesson done", got)
	}
	if v := eval[string](t, ctx, `document.querySelector('progress.progress').getAttribute('value')`); v != "100" {
		t.Errorf("progress %s%%, want 100", v)
	}
	screenshot(t, ctx, "lesson-done-ar")
	logout(t, ctx, "ar")
	if got := location(t, ctx); strings.Contains(got, "/login") || eval[bool](t, ctx, `!!document.querySelector('header form[action$="/logout"]')`) {
		t.Errorf("log-out from a kept lesson page failed: at %s", got)
	}
}

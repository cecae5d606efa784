package courses_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/problem"
)

// An attempt asks questions_per_lesson questions of every lesson, lesson by lesson, each
// with all its options in some order; attempts differ.
func TestDrawTakesQuestionsPerLesson(t *testing.T) {
	c := goodBank() // lessons 01-a (s1 s2 s3 m1) and 02-b (s4 m2 t1 t2)
	lessonOf := map[string]string{}
	for _, q := range c.Quiz.Questions {
		lessonOf[q.ID] = q.Lesson
	}
	seen := map[string]bool{}
	orders := map[string]bool{}
	for range 200 {
		d := c.Draw(courses.NewRand())
		if len(d) != 4 {
			t.Fatalf("%d questions drawn, want 2 per lesson", len(d))
		}
		for i, q := range d {
			want := "01-a"
			if i >= 2 {
				want = "02-b"
			}
			if lessonOf[q.ID] != want {
				t.Fatalf("draw %v: question %d is of %s, want %s", d, i+1, lessonOf[q.ID], want)
			}
			if q.ID != "t1" && q.ID != "t2" {
				written := []string{}
				for _, o := range find(c, q.ID).Options {
					written = append(written, o.ID)
				}
				got := slices.Clone(q.Options)
				slices.Sort(got)
				if !slices.Equal(got, written) {
					t.Fatalf("question %s shows options %v, written %v", q.ID, q.Options, written)
				}
				orders[q.ID+":"+q.Options[0]] = true
			} else if len(q.Options) != 0 {
				t.Fatalf("true/false question %s with options %v", q.ID, q.Options)
			}
			seen[q.ID] = true
		}
	}
	if len(seen) != len(c.Quiz.Questions) {
		t.Errorf("200 draws asked %d of the %d questions", len(seen), len(c.Quiz.Questions))
	}
	if !orders["s1:a"] || !orders["s1:d"] {
		t.Error("options not shuffled: s1 always shows the same first option")
	}
}

// A bank whose questions do not name their lesson (older content) draws questions_per_lesson
// × lessons questions from the whole bank, all of them when it is not larger.
func TestDrawFromAWholeBank(t *testing.T) {
	c := goodBank()
	for _, q := range c.Quiz.Questions {
		q.Lesson = ""
	}
	if d := c.Draw(courses.NewRand()); len(d) != 4 {
		t.Errorf("%d questions drawn from a bank of 8, want 4", len(d))
	}
	c.QuestionsPerLesson = 5
	if d := c.Draw(courses.NewRand()); len(d) != 8 {
		t.Errorf("%d questions drawn from a bank of 8 for 10, want all 8", len(d))
	}
}

// The attempt rules at the service: answers only to the questions drawn (a question not
// asked is refused, named), unanswered ones only when confirmed, a cool-down after a failed
// attempt, none after a pass; the key only once passed or exhausted.
func TestAttemptRules(t *testing.T) {
	e := newEnv(t)
	// 09-dup-slug-a: one lesson, seven questions, two drawn per attempt, cool-down 30m.
	cat, _ := courses.Load(os.DirFS("testdata/broken"))
	svc := courses.NewService(e.db, func() *courses.Catalogue { return cat }, nil)
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return clock })
	ctx := context.Background()
	id := e.learner(t, 1, "JO")
	co, err := cat.Course("dup-slug")
	if err != nil {
		t.Fatal(err)
	}
	open, err := svc.OpenQuiz(ctx, id, co.Slug)
	if err != nil || len(open.Questions) != 2 || open.Attempt != 1 {
		t.Fatalf("open: %+v %v", open, err)
	}
	if again, _ := svc.OpenQuiz(ctx, id, co.Slug); !slices.EqualFunc(again.Questions, open.Questions, func(a, b courses.DrawnQuestion) bool {
		return a.ID == b.ID && slices.Equal(a.Options, b.Options)
	}) {
		t.Error("reopening changed the draw")
	}
	drawn := func(q string) bool {
		return slices.ContainsFunc(open.Questions, func(d courses.DrawnQuestion) bool { return d.ID == q })
	}
	var notAsked string
	for _, q := range co.Quiz.Questions {
		if !drawn(q.ID) {
			notAsked = q.ID
		}
	}
	_, err = svc.SubmitQuiz(ctx, id, co.Slug, map[string][]string{notAsked: {"true"}}, true)
	if p, ok := problem.As(err); !ok || p.Code != "quiz_tampered" || p.Fields["answers."+notAsked] == "" {
		t.Errorf("answer to a question not asked: %v", err)
	}
	_, err = svc.SubmitQuiz(ctx, id, co.Slug, map[string][]string{}, false)
	if got := courses.Unanswered(err); len(got) != 2 || !drawn(got[0]) || !drawn(got[1]) {
		t.Errorf("unconfirmed empty submission: %v (unanswered %v)", err, got)
	}
	sub, err := svc.SubmitQuiz(ctx, id, co.Slug, map[string][]string{}, true)
	if err != nil || sub.Passed || sub.Revealed || sub.NextAttemptAt == nil || !sub.NextAttemptAt.Equal(clock.Add(30*time.Minute)) {
		t.Fatalf("confirmed empty submission: %+v %v", sub, err)
	}
	for _, q := range sub.Questions {
		if len(q.Answer) > 0 {
			t.Errorf("a failed attempt with attempts left gives the key of %s", q.ID)
		}
	}
	hist, _ := svc.AttemptHistory(ctx, id, co.Slug)
	if len(hist) != 1 || len(hist[0].Answers) != 2 || hist[0].Answers[open.Questions[0].ID] == nil {
		t.Errorf("stored answers: %+v", hist)
	}
	var cool *courses.CooldownError
	if _, err := svc.OpenQuiz(ctx, id, co.Slug); !errors.As(err, &cool) || !cool.Until.Equal(clock.Add(30*time.Minute)) {
		t.Errorf("during the cool-down: %v", err)
	}
	clock = clock.Add(31 * time.Minute)
	open, err = svc.OpenQuiz(ctx, id, co.Slug)
	if err != nil || open.Attempt != 2 {
		t.Fatalf("after the cool-down: %+v %v", open, err)
	}
	right := map[string][]string{}
	for _, d := range open.Questions {
		q := find(co, d.ID)
		if q.Type == courses.TrueFalse {
			right[q.ID] = []string{fmt.Sprint(q.Answer)}
		}
		for _, o := range q.Options {
			if o.Correct {
				right[q.ID] = append(right[q.ID], o.ID)
			}
		}
	}
	if sub, err := svc.SubmitQuiz(ctx, id, co.Slug, right, false); err != nil || !sub.Passed || !sub.Revealed || len(sub.Questions[0].Answer) == 0 {
		t.Fatalf("passing attempt: %+v %v", sub, err)
	}
	if _, err := svc.OpenQuiz(ctx, id, co.Slug); !errors.Is(err, courses.ErrQuizPassed) {
		t.Errorf("after the pass: %v", err)
	}
}

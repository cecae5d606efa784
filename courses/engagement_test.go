package courses_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/courses"
)

// clock is a time that a test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestReadingMinutesFromWords(t *testing.T) {
	for _, tc := range []struct {
		lang  string
		words int
		want  int
	}{
		{"ar", 900, 5}, {"ar", 1260, 7}, {"en", 1000, 5}, {"fr", 1400, 7}, {"en", 20, 1}, {"ar", 0, 1},
		{"ar", 1000, 6}, // 5.6 minutes at 180 words a minute, rounded
	} {
		if got := courses.ReadingMinutes(tc.lang, tc.words); got != tc.want {
			t.Errorf("ReadingMinutes(%s, %d) = %d, want %d", tc.lang, tc.words, got, tc.want)
		}
	}
}

// TestLessonCountsAsReadOnlyAfterItsReadingTime: a lesson opened by an enrolled learner
// can be marked done only once its reading time has passed since the first opening; the
// quiz opens when every lesson counts as read, and the next step moves from lesson to quiz.
func TestLessonCountsAsReadOnlyAfterItsReadingTime(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC)}
	e.svc.SetClock(clk.now)
	id := e.learner(t, 1, "JO")
	c, _ := e.cat.Course(fixture)

	// Not enrolled: opening records nothing, so marking done starts the clock and refuses.
	if err := e.svc.RecordOpen(ctx, id, fixture, "01-intro"); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.svc.Progress(ctx, id, fixture); p.Enrolled || len(p.Opened) != 0 {
		t.Fatalf("an official not enrolled was recorded: %+v", p)
	}
	if err := e.svc.Enrol(ctx, id, fixture); err != nil {
		t.Fatal(err)
	}
	if open, left, err := e.svc.QuizOpen(ctx, id, fixture); err != nil || open || len(left) != 3 {
		t.Fatalf("quiz open before reading: %v %d %v", open, len(left), err)
	}

	for _, l := range c.Lessons {
		need := time.Duration(l.MinReadingMinutes()) * time.Minute
		if err := e.svc.RecordOpen(ctx, id, fixture, l.Slug); err != nil {
			t.Fatal(err)
		}
		clk.advance(need / 2)
		// Opening again does not restart nor move the reading time.
		if err := e.svc.RecordOpen(ctx, id, fixture, l.Slug); err != nil {
			t.Fatal(err)
		}
		clk.advance(need/2 - time.Second)
		var nr *courses.NotReadError
		if _, err := e.svc.MarkDone(ctx, id, fixture, l.Slug); !errors.As(err, &nr) || nr.Left != time.Second || nr.MinutesLeft() != 1 {
			t.Fatalf("%s one second early: %v, want not read with 1s left", l.Slug, err)
		}
		if p, _ := e.svc.Progress(ctx, id, fixture); p.IsDone(l.Slug) {
			t.Fatalf("%s done although refused", l.Slug)
		}
		if next := mustProgress(t, e, id).NextStep(c); next != l.Slug {
			t.Errorf("next step %q while %s is not read, want it", next, l.Slug)
		}
		clk.advance(time.Second)
		if _, err := e.svc.MarkDone(ctx, id, fixture, l.Slug); err != nil {
			t.Fatalf("%s after its reading time: %v", l.Slug, err)
		}
	}
	open, left, err := e.svc.QuizOpen(ctx, id, fixture)
	if err != nil || !open || len(left) != 0 {
		t.Fatalf("quiz after reading every lesson: %v %v %v", open, left, err)
	}
	if next := mustProgress(t, e, id).NextStep(c); next != "quiz" {
		t.Errorf("next step after every lesson: %q, want the quiz", next)
	}
	// The openings are the learner's data: their progress (and export) lists them.
	if mine, err := e.svc.MyProgress(ctx, id); err != nil || len(mine) != 1 || len(mine[0].Opened) != len(c.Lessons) {
		t.Errorf("my progress lists the openings: %+v %v", mine, err)
	}
	if _, err := e.svc.SubmitQuiz(ctx, id, fixture, allRight(), true); err != nil {
		t.Fatal(err)
	}
	if next := mustProgress(t, e, id).NextStep(c); next != "" {
		t.Errorf("next step after passing: %q, want none", next)
	}
}

// TestMarkDoneUnopenedStartsTheClock: marking done a lesson never opened (e.g. through the
// API) opens it then and refuses with the whole reading time left.
func TestMarkDoneUnopenedStartsTheClock(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC)}
	e.svc.SetClock(clk.now)
	id := e.learner(t, 1, "JO")
	c, _ := e.cat.Course(fixture)
	l := c.Lessons[1]
	need := time.Duration(l.MinReadingMinutes()) * time.Minute
	var nr *courses.NotReadError
	if _, err := e.svc.MarkDone(ctx, id, fixture, l.Slug); !errors.As(err, &nr) || nr.Left != need {
		t.Fatalf("unopened: %v, want not read with %v left", err, need)
	}
	clk.advance(need)
	if _, err := e.svc.MarkDone(ctx, id, fixture, l.Slug); err != nil {
		t.Fatalf("after the reading time: %v", err)
	}
}

func mustProgress(t *testing.T, e *env, id int64) *courses.Progress {
	t.Helper()
	p, err := e.svc.Progress(context.Background(), id, fixture)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStudyTimeComputedFromContent: the study time is the reading time of the lessons, one
// quiz attempt and the lessons' exercises, whatever hours: the manifest declares.
func TestStudyTimeComputedFromContent(t *testing.T) {
	e := newEnv(t)
	c, _ := e.cat.Course(fixture)
	reading, exercises := 0, 0
	for _, l := range c.Lessons {
		v, _ := l.View(c.Languages[0])
		if v.Minutes != courses.ReadingMinutes(v.Lang, v.Words) {
			t.Errorf("%s: %d minutes shown for %d words", l.Slug, v.Minutes, v.Words)
		}
		reading += v.Minutes
		exercises += l.ExerciseMinutes
	}
	if exercises != 20 {
		t.Errorf("exercise minutes %d, want the 20 of the fixture's front matter", exercises)
	}
	quiz := (c.QuizQuestionsAsked()*courses.QuizSecondsPerQuestion + 59) / 60
	if got := c.StudyMinutes(); got != reading+exercises+quiz || quiz == 0 {
		t.Errorf("study minutes %d, want %d reading + %d exercises + %d quiz", got, reading, exercises, quiz)
	}
	if c.StudyHours() != 1 || c.DeclaredHours != 1.5 {
		t.Errorf("study hours %d (declared %v)", c.StudyHours(), c.DeclaredHours)
	}
}

// TestFirstOpeningsAreWrittenInBatches: the lesson page writes nothing itself. A first
// opening shows at once in the learner's progress and counts for the reading time, is
// written by the next FlushVisits (another service, a restarted server, reads it then),
// and keeps its first time whatever the openings that follow.
func TestFirstOpeningsAreWrittenInBatches(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	t0 := time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC)
	clk := &clock{t: t0}
	e.svc.SetClock(clk.now)
	id := e.learner(t, 1, "JO")
	if err := e.svc.Enrol(ctx, id, fixture); err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.OpenProgress(ctx, id, fixture, "01-intro")
	if err != nil || !p.Opened["01-intro"].Equal(t0) {
		t.Fatalf("first opening: %v %v", p.Opened, err)
	}
	other := courses.NewService(e.db, func() *courses.Catalogue { return e.cat }, nil)
	if p, _ := other.Progress(ctx, id, fixture); len(p.Opened) != 0 {
		t.Fatalf("written before the flush: %v", p.Opened)
	}
	clk.advance(10 * time.Second)
	if err := e.svc.RecordOpen(ctx, id, fixture, "01-intro"); err != nil {
		t.Fatal(err)
	}
	if mine, _ := e.svc.MyProgress(ctx, id); len(mine) != 1 || !mine[0].Opened["01-intro"].Equal(t0) {
		t.Fatalf("my progress before the flush: %+v", mine)
	}
	if err := e.svc.FlushVisits(ctx); err != nil {
		t.Fatal(err)
	}
	for name, svc := range map[string]*courses.Service{"same service": e.svc,
		"restarted": courses.NewService(e.db, func() *courses.Catalogue { return e.cat }, nil)} {
		if p, _ := svc.Progress(ctx, id, fixture); len(p.Opened) != 1 || !p.Opened["01-intro"].Equal(t0) {
			t.Errorf("%s after the flush: %v", name, p.Opened)
		}
	}
	// An opening by an official no longer enrolled when the visits are written is not
	// written, and does not hold up the others.
	id2 := e.learner(t, 2, "JO")
	if err := e.svc.Enrol(ctx, id2, fixture); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RecordOpen(ctx, id2, fixture, "02-middle"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RecordOpen(ctx, id, fixture, "02-middle"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.W.ExecContext(ctx, "DELETE FROM enrolments WHERE official_id = ?", id2); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.FlushVisits(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.db.R.QueryRowContext(ctx, "SELECT count(*) FROM lesson_opens WHERE official_id = ?", id2).Scan(&n); err != nil || n != 0 {
		t.Errorf("openings written for an official not enrolled: %d %v", n, err)
	}
	restarted := courses.NewService(e.db, func() *courses.Catalogue { return e.cat }, nil)
	if p, _ := restarted.Progress(ctx, id, fixture); len(p.Opened) != 2 {
		t.Errorf("the other official's openings after the flush: %v", p.Opened)
	}
}

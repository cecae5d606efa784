package courses_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

const fixture = "fixture-course"

var fixtureLessons = []string{"01-intro", "02-middle", "03-last"}

type env struct {
	svc *courses.Service
	db  *store.DB
	acc *officials.Service
	cat *courses.Catalogue
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.Open(t)
	if err := officials.SeedCountries(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return envOn(t, db)
}

// envOn is the courses service with the fixture catalogue on db, an already seeded database.
func envOn(t *testing.T, db *store.DB) *env {
	t.Helper()
	cat, ps := courses.Load(os.DirFS("testdata/catalogue"))
	if len(ps) > 0 {
		t.Fatalf("fixture: %v", ps)
	}
	return &env{svc: courses.NewService(db, func() *courses.Catalogue { return cat }, nil), db: db, acc: officials.New(db, 4, nil), cat: cat}
}

// openedLongAgo enrols the official and opens the lessons a day ago, so that they may be
// marked done now.
func (e *env) openedLongAgo(t *testing.T, id int64, lessons ...string) {
	t.Helper()
	ctx := context.Background()
	if err := e.svc.Enrol(ctx, id, fixture); err != nil {
		t.Fatal(err)
	}
	e.svc.SetClock(func() time.Time { return time.Now().Add(-24 * time.Hour) })
	defer e.svc.SetClock(nil)
	for _, l := range lessons {
		if err := e.svc.RecordOpen(ctx, id, fixture, l); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) learner(t *testing.T, n int, country string) int64 {
	t.Helper()
	o, err := e.acc.Register(context.Background(), officials.Input{
		Email: fmt.Sprintf("learner%d@example.org", n), Password: "a long password 1",
		NameAr: "أمل حداد", NameLatin: fmt.Sprintf("Amal Haddad %c", 'A'+rune(n)), JobTitle: "Analyst",
		Organisation: "Ministry of Digital Economy", Country: country, Sector: "central_government",
		Gender: "female", Language: "ar",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func wrong() map[string][]string { return map[string][]string{"q1": {"a"}} }

func isProblem(err error, code string, status int) bool {
	p, ok := problem.As(err)
	return ok && p.Code == code && p.Status == status
}

func TestQuizAttemptsLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.learner(t, 1, "JO")

	// A tampered post is refused whole and uses no attempt.
	if _, err := e.svc.SubmitQuiz(ctx, id, fixture, map[string][]string{"q1": {"a", "b"}}, true); !isProblem(err, "quiz_tampered", http.StatusUnprocessableEntity) {
		t.Fatalf("tampered: %v", err)
	}
	for i := 1; i <= 3; i++ {
		sub, err := e.svc.SubmitQuiz(ctx, id, fixture, wrong(), true)
		if err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
		if sub.Attempt != i || sub.AttemptsLeft != 3-i || sub.Passed || sub.Score != 0 {
			t.Errorf("attempt %d: %+v", i, sub)
		}
	}
	// The fourth attempt is refused, even a perfect one, and so is replaying an old post.
	for name, answers := range map[string]map[string][]string{"fourth": allRight(), "replay": wrong()} {
		if _, err := e.svc.SubmitQuiz(ctx, id, fixture, answers, true); !isProblem(err, "attempts_exhausted", http.StatusConflict) {
			t.Errorf("%s attempt: %v, want attempts_exhausted", name, err)
		}
	}
	hist, err := e.svc.AttemptHistory(ctx, id, fixture)
	if err != nil || len(hist) != 3 || hist[0].No != 1 || hist[2].No != 3 || hist[0].Answers["q1"][0] != "a" {
		t.Fatalf("history: %+v %v", hist, err)
	}
	p, err := e.svc.Progress(ctx, id, fixture)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enrolled || p.AttemptsUsed != 3 || p.AttemptsLeft != 0 || p.BestScore == nil || *p.BestScore != 0 || p.Passed || p.Completed() {
		t.Errorf("progress: %+v", p)
	}
	var n int
	if err := e.db.R.QueryRow("SELECT count(*) FROM quiz_attempts WHERE official_id = ?", id).Scan(&n); err != nil || n != 3 {
		t.Errorf("%d attempts stored (%v)", n, err)
	}
}

func TestAttemptNumbersAreUniqueInTheSchema(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.learner(t, 1, "JO")
	if _, err := e.svc.SubmitQuiz(ctx, id, fixture, wrong(), true); err != nil {
		t.Fatal(err)
	}
	// Even code that skipped the service's count could not record attempt 1 twice.
	err := e.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO quiz_attempts(official_id, course_slug, attempt_no, score, passed, answers, submitted_at)
			VALUES(?, ?, 1, 100, 1, '{}', '2026-01-01T00:00:00Z')`, id, fixture)
		return err
	})
	if !store.IsUniqueViolation(err) {
		t.Fatalf("duplicate attempt number: %v", err)
	}
}

// Twenty concurrent requests of one learner — ten quiz submissions, ten lessons marked
// done — complete the course exactly once.
func TestCompletionRecordedOnceUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.learner(t, 1, "JO")
	e.openedLongAgo(t, id, fixtureLessons...)
	var calls atomic.Int32
	var hookAt atomic.Value
	e.svc.OnComplete(func(ctx context.Context, officialID int64, slug string, at time.Time) {
		if officialID != id || slug != fixture || ctx.Err() != nil {
			t.Errorf("hook got %d %s %v", officialID, slug, ctx.Err())
		}
		calls.Add(1)
		hookAt.Store(at)
	})

	var wg sync.WaitGroup
	var completedNow, accepted, refused atomic.Int32
	start := make(chan struct{})
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if i%2 == 0 {
				sub, err := e.svc.SubmitQuiz(ctx, id, fixture, allRight(), true)
				switch {
				case isProblem(err, "quiz_passed", http.StatusConflict):
					refused.Add(1)
				case err != nil:
					t.Errorf("submit: %v", err)
				default:
					accepted.Add(1)
					if sub.Completed {
						completedNow.Add(1)
					}
				}
				return
			}
			done, err := e.svc.MarkDone(ctx, id, fixture, fixtureLessons[i%3])
			if err != nil {
				t.Errorf("mark done: %v", err)
			}
			if done {
				completedNow.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()

	if calls.Load() != 1 || completedNow.Load() != 1 {
		t.Fatalf("hook called %d times, %d calls reported completing; want 1 and 1", calls.Load(), completedNow.Load())
	}
	// The first pass ends the attempts: the others are refused as already passed.
	if accepted.Load() != 1 || refused.Load() != 9 {
		t.Errorf("%d attempts accepted, %d refused; want 1 and 9", accepted.Load(), refused.Load())
	}
	p, err := e.svc.Progress(ctx, id, fixture)
	if err != nil {
		t.Fatal(err)
	}
	if p.CompletedAt == nil || !p.CompletedAt.Equal(hookAt.Load().(time.Time)) || p.Percent != 100 || p.AttemptsUsed != 1 || !p.Passed {
		t.Fatalf("progress: %+v (hook at %v)", p, hookAt.Load())
	}
	first := *p.CompletedAt

	// Later events do not complete the course again.
	time.Sleep(2 * time.Millisecond)
	for _, l := range fixtureLessons {
		if done, err := e.svc.MarkDone(ctx, id, fixture, l); err != nil || done {
			t.Errorf("mark done again: %v %v", done, err)
		}
	}
	if err := e.svc.RecordVisit(ctx, id, fixture, "01-intro"); err != nil {
		t.Fatal(err)
	}
	p, _ = e.svc.Progress(ctx, id, fixture)
	if calls.Load() != 1 || p.CompletedAt == nil || !p.CompletedAt.Equal(first) {
		t.Errorf("after more events: hook %d, completed_at %v (was %v)", calls.Load(), p.CompletedAt, first)
	}
}

func TestCompletionNeedsLessonsAndPassedQuiz(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.learner(t, 1, "JO")
	e.openedLongAgo(t, id, fixtureLessons...)
	var calls atomic.Int32
	e.svc.OnComplete(func(context.Context, int64, string, time.Time) { calls.Add(1) })

	for _, l := range fixtureLessons {
		if done, err := e.svc.MarkDone(ctx, id, fixture, l); err != nil || done {
			t.Fatalf("lessons alone must not complete: %v %v", done, err)
		}
	}
	// A failed quiz does not complete the course (two of four: 50 < 75).
	sub, err := e.svc.SubmitQuiz(ctx, id, fixture, map[string][]string{"q1": {"b"}, "q4": {"a"}}, true)
	if err != nil || sub.Passed || sub.Completed || sub.Score != 50 {
		t.Fatalf("failed attempt: %+v %v", sub, err)
	}
	sub, err = e.svc.SubmitQuiz(ctx, id, fixture, map[string][]string{"q1": {"b"}, "q2": {"a", "c"}, "q3": {"false"}}, true)
	if err != nil || !sub.Passed || !sub.Completed || sub.Score != 75 || sub.Attempt != 2 {
		t.Fatalf("passing attempt: %+v %v", sub, err)
	}
	if calls.Load() != 1 {
		t.Errorf("hook called %d times", calls.Load())
	}
	// Passing first, then the last lesson, completes on the lesson.
	id2 := e.learner(t, 2, "TN")
	e.openedLongAgo(t, id2, fixtureLessons...)
	if sub, err := e.svc.SubmitQuiz(ctx, id2, fixture, allRight(), true); err != nil || sub.Completed {
		t.Fatalf("quiz before lessons: %+v %v", sub, err)
	}
	for i, l := range fixtureLessons {
		done, err := e.svc.MarkDone(ctx, id2, fixture, l)
		if err != nil || done != (i == len(fixtureLessons)-1) {
			t.Fatalf("lesson %s: completed=%v %v", l, done, err)
		}
	}
	if calls.Load() != 2 {
		t.Errorf("hook called %d times, want 2", calls.Load())
	}
}

func TestResumeAndEnrolment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.learner(t, 1, "JO")
	c, _ := e.cat.Course(fixture)

	// Not enrolled: visits are not recorded, the progress says so.
	if err := e.svc.RecordVisit(ctx, id, fixture, "02-middle"); err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.Progress(ctx, id, fixture)
	if err != nil || p.Enrolled || p.LastLesson != "" || p.Resume(c) != "01-intro" || p.LessonsTotal != 3 {
		t.Fatalf("before enrolling: %+v %v", p, err)
	}
	if err := e.svc.Enrol(ctx, id, fixture); err != nil {
		t.Fatal(err)
	}
	p1, _ := e.svc.Progress(ctx, id, fixture)
	time.Sleep(2 * time.Millisecond)
	if err := e.svc.Enrol(ctx, id, fixture); err != nil {
		t.Fatal(err)
	}
	p2, _ := e.svc.Progress(ctx, id, fixture)
	if !p1.Enrolled || !p1.EnrolledAt.Equal(p2.EnrolledAt) {
		t.Errorf("enrolling twice changed enrolled_at: %v → %v", p1.EnrolledAt, p2.EnrolledAt)
	}

	e.openedLongAgo(t, id, "01-intro")
	if _, err := e.svc.MarkDone(ctx, id, fixture, "01-intro"); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"03-last", "02-middle"} {
		if err := e.svc.RecordVisit(ctx, id, fixture, l); err != nil {
			t.Fatal(err)
		}
	}
	p, _ = e.svc.Progress(ctx, id, fixture)
	if p.LastLesson != "02-middle" || p.Resume(c) != "02-middle" || p.LessonsDone != 1 || p.Percent != 33 || !p.IsDone("01-intro") || p.IsDone("02-middle") {
		t.Errorf("resume: %+v", p)
	}

	// Lessons and courses that do not exist.
	if _, err := e.svc.MarkDone(ctx, id, fixture, "09-nowhere"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown lesson: %v", err)
	}
	if err := e.svc.RecordVisit(ctx, id, fixture, "09-nowhere"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown lesson visit: %v", err)
	}
	if err := e.svc.Enrol(ctx, id, "no-such-course"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown course: %v", err)
	}
	if _, err := e.svc.SubmitQuiz(ctx, id, "no-such-course", allRight(), true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown course quiz: %v", err)
	}

	// MarkDone enrols implicitly; a lesson never opened is opened then, and not done yet.
	id2 := e.learner(t, 2, "JO")
	var notRead *courses.NotReadError
	if _, err := e.svc.MarkDone(ctx, id2, fixture, "03-last"); !errors.As(err, &notRead) {
		t.Fatalf("marking an unopened lesson done: %v, want NotReadError", err)
	}
	mine, err := e.svc.MyProgress(ctx, id2)
	if err != nil || len(mine) != 1 || mine[0].Course != fixture || mine[0].LessonsDone != 0 {
		t.Errorf("my progress: %+v %v", mine, err)
	}
}

// TestVisitsAreWrittenInBatches: a visit shows at once in Progress, and after FlushVisits a
// fresh service (a restarted server) still knows where to resume.
func TestVisitsAreWrittenInBatches(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.learner(t, 40, "JO")
	if err := e.svc.Enrol(ctx, id, fixture); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RecordVisit(ctx, id, fixture, "03-last"); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.svc.Progress(ctx, id, fixture); p.LastLesson != "03-last" {
		t.Fatalf("pending visit not seen: %q", p.LastLesson)
	}
	fresh := courses.NewService(e.db, func() *courses.Catalogue { return e.cat }, nil)
	if p, _ := fresh.Progress(ctx, id, fixture); p.LastLesson == "03-last" {
		t.Fatal("visit written before the flush")
	}
	if err := e.svc.FlushVisits(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.svc.Progress(ctx, id, fixture); p.LastLesson != "03-last" {
		t.Fatalf("after flush, same service: %q", p.LastLesson)
	}
	restarted := courses.NewService(e.db, func() *courses.Catalogue { return e.cat }, nil)
	if p, _ := restarted.Progress(ctx, id, fixture); p.LastLesson != "03-last" || p.Resume(e.cat.Courses()[0]) != "03-last" {
		t.Fatalf("after flush: %q", p.LastLesson)
	}
}

// TestProgressNeverStaleAfterAWrite: progress is kept in memory between pages, but a read
// that follows a write of the same process always sees it, even while other readers of the
// same official's progress race with the write.
func TestProgressNeverStaleAfterAWrite(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.learner(t, 41, "JO")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					_, _ = e.svc.Progress(ctx, id, fixture)
				}
			}
		}()
	}
	if p, err := e.svc.Progress(ctx, id, fixture); err != nil || p.Enrolled {
		t.Fatalf("before enrolling: %+v %v", p, err)
	}
	if err := e.svc.Enrol(ctx, id, fixture); err != nil {
		t.Fatal(err)
	}
	e.openedLongAgo(t, id, fixtureLessons...)
	if p, _ := e.svc.Progress(ctx, id, fixture); !p.Enrolled {
		t.Fatal("enrolment not seen")
	}
	for i, l := range fixtureLessons {
		if _, err := e.svc.MarkDone(ctx, id, fixture, l); err != nil {
			t.Fatal(err)
		}
		p, _ := e.svc.Progress(ctx, id, fixture)
		if p.LessonsDone != i+1 || !p.IsDone(l) {
			t.Fatalf("after marking %s done: %d lessons done, %v", l, p.LessonsDone, p.Done)
		}
		p.Done[0] = "changed by a caller"
		if again, _ := e.svc.Progress(ctx, id, fixture); again.Done[0] == "changed by a caller" {
			t.Fatal("callers share the kept progress")
		}
	}
	close(stop)
	wg.Wait()
}

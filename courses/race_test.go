package courses_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// Two Masar instances on one PostgreSQL database run their transactions side by side; these
// tests race one learner's steps through two *store.DB handles opened on the same database,
// as two instances would. They need a PostgreSQL server (skipped without one, unless
// MASAR_POSTGRES_TESTS=require); SQLite's single writer never runs two at once.

// twoInstances is the courses service twice, on two handles of one new PostgreSQL database.
func twoInstances(t *testing.T) (*env, *env) {
	t.Helper()
	ctx := context.Background()
	u := storetest.NewPostgresDatabase(t)
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		dbs[i] = db
	}
	if err := officials.SeedCountries(ctx, dbs[0]); err != nil {
		t.Fatal(err)
	}
	return envOn(t, dbs[0]), envOn(t, dbs[1])
}

// both runs step on both instances at once.
func both(a, b *env, step func(i int, e *env)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, e := range []*env{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			step(i, e)
		}()
	}
	close(start)
	wg.Wait()
}

// TestQuizAttemptsCountedAcrossInstances: a learner's two submissions reach two instances at
// the same moment. Each is an attempt of its own, numbered 1 and 2, with one left; neither
// is refused as if the attempts were used up, and the third and last is the last.
func TestQuizAttemptsCountedAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	for n := range 3 {
		id := a.learner(t, n, "JO")
		var got [2]int
		both(a, b, func(i int, e *env) {
			sub, err := e.svc.SubmitQuiz(ctx, id, fixture, wrong(), true)
			if err != nil {
				t.Errorf("learner %d, instance %d: %v", n, i, err)
				return
			}
			got[i] = sub.Attempt
		})
		slices.Sort(got[:])
		if got != [2]int{1, 2} {
			t.Fatalf("learner %d: attempts numbered %v, want 1 and 2", n, got)
		}
		var errs [2]error
		both(a, b, func(i int, e *env) {
			_, errs[i] = e.svc.SubmitQuiz(ctx, id, fixture, wrong(), true)
		})
		refused := 0
		for _, err := range errs {
			if isProblem(err, "attempts_exhausted", http.StatusConflict) {
				refused++
			} else if err != nil {
				t.Fatalf("learner %d: last attempt: %v", n, err)
			}
		}
		p, err := a.svc.Progress(ctx, id, fixture)
		if err != nil {
			t.Fatal(err)
		}
		if refused != 1 || p.AttemptsUsed != 3 || p.AttemptsLeft != 0 {
			t.Fatalf("learner %d: %d of the last two refused, %d attempts used; want 1 and 3", n, refused, p.AttemptsUsed)
		}
	}
}

// TestCompletionAcrossInstances: the last lesson is marked done on one instance while the
// passing quiz is submitted on the other. The course is completed exactly once, by one of
// the two, never by neither.
func TestCompletionAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	for n := range 4 {
		id := a.learner(t, n, "JO")
		a.openedLongAgo(t, id, fixtureLessons...)
		for _, l := range fixtureLessons[:2] {
			if _, err := a.svc.MarkDone(ctx, id, fixture, l); err != nil {
				t.Fatal(err)
			}
		}
		var completed [2]bool
		both(a, b, func(i int, e *env) {
			var err error
			if i == 0 {
				completed[i], err = e.svc.MarkDone(ctx, id, fixture, fixtureLessons[2])
			} else {
				var sub *courses.Submission
				if sub, err = e.svc.SubmitQuiz(ctx, id, fixture, allRight(), true); err == nil {
					completed[i] = sub.Completed
				}
			}
			if err != nil {
				t.Errorf("learner %d, instance %d: %v", n, i, err)
			}
		})
		if completed[0] == completed[1] {
			t.Fatalf("learner %d: completion reported by the lesson %v and by the quiz %v; want exactly one", n, completed[0], completed[1])
		}
		p, err := b.svc.Progress(ctx, id, fixture)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Completed() || !p.Passed || p.Percent != 100 {
			t.Fatalf("learner %d: progress %+v, want completed", n, p)
		}
	}
}

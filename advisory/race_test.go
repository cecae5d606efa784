package advisory

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// Two Masar instances on one PostgreSQL database run their transactions side by side; these
// tests race one step of one request through two *store.DB handles opened on the same
// database, as two instances would. They need a PostgreSQL server (skipped without one,
// unless MASAR_POSTGRES_TESTS=require); SQLite's single writer never runs two at once.

// twoInstances is the advisory service twice, on two handles of one new PostgreSQL
// database, with the first fixture's staff member and focal point.
func twoInstances(t *testing.T) (*fixture, *fixture) {
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
	a, b := serviceOn(t, dbs[0]), serviceOn(t, dbs[1])
	a.staff = a.person(t, "staff@example.org", officials.RoleStaff, "", "en")
	a.fp = a.person(t, "fp@example.org", officials.RoleFocalPoint, "JO", "ar")
	b.staff, b.fp = a.staff, a.fp
	return a, b
}

// race runs step on both instances at once and returns their errors.
func race(a, b *fixture, step func(f *fixture) error) [2]error {
	var errs [2]error
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, f := range []*fixture{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = step(f)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// TestTransitionTakenOnceAcrossInstances: two instances start the review of one request at
// the same moment; it moves once, its history has one move, the country one message.
func TestTransitionTakenOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	for round := range 5 {
		r, err := a.s.Create(ctx, a.fp, validInput(), nil)
		if err != nil {
			t.Fatal(err)
		}
		errs := race(a, b, func(f *fixture) error {
			_, err := f.s.Transition(ctx, f.staff, r.ID, StatusUnderReview, "")
			return err
		})
		won, lost := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, ErrTransitionForbidden):
				lost++
			default:
				t.Fatalf("round %d: transition: %v", round, err)
			}
		}
		if won != 1 || lost != 1 {
			t.Fatalf("round %d: %d moves and %d refusals, want 1 and 1", round, won, lost)
		}
		h, err := a.s.History(ctx, a.staff, r.ID)
		if err != nil || len(h) != 2 || h[1].To != StatusUnderReview {
			t.Fatalf("round %d: history %+v (%v), want the submission and one move", round, h, err)
		}
	}
	items, _, err := a.mail.List(ctx, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	moves := 0
	for _, m := range items {
		if m.To == a.fp.Email && m.Template == "advisory_status" {
			moves++
		}
	}
	if moves != 5 {
		t.Errorf("the focal point was told of %d moves, want 5 (one per request)", moves)
	}
}

// TestTorVersionsNumberedOnceAcrossInstances: two members of staff on two instances propose
// the first terms of reference of a request at the same moment; both are kept, as versions 1
// and 2, and only the later one awaits the country's answer.
func TestTorVersionsNumberedOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	for round := range 4 {
		r, err := a.s.Create(ctx, a.fp, validInput(), nil)
		if err != nil {
			t.Fatal(err)
		}
		a.walk(t, r.ID, StatusUnderReview, StatusAccepted)
		errs := race(a, b, func(f *fixture) error {
			_, err := f.s.ProposeTor(ctx, f.staff, r.ID, "Draft for the ministry.", pdf("tor.pdf"))
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: instance %d: propose: %v", round, i, err)
			}
		}
		vs, err := a.s.TorVersions(ctx, a.staff, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var numbers []int
		proposed := 0
		for _, v := range vs {
			numbers = append(numbers, v.Version)
			if v.Status == TorProposed {
				proposed++
			}
		}
		sort.Ints(numbers)
		if len(numbers) != 2 || numbers[0] != 1 || numbers[1] != 2 || proposed != 1 {
			t.Fatalf("round %d: versions %v with %d awaiting an answer; want 1 and 2 with one awaiting", round, numbers, proposed)
		}
	}
}

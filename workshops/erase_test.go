package workshops_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/workshops"
)

// TestEraseReleasesSeatsOnlyOfComingWorkshops: an offered seat at a coming workshop passes to
// the next on the waiting list; a seat at a workshop under way stays (the person is taking
// part); the erased person is sent nothing.
func TestEraseReleasesSeatsOnlyOfComingWorkshops(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.offs.OnErase(e.ws.EraseTx)
	leaving := e.official("JO")
	first, second := e.official("JO"), e.official("JO")

	coming := e.published(input(1, 0)) // 10–12 March
	in := input(5, 0)
	in.StartDate, in.EndDate = "2026-02-02", "2026-02-04"
	underWay := e.published(in)

	held := e.must(e.apply(first, coming), e.staff, workshops.ActApprove)
	offered := e.must(e.apply(leaving, coming), e.staff, workshops.ActWaitlist)
	next := e.must(e.apply(second, coming), e.staff, workshops.ActWaitlist)
	e.must(held, e.staff, workshops.ActCancel) // the seat is offered to the leaving person
	if e.status(offered.ID) != workshops.RegOffered {
		t.Fatalf("setup: %s, want offered", e.status(offered.ID))
	}
	taking := e.must(e.apply(leaving, underWay), e.staff, workshops.ActApprove)
	e.advance(48 * time.Hour) // 3 February: the short workshop is under way
	before := len(e.outbox(leaving.Email))

	if err := e.offs.Erase(ctx, audit.Actor{Email: "test"}, leaving.ID, "asked by letter"); err != nil {
		t.Fatal(err)
	}
	if got := e.status(offered.ID); got != workshops.RegCancelled {
		t.Errorf("offered seat at a coming workshop: %s, want cancelled", got)
	}
	if got := e.status(next.ID); got != workshops.RegOffered {
		t.Errorf("next on the waiting list: %s, want offered the freed seat", got)
	}
	if !slices.Contains(e.outbox(second.Email), "workshop_offered") {
		t.Error("the next on the waiting list was not told")
	}
	if got := e.status(taking.ID); got != workshops.RegConfirmed {
		t.Errorf("seat at a workshop under way: %s, want confirmed (kept)", got)
	}
	if n := e.count("SELECT count(*) FROM registrations WHERE official_id = ? AND motivation <> ''", leaving.ID); n != 0 {
		t.Errorf("%d motivations of the erased person kept", n)
	}
	if n := e.count("SELECT count(*) FROM outbox WHERE template IN ('workshop_cancelled', 'workshop_offer_expired') AND to_email = ?", leaving.Email); n != 0 || len(e.outbox(leaving.Email)) != before {
		t.Error("the erased person was sent mail about the release")
	}
}

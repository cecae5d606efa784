package advisory

import (
	"context"
	"errors"
	"testing"
)

// TestOwnerAnswersForPlanning: a request is planned only once someone answers for it, and a
// staff owner is enough; nobody at all is refused.
func TestOwnerAnswersForPlanning(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.s.Create(ctx, f.fp, validInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.walk(t, r.ID, StatusUnderReview, StatusAccepted)
	v, err := f.s.ProposeTor(ctx, f.staff, r.ID, "Terms.", pdf("tor.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DecideTor(ctx, f.fp, r.ID, v.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Transition(ctx, f.staff, r.ID, StatusPlanned, ""); !errors.Is(err, ErrLeadExpertRequired) {
		t.Fatalf("planned with nobody answering for it: %v", err)
	}
	if _, err := f.s.SetStaffing(ctx, f.staff, r.ID, Staffing{OwnerID: f.staff.ID}); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Transition(ctx, f.staff, r.ID, StatusPlanned, "")
	if err != nil || got.Status != StatusPlanned || got.Owner == nil || got.Owner.ID != f.staff.ID {
		t.Fatalf("planned with a staff owner and no lead expert: %+v %v", got, err)
	}
}

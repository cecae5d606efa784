package advisory

import (
	"context"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
)

// TestCountryStepsReachStaff: what the country does in the lifecycle (answering terms of
// reference, accepting or sending back a deliverable) is mailed to the request's owner, and
// a delivery is mailed to the country, who must act on it.
func TestCountryStepsReachStaff(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := f.person(t, "owner@example.org", officials.RoleStaff, "", "en")
	r, err := f.s.Create(ctx, f.fp, validInput(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.walk(t, r.ID, StatusUnderReview, StatusAccepted)
	if _, err := f.s.SetStaffing(ctx, f.staff, r.ID, Staffing{OwnerID: owner.ID}); err != nil {
		t.Fatal(err)
	}
	// mailed returns the subjects of the mails to whom since the outbox held n.
	mailed := func(n int, whom string) []string {
		var out []string
		for _, m := range f.outbox(t)[n:] {
			if m.To == whom {
				out = append(out, m.Subject)
			}
		}
		return out
	}
	v, err := f.s.ProposeTor(ctx, f.staff, r.ID, "Terms.", pdf("tor.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	n := len(f.outbox(t))
	if _, err := f.s.DecideTor(ctx, f.fp, r.ID, v.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if got := mailed(n, owner.Email); len(got) != 1 || !strings.Contains(got[0], "terms of reference agreed") {
		t.Errorf("owner told of the agreement: %q", got)
	}
	if _, err := f.s.AddMission(ctx, f.staff, r.ID, MissionInput{StartDate: f.day(5), EndDate: f.day(6), City: "Amman"}); err != nil {
		t.Fatal(err)
	}
	f.walk(t, r.ID, StatusPlanned, StatusInProgress)
	d, err := f.s.AddDeliverable(ctx, f.staff, r.ID, DeliverableInput{Title: "Portal roadmap", DueDate: f.day(20)})
	if err != nil {
		t.Fatal(err)
	}
	n = len(f.outbox(t))
	if _, err := f.s.SetDeliverableStatus(ctx, f.staff, r.ID, d.ID, DeliverableDelivered, pdf("roadmap.pdf")); err != nil {
		t.Fatal(err)
	}
	if got := mailed(n, f.fp.Email); len(got) != 1 {
		t.Errorf("country told of the delivery: %q", got)
	}
	if got := mailed(n, owner.Email); len(got) != 0 {
		t.Errorf("staff told of their own delivery: %q", got)
	}
	n = len(f.outbox(t))
	if _, err := f.s.SetDeliverableStatus(ctx, f.fp, r.ID, d.ID, DeliverableInProgress, nil); err != nil {
		t.Fatal(err)
	}
	if got := mailed(n, owner.Email); len(got) != 1 || !strings.Contains(got[0], "sent back") {
		t.Errorf("owner told of the deliverable sent back: %q", got)
	}
	if _, err := f.s.SetDeliverableStatus(ctx, f.staff, r.ID, d.ID, DeliverableDelivered, nil); err != nil {
		t.Fatal(err)
	}
	n = len(f.outbox(t))
	if _, err := f.s.SetDeliverableStatus(ctx, f.fp, r.ID, d.ID, DeliverableAccepted, nil); err != nil {
		t.Fatal(err)
	}
	if got := mailed(n, owner.Email); len(got) != 1 || !strings.Contains(got[0], "deliverable accepted") {
		t.Errorf("owner told of the acceptance: %q", got)
	}
}

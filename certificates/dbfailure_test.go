package certificates

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Issuing by hand for a workshop: a workshop that does not exist is the user's mistake (a
// field error), a workshop or host country that cannot be read is ours (an internal error).
func TestIssueByHandLookupFailureIsNotTheUsersMistake(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	o := e.official(t, "huda@example.org", "هدى", "Huda")
	staff := audit.Actor{ID: 1, Email: "staff@example.org"}
	in := HandIssue{OfficialID: o.ID, Kind: KindWorkshop, WorkshopID: 7, Reason: "attendance sheet corrected"}
	award := WorkshopAward{WorkshopID: 7, Title: map[string]string{"en": "Open data"}, HostCountry: "JO", City: "Amman",
		Start: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), Hours: 18}

	var sourceErr error
	e.svc.SetWorkshopSource(func(context.Context, int64) (WorkshopAward, []int64, error) { return award, nil, sourceErr })

	sourceErr = store.ErrNotFound
	if _, err := e.svc.IssueByHand(ctx, staff, in); err == nil {
		t.Fatal("issued for a workshop that does not exist")
	} else if p, ok := problem.As(err); !ok || p.Fields["workshop_id"] == "" {
		t.Fatalf("unknown workshop: %v, want a field error on workshop_id", err)
	}

	sourceErr = errors.New("database is locked")
	if _, err := e.svc.IssueByHand(ctx, staff, in); !errors.Is(err, sourceErr) {
		t.Fatalf("workshop lookup failed: %v, want that failure, not a field error", err)
	}

	sourceErr = nil
	if _, err := e.db.W.ExecContext(ctx, "ALTER TABLE countries RENAME TO countries_away"); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.IssueByHand(ctx, staff, in)
	if p, ok := problem.As(err); ok || err == nil || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("host country lookup failed: %v (problem: %v), want an internal error", err, p)
	}
}

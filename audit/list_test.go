package audit_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store/storetest"
)

// TestListFiltersAndPages: the admins' audit page lists the newest entries first, narrows
// them by action and by subject (an empty filter matching everything), pages through them
// and counts all that match, on whichever backend the tests are given.
func TestListFiltersAndPages(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	staff := audit.Actor{ID: 1, Email: "staff@example.org"}
	for i := 1; i <= 5; i++ {
		if err := audit.Record(ctx, db.W, staff, "official.role", fmt.Sprintf("official:%d", i), "role", "official", "trainer"); err != nil {
			t.Fatal(err)
		}
	}
	if err := audit.Record(ctx, db.W, audit.Actor{Email: "system"}, "country.member", "country:JO", "member", "true", "false"); err != nil {
		t.Fatal(err)
	}

	all, total, err := audit.List(ctx, db, audit.Filter{})
	if err != nil || total != 6 || len(all) != 6 {
		t.Fatalf("unfiltered: %d listed, %d counted (%v), want 6", len(all), total, err)
	}
	if all[0].Action != "country.member" || all[0].ActorID != 0 || all[0].Actor != "system" {
		t.Errorf("newest entry %+v, want the system's change of membership", all[0])
	}
	if all[0].At.IsZero() {
		t.Error("the entry's time was not read back")
	}

	roles, total, err := audit.List(ctx, db, audit.Filter{Action: "official.role", Limit: 2, Offset: 1})
	if err != nil || total != 5 || len(roles) != 2 {
		t.Fatalf("by action, second page: %d listed, %d counted (%v), want 2 of 5", len(roles), total, err)
	}
	if roles[0].Subject != "official:4" || roles[1].Subject != "official:3" || roles[0].ActorID != 1 {
		t.Errorf("second page %q, %q by %d, want official:4 then official:3 by 1", roles[0].Subject, roles[1].Subject, roles[0].ActorID)
	}

	one, total, err := audit.List(ctx, db, audit.Filter{Subject: "official:2"})
	if err != nil || total != 1 || len(one) != 1 || one[0].From != "official" || one[0].To != "trainer" {
		t.Errorf("by subject: %+v, %d counted (%v)", one, total, err)
	}
	none, total, err := audit.List(ctx, db, audit.Filter{Action: "official.role", Subject: "country:JO"})
	if err != nil || total != 0 || len(none) != 0 {
		t.Errorf("both filters, no match: %d listed, %d counted (%v)", len(none), total, err)
	}
}

package workshops_test

import (
	"context"
	"testing"
	"time"

	"github.com/masar-platform/masar/workshops"
)

// usefulUntil is the stored useful_until of the last mail of template to to ("" when none).
func (e *env) usefulUntil(to, template string) string {
	var until *string
	if err := e.db.R.QueryRow(`SELECT useful_until FROM outbox WHERE to_email = ? AND template = ? ORDER BY id DESC LIMIT 1`,
		to, template).Scan(&until); err != nil {
		e.t.Fatalf("%s to %s: %v", template, to, err)
	}
	if until == nil {
		return ""
	}
	return *until
}

// TestMailsThatExpire: an offer of a seat is of no use once it lapsed, a reminder once the
// workshop began: their mails say so, so that a late delivery round drops them instead of
// sending them. A confirmation does not expire.
func TestMailsThatExpire(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := input(1, 0)
	days := 5
	in.ReminderDays = &days
	w := e.published(in)
	a, b := e.official("JO"), e.official("QA")
	ra := e.must(e.apply(a, w), e.staff, workshops.ActApprove)
	rb := e.must(e.apply(b, w), e.staff, workshops.ActWaitlist)
	if u := e.usefulUntil(a.Email, "workshop_confirmed"); u != "" {
		t.Errorf("confirmation useful until %s", u)
	}
	e.must(ra, a, workshops.ActCancel)
	offered, err := e.ws.Registration(ctx, rb.ID)
	if err != nil || offered.OfferExpiresAt == nil {
		t.Fatalf("offer: %+v %v", offered, err)
	}
	if u := e.usefulUntil(b.Email, "workshop_offered"); !sameTime(t, u, *offered.OfferExpiresAt) {
		t.Errorf("offer mail useful until %q, offer lapses %v", u, offered.OfferExpiresAt)
	}
	e.must(offered, b, workshops.ActAccept)
	e.advance(w.Start().Sub(e.clock()) - 2*24*time.Hour)
	if n, err := e.ws.SendReminders(ctx); err != nil || n != 1 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	if u := e.usefulUntil(b.Email, "workshop_reminder"); !sameTime(t, u, w.Start()) {
		t.Errorf("reminder useful until %q, workshop starts %v", u, w.Start())
	}
}

func sameTime(t *testing.T, s string, want time.Time) bool {
	t.Helper()
	got, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && got.Equal(want)
}

package workshops_test

import (
	"context"
	"strings"
	"testing"

	"github.com/masar-platform/masar/workshops"
)

// TestConfirmedInviteIsBusy: the calendar entry mailed with a confirmed seat marks the
// workshop's days as taken (TRANSP:OPAQUE), so that a three-day workshop does not show as
// free time; the public calendar of the same workshop stays TRANSPARENT.
func TestConfirmedInviteIsBusy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.published(input(5, 0))
	a := e.official("JO")
	e.must(e.apply(a, w), e.staff, workshops.ActApprove)
	var ics string
	err := e.db.R.QueryRow(`SELECT a.data FROM outbox_attachments a JOIN outbox m ON m.id = a.outbox_id
		WHERE m.to_email = ? AND m.template = 'workshop_confirmed'`, a.Email).Scan(&ics)
	if err != nil {
		t.Fatalf("no calendar entry with the confirmation: %v", err)
	}
	if !strings.Contains(ics, "TRANSP:OPAQUE\r\n") || strings.Contains(ics, "TRANSP:TRANSPARENT") {
		t.Errorf("confirmed participant's invite does not mark the time busy:\n%s", ics)
	}
	public := string(e.ws.EventICS(ctx, w, "en"))
	if !strings.Contains(public, "TRANSP:TRANSPARENT\r\n") || strings.Contains(public, "TRANSP:OPAQUE") {
		t.Errorf("public calendar entry:\n%s", public)
	}
	feed := string(e.ws.FeedICS(ctx, []*workshops.Workshop{w}, "en", "Workshops"))
	if strings.Contains(feed, "TRANSP:OPAQUE") {
		t.Errorf("public feed marks workshops busy:\n%s", feed)
	}
}

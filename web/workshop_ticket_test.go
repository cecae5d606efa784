package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestVoidTicketsNoLongerAdmit: once a participant withdraws, or the workshop is cancelled,
// the ticket says so, shows no QR code, and checking it in is refused with a clear message.
func TestVoidTicketsNoLongerAdmit(t *testing.T) {
	p := newPlatform(t)
	wsClock(p)
	ctx := context.Background()
	staff, so := account(t, p, "staff@masar.test", officials.RoleStaff, "")
	staffTok, err := p.Officials.CreateAPIToken(ctx, so.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	w := createWorkshop(t, staff, staffTok, kindJSON[workshops.KindRegional])
	patchWorkshop(t, staff, staffTok, w.ID, `{"status": "published"}`)
	huda, ho := account(t, p, "huda@gov.bh", officials.RoleOfficial, "BH")
	omar, oo := account(t, p, "omar@gov.qa", officials.RoleOfficial, "QA")
	regs := map[int64]*workshops.Registration{}
	for _, o := range []*officials.Official{ho, oo} {
		r, err := p.Workshops.Apply(ctx, o, w.ID, "I run the open data portal of my ministry.")
		if err != nil {
			t.Fatal(err)
		}
		if r, err = p.Workshops.Transition(ctx, so, r.ID, workshops.ActApprove); err != nil {
			t.Fatal(err)
		}
		regs[o.ID] = r
	}
	ticket := fmt.Sprintf("/ar/workshops/%d/ticket", w.ID)
	const qr = `class="qr"`
	confirmedMark := `status-confirmed">مؤكد<`
	if r := huda.get(ticket); r.Status != 200 || !strings.Contains(r.Body, qr) || !strings.Contains(r.Body, confirmedMark) {
		t.Fatalf("a confirmed ticket: %d", r.Status)
	}
	if r := huda.get(fmt.Sprintf("/ar/workshops/%d", w.ID)); !strings.Contains(r.Body, `href="`+ticket+`"`) {
		t.Fatal("the workshop page does not offer the confirmed participant her ticket")
	}
	// Omar withdraws: his ticket is void and is refused at the door.
	if _, err := p.Workshops.Transition(ctx, oo, regs[oo.ID].ID, workshops.ActCancel); err != nil {
		t.Fatal(err)
	}
	if r := omar.get(ticket); r.Status != 200 || strings.Contains(r.Body, qr) || !strings.Contains(r.Body, "فلم تعد هذه التذكرة صالحة") {
		t.Errorf("a withdrawn ticket: %d, QR: %v", r.Status, strings.Contains(r.Body, qr))
	}
	p.Workshops.SetClock(func() time.Time { return time.Date(2026, 3, 10, 8, 30, 0, 0, time.UTC) })
	checkIn := fmt.Sprintf("/ar/admin/workshops/%d/checkin", w.ID)
	r := staff.post(checkIn, url.Values{"registration_id": {itoa(regs[oo.ID].ID)}, "day": {"2026-03-10"}, "present": {"1"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "هذه التذكرة لم تعد صالحة: أُلغي التسجيل أو رُفض.") {
		t.Errorf("checking in a withdrawn ticket: %d %.300s", r.Status, r.Body)
	}
	// The workshop is cancelled: Huda's ticket no longer says confirmed, has no QR code.
	patchWorkshop(t, staff, staffTok, w.ID, `{"status": "cancelled"}`)
	page := huda.get(ticket)
	if page.Status != 200 || strings.Contains(page.Body, qr) || strings.Contains(page.Body, "status-confirmed") ||
		!strings.Contains(page.Body, "أُلغيت الورشة") || !strings.Contains(page.Body, "أُلغيت هذه الورشة، فلم تعد هذه التذكرة صالحة لتسجيل الحضور.") {
		t.Errorf("the ticket of a cancelled workshop: %d, QR: %v, says confirmed: %v", page.Status, strings.Contains(page.Body, qr),
			strings.Contains(page.Body, confirmedMark))
	}
	// The workshop's page no longer calls her seat confirmed nor offers the ticket.
	wp := huda.get(fmt.Sprintf("/ar/workshops/%d", w.ID))
	if wp.Status != 200 || strings.Contains(wp.Body, "status-confirmed") || strings.Contains(wp.Body, `href="`+ticket+`"`) ||
		!strings.Contains(wp.Body, "أُلغيت هذه الورشة، فلم تعد هذه التذكرة صالحة لتسجيل الحضور.") {
		t.Errorf("the page of a cancelled workshop, for a confirmed participant: %d", wp.Status)
	}
	if r := newClient(t, p).get(ticket); r.Status == 200 {
		t.Error("an anonymous visitor saw a ticket")
	}
	// Its QR code (the check-in page with the code) says the workshop is cancelled and offers no button…
	hr, _ := p.Workshops.Registration(ctx, regs[ho.ID].ID)
	scan := staff.get(checkIn + "?code=" + url.QueryEscape(hr.Ticket))
	if scan.Status != 200 || strings.Contains(scan.Body, `class="checkin-button"`) || !strings.Contains(scan.Body, "أُلغيت هذه الورشة، فلم تعد تذاكرها صالحة لتسجيل الحضور.") {
		t.Errorf("scanning the ticket of a cancelled workshop: %d", scan.Status)
	}
	// …and checking it in, by the form or the API, is refused with a message that says why.
	r = staff.post(checkIn, url.Values{"registration_id": {itoa(hr.ID)}, "day": {"2026-03-10"}, "present": {"1"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "أُلغيت هذه الورشة، فلا يُسجَّل الحضور بتذاكرها.") {
		t.Errorf("checking in at a cancelled workshop: %d %.300s", r.Status, r.Body)
	}
	api := staff.api("POST", fmt.Sprintf("/api/v1/workshops/%d/attendance", w.ID), staffTok,
		fmt.Sprintf(`{"day": "2026-03-10", "codes": [%q]}`, hr.Ticket))
	if api.Status != http.StatusConflict || !strings.Contains(api.Body, `"workshop_cancelled"`) {
		t.Errorf("API check-in at a cancelled workshop: %d %s", api.Status, api.Body)
	}
	if hr, _ = p.Workshops.Registration(ctx, hr.ID); len(hr.Attended) != 0 {
		t.Errorf("attendance recorded at a cancelled workshop: %v", hr.Attended)
	}
}

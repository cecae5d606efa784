package workshops_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

func code(err error) string {
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	if errors.Is(err, store.ErrNotFound) {
		return "not_found"
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestSeatAllocationIsAtomic approves 200 applicants at once for 30 seats: exactly 30 are
// confirmed and every other approval is refused as capacity_full.
func TestSeatAllocationIsAtomic(t *testing.T) {
	e := newEnv(t)
	w := e.published(input(30, 0))
	var regs []*workshops.Registration
	for i := 0; i < 200; i++ {
		regs = append(regs, e.apply(e.official([]string{"JO", "QA", "MA", "TN"}[i%4]), w))
	}
	var wg sync.WaitGroup
	codes := make([]string, len(regs))
	for i, r := range regs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.do(r, e.staff, workshops.ActApprove)
			codes[i] = code(err)
		}()
	}
	wg.Wait()
	ok, full := 0, 0
	for _, c := range codes {
		switch c {
		case "":
			ok++
		case "capacity_full":
			full++
		default:
			t.Errorf("unexpected refusal %q", c)
		}
	}
	if ok != 30 || full != 170 {
		t.Errorf("approvals: %d succeeded, %d refused as full; want 30 and 170", ok, full)
	}
	if n := e.count("SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'confirmed'", w.ID); n != 30 {
		t.Errorf("%d confirmed seats in the database, want 30", n)
	}
	got, _ := e.ws.Get(context.Background(), w.ID)
	if got.Seats.Confirmed != 30 || got.Seats.Left != 0 {
		t.Errorf("seats = %+v", got.Seats)
	}
}

func TestQuotaEnforced(t *testing.T) {
	e := newEnv(t)
	w := e.published(input(10, 2))
	jo := []*workshops.Registration{e.apply(e.official("JO"), w), e.apply(e.official("JO"), w), e.apply(e.official("JO"), w)}
	qa := e.apply(e.official("QA"), w)
	e.must(jo[0], e.staff, workshops.ActApprove)
	e.must(jo[1], e.staff, workshops.ActApprove)
	if _, err := e.do(jo[2], e.staff, workshops.ActApprove); code(err) != "quota_full" {
		t.Errorf("third Jordanian approved: %v, want quota_full", err)
	}
	if e.status(jo[2].ID) != workshops.RegPending {
		t.Errorf("refused approval changed the status to %s", e.status(jo[2].ID))
	}
	e.must(qa, e.staff, workshops.ActApprove)
	// A national workshop has no per-country quota: all its people are of the host country.
	in := input(3, 0)
	in.Kind = workshops.KindNational
	nat := e.published(in)
	for i := 0; i < 3; i++ {
		e.must(e.apply(e.official("JO"), nat), e.staff, workshops.ActApprove)
	}
	if _, err := e.ws.Apply(context.Background(), e.official("QA"), nat.ID, "Please"); code(err) != "wrong_country" {
		t.Errorf("a Qatari applied to Jordan's national workshop: %v", err)
	}
	// A larger quota lets the refused one in.
	cur, _ := e.ws.Get(context.Background(), w.ID)
	up := cur.Input()
	up.CountryQuota = 3
	if _, err := e.ws.Update(context.Background(), e.actor(), w.ID, up); err != nil {
		t.Fatal(err)
	}
	e.must(jo[2], e.staff, workshops.ActApprove)
}

// TestWaitlistPromotionAndOfferExpiry moves the clock: a freed seat is offered to the first on
// the waiting list with a deadline; when the deadline passes the seat goes to the next.
func TestWaitlistPromotionAndOfferExpiry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := input(2, 0)
	oh := 48
	in.OfferHours = &oh
	w := e.published(in)
	people := []*officials.Official{e.official("JO"), e.official("QA"), e.official("MA"), e.official("TN"), e.official("EG")}
	var r []*workshops.Registration
	for _, p := range people {
		r = append(r, e.apply(p, w))
	}
	e.must(r[0], e.staff, workshops.ActApprove)
	e.must(r[1], e.staff, workshops.ActApprove)
	e.must(r[2], e.staff, workshops.ActWaitlist)
	e.advance(time.Minute)
	e.must(r[3], e.staff, workshops.ActWaitlist)
	if _, err := e.do(r[4], e.staff, workshops.ActApprove); code(err) != "capacity_full" {
		t.Fatalf("approve beyond capacity: %v", err)
	}

	// A confirmed participant withdraws: the first on the waiting list is offered the seat.
	e.must(r[0], people[0], workshops.ActCancel)
	offered, _ := e.ws.Registration(ctx, r[2].ID)
	if offered.Status != workshops.RegOffered || offered.OfferExpiresAt == nil {
		t.Fatalf("first on the waiting list: %s", offered.Status)
	}
	if want := e.clock().Add(48 * time.Hour); !offered.OfferExpiresAt.Equal(want) {
		t.Errorf("deadline %v, want %v", offered.OfferExpiresAt, want)
	}
	if e.status(r[3].ID) != workshops.RegWaitlisted {
		t.Errorf("second on the list: %s", e.status(r[3].ID))
	}
	if got := e.outbox(people[2].Email); !slices.Contains(got, "workshop_offered") {
		t.Errorf("offer not e-mailed: %v", got)
	}
	// The offered seat is held: staff cannot give it to someone else meanwhile.
	if _, err := e.do(r[4], e.staff, workshops.ActApprove); code(err) != "capacity_full" {
		t.Errorf("approval took a seat held by an offer: %v", err)
	}

	// Before the deadline nothing lapses.
	e.advance(47 * time.Hour)
	if n, err := e.ws.ExpireOffers(ctx); err != nil || n != 0 {
		t.Fatalf("expire before the deadline: %d %v", n, err)
	}
	// After it, the offer lapses and passes to the next.
	e.advance(2 * time.Hour)
	if _, err := e.do(r[2], people[2], workshops.ActAccept); code(err) != "offer_expired" {
		t.Errorf("late acceptance: %v, want offer_expired", err)
	}
	if n, err := e.ws.ExpireOffers(ctx); err != nil || n != 1 {
		t.Fatalf("expire after the deadline: %d %v", n, err)
	}
	if e.status(r[2].ID) != workshops.RegCancelled {
		t.Errorf("lapsed offer: %s", e.status(r[2].ID))
	}
	if got := e.outbox(people[2].Email); !slices.Contains(got, "workshop_offer_expired") {
		t.Errorf("lapse not e-mailed: %v", got)
	}
	if e.status(r[3].ID) != workshops.RegOffered {
		t.Fatalf("the seat did not pass to the next: %s", e.status(r[3].ID))
	}
	// The next accepts in time and holds the seat.
	e.must(r[3], people[3], workshops.ActAccept)
	if e.status(r[3].ID) != workshops.RegConfirmed {
		t.Errorf("accepted offer: %s", e.status(r[3].ID))
	}
	if n := e.count("SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'confirmed'", w.ID); n != 2 {
		t.Errorf("%d confirmed, want 2", n)
	}
	// Every change is in the audit log, with who and from → to.
	entries, _, _ := audit.List(ctx, e.db, audit.Filter{Subject: "registration:" + itoa(r[2].ID)})
	var trail []string
	for _, en := range entries {
		trail = append(trail, en.Action+":"+en.From+"→"+en.To)
	}
	slices.Reverse(trail)
	want := []string{"registration.apply:→pending", "registration.waitlist:pending→waitlisted", "registration.offer:waitlisted→offered",
		"registration.offer_expired:offered→cancelled"}
	if !slices.Equal(trail, want) {
		t.Errorf("audit trail %v, want %v", trail, want)
	}
}

// A seat freed while the first on the waiting list's country is at its quota goes to the
// next person of another country.
func TestPromotionSkipsFullQuota(t *testing.T) {
	e := newEnv(t)
	w := e.published(input(3, 1))
	a := e.apply(e.official("JO"), w)
	b := e.apply(e.official("QA"), w)
	c := e.apply(e.official("MA"), w)
	wJO := e.apply(e.official("JO"), w)
	wTN := e.apply(e.official("TN"), w)
	for _, r := range []*workshops.Registration{a, b, c} {
		e.must(r, e.staff, workshops.ActApprove)
	}
	e.must(wJO, e.staff, workshops.ActWaitlist)
	e.must(wTN, e.staff, workshops.ActWaitlist)
	e.must(c, e.staff, workshops.ActReject)
	if e.status(wJO.ID) != workshops.RegWaitlisted || e.status(wTN.ID) != workshops.RegOffered {
		t.Errorf("after a rejection: Jordanian %s, Tunisian %s; want waitlisted and offered", e.status(wJO.ID), e.status(wTN.ID))
	}
}

func TestWhoMayDoWhat(t *testing.T) {
	e := newEnv(t)
	w := e.published(input(5, 0))
	jo := e.official("JO")
	r := e.apply(jo, w)
	other := e.official("JO")
	focalJO := e.person("focal.jo@gov.test", officials.RoleFocalPoint, "JO")
	focalQA := e.person("focal.qa@gov.test", officials.RoleFocalPoint, "QA")
	for _, tc := range []struct {
		who    *officials.Official
		action string
		want   string
	}{
		{jo, workshops.ActApprove, "forbidden"},              // the person may see it, not approve it
		{other, workshops.ActCancel, "not_found"},            // someone else is told nothing
		{focalQA, workshops.ActCancel, "not_found"},          // another country's focal point: no such registration
		{focalQA, workshops.ActApprove, "not_found"},         //
		{focalJO, workshops.ActApprove, "forbidden"},         // their own country's: visible, but staff decide
		{jo, workshops.ActAccept, "invalid_transition"},      // nothing offered
		{e.staff, workshops.ActAccept, "forbidden"},          // only the holder accepts an offer
		{e.staff, "promote", "not_found"},                    // no such action
		{focalJO, workshops.ActCancel, ""},                   // the focal point withdraws their country's official
		{e.staff, workshops.ActCancel, "invalid_transition"}, // already cancelled
	} {
		_, err := e.do(r, tc.who, tc.action)
		if code(err) != tc.want {
			t.Errorf("%s by %s: %q, want %q", tc.action, tc.who.Email, code(err), tc.want)
		}
	}
	// Reapplying after a withdrawal reopens the same registration.
	again := e.apply(jo, w)
	if again.ID != r.ID || again.Status != workshops.RegPending {
		t.Errorf("reapplied: %+v", again)
	}
	if _, err := e.ws.Apply(context.Background(), jo, w.ID, "twice"); code(err) != "already_registered" {
		t.Errorf("applied twice: %v", err)
	}
	// Nomination: a focal point nominates only their own country's officials.
	qa := e.official("QA")
	if _, err := e.ws.Nominate(context.Background(), focalJO, w.ID, qa, ""); code(err) != "not_found" {
		t.Errorf("focal point nominated another country's official: %v", err)
	}
	n, err := e.ws.Nominate(context.Background(), focalJO, w.ID, other, "Head of the portal team")
	if err != nil || n.NominatedBy == nil || *n.NominatedBy != focalJO.ID {
		t.Fatalf("nominate: %v %+v", err, n)
	}
	if got := e.outbox(other.Email); !slices.Contains(got, "workshop_pending") {
		t.Errorf("nominee not told: %v", got)
	}
}

func TestRegistrationWindow(t *testing.T) {
	e := newEnv(t)
	in := input(5, 0)
	in.RegistrationOpens = "2026-02-10T09:00"
	in.RegistrationCloses = "2026-03-01T17:00"
	w := e.published(in)
	o := e.official("QA")
	if _, err := e.ws.Apply(context.Background(), o, w.ID, "Early"); code(err) != "registration_closed" {
		t.Errorf("before opening: %v", err)
	}
	e.advance(10 * 24 * time.Hour) // 11 February
	e.apply(o, w)
	e.advance(30 * 24 * time.Hour) // 13 March: closed
	if _, err := e.ws.Apply(context.Background(), e.official("QA"), w.ID, "Late"); code(err) != "registration_closed" {
		t.Errorf("after closing: %v", err)
	}
	// The opening time is the host's local time: 09:00 in Amman (UTC+3) is 06:00 UTC.
	if got := w.RegistrationOpens.UTC().Format("15:04"); got != "06:00" {
		t.Errorf("registration opens at %s UTC, want 06:00", got)
	}
	// Drafts take no applications and are not found.
	d, _ := e.ws.Create(context.Background(), e.actor(), input(5, 0))
	if _, err := e.ws.Apply(context.Background(), e.official("QA"), d.ID, "Draft"); code(err) != "not_found" {
		t.Errorf("applied to a draft: %v", err)
	}
}

func TestCompletionHookAndAttendanceRates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.published(input(5, 0))
	a, b := e.official("JO"), e.official("QA")
	ra := e.must(e.apply(a, w), e.staff, workshops.ActApprove)
	rb := e.must(e.apply(b, w), e.staff, workshops.ActApprove)
	rc := e.apply(e.official("MA"), w)
	if _, err := e.ws.SetStatus(ctx, e.actor(), w.ID, workshops.StatusCompleted); code(err) != "not_started" {
		t.Errorf("completed before it started: %v", err)
	}
	trainer := e.person("trainer@masar.test", officials.RoleTrainer, "JO")
	if _, err := e.ws.CheckIn(ctx, e.staff, w.ID, ra.ID, "2026-03-10", true); code(err) != "validation" {
		t.Errorf("checked in on a day still to come: %v", err)
	}
	e.advance(40 * 24 * time.Hour) // 13 March: the workshop is over, attendance can be completed
	if _, err := e.ws.CheckIn(ctx, trainer, w.ID, ra.ID, "2026-03-10", true); code(err) != "forbidden" {
		t.Errorf("a trainer of another workshop took attendance: %v", err)
	}
	for _, d := range []string{"2026-03-10", "2026-03-11", "2026-03-12"} {
		if _, err := e.ws.CheckIn(ctx, e.staff, w.ID, ra.ID, d, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.ws.CheckIn(ctx, e.staff, w.ID, rb.ID, "2026-03-11", true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ws.CheckIn(ctx, e.staff, w.ID, rb.ID, "2026-03-13", true); code(err) != "validation" {
		t.Errorf("checked in on a day after the workshop: %v", err)
	}
	if _, err := e.ws.CheckIn(ctx, e.staff, w.ID, rc.ID, "2026-03-10", true); code(err) != "not_confirmed" {
		t.Errorf("checked in someone without a seat: %v", err)
	}
	var mu sync.Mutex
	var called, changed []int64
	e.ws.OnCompleted(func(ctx context.Context, id int64) {
		mu.Lock()
		called = append(called, id)
		mu.Unlock()
	})
	e.ws.OnChanged(func(ctx context.Context, id int64) {
		mu.Lock()
		changed = append(changed, id)
		mu.Unlock()
	})
	if _, err := e.ws.SetStatus(ctx, e.actor(), w.ID, workshops.StatusCompleted); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(called, []int64{w.ID}) || !slices.Equal(changed, []int64{w.ID}) {
		t.Errorf("OnCompleted called with %v, OnChanged with %v", called, changed)
	}
	rates, err := e.ws.AttendanceRates(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rates[a.ID] != 1 || rates[b.ID] < 0.333 || rates[b.ID] > 0.334 || len(rates) != 2 {
		t.Errorf("rates = %v", rates)
	}
	got, _ := e.ws.Get(ctx, w.ID)
	if got.AttendanceThreshold != 75 || got.Hours != 18 || got.Title["fr"] == "" || got.HostCountry != "JO" {
		t.Errorf("what certificates print: %+v", got)
	}
	// A completed workshop takes no more changes.
	if _, err := e.do(rc, e.staff, workshops.ActApprove); code(err) != "workshop_closed" {
		t.Errorf("approved at a completed workshop: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// BenchmarkApprove measures one approval (the seat check, the change, its audit entry and
// e-mail in one transaction).
func BenchmarkApprove(b *testing.B) {
	e := newEnv(b)
	regs := make([]*workshops.Registration, b.N)
	var w *workshops.Workshop
	for i := range regs {
		if i%10000 == 0 {
			w = e.published(input(10000, 0))
		}
		regs[i] = e.apply(e.official("JO"), w)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.do(regs[i], e.staff, workshops.ActApprove); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRemindersAndCancellation: confirmed participants are reminded once, a set number of
// days before the start, with the calendar entry; cancelling the workshop tells everyone
// still registered.
func TestRemindersAndCancellation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := input(5, 0)
	days := 5
	in.ReminderDays = &days
	w := e.published(in) // starts 10 March in Amman; the clock says 1 February
	a, b, c := e.official("JO"), e.official("QA"), e.official("MA")
	e.must(e.apply(a, w), e.staff, workshops.ActApprove)
	e.apply(b, w)
	e.must(e.apply(c, w), e.staff, workshops.ActWaitlist)
	if n, err := e.ws.SendReminders(ctx); err != nil || n != 0 {
		t.Fatalf("reminders five weeks ahead: %d %v", n, err)
	}
	e.advance(33 * 24 * time.Hour) // 6 March
	if n, err := e.ws.SendReminders(ctx); err != nil || n != 1 {
		t.Fatalf("reminders four days ahead: %d %v", n, err)
	}
	if n, _ := e.ws.SendReminders(ctx); n != 0 {
		t.Errorf("reminded twice: %d", n)
	}
	var subject string
	var ics int
	e.db.R.QueryRow(`SELECT o.subject, (SELECT count(*) FROM outbox_attachments x WHERE x.outbox_id = o.id) FROM outbox o
		WHERE o.to_email = ? AND o.template = 'workshop_reminder'`, a.Email).Scan(&subject, &ics)
	if !strings.Contains(subject, "starts in 4 days") || ics != 1 {
		t.Errorf("reminder: %q with %d attachment(s)", subject, ics)
	}
	if got := e.outbox(b.Email); slices.Contains(got, "workshop_reminder") {
		t.Error("a pending registration was reminded")
	}
	if _, err := e.ws.SetStatus(ctx, e.actor(), w.ID, workshops.StatusCancelled); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*officials.Official{a, b, c} {
		if got := e.outbox(o.Email); !slices.Contains(got, "workshop_called_off") {
			t.Errorf("%s not told of the cancellation: %v", o.Email, got)
		}
	}
	if _, err := e.ws.Apply(ctx, e.official("TN"), w.ID, "Too late"); code(err) != "workshop_closed" {
		t.Errorf("applied to a cancelled workshop: %v", err)
	}
}

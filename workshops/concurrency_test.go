package workshops_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
	"github.com/masar-platform/masar/workshops"
)

// instances opens the database that the concurrency tests share. On PostgreSQL it is one new
// database reached through n handles, each with its own pools, as n Masar processes behind a
// load balancer would reach it: their writers run side by side. On SQLite it is one file
// through one handle, whose single writer connection is how that backend runs.
func instances(t *testing.T, n int) []*store.DB {
	t.Helper()
	if storetest.Backend() != store.Postgres {
		return []*store.DB{storetest.OpenSQLite(t)}
	}
	u := storetest.NewPostgresDatabase(t)
	dbs := make([]*store.DB, n)
	for i := range dbs {
		db, err := store.Open(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		dbs[i] = db
	}
	return dbs
}

// services is e's workshops service followed by one on each further handle of dbs.
func (e *env) services(dbs []*store.DB) []*workshops.Service {
	out := []*workshops.Service{e.ws}
	for _, db := range dbs[1:] {
		out = append(out, e.instance(db))
	}
	return out
}

// atOnce runs f(0) … f(n-1) in n goroutines released together, and waits for them all.
func atOnce(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// memberStates are twelve member states whose officials apply: with a quota of 3 they could
// fill 36 seats, so that both the capacity and the quotas refuse some approvals.
var memberStates = []string{"JO", "QA", "MA", "TN", "EG", "LB", "OM", "KW", "BH", "AE", "SA", "IQ"}

// perCountry counts the seats held (confirmed, or offered and not lapsed) at workshop wid by
// country.
func (e *env) perCountry(wid int64) map[string]int {
	e.t.Helper()
	rows, err := e.db.R.Query(`SELECT country, count(*) FROM registrations WHERE workshop_id = ?
		AND (status = 'confirmed' OR (status = 'offered' AND offer_expires_at > ?)) GROUP BY country`,
		wid, store.FormatTime(e.clock()))
	out := map[string]int{}
	err = store.Each(rows, err, func(row store.Scanner) error {
		var c string
		var n int
		if err := row.Scan(&c, &n); err != nil {
			return err
		}
		out[c] = n
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// checkSeats fails the test when workshop wid holds more than capacity seats, or a country
// more than quota, and returns the seats held.
func (e *env) checkSeats(wid int64, capacity, quota int) int {
	e.t.Helper()
	held := 0
	for c, n := range e.perCountry(wid) {
		held += n
		if n > quota {
			e.t.Errorf("%s holds %d seats, quota %d", c, n, quota)
		}
	}
	if held > capacity {
		e.t.Errorf("%d seats held, capacity %d", held, capacity)
	}
	return held
}

// auditOnce fails the test when a registration has more than one audit entry of action, and
// returns how many registrations have one.
func (e *env) auditOnce(action string) int {
	e.t.Helper()
	rows, err := e.db.R.Query("SELECT subject, count(*) FROM audit_log WHERE action = ? GROUP BY subject", action)
	n := 0
	err = store.Each(rows, err, func(row store.Scanner) error {
		var subject string
		var times int
		if err := row.Scan(&subject, &times); err != nil {
			return err
		}
		if times > 1 {
			e.t.Errorf("%s: %s recorded %d times", subject, action, times)
		}
		n++
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestConcurrentApprovalsAcrossInstances is the proof of issue 20: 200 officials of twelve
// member states apply at once to a 30-seat workshop with a quota of 3 per country, and staff
// approve all 200 at once, through three Masar instances on one PostgreSQL database (one
// handle on SQLite). Exactly 30 are confirmed, no country holds more than 3 seats, every
// other approval is refused as full (capacity or quota) and changes nothing, and each
// confirmed participant is recorded and told once.
func TestConcurrentApprovalsAcrossInstances(t *testing.T) {
	const people, capacity, quota = 200, 30, 3
	dbs := instances(t, 3)
	e := newEnvOn(t, dbs[0])
	svcs := e.services(dbs)
	ctx := context.Background()
	w := e.published(input(capacity, quota))
	who := make([]*officials.Official, people)
	for i := range who {
		who[i] = e.official(memberStates[i%len(memberStates)])
	}

	regs := make([]*workshops.Registration, people)
	errs := make([]error, people)
	atOnce(people, func(i int) {
		regs[i], errs[i] = svcs[i%len(svcs)].Apply(ctx, who[i], w.ID, "I lead our open data portal.")
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("application %d: %v", i, err)
		}
	}

	codes := make([]string, people)
	atOnce(people, func(i int) {
		// Each approval goes to another instance than its application did.
		_, err := svcs[(i+1)%len(svcs)].Transition(ctx, e.staff, regs[i].ID, workshops.ActApprove)
		codes[i] = code(err)
	})
	tally := map[string]int{}
	for _, c := range codes {
		tally[c]++
	}
	if tally[""] != capacity || tally[""]+tally["capacity_full"]+tally["quota_full"] != people {
		t.Errorf("approvals: %v (\"\" is approved); want %d approved and every other refused as capacity_full or quota_full", tally, capacity)
	}
	if n := e.count("SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'confirmed'", w.ID); n != capacity {
		t.Errorf("%d confirmed in the database, want %d", n, capacity)
	}
	if held := e.checkSeats(w.ID, capacity, quota); held != capacity {
		t.Errorf("%d seats held, want %d", held, capacity)
	}
	if n := e.count("SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'pending'", w.ID); n != people-capacity {
		t.Errorf("%d still pending, want the %d refused", n, people-capacity)
	}
	if n := e.auditOnce("registration.approve"); n != capacity {
		t.Errorf("%d approvals recorded, want %d", n, capacity)
	}
	if n := e.count("SELECT count(*) FROM outbox WHERE template = 'workshop_confirmed'"); n != capacity {
		t.Errorf("%d confirmations queued, want %d", n, capacity)
	}
	for _, s := range svcs {
		got, err := s.Get(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Seats.Confirmed != capacity || got.Seats.Left != 0 {
			t.Errorf("an instance shows seats %+v", got.Seats)
		}
	}
}

// TestConcurrentCancellationsOffersAndExpiry frees every seat of a full workshop at once —
// the participants cancel, each through one of three instances — while staff approve people
// from the waiting list and every instance lapses offers. Seats freed go to the waiting list
// as offers, never beyond the capacity or a country's quota, each offer made and told once.
// Then the offers lapse while all three instances expire offers at the same moment: each is
// lapsed and told once, and the seats pass on within the same limits.
func TestConcurrentCancellationsOffersAndExpiry(t *testing.T) {
	const capacity, quota = 10, 3
	dbs := instances(t, 3)
	e := newEnvOn(t, dbs[0])
	svcs := e.services(dbs)
	ctx := context.Background()
	w := e.published(input(capacity, quota))

	var seated []*officials.Official
	var seats []*workshops.Registration
	for _, c := range []string{"JO", "JO", "JO", "QA", "QA", "QA", "MA", "MA", "TN", "TN"} {
		o := e.official(c)
		seated = append(seated, o)
		seats = append(seats, e.must(e.apply(o, w), e.staff, workshops.ActApprove))
	}
	var waiting []*workshops.Registration
	for i := 0; i < 20; i++ {
		r := e.apply(e.official([]string{"JO", "QA", "MA", "TN", "EG"}[i%5]), w)
		waiting = append(waiting, e.must(r, e.staff, workshops.ActWaitlist))
		e.advance(time.Minute) // the waiting list's order is the order of arrival
	}

	// 10 cancellations, 10 approvals from the waiting list and 3×3 offer expiries at once.
	codes := make([]string, 29)
	atOnce(29, func(i int) {
		s := svcs[i%len(svcs)]
		var err error
		switch {
		case i < 10:
			_, err = s.Transition(ctx, seated[i], seats[i].ID, workshops.ActCancel)
		case i < 20:
			_, err = s.Transition(ctx, e.staff, waiting[2*(i-10)].ID, workshops.ActApprove)
		default:
			_, err = s.ExpireOffers(ctx)
		}
		codes[i] = code(err)
	})
	for i, c := range codes {
		if c != "" && !(i >= 10 && i < 20 && (c == "capacity_full" || c == "quota_full")) {
			t.Errorf("call %d: %s", i, c)
		}
	}
	if held := e.checkSeats(w.ID, capacity, quota); held != capacity {
		t.Errorf("after the cancellations %d seats are held, want all %d given again", held, capacity)
	}
	// Staff may approve someone holding an offer: the offers recorded are those still open
	// and those taken up so.
	offered := e.count("SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'offered'", w.ID)
	made := e.auditOnce("registration.offer")
	if made < offered {
		t.Errorf("%d offers recorded, %d registrations offered", made, offered)
	}
	if n := e.count("SELECT count(*) FROM outbox WHERE template = 'workshop_offered'"); n != made {
		t.Errorf("%d offers queued to be told, %d recorded", n, made)
	}
	if offered == 0 {
		t.Fatal("no seat was offered to the waiting list; the test proves nothing about offers")
	}

	// Every offer lapses; the three instances find that out at the same moment, twice.
	e.advance(73 * time.Hour)
	lapsed := make([]int, 6)
	atOnce(6, func(i int) {
		n, err := svcs[i%len(svcs)].ExpireOffers(ctx)
		if err != nil {
			t.Errorf("expire offers: %v", err)
		}
		lapsed[i] = n
	})
	total := 0
	for _, n := range lapsed {
		total += n
	}
	if total != offered {
		t.Errorf("%d offers lapsed in all (%v), want the %d made", total, lapsed, offered)
	}
	if n := e.auditOnce("registration.offer_expired"); n != offered {
		t.Errorf("%d lapses recorded, want %d", n, offered)
	}
	if n := e.count("SELECT count(*) FROM outbox WHERE template = 'workshop_offer_expired'"); n != offered {
		t.Errorf("%d people told their offer lapsed, want %d", n, offered)
	}
	e.checkSeats(w.ID, capacity, quota)
	e.auditOnce("registration.offer")
}

// TestRemindersAndCompletionOnceAcrossInstances runs what every instance's background loop
// and two staff members may do at the same moment: the reminders before a workshop are sent
// once to each participant however many instances send them together, and a workshop
// completed from several instances at once is completed once, its completion hooks (which
// issue certificates) run by one instance only.
func TestRemindersAndCompletionOnceAcrossInstances(t *testing.T) {
	dbs := instances(t, 3)
	e := newEnvOn(t, dbs[0])
	svcs := e.services(dbs)
	ctx := context.Background()
	w := e.published(input(10, 0))
	for _, c := range []string{"JO", "QA", "MA", "TN", "EG"} {
		e.must(e.apply(e.official(c), w), e.staff, workshops.ActApprove)
	}

	e.advance(time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC).Sub(e.clock())) // within the 7 reminder days
	sent := make([]int, 6)
	atOnce(6, func(i int) {
		n, err := svcs[i%len(svcs)].SendReminders(ctx)
		if err != nil {
			t.Errorf("reminders: %v", err)
		}
		sent[i] = n
	})
	total := 0
	for _, n := range sent {
		total += n
	}
	if total != 5 {
		t.Errorf("%d reminders sent in all (%v), want one to each of the 5 participants", total, sent)
	}
	if n := e.count("SELECT count(*) FROM outbox WHERE template = 'workshop_reminder'"); n != 5 {
		t.Errorf("%d reminders queued, want 5", n)
	}

	e.advance(8 * 24 * time.Hour) // the workshop is over
	var hooks atomic.Int64
	for _, s := range svcs {
		s.OnCompleted(func(context.Context, int64) { hooks.Add(1) })
	}
	atOnce(6, func(i int) {
		if _, err := svcs[i%len(svcs)].SetStatus(ctx, e.actor(), w.ID, workshops.StatusCompleted); err != nil {
			t.Errorf("complete: %v", err)
		}
	})
	if n := hooks.Load(); n != 1 {
		t.Errorf("the completion hooks ran %d times, want once", n)
	}
	if n := e.count("SELECT count(*) FROM audit_log WHERE action = 'workshop.status' AND to_value = 'completed'"); n != 1 {
		t.Errorf("completion recorded %d times, want once", n)
	}
}

// TestApplicationsBesideAChangeToNational: applications run side by side (a pending
// registration takes no seat), but not beside a change that depends on who has applied. 120
// officials, one in twenty from another state than Jordan, apply across three instances while
// staff make the workshop a national one of Jordan, which is refused while anyone of another state is registered: in the
// end, either the workshop is national and every live registration is Jordanian (the later
// applications refused as of the wrong country), or it stayed regional; each application either
// stands or was refused with that reason.
func TestApplicationsBesideAChangeToNational(t *testing.T) {
	const people = 120
	dbs := instances(t, 3)
	e := newEnvOn(t, dbs[0])
	svcs := e.services(dbs)
	ctx := context.Background()
	w := e.published(input(200, 0))
	who := make([]*officials.Official, people)
	for i := range who {
		country := "JO"
		if i%20 == 7 {
			country = memberStates[1+i%(len(memberStates)-1)]
		}
		who[i] = e.official(country)
	}
	national := input(200, 0)
	national.Kind = workshops.KindNational
	codes := make([]string, people+1)
	atOnce(people+1, func(i int) {
		if i == people/2 {
			_, err := svcs[i%len(svcs)].Update(ctx, e.actor(), w.ID, national)
			codes[people] = code(err)
			return
		}
		if i > people/2 {
			i--
		}
		_, err := svcs[i%len(svcs)].Apply(ctx, who[i], w.ID, "I lead our open data portal.")
		codes[i] = code(err)
	})
	change := codes[people]
	codes = codes[:people]
	if change != "" && change != "validation" { // refused: someone of another state is registered
		t.Errorf("the change to national: %q", change)
	}
	after, err := e.ws.Get(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	others := e.count(`SELECT count(*) FROM registrations WHERE workshop_id = ? AND country <> 'JO'`, w.ID)
	registered := e.count(`SELECT count(*) FROM registrations WHERE workshop_id = ?`, w.ID)
	ok := 0
	for i, c := range codes {
		switch {
		case c == "":
			ok++
		case c == "wrong_country" && after.Kind == workshops.KindNational && who[i].Country != "JO":
		default:
			t.Errorf("application %d (%s): %q", i, who[i].Country, c)
		}
	}
	if ok != registered {
		t.Errorf("%d applications accepted, %d registrations stored", ok, registered)
	}
	if after.Kind == workshops.KindNational && others > 0 {
		t.Errorf("the workshop became national with %d registrations of other states", others)
	}
	t.Logf("workshop %s; %d registered, %d of other states; the change: %q", after.Kind, registered, others, change)
}

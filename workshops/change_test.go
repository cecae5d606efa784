package workshops_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// changeEnv is a published workshop in Amman with two agenda items, and one person in each
// state: confirmed, offered a seat, waitlisted, pending and cancelled.
type changeEnv struct {
	*env
	w                                             *workshops.Workshop
	confirmed, offered, waitlisted, pending, gone *officials.Official
}

func newChangeEnv(t *testing.T) *changeEnv {
	e := newEnv(t)
	in := input(2, 0)
	in.OnlineURL = "https://meet.test/old-room?pwd=1"
	in.Sessions = []workshops.SessionInput{
		session("2026-03-10T09:00", "2026-03-10T10:30", "الافتتاح"),
		session("2026-03-10T11:00", "2026-03-10T12:30", "البوابات"),
	}
	w := e.published(in)
	c := &changeEnv{env: e, w: w, confirmed: e.official("JO"), gone: e.official("QA"), offered: e.official("MA"),
		waitlisted: e.official("TN"), pending: e.official("EG")}
	var r []*workshops.Registration
	for _, p := range []*officials.Official{c.confirmed, c.gone, c.offered, c.waitlisted, c.pending} {
		r = append(r, e.apply(p, w))
	}
	e.must(r[0], e.staff, workshops.ActApprove)
	e.must(r[1], e.staff, workshops.ActApprove)
	e.must(r[2], e.staff, workshops.ActWaitlist)
	e.must(r[3], e.staff, workshops.ActWaitlist)
	e.must(r[1], c.gone, workshops.ActCancel) // the seat goes to the first on the list
	if e.status(r[2].ID) != workshops.RegOffered {
		t.Fatalf("setup: %s", e.status(r[2].ID))
	}
	if _, err := e.db.W.Exec("UPDATE officials SET language = 'ar' WHERE id = ?", c.waitlisted.ID); err != nil {
		t.Fatal(err)
	}
	c.w = c.get()
	return c
}

func (c *changeEnv) get() *workshops.Workshop {
	c.t.Helper()
	w, err := c.ws.Get(context.Background(), c.w.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	return w
}

// notices returns the text of every "workshop changed" message to o, oldest first.
func (c *changeEnv) notices(o *officials.Official) []string {
	c.t.Helper()
	rows, err := c.db.R.Query("SELECT text_body FROM outbox WHERE to_email = ? AND template = 'workshop_changed' ORDER BY id", o.Email)
	if err != nil {
		c.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func (c *changeEnv) update(edit func(in *workshops.Input)) *workshops.Workshop {
	c.t.Helper()
	in := c.w.Input()
	edit(&in)
	w, err := c.ws.Update(context.Background(), c.actor(), c.w.ID, in)
	if err != nil {
		c.t.Fatalf("update: %v", err)
	}
	c.w = w
	return w
}

func TestNoOpSaveChangesNothing(t *testing.T) {
	c := newChangeEnv(t)
	before := c.w
	ics := c.ws.EventICS(context.Background(), before, "en")
	after := c.update(func(*workshops.Input) {})
	if after.Sequence != before.Sequence || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("no-op save: sequence %d → %d, updated %v → %v", before.Sequence, after.Sequence, before.UpdatedAt, after.UpdatedAt)
	}
	if got := c.ws.EventICS(context.Background(), after, "en"); string(got) != string(ics) {
		t.Errorf("no-op save changed the calendar:\n%s\n---\n%s", ics, got)
	}
	for _, o := range []*officials.Official{c.confirmed, c.offered, c.waitlisted} {
		if n := c.notices(o); len(n) != 0 {
			t.Errorf("no-op save told %s: %q", o.Email, n)
		}
	}
	// A change a calendar does not show (capacity) is recorded but neither re-alerts nor tells.
	after = c.update(func(in *workshops.Input) { in.Capacity = 3 })
	if after.Sequence != before.Sequence || len(c.notices(c.confirmed)) != 0 {
		t.Errorf("capacity change: sequence %d → %d, notices %q", before.Sequence, after.Sequence, c.notices(c.confirmed))
	}
}

// Each kind of change reaches the confirmed, the offered and the waitlisted (not the pending,
// not the cancelled), old → new, in their language, in the same transaction as the change.
func TestWorkshopChangedNotice(t *testing.T) {
	c := newChangeEnv(t)
	cases := []struct {
		name  string
		edit  func(in *workshops.Input)
		wants []string // in the English message: label, old, new
		ar    []string // in the Arabic message of the waitlisted person
	}{
		{"dates", func(in *workshops.Input) {
			in.StartDate, in.EndDate = "2026-03-17", "2026-03-19"
			in.Sessions[0].StartsAt, in.Sessions[0].EndsAt = "2026-03-17T09:00", "2026-03-17T10:30"
			in.Sessions[1].StartsAt, in.Sessions[1].EndsAt = "2026-03-17T11:00", "2026-03-17T12:30"
		}, []string{"Dates: 10–12 March 2026 → 17–19 March 2026", "Tuesday 10 March 2026 09:00–10:30 (UTC+3) → Tuesday 17 March 2026 09:00–10:30 (UTC+3)"},
			[]string{"التواريخ: كان 10–12 مارس 2026، وأصبح 17–19 مارس 2026"}},
		{"session time", func(in *workshops.Input) {
			in.Sessions[1].StartsAt, in.Sessions[1].EndsAt = "2026-03-17T14:00", "2026-03-17T15:30"
		}, []string{"Tuesday 17 March 2026 11:00–12:30 (UTC+3) → Tuesday 17 March 2026 14:00–15:30 (UTC+3)"}, []string{"«البوابات»"}},
		{"city", func(in *workshops.Input) { in.City = "Aqaba" }, []string{"Place: Amman, Jordan → Aqaba, Jordan"}, []string{"المكان: كان Amman، الأردن، وأصبح Aqaba، الأردن"}},
		{"venue", func(in *workshops.Input) { in.Venue = "Kempinski" }, []string{"Venue: Le Royal → Kempinski"}, []string{"مقر الانعقاد"}},
		{"online link", func(in *workshops.Input) { in.OnlineURL = "https://meet.test/new-room?pwd=2" },
			[]string{"Online meeting link: https://meet.test/old-room?pwd=1 → https://meet.test/new-room?pwd=2"}, []string{"يُرسَل إليك الرابط عند تأكيد مقعدك"}},
	}
	for i, tc := range cases {
		seq := c.w.Sequence
		c.update(tc.edit)
		if c.w.Sequence != seq+1 {
			t.Errorf("%s: sequence %d → %d, want +1", tc.name, seq, c.w.Sequence)
		}
		for _, o := range []*officials.Official{c.confirmed, c.offered, c.waitlisted} {
			n := c.notices(o)
			if len(n) != i+1 {
				t.Fatalf("%s: %s got %d notices, want %d", tc.name, o.Email, len(n), i+1)
			}
			last := n[i]
			wants := tc.wants
			if o == c.waitlisted {
				wants = tc.ar
			}
			for _, want := range wants {
				if o != c.confirmed && strings.Contains(want, "meet.test") {
					continue
				}
				if !strings.Contains(strings.NewReplacer("\u2066", "", "\u2069", "").Replace(last), want) {
					t.Errorf("%s: notice to %s lacks %q:\n%s", tc.name, o.Email, want, last)
				}
			}
			if o != c.confirmed && strings.Contains(last, "meet.test") {
				t.Errorf("%s: the online link went to %s, who is not confirmed:\n%s", tc.name, o.Email, last)
			}
		}
		for _, o := range []*officials.Official{c.pending, c.gone} {
			if n := c.notices(o); len(n) != 0 {
				t.Errorf("%s: %s was told", tc.name, o.Email)
			}
		}
	}
	// The confirmed participant's notice carries the calendar entry with the new SEQUENCE.
	var ics string
	err := c.db.R.QueryRow(`SELECT a.data FROM outbox_attachments a JOIN outbox m ON m.id = a.outbox_id
		WHERE m.to_email = ? AND m.template = 'workshop_changed' ORDER BY m.id DESC LIMIT 1`, c.confirmed.Email).Scan(&ics)
	if err != nil || !strings.Contains(ics, fmt.Sprintf("SEQUENCE:%d\r\n", c.w.Sequence)) {
		t.Errorf("attached calendar (%v):\n%s", err, ics)
	}
	var n int
	c.db.R.QueryRow(`SELECT count(*) FROM outbox_attachments a JOIN outbox m ON m.id = a.outbox_id WHERE m.to_email = ?
		AND m.template = 'workshop_changed'`, c.offered.Email).Scan(&n)
	if n != 0 {
		t.Errorf("the offered person received %d calendar files with the online link", n)
	}
}

// The notice is queued in the change's transaction: a change that fails leaves no mail.
func TestWorkshopChangedNoticeRollsBack(t *testing.T) {
	c := newChangeEnv(t)
	in := c.w.Input()
	in.City, in.Capacity = "Aqaba", 3
	// The larger capacity offers a seat to the waiting list after the notices are queued; a
	// trigger makes that last step fail.
	refuseUpdates(t, c.db, "registrations")
	if _, err := c.ws.Update(context.Background(), c.actor(), c.w.ID, in); err == nil {
		t.Fatal("update went through the trigger")
	}
	if n := c.notices(c.confirmed); len(n) != 0 {
		t.Errorf("a refused change queued %d notices", len(n))
	}
	if w := c.get(); w.City != "Amman" {
		t.Errorf("city = %s", w.City)
	}
}

// Replacing the agenda through the API (items without ids) keeps the UIDs of the items that
// remain, sends the removed ones as cancelled and never reuses their ids.
func TestAgendaReplacementKeepsUIDs(t *testing.T) {
	c := newChangeEnv(t)
	ctx := context.Background()
	old := c.w
	keepID, dropID := old.Sessions[0].ID, old.Sessions[1].ID
	c.update(func(in *workshops.Input) {
		in.Sessions = []workshops.SessionInput{
			session("2026-03-10T09:30", "2026-03-10T10:30", "الافتتاح"), // same title, new time
			session("2026-03-11T09:00", "2026-03-11T10:00", "الختام"),   // new
		}
	})
	if c.w.Sequence != old.Sequence+1 || len(c.w.Sessions) != 2 || c.w.Sessions[0].ID != keepID {
		t.Fatalf("sessions %+v, sequence %d", c.w.Sessions, c.w.Sequence)
	}
	newID := c.w.Sessions[1].ID
	if newID == dropID || newID == keepID {
		t.Errorf("new item took id %d", newID)
	}
	cal := parseICS(t, c.ws.EventICS(ctx, c.w, "en"))
	byUID := map[string]*icsComponent{}
	for _, ev := range cal.Subs {
		uid, _ := ev.get("UID")
		byUID[uid.Value] = ev
	}
	uid := func(id int64) string { return fmt.Sprintf("workshop-%d-session-%d@masar.test", c.w.ID, id) }
	for id, status := range map[int64]string{keepID: "CONFIRMED", newID: "CONFIRMED", dropID: "CANCELLED"} {
		ev, ok := byUID[uid(id)]
		if !ok {
			t.Errorf("no event %s in\n%s", uid(id), c.ws.EventICS(ctx, c.w, "en"))
			continue
		}
		st, _ := ev.get("STATUS")
		seq, _ := ev.get("SEQUENCE")
		if st.Value != status || seq.Value != fmt.Sprint(c.w.Sequence) {
			t.Errorf("%s: STATUS:%s SEQUENCE:%s, want %s and %d", uid(id), st.Value, seq.Value, status, c.w.Sequence)
		}
	}
	// The notice names the removed item as cancelled and the new one as new.
	n := c.notices(c.confirmed)
	if len(n) != 1 || !strings.Contains(n[0], "“البوابات”: Tuesday 10 March 2026 11:00–12:30") || !strings.Contains(n[0], "→ cancelled") ||
		!strings.Contains(n[0], "(new item) →") {
		t.Errorf("notice:\n%q", n)
	}
	// Removing everything, then adding an item: no id is reused.
	c.update(func(in *workshops.Input) { in.Sessions = nil })
	c.update(func(in *workshops.Input) {
		in.Sessions = []workshops.SessionInput{session("2026-03-12T09:00", "2026-03-12T10:00", "جديد")}
	})
	if id := c.w.Sessions[0].ID; id == keepID || id == newID || id == dropID {
		t.Errorf("a new item reused the id %d of a removed one", id)
	}
	if ics := string(c.ws.EventICS(ctx, c.w, "en")); strings.Count(ics, "STATUS:CANCELLED") != 3 {
		t.Errorf("want three cancelled items:\n%s", ics)
	}
}

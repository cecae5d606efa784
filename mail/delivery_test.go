package mail

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/store"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 3, 6, 8, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *testClock) advance(d time.Duration) { c.set(c.Now().Add(d)) }

func expiringResetMsg(to string, until time.Time) Message {
	return Message{To: to, Name: "Amina", Lang: "en", Template: "reset",
		Data: map[string]any{"Link": "https://masar.test/en/reset/secret"}, UsefulUntil: until}
}

// runUntilDue moves the clock to the message's next attempt and runs a delivery round.
func runUntilDue(t *testing.T, m *Mailer, clk *testClock, id int64) Item {
	t.Helper()
	it, err := m.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if it.NextAttemptAt != nil && it.NextAttemptAt.After(clk.Now()) {
		clk.set(*it.NextAttemptAt)
	}
	_, _ = m.DeliverPending(context.Background())
	it, err = m.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// TestOutageOfHoursLosesNothing: an SMTP server that refuses everything for longer than the
// old 8 attempts (~2 hours) does not make the mailer give up; the message is "retrying
// until" three days after it was written, with the last error, and goes out when the
// server is back. A server down for more than three days ends in "failed" with the reason.
func TestOutageOfHoursLosesNothing(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	srv := startSMTP(t)
	srv.refuse.Store(true)
	clk := newClock()
	start := clk.Now()
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none", Now: clk.Now})
	id, err := m.Enqueue(ctx, db.W, confirmMsg("amina@gov.test", "Amina", "en"))
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := m.Get(ctx, id); it.Status != StatusQueued || it.RetryUntil != nil {
		t.Fatalf("new message: status %s, retry until %v", it.Status, it.RetryUntil)
	}
	var it Item
	for clk.Now().Sub(start) < 5*time.Hour {
		it = runUntilDue(t, m, clk, id)
		if it.Status != StatusRetrying {
			t.Fatalf("after %s of outage and %d attempts: status %s (%s)", clk.Now().Sub(start), it.Attempts, it.Status, it.Reason)
		}
	}
	if it.Attempts <= 8 || !strings.Contains(it.LastError, "outage") || it.RetryUntil == nil || !it.RetryUntil.Equal(start.Add(RetryWindow)) {
		t.Fatalf("after 5 hours: attempts %d, last error %q, retry until %v", it.Attempts, it.LastError, it.RetryUntil)
	}
	if len(srv.received()) != 0 {
		t.Fatal("a refused message counted as received")
	}
	// The JSON form says the same: retrying, until when, and why.
	js, _ := json.Marshal(it)
	for _, want := range []string{`"status":"retrying"`, `"retry_until":"` + start.Add(RetryWindow).Format(time.RFC3339), `"last_error":"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s: %s", want, js)
		}
	}
	srv.refuse.Store(false)
	if it = runUntilDue(t, m, clk, id); it.Status != StatusSent || it.SentAt == nil || len(srv.received()) != 1 {
		t.Fatalf("server back: status %s, received %d", it.Status, len(srv.received()))
	}

	// An outage longer than the window: given up only after three days, with the reason.
	srv.refuse.Store(true)
	start = clk.Now()
	id2, err := m.Enqueue(ctx, db.W, confirmMsg("karim@gov.test", "Karim", "fr"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		it = runUntilDue(t, m, clk, id2)
		if it.Status != StatusRetrying || i > 200 {
			break
		}
	}
	if it.Status != StatusFailed || it.Reason != ReasonGaveUp || !strings.Contains(it.LastError, "outage") || it.NextAttemptAt != nil {
		t.Fatalf("after the window: %+v", it)
	}
	if gaveUp := clk.Now().Sub(start); gaveUp < RetryWindow {
		t.Fatalf("gave up after %s, before the %s window", gaveUp, RetryWindow)
	}
}

// TestExpiredMessagesAreDroppedNotSentLate: with no SMTP server, mail waits; a server
// configured later sends what is still of use and drops, with the reason, the reset link
// that expired meanwhile.
func TestExpiredMessagesAreDroppedNotSentLate(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	offline := newMailer(t, db, Config{Now: clk.Now})
	stale, err := offline.Enqueue(ctx, db.W, expiringResetMsg("amina@gov.test", clk.Now().Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	lasting, err := offline.Enqueue(ctx, db.W, confirmMsg("karim@gov.test", "Karim", "ar"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := offline.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if it, _ := offline.Get(ctx, stale); it.Status != StatusQueued || it.UsefulUntil == nil {
		t.Fatalf("before expiry, without SMTP: %s, useful until %v", it.Status, it.UsefulUntil)
	}
	clk.advance(3 * time.Hour) // the operator configures SMTP later
	srv := startSMTP(t)
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none", Now: clk.Now})
	if sent, err := m.DeliverPending(ctx); err != nil || sent != 1 {
		t.Fatalf("DeliverPending = %d, %v; want only the message still of use", sent, err)
	}
	got := srv.received()
	if len(got) != 1 || got[0].to[0] != "karim@gov.test" {
		t.Fatalf("received %+v", got)
	}
	it, _ := m.Get(ctx, stale)
	if it.Status != StatusDropped || it.Reason != ReasonExpired || it.SentAt != nil || it.NextAttemptAt != nil {
		t.Fatalf("expired reset link: %+v", it)
	}
	if it, _ := m.Get(ctx, lasting); it.Status != StatusSent {
		t.Fatalf("lasting message: %s", it.Status)
	}
	// Already expired when written: stored as dropped, never due.
	id, err := m.Enqueue(ctx, db.W, expiringResetMsg("sara@gov.test", clk.Now().Add(-time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := m.Get(ctx, id); it.Status != StatusDropped || it.Reason != ReasonExpired {
		t.Fatalf("expired on arrival: %s %s", it.Status, it.Reason)
	}
}

// TestBacklogGetsItsOwnRetryWindow: mail that waited days for an SMTP server to be
// configured is not given up at its first failure: its three days start with its first
// attempt.
func TestBacklogGetsItsOwnRetryWindow(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	offline := newMailer(t, db, Config{Now: clk.Now})
	id, err := offline.Enqueue(ctx, db.W, confirmMsg("amina@gov.test", "Amina", "en"))
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(5 * 24 * time.Hour)
	srv := startSMTP(t)
	srv.refuse.Store(true)
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none", Now: clk.Now})
	firstTry := clk.Now()
	it := runUntilDue(t, m, clk, id)
	if it.Status != StatusRetrying || it.RetryUntil == nil || !it.RetryUntil.Equal(firstTry.Add(RetryWindow)) {
		t.Fatalf("five-day-old message after its first failure: %s, retry until %v", it.Status, it.RetryUntil)
	}
	clk.advance(24 * time.Hour)
	srv.refuse.Store(false)
	if it = runUntilDue(t, m, clk, id); it.Status != StatusSent {
		t.Fatalf("after a day of retries: %s", it.Status)
	}
}

func TestResendAndDiscard(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	srv := startSMTP(t)
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none", Now: clk.Now})
	in := func(f func(tx *sql.Tx) error) error { return db.Tx(ctx, f) }

	// A queued message: discarded, it never goes out, and cannot be discarded twice.
	waiting, _ := m.Enqueue(ctx, db.W, confirmMsg("amina@gov.test", "Amina", "en"))
	if err := in(func(tx *sql.Tx) error { _, err := m.Resend(ctx, tx, waiting); return err }); !errors.Is(err, ErrNotResendable) {
		t.Errorf("resend of a waiting message: %v", err)
	}
	if err := in(func(tx *sql.Tx) error { _, err := m.Discard(ctx, tx, waiting); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := m.DeliverPending(ctx); err != nil || len(srv.received()) != 0 {
		t.Fatalf("a discarded message went out (%v)", err)
	}
	if it, _ := m.Get(ctx, waiting); it.Status != StatusDiscarded || it.NextAttemptAt != nil {
		t.Fatalf("after discard: %+v", it)
	}
	if err := in(func(tx *sql.Tx) error { _, err := m.Discard(ctx, tx, waiting); return err }); !errors.Is(err, ErrNotDiscardable) {
		t.Errorf("second discard: %v", err)
	}

	// A failed message: resent as a new series with a fresh window, and delivered.
	srv.refuse.Store(true)
	failed, _ := m.Enqueue(ctx, db.W, confirmMsg("karim@gov.test", "Karim", "en"))
	for i := 0; i < 300; i++ {
		if it := runUntilDue(t, m, clk, failed); it.Status == StatusFailed {
			break
		}
	}
	srv.refuse.Store(false)
	if err := in(func(tx *sql.Tx) error { _, err := m.Resend(ctx, tx, failed); return err }); err != nil {
		t.Fatal(err)
	}
	it, _ := m.Get(ctx, failed)
	if it.Status != StatusQueued || it.Attempts != 0 || it.LastError != "" || !it.SeriesStartedAt.Equal(clk.Now()) ||
		it.FirstFailedAt != nil || it.RetryUntil != nil {
		t.Fatalf("after resend: %+v", it)
	}
	if it = runUntilDue(t, m, clk, failed); it.Status != StatusSent || len(srv.received()) != 1 {
		t.Fatalf("resent message: %s, received %d", it.Status, len(srv.received()))
	}

	// A rolled-back resend changes nothing.
	boom := errors.New("boom")
	if err := in(func(tx *sql.Tx) error { _, _ = m.Resend(ctx, tx, failed); return boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if it, _ := m.Get(ctx, failed); it.Status != StatusSent {
		t.Fatalf("rolled-back resend left %s", it.Status)
	}

	// An expired link is not sent again.
	stale, _ := m.Enqueue(ctx, db.W, expiringResetMsg("sara@gov.test", clk.Now().Add(time.Hour)))
	clk.advance(2 * time.Hour)
	if _, err := m.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if err := in(func(tx *sql.Tx) error { _, err := m.Resend(ctx, tx, stale); return err }); !errors.Is(err, ErrNoLongerUseful) {
		t.Errorf("resend of an expired link: %v", err)
	}
	if _, err := m.Resend(ctx, db.W, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("resend of no message: %v", err)
	}
}

// TestHealth: mail failing for an hour is reported, with since and how many wait; not
// before; mail without SMTP says so.
func TestHealth(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := newClock()
	srv := startSMTP(t)
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none", Now: clk.Now})
	if h, err := m.Health(ctx); err != nil || h.Status != HealthOK || h.Queued != 0 {
		t.Fatalf("empty outbox: %+v %v", h, err)
	}
	if _, err := m.Enqueue(ctx, db.W, confirmMsg("amina@gov.test", "Amina", "en")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	srv.refuse.Store(true)
	clk.advance(10 * time.Minute)
	failStart := clk.Now()
	id, _ := m.Enqueue(ctx, db.W, confirmMsg("karim@gov.test", "Karim", "en"))
	runUntilDue(t, m, clk, id)
	clk.set(failStart.Add(59 * time.Minute))
	if h, _ := m.Health(ctx); h.Status != HealthOK || h.Queued != 1 {
		t.Fatalf("failing for 59 minutes: %+v", h)
	}
	clk.set(failStart.Add(61 * time.Minute))
	h, err := m.Health(ctx)
	if err != nil || h.Status != HealthFailing || h.Since == nil || !h.Since.Equal(failStart) || h.Queued != 1 {
		t.Fatalf("failing for an hour: %+v %v", h, err)
	}
	srv.refuse.Store(false)
	runUntilDue(t, m, clk, id)
	if h, _ := m.Health(ctx); h.Status != HealthOK || h.Queued != 0 {
		t.Fatalf("after recovery: %+v", h)
	}

	offline := newMailer(t, db, Config{Now: clk.Now})
	_, _ = offline.Enqueue(ctx, db.W, confirmMsg("sara@gov.test", "Sara", "en"))
	if h, _ := offline.Health(ctx); h.Status != HealthNotConfigured || h.Queued != 1 {
		t.Fatalf("without SMTP: %+v", h)
	}
}

func reminderMsg(to, lang string) Message {
	return Message{To: to, Name: "Amina", Lang: lang, Template: "workshop_reminder",
		Data: workshopSample(map[string]any{"Days": 3, "TicketLink": "https://masar.test/en/workshops/1/ticket"})}
}

// TestHeadersAndUnsubscribe: delivered mail carries Reply-To, the platform's name in the
// message's language, and List-Unsubscribe (with one-click) only on notifications that may
// be turned off; a recipient who turned a category off gets none of it, but still gets
// transactional mail.
func TestHeadersAndUnsubscribe(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	srv := startSMTP(t)
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none", From: "no-reply@masar.test",
		ReplyTo: "ogp@commission.test", BaseURL: "https://masar.test", Secret: []byte("k")})
	for _, msg := range []Message{reminderMsg("amina@gov.test", "ar"), expiringResetMsg("amina@gov.test", time.Time{}), reminderMsg("karim@gov.test", "fr")} {
		if _, err := m.Enqueue(ctx, db.W, msg); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 3 {
		t.Fatalf("received %d", len(got))
	}
	dec := new(mime.WordDecoder)
	for i, want := range []struct{ from, category string }{{"مسار", CategoryReminders}, {"Masar", ""}, {"Masar", CategoryReminders}} {
		msg, err := netmail.ReadMessage(bytes.NewReader(got[i].data))
		if err != nil {
			t.Fatal(err)
		}
		from, err := (&netmail.AddressParser{WordDecoder: dec}).Parse(msg.Header.Get("From"))
		if err != nil || from.Name != want.from || from.Address != "no-reply@masar.test" {
			t.Errorf("message %d: From %q (%v), want %s", i, msg.Header.Get("From"), err, want.from)
		}
		if rt := msg.Header.Get("Reply-To"); !strings.Contains(rt, "ogp@commission.test") {
			t.Errorf("message %d: Reply-To %q", i, rt)
		}
		lu, post := msg.Header.Get("List-Unsubscribe"), msg.Header.Get("List-Unsubscribe-Post")
		if want.category == "" {
			if lu != "" || post != "" {
				t.Errorf("transactional message %d has List-Unsubscribe %q", i, lu)
			}
			continue
		}
		if post != "List-Unsubscribe=One-Click" || !strings.HasPrefix(lu, "<https://masar.test/unsubscribe/") || !strings.HasSuffix(lu, ">") {
			t.Errorf("message %d: List-Unsubscribe %q, -Post %q", i, lu, post)
			continue
		}
		tok := strings.TrimSuffix(strings.TrimPrefix(lu, "<https://masar.test/unsubscribe/"), ">")
		u, err := m.ParseUnsubscribeToken(tok)
		if err != nil || tok != m.UnsubscribeToken(got[i].to[0], want.category) || u.Category != want.category {
			t.Errorf("message %d: token %q names %q (%v)", i, tok, u.Category, err)
		}
		if strings.Contains(lu, "gov.test") || strings.Contains(lu, base64.RawURLEncoding.EncodeToString([]byte(got[i].to[0]))) {
			t.Errorf("message %d: the unsubscribe link shows the address: %s", i, lu)
		}
		// The link turns that category off for that address, and no other.
		if err := m.SetSubscribed(ctx, db.W, u, false); err != nil {
			t.Fatal(err)
		}
		if off, _ := m.OptedOut(ctx, db.R, got[i].to[0], want.category); !off {
			t.Errorf("message %d: the link did not turn %s off", i, want.category)
		}
		if err := m.SetSubscribed(ctx, db.W, u, true); err != nil {
			t.Fatal(err)
		}
	}

	// Turned off: reminders are not stored, a reset link still is.
	if err := m.SetPreference(ctx, db.W, "Amina@Gov.test", CategoryReminders, false); err != nil {
		t.Fatal(err)
	}
	if id, err := m.Enqueue(ctx, db.W, reminderMsg("amina@gov.test", "en")); err != nil || id != 0 {
		t.Errorf("reminder to someone who turned reminders off: id %d, %v", id, err)
	}
	if id, err := m.Enqueue(ctx, db.W, expiringResetMsg("amina@gov.test", time.Time{})); err != nil || id == 0 {
		t.Errorf("reset link to the same person: id %d, %v", id, err)
	}
	if id, err := m.Enqueue(ctx, db.W, reminderMsg("karim@gov.test", "en")); err != nil || id == 0 {
		t.Errorf("reminder to someone else: id %d, %v", id, err)
	}
	prefs, err := m.Preferences(ctx, "amina@gov.test")
	if err != nil || prefs[CategoryReminders] || !prefs[CategoryAdvisory] {
		t.Errorf("preferences: %v %v", prefs, err)
	}
	if err := m.SetPreference(ctx, db.W, "amina@gov.test", CategoryReminders, true); err != nil {
		t.Fatal(err)
	}
	if id, _ := m.Enqueue(ctx, db.W, reminderMsg("amina@gov.test", "en")); id == 0 {
		t.Error("reminders turned back on, still skipped")
	}

	// Erasing an account forgets its preferences, and only its.
	if err := m.SetPreference(ctx, db.W, "karim@gov.test", CategoryAdvisory, false); err != nil {
		t.Fatal(err)
	}
	if err := m.SetPreference(ctx, db.W, "amina@gov.test", CategoryAdvisory, false); err != nil {
		t.Fatal(err)
	}
	if err := m.ForgetAddress(ctx, db.W, "AMINA@gov.test"); err != nil {
		t.Fatal(err)
	}
	if off, _ := m.OptedOut(ctx, db.R, "amina@gov.test", CategoryAdvisory); off {
		t.Error("preferences kept after ForgetAddress")
	}
	if off, _ := m.OptedOut(ctx, db.R, "karim@gov.test", CategoryAdvisory); !off {
		t.Error("ForgetAddress forgot someone else")
	}

	// Tokens cannot be forged or moved to another address.
	tok := m.UnsubscribeToken("amina@gov.test", CategoryAdvisory)
	other := newMailer(t, db, Config{Secret: []byte("other key")})
	for _, bad := range []string{"", "x", tok + "x", strings.Replace(tok, ".", "", 1), m.UnsubscribeToken("amina@gov.test", "bogus")} {
		if _, err := m.ParseUnsubscribeToken(bad); !errors.Is(err, ErrBadToken) {
			t.Errorf("token %q accepted", bad)
		}
	}
	if _, err := other.ParseUnsubscribeToken(tok); !errors.Is(err, ErrBadToken) {
		t.Error("a token of another key accepted")
	}

	// A name set by the operator is kept in every language.
	named := newMailer(t, db, Config{From: "Programme OGP <no-reply@masar.test>"})
	if a := named.sender("ar"); a.Name != "Programme OGP" {
		t.Errorf("operator's name replaced: %v", a)
	}
}

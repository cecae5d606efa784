package mail

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// TestTwoInstancesSendEachMessageOnce: two Masar instances on one PostgreSQL database run
// their delivery rounds at the same moment over one outbox: every message reaches its
// recipient once, none twice, and all are recorded sent.
func TestTwoInstancesSendEachMessageOnce(t *testing.T) {
	if storetest.Backend() != store.Postgres {
		t.Skip("SQLite: one server per data directory runs the mailer; instances share an outbox only on PostgreSQL (MASAR_TEST_DATABASE=postgres)")
	}
	ctx := context.Background()
	db := openDB(t)
	srv := startSMTP(t)
	// Each message takes the server a while, so that the two rounds overlap.
	srv.slow.Store(int64(20 * time.Millisecond))
	cfg := Config{SMTPURL: "smtp://" + srv.addr + "?tls=none"}
	one, two := newMailer(t, db, cfg), newMailer(t, db, cfg)
	const n = 20
	for i := range n {
		if _, err := one.Enqueue(ctx, db.W, confirmMsg(fmt.Sprintf("official%d@gov.test", i), "Official", "en")); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, m := range []*Mailer{one, two} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := m.DeliverPending(ctx); err != nil {
				t.Errorf("delivery round: %v", err)
			}
		}()
	}
	wg.Wait()
	// A round that found the other delivering left the work to it; the next rounds find
	// nothing due.
	for _, m := range []*Mailer{two, one} {
		if sent, err := m.DeliverPending(ctx); err != nil || sent != 0 {
			t.Errorf("a later round sent %d (%v), want nothing left", sent, err)
		}
	}
	got := srv.received()
	seen := map[string]int{}
	for _, r := range got {
		seen[r.to[0]]++
	}
	for to, k := range seen {
		if k > 1 {
			t.Errorf("%s received the message %d times", to, k)
		}
	}
	if len(seen) != n || len(got) != n {
		t.Errorf("%d messages received by %d recipients, want %d once each", len(got), len(seen), n)
	}
	items, _, err := one.List(ctx, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Status != StatusSent {
			t.Errorf("message %d to %s is %s, want sent", it.ID, it.To, it.Status)
		}
	}
}

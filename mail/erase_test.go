package mail

import (
	"context"
	"testing"
	"time"
)

func init() {
	sampleData["erasure_scheduled"] = struct {
		data     map[string]any
		optional []string
	}{map[string]any{"Name": "Amina", "Due": "17 December 2026", "Link": "https://masar.test/en/erasure/undo/x"}, nil}
}

// count returns how many messages and attachments the outbox holds for address.
func count(t *testing.T, m *Mailer, address string) (msgs, atts int) {
	t.Helper()
	ctx := context.Background()
	if err := m.db.R.QueryRowContext(ctx, "SELECT count(*) FROM outbox WHERE lower(to_email) = lower(?)", address).Scan(&msgs); err != nil {
		t.Fatal(err)
	}
	if err := m.db.R.QueryRowContext(ctx, `SELECT count(*) FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id
		WHERE lower(o.to_email) = lower(?)`, address).Scan(&atts); err != nil {
		t.Fatal(err)
	}
	return msgs, atts
}

func TestEraseRecipient(t *testing.T) {
	db := openDB(t)
	m := newMailer(t, db, Config{})
	ctx := context.Background()
	pdf := Attachment{Filename: "certificate.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 Leaving Person")}
	for _, to := range []string{"Leaving@Example.org", "leaving@example.org", "staying@example.org"} {
		msg := confirmMsg(to, "Someone", "en")
		msg.Attachments = []Attachment{pdf}
		if _, err := m.Enqueue(ctx, db.W, msg); err != nil {
			t.Fatal(err)
		}
	}
	n, err := EraseRecipient(ctx, db.W, "LEAVING@example.org")
	if err != nil || n != 2 {
		t.Fatalf("erased %d messages (%v), want the 2 to the address in any case", n, err)
	}
	if msgs, atts := count(t, m, "leaving@example.org"); msgs != 0 || atts != 0 {
		t.Errorf("left %d messages and %d attachments to the erased address", msgs, atts)
	}
	if msgs, atts := count(t, m, "staying@example.org"); msgs != 1 || atts != 1 {
		t.Errorf("someone else's mail went too: %d messages, %d attachments", msgs, atts)
	}
	var orphans int
	if err := db.R.QueryRow("SELECT count(*) FROM outbox_attachments WHERE outbox_id NOT IN (SELECT id FROM outbox)").Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d attachments left without their message (%v)", orphans, err)
	}
}

func TestPurgeKeepsMailForTheRetentionPeriod(t *testing.T) {
	db := openDB(t)
	m := newMailer(t, db, Config{})
	ctx := context.Background()
	now := time.Now()
	enqueue := func(to string) int64 {
		msg := confirmMsg(to, "", "en")
		msg.Attachments = []Attachment{{Filename: "a.txt", Data: []byte("x")}}
		id, err := m.Enqueue(ctx, db.W, msg)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	set := func(id int64, q string, args ...any) {
		if _, err := db.W.Exec(q, append(args, id)...); err != nil {
			t.Fatal(err)
		}
	}
	old := formatTime(now.AddDate(0, 0, -200))
	recent := formatTime(now.AddDate(0, 0, -10))
	sentLongAgo := enqueue("old@example.org")
	set(sentLongAgo, "UPDATE outbox SET created_at = ?, sent_at = ?, next_attempt_at = NULL WHERE id = ?", old, old)
	givenUpLongAgo := enqueue("abandoned@example.org")
	set(givenUpLongAgo, "UPDATE outbox SET created_at = ?, next_attempt_at = NULL WHERE id = ?", old)
	sentRecently := enqueue("recent@example.org")
	set(sentRecently, "UPDATE outbox SET created_at = ?, sent_at = ?, next_attempt_at = NULL WHERE id = ?", old, recent)
	stillWaiting := enqueue("waiting@example.org")
	set(stillWaiting, "UPDATE outbox SET created_at = ? WHERE id = ?", old)

	n, err := m.Purge(ctx, now.AddDate(0, 0, -180))
	if err != nil || n != 2 {
		t.Fatalf("purged %d (%v), want the 2 messages over 180 days old", n, err)
	}
	for id, want := range map[int64]bool{sentLongAgo: false, givenUpLongAgo: false, sentRecently: true, stillWaiting: true} {
		_, err := m.Get(ctx, id)
		if (err == nil) != want {
			t.Errorf("message %d: kept = %v, want %v", id, err == nil, want)
		}
	}
	var atts int
	_ = db.R.QueryRow("SELECT count(*) FROM outbox_attachments").Scan(&atts)
	if atts != 2 {
		t.Errorf("%d attachments left, want those of the 2 messages kept", atts)
	}
}

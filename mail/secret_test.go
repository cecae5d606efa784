package mail

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	netmail "net/mail"
	"strings"
	"testing"
)

// liveToken looks like officials.NewToken's secrets: 43 URL-safe base64 characters.
const liveToken = "Qm9uam91ci1jZXN0LXVuLXNlY3JldC1kZS10ZXN0LTQ"

// storedWith counts the outbox rows where any stored copy (subject, bodies, recipient's copy)
// holds s. The rows are searched here rather than in SQL, whose substring functions differ
// between SQLite (instr) and PostgreSQL (strpos).
func storedWith(t *testing.T, db interface {
	Query(string, ...any) (*sql.Rows, error)
}, s string) int {
	t.Helper()
	rows, err := db.Query(`SELECT subject, text_body, html_body, coalesce(recipient_text, ''), coalesce(recipient_html, '') FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var copies [5]string
		if err := rows.Scan(&copies[0], &copies[1], &copies[2], &copies[3], &copies[4]); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.Join(copies[:], "\x00"), s) {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func resetMsg(link any) Message {
	return Message{To: "amina@gov.test", Name: "Amina", Lang: "ar", Template: "reset", Data: map[string]any{"Link": link}}
}

// TestSecretReachesOnlyTheRecipient: a one-time link marked Secret is masked in what the
// outbox shows and keeps, whole in the message the recipient receives, and gone from the
// database once the message is sent.
func TestSecretReachesOnlyTheRecipient(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	srv := startSMTP(t)
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + srv.addr + "?tls=none", BaseURL: "https://masar.test"})
	id, err := m.Enqueue(ctx, db.W, resetMsg(SecretLink("https://masar.test/ar/reset/", liveToken)))
	if err != nil {
		t.Fatal(err)
	}
	it, err := m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	items, _, err := m.List(ctx, 10, 0)
	if err != nil || len(items) != 1 {
		t.Fatalf("List: %v %v", items, err)
	}
	for _, shown := range []string{it.Text, it.HTML, it.Subject, items[0].Text, items[0].HTML} {
		if strings.Contains(shown, liveToken) {
			t.Fatalf("the outbox shows the one-time link:\n%s", shown)
		}
	}
	if m.MaskedStrays() != 0 {
		t.Errorf("the Secret was masked by the safety net, not as a Secret")
	}
	if !strings.Contains(it.Text, "https://masar.test/ar/reset/"+Mask) {
		t.Errorf("the outbox's copy does not say where the masked link led:\n%s", it.Text)
	}
	if n := storedWith(t, db.R, liveToken); n != 1 {
		t.Fatalf("the recipient's copy is not kept until delivery (%d rows)", n)
	}

	if sent, err := m.DeliverPending(ctx); sent != 1 || err != nil {
		t.Fatalf("DeliverPending = %d, %v", sent, err)
	}
	got := srv.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	parts := leaves(t, msg.Header, msg.Body)
	kinds := 0
	for _, p := range parts {
		if p.contentType == "text/plain" || p.contentType == "text/html" {
			kinds++
			if !strings.Contains(string(p.body), "https://masar.test/ar/reset/"+liveToken) {
				t.Errorf("the recipient's %s lacks the link:\n%s", p.contentType, p.body)
			}
		}
	}
	if kinds != 2 {
		t.Errorf("%d text parts, want 2", kinds)
	}
	if n := storedWith(t, db.R, liveToken); n != 0 {
		t.Errorf("after delivery the outbox still holds the one-time link")
	}
	if it, _ := m.Get(ctx, id); it.Status != StatusSent {
		t.Errorf("status %s", it.Status)
	}
}

// TestGivenUpMessageForgetsItsSecret: a message the mailer gives up on keeps no live link.
func TestGivenUpMessageForgetsItsSecret(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	clk := newClock()
	m := newMailer(t, db, Config{SMTPURL: "smtp://" + addr + "?tls=none", Now: clk.Now})
	id, err := m.Enqueue(ctx, db.W, resetMsg(SecretLink("https://masar.test/ar/reset/", liveToken)))
	if err != nil {
		t.Fatal(err)
	}
	start := clk.Now()
	for i := 0; ; i++ {
		if n := storedWith(t, db.R, liveToken); n != 1 {
			t.Fatalf("the link went before the mailer gave up")
		}
		it := runUntilDue(t, m, clk, id)
		if it.Status == StatusFailed {
			break
		}
		if i > 200 {
			t.Fatalf("still %s after %d rounds and %v", it.Status, i, clk.Now().Sub(start))
		}
	}
	if n := storedWith(t, db.R, liveToken); n != 0 {
		t.Errorf("a message given up on still holds its one-time link")
	}
}

// TestUnmarkedTokenIsMaskedAndCounted: a token-like value its caller forgot to mark Secret
// is still masked in the outbox (and counted, so that tests catch the caller), while the
// recipient receives it; ordinary links, slugs and certificate codes are left alone.
func TestUnmarkedTokenIsMaskedAndCounted(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	m := newMailer(t, db, Config{BaseURL: "https://masar.test"})
	plain := map[string]any{"Title": "Open data", "Body": "See https://masar.test/en/courses/open-government-data-foundations and code 7K3M-9QXD-2B4T-F.",
		"Link": "https://masar.test/en/workshops/12/ticket"}
	id, err := m.Enqueue(ctx, db.W, Message{To: "amina@gov.test", Lang: "en", Template: "notice", Data: plain})
	if err != nil {
		t.Fatal(err)
	}
	it, _ := m.Get(ctx, id)
	if m.MaskedStrays() != 0 || !strings.Contains(it.Text, "open-government-data-foundations") || !strings.Contains(it.Text, "7K3M-9QXD-2B4T-F") ||
		!strings.Contains(it.Text, "/en/workshops/12/ticket") || strings.Contains(it.Text, Mask) {
		t.Errorf("an ordinary message was masked (%d):\n%s", m.MaskedStrays(), it.Text)
	}
	var rt sql.NullString
	if err := db.R.QueryRow("SELECT recipient_text FROM outbox WHERE id = ?", id).Scan(&rt); err != nil || rt.Valid {
		t.Errorf("a message without secrets keeps a second copy: %v %v", rt, err)
	}

	link := "https://masar.test/en/unsubscribe/" + liveToken
	id, err = m.Enqueue(ctx, db.W, Message{To: "amina@gov.test", Lang: "en", Template: "notice",
		Data: map[string]any{"Title": "Preferences", "Body": "Manage your mail.", "Link": link}})
	if err != nil {
		t.Fatal(err)
	}
	it, _ = m.Get(ctx, id)
	if strings.Contains(it.Text, liveToken) || strings.Contains(it.HTML, liveToken) {
		t.Errorf("an unmarked token shows in the outbox:\n%s", it.Text)
	}
	if m.MaskedStrays() == 0 {
		t.Error("the unmarked token was not counted")
	}
	if err := db.R.QueryRow("SELECT recipient_text FROM outbox WHERE id = ?", id).Scan(&rt); err != nil || !strings.Contains(rt.String, link) {
		t.Errorf("the recipient's copy lost the link: %q %v", rt.String, err)
	}
	// The subject, which the outbox lists, too.
	id, err = m.Enqueue(ctx, db.W, Message{To: "amina@gov.test", Lang: "en", Template: "notice",
		Data: map[string]any{"Title": "Your key " + liveToken, "Body": "Keep it."}})
	if err != nil {
		t.Fatal(err)
	}
	if it, _ = m.Get(ctx, id); strings.Contains(it.Subject, liveToken) || !strings.Contains(it.Subject, "Your key") {
		t.Errorf("subject %q", it.Subject)
	}
}

// TestSecretPrintsMasked: a Secret that reaches a template other than as a value of
// Message.Data prints masked, never whole.
func TestSecretPrintsMasked(t *testing.T) {
	s := SecretLink("https://masar.test/ar/reset/", liveToken)
	for _, got := range []string{s.String(), fmt.Sprint(s), fmt.Sprintf("%v", []any{s})} {
		if strings.Contains(got, liveToken) {
			t.Errorf("printed whole: %s", got)
		}
	}
	whole, shown, found := splitSecrets(map[string]any{"A": s, "B": map[string]any{"C": []any{s}}, "D": 3})
	if !found || whole["A"] != s.Shown+s.Hidden || shown["A"] != s.Shown+Mask ||
		whole["B"].(map[string]any)["C"].([]any)[0] != s.Shown+s.Hidden || shown["B"].(map[string]any)["C"].([]any)[0] != s.Shown+Mask {
		t.Errorf("split: %v / %v", whole, shown)
	}
}

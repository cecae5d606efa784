package web_test

import (
	"context"
	"testing"

	"github.com/masar-platform/masar/web"
)

// recipientText is the plain text that the recipient of outbox message id receives — the
// one place where one-time links are whole, read straight from the database as the mailer
// does (no page shows it). Tests use it to follow the links a person would click.
func recipientText(t testing.TB, p *web.Platform, id int64) string {
	t.Helper()
	var s string
	if err := p.DB.R.QueryRowContext(context.Background(), "SELECT coalesce(recipient_text, text_body) FROM outbox WHERE id = ?", id).Scan(&s); err != nil {
		t.Fatalf("recipient's copy of outbox %d: %v", id, err)
	}
	return s
}

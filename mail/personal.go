package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/masar-platform/masar/store"
)

// Received is a message sent (or to be sent) to a person, as their personal data shows it:
// subject, dates, status and the text, with one-time links masked.
type Received struct {
	ID          int64      `json:"id"`
	Template    string     `json:"template"`
	Lang        string     `json:"lang"`
	Subject     string     `json:"subject"`
	Text        string     `json:"text"`
	Attachments []string   `json:"attachments"` // file names
	CreatedAt   time.Time  `json:"created_at"`
	SentAt      *time.Time `json:"sent_at"`
	Status      string     `json:"status"` // pending, sent or failed
}

// SentTo lists the messages addressed to email, newest first, as the outbox keeps them
// (every Secret masked), and without the HTML copy (the text says the same). The safety net
// that masks token-like runs is applied again, for messages stored before secrets were
// marked (migration 00015).
func (m *Mailer) SentTo(ctx context.Context, email string) ([]Received, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return []Received{}, nil
	}
	rows, err := m.db.R.QueryContext(ctx, "SELECT "+itemColumns+" FROM outbox WHERE lower(to_email) = lower(?) ORDER BY id DESC", email)
	items, err := store.Collect(rows, err, scanItem)
	if err != nil {
		return nil, fmt.Errorf("mail: messages to a person: %w", err)
	}
	if err := m.attachmentNames(ctx, items); err != nil {
		return nil, err
	}
	out := make([]Received, 0, len(items))
	for _, it := range items {
		out = append(out, Received{ID: it.ID, Template: it.Template, Lang: it.Lang, Subject: masked(it.Subject),
			Text: masked(it.Text), Attachments: it.Attachments, CreatedAt: it.CreatedAt, SentAt: it.SentAt,
			Status: it.Status})
	}
	return out, nil
}

// masked is s with token-like runs masked (maskStrays), for copies made for people to keep.
func masked(s string) string {
	out, _ := maskStrays(s)
	return out
}

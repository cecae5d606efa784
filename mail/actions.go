package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/masar-platform/masar/store"
)

// Errors of Resend and Discard; the outbox page explains them to staff.
var (
	// ErrNotResendable: only a failed, dropped, discarded or sent message is queued again.
	ErrNotResendable = errors.New("mail: only a message that failed, was dropped, discarded or sent can be sent again")
	// ErrNoLongerUseful: the message is past its UsefulUntil; sending it would not help.
	ErrNoLongerUseful = errors.New("mail: the message can no longer help; it is not sent again")
	// ErrNotDiscardable: only a queued or retrying message can be discarded.
	ErrNotDiscardable = errors.New("mail: only a message still waiting to be sent can be discarded")
)

// getFor reads one message through q (the caller's transaction).
func (m *Mailer) getFor(ctx context.Context, q store.Queryer, id int64) (Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM outbox WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("mail: outbox message %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return Item{}, fmt.Errorf("mail: outbox message %d: %w", id, err)
	}
	return it, nil
}

// Resend queues message id again, through q (the transaction that also records who did
// it), as a new series of attempts with a fresh retry window. It returns the message as it
// was before. A message that is still waiting cannot be resent (ErrNotResendable), nor one
// past its UsefulUntil (ErrNoLongerUseful).
func (m *Mailer) Resend(ctx context.Context, q store.Queryer, id int64) (Item, error) {
	it, err := m.getFor(ctx, q, id)
	if err != nil {
		return Item{}, err
	}
	now := m.now()
	if it.Waiting() {
		return it, ErrNotResendable
	}
	if !it.Resendable(now) {
		return it, ErrNoLongerUseful
	}
	// A message whose one-time links were forgotten when it left (or was given up, dropped or
	// discarded) would go out with them masked: its recipient asks for a new link instead.
	var forgotten bool
	if err := q.QueryRowContext(ctx, "SELECT recipient_text IS NULL FROM outbox WHERE id = ?", id).Scan(&forgotten); err != nil {
		return it, fmt.Errorf("mail: resend outbox %d: %w", id, err)
	}
	if forgotten && strings.Contains(it.Text, Mask) {
		return it, ErrNoLongerUseful
	}
	t := formatTime(now)
	res, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'queued', reason = '', sent_at = NULL, next_attempt_at = ?,
		attempts = 0, last_error = '', series_started_at = ?, first_failed_at = NULL
		WHERE id = ? AND status IN ('failed', 'dropped', 'discarded', 'sent')`, t, t, id)
	if err != nil {
		return it, fmt.Errorf("mail: resend outbox %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return it, ErrNotResendable
	}
	m.pokeRound()
	return it, nil
}

// Discard stops message id from being sent, through q. Only a queued or retrying message
// can be discarded (ErrNotDiscardable). It returns the message as it was before.
func (m *Mailer) Discard(ctx context.Context, q store.Queryer, id int64) (Item, error) {
	it, err := m.getFor(ctx, q, id)
	if err != nil {
		return Item{}, err
	}
	if !it.Waiting() {
		return it, ErrNotDiscardable
	}
	res, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'discarded', reason = '', next_attempt_at = NULL, `+dropRecipientCopy+`
		WHERE id = ? AND status IN ('queued', 'retrying')`, id)
	if err != nil {
		return it, fmt.Errorf("mail: discard outbox %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return it, ErrNotDiscardable
	}
	return it, nil
}

func (m *Mailer) pokeRound() {
	select {
	case m.poke <- struct{}{}:
	default:
	}
}

// Health states of the mail delivery.
const (
	HealthOK            = "ok"
	HealthFailing       = "failing"        // mail has not gone out for FailingAfter
	HealthNotConfigured = "not_configured" // no SMTP server: mail waits in the outbox
)

// FailingAfter is how long delivery must have failed before Health says "failing".
const FailingAfter = time.Hour

// Health is the state of mail delivery, for /healthz and the admins' banner.
type Health struct {
	Status string `json:"status"`
	// Since is when delivery began to fail (the first failure of the oldest waiting
	// message, or when the oldest queued one became due); nil unless failing.
	Since *time.Time `json:"since,omitempty"`
	// Queued is how many messages wait to be sent (queued or retrying).
	Queued int `json:"queued"`
}

// Health says whether mail is going out. It is failing when a waiting message has failed,
// or been due without an attempt, for FailingAfter and nothing was sent meanwhile; not
// configured without an SMTP server.
func (m *Mailer) Health(ctx context.Context) (Health, error) {
	var (
		h                    = Health{Status: HealthOK}
		firstFail, oldestDue sql.NullString
		lastSent             sql.NullString
		now                  = m.now()
	)
	err := m.db.R.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM outbox WHERE status IN ('queued', 'retrying')),
		(SELECT min(first_failed_at) FROM outbox WHERE status = 'retrying'),
		(SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued'),
		(SELECT max(sent_at) FROM outbox WHERE status = 'sent')`).Scan(&h.Queued, &firstFail, &oldestDue, &lastSent)
	if err != nil {
		return Health{}, fmt.Errorf("mail: health: %w", err)
	}
	if m.smtp == nil {
		h.Status = HealthNotConfigured
		return h, nil
	}
	var since *time.Time
	for _, s := range []sql.NullString{firstFail, oldestDue} {
		t, err := parseNullTime(s)
		if err != nil {
			return Health{}, fmt.Errorf("mail: health: %w", err)
		}
		if t != nil && (since == nil || t.Before(*since)) {
			since = t
		}
	}
	if since == nil || now.Sub(*since) < FailingAfter {
		return h, nil
	}
	if t, err := parseNullTime(lastSent); err != nil {
		return Health{}, fmt.Errorf("mail: health: %w", err)
	} else if t != nil && now.Sub(*t) < FailingAfter {
		return h, nil // mail goes out; a message that keeps failing is its own story
	}
	h.Status, h.Since = HealthFailing, since
	return h, nil
}

// GetTx is Get through q (a transaction), without the attachments' names.
func (m *Mailer) GetTx(ctx context.Context, q store.Queryer, id int64) (Item, error) {
	return m.getFor(ctx, q, id)
}

package mail

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/masar-platform/masar/store"
)

// EraseRecipient deletes, through q (the transaction of an account's erasure), every message
// to address — bodies, subjects and attachments (certificate PDFs, calendar entries) — sent
// or not, and returns how many went. The address is compared as written and without regard
// to the case of its ASCII letters.
func EraseRecipient(ctx context.Context, q store.Queryer, address string) (int64, error) {
	address = strings.TrimSpace(address)
	if address == "" {
		return 0, nil
	}
	const to = "(to_email = ? OR lower(to_email) = ?)"
	lower := strings.ToLower(address)
	if _, err := q.ExecContext(ctx, `DELETE FROM outbox_attachments WHERE outbox_id IN
		(SELECT id FROM outbox WHERE `+to+`)`, address, lower); err != nil {
		return 0, fmt.Errorf("mail: erase attachments to a recipient: %w", err)
	}
	res, err := q.ExecContext(ctx, "DELETE FROM outbox WHERE "+to, address, lower)
	if err != nil {
		return 0, fmt.Errorf("mail: erase messages to a recipient: %w", err)
	}
	return res.RowsAffected()
}

// Purge deletes, with their attachments, the messages whose life in the outbox is over since
// before cutoff — sent before it, or given up (no attempt left) after being queued before
// it — and returns how many went. A message still waiting for delivery stays: delivery
// decides when it is no use any more.
func (m *Mailer) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := m.db.Tx(ctx, func(tx *sql.Tx) error {
		c := formatTime(cutoff)
		const over = `(sent_at IS NOT NULL AND sent_at < ?) OR (sent_at IS NULL AND next_attempt_at IS NULL AND created_at < ?)`
		if _, err := tx.ExecContext(ctx, "DELETE FROM outbox_attachments WHERE outbox_id IN (SELECT id FROM outbox WHERE "+over+")", c, c); err != nil {
			return fmt.Errorf("mail: purge attachments: %w", err)
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE "+over, c, c)
		if err != nil {
			return fmt.Errorf("mail: purge: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

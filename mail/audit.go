package mail

import (
	"context"
	"fmt"

	"github.com/masar-platform/masar/audit"
)

// Audit actions on the outbox: whoever reads, sends again or discards someone's message is
// recorded, with the message as subject ("outbox:ID").
const (
	ActionView    = "outbox.view"
	ActionResend  = "outbox.resend"
	ActionDiscard = "outbox.discard"
)

// Subject is the audit subject of outbox message id.
func Subject(id int64) string { return fmt.Sprintf("outbox:%d", id) }

// RecordView writes to the audit log that actor opened message it (its template, not its
// content nor its recipient's address).
func (m *Mailer) RecordView(ctx context.Context, actor audit.Actor, it Item) error {
	return audit.Record(ctx, m.db.W, actor, ActionView, Subject(it.ID), "template", "", it.Template)
}

package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Outbox actions of staff: send a message again, or stop one from being sent. Both are
// audited in the transaction of the change.

var (
	errOutboxNotResendable  = problem.New(http.StatusConflict, "not_resendable", "outbox.error.not_resendable")
	errOutboxNotUseful      = problem.New(http.StatusConflict, "no_longer_useful", "outbox.error.no_longer_useful")
	errOutboxNotDiscardable = problem.New(http.StatusConflict, "not_discardable", "outbox.error.not_discardable")
)

func (h *handler) outboxActionRoutes(adm fiber.Router) {
	adm.Post("/outbox/:id/resend", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.resendOutboxMessage)
	adm.Post("/outbox/:id/discard", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.discardOutboxMessage)
}

func (h *handler) resendOutboxMessage(c *fiber.Ctx) error {
	return h.outboxAction(c, "outbox.resend", "flash.outbox_resent", h.Mailer.Resend, map[error]error{
		mail.ErrNotResendable: errOutboxNotResendable, mail.ErrNoLongerUseful: errOutboxNotUseful})
}

func (h *handler) discardOutboxMessage(c *fiber.Ctx) error {
	return h.outboxAction(c, "outbox.discard", "flash.outbox_discarded", h.Mailer.Discard, map[error]error{
		mail.ErrNotDiscardable: errOutboxNotDiscardable})
}

// outboxAction runs do on the message of the URL and records action in the same transaction.
func (h *handler) outboxAction(c *fiber.Ctx, action, flash string,
	do func(context.Context, store.Queryer, int64) (mail.Item, error), known map[error]error) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return problem.NotFound
	}
	ctx := c.UserContext()
	it, err := h.Mailer.Get(ctx, id)
	if err != nil {
		return err
	}
	if !user(c).IsAdmin() {
		// Mail of admin accounts is for admins alone.
		o, err := h.Officials.GetByEmail(ctx, it.To)
		switch {
		case err == nil && o.IsAdmin():
			return problem.NotFound
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	err = h.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := do(ctx, tx, id)
		if err != nil {
			return err
		}
		after, err := h.Mailer.GetTx(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(c), action, "outbox:"+strconv.FormatInt(id, 10), "status", before.Status, after.Status)
	})
	for sentinel, pe := range known {
		if errors.Is(err, sentinel) {
			return pe
		}
	}
	if err != nil {
		return err
	}
	h.setFlash(c, flash)
	return c.Redirect("/"+lang(c)+"/admin/outbox/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

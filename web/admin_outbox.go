package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

func mailClaim(o *officials.Official, by string, link mail.Secret) mail.Message {
	return mail.Message{To: o.Email, Name: o.DisplayName(o.Language), Lang: o.Language, Template: "welcome_claim",
		Data:        map[string]any{"Name": o.DisplayName(o.Language), "By": by, "Link": link, "Hours": 1},
		UsefulUntil: time.Now().Add(officials.ResetTTL)}
}

type outboxList struct {
	Items []mail.Item
	Total int
	Page  int
	Pages int
}

// hiddenMail is the addresses whose mail the current user may not read in the outbox: the
// admins', for anyone but an admin.
func (h *handler) hiddenMail(c *fiber.Ctx) ([]string, error) {
	if user(c).IsAdmin() {
		return nil, nil
	}
	return h.Officials.AdminEmails(c.UserContext())
}

// listOutbox lists the outbox. No one-time link is ever shown (the mailer keeps only masked
// copies; see mail.Secret); staff do not see the admins' mail at all.
func (h *handler) listOutbox(c *fiber.Ctx) error {
	page := max(1, c.QueryInt("page", 1))
	hidden, err := h.hiddenMail(c)
	if err != nil {
		return err
	}
	items, total, err := h.Mailer.ListExcept(c.UserContext(), hidden, pageSize, (page-1)*pageSize)
	if err != nil {
		return err
	}
	v := h.view(c, "admin.outbox.title")
	v.Data = outboxList{Items: items, Total: total, Page: page, Pages: (total + pageSize - 1) / pageSize}
	return h.render(c, fiber.StatusOK, "admin_outbox", v)
}

// showOutboxMessage shows one message, as kept in the outbox (one-time links masked), and
// records who read it. A message to an admin is not found for anyone but an admin.
func (h *handler) showOutboxMessage(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return problem.NotFound
	}
	it, err := h.Mailer.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	hidden, err := h.hiddenMail(c)
	if err != nil {
		return err
	}
	for _, a := range hidden {
		if a == it.To {
			return problem.NotFound
		}
	}
	if err := h.Mailer.RecordView(c.UserContext(), actor(c), it); err != nil {
		return err
	}
	v := h.view(c, "admin.outbox.title")
	v.Data = it
	return h.render(c, fiber.StatusOK, "admin_outbox_message", v)
}

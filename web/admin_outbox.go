package web

import (
	"errors"
	"regexp"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

func mailClaim(o *officials.Official, by, link string) mail.Message {
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

func (h *handler) listOutbox(c *fiber.Ctx) error {
	page := max(1, c.QueryInt("page", 1))
	items, total, err := h.Mailer.List(c.UserContext(), pageSize, (page-1)*pageSize)
	if err != nil {
		return err
	}
	v := h.view(c, "admin.outbox.title")
	v.Data = outboxList{Items: items, Total: total, Page: page, Pages: (total + pageSize - 1) / pageSize}
	return h.render(c, fiber.StatusOK, "admin_outbox", v)
}

func (h *handler) showOutboxMessage(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return problem.NotFound
	}
	it, err := h.Mailer.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !user(c).IsAdmin() {
		// A link that sets the password of a staff or admin account would hand its powers
		// to whoever reads it here: only admins see those links whole.
		o, err := h.Officials.GetByEmail(c.UserContext(), it.To)
		switch {
		case err == nil && o.IsStaff():
			it.Text = maskEmailLinks(it.Text)
			it.HTML = maskEmailLinks(it.HTML)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	v := h.view(c, "admin.outbox.title")
	v.Data = it
	return h.render(c, fiber.StatusOK, "admin_outbox_message", v)
}

// emailLinkRe finds the secret of an e-mailed link (password reset, account claim, address
// confirmation).
var emailLinkRe = regexp.MustCompile(`(/(?:reset|confirm)/)[A-Za-z0-9_-]+`)

// maskEmailLinks replaces the secrets of the e-mailed links in s.
func maskEmailLinks(s string) string {
	return emailLinkRe.ReplaceAllString(s, "${1}…")
}

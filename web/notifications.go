package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/problem"
)

// Notification preferences: a person turns the notifications that are not transactional
// (reminders, workshop changes, advisory updates) on or off, logged in on
// /{lang}/me/notifications, or from the link of a mail's List-Unsubscribe without logging
// in. Enqueue then skips what they turned off.

// notificationChoice is one checkbox of the preferences page.
type notificationChoice struct {
	Category string
	On       bool
}

func (h *handler) notificationRoutes(me fiber.Router) {
	me.Get("/notifications", h.showNotifications)
	me.Post("/notifications", h.saveNotifications)
}

// unsubscribeAppRoutes are the language-less links of List-Unsubscribe. GET (a person
// following the link) leads to the page in their language, which asks before changing
// anything, so that link scanners cannot unsubscribe anyone. POST is RFC 8058's one click,
// made by the mail client: the token in the URL is the authority, no form token is possible.
func (h *handler) unsubscribeAppRoutes(app fiber.Router) {
	app.Get("/unsubscribe/:token", h.unsubscribeLink)
	app.Post("/unsubscribe/:token", h.unsubscribeOneClick)
}

func (h *handler) unsubscribePageRoutes(g fiber.Router) {
	g.Get("/unsubscribe/:token", h.showUnsubscribe)
	g.Post("/unsubscribe/:token", h.unsubscribe)
}

func (h *handler) showNotifications(c *fiber.Ctx) error {
	prefs, err := h.Mailer.Preferences(c.UserContext(), user(c).Email)
	if err != nil {
		return err
	}
	choices := make([]notificationChoice, 0, len(mail.Categories))
	for _, cat := range mail.Categories {
		choices = append(choices, notificationChoice{Category: cat, On: prefs[cat]})
	}
	v := h.view(c, "notifications.title")
	v.Data = choices
	return h.render(c, fiber.StatusOK, "notifications", v)
}

func (h *handler) saveNotifications(c *fiber.Ctx) error {
	ctx := c.UserContext()
	email := user(c).Email
	for _, cat := range mail.Categories {
		// An unticked checkbox is not sent at all: absent means off.
		if err := h.Mailer.SetPreference(ctx, h.DB.W, email, cat, c.FormValue(cat) == "on"); err != nil {
			return err
		}
	}
	h.setFlash(c, "flash.notifications_saved")
	return c.Redirect("/"+lang(c)+"/me/notifications", fiber.StatusSeeOther)
}

// unsubscribeView is what the unsubscribe page shows. The link names the address only by
// a hash: the page says "this address", which is the one the mail came to.
type unsubscribeView struct {
	Token, Category string
	On              bool // the category is still on
}

// unsubscribeToken reads the token of the URL; a forged or damaged one is not found.
func (h *handler) unsubscribeToken(c *fiber.Ctx) (mail.Unsubscribe, error) {
	u, err := h.Mailer.ParseUnsubscribeToken(c.Params("token"))
	if errors.Is(err, mail.ErrBadToken) {
		return u, problem.NotFound
	}
	return u, err
}

func (h *handler) unsubscribeLink(c *fiber.Ctx) error {
	if _, err := h.unsubscribeToken(c); err != nil {
		return err
	}
	l := i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
	if cl := c.Cookies(langCookie); i18n.Supported(cl) {
		l = cl
	}
	return c.Redirect("/"+l+"/unsubscribe/"+c.Params("token"), fiber.StatusFound)
}

func (h *handler) unsubscribeOneClick(c *fiber.Ctx) error {
	u, err := h.unsubscribeToken(c)
	if err != nil {
		return err
	}
	if err := h.Mailer.SetSubscribed(c.UserContext(), h.DB.W, u, false); err != nil {
		return err
	}
	return c.Status(fiber.StatusOK).SendString("unsubscribed\n")
}

func (h *handler) showUnsubscribe(c *fiber.Ctx) error {
	u, err := h.unsubscribeToken(c)
	if err != nil {
		return err
	}
	on, err := h.Mailer.Subscribed(c.UserContext(), u)
	if err != nil {
		return err
	}
	v := h.view(c, "unsubscribe.title")
	v.Data = unsubscribeView{Token: c.Params("token"), Category: u.Category, On: on}
	return h.render(c, fiber.StatusOK, "unsubscribe", v)
}

func (h *handler) unsubscribe(c *fiber.Ctx) error {
	u, err := h.unsubscribeToken(c)
	if err != nil {
		return err
	}
	on := c.FormValue("on") == "1"
	if err := h.Mailer.SetSubscribed(c.UserContext(), h.DB.W, u, on); err != nil {
		return err
	}
	if on {
		h.setFlash(c, "flash.resubscribed")
	} else {
		h.setFlash(c, "flash.unsubscribed")
	}
	return c.Redirect("/"+lang(c)+"/unsubscribe/"+c.Params("token"), fiber.StatusSeeOther)
}

package web

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

func (h *handler) erasureRoutes(g fiber.Router) {
	// The privacy notice, with the configured periods.
	g.Get("/privacy", h.fixedPage("privacy", "privacy.title", privacyData{GraceDays: days(h.cfg.ErasureGrace),
		MailDays: days(h.cfg.MailRetention), AuditDays: days(h.cfg.AuditRetention), Contact: h.cfg.PrivacyContact}))
	g.Get("/erasure/undo/:token", h.showUndoErasure)
	g.Post("/erasure/undo/:token", h.undoErasure)
	g.Post("/admin/officials/:id/erase", h.requireLogin, h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.eraseOfficial)
}

func (h *handler) erasureAPIRoutes(api fiber.Router) {
	api.Post("/officials/:id/erase", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.apiEraseOfficial)
	api.Post("/me/delete", h.requireAPIUser, h.apiDeleteAccount)
}

// apiEraseOfficial is eraseOfficial for the API: the request itself is the confirmation.
func (h *handler) apiEraseOfficial(c *fiber.Ctx) error {
	o, err := h.subject(c)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := bodyJSON(c, &body); err != nil {
		return err
	}
	if err := h.Officials.EraseOnRequest(c.UserContext(), user(c), o.ID, body.Reason); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, fiber.Map{"id": o.ID, "erased": true})
}

// deleteAccount takes the holder's own request to delete their account, confirmed with the
// password: the account is suspended at once (every session ends) and erased after the grace
// period; the mail that says so carries the link that undoes it. With no grace period
// configured, the account is erased at once.
func (h *handler) deleteAccount(c *fiber.Ctx) error {
	u := user(c)
	if _, err := h.Officials.Authenticate(c.UserContext(), u.Email, c.FormValue("password")); err != nil {
		if _, ok := problem.As(err); !ok {
			return err
		}
		v := h.view(c, "delete.title")
		v.Data = h.erasureTerms()
		v.Errors = map[string]string{"password": "field.current_password.wrong"}
		return h.render(c, fiber.StatusUnprocessableEntity, "delete", v)
	}
	due, err := h.eraseOwnAccount(c, u)
	if err != nil {
		return err
	}
	h.clearCookie(c, sessionCookie)
	if due.IsZero() {
		h.setFlash(c, "flash.account_deleted")
	} else {
		h.setFlash(c, "flash.erasure_scheduled")
	}
	return c.Redirect("/"+lang(c)+"/", fiber.StatusSeeOther)
}

// eraseOwnAccount schedules the erasure of u's account at its holder's request, with the
// mail that carries the undo link, and returns its date; with no grace period configured it
// erases the account at once and returns the zero time.
func (h *handler) eraseOwnAccount(c *fiber.Ctx, u *officials.Official) (time.Time, error) {
	ctx := c.UserContext()
	if h.cfg.ErasureGrace <= 0 {
		return time.Time{}, h.Officials.Erase(ctx, actor(c), u.ID, officials.ReasonOwnRequest)
	}
	return h.Officials.ScheduleErasure(ctx, u.ID, h.cfg.ErasureGrace, func(tx *sql.Tx, o *officials.Official, token string, due time.Time) error {
		l := o.Language
		_, err := h.Mailer.Enqueue(ctx, tx, mail.Message{To: o.Email, Name: o.DisplayName(l), Lang: l, Template: "erasure_scheduled",
			Data:        map[string]any{"Due": i18n.FormatDate(l, due), "Link": h.oneTimeLink(l, "erasure/undo", token)},
			UsefulUntil: due})
		return err
	})
}

// apiDeleteAccount is deleteAccount for the API: the password in the body confirms it. It
// answers 202 with the date of the erasure (null when erased at once); the token stops
// working with the account.
func (h *handler) apiDeleteAccount(c *fiber.Ctx) error {
	var body struct {
		Password string `json:"password"`
	}
	if err := bodyJSON(c, &body); err != nil {
		return err
	}
	u := user(c)
	if _, err := h.Officials.Authenticate(c.UserContext(), u.Email, body.Password); err != nil {
		if _, ok := problem.As(err); !ok {
			return err
		}
		return problem.Fields{"password": "field.current_password.wrong"}.Err()
	}
	due, err := h.eraseOwnAccount(c, u)
	if err != nil {
		return err
	}
	var at *time.Time
	if !due.IsZero() {
		at = &due
	}
	return data(c, fiber.StatusAccepted, fiber.Map{"erasure_due": at})
}

// erasureTermsData is what the deletion page tells about the grace period (0: none).
type erasureTermsData struct{ GraceDays int }

func (h *handler) erasureTerms() erasureTermsData {
	return erasureTermsData{GraceDays: days(h.cfg.ErasureGrace)}
}

// days is d in whole days, rounded up: a grace of a few hours is "1 day", not none.
func days(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + 24*time.Hour - 1) / (24 * time.Hour))
}

func (h *handler) showDeleteAccount(c *fiber.Ctx) error {
	v := h.view(c, "delete.title")
	v.Data = h.erasureTerms()
	return h.render(c, fiber.StatusOK, "delete", v)
}

// undoData is what the undo page shows.
type undoData struct {
	Token string
	Due   time.Time
}

// showUndoErasure shows, for a live undo link, when the account would be erased and the
// button that keeps it. Opening the link changes nothing: mail scanners open links too.
func (h *handler) showUndoErasure(c *fiber.Ctx) error {
	due, err := h.Officials.CheckUndoErasure(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	v := h.view(c, "erasure.undo.title")
	v.Data = undoData{Token: c.Params("token"), Due: due}
	return h.render(c, fiber.StatusOK, "erasure_undo", v)
}

// undoErasure spends the undo link: the account is back as it was; its holder logs in.
func (h *handler) undoErasure(c *fiber.Ctx) error {
	if _, err := h.Officials.UndoErasure(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	h.setFlash(c, "flash.erasure_undone")
	return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
}

// eraseOfficial erases an account at once at its holder's request made to the programme by
// other means, with the reason, after the staff member ticked that the request was checked.
// Immediate rather than after a grace period: the person asked for it outside the platform
// and may no longer have access to the account's mailbox; the confirmation step is the
// tick box, and the reason stays in the audit log.
func (h *handler) eraseOfficial(c *fiber.Ctx) error {
	o, err := h.subject(c)
	if err != nil {
		return err
	}
	u := user(c)
	if (o.Role == officials.RoleStaff || o.Role == officials.RoleAdmin) && !u.IsAdmin() {
		return problem.Forbidden // only an admin erases staff and admins (checked again below)
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	fields := map[string]string{}
	if reason == "" {
		fields["reason"] = "erasure.field.reason.required"
	}
	if c.FormValue("confirm") != "1" {
		fields["confirm"] = "erasure.field.confirm.required"
	}
	key, status := "", fiber.StatusUnprocessableEntity
	if len(fields) == 0 {
		err := h.Officials.EraseOnRequest(c.UserContext(), u, o.ID, reason)
		if err == nil {
			h.setFlash(c, "flash.official_erased")
			return c.Redirect("/"+lang(c)+"/admin/officials", fiber.StatusSeeOther)
		}
		p, ok := problem.As(err)
		if !ok || (len(p.Fields) == 0 && p.Status != fiber.StatusConflict) {
			return err
		}
		fields, key, status = p.Fields, p.Key, p.Status
	}
	form := profileForm(o)
	form["reason"] = reason
	return h.officialPage(c, status, o, form, fields, key)
}

// privacyData is what the privacy notice states from the configuration.
type privacyData struct {
	GraceDays, MailDays, AuditDays int
	Contact                        string
}

// erasureDue is, for the admin page of an account, when it is to be erased (zero if it is not).
func (h *handler) erasureDue(ctx context.Context, id int64) (time.Time, error) {
	due, ok, err := h.Officials.ErasureDue(ctx, id)
	if err != nil || !ok {
		return time.Time{}, err
	}
	return due, nil
}

// loginRefusedForErasure renders the login page for an account waiting to be erased: the
// password was right, so its holder is told the date and how to keep the account.
func (h *handler) loginRefusedForErasure(c *fiber.Ctx, v *View, err error) (bool, error) {
	var es *officials.ErasureScheduledError
	if !errors.As(err, &es) {
		return false, nil
	}
	v.ErrorKey = "login.erasure_scheduled"
	v.ErrArgs = []any{"date", v.Date(es.Due)}
	return true, h.render(c, fiber.StatusForbidden, "login", v)
}

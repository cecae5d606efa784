package web

import (
	"database/sql"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/secondfactor"
)

// Passkeys are the stronger second factor: the browser proves, with a key kept by the
// device (or a security key) for this site alone, that the person holds it. Each page that
// offers one carries the ceremony's options (data-options) and its token; static/passkey.js
// asks the browser and sends its answer in the form's "passkey" field, so that the answer
// travels as an ordinary form post with its CSRF token, and the server decides as for a code.

// passkeyForm is what a page needs to offer a passkey ceremony.
type passkeyForm struct {
	Action  string // where the form posts, under the page's language
	Token   string
	Options string // JSON for navigator.credentials.create or .get
}

// passkeyRoutes registers adding and removing passkeys and the passkey answer of a sign-in
// that must set up a second factor (the second step's answer goes to /login/second-factor).
func (h *handler) passkeyRoutes(g fiber.Router) {
	g.Post("/login/enrol/passkey", h.loginEnrolPasskey)
	me := g.Group("/me/security", h.requireLogin)
	me.Post("/passkeys", h.addPasskey)
	me.Post("/passkeys/remove", h.removePasskey)
}

// registration returns the form that adds a passkey to o, posting to action; nil when
// passkeys are off on this site.
func (h *handler) registration(c *fiber.Ctx, o *officials.Official, action string) (*passkeyForm, error) {
	if !h.SecondFactor.PasskeysOn() {
		return nil, nil
	}
	cer, err := h.SecondFactor.BeginRegistration(c.UserContext(), o.ID, o.Email)
	if err != nil {
		return nil, err
	}
	return &passkeyForm{Action: action, Token: cer.Token, Options: cer.Options}, nil
}

// assertion returns the form of o's passkey sign-in step; nil when o has no passkey.
func (h *handler) assertion(c *fiber.Ctx, o *officials.Official) (*passkeyForm, error) {
	cer, ok, err := h.SecondFactor.BeginLogin(c.UserContext(), o.ID, o.Email)
	if err != nil || !ok {
		return nil, err
	}
	return &passkeyForm{Action: "/login/second-factor", Token: cer.Token, Options: cer.Options}, nil
}

// passkeyRefusal returns the field errors of a refused passkey answer, or nil when err is
// not a refusal the person can act on.
func passkeyRefusal(err error) map[string]string {
	if p, ok := problem.As(err); ok && len(p.Fields) > 0 {
		return p.Fields
	}
	return nil
}

// loginEnrolPasskey takes the passkey set up by a sign-in whose role requires a second
// factor: the sign-in's challenge is passed in the same transaction, and the recovery codes
// are shown before it goes on.
func (h *handler) loginEnrolPasskey(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ch, o, err := h.challenge(c, secondfactor.PurposeEnrol)
	if ch == nil {
		return err
	}
	if !h.SecondFactor.PasskeysOn() {
		return problem.NotFound
	}
	if wait := h.secondStepLimited(c, o.ID); wait > 0 {
		return tooManyRequests(c, wait)
	}
	tok := c.Cookies(challengeCookie)
	codes, err := h.SecondFactor.FinishRegistration(ctx, auditActor(o), o.ID, o.Email, c.FormValue("passkey_token"),
		c.FormValue("passkey_name"), c.FormValue("passkey"), func(tx *sql.Tx) error { return h.SecondFactor.PassChallengeTx(ctx, tx, tok) })
	if fields := passkeyRefusal(err); fields != nil {
		h.secondAcc.allow(secondKey(o.ID))
		d, derr := h.enrolData(c, o, "", "/login/enrol")
		if derr != nil {
			return derr
		}
		d.Login = true
		return h.enrolViewForm(c, fiber.StatusUnprocessableEntity, "login_enrol", d, fields)
	}
	if err != nil {
		return err
	}
	h.loginGuard.succeeded(secondKey(o.ID), h.clientIP(c))
	return h.enrolView(c, fiber.StatusOK, "recovery_codes", enrolData{Codes: codes, Login: true}, nil, "")
}

// enrolViewForm is enrolView after a refused form: the name typed is kept.
func (h *handler) enrolViewForm(c *fiber.Ctx, status int, page string, d enrolData, fields map[string]string) error {
	v := h.enrolPage(c, page, d, fields)
	v.Form = map[string]string{"passkey_name": c.FormValue("passkey_name")}
	return h.render(c, status, page, v)
}

// addPasskey takes a passkey added on the security page. The account's first second factor
// comes with recovery codes, shown once.
func (h *handler) addPasskey(c *fiber.Ctx) error {
	u := user(c)
	if !h.SecondFactor.PasskeysOn() {
		return problem.NotFound
	}
	if d := h.secondAcc.retryAfter(secondKey(u.ID)); d > 0 {
		return tooManyRequests(c, d)
	}
	codes, err := h.SecondFactor.FinishRegistration(c.UserContext(), actor(c), u.ID, u.Email, c.FormValue("passkey_token"),
		c.FormValue("passkey_name"), c.FormValue("passkey"), nil)
	if fields := passkeyRefusal(err); fields != nil {
		h.secondAcc.allow(secondKey(u.ID))
		return h.securityPageForm(c, fiber.StatusUnprocessableEntity, fields)
	}
	if err != nil {
		return err
	}
	if codes != nil {
		return h.enrolView(c, fiber.StatusOK, "recovery_codes", enrolData{Codes: codes}, nil, "")
	}
	h.setFlash(c, "flash.passkey_added")
	return c.Redirect("/"+lang(c)+"/me/security", fiber.StatusSeeOther)
}

// removePasskey deletes one of one's passkeys, with one's password.
func (h *handler) removePasskey(c *fiber.Ctx) error {
	u := user(c)
	id, perr := strconv.ParseInt(c.FormValue("passkey_id"), 10, 64)
	if perr != nil || id <= 0 {
		return h.securityPageForm(c, fiber.StatusUnprocessableEntity, map[string]string{"passkey_id": "second_factor.field.passkey_id.required"})
	}
	ok, err := h.checkPassword(c.UserContext(), u, c.FormValue("passkey_password"))
	if err != nil {
		return err
	}
	if !ok {
		return h.securityPageForm(c, fiber.StatusUnprocessableEntity, map[string]string{"passkey_password": "field.current_password.wrong"})
	}
	removed, err := h.SecondFactor.RemovePasskey(c.UserContext(), actor(c), u.ID, id)
	if err != nil {
		return err
	}
	if !removed {
		return h.securityPageForm(c, fiber.StatusUnprocessableEntity, map[string]string{"passkey_id": "second_factor.field.passkey_id.required"})
	}
	h.setFlash(c, "flash.passkey_removed")
	return c.Redirect("/"+lang(c)+"/me/security", fiber.StatusSeeOther)
}

// securityPageForm is the security page after a refused form, keeping the name typed.
func (h *handler) securityPageForm(c *fiber.Ctx, status int, fields map[string]string) error {
	d, err := h.securityData(c)
	if err != nil {
		return err
	}
	return h.enrolViewForm(c, status, "security", d, fields)
}

// passkeyStep checks the passkey answer of a sign-in's second step. It reports the fields
// to show when the answer is refused (ok false, err nil).
func (h *handler) passkeyStep(c *fiber.Ctx, o *officials.Official) (ok bool, fields map[string]string, err error) {
	err = h.SecondFactor.FinishLogin(c.UserContext(), o.ID, o.Email, c.FormValue("passkey_token"), c.FormValue("passkey"))
	if err == nil {
		return true, nil, nil
	}
	if f := passkeyRefusal(err); f != nil {
		return false, f, nil
	}
	if errors.Is(err, secondfactor.ErrPasskeysOff) {
		return false, map[string]string{"passkey": "second_factor.error.passkey_failed"}, nil
	}
	return false, nil, err
}

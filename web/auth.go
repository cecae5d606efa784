package web

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/secondfactor"
)

// accountForm is what the registration and profile templates need besides the typed values.
type accountForm struct {
	Countries []officials.Country
	Sectors   []string
	Genders   []string
	Roles     []string
	Subject   *officials.Official // the account being edited (admin)
	Manage    bool                // the user may edit Subject and change its role
	// ErasureDue is when the account being edited is to be erased at its holder's request
	// (zero: it is not).
	ErasureDue time.Time
	Next       string
	// SecondFactor is the subject's second factor, for an admin (nil for others).
	SecondFactor *secondfactor.Status
	// Providers are the login page's buttons for the OpenID Connect providers.
	Providers []oidcButton
}

// staffForm is accountForm for user u's administration pages: the roles u may give, and
// whether u may manage subject (nil: a new account).
func (h *handler) staffForm(ctx context.Context, u, subject *officials.Official) (accountForm, error) {
	af, err := h.accountForm(ctx)
	af.Roles = officials.GrantableRoles(u)
	af.Subject = subject
	af.Manage = subject == nil || officials.MayManage(u, subject)
	return af, err
}

func (h *handler) accountForm(ctx context.Context) (accountForm, error) {
	cs, err := h.Officials.Countries(ctx, true)
	return accountForm{Countries: cs, Sectors: officials.Sectors, Genders: officials.Genders, Roles: officials.Roles}, err
}

var accountFields = []string{"email", "name_ar", "name_latin", "job_title", "organisation", "country", "sector", "gender", "language"}

func typed(c *fiber.Ctx, fields ...string) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		m[f] = c.FormValue(f)
	}
	return m
}

func inputFrom(m map[string]string, password string) officials.Input {
	return officials.Input{Email: m["email"], Password: password, NameAr: m["name_ar"], NameLatin: m["name_latin"],
		JobTitle: m["job_title"], Organisation: m["organisation"], Country: m["country"], Sector: m["sector"],
		Gender: m["gender"], Language: m["language"]}
}

func (h *handler) showRegister(c *fiber.Ctx) error {
	if user(c) != nil {
		return c.Redirect("/"+lang(c)+"/me", fiber.StatusSeeOther)
	}
	af, err := h.accountForm(c.UserContext())
	if err != nil {
		return err
	}
	v := h.view(c, "register.title")
	v.Form = map[string]string{"language": lang(c)}
	v.Data = af
	return h.render(c, fiber.StatusOK, "register", v)
}

func (h *handler) register(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := typed(c, accountFields...)
	v := h.view(c, "register.title")
	v.Form = form
	af, err := h.accountForm(ctx)
	if err != nil {
		return err
	}
	v.Data = af
	if ip := h.clientIP(c); !h.regIP.allow(ip) {
		return tooManyRequests(c, h.regIP.retryAfter(ip))
	}
	in := inputFrom(form, c.FormValue("password"))
	if c.FormValue("password") != c.FormValue("password_confirm") {
		// Show every problem at once, and save nothing.
		in.Clean()
		f := in.Validate(true)
		f.Add("password_confirm", "field.password.mismatch")
		v.Errors = f
		return h.render(c, fiber.StatusUnprocessableEntity, "register", v)
	}
	// A taken address is answered like a new one: the mail alone tells its holder.
	_, err = h.Officials.Register(ctx, in, func(tx *sql.Tx, r officials.Registration) error {
		return h.registrationMail(ctx, tx, r)
	})
	if err != nil && !errors.Is(err, officials.ErrEmailTaken) {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		v.Errors, v.ErrorKey = fields, key
		return h.render(c, status, "register", v)
	}
	// Nobody is logged in yet: the account opens once the link in the mail confirmed the
	// address, so that a visitor sees the same whether the address was free or not.
	h.setFlash(c, "flash.registered")
	return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
}

// registrationMail queues, in the registration's transaction, the confirmation of a new
// account, or for an address that had one, a word to its holder with a reset link.
func (h *handler) registrationMail(ctx context.Context, tx *sql.Tx, r officials.Registration) error {
	o := r.Official
	base := h.cfg.BaseURL + "/" + o.Language
	msg := mail.Message{To: o.Email, Name: o.DisplayName(o.Language), Lang: o.Language, Template: "confirm",
		Data:        map[string]any{"Name": o.DisplayName(o.Language), "Link": mail.SecretLink(base+"/confirm/", r.Link)},
		UsefulUntil: time.Now().Add(officials.ConfirmTTL)}
	if r.Taken {
		msg.Template = "register_taken"
		msg.Data = map[string]any{"Name": o.DisplayName(o.Language), "LoginLink": base + "/login", "ResetLink": mail.SecretLink(base+"/reset/", r.Link)}
		msg.UsefulUntil = time.Now().Add(officials.ResetTTL)
	}
	if _, err := h.Mailer.Enqueue(ctx, tx, msg); err != nil || !r.Taken {
		return err
	}
	return audit.Record(ctx, tx, audit.Actor{}, actionResetRequested, officialSubject(o.ID), "via", "", "register")
}

// actionResetRequested is the audit action of a password-reset link sent to an account,
// whoever asked for it (the actor, when logged in); the link itself is never recorded.
const actionResetRequested = "official.reset_requested"

func officialSubject(id int64) string { return "official:" + strconv.FormatInt(id, 10) }

// oneTimeLink is the e-mailed link /{lang}/{kind}/{token}, marked secret: the outbox shows
// it without its token, and only the recipient receives it whole.
func (h *handler) oneTimeLink(lang, kind, token string) mail.Secret {
	return mail.SecretLink(h.cfg.BaseURL+"/"+lang+"/"+kind+"/", token)
}

func (h *handler) sendConfirmation(ctx context.Context, o *officials.Official) error {
	tok, err := h.Officials.NewEmailToken(ctx, o.ID, officials.PurposeConfirm)
	if err != nil {
		return err
	}
	_, err = h.Mailer.Enqueue(ctx, h.DB.W, mail.Message{To: o.Email, Name: o.DisplayName(o.Language), Lang: o.Language,
		Template: "confirm", Data: map[string]any{"Name": o.DisplayName(o.Language), "Link": h.oneTimeLink(o.Language, "confirm", tok)},
		UsefulUntil: time.Now().Add(officials.ConfirmTTL)})
	return err
}

func (h *handler) resendConfirmation(c *fiber.Ctx) error {
	u := user(c)
	if !u.EmailConfirmed {
		if err := h.sendConfirmation(c.UserContext(), u); err != nil {
			return err
		}
	}
	h.setFlash(c, "flash.confirmation_sent")
	return c.Redirect("/"+lang(c)+"/me", fiber.StatusSeeOther)
}

func (h *handler) confirmEmail(c *fiber.Ctx) error {
	if _, err := h.Officials.ConfirmEmail(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	if user(c) != nil {
		h.setFlash(c, "flash.email_confirmed")
		return c.Redirect("/"+lang(c)+"/me", fiber.StatusSeeOther)
	}
	// The link does not log in: mail scanners open links too, and the password says who
	// is at the keyboard.
	h.setFlash(c, "flash.email_confirmed_login")
	return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
}

func (h *handler) showLogin(c *fiber.Ctx) error {
	v := h.view(c, "login.title")
	next := safeNext(c.Query("next"), "")
	v.Data = accountForm{Next: next, Providers: h.oidcButtons(c, next)}
	return h.render(c, fiber.StatusOK, "login", v)
}

func (h *handler) login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	email := strings.TrimSpace(c.FormValue("email"))
	next := safeNext(c.FormValue("next"), "/"+lang(c)+"/me")
	v := h.view(c, "login.title")
	v.Form = map[string]string{"email": email}
	v.Data = accountForm{Next: safeNext(c.FormValue("next"), ""), Providers: h.oidcButtons(c, safeNext(c.FormValue("next"), ""))}
	account, client := officials.NormaliseEmail(email), h.clientIP(c)
	wait := time.Duration(0)
	if !h.loginIP.allow(client) {
		wait = h.loginIP.retryAfter(client)
	} else {
		wait = h.loginGuard.wait(account, client)
	}
	if wait > 0 {
		// Refused without looking at the password: this address tries too often.
		setRetryAfter(c, wait)
		v.ErrorKey = "error.rate_limited"
		return h.render(c, fiber.StatusTooManyRequests, "login", v)
	}
	o, err := h.Officials.Authenticate(ctx, email, c.FormValue("password"))
	if refused, rerr := h.loginRefusedForErasure(c, v, err); refused {
		h.loginGuard.succeeded(account, client)
		return rerr
	}
	if err != nil {
		if _, ok := problem.As(err); !ok {
			return err
		}
		h.loginGuard.failed(account, client)
		if err := h.Officials.RecordLoginFailure(ctx, email); err != nil {
			return err
		}
		v.ErrorKey = "error.bad_credentials"
		return h.render(c, fiber.StatusUnauthorized, "login", v)
	}
	h.loginGuard.succeeded(account, client)
	if p, ok := h.cfg.MandatoryProvider(o.Role); ok {
		// The password was right, but this account signs in through its institution.
		v.ErrorKey, v.ErrArgs = "oidc.password_refused", []any{"provider", p.Name(lang(c))}
		return h.render(c, fiber.StatusForbidden, "login", v)
	}
	if step, err := h.secondStep(c, o, next, secondfactor.FirstPassword); step || err != nil {
		return err
	}
	return h.completeSignIn(c, o, "password", next)
}

func (h *handler) logout(c *fiber.Ctx) error {
	if tok, ok := c.Locals(keySession).(string); ok {
		if err := h.Officials.Logout(c.UserContext(), tok); err != nil {
			return err
		}
	}
	h.clearCookie(c, sessionCookie)
	h.setFlash(c, "flash.logged_out")
	return c.Redirect("/"+lang(c)+"/", fiber.StatusSeeOther)
}

func (h *handler) showForgot(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, "forgot", h.view(c, "forgot.title"))
}

// forgot always answers the same way, after the same work, so that it does not tell who has
// an account: for an address without one, officials.RequestReset stores a link and queues
// its mail like for a real account, then rolls both back.
func (h *handler) forgot(c *fiber.Ctx) error {
	ctx := c.UserContext()
	email := strings.TrimSpace(c.FormValue("email"))
	client, account := h.clientIP(c), "reset:"+officials.NormaliseEmail(email)
	if !h.loginIP.allow(client) {
		return tooManyRequests(c, h.loginIP.retryAfter(client))
	}
	if !h.resetAcc.allow(account) {
		return tooManyRequests(c, h.resetAcc.retryAfter(account))
	}
	who := actor(c)
	err := h.Officials.RequestReset(ctx, email, lang(c), func(tx *sql.Tx, o *officials.Official, tok string) error {
		_, err := h.Mailer.Enqueue(ctx, tx, mail.Message{To: o.Email, Name: o.DisplayName(o.Language), Lang: o.Language,
			Template: "reset", Data: map[string]any{"Name": o.DisplayName(o.Language), "Link": h.oneTimeLink(o.Language, "reset", tok)},
			UsefulUntil: time.Now().Add(officials.ResetTTL)})
		if err != nil {
			return err
		}
		// Recorded with the link, and taken back with it for an address without an account.
		return audit.Record(ctx, tx, who, actionResetRequested, officialSubject(o.ID), "via", "", "forgot")
	})
	if err != nil {
		return err
	}
	h.setFlash(c, "flash.reset_sent")
	return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
}

func (h *handler) showReset(c *fiber.Ctx) error {
	if err := h.Officials.CheckEmailToken(c.UserContext(), c.Params("token"), officials.PurposeReset); err != nil {
		return err
	}
	v := h.view(c, "reset.title")
	v.Data = c.Params("token")
	return h.render(c, fiber.StatusOK, "reset", v)
}

func (h *handler) reset(c *fiber.Ctx) error {
	v := h.view(c, "reset.title")
	v.Data = c.Params("token")
	if c.FormValue("password") != c.FormValue("password_confirm") {
		v.Errors = map[string]string{"password_confirm": "field.password.mismatch"}
		return h.render(c, fiber.StatusUnprocessableEntity, "reset", v)
	}
	_, revoked, err := h.Officials.ResetPassword(c.UserContext(), c.Params("token"), c.FormValue("password"))
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		v.Errors, v.ErrorKey = fields, key
		return h.render(c, status, "reset", v)
	}
	h.clearCookie(c, sessionCookie)
	if revoked > 0 {
		h.setFlash(c, "flash.password_reset_tokens")
	} else {
		h.setFlash(c, "flash.password_reset")
	}
	return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
}

package web

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/secondfactor"
	"github.com/masar-platform/masar/store"
)

// challengeCookie holds the secret of a sign-in waiting for its second step.
const challengeCookie = "masar_2fa"

// secondFactorRoutes registers the second step of signing in, the personal security page and
// the admin's reset.
func (h *handler) secondFactorRoutes(g fiber.Router) {
	g.Get("/login/second-factor", h.showSecondStep)
	g.Post("/login/second-factor", h.secondStepPost)
	g.Get("/login/enrol", h.showLoginEnrol)
	g.Post("/login/enrol", h.loginEnrol)
	g.Post("/login/enrol/done", h.loginEnrolDone)
	me := g.Group("/me/security", h.requireLogin)
	me.Get("/", h.showSecurity)
	me.Post("/totp", h.enrolTOTP)
	me.Post("/totp/remove", h.removeTOTP)
	me.Post("/recovery-codes", h.regenerateRecoveryCodes)
	g.Post("/admin/officials/:id/second-factor/reset", h.requireLogin, h.requireRole(officials.RoleAdmin), h.resetSecondFactor)
	h.passkeyRoutes(g)
}

// secondStep starts the second step of o's sign-in, whose first step was first
// (secondfactor.FirstPassword or FirstOIDC), when o has a second factor or must set one up:
// it answers with the way there and reports true. It reports false when the first step is
// enough.
func (h *handler) secondStep(c *fiber.Ctx, o *officials.Official, next, first string) (bool, error) {
	ctx := c.UserContext()
	st, err := h.SecondFactor.Status(ctx, o.ID)
	if err != nil {
		return true, err
	}
	purpose, page := secondfactor.PurposeVerify, "/login/second-factor"
	if !st.Has() {
		if !h.cfg.SecondFactorRequired(o.Role) {
			return false, nil
		}
		purpose, page = secondfactor.PurposeEnrol, "/login/enrol"
	}
	tok, err := h.SecondFactor.NewChallenge(ctx, o.ID, purpose, next, first)
	if err != nil {
		return true, err
	}
	c.Cookie(&fiber.Cookie{Name: challengeCookie, Value: tok, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: h.cfg.Secure(),
		MaxAge: int(secondfactor.EnrolChallengeTTL.Seconds())})
	return true, c.Redirect("/"+lang(c)+page, fiber.StatusSeeOther)
}

// challenge returns the sign-in waiting in this browser for purpose, with its account, or
// nil after sending the browser back to the login form (flash: it expired).
func (h *handler) challenge(c *fiber.Ctx, purpose string) (*secondfactor.Challenge, *officials.Official, error) {
	ctx := c.UserContext()
	ch, err := h.SecondFactor.Challenge(ctx, c.Cookies(challengeCookie))
	if err == nil && ch.Purpose == purpose {
		o, gerr := h.Officials.Get(ctx, ch.OfficialID)
		if gerr == nil && o.DeletedAt == nil {
			return ch, o, nil
		}
		if !errors.Is(gerr, store.ErrNotFound) && gerr != nil {
			return nil, nil, gerr
		}
	} else if err != nil && !errors.Is(err, secondfactor.ErrNoChallenge) {
		return nil, nil, err
	}
	h.clearCookie(c, challengeCookie)
	h.setFlash(c, "flash.second_factor_expired")
	return nil, nil, c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
}

// secondStepData is what the second step's page offers: the passkey step when the account
// has a passkey, and the code field when it has an authenticator app.
type secondStepData struct {
	Passkey *passkeyForm
	TOTP    bool
}

// secondStepView is the page of o's second step, with a form-wide error key.
func (h *handler) secondStepView(c *fiber.Ctx, o *officials.Official, status int, fields map[string]string, errKey string, args ...any) error {
	st, err := h.SecondFactor.Status(c.UserContext(), o.ID)
	if err != nil {
		return err
	}
	d := secondStepData{TOTP: st.TOTP}
	if d.Passkey, err = h.assertion(c, o); err != nil {
		return err
	}
	v := h.view(c, "second_factor.login.title")
	v.Data, v.Errors, v.ErrorKey, v.ErrArgs = d, fields, errKey, args
	v.NoIndex = true
	return h.render(c, status, "login_second_factor", v)
}

func (h *handler) showSecondStep(c *fiber.Ctx) error {
	ch, o, err := h.challenge(c, secondfactor.PurposeVerify)
	if ch == nil {
		return err
	}
	return h.secondStepView(c, o, fiber.StatusOK, nil, "")
}

// secondStepLimited refuses a second step from an address or on an account that tried too
// often: per address across accounts (secondIP), per account across addresses (secondAcc,
// counting failures), and per account and address with the login guard's growing waits.
func (h *handler) secondStepLimited(c *fiber.Ctx, id int64) time.Duration {
	client, key := h.clientIP(c), secondKey(id)
	if !h.secondIP.allow(client) {
		return h.secondIP.retryAfter(client)
	}
	if d := h.secondAcc.retryAfter(key); d > 0 {
		return d
	}
	return h.loginGuard.wait(key, client)
}

func secondKey(id int64) string { return "2fa:" + strconv.FormatInt(id, 10) }

// secondStepFailed counts a wrong code of account id from this browser and records it.
func (h *handler) secondStepFailed(c *fiber.Ctx, id int64, method string) (left int, err error) {
	key := secondKey(id)
	h.secondAcc.allow(key)
	h.loginGuard.failed(key, h.clientIP(c))
	if err := h.SecondFactor.RecordFailure(c.UserContext(), id, method); err != nil {
		return 0, err
	}
	return h.SecondFactor.ChallengeFailed(c.UserContext(), c.Cookies(challengeCookie))
}

func (h *handler) secondStepPost(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ch, o, err := h.challenge(c, secondfactor.PurposeVerify)
	if ch == nil {
		return err
	}
	if wait := h.secondStepLimited(c, o.ID); wait > 0 {
		setRetryAfter(c, wait)
		return h.secondStepView(c, o, fiber.StatusTooManyRequests, nil, "error.rate_limited")
	}
	code, recovery := strings.TrimSpace(c.FormValue("code")), strings.TrimSpace(c.FormValue("recovery_code"))
	field, method := "code", "totp"
	ok := false
	switch {
	case c.FormValue("passkey_token") != "":
		field, method = "passkey", "passkey"
		var fields map[string]string
		if ok, fields, err = h.passkeyStep(c, o); err != nil {
			return err
		}
		if !ok && fields["passkey"] != "second_factor.error.passkey_failed" {
			// Cancelled, timed out or sent without an answer: nothing was tried.
			return h.secondStepView(c, o, fiber.StatusUnprocessableEntity, fields, "")
		}
	case recovery != "":
		field, method = "recovery_code", "recovery"
		if ok, err = h.SecondFactor.UseRecoveryCode(ctx, o.ID, recovery); err != nil {
			return err
		}
	case code != "":
		if ok, err = h.SecondFactor.VerifyTOTP(ctx, o.ID, code); err != nil {
			return err
		}
	default:
		return h.secondStepView(c, o, fiber.StatusUnprocessableEntity, map[string]string{"code": "second_factor.field.code.required"}, "")
	}
	if !ok {
		left, err := h.secondStepFailed(c, o.ID, method)
		if err != nil {
			return err
		}
		if left == 0 {
			_, _ = h.SecondFactor.EndChallenge(ctx, c.Cookies(challengeCookie))
			h.clearCookie(c, challengeCookie)
			h.setFlash(c, "flash.second_factor_too_many")
			return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
		}
		msg := "second_factor.error.code_wrong"
		switch method {
		case "recovery":
			msg = "second_factor.error.recovery_wrong"
		case "passkey":
			msg = "second_factor.error.passkey_failed"
		}
		return h.secondStepView(c, o, fiber.StatusUnauthorized, map[string]string{field: msg}, "second_factor.error.tries_left", "n", left)
	}
	// The challenge is spent here, so that two requests with two good codes sign in once.
	if ended, err := h.SecondFactor.EndChallenge(ctx, c.Cookies(challengeCookie)); err != nil || !ended {
		if err != nil {
			return err
		}
		return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
	}
	h.loginGuard.succeeded(secondKey(o.ID), h.clientIP(c))
	if method == "recovery" {
		st, err := h.SecondFactor.Status(ctx, o.ID)
		if err != nil {
			return err
		}
		if st.RecoveryLeft <= 3 {
			h.setFlash(c, "flash.recovery_codes_low")
		}
	}
	return h.completeSignIn(c, o, ch.First+"+"+method, safeNext(ch.Next, "/"+lang(c)+"/me"))
}

// enrolData is what the enrolment form shows: the QR code of the app's URL, the secret for
// typing in, and where the form goes.
type enrolData struct {
	Enrolment secondfactor.Enrolment
	QR        template.HTML
	Action    string
	Required  bool // the account's role requires a second factor
	Status    secondfactor.Status
	Codes     []string               // recovery codes, shown once
	Login     bool                   // the page belongs to a sign-in, not to the security page
	Passkey   *passkeyForm           // adding a passkey (nil: passkeys are off)
	Passkeys  []secondfactor.Passkey // the account's passkeys (security page)
}

// SecretGroups is the secret in groups of four, easier to copy by hand.
func (d enrolData) SecretGroups() string {
	s := d.Enrolment.Secret
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

func (h *handler) enrolData(c *fiber.Ctx, o *officials.Official, sealed, action string) (enrolData, error) {
	var e secondfactor.Enrolment
	var err error
	if sealed != "" {
		e, err = h.SecondFactor.Reopen(o.ID, o.Email, sealed)
	}
	if sealed == "" || err != nil {
		if e, err = h.SecondFactor.NewEnrolment(o.ID, o.Email); err != nil {
			return enrolData{}, err
		}
	}
	qr, err := ticketQRSVG(e.URL, h.cat.T(lang(c), "second_factor.enrol.qr_label"))
	if err != nil {
		return enrolData{}, err
	}
	d := enrolData{Enrolment: e, QR: qr, Action: action, Required: h.cfg.SecondFactorRequired(o.Role)}
	pkAction := "/me/security/passkeys"
	if action == "/login/enrol" {
		pkAction = "/login/enrol/passkey"
	}
	if d.Passkey, err = h.registration(c, o, pkAction); err != nil {
		return enrolData{}, err
	}
	return d, nil
}

func (h *handler) enrolView(c *fiber.Ctx, status int, page string, d enrolData, fields map[string]string, errKey string) error {
	v := h.enrolPage(c, page, d, fields)
	v.ErrorKey = errKey
	return h.render(c, status, page, v)
}

// enrolPage is the view of a page that sets up a second factor (page: login_enrol, security
// or recovery_codes).
func (h *handler) enrolPage(c *fiber.Ctx, page string, d enrolData, fields map[string]string) *View {
	title := "second_factor.enrol.title"
	if page == "security" {
		title = "second_factor.security.title"
	}
	v := h.view(c, title)
	v.Data, v.Errors = d, fields
	v.NoIndex = true
	return v
}

func (h *handler) showLoginEnrol(c *fiber.Ctx) error {
	ch, o, err := h.challenge(c, secondfactor.PurposeEnrol)
	if ch == nil {
		return err
	}
	d, err := h.enrolData(c, o, "", "/login/enrol")
	if err != nil {
		return err
	}
	d.Login = true
	if ch.Passed {
		// Set up already in this sign-in: finish it.
		return h.enrolView(c, fiber.StatusOK, "recovery_codes", d, nil, "")
	}
	return h.enrolView(c, fiber.StatusOK, "login_enrol", d, nil, "")
}

func (h *handler) loginEnrol(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ch, o, err := h.challenge(c, secondfactor.PurposeEnrol)
	if ch == nil {
		return err
	}
	if wait := h.secondStepLimited(c, o.ID); wait > 0 {
		return tooManyRequests(c, wait)
	}
	tok := c.Cookies(challengeCookie)
	codes, err := h.SecondFactor.ConfirmTOTP(ctx, auditActor(o), o.ID, c.FormValue("secret"), c.FormValue("code"),
		func(tx *sql.Tx) error { return h.SecondFactor.PassChallengeTx(ctx, tx, tok) })
	if err != nil {
		return h.enrolFailed(c, o, err, "/login/enrol", "login_enrol", true)
	}
	h.loginGuard.succeeded(secondKey(o.ID), h.clientIP(c))
	d := enrolData{Codes: codes, Login: true}
	return h.enrolView(c, fiber.StatusOK, "recovery_codes", d, nil, "")
}

// enrolFailed answers a refused confirmation of an app: a wrong code shows the same secret
// again, counted against the sign-in and the rate limits; an expired secret shows a new one.
func (h *handler) enrolFailed(c *fiber.Ctx, o *officials.Official, err error, action, page string, login bool) error {
	if errors.Is(err, secondfactor.ErrAlreadyEnrolled) {
		if login {
			h.clearCookie(c, challengeCookie)
			h.setFlash(c, "flash.second_factor_expired")
			return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
		}
		return c.Redirect("/"+lang(c)+"/me/security", fiber.StatusSeeOther)
	}
	sealed := c.FormValue("secret")
	var fields map[string]string
	errKey := ""
	switch {
	case errors.Is(err, secondfactor.ErrCodeWrong):
		fields = map[string]string{"code": "second_factor.error.code_wrong"}
		if login {
			left, ferr := h.secondStepFailed(c, o.ID, "totp")
			if ferr != nil {
				return ferr
			}
			if left == 0 {
				_, _ = h.SecondFactor.EndChallenge(c.UserContext(), c.Cookies(challengeCookie))
				h.clearCookie(c, challengeCookie)
				h.setFlash(c, "flash.second_factor_too_many")
				return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
			}
		} else {
			h.secondAcc.allow(secondKey(o.ID))
		}
	case errors.Is(err, secondfactor.ErrEnrolmentExpired):
		sealed, errKey = "", "second_factor.error.enrolment_expired"
	default:
		return err
	}
	d, derr := h.enrolData(c, o, sealed, action)
	if derr != nil {
		return derr
	}
	d.Login = login
	if !login {
		if d.Status, derr = h.SecondFactor.Status(c.UserContext(), o.ID); derr != nil {
			return derr
		}
		if d.Passkeys, derr = h.SecondFactor.Passkeys(c.UserContext(), o.ID); derr != nil {
			return derr
		}
	}
	return h.enrolView(c, fiber.StatusUnprocessableEntity, page, d, fields, errKey)
}

func (h *handler) loginEnrolDone(c *fiber.Ctx) error {
	ch, o, err := h.challenge(c, secondfactor.PurposeEnrol)
	if ch == nil {
		return err
	}
	if !ch.Passed {
		return c.Redirect("/"+lang(c)+"/login/enrol", fiber.StatusSeeOther)
	}
	if ended, err := h.SecondFactor.EndChallenge(c.UserContext(), c.Cookies(challengeCookie)); err != nil || !ended {
		if err != nil {
			return err
		}
		return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
	}
	method := ch.First + "+totp"
	if st, err := h.SecondFactor.Status(c.UserContext(), o.ID); err != nil {
		return err
	} else if !st.TOTP && st.Passkeys > 0 {
		method = ch.First + "+passkey"
	}
	return h.completeSignIn(c, o, method, safeNext(ch.Next, "/"+lang(c)+"/me"))
}

// auditActor is the account acting on itself.
func auditActor(o *officials.Official) audit.Actor { return audit.Actor{ID: o.ID, Email: o.Email} }

// securityData is what the security page shows: the app (or the form that sets one up),
// the passkeys with the form that adds one, and the recovery codes left.
func (h *handler) securityData(c *fiber.Ctx) (enrolData, error) {
	u := user(c)
	st, err := h.SecondFactor.Status(c.UserContext(), u.ID)
	if err != nil {
		return enrolData{}, err
	}
	d := enrolData{Status: st, Required: h.cfg.SecondFactorRequired(u.Role)}
	if !st.TOTP {
		if d, err = h.enrolData(c, u, "", "/me/security/totp"); err != nil {
			return enrolData{}, err
		}
		d.Status = st
	} else if d.Passkey, err = h.registration(c, u, "/me/security/passkeys"); err != nil {
		return enrolData{}, err
	}
	if d.Passkeys, err = h.SecondFactor.Passkeys(c.UserContext(), u.ID); err != nil {
		return enrolData{}, err
	}
	return d, nil
}

func (h *handler) securityPage(c *fiber.Ctx, status int, fields map[string]string, errKey string) error {
	d, err := h.securityData(c)
	if err != nil {
		return err
	}
	return h.enrolView(c, status, "security", d, fields, errKey)
}

func (h *handler) showSecurity(c *fiber.Ctx) error {
	return h.securityPage(c, fiber.StatusOK, nil, "")
}

func (h *handler) enrolTOTP(c *fiber.Ctx) error {
	u := user(c)
	if d := h.secondAcc.retryAfter(secondKey(u.ID)); d > 0 {
		return tooManyRequests(c, d)
	}
	codes, err := h.SecondFactor.ConfirmTOTP(c.UserContext(), actor(c), u.ID, c.FormValue("secret"), c.FormValue("code"), nil)
	if err != nil {
		return h.enrolFailed(c, u, err, "/me/security/totp", "security", false)
	}
	return h.enrolView(c, fiber.StatusOK, "recovery_codes", enrolData{Codes: codes}, nil, "")
}

// checkPassword compares the password typed on the security page with the account's.
func (h *handler) checkPassword(ctx context.Context, u *officials.Official, password string) (bool, error) {
	if _, err := h.Officials.Authenticate(ctx, u.Email, password); err != nil {
		if _, ok := problem.As(err); ok {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

func (h *handler) removeTOTP(c *fiber.Ctx) error {
	u := user(c)
	ok, err := h.checkPassword(c.UserContext(), u, c.FormValue("password"))
	if err != nil {
		return err
	}
	if !ok {
		return h.securityPage(c, fiber.StatusUnprocessableEntity, map[string]string{"password": "field.current_password.wrong"}, "")
	}
	if err := h.SecondFactor.Remove(c.UserContext(), actor(c), u.ID); err != nil {
		return err
	}
	h.setFlash(c, "flash.second_factor_removed")
	return c.Redirect("/"+lang(c)+"/me/security", fiber.StatusSeeOther)
}

func (h *handler) regenerateRecoveryCodes(c *fiber.Ctx) error {
	u := user(c)
	ok, err := h.checkPassword(c.UserContext(), u, c.FormValue("codes_password"))
	if err != nil {
		return err
	}
	if !ok {
		return h.securityPage(c, fiber.StatusUnprocessableEntity, map[string]string{"codes_password": "field.current_password.wrong"}, "")
	}
	codes, err := h.SecondFactor.RegenerateRecoveryCodes(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return h.enrolView(c, fiber.StatusOK, "recovery_codes", enrolData{Codes: codes}, nil, "")
}

// resetFactors removes the second factors of the account named in the URL, by an admin's
// decision (the page's button and the API), ending its sessions in the same transaction.
func (h *handler) resetFactors(c *fiber.Ctx) (*officials.Official, error) {
	o, err := h.subject(c)
	if err != nil {
		return nil, err
	}
	if o.ID == user(c).ID {
		// One's own factor is removed on the security page, with one's password.
		return nil, problem.New(fiber.StatusForbidden, "forbidden", "second_factor.error.reset_self")
	}
	ctx := c.UserContext()
	if err := h.SecondFactor.Reset(ctx, actor(c), o.ID, func(tx *sql.Tx) error { return h.Officials.EndSessionsTx(ctx, tx, o.ID) }); err != nil {
		return nil, err
	}
	h.Officials.SessionsChanged()
	return o, nil
}

func (h *handler) resetSecondFactor(c *fiber.Ctx) error {
	o, err := h.resetFactors(c)
	if err != nil {
		return err
	}
	h.setFlash(c, "flash.second_factor_reset")
	return c.Redirect("/"+lang(c)+"/admin/officials/"+strconv.FormatInt(o.ID, 10), fiber.StatusSeeOther)
}

// requireSecondFactor keeps an account whose role requires a second factor, and which has
// none, on its security page until it sets one up (an account given such a role, or one
// whose factor was reset, while logged in): every other page sends it there, every other
// action is refused. Logging out, and a one-time password's change, stay open.
func (h *handler) requireSecondFactor(c *fiber.Ctx) error {
	u := user(c)
	if u == nil || !h.cfg.SecondFactorRequired(u.Role) {
		return c.Next()
	}
	rest := strings.TrimPrefix(c.Path(), "/"+lang(c))
	if rest == "/logout" || strings.HasPrefix(rest, "/me/security") || (u.MustChangePassword && rest == "/me/password") {
		return c.Next()
	}
	has, err := h.SecondFactor.Has(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if has {
		return c.Next()
	}
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		h.setFlash(c, "flash.second_factor_required")
		return c.Redirect("/"+lang(c)+"/me/security", fiber.StatusSeeOther)
	}
	return problem.New(fiber.StatusForbidden, "second_factor_required", "second_factor.error.enrol_first")
}

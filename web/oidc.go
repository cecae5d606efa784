package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/secondfactor"
	"github.com/masar-platform/masar/sso"
)

// oidcCookie holds the random value that binds a sign-in through a provider to the browser
// that started it (see package sso): a callback brought to another browser is refused.
const oidcCookie = "masar_oidc"

// oidcButton is a provider's button on the login page.
type oidcButton struct {
	ID, Name, Href string
}

// oidcButtons are the login page's buttons, one per provider, keeping where to go after.
func (h *handler) oidcButtons(c *fiber.Ctx, next string) []oidcButton {
	var out []oidcButton
	for _, p := range h.SSO.Providers() {
		href := "/" + lang(c) + "/login/oidc/" + p.ID
		if next != "" {
			href += "?next=" + urlEscape(next)
		}
		out = append(out, oidcButton{ID: p.ID, Name: p.Name(lang(c)), Href: href})
	}
	return out
}

// oidcAppRoutes registers the providers' callback, outside the language prefix: one
// redirect URI per provider to register with it, the language being kept with the state.
func (h *handler) oidcAppRoutes(app *fiber.App) {
	app.Get("/login/oidc/:provider/callback", h.loadSession, h.privateResponses, h.oidcCallback)
}

func (h *handler) oidcRoutes(g fiber.Router) {
	g.Get("/login/oidc/:provider", h.startOIDC)
}

// startOIDC sends the browser to the provider's sign-in page. It is a link rather than a
// form: the page's Content-Security-Policy (form-action 'self') would stop a form's
// redirect to another site, and starting a sign-in changes nothing but a row that expires.
func (h *handler) startOIDC(c *fiber.Ctx) error {
	id := c.Params("provider")
	if _, ok := h.SSO.Provider(id); !ok {
		return fiber.ErrNotFound
	}
	if ip := h.clientIP(c); !h.loginIP.allow(ip) {
		return tooManyRequests(c, h.loginIP.retryAfter(ip))
	}
	browser := c.Cookies(oidcCookie)
	if len(browser) != 43 {
		browser = officials.NewToken()
	}
	next := safeNext(c.Query("next"), "")
	authURL, err := h.SSO.Begin(c.UserContext(), id, lang(c), next, browser)
	var f *sso.Failure
	if errors.As(err, &f) {
		return h.oidcFailed(c, f)
	}
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: oidcCookie, Value: browser, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: h.cfg.Secure(), MaxAge: int(sso.StateTTL.Seconds())})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(authURL, fiber.StatusSeeOther)
}

// oidcCallback finishes a sign-in when the provider sends the browser back.
func (h *handler) oidcCallback(c *fiber.Ctx) error {
	id := c.Params("provider")
	if _, ok := h.SSO.Provider(id); !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	// Every refused callback is logged and audited: one address may not fill the log.
	if ip := h.clientIP(c); !h.loginIP.allow(ip) {
		return tooManyRequests(c, h.loginIP.retryAfter(ip))
	}
	cb := sso.Callback{State: c.Query("state"), Code: c.Query("code"), Error: c.Query("error"), ErrorDescription: c.Query("error_description")}
	res, err := h.SSO.Finish(c.UserContext(), id, cb, c.Cookies(oidcCookie))
	var f *sso.Failure
	if errors.As(err, &f) {
		return h.oidcFailed(c, f)
	}
	if err != nil {
		return err
	}
	c.Locals(keyLang, res.Lang)
	next := safeNext(res.Next, "/"+res.Lang+"/me")
	if res.Created {
		// What the provider did not tell (organisation, country, …) is asked at once.
		h.setFlash(c, "oidc.flash.created")
		next = "/" + res.Lang + "/me/edit"
	}
	return h.oidcSignIn(c, res.Official, res.Provider, next)
}

// oidcSignIn starts the session of account o, identified by provider p, and sends the
// browser on to next. It is the one step after a provider's sign-in that the platform's own
// second factor will stand before, unless p.SecondFactor is "provider" (the provider's
// sign-in counts as strong authentication).
func (h *handler) oidcSignIn(c *fiber.Ctx, o *officials.Official, p config.OIDCProvider, next string) error {
	h.log.Info("signed in through a provider", "official", o.ID, "provider", p.ID, "second_factor", p.SecondFactor)
	if p.SecondFactor != "provider" {
		// The platform's own second factor stands after the provider's sign-in, as after a
		// password: an account that has one, or whose role needs one, takes that step.
		if step, err := h.secondStep(c, o, next, secondfactor.FirstOIDC); step || err != nil {
			return err
		}
	}
	return h.completeSignIn(c, o, "oidc", next)
}

// oidcFailed shows why a sign-in through a provider did not succeed, in the language of the
// page it started from (or the browser's, when the state was not found).
func (h *handler) oidcFailed(c *fiber.Ctx, f *sso.Failure) error {
	l := f.Lang
	if !i18n.Supported(l) {
		l = lang(c)
		if cl := c.Cookies(langCookie); i18n.Supported(cl) {
			l = cl
		}
	}
	c.Locals(keyLang, l)
	p, _ := h.SSO.Provider(f.Provider)
	key, status := oidcFailureMessage(f.Reason)
	v := h.view(c, "oidc.error.title")
	v.Data = oidcFailurePage{Message: h.cat.T(l, key, "provider", p.Name(l)), Retry: "/" + l + "/login"}
	if f.Next != "" {
		v.Data = oidcFailurePage{Message: h.cat.T(l, key, "provider", p.Name(l)), Retry: "/" + l + "/login?next=" + urlEscape(f.Next)}
	}
	// The language switcher leads to the login page, not to the callback with its used
	// code and state.
	v.Path = strings.TrimPrefix(v.Data.(oidcFailurePage).Retry, "/"+l)
	return h.render(c, status, "oidc_error", v)
}

type oidcFailurePage struct {
	Message string
	Retry   string
}

// oidcFailureMessage is the message and status of a failure's reason.
func oidcFailureMessage(reason string) (string, int) {
	switch reason {
	case sso.ReasonProviderUnavailable, sso.ReasonTokenExchange:
		return "oidc.error.unavailable", http.StatusBadGateway
	case sso.ReasonProviderError:
		return "oidc.error.provider", http.StatusBadRequest
	case sso.ReasonStateUnknown, sso.ReasonStateReplayed, sso.ReasonStateExpired, sso.ReasonStateBrowser:
		return "oidc.error.state", http.StatusBadRequest
	case sso.ReasonEmailMissing, sso.ReasonEmailNotVerified:
		return "oidc.error.email", http.StatusForbidden
	case sso.ReasonRoleNotAllowed:
		return "oidc.error.role", http.StatusForbidden
	case sso.ReasonNoAccount:
		return "oidc.error.no_account", http.StatusForbidden
	case sso.ReasonAccountClosed:
		return "oidc.error.closed", http.StatusForbidden
	case sso.ReasonIdentityConflict:
		return "oidc.error.conflict", http.StatusForbidden
	}
	// The ID token's faults: audience, expiry, signature, issuer, nonce.
	return "oidc.error.token", http.StatusBadRequest
}

package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/secondfactor"
)

// completeSignIn logs o in once every step of a sign-in passed: it ends the browser's old
// session, starts a new one in the session cookie, gives the browser a new form token, and
// sends o on — to the password form first when o holds a one-time password, else to next
// (already made safe by the caller with safeNext). method says how o proved who they are:
// "password" or "oidc", followed by "+totp", "+recovery" or "+passkey" when a second step
// was taken (signInMethods lists them all). Every way of signing in ends here.
func (h *handler) completeSignIn(c *fiber.Ctx, o *officials.Official, method, next string) error {
	ctx := c.UserContext()
	if old, ok := c.Locals(keySession).(string); ok {
		_ = h.Officials.EndSession(ctx, old)
	}
	tok, err := h.Officials.NewSession(ctx, o.ID, h.sessionMeta(c, method))
	if err != nil {
		return err
	}
	h.setSessionCookie(c, tok)
	if c.Cookies(challengeCookie) != "" {
		h.clearCookie(c, challengeCookie)
	}
	// A form token seen before logging in (by a page of another site that planted the
	// cookie, say) does not carry over to the session.
	h.newCSRFSeed(c)
	h.log.Debug("signed in", "official", o.ID, "method", method, "id", requestID(c))
	if o.MustChangePassword {
		h.setFlash(c, "flash.must_change_password")
		return c.Redirect("/"+o.Language+"/me/password", fiber.StatusSeeOther)
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// signInMethods are the methods completeSignIn records: each first step alone, and with
// each second step. The sessions page names each one in every language.
func signInMethods() []string {
	var out []string
	for _, first := range []string{secondfactor.FirstPassword, secondfactor.FirstOIDC} {
		out = append(out, first)
		for _, second := range []string{"totp", "recovery", "passkey"} {
			out = append(out, first+"+"+second)
		}
	}
	return out
}

package web

import (
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// sessionRoutes are a person's own login sessions and API tokens, under /{lang}/me.
func (h *handler) sessionRoutes(me fiber.Router) {
	me.Get("/sessions", h.showSessions)
	me.Post("/sessions/end-others", h.endOtherSessions)
	me.Post("/sessions/:id/end", h.endSession)
	me.Get("/tokens", h.showTokens)
	me.Post("/tokens/:id/revoke", h.revokeToken)
}

// sessionMeta is where the request of a sign-in comes from, for the session it opens.
func (h *handler) sessionMeta(c *fiber.Ctx, method string) officials.SessionMeta {
	return officials.SessionMeta{UserAgent: c.Get(fiber.HeaderUserAgent), IP: h.clientIP(c), Method: method}
}

// currentSession is the secret of the session the request came with ("" for none).
func currentSession(c *fiber.Ctx) string {
	tok, _ := c.Locals(keySession).(string)
	return tok
}

func (h *handler) showSessions(c *fiber.Ctx) error {
	list, err := h.Officials.Sessions(c.UserContext(), user(c).ID, currentSession(c))
	if err != nil {
		return err
	}
	// This browser first, then the others as they were last used.
	slices.SortStableFunc(list, func(a, b officials.SessionInfo) int {
		switch {
		case a.Current == b.Current:
			return 0
		case a.Current:
			return -1
		}
		return 1
	})
	v := h.view(c, "sessions.title")
	v.Data = list
	return h.render(c, fiber.StatusOK, "me_sessions", v)
}

// endSession ends one of the person's sessions: the browser that held it is logged out on
// its next request, whichever instance serves it. Ending the current one is logging out.
func (h *handler) endSession(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := user(c)
	id := c.Params("id")
	current := false
	if cur := currentSession(c); cur != "" {
		list, err := h.Officials.Sessions(ctx, u.ID, cur)
		if err != nil {
			return err
		}
		for _, s := range list {
			current = current || (s.Current && s.ID == id)
		}
	}
	if err := h.Officials.EndOwnSession(ctx, actor(c), id); err != nil {
		return err
	}
	if current {
		h.clearCookie(c, sessionCookie)
		h.setFlash(c, "flash.logged_out")
		return c.Redirect("/"+lang(c)+"/login", fiber.StatusSeeOther)
	}
	h.setFlash(c, "sessions.flash.ended")
	return c.Redirect("/"+lang(c)+"/me/sessions", fiber.StatusSeeOther)
}

func (h *handler) endOtherSessions(c *fiber.Ctx) error {
	n, err := h.Officials.EndOwnOtherSessions(c.UserContext(), actor(c), currentSession(c))
	if err != nil {
		return err
	}
	if n > 0 {
		h.setFlash(c, "sessions.flash.others_ended")
	} else {
		h.setFlash(c, "sessions.flash.no_others")
	}
	return c.Redirect("/"+lang(c)+"/me/sessions", fiber.StatusSeeOther)
}

func (h *handler) showTokens(c *fiber.Ctx) error {
	list, err := h.Officials.APITokens(c.UserContext(), user(c).ID)
	if err != nil {
		return err
	}
	v := h.view(c, "tokens.title")
	v.Data = list
	return h.render(c, fiber.StatusOK, "me_tokens", v)
}

// revokeToken stops one of the person's API tokens; anyone else's is not found.
func (h *handler) revokeToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return store.ErrNotFound
	}
	if err := h.Officials.RevokeOwnAPIToken(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	h.setFlash(c, "tokens.flash.revoked")
	return c.Redirect("/"+lang(c)+"/me/tokens", fiber.StatusSeeOther)
}

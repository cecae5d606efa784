package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// apiSessionRoutes are the API's side of /{lang}/me/sessions and /{lang}/me/tokens: the
// caller's own login sessions and API tokens. A bearer token is not a session, so none of
// the sessions is the caller's current one.
func (h *handler) apiSessionRoutes(api fiber.Router) {
	api.Get("/me/sessions", h.requireAPIUser, h.apiMySessions)
	api.Delete("/me/sessions/:id", h.requireAPIUser, h.apiEndMySession)
	api.Get("/me/tokens", h.requireAPIUser, h.apiMyTokens)
	api.Post("/me/tokens/:id/revoke", h.requireAPIUser, h.apiRevokeMyToken)
	admin := h.requireRole(officials.RoleAdmin)
	api.Get("/officials/:id/second-factor", admin, h.apiSecondFactor)
	api.Post("/officials/:id/second-factor/reset", admin, h.apiResetSecondFactor)
}

// apiFactors is what an admin sees of an account's second factors: which ones, never a
// secret.
type apiFactors struct {
	TOTP          bool       `json:"totp"`
	TOTPSince     *time.Time `json:"totp_since"`
	Passkeys      int        `json:"passkeys"`
	RecoveryCodes int        `json:"recovery_codes_left"`
}

func (h *handler) factorsOf(c *fiber.Ctx, id int64) error {
	st, err := h.SecondFactor.Status(c.UserContext(), id)
	if err != nil {
		return err
	}
	out := apiFactors{TOTP: st.TOTP, Passkeys: st.Passkeys, RecoveryCodes: st.RecoveryLeft}
	if st.TOTP {
		out.TOTPSince = &st.Since
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiSecondFactor(c *fiber.Ctx) error {
	o, err := h.subject(c)
	if err != nil {
		return err
	}
	return h.factorsOf(c, o.ID)
}

// apiResetSecondFactor is the admin's reset of another account's second factors, as on
// its page: audited, and its sessions end. It answers the factors left (none).
func (h *handler) apiResetSecondFactor(c *fiber.Ctx) error {
	o, err := h.resetFactors(c)
	if err != nil {
		return err
	}
	return h.factorsOf(c, o.ID)
}

// apiSession is a session as the API shows it: what the page shows, named the same way.
type apiSession struct {
	officials.SessionInfo
	Device officials.Device `json:"device"`
	Place  officials.Place  `json:"place"`
}

func (h *handler) mySessions(c *fiber.Ctx) error {
	list, err := h.Officials.Sessions(c.UserContext(), user(c).ID, currentSession(c))
	if err != nil {
		return err
	}
	out := make([]apiSession, len(list))
	for i, s := range list {
		out[i] = apiSession{SessionInfo: s, Device: s.Device(), Place: s.Place()}
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiMySessions(c *fiber.Ctx) error { return h.mySessions(c) }

// apiEndMySession ends one of the caller's sessions (404 for anyone else's) and answers the
// sessions left.
func (h *handler) apiEndMySession(c *fiber.Ctx) error {
	if err := h.Officials.EndOwnSession(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return h.mySessions(c)
}

func (h *handler) myTokens(c *fiber.Ctx) error {
	list, err := h.Officials.APITokens(c.UserContext(), user(c).ID)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, list)
}

func (h *handler) apiMyTokens(c *fiber.Ctx) error { return h.myTokens(c) }

// apiRevokeMyToken revokes one of the caller's API tokens (404 for anyone else's; the token
// that asks may revoke itself) and answers the caller's tokens.
func (h *handler) apiRevokeMyToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return store.ErrNotFound
	}
	if err := h.Officials.RevokeOwnAPIToken(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return h.myTokens(c)
}

package web

import (
	"bytes"
	"net/netip"

	"github.com/gofiber/fiber/v2"
)

// clientIP is the address of the person behind the request: what rate limits are counted
// on and what the log records.
//
// X-Forwarded-For is believed only when the connection itself comes from a proxy listed in
// MASAR_TRUSTED_PROXIES. Each proxy appends the address it received the request from, so the
// list is read from the right, skipping the trusted proxies; the first address that is not
// one of them is the client. What lies left of it was written by the client and is never
// believed. Without trusted proxies the connecting address is the client, whatever the
// headers say.
func (h *handler) clientIP(c *fiber.Ctx) string {
	remote, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	remote = remote.Unmap()
	if !h.trustedProxy(remote) {
		return remote.String()
	}
	client := remote
	lines := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)
	for i := len(lines) - 1; i >= 0; i-- {
		hops := bytes.Split(lines[i], []byte(","))
		for j := len(hops) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(string(bytes.TrimSpace(hops[j])))
			if err != nil {
				// A hop that is not an address ends what can be trusted: keep the last
				// address a trusted proxy vouched for.
				return client.String()
			}
			client = a.Unmap()
			if !h.trustedProxy(client) {
				return client.String()
			}
		}
	}
	return client.String()
}

func (h *handler) trustedProxy(a netip.Addr) bool {
	for _, p := range h.cfg.Proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

const (
	sessionCookie = "masar_session"
	csrfCookie    = "masar_csrf"
	langCookie    = "masar_lang"
	flashCookie   = "masar_flash"
	csrfField     = "_csrf"
)

type ctxKey int

const (
	keyLang ctxKey = iota
	keyUser
	keyRequestID
	keySession
	keyCSRF
	keyNoIndex
)

func lang(c *fiber.Ctx) string {
	if l, ok := c.Locals(keyLang).(string); ok {
		return l
	}
	if p := c.Path(); len(p) >= 3 && i18n.Supported(p[1:3]) {
		return p[1:3]
	}
	if l := c.Get("Accept-Language"); l != "" {
		return i18n.Negotiate(l)
	}
	return i18n.Default
}

func user(c *fiber.Ctx) *officials.Official {
	u, _ := c.Locals(keyUser).(*officials.Official)
	return u
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(keyRequestID).(string)
	return id
}

func (h *handler) requestID(c *fiber.Ctx) error {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Locals(keyRequestID, id)
	c.Set("X-Request-Id", id)
	return c.Next()
}

func (h *handler) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	if h.cfg.Secure() {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

func (h *handler) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// The error handler writes the response; log after it ran.
		if herr := h.handleError(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	if status >= 500 || h.log.Enabled(c.UserContext(), -4) {
		h.log.Info("request", "method", c.Method(), "path", c.Path(), "status", status,
			"ms", time.Since(start).Milliseconds(), "id", requestID(c), "ip", h.clientIP(c))
	}
	return nil
}

func (h *handler) setLang(l string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(keyLang, l)
		if c.Cookies(langCookie) != l && c.Method() == fiber.MethodGet {
			c.Cookie(&fiber.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax", Secure: h.cfg.Secure()})
		}
		return c.Next()
	}
}

func (h *handler) loadSession(c *fiber.Ctx) error {
	tok := c.Cookies(sessionCookie)
	if tok == "" {
		return c.Next()
	}
	o, err := h.Officials.SessionOfficial(c.UserContext(), tok)
	if err != nil {
		h.clearCookie(c, sessionCookie)
		return c.Next()
	}
	c.Locals(keyUser, o)
	c.Locals(keySession, tok)
	return c.Next()
}

func (h *handler) setSessionCookie(c *fiber.Ctx, tok string) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: tok, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: h.cfg.Secure(), MaxAge: int(officials.SessionTTL.Seconds())})
}

// csrfToken returns the form token of this browser: an HMAC of a random cookie, so that a
// page from another site can neither read nor forge it.
func (h *handler) csrfToken(c *fiber.Ctx) string {
	if t, ok := c.Locals(keyCSRF).(string); ok {
		return t
	}
	seed := c.Cookies(csrfCookie)
	if len(seed) < 20 {
		return h.newCSRFSeed(c)
	}
	t := h.csrfFor(seed)
	c.Locals(keyCSRF, t)
	return t
}

// newCSRFSeed gives this browser a new random seed, and so a new form token (returned): at
// first sight, and at login, so that a token known before logging in stops working.
func (h *handler) newCSRFSeed(c *fiber.Ctx) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	seed := base64.RawURLEncoding.EncodeToString(b)
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: seed, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: h.cfg.Secure()})
	t := h.csrfFor(seed)
	c.Locals(keyCSRF, t)
	return t
}

func (h *handler) csrfFor(seed string) string {
	m := hmac.New(sha256.New, h.Secret)
	m.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses a state-changing request whose form token does not match this browser.
func (h *handler) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	seed := c.Cookies(csrfCookie)
	sent := c.FormValue(csrfField)
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	if seed == "" || sent == "" {
		return problem.New(fiber.StatusForbidden, "csrf", "error.csrf")
	}
	if subtle.ConstantTimeCompare([]byte(h.csrfFor(seed)), []byte(sent)) != 1 {
		return problem.New(fiber.StatusForbidden, "csrf", "error.csrf")
	}
	return c.Next()
}

func (h *handler) requireLogin(c *fiber.Ctx) error {
	// Whoever holds a one-time password chooses a new one before anything else.
	if u := user(c); u != nil && u.MustChangePassword && !strings.HasSuffix(c.Path(), "/me/password") {
		return c.Redirect("/"+lang(c)+"/me/password", fiber.StatusSeeOther)
	}
	if user(c) == nil {
		if c.Method() == fiber.MethodGet {
			return c.Redirect("/"+lang(c)+"/login?next="+urlEscape(string(c.Request().URI().RequestURI())), fiber.StatusSeeOther)
		}
		return problem.New(fiber.StatusUnauthorized, "unauthorized", "error.login_required")
	}
	return c.Next()
}

// requireRole lets the request through only for the given roles; the check is here, on the
// server, for every admin route and API call.
func (h *handler) requireRole(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := user(c)
		if u == nil {
			return problem.New(fiber.StatusUnauthorized, "unauthorized", "error.login_required")
		}
		for _, r := range roles {
			if u.Role == r {
				return c.Next()
			}
		}
		return problem.Forbidden
	}
}

func (h *handler) setFlash(c *fiber.Ctx, key string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: key, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: h.cfg.Secure(), MaxAge: 60})
}

// limiter counts attempts per key in a fixed window; it forgets windows that ended.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*window
	sweep  time.Time
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(max int, d time.Duration) *limiter {
	if max <= 0 {
		max = 1 << 30
	}
	return &limiter{max: max, window: d, hits: map[string]*window{}}
}

// allow counts one attempt for key and reports whether it is within the limit.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.sweep) > l.window {
		for k, w := range l.hits {
			if now.Sub(w.start) > l.window {
				delete(l.hits, k)
			}
		}
		l.sweep = now
	}
	w, ok := l.hits[key]
	if !ok || now.Sub(w.start) > l.window {
		w = &window{start: now}
		// The map outlives the request: its key must not point into a request's buffers.
		l.hits[strings.Clone(key)] = w
	}
	w.n++
	return w.n <= l.max
}

// retryAfter is how long key must wait before its next attempt counts again: until its
// window ends when it is over the limit, else zero.
func (l *limiter) retryAfter(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.hits[key]
	if !ok || w.n <= l.max {
		return 0
	}
	return max(0, l.window-time.Since(w.start))
}

var tooMany = problem.New(fiber.StatusTooManyRequests, "rate_limited", "error.rate_limited")

// tooManyRequests refuses a request over a limit, saying in Retry-After when to come back.
func tooManyRequests(c *fiber.Ctx, wait time.Duration) error {
	setRetryAfter(c, wait)
	return tooMany
}

// setRetryAfter sets Retry-After to wait in whole seconds, rounded up, at least one.
func setRetryAfter(c *fiber.Ctx, wait time.Duration) {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
}

func urlEscape(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "?", "%3F", "#", "%23", " ", "%20", "+", "%2B").Replace(s)
}

// safeNext keeps a post-login redirect on this site: it returns next only when it is a path
// of this site as any browser would read it — no scheme, no host, a single leading slash,
// no backslash and no control or bidi character, before or after decoding its escapes
// (browsers drop tabs and newlines and read a backslash as a slash, so that "/<tab>/evil"
// and "/<backslash>evil" lead off-site) — and fallback otherwise.
func safeNext(next, fallback string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	for _, s := range []string{next, u.Path} {
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') ||
			strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || i18n.IsBidiControl(r) }) >= 0 {
			return fallback
		}
	}
	return next
}

// clearCookie removes a cookie set by setSessionCookie, setFlash or the CSRF seed: same name
// and same path, or the browser keeps the original.
func (h *handler) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HTTPOnly: true, SameSite: "Lax", Secure: h.cfg.Secure()})
}

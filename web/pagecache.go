package web

import (
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// pageCache keeps the rendered bytes of pages that are the same for every anonymous
// visitor (home, catalogue, course and lesson pages): most readers arrive logged out, and
// these pages depend only on the course content. An entry is used only while the content it
// was rendered from is still served, and for at most a minute.
type pageCache struct {
	mu      sync.RWMutex
	entries map[string]cachedPage
	max     int
}

type cachedPage struct {
	body []byte
	gen  uint64
	at   time.Time
	ttl  time.Duration
}

const pageCacheTTL = time.Minute

func newPageCache(max int) *pageCache {
	return &pageCache{entries: map[string]cachedPage{}, max: max}
}

func cacheKey(c *fiber.Ctx) string {
	return string(c.Request().URI().RequestURI())
}

// anonymousGET reports whether the response can come from, or go to, the cache.
func anonymousGET(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodGet && user(c) == nil && c.Cookies(flashCookie) == ""
}

// serve answers from the cache when it can, and reports whether it did.
func (pc *pageCache) serve(c *fiber.Ctx, gen uint64) bool {
	if !anonymousGET(c) {
		return false
	}
	pc.mu.RLock()
	e, ok := pc.entries[cacheKey(c)]
	pc.mu.RUnlock()
	if !ok || e.gen != gen || time.Since(e.at) > e.ttl {
		return false
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	_ = c.Send(e.body)
	return true
}

// store keeps a rendered page; when the cache is full it starts afresh, which is simpler
// than an LRU and costs one re-render per page.
func (pc *pageCache) store(c *fiber.Ctx, gen uint64, body []byte, ttl time.Duration) {
	if ttl <= 0 {
		ttl = pageCacheTTL
	}
	b := make([]byte, len(body))
	copy(b, body)
	pc.mu.Lock()
	if len(pc.entries) >= pc.max {
		pc.entries = map[string]cachedPage{}
	}
	pc.entries[cacheKey(c)] = cachedPage{body: b, gen: gen, at: time.Now(), ttl: ttl}
	pc.mu.Unlock()
}

package web

import (
	"bytes"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/cache"
)

// pageCache keeps rendered pages so that the hot ones are not rendered again on every view.
//
// Anonymous pages (home, catalogue, course and lesson pages, the calendar) are the same for
// every logged-out visitor and are kept by URL. Some pages of logged-in visitors, above all
// the lesson page, differ only by a few personal facts; those pages name the facts in a
// variant string (View.Personal) and are kept per URL, role and variant, with the browser's
// form token left out as a placeholder and put back on every answer.
//
// An entry is used only while what it was rendered from is unchanged (gen) and for a limited
// time; the cache holds at most maxBytes of pages and starts afresh when it would hold more,
// which is simpler than an LRU and costs one render per page.
type pageCache struct {
	mu       sync.RWMutex
	entries  map[string]*cachedPage
	bytes    int
	maxBytes int
}

type cachedPage struct {
	parts [][]byte // the page, split where the form token goes
	etag  []byte   // of an anonymous page (a personal page's token changes it)
	gen   uint64
	at    time.Time
	ttl   time.Duration
}

const pageCacheTTL = time.Minute

// csrfPlaceholder stands for the form token in a kept personal page. It is made of characters
// that no escaper changes, and long enough never to occur in content.
const csrfPlaceholder = "masarFormTokenPlaceholder0c9f7e2b41d8a6"

// newPageCache returns a page cache registered on bus (topic cache.Pages): invalidating the
// topic, here or on another instance, empties it, or drops the one page its key names.
// What pages are built from has topics of its own (content, workshops), whose generations
// the entries carry.
func newPageCache(bus *cache.Bus, maxBytes int) *pageCache {
	pc := &pageCache{entries: map[string]*cachedPage{}, maxBytes: maxBytes}
	bus.Register(cache.Pages, "web.pages", pc.drop)
	return pc
}

// drop forgets the page the event names, or every page.
func (pc *pageCache) drop(e cache.Event, _ bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if e.Key == "" {
		pc.entries = map[string]*cachedPage{}
		pc.bytes = 0
		return
	}
	if old := pc.entries[e.Key]; old != nil {
		pc.bytes -= old.size(e.Key)
		delete(pc.entries, e.Key)
	}
}

func cacheKey(c *fiber.Ctx) string {
	return string(c.Request().URI().RequestURI())
}

// personalKey is the key of a logged-in page: its URL, the viewer's role (which changes the
// navigation) and the page's variant.
func personalKey(c *fiber.Ctx, variant string) string {
	u := user(c)
	return "\x00" + u.Role + "\x00" + variant + "\x00" + string(c.Request().URI().RequestURI())
}

// anonymousGET reports whether the response can come from, or go to, the cache of pages
// that are the same for every anonymous visitor.
func anonymousGET(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodGet && user(c) == nil && c.Cookies(flashCookie) == ""
}

// personalGET reports whether the response can come from, or go to, the cache of personal
// variants of pages.
func personalGET(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodGet && user(c) != nil && c.Cookies(flashCookie) == ""
}

func (pc *pageCache) lookup(key string, gen uint64) *cachedPage {
	pc.mu.RLock()
	e := pc.entries[key]
	pc.mu.RUnlock()
	if e == nil || e.gen != gen || time.Since(e.at) > e.ttl {
		return nil
	}
	return e
}

// serve answers an anonymous visitor from the cache when it can, and reports whether it did.
func (pc *pageCache) serve(c *fiber.Ctx, gen uint64) bool {
	if !anonymousGET(c) {
		return false
	}
	e := pc.lookup(cacheKey(c), gen)
	if e == nil {
		return false
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Response().Header.SetBytesV(fiber.HeaderETag, e.etag)
	c.Response().SetBodyRaw(e.parts[0]) // kept bytes are never changed
	return true
}

// servePersonal answers a logged-in visitor with the kept variant of the page, with their
// own form token, when it can; it reports whether it did.
func (pc *pageCache) servePersonal(c *fiber.Ctx, gen uint64, variant string, token func() string) bool {
	if !personalGET(c) {
		return false
	}
	e := pc.lookup(personalKey(c, variant), gen)
	if e == nil {
		return false
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	writeParts(c, e.parts, token)
	return true
}

// writeParts writes a page kept in parts, with the form token between them.
func writeParts(c *fiber.Ctx, parts [][]byte, token func() string) {
	res := c.Response()
	res.ResetBody()
	var tok string
	if len(parts) > 1 {
		tok = token()
	}
	for i, p := range parts {
		if i > 0 {
			res.AppendBodyString(tok)
		}
		res.AppendBody(p)
	}
}

// store keeps a rendered anonymous page.
func (pc *pageCache) store(c *fiber.Ctx, gen uint64, body []byte, ttl time.Duration) {
	b := bytes.Clone(body)
	pc.put(cacheKey(c), &cachedPage{parts: [][]byte{b}, etag: pageETag(b), gen: gen, ttl: ttl})
}

// storePersonal keeps a rendered personal page, rendered with csrfPlaceholder as its token,
// and returns it in parts.
func (pc *pageCache) storePersonal(c *fiber.Ctx, variant string, gen uint64, body []byte, ttl time.Duration) [][]byte {
	parts := bytes.Split(bytes.Clone(body), []byte(csrfPlaceholder))
	pc.put(personalKey(c, variant), &cachedPage{parts: parts, gen: gen, ttl: ttl})
	return parts
}

func (pc *pageCache) put(key string, e *cachedPage) {
	if e.ttl <= 0 {
		e.ttl = pageCacheTTL
	}
	e.at = time.Now()
	size := e.size(key)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if old := pc.entries[key]; old != nil {
		pc.bytes -= old.size(key)
	}
	if pc.bytes+size > pc.maxBytes {
		pc.entries = map[string]*cachedPage{}
		pc.bytes = 0
	}
	pc.entries[key] = e
	pc.bytes += size
}

func (e *cachedPage) size(key string) int {
	n := len(key)
	for _, p := range e.parts {
		n += len(p)
	}
	return n
}

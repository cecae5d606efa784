package web

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
)

// checkInput refuses, with a 400 naming the part at fault, a request whose path or query
// carries control characters (NUL, line breaks, escape…) or bytes that are not UTF-8. No
// page or API call takes such values, and letting them through only moves the failure
// deeper: into the search index, a log line or a header.
func (h *handler) checkInput(c *fiber.Ctx) error {
	if !cleanText(c.Request().URI().Path()) {
		return badQuery("path")
	}
	var bad string
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		if bad != "" {
			return
		}
		if !cleanText(k) {
			bad = "query"
		} else if !cleanText(v) {
			bad = string(k)
		}
	})
	if bad != "" {
		return badQuery(bad)
	}
	return c.Next()
}

func badQuery(field string) error {
	return problem.New(fiber.StatusBadRequest, "bad_query", "error.bad_query", "field", field)
}

// cleanText reports whether b is UTF-8 without C0 or C1 control characters.
func cleanText(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			if b[i] < 0x20 || b[i] == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError || (r >= 0x80 && r <= 0x9f) {
			return false
		}
		i += n
	}
	return true
}

// privateResponses marks every page answered to a logged-in person `Cache-Control:
// private, no-store` unless the handler chose otherwise: their name, progress, figures and
// exports must not stay in a shared computer's cache or a proxy. (The API says no-store on
// every answer already.)
func (h *handler) privateResponses(c *fiber.Ctx) error {
	err := c.Next()
	if user(c) != nil && len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	return err
}

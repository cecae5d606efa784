package web

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/config"
)

// requestDeadline gives the request a context that ends: after the configured
// RequestTimeout, or ExportTimeout for a file export. A handler passes c.UserContext() down,
// so a query still running then is cancelled and the request answers 500 with its id,
// instead of holding a connection, or the single writer, for ever.
func (h *handler) requestDeadline(c *fiber.Ctx) error {
	limit := h.cfg.RequestTimeout
	if isExport(c) {
		limit = h.cfg.ExportTimeout
	}
	if limit <= 0 {
		limit = config.DefaultRequestTimeout
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), limit)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// isExport reports whether the request downloads a file that is built from many rows and
// may take longer than a page: a workbook, CSV or ZIP (reports, participants, course
// progress, advisory requests, a workshop's certificates, the open data), a report file
// from the API, the personal-data export. Exports are recognised by their path, in this
// one place, so that a new *.xlsx, *.csv or *.zip route gets the longer limit by its name.
func isExport(c *fiber.Ctx) bool {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return false
	}
	p := c.Path()
	for _, ext := range []string{".xlsx", ".csv", ".zip"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	if strings.HasPrefix(p, "/api/v1/reports/") {
		return true // a dashboard table as a file (?format=xlsx|csv)
	}
	// /{lang}/me/export, /api/v1/me/export and the page that shows the same, /{lang}/me/data
	return p == "/api/v1/me/export" || (len(p) > 3 && p[0] == '/' && (p[3:] == "/me/export" || p[3:] == "/me/data"))
}

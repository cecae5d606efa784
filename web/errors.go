package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// apiError is the JSON error body of DESIGN.md.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// classify turns any error into a user-safe problem; internal errors are logged with the
// request id and shown as a generic message.
func (h *handler) classify(c *fiber.Ctx, err error) *problem.Error {
	if p, ok := problem.As(err); ok {
		if p.Cause != nil {
			h.log.Info("problem", "code", p.Code, "status", p.Status, "cause", p.Cause, "path", c.Path(), "method", c.Method(), "id", requestID(c))
		}
		return p
	}
	if errors.Is(err, store.ErrNotFound) {
		return problem.NotFound
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return problem.NotFound
		case fiber.StatusRequestEntityTooLarge:
			return problem.New(fe.Code, "too_large", "error.too_large", "total", int(h.cfg.UploadTotalBytes()>>20), "file", int(h.cfg.UploadFileBytes()>>20))
		case fiber.StatusMethodNotAllowed:
			return problem.New(fe.Code, "method_not_allowed", "error.method_not_allowed")
		}
		if fe.Code < 500 {
			return problem.New(fe.Code, "bad_request", "error.bad_request")
		}
	}
	h.log.Error("internal error", "err", err, "path", c.Path(), "method", c.Method(), "id", requestID(c))
	return problem.New(fiber.StatusInternalServerError, "internal", "error.internal", "id", requestID(c))
}

func (h *handler) handleError(c *fiber.Ctx, err error) error {
	p := h.classify(c, err)
	l := lang(c)
	// The API answers in JSON, and so does anything asked with a bearer token (a client
	// following the API's links to a certificate's files).
	if strings.HasPrefix(c.Path(), "/api/") || hasBearer(c) {
		fields := map[string]string{}
		args := h.localArgs(c, p.Args)
		for f, k := range p.Fields {
			fields[f] = h.cat.T(l, k, args...)
		}
		return c.Status(p.Status).JSON(fiber.Map{"error": apiError{Code: p.Code, Message: h.cat.T(l, p.Key, args...), Fields: fields}})
	}
	if p.Status == fiber.StatusUnauthorized && c.Method() == fiber.MethodGet {
		return c.Redirect("/"+l+"/login", fiber.StatusSeeOther)
	}
	v := h.view(c, "")
	v.Title = h.cat.T(l, "error.title")
	args := h.localArgs(c, p.Args)
	v.Data = h.cat.T(l, p.Key, args...)
	if rerr := h.render(c, p.Status, "error", v); rerr != nil {
		h.log.Error("render error page", "err", rerr)
		return c.Status(p.Status).SendString(h.cat.T(l, p.Key, args...))
	}
	return nil
}

func (h *handler) notFound(c *fiber.Ctx) error {
	return problem.NotFound
}

// localArgs returns a problem's message arguments for the request's language: a "country"
// given by its code is shown by its name. The error handler may run after the request's
// context has ended, so the (cached, reference) name lookup does not depend on it.
func (h *handler) localArgs(c *fiber.Ctx, args []any) []any {
	out := slices.Clone(args)
	ctx := context.WithoutCancel(c.UserContext())
	for i := 0; i+1 < len(out); i += 2 {
		if iso, ok := out[i+1].(string); ok && out[i] == "country" && len(iso) == 2 {
			out[i+1] = h.Workshops.CountryName(ctx, iso, lang(c))
		}
		if t, ok := out[i+1].(time.Time); ok {
			out[i+1] = dateTimeIn(lang(c), t)
		}
	}
	return out
}

// formError splits a form handler's error: a validation problem (field messages to show next
// to the fields, status 422) or anything else, which goes to the error handler.
func formError(err error) (fields map[string]string, formKey string, status int, ok bool) {
	p, isP := problem.As(err)
	if !isP || p.Status >= 500 {
		return nil, "", 0, false
	}
	if len(p.Fields) > 0 {
		return p.Fields, "", p.Status, true
	}
	return nil, p.Key, p.Status, true
}

// dateTimeIn writes a time for a message in lang: its day, its hour and minute and its zone
// as it carries it (a workshop's times come in the host's zone).
func dateTimeIn(lang string, t time.Time) string {
	return i18n.FormatDate(lang, t) + " " + t.Format("15:04") + " (" + zoneName(t) + ")"
}

// zoneName is t's zone as people read it: an abbreviation such as CET, or UTC+3.
func zoneName(t time.Time) string {
	name, off := t.Zone()
	if name != "" && (name[0] < '0' || name[0] > '9') && name[0] != '+' && name[0] != '-' {
		return name
	}
	if off%3600 == 0 {
		return fmt.Sprintf("UTC%+d", off/3600)
	}
	return fmt.Sprintf("UTC%+d:%02d", off/3600, abs(off%3600)/60)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

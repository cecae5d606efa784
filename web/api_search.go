package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/workshops"
)

func (h *handler) apiSearchRoutes(api fiber.Router) {
	api.Get("/search", h.apiSearch)
}

// apiSearch is GET /api/v1/search?q=&lang=&page=: public, the same results as the page.
// lang is the language whose results come first (default: the request's language); a blank
// or over-long q is a 422 naming the field q.
func (h *handler) apiSearch(c *fiber.Ctx) error {
	l := c.Query("lang")
	if l == "" {
		l = lang(c)
	}
	res, err := h.Search.Search(c.UserContext(), search.Query{Text: c.Query("q"), Lang: l, Page: max(1, c.QueryInt("page", 1))})
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, res)
}

// schemaSearchResults describes search.Results for the OpenAPI document.
var schemaSearchResults = func() map[string]any {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	spans := map[string]any{"type": "array", "description": "the text in pieces; hit marks the words the query found",
		"items": map[string]any{"type": "object", "properties": map[string]any{"text": str, "hit": map[string]any{"type": "boolean"}}}}
	result := map[string]any{"type": "object", "properties": map[string]any{
		"kind": map[string]any{"type": "string", "enum": []string{"lesson", "course", "workshop"}},
		"lang": str, "url": str, "title": spans, "snippet": spans,
		"course": str, "course_title": str, "lesson": str,
		"workshop_id": integer, "city": str, "country": str, "start_date": map[string]any{"type": "string", "format": "date"},
		"status": map[string]any{"type": "string", "description": "a workshop's status", "enum": workshops.Statuses},
	}}
	return map[string]any{"type": "object", "properties": map[string]any{
		"query": str, "lang": str, "items": map[string]any{"type": "array", "items": result},
		"did_you_mean": map[string]any{"type": "string", "description": "the query with its misspelt words corrected, when some were; the results are those of the corrected words"},
		"ignored":      map[string]any{"type": "array", "items": str, "description": "words of the query found nowhere, left out of the search"},
		"total":        integer, "page": integer, "per_page": integer, "pages": integer,
	}}
}()

package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// apiOp describes one API operation for the OpenAPI document.
type apiOp struct {
	Method, Path, Summary, Role string
	Body                        string // schema name of the JSON body, if any
	Result                      string // schema name of the data, if any
	Query                       []string
}

// apiOps is the API as documented. A test checks it against the routes actually registered,
// so that the document stays true.
var apiOps = []apiOp{
	{Method: "GET", Path: "/openapi.json", Summary: "This document", Role: "public"},
	{Method: "GET", Path: "/me", Summary: "The account the token belongs to", Role: "any", Result: "Official"},
	{Method: "GET", Path: "/officials", Summary: "List accounts (a focal point sees only their country)", Role: "staff, admin, focal_point",
		Result: "OfficialPage", Query: []string{"q", "country", "role", "limit", "offset"}},
	{Method: "POST", Path: "/officials", Summary: "Create an account; without a password the holder is e-mailed a link to set one", Role: "staff, admin",
		Body: "OfficialInput", Result: "Official"},
	{Method: "GET", Path: "/officials/{id}", Summary: "One account", Role: "staff, admin, focal_point", Result: "Official"},
	{Method: "PATCH", Path: "/officials/{id}", Summary: "Change an account's profile fields or role", Role: "staff, admin",
		Body: "OfficialPatch", Result: "Official"},
	{Method: "GET", Path: "/courses", Summary: "The course catalogue", Role: "public", Result: "Courses"},
	{Method: "GET", Path: "/courses/{slug}", Summary: "One course with its outcomes and lessons", Role: "public", Result: "Course"},
	{Method: "POST", Path: "/courses/{slug}/enrol", Summary: "Enrol in a course (idempotent)", Role: "any", Result: "Progress"},
	{Method: "POST", Path: "/courses/{slug}/lessons/{lesson}/done", Summary: "Mark a lesson as done", Role: "any", Result: "Progress"},
	{Method: "POST", Path: "/courses/{slug}/quiz", Summary: "Submit quiz answers; scored on the server, attempts limited (409 attempts_exhausted, 422 quiz_tampered)", Role: "any",
		Body: "QuizAnswers", Result: "QuizResult"},
	{Method: "GET", Path: "/me/progress", Summary: "The caller's progress in every course they are enrolled in", Role: "any", Result: "ProgressList"},
	{Method: "GET", Path: "/countries", Summary: "Member states (all Arab states with ?all=1)", Role: "public", Result: "Countries", Query: []string{"all"}},
}

func (h *handler) openAPI(c *fiber.Ctx) error {
	return c.JSON(openAPIDocument(h.cfg.BaseURL))
}

func openAPIDocument(base string) map[string]any {
	paths := map[string]any{}
	for _, op := range apiOps {
		item, _ := paths[op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		o := map[string]any{
			"summary":     op.Summary,
			"description": "Allowed roles: " + op.Role + ".",
			"responses": map[string]any{
				"default": map[string]any{"description": "Error", "content": jsonContent(ref("Error"))},
			},
		}
		if op.Role != "public" {
			o["security"] = []any{map[string]any{"bearer": []any{}}}
		}
		var params []any
		for _, seg := range strings.Split(op.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range op.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Body != "" {
			o["requestBody"] = map[string]any{"required": true, "content": jsonContent(ref(op.Body))}
		}
		ok := map[string]any{"description": "Success"}
		if op.Result != "" {
			ok["content"] = jsonContent(map[string]any{"type": "object", "properties": map[string]any{"data": ref(op.Result)}})
		}
		code := "200"
		if op.Method == "POST" && op.Result != "" {
			code = "201"
		}
		o["responses"].(map[string]any)[code] = ok
		item[strings.ToLower(op.Method)] = o
	}
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	strArray := map[string]any{"type": "array", "items": str}
	intArray := map[string]any{"type": "array", "items": integer}
	langMap := map[string]any{"type": "object", "description": "texts keyed by language (ar, en, fr)", "additionalProperties": str}
	official := map[string]any{"type": "object", "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "email": str, "name_ar": str, "name_latin": str, "job_title": str,
		"organisation": str, "country": str, "sector": str, "gender": str, "language": str, "role": str,
		"email_confirmed": map[string]any{"type": "boolean"}, "created_at": map[string]any{"type": "string", "format": "date-time"},
	}}
	input := map[string]any{"type": "object", "required": []string{"email", "name_ar", "name_latin", "job_title", "organisation", "country", "sector", "gender", "language"},
		"properties": map[string]any{"email": str, "password": str, "name_ar": str, "name_latin": str, "job_title": str,
			"organisation": str, "country": str, "sector": str, "gender": str, "language": str, "role": str}}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "Masar API", "version": "1", "description": "Errors are {\"error\": {\"code\", \"message\", \"fields\"}}; success is {\"data\": …}. Messages follow Accept-Language (ar, en, fr)."},
		"servers": []any{map[string]any{"url": base + "/api/v1"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{
				"Error": map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
					"code": str, "message": str, "fields": map[string]any{"type": "object", "additionalProperties": str}}}}},
				"Official":      official,
				"OfficialInput": input,
				"OfficialPatch": map[string]any{"type": "object", "properties": input["properties"]},
				"OfficialPage": map[string]any{"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": ref("Official")},
					"total": map[string]any{"type": "integer"}, "limit": map[string]any{"type": "integer"}, "offset": map[string]any{"type": "integer"}}},
				"Courses":      map[string]any{"type": "array", "items": ref("Course")},
				"Course":       map[string]any{"type": "object", "properties": map[string]any{"slug": str, "title": langMap, "summary": langMap, "phases": intArray, "level": str, "hours": map[string]any{"type": "number"}, "languages": strArray, "pass_mark": integer, "max_attempts": integer, "quiz_questions": integer, "lessons": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"slug": str, "number": integer, "title": langMap, "languages": strArray}}}}},
				"Progress":     map[string]any{"type": "object", "properties": map[string]any{"course": str, "enrolled": boolean, "last_lesson": str, "done": strArray, "lessons_done": integer, "lessons_total": integer, "percent": integer, "attempts_used": integer, "attempts_left": integer, "best_score": integer, "passed": boolean, "completed_at": map[string]any{"type": "string", "format": "date-time", "nullable": true}}},
				"ProgressList": map[string]any{"type": "array", "items": ref("Progress")},
				"QuizAnswers":  map[string]any{"type": "object", "properties": map[string]any{"answers": map[string]any{"type": "object", "additionalProperties": strArray}}},
				"QuizResult":   map[string]any{"type": "object", "properties": map[string]any{"score": integer, "passed": boolean, "pass_mark": integer, "right": integer, "total": integer, "attempt": integer, "attempts_left": integer, "completed": boolean, "questions": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"id": str, "correct": boolean, "chosen": strArray, "correct_options": strArray, "explanation": langMap}}}}},
				"Countries": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"iso2": str, "name_ar": str, "name_en": str, "name_fr": str, "timezone": str, "member": map[string]any{"type": "boolean"}}}},
			},
		},
	}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

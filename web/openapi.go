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

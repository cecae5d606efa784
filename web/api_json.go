package web

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
)

// jsonProblem turns a JSON decoding error into what the client is told: a value of the
// wrong type (`"capacity": "30"`) or an unknown field is a 422 naming the field; a body
// that is not JSON at all is a 400.
func jsonProblem(err error) error {
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := jsonPath(te.Field)
		if field == "" {
			field = "body"
		}
		return problem.Fields{field: jsonTypeKey(te.Type)}.Err()
	}
	// encoding/json has no type for it: `json: unknown field "name"`.
	if rest, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, uerr := strconv.Unquote(rest); uerr == nil && name != "" {
			return problem.Fields{name: "field.json.unknown"}.Err()
		}
	}
	return problem.New(fiber.StatusBadRequest, "bad_json", "error.bad_json")
}

// jsonPath is the JSON name of a field path as encoding/json reports it, without the Go
// names of embedded structs it puts in (registrationBody's "Input.name_ar" is "name_ar"):
// the API's JSON names are all lower case.
func jsonPath(p string) string {
	parts := strings.Split(p, ".")
	out := parts[:0]
	for _, s := range parts {
		if s != "" && !unicode.IsUpper([]rune(s)[0]) {
			out = append(out, s)
		}
	}
	return strings.Join(out, ".")
}

// jsonTypeKey is the message key saying which JSON type a Go field expects.
func jsonTypeKey(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "field.json.type"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "field.json.number"
	case reflect.String:
		return "field.json.string"
	case reflect.Bool:
		return "field.json.boolean"
	case reflect.Slice, reflect.Array:
		return "field.json.list"
	case reflect.Map, reflect.Struct:
		return "field.json.object"
	}
	return "field.json.type"
}

// isJSON reports whether the request says its body is JSON.
func isJSON(c *fiber.Ctx) bool {
	ct := strings.ToLower(strings.TrimSpace(string(c.Request().Header.ContentType())))
	return strings.HasPrefix(ct, "application/json") || (strings.HasPrefix(ct, "application/") && strings.Contains(ct, "+json"))
}

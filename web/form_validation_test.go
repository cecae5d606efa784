package web

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// browserChecks are the attributes and input types for which a browser checks a field on
// submit and shows its own message, in the browser's language rather than the page's
// ("Please fill out this field."), unless the form says novalidate.
var browserChecks = regexp.MustCompile(`\brequired\b|"req" true|\bpattern=|\bmin=|type="(email|url|number|date|datetime-local|time|tel)"`)

var (
	formTag      = regexp.MustCompile(`(?s)<form\b[^>]*>`)
	templateCall = regexp.MustCompile(`\{\{-?\s*template\s+"([^"]+)"`)
	defineBlock  = regexp.MustCompile(`(?s)\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}(.*?)\{\{-?\s*end\s*-?\}\}\s*(?:\{\{-?\s*define|\z)`)
)

// TestFormsCheckedByTheServer: every <form> of every template that holds a field a browser
// would check itself (required, e-mail, number, date…), directly or through a partial, says
// novalidate, so that the reader gets the server's message in the page's language next to
// the field, never the browser's English. The server checks each of these fields.
func TestFormsCheckedByTheServer(t *testing.T) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	defines := map[string]string{} // partial name → body
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		sources[path.Base(f)] = string(b)
		for _, m := range defineBlock.FindAllStringSubmatch(string(b), -1) {
			defines[m[1]] += m[2]
		}
	}
	// checks reports whether text, or a partial it calls (to any depth), holds a checked field.
	var checks func(text string, depth int) bool
	checks = func(text string, depth int) bool {
		if browserChecks.MatchString(text) {
			return true
		}
		if depth > 5 {
			return false
		}
		for _, m := range templateCall.FindAllStringSubmatch(text, -1) {
			if body, ok := defines[m[1]]; ok && checks(body, depth+1) {
				return true
			}
		}
		return false
	}
	forms, checked := 0, 0
	for name, src := range sources {
		for _, loc := range formTag.FindAllStringIndex(src, -1) {
			forms++
			end := strings.Index(src[loc[1]:], "</form>")
			if end < 0 {
				t.Errorf("%s: a <form> without </form>", name)
				continue
			}
			body := src[loc[1] : loc[1]+end]
			if !checks(body, 0) {
				continue
			}
			checked++
			if !strings.Contains(src[loc[0]:loc[1]], "novalidate") {
				line := strings.Count(src[:loc[0]], "\n") + 1
				t.Errorf("%s:%d: a form with fields the browser would check lacks novalidate: %s", name, line, src[loc[0]:loc[1]])
			}
		}
	}
	if forms < 40 || checked < 20 {
		t.Fatalf("found %d forms, %d with checked fields: the scan is broken", forms, checked)
	}
}

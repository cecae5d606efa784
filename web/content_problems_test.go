package web

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/masar-platform/masar/i18n"
)

// TestProblemTextsFollowTheChecks: every problem the pages translate is one the content
// checks still write (a format changed in courses/ would otherwise fall back to English
// unseen), with a name for each of its values and a message in every language that uses
// those names.
func TestProblemTextsFollowTheChecks(t *testing.T) {
	files, err := filepath.Glob("../courses/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for format, pt := range problemTexts {
		if !strings.Contains(src.String(), strconv.Quote(format)) {
			t.Errorf("%q is not written by the content checks any more", format)
		}
		verbs := strings.Count(format, "%") - 2*strings.Count(format, "%%")
		if verbs != len(pt.names) {
			t.Errorf("%q has %d values, %d names", format, verbs, len(pt.names))
		}
		for _, l := range []string{"ar", "en", "fr"} {
			msg, ok := cat[l][pt.key]
			if !ok {
				t.Errorf("%s: no message %s", l, pt.key)
				continue
			}
			for _, n := range pt.names {
				if n != "" && !strings.Contains(msg, "{"+n+"}") {
					t.Errorf("%s %s does not say {%s}", l, pt.key, n)
				}
			}
		}
	}
}

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestContentCheckWarnsAboutDeclaredHours: a declared hours: figure that disagrees with the
// computed study time is reported as a warning, and the check still succeeds.
func TestContentCheckWarnsAboutDeclaredHours(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../courses/testdata/catalogue")); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "01-fixture-course", "course.yaml")
	b, _ := os.ReadFile(manifest)
	b = regexp.MustCompile(`(?m)^hours: .*$`).ReplaceAll(b, []byte("hours: 40"))
	if err := os.WriteFile(manifest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := contentCheck([]string{dir}, &out); err != nil {
		t.Fatalf("a warning failed the check: %v\n%s", err, out.String())
	}
	if !regexp.MustCompile(`(?m)^warning: 01-fixture-course/course\.yaml:\d+: hours 40 disagrees`).MatchString(out.String()) ||
		!strings.Contains(out.String(), "1 warning(s)") {
		t.Errorf("no warning about the declared hours:\n%s", out.String())
	}
}

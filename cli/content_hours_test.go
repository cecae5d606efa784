package cli

import (
	"bytes"
	"fmt"
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
	// The fixture course does not keep every rule of a shipped bank: the check's verdict on
	// it, whatever it is, must not change when a disagreeing hours: figure is declared.
	var before bytes.Buffer
	errBefore := contentCheck([]string{dir}, &before)
	manifest := filepath.Join(dir, "01-fixture-course", "course.yaml")
	b, _ := os.ReadFile(manifest)
	b = regexp.MustCompile(`(?m)^hours: .*$`).ReplaceAll(b, []byte("hours: 40"))
	if err := os.WriteFile(manifest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := contentCheck([]string{dir}, &out); fmt.Sprint(err) != fmt.Sprint(errBefore) {
		t.Fatalf("a warning changed the check's verdict: %v, before %v\n%s", err, errBefore, out.String())
	}
	if !regexp.MustCompile(`(?m)^warning: 01-fixture-course/course\.yaml:\d+: hours 40 disagrees`).MatchString(out.String()) ||
		!strings.Contains(out.String(), "1 warning(s)") {
		t.Errorf("no warning about the declared hours:\n%s", out.String())
	}
}

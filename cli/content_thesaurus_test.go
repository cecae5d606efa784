package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/masar-platform/masar/content"
)

// `content check` reports the thesaurus lines it cannot use, as file:line: message, and
// fails; a clean thesaurus passes.
func TestContentCheckReportsThesaurusLines(t *testing.T) {
	dir := t.TempDir()
	// A copy of the shipped courses, with a thesaurus of our own.
	if err := os.CopyFS(dir, content.FS); err != nil {
		t.Fatal(err)
	}
	th := "# groups\nمنصة | بوابة\nاستبيان\nداتا || بيانات\nسبر الآراء | في\nبوابة | portal\n"
	os.WriteFile(filepath.Join(dir, "thesaurus.txt"), []byte(th), 0o644)
	var out bytes.Buffer
	err := contentCheck([]string{dir}, &out)
	if err == nil {
		t.Fatalf("a broken thesaurus passed:\n%s", out.String())
	}
	for _, want := range []string{
		"thesaurus.txt:3: a group needs at least two terms",
		"thesaurus.txt:4: term 2 is empty",
		"thesaurus.txt:5: term \"في\" has no word to search for",
		"thesaurus.txt:6: term \"بوابة\" is already in the group on line 2",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
	os.WriteFile(filepath.Join(dir, "thesaurus.txt"), []byte("منصة | بوابة | portal\n"), 0o644)
	out.Reset()
	if err := contentCheck([]string{dir}, &out); err != nil && !banksAwaitLessons() {
		t.Errorf("a clean thesaurus: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "thesaurus") {
		t.Errorf("a clean thesaurus reported:\n%s", out.String())
	}
}

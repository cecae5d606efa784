package search

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/masar-platform/masar/content"
)

// The words of spoken Arabic that frame a question are never words of the lessons: a query
// leaves them out, so a lesson's word among them could not be searched for.
func TestDialectWordsAreNotLessonWords(t *testing.T) {
	n := 0
	err := fs.WalkDir(content.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".ar.md") {
			return err
		}
		b, err := fs.ReadFile(content.FS, path)
		if err != nil {
			return err
		}
		n++
		text := string(b)
		for _, sp := range wordSpans(text, nil) {
			if w := normWord(text[sp.start:sp.end]); dialectWords[w] {
				t.Errorf("%s: %q is a word of the lesson and a spoken word left out of queries", path, text[sp.start:sp.end])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("only %d Arabic lessons read", n)
	}
}

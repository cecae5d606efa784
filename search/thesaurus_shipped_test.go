package search_test

import (
	"testing"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/search"
)

// The shipped thesaurus has no line that content check would report.
func TestShippedThesaurusIsClean(t *testing.T) {
	for _, p := range search.CheckThesaurus(content.FS) {
		t.Error(p.String())
	}
}

package search_test

import (
	"context"
	"testing"
	"unsafe"

	"github.com/masar-platform/masar/search"
)

// TestKeptResultsOwnTheirText: the web layer hands the search a query that is a view into the
// request's buffer, which the server reuses for the next request. Recent pages are kept, so
// nothing in kept results (the query, the words left out, the correction) may point into
// that buffer: after the buffer is overwritten, the kept page reads as it did.
func TestKeptResultsOwnTheirText(t *testing.T) {
	ix, _ := shippedIndex(t)
	buf := []byte("hackathon qqxqqz")
	view := unsafe.String(&buf[0], len(buf))
	first, err := ix.Search(context.Background(), search.Query{Text: view, Lang: "en", Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Ignored) != 1 || first.Ignored[0] != "qqxqqz" {
		t.Fatalf("ignored %v", first.Ignored)
	}
	copy(buf, "XXXXXXXXXXXXXXXX") // the next request reuses the buffer
	again, err := ix.Search(context.Background(), search.Query{Text: "hackathon qqxqqz", Lang: "en", Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if again.Query != "hackathon qqxqqz" || len(again.Ignored) != 1 || again.Ignored[0] != "qqxqqz" {
		t.Errorf("kept page changed with the buffer: query %q, ignored %q", again.Query, again.Ignored)
	}
}

package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// TestBrowserSearchDidYouMean: an official types a misspelt word into the Arabic search
// box; the page finds the lessons of the corrected word and says «هل تقصد» with a link to
// the corrected search, right to left, and the page passes axe.
func TestBrowserSearchDidYouMean(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	s.open(t, ctx, "/ar/search")
	do(t, ctx, "type a misspelt query", typeInto("#q", "المشاركع المواطنين"))
	clickAndLoad(t, ctx, "main form.search-form button[type=submit]")
	line := text(t, ctx, "p.did-you-mean")
	if !strings.HasPrefix(line, "هل تقصد:") || !strings.Contains(line, "المواطنين") {
		t.Fatalf("did-you-mean line %q", line)
	}
	if dir := eval[string](t, ctx, `getComputedStyle(document.querySelector('p.did-you-mean')).direction`); dir != "rtl" {
		t.Errorf("the did-you-mean line is %s", dir)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('ol.search-results li').length`); n == 0 {
		t.Fatal("the corrected search found nothing")
	}
	t.Run("axe", func(t *testing.T) { checkAxe(t, ctx, axeSource(t), "/ar/search with did you mean") })
	// The link searches for the corrected words: no correction is offered any more.
	screenshot(t, ctx, "search-ar-did-you-mean")
	clickAndLoad(t, ctx, "p.did-you-mean a")
	screenshot(t, ctx, "search-ar-corrected")
	loc, _ := url.QueryUnescape(location(t, ctx))
	if !strings.HasPrefix(loc, "/ar/search?q=") || strings.Contains(loc, "المشاركع") {
		t.Errorf("the link went to %s", loc)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('p.did-you-mean').length`); n != 0 {
		t.Errorf("the corrected search still offers a correction")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('ol.search-results li').length`); n == 0 {
		t.Errorf("the corrected search at %s found nothing", loc)
	}
}

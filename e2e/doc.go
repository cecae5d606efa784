// Package e2e holds Masar's browser tests: they start the whole platform on a local port
// and drive Debian's Chromium through the DevTools protocol (chromedp), checking what a
// user sees — forms, language switching and right-to-left layout, CSRF refusals — and
// running axe-core over the main pages.
//
// The tests skip when no Chromium is found (install Debian's chromium, or point
// MASAR_CHROMIUM at a Chrome or Chromium binary) and when axe-core is missing. With
// MASAR_BROWSER_TESTS=require a missing browser or axe-core fails the run instead, as CI
// wants. axe-core is installed next to the tests, outside go.mod:
//
//	cd e2e && npm install --no-save --no-audit --no-fund axe-core@4.14.1
//
// or pointed at with MASAR_AXE_JS=/path/to/axe.min.js. MASAR_SCREENSHOTS=DIR makes
// TestBrowserScreenshots save full-page PNGs of a few pages at phone and desktop widths.
package e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// fullPagePNG captures the whole page, below the fold too, as a PNG.
func fullPagePNG(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	size := m.CSSContentSize
	r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		CaptureBeyondViewport: new(true),
		FromSurface:           new(true),
		Clip:                  &page.Viewport{X: 0, Y: 0, Width: size.Width, Height: size.Height, Scale: 1},
	})
	if err != nil {
		return nil, err
	}
	return r.Data, nil
}

// TestBrowserScreenshots saves full-page screenshots at a phone's and a desktop's width
// into $MASAR_SCREENSHOTS, for people to look at; it checks only that they were taken.
func TestBrowserScreenshots(t *testing.T) {
	dir := os.Getenv("MASAR_SCREENSHOTS")
	if dir == "" {
		t.Skip("screenshots not requested: set MASAR_SCREENSHOTS=DIR to save them")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := startSite(t)
	ctx := newBrowser(t)
	in := s.account(t, "sara.khaled@mop.gov.jo")

	sizes := []struct {
		name string
		w, h int64
		opts []chromedp.EmulateViewportOption
	}{
		{"390x844", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateTouch}},
		{"1280x900", 1280, 900, nil},
	}
	shoot := func(path string) {
		t.Helper()
		for _, sz := range sizes {
			do(t, ctx, "set the viewport to "+sz.name, chromedp.EmulateViewport(sz.w, sz.h, sz.opts...))
			s.open(t, ctx, path)
			b, err := chromedp.Run(ctx, chromedp.Action[[]byte](fullPagePNG))
			if err != nil {
				t.Fatalf("screenshot of %s at %s: %v", path, sz.name, err)
			}
			img, err := png.DecodeConfig(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("screenshot of %s at %s is not a PNG: %v", path, sz.name, err)
			}
			if int64(img.Width) != sz.w || int64(img.Height) < sz.h {
				t.Errorf("screenshot of %s at %s is %dx%d, want %d wide and at least %d high", path, sz.name, img.Width, img.Height, sz.w, sz.h)
			}
			name := strings.NewReplacer("/", "-").Replace(strings.Trim(path, "/"))
			file := filepath.Join(dir, fmt.Sprintf("%s-%s.png", name, sz.name))
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("saved %s (%dx%d)", file, img.Width, img.Height)
		}
	}
	shoot("/ar/")
	shoot("/ar/register")
	shoot("/en/register")
	s.login(t, ctx, "ar", in.Email)
	shoot("/ar/me")
}

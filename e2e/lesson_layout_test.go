package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// rect is an element's box in the window, as getBoundingClientRect gives it.
type rect struct {
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
	Top    float64 `json:"top"`
	Bottom float64 `json:"bottom"`
	Width  float64 `json:"width"`
}

func boxOf(t *testing.T, ctx context.Context, css string) rect {
	t.Helper()
	r := eval[*rect](t, ctx, `(() => { const e = document.querySelector(`+js(css)+`); if (!e) return null;
		const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width}; })()`)
	if r == nil {
		t.Fatalf("%s: no element %s", location(t, ctx), css)
	}
	return *r
}

func shown(t *testing.T, ctx context.Context, css string) bool {
	t.Helper()
	return eval[bool](t, ctx, `(() => { const e = document.querySelector(`+js(css)+`); return !!e && e.checkVisibility({visibilityProperty: true}); })()`)
}

// TestBrowserLessonLayout: on a laptop the course outline stands beside the lesson (on the
// right in Arabic, on the left in English) and stays in view while the learner scrolls; on a
// phone it folds into a disclosure, the page never scrolls sideways, the tables scroll by
// themselves and from the keyboard, and the framework figure fits. axe finds nothing serious.
func TestBrowserLessonLayout(t *testing.T) {
	src := axeSource(t)
	s := startSite(t)
	ctx := newBrowserFor(t, 90*time.Second)
	in := s.account(t, "outline.reader@mop.gov.jo")
	o, err := s.p.Officials.GetByEmail(context.Background(), in.Email)
	if err != nil {
		t.Fatal(err)
	}
	const slug = "open-government-framework"
	bg := context.Background()
	if err := s.p.Courses.Enrol(bg, o.ID, slug); err != nil {
		t.Fatal(err)
	}
	if err := s.p.Courses.RecordOpen(bg, o.ID, slug, "01-why-open-government"); err != nil {
		t.Fatal(err)
	}
	s.p.Courses.SetClock(func() time.Time { return time.Now().Add(time.Hour) })
	if _, err := s.p.Courses.MarkDone(bg, o.ID, slug, "01-why-open-government"); err != nil {
		t.Fatal(err)
	}
	s.p.Courses.SetClock(nil)
	s.login(t, ctx, "ar", in.Email)
	const objectives = "/ar/courses/" + slug + "/03-six-strategic-objectives"

	t.Run("laptop", func(t *testing.T) {
		do(t, ctx, "laptop screen", chromedp.EmulateViewport(1280, 800))
		s.open(t, ctx, objectives)
		if !shown(t, ctx, "nav.lesson-outline") || shown(t, ctx, "details.lesson-outline-fold") {
			t.Fatal("on a laptop the outline is not beside the text (or the phone disclosure shows too)")
		}
		out, art := boxOf(t, ctx, "nav.lesson-outline"), boxOf(t, ctx, "article.lesson")
		if out.Left < art.Right {
			t.Errorf("Arabic: the outline (%.0f–%.0f) is not on the right of the text (%.0f–%.0f)", out.Left, out.Right, art.Left, art.Right)
		}
		if art.Width > 820 || art.Width < 600 {
			t.Errorf("the lesson column is %.0f px wide", art.Width)
		}
		if got := text(t, ctx, `nav.lesson-outline a[aria-current="page"] span[lang]`); got != "الأهداف الاستراتيجية الستة" {
			t.Errorf("current lesson in the outline: %q", got)
		}
		if got := text(t, ctx, "nav.lesson-outline .outline-progress"); got != "الدروس المنجزة: 1 من 5" {
			t.Errorf("progress in the outline: %q", got)
		}
		if !strings.Contains(text(t, ctx, "nav.lesson-outline li.done"), "لماذا") {
			t.Error("lesson 1 is not shown done")
		}
		checkAxe(t, ctx, src, "lesson, Arabic, 1280 px")
		screenshot(t, ctx, "lesson-desktop-ar")
		windowShot(t, ctx, "lesson-desktop-ar-window")
		// Scrolled far down the lesson, the outline is still at the top of the window.
		eval[bool](t, ctx, `window.scrollTo(0, 2500), new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
		if y := eval[float64](t, ctx, `window.scrollY`); y < 2000 {
			t.Fatalf("the page did not scroll (%.0f)", y)
		}
		if r := boxOf(t, ctx, "nav.lesson-outline"); r.Top < 0 || r.Top > 40 || r.Bottom > 800 {
			t.Errorf("after scrolling the outline is at %.0f–%.0f, not kept in view", r.Top, r.Bottom)
		}
		// In English the outline is on the left.
		s.open(t, ctx, "/en/courses/"+slug+"/03-six-strategic-objectives")
		out, art = boxOf(t, ctx, "nav.lesson-outline"), boxOf(t, ctx, "article.lesson")
		if out.Right > art.Left {
			t.Errorf("English: the outline (%.0f–%.0f) is not on the left of the text (%.0f–%.0f)", out.Left, out.Right, art.Left, art.Right)
		}
		checkAxe(t, ctx, src, "lesson, English, 1280 px")
	})

	t.Run("phone", func(t *testing.T) {
		do(t, ctx, "phone screen", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
		for _, lesson := range []string{"03-six-strategic-objectives", "02-four-phases", "04-vertical-horizontal-extension"} {
			s.open(t, ctx, "/ar/courses/"+slug+"/"+lesson)
			certNoOverflow(t, ctx)
			// The figure is loaded and fits the column.
			img := eval[[]float64](t, ctx, `(() => { const i = document.querySelector('.prose img[src$=".ar.svg"]'); if (!i) return [0, 0, 1];
				return [i.naturalWidth, i.getBoundingClientRect().width, document.querySelector('.prose').getBoundingClientRect().width]; })()`)
			if img[0] == 0 || img[1] > img[2]+0.5 || img[1] < 250 {
				t.Errorf("%s: figure not shown or not fitting (natural %v, shown %v, column %v)", lesson, img[0], img[1], img[2])
			}
			eval[bool](t, ctx, `document.querySelector('.prose img').scrollIntoView({block: 'center'}), true`)
			windowShot(t, ctx, "figure-phone-ar-"+lesson)
			// Every table scrolls inside its own region, which the keyboard reaches.
			tables := eval[[][]any](t, ctx, `[...document.querySelectorAll('.prose .table-wrap')].map(w =>
				[w.scrollWidth > w.clientWidth, w.tabIndex, w.getAttribute('role'), w.getAttribute('aria-label')])`)
			if len(tables) == 0 {
				t.Fatalf("%s: no table", lesson)
			}
			for i, tb := range tables {
				if tb[0] != true || tb[1] != float64(0) || tb[2] != "group" || tb[3] == nil || tb[3] == "" {
					t.Errorf("%s: table %d: scrolls=%v tabindex=%v role=%v name=%v", lesson, i+1, tb[0], tb[1], tb[2], tb[3])
				}
			}
		}
		s.open(t, ctx, objectives)
		if shown(t, ctx, "nav.lesson-outline") || !shown(t, ctx, "details.lesson-outline-fold summary") {
			t.Fatal("on a phone the outline does not fold into a disclosure")
		}
		if shown(t, ctx, "details.lesson-outline-fold .outline-list") {
			t.Error("the folded outline is open before it is asked for")
		}
		if got := text(t, ctx, "details.lesson-outline-fold summary"); !strings.Contains(got, "1 من 5") {
			t.Errorf("the disclosure does not say the progress: %q", got)
		}
		// The table scrolls from the keyboard: focus it and press the arrow towards the end.
		do(t, ctx, "focus the first table", chromedp.Focus(chromedp.CSS(".prose .table-wrap")))
		if !eval[bool](t, ctx, `document.activeElement.classList.contains('table-wrap')`) {
			t.Fatal("the table's region does not take the focus")
		}
		before := eval[float64](t, ctx, `document.querySelector('.prose .table-wrap').scrollLeft`)
		do(t, ctx, "press the left arrow in the table", chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft))
		// Scrolling may be smooth: wait up to two seconds for it to move.
		after := eval[float64](t, ctx, `new Promise(r => { const w = document.querySelector('.prose .table-wrap'); let n = 0;
			const tick = () => (w.scrollLeft !== `+strconv.FormatFloat(before, 'f', -1, 64)+` || ++n > 20) ? r(w.scrollLeft) : setTimeout(tick, 100); tick(); })`)
		if after == before {
			t.Errorf("the arrow keys do not scroll the focused table (scrollLeft %v → %v)", before, after)
		}
		checkAxe(t, ctx, src, "lesson, Arabic, 375 px")
		screenshot(t, ctx, "lesson-phone-ar")
		clickAndLoadless(t, ctx, "details.lesson-outline-fold summary")
		if !shown(t, ctx, "details.lesson-outline-fold .outline-list") {
			t.Error("the disclosure does not open")
		}
		if got := text(t, ctx, `details.lesson-outline-fold a[aria-current="page"] span[lang]`); got != "الأهداف الاستراتيجية الستة" {
			t.Errorf("current lesson in the folded outline: %q", got)
		}
		certNoOverflow(t, ctx)
		checkAxe(t, ctx, src, "lesson, Arabic, 375 px, outline open")
		screenshot(t, ctx, "lesson-phone-ar-outline")
	})
}

// windowShot saves what the window shows into $MASAR_SCREENSHOTS, when set.
func windowShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MASAR_SCREENSHOTS")
	if dir == "" {
		return
	}
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// clickAndLoadless clicks an element that changes the page without loading another.
func clickAndLoadless(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	do(t, ctx, "click "+css, chromedp.Click(chromedp.CSS(css)))
}

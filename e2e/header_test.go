package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/officials"
)

// scripts turns the page's JavaScript off (or back on), as a visitor who disabled it would.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return chromedp.Void{}, err
	}
}

// headerBox is what a reader sees of the page header and the first screen.
type headerBox struct {
	Height      float64 `json:"height"`      // the header's height in CSS pixels
	Rows        int     `json:"rows"`        // distinct rows its visible controls sit on
	Controls    int     `json:"controls"`    // visible links and buttons in the header
	LessonTop   float64 `json:"lessonTop"`   // top of the lesson's first paragraph
	LessonWords int     `json:"lessonWords"` // words of lesson text above the fold
	ViewHeight  float64 `json:"viewHeight"`
	ScrollWidth float64 `json:"scrollWidth"` // the page's width: more than the window means sideways scrolling
	ViewWidth   float64 `json:"viewWidth"`
}

const measureHeader = `(() => {
  const h = document.querySelector('header.site-header');
  const r = h.getBoundingClientRect();
  const mids = [];
  h.querySelectorAll('a, button, summary, input').forEach(e => {
    const b = e.getBoundingClientRect();
    // checkVisibility is false inside a closed <details> (its content is not rendered).
    if (b.width > 0 && b.height > 0 && e.checkVisibility({visibilityProperty: true, opacityProperty: true})) { mids.push((b.top + b.bottom) / 2); }
  });
  mids.sort((a, b) => a - b);
  let rows = mids.length ? 1 : 0;
  for (let i = 1; i < mids.length; i++) { if (mids[i] - mids[i - 1] > 16) { rows++; } }
  const controls = mids.length;
  let lessonTop = -1, words = 0;
  // The lesson's own text: paragraphs of its body (.prose), not the lines about it.
  const body = document.querySelector('main .prose p');
  if (body) {
    lessonTop = body.getBoundingClientRect().top;
    // Words of the paragraphs whose top is inside the window.
    document.querySelectorAll('main .prose p').forEach(p => {
      if (p.getBoundingClientRect().top < window.innerHeight) { words += p.innerText.trim().split(/\s+/).length; }
    });
  }
  return {height: r.height, rows, controls, lessonTop, lessonWords: words,
    viewHeight: window.innerHeight, scrollWidth: document.documentElement.scrollWidth, viewWidth: window.innerWidth};
})()`

// TestBrowserCompactHeader: on a 375×812 phone the header is one row no taller than 64 px
// in every language, the first screen of a lesson shows the lesson's text, and the menu
// opens and closes, by mouse and by keyboard, with JavaScript turned off. On a desktop the
// header is one row with the navigation showing and no menu button.
func TestBrowserCompactHeader(t *testing.T) {
	s := startSite(t)
	ctx := newBrowserFor(t, 2*testTimeout)
	lesson := "/courses/open-government-framework/01-why-open-government"

	do(t, ctx, "phone-sized screen", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	for _, lang := range []string{"ar", "en", "fr"} {
		for _, path := range []string{"/" + lang + "/", "/" + lang + lesson} {
			s.open(t, ctx, path)
			m := eval[headerBox](t, ctx, measureHeader)
			t.Logf("%s at 375×812: header %.0f px, %d row(s), %d controls; lesson text from %.0f px, %d words on the first screen",
				path, m.Height, m.Rows, m.Controls, m.LessonTop, m.LessonWords)
			if m.Height > 64 {
				t.Errorf("%s: the header is %.0f px tall on a 375 px phone, want at most 64", path, m.Height)
			}
			if m.Rows != 1 {
				t.Errorf("%s: the header's controls sit on %d rows, want one", path, m.Rows)
			}
			if m.Controls != 3 {
				t.Errorf("%s: the phone header shows %d controls, want 3 (brand, search, menu)", path, m.Controls)
			}
			if m.ScrollWidth > m.ViewWidth+1 {
				t.Errorf("%s: the page is %.0f px wide in a %.0f px window (sideways scrolling)", path, m.ScrollWidth, m.ViewWidth)
			}
			if path == "/ar"+lesson {
				screenshot(t, ctx, "header-phone-ar-lesson")
			}
			if strings.HasSuffix(path, lesson) {
				if m.LessonTop < 0 || m.LessonTop > m.ViewHeight-60 {
					t.Errorf("%s: the lesson's first paragraph starts at %.0f px of %.0f: no lesson text on the first screen", path, m.LessonTop, m.ViewHeight)
				}
				if m.LessonWords < 10 {
					t.Errorf("%s: %d words of lesson text on the first screen, want a readable start", path, m.LessonWords)
				}
			}
		}
	}

	// The menu without JavaScript: closed at first, opened by a tap on its button and by
	// the keyboard, showing the navigation and the languages.
	do(t, ctx, "turn JavaScript off", scripts(false))
	s.open(t, ctx, "/ar/")
	if eval[bool](t, ctx, `document.documentElement.classList.contains('js')`) {
		t.Fatal("the page's script ran although JavaScript is off; the no-JS check below proves nothing")
	}
	navShown := func(lang string) string {
		return `(() => { const a = document.querySelector('.main-nav a[href="/` + lang + `/courses"]'); const b = a.getBoundingClientRect(); return b.width > 0 && b.height > 0 && a.checkVisibility({visibilityProperty: true}) })()`
	}
	if eval[bool](t, ctx, navShown("ar")) {
		t.Fatal("the phone menu is open before anyone asked for it")
	}
	if got := eval[string](t, ctx, `document.querySelector('header summary').innerText.trim()`); got != "القائمة" {
		t.Errorf("the menu button reads %q, want القائمة", got)
	}
	do(t, ctx, "tap the menu button", chromedp.Click(chromedp.CSS("header summary")))
	screenshot(t, ctx, "header-phone-ar-menu-open")
	if !eval[bool](t, ctx, navShown("ar")) {
		t.Fatal("a tap on the menu button did not show the navigation (JavaScript off)")
	}
	if !eval[bool](t, ctx, `document.querySelector('.lang a[hreflang=fr]').checkVisibility({visibilityProperty: true})`) {
		t.Error("the open menu does not show the language switcher")
	}
	clickAndLoad(t, ctx, `.main-nav a[href="/ar/courses"]`)
	if got := location(t, ctx); got != "/ar/courses" {
		t.Fatalf("the menu's courses link led to %s", got)
	}
	// By keyboard: Tab to the menu button (skip link, brand, search, menu), Enter opens it.
	do(t, ctx, "focus the menu button by keyboard", chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
	if got := eval[string](t, ctx, `document.activeElement.tagName`); got != "SUMMARY" {
		t.Fatalf("four Tabs from the top land on %s, want the menu button (SUMMARY)", got)
	}
	do(t, ctx, "open the menu with Enter", chromedp.KeyEvent("\r"))
	if !eval[bool](t, ctx, `document.querySelector('header details').open`) {
		t.Fatal("Enter on the menu button did not open the menu")
	}
	do(t, ctx, "close the menu with Enter", chromedp.KeyEvent("\r"))
	if eval[bool](t, ctx, `document.querySelector('header details').open`) {
		t.Error("Enter again did not close the menu")
	}
	do(t, ctx, "turn JavaScript back on", scripts(true))
	s.open(t, ctx, "/ar/")
	if !eval[bool](t, ctx, `document.documentElement.classList.contains('js')`) {
		t.Fatal("with JavaScript on, app.js did not mark the page; the no-JS check above proves nothing")
	}
	// With scripts, Escape closes the open menu and gives the focus back to its button.
	do(t, ctx, "open the menu", chromedp.Click(chromedp.CSS("header summary")))
	do(t, ctx, "press Escape", chromedp.KeyEvent("\x1b"))
	if eval[bool](t, ctx, `document.querySelector('header details').open`) {
		t.Error("Escape did not close the menu")
	}

	// A desktop: one row, the navigation and the search box showing, no menu button.
	do(t, ctx, "desktop screen", chromedp.EmulateViewport(1280, 900))
	for _, lang := range []string{"ar", "en", "fr"} {
		s.open(t, ctx, "/"+lang+"/")
		m := eval[headerBox](t, ctx, measureHeader)
		t.Logf("/%s/ at 1280×900: header %.0f px, %d row(s), %d controls", lang, m.Height, m.Rows, m.Controls)
		if m.Rows != 1 {
			t.Errorf("/%s/ on a desktop: the header's controls sit on %d rows, want one", lang, m.Rows)
		}
		if eval[bool](t, ctx, `getComputedStyle(document.querySelector('header summary')).display !== 'none'`) {
			t.Errorf("/%s/ on a desktop shows the menu button", lang)
		}
		if !eval[bool](t, ctx, navShown(lang)) {
			t.Errorf("/%s/ on a desktop hides the navigation", lang)
		}
		if !eval[bool](t, ctx, `document.querySelector('#site-q').getBoundingClientRect().width > 80`) {
			t.Errorf("/%s/ on a desktop: no search box in the header", lang)
		}
	}
	// Staff have the longest navigation (my page, administration, log out): still one row,
	// in the longest language too.
	staff := s.advPerson(t, "staff@commission.example.org", officials.RoleStaff, "", "fr")
	s.login(t, ctx, "fr", staff.Email)
	for _, lang := range []string{"fr", "ar", "en"} {
		s.open(t, ctx, "/"+lang+"/admin/")
		m := eval[headerBox](t, ctx, measureHeader)
		t.Logf("/%s/admin/ (staff) at 1280×900: header %.0f px, %d row(s), %d controls", lang, m.Height, m.Rows, m.Controls)
		if m.Rows != 1 {
			t.Errorf("/%s/admin/ (staff) on a desktop: the header's controls sit on %d rows, want one", lang, m.Rows)
		}
	}
}

// TestBrowserSitePagesAccessible: axe finds nothing serious on the footer's pages and on a
// phone with the menu open, in every language; Arabic stress is not slanted; a code inside an
// Arabic line keeps its order and does not break.
func TestBrowserSitePagesAccessible(t *testing.T) {
	src := axeSource(t)
	s := startSite(t)
	ctx := newBrowserFor(t, 2*testTimeout)
	for _, lang := range []string{"ar", "en", "fr"} {
		for _, path := range []string{"/" + lang + "/accessibility", "/" + lang + "/contact"} {
			s.open(t, ctx, path)
			checkAxe(t, ctx, src, path)
		}
	}
	do(t, ctx, "phone-sized screen", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	for _, lang := range []string{"ar", "en", "fr"} {
		s.open(t, ctx, "/"+lang+"/courses/open-government-framework/01-why-open-government")
		checkAxe(t, ctx, src, "/"+lang+"/ lesson on a phone")
		do(t, ctx, "open the menu", chromedp.Click(chromedp.CSS("header summary")))
		checkAxe(t, ctx, src, "/"+lang+"/ lesson on a phone with the menu open")
	}

	s.open(t, ctx, "/ar/contact")
	style := eval[map[string]string](t, ctx, `(() => {
	  const p = document.querySelector('main p');
	  p.insertAdjacentHTML('beforeend', ' <em id="t-em">مهم</em> <cite id="t-cite">الدليل</cite> رمز الشهادة <code id="t-code">MSR-7K2Q-9XHD-4</code> للتحقق');
	  const s = id => getComputedStyle(document.getElementById(id));
	  const code = document.getElementById('t-code');
	  return {emStyle: s('t-em').fontStyle, emWeight: s('t-em').fontWeight, citeStyle: s('t-cite').fontStyle,
	    codeBidi: s('t-code').unicodeBidi, codeWrap: s('t-code').whiteSpace,
	    codeLines: String(code.getClientRects().length)};
	})()`)
	if style["emStyle"] != "normal" || style["citeStyle"] != "normal" {
		t.Errorf("Arabic em/cite are slanted (%s, %s); Arabic has no italics", style["emStyle"], style["citeStyle"])
	}
	if style["emWeight"] != "700" {
		t.Errorf("Arabic em has weight %s, want 700 (stress by weight)", style["emWeight"])
	}
	if style["codeBidi"] != "isolate" || style["codeWrap"] != "nowrap" || style["codeLines"] != "1" {
		t.Errorf("a code in an Arabic line: unicode-bidi %s, white-space %s, on %s line(s); want isolate, nowrap, 1", style["codeBidi"], style["codeWrap"], style["codeLines"])
	}
	fonts := eval[string](t, ctx, `document.fonts.ready.then(() => Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight).sort().join(', '))`)
	t.Logf("fonts loaded on /ar/contact: %s", fonts)
	if !strings.Contains(fonts, "Masar Sans 400") {
		t.Errorf("the bundled face was not used on an Arabic page (loaded: %q)", fonts)
	}
}

package courses_test

import (
	"errors"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/store"
)

const renderManifest = `slug: render-course
phases: [1]
level: introductory
hours: 1
languages: [ar, en, fr]
title: { ar: "عرض", en: "Rendering", fr: "Rendu" }
summary: { ar: "ملخص", en: "Summary", fr: "Résumé" }
outcomes:
  ar: ["أ", "ب", "ج", "د"]
  en: ["a", "b", "c", "d"]
  fr: ["a", "b", "c", "d"]
lessons:
  - 01-first
  - 02-second
`

const renderBody = `
## ما هي البيانات المفتوحة؟

نص الدرس.[^1]

## ما هي البيانات المفتوحة؟

| المبدأ | ما يقتضيه |
|---|---|
| الاكتمال | إتاحة جميع البيانات |

<script>alert(1)</script>

وفي السطر <script>alert(2)</script> أيضاً.

> [!NOTE]
> ملاحظة هامة.

> [!EXAMPLE]
> مثال الأردن.

> [!TIP]
> نصيحة.

> [!WARNING]
> تحذير.

> اقتباس عادي.

انظر [الدرس الثاني](02-second.md) و[قسماً منه](02-second.md#x) و[موقعاً](https://example.org/a).

~~قديم~~ https://data.gov.jo

- [x] مهمة منجزة
- [ ] مهمة

[^1]: المصدر.
`

func renderFS() fstest.MapFS {
	lesson := func(title, body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: \"" + title + "\"\nminutes: 12\n---\n" + body)}
	}
	return fstest.MapFS{
		"01-render-course/course.yaml":      {Data: []byte(renderManifest)},
		"01-render-course/01-first.ar.md":   lesson("الأول", renderBody),
		"01-render-course/01-first.en.md":   lesson("First", "\n> [!NOTE]\n> Important.\n\n> [!EXAMPLE]\n> Jordan.\n\nSee [next](02-second.md).\n"),
		"01-render-course/02-second.en.md":  lesson("Second", "\n> [!TIP]\n> Un conseil.\n\nBack to [first](01-first.md).\n"),
		"01-render-course/images/.keep":     {Data: nil},
		"01-render-course/quiz.yaml":        {Data: []byte("questions: []\n")},
		"01-render-course/02-second.fr.md~": {Data: []byte("editor backup, ignored")},
	}
}

func loadRender(t *testing.T) *courses.Course {
	t.Helper()
	cat, _ := courses.Load(renderFS())
	c, err := cat.Course("render-course")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRenderArabicLesson(t *testing.T) {
	c := loadRender(t)
	v, fellBack := c.Lesson("01-first", "ar")
	if v == nil || fellBack || v.Lang != "ar" || v.Dir() != "rtl" || v.Title != "الأول" || v.Minutes != 1 || v.Words != 40 {
		t.Fatalf("view: %+v fellBack=%v", v, fellBack)
	}
	html := string(v.HTML)

	t.Run("heading ids", func(t *testing.T) {
		if len(v.Headings) != 2 {
			t.Fatalf("headings: %+v", v.Headings)
		}
		a, b := v.Headings[0].ID, v.Headings[1].ID
		if a != "ما-هي-البيانات-المفتوحة" || b != "ما-هي-البيانات-المفتوحة-1" {
			t.Errorf("ids %q, %q: want the Arabic words, unique", a, b)
		}
		for _, id := range []string{a, b} {
			if !strings.Contains(html, `<h2 id="`+id+`">`) {
				t.Errorf("no <h2 id=%q> in\n%s", id, html)
			}
			u, err := url.Parse("/ar/courses/render-course/01-first#" + id)
			if err != nil || u.Fragment != id || strings.ContainsAny(id, " ?#\"'<>%") {
				t.Errorf("id %q is not usable as a URL fragment (%v, %q)", id, err, u.Fragment)
			}
		}
	})
	t.Run("table wrapped", func(t *testing.T) {
		if !regexp.MustCompile(`<div class="table-wrap"[^>]*>\s*<table>`).MatchString(html) {
			t.Errorf("table not wrapped:\n%s", html)
		}
		// A keyboard user can reach the scrolling region, and a screen reader names it in the
		// lesson's language.
		if !strings.Contains(html, `<div class="table-wrap" tabindex="0" role="group" aria-label="جدول 1">`) {
			t.Errorf("the table's region is not focusable and named in Arabic:\n%s", html)
		}
		if !strings.Contains(html, "<td>الاكتمال</td>") {
			t.Errorf("table cells missing")
		}
	})
	t.Run("footnotes", func(t *testing.T) {
		for _, want := range []string{`href="#fn:1"`, `id="fn:1"`, `class="footnotes"`, "المصدر."} {
			if !strings.Contains(html, want) {
				t.Errorf("footnote: %q missing", want)
			}
		}
	})
	t.Run("raw HTML is not live", func(t *testing.T) {
		if strings.Contains(strings.ToLower(html), "<script") {
			t.Errorf("live script in output:\n%s", html)
		}
		if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(html, "&lt;script&gt;alert(2)") {
			t.Errorf("raw HTML should be shown as text")
		}
	})
	t.Run("callouts", func(t *testing.T) {
		for kind, label := range map[string]string{"note": "ملاحظة", "example": "مثال", "tip": "نصيحة", "warning": "تنبيه"} {
			re := regexp.MustCompile(`<aside class="callout callout-` + kind + `" role="note">\s*<p class="callout-label">` + label + `</p>`)
			if !re.MatchString(html) {
				t.Errorf("callout %s with label %s missing", kind, label)
			}
		}
		if strings.Contains(html, "[!") || strings.Contains(html, "NOTE") {
			t.Errorf("callout marker left in output")
		}
		if strings.Count(html, "<blockquote>") != 1 || !strings.Contains(html, "اقتباس عادي") {
			t.Errorf("a plain blockquote must stay a blockquote")
		}
	})
	t.Run("links", func(t *testing.T) {
		for _, want := range []string{`href="/ar/courses/render-course/02-second"`, `href="/ar/courses/render-course/02-second#x"`, `href="https://example.org/a"`} {
			if !strings.Contains(html, want) {
				t.Errorf("link %s missing", want)
			}
		}
		if strings.Contains(html, `.md"`) {
			t.Errorf("a .md link was not rewritten")
		}
	})
	t.Run("GFM", func(t *testing.T) {
		for _, want := range []string{"<del>قديم</del>", `<a href="https://data.gov.jo">`, `type="checkbox"`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s missing", want)
			}
		}
	})
	if v.Words < 20 || !strings.Contains(v.Text, "نص الدرس") {
		t.Errorf("words %d, text %q", v.Words, v.Text)
	}
}

func TestCalloutLabelsFollowTheTextLanguage(t *testing.T) {
	c := loadRender(t)
	en, _ := c.Lesson("01-first", "en")
	if !strings.Contains(string(en.HTML), `<p class="callout-label">Note</p>`) || !strings.Contains(string(en.HTML), `<p class="callout-label">Example</p>`) {
		t.Errorf("English labels:\n%s", en.HTML)
	}
	fr, fellBack := c.Lesson("02-second", "fr")
	if !fellBack || fr.Lang != "en" || !strings.Contains(string(fr.HTML), `<p class="callout-label">Tip</p>`) {
		t.Errorf("fallback for fr: fellBack=%v lang=%s", fellBack, fr.Lang)
	}
}

func TestLessonFallback(t *testing.T) {
	c := loadRender(t)
	tests := []struct {
		lesson, lang string
		wantLang     string
		fellBack     bool
		link         string
	}{
		{"01-first", "ar", "ar", false, `href="/ar/courses/render-course/02-second"`},
		{"01-first", "en", "en", false, `href="/en/courses/render-course/02-second"`},
		// No French: Arabic comes first in the fallback order; links stay on French pages.
		{"01-first", "fr", "ar", true, `href="/fr/courses/render-course/02-second"`},
		{"02-second", "ar", "en", true, `href="/ar/courses/render-course/01-first"`},
		{"02-second", "de", "en", true, `href="/en/courses/render-course/01-first"`},
	}
	for _, tt := range tests {
		v, fellBack := c.Lesson(tt.lesson, tt.lang)
		if v == nil {
			t.Fatalf("%s/%s: nil view", tt.lesson, tt.lang)
		}
		if v.Lang != tt.wantLang || fellBack != tt.fellBack || !strings.Contains(string(v.HTML), tt.link) {
			t.Errorf("%s/%s: lang %s fellBack %v, want %s %v; link %s in %s", tt.lesson, tt.lang, v.Lang, fellBack, tt.wantLang, tt.fellBack, tt.link, v.HTML)
		}
	}
	if v, _ := c.Lesson("03-none", "ar"); v != nil {
		t.Errorf("a missing lesson must give nil")
	}
}

func TestFixtureCatalogue(t *testing.T) {
	cat, ps := courses.Load(os.DirFS("testdata/catalogue"))
	for _, p := range ps {
		t.Errorf("fixture must be clean: %s", p)
	}
	c, err := cat.Course("fixture-course")
	if err != nil {
		t.Fatal(err)
	}
	if c.PassMark != 75 || c.MaxAttempts != 3 || c.DeclaredHours != 1.5 || len(c.Phases) != 2 || c.Level != "introductory" ||
		c.TitleIn("fr") != "دورة الاختبار" || c.TitleIn("en") != "Fixture course" || len(c.OutcomesIn("en")) != 4 {
		t.Errorf("manifest: %+v", c)
	}
	var slugs []string
	for _, l := range c.Lessons {
		slugs = append(slugs, l.Slug)
	}
	if strings.Join(slugs, ",") != "01-intro,02-middle,03-last" || c.Minutes("ar") != 3 {
		t.Errorf("lessons %v, minutes %d", slugs, c.Minutes("ar"))
	}
	if prev, next := c.Neighbours("02-middle"); prev.Slug != "01-intro" || next.Slug != "03-last" {
		t.Errorf("neighbours of 02-middle")
	}
	v, _ := c.Lesson("01-intro", "ar")
	if !strings.Contains(string(v.HTML), `src="/content/fixture-course/images/diagram.png" alt="رسم توضيحي للمراحل"`) {
		t.Errorf("image not rewritten:\n%s", v.HTML)
	}
	// The alt text is for those who cannot see the figure; it adds no reading time and no
	// search weight to the lesson whose text it retells.
	if strings.Contains(v.Text, "رسم توضيحي") {
		t.Errorf("the image's alt text is counted in the lesson's text: %q", v.Text)
	}
	last, _ := c.Lesson("03-last", "ar")
	m := regexp.MustCompile(`<a href="([^"]+)">المقدمة</a>`).FindStringSubmatch(string(last.HTML))
	if m == nil {
		t.Fatalf("link with fragment:\n%s", last.HTML)
	}
	if u, err := url.Parse(m[1]); err != nil || u.Path != "/ar/courses/fixture-course/01-intro" || u.Fragment != "ما-هي-البيانات-المفتوحة" {
		t.Errorf("link with fragment: %s", m[1])
	}
	f, err := cat.OpenImage("fixture-course", "diagram.png")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if len(b) == 0 || string(b[1:4]) != "PNG" {
		t.Errorf("image content")
	}
	for _, bad := range []string{"../course.yaml", "../../01-fixture-course/course.yaml", "", "missing.png"} {
		if _, err := cat.OpenImage("fixture-course", bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("OpenImage(%q) = %v, want not found", bad, err)
		}
	}
	if _, err := cat.Course("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown course: %v", err)
	}
	var nilCat *courses.Catalogue
	if nilCat.Len() != 0 || nilCat.Courses() != nil {
		t.Errorf("nil catalogue must be empty")
	}
}

// TestOutlineHeadingsAreText: the "in this lesson" outline of every shipped lesson, in every
// language, holds text: the typographer's apostrophes and quotes (’ « ») as characters, never
// as entities that the page would show escaped a second time («c&rsquo;est»).
func TestOutlineHeadingsAreText(t *testing.T) {
	cat, err := courses.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	entity := regexp.MustCompile(`&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);`)
	seen := 0
	for _, c := range cat.Courses() {
		for _, l := range c.Lessons {
			for _, lang := range c.Languages {
				v, fellBack := c.Lesson(l.Slug, lang)
				if v == nil || fellBack {
					continue
				}
				for _, h := range v.Headings {
					seen++
					if entity.MatchString(h.Text) {
						t.Errorf("%s/%s (%s): heading %q holds an HTML entity", c.Slug, l.Slug, lang, h.Text)
					}
				}
			}
		}
	}
	if seen < 100 {
		t.Errorf("only %d headings seen", seen)
	}
}

// TestFrenchSpacesDoNotBreak: in the shipped French lessons no colon, semicolon, exclamation
// or question mark and no guillemet can start a line (the space before it is unbreakable),
// while code keeps its spaces.
func TestFrenchSpacesDoNotBreak(t *testing.T) {
	cat, err := courses.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	tags := regexp.MustCompile(`<[^>]*>`)
	lessons, fixed := 0, 0
	for _, c := range cat.Courses() {
		for _, l := range c.Lessons {
			v, fellBack := c.Lesson(l.Slug, "fr")
			if v == nil || fellBack {
				continue
			}
			lessons++
			text := tags.ReplaceAllString(string(v.HTML), "")
			for _, bad := range []string{" :", " ;", " ?", " !", " »", "« "} {
				if strings.Contains(text, bad) {
					t.Errorf("%s/%s: %q can break", c.Slug, l.Slug, bad)
				}
				if strings.Contains(v.Title, bad) {
					t.Errorf("%s/%s: %q can break in the title %q", c.Slug, l.Slug, bad, v.Title)
				}
			}
			fixed += strings.Count(text, "\u00a0:") + strings.Count(text, "\u202f;")
		}
	}
	if lessons < 25 || fixed == 0 {
		t.Errorf("%d French lessons, %d spaces made unbreakable", lessons, fixed)
	}
	// The courses' own French texts too.
	for _, c := range cat.Courses() {
		texts := append([]string{c.Title["fr"], c.Summary["fr"]}, c.Outcomes["fr"]...)
		for _, s := range texts {
			for _, bad := range []string{" :", " ;", " ?", " !", " »", "« "} {
				if strings.Contains(s, bad) {
					t.Errorf("%s: %q can break in %q", c.Slug, bad, s)
				}
			}
		}
	}
	if got := courses.FrenchSpacingForTest(`<p>Note : voir <code>a : b</code> « ici » ?</p>`); got != "<p>Note\u00a0: voir <code>a : b</code> «\u00a0ici\u00a0»\u202f?</p>" {
		t.Errorf("spacing %q", got)
	}
}

package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/platform"
)

const (
	frameworkCourse = "open-government-framework"
	objectivesPath  = "/ar/courses/open-government-framework/03-six-strategic-objectives"
)

// outlineOf is the course outline that stands beside the text on wide screens.
func outlineOf(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<nav class="lesson-outline"[^>]*>.*?</nav>`).FindString(body)
	if m == "" {
		t.Fatalf("no course outline on the lesson page:\n%s", body)
	}
	return m
}

// outlineItem is the outline's entry for one lesson (its <li>).
func outlineItem(t *testing.T, outline, lesson string) string {
	t.Helper()
	m := regexp.MustCompile(`<li[^>]*><a href="/ar/courses/` + frameworkCourse + `/` + lesson + `"[^>]*>.*?</li>`).FindString(outline)
	if m == "" {
		t.Fatalf("lesson %s is not in the outline:\n%s", lesson, outline)
	}
	return m
}

// markDone records that an official has read a lesson and marks it done.
func markDone(t *testing.T, p *platform.Platform, id int64, lesson string) {
	t.Helper()
	ctx := context.Background()
	if err := p.Courses.RecordOpen(ctx, id, frameworkCourse, lesson); err != nil {
		t.Fatal(err)
	}
	p.Courses.SetClock(func() time.Time { return time.Now().Add(time.Hour) })
	defer p.Courses.SetClock(nil)
	if _, err := p.Courses.MarkDone(ctx, id, frameworkCourse, lesson); err != nil {
		t.Fatalf("mark %s done: %v", lesson, err)
	}
}

// TestLessonOutlineForVisitors: a visitor sees every lesson of the course beside the text, the
// one being read marked as the current page, and the quiz; nothing about anybody's progress.
func TestLessonOutlineForVisitors(t *testing.T) {
	p := newPlatform(t)
	r := newClient(t, p).get(objectivesPath)
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	out := outlineOf(t, r.Body)
	lessons := []string{"01-why-open-government", "02-four-phases", "03-six-strategic-objectives",
		"04-vertical-horizontal-extension", "05-egov-sdg16-regional-cooperation"}
	for _, l := range lessons {
		item := outlineItem(t, out, l)
		current := strings.Contains(item, `aria-current="page"`)
		if current != (l == "03-six-strategic-objectives") {
			t.Errorf("lesson %s marked current: %v", l, current)
		}
	}
	if strings.Count(out, `aria-current="page"`) != 1 || !strings.Contains(out, "الأهداف الاستراتيجية الستة") {
		t.Errorf("the current lesson is not marked once, by its Arabic title:\n%s", out)
	}
	if !strings.Contains(out, `href="/ar/courses/`+frameworkCourse+`/quiz"`) {
		t.Error("the outline has no link to the quiz")
	}
	if !strings.Contains(out, `<h2 class="outline-heading" id="outline-h">فهرس الدورة</h2>`) {
		t.Errorf("the outline is not named in Arabic:\n%s", out)
	}
	// On phones the same outline folds into a disclosure that works without scripts.
	if !regexp.MustCompile(`<details class="lesson-outline-fold">\s*<summary><span class="outline-summary">فهرس الدورة</span></summary>`).MatchString(r.Body) {
		t.Error("no folded outline for phones")
	}
	for _, leak := range []string{"<progress", "(منجز)", "(لم يُنجز بعد)", "✓", "الدروس المنجزة"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("a visitor's lesson page shows progress data: %q", leak)
		}
	}
	// English and French pages name it in their language, and the page runs left to right.
	for lang, name := range map[string]string{"en": "Course outline", "fr": "Plan du cours"} {
		b := newClient(t, p).get("/" + lang + "/courses/" + frameworkCourse + "/03-six-strategic-objectives").Body
		if !strings.Contains(b, `id="outline-h">`+name+`</h2>`) || !strings.Contains(b, `dir="ltr"`) {
			t.Errorf("%s: outline not named %q", lang, name)
		}
	}
}

// TestLessonOutlineShowsTheLearnersProgress: an enrolled learner sees which lessons they have
// done, how far they are, and only their own state, even when the page is kept for readers
// with the same percentage.
func TestLessonOutlineShowsTheLearnersProgress(t *testing.T) {
	p := newPlatform(t)
	ana, o1 := account(t, p, "ana@example.org", "official", "JO")
	bilal, o2 := account(t, p, "bilal@example.org", "official", "TN")
	ctx := context.Background()
	for _, id := range []int64{o1.ID, o2.ID} {
		if err := p.Courses.Enrol(ctx, id, frameworkCourse); err != nil {
			t.Fatal(err)
		}
	}
	markDone(t, p, o1.ID, "01-why-open-government")
	markDone(t, p, o2.ID, "02-four-phases")
	// Twice each: the second answer may come from the kept page.
	for round := 0; round < 2; round++ {
		a, b := ana.get(objectivesPath), bilal.get(objectivesPath)
		if a.Status != http.StatusOK || b.Status != http.StatusOK {
			t.Fatalf("round %d: status %d %d", round, a.Status, b.Status)
		}
		ao, bo := outlineOf(t, a.Body), outlineOf(t, b.Body)
		for _, o := range []string{ao, bo} {
			if !strings.Contains(o, "الدروس المنجزة: 1 من 5") || !strings.Contains(o, `<progress class="progress" max="100" value="20"`) {
				t.Errorf("round %d: the course progress is not shown:\n%s", round, o)
			}
		}
		done := func(o, lesson string) bool {
			item := outlineItem(t, o, lesson)
			d := strings.Contains(item, `class="done"`) && strings.Contains(item, "(منجز)")
			if !d && !strings.Contains(item, "(لم يُنجز بعد)") {
				t.Errorf("lesson %s has no state: %s", lesson, item)
			}
			return d
		}
		if !done(ao, "01-why-open-government") || done(ao, "02-four-phases") {
			t.Errorf("round %d: Ana's outline does not show her lesson 1 done and lesson 2 not done", round)
		}
		if done(bo, "01-why-open-government") || !done(bo, "02-four-phases") {
			t.Errorf("round %d: Bilal's outline shows another reader's progress", round)
		}
		if done(ao, "03-six-strategic-objectives") {
			t.Errorf("round %d: the lesson being read shows as done", round)
		}
	}
	// The disclosure on phones says how far the learner is without being opened.
	if !strings.Contains(ana.get(objectivesPath).Body, `<span class="outline-summary">فهرس الدورة</span> <span class="muted small">· الدروس المنجزة: 1 من 5</span>`) {
		t.Error("the folded outline's summary does not show the progress")
	}
}

// TestLessonTablesAreNamedRegions: each table of a lesson sits in a group that a keyboard
// reaches (so that it can be scrolled on a phone) and that a screen reader names in the
// lesson's language.
func TestLessonTablesAreNamedRegions(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	for lang, name := range map[string]string{"ar": "جدول 1", "en": "Table 1", "fr": "Tableau 1"} {
		b := c.get("/" + lang + "/courses/" + frameworkCourse + "/03-six-strategic-objectives").Body
		want := `<div class="table-wrap" tabindex="0" role="group" aria-label="` + name + `">`
		if !strings.Contains(b, want) {
			t.Errorf("%s: no %s", lang, want)
		}
		if n, m := strings.Count(b, "<table>"), strings.Count(b, `class="table-wrap" tabindex="0" role="group"`); n == 0 || n != m {
			t.Errorf("%s: %d tables, %d named regions", lang, n, m)
		}
	}
}

var imgRe = regexp.MustCompile(`<img src="(/content/open-government-framework/images/([a-z-]+)\.([a-z]{2})\.svg)" alt="([^"]*)"`)

// TestFrameworkFiguresInEachLanguage: the lessons on the four phases, the six objectives and
// the two extensions each show their figure in the page's language, with a description as alt
// text; the figure is an SVG whose words are text, named by its <title>, right to left in Arabic.
func TestFrameworkFiguresInEachLanguage(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	lessons := map[string]string{
		"02-four-phases":                   "four-phases",
		"03-six-strategic-objectives":      "six-objectives",
		"04-vertical-horizontal-extension": "extension",
	}
	titles := map[string][]string{
		"ar": {"المراحل الأربع لإطار الحكومة المفتوحة", "الأهداف الاستراتيجية الستة", "الامتداد العمودي والامتداد الأفقي"},
		"en": {"The four phases of the open government framework", "The six strategic objectives", "Vertical and horizontal extension"},
		"fr": {"Les quatre phases du cadre du gouvernement ouvert", "Les six objectifs stratégiques", "L'extension verticale et l'extension horizontale"},
	}
	words := map[string]string{"ar": "الشفافية", "en": "Transparency", "fr": "Transparence"}
	for _, lang := range []string{"ar", "en", "fr"} {
		seen := map[string]bool{}
		for lesson, figure := range lessons {
			b := c.get("/" + lang + "/courses/" + frameworkCourse + "/" + lesson).Body
			m := imgRe.FindStringSubmatch(b)
			if m == nil || m[2] != figure || m[3] != lang {
				t.Errorf("%s %s: no %s figure in the page's language (%v)", lang, lesson, figure, m)
				continue
			}
			if len([]rune(m[4])) < 80 {
				t.Errorf("%s %s: alt text %q does not describe the figure", lang, lesson, m[4])
			}
			img := c.get(m[1])
			if img.Status != http.StatusOK || img.Header.Get("Content-Type") != "image/svg+xml" {
				t.Errorf("%s: %d %s", m[1], img.Status, img.Header.Get("Content-Type"))
				continue
			}
			svg := img.Body
			root := regexp.MustCompile(`<svg[^>]*>`).FindString(svg)
			if !strings.Contains(root, `role="img"`) || !strings.Contains(root, `lang="`+lang+`"`) ||
				!strings.Contains(root, `aria-labelledby="`) {
				t.Errorf("%s: root %s is not a named image in %s", m[1], root, lang)
			}
			if (lang == "ar") != strings.Contains(root, `direction="rtl"`) {
				t.Errorf("%s: direction wrong in %s", m[1], root)
			}
			title := regexp.MustCompile(`<title id="[^"]+">([^<]+)</title>`).FindStringSubmatch(svg)
			if title == nil {
				t.Errorf("%s: no <title>", m[1])
				continue
			}
			seen[title[1]] = true
			if strings.Contains(svg, "<path d=\"M") && strings.Count(svg, "<text") < 6 || strings.Count(svg, "<text") < 6 {
				t.Errorf("%s: its words are not text", m[1])
			}
			if figure != "six-objectives" && !strings.Contains(svg, ">"+words[lang]+"</text>") {
				t.Errorf("%s: the first phase is not named %q", m[1], words[lang])
			}
		}
		for _, want := range titles[lang] {
			if !seen[want] {
				t.Errorf("%s: no figure titled %q (have %v)", lang, want, seen)
			}
		}
	}
}

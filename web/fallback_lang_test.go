package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// fixturePlatform serves the fixture catalogue (fixtureCourses).
func fixturePlatform(t *testing.T) *platform.Platform {
	t.Helper()
	dir := courseFolder(t, fixtureCourses)
	return platformWith(t, func(c *config.Config) { c.ContentDir = dir })
}

// elementWith finds the opening tag of the element whose content starts with text (after
// any nested opening tags), and returns it; "" when text is not in an element.
func elementWith(body, text string) string {
	if i := strings.Index(body, "<body"); i >= 0 {
		body = body[i:]
	}
	re := regexp.MustCompile(`<[a-z0-9]+\b[^<>]*>(?:<[a-z0-9]+\b[^<>]*>)*` + regexp.QuoteMeta(text))
	return re.FindString(body)
}

// TestFallbackTextsCarryTheirLanguage: a French page that shows a text existing only in
// Arabic or English — a course's title, summary, outcomes and lessons, a workshop's title,
// description and agenda, a certificate's title — marks that text's element with its own
// lang and dir; texts in the page's language get no such marks.
func TestFallbackTextsCarryTheirLanguage(t *testing.T) {
	p := fixturePlatform(t)
	wsClock(p)
	ctx := context.Background()
	c, o := account(t, p, "reader@example.org", officials.RoleOfficial, "TN")
	// marked says that the element holding text (after any nested tags) carries lang and dir.
	marked := func(where, body, text, lang, dir string) {
		t.Helper()
		tag := elementWith(body, text)
		if tag == "" {
			t.Errorf("%s: %q is not on the page", where, text)
			return
		}
		// The attributes may sit on the element itself or on one it nests in directly.
		if !strings.Contains(tag, `lang="`+lang+`" dir="`+dir+`"`) {
			t.Errorf("%s: %q is shown without lang=%s dir=%s: %s", where, text, lang, dir, tag)
		}
	}
	unmarked := func(where, body, text string) {
		t.Helper()
		tag := elementWith(body, text)
		if tag == "" {
			t.Errorf("%s: %q is not on the page", where, text)
		} else if strings.Contains(tag, `lang="`) {
			t.Errorf("%s: %q in the page's language is marked as another: %s", where, text, tag)
		}
	}

	r := c.get("/fr/courses")
	marked("/fr/courses", r.Body, "دورة الاختبار", "ar", "rtl")
	marked("/fr/courses", r.Body, "دورة قصيرة لاختبار المنصة.", "ar", "rtl")
	r = c.get("/en/courses")
	unmarked("/en/courses", r.Body, "Fixture course")

	r = c.get("/fr/courses/fixture-course")
	marked("course page", r.Body, "دورة الاختبار", "ar", "rtl")
	marked("course page", r.Body, "دورة قصيرة لاختبار المنصة.", "ar", "rtl")
	if !strings.Contains(r.Body, `<ul lang="ar" dir="rtl"><li>الأول</li>`) {
		t.Error("course page: the Arabic outcomes are not marked as Arabic")
	}
	co, _ := p.Library.Catalogue().Course("fixture-course")
	lv, _ := co.Lessons[0].View("fr")
	marked("course page syllabus", r.Body, lv.Title, "ar", "rtl")

	r = c.get("/fr/courses/fixture-course/" + co.Lessons[0].Slug)
	if !strings.Contains(r.Body, `lang="ar" dir="rtl">دورة الاختبار</a></nav>`) {
		t.Error("lesson page: the course title in the breadcrumb is not marked as Arabic")
	}
	if !strings.Contains(r.Body, `<article class="lesson" lang="ar" dir="rtl">`) {
		t.Error("lesson page: the Arabic lesson is not marked as Arabic")
	}

	// Search results from another language than the page's.
	r = c.get("/fr/search?q=" + url.QueryEscape("open data"))
	if r.Status != 200 || !regexp.MustCompile(`<h2 lang="en" dir="ltr"><a href="/en/courses/fixture-course/`).MatchString(r.Body) {
		t.Errorf("search: an English result on a French page is not marked as English: %d", r.Status)
	}

	// A workshop with a title in Arabic and English, a description in Arabic only, and an
	// English-only agenda item.
	_, tok := person(t, p, "staff@masar.test", officials.RoleStaff, "")
	id := publishJSON(t, newClient(t, p), tok, `{"title": {"ar": "ورشة تونس للبيانات", "en": "Tunis data workshop"}, "description": {"ar": "وصف الورشة بالعربية."},
		"kind": "national", "phases": [1], "host_country": "TN", "city": "Tunis", "start_date": "2026-05-10", "end_date": "2026-05-10",
		"languages": ["ar", "fr"], "capacity": 20,
		"sessions": [{"starts_at": "2026-05-10T09:00", "ends_at": "2026-05-10T10:00", "title": {"ar": "الافتتاح", "en": "Opening", "fr": "Ouverture"}},
			{"starts_at": "2026-05-10T10:00", "ends_at": "2026-05-10T11:00", "title": {"en": "Data inventory"}}]}`)
	r = c.get("/fr/workshops")
	marked("/fr/workshops", r.Body, "Tunis data workshop", "en", "ltr")
	r = c.get(fmt.Sprintf("/fr/workshops/%d", id))
	marked("workshop page", r.Body, "Tunis data workshop", "en", "ltr")
	marked("workshop page", r.Body, "وصف الورشة بالعربية.", "ar", "rtl")
	marked("workshop agenda", r.Body, "Data inventory", "en", "ltr")
	unmarked("workshop agenda", r.Body, "Ouverture")
	r = c.get(fmt.Sprintf("/ar/workshops/%d", id))
	unmarked("Arabic workshop page", r.Body, "ورشة تونس للبيانات")

	// A course certificate: its title exists in Arabic and English, not in French.
	readAll(t, p, o.ID, "fixture-course")
	c.get("/fr/courses/fixture-course/quiz")
	f := url.Values{}
	for qid, ids := range drawnRightAnswers(t, p.Courses, o.ID, co) {
		f["q_"+qid] = ids
	}
	if r := c.post("/fr/courses/fixture-course/quiz", f); r.Status != 200 {
		t.Fatalf("quiz: %d", r.Status)
	}
	certs, err := p.Certificates.ForOfficial(ctx, o.ID)
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates: %v %d", err, len(certs))
	}
	r = c.get("/fr/me/certificates")
	marked("/fr/me/certificates", r.Body, "Fixture course", "en", "ltr")
	r = c.get("/fr/certificates/" + certs[0].Display())
	marked("certificate page", r.Body, "Fixture course", "en", "ltr")
	r = c.get("/en/me/certificates")
	unmarked("/en/me/certificates", r.Body, "Fixture course")
}

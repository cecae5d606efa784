package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/search"
)

func searchURL(lang, q string, extra ...string) string {
	u := "/" + lang + "/search?q=" + url.QueryEscape(q)
	for _, e := range extra {
		u += "&" + e
	}
	return u
}

func TestSearchPageFindsWhatAPersonMeans(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	// ة typed as ه, hamza left out, a diacritic, a prefix, Arabic-Indic digits.
	for q, lesson := range map[string]string{
		"البيانات المفتوحه": "/ar/courses/open-government-data/01-what-is-open-data",
		"البَيانات الوصفية": "/ar/courses/open-government-data/02-formats-and-quality",
		"بالمشاركة":         "/ar/courses/citizen-participation/01-why-participation",
		"الهدف ١٦":          "/ar/courses/open-government-framework/05-egov-sdg16-regional-cooperation",
		"اداره التوقعات":    "/ar/courses/collaboration-co-creation/05-decision-authority-and-trust",
	} {
		r := c.get(searchURL("ar", q))
		if r.Status != 200 {
			t.Fatalf("%q: %d", q, r.Status)
		}
		if !strings.Contains(r.Body, `href="`+lesson+`"`) {
			t.Errorf("%q: no link to %s", q, lesson)
		}
		if !strings.Contains(r.Body, "<mark>") || !strings.Contains(r.Body, `dir="rtl"`) {
			t.Errorf("%q: no highlighted words or not right-to-left", q)
		}
		if !strings.Contains(r.Body, "<title>البحث عن «"+q+"»") {
			t.Errorf("%q: page title", q)
		}
	}
	// The words the query found are marked as the lesson writes them.
	r := c.get(searchURL("ar", "الشفافيه"))
	if !strings.Contains(r.Body, "<mark>الشفافية</mark>") {
		t.Errorf("the original word is not the one highlighted")
	}
	if !strings.Contains(r.Body, "نتيجة") {
		t.Errorf("no count of results")
	}
}

func TestSearchBoxInHeaderAndEmptyOrLongQueries(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	for _, l := range []string{"ar", "en", "fr"} {
		r := c.get("/" + l + "/courses")
		if !strings.Contains(r.Body, `action="/`+l+`/search"`) || !strings.Contains(r.Body, `<label for="site-q"`) {
			t.Errorf("%s: no search box with a label in the header", l)
		}
	}
	// Opening the page: the form, no complaint.
	r := c.get("/ar/search")
	if r.Status != 200 || !strings.Contains(r.Body, `id="q"`) || strings.Contains(r.Body, `role="alert"`) {
		t.Errorf("blank page: %d", r.Status)
	}
	// Submitting nothing, or only punctuation: told what to do, in the page's language.
	for _, q := range []string{"", "   ", "؟!"} {
		r = c.get(searchURL("ar", q))
		if r.Status != 200 || !strings.Contains(r.Body, "اكتب كلمة واحدة على الأقل للبحث عنها.") {
			t.Errorf("%q: %d", q, r.Status)
		}
	}
	// Too long: the message, the typed words kept in the box.
	long := strings.TrimSpace(strings.Repeat("open data ", 7))
	r = c.get(searchURL("en", long))
	if r.Status != 422 || !strings.Contains(r.Body, "Your search is too long: use at most 12 words and 200 characters.") ||
		!strings.Contains(r.Body, `value="`+long+`"`) {
		t.Errorf("too long: %d", r.Status)
	}
	r = c.get(searchURL("fr", strings.Repeat("x", 201)))
	if r.Status != 422 || !strings.Contains(r.Body, "trop longue") {
		t.Errorf("too many characters: %d", r.Status)
	}
	// Nothing found.
	r = c.get(searchURL("en", "zzzqqq"))
	if r.Status != 200 || !strings.Contains(r.Body, "Nothing found for “zzzqqq”.") {
		t.Errorf("nothing found: %d", r.Status)
	}
	// Search syntax typed by a person is just text.
	for _, q := range []string{`"open`, `NEAR(data open)`, `data*`, `title:data`, `-open (data`, `data AND OR NOT`, `'; DROP TABLE search_docs; --`} {
		if r := c.get(searchURL("en", q)); r.Status != 200 {
			t.Errorf("%q: %d", q, r.Status)
		}
	}
	if r := c.get(searchURL("en", "open data")); !strings.Contains(r.Body, "/en/courses/open-government-data/01-what-is-open-data") {
		t.Errorf("the index was damaged by the queries above")
	}
}

func TestSearchPagingAndOtherLanguages(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	r := c.get(searchURL("en", "data"))
	if !strings.Contains(r.Body, `href="?q=data&amp;page=2"`) || !strings.Contains(r.Body, `<ol class="search-results" start="1">`) {
		t.Fatalf("no pager on a search with many results")
	}
	r2 := c.get(searchURL("en", "data", "page=2"))
	if r2.Status != 200 || !strings.Contains(r2.Body, `start="11"`) || !strings.Contains(r2.Body, `rel="prev"`) {
		t.Errorf("page 2: %d", r2.Status)
	}
	r3 := c.get(searchURL("en", "data", "page=99"))
	if r3.Status != 200 || !strings.Contains(r3.Body, "There are no more results after this page.") {
		t.Errorf("past the end: %d", r3.Status)
	}
	// Only an English lesson speaks of an ombudsman (the word is in no French lesson and in
	// no thesaurus group): on the French page it comes after (here: instead of) French
	// results, marked as English. ("stakeholder mapping" served here until the thesaurus
	// joined stakeholders to « parties prenantes »: the French lesson now answers it.)
	r = c.get(searchURL("fr", "ombudsman"))
	if !strings.Contains(r.Body, `lang="en" dir="ltr"`) || !strings.Contains(r.Body, "En anglais") ||
		!strings.Contains(r.Body, `href="/en/courses/citizen-participation/05-feedback-and-closing-the-loop"`) {
		t.Errorf("other-language results not marked")
	}
	r = c.get(searchURL("fr", "stakeholder mapping"))
	if !strings.Contains(r.Body, `href="/fr/courses/collaboration-co-creation/01-from-participation-to-collaboration"`) {
		t.Errorf("an English term with a French synonym does not find the French lesson")
	}
	// French results first on the French page.
	r = c.get(searchURL("fr", "gouvernement ouvert"))
	first := strings.Index(r.Body, `class="search-result `)
	if first < 0 || !strings.Contains(r.Body[first:first+600], `href="/fr/`) {
		t.Errorf("first result is not French")
	}
}

func TestSearchFindsWorkshopsSafely(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	ctx := context.Background()
	w := search.WorkshopDoc{ID: 41, Title: map[string]string{"ar": "ورشة إقليمية حول نشر البيانات المفتوحة", "en": "Regional workshop on publishing open data"},
		Description: map[string]string{"ar": "التدرّب على بوابات البيانات <script>alert(1)</script>", "en": "Hands-on portals <b>training</b>."},
		City:        "عمّان", Country: "JO", CountryName: map[string]string{"ar": "الأردن", "en": "Jordan"},
		Start: time.Date(2026, 9, 14, 0, 0, 0, 0, time.UTC), Status: "published"}
	if err := p.Search.PutWorkshop(ctx, w); err != nil {
		t.Fatal(err)
	}
	r := c.get(searchURL("ar", "ورشه بوابات"))
	if !strings.Contains(r.Body, `href="/ar/workshops/41"`) || !strings.Contains(r.Body, "ورشة عمل") ||
		!strings.Contains(r.Body, "الأردن") || !strings.Contains(r.Body, "14 سبتمبر 2026") {
		t.Fatalf("workshop not shown: %s", r.Body[strings.Index(r.Body, "<main"):])
	}
	if strings.Contains(r.Body, "<script>alert") || !strings.Contains(r.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the description's markup was not escaped")
	}
	if r := c.get(searchURL("en", "portals training")); strings.Contains(r.Body, "<b>training") {
		t.Errorf("markup injected")
	}
	// Cancelled: no longer found.
	w.Status = "cancelled"
	if err := p.Search.PutWorkshop(ctx, w); err != nil {
		t.Fatal(err)
	}
	if r := c.get(searchURL("ar", "بوابات البيانات")); strings.Contains(r.Body, "/ar/workshops/41") {
		t.Errorf("a cancelled workshop is still found")
	}
}

func TestSearchAPI(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	r := c.api("GET", "/api/v1/search?q=hackathon&lang=en", "", "")
	var res struct {
		Data search.Results `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &res); err != nil || r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	d := res.Data
	if d.Total == 0 || d.Lang != "en" || d.Page != 1 || d.Items[0].Kind == "" || !strings.HasPrefix(d.Items[0].Path, "/en/") {
		t.Fatalf("results %+v", d)
	}
	hit := false
	for _, s := range d.Items[0].Snippet {
		hit = hit || s.Hit && strings.EqualFold(strings.TrimSuffix(s.Text, "s"), "hackathon")
	}
	if !hit {
		t.Errorf("snippet has no marked hit: %+v", d.Items[0].Snippet)
	}
	// The language defaults to the request's; Arabic results first.
	c.lang = "ar"
	r = c.api("GET", "/api/v1/search?q="+url.QueryEscape("الشفافيه"), "", "")
	if !strings.Contains(r.Body, `"lang":"ar"`) || !strings.Contains(r.Body, `"hit":true`) {
		t.Errorf("Arabic API search: %s", r.Body[:min(300, len(r.Body))])
	}
	// Errors name the field, in the request's language.
	r = c.api("GET", "/api/v1/search?q=", "", "")
	e := decode(t, r)
	if r.Status != 422 || e.Error.Code != "query_empty" || e.Error.Fields["q"] != "اكتب كلمة واحدة على الأقل للبحث عنها." {
		t.Errorf("empty: %d %s", r.Status, r.Body)
	}
	c.lang = "en"
	r = c.api("GET", "/api/v1/search?q="+url.QueryEscape(strings.Repeat("data ", 13)), "", "")
	if e := decode(t, r); r.Status != 422 || e.Error.Code != "query_too_long" || !strings.Contains(e.Error.Message, "12 words") {
		t.Errorf("too long: %d %s", r.Status, r.Body)
	}
	r = c.api("GET", "/api/v1/search?q=data&lang=de", "", "")
	if e := decode(t, r); r.Status != 422 || e.Error.Fields["lang"] == "" {
		t.Errorf("unknown language: %d %s", r.Status, r.Body)
	}
	// Public, and the same with a token.
	_, o := account(t, p, "search-api@example.org", officials.RoleOfficial, "QA")
	tok, _ := p.Officials.CreateAPIToken(context.Background(), o.ID, "t")
	if r := c.api("GET", "/api/v1/search?q=data&page=2", tok, ""); r.Status != 200 || !strings.Contains(r.Body, `"page":2`) {
		t.Errorf("page 2 with a token: %d", r.Status)
	}
}

// TestSearchFollowsContentReload serves a content folder, changes it, reloads, and finds
// the new lesson and no longer the old one.
func TestSearchFollowsContentReload(t *testing.T) {
	dir := t.TempDir()
	course := filepath.Join(dir, "01-budgets")
	if err := os.MkdirAll(course, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(course, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifest := func(lesson string) string {
		return "slug: budgets\nphases: [1]\nlevel: introductory\nhours: 1\nlanguages: [ar]\ntitle:\n  ar: \"الموازنة المفتوحة\"\n" +
			"summary:\n  ar: \"نشر الموازنة.\"\noutcomes:\n  ar: [\"أ\", \"ب\", \"ج\", \"د\"]\nlessons:\n  - " + lesson + "\n"
	}
	write("quiz.yaml", "questions:\n  - id: q1\n    type: truefalse\n    prompt: { ar: \"صح\" }\n    answer: true\n    explanation: { ar: \"نعم\" }\n")
	write("course.yaml", manifest("01-citizens-budget"))
	write("01-citizens-budget.ar.md", "---\ntitle: \"موازنة المواطن\"\nminutes: 5\n---\n\nتنشر وزارة المالية موازنة المواطن بلغة بسيطة.\n")

	p := platformWith(t, func(c *config.Config) { c.ContentDir = dir })
	c := newClient(t, p)
	if r := c.get(searchURL("ar", "موازنه المواطن")); !strings.Contains(r.Body, "/ar/courses/budgets/01-citizens-budget") {
		t.Fatalf("served content not indexed")
	}
	os.Remove(filepath.Join(course, "01-citizens-budget.ar.md"))
	write("course.yaml", manifest("01-open-contracting"))
	write("01-open-contracting.ar.md", "---\ntitle: \"التعاقد المفتوح\"\nminutes: 5\n---\n\nنشر عقود الشراء العام وبياناتها.\n")
	p.Library.Reload()
	if r := c.get(searchURL("ar", "التعاقد المفتوح")); !strings.Contains(r.Body, "/ar/courses/budgets/01-open-contracting") {
		t.Errorf("new lesson not found after reload")
	}
	if r := c.get(searchURL("ar", "موازنه المواطن")); strings.Contains(r.Body, "01-citizens-budget") {
		t.Errorf("removed lesson still found after reload")
	}
}

// TestSearchSaysDidYouMean: a misspelt word is corrected, the page says "did you mean" in
// the page's language with a link to the corrected search, and the API gives the same.
func TestSearchSaysDidYouMean(t *testing.T) {
	p := newPlatform(t)
	c := newClient(t, p)
	for lang, label := range map[string]string{"ar": "هل تقصد:", "en": "Did you mean:", "fr": "Vouliez-vous dire :"} {
		r := c.get(searchURL(lang, "hackaton"))
		if r.Status != 200 || !strings.Contains(r.Body, `<p class="did-you-mean">`+label+" ") {
			t.Errorf("%s: no did-you-mean line (%d)", lang, r.Status)
		}
		if !strings.Contains(r.Body, "/courses/collaboration-co-creation/02-open-data-innovation") {
			t.Errorf("%s: the corrected search does not find the hackathons lesson", lang)
		}
	}
	r := c.get(searchURL("ar", "المشاركع"))
	if !strings.Contains(r.Body, `<a href="/ar/search?q=`) || !strings.Contains(r.Body, `dir="auto">مشاركة</a>`) {
		t.Errorf("Arabic did-you-mean link: %s", r.Body[strings.Index(r.Body, "<main"):][:min(1500, len(r.Body)-strings.Index(r.Body, "<main"))])
	}
	// The link is the corrected query, escaped once (not "%25D9…").
	want := `<a href="/ar/search?q=` + url.QueryEscape("مشاركة") + `" dir="auto">`
	if !strings.Contains(strings.ToLower(r.Body), strings.ToLower(want)) {
		i := strings.Index(r.Body, `class="did-you-mean"`)
		t.Errorf("the did-you-mean link is not %s: %s", want, r.Body[max(0, i):min(len(r.Body), max(0, i)+300)])
	}
	// Words found nowhere are named.
	r = c.get(searchURL("en", "hackathon qqxqqz"))
	if !strings.Contains(r.Body, "qqxqqz") || !strings.Contains(r.Body, "we searched without it") {
		t.Errorf("ignored word not named")
	}
	r = c.api("GET", "/api/v1/search?q=hackaton&lang=en", "", "")
	var res struct {
		Data search.Results `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &res); err != nil || r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if !strings.Contains(strings.ToLower(res.Data.DidYouMean), "hackathon") || res.Data.Total == 0 {
		t.Errorf("API did_you_mean %q, total %d", res.Data.DidYouMean, res.Data.Total)
	}
}

package search_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

func newIndex(t testing.TB) (*search.Index, *store.DB) {
	t.Helper()
	db := storetest.Open(t)
	return search.New(db, nil), db
}

// lessonFile is a lesson of a test course.
type lessonFile struct {
	slug, lang, title, body string
}

// catalogueOf builds a one-course catalogue from lessons, through courses.Load as the
// platform does.
func catalogueOf(t testing.TB, slug string, langs []string, lessons ...lessonFile) *courses.Catalogue {
	t.Helper()
	dir := "01-" + slug
	var list, titles, summaries, outcomes strings.Builder
	seen := map[string]bool{}
	for _, l := range lessons {
		if !seen[l.slug] {
			seen[l.slug] = true
			fmt.Fprintf(&list, "  - %s\n", l.slug)
		}
	}
	for _, lg := range langs {
		fmt.Fprintf(&titles, "  %s: \"Course %s %s\"\n", lg, slug, lg)
		fmt.Fprintf(&summaries, "  %s: \"Summary of %s.\"\n", lg, slug)
		fmt.Fprintf(&outcomes, "  %s: [\"one\", \"two\", \"three\", \"four\"]\n", lg)
	}
	fsys := fstest.MapFS{
		dir + "/course.yaml": {Data: []byte(fmt.Sprintf("slug: %s\nphases: [1]\nlevel: introductory\nhours: 1\nlanguages: [%s]\ntitle:\n%ssummary:\n%soutcomes:\n%slessons:\n%s",
			slug, strings.Join(langs, ", "), titles.String(), summaries.String(), outcomes.String(), list.String()))},
		dir + "/quiz.yaml": {Data: []byte("questions:\n  - id: q1\n    type: truefalse\n    prompt: { ar: \"ص\", en: \"T\", fr: \"V\" }\n    answer: true\n    explanation: { ar: \"ص\", en: \"T\", fr: \"V\" }\n")},
	}
	for _, l := range lessons {
		fsys[dir+"/"+l.slug+"."+l.lang+".md"] = &fstest.MapFile{Data: []byte("---\ntitle: \"" + l.title + "\"\nminutes: 5\n---\n\n" + l.body + "\n")}
	}
	cat, ps := courses.Load(fsys)
	if cat.Len() != 1 {
		t.Fatalf("test course not loaded: %v", ps)
	}
	return cat
}

func search1(t testing.TB, ix *search.Index, q, lang string) *search.Results {
	t.Helper()
	res, err := ix.Search(context.Background(), search.Query{Text: q, Lang: lang})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return res
}

func refs(res *search.Results) []string {
	var out []string
	for _, r := range res.Items {
		out = append(out, refOf(r)+"@"+r.Lang)
	}
	return out
}

// marked renders spans as text with hits in [brackets].
func marked(spans []search.Span) string {
	var b strings.Builder
	for _, s := range spans {
		if s.Hit {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestSnippetHighlightsTheOriginalWords(t *testing.T) {
	ix, _ := newIndex(t)
	cat := catalogueOf(t, "water", []string{"ar", "en"},
		lessonFile{"01-tariffs", "ar", "تعرفة المياه", "مقدمة طويلة عن الموضوع. تنشر الوزارةُ البَيانَاتِ المفتوحةَ عن المياه، والشفافيةُ أساس الثقة."},
		lessonFile{"01-tariffs", "en", "Water tariffs", "The ministry publishes OPEN datasets on water; transparency builds trust."},
	)
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	res := search1(t, ix, "البيانات المفتوحه الشفافيه", "ar")
	if len(res.Items) != 1 {
		t.Fatalf("results %v", refs(res))
	}
	r := res.Items[0]
	// The words as written, diacritics and prefixes included, are the ones marked.
	if got := marked(r.Snippet); !strings.Contains(got, "[البَيانَاتِ] [المفتوحةَ]") || !strings.Contains(got, "[والشفافيةُ]") {
		t.Errorf("snippet %s", got)
	}
	if r.Kind != search.KindLesson || r.Course != "water" || r.Lesson != "01-tariffs" || r.Path != "/ar/courses/water/01-tariffs" ||
		r.CourseTitle != "Course water ar" || r.TitleText() != "تعرفة المياه" {
		t.Errorf("result %+v", r)
	}
	en := search1(t, ix, "open dataset", "en").Items[0]
	if got := marked(en.Snippet); !strings.Contains(got, "[OPEN] [datasets]") {
		t.Errorf("English snippet %s", got)
	}
	for _, r := range search1(t, ix, "water", "en").Items {
		if r.Kind == search.KindLesson && marked(r.Title) != "[Water] tariffs" {
			t.Errorf("title %s", marked(r.Title))
		}
	}
}

func TestLongTextSnippetIsAWindowAroundTheHits(t *testing.T) {
	ix, _ := newIndex(t)
	filler := strings.Repeat("Lorem ipsum dolor sit amet consectetur. ", 60)
	cat := catalogueOf(t, "long", []string{"en"},
		lessonFile{"01-long", "en", "A long lesson", filler + "Here the hackathon and the jury meet at last. " + filler})
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	r := search1(t, ix, "hackathon jury", "en").Items[0]
	got := marked(r.Snippet)
	if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") || !strings.Contains(got, "[hackathon] and the [jury]") {
		t.Errorf("snippet %q", got)
	}
	if n := len(strings.Fields(got)); n > search.SnippetWords+4 {
		t.Errorf("snippet of %d words", n)
	}
}

func TestPageLanguageFirstAndOneResultPerLesson(t *testing.T) {
	ix, _ := newIndex(t)
	cat := catalogueOf(t, "sdg", []string{"ar", "en"},
		lessonFile{"01-goal", "ar", "الهدف 16", "السلام والعدل والمؤسسات القوية: الهدف 16."},
		lessonFile{"01-goal", "en", "Goal 16", "Peace, justice and strong institutions: SDG 16."},
		lessonFile{"02-only-en", "en", "Targets of goal 16", "Target 16.10 is about access to information."},
	)
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	// «16» is in both languages of 01-goal: shown once, in the page's language, first.
	got := refs(search1(t, ix, "١٦", "ar"))
	if len(got) != 2 || got[0] != "sdg/01-goal@ar" || got[1] != "sdg/02-only-en@en" {
		t.Errorf("ar page: %v", got)
	}
	got = refs(search1(t, ix, "16", "en"))
	if len(got) != 2 || !strings.HasSuffix(got[0], "@en") || !strings.HasSuffix(got[1], "@en") {
		t.Errorf("en page: %v", got)
	}
	if r := search1(t, ix, "16", "fr"); r.Total != 2 {
		t.Errorf("fr page: %v", refs(r))
	}
}

func TestPaging(t *testing.T) {
	ix, _ := newIndex(t)
	var lessons []lessonFile
	for i := 1; i <= 23; i++ {
		lessons = append(lessons, lessonFile{fmt.Sprintf("%02d-part", i), "en", fmt.Sprintf("Part %d", i),
			strings.Repeat("budget ", i) + "transparency."})
	}
	if err := ix.IndexCatalogue(context.Background(), catalogueOf(t, "many", []string{"en"}, lessons...)); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for page := 1; page <= 3; page++ {
		res, err := ix.Search(context.Background(), search.Query{Text: "budget", Lang: "en", Page: page})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 23 || res.Pages != 3 || res.Page != page {
			t.Fatalf("page %d: total %d pages %d", page, res.Total, res.Pages)
		}
		if want := min(10, 23-(page-1)*10); len(res.Items) != want {
			t.Errorf("page %d: %d items, want %d", page, len(res.Items), want)
		}
		for _, r := range res.Items {
			if seen[refOf(r)] {
				t.Errorf("page %d repeats %s", page, refOf(r))
			}
			seen[refOf(r)] = true
		}
	}
	res, err := ix.Search(context.Background(), search.Query{Text: "budget", Lang: "en", Page: 9})
	if err != nil || len(res.Items) != 0 || res.Total != 23 || res.Pages != 3 {
		t.Errorf("past the end: %+v %v", res, err)
	}
	res, _ = ix.Search(context.Background(), search.Query{Text: "budget", Lang: "en", PerPage: 500})
	if len(res.Items) != search.MaxPerPage && len(res.Items) != 23 {
		t.Errorf("per page not bounded: %d", len(res.Items))
	}
	// The lesson saying «budget» 23 times ranks above the one saying it once.
	res, _ = ix.Search(context.Background(), search.Query{Text: "budget", Lang: "en"})
	if refOf(res.Items[0]) != "many/23-part" {
		t.Errorf("first %s", refOf(res.Items[0]))
	}
}

func TestHostileAndBadQueries(t *testing.T) {
	ix, db := shippedIndex(t)
	for _, q := range []string{`"open`, `data*`, `title:data`, `-data`, `(data`, `NEAR(data open)`, `data AND OR NOT`,
		`^data`, `{title body}: x`, `'; DROP TABLE search_docs; --`, `open "data" (`, `*`, `"`, `data NOT`, `\x00data`} {
		res, err := ix.Search(context.Background(), search.Query{Text: q, Lang: "en"})
		if p, ok := problem.As(err); ok && p.Code == "query_empty" {
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		_ = res
	}
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM search_docs`).Scan(&n); err != nil || n == 0 {
		t.Errorf("index damaged: %d %v", n, err)
	}
	for q, code := range map[string]string{"": "query_empty", "   ": "query_empty", "؟ ! …": "query_empty",
		strings.Repeat("بيانات ", 13): "query_too_long", strings.Repeat("x", 201): "query_too_long"} {
		_, err := ix.Search(context.Background(), search.Query{Text: q, Lang: "ar"})
		if p, ok := problem.As(err); !ok || p.Code != code || p.Status != 422 || p.Fields["q"] == "" {
			t.Errorf("%q: %v, want %s", q, err, code)
		}
	}
	if _, err := ix.Search(context.Background(), search.Query{Text: "data", Lang: "de"}); err == nil {
		t.Error("unknown language accepted")
	}
	if res := search1(t, ix, "زززززز", "ar"); res.Total != 0 || len(res.Items) != 0 {
		t.Errorf("nonsense found %v", refs(res))
	}
}

func TestWorkshops(t *testing.T) {
	ix, db := newIndex(t)
	ctx := context.Background()
	w := search.WorkshopDoc{
		ID:          7,
		Title:       map[string]string{"ar": "ورشة إقليمية حول البيانات المفتوحة", "en": "Regional workshop on open data"},
		Description: map[string]string{"ar": "نشر البيانات على البوابات الوطنية <script>alert(1)</script>", "en": "Publishing data on national portals."},
		City:        "عمّان", Country: "jo", CountryName: map[string]string{"ar": "الأردن", "en": "Jordan"},
		Start: time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC), Status: "draft",
	}
	if err := ix.PutWorkshop(ctx, w); err != nil {
		t.Fatal(err)
	}
	if r := search1(t, ix, "البوابات", "ar"); r.Total != 0 {
		t.Errorf("a draft workshop is searchable: %v", refs(r))
	}
	w.Status = "published"
	if err := ix.PutWorkshop(ctx, w); err != nil {
		t.Fatal(err)
	}
	// The same words as before: the page of results kept from then is not served.
	if r := search1(t, ix, "البوابات", "ar"); r.Total != 1 {
		t.Errorf("a kept page of results outlived the change: %v", refs(r))
	}
	res := search1(t, ix, "البوابات الوطنيه", "ar")
	if len(res.Items) != 1 {
		t.Fatalf("published workshop not found: %v", refs(res))
	}
	r := res.Items[0]
	if r.Kind != search.KindWorkshop || r.WorkshopID != 7 || r.Path != "/ar/workshops/7" || r.City != "عمّان" || r.Country != "JO" ||
		r.StartDate != "2026-05-12" || !r.Start().Equal(time.Date(2026, 5, 12, 0, 0, 0, 0, time.UTC)) || r.Status != "published" {
		t.Errorf("result %+v", r)
	}
	// The description is kept as text: the markup is a span of text, never HTML.
	if got := marked(r.Snippet); !strings.Contains(got, "<script>alert(1)</script>") {
		t.Errorf("snippet %q", got)
	}
	// Found by its city and its country's name too.
	for _, q := range []string{"عمان", "الاردن", "Jordan workshop"} {
		if r := search1(t, ix, q, "ar"); r.Total != 1 {
			t.Errorf("%q: %v", q, refs(r))
		}
	}
	// Cancelled: gone. Put again as completed inside the caller's transaction: back.
	w.Status = "cancelled"
	if err := ix.PutWorkshop(ctx, w); err != nil {
		t.Fatal(err)
	}
	if r := search1(t, ix, "البوابات", "ar"); r.Total != 0 {
		t.Errorf("a cancelled workshop is searchable")
	}
	w.Status = "completed"
	if err := db.Tx(ctx, func(tx *sql.Tx) error { return ix.PutWorkshopTx(ctx, tx, w) }); err != nil {
		t.Fatal(err)
	}
	ix.Changed()
	if r := search1(t, ix, "البوابات", "ar"); r.Total != 1 {
		t.Errorf("completed workshop not found after Changed")
	}
	if r := search1(t, ix, "portals", "en"); r.Total != 1 {
		t.Errorf("completed workshop not found")
	}
	// A rolled-back transaction leaves the index as it was.
	_ = db.Tx(ctx, func(tx *sql.Tx) error {
		if err := ix.RemoveWorkshopTx(ctx, tx, 7); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	})
	if r := search1(t, ix, "portals", "en"); r.Total != 1 {
		t.Errorf("rolled-back removal took effect")
	}
	if err := ix.RemoveWorkshop(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if r := search1(t, ix, "portals", "en"); r.Total != 0 {
		t.Errorf("removed workshop found")
	}
	// Sync replaces the whole set.
	other := search.WorkshopDoc{ID: 9, Title: map[string]string{"fr": "Atelier national sur la participation"}, Status: "published"}
	if err := ix.SyncWorkshops(ctx, []search.WorkshopDoc{w, other, {ID: 10, Title: map[string]string{"en": "Draft"}, Status: "draft"}}); err != nil {
		t.Fatal(err)
	}
	if r := search1(t, ix, "portals", "en"); r.Total != 1 {
		t.Errorf("synced workshop 7 missing")
	}
	if r := search1(t, ix, "atelier participatif", "fr"); r.Total != 1 || r.Items[0].WorkshopID != 9 {
		t.Errorf("synced workshop 9 missing: %v", refs(r))
	}
	if r := search1(t, ix, "draft", "en"); r.Total != 0 {
		t.Errorf("synced draft is searchable")
	}
	if err := ix.SyncWorkshops(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if r := search1(t, ix, "portals", "en"); r.Total != 0 {
		t.Errorf("sync to nothing kept workshops")
	}
}

func TestReindexReplacesTheCatalogueAndKeepsWorkshops(t *testing.T) {
	ix, db := newIndex(t)
	ctx := context.Background()
	if err := ix.PutWorkshop(ctx, search.WorkshopDoc{ID: 1, Title: map[string]string{"en": "Budget transparency workshop"}, Status: "published"}); err != nil {
		t.Fatal(err)
	}
	v1 := catalogueOf(t, "budget", []string{"en"}, lessonFile{"01-old", "en", "Old budget lesson", "Citizens' budget basics."})
	if err := ix.IndexCatalogue(ctx, v1); err != nil {
		t.Fatal(err)
	}
	var maxID int64
	_ = db.R.QueryRow(`SELECT MAX(id) FROM search_docs`).Scan(&maxID)
	// The same catalogue again (a restart): nothing is rewritten.
	if err := ix.IndexCatalogue(ctx, catalogueOf(t, "budget", []string{"en"}, lessonFile{"01-old", "en", "Old budget lesson", "Citizens' budget basics."})); err != nil {
		t.Fatal(err)
	}
	var maxID2 int64
	_ = db.R.QueryRow(`SELECT MAX(id) FROM search_docs`).Scan(&maxID2)
	if maxID2 != maxID {
		t.Errorf("unchanged catalogue re-indexed (%d → %d)", maxID, maxID2)
	}
	v2 := catalogueOf(t, "budget", []string{"en"}, lessonFile{"02-new", "en", "New budget lesson", "Participatory budgeting."})
	if err := ix.IndexCatalogue(ctx, v2); err != nil {
		t.Fatal(err)
	}
	got := refs(search1(t, ix, "budget", "en"))
	want := map[string]bool{"budget/02-new@en": true, "course:budget@en": true, "workshop:1@en": true}
	if len(got) != len(want) {
		t.Errorf("after reload: %v", got)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("after reload: unexpected %s in %v", g, got)
		}
	}
	// The hook for web.Library.OnLoad does the same: a search right after it waits for it.
	ix.CatalogueHook(nil)(v1)
	if got := refs(search1(t, ix, "basics", "en")); len(got) != 1 || got[0] != "budget/01-old@en" {
		t.Errorf("hook: %v", got)
	}
	// Without a search, the hook's catalogue is indexed in the background shortly after.
	ix.CatalogueHook(nil)(v2)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		_ = db.R.QueryRow(`SELECT COUNT(*) FROM search_docs WHERE ref = 'budget/02-new'`).Scan(&n)
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the hook's catalogue was never indexed in the background")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A large query is ranked in two halves on two connections (each in its own snapshot): the
// results must be those of one evaluation, page for page, score for score.
func TestSplitRankingEqualsOneEvaluation(t *testing.T) {
	sameResultsEitherWay(t, "one evaluation", "split", 1, func(split bool) func() {
		return search.SplitAbove(map[bool]int{false: 1 << 30, true: 0}[split])
	})
}

// A prefix term that only one indexed term begins with is searched as that term, whole: the
// results must be those of the prefix, page for page, score for score.
func TestNarrowedPrefixesFindWhatThePrefixFinds(t *testing.T) {
	sameResultsEitherWay(t, "prefixes", "narrowed", 5, search.NarrowPrefixes)
}

// sameResultsEitherWay searches the quality queries and the judged queries (one in every; all
// when every is 1) in the shipped index with set(false) and with set(true) (set returns the
// function that undoes it), and fails where the totals, the corrections, the first 20
// results or their scores differ.
func sameResultsEitherWay(t *testing.T, off, on string, every int, set func(bool) (restore func())) {
	ix, _ := shippedIndex(t)
	ctx := context.Background()
	queries := qualityCases
	for i, jq := range loadJudged(t) {
		if i%every == 0 {
			queries = append(queries, qualityCase{lang: jq.lang, q: jq.q})
		}
	}
	for _, c := range queries {
		var got [2]*search.Results
		for i, way := range []bool{false, true} {
			restore := set(way)
			ix.ForgetResults()
			res, err := ix.Search(ctx, search.Query{Text: c.q, Lang: c.lang, PerPage: 20})
			restore()
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			got[i] = res
		}
		a, b := got[0], got[1]
		if a.Total != b.Total || len(a.Items) != len(b.Items) || a.DidYouMean != b.DidYouMean {
			t.Errorf("%q: %s %d results (%q), %s %d (%q)", c.q, off, a.Total, a.DidYouMean, on, b.Total, b.DidYouMean)
			continue
		}
		for i := range a.Items {
			x, y := a.Items[i], b.Items[i]
			if x.Path != y.Path || math.Abs(x.Score-y.Score) > 1e-9*math.Abs(x.Score) {
				t.Errorf("%q #%d: %s %s (%g), %s %s (%g)", c.q, i+1, off, x.Path, x.Score, on, y.Path, y.Score)
			}
		}
	}
}

func TestConcurrentSearchesDuringReindex(t *testing.T) {
	// Every search ranked in two halves, so that a re-indexing that commits between the
	// halves' snapshots happens too: the search is evaluated again, never answered wrong.
	defer search.SplitAbove(0)()
	ix, _ := shippedIndex(t)
	ctx := context.Background()
	other := catalogueOf(t, "x", []string{"ar"}, lessonFile{"01-x", "ar", "درس", "البيانات المفتوحة في الجامعات"})
	done := make(chan error, 4)
	for g := 0; g < 3; g++ {
		go func() {
			for i := 0; i < 20; i++ {
				res, err := ix.Search(ctx, search.Query{Text: "البيانات المفتوحة", Lang: "ar"})
				if err == nil && res.Total == 0 {
					err = fmt.Errorf("a search during re-indexing found nothing")
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	shipped, _ := courses.Load(content.FS)
	go func() {
		var err error
		for i := 0; i < 4 && err == nil; i++ {
			err = ix.IndexCatalogue(ctx, []*courses.Catalogue{other, shipped}[i%2])
		}
		done <- err
	}()
	for i := 0; i < 4; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

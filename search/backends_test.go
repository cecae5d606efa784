package search_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// The same search on both backends. These tests open an SQLite file and a PostgreSQL
// database side by side, whatever MASAR_TEST_DATABASE says, and skip without a PostgreSQL
// server (or fail, with MASAR_POSTGRES_TESTS=require).

// bothIndexes indexes the shipped content into a new SQLite file and a new PostgreSQL
// database.
func bothIndexes(t *testing.T) (lite, pg *search.Index, liteDB, pgDB *store.DB) {
	t.Helper()
	pgDB = storetest.OpenPostgres(t) // first: skips before any work without a server
	liteDB = storetest.OpenSQLite(t)
	cat, problems := courses.Load(content.FS)
	if cat.Len() == 0 {
		t.Fatalf("no shipped courses: %v", problems)
	}
	lite, pg = search.New(liteDB, nil), search.New(pgDB, nil)
	for _, ix := range []*search.Index{lite, pg} {
		if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
			t.Fatal(err)
		}
	}
	return lite, pg, liteDB, pgDB
}

// TestBackendsRankAlike: every judged and quality query gives the same results in the same
// order on SQLite and PostgreSQL, with the same scores (PostgreSQL computes FTS5's bm25()),
// and the judged set's figures side by side. A difference in the order of the first page
// is what a user would see; scores are compared to catch a ranking that only happens to
// agree on these queries.
func TestBackendsRankAlike(t *testing.T) {
	lite, pg, _, _ := bothIndexes(t)
	ctx := context.Background()
	type query struct{ lang, q string }
	var queries []query
	for _, c := range qualityCases {
		queries = append(queries, query{c.lang, c.q})
	}
	judged := loadJudged(t)
	for _, jq := range judged {
		queries = append(queries, query{jq.lang, jq.q})
	}
	differ := 0
	for _, qu := range queries {
		a, errA := lite.Search(ctx, search.Query{Text: qu.q, Lang: qu.lang, PerPage: search.MaxPerPage})
		b, errB := pg.Search(ctx, search.Query{Text: qu.q, Lang: qu.lang, PerPage: search.MaxPerPage})
		if errA != nil || errB != nil {
			t.Errorf("%s %q: SQLite %v, PostgreSQL %v", qu.lang, qu.q, errA, errB)
			continue
		}
		if a.Total != b.Total || a.DidYouMean != b.DidYouMean || !slices.Equal(a.Ignored, b.Ignored) {
			t.Errorf("%s %q: SQLite %d results (did you mean %q, ignored %v), PostgreSQL %d (%q, %v)",
				qu.lang, qu.q, a.Total, a.DidYouMean, a.Ignored, b.Total, b.DidYouMean, b.Ignored)
			differ++
			continue
		}
		for i := range a.Items {
			ra, rb := a.Items[i], b.Items[i]
			if refOf(ra)+"@"+ra.Lang != refOf(rb)+"@"+rb.Lang || !near(ra.Score, rb.Score) {
				t.Errorf("%s %q: result %d is %s@%s (%.12g) on SQLite, %s@%s (%.12g) on PostgreSQL",
					qu.lang, qu.q, i+1, refOf(ra), ra.Lang, ra.Score, refOf(rb), rb.Lang, rb.Score)
				differ++
				break
			}
		}
	}
	t.Logf("%d queries compared, %d differ", len(queries), differ)

	// The judged set's figures, side by side.
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-8s %-12s %7s   %-17s %-17s %-17s\n", "part", "category", "queries", "recall@5 lite/pg", "MRR lite/pg", "prec@5 lite/pg")
	for _, part := range []string{"tune", "held", "held2"} {
		byCat := map[string]*[2]scores{}
		var all [2]scores
		for _, jq := range judged {
			if jq.part != part {
				continue
			}
			if byCat[jq.cat] == nil {
				byCat[jq.cat] = &[2]scores{}
			}
			for k, ix := range []*search.Index{lite, pg} {
				s, _ := judge(t, ix, jq)
				byCat[jq.cat][k].add(s)
				all[k].add(s)
			}
		}
		cats := make([]string, 0, len(byCat))
		for c := range byCat {
			cats = append(cats, c)
		}
		slices.Sort(cats)
		row := func(cat string, s [2]scores) {
			n := float64(max(s[0].queries, 1))
			fmt.Fprintf(&b, "%-8s %-12s %7d   %.2f / %.2f       %.2f / %.2f       %.2f / %.2f\n", part, cat, s[0].queries,
				s[0].recallAt5(), s[1].recallAt5(), s[0].mrr/n, s[1].mrr/n, s[0].prec/n, s[1].prec/n)
			// The bound: the same figures within two points.
			for _, d := range []float64{s[0].recallAt5() - s[1].recallAt5(), (s[0].mrr - s[1].mrr) / n, (s[0].prec - s[1].prec) / n} {
				if math.Abs(d) > 0.02 {
					t.Errorf("%s part, %s: the backends' figures differ by more than 2 points", part, cat)
					break
				}
			}
		}
		for _, c := range cats {
			row(c, *byCat[c])
		}
		row("overall", all)
	}
	t.Log(b.String())
}

// near reports whether two BM25 scores are the same but for rounding.
func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestBackendsIndexTheSameTerms: PostgreSQL's index holds the terms FTS5 holds, each in as
// many documents, so that matching, document frequencies and the vocabulary misspelt words
// are corrected to are the same.
func TestBackendsIndexTheSameTerms(t *testing.T) {
	_, _, liteDB, pgDB := bothIndexes(t)
	read := func(db *store.DB) map[string]int {
		rows, err := db.R.Query(`SELECT term, doc FROM search_vocab`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var term string
			var n int
			if err := rows.Scan(&term, &n); err != nil {
				t.Fatal(err)
			}
			out[term] = n
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	lite, pg := read(liteDB), read(pgDB)
	if len(lite) < 1000 {
		t.Fatalf("only %d terms indexed on SQLite", len(lite))
	}
	shown := 0
	for term, n := range lite {
		if pg[term] != n && shown < 20 {
			t.Errorf("term %q: in %d documents on SQLite, %d on PostgreSQL", term, n, pg[term])
			shown++
		}
	}
	for term, n := range pg {
		if _, ok := lite[term]; !ok && shown < 20 {
			t.Errorf("term %q: in %d documents on PostgreSQL, none on SQLite", term, n)
			shown++
		}
	}
	t.Logf("%d terms on SQLite, %d on PostgreSQL", len(lite), len(pg))
}

// TestTwoInstancesWriteTheIndexAtOnce: two indexes on one database (two Masar instances, as
// on PostgreSQL behind a load balancer) re-index catalogues and put the same workshop side by
// side; every write succeeds, and the index ends up as one of them left it, not a mixture.
// On SQLite the one writer takes them in turn; on PostgreSQL the index's advisory lock does.
func TestTwoInstancesWriteTheIndexAtOnce(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	a, b := search.New(db, nil), search.New(db, nil)
	cats := []*courses.Catalogue{
		catalogueOf(t, "budget", []string{"en"}, lessonFile{"01-old", "en", "Old budget lesson", "Citizens' budget basics."}),
		catalogueOf(t, "budget", []string{"en"}, lessonFile{"02-new", "en", "New budget lesson", "Participatory budgeting."}),
	}
	errs := make(chan error, 40)
	for k, ix := range []*search.Index{a, b} {
		go func() {
			for i := 0; i < 10; i++ {
				errs <- ix.IndexCatalogue(ctx, cats[(i+k)%2])
				errs <- ix.PutWorkshop(ctx, search.WorkshopDoc{ID: 7, Title: map[string]string{"en": fmt.Sprintf("Budget workshop %d", i)}, Status: "published"})
			}
		}()
	}
	for i := 0; i < 40; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	var lessons, workshops int
	if err := db.R.QueryRow(`SELECT count(*) FROM search_docs WHERE kind = 'lesson'`).Scan(&lessons); err != nil {
		t.Fatal(err)
	}
	if err := db.R.QueryRow(`SELECT count(*) FROM search_docs WHERE kind = 'workshop'`).Scan(&workshops); err != nil {
		t.Fatal(err)
	}
	if lessons != 1 || workshops != 1 {
		t.Errorf("after the writes: %d lessons, %d workshops indexed; want 1 and 1", lessons, workshops)
	}
	a.Changed()
	if r := search1(t, a, "budget", "en"); r.Total != 3 {
		t.Errorf("budget: %d results, want the lesson, its course and the workshop", r.Total)
	}
}

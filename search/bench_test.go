package search_test

import (
	"context"
	"fmt"
	"html"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// GeneratedLessons is how many lessons the benchmark adds to the shipped content.
const GeneratedLessons = 5000

// generatedCatalogue is the shipped content plus GeneratedLessons lessons (half in Arabic,
// half in English, in 50 courses of 100) whose text is made of runs of 6 to 20 consecutive
// words taken from the shipped lessons of the same language, so that the words, their
// frequencies and their neighbours are those of real lessons. Where the runs come from
// depends on mode:
//
//   - "topical": each generated course is about one shipped lesson (nine runs in ten come
//     from it, one from anywhere), as the courses of a large catalogue are about different
//     things;
//   - "uniform": every run comes from anywhere, so that every generated lesson speaks of
//     everything, and a query matches about half of the catalogue: a stress case.
func generatedCatalogue(tb testing.TB, mode string) *courses.Catalogue {
	tb.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	shipped, _ := courses.Load(content.FS)
	words := map[string][]string{}     // all the words of a language's lessons
	lessons := map[string][][]string{} // the words of each lesson
	for _, co := range shipped.Courses() {
		for _, l := range co.Lessons {
			for _, lang := range l.Languages {
				if v, _ := l.View(lang); v != nil {
					w := strings.Fields(html.UnescapeString(v.Text))
					words[lang] = append(words[lang], w...)
					lessons[lang] = append(lessons[lang], w)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var topic []string // the words the current course is about
	text := func(lang string, n int) string {
		var b strings.Builder
		for count := 0; count < n; {
			w := words[lang]
			if mode == "topical" && rng.IntN(10) != 0 {
				w = topic
			}
			run := 6 + rng.IntN(15)
			start := rng.IntN(len(w) - run)
			b.WriteString(strings.Join(w[start:start+run], " "))
			count += run
			if rng.IntN(4) == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		return b.String()
	}
	clean := func(s string) string {
		return strings.NewReplacer(`"`, "", `\`, "", "#", "", "*", "", "[", "", "]", "", "`", "", "<", "", ">", "", "|", "", "_", "").Replace(s)
	}
	perCourse := 100
	for c := 0; c < GeneratedLessons/perCourse; c++ {
		lang := []string{"ar", "en"}[c%2]
		topic = lessons[lang][(c/2)%len(lessons[lang])]
		slug := fmt.Sprintf("generated-%02d", c)
		dir := fmt.Sprintf("%02d-%s", 10+c, slug)
		var list strings.Builder
		for l := 1; l <= perCourse; l++ {
			ls := fmt.Sprintf("%02d-lesson", l-1)
			fmt.Fprintf(&list, "  - %s\n", ls)
			body := clean(text(lang, 500+rng.IntN(700)))
			fsys[dir+"/"+ls+"."+lang+".md"] = &fstest.MapFile{Data: []byte("---\ntitle: \"" + clean(text(lang, 4)) +
				"\"\nminutes: 10\n---\n\n" + body + "\n")}
		}
		fsys[dir+"/course.yaml"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"slug: %s\nphases: [1]\nlevel: introductory\nhours: 10\nlanguages: [%s]\ntitle:\n  %s: \"%s\"\nsummary:\n  %s: \"%s\"\noutcomes:\n  %s: [\"%s\", \"%s\", \"%s\", \"%s\"]\nlessons:\n%s",
			slug, lang, lang, clean(text(lang, 5)), lang, clean(text(lang, 40)), lang,
			clean(text(lang, 12)), clean(text(lang, 12)), clean(text(lang, 12)), clean(text(lang, 12)), list.String()))}
		fsys[dir+"/quiz.yaml"] = fsys["01-open-government-framework/quiz.yaml"]
	}
	cat, problems := courses.Load(fsys)
	n := 0
	for _, co := range cat.Courses() {
		n += len(co.Lessons)
	}
	if n < GeneratedLessons {
		tb.Fatalf("only %d lessons generated: %v", n, problems[:min(5, len(problems))])
	}
	return cat
}

// benchIndexes are the big indexes, built once per test binary (Go calls a benchmark
// function several times), by mode.
var benchIndexes = struct {
	sync.Mutex
	m    map[string]*builtIndex
	dirs []string
}{m: map[string]*builtIndex{}}

type builtIndex struct {
	ix   *search.Index
	db   *store.DB
	docs int
	took time.Duration
}

// benchIndex builds (once) the big index of a mode. On SQLite it is a file in a directory of
// its own, removed by TestMain. On PostgreSQL (MASAR_TEST_DATABASE=postgres) it is the
// database at pgURL, which the parent benchmark made and drops when it ends.
func benchIndex(b *testing.B, mode, pgURL string) *builtIndex {
	benchIndexes.Lock()
	defer benchIndexes.Unlock()
	if bi := benchIndexes.m[mode]; bi != nil {
		return bi
	}
	source := pgURL
	if source == "" {
		dir, err := os.MkdirTemp("", "masar-search-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchIndexes.dirs = append(benchIndexes.dirs, dir)
		source = filepath.Join(dir, "bench.db")
	}
	db, err := store.Open(context.Background(), source)
	if err != nil {
		b.Fatal(err)
	}
	cat := generatedCatalogue(b, mode)
	start := time.Now()
	bi := &builtIndex{ix: search.New(db, nil), db: db}
	if err := db.Relaxed(context.Background(), func() error { return bi.ix.IndexCatalogue(context.Background(), cat) }); err != nil {
		b.Fatal(err)
	}
	bi.took = time.Since(start)
	_ = db.R.QueryRow(`SELECT COUNT(*) FROM search_docs`).Scan(&bi.docs)
	benchIndexes.m[mode] = bi
	return bi
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, bi := range benchIndexes.m {
		bi.db.Close()
	}
	for _, dir := range benchIndexes.dirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// BenchmarkSearch runs the quality queries (Arabic, English, French) against the shipped
// content plus 5,000 generated lessons, each op being one complete search: the FTS5 query,
// BM25 ranking, counting, paging and the highlighted snippets of the first page. It reports
// the median and the 90th percentile of the searches' times, for a topical catalogue and for
// the uniform stress case (see generatedCatalogue).
//
// With MASAR_TEST_DATABASE=postgres it runs on PostgreSQL (the same catalogues, in databases
// made for the run and dropped after it).
func BenchmarkSearch(b *testing.B) {
	urls := map[string]string{}
	if storetest.Backend() == store.Postgres {
		// The databases belong to this (parent) benchmark, which Go runs once, so that they
		// outlive the repeated runs of each mode and are dropped at its end.
		for _, mode := range []string{"topical", "uniform"} {
			urls[mode] = storetest.NewPostgresDatabase(b)
		}
		b.Cleanup(func() {
			benchIndexes.Lock()
			defer benchIndexes.Unlock()
			for mode, bi := range benchIndexes.m {
				bi.db.Close()
				delete(benchIndexes.m, mode)
			}
		})
	}
	for _, mode := range []string{"topical", "uniform"} {
		b.Run(mode, func(b *testing.B) {
			bi := benchIndex(b, mode, urls[mode])
			b.Logf("%s index: %d documents, built in %s", mode, bi.docs, bi.took.Round(time.Millisecond))
			ctx := context.Background()
			times := make([]time.Duration, 0, b.N)
			runtime.GC() // the garbage of building the catalogue is not the searches' cost
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c := qualityCases[i%len(qualityCases)]
				bi.ix.ForgetResults() // every search evaluated, none answered from the kept results
				start := time.Now()
				res, err := bi.ix.Search(ctx, search.Query{Text: c.q, Lang: c.lang})
				times = append(times, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if res.Total == 0 {
					b.Fatalf("%q found nothing", c.q)
				}
			}
			b.StopTimer()
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(times[len(times)/2]), "median-ms")
			b.ReportMetric(ms(times[len(times)*9/10]), "p90-ms")
		})
	}
}

// Package search is Masar's full-text search over lessons, courses and workshops, in Arabic,
// English and French, on SQLite's FTS5, or on PostgreSQL with the same words, matching and
// ranking (dialect.go, pg.go).
//
// Arabic search fails people when "البيانات المفتوحه" (ة typed as ه), "اداره" (no hamza),
// "البَيانات" (with a diacritic) or "والشفافية" (with a prefix) find nothing. Here every text
// goes through one analyser, at indexing and at query time alike:
//
//   - words are cut at anything that is not a letter, a digit or a mark;
//   - each word is normalised (Normalize): lower case; Latin accents folded (é → e, œ → oe);
//     Arabic tashkeel, Quranic marks and the tatweel removed; أ إ آ ٱ → ا, ى → ي, ة → ه,
//     ؤ → و, ئ → ي (ئو → وو, so that مسئول = مسؤول), a word-final ء dropped (انشاء = انشا) and
//     one inside a word read as ئ (مساءلة = مسائلة), a letter typed three times or more once
//     and a doubled final letter once (الشفافيةة = الشفافية), Persian ی and ک → ي and ك,
//     presentation forms decomposed; Arabic-Indic and Persian digits written as ASCII
//     (٢٠١٥ = 2015);
//   - then stemmed: Arabic words with a light stemmer (arabic.go), Latin words with the
//     Snowball English stemmer in English texts and a light French stemmer (latin.go) in
//     French ones;
//   - numbers spelt in words, Arabic cardinals and ordinals of both genders, English and
//     French ones, up to 100, are also indexed as digits (numbers.go).
//
// The FTS5 index (contentless, search_fts) is built from the analysed words, one stem per
// word of the original, in columns weighted for BM25: the title above the headings, the
// headings above the text, the text above the footnotes, and a lesson's course title as its
// topic; the unicode61 tokenizer only re-cuts text that is already normalised, so it changes
// nothing (remove_diacritics 2 is set as a safety net). The original text and its analysed
// form are kept side by side in search_docs; because the two line up word for word, a match
// found among the stems is shown highlighted in the original words (Span), built as text,
// never as HTML, in a snippet that begins at a sentence and keeps headings apart.
//
// A query's words are AND-ed; each may match its stem, an Arabic second reading without a
// one-letter proclitic, for a Latin word its English or French stem, and its normal form as
// a prefix (every word: people stop typing mid-word, in any order). A number spelt in words
// also matches its digits, and a run of words that is a term of the thesaurus (thesaurus.go,
// the content folder's thesaurus.txt) any other term of its group. An Arabic word that
// matches nothing indexed and may be a loanword («بلاتفورم») is searched for as the indexed
// Latin word with its consonants and that word's thesaurus group (loanword.go). A word that
// matches nothing indexed is otherwise corrected, when it has five letters or more, to the most frequent
// indexed term one edit away (fuzzy.go: a trigram look-up in the index's vocabulary), and
// the results say "did you mean"; otherwise it is left out. A query of three words or more
// also finds the documents that lack one of them, ranked among those with every word at the
// share of the words they have (when few enough documents are concerned for that to be
// cheap). When all that finds little, the thesaurus terms of other languages, then
// documents with only some of the words, follow. The words of spoken Arabic that only frame a
// question (ليش, شلون, إزاي, تبعنا…) are left out as function words are; a present-tense verb
// also matches its verbal nouns (نستشير → استشارة, نحدد → تحديد). Ranking is BM25 with the field weights
// above, raised for a title that has the query's words (doubled with all of them); the
// scores of each language are put on a par and the page's language breaks near ties
// (blend), a question that asks why favours the titles that ask why, a comparison the texts
// that set the things compared side by side (compare.go), a course ranks just below the best
// of its own lessons found
// (coursesAfterLessons), and each lesson, course or workshop appears once, in the page's
// language when it matched in it.
//
// Workshops are indexed from plain values (WorkshopDoc) by PutWorkshop and RemoveWorkshop,
// which the workshops' change hook calls; only published and completed ones are indexed.
package search

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Column weights for BM25: title, headings, body, notes (footnotes), topic (a lesson's
// course title), extra (surface forms, second readings, context).
// FTS5 reads them from the SQL text (rankWeights); on PostgreSQL the ranking is computed here
// with the same numbers (columnWeights); a test checks that the two say the same.
const rankWeights = "10.0, 4.0, 1.0, 0.2, 2.0, 0.6"

var columnWeights = [ftsColumns]float64{10.0, 4.0, 1.0, 0.2, 2.0, 0.6}

// pageLanguageBoost multiplies the score of a document in the page's language: results of all
// languages are ranked together, and the page's language wins when scores are close.
const pageLanguageBoost = 1.2

// languageFloor bounds how much blend raises the scores of a language: a language whose best
// document scores far below the best of all (an Arabic lesson whose only match is an
// English footnote) stays far below.
const languageFloor = 0.25

// blend makes the scores of documents in different languages comparable, then favours the
// page's language. BM25 weighs a word by how few documents have it, and the index holds
// every language: the words of a language with few documents (French) look rare, so its
// documents would outrank the others on any query. Each language's scores are divided by
// its best score (or by languageFloor times the best of all, if that is more), so that the
// best document of each language is on a par.
//
// Documents with only some of the words (partial) are put on a par the same way among
// themselves, then lowered by partialPenalty, so that they stay below the documents with
// every word whatever their language, and the page's language breaks near ties among them
// too (a French query's French lessons with some of its words before an Arabic course
// with the same share of them).
func blend(hits []hit, page string) {
	var best [2][4]float64 // by class (0: every word, 1: partial), then language number; scores are negative
	var top [2]float64
	for _, h := range hits {
		c := 0
		if h.partial {
			c = 1
		}
		if n := h.id >> keyBits; n >= 0 && n < int64(len(best[c])) {
			best[c][n] = min(best[c][n], h.score)
		}
		top[c] = min(top[c], h.score)
	}
	lo, hi := langRange(page)
	for i := range hits {
		n := hits[i].id >> keyBits
		if n < 0 || n >= int64(len(best[0])) {
			continue
		}
		c := 0
		if hits[i].partial {
			c = 1
		}
		if d := min(best[c][n], top[c]*languageFloor); d < 0 {
			hits[i].score /= -d
		}
		if hits[i].partial {
			hits[i].score *= partialPenalty
		}
		if hits[i].id >= lo && hits[i].id < hi {
			hits[i].score *= pageLanguageBoost
		}
	}
}

// titleBoost multiplies the score of a document whose title has every word of the query,
// headingBoost that of a document whose headings have them.
const (
	titleBoost   = 2.0
	headingBoost = 1.5
)

// DefaultPerPage and MaxPerPage bound a page of results.
const (
	DefaultPerPage = 10
	MaxPerPage     = 50
)

// Query is a search as asked.
type Query struct {
	Text    string // what the person typed
	Lang    string // the page's language (ar, en, fr): its results come first
	Page    int    // 1-based; 0 means 1
	PerPage int    // 0 means DefaultPerPage; at most MaxPerPage
}

// Result is one lesson, course or workshop found.
type Result struct {
	Kind    string `json:"kind"` // lesson, course or workshop
	Lang    string `json:"lang"` // the language of the text that matched
	Path    string `json:"url"`  // the page, under the result's language: /en/courses/…
	Title   []Span `json:"title"`
	Snippet []Span `json:"snippet"`
	// Lessons and courses.
	Course      string `json:"course,omitempty"`       // the course's slug
	CourseTitle string `json:"course_title,omitempty"` // lessons: the course's title in Lang
	Lesson      string `json:"lesson,omitempty"`       // lessons: the lesson's slug
	// Workshops.
	WorkshopID int64  `json:"workshop_id,omitempty"`
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`    // ISO 3166-1 alpha-2
	StartDate  string `json:"start_date,omitempty"` // YYYY-MM-DD
	Status     string `json:"status,omitempty"`

	Score float64 `json:"-"` // BM25, lower is better
}

// Start is a workshop's first day as a time (zero for other kinds).
func (r Result) Start() time.Time {
	t, _ := time.Parse("2006-01-02", r.StartDate)
	return t
}

// TitleText is the title without marks.
func (r Result) TitleText() string {
	var b strings.Builder
	for _, s := range r.Title {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Results is a page of results.
type Results struct {
	Query string `json:"query"`
	// DidYouMean is the query with its misspelt words corrected, when some were (the results
	// are those of the corrected words); "" otherwise.
	DidYouMean string `json:"did_you_mean,omitempty"`
	// Ignored are the words of the query that match nothing indexed and were left out.
	Ignored []string `json:"ignored,omitempty"`
	Lang    string   `json:"lang"`
	Items   []Result `json:"items"`
	Total   int      `json:"total"`
	Page    int      `json:"page"`
	PerPage int      `json:"per_page"`
	Pages   int      `json:"pages"`
}

// Search runs a query. A blank query gives ErrEmptyQuery; one over MaxQueryChars characters
// or MaxQueryWords words gives ErrQueryTooLong; an unknown language is a 422 on the field
// lang. Any input is safe: FTS5 operators and quotes in it are plain text. The Results may
// be shared with other callers (recent pages are kept): they must not be changed.
func (ix *Index) Search(ctx context.Context, q Query) (*Results, error) {
	if q.Lang == "" {
		q.Lang = "ar"
	}
	if !validLang(q.Lang) {
		return nil, &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation", Key: "error.validation",
			Fields: map[string]string{"lang": "search.bad_lang"}}
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 {
		q.PerPage = DefaultPerPage
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	// A catalogue handed to the hook and not indexed yet is indexed first.
	ix.indexPending()
	// Recent pages are kept, by the query as typed (a valid query only is ever kept).
	text := strings.TrimSpace(q.Text)
	key := q.Lang + "\x00" + strconv.Itoa(q.Page) + "\x00" + strconv.Itoa(q.PerPage) + "\x00" + text
	kept, ok, snapshot := ix.results.Get(key)
	if ok {
		return kept, nil
	}
	pq, err := parseQuery(q.Text, ix.thesaurus.Load())
	if err != nil {
		return nil, err
	}
	// The query text is kept with the results (recent pages are cached): keep a copy, never
	// the caller's string, which may be a view into a buffer that is reused later.
	res := &Results{Query: strings.Clone(text), Lang: q.Lang, Page: q.Page, PerPage: q.PerPage, Items: []Result{}}
	if len(pq.words) == 0 {
		return res, nil
	}
	offset := (q.Page - 1) * q.PerPage
	if offset > 100_000 {
		return res, nil
	}
	key = q.Lang + "\x00" + strconv.Itoa(q.Page) + "\x00" + strconv.Itoa(q.PerPage) + "\x00" + res.Query
	// The same page asked for by many at once (a popular query, or every query right after a
	// write emptied the kept pages) is evaluated once; the others wait for that answer rather
	// than each taking a connection for the same work. Only searches that missed the kept
	// pages at the same generation share an evaluation: one that began after a write never
	// receives the answer of one that began before it.
	shared := key + "\x00" + strconv.FormatUint(snapshot, 10)
	ch := ix.flight.DoChan(shared, func() (any, error) {
		// Detached from the first caller's end (the others may still want the answer), but
		// not unbounded.
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sharedEvaluationLimit)
		defer cancel()
		res, err := ix.run(ectx, q, pq, res, offset)
		if err == nil {
			ix.results.Put(key, res, snapshot)
		}
		return res, err
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case out := <-ch:
		if out.Err != nil {
			return nil, out.Err
		}
		return out.Val.(*Results), nil
	}
}

// run evaluates a parsed query and fills res with the page asked for.
func (ix *Index) run(ctx context.Context, q Query, pq *parsedQuery, res *Results, offset int) (*Results, error) {
	out, err := ix.evaluate(ctx, q, pq, res, offset, true)
	if errors.Is(err, errVanished) {
		// The second half was read from a later snapshot than the first (a re-indexing
		// committed between the two): evaluate again, in one snapshot.
		res.Ignored = nil
		out, err = ix.evaluate(ctx, q, pq, res, offset, false)
	}
	return out, err
}

// sharedEvaluationLimit bounds an evaluation shared by several searches, which no longer
// ends with the request that started it.
const sharedEvaluationLimit = 30 * time.Second

// errVanished: a document found by the query is not in the snapshot its page is read from.
var errVanished = errors.New("search: a document found is gone")

// splitAbove is the estimated number of matching documents from which the BM25 evaluation is
// split in two halves (even and odd ids) evaluated side by side on two connections: ranking
// costs about 1.5 µs a document, most of a large query's time, and the halves' scores are
// those of the whole (BM25's statistics are the table's, not the rows').
var splitAbove = 400

// evaluate is run, splitting the ranking in two halves when split allows it and the query is
// large.
func (ix *Index) evaluate(ctx context.Context, q Query, pq *parsedQuery, res *Results, offset int, split bool) (*Results, error) {
	st, err := ix.statements(ctx)
	if err != nil {
		return nil, err
	}
	// Words that match nothing indexed are corrected, or left out. The vocabulary is read
	// before the search's transaction begins, never while it holds a connection: after a
	// write, every search at that moment needs the vocabulary read again, and if each held
	// a reader while waiting for it, a pool's worth of them would leave none to read it
	// with (TestManySearchesAtOnceAfterAWrite). Read before the snapshot, it knows no word
	// the snapshot lacks.
	vocab, err := ix.vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	fixed := vocab.correct(pq, ix.thesaurus.Load())
	// One read transaction: the counts, the ranking and the documents come from one
	// snapshot, even while the catalogue is being re-indexed.
	tx, err := ix.db.R.BeginTx(ctx, readOptions(ix.db.Dialect()))
	if err != nil {
		return nil, fmt.Errorf("search: begin: %w", err)
	}
	defer tx.Rollback()
	// The second half of a large query is ranked on a second connection, in its own read
	// transaction; loadResult notices if that one saw a document the first does not have.
	// A search takes that second reader while it holds one: if several did so at once, each
	// could hold a reader and wait for another that only they hold, until their time ran out
	// (TestManySearchesAtOnceAfterAWrite). So one search at a time may split, and only when
	// no other is splitting; the others rank in one piece. Under many searches at once the
	// processors are busy anyway, which is when splitting brings nothing.
	var other *sql.Tx
	if split && ix.db.Dialect() == store.SQLite && runtime.GOMAXPROCS(0) > 1 && vocab.estimate(pq.words, splitAbove) >= splitAbove {
		select {
		case ix.splitting <- struct{}{}:
			defer func() { <-ix.splitting }()
			if other, err = ix.db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}); err != nil {
				return nil, fmt.Errorf("search: begin: %w", err)
			}
			defer other.Rollback()
		default:
		}
	}
	ev := narrowed{ix.evaluator(ctx, tx, other, st), vocab}
	for _, w := range pq.words {
		if w.dropped {
			res.Ignored = append(res.Ignored, w.surface)
		}
	}
	// Every document that matches, with its BM25 score: one evaluation of the query by
	// FTS5; the rest (language first, one result per thing, counting, paging) is done here.
	all, err := scoredHits(ctx, ev, pq.match, pq.wordExpressions(false))
	if err != nil {
		return nil, err
	}
	wide := false
	if pq.wide && things(all) < fewResults {
		// Few results: the thesaurus terms in other languages too.
		wide = true
		if all, err = scoredHits(ctx, ev, pq.wideMatch, pq.wordExpressions(true)); err != nil {
			return nil, err
		}
	}
	words := pq.wordExpressions(wide)
	for missing := 1; missing <= len(words)/nearWordsPerMissing; missing++ {
		// A query of several words: the documents that lack one of them (two in a query of
		// six words or more, when those with every word but one are few) are ranked with
		// those that have them all, their scores (BM25 of the words they have) times the
		// share of the words they have. A lesson about the query's subject that words it
		// differently («نشر البيانات على البوابة» without «إجراءات») is no longer ranked below
		// every lesson that mentions all the words in passing.
		if missing > 1 && things(all) >= 2*fewResults {
			break // enough found with every word but one
		}
		near := nearExpression(words, missing)
		if near == "" || vocab.nearEstimate(words, missing, nearAbove) >= nearAbove {
			break
		}
		some, err := scoredHits(ctx, ev, near, words)
		if err != nil {
			return nil, err
		}
		n := float64(len(words))
		all = appendNew(all, some, func(h *hit) { h.score *= (n - float64(missing)) / n })
	}
	if either := pq.anyExpression(); either != "" && things(all) < fewResults {
		// Few results for every word: the documents that have some of the words follow,
		// ranked by BM25 (which adds up the words found) and below those with every word.
		some, err := scoredHits(ctx, ev, either, pq.wordExpressions(true))
		if err != nil {
			return nil, err
		}
		all = appendNew(all, some, func(h *hit) { h.partial = true }) // lowered by blend
	}
	if pq.why {
		// A question that asks why is after the lessons that answer why: those whose title
		// asks it too («لماذا مشاركة المواطنين؟», "Why open government?"), among those found.
		asks, err := ev.titles(ctx, whyTitles)
		if err != nil {
			return nil, fmt.Errorf("search: query titles: %w", err)
		}
		if len(asks) > 0 {
			ids := make(map[int64]bool, len(asks))
			for _, h := range asks {
				ids[h.id] = true
			}
			for i := range all {
				if ids[all[i].id] {
					all[i].score *= whyBoost
				}
			}
		}
	}
	if pq.compare {
		if err := comparedTogether(ctx, tx.StmtContext(ctx, st.stems), all, pq); err != nil {
			return nil, err
		}
	}
	// All languages ranked together, the page's language first when scores are close; each
	// thing once, at the place of its best document, shown in the page's language when it
	// matched in it.
	blend(all, q.Lang)
	coursesAfterLessons(all, vocab)
	lo, hi := langRange(q.Lang)
	inPage := map[int64]hit{}
	for _, h := range all {
		if h.id >= lo && h.id < hi {
			inPage[keyOf(h.id)] = h
		}
	}
	sortHits(all)
	seen := make(map[int64]bool, len(all))
	ranked := all[:0]
	for _, h := range all {
		k := keyOf(h.id)
		if seen[k] {
			continue
		}
		seen[k] = true
		if p, ok := inPage[k]; ok {
			h.id = p.id
		}
		ranked = append(ranked, h)
	}
	res.Total = len(ranked)
	res.Pages = (res.Total + q.PerPage - 1) / q.PerPage
	hits := ranked[min(offset, len(ranked)):min(offset+q.PerPage, len(ranked))]
	m := pq.matcher()
	docStmt := tx.StmtContext(ctx, st.doc)
	res.Items = make([]Result, len(hits))
	texts := make([]docText, len(hits))
	for i, h := range hits {
		if texts[i], err = loadResult(ctx, docStmt, h.id, &res.Items[i]); err != nil {
			return nil, err
		}
		res.Items[i].Score = h.score
	}
	// The titles and snippets, which are pure computation, side by side.
	var wg sync.WaitGroup
	for i := range hits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, t := &res.Items[i], texts[i]
			r.Title = highlight(t.title, r.Lang, m)
			r.Snippet = snippet(t.body, t.stems, r.Lang, m)
		}()
	}
	wg.Wait()
	if fixed {
		res.DidYouMean = didYouMean(q.Text, pq, res.Items)
	}
	return res, nil
}

// didYouMean is the typed query with each corrected word replaced by the word the results
// have for it, as written in them (the corrected term is a normal form: «الشفافيه»), or by
// the corrected term when no result shows it.
func didYouMean(text string, pq *parsedQuery, items []Result) string {
	text = strings.TrimSpace(text)
	spans := wordSpans(text, nil)
	m := pq.matcher()
	var b strings.Builder
	last := 0
	for i, w := range pq.words {
		if w.fixed == "" || w.first >= len(spans) {
			continue
		}
		sp := spans[w.first]
		shown, look := w.fixed, items
		if w.split > 0 {
			// Two words typed as one: the space put back where it was missing, as typed.
			look = nil
			if typed := []rune(text[sp.start:sp.end]); len(typed) == runeLen(w.surface) {
				shown = string(typed[:w.split]) + " " + string(typed[w.split:])
			}
		}
	find:
		for _, r := range look {
			for _, list := range [][]Span{r.Title, r.Snippet} {
				for _, sp := range list {
					if !sp.Hit {
						continue
					}
					if ws := wordSpans(sp.Text, nil); len(ws) == 1 && m.word(newAnalyzer(r.Lang), sp.Text) == i {
						shown = sp.Text[ws[0].start:ws[0].end]
						break find
					}
				}
			}
		}
		b.WriteString(text[last:sp.start])
		b.WriteString(shown)
		last = sp.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// coursesAfterLessons ranks a course just below the best of its own lessons found: a course
// page is an overview, and when one of its lessons matches the query, that lesson is what
// answers it.
func coursesAfterLessons(hits []hit, v *vocabulary) {
	// The courses found, and the best score of a lesson of each (scores are negative).
	best := map[int32]float64{}
	for _, h := range hits {
		if k := keyOf(h.id); k < int64(len(v.course)) && v.course[k] {
			best[v.courseOf[k]] = 0
		}
	}
	if len(best) == 0 {
		return
	}
	for _, h := range hits {
		k := keyOf(h.id)
		if k >= int64(len(v.course)) || v.course[k] {
			continue
		}
		if b, ok := best[v.courseOf[k]]; ok && h.score < b {
			best[v.courseOf[k]] = h.score
		}
	}
	for i, h := range hits {
		k := keyOf(h.id)
		if k >= int64(len(v.course)) || !v.course[k] {
			continue
		}
		if b := best[v.courseOf[k]]; b < 0 && h.score <= b {
			hits[i].score = b * courseBelowLesson
		}
	}
}

// whyTitles is the FTS5 expression of the titles that ask why; whyBoost multiplies the score
// of those documents for a query that asks why.
// (The words as the index holds them: stemmed, "why" as «whi».)
var whyTitles = `"` + stemEnglish("why") + `" OR "` + stemFrench("pourquoi") + `" OR "` + stemArabic(normWord("لماذا")) + `"`

const whyBoost = 1.5

// courseBelowLesson multiplies the score of a course's best lesson to rank the course below it.
const courseBelowLesson = 0.999

// fewResults is the number of things found below which a search widens: thesaurus terms in
// other languages, then documents with only some of the words.
const fewResults = 5

// partialPenalty multiplies the score of a document that has only some of the words.
const partialPenalty = 0.3

// nearMinWords is the number of words from which a query also ranks the documents that lack
// one of them; nearWordsPerMissing the number of words for each word that may be missing
// (one in a query of three to five words, two from six words).
const (
	nearMinWords        = 3
	nearWordsPerMissing = 3
)

// nearAbove bounds the cost of ranking the documents that lack one word: BM25 is computed for
// every one of them, and with common words in a large index they are thousands (a search of
// three words took three to five times as long on 5,000 lessons). From this estimated number
// of documents (vocabulary.nearEstimate) the documents with every word are ranked alone.
var nearAbove = 300

// things counts the different things (lessons, courses, workshops) among hits.
func things(hits []hit) int {
	seen := make(map[int64]bool, len(hits))
	for _, h := range hits {
		seen[keyOf(h.id)] = true
	}
	return len(seen)
}

// scoredHits evaluates an FTS5 expression: every document that matches with its BM25 score,
// a document whose title has every word ranking higher. BM25 gives little weight to words
// that most documents have («البيانات», «open»), yet a lesson called «ما البيانات الحكومية
// المفتوحة؟» is what «البيانات المفتوحة» is after.
//
// words are the expressions of the query's words one by one: a title with some of them
// counts in proportion («الهدف 16 من أهداف التنمية المستدامة» is after the lesson called
// «الحكومة الإلكترونية والهدف 16 والتعاون الإقليمي»).
// appendNew appends to all the hits of more whose document is not in all yet, each changed
// by mark first.
func appendNew(all, more []hit, mark func(*hit)) []hit {
	have := make(map[int64]bool, len(all))
	for _, h := range all {
		have[h.id] = true
	}
	for _, h := range more {
		if !have[h.id] {
			mark(&h)
			all = append(all, h)
		}
	}
	return all
}

func scoredHits(ctx context.Context, ev evaluator, expr string, words []string) ([]hit, error) {
	all, err := ev.match(ctx, expr)
	if err != nil {
		return nil, fmt.Errorf("search: query %q: %w", expr, err)
	}
	if len(all) == 0 {
		return all, nil
	}
	titled, err := ev.titles(ctx, expr)
	if err != nil {
		return nil, fmt.Errorf("search: query titles %q: %w", expr, err)
	}
	boost := make(map[int64]float64, len(titled))
	// A document with every word in one of its headings has a section about the query.
	headed, err := ev.headings(ctx, "{headings} : ("+expr+")")
	if err != nil {
		return nil, fmt.Errorf("search: query headings %q: %w", expr, err)
	}
	for _, h := range headed {
		boost[h.id] = headingBoost
	}
	for _, h := range titled {
		boost[h.id] = titleBoost
	}
	if len(words) > 1 {
		// The titles with some of the words, scored by BM25 (which adds up the words found):
		// up to half the boost of a title with all of them, in proportion to the best.
		some, err := ev.someTitles(ctx, strings.Join(words, " OR "))
		if err != nil {
			return nil, fmt.Errorf("search: query titles: %w", err)
		}
		best := 0.0
		for _, h := range some {
			best = min(best, h.score)
		}
		for _, h := range some {
			if boost[h.id] == 0 && best < 0 {
				boost[h.id] = 1 + (titleBoost-1)/2*h.score/best
			}
		}
		// A title with every word but one of a query of three words or more («التصميم المشترك
		// للخدمات» for «… مع المواطنين») says what the lesson is about nearly as well as one
		// with them all: its boost is in proportion to the share of the words it has.
		if near := nearExpression(words, 1); near != "" && len(some) > 0 {
			most, err := ev.titles(ctx, near)
			if err != nil {
				return nil, fmt.Errorf("search: query titles: %w", err)
			}
			n := float64(len(words))
			for _, h := range most { // (below titleBoost: a title with every word keeps it)
				boost[h.id] = max(boost[h.id], 1+(titleBoost-1)*(n-1)/n)
			}
		}
	}
	if len(boost) > 0 {
		for i := range all {
			if b := boost[all[i].id]; b > 0 {
				all[i].score *= b
			}
		}
	}
	return all, nil
}

// docText is what a result's title and snippet are made from.
type docText struct {
	title, body, stems string
}

// loadResult reads one document into r, and returns the texts its title and snippet are
// made from.
func loadResult(ctx context.Context, doc *sql.Stmt, id int64, r *Result) (docText, error) {
	var t docText
	var ref, context string
	err := doc.QueryRowContext(ctx, id).
		Scan(&r.Kind, &ref, &r.Lang, &t.title, &context, &t.body, &r.Country, &r.StartDate, &r.Status, &t.stems)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("search: document %d: %w", id, errVanished)
	}
	if err != nil {
		return t, fmt.Errorf("search: load document %d: %w", id, err)
	}
	switch r.Kind {
	case KindLesson:
		r.Course, r.Lesson, _ = strings.Cut(ref, "/")
		r.CourseTitle = context
		r.Path = "/" + r.Lang + "/courses/" + r.Course + "/" + r.Lesson
	case KindCourse:
		r.Course = ref
		r.Path = "/" + r.Lang + "/courses/" + ref
	case KindWorkshop:
		r.WorkshopID, _ = strconv.ParseInt(ref, 10, 64)
		r.City = context
		r.Path = "/" + r.Lang + "/workshops/" + ref
	}
	return t, nil
}

func validLang(l string) bool {
	for _, x := range Languages {
		if x == l {
			return true
		}
	}
	return false
}

// hit is a matching document and its score.
type hit struct {
	id      int64
	score   float64
	partial bool // has only some of the query's words
}

// queryHits runs a statement returning rows of (rowid[, score]).
func queryHits(ctx context.Context, stmt *sql.Stmt, scored bool, args ...any) ([]hit, error) {
	rows, err := stmt.QueryContext(ctx, args...)
	return store.Collect(rows, err, func(row store.Scanner) (hit, error) {
		var h hit
		var err error
		if scored {
			err = row.Scan(&h.id, &h.score)
		} else {
			err = row.Scan(&h.id)
		}
		return h, err
	})
}

// sortIndexes orders the indexes of hits as sortHits orders hits.
func sortIndexes(order []int, hits []hit) {
	slices.SortFunc(order, func(a, b int) int { return compareHits(hits[a], hits[b]) })
}

// sortHits orders hits best first (BM25 is lower for better), ties by id.
func sortHits(hits []hit) {
	slices.SortFunc(hits, compareHits)
}

// compareHits orders two hits: the better score first, ties by id.
func compareHits(a, b hit) int {
	if c := cmp.Compare(a.score, b.score); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

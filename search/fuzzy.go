package search

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/masar-platform/masar/store"
)

// Misspelt words.
//
// A word that matches nothing in the index («المشاركع», "hackaton») is looked up in the
// index's vocabulary (every indexed term and the number of documents that have it, read from
// the FTS5 vocabulary table search_vocab), through the trigrams of its terms: a word of five
// letters or more is corrected to the most frequent indexed term one edit away (a letter
// wrong, missing, added, or two letters swapped), and the results page says "did you mean".
// A word that matches nothing and cannot be corrected is left out of the query, so that one
// stray word does not empty the results.

// FuzzyMinLetters is the length from which a word that matches nothing is corrected.
const FuzzyMinLetters = 5

// vocabulary is the set of indexed terms with their document frequencies, and the course of
// each lesson and course document (for coursesAfterLessons): what a search reads of the
// index before its transaction, again only after a write.
type vocabulary struct {
	df     map[string]int
	sorted []string           // the terms, in byte order, for prefix look-ups
	tri    map[string][]int32 // trigram → indexes in sorted of the terms that have it
	latin  map[string][]int32 // consonant skeleton → indexes in sorted of the Latin terms (loanword.go)
	// courseOf is, by key, the number (from 1) of the course of a lesson or course, 0 for
	// others; course is whether the key is a course's.
	courseOf []int32
	course   []bool
}

// loadVocabulary reads the vocabulary of the index, and the keys of its lessons and courses.
func loadVocabulary(ctx context.Context, db *sql.DB) (*vocabulary, error) {
	type entry struct {
		term string
		df   int
	}
	rows, err := db.QueryContext(ctx, `SELECT term, doc FROM search_vocab`)
	entries, err := store.Collect(rows, err, func(row store.Scanner) (entry, error) {
		var e entry
		err := row.Scan(&e.term, &e.df)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("search: read the vocabulary: %w", err)
	}
	v := &vocabulary{df: make(map[string]int, len(entries)), sorted: make([]string, 0, len(entries)), tri: map[string][]int32{},
		latin: map[string][]int32{}}
	for _, e := range entries {
		v.df[e.term] += e.df
		v.sorted = append(v.sorted, e.term)
	}
	slices.Sort(v.sorted)
	v.sorted = slices.Compact(v.sorted)
	type key struct {
		id        int64
		kind, ref string
	}
	rows, err = db.QueryContext(ctx, `SELECT id, kind, ref FROM search_keys WHERE kind IN ('lesson', 'course')`)
	keys, err := store.Collect(rows, err, func(row store.Scanner) (key, error) {
		var k key
		err := row.Scan(&k.id, &k.kind, &k.ref)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("search: read the keys: %w", err)
	}
	number := map[string]int32{}
	for _, k := range keys {
		if k.id < 0 || k.id >= 1<<keyBits {
			continue
		}
		slug, _, _ := strings.Cut(k.ref, "/")
		if number[slug] == 0 {
			number[slug] = int32(len(number) + 1)
		}
		if int(k.id) >= len(v.courseOf) {
			v.courseOf = slices.Grow(v.courseOf, int(k.id)+1-len(v.courseOf))[:k.id+1]
			v.course = slices.Grow(v.course, int(k.id)+1-len(v.course))[:k.id+1]
		}
		v.courseOf[k.id] = number[slug]
		v.course[k.id] = k.kind == KindCourse
	}
	for i, t := range v.sorted {
		if len(t) >= 4 {
			if sk := latinSkeleton(t); len(sk) >= minSkeleton {
				v.latin[sk] = append(v.latin[sk], int32(i))
			}
		}
		if runeLen(t) < FuzzyMinLetters-1 {
			continue
		}
		for _, g := range trigrams(t) {
			v.tri[g] = append(v.tri[g], int32(i))
		}
	}
	return v, nil
}

// trigrams are the three-letter pieces of a word framed by ^ and $ (a word of n letters has n).
func trigrams(w string) []string {
	rs := []rune("^" + w + "$")
	out := make([]string, 0, len(rs)-2)
	for i := 0; i+3 <= len(rs); i++ {
		g := string(rs[i : i+3])
		if !contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// has reports whether a term is indexed.
func (v *vocabulary) has(t string) bool { return v.df[t] > 0 }

// rareDF is the number of documents up to which a word found is rare enough to be checked
// for a misspelling.
const rareDF = 1

// maxDF is the highest number of documents that have one of the terms.
func (v *vocabulary) maxDF(terms []string) int {
	n := 0
	for _, t := range terms {
		n = max(n, v.df[t])
	}
	return n
}

// hasAny reports whether any of the terms is indexed.
func (v *vocabulary) hasAny(terms []string) bool {
	for _, t := range terms {
		if v.has(t) {
			return true
		}
	}
	return false
}

// hasPrefix reports whether an indexed term begins with p.
func (v *vocabulary) hasPrefix(p string) bool {
	i, _ := slices.BinarySearch(v.sorted, p)
	return i < len(v.sorted) && strings.HasPrefix(v.sorted[i], p)
}

// knows reports whether any term of a query word is indexed.
func (v *vocabulary) knows(w queryWord) bool {
	for _, t := range w.exact {
		if v.has(t) {
			return true
		}
	}
	for _, p := range w.prefix {
		if v.hasPrefix(p) {
			return true
		}
	}
	return false
}

// nearest returns the most frequent indexed term one edit away from a word's normal form,
// or "".
func (v *vocabulary) nearest(forms ...string) string {
	best, bestDF := "", 0
	for _, f := range forms {
		if runeLen(f) < FuzzyMinLetters {
			continue
		}
		grams := trigrams(f)
		need := max(1, len(grams)-4)
		count := map[int32]int{}
		for _, g := range grams {
			for _, i := range v.tri[g] {
				count[i]++
			}
		}
		fr := []rune(f)
		for i, c := range count {
			if c < need {
				continue
			}
			t := v.sorted[i]
			if df := v.df[t]; (df > bestDF || df == bestDF && t < best) && oneEdit(fr, []rune(t)) {
				best, bestDF = t, df
			}
		}
	}
	return best
}

// oneEdit reports whether a and b differ by exactly one edit: a letter replaced, added or
// removed, or two neighbours swapped.
func oneEdit(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		diff := -1
		for i := range a {
			if a[i] != b[i] {
				if diff >= 0 {
					// A second difference: only a swap of neighbours is one edit.
					return diff == i-1 && a[diff] == b[i] && a[i] == b[diff] && string(a[i+1:]) == string(b[i+1:])
				}
				diff = i
			}
		}
		return diff >= 0
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return string(a[i:]) == string(b[i+1:])
	}
	return false
}

// correct fixes the plain words of a query that match nothing indexed: each is corrected
// when it can be, and left out otherwise (unless it is all the query has). It reports
// whether a word was corrected.
func (v *vocabulary) correct(q *parsedQuery, th *Thesaurus) bool {
	fixed := false
	kept := 0
	for i := range q.words {
		w := &q.words[i]
		if w.plain && w.prefix != nil && v.hasAny(w.exact) {
			// A word whose stem is indexed is a finished word: its normal form as a prefix
			// would only add the longer words that begin with it (and «الشفافيه» and
			// «شفافيه» would rank differently). But a word that is its own stem in one
			// language keeps that stem, as a whole term: "agreement" (its French stem «agre»
			// is indexed too) had lost it and no longer found the English lesson on
			// agreements.
			if ownStem(w.surface) && v.has(w.surface) && !contains(w.exact, w.surface) {
				w.exact = append(w.exact, w.surface)
			}
			w.prefix = nil
		}
		// (A word whose stem is the word itself has it among its prefixes, not its whole
		// terms: its frequency is that of the indexed term too, or «اتفاق» found in two
		// lessons would count as found in none, and be "corrected" to «اخفاق», failure.)
		if w.plain && runeLen(w.surface) >= FuzzyMinLetters && v.knows(*w) && max(v.maxDF(w.exact), v.maxDF(w.prefix)) <= rareDF {
			// A word found in almost no document may be a misspelling that happens to be a
			// word too: a much more frequent word one edit away is searched for as well.
			if t := v.nearest(w.surface); t != "" && v.df[t] >= rareDF*5 {
				e, p := wordTerms(t, false)
				w.exact = dedupe(append(append(w.exact, t), e...))
				w.prefix = dedupe(append(w.prefix, p...))
				w.fixed = t
				fixed = true
			}
		}
		if !w.plain || v.knows(*w) {
			kept++
			continue
		}
		if t := v.withoutPronoun(w.surface); t != "" {
			// «ملاحظته», «وزارتي»: the word with its pronoun, searched for as the word.
			w.exact, w.prefix = wordTerms(t, false)
			kept++
			continue
		}
		if t := v.respelt(w.surface); t != "" {
			w.fixed = t
			w.exact, w.prefix = wordTerms(t, false)
			fixed = true
			kept++
			continue
		}
		near := ""
		if runeLen(w.surface) >= FuzzyMinLetters {
			near = v.nearest(w.surface)
		}
		if scriptOf(w.surface) == scriptArabic && near == "" {
			// (An Arabic word one edit away from an indexed one is a typo of it, not a
			// loanword: «الهاكثاونات» is «الهاكاثونات».)
			if t := v.loanword(w.surface); t != "" {
				// A loanword in Arabic letters: the Latin word, and the other terms of its
				// thesaurus group (the Arabic words for it among them).
				w.fixed = t
				w.exact, w.prefix = wordTerms(t, false)
				if !contains(w.exact, t) {
					w.exact = append(w.exact, t)
				}
				w.alts, w.mark = th.groupOf(t)
				fixed = true
				kept++
				continue
			}
		}
		if near != "" {
			// The term found is analysed as a typed word, so that it matches as a stem
			// in titles and text, not only as a normal form among the extra words; and
			// when its stem is indexed it is searched for as that word typed right
			// would be (a finished word: no prefix, no normal form counted twice), so
			// that «transaprence» ranks as «transparence» does.
			w.fixed = near
			w.exact, w.prefix = wordTerms(near, false)
			if v.hasAny(w.exact) {
				w.prefix = nil
			} else if !contains(w.exact, near) {
				w.exact = append(w.exact, near)
			}
			fixed = true
			kept++
			continue
		}
		if a, b := v.split(w.surface); a != "" {
			// Two words typed without the space between them («مؤشرالمشاركة», "opendata"):
			// both are searched for, as if typed apart.
			w.fixed, w.split = a+" "+b, runeLen(a)
			w.exact, w.prefix = nil, nil
			w.alts = []string{conjunction([]string{a, b}, false)}
			for _, s := range []string{a, b} {
				e, p := wordTerms(s, false)
				w.mark = append(w.mark, e...)
				w.markPre = append(w.markPre, p...)
			}
			fixed = true
			kept++
			continue
		}
		w.dropped = true
	}
	if kept == 0 {
		for i := range q.words {
			q.words[i].dropped = false
		}
	}
	q.match, q.wideMatch = q.expression(false), q.expression(true)
	return fixed
}

// minSplitPart is the fewest letters of each of the two words that split finds in one.
const minSplitPart = 3

// split returns the two indexed words that a word matching nothing is made of when it is
// two words typed without the space between them, or "", "": of the places where it could
// be cut, leaving two words of minSplitPart letters or more that are not function words and
// are both indexed (as a stem or as typed), the one whose rarer word is the most frequent.
func (v *vocabulary) split(w string) (string, string) {
	rs := []rune(w)
	var bestA, bestB string
	bestDF := 0
	for i := minSplitPart; i+minSplitPart <= len(rs); i++ {
		a, b := string(rs[:i]), string(rs[i:])
		if isStop(a) || isStop(b) {
			continue
		}
		ea, _ := wordTerms(a, false)
		eb, _ := wordTerms(b, false)
		df := min(max(v.maxDF(ea), v.df[a]), max(v.maxDF(eb), v.df[b]))
		if df > bestDF {
			bestA, bestB, bestDF = a, b, df
		}
	}
	return bestA, bestB
}

// estimate is an upper bound of the number of documents that an AND of the query's words
// matches, from the vocabulary's document frequencies: each word matches at most the
// documents of its terms (and of the terms its prefixes begin), and the AND at most the
// fewest of those. A word with sub-expressions (a thesaurus term, a number in words) is not
// estimated; a query with none estimated is taken to be large. Counting stops at limit.
func (v *vocabulary) estimate(words []queryWord, limit int) int {
	best := limit
	for _, w := range words {
		if w.dropped || len(w.alts) > 0 || len(w.foreign) > 0 {
			continue
		}
		n := 0
		for _, t := range w.exact {
			n += v.df[t]
		}
		for _, p := range w.prefix {
			for i, _ := slices.BinarySearch(v.sorted, p); i < len(v.sorted) && n < limit && strings.HasPrefix(v.sorted[i], p); i++ {
				n += v.df[v.sorted[i]]
			}
		}
		best = min(best, n)
	}
	return best
}

// dialectLetters are the letters that spoken Arabic merges with others, and that people
// type as they say them: ذ as ز or د (زوي for ذوي), ث as س or ت, ظ as ض or ز, and back.
var dialectLetters = map[rune][]rune{
	'ز': {'ذ', 'ظ'}, 'د': {'ذ', 'ض'}, 'س': {'ث', 'ص'}, 'ت': {'ث', 'ط'}, 'ض': {'ظ', 'د'}, 'ظ': {'ض'},
	'ذ': {'ز', 'د'}, 'ث': {'س', 'ت'},
}

// dialectSpelling returns the most frequent indexed word that w becomes when one of its
// letters is written as the letter spoken Arabic merges it with, or "". Unlike a typo, such a
// spelling is not limited to long words.
func (v *vocabulary) dialectSpelling(w string) string {
	rs := []rune(w)
	var p spellings
	for i, r := range rs {
		for _, s := range dialectLetters[r] {
			rs[i] = s
			p.offer(v, string(rs))
			rs[i] = r
		}
	}
	return p.best
}

// spellings keeps, of the spellings offered, the one found in the most documents (the first
// in order on a tie), none when no document has any.
type spellings struct {
	best string
	df   int
}

// offer weighs spelling f: the documents that have it, by its stem or, for a word that is
// its own stem (indexed among the prefixes, not the whole terms), as a prefix.
func (p *spellings) offer(v *vocabulary, f string) {
	e, pre := wordTerms(f, false)
	if df := max(v.maxDF(e), v.maxDF(pre)); df > p.df || df == p.df && df > 0 && f < p.best {
		p.best, p.df = f, df
	}
}

// respelt returns the indexed word that w is when it was typed with a letter twice
// («جررد», at any length, and before the loanwords, which made «جررد» the French «garder»),
// or, in Arabic, with a letter as spoken Arabic says it; or "".
func (v *vocabulary) respelt(w string) string {
	if t := v.undoubled(w); t != "" {
		return t
	}
	if scriptOf(w) == scriptArabic && runeLen(w) >= 3 {
		return v.dialectSpelling(w)
	}
	return ""
}

// ownStem reports whether a Latin word is its own English stem ("agreement"). (French
// stems are not asked: an English word the French stemmer leaves whole, "policy", would
// then also match the surface forms of English lessons, which weigh little on their own.)
func ownStem(w string) bool {
	return scriptOf(w) == scriptLatin && stemEnglish(w) == w
}

// withoutPronoun returns, for an Arabic word that ends in a ة written ت before a one-letter
// pronoun (ه his, ي my, ك your: «ملاحظته», «وزارتي», «مشاركتك»), the word without the pronoun
// («ملاحظه»), when it is indexed; or "". (The stemmer takes off only the pronouns of two
// letters or more, because a final ه is also the ة of the word itself: «ثابته».)
func (v *vocabulary) withoutPronoun(w string) string {
	if scriptOf(w) != scriptArabic || runeLen(w) < 5 {
		return ""
	}
	for _, p := range []string{"ته", "تي", "تك"} {
		if base, ok := strings.CutSuffix(w, p); ok {
			var s spellings
			s.offer(v, base+"ه")
			return s.best
		}
	}
	return ""
}

// undoubled returns the most frequent indexed word that w becomes when one of two same
// letters side by side is left out, or "".
func (v *vocabulary) undoubled(w string) string {
	rs := []rune(w)
	if len(rs) < 4 {
		return ""
	}
	var p spellings
	for i := 1; i < len(rs); i++ {
		if rs[i] == rs[i-1] {
			p.offer(v, string(rs[:i])+string(rs[i+1:]))
		}
	}
	return p.best
}

// nearEstimate is an upper bound of the number of documents that have every word of a query
// but missing of them, from the expressions of its words one by one: for each set of words
// left out, the fewest documents that one of the others may be in, added up. Counting stops
// at limit.
func (v *vocabulary) nearEstimate(words []string, missing, limit int) int {
	est := make([]int, len(words))
	for i, w := range words {
		e, err := parseFTS(w)
		if err != nil {
			return limit
		}
		est[i] = v.exprEstimate(e.root, limit)
	}
	total := 0
	for _, skip := range skipSets(len(words), missing) {
		fewest := limit
		for j, n := range est {
			if !skip[j] {
				fewest = min(fewest, n)
			}
		}
		if total += fewest; total >= limit {
			return limit
		}
	}
	return total
}

// exprEstimate is an upper bound of the number of documents that match an expression: a
// term's document frequency, the sum of those of the terms a prefix begins, the fewest of
// an AND's parts, the sum of an OR's; at most limit.
func (v *vocabulary) exprEstimate(n *ftsNode, limit int) int {
	switch n.op {
	case 0:
		if !n.prefix {
			return min(v.df[n.term], limit)
		}
		count := 0
		for i, _ := slices.BinarySearch(v.sorted, n.term); i < len(v.sorted) && count < limit && strings.HasPrefix(v.sorted[i], n.term); i++ {
			count += v.df[v.sorted[i]]
		}
		return min(count, limit)
	case '&':
		fewest := limit
		for _, k := range n.kids {
			fewest = min(fewest, v.exprEstimate(k, limit))
		}
		return fewest
	}
	sum := 0
	for _, k := range n.kids {
		if sum += v.exprEstimate(k, limit); sum >= limit {
			return limit
		}
	}
	return sum
}

package search

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/masar-platform/masar/problem"
)

// Limits of a query. The messages search.too_long and search.q.too_long state them.
const (
	MaxQueryChars = 200
	MaxQueryWords = 12
)

// Errors of a query that cannot be run; both are 422 problems naming the field q.
var (
	// ErrEmptyQuery: nothing to search for (blank, or only punctuation and symbols).
	ErrEmptyQuery = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "query_empty", Key: "search.empty",
		Fields: map[string]string{"q": "search.empty"}}
	// ErrQueryTooLong: more than MaxQueryChars characters or MaxQueryWords words.
	ErrQueryTooLong = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "query_too_long", Key: "search.too_long",
		Fields: map[string]string{"q": "search.too_long"}}
)

// queryWord is one word of the user's query, or a run of words that stands for one idea (a
// number spelt in words, a term of the thesaurus), with the terms that may match it.
type queryWord struct {
	surface string   // its normal form (words joined by spaces)
	first   int      // the index of its first typed word (in wordSpans of the query)
	count   int      // how many typed words it covers
	exact   []string // matched as whole terms
	prefix  []string // matched as prefixes
	alts    []string // more FTS5 sub-expressions, any of which matches the word
	foreign []string // alternatives in another language than the word's (thesaurus terms)
	mark    []string // more whole terms to highlight (the words of alts)
	markPre []string // more prefixes to highlight (the typed words of a thesaurus term)
	plain   bool     // a single word (not a number phrase nor a thesaurus term): may be corrected
	fixed   string   // the indexed term a misspelt word was corrected to, or ""
	split   int      // for two words typed as one, the letters of the first (fixed is both, apart)
	dropped bool     // matches nothing indexed and could not be corrected: left out
	// phrases are, for a thesaurus term or a number in words, the runs of words that stand
	// for it in a text (the typed words, each term of the group), as normal forms.
	phrases [][]string
}

// parsedQuery is a user's query ready for FTS5 and for highlighting.
type parsedQuery struct {
	words []queryWord
	match string // the FTS5 MATCH expression
	// wide is set when thesaurus terms in other languages than the typed words' were found:
	// wideMatch is the expression with them, for when match finds little. (Other languages
	// are searched as typed anyway; their terms are held back because an index of lessons in
	// several languages overrates the words of its smallest language.)
	wide      bool
	wideMatch string
	// why is set when the query asks why (why, pourquoi, لماذا, ليش…): see whyTitles.
	why bool
	// compare is set when the query compares things (the difference between, X vs Y, en quoi X
	// diffère de Y): see comparedTogether.
	compare bool
}

// parseQuery turns what a person typed into an FTS5 expression. Every word is analysed like
// the indexed text (so «البَيانات», «البيانات» and «بيانات» are the same term); function words
// are dropped unless the query has nothing else; each word becomes a group of the terms that
// may stand for it (its stem, an Arabic second reading, its English and French stems for a
// Latin word, and its normal form as a prefix, for words typed in part, in any order); a
// number spelt in words (الهدف السادس عشر) also matches its digits, and a run of words that is a
// term of the thesaurus th also matches the other terms of its group. The groups are AND-ed.
// The terms are quoted strings made only of letters and digits, so FTS5 syntax in the input
// (quotes, *, :, -, parentheses, NEAR, AND, OR, NOT) is inert.
func parseQuery(text string, th *Thesaurus) (*parsedQuery, error) {
	// The parsed query owns its text: its words (and the words left out, which results keep)
	// are slices of it, and the caller's text may be a view into a request's buffer that is
	// reused once the request ends.
	text = strings.Clone(strings.TrimSpace(text))
	if text == "" {
		return nil, ErrEmptyQuery
	}
	if runeLen(text) > MaxQueryChars {
		return nil, ErrQueryTooLong
	}
	spans := wordSpans(text, nil)
	if len(spans) == 0 {
		return nil, ErrEmptyQuery
	}
	if len(spans) > MaxQueryWords {
		return nil, ErrQueryTooLong
	}
	surfaces := make([]string, len(spans))
	for i, sp := range spans {
		surfaces[i] = normWord(text[sp.start:sp.end])
	}
	// Function words, and the words that frame a question rather than name its subject, are
	// left out when something else remains.
	skip := make([]bool, len(spans))
	content := 0
	for i, surf := range surfaces {
		skip[i] = isStop(surf) || frames(surfaces, i)
		if !skip[i] {
			content++
		}
	}
	// The words kept, with their place among the typed words.
	var kept []string
	var at []int
	seen := map[string]bool{}
	for i, surf := range surfaces {
		if content > 0 && skip[i] || seen[surf] {
			continue
		}
		seen[surf] = true
		kept = append(kept, surf)
		at = append(at, i)
	}
	keys := make([]string, len(kept))
	for i, surf := range kept {
		keys[i] = thesaurusKey(surf)
	}
	numbers := map[int]numberPhrase{}
	for _, p := range numberPhrases(kept) {
		numbers[p.start] = p
	}
	q := &parsedQuery{}
	for i, surf := range surfaces {
		q.why = q.why || whyWords[surf]
		q.compare = q.compare || surf == "vs" || surf == "versus" || (differenceWords[surf] || differWords[surf]) && frames(surfaces, i)
	}
	for i := 0; i < len(kept); {
		last := at[i] == len(surfaces)-1
		g, n := th.match(keys, i)
		if n == 0 && scriptOf(kept[i]) == scriptArabic {
			// A term whose first word has a proclitic joined to it («وأهداف التنمية
			// المستدامة»): the term without it.
			if alt := arabicAlt(kept[i], stemArabic(kept[i])); alt != "" {
				altKeys := slices.Clone(keys)
				altKeys[i] = thesaurusKey(alt)
				g, n = th.match(altKeys, i)
			}
		}
		num, isNum := numbers[i]
		switch {
		case n > 0 && (!isNum || n >= num.end-num.start):
			w := queryWord{surface: strings.Join(kept[i:i+n], " "), first: at[i], count: at[i+n-1] - at[i] + 1}
			// The words as typed, or any other term of the group; the terms in another
			// language are kept apart (see parsedQuery.wide).
			w.alts = append(w.alts, conjunction(kept[i:i+n], last && n == 1))
			w.phrases = append(w.phrases, kept[i:i+n])
			// The typed words' language is that of the term they are (see settleLanguages).
			typed := th.termLanguage(g, keys[i:i+n])
			if typed == "" {
				typed = languageOf(strings.Join(kept[i:i+n], " "))
			}
			for _, t := range th.groups[g] {
				var ws []string
				for _, sp := range wordSpans(t.text, nil) {
					if surf := normWord(t.text[sp.start:sp.end]); !isStop(surf) {
						ws = append(ws, surf)
					}
				}
				if len(ws) > 0 {
					w.phrases = append(w.phrases, ws)
				}
				if t.lang != typed {
					w.foreign = append(w.foreign, conjunction(ws, false))
				} else {
					w.alts = append(w.alts, conjunction(ws, false))
				}
				for _, s := range ws {
					e, p := wordTerms(s, false)
					w.mark = append(append(w.mark, e...), p...)
				}
			}
			for _, s := range kept[i : i+n] {
				e, p := wordTerms(s, last)
				w.mark = append(w.mark, e...)
				w.markPre = append(w.markPre, p...)
			}
			w.alts = dedupe(w.alts)
			w.foreign = dedupe(w.foreign)
			q.wide = q.wide || len(w.foreign) > 0
			q.words = append(q.words, w)
			i += n
		case isNum:
			w := queryWord{surface: strings.Join(kept[num.start:num.end], " "), first: at[i], count: at[num.end-1] - at[i] + 1,
				exact: []string{strconv.Itoa(num.value)}}
			if num.end-num.start == 1 {
				e, p := wordTerms(kept[i], last)
				w.exact = append(w.exact, e...)
				w.prefix = p
			} else {
				w.alts = []string{conjunction(kept[num.start:num.end], false)}
				w.phrases = [][]string{kept[num.start:num.end], {strconv.Itoa(num.value)}}
				for _, s := range kept[num.start:num.end] {
					e, p := wordTerms(s, false)
					w.mark = append(w.mark, e...)
					w.markPre = append(w.markPre, p...)
				}
			}
			q.words = append(q.words, w)
			i = num.end
		default:
			w := queryWord{surface: kept[i], first: at[i], count: 1, plain: true}
			w.exact, w.prefix = wordTerms(kept[i], last)
			q.words = append(q.words, w)
			i++
		}
	}
	q.match, q.wideMatch = q.expression(false), q.expression(true)
	return q, nil
}

// languageOf guesses the language of a term or of typed words: ar for Arabic script, fr for
// Latin with French accents or function words, en for other Latin.
func languageOf(text string) string {
	if strings.ContainsAny(text, "éèêàâçôîûùëïœÉÈÀÇ") {
		return "fr"
	}
	fr := false
	for _, sp := range wordSpans(text, nil) {
		surf := normWord(text[sp.start:sp.end])
		switch scriptOf(surf) {
		case scriptArabic:
			return "ar"
		case scriptLatin:
			if frStop[surf] && !enStop[surf] {
				fr = true
			}
		}
	}
	if fr {
		return "fr"
	}
	return "en"
}

// wordTerms are the terms that may stand for one normalised word: whole terms (its stem, an
// Arabic second reading, a Latin word's English and French stems) and prefixes (its normal
// form, and a stem the stemmer left as typed, for a word typed in part). A stem that the
// stemmer shortened comes from a word that looks finished and matches whole («donnees» →
// «don» must not find «dont»), as does an Arabic second reading («وزارة» must not find
// «زار…»). The last word of a query may be a prefix from two letters on, the others from three.
func wordTerms(surf string, last bool) (exact, prefix []string) {
	var terms []string
	switch scriptOf(surf) {
	case scriptArabic:
		st := stemArabic(surf)
		terms = append([]string{st, arabicAlt(surf, st), verbalNoun(surf)}, derivedNouns(surf)...)
	case scriptLatin:
		terms = []string{stemEnglish(surf), stemFrench(surf)}
	default:
		terms = []string{surf}
	}
	min := 3
	if last {
		min = 2
	}
	asPrefix := runeLen(surf) >= min
	if asPrefix && !contains(terms, surf) {
		prefix = append(prefix, surf)
	}
	for _, t := range terms {
		if t == "" || contains(exact, t) || contains(prefix, t) {
			continue
		}
		if asPrefix && t == surf {
			prefix = append(prefix, t)
		} else {
			exact = append(exact, t)
		}
	}
	return exact, prefix
}

// verbalNoun is, for a verb of the forms تفعّل and تفاعل in the present tense (نتعلم، يتعاون،
// تتشاور, and with و or ف before them), the stem of its verbal noun, which is the verb without
// its first letter (التعلم، التعاون، التشاور): people ask «كيف نتعلم» of lessons that speak of
// «التعلم». "" for other words. Only queries use it: the lessons' words are indexed as written.
func verbalNoun(surf string) string {
	w := surf
	if r, size := utf8.DecodeRuneInString(w); (r == 'و' || r == 'ف') && runeLen(w) > 5 {
		w = w[size:]
	}
	r, size := utf8.DecodeRuneInString(w)
	if r != 'ن' && r != 'ي' && r != 'ت' || !strings.HasPrefix(w[size:], "ت") || runeLen(w) < 5 {
		return ""
	}
	st := stemArabic(w[size:])
	if arStop[st] {
		return ""
	}
	return st
}

// derivedNouns are, for a verb in the present tense of the forms استفعل, فعّل and أفعل
// (نستشير، نستخدم، نحدد، نطور، نشرك، يعلن, maybe with و or ف before it and a pronoun after it:
// نستشيرهم), the stems of the verbal nouns it may have (استشارة، استخدام، تحديد، تطوير، إشراك
// and تشريك، إعلان): people ask «كيف نستشيرهم» or «كيف نحدد» of lessons that speak of
// «الاستشارة» and «التحديد». Without the shadda that people do not type, فعّل and أفعل look
// alike: both nouns are tried (a noun that is not a word matches nothing). None for other
// words. Only queries use them.
func derivedNouns(surf string) []string {
	w := surf
	if r, size := utf8.DecodeRuneInString(w); (r == 'و' || r == 'ف') && runeLen(w) >= 5 {
		w = w[size:]
	}
	r, size := utf8.DecodeRuneInString(w)
	if r != 'ن' && r != 'ي' && r != 'ت' {
		return nil
	}
	w = w[size:]
	for _, p := range verbPronouns {
		if rest, ok := strings.CutSuffix(w, p); ok && runeLen(rest) >= 3 {
			w = rest
			break
		}
	}
	var nouns []string
	root := []rune(strings.TrimPrefix(w, "ست"))
	switch {
	case len(root) != 3 || strings.ContainsRune(string(root), 'ا'):
		return nil
	case strings.HasPrefix(w, "ست") && (root[1] == 'ي' || root[1] == 'و'):
		nouns = []string{"است" + string(root[0]) + "ا" + string(root[2]) + "ه"} // استشير → استشارة
	case strings.HasPrefix(w, "ست"):
		nouns = []string{"است" + string(root[:2]) + "ا" + string(root[2])} // استخدم → استخدام
	case r == 'ت' || root[2] == 'ي' || root[2] == 'و':
		// (تحول, تقدم, تعاون are nouns more often than verbs; a verb whose last letter is
		// weak has another verbal noun: نعني.)
		return nil
	default:
		nouns = []string{"ت" + string(root[:2]) + "ي" + string(root[2])} // حدد → تحديد
		if root[0] != 'و' && root[0] != 'ي' && root[1] != 'و' && root[1] != 'ي' {
			nouns = append(nouns, "ا"+string(root[:2])+"ا"+string(root[2])) // شرك → إشراك
		}
	}
	out := nouns[:0]
	for _, n := range nouns {
		if st := stemArabic(n); !arStop[st] {
			out = append(out, st)
		}
	}
	return out
}

// verbPronouns are the pronouns a verb may end with (نستشيره، نستشيرهم).
var verbPronouns = append([]string{"ه"}, arPronouns...)

// conjunction is the FTS5 expression of words that must all be found, each by any of its
// terms.
func conjunction(words []string, last bool) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, s := range words {
		if i > 0 {
			b.WriteString(" AND ")
		}
		e, p := wordTerms(s, last && i == len(words)-1)
		writeGroup(&b, e, p, nil)
	}
	b.WriteByte(')')
	return b.String()
}

// writeGroup writes the terms of a group OR-ed, in parentheses.
func writeGroup(b *strings.Builder, exact, prefix, alts []string) {
	b.WriteByte('(')
	n := 0
	sep := func() {
		if n > 0 {
			b.WriteString(" OR ")
		}
		n++
	}
	for _, t := range exact {
		sep()
		b.WriteString(quote(t))
	}
	for _, t := range prefix {
		sep()
		b.WriteString(quote(t))
		b.WriteByte('*')
	}
	for _, a := range alts {
		sep()
		b.WriteString(a)
	}
	b.WriteByte(')')
}

// expression is the FTS5 expression of the query: the words' groups AND-ed, each group the
// terms that may stand for the word OR-ed. Dropped words are left out; thesaurus terms in
// other languages are in only when wide.
func (q *parsedQuery) expression(wide bool) string {
	var b strings.Builder
	for _, w := range q.words {
		if w.dropped {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		exact := w.exact
		alts := w.alts
		if wide {
			alts = append(slices.Clip(alts), w.foreign...)
		}
		writeGroup(&b, exact, w.prefix, alts)
	}
	return b.String()
}

// anyExpression is the expression of the documents that have any of the words (with the
// thesaurus terms of every language), or "" for a query of one word.
func (q *parsedQuery) anyExpression() string {
	var b strings.Builder
	n := 0
	for _, w := range q.words {
		if w.dropped {
			continue
		}
		if n > 0 {
			b.WriteString(" OR ")
		}
		n++
		writeGroup(&b, w.exact, w.prefix, append(slices.Clip(w.alts), w.foreign...))
	}
	if n < 2 {
		return ""
	}
	return b.String()
}

// nearExpression is the expression of the documents that have every one of a query's word
// expressions (wordExpressions) but missing of them at most: the OR, for each set of missing
// words, of the AND of the others. "" when the query has fewer than nearMinWords words.
func nearExpression(words []string, missing int) string {
	if len(words) < nearMinWords {
		return ""
	}
	var b strings.Builder
	for _, skip := range skipSets(len(words), missing) {
		if b.Len() > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('(')
		n := 0
		for i, w := range words {
			if skip[i] {
				continue
			}
			if n > 0 {
				b.WriteString(" AND ")
			}
			n++
			b.WriteString(w)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// skipSets are the ways of leaving out k of n words, each as n flags.
func skipSets(n, k int) [][]bool {
	var out [][]bool
	var walk func(from, left int, cur []bool)
	walk = func(from, left int, cur []bool) {
		if left == 0 {
			out = append(out, slices.Clone(cur))
			return
		}
		for i := from; i <= n-left; i++ {
			cur[i] = true
			walk(i+1, left-1, cur)
			cur[i] = false
		}
	}
	walk(0, k, make([]bool, n))
	return out
}

// wordExpressions are the expressions of the words one by one (dropped ones left out).
func (q *parsedQuery) wordExpressions(wide bool) []string {
	var out []string
	for _, w := range q.words {
		if w.dropped {
			continue
		}
		alts := w.alts
		if wide {
			alts = append(slices.Clip(alts), w.foreign...)
		}
		var b strings.Builder
		writeGroup(&b, w.exact, w.prefix, alts)
		out = append(out, b.String())
	}
	return out
}

func dedupe(list []string) []string {
	out := list[:0]
	for _, s := range list {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// quote makes an FTS5 string: inside double quotes, a double quote is doubled.
func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// unquote reads the FTS5 string that begins at s[i] (a quote), as quote writes it: its text,
// each doubled quote made one, and the index just after its closing quote; ok is false when
// it is not closed.
func unquote(s string, i int) (text string, end int, ok bool) {
	var b strings.Builder
	j := i + 1
	for {
		k := strings.IndexByte(s[j:], '"')
		if k < 0 {
			return "", 0, false
		}
		j += k + 1
		if j < len(s) && s[j] == '"' { // a doubled quote stands for itself
			b.WriteString(s[j-k-1 : j])
			j++
			continue
		}
		if b.Len() == 0 {
			return s[i+1 : j-1], j, true // no quote inside: the text as it stands
		}
		b.WriteString(s[j-k-1 : j-1])
		return b.String(), j, true
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// matcher tells which words of a text the query hit: whole terms in a map, prefixes by
// their first two letters (a snippet asks about every word of a lesson).
type matcher struct {
	exact  map[string]int
	prefix map[string][]queryTerm
	n      int // number of query words
}

type queryTerm struct {
	t    string
	word int // index of the query word
}

// head is the first two letters of s (all of it when shorter).
func head(s string) string {
	i := 0
	for n := 0; n < 2 && i < len(s); n++ {
		switch c := s[i]; {
		case c < utf8.RuneSelf:
			i++
		case c < 0xE0:
			i += 2
		case c < 0xF0:
			i += 3
		default:
			i += 4
		}
	}
	return s[:min(i, len(s))]
}

func (q *parsedQuery) matcher() *matcher {
	m := &matcher{n: len(q.words), exact: map[string]int{}, prefix: map[string][]queryTerm{}}
	add := func(t string, i int) {
		if _, ok := m.exact[t]; !ok && t != "" {
			m.exact[t] = i
		}
	}
	for i, w := range q.words {
		for _, t := range w.exact {
			add(t, i)
		}
		for _, t := range w.mark {
			add(t, i)
		}
		for _, t := range append(slices.Clip(w.prefix), w.markPre...) {
			h := head(t)
			m.prefix[h] = append(m.prefix[h], queryTerm{t, i})
		}
	}
	return m
}

// term returns the query word that an indexed term hits, or -1.
func (m *matcher) term(t string) int {
	if t == "" {
		return -1
	}
	if i, ok := m.exact[t]; ok {
		return i
	}
	if len(m.prefix) == 0 {
		return -1
	}
	for _, p := range m.prefix[head(t)] {
		if strings.HasPrefix(t, p.t) {
			return p.word
		}
	}
	return -1
}

// frameWords are normalised words that officials put around the subject of a question («اشرح»,
// "explain", «comment») and that lessons use anywhere: a query needs none of them to be
// found, so they do not narrow it (a lesson without «شرح» still answers «شرح الموازنة
// التشاركية»).
var frameWords = set(
	"اشرح", "شرح", "معني", "تعريف", "عرف", "يعني", "نعني", "تعني", "نقصد", "يقصد", "المقصود", "ماهي", "ماهو", "يجب", "ينبغي", "يمكن", "يمكننا",
	"نستطيع", "علينا", "افضل", "نقوم", "اريد", "نريد", "بماذا",
	"between", "explain", "meaning", "mean", "define", "definition", "should", "could", "would",
	"about", "my", "us", "best", "need", "want", "include", "includes", "contain", "contains",
	"يتضمن", "تتضمن", "يشمل", "تشمل", "inclure", "contenir", "comprendre",
	"فايده", "فوايد", "اهميه", "بالنسبه",
	"comment", "pourquoi", "quand", "quels", "quelles", "lequel", "laquelle", "entre", "faut", "doit",
	"peut", "peuvent", "expliquer", "definir", "quoi", "vs", "versus",
	// words that only stress the question: exactly, really
	"exactly", "really", "actually", "exactement", "precisement", "vraiment", "بالضبط", "بالظبط",
	"بالتحديد", "تحديدا", "فعلا", "حقا", "اصلا", "أصلا",
)

// dialectWords are the function words of spoken Arabic that officials type as they speak,
// and that lessons, written in Modern Standard Arabic, never use: question words (ليش, شلون,
// إزاي, علاش, وين, فين, شنو, إيش, قديش), "we want" (بدنا, عايزين, نبغى, بغينا), "of" (تبع,
// بتاع, ديال, متاع), "this" (هيدا, ده, هاد), "not" (مش, مو, ماشي), "now" and "then" (هلق,
// دلوقتي, دابا, بعدين), "very" (برشا, بزاف, واجد) and a few verbs that only carry the
// question («نخلي», «نبلش», «بطلت»). They frame a question as frameWords do. Each is
// written as typed and normalised when the set is made; none may be a word of the lessons
// (TestDialectWordsAreNotLessonWords).
var dialectWords = normalisedSet(
	// why, how, what, where, when, how much
	"اللي", "إللي", // which, who
	"ليش", "ليه", "علاش", "لاش", "علاه", "شعلاش", "شلون", "ازاي", "إزاي", "كيفاش", "كيفش",
	"شو", "شنو", "شنهو", "ايش", "إيش", "وش", "واش", "اش", "شنوة", "شنية", "ايه",
	"وين", "فين", "منين", "لوين", "امتى", "إمتى", "ايمتى", "وقتاش", "قديش", "قداش", "كام", "شقد", "شكد",
	// want, would like
	"بدنا", "بدي", "بدك", "بدهم", "عايزين", "عاوزين", "عايز", "عاوز", "نبغى", "نبغي", "ابغى", "أبغى",
	"نبي", "أبي", "يبي", "بغينا", "باغي", "باغين", "حابين", "داير", "دايرين",
	// of, our
	"تبعنا", "تبع", "تبعهم", "تبعها", "تبعه", "تبعكم", "بتاع", "بتاعنا", "بتاعة", "بتوع", "ديال", "ديالنا",
	"ديالي", "ديالهم", "متاع", "متاعنا", "متاعهم", "نتاع", "نتاعنا", "حقنا", "حقتنا",
	// this, that, like this
	"هاد", "هادا", "هادي", "هيدا", "هيدي", "هاي", "هاذا", "هذي", "هادو", "هدول", "دا", "دي", "ده",
	"داك", "ديك", "هاديك", "هيك", "كده", "كدا", "هكا", "هيكا",
	// not, there is
	"مش", "مو", "موب", "مب", "ماشي", "مهوش", "ماهوش", "مكانش", "اكو", "ماكو", "مافيش", "مفيش",
	// now, then, also, only, because, very
	"هلق", "هلأ", "هلا", "دلوقتي", "توا", "دابا", "هسه", "هسا", "بعدين", "كمان", "برضو",
	"برضه", "زادة", "بس", "عشان", "علشان", "كتير", "برشا", "بزاف", "واجد", "راه", "غادي",
	// we, you
	"احنا", "إحنا", "حنا", "نحنا", "انتو", "انتوا", "هوما",
	// verbs that only carry the question: make, can, do, start, stop, happen
	"نخلي", "خلي", "خلينا", "يخلي", "نقدر", "بنقدر", "منقدر", "نعمل", "بنعمل", "نعملو", "نسوي",
	"نسويها", "نبلش", "بلش", "منبلش", "بطلت", "بطلو", "بطلوا",
)

// whyWords ask why, in the three languages and in spoken Arabic.
var whyWords = normalisedSet("why", "pourquoi", "لماذا", "ولماذا", "لم", "ليش", "ليه", "علاش", "لاش", "علاه", "شعلاش")

// normalisedSet is set of the normal forms of words.
func normalisedSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[normWord(w)] = true
	}
	return m
}

// differenceWords name a difference; followed by "between" (بين, between, entre) they frame a
// comparison («ما الفرق بين …»), and the things compared are the subject.
var differenceWords = set("الفرق", "فرق", "difference", "differences")

// differWords say that one thing differs; followed by "from" (عن, from, de) they frame a
// comparison («en quoi X diffère de Y», «بماذا يختلف X عن Y»).
var differWords = set("يختلف", "تختلف", "differ", "differs", "differe", "different", "differente")

// frames reports whether the i-th of a query's normalised words frames the question.
func frames(surfaces []string, i int) bool {
	if frameWords[surfaces[i]] || dialectWords[surfaces[i]] {
		return true
	}
	if differenceWords[surfaces[i]] && i+1 < len(surfaces) {
		switch surfaces[i+1] {
		case "بين", "between", "entre":
			return true
		}
	}
	if differWords[surfaces[i]] {
		// (In Arabic the things compared may come between: «تختلف الحكومة المفتوحة عن …».)
		for _, next := range surfaces[i+1:] {
			switch next {
			case "عن", "from", "de", "du", "des":
				return true
			}
		}
	}
	return false
}

package search

import (
	"net/http"
	"strings"

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

// queryWord is one word of the user's query with the terms that may match it.
type queryWord struct {
	surface string
	exact   []string // matched as whole terms
	prefix  []string // matched as prefixes (only for the last word, which may be unfinished)
}

// parsedQuery is a user's query ready for FTS5 and for highlighting.
type parsedQuery struct {
	words []queryWord
	match string // the FTS5 MATCH expression
}

// parseQuery turns what a person typed into an FTS5 expression. Every word is analysed like
// the indexed text (so «البَيانات», «البيانات» and «بيانات» are the same term); function words
// are dropped unless the query has nothing else; each word becomes a group of the terms that
// may stand for it (its stem, its normal form, an Arabic second reading, its English and
// French stems for a Latin word), the groups are AND-ed, and the last word also matches as a
// prefix, for people who stop typing mid-word. The terms are quoted strings made only of
// letters and digits, so FTS5 syntax in the input (quotes, *, :, -, parentheses, NEAR, AND,
// OR, NOT) is inert.
func parseQuery(text string) (*parsedQuery, error) {
	text = strings.TrimSpace(text)
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
	content := 0
	for i, sp := range spans {
		surfaces[i] = normWord(text[sp.start:sp.end])
		if !isStop(surfaces[i]) {
			content++
		}
	}
	en, fr := newAnalyzer("en"), newAnalyzer("fr")
	q := &parsedQuery{}
	seen := map[string]bool{}
	for i, surf := range surfaces {
		if content > 0 && isStop(surf) || seen[surf] {
			continue
		}
		seen[surf] = true
		w := queryWord{surface: surf}
		var terms []string // the stems that stand for the word
		switch scriptOf(surf) {
		case scriptArabic:
			st, alt := en.word(surf)
			terms = []string{st, alt}
		case scriptLatin:
			st1, _ := en.word(surf)
			st2, _ := fr.word(surf)
			terms = []string{st1, st2}
		default:
			terms = []string{surf}
		}
		// The last word may be unfinished: its normal form matches as a prefix (the extra
		// column holds the normal forms that differ from their stems), and so does a stem
		// the stemmer left as typed («governm», «شفا»). A stem that the stemmer shortened
		// comes from a word that looks finished and matches whole («donnees» → «don» must
		// not find «dont»), as does an Arabic second reading («وزارة» must not find «زار…»).
		// The normal form itself is not needed as a whole word: a document that has it
		// has its stem.
		last := i == len(surfaces)-1 && runeLen(surf) >= 2
		if last && !contains(terms, surf) {
			w.prefix = append(w.prefix, surf)
		}
		for _, t := range terms {
			if t == "" || contains(w.exact, t) || contains(w.prefix, t) {
				continue
			}
			if last && t == surf {
				w.prefix = append(w.prefix, t)
			} else {
				w.exact = append(w.exact, t)
			}
		}
		q.words = append(q.words, w)
	}
	q.match = q.expression()
	return q, nil
}

// expression is the FTS5 expression of the query: the words' groups AND-ed, each group the
// terms that may stand for the word OR-ed.
func (q *parsedQuery) expression() string {
	var b strings.Builder
	for i, w := range q.words {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('(')
		for j, t := range w.exact {
			if j > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString(quote(t))
		}
		for j, t := range w.prefix {
			if j > 0 || len(w.exact) > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString(quote(t))
			b.WriteByte('*')
		}
		b.WriteByte(')')
	}
	return b.String()
}

// quote makes an FTS5 string: inside double quotes, a double quote is doubled.
func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// matcher tells which words of a text the query hit. A query has a few terms, so a list
// compared by length first beats a map.
type matcher struct {
	exact  []queryTerm
	prefix []queryTerm
	n      int // number of query words
}

type queryTerm struct {
	t    string
	word int // index of the query word
}

func (q *parsedQuery) matcher() *matcher {
	m := &matcher{n: len(q.words)}
	for i, w := range q.words {
		for _, t := range w.exact {
			m.exact = append(m.exact, queryTerm{t, i})
		}
		for _, t := range w.prefix {
			m.prefix = append(m.prefix, queryTerm{t, i})
		}
	}
	return m
}

// term returns the query word that an indexed term hits, or -1.
func (m *matcher) term(t string) int {
	if t == "" {
		return -1
	}
	for _, e := range m.exact {
		if len(e.t) == len(t) && e.t == t {
			return e.word
		}
	}
	for _, p := range m.prefix {
		if len(t) >= len(p.t) && t[:len(p.t)] == p.t {
			return p.word
		}
	}
	return -1
}

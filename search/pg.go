package search

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/masar-platform/masar/store"
)

// The index on PostgreSQL.
//
// The words are those of the analyser, as on SQLite: package search normalises and stems
// them, at indexing and at query time, and the server only stores and compares them.
//
//   - search_fts holds each column of a document as a tsvector made with array_to_tsvector
//     from the analyser's words (no text-search parser or dictionary of the server cuts or
//     changes them again), and doc, all the columns together, behind a GIN index. A query is
//     the FTS5 expression that parseQuery wrote, read by parseFTS and turned into a tsquery
//     (a prefix term «شفاف»* becomes 'شفاف':*), cast from text, again untouched.
//   - search_terms holds, per document and term, how often the term occurs in each column,
//     and per document (the empty term) the length of each column in words. From those the
//     ranking is FTS5's bm25() itself, computed here: same k1 and b, same column weights,
//     same IDF (with its floor for words in more than half the documents), and the same
//     rule for which words of an OR count in a document (those of the branches that match
//     it), so that a search gives the same order, and the judged queries the same figures,
//     on both backends (TestBackendsRankAlike).
//
// FTS5's unicode61 tokenizer re-cuts the analysed text at anything that is not a letter, a
// number or a private-use character and drops combining marks; ftsToken does the same here,
// so that both indexes hold the same terms (TestBackendsIndexTheSameTerms compares their
// vocabularies).

// ftsColumns is the number of weighted columns of search_fts.
const ftsColumns = 6

// BM25's parameters, those of FTS5's bm25().
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// ftsToken is a word as FTS5's unicode61 tokenizer (remove_diacritics 2) leaves an analysed
// word: without combining marks. It returns "" when nothing is left.
func ftsToken(w string) string {
	if !strings.ContainsFunc(w, isMark) {
		return w
	}
	return strings.Map(func(r rune) rune {
		if isMark(r) {
			return -1
		}
		return r
	}, w)
}

func isMark(r rune) bool { return r >= 0x300 && unicode.Is(unicode.M, r) }

// ftsTokens cuts an analysed column as unicode61 would: at anything that is not a letter, a
// number, a private-use character or a mark.
func ftsTokens(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Co, r) && !isMark(r)
	}) {
		if t := ftsToken(f); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// pgPut stores a document's analysed columns: their tsvectors, and each term's counts with
// the columns' lengths (the empty term).
func pgPut(ctx context.Context, q store.Queryer, id int64, an *analysed) error {
	cols := [ftsColumns]string{an.title, an.headings, an.body, an.notes, an.topic, an.extra}
	index := map[string]int{"": 0}
	terms := []string{""}
	counts := [ftsColumns][]int32{}
	for c := range counts {
		counts[c] = []int32{0}
	}
	var lexemes [ftsColumns][]string
	for c, text := range cols {
		lexemes[c] = []string{} // an empty array, never NULL
		for _, t := range ftsTokens(text) {
			i, ok := index[t]
			if !ok {
				i = len(terms)
				index[t] = i
				terms = append(terms, t)
				for k := range counts {
					counts[k] = append(counts[k], 0)
				}
			}
			if counts[c][i] == 0 {
				lexemes[c] = append(lexemes[c], t)
			}
			counts[c][i]++
			counts[c][0]++ // the column's length
		}
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO search_fts (rowid, title, headings, body, notes, topic, extra)
		VALUES (?, array_to_tsvector(?::text[]), array_to_tsvector(?::text[]), array_to_tsvector(?::text[]),
			array_to_tsvector(?::text[]), array_to_tsvector(?::text[]), array_to_tsvector(?::text[]))`,
		id, lexemes[0], lexemes[1], lexemes[2], lexemes[3], lexemes[4], lexemes[5]); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO search_terms (term, doc, title, headings, body, notes, topic, extra)
		SELECT u.term, ?, u.title, u.headings, u.body, u.notes, u.topic, u.extra
		FROM unnest(?::text[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[]) AS u(term, title, headings, body, notes, topic, extra)`,
		id, terms, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
	return err
}

// ftsNode is a node of an FTS5 expression as parseQuery writes it: a phrase of one term
// (maybe a prefix), or the AND or OR of nodes.
type ftsNode struct {
	op     byte // '&' (AND), '|' (OR), or 0 for a phrase
	kids   []*ftsNode
	term   string
	prefix bool
	phrase int // a phrase's place among the expression's phrases
}

// ftsExpr is a parsed FTS5 expression: its tree, its phrases in the order FTS5 numbers
// them, and the column a "{column} : (…)" filter limits it to ("" for none).
type ftsExpr struct {
	root    *ftsNode
	phrases []*ftsNode
	column  string
}

// errFTSSyntax: an expression that parseFTS does not read. parseQuery writes only quoted
// terms (maybe followed by *), AND, OR, parentheses and a column filter; anything else is a
// mistake in this package, not in what a person typed.
var errFTSSyntax = errors.New("search: FTS5 expression not understood")

// parseFTS reads an FTS5 expression written by parseQuery. AND binds tighter than OR, as in
// FTS5.
func parseFTS(expr string) (*ftsExpr, error) {
	p := &ftsParser{s: expr}
	e := &ftsExpr{}
	p.space()
	if strings.HasPrefix(p.s[p.i:], "{") {
		end := strings.IndexByte(p.s[p.i:], '}')
		if end < 0 {
			return nil, errFTSSyntax
		}
		e.column = strings.TrimSpace(p.s[p.i+1 : p.i+end])
		p.i += end + 1
		p.space()
		if !strings.HasPrefix(p.s[p.i:], ":") {
			return nil, errFTSSyntax
		}
		p.i++
	}
	root, err := p.or(e)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, errFTSSyntax
	}
	e.root = root
	return e, nil
}

type ftsParser struct {
	s string
	i int
}

func (p *ftsParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// keyword consumes the operator kw (followed by a space or a parenthesis) if it is next.
func (p *ftsParser) keyword(kw string) bool {
	p.space()
	rest := p.s[p.i:]
	if !strings.HasPrefix(rest, kw) || len(rest) > len(kw) && rest[len(kw)] != ' ' && rest[len(kw)] != '(' {
		return false
	}
	p.i += len(kw)
	return true
}

func (p *ftsParser) or(e *ftsExpr) (*ftsNode, error) {
	return p.list(e, "OR", '|', p.and)
}

func (p *ftsParser) and(e *ftsExpr) (*ftsNode, error) {
	return p.list(e, "AND", '&', p.primary)
}

// list reads operands joined by the operator kw; one operand alone is itself.
func (p *ftsParser) list(e *ftsExpr, kw string, op byte, operand func(*ftsExpr) (*ftsNode, error)) (*ftsNode, error) {
	first, err := operand(e)
	if err != nil {
		return nil, err
	}
	n := &ftsNode{op: op, kids: []*ftsNode{first}}
	for p.keyword(kw) {
		k, err := operand(e)
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, k)
	}
	if len(n.kids) == 1 {
		return first, nil
	}
	return n, nil
}

func (p *ftsParser) primary(e *ftsExpr) (*ftsNode, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, errFTSSyntax
	}
	switch p.s[p.i] {
	case '(':
		p.i++
		n, err := p.or(e)
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, errFTSSyntax
		}
		p.i++
		return n, nil
	case '"':
		term, j, ok := unquote(p.s, p.i)
		if !ok {
			return nil, errFTSSyntax
		}
		n := &ftsNode{term: ftsToken(term), phrase: len(e.phrases)}
		if j < len(p.s) && p.s[j] == '*' {
			n.prefix = true
			j++
		}
		p.i = j
		e.phrases = append(e.phrases, n)
		return n, nil
	}
	return nil, errFTSSyntax
}

// tsquery is the expression as PostgreSQL's tsquery text: 'term', 'prefix':*, & and |. A
// phrase that FTS5's tokenizer would leave empty matches nothing there; here it is a term
// no document has.
func (e *ftsExpr) tsquery() string {
	var b strings.Builder
	var write func(n *ftsNode)
	write = func(n *ftsNode) {
		if n.op == 0 {
			b.WriteByte('\'')
			t := n.term
			if t == "" {
				t = noTerm
			}
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, `\`, `\\`), `'`, `''`))
			b.WriteByte('\'')
			if n.prefix && n.term != "" {
				b.WriteString(":*")
			}
			return
		}
		b.WriteByte('(')
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(" " + string(n.op) + " ")
			}
			write(k)
		}
		b.WriteByte(')')
	}
	write(e.root)
	return b.String()
}

// noTerm is a lexeme no analysed word is (analysed words have no spaces).
const noTerm = " "

// phraseKey names the terms a phrase stands for: one term, or every term with a prefix.
type phraseKey struct {
	term   string
	prefix bool
}

// counts are a phrase's occurrences in one document, per column (a prefix's terms added up).
type counts [ftsColumns]int64

// pgEvaluator evaluates the expressions of one search in its REPEATABLE READ transaction,
// keeping what it read for the next expression of the same search (they share most terms).
type pgEvaluator struct {
	tx *sql.Tx
	// The index's size: documents, and words over all columns and in titles.
	statsRead          bool
	docs, words, title int64
	// For each phrase read, the documents that have it and its counts there.
	phrases map[phraseKey]map[int64]*counts
	// The documents' lengths per column.
	lengths map[int64]*counts
	ready   bool // setup has run
}

func newPGEvaluator(tx *sql.Tx) *pgEvaluator {
	return &pgEvaluator{tx: tx, phrases: map[phraseKey]map[int64]*counts{}, lengths: map[int64]*counts{}}
}

// setup tunes the planner for the rest of the search's transaction. A query's terms are
// parameters, so the planner cannot know how many documents have them: for a word that half
// the documents have it prefers reading search_fts whole, which unpacks every document's
// tsvector (seconds for 5,000 lessons) where the GIN index answers without; and it guesses a
// third of search_terms for each term and would JIT-compile the query, which takes longer
// than reading the few thousand rows a term really has.
func (ev *pgEvaluator) setup(ctx context.Context) error {
	if ev.ready {
		return nil
	}
	if _, err := ev.tx.ExecContext(ctx, `SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)`); err != nil {
		return fmt.Errorf("search: set up the search: %w", err)
	}
	ev.ready = true
	return nil
}

// ids runs a query of document ids.
func (ev *pgEvaluator) ids(ctx context.Context, query string, args ...any) ([]hit, error) {
	rows, err := ev.tx.QueryContext(ctx, query, args...)
	return store.Collect(rows, err, func(row store.Scanner) (hit, error) {
		var h hit
		return h, row.Scan(&h.id)
	})
}

func (ev *pgEvaluator) match(ctx context.Context, expr string) ([]hit, error) {
	e, err := parseFTS(expr)
	if err != nil {
		return nil, err
	}
	if err := ev.setup(ctx); err != nil {
		return nil, err
	}
	hits, err := ev.ids(ctx, `SELECT rowid FROM search_fts WHERE doc @@ ?::tsquery`, e.tsquery())
	if err != nil || len(hits) == 0 {
		return hits, err
	}
	return hits, ev.rank(ctx, e, hits, false)
}

// The title and headings filters are evaluated on the counts that ranking reads anyway
// (a phrase is in a document's title when its title count is not 0): the same answer as
// title @@ and headings @@ on the tsvectors, without a query more.

func (ev *pgEvaluator) titles(ctx context.Context, expr string) ([]hit, error) {
	e, err := parseFTS(expr)
	if err != nil {
		return nil, err
	}
	return ev.inColumn(ctx, e, 0)
}

func (ev *pgEvaluator) headings(ctx context.Context, expr string) ([]hit, error) {
	e, err := parseFTS(expr)
	if err != nil {
		return nil, err
	}
	if e.column != "headings" {
		return nil, fmt.Errorf("%w: headings filter %q", errFTSSyntax, expr)
	}
	return ev.inColumn(ctx, e, 1)
}

func (ev *pgEvaluator) someTitles(ctx context.Context, expr string) ([]hit, error) {
	e, err := parseFTS(expr)
	if err != nil {
		return nil, err
	}
	hits, err := ev.inColumn(ctx, e, 0)
	if err != nil || len(hits) == 0 {
		return hits, err
	}
	return hits, ev.rank(ctx, e, hits, true)
}

// inColumn returns the documents that match e within column col alone, in id order.
func (ev *pgEvaluator) inColumn(ctx context.Context, e *ftsExpr, col int) ([]hit, error) {
	if err := ev.setup(ctx); err != nil {
		return nil, err
	}
	if err := ev.read(ctx, e.phrases); err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []hit
	for _, ph := range e.phrases {
		for doc, c := range ev.phrases[phraseKey{ph.term, ph.prefix}] {
			if c[col] == 0 || seen[doc] {
				continue
			}
			seen[doc] = true
			has := func(n *ftsNode) *counts {
				if c := ev.phrases[phraseKey{n.term, n.prefix}][doc]; c != nil && c[col] > 0 {
					return c
				}
				return nil
			}
			if matches(e.root, has) {
				out = append(out, hit{id: doc})
			}
		}
	}
	slices.SortFunc(out, func(a, b hit) int { return cmp.Compare(a.id, b.id) })
	return out, nil
}

// rank gives each hit its bm25() score, over the weighted columns, or over the title alone
// (as search_titles' bm25() with its one column of weight 1).
func (ev *pgEvaluator) rank(ctx context.Context, e *ftsExpr, hits []hit, titleOnly bool) error {
	if err := ev.read(ctx, e.phrases); err != nil {
		return err
	}
	if err := ev.readLengths(ctx, hits); err != nil {
		return err
	}
	if err := ev.readStats(ctx); err != nil {
		return err
	}
	n, total := ev.docs, ev.words
	if titleOnly {
		total = ev.title
	}
	avgdl := float64(total) / float64(max(n, 1))
	// Each phrase's IDF, from the number of documents that have it (in their title, for
	// titles), floored as FTS5 does for words in more than half the documents.
	idf := make([]float64, len(e.phrases))
	for i, ph := range e.phrases {
		hitsOf := int64(0)
		for _, c := range ev.phrases[phraseKey{ph.term, ph.prefix}] {
			if !titleOnly || c[0] > 0 {
				hitsOf++
			}
		}
		idf[i] = math.Log((float64(n-hitsOf) + 0.5) / (float64(hitsOf) + 0.5))
		if idf[i] <= 0 {
			idf[i] = 1e-6
		}
	}
	freq := make([]float64, len(e.phrases))
	for k := range hits {
		doc := hits[k].id
		has := func(ph *ftsNode) *counts {
			c := ev.phrases[phraseKey{ph.term, ph.prefix}][doc]
			if c == nil || titleOnly && c[0] == 0 {
				return nil
			}
			return c
		}
		clear(freq)
		// FTS5 counts a phrase's occurrences in a document only where its node of the
		// expression is on that document: not under an AND that does not match it.
		var count func(n *ftsNode) bool
		count = func(n *ftsNode) bool {
			switch n.op {
			case 0:
				c := has(n)
				if c == nil {
					return false
				}
				// FTS5 adds the column's weight once per occurrence, column by column: the
				// same additions give the same floating-point sum.
				f := 0.0
				if titleOnly {
					for range c[0] {
						f += 1.0
					}
				} else {
					for col, w := range columnWeights {
						for range c[col] {
							f += w
						}
					}
				}
				freq[n.phrase] = f
				return true
			case '&':
				for _, kid := range n.kids {
					if !matches(kid, has) {
						return false
					}
				}
				for _, kid := range n.kids {
					count(kid)
				}
				return true
			default:
				ok := false
				for _, kid := range n.kids {
					ok = count(kid) || ok
				}
				return ok
			}
		}
		count(e.root)
		l := ev.lengths[doc]
		d := 0.0
		if l != nil {
			if titleOnly {
				d = float64(l[0])
			} else {
				d = float64(l[0] + l[1] + l[2] + l[3] + l[4] + l[5])
			}
		}
		score := 0.0
		for i := range e.phrases {
			score += idf[i] * ((freq[i] * (bm25K1 + 1.0)) / (freq[i] + bm25K1*(1-bm25B+bm25B*d/avgdl)))
		}
		hits[k].score = -1.0 * score
	}
	return nil
}

// matches evaluates a node on one document.
func matches(n *ftsNode, has func(*ftsNode) *counts) bool {
	switch n.op {
	case 0:
		return has(n) != nil
	case '&':
		for _, k := range n.kids {
			if !matches(k, has) {
				return false
			}
		}
		return true
	default:
		for _, k := range n.kids {
			if matches(k, has) {
				return true
			}
		}
		return false
	}
}

// read fetches, for the phrases not read yet, every document that has them with their
// counts: a term's rows, or a prefix's range of terms («شفاف» to «شفاف» followed by the
// last code point), in the byte order of the column's "C" collation.
func (ev *pgEvaluator) read(ctx context.Context, phrases []*ftsNode) error {
	var keys []phraseKey
	var lo, hi []string
	for _, ph := range phrases {
		k := phraseKey{ph.term, ph.prefix}
		if _, ok := ev.phrases[k]; ok || slices.Contains(keys, k) {
			continue
		}
		ev.phrases[k] = map[int64]*counts{}
		if k.term == "" {
			continue // FTS5 finds nothing for a phrase with no word
		}
		keys = append(keys, k)
		lo = append(lo, k.term)
		if k.prefix {
			hi = append(hi, k.term+string(utf8.MaxRune))
		} else {
			hi = append(hi, k.term+"\x01") // the term itself: analysed words have no control characters
		}
	}
	if len(keys) == 0 {
		return nil
	}
	rows, err := ev.tx.QueryContext(ctx, `SELECT p.n, t.doc, sum(t.title), sum(t.headings), sum(t.body), sum(t.notes), sum(t.topic), sum(t.extra)
		FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS p(lo, hi, n)
		JOIN search_terms t ON t.term >= p.lo AND t.term < p.hi
		GROUP BY p.n, t.doc`, lo, hi)
	type row struct {
		n   int
		doc int64
		c   counts
	}
	list, err := store.Collect(rows, err, func(r store.Scanner) (row, error) {
		var x row
		err := r.Scan(&x.n, &x.doc, &x.c[0], &x.c[1], &x.c[2], &x.c[3], &x.c[4], &x.c[5])
		return x, err
	})
	if err != nil {
		return fmt.Errorf("search: read terms: %w", err)
	}
	for i := range list {
		ev.phrases[keys[list[i].n-1]][list[i].doc] = &list[i].c
	}
	return nil
}

// readLengths fetches the column lengths of the hits not read yet.
func (ev *pgEvaluator) readLengths(ctx context.Context, hits []hit) error {
	var ids []int64
	for _, h := range hits {
		if _, ok := ev.lengths[h.id]; !ok {
			ids = append(ids, h.id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := ev.tx.QueryContext(ctx, `SELECT doc, title, headings, body, notes, topic, extra FROM search_terms
		WHERE term = '' AND doc = ANY(?::bigint[])`, ids)
	type row struct {
		doc int64
		c   counts
	}
	list, err := store.Collect(rows, err, func(r store.Scanner) (row, error) {
		var x row
		err := r.Scan(&x.doc, &x.c[0], &x.c[1], &x.c[2], &x.c[3], &x.c[4], &x.c[5])
		return x, err
	})
	if err != nil {
		return fmt.Errorf("search: read lengths: %w", err)
	}
	for i := range list {
		ev.lengths[list[i].doc] = &list[i].c
	}
	return nil
}

// readStats reads the number of documents and of words, once per search.
func (ev *pgEvaluator) readStats(ctx context.Context) error {
	if ev.statsRead {
		return nil
	}
	err := ev.tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(title + headings + body + notes + topic + extra), 0), coalesce(sum(title), 0)
		FROM search_terms WHERE term = ''`).Scan(&ev.docs, &ev.words, &ev.title)
	if err != nil {
		return fmt.Errorf("search: read the index's size: %w", err)
	}
	ev.statsRead = true
	return nil
}

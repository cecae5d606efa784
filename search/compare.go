package search

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// A question that compares two things («ما الفرق بين الحكومة الإلكترونية والحكومة المفتوحة»,
// "open government vs e-government") is answered where a lesson sets them side by side, not
// where it names each somewhere: among the first documents found, those whose text has every
// thing compared within a few words of the others rank higher. A thing of several words (a
// term of the thesaurus) counts where its words stand together: «الحكومة المفتوحة» is not
// «الحكومة الإلكترونية» because both say «الحكومة».

// Parameters of comparedTogether: how many of the first documents are read, how near the
// things must be, and by how much such a document's score is multiplied.
const (
	compareDocs   = 20
	compareWindow = 10
	compareBoost  = 2.0
)

// comparedTogether raises the documents among the first compareDocs of hits whose text has
// every word of the query within compareWindow words. stems reads a document's analysed text.
func comparedTogether(ctx context.Context, stems *sql.Stmt, hits []hit, pq *parsedQuery) error {
	f := pq.phraseFinder()
	if f.words < 2 {
		return nil
	}
	order := make([]int, len(hits))
	for i := range order {
		order[i] = i
	}
	sortIndexes(order, hits)
	seen := map[int64]bool{}
	for _, i := range order {
		if len(seen) >= compareDocs {
			break
		}
		if seen[hits[i].id] {
			continue
		}
		seen[hits[i].id] = true
		var text string
		if err := stems.QueryRowContext(ctx, hits[i].id).Scan(&text); err != nil {
			return fmt.Errorf("search: read document %d: %w", hits[i].id, err)
		}
		if f.together(strings.Fields(text), compareWindow) {
			hits[i].score *= compareBoost
		}
	}
	return nil
}

// termSet is what a word of a phrase may be in a text: whole terms and prefixes.
type termSet struct{ exact, prefix []string }

func (s termSet) has(t string) bool {
	for _, e := range s.exact {
		if t == e {
			return true
		}
	}
	for _, p := range s.prefix {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// phrase is a run of words that stands for a query word.
type phrase struct {
	word  int
	terms []termSet
}

// phraseFinder finds where the words of a query stand in a text.
type phraseFinder struct {
	phrases []phrase
	has     []bool // by query word: it has a phrase
	words   int    // how many query words have a phrase
}

// phraseFinder is the finder of the query's words that were not left out: a plain word by its
// terms, a term of the thesaurus or a number in words by each run of words that stands for it.
func (q *parsedQuery) phraseFinder() *phraseFinder {
	f := &phraseFinder{has: make([]bool, len(q.words))}
	for i, w := range q.words {
		if w.dropped {
			continue
		}
		if len(w.phrases) == 0 {
			f.phrases = append(f.phrases, phrase{word: i, terms: []termSet{{exact: w.exact, prefix: w.prefix}}})
		}
		for _, ws := range w.phrases {
			p := phrase{word: i}
			for _, s := range ws {
				e, pre := wordTerms(s, false)
				p.terms = append(p.terms, termSet{exact: append(e, s), prefix: pre})
			}
			f.phrases = append(f.phrases, p)
		}
		f.has[i] = true
		f.words++
	}
	return f
}

// together reports whether every query word with a phrase stands in terms within window
// terms of the others.
func (f *phraseFinder) together(terms []string, window int) bool {
	last := make([]int, len(f.has))
	for i := range last {
		last[i] = -window - 1
	}
	for i, t := range terms {
		found := false
		for _, p := range f.phrases {
			if i+len(p.terms) > len(terms) || !p.terms[0].has(t) {
				continue
			}
			all := true
			for k := 1; k < len(p.terms) && all; k++ {
				all = p.terms[k].has(terms[i+k])
			}
			if all {
				last[p.word] = i
				found = true
			}
		}
		if !found {
			continue
		}
		near := 0
		for w, at := range last {
			if at >= 0 && i-at < window && f.has[w] {
				near++
			}
		}
		if near >= f.words {
			return true
		}
	}
	return false
}

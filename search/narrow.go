package search

import (
	"context"
	"slices"
	"strings"
)

// A prefix term costs FTS5 much more than a whole term: it merges the lists of every indexed
// term that begins with it into one list, in each statement that has it and again for BM25's
// statistics, before it ranks anything. Most prefixes of a query are whole typed words
// («"البيانات"*»), which only one indexed term begins with: that term, matched whole, finds
// the same documents at the same places, so their BM25 scores are the same too.

// narrowPrefixes is whether narrow rewrites prefixes (always, but in a test that compares).
var narrowPrefixes = true

// narrowed is an evaluator whose expressions have each prefix term that only one term of the
// vocabulary begins with replaced by that term.
type narrowed struct {
	evaluator
	v *vocabulary
}

func (n narrowed) match(ctx context.Context, expr string) ([]hit, error) {
	return n.evaluator.match(ctx, n.v.narrow(expr))
}

func (n narrowed) titles(ctx context.Context, expr string) ([]hit, error) {
	return n.evaluator.titles(ctx, n.v.narrow(expr))
}

func (n narrowed) headings(ctx context.Context, expr string) ([]hit, error) {
	return n.evaluator.headings(ctx, n.v.narrow(expr))
}

func (n narrowed) someTitles(ctx context.Context, expr string) ([]hit, error) {
	return n.evaluator.someTitles(ctx, n.v.narrow(expr))
}

// narrow rewrites the prefix terms of an FTS5 expression ("term"*) that exactly one indexed
// term begins with as that term, whole. The vocabulary is read before the search's snapshot,
// so it knows every term of the snapshot but those indexed in between: a search that
// overlaps a re-indexing may miss, for a word typed in part, a document that a new term of
// that moment would have matched, as it may miss the document itself.
func (v *vocabulary) narrow(expr string) string {
	if !narrowPrefixes {
		return expr
	}
	var b strings.Builder
	done := 0 // expr[:done] is in b (once b is used)
	for i := 0; i < len(expr); i++ {
		if expr[i] != '"' {
			continue
		}
		term, end, ok := unquote(expr, i)
		if !ok {
			break
		}
		if end < len(expr) && expr[end] == '*' {
			if only := v.onlyWithPrefix(term); only != "" {
				b.WriteString(expr[done:i])
				b.WriteString(quote(only))
				done = end + 1
			}
		}
		i = end - 1
	}
	if done == 0 {
		return expr
	}
	b.WriteString(expr[done:])
	return b.String()
}

// onlyWithPrefix is the one indexed term that begins with p, or "" when none or several do.
func (v *vocabulary) onlyWithPrefix(p string) string {
	i, _ := slices.BinarySearch(v.sorted, p)
	if i >= len(v.sorted) || !strings.HasPrefix(v.sorted[i], p) {
		return ""
	}
	if i+1 < len(v.sorted) && strings.HasPrefix(v.sorted[i+1], p) {
		return ""
	}
	return v.sorted[i]
}

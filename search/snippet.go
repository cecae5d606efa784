package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a piece of text to show, marked when it is a word the query hit. A snippet or a
// title is a list of spans; the page renders hits inside <mark> and everything as escaped
// text, so no HTML is ever built from the document.
type Span struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit,omitempty"`
}

// SnippetWords is the length of a snippet, in words.
const SnippetWords = 30

// spansOf builds the spans of text between the words [from, to) of spans (of total words),
// marking the words for which hit is true, with whitespace runs shown as one space and "…"
// where the text is cut.
func spansOf(text string, spans []span, from, to, total int, hit []bool) []Span {
	var out []Span
	var b strings.Builder
	flush := func(h bool) {
		if b.Len() > 0 {
			out = append(out, Span{Text: b.String(), Hit: h})
			b.Reset()
		}
	}
	writeGap := func(s string) {
		if strings.IndexByte(s, '\n') >= 0 {
			// A heading or a paragraph ends here: it is not run into the next one.
			s = strings.TrimRightFunc(s, unicode.IsSpace)
			if r, _ := utf8.DecodeLastRuneInString(s); s == "" || !endsSentence(r) {
				s += " ·"
			}
			s += " "
		}
		space := false
		for _, r := range s {
			if unicode.IsSpace(r) {
				space = true
				continue
			}
			if space {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
		if space {
			b.WriteByte(' ')
		}
	}
	if from > 0 {
		b.WriteString("… ")
	}
	for i := from; i < to; i++ {
		if i > from {
			writeGap(text[spans[i-1].end:spans[i].start])
		}
		if hit[i] {
			flush(false)
			b.WriteString(text[spans[i].start:spans[i].end])
			flush(true)
		} else {
			b.WriteString(text[spans[i].start:spans[i].end])
		}
	}
	// What closes the last word up to the next space (a full stop, a question mark, a
	// closing bracket), if short.
	if to > 0 {
		rest := text[spans[to-1].end:]
		n := 0
		for n < len(rest) && n < 16 {
			r, size := utf8.DecodeRuneInString(rest[n:])
			if unicode.IsSpace(r) {
				break
			}
			n += size
		}
		b.WriteString(rest[:n])
	}
	if to < total {
		b.WriteString(" …")
	}
	flush(false)
	return out
}

// endsSentence reports whether r closes a sentence.
func endsSentence(r rune) bool {
	switch r {
	case '.', '!', '?', '؟', '؛', ':', '…', '۔':
		return true
	}
	return false
}

// sentenceStart returns the word where the sentence, heading or paragraph that holds word
// i begins, if it is at most limit words before i; -1 otherwise.
func sentenceStart(text string, spans []span, i, limit int) int {
	for j := i; j >= 0 && j >= i-limit; j-- {
		if j == 0 {
			return 0
		}
		gap := text[spans[j-1].end:spans[j].start]
		if strings.IndexByte(gap, '\n') >= 0 {
			return j
		}
		if r, _ := utf8.DecodeRuneInString(gap); endsSentence(r) {
			return j
		}
	}
	return -1
}

// highlight marks every hit of a short text (a title), analysing its words in lang.
func highlight(text, lang string, m *matcher) []Span {
	spans := wordSpans(text, nil)
	if len(spans) == 0 {
		return []Span{{Text: text}}
	}
	a := newAnalyzer(lang)
	hit := make([]bool, len(spans))
	for i, sp := range spans {
		hit[i] = m.word(a, text[sp.start:sp.end]) >= 0
	}
	out := spansOf(text, spans, 0, len(spans), len(spans), hit)
	// Keep what comes before the first word and after the last (e.g. an opening « or ¿).
	if pre := text[:spans[0].start]; strings.TrimSpace(pre) != "" {
		out = append([]Span{{Text: pre}}, out...)
	}
	return out
}

// word returns the query word that a word of a text hits, analysing it in full: its stem,
// its normal form and its second reading. -1 when none.
func (m *matcher) word(a *analyzer, w string) int {
	surf := normWord(w)
	st, _ := a.word(surf)
	return m.known(st, surf)
}

// known is word for a word whose stem is already known (as stored in the index): it checks
// the stem, then the normal form (for the prefix of the word being typed) and the Arabic
// second reading, which need no stemmer but the cheap Arabic one.
func (m *matcher) known(stem, surf string) int {
	if i := m.term(stem); i >= 0 {
		return i
	}
	if i := m.term(surf); i >= 0 {
		return i
	}
	if scriptOf(surf) == scriptArabic {
		return m.term(arabicAlt(surf, stem))
	}
	return -1
}

// snippet picks the passage of body that shows the query best, as spans. stems is what the
// index holds for body (one stem per word, space-separated); when it does not line up with
// the words of body (an index built by another version), the body is analysed again.
func snippet(body, stems, lang string, m *matcher) []Span {
	// First pass: the stored stems, which is only string comparison.
	var word []int // the query word each word hits, -1 for none
	var hits []int
	for i, rest := 0, stems; rest != ""; i++ {
		t := rest
		if j := strings.IndexByte(rest, ' '); j >= 0 {
			t, rest = rest[:j], rest[j+1:]
		} else {
			rest = ""
		}
		w := m.term(t)
		word = append(word, w)
		if w >= 0 {
			hits = append(hits, i)
		}
	}
	n := len(word)
	// The words of the original text are cut only as far as needed: up to the end of the
	// window, or of the part searched when no stem hit (the document matched by a second
	// reading, a typed prefix, or only in its title or context).
	const searched = 1000
	var spans []span
	if len(hits) == 0 {
		spans = wordSpansN(body, nil, searched+SnippetWords)
		terms := termsIn(stems, 0, min(len(spans), n, searched))
		for i, t := range terms {
			if word[i] = m.known(t, normWord(body[spans[i].start:spans[i].end])); word[i] >= 0 {
				hits = append(hits, i)
			}
		}
	}
	from := 0
	if len(hits) > 0 {
		from = bestWindow(hits, word, m.n)
	}
	to := min(n, from+SnippetWords)
	from = max(0, min(from, to-SnippetWords))
	if len(spans) < to {
		spans = wordSpansN(body, spans[:0], to)
	}
	if len(spans) < to || stems == "" && body != "" {
		// The stored stems do not line up with the text (an index written by another
		// version of the analyser): analyse the text again.
		return reanalysedSnippet(body, lang, m)
	}
	// Begin where the sentence (or the heading, or the paragraph) begins, when it is near.
	if len(hits) > 0 {
		first := from
		for _, h := range hits {
			if h >= from {
				first = h
				break
			}
		}
		if st := sentenceStart(body, spans, first, 12); st >= 0 {
			from = st
			to = min(n, from+SnippetWords)
			if len(spans) < to {
				spans = wordSpansN(body, spans[:0], to)
			}
			to = min(to, len(spans))
		}
	}
	// Second pass in the window: words hit by their normal form or second reading too.
	hit := make([]bool, to)
	for k, t := range termsIn(stems, from, to) {
		i := from + k
		hit[i] = word[i] >= 0 || m.known(t, normWord(body[spans[i].start:spans[i].end])) >= 0
	}
	return spansOf(body, spans, from, to, n, hit)
}

// termsIn returns the terms [from, to) of a stored analysed column (terms separated by
// single spaces).
func termsIn(stems string, from, to int) []string {
	out := make([]string, 0, max(0, to-from))
	for i, rest := 0, stems; rest != "" && i < to; i++ {
		t := rest
		if j := strings.IndexByte(rest, ' '); j >= 0 {
			t, rest = rest[:j], rest[j+1:]
		} else {
			rest = ""
		}
		if i >= from {
			out = append(out, t)
		}
	}
	return out
}

// reanalysedSnippet is snippet for a text whose stems are not at hand.
func reanalysedSnippet(body, lang string, m *matcher) []Span {
	a := newAnalyzer(lang)
	spans := wordSpans(body, nil)
	if len(spans) == 0 {
		return nil
	}
	var b strings.Builder
	for i, sp := range spans {
		if i > 0 {
			b.WriteByte(' ')
		}
		st, _ := a.word(normWord(body[sp.start:sp.end]))
		b.WriteString(st)
	}
	return snippet(body, b.String(), lang, m)
}

// bestWindow returns where the snippet should start: the window of SnippetWords words with
// the most different query words, then the most hits, starting a few words before its first
// hit (or at the sentence it begins, when that is close).
func bestWindow(hits, word []int, nwords int) int {
	best, bestDistinct, bestCount := hits[0], -1, -1
	seen := make([]int, max(nwords, 1))
	for k, h := range hits {
		for i := range seen {
			seen[i] = 0
		}
		distinct, count := 0, 0
		for _, j := range hits[k:] {
			if j >= h+SnippetWords-4 {
				break
			}
			if w := word[j]; w >= 0 && w < len(seen) {
				if seen[w] == 0 {
					distinct++
				}
				seen[w]++
			}
			count++
		}
		if distinct > bestDistinct || distinct == bestDistinct && count > bestCount {
			best, bestDistinct, bestCount = h, distinct, count
		}
		if distinct == nwords && count >= 4 {
			break
		}
	}
	return max(0, best-4)
}

package search

import (
	"strconv"
	"strings"
)

// analyzerVersion changes whenever the analysis below changes, so that an index built by an
// older version is rebuilt rather than compared with queries analysed differently.
const analyzerVersion = "3"

// Token is one word of a text as the index sees it.
type Token struct {
	Start, End int    // the word's byte offsets in the original text
	Surface    string // its normal form (Normalize)
	Stem       string // what is indexed and matched
	Alt        string // Arabic only: a second reading without a one-letter proclitic (و ف ب ك ل), or ""
}

// Analyze cuts text into words and analyses each one. Arabic-script words get the Arabic
// light stemmer whatever lang says; Latin-script words get the French stemmer when lang is
// "fr" and the English (Snowball) one otherwise; numbers and other scripts are only
// normalised.
func Analyze(text, lang string) []Token {
	a := newAnalyzer(lang)
	spans := wordSpans(text, nil)
	out := make([]Token, len(spans))
	for i, sp := range spans {
		surf := normWord(text[sp.start:sp.end])
		st, alt := a.word(surf)
		out[i] = Token{Start: sp.start, End: sp.end, Surface: surf, Stem: st, Alt: alt}
	}
	return out
}

// analyzer analyses the words of one language, remembering the stems of Latin words (the
// Snowball stemmer is the slowest step, and texts repeat their words).
type analyzer struct {
	lang  string
	cache map[string]string
	spans []span
}

func newAnalyzer(lang string) *analyzer {
	return &analyzer{lang: lang, cache: map[string]string{}}
}

// word returns the stem and second reading of a normalised word.
func (a *analyzer) word(surf string) (stem, alt string) {
	switch scriptOf(surf) {
	case scriptArabic:
		stem = stemArabic(surf)
		return stem, arabicAlt(surf, stem)
	case scriptLatin:
		if s, ok := a.cache[surf]; ok {
			return s, ""
		}
		if a.lang == "fr" {
			stem = stemFrench(surf)
		} else {
			stem = stemEnglish(surf)
		}
		if len(a.cache) < 200_000 {
			a.cache[surf] = stem
		}
		return stem, ""
	}
	return surf, ""
}

// analysed is a document in the form of the search_fts columns, and the analysed body as a
// whole (search_docs.stems).
type analysed struct {
	title, headings, body, notes, topic, extra string
	stems                                      string
}

// docInput is what is analysed of a document.
type docInput struct {
	title, body string
	headings    []string // the texts of the body's heading lines
	notesAt     int      // where the footnotes begin in body (len(body) without any)
	topic       string   // a lesson's course title
	context     []string // more words to find it by
}

// document analyses a document: its title and body word by word (one stem per word, so
// that hits can be mapped back to the original), the words of the body sorted into
// headings, text and footnotes, its topic, and an extra column with the surface forms that
// differ from their stems (for prefix matching of a word being typed), the second readings,
// and the words of the context (a workshop's city and country). The digits of the numbers
// spelt in words are added to the part (title, heading, text, footnote) they are in.
func (a *analyzer) document(in docInput) analysed {
	seen := map[string]bool{}
	var extra []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			extra = append(extra, s)
		}
	}
	var surfs []string
	// words analyses text: all its stems, and the stems by part (0 text, 1 heading, 2 note).
	words := func(text string, part func(start int) int) (all string, parts [3]string) {
		a.spans = wordSpans(text, a.spans[:0])
		surfs = surfs[:0]
		var b strings.Builder
		var pb [3]strings.Builder
		b.Grow(len(text))
		for i, sp := range a.spans {
			surf := normWord(text[sp.start:sp.end])
			surfs = append(surfs, surf)
			st, alt := a.word(surf)
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(st)
			k := part(sp.start)
			if pb[k].Len() > 0 {
				pb[k].WriteByte(' ')
			}
			pb[k].WriteString(st)
			if surf != st {
				add(surf)
			}
			add(alt)
		}
		// The digits of the numbers spelt in words, in the part where the number is: a
		// title that says «المراحل الأربع» or "four phases" has «4» in its title as «المرحلة
		// 4» does. They follow the part's words, whose stems stay in the places the
		// snippets read them from.
		all = b.String()
		for _, p := range numberPhrases(surfs) {
			d := strconv.Itoa(p.value)
			k := part(a.spans[p.start].start)
			if pb[k].Len() > 0 {
				pb[k].WriteByte(' ')
			}
			pb[k].WriteString(d)
		}
		return all, [3]string{pb[0].String(), pb[1].String(), pb[2].String()}
	}
	var out analysed
	_, parts := words(in.title, func(int) int { return 0 })
	out.title = parts[0]
	headingLines := headingRanges(in.body, in.headings)
	out.stems, parts = words(in.body, func(start int) int {
		if start >= in.notesAt {
			return 2
		}
		for _, r := range headingLines {
			if start >= r.start && start < r.end {
				return 1
			}
		}
		return 0
	})
	out.body, out.headings, out.notes = parts[0], parts[1], parts[2]
	if in.topic != "" {
		out.topic, _ = words(in.topic, func(int) int { return 0 })
	}
	for _, text := range in.context {
		a.spans = wordSpans(text, a.spans[:0])
		for _, sp := range a.spans {
			surf := normWord(text[sp.start:sp.end])
			st, alt := a.word(surf)
			add(st)
			add(surf)
			add(alt)
		}
	}
	out.extra = strings.Join(extra, " ")
	return out
}

// headingRanges are the byte ranges of the lines of body that are one of the headings.
func headingRanges(body string, headings []string) []span {
	if len(headings) == 0 {
		return nil
	}
	var out []span
	for start := 0; start < len(body); {
		end := strings.IndexByte(body[start:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += start
		}
		line := strings.TrimSpace(body[start:end])
		if line != "" && contains(headings, line) {
			out = append(out, span{start, end})
		}
		start = end + 1
	}
	return out
}

// isStop reports whether a normalised word is a function word of Arabic, English or French.
// An Arabic function word joined to the conjunction و or ف («وكيف», «فهل», «ولماذا») is one
// too, but for the words that are something else written so: «والي» (a governor), and a
// pronoun after them, which is also a noun (فهم understanding, وهم illusion, وهن weakness).
func isStop(surf string) bool {
	if arStop[surf] || enStop[surf] || frStop[surf] {
		return true
	}
	rest, ok := strings.CutPrefix(surf, "و")
	if !ok {
		rest, ok = strings.CutPrefix(surf, "ف")
	}
	if !ok || runeLen(rest) < 2 || !arStop[rest] || arPronounWords[rest] {
		return false
	}
	_, exception := arExceptions[surf]
	return !exception
}

// arPronounWords are the pronouns that, joined to و or ف, spell nouns.
var arPronounWords = set("هم", "هن", "هما")

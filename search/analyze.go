package search

import "strings"

// analyzerVersion changes whenever the analysis below changes, so that an index built by an
// older version is rebuilt rather than compared with queries analysed differently.
const analyzerVersion = "1"

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

// analysed is a document in the form of the search_fts columns.
type analysed struct {
	title, body, extra string
}

// document analyses a document: its title and body word by word (one stem per word, so
// that hits can be mapped back to the original), and an extra column with the surface
// forms that differ from their stems (for prefix matching of a word being typed), the
// second readings, and the words of the context (a lesson's course title, a workshop's
// city and country).
func (a *analyzer) document(title, body string, context ...string) analysed {
	seen := map[string]bool{}
	var extra []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			extra = append(extra, s)
		}
	}
	column := func(text string) string {
		a.spans = wordSpans(text, a.spans[:0])
		var b strings.Builder
		b.Grow(len(text))
		for i, sp := range a.spans {
			surf := normWord(text[sp.start:sp.end])
			st, alt := a.word(surf)
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(st)
			if surf != st {
				add(surf)
			}
			add(alt)
		}
		return b.String()
	}
	out := analysed{title: column(title), body: column(body)}
	for _, text := range context {
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

// isStop reports whether a normalised word is a function word of Arabic, English or French.
func isStop(surf string) bool {
	return arStop[surf] || enStop[surf] || frStop[surf]
}

package search

import (
	"strings"
	"unicode/utf8"
)

// Loanwords typed in Arabic letters.
//
// Officials type English and French words in Arabic script («بلاتفورم», «ديجيتال», «داشبورد»,
// «سيرفس»), in as many spellings as there are ways to hear them, while the lessons say منصة or
// platform. A word that matches nothing indexed and is written only with the letters Arabic
// uses for foreign sounds is reduced to its consonant skeleton (بلاتفورم → bltfrm), and so is
// every Latin word of the index (platform → bltfrm: p and b are one letter in Arabic, the
// vowels are left out because Arabic writes them as it likes); a word whose skeleton is that
// of an indexed Latin word is searched for as that word, and as the other terms of its
// thesaurus group (so «بلاتفورم» also finds the Arabic lessons about منصة).

// minSkeleton is the length below which a skeleton says too little to be matched (داتا →
// dt would match date, debt, dot…): such loanwords belong in the thesaurus.
const minSkeleton = 3

// arabicSkeleton is the consonant skeleton of a normalised Arabic word heard as a loanword, or
// "" when the word cannot be one: it has a letter that Arabic keeps for its own sounds (ع ح ص
// ض ط ظ ق ذ غ), or it ends in the feminine ه.
func arabicSkeleton(w string) string {
	w = withoutArticle(w)
	if strings.HasSuffix(w, "ه") {
		return ""
	}
	var b strings.Builder
	for _, r := range w {
		var c byte
		switch r {
		case 'ب', 'پ':
			c = 'b'
		case 'ت', 'ث':
			c = 't'
		case 'ج', 'چ':
			c = 'j'
		case 'خ', 'ك', 'گ':
			c = 'k'
		case 'د':
			c = 'd'
		case 'ر':
			c = 'r'
		case 'ز', 'س', 'ش':
			c = 's'
		case 'ف', 'ڤ':
			c = 'f'
		case 'ل':
			c = 'l'
		case 'م':
			c = 'm'
		case 'ن':
			c = 'n'
		case 'ا', 'و', 'ي', 'ه', 'ء':
			continue // vowels and h, which Arabic writes or leaves out as it likes
		default:
			return "" // an Arabic sound, or not a letter of a loanword
		}
		appendSkeleton(&b, c)
	}
	return b.String()
}

// withoutArticle is a loanword without the article joined to it («البرايفسي»).
func withoutArticle(w string) string {
	if strings.HasPrefix(w, "ال") && utf8.RuneCountInString(w) > 5 {
		return w[len("ال"):]
	}
	return w
}

// latinSkeleton is the consonant skeleton of a lower-case Latin word (a–z only, else ""), as
// Arabic would write its consonants: p as b, v as f, c and g by the vowel that follows, th
// as t, sh and ch as s, z as s, the t of -tion as s, a final gn as n (design); vowels, h, w and y left out.
func latinSkeleton(w string) string {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		ch := w[i]
		if ch < 'a' || ch > 'z' {
			return ""
		}
		next := byte(0)
		if i+1 < len(w) {
			next = w[i+1]
		}
		soft := next == 'e' || next == 'i' || next == 'y'
		var c byte
		switch ch {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'h', 'w':
			continue
		case 'b', 'p':
			c = 'b'
			if ch == 'p' && next == 'h' {
				c, i = 'f', i+1
			}
		case 't':
			c = 't'
			if next == 'h' {
				i++
			} else if next == 'i' && i+2 < len(w) && (w[i+2] == 'o' || w[i+2] == 'a') {
				c = 's' // -tion, -tial: ـشن, ـسيون
			}
		case 's':
			c = 's'
			if next == 'h' {
				i++
			}
		case 'c':
			switch {
			case next == 'h':
				c, i = 's', i+1
			case next == 'k':
				c, i = 'k', i+1
			case soft:
				c = 's'
			default:
				c = 'k'
			}
		case 'g':
			c = 'j'
			if next == 'n' && i+2 == len(w) {
				continue // the silent g of design, campaign
			}
		case 'q', 'k':
			c = 'k'
			if ch == 'q' && next == 'u' {
				i++
			}
		case 'x':
			appendSkeleton(&b, 'k')
			c = 's'
		case 'z':
			c = 's'
		case 'v', 'f':
			c = 'f'
		case 'j':
			c = 'j'
		default: // d l m n r
			c = ch
		}
		appendSkeleton(&b, c)
	}
	return b.String()
}

// appendSkeleton adds a consonant, once for a doubled one.
func appendSkeleton(b *strings.Builder, c byte) {
	if s := b.String(); s != "" && s[len(s)-1] == c {
		return
	}
	b.WriteByte(c)
}

// loanword returns the indexed Latin word that an Arabic word may stand for, or "".
func (v *vocabulary) loanword(w string) string {
	sk := arabicSkeleton(w)
	if len(sk) < minSkeleton {
		return ""
	}
	// Of the words with that skeleton, the one whose length is closest to the Arabic word's
	// (ديزاين is design, not decision), then the most frequent; the article is not counted
	// («البرايفسي» is privacy, not the French approuves).
	n := utf8.RuneCountInString(withoutArticle(w))
	best, bestGap, bestDF := "", 0, 0
	for _, i := range v.latin[sk] {
		t := v.sorted[i]
		gap, df := abs(len(strings.TrimSuffix(t, "e"))-n), v.df[t] // a final e is not heard
		if best == "" || gap < bestGap || gap == bestGap && (df > bestDF || df == bestDF && t < best) {
			best, bestGap, bestDF = t, gap, df
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// groupOf returns the FTS5 expressions of the terms of the thesaurus group whose one-word
// term is word (none when it has no group), and the terms to highlight for them.
func (th *Thesaurus) groupOf(word string) (alts, mark []string) {
	g, n := th.match([]string{thesaurusKey(word)}, 0)
	if n != 1 {
		return nil, nil
	}
	for _, t := range th.groups[g] {
		var ws []string
		for _, sp := range wordSpans(t.text, nil) {
			if surf := normWord(t.text[sp.start:sp.end]); !isStop(surf) {
				ws = append(ws, surf)
			}
		}
		if len(ws) == 0 {
			continue
		}
		alts = append(alts, conjunction(ws, false))
		for _, s := range ws {
			e, p := wordTerms(s, false)
			mark = append(append(mark, e...), p...)
		}
	}
	return dedupe(alts), dedupe(mark)
}

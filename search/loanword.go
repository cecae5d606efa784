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
// ض ط ظ ق ذ), or it ends in the feminine ه.
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
		case 'ج', 'چ', 'غ':
			c = 'j' // a hard g is written ج in Egypt and غ in the Levant and the Gulf (غوفرنمنت)
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
	// Before all that, a word whose vowels are those the Arabic writes (هاشينغ: a then i, as
	// in hashing, not échange).
	n := utf8.RuneCountInString(withoutArticle(w))
	vowels := arabicVowels(withoutArticle(w))
	best, bestSame, bestGap, bestDF := "", false, 0, 0
	for _, i := range v.latin[sk] {
		t := v.sorted[i]
		if notLoanwords[t] || isStop(t) {
			continue
		}
		t0 := strings.TrimSuffix(t, "e") // a final e is not heard
		same, gap, df := latinVowels(t0) == vowels, abs(len(t0)-n), v.df[t]
		switch {
		case best == "", same && !bestSame:
		case same != bestSame, gap > bestGap:
			continue
		case gap == bestGap && (df < bestDF || df == bestDF && t > best):
			continue
		}
		best, bestSame, bestGap, bestDF = t, same, gap, df
	}
	return best
}

// arabicVowels are the long vowels an Arabic word writes, in order: ا as a, و as u, ي as i.
func arabicVowels(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch r {
		case 'ا':
			b.WriteByte('a')
		case 'و':
			b.WriteByte('u')
		case 'ي':
			b.WriteByte('i')
		}
	}
	return b.String()
}

// latinVowels are the vowels of a Latin word as Arabic would write them (a as ا, o and u as
// و, e, i and y as ي), vowels side by side counted once.
func latinVowels(w string) string {
	var b strings.Builder
	prev := false
	for i := 0; i < len(w); i++ {
		var c byte
		switch w[i] {
		case 'a':
			c = 'a'
		case 'o', 'u':
			c = 'u'
		case 'e', 'i', 'y':
			c = 'i'
		}
		if c != 0 && !prev {
			b.WriteByte(c)
		}
		prev = c != 0
	}
	return b.String()
}

// notLoanwords are Latin words of the lessons that no one borrows into spoken Arabic:
// prepositions, conjunctions and adverbs. Without them «شلون» (how, in Iraq and the Gulf)
// was the French «selon», and «بايلوت» (pilot) «plutôt».
var notLoanwords = set(
	"selon", "plutot", "alors", "ainsi", "aussi", "apres", "avant", "depuis", "pendant", "sans",
	"sous", "chez", "vers", "entre", "comme", "comment", "pourquoi", "quand", "tres", "trop",
	"bien", "tout", "tous", "toute", "toutes", "meme", "deja", "encore", "jamais", "toujours",
	"souvent", "parfois", "ensuite", "enfin", "puis", "cependant", "pourtant", "toutefois",
	"lorsque", "puisque", "parce", "car", "donc", "dont", "lequel", "laquelle", "celui", "celle",
	"ceux", "cela", "ceci", "autre", "autres", "plusieurs", "chaque", "certains", "certaines",
	"aucun", "aucune", "moins", "plus", "beaucoup", "peu", "afin", "ailleurs", "aupres",
	"about", "after", "before", "while", "other", "others", "under", "over", "between", "without",
	"within", "through", "during", "against", "because", "although", "though", "however",
	"therefore", "thus", "also", "only", "very", "such", "whom", "whose", "would", "should",
	"could", "might", "must", "shall", "being", "having", "onto", "upon", "more", "most", "less",
	"least", "many", "much", "each", "every", "some", "any", "both", "either", "neither", "rather",
	"whether", "until", "since", "among", "across", "along", "around", "behind", "beyond", "below",
	"above", "toward", "towards", "instead", "already", "still", "often", "sometimes", "never",
)

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

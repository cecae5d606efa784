package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	tatweel = '\u0640'
	zwnj    = '\u200c'
	zwj     = '\u200d'
	hamza   = '\u0621'
	alef    = '\u0627'
	yeh     = '\u064a'
	heh     = '\u0647'
	waw     = '\u0648'
)

// isWordStart reports whether a word may begin with r: a letter (not the tatweel, which only
// stretches a word) or a decimal digit of any script.
func isWordStart(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case r >= 0x0621 && r <= 0x064A: // Arabic letters (and the tatweel)
		return r != tatweel
	case r >= 0x0660 && r <= 0x0669, r >= 0x06F0 && r <= 0x06F9: // Arabic-Indic and Persian digits
		return true
	case r >= 0x00C0 && r <= 0x024F: // Latin-1 and Extended-A and -B letters, but × and ÷
		return r != 0xD7 && r != 0xF7
	case r == tatweel:
		return false
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nd, r)
}

// isWordPart reports whether r continues a word: what may start one, plus combining marks
// (Arabic tashkeel, Latin accents written as marks), the tatweel and the zero-width joiners
// that Persian and Arabic typing leave inside words.
func isWordPart(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case r >= 0x0621 && r <= 0x065F, r == 0x0670: // Arabic letters, tatweel, tashkeel
		return true
	}
	return isWordStart(r) || r == tatweel || r == zwnj || r == zwj || unicode.Is(unicode.M, r)
}

// span is a word's place in a text, as byte offsets.
type span struct{ start, end int }

// wordSpans splits s into words: a word starts with a letter or digit and runs over letters,
// digits and marks; everything else (spaces, punctuation, symbols, apostrophes, hyphens)
// separates words. The same function cuts the text that is indexed and the text that a
// snippet is taken from, which is what keeps the two aligned.
func wordSpans(s string, out []span) []span { return wordSpansN(s, out, -1) }

// wordSpansN is wordSpans stopping after n words (all of them when n < 0).
func wordSpansN(s string, out []span, n int) []span {
	start := -1
	for i, r := range s {
		if start < 0 {
			if isWordStart(r) {
				if len(out) == n {
					return out
				}
				start = i
			}
			continue
		}
		if !isWordPart(r) {
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(s)})
	}
	return out
}

// latinFold maps the Latin letters beyond ASCII (Latin-1, Extended-A and -B, Extended
// Additional) to lower-case ASCII: é → e, Ç → c, œ → oe, ß → ss.
var latinFold = func() map[rune]string {
	m := map[rune]string{}
	special := map[rune]string{'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ẞ': "ss", 'ø': "o", 'Ø': "o",
		'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'ı': "i", 'þ': "th", 'Þ': "th", 'ð': "d", 'Ð': "d", 'ħ': "h", 'Ħ': "h"}
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			if s, ok := special[r]; ok {
				m[r] = s
				continue
			}
			if !unicode.IsLetter(r) {
				continue
			}
			var b strings.Builder
			for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
				if !unicode.Is(unicode.Mn, d) {
					b.WriteRune(d)
				}
			}
			if s := b.String(); s != string(r) {
				m[r] = s
			}
		}
	}
	add(0x00C0, 0x024F)
	add(0x1E00, 0x1EFF)
	return m
}()

// isArabicPresentation reports whether r is one of the Arabic presentation forms (ligatures
// and contextual shapes) that old documents and some keyboards produce.
func isArabicPresentation(r rune) bool {
	return r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF
}

// isArabicLetter reports whether r is a letter of the Arabic script.
func isArabicLetter(r rune) bool {
	return (r >= 0x0620 && r <= 0x064A || r >= 0x066E && r <= 0x06D3 || r >= 0x06FA && r <= 0x06FF ||
		r >= 0x0750 && r <= 0x077F || r >= 0x08A0 && r <= 0x08C9) && r != tatweel
}

// normRune appends the normal form of r to b. next is the rune after r in the word (0 at
// the end), for the rules that look ahead.
func normRune(b []byte, r, next rune) []byte {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(b, byte(r))
	case r >= 0x0600 && r <= 0x06FF:
		switch {
		case r >= 0x0610 && r <= 0x061A, r >= 0x064B && r <= 0x065F, r == 0x0670,
			r >= 0x06D6 && r <= 0x06DC, r >= 0x06DF && r <= 0x06E4, r == 0x06E7, r == 0x06E8,
			r >= 0x06EA && r <= 0x06ED, r == tatweel:
			return b // tashkeel, Quranic marks, superscript alef, tatweel
		case r == 0x0622, r == 0x0623, r == 0x0625, r == 0x0671, r == 0x0672, r == 0x0673, r == 0x0675:
			r = alef // آ أ إ ٱ …
		case r == 0x0649, r == 0x06CC:
			r = yeh // ى and the Persian ی
		case r == 0x0629, r == 0x06C0, r == 0x06C3:
			r = heh // ة
		case r == 0x0624:
			r = waw // ؤ
		case r == 0x0626:
			// ئ → ي, except the Egyptian spelling ئو of ؤو: مسئول = مسؤول → مسوول.
			if next == waw {
				r = waw
			} else {
				r = yeh
			}
		case r == 0x06A9, r == 0x06AA:
			r = 0x0643 // Persian and swash kaf → ك
		case r >= 0x0660 && r <= 0x0669:
			return append(b, byte('0'+r-0x0660)) // Arabic-Indic digits
		case r >= 0x06F0 && r <= 0x06F9:
			return append(b, byte('0'+r-0x06F0)) // Persian digits
		}
		return utf8.AppendRune(b, r)
	case isArabicPresentation(r):
		for _, d := range norm.NFKC.String(string(r)) {
			if d != ' ' {
				b = normRune(b, d, 0)
			}
		}
		return b
	case r == zwnj || r == zwj:
		return b
	case r >= 0xFF10 && r <= 0xFF19:
		return append(b, byte('0'+r-0xFF10)) // full-width digits
	case r >= 0xFF21 && r <= 0xFF3A:
		return append(b, byte('a'+r-0xFF21))
	case r >= 0xFF41 && r <= 0xFF5A:
		return append(b, byte('a'+r-0xFF41))
	}
	if s, ok := latinFold[r]; ok {
		return append(b, s...)
	}
	if unicode.Is(unicode.M, r) {
		return b // accents typed as combining marks
	}
	return utf8.AppendRune(b, unicode.ToLower(r))
}

// normWord is the normal form of one word (as cut by wordSpans): lower case, accents and
// Arabic diacritics removed, Arabic letter variants unified (أ إ آ ٱ → ا, ى → ي, ة → ه,
// ؤ → و, ئ → ي), digits of every script written as ASCII, then the whole-word rules of
// foldArabic (a final hamza dropped, a medial one on a ya, repeated letters). It is never
// empty for a word.
func normWord(w string) string {
	simple := true
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			simple = false
			break
		}
	}
	if simple {
		return w
	}
	b := make([]byte, 0, len(w))
	for i, r := range w {
		var next rune
		if j := i + utf8.RuneLen(r); j < len(w) {
			next, _ = utf8.DecodeRuneInString(w[j:])
		}
		b = normRune(b, r, next)
	}
	return foldArabic(string(b))
}

// foldArabic applies the rules of normWord that look at a whole Arabic word, after its
// letters were unified: a word-final hamza is dropped (انشاء → انشا); a hamza left inside the
// word is read as sitting on a ya (مساءلة → مسايله, the same as the misspelt مسائلة); a letter
// typed three times or more is one letter (البيانااات → البيانات); and a doubled final letter
// of a word of four letters or more is one (الشفافيةة → الشفافيه).
func foldArabic(s string) string {
	s = dropFinalHamza(s)
	if strings.Contains(s, "ء") && utf8.RuneCountInString(s) > 1 {
		s = strings.ReplaceAll(s, "ء", "ي")
	}
	// Repeated letters: only Arabic words are touched (a Latin "www" or "xxx" stays).
	var prev rune
	run, n, arabic, repeated := 0, 0, false, false
	for _, r := range s {
		if r == prev {
			run++
			if run >= 2 {
				repeated = true
			}
		} else {
			run = 0
		}
		if isArabicLetter(r) {
			arabic = true
		}
		prev = r
		n++
	}
	if !arabic {
		return s
	}
	if repeated {
		var b strings.Builder
		rs := []rune(s)
		for i := 0; i < len(rs); {
			j := i
			for j < len(rs) && rs[j] == rs[i] {
				j++
			}
			if j-i >= 3 {
				b.WriteRune(rs[i])
			} else {
				for k := i; k < j; k++ {
					b.WriteRune(rs[k])
				}
			}
			i = j
		}
		s = b.String()
		n = utf8.RuneCountInString(s)
	}
	if n >= 5 {
		last, size := utf8.DecodeLastRuneInString(s)
		if before, _ := utf8.DecodeLastRuneInString(s[:len(s)-size]); before == last && isArabicLetter(last) {
			s = s[:len(s)-size]
		}
	}
	return s
}

// dropFinalHamza removes a hamza written on the line at the end of a word of three letters
// or more: انشاء → انشا, اجراء → اجرا, شيء → شي.
func dropFinalHamza(s string) string {
	if strings.HasSuffix(s, "ء") && utf8.RuneCountInString(s) > 2 {
		return s[:len(s)-len("ء")]
	}
	return s
}

// Normalize returns the words of s in their normal form (see the package documentation),
// separated by single spaces: what the index compares, before stemming.
func Normalize(s string) string {
	var b strings.Builder
	for _, sp := range wordSpans(s, nil) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(normWord(s[sp.start:sp.end]))
	}
	return b.String()
}

// script of a normalised word, which decides its stemmer.
type script int

const (
	scriptOther script = iota
	scriptArabic
	scriptLatin
	scriptDigits
)

func scriptOf(w string) script {
	digits := true
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			continue
		case r < utf8.RuneSelf:
			return scriptLatin
		case isArabicLetter(r):
			return scriptArabic
		case unicode.Is(unicode.Latin, r):
			return scriptLatin
		default:
			digits = false
		}
	}
	if digits {
		return scriptDigits
	}
	return scriptOther
}

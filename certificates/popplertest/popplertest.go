// Package popplertest reads back what poppler's pdftotext writes of the PDFs the
// certificates' engine draws, for the tests of the packages that print with it: poppler
// writes right-to-left runs between embedding marks, in an order of its own, and these
// functions give the text as it was typed or as it was laid out.
package popplertest

import (
	"strings"
	"unicode"

	"github.com/benoitkugler/textprocessing/fribidi"
)

// Marks removes the embedding marks poppler writes around runs of each direction.
var Marks = strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "")

// Visual is s as the Unicode bidirectional algorithm shows it, left to right, in a
// paragraph of the given direction; explicit embedding marks are obeyed, then dropped.
func Visual(s string, rtl bool) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return ""
	}
	base := fribidi.ParType(fribidi.LTR)
	if rtl {
		base = fribidi.RTL
	}
	v, _ := fribidi.LogicalToVisual(0, rs, &base)
	return strings.Map(func(r rune) rune {
		if (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f {
			return -1
		}
		return r
	}, string(v.Str))
}

// NoSpace is s without its spaces and line breaks.
func NoSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// PopplerVisual undoes poppler's writing of a line: left to right with each right-to-left
// section reversed into logical order between RLE and PDF marks (a page mainly
// left-to-right), or, wrapped whole in RLE … PDF, right to left with left-to-right sections
// between LRE and PDF (a page mainly right-to-left). It returns the line as it was laid out,
// left to right.
func PopplerVisual(l string) string {
	rs := []rune(strings.TrimSpace(l))
	if len(rs) >= 2 && rs[0] == 0x202b && rs[len(rs)-1] == 0x202c && !strings.ContainsRune(string(rs[1:len(rs)-1]), 0x202b) {
		return Visual(string(rs), true)
	}
	var out []rune
	for i := 0; i < len(rs); i++ {
		if rs[i] != 0x202b {
			if rs[i] != 0x202c {
				out = append(out, rs[i])
			}
			continue
		}
		j := i + 1
		for j < len(rs) && rs[j] != 0x202c {
			j++
		}
		for k := j - 1; k > i; k-- {
			out = append(out, rs[k])
		}
		i = j
	}
	return string(out)
}

// Mixed reports whether a line is more than words of one script: poppler reads a line in
// logical order only when it is Arabic words alone (it cuts right-to-left sections at
// digits, Latin letters and punctuation) or has no Arabic at all.
func Mixed(s string) bool {
	ar, other := false, false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case unicode.Is(unicode.Arabic, r) && (unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)):
			ar = true
		default:
			other = true
		}
	}
	return ar && other
}

package certificates

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Codes are 12 Crockford base-32 symbols of randomness (60 bits) and one check symbol,
// written in groups of four: 7K3M-9QXD-2B4T-F. Reading one back forgives case, dashes and
// spaces, and the confusions Crockford's alphabet is designed for: O is read as 0, I and L
// as 1. The check symbol catches every single mistyped symbol and every swap of two
// neighbours: it is computed with Damm's algorithm over the quasigroup x∗y = 2x ⊕ y of the
// field GF(32), so that it stays within the 32 symbols (Crockford's own mod-37 check needs
// five more: * ~ $ = U, awkward on paper and in addresses).
const (
	alphabet    = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	randSymbols = 12
	codeLen     = randSymbols + 1
)

var symbolValue = func() [256]int8 {
	var v [256]int8
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		v[alphabet[i]] = int8(i)
		v[strings.ToLower(alphabet[i : i+1])[0]] = int8(i)
	}
	for _, c := range "oO" {
		v[c] = 0
	}
	for _, c := range "iIlL" {
		v[c] = 1
	}
	return v
}()

// gfDouble multiplies by x (2) in GF(32) with the primitive polynomial x⁵ + x² + 1.
func gfDouble(a int) int {
	a <<= 1
	if a&32 != 0 {
		a ^= 0b100101
	}
	return a
}

// damm runs the check over symbol values; a code is valid when it ends at 0.
func damm(vals []int) int {
	c := 0
	for _, v := range vals {
		c = gfDouble(c) ^ v
	}
	return c
}

// checkSymbol is the value that brings the check of vals to 0.
func checkSymbol(vals []int) int { return gfDouble(damm(vals)) }

// NewCode returns a fresh random code in its canonical form (no dashes).
func NewCode() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("certificates: no randomness: " + err.Error())
	}
	n := binary.BigEndian.Uint64(b[:])
	vals := make([]int, randSymbols)
	for i := range vals {
		vals[i] = int(n & 31)
		n >>= 5
	}
	vals = append(vals, checkSymbol(vals))
	out := make([]byte, len(vals))
	for i, v := range vals {
		out[i] = alphabet[v]
	}
	return string(out)
}

// CodeProblem says why a typed code cannot be a certificate's.
type CodeProblem int

// The ways a typed code can be wrong.
const (
	CodeOK        CodeProblem = iota
	CodeMalformed             // not 13 symbols of the alphabet
	CodeMistyped              // the check symbol does not match: a typing error
)

// ParseCode reads a code as people type, paste or scan it and returns its canonical form.
// Besides case and the Crockford confusions it forgives what keyboards and word processors
// put in: spaces of any kind (no-break, thin, ideographic…), dashes of any kind (hyphen,
// non-breaking hyphen, en and em dash, minus sign…), underscores and dots, invisible
// direction marks, and digits typed on an Arabic keyboard (Arabic-Indic ٠–٩ and Persian
// ۰–۹) or as full-width characters.
func ParseCode(s string) (string, CodeProblem) {
	vals := make([]int, 0, codeLen)
	for _, r := range s {
		if codeSeparator(r) {
			continue
		}
		r = asciiSymbol(r)
		if r >= utf8.RuneSelf {
			return "", CodeMalformed
		}
		v := symbolValue[r]
		if v < 0 || len(vals) == codeLen {
			return "", CodeMalformed
		}
		vals = append(vals, int(v))
	}
	if len(vals) != codeLen {
		return "", CodeMalformed
	}
	if damm(vals) != 0 {
		return "", CodeMistyped
	}
	out := make([]byte, codeLen)
	for i, v := range vals {
		out[i] = alphabet[v]
	}
	return string(out), CodeOK
}

// codeSeparator reports whether r is something people put between a code's groups, or
// that slips in unseen when they copy it: spaces, dashes, underscores, dots and format
// characters such as direction marks and zero-width spaces.
func codeSeparator(r rune) bool {
	switch r {
	case '_', '.', '\u2212', '\uFE63', '\uFF0D', '\u00AD':
		return true
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || unicode.Is(unicode.Cf, r)
}

// asciiSymbol maps the digits of Arabic keyboards (Arabic-Indic and Persian) and the
// full-width forms of East Asian keyboards to their ASCII characters.
func asciiSymbol(r rune) rune {
	switch {
	case r >= '\u0660' && r <= '\u0669': // ٠–٩
		return '0' + r - '\u0660'
	case r >= '\u06F0' && r <= '\u06F9': // ۰–۹
		return '0' + r - '\u06F0'
	case r >= '\uFF01' && r <= '\uFF5E': // full-width ！ to ～
		return r - '\uFF01' + '!'
	}
	return r
}

// FormatCode writes a canonical code in groups for reading: 7K3M-9QXD-2B4T-F.
func FormatCode(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(code[i])
	}
	return b.String()
}

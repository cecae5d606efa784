package officials

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

//go:generate go run commonpasswords_gen.go

// commonPasswordList holds the passwords refused as too common: about 3,800 entries, 55 KB
// in the binary. Why that size:
//
//   - Only passwords the length rule lets through are listed (10 characters or more): the
//     top of every breach list ("123456", "iloveyou") is refused already.
//   - Login is rate-limited per address and slowed per account (web: loginGuard), so an
//     online guesser gets at most a few thousand tries a day against one person. What
//     matters is what they try first: digit runs, keyboard walks, "password" in disguise,
//     a common word with 123 or a year, seasons with a year, and — for this platform's
//     people — Arabic names and phrases, Arabizi, AZERTY walks and the keyboard-layout slips
//     (a Latin password typed on the Arabic layout and the reverse). A million-line breach
//     corpus would add megabytes to the binary to refuse passwords that nobody online gets
//     the time to try; a lookup service would send a hash prefix of every new password
//     out of the platform, which a government platform should not need to do.
//
// The list is written by commonpasswords_gen.go from word lists and rules, so that it can be
// reviewed and extended there.
//
//go:embed commonpasswords.txt
var commonPasswordList string

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// passwordKey is the form under which passwords are compared with the list and with the
// e-mail: trimmed, NFKC, lower case, and every decimal digit as its ASCII digit (١٢٣ is 123).
func passwordKey(p string) string {
	p = strings.ToLower(norm.NFKC.String(strings.TrimSpace(p)))
	return strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII && unicode.IsDigit(r) {
			// Unicode keeps decimal digits in runs of ten, zero first: count back to the zero.
			z := r
			for z > r-64 && unicode.IsDigit(z-1) {
				z--
			}
			return '0' + (r-z)%10
		}
		return r
	}, p)
}

// isCommonPassword reports whether p is on the embedded list.
func isCommonPassword(p string) bool {
	commonOnce.Do(func() {
		common = make(map[string]struct{}, 4096)
		for _, line := range strings.Split(commonPasswordList, "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			common[passwordKey(line)] = struct{}{}
		}
	})
	_, ok := common[passwordKey(p)]
	return ok
}

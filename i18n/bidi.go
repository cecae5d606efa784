package i18n

import "strings"

// IsBidiControl reports whether r is an invisible character that changes the order in which
// the text around it is displayed: the embeddings and overrides (U+202A–U+202E), the
// isolates (U+2066–U+2069) and the direction marks (U+200E, U+200F, U+061C). Typed into a
// name or a file name, they make "gpj.exe" look like "exe.jpg" or turn a name around on
// another person's screen. Masar isolates what users typed with dir="auto" instead, so a
// name never needs them.
func IsBidiControl(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	case r == '\u200E', r == '\u200F', r == '\u061C':
		return true
	}
	return false
}

// StripBidi removes the bidirectional control characters (IsBidiControl) from s. It is what
// every place that keeps a name a person typed (names, organisation, job title, uploaded
// file names) runs on it.
func StripBidi(s string) string {
	if strings.IndexFunc(s, IsBidiControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

package search

import (
	"strings"

	"github.com/kljensen/snowball/english"
)

// stemEnglish is the Snowball (Porter2) stem of a normalised English word, from
// github.com/kljensen/snowball, which is tested against Snowball's own vocabulary lists.
func stemEnglish(w string) string {
	if runeLen(w) <= 2 {
		return w
	}
	return english.Stem(w, true)
}

// French light stemming, on words whose accents are already folded.
//
// The Snowball French stemmer needs the accents (it tells publiée from publie by them), but
// people often type French without them on Arabic or English keyboards. Folding first and
// stemming after would give Snowball words it stems inconsistently (données → don but
// donnees → donne), so French gets its own light stemmer, written for folded text, in the
// manner of Savoy's light French stemmer: plural endings, a final -e or -ee, one common
// derivational suffix, an -er/-ez/-ir verb ending, and a doubled final consonant.
// Examples: données, donnees, donner → don; participation, participative, participants,
// participer → particip; gouvernement, gouvernance, gouverner → gouvern; publique → public.

// frSuffixes are the derivational suffixes (after the final e is gone), longest first, with
// what replaces them.
var frSuffixes = []struct{ suf, rep string }{
	{"issement", ""}, {"atric", ""}, {"ateur", ""}, {"ation", ""}, {"ement", ""},
	{"ition", ""}, {"ativ", ""}, {"atif", ""}, {"isme", ""}, {"ism", ""}, {"iste", ""}, {"ist", ""},
	{"anc", ""}, {"enc", ""}, {"ant", ""}, {"ent", ""}, {"iqu", "ic"}, {"ion", ""}, {"ur", ""},
	{"it", ""}, {"if", ""}, {"iv", ""},
}

func stemFrench(w string) string {
	if runeLen(w) <= 3 || frStop[w] {
		return w
	}
	// Plural.
	switch {
	case strings.HasSuffix(w, "eaux"):
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "aux") && runeLen(w) > 5:
		w = w[:len(w)-3] + "al"
	case strings.HasSuffix(w, "x") && !strings.HasSuffix(w, "ix") && runeLen(w) > 4:
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		w = w[:len(w)-1]
	}
	// Feminine and participle endings.
	switch {
	case strings.HasSuffix(w, "ee") && runeLen(w) > 4:
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "e") && runeLen(w) > 4:
		w = w[:len(w)-1]
	}
	// One derivational suffix, leaving at least four letters.
	for _, s := range frSuffixes {
		if strings.HasSuffix(w, s.suf) && runeLen(w)-runeLen(s.suf) >= 4 {
			w = w[:len(w)-len(s.suf)] + s.rep
			break
		}
	}
	// Verb endings.
	for _, s := range []string{"er", "ez", "ir"} {
		if strings.HasSuffix(w, s) && runeLen(w)-2 >= 4 {
			w = w[:len(w)-2]
			break
		}
	}
	// A doubled final consonant: donn → don, ouvert stays.
	if n := len(w); n >= 4 && w[n-1] == w[n-2] && strings.IndexByte("bcdfgklmnprstz", w[n-1]) >= 0 {
		w = w[:n-1]
	}
	return w
}

// enStop and frStop are English and French function words (accents folded), left out of
// queries.
var enStop = set(
	"a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "does", "for", "from", "has", "have",
	"how", "i", "if", "in", "into", "is", "it", "its", "not", "of", "on", "or", "our", "s", "so", "than", "that", "the",
	"their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "we", "were", "what", "when",
	"where", "which", "who", "why", "will", "with", "you", "your",
)

var frStop = set(
	"a", "au", "aux", "avec", "ce", "ces", "c", "d", "dans", "de", "des", "du", "elle", "elles", "en", "est", "et",
	"etre", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais", "me", "mes",
	"mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "quel", "quelle", "qui",
	"s", "sa", "se", "ses", "son", "sur", "t", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
)

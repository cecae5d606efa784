package search

import (
	"strings"
	"unicode/utf8"
)

// Arabic light stemming.
//
// Arabic attaches conjunctions, prepositions and the article to the front of a word
// (والشفافية = و + ال + شفافية) and pronouns, plural and feminine endings to its back
// (بياناتها = بيانات + ها). A root-based stemmer merges too much (كتاب، مكتب، كاتب); the
// light stemmer below, in the spirit of Larkey, Ballesteros and Connell's "light10", only
// takes off the common affixes, and is careful with short words:
//
//   - the article and its compounds: وال، بال، كال، فال (when at least three letters
//     remain), لل and ال (when at least two remain);
//   - a pronoun ending: هما، كما، ها، هم، هن، كم، كن، نا (at least three letters remain);
//     a ت left before it was a ة: مشاركتهم → مشاركه;
//   - a number ending: ات (three letters remain), ون، ين، ان (four remain: تعاون، قانون،
//     بيان keep theirs);
//   - a feminine or relative ending: يه (ية after normalisation) or ه (ة), then ي, each
//     when at least three letters remain.
//
// A one-letter proclitic without the article (و ف ب ك ل: وشفافية، بمشاركة) is NOT taken off
// the stem, because too many words begin with those letters (وزارة، بيان، كتب، لجنة);
// instead the analyser gives such a word a second reading without its first letter (see
// arabicAlt), indexed beside it and tried at query time, so that «وشفافية» finds
// «الشفافية» and the other way round while «وزارة» stays «وزارة».

var (
	arArticles3 = []string{"وال", "بال", "كال", "فال"}
	arArticles2 = []string{"لل", "ال"}
	arPronouns  = []string{"هما", "كما", "ها", "هم", "هن", "كم", "كن", "نا"}
	// arExceptions are words the rules would damage, with the stem to use instead.
	arExceptions = map[string]string{
		"والي":  "والي", // governor, not و + الي
		"الي":   "الي",  // إلى
		"اليه":  "اليه", // آلية (mechanism), إليه
		"اليات": "اليه", // آليات
		"الله":  "الله",
		"لله":   "الله",
	}
)

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// stemArabic is the light stem of a normalised Arabic word (see normWord).
func stemArabic(w string) string {
	if s, ok := arExceptions[w]; ok {
		return s
	}
	if arStop[w] {
		return w
	}
	n := runeLen(w)
	stripped := false
	for _, p := range arArticles3 {
		if strings.HasPrefix(w, p) && n-3 >= 3 {
			w, n, stripped = w[len(p):], n-3, true
			break
		}
	}
	if !stripped {
		for _, p := range arArticles2 {
			if strings.HasPrefix(w, p) && n-2 >= 2 {
				w, n = w[len(p):], n-2
				break
			}
		}
	}
	if s, ok := arExceptions[w]; ok {
		return s
	}
	for _, s := range arPronouns {
		if strings.HasSuffix(w, s) && n-runeLen(s) >= 3 {
			w, n = w[:len(w)-len(s)], n-runeLen(s)
			if strings.HasSuffix(w, "ت") && !strings.HasSuffix(w, "ات") && n >= 4 {
				w = w[:len(w)-len("ت")] + "ه" // مشاركتها → مشاركه
			}
			break
		}
	}
	switch {
	case strings.HasSuffix(w, "ات") && n-2 >= 3:
		w, n = w[:len(w)-len("ات")], n-2
	case (strings.HasSuffix(w, "ون") || strings.HasSuffix(w, "ين") || strings.HasSuffix(w, "ان")) && n-2 >= 4:
		w, n = w[:len(w)-len("ون")], n-2
	}
	switch {
	case strings.HasSuffix(w, "يه") && n-2 >= 3:
		w, n = w[:len(w)-len("يه")], n-2
	case strings.HasSuffix(w, "ه") && n-1 >= 3:
		w, n = w[:len(w)-len("ه")], n-1
	}
	if strings.HasSuffix(w, "ي") && n-1 >= 3 {
		w = w[:len(w)-len("ي")]
	}
	return dropFinalHamza(w)
}

// arabicAlt is the second reading of a normalised Arabic word that may begin with a
// one-letter proclitic (و ف ب ك ل) not followed by the article: the stem of the rest, when
// at least three letters remain and it differs from the word's own stem. "" otherwise.
func arabicAlt(w, stem string) string {
	r, size := utf8.DecodeRuneInString(w)
	switch r {
	case 'و', 'ف', 'ب', 'ك', 'ل':
	default:
		return ""
	}
	rest := w[size:]
	if runeLen(rest) < 3 || strings.HasPrefix(rest, "ال") && r != 'و' && r != 'ف' {
		// بال، كال، لل are handled by the stemmer; و/ف + ال (والحق) is not always.
		return ""
	}
	alt := stemArabic(rest)
	if alt == stem || arStop[alt] || arStop[rest] {
		return ""
	}
	return alt
}

// arStop are Arabic function words (normalised): left out of queries, since nearly every
// text has them.
var arStop = set(
	"في", "من", "الي", "علي", "عن", "مع", "هذا", "هذه", "ذلك", "تلك", "هولاء", "التي", "الذي",
	"الذين", "اللذين", "اللتين", "اللتي", "ان", "او", "ام", "ما", "ماذا", "لماذا", "كيف", "متي", "اين", "هل",
	"لا", "لم", "لن", "ليس", "هو", "هي", "هم", "هن", "هما", "انت", "انا", "نحن", "كان", "كانت",
	"يكون", "تكون", "كل", "قد", "لقد", "ثم", "بين", "عند", "عندما", "حتي", "اذا", "كما", "ايضا", "اي",
	"بل", "لكن", "غير", "منذ", "عبر", "حيث", "لدي", "حول", "دون", "خلال", "ضمن", "نحو", "له",
	"لها", "لهم", "به", "بها", "بهم", "فيه", "فيها", "فيهم", "منه", "منها", "عليه", "عليها", "عنه", "عنها",
	"و", "ف", "ب", "ك", "ل", "يا", "اما", "الا", "وهو", "وهي", "التي", "ذات", "ذو", "تم", "وقد", "فقد",
	"وفي", "ومن", "وعلي", "وعن", "ومع", "او", "فان", "وان", "بان", "لان", "كذلك", "بعد", "قبل",
	"بشكل", "بصوره", // adverbs are made with them: بشكل افتراضي = افتراضيا
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

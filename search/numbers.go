package search

import "strings"

// Numbers written as words.
//
// «الهدف السادس عشر» and «الهدف 16» are the same goal, as are «المرحلة الرابعة» and «المرحلة 4»,
// "phase two" and "phase 2", «ODD seize» and «ODD 16». The analyser reads the number words of
// a text, Arabic cardinals and ordinals of both genders (ثلاث، ثلاثة، الثالث، الثالثة), the
// teens (الحادي عشر، اثنتا عشرة، ستة عشر), the tens with their units (خمسة وعشرون) and the
// hundred (مئة، مائة), and the English and French ones, as the number in digits: a document
// is indexed with the digits of the numbers it spells (after the words of the part where the
// number is: a title that says «المراحل الأربع» is a title with «4»), and a query's number
// words match either themselves or the digits. Only whole numbers up to 100 are read.

// numberKind says how a number word combines with its neighbours.
type numberKind int

const (
	numUnit    numberKind = iota + 1 // 1–9
	numTeen                          // Arabic عشر/عشرة after a unit: + 10
	numTen                           // 10 alone (عاشر، ten, dix)
	numTens                          // 20, 30 … 90
	numTeens                         // English and French 11–19
	numHundred                       // 100
)

type numberWord struct {
	value int
	kind  numberKind
}

// arNumbers are the Arabic number words in their normal form (normWord), without the article.
var arNumbers = func() map[string]numberWord {
	m := map[string]numberWord{}
	add := func(v int, k numberKind, words ...string) {
		for _, w := range words {
			m[w] = numberWord{v, k}
		}
	}
	add(1, numUnit, "واحد", "واحده", "احد", "احدي", "حادي", "حاديه", "اول", "اولي")
	add(2, numUnit, "اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني", "اثنتا", "اثنتي", "ثاني", "ثانيه")
	add(3, numUnit, "ثلاث", "ثلاثه", "ثالث", "ثالثه")
	add(4, numUnit, "اربع", "اربعه", "رابع", "رابعه")
	add(5, numUnit, "خمس", "خمسه", "خامس", "خامسه")
	add(6, numUnit, "ست", "سته", "سادس", "سادسه")
	add(7, numUnit, "سبع", "سبعه", "سابع", "سابعه")
	add(8, numUnit, "ثمان", "ثماني", "ثمانيه", "ثامن", "ثامنه")
	add(9, numUnit, "تسع", "تسعه", "تاسع", "تاسعه")
	add(10, numTeen, "عشر", "عشره")
	add(10, numTen, "عاشر", "عاشره")
	add(20, numTens, "عشرون", "عشرين")
	add(30, numTens, "ثلاثون", "ثلاثين")
	add(40, numTens, "اربعون", "اربعين")
	add(50, numTens, "خمسون", "خمسين")
	add(60, numTens, "ستون", "ستين")
	add(70, numTens, "سبعون", "سبعين")
	add(80, numTens, "ثمانون", "ثمانين")
	add(90, numTens, "تسعون", "تسعين")
	add(100, numHundred, "مايه", "ميه", "مييه", "ماييه")
	return m
}()

// latinNumbers are the English and French number words (lower case, accents folded). The
// French "un" and "une" are left out: they are articles far more often than numbers.
var latinNumbers = func() map[string]numberWord {
	m := map[string]numberWord{}
	add := func(v int, k numberKind, words ...string) {
		for _, w := range words {
			m[w] = numberWord{v, k}
		}
	}
	en := []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	enOrd := []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"}
	fr := []string{"", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"}
	frOrd := []string{"premier", "deuxieme", "troisieme", "quatrieme", "cinquieme", "sixieme", "septieme", "huitieme", "neuvieme"}
	for i := range 9 {
		add(i+1, numUnit, en[i], enOrd[i], frOrd[i])
		if fr[i] != "" {
			add(i+1, numUnit, fr[i])
		}
	}
	add(1, numUnit, "premiere")
	add(2, numUnit, "seconde")
	add(10, numTen, "ten", "tenth", "dix", "dixieme")
	enTeens := []string{"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	enTeensOrd := []string{"eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"}
	for i := range 9 {
		add(11+i, numTeens, enTeens[i], enTeensOrd[i])
	}
	frTeens := []string{"onze", "douze", "treize", "quatorze", "quinze", "seize"}
	for i, w := range frTeens {
		add(11+i, numTeens, w, strings.TrimSuffix(w, "e")+"ieme")
	}
	enTens := []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	frTens := []string{"vingt", "trente", "quarante", "cinquante", "soixante"}
	for i, w := range enTens {
		add(20+10*i, numTens, w, strings.TrimSuffix(w, "y")+"ieth")
	}
	for i, w := range frTens {
		add(20+10*i, numTens, w, strings.TrimSuffix(w, "e")+"ieme")
	}
	add(20, numTens, "vingts")
	add(100, numHundred, "hundred", "hundredth", "cent", "centieme")
	return m
}()

// numberOf reads one normalised word as a number word. An Arabic word may carry the article
// or the conjunction و (والعشرين); and reports whether it did.
func numberOf(surf string) (n numberWord, and bool, ok bool) {
	if n, ok := latinNumbers[surf]; ok {
		return n, false, true
	}
	if n, ok := arNumbers[surf]; ok {
		return n, false, true
	}
	for _, p := range []string{"وال", "و", "ال"} {
		if rest, found := strings.CutPrefix(surf, p); found && rest != "" {
			if n, ok := arNumbers[rest]; ok {
				return n, p != "ال", true
			}
		}
	}
	return numberWord{}, false, false
}

// numberPhrase is a run of number words [start, end) of a list of words, and its value.
type numberPhrase struct {
	start, end, value int
}

// numberPhrases finds the numbers spelt in a list of normalised words: single words, and the
// combinations «ستة عشر» (unit + عشر), «خمسة وعشرون» (unit + و + tens), "twenty one",
// «vingt et un», «soixante-dix», «quatre-vingt» (the hyphen cuts words, so they arrive as two).
func numberPhrases(surfs []string) []numberPhrase {
	var out []numberPhrase
	for i := 0; i < len(surfs); {
		n, _, ok := numberOf(surfs[i])
		if !ok {
			i++
			continue
		}
		p := numberPhrase{start: i, end: i + 1, value: n.value}
		if i+1 < len(surfs) {
			next, and, ok2 := numberOf(surfs[i+1])
			switch {
			case n.kind == numTens && scriptOf(surfs[i]) == scriptLatin && surfs[i+1] == "et" && i+2 < len(surfs):
				if u, _, ok3 := numberOf(surfs[i+2]); ok3 && (u.kind == numUnit || u.kind == numTeens) {
					p.value, p.end = n.value+u.value, i+3 // vingt et un
				} else if surfs[i+2] == "un" || surfs[i+2] == "une" {
					p.value, p.end = n.value+1, i+3
				}
			case !ok2:
			case n.kind == numUnit && next.kind == numTeen && !and:
				p.value, p.end = n.value+10, i+2 // ستة عشر، الحادي عشر
			case n.kind == numUnit && next.kind == numTens && and:
				p.value, p.end = n.value+next.value, i+2 // خمسة وعشرون
			case n.kind == numUnit && n.value == 4 && next.value == 20 && !and && scriptOf(surfs[i]) == scriptLatin:
				p.value, p.end = 80, i+2 // quatre-vingt
			case (n.kind == numTens && next.kind != numTens && next.kind != numHundred || n.kind == numTen && next.kind == numUnit) &&
				scriptOf(surfs[i]) == scriptLatin:
				p.value, p.end = n.value+next.value, i+2 // twenty one, dix sept, soixante dix, soixante douze
			}
		}
		if p.value <= 100 {
			out = append(out, p)
		}
		i = p.end
	}
	return out
}

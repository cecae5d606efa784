package i18n

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestPluralRules pins the CLDR categories the issue names: Arabic 0, 1, 2, 3, 10, 11, 99,
// 100, 101, 102; English and French 0, 1, 2 (French "one" covers 0 and 1).
func TestPluralRules(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"ar", 0, "zero"}, {"ar", 1, "one"}, {"ar", 2, "two"}, {"ar", 3, "few"}, {"ar", 10, "few"},
		{"ar", 11, "many"}, {"ar", 99, "many"}, {"ar", 100, "other"}, {"ar", 101, "other"}, {"ar", 102, "other"},
		{"en", 0, "other"}, {"en", 1, "one"}, {"en", 2, "other"},
		{"fr", 0, "one"}, {"fr", 1, "one"}, {"fr", 2, "other"},
	} {
		if got := PluralForm(c.lang, c.n); got != c.want {
			t.Errorf("%s %d: %s, want %s", c.lang, c.n, got, c.want)
		}
	}
}

// TestCountedWords reads the counts the issue found wrong («7 ساعة», «6 ساعة دراسة», «40 مقاعد
// شاغرة», «0 مقعد معروض») as a reader of each language would write them.
func TestCountedWords(t *testing.T) {
	c := MustLoad()
	for _, x := range []struct {
		lang, key string
		n         float64
		want      string
	}{
		{"ar", "workshops.hours_value", 1, "ساعة تدريبية واحدة"},
		{"ar", "workshops.hours_value", 2, "ساعتان تدريبيتان"},
		{"ar", "workshops.hours_value", 7, "7 ساعات تدريبية"},
		{"ar", "workshops.hours_value", 12, "12 ساعة تدريبية"},
		{"ar", "workshops.hours_value", 100, "100 ساعة تدريبية"},
		{"ar", "workshops.hours_value", 1.5, "1.5 ساعة تدريبية"},
		{"ar", "count.study_hours", 6, "نحو 6 ساعات من الدراسة"},
		{"ar", "count.study_hours", 2, "نحو ساعتين من الدراسة"},
		{"ar", "count.study_hours", 11, "نحو 11 ساعة من الدراسة"},
		{"ar", "workshops.tally.left", 0, "لا مقاعد شاغرة"},
		{"ar", "workshops.tally.left", 1, "مقعد واحد شاغر"},
		{"ar", "workshops.tally.left", 2, "مقعدان شاغران"},
		{"ar", "workshops.tally.left", 3, "3 مقاعد شاغرة"},
		{"ar", "workshops.tally.left", 11, "11 مقعدًا شاغرًا"},
		{"ar", "workshops.tally.left", 40, "40 مقعدًا شاغرًا"},
		{"ar", "workshops.tally.left", 100, "100 مقعد شاغر"},
		{"ar", "workshops.tally.left", 103, "103 مقاعد شاغرة"},
		{"ar", "workshops.tally.offered", 0, "لا مقاعد معروضة"},
		{"ar", "workshops.tally.offered", 1, "مقعد واحد معروض"},
		{"ar", "reports.days", 2.5, "2.5 يوم"},
		{"ar", "reports.days", 4, "4 أيام"},
		{"en", "workshops.tally.left", 0, "0 seats free"},
		{"en", "workshops.tally.left", 1, "1 seat free"},
		{"en", "workshops.tally.left", 2, "2 seats free"},
		{"en", "count.study_hours", 1, "about 1 hour of study"},
		{"en", "count.study_hours", 3, "about 3 hours of study"},
		{"fr", "workshops.tally.left", 0, "0 place libre"},
		{"fr", "workshops.tally.left", 1, "1 place libre"},
		{"fr", "workshops.tally.left", 2, "2 places libres"},
		{"fr", "workshops.hours_value", 1.5, "1,5 heure de formation"},
		{"fr", "workshops.hours_value", 2.5, "2,5 heures de formation"},
		{"fr", "workshops.hours_value", 1500, "1\u202f500 heures de formation"},
	} {
		if got := c.NDecimal(x.lang, x.key, x.n); got != x.want {
			t.Errorf("%s %s %v: %q, want %q", x.lang, x.key, x.n, got, x.want)
		}
	}
}

func TestFormatDecimal(t *testing.T) {
	for _, x := range []struct {
		lang string
		v    float64
		want string
	}{
		{"ar", 1.5, "1.5"}, {"fr", 1.5, "1,5"}, {"en", 2, "2"}, {"en", 1.1, "1.1"}, {"en", 0.25, "0.25"},
		{"en", 1234.5, "1,234.5"}, {"fr", 1234.5, "1\u202f234,5"}, {"en", -0.5, "-0.5"}, {"en", 2.999, "3"},
	} {
		if got := FormatDecimal(x.lang, x.v); got != x.want {
			t.Errorf("%s %v: %q, want %q", x.lang, x.v, got, x.want)
		}
	}
}

// countPlaceholder are the placeholder names that carry a count or a quantity.
var countPlaceholder = regexp.MustCompile(`\{(n|count|max|min|total|hours|minutes|days|weeks|left|done|present|confirmed|capacity|right|issued|failed|attempts|quota|seats|people|rows|files|mb|kb)\}`)

// wordAfterCountOK are the words that may follow a count in a plain message: prepositions of
// "3 of 10" and units written the same whatever the number.
var wordAfterCountOK = map[string]bool{"من": true, "إلى": true, "of": true, "out": true, "to": true, "sur": true, "de": true, "au": true, "à": true,
	"ميغابايت": true, "كيلوبايت": true, "MB": true, "KB": true, "Mo": true, "Ko": true}

// TestNoCountedNounInPlainMessage fails when a plain (non-plural) message puts a noun after a
// count placeholder, «{hours} ساعة», "{n} days": the noun cannot agree with every number, so
// the message must be a plural one, shown with N. Go code and templates alike use the
// catalogue, so this catches hand-built counts wherever the message is used.
func TestNoCountedNounInPlainMessage(t *testing.T) {
	c := MustLoad()
	for _, l := range Langs {
		for k, msg := range c[l] {
			if pluralBase(k) != k && c.Has(l, pluralBase(k)+".other") {
				continue
			}
			for _, m := range countPlaceholder.FindAllStringIndex(msg, -1) {
				rest := msg[m[1]:]
				trimmed := strings.TrimLeft(rest, " \u00a0\u202f")
				if len(trimmed) == len(rest) {
					continue
				}
				end := strings.IndexFunc(trimmed, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) })
				if end < 0 {
					end = len(trimmed)
				}
				if w := trimmed[:end]; w != "" && !wordAfterCountOK[w] {
					t.Errorf("%s %s: «%s» follows the count %s; make it a plural message", l, k, w, msg[m[0]:m[1]])
				}
			}
		}
	}
}

// Package i18n holds Masar's message catalogues in Arabic, English and French and the
// CLDR plural rules that pick the right form of a counted message.
//
// # Counts
//
// A number shown with a noun ("3 lessons", «7 ساعات») is never put together by hand, in a
// template or in Go: Arabic nouns agree with the number in six ways (CLDR zero, one, two, few,
// many, other: «لا مقاعد شاغرة», «مقعد واحد شاغر», «مقعدان شاغران», «3 مقاعد شاغرة»,
// «11 مقعدًا شاغرًا», «100 مقعد شاغر»), French in three, English in two. A counted message is
// a JSON object of forms, the number written {n}:
//
//	"course.hours": {"zero": "…", "one": "ساعة دراسة واحدة تقريبًا", "two": "…", "few": "{n} ساعات دراسة تقريبًا", "many": "…", "other": "…"}
//
// and is shown with N: in a page {{.N "course.hours" $c.Hours}} (whole numbers or decimals;
// other placeholders as name/value pairs after the count), in Go cat.N(lang, key, n) or
// cat.NDecimal(lang, key, x). N writes the number itself, in the page's locale (FormatInt,
// FormatDecimal), so it is never passed through {{.Num}} first. Each form may leave the number
// out ("ساعة واحدة") or use it; TestCataloguesComplete requires every form of the language.
// A message with a number that is a value rather than a count ("الدرس {n} من {total}",
// "Pass mark {mark}%") stays a plain message; web's TestNoHandBuiltCounts and this package's
// TestNoCountedNounInPlainMessage fail when a count is followed by a noun outside a plural
// message.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Langs are the interface languages, Arabic first.
var Langs = []string{"ar", "en", "fr"}

// Default is the language used when nothing else is known.
const Default = "ar"

//go:embed messages/*/*.json
var files embed.FS

// Catalogue maps language → key → message. A plural message is stored under the key with
// the form appended: "key.zero", "key.one", "key.two", "key.few", "key.many", "key.other".
type Catalogue map[string]map[string]string

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Load reads the embedded catalogues: every messages/LANG/*.json file (one per feature, so
// that features keep their words apart). It fails on invalid JSON or a key defined twice.
func Load() (Catalogue, error) {
	c := Catalogue{}
	for _, l := range Langs {
		names, err := fs.Glob(files, "messages/"+l+"/*.json")
		if err != nil || len(names) == 0 {
			return nil, fmt.Errorf("i18n: no message files for %s", l)
		}
		m := map[string]string{}
		for _, name := range names {
			if err := loadFile(name, m); err != nil {
				return nil, err
			}
		}
		c[l] = m
	}
	return c, nil
}

// loadFile adds one message file to m; a key defined twice (in two files of a language) is
// an error, so that features' files cannot silently override each other.
func loadFile(name string, m map[string]string) error {
	b, err := files.ReadFile(name)
	if err != nil {
		return fmt.Errorf("i18n: %s: %w", name, err)
	}
	raw := map[string]any{}
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("i18n: %s: %w", name, err)
	}
	set := func(k, v string) error {
		if _, dup := m[k]; dup {
			return fmt.Errorf("i18n: %s: key %q is defined twice", name, k)
		}
		m[k] = v
		return nil
	}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			if err := set(k, v); err != nil {
				return err
			}
		case map[string]any:
			for form, s := range v {
				str, ok := s.(string)
				if !ok {
					return fmt.Errorf("i18n: %s: %s.%s is not text", name, k, form)
				}
				if err := set(k+"."+form, str); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("i18n: %s: %s is neither text nor plural forms", name, k)
		}
	}
	return nil
}

// MustLoad is Load for start-up: a broken catalogue stops the program.
func MustLoad() Catalogue {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Supported reports whether lang is an interface language.
func Supported(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// Dir is the text direction of a language: "rtl" for Arabic.
func Dir(lang string) string {
	if lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// T returns the message for key in lang with {name} placeholders replaced from args, given
// as name, value pairs. A missing key shows itself, so that the gap is visible and tested.
func (c Catalogue) T(lang, key string, args ...any) string {
	msg, ok := c[lang][key]
	if !ok {
		if msg, ok = c[Default][key]; !ok {
			return key
		}
	}
	return fill(msg, args)
}

// N returns the plural form of key for the count n, with {n} and the other placeholders filled.
func (c Catalogue) N(lang, key string, n int, args ...any) string {
	form := PluralForm(lang, n)
	msg, ok := c[lang][key+"."+form]
	if !ok {
		msg, ok = c[lang][key+".other"]
		if !ok {
			return key
		}
	}
	return fill(msg, append([]any{"n", FormatInt(lang, n)}, args...))
}

// NDecimal is N for a quantity that may have a fraction (hours of a course: 1.5): a whole
// number takes N's form; a fraction takes CLDR's form for decimals, "other" in Arabic and
// English ("1.5 ساعة", "1.5 hours") and, in French, "one" below 2 ("1,5 heure").
func (c Catalogue) NDecimal(lang, key string, x float64, args ...any) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return c.N(lang, key, int(x), args...)
	}
	form := "other"
	if lang == "fr" && math.Abs(x) < 2 {
		form = "one"
	}
	msg, ok := c[lang][key+"."+form]
	if !ok {
		if msg, ok = c[lang][key+".other"]; !ok {
			return key
		}
	}
	return fill(msg, append([]any{"n", FormatDecimal(lang, x)}, args...))
}

// Has reports whether key exists in lang.
func (c Catalogue) Has(lang, key string) bool {
	_, ok := c[lang][key]
	return ok
}

func fill(msg string, args []any) string {
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// Placeholders lists the distinct {name} placeholders of a message, sorted.
func Placeholders(msg string) []string {
	found := placeholder.FindAllString(msg, -1)
	sort.Strings(found)
	out := found[:0]
	for i, p := range found {
		if i == 0 || p != found[i-1] {
			out = append(out, p)
		}
	}
	return out
}

// PluralForm is the CLDR plural category of the integer n in lang: Arabic has six
// (zero, one, two, few, many, other), English two (one, other), French three (one, many, other).
func PluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "ar":
		m := n % 100
		switch {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case m >= 3 && m <= 10:
			return "few"
		case m >= 11 && m <= 99:
			return "many"
		}
		return "other"
	case "fr":
		switch {
		case n == 0 || n == 1:
			return "one"
		case n%1000000 == 0:
			return "many"
		}
		return "other"
	default:
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

// PluralForms lists the forms a plural message must define in lang.
func PluralForms(lang string) []string {
	switch lang {
	case "ar":
		return []string{"zero", "one", "two", "few", "many", "other"}
	case "fr":
		return []string{"one", "many", "other"}
	}
	return []string{"one", "other"}
}

// FormatInt writes n for display. Arabic pages use Western digits, which most Arab
// governments (Maghreb and Gulf alike) use in official documents and which survive copy,
// search and spreadsheets; grouping follows the language.
func FormatInt(lang string, n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == "fr" {
		sep = "\u202f"
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// FormatDecimal writes x for display with at most two decimals, grouped like FormatInt, with
// a decimal comma in French: "1.5", "1,5"; a whole x is written as FormatInt writes it.
func FormatDecimal(lang string, x float64) string {
	cents := int64(math.Round(math.Abs(x) * 100))
	s := FormatInt(lang, int(cents/100))
	if x < 0 && cents > 0 {
		s = "-" + s
	}
	if cents%100 == 0 {
		return s
	}
	sep := "."
	if lang == "fr" {
		sep = ","
	}
	return s + sep + strings.TrimSuffix(fmt.Sprintf("%02d", cents%100), "0")
}

// langTags are Langs as language tags, in the same order, for the matcher.
var langTags = []language.Tag{language.Arabic, language.English, language.French}

var matcher = language.NewMatcher(langTags)

// Negotiate picks the interface language from an Accept-Language header value (RFC 9110),
// with golang.org/x/text/language: q-weights are honoured, a language weighted q=0 is
// never chosen, regional variants match their language; Arabic when nothing matches.
func Negotiate(header string) string {
	if header == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Langs[i]
}

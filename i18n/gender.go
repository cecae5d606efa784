package i18n

// # Grammatical gender
//
// Arabic verbs and adjectives agree with the person they speak of («قدّم سامي»، «قدّمت سارة»),
// and so do French past participles with être and adjectives («inscrit», «inscrite»). A
// message about a person whose gender is recorded takes the form that agrees; a person who
// chose not to say gets a form that suits anyone. A gendered message is a JSON object of
// the three grammatical forms:
//
//	"advisory.detail.submitted_by": {"masculine": "قدّمه {name} في {date}", "feminine": "قدّمته {name} في {date}", "neutral": "قُدّم باسم {name} في {date}"}
//
// and is shown with G: in a page {{.G "key" $person.Gender "name" …}}, in Go
// cat.G(lang, key, gender, args…); a mail template picks between words with
// {{gender .Gender "masculine" "feminine" "unspecified"}}. TestCataloguesComplete requires
// the three forms in every language (in English they are often the same text).

// The grammatical forms of a gendered message.
const (
	FormMasculine = "masculine"
	FormFeminine  = "feminine"
	FormNeutral   = "neutral"
)

// GenderForms are the forms of a gendered message, in the order Gendered takes them.
var GenderForms = []string{FormMasculine, FormFeminine, FormNeutral}

// GenderForm is the grammatical form that agrees with a person's recorded gender (the
// officials' field: "male", "female", "unspecified"): masculine, feminine, or neutral for
// anything else (not said, erased).
func GenderForm(gender string) string {
	switch gender {
	case "male":
		return FormMasculine
	case "female":
		return FormFeminine
	}
	return FormNeutral
}

// Gendered picks among words by gender: the masculine, the feminine, and — for a gender not
// recorded — the neutral form if given, else the masculine.
func Gendered(gender, masculine, feminine string, neutral ...string) string {
	switch GenderForm(gender) {
	case FormMasculine:
		return masculine
	case FormFeminine:
		return feminine
	}
	if len(neutral) > 0 {
		return neutral[0]
	}
	return masculine
}

// G returns the form of the gendered message key that agrees with gender, placeholders
// filled from args. A plain (ungendered) message under key is returned as T would.
func (c Catalogue) G(lang, key, gender string, args ...any) string {
	form := GenderForm(gender)
	for _, l := range []string{lang, Default} {
		if msg, ok := c[l][key+"."+form]; ok {
			return fill(msg, args)
		}
	}
	return c.T(lang, key, args...)
}

// IsGendered reports whether key is a gendered message in lang.
func (c Catalogue) IsGendered(lang, key string) bool {
	_, ok := c[lang][key+"."+FormNeutral]
	return ok
}

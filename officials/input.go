package officials

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/problem"
)

// Input is what a person types into the registration or profile form.
type Input struct {
	Email        string `json:"email" form:"email"`
	Password     string `json:"password" form:"password"`
	NameAr       string `json:"name_ar" form:"name_ar"`
	NameLatin    string `json:"name_latin" form:"name_latin"`
	JobTitle     string `json:"job_title" form:"job_title"`
	Organisation string `json:"organisation" form:"organisation"`
	Country      string `json:"country" form:"country"`
	Sector       string `json:"sector" form:"sector"`
	Gender       string `json:"gender" form:"gender"`
	Language     string `json:"language" form:"language"`
}

// Limits on what a person may type.
const (
	MaxName        = 120
	MaxText        = 200
	MaxEmail       = 254
	MinPassword    = 10
	minNameLetters = 2
	// MaxPasswordBytes is bcrypt's limit: it reads no further than the first 72 bytes of a
	// password, which is 72 Latin letters but only 36 Arabic ones (two bytes each in UTF-8).
	// A longer password is refused with a message saying so, rather than cut silently (two
	// passwords that differ after the 72nd byte would both open the account) or hashed
	// first with SHA-256 (every stored hash would then need a marker of how it was made).
	MaxPasswordBytes = 72
)

var fold = cases.Fold()

// NormaliseEmail is the form under which e-mails are compared: NFKC, case-folded, trimmed.
func NormaliseEmail(email string) string {
	return fold.String(norm.NFKC.String(strings.TrimSpace(email)))
}

// Clean trims and normalises the typed values (NFC, single spaces, upper-case country code)
// and drops bidirectional controls from the names, organisation and job title, which could
// otherwise turn a name around on someone else's screen. Control characters are kept so
// that validation can refuse them by name.
func (in *Input) Clean() {
	for _, p := range in.freeText() {
		*p = strings.Join(strings.Fields(norm.NFC.String(i18n.StripBidi(*p))), " ")
	}
	in.Email = norm.NFC.String(strings.TrimSpace(in.Email))
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.Sector = strings.TrimSpace(in.Sector)
	in.Gender = strings.TrimSpace(in.Gender)
	in.Language = strings.TrimSpace(in.Language)
}

// freeText are the fields a person types in their own words, shown to others as typed.
func (in *Input) freeText() []*string {
	return []*string{&in.NameAr, &in.NameLatin, &in.JobTitle, &in.Organisation}
}

// Validate checks a registration (withPassword) or creation form and returns each field's
// problem as a catalogue key.
func (in *Input) Validate(withPassword bool) problem.Fields {
	f := in.ValidateProfile()
	if k := emailProblem(in.Email); k != "" {
		f.Add("email", k)
	}
	if withPassword {
		if k := passwordProblem(in.Password, in.Email); k != "" {
			f.Add("password", k)
		}
	}
	return f
}

// ValidateProfile checks the fields an official may edit on their profile.
func (in *Input) ValidateProfile() problem.Fields {
	f := problem.Fields{}
	if k := nameProblem(in.NameAr, isArabicNameRune, "field.name_ar.script"); k != "" {
		f.Add("name_ar", strings.Replace(k, "field.name.", "field.name_ar.", 1))
	}
	if k := nameProblem(in.NameLatin, isLatinNameRune, "field.name_latin.script"); k != "" {
		f.Add("name_latin", strings.Replace(k, "field.name.", "field.name_latin.", 1))
	}
	for field, v := range map[string]string{"job_title": in.JobTitle, "organisation": in.Organisation} {
		switch {
		case v == "":
			f.Add(field, "field.required")
		case hasControl(v):
			f.Add(field, "field.control")
		case utf8.RuneCountInString(v) > MaxText:
			f.Add(field, "field.too_long")
		}
	}
	if in.Country == "" {
		f.Add("country", "field.country.required")
	} else if len(in.Country) != 2 {
		f.Add("country", "field.country.invalid")
	}
	if !oneOf(in.Sector, Sectors) {
		f.Add("sector", "field.choose")
	}
	if !oneOf(in.Gender, Genders) {
		f.Add("gender", "field.choose")
	}
	if !oneOf(in.Language, i18n.Langs) {
		f.Add("language", "field.choose")
	}
	return f
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Co, r) {
			return true
		}
	}
	return false
}

// nameProblem checks a personal name: required, no control characters, not too long, at
// least two letters, and only the letters of its script plus spaces, hyphens, apostrophes
// and dots.
func nameProblem(v string, inScript func(rune) bool, scriptKey string) string {
	switch {
	case v == "":
		return "field.required"
	case hasControl(v):
		return "field.control"
	case utf8.RuneCountInString(v) > MaxName:
		return "field.too_long"
	}
	letters := 0
	for _, r := range v {
		switch {
		case r == ' ' || r == '-' || r == '\'' || r == '’' || r == '.':
		case unicode.IsDigit(r):
			return "field.name.digits"
		case !inScript(r):
			return scriptKey
		case unicode.IsLetter(r):
			letters++
		}
	}
	if letters < minNameLetters {
		return "field.name.short"
	}
	return ""
}

func isArabicNameRune(r rune) bool {
	// Letters of the Arabic script, combining marks (the harakat are of the "inherited" script)
	// and tatweel — not digits or punctuation.
	return (unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r)) || unicode.IsMark(r) || r == 'ـ'
}

func isLatinNameRune(r rune) bool {
	return unicode.Is(unicode.Latin, r) || unicode.IsMark(r)
}

func emailProblem(v string) string {
	switch {
	case v == "":
		return "field.required"
	case hasControl(v) || strings.IndexFunc(v, i18n.IsBidiControl) >= 0 || strings.ContainsAny(v, " <>\"(),;:[]\\"):
		return "field.email.invalid"
	case len(v) > MaxEmail:
		return "field.too_long"
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v {
		return "field.email.invalid"
	}
	at := strings.LastIndexByte(v, '@')
	if at < 1 || !strings.Contains(v[at+1:], ".") || strings.HasSuffix(v, ".") || strings.Contains(v[at+1:], "..") {
		return "field.email.invalid"
	}
	return ""
}

// passwordProblem checks a new password for the account with that e-mail (empty when not
// known yet): long enough, within bcrypt's limit, not on the list of common passwords and
// not the e-mail address or its part before the @.
func passwordProblem(v, email string) string {
	switch {
	case v == "":
		return "field.required"
	case utf8.RuneCountInString(v) < MinPassword:
		return "field.password.short"
	case len(v) > MaxPasswordBytes:
		return "field.password.long"
	case hasControl(v):
		return "field.control"
	case isCommonPassword(v):
		return "field.password.common"
	}
	if email != "" {
		k, e := passwordKey(v), passwordKey(email)
		if at := strings.LastIndexByte(e, '@'); k == e || (at > 0 && k == e[:at]) {
			return "field.password.email"
		}
	}
	return ""
}

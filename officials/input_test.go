package officials

import (
	"reflect"
	"strings"
	"testing"

	"github.com/masar-platform/masar/i18n"
)

func valid() Input {
	return Input{Email: "huda@moi.gov.bh", Password: "long enough pass", NameAr: "هدى عبد الله", NameLatin: "Huda Abdulla",
		JobTitle: "Head of e-services", Organisation: "Information & eGovernment Authority", Country: "BH",
		Sector: "central_government", Gender: "female", Language: "ar"}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Input)
		field string // "" = valid
		key   string
	}{
		{"valid", func(*Input) {}, "", ""},
		{"Arabic name with diacritics and tatweel", func(in *Input) { in.NameAr = "عَبْدُ اللّٰه الـهاشمي" }, "", ""},
		{"Arabic name with hamza forms", func(in *Input) { in.NameAr = "آمنة إبراهيم المؤمن" }, "", ""},
		{"Latin name with accents and apostrophe", func(in *Input) { in.NameLatin = "Zoé O'Neil-Ben Aïssa" }, "", ""},
		{"Latin name with Mc and dots", func(in *Input) { in.NameLatin = "A. K. McDonald" }, "", ""},
		{"Arabic name in Latin letters", func(in *Input) { in.NameAr = "Huda" }, "name_ar", "field.name_ar.script"},
		{"Latin name in Arabic letters", func(in *Input) { in.NameLatin = "هدى" }, "name_latin", "field.name_latin.script"},
		{"Arabic-Indic digits in a name", func(in *Input) { in.NameAr = "هدى ٣" }, "name_ar", "field.name_ar.digits"},
		{"ASCII digits in a Latin name", func(in *Input) { in.NameLatin = "Huda 2" }, "name_latin", "field.name_latin.digits"},
		{"one-letter name", func(in *Input) { in.NameLatin = "H" }, "name_latin", "field.name_latin.short"},
		{"empty Arabic name", func(in *Input) { in.NameAr = "   " }, "name_ar", "field.required"},
		{"control character", func(in *Input) { in.NameLatin = "Huda\u0007Ali" }, "name_latin", "field.control"},
		{"control character in job", func(in *Input) { in.JobTitle = "Head\x00" }, "job_title", "field.control"},
		{"over-long name", func(in *Input) { in.NameLatin = strings.Repeat("a", MaxName+1) }, "name_latin", "field.too_long"},
		{"over-long organisation", func(in *Input) { in.Organisation = strings.Repeat("و", MaxText+1) }, "organisation", "field.too_long"},
		{"job title with mixed digits is fine", func(in *Input) { in.JobTitle = "مدير إدارة ٢ (Unit 3)" }, "", ""},
		{"e-mail without @", func(in *Input) { in.Email = "huda.moi.gov.bh" }, "email", "field.email.invalid"},
		{"e-mail with display name", func(in *Input) { in.Email = "Huda <huda@moi.gov.bh>" }, "email", "field.email.invalid"},
		{"e-mail without domain dot", func(in *Input) { in.Email = "huda@localhost" }, "email", "field.email.invalid"},
		{"e-mail with double dot", func(in *Input) { in.Email = "huda@moi..bh" }, "email", "field.email.invalid"},
		{"e-mail with space", func(in *Input) { in.Email = "hu da@moi.gov.bh" }, "email", "field.email.invalid"},
		{"e-mail too long", func(in *Input) { in.Email = strings.Repeat("a", 250) + "@x.org" }, "email", "field.too_long"},
		{"short password", func(in *Input) { in.Password = "short" }, "password", "field.password.short"},
		{"no country", func(in *Input) { in.Country = "" }, "country", "field.country.required"},
		{"bad country code", func(in *Input) { in.Country = "Jordan" }, "country", "field.country.invalid"},
		{"unknown sector", func(in *Input) { in.Sector = "army" }, "sector", "field.choose"},
		{"unknown gender", func(in *Input) { in.Gender = "x" }, "gender", "field.choose"},
		{"unknown language", func(in *Input) { in.Language = "de" }, "language", "field.choose"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := valid()
			tc.edit(&in)
			in.Clean()
			f := in.Validate(true)
			if tc.field == "" {
				if len(f) != 0 {
					t.Fatalf("want valid, got %v", f)
				}
				return
			}
			if f[tc.field] != tc.key {
				t.Fatalf("field %s: got %q (all: %v), want %q", tc.field, f[tc.field], f, tc.key)
			}
		})
	}
}

func TestNormaliseEmail(t *testing.T) {
	for _, tc := range [][2]string{
		{"Huda@MOI.gov.bh", "huda@moi.gov.bh"},
		{"  huda@moi.gov.bh ", "huda@moi.gov.bh"},
		{"ｈｕｄａ@moi.gov.bh", "huda@moi.gov.bh"}, // full-width letters fold under NFKC
		{"STRASSE@x.de", "strasse@x.de"},
	} {
		if got := NormaliseEmail(tc[0]); got != tc[1] {
			t.Errorf("NormaliseEmail(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
}

func TestCleanCollapsesSpacesAndNFC(t *testing.T) {
	in := Input{NameLatin: "  Zoe\u0301   Ali ", Country: " jo "}
	in.Clean()
	if in.NameLatin != "Zoé Ali" || in.Country != "JO" {
		t.Errorf("got %q %q", in.NameLatin, in.Country)
	}
}

// TestFreeTextLosesBidiControls: every field a person types in their own words loses the
// characters that reorder text; a new field added to Input without cleaning fails here.
func TestFreeTextLosesBidiControls(t *testing.T) {
	const rlo = "\u202E"
	in := valid()
	v := reflect.ValueOf(&in).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Field(i); f.Kind() == reflect.String {
			r := []rune(f.String())
			f.SetString(string(r[:1]) + rlo + string(r[1:]) + "\u2066\u200F")
		}
	}
	in.Clean()
	f := in.Validate(true)
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Tag.Get("json")
		if name == "password" {
			continue // a secret, never shown: kept as typed
		}
		if strings.IndexFunc(v.Field(i).String(), i18n.IsBidiControl) >= 0 && f[name] == "" {
			t.Errorf("%s keeps a bidi control and is accepted: %q", name, v.Field(i).String())
		}
	}
	if in.NameLatin != "Huda Abdulla" || in.NameAr != "هدى عبد الله" || f["name_latin"] != "" {
		t.Errorf("names after cleaning: %q %q (%v)", in.NameLatin, in.NameAr, f)
	}
}

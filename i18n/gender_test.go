package i18n

import "testing"

// TestGenderedMessages: a gendered message takes the form that agrees with the person's
// recorded gender, in each language; a gender not recorded (or erased) takes the neutral form.
func TestGenderedMessages(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	// The catalogue's own gendered message, in every language.
	for _, tc := range []struct {
		lang, gender, want string
	}{
		{"ar", "female", "قدّمته سارة في 2 يناير 2027"},
		{"ar", "male", "قدّمه سامي في 2 يناير 2027"},
		{"ar", "unspecified", "قُدِّم باسم سامي في 2 يناير 2027"},
		{"ar", "", "قُدِّم باسم سامي في 2 يناير 2027"},
		{"en", "female", "by سارة on 2 يناير 2027"},
		{"fr", "male", "déposée par سامي le 2 يناير 2027"},
	} {
		name := map[bool]string{true: "سارة", false: "سامي"}[tc.gender == "female"]
		if got := c.G(tc.lang, "advisory.detail.submitted_by", tc.gender, "name", name, "date", "2 يناير 2027"); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.lang, tc.gender, got, tc.want)
		}
	}
	// The three forms in each language, with words that differ.
	words := Catalogue{
		"ar": {"x.masculine": "مسجَّل {name}", "x.feminine": "مسجَّلة {name}", "x.neutral": "مسجَّل/ة {name}"},
		"en": {"x.masculine": "{name} is registered", "x.feminine": "{name} is registered", "x.neutral": "{name} is registered"},
		"fr": {"x.masculine": "{name} est inscrit", "x.feminine": "{name} est inscrite", "x.neutral": "{name} est inscrit·e"},
	}
	for _, tc := range []struct{ lang, gender, want string }{
		{"ar", "female", "مسجَّلة هدى"}, {"ar", "male", "مسجَّل هدى"}, {"ar", "unspecified", "مسجَّل/ة هدى"},
		{"en", "female", "هدى is registered"}, {"en", "male", "هدى is registered"},
		{"fr", "female", "هدى est inscrite"}, {"fr", "male", "هدى est inscrit"}, {"fr", "", "هدى est inscrit·e"},
	} {
		if got := words.G(tc.lang, "x", tc.gender, "name", "هدى"); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.lang, tc.gender, got, tc.want)
		}
	}
	if Gendered("female", "قدّم", "قدّمت") != "قدّمت" || Gendered("", "قدّم", "قدّمت") != "قدّم" || Gendered("other", "a", "b", "c") != "c" {
		t.Error("Gendered picks the wrong word")
	}
}

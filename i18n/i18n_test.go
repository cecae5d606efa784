package i18n

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestCataloguesComplete fails when a key is missing or empty in a language, when the
// placeholders differ between languages, or when a plural message lacks a CLDR form.
func TestCataloguesComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]bool{}
	for _, l := range Langs {
		for k := range c[l] {
			base[pluralBase(k)] = true
		}
	}
	for k := range base {
		plural := c.Has("en", k+".other") || c.Has("ar", k+".other")
		gendered := c.IsGendered("en", k) || c.IsGendered("ar", k)
		for _, l := range Langs {
			if gendered {
				for _, form := range GenderForms {
					msg := c[l][k+"."+form]
					if strings.TrimSpace(msg) == "" {
						t.Errorf("%s: gendered %q lacks form %q", l, k, form)
					} else if !reflect.DeepEqual(Placeholders(msg), Placeholders(c["en"][k+"."+FormNeutral])) {
						t.Errorf("%s: %q.%s placeholders %v differ from English", l, k, form, Placeholders(msg))
					}
				}
				continue
			}
			if plural {
				for _, form := range PluralForms(l) {
					if strings.TrimSpace(c[l][k+"."+form]) == "" {
						t.Errorf("%s: plural %q lacks form %q", l, k, form)
					}
				}
				continue
			}
			msg, ok := c[l][k]
			if !ok || strings.TrimSpace(msg) == "" {
				t.Errorf("%s: key %q missing or empty", l, k)
				continue
			}
			if !reflect.DeepEqual(Placeholders(msg), Placeholders(c["en"][k])) {
				t.Errorf("%s: %q placeholders %v differ from English %v", l, k, Placeholders(msg), Placeholders(c["en"][k]))
			}
		}
	}
	if len(base) < 100 {
		t.Errorf("only %d keys", len(base))
	}
}

func pluralBase(k string) string {
	for _, f := range []string{".zero", ".one", ".two", ".few", ".many", ".other", "." + FormMasculine, "." + FormFeminine, "." + FormNeutral} {
		if strings.HasSuffix(k, f) {
			return strings.TrimSuffix(k, f)
		}
	}
	return k
}

func TestArabicPluralForms(t *testing.T) {
	want := map[int]string{0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many", 100: "other",
		101: "other", 102: "other", 103: "few", 110: "few", 111: "many", 200: "other", 1000: "other", 1011: "many"}
	for n, form := range want {
		if got := PluralForm("ar", n); got != form {
			t.Errorf("ar %d: %s, want %s", n, got, form)
		}
	}
	if PluralForm("en", 1) != "one" || PluralForm("en", 0) != "other" || PluralForm("fr", 0) != "one" || PluralForm("fr", 2) != "other" || PluralForm("fr", 1000000) != "many" {
		t.Error("en/fr plural rules")
	}
}

func TestCountedMessages(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{0: "لا يوجد أي حساب", 1: "حساب واحد", 2: "حسابان", 5: "5 حسابات", 12: "12 حسابًا", 100: "100 حساب", 1500: "1,500 حساب"} {
		if got := c.N("ar", "count.officials", n); got != want {
			t.Errorf("ar %d: %q, want %q", n, got, want)
		}
	}
	if got := c.N("en", "count.officials", 1); got != "1 account" {
		t.Errorf("en 1: %q", got)
	}
	if got := c.N("fr", "count.officials", 0); got != "0 compte" {
		t.Errorf("fr 0: %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	for h, want := range map[string]string{"": "ar", "en-US,en;q=0.9": "en", "fr-CA;q=0.8, en;q=0.9": "en", "de, fr;q=0.1": "fr", "*": "ar", "AR-EG": "ar",
		// q=0 means "not acceptable": never chosen, even when it is the only supported one.
		"de, en;q=0": "ar", "en;q=0, fr;q=0.5": "fr", "fr;q=0": "ar", "en-GB;q=0.2, ar-MA;q=0.3": "ar",
		"fr-FR,fr;q=0.9,en;q=0.8": "fr", "zz;q=garbage": "ar", "en-US": "en"} {
		if got := Negotiate(h); got != want {
			t.Errorf("Negotiate(%q) = %s, want %s", h, got, want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC)
	for lang, want := range map[string]string{"ar": "10 مارس 2026", "en": "10 March 2026", "fr": "10 mars 2026"} {
		if got := FormatDate(lang, d); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if FormatDate("ar", time.Time{}) != "" {
		t.Error("zero time written")
	}
	if WeekdayName("ar", d.Weekday()) != "الثلاثاء" || WeekdayName("fr", d.Weekday()) != "mardi" {
		t.Error("weekday names")
	}
}

package i18n

import "testing"

func TestStripBidi(t *testing.T) {
	for in, want := range map[string]string{
		"Huda\u202E Ali":                  "Huda Ali",
		"invoice\u202Efdp.exe":            "invoicefdp.exe",
		"\u2066هدى\u2069 \u2067Ali\u2069": "هدى Ali",
		"\u200Fوزارة\u200E (MoE)\u061C":   "وزارة (MoE)",
		"\u202A\u202B\u202C\u202D\u2068":  "",
		"عبد\u200Cالله":                   "عبد\u200Cالله", // a zero-width non-joiner shapes letters: kept
		"plain text":                      "plain text",
	} {
		if got := StripBidi(in); got != want {
			t.Errorf("StripBidi(%q) = %q, want %q", in, got, want)
		}
	}
}

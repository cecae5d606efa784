package certificates

import (
	"strings"
	"testing"
)

// TestParseCodeAsTyped reads codes the way people type and paste them: from an Arabic
// keyboard, out of a word processor, out of a PDF viewer.
func TestParseCodeAsTyped(t *testing.T) {
	const code = "7K3M9QXD2B4T" // the check symbol is added below
	vals := make([]int, 0, codeLen)
	for i := 0; i < len(code); i++ {
		vals = append(vals, int(symbolValue[code[i]]))
	}
	canon := code + string(alphabet[checkSymbol(vals)])
	grouped := FormatCode(canon) // 7K3M-9QXD-2B4T-?
	arabicDigits := strings.NewReplacer("0", "٠", "1", "١", "2", "٢", "3", "٣", "4", "٤", "5", "٥", "6", "٦", "7", "٧", "8", "٨", "9", "٩")
	persianDigits := strings.NewReplacer("0", "۰", "1", "۱", "2", "۲", "3", "۳", "4", "۴", "5", "۵", "6", "۶", "7", "۷", "8", "۸", "9", "۹")
	dashes := func(d string) string { return strings.ReplaceAll(grouped, "-", d) }
	for name, typed := range map[string]string{
		"spaces":                  dashes(" "),
		"several spaces":          "  " + dashes("   ") + "\t",
		"no-break spaces":         dashes("\u00a0"),
		"thin spaces":             dashes("\u2009"),
		"en dash":                 dashes("–"),
		"em dash":                 dashes("—"),
		"minus sign":              dashes("−"),
		"non-breaking hyphen":     dashes("\u2011"),
		"figure dash":             dashes("‒"),
		"soft hyphen":             dashes("\u00ad"),
		"lower case":              strings.ToLower(grouped),
		"Arabic-Indic digits":     arabicDigits.Replace(grouped),
		"Persian digits":          persianDigits.Replace(grouped),
		"mixed, with RLM":         "\u200f" + strings.ToLower(arabicDigits.Replace(dashes(" – "))),
		"zero-width space inside": dashes("\u200b"),
		"full-width":              strings.Map(func(r rune) rune { return r - '!' + '\uFF01' }, canon),
	} {
		if got, p := ParseCode(typed); p != CodeOK || got != canon {
			t.Errorf("%s: ParseCode(%q) = %q, %v; want %q", name, typed, got, p, canon)
		}
	}
	// Still refused: letters of other scripts, symbols, a digit too many.
	for _, bad := range []string{arabicDigits.Replace(grouped) + "٠", "7K3M-9QXD-2B4T-ب", "7K3M/9QXD/2B4T/" + canon[12:], "٧K٣M"} {
		if _, p := ParseCode(bad); p != CodeMalformed {
			t.Errorf("ParseCode(%q) = %v, want malformed", bad, p)
		}
	}
}

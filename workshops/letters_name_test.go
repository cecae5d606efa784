package workshops

import "testing"

// TestLetterFileNames: an uploaded letter keeps its base name, without path, bidi controls
// (which would show "fdp.exe" as "exe.pdf") or characters file systems refuse.
func TestLetterFileNames(t *testing.T) {
	for in, want := range map[string]string{
		"مذكرة الترشيح.pdf":           "مذكرة الترشيح.pdf",
		`C:\Users\amal\letter.PDF`:    "letter.PDF",
		"nomination\u202Efdp.exe":     "nominationfdp.exe.pdf",
		"\u2067مذكرة\u2069\u200F.pdf": "مذكرة.pdf",
		"a:b*c?.pdf":                  "abc.pdf",
		"":                            "letter.pdf",
	} {
		if got := cleanFilename(in); got != want {
			t.Errorf("cleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

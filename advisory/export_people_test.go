package advisory

import "testing"

// TestExportNamesOwnerAndTeam: the export names the owner and team in the sheet's language,
// and an account since deleted by the former-account label, never a gap.
func TestExportNamesOwnerAndTeam(t *testing.T) {
	labels := func(key string) string { return "[" + key + "]" }
	owner := &Person{ID: 1, NameAr: "نور سالم", NameLatin: "Nour Salem", Staff: true}
	team := []Person{{ID: 2, NameAr: "كريم", NameLatin: "Karim", Staff: true}, {ID: 3, Former: true}}
	if got := personCell(owner, "ar", labels); got != "نور سالم" {
		t.Errorf("owner in Arabic: %q", got)
	}
	if got := personCell(owner, "en", labels); got != "Nour Salem" {
		t.Errorf("owner in English: %q", got)
	}
	if got := personCell(nil, "en", labels); got != "" {
		t.Errorf("no owner: %q", got)
	}
	if got := teamCell(team, "en", labels, "; "); got != "Karim; [advisory.former_account]" {
		t.Errorf("team: %q", got)
	}
}

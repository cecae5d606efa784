package search

import "testing"

// The skeletons of loanwords in Arabic letters and of the Latin words they stand for agree,
// and the Arabic words that cannot be loanwords have none.
func TestLoanwordSkeletons(t *testing.T) {
	for _, c := range []struct{ ar, latin string }{
		{"بلاتفورم", "platform"}, {"ديجيتال", "digital"}, {"داشبورد", "dashboard"}, {"سيرفس", "service"},
		{"ديزاين", "design"}, {"جيسون", "json"}, {"ستيوارد", "steward"}, {"هاكاثون", "hackathon"},
		{"بروتوتايب", "prototype"}, {"فيدباك", "feedback"}, {"لايسنس", "license"}, {"بورتال", "portal"},
		{"فورمات", "format"}, {"ميتاداتا", "metadata"}, {"اونلاين", "online"}, {"بودكاست", "podcast"},
		{"ويبينار", "webinar"}, {"فيسبوك", "facebook"}, {"انفوجرافيك", "infographic"}, {"بروجكت", "project"},
		{"سيستم", "system"}, {"تيمبليت", "template"}, {"ابليكيشن", "application"}, {"اكسل", "excel"},
	} {
		a, l := arabicSkeleton(normWord(c.ar)), latinSkeleton(c.latin)
		if a == "" || a != l {
			t.Errorf("%s → %q, %s → %q: want the same skeleton", c.ar, a, c.latin, l)
		}
	}
	for _, w := range []string{"المشاركه", "الشفافيه", "حوكمه", "عمومي", "قانون", "طلب", "ضمان", "غرفه"} {
		if sk := arabicSkeleton(normWord(w)); sk != "" {
			t.Errorf("%s is read as a loanword (%q)", w, sk)
		}
	}
}

package mail

import (
	"regexp"
	"strings"
	"testing"
)

// isoDate is a date written the way the database keeps it, which no reader should meet.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// TestMailDatesLikePages renders every template with its sample data: no date comes out as
// YYYY-MM-DD, and a due date reads as pages write it, in each language.
func TestMailDatesLikePages(t *testing.T) {
	m := newMailer(t, openDB(t), Config{})
	for _, name := range m.Templates() {
		for _, lang := range []string{"ar", "en", "fr"} {
			r, err := m.tmpls.render(name, lang, "https://masar.test", sampleData[name].data, footerOptions{})
			if err != nil {
				t.Fatalf("%s.%s: %v", name, lang, err)
			}
			for _, part := range []string{r.subject, r.text, r.html} {
				if d := isoDate.FindString(part); d != "" {
					t.Errorf("%s.%s shows the date %s as the database writes it", name, lang, d)
				}
			}
		}
	}
	for lang, want := range map[string]string{"ar": "2 يناير 2027", "en": "2 January 2027", "fr": "2 janvier 2027"} {
		for _, name := range []string{"advisory_staff_new", "advisory_due"} {
			r, err := m.tmpls.render(name, lang, "", sampleData[name].data, footerOptions{})
			if err != nil || !strings.Contains(r.text, want) || !strings.Contains(r.html, want) {
				t.Errorf("%s.%s: %v, want the date written %q:\n%s", name, lang, err, want, r.text)
			}
		}
	}
	r, err := m.tmpls.render("advisory_assigned", "ar", "", advisorySample(map[string]any{"LeadExpert": "", "ResponseDue": "2027-01-02", "DeliveryDue": "", "Note": ""}), footerOptions{})
	if err != nil || !strings.Contains(r.text, "موعد الرد: 2 يناير 2027") {
		t.Errorf("advisory_assigned in Arabic: %v\n%s", err, r.text)
	}
}

// TestMailGrammaticalGender: Arabic verbs agree with who acted, French words with the
// person addressed; a gender not recorded takes the neutral (or masculine) form.
func TestMailGrammaticalGender(t *testing.T) {
	m := newMailer(t, openDB(t), Config{})
	for _, tc := range []struct {
		name, lang, key, gender string
		extra                   map[string]any
		want, not               string
	}{
		{"advisory_submitted", "ar", "ByGender", "female", nil, "قدّمت", ""},
		{"advisory_submitted", "ar", "ByGender", "male", nil, "قدّم ", "قدّمت"},
		{"advisory_submitted", "ar", "ByGender", "", nil, "قدّم ", "قدّمت"},
		{"advisory_comment", "ar", "ByGender", "female", map[string]any{"Comment": "x"}, "كتبت", ""},
		{"advisory_status", "ar", "ByGender", "female", map[string]any{"From": "a", "To": "b", "Status": "accepted", "Reason": "", "RatingLink": ""}, "أجرت", "أجرى"},
		{"advisory_assigned", "ar", "ByGender", "female", map[string]any{"LeadExpert": "", "ResponseDue": "", "DeliveryDue": "", "Note": ""}, "حدّثت", ""},
		{"advisory_status", "fr", "Gender", "female", map[string]any{"From": "a", "To": "b", "Status": "completed", "Reason": "", "RatingLink": "https://x"}, "satisfaite", ""},
		{"advisory_status", "fr", "Gender", "male", map[string]any{"From": "a", "To": "b", "Status": "completed", "Reason": "", "RatingLink": "https://x"}, "satisfait,", "satisfaite"},
		{"advisory_status", "fr", "Gender", "unspecified", map[string]any{"From": "a", "To": "b", "Status": "completed", "Reason": "", "RatingLink": "https://x"}, "satisfait·e", ""},
		{"advisory_staff_assigned", "fr", "Gender", "female", map[string]any{"Owner": true, "Due": ""}, "désignée", ""},
		{"advisory_staff_assigned", "ar", "Gender", "female", map[string]any{"Owner": true, "Due": "", "ByGender": "female"}, "أنتِ المسؤولة عنه", "أنت المسؤول"},
	} {
		data := advisorySample(tc.extra)
		data[tc.key] = tc.gender
		r, err := m.tmpls.render(tc.name, tc.lang, "", data, footerOptions{})
		if err != nil {
			t.Fatalf("%s.%s: %v", tc.name, tc.lang, err)
		}
		all := r.subject + "\n" + r.text + "\n" + r.html
		if !strings.Contains(all, tc.want) || tc.not != "" && strings.Contains(all, tc.not) {
			t.Errorf("%s.%s with %s=%q: want %q and not %q:\n%s", tc.name, tc.lang, tc.key, tc.gender, tc.want, tc.not, r.text)
		}
	}
}

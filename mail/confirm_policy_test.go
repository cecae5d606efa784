package mail

import (
	"context"
	"strings"
	"testing"
)

// TestConfirmationMailStatesThePolicy: the confirmation mail says, in its language, what an
// unconfirmed account may do (read courses and workshops) and may not (enrol, apply), in both
// its text and its HTML parts.
func TestConfirmationMailStatesThePolicy(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	m := newMailer(t, db, Config{BaseURL: "https://masar.test/"})
	for lang, want := range map[string][]string{
		"ar": {"يمكنك قراءة الدورات والاطلاع على ورش العمل", "لا يمكنك التسجيل في دورة ولا طلب المشاركة في ورشة عمل"},
		"en": {"you can read the courses and the workshops", "you cannot enrol in a course or apply to a workshop"},
		"fr": {"vous pouvez lire les cours et consulter les ateliers", "ni vous inscrire à un cours ni postuler à un atelier"},
	} {
		id, err := m.Enqueue(ctx, db.W, confirmMsg("amina@gov.test", "Amina", lang))
		if err != nil {
			t.Fatal(err)
		}
		it, err := m.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(it.Text, w) || !strings.Contains(it.HTML, w) {
				t.Errorf("%s confirmation mail does not say %q", lang, w)
			}
		}
	}
}

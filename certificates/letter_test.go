package certificates

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A visa letter in Arabic names a person in Latin letters inside Arabic sentences: poppler
// must read the Arabic in logical order with the name whole where the sentence puts it.
func TestLetterArabicWithLatinName(t *testing.T) {
	s := newTestService(t, nil)
	p := LetterPage{Lang: "ar", Reference: "المرجع: MASAR/W1/R2", Date: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), Title: "خطاب دعوة",
		Paragraphs: []string{"إلى من يهمه الأمر،", "يسر أمانة البرنامج أن تؤكد دعوة HASSAN Layla للمشاركة في ورشة البيانات المفتوحة التي تُعقد في عمّان خلال الفترة 10–12 مارس 2026.",
			"ويُتوقع وصولها في 9 مارس 2026 ومغادرتها في 13 مارس 2026."},
		Closing: "أمانة البرنامج"}
	pdf, err := s.RenderLetter(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("MASAR_LETTER_OUT"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "letter-ar.pdf"), pdf, 0o600)
	}
	text := run(t, "pdftotext", "-enc", "UTF-8", "-layout", file, "-")
	flat := noSpace(bidiControls.Replace(text))
	for _, want := range []string{"يسرأمانةالبرنامجأنتؤكددعوةHASSANLaylaللمشاركةفيورشةالبياناتالمفتوحة", "9مارس2026", "ومغادرتهافي13مارس",
		"خطابدعوة", "التاريخ", "فبراير"} {
		if !strings.Contains(flat, want) {
			t.Errorf("pdftotext -layout does not read %q in order; it read:\n%s", want, text)
		}
	}
}

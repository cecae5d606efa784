package certificates

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
)

// officialIn creates an account whose preferred language is lang.
func (e *testEnv) officialIn(t testing.TB, email, lang string) *officials.Official {
	t.Helper()
	o, err := e.offs.Create(context.Background(), audit.Actor{Email: "test"}, officials.Input{Email: email, Password: "correct horse battery",
		NameAr: "سلمى", NameLatin: "Salma Idrissi", JobTitle: "Analyst", Organisation: "Ministry", Country: "MA",
		Sector: "central_government", Gender: "female", Language: lang}, officials.RoleOfficial)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return o
}

// extractedText is the text poppler extracts from a PDF, with runs of spaces made one.
func extractedText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	if keep := os.Getenv("MASAR_CERT_TEST_OUT"); keep != "" {
		dir = keep // to look at the PDFs
	}
	file := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+strconv.Itoa(len(pdf))+".pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	text := run(t, "pdftotext", "-enc", "UTF-8", file, "-")
	return strings.Join(strings.Fields(bidiControls.Replace(text)), " ")
}

// storedAndRerendered is c's PDF as stored, checked to be what rendering c again gives.
func storedAndRerendered(t *testing.T, e *testEnv, c *Certificate) []byte {
	t.Helper()
	ctx := context.Background()
	again, err := e.svc.Get(ctx, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := e.svc.PDF(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	re, err := e.svc.renderPDF(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pdf, re) {
		t.Error("rendering the stored certificate again gives other bytes")
	}
	return pdf
}

// TestFrenchHolderGetsArabicAndFrench: a holder who prefers French gets a certificate in
// Arabic and French (title, wording and dates in French, no English line), kept with the
// certificate so that it renders again the same.
func TestFrenchHolderGetsArabicAndFrench(t *testing.T) {
	e := newEnv(t, nil)
	o := e.officialIn(t, "salma@gov.example", "fr")
	c, _, err := e.svc.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-framework", time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if c.Pair != "fr" {
		t.Fatalf("pair %q, want fr", c.Pair)
	}
	if again, err := e.svc.Get(context.Background(), c.Code); err != nil || again.Pair != "fr" {
		t.Fatalf("stored pair: %+v, %v", again, err)
	}
	text := extractedText(t, storedAndRerendered(t, e, c))
	for _, want := range []string{"Certificat de réussite", "Ce certificat est décerné à", "Le cadre du gouvernement ouvert pour la région arabe",
		"Achevé le 1er mars 2025", "Code de vérification", "Secrétariat technique de l'Initiative", "Salma Idrissi",
		"إطار تطبيق الحكومة المفتوحة في البلدان العربية"} {
		if !strings.Contains(text, want) {
			t.Errorf("the French pair lacks %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"Certificate of Completion", "The open-government framework", "This certificate", "Completed on", "Verification code", "Issued on"} {
		if strings.Contains(text, not) {
			t.Errorf("the French pair has the English %q:\n%s", not, text)
		}
	}
}

// TestFrenchHolderWithoutFrenchTitle: a workshop with no French title gives a
// French-preferring holder an Arabic and English certificate, not a French page with an
// English title.
func TestFrenchHolderWithoutFrenchTitle(t *testing.T) {
	e := newEnv(t, nil)
	o := e.officialIn(t, "salma@gov.example", "fr")
	award := WorkshopAward{WorkshopID: 9, Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"},
		HostCountry: "tn", City: "Tunis", Start: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), Hours: 15}
	cs, failed, err := e.svc.IssueWorkshop(context.Background(), staff, award, []int64{o.ID})
	if err != nil || len(failed) != 0 || len(cs) != 1 {
		t.Fatalf("issued %d: %v %v", len(cs), failed, err)
	}
	if cs[0].Pair != "en" {
		t.Fatalf("pair %q, want en", cs[0].Pair)
	}
	text := extractedText(t, storedAndRerendered(t, e, cs[0]))
	if !strings.Contains(text, "Certificate of Attendance") || !strings.Contains(text, "Open data workshop") || strings.Contains(text, "Certificat de") {
		t.Errorf("not an Arabic and English certificate:\n%s", text)
	}
}

// TestEveryCourseHasAFrenchTitle: every course the platform ships can be certified in
// Arabic and French — course 03 («مشاركة المواطنين») prints its French title, with the French
// wording, for a French-preferring holder.
func TestEveryCourseHasAFrenchTitle(t *testing.T) {
	e := newEnv(t, nil)
	for _, co := range e.svc.opt.Catalogue().Courses() {
		if strings.TrimSpace(co.Title["fr"]) == "" {
			t.Errorf("course %s has no French title", co.Slug)
		}
	}
	o := e.officialIn(t, "salma@gov.example", "fr")
	c, _, err := e.svc.IssueCourse(context.Background(), staff, o.ID, "citizen-participation", time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if c.Pair != "fr" {
		t.Fatalf("pair %q, want fr", c.Pair)
	}
	text := extractedText(t, storedAndRerendered(t, e, c))
	for _, want := range []string{"Participation citoyenne", "Certificat de réussite", "مشاركة المواطنين"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Arabic and French certificate of course 03 lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Citizen participation") {
		t.Errorf("the French pair has the English title:\n%s", text)
	}
}

// TestWorkshopPairPlace: a workshop's certificate for a French-preferring holder has the
// title, the dates and the host country in French, the city as stored; for an
// Arabic-preferring holder, in English as before.
func TestWorkshopPairPlace(t *testing.T) {
	e := newEnv(t, nil)
	fr := e.officialIn(t, "salma@gov.example", "fr")
	ar := e.officialIn(t, "huda@gov.example", "ar")
	award := WorkshopAward{WorkshopID: 7, Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop", "fr": "Atelier sur les données ouvertes"},
		HostCountry: "ma", City: "Rabat", Start: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), Hours: 15}
	cs, failed, err := e.svc.IssueWorkshop(context.Background(), staff, award, []int64{fr.ID, ar.ID})
	if err != nil || len(failed) != 0 || len(cs) != 2 {
		t.Fatalf("issued %d: %v %v", len(cs), failed, err)
	}
	text := extractedText(t, storedAndRerendered(t, e, cs[0]))
	for _, want := range []string{"Certificat de participation", "Atelier sur les données ouvertes", "Du 1er au 3 mars 2025", "Rabat, Maroc", "المغرب"} {
		if !strings.Contains(text, want) {
			t.Errorf("the French pair lacks %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"Open data workshop", "Morocco", "Certificate of"} {
		if strings.Contains(text, not) {
			t.Errorf("the French pair has the English %q:\n%s", not, text)
		}
	}
	text = extractedText(t, storedAndRerendered(t, e, cs[1]))
	for _, want := range []string{"Certificate of Attendance", "Open data workshop", "Rabat, Morocco", "From 1 to 3 March 2025"} {
		if !strings.Contains(text, want) {
			t.Errorf("the English pair lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Maroc") || strings.Contains(text, "Atelier") {
		t.Errorf("the English pair has French:\n%s", text)
	}
}

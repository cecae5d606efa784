package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestWorkshopDocumentsPagesAndAPI: a trainer of the workshop opens its documents page in
// Arabic, linked from the check-in page, and downloads the badges (all, one person's, the
// ZIP) and a day's sign-in sheet; the PDF carries the participant's Arabic name as typed. A
// trainer of another workshop is told it does not exist, an official is refused, a pending
// participant has no badge; the API lists the badges and the days and serves the same files.
func TestWorkshopDocumentsPagesAndAPI(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	p.Workshops.SetClock(func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) })
	trainerC, trainer := account(t, p, "docs-trainer@example.org", officials.RoleTrainer, "JO")
	otherC, _ := account(t, p, "docs-other-trainer@example.org", officials.RoleTrainer, "JO")
	officialC, official := account(t, p, "docs-official@example.org", officials.RoleOfficial, "TN")
	_, staff := account(t, p, "docs-staff@example.org", officials.RoleStaff, "")
	actor := audit.Actor{ID: staff.ID, Email: staff.Email}
	w, err := p.Workshops.Create(ctx, actor, workshops.Input{Title: map[string]string{"ar": "ورشة الميزانيات المفتوحة", "en": "Open budgets workshop"},
		Kind: workshops.KindRegional, Phases: []int{2}, HostCountry: "JO", City: "Amman", Venue: "Le Royal", StartDate: "2026-03-10", EndDate: "2026-03-11",
		Languages: []string{"ar", "en"}, Capacity: 20, Trainers: []int64{trainer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Workshops.SetStatus(ctx, actor, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	person := func(email, nameAr, nameLatin, country string) *officials.Official {
		o, err := p.Officials.Create(ctx, audit.Actor{Email: "test"}, officials.Input{Email: email, NameAr: nameAr, NameLatin: nameLatin, JobTitle: "Analyst",
			Organisation: "وزارة المالية", Country: country, Sector: "central_government", Gender: "female", Language: "ar"}, officials.RoleOfficial)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	reg, err := p.Workshops.Nominate(ctx, staff, w.ID, person("amna@gov.test", "آمنة الطرابلسي", "Amna Trabelsi", "LY"), "")
	if err != nil {
		t.Fatal(err)
	}
	if reg, err = p.Workshops.Transition(ctx, staff, reg.ID, workshops.ActApprove); err != nil {
		t.Fatal(err)
	}
	pending, err := p.Workshops.Nominate(ctx, staff, w.ID, person("iman@gov.test", "إيمان بلال", "Imane Belal", "DZ"), "")
	if err != nil {
		t.Fatal(err)
	}
	base := "/ar/admin/workshops/" + itoa(w.ID)

	if r := trainerC.get(base + "/checkin"); !strings.Contains(r.Body, `href="`+base+`/documents#badges">شارات الأسماء</a>`) ||
		!strings.Contains(r.Body, `href="`+base+`/documents#signin">أوراق التوقيع</a>`) {
		t.Errorf("the check-in page does not link to the badges and sign-in sheets: %d", r.Status)
	}
	page := trainerC.get(base + "/documents")
	if page.Status != 200 || !strings.Contains(page.Body, `<html lang="ar" dir="rtl"`) || !strings.Contains(page.Body, "آمنة الطرابلسي") ||
		strings.Contains(page.Body, "إيمان بلال") || !strings.Contains(page.Body, base+"/badges/registrations/"+itoa(reg.ID)) ||
		!strings.Contains(page.Body, base+"/badges/trainers/"+itoa(trainer.ID)) || !strings.Contains(page.Body, base+"/signin-sheets/2026-03-11") {
		t.Fatalf("documents page: %d", page.Status)
	}
	if os.Getenv("MASAR_SCREENSHOT_HTML") != "" {
		_ = os.WriteFile(os.Getenv("MASAR_SCREENSHOT_HTML"), []byte(page.Body), 0o644)
	}

	pdf := func(c *client, path string) string {
		t.Helper()
		r := c.get(path)
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-1.4") {
			t.Fatalf("%s: %d %s", path, r.Status, r.Header.Get("Content-Type"))
		}
		return pdfText(t, r.Body)
	}
	if text := pdf(trainerC, base+"/badges/registrations/"+itoa(reg.ID)); !strings.Contains(text, "آمنة الطرابلسي") || !strings.Contains(text, "Amna Trabelsi") ||
		!strings.Contains(text, workshops.FormatTicket(reg.Ticket)) {
		t.Errorf("the badge does not read back the name and the ticket:\n%s", text)
	}
	if text := pdf(trainerC, base+"/badges.pdf"); !strings.Contains(text, "آمنة الطرابلسي") || !strings.Contains(text, "Sara Khaled") || strings.Contains(text, "Imane") {
		t.Errorf("the badges are not the trainer's and the confirmed participant's:\n%s", text)
	}
	if text := pdf(trainerC, base+"/signin-sheets/2026-03-11?lang=fr"); !strings.Contains(text, "Feuille d’émargement") || !strings.Contains(text, "Amna Trabelsi") {
		t.Errorf("the French sign-in sheet:\n%s", text)
	}
	r := trainerC.get(base + "/badges.zip")
	zr, err := zip.NewReader(strings.NewReader(r.Body), int64(len(r.Body)))
	if r.Status != 200 || err != nil || len(zr.File) != 2 {
		t.Errorf("badges.zip: %d %v", r.Status, err)
	}
	if r := trainerC.get(base + "/signin-sheets.zip"); r.Status != 200 || r.Header.Get("Content-Type") != "application/zip" {
		t.Errorf("signin-sheets.zip: %d", r.Status)
	}

	if r := trainerC.get(base + "/badges/registrations/" + itoa(pending.ID)); r.Status != 404 || !strings.Contains(r.Body, "لا شارة لهذا الشخص") {
		t.Errorf("a pending participant's badge: %d", r.Status)
	}
	if r := trainerC.get(base + "/signin-sheets/2026-03-12"); r.Status != 404 {
		t.Errorf("a day after the workshop: %d", r.Status)
	}
	if r := otherC.get(base + "/badges.pdf"); r.Status != 404 {
		t.Errorf("a trainer of other workshops: %d", r.Status)
	}
	if r := officialC.get(base + "/documents"); r.Status != 403 {
		t.Errorf("an official: %d", r.Status)
	}

	// The API.
	tok, err := p.Officials.CreateAPIToken(ctx, trainer.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	api := newClient(t, p)
	r = api.api("GET", "/api/v1/workshops/"+itoa(w.ID)+"/badges", tok, "")
	var badges struct {
		Data []struct {
			Role   string `json:"role"`
			NameAr string `json:"name_ar"`
			URL    string `json:"url"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.Body), &badges); r.Status != 200 || err != nil || len(badges.Data) != 2 || badges.Data[0].Role != "trainer" || badges.Data[1].NameAr != "آمنة الطرابلسي" ||
		!strings.HasSuffix(badges.Data[1].URL, "/api/v1/workshops/"+itoa(w.ID)+"/badges/registrations/"+itoa(reg.ID)) {
		t.Fatalf("API badges: %d %s", r.Status, r.Body)
	}
	if r := api.api("GET", strings.TrimPrefix(badges.Data[1].URL, p.Config.BaseURL), tok, ""); r.Status != 200 || !strings.Contains(pdfText(t, r.Body), "آمنة الطرابلسي") {
		t.Errorf("API badge: %d", r.Status)
	}
	r = api.api("GET", "/api/v1/workshops/"+itoa(w.ID)+"/signin-sheets", tok, "")
	if r.Status != 200 || !strings.Contains(r.Body, `"day":"2026-03-10"`) || !strings.Contains(r.Body, `"day":"2026-03-11"`) {
		t.Errorf("API sign-in sheets: %d %s", r.Status, r.Body)
	}
	otherTok, _ := p.Officials.CreateAPIToken(ctx, official.ID, "t")
	if r := api.api("GET", "/api/v1/workshops/"+itoa(w.ID)+"/badges.pdf", otherTok, ""); r.Status != 403 {
		t.Errorf("API badges for an official: %d", r.Status)
	}

	// A cancelled workshop has nothing to print: its tickets check nobody in.
	if _, err := p.Workshops.SetStatus(ctx, actor, w.ID, workshops.StatusCancelled); err != nil {
		t.Fatal(err)
	}
	if r := trainerC.get(base + "/badges.pdf"); r.Status != 409 || !strings.Contains(r.Body, "أُلغيت هذه الورشة") {
		t.Errorf("badges of a cancelled workshop: %d", r.Status)
	}
	if r := trainerC.get(base + "/documents"); r.Status != 200 || !strings.Contains(r.Body, "أُلغيت هذه الورشة، فلا تُطبع") || strings.Contains(r.Body, "/badges.pdf") {
		t.Errorf("documents page of a cancelled workshop: %d", r.Status)
	}
	if r := api.api("GET", "/api/v1/workshops/"+itoa(w.ID)+"/signin-sheets/2026-03-10", tok, ""); r.Status != 409 || decodeCode(r.Body) != "workshop_cancelled" {
		t.Errorf("API sign-in sheet of a cancelled workshop: %d %s", r.Status, r.Body)
	}
}

// pdfText is poppler's text of a PDF, without its bidi marks; the test skips without poppler.
func pdfText(t *testing.T, body string) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) is not installed")
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	file := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(tool, "-enc", "UTF-8", file, "-")
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "").Replace(out.String())
}

// decodeCode is the error code of an API answer.
func decodeCode(body string) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal([]byte(body), &e)
	return e.Error.Code
}

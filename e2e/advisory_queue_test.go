package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
)

// TestBrowserAdvisoryQueueAndUploadLimit, in Arabic: a focal point's request with a scan over
// the per-file limit comes back with a message naming the file and everything typed still in
// the form; sent without it, staff (told by e-mail) take it from the request's page, and
// find it in their work queue under «طلباتي», with the counts of every view.
func TestBrowserAdvisoryQueueAndUploadLimit(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	msg := i18n.MustLoad()
	fp := s.advPerson(t, "huda@mode.gov.jo", officials.RoleFocalPoint, "JO", "ar")
	staff := s.advPerson(t, "nour@commission.example.org", officials.RoleStaff, "", "ar")
	big := filepath.Join(t.TempDir(), "مسح ضوئي كبير.pdf")
	data := make([]byte, advisory.MaxFileBytes+1)
	copy(data, "%PDF-1.4\n")
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	letter := filepath.Join(t.TempDir(), "كتاب الوزارة.pdf")
	if err := os.WriteFile(letter, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	s.login(t, ctx, "ar", fp.Email)
	s.open(t, ctx, "/ar/advisory/new")
	body := "وزارة الاقتصاد الرقمي والريادة"
	needs := "نحتاج إلى دعم في إطلاق بوابة وطنية للبيانات المفتوحة، وتدريب فرق الوزارات على نشر البيانات."
	do(t, ctx, "fill the request with a scan too large",
		typeInto("#f-requesting_body", body),
		clickInput("phases", "2"),
		clickInput("topics", "e_participation"),
		typeInto("#f-needs", needs),
		clickInput("support_kinds", "advisory_mission"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-attachments"), []string{big}),
	)
	fillLetter(t, ctx, letter)
	// The page's script names the file before anything is sent.
	do(t, ctx, "send the form", chromedp.Click(chromedp.CSS(".advisory-form button[type=submit]")))
	if got := text(t, ctx, "#f-attachments-size"); !strings.Contains(got, "«مسح ضوئي كبير.pdf»") || !strings.Contains(got, "8 ميغابايت") {
		t.Errorf("the browser's check says %q", got)
	}
	// Without the script (or past it), the server answers the same and keeps what was typed.
	_ = eval[bool](t, ctx, `(() => { document.querySelector('#f-attachments').removeAttribute('data-max-file'); return true })()`)
	clickAndLoad(t, ctx, ".advisory-form button[type=submit]")
	if got := location(t, ctx); got != "/ar/advisory/new" {
		t.Fatalf("after a scan over the limit the browser is on %s", got)
	}
	if got := text(t, ctx, "#e-attachments"); !strings.Contains(got, "يتجاوز حجم الملف 8 ميغابايت") {
		t.Errorf("the file's error says %q", got)
	}
	if got := text(t, ctx, "main"); !strings.Contains(got, "«مسح ضوئي كبير.pdf»") {
		t.Errorf("the message does not name the file: %q", got)
	}
	if got := value(t, ctx, "#f-requesting_body"); got != body {
		t.Errorf("the requesting body came back as %q", got)
	}
	if got := value(t, ctx, "#f-needs"); got != needs {
		t.Errorf("the needs came back as %q", got)
	}
	if !eval[bool](t, ctx, `document.querySelector('input[name=phases][value="2"]').checked && document.querySelector('input[name=topics][value=e_participation]').checked`) {
		t.Error("the ticked boxes were lost")
	}
	screenshot(t, ctx, "advisory-upload-too-large-ar")
	if got := value(t, ctx, "#f-letter_reference"); got != "و ت ر/2026/118" {
		t.Errorf("the letter's reference came back as %q", got)
	}
	// The browser dropped the files: the letter is attached again, the scan left out.
	do(t, ctx, "attach the letter again", chromedp.SetUploadFiles(chromedp.CSS("#f-letter_file"), []string{letter}))
	clickAndLoad(t, ctx, ".advisory-form button[type=submit]")
	var id int64
	if _, err := fmt.Sscanf(location(t, ctx), "/ar/advisory/%d", &id); err != nil {
		t.Fatalf("sending again without the file: %s (%s)", location(t, ctx), text(t, ctx, "main"))
	}
	logout(t, ctx, "ar")

	// Staff were told; they take the request from its page and find it in their queue.
	items, _, err := s.p.Mailer.List(context.Background(), 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	told := false
	for _, m := range items {
		told = told || m.To == staff.Email && m.Template == "advisory_staff_new"
	}
	if !told {
		t.Error("staff were not told of the new request")
	}
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/advisory/%d", id))
	do(t, ctx, "make oneself the owner", chromedp.SetValue(chromedp.CSS("#f-owner_id"), fmt.Sprint(staff.ID)))
	clickAndLoad(t, ctx, "#staffing button[type=submit]")
	if got := text(t, ctx, ".flash"); got != msg.T("ar", "flash.saved") {
		t.Errorf("flash after taking the request: %q", got)
	}
	screenshot(t, ctx, "advisory-staffing-ar")
	s.open(t, ctx, "/ar/advisory/queue")
	if got := text(t, ctx, "main h1"); got != msg.T("ar", "advisory.queue.title") {
		t.Fatalf("queue title %q", got)
	}
	if got := text(t, ctx, `.tabs a[aria-current="page"]`); !strings.Contains(got, msg.T("ar", "advisory.queue.view.mine")) || !strings.Contains(got, "1") {
		t.Errorf("the current view is %q, want «طلباتي» with 1", got)
	}
	if got := text(t, ctx, "main table tbody"); !strings.Contains(got, body) || !strings.Contains(got, "هدى عبد الله") && !strings.Contains(got, "الأردن") {
		t.Errorf("the queue shows %q", got)
	}
	if dir := os.Getenv("MASAR_QUEUE_SCREENSHOT"); dir != "" {
		t.Setenv("MASAR_SCREENSHOTS", dir)
	}
	screenshot(t, ctx, "queue-ar")
	s.open(t, ctx, "/ar/advisory")
	screenshot(t, ctx, "advisory-list-ar")
}

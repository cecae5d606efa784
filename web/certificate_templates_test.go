package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/officials"
)

// templateForm posts the template editor's form with files, with this browser's CSRF token.
func (c *client) templateForm(path string, fields map[string]string, files map[string][2]string) response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.csrf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for field, f := range files {
		fw, _ := w.CreateFormFile(field, f[0])
		_, _ = fw.Write([]byte(f[1]))
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func disc(t *testing.T, w, h int, c color.RGBA) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x-w/2)/float64(w/2), float64(y-h/2)/float64(h/2)
			if dx*dx+dy*dy <= 1 {
				img.Set(x, y, c)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const partnerSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><rect x="4" y="4" width="292" height="92" rx="12" fill="#1d4f91"/><circle cx="60" cy="50" r="30" fill="#f2b705"/><path d="M110 30 h160 v12 h-160 z M110 58 h120 v12 h-120 z" fill="#fff"/></svg>`

// TestCertificateTemplateEditor: staff make a template in the browser's form with two
// signatories and three logos; a hostile SVG is refused next to its field, naming the file,
// with nothing saved and the typed values kept; the preview (button and endpoint) draws the
// form's values; a certificate issued afterwards says which version it used, in its JSON
// too; a second save is version 2, listed in the history with who saved it.
func TestCertificateTemplateEditor(t *testing.T) {
	p := newPlatform(t)
	staff, staffAccount := account(t, p, "tpl-staff@example.org", officials.RoleStaff, "")
	_, o := account(t, p, "tpl-holder@example.org", officials.RoleOfficial, "JO")
	ctx := context.Background()
	fields := map[string]string{"name": "ESCWA and partners",
		"issuer_ar": "اللجنة الاقتصادية والاجتماعية لغربي آسيا (الإسكوا)", "issuer_en": "ESCWA", "issuer_fr": "CESAO",
		"wording_course_ar": "تقديرًا لإتمامه برنامج القيادات", "wording_course_en": "for completing the leadership programme", "wording_course_fr": "pour le programme de leadership",
		"sig1_name_ar": "د. رولا دشتي", "sig1_name_en": "Dr. Rola Dashti", "sig1_name_fr": "Dr Rola Dashti",
		"sig1_title_ar": "الأمينة التنفيذية", "sig1_title_en": "Executive Secretary", "sig1_title_fr": "Secrétaire exécutive",
		"sig2_name_ar": "سامي الخطيب", "sig2_name_en": "Sami Al-Khatib", "sig2_name_fr": "Sami Al-Khatib",
		"sig2_title_ar": "وزير التنمية الإدارية", "sig2_title_en": "Minister of Administrative Development", "sig2_title_fr": "Ministre du Développement administratif",
		"preview_pair": "fr", "preview_kind": "course"}
	files := map[string][2]string{
		"sig1_signature": {"signature-dashti.png", disc(t, 200, 60, color.RGBA{20, 40, 120, 255})},
		"sig2_signature": {"signature-khatib.png", disc(t, 200, 60, color.RGBA{20, 40, 120, 255})},
		"logo1":          {"escwa.png", disc(t, 200, 100, color.RGBA{0, 90, 160, 255})},
		"logo2":          {"undp.svg", partnerSVG},
		"logo3":          {"oecd.svg", `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><rect width="5" height="5"/></svg>`},
	}
	staff.get("/en/admin/certificates/templates/new")
	r := staff.templateForm("/en/admin/certificates/templates/new", fields, files)
	if r.Status != 422 || !strings.Contains(r.Body, "oecd.svg") || !strings.Contains(r.Body, "event handler") {
		t.Fatalf("a hostile SVG: %d %s", r.Status, excerpt(r.Body))
	}
	if !strings.Contains(r.Body, "Sami Al-Khatib") {
		t.Error("the typed values are lost")
	}
	if ts, _ := p.Certificates.Templates(ctx); len(ts) != 0 {
		t.Fatalf("saved despite the refused logo: %+v", ts)
	}
	files["logo3"] = [2]string{"oecd.png", disc(t, 160, 100, color.RGBA{20, 130, 60, 255})}

	// The Preview button (no JavaScript) shows the form's values drawn; nothing is saved.
	fields["action"] = "preview"
	r = staff.templateForm("/ar/admin/certificates/templates/new", fields, files)
	if r.Status != 200 || !strings.Contains(r.Body, `src="data:image/png;base64,`) {
		t.Fatalf("preview button: %d %s", r.Status, excerpt(r.Body))
	}
	// The live preview's endpoint: a PNG, and the PDF says what the form says.
	r = staff.templateForm("/en/admin/certificates/templates/preview", fields, files)
	if r.Status != 200 || !strings.HasPrefix(r.Body, "\x89PNG") {
		t.Fatalf("preview endpoint: %d", r.Status)
	}
	r = staff.templateForm("/en/admin/certificates/templates/preview?format=pdf", fields, files)
	if r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Fatalf("PDF preview: %d", r.Status)
	}
	if ts, _ := p.Certificates.Templates(ctx); len(ts) != 0 {
		t.Fatal("the preview saved the template")
	}

	fields["action"] = "save"
	r = staff.templateForm("/en/admin/certificates/templates/new", fields, files)
	if r.Status != 303 {
		t.Fatalf("save: %d %s", r.Status, excerpt(r.Body))
	}
	ts, err := p.Certificates.Templates(ctx)
	if err != nil || len(ts) != 1 || !ts[0].Default || len(ts[0].Latest.Content.Logos) != 3 || len(ts[0].Latest.Content.Signatories) != 2 {
		t.Fatalf("saved: %+v %v", ts, err)
	}
	page := staff.get(r.Location)
	// The kept SVG logo shows beside its field (html/template writes "+" as "&#43;").
	if page.Status != 200 || !strings.Contains(page.Body, "tpl-staff@example.org") || !strings.Contains(page.Body, `src="data:image/svg&#43;xml;base64,`) {
		t.Errorf("the editor after saving: %d", page.Status)
	}

	cert, _, err := p.Certificates.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := p.Certificates.Get(ctx, cert.Code)
	if got.TemplateVersion != 1 || got.TemplateID != ts[0].ID {
		t.Errorf("the certificate records template %d version %d", got.TemplateID, got.TemplateVersion)
	}
	var js map[string]any
	if b, _ := json.Marshal(got); json.Unmarshal(b, &js) != nil || js["template_version"] != float64(1) {
		t.Errorf("the certificate's JSON: %v", js)
	}

	// Saving again (without new files: the kept ones stay) is version 2.
	delete(files, "logo1")
	delete(files, "logo2")
	delete(files, "logo3")
	delete(files, "sig1_signature")
	delete(files, "sig2_signature")
	for i, h := range ts[0].Latest.Content.Logos {
		fields["logo"+string(rune('1'+i))+"_keep"] = h
	}
	fields["issuer_en"] = "United Nations ESCWA"
	r = staff.templateForm(r.Location, fields, nil)
	if r.Status != 303 {
		t.Fatalf("second save: %d %s", r.Status, excerpt(r.Body))
	}
	t2, _ := p.Certificates.Template(ctx, ts[0].ID)
	if t2.Latest.Version != 2 || len(t2.Latest.Content.Logos) != 3 || t2.Latest.Content.Issuer.En != "United Nations ESCWA" {
		t.Errorf("version 2: %+v", t2.Latest)
	}
	// The API lists the template and its two versions, and the certificate names its version.
	tok, err := p.Officials.CreateAPIToken(ctx, staffAccount.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	var vs struct {
		Data []certificates.TemplateVersion `json:"data"`
	}
	r = staff.api("GET", "/api/v1/certificate-templates/"+fmt.Sprint(ts[0].ID)+"/versions", tok, "")
	if err := json.Unmarshal([]byte(r.Body), &vs); err != nil || len(vs.Data) != 2 || vs.Data[0].Version != 2 || vs.Data[1].SavedBy != "tpl-staff@example.org" {
		t.Errorf("API versions: %d %s", r.Status, excerpt(r.Body))
	}
	if r := staff.api("GET", "/api/v1/certificates/"+got.Display(), tok, ""); !strings.Contains(r.Body, `"template_version":1`) {
		t.Errorf("API certificate: %s", excerpt(r.Body))
	}
	if keep := os.Getenv("MASAR_TPL_OUT"); keep != "" {
		pdf, _ := p.Certificates.PDF(ctx, got)
		_ = os.WriteFile(keep+"/issued.pdf", pdf, 0o644)
	}
	var n int
	if err := p.DB.R.QueryRowContext(ctx, "SELECT count(*) FROM audit_log WHERE action = 'certificate_template.save'").Scan(&n); err != nil || n != 2 {
		t.Errorf("audit: %d %v", n, err)
	}
}

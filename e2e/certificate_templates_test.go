package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
)

// previewSrc waits until the template editor's preview shows an image other than before,
// and returns its address.
func previewSrc(t *testing.T, ctx context.Context, before string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		src := eval[string](t, ctx, `(() => { const i = document.getElementById('tpl-preview-img'); return i && !i.hidden ? i.getAttribute('src') || '' : '' })()`)
		if strings.HasPrefix(src, "data:image/png") && src != before {
			return src
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the preview did not follow the form (still %.40q)", before)
	return ""
}

// TestBrowserCertificateTemplateEditor: a staff member opens the template editor in Arabic;
// the preview appears and follows what she types a moment after she stops; the page is
// right to left, does not overflow and passes axe; saving keeps the version in the
// history with her name.
func TestBrowserCertificateTemplateEditor(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	in := officials.Input{Email: "noura.staff@escwa.example", Password: password, NameAr: "نورة", NameLatin: "Noura",
		JobTitle: "Programme officer", Organisation: "ESCWA", Country: "LB", Sector: "central_government",
		Gender: "female", Language: "ar"}
	o, err := s.p.Officials.Create(context.Background(), audit.Actor{Email: "e2e"}, in, officials.RoleStaff)
	if err != nil {
		t.Fatal(err)
	}
	s.confirm(t, o.ID)
	s.login(t, ctx, "ar", in.Email)
	s.open(t, ctx, "/ar/admin/certificates/templates/new")
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("the editor's direction is %q", dir)
	}
	if v := value(t, ctx, "#f-issuer_en"); !strings.Contains(v, "ESCWA") {
		t.Errorf("the issuer does not start as ESCWA: %q", v)
	}
	first := previewSrc(t, ctx, "")
	do(t, ctx, "type a name and a signatory", typeInto("#f-name", "الإسكوا والوزارة"),
		typeInto("#f-sig1_name_ar", "د. رولا دشتي"), typeInto("#f-sig1_name_en", "Dr. Rola Dashti"),
		typeInto("#f-sig1_title_ar", "الأمينة التنفيذية"), typeInto("#f-sig1_title_en", "Executive Secretary"))
	second := previewSrc(t, ctx, first)
	if second == first {
		t.Error("the preview did not change")
	}
	certNoOverflow(t, ctx)
	checkAxe(t, ctx, axeSource(t), "/ar/admin/certificates/templates/new")
	clickAndLoad(t, ctx, `button[name="action"][value="save"]`)
	if loc := location(t, ctx); !strings.HasPrefix(loc, "/ar/admin/certificates/templates/") || strings.HasSuffix(loc, "/new") {
		t.Fatalf("after saving: %s\n%s", loc, text(t, ctx, "main"))
	}
	if main := text(t, ctx, "main"); !strings.Contains(main, in.Email) || !strings.Contains(main, "الإسكوا والوزارة") {
		t.Errorf("the history does not show the save:\n%s", main)
	}
}

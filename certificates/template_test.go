package certificates

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rsc.io/qr"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
)

// samplePNG is a w×h PNG: a coloured disc on a transparent ground (the transparency must
// end up white on the page).
func samplePNG(t testing.TB, w, h int, c color.RGBA) []byte {
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
	return b.Bytes()
}

// sampleSignature is a PNG of a scribble in dark blue on transparency.
func sampleSignature(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 240, 80))
	for x := 10; x < 230; x++ {
		y := 40 + int(22*math.Sin(float64(x)/14))
		for dy := -2; dy <= 2; dy++ {
			img.Set(x, y+dy, color.NRGBA{20, 40, 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const sampleSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">
  <title>Partner</title>
  <rect x="4" y="4" width="292" height="92" rx="12" fill="#1d4f91"/>
  <circle cx="60" cy="50" r="30" fill="#f2b705"/>
  <path d="M110 30 h160 v12 h-160 z M110 58 h120 v12 h-120 z" fill="#ffffff"/>
</svg>`

// TestCheckImage: what staff upload as logos and signatures is checked, and refused with a
// message naming the file, whatever the way it is wrong.
func TestCheckImage(t *testing.T) {
	good := samplePNG(t, 120, 60, color.RGBA{200, 30, 30, 255})
	cases := []struct {
		name, file string
		data       []byte
		format     string // "" when refused
		key        string
	}{
		{"png", "ministry.png", good, FormatPNG, ""},
		{"svg", "partner.svg", []byte(sampleSVG), FormatSVG, ""},
		{"empty", "empty.png", nil, "", "cert.tpl.image.empty"},
		{"too large", "huge.png", append(bytes.Clone(good), make([]byte, MaxImageBytes)...), "", "cert.tpl.image.too_large"},
		{"a PDF", "logo.pdf", []byte("%PDF-1.7\n..."), "", "cert.tpl.image.format"},
		{"a JPEG", "logo.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "", "cert.tpl.image.format"},
		{"PNG magic, broken body", "cut.png", good[:40], "", "cert.tpl.image.broken"},
		{"tiny PNG", "dot.png", samplePNG(t, 8, 8, color.RGBA{0, 0, 0, 255}), "", "cert.tpl.image.dimensions"},
		{"thin PNG", "line.png", samplePNG(t, 900, 20, color.RGBA{0, 0, 0, 255}), "", "cert.tpl.image.dimensions"},
		{"script", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`), "", "cert.tpl.svg.script"},
		{"onload", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><rect width="5" height="5"/></svg>`), "", "cert.tpl.svg.handler"},
		{"external image", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><a xlink:href="https://evil.example/"><rect width="5" height="5"/></a></svg>`), "", "cert.tpl.svg.external"},
		{"url() in style", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5" style="fill:url(https://evil.example/p.svg#g)"/></svg>`), "", "cert.tpl.svg.external"},
		{"@import", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><style>@import url(//evil.example/a.css);</style><rect width="5" height="5"/></svg>`), "", "cert.tpl.svg.external"},
		{"entity", "x.svg", []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>`), "", "cert.tpl.svg.entity"},
		{"text", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="30"><text x="0" y="20">UNDP</text></svg>`), "", "cert.tpl.svg.element"},
		{"foreignObject", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="30"><foreignObject><p>x</p></foreignObject></svg>`), "", "cert.tpl.svg.element"},
		{"not XML", "x.svg", []byte(`<svg width="10" height="10"><rect></svg>`), "", "cert.tpl.svg.malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			format, err := CheckImage(tc.file, tc.data)
			if tc.key == "" {
				if err != nil || format != tc.format {
					t.Fatalf("refused a good %s: %v", tc.name, err)
				}
				return
			}
			p, ok := problem.As(err)
			if !ok || p.Key != tc.key {
				t.Fatalf("got %v, want %s", err, tc.key)
			}
			if len(p.Args) < 2 || p.Args[0] != "file" || p.Args[1] != tc.file {
				t.Errorf("the message does not name the file: %v", p.Args)
			}
		})
	}
}

// TestPictureIsOpaque: a PNG's transparency is flattened onto white and the PDF embeds the
// image as 8-bit RGB without a soft mask (PDF/A-1b allows no transparency).
func TestPictureIsOpaque(t *testing.T) {
	p, err := decodePicture(FormatPNG, samplePNG(t, 40, 40, color.RGBA{200, 30, 30, 255}))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.rgb[:3]; !bytes.Equal(got, []byte{255, 255, 255}) {
		t.Errorf("the transparent corner is %v, want white", got)
	}
	if c := p.rgb[(20*40+20)*3:][:3]; !bytes.Equal(c, []byte{200, 30, 30}) {
		t.Errorf("the disc is %v", c)
	}
	// Placed twice (two signatories with one image): embedded once, drawn twice.
	d := &document{width: pageW, height: pageH, images: []placedImage{fitPicture(p, 100, 100, 50, 50), fitPicture(p, 300, 100, 50, 50)}}
	pdf, err := d.writePDF()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(pdf, []byte("/SMask")) || !bytes.Contains(pdf, []byte("/ColorSpace/DeviceRGB/BitsPerComponent 8/Filter/FlateDecode")) {
		t.Error("the image is not an opaque 8-bit RGB Flate XObject")
	}
	if n := bytes.Count(pdf, []byte("/Subtype/Image")); n != 1 {
		t.Errorf("the picture is embedded %d times", n)
	}
}

// templateEnv is a service with stored sample images.
type templateImages struct {
	logos [3]string
	sig   [2]string
}

func putSamples(t testing.TB, s *Service) templateImages {
	t.Helper()
	ctx := context.Background()
	var out templateImages
	var err error
	colours := []color.RGBA{{0, 90, 160, 255}, {190, 40, 40, 255}, {20, 130, 60, 255}}
	for i := range out.logos {
		data := samplePNG(t, 200+60*i, 100, colours[i])
		name := fmt.Sprintf("logo%d.png", i+1)
		if i == 1 {
			data, name = []byte(sampleSVG), "partner.svg"
		}
		if out.logos[i], err = s.PutImage(ctx, name, data); err != nil {
			t.Fatal(err)
		}
	}
	for i := range out.sig {
		if out.sig[i], err = s.PutImage(ctx, "signature.png", sampleSignature(t)); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// longSignatories are two signatories with the longest titles a ministry gives.
func longSignatories(im templateImages, n int) []Signatory {
	all := []Signatory{
		{Name: Texts{"د. رولا دشتي", "Dr. Rola Dashti", "Dr Rola Dashti"},
			Title:     Texts{"الأمينة التنفيذية للجنة الاقتصادية والاجتماعية لغربي آسيا", "Executive Secretary, Economic and Social Commission for Western Asia", "Secrétaire exécutive de la Commission économique et sociale pour l'Asie occidentale"},
			Signature: im.sig[0]},
		{Name: Texts{"عبد الرحمن بن محمد العبد الله الحمادي", "Abdulrahman bin Mohamed Al-Abdullah Al-Hammadi", "Abdulrahman bin Mohamed Al-Abdullah Al-Hammadi"},
			Title:     Texts{"وكيل وزارة الاقتصاد الرقمي والريادة لشؤون التحول الرقمي والحكومة المفتوحة", "Under-Secretary for Digital Transformation and Open Government, Ministry of Digital Economy", "Sous-secrétaire à la transformation numérique et au gouvernement ouvert, ministère de l'Économie numérique"},
			Signature: im.sig[1]},
	}
	return all[:n]
}

// TestTemplateVersions: every save is a new version; a certificate records the version it
// was issued with and renders again byte for byte from it after the template changed;
// certificates issued before any template keep the built-in layout; saves and assignments
// are in the audit log.
func TestTemplateVersions(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	staff := audit.Actor{ID: 0, Email: "staff@escwa.example"}
	o1 := e.official(t, "one@gov.example", "ليلى", "Layla")
	before, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o1.ID, "open-government-framework", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if before.TemplateVersion != 0 {
		t.Fatalf("a certificate issued before templates has version %d", before.TemplateVersion)
	}
	storedAndRerendered(t, e, before)

	im := putSamples(t, e.svc)
	content := TemplateContent{Name: "ESCWA and UNDP", Issuer: e.svc.DefaultIssuer(),
		WordingCourse: Texts{Ar: "تقديرًا لإتمامه بنجاح برنامج القيادات", En: "for successfully completing the leadership programme", Fr: "pour avoir achevé le programme de leadership"},
		Signatories:   longSignatories(im, 2), Logos: im.logos[:]}
	v1, err := e.svc.SaveTemplate(ctx, staff, 0, content)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 {
		t.Fatalf("first version %d", v1.Version)
	}
	o2 := e.official(t, "two@gov.example", "سارة", "Sara")
	c1, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o2.ID, "open-government-framework", time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if c1.TemplateID != v1.TemplateID || c1.TemplateVersion != 1 {
		got, _ := e.svc.Get(ctx, c1.Code)
		if got.TemplateVersion != 1 {
			t.Fatalf("issued with template %d version %d, want %d/1", got.TemplateID, got.TemplateVersion, v1.TemplateID)
		}
	}
	text1 := extractedText(t, storedAndRerendered(t, e, c1))
	for _, want := range []string{"ESCWA", "Rola Dashti", "leadership programme"} {
		if !strings.Contains(text1, want) {
			t.Errorf("version 1's certificate does not say %q: %s", want, text1)
		}
	}

	content.Issuer.En = "Open Government Partnership Secretariat"
	content.Signatories = content.Signatories[:1]
	v2, err := e.svc.SaveTemplate(ctx, staff, v1.TemplateID, content)
	if err != nil || v2.Version != 2 {
		t.Fatalf("second save: %+v, %v", v2, err)
	}
	// The certificate of version 1 still renders as issued; a new one uses version 2.
	again, _ := e.svc.Get(ctx, c1.Code)
	if again.TemplateVersion != 1 {
		t.Errorf("the old certificate now says version %d", again.TemplateVersion)
	}
	storedAndRerendered(t, e, again)
	storedAndRerendered(t, e, before)
	o3 := e.official(t, "three@gov.example", "هدى", "Huda")
	c2, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o3.ID, "open-government-framework", time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	c2, _ = e.svc.Get(ctx, c2.Code)
	if c2.TemplateVersion != 2 {
		t.Errorf("a new certificate has version %d, want 2", c2.TemplateVersion)
	}
	text2 := extractedText(t, storedAndRerendered(t, e, c2))
	if !strings.Contains(text2, "Open Government Partnership Secretariat") || strings.Contains(text2, "Al-Hammadi") {
		t.Errorf("version 2's certificate: %s", text2)
	}
	vs, err := e.svc.TemplateVersions(ctx, v1.TemplateID)
	if err != nil || len(vs) != 2 || vs[0].SavedBy != staff.Email {
		t.Errorf("history: %+v, %v", vs, err)
	}

	// A course may use its own wording.
	if err := e.svc.AssignTemplate(ctx, staff, TemplateUse{Kind: KindCourse, Course: "open-government-framework", TemplateID: v1.TemplateID,
		Wording: Texts{En: "for completing the course with distinction"}}); err != nil {
		t.Fatal(err)
	}
	o4 := e.official(t, "four@gov.example", "منى", "Mona")
	c3, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o4.ID, "open-government-framework", time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	text3 := extractedText(t, storedAndRerendered(t, e, c3))
	if !strings.Contains(text3, "with distinction") {
		t.Errorf("the course's own wording is not printed: %s", text3)
	}
	var n int
	if err := e.db.R.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action IN ('certificate_template.save', 'certificate_template.assign')`).Scan(&n); err != nil || n != 3 {
		t.Errorf("audit entries: %d, %v", n, err)
	}
}

// TestTemplateRefusesTooMuch: three signatories, four logos or an unknown image are refused,
// and nothing is saved.
func TestTemplateRefusesTooMuch(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	im := putSamples(t, e.svc)
	sigs := longSignatories(im, 2)
	c := TemplateContent{Name: "x", Issuer: e.svc.DefaultIssuer(), Signatories: append(sigs, sigs[0]),
		Logos: []string{im.logos[0], im.logos[1], im.logos[2], im.logos[0]}}
	_, err := e.svc.SaveTemplate(ctx, audit.Actor{}, 0, c)
	p, ok := problem.As(err)
	if !ok || p.Fields["signatories"] == "" || p.Fields["logos"] == "" {
		t.Fatalf("got %v", err)
	}
	c = TemplateContent{Name: "x", Issuer: e.svc.DefaultIssuer(), Logos: []string{strings.Repeat("a", 64)}}
	if _, err := e.svc.SaveTemplate(ctx, audit.Actor{}, 0, c); err == nil {
		t.Fatal("an unknown image was accepted")
	}
	if ts, _ := e.svc.Templates(ctx); len(ts) != 0 {
		t.Errorf("something was saved: %+v", ts)
	}
}

// box is a rectangle of pixels, [x0, x1) × [y0, y1).
type box struct{ x0, y0, x1, y1 int }

func (b box) empty() bool { return b.x1 <= b.x0 || b.y1 <= b.y0 }

func (b box) intersects(o box) bool {
	return !b.empty() && !o.empty() && b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1
}

// painted is the bounding box of the pixels that are not white.
func painted(t *testing.T, pngData []byte) box {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	b := box{x0: 1 << 30, y0: 1 << 30}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			// The page's edge pixels are only partly covered by its white ground; what
			// counts is ink on the page.
			cr, cg, cb, ca := img.At(x, y).RGBA()
			if ca > 0xf000 && (cr < 0xf000 || cg < 0xf000 || cb < 0xf000) {
				b.x0, b.y0 = min(b.x0, x), min(b.y0, y)
				b.x1, b.y1 = max(b.x1, x+1), max(b.y1, y+1)
			}
		}
	}
	return b
}

// TestTemplateLayout renders certificates with every combination of logos (0, 1, 3),
// signatories (0, 1, 2), the longest realistic titles and names, in Arabic + English and
// Arabic + French, and checks what a reader sees: each block (head, logos, body, code,
// signatories, date) drawn alone paints inside the frame's margins and over no other block;
// the QR code reads back module for module from the whole page with its quiet zone clear;
// poppler extracts the lines in order, each in its language.
func TestTemplateLayout(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	im := putSamples(t, e.svc)
	long := hardNames[3] // ninety characters
	const dpi = 48.0
	px := func(pt float64) int { return int(pt * dpi / 72) }
	// Inside the inner frame (28 pt from the edges), with a hair of tolerance.
	margin := box{px(28) + 1, px(28) + 1, px(pageW-28) - 1, px(pageH-28) - 1}
	// Every combination must also stay PDF/A-1b with its pictures: checked in one run of
	// Preflight after the layouts.
	pdfs := map[string][]byte{}
	for _, pair := range []string{"en", "fr"} {
		for _, nLogos := range []int{0, 1, 3} {
			for _, nSigs := range []int{0, 1, 2} {
				name := fmt.Sprintf("%s-%dlogos-%dsignatories", pair, nLogos, nSigs)
				t.Run(name, func(t *testing.T) {
					content := TemplateContent{Name: name, Issuer: e.svc.DefaultIssuer(), Signatories: longSignatories(im, nSigs), Logos: im.logos[:nLogos]}
					l, err := e.svc.lookOf(ctx, content, Texts{})
					if err != nil {
						t.Fatal(err)
					}
					p := goldenPrinted(e.svc, 7, long.nameAr, long.nameLatin, long.titleAr, long.titleEn)
					p.pair, p.look = pair, l
					if pair == "fr" {
						p.title2 = "Gouvernance engagée : structures durables et procédures qui font progresser la participation dans toutes les administrations publiques"
					}
					d, err := e.svc.render(p)
					if err != nil {
						t.Fatal(err)
					}
					boxes := map[string]box{}
					for _, pt := range d.parts {
						if pt.name == "frame" {
							continue
						}
						img, err := d.only(pt.name).writePNG(dpi)
						if err != nil {
							t.Fatal(err)
						}
						b := painted(t, img)
						if b.empty() {
							t.Errorf("%s paints nothing", pt.name)
							continue
						}
						if b.x0 < margin.x0 || b.y0 < margin.y0 || b.x1 > margin.x1 || b.y1 > margin.y1 {
							t.Errorf("%s paints outside the margins: %+v, margins %+v", pt.name, b, margin)
						}
						for other, ob := range boxes {
							if b.intersects(ob) {
								t.Errorf("%s (%+v) overlaps %s (%+v)", pt.name, b, other, ob)
							}
						}
						boxes[pt.name] = b
					}
					for _, want := range append([]string{"head", "body", "code"}, wantParts(nLogos, nSigs)...) {
						if _, ok := boxes[want]; !ok {
							t.Errorf("no %s on the page", want)
						}
					}
					page, err := d.writePNG(144)
					if err != nil {
						t.Fatal(err)
					}
					checkQR(t, page, p.verifyURL, 144)
					pdf, err := d.writePDF()
					if err != nil {
						t.Fatal(err)
					}
					if keep := os.Getenv("MASAR_CERT_TEST_OUT"); keep != "" {
						_ = os.WriteFile(filepath.Join(keep, name+".png"), page, 0o644)
					}
					checkLineLanguages(t, e.svc, pdf, pair, p.kind, content)
					pdfs[name] = pdf
				})
			}
		}
	}
	preflightAll(t, pdfs)
}

func wantParts(logos, sigs int) []string {
	var out []string
	for i := 1; i <= logos; i++ {
		out = append(out, fmt.Sprintf("logo%d", i))
	}
	for i := 1; i <= sigs; i++ {
		out = append(out, fmt.Sprintf("signatory%d", i))
	}
	if sigs == 0 {
		out = append(out, "issued")
	}
	return out
}

// checkQR reads the QR code's modules back from the page drawn at dpi — each module's
// centre dark exactly where the code has a dark module — and checks the quiet zone of four
// modules around it is white.
func checkQR(t *testing.T, pngData []byte, text string, dpi float64) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		t.Fatal(err)
	}
	// As drawn by render: 66 pt square, left at 62 pt, top at 486 pt from the page's top.
	const size, left, top = 66.0, 62.0, 500.0 - 14
	m := size / float64(code.Size)
	dark := func(xpt, ypt float64) bool {
		r, g, b, _ := img.At(int(xpt*dpi/72), int(ypt*dpi/72)).RGBA()
		return (r+g+b)/3 < 0x8000
	}
	wrong := 0
	for row := 0; row < code.Size; row++ {
		for col := 0; col < code.Size; col++ {
			if dark(left+(float64(col)+0.5)*m, top+(float64(row)+0.5)*m) != code.Black(col, row) {
				wrong++
			}
		}
	}
	if wrong > 0 {
		t.Errorf("%d QR modules read back wrong", wrong)
	}
	for k := -4; k < code.Size+4; k++ {
		for _, pt := range [][2]int{{k, -3}, {k, code.Size + 2}, {-3, k}, {code.Size + 2, k}} {
			if dark(left+(float64(pt[0])+0.5)*m, top+(float64(pt[1])+0.5)*m) {
				t.Errorf("something is drawn in the QR code's quiet zone at module %v", pt)
				return
			}
		}
	}
}

// checkLineLanguages checks the text poppler extracts: the issuer in Arabic before the
// issuer in the pair's language, the kind in the pair's language; each signatory's Arabic
// title before the name and title in the pair's language; no line in the other Latin
// language.
func checkLineLanguages(t *testing.T, s *Service, pdf []byte, pair, kind string, c TemplateContent) {
	t.Helper()
	text := extractedText(t, pdf)
	flat := flatStr(text)
	in := func(want string) int {
		i := strings.Index(flat, flatStr(want))
		if i < 0 {
			t.Errorf("%q is not extracted: %s", want, text)
		}
		return i
	}
	inOrder := func(what string, wants ...string) {
		at := -1
		for _, w := range wants {
			i := in(w)
			if i >= 0 && i < at {
				t.Errorf("%s: %q comes out of order: %s", what, w, text)
			}
			at = i
		}
	}
	inOrder("issuer", c.Issuer.Ar, c.Issuer.In(pair), s.t(pair, "cert.pdf.title."+kind))
	for i, sg := range c.Signatories {
		inOrder(fmt.Sprintf("signatory %d", i+1), sg.Title.Ar, sg.Name.In(pair), sg.Title.In(pair))
	}
	other := "en"
	if pair == "en" {
		other = "fr"
	}
	if strings.Contains(flat, flatStr(c.Issuer.In(other))) || strings.Contains(flat, flatStr(s.t(other, "cert.pdf.title."+kind))) {
		t.Errorf("%s lines on an Arabic + %s certificate: %s", other, pair, text)
	}
}

// flatStr is s without spaces and brackets (poppler mirrors brackets in Arabic lines).
func flatStr(s string) string {
	return strings.NewReplacer("(", "", ")", "", ".", "").Replace(strings.Join(strings.Fields(s), ""))
}

// BenchmarkTemplatePreview measures the editor's live preview: a certificate with three
// logos (one SVG) and two signatures laid out and drawn as a 60 dpi PNG.
func BenchmarkTemplatePreview(b *testing.B) {
	e := newEnv(b, nil)
	ctx := context.Background()
	im := putSamples(b, e.svc)
	content := TemplateContent{Name: "bench", Issuer: e.svc.DefaultIssuer(), Signatories: longSignatories(im, 2), Logos: im.logos[:]}
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.svc.Preview(ctx, content, KindCourse, "fr", false, 60); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderTemplatedCertificate is BenchmarkRenderCertificate with a template of three
// logos and two signatures: what each certificate of a bulk job costs once the images are
// decoded.
func BenchmarkRenderTemplatedCertificate(b *testing.B) {
	e := newEnv(b, nil)
	ctx := context.Background()
	im := putSamples(b, e.svc)
	l, err := e.svc.lookOf(ctx, TemplateContent{Issuer: e.svc.DefaultIssuer(), Signatories: longSignatories(im, 2), Logos: im.logos[:]}, Texts{})
	if err != nil {
		b.Fatal(err)
	}
	p := goldenPrinted(e.svc, 1, "محمد الأمين ولد أحمد", "Mohamed El Amine Ould Ahmed", "ورشة العمل الإقليمية حول البيانات الحكومية المفتوحة",
		"Regional workshop on open government data")
	p.look = l
	b.ReportAllocs()
	for b.Loop() {
		d, err := e.svc.render(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.writePDF(); err != nil {
			b.Fatal(err)
		}
	}
}

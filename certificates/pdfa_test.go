package certificates

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestCertificatesArePDFA: every kind of certificate the platform issues — course
// completion and workshop attendance, in Arabic with English and with French, with the
// longest names and titles, revoked — is valid PDF/A-1b according to Apache PDFBox
// Preflight.
func TestCertificatesArePDFA(t *testing.T) {
	e := newEnv(t, nil)
	k := issueEveryKind(t, e)
	if k.courseFr.Pair != "fr" {
		t.Fatalf("pair %q, want fr", k.courseFr.Pair)
	}
	pdfs := map[string][]byte{
		"course-ar-en":   storedAndRerendered(t, e, k.courseEn),
		"course-ar-fr":   storedAndRerendered(t, e, k.courseFr),
		"workshop-ar-en": storedAndRerendered(t, e, k.workshopEn),
		"workshop-ar-fr": storedAndRerendered(t, e, k.workshopFr),
		"course-revoked": storedAndRerendered(t, e, k.revoked),
	}
	// The longest names and titles, and the other hard ones, as a course and as a workshop.
	s := e.svc
	for i, hn := range hardNames {
		p := goldenPrinted(s, i, hn.nameAr, hn.nameLatin, hn.titleAr, hn.titleEn)
		d, err := s.render(p)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := d.writePDF()
		if err != nil {
			t.Fatal(err)
		}
		pdfs["hard-"+hn.name] = pdf
	}
	preflightAll(t, pdfs)
}

// TestDocumentProperties: a certificate's document properties, as a PDF reader shows them,
// say what it is (the kind of certificate and the holder), who issued it, on what course,
// in what language, and when.
func TestDocumentProperties(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	o := e.officialIn(t, "salma@gov.example", "fr")
	c, _, err := e.svc.IssueCourse(ctx, staff, o.ID, "open-government-framework", time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	issued := c.IssuedAt.UTC().Format("2006-01-02T15:04:05")
	pdf := storedAndRerendered(t, e, c)
	file := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	info := run(t, "pdfinfo", "-isodates", file)
	field := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + name + `:\s*(.*)$`).FindStringSubmatch(info)
		if m == nil {
			return ""
		}
		return strings.TrimSpace(m[1])
	}
	for name, want := range map[string][]string{
		"Title":        {"شهادة", "Certificat", "سلمى", "Salma Idrissi"},
		"Author":       {e.svc.t("ar", "cert.pdf.programme"), e.svc.t("fr", "cert.pdf.programme")},
		"Subject":      {c.Title["ar"], c.Title["fr"]},
		"Keywords":     {FormatCode(c.Code)},
		"CreationDate": {issued},
		"ModDate":      {issued},
		"PDF version":  {"1.4"},
	} {
		got := field(name)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("pdfinfo %s is %q, want it to contain %q", name, got, w)
			}
		}
	}
	if got := field("Metadata Stream"); got != "yes" {
		t.Errorf("no XMP metadata stream (pdfinfo: %q)", got)
	}
	if got := field("Tagged"); got != "yes" {
		t.Errorf("not tagged (pdfinfo: %q)", got)
	}
	// The catalog's language, which pdfinfo does not show; the XMP packet repeats it.
	if !regexp.MustCompile(`/Type/Catalog[^>]*/Lang\s*\(ar\)`).Match(pdf) {
		t.Error("the catalog's /Lang is not (ar)")
	}
	meta := run(t, "pdfinfo", "-meta", file)
	for _, want := range []string{"<pdfaid:part>1</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
		`xml:lang="x-default"`, "<rdf:li>ar</rdf:li>", "<xmp:CreateDate>" + issued + "Z", "Salma Idrissi"} {
		if !strings.Contains(meta, want) {
			t.Errorf("the XMP metadata lacks %q:\n%s", want, meta)
		}
	}
	preflight(t, pdf)
}

// TestSRGBProfile: the embedded sRGB profile's colorants are sRGB's primaries seen under
// the ICC's D50 as the widely used sRGB profiles give them to four decimals (columns: red,
// green, blue), white is the PCS illuminant, and the tone curve is sRGB's; the profile's declared size is its length.
func TestSRGBProfile(t *testing.T) {
	want := [3][3]float64{{0.4361, 0.3851, 0.1431}, {0.2225, 0.7169, 0.0606}, {0.0139, 0.0971, 0.7139}}
	got := srgbColorants()
	for r := range 3 {
		for c := range 3 {
			if math.Abs(got[r][c]-want[r][c]) > 1e-4 {
				t.Errorf("colorant matrix [%d][%d] = %.5f, want %.5f", r, c, got[r][c], want[r][c])
			}
		}
		if sum := got[r][0] + got[r][1] + got[r][2]; math.Abs(sum-iccD50[r]) > 1e-4 {
			t.Errorf("white [%d] = %.5f, want D50's %.4f", r, sum, iccD50[r])
		}
	}
	p := srgbProfile()
	if n := binary.BigEndian.Uint32(p); int(n) != len(p) || string(p[36:40]) != "acsp" || string(p[12:20]) != "mntrRGB " {
		t.Errorf("profile header: size %d of %d, %q", n, len(p), p[12:40])
	}
	if v := srgbDecode(0.5); math.Abs(v-0.21404) > 1e-4 {
		t.Errorf("tone curve at 0.5 = %.5f, want 0.21404", v)
	}
}

// TestPreflightCatchesWhatPDFAForbids: the validator the PDF/A tests rely on does refuse a
// certificate that lacks what PDF/A-1b requires — without its output intent, its XMP
// metadata or its fonts' CIDSets, it is reported invalid, each time for that reason.
func TestPreflightCatchesWhatPDFAForbids(t *testing.T) {
	s := newTestService(t, nil)
	p := goldenPrinted(s, 0, hardNames[0].nameAr, hardNames[0].nameLatin, hardNames[0].titleAr, hardNames[0].titleEn)
	d, err := s.render(p)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := d.writePDF()
	if err != nil {
		t.Fatal(err)
	}
	// Each break keeps the file's length, so that the cross-reference table stays right.
	blank := func(key string) []byte {
		if !bytes.Contains(pdf, []byte(key)) {
			t.Fatalf("no %s in the certificate", key)
		}
		return bytes.ReplaceAll(pdf, []byte(key), []byte("/X"+strings.Repeat("x", len(key)-2)))
	}
	pdfs := map[string][]byte{
		"whole":            pdf,
		"no-output-intent": blank("/OutputIntents"),
		"no-metadata":      blank("/Metadata"),
		"no-cidset":        blank("/CIDSet"),
	}
	want := map[string]string{"no-output-intent": "Color", "no-metadata": "etadata", "no-cidset": "CIDSet"}
	found := preflightFindings(t, pdfs)
	if len(found["whole"]) > 0 {
		t.Errorf("the certificate itself is refused: %v", found["whole"])
	}
	for name, reason := range want {
		if !strings.Contains(strings.Join(found[name], "\n"), reason) {
			t.Errorf("%s: Preflight did not report %q: %v", name, reason, found[name])
		}
	}
}

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/officials"
)

// certNoOverflow fails the test when the page is wider than the window (in Arabic, what
// overflows goes off the left edge, where nobody scrolls to find it).
func certNoOverflow(t *testing.T, ctx context.Context) {
	t.Helper()
	w := eval[[]float64](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
	if w[0] > w[1] {
		culprit := eval[string](t, ctx, `(() => { const vw = document.documentElement.clientWidth;
			for (const e of document.querySelectorAll('main *')) { const r = e.getBoundingClientRect(); if (r.left < -1 || r.right > vw + 1) return e.outerHTML.slice(0, 200); }
			return ''; })()`)
		t.Errorf("%s is %v px wide in a %v px window; first element out: %s", location(t, ctx), w[0], w[1], culprit)
	}
}

// certIssue gives the official with that e-mail the certificate of a course.
func (s *site) certIssue(t *testing.T, email, course string) *certificates.Certificate {
	t.Helper()
	o, err := s.p.Officials.GetByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := s.p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, course, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBrowserCertificateAndVerification: an official opens her certificates in Arabic and
// her certificate, whose preview is drawn; a verifier follows the QR code's address, sees
// the certificate valid, and the page tells the PDF issued from an edited copy.
func TestBrowserCertificateAndVerification(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	in := s.account(t, "amina.certificates@mop.gov.jo")
	cert := s.certIssue(t, in.Email, "open-government-data")

	s.login(t, ctx, "ar", in.Email)
	s.open(t, ctx, "/ar/me/certificates")
	if main := text(t, ctx, "main"); !strings.Contains(main, cert.Display()) || !strings.Contains(main, "شهادة إتمام") {
		t.Fatalf("my certificates page:\n%s", main)
	}
	certNoOverflow(t, ctx)
	screenshot(t, ctx, "certificates-me-ar")
	clickAndLoad(t, ctx, `main a[href="/ar/certificates/`+cert.Display()+`"]`)
	width := eval[float64](t, ctx, `(async () => {
		const i = document.querySelector('.cert-preview img');
		if (!i.complete) { await new Promise(r => { i.onload = r; i.onerror = r; }); }
		return i.naturalWidth;
	})()`)
	if width != 1123 {
		t.Errorf("the preview was not drawn (natural width %v)", width)
	}
	if got := eval[string](t, ctx, `getComputedStyle(document.documentElement).direction`); got != "rtl" {
		t.Errorf("the certificate page is %s in Arabic", got)
	}
	certNoOverflow(t, ctx)
	screenshot(t, ctx, "certificate-ar")
	clickAndLoad(t, ctx, `header form[action="/ar/logout"] button`)

	// The QR code's address: the verification page in the visitor's language, at the code
	// as printed (typed in lower case, it moves there).
	s.open(t, ctx, "/verify/"+strings.ToLower(cert.Display()))
	if loc := location(t, ctx); loc != "/ar/verify/"+cert.Display() {
		t.Errorf("the QR code's address led to %s", loc)
	}
	if got := text(t, ctx, ".cert-status h2"); got != "شهادة سارية" {
		t.Errorf("status shown: %q", got)
	}
	if facts := text(t, ctx, "main"); !strings.Contains(facts, "سارة خالد") || !strings.Contains(facts, cert.PDFSHA256) {
		t.Errorf("verification page:\n%s", facts)
	}
	certNoOverflow(t, ctx)
	screenshot(t, ctx, "verify-ar")

	pdf, err := s.p.Certificates.PDF(context.Background(), cert)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	issued, edited := filepath.Join(dir, "certificate.pdf"), filepath.Join(dir, "edited.pdf")
	if err := os.WriteFile(issued, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(edited, bytes.Replace(pdf, []byte("/Producer"), []byte("/Producex"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "choose the issued PDF", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{issued}))
	clickAndLoad(t, ctx, `form[enctype="multipart/form-data"] button[type=submit]`)
	if got := text(t, ctx, ".cert-match"); !strings.Contains(got, "مطابق تمامًا") {
		t.Errorf("the issued PDF: %q", got)
	}
	screenshot(t, ctx, "verify-match-ar")
	do(t, ctx, "choose the edited PDF", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{edited}))
	clickAndLoad(t, ctx, `form[enctype="multipart/form-data"] button[type=submit]`)
	if got := text(t, ctx, ".cert-mismatch"); !strings.Contains(got, "ليس الشهادة الصادرة") {
		t.Errorf("the edited PDF: %q", got)
	}
}

// TestBrowserCertificatesAccessibility runs axe-core on the certificates' pages, in Arabic
// and English, the staff's included.
func TestBrowserCertificatesAccessibility(t *testing.T) {
	src := axeSource(t)
	s := startSite(t)
	ctx := newBrowser(t)
	in := s.account(t, "layla.certificates@mop.gov.jo")
	cert := s.certIssue(t, in.Email, "open-government-data")
	revoked := s.certIssue(t, in.Email, "citizen-participation")
	if _, err := s.p.Certificates.Revoke(context.Background(), audit.Actor{Email: "e2e"}, revoked.Code, "Issued in error."); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ar", "en"} {
		for _, path := range []string{"/verify", "/verify/" + cert.Display(), "/verify/" + revoked.Display(), "/verify/0000-0000-0000-1"} {
			s.open(t, ctx, "/"+lang+path)
			checkAxe(t, ctx, src, "/"+lang+path)
		}
	}
	s.login(t, ctx, "ar", in.Email)
	for _, path := range []string{"/ar/me/certificates", "/ar/certificates/" + cert.Display(), "/en/certificates/" + revoked.Display()} {
		s.open(t, ctx, path)
		checkAxe(t, ctx, src, path)
	}
	s.open(t, ctx, "/ar/me/certificates")
	clickAndLoad(t, ctx, `header form[action="/ar/logout"] button`)

	staff := "staff.certificates@escwa.example"
	if _, err := s.p.Officials.Create(context.Background(), audit.Actor{Email: "e2e"}, officials.Input{Email: staff, Password: password,
		NameAr: "ريم الحسن", NameLatin: "Reem Al-Hassan", JobTitle: "Programme officer", Organisation: "Secretariat", Country: "LB",
		Sector: "international", Gender: "female", Language: "ar"}, officials.RoleStaff); err != nil {
		t.Fatal(err)
	}
	s.login(t, ctx, "ar", staff)
	o, err := s.p.Officials.GetByEmail(context.Background(), in.Email)
	if err != nil {
		t.Fatal(err)
	}
	job, err := s.p.Certificates.StartWorkshopJob(context.Background(), audit.Actor{Email: "e2e"}, certificates.WorkshopAward{WorkshopID: 3,
		Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"}, HostCountry: "JO", City: "عمّان",
		Start: time.Date(2025, 5, 4, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 5, 6, 0, 0, 0, 0, time.UTC), Hours: 15}, []int64{o.ID, 424242})
	if err != nil {
		t.Fatal(err)
	}
	s.p.Certificates.Wait()
	for _, path := range []string{"/ar/admin/certificates", "/ar/admin/certificates/new", "/ar/admin/certificates/" + cert.Display(),
		"/en/admin/certificates/" + revoked.Display(), fmt.Sprintf("/ar/admin/certificates/jobs/%d", job)} {
		s.open(t, ctx, path)
		checkAxe(t, ctx, src, path)
		screenshot(t, ctx, strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"))
	}
}

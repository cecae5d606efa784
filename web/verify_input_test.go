package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
)

// arabicDigits writes the digits as an Arabic keyboard types them.
var arabicDigits = strings.NewReplacer("0", "٠", "1", "١", "2", "٢", "3", "٣", "4", "٤", "5", "٥", "6", "٦", "7", "٧", "8", "٨", "9", "٩")

// TestVerifyTakesCodesAsTyped: a code typed with spaces, pasted from a word processor with
// en dashes, typed in lower case or with the digits of an Arabic keyboard finds its
// certificate, and the address and the box then show the code as printed — never %20.
func TestVerifyTakesCodesAsTyped(t *testing.T) {
	p := newPlatform(t)
	_, o := account(t, p, "typed-holder@example.org", officials.RoleOfficial, "JO")
	cert, _, err := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	grouped := cert.Display()
	canonical := "/ar/verify/" + grouped
	pub := newClient(t, p)
	for name, typed := range map[string]string{
		"spaces":              strings.ReplaceAll(grouped, "-", " "),
		"en dashes from Word": strings.ReplaceAll(grouped, "-", " – "),
		"minus signs":         strings.ReplaceAll(grouped, "-", "−"),
		"non-breaking hyphen": strings.ReplaceAll(grouped, "-", "\u2011"),
		"lower case":          strings.ToLower(grouped),
		"Arabic-Indic digits": arabicDigits.Replace(strings.ReplaceAll(grouped, "-", " ")),
	} {
		// The form sends the box as ?code=…
		r := pub.get("/ar/verify?code=" + url.QueryEscape(typed))
		if r.Status != http.StatusSeeOther || r.Location != canonical {
			t.Errorf("%s, from the form: %d → %q, want %s", name, r.Status, r.Location, canonical)
		}
		// … and someone may type it into the address.
		r = pub.get("/ar/verify/" + url.PathEscape(typed))
		if r.Status != http.StatusFound || r.Location != canonical {
			t.Errorf("%s, in the address: %d → %q, want %s", name, r.Status, r.Location, canonical)
		}
		// The QR code's landing too.
		r = pub.get("/verify/" + url.PathEscape(typed))
		if r.Status != http.StatusFound || r.Location != canonical {
			t.Errorf("%s, at /verify: %d → %q, want %s", name, r.Status, r.Location, canonical)
		}
		// The API reads it as well.
		if r := pub.api("GET", "/api/v1/verify/"+url.PathEscape(typed), "", ""); r.Status != http.StatusOK || !strings.Contains(r.Body, `"status":"valid"`) {
			t.Errorf("%s, through the API: %d %s", name, r.Status, excerpt(r.Body))
		}
	}
	r := pub.get(canonical)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `value="`+grouped+`"`) || !strings.Contains(r.Body, "Sara Khaled") {
		t.Errorf("the canonical page: %d, box or holder missing", r.Status)
	}
	// A code that is not one stays as typed in the box, readable, without %20.
	r = pub.get("/ar/verify?code=" + url.QueryEscape("not a code"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("form with a wrong code: %d", r.Status)
	}
	r = pub.get(r.Location)
	if r.Status != http.StatusNotFound || !strings.Contains(r.Body, `value="not a code"`) || strings.Contains(r.Body, `value="not%20`) {
		t.Errorf("a wrong code: %d, the box shows %q", r.Status, excerpt(r.Body[strings.Index(r.Body, `id="code"`):]))
	}
}

// TestVerifyNonPDFUploadSaysSoOnly: a file that is not a PDF is answered "this is not a PDF"
// and nothing else — no red verdict of an altered certificate, no SHA-256 of nothing.
func TestVerifyNonPDFUploadSaysSoOnly(t *testing.T) {
	p := newPlatform(t)
	_, o := account(t, p, "png-holder@example.org", officials.RoleOfficial, "JO")
	cert, _, _ := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	for _, l := range []string{"ar", "en", "fr"} {
		pub := newClient(t, p)
		pub.lang = l
		page := "/" + l + "/verify/" + cert.Display()
		pub.get(page)
		r := pub.certUpload(page, "certificate.pdf", []byte("\x89PNG\r\n\x1a\nnot a pdf"))
		want := map[string]string{"ar": "ليس ملف PDF", "en": "This file is not a PDF", "fr": "pas un PDF"}[l]
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) {
			t.Errorf("%s: a PNG named .pdf: %d, want 422 with %q", l, r.Status, want)
		}
		if strings.Contains(r.Body, "cert-mismatch") || strings.Contains(r.Body, "cert-match") {
			t.Errorf("%s: a PNG got a verdict on the certificate", l)
		}
	}
}

// TestVerifyPagesAreKeptOutOfSearchEngines: the verification pages show a holder's name and
// a revocation's reason to whoever has the code; search engines are asked not to index
// them, and robots.txt keeps crawlers off them, the certificates' files and the API.
func TestVerifyPagesAreKeptOutOfSearchEngines(t *testing.T) {
	p := newPlatform(t)
	_, o := account(t, p, "robots-holder@example.org", officials.RoleOfficial, "JO")
	cert, _, _ := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	pub := newClient(t, p)
	for _, path := range []string{"/ar/verify", "/en/verify/" + cert.Display(), "/fr/verify/HELLO"} {
		r := pub.get(path)
		if !strings.Contains(r.Header.Get("X-Robots-Tag"), "noindex") || !strings.Contains(r.Body, `<meta name="robots" content="noindex`) {
			t.Errorf("%s (%d): X-Robots-Tag %q, meta robots missing or not noindex", path, r.Status, r.Header.Get("X-Robots-Tag"))
		}
	}
	if r := pub.api("GET", "/api/v1/verify/"+cert.Code, "", ""); !strings.Contains(r.Header.Get("X-Robots-Tag"), "noindex") {
		t.Errorf("API verification: X-Robots-Tag %q", r.Header.Get("X-Robots-Tag"))
	}
	// Other pages stay indexable.
	if r := pub.get("/ar/workshops"); r.Header.Get("X-Robots-Tag") != "" || strings.Contains(r.Body, `name="robots"`) {
		t.Error("the workshop calendar is kept out of search engines")
	}
	r := pub.get("/robots.txt")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("robots.txt: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	for _, want := range []string{"User-agent: *", "Disallow: /*/verify/", "Disallow: /certificates/", "Disallow: /api/", "Allow: /"} {
		if !strings.Contains(r.Body, want+"\n") {
			t.Errorf("robots.txt lacks %q:\n%s", want, r.Body)
		}
	}
	if strings.Contains(r.Body, "Disallow: /\n") {
		t.Errorf("robots.txt keeps crawlers off everything:\n%s", r.Body)
	}
}

package web_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// certCompleteCourse completes a course for an official the way the pages do: every lesson
// done (from several requests at once, as impatient double clicks do) and the quiz passed.
func certCompleteCourse(t *testing.T, p *platform.Platform, officialID int64, slug string) {
	t.Helper()
	ctx := context.Background()
	co, err := p.Library.Catalogue().Course(slug)
	if err != nil {
		t.Fatal(err)
	}
	if co.Quiz != nil {
		answers := drawnRightAnswers(t, p.Courses, officialID, co)
		if _, err := p.Courses.SubmitQuiz(ctx, officialID, slug, answers, true); err != nil {
			t.Fatal(err)
		}
	}
	openedLongAgo(t, p, officialID, slug)
	var wg sync.WaitGroup
	for _, l := range co.Lessons {
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func(lesson string) {
				defer wg.Done()
				if _, err := p.Courses.MarkDone(ctx, officialID, slug, lesson); err != nil {
					t.Error(err)
				}
			}(l.Slug)
		}
	}
	wg.Wait()
}

// certOf returns the official's only certificate.
func certOf(t *testing.T, p *platform.Platform, officialID int64) *certificates.Certificate {
	t.Helper()
	cs, err := p.Certificates.ForOfficial(context.Background(), officialID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("%d certificates, want 1", len(cs))
	}
	return cs[0]
}

func TestCourseCompletionIssuesTheCertificateOnce(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "cert-holder@example.org", officials.RoleOfficial, "JO")
	certCompleteCourse(t, p, o.ID, "open-government-data")
	// Completion events arriving again and at once issue nothing more.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	cert := certOf(t, p, o.ID)
	if cert.Kind != "course" || cert.Course != "open-government-data" || cert.NameAr != "سارة خالد" || !cert.Valid() {
		t.Errorf("certificate: %+v", cert)
	}
	var mails int
	p.DB.R.QueryRow("SELECT count(*) FROM outbox WHERE template = 'certificate_issued' AND to_email = ?", o.Email).Scan(&mails)
	if mails != 1 {
		t.Errorf("%d e-mails about the certificate, want 1", mails)
	}
	r := c.get("/ar/me/certificates")
	if r.Status != 200 || !strings.Contains(r.Body, cert.Display()) || !strings.Contains(r.Body, "/certificates/"+cert.Display()+".pdf") ||
		!strings.Contains(r.Body, "/certificates/"+cert.Display()+".json") || !strings.Contains(r.Body, "https://www.linkedin.com/profile/add?") ||
		!strings.Contains(r.Body, "شهادة إتمام") {
		t.Errorf("my certificates: %d\n%s", r.Status, r.Body)
	}
	if r := c.get("/ar/me"); !strings.Contains(r.Body, "/ar/certificates/"+cert.Display()) {
		t.Error("the profile page does not list the certificate")
	}
	r = c.get("/en/certificates/" + cert.Display())
	if r.Status != 200 || !strings.Contains(r.Body, `src="/certificates/`+cert.Display()+`.png"`) || !strings.Contains(r.Body, cert.PDFSHA256) {
		t.Errorf("certificate page: %d", r.Status)
	}
}

func TestCertificateFilesForHolderAndStaffOnly(t *testing.T) {
	p := newPlatform(t)
	holder, o := account(t, p, "files-holder@example.org", officials.RoleOfficial, "JO")
	other, _ := account(t, p, "files-other@example.org", officials.RoleOfficial, "JO")
	staff, _ := account(t, p, "files-staff@example.org", officials.RoleStaff, "")
	cert, _, err := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	base := "/certificates/" + cert.Display()
	for _, c := range []*client{holder, staff} {
		r := c.get(base + ".pdf")
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-1.4") {
			t.Errorf("PDF: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if ok, _, _ := certificates.MatchesPDF(cert, []byte(r.Body)); !ok {
			t.Error("the PDF served is not the one issued")
		}
		if r := c.get(base + ".png"); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
			t.Errorf("PNG: %d", r.Status)
		}
		if r := c.get(strings.ToLower(base) + ".json"); r.Status != 200 || !strings.Contains(r.Body, `"type":"EnvelopedVerifiableCredential"`) {
			t.Errorf("JSON: %d %s", r.Status, r.Body)
		}
	}
	for _, ext := range []string{".pdf", ".png", ".json", ".jwt"} {
		if r := other.get(base + ext); r.Status != 404 {
			t.Errorf("another official got %s: %d", ext, r.Status)
		}
		if r := newClient(t, p).get(base + ext); r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/login?next=") {
			t.Errorf("anonymous %s: %d %s", ext, r.Status, r.Location)
		}
	}
	if r := other.get("/en/certificates/" + cert.Display()); r.Status != 404 {
		t.Errorf("another official's certificate page: %d", r.Status)
	}
}

func TestPublicVerification(t *testing.T) {
	p := newPlatform(t)
	_, o := account(t, p, "verify-holder@example.org", officials.RoleOfficial, "JO")
	cert, _, err := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pub := newClient(t, p)
	// The QR code's address lands on the page in the phone's language.
	req := httptest.NewRequest(http.MethodGet, "/verify/"+cert.Display(), nil)
	req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
	if r := pub.do(req); r.Status != http.StatusFound || r.Location != "/fr/verify/"+cert.Display() {
		t.Errorf("QR landing: %d %s", r.Status, r.Location)
	}
	typed := strings.NewReplacer("0", "o", "1", "l").Replace(strings.ToLower(cert.Display()))
	// Typed another way, the code moves to the address of the code as printed.
	r := pub.get("/ar/verify/" + typed)
	if r.Status != http.StatusFound || r.Location != "/ar/verify/"+cert.Display() {
		t.Errorf("code typed in lower case: %d %s", r.Status, r.Location)
	}
	r = pub.get(r.Location)
	for _, want := range []string{"شهادة سارية", "سارة خالد", "Sara Khaled", cert.PDFSHA256, cert.Title["ar"], cert.Title["en"], `name="file"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("verification page lacks %q (%d)", want, r.Status)
		}
	}
	if r.Status != 200 || strings.Contains(r.Body, o.Email) {
		t.Errorf("verification page: %d (and it must not show the e-mail)", r.Status)
	}
	// A typing mistake is told apart from a code that does not exist.
	mistyped := []byte(cert.Code)
	if mistyped[3] == 'A' {
		mistyped[3] = 'B'
	} else {
		mistyped[3] = 'A'
	}
	if r := pub.get("/en/verify/" + string(mistyped)); r.Status != 404 || !strings.Contains(r.Body, "typing mistake") {
		t.Errorf("mistyped code: %d", r.Status)
	}
	if r := pub.get("/en/verify/" + certificates.FormatCode(certificates.NewCode())); r.Status != 404 || !strings.Contains(r.Body, "No certificate has this code") {
		t.Errorf("unknown code: %d", r.Status)
	}
	if r := pub.get("/en/verify/hello"); r.Status != 404 || !strings.Contains(r.Body, "thirteen characters") {
		t.Errorf("malformed code: %d", r.Status)
	}
	if r := pub.get("/en/verify?code=" + url.QueryEscape(strings.ToLower(cert.Display()))); r.Status != http.StatusSeeOther {
		t.Errorf("code form: %d", r.Status)
	}
	// The same in JSON.
	pub.lang = "en"
	e := decode(t, pub.api("GET", "/api/v1/verify/"+typed, "", ""))
	var v certificates.Verification
	if err := json.Unmarshal(e.Data, &v); err != nil || v.Status != "valid" || v.NameLatin != "Sara Khaled" || v.PDFSHA256 != cert.PDFSHA256 {
		t.Errorf("API verification: %+v %v", v, err)
	}
	if r := pub.api("GET", "/api/v1/verify/"+string(mistyped), "", ""); r.Status != 404 || decode(t, r).Error.Code != "code_mistyped" {
		t.Errorf("API mistyped: %d %s", r.Status, r.Body)
	}
	if r := pub.api("GET", "/api/v1/verify/"+certificates.NewCode(), "", ""); r.Status != 404 || decode(t, r).Error.Code != "not_found" {
		t.Errorf("API unknown: %d %s", r.Status, r.Body)
	}
}

// certUpload posts a file to the verification page, with this browser's CSRF token.
func (c *client) certUpload(path, name string, data []byte) response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.csrf)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func TestVerificationComparesTheUploadedPDF(t *testing.T) {
	p := newPlatform(t)
	_, o := account(t, p, "upload-holder@example.org", officials.RoleOfficial, "JO")
	cert, _, _ := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	pdf, err := p.Certificates.PDF(context.Background(), cert)
	if err != nil {
		t.Fatal(err)
	}
	pub := newClient(t, p)
	page := "/en/verify/" + cert.Display()
	pub.get(page)
	if r := pub.certUpload(page, "certificate.pdf", pdf); r.Status != 200 || !strings.Contains(r.Body, "This file is exactly the certificate issued") {
		t.Errorf("the issued file: %d", r.Status)
	}
	forged := bytes.Replace(pdf, []byte("/Producer"), []byte("/Producex"), 1)
	if r := pub.certUpload(page, "certificate.pdf", forged); r.Status != 200 || !strings.Contains(r.Body, "This file is not the certificate issued") {
		t.Errorf("a changed file: %d", r.Status)
	}
	if r := pub.certUpload(page, "certificate.pdf", []byte("\x89PNG\r\n\x1a\nnot a pdf")); r.Status != 422 || !strings.Contains(r.Body, "This file is not a PDF") {
		t.Errorf("a PNG named .pdf: %d", r.Status)
	}
	big := append([]byte("%PDF-1.7\n"), make([]byte, certificates.MaxUploadBytes)...)
	if r := pub.certUpload(page, "big.pdf", big); r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "larger than allowed") ||
		!strings.Contains(r.Body, "big.pdf") {
		t.Errorf("a file over the limit: %d", r.Status)
	}
	// Without the form token, nothing is compared.
	pub.csrf = "forged"
	if r := pub.certUpload(page, "certificate.pdf", pdf); r.Status != 403 {
		t.Errorf("upload without CSRF token: %d", r.Status)
	}
}

func TestRevokeAndReissueThroughThePages(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "cert-staff@example.org", officials.RoleStaff, "")
	official, o := account(t, p, "cert-official@example.org", officials.RoleOfficial, "JO")
	ctx := context.Background()
	a, _, _ := p.Certificates.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
	b, _, _ := p.Certificates.IssueCourse(ctx, audit.Actor{}, o.ID, "citizen-participation", time.Now())
	if r := official.get("/en/admin/certificates"); r.Status != 403 {
		t.Errorf("an official opened the certificates admin: %d", r.Status)
	}
	if r := official.post("/en/admin/certificates/"+a.Display()+"/revoke", url.Values{"reason": {"x"}}); r.Status != 403 {
		t.Errorf("an official revoked: %d", r.Status)
	}
	if r := staff.get("/en/admin/certificates?q=" + url.QueryEscape(a.Display())); r.Status != 200 || !strings.Contains(r.Body, a.Display()) || strings.Contains(r.Body, b.Display()) {
		t.Errorf("search by code: %d", r.Status)
	}
	adm := "/en/admin/certificates/" + a.Display()
	staff.get(adm)
	if r := staff.post(adm+"/revoke", url.Values{"reason": {"  "}}); r.Status != 422 || !strings.Contains(r.Body, "Give the reason") {
		t.Errorf("revoking without a reason: %d", r.Status)
	}
	if r := staff.post(adm+"/revoke", url.Values{"reason": {"Completed under another person's account."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	pub := newClient(t, p)
	r := pub.get("/en/verify/" + a.Display())
	if !strings.Contains(r.Body, "Revoked certificate") || !strings.Contains(r.Body, "Completed under another person&#39;s account.") ||
		!strings.Contains(r.Body, "This certificate was revoked on "+time.Now().UTC().Format("2 January 2006")) {
		t.Errorf("verification of a revoked certificate:\n%s", r.Body)
	}
	// Reissue after a name correction: a new code; the old one says by what it was replaced.
	adm = "/en/admin/certificates/" + b.Display()
	staff.get(adm)
	r = staff.post(adm+"/reissue", url.Values{"name_ar": {"سارة خالد العمري"}, "name_latin": {"Sara Khaled Al-Omari"}, "reason": {"Family name added at her request."}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("reissue: %d %s", r.Status, r.Body)
	}
	newCode := strings.TrimPrefix(r.Location, "/en/admin/certificates/")
	if newCode == b.Display() {
		t.Fatal("the reissue kept the old code")
	}
	r = pub.get("/en/verify/" + b.Display())
	if !strings.Contains(r.Body, "Replaced certificate") || !strings.Contains(r.Body, `href="/en/verify/`+newCode+`"`) {
		t.Errorf("verification of the superseded certificate:\n%s", r.Body)
	}
	r = pub.get("/en/verify/" + newCode)
	if !strings.Contains(r.Body, "Valid certificate") || !strings.Contains(r.Body, "Sara Khaled Al-Omari") || !strings.Contains(r.Body, b.Display()) {
		t.Errorf("verification of the new certificate:\n%s", r.Body)
	}
	var audited int
	p.DB.R.QueryRow("SELECT count(*) FROM audit_log WHERE action IN ('certificate.revoke', 'certificate.supersede', 'certificate.reissue')").Scan(&audited)
	if audited != 3 {
		t.Errorf("%d audit entries, want 3", audited)
	}
}

// verifyJWT checks a compact JWS with lestrrat-go/jwx (not the library that signed it)
// against the key set the platform publishes.
func verifyJWT(t *testing.T, set jwk.Set, token string) map[string]any {
	t.Helper()
	// The header's kid is a DID URL (did:web:HOST#THUMBPRINT); the JWKS names the key by
	// the fragment.
	msg, err := jws.Parse([]byte(token))
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
	_, frag, _ := strings.Cut(kid, "#")
	key, ok := set.LookupKeyID(frag)
	if !ok {
		t.Fatalf("the JWKS has no key %q (kid %q)", frag, kid)
	}
	payload, err := jws.Verify([]byte(token), jws.WithKey(jwa.RS256(), key))
	if err != nil {
		t.Fatalf("jwx rejects %s…: %v", token[:min(len(token), 40)], err)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCredentialsAgainstThePublishedKeys(t *testing.T) {
	p := newPlatform(t)
	holder, o := account(t, p, "vc-holder@example.org", officials.RoleOfficial, "JO")
	cert, _, _ := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	pub := newClient(t, p)
	r := pub.get("/.well-known/jwks.json")
	if r.Status != 200 {
		t.Fatalf("JWKS: %d", r.Status)
	}
	set, err := jwk.Parse([]byte(r.Body))
	if err != nil || set.Len() != 1 {
		t.Fatalf("JWKS: %v", err)
	}
	r = holder.get("/certificates/" + cert.Display() + ".json")
	var env struct {
		Context []string `json:"@context"`
		ID      string   `json:"id"`
		Type    string   `json:"type"`
	}
	if err := json.Unmarshal([]byte(r.Body), &env); err != nil || env.Type != "EnvelopedVerifiableCredential" || !strings.HasPrefix(env.ID, "data:application/vc+jwt,") {
		t.Fatalf("credential: %s", r.Body)
	}
	token := strings.TrimPrefix(env.ID, "data:application/vc+jwt,")
	if raw := holder.get("/certificates/" + cert.Display() + ".jwt"); raw.Body != token {
		t.Error("the .jwt file is not the credential of the .json one")
	}
	cred := verifyJWT(t, set, token)
	ctxs, _ := json.Marshal(cred["@context"])
	if string(ctxs) != `["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]` {
		t.Errorf("contexts: %s", ctxs)
	}
	ach := cred["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	if ach["achievementType"] != "CertificateOfCompletion" || ach["name"] != cert.Title["en"] {
		t.Errorf("achievement: %v", ach)
	}
	b := []byte(token)
	b[len(b)/2] ^= 1
	if _, err := jws.Verify(b, jws.WithKeySet(set, jws.WithRequireKid(false))); err == nil {
		t.Error("a credential with one byte changed verifies")
	}
	if r := pub.get("/issuer"); r.Status != 200 || !strings.Contains(r.Body, `"type":["Profile"]`) ||
		!strings.Contains(r.Body, `"otherIdentifier":[{"identifier":"did:web:localhost%3A8080","identifierType":"identifier","type":"IdentifierEntry"}]`) {
		t.Errorf("issuer profile: %d %s", r.Status, r.Body)
	}
	// The kid resolves through the did:web document: the key it names verifies the credential.
	r = pub.get("/.well-known/did.json")
	var doc struct {
		ID      string   `json:"id"`
		AKA     []string `json:"alsoKnownAs"`
		Methods []struct {
			ID  string          `json:"id"`
			JWK json.RawMessage `json:"publicKeyJwk"`
		} `json:"verificationMethod"`
		Assertion []string `json:"assertionMethod"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil || r.Status != 200 || len(doc.Methods) != 1 ||
		doc.ID != "did:web:localhost%3A8080" || len(doc.AKA) != 1 || doc.AKA[0] != p.Config.BaseURL+"/issuer" {
		t.Fatalf("DID document: %d %v %s", r.Status, err, r.Body)
	}
	msg, _ := jws.Parse([]byte(token))
	kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
	if doc.Methods[0].ID != kid || len(doc.Assertion) != 1 || doc.Assertion[0] != kid {
		t.Errorf("kid %q, DID document methods %s", kid, r.Body)
	}
	didKey, err := jwk.ParseKey(doc.Methods[0].JWK)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jws.Verify([]byte(token), jws.WithKey(jwa.RS256(), didKey)); err != nil {
		t.Errorf("the key of the DID document does not verify the credential: %v", err)
	}

	// The status list: a signed credential whose bit for this certificate is set once it is revoked.
	status := cred["credentialStatus"].(map[string]any)
	listURL := status["statusListCredential"].(string)
	path := strings.TrimPrefix(listURL, p.Config.BaseURL)
	bit := func() bool {
		r := pub.get(path)
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/vc+jwt" {
			t.Fatalf("status list: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		list := verifyJWT(t, set, r.Body)
		enc := list["credentialSubject"].(map[string]any)["encodedList"].(string)
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(enc, "u"))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		bits, _ := io.ReadAll(zr)
		var idx int
		if err := json.Unmarshal([]byte(status["statusListIndex"].(string)), &idx); err != nil {
			t.Fatal(err)
		}
		return bits[idx/8]&(0x80>>(idx%8)) != 0
	}
	if bit() {
		t.Fatal("bit set before revocation")
	}
	if _, err := p.Certificates.Revoke(context.Background(), audit.Actor{Email: "staff"}, cert.Code, "Issued in error."); err != nil {
		t.Fatal(err)
	}
	if !bit() {
		t.Error("bit not set after revocation")
	}
}

func TestCertificatesAPI(t *testing.T) {
	p := newPlatform(t)
	_, staff := account(t, p, "api-cert-staff@example.org", officials.RoleStaff, "")
	_, o := account(t, p, "api-cert-holder@example.org", officials.RoleOfficial, "JO")
	_, other := account(t, p, "api-cert-other@example.org", officials.RoleOfficial, "JO")
	ctx := context.Background()
	staffTok, _ := p.Officials.CreateAPIToken(ctx, staff.ID, "t")
	holderTok, _ := p.Officials.CreateAPIToken(ctx, o.ID, "t")
	otherTok, _ := p.Officials.CreateAPIToken(ctx, other.ID, "t")
	c := newClient(t, p)
	c.lang = "en"
	body := `{"email":"api-cert-holder@example.org","kind":"course","course":"citizen-participation","reason":"Completed on the previous platform."}`
	if r := c.api("POST", "/api/v1/certificates", holderTok, body); r.Status != 403 {
		t.Errorf("an official issued a certificate: %d", r.Status)
	}
	r := c.api("POST", "/api/v1/certificates", staffTok, `{"official_id":`+itoa(o.ID)+`,"kind":"course","course":"citizen-participation"}`)
	if e := decode(t, r); r.Status != 422 || e.Error.Fields["reason"] == "" {
		t.Errorf("without a reason: %d %s", r.Status, r.Body)
	}
	r = c.api("POST", "/api/v1/certificates", staffTok, body)
	var got struct {
		Code   string `json:"code"`
		Status string `json:"status"`
		PDF    string `json:"pdf_url"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(decode(t, r).Data, &got); err != nil || r.Status != 201 || got.Status != "valid" || got.Reason == "" ||
		got.PDF != p.Config.BaseURL+"/certificates/"+got.Code+".pdf" {
		t.Fatalf("issue: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", "/api/v1/certificates", staffTok, body); r.Status != 409 || decode(t, r).Error.Code != "already_issued" || !strings.Contains(r.Body, got.Code) {
		t.Errorf("issued twice: %d %s", r.Status, r.Body)
	}
	if r := c.api("GET", "/api/v1/me/certificates", holderTok, ""); r.Status != 200 || !strings.Contains(r.Body, got.Code) {
		t.Errorf("my certificates: %d %s", r.Status, r.Body)
	}
	if r := c.api("GET", "/api/v1/certificates/"+got.Code, otherTok, ""); r.Status != 404 {
		t.Errorf("another official's certificate: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/certificates?q="+url.QueryEscape(got.Code), staffTok, ""); r.Status != 200 || !strings.Contains(r.Body, `"total":1`) {
		t.Errorf("staff list: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", "/api/v1/certificates/"+got.Code+"/revoke", holderTok, `{"reason":"x"}`); r.Status != 403 {
		t.Errorf("the holder revoked: %d", r.Status)
	}
	if r := c.api("POST", "/api/v1/certificates/"+got.Code+"/revoke", staffTok, `{"reason":"Issued to the wrong account."}`); r.Status != 200 || !strings.Contains(r.Body, `"status":"revoked"`) {
		t.Errorf("revoke: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", "/api/v1/certificates/"+got.Code+"/revoke", staffTok, `{"reason":"again"}`); r.Status != 409 || decode(t, r).Error.Code != "not_valid" {
		t.Errorf("revoke twice: %d %s", r.Status, r.Body)
	}
}

func TestBulkWorkshopCertificatesThroughThePages(t *testing.T) {
	p := newPlatform(t)
	staff, _ := account(t, p, "bulk-staff@example.org", officials.RoleStaff, "")
	var ids []int64
	for _, e := range []string{"bulk-a@example.org", "bulk-b@example.org", "bulk-c@example.org"} {
		_, o := account(t, p, e, officials.RoleOfficial, "JO")
		ids = append(ids, o.ID)
	}
	p.Certificates.SetWorkshopSource(func(ctx context.Context, id int64) (certificates.WorkshopAward, []int64, error) {
		return certificates.WorkshopAward{WorkshopID: id, Title: map[string]string{"ar": "ورشة الحكومة المفتوحة", "en": "Open government workshop"},
			HostCountry: "JO", City: "Amman", Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC), Hours: 12}, ids, nil
	})
	staff.get("/en/admin/certificates")
	r := staff.post("/en/admin/certificates/workshops", url.Values{"workshop_id": {"7"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/en/admin/certificates/jobs/") {
		t.Fatalf("start: %d %s", r.Status, r.Location)
	}
	p.Certificates.Wait()
	page := staff.get(r.Location)
	if page.Status != 200 || !strings.Contains(page.Body, "Finished") || !strings.Contains(page.Body, "3 of 3") || page.Header.Get("Refresh") != "" {
		t.Errorf("job page: %d\n%s", page.Status, page.Body)
	}
	z := staff.get(r.Location + "/certificates.zip")
	if z.Status != 200 || z.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("ZIP: %d", z.Status)
	}
	zr, err := zip.NewReader(strings.NewReader(z.Body), int64(len(z.Body)))
	if err != nil || len(zr.File) != 3 {
		t.Fatalf("ZIP with %v entries: %v", zr, err)
	}
	cert := certOf(t, p, ids[0])
	if cert.Kind != "workshop" || cert.WorkshopID != 7 || cert.HostCountryName["en"] != "Jordan" {
		t.Errorf("workshop certificate: %+v", cert)
	}
	official := newClient(t, p)
	if r := official.post("/en/admin/certificates/workshops", url.Values{"workshop_id": {"7"}}); r.Status == http.StatusSeeOther {
		t.Error("anonymous visitor started a bulk job")
	}
}

func TestVerificationIsRateLimited(t *testing.T) {
	p := newPlatform(t)
	pub := newClient(t, p)
	code := certificates.FormatCode(certificates.NewCode())
	limited := false
	for i := 0; i < 40; i++ {
		if r := pub.get("/en/verify/" + code); r.Status == http.StatusTooManyRequests {
			limited = true
			// The refusal says when to come back, in whole seconds, within the minute.
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
				t.Errorf("429 with Retry-After %q", r.Header.Get("Retry-After"))
			}
			break
		}
	}
	if !limited {
		t.Error("40 verifications in a row were all answered")
	}
}

func TestCertificateVerifiesAfterTheAccountIsDeleted(t *testing.T) {
	p := newPlatform(t)
	c, o := account(t, p, "leaving@example.org", officials.RoleOfficial, "JO")
	cert, _, _ := p.Certificates.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	c.get("/en/me/delete")
	if r := c.post("/en/me/delete", url.Values{"password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	r := newClient(t, p).get("/en/verify/" + cert.Display())
	if r.Status != 200 || !strings.Contains(r.Body, "Sara Khaled") || !strings.Contains(r.Body, "Valid certificate") {
		t.Errorf("verification after deletion: %d", r.Status)
	}
}

package certificates

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

var staff = audit.Actor{ID: 0, Email: "staff@example.org"}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := NewCode()
		if len(c) != 13 || seen[c] {
			t.Fatalf("code %q: wrong length or repeated", c)
		}
		seen[c] = true
		for _, typed := range []string{c, FormatCode(c), strings.ToLower(FormatCode(c)), " " + FormatCode(c) + " ",
			strings.NewReplacer("0", "o", "1", "l").Replace(strings.ToLower(c)), strings.NewReplacer("0", "O", "1", "I").Replace(c)} {
			if got, p := ParseCode(typed); p != CodeOK || got != c {
				t.Fatalf("ParseCode(%q) = %q, %v; want %q", typed, got, p, c)
			}
		}
		// Every single mistyped symbol and every swap of neighbours is caught.
		for pos := 0; pos < len(c); pos++ {
			for _, sym := range alphabet {
				if byte(sym) == c[pos] {
					continue
				}
				bad := c[:pos] + string(sym) + c[pos+1:]
				if _, p := ParseCode(bad); p != CodeMistyped {
					t.Fatalf("%s → %s (symbol %d changed) not caught", c, bad, pos)
				}
			}
			if pos+1 < len(c) && c[pos] != c[pos+1] {
				swapped := c[:pos] + string(c[pos+1]) + string(c[pos]) + c[pos+2:]
				if _, p := ParseCode(swapped); p != CodeMistyped {
					t.Fatalf("%s → %s (swap at %d) not caught", c, swapped, pos)
				}
			}
		}
	}
	if FormatCode("7K3M9QXD2B4TF") != "7K3M-9QXD-2B4T-F" {
		t.Errorf("grouping: %s", FormatCode("7K3M9QXD2B4TF"))
	}
	for _, bad := range []string{"", "ABC", "7K3M-9QXD-2B4T-FF", "7K3M-9QXD-2B4T-U", "7K3M 9QXD 2B4T %"} {
		if _, p := ParseCode(bad); p != CodeMalformed {
			t.Errorf("ParseCode(%q) = %v, want malformed", bad, p)
		}
	}
}

func TestIssueCourseOnceUnderConcurrency(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "amina@gov.example", "أمينة عبد الله", "Amina Abdullah")
	ctx := context.Background()
	const n = 12
	var wg sync.WaitGroup
	codes := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, ok, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
			errs[i], created[i] = err, ok
			if c != nil {
				codes[i] = c.Code
			}
		}(i)
	}
	wg.Wait()
	nCreated := 0
	for i := range codes {
		if errs[i] != nil {
			t.Fatalf("event %d: %v", i, errs[i])
		}
		if codes[i] != codes[0] {
			t.Errorf("event %d got certificate %s, event 0 got %s", i, codes[i], codes[0])
		}
		if created[i] {
			nCreated++
		}
	}
	if nCreated != 1 {
		t.Errorf("%d events reported creating the certificate, want 1", nCreated)
	}
	var rows, mails int
	e.db.R.QueryRow("SELECT count(*) FROM certificates WHERE official_id = ?", o.ID).Scan(&rows)
	e.db.R.QueryRow("SELECT count(*) FROM outbox WHERE template = 'certificate_issued'").Scan(&mails)
	if rows != 1 || mails != 1 {
		t.Errorf("%d certificates and %d e-mails, want 1 and 1", rows, mails)
	}
	// The e-mail carries the PDF, byte for byte the one issued.
	c, err := e.svc.Get(ctx, codes[0])
	if err != nil {
		t.Fatal(err)
	}
	var att []byte
	e.db.R.QueryRow("SELECT data FROM outbox_attachments").Scan(&att)
	if ok, _, _ := MatchesPDF(c, att); !ok {
		t.Error("the PDF attached to the e-mail is not the one issued")
	}
	// By hand, the same certificate is refused with its code named.
	_, err = e.svc.IssueByHand(ctx, staff, HandIssue{OfficialID: o.ID, Kind: KindCourse, Course: "open-government-data", Reason: "Imported"})
	if p, ok := problem.As(err); !ok || p.Code != "already_issued" || !strings.Contains(fmt.Sprint(p.Args...), c.Display()) {
		t.Errorf("issuing it again by hand: %v", err)
	}
}

func TestIssueCourseRecordsWhatWasPrinted(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "Karim@Gov.Example", "كريم", "Karim")
	ctx := context.Background()
	c, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Date(2025, 5, 2, 13, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if c.NameAr != "كريم" || c.NameLatin != "Karim" || c.Title["ar"] == "" || c.Title["en"] == "" || c.Hours <= 0 ||
		c.StartDate != "2025-05-02" || c.Status != StatusValid || len(c.PDFSHA256) != 64 {
		t.Errorf("certificate: %+v", c)
	}
	if c.RecipientHash != identityHash("karim@gov.example", c.RecipientSalt) || !strings.HasPrefix(c.RecipientHash, "sha256$") {
		t.Errorf("recipient hash %s", c.RecipientHash)
	}
	pdf, err := e.svc.PDF(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := MatchesPDF(c, pdf); !ok {
		t.Error("stored PDF does not match its hash")
	}
	// Deleting the account erases the profile; the certificate still says who it was for.
	if err := e.offs.Delete(ctx, audit.Actor{ID: o.ID}, o.ID); err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.Get(ctx, strings.ToLower(c.Display()))
	if err != nil || again.NameAr != "كريم" || again.NameLatin != "Karim" || again.PDFSHA256 != c.PDFSHA256 {
		t.Errorf("after the account was deleted: %+v, %v", again, err)
	}
	// A deleted account gets no new certificate.
	if _, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "citizen-participation", time.Now()); err == nil {
		t.Error("a certificate was issued to a deleted account")
	}
}

func TestRevokeAndStatusList(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "r@gov.example", "رنا", "Rana")
	ctx := context.Background()
	c, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if bit := statusBit(t, e.svc, c); bit {
		t.Fatal("bit set before revocation")
	}
	if _, err := e.svc.Revoke(ctx, staff, c.Code, "   "); err == nil {
		t.Error("revoked without a reason")
	}
	r, err := e.svc.Revoke(ctx, staff, c.Display(), "Completed with another person's account.")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusRevoked || r.RevokedAt == nil {
		t.Errorf("revoked: %+v", r)
	}
	v := e.svc.Verify(r)
	if v.Status != "revoked" || v.RevokeReason != "Completed with another person's account." || v.RevokedAt == nil {
		t.Errorf("verification: %+v", v)
	}
	if !statusBit(t, e.svc, c) {
		t.Error("status list bit not set after revocation")
	}
	if _, err := e.svc.Revoke(ctx, staff, c.Code, "again"); !errors.Is(err, ErrNotValid) {
		t.Errorf("revoking twice: %v", err)
	}
	// Still on record, file unchanged; the holder was told.
	pdf, _ := e.svc.PDF(ctx, r)
	if ok, _, _ := MatchesPDF(c, pdf); !ok {
		t.Error("revocation changed the PDF")
	}
	var mails int
	e.db.R.QueryRow("SELECT count(*) FROM outbox WHERE template = 'certificate_revoked'").Scan(&mails)
	if mails != 1 {
		t.Errorf("%d revocation e-mails", mails)
	}
	var audited int
	e.db.R.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'certificate.revoke' AND subject = ?", "certificate:"+c.Code).Scan(&audited)
	if audited != 1 {
		t.Error("revocation not audited")
	}
	// Revoked is not superseded: no automatic new certificate for the same course.
	again, created, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil || created || again.Code != c.Code {
		t.Errorf("completion after revocation: %v %v %v", again, created, err)
	}
}

// statusBit decodes the certificate's status list as a verifier would.
func statusBit(t *testing.T, s *Service, c *Certificate) bool {
	t.Helper()
	cred, err := s.StatusList(context.Background(), c.StatusList)
	if err != nil {
		t.Fatal(err)
	}
	sub := cred["credentialSubject"].(map[string]any)
	enc := sub["encodedList"].(string)
	if sub["statusPurpose"] != "revocation" || !strings.HasPrefix(enc, "u") {
		t.Fatalf("status list: %v", sub)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc[1:])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bits, err := io.ReadAll(zr)
	if err != nil || len(bits) != 16384 {
		t.Fatalf("bitstring of %d bytes: %v", len(bits), err)
	}
	entry := s.Credential(c)["credentialStatus"].(map[string]any)
	if entry["statusListCredential"] != s.StatusListURL(c.StatusList) || entry["type"] != "BitstringStatusListEntry" {
		t.Fatalf("status entry: %v", entry)
	}
	i := c.StatusIndex
	return bits[i/8]&(0x80>>(i%8)) != 0
}

func TestReissueSupersedes(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "n@gov.example", "نور", "Nour")
	ctx := context.Background()
	old, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Date(2025, 1, 9, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reissue(ctx, staff, old.Code, "نور", "Nour", "typo"); err == nil {
		t.Error("reissued with the same names")
	}
	n, err := e.svc.Reissue(ctx, staff, old.Code, "نور الهدى", "Nour El Houda", "Name completed at the holder's request.")
	if err != nil {
		t.Fatal(err)
	}
	if n.Code == old.Code || n.Supersedes != old.Code || n.NameAr != "نور الهدى" || n.StartDate != "2025-01-09" || n.Status != StatusValid {
		t.Errorf("new certificate: %+v", n)
	}
	was, err := e.svc.Get(ctx, old.Code)
	if err != nil {
		t.Fatal(err)
	}
	v := e.svc.Verify(was)
	if was.Status != StatusSuperseded || v.SupersededBy != n.Display() || was.NameAr != "نور" {
		t.Errorf("old certificate after reissue: %+v", was)
	}
	if !statusBit(t, e.svc, was) || statusBit(t, e.svc, n) {
		t.Error("status bits: the superseded one must be set, the new one clear")
	}
	if _, err := e.svc.Reissue(ctx, staff, old.Code, "x", "y", "again"); !errors.Is(err, ErrNotValid) {
		t.Errorf("reissuing a superseded certificate: %v", err)
	}
	list, _ := e.svc.ForOfficial(ctx, o.ID)
	if len(list) != 2 || list[0].Code != n.Code {
		t.Errorf("holder's list: %d certificates", len(list))
	}
}

// TestCredentialVerifiesWithAnotherJOSE signs with go-jose and verifies with lestrrat-go/jwx
// against the published key set; one byte changed makes it fail.
func TestCredentialVerifiesWithAnotherJOSE(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "j@gov.example", "جميلة", "Jamila")
	c, _, err := e.svc.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	token, err := e.svc.SignedCredential(c)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := e.svc.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(keys)
	set, err := jwk.Parse(jwks)
	if err != nil {
		t.Fatal(err)
	}
	// The header's kid is a DID URL whose fragment names the key in the JWKS.
	_, frag, _ := strings.Cut(headerKid(t, token), "#")
	key, ok := set.LookupKeyID(frag)
	if !ok {
		t.Fatalf("no key %q in the JWKS", frag)
	}
	payload, err := jws.Verify([]byte(token), jws.WithKey(jwa.RS256(), key))
	if err != nil {
		t.Fatalf("jwx rejects the credential: %v", err)
	}
	msg, _ := jws.Parse([]byte(token))
	hdr := msg.Signatures()[0].ProtectedHeaders()
	if alg, _ := hdr.Algorithm(); alg != jwa.RS256() {
		t.Errorf("alg %v", alg)
	}
	var cred map[string]any
	if err := json.Unmarshal(payload, &cred); err != nil {
		t.Fatal(err)
	}
	ctxs, _ := json.Marshal(cred["@context"])
	if string(ctxs) != `["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]` {
		t.Errorf("contexts %s", ctxs)
	}
	types, _ := json.Marshal(cred["type"])
	if string(types) != `["VerifiableCredential","OpenBadgeCredential"]` || cred["iss"] != e.svc.IssuerURL() || cred["jti"] != e.svc.CredentialID(c) {
		t.Errorf("credential: type %s iss %v jti %v", types, cred["iss"], cred["jti"])
	}
	id := cred["credentialSubject"].(map[string]any)["identifier"].([]any)[0].(map[string]any)
	if id["identityHash"] != identityHash("j@gov.example", id["salt"].(string)) || id["hashed"] != true || strings.Contains(token, "j@gov.example") {
		t.Errorf("recipient: %v", id)
	}
	// One byte changed anywhere — header, payload or signature — and verification fails.
	for _, pos := range []int{5, len(token) / 2, len(token) - 3} {
		b := []byte(token)
		if b[pos] == 'A' {
			b[pos] = 'B'
		} else {
			b[pos] = 'A'
		}
		if _, err := jws.Verify(b, jws.WithKey(jwa.RS256(), key)); err == nil {
			t.Errorf("a credential changed at byte %d verifies", pos)
		}
	}
	// The key survives a restart: a second service on the same data directory signs with it.
	again, err := New(context.Background(), e.db, e.svc.opt)
	if err != nil {
		t.Fatal(err)
	}
	k1, _ := e.svc.issuer()
	k2, err := again.issuer()
	if err != nil || k1.kid != k2.kid {
		t.Error("the issuer key changed on restart")
	}
}

func TestBulkWorkshopJob(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	var ids []int64
	for i, n := range []string{"أحمد", "بشرى", "جمال", "دانة", "هاني"} {
		o := e.official(t, string(rune('a'+i))+"@gov.example", n, "Person "+string(rune('A'+i)))
		ids = append(ids, o.ID)
	}
	award := WorkshopAward{WorkshopID: 41, Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"},
		HostCountry: "tn", City: "تونس", Start: time.Date(2025, 4, 7, 9, 0, 0, 0, time.UTC), End: time.Date(2025, 4, 9, 0, 0, 0, 0, time.UTC), Hours: 15}
	ids = append(ids, 99999) // an account that does not exist
	id, err := e.svc.StartWorkshopJob(ctx, staff, award, ids)
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Wait()
	j, err := e.svc.Job(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != "finished" || j.Done != 6 || j.Issued != 5 || j.Failed != 1 || len(j.Errors) != 1 || j.Percent() != 100 ||
		j.Errors[0].OfficialID != 99999 || j.Errors[0].Key != "cert.field.official.unknown" {
		t.Errorf("job: %+v", j)
	}
	var buf bytes.Buffer
	n, err := e.svc.WriteWorkshopZIP(ctx, &buf, 41)
	if err != nil || n != 5 {
		t.Fatalf("ZIP of %d: %v", n, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != 5 {
		t.Fatalf("ZIP: %v", err)
	}
	certs, _ := e.svc.ForWorkshop(ctx, 41)
	for i, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if ok, _, _ := MatchesPDF(certs[i], b); !ok || !strings.HasPrefix(f.Name, certs[i].Display()) {
			t.Errorf("ZIP entry %s is not certificate %s", f.Name, certs[i].Display())
		}
	}
	c := certs[0]
	if c.HostCountry != "TN" || c.HostCountryName["ar"] == "" || c.City != "تونس" || c.StartDate != "2025-04-07" || c.EndDate != "2025-04-09" {
		t.Errorf("workshop certificate: %+v", c)
	}
	// Running it again issues nothing twice.
	id2, _ := e.svc.StartWorkshopJob(ctx, staff, award, ids[:5])
	e.svc.Wait()
	if j2, _ := e.svc.Job(ctx, id2); j2.Issued != 0 || j2.Done != 5 {
		t.Errorf("second run: %+v", j2)
	}
	if _, err := e.svc.StartWorkshopJob(ctx, staff, WorkshopAward{WorkshopID: 41}, ids); err == nil {
		t.Error("a workshop without a title or dates was accepted")
	}
}

func TestPreviewPNG(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "p@gov.example", "بسمة", "Basma")
	c, _, err := e.svc.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.PNG(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if http.DetectContentType(b) != "image/png" {
		t.Fatal("not a PNG")
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if bd := img.Bounds(); bd.Dx() != 1123 || bd.Dy() != 794 {
		t.Errorf("preview is %v", bd)
	}
	// Ink where the name is printed (the middle of the page), white in the margin.
	dark := 0
	for x := 300; x < 820; x++ {
		for y := 330; y < 440; y++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			}
		}
	}
	if r, g, bl, _ := img.At(5, 400).RGBA(); dark < 500 || r != 0xffff || g != 0xffff || bl != 0xffff {
		t.Errorf("preview: %d dark pixels in the middle, margin %x %x %x", dark, r, g, bl)
	}
}

func TestMatchesPDF(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "m@gov.example", "مريم", "Maryam")
	c, _, _ := e.svc.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", time.Now())
	pdf, _ := e.svc.PDF(context.Background(), c)
	if ok, h, err := MatchesPDF(c, pdf); !ok || h != c.PDFSHA256 || err != nil {
		t.Error("the issued PDF does not match")
	}
	forged := bytes.Replace(pdf, []byte("/Producer"), []byte("/Producex"), 1)
	if ok, _, err := MatchesPDF(c, forged); ok || err != nil {
		t.Error("a changed PDF matches")
	}
	if _, _, err := MatchesPDF(c, []byte("GIF89a")); !errors.Is(err, ErrNotPDF) {
		t.Errorf("not a PDF: %v", err)
	}
}

func TestFontFromConfiguration(t *testing.T) {
	if _, err := loadFonts("/no/such/font.ttf", ""); err == nil {
		t.Error("a missing font file was accepted")
	}
	if _, err := loadFonts("certificates_test.go", ""); err == nil {
		t.Error("a file that is no font was accepted")
	}
	var amiri, amiriBold string
	for _, dir := range []string{"/usr/share/fonts/opentype/fonts-hosny-amiri", "/usr/share/fonts/truetype/amiri"} {
		if _, err := os.Stat(dir + "/Amiri-Regular.ttf"); err == nil {
			amiri, amiriBold = dir+"/Amiri-Regular.ttf", dir+"/Amiri-Bold.ttf"
		}
	}
	if amiri == "" {
		t.Skip("Amiri is not installed (apt-get install fonts-hosny-amiri) to try a font from the configuration")
	}
	e := newEnv(t, func(o *Options) { o.ArabicFont, o.ArabicBoldFont = amiri, amiriBold })
	if !strings.Contains(e.svc.fonts.arabic.name, "Amiri") || !strings.Contains(e.svc.fonts.arabicBold.name, "Amiri") {
		t.Errorf("Arabic faces are %s, %s", e.svc.fonts.arabic.name, e.svc.fonts.arabicBold.name)
	}
	// Amiri forms lam-alef and «الله» as single glyphs: the hard names still read right.
	for i, hn := range hardNames {
		t.Run(hn.name, func(t *testing.T) { checkCertificatePDF(t, e.svc, i, hn) })
	}
}

func TestStoreErrorsAreWrapped(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.svc.Get(context.Background(), "7K3M-9QXD-2B4T-F"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
}

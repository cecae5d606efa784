package certificates

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/masar-platform/masar/audit"
)

// headerKid is the kid of a compact JWS's protected header, read by jwx.
func headerKid(t *testing.T, token string) string {
	t.Helper()
	msg, err := jws.Parse([]byte(token))
	if err != nil {
		t.Fatal(err)
	}
	kid, ok := msg.Signatures()[0].ProtectedHeaders().KeyID()
	if !ok {
		t.Fatal("no kid in the header")
	}
	return kid
}

// verifyByDID verifies token with lestrrat-go/jwx (the signing code uses go-jose) against
// the key its kid, a DID URL, resolves to in the service's DID document, as a verifier
// would: the document's id is the DID before the '#', the method is an assertion method.
func verifyByDID(t *testing.T, svc *Service, token string) (map[string]any, error) {
	t.Helper()
	kid := headerKid(t, token)
	doc, err := svc.DIDDocument()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	var d struct {
		ID      string `json:"id"`
		Methods []struct {
			ID         string          `json:"id"`
			Type       string          `json:"type"`
			Controller string          `json:"controller"`
			JWK        json.RawMessage `json:"publicKeyJwk"`
		} `json:"verificationMethod"`
		Assertion []string `json:"assertionMethod"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	did, _, ok := strings.Cut(kid, "#")
	if !ok || did != d.ID || !strings.HasPrefix(did, "did:web:") {
		t.Fatalf("kid %q is not a DID URL of the issuer's DID %q", kid, d.ID)
	}
	for _, m := range d.Methods {
		if m.ID != kid {
			continue
		}
		asserts := false
		for _, a := range d.Assertion {
			asserts = asserts || a == kid
		}
		if !asserts || m.Controller != d.ID {
			t.Fatalf("key %s is not an assertion method of %s", kid, d.ID)
		}
		key, err := jwk.ParseKey(m.JWK)
		if err != nil {
			t.Fatal(err)
		}
		payload, err := jws.Verify([]byte(token), jws.WithKey(jwa.RS256(), key))
		if err != nil {
			return nil, err
		}
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatal(err)
		}
		return claims, nil
	}
	t.Fatalf("the DID document has no key %s", kid)
	return nil, nil
}

// verifyByJWKS verifies token with jwx against the published key set, finding the key by
// the kid's fragment (the JWKS names keys by thumbprint).
func verifyByJWKS(t *testing.T, svc *Service, token string) error {
	t.Helper()
	keys, err := svc.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(keys)
	set, err := jwk.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	_, frag, _ := strings.Cut(headerKid(t, token), "#")
	key, ok := set.LookupKeyID(frag)
	if !ok {
		t.Fatalf("the JWKS (%d keys) has no key %q", set.Len(), frag)
	}
	_, err = jws.Verify([]byte(token), jws.WithKey(jwa.RS256(), key))
	return err
}

// TestVCJWTClaims: the JWT carries iss, sub (the credentialSubject's id), jti (the
// credential's id) and nbf (its validFrom), and no exp (certificates do not expire); its kid
// resolves through the DID document to the key that verifies it.
func TestVCJWTClaims(t *testing.T) {
	e := newEnv(t, nil)
	o := e.official(t, "s@gov.example", "سامية", "Samia")
	issued := time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)
	c, _, err := e.svc.IssueCourse(context.Background(), audit.Actor{}, o.ID, "open-government-data", issued)
	if err != nil {
		t.Fatal(err)
	}
	token, err := e.svc.SignedCredential(c)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := verifyByDID(t, e.svc, token)
	if err != nil {
		t.Fatalf("the credential does not verify with the key its kid names: %v", err)
	}
	subject := claims["credentialSubject"].(map[string]any)
	sub, _ := claims["sub"].(string)
	if sub == "" || sub != subject["id"] || !strings.HasPrefix(sub, "urn:uuid:") || len(sub) != len("urn:uuid:")+36 {
		t.Errorf("sub %q, credentialSubject.id %v", sub, subject["id"])
	}
	if strings.Contains(sub, c.RecipientHash) || strings.Contains(token, "s@gov.example") {
		t.Error("the subject id shows the holder's hash or e-mail")
	}
	if claims["iss"] != "https://masar.example.org/issuer" || claims["jti"] != e.svc.CredentialID(c) || claims["jti"] != claims["id"] {
		t.Errorf("iss %v, jti %v, id %v", claims["iss"], claims["jti"], claims["id"])
	}
	vf, _ := time.Parse(time.RFC3339, claims["validFrom"].(string))
	if nbf, _ := claims["nbf"].(float64); int64(nbf) != vf.Unix() || vf.IsZero() {
		t.Errorf("nbf %v, validFrom %v", claims["nbf"], claims["validFrom"])
	}
	if _, ok := claims["exp"]; ok {
		t.Errorf("exp %v on a credential without validUntil", claims["exp"])
	}
	if kid := headerKid(t, token); kid != "did:web:masar.example.org#"+mustKey(t, e.svc).kid {
		t.Errorf("kid %q", kid)
	}
	// The same holder's second certificate gets another subject id: ids do not tie a
	// holder's certificates together.
	c2, _, err := e.svc.IssueCourse(context.Background(), audit.Actor{}, o.ID, "citizen-participation", issued)
	if err != nil {
		t.Fatal(err)
	}
	if SubjectID(c2) == SubjectID(c) {
		t.Error("two certificates share a subject id")
	}
	// The issuer profile names the DID whose document lists the keys, and the document
	// names the profile back.
	prof, _ := json.Marshal(e.svc.IssuerProfile())
	if !strings.Contains(string(prof), `"identifier":"did:web:masar.example.org"`) {
		t.Errorf("issuer profile does not name its DID: %s", prof)
	}
	doc, _ := e.svc.DIDDocument()
	if aka, _ := json.Marshal(doc["alsoKnownAs"]); string(aka) != `["https://masar.example.org/issuer"]` {
		t.Errorf("alsoKnownAs %s", aka)
	}
	// A token changed in its payload no longer verifies.
	parts := strings.Split(token, ".")
	parts[1] = strings.Replace(parts[1], parts[1][10:14], "AAAA", 1)
	if _, err := verifyByDID(t, e.svc, strings.Join(parts, ".")); err == nil {
		t.Error("a changed credential verifies")
	}
}

func mustKey(t *testing.T, s *Service) *issuerKey {
	t.Helper()
	k, err := s.issuer()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestDIDOfBaseURL: the did:web of the platform's address, port and path included.
func TestDIDOfBaseURL(t *testing.T) {
	for base, want := range map[string]string{
		"https://masar.example.org":        "did:web:masar.example.org",
		"http://localhost:8121":            "did:web:localhost%3A8121",
		"https://gov.example/training/ogp": "did:web:gov.example:training:ogp",
	} {
		s := &Service{opt: Options{BaseURL: base}}
		if got := s.DID(); got != want {
			t.Errorf("DID of %s = %s, want %s", base, got, want)
		}
	}
}

// TestRotateIssuerKey: after a rotation the new key signs; a credential signed before it
// and one signed after both verify against the JWKS and through the DID document, each
// with its own key; the old key is kept as issuer-key-<kid>.pem.
func TestRotateIssuerKey(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	o := e.official(t, "r@gov.example", "رشيد", "Rachid")
	c, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	before, err := e.svc.SignedCredential(c)
	if err != nil {
		t.Fatal(err)
	}
	oldKid := mustKey(t, e.svc).kid

	rot, err := RotateIssuerKey(e.svc.opt.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if rot.Retired != oldKid || rot.Current == oldKid || rot.Current == "" {
		t.Fatalf("rotation %+v, old key %s", rot, oldKid)
	}
	if _, err := os.Stat(filepath.Join(e.svc.opt.DataDir, "issuer-key-"+oldKid+".pem")); err != nil {
		t.Fatalf("the old key is not kept: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(e.svc.opt.DataDir, "*.old")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	// A server started after the rotation.
	svc, err := New(ctx, e.db, e.svc.opt)
	if err != nil {
		t.Fatal(err)
	}
	after, err := svc.SignedCredential(c)
	if err != nil {
		t.Fatal(err)
	}
	if k := headerKid(t, after); !strings.HasSuffix(k, "#"+rot.Current) {
		t.Errorf("after the rotation the credential is signed by %s, want %s", k, rot.Current)
	}
	keys, _ := svc.JWKS()
	if len(keys.Keys) != 2 || keys.Keys[0].KeyID != rot.Current || keys.Keys[1].KeyID != oldKid {
		t.Errorf("JWKS publishes %d keys: %v", len(keys.Keys), keys.Keys)
	}
	for name, token := range map[string]string{"before": before, "after": after} {
		if err := verifyByJWKS(t, svc, token); err != nil {
			t.Errorf("credential signed %s the rotation fails against the JWKS: %v", name, err)
		}
		if _, err := verifyByDID(t, svc, token); err != nil {
			t.Errorf("credential signed %s the rotation fails through the DID document: %v", name, err)
		}
	}
	// A second rotation keeps both earlier keys.
	rot2, err := RotateIssuerKey(e.svc.opt.DataDir)
	if err != nil || rot2.Retired != rot.Current {
		t.Fatalf("second rotation %+v: %v", rot2, err)
	}
	svc3, _ := New(ctx, e.db, e.svc.opt)
	if keys, _ := svc3.JWKS(); len(keys.Keys) != 3 {
		t.Errorf("after two rotations the JWKS has %d keys, want 3", len(keys.Keys))
	}
	if err := verifyByJWKS(t, svc3, before); err != nil {
		t.Errorf("the first credential fails after two rotations: %v", err)
	}
}

// TestRotateWithoutKey: a directory with no key yet gets one, and nothing is retired.
func TestRotateWithoutKey(t *testing.T) {
	dir := t.TempDir()
	rot, err := RotateIssuerKey(dir)
	if err != nil || rot.Current == "" || rot.Retired != "" {
		t.Fatalf("%+v %v", rot, err)
	}
	if kid, err := IssuerKeyID(filepath.Join(dir, "issuer-key.pem")); err != nil || kid != rot.Current {
		t.Errorf("key %s %v, want %s", kid, err, rot.Current)
	}
}

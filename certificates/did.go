package certificates

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
)

// DID is the issuer's decentralized identifier, did:web of the platform's address
// (https://example.org → did:web:example.org; a port is written %3A, a path adds
// :segments). Its document, served at /.well-known/did.json, lists the issuer keys.
func (s *Service) DID() string {
	u, err := url.Parse(s.opt.BaseURL)
	if err != nil || u.Host == "" {
		return "did:web:localhost"
	}
	did := "did:web:" + strings.ReplaceAll(u.Host, ":", "%3A")
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg != "" {
			did += ":" + url.PathEscape(seg)
		}
	}
	return did
}

// KeyURL is the DID URL of the issuer key kid (its RFC 7638 thumbprint): the kid of the
// JWS header of every credential, resolved through the DID document.
func (s *Service) KeyURL(kid string) string { return s.DID() + "#" + kid }

// DIDDocument is the did:web document of the issuer: one verification method (a JWK) for
// each published key — the one that signs now and every key a rotation retired — all of
// them assertion methods, and the issuer profile as another name of the same issuer.
func (s *Service) DIDDocument() (map[string]any, error) {
	keys, err := s.publishedKeys()
	if err != nil {
		return nil, err
	}
	did := s.DID()
	methods := []any{}
	refs := []string{}
	for _, k := range keys {
		id := did + "#" + k.kid
		methods = append(methods, map[string]any{
			"id":           id,
			"type":         "JsonWebKey2020",
			"controller":   did,
			"publicKeyJwk": k.public,
		})
		refs = append(refs, id)
	}
	return map[string]any{
		"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"},
		"id":                 did,
		"alsoKnownAs":        []string{s.IssuerURL()},
		"verificationMethod": methods,
		"assertionMethod":    refs,
	}, nil
}

// SubjectID is the credentialSubject id of a certificate (the JWT's sub): a URN made from
// the salted hash of the holder's e-mail, so that it names the holder of this certificate
// without telling who they are or tying their certificates together.
func SubjectID(c *Certificate) string {
	h := sha256.Sum256([]byte("masar subject\x00" + c.RecipientHash + "\x00" + c.RecipientSalt))
	h[6] = h[6]&0x0f | 0x80 // UUID version 8 (RFC 9562: made by the application)
	h[8] = h[8]&0x3f | 0x80 // RFC 9562 variant
	x := hex.EncodeToString(h[:16])
	return "urn:uuid:" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

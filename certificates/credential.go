package certificates

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/masar-platform/masar/store"
)

// JSON-LD contexts of an Open Badges 3.0 credential.
const (
	contextVC = "https://www.w3.org/ns/credentials/v2"
	contextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	schemaOB  = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

// IssuerURL is the issuer's identifier: the address of its profile.
func (s *Service) IssuerURL() string { return s.opt.BaseURL + "/issuer" }

// IssuerProfile is the Open Badges 3.0 Profile of the issuer, published at IssuerURL.
func (s *Service) IssuerProfile() map[string]any {
	return map[string]any{
		"@context":    []string{contextVC, contextOB},
		"id":          s.IssuerURL(),
		"type":        []string{"Profile"},
		"name":        s.t("en", "cert.issuer.name"),
		"description": s.t("en", "cert.issuer.description") + "\n" + s.t("ar", "cert.issuer.description"),
		"url":         s.opt.BaseURL + "/",
		// The issuer's DID, whose document (/.well-known/did.json) lists its keys and names
		// this profile back (alsoKnownAs): a verifier ties the credential's kid to the issuer.
		"otherIdentifier": []any{map[string]any{"type": "IdentifierEntry", "identifier": s.DID(), "identifierType": "identifier"}},
	}
}

func (s *Service) issuerRef() map[string]any {
	return map[string]any{"id": s.IssuerURL(), "type": []string{"Profile"}, "name": s.t("en", "cert.issuer.name"), "url": s.opt.BaseURL + "/"}
}

// CredentialID is the identifier of the Open Badges credential of a certificate.
func (s *Service) CredentialID(c *Certificate) string {
	return s.opt.BaseURL + "/certificates/" + c.Display()
}

// StatusListURL is the address of the status list credential number n.
func (s *Service) StatusListURL(n int) string {
	return s.opt.BaseURL + "/credentials/status/" + strconv.Itoa(n)
}

// Credential is the Open Badges 3.0 OpenBadgeCredential (W3C VC Data Model 2.0) of a
// certificate, unsigned. The holder is identified by the salted hash of their e-mail.
func (s *Service) Credential(c *Certificate) map[string]any {
	en := c.Title["en"]
	if en == "" {
		en = c.TitleIn("en")
	}
	kindName := s.t("en", "cert.pdf.title."+c.Kind)
	achievementType, achievementID := "CertificateOfCompletion", s.opt.BaseURL+"/courses/"+c.Course
	criteria := s.t("en", "cert.criteria.course")
	if c.Kind == KindWorkshop {
		achievementType, achievementID = "Certificate", s.opt.BaseURL+"/workshops/"+strconv.FormatInt(c.WorkshopID, 10)
		criteria = s.t("en", "cert.criteria.workshop")
	}
	description := s.details("en", s.printed(c))
	ach := map[string]any{
		"id":              achievementID,
		"type":            []string{"Achievement"},
		"achievementType": achievementType,
		"name":            en,
		"description":     description,
		"criteria":        map[string]any{"narrative": criteria},
		"creator":         s.issuerRef(),
	}
	if ar := c.Title["ar"]; ar != "" {
		ach["description"] = description + "\n" + ar + " — " + s.details("ar", s.printed(c))
	}
	subject := map[string]any{
		"id":   SubjectID(c),
		"type": []string{"AchievementSubject"},
		"identifier": []any{map[string]any{
			"type":         "IdentityObject",
			"identityHash": c.RecipientHash,
			"identityType": "emailAddress",
			"hashed":       true,
			"salt":         c.RecipientSalt,
		}},
		"achievement": ach,
	}
	if c.Kind == KindWorkshop {
		subject["activityStartDate"] = c.StartDate + "T00:00:00Z"
		subject["activityEndDate"] = c.EndDate + "T00:00:00Z"
	}
	cred := map[string]any{
		"@context":          []string{contextVC, contextOB},
		"id":                s.CredentialID(c),
		"type":              []string{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":            s.issuerRef(),
		"validFrom":         c.IssuedAt.UTC().Format(time.RFC3339),
		"name":              kindName + ": " + en,
		"description":       s.t("en", "cert.criteria.verify", "url", s.VerifyURL(c.Code)),
		"credentialSubject": subject,
		"credentialStatus": map[string]any{
			"id":                   s.StatusListURL(c.StatusList) + "#" + strconv.Itoa(c.StatusIndex),
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        "revocation",
			"statusListIndex":      strconv.Itoa(c.StatusIndex),
			"statusListCredential": s.StatusListURL(c.StatusList),
		},
		"credentialSchema": []any{map[string]any{"id": schemaOB, "type": "1EdTechJsonSchemaValidator2019"}},
	}
	return cred
}

// SignedCredential is the credential secured as a VC-JWT (Open Badges 3.0 §8.2): the JWT's
// payload is the credential itself with the registered claims iss (the issuer profile), sub
// (credentialSubject.id), jti (the credential id), nbf (validFrom) and exp (validUntil, for a
// credential that has one; certificates have none); the header names the key by its DID URL
// (kid, did:web:<host>#<JWK thumbprint>, resolved through /.well-known/did.json; the
// fragment is the kid in /.well-known/jwks.json) and carries the public key (jwk), signed
// with RS256.
func (s *Service) SignedCredential(c *Certificate) (string, error) {
	return s.signJWT(s.Credential(c))
}

func (s *Service) signJWT(cred map[string]any) (string, error) {
	payload := map[string]any{}
	for k, v := range cred {
		payload[k] = v
	}
	payload["iss"] = s.IssuerURL()
	payload["jti"] = cred["id"]
	if sub, ok := cred["credentialSubject"].(map[string]any); ok && sub["id"] != nil {
		payload["sub"] = sub["id"]
	}
	if vf, ok := cred["validFrom"].(string); ok {
		if t, err := time.Parse(time.RFC3339, vf); err == nil {
			payload["nbf"] = t.Unix()
		}
	}
	if vu, ok := cred["validUntil"].(string); ok {
		if t, err := time.Parse(time.RFC3339, vu); err == nil {
			payload["exp"] = t.Unix()
		}
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	k, err := s.issuer()
	if err != nil {
		return "", err
	}
	return k.sign(b)
}

// StatusList is the revocation list number n as a W3C Bitstring Status List credential:
// bit i (counted from the most significant bit of the first byte) is set when the
// certificate at index i is revoked or superseded. The bitstring is GZIP-compressed and
// written in multibase base64url ("u" prefix).
func (s *Service) StatusList(ctx context.Context, n int) (map[string]any, error) {
	var exists int
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM certificates WHERE status_list = ?", n).Scan(&exists); err != nil {
		return nil, fmt.Errorf("certificates: status list %d: %w", n, err)
	}
	if exists == 0 && n != 1 {
		return nil, fmt.Errorf("certificates: status list %d: %w", n, store.ErrNotFound)
	}
	bits := make([]byte, statusListSize/8)
	rows, err := s.db.R.QueryContext(ctx, "SELECT status_index FROM certificates WHERE status_list = ? AND status <> 'valid'", n)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var i int
		if err := row.Scan(&i); err != nil {
			return err
		}
		bits[i/8] |= 0x80 >> (i % 8)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("certificates: status list %d: %w", n, err)
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if _, err := zw.Write(bits); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	url := s.StatusListURL(n)
	return map[string]any{
		"@context":  []string{contextVC},
		"id":        url,
		"type":      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    s.IssuerURL(),
		"validFrom": s.now().Truncate(time.Second).Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            url + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": "revocation",
			"encodedList":   "u" + base64.RawURLEncoding.EncodeToString(z.Bytes()),
		},
	}, nil
}

// SignedStatusList is the status list credential secured as a VC-JWT.
func (s *Service) SignedStatusList(ctx context.Context, n int) (string, error) {
	cred, err := s.StatusList(ctx, n)
	if err != nil {
		return "", err
	}
	return s.signJWT(cred)
}

// LinkedInURL is the "add to profile" link that fills in a LinkedIn licence or
// certification with this certificate, in lang.
func (s *Service) LinkedInURL(c *Certificate, lang string) string {
	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", s.t(lang, "cert.pdf.title."+c.Kind)+": "+c.TitleIn(lang))
	q.Set("organizationName", s.t(lang, "cert.issuer.name"))
	q.Set("issueYear", strconv.Itoa(c.IssuedAt.Year()))
	q.Set("issueMonth", strconv.Itoa(int(c.IssuedAt.Month())))
	q.Set("certUrl", s.VerifyURL(c.Code))
	q.Set("certId", c.Display())
	return "https://www.linkedin.com/profile/add?" + q.Encode()
}

// Verification is what the public verification page and API say about a certificate: what
// it printed and its status, nothing else about the holder.
type Verification struct {
	Code            string            `json:"code"`
	Status          string            `json:"status"`
	Kind            string            `json:"kind"`
	NameAr          string            `json:"name_ar"`
	NameLatin       string            `json:"name_latin"`
	Title           map[string]string `json:"title"`
	Hours           float64           `json:"hours"`
	StartDate       string            `json:"start_date"`
	EndDate         string            `json:"end_date,omitempty"`
	HostCountry     string            `json:"host_country,omitempty"`
	HostCountryName map[string]string `json:"host_country_name,omitempty"`
	City            string            `json:"city,omitempty"`
	IssuedAt        time.Time         `json:"issued_at"`
	Issuer          map[string]string `json:"issuer"`
	PDFSHA256       string            `json:"pdf_sha256"`
	RevokedAt       *time.Time        `json:"revoked_at,omitempty"`
	RevokeReason    string            `json:"revoke_reason,omitempty"`
	SupersededAt    *time.Time        `json:"superseded_at,omitempty"`
	SupersededBy    string            `json:"superseded_by,omitempty"`
	Supersedes      string            `json:"supersedes,omitempty"`
	URL             string            `json:"verification_url"`
}

// Verify is the public account of a certificate.
func (s *Service) Verify(c *Certificate) Verification {
	v := Verification{Code: c.Display(), Status: c.Status, Kind: c.Kind, NameAr: c.NameAr, NameLatin: c.NameLatin,
		Title: c.Title, Hours: c.Hours, StartDate: c.StartDate, EndDate: c.EndDate, HostCountry: c.HostCountry,
		HostCountryName: c.HostCountryName, City: c.City, IssuedAt: c.IssuedAt,
		Issuer:    map[string]string{"id": s.IssuerURL(), "name_ar": s.t("ar", "cert.issuer.name"), "name_en": s.t("en", "cert.issuer.name")},
		PDFSHA256: c.PDFSHA256, RevokedAt: c.RevokedAt, RevokeReason: c.RevokeReason, SupersededAt: c.SupersededAt,
		URL: s.VerifyURL(c.Code)}
	if c.SupersededBy != "" {
		v.SupersededBy = FormatCode(c.SupersededBy)
	}
	if c.Supersedes != "" {
		v.Supersedes = FormatCode(c.Supersedes)
	}
	return v
}

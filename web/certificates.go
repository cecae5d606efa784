package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// certificateAppRoutes registers what lives outside the language prefixes — the files of
// a certificate, the issuer's keys and profile, the status lists, the QR codes' landing —
// and adds the certificates to the profile page and the personal-data export.
func (h *handler) certificateAppRoutes(app *fiber.App) {
	app.Get("/certificates/:code.pdf", h.sessionOrToken, h.serveCertificatePDF)
	app.Get("/certificates/:code.png", h.sessionOrToken, h.serveCertificatePNG)
	app.Get("/certificates/:code.json", h.sessionOrToken, h.serveCertificateJSON)
	app.Get("/certificates/:code.jwt", h.sessionOrToken, h.serveCertificateJWT)
	app.Get("/verify", noIndex, h.redirectVerify)
	app.Get("/verify/:code", noIndex, h.redirectVerify)
	app.Get("/.well-known/jwks.json", h.serveJWKS)
	app.Get("/.well-known/did.json", h.serveDIDDocument)
	app.Get("/issuer", h.serveIssuer)
	app.Get("/credentials/status/:n.json", h.serveStatusListJSON)
	app.Get("/credentials/status/:n", h.serveStatusList)
	h.meSections = append(h.meSections, h.myCertificatesSection)
}

// certificateRoutes registers the pages under a language prefix.
func (h *handler) certificateRoutes(g fiber.Router) {
	g.Get("/me/certificates", h.requireLogin, h.showMyCertificates)
	g.Get("/certificates/:code", h.requireLogin, h.showCertificate)
	g.Get("/verify", noIndex, h.showVerifyForm)
	g.Get("/verify/:code", noIndex, h.limitVerification, h.showVerification)
	g.Post("/verify/:code", noIndex, h.limitVerification, h.compareUpload)
	h.certificateAdminRoutes(g)
}

// ownCertificate returns the certificate named in the path when the user may have its files:
// its holder or staff. Anyone else is told it does not exist.
func (h *handler) ownCertificate(c *fiber.Ctx) (*certificates.Certificate, error) {
	u := user(c)
	cert, err := h.Certificates.Get(c.UserContext(), c.Params("code"))
	if err != nil {
		return nil, err
	}
	if u == nil || (u.ID != cert.OfficialID && !u.IsStaff()) {
		return nil, problem.NotFound
	}
	return cert, nil
}

// fileAccess sends a visitor without a session to the login page, and back here after.
func (h *handler) fileAccess(c *fiber.Ctx) (*certificates.Certificate, bool, error) {
	if user(c) == nil {
		return nil, false, c.Redirect("/"+lang(c)+"/login?next="+urlEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	cert, err := h.ownCertificate(c)
	return cert, err == nil, err
}

func (h *handler) serveCertificatePDF(c *fiber.Ctx) error {
	cert, ok, err := h.fileAccess(c)
	if !ok {
		return err
	}
	pdf, err := h.Certificates.PDF(c.UserContext(), cert)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderETag, `"`+cert.PDFSHA256+`"`)
	disp := "inline"
	if c.Query("download") != "" {
		disp = "attachment"
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`%s; filename="certificate-%s.pdf"`, disp, cert.Display()))
	return c.Send(pdf)
}

func (h *handler) serveCertificatePNG(c *fiber.Ctx) error {
	cert, ok, err := h.fileAccess(c)
	if !ok {
		return err
	}
	png, err := h.Certificates.PNG(c.UserContext(), cert)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	return c.Send(png)
}

// serveCertificateJSON sends the Open Badges 3.0 credential in JSON: a W3C Verifiable
// Credentials 2.0 EnvelopedVerifiableCredential whose id carries the VC-JWT.
func (h *handler) serveCertificateJSON(c *fiber.Ctx) error {
	cert, ok, err := h.fileAccess(c)
	if !ok {
		return err
	}
	jwt, err := h.Certificates.SignedCredential(cert)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="credential-%s.json"`, cert.Display()))
	return c.JSON(envelope(jwt))
}

// envelope wraps a VC-JWT as the Verifiable Credentials 2.0 JSON of a credential secured by
// an enveloping proof.
func envelope(jwt string) map[string]any {
	return map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2"},
		"id":       "data:application/vc+jwt," + jwt,
		"type":     "EnvelopedVerifiableCredential",
	}
}

// serveCertificateJWT sends the VC-JWT itself.
func (h *handler) serveCertificateJWT(c *fiber.Ctx) error {
	cert, ok, err := h.fileAccess(c)
	if !ok {
		return err
	}
	jwt, err := h.Certificates.SignedCredential(cert)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vc+jwt")
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="credential-%s.jwt"`, cert.Display()))
	return c.SendString(jwt)
}

func (h *handler) serveJWKS(c *fiber.Ctx) error {
	keys, err := h.Certificates.JWKS()
	if err != nil {
		return err
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderContentType, "application/jwk-set+json")
	return c.Send(b)
}

// serveDIDDocument publishes the issuer's did:web document: the keys that the kid of a
// credential's header (a DID URL) resolves to.
func (h *handler) serveDIDDocument(c *fiber.Ctx) error {
	doc, err := h.Certificates.DIDDocument()
	if err != nil {
		return err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderContentType, "application/did+json")
	return c.Send(b)
}

func (h *handler) serveIssuer(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderContentType, "application/ld+json")
	b, err := json.Marshal(h.Certificates.IssuerProfile())
	if err != nil {
		return err
	}
	return c.Send(b)
}

func statusListNumber(c *fiber.Ctx) (int, error) {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
		return 0, problem.NotFound
	}
	return n, nil
}

// serveStatusList sends a status list credential secured as a VC-JWT.
func (h *handler) serveStatusList(c *fiber.Ctx) error {
	n, err := statusListNumber(c)
	if err != nil {
		return err
	}
	jwt, err := h.Certificates.SignedStatusList(c.UserContext(), n)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderContentType, "application/vc+jwt")
	return c.SendString(jwt)
}

// serveStatusListJSON sends the same status list as plain JSON, for reading.
func (h *handler) serveStatusListJSON(c *fiber.Ctx) error {
	n, err := statusListNumber(c)
	if err != nil {
		return err
	}
	cred, err := h.Certificates.StatusList(c.UserContext(), n)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(cred)
}

// redirectVerify is where the QR code lands: the verification page in the visitor's language.
func (h *handler) redirectVerify(c *fiber.Ctx) error {
	l := i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
	if cl := c.Cookies(langCookie); i18n.Supported(cl) {
		l = cl
	}
	c.Set(fiber.HeaderVary, "Accept-Language, Cookie")
	target := "/" + l + "/verify"
	if code := typedCode(c); code != "" {
		target += "/" + verifyPath(code)
	}
	return c.Redirect(target, fiber.StatusFound)
}

// certificateCard is a certificate as listed to its holder.
type certificateCard struct {
	Cert     *certificates.Certificate
	About    certificates.Description
	LinkedIn string
	Verify   string
}

func (h *handler) cards(certs []*certificates.Certificate, l string) []certificateCard {
	out := make([]certificateCard, 0, len(certs))
	for _, c := range certs {
		out = append(out, certificateCard{Cert: c, About: h.Certificates.Describe(c, l), LinkedIn: h.Certificates.LinkedInURL(c, l),
			Verify: "/" + l + "/verify/" + c.Display()})
	}
	return out
}

func (h *handler) showMyCertificates(c *fiber.Ctx) error {
	certs, err := h.Certificates.ForOfficial(c.UserContext(), user(c).ID)
	if err != nil {
		return err
	}
	v := h.view(c, "cert.me.title")
	v.Data = h.cards(certs, v.Lang)
	return h.render(c, fiber.StatusOK, "me_certificates", v)
}

func (h *handler) showCertificate(c *fiber.Ctx) error {
	cert, err := h.ownCertificate(c)
	if err != nil {
		return err
	}
	v := h.view(c, "")
	v.Title = v.T("cert.pdf.title."+cert.Kind) + " · " + cert.TitleIn(v.Lang)
	v.Data = h.cards([]*certificates.Certificate{cert}, v.Lang)[0]
	return h.render(c, fiber.StatusOK, "certificate", v)
}

// myCertificatesSection adds the official's certificates to their profile page.
func (h *handler) myCertificatesSection(ctx context.Context, u *officials.Official, l string) (*meSection, error) {
	certs, err := h.Certificates.ForOfficial(ctx, u.ID)
	if err != nil || len(certs) == 0 {
		return nil, err
	}
	sec := &meSection{TitleKey: "cert.me.title"}
	for _, c := range certs {
		if c.Status == certificates.StatusSuperseded {
			continue
		}
		note := h.cat.T(l, "cert.issued_on", "date", i18n.FormatDate(l, c.IssuedAt))
		if c.Status == certificates.StatusRevoked {
			note = h.cat.T(l, "cert.status.revoked")
		}
		sec.Items = append(sec.Items, meItem{Label: h.cat.T(l, "cert.pdf.title."+c.Kind) + " · " + c.TitleIn(l),
			Href: fmt.Sprintf("/%s/certificates/%s", l, c.Display()), Note: note})
	}
	sec.Items = append(sec.Items, meItem{Label: h.cat.T(l, "cert.me.all"), Href: "/" + l + "/me/certificates"})
	return sec, nil
}

// escapeCode keeps a code typed by someone safe in a path.
func escapeCode(s string) string { return url.PathEscape(strings.TrimSpace(s)) }

package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

func (h *handler) apiCertificateRoutes(api fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	api.Get("/me/certificates", h.requireAPIUser, h.apiMyCertificates)
	api.Get("/certificates", staff, h.apiListCertificates)
	api.Post("/certificates", staff, h.apiIssueCertificate)
	api.Post("/certificates/jobs", staff, h.apiStartCertificateJob)
	api.Get("/certificates/jobs/:id", staff, h.apiCertificateJob)
	api.Get("/certificates/:code", h.requireAPIUser, h.apiGetCertificate)
	api.Post("/certificates/:code/revoke", staff, h.apiRevokeCertificate)
	api.Post("/certificates/:code/reissue", staff, h.apiReissueCertificate)
	api.Get("/verify/:code", noIndex, h.limitVerification, h.apiVerify)
	api.Get("/certificate-templates", staff, h.apiCertificateTemplates)
	api.Get("/certificate-templates/:id/versions", staff, h.apiCertificateTemplateVersions)
}

// certificateJSON is a certificate as the API gives it to its holder and staff, with the
// addresses of its files.
type certificateJSON struct {
	*certificates.Certificate
	Code       string `json:"code"`
	PDF        string `json:"pdf_url"`
	Credential string `json:"credential_url"`
	Verify     string `json:"verification_url"`
	LinkedIn   string `json:"linkedin_url"`
}

func (h *handler) certificateJSON(c *certificates.Certificate, l string) certificateJSON {
	base := h.Certificates.BaseURL() + "/certificates/" + c.Display()
	return certificateJSON{Certificate: c, Code: c.Display(), PDF: base + ".pdf", Credential: base + ".json",
		Verify: h.Certificates.VerifyURL(c.Code), LinkedIn: h.Certificates.LinkedInURL(c, l)}
}

func (h *handler) certificatesJSON(certs []*certificates.Certificate, l string) []certificateJSON {
	out := make([]certificateJSON, 0, len(certs))
	for _, c := range certs {
		out = append(out, h.certificateJSON(c, l))
	}
	return out
}

func (h *handler) apiMyCertificates(c *fiber.Ctx) error {
	certs, err := h.Certificates.ForOfficial(c.UserContext(), user(c).ID)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, h.certificatesJSON(certs, lang(c)))
}

func (h *handler) apiListCertificates(c *fiber.Ctx) error {
	limit := c.QueryInt("limit", 50)
	if limit < 1 || limit > 500 {
		limit = 50
	}
	f := certificates.Filter{Q: c.Query("q"), Kind: c.Query("kind"), Status: c.Query("status"), Course: c.Query("course"),
		WorkshopID: int64(c.QueryInt("workshop_id", 0)), Limit: limit, Offset: max(0, c.QueryInt("offset", 0))}
	items, total, err := h.Certificates.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, page[certificateJSON]{Items: h.certificatesJSON(items, lang(c)), Total: total, Limit: f.Limit, Offset: f.Offset})
}

// apiGetCertificate gives a certificate to its holder or to staff.
func (h *handler) apiGetCertificate(c *fiber.Ctx) error {
	cert, err := h.ownCertificate(c)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, h.certificateJSON(cert, lang(c)))
}

// issueBody is a hand issue as the API takes it: the official by id or e-mail.
type issueBody struct {
	certificates.HandIssue
	Email string `json:"email"`
}

func (h *handler) apiIssueCertificate(c *fiber.Ctx) error {
	var b issueBody
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	if b.OfficialID == 0 && strings.TrimSpace(b.Email) != "" {
		id, err := h.officialRef(c, b.Email)
		if err != nil {
			return err
		}
		b.OfficialID = id
	}
	cert, err := h.Certificates.IssueByHand(c.UserContext(), actor(c), b.HandIssue)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, h.certificateJSON(cert, lang(c)))
}

func (h *handler) apiRevokeCertificate(c *fiber.Ctx) error {
	var b struct {
		Reason string `json:"reason"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	cert, err := h.Certificates.Revoke(c.UserContext(), actor(c), c.Params("code"), b.Reason)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, h.certificateJSON(cert, lang(c)))
}

func (h *handler) apiReissueCertificate(c *fiber.Ctx) error {
	var b struct {
		NameAr    string `json:"name_ar"`
		NameLatin string `json:"name_latin"`
		Reason    string `json:"reason"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	cert, err := h.Certificates.Reissue(c.UserContext(), actor(c), c.Params("code"), b.NameAr, b.NameLatin, b.Reason)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, h.certificateJSON(cert, lang(c)))
}

func (h *handler) apiStartCertificateJob(c *fiber.Ctx) error {
	var b struct {
		WorkshopID int64 `json:"workshop_id"`
	}
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	if b.WorkshopID <= 0 {
		return problem.Fields{"workshop_id": "cert.field.workshop.required"}.Err()
	}
	id, err := h.Certificates.IssueWorkshopByID(c.UserContext(), actor(c), b.WorkshopID)
	if err != nil {
		return err
	}
	j, err := h.Certificates.Job(c.UserContext(), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, j)
}

func (h *handler) apiCertificateJob(c *fiber.Ctx) error {
	j, err := h.certificateJob(c)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, j)
}

// apiCertificateTemplates lists the certificate templates with their latest versions.
func (h *handler) apiCertificateTemplates(c *fiber.Ctx) error {
	ts, err := h.Certificates.Templates(c.UserContext())
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []certificates.Template{}
	}
	return data(c, fiber.StatusOK, ts)
}

// apiCertificateTemplateVersions lists a template's versions, newest first: what each
// said, who saved it and when.
func (h *handler) apiCertificateTemplateVersions(c *fiber.Ctx) error {
	id, err := h.templateID(c)
	if err != nil {
		return err
	}
	if _, err := h.Certificates.Template(c.UserContext(), id); err != nil {
		return err
	}
	vs, err := h.Certificates.TemplateVersions(c.UserContext(), id)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, vs)
}

// apiVerify is the public verification in JSON: 404 not_found for a code that no
// certificate has, 404 code_mistyped when its check symbol shows a typing mistake.
func (h *handler) apiVerify(c *fiber.Ctx) error {
	canon, p := certificates.ParseCode(typedCode(c))
	if p == certificates.CodeMistyped {
		return problem.New(fiber.StatusNotFound, "code_mistyped", "cert.verify.mistyped")
	}
	if p != certificates.CodeOK {
		return problem.New(fiber.StatusNotFound, "not_found", "cert.verify.not_found")
	}
	cert, err := h.Certificates.Get(c.UserContext(), canon)
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(fiber.StatusNotFound, "not_found", "cert.verify.not_found")
	}
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, h.Certificates.Verify(cert))
}

// The certificates' schemas in the OpenAPI document.
var (
	schemaStr      = map[string]any{"type": "string"}
	schemaDateTime = map[string]any{"type": "string", "format": "date-time"}
	schemaFileURL  = map[string]string{"type": "string", "format": "uri",
		"description": "a file of the certificate (.pdf; .png, .jwt, .json next to it): send the same Authorization: Bearer header as to the API"}
	schemaLangMap = map[string]any{"type": "object", "description": "texts keyed by language (ar, en, fr)", "additionalProperties": schemaStr}

	schemaCertificate = map[string]any{"type": "object", "properties": map[string]any{
		"code": map[string]any{"type": "string", "description": "grouped for reading, e.g. 7K3M-9QXD-2B4T-F; accepted in any case, with or without dashes"},
		"kind": map[string]any{"type": "string", "enum": []string{"course", "workshop"}}, "official_id": map[string]any{"type": "integer"},
		"course": schemaStr, "workshop_id": map[string]any{"type": "integer"},
		"name_ar": schemaStr, "name_latin": schemaStr, "title": schemaLangMap, "hours": map[string]any{"type": "number"},
		"start_date": map[string]any{"type": "string", "format": "date"}, "end_date": map[string]any{"type": "string", "format": "date"},
		"host_country": schemaStr, "host_country_name": schemaLangMap, "city": schemaStr,
		"issued_at": schemaDateTime, "reason": schemaStr,
		"status":     map[string]any{"type": "string", "enum": []string{"valid", "revoked", "superseded"}},
		"revoked_at": schemaDateTime, "revoke_reason": schemaStr, "superseded_at": schemaDateTime, "superseded_by": schemaStr, "supersedes": schemaStr,
		"pdf_sha256": schemaStr, "pdf_url": schemaFileURL, "credential_url": schemaFileURL, "verification_url": schemaStr, "linkedin_url": schemaStr,
		"template_id":      map[string]any{"type": "integer", "description": "the certificate template it was issued with; absent for certificates issued before templates (the built-in design)"},
		"template_version": map[string]any{"type": "integer", "description": "the version of that template it was issued with, and re-renders with"},
	}}
	schemaTexts                   = map[string]any{"type": "object", "properties": map[string]any{"ar": schemaStr, "en": schemaStr, "fr": schemaStr}}
	schemaCertificateTemplateBody = map[string]any{"type": "object", "properties": map[string]any{
		"name": schemaStr, "issuer": schemaTexts, "wording_course": schemaTexts, "wording_workshop": schemaTexts,
		"signatories": map[string]any{"type": "array", "maxItems": certificates.MaxSignatories, "items": map[string]any{"type": "object", "properties": map[string]any{
			"name": schemaTexts, "title": schemaTexts, "signature": map[string]any{"type": "string", "description": "SHA-256 of the signature image"}}}},
		"logos": map[string]any{"type": "array", "maxItems": certificates.MaxLogos, "items": map[string]any{"type": "string", "description": "SHA-256 of the logo image"}},
	}}
	schemaCertificateTemplateVersion = map[string]any{"type": "object", "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "template_id": map[string]any{"type": "integer"}, "version": map[string]any{"type": "integer"},
		"content": schemaCertificateTemplateBody, "saved_by": schemaStr, "saved_at": schemaDateTime}}
	schemaCertificateTemplate = map[string]any{"type": "object", "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "default": map[string]any{"type": "boolean"}, "latest": schemaCertificateTemplateVersion}}
	schemaCertificateIssue = map[string]any{"type": "object", "required": []string{"kind", "reason"}, "properties": map[string]any{
		"official_id": map[string]any{"type": "integer"}, "email": map[string]any{"type": "string", "description": "instead of official_id"},
		"kind":   map[string]any{"type": "string", "enum": []string{"course", "workshop"}},
		"course": schemaStr, "workshop_id": map[string]any{"type": "integer"}, "reason": schemaStr,
	}}
	schemaCertificateRevoke  = map[string]any{"type": "object", "required": []string{"reason"}, "properties": map[string]any{"reason": schemaStr}}
	schemaCertificateReissue = map[string]any{"type": "object", "required": []string{"reason"}, "properties": map[string]any{
		"name_ar": schemaStr, "name_latin": schemaStr, "reason": schemaStr}}
	schemaCertificateJobStart = map[string]any{"type": "object", "required": []string{"workshop_id"}, "properties": map[string]any{"workshop_id": map[string]any{"type": "integer"}}}
	schemaCertificateJob      = map[string]any{"type": "object", "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "workshop_id": map[string]any{"type": "integer"}, "title": schemaLangMap,
		"total": map[string]any{"type": "integer"}, "done": map[string]any{"type": "integer"}, "issued": map[string]any{"type": "integer"},
		"failed": map[string]any{"type": "integer"}, "status": map[string]any{"type": "string", "enum": []string{"running", "finished", "interrupted"}},
		"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"official_id": map[string]any{"type": "integer"}, "message_key": schemaStr}}},
		"created_at": schemaDateTime, "finished_at": schemaDateTime,
	}}
	schemaVerification = map[string]any{"type": "object", "properties": map[string]any{
		"code": schemaStr, "status": map[string]any{"type": "string", "enum": []string{"valid", "revoked", "superseded"}},
		"kind": map[string]any{"type": "string", "enum": []string{certificates.KindCourse, certificates.KindWorkshop}}, "name_ar": schemaStr, "name_latin": schemaStr, "title": schemaLangMap, "hours": map[string]any{"type": "number"},
		"start_date": schemaStr, "end_date": schemaStr, "host_country": schemaStr, "host_country_name": schemaLangMap, "city": schemaStr,
		"issued_at": schemaDateTime, "issuer": map[string]any{"type": "object", "additionalProperties": schemaStr},
		"pdf_sha256": map[string]any{"type": "string", "description": "SHA-256 of the PDF as issued, in hex"},
		"revoked_at": schemaDateTime, "revoke_reason": schemaStr, "superseded_at": schemaDateTime, "superseded_by": schemaStr, "supersedes": schemaStr,
		"verification_url": schemaStr,
	}}
)

// schemaPage is a page of items of a schema.
func schemaPage(item string) map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": ref(item)},
		"total": map[string]any{"type": "integer"}, "limit": map[string]any{"type": "integer"}, "offset": map[string]any{"type": "integer"}}}
}

package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/problem"
)

// certificateTemplateRoutes registers the staff's editor of certificate templates: the
// list with each course's or workshop's choice, the editor with its preview, the version
// history, the default.
// adm is the staff's certificate group (/admin/certificates), whose role checks apply; it
// registers these before that group's /:code routes, so "templates" is never read as a code.
func (h *handler) certificateTemplateRoutes(adm fiber.Router) {
	tpl := adm.Group("/templates")
	tpl.Get("/", h.listCertificateTemplates)
	tpl.Post("/uses", h.assignCertificateTemplate)
	tpl.Post("/preview", h.previewCertificateTemplate)
	tpl.Get("/new", h.showCertificateTemplate)
	tpl.Post("/new", h.saveCertificateTemplate)
	tpl.Get("/:id", h.showCertificateTemplate)
	tpl.Post("/:id", h.saveCertificateTemplate)
	tpl.Post("/:id/default", h.makeDefaultCertificateTemplate)
}

// templateFormFields are the editor's text fields.
var templateFormFields = []string{"name", "issuer_ar", "issuer_en", "issuer_fr",
	"wording_course_ar", "wording_course_en", "wording_course_fr", "wording_workshop_ar", "wording_workshop_en", "wording_workshop_fr",
	"sig1_name_ar", "sig1_name_en", "sig1_name_fr", "sig1_title_ar", "sig1_title_en", "sig1_title_fr", "sig1_signature_keep",
	"sig2_name_ar", "sig2_name_en", "sig2_name_fr", "sig2_title_ar", "sig2_title_en", "sig2_title_fr", "sig2_signature_keep",
	"logo1_keep", "logo2_keep", "logo3_keep", "preview_pair", "preview_kind", "action",
	"sig1_signature_remove", "sig2_signature_remove", "logo1_remove", "logo2_remove", "logo3_remove"}

// templateImageFields are the editor's file fields: the signatures, then the logos.
var templateImageFields = []string{"sig1_signature", "sig2_signature", "logo1", "logo2", "logo3"}

var shaRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

type templateListData struct {
	Templates []certificates.Template
	Uses      []certificates.TemplateUse
	Courses   []*courses.Course
	Names     map[int64]string
}

func (h *handler) listCertificateTemplates(c *fiber.Ctx) error {
	return h.templateList(c, fiber.StatusOK, map[string]string{"kind": certificates.KindCourse}, nil)
}

func (h *handler) templateList(c *fiber.Ctx, status int, form, errs map[string]string) error {
	ctx := c.UserContext()
	ts, err := h.Certificates.Templates(ctx)
	if err != nil {
		return err
	}
	uses, err := h.Certificates.TemplateUses(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, t := range ts {
		names[t.ID] = t.Latest.Content.Name
	}
	v := h.view(c, "cert.tpl.title")
	v.Form, v.Errors = form, errs
	v.Data = templateListData{Templates: ts, Uses: uses, Courses: h.Library.Catalogue().Courses(), Names: names}
	return h.render(c, status, "admin_certificate_templates", v)
}

func (h *handler) assignCertificateTemplate(c *fiber.Ctx) error {
	form := typed(c, "kind", "course", "workshop_id", "template_id", "wording_ar", "wording_en", "wording_fr")
	u := certificates.TemplateUse{Kind: form["kind"], Course: form["course"],
		Wording: certificates.Texts{Ar: form["wording_ar"], En: form["wording_en"], Fr: form["wording_fr"]}}
	u.WorkshopID, _ = strconv.ParseInt(strings.TrimSpace(form["workshop_id"]), 10, 64)
	u.TemplateID, _ = strconv.ParseInt(form["template_id"], 10, 64)
	err := h.Certificates.AssignTemplate(c.UserContext(), actor(c), u)
	if err == nil {
		h.setFlash(c, "cert.tpl.uses.assigned")
		return c.Redirect("/"+lang(c)+"/admin/certificates/templates", fiber.StatusSeeOther)
	}
	fields, _, status, ok := formError(err)
	if !ok {
		return err
	}
	return h.templateList(c, status, form, fields)
}

// templateEditData is what the editor shows.
type templateEditData struct {
	ID        int64
	Default   bool
	Version   int
	History   []certificates.TemplateVersion
	Preview   template.URL            // a data: URL of the preview PNG, after the Preview button
	ImageErrs map[string]string       // a refused upload's message, naming the file, by field
	Thumbs    map[string]template.URL // the kept images as data: URLs (made here, base64), by field
	Sigs      []int                   // 1…MaxSignatories
	Logos     []int                   // 1…MaxLogos
}

func (h *handler) templateID(c *fiber.Ctx) (int64, error) {
	if c.Params("id") == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.NotFound
	}
	return id, nil
}

func (h *handler) showCertificateTemplate(c *fiber.Ctx) error {
	id, err := h.templateID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	content := certificates.TemplateContent{Issuer: h.Certificates.DefaultIssuer()}
	d := templateEditData{ID: id}
	if id != 0 {
		t, err := h.Certificates.Template(ctx, id)
		if err != nil {
			return err
		}
		content, d.Default, d.Version = t.Latest.Content, t.Default, t.Latest.Version
	}
	return h.templateEditor(c, fiber.StatusOK, d, formOfContent(content), nil, "")
}

func (h *handler) templateEditor(c *fiber.Ctx, status int, d templateEditData, form, errs map[string]string, key string) error {
	if d.ID != 0 {
		hist, err := h.Certificates.TemplateVersions(c.UserContext(), d.ID)
		if err != nil {
			return err
		}
		d.History = hist
		t, err := h.Certificates.Template(c.UserContext(), d.ID)
		if err != nil {
			return err
		}
		d.Default, d.Version = t.Default, t.Latest.Version
	}
	d.Thumbs = map[string]template.URL{}
	for _, f := range templateImageFields {
		sha := form[f+"_keep"]
		if !shaRe.MatchString(sha) {
			continue
		}
		data, format, err := h.Certificates.Image(c.UserContext(), sha)
		if err != nil {
			continue // shown as missing; saving says so next to the field
		}
		mime := "image/png"
		if format == certificates.FormatSVG {
			mime = "image/svg+xml"
		}
		d.Thumbs[f] = template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)) //nolint:gosec // our own base64 of a checked image
	}
	for i := 1; i <= certificates.MaxSignatories; i++ {
		d.Sigs = append(d.Sigs, i)
	}
	for i := 1; i <= certificates.MaxLogos; i++ {
		d.Logos = append(d.Logos, i)
	}
	title := "cert.tpl.new"
	if d.ID != 0 {
		title = "cert.tpl.edit"
	}
	v := h.view(c, title)
	v.Form, v.Errors, v.ErrorKey = form, errs, key
	if len(d.ImageErrs) > 0 && key == "" && len(errs) == 0 {
		v.ErrorKey = "error.validation"
	}
	v.Data = d
	return h.render(c, status, "admin_certificate_template", v)
}

// formOfContent is a template's content as the editor's fields.
func formOfContent(t certificates.TemplateContent) map[string]string {
	f := map[string]string{"name": t.Name, "preview_pair": "fr", "preview_kind": certificates.KindCourse}
	put := func(prefix string, x certificates.Texts) {
		f[prefix+"_ar"], f[prefix+"_en"], f[prefix+"_fr"] = x.Ar, x.En, x.Fr
	}
	put("issuer", t.Issuer)
	put("wording_course", t.WordingCourse)
	put("wording_workshop", t.WordingWorkshop)
	for i, s := range t.Signatories {
		p := "sig" + strconv.Itoa(i+1)
		put(p+"_name", s.Name)
		put(p+"_title", s.Title)
		f[p+"_signature_keep"] = s.Signature
	}
	for i, l := range t.Logos {
		f["logo"+strconv.Itoa(i+1)+"_keep"] = l
	}
	return f
}

// contentOfForm reads the editor: the texts, and the images — a new upload (checked and
// kept), else the one kept from before unless removed. Refused uploads are returned as
// messages naming the file, by field.
func (h *handler) contentOfForm(c *fiber.Ctx) (certificates.TemplateContent, map[string]string, map[string]string, error) {
	form := map[string]string{}
	for _, f := range templateFormFields {
		form[f] = c.FormValue(f)
	}
	texts := func(prefix string) certificates.Texts {
		return certificates.Texts{Ar: form[prefix+"_ar"], En: form[prefix+"_en"], Fr: form[prefix+"_fr"]}
	}
	imgErrs := map[string]string{}
	image := func(field string) (string, error) {
		keep := form[field+"_keep"]
		if !shaRe.MatchString(keep) || c.FormValue(field+"_remove") != "" {
			keep = ""
		}
		fh, err := c.FormFile(field)
		if err != nil || fh.Size == 0 {
			return keep, nil
		}
		if fh.Size > certificates.MaxImageBytes {
			imgErrs[field] = h.cat.T(lang(c), "cert.tpl.image.too_large", "file", fh.Filename, "limit", certificates.MaxImageBytes>>10)
			return keep, nil
		}
		f, err := fh.Open()
		if err != nil {
			return "", err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, certificates.MaxImageBytes+1))
		if err != nil {
			return "", err
		}
		sha, err := h.Certificates.PutImage(c.UserContext(), strings.Clone(fh.Filename), data)
		if p, ok := problem.As(err); ok && p.Status < 500 {
			imgErrs[field] = h.cat.T(lang(c), p.Key, p.Args...)
			return keep, nil
		}
		if err != nil {
			return "", err
		}
		form[field+"_keep"] = sha
		return sha, nil
	}
	t := certificates.TemplateContent{Name: form["name"], Issuer: texts("issuer"),
		WordingCourse: texts("wording_course"), WordingWorkshop: texts("wording_workshop")}
	for i := 1; i <= certificates.MaxSignatories; i++ {
		p := "sig" + strconv.Itoa(i)
		sig, err := image(p + "_signature")
		if err != nil {
			return t, form, imgErrs, err
		}
		s := certificates.Signatory{Name: texts(p + "_name"), Title: texts(p + "_title"), Signature: sig}
		if s.Name.Empty() && s.Title.Empty() && sig == "" {
			continue
		}
		t.Signatories = append(t.Signatories, s)
	}
	for i := 1; i <= certificates.MaxLogos; i++ {
		l, err := image("logo" + strconv.Itoa(i))
		if err != nil {
			return t, form, imgErrs, err
		}
		if l != "" {
			t.Logos = append(t.Logos, l)
		}
	}
	return t, form, imgErrs, nil
}

func (h *handler) saveCertificateTemplate(c *fiber.Ctx) error {
	id, err := h.templateID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if id != 0 {
		if _, err := h.Certificates.Template(ctx, id); err != nil {
			return err
		}
	}
	content, form, imgErrs, err := h.contentOfForm(c)
	if err != nil {
		return err
	}
	d := templateEditData{ID: id, ImageErrs: imgErrs}
	if form["action"] == "preview" {
		png, err := h.Certificates.Preview(ctx, content, form["preview_kind"], form["preview_pair"], false, 60)
		if err != nil {
			return err
		}
		d.Preview = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)) //nolint:gosec // our own PNG
		return h.templateEditor(c, fiber.StatusOK, d, form, nil, "")
	}
	if len(imgErrs) > 0 {
		return h.templateEditor(c, fiber.StatusUnprocessableEntity, d, form, nil, "")
	}
	v, err := h.Certificates.SaveTemplate(ctx, actor(c), id, content)
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		return h.templateEditor(c, status, d, form, fields, key)
	}
	h.setFlash(c, "cert.tpl.saved")
	return c.Redirect("/"+lang(c)+"/admin/certificates/templates/"+strconv.FormatInt(v.TemplateID, 10), fiber.StatusSeeOther)
}

// previewCertificateTemplate draws the editor's current values as a certificate: a PNG for
// the page's live preview, or the PDF (format=pdf).
func (h *handler) previewCertificateTemplate(c *fiber.Ctx) error {
	content, form, imgErrs, err := h.contentOfForm(c)
	if err != nil {
		return err
	}
	if len(imgErrs) > 0 {
		for _, msg := range imgErrs {
			return c.Status(fiber.StatusUnprocessableEntity).SendString(msg)
		}
	}
	asPDF := c.Query("format") == "pdf"
	b, err := h.Certificates.Preview(c.UserContext(), content, form["preview_kind"], form["preview_pair"], asPDF, 60)
	if errors.Is(err, certificates.ErrNoTemplate) {
		return problem.NotFound
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if asPDF {
		c.Set(fiber.HeaderContentType, "application/pdf")
	} else {
		c.Set(fiber.HeaderContentType, "image/png")
	}
	return c.Send(b)
}

func (h *handler) makeDefaultCertificateTemplate(c *fiber.Ctx) error {
	id, err := h.templateID(c)
	if err != nil {
		return err
	}
	if err := h.Certificates.SetDefaultTemplate(c.UserContext(), actor(c), id); err != nil {
		if errors.Is(err, certificates.ErrNoTemplate) {
			return problem.NotFound
		}
		return err
	}
	h.setFlash(c, "cert.tpl.default_set")
	return c.Redirect("/"+lang(c)+"/admin/certificates/templates/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

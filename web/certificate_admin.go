package web

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// certificateAdminRoutes registers the staff's pages: the list, issuing by hand, revoking,
// reissuing, and issuing a workshop's certificates in bulk.
func (h *handler) certificateAdminRoutes(g fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	adm := g.Group("/admin/certificates", h.requireLogin, staff)
	adm.Get("/", h.listCertificates)
	adm.Get("/new", h.showIssueCertificate)
	adm.Post("/new", h.issueCertificate)
	adm.Post("/workshops", h.issueWorkshopCertificates)
	adm.Get("/jobs/:id", h.showCertificateJob)
	adm.Get("/jobs/:id/certificates.zip", h.downloadCertificateJob)
	h.certificateTemplateRoutes(adm)
	adm.Get("/:code", h.showAdminCertificate)
	adm.Post("/:code/revoke", h.revokeCertificate)
	adm.Post("/:code/reissue", h.reissueCertificate)
}

type certificateListData struct {
	Items  []*certificates.Certificate
	Total  int
	Q      string
	Kind   string
	Status string
	Page   int
	Pages  int
	Jobs   []*certificates.Job
}

func (h *handler) listCertificates(c *fiber.Ctx) error {
	const per = 50
	page := max(1, c.QueryInt("page", 1))
	f := certificates.Filter{Q: c.Query("q"), Kind: c.Query("kind"), Status: c.Query("status"), Limit: per, Offset: (page - 1) * per}
	if f.Kind != certificates.KindCourse && f.Kind != certificates.KindWorkshop {
		f.Kind = ""
	}
	switch f.Status {
	case certificates.StatusValid, certificates.StatusRevoked, certificates.StatusSuperseded:
	default:
		f.Status = ""
	}
	items, total, err := h.Certificates.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	jobs, err := h.Certificates.Jobs(c.UserContext(), 5)
	if err != nil {
		return err
	}
	v := h.view(c, "cert.admin.title")
	v.Data = certificateListData{Items: items, Total: total, Q: f.Q, Kind: f.Kind, Status: f.Status, Page: page,
		Pages: (total + per - 1) / per, Jobs: jobs}
	return h.render(c, fiber.StatusOK, "admin_certificates", v)
}

// issueFormData is what the hand-issuing form needs.
type issueFormData struct {
	Courses  []*courses.Course
	Conflict string // the message naming the certificate the official already holds
}

func (h *handler) issueForm(c *fiber.Ctx, status int, form map[string]string, errs map[string]string, key, conflict string) error {
	v := h.view(c, "cert.admin.new.title")
	v.Form, v.Errors, v.ErrorKey = form, errs, key
	v.Data = issueFormData{Courses: h.Library.Catalogue().Courses(), Conflict: conflict}
	return h.render(c, status, "admin_certificate_new", v)
}

func (h *handler) showIssueCertificate(c *fiber.Ctx) error {
	form := map[string]string{"kind": certificates.KindCourse, "official": c.Query("official")}
	return h.issueForm(c, fiber.StatusOK, form, nil, "", "")
}

// officialRef finds the account a staff member typed: an e-mail or an account number.
func (h *handler) officialRef(c *fiber.Ctx, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, problem.Fields{"official": "cert.field.official.required"}.Err()
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64); err == nil && id > 0 {
		return id, nil
	}
	o, err := h.Officials.GetByEmail(c.UserContext(), s)
	if errors.Is(err, store.ErrNotFound) {
		return 0, problem.Fields{"official": "cert.field.official.unknown"}.Err()
	}
	if err != nil {
		return 0, err
	}
	return o.ID, nil
}

func (h *handler) issueCertificate(c *fiber.Ctx) error {
	form := typed(c, "official", "kind", "course", "workshop_id", "reason")
	in := certificates.HandIssue{Kind: form["kind"], Course: form["course"], Reason: form["reason"]}
	in.WorkshopID, _ = strconv.ParseInt(strings.TrimSpace(form["workshop_id"]), 10, 64)
	id, err := h.officialRef(c, form["official"])
	if err == nil {
		in.OfficialID = id
		var cert *certificates.Certificate
		cert, err = h.Certificates.IssueByHand(c.UserContext(), actor(c), in)
		if err == nil {
			h.setFlash(c, "cert.flash.issued")
			return c.Redirect("/"+lang(c)+"/admin/certificates/"+cert.Display(), fiber.StatusSeeOther)
		}
	}
	fields, key, status, ok := formError(err)
	if !ok {
		return err
	}
	if p, isP := problem.As(err); isP && p.Code == "already_issued" {
		return h.issueForm(c, status, form, nil, "", h.cat.T(lang(c), p.Key, p.Args...))
	}
	return h.issueForm(c, status, form, fields, key, "")
}

// adminCertificateData is a certificate as staff see it.
type adminCertificateData struct {
	Cert   *certificates.Certificate
	About  certificates.Description
	Holder *officials.Official // nil when the account is gone
}

func (h *handler) adminCertificate(c *fiber.Ctx) (adminCertificateData, error) {
	cert, err := h.Certificates.Get(c.UserContext(), c.Params("code"))
	if err != nil {
		return adminCertificateData{}, err
	}
	d := adminCertificateData{Cert: cert, About: h.Certificates.Describe(cert, lang(c))}
	if o, err := h.Officials.Get(c.UserContext(), cert.OfficialID); err == nil && o.DeletedAt == nil {
		d.Holder = o
	}
	return d, nil
}

func (h *handler) renderAdminCertificate(c *fiber.Ctx, status int, d adminCertificateData, form, errs map[string]string, key string) error {
	v := h.view(c, "")
	v.Title = v.T("cert.admin.certificate") + " " + d.Cert.Display()
	if form == nil {
		form = map[string]string{"name_ar": d.Cert.NameAr, "name_latin": d.Cert.NameLatin}
		if d.Holder != nil {
			// Offer the names as the profile has them now: a correction is usually made there first.
			form["name_ar"], form["name_latin"] = d.Holder.NameAr, d.Holder.NameLatin
		}
	}
	v.Form, v.Errors, v.ErrorKey, v.Data = form, errs, key, d
	return h.render(c, status, "admin_certificate", v)
}

func (h *handler) showAdminCertificate(c *fiber.Ctx) error {
	d, err := h.adminCertificate(c)
	if err != nil {
		return err
	}
	return h.renderAdminCertificate(c, fiber.StatusOK, d, nil, nil, "")
}

func (h *handler) revokeCertificate(c *fiber.Ctx) error {
	d, err := h.adminCertificate(c)
	if err != nil {
		return err
	}
	form := typed(c, "reason")
	if _, err := h.Certificates.Revoke(c.UserContext(), actor(c), d.Cert.Code, form["reason"]); err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		renamed := map[string]string{}
		for f, k := range fields {
			renamed["revoke_"+f] = k
		}
		form["revoke_reason"] = form["reason"]
		form["name_ar"], form["name_latin"] = d.Cert.NameAr, d.Cert.NameLatin
		return h.renderAdminCertificate(c, status, d, form, renamed, key)
	}
	h.setFlash(c, "cert.flash.revoked")
	return c.Redirect("/"+lang(c)+"/admin/certificates/"+d.Cert.Display(), fiber.StatusSeeOther)
}

func (h *handler) reissueCertificate(c *fiber.Ctx) error {
	d, err := h.adminCertificate(c)
	if err != nil {
		return err
	}
	form := typed(c, "name_ar", "name_latin", "reason")
	cert, err := h.Certificates.Reissue(c.UserContext(), actor(c), d.Cert.Code, form["name_ar"], form["name_latin"], form["reason"])
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		return h.renderAdminCertificate(c, status, d, form, fields, key)
	}
	h.setFlash(c, "cert.flash.reissued")
	return c.Redirect("/"+lang(c)+"/admin/certificates/"+cert.Display(), fiber.StatusSeeOther)
}

// issueWorkshopCertificates starts issuing a workshop's certificates in the background.
func (h *handler) issueWorkshopCertificates(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("workshop_id")), 10, 64)
	if err != nil || id <= 0 {
		return problem.Fields{"workshop_id": "cert.field.workshop.required"}.Err()
	}
	job, err := h.Certificates.IssueWorkshopByID(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/%s/admin/certificates/jobs/%d", lang(c), job), fiber.StatusSeeOther)
}

func (h *handler) certificateJob(c *fiber.Ctx) (*certificates.Job, error) {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return nil, err
	}
	return h.Certificates.Job(c.UserContext(), id)
}

// showCertificateJob shows a bulk job's progress; while it runs the page reloads itself
// every two seconds (a Refresh header: no script needed).
func (h *handler) showCertificateJob(c *fiber.Ctx) error {
	j, err := h.certificateJob(c)
	if err != nil {
		return err
	}
	if j.Running() {
		c.Set("Refresh", "2")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	v := h.view(c, "cert.job.title")
	v.Data = j
	return h.render(c, fiber.StatusOK, "admin_certificate_job", v)
}

// downloadCertificateJob sends the workshop's certificates in one ZIP.
func (h *handler) downloadCertificateJob(c *fiber.Ctx) error {
	j, err := h.certificateJob(c)
	if err != nil {
		return err
	}
	if j.Running() {
		return problem.New(fiber.StatusConflict, "job_running", "cert.job.still_running")
	}
	var buf bytes.Buffer
	if _, err := h.Certificates.WriteWorkshopZIP(c.UserContext(), &buf, j.WorkshopID); err != nil {
		return err
	}
	return sendAttachment(c, "application/zip", fmt.Sprintf("certificates-workshop-%d-%s.zip", j.WorkshopID, time.Now().UTC().Format("2006-01-02")), buf.Bytes())
}

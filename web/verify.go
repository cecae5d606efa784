package web

import (
	"errors"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// limitVerification keeps anyone from trying codes in bulk: so many verifications a minute
// per client address, pages and API alike.
func (h *handler) limitVerification(c *fiber.Ctx) error {
	if ip := h.clientIP(c); !h.verifyIP.allow(ip) {
		return tooManyRequests(c, h.verifyIP.retryAfter(ip))
	}
	return c.Next()
}

// verifyData is what the verification page shows.
type verifyData struct {
	Typed    string // the code as typed
	Problem  string // message key when there is no certificate to show
	Cert     *certificates.Certificate
	About    certificates.Description
	V        certificates.Verification
	Upload   *uploadResult
	MaxBytes int
}

// uploadResult is the answer to "is this file the one issued?".
type uploadResult struct {
	Match    bool
	SHA256   string
	Filename string
}

func (h *handler) showVerifyForm(c *fiber.Ctx) error {
	if code := strings.TrimSpace(c.Query("code")); code != "" {
		return c.Redirect("/"+lang(c)+"/verify/"+verifyPath(code), fiber.StatusSeeOther)
	}
	v := h.view(c, "cert.verify.title")
	v.Data = verifyData{}
	return h.render(c, fiber.StatusOK, "verify", v)
}

// verifyPath is the path segment a typed code is verified at: the code grouped for reading
// when it reads as one (whatever spaces, dashes, case or digits it was typed with), or what
// was typed, escaped, so that the page can say what is wrong with it.
func verifyPath(typed string) string {
	if canon, p := certificates.ParseCode(typed); p == certificates.CodeOK {
		return certificates.FormatCode(canon)
	}
	return escapeCode(typed)
}

// typedCode is the code in the path as the visitor typed it (unescaped).
func typedCode(c *fiber.Ctx) string {
	raw := c.Params("code")
	if s, err := url.PathUnescape(raw); err == nil {
		return s
	}
	return raw
}

// lookUp finds the certificate of a typed code, or says why there is none.
func (h *handler) lookUp(c *fiber.Ctx) (verifyData, int, error) {
	typed := typedCode(c)
	d := verifyData{Typed: typed, MaxBytes: certificates.MaxUploadBytes >> 20}
	canon, p := certificates.ParseCode(typed)
	switch p {
	case certificates.CodeMalformed:
		d.Problem = "cert.verify.malformed"
		return d, fiber.StatusNotFound, nil
	case certificates.CodeMistyped:
		d.Problem = "cert.verify.mistyped"
		return d, fiber.StatusNotFound, nil
	}
	cert, err := h.Certificates.Get(c.UserContext(), canon)
	if errors.Is(err, store.ErrNotFound) {
		d.Problem = "cert.verify.not_found"
		return d, fiber.StatusNotFound, nil
	}
	if err != nil {
		return d, 0, err
	}
	d.Cert, d.V, d.About = cert, h.Certificates.Verify(cert), h.Certificates.Describe(cert, lang(c))
	d.Typed = cert.Display()
	return d, fiber.StatusOK, nil
}

func (h *handler) showVerification(c *fiber.Ctx) error {
	// A code typed another way than its canonical or grouped form (spaces, other dashes,
	// lower case, Arabic digits) moves to the address of its grouped form.
	typed := typedCode(c)
	if canon, p := certificates.ParseCode(typed); p == certificates.CodeOK && typed != canon && typed != certificates.FormatCode(canon) {
		return c.Redirect("/"+lang(c)+"/verify/"+certificates.FormatCode(canon), fiber.StatusFound)
	}
	d, status, err := h.lookUp(c)
	if err != nil {
		return err
	}
	v := h.view(c, "cert.verify.title")
	v.Data = d
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, status, "verify", v)
}

// compareUpload tells whether an uploaded file is, byte for byte, the PDF issued.
func (h *handler) compareUpload(c *fiber.Ctx) error {
	d, status, err := h.lookUp(c)
	if err != nil {
		return err
	}
	v := h.view(c, "cert.verify.title")
	if d.Cert == nil {
		v.Data = d
		return h.render(c, status, "verify", v)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		v.Errors = map[string]string{"file": "cert.field.file.required"}
		v.Data = d
		return h.render(c, fiber.StatusUnprocessableEntity, "verify", v)
	}
	data, err := readUpload(fh, certificates.MaxUploadBytes)
	if err == nil {
		// A file that is not a PDF gets that message and nothing else: no verdict, no hash.
		var res uploadResult
		if res.Match, res.SHA256, err = certificates.MatchesPDF(d.Cert, data); err == nil {
			res.Filename = i18n.StripBidi(fh.Filename)
			d.Upload = &res
		}
	}
	if err != nil {
		fields, _, st, ok := formError(err)
		if !ok {
			return err
		}
		if p, isP := problem.As(err); isP {
			v.ErrArgs = p.Args
		}
		v.Errors = fields
		v.Data = d
		return h.render(c, st, "verify", v)
	}
	v.Data = d
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, fiber.StatusOK, "verify", v)
}

// errTooLarge is the 413 for a file over the limit, named in the message.
func errTooLarge(name string, limit int64) error {
	return &problem.Error{Status: fiber.StatusRequestEntityTooLarge, Code: "file_too_large", Key: "error.validation",
		Args: []any{"name", i18n.StripBidi(name), "mb", limit >> 20}, Fields: map[string]string{"file": "cert.field.file.too_large"}}
}

// readUpload reads an uploaded file, refusing one larger than limit.
func readUpload(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	b, _, err := readFormFile(fh, limit, errTooLarge(fh.Filename, limit))
	return b, err
}

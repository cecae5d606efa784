package web

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/i18n"
)

// identity is who runs the platform, as the header, the footer, the contact page and the
// web app manifest name it: the issuer's name and logo (configurable) and the programme's
// contact address.
type identity struct {
	names   map[string]string // by language; nil: the catalogue's default issuer
	logo    string            // URL of the logo under /static/
	url     string            // the issuer's web site, or ""
	contact string            // the programme's address, or ""
}

// newIdentity reads the issuer's settings; a configured logo file is added to the static
// files (and so fingerprinted and cached like them).
func newIdentity(cfg config.Config, as *assets) (*identity, error) {
	names, err := cfg.IssuerNames()
	if err != nil {
		return nil, err
	}
	id := &identity{names: names, url: cfg.IssuerURL, contact: cfg.ContactEmail, logo: as.url("logo.svg")}
	if cfg.IssuerLogo != "" {
		b, err := os.ReadFile(cfg.IssuerLogo)
		if err != nil {
			return nil, fmt.Errorf("web: issuer logo: %w", err)
		}
		f := as.add("issuer-logo"+strings.ToLower(filepath.Ext(cfg.IssuerLogo)), b)
		id.logo = "/static/" + f.hashed
	}
	return id, nil
}

// IssuerName is the name of the organisation that runs the platform and issues its
// certificates, in the page's language.
func (v *View) IssuerName() string {
	if v.identity != nil && v.identity.names != nil {
		return v.identity.names[v.Lang]
	}
	return v.T("cert.tpl.issuer.default")
}

// IssuerLogo is the URL of the issuer's logo.
func (v *View) IssuerLogo() string {
	if v.identity == nil {
		return "/static/logo.svg"
	}
	return v.identity.logo
}

// IssuerURL is the issuer's web site ("" when not configured).
func (v *View) IssuerURL() string {
	if v.identity == nil {
		return ""
	}
	return v.identity.url
}

// ContactEmail is the programme's contact address ("" when not configured).
func (v *View) ContactEmail() string {
	if v.identity == nil {
		return ""
	}
	return v.identity.contact
}

// siteRoutes are the pages every visitor reaches from the footer, and the web app manifest.
func (h *handler) siteRoutes(g fiber.Router) {
	// The accessibility statement: what the platform does for people who read right to left,
	// use a keyboard or a screen reader, or browse without JavaScript, what it does not do
	// yet, and how to report a barrier. The contact page: the programme's address when one is
	// configured, and in every case where each kind of question goes.
	g.Get("/accessibility", h.fixedPage("accessibility", "a11y.title", nil))
	g.Get("/contact", h.fixedPage("contact", "contact.title", contactData{Privacy: h.cfg.PrivacyContact}))
	g.Get("/manifest.webmanifest", h.serveManifest)
}

// fixedPage is the handler of a page that is the same for every visitor and changes only
// with the configuration (data, read at start) and the content: it is kept in the page
// cache, and rendered from template name with the title key title.
func (h *handler) fixedPage(name, title string, data any) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if h.pages.serve(c, h.Library.Generation()) {
			return nil
		}
		v := h.view(c, title)
		v.Cacheable = true
		v.Data = data
		return h.render(c, fiber.StatusOK, name, v)
	}
}

// contactData is what the contact page states from the configuration.
type contactData struct {
	Privacy string // the privacy contact, or ""
}

// webManifest is the web app manifest (https://www.w3.org/TR/appmanifest/) of one language.
type webManifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	Lang            string         `json:"lang"`
	Dir             string         `json:"dir"`
	ID              string         `json:"id"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

type manifestIcon struct {
	Src   string `json:"src"`
	Sizes string `json:"sizes"`
	Type  string `json:"type"`
}

// serveManifest answers /{lang}/manifest.webmanifest: the platform's name in the page's
// language, so that a phone's home screen shows «مسار» for an Arabic reader.
func (h *handler) serveManifest(c *fiber.Ctx) error {
	l := lang(c)
	t := func(key string) string { return h.cat.T(l, key) }
	m := webManifest{
		Name: t("site.name") + " · " + t("manifest.name"), ShortName: t("site.name"), Description: t("manifest.description"),
		Lang: l, Dir: i18n.Dir(l), ID: "/" + l + "/", StartURL: "/" + l + "/", Scope: "/" + l + "/",
		Display: "browser", BackgroundColor: "#f6f7f9", ThemeColor: "#0b5c55",
		Icons: []manifestIcon{
			{Src: h.assets.url("logo.svg"), Sizes: "any", Type: "image/svg+xml"},
			{Src: h.assets.url("icons/icon-192.png"), Sizes: "192x192", Type: "image/png"},
			{Src: h.assets.url("icons/icon-512.png"), Sizes: "512x512", Type: "image/png"},
		},
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/manifest+json; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(b)
}

// serveFavicon answers /favicon.ico, which browsers and feed readers ask for whatever the
// page links to.
func (h *handler) serveFavicon(c *fiber.Ctx) error {
	f := h.assets.byName["icons/favicon.ico"]
	if f == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=604800")
	c.Set(fiber.HeaderETag, f.etag)
	if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(f.body)
}

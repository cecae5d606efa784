package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

//go:embed templates/*.html
var templateFS embed.FS

// views is the set of page templates, each parsed once at start-up together with the layout.
type views map[string]*template.Template

var funcs = template.FuncMap{
	"add":  func(a, b int) int { return a + b },
	"sub":  func(a, b int) int { return a - b },
	"join": strings.Join,
	"contains": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
	"containsInt": func(list []int, n int) bool {
		for _, x := range list {
			if x == n {
				return true
			}
		}
		return false
	},
	"query":    url.QueryEscape,
	"safeHTML": func(s string) template.HTML { return template.HTML(s) }, // only for HTML rendered by our own code
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

func parseViews(as *assets) (views, error) {
	layout, err := fs.ReadFile(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	base := template.New("layout").Funcs(funcs).Funcs(template.FuncMap{"asset": as.url})
	if _, err := base.Parse(string(layout)); err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	for _, p := range partials {
		b, _ := fs.ReadFile(templateFS, p)
		if _, err := base.New(path.Base(p)).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("web: %s: %w", p, err)
		}
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := views{}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		b, _ := fs.ReadFile(templateFS, p)
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New(name).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		v[name] = t
	}
	return v, nil
}

// View is what every page template receives.
type View struct {
	Lang      string
	Dir       string
	Page      string // template name
	Title     string
	Path      string // the path after the language prefix, with the query, for the language switcher
	User      *officials.Official
	csrf      func() string
	csrfValue string
	csrfUsed  bool
	// Cacheable marks a page that is the same for every anonymous visitor; it is kept in the
	// page cache when it was rendered without a form token.
	Cacheable bool
	// CacheTTL bounds how long a cacheable page is kept (0: a minute); CacheGen is what it
	// was built from (0: the course content's generation).
	CacheTTL time.Duration
	CacheGen uint64
	// NoIndex asks search engines to leave the page out (meta robots); see noIndex.
	NoIndex bool
	// Personal, on a page for a logged-in visitor, names everything personal the page shows
	// beyond its URL, its language and the viewer's role (for the lesson page: enrolled,
	// percent done, this lesson done). Such a page is kept per variant, with the form token
	// put in on every answer: it must show nothing else of the viewer.
	Personal  string
	RequestID string
	Flash     string
	Form      map[string]string // typed values, echoed back on error
	Errors    map[string]string // field → message key
	ErrorKey  string            // message key of a form-wide error
	ErrArgs   []any             // placeholder name/value pairs of the field messages
	Data      any
	BaseURL   string
	Now       time.Time
	cat       i18n.Catalogue
	nav       []navLink
	admin     []adminLink
	identity  *identity
	// mailHealth, on an admin page seen by an admin, says whether mail goes out.
	mailHealth func() *mail.Health
	// countries lists the states (read once per page, from memory), for their names and zones.
	countries func() []officials.Country
}

// MailAlert is the state of mail delivery when admins must hear of it (failing for an
// hour, or no SMTP server configured), on admin pages seen by admins; nil otherwise.
func (v *View) MailAlert() *mail.Health {
	if v.mailHealth == nil {
		return nil
	}
	return v.mailHealth()
}

// CSRF is the form token of this browser (made on first use, so that pages without forms
// neither set the cookie nor lose their cacheability).
func (v *View) CSRF() string {
	if !v.csrfUsed {
		v.csrfUsed = true
		v.csrfValue = v.csrf()
	}
	return v.csrfValue
}

// T translates a message key into the page's language.
func (v *View) T(key string, args ...any) string { return v.cat.T(v.Lang, key, args...) }

// G is a gendered message in the page's language: the form of key that agrees with a
// person's recorded gender ({{.G "advisory.detail.submitted_by" $p.Gender "name" …}}).
func (v *View) G(key, gender string, args ...any) string {
	return v.cat.G(v.Lang, key, gender, args...)
}

// N is a counted message in the page's language: the CLDR plural form of key for n, with
// n written in the page's locale ({{.N "course.hours" $c.Hours}}). n is any integer or a
// float (hours of study may have a fraction); other placeholders follow as name/value pairs.
func (v *View) N(key string, n any, args ...any) (string, error) {
	switch x := n.(type) {
	case int:
		return v.cat.N(v.Lang, key, x, args...), nil
	case int64:
		return v.cat.N(v.Lang, key, int(x), args...), nil
	case int32:
		return v.cat.N(v.Lang, key, int(x), args...), nil
	case float64:
		return v.cat.NDecimal(v.Lang, key, x, args...), nil
	case float32:
		return v.cat.NDecimal(v.Lang, key, float64(x), args...), nil
	}
	return "", fmt.Errorf("web: N %s: %v (%T) is not a number", key, n, n)
}

// Num formats an integer for the page's language.
func (v *View) Num(n int) string { return i18n.FormatInt(v.Lang, n) }

// Err is the translated message of a field's error, or "".
func (v *View) Err(field string) string {
	if k, ok := v.Errors[field]; ok {
		return v.cat.T(v.Lang, k, v.ErrArgs...)
	}
	return ""
}

// ErrorText is the translated form-wide message (ErrorKey, with ErrArgs).
func (v *View) ErrorText() string { return v.cat.T(v.Lang, v.ErrorKey, v.ErrArgs...) }

// Val is the typed value of a form field.
func (v *View) Val(field string) string { return v.Form[field] }

// Langs lists the interface languages for the switcher.
func (v *View) Langs() []string { return i18n.Langs }

// URL builds a path under the page's language.
func (v *View) URL(p string) string { return "/" + v.Lang + p }

// LangURL is the current page in another language.
func (v *View) LangURL(lang string) string { return "/" + lang + v.Path }

// Date formats a time as a date in the page's language.
func (v *View) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return i18n.FormatDate(v.Lang, t)
}

// DateTime formats an instant with minutes in the viewer's zone — their country's, from
// their profile — named by its city and offset: "4 December 2026, 16:30 Amman time (UTC+3)";
// in UTC, said so, for a visitor or an account without a country.
func (v *View) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	sep := ", "
	switch v.Lang {
	case "ar":
		sep = "، "
	case "fr":
		sep = " à "
	}
	loc := v.viewerLocation()
	if loc == nil {
		t = t.UTC()
		return i18n.FormatDate(v.Lang, t) + sep + t.Format("15:04") + " (" + workshops.Isolate(v.Lang, "UTC") + ")"
	}
	t = t.In(loc)
	return i18n.FormatDate(v.Lang, t) + sep + t.Format("15:04") + " " + workshops.ZoneLabel(v.Lang, loc.String(), t)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a page with the layout; status is the HTTP status.
func (h *handler) render(c *fiber.Ctx, status int, page string, v *View) error {
	t, ok := h.views[page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	h.fillView(c, v)
	v.Page = page
	gen := v.CacheGen
	if gen == 0 && (v.Cacheable || v.Personal != "") {
		gen = h.Library.Generation()
	}
	// A personal variant is rendered with a placeholder for the form token, kept, and
	// answered with the token put in.
	personal := v.Personal != "" && status == fiber.StatusOK && !v.csrfUsed && v.Flash == "" && personalGET(c)
	if personal {
		v.csrf = func() string { return csrfPlaceholder }
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if personal {
		parts := h.pages.storePersonal(c, v.Personal, gen, buf.Bytes(), v.CacheTTL)
		writeParts(c, parts, func() string { return h.csrfToken(c) })
		return nil
	}
	if v.Cacheable && status == fiber.StatusOK && !v.csrfUsed && v.Flash == "" && anonymousGET(c) {
		h.pages.store(c, gen, buf.Bytes(), v.CacheTTL)
	}
	// SetBody copies: the buffer goes back to the pool when this function returns, before
	// the response is written (c.Send would keep a reference to it).
	c.Response().SetBody(buf.Bytes())
	return nil
}

// view starts a View for the current request.
func (h *handler) view(c *fiber.Ctx, titleKey string) *View {
	v := &View{}
	h.fillView(c, v)
	if titleKey != "" {
		v.Title = v.T(titleKey)
	}
	return v
}

func (h *handler) fillView(c *fiber.Ctx, v *View) {
	if v.cat != nil {
		return
	}
	v.cat = h.cat
	v.nav = h.nav
	v.admin = h.admin
	v.identity = h.site
	v.Lang = lang(c)
	v.Dir = i18n.Dir(v.Lang)
	v.User = user(c)
	v.csrf = func() string { return h.csrfToken(c) }
	v.RequestID = requestID(c)
	v.NoIndex, _ = c.Locals(keyNoIndex).(bool)
	v.BaseURL = h.cfg.BaseURL
	v.Now = time.Now()
	if h.Officials != nil {
		ctx := c.UserContext()
		var list []officials.Country
		read := false
		v.countries = func() []officials.Country {
			if !read {
				read = true
				var err error
				if list, err = h.Officials.Countries(ctx, false); err != nil && ctx.Err() == nil {
					h.log.Error("countries for a page", "err", err)
				}
			}
			return list
		}
	}
	p := string(c.Request().URI().PathOriginal())
	if len(p) >= 3 && i18n.Supported(p[1:3]) {
		p = p[3:]
	}
	if p == "" {
		p = "/"
	}
	if q := c.Request().URI().QueryString(); len(q) > 0 {
		p += "?" + string(q)
	}
	v.Path = p
	if v.User.IsAdmin() && strings.HasPrefix(p, "/admin") && h.Mailer != nil {
		ctx := c.UserContext()
		v.mailHealth = func() *mail.Health {
			mh, err := h.Mailer.Health(ctx)
			if err != nil {
				if ctx.Err() == nil { // a request already over has nobody to show the banner to
					h.log.Error("mail health for the admin banner", "err", err)
				}
				return nil
			}
			if mh.Status == mail.HealthOK {
				return nil
			}
			return &mh
		}
	}
	if f := c.Cookies(flashCookie); f != "" {
		v.Flash = f
		h.clearCookie(c, flashCookie)
	}
}

// navLink is an entry of the main navigation or of the admin page, added by features.
type navLink struct {
	Key     string // catalogue key of the label
	Href    string // path under the language prefix
	Current bool
}

// NavLinks are the features' entries in the main navigation.
func (v *View) NavLinks() []navLink {
	out := make([]navLink, 0, len(v.nav))
	for _, n := range v.nav {
		n.Current = strings.HasPrefix(v.Path, n.Href)
		out = append(out, n)
	}
	return out
}

// AdminLinks are the features' entries on the admin page that the user's role may open.
func (v *View) AdminLinks() []navLink {
	var out []navLink
	for _, a := range v.admin {
		if v.User != nil && slices.Contains(a.roles, v.User.Role) {
			out = append(out, a.navLink)
		}
	}
	return out
}

type adminLink struct {
	navLink
	roles []string
}

// CountryOptions are the value/label pairs of a country select, named in the page's language.
func (v *View) CountryOptions(cs []officials.Country) [][2]string {
	out := make([][2]string, len(cs))
	for i, c := range cs {
		out[i] = [2]string{c.ISO, c.Name(v.Lang)}
	}
	if v.Lang != "ar" {
		slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[1], b[1]) })
	}
	return out
}

// CodeOptions are the value/label pairs of a select of codes labelled by "prefix.code" keys.
func (v *View) CodeOptions(prefix string, codes []string) [][2]string {
	out := make([][2]string, len(codes))
	for i, c := range codes {
		out[i] = [2]string{c, v.T(prefix + "." + c)}
	}
	return out
}

// LangOptions are the interface languages, each named in its own language.
func (v *View) LangOptions() [][2]string {
	return [][2]string{{"ar", "العربية"}, {"en", "English"}, {"fr", "Français"}}
}

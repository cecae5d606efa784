package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
)

// defaultIssuer is the programme's issuer as each language names it when nothing is configured.
var defaultIssuer = map[string]string{
	"ar": "اللجنة الاقتصادية والاجتماعية لغربي آسيا (الإسكوا)",
	"en": "United Nations Economic and Social Commission for Western Asia (ESCWA)",
	"fr": "Commission économique et sociale des Nations Unies pour l&#39;Asie occidentale (CESAO)",
}

var footerRe = regexp.MustCompile(`(?s)<footer class="site-footer">.*</footer>`)

// TestEveryPageHasFooterAndIcons: the pages of every kind of visitor, in every language,
// the error page included, link the favicon and the manifest of their language, name the
// issuer in the footer and link contact, privacy and the accessibility statement from it,
// and carry the compact header's menu.
func TestEveryPageHasFooterAndIcons(t *testing.T) {
	p := newPlatform(t)
	anon := newClient(t, p)
	off, _ := account(t, p, "official@site.test", officials.RoleOfficial, "JO")
	staff, _ := account(t, p, "staff@site.test", officials.RoleStaff, "")
	lesson := "/courses/open-government-framework/01-why-open-government"
	pages := []struct {
		c     *client
		who   string
		paths []string
	}{
		{anon, "anonymous", []string{"/", "/courses", "/courses/open-government-framework", lesson, "/workshops", "/verify",
			"/login", "/register", "/privacy", "/accessibility", "/contact", "/search?q=data", "/open-data", "/no-such-page"}},
		{off, "official", []string{"/me", "/me/certificates", "/me/edit", lesson, "/contact"}},
		{staff, "staff", []string{"/admin/", "/reports", "/admin/workshops"}},
	}
	for _, l := range []string{"ar", "en", "fr"} {
		for _, pg := range pages {
			for _, path := range pg.paths {
				r := pg.c.get("/" + l + path)
				where := pg.who + " /" + l + path
				if r.Status != http.StatusOK && !(path == "/no-such-page" && r.Status == http.StatusNotFound) {
					t.Errorf("%s: status %d", where, r.Status)
					continue
				}
				for _, want := range []string{
					`<link rel="icon" href="/favicon.ico"`,
					`<link rel="icon" href="/static/logo.`,
					`<link rel="manifest" href="/` + l + `/manifest.webmanifest">`,
					`<details class="menu">`,
				} {
					if !strings.Contains(r.Body, want) {
						t.Errorf("%s: no %s", where, want)
					}
				}
				foot := footerRe.FindString(r.Body)
				for _, want := range []string{`href="/` + l + `/contact"`, `href="/` + l + `/privacy"`, `href="/` + l + `/accessibility"`, defaultIssuer[l]} {
					if !strings.Contains(foot, want) {
						t.Errorf("%s: the footer lacks %s", where, want)
					}
				}
			}
		}
	}
}

// TestSitePages: the accessibility statement and the contact page answer in each language
// with its lang and dir, say what they are for, and follow the configuration (contact
// address, issuer's name, site and logo); without a contact address the contact page still
// tells people where to turn.
func TestSitePages(t *testing.T) {
	dirs := map[string]string{"ar": "rtl", "en": "ltr", "fr": "ltr"}
	titles := map[string][2]string{
		"ar": {"بيان إمكانية الوصول", "اتصل بنا"},
		"en": {"Accessibility statement", "Contact"},
		"fr": {"Déclaration d&#39;accessibilité", "Contact"},
	}
	t.Run("defaults", func(t *testing.T) {
		c := newClient(t, newPlatform(t))
		for l, dir := range dirs {
			a := c.get("/" + l + "/accessibility")
			if a.Status != http.StatusOK || !strings.Contains(a.Body, `<html lang="`+l+`" dir="`+dir+`">`) {
				t.Fatalf("/%s/accessibility: %d, lang/dir wrong", l, a.Status)
			}
			if !strings.Contains(a.Body, "<h1>"+titles[l][0]+"</h1>") || !strings.Contains(a.Body, `id="report"`) || !strings.Contains(a.Body, "WCAG 2.2") {
				t.Errorf("/%s/accessibility: no title, no reporting section or no WCAG level", l)
			}
			if !strings.Contains(a.Body, `aria-current="page">`) {
				t.Errorf("/%s/accessibility: the footer does not mark the page as current", l)
			}
			k := c.get("/" + l + "/contact")
			if k.Status != http.StatusOK || !strings.Contains(k.Body, `<html lang="`+l+`" dir="`+dir+`">`) || !strings.Contains(k.Body, "<h1>"+titles[l][1]+"</h1>") {
				t.Fatalf("/%s/contact: %d, or lang/dir/title wrong", l, k.Status)
			}
			if strings.Contains(k.Body, "mailto:") {
				t.Errorf("/%s/contact gives an address although none is configured", l)
			}
			if !strings.Contains(k.Body, `href="/`+l+`/advisory"`) || !strings.Contains(k.Body, `href="/`+l+`/privacy"`) || !strings.Contains(k.Body, "<strong>"+defaultIssuer[l]+"</strong>") {
				t.Errorf("/%s/contact: without an address it must still point to the advisory form, the privacy notice and name the issuer", l)
			}
		}
		if r := c.get("/ar/contact"); !strings.Contains(r.Body, "جهة الاتصال الوطنية") {
			t.Error("/ar/contact without an address: no word on reaching the secretariat through the focal point")
		}
	})

	t.Run("configured", func(t *testing.T) {
		logo := filepath.Join(t.TempDir(), "ministry.svg")
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#036"/></svg>`)
		if err := os.WriteFile(logo, svg, 0o644); err != nil {
			t.Fatal(err)
		}
		p := platformWith(t, func(c *config.Config) {
			c.ContactEmail = "ogp@commission.example.org"
			c.PrivacyContact = "privacy@commission.example.org"
			c.IssuerName = `{"ar":"وزارة التحول الرقمي","en":"Ministry of Digital Transformation"}`
			c.IssuerURL = "https://ministry.example.org/"
			c.IssuerLogo = logo
		})
		c := newClient(t, p)
		names := map[string]string{"ar": "وزارة التحول الرقمي", "en": "Ministry of Digital Transformation", "fr": "وزارة التحول الرقمي"}
		var logoURL string
		for l := range dirs {
			k := c.get("/" + l + "/contact")
			if !strings.Contains(k.Body, `<a class="token" href="mailto:ogp@commission.example.org" dir="ltr">ogp@commission.example.org</a>`) {
				t.Errorf("/%s/contact does not give the configured address as an isolated link", l)
			}
			if !strings.Contains(k.Body, `href="mailto:privacy@commission.example.org"`) {
				t.Errorf("/%s/contact does not give the privacy address", l)
			}
			foot := footerRe.FindString(k.Body)
			if !strings.Contains(foot, `<a href="https://ministry.example.org/" rel="noopener">`+names[l]+`</a>`) {
				t.Errorf("/%s/: the footer does not name the configured issuer %q with its site", l, names[l])
			}
			m := regexp.MustCompile(`<a class="brand" href="/` + l + `/"><img src="(/static/issuer-logo\.[0-9a-f]+\.svg)"`).FindStringSubmatch(k.Body)
			if m == nil {
				t.Fatalf("/%s/: the header does not show the configured logo", l)
			}
			logoURL = m[1]
			if a := c.get("/" + l + "/accessibility"); !strings.Contains(a.Body, `href="mailto:ogp@commission.example.org"`) {
				t.Errorf("/%s/accessibility does not say where to report a barrier", l)
			}
		}
		r := c.get(logoURL)
		if r.Status != http.StatusOK || r.Body != string(svg) || r.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q %q", logoURL, r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
		}
	})
}

// TestFaviconAndManifest: /favicon.ico is an icon; each language's manifest names the
// platform in that language, and every icon it lists is served.
func TestFaviconAndManifest(t *testing.T) {
	c := newClient(t, newPlatform(t))
	r := c.get("/favicon.ico")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/x-icon" || !bytes.HasPrefix([]byte(r.Body), []byte{0, 0, 1, 0}) {
		t.Fatalf("/favicon.ico: %d %q, starts %q", r.Status, r.Header.Get("Content-Type"), r.Body[:min(4, len(r.Body))])
	}
	want := map[string]string{"ar": "مسار", "en": "Masar", "fr": "Masar"}
	for l, short := range want {
		r := c.get("/" + l + "/manifest.webmanifest")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/manifest+json") {
			t.Fatalf("/%s/manifest.webmanifest: %d %q", l, r.Status, r.Header.Get("Content-Type"))
		}
		var m struct {
			Name, ShortName, Lang, Dir, StartURL string
			Icons                                []struct{ Src, Sizes, Type string }
		}
		if err := json.Unmarshal([]byte(strings.NewReplacer("short_name", "ShortName", "start_url", "StartURL").Replace(r.Body)), &m); err != nil {
			t.Fatal(err)
		}
		if m.ShortName != short || !strings.HasPrefix(m.Name, short+" · ") || m.Lang != l || m.StartURL != "/"+l+"/" {
			t.Errorf("/%s/manifest.webmanifest: %+v", l, m)
		}
		if (l == "ar") != (m.Dir == "rtl") {
			t.Errorf("/%s/manifest.webmanifest: dir %q", l, m.Dir)
		}
		if len(m.Icons) < 3 {
			t.Errorf("/%s/manifest.webmanifest lists %d icons", l, len(m.Icons))
		}
		for _, ic := range m.Icons {
			if r := c.get(ic.Src); r.Status != http.StatusOK || r.Header.Get("Content-Type") != ic.Type {
				t.Errorf("icon %s: %d %q, manifest says %q", ic.Src, r.Status, r.Header.Get("Content-Type"), ic.Type)
			}
		}
	}
}

// TestBundledFonts: the stylesheet declares the bundled Arabic and Latin faces with
// font-display: swap, naming their fingerprinted files, which are served as WOFF2 and kept
// for a year; an Arabic page preloads its regular face. The files stay light.
func TestBundledFonts(t *testing.T) {
	c := newClient(t, newPlatform(t))
	page := c.get("/ar/")
	css := regexp.MustCompile(`href="(/static/style\.[0-9a-f]+\.css)"`).FindStringSubmatch(page.Body)
	if css == nil {
		t.Fatal("no stylesheet")
	}
	sheet := c.get(css[1]).Body
	if n := strings.Count(sheet, "font-display: swap"); n != 4 {
		t.Errorf("%d faces with font-display: swap, want 4", n)
	}
	urls := regexp.MustCompile(`url\("(fonts/[a-z0-9-]+\.[0-9a-f]{10}\.woff2)"\)`).FindAllStringSubmatch(sheet, -1)
	if len(urls) != 4 {
		t.Fatalf("the stylesheet names %d fingerprinted fonts, want 4 (Arabic and Latin, regular and bold)", len(urls))
	}
	total := 0
	for _, u := range urls {
		r := c.get("/static/" + u[1])
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "font/woff2" || !strings.Contains(r.Header.Get("Cache-Control"), "max-age=31536000") || !strings.HasPrefix(r.Body, "wOF2") {
			t.Errorf("%s: %d %q %q", u[1], r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
		}
		total += len(r.Body)
		t.Logf("%s: %d bytes", u[1], len(r.Body))
	}
	if total > 120<<10 {
		t.Errorf("the four fonts weigh %d bytes together; keep them under 120 KB", total)
	}
	if !regexp.MustCompile(`<link rel="preload" href="/static/fonts/noto-sans-arabic-400\.[0-9a-f]+\.woff2" as="font" type="font/woff2" crossorigin>`).MatchString(page.Body) {
		t.Error("the Arabic page does not preload its regular face")
	}
	if en := c.get("/en/"); strings.Contains(en.Body, `rel="preload"`) {
		t.Error("the English page preloads the Arabic face")
	}
	if r := c.get("/static/fonts/OFL.txt"); r.Status != http.StatusOK || !strings.Contains(r.Body, "SIL OPEN FONT LICENSE Version 1.1") {
		t.Errorf("the fonts' licence is not served: %d", r.Status)
	}
}

package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
)

var (
	scriptOrStyle = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>`)
	visibleAttr   = regexp.MustCompile(`(?i)\s(?:aria-label|title|placeholder|alt)="([^"]*)"`)
	anyTag        = regexp.MustCompile(`(?s)<[^>]*>`)
	zoneID        = regexp.MustCompile(`\b(?:Africa|Asia|Indian|Europe|America|Atlantic|Australia|Pacific)/[A-Z][A-Za-z_]+`)
	keyLike       = regexp.MustCompile(`\b[a-z][a-z_]*(?:\.[a-z0-9_]+)+\b`)
	// cells are table cells and definitions whose text is the whole of a country column's
	// value; a cell holding only a <code> is a column of codes, labelled as such.
	cellRe = regexp.MustCompile(`(?s)<(td|dd)\b[^>]*>(.*?)</(?:td|dd)>`)
	isoRe  = regexp.MustCompile(`^[A-Z]{2}$`)
	// otherLang is an element marked as written in another language (a title that exists
	// only in English, shown as such): its words are content, not interface.
	otherLang = regexp.MustCompile(`(?s)<(h[1-6]|p|span|a|li|div|td|bdi)\b[^>]*\slang="(?:en|fr)"[^>]*>.*?</(?:h[1-6]|p|span|a|li|div|td|bdi)>`)
)

// visibleText is what a reader sees or hears of a page: its text and the attributes read
// out or shown (labels, titles, placeholders, alternative texts), without scripts and styles.
func visibleText(page string) string {
	page = scriptOrStyle.ReplaceAllString(page, " ")
	var b strings.Builder
	for _, m := range visibleAttr.FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]))
		b.WriteString("\n")
	}
	b.WriteString(html.UnescapeString(anyTag.ReplaceAllString(page, "\n")))
	return b.String()
}

// TestStaffPagesInArabicLeakNoCodes renders, in Arabic, French and English, every page of the
// route table that a focal point, a trainer, staff or an admin opens, and fails on what a
// reader should never meet there: a raw catalogue key (field.country.required), an IANA zone
// id (Asia/Amman), a two-letter state code standing in a cell for the state's name, an audit
// action's code; and, on the Arabic pages, an interface text of the English catalogue.
func TestStaffPagesInArabicLeakNoCodes(t *testing.T) {
	f := newRouteFixture(t)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	prefixes := map[string]bool{}
	for k := range cat["en"] {
		first, _, _ := strings.Cut(k, ".")
		prefixes[first] = true
	}
	// English interface texts long enough not to be names or data, and not the same in Arabic.
	var english []string
	for k, en := range cat["en"] {
		if len(en) >= 16 && !strings.Contains(en, "{") && cat["ar"][k] != en {
			english = append(english, en)
		}
	}
	actions := map[string]bool{}
	for _, a := range audit.Actions {
		actions[a] = true
	}
	pages := 0
	for _, row := range azRoutes {
		method, path, _ := strings.Cut(row.route, " ")
		if method != http.MethodGet || !strings.HasPrefix(path, "/ar/") || row.body != "" {
			continue
		}
		if strings.HasSuffix(path, ".xlsx") || strings.Contains(path, "/attachments/") || strings.Contains(path, "/files/") || strings.Contains(path, "/letter/") {
			continue
		}
		for _, role := range []int{roleFpA, roleTrainer, roleStaff, roleAdmin} {
			if row.want[role] != http.StatusOK {
				continue
			}
			for _, l := range []string{"ar", "fr", "en"} {
				p := "/" + l + f.expand(path, map[string]string{})[3:]
				r := f.send(f.request(role, method, p, "", ""))
				if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
					continue
				}
				pages++
				where := roleNames[role] + " " + p
				text := visibleText(r.Body)
				for _, z := range zoneID.FindAllString(text, -1) {
					t.Errorf("%s: shows the zone id %q", where, z)
				}
				for _, k := range keyLike.FindAllString(text, -1) {
					first, _, _ := strings.Cut(k, ".")
					if prefixes[first] {
						t.Errorf("%s: shows the raw key or code %q", where, k)
					}
				}
				for _, m := range cellRe.FindAllStringSubmatch(r.Body, -1) {
					inner := strings.TrimSpace(m[2])
					if strings.HasPrefix(inner, "<code") {
						continue
					}
					if cell := strings.TrimSpace(html.UnescapeString(anyTag.ReplaceAllString(inner, ""))); isoRe.MatchString(cell) {
						t.Errorf("%s: a cell shows the code %q instead of a name", where, cell)
					}
				}
				for _, k := range strings.FieldsFunc(text, func(r rune) bool {
					return r == ' ' || r == '\n' || r == '\t' || r == '(' || r == ')' || r == '،' || r == ','
				}) {
					if actions[k] {
						t.Errorf("%s: shows the audit action code %q", where, k)
					}
				}
				if l != "ar" {
					continue
				}
				arabicUI := visibleText(otherLang.ReplaceAllString(r.Body, " "))
				for _, en := range english {
					if strings.Contains(arabicUI, en) {
						t.Errorf("%s: shows the English text %q", where, en)
					}
				}
			}
		}
	}
	if pages < 120 {
		t.Fatalf("only %d staff pages rendered", pages)
	}
}

package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/workshops"
)

// ActionName is an audit action's name in the page's language ("Workshop created" for
// "workshop.create"); the code itself only for a code the catalogue does not know, which
// a test of the audit package rules out for every code the platform writes.
func (v *View) ActionName(code string) string {
	if k := audit.NameKey(code); v.cat.Has(v.Lang, k) {
		return v.T(k)
	}
	return code
}

// SubjectName is what an audit entry is about, in the page's language: «الورشة 12» for
// "workshop:12"; the subject as written when its kind has no name.
func (v *View) SubjectName(subject string) string {
	kind, id, ok := strings.Cut(subject, ":")
	if !ok {
		// A subject without an id ("issuer key") is named as a whole.
		if k := "audit.subject." + strings.ReplaceAll(subject, " ", "_"); v.cat.Has(v.Lang, k) {
			return v.T(k)
		}
		return subject
	}
	if kind == "country" {
		id = v.CountryName(id)
	}
	if k := "audit.subject." + kind; v.cat.Has(v.Lang, k) {
		return v.T(k, "id", id)
	}
	return subject
}

// ZoneName names the IANA zone tz in the page's language by its city or country, with its
// offset now: «توقيت عمّان (UTC+3)», "Amman time (UTC+3)"; never the raw id.
func (v *View) ZoneName(tz string) string {
	now := v.Now
	if now.IsZero() {
		now = time.Now()
	}
	return workshops.ZoneLabel(v.Lang, tz, now)
}

// CountryName is the name of the state with ISO code iso in the page's language; the code
// itself for a code not in the list (a state since removed from it) or when the list cannot
// be read.
func (v *View) CountryName(iso string) string {
	if v.countries == nil || iso == "" {
		return iso
	}
	for _, c := range v.countries() {
		if c.ISO == iso {
			return c.Name(v.Lang)
		}
	}
	return iso
}

// viewerLocation is the zone the viewer reads times in: their country's zone from their
// profile; nil (UTC) for a visitor, or an account without a country.
func (v *View) viewerLocation() *time.Location {
	if v.User == nil || v.User.Country == "" || v.countries == nil {
		return nil
	}
	for _, c := range v.countries() {
		if c.ISO == v.User.Country {
			if loc, err := time.LoadLocation(c.Timezone); err == nil {
				return loc
			}
		}
	}
	return nil
}

// langAttrs are the lang and dir attributes of a text written in lang, for an element of a
// page in another language; "" when lang is the page's own (or unknown).
func (v *View) langAttrs(lang string) template.HTMLAttr {
	if lang == "" || lang == v.Lang || !i18n.Supported(lang) {
		return ""
	}
	return template.HTMLAttr(` lang="` + lang + `" dir="` + i18n.Dir(lang) + `"`)
}

// textLang is the language of text among the translations m: the page's own when m has it
// in that language, else the first language whose translation it is; "" when none.
func (v *View) textLang(m map[string]string, text string) string {
	if text == "" || m[v.Lang] == text {
		return v.Lang
	}
	for _, l := range i18n.Langs {
		if m[l] == text {
			return l
		}
	}
	return ""
}

// LangOf gives an element showing text — one of the translations m, picked for the page with
// a fallback — the lang and dir of the language it is written in when that is not the
// page's: <h2{{$.LangOf $c.Title ($c.TitleIn $.Lang)}}>. Nothing when it is the page's.
func (v *View) LangOf(m map[string]string, text string) template.HTMLAttr {
	return v.langAttrs(v.textLang(m, text))
}

// LangOrAuto is LangOf for an element that otherwise takes its direction from its text
// (dir="auto", for titles typed by staff).
func (v *View) LangOrAuto(m map[string]string, text string) template.HTMLAttr {
	if a := v.LangOf(m, text); a != "" {
		return a
	}
	return ` dir="auto"`
}

// OutcomesLang is LangOf for a course's learning outcomes, which fall back as a whole.
func (v *View) OutcomesLang(c *courses.Course) template.HTMLAttr {
	if len(c.Outcomes[v.Lang]) > 0 {
		return ""
	}
	for _, l := range courses.Languages {
		if len(c.Outcomes[l]) > 0 {
			return v.langAttrs(l)
		}
	}
	return ""
}

// LessonLang is LangOf for a lesson's title: the language of the version a reader of the
// page is shown.
func (v *View) LessonLang(l *courses.Lesson) template.HTMLAttr {
	if lv, _ := l.View(v.Lang); lv != nil {
		return v.langAttrs(lv.Lang)
	}
	return ""
}

// AuditField names the field an audit entry changed, in the page's language: the workshop
// form's label for a workshop's field, the account form's for an account's, else the audit
// log's own names; the field as recorded when none has a name.
func (v *View) AuditField(action, field string) string {
	kind, _, _ := strings.Cut(action, ".")
	keys := []string{"audit.field." + field, "field." + field}
	if kind == "workshop" {
		keys = append([]string{"admin.workshops." + field}, keys...)
	}
	for _, k := range keys {
		if v.cat.Has(v.Lang, k) {
			return v.T(k)
		}
	}
	return field
}

// AuditValue is a value an audit entry records (a status, a role), named in the page's
// language when it is one of the platform's codes; anything else (what people typed) as
// recorded.
func (v *View) AuditValue(action, field, value string) string {
	if value == "" {
		return ""
	}
	kind, _, _ := strings.Cut(action, ".")
	var keys []string
	switch {
	case field == "role":
		keys = []string{"role." + value}
	case field == "status" && kind == "workshop":
		keys = []string{"workshops.state." + value}
	case field == "status" && kind == "registration":
		keys = []string{"workshops.status." + value}
	case field == "status" && kind == "outbox":
		keys = []string{"outbox.status." + value}
	case field == "status":
		keys = []string{"advisory.status." + value}
	case kind == "attendance":
		keys = []string{"audit.value." + value}
	case field == "member":
		keys = []string{"audit.value.member." + value}
	case kind == "auth" && field == "method":
		keys = []string{"sessions.method." + value}
	case kind == "auth":
		keys = []string{"audit.value.auth." + field + "." + value}
	}
	for _, k := range keys {
		if v.cat.Has(v.Lang, k) {
			return v.T(k)
		}
	}
	return value
}

package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	ht "html/template"
	"io"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	tt "text/template"
	"time"

	"github.com/masar-platform/masar/i18n"
)

// templateFS holds one file per message and language, NAME.LANG.tmpl, each defining
// "subject" and "text" (text/template) and "html" (html/template), plus the shared HTML
// layout and partials.
//
//go:embed templates
var templateFS embed.FS

const (
	layoutFile   = "templates/layout.html"
	partialsFile = "templates/partials.html"
)

var (
	templateFile = regexp.MustCompile(`^([a-z][a-z0-9_]*)\.([a-z]{2})\.tmpl$`)
	blankLine    = regexp.MustCompile(`\n[ \t]*\n`)
)

// message is one template in one language.
type message struct {
	text *tt.Template // "subject" and "text"
	html *ht.Template // "html", with the partials
}

// templates is every message in every language, and the HTML layout around them.
type templates struct {
	byName map[string]map[string]*message // name → lang → message
	layout *ht.Template
}

func (t *templates) names() []string {
	out := make([]string, 0, len(t.byName))
	for n := range t.byName {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// parseTemplates reads and checks every template in fsys, so that a broken one stops the
// program at start-up rather than failing a user's request.
func parseTemplates(fsys fs.FS) (*templates, error) {
	layoutSrc, err := fs.ReadFile(fsys, layoutFile)
	if err != nil {
		return nil, fmt.Errorf("mail: layout: %w", err)
	}
	layout, err := ht.New("layout").Option("missingkey=error").Parse(string(layoutSrc))
	if err != nil {
		return nil, fmt.Errorf("mail: %s: %w", layoutFile, err)
	}
	if err := escapeNow(layout); err != nil {
		return nil, fmt.Errorf("mail: %s: %w", layoutFile, err)
	}
	partials, err := fs.ReadFile(fsys, partialsFile)
	if err != nil {
		return nil, fmt.Errorf("mail: partials: %w", err)
	}
	files, err := fs.Glob(fsys, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail: list templates: %w", err)
	}
	t := &templates{byName: map[string]map[string]*message{}, layout: layout}
	for _, file := range files {
		base := path.Base(file)
		parts := templateFile.FindStringSubmatch(base)
		if parts == nil {
			return nil, fmt.Errorf("mail: %s: template files are named NAME.LANG.tmpl", file)
		}
		name, lang := parts[1], parts[2]
		if !i18n.Supported(lang) {
			return nil, fmt.Errorf("mail: %s: unknown language %q", file, lang)
		}
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("mail: %s: %w", file, err)
		}
		msg, err := parseMessage(base, lang, string(src), string(partials))
		if err != nil {
			return nil, fmt.Errorf("mail: %s: %w", file, err)
		}
		if t.byName[name] == nil {
			t.byName[name] = map[string]*message{}
		}
		t.byName[name][lang] = msg
	}
	if len(t.byName) == 0 {
		return nil, errors.New("mail: no templates")
	}
	for _, name := range t.names() {
		for _, lang := range i18n.Langs {
			if t.byName[name][lang] == nil {
				return nil, fmt.Errorf("mail: template %s has no %s version (templates/%s.%s.tmpl)", name, lang, name, lang)
			}
		}
	}
	return t, nil
}

func parseMessage(file, lang, src, partials string) (*message, error) {
	text, err := tt.New(file).Funcs(textFuncs(lang)).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, err
	}
	html, err := ht.New(file).Funcs(htmlFuncs(lang)).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, err
	}
	if _, err := html.New("partials").Parse(partials); err != nil {
		return nil, fmt.Errorf("partials: %w", err)
	}
	for _, def := range []string{"subject", "text"} {
		if text.Lookup(def) == nil {
			return nil, fmt.Errorf("no {{define %q}}", def)
		}
	}
	h := html.Lookup("html")
	if h == nil {
		return nil, errors.New(`no {{define "html"}}`)
	}
	if err := escapeNow(h); err != nil {
		return nil, err
	}
	return &message{text: text, html: html}, nil
}

// escapeNow makes html/template analyse t's contexts at once (it does so on first use), so
// that an HTML template that cannot be escaped safely fails at start-up. Executing without
// data stops at the first field, after the analysis; only an analysis error counts.
func escapeNow(t *ht.Template) error {
	err := t.Execute(io.Discard, nil)
	var escErr *ht.Error
	if errors.As(err, &escErr) {
		return err
	}
	return nil
}

// rendered is a message ready to be stored.
type rendered struct {
	subject, text, html string
}

// footer is the platform's signature under every message, per language.
type footer struct {
	brand     string // the platform's name
	tagline   string // what the platform is
	automated string // do not reply
	replies   string // automated, but replies reach the programme (a Reply-To is set)
	manage    string // how to turn this kind of notification off
}

var footers = map[string]footer{
	"ar": {
		brand:     "مسار",
		tagline:   "منصة التدريب وورش العمل لبرنامج الحكومة المفتوحة في المنطقة العربية",
		automated: "هذه رسالة آلية من منصة «مسار»، يُرجى عدم الرد عليها.",
		replies:   "هذه رسالة آلية من منصة «مسار»؛ إن رددت عليها وصل ردّك إلى فريق البرنامج.",
		manage:    "لإيقاف هذا النوع من الرسائل أو استئنافه:",
	},
	"en": {
		brand:     "Masar",
		tagline:   "the training and workshop platform of the open government programme for the Arab region",
		automated: "This is an automated message from Masar; please do not reply to it.",
		replies:   "This is an automated message from Masar; a reply to it reaches the programme team.",
		manage:    "To stop or resume messages of this kind:",
	},
	"fr": {
		brand:     "Masar",
		tagline:   "la plateforme de formation et d’ateliers du programme de gouvernement ouvert pour la région arabe",
		automated: "Ceci est un message automatique de Masar\u00a0; merci de ne pas y répondre.",
		replies:   "Ceci est un message automatique de Masar\u00a0; une réponse parvient à l’équipe du programme.",
		manage:    "Pour arrêter ou reprendre les messages de ce type\u00a0:",
	},
}

// layoutData is what templates/layout.html receives.
type layoutData struct {
	Lang, Dir, Subject string
	Body               ht.HTML
	Brand, Tagline     string
	Automated          string
	Home               string // the platform's home page in the message's language, or ""
	// Manage is, for a notification a person may turn off, the text and link of their
	// preferences page; empty for transactional mail.
	ManageText, Manage string
}

// footerOptions vary the footer with the message and the mailer.
type footerOptions struct {
	manage  bool // a notification that may be turned off: link the preferences page
	replies bool // a Reply-To is set: do not ask people not to reply
}

// render produces the subject, plain text and HTML document of template name in lang.
func (t *templates) render(name, lang, baseURL string, data map[string]any, opt footerOptions) (rendered, error) {
	byLang, ok := t.byName[name]
	if !ok {
		return rendered{}, fmt.Errorf("mail: %q: %w", name, ErrUnknownTemplate)
	}
	msg := byLang[lang]
	var b bytes.Buffer
	if err := msg.text.ExecuteTemplate(&b, "subject", data); err != nil {
		return rendered{}, fmt.Errorf("mail: render %s.%s subject: %w", name, lang, err)
	}
	// A subject is one line: collapse whitespace, which also rules out header injection.
	subject := strings.Join(strings.Fields(b.String()), " ")
	if subject == "" {
		return rendered{}, fmt.Errorf("mail: render %s.%s: empty subject", name, lang)
	}
	b.Reset()
	if err := msg.text.ExecuteTemplate(&b, "text", data); err != nil {
		return rendered{}, fmt.Errorf("mail: render %s.%s text: %w", name, lang, err)
	}
	f := footers[lang]
	home := ""
	if baseURL != "" {
		home = baseURL + "/" + lang + "/"
	}
	automated := f.automated
	if opt.replies {
		automated = f.replies
	}
	manage := ""
	if opt.manage && baseURL != "" {
		manage = baseURL + "/" + lang + "/me/notifications"
	}
	text := tidyText(b.String()) + "\n\n-- \n" + f.brand + " — " + f.tagline + "\n"
	if home != "" {
		text += home + "\n"
	}
	if manage != "" {
		text += f.manage + " " + manage + "\n"
	}
	text += automated + "\n"

	b.Reset()
	if err := msg.html.ExecuteTemplate(&b, "html", data); err != nil {
		return rendered{}, fmt.Errorf("mail: render %s.%s html: %w", name, lang, err)
	}
	body := ht.HTML(strings.TrimSpace(b.String())) // produced by html/template: escaped
	b.Reset()
	err := t.layout.Execute(&b, layoutData{
		Lang: lang, Dir: i18n.Dir(lang), Subject: subject, Body: body,
		Brand: f.brand, Tagline: f.tagline, Automated: automated, Home: home, Manage: manage, ManageText: f.manage,
	})
	if err != nil {
		return rendered{}, fmt.Errorf("mail: render %s.%s layout: %w", name, lang, err)
	}
	return rendered{subject: subject, text: text, html: b.String()}, nil
}

// tidyText trims the rendered plain text: no trailing spaces, at most one blank line in a
// row, none at the ends, so that templates may be laid out for reading.
func tidyText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// linkData is what the "button" partial receives.
type linkData struct {
	URL, Label string
}

// textFuncs are the functions a template may call; htmlFuncs has the same names.
func textFuncs(lang string) tt.FuncMap {
	return tt.FuncMap{
		"plural": pluralFunc(lang),
		"gender": genderFunc,
		"date":   dateFunc(lang),
		"paras":  func(s string) string { return strings.TrimSpace(s) },
		"link":   func(url, label string) linkData { return linkData{url, label} },
	}
}

func htmlFuncs(lang string) ht.FuncMap {
	return ht.FuncMap{
		"plural": pluralFunc(lang),
		"gender": genderFunc,
		"date":   dateFunc(lang),
		"paras":  paras,
		"link":   func(url, label string) linkData { return linkData{url, label} },
	}
}

// genderFunc is the template function gender: {{gender .Gender "قدّم" "قدّمت"}} picks the
// masculine or feminine word by a person's recorded gender ("male", "female"); a third word,
// if given, is for a gender not recorded (else the first serves). A missing value counts as
// not recorded, so that data written before a message learnt gender still renders.
func genderFunc(g any, forms ...string) (string, error) {
	if len(forms) < 2 || len(forms) > 3 {
		return "", fmt.Errorf("gender: needs the masculine and feminine forms (and optionally a neutral one), got %d", len(forms))
	}
	s, _ := g.(string)
	return i18n.Gendered(s, forms[0], forms[1], forms[2:]...), nil
}

// dateFunc returns the template function date: {{date .Due}} writes a calendar date given
// as YYYY-MM-DD (or a time.Time) the way pages do, «2 يناير 2027», "2 January 2027",
// "2 janvier 2027"; "" stays "".
func dateFunc(lang string) func(v any) (string, error) {
	return func(v any) (string, error) {
		switch d := v.(type) {
		case time.Time:
			return i18n.FormatDate(lang, d), nil
		case string:
			if d == "" {
				return "", nil
			}
			t, err := time.Parse("2006-01-02", d)
			if err != nil {
				return "", fmt.Errorf("date: %q is not a YYYY-MM-DD date", d)
			}
			return i18n.FormatDate(lang, t), nil
		case nil:
			return "", nil
		}
		return "", fmt.Errorf("date: cannot write a %T as a date", v)
	}
}

// pluralFunc returns the template function plural: {{plural .N "form" …}} picks the CLDR
// plural form of the integer .N in lang (Arabic: zero, one, two, few, many, other; English:
// one, other; French: one, many, other), with {n} replaced by the number.
func pluralFunc(lang string) func(n any, forms ...string) (string, error) {
	want := i18n.PluralForms(lang)
	return func(n any, forms ...string) (string, error) {
		if len(forms) != len(want) {
			return "", fmt.Errorf("plural: %s needs %d forms (%s), got %d", lang, len(want), strings.Join(want, ", "), len(forms))
		}
		var i int
		v := reflect.ValueOf(n)
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			i = int(v.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			i = int(v.Uint())
		case reflect.Float32, reflect.Float64:
			f := v.Float()
			if f != float64(int(f)) {
				return "", fmt.Errorf("plural: %v is not a whole number", n)
			}
			i = int(f)
		default:
			return "", fmt.Errorf("plural: %v (%T) is not a number", n, n)
		}
		form := forms[slices.Index(want, i18n.PluralForm(lang, i))]
		return strings.ReplaceAll(form, "{n}", i18n.FormatInt(lang, i)), nil
	}
}

// paras turns plain text into HTML paragraphs: blank lines separate paragraphs, single
// line breaks are kept, everything is escaped.
func paras(s string) ht.HTML {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, p := range blankLine.Split(s, -1) {
		lines := strings.Split(strings.TrimSpace(p), "\n")
		for i, l := range lines {
			lines[i] = ht.HTMLEscapeString(strings.TrimSpace(l))
		}
		b.WriteString(`<p dir="auto">` + strings.Join(lines, "<br>") + "</p>\n")
	}
	return ht.HTML(b.String())
}

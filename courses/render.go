package courses

import (
	"bytes"
	"html"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/unicode/norm"
)

// Callout kinds and their labels in each language.
var calloutLabels = map[string]map[string]string{
	"note":    {"ar": "ملاحظة", "en": "Note", "fr": "Remarque"},
	"example": {"ar": "مثال", "en": "Example", "fr": "Exemple"},
	"tip":     {"ar": "نصيحة", "en": "Tip", "fr": "Conseil"},
	"warning": {"ar": "تنبيه", "en": "Warning", "fr": "Attention"},
}

// markdown is the one goldmark configuration of the courses: GitHub-flavoured Markdown,
// footnotes, typographic quotes and dashes, heading ids; raw HTML is never passed through
// (html.WithUnsafe is not set, and rawHTMLRenderer shows it as text).
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(lessonTransformer{}, 1000)),
	),
	goldmark.WithRendererOptions(
		renderer.WithNodeRenderers(util.Prioritized(extraRenderer{}, 100)),
	),
)

var jobKey = parser.NewContextKey()

// renderJob is the rendering of one lesson body for one page language; the transformer
// reads it from the parser context and records what it finds.
type renderJob struct {
	file        string // lesson file, for problems
	bodyLine    int    // line of the file where the body starts
	contentLang string // language the lesson is written in (callout labels)
	pageLang    string // language of the page it is shown on (links)
	course      string // course slug
	lessons     map[string]bool
	fsys        fs.FS
	dir         string // course folder
	report      bool   // record problems

	src      []byte
	problems []Problem
	headings []Heading
}

func (j *renderJob) problem(pos int, format string, args ...any) {
	if !j.report {
		return
	}
	line := 0
	if pos >= 0 {
		line = j.bodyLine + bytes.Count(j.src[:min(pos, len(j.src))], []byte("\n"))
	}
	var ps problems
	ps.add(j.file, line, format, args...)
	j.problems = append(j.problems, ps...)
}

// render turns the Markdown body into a LessonView (title and minutes are set by the caller).
func (j *renderJob) render(body []byte) *LessonView {
	j.src = body
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	pc.Set(jobKey, j)
	doc := markdown.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, body, doc); err != nil {
		j.problem(-1, "cannot render: %v", err)
	}
	plain, notesAt := plainText(doc, body)
	out := buf.String()
	if j.contentLang == "fr" {
		out = frenchSpacing(out)
		for i := range j.headings {
			j.headings[i].Text = frenchSpaces.Replace(j.headings[i].Text)
		}
	}
	return &LessonView{
		Lang:     j.contentLang,
		HTML:     template.HTML(out), //nolint:gosec // goldmark output without raw HTML, its text spaced
		Text:     plain,
		NotesAt:  notesAt,
		Words:    len(strings.Fields(plain)),
		Headings: j.headings,
	}
}

// plainText is the text of the document, blocks separated by newlines, and the offset in it
// where the footnotes begin (its length when there are none).
func plainText(doc ast.Node, src []byte) (string, int) {
	var b strings.Builder
	notesAt := -1
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && notesAt < 0 && n.Kind() == east.KindFootnoteList {
			notesAt = b.Len()
		}
		switch n := n.(type) {
		case *ast.Image:
			// A figure's alt text retells what the lesson says beside it: counting it would
			// lengthen the reading time and weigh the figure's words twice in search.
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				b.Write(n.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			// The typographer's replacements (curly quotes, dashes) arrive as HTML entities.
			if entering {
				b.WriteString(html.UnescapeString(string(n.Value)))
			}
		default:
			if !entering && n.Type() == ast.TypeBlock {
				b.WriteByte('\n')
			}
		}
		return ast.WalkContinue, nil
	})
	all := b.String()
	text := strings.TrimLeftFunc(all, unicode.IsSpace)
	if notesAt < 0 {
		notesAt = len(all)
	}
	notesAt -= len(all) - len(text)
	text = strings.TrimRightFunc(text, unicode.IsSpace)
	return text, max(0, min(notesAt, len(text)))
}

// headingIDs makes heading ids that work in any script: Unicode letters and digits are kept
// (lower-cased), spaces, hyphens and underscores become one '-', punctuation is dropped, as
// are Arabic diacritics and the tatweel, so that «ما هي البيانات المفتوحة؟» becomes
// "ما-هي-البيانات-المفتوحة". A repeated id gets -1, -2… appended.
type headingIDs struct{ used map[string]bool }

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

func isArabicDiacritic(r rune) bool {
	return (r >= 0x0610 && r <= 0x061A) || (r >= 0x064B && r <= 0x065F) || r == 0x0670 ||
		(r >= 0x06D6 && r <= 0x06ED) || r == 0x0640
}

// headingSlug returns the id for a heading's text, before de-duplication.
func headingSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFC.String(s) {
		switch {
		case isArabicDiacritic(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-' || r == '_':
			dash = true
		}
	}
	return b.String()
}

// Generate implements parser.IDs.
func (s *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	id := headingSlug(string(value))
	if id == "" {
		id = "section"
		if kind != ast.KindHeading {
			id = "id"
		}
	}
	if !s.used[id] {
		s.used[id] = true
		return []byte(id)
	}
	for i := 1; ; i++ {
		c := id + "-" + strconv.Itoa(i)
		if !s.used[c] {
			s.used[c] = true
			return []byte(c)
		}
	}
}

// Put implements parser.IDs.
func (s *headingIDs) Put(value []byte) { s.used[string(value)] = true }

// Nodes added to the AST.
var (
	kindCallout   = ast.NewNodeKind("Callout")
	kindTableWrap = ast.NewNodeKind("TableWrap")
)

// calloutNode is a blockquote that began with [!NOTE], [!EXAMPLE], [!TIP] or [!WARNING].
type calloutNode struct {
	ast.BaseBlock
	kind  string // note, example, tip, warning
	label string // localized label
}

func (n *calloutNode) Kind() ast.NodeKind { return kindCallout }

func (n *calloutNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Kind": n.kind}, nil)
}

// tableLabels name a lesson's tables («Table 2») for the scrolling group that holds each.
var tableLabels = map[string]string{"ar": "جدول", "en": "Table", "fr": "Tableau"}

// tableWrapNode holds a table so that it scrolls sideways on narrow screens: a focusable
// group (as the other scrolling tables of the site), named after the table's number, that keyboard users can scroll with the arrows.
type tableWrapNode struct {
	ast.BaseBlock
	label string
}

func (n *tableWrapNode) Kind() ast.NodeKind { return kindTableWrap }

func (n *tableWrapNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

var (
	calloutRe    = regexp.MustCompile(`^\[!([A-Za-z]+)\]\s*$`)
	lessonLinkRe = regexp.MustCompile(`^(?:\./)?([0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?:ar|en|fr))?\.md$`)
	schemeRe     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
	imageExts    = []string{".png", ".jpg", ".jpeg", ".svg", ".webp", ".gif"}
)

// lessonTransformer turns callout blockquotes into callouts, wraps tables, rewrites links
// between lessons and image paths, and records headings and problems.
type lessonTransformer struct{}

func (lessonTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	j, _ := pc.Get(jobKey).(*renderJob)
	if j == nil {
		return
	}
	src := reader.Source()
	var quotes, tables []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Blockquote:
			quotes = append(quotes, n)
		case *east.Table:
			tables = append(tables, n)
		case *ast.Heading:
			j.heading(n, src)
		case *ast.Link:
			j.link(n)
		case *ast.Image:
			j.image(n, src)
		case *ast.HTMLBlock:
			j.problem(n.Pos(), "raw HTML is not rendered (it is shown as text): use Markdown")
		case *ast.RawHTML:
			j.problem(n.Pos(), "raw HTML %q is not rendered (it is shown as text): use Markdown", string(n.Segments.Value(src)))
		}
		return ast.WalkContinue, nil
	})
	for _, q := range quotes {
		j.callout(q, src)
	}
	word := tableLabels[j.contentLang]
	if word == "" {
		word = tableLabels["en"]
	}
	for i, t := range tables {
		w := &tableWrapNode{label: word + " " + strconv.Itoa(i+1)}
		t.Parent().ReplaceChild(t.Parent(), t, w)
		w.AppendChild(w, t)
	}
}

func (j *renderJob) heading(h *ast.Heading, src []byte) {
	if h.Level == 1 {
		j.problem(h.Pos(), "level-1 heading (#): the title comes from the front matter; start sections at ##")
	}
	if h.Level > 3 {
		return
	}
	id, _ := h.AttributeString("id")
	idb, _ := id.([]byte)
	var b strings.Builder
	_ = ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *ast.Text:
				b.Write(n.Value(src))
			case *ast.String:
				// The typographer's quotes and dashes are entities (&rsquo;): the outline
				// is text, escaped once by the template.
				b.WriteString(html.UnescapeString(string(n.Value)))
			}
		}
		return ast.WalkContinue, nil
	})
	j.headings = append(j.headings, Heading{Level: h.Level, ID: string(idb), Text: strings.TrimSpace(b.String())})
}

// link rewrites NN-lessonslug.md (optionally #fragment) to the lesson's page in the page
// language, and reports links to lessons that do not exist.
func (j *renderJob) link(l *ast.Link) {
	dest := string(l.Destination)
	if dest == "" || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "/") || schemeRe.MatchString(dest) {
		return
	}
	p, frag, _ := strings.Cut(dest, "#")
	if pu, err := url.PathUnescape(p); err == nil {
		p = pu
	}
	if m := lessonLinkRe.FindStringSubmatch(p); m != nil {
		if !j.lessons[m[1]] {
			j.problem(l.Pos(), "link to lesson %s: no such lesson in this course", m[1])
		}
		u := "/" + j.pageLang + "/courses/" + j.course + "/" + m[1]
		if frag != "" {
			u += "#" + frag
		}
		l.Destination = []byte(u)
		return
	}
	if name, ok := imagePath(p); ok {
		if !j.exists(name) {
			j.problem(l.Pos(), "link to %s: file not found in %s/images/", dest, j.dir)
		}
		l.Destination = []byte(j.imageURL(name, frag))
		return
	}
	j.problem(l.Pos(), "link to %q: a relative link must name a lesson (NN-lessonslug.md) or a file in images/", dest)
}

// imagePath returns the path below images/ of a relative link, if it is one.
func imagePath(p string) (string, bool) {
	p = strings.TrimPrefix(p, "./")
	name, ok := strings.CutPrefix(p, "images/")
	if !ok || name == "" || !fs.ValidPath(name) {
		return "", false
	}
	return name, true
}

func (j *renderJob) exists(name string) bool {
	st, err := fs.Stat(j.fsys, path.Join(j.dir, "images", name))
	return err == nil && !st.IsDir()
}

func (j *renderJob) imageURL(name, frag string) string {
	u := (&url.URL{Path: "/content/" + j.course + "/images/" + name}).EscapedPath()
	if frag != "" {
		u += "#" + frag
	}
	return u
}

func (j *renderJob) image(img *ast.Image, src []byte) {
	dest := string(img.Destination)
	alt := ""
	_ = ast.Walk(img, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); entering && ok {
			alt += string(t.Value(src))
		} else if s, ok := n.(*ast.String); entering && ok {
			alt += string(s.Value)
		}
		return ast.WalkContinue, nil
	})
	if strings.TrimSpace(alt) == "" {
		j.problem(img.Pos(), "image %s has no alt text: describe the picture in ![…](…)", dest)
	}
	p := dest
	if pu, err := url.PathUnescape(p); err == nil {
		p = pu
	}
	name, ok := imagePath(p)
	if !ok || strings.HasPrefix(dest, "/") || schemeRe.MatchString(dest) {
		j.problem(img.Pos(), "image %s: images must be files in the course's images/ folder (images/name.png)", dest)
		return
	}
	if !slices.Contains(imageExts, strings.ToLower(path.Ext(name))) {
		j.problem(img.Pos(), "image %s: use PNG, JPEG or SVG", dest)
	}
	if !j.exists(name) {
		j.problem(img.Pos(), "image %s not found in %s/images/", dest, j.dir)
	} else if strings.EqualFold(path.Ext(name), ".svg") {
		j.checkSVG(img.Pos(), dest, name)
	}
	img.Destination = []byte(j.imageURL(name, ""))
}

// maxSVGBytes keeps a lesson's figures light: an SVG diagram with its text as text fits well
// below this.
const maxSVGBytes = 64 << 10

var (
	svgRootRe  = regexp.MustCompile(`(?s)<svg\b[^>]*>`)
	svgLangRe  = regexp.MustCompile(`\slang="([^"]*)"`)
	svgTitleRe = regexp.MustCompile(`(?s)<title\b[^>]*>\s*[^<\s][^<]*</title>`)
)

// checkSVG reports an SVG figure that a screen reader could not name when it is inlined (no
// role="img" or no <title>), one written in another language than the lesson (a lang on its
// root that differs), one with scripts, and one too heavy for a phone.
func (j *renderJob) checkSVG(pos int, dest, name string) {
	if !j.report {
		return
	}
	b, err := fs.ReadFile(j.fsys, path.Join(j.dir, "images", name))
	if err != nil {
		j.problem(pos, "image %s: %v", dest, err)
		return
	}
	if len(b) > maxSVGBytes {
		j.problem(pos, "image %s: %d KB; keep an SVG figure under %d KB", dest, len(b)>>10, maxSVGBytes>>10)
	}
	root := svgRootRe.Find(b)
	if root == nil {
		j.problem(pos, "image %s: no <svg> element", dest)
		return
	}
	if !bytes.Contains(root, []byte(`role="img"`)) {
		j.problem(pos, `image %s: the <svg> element needs role="img"`, dest)
	}
	if !svgTitleRe.Match(b) {
		j.problem(pos, "image %s: the SVG needs a <title> naming the figure", dest)
	}
	if m := svgLangRe.FindSubmatch(root); m != nil && string(m[1]) != j.contentLang {
		j.problem(pos, "image %s: the figure is in %q but the lesson is in %q", dest, m[1], j.contentLang)
	}
	if bytes.Contains(bytes.ToLower(b), []byte("<script")) {
		j.problem(pos, "image %s: scripts are not allowed in a figure", dest)
	}
}

// callout turns a blockquote whose first line is [!KIND] into a callout node.
func (j *renderJob) callout(q ast.Node, src []byte) {
	para, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || para.Lines().Len() == 0 {
		return
	}
	first := para.Lines().At(0)
	m := calloutRe.FindSubmatch(bytes.TrimSpace(first.Value(src)))
	if m == nil {
		return
	}
	kind := strings.ToLower(string(m[1]))
	labels, ok := calloutLabels[kind]
	if !ok {
		j.problem(q.Pos(), "unknown callout [!%s]: use [!NOTE], [!EXAMPLE], [!TIP] or [!WARNING]", m[1])
		return
	}
	// Drop the marker line's inline nodes (the "[", "!NOTE", "]" texts and the line break).
	for c := para.FirstChild(); c != nil; {
		next := c.NextSibling()
		if c.Pos() < 0 || c.Pos() >= first.Stop {
			break
		}
		para.RemoveChild(para, c)
		c = next
	}
	if para.ChildCount() == 0 {
		q.RemoveChild(q, para)
	}
	co := &calloutNode{kind: kind, label: labels[j.contentLang]}
	if co.label == "" {
		co.label = labels["en"]
	}
	parent := q.Parent()
	parent.ReplaceChild(parent, q, co)
	for c := q.FirstChild(); c != nil; {
		next := c.NextSibling()
		co.AppendChild(co, c)
		c = next
	}
}

// extraRenderer renders callouts and table wrappers, and raw HTML as visible text.
type extraRenderer struct{}

func (extraRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindCallout, renderCallout)
	reg.Register(kindTableWrap, renderTableWrap)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
}

func renderCallout(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	c := n.(*calloutNode)
	if entering {
		_, _ = w.WriteString(`<aside class="callout callout-` + c.kind + `" role="note">` + "\n" +
			`<p class="callout-label">` + html.EscapeString(c.label) + "</p>\n")
	} else {
		_, _ = w.WriteString("</aside>\n")
	}
	return ast.WalkContinue, nil
}

func renderTableWrap(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<div class="table-wrap" tabindex="0" role="group" aria-label="` +
			html.EscapeString(n.(*tableWrapNode).label) + `">` + "\n")
	} else {
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

func renderHTMLBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	b := n.(*ast.HTMLBlock)
	var raw bytes.Buffer
	for i := 0; i < b.Lines().Len(); i++ {
		seg := b.Lines().At(i)
		raw.Write(seg.Value(src))
	}
	if b.HasClosure() {
		raw.Write(b.ClosureLine.Value(src))
	}
	_, _ = w.WriteString("<p>" + html.EscapeString(strings.TrimRight(raw.String(), "\n")) + "</p>\n")
	return ast.WalkSkipChildren, nil
}

func renderRawHTML(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(html.EscapeString(string(n.(*ast.RawHTML).Segments.Value(src))))
	}
	return ast.WalkSkipChildren, nil
}

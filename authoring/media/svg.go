package media

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"image/jpeg"
	"image/png"
	"io"
	"regexp"
	"slices"
	"strings"
)

// The sanitiser is written here over encoding/xml's raw tokens rather than taken from a
// library. The one maintained Go sanitiser available (github.com/microcosm-cc/bluemonday) is
// an HTML sanitiser: it parses with golang.org/x/net/html, which folds names to lower case
// (viewBox, linearGradient and clipPath would stop working) and knows nothing of XML
// namespaces, so it would break figures and could not tell xlink:href from a stray href. An
// SVG figure is XML, and this package needs XML's answers: which namespace an element is
// really in, whether a DOCTYPE declares entities, where a syntax error is.
//
// What is kept is written back out token by token, with the prefixes the author used, so the
// figure renders as drawn; what the cleaning removes is in dropped, breakout, fetching and
// animations (elements), attrSafe (attributes) and cssSafe (style sheets).

const (
	nsSVG   = "http://www.w3.org/2000/svg"
	nsXHTML = "http://www.w3.org/1999/xhtml"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
)

// maxDepth bounds element nesting: drawing programs stay far below it, and it keeps the
// cleaning linear in the size of the file (namespace look-ups walk the open elements).
const maxDepth = 100

// dropped are elements removed with everything inside them, in whatever namespace (an
// <x:script> in the XHTML namespace runs as well as an SVG <script>): scripts and event
// handlers (SVG Tiny's <handler> and XML Events' <listener>), elements that embed another
// document or plug-in, HTML elements that load, submit or redirect, and those whose content
// an HTML parser reads as raw text (inside an inline figure's <title> or <desc>, which HTML
// parses as HTML, they would read the rest of the figure differently from an XML parser).
var dropped = set("script", "handler", "listener", "foreignobject", "iframe", "frame", "frameset",
	"embed", "object", "applet", "param", "portal", "meta", "link", "base", "audio", "video",
	"source", "track", "form", "input", "button", "textarea", "select", "noscript", "template",
	"noembed", "noframes", "xmp", "plaintext")

// breakout are the HTML elements that, written without a prefix inside an <svg> placed
// inline in a page, make the HTML parser leave SVG and create the HTML element instead (the
// HTML standard's list for foreign content). None is an SVG element; an SVG written by a
// drawing program has none of them.
var breakout = set("b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
	"em", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "nobr",
	"ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table", "tt",
	"u", "ul", "var")

// fetching are the SVG elements that load what their href names: with a reference outside
// the document they are removed. An <a> to outside becomes a <g> with the same attributes
// less the link, so that its content stays where it was drawn; on any other element such an
// href is dropped alone.
var fetching = set("use", "image", "feimage", "tref", "animation", "mpath")

// animations can set an attribute while the figure runs: one that sets an href or an event
// handler is removed, as that attribute itself would have been.
var animations = set("animate", "set", "animatemotion", "animatetransform", "animatecolor")

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// frame is an element being read.
type frame struct {
	name  xml.Name          // as written: Space is the prefix
	write xml.Name          // as written to the output (an <a> to outside becomes a <g>)
	in    map[string]string // namespace declarations on the element in the upload
	drop  bool              // the element is left out with all it contains
	style *strings.Builder  // the text of a <style> element, held until its end
	mark  int               // where a <style> element starts in the output
	bad   bool              // the <style> element holds elements
}

// sanitizer reads an SVG file and writes the cleaned file.
type sanitizer struct {
	lang  string
	out   bytes.Buffer
	stack []*frame
	open  bool // a start tag is written without its closing '>' (it may still become "/>")
	blank bool // an element was just left out: the blank text after it goes too

	seenRoot, rootDone bool
	svgish             bool // the file's start names an <svg> element
	rootRole           string
	rootLang           []string // lang and xml:lang of the root, when present
}

// checkSVG cleans an uploaded SVG figure and applies to the result what `masar content
// check` requires of a course figure. The content check's rules (courses/render.go, checkSVG)
// are unexported and read a file from a course folder, so they are mirrored here on the
// cleaned bytes: the same regular expressions, so that a figure accepted here passes there.
func checkSVG(data []byte, lang string) ([]byte, error) {
	s := &sanitizer{lang: lang}
	out, err := s.run(bytes.TrimPrefix(data, utf8BOM))
	if err != nil {
		return nil, err
	}
	// The root's own attributes, read as XML.
	if s.rootRole != "img" {
		return nil, refuse(KeySVGRole)
	}
	for _, l := range s.rootLang {
		if l != lang {
			return nil, refuse(KeySVGLang, "figure", l, "lesson", lang)
		}
	}
	// The content check's rules, on the bytes that will be stored.
	root := svgRootRe.Find(out)
	if root == nil || !bytes.Contains(root, []byte(`role="img"`)) {
		return nil, refuse(KeySVGRole)
	}
	if !svgTitleRe.Match(out) {
		return nil, refuse(KeySVGTitle)
	}
	if m := svgLangRe.FindSubmatch(root); m != nil && string(m[1]) != lang {
		return nil, refuse(KeySVGLang, "figure", string(m[1]), "lesson", lang)
	}
	if bytes.Contains(bytes.ToLower(out), []byte("<script")) {
		return nil, refuse(KeySVGScript)
	}
	if len(out) > MaxSVG {
		return nil, refuse(KeySVGTooLarge, "kb", MaxSVG>>10)
	}
	return out, nil
}

// The content check's expressions (courses/render.go).
var (
	svgRootRe  = regexp.MustCompile(`(?s)<svg\b[^>]*>`)
	svgLangRe  = regexp.MustCompile(`\slang="([^"]*)"`)
	svgTitleRe = regexp.MustCompile(`(?s)<title\b[^>]*>\s*[^<\s][^<]*</title>`)
)

// run reads every token and writes what is kept.
func (s *sanitizer) run(data []byte) ([]byte, error) {
	s.svgish = bytes.Contains(data[:min(len(data), 4096)], []byte("<svg"))
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// HTML's named characters (&nbsp;, &eacute;) are read as the characters they name and
	// written out as such, which also repairs a hand-written figure that browsers would have
	// refused. The map is fixed: no declaration in the file can add to it. Without a
	// CharsetReader, a file that declares another encoding than UTF-8 is refused.
	d.Entity = xml.HTMLEntity
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, s.syntax(err, d)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err = s.start(t)
		case xml.EndElement:
			err = s.end(t)
		case xml.CharData:
			err = s.text(t)
		case xml.Directive:
			// <!DOCTYPE …> and the like are dropped; one that declares entities is refused
			// outright: entities are how a file reads the server's files (XXE) or swells
			// to gigabytes in a parser that expands them (billion laughs).
			if bytes.Contains(bytes.ToUpper(t), []byte("ENTITY")) {
				return nil, refuse(KeySVGEntities)
			}
		case xml.ProcInst, xml.Comment:
			// Dropped: <?xml-stylesheet?> can load XSLT that runs script, and comments
			// are never shown (and could hide markup from a later reader).
		}
		if err != nil {
			if e, ok := err.(*Error); ok && e.Key == KeySVGInvalid && len(e.Args) == 0 {
				e.Args = []any{"line", line(d)}
			}
			return nil, err
		}
	}
	if !s.rootDone || len(s.stack) > 0 {
		if !s.seenRoot {
			return nil, refuse(KeyUnsupported)
		}
		return nil, refuse(KeySVGInvalid, "line", line(d))
	}
	return s.out.Bytes(), nil
}

// syntax turns a parse error into a refusal: before the <svg> element, the file is not an
// SVG at all; after it, it is a broken one, and the author is told the line.
func (s *sanitizer) syntax(err error, d *xml.Decoder) error {
	if !s.seenRoot && !s.svgish {
		return refuse(KeyUnsupported)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return refuse(KeySVGInvalid, "line", se.Line)
	}
	return refuse(KeySVGInvalid, "line", line(d))
}

func line(d *xml.Decoder) int {
	l, _ := d.InputPos()
	return l
}

// invalid is the refusal of a figure that is not well-formed XML; run adds the line.
func invalid() error { return refuse(KeySVGInvalid) }

// lookup resolves a prefix through the declarations in the upload ("" is the default
// namespace). ok is false for an undeclared prefix.
func (s *sanitizer) lookup(prefix string) (uri string, ok bool) {
	if prefix == "xml" {
		return nsXML, true
	}
	for i := len(s.stack) - 1; i >= 0; i-- {
		if u, ok := s.stack[i].in[prefix]; ok {
			return u, true
		}
	}
	return "", prefix == ""
}

func nsDecl(a xml.Attr) (prefix string, ok bool) {
	if a.Name.Space == "xmlns" {
		return a.Name.Local, true
	}
	if a.Name.Space == "" && a.Name.Local == "xmlns" {
		return "", true
	}
	return "", false
}

func (s *sanitizer) start(t xml.StartElement) error {
	var parent *frame
	if len(s.stack) > 0 {
		parent = s.stack[len(s.stack)-1]
	} else if s.seenRoot {
		return invalid() // a second root element
	}
	if len(s.stack) >= maxDepth {
		return refuse(KeySVGNesting, "depth", maxDepth)
	}
	f := &frame{name: t.Name, write: t.Name}
	for _, a := range t.Attr {
		if p, ok := nsDecl(a); ok {
			if f.in == nil {
				f.in = map[string]string{}
			}
			f.in[p] = a.Value
		}
	}
	s.stack = append(s.stack, f)
	if parent != nil && (parent.drop || parent.style != nil) {
		f.drop = true
		if parent.style != nil {
			parent.bad = true
		}
		return nil
	}
	uri, ok := s.lookup(t.Name.Space)
	if !ok {
		if parent == nil {
			return refuse(KeySVGNamespace)
		}
		return invalid()
	}
	local := strings.ToLower(t.Name.Local)
	if parent == nil {
		// The root decides whether this is an SVG file at all.
		if t.Name.Local != "svg" {
			return refuse(KeyUnsupported)
		}
		s.seenRoot = true
		if uri != nsSVG || t.Name.Space != "" {
			return refuse(KeySVGNamespace)
		}
		if s.lang == "" {
			return refuse(KeySVGLangRequired)
		}
	}

	// Elements removed whole.
	if dropped[local] || uri == nsXHTML || (t.Name.Space == "" && breakout[local]) {
		f.drop = true
		return nil
	}
	if animations[local] {
		for _, a := range t.Attr {
			if a.Name.Space == "" && a.Name.Local == "attributeName" {
				target := strings.ToLower(strings.TrimSpace(a.Value))
				if i := strings.LastIndexByte(target, ':'); i >= 0 {
					target = target[i+1:]
				}
				if target == "href" || strings.HasPrefix(target, "on") {
					f.drop = true
					return nil
				}
			}
		}
	}

	// Attributes.
	attrs := make([]xml.Attr, 0, len(t.Attr))
	seen := make(map[xml.Name]bool, len(t.Attr))
	outside := false // an href leads outside the document
	for _, a := range t.Attr {
		if _, ok := nsDecl(a); ok {
			attrs = append(attrs, a)
			continue
		}
		auri := ""
		if a.Name.Space != "" {
			if auri, ok = s.lookup(a.Name.Space); !ok {
				return invalid()
			}
		}
		key := xml.Name{Space: auri, Local: a.Name.Local}
		if seen[key] {
			return invalid() // an attribute given twice: browsers refuse the file
		}
		seen[key] = true
		if keep, external := attrSafe(auri, a); !keep {
			outside = outside || external
			continue
		}
		if parent == nil {
			switch {
			case a.Name.Space == "" && a.Name.Local == "role":
				s.rootRole = strings.TrimSpace(a.Value)
			case (a.Name.Space == "" || auri == nsXML) && a.Name.Local == "lang":
				s.rootLang = append(s.rootLang, a.Value)
			}
		}
		attrs = append(attrs, a)
	}
	if outside && parent != nil {
		switch {
		case local == "a":
			f.write.Local = "g"
			attrs = slices.DeleteFunc(attrs, func(a xml.Attr) bool { return a.Name.Space == "" && a.Name.Local == "target" })
		case fetching[local]:
			f.drop = true
			return nil
		}
	}
	if local == "style" {
		f.style = &strings.Builder{}
		s.flush()
		f.mark = s.out.Len()
	}
	return s.writeStart(f, attrs)
}

// attrSafe decides whether an attribute is kept. external reports an href (or xlink:href)
// that leads outside the document, which removes a fetching element altogether.
func attrSafe(uri string, a xml.Attr) (keep, external bool) {
	local := strings.ToLower(a.Name.Local)
	switch {
	case strings.HasPrefix(local, "on"):
		return false, false // event handlers: onload, onclick, onbegin…
	case uri == nsXML && local == "base":
		return false, false // would move relative references elsewhere
	}
	if local == "href" {
		if scriptURL(a.Value) || !localRef(a.Value) {
			return false, true
		}
		return true, false
	}
	if scriptURL(a.Value) {
		return false, false
	}
	if local == "style" || cssFunctions.MatchString(a.Value) {
		if !cssSafe(a.Value) {
			return false, false
		}
	}
	return true, false
}

// scriptURL reports javascript: or vbscript: anywhere in a value, however it is spread out
// with blanks or control characters (browsers strip them from a URL before reading its
// scheme) or case.
func scriptURL(v string) bool {
	c := compact(v)
	return strings.Contains(c, "javascript:") || strings.Contains(c, "vbscript:") || strings.Contains(c, "livescript:")
}

// compact is v in lower case without blanks and control characters.
func compact(v string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, v)
}

// localRef reports whether an href stays in the document: a "#id" fragment, or a PNG or JPEG
// picture carried in a data: URI (checked to be one).
func localRef(v string) bool {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "#") {
		return true
	}
	return dataImage(v)
}

// dataImage reports whether v is a data: URI holding a readable PNG or JPEG image of
// sensible dimensions.
func dataImage(v string) bool {
	if len(v) < 5 || !strings.EqualFold(v[:5], "data:") {
		return false
	}
	meta, payload, ok := strings.Cut(v[5:], ",")
	if !ok {
		return false
	}
	meta = compact(meta)
	decodeConfig := png.DecodeConfig
	sig := pngSignature
	switch meta {
	case "image/png;base64":
	case "image/jpeg;base64", "image/jpg;base64":
		decodeConfig, sig = jpeg.DecodeConfig, jpegSignature
	default:
		return false
	}
	b, err := base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, payload))
	if err != nil || !bytes.HasPrefix(b, sig) {
		return false
	}
	cfg, err := decodeConfig(bytes.NewReader(b))
	return err == nil && cfg.Width > 0 && cfg.Height > 0 && cfg.Width <= MaxSide && cfg.Height <= MaxSide
}

// cssFunctions finds, in an attribute other than style (fill="url(#g)", filter, mask…), a CSS
// function that can name a resource.
var cssFunctions = regexp.MustCompile(`(?i)(url|image-set|image|src|element)\s*\(|\\`)

// cssSafe reports whether CSS (a <style> element or a style attribute) fetches nothing from
// outside the document and runs nothing: no @import, every url() a "#id" fragment or a PNG or
// JPEG data: URI, none of the old script hooks. CSS escapes (\75 rl for u) and comments are
// undone first, so that they cannot hide any of these.
func cssSafe(css string) bool {
	c := compact(cssPlain(css))
	for _, bad := range []string{"@import", "expression(", "-moz-binding", "behavior:", "behaviour:",
		"image-set(", "src(", "element(", "javascript:", "vbscript:"} {
		if strings.Contains(c, bad) {
			return false
		}
	}
	for rest := c; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return true
		}
		rest = rest[i+len("url("):]
		target := strings.TrimLeft(rest, `"'`)
		if !strings.HasPrefix(target, "#") && !strings.HasPrefix(target, "data:image/png") &&
			!strings.HasPrefix(target, "data:image/jpeg") {
			return false
		}
	}
}

// cssPlain undoes CSS escapes and removes comments.
func cssPlain(css string) string {
	var b strings.Builder
	for i := 0; i < len(css); i++ {
		c := css[i]
		switch {
		case c == '/' && i+1 < len(css) && css[i+1] == '*':
			end := strings.Index(css[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += 2 + end + 1
		case c == '\\' && i+1 < len(css):
			j := i + 1
			for j < len(css) && j-i <= 6 && isHex(css[j]) {
				j++
			}
			if j == i+1 { // \c stands for c
				b.WriteByte(css[j])
				i = j
				continue
			}
			var r rune
			for _, h := range css[i+1 : j] {
				r = r*16 + rune(hexVal(byte(h)))
			}
			if r == 0 || r > 0x10FFFF {
				r = 0xFFFD
			}
			b.WriteRune(r)
			if j < len(css) && (css[j] == ' ' || css[j] == '\t' || css[j] == '\n') {
				j++ // the blank that ends a hexadecimal escape belongs to it
			}
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

func (s *sanitizer) end(t xml.EndElement) error {
	if len(s.stack) == 0 {
		return invalid()
	}
	f := s.stack[len(s.stack)-1]
	if f.name != t.Name {
		return invalid() // </b> closing <a>
	}
	defer func() {
		s.stack = s.stack[:len(s.stack)-1]
		if len(s.stack) == 0 {
			s.rootDone = true
		}
	}()
	switch {
	case f.drop:
		s.blank = true
		return nil
	case f.style != nil:
		if f.bad || !cssSafe(f.style.String()) {
			s.out.Truncate(f.mark)
			s.open = false
			s.blank = true
			return nil
		}
		if f.style.Len() > 0 {
			s.flush()
			escapeText(&s.out, f.style.String())
		}
	}
	s.blank = false
	if s.open {
		s.out.WriteString("/>")
		s.open = false
		return nil
	}
	s.out.WriteString("</")
	writeName(&s.out, f.write)
	s.out.WriteByte('>')
	return nil
}

func (s *sanitizer) text(t xml.CharData) error {
	if len(s.stack) == 0 {
		if len(bytes.TrimSpace(t)) > 0 {
			return invalid() // text outside the root
		}
		return nil
	}
	f := s.stack[len(s.stack)-1]
	switch {
	case f.drop:
	case f.style != nil:
		f.style.Write(t)
	case s.blank && len(bytes.TrimSpace(t)) == 0:
		s.blank = false
	default:
		s.flush()
		s.blank = false
		escapeText(&s.out, string(t))
	}
	return nil
}

// flush closes a start tag left open.
func (s *sanitizer) flush() {
	if s.open {
		s.out.WriteByte('>')
		s.open = false
	}
}

// writeStart writes f's start tag with attrs, leaving it open for "/>" or ">". Every element
// written has all its ancestors written, so the namespace declarations kept on them mean in
// the output what they meant in the upload.
//
// Once the output is past MaxSVG the figure is refused without reading further: what is
// written is never taken back, except an unsafe <style> element, which is not yet written
// when another element starts.
func (s *sanitizer) writeStart(f *frame, attrs []xml.Attr) error {
	if s.out.Len() > MaxSVG {
		return refuse(KeySVGTooLarge, "kb", MaxSVG>>10)
	}
	s.flush()
	s.blank = false
	s.out.WriteByte('<')
	writeName(&s.out, f.write)
	for _, a := range attrs {
		s.out.WriteByte(' ')
		writeName(&s.out, a.Name)
		s.out.WriteString(`="`)
		escapeAttr(&s.out, a.Value)
		s.out.WriteByte('"')
	}
	s.open = true
	return nil
}

func writeName(b *bytes.Buffer, n xml.Name) {
	if n.Space != "" {
		b.WriteString(n.Space)
		b.WriteByte(':')
	}
	b.WriteString(n.Local)
}

func escapeText(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#13;")
		default:
			b.WriteRune(r)
		}
	}
}

func escapeAttr(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#9;")
		case '\n':
			b.WriteString("&#10;")
		case '\r':
			b.WriteString("&#13;")
		default:
			b.WriteRune(r)
		}
	}
}

package xliff

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

const xmlNS = "http://www.w3.org/XML/1998/namespace"

// writeDocument writes the XLIFF document of a lesson; targets holds the existing
// translation of the units that have one.
func writeDocument(course, lessonName, srcLang, trgLang string, l *lesson, targets map[string]string, base int64) []byte {
	var b strings.Builder
	b.WriteString(xml.Header)
	ns, baseAttr := "", ""
	if base >= 0 {
		ns, baseAttr = fmt.Sprintf(" xmlns:masar=\"%s\"", BaseNamespace), fmt.Sprintf(" masar:base=\"%d\"", base)
	}
	fmt.Fprintf(&b, "<xliff xmlns=\"%s\"%s version=\"2.0\" srcLang=\"%s\" trgLang=\"%s\">\n", Namespace, ns, attr(srcLang), attr(trgLang))
	fmt.Fprintf(&b, " <file id=\"%s\" original=\"%s/%s.%s.md\" canResegment=\"no\" srcDir=\"%s\" trgDir=\"%s\"%s>\n",
		attr(lessonName), attr(course), attr(lessonName), attr(srcLang), dir(srcLang), dir(trgLang), baseAttr)
	for _, u := range l.units {
		var nodes []inline
		var codes []code
		if u.kind == kindTitle {
			nodes = []inline{{text: u.md, code: -1}}
		} else {
			nodes, codes = scanInline(u.md)
		}
		fmt.Fprintf(&b, "  <unit id=\"%s\">\n", attr(u.id))
		fmt.Fprintf(&b, "   <notes>\n    <note category=\"context\">%s</note>\n   </notes>\n", attr(u.note))
		// Data ids: the start (or the whole) of code k is d(2k+1), the end of a paired code d(2k+2).
		if len(codes) > 0 {
			b.WriteString("   <originalData>\n")
			for k, c := range codes {
				fmt.Fprintf(&b, "    <data id=\"d%d\">", 2*k+1)
				writeText(&b, c.start)
				b.WriteString("</data>\n")
				if c.paired() {
					fmt.Fprintf(&b, "    <data id=\"d%d\">", 2*k+2)
					writeText(&b, c.end)
					b.WriteString("</data>\n")
				}
			}
			b.WriteString("   </originalData>\n")
		}
		t, hasTarget := targets[u.id]
		state := "initial"
		if hasTarget {
			state = "translated"
		}
		fmt.Fprintf(&b, "   <segment state=\"%s\">\n    <source xml:space=\"preserve\">", state)
		identity := make([]int, len(codes))
		for k := range identity {
			identity[k] = k
		}
		writeContent(&b, nodes, codes, identity)
		b.WriteString("</source>\n")
		if hasTarget {
			b.WriteString("    <target xml:space=\"preserve\">")
			if u.kind == kindTitle {
				writeText(&b, t)
			} else {
				tnodes, tcodes := scanInline(t)
				writeContent(&b, tnodes, tcodes, matchCodes(codes, tcodes, srcLang, trgLang))
			}
			b.WriteString("</target>\n")
		}
		b.WriteString("   </segment>\n  </unit>\n")
	}
	b.WriteString(" </file>\n</xliff>\n")
	return []byte(b.String())
}

// matchCodes gives each code of a translation the index of the source code it stands for
// (same kind and Markdown, an image path in the target language allowed), or -1: such a code
// stays Markdown text in the target.
func matchCodes(src, trg []code, srcLang, trgLang string) []int {
	used := make([]bool, len(src))
	out := make([]int, len(trg))
	for t, tc := range trg {
		out[t] = -1
		for s, sc := range src {
			if used[s] || sc.kind != tc.kind || sc.start != tc.start {
				continue
			}
			if sc.end == tc.end || sc.kind == codeImage && mapPath(sc.end, srcLang, trgLang) == tc.end {
				used[s], out[t] = true, s
				break
			}
		}
	}
	return out
}

// writeContent writes inline content; ids maps each of codes to the source code whose id and data
// it uses, or -1 to write it as text.
func writeContent(b *strings.Builder, nodes []inline, codes []code, ids []int) {
	for _, n := range nodes {
		if n.code < 0 {
			writeText(b, n.text)
			continue
		}
		c, k := codes[n.code], ids[n.code]
		switch {
		case k < 0:
			writeText(b, c.start)
			writeContent(b, n.children, codes, ids)
			writeText(b, c.end)
		case c.paired():
			typ := "link"
			if c.kind == codeImage {
				typ = "image"
			}
			fmt.Fprintf(b, "<pc id=\"%d\" type=\"%s\" dataRefStart=\"d%d\" dataRefEnd=\"d%d\">", k+1, typ, 2*k+1, 2*k+2)
			writeContent(b, n.children, codes, ids)
			b.WriteString("</pc>")
		default:
			fmt.Fprintf(b, "<ph id=\"%d\" dataRef=\"d%d\" disp=\"%s\"/>", k+1, 2*k+1, attr(c.start))
		}
	}
}

// writeText writes s as XML character data; a character XML 1.0 cannot hold is written as <cp>.
func writeText(b *strings.Builder, s string) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case !xmlChar(r):
			fmt.Fprintf(b, "<cp hex=\"%04X\"/>", r)
		default:
			b.WriteRune(r)
		}
	}
}

// attr escapes s for an attribute value in double quotes; characters XML cannot hold become
// U+FFFD (attributes are only ids, languages and notes).
func attr(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\t' || r == '\n' || r == '\r':
			fmt.Fprintf(&b, "&#x%X;", r)
		case !xmlChar(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func dir(lang string) string {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if rtl[primary] {
		return "rtl"
	}
	return "ltr"
}

// element is an XML element read from a document: its children are strings and *elements.
type element struct {
	name  xml.Name
	attrs []xml.Attr
	kids  []any
}

func (e *element) attr(space, local string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func (e *element) is(local string) bool {
	return e.name.Space == Namespace && e.name.Local == local
}

func (e *element) elements() []*element {
	var out []*element
	for _, k := range e.kids {
		if c, ok := k.(*element); ok {
			out = append(out, c)
		}
	}
	return out
}

func parseXML(doc []byte) (*element, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var root *element
	var stack []*element
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &element{name: t.Name, attrs: append([]xml.Attr(nil), t.Attr...)}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("more than one root element")
				}
				root = e
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, string(t))
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// document is what Import reads from an XLIFF document.
type document struct {
	course, lesson, srcLang, trgLang string
	units                            []docUnit
}

type docUnit struct {
	id             string
	source, target []any // inline content: strings and *elements
	translated     bool  // every segment has a target
	problem        string
}

func readDocument(doc []byte) (*document, error) {
	root, err := parseXML(doc)
	if err != nil {
		return nil, fmt.Errorf("xliff: not well-formed XML: %w", err)
	}
	if !root.is("xliff") {
		return nil, fmt.Errorf("xliff: the root element is {%s}%s, not an XLIFF 2.0 <xliff> (namespace %s)", root.name.Space, root.name.Local, Namespace)
	}
	d := &document{}
	if v, _ := root.attr("", "version"); v != "2.0" {
		return nil, fmt.Errorf("xliff: version %q: only XLIFF 2.0 is read", v)
	}
	d.srcLang, _ = root.attr("", "srcLang")
	d.trgLang, _ = root.attr("", "trgLang")
	var files []*element
	for _, e := range root.elements() {
		if e.is("file") {
			files = append(files, e)
		}
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("xliff: the document has %d <file> elements, not one lesson", len(files))
	}
	f := files[0]
	original, _ := f.attr("", "original")
	path, ok := strings.CutSuffix(original, ".md")
	course, name, ok2 := strings.Cut(path, "/")
	dot := strings.LastIndexByte(name, '.')
	if !ok || !ok2 || dot < 0 {
		return nil, fmt.Errorf("xliff: the file's original %q is not COURSE/LESSON.LANG.md", original)
	}
	d.course, d.lesson = course, name[:dot]
	if err := checkNames(d.course, d.lesson, d.srcLang, d.trgLang); err != nil {
		return nil, err
	}
	if lang := name[dot+1:]; !strings.EqualFold(lang, d.srcLang) {
		return nil, fmt.Errorf("xliff: the document translates from %s, but its file %q is in %s", d.srcLang, original, lang)
	}
	var walk func(*element)
	walk = func(e *element) {
		for _, c := range e.elements() {
			switch {
			case c.is("group"):
				walk(c)
			case c.is("unit"):
				d.units = append(d.units, d.readUnit(c))
			}
		}
	}
	walk(f)
	return d, nil
}

// readUnit reads a unit's source and target, joining its segments (and ignorables) in order.
func (d *document) readUnit(e *element) docUnit {
	id, _ := e.attr("", "id")
	u := docUnit{id: id, translated: true}
	for _, s := range e.elements() {
		if !s.is("segment") && !s.is("ignorable") {
			continue
		}
		var src, trg *element
		for _, c := range s.elements() {
			switch {
			case c.is("source"):
				src = c
			case c.is("target"):
				trg = c
			}
		}
		if src == nil {
			u.problem = "a segment without <source>"
			return u
		}
		if l, ok := src.attr(xmlNS, "lang"); ok && !strings.EqualFold(l, d.srcLang) {
			u.problem = fmt.Sprintf("source in %s, but the document translates from %s", l, d.srcLang)
			return u
		}
		u.source = append(u.source, src.kids...)
		switch {
		case trg != nil:
			if l, ok := trg.attr(xmlNS, "lang"); ok && !strings.EqualFold(l, d.trgLang) {
				u.problem = fmt.Sprintf("target in %s, but the document translates into %s", l, d.trgLang)
				return u
			}
			u.target = append(u.target, trg.kids...)
		case s.is("ignorable"):
			u.target = append(u.target, src.kids...)
		default:
			u.translated = false
		}
	}
	if len(u.source) == 0 && u.translated {
		u.problem = "no segment"
	}
	return u
}

// resolve turns XLIFF inline content back into Markdown with the source's codes (code ids
// are 1 + the index in codes); mapEnd, when not nil, gives the end of a paired code.
func resolve(kids []any, codes []code, mapEnd func(code) string) (string, error) {
	var b strings.Builder
	var walk func([]any) error
	get := func(e *element, attr string, paired bool) (code, error) {
		id, _ := e.attr("", attr)
		k, err := strconv.Atoi(id)
		if err != nil || k < 1 || k > len(codes) {
			return code{}, fmt.Errorf("<%s %s=%q>: no such code in the source", e.name.Local, attr, id)
		}
		c := codes[k-1]
		if c.paired() != paired {
			return code{}, fmt.Errorf("<%s %s=%q>: code %s is a %s in the source", e.name.Local, attr, id, id, map[bool]string{true: "<pc>", false: "<ph>"}[c.paired()])
		}
		return c, nil
	}
	end := func(c code) string {
		if mapEnd != nil {
			return mapEnd(c)
		}
		return c.end
	}
	walk = func(kids []any) error {
		for _, k := range kids {
			s, ok := k.(string)
			if ok {
				b.WriteString(s)
				continue
			}
			e := k.(*element)
			if e.name.Space != Namespace {
				return fmt.Errorf("unexpected element {%s}%s", e.name.Space, e.name.Local)
			}
			switch e.name.Local {
			case "ph":
				c, err := get(e, "id", false)
				if err != nil {
					return err
				}
				b.WriteString(c.start)
			case "pc":
				c, err := get(e, "id", true)
				if err != nil {
					return err
				}
				b.WriteString(c.start)
				if err := walk(e.kids); err != nil {
					return err
				}
				b.WriteString(end(c))
			case "sc":
				c, err := get(e, "id", true)
				if err != nil {
					return err
				}
				b.WriteString(c.start)
			case "ec":
				ref := "startRef"
				if _, ok := e.attr("", ref); !ok {
					ref = "id"
				}
				c, err := get(e, ref, true)
				if err != nil {
					return err
				}
				b.WriteString(end(c))
			case "mrk":
				if err := walk(e.kids); err != nil {
					return err
				}
			case "sm", "em":
			case "cp":
				h, _ := e.attr("", "hex")
				r, err := strconv.ParseUint(h, 16, 32)
				if err != nil || !utf8.ValidRune(rune(r)) {
					return fmt.Errorf("<cp hex=%q>: not a code point", h)
				}
				b.WriteRune(rune(r))
			default:
				return fmt.Errorf("unexpected element <%s>", e.name.Local)
			}
		}
		return nil
	}
	err := walk(kids)
	return b.String(), err
}

package xliff

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.yaml.in/yaml/v3"
)

// blockParser finds the blocks of a lesson body. It is the block part of the courses'
// configuration (CommonMark, GFM tables, footnotes) with one difference: the footnote AST
// transformer is left out, so that a footnote definition nothing refers to is kept and the
// definitions keep their written order. (The footnote block parser still gathers the
// definitions into one list, placed where the first is written; parseLesson counts each
// definition as a top-level block of its own.) Inline parsing is CommonMark's; units find
// their inline codes themselves (see inline.go).
var blockParser = parser.NewParser(
	parser.WithBlockParsers(append(parser.DefaultBlockParsers(),
		util.Prioritized(extension.NewFootnoteBlockParser(), 999))...),
	parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	parser.WithParagraphTransformers(append(parser.DefaultParagraphTransformers(),
		util.Prioritized(extension.NewTableParagraphTransformer(), 200))...),
	parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
)

// kind is what a unit is in the lesson; it decides how a translation is put back.
type kind int

const (
	kindTitle     kind = iota // front matter title: plain text, one line, YAML-quoted
	kindHeading               // one line
	kindParagraph             // paragraph, list item, callout or footnote text: lines
	kindCell                  // table cell: one line, pipes escaped
	kindAlt                   // alt text of an image that is a paragraph of its own: one line
)

// unit is one translatable text of a lesson and where it sits in the source file.
type unit struct {
	id   string
	kind kind
	note string // what the text is, for the translator

	start, end int      // the text's bytes in the source file
	md         string   // the text as the translator sees it: lines joined with "\n"
	gaps       []string // the source between line i-1 and line i (end of line and container prefix)
	cont       string   // end of line and prefix for lines beyond the source's

	// imagePath is, for kindAlt, the byte range of the image's destination and title, whose
	// language infix ("four-phases.ar.svg") follows the target language.
	pathStart, pathEnd int
}

// block is one top-level block of the body (b1, b2, …) with its units; sig describes its
// shape, so that blocks of two languages can be lined up.
type block struct {
	sig   string
	units []*unit
}

// lesson is a lesson file cut into units; everything outside the units is markup kept as is.
type lesson struct {
	src    []byte
	title  *unit
	blocks []block
	units  []*unit // title first, then every unit in source order
	byID   map[string]*unit
}

var titleLine = regexp.MustCompile(`(?m)^title:[ \t]*`)

// parseLesson cuts a lesson file into units.
func parseLesson(src []byte) (*lesson, error) {
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("the lesson is not UTF-8 text")
	}
	l := &lesson{src: src, byID: map[string]*unit{}}
	bodyStart, err := l.frontMatter()
	if err != nil {
		return nil, err
	}
	body := src[bodyStart:]
	doc := blockParser.Parse(text.NewReader(body))
	var top []ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if list, ok := n.(*east.FootnoteList); ok {
			for f := list.FirstChild(); f != nil; f = f.NextSibling() {
				top = append(top, f)
			}
			continue
		}
		top = append(top, n)
	}
	for i, n := range top {
		k := i + 1
		id := "b" + strconv.Itoa(k)
		w := walker{l: l, off: bodyStart}
		w.walk(n, id, "")
		l.blocks = append(l.blocks, block{sig: signature(n, id, w.units), units: w.units})
		l.units = append(l.units, w.units...)
	}
	for _, u := range l.units {
		if l.byID[u.id] != nil {
			return nil, fmt.Errorf("unit %s: two texts with one id", u.id)
		}
		l.byID[u.id] = u
	}
	return l, nil
}

// frontMatter finds the title in the front matter and returns where the body starts.
func (l *lesson) frontMatter() (int, error) {
	src := l.src
	start := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		start = 3
	}
	first, rest, ok := bytes.Cut(src[start:], []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \t\r")) != "---" {
		return 0, fmt.Errorf("missing front matter: a lesson starts with a --- line")
	}
	fmStart := len(src) - len(rest)
	off := fmStart
	for off < len(src) {
		end := len(src)
		next := len(src)
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			end, next = off+i, off+i+1
		}
		if t := string(bytes.TrimRight(src[off:end], " \t\r")); t == "---" || t == "..." {
			if err := l.findTitle(fmStart, off); err != nil {
				return 0, err
			}
			return next, nil
		}
		off = next
	}
	return 0, fmt.Errorf("front matter not closed by a --- line")
}

func (l *lesson) findTitle(from, to int) error {
	fm := l.src[from:to]
	loc := titleLine.FindIndex(fm)
	if loc == nil {
		return fmt.Errorf("missing title in the front matter")
	}
	start := from + loc[1]
	lineEnd := to
	if i := bytes.IndexByte(l.src[start:to], '\n'); i >= 0 {
		lineEnd = start + i
	}
	line := string(bytes.TrimRight(l.src[start:lineEnd], " \t\r"))
	end := start + len(line)
	switch {
	case line == "":
		return fmt.Errorf("the title must be written on the title: line")
	case line[0] == '"':
		if e := closingQuote(line, '"'); e > 0 {
			end = start + e
		}
	case line[0] == '\'':
		if e := closingQuote(line, '\''); e > 0 {
			end = start + e
		}
	default:
		if i := strings.Index(line, " #"); i >= 0 {
			end = start + len(strings.TrimRight(line[:i], " \t"))
		}
	}
	var v struct {
		Title string `yaml:"title"`
	}
	if err := yaml.Unmarshal([]byte("title: "+string(l.src[start:end])), &v); err != nil {
		return fmt.Errorf("the title cannot be read: %v", err)
	}
	if strings.ContainsAny(v.Title, "\n") {
		return fmt.Errorf("the title must be one line")
	}
	l.title = &unit{id: "title", kind: kindTitle, note: "lesson title", start: start, end: end, md: v.Title}
	l.units = append(l.units, l.title)
	return nil
}

// closingQuote returns the index after the quote that closes s (which starts with q), or 0.
func closingQuote(s string, q byte) int {
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == q:
			return i + 1
		}
	}
	return 0
}

// walker collects the units of one top-level block.
type walker struct {
	l     *lesson
	off   int // offset of the body in the file
	units []*unit
}

var calloutMarker = regexp.MustCompile(`^\[!([A-Za-z]+)\][ \t]*$`)

// walk adds the units of n, whose id is id; note says where it sits (list item, callout…).
func (w *walker) walk(n ast.Node, id, note string) {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		w.leaf(n.Lines(), 0, id, kindParagraph, or(note, "paragraph"))
	case *ast.Heading:
		w.leaf(n.Lines(), 0, id, kindHeading, fmt.Sprintf("heading (level %d)", n.Level))
	case *east.Table:
		r := 0
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			r++
			c := 0
			for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
				c++
				cellID := fmt.Sprintf("%s.%d.%d", id, r, c)
				w.leaf(cell.Lines(), 0, cellID, kindCell, fmt.Sprintf("table cell, row %d, column %d", r, c))
			}
		}
	case *ast.List:
		i := 0
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			i++
			w.children(item, fmt.Sprintf("%s.%d", id, i), "list item")
		}
	case *ast.Blockquote:
		if p, ok := n.FirstChild().(*ast.Paragraph); ok && p.Lines().Len() > 0 {
			first := p.Lines().At(0)
			if m := calloutMarker.FindSubmatch(bytes.TrimSpace(first.Value(w.l.src[w.off:]))); m != nil {
				w.callout(n, p, id, "callout ("+string(m[1])+")")
				return
			}
		}
		w.children(n, id, "quotation")
	case *east.Footnote:
		w.children(n, id, "footnote "+string(n.Ref))
	}
	// Code blocks, HTML blocks and thematic breaks are not translated.
}

// callout walks a blockquote whose first line is a [!KIND] marker: the marker stays.
func (w *walker) callout(q *ast.Blockquote, first *ast.Paragraph, id, note string) {
	if q.ChildCount() == 1 {
		w.leaf(first.Lines(), 1, id, kindParagraph, note)
		return
	}
	j := 0
	for c := q.FirstChild(); c != nil; c = c.NextSibling() {
		j++
		cid := fmt.Sprintf("%s.%d", id, j)
		if c == ast.Node(first) {
			w.leaf(first.Lines(), 1, cid, kindParagraph, note)
			continue
		}
		w.walk(c, cid, note)
	}
}

// children walks the blocks of a container: a lone block takes the container's id, several
// are numbered id.1, id.2, …
func (w *walker) children(n ast.Node, id, note string) {
	if n.ChildCount() == 1 {
		w.walk(n.FirstChild(), id, note)
		return
	}
	j := 0
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		j++
		w.walk(c, fmt.Sprintf("%s.%d", id, j), note)
	}
}

// leaf makes a unit of the text lines of a leaf block, skipping its first skip lines. A text
// that is only inline codes (a code span alone in a table cell) is left as markup; anything
// else is a unit, even a number or punctuation, which a translation may write differently
// ("،" for ",", "١٠" for "10").
func (w *walker) leaf(lines *text.Segments, skip int, id string, k kind, note string) {
	src := w.l.src
	var starts, ends []int
	for i := skip; i < lines.Len(); i++ {
		s := lines.At(i)
		a, b := s.Start+w.off, s.Stop+w.off
		for b > a && (src[b-1] == '\n' || src[b-1] == '\r') {
			b--
		}
		starts, ends = append(starts, a), append(ends, b)
	}
	if len(starts) == 0 {
		return
	}
	for starts[0] < ends[0] && (src[starts[0]] == ' ' || src[starts[0]] == '\t') {
		starts[0]++
	}
	last := len(ends) - 1
	for ends[last] > starts[last] && (src[ends[last]-1] == ' ' || src[ends[last]-1] == '\t') {
		ends[last]--
	}
	u := &unit{id: id, kind: k, note: note, start: starts[0], end: ends[last]}
	var md strings.Builder
	for i := range starts {
		if i > 0 {
			md.WriteByte('\n')
			u.gaps = append(u.gaps, string(src[ends[i-1]:starts[i]]))
		}
		md.Write(src[starts[i]:ends[i]])
	}
	u.md = md.String()
	if !hasText(u.md) {
		return
	}
	if n := len(u.gaps); n > 0 {
		u.cont = u.gaps[n-1]
	} else {
		eol := "\n"
		if bytes.HasSuffix(src[u.end:lineEnd(src, u.end)], []byte("\r")) {
			eol = "\r\n"
		}
		u.cont = eol + continuation(string(src[lineStart(src, u.start):u.start]))
	}
	if k == kindParagraph {
		w.image(u)
	}
	w.units = append(w.units, u)
}

// image turns a paragraph that is only an image into the image's alt text.
func (w *walker) image(u *unit) {
	if len(u.gaps) > 0 {
		return
	}
	nodes, codes := scanInline(u.md)
	if len(nodes) != 1 || nodes[0].code < 0 || codes[nodes[0].code].kind != codeImage {
		return
	}
	c := codes[nodes[0].code]
	alt := render(nodes[0].children, codes, nil)
	if !hasText(alt) {
		return
	}
	u.kind, u.note = kindAlt, "image description (alt text)"
	u.pathStart = u.start + len(c.start) + len(alt)
	u.pathEnd = u.end
	u.start += len(c.start)
	u.end = u.pathStart
	u.md = alt
}

// continuation turns the prefix of a block's first line ("> ", "1. ", "[^2]: ") into the
// prefix of its next lines ("> ", "   ", "      ").
func continuation(prefix string) string {
	return strings.Map(func(r rune) rune {
		if r == '>' || r == ' ' || r == '\t' {
			return r
		}
		return ' '
	}, prefix)
}

func lineStart(src []byte, i int) int {
	return bytes.LastIndexByte(src[:i], '\n') + 1
}

func lineEnd(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

func hasText(s string) bool {
	return strings.TrimSpace(stripCodes(s)) != ""
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// signature describes the shape of a top-level block: what it is and the ids of its units
// relative to it. Two blocks with one signature line up unit by unit.
func signature(n ast.Node, id string, units []*unit) string {
	var b strings.Builder
	b.WriteString(n.Kind().String())
	switch n := n.(type) {
	case *ast.Heading:
		fmt.Fprintf(&b, "/%d", n.Level)
	case *ast.List:
		fmt.Fprintf(&b, "/%c", n.Marker)
	case *east.Footnote:
		fmt.Fprintf(&b, "/%s", n.Ref)
	}
	for _, u := range units {
		fmt.Fprintf(&b, " %s:%d", strings.TrimPrefix(u.id, id), u.kind)
	}
	return b.String()
}

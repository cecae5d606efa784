package xliff

import (
	"regexp"
	"strings"
)

// codeKind is the kind of an inline code: Markdown inside a unit that is not text.
type codeKind int

const (
	codeLink     codeKind = iota // [text](url): <pc>, the text inside
	codeImage                    // ![alt](path): <pc>, the alt text inside
	codeFootnote                 // [^1]: <ph>
	codeSpan                     // `code`: <ph>
	codeAutolink                 // <https://…>: <ph>
)

// code is one inline code: start is its Markdown before the text (or all of it for a <ph>),
// end its Markdown after the text.
type code struct {
	kind       codeKind
	start, end string
}

func (c code) paired() bool { return c.kind == codeLink || c.kind == codeImage }

// inline is a piece of a unit's content: text (code < 0) or the code codes[code], with the
// content of a paired code as children.
type inline struct {
	text     string
	code     int
	children []inline
}

// scanInline finds the inline codes of a unit's Markdown. It is a small scanner rather than
// goldmark's inline AST because goldmark keeps no source positions for links, footnote
// references or emphasis, and the codes must cut the text exactly: rendering the result gives
// back the input byte for byte, whatever the scanner recognises. Emphasis (*, **, _) stays
// in the text: translators move it with the words it marks.
func scanInline(s string) ([]inline, []code) {
	sc := &scanner{s: s}
	return sc.scan(0, len(s)), sc.codes
}

type scanner struct {
	s     string
	codes []code
}

var (
	autolink    = regexp.MustCompile(`^<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_` + "`" + `{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)>`)
	footnoteRef = regexp.MustCompile(`^\[\^[^\s\[\]]+\]`)
)

func (sc *scanner) scan(from, to int) []inline {
	s := sc.s
	var out []inline
	textStart := from
	add := func(at, next int, n inline) {
		if at > textStart {
			out = append(out, inline{text: s[textStart:at], code: -1})
		}
		out = append(out, n)
		textStart = next
	}
	for i := from; i < to; {
		switch c := s[i]; {
		case c == '\\':
			i += 2
		case c == '`':
			n := run(s, i, to, '`')
			if e := closingRun(s, i+n, to, n); e >= 0 {
				add(i, e+n, sc.ph(codeSpan, s[i:e+n]))
				i = e + n
			} else {
				i += n
			}
		case c == '<':
			if m := autolink.FindString(s[i:to]); m != "" {
				add(i, i+len(m), sc.ph(codeAutolink, m))
				i += len(m)
			} else {
				i++
			}
		case c == '[' && i+1 < to && s[i+1] == '^':
			if m := footnoteRef.FindString(s[i:to]); m != "" {
				add(i, i+len(m), sc.ph(codeFootnote, m))
				i += len(m)
			} else {
				i++
			}
		case c == '[' || c == '!' && i+1 < to && s[i+1] == '[':
			open := i
			if c == '!' {
				open++
			}
			close := matchBracket(s, open, to)
			end := -1
			if close >= 0 && close+1 < to {
				switch s[close+1] {
				case '(':
					end = matchParen(s, close+1, to)
				case '[':
					end = matchBracket(s, close+1, to)
				}
			}
			if end < 0 {
				i = open + 1
				continue
			}
			k := codeLink
			if c == '!' {
				k = codeImage
			}
			idx := len(sc.codes)
			sc.codes = append(sc.codes, code{kind: k, start: s[i : open+1], end: s[close : end+1]})
			children := sc.scan(open+1, close)
			add(i, end+1, inline{code: idx, children: children})
			i = end + 1
		default:
			i++
		}
	}
	if to > textStart {
		out = append(out, inline{text: s[textStart:to], code: -1})
	}
	return out
}

func (sc *scanner) ph(k codeKind, data string) inline {
	sc.codes = append(sc.codes, code{kind: k, start: data})
	return inline{code: len(sc.codes) - 1}
}

func run(s string, i, to int, c byte) int {
	n := 0
	for i+n < to && s[i+n] == c {
		n++
	}
	return n
}

// closingRun finds a run of exactly n backticks from i.
func closingRun(s string, i, to, n int) int {
	for i < to {
		if s[i] != '`' {
			i++
			continue
		}
		m := run(s, i, to, '`')
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// matchBracket returns the index of the ] that closes the [ at i, or -1.
func matchBracket(s string, i, to int) int {
	depth := 0
	for j := i; j < to; j++ {
		switch s[j] {
		case '\\':
			j++
		case '`':
			n := run(s, j, to, '`')
			if e := closingRun(s, j+n, to, n); e >= 0 {
				j = e + n - 1
			} else {
				j += n - 1
			}
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// matchParen returns the index of the ) that closes the ( at i, or -1; a destination in
// <…> and a quoted title may hold parentheses.
func matchParen(s string, i, to int) int {
	depth := 0
	for j := i; j < to; j++ {
		switch s[j] {
		case '\\':
			j++
		case '<':
			if j == i+1 {
				if e := strings.IndexByte(s[j:to], '>'); e >= 0 {
					j += e
				}
			}
		case '"':
			if s[j-1] == ' ' || s[j-1] == '\t' {
				if e := strings.IndexByte(s[j+1:to], '"'); e >= 0 {
					j += e + 1
				}
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j
			}
		case '\n':
			if j+1 < to && s[j+1] == '\n' {
				return -1
			}
		}
	}
	return -1
}

// render writes inline content back as Markdown with the data of codes; mapEnd, when not
// nil, rewrites the end of a paired code (the image path of the target language).
func render(nodes []inline, codes []code, mapEnd func(code) string) string {
	var b strings.Builder
	renderTo(&b, nodes, codes, mapEnd)
	return b.String()
}

func renderTo(b *strings.Builder, nodes []inline, codes []code, mapEnd func(code) string) {
	for _, n := range nodes {
		if n.code < 0 {
			b.WriteString(n.text)
			continue
		}
		c := codes[n.code]
		b.WriteString(c.start)
		renderTo(b, n.children, codes, mapEnd)
		if mapEnd != nil {
			b.WriteString(mapEnd(c))
		} else {
			b.WriteString(c.end)
		}
	}
}

// stripCodes returns the text of Markdown without its codes' data (a link's text stays).
func stripCodes(s string) string {
	nodes, _ := scanInline(s)
	var b strings.Builder
	var walk func([]inline)
	walk = func(ns []inline) {
		for _, n := range ns {
			if n.code < 0 {
				b.WriteString(n.text)
			} else {
				walk(n.children)
			}
		}
	}
	walk(nodes)
	return b.String()
}

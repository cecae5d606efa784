// Package xliff exports a lesson for a translator as an XLIFF 2.0 document (OASIS XLIFF
// Version 2.0, core only) and imports the translated document back as the lesson file in the
// target language.
//
// # Units
//
// A lesson is cut into translatable units, each with a stable, readable id:
//
//	title        the front matter's title (plain text, not Markdown)
//	b7           top-level block 7 of the body when it is one text: a heading, a paragraph,
//	             a callout with one paragraph, a footnote definition, an image on its own
//	             (then the unit is the alt text only)
//	b7.3         item 3 of the list b7; paragraph 3 of a callout or footnote of several
//	b7.3.2       block 2 of list item b7.3 when the item holds several (a nested list's
//	             items go on: b7.3.2.1 …)
//	b7.2.4       the table b7, row 2 (the header row is 1), column 4
//
// Blocks are numbered in source order, including those without text (code blocks, thematic
// breaks), so an id does not move when a text elsewhere is edited. A text made only of inline
// codes (a code span alone in a table cell) is no unit; a number or punctuation is, since a
// translation may write it differently ("،" for ","). Everything else — "## ", list bullets
// and numbers, table pipes and the alignment row, the "> [!NOTE]" marker line, footnote
// labels, front matter keys and exercise_minutes, blank lines — is markup: it is not in the
// document and Import takes it from the source lesson, so the translated file has the source's
// structure, block for block.
//
// # Inline Markdown
//
// Inside a unit, Markdown that is not text becomes XLIFF inline codes, whose Markdown is
// kept in the unit's <originalData>: a link or an inline image is a <pc> around its text or
// alt text (its "[" before, its "](url)" after); a footnote reference [^1], a code span and
// an autolink are a <ph>. A translator moves the codes with the words but cannot break a URL
// or a footnote label; Import takes every code's Markdown from the source lesson, and changes
// an image path's language infix ("images/four-phases.ar.svg") to the target language, as
// FORMAT.md names figures. Emphasis (*, **, _) stays plain Markdown in the text: it is short,
// readable, and a translator places it around the words that carry it in the target language.
//
// Every <source> and <target> has xml:space="preserve": a paragraph written on several lines
// keeps its line breaks ("\n"), which Import puts back with the source's line prefixes ("> "
// in a callout, the indentation of a list item).
//
// # Finding blocks
//
// Blocks are found with goldmark, as the courses render them (CommonMark with GFM tables and
// footnotes), from the source positions of each leaf block's lines: a hand-written line
// splitter would have to redo CommonMark's rules for lazy continuation lines, list item
// indentation, fenced code holding "#" or "|" lines and tables that need a delimiter row,
// and would disagree with the page at the first unusual lesson. The texts themselves are
// cut from the source bytes, never re-rendered, so everything outside them is kept exactly.
//
// # Limits
//
// A translation fills the units of a block only where the existing target file lines up with
// the source: blocks are matched in order (a longest common subsequence) by their shape — the
// kind of block, heading level, footnote label, and the ids of its units — so an extra
// paragraph in the translation leaves the blocks around it matched, and a list with one more
// item or a table with one more row is left without targets for the translator to fill. Shapes
// alone cannot tell which of two neighbouring paragraphs a translator merged or split: a
// source paragraph written as two in the translation gets the first of them as its target,
// for the translator to review. An imported lesson always has the source's structure: a
// translator cannot add or remove a paragraph, a list item or a table row through XLIFF.
package xliff

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Namespace is the XML namespace of XLIFF 2.0 documents.
const Namespace = "urn:oasis:names:tc:xliff:document:2.0"

var (
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	langRE = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)
)

// rtl lists the primary language subtags written right to left.
var rtl = map[string]bool{"ar": true, "fa": true, "he": true, "ur": true, "ps": true, "ckb": true, "dv": true, "yi": true}

func checkNames(course, lesson, srcLang, trgLang string) error {
	switch {
	case !nameRE.MatchString(course):
		return fmt.Errorf("xliff: course %q: use letters, digits, '.', '_' and '-'", course)
	case !nameRE.MatchString(lesson):
		return fmt.Errorf("xliff: lesson %q: use letters, digits, '.', '_' and '-'", lesson)
	case !langRE.MatchString(srcLang):
		return fmt.Errorf("xliff: source language %q is not a language tag", srcLang)
	case !langRE.MatchString(trgLang):
		return fmt.Errorf("xliff: target language %q is not a language tag", trgLang)
	case strings.EqualFold(srcLang, trgLang):
		return fmt.Errorf("xliff: source and target language are both %q", srcLang)
	}
	return nil
}

// Export returns an XLIFF 2.0 document for translating lesson (its file name without
// language, e.g. "01-why-open-government") of course (slug) from the source file (srcLang)
// into trgLang; target, when not nil, is the existing translation, whose text fills the
// targets of the units that line up with the source.
func Export(course, lesson, srcLang, trgLang string, source, target []byte) ([]byte, error) {
	return ExportBased(course, lesson, srcLang, trgLang, source, target, -1)
}

// BaseNamespace is the namespace of the attribute base on the document's <file>: the
// revision of the target-language lesson the document was exported from (XLIFF 2.0 lets
// <file> carry attributes of other namespaces; translation tools keep them). Importing the
// document then saves on that revision, so a translation changed in the meantime is not
// overwritten silently.
const BaseNamespace = "urn:masar:xliff:1"

// ExportBased is Export with the revision of the existing translation (0: there is none
// yet) written in the document as the base of its import; a negative base writes none.
func ExportBased(course, lesson, srcLang, trgLang string, source, target []byte, base int64) ([]byte, error) {
	if err := checkNames(course, lesson, srcLang, trgLang); err != nil {
		return nil, err
	}
	src, err := parseLesson(source)
	if err != nil {
		return nil, fmt.Errorf("xliff: source lesson: %w", err)
	}
	var targets map[string]string
	if target != nil {
		trg, err := parseLesson(target)
		if err != nil {
			return nil, fmt.Errorf("xliff: existing translation: %w", err)
		}
		targets = lineUp(src, trg)
	}
	return writeDocument(course, lesson, srcLang, trgLang, src, targets, base), nil
}

// lineUp returns the text of trg's units for the units of src they line up with, by id.
func lineUp(src, trg *lesson) map[string]string {
	out := map[string]string{src.title.id: trg.title.md}
	for _, p := range alignBlocks(src.blocks, trg.blocks) {
		for k, u := range src.blocks[p[0]].units {
			out[u.id] = trg.blocks[p[1]].units[k].md
		}
	}
	return out
}

// alignBlocks pairs blocks of a and b with equal signatures, in order, as many as possible
// (longest common subsequence). Blocks without units are left out.
func alignBlocks(a, b []block) [][2]int {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i].sig == b[j].sig {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var pairs [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i].sig == b[j].sig:
			if len(a[i].units) > 0 {
				pairs = append(pairs, [2]int{i, j})
			}
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	return pairs
}

// Import reads a translated XLIFF document and returns the identifiers and the lesson file in
// the target language, rebuilt from the source structure and the targets. It refuses, with
// an error naming the unit id, a document whose units are missing, duplicated or left
// untranslated (empty target), or whose languages are not srcLang/trgLang.
//
// The source lesson must be the one the document was exported from: a unit whose <source>
// no longer matches the lesson's text is refused too, as its translation would be out of date.
func Import(doc []byte, source []byte) (course, lesson, srcLang, trgLang string, file []byte, err error) {
	d, err := readDocument(doc)
	if err != nil {
		return "", "", "", "", nil, err
	}
	src, err := parseLesson(source)
	if err != nil {
		return "", "", "", "", nil, fmt.Errorf("xliff: source lesson: %w", err)
	}
	var problems []error
	fail := func(id, format string, args ...any) {
		problems = append(problems, fmt.Errorf("xliff: unit %s: %s", id, fmt.Sprintf(format, args...)))
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	seen := map[string]bool{}
	for _, du := range d.units {
		u := src.byID[du.id]
		switch {
		case seen[du.id]:
			fail(du.id, "appears more than once in the document")
			continue
		case u == nil:
			fail(du.id, "is not in the source lesson")
			continue
		}
		seen[du.id] = true
		if du.problem != "" {
			fail(du.id, "%s", du.problem)
			continue
		}
		_, codes := scanInline(u.md)
		if u.kind == kindTitle {
			codes = nil
		}
		srcText, err := resolve(du.source, codes, nil)
		if err != nil {
			fail(du.id, "source: %v", err)
			continue
		}
		if strings.Join(strings.Fields(srcText), " ") != strings.Join(strings.Fields(u.md), " ") {
			fail(du.id, "the source text differs from the lesson's (was the lesson changed since the export?)")
			continue
		}
		if !du.translated {
			fail(du.id, "not translated (no target)")
			continue
		}
		trgText, err := resolve(du.target, codes, func(c code) string {
			if c.kind == codeImage {
				return mapPath(c.end, d.srcLang, d.trgLang)
			}
			return c.end
		})
		if err != nil {
			fail(du.id, "target: %v", err)
			continue
		}
		placed, ok := place(u, trgText)
		if !ok {
			fail(du.id, "not translated (empty target)")
			continue
		}
		edits = append(edits, edit{u.start, u.end, placed})
		if u.kind == kindAlt {
			edits = append(edits, edit{u.pathStart, u.pathEnd,
				mapPath(string(src.src[u.pathStart:u.pathEnd]), d.srcLang, d.trgLang)})
		}
	}
	for _, u := range src.units {
		if !seen[u.id] {
			fail(u.id, "missing from the document")
		}
	}
	if len(problems) > 0 {
		return "", "", "", "", nil, errors.Join(problems...)
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b strings.Builder
	at := 0
	for _, e := range edits {
		b.Write(src.src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.Write(src.src[at:])
	return d.course, d.lesson, d.srcLang, d.trgLang, []byte(b.String()), nil
}

var (
	blankLines  = regexp.MustCompile(`\n[ \t]*(?:\n[ \t]*)+`)
	lineBreaks  = regexp.MustCompile(`[ \t]*\n[ \t]*`)
	blockStart  = regexp.MustCompile("^(?:#{1,6}(?:[ \\t]|$)|[-+*](?:[ \\t]|$)|>|=+[ \\t]*$|-+[ \\t]*$|_[ \\t]*_[ \\t]*_|```|~~~|\\[[^\\]]*\\]:|<[A-Za-z/!?])")
	orderedItem = regexp.MustCompile(`^\d{1,9}[.)](?:[ \t]|$)`)
	closingHash = regexp.MustCompile(`[ \t]#+$`)
)

// place makes the Markdown that replaces u's text in the source from a translation: one line
// or lines with the source's prefixes, escaped where the text would otherwise change the
// structure (a line starting "- " in a paragraph, a "|" in a table cell). It reports false
// for an empty translation.
func place(u *unit, t string) (string, bool) {
	t = strings.TrimSpace(strings.ReplaceAll(t, "\r\n", "\n"))
	if t == "" {
		return "", false
	}
	if u.kind != kindParagraph {
		t = lineBreaks.ReplaceAllString(t, " ")
	}
	switch u.kind {
	case kindTitle:
		return strconv.Quote(t), true
	case kindHeading:
		if m := closingHash.FindStringIndex(t); m != nil {
			t = t[:m[0]+1] + `\` + t[m[0]+1:]
		}
		return t, true
	case kindCell:
		return escapeUnescaped(t, func(c byte) bool { return c == '|' }), true
	case kindAlt:
		if !balanced(t) {
			t = escapeUnescaped(t, func(c byte) bool { return c == '[' || c == ']' })
		}
		return t, true
	}
	t = blankLines.ReplaceAllString(t, "\n")
	var b strings.Builder
	for i, line := range strings.Split(t, "\n") {
		if i > 0 {
			if i-1 < len(u.gaps) {
				b.WriteString(u.gaps[i-1])
			} else {
				b.WriteString(u.cont)
			}
		}
		switch {
		case orderedItem.MatchString(line):
			n := strings.IndexAny(line, ".)")
			line = line[:n] + `\` + line[n:]
		case blockStart.MatchString(line):
			line = `\` + line
		}
		b.WriteString(line)
	}
	return b.String(), true
}

// escapeUnescaped puts a backslash before every byte of s that special reports, unless one is
// there already.
func escapeUnescaped(s string, special func(byte) bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			b.WriteString(s[i : i+2])
			i++
			continue
		}
		if special(s[i]) {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// balanced reports whether the unescaped brackets of s pair up.
func balanced(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

var langInfix = regexp.MustCompile(`^([^)\s>"]*)\.([A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*)(\.[A-Za-z0-9]+)([)\s>"]|$)`)

// mapPath changes the language of an image path written NAME.LANG.EXT, in the Markdown after
// an image's alt text ("](images/four-phases.ar.svg)"), from srcLang to trgLang.
func mapPath(end, srcLang, trgLang string) string {
	prefix := "]("
	if !strings.HasPrefix(end, prefix) {
		return end
	}
	rest := strings.TrimPrefix(end[len(prefix):], "<")
	at := len(end) - len(rest)
	m := langInfix.FindStringSubmatchIndex(rest)
	if m == nil || !strings.EqualFold(rest[m[4]:m[5]], srcLang) {
		return end
	}
	return end[:at+m[4]] + trgLang + end[at+m[5]:]
}

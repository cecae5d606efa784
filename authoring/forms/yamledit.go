package forms

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/masar-platform/masar/courses"
)

// The files are changed by splicing text into the source rather than by encoding the YAML
// tree again: yaml.v3 re-indents, re-quotes, re-wraps and moves comments when it writes a
// tree, and a one-word change to a title must not turn into a diff of the whole file. The
// parsed tree (yaml.Node) tells where each key and value starts; an editor finds where a
// value ends, queues replacements of byte ranges, and applies them together at the end.

// ErrUnsupported is returned for YAML this package does not rewrite (anchors, aliases,
// explicit tags on a value it has to change, a list written in an unusual layout): the
// file is then edited as text.
var ErrUnsupported = errors.New("forms: YAML construct not supported by the form editor")

// editor holds a YAML file, its parsed tree and the pending changes.
type editor struct {
	src   []byte
	lines []int      // byte offset at which each line starts
	root  *yaml.Node // the top mapping
	edits []edit
}

// edit replaces src[lo:hi] by text. Insertions (lo == hi) at the same place keep the order
// in which they were queued.
type edit struct {
	lo, hi int
	text   string
}

func newEditor(src []byte) (*editor, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("forms: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("forms: expected a YAML mapping of keys to values")
	}
	e := &editor{src: src, root: doc.Content[0], lines: []int{0}}
	for i, b := range src {
		if b == '\n' {
			e.lines = append(e.lines, i+1)
		}
	}
	return e, nil
}

// off converts a line and a column (1-based; yaml.v3 counts columns in characters) to a
// byte offset in src.
func (e *editor) off(line, col int) int {
	if line < 1 || line > len(e.lines) {
		return len(e.src)
	}
	o := e.lines[line-1]
	for i := 1; i < col && o < len(e.src); i++ {
		_, size := utf8.DecodeRune(e.src[o:])
		o += size
	}
	return o
}

func (e *editor) start(n *yaml.Node) int { return e.off(n.Line, n.Column) }

// lineStart returns the offset at which the line holding offset o starts.
func (e *editor) lineStart(o int) int {
	i := sort.Search(len(e.lines), func(i int) bool { return e.lines[i] > o })
	return e.lines[i-1]
}

// lineEnd returns the offset of the newline ending the line that holds o (len(src) on the
// last line without one).
func (e *editor) lineEnd(o int) int {
	if i := bytes.IndexByte(e.src[o:], '\n'); i >= 0 {
		return o + i
	}
	return len(e.src)
}

// afterLine returns the offset just past the newline ending the line that holds o.
func (e *editor) afterLine(o int) int { return min(e.lineEnd(o)+1, len(e.src)) }

func plainNode(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" || n.Style&yaml.TaggedStyle != 0 {
		return fmt.Errorf("%w (line %d)", ErrUnsupported, n.Line)
	}
	return nil
}

// end returns the offset just past node n; flow tells whether n is inside a flow collection
// ([…] or {…}), where a plain scalar also ends at a comma or a closing bracket.
func (e *editor) end(n *yaml.Node, flow bool) (int, error) {
	if err := plainNode(n); err != nil {
		return 0, err
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return e.scalarEnd(n, flow, false)
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return e.flowEnd(e.start(n))
		}
		if len(n.Content) == 0 {
			return e.start(n), nil
		}
		return e.end(n.Content[len(n.Content)-1], false)
	}
	return 0, fmt.Errorf("%w (line %d)", ErrUnsupported, n.Line)
}

// flowEnd returns the offset just past the bracket that closes the one at o.
func (e *editor) flowEnd(o int) (int, error) {
	s, depth := e.src, 0
	for i := o; i < len(s); i++ {
		switch c := s[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '"':
			j, err := quotedEnd(s, i)
			if err != nil {
				return 0, err
			}
			i = j - 1
		case '\'':
			if i > o && (s[i-1] == ' ' || s[i-1] == ',' || s[i-1] == '[' || s[i-1] == '{' || s[i-1] == ':') {
				j, err := singleEnd(s, i)
				if err != nil {
					return 0, err
				}
				i = j - 1
			}
		case '#':
			if i > o && (s[i-1] == ' ' || s[i-1] == '\t') {
				i = e.lineEnd(i) - 1
			}
		}
	}
	return 0, fmt.Errorf("%w: unclosed bracket", ErrUnsupported)
}

// quotedEnd returns the offset past the double-quoted scalar starting at o.
func quotedEnd(s []byte, o int) (int, error) {
	for i := o + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, fmt.Errorf("%w: unclosed quote", ErrUnsupported)
}

// singleEnd returns the offset past the single-quoted scalar starting at o (a doubled
// quote stands for one).
func singleEnd(s []byte, o int) (int, error) {
	for i := o + 1; i < len(s); i++ {
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				i++
				continue
			}
			return i + 1, nil
		}
	}
	return 0, fmt.Errorf("%w: unclosed quote", ErrUnsupported)
}

// scalarEnd returns the offset just past scalar n. A key (isKey) ends before its colon.
// The span found is checked against the value yaml.v3 read, so that a mistake here stops
// the edit instead of corrupting the file.
func (e *editor) scalarEnd(n *yaml.Node, flow, isKey bool) (int, error) {
	s := e.start(n)
	fail := fmt.Errorf("%w: cannot find the end of the value on line %d", ErrUnsupported, n.Line)
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0, n.Style&yaml.SingleQuotedStyle != 0:
		var end int
		var err error
		if n.Style&yaml.DoubleQuotedStyle != 0 {
			end, err = quotedEnd(e.src, s)
		} else {
			end, err = singleEnd(e.src, s)
		}
		if err != nil {
			return 0, err
		}
		var v string
		if yaml.Unmarshal(e.src[s:end], &v) != nil || v != n.Value {
			return 0, fail
		}
		return end, nil
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return e.blockScalarEnd(s), nil
	}
	if n.Tag == "!!null" && n.Value == "" {
		return s, nil // key: with nothing after it; yaml.v3 places the value after the colon
	}
	// Plain: up to a comment, a colon that ends a key, or (in a flow collection) a comma or
	// a closing bracket; a long plain scalar may continue on the next lines.
	lineEnd := e.lineEnd(s)
	seg := e.src[s:lineEnd]
	cut := len(seg)
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c == '#' && i > 0 && (seg[i-1] == ' ' || seg[i-1] == '\t') ||
			isKey && c == ':' && (i+1 == len(seg) || seg[i+1] == ' ' || seg[i+1] == '\t' || flow && strings.IndexByte(",]}", seg[i+1]) >= 0) ||
			flow && strings.IndexByte(",]}", c) >= 0 {
			cut = i
			break
		}
	}
	first := strings.TrimRight(string(seg[:cut]), " \t\r")
	if first == n.Value {
		return s + len(first), nil
	}
	if isKey || flow {
		return 0, fail
	}
	value, breaks := first, 0
	for o := e.afterLine(s); o < len(e.src); o = e.afterLine(o) {
		le := e.lineEnd(o)
		t := strings.TrimSpace(string(e.src[o:le]))
		if i := strings.Index(t, " #"); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
		if t == "" {
			breaks++
			continue
		}
		if breaks > 0 {
			value += strings.Repeat("\n", breaks)
		} else {
			value += " "
		}
		value += t
		breaks = 0
		if value == n.Value {
			return o + len(strings.TrimRight(string(e.src[o:le]), " \t\r")), nil
		}
		if len(value) > len(n.Value) {
			break
		}
	}
	return 0, fail
}

// blockScalarEnd returns the end of a literal (|) or folded (>) scalar whose indicator is at
// s: its lines are those indented at least as much as its first non-empty line.
func (e *editor) blockScalarEnd(s int) int {
	end := e.lineEnd(s)
	indent := -1
	for o := e.afterLine(s); o < len(e.src); o = e.afterLine(o) {
		le := e.lineEnd(o)
		line := string(e.src[o:le])
		if strings.TrimSpace(line) == "" {
			if le == len(e.src) {
				break
			}
			continue
		}
		ind := len(line) - len(strings.TrimLeft(line, " "))
		if indent < 0 {
			indent = ind
		}
		if ind < indent || indent == 0 {
			break
		}
		end = o + len(strings.TrimRight(line, " \t\r"))
		if le == len(e.src) {
			break
		}
	}
	return end
}

func (e *editor) add(lo, hi int, text string) { e.edits = append(e.edits, edit{lo, hi, text}) }

// apply returns src with every queued edit made; overlapping edits are a bug of this package
// and reported as such.
func (e *editor) apply() ([]byte, error) {
	ed := slices.Clone(e.edits)
	sort.SliceStable(ed, func(i, j int) bool { return ed[i].lo < ed[j].lo })
	var out bytes.Buffer
	out.Grow(len(e.src) + 256)
	at := 0
	for _, x := range ed {
		if x.lo < at || x.hi < x.lo {
			return nil, errors.New("forms: overlapping edits")
		}
		out.Write(e.src[at:x.lo])
		out.WriteString(x.text)
		at = x.hi
	}
	out.Write(e.src[at:])
	return out.Bytes(), nil
}

// get returns the key and the value of k in mapping m, or nils.
func get(m *yaml.Node, k string) (key, value *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func isFlow(n *yaml.Node) bool { return n.Style&yaml.FlowStyle != 0 }

// indentOf is the indentation of the keys of a block mapping, or of the dashes of a block
// sequence.
func indentOf(n *yaml.Node) string { return strings.Repeat(" ", max(n.Column-1, 0)) }

// setScalar replaces scalar value v (inside a flow collection when flow) with text, already
// written as YAML.
func (e *editor) setScalar(v *yaml.Node, flow bool, text string) error {
	end, err := e.end(v, flow)
	if err != nil {
		return err
	}
	s := e.start(v)
	if v.Tag == "!!null" && v.Value == "" && v.Kind == yaml.ScalarNode {
		text = " " + text
	}
	e.add(s, end, text)
	return nil
}

// replaceValue replaces the whole value of key k in m — colon included — with ":" followed
// by rendered (which starts with a space for a value on the key's line, with a newline for
// a block value below it).
func (e *editor) replaceValue(m *yaml.Node, k, v *yaml.Node, rendered string) error {
	kend, err := e.scalarEnd(k, isFlow(m), true)
	if err != nil {
		return err
	}
	vend, err := e.end(v, isFlow(m))
	if err != nil {
		return err
	}
	if vend < kend {
		vend = kend + bytes.IndexByte(e.src[kend:], ':') + 1
	}
	e.add(kend, vend, ":"+rendered)
	return nil
}

// insertKey adds key k with its rendered value (see replaceValue) to mapping m, after the
// existing key after (nil: before the first key).
func (e *editor) insertKey(m, after *yaml.Node, k, rendered string) error {
	flow := isFlow(m)
	if after == nil {
		if len(m.Content) == 0 {
			if !flow {
				return fmt.Errorf("%w: empty mapping on line %d", ErrUnsupported, m.Line)
			}
			e.add(e.start(m)+1, e.start(m)+1, " "+k+":"+rendered+" ")
			return nil
		}
		sep := "\n" + indentOf(m)
		if flow {
			sep = ", "
		}
		s := e.start(m.Content[0])
		e.add(s, s, k+":"+rendered+sep)
		return nil
	}
	_, v := getByKeyNode(m, after)
	end, err := e.end(v, flow)
	if err != nil {
		return err
	}
	if flow {
		e.add(end, end, ", "+k+":"+rendered)
		return nil
	}
	at := e.lineEnd(end)
	e.add(at, at, "\n"+indentOf(m)+k+":"+rendered)
	return nil
}

func getByKeyNode(m, key *yaml.Node) (*yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i] == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// removeKey deletes key k and its value from mapping m.
func (e *editor) removeKey(m, k *yaml.Node) error {
	i := slices.Index(m.Content, k)
	if i < 0 || i+1 >= len(m.Content) {
		return errors.New("forms: key not in mapping")
	}
	flow := isFlow(m)
	end, err := e.end(m.Content[i+1], flow)
	if err != nil {
		return err
	}
	ks := e.start(k)
	var next *yaml.Node
	if i+2 < len(m.Content) {
		next = m.Content[i+2]
	}
	switch {
	case flow && i > 0:
		prevEnd, err := e.end(m.Content[i-1], true)
		if err != nil {
			return err
		}
		e.add(prevEnd, end, "")
	case flow && next != nil:
		e.add(ks, e.start(next), "")
	case flow:
		e.add(ks, end, "")
	case strings.TrimSpace(string(e.src[e.lineStart(ks):ks])) == "":
		e.add(e.lineStart(ks), e.afterLine(end), "")
	case next != nil: // the first key of a list item, after its dash: the next key moves up
		e.add(ks, e.start(next), "")
	default:
		return fmt.Errorf("%w: would empty the mapping on line %d", ErrUnsupported, m.Line)
	}
	return nil
}

// A scalar's kind decides how a new value is written.
type kind int

const (
	kindText kind = iota // prose: double-quoted unless the file wrote it otherwise
	kindWord             // ids, slugs, levels, durations: plain when YAML allows
	kindRaw              // numbers and booleans, written as they are
)

// render writes s as a YAML scalar, in the style of old (the value it replaces) when there is
// one and it can hold s.
func render(s string, k kind, old *yaml.Node, flow bool) string {
	if k == kindRaw {
		return s
	}
	style := yaml.DoubleQuotedStyle
	if old != nil && old.Kind == yaml.ScalarNode && !(old.Tag == "!!null" && old.Value == "") {
		style = old.Style
	} else if k == kindWord {
		style = 0
	}
	switch {
	case style&yaml.SingleQuotedStyle != 0 && !strings.ContainsAny(s, "\n\r") && printable(s):
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	case style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && plainOK(s, flow):
		return s
	}
	return quote(s)
}

// quote writes s as a double-quoted YAML scalar: Go's escapes are YAML's, and graphic
// characters (Arabic, the no-break spaces of French) stay as they are.
func quote(s string) string { return strconv.QuoteToGraphic(s) }

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsGraphic(r) {
			return false
		}
	}
	return true
}

// plainOK reports whether s can be written without quotes and still read back as the same
// text.
func plainOK(s string, flow bool) bool {
	if s == "" || strings.TrimSpace(s) != s || !printable(s) || strings.ContainsAny(s, "\u00a0\u202f") ||
		strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`", rune(s[0])) ||
		strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") ||
		flow && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	var v any
	if yaml.Unmarshal([]byte(s), &v) != nil {
		return false
	}
	str, ok := v.(string)
	return ok && str == s
}

// langOrder lists the languages of m in the platform's order (Arabic first), then any other.
func langOrder[V any](m map[string]V) []string {
	var out, rest []string
	for _, l := range courses.Languages {
		if _, ok := m[l]; ok {
			out = append(out, l)
		}
	}
	for l := range m {
		if !slices.Contains(courses.Languages, l) {
			rest = append(rest, l)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// renderTexts writes a language → text mapping as a block below its key, at indent ind.
func renderTexts(ind string, texts map[string]string) string {
	var b strings.Builder
	for _, l := range langOrder(texts) {
		b.WriteString("\n" + ind + l + ": " + quote(texts[l]))
	}
	return b.String()
}

// renderList writes a list as a block below its key, dashes at indent ind, its items in the
// style of like (an item of the list it replaces) when there is one.
func renderList(ind string, items []string, k kind, like *yaml.Node) string {
	if len(items) == 0 {
		return " []"
	}
	var b strings.Builder
	for _, s := range items {
		b.WriteString("\n" + ind + "- " + render(s, k, like, false))
	}
	return b.String()
}

// renderFlowList writes a list on one line: [a, b].
func renderFlowList(items []string, k kind, like *yaml.Node) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = render(s, k, like, true)
	}
	return " [" + strings.Join(out, ", ") + "]"
}

// firstScalar returns the first item of sequence n when it is a scalar, to copy its style.
func firstScalar(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.SequenceNode && len(n.Content) > 0 && n.Content[0].Kind == yaml.ScalarNode {
		return n.Content[0]
	}
	return nil
}

// anchorFor places a new key k in m: after the last key of m (not in skip) that comes before
// k in order, or first when there is none (nil).
func anchorFor(m *yaml.Node, k string, order []string, skip map[*yaml.Node]bool) *yaml.Node {
	i := slices.Index(order, k)
	var anchor *yaml.Node
	for j := 0; j+1 < len(m.Content); j += 2 {
		key := m.Content[j]
		if skip[key] {
			continue
		}
		if p := slices.Index(order, key.Value); p >= 0 && p < i {
			anchor = key
		}
	}
	return anchor
}

// setList makes the value of key k in m the list items. A list of the same length is
// changed item by item (comments and layout stay); otherwise it is written again in its
// layout (one line, or one item a line). flowNew says how a new list is written.
func (e *editor) setList(m *yaml.Node, k string, items []string, kd kind, order []string, flowNew bool) error {
	key, v := get(m, k)
	if key == nil {
		r := renderList(indentOf(m)+"  ", items, kd, nil)
		if flowNew {
			r = renderFlowList(items, kd, nil)
		}
		return e.insertKey(m, anchorFor(m, k, order, nil), k, r)
	}
	like := firstScalar(v)
	if v.Kind == yaml.SequenceNode && len(v.Content) == len(items) {
		for i, it := range v.Content {
			if it.Kind != yaml.ScalarNode {
				return e.replaceValue(m, key, v, renderList(indentOf(m)+"  ", items, kd, nil))
			}
			if it.Value != items[i] {
				if err := e.setScalar(it, isFlow(v), render(items[i], kd, it, isFlow(v))); err != nil {
					return err
				}
			}
		}
		return nil
	}
	switch {
	case v.Kind == yaml.SequenceNode && isFlow(v) || flowNew && v.Kind != yaml.SequenceNode || len(items) == 0:
		return e.replaceValue(m, key, v, renderFlowList(items, kd, like))
	case v.Kind == yaml.SequenceNode && len(v.Content) > 0:
		return e.replaceValue(m, key, v, renderList(indentOf(v), items, kd, like))
	}
	return e.replaceValue(m, key, v, renderList(indentOf(m)+"  ", items, kd, nil))
}

// setTexts makes the value of key k in m the language → text mapping texts: changed texts are
// rewritten in place, new languages added, languages absent from texts removed.
func (e *editor) setTexts(m *yaml.Node, k string, texts map[string]string, order []string) error {
	key, v := get(m, k)
	if key == nil {
		if len(texts) == 0 {
			return nil
		}
		return e.insertKey(m, anchorFor(m, k, order, nil), k, renderTexts(indentOf(m)+"  ", texts))
	}
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		return e.replaceValue(m, key, v, renderTexts(indentOf(m)+"  ", texts))
	}
	langs := langOrder(texts)
	removed := map[*yaml.Node]bool{}
	kept := 0
	for i := 0; i+1 < len(v.Content); i += 2 {
		if _, ok := texts[v.Content[i].Value]; !ok {
			removed[v.Content[i]] = true
		} else {
			kept++
		}
	}
	if kept == 0 {
		return e.replaceValue(m, key, v, renderTexts(indentOf(m)+"  ", texts))
	}
	for kn := range removed {
		if err := e.removeKey(v, kn); err != nil {
			return err
		}
	}
	for _, l := range langs {
		lk, lv := get(v, l)
		switch {
		case lk == nil:
			r := " " + render(texts[l], kindText, nil, isFlow(v))
			if err := e.insertKey(v, anchorFor(v, l, langs, removed), l, r); err != nil {
				return err
			}
		case lv.Kind != yaml.ScalarNode:
			if err := e.replaceValue(v, lk, lv, " "+quote(texts[l])); err != nil {
				return err
			}
		case lv.Value != texts[l]:
			if err := e.setScalar(lv, isFlow(v), render(texts[l], kindText, lv, isFlow(v))); err != nil {
				return err
			}
		}
	}
	return nil
}

// setValue makes the value of key k in m the scalar s.
func (e *editor) setValue(m *yaml.Node, k, s string, kd kind, order []string) error {
	key, v := get(m, k)
	if key == nil {
		return e.insertKey(m, anchorFor(m, k, order, nil), k, " "+render(s, kd, nil, isFlow(m)))
	}
	if v.Kind != yaml.ScalarNode {
		return e.replaceValue(m, key, v, " "+render(s, kd, nil, isFlow(m)))
	}
	return e.setScalar(v, isFlow(m), render(s, kd, v, isFlow(m)))
}

// permute reorders the items of sequence seq so that item i becomes the item order[i] was.
// Items move with their layout and comments on their lines; lines between items (comments,
// blank lines) stay where they are.
func (e *editor) permute(seq *yaml.Node, order []int) error {
	type span struct{ lo, hi int }
	spans := make([]span, len(seq.Content))
	for i, it := range seq.Content {
		end, err := e.end(it, isFlow(seq))
		if err != nil {
			return err
		}
		s := e.start(it)
		if isFlow(seq) {
			spans[i] = span{s, end}
			continue
		}
		ls := e.lineStart(s)
		if p := strings.TrimSpace(string(e.src[ls:s])); p != "-" {
			return fmt.Errorf("%w: list item on line %d does not start its line", ErrUnsupported, it.Line)
		}
		spans[i] = span{ls, e.lineEnd(end)}
	}
	for i, from := range order {
		if from != i {
			e.add(spans[i].lo, spans[i].hi, string(e.src[spans[from].lo:spans[from].hi]))
		}
	}
	return nil
}

package certificates

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/benoitkugler/textprocessing/fribidi"
	"github.com/tdewolff/canvas/text"
	"github.com/tdewolff/font"
	"golang.org/x/text/unicode/norm"
)

// face is one loaded font: its outlines and metrics (tdewolff/font, which also subsets it
// for the PDF) and its OpenType shaper (HarfBuzz's algorithm in pure Go, go-text/typesetting,
// through canvas/text). Shaping and subsetting take the face's lock: the shaper keeps caches.
type face struct {
	name   string // PostScript name
	sfnt   *font.SFNT
	shaper text.Shaper
	upem   float64
	mu     sync.Mutex
}

// parseFace loads a TrueType or OpenType (CFF) font.
func parseFace(b []byte) (*face, error) {
	sfnt, err := font.ParseSFNT(b, 0)
	if err != nil {
		return nil, err
	}
	if !sfnt.IsTrueType && !sfnt.IsCFF {
		return nil, fmt.Errorf("font has neither TrueType nor CFF outlines")
	}
	if _, ok := sfnt.Tables["CFF2"]; ok {
		return nil, fmt.Errorf("CFF2 (variable) fonts cannot be embedded")
	}
	sh, err := text.NewShaper(b, 0)
	if err != nil {
		return nil, err
	}
	f := &face{sfnt: sfnt, shaper: sh, upem: float64(sfnt.Head.UnitsPerEm)}
	if recs := sfnt.Name.Get(font.NamePostScript); len(recs) > 0 {
		f.name = recs[0].String()
	}
	f.name = strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f && !strings.ContainsRune("()<>[]{}/%#", r) {
			return r
		}
		return -1
	}, f.name)
	if f.name == "" {
		f.name = "Font"
	}
	return f, nil
}

func (f *face) has(r rune) bool { return f.sfnt.GlyphIndex(r) != 0 }

// shape turns a string of one direction into glyphs in visual order, positioned in font units.
func (f *face) shape(s string, rtl bool, lang string) []text.Glyph {
	dir := text.LeftToRight
	if rtl {
		dir = text.RightToLeft
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.shaper.Shape(s, uint16(f.upem), dir, text.ScriptInvalid, lang, "", "")
}

// fontSet is the faces a certificate is set in: a face with Arabic glyphs and a Latin one,
// each in a regular and a bold weight.
type fontSet struct {
	arabic, arabicBold, latin, latinBold *face
}

func (fs *fontSet) faces(bold bool) (arabic, latin *face) {
	if bold {
		return fs.arabicBold, fs.latinBold
	}
	return fs.arabic, fs.latin
}

// rgb is a colour with components between 0 and 1.
type rgb struct{ r, g, b float64 }

// style is how a paragraph is set.
type style struct {
	size  float64 // points
	bold  bool
	color rgb
	rtl   bool   // the paragraph's base direction
	lang  string // BCP 47 language of the paragraph: "ar", "en"
}

// posGlyph is a glyph placed relative to its run's origin.
type posGlyph struct {
	id      uint16
	dx, dy  float64 // position from the run's origin, in points
	adv     float64 // the advance the shaper gave, in points
	text    string  // the characters the glyph stands for ("" for the second glyph of a cluster)
	cluster int     // where those characters start in the run's text, for logical order
}

// glyphRun is a sequence of glyphs of one face, size and colour, in visual order.
type glyphRun struct {
	face   *face
	size   float64
	color  rgb
	x, y   float64 // origin (left end, on the baseline) in page points
	rtl    bool    // shaped right to left (glyphs in visual order all the same)
	glyphs []posGlyph
}

// textLine is one line of text as drawn: its runs in visual order and its logical text, which
// the PDF carries as ActualText so that copying and screen readers get the real words.
type textLine struct {
	text  string
	lang  string
	runs  []glyphRun
	width float64
	x, y  float64 // left end and baseline
	size  float64
	face  *face // primary face, for the line's metrics
}

// ascent and descent of a line, in points, from its primary face.
func (l *textLine) ascent() float64 {
	return float64(l.face.sfnt.Hhea.Ascender) / l.face.upem * l.size
}

func (l *textLine) descent() float64 {
	return -float64(l.face.sfnt.Hhea.Descender) / l.face.upem * l.size
}

// moveTo places the line with its left end at x and its baseline at y.
func (l *textLine) moveTo(x, y float64) {
	dx, dy := x-l.x, y-l.y
	l.x, l.y = x, y
	for i := range l.runs {
		l.runs[i].x += dx
		l.runs[i].y += dy
	}
}

// cleanText prepares text typed by people for setting: NFC, no control or format characters
// other than the bidi marks, runs of white space collapsed to one space, trimmed.
func cleanText(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r == '\u200e' || r == '\u200f' || r == '\u061c' || r == '\u200c' || r == '\u200d':
			// LRM, RLM, ALM, ZWNJ, ZWJ carry meaning for direction and joining.
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// bidiLevels resolves the embedding level of every rune of a paragraph with the Unicode
// Bidirectional Algorithm (FriBidi's implementation, reading x/text/unicode/bidi's
// character properties). x/text's own Ordering only splits runs by direction and loses the
// levels, which misplaces numbers that follow right-to-left text in a left-to-right line.
func bidiLevels(rs []rune, rtl bool) []int {
	types := make([]fribidi.CharType, len(rs))
	brackets := make([]fribidi.BracketType, len(rs))
	for i, r := range rs {
		types[i] = fribidi.GetBidiType(r)
		if types[i] == fribidi.ON {
			brackets[i] = fribidi.GetBracket(r)
		}
	}
	base := fribidi.ParType(fribidi.LTR)
	if rtl {
		base = fribidi.RTL
	}
	lv, _ := fribidi.GetParEmbeddingLevels(types, brackets, &base)
	out := make([]int, len(rs))
	for i, l := range lv {
		out[i] = int(l)
	}
	return out
}

// paragraph is text prepared for line breaking: its runes and their bidi levels.
type paragraph struct {
	t      *typesetter
	runes  []rune
	levels []int
	st     style
	widths map[[2]int]float64 // measured widths per em of rune ranges
}

type typesetter struct{ fonts *fontSet }

func (t *typesetter) paragraph(s string, st style) *paragraph {
	rs := []rune(cleanText(s))
	return &paragraph{t: t, runes: rs, levels: bidiLevels(rs, st.rtl), st: st, widths: map[[2]int]float64{}}
}

// item is a piece of a line of one bidi level and one face, shaped.
type item struct {
	start, end int // rune range in the paragraph
	level      int
	face       *face
	glyphs     []text.Glyph
	str        string
	width      float64 // per em (points at size 1)
}

// pickFaces chooses a face for every rune: Arabic script in the Arabic face, other letters
// in the Latin face when it has them, and digits, spaces, punctuation and marks in the face
// of what precedes them (or the paragraph's own face) so that runs stay whole.
func (p *paragraph) pickFaces(a, b int) []*face {
	arabic, latin := p.t.fonts.faces(p.st.bold)
	primary := latin
	if p.st.rtl {
		primary = arabic
	}
	out := make([]*face, b-a)
	var prev *face
	for i := a; i < b; i++ {
		r := p.runes[i]
		var f *face
		switch {
		case unicode.Is(unicode.Arabic, r):
			f = arabic
		case unicode.IsLetter(r):
			f = latin
			if !latin.has(r) && arabic.has(r) {
				f = arabic
			}
		case unicode.Is(unicode.Mn, r) && prev != nil:
			f = prev
		case prev != nil && prev.has(r):
			f = prev
		case primary.has(r):
			f = primary
		case arabic.has(r):
			f = arabic
		default:
			f = latin
		}
		out[i-a] = f
		prev = f
	}
	return out
}

// items splits the rune range [a, b) into shaped items in logical order. Trailing white
// space takes the paragraph's level (rule L1 of the bidi algorithm).
func (p *paragraph) items(a, b int) []item {
	if a >= b {
		return nil
	}
	levels := slices.Clone(p.levels[a:b])
	base := 0
	if p.st.rtl {
		base = 1
	}
	for i := len(levels) - 1; i >= 0 && unicode.IsSpace(p.runes[a+i]); i-- {
		levels[i] = base
	}
	faces := p.pickFaces(a, b)
	var out []item
	start := a
	for i := a + 1; i <= b; i++ {
		if i < b && levels[i-a] == levels[start-a] && faces[i-a] == faces[start-a] {
			continue
		}
		it := item{start: start, end: i, level: levels[start-a], face: faces[start-a], str: string(p.runes[start:i])}
		lang := p.st.lang
		if it.face == p.t.fonts.arabic || it.face == p.t.fonts.arabicBold {
			lang = "ar"
		} else if lang == "ar" {
			lang = "en"
		}
		it.glyphs = it.face.shape(it.str, it.level%2 == 1, lang)
		for _, g := range it.glyphs {
			it.width += float64(g.XAdvance) / it.face.upem
		}
		out = append(out, it)
		start = i
	}
	return out
}

// width is the width per em of the rune range [a, b).
func (p *paragraph) width(a, b int) float64 {
	k := [2]int{a, b}
	if w, ok := p.widths[k]; ok {
		return w
	}
	w := 0.0
	for _, it := range p.items(a, b) {
		w += it.width
	}
	p.widths[k] = w
	return w
}

// breakLines splits the paragraph greedily at spaces into lines no wider than maxWidth at
// size. It reports false when a single word does not fit.
func (p *paragraph) breakLines(size, maxWidth float64) ([][2]int, bool) {
	var lines [][2]int
	n := len(p.runes)
	start := 0
	for start < n {
		// Candidate ends: before each space, and the end of the text.
		end := -1
		for i := start + 1; i <= n; i++ {
			if i < n && p.runes[i] != ' ' {
				continue
			}
			if p.width(start, i)*size <= maxWidth {
				end = i
				continue
			}
			break
		}
		if end < 0 {
			return nil, false
		}
		lines = append(lines, [2]int{start, end})
		start = end
		for start < n && p.runes[start] == ' ' {
			start++
		}
	}
	return lines, true
}

// fit chooses the size and line breaks of the paragraph in a box maxWidth wide: the style's
// size on one line if it fits; else slightly smaller (down to minScale of it); else on more
// lines, up to maxLines, at each size in turn; and, as a last resort, whatever smaller size
// makes it fit, so that nothing ever overflows.
func (p *paragraph) fit(maxWidth float64, maxLines int, minScale float64) ([][2]int, float64) {
	if len(p.runes) == 0 {
		return nil, p.st.size
	}
	const step = 0.96
	for n := 1; n <= maxLines; n++ {
		for s := p.st.size; s >= p.st.size*minScale-1e-9; s *= step {
			if lines, ok := p.breakLines(s, maxWidth); ok && len(lines) <= n {
				return lines, s
			}
		}
	}
	for s := p.st.size * minScale; s > 0.5; s *= step {
		if lines, ok := p.breakLines(s, maxWidth); ok && len(lines) <= maxLines {
			return lines, s
		}
	}
	// Unreachable for any real text: at half a point every word fits.
	return [][2]int{{0, len(p.runes)}}, 0.5
}

// line lays out the rune range [a, b) at size: items reordered visually (rule L2), glyphs
// positioned, each glyph given the characters it stands for.
func (p *paragraph) line(a, b int, size float64) textLine {
	for b > a && p.runes[b-1] == ' ' {
		b--
	}
	for a < b && p.runes[a] == ' ' {
		a++
	}
	items := p.items(a, b)
	order := visualOrder(items)
	arabic, latin := p.t.fonts.faces(p.st.bold)
	primary := latin
	if p.st.rtl {
		primary = arabic
	}
	l := textLine{text: string(p.runes[a:b]), lang: p.st.lang, size: size, face: primary}
	x := 0.0
	for _, k := range order {
		it := items[k]
		run := glyphRun{face: it.face, size: size, color: p.st.color, x: x, rtl: it.level%2 == 1}
		scale := size / it.face.upem
		texts := clusterTexts(it.str, it.glyphs)
		pen := 0.0
		for gi, g := range it.glyphs {
			run.glyphs = append(run.glyphs, posGlyph{
				id:      g.ID,
				dx:      pen + float64(g.XOffset)*scale,
				dy:      float64(g.YOffset) * scale,
				adv:     float64(g.XAdvance) * scale,
				text:    texts[gi],
				cluster: int(g.Cluster),
			})
			pen += float64(g.XAdvance) * scale
		}
		x += pen
		l.runs = append(l.runs, run)
	}
	l.width = x
	return l
}

// visualOrder returns the indexes of the items in the order they are drawn, left to right:
// from the highest level down to the lowest odd level, every sequence at that level or
// higher is reversed (rule L2).
func visualOrder(items []item) []int {
	order := make([]int, len(items))
	maxL, minOdd := 0, math.MaxInt
	for i, it := range items {
		order[i] = i
		maxL = max(maxL, it.level)
		if it.level%2 == 1 {
			minOdd = min(minOdd, it.level)
		}
	}
	for lv := maxL; lv >= minOdd && lv > 0; lv-- {
		for i := 0; i < len(order); {
			if items[order[i]].level < lv {
				i++
				continue
			}
			j := i
			for j < len(order) && items[order[j]].level >= lv {
				j++
			}
			slices.Reverse(order[i:j])
			i = j
		}
	}
	return order
}

// clusterTexts gives each glyph the characters of its cluster: the first glyph of a cluster
// carries them all (a lam-alef or «الله» ligature stands for several letters), the others none.
func clusterTexts(s string, glyphs []text.Glyph) []string {
	starts := make([]int, 0, len(glyphs))
	for _, g := range glyphs {
		starts = append(starts, int(g.Cluster))
	}
	sort.Ints(starts)
	starts = slices.Compact(starts)
	end := func(c int) int {
		i := sort.SearchInts(starts, c+1)
		if i < len(starts) {
			return starts[i]
		}
		return len(s)
	}
	out := make([]string, len(glyphs))
	seen := map[uint32]bool{}
	for i, g := range glyphs {
		if seen[g.Cluster] || int(g.Cluster) > len(s) {
			continue
		}
		seen[g.Cluster] = true
		out[i] = s[g.Cluster:end(int(g.Cluster))]
	}
	return out
}

// subsetTag is the six capital letters that name a font subset, from the glyphs it holds.
func subsetTag(name string, ids []uint16) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	for _, id := range ids {
		h.Write([]byte{byte(id >> 8), byte(id)})
	}
	v := h.Sum64()
	b := make([]byte, 6)
	for i := range b {
		b[i] = 'A' + byte(v%26)
		v /= 26
	}
	return string(b)
}

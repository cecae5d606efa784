package certificates

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tdewolff/font"
)

// document is one page of vector drawing and text, written as a PDF (writePDF) or drawn as
// a PNG (raster.go). Coordinates are PDF points with the origin at the bottom left.
type document struct {
	width, height float64
	shapes        []shape // decoration, drawn first and marked as artifacts
	lines         []textLine
	links         []link
	images        []placedImage // logos and signatures (image.go)
	info          docInfo
	parts         []part // the page's blocks, for the layout tests
}

type docInfo struct {
	title, author, subject, keywords, creator string
	lang                                      string
	created                                   time.Time
}

// shape is a filled and/or stroked path.
type shape struct {
	path      *path
	fill      *rgb
	stroke    *rgb
	lineWidth float64
}

// link is a clickable area pointing to a URI, described for assistive technology by alt.
type link struct {
	uri            string
	alt            string
	x0, y0, x1, y1 float64
}

// path is a vector outline made of moves, lines and cubic Bézier curves.
type path struct{ ops []pathOp }

type pathOp struct {
	op  byte // 'm', 'l', 'c', 'h'
	pts [3][2]float64
}

func (p *path) moveTo(x, y float64) *path {
	p.ops = append(p.ops, pathOp{op: 'm', pts: [3][2]float64{{x, y}}})
	return p
}

func (p *path) lineTo(x, y float64) *path {
	p.ops = append(p.ops, pathOp{op: 'l', pts: [3][2]float64{{x, y}}})
	return p
}

func (p *path) cubeTo(x1, y1, x2, y2, x3, y3 float64) *path {
	p.ops = append(p.ops, pathOp{op: 'c', pts: [3][2]float64{{x1, y1}, {x2, y2}, {x3, y3}}})
	return p
}

func (p *path) close() *path {
	p.ops = append(p.ops, pathOp{op: 'h'})
	return p
}

func (p *path) rect(x, y, w, h float64) *path {
	return p.moveTo(x, y).lineTo(x+w, y).lineTo(x+w, y+h).lineTo(x, y+h).close()
}

// circle adds a circle of radius r around (cx, cy) from four Bézier arcs.
func (p *path) circle(cx, cy, r float64) *path {
	k := 0.5522847498 * r
	p.moveTo(cx+r, cy)
	p.cubeTo(cx+r, cy+k, cx+k, cy+r, cx, cy+r)
	p.cubeTo(cx-k, cy+r, cx-r, cy+k, cx-r, cy)
	p.cubeTo(cx-r, cy-k, cx-k, cy-r, cx, cy-r)
	p.cubeTo(cx+k, cy-r, cx+r, cy-k, cx+r, cy)
	return p.close()
}

// polygon adds a closed polygon through the points.
func (p *path) polygon(pts [][2]float64) *path {
	for i, pt := range pts {
		if i == 0 {
			p.moveTo(pt[0], pt[1])
		} else {
			p.lineTo(pt[0], pt[1])
		}
	}
	return p.close()
}

func (p *path) writePDF(b *bytes.Buffer) {
	for _, o := range p.ops {
		switch o.op {
		case 'm', 'l':
			fmt.Fprintf(b, "%s %s %c\n", num(o.pts[0][0]), num(o.pts[0][1]), o.op)
		case 'c':
			fmt.Fprintf(b, "%s %s %s %s %s %s c\n", num(o.pts[0][0]), num(o.pts[0][1]), num(o.pts[1][0]), num(o.pts[1][1]), num(o.pts[2][0]), num(o.pts[2][1]))
		case 'h':
			b.WriteString("h\n")
		}
	}
}

// num writes a number with at most three decimals.
func num(f float64) string {
	if math.Abs(f) < 0.0005 {
		return "0"
	}
	s := strconv.FormatFloat(f, 'f', 3, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func colour(c rgb) string { return num(c.r) + " " + num(c.g) + " " + num(c.b) }

// pdfText encodes a text string as UTF-16BE with its byte order mark, in hex.
func pdfText(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfLiteral writes an ASCII string as a literal string, escaping what must be.
func pdfLiteral(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return "(" + r.Replace(s) + ")"
}

// fontUse is what the page uses of one face: its glyphs (in the order of their CIDs, glyph
// 0 first) and the characters each stands for.
type fontUse struct {
	face  *face
	res   string // resource name, e.g. F1
	ids   []uint16
	cid   map[uint16]uint16
	texts map[uint16]string
	width []int // per CID, in thousandths of an em
}

// pdfObjects collects numbered objects and writes them with their cross-reference table.
type pdfObjects struct {
	bodies [][]byte
}

func (o *pdfObjects) reserve() int {
	o.bodies = append(o.bodies, nil)
	return len(o.bodies)
}

func (o *pdfObjects) set(n int, body string) { o.bodies[n-1] = []byte(body) }

func (o *pdfObjects) stream(n int, dict string, data []byte, compress bool) error {
	if compress {
		var z bytes.Buffer
		zw, err := zlib.NewWriterLevel(&z, zlib.BestSpeed)
		if err != nil {
			return err
		}
		if _, err := zw.Write(data); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		data = z.Bytes()
		dict += "/Filter/FlateDecode"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<<%s/Length %d>>\nstream\n", dict, len(data))
	b.Write(data)
	b.WriteString("\nendstream")
	o.bodies[n-1] = b.Bytes()
	return nil
}

func ref(n int) string { return strconv.Itoa(n) + " 0 R" }

// writePDF writes the document as a one-page tagged PDF (see writePages).
func (d *document) writePDF() ([]byte, error) { return writePages([]*document{d}, d.info) }

// writePages writes the pages as one tagged PDF: fonts embedded as subsets with a ToUnicode
// map, shared by all pages; every line of text a paragraph of the structure tree with its
// language and its logical text (ActualText, which screen readers read); decoration marked
// as artifacts; links described for screen readers. Rendering is deterministic: the same
// pages give the same bytes.
func writePages(docs []*document, info docInfo) ([]byte, error) {
	// Glyphs used, per face, in the order faces first appear.
	var uses []*fontUse
	byFace := map[*face]*fontUse{}
	spell := &spellFont{res: "S", cid: map[rune]uint16{}}
	for _, d := range docs {
		for _, l := range d.lines {
			for _, r := range l.runs {
				u := byFace[r.face]
				if u == nil {
					u = &fontUse{face: r.face, res: "F" + strconv.Itoa(len(uses)+1), texts: map[uint16]string{}}
					byFace[r.face] = u
					uses = append(uses, u)
				}
				for _, un := range units(r) {
					if un.spelled {
						for _, l := range un.text {
							if _, ok := spell.cid[l]; !ok {
								spell.cid[l] = uint16(len(spell.letters) + 1)
								spell.letters = append(spell.letters, l)
							}
						}
						continue
					}
					for _, g := range un.glyphs {
						if t, ok := u.texts[g.id]; !ok || t == "" {
							u.texts[g.id] = g.text
						}
					}
				}
			}
		}
	}
	for _, u := range uses {
		u.ids = []uint16{0}
		for id := range u.texts {
			if id != 0 {
				u.ids = append(u.ids, id)
			}
		}
		slices.Sort(u.ids[1:])
		u.cid = make(map[uint16]uint16, len(u.ids))
		u.width = make([]int, len(u.ids))
		for i, id := range u.ids {
			u.cid[id] = uint16(i)
			u.width[i] = int(math.Round(1000 * float64(u.face.sfnt.GlyphAdvance(id)) / u.face.upem))
		}
	}

	var o pdfObjects
	catalog, pages := o.reserve(), o.reserve()
	page, contents := make([]int, len(docs)), make([]int, len(docs))
	for i := range docs {
		page[i] = o.reserve()
	}
	for i := range docs {
		contents[i] = o.reserve()
	}
	infoObj := o.reserve()
	structRoot, docElem, parentTree := o.reserve(), o.reserve(), o.reserve()

	// The content streams, one per page; each page numbers its marked content from 0.
	lineElems := make([][]int, len(docs))
	for pi, d := range docs {
		var c bytes.Buffer
		if len(d.shapes) > 0 {
			c.WriteString("/Artifact BMC\n")
			for _, s := range d.shapes {
				c.WriteString("q\n")
				if s.fill != nil {
					c.WriteString(colour(*s.fill) + " rg\n")
				}
				if s.stroke != nil {
					c.WriteString(colour(*s.stroke) + " RG\n" + num(s.lineWidth) + " w\n")
				}
				s.path.writePDF(&c)
				switch {
				case s.fill != nil && s.stroke != nil:
					c.WriteString("B\n")
				case s.fill != nil:
					c.WriteString("f\n")
				default:
					c.WriteString("S\n")
				}
				c.WriteString("Q\n")
			}
			c.WriteString("EMC\n")
		}
		c.Write(d.imageOps())
		lineElems[pi] = make([]int, len(d.lines))
		for i, l := range d.lines {
			lineElems[pi][i] = o.reserve()
			fmt.Fprintf(&c, "/P <</MCID %d>> BDC\nBT\n", i)
			var outlines []shape
			for _, r := range l.runs {
				outlines = append(outlines, writeRun(&c, byFace[r.face], spell, r)...)
			}
			c.WriteString("ET\nEMC\n")
			if len(outlines) > 0 {
				c.WriteString("/Artifact BMC\n")
				for _, s := range outlines {
					c.WriteString(colour(*s.fill) + " rg\n")
					s.path.writePDF(&c)
					c.WriteString("f\n")
				}
				c.WriteString("EMC\n")
			}
		}
		if err := o.stream(contents[pi], "", c.Bytes(), true); err != nil {
			return nil, err
		}
	}

	// Fonts.
	var fontRes strings.Builder
	for i, u := range uses {
		n, file, err := writeFont(&o, u)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&fontRes, "/%s %s", u.res, ref(n))
		if i == 0 && len(spell.letters) > 0 {
			n, err := writeSpellFont(&o, spell, u.face, file)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&fontRes, "/%s %s", spell.res, ref(n))
		}
	}

	imageRes := make([]string, len(docs))
	for pi, d := range docs {
		var err error
		if imageRes[pi], err = d.writeImages(&o); err != nil {
			return nil, err
		}
	}

	// Links and the structure tree. Page i's marked content is number i of the parent
	// tree; the links come after the pages.
	var kids []string
	nums := make([]string, 0, len(docs))
	for pi := range docs {
		var pageKids []string
		for _, e := range lineElems[pi] {
			kids = append(kids, ref(e))
			pageKids = append(pageKids, ref(e))
		}
		nums = append(nums, fmt.Sprintf("%d [%s]", pi, strings.Join(pageKids, " ")))
	}
	annots := make([][]string, len(docs))
	next := len(docs)
	for pi, d := range docs {
		for _, lk := range d.links {
			annot, elem := o.reserve(), o.reserve()
			annots[pi] = append(annots[pi], ref(annot))
			o.set(annot, fmt.Sprintf("<</Type/Annot/Subtype/Link/Rect[%s %s %s %s]/Border[0 0 0]/F 4/Contents %s/A<</S/URI/URI %s>>/StructParent %d>>",
				num(lk.x0), num(lk.y0), num(lk.x1), num(lk.y1), pdfText(lk.alt), pdfLiteral(lk.uri), next))
			o.set(elem, fmt.Sprintf("<</Type/StructElem/S/Link/P %s/Pg %s/Alt %s/K[<</Type/OBJR/Obj %s/Pg %s>>]>>",
				ref(docElem), ref(page[pi]), pdfText(lk.alt), ref(annot), ref(page[pi])))
			kids = append(kids, ref(elem))
			nums = append(nums, fmt.Sprintf("%d %s", next, ref(elem)))
			next++
		}
	}
	for pi, d := range docs {
		for i, l := range d.lines {
			o.set(lineElems[pi][i], fmt.Sprintf("<</Type/StructElem/S/P/P %s/Pg %s/K %d/Lang %s/ActualText %s>>",
				ref(docElem), ref(page[pi]), i, pdfLiteral(l.lang), pdfText(l.text)))
		}
	}
	o.set(docElem, fmt.Sprintf("<</Type/StructElem/S/Document/P %s/K[%s]>>", ref(structRoot), strings.Join(kids, " ")))
	o.set(parentTree, "<</Nums["+strings.Join(nums, " ")+"]>>")
	o.set(structRoot, fmt.Sprintf("<</Type/StructTreeRoot/K %s/ParentTree %s/ParentTreeNextKey %d>>", ref(docElem), ref(parentTree), next))

	pageRefs := make([]string, len(docs))
	for pi, d := range docs {
		annotsEntry := ""
		if len(annots[pi]) > 0 {
			annotsEntry = "/Annots[" + strings.Join(annots[pi], " ") + "]"
		}
		o.set(page[pi], fmt.Sprintf("<</Type/Page/Parent %s/MediaBox[0 0 %s %s]/Resources<</Font<<%s>>%s>>/Contents %s/StructParents %d/Tabs/S%s>>",
			ref(pages), num(d.width), num(d.height), fontRes.String(), imageRes[pi], ref(contents[pi]), pi, annotsEntry))
		pageRefs[pi] = ref(page[pi])
	}
	o.set(pages, fmt.Sprintf("<</Type/Pages/Kids[%s]/Count %d>>", strings.Join(pageRefs, " "), len(docs)))

	// PDF/A: the metadata (uncompressed, as PDF/A-1 wants it) and the output intent.
	metadata := o.reserve()
	if err := o.stream(metadata, "/Type/Metadata/Subtype/XML", info.xmpPacket(), false); err != nil {
		return nil, err
	}
	intent, err := writeOutputIntent(&o)
	if err != nil {
		return nil, err
	}
	o.set(catalog, fmt.Sprintf("<</Type/Catalog/Pages %s/Lang %s/MarkInfo<</Marked true>>/StructTreeRoot %s/ViewerPreferences<</DisplayDocTitle true>>/Metadata %s/OutputIntents[%s]>>",
		ref(pages), pdfLiteral(info.lang), ref(structRoot), ref(metadata), ref(intent)))
	date, _ := info.dates()
	o.set(infoObj, fmt.Sprintf("<</Title %s/Author %s/Subject %s/Keywords %s/Creator %s/Producer %s/CreationDate %s/ModDate %s>>",
		pdfText(info.title), pdfText(info.author), pdfText(info.subject), pdfText(info.keywords),
		pdfText(info.creator), pdfText(producer), pdfLiteral(date), pdfLiteral(date)))

	// Header, objects, cross-reference table, trailer. PDF/A-1 rests on PDF 1.4.
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(o.bodies))
	for i, body := range o.bodies {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(body)
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(o.bodies)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	// The file identifier is a hash of everything written before it, so that the same
	// document always gets the same one and any other content another.
	id := sha256.Sum256(b.Bytes())
	idHex := strings.ToUpper(hex.EncodeToString(id[:16]))
	fmt.Fprintf(&b, "trailer\n<</Size %d/Root %s/Info %s/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n",
		len(o.bodies)+1, ref(catalog), ref(infoObj), idHex, idHex, xref)
	return b.Bytes(), nil
}

// writeRun shows a run's glyphs as text: consecutive glyphs in one TJ array, with the
// shaper's advances (kerning, the widths of Arabic joining forms) as adjustments. Some
// glyphs cannot be text that every extractor reads in the right order: a mark the shaper
// moved off the pen (a shadda above its letter) would be read as a line of its own, and a
// right-to-left ligature standing for several letters («الله») would be read backwards by
// extractors that reverse right-to-left lines (poppler). Such a unit — a base glyph with the
// marks and ligature pieces that share its place — is drawn as outlines, and spelled out
// letter by letter as invisible text (render mode 3, as OCR layers are) across its width,
// one letter per glyph, in visual order; the returned shapes are those outlines.
func writeRun(c *bytes.Buffer, u *fontUse, spell *spellFont, r glyphRun) []shape {
	setFont := func() { fmt.Fprintf(c, "/%s %s Tf\n", u.res, num(r.size)) }
	fmt.Fprintf(c, "%s rg\n", colour(r.color))
	setFont()
	var outlines []shape
	open := false
	flush := func() {
		if open {
			c.WriteString("] TJ\n")
			open = false
		}
	}
	for _, un := range units(r) {
		if !un.spelled {
			for _, g := range un.glyphs {
				if !open {
					fmt.Fprintf(c, "1 0 0 1 %s %s Tm [", num(r.x+g.dx), num(r.y))
					open = true
				}
				cid := u.cid[g.id]
				fmt.Fprintf(c, "<%04X>", cid)
				if adj := float64(u.width[cid]) - g.adv*1000/r.size; math.Abs(adj) > 0.5 {
					c.WriteString(num(adj))
				}
			}
			continue
		}
		flush()
		col := r.color
		for _, g := range un.glyphs {
			if p := glyphOutline(r.face, g.id, r.x+g.dx, r.y+g.dy, r.size); p != nil {
				outlines = append(outlines, shape{path: p, fill: &col})
			}
		}
		letters := []rune(un.text)
		if len(letters) == 0 {
			continue
		}
		// Each letter's box fills its slot: poppler and others take a character's extent
		// from its width, so a gap would read as a space and an overlap as a duplicate.
		slot := max(un.width, r.size*0.2) / float64(len(letters))
		fmt.Fprintf(c, "/%s %s Tf 3 Tr %s Tz\n", spell.res, num(r.size), num(100*slot/(spellWidth*r.size/1000)))
		for k, l := range letters {
			x := r.x + un.pen + float64(k)*slot
			if r.rtl {
				x = r.x + un.pen + max(un.width, r.size*0.2) - float64(k+1)*slot
			}
			fmt.Fprintf(c, "1 0 0 1 %s %s Tm <%04X> Tj\n", num(x), num(r.y), spell.cid[l])
		}
		c.WriteString("100 Tz 0 Tr\n")
		setFont()
	}
	flush()
	return outlines
}

// spellWidth is the width of every glyph of the spelling font, in thousandths of an em.
const spellWidth = 500

// spellFont is the invisible font the spelled-out letters are set in, as OCR text layers
// are: one CID per letter, all of the same width, each mapped to its letter by ToUnicode.
// It borrows the first embedded font program, whose glyphs are never seen (render mode 3).
type spellFont struct {
	res     string
	cid     map[rune]uint16
	letters []rune // by CID - 1
}

func writeSpellFont(o *pdfObjects, s *spellFont, f *face, file int) (int, error) {
	type0, cidFont, desc, cidMap, toUni := o.reserve(), o.reserve(), o.reserve(), o.reserve(), o.reserve()
	name := subsetTag("spell "+string(s.letters), nil) + "+MasarText"
	subtype, fileKey, mapEntry := "CIDFontType2", "FontFile2", "/CIDToGIDMap "+ref(cidMap)
	if f.sfnt.IsCFF {
		subtype, fileKey, mapEntry = "CIDFontType0", "FontFile3", ""
	}
	// Every CID shows glyph 0 (a two-byte zero per CID).
	if err := o.stream(cidMap, "", make([]byte, 2*(len(s.letters)+1)), true); err != nil {
		return 0, err
	}
	cidSet, err := writeCIDSet(o, len(s.letters)+1)
	if err != nil {
		return 0, err
	}
	o.set(desc, fmt.Sprintf("<</Type/FontDescriptor/FontName/%s/Flags 4/FontBBox[0 0 %d 700]/ItalicAngle 0/Ascent 700/Descent -300/CapHeight 700/StemV 80/%s %s/CIDSet %s>>",
		name, spellWidth, fileKey, ref(file), ref(cidSet)))
	o.set(cidFont, fmt.Sprintf("<</Type/Font/Subtype/%s/BaseFont/%s/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor %s/DW %d%s>>",
		subtype, name, ref(desc), spellWidth, mapEntry))
	var entries []string
	for i, l := range s.letters {
		var h strings.Builder
		for _, x := range utf16.Encode([]rune{l}) {
			fmt.Fprintf(&h, "%04X", x)
		}
		entries = append(entries, fmt.Sprintf("<%04X> <%s>", i+1, h.String()))
	}
	if err := o.stream(toUni, "", cmap(entries), true); err != nil {
		return 0, err
	}
	o.set(type0, fmt.Sprintf("<</Type/Font/Subtype/Type0/BaseFont/%s/Encoding/Identity-H/DescendantFonts[%s]/ToUnicode %s>>",
		name, ref(cidFont), ref(toUni)))
	return type0, nil
}

// unit is a base glyph with the glyphs that share its place: its marks, or the pieces of a
// ligature.
type unit struct {
	glyphs  []posGlyph
	pen     float64 // where the unit starts, from the run's origin
	width   float64
	text    string // its letters in logical order
	spelled bool   // drawn as outlines and spelled out as invisible text
}

// units groups a run's glyphs. Zero-width glyphs join the glyph they sit on: the next one in
// a right-to-left run (visual order puts a mark before its letter), the previous one in a
// left-to-right run.
func units(r glyphRun) []unit {
	var out []unit
	pen := 0.0
	var cur *unit
	for _, g := range r.glyphs {
		join := false
		if cur != nil {
			if r.rtl {
				join = cur.width == 0
			} else {
				join = g.adv == 0
			}
		}
		if !join {
			out = append(out, unit{pen: pen})
			cur = &out[len(out)-1]
		}
		cur.glyphs = append(cur.glyphs, g)
		cur.width += g.adv
		if math.Abs(g.dx-pen) > 0.001 || g.dy != 0 {
			cur.spelled = true
		}
		if n := utf8.RuneCountInString(g.text); n == 0 || (n > 1 && r.rtl) {
			cur.spelled = true
		}
		pen += g.adv
	}
	for i := range out {
		gs := slices.Clone(out[i].glyphs)
		slices.SortStableFunc(gs, func(a, b posGlyph) int { return a.cluster - b.cluster })
		var b strings.Builder
		for _, g := range gs {
			b.WriteString(g.text)
		}
		out[i].text = b.String()
	}
	return out
}

// glyphOutline is the outline of a glyph at (x, y) as a path, or nil for an empty glyph.
func glyphOutline(f *face, id uint16, x, y, size float64) *path {
	p := &glyphPather{p: &path{}}
	f.mu.Lock()
	err := f.sfnt.GlyphPath(p, id, 0, x, y, size/f.upem, font.NoHinting)
	f.mu.Unlock()
	if err != nil || len(p.p.ops) == 0 {
		return nil
	}
	return p.p
}

// glyphPather receives a glyph's contours, turning quadratic curves into cubic ones.
type glyphPather struct {
	p      *path
	cx, cy float64
}

func (g *glyphPather) MoveTo(x, y float64) { g.p.moveTo(x, y); g.cx, g.cy = x, y }
func (g *glyphPather) LineTo(x, y float64) { g.p.lineTo(x, y); g.cx, g.cy = x, y }
func (g *glyphPather) QuadTo(x1, y1, x, y float64) {
	g.p.cubeTo(g.cx+2.0/3*(x1-g.cx), g.cy+2.0/3*(y1-g.cy), x+2.0/3*(x1-x), y+2.0/3*(y1-y), x, y)
	g.cx, g.cy = x, y
}
func (g *glyphPather) CubeTo(x1, y1, x2, y2, x, y float64) {
	g.p.cubeTo(x1, y1, x2, y2, x, y)
	g.cx, g.cy = x, y
}
func (g *glyphPather) Close() { g.p.close() }

// writeFont embeds a subset of the face as a CID-keyed font with its widths and ToUnicode map.
func writeFont(o *pdfObjects, u *fontUse) (int, int, error) {
	f := u.face
	f.mu.Lock()
	if f.sfnt.IsCFF && f.sfnt.CFF != nil {
		f.sfnt.CFF.SetGlyphNames(nil)
	}
	sub, err := f.sfnt.Subset(slices.Clone(u.ids), font.SubsetOptions{Tables: font.KeepPDFTables})
	var program []byte
	if err == nil {
		program = stableFontProgram(sub.Write())
	}
	f.mu.Unlock()
	if err != nil {
		return 0, 0, fmt.Errorf("certificates: subset font %s: %w", f.name, err)
	}
	type0, cidFont, desc, file, toUni := o.reserve(), o.reserve(), o.reserve(), o.reserve(), o.reserve()
	name := subsetTag(f.name, u.ids) + "+" + f.name
	subtype, fileKey, fileDict, cidMap := "CIDFontType2", "FontFile2", "", "/CIDToGIDMap/Identity"
	if f.sfnt.IsCFF {
		subtype, fileKey, fileDict, cidMap = "CIDFontType0", "FontFile3", "/Subtype/OpenType", ""
	}
	if err := o.stream(file, fileDict, program, true); err != nil {
		return 0, 0, err
	}
	var w strings.Builder
	w.WriteString("[0[")
	for i, x := range u.width {
		if i > 0 {
			w.WriteByte(' ')
		}
		w.WriteString(strconv.Itoa(x))
	}
	w.WriteString("]]")
	cidSet, err := writeCIDSet(o, len(u.ids))
	if err != nil {
		return 0, 0, err
	}
	s := 1000 / f.upem
	h := f.sfnt.Head
	o.set(desc, fmt.Sprintf("<</Type/FontDescriptor/FontName/%s/Flags 4/FontBBox[%d %d %d %d]/ItalicAngle 0/Ascent %d/Descent %d/CapHeight %d/StemV 80/%s %s/CIDSet %s>>",
		name, int(float64(h.XMin)*s), int(float64(h.YMin)*s), int(float64(h.XMax)*s), int(float64(h.YMax)*s),
		int(float64(f.sfnt.Hhea.Ascender)*s), int(float64(f.sfnt.Hhea.Descender)*s), int(float64(f.sfnt.OS2.SCapHeight)*s),
		fileKey, ref(file), ref(cidSet)))
	o.set(cidFont, fmt.Sprintf("<</Type/Font/Subtype/%s/BaseFont/%s/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor %s/DW 0/W %s%s>>",
		subtype, name, ref(desc), w.String(), cidMap))
	if err := o.stream(toUni, "", toUnicode(u), true); err != nil {
		return 0, 0, err
	}
	o.set(type0, fmt.Sprintf("<</Type/Font/Subtype/Type0/BaseFont/%s/Encoding/Identity-H/DescendantFonts[%s]/ToUnicode %s>>",
		name, ref(cidFont), ref(toUni)))
	return type0, file, nil
}

// toUnicode is the CMap from CIDs to the characters each glyph stands for: for a
// left-to-right ligature, all its letters; for a contextual form, its base letter (never a
// presentation form).
func toUnicode(u *fontUse) []byte {
	var entries []string
	for cid, id := range u.ids {
		t := u.texts[id]
		if cid == 0 || t == "" {
			continue
		}
		var h strings.Builder
		for _, x := range utf16.Encode([]rune(t)) {
			fmt.Fprintf(&h, "%04X", x)
		}
		entries = append(entries, fmt.Sprintf("<%04X> <%s>", cid, h.String()))
	}
	return cmap(entries)
}

// cmap writes a ToUnicode CMap of bfchar entries.
func cmap(entries []string) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(entries) > 0 {
		n := min(100, len(entries))
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", n, strings.Join(entries[:n], "\n"))
		entries = entries[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

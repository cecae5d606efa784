package certificates

import (
	"fmt"
	"time"
)

// A Sheet is a document of one or more pages drawn with the certificates' engine — the same
// fonts, Arabic shaping, bidirectional ordering, text layer and tagged PDF/A output — for
// the other printed documents of the programme (a workshop's name badges and sign-in
// sheets). Its pages are laid out from the top-left corner in points, y going down.
type Sheet struct {
	ts    *typesetter
	pages []*document
	info  docInfo
}

// SheetInfo is what a sheet's document properties say.
type SheetInfo struct {
	Title, Author, Subject, Keywords string
	Lang                             string // the document's main language: "ar", "en", "fr"
	Created                          time.Time
}

// NewSheet starts a document set in the service's fonts.
func (s *Service) NewSheet(info SheetInfo) *Sheet {
	return &Sheet{ts: &typesetter{fonts: s.fonts}, info: docInfo{
		title: info.Title, author: info.Author, subject: info.Subject, keywords: info.Keywords,
		creator: "Masar", lang: info.Lang, created: info.Created,
	}}
}

// Page is one page of a Sheet.
type Page struct{ d *document }

// AddPage adds a page of width × height points.
func (sh *Sheet) AddPage(width, height float64) *Page {
	d := &document{width: width, height: height}
	sh.pages = append(sh.pages, d)
	return &Page{d: d}
}

// PageCount is the number of pages added so far.
func (sh *Sheet) PageCount() int { return len(sh.pages) }

// PDF writes the sheet as a tagged PDF/A-1b file, the same bytes for the same pages.
func (sh *Sheet) PDF() ([]byte, error) {
	if len(sh.pages) == 0 {
		return nil, fmt.Errorf("certificates: a sheet without pages")
	}
	return writePages(sh.pages, sh.info)
}

// PNG draws page i (from 0) as the PDF shows it, at dpi dots per inch.
func (sh *Sheet) PNG(i int, dpi float64) ([]byte, error) {
	if i < 0 || i >= len(sh.pages) {
		return nil, fmt.Errorf("certificates: no page %d", i)
	}
	return sh.pages[i].writePNG(dpi)
}

// Color is a colour with components between 0 and 1.
type Color struct{ R, G, B float64 }

// The colours of the platform's printed documents.
var (
	Green = Color{0.059, 0.357, 0.298} // the platform's colour, #0f5b4c
	Gold  = Color{0.690, 0.553, 0.235}
	Ink   = Color{0.110, 0.137, 0.165}
	Grey  = Color{0.333, 0.373, 0.420}
	White = Color{1, 1, 1}
)

func (c Color) rgb() rgb { return rgb{c.R, c.G, c.B} }

// Align places the lines of a text block in its width.
type Align int

// Alignments: Start is the right edge for right-to-left text and the left edge otherwise.
const (
	AlignStart Align = iota
	AlignCenter
	AlignEnd
)

// TextStyle is how a text block is set.
type TextStyle struct {
	Size  float64 // points
	Bold  bool
	Color Color
	RTL   bool   // the paragraph's base direction is right to left
	Lang  string // BCP 47 language of the text, for the PDF's structure: "ar", "en", "fr"
	// MaxLines is how many lines the text may take (at least one); MinScale how far it may
	// shrink on fewer lines before it wraps (0.8 when zero). Text that fits in no way at
	// full size is made smaller until it does: it never overflows its width.
	MaxLines int
	MinScale float64
}

// TextBlock is a paragraph laid out in a given width, ready to be placed on a page.
type TextBlock struct {
	lines  []textLine // first line's top at 0, x from the block's left edge
	height float64
	size   float64
}

// Height is the block's height from the top of its first line to the bottom of its last.
func (b *TextBlock) Height() float64 { return b.height }

// Size is the size the text was set at, smaller than asked when it had to shrink.
func (b *TextBlock) Size() float64 { return b.size }

// Width is the width of the block's widest line.
func (b *TextBlock) Width() float64 {
	w := 0.0
	for _, l := range b.lines {
		w = max(w, l.width)
	}
	return w
}

// Lines is the number of lines.
func (b *TextBlock) Lines() int { return len(b.lines) }

// Text lays out s in a block width points wide. An empty s gives an empty block.
func (sh *Sheet) Text(s string, st TextStyle, width float64, a Align) *TextBlock {
	maxLines := max(st.MaxLines, 1)
	minScale := st.MinScale
	if minScale <= 0 {
		minScale = 0.8
	}
	p := sh.ts.paragraph(s, style{size: st.Size, bold: st.Bold, color: st.Color.rgb(), rtl: st.RTL, lang: st.Lang})
	breaks, size := p.fit(width, maxLines, minScale)
	b := &TextBlock{size: size}
	y := 0.0
	for i, br := range breaks {
		l := p.line(br[0], br[1], size)
		if i == 0 {
			y = l.ascent()
		} else {
			y += size * 1.28
		}
		x := 0.0
		switch {
		case a == AlignCenter:
			x = (width - l.width) / 2
		case (a == AlignEnd) != st.RTL:
			x = width - l.width
		}
		l.moveTo(x, -y)
		b.lines = append(b.lines, l)
		b.height = y + l.descent()
	}
	return b
}

// Place draws the block with its top-left corner at (x, top).
func (p *Page) Place(b *TextBlock, x, top float64) {
	for _, l := range b.lines {
		l.runs = append([]glyphRun(nil), l.runs...)
		l.moveTo(l.x+x, l.y+p.d.height-top)
		p.d.lines = append(p.d.lines, l)
	}
}

// Rect draws a rectangle with its top-left corner at (x, top), filled and/or stroked (a nil
// colour leaves that out).
func (p *Page) Rect(x, top, w, h float64, fill, stroke *Color, lineWidth float64) {
	s := shape{path: (&path{}).rect(x, p.d.height-top-h, w, h), lineWidth: lineWidth}
	if fill != nil {
		c := fill.rgb()
		s.fill = &c
	}
	if stroke != nil {
		c := stroke.rgb()
		s.stroke = &c
	}
	p.d.shapes = append(p.d.shapes, s)
}

// Line draws a straight line from (x1, y1) to (x2, y2).
func (p *Page) Line(x1, y1, x2, y2 float64, c Color, lineWidth float64) {
	col := c.rgb()
	path := (&path{}).moveTo(x1, p.d.height-y1).lineTo(x2, p.d.height-y2)
	p.d.shapes = append(p.d.shapes, shape{path: path, stroke: &col, lineWidth: lineWidth})
}

// QR draws a QR code of text (error correction M) as a size × size square of vector
// modules, its top-left corner at (x, top), without a quiet zone: leave four modules clear.
func (p *Page) QR(text string, x, top, size float64) error {
	return drawQR(p.d, text, x, p.d.height-top-size, size)
}

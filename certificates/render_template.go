package certificates

import "strconv"

// Where a template's additions go on the page (distances from the page's top, in points).
const (
	logoTop, logoHeight = 36.0, 50.0 // the partners' logos, in a row in place of the emblem
	logoRowWidth        = 470.0
	logoGap             = 26.0
	// sigTop is the top of the signature images; the body ends above it.
	sigTop, sigImageHeight = 440.0, 34.0
	// The signatories share the foot from the code's column to the right margin.
	sigLeft, sigRight = 346.0, pageW - 62
	sigMaxWidth       = 230.0
)

// drawLogos draws up to three logos in one row centred at the head, each as large as fits
// its share of the row and the row's height; the first is on the right, where Arabic
// reading starts.
func (s *Service) drawLogos(d *document, logos []*picture) {
	if len(logos) == 0 {
		return
	}
	n := float64(len(logos))
	slot := (logoRowWidth - logoGap*(n-1)) / n
	// Each logo's width at the row's height, capped by its slot; the row is then centred.
	widths := make([]float64, len(logos))
	total := logoGap * (n - 1)
	for i, p := range logos {
		widths[i] = min(slot, logoHeight*float64(p.w)/float64(p.h))
		total += widths[i]
	}
	x := pageW/2 + total/2
	for i, p := range logos {
		x -= widths[i]
		d.begin("logo" + strconv.Itoa(i+1))
		d.images = append(d.images, fitPicture(p, x, pageH-logoTop-logoHeight, widths[i], logoHeight))
		d.end()
		x -= logoGap
	}
}

// drawSignatories draws one or two signatories side by side in the foot, the first on the
// right: the signature image above a rule, then the name and title in Arabic, then in the
// pair's language; a long name or title is made smaller to fit its column.
func (s *Service) drawSignatories(d *document, ts *typesetter, sigs []lookSignatory, l2 string) {
	n := float64(len(sigs))
	col := (sigRight - sigLeft) / n
	w := min(sigMaxWidth, col-16)
	ar := func(size float64, bold bool, c rgb) style {
		return style{size: size, bold: bold, color: c, rtl: true, lang: "ar"}
	}
	en := func(size float64, bold bool, c rgb) style {
		return style{size: size, bold: bold, color: c, lang: l2}
	}
	for i, sg := range sigs {
		cx := sigRight - col*(float64(i)+0.5)
		d.begin("signatory" + strconv.Itoa(i+1))
		if sg.signature != nil {
			d.images = append(d.images, fitPicture(sg.signature, cx-w/2, pageH-sigTop-sigImageHeight, w, sigImageHeight))
		}
		rule := &path{}
		rule.moveTo(cx-w/2, pageH-sigTop-sigImageHeight-4).lineTo(cx+w/2, pageH-sigTop-sigImageHeight-4)
		d.shapes = append(d.shapes, shape{path: rule, stroke: &gold, lineWidth: 0.8})
		y := sigTop + sigImageHeight + 4
		// A name keeps to one line; a long title may take two.
		line := func(text string, st style, gap float64, maxLines int) {
			y += gap
			if text == "" {
				return
			}
			lines, last := ts.set(text, st, cx, y, w, maxLines, alignCenter)
			d.lines = append(d.lines, lines...)
			y = last
		}
		line(sg.name.Ar, ar(10.5, true, ink), 13, 1)
		line(sg.title.Ar, ar(8.5, false, grey), 11.5, 2)
		name2, title2 := sg.name.In(l2), sg.title.In(l2)
		if name2 == "" {
			name2 = sg.name.En
		}
		if title2 == "" {
			title2 = sg.title.En
		}
		line(name2, en(9, true, ink), 13, 1)
		line(title2, en(7.5, false, grey), 10, 2)
		d.end()
	}
}

// part is a block of the page (the head, a logo, the body, a signatory…): the ranges of the
// document's shapes, lines and images it drew. The layout tests draw each alone.
type part struct {
	name                  string
	shapes, lines, images [2]int
}

func (d *document) begin(name string) {
	d.parts = append(d.parts, part{name: name, shapes: [2]int{len(d.shapes), 0}, lines: [2]int{len(d.lines), 0},
		images: [2]int{len(d.images), 0}})
}

func (d *document) end() {
	p := &d.parts[len(d.parts)-1]
	p.shapes[1], p.lines[1], p.images[1] = len(d.shapes), len(d.lines), len(d.images)
}

// only is a page with nothing but the named part.
func (d *document) only(name string) *document {
	out := &document{width: d.width, height: d.height}
	for _, p := range d.parts {
		if p.name != name {
			continue
		}
		out.shapes = append(out.shapes, d.shapes[p.shapes[0]:p.shapes[1]]...)
		out.lines = append(out.lines, d.lines[p.lines[0]:p.lines[1]]...)
		out.images = append(out.images, d.images[p.images[0]:p.images[1]]...)
	}
	return out
}

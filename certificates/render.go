package certificates

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/masar-platform/masar/i18n"
)

// printed is everything a certificate shows.
type printed struct {
	code              string // canonical
	kind              string
	pair              string // the language of the second line of each pair: "en" or "fr"
	nameAr, nameLatin string
	titleAr, title2   string // the title in Arabic and in the pair's language
	hours             float64
	start, end        time.Time         // completion date, or the workshop's first and last days
	country           map[string]string // the host country's name by language
	city              string            // as stored (one spelling), on both lines
	issuedAt          time.Time
	verifyURL         string
	look              *look // the template; nil: the built-in certificate
}

// pairLang is the second language of the certificate, English when none is set.
func (p printed) pairLang() string {
	if p.pair == "" {
		return "en"
	}
	return p.pair
}

// The page: A4 landscape, in points.
const (
	pageW = 841.89
	pageH = 595.28
)

var (
	green = rgb{0.059, 0.357, 0.298} // the platform's colour, #0f5b4c
	gold  = rgb{0.690, 0.553, 0.235}
	ink   = rgb{0.110, 0.137, 0.165}
	grey  = rgb{0.333, 0.373, 0.420}
)

// alignment of a paragraph on its anchor.
type alignment int

const (
	alignCenter alignment = iota
	alignLeft
	alignRight
)

// set lays out a paragraph on a certificate's page with its first baseline at y (measured
// from the page's top) and returns its lines and the top coordinate of its last baseline.
func (t *typesetter) set(s string, st style, anchor, top, maxWidth float64, maxLines int, a alignment) ([]textLine, float64) {
	return t.layout(s, st, anchor, top, maxWidth, maxLines, a, 0.8, 1.28, pageH)
}

// layout is set for any page: the text may shrink to minScale before it wraps, its
// baselines are leading × size apart, and the page is pageHeight points high.
func (t *typesetter) layout(s string, st style, anchor, top, maxWidth float64, maxLines int, a alignment, minScale, leading, pageHeight float64) ([]textLine, float64) {
	p := t.paragraph(s, st)
	breaks, size := p.fit(maxWidth, maxLines, minScale)
	var out []textLine
	y := top
	for i, br := range breaks {
		l := p.line(br[0], br[1], size)
		if i > 0 {
			y += size * leading
		}
		x := anchor - l.width/2
		switch a {
		case alignLeft:
			x = anchor
		case alignRight:
			x = anchor - l.width
		}
		l.moveTo(x, pageHeight-y)
		out = append(out, l)
	}
	return out, y
}

// t is a wording of the certificate in Arabic, English or French.
func (s *Service) t(lang, key string, args ...any) string { return s.cat.T(lang, key, args...) }

// hoursText says how many training hours, with Arabic's number agreement; a fraction of an
// hour ("1.5") takes the CLDR form for decimals.
func (s *Service) hoursText(lang string, h float64) string {
	return s.cat.NDecimal(lang, "cert.pdf.hours", h)
}

// FormatDate writes a date the way the platform does in each language (Western digits), with
// the French ordinal for the first of the month, as printed on certificates: "1er mars 2026".
func FormatDate(lang string, t time.Time) string {
	if lang == "fr" && t.Day() == 1 {
		return "1er " + i18n.MonthName(lang, t.Month()) + " " + strconv.Itoa(t.Year())
	}
	return i18n.FormatDate(lang, t)
}

// dateRange writes the days of a workshop, saying the month and year once when they are
// the same: "From 3 to 5 March 2025".
func (s *Service) dateRange(lang string, a, b time.Time) string {
	if b.IsZero() || a.Equal(b) {
		return FormatDate(lang, a)
	}
	start := FormatDate(lang, a)
	switch {
	case a.Year() == b.Year() && a.Month() == b.Month():
		start = strconv.Itoa(a.Day())
		if lang == "fr" && a.Day() == 1 {
			start = "1er"
		}
	case a.Year() == b.Year():
		start = strings.TrimSuffix(FormatDate(lang, a), " "+strconv.Itoa(a.Year()))
	}
	return s.t(lang, "cert.pdf.date_range", "start", start, "end", FormatDate(lang, b))
}

// details is the line under the title: hours, dates and place.
func (s *Service) details(lang string, p printed) string {
	parts := []string{}
	if p.kind == KindWorkshop {
		parts = append(parts, s.dateRange(lang, p.start, p.end))
		country := p.country[lang]
		if country == "" && lang != "ar" {
			country = p.country["en"]
		}
		switch {
		case p.city != "" && country != "":
			parts = append(parts, s.t(lang, "cert.pdf.place", "city", p.city, "country", country))
		case country != "":
			parts = append(parts, country)
		case p.city != "":
			parts = append(parts, p.city)
		}
	} else {
		parts = append(parts, s.t(lang, "cert.pdf.completed_on", "date", FormatDate(lang, p.start)))
	}
	if p.hours > 0 {
		parts = append(parts, s.hoursText(lang, p.hours))
	}
	return strings.Join(parts, "  ·  ")
}

// render draws a certificate.
func (s *Service) render(p printed) (*document, error) {
	ts := &typesetter{fonts: s.fonts}
	d := &document{width: pageW, height: pageH}
	ar := func(size float64, bold bool, c rgb) style {
		return style{size: size, bold: bold, color: c, rtl: true, lang: "ar"}
	}
	// The second line of each pair is in English, or in French for a holder who prefers it.
	l2 := p.pairLang()
	en := func(size float64, bold bool, c rgb) style {
		return style{size: size, bold: bold, color: c, lang: l2}
	}
	s.frame(d, p.look == nil || len(p.look.logos) == 0)
	if p.look != nil {
		s.drawLogos(d, p.look.logos)
	}

	const cx = pageW / 2
	add := func(lines []textLine, y float64) float64 {
		d.lines = append(d.lines, lines...)
		return y
	}
	kindKey := "cert.pdf.title." + p.kind

	// Head: the programme (or the template's issuer) and the kind of certificate.
	programme := func(lang string) string {
		if p.look != nil && p.look.issuer.In(lang) != "" {
			return p.look.issuer.In(lang)
		}
		return s.t(lang, "cert.pdf.programme")
	}
	forWhat := func(lang string) string {
		if p.look != nil && p.look.wording.In(lang) != "" {
			return p.look.wording.In(lang)
		}
		return s.t(lang, "cert.pdf.for."+p.kind)
	}
	d.begin("head")
	add(ts.set(programme("ar"), ar(13, false, green), cx, 106, 620, 1, alignCenter))
	add(ts.set(programme(l2), en(9.5, false, grey), cx, 123, 620, 1, alignCenter))
	add(ts.set(s.t("ar", kindKey), ar(31, true, green), cx, 166, 620, 1, alignCenter))
	add(ts.set(s.t(l2, kindKey), en(17, true, green), cx, 193, 620, 1, alignCenter))
	d.end()

	// The body, between the head and the signatures: laid out at full size, then smaller
	// until it fits, and centred in its space.
	const bodyTop = 214.0
	bodyBottom := 472.0
	signed := p.look != nil && len(p.look.signatories) > 0
	if signed {
		bodyBottom = sigTop - 8
	}
	var body []textLine
	for scale := 1.0; ; scale *= 0.94 {
		body = body[:0]
		y := 0.0
		block := func(text string, st style, maxLines int, gapBefore float64) {
			if strings.TrimSpace(text) == "" {
				return
			}
			st.size *= scale
			y += gapBefore*scale + st.size
			lines, last := ts.set(text, st, cx, y, 640, maxLines, alignCenter)
			body = append(body, lines...)
			y = last + st.size*0.35
		}
		block(s.t("ar", "cert.pdf.awarded_to"), ar(13, false, grey), 1, 0)
		block(s.t(l2, "cert.pdf.awarded_to"), en(10, false, grey), 1, 0)
		block(p.nameAr, ar(30, true, ink), 2, 10)
		block(p.nameLatin, en(22, true, ink), 2, 4)
		block(forWhat("ar"), ar(13, false, grey), 1, 10)
		block(forWhat(l2), en(10, false, grey), 1, 0)
		block(p.titleAr, ar(19, true, green), 2, 8)
		block(p.title2, en(14.5, true, green), 2, 2)
		block(s.details("ar", p), ar(12, false, ink), 2, 10)
		block(s.details(l2, p), en(10, false, ink), 2, 0)
		if y <= bodyBottom-bodyTop || scale < 0.3 {
			offset := bodyTop + (bodyBottom-bodyTop-y)/2
			for i := range body {
				body[i].moveTo(body[i].x, body[i].y-offset)
			}
			break
		}
	}
	d.begin("body")
	d.lines = append(d.lines, body...)
	d.end()

	// Foot: the QR code and the code on the left, the signature in the middle, the date of
	// issue on the right.
	const footBase = 500.0
	qrSize := 66.0
	qx, qy := 62.0, pageH-footBase-qrSize+14
	d.begin("code")
	if err := drawQR(d, p.verifyURL, qx, qy, qrSize); err != nil {
		return nil, err
	}
	tx := qx + qrSize + 10
	add(ts.set(s.t("ar", "cert.pdf.code"), ar(10, false, grey), tx, footBase-24, 180, 1, alignLeft))
	add(ts.set(s.t(l2, "cert.pdf.code"), en(8, false, grey), tx, footBase-11, 180, 1, alignLeft))
	add(ts.set(FormatCode(p.code), en(12.5, true, ink), tx, footBase+6, 180, 1, alignLeft))
	urlLines, _ := ts.set(strings.TrimPrefix(strings.TrimPrefix(p.verifyURL, "https://"), "http://"), en(7.5, false, grey), tx, footBase+20, 190, 1, alignLeft)
	d.lines = append(d.lines, urlLines...)
	alt := s.t("ar", "cert.pdf.link_alt") + " — " + s.t(l2, "cert.pdf.link_alt")
	d.links = append(d.links, link{uri: p.verifyURL, alt: alt, x0: qx, y0: qy, x1: qx + qrSize, y1: qy + qrSize})
	for _, l := range urlLines {
		d.links = append(d.links, link{uri: p.verifyURL, alt: alt, x0: l.x, y0: l.y - l.descent(), x1: l.x + l.width, y1: l.y + l.ascent()})
	}
	if signed {
		// The signatories take the middle and the right; the date goes under the code.
		add(ts.set(s.t("ar", "cert.pdf.issued_on", "date", FormatDate("ar", p.issuedAt)), ar(9.5, false, ink), tx, footBase+36, 190, 1, alignLeft))
		add(ts.set(s.t(l2, "cert.pdf.issued_on", "date", FormatDate(l2, p.issuedAt)), en(8, false, grey), tx, footBase+48, 190, 1, alignLeft))
		d.end()
		s.drawSignatories(d, ts, p.look.signatories, l2)
	} else {
		d.end()
		s.drawSignatureAndDate(d, ts, p, l2, cx, footBase)
	}

	name := strings.TrimSpace(p.nameAr + " — " + p.nameLatin)
	d.info = docInfo{
		title:    s.t("ar", kindKey) + " — " + s.t(l2, kindKey) + ": " + name,
		author:   programme("ar") + " — " + programme(l2),
		subject:  strings.TrimSpace(p.titleAr + " — " + p.title2),
		keywords: FormatCode(p.code),
		creator:  "Masar",
		lang:     "ar",
		created:  p.issuedAt,
	}
	return d, nil
}

// drawSignatureAndDate draws the foot of a certificate without named signatories: the
// programme's secretariat in the middle (the built-in signature, or none when a template
// names nobody) and the date of issue on the right.
func (s *Service) drawSignatureAndDate(d *document, ts *typesetter, p printed, l2 string, cx, footBase float64) {
	ar := func(size float64, bold bool, c rgb) style {
		return style{size: size, bold: bold, color: c, rtl: true, lang: "ar"}
	}
	en := func(size float64, bold bool, c rgb) style {
		return style{size: size, bold: bold, color: c, lang: l2}
	}
	add := func(lines []textLine, _ float64) { d.lines = append(d.lines, lines...) }
	if p.look == nil {
		d.begin("signatory1")
		sig := &path{}
		sig.moveTo(cx-95, pageH-footBase+4).lineTo(cx+95, pageH-footBase+4)
		d.shapes = append(d.shapes, shape{path: sig, stroke: &gold, lineWidth: 0.8})
		add(ts.set(s.t("ar", "cert.pdf.signatory"), ar(11.5, true, ink), cx, footBase+14, 260, 1, alignCenter))
		add(ts.set(s.t(l2, "cert.pdf.signatory"), en(8.5, false, grey), cx, footBase+27, 260, 1, alignCenter))
		d.end()
	}

	d.begin("issued")
	rx := pageW - 62
	add(ts.set(s.t("ar", "cert.pdf.issued_on", "date", FormatDate("ar", p.issuedAt)), ar(11, false, ink), rx, footBase+4, 200, 1, alignRight))
	add(ts.set(s.t(l2, "cert.pdf.issued_on", "date", FormatDate(l2, p.issuedAt)), en(8.5, false, grey), rx, footBase+18, 200, 1, alignRight))
	d.end()
}

// frame draws the borders and ornaments; the emblem at the head unless partners' logos
// take its place.
func (s *Service) frame(d *document, emblem bool) {
	d.begin("frame")
	defer d.end()
	outer := (&path{}).rect(20, 20, pageW-40, pageH-40)
	inner := (&path{}).rect(28, 28, pageW-56, pageH-56)
	d.shapes = append(d.shapes,
		shape{path: outer, stroke: &green, lineWidth: 2.6},
		shape{path: inner, stroke: &gold, lineWidth: 0.8})
	for _, c := range [][2]float64{{28, 28}, {pageW - 28, 28}, {28, pageH - 28}, {pageW - 28, pageH - 28}} {
		d.shapes = append(d.shapes, shape{path: star(c[0], c[1], 9, 8), fill: &gold})
	}
	if !emblem {
		return
	}
	// The emblem: an eight-pointed star, the two squares of the khatam.
	cx, cy := pageW/2, pageH-64
	white := rgb{1, 1, 1}
	d.shapes = append(d.shapes,
		shape{path: star(cx, cy, 19, 8), fill: &green},
		shape{path: (&path{}).circle(cx, cy, 9.5), fill: &white},
		shape{path: star(cx, cy, 7.5, 8), fill: &gold})
	// Thin rules either side of the emblem.
	for _, sign := range []float64{-1, 1} {
		r := &path{}
		r.moveTo(cx+sign*30, cy).lineTo(cx+sign*170, cy)
		d.shapes = append(d.shapes, shape{path: r, stroke: &gold, lineWidth: 0.7})
	}
}

// star is an n-pointed star made of two overlapping squares (for n = 8), outer radius r.
func star(cx, cy, r float64, n int) *path {
	inner := r * math.Cos(math.Pi/float64(n)*2) / math.Cos(math.Pi/float64(n))
	pts := make([][2]float64, 0, 2*n)
	for i := 0; i < 2*n; i++ {
		a := math.Pi/2 + float64(i)*math.Pi/float64(n)
		rad := r
		if i%2 == 1 {
			rad = inner
		}
		pts = append(pts, [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)})
	}
	return (&path{}).polygon(pts)
}

// drawQR draws a QR code of text as vector squares, one rectangle per run of dark modules
// in a row, with its bottom-left corner at (x, y).
func drawQR(d *document, text string, x, y, size float64) error {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return fmt.Errorf("certificates: QR code: %w", err)
	}
	m := size / float64(code.Size)
	p := &path{}
	for row := 0; row < code.Size; row++ {
		for col := 0; col < code.Size; {
			if !code.Black(col, row) {
				col++
				continue
			}
			start := col
			for col < code.Size && code.Black(col, row) {
				col++
			}
			// Rows overlap by a hair so that no seam shows between them.
			p.rect(x+float64(start)*m, y+size-float64(row+1)*m-0.01, float64(col-start)*m, m+0.02)
		}
	}
	d.shapes = append(d.shapes, shape{path: p, fill: &ink})
	return nil
}

// Description is a certificate's facts worded for a page in one language.
type Description struct {
	Kind  string // "Certificate of Completion"
	Title string
	Hours string // "" when the certificate counts no hours
	Dates string // the date of completion, or the days of the workshop
	Place string // the workshop's city and host country, or ""
}

// Describe words a certificate's facts in lang.
func (s *Service) Describe(c *Certificate, lang string) Description {
	d := Description{Kind: s.t(lang, "cert.pdf.title."+c.Kind), Title: c.TitleIn(lang)}
	if c.Hours > 0 {
		d.Hours = s.hoursText(lang, c.Hours)
	}
	d.Dates = s.dateRange(lang, c.Start(), c.End())
	if c.Kind == KindWorkshop {
		country := c.HostCountryIn(lang)
		switch {
		case c.City != "" && country != "":
			d.Place = s.t(lang, "cert.pdf.place", "city", c.City, "country", country)
		default:
			d.Place = c.City + country
		}
	}
	return d
}

package certificates

import (
	"context"
	"strings"
	"time"
)

// Letters: the certificates' engine (shaping, bidi, embedded subset fonts, tagged PDF) also
// sets one-page A4 letters for other features — the visa invitation letters of workshops.
// The letterhead is the issuer's name and logos as the workshop's certificates print them.

// LetterPage is what a letter says, in one language.
type LetterPage struct {
	Lang       string    // ar, en or fr: the letter's language and direction
	WorkshopID int64     // whose certificate template gives the letterhead (0: the default)
	Reference  string    // the letter's reference, printed under the letterhead
	Date       time.Time // the date of the letter
	Title      string    // e.g. "Invitation letter"
	Paragraphs []string  // the body, one paragraph each
	Closing    string    // the signature block's line, under the body
}

// A4 portrait, in points.
const (
	letterW, letterH = 595.28, 841.89
	letterMargin     = 62.0
)

// RenderLetter sets p as a one-page tagged PDF: the letterhead (the logos of the workshop's
// certificate template, or the emblem, and the issuer's name in the letter's language and
// in Arabic), the reference and date, the title, the body and the closing. Arabic is shaped
// and ordered as on certificates; a name in Latin letters inside an Arabic sentence keeps
// its place. Long bodies are set smaller until they fit the page.
func (s *Service) RenderLetter(ctx context.Context, p LetterPage) ([]byte, error) {
	lang := p.Lang
	if lang != "en" && lang != "fr" {
		lang = "ar"
	}
	rtl := lang == "ar"
	var lk *look
	tid, _, err := s.templateFor(ctx, KindWorkshop, "", p.WorkshopID)
	if err != nil {
		return nil, err
	}
	if tid != 0 {
		v, err := s.TemplateVersionByID(ctx, tid)
		if err != nil {
			return nil, err
		}
		if lk, err = s.lookOf(ctx, v.Content, Texts{}); err != nil {
			return nil, err
		}
	}
	issuer := func(l string) string {
		if lk != nil && lk.issuer.In(l) != "" {
			return lk.issuer.In(l)
		}
		return s.t(l, "cert.pdf.programme")
	}
	d := &document{width: letterW, height: letterH}
	ts := &typesetter{fonts: s.fonts}
	st := func(size float64, bold bool, c rgb) style {
		return style{size: size, bold: bold, color: c, rtl: rtl, lang: lang}
	}
	// set lays out text with its first baseline at top (from the page's top) in the letter's
	// alignment — the start margin is the right one in Arabic — and returns its last baseline.
	set := func(text string, sty style, top float64, align alignment, maxLines int) float64 {
		anchor, a := letterMargin, alignLeft
		switch {
		case align == alignCenter:
			anchor, a = letterW/2, alignCenter
		case rtl:
			anchor, a = letterW-letterMargin, alignRight
		}
		// Unlike a certificate's, a letter's paragraph keeps its size and takes the lines it
		// needs (a minimum scale of 1).
		lines, y := ts.layout(text, sty, anchor, top, letterW-2*letterMargin, maxLines, a, 1, 1.45, letterH)
		d.lines = append(d.lines, lines...)
		return y
	}

	// The letterhead.
	d.begin("letterhead")
	const logoBox = 46.0
	if lk != nil && len(lk.logos) > 0 {
		n := float64(len(lk.logos))
		slot := (letterW - 2*letterMargin - logoGap*(n-1)) / n
		x := letterW - letterMargin
		for _, pic := range lk.logos {
			w := min(slot, logoBox*float64(pic.w)/float64(pic.h))
			x -= w
			d.images = append(d.images, fitPicture(pic, x, letterH-36-logoBox, w, logoBox))
			x -= logoGap
		}
	} else {
		d.shapes = append(d.shapes, shape{path: star(letterW/2, letterH-58, 17, 8), fill: &green})
	}
	y := set(issuer(lang), st(13, true, green), 112, alignCenter, 2)
	if lang != "ar" {
		y = set(issuer("ar"), style{size: 11, color: grey, rtl: true, lang: "ar"}, y+17, alignCenter, 2)
	}
	rule := &path{}
	rule.moveTo(letterMargin, letterH-y-12).lineTo(letterW-letterMargin, letterH-y-12)
	d.shapes = append(d.shapes, shape{path: rule, stroke: &gold, lineWidth: 0.8})
	d.end()

	// Reference and date, then the title.
	d.begin("reference")
	y += 36
	if p.Reference != "" {
		y = set(p.Reference, st(9.5, false, grey), y, alignLeft, 1) + 14
	}
	y = set(s.t(lang, "cert.letter.dated", "date", FormatDate(lang, p.Date)), st(10.5, false, ink), y, alignLeft, 1)
	d.end()
	d.begin("title")
	y = set(p.Title, st(17, true, green), y+38, alignCenter, 2)
	d.end()

	// The body: smaller until it and the closing fit above the foot.
	bodyTop := y + 34
	const bottom = letterH - 90
	d.begin("body")
	start := len(d.lines)
	for scale := 1.0; ; scale *= 0.93 {
		d.lines = d.lines[:start]
		y = bodyTop
		for i, para := range p.Paragraphs {
			if strings.TrimSpace(para) == "" {
				continue
			}
			size := 11.5 * scale
			if i > 0 {
				y += size * 1.1
			}
			y = set(para, st(size, false, ink), y+size, alignLeft, 40)
		}
		if p.Closing != "" {
			y = set(p.Closing, st(11.5*scale, true, ink), y+11.5*scale*3, alignLeft, 3)
		}
		if y <= bottom || scale < 0.5 {
			break
		}
	}
	d.end()

	name := p.Title
	d.info = docInfo{title: name, author: issuer(lang), subject: p.Reference, creator: "Masar", lang: lang, created: p.Date}
	return d.writePDF()
}

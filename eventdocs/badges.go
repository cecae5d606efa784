package eventdocs

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/workshops"
)

// mm is a millimetre in points.
const mm = 72 / 25.4

// The badge sheet: A4 portrait holding two columns of four badges of 90 × 55 mm (the size
// of the common badge holders), with gaps between them for the cut marks.
const (
	sheetW    = 595.28
	sheetH    = 841.89
	badgeW    = 90 * mm
	badgeH    = 55 * mm
	badgeCols = 2
	badgeRows = 4
	gapX      = 10 * mm
	gapY      = 12 * mm
	// BadgesPerSheet is how many badges one A4 sheet holds.
	BadgesPerSheet = badgeCols * badgeRows
)

// Inside a badge.
const (
	badgePad   = 9.0  // margin inside the badge
	bandH      = 32.0 // the coloured band that carries the workshop's title
	qrSize     = 62.0 // ≈ 22 mm: phones read it from arm's length
	qrGap      = 10.0
	pillH      = 14.0 // the role's label
	cutOffset  = 1.5 * mm
	cutLength  = 5 * mm
	cutWidth   = 0.4
	outlineRGB = 0.82
)

// slot is the top-left corner of badge i (from 0) on its sheet: right to left, then down,
// in the order an Arabic page is read.
func slot(i int) (x, top float64) {
	i %= BadgesPerSheet
	row, col := i/badgeCols, i%badgeCols
	left := (sheetW - (badgeCols*badgeW + (badgeCols-1)*gapX)) / 2
	upper := (sheetH - (badgeRows*badgeH + (badgeRows-1)*gapY)) / 2
	x = left + float64(badgeCols-1-col)*(badgeW+gapX)
	return x, upper + float64(row)*(badgeH+gapY)
}

// BadgeSlot is where badge i of a sheet lies, in points from the sheet's top-left corner:
// for tests and for anyone who prints on pre-cut stock.
func BadgeSlot(i int) (x, top, width, height float64) {
	x, top = slot(i)
	return x, top, badgeW, badgeH
}

// Badges draws the badges of people, eight to an A4 sheet, in lang for the QR codes' links
// and the Latin-script half (Arabic is always first).
func (s *Service) Badges(ctx context.Context, w *workshops.Workshop, people []Person, lang string) (*certificates.Sheet, error) {
	if w.Status == workshops.StatusCancelled {
		return nil, ErrCancelled
	}
	l2 := latinLang(lang, w)
	title := s.t("ar", "event_docs.badges.title") + " — " + s.t(l2, "event_docs.badges.title")
	sh := s.certs.NewSheet(certificates.SheetInfo{
		Title:   title + ": " + w.TitleIn("ar"),
		Author:  s.t("ar", "cert.pdf.programme") + " — " + s.t(l2, "cert.pdf.programme"),
		Subject: strings.TrimSpace(w.TitleIn("ar") + " — " + w.TitleIn(l2)),
		Lang:    "ar",
		Created: s.ws.Now(),
	})
	var page *certificates.Page
	for i, p := range people {
		if i%BadgesPerSheet == 0 {
			page = sh.AddPage(sheetW, sheetH)
		}
		x, top := slot(i)
		if err := s.drawBadge(ctx, sh, page, w, p, lang, l2, x, top); err != nil {
			return nil, err
		}
	}
	if sh.PageCount() == 0 {
		return nil, ErrNoBadges
	}
	return sh, nil
}

// BadgesPDF is Badges written as a PDF.
func (s *Service) BadgesPDF(ctx context.Context, w *workshops.Workshop, people []Person, lang string) ([]byte, error) {
	sh, err := s.Badges(ctx, w, people, lang)
	if err != nil {
		return nil, err
	}
	return sh.PDF()
}

// BadgesZIP writes a ZIP archive of one badge PDF per person (see Person.FileName).
func (s *Service) BadgesZIP(ctx context.Context, dst io.Writer, w *workshops.Workshop, people []Person, lang string) error {
	files := make([]zipFile, 0, len(people))
	for _, p := range people {
		b, err := s.BadgesPDF(ctx, w, []Person{p}, lang)
		if err != nil {
			return err
		}
		files = append(files, zipFile{name: p.FileName(), data: b})
	}
	return writeZIP(dst, files, s.ws.Now())
}

// drawBadge draws one badge with its top-left corner at (x, top): the workshop's title in
// a band, the name in Arabic and in Latin script, the country in both, the role, and, for a
// participant, the QR code of the ticket with its code.
func (s *Service) drawBadge(ctx context.Context, sh *certificates.Sheet, pg *certificates.Page, w *workshops.Workshop, p Person, lang, l2 string, x, top float64) error {
	outline := certificates.Color{R: outlineRGB, G: outlineRGB, B: outlineRGB}
	pg.Rect(x, top, badgeW, badgeH, nil, &outline, 0.3)
	cutMarks(pg, x, top)

	// The band: the title in Arabic, then in the Latin-script language, each when the
	// workshop has it.
	green, white := certificates.Green, certificates.White
	pg.Rect(x, top, badgeW, bandH, &green, nil, 0)
	titleAr, title2 := w.Title["ar"], w.Title[l2]
	if titleAr == "" && title2 == "" {
		title2 = w.TitleIn(l2)
	}
	inner := badgeW - 2*badgePad
	var band []*certificates.TextBlock
	switch {
	case titleAr != "" && title2 != "":
		band = append(band,
			sh.Text(titleAr, certificates.TextStyle{Size: 8.5, Bold: true, Color: white, RTL: true, Lang: "ar", MinScale: 0.6}, inner, certificates.AlignCenter),
			sh.Text(title2, certificates.TextStyle{Size: 6.5, Color: white, Lang: l2, MinScale: 0.6}, inner, certificates.AlignCenter))
	default:
		t, tl := titleAr, "ar"
		if t == "" {
			t, tl = title2, l2
		}
		band = append(band, sh.Text(t, certificates.TextStyle{Size: 8.5, Bold: true, Color: white, RTL: tl == "ar", Lang: tl, MaxLines: 2, MinScale: 0.6}, inner, certificates.AlignCenter))
	}
	bandText := 0.0
	for _, b := range band {
		bandText += b.Height()
	}
	y := top + (bandH-bandText)/2
	for _, b := range band {
		pg.Place(b, x+badgePad, y)
		y += b.Height()
	}

	// The QR code of the ticket on the left, its code under it; the text on the right.
	bodyTop := top + bandH + 7
	colX, colW := x+badgePad, inner
	if p.Ticket != "" {
		if err := pg.QR(s.checkInURL(lang, w.ID, p.Ticket), x+badgePad, bodyTop+2, qrSize); err != nil {
			return fmt.Errorf("eventdocs: badge of registration %d: %w", p.RegistrationID, err)
		}
		code := sh.Text(workshops.FormatTicket(p.Ticket), certificates.TextStyle{Size: 7, Color: certificates.Ink, Lang: "en"}, qrSize+8, certificates.AlignCenter)
		pg.Place(code, x+badgePad-4, bodyTop+2+qrSize+3)
		colX += qrSize + qrGap
		colW -= qrSize + qrGap
	}

	// The role, in a label at the bottom of the text column, on the right.
	roleText := s.cat.G("ar", "event_docs.role."+p.Role, p.Gender) + " · " + s.cat.G(l2, "event_docs.role."+p.Role, p.Gender)
	role := sh.Text(roleText, certificates.TextStyle{Size: 7.5, Bold: true, Color: white, RTL: true, Lang: "ar"}, colW-12, certificates.AlignCenter)
	roleW := min(colW, role.Width()+12)
	pillTop := top + badgeH - badgePad - pillH
	fill := certificates.Green
	if p.Role == RoleTrainer {
		fill = certificates.Gold
	}
	pg.Rect(colX+colW-roleW, pillTop, roleW, pillH, &fill, nil, 0)
	pg.Place(role, colX+colW-roleW+6+(roleW-12-(colW-12))/2, pillTop+(pillH-role.Height())/2)

	// The names and the country, at full size if they fit above the label, else smaller.
	countryText := strings.TrimSpace(s.ws.CountryName(ctx, p.Country, "ar") + " · " + s.ws.CountryName(ctx, p.Country, l2))
	avail := pillTop - 4 - bodyTop
	var blocks []*certificates.TextBlock
	var gaps []float64
	for scale := 1.0; ; scale *= 0.93 {
		blocks, gaps = blocks[:0], gaps[:0]
		add := func(text string, st certificates.TextStyle, gap float64) {
			if strings.TrimSpace(text) == "" {
				return
			}
			st.Size *= scale
			st.MaxLines = max(st.MaxLines, 1)
			blocks = append(blocks, sh.Text(text, st, colW, alignment(true, st.RTL)))
			gaps = append(gaps, gap*scale)
		}
		add(p.NameAr, certificates.TextStyle{Size: 17, Bold: true, Color: certificates.Ink, RTL: rtl(p.NameAr, true), Lang: "ar", MaxLines: 3, MinScale: 0.75}, 0)
		add(p.NameLatin, certificates.TextStyle{Size: 11.5, Bold: true, Color: certificates.Ink, RTL: rtl(p.NameLatin, false), Lang: l2, MaxLines: 2, MinScale: 0.75}, 1)
		add(countryText, certificates.TextStyle{Size: 9, Color: certificates.Grey, RTL: true, Lang: "ar"}, 4)
		h := 0.0
		for i, b := range blocks {
			h += gaps[i] + b.Height()
		}
		if h <= avail || scale < 0.3 {
			break
		}
	}
	y = bodyTop
	for i, b := range blocks {
		y += gaps[i]
		pg.Place(b, colX, y)
		y += b.Height()
	}
	return nil
}

// cutMarks draws the marks that show where to cut around the badge at (x, top): short
// lines in line with its edges, outside it.
func cutMarks(pg *certificates.Page, x, top float64) {
	c := certificates.Grey
	right, bottom := x+badgeW, top+badgeH
	for _, cy := range []float64{top, bottom} {
		pg.Line(x-cutOffset-cutLength, cy, x-cutOffset, cy, c, cutWidth)
		pg.Line(right+cutOffset, cy, right+cutOffset+cutLength, cy, c, cutWidth)
	}
	for _, cx := range []float64{x, right} {
		pg.Line(cx, top-cutOffset-cutLength, cx, top-cutOffset, c, cutWidth)
		pg.Line(cx, bottom+cutOffset, cx, bottom+cutOffset+cutLength, c, cutWidth)
	}
}

package eventdocs

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/workshops"
)

// The sign-in sheet: A4 portrait, a table of the confirmed participants by country.
const (
	signMargin   = 36.0
	signBottom   = 52.0 // the foot, with the page number, starts here from the bottom
	cellPad      = 4.0
	headRowH     = 20.0
	minRowH      = 30.0 // room to sign
	tableWidth   = sheetW - 2*signMargin
	signLineGrey = 0.6
)

// signColumns are the table's columns from the start edge: number, name, organisation,
// country, signature; their widths in points (the signature takes what is left).
var signColumns = []struct {
	key   string
	width float64
}{
	{"event_docs.signin.col.number", 26},
	{"event_docs.signin.col.name", 170},
	{"event_docs.signin.col.organisation", 134},
	{"event_docs.signin.col.country", 80},
	{"event_docs.signin.col.signature", tableWidth - 26 - 170 - 134 - 80},
}

// columnX is the left edge of column i on a page of the given direction.
func columnX(i int, pageRTL bool) float64 {
	before := 0.0
	for _, c := range signColumns[:i] {
		before += c.width
	}
	if pageRTL {
		return sheetW - signMargin - before - signColumns[i].width
	}
	return signMargin + before
}

// signRow is a participant's row, laid out.
type signRow struct {
	cells   [][]*certificates.TextBlock // per column, blocks one under the other
	height  float64
	country string
}

// SignInSheet draws the sign-in sheet of day (one of Days) in lang: a header with the
// workshop's title, the date and the venue; the table, its header row repeated on every
// page; and "page n of m" at the foot.
func (s *Service) SignInSheet(ctx context.Context, w *workshops.Workshop, day, lang string) (*certificates.Sheet, error) {
	if w.Status == workshops.StatusCancelled {
		return nil, ErrCancelled
	}
	days := Days(w)
	n := slices.Index(days, day)
	if n < 0 {
		return nil, ErrNoDay
	}
	people, err := s.Participants(ctx, w, lang)
	if err != nil {
		return nil, err
	}
	pageRTL := lang == "ar"
	kind := s.t(lang, "event_docs.signin.title")
	sh := s.certs.NewSheet(certificates.SheetInfo{
		Title:    kind + " — " + w.TitleIn(lang) + " — " + workshops.FormatDay(lang, day),
		Author:   s.t(lang, "cert.pdf.programme"),
		Subject:  w.TitleIn(lang),
		Keywords: day,
		Lang:     lang,
		Created:  s.ws.Now(),
	})
	text := func(str string, size float64, bold bool, c certificates.Color, width float64, maxLines int) *certificates.TextBlock {
		dir := rtl(str, pageRTL)
		return sh.Text(str, certificates.TextStyle{Size: size, Bold: bold, Color: c, RTL: dir, Lang: langOf(str, lang), MaxLines: maxLines, MinScale: 0.7},
			width, alignment(pageRTL, dir))
	}

	// The header, the same on every page.
	sep := ", "
	if lang == "ar" {
		sep = "، "
	}
	var place []string
	for _, v := range []string{w.Venue, w.City, s.ws.CountryName(ctx, w.HostCountry, lang)} {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(place, v) {
			place = append(place, v)
		}
	}
	dateLine := workshops.FormatDay(lang, day)
	if len(days) > 1 {
		dateLine += "  ·  " + s.t(lang, "event_docs.signin.day_of", "n", i18n.FormatInt(lang, n+1), "total", i18n.FormatInt(lang, len(days)))
	}
	header := []*certificates.TextBlock{
		text(s.t(lang, "cert.pdf.programme"), 9, false, certificates.Grey, tableWidth, 1),
		text(kind, 16, true, certificates.Green, tableWidth, 1),
		text(w.TitleIn(lang), 12, true, certificates.Ink, tableWidth, 2),
		text(dateLine, 10, false, certificates.Ink, tableWidth, 1),
	}
	if len(place) > 0 {
		header = append(header, text(strings.Join(place, sep), 9.5, false, certificates.Grey, tableWidth, 2))
	}
	headerH := 0.0
	for _, b := range header {
		headerH += b.Height() + 2
	}
	tableTop := signMargin + headerH + 10

	// The rows, laid out, then cut into pages.
	l2 := "en"
	if lang != "ar" {
		l2 = "ar" // the name in the other script comes second
	}
	var rows []signRow
	for i, p := range people {
		r := signRow{cells: make([][]*certificates.TextBlock, len(signColumns)), country: p.Country}
		inner := func(c int) float64 { return signColumns[c].width - 2*cellPad }
		r.cells[0] = []*certificates.TextBlock{text(i18n.FormatInt(lang, i+1), 8.5, false, certificates.Ink, inner(0), 1)}
		first, second := displayName(p, lang), p.NameLatin
		if l2 == "ar" {
			second = p.NameAr
		}
		if second == first {
			second = ""
		}
		r.cells[1] = []*certificates.TextBlock{text(first, 9.5, true, certificates.Ink, inner(1), 2)}
		if second != "" {
			r.cells[1] = append(r.cells[1], text(second, 8, false, certificates.Grey, inner(1), 2))
		}
		r.cells[2] = []*certificates.TextBlock{text(p.Organisation, 8.5, false, certificates.Ink, inner(2), 3)}
		r.cells[3] = []*certificates.TextBlock{text(s.ws.CountryName(ctx, p.Country, lang), 8.5, false, certificates.Ink, inner(3), 2)}
		r.height = minRowH
		for _, cell := range r.cells {
			h := 2 * cellPad
			for _, b := range cell {
				h += b.Height()
			}
			r.height = max(r.height, h)
		}
		rows = append(rows, r)
	}
	var pages [][]signRow
	y, limit := tableTop+headRowH, sheetH-signBottom
	for _, r := range rows {
		if len(pages) == 0 || y+r.height > limit {
			pages = append(pages, nil)
			y = tableTop + headRowH
		}
		pages[len(pages)-1] = append(pages[len(pages)-1], r)
		y += r.height
	}
	if len(pages) == 0 {
		pages = append(pages, nil)
	}

	heads := make([]*certificates.TextBlock, len(signColumns))
	for i, c := range signColumns {
		heads[i] = text(s.t(lang, c.key), 8.5, true, certificates.White, c.width-2*cellPad, 1)
	}
	line := certificates.Color{R: signLineGrey, G: signLineGrey, B: signLineGrey}
	for pi, pageRows := range pages {
		pg := sh.AddPage(sheetW, sheetH)
		y := signMargin
		for _, b := range header {
			pg.Place(b, signMargin, y)
			y += b.Height() + 2
		}
		green := certificates.Green
		pg.Rect(signMargin, tableTop, tableWidth, headRowH, &green, nil, 0)
		for i, b := range heads {
			pg.Place(b, columnX(i, pageRTL)+cellPad, tableTop+(headRowH-b.Height())/2)
		}
		y = tableTop + headRowH
		for ri, r := range pageRows {
			for c, cell := range r.cells {
				cy := y + cellPad
				for _, b := range cell {
					pg.Place(b, columnX(c, pageRTL)+cellPad, cy)
					cy += b.Height()
				}
			}
			// A new country is set off by a stronger rule.
			if ri > 0 && r.country != pageRows[ri-1].country {
				pg.Line(signMargin, y, signMargin+tableWidth, y, certificates.Green, 1)
			}
			y += r.height
			pg.Line(signMargin, y, signMargin+tableWidth, y, line, 0.5)
		}
		if len(rows) == 0 {
			b := text(s.t(lang, "event_docs.signin.none"), 9.5, false, certificates.Grey, tableWidth-2*cellPad, 2)
			pg.Place(b, signMargin+cellPad, y+cellPad)
			y += b.Height() + 2*cellPad
			pg.Line(signMargin, y, signMargin+tableWidth, y, line, 0.5)
		}
		// The columns' rules and the frame.
		for i := 1; i < len(signColumns); i++ {
			x := columnX(i, pageRTL)
			if pageRTL {
				x += signColumns[i].width
			}
			pg.Line(x, tableTop+headRowH, x, y, line, 0.5)
		}
		pg.Rect(signMargin, tableTop, tableWidth, y-tableTop, nil, &line, 0.7)

		pg.Place(sh.Text(s.t(lang, "event_docs.page_of", "n", i18n.FormatInt(lang, pi+1), "total", i18n.FormatInt(lang, len(pages))),
			certificates.TextStyle{Size: 8, Color: certificates.Grey, RTL: pageRTL, Lang: lang}, tableWidth, certificates.AlignCenter),
			signMargin, sheetH-signBottom+16)
	}
	return sh, nil
}

// langOf is the language to tag text with on a page in lang: Arabic for Arabic text on a
// page in English or French, the page's otherwise (Latin names on an Arabic page are tagged
// as English).
func langOf(s, lang string) string {
	ar := rtl(s, lang == "ar")
	switch {
	case ar:
		return "ar"
	case lang == "ar":
		return "en"
	}
	return lang
}

// SignInSheetPDF is SignInSheet written as a PDF.
func (s *Service) SignInSheetPDF(ctx context.Context, w *workshops.Workshop, day, lang string) ([]byte, error) {
	sh, err := s.SignInSheet(ctx, w, day, lang)
	if err != nil {
		return nil, err
	}
	return sh.PDF()
}

// SignInFileName is the name of day's sign-in sheet file.
func SignInFileName(day string) string { return "signin-" + day + ".pdf" }

// SignInZIP writes a ZIP archive of the sign-in sheet of every day.
func (s *Service) SignInZIP(ctx context.Context, dst io.Writer, w *workshops.Workshop, lang string) error {
	var files []zipFile
	for _, day := range Days(w) {
		b, err := s.SignInSheetPDF(ctx, w, day, lang)
		if err != nil {
			return err
		}
		files = append(files, zipFile{name: SignInFileName(day), data: b})
	}
	return writeZIP(dst, files, s.ws.Now())
}

package workshops

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/sheet"
)

// The participants list as a workbook: one row per registration with both name scripts,
// country, organisation, status, a column per registration question (its answers as people
// read them) and a column per day of attendance. The same column
// headers, in any of the three languages, are what the import recognises.

// Column codes of the participants sheet; their headers are the catalogue's
// workshops.col.CODE in each language.
const (
	colID           = "id"
	colNameAr       = "name_ar"
	colNameLatin    = "name_latin"
	colEmail        = "email"
	colCountry      = "country"
	colCountryName  = "country_name"
	colOrganisation = "organisation"
	colJobTitle     = "job_title"
	colSector       = "sector"
	colGender       = "gender"
	colLanguage     = "language"
	colStatus       = "status"
	colRole         = "role"
	colRate         = "attendance_rate"
)

var exportCols = []struct {
	code  string
	width float64
}{
	{colID, 10}, {colNameAr, 28}, {colNameLatin, 28}, {colEmail, 30}, {colCountry, 10}, {colCountryName, 18},
	{colOrganisation, 30}, {colJobTitle, 24}, {colSector, 22}, {colGender, 12}, {colLanguage, 12}, {colStatus, 16},
}

// WriteParticipantsXLSX writes workshop wid's participants as an Excel workbook in lang
// (headers, statuses, sectors and day names in that language; right to left in Arabic).
func (s *Service) WriteParticipantsXLSX(ctx context.Context, out io.Writer, wid int64, lang string) error {
	lang = langOr(lang)
	w, err := s.Get(ctx, wid)
	if err != nil {
		return err
	}
	regs, err := s.Registrations(ctx, wid, RegFilter{})
	if err != nil {
		return err
	}
	countries := map[string]string{}
	cs, err := s.offs.Countries(ctx, false)
	if err != nil {
		return err
	}
	for _, c := range cs {
		countries[c.ISO] = c.Name(lang)
	}
	T := func(k string) string { return s.cat.T(lang, k) }
	f := excelize.NewFile()
	defer f.Close()
	header, err := sheet.HeaderStyle(f)
	if err != nil {
		return fmt.Errorf("workshops: export style: %w", err)
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
	if err != nil {
		return fmt.Errorf("workshops: export style: %w", err)
	}
	center, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return fmt.Errorf("workshops: export style: %w", err)
	}
	name := sheet.Name(T("workshops.sheet.participants"), "Participants")
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return fmt.Errorf("workshops: export sheet: %w", err)
	}
	sw, err := sheet.Stream(f, name, lang, 3)
	if err != nil {
		return fmt.Errorf("workshops: export sheet: %w", err)
	}
	days := w.Days()
	// A column per registration question, after the person's columns: the live ones, and the
	// archived ones that were answered (their answers are kept).
	all, err := s.Questions(ctx, wid, true)
	if err != nil {
		return err
	}
	var qs []*Question
	for _, q := range all {
		if !q.Archived || q.Answered > 0 {
			qs = append(qs, q)
		}
	}
	var head []any
	col := 1
	for _, c := range exportCols {
		if err := sw.SetColWidth(col, col, c.width); err != nil {
			return err
		}
		head = append(head, excelize.Cell{StyleID: header, Value: T("workshops.col." + c.code)})
		col++
	}
	for _, q := range qs {
		if err := sw.SetColWidth(col, col, 24); err != nil {
			return err
		}
		head = append(head, excelize.Cell{StyleID: header, Value: q.LabelIn(lang)})
		col++
	}
	for _, d := range days {
		if err := sw.SetColWidth(col, col, 14); err != nil {
			return err
		}
		head = append(head, excelize.Cell{StyleID: header, Value: FormatDay(lang, d)})
		col++
	}
	if err := sw.SetColWidth(col, col, 14); err != nil {
		return err
	}
	head = append(head, excelize.Cell{StyleID: header, Value: T("workshops.col." + colRate)})
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 32}); err != nil {
		return fmt.Errorf("workshops: export header: %w", err)
	}
	for i, r := range regs {
		row := []any{r.ID, r.NameAr, r.NameLatin, r.Email, r.Country, countries[r.Country], r.Organisation, r.JobTitle,
			label(s.cat, lang, "sector.", r.Sector), label(s.cat, lang, "gender.", r.Gender), label(s.cat, lang, "lang.", r.Language),
			T("workshops.status." + r.Status)}
		for _, q := range qs {
			v := ""
			if a, ok := r.AnswerTo(q.ID); ok {
				v = s.AnswerText(q, a, lang)
			}
			row = append(row, v)
		}
		for _, d := range days {
			v := ""
			if r.AttendedOn(d) {
				v = "✓"
			}
			row = append(row, excelize.Cell{StyleID: center, Value: v})
		}
		var rate any
		if r.Status == RegConfirmed {
			rate = excelize.Cell{StyleID: pct, Value: r.Rate(w)}
		}
		row = append(row, rate)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("workshops: export row: %w", err)
		}
	}
	// The filter goes in before the stream is flushed: one declared after is dropped.
	if err := sheet.AutoFilter(f, name, len(head), len(regs)+1); err != nil {
		return fmt.Errorf("workshops: export filter: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("workshops: export: %w", err)
	}
	if err := sheet.Write(f, out); err != nil {
		return fmt.Errorf("workshops: write export: %w", err)
	}
	return nil
}

func langOr(l string) string {
	if i18n.Supported(l) {
		return l
	}
	return i18n.Default
}

func label(cat i18n.Catalogue, lang, prefix, code string) string {
	if code == "" {
		return ""
	}
	return cat.T(lang, prefix+code)
}

// Limits on an imported workbook.
const (
	MaxImportBytes = 10 << 20 // the file as uploaded
	MaxImportRows  = 10000
	// MaxImportUnzipped caps the workbook's total unzipped size: 10,000 rows of people take
	// a few megabytes, and a small upload that inflates to far more (a zip bomb) is refused
	// before it is parsed. unzipXMLLimit is what one sheet may take in memory (larger
	// sheets go through a temporary file).
	MaxImportUnzipped = 20 << 20
	unzipXMLLimit     = 16 << 20
)

// Errors of an imported file as a whole.
var (
	ErrImportTooLarge = problem.New(http.StatusRequestEntityTooLarge, "too_large", "workshops.import.too_large")
	ErrNotXLSX        = problem.New(http.StatusUnprocessableEntity, "not_xlsx", "workshops.import.not_xlsx")
	ErrImportBomb     = problem.New(http.StatusUnprocessableEntity, "unzip_too_large", "workshops.import.unzip_too_large", "mb", MaxImportUnzipped>>20)
	ErrImportEmpty    = problem.New(http.StatusUnprocessableEntity, "empty", "workshops.import.empty")
	ErrImportTooMany  = problem.New(http.StatusUnprocessableEntity, "too_many_rows", "workshops.import.too_many_rows", "max", MaxImportRows)
)

// sheetRow is one line of the first sheet: its number (1-based, as Excel shows it) and its
// values by column code.
type sheetRow struct {
	Line   int
	Values map[string]string
}

// readSheet opens an uploaded workbook within the size limits and returns the columns it
// recognised (by header, in any of the three languages) and the non-empty rows.
// sheetErr is what the user is told when the workbook cannot be read; excelize's own
// message is kept as the cause, for the log.
func sheetErr(err error) error {
	if strings.Contains(err.Error(), "unzip size") {
		return ErrImportBomb.WithCause(err)
	}
	return ErrNotXLSX.WithCause(err)
}

// checkUnzipped refuses a workbook whose parts add up to more than MaxImportUnzipped once
// unzipped, from the sizes its directory declares, before anything is inflated. The zip
// reader refuses a part that inflates beyond its declared size, so they cannot lie.
func checkUnzipped(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ErrNotXLSX.WithCause(err)
	}
	var total uint64
	for _, e := range zr.File {
		total += e.UncompressedSize64
		if total > MaxImportUnzipped {
			return ErrImportBomb.WithCause(fmt.Errorf("workshops: import unzips to more than %d bytes (at %s)", total, e.Name))
		}
	}
	return nil
}

func (s *Service) readSheet(data []byte) (map[string]bool, []sheetRow, error) {
	if len(data) > MaxImportBytes {
		return nil, nil, ErrImportTooLarge
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, nil, ErrNotXLSX
	}
	if err := checkUnzipped(data); err != nil {
		return nil, nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxImportUnzipped, UnzipXMLSizeLimit: unzipXMLLimit})
	if err != nil {
		return nil, nil, sheetErr(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, ErrImportEmpty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, sheetErr(err)
	}
	defer rows.Close()
	aliases := s.headerAliases()
	var codes []string
	found := map[string]bool{}
	var out []sheetRow
	line := 0
	for rows.Next() {
		line++
		cells, err := rows.Columns()
		if err != nil {
			return nil, nil, ErrNotXLSX.WithCause(err)
		}
		if codes == nil {
			if blank(cells) {
				continue
			}
			codes = make([]string, len(cells))
			for i, h := range cells {
				if c, ok := aliases[normHeader(h)]; ok && !found[c] {
					codes[i] = c
					found[c] = true
				}
			}
			continue
		}
		if blank(cells) {
			continue
		}
		if len(out) >= MaxImportRows {
			return nil, nil, ErrImportTooMany
		}
		v := map[string]string{}
		for i, cell := range cells {
			if i < len(codes) && codes[i] != "" {
				v[codes[i]] = strings.TrimSpace(cell)
			}
		}
		out = append(out, sheetRow{Line: line, Values: v})
	}
	// excelize's Rows reports a read cut short by Error() (its rows.Err()): without it, a
	// broken sheet would import as a shorter list.
	if err := rows.Error(); err != nil {
		return nil, nil, sheetErr(err)
	}
	if codes == nil {
		return nil, nil, ErrImportEmpty
	}
	return found, out, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// normHeader makes headers comparable: folded like names, without punctuation.
func normHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return ' '
		}
		return r
	}, s)
	return foldName(s)
}

// headerAliases maps every recognised header, normalised, to its column code: the code
// itself, the export's headers and the profile form's labels in the three languages, and
// common synonyms.
func (s *Service) headerAliases() map[string]string {
	m := map[string]string{}
	add := func(code string, names ...string) {
		for _, n := range names {
			if k := normHeader(n); k != "" {
				if _, dup := m[k]; !dup {
					m[k] = code
				}
			}
		}
	}
	formKeys := map[string]string{colEmail: "field.email", colNameAr: "field.name_ar", colNameLatin: "field.name_latin",
		colJobTitle: "field.job_title", colOrganisation: "field.organisation", colCountry: "field.country",
		colSector: "field.sector", colGender: "field.gender", colLanguage: "field.language", colRole: "field.role"}
	for _, c := range []string{colID, colNameAr, colNameLatin, colEmail, colCountry, colCountryName, colOrganisation, colJobTitle,
		colSector, colGender, colLanguage, colStatus, colRole} {
		add(c, c)
		for _, l := range i18n.Langs {
			add(c, s.cat.T(l, "workshops.col."+c))
			if k, ok := formKeys[c]; ok {
				add(c, s.cat.T(l, k))
			}
		}
	}
	add(colEmail, "e-mail", "email address", "e-mail address", "mail", "البريد", "البريد الالكتروني", "courriel", "adresse électronique", "adresse e-mail")
	add(colNameAr, "arabic name", "name in arabic", "الاسم بالعربية", "الاسم بالعربي", "الاسم", "nom en arabe", "nom arabe")
	add(colNameLatin, "latin name", "name in latin", "name", "full name", "الاسم باللاتينية", "الاسم بالإنجليزية", "الاسم بالانجليزية", "nom", "nom en latin", "nom complet")
	add(colJobTitle, "position", "title", "job", "الوظيفة", "المنصب", "poste", "fonction")
	add(colOrganisation, "organization", "ministry", "agency", "institution", "الجهة", "الوزارة", "المؤسسة", "organisme", "ministère")
	add(colCountry, "country code", "state", "member state", "الدولة", "البلد", "pays", "état", "état membre")
	add(colGender, "sex", "الجنس", "النوع", "sexe", "genre")
	add(colLanguage, "preferred language", "اللغة", "langue")
	add(colStatus, "registration status", "الحالة", "حالة التسجيل", "statut", "état de l'inscription")
	add(colRole, "الدور", "rôle")
	return m
}

// codeFor reads a coded value typed as its code or as its label in any language (e.g.
// "female", "أنثى", "Femme" → female).
func (s *Service) codeFor(prefix string, codes []string, v string) (string, bool) {
	n := normHeader(v)
	if n == "" {
		return "", true
	}
	for _, c := range codes {
		if normHeader(c) == n {
			return c, true
		}
		for _, l := range i18n.Langs {
			if normHeader(s.cat.T(l, prefix+c)) == n {
				return c, true
			}
		}
	}
	return "", false
}

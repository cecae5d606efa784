package reports

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/sheet"
)

// BOM is the UTF-8 byte order mark that starts every CSV file, so that Excel reads Arabic
// correctly.
const BOM = "\ufeff"

// Sheet is one worksheet to write: its name, its typed columns, and its rows pulled one at a
// time by Next (false at the end), so that a long export is never held whole in memory.
type Sheet struct {
	Name    string
	Columns []Column
	Next    func() ([]any, bool)
	// Foot is a totals row written in bold after the rows, outside the auto-filter (so that
	// sorting the rows leaves it last); nil for none.
	Foot []any
	// FootNote is written below the table, after a blank row: what a reader must know to
	// read the totals (where a total is not the sum of its column or row).
	FootNote string
}

// Workbook is what WriteXLSX writes: sheets in a language, and a last sheet that describes
// how the figures were chosen (About, label and value on each line).
type Workbook struct {
	Lang      string
	Title     string
	Sheets    []Sheet
	AboutName string
	// AboutHeader are the headings of the About sheet's two columns.
	AboutHeader [2]string
	About       []AboutLine
}

// AboutLine is a line of the sheet that describes the export: a label and a typed value
// (text, int, a YYYY-MM-DD date as time.Time, or an instant as time.Time).
type AboutLine struct {
	Label string
	Value any
	Kind  ColKind // Text, Int, Date or DateTime
}

// RowsOf pulls the rows of a slice one at a time.
func RowsOf(rows [][]any) func() ([]any, bool) {
	i := 0
	return func() ([]any, bool) {
		if i >= len(rows) {
			return nil, false
		}
		i++
		return rows[i-1], true
	}
}

// TableSheet makes a worksheet of a table.
// Its name is the table's short sheet name (a workbook's tabs hold 31 characters), or its
// title when it has none.
func TableSheet(t *Table) Sheet {
	name := t.Sheet
	if name == "" {
		name = t.Title
	}
	return Sheet{Name: name, Columns: t.Columns, Next: RowsOf(t.Rows), Foot: t.Foot, FootNote: t.FootNote}
}

// xlsxStyles are the cell styles of a workbook, by column kind; bold ones for totals.
type xlsxStyles struct {
	header int
	plain  map[ColKind]int
	bold   map[ColKind]int
}

func newStyles(f *excelize.File) (*xlsxStyles, error) {
	st := &xlsxStyles{plain: map[ColKind]int{}, bold: map[ColKind]int{}}
	var err error
	if st.header, err = sheet.HeaderStyle(f); err != nil {
		return nil, err
	}
	formats := map[ColKind]*excelize.Style{
		Text:     {},
		Int:      {NumFmt: 3}, // #,##0
		Rate:     {CustomNumFmt: ptr("0.0%")},
		Days:     {CustomNumFmt: ptr("0.0")},
		Date:     {CustomNumFmt: ptr("yyyy-mm-dd")},
		DateTime: {CustomNumFmt: ptr("yyyy-mm-dd hh:mm")},
		List:     {},
	}
	for k, s := range formats {
		if st.plain[k], err = f.NewStyle(s); err != nil {
			return nil, err
		}
		b := *s
		b.Font = &excelize.Font{Bold: true}
		b.Border = []excelize.Border{{Type: "top", Color: "000000", Style: 1}}
		if st.bold[k], err = f.NewStyle(&b); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func ptr[T any](v T) *T { return &v }

// xlsxCell converts a value of a column to a typed cell: numbers as numbers, dates as dates
// with a date format, empty for a missing value.
func xlsxCell(c Column, v any, style int) any {
	switch c.Kind {
	case Int:
		if n, ok := v.(int); ok {
			return excelize.Cell{StyleID: style, Value: n}
		}
		return nil
	case Rate, Days:
		switch x := v.(type) {
		case *float64:
			if x != nil {
				return excelize.Cell{StyleID: style, Value: *x}
			}
		case float64:
			return excelize.Cell{StyleID: style, Value: x}
		}
		return nil
	case Date:
		switch x := v.(type) {
		case string:
			if t, err := time.Parse(DateLayout, x); err == nil {
				return excelize.Cell{StyleID: style, Value: t}
			}
		case time.Time:
			if !x.IsZero() {
				return excelize.Cell{StyleID: style, Value: time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)}
			}
		}
		return nil
	case DateTime:
		if t, ok := v.(time.Time); ok && !t.IsZero() {
			return excelize.Cell{StyleID: style, Value: t.UTC()}
		}
		return nil
	case List:
		if ns, ok := v.([]int); ok {
			return excelize.Cell{StyleID: style, Value: joinInts(ns, ", ", "")}
		}
		return nil
	}
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return excelize.Cell{StyleID: style, Value: x}
	default:
		return excelize.Cell{StyleID: style, Value: fmt.Sprint(x)}
	}
}

// SheetName makes a valid, unique worksheet name: at most 31 characters, none of : \ / ? * [ ].
func SheetName(name string, taken map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if name == "" {
		name = "Sheet"
	}
	cut := func(s string, n int) string {
		r := []rune(s)
		if len(r) > n {
			return strings.TrimSpace(string(r[:n]))
		}
		return s
	}
	out := cut(name, 31)
	for i := 2; taken[strings.ToLower(out)]; i++ {
		suffix := " (" + strconv.Itoa(i) + ")"
		out = cut(name, 31-len(suffix)) + suffix
	}
	taken[strings.ToLower(out)] = true
	return out
}

// WriteXLSX writes a workbook with excelize's StreamWriter: each sheet has a styled header
// row that stays in view when scrolling, an auto-filter over its rows, column widths, typed
// cells (numbers as numbers, dates as dates with a date format), right-to-left display for
// Arabic; the About sheet comes last. Rows stream through; only the finished, compressed
// file is held before it is written to w.
func WriteXLSX(w io.Writer, wb Workbook) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("reports: xlsx styles: %w", err)
	}
	taken := map[string]bool{}
	rtl := wb.Lang == "ar"
	first := f.GetSheetName(0)
	sheets := wb.Sheets
	if len(wb.About) > 0 {
		sheets = append(sheets[:len(sheets):len(sheets)], aboutSheet(wb))
	}
	for i, sh := range sheets {
		name := SheetName(sh.Name, taken)
		if i == 0 {
			if err := f.SetSheetName(first, name); err != nil {
				return fmt.Errorf("reports: xlsx sheet: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("reports: xlsx sheet: %w", err)
		}
		if err := writeSheet(f, name, sh, st, rtl); err != nil {
			return err
		}
	}
	// The first sheet is the active one already; SetActiveSheet would read the streamed
	// sheets back into memory.
	if err := f.SetDocProps(&excelize.DocProperties{Title: wb.Title, Creator: "Masar", Language: wb.Lang,
		Created: time.Now().UTC().Format(time.RFC3339)}); err != nil {
		return fmt.Errorf("reports: xlsx properties: %w", err)
	}
	bw := bufio.NewWriter(w)
	if err := sheet.Write(f, bw); err != nil {
		return fmt.Errorf("reports: write xlsx: %w", err)
	}
	return bw.Flush()
}

func aboutSheet(wb Workbook) Sheet {
	name := wb.AboutName
	if name == "" {
		name = "About"
	}
	i := 0
	return Sheet{Name: name, Columns: []Column{{Key: "item", Label: wb.AboutHeader[0], Kind: Text, Width: 30},
		{Key: "value", Label: wb.AboutHeader[1], Kind: Text, Width: 60}}, Next: func() ([]any, bool) {
		if i >= len(wb.About) {
			return nil, false
		}
		i++
		return []any{wb.About[i-1].Label, aboutValue(wb.About[i-1])}, true
	}}
}

// aboutValue carries a line's value with its own kind (the About sheet mixes kinds in one column).
type typedValue struct {
	kind ColKind
	v    any
}

func aboutValue(l AboutLine) any { return typedValue{kind: l.Kind, v: l.Value} }

func writeSheet(f *excelize.File, name string, sh Sheet, st *xlsxStyles, rtl bool) error {
	if err := f.SetSheetView(name, 0, &excelize.ViewOptions{RightToLeft: &rtl}); err != nil {
		return fmt.Errorf("reports: xlsx view: %w", err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("reports: xlsx stream: %w", err)
	}
	for j, c := range sh.Columns {
		width := c.Width
		if width == 0 {
			width = 16
		}
		if err := sw.SetColWidth(j+1, j+1, width); err != nil {
			return fmt.Errorf("reports: xlsx width: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fmt.Errorf("reports: xlsx panes: %w", err)
	}
	head := make([]any, len(sh.Columns))
	for j, c := range sh.Columns {
		head[j] = excelize.Cell{StyleID: st.header, Value: c.Label}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 30}); err != nil {
		return fmt.Errorf("reports: xlsx header: %w", err)
	}
	row := 1
	cells := make([]any, len(sh.Columns))
	put := func(values []any, styles map[ColKind]int) error {
		row++
		for j, c := range sh.Columns {
			cells[j] = nil
			if j >= len(values) {
				continue
			}
			v := values[j]
			if tv, ok := v.(typedValue); ok {
				c.Kind, v = tv.kind, tv.v
			}
			cells[j] = xlsxCell(c, v, styles[c.Kind])
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, cells)
	}
	if sh.Next != nil {
		for {
			values, ok := sh.Next()
			if !ok {
				break
			}
			if err := put(values, st.plain); err != nil {
				return fmt.Errorf("reports: xlsx row %d: %w", row, err)
			}
		}
	}
	last := row
	if sh.Foot != nil {
		if err := put(sh.Foot, st.bold); err != nil {
			return fmt.Errorf("reports: xlsx totals: %w", err)
		}
	}
	if sh.FootNote != "" {
		row++
		if err := put([]any{typedValue{kind: Text, v: sh.FootNote}}, st.plain); err != nil {
			return fmt.Errorf("reports: xlsx note: %w", err)
		}
	}
	if len(sh.Columns) > 0 {
		end, _ := excelize.CoordinatesToCellName(len(sh.Columns), last)
		if err := f.AutoFilter(name, "A1:"+end, nil); err != nil {
			return fmt.Errorf("reports: xlsx filter: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("reports: xlsx flush: %w", err)
	}
	return nil
}

// WriteXLSXStream writes a one-sheet workbook of any length: rows are pulled from next
// (false at the end) and streamed, with the same header, filter, widths, typed cells and
// right-to-left display as every export. It is what large exports and the benchmark use.
func WriteXLSXStream(w io.Writer, sheet string, cols []Column, next func() ([]any, bool), lang string) error {
	return WriteXLSX(w, Workbook{Lang: lang, Title: sheet, Sheets: []Sheet{{Name: sheet, Columns: cols, Next: next}}})
}

// WriteCSV writes rows as CSV: UTF-8 with a byte order mark (so that Excel reads Arabic
// correctly), RFC 4180 quoting and CRLF line ends, a header of the columns' labels, then
// the rows pulled from next and the totals row foot (nil for none). Numbers are written
// plainly (rates as percentages with one decimal, 75.0), dates as YYYY-MM-DD, lists joined
// with ";", an empty field for a missing or suppressed value. Text that a spreadsheet would
// take for a formula (starting with = + - @) is prefixed with an apostrophe.
func WriteCSV(w io.Writer, cols []Column, next func() ([]any, bool), foot []any) error {
	return WriteCSVAs(w, CSVComma, cols, next, foot)
}

// CSVFormat is a flavour of CSV: the character between fields and the decimal mark.
type CSVFormat struct {
	Comma        rune
	DecimalComma bool
}

var (
	// CSVComma is RFC 4180's CSV, with decimal points: for programs and for spreadsheets set
	// to English or Arabic (Gulf, Levant) regional settings.
	CSVComma = CSVFormat{Comma: ','}
	// CSVSemicolon separates fields with semicolons and writes decimal commas (75,0): what
	// Excel expects under French and Maghreb regional settings, where it would open a comma
	// file as one column.
	CSVSemicolon = CSVFormat{Comma: ';', DecimalComma: true}
)

// WriteCSVAs is WriteCSV in format f.
func WriteCSVAs(w io.Writer, f CSVFormat, cols []Column, next func() ([]any, bool), foot []any) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = f.Comma
	cw.UseCRLF = true
	rec := make([]string, len(cols))
	for j, c := range cols {
		rec[j] = c.Label
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	write := func(values []any) error {
		for j, c := range cols {
			rec[j] = ""
			if j < len(values) {
				rec[j] = CSVValue(c, values[j])
				if f.DecimalComma && (c.Kind == Rate || c.Kind == Days) {
					rec[j] = strings.Replace(rec[j], ".", ",", 1)
				}
			}
		}
		return cw.Write(rec)
	}
	if next != nil {
		for {
			values, ok := next()
			if !ok {
				break
			}
			if err := write(values); err != nil {
				return err
			}
		}
	}
	if foot != nil {
		if err := write(foot); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// CSVValue writes one value of a column as a CSV field.
func CSVValue(c Column, v any) string {
	switch c.Kind {
	case Int:
		if n, ok := v.(int); ok {
			return strconv.Itoa(n)
		}
		return ""
	case Rate:
		if r, ok := v.(*float64); ok && r != nil {
			return formatDecimal("", *r*100)
		}
		return ""
	case Days:
		if r, ok := v.(*float64); ok && r != nil {
			return formatDecimal("", *r)
		}
		return ""
	case Date:
		switch x := v.(type) {
		case string:
			return x
		case time.Time:
			if !x.IsZero() {
				return x.Format(DateLayout)
			}
		}
		return ""
	case DateTime:
		if t, ok := v.(time.Time); ok && !t.IsZero() {
			return t.UTC().Format(time.RFC3339)
		}
		return ""
	case List:
		if ns, ok := v.([]int); ok {
			parts := make([]string, len(ns))
			for i, n := range ns {
				parts[i] = strconv.Itoa(n)
			}
			return strings.Join(parts, ";")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		if v == nil {
			return ""
		}
		s = fmt.Sprint(v)
	}
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestWriteXLSXStreamReadBack writes a long sheet with the streaming writer and reads it
// back cell by cell: typed numbers, dates and rates, right-to-left view, frozen styled
// header, auto-filter and widths.
func TestWriteXLSXStreamReadBack(t *testing.T) {
	const n = 3000
	var buf bytes.Buffer
	if err := WriteXLSXStream(&buf, "بيانات", SyntheticColumns(), SyntheticRows(n), "ar"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := "بيانات"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != s {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows(s)
	if err != nil || len(rows) != n+1 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if rows[0][1] != "الاسم" || rows[2][1] != "مسؤول حكومي رقم 2" || rows[n][0] != "3,000" {
		t.Errorf("content: %q %q %q", rows[0], rows[2], rows[n])
	}
	if v, _ := f.GetSheetView(s, 0); v.RightToLeft == nil || !*v.RightToLeft {
		t.Error("not right to left")
	}
	if p, _ := f.GetPanes(s); !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("panes %+v", p)
	}
	found := false
	for _, d := range f.GetDefinedName() {
		found = found || d.Name == "_xlnm._FilterDatabase" && strings.HasSuffix(d.RefersTo, "$A$1:$G$3001")
	}
	if !found {
		t.Errorf("filter %+v", f.GetDefinedName())
	}
	if w, _ := f.GetColWidth(s, "B"); w != 28 {
		t.Errorf("width B %v", w)
	}
	// A2: an integer; E2: a date with a date format; G2: a rate with a percentage format.
	raw := func(cell string) string {
		v, _ := f.GetCellValue(s, cell, excelize.Options{RawCellValue: true})
		return v
	}
	format := func(cell string) string {
		id, _ := f.GetCellStyle(s, cell)
		st, _ := f.GetStyle(id)
		if st.CustomNumFmt != nil {
			return *st.CustomNumFmt
		}
		return ""
	}
	if typ, _ := f.GetCellType(s, "A2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber || raw("A2") != "1" {
		t.Errorf("A2 %v %q", typ, raw("A2"))
	}
	serial := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
	if raw("E2") != "46024" || serial != 46024 || format("E2") != "yyyy-mm-dd" {
		t.Errorf("date E2: %q %q (serial %v)", raw("E2"), format("E2"), serial)
	}
	if shown, _ := f.GetCellValue(s, "E2"); shown != "2026-01-02" {
		t.Errorf("E2 shows %q", shown)
	}
	if raw("G2") != "0.01" || format("G2") != "0.0%" {
		t.Errorf("rate G2: %q %q", raw("G2"), format("G2"))
	}
	if typ, _ := f.GetCellType(s, "B2"); typ != excelize.CellTypeInlineString {
		t.Errorf("B2 type %v", typ)
	}
	id, _ := f.GetCellStyle(s, "C1")
	if st, _ := f.GetStyle(id); st.Font == nil || !st.Font.Bold || st.Fill.Color[0] != "0B5C55" {
		t.Errorf("header style %+v", st)
	}
}

func TestWorkbookAboutSheetAndTotals(t *testing.T) {
	r := 0.5
	tab := &Table{ID: "x", Title: "Cours: par pays / total?", Columns: []Column{{Key: "c", Label: "Pays", Kind: Text},
		{Key: "n", Label: "N", Kind: Int}, {Key: "r", Label: "Taux", Kind: Rate}},
		Rows: [][]any{{"Jordanie", 3, &r}, {"Tunisie", 1, nil}}, Foot: []any{"Total", 4, &r}}
	wb := Workbook{Lang: "fr", Sheets: []Sheet{TableSheet(tab)}, AboutName: "À propos", AboutHeader: [2]string{"Élément", "Valeur"},
		About: []AboutLine{{Label: "Du", Value: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Kind: Date}, {Label: "Pays", Value: "Tous", Kind: Text}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, wb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "Cours- par pays - total-" || sheets[1] != "À propos" {
		t.Fatalf("sheets %q", sheets)
	}
	if v, _ := f.GetSheetView(sheets[0], 0); v.RightToLeft != nil && *v.RightToLeft {
		t.Error("French sheet right to left")
	}
	rows, _ := f.GetRows(sheets[0])
	if len(rows) != 4 || rows[3][0] != "Total" || len(rows[2]) > 2 && rows[2][2] != "" {
		t.Errorf("rows %q", rows)
	}
	// The totals row is bold and outside the filter.
	id, _ := f.GetCellStyle(sheets[0], "B4")
	if st, _ := f.GetStyle(id); st.Font == nil || !st.Font.Bold {
		t.Error("totals not bold")
	}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && strings.Contains(d.RefersTo, sheets[0]) && !strings.HasSuffix(d.RefersTo, "$A$1:$C$3") {
			t.Errorf("filter covers the totals: %s", d.RefersTo)
		}
	}
	raw, _ := f.GetCellValue(sheets[1], "B2", excelize.Options{RawCellValue: true})
	if raw != "46082" {
		t.Errorf("about date %q", raw)
	}
	if v, _ := f.GetCellValue(sheets[1], "B3"); v != "Tous" {
		t.Errorf("about text %q", v)
	}
}

func TestSheetNames(t *testing.T) {
	taken := map[string]bool{}
	long := strings.Repeat("ب", 40)
	a, b := SheetName(long, taken), SheetName(long, taken)
	if len([]rune(a)) != 31 || a == b || len([]rune(b)) > 31 || !strings.HasSuffix(b, " (2)") {
		t.Errorf("%q %q", a, b)
	}
	if got := SheetName("a/b:c?*[d]", taken); got != "a-b-c---d-" {
		t.Errorf("%q", got)
	}
}

// TestWriteCSV: a byte order mark, RFC 4180 quoting, CRLF, plain numbers, empty for
// missing values, formulas defused.
func TestWriteCSV(t *testing.T) {
	r := 2.0 / 3
	cols := []Column{{Label: "الاسم", Kind: Text}, {Label: "n", Kind: Int}, {Label: "rate (%)", Kind: Rate}, {Label: "day", Kind: Date},
		{Label: "phases", Kind: List}, {Label: "days", Kind: Days}}
	rows := [][]any{
		{`Ministry "of", Planning`, 1200, &r, "2026-03-10", []int{1, 3}, &r},
		{"line\nbreak", nil, nil, "", []int{}, nil},
		{"=HYPERLINK(\"x\")", 0, nil, nil, nil, nil},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, cols, RowsOf(rows), []any{"المجموع", 1200}); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, BOM) {
		t.Fatal("no BOM")
	}
	if !strings.Contains(s, "\r\n") || !strings.Contains(s, `"Ministry ""of"", Planning"`) {
		t.Errorf("quoting: %q", s)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"الاسم", "n", "rate (%)", "day", "phases", "days"},
		{`Ministry "of", Planning`, "1200", "66.7", "2026-03-10", "1;3", "0.7"},
		{"line\nbreak", "", "", "", "", ""},
		{`'=HYPERLINK("x")`, "0", "", "", "", ""},
		{"المجموع", "1200", "", "", "", ""},
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d: %q, want %q", i, recs[i], want[i])
		}
	}
}

// TestChartSVG: well-formed SVG with a title and a description, text labels escaped, no
// style attribute, bars mirrored for Arabic.
func TestChartSVG(t *testing.T) {
	_, err := New(Options{Officials: nil})
	if err == nil {
		t.Fatal("a service without the officials service")
	}
	s := &Service{cat: testCatalogue(t)}
	tab := &Table{ID: "t", Title: "Officials <by> country", Columns: []Column{{Label: "Country", Kind: Text},
		{Label: "Women", Kind: Int}, {Label: "Men", Kind: Int}},
		Rows:  [][]any{{"Jordan & co", 3, 1}, {"Tunisia", 0, 0}, {"Egypt", 10, 2}},
		Chart: &Chart{Series: []int{1, 2}, Stacked: true}}
	for _, lang := range []string{"en", "ar"} {
		svg := s.ChartSVG(tab, lang)
		dec := xml.NewDecoder(strings.NewReader(svg))
		rects, texts := 0, []string{}
		var xs []string
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not XML: %v\n%s", lang, err, svg)
			}
			if se, ok := tok.(xml.StartElement); ok {
				for _, a := range se.Attr {
					if a.Name.Local == "style" {
						t.Errorf("%s: style attribute", lang)
					}
				}
				if se.Name.Local == "rect" && len(se.Attr) > 0 {
					for _, a := range se.Attr {
						if a.Name.Local == "height" && a.Value != "12" {
							rects++
						}
					}
				}
				if se.Name.Local == "text" {
					for _, a := range se.Attr {
						if a.Name.Local == "class" && a.Value == "label" {
							for _, b := range se.Attr {
								if b.Name.Local == "x" {
									xs = append(xs, b.Value)
								}
							}
						}
					}
				}
			}
			if cd, ok := tok.(xml.CharData); ok {
				texts = append(texts, string(cd))
			}
		}
		all := strings.Join(texts, "|")
		if !strings.Contains(svg, `role="img"`) || !strings.Contains(all, "Officials <by> country") || !strings.Contains(all, "Jordan & co") {
			t.Errorf("%s: title or labels missing: %s", lang, all)
		}
		if strings.Contains(all, "Tunisia") {
			t.Errorf("%s: a bar for zero", lang)
		}
		if rects != 4 {
			t.Errorf("%s: %d bars, want 4 (two stacked segments for each of two countries)", lang, rects)
		}
		if lang == "en" && (xs[0] != "190" || !strings.Contains(svg, `direction="ltr"`)) {
			t.Errorf("en labels at %v", xs)
		}
		if lang == "ar" && (xs[0] != "450" || !strings.Contains(svg, `direction="rtl"`)) {
			t.Errorf("ar labels at %v (want the mirror of 190 in 640)", xs)
		}
	}
	empty := &Table{ID: "e", Title: "x", Columns: tab.Columns, Rows: [][]any{{"A", 0, 0}}, Chart: tab.Chart}
	if s.ChartSVG(empty, "en") != "" {
		t.Error("chart of zeros drawn")
	}
}

func TestTicks(t *testing.T) {
	for _, c := range []struct{ max, step, top float64 }{{3, 1, 3}, {0, 1, 1}, {7, 2, 8}, {40, 10, 40}, {41, 20, 60}, {1234, 500, 1500}} {
		if step, top := ticks(c.max); step != c.step || top != c.top {
			t.Errorf("ticks(%v) = %v, %v; want %v, %v", c.max, step, top, c.step, c.top)
		}
	}
}

package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// officeRequired reports whether the spreadsheet readers must be present (CI sets
// MASAR_OFFICE_TESTS=require); otherwise a machine without them skips the test.
func officeRequired() bool { return os.Getenv("MASAR_OFFICE_TESTS") == "require" }

func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if officeRequired() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (MASAR_OFFICE_TESTS=require makes this a failure)", args...)
}

// dashboardWorkbook writes the whole dashboard of the hand facts in lang as a file.
func dashboardWorkbook(t *testing.T, lang string) (path string, tables []*Table) {
	t.Helper()
	l := &labeller{s: &Service{cat: testCatalogue(t)}, lang: lang, countries: map[string]string{"JO": "الأردن", "TN": "تونس"}}
	d := Compute(handFacts(), Filter{})
	wb := Workbook{Lang: lang, Title: l.T("reports.title"), AboutName: l.T("reports.sheet.about"),
		AboutHeader: [2]string{l.T("reports.about.item"), l.T("reports.about.value")},
		About:       []AboutLine{{Label: l.T("reports.about.generated"), Value: time.Now(), Kind: DateTime}}}
	for _, sec := range l.sections(d) {
		for _, tab := range sec.Tables {
			tables = append(tables, tab)
			wb.Sheets = append(wb.Sheets, TableSheet(tab))
		}
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, wb); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "masar-report.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, tables
}

// TestWorkbookOpensInExcelJS: ExcelJS, the spreadsheet library of many JavaScript tools
// (and of portals that preview files), reads the dashboard's workbook: every sheet by its
// name, right to left in Arabic, the header row, and the document's properties with a
// modified date of now (excelize alone writes core properties ExcelJS refuses and a 2006
// placeholder date).
func TestWorkbookOpensInExcelJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not installed")
	}
	lib, _ := filepath.Abs(filepath.Join("..", "e2e", "node_modules", "exceljs"))
	if _, err := os.Stat(lib); err != nil {
		skipOrFail(t, "exceljs is not installed in e2e/node_modules (npm install exceljs@4.4.0)")
	}
	path, tables := dashboardWorkbook(t, "ar")
	script := `const ExcelJS = require(process.argv[1]);
(async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(process.argv[2]);
  const out = {creator: wb.creator, lastModifiedBy: wb.lastModifiedBy, modified: wb.modified, sheets: []};
  wb.eachSheet(ws => out.sheets.push({name: ws.name, rtl: !!(ws.views[0] || {}).rightToLeft,
    header: (ws.getRow(1).values || []).slice(1).map(String)}));
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e.stack || e.message); process.exit(1); });`
	out, err := exec.Command(node, "-e", script, lib, path).CombinedOutput()
	if err != nil {
		t.Fatalf("ExcelJS cannot read the workbook: %v\n%s", err, out)
	}
	var got struct {
		Creator, LastModifiedBy string
		Modified                time.Time
		Sheets                  []struct {
			Name   string
			RTL    bool
			Header []string
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Creator != "Masar" || got.LastModifiedBy != "Masar" || time.Since(got.Modified) > time.Hour || time.Since(got.Modified) < -time.Minute {
		t.Errorf("properties: creator %q, last modified by %q, modified %v", got.Creator, got.LastModifiedBy, got.Modified)
	}
	if len(got.Sheets) != len(tables)+1 {
		t.Fatalf("%d sheets, want %d", len(got.Sheets), len(tables)+1)
	}
	for i, tab := range tables {
		sh := got.Sheets[i]
		if sh.Name != tab.Sheet || !sh.RTL || len(sh.Header) == 0 || sh.Header[0] != tab.Columns[0].Label {
			t.Errorf("sheet %d: %+v, want %q right to left with header %q", i, sh, tab.Sheet, tab.Columns[0].Label)
		}
	}
}

// TestWorkbookOpensInLibreOffice: LibreOffice converts the workbook to CSV headless; the
// first sheet's header and totals come out as the page shows them.
func TestWorkbookOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		skipOrFail(t, "LibreOffice (soffice) is not installed")
	}
	path, tables := dashboardWorkbook(t, "fr")
	dir := t.TempDir()
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir, path)
	// LibreOffice needs a locale to pick its interface language, and a home of its own.
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8", "LC_ALL=", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "masar-report.csv"))
	if err != nil {
		t.Fatalf("no CSV from LibreOffice: %v\n%s", err, out)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	first := tables[0]
	if len(recs) < 2 || recs[0][0] != first.Columns[0].Label {
		t.Fatalf("LibreOffice read %q, want the header of %q", recs, first.Title)
	}
	last := recs[len(recs)-1]
	if foot := first.Foot; len(foot) > 0 && last[0] != foot[0] {
		t.Errorf("totals row %q, want %v", last, foot)
	}
	if !strings.Contains(string(b), first.Columns[len(first.Columns)-1].Label) {
		t.Errorf("last column's label missing: %s", b)
	}
}

package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"المشاركون":                         "المشاركون",
		"a/b:c?*[d]":                        "abcd",
		"workshops.sheet.participants":      "Fallback",
		"":                                  "Fallback",
		strings.Repeat("ب", 40):             strings.Repeat("ب", 31),
		"Demandes d'appui consultatif 2026": "Demandes d'appui consultatif 20",
	} {
		if got := Name(in, "Fallback"); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStreamArabicFrozen(t *testing.T) {
	f := excelize.NewFile()
	sw, err := Stream(f, "Sheet1", "ar", 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"الاسم", "الدولة", "الحضور"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := g.GetSheetView("Sheet1", 0)
	p, _ := g.GetPanes("Sheet1")
	if v.RightToLeft == nil || !*v.RightToLeft || !p.Freeze || p.YSplit != 1 || p.XSplit != 2 {
		t.Errorf("view %+v panes %+v", v, p)
	}
}

// TestWriteRightToLeftAndFilter: Write marks an Arabic sheet rightToLeft="1" (not "true"),
// leaves a left-to-right sheet alone, and keeps a filter declared before the flush.
func TestWriteRightToLeftAndFilter(t *testing.T) {
	for _, lang := range []string{"ar", "fr"} {
		f := excelize.NewFile()
		sw, err := Stream(f, "Sheet1", lang, 0)
		if err != nil {
			t.Fatal(err)
		}
		sw.SetRow("A1", []any{"الاسم", "الدولة"})
		sw.SetRow("A2", []any{"سارة", "تونس"})
		if err := AutoFilter(f, "Sheet1", 2, 2); err != nil {
			t.Fatal(err)
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Write(f, &buf); err != nil {
			t.Fatal(err)
		}
		f.Close()
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var x string
		for _, e := range zr.File {
			if e.Name == "xl/worksheets/sheet1.xml" {
				rc, _ := e.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				x = string(b)
			}
		}
		if strings.Contains(x, `rightToLeft="true"`) || (lang == "ar") != strings.Contains(x, `rightToLeft="1"`) {
			t.Errorf("%s: %s", lang, x)
		}
		if !strings.Contains(x, "<autoFilter ") {
			t.Errorf("%s: no auto-filter: %s", lang, x)
		}
		g, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatalf("%s: rewritten file: %v", lang, err)
		}
		if v, _ := g.GetCellValue("Sheet1", "B2"); v != "تونس" {
			t.Errorf("%s: B2 = %q", lang, v)
		}
	}
}

// TestEveryWorkbookGoesThroughWrite: no package writes an excelize workbook by itself, so
// that every .xlsx the platform sends has its right-to-left sheets marked "1".
func TestEveryWorkbookGoesThroughWrite(t *testing.T) {
	write := regexp.MustCompile(`\bf\.(WriteTo|Write|WriteToBuffer|SaveAs)\(`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(filepath.ToSlash(path), "../sheet/") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte("excelize")) && write.Match(b) {
			t.Errorf("%s writes a workbook without sheet.Write", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

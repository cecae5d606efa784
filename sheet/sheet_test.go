package sheet

import (
	"bytes"
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

package courses_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/courses"
)

func TestReportAndExcelExport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	jo := e.learner(t, 1, "JO")
	tn := e.learner(t, 2, "TN")
	e.openedLongAgo(t, jo, fixtureLessons...)
	e.openedLongAgo(t, tn, "01-intro")
	for _, l := range fixtureLessons {
		if _, err := e.svc.MarkDone(ctx, jo, fixture, l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.SubmitQuiz(ctx, jo, fixture, allRight(), true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.MarkDone(ctx, tn, fixture, "01-intro"); err != nil {
		t.Fatal(err)
	}

	r, err := e.svc.Report(ctx, courses.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 2 || len(r.Countries) != 2 {
		t.Fatalf("report: %+v", r)
	}
	row := r.Rows[0]
	if row.Country != "JO" || row.OfficialID != jo || row.NameAr != "أمل حداد" || row.Email != "learner1@example.org" ||
		row.LessonsDone != 3 || row.LessonsTotal != 3 || row.Percent != 100 || row.BestScore == nil || *row.BestScore != 100 || row.CompletedAt == nil {
		t.Errorf("JO row: %+v", row)
	}
	if tr := r.Rows[1]; tr.Country != "TN" || tr.Percent != 33 || tr.BestScore != nil || tr.CompletedAt != nil {
		t.Errorf("TN row: %+v", tr)
	}
	if r.Countries[0] != (courses.CountryTotal{Country: "JO", Enrolled: 1, Completed: 1}) || r.Countries[1] != (courses.CountryTotal{Country: "TN", Enrolled: 1, Completed: 0}) {
		t.Errorf("countries: %+v", r.Countries)
	}
	if only, err := e.svc.Report(ctx, courses.ReportFilter{Country: "TN"}); err != nil || len(only.Rows) != 1 || only.Rows[0].OfficialID != tn {
		t.Errorf("filtered by country: %+v %v", only, err)
	}
	if none, err := e.svc.Report(ctx, courses.ReportFilter{Course: "other"}); err != nil || len(none.Rows) != 0 {
		t.Errorf("filtered by course: %+v %v", none, err)
	}

	for _, lang := range []string{"ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			labels := func(k string) string { return "L:" + k }
			if lang == "ar" {
				labels = func(k string) string {
					return map[string]string{courses.SheetEnrolmentsKey: "التسجيلات", "report.official_id": "الرقم"}[k]
				}
			}
			if err := courses.WriteXLSX(&buf, r, lang, labels); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := f.GetSheetName(0)
			if lang == "ar" && sheet != "التسجيلات" {
				t.Errorf("sheet name %q", sheet)
			}
			view, err := f.GetSheetView(sheet, 0)
			if err != nil || view.RightToLeft == nil || *view.RightToLeft != (lang == "ar") {
				t.Errorf("right to left: %v %v", view.RightToLeft, err)
			}
			panes, err := f.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("frozen header: %+v %v", panes, err)
			}
			filter := false
			for _, dn := range f.GetDefinedName() {
				if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sheet && strings.Contains(dn.RefersTo, "$A$1:$L$3") {
					filter = true
				}
			}
			if !filter {
				t.Errorf("no auto-filter over A1:L3: %+v", f.GetDefinedName())
			}
			head, _ := f.GetCellValue(sheet, "A1")
			if want := map[string]string{"ar": "الرقم", "en": "L:report.official_id"}[lang]; head != want {
				t.Errorf("header %q, want %q", head, want)
			}
			// Numbers are numbers: official id, lessons done, percent, best score.
			for cell, want := range map[string]int64{"A2": jo, "H2": 3, "J2": 100, "K2": 100, "J3": 33} {
				typ, _ := f.GetCellType(sheet, cell)
				v, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
				if (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) || v != strconv.FormatInt(want, 10) {
					t.Errorf("%s: type %v value %q, want the number %d", cell, typ, v, want)
				}
			}
			if typ, _ := f.GetCellType(sheet, "B2"); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
				t.Errorf("names must be text")
			}
			// Dates are dates: a serial number with a date format.
			raw, _ := f.GetCellValue(sheet, "G2", excelize.Options{RawCellValue: true})
			shown, _ := f.GetCellValue(sheet, "G2")
			if _, err := strconv.ParseFloat(raw, 64); err != nil || !strings.HasPrefix(shown, row.EnrolledAt.Format("2006-01-02")) {
				t.Errorf("enrolled_at raw %q shown %q", raw, shown)
			}
			if v, _ := f.GetCellValue(sheet, "L3"); v != "" {
				t.Errorf("not completed must be empty, got %q", v)
			}
			title, _ := f.GetCellValue(sheet, "F2")
			if want := map[string]string{"ar": "دورة الاختبار", "en": "Fixture course"}[lang]; title != want {
				t.Errorf("course title %q, want %q", title, want)
			}
			rows, _ := f.GetRows(f.GetSheetName(1))
			if len(rows) != 3 || rows[1][0] != "JO" || rows[1][2] != "1" || rows[2][2] != "0" {
				t.Errorf("countries sheet: %v", rows)
			}
		})
	}
}

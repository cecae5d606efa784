package courses

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/sheet"
	"github.com/masar-platform/masar/store"
)

// ReportFilter narrows the staff report; empty fields do not filter.
type ReportFilter struct {
	Course  string // course slug
	Country string // ISO 3166-1 alpha-2 (a focal point's report is filtered to their country)
}

// ReportRow is one official's enrolment in one course.
type ReportRow struct {
	OfficialID   int64             `json:"official_id"`
	NameAr       string            `json:"name_ar"`
	NameLatin    string            `json:"name_latin"`
	Email        string            `json:"email"`
	Country      string            `json:"country"` // the member state they enrolled from
	Course       string            `json:"course"`
	CourseTitle  map[string]string `json:"course_title"`
	EnrolledAt   time.Time         `json:"enrolled_at"`
	LessonsDone  int               `json:"lessons_done"`
	LessonsTotal int               `json:"lessons_total"`
	Percent      int               `json:"percent"`
	BestScore    *int              `json:"best_score"`
	CompletedAt  *time.Time        `json:"completed_at"`
}

// CountryTotal counts enrolments and completions of one member state.
type CountryTotal struct {
	Country   string `json:"country"`
	Enrolled  int    `json:"enrolled"`
	Completed int    `json:"completed"`
}

// Report is the staff report on enrolments: one row per enrolment and totals per country.
type Report struct {
	Rows      []ReportRow    `json:"rows"`
	Countries []CountryTotal `json:"countries"`
}

// Report returns the enrolments matching the filter, by course, country and name, with the
// totals per country. Officials' names come from a read-only join on their table; the
// member state is the one they enrolled from, so that the totals of the past stay put.
func (s *Service) Report(ctx context.Context, f ReportFilter) (*Report, error) {
	q := `SELECT e.official_id, o.name_ar, o.name_latin, o.email, e.fact_country, e.course_slug,
		e.enrolled_at, e.completed_at,
		(SELECT count(*) FROM lesson_progress p WHERE p.official_id = e.official_id AND p.course_slug = e.course_slug),
		(SELECT max(a.score) FROM quiz_attempts a WHERE a.official_id = e.official_id AND a.course_slug = e.course_slug)
		FROM enrolments e JOIN officials o ON o.id = e.official_id`
	var where []string
	var args []any
	if f.Course != "" {
		where = append(where, "e.course_slug = ?")
		args = append(args, f.Course)
	}
	if f.Country != "" {
		where = append(where, "e.fact_country = ?")
		args = append(args, f.Country)
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY e.course_slug, e.fact_country, o.name_latin, e.official_id"
	cat := s.cat()
	r := &Report{Rows: []ReportRow{}, Countries: []CountryTotal{}}
	totals := map[string]*CountryTotal{}
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	err = store.Each(rows, err, func(sc store.Scanner) error {
		var row ReportRow
		var enrolled string
		var completed sql.NullString
		var best sql.NullInt64
		if err := sc.Scan(&row.OfficialID, &row.NameAr, &row.NameLatin, &row.Email, &row.Country, &row.Course,
			&enrolled, &completed, &row.LessonsDone, &best); err != nil {
			return err
		}
		row.EnrolledAt, row.CompletedAt = parseTime(enrolled), parseNullTime(completed)
		if best.Valid {
			b := int(best.Int64)
			row.BestScore = &b
		}
		if c, err := cat.Course(row.Course); err == nil {
			row.CourseTitle = c.Title
			row.LessonsTotal = len(c.Lessons)
		}
		// Lessons since removed from the course do not count.
		row.LessonsDone = min(row.LessonsDone, row.LessonsTotal)
		if row.LessonsTotal > 0 {
			row.Percent = row.LessonsDone * 100 / row.LessonsTotal
		}
		r.Rows = append(r.Rows, row)
		t := totals[row.Country]
		if t == nil {
			t = &CountryTotal{Country: row.Country}
			totals[row.Country] = t
		}
		t.Enrolled++
		if row.CompletedAt != nil {
			t.Completed++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("courses: report: %w", err)
	}
	for _, t := range totals {
		r.Countries = append(r.Countries, *t)
	}
	sort.Slice(r.Countries, func(i, j int) bool { return r.Countries[i].Country < r.Countries[j].Country })
	return r, nil
}

// The report's columns: the label keys (passed to the labels function of WriteXLSX) and the
// widths of the enrolments sheet.
var reportColumns = []struct {
	key   string
	width float64
}{
	{"report.official_id", 10}, {"report.name_ar", 28}, {"report.name_latin", 28}, {"report.email", 32},
	{"report.country", 9}, {"report.course", 40}, {"report.enrolled_at", 18}, {"report.lessons_done", 10},
	{"report.lessons_total", 10}, {"report.percent", 10}, {"report.best_score", 10}, {"report.completed_at", 18},
}

var countryColumns = []struct {
	key   string
	width float64
}{{"report.country", 12}, {"report.enrolled", 14}, {"report.completed", 14}}

// Label keys of the sheets' names.
const (
	SheetEnrolmentsKey = "report.sheet.enrolments"
	SheetCountriesKey  = "report.sheet.countries"
)

// WriteXLSX writes the report as an Excel workbook: a sheet of enrolments and a sheet of
// totals per country, each with a styled, frozen header row and an auto-filter, numbers
// stored as numbers and dates as dates (UTC). Column headers and sheet names are
// labels(key) for the keys report.* (the key itself when labels is nil); course titles are in
// lang; with lang "ar" the sheets read right to left.
func WriteXLSX(w io.Writer, r *Report, lang string, labels func(key string) string) error {
	if labels == nil {
		labels = func(k string) string { return k }
	}
	f := excelize.NewFile()
	defer f.Close()
	header, err := sheet.HeaderStyle(f)
	if err != nil {
		return fmt.Errorf("courses: report style: %w", err)
	}
	styles, err := sheet.NumberStyles(f, "yyyy-mm-dd hh:mm")
	if err != nil {
		return fmt.Errorf("courses: report style: %w", err)
	}
	date := styles[0]
	first := f.GetSheetName(0)
	enrolSheet := sheet.Name(labels(SheetEnrolmentsKey), "Enrolments")
	countrySheet := sheet.Name(labels(SheetCountriesKey), "Countries")
	if countrySheet == enrolSheet {
		countrySheet += " 2"
	}
	if err := f.SetSheetName(first, enrolSheet); err != nil {
		return fmt.Errorf("courses: report sheet: %w", err)
	}
	if _, err := f.NewSheet(countrySheet); err != nil {
		return fmt.Errorf("courses: report sheet: %w", err)
	}

	cells := make([][]any, 0, len(r.Rows))
	for _, row := range r.Rows {
		title := pick(row.CourseTitle, lang)
		if title == "" {
			title = row.Course
		}
		var best, completed any
		if row.BestScore != nil {
			best = *row.BestScore
		}
		if row.CompletedAt != nil {
			completed = excelize.Cell{StyleID: date, Value: row.CompletedAt.UTC()}
		}
		cells = append(cells, []any{row.OfficialID, row.NameAr, row.NameLatin, row.Email, row.Country, title,
			excelize.Cell{StyleID: date, Value: row.EnrolledAt.UTC()}, row.LessonsDone, row.LessonsTotal,
			row.Percent, best, completed})
	}
	if err := writeSheet(f, enrolSheet, lang, header, reportColumns, labels, cells); err != nil {
		return err
	}
	cells = cells[:0]
	for _, t := range r.Countries {
		cells = append(cells, []any{t.Country, t.Enrolled, t.Completed})
	}
	if err := writeSheet(f, countrySheet, lang, header, countryColumns, labels, cells); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := sheet.Write(f, w); err != nil {
		return fmt.Errorf("courses: write report: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, name, lang string, header int, cols []struct {
	key   string
	width float64
}, labels func(string) string, rows [][]any) error {
	sw, err := sheet.Stream(f, name, lang, 0)
	if err != nil {
		return fmt.Errorf("courses: report sheet %s: %w", name, err)
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("courses: report sheet %s: %w", name, err)
		}
		head[i] = excelize.Cell{StyleID: header, Value: labels(c.key)}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 30}); err != nil {
		return fmt.Errorf("courses: report sheet %s: %w", name, err)
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("courses: report sheet %s row %d: %w", name, i+2, err)
		}
	}
	// The filter goes in before the stream is flushed: one declared after is dropped.
	if err := sheet.AutoFilter(f, name, len(cols), len(rows)+1); err != nil {
		return fmt.Errorf("courses: report sheet %s auto-filter: %w", name, err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("courses: report sheet %s: %w", name, err)
	}
	return nil
}

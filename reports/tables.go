package reports

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/workshops"
)

// ColKind is the type of a column's values, which decides how a cell is written: as a
// number, a date or text in Excel, and how it is formatted on the page and in CSV.
type ColKind uint8

// The kinds of column. Int cells hold an int; Rate cells a *float64 share from 0 to 1 (nil
// when there is nothing to divide by), shown as a percentage; Days cells a *float64 number
// of days; Date cells a YYYY-MM-DD string; DateTime cells a time.Time; List cells an []int;
// Text cells a string.
const (
	Text ColKind = iota
	Int
	Rate
	Days
	Date
	DateTime
	List
)

// Column is a column of a table: its stable code, its heading in the table's language, its
// type and its width in Excel (in characters).
type Column struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Kind  ColKind `json:"-"`
	Width float64 `json:"-"`
}

// Table is a table of figures in one language, as shown on the page and downloaded.
type Table struct {
	ID      string
	Title   string
	Sheet   string // the short name of its worksheet in a download (at most 31 characters)
	// FootNote tells the reader how to read the totals where one is not the sum of its
	// column or row; shown under the table on the page and in the downloads.
	FootNote string
	Note    string // what is counted, for the reader
	Columns []Column
	Rows    [][]any
	Foot    []any  // the totals row, or nil
	Chart   *Chart // nil when the table has no chart
}

// KPI is a headline figure of a section.
type KPI struct {
	Label string
	Value string
}

// Section is a part of the dashboard: its headline figures and its tables.
type Section struct {
	ID     string
	Title  string
	KPIs   []KPI
	Tables []*Table
}

// labeller words the codes of the figures in one language.
type labeller struct {
	s         *Service
	lang      string
	countries map[string]string
}

func (l *labeller) T(key string, args ...any) string { return l.s.cat.T(l.lang, key, args...) }

func (l *labeller) country(iso string) string {
	if iso == NoCountry {
		return l.T("reports.country.none")
	}
	if n := l.countries[iso]; n != "" {
		return n
	}
	return iso
}

func (l *labeller) host(iso string) string {
	if iso == NoCountry {
		return l.T("reports.host.online")
	}
	return l.country(iso)
}

func (l *labeller) sector(code string) string {
	if code == NoSector {
		return l.T("reports.sector.none")
	}
	if k := "sector." + code; l.s.cat.Has(l.lang, k) {
		return l.T(k)
	}
	return code
}

func (l *labeller) gender(g string) string { return l.T("reports.gender." + g) }

func (l *labeller) col(key, labelKey string, kind ColKind, width float64) Column {
	return Column{Key: key, Label: l.T(labelKey), Kind: kind, Width: width}
}

func (s *Service) labeller(ctx context.Context, lang string) (*labeller, error) {
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	cs, err := s.opt.Officials.Countries(ctx, false)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(cs))
	for _, c := range cs {
		m[c.ISO] = c.Name(lang)
	}
	return &labeller{s: s, lang: lang, countries: m}, nil
}

// Sections words the dashboard in lang: headline figures and tables, section by section.
func (s *Service) Sections(ctx context.Context, d *Dashboard, lang string) ([]Section, error) {
	l, err := s.labeller(ctx, lang)
	if err != nil {
		return nil, err
	}
	return l.sections(d), nil
}

// sections words the dashboard's sections, each table with its sheet name.
func (l *labeller) sections(d *Dashboard) []Section {
	secs := []Section{
		l.officialsSection(d),
		l.coursesSection(d),
		l.workshopsSection(d),
		l.participantsSection(d),
		l.certificatesSection(d),
		l.advisorySection(d),
	}
	for _, sec := range secs {
		for _, t := range sec.Tables {
			t.Sheet = l.T("reports.sheet." + strings.ReplaceAll(t.ID, "-", "_"))
		}
	}
	return secs
}

// Tables lists every table of the dashboard in lang, in page order.
func (s *Service) Tables(ctx context.Context, d *Dashboard, lang string) ([]*Table, error) {
	secs, err := s.Sections(ctx, d, lang)
	if err != nil {
		return nil, err
	}
	var out []*Table
	for _, sec := range secs {
		out = append(out, sec.Tables...)
	}
	return out, nil
}

// TableIDs are the stable names of the dashboard's tables (their download addresses).
var TableIDs = []string{"officials-country", "officials-sector", "courses", "courses-country", "courses-gender",
	"courses-sector", "workshops-host", "workshops-list", "participants-country", "participants-gender",
	"participants-sector", "certificates-country", "certificates-gender", "certificates-sector",
	"advisory-state", "advisory-phase", "advisory-country"}

func (l *labeller) num(n int) string { return i18n.FormatInt(l.lang, n) }

func (l *labeller) pct(r *float64) string {
	if r == nil {
		return "—"
	}
	return formatPercent(l.lang, *r) + "%"
}

func (l *labeller) officialsSection(d *Dashboard) Section {
	o := d.Officials
	gcols := func(first Column) []Column {
		return []Column{first, l.col("female", "reports.gender.female", Int, 12), l.col("male", "reports.gender.male", Int, 12),
			l.col("unspecified", "reports.gender.unspecified", Int, 14), l.col("total", "reports.col.total", Int, 12)}
	}
	cells := func(g Group) (string, []any) {
		return g.Key, []any{g.Gender.Female, g.Gender.Male, g.Gender.Unspecified, g.Total}
	}
	total := Group{Total: o.Registered, Gender: o.Gender}
	byCountry := fill(l, &Table{ID: "officials-country", Title: l.T("reports.table.officials_country"), Note: l.T("reports.note.officials"),
		Columns: gcols(l.col("country", "reports.col.country", Text, 28)), Chart: &Chart{Series: []int{1, 2, 3}, Stacked: true}},
		o.ByCountry, l.country, total, cells)
	bySector := fill(l, &Table{ID: "officials-sector", Title: l.T("reports.table.officials_sector"), Note: l.T("reports.note.officials"),
		Columns: gcols(l.col("sector", "reports.col.sector", Text, 34)), Chart: &Chart{Series: []int{1, 2, 3}, Stacked: true}},
		o.BySector, l.sector, total, cells)
	return Section{ID: "officials", Title: l.T("reports.section.officials"), Tables: []*Table{byCountry, bySector}, KPIs: []KPI{
		{l.T("reports.kpi.registered"), l.num(o.Registered)},
		{l.T("reports.kpi.women"), l.num(o.Gender.Female) + " (" + l.pct(rate(o.Gender.Female, o.Registered)) + ")"},
	}}
}

// fill gives t a row per item of rows, labelled by label of its key, and the total as its
// foot; cells returns an item's key and its figures.
func fill[R any](l *labeller, t *Table, rows []R, label func(string) string, total R, cells func(R) (string, []any)) *Table {
	for _, r := range rows {
		key, figures := cells(r)
		t.Rows = append(t.Rows, append([]any{label(key)}, figures...))
	}
	_, figures := cells(total)
	t.Foot = append([]any{l.T("reports.col.total")}, figures...)
	return t
}

func (l *labeller) learningTable(id, titleKey string, first Column, rows []LearningRow, label func(string) string, total LearningRow) *Table {
	t := &Table{ID: id, Title: l.T(titleKey), Note: l.T("reports.note.courses"), Columns: []Column{first,
		l.col("enrolments", "reports.col.enrolments", Int, 12), l.col("completions", "reports.col.completions", Int, 12),
		l.col("completion_rate", "reports.col.completion_rate", Rate, 14), l.col("quiz_takers", "reports.col.quiz_takers", Int, 14),
		l.col("quiz_passed", "reports.col.quiz_passed", Int, 12), l.col("pass_rate", "reports.col.pass_rate", Rate, 14)},
		Chart: &Chart{Series: []int{1, 2}}}
	return fill(l, t, rows, label, total, func(r LearningRow) (string, []any) {
		return r.Key, []any{r.Enrolments, r.Completions, r.CompletionRate, r.QuizTakers, r.QuizPassed, r.PassRate}
	})
}

func (l *labeller) coursesSection(d *Dashboard) Section {
	c := d.Courses
	title := func(slug string) string { return l.s.courseTitle(slug, l.lang) }
	return Section{ID: "courses", Title: l.T("reports.section.courses"), Tables: []*Table{
		l.learningTable("courses", "reports.table.courses", l.col("course", "reports.col.course", Text, 40), c.ByCourse, title, c.Total),
		l.learningTable("courses-country", "reports.table.courses_country", l.col("country", "reports.col.country", Text, 28), c.ByCountry, l.country, c.Total),
		l.learningTable("courses-gender", "reports.table.courses_gender", l.col("gender", "reports.col.gender", Text, 18), c.ByGender, l.gender, c.Total),
		l.learningTable("courses-sector", "reports.table.courses_sector", l.col("sector", "reports.col.sector", Text, 34), c.BySector, l.sector, c.Total),
	}, KPIs: []KPI{
		{l.T("reports.kpi.enrolments"), l.num(c.Total.Enrolments)},
		{l.T("reports.kpi.completions"), l.num(c.Total.Completions)},
		{l.T("reports.kpi.completion_rate"), l.pct(c.Total.CompletionRate)},
		{l.T("reports.kpi.pass_rate"), l.pct(c.Total.PassRate)},
	}}
}

func (l *labeller) workshopsSection(d *Dashboard) Section {
	w := d.Workshops
	cols := []Column{l.col("host_country", "reports.col.host_country", Text, 28)}
	for _, k := range workshops.Kinds {
		cols = append(cols, Column{Key: k, Label: l.T("workshops.kind." + k), Kind: Int, Width: 16})
	}
	cols = append(cols, l.col("total", "reports.col.total", Int, 12))
	hosts := &Table{ID: "workshops-host", Title: l.T("reports.table.workshops_host"), Note: l.T("reports.note.workshops"),
		Columns: cols, Chart: &Chart{Series: []int{1, 2, 3, 4}, Stacked: true}}
	for _, h := range w.ByHost {
		row := []any{l.host(h.Country)}
		for _, k := range workshops.Kinds {
			row = append(row, h.Kinds[k])
		}
		hosts.Rows = append(hosts.Rows, append(row, h.Total))
	}
	foot := []any{l.T("reports.col.total")}
	for _, k := range workshops.Kinds {
		foot = append(foot, w.ByKind[k])
	}
	hosts.Foot = append(foot, w.Held)
	list := &Table{ID: "workshops-list", Title: l.T("reports.table.workshops_list"), Note: l.T("reports.note.workshops_list"),
		Columns: []Column{l.col("workshop", "reports.col.workshop", Text, 44), l.col("kind", "reports.col.kind", Text, 20),
			l.col("host_country", "reports.col.host_country", Text, 22), l.col("start_date", "reports.col.start_date", Date, 13),
			l.col("end_date", "reports.col.end_date", Date, 13), l.col("participants", "reports.col.participants", Int, 14),
			l.col("attended", "reports.col.attended", Int, 14), l.col("attendance_rate", "reports.col.attendance_rate", Rate, 14)}}
	for _, x := range w.Workshops {
		list.Rows = append(list.Rows, []any{pickTitle(x.Title, l.lang), l.T("workshops.kind." + x.Kind), l.host(x.HostCountry),
			x.StartDate, x.EndDate, x.Participants, x.Attended, x.AttendanceRate})
	}
	return Section{ID: "workshops", Title: l.T("reports.section.workshops"), Tables: []*Table{hosts, list}, KPIs: []KPI{
		{l.T("reports.kpi.held"), l.num(w.Held)},
		{l.T("reports.kpi.national"), l.num(w.ByKind[workshops.KindNational])},
		{l.T("reports.kpi.regional"), l.num(w.ByKind[workshops.KindRegional])},
	}}
}

func (l *labeller) attendanceTable(id, titleKey string, first Column, rows []AttendanceRow, label func(string) string, total AttendanceRow) *Table {
	t := &Table{ID: id, Title: l.T(titleKey), Note: l.T("reports.note.participants"), Columns: []Column{first,
		l.col("participants", "reports.col.participants", Int, 14), l.col("attended", "reports.col.attended", Int, 14),
		l.col("attendance_rate", "reports.col.attendance_rate", Rate, 14)}, Chart: &Chart{Series: []int{1, 2}}}
	return fill(l, t, rows, label, total, func(r AttendanceRow) (string, []any) {
		return r.Key, []any{r.Participants, r.Attended, r.AttendanceRate}
	})
}

func (l *labeller) participantsSection(d *Dashboard) Section {
	w := d.Workshops
	return Section{ID: "participants", Title: l.T("reports.section.participants"), Tables: []*Table{
		l.attendanceTable("participants-country", "reports.table.participants_country", l.col("country", "reports.col.country", Text, 28), w.ByCountry, l.country, w.Participants),
		l.attendanceTable("participants-gender", "reports.table.participants_gender", l.col("gender", "reports.col.gender", Text, 18), w.ByGender, l.gender, w.Participants),
		l.attendanceTable("participants-sector", "reports.table.participants_sector", l.col("sector", "reports.col.sector", Text, 34), w.BySector, l.sector, w.Participants),
	}, KPIs: []KPI{
		{l.T("reports.kpi.participants"), l.num(w.Participants.Participants)},
		{l.T("reports.kpi.attended"), l.num(w.Participants.Attended)},
		{l.T("reports.kpi.attendance_rate"), l.pct(w.Participants.AttendanceRate)},
	}}
}

func (l *labeller) certificateTable(id, titleKey string, first Column, rows []CertificateRow, label func(string) string, total CertificateRow) *Table {
	t := &Table{ID: id, Title: l.T(titleKey), Note: l.T("reports.note.certificates"), Columns: []Column{first,
		l.col("course", "reports.col.cert_course", Int, 14), l.col("workshop", "reports.col.cert_workshop", Int, 14),
		l.col("issued", "reports.col.issued", Int, 12), l.col("revoked", "reports.col.revoked", Int, 12)},
		Chart: &Chart{Series: []int{1, 2}, Stacked: true}}
	return fill(l, t, rows, label, total, func(r CertificateRow) (string, []any) {
		return r.Key, []any{r.Course, r.Workshop, r.Issued, r.Revoked}
	})
}

func (l *labeller) certificatesSection(d *Dashboard) Section {
	c := d.Certificates
	return Section{ID: "certificates", Title: l.T("reports.section.certificates"), Tables: []*Table{
		l.certificateTable("certificates-country", "reports.table.certificates_country", l.col("country", "reports.col.country", Text, 28), c.ByCountry, l.country, c.Total),
		l.certificateTable("certificates-gender", "reports.table.certificates_gender", l.col("gender", "reports.col.gender", Text, 18), c.ByGender, l.gender, c.Total),
		l.certificateTable("certificates-sector", "reports.table.certificates_sector", l.col("sector", "reports.col.sector", Text, 34), c.BySector, l.sector, c.Total),
	}, KPIs: []KPI{
		{l.T("reports.kpi.issued"), l.num(c.Total.Issued)},
		{l.T("reports.kpi.revoked"), l.num(c.Total.Revoked)},
	}}
}

func withFootNote(t *Table, note string) *Table {
	t.FootNote = note
	return t
}

func (l *labeller) requestTable(id, titleKey string, first Column, rows []RequestRow, label func(string) string, total RequestRow) *Table {
	t := &Table{ID: id, Title: l.T(titleKey), Note: l.T("reports.note.advisory"), Columns: []Column{first,
		l.col("requests", "reports.col.requests", Int, 12), l.col("accepted", "reports.col.accepted", Int, 12),
		l.col("median_days", "reports.col.median_days", Days, 18)}, Chart: &Chart{Series: []int{1, 2}}}
	return fill(l, t, rows, label, total, func(r RequestRow) (string, []any) {
		return r.Key, []any{r.Requests, r.Accepted, r.MedianDaysToAcceptance}
	})
}

func (l *labeller) advisorySection(d *Dashboard) Section {
	a := d.Advisory
	cols := []Column{l.col("status", "reports.col.status", Text, 20)}
	for p := 1; p <= 4; p++ {
		cols = append(cols, Column{Key: "phase_" + strconv.Itoa(p), Label: l.T("phase." + strconv.Itoa(p)), Kind: Int, Width: 14})
	}
	cols = append(cols, l.col("total", "reports.col.total", Int, 12))
	states := &Table{ID: "advisory-state", Title: l.T("reports.table.advisory_state"), Note: l.T("reports.note.advisory_state"),
		FootNote: l.T("reports.footnote.phases"), Columns: cols, Chart: &Chart{Series: []int{5}}}
	var perPhase [4]int
	for _, st := range a.ByState {
		row := []any{l.T("advisory.status." + st.Status)}
		for p := 0; p < 4; p++ {
			row = append(row, st.ByPhase[p])
			perPhase[p] += st.ByPhase[p]
		}
		states.Rows = append(states.Rows, append(row, st.Total))
	}
	foot := []any{l.T("reports.col.total")}
	for p := 0; p < 4; p++ {
		foot = append(foot, perPhase[p])
	}
	states.Foot = append(foot, a.Total.Requests)
	phase := func(k string) string { return l.T("phase." + k) }
	return Section{ID: "advisory", Title: l.T("reports.section.advisory"), Tables: []*Table{
		states,
		withFootNote(l.requestTable("advisory-phase", "reports.table.advisory_phase", l.col("phase", "reports.col.phase", Text, 20), a.ByPhase, phase, a.Total), l.T("reports.footnote.phase_rows")),
		l.requestTable("advisory-country", "reports.table.advisory_country", l.col("country", "reports.col.country", Text, 28), a.ByCountry, l.country, a.Total),
	}, KPIs: []KPI{
		{l.T("reports.kpi.requests"), l.num(a.Total.Requests)},
		{l.T("reports.kpi.accepted"), l.num(a.Total.Accepted)},
		{l.T("reports.kpi.median_days"), l.days(a.Total.MedianDaysToAcceptance)},
	}}
}

func (l *labeller) days(d *float64) string {
	if d == nil {
		return "—"
	}
	return l.s.cat.NDecimal(l.lang, "reports.days", math.Round(*d*10)/10)
}

func pickTitle(m map[string]string, lang string) string {
	for _, l := range []string{lang, "en", "ar", "fr"} {
		if v := m[l]; v != "" {
			return v
		}
	}
	return ""
}

// formatPercent writes a share (0 to 1) as a percentage with one decimal.
func formatPercent(lang string, r float64) string { return formatDecimal(lang, r*100) }

// formatDecimal writes a number with one decimal, with the language's decimal mark.
func formatDecimal(lang string, x float64) string {
	s := strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64)
	if lang == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Cell is a cell as shown on the page.
type Cell struct {
	Text string
	Num  bool // a number: aligned as figures are
	Date bool // a date: kept on one line
}

// Display formats a value of a column for a page in lang.
func Display(lang string, c Column, v any) Cell {
	switch c.Kind {
	case Int:
		if n, ok := v.(int); ok {
			return Cell{Text: i18n.FormatInt(lang, n), Num: true}
		}
		return Cell{Text: "—", Num: true}
	case Rate:
		if r, ok := v.(*float64); ok && r != nil {
			return Cell{Text: formatPercent(lang, *r), Num: true}
		}
		return Cell{Text: "—", Num: true}
	case Days:
		if r, ok := v.(*float64); ok && r != nil {
			return Cell{Text: formatDecimal(lang, *r), Num: true}
		}
		return Cell{Text: "—", Num: true}
	case Date:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(DateLayout, s); err == nil {
				return Cell{Text: i18n.FormatDate(lang, t), Date: true}
			}
		}
		return Cell{}
	case DateTime:
		if t, ok := v.(time.Time); ok && !t.IsZero() {
			return Cell{Text: i18n.FormatDate(lang, t) + " " + t.UTC().Format("15:04") + " UTC"}
		}
		return Cell{}
	case List:
		if ns, ok := v.([]int); ok {
			return Cell{Text: joinInts(ns, "، ", lang)}
		}
		return Cell{}
	}
	if s, ok := v.(string); ok {
		return Cell{Text: s}
	}
	if v == nil {
		return Cell{}
	}
	return Cell{Text: fmt.Sprint(v)}
}

func joinInts(ns []int, arSep, lang string) string {
	sep := ", "
	if lang == "ar" {
		sep = arSep
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, sep)
}

// Cells formats the table's rows for a page in lang.
func (t *Table) Cells(lang string) [][]Cell {
	out := make([][]Cell, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = t.row(lang, r)
	}
	return out
}

// FootCells formats the totals row, or nil.
func (t *Table) FootCells(lang string) []Cell {
	if t.Foot == nil {
		return nil
	}
	return t.row(lang, t.Foot)
}

func (t *Table) row(lang string, r []any) []Cell {
	out := make([]Cell, len(t.Columns))
	for j, c := range t.Columns {
		if j < len(r) {
			out[j] = Display(lang, c, r[j])
		}
	}
	return out
}

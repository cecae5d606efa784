package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// The results of a workshop's surveys for staff and its trainers — per question a chart drawn
// on the server (reports.ChartSVG: role="img", a title and a description, the figures as
// text), the figures in a table beside it, the paired learning gain and the free-text
// answers — and the programme's report across workshops, each with its workbook.

// resultRow is a line of a question's table: a rating or an option and how many chose it.
type resultRow struct {
	Label   string
	Count   int
	Share   string
	Correct bool
}

// resultQuestion is a question with its figures, its chart and its table.
type resultQuestion struct {
	N     int
	R     surveys.QuestionResult
	Text  string
	Kind  string
	Mean  string
	Rows  []resultRow
	SVG   template.HTML // drawn by reports.ChartSVG, which escapes every text it writes
	Texts []string
}

type resultSurvey struct {
	S         *surveys.Survey
	Title     string
	Responses int
	MeanScore string
	Questions []resultQuestion
}

type resultsPage struct {
	W        *workshops.Workshop
	Workshop string
	Surveys  []resultSurvey
	Gain     *surveys.Gain
	GainPre  string
	GainPost string
	GainMean string
	GainSVG  template.HTML
	XLSX     string
	Staff    bool
}

func dec(lang string, p *float64, digits int) string {
	if p == nil {
		return "—"
	}
	return decimal(lang, *p, digits)
}

// questionRows are the lines of a question's table and chart.
func (h *handler) questionRows(l string, sv *surveys.Survey, q surveys.QuestionResult) []resultRow {
	var rows []resultRow
	share := func(n int) string {
		if q.Answered == 0 {
			return "—"
		}
		return decimal(l, float64(n)*100/float64(q.Answered), 0) + "%"
	}
	switch q.Question.Kind {
	case surveys.QRating:
		for i, n := range q.Counts {
			r := i + surveys.RatingMin
			rows = append(rows, resultRow{Label: h.cat.T(l, "surveys.rating.label", "n", i18n.FormatInt(l, r), "label", h.cat.T(l, "surveys.rating."+strconv.Itoa(r))), Count: n, Share: share(n)})
		}
	case surveys.QSingle, surveys.QMultiple:
		for i, n := range q.Counts {
			o := q.Question.Options[i]
			rows = append(rows, resultRow{Label: o.TextIn(l), Count: n, Share: share(n), Correct: sv.IsTest() && o.Correct})
		}
	}
	return rows
}

// results builds the results page's data (without the view).
func (h *handler) results(c *fiber.Ctx, w *workshops.Workshop) (*resultsPage, *surveys.Results, error) {
	l := lang(c)
	res, err := h.Surveys.Results(c.UserContext(), w.ID)
	if err != nil {
		return nil, nil, err
	}
	d := &resultsPage{W: w, Workshop: w.TitleIn(l), Gain: res.Gain, Staff: user(c).IsStaff(),
		XLSX: "/" + l + "/admin/workshops/" + strconv.FormatInt(w.ID, 10) + "/surveys/results.xlsx"}
	for _, sr := range res.Surveys {
		rs := resultSurvey{S: sr.Survey, Title: sr.Survey.TitleIn(l), Responses: sr.Responses, MeanScore: dec(l, sr.MeanScore, 1)}
		for i, q := range sr.Questions {
			rq := resultQuestion{N: i + 1, R: q, Text: q.Question.TextIn(l), Kind: q.Question.Kind, Mean: dec(l, q.Mean, 2), Texts: q.Texts}
			rq.Rows = h.questionRows(l, sr.Survey, q)
			if len(rq.Rows) > 0 {
				t := &reports.Table{ID: fmt.Sprintf("s%d-%s", sr.Survey.ID, q.Question.ID), Title: rq.Text,
					Columns: []reports.Column{{Key: "answer", Label: h.cat.T(l, "surveys.results.answer"), Kind: reports.Text},
						{Key: "count", Label: h.cat.T(l, "surveys.results.count"), Kind: reports.Int}},
					Chart: &reports.Chart{Series: []int{1}}}
				for _, r := range rq.Rows {
					t.Rows = append(t.Rows, []any{r.Label, r.Count})
				}
				rq.SVG = template.HTML(h.Reports.ChartSVG(t, l)) //nolint:gosec // ChartSVG escapes every text it writes
			}
			rs.Questions = append(rs.Questions, rq)
		}
		d.Surveys = append(d.Surveys, rs)
	}
	if g := res.Gain; g != nil {
		d.GainPre, d.GainPost, d.GainMean = dec(l, g.MeanPre, 1), dec(l, g.MeanPost, 1), dec(l, g.MeanGain, 1)
		if g.Pairs > 0 {
			t := &reports.Table{ID: fmt.Sprintf("gain-%d", w.ID), Title: h.cat.T(l, "surveys.results.gain"),
				Columns: []reports.Column{{Key: "test", Label: h.cat.T(l, "surveys.results.test"), Kind: reports.Text},
					{Key: "score", Label: h.cat.T(l, "surveys.results.mean_score"), Kind: reports.Int}},
				Chart: &reports.Chart{Series: []int{1}},
				Rows: [][]any{{h.cat.T(l, "surveys.kind.pre_test"), int(math.Round(*g.MeanPre))},
					{h.cat.T(l, "surveys.kind.post_test"), int(math.Round(*g.MeanPost))}}}
			d.GainSVG = template.HTML(h.Reports.ChartSVG(t, l)) //nolint:gosec // ChartSVG escapes every text it writes
		}
	}
	return d, res, nil
}

func (h *handler) showSurveyResults(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, true)
	if err != nil {
		return err
	}
	d, _, err := h.results(c, w)
	if err != nil {
		return err
	}
	v := h.view(c, "")
	v.Title = h.cat.T(lang(c), "surveys.results.title") + " · " + d.Workshop
	v.Data = d
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.render(c, fiber.StatusOK, "admin_survey_results", v)
}

func (h *handler) exportSurveyResults(c *fiber.Ctx) error {
	w, err := h.surveyWorkshop(c, true)
	if err != nil {
		return err
	}
	d, _, err := h.results(c, w)
	if err != nil {
		return err
	}
	l := lang(c)
	T := func(k string, args ...any) string { return h.cat.T(l, k, args...) }
	wb := reports.Workbook{Lang: l, Title: T("surveys.results.title") + " · " + d.Workshop}
	for _, s := range d.Surveys {
		cols := []reports.Column{{Key: "question", Label: T("surveys.results.question"), Kind: reports.Int, Width: 10},
			{Key: "text", Label: T("surveys.results.question_text"), Kind: reports.Text, Width: 50},
			{Key: "answer", Label: T("surveys.results.answer"), Kind: reports.Text, Width: 40},
			{Key: "count", Label: T("surveys.results.count"), Kind: reports.Int, Width: 12},
			{Key: "correct", Label: T("surveys.results.correct"), Kind: reports.Text, Width: 12}}
		var rows [][]any
		for _, q := range s.Questions {
			for _, r := range q.Rows {
				ok := ""
				if r.Correct {
					ok = T("surveys.results.correct_yes")
				}
				rows = append(rows, []any{q.N, q.Text, r.Label, r.Count, ok})
			}
			for _, t := range q.Texts {
				rows = append(rows, []any{q.N, q.Text, t, 1, ""})
			}
		}
		wb.Sheets = append(wb.Sheets, reports.Sheet{Name: T("surveys.kind." + s.S.Kind), Columns: cols, Next: reports.RowsOf(rows)})
	}
	if g := d.Gain; g != nil {
		cols := []reports.Column{{Key: "figure", Label: T("surveys.results.figure"), Kind: reports.Text, Width: 40},
			{Key: "value", Label: T("surveys.results.value"), Kind: reports.Text, Width: 16}}
		rows := [][]any{{T("surveys.results.pairs"), i18n.FormatInt(l, g.Pairs)}, {T("surveys.results.mean_pre"), d.GainPre},
			{T("surveys.results.mean_post"), d.GainPost}, {T("surveys.results.mean_gain"), d.GainMean},
			{T("surveys.results.pre_responses"), i18n.FormatInt(l, g.PreN)}, {T("surveys.results.post_responses"), i18n.FormatInt(l, g.PostN)}}
		wb.Sheets = append(wb.Sheets, reports.Sheet{Name: T("surveys.results.gain"), Columns: cols, Next: reports.RowsOf(rows)})
	}
	if len(wb.Sheets) == 0 {
		wb.Sheets = append(wb.Sheets, reports.Sheet{Name: T("surveys.results.title"), Columns: []reports.Column{{Key: "none", Label: T("surveys.results.none"), Kind: reports.Text, Width: 40}}, Next: reports.RowsOf(nil)})
	}
	var buf bytes.Buffer
	if err := reports.WriteXLSX(&buf, wb); err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("masar-workshop-%d-surveys.xlsx", w.ID), buf.Bytes())
}

// reportLine is a line of the programme's report.
type reportLine struct {
	Label     string
	Dates     string
	Responses int
	Satisf    string
	Pairs     int
	Pre, Post string
	Gain      string
	f         surveys.Figure
}

type surveyReportPage struct {
	Workshops, Countries, Phases []reportLine
	Total                        reportLine
	XLSX                         string
}

func (h *handler) surveyReport(c *fiber.Ctx) (*surveyReportPage, error) {
	ctx := c.UserContext()
	l := lang(c)
	rep, err := h.Surveys.Report(ctx)
	if err != nil {
		return nil, err
	}
	line := func(label string, f surveys.Figure) reportLine {
		return reportLine{Label: label, Responses: f.Responses, Satisf: dec(l, f.Satisfaction(), 2), Pairs: f.Pairs,
			Pre: dec(l, f.MeanPre(), 1), Post: dec(l, f.MeanPost(), 1), Gain: dec(l, f.MeanGain(), 1), f: f}
	}
	d := &surveyReportPage{XLSX: "/" + l + "/admin/surveys/report.xlsx", Total: line(h.cat.T(l, "surveys.report.total"), rep.Total)}
	for _, wf := range rep.Workshops {
		r := line(wf.Workshop.TitleIn(l), wf.Figure)
		r.Dates = workshops.FormatDateRange(l, wf.Workshop.StartDate, wf.Workshop.EndDate)
		d.Workshops = append(d.Workshops, r)
	}
	var isos []string
	for iso := range rep.Countries {
		isos = append(isos, iso)
	}
	for _, iso := range isos {
		name := h.cat.T(l, "workshops.online")
		if iso != "" {
			name = h.Workshops.CountryName(ctx, iso, l)
		}
		d.Countries = append(d.Countries, line(name, *rep.Countries[iso]))
	}
	slices.SortFunc(d.Countries, func(a, b reportLine) int { return strings.Compare(a.Label, b.Label) })
	for p := range 4 {
		if f, ok := rep.Phases[p+1]; ok {
			d.Phases = append(d.Phases, line(h.cat.T(l, "phase."+strconv.Itoa(p+1)), *f))
		}
	}
	return d, nil
}

func (h *handler) showSurveyReport(c *fiber.Ctx) error {
	d, err := h.surveyReport(c)
	if err != nil {
		return err
	}
	v := h.view(c, "surveys.report.title")
	v.Data = d
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.render(c, fiber.StatusOK, "admin_survey_report", v)
}

func (h *handler) exportSurveyReport(c *fiber.Ctx) error {
	d, err := h.surveyReport(c)
	if err != nil {
		return err
	}
	l := lang(c)
	T := func(k string) string { return h.cat.T(l, k) }
	sheet := func(name, first string, lines []reportLine) reports.Sheet {
		cols := []reports.Column{{Key: "name", Label: first, Kind: reports.Text, Width: 44},
			{Key: "satisfaction_responses", Label: T("surveys.report.responses"), Kind: reports.Int, Width: 14},
			{Key: "satisfaction", Label: T("surveys.report.satisfaction"), Kind: reports.Text, Width: 14},
			{Key: "pairs", Label: T("surveys.results.pairs"), Kind: reports.Int, Width: 14},
			{Key: "mean_pre", Label: T("surveys.results.mean_pre"), Kind: reports.Text, Width: 14},
			{Key: "mean_post", Label: T("surveys.results.mean_post"), Kind: reports.Text, Width: 14},
			{Key: "mean_gain", Label: T("surveys.results.mean_gain"), Kind: reports.Text, Width: 14}}
		var rows [][]any
		for _, r := range lines {
			rows = append(rows, []any{r.Label, r.Responses, r.Satisf, r.Pairs, r.Pre, r.Post, r.Gain})
		}
		t := d.Total
		return reports.Sheet{Name: name, Columns: cols, Next: reports.RowsOf(rows), Foot: []any{t.Label, t.Responses, t.Satisf, t.Pairs, t.Pre, t.Post, t.Gain}}
	}
	wb := reports.Workbook{Lang: l, Title: T("surveys.report.title"), Sheets: []reports.Sheet{
		sheet(T("surveys.report.by_workshop"), T("surveys.report.workshop"), d.Workshops),
		sheet(T("surveys.report.by_country"), T("surveys.report.country"), d.Countries),
		sheet(T("surveys.report.by_phase"), T("surveys.report.phase"), d.Phases),
	}}
	var buf bytes.Buffer
	if err := reports.WriteXLSX(&buf, wb); err != nil {
		return err
	}
	return sendXLSX(c, "masar-survey-report.xlsx", buf.Bytes())
}

package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/reports"
)

// The item analysis of a course's quiz (courses.Statistics) for staff and admins: a page,
// its workbook and the API. Learners' answers are the secretariat's to judge the questions
// by; trainers and focal points do not see them.

// statisticsPage is the item-analysis page.
type statisticsPage struct {
	Lang   string
	Course *courses.Course
	Stats  *courses.Statistics
	Bands  []statisticsBand
	SVG    template.HTML // drawn by reports.ChartSVG, which escapes every text it writes
	XLSX   string
	Sets   []string          // the choices of attempts the questions' figures read
	Thresh map[string]string // the thresholds, formatted for the method's text
}

// statisticsBand is a row of the score distribution.
type statisticsBand struct {
	Label      string
	All, First int
}

// Pct writes a share as a percentage in the page's language, or "—".
func (d statisticsPage) Pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return decimal(d.Lang, *p*100, 1) + "%"
}

// Dec writes a figure with two decimals (one for scores), or "—".
func (d statisticsPage) Dec(p *float64, digits int) string {
	if p == nil {
		return "—"
	}
	return decimal(d.Lang, *p, digits)
}

// Option is what an option is called on the page.
func (d statisticsPage) Option(q courses.QuestionStats, o courses.OptionStats) string {
	return q.OptionLabel(o, d.Lang)
}

// decimal writes x with the given number of decimals and the language's decimal mark.
func decimal(lang string, x float64, digits int) string {
	p := math.Pow(10, float64(digits))
	x = math.Round(x*p) / p
	if x == 0 {
		x = 0 // no "-0"
	}
	s := strconv.FormatFloat(x, 'f', digits, 64)
	if lang == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func (h *handler) showCourseStatistics(c *fiber.Ctx) error {
	co, st, err := h.courseStatistics(c)
	l := lang(c)
	v := h.view(c, "")
	status := fiber.StatusOK
	if fields, _, code, ok := formError(err); ok && len(fields) > 0 {
		// An unknown choice of attempts: the page of every attempt, the message by the choice.
		v.Errors, status = fields, code
		st, err = h.Courses.Statistics(c.UserContext(), co.Slug, courses.AttemptsAll)
	}
	if err != nil {
		return err
	}
	v.Title = v.T("courses.statistics.title") + " · " + co.TitleIn(l)
	d := statisticsPage{Lang: l, Course: co, Stats: st, XLSX: "/" + l + "/admin/courses/" + co.Slug + "/statistics.xlsx?attempts=" + st.Attempts,
		Sets: courses.AttemptSets,
		Thresh: map[string]string{
			"easy": decimal(l, courses.EasyAbove, 1), "hard": decimal(l, courses.HardBelow, 1),
			"low": decimal(l, courses.LowDiscriminationLT, 1), "min": strconv.Itoa(courses.MinAttempts),
		}}
	t := &reports.Table{ID: "scores", Title: v.T("courses.statistics.distribution"),
		Columns: []reports.Column{
			{Key: "band", Label: v.T("courses.statistics.score_band"), Kind: reports.Text},
			{Key: "all", Label: v.T("courses.statistics.all_attempts"), Kind: reports.Int},
			{Key: "first", Label: v.T("courses.statistics.first_attempts"), Kind: reports.Int},
		},
		Chart: &reports.Chart{Series: []int{1, 2}}}
	for i := range courses.ScoreBands {
		b := statisticsBand{Label: courses.BandLabel(i), All: st.All.Distribution[i], First: st.First.Distribution[i]}
		d.Bands = append(d.Bands, b)
		label := b.Label
		if i18n.Dir(l) == "rtl" {
			// Isolated left to right, or a right-to-left chart draws "10–19" as "19–10".
			label = "\u2066" + label + "\u2069"
		}
		t.Rows = append(t.Rows, []any{label, b.All, b.First})
	}
	d.SVG = template.HTML(h.Reports.ChartSVG(t, l))
	v.Data = d
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.render(c, status, "admin_course_statistics", v)
}

// courseStatistics is the item analysis the request names: its course and ?attempts.
func (h *handler) courseStatistics(c *fiber.Ctx) (*courses.Course, *courses.Statistics, error) {
	co, err := h.course(c.Params("slug"))
	if err != nil {
		return nil, nil, err
	}
	st, err := h.Courses.Statistics(c.UserContext(), co.Slug, c.Query("attempts"))
	return co, st, err
}

func (h *handler) exportCourseStatistics(c *fiber.Ctx) error {
	co, st, err := h.courseStatistics(c)
	if err != nil {
		return err
	}
	l := lang(c)
	var buf bytes.Buffer
	if err := courses.WriteStatisticsXLSX(&buf, st, l, func(key string) string { return h.cat.T(l, key) }); err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("masar-item-analysis-%s.xlsx", co.Slug), buf.Bytes())
}

func (h *handler) apiCourseStatistics(c *fiber.Ctx) error {
	_, st, err := h.courseStatistics(c)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, st)
}

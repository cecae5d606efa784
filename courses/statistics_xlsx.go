package courses

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/sheet"
)

// Label keys of the item-analysis workbook's sheets.
const (
	SheetStatsSummaryKey   = "courses.statistics.sheet.summary"
	SheetStatsQuestionsKey = "courses.statistics.sheet.questions"
	SheetStatsOptionsKey   = "courses.statistics.sheet.options"
)

type column = struct {
	key   string
	width float64
}

var statsSummaryColumns = []column{
	{"courses.statistics.figure", 34}, {"courses.statistics.all_attempts", 18}, {"courses.statistics.first_attempts", 18},
}

var statsQuestionColumns = []column{
	{"courses.statistics.question_id", 14}, {"courses.statistics.number", 8}, {"courses.statistics.type", 16},
	{"courses.statistics.question", 60}, {"courses.statistics.status", 14}, {"courses.statistics.asked", 10},
	{"courses.statistics.right", 10}, {"courses.statistics.unanswered", 12}, {"courses.statistics.facility", 12},
	{"courses.statistics.discrimination", 14}, {"courses.statistics.flags", 48},
}

var statsOptionColumns = []column{
	{"courses.statistics.question_id", 14}, {"courses.statistics.option_id", 10}, {"courses.statistics.option", 60},
	{"courses.statistics.correct", 10}, {"courses.statistics.chosen", 10}, {"courses.statistics.share", 12},
}

// BandLabel names band i of the score distribution: "0–9" … "90–100".
func BandLabel(i int) string {
	hi := i*10 + 9
	if i == ScoreBands-1 {
		hi = 100
	}
	return strconv.Itoa(i*10) + "–" + strconv.Itoa(hi)
}

// WriteStatisticsXLSX writes an item analysis as an Excel workbook: the course's figures and
// score distribution (all attempts and first attempts), one row per question, and one row per
// option, each sheet with a styled, frozen header row and an auto-filter; shares are numbers
// formatted as percentages. Headings, sheet names, question types and flags are labels(key)
// for the keys courses.statistics.* (the key itself when labels is nil); texts are in lang;
// with lang "ar" the sheets read right to left.
func WriteStatisticsXLSX(w io.Writer, st *Statistics, lang string, labels func(key string) string) error {
	if labels == nil {
		labels = func(k string) string { return k }
	}
	f := excelize.NewFile()
	defer f.Close()
	header, err := sheet.HeaderStyle(f)
	if err != nil {
		return fmt.Errorf("courses: statistics style: %w", err)
	}
	styles, err := sheet.NumberStyles(f, "0.0%", "0.00")
	if err != nil {
		return fmt.Errorf("courses: statistics style: %w", err)
	}
	pct, dec := styles[0], styles[1]
	names := []string{
		sheet.Name(labels(SheetStatsSummaryKey), "Summary"),
		sheet.Name(labels(SheetStatsQuestionsKey), "Questions"),
		sheet.Name(labels(SheetStatsOptionsKey), "Options"),
	}
	for i := 1; i < len(names); i++ {
		for j := 0; j < i; j++ {
			if names[i] == names[j] {
				names[i] += " " + strconv.Itoa(i+1)
			}
		}
	}
	if err := f.SetSheetName(f.GetSheetName(0), names[0]); err != nil {
		return fmt.Errorf("courses: statistics sheet: %w", err)
	}
	for _, n := range names[1:] {
		if _, err := f.NewSheet(n); err != nil {
			return fmt.Errorf("courses: statistics sheet: %w", err)
		}
	}
	share := func(p *float64) any {
		if p == nil {
			return nil
		}
		return excelize.Cell{StyleID: pct, Value: *p}
	}
	decimal := func(p *float64) any {
		if p == nil {
			return nil
		}
		return excelize.Cell{StyleID: dec, Value: *p}
	}

	rows := [][]any{
		{labels("courses.statistics.set"), labels("courses.statistics.set." + st.Attempts), nil},
		{labels("courses.statistics.learners"), st.Learners, nil},
		{labels("courses.statistics.learners_passed"), st.LearnersPassed, nil},
		{labels("courses.statistics.learners_pass_rate"), share(st.PassRate), nil},
		{labels("courses.statistics.attempts"), st.All.Attempts, st.First.Attempts},
		{labels("courses.statistics.passed"), st.All.Passed, st.First.Passed},
		{labels("courses.statistics.pass_rate"), share(st.All.PassRate), share(st.First.PassRate)},
		{labels("courses.statistics.mean"), decimal(st.All.Mean), decimal(st.First.Mean)},
		{labels("courses.statistics.median"), decimal(st.All.Median), decimal(st.First.Median)},
	}
	for i := range ScoreBands {
		rows = append(rows, []any{BandLabel(i), st.All.Distribution[i], st.First.Distribution[i]})
	}
	if err := writeSheet(f, names[0], lang, header, statsSummaryColumns, labels, rows); err != nil {
		return err
	}

	sep := ", "
	if lang == "ar" {
		sep = "، "
	}
	rows = rows[:0]
	var opts [][]any
	for i, q := range st.Questions {
		var num, typ, status any
		if q.Retired {
			status = labels("courses.statistics.retired")
		} else {
			num, typ = i+1, labels("courses.statistics.type."+q.Type)
		}
		var flags []string
		for _, fl := range q.Flags {
			flags = append(flags, labels("courses.statistics.flag."+fl))
		}
		rows = append(rows, []any{q.ID, num, typ, q.PromptIn(lang), status, q.Asked, q.Right, q.Unanswered,
			share(q.Facility), decimal(q.Discrimination), strings.Join(flags, sep)})
		for _, o := range q.Options {
			var correct any
			if o.Correct {
				correct = "✓"
			}
			opts = append(opts, []any{q.ID, o.ID, q.OptionLabel(o, lang), correct, o.Chosen, share(o.Share)})
		}
	}
	if err := writeSheet(f, names[1], lang, header, statsQuestionColumns, labels, rows); err != nil {
		return err
	}
	if err := writeSheet(f, names[2], lang, header, statsOptionColumns, labels, opts); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := sheet.Write(f, w); err != nil {
		return fmt.Errorf("courses: write statistics: %w", err)
	}
	return nil
}

// trueFalseLabel is the label of a true/false answer in lang.
func trueFalseLabel(lang, id string) string {
	l, ok := trueFalseLabels[lang]
	if !ok {
		l = trueFalseLabels["en"]
	}
	if id == AnswerTrue {
		return l[0]
	}
	return l[1]
}

// OptionLabel is what an option is called in lang: its text, or for a true/false question
// the word for true or false, or for a retired question's option its id.
func (q QuestionStats) OptionLabel(o OptionStats, lang string) string {
	switch {
	case q.Type == TrueFalse:
		return trueFalseLabel(lang, o.ID)
	case q.Retired:
		return o.ID
	}
	return o.TextIn(lang)
}

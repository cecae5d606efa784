package advisory

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/sheet"
)

// exportColumns are the export's columns: label keys and widths.
var exportColumns = []struct {
	key   string
	width float64
}{
	{"advisory.export.id", 8}, {"advisory.export.country", 10}, {"advisory.export.country_name", 20},
	{"advisory.export.requesting_body", 32}, {"advisory.export.phases", 28}, {"advisory.export.topics", 40},
	{"advisory.export.support_kinds", 36}, {"advisory.export.status", 16}, {"advisory.export.overdue", 10},
	{"advisory.export.owner", 24}, {"advisory.export.team", 32}, {"advisory.export.lead_expert", 24}, {"advisory.export.response_due", 14}, {"advisory.export.delivery_due", 14},
	{"advisory.export.preferred_start", 14}, {"advisory.export.preferred_end", 14}, {"advisory.export.language", 12},
	{"advisory.export.created_at", 18}, {"advisory.export.updated_at", 18}, {"advisory.export.workshop_id", 12},
	{"advisory.export.rating", 10}, {"advisory.export.feedback", 40}, {"advisory.export.needs", 60},
	{"advisory.tags.sdg", 30}, {"advisory.tags.objectives", 40},
}

// WriteXLSX writes requests as an Excel workbook of one sheet: a styled, frozen header row
// with an auto-filter, dates stored as dates, numbers as numbers. Headers, states, phases,
// topics and kinds of support are labels(key) for their catalogue keys (advisory.export.*,
// advisory.status.*, phase.N, advisory.topic.*, advisory.support.*, langname.*);
// countryName(iso) names a country. With lang "ar" the sheet reads right to left.
func WriteXLSX(w io.Writer, rs []*Request, lang string, labels func(key string) string, countryName func(iso string) string) error {
	return WriteXLSXWithOutcomes(w, rs, nil, lang, labels, countryName)
}

// WriteXLSXWithOutcomes is WriteXLSX with, when out is not nil, a second sheet of the
// outcomes by SDG target, strategic objective and phase (advisory.outcomes.* labels).
func WriteXLSXWithOutcomes(w io.Writer, rs []*Request, out *Outcomes, lang string, labels func(key string) string, countryName func(iso string) string) error {
	f := excelize.NewFile()
	defer f.Close()
	header, err := sheet.HeaderStyle(f)
	if err != nil {
		return fmt.Errorf("advisory: export style: %w", err)
	}
	styles, err := sheet.NumberStyles(f, "yyyy-mm-dd", "yyyy-mm-dd hh:mm")
	if err != nil {
		return fmt.Errorf("advisory: export style: %w", err)
	}
	date, stamp := styles[0], styles[1]
	name := sheet.Name(labels("advisory.export.sheet"), "Requests")
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return fmt.Errorf("advisory: export sheet: %w", err)
	}
	sw, err := sheet.Stream(f, name, lang, 0)
	if err != nil {
		return fmt.Errorf("advisory: export sheet: %w", err)
	}
	head := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("advisory: export sheet: %w", err)
		}
		head[i] = excelize.Cell{StyleID: header, Value: labels(c.key)}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 32}); err != nil {
		return fmt.Errorf("advisory: export sheet: %w", err)
	}
	sep := labels("advisory.list_sep")
	dateCell := func(s string) any {
		if t, err := time.Parse(DateLayout, s); err == nil {
			return excelize.Cell{StyleID: date, Value: t}
		}
		return nil
	}
	for i, r := range rs {
		phases := make([]string, len(r.Phases))
		for j, p := range r.Phases {
			phases[j] = labels("phase." + strconv.Itoa(p))
		}
		topics := make([]string, 0, len(r.Topics))
		for _, t := range r.Topics {
			if t == TopicOther && r.TopicsOther != "" {
				topics = append(topics, labels("advisory.topic."+TopicOther)+": "+r.TopicsOther)
				continue
			}
			topics = append(topics, labels("advisory.topic."+t))
		}
		kinds := make([]string, len(r.SupportKinds))
		for j, k := range r.SupportKinds {
			kinds[j] = labels("advisory.support." + k)
		}
		overdue := ""
		if r.Overdue {
			overdue = labels("advisory.export.yes")
		}
		var ws, rating any
		if r.WorkshopID != nil {
			ws = *r.WorkshopID
		}
		if r.Rating != nil {
			rating = *r.Rating
		}
		row := []any{r.ID, r.Country, countryName(r.Country), r.RequestingBody, strings.Join(phases, sep),
			strings.Join(topics, sep), strings.Join(kinds, sep), labels("advisory.status." + r.Status), overdue,
			personCell(r.Owner, lang, labels), teamCell(r.Team, lang, labels, sep), r.LeadExpert, dateCell(r.ResponseDue), dateCell(r.DeliveryDue), dateCell(r.PreferredStart), dateCell(r.PreferredEnd),
			labels("langname." + r.Language), excelize.Cell{StyleID: stamp, Value: r.CreatedAt.UTC()},
			excelize.Cell{StyleID: stamp, Value: r.UpdatedAt.UTC()}, ws, rating, r.Feedback, r.Needs,
			strings.Join(r.SDGTargets, sep), joinLabels(r.Objectives, "advisory.objective.", labels, sep)}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("advisory: export row %d: %w", i+2, err)
		}
	}
	// The filter goes in before the stream is flushed: one declared after is dropped.
	if err := sheet.AutoFilter(f, name, len(exportColumns), len(rs)+1); err != nil {
		return fmt.Errorf("advisory: export auto-filter: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("advisory: export sheet: %w", err)
	}
	if out != nil {
		if err := writeOutcomesSheet(f, out, lang, labels, header); err != nil {
			return err
		}
	}
	if err := sheet.Write(f, w); err != nil {
		return fmt.Errorf("advisory: write export: %w", err)
	}
	return nil
}

func joinLabels(codes []string, prefix string, labels func(string) string, sep string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = labels(prefix + c)
	}
	return strings.Join(out, sep)
}

// writeOutcomesSheet adds the sheet of the outcomes: one row per SDG target, strategic
// objective and phase, and the total, with the requests, the ratings and on-time delivery.
func writeOutcomesSheet(f *excelize.File, out *Outcomes, lang string, labels func(string) string, header int) error {
	name := sheet.Name(labels("advisory.outcomes.title"), "Outcomes")
	if _, err := f.NewSheet(name); err != nil {
		return fmt.Errorf("advisory: outcomes sheet: %w", err)
	}
	sw, err := sheet.Stream(f, name, lang, 2)
	if err != nil {
		return fmt.Errorf("advisory: outcomes sheet: %w", err)
	}
	heads := []string{"advisory.outcomes.group", "advisory.outcomes.item", "advisory.outcomes.requests", "advisory.outcomes.completed",
		"advisory.outcomes.rating", "advisory.outcomes.rated", "advisory.outcomes.followup_rating", "advisory.outcomes.on_time_count",
		"advisory.outcomes.due_count", "advisory.outcomes.on_time_rate"}
	row := make([]any, len(heads))
	for i, k := range heads {
		row[i] = excelize.Cell{StyleID: header, Value: labels(k)}
		if err := sw.SetColWidth(i+1, i+1, []float64{22, 48, 12, 12, 14, 10, 14, 14, 14, 14}[i]); err != nil {
			return fmt.Errorf("advisory: outcomes sheet: %w", err)
		}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: 32}); err != nil {
		return fmt.Errorf("advisory: outcomes sheet: %w", err)
	}
	num := func(x *float64) any {
		if x == nil {
			return nil
		}
		return *x
	}
	n := 2
	add := func(group, item string, o Outcome) error {
		cell, _ := excelize.CoordinatesToCellName(1, n)
		n++
		return sw.SetRow(cell, []any{group, item, o.Requests, o.Completed, num(o.RatingAverage), o.Rated, num(o.FollowUpAverage),
			o.DeliverablesOnTime, o.DeliverablesDue, num(o.OnTimeRate)})
	}
	for _, o := range out.BySDG {
		if err := add(labels("advisory.tags.sdg"), labels("advisory.sdg."+o.Code), o); err != nil {
			return fmt.Errorf("advisory: outcomes sheet: %w", err)
		}
	}
	for _, o := range out.ByObjective {
		if err := add(labels("advisory.tags.objectives"), labels("advisory.objective."+o.Code), o); err != nil {
			return fmt.Errorf("advisory: outcomes sheet: %w", err)
		}
	}
	for _, o := range out.ByPhase {
		if err := add(labels("advisory.field.phases"), labels("phase."+o.Code), o); err != nil {
			return fmt.Errorf("advisory: outcomes sheet: %w", err)
		}
	}
	if err := add(labels("advisory.outcomes.total"), labels("advisory.outcomes.total"), out.Total); err != nil {
		return fmt.Errorf("advisory: outcomes sheet: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("advisory: outcomes sheet: %w", err)
	}
	return nil
}

// personCell names a staff account in the sheet's language; "" for none, the former-account
// label for one since deleted.
func personCell(p *Person, lang string, labels func(key string) string) string {
	if p == nil {
		return ""
	}
	if n := p.Name(lang); n != "" && !p.Former {
		return n
	}
	return labels("advisory.former_account")
}

// teamCell names a request's team, joined by sep.
func teamCell(team []Person, lang string, labels func(key string) string, sep string) string {
	names := make([]string, len(team))
	for i := range team {
		names[i] = personCell(&team[i], lang, labels)
	}
	return strings.Join(names, sep)
}

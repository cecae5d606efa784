package reports

import (
	"context"
	"time"

	"github.com/masar-platform/masar/i18n"
)

// Workbook makes the Excel download of tables of a dashboard in lang: a sheet per table, and
// a last sheet that says how the figures were chosen (the period, the member state, when
// they were computed, what each table counts).
func (s *Service) Workbook(ctx context.Context, d *Dashboard, lang string, tables []*Table) (Workbook, error) {
	l, err := s.labeller(ctx, lang)
	if err != nil {
		return Workbook{}, err
	}
	title := l.T("reports.title")
	if len(tables) == 1 {
		title = tables[0].Title
	}
	wb := Workbook{Lang: l.lang, Title: title, AboutName: l.T("reports.sheet.about"),
		AboutHeader: [2]string{l.T("reports.about.item"), l.T("reports.about.value")}}
	for _, t := range tables {
		wb.Sheets = append(wb.Sheets, TableSheet(t))
	}
	wb.About = append(wb.About, AboutLine{Label: l.T("reports.about.report"), Value: title, Kind: Text})
	wb.About = append(wb.About, s.FilterLines(l, d.Filter)...)
	wb.About = append(wb.About, AboutLine{Label: l.T("reports.about.generated"), Value: d.Generated, Kind: DateTime},
		AboutLine{Label: l.T("reports.about.source"), Value: s.opt.BaseURL, Kind: Text})
	for _, t := range tables {
		if t.Note != "" {
			wb.About = append(wb.About, AboutLine{Label: t.Title, Value: t.Note, Kind: Text})
		}
	}
	return wb, nil
}

// FilterLines describe a filter: its first and last day (dates, or words when open) and its
// member state.
func (s *Service) FilterLines(l *labeller, f Filter) []AboutLine {
	day := func(label, d, open string) AboutLine {
		if t, err := time.Parse(DateLayout, d); err == nil {
			return AboutLine{Label: label, Value: t, Kind: Date}
		}
		return AboutLine{Label: label, Value: l.T(open), Kind: Text}
	}
	country := l.T("reports.all_countries")
	if f.Country != "" {
		country = l.country(f.Country) + " (" + f.Country + ")"
	}
	return []AboutLine{
		day(l.T("reports.field.from"), f.From, "reports.about.from_open"),
		day(l.T("reports.field.to"), f.To, "reports.about.to_open"),
		{Label: l.T("field.country"), Value: country, Kind: Text},
	}
}

// Scope says in words what a dashboard counts: "1 January 2026 – 31 March 2026, Jordan".
func (s *Service) Scope(ctx context.Context, f Filter, lang string) (string, error) {
	l, err := s.labeller(ctx, lang)
	if err != nil {
		return "", err
	}
	from, to := l.T("reports.about.from_open"), l.T("reports.about.to_open")
	if t, err := time.Parse(DateLayout, f.From); err == nil {
		from = i18n.FormatDate(l.lang, t)
	}
	if t, err := time.Parse(DateLayout, f.To); err == nil {
		to = i18n.FormatDate(l.lang, t)
	}
	country := l.T("reports.all_countries")
	if f.Country != "" {
		country = l.country(f.Country)
	}
	return l.T("reports.scope", "from", from, "to", to, "country", country), nil
}

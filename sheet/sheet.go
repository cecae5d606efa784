// Package sheet holds what every Excel export of the platform does alike: valid sheet names,
// right-to-left sheets for Arabic, a frozen header row streamed with excelize.
package sheet

import (
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"
)

// keyLike matches a catalogue key (what a missing translation shows instead of words).
var keyLike = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`)

// Name makes a valid sheet name from s: at most 31 characters, none of []:*?/\. It is the
// fallback when nothing is left or when s is an untranslated catalogue key.
func Name(s, fallback string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if rs := []rune(s); len(rs) > 31 {
		s = string(rs[:31])
	}
	if s == "" || keyLike.MatchString(s) {
		return fallback
	}
	return s
}

// Stream prepares sheet name of f for writing rows in a stream: right to left when lang is
// Arabic, and the first row (the header) and the first frozenCols columns kept in view.
func Stream(f *excelize.File, name, lang string, frozenCols int) (*excelize.StreamWriter, error) {
	rtl := lang == "ar"
	if err := f.SetSheetView(name, 0, &excelize.ViewOptions{RightToLeft: &rtl}); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	panes := &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}
	if frozenCols > 0 {
		top, _ := excelize.CoordinatesToCellName(frozenCols+1, 2)
		panes = &excelize.Panes{Freeze: true, YSplit: 1, XSplit: frozenCols, TopLeftCell: top, ActivePane: "bottomRight"}
	}
	if err := sw.SetPanes(panes); err != nil {
		return nil, err
	}
	return sw, nil
}

// HeaderStyle adds to f the style of a header row: white bold text on the platform's green,
// wrapped and ruled below.
func HeaderStyle(f *excelize.File) (int, error) {
	return f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"0B5C55"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
}

package reports

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/masar-platform/masar/i18n"
)

// Chart says how a table is drawn: the Int columns plotted as horizontal bars against the
// first column's labels, side by side or stacked.
type Chart struct {
	Series  []int
	Stacked bool
}

// The chart's geometry, in SVG user units (CSS pixels at full width).
const (
	chartW      = 640
	chartLabelW = 190 // room for the category labels
	chartValueW = 52  // room for the value after the longest bar
	chartPad    = 8
	chartAxisH  = 22
	chartLegH   = 24
	chartFont   = 13
)

// palette colours the series; the same classes are styled in static/style.css.
var palette = []string{"#0b5c55", "#2f6fb0", "#b36b00", "#6b3fa0", "#a61b1b"}

// ChartSVG draws a table's chart in lang as an inline SVG: role="img" with a <title> and a
// <desc> that sums it up, the categories and values written as text, bars from the start
// side of the reading direction (mirrored for Arabic, so that it reads right to left), and
// no style attribute or script. It returns "" when the table has no chart or every value is
// zero; the table beside the chart carries the figures either way.
func (s *Service) ChartSVG(t *Table, lang string) string {
	if t.Chart == nil || len(t.Chart.Series) == 0 {
		return ""
	}
	type bar struct {
		label  string
		values []float64
		total  float64
	}
	var bars []bar
	for _, r := range t.Rows {
		b := bar{label: Display(lang, t.Columns[0], r[0]).Text}
		for _, c := range t.Chart.Series {
			v := 0.0
			if n, ok := r[c].(int); ok {
				v = float64(n)
			}
			b.values = append(b.values, v)
			b.total += v
		}
		if b.total > 0 {
			bars = append(bars, b)
		}
	}
	if len(bars) == 0 {
		return ""
	}
	n := len(t.Chart.Series)
	max := 0.0
	for _, b := range bars {
		if t.Chart.Stacked {
			max = math.Max(max, b.total)
		} else {
			for _, v := range b.values {
				max = math.Max(max, v)
			}
		}
	}
	step, top := ticks(max)
	barH, rowH := 16.0, 26.0
	if !t.Chart.Stacked && n > 1 {
		barH = 11
		rowH = float64(n)*barH + float64(n-1)*2 + 12
	}
	legH := 0.0
	if n > 1 {
		legH = chartLegH
	}
	plotY := chartPad + legH
	h := plotY + rowH*float64(len(bars)) + chartAxisH
	x0, x1 := float64(chartLabelW+10), float64(chartW-chartValueW)
	scale := (x1 - x0) / top
	rtl := i18n.Dir(lang) == "rtl"
	// mirror places a box [x, x+w] of the left-to-right layout; for right to left it is
	// reflected, and text anchors keep their meaning because the direction flips too.
	mirror := func(x, w float64) float64 {
		if rtl {
			return chartW - x - w
		}
		return x
	}
	id := "chart-" + t.ID
	var b strings.Builder
	dir := "ltr"
	if rtl {
		dir = "rtl"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %s" width="%d" height="%s" direction="%s" font-size="%d">`,
		id, id, chartW, num(h), chartW, num(h), dir, chartFont)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, esc(t.Title))
	fmt.Fprintf(&b, `<desc id="%s-d">%s</desc>`, id, esc(s.chartDesc(t, lang, func() string {
		sorted := append([]bar(nil), bars...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].total > sorted[j].total })
		var parts []string
		for i, x := range sorted {
			if i == 3 {
				break
			}
			parts = append(parts, x.label+" ("+formatNumber(lang, x.total)+")")
		}
		sep := "; "
		if lang == "ar" {
			sep = "؛ "
		}
		return strings.Join(parts, sep)
	}())))
	if n > 1 {
		// The legend: a swatch and the series' name, in reading order.
		x := float64(chartPad)
		for k, c := range t.Chart.Series {
			name := t.Columns[c].Label
			w := 14 + 6 + textWidth(name) + 18
			fmt.Fprintf(&b, `<rect class="s%d" fill="%s" x="%s" y="%s" width="12" height="12" rx="2"/>`, k, palette[k%len(palette)],
				num(mirror(x, 12)), num(chartPad+2))
			fmt.Fprintf(&b, `<text class="legend" x="%s" y="%s" text-anchor="start">%s</text>`, num(mirror(x+18, 0)), num(chartPad+12), esc(name))
			x += w
		}
	}
	// The grid and the axis: a line and a label at each tick.
	for v := 0.0; v <= top+step/2; v += step {
		x := x0 + v*scale
		fmt.Fprintf(&b, `<line class="grid" stroke="#d5dbe3" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(mirror(x, 0)), num(mirror(x, 0)),
			num(plotY), num(h-chartAxisH+4))
		fmt.Fprintf(&b, `<text class="tick" x="%s" y="%s" text-anchor="middle">%s</text>`, num(mirror(x, 0)), num(h-6), esc(formatNumber(lang, v)))
	}
	for i, br := range bars {
		y := plotY + float64(i)*rowH
		label := br.label
		if utf8.RuneCountInString(label) > 30 {
			label = string([]rune(label)[:29]) + "…"
		}
		fmt.Fprintf(&b, `<text class="label" x="%s" y="%s" text-anchor="end"><title>%s</title>%s</text>`,
			num(mirror(float64(chartLabelW), 0)), num(y+rowH/2+4), esc(br.label), esc(label))
		x := x0
		for k, v := range br.values {
			name := t.Columns[t.Chart.Series[k]].Label
			by := y + (rowH-barH)/2
			if !t.Chart.Stacked && n > 1 {
				by = y + 6 + float64(k)*(barH+2)
				x = x0
			}
			w := v * scale
			if v > 0 {
				fmt.Fprintf(&b, `<rect class="s%d" fill="%s" x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`,
					k, palette[k%len(palette)], num(mirror(x, w)), num(by), num(w), num(barH),
					esc(br.label+" — "+name+": "+formatNumber(lang, v)))
			}
			if !t.Chart.Stacked {
				fmt.Fprintf(&b, `<text class="value" x="%s" y="%s" text-anchor="start">%s</text>`,
					num(mirror(x+w+4, 0)), num(by+barH-2), esc(formatNumber(lang, v)))
			}
			x += w
		}
		if t.Chart.Stacked {
			fmt.Fprintf(&b, `<text class="value" x="%s" y="%s" text-anchor="start">%s</text>`,
				num(mirror(x+4, 0)), num(y+rowH/2+4), esc(formatNumber(lang, br.total)))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// chartDesc sums a chart up for those who cannot see it.
func (s *Service) chartDesc(t *Table, lang, top string) string {
	kind := "reports.chart.bars"
	if t.Chart.Stacked && len(t.Chart.Series) > 1 {
		kind = "reports.chart.stacked"
	}
	var series []string
	for _, c := range t.Chart.Series {
		series = append(series, t.Columns[c].Label)
	}
	sep := ", "
	if lang == "ar" {
		sep = "، "
	}
	return s.cat.T(lang, kind, "by", t.Columns[0].Label, "series", strings.Join(series, sep)) + " " +
		s.cat.T(lang, "reports.chart.top", "top", top) + " " + s.cat.T(lang, "reports.chart.table")
}

// ticks chooses the axis: a round step and the top of the scale (at least the largest value).
func ticks(max float64) (step, top float64) {
	if max <= 4 {
		return 1, math.Max(1, math.Ceil(max))
	}
	raw := max / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	if step < 1 {
		step = 1
	}
	return step, math.Ceil(max/step) * step
}

func formatNumber(lang string, v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return i18n.FormatInt(lang, int(v))
	}
	return formatDecimal(lang, v)
}

// textWidth estimates the width of a label at the chart's font size.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * chartFont * 0.55 }

func num(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

func esc(s string) string { return html.EscapeString(s) }

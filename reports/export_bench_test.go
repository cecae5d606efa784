package reports

import (
	"io"
	"testing"
)

// BenchmarkXLSXExport100k exports 100,000 rows (seven columns: numbers, Arabic and Latin
// text, dates, rates) with the streaming writer and reports the time per export and the
// highest live heap above the starting point, sampled while it runs. Run it with
//
//	go test ./reports/ -run '^$' -bench XLSXExport100k -benchtime 3x
func BenchmarkXLSXExport100k(b *testing.B) {
	const rows = 100_000
	var worst Measurement
	total := 0.0
	for b.Loop() {
		m, err := MeasureExport(io.Discard, rows)
		if err != nil {
			b.Fatal(err)
		}
		total += m.Seconds
		if m.PeakMB > worst.PeakMB {
			worst.PeakMB = m.PeakMB
		}
		worst.Bytes = m.Bytes
	}
	b.ReportMetric(total/float64(b.N), "s/export")
	b.ReportMetric(worst.PeakMB, "peak-MB")
	b.ReportMetric(float64(worst.Bytes)/(1<<20), "file-MB")
	b.ReportMetric(rows, "rows")
}

// TestMeasureExportIsStreamed: the heap an export needs does not grow with its rows —
// 300,000 rows take about what 100,000 take (the writer keeps a bounded chunk and spills
// the rest to a temporary file) — and stays far below what holding the rows would take.
// A writer that buffered every row would use about three times as much for three times
// the rows.
func TestMeasureExportIsStreamed(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("exports 400,000 rows (skipped with -short and -race)")
	}
	small, err := MeasureExport(io.Discard, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	large, err := MeasureExport(io.Discard, 300_000)
	if err != nil {
		t.Fatal(err)
	}
	if small.Rows != 100_000 || small.Bytes < 1<<20 || large.Bytes < 2*small.Bytes {
		t.Fatalf("%+v %+v", small, large)
	}
	if large.PeakMB > 2*small.PeakMB+16 || small.PeakMB > 150 {
		t.Errorf("peak heap %.0f MB for 100,000 rows, %.0f MB for 300,000: rows are held in memory", small.PeakMB, large.PeakMB)
	}
	t.Logf("100,000 rows: %.2f s, peak heap +%.1f MB, file %.1f MB; 300,000 rows: %.2f s, +%.1f MB, %.1f MB",
		small.Seconds, small.PeakMB, float64(small.Bytes)/(1<<20), large.Seconds, large.PeakMB, float64(large.Bytes)/(1<<20))
}

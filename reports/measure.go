package reports

import (
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// Measurement is what a large export cost.
type Measurement struct {
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
	PeakMB  float64 `json:"peak_mb"` // live heap above what it was before the export, at its highest
	Bytes   int64   `json:"bytes"`   // size of the file written
}

// SyntheticColumns are the columns of the synthetic export: the mix of a participants list
// (ids, names in both scripts, a country, dates, counts and a rate).
func SyntheticColumns() []Column {
	return []Column{
		{Key: "id", Label: "رقم الحساب", Kind: Int, Width: 12},
		{Key: "name_ar", Label: "الاسم", Kind: Text, Width: 28},
		{Key: "name_latin", Label: "Name", Kind: Text, Width: 28},
		{Key: "country", Label: "الدولة", Kind: Text, Width: 10},
		{Key: "enrolled_at", Label: "تاريخ التسجيل", Kind: Date, Width: 14},
		{Key: "lessons", Label: "الدروس المنجزة", Kind: Int, Width: 12},
		{Key: "rate", Label: "نسبة الحضور (%)", Kind: Rate, Width: 12},
	}
}

// SyntheticRows yields n generated rows for SyntheticColumns, one at a time: nothing is
// held but the current row.
func SyntheticRows(n int) func() ([]any, bool) {
	countries := []string{"JO", "EG", "TN", "MA", "SA", "LB", "IQ", "OM"}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	row := make([]any, 7)
	return func() ([]any, bool) {
		if i >= n {
			return nil, false
		}
		i++
		r := float64(i%100) / 100
		row[0] = i
		row[1] = "مسؤول حكومي رقم " + itoa(i)
		row[2] = "Official number " + itoa(i)
		row[3] = countries[i%len(countries)]
		row[4] = start.AddDate(0, 0, i%365).Format(DateLayout)
		row[5] = i % 6
		row[6] = &r
		return row, true
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for n >= 10 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	b[i] = byte('0' + n)
	return string(b[i:])
}

// MeasureExport writes an XLSX of n synthetic rows to w with WriteXLSXStream and measures
// the time it took and the highest live heap above the starting point, sampled every few
// milliseconds (runtime/metrics, which does not stop the world). The benchmark command
// calls it; so does the package's benchmark.
func MeasureExport(w io.Writer, n int) (Measurement, error) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			mu.Lock()
			if v := s[0].Value.Uint64(); v > peak {
				peak = v
			}
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	cw := &countingWriter{w: w}
	start := time.Now()
	err := WriteXLSXStream(cw, "بيانات", SyntheticColumns(), SyntheticRows(n), "ar")
	elapsed := time.Since(start)
	close(done)
	wg.Wait()
	m := Measurement{Rows: n, Seconds: elapsed.Seconds(), Bytes: cw.n}
	if peak > base {
		m.PeakMB = float64(peak-base) / (1 << 20)
	}
	return m, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

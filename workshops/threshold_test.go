package workshops

import (
	"slices"
	"testing"
)

// The attendance rule as staff and participants read it: three days of four reach the
// default 75 %, two do not; a workshop's own threshold replaces the default; a workshop
// with none (0) uses the default.
func TestAttendanceThreshold(t *testing.T) {
	if DefaultAttendanceThreshold != 75 {
		t.Fatalf("default threshold %d %%, the programme's rule is 75 %%", DefaultAttendanceThreshold)
	}
	cases := []struct {
		threshold int
		rate      float64
		earns     bool
	}{
		{75, 3.0 / 4, true},
		{75, 2.0 / 4, false},
		{0, 3.0 / 4, true}, // none set: 75 %
		{0, 0.5, false},
		{80, 3.0 / 4, false},
		{80, 4.0 / 5, true},
		{100, 1, true},
		{100, 4.0 / 5, false},
		{67, 2.0 / 3, false}, // two days of three are 66.7 %: the tolerance is for rounding, not a point
		{66, 2.0 / 3, true},
		{50, 0.49, false},
	}
	for _, c := range cases {
		w := &Workshop{AttendanceThreshold: c.threshold}
		if got := w.MeetsThreshold(c.rate); got != c.earns {
			t.Errorf("threshold %d %%, rate %.4f: earns %v, want %v", c.threshold, c.rate, got, c.earns)
		}
	}
	w := &Workshop{AttendanceThreshold: 75}
	got := w.EarnedAttendance(map[int64]float64{1: 1, 2: 0.75, 3: 0.5, 4: 0})
	slices.Sort(got)
	if !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("earned %v, want [1 2]", got)
	}
}

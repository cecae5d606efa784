package courses

import (
	"fmt"
	"math"
	"path"
)

// HoursTolerance is how far a manifest's declared hours may stray from the study time
// computed from the content before `content check` warns.
const HoursTolerance = 0.15

// CheckHours compares each course's declared hours (course.yaml's optional hours:) with the
// study time computed from its content (Course.StudyMinutes) and returns a warning for each
// course where they differ by more than HoursTolerance. The computed figure is the one shown
// and certified, so a disagreement is not an error: it says the declared figure is stale.
func CheckHours(cat *Catalogue) []Problem {
	var out []Problem
	for _, c := range cat.Courses() {
		if c.DeclaredHours <= 0 {
			continue
		}
		computed := float64(c.StudyMinutes()) / 60
		if computed <= 0 || math.Abs(c.DeclaredHours-computed)/computed <= HoursTolerance {
			continue
		}
		out = append(out, Problem{File: path.Join(c.Dir, "course.yaml"), Line: c.declaredHoursLine,
			Message: fmt.Sprintf("hours %v disagrees with the study time computed from the content, %.1f hours "+
				"(reading %d min, quiz %d min, exercises %d min); remove hours: or set it to %d",
				c.DeclaredHours, computed, c.readingMinutes(), c.quizMinutes(), c.exerciseMinutes(), c.StudyHours())})
	}
	return out
}

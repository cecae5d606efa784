package courses_test

import (
	"slices"
	"testing"

	"github.com/masar-platform/masar/courses"
)

// An attempt asks questions_per_lesson questions of every lesson, lesson by lesson, each
// with all its options in some order; attempts differ.
func TestDrawTakesQuestionsPerLesson(t *testing.T) {
	c := goodBank() // lessons 01-a (s1 s2 s3 m1) and 02-b (s4 m2 t1 t2)
	lessonOf := map[string]string{}
	for _, q := range c.Quiz.Questions {
		lessonOf[q.ID] = q.Lesson
	}
	seen := map[string]bool{}
	orders := map[string]bool{}
	for range 200 {
		d := c.Draw(courses.NewRand())
		if len(d) != 4 {
			t.Fatalf("%d questions drawn, want 2 per lesson", len(d))
		}
		for i, q := range d {
			want := "01-a"
			if i >= 2 {
				want = "02-b"
			}
			if lessonOf[q.ID] != want {
				t.Fatalf("draw %v: question %d is of %s, want %s", d, i+1, lessonOf[q.ID], want)
			}
			if q.ID != "t1" && q.ID != "t2" {
				written := []string{}
				for _, o := range find(c, q.ID).Options {
					written = append(written, o.ID)
				}
				got := slices.Clone(q.Options)
				slices.Sort(got)
				if !slices.Equal(got, written) {
					t.Fatalf("question %s shows options %v, written %v", q.ID, q.Options, written)
				}
				orders[q.ID+":"+q.Options[0]] = true
			} else if len(q.Options) != 0 {
				t.Fatalf("true/false question %s with options %v", q.ID, q.Options)
			}
			seen[q.ID] = true
		}
	}
	if len(seen) != len(c.Quiz.Questions) {
		t.Errorf("200 draws asked %d of the %d questions", len(seen), len(c.Quiz.Questions))
	}
	if !orders["s1:a"] || !orders["s1:d"] {
		t.Error("options not shuffled: s1 always shows the same first option")
	}
}

// A bank whose questions do not name their lesson (older content) draws questions_per_lesson
// × lessons questions from the whole bank, all of them when it is not larger.
func TestDrawFromAWholeBank(t *testing.T) {
	c := goodBank()
	for _, q := range c.Quiz.Questions {
		q.Lesson = ""
	}
	if d := c.Draw(courses.NewRand()); len(d) != 4 {
		t.Errorf("%d questions drawn from a bank of 8, want 4", len(d))
	}
	c.QuestionsPerLesson = 5
	if d := c.Draw(courses.NewRand()); len(d) != 8 {
		t.Errorf("%d questions drawn from a bank of 8 for 10, want all 8", len(d))
	}
}

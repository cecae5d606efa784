package courses_test

import (
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/problem"
)

// fixtureQuiz is the fixture course's quiz: q1 single (b), q2 multiple (a, c), q3 truefalse
// (false), q4 single (a); pass mark 75.
func fixtureQuiz(t *testing.T) *courses.Quiz {
	t.Helper()
	cat, ps := courses.Load(os.DirFS("testdata/catalogue"))
	if len(ps) > 0 {
		t.Fatalf("fixture: %v", ps)
	}
	c, err := cat.Course("fixture-course")
	if err != nil || c.Quiz == nil || len(c.Quiz.Questions) != 4 {
		t.Fatalf("fixture quiz: %v", err)
	}
	return c.Quiz
}

func allRight() map[string][]string {
	return map[string][]string{"q1": {"b"}, "q2": {"c", "a"}, "q3": {"false"}, "q4": {"a"}}
}

func TestScore(t *testing.T) {
	q := fixtureQuiz(t)
	with := func(k string, v ...string) map[string][]string {
		a := allRight()
		if v == nil {
			delete(a, k)
		} else {
			a[k] = v
		}
		return a
	}
	tests := []struct {
		name    string
		answers map[string][]string
		score   int
		passed  bool
		right   []string
	}{
		{"all right", allRight(), 100, true, []string{"q1", "q2", "q3", "q4"}},
		{"three of four is the pass mark", with("q4", "b"), 75, true, []string{"q1", "q2", "q3"}},
		{"unanswered counts as wrong", with("q1"), 75, true, []string{"q2", "q3", "q4"}},
		{"multiple needs every correct option", with("q2", "a"), 75, true, []string{"q1", "q3", "q4"}},
		{"multiple with a wrong extra option", with("q2", "a", "b", "c"), 75, true, []string{"q1", "q3", "q4"}},
		{"empty list is unanswered", with("q3", []string{}...), 75, true, []string{"q1", "q2", "q4"}},
		{"two of four fails", map[string][]string{"q1": {"b"}, "q3": {"true"}, "q4": {"a"}}, 50, false, []string{"q1", "q4"}},
		{"nothing answered", map[string][]string{}, 0, false, nil},
		{"nil answers", nil, 0, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := q.Score(tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			if r.Score != tt.score || r.Passed != tt.passed || r.PassMark != 75 || r.Total != 4 {
				t.Errorf("score %d passed %v, want %d %v", r.Score, r.Passed, tt.score, tt.passed)
			}
			var right []string
			for _, qr := range r.Questions {
				if qr.Correct {
					right = append(right, qr.ID)
				}
			}
			if !slices.Equal(right, tt.right) {
				t.Errorf("right %v, want %v", right, tt.right)
			}
			// Feedback after submission: the correct options and the explanation.
			fb := r.Questions[1]
			if fb.ID != "q2" || !slices.Equal(fb.Answer, []string{"a", "c"}) || fb.ExplanationIn("en") != "A and c." || fb.ExplanationIn("ar") != "أ وج." {
				t.Errorf("feedback: %+v", fb)
			}
			if tf := r.Questions[2]; !slices.Equal(tf.Answer, []string{"false"}) {
				t.Errorf("truefalse answer: %v", tf.Answer)
			}
		})
	}
}

func TestScoreRefusesTamperedSubmissions(t *testing.T) {
	q := fixtureQuiz(t)
	tests := map[string]map[string][]string{
		"unknown option":                {"q1": {"z"}},
		"unknown question":              {"q1": {"b"}, "q9": {"a"}},
		"two answers to a single":       {"q1": {"a", "b"}},
		"two answers to a truefalse":    {"q3": {"true", "false"}},
		"truefalse neither true/false":  {"q3": {"maybe"}},
		"option of another question":    {"q4": {"c"}},
		"same option twice":             {"q2": {"a", "a"}},
		"extra form field":              {"q1": {"b"}, "_csrf": {"token"}},
		"empty option id":               {"q1": {""}},
		"option id differing in case":   {"q1": {"B"}},
		"question id differing in case": {"Q1": {"b"}},
	}
	for name, answers := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := q.Score(answers)
			p, ok := problem.As(err)
			if !ok || p.Code != "quiz_tampered" || p.Status != http.StatusUnprocessableEntity {
				t.Errorf("got %v, want the quiz_tampered problem", err)
			}
		})
	}
}

func TestScoreAroundThePassMark(t *testing.T) {
	q := &courses.Quiz{Questions: []*courses.Question{
		{ID: "a", Type: courses.TrueFalse, Answer: true},
		{ID: "b", Type: courses.TrueFalse, Answer: true},
		{ID: "c", Type: courses.TrueFalse, Answer: true},
	}}
	two := map[string][]string{"a": {"true"}, "b": {"true"}, "c": {"false"}} // 2/3 = 66.7 → 66
	tests := []struct {
		passMark int
		passed   bool
	}{{66, true}, {67, false}, {70, false}, {1, true}}
	for _, tt := range tests {
		q.PassMark = tt.passMark
		r, err := q.Score(two)
		if err != nil {
			t.Fatal(err)
		}
		if r.Score != 66 || r.Passed != tt.passed {
			t.Errorf("pass mark %d: score %d passed %v, want 66 %v", tt.passMark, r.Score, r.Passed, tt.passed)
		}
	}
}

func TestQuizViewCarriesNoAnswers(t *testing.T) {
	q := fixtureQuiz(t)
	// The view types have no field that could hold an answer.
	for _, typ := range []reflect.Type{reflect.TypeOf(courses.QuestionView{}), reflect.TypeOf(courses.OptionView{})} {
		for i := range typ.NumField() {
			name := strings.ToLower(typ.Field(i).Name)
			if strings.Contains(name, "correct") || strings.Contains(name, "answer") || strings.Contains(name, "explanation") {
				t.Errorf("%s.%s may leak the answer", typ.Name(), typ.Field(i).Name)
			}
		}
	}
	v := q.View("ar")
	b, _ := json.Marshal(v)
	for _, leak := range []string{"correct", "answer", "explanation", "لأن"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("view JSON contains %q: %s", leak, b)
		}
	}
	if len(v) != 4 || v[0].Prompt != "اختر ب" || len(v[0].Options) != 3 || v[0].Options[1].Text != "ب" || !v[1].Multiple {
		t.Errorf("view: %+v", v)
	}
	if tf := v[2].Options; len(tf) != 2 || tf[0] != (courses.OptionView{ID: "true", Text: "صحيح"}) || tf[1] != (courses.OptionView{ID: "false", Text: "خطأ"}) {
		t.Errorf("truefalse options: %+v", tf)
	}
	if fr := q.View("fr"); fr[0].Prompt != "اختر ب" || fr[2].Options[0].Text != "Vrai" {
		t.Errorf("fr view falls back to the course's first language for texts: %+v", fr[0])
	}
}

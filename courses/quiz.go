package courses

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/masar-platform/masar/problem"
)

// Question types.
const (
	Single    = "single"    // one correct option, chosen with radio buttons
	Multiple  = "multiple"  // one or more correct options, chosen with check boxes
	TrueFalse = "truefalse" // answered "true" or "false"
)

// QuestionTypes lists the question types.
var QuestionTypes = []string{Single, Multiple, TrueFalse}

// The answers of a truefalse question.
const (
	AnswerTrue  = "true"
	AnswerFalse = "false"
)

var trueFalseLabels = map[string][2]string{
	"ar": {"صحيح", "خطأ"},
	"en": {"True", "False"},
	"fr": {"Vrai", "Faux"},
}

// ErrTampered is returned for a quiz submission that no honest form can produce: an unknown
// question or option, or several answers to a single-choice or true/false question. The
// whole submission is refused and no attempt is used.
var ErrTampered = problem.New(http.StatusUnprocessableEntity, "quiz_tampered", "error.quiz_tampered")

// Quiz is a course's quiz, answers included: it never leaves the server as is. Show
// questions with View and score with Score.
type Quiz struct {
	Questions []*Question
	PassMark  int // percent needed to pass, from the course's manifest
}

// Question is one quiz question with its answer.
type Question struct {
	ID          string
	Type        string // Single, Multiple or TrueFalse
	Lesson      string // the lesson it tests (NN-lessonslug); "" in older content
	line        int    // of the question in quiz.yaml
	lessonLine  int
	Prompt      map[string]string
	Options     []*Option // Single and Multiple
	Answer      bool      // TrueFalse
	Explanation map[string]string
}

// Option is one choice of a Single or Multiple question.
type Option struct {
	ID      string
	Text    map[string]string
	Correct bool
}

// QuestionView is a question as shown before submission, in one language: it carries no
// answer, so that nothing in the page tells which option is correct.
type QuestionView struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Multiple bool         `json:"multiple"` // check boxes rather than radio buttons
	Prompt   string       `json:"prompt"`
	Options  []OptionView `json:"options"` // for TrueFalse: "true" and "false" with labels
}

// OptionView is an option as shown before submission.
type OptionView struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// View returns the questions in lang (texts falling back to ar, en, fr), without answers.
func (q *Quiz) View(lang string) []QuestionView {
	if q == nil {
		return nil
	}
	out := make([]QuestionView, 0, len(q.Questions))
	for _, qu := range q.Questions {
		v := QuestionView{ID: qu.ID, Type: qu.Type, Multiple: qu.Type == Multiple, Prompt: pick(qu.Prompt, lang)}
		if qu.Type == TrueFalse {
			l, ok := trueFalseLabels[lang]
			if !ok {
				l = trueFalseLabels["en"]
			}
			v.Options = []OptionView{{AnswerTrue, l[0]}, {AnswerFalse, l[1]}}
		} else {
			for _, o := range qu.Options {
				v.Options = append(v.Options, OptionView{ID: o.ID, Text: pick(o.Text, lang)})
			}
		}
		out = append(out, v)
	}
	return out
}

// Result is a scored submission, with the feedback shown after it.
type Result struct {
	Score    int  `json:"score"` // percent of questions answered right, rounded down
	Passed   bool `json:"passed"`
	PassMark int  `json:"pass_mark"`
	Right    int  `json:"right"`
	Total    int  `json:"total"`
	// Revealed tells whether correct_options are given: only once the course is passed or
	// the attempts are used up, so that a failed attempt is no answer key for the next.
	Revealed  bool             `json:"revealed"`
	Questions []QuestionResult `json:"questions"`
}

// QuestionResult is the feedback on one question.
type QuestionResult struct {
	ID          string            `json:"id"`
	Correct     bool              `json:"correct"`
	Chosen      []string          `json:"chosen"`                    // what was submitted (empty: unanswered)
	Answer      []string          `json:"correct_options,omitempty"` // the correct option ids ("true"/"false" for truefalse); only when revealed
	Explanation map[string]string `json:"explanation"`
}

// ExplanationIn is the explanation in lang, with fallback.
func (r QuestionResult) ExplanationIn(lang string) string { return pick(r.Explanation, lang) }

// Score marks a submission: answers maps question ids to the chosen option ids ("true" or
// "false" for a truefalse question). A question is right when exactly the correct options
// are chosen (no partial credit); an unanswered question is wrong. The score is the percent
// of right questions rounded down, and passes at the pass mark or above.
//
// A submission naming an unknown question or option, repeating an option, or giving more
// than one answer to a single or truefalse question is refused whole with ErrTampered:
// honest forms cannot produce it, so it is not worth an attempt. The caller passes only the
// question fields of a form (not its CSRF token and the like).
func (q *Quiz) Score(answers map[string][]string) (Result, error) {
	byID := map[string]*Question{}
	for _, qu := range q.Questions {
		byID[qu.ID] = qu
	}
	for id, chosen := range answers {
		qu, ok := byID[id]
		if !ok {
			// Named, so that a client sees which answer is not one of this attempt's.
			p := ErrTampered.WithCause(fmt.Errorf("question %q was not asked", id))
			p.Fields = map[string]string{"answers." + id: "error.quiz_not_asked"}
			return Result{}, p
		}
		if (qu.Type == Single || qu.Type == TrueFalse) && len(chosen) > 1 {
			return Result{}, ErrTampered
		}
		for i, c := range chosen {
			if slices.Contains(chosen[:i], c) || !qu.hasOption(c) {
				return Result{}, ErrTampered
			}
		}
	}
	r := Result{PassMark: q.PassMark, Total: len(q.Questions)}
	for _, qu := range q.Questions {
		want := qu.correct()
		chosen := slices.Clone(answers[qu.ID])
		slices.Sort(chosen)
		ok := len(chosen) > 0 && slices.Equal(chosen, want)
		if ok {
			r.Right++
		}
		if chosen == nil {
			chosen = []string{}
		}
		r.Questions = append(r.Questions, QuestionResult{ID: qu.ID, Correct: ok, Chosen: chosen, Answer: want, Explanation: qu.Explanation})
	}
	if r.Total > 0 {
		r.Score = r.Right * 100 / r.Total
	}
	r.Passed = r.Total > 0 && r.Score >= q.PassMark
	return r, nil
}

func (qu *Question) hasOption(id string) bool {
	if qu.Type == TrueFalse {
		return id == AnswerTrue || id == AnswerFalse
	}
	for _, o := range qu.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}

// correct returns the sorted ids of the correct options.
func (qu *Question) correct() []string {
	if qu.Type == TrueFalse {
		if qu.Answer {
			return []string{AnswerTrue}
		}
		return []string{AnswerFalse}
	}
	var out []string
	for _, o := range qu.Options {
		if o.Correct {
			out = append(out, o.ID)
		}
	}
	slices.Sort(out)
	return out
}

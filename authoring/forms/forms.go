// Package forms turns a course's course.yaml and quiz.yaml into the models of the browser
// editor's forms, checks what the editor posts with the rules of `masar content check`, and
// writes the result back into the files without disturbing what was not edited: comments,
// key order, quoting and layout of the untouched parts stay byte for byte, so that a change
// made in the browser reads as a one-line diff to those who keep the courses in git.
//
// The flow of an edit: ParseCourse (or ParseQuiz) fills the form; CourseFromForm (or
// QuestionFromForm) reads the posted fields, returning every problem as a FieldError next to
// its field and changing nothing when there is one; ApplyCourse (or SetQuestion,
// DeleteQuestion, MoveLesson, ReorderLessons) writes the new file. CheckQuiz runs the
// content check itself on a candidate quiz, so that the editor shows the bank rules (share of
// true/false questions, position of the right options …) while the author writes.
package forms

import (
	"fmt"
	"strings"
)

// FieldError is a problem with one field of a form: Field is the form field's name
// ("title.ar", "option.2.text.fr", "pass_mark"), Key the message in the authoring_forms
// catalogue, Args its placeholders as name, value pairs (for i18n's T).
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

func (f FieldError) Error() string {
	if len(f.Args) == 0 {
		return f.Field + ": " + f.Key
	}
	return fmt.Sprintf("%s: %s %v", f.Field, f.Key, f.Args)
}

// FieldErrors is a list of field problems used as an error (ApplyCourse refuses values the
// form would refuse).
type FieldErrors []FieldError

func (fe FieldErrors) Error() string {
	s := make([]string, len(fe))
	for i, f := range fe {
		s[i] = f.Error()
	}
	return "forms: " + strings.Join(s, "; ")
}

// Has reports whether one of the problems concerns field.
func (fe FieldErrors) Has(field string) bool {
	for _, f := range fe {
		if f.Field == field {
			return true
		}
	}
	return false
}

func fieldErr(field, key string, args ...any) FieldError {
	return FieldError{Field: field, Key: "authoring_forms." + key, Args: args}
}

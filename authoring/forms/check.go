package forms

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/masar-platform/masar/courses"
)

// QuizIssue is a problem `content check` finds in a quiz, placed for the editor: Question is
// the id of the question it concerns ("" when it concerns the bank as a whole, such as the
// share of true/false questions), Line its line in quiz.yaml (0 for the bank), and the
// FieldError names the field of the question form (or "options", "lesson", "" …).
type QuizIssue struct {
	Question string
	Line     int
	FieldError
}

// candidateDir is the folder of the candidate course CheckQuiz builds.
const candidateDir = "00-candidate"

// lessonNameRe is the form of a lesson name (lessonSlugRe in courses/content.go): a course
// whose lessons list has another name fails on course.yaml, before its quiz is looked at.
var lessonNameRe = regexp.MustCompile(`^[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$`)

// CheckQuiz runs `content check` (courses.Check) on a candidate course folder made of the
// languages, lessons and questions_per_lesson of c, a stand-in lesson per lesson and
// language, and src as its quiz.yaml, and returns what it finds in the quiz, each problem
// placed on the question it concerns. It is the live feedback of the editor: run it on
// SetQuestion's result before saving, and the author sees the rules of the bank (lessons
// with too few questions, position and length of the right options, share of true/false
// questions …) as well as the rules of one question. As with `content check`, the bank rules
// are looked at only once every question reads without problems.
func CheckQuiz(src []byte, c *Course) []QuizIssue {
	fsys := candidate(c, src)
	qfile := path.Join(candidateDir, "quiz.yaml")
	var qs []Question
	var lines []int
	if e, err := newEditor(src); err == nil {
		for _, n := range questionItems(e.root) {
			qs = append(qs, readQuestion(n))
			lines = append(lines, n.Line)
		}
	}
	var out []QuizIssue
	for _, p := range courses.Check(fsys) {
		if p.File != qfile {
			continue // the stand-in course and lessons are not the author's
		}
		is := QuizIssue{Line: p.Line}
		var q Question
		if p.Line > 0 {
			i := -1
			for j, l := range lines {
				if l <= p.Line {
					i = j
				}
			}
			if i >= 0 {
				q = qs[i]
				is.Question = q.ID
			}
		}
		fe, ok := problemField(p.Message, q)
		if !ok {
			fe = fieldErr("", "content_check", "message", p.Message)
		}
		is.FieldError = fe
		out = append(out, is)
	}
	return out
}

// CheckQuestion is CheckQuiz on quiz.yaml with q set in it (SetQuestion): what `content
// check` would say if q were saved.
func CheckQuestion(src []byte, c *Course, q Question) ([]QuizIssue, error) {
	next, err := SetQuestion(src, q)
	if err != nil {
		return nil, err
	}
	return CheckQuiz(next, c), nil
}

// candidate builds the course folder CheckQuiz checks.
func candidate(c *Course, quiz []byte) fstest.MapFS {
	var langs, lessons []string
	for _, l := range c.Languages {
		if slices.Contains(courses.Languages, l) && !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	for _, l := range c.Lessons {
		if lessonNameRe.MatchString(l) && !slices.Contains(lessons, l) {
			lessons = append(lessons, l)
		}
	}
	per := c.QuestionsPerLesson
	if per < 1 || per > maxPerLesson {
		per = courses.DefaultQuestionsPerLesson
	}
	var b strings.Builder
	fmt.Fprintf(&b, "slug: candidate\nphases: [1]\nlevel: introductory\nquestions_per_lesson: %d\n", per)
	b.WriteString("languages: [" + strings.Join(langs, ", ") + "]\n")
	for _, k := range []string{"title", "summary"} {
		b.WriteString(k + ":\n")
		for _, l := range langs {
			b.WriteString("  " + l + ": \"Candidate\"\n")
		}
	}
	b.WriteString("outcomes:\n")
	for _, l := range langs {
		b.WriteString("  " + l + ": [\"One\", \"Two\", \"Three\", \"Four\"]\n")
	}
	b.WriteString("lessons:\n")
	for _, l := range lessons {
		b.WriteString("  - " + l + "\n")
	}
	fsys := fstest.MapFS{
		candidateDir + "/course.yaml": {Data: []byte(b.String())},
		candidateDir + "/quiz.yaml":   {Data: quiz},
	}
	for _, l := range lessons {
		for _, lang := range langs {
			fsys[candidateDir+"/"+l+"."+lang+".md"] = &fstest.MapFile{Data: []byte("---\ntitle: \"Lesson\"\n---\n\nText of the lesson.\n")}
		}
	}
	return fsys
}

// A problemRule turns one of the courses package's messages into a FieldError; m holds the
// submatches of re, q the question the problem is on (zero for the bank).
type problemRule struct {
	re *regexp.Regexp
	fe func(m []string, q Question) FieldError
}

// shareRe reads the "(N%; at most M%)" that ends the bank's share messages.
var shareRe = regexp.MustCompile(`\((\d+)%; at most (\d+)%\)`)

func shareArgs(msg string, args ...any) []any {
	if m := shareRe.FindStringSubmatch(msg); m != nil {
		args = append(args, "share", m[1], "limit", m[2])
	}
	return args
}

// optionField names the option with id in q's form (its place), or "options".
func optionField(q Question, id, rest string) string {
	if i := slices.IndexFunc(q.Options, func(o Option) bool { return o.ID == id }); i >= 0 {
		return "option." + strconv.Itoa(i) + rest
	}
	return "options"
}

func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

// problemRules follow the messages of courses/check.go and courses/check_bias.go; a message
// none of them reads is shown as content check wrote it (the content_check key).
var problemRules = []problemRule{
	{regexp.MustCompile(`^question \S+ (prompt|explanation) is missing in (\w+)$`), func(m []string, q Question) FieldError {
		return fieldErr(m[1]+"."+m[2], "text_required")
	}},
	{regexp.MustCompile(`^question \S+ (prompt|explanation) (\w+) is empty$`), func(m []string, q Question) FieldError {
		return fieldErr(m[1]+"."+m[2], "text_required")
	}},
	{regexp.MustCompile(`^question \S+ option (\S+) text is missing in (\w+)$`), func(m []string, q Question) FieldError {
		return fieldErr(optionField(q, m[1], ".text."+m[2]), "text_required")
	}},
	{regexp.MustCompile(`^question \S+ option (\S+) text (\w+) is empty$`), func(m []string, q Question) FieldError {
		return fieldErr(optionField(q, m[1], ".text."+m[2]), "text_required")
	}},
	{regexp.MustCompile(`^question without id$`), func(m []string, q Question) FieldError {
		return fieldErr("id", "id_required")
	}},
	{regexp.MustCompile(`^question id ("(?:[^"\\]|\\.)*"): use letters`), func(m []string, q Question) FieldError {
		return fieldErr("id", "id_invalid", "value", unquote(m[1]))
	}},
	{regexp.MustCompile(`^question id ("(?:[^"\\]|\\.)*") already used`), func(m []string, q Question) FieldError {
		return fieldErr("id", "id_taken", "value", unquote(m[1]))
	}},
	{regexp.MustCompile(`^question[^:]*: (?:missing type|unknown type)`), func(m []string, q Question) FieldError {
		return fieldErr("type", "type_unknown", "value", q.Type)
	}},
	{regexp.MustCompile(`^question \S+: missing lesson`), func(m []string, q Question) FieldError {
		return fieldErr("lesson", "lesson_required")
	}},
	{regexp.MustCompile(`^question[^:]*: lesson ("(?:[^"\\]|\\.)*")`), func(m []string, q Question) FieldError {
		return fieldErr("lesson", "lesson_unknown", "value", unquote(m[1]))
	}},
	{regexp.MustCompile(`^question[^:]*: a truefalse question has no options`), func(m []string, q Question) FieldError {
		return fieldErr("options", "truefalse_options")
	}},
	{regexp.MustCompile(`^question[^:]*: a truefalse question needs answer`), func(m []string, q Question) FieldError {
		return fieldErr("answer", "answer_required")
	}},
	{regexp.MustCompile(`^question[^:]*: option id ("(?:[^"\\]|\\.)*"): use letters`), func(m []string, q Question) FieldError {
		return fieldErr(optionField(q, unquote(m[1]), ".id"), "id_invalid", "value", unquote(m[1]))
	}},
	{regexp.MustCompile(`^question[^:]*: option id ("(?:[^"\\]|\\.)*") already used`), func(m []string, q Question) FieldError {
		return fieldErr("options", "option_id_twice", "value", unquote(m[1]))
	}},
	{regexp.MustCompile(`^question[^:]*: a single-choice question needs exactly one correct option, (\d+) marked`), func(m []string, q Question) FieldError {
		return fieldErr("options", "single_correct", "n", m[1])
	}},
	{regexp.MustCompile(`^question[^:]*: a multiple-choice question needs at least one correct option`), func(m []string, q Question) FieldError {
		return fieldErr("options", "multiple_correct", "n", "0")
	}},
	{regexp.MustCompile(`^question \S+: a single-choice question has exactly \d+ options, not (\d+)`), func(m []string, q Question) FieldError {
		return fieldErr("options", "single_options", "n", m[1])
	}},
	{regexp.MustCompile(`^question \S+: a multiple-choice question has 4 or 5 options, not (\d+)`), func(m []string, q Question) FieldError {
		return fieldErr("options", "multiple_options", "n", m[1])
	}},
	{regexp.MustCompile(`^question \S+: (\d+) of \d+ options correct; a multiple-choice question`), func(m []string, q Question) FieldError {
		return fieldErr("options", "multiple_correct", "n", m[1])
	}},
	{regexp.MustCompile(`^question \S+: the (\w+) explanation cites an option by letter or position \((".*")\); options`), func(m []string, q Question) FieldError {
		return fieldErr("explanation."+m[1], "explanation_cites", "quote", unquote(m[2]))
	}},
	{regexp.MustCompile(`^question \S+: the (\w+) explanation quotes a right option \((".*")\), which`), func(m []string, q Question) FieldError {
		return fieldErr("explanation."+m[1], "explanation_quotes", "quote", unquote(m[2]))
	}},
	{regexp.MustCompile(`^lesson (\S+) has (\d+) question\(s\); at least (\d+) needed`), func(m []string, q Question) FieldError {
		return fieldErr("lesson", "bank_lesson_count", "lesson", m[1], "have", m[2], "need", m[3])
	}},
	{regexp.MustCompile(`^answer-position bias: the right option is written (first|second|third|fourth) in`), func(m []string, q Question) FieldError {
		pos := slices.Index([]string{"first", "second", "third", "fourth"}, m[1]) + 1
		return fieldErr("options", "bank_position", "position", pos)
	}},
	{regexp.MustCompile(`^length bias \((\w+)\): the right option is the (longest|shortest) in`), func(m []string, q Question) FieldError {
		return fieldErr("options", "bank_"+m[2], "lang", m[1])
	}},
	{regexp.MustCompile(`^answer-count pattern: \d+ of \d+ multiple-choice questions have exactly (\d+) correct`), func(m []string, q Question) FieldError {
		return fieldErr("options", "bank_count_pattern", "k", m[1])
	}},
	{regexp.MustCompile(`^answer pattern \((\w+)\): the correct options are all but the shortest`), func(m []string, q Question) FieldError {
		return fieldErr("options", "bank_all_but_shortest", "lang", m[1])
	}},
	{regexp.MustCompile(`^answer pattern \((\w+)\): the correct options are the longest ones`), func(m []string, q Question) FieldError {
		return fieldErr("options", "bank_longest_k", "lang", m[1])
	}},
	{regexp.MustCompile(`^\d+ of \d+ questions are true/false`), func(m []string, q Question) FieldError {
		return fieldErr("type", "bank_truefalse_share")
	}},
	{regexp.MustCompile(`^\d+ of \d+ true/false questions are true \((\d+)%; between (\d+)% and (\d+)%\)`), func(m []string, q Question) FieldError {
		return fieldErr("answer", "bank_truefalse_balance", "share", m[1], "low", m[2], "high", m[3])
	}},
}

// problemField turns a content check message into a FieldError of q's form.
func problemField(msg string, q Question) (FieldError, bool) {
	for _, r := range problemRules {
		if m := r.re.FindStringSubmatch(msg); m != nil {
			fe := r.fe(m, q)
			if strings.HasPrefix(fe.Key, "authoring_forms.bank_") && fe.Key != "authoring_forms.bank_lesson_count" {
				fe.Args = shareArgs(msg, fe.Args...)
			}
			return fe, true
		}
	}
	return FieldError{}, false
}

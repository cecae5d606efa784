package forms

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/masar-platform/masar/courses"
)

// Quiz is the form model of a quiz.yaml: its questions in file order.
type Quiz struct {
	Questions []Question
}

// Question is one question as written: Answer is nil when the file has no answer: key.
type Question struct {
	ID, Type, Lesson string
	Prompt           map[string]string
	Options          []Option
	Answer           *bool
	Explanation      map[string]string
}

// Option is one option of a single or multiple question.
type Option struct {
	ID      string
	Text    map[string]string
	Correct bool
}

// ErrNoQuestion is returned by DeleteQuestion for an id the quiz does not have.
var ErrNoQuestion = errors.New("forms: no question with that id")

// idRe is the form of question and option ids (quizIDRe in courses/check.go).
var idRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// Key orders (content/FORMAT.md, and the layout of the shipped quizzes).
var (
	questionOrder = []string{"id", "type", "lesson", "prompt", "options", "answer", "explanation"}
	optionOrder   = []string{"id", "correct", "text"}
)

// Option counts of the bank rules (CheckBank).
const (
	singleOptions      = 4
	minMultipleOptions = 4
	maxMultipleOptions = 5
)

// ParseQuiz reads quiz.yaml into the form model. It fails only when the file is not YAML or
// not a mapping; a quiz without questions is an empty Quiz.
func ParseQuiz(src []byte) (*Quiz, error) {
	e, err := newEditor(src)
	if err != nil {
		return nil, err
	}
	return &Quiz{Questions: e.questions()}, nil
}

// Find returns the question with id, or nil.
func (q *Quiz) Find(id string) *Question {
	for i := range q.Questions {
		if q.Questions[i].ID == id {
			return &q.Questions[i]
		}
	}
	return nil
}

// NextID proposes an id for a new question: q followed by one more than the largest number
// used that way.
func (q *Quiz) NextID() string {
	most := 0
	for _, qu := range q.Questions {
		if n, err := strconv.Atoi(strings.TrimPrefix(qu.ID, "q")); err == nil && strings.HasPrefix(qu.ID, "q") {
			most = max(most, n)
		}
	}
	return "q" + strconv.Itoa(most+1)
}

func questionItems(root *yaml.Node) []*yaml.Node {
	_, seq := get(root, "questions")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	var out []*yaml.Node
	for _, n := range seq.Content {
		if n.Kind == yaml.MappingNode {
			out = append(out, n)
		}
	}
	return out
}

func readQuestion(n *yaml.Node) Question {
	q := Question{ID: scalar(n, "id"), Type: scalar(n, "type"), Lesson: scalar(n, "lesson"),
		Prompt: texts(n, "prompt"), Explanation: texts(n, "explanation")}
	if _, v := get(n, "answer"); v != nil && v.Kind == yaml.ScalarNode {
		var b bool
		if v.Decode(&b) == nil {
			q.Answer = &b
		}
	}
	if _, v := get(n, "options"); v != nil && v.Kind == yaml.SequenceNode {
		q.Options = []Option{}
		for _, on := range v.Content {
			if on.Kind != yaml.MappingNode {
				continue
			}
			o := Option{ID: scalar(on, "id"), Text: texts(on, "text")}
			if _, cv := get(on, "correct"); cv != nil {
				_ = cv.Decode(&o.Correct)
			}
			q.Options = append(q.Options, o)
		}
	}
	return q
}

// Same reports whether q and r say the same: same id, type, lesson, texts, options in the
// same order with the same right ones, and answer.
func (q Question) Same(r Question) bool {
	if q.ID != r.ID || q.Type != r.Type || q.Lesson != r.Lesson || !maps.Equal(q.Prompt, r.Prompt) ||
		!maps.Equal(q.Explanation, r.Explanation) || (q.Answer == nil) != (r.Answer == nil) ||
		q.Answer != nil && *q.Answer != *r.Answer || len(q.Options) != len(r.Options) {
		return false
	}
	for i, o := range q.Options {
		p := r.Options[i]
		if o.ID != p.ID || o.Correct != p.Correct || !maps.Equal(o.Text, p.Text) {
			return false
		}
	}
	return true
}

// QuestionFromForm reads one question's posted fields: id, type, lesson, prompt.LANG and
// explanation.LANG for each of the course's languages, option.N.id, option.N.text.LANG and
// option.N.correct (a check box) for the options in the order of N, and answer ("true" or
// "false") for a true/false question. An option row left entirely blank is dropped; an
// option without an id gets the first free letter. Every problem is returned as a FieldError
// with the rules of `content check` for one question: every text in every language, ids
// well formed and option ids unique, the lesson one of the course's, exactly 4 options with
// one right for a single-choice question, 4 or 5 with at least one right and one wrong for a
// multiple-choice one, an answer and no options for true/false, and explanations that neither
// cite an option by letter or place nor quote a right option.
func QuestionFromForm(form url.Values, languages, lessons []string) (Question, []FieldError) {
	var errs FieldErrors
	val := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	q := Question{ID: val("id"), Type: val("type"), Lesson: val("lesson"),
		Prompt: map[string]string{}, Explanation: map[string]string{}}
	for _, l := range languages {
		for _, f := range []struct {
			name string
			dst  map[string]string
		}{{"prompt", q.Prompt}, {"explanation", q.Explanation}} {
			if s := formText(form.Get(f.name + "." + l)); s != "" {
				f.dst[l] = s
			}
		}
	}
	if s := val("answer"); s == "true" || s == "false" {
		b := s == "true"
		q.Answer = &b
	}
	var fields []string // the row of each option kept
	for _, n := range optionRows(form) {
		p := "option." + n + "."
		o := Option{ID: val(p + "id"), Text: map[string]string{}, Correct: checked(form.Get(p + "correct"))}
		blank := o.ID == "" && !o.Correct
		for _, l := range languages {
			if s := formText(form.Get(p + "text." + l)); s != "" {
				o.Text[l] = s
				blank = false
			}
		}
		if !blank {
			q.Options = append(q.Options, o)
			fields = append(fields, n)
		}
	}
	// Ids for the rows that have none: the first letters not taken.
	for i := range q.Options {
		if q.Options[i].ID == "" {
			for c := 'a'; c <= 'z'; c++ {
				if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.ID == string(c) }) {
					q.Options[i].ID = string(c)
					break
				}
			}
		}
	}
	errs = append(errs, validateQuestion(q, languages, lessons, fields)...)
	if q.Type == courses.TrueFalse {
		q.Options = nil
	} else {
		q.Answer = nil
	}
	if len(errs) > 0 {
		return q, errs
	}
	return q, nil
}

// optionRows lists the N of the option.N.* fields, in numeric order.
func optionRows(form url.Values) []string {
	seen := map[string]bool{}
	var rows []string
	for k := range form {
		rest, ok := strings.CutPrefix(k, "option.")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if _, err := strconv.Atoi(n); err == nil && !seen[n] {
			seen[n] = true
			rows = append(rows, n)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		a, _ := strconv.Atoi(rows[i])
		b, _ := strconv.Atoi(rows[j])
		return a < b
	})
	return rows
}

func checked(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false", "off", "no":
		return false
	}
	return true
}

// validateQuestion applies the rules of courses/check.go (question, options) and the
// per-question bank rules of CheckBank to q. Option fields are named after the form's rows
// (the N of option.N.*), after their place (0, 1 …) when rows is nil.
func validateQuestion(q Question, languages, lessons, rows []string) FieldErrors {
	var errs FieldErrors
	optField := func(i int) string {
		if i < len(rows) {
			return "option." + rows[i]
		}
		return "option." + strconv.Itoa(i)
	}
	switch {
	case q.ID == "":
		errs = append(errs, fieldErr("id", "id_required"))
	case !idRe.MatchString(q.ID):
		errs = append(errs, fieldErr("id", "id_invalid", "value", q.ID))
	}
	if !slices.Contains(courses.QuestionTypes, q.Type) {
		errs = append(errs, fieldErr("type", "type_unknown", "value", q.Type))
	}
	switch {
	case q.Lesson == "":
		errs = append(errs, fieldErr("lesson", "lesson_required"))
	case !slices.Contains(lessons, q.Lesson):
		errs = append(errs, fieldErr("lesson", "lesson_unknown", "value", q.Lesson))
	}
	for _, l := range languages {
		if strings.TrimSpace(q.Prompt[l]) == "" {
			errs = append(errs, fieldErr("prompt."+l, "text_required"))
		}
		if strings.TrimSpace(q.Explanation[l]) == "" {
			errs = append(errs, fieldErr("explanation."+l, "text_required"))
		}
	}
	right := 0
	switch q.Type {
	case courses.TrueFalse:
		if len(q.Options) > 0 {
			errs = append(errs, fieldErr("options", "truefalse_options"))
		}
		if q.Answer == nil {
			errs = append(errs, fieldErr("answer", "answer_required"))
		}
	case courses.Single, courses.Multiple:
		for i, o := range q.Options {
			f := optField(i)
			switch {
			case !idRe.MatchString(o.ID):
				errs = append(errs, fieldErr(f+".id", "id_invalid", "value", o.ID))
			case slices.ContainsFunc(q.Options[:i], func(p Option) bool { return p.ID == o.ID }):
				errs = append(errs, fieldErr(f+".id", "option_id_twice", "value", o.ID))
			}
			for _, l := range languages {
				if strings.TrimSpace(o.Text[l]) == "" {
					errs = append(errs, fieldErr(f+".text."+l, "text_required"))
				}
			}
			if o.Correct {
				right++
			}
		}
		n := len(q.Options)
		switch {
		case q.Type == courses.Single && n != singleOptions:
			errs = append(errs, fieldErr("options", "single_options", "n", n))
		case q.Type == courses.Single && right != 1:
			errs = append(errs, fieldErr("options", "single_correct", "n", right))
		case q.Type == courses.Multiple && (n < minMultipleOptions || n > maxMultipleOptions):
			errs = append(errs, fieldErr("options", "multiple_options", "n", n))
		case q.Type == courses.Multiple && (right < 1 || right > n-1):
			errs = append(errs, fieldErr("options", "multiple_correct", "n", right))
		}
	}
	// The explanation rules are the courses package's own: CheckBank on a bank of this one
	// question, keeping what it says about the question (the shares concern a whole bank).
	if !errs.Has("type") {
		for _, p := range courses.CheckBank(oneQuestionCourse(q, languages)) {
			if fe, ok := problemField(p.Message, q); ok && strings.HasPrefix(fe.Field, "explanation.") && !errs.Has(fe.Field) {
				errs = append(errs, fe)
			}
		}
	}
	return errs
}

// oneQuestionCourse is a course whose bank is q alone, for CheckBank.
func oneQuestionCourse(q Question, languages []string) *courses.Course {
	cq := &courses.Question{ID: q.ID, Type: q.Type, Lesson: q.Lesson, Prompt: q.Prompt, Explanation: q.Explanation}
	if q.Answer != nil {
		cq.Answer = *q.Answer
	}
	for _, o := range q.Options {
		cq.Options = append(cq.Options, &courses.Option{ID: o.ID, Text: o.Text, Correct: o.Correct})
	}
	return &courses.Course{Dir: "candidate", Languages: languages, QuestionsPerLesson: 1,
		Quiz: &courses.Quiz{Questions: []*courses.Question{cq}}}
}

// SetQuestion replaces the question with q.ID in quiz.yaml, or appends q when the quiz has
// no such question. A replaced question is changed value by value (an unchanged question
// leaves the file as it was; options are written again only when their ids or order change);
// an appended one is written in the layout of the shipped quizzes. The rest of the file is
// kept byte for byte; src is never modified.
func SetQuestion(src []byte, q Question) ([]byte, error) {
	if !idRe.MatchString(q.ID) {
		return nil, FieldErrors{fieldErr("id", "id_invalid", "value", q.ID)}
	}
	if !slices.Contains(courses.QuestionTypes, q.Type) {
		return nil, FieldErrors{fieldErr("type", "type_unknown", "value", q.Type)}
	}
	e, err := newEditor(src)
	if err != nil {
		return nil, err
	}
	var item *yaml.Node
	for _, n := range questionItems(e.root) {
		if scalar(n, "id") == q.ID {
			item = n
			break
		}
	}
	if item != nil {
		err = e.mergeQuestion(item, q)
	} else {
		err = e.appendQuestion(q)
	}
	if err != nil {
		return nil, fmt.Errorf("forms: quiz.yaml question %s: %w", q.ID, err)
	}
	out, err := e.apply()
	if err != nil {
		return nil, err
	}
	if err := readsBack(e.questions(), out, q.ID, &q); err != nil {
		return nil, err
	}
	return out, nil
}

// questions reads the questions of the file e holds.
func (e *editor) questions() []Question {
	var qs []Question
	for _, n := range questionItems(e.root) {
		qs = append(qs, readQuestion(n))
	}
	return qs
}

// readsBack checks that out holds the questions before with q (nil: without the question
// id) in place of question id.
func readsBack(before []Question, out []byte, id string, q *Question) error {
	after, err := ParseQuiz(out)
	if err != nil {
		return fmt.Errorf("forms: quiz.yaml: the edited file does not read back: %w", err)
	}
	var want []Question
	found := false
	for _, qu := range before {
		if qu.ID != id {
			want = append(want, qu)
		} else if q != nil {
			want, found = append(want, normal(*q)), true
		}
	}
	if q != nil && !found {
		want = append(want, normal(*q))
	}
	if len(want) != len(after.Questions) {
		return errors.New("forms: quiz.yaml: the edited file does not read back as the form")
	}
	for i := range want {
		if !want[i].Same(normal(after.Questions[i])) {
			return fmt.Errorf("forms: quiz.yaml: question %s does not read back as the form", want[i].ID)
		}
	}
	return nil
}

// normal is q as it is written: a true/false question without options, others without an
// answer, texts maps never nil.
func normal(q Question) Question {
	if q.Prompt == nil {
		q.Prompt = map[string]string{}
	}
	if q.Explanation == nil {
		q.Explanation = map[string]string{}
	}
	if q.Type == courses.TrueFalse || len(q.Options) == 0 {
		q.Options = nil
	}
	if q.Type != courses.TrueFalse {
		q.Answer = nil
	}
	for i := range q.Options {
		if q.Options[i].Text == nil {
			q.Options[i].Text = map[string]string{}
		}
	}
	return q
}

// mergeQuestion rewrites question mapping m as q, value by value.
func (e *editor) mergeQuestion(m *yaml.Node, q Question) error {
	if isFlow(m) {
		return e.replaceItem(m, q)
	}
	q = normal(q)
	want := map[string]bool{"id": true, "type": true, "lesson": q.Lesson != "", "prompt": len(q.Prompt) > 0,
		"options": len(q.Options) > 0, "answer": q.Answer != nil, "explanation": len(q.Explanation) > 0}
	removed := map[*yaml.Node]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; slices.Contains(questionOrder, k.Value) && !want[k.Value] {
			removed[k] = true
			if err := e.removeKey(m, k); err != nil {
				return err
			}
		}
	}
	for _, k := range questionOrder {
		if !want[k] {
			continue
		}
		key, v := get(m, k)
		var err error
		switch k {
		case "id":
			continue
		case "type":
			err = e.setIfChanged(m, key, v, k, q.Type, kindWord, removed)
		case "lesson":
			err = e.setIfChanged(m, key, v, k, q.Lesson, kindWord, removed)
		case "answer":
			err = e.setIfChanged(m, key, v, k, strconv.FormatBool(*q.Answer), kindRaw, removed)
		case "prompt", "explanation":
			t := q.Prompt
			if k == "explanation" {
				t = q.Explanation
			}
			if key == nil || !maps.Equal(texts(m, k), t) {
				err = e.setTextsAt(m, k, t, removed)
			}
		case "options":
			err = e.setOptions(m, key, v, q.Options, removed)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (e *editor) setIfChanged(m, key, v *yaml.Node, k, s string, kd kind, removed map[*yaml.Node]bool) error {
	switch {
	case key == nil:
		return e.insertKey(m, anchorFor(m, k, questionOrder, removed), k, " "+render(s, kd, nil, false))
	case v.Kind != yaml.ScalarNode:
		return e.replaceValue(m, key, v, " "+render(s, kd, nil, isFlow(m)))
	case v.Value != s:
		return e.setScalar(v, isFlow(m), render(s, kd, v, isFlow(m)))
	}
	return nil
}

// setTextsAt is setTexts placing a new key among the question's keys.
func (e *editor) setTextsAt(m *yaml.Node, k string, t map[string]string, removed map[*yaml.Node]bool) error {
	if key, _ := get(m, k); key == nil {
		return e.insertKey(m, anchorFor(m, k, questionOrder, removed), k, renderTexts(indentOf(m)+"  ", t))
	}
	return e.setTexts(m, k, t, questionOrder)
}

// setOptions writes the options: in place when the ids are the same in the same order,
// written again otherwise.
func (e *editor) setOptions(m, key, v *yaml.Node, opts []Option, removed map[*yaml.Node]bool) error {
	ind := indentOf(m) + "  "
	if key == nil {
		return e.insertKey(m, anchorFor(m, "options", questionOrder, removed), "options", renderOptions(ind, opts))
	}
	same := v.Kind == yaml.SequenceNode && len(v.Content) == len(opts) && !isFlow(v)
	for i := 0; same && i < len(opts); i++ {
		same = v.Content[i].Kind == yaml.MappingNode && scalar(v.Content[i], "id") == opts[i].ID
	}
	if !same {
		if v.Kind == yaml.SequenceNode && len(v.Content) > 0 && !isFlow(v) {
			ind = indentOf(v)
		}
		return e.replaceValue(m, key, v, renderOptions(ind, opts))
	}
	for i, o := range opts {
		om := v.Content[i]
		ck, cv := get(om, "correct")
		var was bool
		if cv != nil {
			_ = cv.Decode(&was)
		}
		switch {
		case o.Correct && ck == nil:
			if err := e.insertKey(om, anchorFor(om, "correct", optionOrder, nil), "correct", " true"); err != nil {
				return err
			}
		case o.Correct && !was:
			if err := e.setValue(om, "correct", "true", kindRaw, optionOrder); err != nil {
				return err
			}
		case !o.Correct && was:
			if err := e.removeKey(om, ck); err != nil {
				return err
			}
		}
		if !maps.Equal(texts(om, "text"), o.Text) {
			if err := e.setTexts(om, "text", o.Text, optionOrder); err != nil {
				return err
			}
		}
	}
	return nil
}

// renderOptions writes options as a block list below their key, dashes at indent ind.
func renderOptions(ind string, opts []Option) string {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString("\n" + ind + "- id: " + render(o.ID, kindWord, nil, false))
		if o.Correct {
			b.WriteString("\n" + ind + "  correct: true")
		}
		b.WriteString("\n" + ind + "  text:" + renderTexts(ind+"    ", o.Text))
	}
	return b.String()
}

// renderQuestion writes q as a list item, its dash at indent ind, without a final newline.
func renderQuestion(ind string, q Question) string {
	q = normal(q)
	k := ind + "  "
	var b strings.Builder
	b.WriteString(ind + "- id: " + render(q.ID, kindWord, nil, false))
	b.WriteString("\n" + k + "type: " + render(q.Type, kindWord, nil, false))
	if q.Lesson != "" {
		b.WriteString("\n" + k + "lesson: " + render(q.Lesson, kindWord, nil, false))
	}
	if len(q.Prompt) > 0 {
		b.WriteString("\n" + k + "prompt:" + renderTexts(k+"  ", q.Prompt))
	}
	if len(q.Options) > 0 {
		b.WriteString("\n" + k + "options:" + renderOptions(k+"  ", q.Options))
	}
	if q.Answer != nil {
		b.WriteString("\n" + k + "answer: " + strconv.FormatBool(*q.Answer))
	}
	if len(q.Explanation) > 0 {
		b.WriteString("\n" + k + "explanation:" + renderTexts(k+"  ", q.Explanation))
	}
	return b.String()
}

// replaceItem writes a question given in flow style ({ id: …, … }) again as a block.
func (e *editor) replaceItem(m *yaml.Node, q Question) error {
	end, err := e.end(m, false)
	if err != nil {
		return err
	}
	s := e.start(m)
	ind := strings.Repeat(" ", max(m.Column-3, 0))
	e.add(s, end, strings.TrimPrefix(renderQuestion(ind, q), ind+"- "))
	return nil
}

// appendQuestion adds q after the last question.
func (e *editor) appendQuestion(q Question) error {
	key, seq := get(e.root, "questions")
	switch {
	case key == nil:
		at := len(e.src)
		text := "questions:\n" + renderQuestion("  ", q) + "\n"
		if at > 0 && e.src[at-1] != '\n' {
			text = "\n" + text
		}
		e.add(at, at, text)
		return nil
	case seq.Kind != yaml.SequenceNode || len(seq.Content) == 0:
		return e.replaceValue(e.root, key, seq, "\n"+renderQuestion("  ", q))
	case isFlow(seq):
		return fmt.Errorf("%w: questions written as a flow list", ErrUnsupported)
	}
	last := seq.Content[len(seq.Content)-1]
	end, err := e.end(last, false)
	if err != nil {
		return err
	}
	at := e.lineEnd(end)
	e.add(at, at, "\n"+renderQuestion(indentOf(seq), q))
	return nil
}

// DeleteQuestion removes the question with id from quiz.yaml, with the lines it takes and
// the comment on them; the comment lines above it (a section heading, say) stay.
func DeleteQuestion(src []byte, id string) ([]byte, error) {
	e, err := newEditor(src)
	if err != nil {
		return nil, err
	}
	key, seq := get(e.root, "questions")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, ErrNoQuestion
	}
	i := slices.IndexFunc(seq.Content, func(n *yaml.Node) bool { return n.Kind == yaml.MappingNode && scalar(n, "id") == id })
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrNoQuestion, id)
	}
	n := seq.Content[i]
	end, err := e.end(n, isFlow(seq))
	if err != nil {
		return nil, err
	}
	switch {
	case len(seq.Content) == 1:
		if err := e.replaceValue(e.root, key, seq, " []"); err != nil {
			return nil, err
		}
	case isFlow(seq):
		return nil, fmt.Errorf("%w: questions written as a flow list", ErrUnsupported)
	default:
		s := e.start(n)
		ls := e.lineStart(s)
		if strings.TrimSpace(string(e.src[ls:s])) != "-" {
			return nil, fmt.Errorf("%w: question %s does not start its line", ErrUnsupported, id)
		}
		e.add(ls, e.afterLine(end), "")
	}
	out, err := e.apply()
	if err != nil {
		return nil, err
	}
	if err := readsBack(e.questions(), out, id, nil); err != nil {
		return nil, err
	}
	return out, nil
}

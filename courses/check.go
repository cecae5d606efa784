package courses

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Check validates the content in fsys and returns every problem found, each with its file
// and line: what `masar content check DIR` prints. It is Load without keeping the result.
//
// The bank rules (CheckBank) run on every course whose folder loaded without problems: a
// course with a broken file is reported for that first.
func Check(fsys fs.FS) []Problem {
	cat, ps := Load(fsys)
	for _, c := range cat.Courses() {
		if !slices.ContainsFunc(ps, func(p Problem) bool { return strings.HasPrefix(p.File, c.Dir+"/") }) {
			ps = append(ps, CheckBank(c)...)
		}
	}
	return ps
}

// yfile reports problems found in one YAML document of a file; off is the number of lines
// of the file before the document (the front matter of a lesson starts on line 2).
type yfile struct {
	name string
	off  int
	ps   *problems
}

func (y *yfile) add(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil && n.Line > 0 {
		line = n.Line + y.off
	}
	y.ps.add(y.name, line, format, args...)
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse reads src as one YAML document whose top is a mapping, reporting syntax errors with
// their line. It returns nil when the document cannot be used.
func (y *yfile) parse(src []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		msg := err.Error()
		if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			y.ps.add(y.name, errorLine(src, n, msg)+y.off, "YAML syntax error: %s", m[2])
		} else {
			y.ps.add(y.name, y.off, "YAML syntax error: %s", strings.TrimPrefix(msg, "yaml: "))
		}
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		y.add(nil, "empty")
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		y.add(root, "expected a mapping of keys to values")
		return nil
	}
	return root
}

// errorLine finds the line at fault in a YAML syntax error. yaml.v3 reports the line where
// the enclosing block starts (its "context"), which may be far above the mistake: the first
// prefix of the document, from that line on, that fails with the same message ends on the
// line at fault. It falls back to the reported line.
func errorLine(src []byte, reported int, msg string) int {
	lines := strings.SplitAfter(string(src), "\n")
	for k := max(reported, 1); k <= len(lines); k++ {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &n); err != nil &&
			yamlLineRe.ReplaceAllString(err.Error(), "$2") == yamlLineRe.ReplaceAllString(msg, "$2") {
			return k
		}
	}
	return reported
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// entry is a key and its value in a YAML mapping.
type entry struct{ key, value *yaml.Node }

// fields returns the entries of a mapping by key, reporting unknown and repeated keys.
func (y *yfile) fields(n *yaml.Node, what string, known ...string) map[string]entry {
	out := map[string]entry{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		switch {
		case !slices.Contains(known, k.Value):
			y.add(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
		case out[k.Value].key != nil:
			y.add(k, "key %q repeated in %s (first on line %d)", k.Value, what, out[k.Value].key.Line+y.off)
		default:
			out[k.Value] = entry{k, v}
		}
	}
	return out
}

// text reads a scalar as text; it reports and returns false when it is not a non-empty
// scalar.
func (y *yfile) text(e entry, what string) (string, bool) {
	if e.value == nil || e.value.Kind != yaml.ScalarNode || e.value.Tag == "!!null" {
		y.add(e.key, "%s: expected a text", what)
		return "", false
	}
	s := strings.TrimSpace(e.value.Value)
	if s == "" {
		y.add(e.value, "%s is empty", what)
		return "", false
	}
	return s, true
}

func (y *yfile) integer(e entry, what string) (int, bool) {
	var i int
	if e.value.Kind != yaml.ScalarNode || e.value.Tag != "!!int" || e.value.Decode(&i) != nil {
		y.add(e.value, "%s: expected a whole number, got %q", what, e.value.Value)
		return 0, false
	}
	return i, true
}

// intIn sets *dst to the whole number under key of f, when there is one from lo to hi;
// otherwise it reports the problem (expected says what is) and leaves *dst as it was.
func (y *yfile) intIn(f map[string]entry, key string, lo, hi int, expected string, dst *int) {
	e, ok := f[key]
	if !ok {
		return
	}
	n, ok := y.integer(e, key)
	if !ok {
		return
	}
	if n < lo || n > hi {
		y.add(e.value, "%s %d: expected %s", key, n, expected)
		return
	}
	*dst = n
}

func (y *yfile) boolean(e entry, what string) (bool, bool) {
	var b bool
	if e.value.Kind != yaml.ScalarNode || e.value.Tag != "!!bool" || e.value.Decode(&b) != nil {
		y.add(e.value, "%s: expected true or false, got %q", what, e.value.Value)
		return false, false
	}
	return b, true
}

// texts reads a mapping language → text, reporting unknown languages and every language of
// langs that is missing or empty.
func (y *yfile) texts(e entry, what string, langs []string) map[string]string {
	out := map[string]string{}
	if e.value == nil || e.value.Kind != yaml.MappingNode {
		y.add(e.key, "%s: expected a text per language (%s: …)", what, strings.Join(langs, ", "))
		return out
	}
	for lang, le := range y.fields(e.value, what, Languages...) {
		if s, ok := y.text(le, what+" "+lang); ok {
			out[lang] = s
		}
	}
	for _, lang := range langs {
		if _, ok := out[lang]; !ok && y.hasNo(e.value, lang) {
			y.add(e.key, "%s is missing in %s", what, lang)
		}
	}
	return out
}

// hasNo reports whether mapping n has no key k (an empty value was already reported).
func (y *yfile) hasNo(n *yaml.Node, k string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return false
		}
	}
	return true
}

// manifest is a parsed course.yaml.
type manifest struct {
	course   *Course
	lessons  []manifestLesson
	slugLine int
}

type manifestLesson struct {
	slug string
	line int
}

var manifestKeys = []string{"slug", "phases", "level", "hours", "pass_mark", "max_attempts", "languages",
	"title", "summary", "outcomes", "lessons", "questions_per_lesson", "quiz_cooldown"}

// parseManifest reads course.yaml. It returns nil when the YAML cannot be read at all.
func parseManifest(file string, src []byte, ps *problems) *manifest {
	y := &yfile{name: file, ps: ps}
	root := y.parse(src)
	if root == nil {
		return nil
	}
	f := y.fields(root, "course.yaml", manifestKeys...)
	c := &Course{PassMark: DefaultPassMark, MaxAttempts: DefaultMaxAttempts,
		QuestionsPerLesson: DefaultQuestionsPerLesson, QuizCooldown: DefaultQuizCooldown,
		Title: map[string]string{}, Summary: map[string]string{}, Outcomes: map[string][]string{}}
	m := &manifest{course: c}
	required := func(k string) (entry, bool) {
		e, ok := f[k]
		if !ok {
			y.add(root, "missing key %q", k)
		}
		return e, ok
	}

	if e, ok := required("slug"); ok {
		m.slugLine = e.value.Line
		if s, ok := y.text(e, "slug"); ok {
			if slugRe.MatchString(s) {
				c.Slug = s
			} else {
				y.add(e.value, "slug %q: use lowercase letters a-z, digits and single hyphens", s)
			}
		}
	}
	if e, ok := required("languages"); ok {
		c.Languages = y.languages(e)
	}
	if e, ok := required("phases"); ok {
		if e.value.Kind != yaml.SequenceNode || len(e.value.Content) == 0 {
			y.add(e.value, "phases: expected a list of phases 1 to 4, e.g. [1, 2]")
		} else {
			for _, n := range e.value.Content {
				p, ok := y.integer(entry{e.key, resolve(n)}, "phase")
				switch {
				case !ok:
				case p < 1 || p > 4:
					y.add(n, "phase %d: phases are 1 (transparency) to 4 (engagement)", p)
				case slices.Contains(c.Phases, p):
					y.add(n, "phase %d listed twice", p)
				default:
					c.Phases = append(c.Phases, p)
				}
			}
			sort.Ints(c.Phases)
		}
	}
	if e, ok := required("level"); ok {
		if s, ok := y.text(e, "level"); ok {
			if slices.Contains(Levels, s) {
				c.Level = s
			} else {
				y.add(e.value, "level %q: expected one of %s", s, strings.Join(Levels, ", "))
			}
		}
	}
	if e, ok := f["hours"]; ok { // optional: the study hours are computed (check_hours.go)
		var h float64
		if e.value.Kind != yaml.ScalarNode || (e.value.Tag != "!!int" && e.value.Tag != "!!float") || e.value.Decode(&h) != nil {
			y.add(e.value, "hours: expected a number, got %q", e.value.Value)
		} else if h <= 0 || h > 1000 {
			y.add(e.value, "hours %v: expected a number of hours greater than 0", h)
		} else {
			c.DeclaredHours, c.declaredHoursLine = h, e.value.Line
		}
	}
	y.intIn(f, "pass_mark", 1, 100, "a percentage from 1 to 100", &c.PassMark)
	y.intIn(f, "max_attempts", 1, 100, "a number from 1 to 100", &c.MaxAttempts)
	y.intIn(f, "questions_per_lesson", 1, 50, "a number from 1 to 50", &c.QuestionsPerLesson)
	if e, ok := f["quiz_cooldown"]; ok {
		if s, ok := y.text(e, "quiz_cooldown"); ok {
			d, err := time.ParseDuration(s)
			switch {
			case err != nil:
				y.add(e.value, "quiz_cooldown %q: expected a duration such as 30m or 2h", s)
			case d < 0 || d > 30*24*time.Hour:
				y.add(e.value, "quiz_cooldown %s: expected a duration from 0 to 720h", s)
			default:
				c.QuizCooldown = d
			}
		}
	}
	if e, ok := required("title"); ok {
		c.Title = y.texts(e, "title", c.Languages)
	}
	if e, ok := required("summary"); ok {
		c.Summary = y.texts(e, "summary", c.Languages)
	}
	if e, ok := required("outcomes"); ok {
		c.Outcomes = y.outcomes(e, c.Languages)
	}
	if e, ok := required("lessons"); ok {
		if e.value.Kind != yaml.SequenceNode || len(e.value.Content) == 0 {
			y.add(e.value, "lessons: expected the list of lesson names (NN-lessonslug)")
		} else {
			seen := map[string]bool{}
			for _, n := range e.value.Content {
				n = resolve(n)
				s := strings.TrimSpace(n.Value)
				switch {
				case n.Kind != yaml.ScalarNode || !lessonSlugRe.MatchString(s):
					y.add(n, "lesson %q: expected NN-lessonslug, the lesson's file name without .LANG.md", s)
				case seen[s]:
					y.add(n, "lesson %s listed twice", s)
				default:
					seen[s] = true
					m.lessons = append(m.lessons, manifestLesson{slug: s, line: n.Line})
				}
			}
		}
	}
	return m
}

func (y *yfile) languages(e entry) []string {
	if e.value.Kind != yaml.SequenceNode || len(e.value.Content) == 0 {
		y.add(e.value, "languages: expected a list such as [ar, en, fr]")
		return nil
	}
	var out []string
	for _, n := range e.value.Content {
		n = resolve(n)
		switch {
		case n.Kind != yaml.ScalarNode || !slices.Contains(Languages, n.Value):
			y.add(n, "language %q: expected ar, en or fr", n.Value)
		case slices.Contains(out, n.Value):
			y.add(n, "language %s listed twice", n.Value)
		default:
			out = append(out, n.Value)
		}
	}
	return out
}

// Learning outcomes per language.
const (
	minOutcomes = 4
	maxOutcomes = 6
)

func (y *yfile) outcomes(e entry, langs []string) map[string][]string {
	out := map[string][]string{}
	if e.value.Kind != yaml.MappingNode {
		y.add(e.key, "outcomes: expected a list of outcomes per language (%s: [...])", strings.Join(langs, ", "))
		return out
	}
	for lang, le := range y.fields(e.value, "outcomes", Languages...) {
		if le.value.Kind != yaml.SequenceNode {
			y.add(le.key, "outcomes %s: expected a list", lang)
			continue
		}
		var list []string
		for _, n := range le.value.Content {
			if s, ok := y.text(entry{n, resolve(n)}, "outcome"); ok {
				list = append(list, s)
			}
		}
		if len(list) < minOutcomes || len(list) > maxOutcomes {
			y.add(le.key, "outcomes %s: %d given, expected %d to %d", lang, len(list), minOutcomes, maxOutcomes)
		}
		if len(list) > 0 {
			out[lang] = list
		}
	}
	for _, lang := range langs {
		if y.hasNo(e.value, lang) {
			y.add(e.key, "outcomes are missing in %s", lang)
		}
	}
	return out
}

// parseLesson splits a lesson file and checks its front matter.
func parseLesson(file string, src []byte, ps *problems) *lessonSource {
	fm, body, bodyLine, ok := splitFrontMatter(src)
	s := &lessonSource{file: file, body: body, bodyLine: bodyLine}
	if !ok {
		ps.add(file, 1, "missing front matter: a lesson starts with a --- line, title:, then a --- line")
		return s
	}
	y := &yfile{name: file, off: 1, ps: ps}
	root := y.parse(fm)
	if root == nil {
		return s
	}
	// minutes: was the reading time typed by hand; it is now computed from the words, and the
	// key is still accepted (and ignored) so that older folders load.
	f := y.fields(root, "the front matter", "title", "minutes", "exercise_minutes")
	if e, ok := f["title"]; !ok {
		ps.add(file, 1, "missing title in the front matter")
	} else if t, ok := y.text(e, "title"); ok {
		s.title = t
	}
	if e, ok := f["minutes"]; ok {
		if n, ok := y.integer(e, "minutes"); ok && (n < 1 || n > 600) {
			y.add(e.value, "minutes %d: expected minutes, 1 to 600 (the reading time is computed from the words; the key can be left out)", n)
		}
	}
	if e, ok := f["exercise_minutes"]; ok {
		if n, ok := y.integer(e, "exercise_minutes"); ok {
			if n < 0 || n > 600 {
				y.add(e.value, "exercise_minutes %d: expected the time of the lesson's exercises in minutes, 0 to 600", n)
			} else {
				s.exerciseMinutes = n
			}
		}
	}
	return s
}

var quizIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// parseQuiz reads quiz.yaml. Questions with problems are left out of the quiz, so that
// scoring never uses a broken question; the course cannot be completed until its quiz has
// questions.
func parseQuiz(file string, src []byte, langs []string, ps *problems) *Quiz {
	y := &yfile{name: file, ps: ps}
	root := y.parse(src)
	if root == nil {
		return &Quiz{}
	}
	f := y.fields(root, "quiz.yaml", "questions")
	e, ok := f["questions"]
	if !ok {
		y.add(root, "missing key \"questions\"")
		return &Quiz{}
	}
	if e.value.Kind != yaml.SequenceNode || len(e.value.Content) == 0 {
		y.add(e.value, "questions: expected a list of questions")
		return &Quiz{}
	}
	q := &Quiz{}
	seen := map[string]int{}
	for _, n := range e.value.Content {
		n = resolve(n)
		if n.Kind != yaml.MappingNode {
			y.add(n, "question: expected a mapping with id, type, prompt, options or answer, explanation")
			continue
		}
		before := len(*ps)
		qu := y.question(n, langs)
		if qu.ID != "" {
			if line, dup := seen[qu.ID]; dup {
				y.add(n, "question id %q already used on line %d", qu.ID, line)
			} else {
				seen[qu.ID] = n.Line
			}
		}
		if len(*ps) == before {
			q.Questions = append(q.Questions, qu)
		}
	}
	return q
}

func (y *yfile) question(n *yaml.Node, langs []string) *Question {
	f := y.fields(n, "a question", "id", "type", "lesson", "prompt", "options", "answer", "explanation")
	qu := &Question{line: n.Line + y.off}
	what := "question"
	if e, ok := f["id"]; !ok {
		y.add(n, "question without id")
	} else if s, ok := y.text(e, "question id"); ok {
		if quizIDRe.MatchString(s) {
			qu.ID = s
			what = "question " + s
		} else {
			y.add(e.value, "question id %q: use letters, digits, _ and -", s)
		}
	}
	if e, ok := f["lesson"]; ok {
		if s, ok := y.text(e, what+" lesson"); ok {
			if lessonSlugRe.MatchString(s) {
				qu.Lesson = s
				qu.lessonLine = e.value.Line + y.off
			} else {
				y.add(e.value, "%s: lesson %q: expected NN-lessonslug, a lesson of the course", what, s)
			}
		}
	}
	if e, ok := f["type"]; !ok {
		y.add(n, "%s: missing type (single, multiple or truefalse)", what)
	} else if s, ok := y.text(e, what+" type"); ok {
		if slices.Contains(QuestionTypes, s) {
			qu.Type = s
		} else {
			y.add(e.value, "%s: unknown type %q (expected single, multiple or truefalse)", what, s)
		}
	}
	if e, ok := f["lesson"]; ok {
		qu.Lesson, _ = y.text(e, what+" lesson")
	}
	if e, ok := f["prompt"]; !ok {
		y.add(n, "%s: missing prompt", what)
	} else {
		qu.Prompt = y.texts(e, what+" prompt", langs)
	}
	if e, ok := f["explanation"]; !ok {
		y.add(n, "%s: missing explanation (shown after the quiz is submitted)", what)
	} else {
		qu.Explanation = y.texts(e, what+" explanation", langs)
	}
	opts, hasOpts := f["options"]
	ans, hasAnswer := f["answer"]
	switch qu.Type {
	case TrueFalse:
		if hasOpts {
			y.add(opts.key, "%s: a truefalse question has no options, only an answer", what)
		}
		if !hasAnswer {
			y.add(n, "%s: a truefalse question needs answer: true or answer: false", what)
		} else if b, ok := y.boolean(ans, what+" answer"); ok {
			qu.Answer = b
		}
	case Single, Multiple:
		if hasAnswer {
			y.add(ans.key, "%s: answer is only for truefalse questions; mark options with correct: true", what)
		}
		if !hasOpts {
			y.add(n, "%s: missing options", what)
			break
		}
		qu.Options = y.options(opts, what, langs)
		correct := 0
		for _, o := range qu.Options {
			if o.Correct {
				correct++
			}
		}
		switch {
		case len(qu.Options) < 2:
			y.add(opts.key, "%s: at least two options are needed", what)
		case qu.Type == Single && correct != 1:
			y.add(opts.key, "%s: a single-choice question needs exactly one correct option, %d marked", what, correct)
		case qu.Type == Multiple && correct == 0:
			y.add(opts.key, "%s: a multiple-choice question needs at least one correct option", what)
		}
	}
	return qu
}

func (y *yfile) options(e entry, what string, langs []string) []*Option {
	if e.value.Kind != yaml.SequenceNode {
		y.add(e.key, "%s: options: expected a list", what)
		return nil
	}
	var out []*Option
	seen := map[string]int{}
	for _, n := range e.value.Content {
		n = resolve(n)
		if n.Kind != yaml.MappingNode {
			y.add(n, "%s: option: expected { id: …, text: {…} }", what)
			continue
		}
		f := y.fields(n, "an option", "id", "text", "correct")
		o := &Option{}
		ow := what + " option"
		if ie, ok := f["id"]; !ok {
			y.add(n, "%s: option without id", what)
		} else if s, ok := y.text(ie, ow+" id"); ok {
			switch {
			case !quizIDRe.MatchString(s):
				y.add(ie.value, "%s: option id %q: use letters, digits, _ and -", what, s)
			case seen[s] != 0:
				y.add(ie.value, "%s: option id %q already used on line %d", what, s, seen[s]+y.off)
			default:
				seen[s] = ie.value.Line
				o.ID = s
				ow = fmt.Sprintf("%s option %s", what, s)
			}
		}
		if te, ok := f["text"]; !ok {
			y.add(n, "%s: missing text", ow)
		} else {
			o.Text = y.texts(te, ow+" text", langs)
		}
		if ce, ok := f["correct"]; ok {
			o.Correct, _ = y.boolean(ce, ow+" correct")
		}
		out = append(out, o)
	}
	return out
}

// checkQuestionLessons reports questions whose lesson: is not a lesson of the course, and
// leaves them out of the quiz (a draw by lesson would never ask them).
func checkQuestionLessons(file string, c *Course, ps *problems) {
	kept := c.Quiz.Questions[:0]
	for _, qu := range c.Quiz.Questions {
		if qu.Lesson != "" {
			if l, _ := c.FindLesson(qu.Lesson); l == nil {
				ps.add(file, qu.lessonLine, "question %s: lesson %q is not a lesson of the course (see lessons in course.yaml)", qu.ID, qu.Lesson)
				continue
			}
		}
		kept = append(kept, qu)
	}
	c.Quiz.Questions = kept
}

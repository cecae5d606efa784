package forms

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/masar-platform/masar/courses"
)

// Course is the form model of a course.yaml: the values as written in the file, with the
// defaults of `content check` for the optional keys that are absent.
type Course struct {
	Slug               string
	Level              string
	Phases             []int
	PassMark           int
	MaxAttempts        int
	QuestionsPerLesson int
	Cooldown           string // a Go duration as written ("30m", "2h")
	Languages          []string
	Title, Summary     map[string]string
	Outcomes           map[string][]string
	Lessons            []string
}

// Errors of the lesson list.
var (
	ErrUnknownLesson  = errors.New("forms: not a lesson of the course")
	ErrCannotMove     = errors.New("forms: the lesson cannot move that far")
	ErrNotPermutation = errors.New("forms: the new order must list every lesson of the course exactly once")
)

// courseOrder is the order of the keys of course.yaml (content/FORMAT.md), used to place a
// key the file does not have yet.
var courseOrder = []string{"slug", "phases", "level", "hours", "pass_mark", "max_attempts",
	"questions_per_lesson", "quiz_cooldown", "languages", "title", "summary", "outcomes", "lessons"}

// Limits of the manifest, as courses/check.go enforces them.
const (
	minOutcomes     = 4
	maxOutcomes     = 6
	maxCooldown     = 30 * 24 * time.Hour
	maxPassMark     = 100
	maxAttempts     = 100
	maxPerLesson    = 50
	maxPhase        = 4
	defaultCooldown = courses.DefaultQuizCooldown
)

// ParseCourse reads course.yaml into the form model. It fails only when the file is not YAML
// or not a mapping; values of the wrong kind are left at their zero value or default, for the
// form's checks to report.
func ParseCourse(src []byte) (*Course, error) {
	e, err := newEditor(src)
	if err != nil {
		return nil, err
	}
	return readCourse(e.root), nil
}

func readCourse(m *yaml.Node) *Course {
	c := &Course{PassMark: courses.DefaultPassMark, MaxAttempts: courses.DefaultMaxAttempts,
		QuestionsPerLesson: courses.DefaultQuestionsPerLesson, Cooldown: formatDuration(defaultCooldown),
		Title: map[string]string{}, Summary: map[string]string{}, Outcomes: map[string][]string{}}
	c.Slug = scalar(m, "slug")
	c.Level = scalar(m, "level")
	if _, v := get(m, "phases"); v != nil && v.Kind == yaml.SequenceNode {
		for _, n := range v.Content {
			var p int
			if n.Kind == yaml.ScalarNode && n.Decode(&p) == nil {
				c.Phases = append(c.Phases, p)
			}
		}
	}
	for k, dst := range map[string]*int{"pass_mark": &c.PassMark, "max_attempts": &c.MaxAttempts, "questions_per_lesson": &c.QuestionsPerLesson} {
		if _, v := get(m, k); v != nil && v.Kind == yaml.ScalarNode {
			var i int
			if v.Decode(&i) == nil {
				*dst = i
			}
		}
	}
	if _, v := get(m, "quiz_cooldown"); v != nil && v.Kind == yaml.ScalarNode {
		c.Cooldown = v.Value
	}
	c.Languages = scalars(m, "languages")
	c.Lessons = scalars(m, "lessons")
	c.Title = texts(m, "title")
	c.Summary = texts(m, "summary")
	if _, v := get(m, "outcomes"); v != nil && v.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(v.Content); i += 2 {
			if list := v.Content[i+1]; list.Kind == yaml.SequenceNode {
				c.Outcomes[v.Content[i].Value] = scalarItems(list)
			}
		}
	}
	return c
}

func scalar(m *yaml.Node, k string) string {
	if _, v := get(m, k); v != nil && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		return v.Value
	}
	return ""
}

func scalars(m *yaml.Node, k string) []string {
	if _, v := get(m, k); v != nil && v.Kind == yaml.SequenceNode {
		return scalarItems(v)
	}
	return nil
}

func scalarItems(seq *yaml.Node) []string {
	out := []string{}
	for _, n := range seq.Content {
		if n.Kind == yaml.ScalarNode {
			out = append(out, n.Value)
		}
	}
	return out
}

func texts(m *yaml.Node, k string) map[string]string {
	out := map[string]string{}
	if _, v := get(m, k); v != nil && v.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(v.Content); i += 2 {
			if t := v.Content[i+1]; t.Kind == yaml.ScalarNode && t.Tag != "!!null" {
				out[v.Content[i].Value] = t.Value
			}
		}
	}
	return out
}

// formatDuration writes a duration the way authors do: 30m, 2h, 1h30m.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (c *Course) clone() *Course {
	n := *c
	n.Phases = slices.Clone(c.Phases)
	n.Languages = slices.Clone(c.Languages)
	n.Lessons = slices.Clone(c.Lessons)
	n.Title = maps.Clone(c.Title)
	n.Summary = maps.Clone(c.Summary)
	n.Outcomes = map[string][]string{}
	for l, o := range c.Outcomes {
		n.Outcomes[l] = slices.Clone(o)
	}
	if n.Title == nil {
		n.Title = map[string]string{}
	}
	if n.Summary == nil {
		n.Summary = map[string]string{}
	}
	return &n
}

// CourseFromForm reads the course editor's posted fields into c: title.LANG, summary.LANG,
// outcomes.LANG (one outcome a line, blank lines ignored) for each language of the course,
// level, phases (repeated), pass_mark, max_attempts, questions_per_lesson and quiz_cooldown.
// A field absent from the form keeps its value, so that a form may show part of the course;
// the phase check boxes therefore come with a hidden empty "phases" field, so that unticking
// them all is seen. Every problem is returned as a FieldError naming its field, with the
// rules of `content check`; when there is one, c is left as it was.
func CourseFromForm(c *Course, form url.Values) []FieldError {
	n := c.clone()
	var errs FieldErrors
	has := func(k string) bool { _, ok := form[k]; return ok }
	val := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	for _, l := range c.Languages {
		if k := "title." + l; has(k) {
			n.Title[l] = formText(form.Get(k))
		}
		if k := "summary." + l; has(k) {
			n.Summary[l] = formText(form.Get(k))
		}
		if k := "outcomes." + l; has(k) {
			n.Outcomes[l] = formLines(form.Get(k))
		}
	}
	if has("level") {
		n.Level = val("level")
	}
	if has("phases") {
		n.Phases = nil
		for _, s := range form["phases"] {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			p, err := strconv.Atoi(s)
			switch {
			case err != nil || p < 1 || p > maxPhase:
				errs = append(errs, fieldErr("phases", "phase_invalid", "value", s))
			case slices.Contains(n.Phases, p):
				errs = append(errs, fieldErr("phases", "phase_twice", "value", p))
			default:
				n.Phases = append(n.Phases, p)
			}
		}
		sort.Ints(n.Phases)
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"pass_mark", &n.PassMark}, {"max_attempts", &n.MaxAttempts}, {"questions_per_lesson", &n.QuestionsPerLesson}} {
		if !has(f.name) {
			continue
		}
		i, err := strconv.Atoi(val(f.name))
		if err != nil {
			errs = append(errs, fieldErr(f.name, "number_invalid", "value", val(f.name)))
			continue
		}
		*f.dst = i
	}
	if has("quiz_cooldown") {
		n.Cooldown = val("quiz_cooldown")
	}
	for _, fe := range validateCourse(n) {
		if !errs.Has(fe.Field) {
			errs = append(errs, fe)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	*c = *n
	return nil
}

// formText is a text as typed: spaces trimmed, line ends made \n.
func formText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// formLines splits a text area into its non-blank lines.
func formLines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// validateCourse applies the manifest rules of courses/check.go (parseManifest) to c.
func validateCourse(c *Course) FieldErrors {
	var errs FieldErrors
	if !slices.Contains(courses.Levels, c.Level) {
		errs = append(errs, fieldErr("level", "level_unknown", "value", c.Level))
	}
	if len(c.Phases) == 0 {
		errs = append(errs, fieldErr("phases", "phases_none"))
	}
	for i, p := range c.Phases {
		if p < 1 || p > maxPhase {
			errs = append(errs, fieldErr("phases", "phase_invalid", "value", strconv.Itoa(p)))
		} else if slices.Contains(c.Phases[:i], p) {
			errs = append(errs, fieldErr("phases", "phase_twice", "value", p))
		}
	}
	for _, f := range []struct {
		name    string
		v, most int
	}{{"pass_mark", c.PassMark, maxPassMark}, {"max_attempts", c.MaxAttempts, maxAttempts}, {"questions_per_lesson", c.QuestionsPerLesson, maxPerLesson}} {
		if f.v < 1 || f.v > f.most {
			errs = append(errs, fieldErr(f.name, "number_range", "min", 1, "max", f.most))
		}
	}
	if d, err := time.ParseDuration(c.Cooldown); err != nil {
		errs = append(errs, fieldErr("quiz_cooldown", "cooldown_invalid", "value", c.Cooldown))
	} else if d < 0 || d > maxCooldown {
		errs = append(errs, fieldErr("quiz_cooldown", "cooldown_range"))
	}
	if len(c.Languages) == 0 {
		errs = append(errs, fieldErr("languages", "languages_none"))
	}
	for i, l := range c.Languages {
		if !slices.Contains(courses.Languages, l) || slices.Contains(c.Languages[:i], l) {
			errs = append(errs, fieldErr("languages", "language_unknown", "value", l))
			continue
		}
		if strings.TrimSpace(c.Title[l]) == "" {
			errs = append(errs, fieldErr("title."+l, "text_required"))
		}
		if strings.TrimSpace(c.Summary[l]) == "" {
			errs = append(errs, fieldErr("summary."+l, "text_required"))
		}
		out := c.Outcomes[l]
		switch {
		case slices.ContainsFunc(out, func(s string) bool { return strings.TrimSpace(s) == "" }):
			errs = append(errs, fieldErr("outcomes."+l, "text_required"))
		case len(out) < minOutcomes || len(out) > maxOutcomes:
			errs = append(errs, fieldErr("outcomes."+l, "outcomes_count", "min", minOutcomes, "max", maxOutcomes, "n", len(out)))
		}
	}
	return errs
}

// changedFields names the form fields whose values differ between old and c.
func changedFields(old, c *Course) map[string]bool {
	ch := map[string]bool{
		"slug":                 old.Slug != c.Slug,
		"level":                old.Level != c.Level,
		"phases":               !slices.Equal(old.Phases, c.Phases),
		"pass_mark":            old.PassMark != c.PassMark,
		"max_attempts":         old.MaxAttempts != c.MaxAttempts,
		"questions_per_lesson": old.QuestionsPerLesson != c.QuestionsPerLesson,
		"quiz_cooldown":        !sameDuration(old.Cooldown, c.Cooldown),
		"languages":            !slices.Equal(old.Languages, c.Languages),
		"lessons":              !slices.Equal(old.Lessons, c.Lessons),
	}
	for _, l := range langOrder(merge(old.Title, c.Title)) {
		_, a := old.Title[l]
		_, b := c.Title[l]
		ch["title."+l] = a != b || old.Title[l] != c.Title[l]
	}
	for _, l := range langOrder(merge(old.Summary, c.Summary)) {
		_, a := old.Summary[l]
		_, b := c.Summary[l]
		ch["summary."+l] = a != b || old.Summary[l] != c.Summary[l]
	}
	for _, l := range langOrder(merge(old.Outcomes, c.Outcomes)) {
		_, a := old.Outcomes[l]
		_, b := c.Outcomes[l]
		ch["outcomes."+l] = a != b || !slices.Equal(old.Outcomes[l], c.Outcomes[l])
	}
	return ch
}

func merge[V any](a, b map[string]V) map[string]V {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]V{}
	}
	maps.Copy(out, b)
	return out
}

func anyPrefix(ch map[string]bool, prefix string) bool {
	for k, v := range ch {
		if v && strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func sameDuration(a, b string) bool {
	if a == b {
		return true
	}
	da, ea := time.ParseDuration(a)
	db, eb := time.ParseDuration(b)
	return ea == nil && eb == nil && da == db
}

// ApplyCourse writes c into src, the current course.yaml, and returns the new file: only the
// values that differ from src are rewritten, in the quoting of the value they replace; a key
// the file does not have is added at its place in the order of content/FORMAT.md. Comments
// and untouched keys are kept byte for byte. A changed value that the form would refuse is
// refused (FieldErrors); src is never modified.
func ApplyCourse(src []byte, c *Course) ([]byte, error) {
	e, err := newEditor(src)
	if err != nil {
		return nil, err
	}
	old := readCourse(e.root)
	ch := changedFields(old, c)
	var errs FieldErrors
	for _, fe := range validateCourse(c) {
		if ch[fe.Field] {
			errs = append(errs, fe)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	m := e.root
	steps := []struct {
		field string
		do    func() error
	}{
		{"slug", func() error { return e.setValue(m, "slug", c.Slug, kindWord, courseOrder) }},
		{"phases", func() error { return e.setList(m, "phases", itoas(c.Phases), kindRaw, courseOrder, true) }},
		{"level", func() error { return e.setValue(m, "level", c.Level, kindWord, courseOrder) }},
		{"pass_mark", func() error { return e.setValue(m, "pass_mark", strconv.Itoa(c.PassMark), kindRaw, courseOrder) }},
		{"max_attempts", func() error { return e.setValue(m, "max_attempts", strconv.Itoa(c.MaxAttempts), kindRaw, courseOrder) }},
		{"questions_per_lesson", func() error {
			return e.setValue(m, "questions_per_lesson", strconv.Itoa(c.QuestionsPerLesson), kindRaw, courseOrder)
		}},
		{"quiz_cooldown", func() error { return e.setValue(m, "quiz_cooldown", c.Cooldown, kindWord, courseOrder) }},
		{"languages", func() error { return e.setList(m, "languages", c.Languages, kindWord, courseOrder, true) }},
		{"title.", func() error { return e.setTexts(m, "title", c.Title, courseOrder) }},
		{"summary.", func() error { return e.setTexts(m, "summary", c.Summary, courseOrder) }},
		{"outcomes.", func() error { return e.setOutcomes(m, c.Outcomes, ch) }},
		{"lessons", func() error { return e.setList(m, "lessons", c.Lessons, kindWord, courseOrder, false) }},
	}
	for _, s := range steps {
		if ch[s.field] || strings.HasSuffix(s.field, ".") && anyPrefix(ch, s.field) {
			if err := s.do(); err != nil {
				return nil, fmt.Errorf("forms: course.yaml %s: %w", strings.TrimSuffix(s.field, "."), err)
			}
		}
	}
	out, err := e.apply()
	if err != nil {
		return nil, err
	}
	if got, err := ParseCourse(out); err != nil || anyPrefix(changedFields(got, c), "") {
		return nil, fmt.Errorf("forms: course.yaml: the edited file does not read back as the form (%v)", err)
	}
	return out, nil
}

// setOutcomes writes the outcomes of the languages marked changed in ch.
func (e *editor) setOutcomes(m *yaml.Node, outcomes map[string][]string, ch map[string]bool) error {
	key, v := get(m, "outcomes")
	if key == nil || v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		var b strings.Builder
		ind := indentOf(m) + "  "
		for _, l := range langOrder(outcomes) {
			b.WriteString("\n" + ind + l + ":" + renderList(ind+"  ", outcomes[l], kindText, nil))
		}
		if key == nil {
			return e.insertKey(m, anchorFor(m, "outcomes", courseOrder, nil), "outcomes", b.String())
		}
		return e.replaceValue(m, key, v, b.String())
	}
	langs := langOrder(outcomes)
	for i := 0; i+1 < len(v.Content); i += 2 {
		if k := v.Content[i]; ch["outcomes."+k.Value] {
			if _, ok := outcomes[k.Value]; !ok {
				if err := e.removeKey(v, k); err != nil {
					return err
				}
			}
		}
	}
	for _, l := range langs {
		if ch["outcomes."+l] {
			if err := e.setList(v, l, outcomes[l], kindText, langs, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func itoas(is []int) []string {
	out := make([]string, len(is))
	for i, n := range is {
		out[i] = strconv.Itoa(n)
	}
	return out
}

// MoveLesson returns course.yaml with lesson moved by places in the lessons list: -1 one
// place up, +1 one place down. Each lesson line moves with its comment; nothing else changes.
func MoveLesson(src []byte, lesson string, by int) ([]byte, error) {
	c, err := ParseCourse(src)
	if err != nil {
		return nil, err
	}
	i := slices.Index(c.Lessons, lesson)
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrUnknownLesson, lesson)
	}
	j := i + by
	if j < 0 || j >= len(c.Lessons) {
		return nil, ErrCannotMove
	}
	order := slices.Delete(slices.Clone(c.Lessons), i, i+1)
	return ReorderLessons(src, slices.Insert(order, j, lesson))
}

// ReorderLessons returns course.yaml with the lessons list in the given order, the result of
// a drag and drop. The order must be a permutation of the current list (ErrNotPermutation):
// adding or removing a lesson goes with its files and is not done here.
func ReorderLessons(src []byte, order []string) ([]byte, error) {
	e, err := newEditor(src)
	if err != nil {
		return nil, err
	}
	_, seq := get(e.root, "lessons")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%w: course.yaml has no lessons list", ErrNotPermutation)
	}
	cur := make([]string, len(seq.Content))
	for i, n := range seq.Content {
		cur[i] = n.Value
	}
	if len(order) != len(cur) {
		return nil, ErrNotPermutation
	}
	perm := make([]int, len(order))
	used := make([]bool, len(cur))
	for i, l := range order {
		j := slices.IndexFunc(cur, func(s string) bool { return s == l })
		for j >= 0 && used[j] {
			k := slices.Index(cur[j+1:], l)
			if k < 0 {
				j = -1
				break
			}
			j += 1 + k
		}
		if j < 0 {
			return nil, fmt.Errorf("%w: %q", ErrNotPermutation, l)
		}
		used[j], perm[i] = true, j
	}
	if err := e.permute(seq, perm); err != nil {
		return nil, err
	}
	out, err := e.apply()
	if err != nil {
		return nil, err
	}
	if got, err := ParseCourse(out); err != nil || !slices.Equal(got.Lessons, order) {
		return nil, fmt.Errorf("forms: course.yaml: the reordered file does not read back (%v)", err)
	}
	return out, nil
}

// ErrBadLessonName: a new lesson's name is not NN-slug (two digits, a hyphen, lowercase
// letters, digits and hyphens), or the course already lists it.
var ErrBadLessonName = errors.New("forms: a lesson name is NN-slug, new to the course")

// AddLesson returns course.yaml with lesson appended to its lessons list, written like the
// list's last entry (its indentation and quoting); nothing else changes. The lesson's files
// are written in the editor afterwards.
func AddLesson(src []byte, lesson string) ([]byte, error) {
	c, err := ParseCourse(src)
	if err != nil {
		return nil, err
	}
	if !lessonNameRe.MatchString(lesson) || slices.Contains(c.Lessons, lesson) {
		return nil, fmt.Errorf("%w: %q", ErrBadLessonName, lesson)
	}
	e, err := newEditor(src)
	if err != nil {
		return nil, err
	}
	_, seq := get(e.root, "lessons")
	if seq == nil || seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
		return nil, fmt.Errorf("%w: the lessons list is not a block list", ErrUnsupported)
	}
	last := seq.Content[len(seq.Content)-1]
	lines := strings.SplitAfter(string(src), "\n")
	i := last.Line - 1
	if i < 0 || i >= len(lines) {
		return nil, fmt.Errorf("%w: the lessons list", ErrUnsupported)
	}
	line := strings.TrimRight(lines[i], "\r\n")
	at := strings.Index(line, last.Value)
	if at < 0 || last.Column-1 > len(line) {
		return nil, fmt.Errorf("%w: the lessons list", ErrUnsupported)
	}
	// The new entry: the last entry's line up to its value, the name, and the same quotes.
	quote := ""
	if last.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		quote = line[last.Column-1 : last.Column]
	}
	entry := line[:last.Column-1] + quote + lesson + quote + "\n"
	if !strings.HasSuffix(lines[i], "\n") {
		lines[i] += "\n"
	}
	out := strings.Join(lines[:i+1], "") + entry + strings.Join(lines[i+1:], "")
	got, err := ParseCourse([]byte(out))
	if err != nil || !slices.Equal(got.Lessons, append(slices.Clone(c.Lessons), lesson)) {
		return nil, fmt.Errorf("forms: course.yaml: the file with the new lesson does not read back (%v)", err)
	}
	return []byte(out), nil
}

// ErrLastLesson: the lesson asked to be removed is the course's only one.
var ErrLastLesson = errors.New("forms: a course keeps at least one lesson")

// RemoveLesson returns course.yaml with lesson taken out of its lessons list, every other
// line as it was. A lesson not listed is ErrBadLessonName; the only lesson, ErrLastLesson.
func RemoveLesson(src []byte, lesson string) ([]byte, error) {
	c, err := ParseCourse(src)
	if err != nil {
		return nil, err
	}
	at := slices.Index(c.Lessons, lesson)
	switch {
	case at < 0:
		return nil, fmt.Errorf("%w: %q is not listed", ErrBadLessonName, lesson)
	case len(c.Lessons) == 1:
		return nil, ErrLastLesson
	}
	e, err := newEditor(src)
	if err != nil {
		return nil, err
	}
	_, seq := get(e.root, "lessons")
	if seq == nil || seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 {
		return nil, fmt.Errorf("%w: the lessons list is not a block list", ErrUnsupported)
	}
	var item *yaml.Node
	for _, n := range seq.Content {
		if n.Kind == yaml.ScalarNode && n.Value == lesson {
			item = n
		}
	}
	lines := strings.SplitAfter(string(src), "\n")
	if item == nil || item.Line < 1 || item.Line > len(lines) {
		return nil, fmt.Errorf("%w: the lessons list", ErrUnsupported)
	}
	// The entry's line goes: "  - 03-name" (with any comment after it).
	i := item.Line - 1
	if !strings.HasPrefix(strings.TrimSpace(lines[i]), "- ") {
		return nil, fmt.Errorf("%w: the lesson %q does not have a line of its own", ErrUnsupported, lesson)
	}
	out := strings.Join(lines[:i], "") + strings.Join(lines[i+1:], "")
	got, err := ParseCourse([]byte(out))
	if err != nil || !slices.Equal(got.Lessons, slices.Delete(slices.Clone(c.Lessons), at, at+1)) {
		return nil, fmt.Errorf("forms: course.yaml: the file without the lesson does not read back (%v)", err)
	}
	return []byte(out), nil
}

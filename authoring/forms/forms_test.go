package forms_test

import (
	"bytes"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/masar-platform/masar/authoring/forms"
	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
)

// shipped returns the course folders of the content the binary ships.
func shipped(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(content.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && regexp.MustCompile(`^[0-9]{2}-`).MatchString(e.Name()) {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no shipped course")
	}
	return dirs
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(content.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// folder copies one shipped course folder, with the files of over in place of its own.
func folder(t *testing.T, dir string, over map[string][]byte) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(content.FS, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range over {
		m[path.Join(dir, name)] = &fstest.MapFile{Data: b}
	}
	return m
}

// changed returns the lines of a and b between their common first and last lines.
func changed(a, b []byte) (old, new []string) {
	la, lb := strings.SplitAfter(string(a), "\n"), strings.SplitAfter(string(b), "\n")
	i := 0
	for i < len(la) && i < len(lb) && la[i] == lb[i] {
		i++
	}
	j := 0
	for j < len(la)-i && j < len(lb)-i && la[len(la)-1-j] == lb[len(lb)-1-j] {
		j++
	}
	return la[i : len(la)-j], lb[i : len(lb)-j]
}

// diffLines returns the lines removed from a and added in b (a longest common subsequence of
// lines is kept).
func diffLines(a, b []byte) (removed, added []string) {
	x, y := changed(a, b)
	l := make([][]int, len(x)+1)
	for i := range l {
		l[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			i, j = i+1, j+1
		case l[i+1][j] >= l[i][j+1]:
			removed, i = append(removed, x[i]), i+1
		default:
			added, j = append(added, y[j]), j+1
		}
	}
	return append(removed, x[i:]...), append(added, y[j:]...)
}

func TestApplyCourseUnchangedIsByteIdentical(t *testing.T) {
	for _, dir := range shipped(t) {
		src := read(t, dir+"/course.yaml")
		c, err := forms.ParseCourse(src)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		out, err := forms.ApplyCourse(src, c)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if !bytes.Equal(out, src) {
			o, n := changed(src, out)
			t.Errorf("%s: an unchanged course rewrote %q as %q", dir, o, n)
		}
	}
}

func TestApplyCourseArabicTitleChangesOnlyItsLine(t *testing.T) {
	for _, dir := range shipped(t) {
		src := read(t, dir+"/course.yaml")
		c, _ := forms.ParseCourse(src)
		title := "عنوان جديد: «الحكومة المفتوحة» \"بين قوسين\""
		if errs := forms.CourseFromForm(c, url.Values{"title.ar": {"  " + title + " "}}); errs != nil {
			t.Fatalf("%s: %v", dir, errs)
		}
		out, err := forms.ApplyCourse(src, c)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		o, n := changed(src, out)
		if len(o) != 1 || len(n) != 1 || !strings.HasPrefix(strings.TrimSpace(o[0]), "ar:") {
			t.Fatalf("%s: changed %q into %q, want the Arabic title line only", dir, o, n)
		}
		if got, _ := forms.ParseCourse(out); got.Title["ar"] != title {
			t.Errorf("%s: title reads back as %q", dir, got.Title["ar"])
		}
		if ps := courses.Check(folder(t, dir, map[string][]byte{"course.yaml": out})); len(ps) > 0 {
			t.Errorf("%s: content check after the edit: %v", dir, ps)
		}
	}
}

func TestApplyCourseAddsMissingKeysInPlace(t *testing.T) {
	dir := shipped(t)[0]
	src := read(t, dir+"/course.yaml")
	c, _ := forms.ParseCourse(src)
	if bytes.Contains(src, []byte("quiz_cooldown")) {
		t.Skip("the first course already sets quiz_cooldown")
	}
	form := url.Values{"questions_per_lesson": {"2"}, "quiz_cooldown": {"45m"}, "pass_mark": {"80"}}
	if errs := forms.CourseFromForm(c, form); errs != nil {
		t.Fatal(errs)
	}
	out, err := forms.ApplyCourse(src, c)
	if err != nil {
		t.Fatal(err)
	}
	o, n := changed(src, out)
	// pass_mark changes; quiz_cooldown is added after max_attempts; questions_per_lesson keeps
	// the default and is not written.
	want := []string{"pass_mark: 80\n", "max_attempts: 3\n", "quiz_cooldown: 45m\n"}
	if len(o) != 2 || !reflect.DeepEqual(n, want) {
		t.Errorf("changed %q into %q, want %q", o, n, want)
	}
	got, _ := forms.ParseCourse(out)
	if got.Cooldown != "45m" || got.PassMark != 80 {
		t.Errorf("read back %+v", got)
	}
}

func TestApplyCourseOutcomesList(t *testing.T) {
	dir := shipped(t)[0]
	src := read(t, dir+"/course.yaml")
	c, _ := forms.ParseCourse(src)
	fr := slices.Clone(c.Outcomes["fr"])
	fr = append(fr[:4], "Un résultat ajouté : «\u00a0guillemets\u00a0».")
	if errs := forms.CourseFromForm(c, url.Values{"outcomes.fr": {strings.Join(fr, "\r\n") + "\n\n"}}); errs != nil {
		t.Fatal(errs)
	}
	out, err := forms.ApplyCourse(src, c)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := forms.ParseCourse(out)
	if !slices.Equal(got.Outcomes["fr"], fr) || !slices.Equal(got.Outcomes["en"], c.Outcomes["en"]) {
		t.Errorf("outcomes read back %q", got.Outcomes["fr"])
	}
	o, n := changed(src, out)
	for _, l := range append(o, n...) {
		if !strings.HasPrefix(l, "    - ") {
			t.Errorf("line outside the French outcomes changed: %q", l)
		}
	}
	if ps := courses.Check(folder(t, dir, map[string][]byte{"course.yaml": out})); len(ps) > 0 {
		t.Errorf("content check: %v", ps)
	}
}

// commented is a manifest written the way FORMAT.md shows it: comments after values,
// flow lists, values aligned.
const commented = `slug: open-government-framework      # URL name
phases: [1, 2, 3, 4]                 # framework phases served
level: introductory                  # introductory | intermediate | advanced
pass_mark: 70                        # quiz pass mark in percent
languages: [ar, en]                  # every lesson must exist in each of these
title: { ar: 'عنوان', en: "Title" }
summary:
  ar: "…"
  en: Plain summary
outcomes:
  ar: ["١", "٢", "٣", "٤"]
  en: [one, two, three, four]
lessons:                             # lesson order
  - 01-why-open-government           # first
  - 02-four-phases
  # a comment between lessons
  - 03-six-strategic-objectives
`

func TestApplyCourseKeepsCommentsAndStyles(t *testing.T) {
	src := []byte(commented)
	c, err := forms.ParseCourse(src)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"pass_mark": {"85"}, "phases": {"", "2", "4"}, "title.ar": {"عنوان 'آخر'"},
		"title.en": {"New: title"}, "summary.en": {"Still plain"}, "outcomes.en": {"one\ntwo\nthree\nfour\nfive"}}
	if errs := forms.CourseFromForm(c, form); errs != nil {
		t.Fatal(errs)
	}
	out, err := forms.ApplyCourse([]byte(commented), c)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"pass_mark: 70 ", "pass_mark: 85 ",
		"phases: [1, 2, 3, 4]      ", "phases: [2, 4]      ",
		"{ ar: 'عنوان', en: \"Title\" }", "{ ar: 'عنوان ''آخر''', en: \"New: title\" }",
		"en: Plain summary", "en: Still plain",
		"[one, two, three, four]", "[one, two, three, four, five]",
	).Replace(commented)
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if !bytes.Equal(src, []byte(commented)) {
		t.Error("src was modified")
	}
}

func TestApplyCourseRefusesInvalidValues(t *testing.T) {
	src := []byte(commented)
	for _, tc := range []struct {
		field  string
		change func(c *forms.Course)
	}{
		{"pass_mark", func(c *forms.Course) { c.PassMark = 0 }},
		{"level", func(c *forms.Course) { c.Level = "expert" }},
		{"quiz_cooldown", func(c *forms.Course) { c.Cooldown = "soon" }},
		{"title.en", func(c *forms.Course) { c.Title["en"] = " " }},
		{"outcomes.ar", func(c *forms.Course) { c.Outcomes["ar"] = c.Outcomes["ar"][:3] }},
	} {
		c, _ := forms.ParseCourse(src)
		tc.change(c)
		out, err := forms.ApplyCourse(src, c)
		var fe forms.FieldErrors
		if !errors.As(err, &fe) || !fe.Has(tc.field) || out != nil {
			t.Errorf("%s: got %v, %q", tc.field, err, out)
		}
	}
}

func TestMoveLesson(t *testing.T) {
	src := []byte(commented)
	out, err := forms.MoveLesson(src, "02-four-phases", -1)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(commented, "  - 01-why-open-government           # first\n  - 02-four-phases\n",
		"  - 02-four-phases\n  - 01-why-open-government           # first\n", 1)
	if string(out) != want {
		t.Errorf("moved up:\n%s", out)
	}
	out, err = forms.MoveLesson(src, "02-four-phases", +1)
	if err != nil {
		t.Fatal(err)
	}
	want = strings.Replace(commented, "  - 02-four-phases\n  # a comment between lessons\n  - 03-six-strategic-objectives\n",
		"  - 03-six-strategic-objectives\n  # a comment between lessons\n  - 02-four-phases\n", 1)
	if string(out) != want {
		t.Errorf("moved down:\n%s", out)
	}
	if _, err := forms.MoveLesson(src, "01-why-open-government", -1); !errors.Is(err, forms.ErrCannotMove) {
		t.Errorf("first lesson up: %v", err)
	}
	if _, err := forms.MoveLesson(src, "03-six-strategic-objectives", +1); !errors.Is(err, forms.ErrCannotMove) {
		t.Errorf("last lesson down: %v", err)
	}
	if _, err := forms.MoveLesson(src, "09-nowhere", 1); !errors.Is(err, forms.ErrUnknownLesson) {
		t.Errorf("unknown lesson: %v", err)
	}
}

func TestReorderLessons(t *testing.T) {
	for _, dir := range shipped(t) {
		src := read(t, dir+"/course.yaml")
		c, _ := forms.ParseCourse(src)
		order := slices.Clone(c.Lessons)
		slices.Reverse(order)
		out, err := forms.ReorderLessons(src, order)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		got, _ := forms.ParseCourse(out)
		if !slices.Equal(got.Lessons, order) {
			t.Errorf("%s: lessons %v", dir, got.Lessons)
		}
		o, n := changed(src, out)
		if len(o) != len(order) || len(n) != len(order) {
			t.Errorf("%s: changed %q into %q", dir, o, n)
		}
		if ps := courses.Check(folder(t, dir, map[string][]byte{"course.yaml": out})); len(ps) > 0 {
			t.Errorf("%s: content check: %v", dir, ps)
		}
		for _, bad := range [][]string{
			order[1:],                                 // one missing
			append(slices.Clone(order), order[0]),     // one added twice
			append(slices.Clone(order[1:]), order[1]), // one replaced by another
			append(slices.Clone(order[1:]), "99-new-lesson"),
			nil,
		} {
			if out, err := forms.ReorderLessons(src, bad); !errors.Is(err, forms.ErrNotPermutation) || out != nil {
				t.Errorf("%s: order %v accepted (%v)", dir, bad, err)
			}
		}
	}
}

func TestCourseFromFormRules(t *testing.T) {
	src := read(t, shipped(t)[0]+"/course.yaml")
	base, _ := forms.ParseCourse(src)
	outcomes := func(n int) string {
		var l []string
		for i := range n {
			l = append(l, "Outcome "+strconv.Itoa(i+1))
		}
		return strings.Join(l, "\n")
	}
	for _, tc := range []struct {
		name, field, key string
		form             url.Values
	}{
		{"empty Arabic title", "title.ar", "text_required", url.Values{"title.ar": {"  "}}},
		{"empty French summary", "summary.fr", "text_required", url.Values{"summary.fr": {""}}},
		{"three outcomes", "outcomes.en", "outcomes_count", url.Values{"outcomes.en": {outcomes(3)}}},
		{"seven outcomes", "outcomes.en", "outcomes_count", url.Values{"outcomes.en": {outcomes(7)}}},
		{"blank outcomes", "outcomes.ar", "outcomes_count", url.Values{"outcomes.ar": {"\n \n"}}},
		{"unknown level", "level", "level_unknown", url.Values{"level": {"expert"}}},
		{"phase 5", "phases", "phase_invalid", url.Values{"phases": {"", "1", "5"}}},
		{"phase not a number", "phases", "phase_invalid", url.Values{"phases": {"two"}}},
		{"phase twice", "phases", "phase_twice", url.Values{"phases": {"2", "2"}}},
		{"no phase", "phases", "phases_none", url.Values{"phases": {""}}},
		{"pass mark 0", "pass_mark", "number_range", url.Values{"pass_mark": {"0"}}},
		{"pass mark 101", "pass_mark", "number_range", url.Values{"pass_mark": {"101"}}},
		{"pass mark text", "pass_mark", "number_invalid", url.Values{"pass_mark": {"70%"}}},
		{"no attempts", "max_attempts", "number_range", url.Values{"max_attempts": {"0"}}},
		{"attempts 101", "max_attempts", "number_range", url.Values{"max_attempts": {"101"}}},
		{"attempts empty", "max_attempts", "number_invalid", url.Values{"max_attempts": {""}}},
		{"51 per lesson", "questions_per_lesson", "number_range", url.Values{"questions_per_lesson": {"51"}}},
		{"0 per lesson", "questions_per_lesson", "number_range", url.Values{"questions_per_lesson": {"0"}}},
		{"cooldown words", "quiz_cooldown", "cooldown_invalid", url.Values{"quiz_cooldown": {"half an hour"}}},
		{"cooldown empty", "quiz_cooldown", "cooldown_invalid", url.Values{"quiz_cooldown": {""}}},
		{"cooldown 31 days", "quiz_cooldown", "cooldown_range", url.Values{"quiz_cooldown": {"721h"}}},
		{"cooldown negative", "quiz_cooldown", "cooldown_range", url.Values{"quiz_cooldown": {"-5m"}}},
	} {
		c, _ := forms.ParseCourse(src)
		// A valid change beside the faulty field must not be applied either.
		tc.form.Set("title.en", "A new English title")
		errs := forms.CourseFromForm(c, tc.form)
		if !slices.ContainsFunc(errs, func(f forms.FieldError) bool {
			return f.Field == tc.field && f.Key == "authoring_forms."+tc.key
		}) {
			t.Errorf("%s: got %v, want %s on %s", tc.name, errs, tc.key, tc.field)
		}
		if !reflect.DeepEqual(c, base) {
			t.Errorf("%s: the course was changed in part", tc.name)
		}
	}

	c, _ := forms.ParseCourse(src)
	ok := url.Values{"title.en": {"New"}, "level": {"advanced"}, "phases": {"", "3", "1"}, "pass_mark": {"75"},
		"max_attempts": {"5"}, "questions_per_lesson": {"1"}, "quiz_cooldown": {"2h"}, "outcomes.fr": {outcomes(4)},
		"title.de": {""}} // a language the course does not offer is ignored
	if errs := forms.CourseFromForm(c, ok); errs != nil {
		t.Fatal(errs)
	}
	if c.Title["en"] != "New" || c.Level != "advanced" || !slices.Equal(c.Phases, []int{1, 3}) || c.PassMark != 75 ||
		c.MaxAttempts != 5 || c.QuestionsPerLesson != 1 || c.Cooldown != "2h" || len(c.Outcomes["fr"]) != 4 {
		t.Errorf("applied %+v", c)
	}
}

func TestSetUnchangedQuestionIsByteIdentical(t *testing.T) {
	for _, dir := range shipped(t) {
		src := read(t, dir+"/quiz.yaml")
		q, err := forms.ParseQuiz(src)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if len(q.Questions) == 0 {
			t.Fatalf("%s: no questions read", dir)
		}
		for _, qu := range q.Questions {
			out, err := forms.SetQuestion(src, qu)
			if err != nil {
				t.Fatalf("%s %s: %v", dir, qu.ID, err)
			}
			if !bytes.Equal(out, src) {
				o, n := changed(src, out)
				t.Fatalf("%s %s: unchanged question rewrote %q as %q", dir, qu.ID, o, n)
			}
		}
	}
}

func TestSetQuestionChangesOnlyItsValues(t *testing.T) {
	dir := shipped(t)[0]
	src := read(t, dir+"/quiz.yaml")
	quiz, _ := forms.ParseQuiz(src)
	var q forms.Question
	for _, qu := range quiz.Questions {
		if qu.Type == courses.Single {
			q = qu
			break
		}
	}
	q.Options = slices.Clone(q.Options)
	right := slices.IndexFunc(q.Options, func(o forms.Option) bool { return o.Correct })
	other := (right + 1) % len(q.Options)
	q.Options[right].Correct, q.Options[other].Correct = false, true
	text := map[string]string{}
	for l, s := range q.Options[other].Text {
		text[l] = s
	}
	text["fr"] = "Un texte français revu\u00a0: «\u00a0cité\u00a0»"
	q.Options[other].Text = text
	out, err := forms.SetQuestion(src, q)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := forms.ParseQuiz(out)
	if !got.Find(q.ID).Same(q) {
		t.Errorf("read back %+v", got.Find(q.ID))
	}
	// Lines removed: the old correct: true and French text; added: correct: true on the other
	// option and its French text. The other lines are as they were.
	o, n := diffLines(src, out)
	if len(o) != 2 || len(n) != 2 || strings.TrimSpace(o[0]) != "correct: true" || strings.TrimSpace(n[0]) != "correct: true" ||
		!strings.Contains(o[1], "fr: ") || n[1] != "          fr: \"Un texte français revu\u00a0: «\u00a0cité\u00a0»\"\n" {
		t.Errorf("removed %q, added %q", o, n)
	}
	if len(bytes.Split(out, []byte("\n"))) != len(bytes.Split(src, []byte("\n"))) {
		t.Error("the number of lines changed")
	}
	if !bytes.Contains(out, []byte("# Lesson 1")) {
		t.Error("a comment was lost")
	}
}

// newQuestionForm is a single-choice question written in the editor for lesson, with
// options of equal length (so that no length bias appears) and the right one at place right.
func newQuestionForm(id, lesson string, right int) url.Values {
	f := url.Values{"id": {id}, "type": {"single"}, "lesson": {lesson},
		"prompt.ar":      {"أيّ هذه العبارات تصف الحكومة المفتوحة كما يعرضها الدرس؟"},
		"prompt.en":      {"Which of these statements describes open government as the lesson presents it?"},
		"prompt.fr":      {"Laquelle de ces phrases décrit le gouvernement ouvert tel que la leçon le présente ?"},
		"explanation.ar": {"يربط الدرس الحكومة المفتوحة بعلاقة جديدة بين الإدارة والجمهور، لا بالتقنية وحدها."},
		"explanation.en": {"The lesson ties open government to a new relationship between administration and public, not to technology alone."},
		"explanation.fr": {"La leçon relie le gouvernement ouvert à une relation nouvelle entre administration et public, non à la seule technique."},
	}
	for i, digit := range []string{"١", "٢", "٣", "٤"} {
		n := strconv.Itoa(i + 1)
		f.Set("option."+n+".text.ar", "الفكرة رقم "+digit+" من الدرس")
		f.Set("option."+n+".text.en", "Idea number "+n+" of the lesson")
		f.Set("option."+n+".text.fr", "Idée numéro "+n+" de la leçon")
		if i == right {
			f.Set("option."+n+".correct", "on")
		}
	}
	return f
}

func TestAppendedQuestionPassesContentCheck(t *testing.T) {
	for _, dir := range shipped(t) {
		csrc, qsrc := read(t, dir+"/course.yaml"), read(t, dir+"/quiz.yaml")
		c, _ := forms.ParseCourse(csrc)
		quiz, _ := forms.ParseQuiz(qsrc)
		// The right option goes where the bank has the fewest.
		places := make([]int, 4)
		for _, q := range quiz.Questions {
			if i := slices.IndexFunc(q.Options, func(o forms.Option) bool { return o.Correct }); q.Type == courses.Single && i >= 0 && i < 4 {
				places[i]++
			}
		}
		q, errs := forms.QuestionFromForm(newQuestionForm(quiz.NextID(), c.Lessons[0], slices.Index(places, slices.Min(places))), c.Languages, c.Lessons)
		if errs != nil {
			t.Fatalf("%s: %v", dir, errs)
		}
		out, err := forms.SetQuestion(qsrc, q)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if !bytes.HasPrefix(out, qsrc[:len(qsrc)-1]) {
			t.Errorf("%s: the quiz before the new question changed", dir)
		}
		if got, _ := forms.ParseQuiz(out); !got.Find(q.ID).Same(q) || len(got.Questions) != len(quiz.Questions)+1 {
			t.Errorf("%s: the new question reads back as %+v", dir, got.Find(q.ID))
		}
		if ps := courses.Check(folder(t, dir, map[string][]byte{"quiz.yaml": out})); len(ps) > 0 {
			t.Errorf("%s: content check: %v\n%s", dir, ps, out[len(qsrc)-200:])
		}
		if is := forms.CheckQuiz(out, c); len(is) > 0 {
			t.Errorf("%s: CheckQuiz: %v", dir, is)
		}
		// Deleting it gives the file back.
		back, err := forms.DeleteQuestion(out, q.ID)
		if err != nil || !bytes.Equal(back, qsrc) {
			t.Errorf("%s: delete after append: %v", dir, err)
		}
	}
}

func TestDeleteQuestion(t *testing.T) {
	dir := shipped(t)[0]
	src := read(t, dir+"/quiz.yaml")
	quiz, _ := forms.ParseQuiz(src)
	id := quiz.Questions[1].ID
	out, err := forms.DeleteQuestion(src, id)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := forms.ParseQuiz(out)
	if got.Find(id) != nil || len(got.Questions) != len(quiz.Questions)-1 {
		t.Errorf("question %s still there", id)
	}
	o, n := changed(src, out)
	if len(n) != 0 || !strings.Contains(o[0], "- id: "+id) {
		t.Errorf("changed %q into %q", o, n)
	}
	if _, err := forms.DeleteQuestion(src, "no-such-question"); !errors.Is(err, forms.ErrNoQuestion) {
		t.Errorf("unknown id: %v", err)
	}
}

// flowQuiz is a quiz in the compact style of FORMAT.md's example.
const flowQuiz = `questions:
  - id: q1                     # unique within the quiz
    type: single
    lesson: 01-why-open-government
    prompt: { ar: "سؤال", en: "Question" }
    options:
      - { id: a, text: { ar: "أ", en: "A" } }
      - { id: b, text: { ar: "ب", en: "B" }, correct: true }
    explanation: { ar: "شرح", en: "Why" }
  - id: q2
    type: truefalse
    lesson: 02-four-phases
    prompt: { ar: "…", en: "…" }
    answer: false              # no options
    explanation: { ar: "…", en: "…" }
`

func TestSetQuestionFlowStyle(t *testing.T) {
	quiz, err := forms.ParseQuiz([]byte(flowQuiz))
	if err != nil {
		t.Fatal(err)
	}
	q := *quiz.Find("q1")
	q.Options = []forms.Option{
		{ID: "a", Text: map[string]string{"ar": "أ", "en": "A, changed"}, Correct: true},
		{ID: "b", Text: map[string]string{"ar": "ب", "en": "B", "fr": "B"}},
	}
	q.Prompt = map[string]string{"ar": "سؤال", "en": "Question"}
	out, err := forms.SetQuestion([]byte(flowQuiz), q)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		`{ id: a, text: { ar: "أ", en: "A" } }`, `{ id: a, correct: true, text: { ar: "أ", en: "A, changed" } }`,
		`{ id: b, text: { ar: "ب", en: "B" }, correct: true }`, `{ id: b, text: { ar: "ب", en: "B", fr: "B" } }`,
	).Replace(flowQuiz)
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}

	// Turning the true/false question into a single-choice one adds options where the
	// answer was, and keeps the rest.
	tf := *quiz.Find("q2")
	tf.Type, tf.Answer = courses.Multiple, nil
	tf.Options = []forms.Option{{ID: "a", Text: map[string]string{"ar": "١", "en": "1"}, Correct: true}, {ID: "b", Text: map[string]string{"ar": "٢", "en": "2"}}}
	out, err = forms.SetQuestion([]byte(flowQuiz), tf)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := forms.ParseQuiz(out); !got.Find("q2").Same(tf) || !got.Find("q1").Same(*quiz.Find("q1")) {
		t.Errorf("read back wrong:\n%s", out)
	}
	if !strings.Contains(string(out), "# unique within the quiz") || strings.Contains(string(out), "answer:") {
		t.Errorf("got\n%s", out)
	}
}

func TestQuestionFromFormRules(t *testing.T) {
	langs := []string{"ar", "en", "fr"}
	lessons := []string{"01-why-open-government", "02-four-phases"}
	base := newQuestionForm("q99", lessons[1], 2)
	if q, errs := forms.QuestionFromForm(base, langs, lessons); errs != nil || q.Options[2].ID != "c" || !q.Options[2].Correct {
		t.Fatalf("valid form: %v %+v", errs, q)
	}
	tf := url.Values{"id": {"q7"}, "type": {"truefalse"}, "lesson": {lessons[0]}, "answer": {"true"}}
	for _, l := range langs {
		tf.Set("prompt."+l, "Statement "+l)
		tf.Set("explanation."+l, "Why "+l)
	}
	if q, errs := forms.QuestionFromForm(tf, langs, lessons); errs != nil || q.Answer == nil || !*q.Answer || q.Options != nil {
		t.Fatalf("valid true/false: %v %+v", errs, q)
	}
	multiple := func(f url.Values) url.Values {
		f.Set("type", "multiple")
		f.Set("option.1.correct", "on")
		return f
	}
	for _, tc := range []struct {
		name, field, key string
		change           func(f url.Values) url.Values
	}{
		{"no id", "id", "id_required", func(f url.Values) url.Values { f.Set("id", " "); return f }},
		{"id with a space", "id", "id_invalid", func(f url.Values) url.Values { f.Set("id", "q 1"); return f }},
		{"id too long", "id", "id_invalid", func(f url.Values) url.Values { f.Set("id", strings.Repeat("q", 41)); return f }},
		{"unknown type", "type", "type_unknown", func(f url.Values) url.Values { f.Set("type", "essay"); return f }},
		{"no lesson", "lesson", "lesson_required", func(f url.Values) url.Values { f.Del("lesson"); return f }},
		{"lesson of another course", "lesson", "lesson_unknown", func(f url.Values) url.Values { f.Set("lesson", "03-elsewhere"); return f }},
		{"no French prompt", "prompt.fr", "text_required", func(f url.Values) url.Values { f.Set("prompt.fr", "  "); return f }},
		{"no Arabic explanation", "explanation.ar", "text_required", func(f url.Values) url.Values { f.Del("explanation.ar"); return f }},
		{"option without English", "option.2.text.en", "text_required", func(f url.Values) url.Values { f.Set("option.2.text.en", ""); return f }},
		{"option ids twice", "option.2.id", "option_id_twice", func(f url.Values) url.Values {
			f.Set("option.1.id", "x")
			f.Set("option.2.id", "x")
			return f
		}},
		{"option id badly formed", "option.3.id", "id_invalid", func(f url.Values) url.Values { f.Set("option.3.id", "c)"); return f }},
		{"single with two right", "options", "single_correct", func(f url.Values) url.Values { f.Set("option.1.correct", "on"); return f }},
		{"single with none right", "options", "single_correct", func(f url.Values) url.Values { f.Del("option.3.correct"); return f }},
		{"single with three options", "options", "single_options", func(f url.Values) url.Values {
			for _, l := range langs {
				f.Del("option.4.text." + l)
			}
			return f
		}},
		{"single with five options", "options", "single_options", func(f url.Values) url.Values {
			for _, l := range langs {
				f.Set("option.5.text."+l, "Fifth "+l)
			}
			return f
		}},
		{"multiple all right", "options", "multiple_correct", func(f url.Values) url.Values {
			f = multiple(f)
			f.Set("option.2.correct", "1")
			f.Set("option.4.correct", "true")
			return f
		}},
		{"multiple none right", "options", "multiple_correct", func(f url.Values) url.Values {
			f.Set("type", "multiple")
			f.Set("option.3.correct", "off")
			return f
		}},
		{"multiple with six options", "options", "multiple_options", func(f url.Values) url.Values {
			f = multiple(f)
			for _, n := range []string{"5", "6"} {
				for _, l := range langs {
					f.Set("option."+n+".text."+l, "More "+l)
				}
			}
			return f
		}},
		{"true/false with options", "options", "truefalse_options", func(f url.Values) url.Values {
			f.Set("type", "truefalse")
			f.Set("answer", "false")
			return f
		}},
		{"true/false without answer", "answer", "answer_required", func(url.Values) url.Values {
			f := url.Values{"id": {"q7"}, "type": {"truefalse"}, "lesson": {lessons[0]}, "answer": {"maybe"}}
			for _, l := range langs {
				f.Set("prompt."+l, "Statement")
				f.Set("explanation."+l, "Why")
			}
			return f
		}},
		{"explanation cites a letter", "explanation.en", "explanation_cites", func(f url.Values) url.Values {
			f.Set("explanation.en", "As the lesson says, (c) is the one.")
			return f
		}},
		{"explanation names a place", "explanation.ar", "explanation_cites", func(f url.Values) url.Values {
			f.Set("explanation.ar", "الخيار الثالث هو الصحيح بحسب الدرس.")
			return f
		}},
		{"explanation quotes the right option", "explanation.fr", "explanation_quotes", func(f url.Values) url.Values {
			f.Set("explanation.fr", "La leçon le dit : idée numéro 3 de la leçon.")
			return f
		}},
	} {
		f := url.Values{}
		for k, v := range base {
			f[k] = slices.Clone(v)
		}
		_, errs := forms.QuestionFromForm(tc.change(f), langs, lessons)
		if !slices.ContainsFunc(errs, func(fe forms.FieldError) bool {
			return fe.Field == tc.field && fe.Key == "authoring_forms."+tc.key
		}) {
			t.Errorf("%s: got %v, want %s on %s", tc.name, errs, tc.key, tc.field)
		}
	}
}

func TestSetQuestionRefusesBadIDAndKeepsSource(t *testing.T) {
	src := []byte(flowQuiz)
	for _, q := range []forms.Question{{ID: "", Type: "single"}, {ID: "q 1", Type: "single"}, {ID: "q1", Type: "essay"}} {
		if out, err := forms.SetQuestion(src, q); err == nil || out != nil {
			t.Errorf("%+v accepted", q)
		}
	}
	if string(src) != flowQuiz {
		t.Error("src was modified")
	}
}

func TestCheckQuizPlacesProblems(t *testing.T) {
	dir := shipped(t)[0]
	csrc, qsrc := read(t, dir+"/course.yaml"), read(t, dir+"/quiz.yaml")
	c, _ := forms.ParseCourse(csrc)
	if is := forms.CheckQuiz(qsrc, c); len(is) > 0 {
		t.Fatalf("shipped quiz: %v", is)
	}
	quiz, _ := forms.ParseQuiz(qsrc)

	// A question whose explanation cites an option by its letter.
	var q forms.Question
	for _, qu := range quiz.Questions {
		if qu.Type == courses.Single {
			q = qu
			break
		}
	}
	q.Explanation = map[string]string{"ar": q.Explanation["ar"], "en": "See (b): " + q.Explanation["en"], "fr": q.Explanation["fr"]}
	is, err := forms.CheckQuestion(qsrc, c, q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(is, func(i forms.QuizIssue) bool {
		return i.Question == q.ID && i.Field == "explanation.en" && i.Key == "authoring_forms.explanation_cites" && i.Line > 0
	}) {
		t.Errorf("cited letter not placed: %+v", is)
	}

	// A lesson left with too few questions: a bank problem, on no question.
	out := qsrc
	lesson := c.Lessons[0]
	for _, qu := range quiz.Questions {
		if qu.Lesson == lesson {
			if out, err = forms.DeleteQuestion(out, qu.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	is = forms.CheckQuiz(out, c)
	if !slices.ContainsFunc(is, func(i forms.QuizIssue) bool {
		return i.Question == "" && i.Key == "authoring_forms.bank_lesson_count" && slices.Contains(i.Args, any(lesson))
	}) {
		t.Errorf("lesson count not reported: %+v", is)
	}

	// A question missing its French prompt is placed on its field.
	broken := bytes.Replace(qsrc, []byte("      fr: "+strconv.Quote(quiz.Questions[0].Prompt["fr"])+"\n"), nil, 1)
	if bytes.Equal(broken, qsrc) {
		t.Fatal("could not remove the French prompt")
	}
	is = forms.CheckQuiz(broken, c)
	if !slices.ContainsFunc(is, func(i forms.QuizIssue) bool {
		return i.Question == quiz.Questions[0].ID && i.Field == "prompt.fr" && i.Key == "authoring_forms.text_required"
	}) {
		t.Errorf("missing prompt not placed: %+v", is)
	}
}

// TestMessageKeysExist reads the keys this package names and requires each in every
// language's catalogue.
func TestMessageKeysExist(t *testing.T) {
	cat := i18n.MustLoad()
	keys := map[string]bool{"bank_longest": true, "bank_shortest": true}
	names, _ := fs.Glob(os.DirFS("."), "*.go")
	re := regexp.MustCompile(`fieldErr\([^,]+, "([a-z_]+)"`)
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			if !strings.HasSuffix(string(m[1]), "_") { // a prefix completed at run time
				keys[string(m[1])] = true
			}
		}
	}
	if len(keys) < 20 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for k := range keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, "authoring_forms."+k) {
				t.Errorf("%s: authoring_forms.%s missing", l, k)
			}
		}
	}
}

// TestEveryQuestionEditStaysInside edits shipped questions of every type in several ways and requires
// the lines outside the question to stay as they were and the question to read back.
func TestEveryQuestionEditStaysInside(t *testing.T) {
	edits := map[string]func(q forms.Question) forms.Question{
		"options reversed": func(q forms.Question) forms.Question {
			q.Options = slices.Clone(q.Options)
			slices.Reverse(q.Options)
			return q
		},
		"an option dropped": func(q forms.Question) forms.Question {
			if len(q.Options) > 0 {
				q.Options = slices.Clone(q.Options[1:])
			}
			return q
		},
		"every text changed": func(q forms.Question) forms.Question {
			q.Prompt = map[string]string{"ar": "نص «جديد»", "en": "New: text # not a comment", "fr": "Nouveau\u00a0: «\u00a0texte\u00a0»"}
			q.Explanation = map[string]string{"ar": "شرح\nعلى سطرين", "en": "'quoted'", "fr": "l'idée"}
			return q
		},
		"type switched": func(q forms.Question) forms.Question {
			if q.Type == courses.TrueFalse {
				q.Type, q.Answer = courses.Single, nil
				q.Options = []forms.Option{{ID: "a", Text: map[string]string{"ar": "أ", "en": "A", "fr": "A"}, Correct: true},
					{ID: "b", Text: map[string]string{"ar": "ب", "en": "B", "fr": "B"}}}
			} else {
				yes := true
				q.Type, q.Answer, q.Options = courses.TrueFalse, &yes, nil
			}
			return q
		},
		"lesson removed": func(q forms.Question) forms.Question { q.Lesson = ""; return q },
	}
	for _, dir := range shipped(t) {
		src := read(t, dir+"/quiz.yaml")
		quiz, _ := forms.ParseQuiz(src)
		types := map[string]bool{}
		for i, q := range quiz.Questions {
			// The first question of each type and every fifth, to keep the test short.
			if types[q.Type] && i%5 != 0 {
				continue
			}
			types[q.Type] = true
			for name, edit := range edits {
				want := edit(q)
				out, err := forms.SetQuestion(src, want)
				if err != nil {
					t.Fatalf("%s %s %s: %v", dir, q.ID, name, err)
				}
				got, _ := forms.ParseQuiz(out)
				if !got.Find(q.ID).Same(want) && !(want.Type == courses.TrueFalse && got.Find(q.ID).Options == nil) {
					t.Errorf("%s %s %s: read back %+v", dir, q.ID, name, got.Find(q.ID))
				}
				// Everything before this question's "- id:" line and from the next one on is
				// unchanged.
				head := src[:bytes.Index(src, []byte("- id: "+q.ID+"\n"))]
				tail := []byte{}
				if i+1 < len(quiz.Questions) {
					tail = src[bytes.Index(src, []byte("- id: "+quiz.Questions[i+1].ID+"\n")):]
				}
				if !bytes.HasPrefix(out, head) || !bytes.HasSuffix(out, tail) {
					o, n := changed(src, out)
					t.Errorf("%s %s %s: changed outside the question: %q → %q", dir, q.ID, name, o, n)
				}
			}
		}
	}
}

func TestAddLesson(t *testing.T) {
	for _, dir := range shipped(t) {
		src, err := fs.ReadFile(content.FS, dir+"/course.yaml")
		if err != nil {
			t.Fatal(err)
		}
		out, err := forms.AddLesson(src, "09-a-new-lesson")
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if !bytes.HasPrefix(out, src[:bytes.LastIndex(src, []byte("\n  - "))]) {
			t.Errorf("%s: the lines before the list's end changed", dir)
		}
		if !bytes.Contains(out, []byte("\n  - 09-a-new-lesson\n")) {
			t.Errorf("%s: the new entry is not written like the others:\n%s", dir, out)
		}
		c, _ := forms.ParseCourse(src)
		for _, bad := range []string{"new-lesson", "9-x", "09-Capital", "09-x/../y", c.Lessons[0]} {
			if _, err := forms.AddLesson(src, bad); !errors.Is(err, forms.ErrBadLessonName) {
				t.Errorf("%s: %q: %v", dir, bad, err)
			}
		}
	}
}

// TestRemoveLesson takes each shipped course's second lesson out of its list: only that
// line goes; an unlisted lesson and the last one left are refused.
func TestRemoveLesson(t *testing.T) {
	for _, dir := range shipped(t) {
		src, err := fs.ReadFile(content.FS, dir+"/course.yaml")
		if err != nil {
			t.Fatal(err)
		}
		c, _ := forms.ParseCourse(src)
		out, err := forms.RemoveLesson(src, c.Lessons[1])
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if want := bytes.Replace(src, []byte("\n  - "+c.Lessons[1]+"\n"), []byte("\n"), 1); !bytes.Equal(out, want) {
			t.Errorf("%s: more than the lesson's line changed:\n%s", dir, out)
		}
		if _, err := forms.RemoveLesson(src, "99-not-listed"); !errors.Is(err, forms.ErrBadLessonName) {
			t.Errorf("%s: an unlisted lesson: %v", dir, err)
		}
		// Down to one lesson, which stays.
		for _, l := range c.Lessons[1:] {
			if src, err = forms.RemoveLesson(src, l); err != nil {
				t.Fatalf("%s: remove %s: %v", dir, l, err)
			}
		}
		if _, err := forms.RemoveLesson(src, c.Lessons[0]); !errors.Is(err, forms.ErrLastLesson) {
			t.Errorf("%s: the last lesson: %v", dir, err)
		}
	}
}

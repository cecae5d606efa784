// Package courses is Masar's e-learning: the catalogue of courses loaded from the Markdown
// content (content/FORMAT.md), lessons rendered once to HTML, quizzes scored on the server,
// and each official's enrolment, progress, quiz attempts and completion in the database,
// with the staff report and its Excel export.
//
// A Catalogue is built by Load and never changed afterwards, so that any number of requests
// may read it at once; reloading the content builds a new Catalogue, which the caller swaps
// in as a whole (an atomic.Pointer in the web layer).
//
// URL conventions: a course is /{lang}/courses/{course slug}; a lesson's URL segment is its
// file stem without the language, e.g. /ar/courses/open-government-data/01-what-is-open-data;
// a course's images are served from /content/{course slug}/images/{name} (see
// Catalogue.OpenImage).
package courses

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/masar-platform/masar/store"
)

// Languages are the languages a course may be written in, in the order tried when a lesson
// is missing in the reader's language.
var Languages = []string{"ar", "en", "fr"}

// Levels are the allowed course levels.
var Levels = []string{"introductory", "intermediate", "advanced"}

// Defaults of the manifest.
const (
	DefaultPassMark    = 70
	DefaultMaxAttempts = 3
	// DefaultQuestionsPerLesson is how many questions of each lesson an attempt asks.
	DefaultQuestionsPerLesson = 2
	// DefaultQuizCooldown is the wait between a failed attempt and the next.
	DefaultQuizCooldown = 30 * time.Minute
)

var (
	courseDirRe  = regexp.MustCompile(`^[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$`)
	slugRe       = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	lessonSlugRe = regexp.MustCompile(`^[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$`)
	lessonFileRe = regexp.MustCompile(`^([0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]{2})\.md$`)
)

// Problem is a fault found in the content, with the file (relative to the content root) and
// the line (1-based; 0 when the fault concerns the whole file) where it is.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
	// Format and Args are what Message was written from, so that a page can say it in the
	// reader's language (web/content_problems.go); Args are the values as text.
	Format string   `json:"-"`
	Args   []string `json:"-"`
}

// String formats the problem as "file:line: message" (or "file: message" without a line),
// the form compilers use, so that editors can jump to it.
func (p Problem) String() string {
	if p.Line <= 0 {
		return p.File + ": " + p.Message
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// problems collects Problems while loading.
type problems []Problem

func (ps *problems) add(file string, line int, format string, args ...any) {
	texts := make([]string, len(args))
	for i, a := range args {
		texts[i] = fmt.Sprint(a)
	}
	*ps = append(*ps, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...), Format: format, Args: texts})
}

// Catalogue is the set of published courses, in catalogue order. It is immutable once
// loaded and safe for concurrent use; a nil *Catalogue is an empty catalogue.
type Catalogue struct {
	courses []*Course
	bySlug  map[string]*Course
	fsys    fs.FS
}

// Courses returns the courses in catalogue order (the order of their folders' NN prefix).
// The slice is a copy; the courses themselves must not be modified.
func (c *Catalogue) Courses() []*Course {
	if c == nil {
		return nil
	}
	return slices.Clone(c.courses)
}

// ReadFile reads a file at the top of the content folder the catalogue was loaded from, such
// as the search thesaurus (thesaurus.txt); fs.ErrNotExist when there is none.
func (c *Catalogue) ReadFile(name string) ([]byte, error) {
	if c == nil || c.fsys == nil {
		return nil, fs.ErrNotExist
	}
	return fs.ReadFile(c.fsys, name)
}

// Len is the number of courses.
func (c *Catalogue) Len() int {
	if c == nil {
		return 0
	}
	return len(c.courses)
}

// Course returns the course with that slug, or an error wrapping store.ErrNotFound.
func (c *Catalogue) Course(slug string) (*Course, error) {
	if c != nil {
		if co, ok := c.bySlug[slug]; ok {
			return co, nil
		}
	}
	return nil, fmt.Errorf("courses: course %q: %w", slug, store.ErrNotFound)
}

// Lesson returns a course, one of its lessons in the reader's language (or the fallback
// language, fellBack true) — the page /{lang}/courses/{courseSlug}/{lessonSlug}. The error
// wraps store.ErrNotFound when the course or the lesson does not exist.
func (c *Catalogue) Lesson(courseSlug, lessonSlug, lang string) (*Course, *LessonView, bool, error) {
	co, err := c.Course(courseSlug)
	if err != nil {
		return nil, nil, false, err
	}
	v, fellBack := co.Lesson(lessonSlug, lang)
	if v == nil {
		return nil, nil, false, fmt.Errorf("courses: lesson %s/%s: %w", courseSlug, lessonSlug, store.ErrNotFound)
	}
	return co, v, fellBack, nil
}

// OpenImage opens an image of a course, name being the path below the course's images/
// folder (as in the URL /content/{courseSlug}/images/{name}). Paths that would leave the
// folder are refused as not found.
func (c *Catalogue) OpenImage(courseSlug, name string) (fs.File, error) {
	co, err := c.Course(courseSlug)
	if err != nil {
		return nil, err
	}
	if name == "" || !fs.ValidPath(name) || strings.HasPrefix(path.Base(name), ".") {
		return nil, fmt.Errorf("courses: image %s/%q: %w", courseSlug, name, store.ErrNotFound)
	}
	f, err := c.fsys.Open(path.Join(co.Dir, "images", name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("courses: image %s/%s: %w", courseSlug, name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("courses: image %s/%s: %w", courseSlug, name, err)
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("courses: image %s/%s: %w", courseSlug, name, store.ErrNotFound)
	}
	return f, nil
}

// Course is one course: its manifest, its lessons in order and its quiz.
type Course struct {
	Slug   string `json:"slug"`
	Dir    string `json:"-"` // folder in the content, e.g. "02-open-government-data"
	Phases []int  `json:"phases"`
	Level  string `json:"level"`
	// DeclaredHours is the manifest's optional hours: figure, kept only for `content check`
	// to compare with StudyHours, which is the figure shown and certified.
	DeclaredHours     float64 `json:"-"`
	declaredHoursLine int
	PassMark          int `json:"pass_mark"`
	MaxAttempts       int `json:"max_attempts"`
	// QuestionsPerLesson is how many questions of each lesson an attempt draws.
	QuestionsPerLesson int `json:"questions_per_lesson"`
	// QuizCooldown is the wait between a failed attempt and the next one.
	QuizCooldown time.Duration       `json:"-"`
	Languages    []string            `json:"languages"`
	Title        map[string]string   `json:"title"`
	Summary      map[string]string   `json:"summary"`
	Outcomes     map[string][]string `json:"outcomes"`
	Lessons      []*Lesson           `json:"lessons"`
	Quiz         *Quiz               `json:"-"` // nil when the course has no quiz
}

// pick returns m[lang], or the first non-empty text in the fallback order.
func pick(m map[string]string, lang string) string {
	if s := m[lang]; s != "" {
		return s
	}
	for _, l := range Languages {
		if s := m[l]; s != "" {
			return s
		}
	}
	return ""
}

// TitleIn is the course's title in lang, or in the first language that has one.
func (c *Course) TitleIn(lang string) string { return pick(c.Title, lang) }

// SummaryIn is the course's summary in lang, or in the first language that has one.
func (c *Course) SummaryIn(lang string) string { return pick(c.Summary, lang) }

// OutcomesIn are the learning outcomes in lang, or in the first language that has them.
func (c *Course) OutcomesIn(lang string) []string {
	if o := c.Outcomes[lang]; len(o) > 0 {
		return o
	}
	for _, l := range Languages {
		if o := c.Outcomes[l]; len(o) > 0 {
			return o
		}
	}
	return nil
}

// Offers reports whether the manifest promises the course in lang.
func (c *Course) Offers(lang string) bool { return slices.Contains(c.Languages, lang) }

// Minutes is the sum of the lessons' reading times in lang (with fallbacks), exercises and
// quiz left out.
func (c *Course) Minutes(lang string) int {
	n := 0
	for _, l := range c.Lessons {
		if v, _ := l.View(lang); v != nil {
			n += v.Minutes
		}
	}
	return n
}

// FindLesson returns the lesson with that slug and its index in Lessons, or nil, -1.
func (c *Course) FindLesson(slug string) (*Lesson, int) {
	for i, l := range c.Lessons {
		if l.Slug == slug {
			return l, i
		}
	}
	return nil, -1
}

// Lesson returns the lesson slug for a reader of lang: in lang when written in it, otherwise
// in the first of ar, en, fr that exists, with fellBack true. It is nil only when the course
// has no such lesson. Links inside the view lead to pages in lang either way.
func (c *Course) Lesson(slug, lang string) (v *LessonView, fellBack bool) {
	l, _ := c.FindLesson(slug)
	if l == nil {
		return nil, false
	}
	return l.View(lang)
}

// Neighbours returns the lessons before and after slug (nil at either end).
func (c *Course) Neighbours(slug string) (prev, next *Lesson) {
	_, i := c.FindLesson(slug)
	if i < 0 {
		return nil, nil
	}
	if i > 0 {
		prev = c.Lessons[i-1]
	}
	if i+1 < len(c.Lessons) {
		next = c.Lessons[i+1]
	}
	return prev, next
}

// Lesson is one lesson of a course, in all the languages it is written in.
type Lesson struct {
	Slug      string   `json:"slug"`      // file stem without language, also its URL segment: "01-why-open-government"
	Number    int      `json:"number"`    // 1-based position in the course
	Languages []string `json:"languages"` // languages it is written in, in ar, en, fr order
	// ExerciseMinutes is the time of the lesson's exercises and activities, as its front
	// matter states it (exercise_minutes; 0 when it has none).
	ExerciseMinutes int `json:"exercise_minutes"`
	// views maps a page language to what a reader of that language is shown.
	views map[string]*LessonView
}

// View returns what a reader of lang is shown: the lesson in lang, or the fallback with
// fellBack true. It is never nil for a loaded lesson.
func (l *Lesson) View(lang string) (v *LessonView, fellBack bool) {
	if v := l.views[lang]; v != nil {
		return v, v.Lang != lang
	}
	for _, fl := range Languages {
		if v := l.views[fl]; v != nil && v.Lang == fl {
			return v, true
		}
	}
	for _, fl := range Languages {
		if v := l.views[fl]; v != nil {
			return v, true
		}
	}
	return nil, false
}

// Title is the lesson's title for a reader of lang (with fallback).
func (l *Lesson) Title(lang string) string {
	if v, _ := l.View(lang); v != nil {
		return v.Title
	}
	return l.Slug
}

// LessonView is a lesson rendered in one language, ready to be shown.
type LessonView struct {
	Lang     string        `json:"lang"` // the language the text is written in
	Title    string        `json:"title"`
	Minutes  int           `json:"minutes"` // reading time, computed from Words (ReadingMinutes)
	Words    int           `json:"words"`   // words of the rendered text
	HTML     template.HTML `json:"html"`    // rendered once at load, safe: raw HTML in the source is escaped
	Text     string        `json:"-"`       // plain text, for the search index
	NotesAt  int           `json:"-"`       // where the footnotes begin in Text (len(Text) without any)
	Headings []Heading     `json:"headings"`
}

// Dir is the text direction of the view's language: "rtl" for Arabic, else "ltr".
func (v *LessonView) Dir() string {
	if v.Lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// Heading is a section heading of a lesson (levels 2 and 3), for a table of contents.
type Heading struct {
	Level int    `json:"level"`
	ID    string `json:"id"` // the element id, usable as a URL fragment
	Text  string `json:"text"`
}

// Load reads every course folder (NN-slug) of fsys: manifests, lessons and quizzes, renders
// every lesson to HTML, and returns the catalogue with every problem found. Courses whose
// manifest cannot be used are left out of the catalogue; the others are kept even when
// they have problems, so that a reload with a small mistake does not empty the site.
func Load(fsys fs.FS) (*Catalogue, []Problem) {
	cat := &Catalogue{bySlug: map[string]*Course{}, fsys: fsys}
	var ps problems
	if fsys == nil {
		ps.add(".", 0, "no content")
		return cat, ps
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		ps.add(".", 0, "cannot read the content folder: %v", err)
		return cat, ps
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	slugFile := map[string]string{}
	for _, e := range entries {
		if !e.IsDir() || !courseDirRe.MatchString(e.Name()) {
			continue
		}
		c, slugLine := loadCourse(fsys, e.Name(), &ps)
		if c == nil {
			continue
		}
		if first, dup := slugFile[c.Slug]; dup {
			ps.add(path.Join(c.Dir, "course.yaml"), slugLine, "slug %q is already used by %s", c.Slug, first)
			continue
		}
		slugFile[c.Slug] = path.Join(c.Dir, "course.yaml")
		cat.courses = append(cat.courses, c)
		cat.bySlug[c.Slug] = c
	}
	return cat, ps
}

// loadCourse reads one course folder. It returns nil when the manifest is unusable, and the
// line of the slug in the manifest.
func loadCourse(fsys fs.FS, dir string, ps *problems) (*Course, int) {
	mfile := path.Join(dir, "course.yaml")
	src, err := fs.ReadFile(fsys, mfile)
	if errors.Is(err, fs.ErrNotExist) {
		ps.add(mfile, 0, "missing: every course folder needs a course.yaml manifest")
		return nil, 0
	}
	if err != nil {
		ps.add(mfile, 0, "cannot read: %v", err)
		return nil, 0
	}
	m := parseManifest(mfile, src, ps)
	if m == nil || m.course.Slug == "" || !slugRe.MatchString(m.course.Slug) {
		return nil, 0
	}
	c := m.course
	c.Dir = dir
	// French titles, summary and outcomes keep their high punctuation on the line, as the
	// lessons' bodies do (frenchSpacing).
	if t, ok := c.Title["fr"]; ok {
		c.Title["fr"] = frenchSpaces.Replace(t)
	}
	if t, ok := c.Summary["fr"]; ok {
		c.Summary["fr"] = frenchSpaces.Replace(t)
	}
	for i, o := range c.Outcomes["fr"] {
		c.Outcomes["fr"][i] = frenchSpaces.Replace(o)
	}

	// The folder's files: lesson files by stem and language.
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		ps.add(dir, 0, "cannot read the folder: %v", err)
		return nil, 0
	}
	files := map[string]map[string]string{} // stem → lang → file name
	hasQuiz := false
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasPrefix(name, "#") {
			continue // editors' temporary files
		}
		if e.IsDir() {
			if name != "images" {
				ps.add(path.Join(dir, name), 0, "unexpected folder: a course folder holds only lessons, course.yaml, quiz.yaml and images/")
			}
			continue
		}
		switch {
		case name == "course.yaml":
		case name == "quiz.yaml":
			hasQuiz = true
		case strings.HasSuffix(name, ".md"):
			mm := lessonFileRe.FindStringSubmatch(name)
			if mm == nil {
				ps.add(path.Join(dir, name), 0, "not a lesson file name: expected NN-lessonslug.LANG.md (e.g. 01-why-open-government.ar.md)")
				continue
			}
			if !slices.Contains(Languages, mm[2]) {
				ps.add(path.Join(dir, name), 0, "unknown language %q: lessons are written in ar, en or fr", mm[2])
				continue
			}
			if files[mm[1]] == nil {
				files[mm[1]] = map[string]string{}
			}
			files[mm[1]][mm[2]] = name
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			ps.add(path.Join(dir, name), 0, "unexpected file: only course.yaml and quiz.yaml are read")
		}
	}

	// Lessons in manifest order; every promised language must be there.
	listed := map[string]bool{}
	for _, ml := range m.lessons {
		listed[ml.slug] = true
		langs := files[ml.slug]
		for _, lang := range c.Languages {
			if langs[lang] == "" {
				ps.add(mfile, ml.line, "lesson %s is missing in %s: no file %s.%s.md", ml.slug, lang, ml.slug, lang)
			}
		}
		if len(langs) == 0 {
			continue
		}
		l := &Lesson{Slug: ml.slug, Number: len(c.Lessons) + 1, views: map[string]*LessonView{}}
		for _, lang := range Languages {
			if langs[lang] != "" {
				l.Languages = append(l.Languages, lang)
			}
		}
		c.Lessons = append(c.Lessons, l)
	}
	stems := make([]string, 0, len(files))
	for stem := range files {
		stems = append(stems, stem)
	}
	sort.Strings(stems)
	for _, stem := range stems {
		if listed[stem] {
			continue
		}
		for _, lang := range Languages {
			if f := files[stem][lang]; f != "" {
				ps.add(path.Join(dir, f), 1, "lesson not listed under lessons in course.yaml")
			}
		}
	}

	// Render every lesson for every page language.
	known := map[string]bool{}
	for _, l := range c.Lessons {
		known[l.Slug] = true
	}
	for _, l := range c.Lessons {
		sources := map[string]*lessonSource{}
		for _, lang := range l.Languages {
			file := path.Join(dir, files[l.Slug][lang])
			src, err := fs.ReadFile(fsys, file)
			if err != nil {
				ps.add(file, 0, "cannot read: %v", err)
				continue
			}
			sources[lang] = parseLesson(file, src, ps)
		}
		for _, page := range Languages {
			content := page
			if sources[content] == nil {
				content = ""
				for _, fl := range Languages {
					if sources[fl] != nil {
						content = fl
						break
					}
				}
			}
			if content == "" {
				break
			}
			s := sources[content]
			job := &renderJob{
				file: s.file, bodyLine: s.bodyLine, contentLang: content, pageLang: page,
				course: c.Slug, lessons: known, fsys: fsys, dir: dir,
				// Report the body's problems once, from the rendering in its own language.
				report: content == page,
			}
			v := job.render(s.body)
			v.Title, v.Minutes = s.title, ReadingMinutes(v.Lang, v.Words)
			if v.Lang == "fr" {
				v.Title = frenchSpaces.Replace(v.Title)
			}
			if s.exerciseMinutes > l.ExerciseMinutes {
				l.ExerciseMinutes = s.exerciseMinutes
			}
			if v.Title == "" {
				v.Title = l.Slug
			}
			if job.report {
				*ps = append(*ps, job.problems...)
			}
			l.views[page] = v
		}
	}
	kept := c.Lessons[:0]
	for _, l := range c.Lessons {
		if len(l.views) > 0 {
			l.Number = len(kept) + 1
			kept = append(kept, l)
		}
	}
	c.Lessons = kept

	// The quiz.
	qfile := path.Join(dir, "quiz.yaml")
	if !hasQuiz {
		ps.add(qfile, 0, "missing: every course needs a quiz.yaml")
	} else if src, err := fs.ReadFile(fsys, qfile); err != nil {
		ps.add(qfile, 0, "cannot read: %v", err)
	} else if q := parseQuiz(qfile, src, c.Languages, ps); q != nil {
		q.PassMark = c.PassMark
		c.Quiz = q
		checkQuestionLessons(qfile, c, ps)
	}
	return c, m.slugLine
}

// lessonSource is a lesson file split into its front matter and its Markdown body.
type lessonSource struct {
	file  string
	title string
	// exerciseMinutes is the front matter's exercise_minutes (the largest of the languages
	// is the lesson's).
	exerciseMinutes int
	body            []byte
	bodyLine        int // line of the file on which the body starts
}

// splitFrontMatter separates "---\n yaml \n---\n body". It returns ok false when the file
// does not start with a front matter block, and the line on which the body starts.
func splitFrontMatter(src []byte) (fm, body []byte, bodyLine int, ok bool) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	first, rest, found := bytes.Cut(src, []byte("\n"))
	if !found || strings.TrimRight(string(first), " \t\r") != "---" {
		return nil, src, 1, false
	}
	line := 2
	start := len(src) - len(rest)
	off := start
	for off < len(src) {
		end := bytes.IndexByte(src[off:], '\n')
		var l []byte
		next := len(src)
		if end >= 0 {
			l = src[off : off+end]
			next = off + end + 1
		} else {
			l = src[off:]
		}
		if t := strings.TrimRight(string(l), " \t\r"); t == "---" || t == "..." {
			return src[start:off], src[next:], line + 1, true
		}
		off = next
		line++
	}
	return nil, src, 1, false
}

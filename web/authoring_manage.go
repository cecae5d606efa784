package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/authoring/forms"
	"github.com/masar-platform/masar/authoring/media"
	"github.com/masar-platform/masar/authoring/xliff"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/sheet"
	"github.com/masar-platform/masar/store"
)

// manageRoutes: course settings, lesson order, quiz, images, trainers and translations.
// Every change is saved as a draft revision, on top of the revision the page was opened on
// (the form's base_id): someone who saved in between is named (409) and nothing is
// overwritten. Staff publish from the course page.
func (h *handler) manageRoutes(g fiber.Router) {
	g.Get("/:course/settings", h.showCourseSettings)
	g.Post("/:course/settings", h.saveCourseSettings)
	g.Post("/:course/lessons/move", h.moveCourseLesson)
	g.Post("/:course/lessons/order", h.orderCourseLessons)
	g.Post("/:course/lessons/add", h.addCourseLesson)
	g.Post("/:course/lessons/remove", h.removeCourseLesson)
	g.Get("/:course/quiz", h.showQuizBank)
	g.Get("/:course/quiz/:qid", h.showQuizQuestion)
	g.Post("/:course/quiz/:qid/delete", h.deleteQuizQuestion)
	g.Post("/:course/quiz/:qid", h.saveQuizQuestion)
	g.Get("/:course/images", h.showCourseImages)
	g.Post("/:course/images", h.uploadCourseImage)
	g.Get("/:course/trainers", h.showCourseTrainers)
	g.Post("/:course/trainers", h.changeCourseTrainers)
	g.Get("/:course/translations.xlsx", h.exportTranslations)
	g.Get("/:course/translations", h.showTranslations)
	g.Get("/:course/translations/:lesson/:tlang.xlf", h.exportLessonXLIFF)
	g.Post("/:course/translations/import", h.importLessonXLIFF)
}

// managedCourse is the course folder a management page is about, as its latest
// course.yaml stands.
type managedCourse struct {
	Folder   string
	Slug     string // the served course's slug ("" while it was never published)
	Title    string // in the page's language
	Langs    []string
	Manifest authoring.Revision // the head course.yaml, with its body
	Form     *forms.Course
}

// Sections are the management pages of a course, for their navigation.
func (m *managedCourse) Sections() []string {
	return []string{"settings", "quiz", "images", "trainers", "translations"}
}

// Statuses are the translation states, in the dashboard's order.
func (m *managedCourse) Statuses() []string {
	return []string{authoring.TransSource, authoring.TransCurrent, authoring.TransOutdated, authoring.TransMissing}
}

// NumberFields are the settings form's fields written as one short value.
func (m *managedCourse) NumberFields() []string { return settingsFields[1:] }

// lessonTitle is a lesson's title for the page's language, from the served course (its
// name while it was never published).
func (m *managedCourse) lessonTitle(cat *courses.Catalogue, lesson, lang string) string {
	if m.Slug == "" || cat == nil {
		return lesson
	}
	co, err := cat.Course(m.Slug)
	if err != nil {
		return lesson
	}
	for _, l := range co.Lessons {
		if l.Slug == lesson {
			return l.Title(lang)
		}
	}
	return lesson
}

// managedCourse checks that the user may edit the :course folder and reads its course.yaml.
func (h *handler) managedCourse(c *fiber.Ctx) (*managedCourse, error) {
	folder := c.Params("course")
	if _, err := authoring.CleanPath(folder); err != nil || strings.Contains(folder, "/") {
		return nil, problem.NotFound
	}
	if err := h.mayEditCourse(c, folder); err != nil {
		return nil, err
	}
	head, err := h.contentStore().Head(c.UserContext(), folder+"/course.yaml")
	if errors.Is(err, authoring.ErrNotFound) || err == nil && head.Deleted {
		return nil, problem.NotFound
	}
	if err != nil {
		return nil, err
	}
	form, err := forms.ParseCourse(head.Body)
	if err != nil {
		form = &forms.Course{Title: map[string]string{}, Summary: map[string]string{}, Outcomes: map[string][]string{}}
	}
	m := &managedCourse{Folder: strings.Clone(folder), Manifest: head, Form: form, Langs: authoring.CourseLanguages(head.Body)}
	l := lang(c)
	m.Title = form.Title[l]
	if m.Title == "" && len(m.Langs) > 0 {
		m.Title = form.Title[m.Langs[0]]
	}
	if m.Title == "" {
		m.Title = folder
	}
	if cat := h.Library.Catalogue(); cat != nil {
		for _, co := range cat.Courses() {
			if co.Dir == folder {
				m.Slug = co.Slug
			}
		}
	}
	return m, nil
}

// baseRevision is the revision of p that the form was opened on (its hidden base_id), or
// the head when the form names none.
func (h *handler) baseRevision(c *fiber.Ctx, p string) (authoring.Revision, error) {
	st := h.contentStore()
	if id, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("base_id")), 10, 64); err == nil && id > 0 {
		r, err := st.Revision(c.UserContext(), id)
		if err == nil && r.Path == p {
			return r, nil
		}
		if err != nil && !errors.Is(err, authoring.ErrNotFound) {
			return r, err
		}
	}
	r, err := st.Head(c.UserContext(), p)
	if errors.Is(err, authoring.ErrNotFound) {
		return authoring.Revision{Path: p}, nil
	}
	return r, err
}

// manageMessages are the notices and errors of a management page, translated.
type manageMessages struct {
	Notice   string            // what happened (saved, nothing changed)
	Error    string            // a form-wide problem (a conflict, a refused file)
	Fields   map[string]string // field name → translated problem
	Conflict bool
}

// ErrorLines is Error a line at a time (an XLIFF import lists one problem a unit).
func (m manageMessages) ErrorLines() []string { return strings.Split(m.Error, "\n") }

// conflictMessage names who saved the file in between and when.
func (h *handler) conflictMessage(c *fiber.Ctx, err error) (string, bool) {
	var ce *authoring.ConflictError
	if !errors.As(err, &ce) {
		return "", false
	}
	l := lang(c)
	who := ce.Head.AuthorIn(l)
	if who == "" {
		who = h.cat.T(l, "authoring_manage.conflict.system")
	}
	v := h.view(c, "")
	return h.cat.T(l, "authoring_manage.conflict", "name", who, "when", v.DateTime(ce.Head.At), "revision", ce.Head.ID), true
}

// ltr isolates a name written in Latin letters (a file, an address, an id) inside a
// message of a right-to-left page, so that its dots and dashes stay where they are.
func ltr(l, s string) string {
	if i18n.Dir(l) == "rtl" {
		return "\u2066" + s + "\u2069"
	}
	return s
}

// fieldMessages translates the forms package's problems, one message a field.
func (h *handler) fieldMessages(l string, errs []forms.FieldError) map[string]string {
	out := map[string]string{}
	for _, fe := range errs {
		msg := h.cat.T(l, fe.Key, fe.Args...)
		if prev, ok := out[fe.Field]; ok {
			msg = prev + " " + msg
		}
		out[fe.Field] = msg
	}
	return out
}

func (h *handler) manageURL(c *fiber.Ctx, folder, rest string) string {
	return "/" + lang(c) + "/admin/content/" + folder + rest
}

// manageView starts the View of a management page with its course.
func (h *handler) manageView(c *fiber.Ctx, m *managedCourse, titleKey string) *View {
	v := h.view(c, titleKey)
	v.Title += " · " + m.Title
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return v
}

// langDir is the direction and language attributes of a text input in language l.
type langField struct {
	Lang, Dir string
}

func langFields(langs []string) []langField {
	out := make([]langField, len(langs))
	for i, l := range langs {
		out[i] = langField{Lang: l, Dir: i18n.Dir(l)}
	}
	return out
}

// ——— Settings and lesson order ———

// settingsPage is what the settings page shows.
type settingsPage struct {
	Course  *managedCourse
	BaseID  int64
	Langs   []langField
	Form    map[string]string // typed values by field name
	Phases  []int             // ticked phases
	Levels  []string
	Lessons []settingsLesson
	Msg     manageMessages
}

type settingsLesson struct {
	Name, Title string
	First, Last bool
}

func courseFormValues(f *forms.Course) (map[string]string, []int) {
	m := map[string]string{"level": f.Level, "pass_mark": strconv.Itoa(f.PassMark), "max_attempts": strconv.Itoa(f.MaxAttempts),
		"questions_per_lesson": strconv.Itoa(f.QuestionsPerLesson), "quiz_cooldown": f.Cooldown}
	for l, s := range f.Title {
		m["title."+l] = s
	}
	for l, s := range f.Summary {
		m["summary."+l] = s
	}
	for l, o := range f.Outcomes {
		m["outcomes."+l] = strings.Join(o, "\n")
	}
	return m, slices.Clone(f.Phases)
}

func (h *handler) showCourseSettings(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	form, phases := courseFormValues(m.Form)
	msg := manageMessages{}
	if k := c.Query("done"); k == "saved" || k == "unchanged" || k == "moved" || k == "added" {
		msg.Notice = h.cat.T(lang(c), "authoring_manage.notice."+k)
	}
	if lesson := c.Query("lesson"); c.Query("done") == "removed" && lesson != "" {
		// The quiz's questions on a removed lesson stay until someone moves or deletes
		// them; the publication refuses them meanwhile, so the author is told now.
		msg.Notice = h.cat.T(lang(c), "authoring_manage.notice.lesson_removed", "lesson", ltr(lang(c), lesson))
		if n := h.questionsOn(c.UserContext(), m.Folder, lesson); n > 0 {
			msg.Notice += " " + h.cat.N(lang(c), "authoring_manage.notice.lesson_removed_questions", n)
		}
	}
	return h.renderSettings(c, fiber.StatusOK, m, m.Manifest.ID, form, phases, msg)
}

func (h *handler) renderSettings(c *fiber.Ctx, status int, m *managedCourse, base int64, form map[string]string, phases []int, msg manageMessages) error {
	l := lang(c)
	d := settingsPage{Course: m, BaseID: base, Langs: langFields(m.Form.Languages), Form: form, Phases: phases, Levels: courses.Levels, Msg: msg}
	cat := h.Library.Catalogue()
	for i, ls := range m.Form.Lessons {
		d.Lessons = append(d.Lessons, settingsLesson{Name: ls, Title: m.lessonTitle(cat, ls, l), First: i == 0, Last: i == len(m.Form.Lessons)-1})
	}
	v := h.manageView(c, m, "authoring_manage.settings.title")
	v.Data = d
	return h.render(c, status, "admin_content_settings", v)
}

// settingsFields are the posted fields of the settings form, besides the per-language texts.
var settingsFields = []string{"level", "pass_mark", "max_attempts", "questions_per_lesson", "quiz_cooldown"}

func (h *handler) saveCourseSettings(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	p := m.Folder + "/course.yaml"
	base, err := h.baseRevision(c, p)
	if err != nil {
		return err
	}
	posted := url.Values{}
	typedForm := map[string]string{}
	for _, lg := range m.Form.Languages {
		for _, k := range []string{"title.", "summary.", "outcomes."} {
			posted.Set(k+lg, c.FormValue(k+lg))
			typedForm[k+lg] = c.FormValue(k + lg)
		}
	}
	for _, k := range settingsFields {
		posted.Set(k, c.FormValue(k))
		typedForm[k] = c.FormValue(k)
	}
	var phases []int
	posted["phases"] = []string{""}
	for _, s := range postedValues(c, "phases") {
		posted.Add("phases", s)
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			phases = append(phases, n)
		}
	}
	again := func(status int, msg manageMessages, baseID int64) error {
		return h.renderSettings(c, status, m, baseID, typedForm, phases, msg)
	}
	model, err := forms.ParseCourse(base.Body)
	if err != nil {
		return again(fiber.StatusUnprocessableEntity, manageMessages{Error: h.cat.T(l, "authoring_manage.settings.unreadable")}, base.ID)
	}
	if errs := forms.CourseFromForm(model, posted); len(errs) > 0 {
		return again(fiber.StatusUnprocessableEntity, manageMessages{Error: h.cat.T(l, "error.validation"), Fields: h.fieldMessages(l, errs)}, base.ID)
	}
	body, err := forms.ApplyCourse(base.Body, model)
	var fe forms.FieldErrors
	if errors.As(err, &fe) {
		return again(fiber.StatusUnprocessableEntity, manageMessages{Error: h.cat.T(l, "error.validation"), Fields: h.fieldMessages(l, fe)}, base.ID)
	}
	if err != nil {
		return err
	}
	_, err = h.contentStore().Save(c.UserContext(), actor(c), authoring.Edit{Path: p, Body: body, BaseID: base.ID,
		Message: h.cat.T(l, "authoring_manage.message.settings")})
	if msg, ok := h.conflictMessage(c, err); ok {
		var ce *authoring.ConflictError
		errors.As(err, &ce)
		return again(fiber.StatusConflict, manageMessages{Error: msg, Conflict: true}, ce.Head.ID)
	}
	switch {
	case errors.Is(err, authoring.ErrUnchanged):
		return c.Redirect(h.manageURL(c, m.Folder, "/settings?done=unchanged"), fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/settings?done=saved"), fiber.StatusSeeOther)
}

// postedValues are all the values of a repeated form field (url-encoded or multipart).
func postedValues(c *fiber.Ctx, name string) []string {
	var out []string
	if mf, err := c.MultipartForm(); err == nil {
		return slices.Clone(mf.Value[name])
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == name {
			out = append(out, string(v))
		}
	})
	return out
}

// saveLessonOrder saves course.yaml with a new lesson order made by change from the base.
func (h *handler) saveLessonOrder(c *fiber.Ctx, change func(src []byte) ([]byte, error)) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	p := m.Folder + "/course.yaml"
	base, err := h.baseRevision(c, p)
	if err != nil {
		return err
	}
	form, phases := courseFormValues(m.Form)
	body, err := change(base.Body)
	if err != nil {
		key := "authoring_manage.lessons.bad_order"
		if errors.Is(err, forms.ErrCannotMove) {
			key = "authoring_manage.lessons.cannot_move"
		}
		return h.renderSettings(c, fiber.StatusUnprocessableEntity, m, m.Manifest.ID, form, phases,
			manageMessages{Error: h.cat.T(l, key), Fields: map[string]string{"lessons": h.cat.T(l, key)}})
	}
	_, err = h.contentStore().Save(c.UserContext(), actor(c), authoring.Edit{Path: p, Body: body, BaseID: base.ID,
		Message: h.cat.T(l, "authoring_manage.message.order")})
	if msg, ok := h.conflictMessage(c, err); ok {
		return h.renderSettings(c, fiber.StatusConflict, m, m.Manifest.ID, form, phases, manageMessages{Error: msg, Conflict: true})
	}
	switch {
	case errors.Is(err, authoring.ErrUnchanged):
		return c.Redirect(h.manageURL(c, m.Folder, "/settings?done=unchanged#lessons"), fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/settings?done=moved#lessons"), fiber.StatusSeeOther)
}

// addCourseLesson lists a new lesson in course.yaml (a draft); the course page then offers
// its files to write, in every language of the course.
func (h *handler) addCourseLesson(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	p := m.Folder + "/course.yaml"
	base, err := h.baseRevision(c, p)
	if err != nil {
		return err
	}
	form, phases := courseFormValues(m.Form)
	name := strings.TrimSpace(c.FormValue("lesson"))
	body, err := forms.AddLesson(base.Body, name)
	if err != nil {
		key := "authoring_manage.lessons.bad_name"
		if !errors.Is(err, forms.ErrBadLessonName) {
			key = "authoring_manage.lessons.cannot_add"
		}
		return h.renderSettings(c, fiber.StatusUnprocessableEntity, m, m.Manifest.ID, form, phases,
			manageMessages{Error: h.cat.T(l, key), Fields: map[string]string{"new_lesson": h.cat.T(l, key)}})
	}
	_, err = h.contentStore().Save(c.UserContext(), actor(c), authoring.Edit{Path: p, Body: body, BaseID: base.ID,
		Message: h.cat.T(l, "authoring_manage.message.add_lesson", "lesson", name)})
	if msg, ok := h.conflictMessage(c, err); ok {
		return h.renderSettings(c, fiber.StatusConflict, m, m.Manifest.ID, form, phases, manageMessages{Error: msg, Conflict: true})
	}
	if err != nil {
		return err
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/settings?done=added#lessons"), fiber.StatusSeeOther)
}

// removeCourseLesson takes a lesson out of the course's draft: its line in course.yaml and its
// file in every language, in one save (all or nothing). Published, the removal takes the
// lesson off the catalogue; learners' progress on it is kept (see the courses' progress).
func (h *handler) removeCourseLesson(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	ctx, l, st := c.UserContext(), lang(c), h.contentStore()
	p := m.Folder + "/course.yaml"
	base, err := h.baseRevision(c, p)
	if err != nil {
		return err
	}
	form, phases := courseFormValues(m.Form)
	name := strings.TrimSpace(c.FormValue("lesson"))
	body, err := forms.RemoveLesson(base.Body, name)
	if err != nil {
		key := "authoring_manage.lessons.cannot_remove"
		switch {
		case errors.Is(err, forms.ErrBadLessonName):
			key = "authoring_manage.lessons.not_listed"
		case errors.Is(err, forms.ErrLastLesson):
			key = "authoring_manage.lessons.last"
		}
		msg := h.cat.T(l, key, "lesson", ltr(l, name))
		return h.renderSettings(c, fiber.StatusUnprocessableEntity, m, m.Manifest.ID, form, phases,
			manageMessages{Error: msg, Fields: map[string]string{"lessons": msg}})
	}
	message := h.cat.T(l, "authoring_manage.message.remove_lesson", "lesson", name)
	edits := []authoring.Edit{{Path: p, Body: body, BaseID: base.ID, Message: message}}
	for _, fl := range m.Form.Languages {
		lp := authoring.LessonPath(m.Folder, name, fl)
		head, err := st.Head(ctx, lp)
		switch {
		case errors.Is(err, authoring.ErrNotFound):
			continue
		case err != nil:
			return err
		}
		if !head.Deleted {
			edits = append(edits, authoring.Edit{Path: lp, Delete: true, BaseID: head.ID, Message: message})
		}
	}
	_, err = st.SaveAll(ctx, actor(c), edits)
	if msg, ok := h.conflictMessage(c, err); ok {
		return h.renderSettings(c, fiber.StatusConflict, m, m.Manifest.ID, form, phases, manageMessages{Error: msg, Conflict: true})
	}
	if err != nil {
		return err
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/settings?done=removed&lesson="+url.QueryEscape(name)+"#lessons"), fiber.StatusSeeOther)
}

// questionsOn counts the questions of course's latest quiz that test lesson (0 when the
// quiz cannot be read: the quiz page says why).
func (h *handler) questionsOn(ctx context.Context, course, lesson string) int {
	q, err := h.contentStore().Head(ctx, course+"/quiz.yaml")
	if err != nil || q.Deleted {
		return 0
	}
	bank, err := forms.ParseQuiz(q.Body)
	if err != nil {
		return 0
	}
	n := 0
	for _, qu := range bank.Questions {
		if qu.Lesson == lesson {
			n++
		}
	}
	return n
}

func (h *handler) moveCourseLesson(c *fiber.Ctx) error {
	lesson := strings.TrimSpace(c.FormValue("lesson"))
	by := 0
	switch c.FormValue("dir") {
	case "up":
		by = -1
	case "down":
		by = 1
	}
	return h.saveLessonOrder(c, func(src []byte) ([]byte, error) {
		if by == 0 {
			return nil, forms.ErrCannotMove
		}
		return forms.MoveLesson(src, lesson, by)
	})
}

func (h *handler) orderCourseLessons(c *fiber.Ctx) error {
	order := postedValues(c, "order")
	for i := range order {
		order[i] = strings.TrimSpace(order[i])
	}
	return h.saveLessonOrder(c, func(src []byte) ([]byte, error) { return forms.ReorderLessons(src, order) })
}

// ——— Quiz ———

// quizPage is the question list with the bank's issues.
type quizPage struct {
	Course    *managedCourse
	BaseID    int64
	Questions []quizRow
	Issues    []quizIssue
	Missing   bool // the course has no quiz.yaml
	Msg       manageMessages
}

type quizRow struct {
	ID, Type, Lesson, Prompt string
	Issues                   int
}

// quizIssue is a content-check issue, translated.
type quizIssue struct {
	Question, Field, Text string
	Line                  int
}

func (h *handler) quizIssues(l string, is []forms.QuizIssue) []quizIssue {
	out := make([]quizIssue, 0, len(is))
	for _, i := range is {
		out = append(out, quizIssue{Question: i.Question, Field: i.Field, Line: i.Line, Text: h.cat.T(l, i.Key, i.Args...)})
	}
	return out
}

// quizFile reads the head quiz.yaml of the course (a revision without id when there is none).
func (h *handler) quizFile(c *fiber.Ctx, m *managedCourse) (authoring.Revision, *forms.Quiz, error) {
	p := m.Folder + "/quiz.yaml"
	r, err := h.contentStore().Head(c.UserContext(), p)
	if errors.Is(err, authoring.ErrNotFound) || err == nil && r.Deleted {
		return authoring.Revision{Path: p}, &forms.Quiz{}, nil
	}
	if err != nil {
		return r, nil, err
	}
	q, err := forms.ParseQuiz(r.Body)
	if err != nil {
		return r, &forms.Quiz{}, nil
	}
	return r, q, nil
}

func (h *handler) showQuizBank(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	r, q, err := h.quizFile(c, m)
	if err != nil {
		return err
	}
	d := quizPage{Course: m, BaseID: r.ID, Missing: r.ID == 0}
	if r.ID != 0 {
		d.Issues = h.quizIssues(l, forms.CheckQuiz(r.Body, m.Form))
	}
	count := map[string]int{}
	for _, i := range d.Issues {
		count[i.Question]++
	}
	for _, qu := range q.Questions {
		prompt := qu.Prompt[l]
		if prompt == "" && len(m.Langs) > 0 {
			prompt = qu.Prompt[m.Langs[0]]
		}
		d.Questions = append(d.Questions, quizRow{ID: qu.ID, Type: qu.Type, Lesson: qu.Lesson, Prompt: prompt, Issues: count[qu.ID]})
	}
	if k := c.Query("done"); k == "saved" || k == "unchanged" || k == "deleted" {
		d.Msg.Notice = h.cat.T(l, "authoring_manage.notice."+k)
	}
	v := h.manageView(c, m, "authoring_manage.quiz.title")
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_content_quiz", v)
}

// questionPage is the editor of one question.
type questionPage struct {
	Course  *managedCourse
	New     bool
	QID     string // the question's id in the URL ("new" for a new one)
	BaseID  int64
	Langs   []langField
	Types   []string
	Lessons []settingsLesson
	Form    map[string]string
	Rows    []int // option rows
	Issues  []quizIssue
	Checked bool // the issues come from a check the author asked for
	Msg     manageMessages
}

// maxOptionRows is how many option rows the form offers (a multiple-choice question has at
// most five options).
const maxOptionRows = 5

func questionFormValues(q forms.Question) map[string]string {
	m := map[string]string{"id": q.ID, "type": q.Type, "lesson": q.Lesson}
	for l, s := range q.Prompt {
		m["prompt."+l] = s
	}
	for l, s := range q.Explanation {
		m["explanation."+l] = s
	}
	if q.Answer != nil {
		m["answer"] = strconv.FormatBool(*q.Answer)
	}
	for i, o := range q.Options {
		p := "option." + strconv.Itoa(i) + "."
		m[p+"id"] = o.ID
		if o.Correct {
			m[p+"correct"] = "1"
		}
		for l, s := range o.Text {
			m[p+"text."+l] = s
		}
	}
	return m
}

func (h *handler) renderQuestion(c *fiber.Ctx, status int, m *managedCourse, d questionPage) error {
	l := lang(c)
	d.Course = m
	d.Langs = langFields(m.Form.Languages)
	d.Types = courses.QuestionTypes
	cat := h.Library.Catalogue()
	for _, ls := range m.Form.Lessons {
		d.Lessons = append(d.Lessons, settingsLesson{Name: ls, Title: m.lessonTitle(cat, ls, l)})
	}
	for i := range maxOptionRows {
		d.Rows = append(d.Rows, i)
	}
	key := "authoring_manage.question.title"
	if d.New {
		key = "authoring_manage.question.new"
	}
	v := h.manageView(c, m, key)
	v.Data = d
	return h.render(c, status, "admin_content_question", v)
}

func (h *handler) showQuizQuestion(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	r, q, err := h.quizFile(c, m)
	if err != nil {
		return err
	}
	qid := c.Params("qid")
	d := questionPage{QID: strings.Clone(qid), BaseID: r.ID}
	if qid == "new" {
		d.New = true
		d.Form = map[string]string{"id": q.NextID(), "type": courses.Single}
	} else {
		qu := q.Find(qid)
		if qu == nil {
			return problem.NotFound
		}
		d.Form = questionFormValues(*qu)
		if r.ID != 0 {
			for _, i := range h.quizIssues(lang(c), forms.CheckQuiz(r.Body, m.Form)) {
				if i.Question == qu.ID {
					d.Issues = append(d.Issues, i)
				}
			}
		}
	}
	return h.renderQuestion(c, fiber.StatusOK, m, d)
}

// questionFields lists the posted fields of the question form, as url.Values.
func questionPosted(c *fiber.Ctx, langs []string) (url.Values, map[string]string) {
	form := url.Values{}
	typedForm := map[string]string{}
	set := func(k string) {
		v := c.FormValue(k)
		typedForm[k] = v
		if v != "" || k == "id" || k == "type" || k == "lesson" {
			form.Set(k, v)
		}
	}
	for _, k := range []string{"id", "type", "lesson", "answer"} {
		set(k)
	}
	for _, l := range langs {
		set("prompt." + l)
		set("explanation." + l)
	}
	for i := range maxOptionRows {
		p := "option." + strconv.Itoa(i) + "."
		set(p + "id")
		set(p + "correct")
		for _, l := range langs {
			set(p + "text." + l)
		}
	}
	return form, typedForm
}

func (h *handler) saveQuizQuestion(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	qid := strings.Clone(c.Params("qid"))
	isNew := qid == "new"
	p := m.Folder + "/quiz.yaml"
	base, err := h.baseRevision(c, p)
	if err != nil {
		return err
	}
	posted, typedForm := questionPosted(c, m.Form.Languages)
	if !isNew {
		posted.Set("id", qid) // the id of a question being edited is its URL's
		typedForm["id"] = qid
	}
	d := questionPage{New: isNew, QID: qid, BaseID: base.ID, Form: typedForm}
	var bank *forms.Quiz
	if base.ID != 0 && !base.Deleted {
		if bank, err = forms.ParseQuiz(base.Body); err != nil {
			bank = &forms.Quiz{}
		}
	} else {
		bank = &forms.Quiz{}
	}
	if !isNew && bank.Find(qid) == nil {
		return problem.NotFound
	}
	q, errs := forms.QuestionFromForm(posted, m.Form.Languages, m.Form.Lessons)
	if isNew && q.ID != "" && bank.Find(q.ID) != nil {
		errs = append(errs, forms.FieldError{Field: "id", Key: "authoring_forms.id_taken", Args: []any{"value", q.ID}})
	}
	if len(errs) == 0 && base.ID != 0 {
		if is, err := forms.CheckQuestion(base.Body, m.Form, q); err == nil {
			for _, i := range h.quizIssues(l, is) {
				if i.Question == q.ID || i.Question == "" {
					d.Issues = append(d.Issues, i)
				}
			}
		}
	}
	for _, fe := range errs {
		// The rules of one question, listed with the bank's in the check's section (which
		// the page's script refreshes as the author types).
		d.Issues = append(d.Issues, quizIssue{Question: q.ID, Field: fe.Field, Text: h.cat.T(l, fe.Key, fe.Args...)})
	}
	if c.FormValue("action") == "check" {
		d.Checked = true
		d.Msg.Fields = h.fieldMessages(l, errs)
		if len(errs) == 0 && len(d.Issues) == 0 {
			d.Msg.Notice = h.cat.T(l, "authoring_manage.question.check_clean")
		}
		return h.renderQuestion(c, fiber.StatusOK, m, d)
	}
	if len(errs) > 0 {
		d.Msg.Error = h.cat.T(l, "error.validation")
		d.Msg.Fields = h.fieldMessages(l, errs)
		return h.renderQuestion(c, fiber.StatusUnprocessableEntity, m, d)
	}
	src := base.Body
	if base.ID == 0 || base.Deleted {
		src = []byte("questions:\n")
	}
	body, err := forms.SetQuestion(src, q)
	var fe forms.FieldErrors
	if errors.As(err, &fe) {
		d.Msg.Error = h.cat.T(l, "error.validation")
		d.Msg.Fields = h.fieldMessages(l, fe)
		return h.renderQuestion(c, fiber.StatusUnprocessableEntity, m, d)
	}
	if err != nil {
		return err
	}
	_, err = h.contentStore().Save(c.UserContext(), actor(c), authoring.Edit{Path: p, Body: body, BaseID: base.ID,
		Message: h.cat.T(l, "authoring_manage.message.question", "id", q.ID)})
	if msg, ok := h.conflictMessage(c, err); ok {
		var ce *authoring.ConflictError
		errors.As(err, &ce)
		d.BaseID = ce.Head.ID
		d.Msg.Error, d.Msg.Conflict = msg, true
		return h.renderQuestion(c, fiber.StatusConflict, m, d)
	}
	switch {
	case errors.Is(err, authoring.ErrUnchanged):
		return c.Redirect(h.manageURL(c, m.Folder, "/quiz?done=unchanged"), fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/quiz?done=saved"), fiber.StatusSeeOther)
}

func (h *handler) deleteQuizQuestion(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	qid := strings.Clone(c.Params("qid"))
	p := m.Folder + "/quiz.yaml"
	base, err := h.baseRevision(c, p)
	if err != nil {
		return err
	}
	if base.ID == 0 {
		return problem.NotFound
	}
	body, err := forms.DeleteQuestion(base.Body, qid)
	if errors.Is(err, forms.ErrNoQuestion) {
		return problem.NotFound
	}
	if err != nil {
		return err
	}
	_, err = h.contentStore().Save(c.UserContext(), actor(c), authoring.Edit{Path: p, Body: body, BaseID: base.ID,
		Message: h.cat.T(l, "authoring_manage.message.question_deleted", "id", qid)})
	if msg, ok := h.conflictMessage(c, err); ok {
		r, q, err := h.quizFile(c, m)
		if err != nil {
			return err
		}
		d := questionPage{QID: qid, BaseID: r.ID, Msg: manageMessages{Error: msg, Conflict: true}}
		qu := q.Find(qid)
		if qu == nil {
			return problem.NotFound
		}
		d.Form = questionFormValues(*qu)
		return h.renderQuestion(c, fiber.StatusConflict, m, d)
	}
	if err != nil && !errors.Is(err, authoring.ErrUnchanged) {
		return err
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/quiz?done=deleted"), fiber.StatusSeeOther)
}

// ——— Images ———

// imagesPage lists the course's images with the upload form.
type imagesPage struct {
	Course  *managedCourse
	Images  []courseImage
	Langs   []langField
	Saved   string // the name just saved
	Replace bool   // it replaced an image of that name
	Lang    string // the lesson language typed
	Msg     manageMessages
}

type courseImage struct {
	Name, State, Preview string
	Published            bool
	Author               string
	At                   string
}

func (h *handler) showCourseImages(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	d := imagesPage{Saved: c.Query("saved"), Replace: c.Query("replaced") == "1"}
	if same := c.Query("same"); same != "" {
		d.Msg.Notice = h.cat.T(lang(c), "authoring_manage.images.same", "name", ltr(lang(c), same))
	}
	return h.renderImages(c, fiber.StatusOK, m, d)
}

func (h *handler) renderImages(c *fiber.Ctx, status int, m *managedCourse, d imagesPage) error {
	l := lang(c)
	files, err := h.contentStore().Files(c.UserContext(), m.Folder)
	if err != nil {
		return err
	}
	v := h.manageView(c, m, "authoring_manage.images.title")
	prefix := m.Folder + "/images/"
	for _, f := range files {
		name, ok := strings.CutPrefix(f.Path, prefix)
		if !ok || f.Head.Deleted || strings.Contains(name, "/") {
			continue
		}
		im := courseImage{Name: name, State: f.Head.State, Published: f.PublishedID != 0, Author: f.Head.AuthorIn(l), At: v.DateTime(f.Head.At)}
		if im.Published && m.Slug != "" {
			im.Preview = "/content/" + m.Slug + "/images/" + url.PathEscape(name)
		}
		d.Images = append(d.Images, im)
	}
	d.Course = m
	d.Langs = langFields(m.Form.Languages)
	if d.Saved != "" {
		key := "authoring_manage.images.saved"
		if d.Replace {
			key = "authoring_manage.images.replaced"
		}
		d.Msg.Notice = h.cat.T(l, key, "name", ltr(l, d.Saved))
	}
	v.Data = d
	return h.render(c, status, "admin_content_images", v)
}

func (h *handler) uploadCourseImage(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	imgLang := strings.TrimSpace(c.FormValue("lang"))
	d := imagesPage{Lang: imgLang}
	refuse := func(status int, field, msg string) error {
		d.Msg.Error = msg
		d.Msg.Fields = map[string]string{field: msg}
		return h.renderImages(c, status, m, d)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return refuse(fiber.StatusUnprocessableEntity, "file", h.cat.T(l, "authoring_manage.images.file_required"))
	}
	if fh.Size > media.MaxRaster {
		return refuse(fiber.StatusRequestEntityTooLarge, "file", h.cat.T(l, media.KeyTooLarge, "mb", media.MaxRaster>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, media.MaxRaster+1))
	f.Close()
	if err != nil {
		return err
	}
	clean, name, err := media.Check(fh.Filename, data, imgLang)
	var me *media.Error
	if errors.As(err, &me) {
		field := "file"
		if me.Key == media.KeyBadLang || me.Key == media.KeySVGLangRequired {
			field = "lang"
		}
		return refuse(fiber.StatusUnprocessableEntity, field, h.cat.T(l, me.Key, me.Args...))
	}
	if err != nil {
		return err
	}
	p := m.Folder + "/images/" + name
	var base int64
	replaced := false
	if head, err := h.contentStore().Head(c.UserContext(), p); err == nil {
		base = head.ID
		replaced = !head.Deleted
	} else if !errors.Is(err, authoring.ErrNotFound) {
		return err
	}
	_, err = h.contentStore().Save(c.UserContext(), actor(c), authoring.Edit{Path: p, Body: clean, BaseID: base,
		Message: h.cat.T(l, "authoring_manage.message.image", "name", name)})
	if msg, ok := h.conflictMessage(c, err); ok {
		return refuse(fiber.StatusConflict, "file", msg)
	}
	q := "?saved=" + url.QueryEscape(name)
	switch {
	case errors.Is(err, authoring.ErrUnchanged):
		q = "?same=" + url.QueryEscape(name)
	case err != nil:
		return err
	case replaced:
		q += "&replaced=1"
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/images"+q), fiber.StatusSeeOther)
}

// ——— Trainers ———

type trainersPage struct {
	Course   *managedCourse
	Trainers []*officials.Official
	Email    string
	Msg      manageMessages
}

// managedCourseStaff is managedCourse for the pages only staff and admins open.
func (h *handler) managedCourseStaff(c *fiber.Ctx) (*managedCourse, error) {
	m, err := h.managedCourse(c)
	if err != nil {
		return nil, err
	}
	if !user(c).IsStaff() {
		return nil, problem.Forbidden
	}
	return m, nil
}

func (h *handler) showCourseTrainers(c *fiber.Ctx) error {
	m, err := h.managedCourseStaff(c)
	if err != nil {
		return err
	}
	d := trainersPage{}
	if k := c.Query("done"); k == "added" || k == "removed" {
		d.Msg.Notice = h.cat.T(lang(c), "authoring_manage.trainers."+k)
	}
	return h.renderTrainers(c, fiber.StatusOK, m, d)
}

func (h *handler) renderTrainers(c *fiber.Ctx, status int, m *managedCourse, d trainersPage) error {
	ids, err := h.contentStore().Trainers(c.UserContext(), m.Folder)
	if err != nil {
		return err
	}
	for _, id := range ids {
		o, err := h.Officials.Get(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		d.Trainers = append(d.Trainers, o)
	}
	d.Course = m
	v := h.manageView(c, m, "authoring_manage.trainers.title")
	v.Data = d
	return h.render(c, status, "admin_content_trainers", v)
}

func (h *handler) changeCourseTrainers(c *fiber.Ctx) error {
	m, err := h.managedCourseStaff(c)
	if err != nil {
		return err
	}
	l := lang(c)
	ctx := c.UserContext()
	if id, err := strconv.ParseInt(c.FormValue("remove"), 10, 64); err == nil && id > 0 {
		if err := h.contentStore().UnassignTrainer(ctx, actor(c), m.Folder, id); err != nil {
			return err
		}
		return c.Redirect(h.manageURL(c, m.Folder, "/trainers?done=removed"), fiber.StatusSeeOther)
	}
	email := strings.TrimSpace(c.FormValue("email"))
	d := trainersPage{Email: email}
	refuse := func(key string, args ...any) error {
		msg := h.cat.T(l, key, args...)
		d.Msg.Error = msg
		d.Msg.Fields = map[string]string{"email": msg}
		return h.renderTrainers(c, fiber.StatusUnprocessableEntity, m, d)
	}
	if email == "" {
		return refuse("authoring_manage.trainers.email_required")
	}
	o, err := h.Officials.GetByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return refuse("authoring_manage.trainers.no_account", "email", ltr(l, email))
	}
	if err != nil {
		return err
	}
	if o.Role != officials.RoleTrainer {
		return refuse("authoring_manage.trainers.not_trainer", "email", ltr(l, email), "role", h.cat.T(l, "role."+o.Role))
	}
	if err := h.contentStore().AssignTrainer(ctx, actor(c), m.Folder, o.ID); err != nil {
		return err
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/trainers?done=added"), fiber.StatusSeeOther)
}

// ——— Translations ———

// translationsPage is the dashboard of a course's translations.
type translationsPage struct {
	Course  *managedCourse
	Langs   []string // the course's languages, the source first
	Filter  string   // the language shown ("" for all)
	Rows    []translationRow
	Counts  map[string]int // status → rows
	Targets []string       // the languages translated into
	Msg     manageMessages
}

// AnyChanged reports whether a diff line marks some of its words as changed (otherwise the
// whole line is the change).
func (translationsPage) AnyChanged(parts []authoring.DiffPart) bool {
	return slices.ContainsFunc(parts, func(p authoring.DiffPart) bool { return p.Changed })
}

type translationRow struct {
	authoring.Translation
	Title   string
	File    string // the file name, for the editor's URL
	Label   string // the file name inside a message
	Author  string
	At      string
	Changes []authoring.DiffLine
	SrcDir  string
}

func (h *handler) translations(c *fiber.Ctx, m *managedCourse) ([]authoring.Translation, error) {
	if len(m.Langs) == 0 {
		return nil, nil
	}
	return h.contentStore().Translations(c.UserContext(), m.Folder, m.Langs)
}

func (h *handler) showTranslations(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	return h.renderTranslations(c, fiber.StatusOK, m, manageMessages{})
}

func (h *handler) renderTranslations(c *fiber.Ctx, status int, m *managedCourse, msg manageMessages) error {
	l := lang(c)
	ts, err := h.translations(c, m)
	if err != nil {
		return err
	}
	v := h.manageView(c, m, "authoring_manage.translations.title")
	d := translationsPage{Course: m, Langs: m.Langs, Counts: map[string]int{}, Msg: msg}
	if len(m.Langs) > 1 {
		d.Targets = m.Langs[1:]
	}
	if f := c.Query("lang"); slices.Contains(m.Langs, f) {
		d.Filter = f
	}
	if k := c.Query("done"); k == "imported" {
		d.Msg.Notice = h.cat.T(l, "authoring_manage.translations.imported", "file", ltr(l, c.Query("file")))
	}
	cat := h.Library.Catalogue()
	for _, t := range ts {
		if d.Filter != "" && t.Lang != d.Filter {
			continue
		}
		row := translationRow{Translation: t, Title: m.lessonTitle(cat, t.Lesson, l), File: path.Base(t.Path), Label: ltr(l, path.Base(t.Path)), SrcDir: i18n.Dir(m.Langs[0])}
		if t.Head.ID != 0 {
			row.Author, row.At = t.Head.AuthorIn(l), v.DateTime(t.Head.At)
		}
		if t.Status == authoring.TransOutdated {
			if row.Changes, err = h.contentStore().SourceChanges(c.UserContext(), t); err != nil {
				return err
			}
		}
		d.Counts[t.Status]++
		d.Rows = append(d.Rows, row)
	}
	v.Data = d
	return h.render(c, status, "admin_content_translations", v)
}

func (h *handler) exportTranslations(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	ts, err := h.translations(c, m)
	if err != nil {
		return err
	}
	T := func(key string, args ...any) string { return h.cat.T(l, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	name := sheet.Name(T("authoring_manage.translations.sheet"), "Translations")
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := sheet.Stream(f, name, l, 2)
	if err != nil {
		return err
	}
	hs, err := sheet.HeaderStyle(f)
	if err != nil {
		return err
	}
	cols := []string{"lesson", "title", "language", "status", "file", "source_revision", "translated_from", "revision", "author", "saved_at"}
	header := make([]any, len(cols))
	for i, k := range cols {
		header[i] = excelize.Cell{StyleID: hs, Value: T("authoring_manage.translations.col." + k)}
	}
	for i, w := range []float64{26, 40, 12, 16, 36, 14, 14, 12, 24, 20} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	cat := h.Library.Catalogue()
	row := 2
	for _, t := range ts {
		var rev, from any = "", ""
		author, at := "", ""
		if t.Head.ID != 0 {
			rev, author, at = t.Head.ID, t.Head.AuthorIn(l), t.Head.At.UTC().Format("2006-01-02 15:04")
			if t.Head.SourceID != 0 {
				from = t.Head.SourceID
			}
		}
		vals := []any{t.Lesson, m.lessonTitle(cat, t.Lesson, l), T("lang." + t.Lang), T("authoring_manage.status." + t.Status), t.Path, t.SourceID, from, rev, author, at}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
		row++
	}
	if err := sheet.AutoFilter(f, name, len(cols), row-1); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := sheet.Write(f, &buf); err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("masar-translations-%s-%s.xlsx", m.Folder, l), buf.Bytes())
}

// translationOf finds the dashboard's row of lesson in language tl.
func translationOf(ts []authoring.Translation, lesson, tl string) (authoring.Translation, bool) {
	for _, t := range ts {
		if t.Lesson == lesson && t.Lang == tl {
			return t, true
		}
	}
	return authoring.Translation{}, false
}

func (h *handler) exportLessonXLIFF(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	ts, err := h.translations(c, m)
	if err != nil {
		return err
	}
	lesson, tl := c.Params("lesson"), c.Params("tlang")
	t, ok := translationOf(ts, lesson, tl)
	if !ok || len(m.Langs) == 0 || tl == m.Langs[0] || t.SourceID == 0 {
		return problem.NotFound
	}
	ctx := c.UserContext()
	src, err := h.contentStore().Revision(ctx, t.SourceID)
	if err != nil {
		return err
	}
	var target []byte
	if t.Head.ID != 0 {
		r, err := h.contentStore().Revision(ctx, t.Head.ID)
		if err != nil {
			return err
		}
		target = r.Body
	}
	doc, err := xliff.ExportBased(m.Folder, t.Lesson, m.Langs[0], tl, src.Body, target, t.Head.ID)
	if err != nil {
		// A lesson the tool cannot cut into units (an existing translation that does not
		// parse): said on the dashboard.
		return h.renderTranslations(c, fiber.StatusUnprocessableEntity, m, manageMessages{
			Error: h.cat.T(lang(c), "authoring_manage.xliff.export_failed", "file", ltr(lang(c), path.Base(t.Path)), "detail", ltr(lang(c), err.Error()))})
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, "application/xliff+xml; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%s.%s-%s.xlf"`, m.Folder, t.Lesson, m.Langs[0], tl))
	return c.Send(doc)
}

// xliffHead is what the import reads of a document before xliff.Import: which lesson it
// translates, from and into which language.
type xliffHead struct {
	SrcLang string `xml:"srcLang,attr"`
	TrgLang string `xml:"trgLang,attr"`
	Files   []struct {
		Original string `xml:"original,attr"`
		Base     string `xml:"urn:masar:xliff:1 base,attr"`
	} `xml:"file"`
}

// maxXLIFF bounds an uploaded XLIFF document: a lesson's text is at most authoring.MaxFile,
// and the document repeats it with markup around.
const maxXLIFF = 4 * authoring.MaxFile

// xliffUnitRe reads the unit and the reason of one of xliff.Import's problems.
var xliffUnitRe = regexp.MustCompile(`^xliff: unit (\S+): (.*)$`)

// xliffReasons maps the reasons xliff.Import gives for a unit to messages.
var xliffReasons = []struct{ prefix, key string }{
	{"appears more than once", "authoring_manage.xliff.unit_twice"},
	{"is not in the source lesson", "authoring_manage.xliff.unit_unknown"},
	{"the source text differs", "authoring_manage.xliff.unit_source_changed"},
	{"not translated", "authoring_manage.xliff.unit_untranslated"},
	{"missing from the document", "authoring_manage.xliff.unit_missing"},
}

// xliffProblems translates xliff.Import's error, one line a unit.
func (h *handler) xliffProblems(l string, err error) []string {
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		mm := xliffUnitRe.FindStringSubmatch(line)
		if mm == nil {
			out = append(out, h.cat.T(l, "authoring_manage.xliff.invalid", "detail", ltr(l, strings.TrimPrefix(line, "xliff: "))))
			continue
		}
		key := "authoring_manage.xliff.unit_other"
		for _, r := range xliffReasons {
			if strings.HasPrefix(mm[2], r.prefix) {
				key = r.key
				break
			}
		}
		out = append(out, h.cat.T(l, key, "unit", ltr(l, mm[1]), "detail", ltr(l, mm[2])))
	}
	return out
}

func (h *handler) importLessonXLIFF(c *fiber.Ctx) error {
	m, err := h.managedCourse(c)
	if err != nil {
		return err
	}
	l := lang(c)
	ctx := c.UserContext()
	refuse := func(status int, msgs ...string) error {
		return h.renderTranslations(c, status, m, manageMessages{Error: strings.Join(msgs, "\n"),
			Fields: map[string]string{"xliff": strings.Join(msgs, "\n")}})
	}
	fh, err := c.FormFile("xliff")
	if err != nil {
		return refuse(fiber.StatusUnprocessableEntity, h.cat.T(l, "authoring_manage.xliff.file_required"))
	}
	if fh.Size > maxXLIFF {
		return refuse(fiber.StatusRequestEntityTooLarge, h.cat.T(l, "authoring_manage.xliff.too_large", "mb", maxXLIFF>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	doc, err := io.ReadAll(io.LimitReader(f, maxXLIFF+1))
	f.Close()
	if err != nil {
		return err
	}
	var head xliffHead
	if err := xml.Unmarshal(doc, &head); err != nil || len(head.Files) != 1 {
		return refuse(fiber.StatusUnprocessableEntity, h.cat.T(l, "authoring_manage.xliff.not_xliff"))
	}
	original := head.Files[0].Original
	course, _, _ := strings.Cut(original, "/")
	lesson, srcLang, ok := authoring.LessonFile(original)
	if !ok || course != m.Folder {
		return refuse(fiber.StatusUnprocessableEntity, h.cat.T(l, "authoring_manage.xliff.other_course", "file", ltr(l, original)))
	}
	if len(m.Langs) < 2 || srcLang != m.Langs[0] || !slices.Contains(m.Langs[1:], head.TrgLang) {
		return refuse(fiber.StatusUnprocessableEntity, h.cat.T(l, "authoring_manage.xliff.languages", "source", ltr(l, head.SrcLang), "target", ltr(l, head.TrgLang)))
	}
	ts, err := h.translations(c, m)
	if err != nil {
		return err
	}
	t, ok := translationOf(ts, lesson, head.TrgLang)
	if !ok || t.SourceID == 0 {
		return refuse(fiber.StatusUnprocessableEntity, h.cat.T(l, "authoring_manage.xliff.other_course", "file", ltr(l, original)))
	}
	src, err := h.contentStore().Revision(ctx, t.SourceID)
	if err != nil {
		return err
	}
	_, _, _, _, body, err := xliff.Import(doc, src.Body)
	if err != nil {
		return refuse(fiber.StatusUnprocessableEntity, h.xliffProblems(l, err)...)
	}
	base := t.Head.ID
	if b := head.Files[0].Base; b != "" {
		// Exported from this page: saved on the translation it was exported with, so that
		// one changed since then (by another translator, say) is not replaced unseen.
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			return refuse(fiber.StatusUnprocessableEntity, h.cat.T(l, "authoring_manage.xliff.not_xliff"))
		}
		if n != base {
			msg := h.cat.T(l, "authoring_manage.xliff.translation_removed")
			if base != 0 {
				if cur, err := h.contentStore().Revision(ctx, base); err == nil {
					who := cur.AuthorIn(l)
					if who == "" {
						who = h.cat.T(l, "authoring_manage.conflict.system")
					}
					msg = h.cat.T(l, "authoring_manage.xliff.translation_changed_by", "revision", n, "name", who,
						"when", h.view(c, "").DateTime(cur.At), "current", cur.ID)
				}
			}
			return refuse(fiber.StatusConflict, msg)
		}
	}
	if base == 0 { // no text in that language, perhaps a removed one
		if r, err := h.contentStore().Head(ctx, t.Path); err == nil {
			base = r.ID
		} else if !errors.Is(err, authoring.ErrNotFound) {
			return err
		}
	}
	_, err = h.contentStore().Save(ctx, actor(c), authoring.Edit{Path: t.Path, Body: body, BaseID: base, SourceID: src.ID,
		Message: h.cat.T(l, "authoring_manage.message.xliff", "file", fh.Filename)})
	if msg, ok := h.conflictMessage(c, err); ok {
		return refuse(fiber.StatusConflict, msg)
	}
	if err != nil && !errors.Is(err, authoring.ErrUnchanged) {
		return err
	}
	return c.Redirect(h.manageURL(c, m.Folder, "/translations?done=imported&file="+url.QueryEscape(path.Base(t.Path))), fiber.StatusSeeOther)
}

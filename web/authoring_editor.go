package web

import (
	"context"
	"errors"
	"html"
	"html/template"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"

	"go.yaml.in/yaml/v3"
)

// editorRoutes: the course list, lesson editor, revisions, review and publishing.
func (h *handler) editorRoutes(g fiber.Router) {
	g.Get("/", h.listEditableCourses)
	g.Get("/:course", h.showContentCourse)
	g.Post("/:course/publish", h.publishCourse)
	g.Get("/:course/edit/:file", h.showLessonEditor)
	g.Post("/:course/edit/:file", h.saveLesson)
	g.Post("/:course/submit/:file", h.submitLesson)
	g.Get("/:course/history/:file", h.showLessonHistory)
	g.Get("/:course/revisions/:id", h.showRevision)
	g.Post("/:course/revisions/:id/restore", h.restoreRevision)
}

// maxChangeMessage bounds the description of a change, in characters.
const maxChangeMessage = 500

// contentBase is the editor's address for a course ("" for the list of courses).
func contentBase(l, course string) string {
	if course == "" {
		return "/" + l + "/admin/content"
	}
	return "/" + l + "/admin/content/" + course
}

// fileDir is the writing direction of a content file's language.
func fileDir(fileLang string) string {
	if fileLang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// editableCourse checks the course named in the address: the user may edit it (403
// otherwise, before anything about it is said), and it exists among the revisions.
func (h *handler) editableCourse(c *fiber.Ctx) (string, error) {
	course := c.Params("course")
	if err := h.mayEditCourse(c, course); err != nil {
		return "", err
	}
	if _, err := authoring.CleanPath(course); err != nil || strings.Contains(course, "/") {
		return "", problem.New(fiber.StatusNotFound, "not_found", "content.editor.error.no_course", "course", course)
	}
	head, err := h.contentStore().Head(c.UserContext(), course+"/course.yaml")
	if errors.Is(err, authoring.ErrNotFound) || err == nil && head.Deleted {
		return "", problem.New(fiber.StatusNotFound, "not_found", "content.editor.error.no_course", "course", course)
	}
	if err != nil {
		return "", err
	}
	return course, nil
}

// lessonFileOf checks the file named in the address: a lesson's Markdown file of the course
// in one of the platform's languages. It returns its path, lesson and language.
func lessonFileOf(course, file string) (p, lesson, fileLang string, err error) {
	bad := problem.New(fiber.StatusNotFound, "not_found", "content.editor.error.not_lesson", "file", file)
	p, cerr := authoring.CleanPath(course + "/" + file)
	if cerr != nil || strings.Contains(file, "/") {
		return "", "", "", bad
	}
	lesson, fileLang, ok := authoring.LessonFile(p)
	if !ok || !slices.Contains(courses.Languages, fileLang) {
		return "", "", "", bad
	}
	return p, lesson, fileLang, nil
}

// courseLessonFile is lessonFileOf for a lesson the course knows (knownLesson).
func (h *handler) courseLessonFile(c *fiber.Ctx, course string) (p, lesson, fileLang string, err error) {
	p, lesson, fileLang, err = lessonFileOf(course, c.Params("file"))
	if err != nil {
		return "", "", "", err
	}
	ok, err := h.knownLesson(c.UserContext(), course, lesson)
	if err != nil {
		return "", "", "", err
	}
	if !ok {
		return "", "", "", problem.New(fiber.StatusNotFound, "not_found", "content.editor.error.unknown_lesson", "lesson", lesson)
	}
	return p, lesson, fileLang, nil
}

// servedCourse is the served catalogue's course kept in folder dir (nil when none).
func (h *handler) servedCourse(dir string) *courses.Course {
	for _, co := range h.Library.Catalogue().Courses() {
		if co.Dir == dir {
			return co
		}
	}
	return nil
}

// courseTitle is a course folder's title for a reader of l (the folder's name when the
// course is not served).
func (h *handler) courseTitle(dir, l string) string {
	if co := h.servedCourse(dir); co != nil {
		return co.TitleIn(l)
	}
	return dir
}

// manifestLessons are the lessons the course's latest course.yaml lists, in its order (none
// when it does not parse).
func (h *handler) manifestLessons(ctx context.Context, course string) ([]string, error) {
	head, err := h.contentStore().Head(ctx, course+"/course.yaml")
	if err != nil {
		return nil, err
	}
	var m struct {
		Lessons []string `yaml:"lessons"`
	}
	if yaml.Unmarshal(head.Body, &m) != nil {
		return nil, nil
	}
	return m.Lessons, nil
}

// knownLesson reports whether a lesson belongs to the course: served, listed in its latest
// course.yaml, or with a file among the revisions. The editor writes the files of known
// lessons only; a new lesson is added to the course's list first.
func (h *handler) knownLesson(ctx context.Context, course, lesson string) (bool, error) {
	if co := h.servedCourse(course); co != nil {
		if l, _ := co.FindLesson(lesson); l != nil {
			return true, nil
		}
	}
	listed, err := h.manifestLessons(ctx, course)
	if err != nil || slices.Contains(listed, lesson) {
		return err == nil, err
	}
	files, err := h.contentStore().Files(ctx, course)
	if err != nil {
		return false, err
	}
	for _, f := range files {
		if l, _, ok := authoring.LessonFile(f.Path); ok && l == lesson && !f.Head.Deleted {
			return true, nil
		}
	}
	return false, nil
}

// courseLanguages are the languages of a course as its latest course.yaml says (the first
// is the source of the translations); the platform's languages when it says none.
func (h *handler) courseLanguages(ctx context.Context, course string) ([]string, error) {
	head, err := h.contentStore().Head(ctx, course+"/course.yaml")
	if err != nil {
		return nil, err
	}
	if ls := authoring.CourseLanguages(head.Body); len(ls) > 0 {
		return ls, nil
	}
	return courses.Languages, nil
}

// editableCourseRow is a course in the editor's list.
type editableCourseRow struct {
	Dir     string
	Title   string
	Drafts  int
	Reviews int
}

// courseWork is a course folder someone may edit, with how many of its files wait as drafts
// and in review.
type courseWork struct {
	Dir             string
	Drafts, Reviews int
}

// editableCourses are the course folders u may edit: every course for staff, the assigned
// ones for a trainer.
func (h *handler) editableCourses(ctx context.Context, u *officials.Official) ([]courseWork, error) {
	st := h.contentStore()
	files, err := st.Files(ctx, "")
	if err != nil {
		return nil, err
	}
	var dirs []string
	if u.IsStaff() {
		for _, f := range files {
			if d := authoring.CourseOf(f.Path); d != "" && f.Path == d+"/course.yaml" && !f.Head.Deleted {
				dirs = append(dirs, d)
			}
		}
	} else if dirs, err = st.TrainerCourses(ctx, u.ID); err != nil {
		return nil, err
	}
	out := make([]courseWork, len(dirs))
	index := map[string]int{}
	for i, d := range dirs {
		out[i].Dir, index[d] = d, i
	}
	for _, f := range files {
		i, ok := index[authoring.CourseOf(f.Path)]
		if !ok {
			continue
		}
		switch f.Head.State {
		case authoring.Draft:
			out[i].Drafts++
		case authoring.Review:
			out[i].Reviews++
		}
	}
	return out, nil
}

func (h *handler) listEditableCourses(c *fiber.Ctx) error {
	work, err := h.editableCourses(c.UserContext(), user(c))
	if err != nil {
		return err
	}
	l := lang(c)
	rows := make([]editableCourseRow, len(work))
	for i, w := range work {
		rows[i] = editableCourseRow{Dir: w.Dir, Title: h.courseTitle(w.Dir, l), Drafts: w.Drafts, Reviews: w.Reviews}
	}
	v := h.view(c, "content.editor.title")
	v.Data = rows
	return h.render(c, fiber.StatusOK, "admin_content", v)
}

// lessonCell is one lesson in one language on the course page.
type lessonCell struct {
	Lang  string
	File  string
	State string // draft, review, published or missing
}

// lessonRow is a lesson of the course page, with its files by language.
type lessonRow struct {
	Slug   string
	Title  string
	Served bool // in the served catalogue
	Cells  []lessonCell
}

// reviewItem is a file awaiting publication, with what it changes.
type reviewItem struct {
	Path    string
	File    string // the name in the course folder
	Lesson  bool   // a lesson file (the editor opens it)
	Head    revisionRow
	New     bool // never published
	Deleted bool
	Diff    template.HTML
}

// contentCourseData is the course page.
type contentCourseData struct {
	Course     string
	Title      string
	Langs      []string
	Rows       []lessonRow
	Review     []reviewItem
	MayPublish bool
	Staff      bool
	Problems   []courses.Problem
}

func (h *handler) showContentCourse(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	return h.contentCoursePage(c, fiber.StatusOK, course, nil)
}

// contentCoursePage renders the course page; problems are a refused publication's reasons.
func (h *handler) contentCoursePage(c *fiber.Ctx, status int, course string, problems []courses.Problem) error {
	ctx := c.UserContext()
	st := h.contentStore()
	l := lang(c)
	langs, err := h.courseLanguages(ctx, course)
	if err != nil {
		return err
	}
	files, err := st.Files(ctx, course)
	if err != nil {
		return err
	}
	byPath := map[string]authoring.File{}
	var extra []string
	seen := map[string]bool{}
	served := h.servedCourse(course)
	var order []string
	nServed := 0
	if served != nil {
		nServed = len(served.Lessons)
		for _, ls := range served.Lessons {
			order = append(order, ls.Slug)
			seen[ls.Slug] = true
		}
	}
	listed, err := h.manifestLessons(ctx, course)
	if err != nil {
		return err
	}
	for _, lesson := range listed {
		if !seen[lesson] {
			seen[lesson] = true
			order = append(order, lesson)
		}
	}
	for _, f := range files {
		byPath[f.Path] = f
		if lesson, fl, ok := authoring.LessonFile(f.Path); ok && !f.Head.Deleted {
			if !seen[lesson] {
				seen[lesson] = true
				extra = append(extra, lesson)
			}
			if !slices.Contains(langs, fl) && slices.Contains(courses.Languages, fl) {
				langs = append(langs, fl)
			}
		}
	}
	sort.Strings(extra)
	d := contentCourseData{Course: course, Title: h.courseTitle(course, l), Langs: langs, Staff: user(c).IsStaff(), Problems: h.localProblems(l, problems)}
	for i, slug := range append(order, extra...) {
		row := lessonRow{Slug: slug, Title: slug, Served: i < nServed}
		if served != nil && row.Served {
			row.Title = served.Lessons[i].Title(l)
		}
		for _, fl := range langs {
			p := authoring.LessonPath(course, slug, fl)
			cell := lessonCell{Lang: fl, File: strings.TrimPrefix(p, course+"/"), State: "missing"}
			if f, ok := byPath[p]; ok && !f.Head.Deleted {
				cell.State = f.Head.State
			}
			row.Cells = append(row.Cells, cell)
		}
		d.Rows = append(d.Rows, row)
	}
	review, err := st.InReview(ctx, course)
	if err != nil {
		return err
	}
	for _, f := range review {
		head, err := st.Head(ctx, f.Path)
		if err != nil {
			return err
		}
		var before []byte
		if f.PublishedID != 0 {
			pub, err := st.Revision(ctx, f.PublishedID)
			if err != nil {
				return err
			}
			if !pub.Deleted {
				before = pub.Body
			}
		}
		_, fl, isLesson := authoring.LessonFile(f.Path)
		it := reviewItem{Path: f.Path, File: strings.TrimPrefix(f.Path, course+"/"), Lesson: isLesson, Head: h.describe(l, head),
			New: f.PublishedID == 0, Deleted: head.Deleted}
		it.Diff = h.diffHTML(l, fl, authoring.Diff(string(before), string(head.Body)))
		d.Review = append(d.Review, it)
	}
	d.MayPublish = d.Staff && len(d.Review) > 0
	v := h.view(c, "")
	v.Title = h.cat.T(l, "content.editor.course_title", "course", d.Title)
	if len(problems) > 0 {
		v.ErrorKey = "content.editor.publish_refused"
	}
	v.Data = d
	return h.render(c, status, "admin_content_course", v)
}

func (h *handler) publishCourse(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	if !user(c).IsStaff() {
		return problem.Forbidden
	}
	published, problems, err := h.contentStore().Publish(c.UserContext(), actor(c), course)
	if errors.Is(err, authoring.ErrState) {
		h.setFlash(c, "content.editor.flash.nothing_to_publish")
		return c.Redirect(contentBase(lang(c), course), fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return h.contentCoursePage(c, fiber.StatusUnprocessableEntity, course, problems)
	}
	// Learners, the search and the certificates follow the published text.
	ps := h.Library.Reload()
	for _, p := range ps {
		h.log.Warn("content problem", "problem", p.String())
	}
	h.log.Info("content published", "course", course, "files", len(published), "by", user(c).Email)
	h.setFlash(c, "content.editor.flash.published")
	return c.Redirect(contentBase(lang(c), course), fiber.StatusSeeOther)
}

// lessonEditData is the lesson editor.
type lessonEditData struct {
	Course      string
	CourseTitle string
	File        string
	Path        string
	Lesson      string
	LessonTitle string
	FileLang    string
	FileDir     string
	Body        string
	BaseID      int64
	SourceID    int64
	Source      string // the source-language file a translation follows ("" for the source)
	Head        authoring.Revision
	HasHead     bool
	// Preview is the text as learners would see it; PreviewMissing says the lesson could not
	// be shown in its language (Problems say why).
	Preview        template.HTML
	PreviewTitle   string
	PreviewMissing bool
	Problems       []courses.Problem
	// Conflict is the revision someone saved since the editor was opened; ConflictDiff what
	// it holds compared with the text typed here.
	Conflict     *authoring.Revision
	ConflictDiff template.HTML
	Unchanged    bool
	Previewed    bool // the page answers a Preview button
}

func (h *handler) showLessonEditor(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	p, lesson, fl, err := h.courseLessonFile(c, course)
	if err != nil {
		return err
	}
	d := lessonEditData{Course: course, File: c.Params("file"), Path: p, Lesson: lesson, FileLang: fl}
	head, err := h.contentStore().Head(c.UserContext(), p)
	switch {
	case errors.Is(err, authoring.ErrNotFound):
	case err != nil:
		return err
	default:
		d.Head, d.HasHead, d.BaseID = head, true, head.ID
		d.Body = string(head.Body)
	}
	if err := h.fillLessonEditor(c, &d); err != nil {
		return err
	}
	return h.lessonEditor(c, fiber.StatusOK, &d, nil)
}

// fillLessonEditor adds the titles, the translation's source and the preview of d.Body.
func (h *handler) fillLessonEditor(c *fiber.Ctx, d *lessonEditData) error {
	ctx := c.UserContext()
	st := h.contentStore()
	l := lang(c)
	d.FileDir = fileDir(d.FileLang)
	d.CourseTitle = h.courseTitle(d.Course, l)
	d.LessonTitle = d.Lesson
	if co := h.servedCourse(d.Course); co != nil {
		if ls, _ := co.FindLesson(d.Lesson); ls != nil {
			d.LessonTitle = ls.Title(l)
		}
	}
	if !d.HasHead {
		if head, err := st.Head(ctx, d.Path); err == nil {
			d.Head, d.HasHead = head, true
		}
	}
	if err := h.fillLessonSource(ctx, d); err != nil {
		return err
	}
	// The preview: the course as its latest revisions stand, with this text, read by the
	// same code as the served catalogue.
	fsys, err := st.Draft(ctx, d.Course, map[string][]byte{d.Path: []byte(d.Body)})
	if err != nil {
		return err
	}
	cat, problems := courses.Load(fsys)
	for _, p := range problems {
		if p.File == d.Path {
			d.Problems = append(d.Problems, p)
		}
	}
	d.Problems = h.localProblems(lang(c), d.Problems)
	d.PreviewMissing = true
	for _, co := range cat.Courses() {
		if co.Dir != d.Course {
			continue
		}
		if _, view, _, err := cat.Lesson(co.Slug, d.Lesson, d.FileLang); err == nil && view.Lang == d.FileLang {
			d.Preview, d.PreviewTitle, d.PreviewMissing = view.HTML, view.Title, false
		}
	}
	return nil
}

// fillLessonSource finds, for a translation, its source-language file and the source
// revision it should follow (Store.Translations); nothing for the source itself.
func (h *handler) fillLessonSource(ctx context.Context, d *lessonEditData) error {
	st := h.contentStore()
	langs, err := h.courseLanguages(ctx, d.Course)
	if err != nil {
		return err
	}
	d.Source, d.SourceID = "", 0
	if len(langs) > 0 && langs[0] != d.FileLang {
		d.Source = authoring.LessonPath(d.Course, d.Lesson, langs[0])
		ts, err := st.Translations(ctx, d.Course, langs)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if t.Lesson == d.Lesson && t.Lang == d.FileLang {
				d.SourceID = t.SourceID
			}
		}
		d.Source = strings.TrimPrefix(d.Source, d.Course+"/")
	}
	return nil
}

func (h *handler) lessonEditor(c *fiber.Ctx, status int, d *lessonEditData, errs map[string]string, args ...any) error {
	v := h.view(c, "")
	v.Title = h.cat.T(lang(c), "content.editor.edit_title", "file", d.File)
	v.Form = map[string]string{"message": c.FormValue("message")}
	v.Errors, v.ErrArgs = errs, args
	v.Data = d
	return h.render(c, status, "admin_content_edit", v)
}

func (h *handler) saveLesson(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	p, lesson, fl, err := h.courseLessonFile(c, course)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	body := strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")
	message := strings.TrimSpace(c.FormValue("message"))
	d := lessonEditData{Course: course, File: c.Params("file"), Path: p, Lesson: lesson, FileLang: fl, Body: body}
	d.BaseID, _ = strconv.ParseInt(c.FormValue("base_id"), 10, 64)
	errs := map[string]string{}
	var args []any
	switch {
	case len(body) > authoring.MaxFile:
		errs["body"] = "content.editor.error.too_large"
		args = append(args, "limit", authoring.MaxFile>>10)
	case !utf8.ValidString(body):
		errs["body"] = "content.editor.error.not_text"
		d.Body = strings.ToValidUTF8(body, "\uFFFD")
	}
	if utf8.RuneCountInString(message) > maxChangeMessage {
		errs["message"] = "content.editor.error.message_long"
		args = append(args, "max", maxChangeMessage)
	}
	posted, _ := strconv.ParseInt(c.FormValue("source_id"), 10, 64)
	// page shows the editor again with the typed text; a translation keeps the source
	// revision it was opened on.
	page := func(status int, errs map[string]string, args ...any) error {
		if err := h.fillLessonEditor(c, &d); err != nil {
			return err
		}
		if d.Source != "" && posted != 0 && d.Conflict == nil {
			d.SourceID = posted
		}
		return h.lessonEditor(c, status, &d, errs, args...)
	}
	if len(errs) > 0 {
		return page(fiber.StatusUnprocessableEntity, errs, args...)
	}
	if c.FormValue("action") == "preview" {
		d.Previewed = true
		return page(fiber.StatusOK, nil)
	}
	// A translation records the source revision the editor showed when it was opened (a
	// revision of the source file; anything else is replaced by the one it follows now).
	if err := h.fillLessonSource(ctx, &d); err != nil {
		return err
	}
	sourceID := d.SourceID
	if d.Source == "" {
		sourceID = 0
	} else if posted != 0 && posted != sourceID {
		if r, err := h.contentStore().Revision(ctx, posted); err == nil && r.Path == d.Course+"/"+d.Source {
			sourceID = posted
		}
	}
	posted = sourceID
	_, err = h.contentStore().Save(ctx, actor(c), authoring.Edit{Path: p, Body: []byte(body), BaseID: d.BaseID, SourceID: sourceID, Message: message})
	var conflict *authoring.ConflictError
	switch {
	case errors.As(err, &conflict):
		latest, err := h.contentStore().Head(ctx, p)
		if err != nil {
			return err
		}
		d.Conflict = &latest
		d.Head, d.HasHead = latest, true
		d.BaseID = latest.ID
		var before string
		if !latest.Deleted {
			before = string(latest.Body)
		}
		d.ConflictDiff = h.diffHTML(lang(c), fl, authoring.Diff(before, body))
		return page(fiber.StatusConflict, nil)
	case errors.Is(err, authoring.ErrUnchanged):
		d.Unchanged = true
		return page(fiber.StatusOK, nil)
	case err != nil:
		return err
	}
	h.setFlash(c, "content.editor.flash.saved")
	return c.Redirect(contentBase(lang(c), course)+"/edit/"+d.File, fiber.StatusSeeOther)
}

func (h *handler) submitLesson(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	p, _, _, err := h.courseLessonFile(c, course)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("head_id"), 10, 64)
	err = h.contentStore().Submit(c.UserContext(), p, id)
	switch {
	case errors.Is(err, authoring.ErrState):
		h.setFlash(c, "content.editor.flash.submit_refused")
	case err != nil:
		return err
	default:
		h.setFlash(c, "content.editor.flash.submitted")
	}
	return c.Redirect(contentBase(lang(c), course)+"/edit/"+c.Params("file"), fiber.StatusSeeOther)
}

// historyData is a lesson file's history.
type historyData struct {
	Course      string
	CourseTitle string
	File        string
	FileLang    string
	Revisions   []revisionRow
	PublishedID int64
	HeadID      int64
}

// revisionRow is a revision with its author and message as a reader of the page's language
// reads them (the system's own messages are translated).
type revisionRow struct {
	authoring.Revision
	Who  string
	Note string
}

var restoredRe = regexp.MustCompile(`^restored revision (\d+)$`)

// describe gives a revision's author and message for a reader of l.
func (h *handler) describe(l string, r authoring.Revision) revisionRow {
	row := revisionRow{Revision: r, Who: r.AuthorIn(l), Note: r.Message}
	if row.Who == "" {
		row.Who = h.cat.T(l, "content.editor.system")
	}
	switch {
	case r.AuthorID == 0 && r.Message == "brought in from the files":
		row.Note = h.cat.T(l, "content.editor.msg.from_files")
	case r.AuthorID == 0 && r.Message == "removed from the files":
		row.Note = h.cat.T(l, "content.editor.msg.removed_from_files")
	case r.Origin == authoring.OriginRestore && restoredRe.MatchString(r.Message):
		row.Note = h.cat.T(l, "content.editor.msg.restored", "id", restoredRe.FindStringSubmatch(r.Message)[1])
	}
	return row
}

func (h *handler) showLessonHistory(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	p, _, fl, err := h.courseLessonFile(c, course)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	revs, err := h.contentStore().History(ctx, p)
	if err != nil {
		return err
	}
	d := historyData{Course: course, CourseTitle: h.courseTitle(course, lang(c)), File: c.Params("file"), FileLang: fl}
	for _, r := range revs {
		d.Revisions = append(d.Revisions, h.describe(lang(c), r))
	}
	if len(revs) > 0 {
		d.HeadID = revs[0].ID
	}
	if pub, err := h.contentStore().PublishedRevision(ctx, p); err == nil {
		d.PublishedID = pub.ID
	} else if !errors.Is(err, authoring.ErrNotFound) {
		return err
	}
	v := h.view(c, "")
	v.Title = h.cat.T(lang(c), "content.editor.history_title", "file", d.File)
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_content_history", v)
}

// revisionData is one revision's page.
type revisionData struct {
	Course      string
	CourseTitle string
	File        string
	Lesson      bool
	FileLang    string
	FileDir     string
	Revision    revisionRow
	Against     int64 // the revision the diff compares with (0: none, the text is new)
	Diff        template.HTML
}

// courseRevision reads the revision named in the address, which must belong to course.
func (h *handler) courseRevision(c *fiber.Ctx, course string) (authoring.Revision, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return authoring.Revision{}, problem.New(fiber.StatusNotFound, "not_found", "content.editor.error.no_revision", "id", c.Params("id"))
	}
	r, err := h.contentStore().Revision(c.UserContext(), id)
	if errors.Is(err, authoring.ErrNotFound) || err == nil && authoring.CourseOf(r.Path) != course {
		return authoring.Revision{}, problem.New(fiber.StatusNotFound, "not_found", "content.editor.error.no_revision", "id", c.Params("id"))
	}
	return r, err
}

func (h *handler) showRevision(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	r, err := h.courseRevision(c, course)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st := h.contentStore()
	d := revisionData{Course: course, CourseTitle: h.courseTitle(course, lang(c)), File: strings.TrimPrefix(r.Path, course+"/"), Revision: h.describe(lang(c), r)}
	_, fl, isLesson := authoring.LessonFile(r.Path)
	d.Lesson, d.FileLang, d.FileDir = isLesson, fl, fileDir(fl)
	// The diff: against the revision its author started from, else the one before it.
	against := r.BaseID
	if against == 0 {
		hist, err := st.History(ctx, r.Path)
		if err != nil {
			return err
		}
		for _, x := range hist {
			if x.ID < r.ID {
				against = x.ID
				break
			}
		}
	}
	var before []byte
	if against != 0 {
		old, err := st.Revision(ctx, against)
		if err != nil {
			return err
		}
		if !old.Deleted {
			before = old.Body
		}
		d.Against = against
	}
	d.Diff = h.diffHTML(lang(c), fl, authoring.Diff(string(before), string(r.Body)))
	v := h.view(c, "")
	v.Title = h.cat.T(lang(c), "content.editor.revision_title", "id", r.ID, "file", d.File)
	v.Data = d
	return h.render(c, fiber.StatusOK, "admin_content_revision", v)
}

func (h *handler) restoreRevision(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	r, err := h.courseRevision(c, course)
	if err != nil {
		return err
	}
	_, err = h.contentStore().Restore(c.UserContext(), actor(c), r.ID)
	switch {
	case errors.Is(err, authoring.ErrUnchanged):
		h.setFlash(c, "content.editor.flash.restore_unchanged")
	case err != nil:
		return err
	default:
		h.setFlash(c, "content.editor.flash.restored")
	}
	file := strings.TrimPrefix(r.Path, course+"/")
	if _, _, ok := authoring.LessonFile(r.Path); ok {
		return c.Redirect(contentBase(lang(c), course)+"/edit/"+file, fiber.StatusSeeOther)
	}
	return c.Redirect(contentBase(lang(c), course), fiber.StatusSeeOther)
}

// diffHTML writes a diff as a table in the file's language and direction: each line with
// its numbers, a sign and a hidden word (removed, added) for screen readers, and the words
// that changed inside <del> or <ins>, so that nothing rests on colour alone.
func (h *handler) diffHTML(l, fileLang string, lines []authoring.DiffLine) template.HTML {
	if len(lines) == 0 {
		return template.HTML(`<p class="muted">` + html.EscapeString(h.cat.T(l, "content.editor.diff.none")) + `</p>`)
	}
	t := func(key string) string { return html.EscapeString(h.cat.T(l, key)) }
	var b strings.Builder
	b.WriteString(`<div class="table-wrap diff-wrap" tabindex="0" role="group" aria-label="` + t("content.editor.diff.label") + `">`)
	b.WriteString(`<table class="diff"><thead class="visually-hidden"><tr><th scope="col">` + t("content.editor.diff.old") +
		`</th><th scope="col">` + t("content.editor.diff.new") + `</th><th scope="col">` + t("content.editor.diff.change") +
		`</th><th scope="col">` + t("content.editor.diff.text") + `</th></tr></thead><tbody>`)
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	dir := fileDir(fileLang)
	langAttr := ""
	if fileLang != "" {
		langAttr = ` lang="` + html.EscapeString(fileLang) + `"`
	} else {
		dir = "auto"
	}
	for _, line := range lines {
		switch line.Op {
		case "…":
			b.WriteString(`<tr class="diff-gap"><td colspan="4">… <span class="visually-hidden">` + t("content.editor.diff.gap") + `</span></td></tr>`)
			continue
		}
		class, sign, word, tag := "diff-same", "", "", ""
		switch line.Op {
		case "-":
			class, sign, word, tag = "diff-del", "−", t("content.editor.diff.removed"), "del"
		case "+":
			class, sign, word, tag = "diff-ins", "+", t("content.editor.diff.added"), "ins"
		}
		b.WriteString(`<tr class="` + class + `"><td class="diff-n">` + num(line.Old) + `</td><td class="diff-n">` + num(line.New) +
			`</td><td class="diff-op">`)
		if sign != "" {
			b.WriteString(`<span aria-hidden="true">` + sign + `</span><span class="visually-hidden">` + word + `</span>`)
		}
		b.WriteString(`</td><td class="diff-text"` + langAttr + ` dir="` + dir + `">`)
		for _, p := range line.Parts {
			if p.Changed && tag != "" && p.Text != "" {
				b.WriteString("<" + tag + ">" + html.EscapeString(p.Text) + "</" + tag + ">")
			} else {
				b.WriteString(html.EscapeString(p.Text))
			}
		}
		b.WriteString(`</td></tr>`)
	}
	b.WriteString(`</tbody></table></div>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped
}

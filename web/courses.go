package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// Library holds the course catalogue currently served. A reload builds a new catalogue and
// swaps the pointer, so that readers never see half of one.
type Library struct {
	dir string // "" for the embedded content
	// src, when set, keeps the content as revisions (the browser editor): the files (dir or
	// the embedded content) are brought into it at start and at each reload, and the
	// catalogue is read from its published revisions.
	src     *authoring.Store
	current atomic.Pointer[courses.Catalogue]
	bus     *cache.Bus
	topic   *cache.TopicState // cache.Content: its generation counts the loads
	onLoad  []func(*courses.Catalogue)
}

// NewLibrary loads the courses from dir, or from the embedded content when dir is "". A
// reload is announced on bus (topic cache.Content; nil: a bus of its own), and a reload
// announced by another instance reloads this one's library too (the instances serve one
// content folder).
func NewLibrary(dir string, bus *cache.Bus) (*Library, []courses.Problem) {
	if bus == nil {
		bus = cache.Local()
	}
	l := &Library{dir: dir, bus: bus}
	l.topic = bus.Register(cache.Content, "web.library", func(_ cache.Event, remote bool) {
		if remote {
			l.load()
		}
	})
	ps := l.load()
	return l, ps
}

// NewStoredLibrary is NewLibrary with the content kept as revisions in src: the files are
// brought in (authoring.Store.Sync) and the published revisions served.
func NewStoredLibrary(ctx context.Context, src *authoring.Store, dir string, bus *cache.Bus) (*Library, []courses.Problem, error) {
	if bus == nil {
		bus = cache.Local()
	}
	l := &Library{dir: dir, bus: bus, src: src}
	if _, err := src.Sync(ctx, l.files(), l.origin()); err != nil {
		return nil, nil, err
	}
	l.topic = bus.Register(cache.Content, "web.library", func(_ cache.Event, remote bool) {
		if remote {
			l.load()
		}
	})
	return l, l.load(), nil
}

// files is the operator's content: the folder, or the embedded courses.
func (l *Library) files() fs.FS {
	if l.dir == "" {
		return content.FS
	}
	return os.DirFS(l.dir)
}

func (l *Library) origin() string {
	if l.dir == "" {
		return authoring.OriginShipped
	}
	return authoring.OriginFolder
}

// Store is the revisions' store (nil when the library serves files only).
func (l *Library) Store() *authoring.Store { return l.src }

// fsys is what the catalogue is read from: the published revisions, or the files.
func (l *Library) fsys() fs.FS {
	if l.src != nil {
		m, err := l.src.Published(context.Background())
		if err == nil {
			return m
		}
		slog.Error("content: the published revisions could not be read; serving the files", "err", err)
	}
	return l.files()
}

// Reload reads the content again and serves it; it returns the problems found. Courses
// whose manifest cannot be used are left out; others are served even with problems.
func (l *Library) Reload() []courses.Problem {
	if l.src != nil && l.dir != "" {
		// The folder's changes become revisions (published unless edited in the browser).
		if _, err := l.src.Sync(context.Background(), l.files(), l.origin()); err != nil {
			return []courses.Problem{{File: l.dir, Message: err.Error()}}
		}
	}
	ps := l.load()
	// The bus moves the generation (the kept pages go stale) and tells the other instances.
	l.bus.Invalidate(cache.Content)
	return ps
}

// load reads the content and serves it, without announcing it.
func (l *Library) load() []courses.Problem {
	cat, ps := courses.Load(l.fsys())
	l.current.Store(cat)
	for _, f := range l.onLoad {
		f(cat)
	}
	return ps
}

// Generation counts the loads, here and on the other instances, so that what was built
// from one catalogue can tell it is stale.
func (l *Library) Generation() uint64 { return l.topic.Generation() + 1 }

// Catalogue is the catalogue being served.
func (l *Library) Catalogue() *courses.Catalogue { return l.current.Load() }

// OnLoad registers f to run with each newly loaded catalogue (the search index hooks here).
func (l *Library) OnLoad(f func(*courses.Catalogue)) {
	l.onLoad = append(l.onLoad, f)
	f(l.Catalogue())
}

func (h *handler) courseRoutes(g fiber.Router) {
	g.Get("/courses", h.listCourses)
	g.Get("/courses/:slug", h.showCourse)
	g.Post("/courses/:slug/enrol", h.requireLogin, h.enrol)
	g.Get("/courses/:slug/quiz", h.requireLogin, h.showQuiz)
	g.Post("/courses/:slug/quiz", h.requireLogin, h.submitQuiz)
	g.Get("/courses/:slug/:lesson", h.showLesson)
	g.Post("/courses/:slug/:lesson/done", h.requireLogin, h.markLessonDone)
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	g.Get("/admin/courses", h.requireLogin, h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint), h.showCourseReport)
	g.Get("/admin/courses/export.xlsx", h.requireLogin, h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint), h.exportCourseReport)
	g.Post("/admin/content/reload", h.requireLogin, staff, h.reloadContent)
	g.Get("/admin/courses/:slug/statistics", h.requireLogin, staff, h.showCourseStatistics)
	g.Get("/admin/courses/:slug/statistics.xlsx", h.requireLogin, staff, h.exportCourseStatistics)
}

func (h *handler) course(slug string) (*courses.Course, error) {
	return h.Library.Catalogue().Course(slug)
}

// courseCard is a course in the catalogue with the viewer's progress, if any.
type courseCard struct {
	Course   *courses.Course
	Progress *courses.Progress
}

type catalogueData struct {
	Cards  []courseCard
	Phase  int
	Level  string
	Levels []string
}

func (h *handler) listCourses(c *fiber.Ctx) error {
	if h.pages.serve(c, h.Library.Generation()) {
		return nil
	}
	phase := c.QueryInt("phase", 0)
	level := c.Query("level")
	var mine map[string]*courses.Progress
	if u := user(c); u != nil {
		ps, err := h.Courses.MyProgress(c.UserContext(), u.ID)
		if err != nil {
			return err
		}
		mine = map[string]*courses.Progress{}
		for _, p := range ps {
			mine[p.Course] = p
		}
	}
	d := catalogueData{Phase: phase, Level: level, Levels: []string{"introductory", "intermediate", "advanced"}}
	for _, co := range h.Library.Catalogue().Courses() {
		if phase != 0 && !slices.Contains(co.Phases, phase) || level != "" && co.Level != level {
			continue
		}
		d.Cards = append(d.Cards, courseCard{Course: co, Progress: mine[co.Slug]})
	}
	v := h.view(c, "courses.title")
	v.Data = d
	v.Cacheable = true
	return h.render(c, fiber.StatusOK, "courses", v)
}

type courseData struct {
	Course   *courses.Course
	Progress *courses.Progress
	// Next is where the main button leads: the first lesson not read yet, "quiz", or "".
	Next string
}

func (h *handler) showCourse(c *fiber.Ctx) error {
	if h.pages.serve(c, h.Library.Generation()) {
		return nil
	}
	co, err := h.course(c.Params("slug"))
	if err != nil {
		return err
	}
	d := courseData{Course: co}
	if u := user(c); u != nil {
		if d.Progress, err = h.Courses.Progress(c.UserContext(), u.ID, co.Slug); err != nil {
			return err
		}
		d.Next = d.Progress.NextStep(co)
	}
	v := h.view(c, "")
	v.Title = co.TitleIn(v.Lang)
	v.Data = d
	v.Cacheable = true
	return h.render(c, fiber.StatusOK, "course", v)
}

func (h *handler) enrol(c *fiber.Ctx) error {
	co, err := h.course(c.Params("slug"))
	if err != nil {
		return err
	}
	if err := h.mayEnrol(c, co.Slug); err != nil {
		return err
	}
	if err := h.Courses.Enrol(c.UserContext(), user(c).ID, co.Slug); err != nil {
		return err
	}
	h.setFlash(c, "flash.enrolled")
	if len(co.Lessons) > 0 {
		return c.Redirect(fmt.Sprintf("/%s/courses/%s/%s", lang(c), co.Slug, co.Lessons[0].Slug), fiber.StatusSeeOther)
	}
	return c.Redirect(fmt.Sprintf("/%s/courses/%s", lang(c), co.Slug), fiber.StatusSeeOther)
}

type lessonData struct {
	Course   *courses.Course
	Lesson   *courses.Lesson
	View     *courses.LessonView
	FellBack bool
	Prev     *courses.Lesson
	Next     *courses.Lesson
	Progress *courses.Progress
	// Wait is the minutes left before the lesson can be marked done (0: it can be now).
	Wait int
	// Outline is the course's lessons beside the text, in course order.
	Outline []outlineItem
}

// outlineItem is one lesson of the course outline on a lesson page. Done is only
// meaningful when the page shows a learner's progress.
type outlineItem struct {
	Lesson  *courses.Lesson
	Title   string
	Lang    string // the language the title is written in (a fallback may differ from the page)
	Dir     string
	Current bool
	Done    bool
}

// lessonOutline lists the course's lessons for a reader of lang, marking the current one and,
// for an enrolled learner, the ones done.
func lessonOutline(co *courses.Course, current, lang string, p *courses.Progress) []outlineItem {
	items := make([]outlineItem, 0, len(co.Lessons))
	for _, l := range co.Lessons {
		it := outlineItem{Lesson: l, Title: l.Slug, Lang: lang, Dir: "ltr", Current: l.Slug == current}
		if v, _ := l.View(lang); v != nil {
			it.Title, it.Lang, it.Dir = v.Title, v.Lang, v.Dir()
		}
		it.Done = p != nil && p.Enrolled && p.IsDone(l.Slug)
		items = append(items, it)
	}
	return items
}

func (h *handler) showLesson(c *fiber.Ctx) error {
	gen := h.Library.Generation()
	if h.pages.serve(c, gen) {
		return nil
	}
	co, err := h.course(c.Params("slug"))
	if err != nil {
		return err
	}
	l, _ := co.FindLesson(c.Params("lesson"))
	if l == nil {
		return problem.NotFound
	}
	var progress *courses.Progress
	var variant string
	var wait int
	if u := user(c); u != nil {
		if err := h.Courses.RecordVisit(c.UserContext(), u.ID, co.Slug, l.Slug); err != nil {
			return err
		}
		// Recorded before the kept page is used: the reading time runs from the first opening.
		if progress, err = h.Courses.OpenProgress(c.UserContext(), u.ID, co.Slug, l.Slug); err != nil {
			return err
		}
		wait = h.readWait(progress, co, l)
		variant = lessonVariant(co, progress, l.Slug) + "w" + strconv.Itoa(wait)
		if h.pages.servePersonal(c, gen, variant, func() string { return h.csrfToken(c) }) {
			return nil
		}
	}
	v := h.view(c, "")
	lv, fellBack := l.View(v.Lang)
	d := lessonData{Course: co, Lesson: l, View: lv, FellBack: fellBack, Progress: progress, Wait: wait}
	d.Prev, d.Next = co.Neighbours(l.Slug)
	d.Outline = lessonOutline(co, l.Slug, v.Lang, progress)
	v.Title = lv.Title + " · " + co.TitleIn(v.Lang)
	v.Data = d
	v.Cacheable = true
	v.Personal = variant
	v.CacheGen = gen
	return h.render(c, fiber.StatusOK, "lesson", v)
}

// lessonVariant names what a lesson page shows of the reader's progress: whether they are
// enrolled, the percent done, whether this lesson is done, and (for the course outline) which
// lessons are done and whether the quiz is passed.
func lessonVariant(co *courses.Course, p *courses.Progress, lesson string) string {
	b := make([]byte, 0, 16+len(co.Lessons))
	if p.Enrolled {
		b = append(b, 'e')
		b = strconv.AppendInt(b, int64(p.Percent), 10)
		b = append(b, ':')
		for _, l := range co.Lessons {
			if p.IsDone(l.Slug) {
				b = append(b, '1')
			} else {
				b = append(b, '0')
			}
		}
		if p.Passed {
			b = append(b, 'p')
		}
	}
	if p.IsDone(lesson) {
		b = append(b, 'd')
	}
	return "lesson:" + string(b)
}

func (h *handler) markLessonDone(c *fiber.Ctx) error {
	co, err := h.course(c.Params("slug"))
	if err != nil {
		return err
	}
	l, _ := co.FindLesson(c.Params("lesson"))
	if l == nil {
		return problem.NotFound
	}
	if err := h.mayEnrol(c, co.Slug); err != nil {
		return err
	}
	completed, err := h.Courses.MarkDone(c.UserContext(), user(c).ID, co.Slug, l.Slug)
	var notRead *courses.NotReadError
	if errors.As(err, &notRead) {
		// Back to the lesson, which says how long is left by the button.
		h.setFlash(c, "flash.lesson_not_read")
		return c.Redirect(fmt.Sprintf("/%s/courses/%s/%s#done", lang(c), co.Slug, l.Slug), fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	if completed {
		h.setFlash(c, "flash.course_completed")
		return c.Redirect(fmt.Sprintf("/%s/courses/%s", lang(c), co.Slug), fiber.StatusSeeOther)
	}
	if _, next := co.Neighbours(l.Slug); next != nil {
		return c.Redirect(fmt.Sprintf("/%s/courses/%s/%s", lang(c), co.Slug, next.Slug), fiber.StatusSeeOther)
	}
	return c.Redirect(fmt.Sprintf("/%s/courses/%s/quiz", lang(c), co.Slug), fiber.StatusSeeOther)
}

type courseReportData struct {
	Report    *courses.Report
	Courses   []*courses.Course
	Course    string
	Country   string
	Countries []officials.Country
	Locked    bool
}

func (h *handler) courseReportFilter(c *fiber.Ctx) courses.ReportFilter {
	f := courses.ReportFilter{Course: c.Query("course"), Country: strings.ToUpper(c.Query("country"))}
	if u := user(c); !u.IsStaff() {
		f.Country = u.Country
	}
	return f
}

func (h *handler) showCourseReport(c *fiber.Ctx) error {
	f := h.courseReportFilter(c)
	r, err := h.Courses.Report(c.UserContext(), f)
	if err != nil {
		return err
	}
	cs, err := h.Officials.Countries(c.UserContext(), false)
	if err != nil {
		return err
	}
	v := h.view(c, "admin.courses.title")
	v.Data = courseReportData{Report: r, Courses: h.Library.Catalogue().Courses(), Course: f.Course, Country: f.Country,
		Countries: cs, Locked: !user(c).IsStaff()}
	return h.render(c, fiber.StatusOK, "admin_courses", v)
}

func (h *handler) exportCourseReport(c *fiber.Ctx) error {
	r, err := h.Courses.Report(c.UserContext(), h.courseReportFilter(c))
	if err != nil {
		return err
	}
	l := lang(c)
	var buf bytes.Buffer
	if err := courses.WriteXLSX(&buf, r, l, func(key string) string { return h.cat.T(l, key) }); err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("masar-course-progress-%s.xlsx", time.Now().UTC().Format("2006-01-02")), buf.Bytes())
}

func (h *handler) reloadContent(c *fiber.Ctx) error {
	ps := h.Library.Reload()
	for _, p := range ps {
		h.log.Warn("content problem", "problem", p.String())
	}
	h.log.Info("content reloaded", "courses", h.Library.Catalogue().Len(), "problems", len(ps), "by", user(c).Email)
	if len(ps) > 0 {
		h.setFlash(c, "flash.content_reloaded_problems")
	} else {
		h.setFlash(c, "flash.content_reloaded")
	}
	return c.Redirect("/"+lang(c)+"/admin/courses", fiber.StatusSeeOther)
}

// serveCourseImage sends an image from a course folder.
func (h *handler) serveCourseImage(c *fiber.Ctx) error {
	name := path.Clean(c.Params("*"))
	if strings.HasPrefix(name, "..") || strings.HasPrefix(name, "/") {
		return problem.NotFound
	}
	f, err := h.Library.Catalogue().OpenImage(c.Params("slug"), name)
	if err != nil {
		return problem.NotFound
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 8<<20))
	if err != nil {
		return err
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if !strings.HasPrefix(ct, "image/") {
		return problem.NotFound
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	if ct == "image/svg+xml" {
		c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	return c.Send(b)
}

// mySections adds the official's courses to their profile page.
func (h *handler) myCoursesSection(ctx context.Context, u *officials.Official, l string) (*meSection, error) {
	ps, err := h.Courses.MyProgress(ctx, u.ID)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	sec := &meSection{TitleKey: "me.courses"}
	cat := h.Library.Catalogue()
	for _, p := range ps {
		co, err := cat.Course(p.Course)
		if err != nil {
			continue
		}
		note := h.cat.T(l, "course.progress", "percent", strconv.Itoa(p.Percent))
		if p.Completed() {
			note = h.cat.T(l, "course.completed_on", "date", i18n.FormatDate(l, *p.CompletedAt))
		}
		href := fmt.Sprintf("/%s/courses/%s", l, co.Slug)
		if next := p.NextStep(co); next != "" && !p.Completed() {
			href += "/" + next // the next lesson not read, or the quiz
		}
		sec.Items = append(sec.Items, meItem{Label: co.TitleIn(l), Href: href, Note: note})
	}
	return sec, nil
}

package web

import (
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/authoring/media"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"

	"go.yaml.in/yaml/v3"
)

// apiContentRoutes are the course editor's API (/api/v1/content/…): what the pages under
// /{lang}/admin/content let a role do, with the same checks. Staff and admins edit every
// course, a trainer the courses assigned to them (mayEditCourse); only staff and admins
// publish and assign trainers. A course is its folder's name; a file is a name inside it:
// a lesson's file (02-four-phases.ar.md), course.yaml, quiz.yaml, or images/NAME, which has
// routes of its own since a route parameter holds one segment.
func (h *handler) apiContentRoutes(api fiber.Router) {
	editors := []fiber.Handler{h.requireAPIUser, h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleTrainer), h.requireContentStore}
	with := func(hs ...fiber.Handler) []fiber.Handler { return append(slices.Clone(editors), hs...) }
	api.Get("/content/courses", with(h.apiEditableCourses)...)
	api.Get("/content/courses/:course/files", with(h.apiContentFiles)...)
	// The images' routes come first: /files/images/x.png is an image, not a file "images".
	for _, p := range []string{"/content/courses/:course/files/images/:image", "/content/courses/:course/files/:file"} {
		api.Get(p, with(h.apiContentFile)...)
		api.Put(p, with(h.apiSaveContentFile)...)
		api.Post(p+"/submit", with(h.apiSubmitContentFile)...)
		api.Get(p+"/history", with(h.apiContentHistory)...)
	}
	api.Post("/content/courses/:course/publish", with(h.apiPublishCourse)...)
	api.Get("/content/courses/:course/translations", with(h.apiContentTranslations)...)
	api.Get("/content/courses/:course/trainers", with(h.apiCourseTrainers)...)
	api.Post("/content/courses/:course/trainers", with(h.apiAssignTrainer)...)
	api.Delete("/content/courses/:course/trainers/:official", with(h.apiUnassignTrainer)...)
	api.Get("/content/revisions/:id", with(h.apiContentRevision)...)
	api.Post("/content/revisions/:id/restore", with(h.apiRestoreRevision)...)
}

// Kinds of the files the API reads and writes.
const (
	contentOther    = iota // another file of the course: read only
	contentLesson          // a lesson in one language (Markdown)
	contentManifest        // course.yaml or quiz.yaml
	contentImage           // images/NAME (binary)
)

// contentRevision is a revision as the API shows it.
type contentRevision struct {
	ID       int64  `json:"id"`
	Path     string `json:"path"`
	File     string `json:"file"` // the name inside the course folder
	State    string `json:"state"`
	Origin   string `json:"origin"`
	Deleted  bool   `json:"deleted"`
	BaseID   int64  `json:"base_id"`
	SourceID int64  `json:"source_id"`
	AuthorID int64  `json:"author_id"`
	// Author is the author's name for the request's language ("" for the system); Message the
	// author's description, the system's own messages translated.
	Author  string    `json:"author"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
	// Text is a text file's content, Data an image's (base64); neither in lists.
	Text        *string `json:"text,omitempty"`
	Data        []byte  `json:"data,omitempty"`
	HeadID      int64   `json:"head_id,omitempty"`
	PublishedID int64   `json:"published_id,omitempty"`
	Unchanged   bool    `json:"unchanged,omitempty"`
}

// revisionJSON is r for a reader of the request's language; withBody adds its text or data.
func (h *handler) revisionJSON(c *fiber.Ctx, r authoring.Revision, withBody bool) contentRevision {
	d := h.describe(lang(c), r)
	out := contentRevision{ID: r.ID, Path: r.Path, File: strings.TrimPrefix(r.Path, authoring.CourseOf(r.Path)+"/"), State: r.State, Origin: r.Origin,
		Deleted: r.Deleted, BaseID: r.BaseID, SourceID: r.SourceID, AuthorID: r.AuthorID, Author: r.AuthorIn(lang(c)), Message: d.Note, At: r.At}
	if withBody && !r.Deleted {
		if _, kind := contentKind(out.File); kind == contentImage {
			out.Data = r.Body
		} else {
			s := string(r.Body)
			out.Text = &s
		}
	}
	return out
}

// contentKind says what a file of a course folder is, with an image's name.
func contentKind(file string) (image string, kind int) {
	if name, ok := strings.CutPrefix(file, "images/"); ok && name != "" && !strings.Contains(name, "/") {
		return name, contentImage
	}
	switch {
	case file == "course.yaml" || file == "quiz.yaml":
		return "", contentManifest
	case strings.Contains(file, "/"):
		return "", contentOther
	}
	if _, _, ok := authoring.LessonFile("x/" + file); ok {
		return "", contentLesson
	}
	return "", contentOther
}

// apiContentFile names the file of the address: the course (checked by editableCourse),
// the file's name in it, its path and its kind.
type apiFile struct {
	Course, File, Path string
	Kind               int
	Lesson, Lang       string
}

// contentFile checks the address's course and file. write asks for a file the API may write:
// a lesson of the course (in a language of the platform), course.yaml, quiz.yaml or an image.
func (h *handler) contentFile(c *fiber.Ctx, write bool) (apiFile, error) {
	course, err := h.editableCourse(c)
	if err != nil {
		return apiFile{}, err
	}
	file := c.Params("file")
	if img := c.Params("image"); img != "" {
		file = "images/" + img
	}
	f := apiFile{Course: course, File: file}
	p, err := authoring.CleanPath(course + "/" + file)
	if err != nil {
		return f, problem.New(fiber.StatusNotFound, "not_found", "api_content.error.no_file", "file", file)
	}
	f.Path = p
	_, f.Kind = contentKind(file)
	if f.Kind == contentLesson {
		if _, f.Lesson, f.Lang, err = lessonFileOf(course, file); err != nil {
			f.Kind = contentOther
		}
	}
	if !write {
		return f, nil
	}
	switch f.Kind {
	case contentOther:
		return f, problem.New(fiber.StatusUnprocessableEntity, "not_writable", "api_content.error.not_writable", "file", file)
	case contentLesson:
		// As in the editor: a new lesson is added to the course's list of lessons first.
		ok, err := h.knownLesson(c.UserContext(), course, f.Lesson)
		if err != nil {
			return f, err
		}
		if !ok {
			return f, problem.New(fiber.StatusNotFound, "not_found", "content.editor.error.unknown_lesson", "lesson", f.Lesson)
		}
	}
	return f, nil
}

// contentCourseRow is a course in the API's list of editable courses.
type contentCourseRow struct {
	Folder  string            `json:"folder"`
	Slug    string            `json:"slug"` // the served course's slug ("" while never published)
	Title   map[string]string `json:"title"`
	Drafts  int               `json:"drafts"`
	Reviews int               `json:"reviews"`
}

func (h *handler) apiEditableCourses(c *fiber.Ctx) error {
	ctx := c.UserContext()
	work, err := h.editableCourses(ctx, user(c))
	if err != nil {
		return err
	}
	rows := make([]contentCourseRow, 0, len(work))
	for _, w := range work {
		row := contentCourseRow{Folder: w.Dir, Title: map[string]string{}, Drafts: w.Drafts, Reviews: w.Reviews}
		if co := h.servedCourse(w.Dir); co != nil {
			row.Slug = co.Slug
		}
		if head, err := h.contentStore().Head(ctx, w.Dir+"/course.yaml"); err == nil {
			var m struct {
				Title map[string]string `yaml:"title"`
			}
			if yaml.Unmarshal(head.Body, &m) == nil && m.Title != nil {
				row.Title = m.Title
			}
		} else if !errors.Is(err, authoring.ErrNotFound) {
			return err
		}
		rows = append(rows, row)
	}
	return data(c, fiber.StatusOK, rows)
}

func (h *handler) apiContentFiles(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	files, err := h.contentStore().Files(c.UserContext(), course)
	if err != nil {
		return err
	}
	out := make([]contentRevision, 0, len(files))
	for _, f := range files {
		r := h.revisionJSON(c, f.Head, false)
		r.HeadID, r.PublishedID = f.Head.ID, f.PublishedID
		out = append(out, r)
	}
	return data(c, fiber.StatusOK, out)
}

// pointers fills a revision's head and published ids.
func (h *handler) pointers(c *fiber.Ctx, r *contentRevision, p string) error {
	head, err := h.contentStore().Head(c.UserContext(), p)
	if err != nil && !errors.Is(err, authoring.ErrNotFound) {
		return err
	}
	pub, err := h.contentStore().PublishedRevision(c.UserContext(), p)
	if err != nil && !errors.Is(err, authoring.ErrNotFound) {
		return err
	}
	r.HeadID, r.PublishedID = head.ID, pub.ID
	return nil
}

func (h *handler) apiContentFile(c *fiber.Ctx) error {
	f, err := h.contentFile(c, false)
	if err != nil {
		return err
	}
	st := h.contentStore()
	var r authoring.Revision
	switch c.Query("revision") {
	case "", "head":
		r, err = st.Head(c.UserContext(), f.Path)
	case "published":
		r, err = st.PublishedRevision(c.UserContext(), f.Path)
		if errors.Is(err, authoring.ErrNotFound) {
			if _, herr := st.Head(c.UserContext(), f.Path); herr == nil {
				return problem.New(fiber.StatusNotFound, "not_published", "api_content.error.not_published", "file", f.File)
			}
		}
	default:
		return problem.Fields{"revision": "api_content.error.revision_param"}.Err()
	}
	if errors.Is(err, authoring.ErrNotFound) {
		return problem.New(fiber.StatusNotFound, "not_found", "api_content.error.no_file", "file", f.File)
	}
	if err != nil {
		return err
	}
	out := h.revisionJSON(c, r, true)
	if err := h.pointers(c, &out, f.Path); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, out)
}

// contentPut is the body of a PUT: a text file's text, or an image in base64.
type contentPut struct {
	Text     *string `json:"text"`
	Data     *string `json:"data"`
	BaseID   int64   `json:"base_id"`
	SourceID int64   `json:"source_id"`
	Message  string  `json:"message"`
}

func (h *handler) apiSaveContentFile(c *fiber.Ctx) error {
	f, err := h.contentFile(c, true)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	l := lang(c)
	st := h.contentStore()
	var b contentPut
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	b.Message = strings.TrimSpace(b.Message)
	var body []byte
	var args []any
	fields := problem.Fields{}
	if utf8.RuneCountInString(b.Message) > maxChangeMessage {
		fields.Add("message", "content.editor.error.message_long")
		args = append(args, "max", maxChangeMessage)
	}
	if b.BaseID < 0 {
		fields.Add("base_id", "field.json.number")
	}
	if f.Kind == contentImage {
		image, perr := h.apiImage(f, b.Data)
		if perr != nil {
			return perr
		}
		body = image
		if b.Message == "" {
			b.Message = h.cat.T(l, "authoring_manage.message.image", "name", strings.TrimPrefix(f.File, "images/"))
		}
	} else {
		if b.Text != nil {
			body = []byte(strings.ReplaceAll(*b.Text, "\r\n", "\n"))
		}
		switch {
		case b.Text == nil:
			fields.Add("text", "api_content.error.text_required")
		case len(body) > authoring.MaxFile:
			fields.Add("text", "api_content.error.too_large")
			args = append(args, "limit", authoring.MaxFile>>10)
		}
	}
	if len(fields) > 0 {
		return &problem.Error{Status: fiber.StatusUnprocessableEntity, Code: "validation", Key: "error.validation", Fields: fields, Args: args}
	}
	if b.BaseID != 0 {
		if _, err := st.Head(ctx, f.Path); errors.Is(err, authoring.ErrNotFound) {
			return problem.Fields{"base_id": "api_content.error.base_new"}.Err()
		} else if err != nil {
			return err
		}
	}
	// A translation records the source revision it was translated from: the one named, when
	// it is a revision of the source file, else the one it should follow now (as the editor).
	var sourceID int64
	if f.Kind == contentLesson {
		d := lessonEditData{Course: f.Course, Lesson: f.Lesson, FileLang: f.Lang}
		if err := h.fillLessonSource(ctx, &d); err != nil {
			return err
		}
		if d.Source != "" {
			sourceID = d.SourceID
			if b.SourceID != 0 && b.SourceID != sourceID {
				if r, err := st.Revision(ctx, b.SourceID); err == nil && r.Path == f.Course+"/"+d.Source {
					sourceID = b.SourceID
				} else if err != nil && !errors.Is(err, authoring.ErrNotFound) {
					return err
				}
			}
		}
	}
	r, err := st.Save(ctx, actor(c), authoring.Edit{Path: f.Path, Body: body, BaseID: b.BaseID, SourceID: sourceID, Message: b.Message})
	var conflict *authoring.ConflictError
	switch {
	case errors.As(err, &conflict):
		return h.apiConflict(c, conflict.Head)
	case errors.Is(err, authoring.ErrUnchanged):
		head, err := st.Head(ctx, f.Path)
		if err != nil {
			return err
		}
		out := h.revisionJSON(c, head, f.Kind != contentImage)
		out.Unchanged = true
		if err := h.pointers(c, &out, f.Path); err != nil {
			return err
		}
		return data(c, fiber.StatusOK, out)
	case err != nil:
		return err
	}
	out := h.revisionJSON(c, r, f.Kind != contentImage)
	if err := h.pointers(c, &out, f.Path); err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, out)
}

// apiImage checks an image sent in base64 as the images page checks an upload (media.Check),
// and that it would be stored under the name of the address.
func (h *handler) apiImage(f apiFile, b64 *string) ([]byte, error) {
	name := strings.TrimPrefix(f.File, "images/")
	if b64 == nil || *b64 == "" {
		return nil, problem.Fields{"data": "api_content.error.data_required"}.Err()
	}
	if base64.StdEncoding.DecodedLen(len(*b64)) > media.MaxRaster+3 {
		return nil, &problem.Error{Status: fiber.StatusRequestEntityTooLarge, Code: "file_too_large", Key: media.KeyTooLarge,
			Args: []any{"mb", media.MaxRaster >> 20}, Fields: problem.Fields{"data": media.KeyTooLarge}}
	}
	raw, err := base64.StdEncoding.DecodeString(*b64)
	if err != nil {
		return nil, problem.Fields{"data": "api_content.error.base64"}.Err()
	}
	if len(raw) > media.MaxRaster {
		return nil, &problem.Error{Status: fiber.StatusRequestEntityTooLarge, Code: "file_too_large", Key: media.KeyTooLarge,
			Args: []any{"mb", media.MaxRaster >> 20}, Fields: problem.Fields{"data": media.KeyTooLarge}}
	}
	imgLang := ""
	if stem, ok := strings.CutSuffix(name, ".svg"); ok {
		if i := strings.LastIndexByte(stem, '.'); i > 0 {
			imgLang = stem[i+1:]
		}
	}
	clean, stored, err := media.Check(name, raw, imgLang)
	var me *media.Error
	if errors.As(err, &me) {
		p := me.Problem()
		field := "data"
		if me.Key == media.KeyBadLang || me.Key == media.KeySVGLangRequired {
			field = "file"
		}
		p.Fields = problem.Fields{field: me.Key}
		return nil, p
	}
	if err != nil {
		return nil, err
	}
	if stored != name {
		return nil, &problem.Error{Status: fiber.StatusUnprocessableEntity, Code: "validation", Key: "error.validation",
			Fields: problem.Fields{"file": "api_content.error.image_name"}, Args: []any{"name", "images/" + stored}}
	}
	return clean, nil
}

// apiConflict answers a save on a revision that is no longer the latest: 409 conflict,
// naming who saved in between, with that revision (its text left out) under error.head.
func (h *handler) apiConflict(c *fiber.Ctx, head authoring.Revision) error {
	l := lang(c)
	who := head.AuthorIn(l)
	if who == "" {
		who = h.cat.T(l, "authoring_manage.conflict.system")
	}
	msg := h.cat.T(l, "api_content.conflict", h.localArgs(c, []any{"name", who, "when", head.At, "revision", head.ID})...)
	return c.Status(fiber.StatusConflict).JSON(fiber.Map{"error": fiber.Map{
		"code": "conflict", "message": msg, "fields": map[string]string{"base_id": msg}, "head": h.revisionJSON(c, head, false)}})
}

// contentSubmit is the body of a submission.
type contentSubmit struct {
	HeadID int64 `json:"head_id"`
}

func (h *handler) apiSubmitContentFile(c *fiber.Ctx) error {
	f, err := h.contentFile(c, true)
	if err != nil {
		return err
	}
	var b contentSubmit
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	ctx := c.UserContext()
	st := h.contentStore()
	err = st.Submit(ctx, f.Path, b.HeadID)
	if errors.Is(err, authoring.ErrState) {
		head, herr := st.Head(ctx, f.Path)
		if errors.Is(herr, authoring.ErrNotFound) {
			return problem.New(fiber.StatusNotFound, "not_found", "api_content.error.no_file", "file", f.File)
		}
		if herr != nil {
			return herr
		}
		return problem.New(fiber.StatusConflict, "not_submittable", "api_content.error.not_submittable", "id", b.HeadID, "head", head.ID)
	}
	if err != nil {
		return err
	}
	head, err := st.Head(ctx, f.Path)
	if err != nil {
		return err
	}
	out := h.revisionJSON(c, head, false)
	if err := h.pointers(c, &out, f.Path); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiPublishCourse(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	if !user(c).IsStaff() {
		return problem.Forbidden
	}
	published, problems, err := h.contentStore().Publish(c.UserContext(), actor(c), course)
	if errors.Is(err, authoring.ErrState) {
		return problem.New(fiber.StatusConflict, "nothing_to_publish", "api_content.error.nothing_to_publish")
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"error": fiber.Map{
			"code": "publish_refused", "message": h.cat.T(lang(c), "api_content.publish_refused"), "problems": h.localProblems(lang(c), problems)}})
	}
	// Learners, the search and the certificates follow the published text (as the page).
	ps := h.Library.Reload()
	for _, p := range ps {
		h.log.Warn("content problem", "problem", p.String())
	}
	h.log.Info("content published", "course", course, "files", len(published), "by", user(c).Email)
	return data(c, fiber.StatusOK, fiber.Map{"published": published})
}

// contentHistory is a file's history, newest first.
type contentHistory struct {
	HeadID      int64             `json:"head_id"`
	PublishedID int64             `json:"published_id"`
	Revisions   []contentRevision `json:"revisions"`
}

func (h *handler) apiContentHistory(c *fiber.Ctx) error {
	f, err := h.contentFile(c, false)
	if err != nil {
		return err
	}
	revs, err := h.contentStore().History(c.UserContext(), f.Path)
	if err != nil {
		return err
	}
	if len(revs) == 0 {
		return problem.New(fiber.StatusNotFound, "not_found", "api_content.error.no_file", "file", f.File)
	}
	out := contentHistory{HeadID: revs[0].ID, Revisions: make([]contentRevision, 0, len(revs))}
	for _, r := range revs {
		out.Revisions = append(out.Revisions, h.revisionJSON(c, r, false))
	}
	if pub, err := h.contentStore().PublishedRevision(c.UserContext(), f.Path); err == nil {
		out.PublishedID = pub.ID
	} else if !errors.Is(err, authoring.ErrNotFound) {
		return err
	}
	return data(c, fiber.StatusOK, out)
}

// apiRevision reads the revision of the address and checks that the caller may edit its
// course.
func (h *handler) apiRevision(c *fiber.Ctx) (authoring.Revision, error) {
	raw := c.Params("id")
	noRevision := problem.New(fiber.StatusNotFound, "not_found", "content.editor.error.no_revision", "id", raw)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return authoring.Revision{}, noRevision
	}
	r, err := h.contentStore().Revision(c.UserContext(), id)
	if errors.Is(err, authoring.ErrNotFound) {
		return r, noRevision
	}
	if err != nil {
		return r, err
	}
	return r, h.mayEditCourse(c, authoring.CourseOf(r.Path))
}

func (h *handler) apiContentRevision(c *fiber.Ctx) error {
	r, err := h.apiRevision(c)
	if err != nil {
		return err
	}
	out := h.revisionJSON(c, r, true)
	if err := h.pointers(c, &out, r.Path); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiRestoreRevision(c *fiber.Ctx) error {
	old, err := h.apiRevision(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st := h.contentStore()
	r, err := st.Restore(ctx, actor(c), old.ID)
	status := fiber.StatusCreated
	switch {
	case errors.Is(err, authoring.ErrUnchanged):
		status = fiber.StatusOK
		if r, err = st.Head(ctx, old.Path); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	out := h.revisionJSON(c, r, true)
	out.Unchanged = status == fiber.StatusOK
	if err := h.pointers(c, &out, r.Path); err != nil {
		return err
	}
	return data(c, status, out)
}

// contentTranslation is one lesson in one language.
type contentTranslation struct {
	Lesson     string `json:"lesson"`
	Lang       string `json:"lang"`
	File       string `json:"file"`
	Status     string `json:"status"`
	HeadID     int64  `json:"head_id"`
	SourceFile string `json:"source_file"`
	// SourceID is the source revision the translation should follow; TranslatedFrom the one
	// it was translated from.
	SourceID       int64      `json:"source_id"`
	TranslatedFrom int64      `json:"translated_from"`
	Author         string     `json:"author,omitempty"`
	At             *time.Time `json:"at,omitempty"`
	// Changes are, for an outdated translation, the source's lines changed since.
	Changes []contentDiffLine `json:"changes,omitempty"`
}

// contentDiffLine is a line of a diff: op "=" kept, "-" removed, "+" added, "…" lines left out.
type contentDiffLine struct {
	Op   string `json:"op"`
	Old  int    `json:"old,omitempty"`
	New  int    `json:"new,omitempty"`
	Text string `json:"text"`
}

func (h *handler) apiContentTranslations(c *fiber.Ctx) error {
	course, err := h.editableCourse(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st := h.contentStore()
	head, err := st.Head(ctx, course+"/course.yaml")
	if err != nil {
		return err
	}
	out := []contentTranslation{}
	langs := authoring.CourseLanguages(head.Body)
	if len(langs) == 0 {
		return data(c, fiber.StatusOK, out)
	}
	ts, err := st.Translations(ctx, course, langs)
	if err != nil {
		return err
	}
	for _, t := range ts {
		row := contentTranslation{Lesson: t.Lesson, Lang: t.Lang, File: strings.TrimPrefix(t.Path, course+"/"), Status: t.Status,
			HeadID: t.Head.ID, SourceFile: strings.TrimPrefix(t.SourcePath, course+"/"), SourceID: t.SourceID, TranslatedFrom: t.Head.SourceID}
		if t.Head.ID != 0 {
			at := t.Head.At
			row.Author, row.At = t.Head.AuthorIn(lang(c)), &at
		}
		if t.Status == authoring.TransOutdated {
			lines, err := st.SourceChanges(ctx, t)
			if err != nil {
				return err
			}
			for _, dl := range lines {
				row.Changes = append(row.Changes, contentDiffLine{Op: dl.Op, Old: dl.Old, New: dl.New, Text: dl.Text()})
			}
		}
		out = append(out, row)
	}
	return data(c, fiber.StatusOK, out)
}

// staffCourse is editableCourse for what only staff and admins do.
func (h *handler) staffCourse(c *fiber.Ctx) (string, error) {
	course, err := h.editableCourse(c)
	if err != nil {
		return "", err
	}
	if !user(c).IsStaff() {
		return "", problem.Forbidden
	}
	return course, nil
}

// courseTrainers are the accounts assigned to a course folder.
func (h *handler) courseTrainers(c *fiber.Ctx, course string) ([]*officials.Official, error) {
	ids, err := h.contentStore().Trainers(c.UserContext(), course)
	if err != nil {
		return nil, err
	}
	out := []*officials.Official{}
	for _, id := range ids {
		o, err := h.Officials.Get(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func (h *handler) apiCourseTrainers(c *fiber.Ctx) error {
	course, err := h.staffCourse(c)
	if err != nil {
		return err
	}
	ts, err := h.courseTrainers(c, course)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, ts)
}

// trainerRef names an account to assign: by e-mail address or by id.
type trainerRef struct {
	Email string `json:"email"`
	ID    int64  `json:"id"`
}

func (h *handler) apiAssignTrainer(c *fiber.Ctx) error {
	course, err := h.staffCourse(c)
	if err != nil {
		return err
	}
	var b trainerRef
	if err := bodyJSON(c, &b); err != nil {
		return err
	}
	ctx := c.UserContext()
	l := lang(c)
	b.Email = strings.TrimSpace(b.Email)
	var o *officials.Official
	field := "email"
	switch {
	case b.ID > 0:
		field = "id"
		o, err = h.Officials.Get(ctx, b.ID)
		if errors.Is(err, store.ErrNotFound) {
			return &problem.Error{Status: fiber.StatusUnprocessableEntity, Code: "validation", Key: "error.validation",
				Fields: problem.Fields{"id": "api_content.trainers.no_id"}, Args: []any{"id", b.ID}}
		}
	case b.Email != "":
		o, err = h.Officials.GetByEmail(ctx, b.Email)
		if errors.Is(err, store.ErrNotFound) {
			return &problem.Error{Status: fiber.StatusUnprocessableEntity, Code: "validation", Key: "error.validation",
				Fields: problem.Fields{"email": "authoring_manage.trainers.no_account"}, Args: []any{"email", ltr(l, b.Email)}}
		}
	default:
		return problem.Fields{"email": "api_content.trainers.required"}.Err()
	}
	if err != nil {
		return err
	}
	if o.Role != officials.RoleTrainer {
		return &problem.Error{Status: fiber.StatusUnprocessableEntity, Code: "not_trainer", Key: "error.validation",
			Fields: problem.Fields{field: "authoring_manage.trainers.not_trainer"}, Args: []any{"email", ltr(l, o.Email), "role", h.cat.T(l, "role."+o.Role)}}
	}
	if err := h.contentStore().AssignTrainer(ctx, actor(c), course, o.ID); err != nil {
		return err
	}
	ts, err := h.courseTrainers(c, course)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, ts)
}

func (h *handler) apiUnassignTrainer(c *fiber.Ctx) error {
	course, err := h.staffCourse(c)
	if err != nil {
		return err
	}
	id, err := parseID(c.Params("official"))
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	ids, err := h.contentStore().Trainers(ctx, course)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, id) {
		return problem.New(fiber.StatusNotFound, "not_found", "api_content.trainers.not_assigned", "id", id)
	}
	if err := h.contentStore().UnassignTrainer(ctx, actor(c), course, id); err != nil {
		return err
	}
	ts, err := h.courseTrainers(c, course)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, ts)
}

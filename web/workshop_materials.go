package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// A workshop's speakers and materials: the staff's page that manages them, their place on
// the workshop page (speakers at each agenda item, the materials the viewer may read) and on
// the participant's ticket, and the downloads, authorised on every request.

// workshopMaterialRoutes registers the pages under a language prefix.
func (h *handler) workshopMaterialRoutes(g fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	g.Get("/workshops/:id/materials/:mid", h.downloadMaterial)
	g.Get("/workshops/:id/speakers/:sid/photo", h.speakerPhoto)
	g.Get("/admin/workshops/:id/materials", h.requireLogin, staff, h.showWorkshopMaterials)
	g.Post("/admin/workshops/:id/materials", h.requireLogin, staff, h.addMaterial)
	g.Get("/admin/workshops/:id/materials/:mid", h.requireLogin, staff, h.showMaterial)
	g.Post("/admin/workshops/:id/materials/:mid", h.requireLogin, staff, h.saveMaterial)
	g.Post("/admin/workshops/:id/materials/:mid/delete", h.requireLogin, staff, h.deleteMaterial)
	g.Post("/admin/workshops/:id/speakers", h.requireLogin, staff, h.addSpeaker)
	g.Get("/admin/workshops/:id/speakers/:sid", h.requireLogin, staff, h.showSpeaker)
	g.Post("/admin/workshops/:id/speakers/:sid", h.requireLogin, staff, h.saveSpeaker)
	g.Post("/admin/workshops/:id/speakers/:sid/delete", h.requireLogin, staff, h.deleteSpeaker)
}

// materialView is a material as a page shows it.
type materialView struct {
	M       workshops.Material
	Title   string
	Href    string // the download address, or a link's own address
	Item    string // the agenda item it belongs to ("" for the whole workshop)
	Details string // format and size of a file; the site of a link
}

// speakerView is a speaker as a page shows them.
type speakerView struct {
	S           workshops.Speaker
	Name        string
	Bio         string
	Photo       string // the photo's address, "" without one
	Items       []string
	Affiliation string
	Initial     string // the name's first letter, in place of a photo
}

// workshopExtras is what the workshop page shows of its speakers and materials.
type workshopExtras struct {
	Speakers        []speakerView
	Materials       []materialView // of the whole workshop
	Restricted      bool           // the viewer reads the participants' materials
	HiddenSome      bool           // there are materials the viewer may not read
	CanManage       bool
	bySession       map[int64][]materialView
	speakersSession map[int64][]speakerView
}

// materialHref is where material m of workshop wid is read: a file's download address, or
// a link's own address.
func materialHref(l string, m workshops.Material) string {
	if m.Kind == workshops.MaterialLink {
		return m.URL
	}
	return fmt.Sprintf("/%s/workshops/%d/materials/%d", l, m.WorkshopID, m.ID)
}

func (h *handler) materialViewOf(l string, m workshops.Material, items map[int64]string) materialView {
	v := materialView{M: m, Title: m.TitleIn(l), Href: materialHref(l, m), Item: items[m.SessionID]}
	if m.Kind == workshops.MaterialFile {
		v.Details = strings.ToUpper(m.Format) + listSep(l) + h.sizeText(l, m.Size)
	} else if u, err := url.Parse(m.URL); err == nil {
		v.Details = u.Hostname()
	}
	return v
}

// sizeText writes a file's size in l: kilobytes below a megabyte, else megabytes.
func (h *handler) sizeText(l string, n int64) string {
	if n < 1<<20 {
		return h.cat.T(l, "workshop_materials.size.kb", "size", i18n.FormatInt(l, int(max(1, (n+1023)>>10))))
	}
	return h.cat.T(l, "workshop_materials.size.mb", "size", i18n.FormatDecimal(l, float64(n*10>>20)/10))
}

func (h *handler) speakerViewOf(l string, sp workshops.Speaker, items map[int64]string) speakerView {
	v := speakerView{S: sp, Name: sp.NameIn(l), Bio: sp.BioIn(l), Affiliation: sp.Affiliation}
	for _, r := range v.Name {
		v.Initial = string(r)
		break
	}
	if sp.HasPhoto {
		v.Photo = fmt.Sprintf("/%s/workshops/%d/speakers/%d/photo?v=%d", l, sp.WorkshopID, sp.ID, sp.UpdatedAt.Unix())
	}
	for _, se := range sp.Sessions {
		if t, ok := items[se]; ok {
			v.Items = append(v.Items, t)
		}
	}
	return v
}

// agendaTitles names each agenda item of w in l.
func agendaTitles(w *workshops.Workshop, l string) map[int64]string {
	out := map[int64]string{}
	for _, se := range w.Sessions {
		out[se.ID] = se.TitleIn(l)
	}
	return out
}

// workshopExtrasFor gathers the speakers of w and the materials the viewer may read.
func (h *handler) workshopExtrasFor(ctx context.Context, l string, w *workshops.Workshop, restricted bool) (*workshopExtras, error) {
	d := &workshopExtras{Restricted: restricted, bySession: map[int64][]materialView{}, speakersSession: map[int64][]speakerView{}}
	items := agendaTitles(w, l)
	sps, err := h.Workshops.Speakers(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	for _, sp := range sps {
		v := h.speakerViewOf(l, sp, items)
		d.Speakers = append(d.Speakers, v)
		for _, se := range sp.Sessions {
			d.speakersSession[se] = append(d.speakersSession[se], v)
		}
	}
	ms, err := h.Workshops.Materials(ctx, w.ID, true)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if !m.Public() && !restricted {
			d.HiddenSome = true
			continue
		}
		v := h.materialViewOf(l, m, items)
		if v.Item == "" {
			d.Materials = append(d.Materials, v)
		} else {
			d.bySession[m.SessionID] = append(d.bySession[m.SessionID], v)
		}
	}
	return d, nil
}

// addWorkshopExtras puts the speakers and materials on the workshop page d (mine is the
// viewer's registration, or nil).
func (h *handler) addWorkshopExtras(c *fiber.Ctx, w *workshops.Workshop, d *workshopPage) error {
	l := lang(c)
	x, err := h.workshopExtrasFor(c.UserContext(), l, w, w.SeesRestricted(user(c), d.Mine))
	if err != nil {
		return err
	}
	x.CanManage = d.CanManage
	for i := range d.Agenda {
		for j := range d.Agenda[i].Items {
			it := &d.Agenda[i].Items[j]
			it.Speakers = x.speakersSession[it.S.ID]
			it.Materials = x.bySession[it.S.ID]
		}
	}
	d.Extras = x
	return nil
}

// ticketMaterials lists, for the ticket page, every material the holder may read, each with
// its agenda item.
func (h *handler) ticketMaterials(c *fiber.Ctx, w *workshops.Workshop, r *workshops.Registration) ([]materialView, error) {
	l := lang(c)
	restricted := w.SeesRestricted(user(c), r)
	ms, err := h.Workshops.Materials(c.UserContext(), w.ID, restricted)
	if err != nil {
		return nil, err
	}
	items := agendaTitles(w, l)
	out := []materialView{}
	for _, m := range ms {
		out = append(out, h.materialViewOf(l, m, items))
	}
	return out, nil
}

// downloadMaterial sends a material's file (or sends the browser to a link) to whoever may
// read it: anyone who may see the workshop for a public one; staff, the workshop's trainers
// and participants with a confirmed seat for the others. Anyone else is told it does not
// exist. The file is always an attachment, of the type its content was checked to be.
func (h *handler) downloadMaterial(c *fiber.Ctx) error {
	w, err := h.loadWorkshop(c)
	if err != nil {
		return err
	}
	mid, err := parseID(c.Params("mid"))
	if err != nil {
		return err
	}
	m, err := h.Workshops.Material(c.UserContext(), w.ID, mid)
	if err != nil {
		return err
	}
	return h.sendMaterial(c, w, m)
}

// sendMaterial answers with m after checking that the caller may read it.
func (h *handler) sendMaterial(c *fiber.Ctx, w *workshops.Workshop, m *workshops.Material) error {
	ctx := c.UserContext()
	if !m.Public() {
		ok, err := h.Workshops.SeesRestrictedMaterials(ctx, user(c), w)
		if err != nil {
			return err
		}
		if !ok {
			return problem.NotFound
		}
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	if m.Kind == workshops.MaterialLink {
		return c.Redirect(m.URL, fiber.StatusSeeOther)
	}
	c.Set(fiber.HeaderContentType, workshops.ContentType(m.Format))
	c.Set(fiber.HeaderContentDisposition, attachmentHeader(m.Filename))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Response().SetBody(m.Data)
	return nil
}

// speakerPhoto sends a speaker's photo to anyone who may see the workshop.
func (h *handler) speakerPhoto(c *fiber.Ctx) error {
	w, err := h.visibleWorkshop(c)
	if err != nil {
		return err
	}
	sid, err := parseID(c.Params("sid"))
	if err != nil {
		return err
	}
	return h.sendSpeakerPhoto(c, w, sid)
}

func (h *handler) sendSpeakerPhoto(c *fiber.Ctx, w *workshops.Workshop, sid int64) error {
	data, ctype, err := h.Workshops.SpeakerPhoto(c.UserContext(), w.ID, sid)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ctype)
	if w.IsPublic() {
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Response().SetBody(data)
	return nil
}

// materialsAdmin is the staff's page of a workshop's speakers and materials.
type materialsAdmin struct {
	W          *workshops.Workshop
	Title      string
	Speakers   []speakerView
	Materials  []materialView
	Sessions   [][2]string // id, "date time — title"
	Accounts   [][2]string // id, name: trainers and staff who may be speakers
	Speaker    *speakerView
	Material   *materialView   // the one being edited
	Chosen     map[string]bool // agenda items ticked on the speaker form
	Visibility []string
	MaxSize    string // the largest file, written out
	PhotoSize  string // the largest photo, written out
}

// materialsAdminData builds the page's data for workshop w.
func (h *handler) materialsAdminData(c *fiber.Ctx, w *workshops.Workshop) (*materialsAdmin, error) {
	ctx := c.UserContext()
	l := lang(c)
	d := &materialsAdmin{W: w, Title: w.TitleIn(l), Visibility: workshops.Visibilities, MaxSize: h.sizeText(l, workshops.MaxMaterialBytes),
		PhotoSize: h.sizeText(l, workshops.MaxPhotoBytes), Chosen: map[string]bool{}}
	items := agendaTitles(w, l)
	for _, se := range w.Sessions {
		day := se.StartsAt.In(w.Location())
		label := workshops.FormatDay(l, day.Format(workshops.DateLayout)) + " " + day.Format("15:04") + " — " + se.TitleIn(l)
		d.Sessions = append(d.Sessions, [2]string{strconv.FormatInt(se.ID, 10), label})
	}
	sps, err := h.Workshops.Speakers(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	for _, sp := range sps {
		d.Speakers = append(d.Speakers, h.speakerViewOf(l, sp, items))
	}
	ms, err := h.Workshops.Materials(ctx, w.ID, true)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		d.Materials = append(d.Materials, h.materialViewOf(l, m, items))
	}
	for _, role := range []string{officials.RoleTrainer, officials.RoleStaff, officials.RoleAdmin} {
		list, _, err := h.Officials.List(ctx, officials.Filter{Role: role, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			d.Accounts = append(d.Accounts, [2]string{strconv.FormatInt(o.ID, 10), o.DisplayName(l) + " — " + h.cat.T(l, "role."+o.Role)})
		}
	}
	return d, nil
}

// showWorkshopMaterials is the staff's page of a workshop's speakers and materials.
func (h *handler) showWorkshopMaterials(c *fiber.Ctx) error {
	return h.renderMaterialsAdmin(c, fiber.StatusOK, nil, nil)
}

// renderMaterialsAdmin shows the page, with a refused form's messages (err) and typed values.
func (h *handler) renderMaterialsAdmin(c *fiber.Ctx, status int, err error, form map[string]string) error {
	w, lerr := h.loadWorkshop(c)
	if lerr != nil {
		return lerr
	}
	d, derr := h.materialsAdminData(c, w)
	if derr != nil {
		return derr
	}
	v := h.view(c, "workshop_materials.admin.title")
	v.Data = d
	v.Form = map[string]string{"visibility": workshops.VisibilityParticipants}
	for k, val := range form {
		v.Form[k] = val
	}
	for _, id := range strings.Split(form["sessions"], ",") {
		d.Chosen[id] = true
	}
	h.putFormError(c, v, err)
	return h.render(c, status, "admin_workshop_materials", v)
}

// putFormError shows a refused form's messages, with their arguments (a file's name, the
// size limit), on v.
func (h *handler) putFormError(c *fiber.Ctx, v *View, err error) {
	if err == nil {
		return
	}
	p, _ := problem.As(err)
	v.Errors, v.ErrorKey, _, _ = formError(err)
	if p != nil {
		v.ErrArgs = h.localArgs(c, p.Args)
		if len(p.Fields) > 0 && p.Status == fiber.StatusRequestEntityTooLarge {
			v.ErrorKey = p.Key
		}
	}
}

// formFile reads the optional file of field (nil when none was chosen, or an empty one),
// refusing one over limit with tooLarge.
func formFile(c *fiber.Ctx, field string, limit int64, tooLarge error) ([]byte, string, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil, "", nil
	}
	return readFormFile(fh, limit, tooLarge)
}

// readFormFile reads an uploaded file, refusing one over limit with tooLarge, whatever its
// header says.
func readFormFile(fh *multipart.FileHeader, limit int64, tooLarge error) ([]byte, string, error) {
	if fh.Size > limit {
		return nil, fh.Filename, tooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(b)) > limit {
		return nil, fh.Filename, tooLarge
	}
	return b, fh.Filename, nil
}

func (h *handler) addMaterial(c *fiber.Ctx) error {
	w, err := h.visibleWorkshop(c)
	if err != nil {
		return err
	}
	form := typed(c, "title_ar", "title_en", "title_fr", "url", "session_id", "visibility")
	in := workshops.MaterialInput{Title: map[string]string{"ar": form["title_ar"], "en": form["title_en"], "fr": form["title_fr"]},
		URL: form["url"], Visibility: form["visibility"]}
	if form["session_id"] != "" {
		if in.SessionID, err = strconv.ParseInt(form["session_id"], 10, 64); err != nil {
			return h.renderMaterialsAdmin(c, fiber.StatusUnprocessableEntity, problem.Fields{"session_id": "workshop_materials.field.session.unknown"}.Err(), form)
		}
	}
	in.Data, in.Filename, err = formFile(c, "file", workshops.MaxMaterialBytes, workshops.ErrMaterialTooLarge)
	if err == nil {
		_, err = h.Workshops.AddMaterial(c.UserContext(), actor(c), w.ID, in)
	}
	if err != nil {
		if _, _, status, ok := formError(err); ok {
			return h.renderMaterialsAdmin(c, status, err, form)
		}
		return err
	}
	h.setFlash(c, "workshop_materials.flash.material_added")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/materials", lang(c), w.ID), fiber.StatusSeeOther)
}

// showMaterial is the form that changes a material's titles, visibility and agenda item.
func (h *handler) showMaterial(c *fiber.Ctx) error {
	return h.renderMaterial(c, fiber.StatusOK, nil, nil)
}

func (h *handler) renderMaterial(c *fiber.Ctx, status int, err error, form map[string]string) error {
	w, lerr := h.loadWorkshop(c)
	if lerr != nil {
		return lerr
	}
	mid, perr := parseID(c.Params("mid"))
	if perr != nil {
		return perr
	}
	m, merr := h.Workshops.Material(c.UserContext(), w.ID, mid)
	if merr != nil {
		return merr
	}
	m.Data = nil
	d, derr := h.materialsAdminData(c, w)
	if derr != nil {
		return derr
	}
	mv := h.materialViewOf(lang(c), *m, agendaTitles(w, lang(c)))
	d.Material = &mv
	v := h.view(c, "workshop_materials.material.edit")
	v.Data = d
	if form == nil {
		form = map[string]string{"title_ar": m.Title["ar"], "title_en": m.Title["en"], "title_fr": m.Title["fr"], "visibility": m.Visibility}
		if m.SessionID != 0 {
			form["session_id"] = strconv.FormatInt(m.SessionID, 10)
		}
	}
	v.Form = form
	h.putFormError(c, v, err)
	return h.render(c, status, "admin_workshop_material", v)
}

func (h *handler) saveMaterial(c *fiber.Ctx) error {
	w, err := h.visibleWorkshop(c)
	if err != nil {
		return err
	}
	mid, err := parseID(c.Params("mid"))
	if err != nil {
		return err
	}
	form := typed(c, "title_ar", "title_en", "title_fr", "session_id", "visibility")
	in := workshops.MaterialChange{Title: map[string]string{"ar": form["title_ar"], "en": form["title_en"], "fr": form["title_fr"]},
		Visibility: form["visibility"]}
	if form["session_id"] != "" {
		if in.SessionID, err = strconv.ParseInt(form["session_id"], 10, 64); err != nil {
			return h.renderMaterial(c, fiber.StatusUnprocessableEntity, problem.Fields{"session_id": "workshop_materials.field.session.unknown"}.Err(), form)
		}
	}
	if _, err := h.Workshops.UpdateMaterial(c.UserContext(), actor(c), w.ID, mid, in); err != nil {
		if _, _, status, ok := formError(err); ok && status != fiber.StatusNotFound {
			return h.renderMaterial(c, status, err, form)
		}
		return err
	}
	h.setFlash(c, "workshop_materials.flash.material_saved")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/materials", lang(c), w.ID), fiber.StatusSeeOther)
}

func (h *handler) deleteMaterial(c *fiber.Ctx) error {
	w, err := h.visibleWorkshop(c)
	if err != nil {
		return err
	}
	mid, err := parseID(c.Params("mid"))
	if err != nil {
		return err
	}
	if err := h.Workshops.DeleteMaterial(c.UserContext(), actor(c), w.ID, mid); err != nil {
		return err
	}
	h.setFlash(c, "workshop_materials.flash.material_deleted")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/materials", lang(c), w.ID), fiber.StatusSeeOther)
}

var speakerFields = []string{"official_id", "name_ar", "name_en", "name_fr", "affiliation", "bio_ar", "bio_en", "bio_fr"}

// speakerInput reads the speaker form; form is what to show again.
func speakerInput(c *fiber.Ctx) (workshops.SpeakerInput, map[string]string, error) {
	form := typed(c, speakerFields...)
	in := workshops.SpeakerInput{Name: map[string]string{"ar": form["name_ar"], "en": form["name_en"], "fr": form["name_fr"]},
		Affiliation: form["affiliation"], Bio: map[string]string{"ar": form["bio_ar"], "en": form["bio_en"], "fr": form["bio_fr"]},
		RemovePhoto: c.FormValue("remove_photo") != ""}
	var ids []string
	if mf, err := c.MultipartForm(); err == nil {
		ids = mf.Value["sessions"]
	} else {
		for _, v := range c.Request().PostArgs().PeekMulti("sessions") {
			ids = append(ids, string(v))
		}
	}
	for _, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return in, form, problem.Fields{"sessions": "workshop_materials.field.session.unknown"}.Err()
		}
		in.Sessions = append(in.Sessions, id)
	}
	form["sessions"] = strings.Join(ids, ",")
	if form["official_id"] != "" {
		id, err := strconv.ParseInt(form["official_id"], 10, 64)
		if err != nil {
			return in, form, problem.Fields{"official_id": "workshop_materials.field.official.not_trainer"}.Err()
		}
		in.OfficialID = id
	}
	var err error
	in.Photo, _, err = formFile(c, "photo", workshops.MaxPhotoBytes, &problem.Error{Status: fiber.StatusRequestEntityTooLarge, Code: "file_too_large",
		Key: "workshop_materials.field.photo.too_large", Fields: map[string]string{"photo": "workshop_materials.field.photo.too_large"},
		Args: []any{"mb", workshops.MaxPhotoMB}})
	return in, form, err
}

func (h *handler) addSpeaker(c *fiber.Ctx) error {
	w, err := h.visibleWorkshop(c)
	if err != nil {
		return err
	}
	in, form, err := speakerInput(c)
	if err == nil {
		_, err = h.Workshops.SaveSpeaker(c.UserContext(), actor(c), w.ID, 0, in)
	}
	if err != nil {
		if _, _, status, ok := formError(err); ok {
			return h.renderMaterialsAdmin(c, status, err, form)
		}
		return err
	}
	h.setFlash(c, "workshop_materials.flash.speaker_saved")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/materials", lang(c), w.ID), fiber.StatusSeeOther)
}

// showSpeaker is the form that edits one speaker.
func (h *handler) showSpeaker(c *fiber.Ctx) error {
	return h.renderSpeaker(c, fiber.StatusOK, nil, nil)
}

func (h *handler) renderSpeaker(c *fiber.Ctx, status int, err error, form map[string]string) error {
	w, lerr := h.loadWorkshop(c)
	if lerr != nil {
		return lerr
	}
	sid, perr := parseID(c.Params("sid"))
	if perr != nil {
		return perr
	}
	sp, serr := h.Workshops.Speaker(c.UserContext(), w.ID, sid)
	if serr != nil {
		return serr
	}
	d, derr := h.materialsAdminData(c, w)
	if derr != nil {
		return derr
	}
	sv := h.speakerViewOf(lang(c), *sp, nil)
	d.Speaker = &sv
	v := h.view(c, "workshop_materials.speaker.edit")
	v.Data = d
	if form == nil {
		form = map[string]string{"affiliation": sp.Affiliation}
		if sp.OfficialID != 0 {
			form["official_id"] = strconv.FormatInt(sp.OfficialID, 10)
			if o, err := h.Officials.Get(c.UserContext(), sp.OfficialID); err == nil && o.Organisation == sp.Affiliation {
				form["affiliation"] = "" // taken from the account, not typed
			}
		} else {
			for _, l := range i18n.Langs {
				form["name_"+l] = sp.Name[l]
			}
		}
		for _, l := range i18n.Langs {
			form["bio_"+l] = sp.Bio[l]
		}
		var ids []string
		for _, se := range sp.Sessions {
			ids = append(ids, strconv.FormatInt(se, 10))
		}
		form["sessions"] = strings.Join(ids, ",")
	}
	v.Form = form
	for _, id := range strings.Split(form["sessions"], ",") {
		d.Chosen[id] = true
	}
	h.putFormError(c, v, err)
	return h.render(c, status, "admin_workshop_speaker", v)
}

func (h *handler) saveSpeaker(c *fiber.Ctx) error {
	w, err := h.visibleWorkshop(c)
	if err != nil {
		return err
	}
	sid, err := parseID(c.Params("sid"))
	if err != nil {
		return err
	}
	in, form, err := speakerInput(c)
	if err == nil {
		_, err = h.Workshops.SaveSpeaker(c.UserContext(), actor(c), w.ID, sid, in)
	}
	if err != nil {
		if _, _, status, ok := formError(err); ok && status != fiber.StatusNotFound {
			return h.renderSpeaker(c, status, err, form)
		}
		return err
	}
	h.setFlash(c, "workshop_materials.flash.speaker_saved")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/materials", lang(c), w.ID), fiber.StatusSeeOther)
}

func (h *handler) deleteSpeaker(c *fiber.Ctx) error {
	w, err := h.visibleWorkshop(c)
	if err != nil {
		return err
	}
	sid, err := parseID(c.Params("sid"))
	if err != nil {
		return err
	}
	if err := h.Workshops.DeleteSpeaker(c.UserContext(), actor(c), w.ID, sid); err != nil {
		return err
	}
	h.setFlash(c, "workshop_materials.flash.speaker_deleted")
	return c.Redirect(fmt.Sprintf("/%s/admin/workshops/%d/materials", lang(c), w.ID), fiber.StatusSeeOther)
}

// The API.

func (h *handler) apiWorkshopMaterialRoutes(api fiber.Router) {
	staff := h.requireRole(officials.RoleStaff, officials.RoleAdmin)
	api.Get("/workshops/:id/speakers", h.apiListSpeakers)
	api.Post("/workshops/:id/speakers", staff, h.apiAddSpeaker)
	api.Delete("/workshops/:id/speakers/:sid", staff, h.apiDeleteSpeaker)
	api.Get("/workshops/:id/speakers/:sid/photo", h.apiSpeakerPhoto)
	api.Get("/workshops/:id/materials", h.apiListMaterials)
	api.Post("/workshops/:id/materials", staff, h.apiAddMaterial)
	api.Patch("/workshops/:id/materials/:mid", staff, h.apiUpdateMaterial)
	api.Delete("/workshops/:id/materials/:mid", staff, h.apiDeleteMaterial)
	api.Get("/workshops/:id/materials/:mid/file", h.apiMaterialFile)
}

// apiMaterial is a material as the API gives it, with the address of its file.
type apiMaterial struct {
	workshops.Material
	FileURL string `json:"file_url,omitempty"`
}

func (h *handler) apiListMaterials(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	restricted, err := h.Workshops.SeesRestrictedMaterials(c.UserContext(), user(c), w)
	if err != nil {
		return err
	}
	ms, err := h.Workshops.Materials(c.UserContext(), w.ID, restricted)
	if err != nil {
		return err
	}
	out := make([]apiMaterial, len(ms))
	for i, m := range ms {
		out[i] = h.apiMaterialOf(m)
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiMaterialOf(m workshops.Material) apiMaterial {
	a := apiMaterial{Material: m}
	if m.Kind == workshops.MaterialFile {
		a.FileURL = fmt.Sprintf("%s/api/v1/workshops/%d/materials/%d/file", h.cfg.BaseURL, m.WorkshopID, m.ID)
	}
	return a
}

func (h *handler) apiAddMaterial(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	var in workshops.MaterialInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	m, err := h.Workshops.AddMaterial(c.UserContext(), actor(c), w.ID, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, h.apiMaterialOf(*m))
}

// apiUpdateMaterial changes the fields present in the body (title, visibility, session_id).
func (h *handler) apiUpdateMaterial(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	mid, err := parseID(c.Params("mid"))
	if err != nil {
		return err
	}
	m, err := h.Workshops.Material(c.UserContext(), w.ID, mid)
	if err != nil {
		return err
	}
	in := workshops.MaterialChange{Title: m.Title, Visibility: m.Visibility, SessionID: m.SessionID}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return jsonProblem(err)
	}
	if m, err = h.Workshops.UpdateMaterial(c.UserContext(), actor(c), w.ID, mid, in); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, h.apiMaterialOf(*m))
}

func (h *handler) apiDeleteMaterial(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	mid, err := parseID(c.Params("mid"))
	if err != nil {
		return err
	}
	if err := h.Workshops.DeleteMaterial(c.UserContext(), actor(c), w.ID, mid); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, fiber.Map{"id": mid, "deleted": true})
}

func (h *handler) apiMaterialFile(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	mid, err := parseID(c.Params("mid"))
	if err != nil {
		return err
	}
	m, err := h.Workshops.Material(c.UserContext(), w.ID, mid)
	if err != nil {
		return err
	}
	if m.Kind != workshops.MaterialFile {
		return problem.NotFound
	}
	return h.sendMaterial(c, w, m)
}

// apiSpeaker is a speaker as the API gives them, with the address of their photo.
type apiSpeaker struct {
	workshops.Speaker
	PhotoURL string `json:"photo_url,omitempty"`
}

func (h *handler) apiSpeakerOf(sp workshops.Speaker) apiSpeaker {
	a := apiSpeaker{Speaker: sp}
	if sp.HasPhoto {
		a.PhotoURL = fmt.Sprintf("%s/api/v1/workshops/%d/speakers/%d/photo", h.cfg.BaseURL, sp.WorkshopID, sp.ID)
	}
	return a
}

func (h *handler) apiListSpeakers(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	sps, err := h.Workshops.Speakers(c.UserContext(), w.ID)
	if err != nil {
		return err
	}
	out := make([]apiSpeaker, len(sps))
	for i, sp := range sps {
		out[i] = h.apiSpeakerOf(sp)
	}
	return data(c, fiber.StatusOK, out)
}

func (h *handler) apiAddSpeaker(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	var in workshops.SpeakerInput
	if err := bodyJSON(c, &in); err != nil {
		return err
	}
	sp, err := h.Workshops.SaveSpeaker(c.UserContext(), actor(c), w.ID, 0, in)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusCreated, h.apiSpeakerOf(*sp))
}

func (h *handler) apiDeleteSpeaker(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	sid, err := parseID(c.Params("sid"))
	if err != nil {
		return err
	}
	if err := h.Workshops.DeleteSpeaker(c.UserContext(), actor(c), w.ID, sid); err != nil {
		return err
	}
	return data(c, fiber.StatusOK, fiber.Map{"id": sid, "deleted": true})
}

func (h *handler) apiSpeakerPhoto(c *fiber.Ctx) error {
	w, err := h.apiWorkshop(c)
	if err != nil {
		return err
	}
	sid, err := parseID(c.Params("sid"))
	if err != nil {
		return err
	}
	return h.sendSpeakerPhoto(c, w, sid)
}

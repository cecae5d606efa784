package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/workshops"
)

// Texts of the materials test that only some people may read.
const (
	wmRestrictedTitle = "Slides for confirmed participants"
	wmPublicTitle     = "Public reading list"
	wmSpeakerName     = "Layla Mansour"
)

// wmOffice is a minimal Office Open XML package declaring main.
func wmOffice(t testing.TB, main string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Override PartName="/word/document.xml" ContentType="` + main + `"/></Types>`,
		"word/document.xml": "<document/>",
	} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const wmDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

func wmPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), 90, uint8(y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// multipartPost sends a form with files (name → file name and content) as this browser.
func (c *client) multipartPost(path string, fields map[string][]string, files map[string][2]any) response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/" + c.lang + "/login")
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("_csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for k, f := range files {
		fw, _ := w.CreateFormFile(k, f[0].(string))
		_, _ = fw.Write(f[1].([]byte))
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// addMaterialsFixture gives the route fixture's live workshop (where the subject holds a
// confirmed seat) a material for participants ({liveMaterial}), a public one ({livePublic})
// and a speaker with a photo ({liveSpeaker}); {newMaterial} and {newSpeaker} are made afresh
// on workshop wid.
func addMaterialsFixture(f *routeFixture, live, wid int64) {
	f.t.Helper()
	sys := audit.Actor{Email: "fixture"}
	m, err := f.p.Workshops.AddMaterial(f.ctx, sys, live, workshops.MaterialInput{Title: map[string]string{"en": wmRestrictedTitle},
		Filename: "slides.pdf", Data: rfSamplePDF})
	f.must(err, "material")
	f.vars["liveMaterial"] = fmt.Sprint(m.ID)
	m, err = f.p.Workshops.AddMaterial(f.ctx, sys, live, workshops.MaterialInput{Title: map[string]string{"en": wmPublicTitle},
		Visibility: workshops.VisibilityPublic, Filename: "reading.pdf", Data: rfSamplePDF})
	f.must(err, "public material")
	f.vars["livePublic"] = fmt.Sprint(m.ID)
	sp, err := f.p.Workshops.SaveSpeaker(f.ctx, sys, live, 0, workshops.SpeakerInput{Name: map[string]string{"en": wmSpeakerName}, Photo: wmPNG(f.t, 8, 8)})
	f.must(err, "speaker")
	f.vars["liveSpeaker"] = fmt.Sprint(sp.ID)
	f.fresh["newMaterial"] = func() string {
		m, err := f.p.Workshops.AddMaterial(f.ctx, sys, wid, workshops.MaterialInput{Title: map[string]string{"en": "Agenda"}, URL: "https://example.org/agenda"})
		f.must(err, "fresh material")
		return fmt.Sprint(m.ID)
	}
	f.fresh["newSpeaker"] = func() string {
		sp, err := f.p.Workshops.SaveSpeaker(f.ctx, sys, wid, 0, workshops.SpeakerInput{Name: map[string]string{"en": "Guest"}})
		f.must(err, "fresh speaker")
		return fmt.Sprint(sp.ID)
	}
}

// wmWorld is a published workshop with two agenda items, a restricted PDF on the first, a
// public link, a speaker with a photo at the first item, and people in every position.
type wmWorld struct {
	p                                 *platform.Platform
	wid, s1, s2, restricted, public   int64
	speaker                           int64
	staff, confirmed, pending, anon   *client
	trainer                           *client
	staffTok, confirmedTok, otherTok  string
	confirmedOfficial, pendingOfficia *officials.Official
}

func newWMWorld(t *testing.T) *wmWorld {
	t.Helper()
	p := newPlatform(t)
	wsClock(p)
	ctx := context.Background()
	x := &wmWorld{p: p, anon: newClient(t, p)}
	var staffO, trainerO *officials.Official
	x.staff, staffO = account(t, p, "staff@materials.test", officials.RoleStaff, "")
	x.trainer, trainerO = account(t, p, "trainer@materials.test", officials.RoleTrainer, "TN")
	x.confirmed, x.confirmedOfficial = account(t, p, "confirmed@materials.test", officials.RoleOfficial, "JO")
	x.pending, x.pendingOfficia = account(t, p, "pending@materials.test", officials.RoleOfficial, "JO")
	var err error
	if x.staffTok, err = p.Officials.CreateAPIToken(ctx, staffO.ID, "t"); err != nil {
		t.Fatal(err)
	}
	if x.confirmedTok, err = p.Officials.CreateAPIToken(ctx, x.confirmedOfficial.ID, "t"); err != nil {
		t.Fatal(err)
	}
	if x.otherTok, err = p.Officials.CreateAPIToken(ctx, x.pendingOfficia.ID, "t"); err != nil {
		t.Fatal(err)
	}
	sys := audit.Actor{ID: staffO.ID, Email: staffO.Email}
	w, err := p.Workshops.Create(ctx, sys, workshops.Input{Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"},
		Kind: workshops.KindNational, Phases: []int{1}, HostCountry: "JO", City: "Amman", StartDate: "2026-03-10", EndDate: "2026-03-11",
		Languages: []string{"ar"}, Capacity: 30, Trainers: []int64{trainerO.ID},
		Sessions: []workshops.SessionInput{
			{StartsAt: "2026-03-10T09:00", EndsAt: "2026-03-10T10:30", Title: map[string]string{"ar": "الافتتاح", "en": "Opening"}},
			{StartsAt: "2026-03-10T11:00", EndsAt: "2026-03-10T12:30", Title: map[string]string{"ar": "بوابات البيانات", "en": "Data portals"}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Workshops.SetStatus(ctx, sys, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	x.wid, x.s1, x.s2 = w.ID, w.Sessions[0].ID, w.Sessions[1].ID
	r, err := p.Workshops.Apply(ctx, x.confirmedOfficial, w.ID, "I run our portal.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Workshops.Transition(ctx, staffO, r.ID, workshops.ActApprove); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Workshops.Apply(ctx, x.pendingOfficia, w.ID, "I run our portal too."); err != nil {
		t.Fatal(err)
	}
	m, err := p.Workshops.AddMaterial(ctx, sys, w.ID, workshops.MaterialInput{Title: map[string]string{"en": wmRestrictedTitle, "ar": "شرائح للمشاركين المؤكدين"},
		SessionID: x.s1, Filename: "slides.pdf", Data: rfSamplePDF})
	if err != nil {
		t.Fatal(err)
	}
	x.restricted = m.ID
	m, err = p.Workshops.AddMaterial(ctx, sys, w.ID, workshops.MaterialInput{Title: map[string]string{"en": wmPublicTitle, "ar": "قائمة قراءات عامة"},
		Visibility: workshops.VisibilityPublic, URL: "https://data.example.org/reading"})
	if err != nil {
		t.Fatal(err)
	}
	x.public = m.ID
	sp, err := p.Workshops.SaveSpeaker(ctx, sys, w.ID, 0, workshops.SpeakerInput{Name: map[string]string{"en": wmSpeakerName, "ar": "ليلى منصور"},
		Affiliation: "Open Knowledge", Bio: map[string]string{"ar": "خبيرة في البيانات المفتوحة."}, Photo: wmPNG(t, 900, 900), Sessions: []int64{x.s1}})
	if err != nil {
		t.Fatal(err)
	}
	x.speaker = sp.ID
	return x
}

// TestWorkshopMaterialsVisibility: the public page shows the speakers and the public
// materials; participants with a confirmed seat (and the trainers, and staff) also read
// and download the others, on the page and on their ticket; anyone else gets 404 for them,
// on every request, through the pages and the API alike.
func TestWorkshopMaterialsVisibility(t *testing.T) {
	x := newWMWorld(t)
	page := fmt.Sprintf("/en/workshops/%d", x.wid)
	file := fmt.Sprintf("/en/workshops/%d/materials/%d", x.wid, x.restricted)

	for name, c := range map[string]*client{"anonymous": x.anon, "pending": x.pending} {
		r := c.get(page)
		if r.Status != 200 || !strings.Contains(r.Body, wmSpeakerName) || !strings.Contains(r.Body, wmPublicTitle) ||
			!strings.Contains(r.Body, "https://data.example.org/reading") {
			t.Errorf("%s: the page misses the speaker or the public material (%d)", name, r.Status)
		}
		if strings.Contains(r.Body, wmRestrictedTitle) || strings.Contains(r.Body, file) {
			t.Errorf("%s: the page shows the participants' material", name)
		}
		if !strings.Contains(r.Body, "Participants with a confirmed seat find further materials here") {
			t.Errorf("%s: no word that participants find more", name)
		}
		if r := c.get(file); r.Status != http.StatusNotFound || strings.Contains(r.Body, "%PDF") {
			t.Errorf("%s: download of the participants' material: %d", name, r.Status)
		}
	}
	if r := x.pending.get(fmt.Sprintf("/en/workshops/%d/ticket", x.wid)); r.Status != 200 || strings.Contains(r.Body, wmRestrictedTitle) {
		t.Errorf("pending ticket: %d, shows the material: %v", r.Status, strings.Contains(r.Body, wmRestrictedTitle))
	}

	// The confirmed participant: on the page, at its agenda item, and on the ticket.
	r := x.confirmed.get(page)
	if r.Status != 200 || !strings.Contains(r.Body, wmRestrictedTitle) || !strings.Contains(r.Body, file) {
		t.Fatalf("confirmed: page %d without the material", r.Status)
	}
	if i, j := strings.Index(r.Body, "Opening"), strings.Index(r.Body, wmRestrictedTitle); i < 0 || j < i || j > strings.Index(r.Body, "Data portals") {
		t.Errorf("the material is not shown at its agenda item")
	}
	if r := x.confirmed.get(fmt.Sprintf("/en/workshops/%d/ticket", x.wid)); r.Status != 200 || !strings.Contains(r.Body, wmRestrictedTitle) {
		t.Errorf("confirmed ticket: %d without the material", r.Status)
	}
	for name, c := range map[string]*client{"confirmed": x.confirmed, "trainer": x.trainer, "staff": x.staff} {
		r := c.get(file)
		if r.Status != 200 || r.Body != string(rfSamplePDF) {
			t.Errorf("%s: download %d", name, r.Status)
			continue
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, `filename="slides.pdf"`) {
			t.Errorf("%s: Content-Disposition %q", name, cd)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: headers %v", name, r.Header)
		}
	}
	// A link is followed only by those who may; a material of another workshop is not this one's.
	if r := x.anon.get(fmt.Sprintf("/en/workshops/%d/materials/%d", x.wid, x.public)); r.Status != http.StatusSeeOther || r.Location != "https://data.example.org/reading" {
		t.Errorf("public link: %d %q", r.Status, r.Location)
	}
	if r := x.staff.get(fmt.Sprintf("/en/workshops/%d/materials/%d", x.wid+1000, x.restricted)); r.Status != http.StatusNotFound {
		t.Errorf("through another workshop: %d", r.Status)
	}
	// The speaker's photo: re-encoded, scaled down, served as PNG.
	r = x.anon.get(fmt.Sprintf("/en/workshops/%d/speakers/%d/photo", x.wid, x.speaker))
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("photo: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	if cfg, err := png.DecodeConfig(strings.NewReader(r.Body)); err != nil || cfg.Width != 600 {
		t.Errorf("photo %dx%d (%v)", cfg.Width, cfg.Height, err)
	}

	// The API: the same rules.
	list := func(tok string) []map[string]any {
		r := x.anon.api("GET", fmt.Sprintf("/api/v1/workshops/%d/materials", x.wid), tok, "")
		var out struct{ Data []map[string]any }
		if err := json.Unmarshal([]byte(r.Body), &out); err != nil || r.Status != 200 {
			t.Fatalf("materials API: %d %s", r.Status, r.Body)
		}
		return out.Data
	}
	if got := list(""); len(got) != 1 || got[0]["visibility"] != "public" {
		t.Errorf("anonymous API list: %v", got)
	}
	if got := list(x.otherTok); len(got) != 1 {
		t.Errorf("pending API list: %v", got)
	}
	got := list(x.confirmedTok)
	if len(got) != 2 || got[0]["file_url"] == nil {
		t.Fatalf("confirmed API list: %v", got)
	}
	apiFile := fmt.Sprintf("/api/v1/workshops/%d/materials/%d/file", x.wid, x.restricted)
	if !strings.HasSuffix(got[0]["file_url"].(string), apiFile) {
		t.Errorf("file_url %v", got[0]["file_url"])
	}
	for tok, want := range map[string]int{"": 404, x.otherTok: 404, x.confirmedTok: 200, x.staffTok: 200} {
		if r := x.anon.api("GET", apiFile, tok, ""); r.Status != want {
			t.Errorf("API file with %q: %d, want %d", tok[:min(len(tok), 6)], r.Status, want)
		}
	}
	r = x.anon.api("GET", fmt.Sprintf("/api/v1/workshops/%d/speakers", x.wid), "", "")
	if r.Status != 200 || !strings.Contains(r.Body, wmSpeakerName) || !strings.Contains(r.Body, fmt.Sprintf(`"sessions":[%d]`, x.s1)) ||
		!strings.Contains(r.Body, "photo_url") {
		t.Errorf("speakers API: %d %s", r.Status, r.Body)
	}
}

// TestWorkshopMaterialsUploads: staff add materials and speakers on the workshop's admin
// page; a file of the wrong type is refused with a message naming what it is and the form
// comes back with what was typed; nothing is half-saved.
func TestWorkshopMaterialsUploads(t *testing.T) {
	x := newWMWorld(t)
	admin := fmt.Sprintf("/ar/admin/workshops/%d/materials", x.wid)
	count := func() int {
		ms, err := x.p.Workshops.Materials(context.Background(), x.wid, true)
		if err != nil {
			t.Fatal(err)
		}
		return len(ms)
	}
	if r := x.staff.get(admin); r.Status != 200 || !strings.Contains(r.Body, "PDF") || !strings.Contains(r.Body, "20") {
		t.Fatalf("admin page: %d", r.Status)
	}
	if r := x.trainer.get(admin); r.Status != http.StatusForbidden {
		t.Errorf("trainer on the admin page: %d", r.Status)
	}
	before := count()

	// An HTML page renamed .pdf.
	r := x.staff.multipartPost(admin, map[string][]string{"title_ar": {"عرض الجلسة"}, "session_id": {fmt.Sprint(x.s2)}},
		map[string][2]any{"file": {"session.pdf", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "«session.pdf» صفحة ويب (HTML)") || !strings.Contains(r.Body, `value="عرض الجلسة"`) {
		t.Errorf("HTML upload: %d %s", r.Status, excerpt(r.Body))
	}
	// A macro-enabled workbook, and a link that is not http(s).
	r = x.staff.multipartPost(admin, map[string][]string{"title_en": {"Budget"}}, map[string][2]any{"file": {"budget.xlsm",
		wmOffice(t, "application/vnd.ms-excel.sheet.macroEnabled.main+xml")}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "ماكرو") {
		t.Errorf("macro upload: %d", r.Status)
	}
	r = x.staff.post(admin, map[string][]string{"title_en": {"Script"}, "url": {"javascript:alert(1)"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "https://") {
		t.Errorf("javascript link: %d", r.Status)
	}
	// Too large: refused from its size, with the limit.
	big := make([]byte, workshops.MaxMaterialBytes+1)
	copy(big, rfSamplePDF)
	r = x.staff.multipartPost(admin, map[string][]string{"title_en": {"Huge"}}, map[string][2]any{"file": {"huge.pdf", big}})
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "20 ميغابايت") {
		t.Errorf("too large: %d %s", r.Status, excerpt(r.Body))
	}
	if n := count(); n != before {
		t.Fatalf("refused uploads saved %d materials", n-before)
	}

	// A DOCX attached to the second agenda item; the workshops' kept pages, here and on every
	// instance, are stale from then on.
	gen := x.p.Bus.Topic(cache.Workshops).Generation()
	r = x.staff.multipartPost(admin, map[string][]string{"title_ar": {"دليل البوابة"}, "session_id": {fmt.Sprint(x.s2)}, "visibility": {"participants"}},
		map[string][2]any{"file": {"guide.docx", wmOffice(t, wmDocx)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("docx upload: %d %s", r.Status, excerpt(r.Body))
	}
	if x.p.Bus.Topic(cache.Workshops).Generation() == gen {
		t.Error("adding a material did not invalidate the workshops' kept pages")
	}
	ms, _ := x.p.Workshops.Materials(context.Background(), x.wid, true)
	last := ms[len(ms)-1]
	if last.Format != workshops.FormatDOCX || last.SessionID != x.s2 || last.Visibility != workshops.VisibilityParticipants {
		t.Errorf("stored: %+v", last)
	}
	dl := x.confirmed.get(fmt.Sprintf("/ar/workshops/%d/materials/%d", x.wid, last.ID))
	if dl.Status != 200 || dl.Header.Get("Content-Type") != workshops.ContentType(workshops.FormatDOCX) {
		t.Errorf("docx download: %d %q", dl.Status, dl.Header.Get("Content-Type"))
	}

	// Speakers: an SVG photo is refused; a PNG is taken, with the agenda items.
	r = x.staff.multipartPost(fmt.Sprintf("/ar/admin/workshops/%d/speakers", x.wid), map[string][]string{"name_en": {"Omar Said"}, "sessions": {fmt.Sprint(x.s2)}},
		map[string][2]any{"photo": {"omar.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "SVG") || !strings.Contains(r.Body, `value="Omar Said"`) {
		t.Errorf("SVG photo: %d %s", r.Status, excerpt(r.Body))
	}
	sps, _ := x.p.Workshops.Speakers(context.Background(), x.wid)
	if len(sps) != 1 {
		t.Fatalf("refused speaker saved: %d", len(sps))
	}
	r = x.staff.multipartPost(fmt.Sprintf("/ar/admin/workshops/%d/speakers", x.wid), map[string][]string{"name_en": {"Omar Said"}, "name_ar": {"عمر سعيد"},
		"sessions": {fmt.Sprint(x.s1), fmt.Sprint(x.s2)}}, map[string][2]any{"photo": {"omar.png", wmPNG(t, 40, 40)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("speaker: %d %s", r.Status, excerpt(r.Body))
	}
	sps, _ = x.p.Workshops.Speakers(context.Background(), x.wid)
	if len(sps) != 2 || len(sps[1].Sessions) != 2 || !sps[1].HasPhoto {
		t.Errorf("speakers: %+v", sps)
	}
	if r := x.anon.get(fmt.Sprintf("/ar/workshops/%d", x.wid)); !strings.Contains(r.Body, "عمر سعيد") {
		t.Errorf("the new speaker is not on the public page")
	}
	// Editing: the agenda items change, the photo stays.
	r = x.staff.multipartPost(fmt.Sprintf("/ar/admin/workshops/%d/speakers/%d", x.wid, sps[1].ID), map[string][]string{"name_en": {"Omar Said"}, "sessions": {fmt.Sprint(x.s2)}}, nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("edit speaker: %d %s", r.Status, excerpt(r.Body))
	}
	if sp, _ := x.p.Workshops.Speaker(context.Background(), x.wid, sps[1].ID); len(sp.Sessions) != 1 || !sp.HasPhoto || sp.NameIn("ar") != "Omar Said" {
		t.Errorf("edited: %+v", sp)
	}
	// Changing a material: the participants' slides become public.
	r = x.staff.post(fmt.Sprintf("/ar/admin/workshops/%d/materials/%d", x.wid, x.restricted), map[string][]string{
		"title_en": {wmRestrictedTitle}, "visibility": {"public"}, "session_id": {fmt.Sprint(x.s1)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("change material: %d %s", r.Status, excerpt(r.Body))
	}
	if r := x.anon.get(fmt.Sprintf("/ar/workshops/%d/materials/%d", x.wid, x.restricted)); r.Status != 200 {
		t.Errorf("the slides made public: %d for an anonymous visitor", r.Status)
	}
	r = x.staff.post(fmt.Sprintf("/ar/admin/workshops/%d/materials/%d", x.wid, x.restricted), map[string][]string{"visibility": {"public"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "اكتب عنوانًا بلغة واحدة على الأقل") {
		t.Errorf("change without a title: %d", r.Status)
	}
	r = x.anon.api("PATCH", fmt.Sprintf("/api/v1/workshops/%d/materials/%d", x.wid, x.restricted), x.staffTok, `{"visibility": "participants"}`)
	if r.Status != 200 || !strings.Contains(r.Body, `"visibility":"participants"`) || !strings.Contains(r.Body, wmRestrictedTitle) {
		t.Errorf("API change: %d %s", r.Status, r.Body)
	}
	if r := x.anon.get(fmt.Sprintf("/ar/workshops/%d/materials/%d", x.wid, x.restricted)); r.Status != http.StatusNotFound {
		t.Errorf("the slides for participants again: %d for an anonymous visitor", r.Status)
	}

	// Deleting.
	if r := x.staff.post(fmt.Sprintf("/ar/admin/workshops/%d/speakers/%d/delete", x.wid, sps[1].ID), nil); r.Status != http.StatusSeeOther {
		t.Errorf("delete speaker: %d", r.Status)
	}
	if r := x.staff.post(fmt.Sprintf("/ar/admin/workshops/%d/materials/%d/delete", x.wid, last.ID), nil); r.Status != http.StatusSeeOther {
		t.Errorf("delete material: %d", r.Status)
	}
	if r := x.confirmed.get(fmt.Sprintf("/ar/workshops/%d/materials/%d", x.wid, last.ID)); r.Status != http.StatusNotFound {
		t.Errorf("deleted material: %d", r.Status)
	}

	// The API: staff add a file (base64) and a link; a program is refused naming the field.
	body, _ := json.Marshal(map[string]any{"title": map[string]string{"en": "Workbook"}, "filename": "data.xlsx",
		"data": base64.StdEncoding.EncodeToString(wmOffice(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")), "session_id": x.s1})
	r = x.anon.api("POST", fmt.Sprintf("/api/v1/workshops/%d/materials", x.wid), x.staffTok, string(body))
	if r.Status != http.StatusCreated || !strings.Contains(r.Body, `"format":"xlsx"`) {
		t.Errorf("API add: %d %s", r.Status, r.Body)
	}
	body, _ = json.Marshal(map[string]any{"title": map[string]string{"en": "Tool"}, "filename": "tool.pdf", "data": base64.StdEncoding.EncodeToString(append([]byte("MZ"), make([]byte, 99)...))})
	r = x.anon.api("POST", fmt.Sprintf("/api/v1/workshops/%d/materials", x.wid), x.staffTok, string(body))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"file":"«tool.pdf» برنامج تنفيذي`) {
		t.Errorf("API program: %d %s", r.Status, r.Body)
	}
	if r := x.anon.api("POST", fmt.Sprintf("/api/v1/workshops/%d/materials", x.wid), x.confirmedTok, `{"title": {"en": "x"}, "url": "https://example.org"}`); r.Status != http.StatusForbidden {
		t.Errorf("participant adds through the API: %d", r.Status)
	}
	r = x.anon.api("DELETE", fmt.Sprintf("/api/v1/workshops/%d/speakers/%d", x.wid, x.speaker), x.staffTok, "")
	if r.Status != 200 {
		t.Errorf("API delete speaker: %d %s", r.Status, r.Body)
	}
}

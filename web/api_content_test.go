package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/officials"
)

const apiContentBase = "/api/v1/content/courses/" + editorCourse

// apiRev is a revision as the content API answers it.
type apiRev struct {
	ID          int64  `json:"id"`
	Path        string `json:"path"`
	File        string `json:"file"`
	State       string `json:"state"`
	Origin      string `json:"origin"`
	Author      string `json:"author"`
	Text        string `json:"text"`
	Data        []byte `json:"data"`
	HeadID      int64  `json:"head_id"`
	PublishedID int64  `json:"published_id"`
	Unchanged   bool   `json:"unchanged"`
}

func apiData[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(decode(t, r).Data, &v); err != nil {
		t.Fatalf("data of %d %s: %v", r.Status, excerpt(r.Body), err)
	}
	return v
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAPIContentFlow: through the API, an assigned trainer reads, saves and submits a lesson
// (a save on a stale base is refused with 409 naming who saved in between; saving the same
// text again says unchanged); the trainer may not publish; staff publishing a broken link get
// 422 listing the problem with nothing published; once mended, the publication serves the
// text to learners; the history lists the revisions and a restore brings the old text back;
// the translations show the English lesson outdated, with the source's change.
func TestAPIContentFlow(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, staffAccount := account(t, p, "api-content-staff@example.org", officials.RoleStaff, "")
	_, trainerAccount := account(t, p, "api-content-trainer@example.org", officials.RoleTrainer, "JO")
	staffTok, _ := p.Officials.CreateAPIToken(ctx, staffAccount.ID, "t")
	trainerTok, _ := p.Officials.CreateAPIToken(ctx, trainerAccount.ID, "t")
	c := newClient(t, p)
	c.lang = "en"
	learner := newClient(t, p)
	st := p.Library.Store()
	file := editorLesson + ".ar.md"
	fileURL := apiContentBase + "/files/" + file

	// Not yet assigned: refused; assigned by staff through the API.
	if r := c.api("GET", fileURL, trainerTok, ""); r.Status != http.StatusForbidden {
		t.Fatalf("an unassigned trainer reads a lesson: %d", r.Status)
	}
	if r := c.api("POST", apiContentBase+"/trainers", staffTok, jsonBody(t, map[string]any{"email": trainerAccount.Email})); r.Status != http.StatusCreated ||
		!strings.Contains(r.Body, trainerAccount.Email) {
		t.Fatalf("assign: %d %s", r.Status, excerpt(r.Body))
	}

	// The trainer's list names the course with its titles.
	r := c.api("GET", "/api/v1/content/courses", trainerTok, "")
	type courseRow struct {
		Folder string            `json:"folder"`
		Slug   string            `json:"slug"`
		Title  map[string]string `json:"title"`
		Drafts int               `json:"drafts"`
	}
	list := apiData[[]courseRow](t, r)
	if len(list) != 1 || list[0].Folder != editorCourse || list[0].Slug != editorSlug || list[0].Title["en"] == "" {
		t.Fatalf("the trainer's courses: %s", r.Body)
	}
	r = c.api("GET", apiContentBase+"/files", trainerTok, "")
	files := apiData[[]apiRev](t, r)
	if !slices.ContainsFunc(files, func(f apiRev) bool {
		return f.File == file && f.State == authoring.Published && f.PublishedID == f.HeadID
	}) {
		t.Fatalf("files: %s", excerpt(r.Body))
	}

	// Read, save, the served text unchanged.
	original := apiData[apiRev](t, c.api("GET", fileURL, trainerTok, ""))
	if head, _ := st.Head(ctx, editorCourse+"/"+file); original.ID != head.ID || original.Text != string(head.Body) || original.PublishedID != head.ID {
		t.Fatalf("GET the lesson: %+v", original)
	}
	added := "فقرة كتبها المدرّب عبر الواجهة البرمجية."
	edited := original.Text + "\n" + added + "\n"
	r = c.api("PUT", fileURL, trainerTok, jsonBody(t, map[string]any{"text": strings.ReplaceAll(edited, "\n", "\r\n"), "base_id": original.ID, "message": "فقرة جديدة"}))
	saved := apiData[apiRev](t, r)
	if r.Status != http.StatusCreated || saved.State != authoring.Draft || saved.Text != edited || saved.PublishedID != original.ID || saved.HeadID != saved.ID {
		t.Fatalf("save: %d %s", r.Status, excerpt(r.Body))
	}
	if pub := apiData[apiRev](t, c.api("GET", fileURL+"?revision=published", trainerTok, "")); pub.ID != original.ID || strings.Contains(pub.Text, added) {
		t.Errorf("revision=published: %+v", pub.ID)
	}
	if r := c.api("GET", fileURL+"?revision=yesterday", trainerTok, ""); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("revision=yesterday: %d", r.Status)
	}
	if r := learner.get("/ar/courses/" + editorSlug + "/" + editorLesson); strings.Contains(r.Body, added) {
		t.Fatal("a draft saved through the API is served")
	}
	// The same text again: nothing saved, said so.
	r = c.api("PUT", fileURL, trainerTok, jsonBody(t, map[string]any{"text": edited, "base_id": saved.ID}))
	if same := apiData[apiRev](t, r); r.Status != http.StatusOK || !same.Unchanged || same.ID != saved.ID {
		t.Errorf("unchanged save: %d %s", r.Status, excerpt(r.Body))
	}
	// A save on the stale base: 409 naming who saved and the revision, nothing overwritten.
	r = c.api("PUT", fileURL, staffTok, jsonBody(t, map[string]any{"text": original.Text + "\nنص آخر.\n", "base_id": original.ID}))
	var conflict struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Head    apiRev `json:"head"`
		} `json:"error"`
	}
	_ = json.Unmarshal([]byte(r.Body), &conflict)
	if r.Status != http.StatusConflict || conflict.Error.Code != "conflict" || conflict.Error.Head.ID != saved.ID ||
		!strings.Contains(conflict.Error.Message, "Sara Khaled") || !strings.Contains(conflict.Error.Message, itoa(saved.ID)) {
		t.Fatalf("stale base: %d %s", r.Status, r.Body)
	}
	if h, _ := st.Head(ctx, editorCourse+"/"+file); h.ID != saved.ID {
		t.Fatal("the stale save overwrote the draft")
	}
	// Too large, too long a message, not a writable file: 422 naming the field, nothing saved.
	big := strings.Repeat("ن", authoring.MaxFile/2+1)
	r = c.api("PUT", fileURL, trainerTok, jsonBody(t, map[string]any{"text": big, "base_id": saved.ID, "message": strings.Repeat("x", 501)}))
	if e := decode(t, r); r.Status != http.StatusUnprocessableEntity || !strings.Contains(e.Error.Fields["text"], "larger than the limit") || e.Error.Fields["message"] == "" {
		t.Errorf("oversize: %d %s", r.Status, excerpt(r.Body))
	}
	if r := c.api("PUT", apiContentBase+"/files/FORMAT.md", trainerTok, `{"text": "x", "base_id": 0}`); r.Status != http.StatusUnprocessableEntity || decode(t, r).Error.Code != "not_writable" {
		t.Errorf("a file that may not be written: %d %s", r.Status, excerpt(r.Body))
	}
	if r := c.api("PUT", apiContentBase+"/files/99-no-such-lesson.ar.md", trainerTok, `{"text": "x", "base_id": 0}`); r.Status != http.StatusNotFound {
		t.Errorf("a lesson the course does not know: %d", r.Status)
	}
	if h, _ := st.Head(ctx, editorCourse+"/"+file); h.ID != saved.ID {
		t.Fatal("a refused save saved")
	}

	// Submit; the trainer may not publish.
	if r := c.api("POST", fileURL+"/submit", trainerTok, jsonBody(t, map[string]any{"head_id": original.ID})); r.Status != http.StatusConflict || decode(t, r).Error.Code != "not_submittable" {
		t.Errorf("submit an old revision: %d %s", r.Status, excerpt(r.Body))
	}
	r = c.api("POST", fileURL+"/submit", trainerTok, jsonBody(t, map[string]any{"head_id": saved.ID}))
	if sub := apiData[apiRev](t, r); r.Status != http.StatusOK || sub.State != authoring.Review {
		t.Fatalf("submit: %d %s", r.Status, excerpt(r.Body))
	}
	if r := c.api("POST", apiContentBase+"/publish", trainerTok, ""); r.Status != http.StatusForbidden {
		t.Fatalf("a trainer publishes: %d", r.Status)
	}

	// A broken link in another lesson: the publication is refused, listing the problem.
	other := "03-six-strategic-objectives.ar.md"
	otherURL := apiContentBase + "/files/" + other
	otherOriginal := apiData[apiRev](t, c.api("GET", otherURL, trainerTok, ""))
	r = c.api("PUT", otherURL, trainerTok, jsonBody(t, map[string]any{"text": otherOriginal.Text + "\n[رابط مكسور](99-no-such-lesson.md)\n", "base_id": otherOriginal.ID}))
	broken := apiData[apiRev](t, r)
	if r := c.api("POST", otherURL+"/submit", trainerTok, jsonBody(t, map[string]any{"head_id": broken.ID})); r.Status != http.StatusOK {
		t.Fatalf("submit the broken link: %d", r.Status)
	}
	r = c.api("POST", apiContentBase+"/publish", staffTok, "")
	var refused struct {
		Error struct {
			Code     string `json:"code"`
			Message  string `json:"message"`
			Problems []struct {
				File    string `json:"file"`
				Line    int    `json:"line"`
				Message string `json:"message"`
			} `json:"problems"`
		} `json:"error"`
	}
	_ = json.Unmarshal([]byte(r.Body), &refused)
	if r.Status != http.StatusUnprocessableEntity || refused.Error.Code != "publish_refused" || len(refused.Error.Problems) == 0 ||
		refused.Error.Problems[0].File != editorCourse+"/"+other || refused.Error.Problems[0].Message == "" || refused.Error.Message == "" {
		t.Fatalf("publish with a broken link: %d %s", r.Status, r.Body)
	}
	for _, path := range []string{editorCourse + "/" + other, editorCourse + "/" + file} {
		if pub, _ := st.PublishedRevision(ctx, path); pub.ID == broken.ID || pub.ID == saved.ID {
			t.Fatalf("%s was published by a refused publication", path)
		}
	}

	// Mend it from its history (restore), submit, publish: learners see the new text.
	r = c.api("GET", otherURL+"/history", trainerTok, "")
	hist := apiData[struct {
		HeadID      int64    `json:"head_id"`
		PublishedID int64    `json:"published_id"`
		Revisions   []apiRev `json:"revisions"`
	}](t, r)
	if len(hist.Revisions) != 2 || hist.Revisions[0].ID != broken.ID || hist.Revisions[1].ID != otherOriginal.ID || hist.HeadID != broken.ID ||
		hist.PublishedID != otherOriginal.ID || hist.Revisions[0].Text != "" {
		t.Fatalf("history: %s", excerpt(r.Body))
	}
	r = c.api("POST", "/api/v1/content/revisions/"+itoa(otherOriginal.ID)+"/restore", trainerTok, "")
	restored := apiData[apiRev](t, r)
	if r.Status != http.StatusCreated || restored.Text != otherOriginal.Text || restored.Origin != authoring.OriginRestore || restored.State != authoring.Draft {
		t.Fatalf("restore: %d %s", r.Status, excerpt(r.Body))
	}
	if r := c.api("POST", "/api/v1/content/revisions/"+itoa(otherOriginal.ID)+"/restore", trainerTok, ""); r.Status != http.StatusOK || !apiData[apiRev](t, r).Unchanged {
		t.Errorf("restore the latest text again: %d %s", r.Status, excerpt(r.Body))
	}
	if r := c.api("GET", "/api/v1/content/revisions/"+itoa(broken.ID), trainerTok, ""); r.Status != 200 || !strings.Contains(apiData[apiRev](t, r).Text, "99-no-such-lesson.md") {
		t.Errorf("revision: %d", r.Status)
	}
	if r := c.api("POST", otherURL+"/submit", trainerTok, jsonBody(t, map[string]any{"head_id": restored.ID})); r.Status != http.StatusOK {
		t.Fatalf("submit the mended lesson: %d", r.Status)
	}
	r = c.api("POST", apiContentBase+"/publish", staffTok, "")
	published := apiData[struct {
		Published []string `json:"published"`
	}](t, r)
	if r.Status != http.StatusOK || !slices.Contains(published.Published, editorCourse+"/"+file) || !slices.Contains(published.Published, editorCourse+"/"+other) {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	if r := learner.get("/ar/courses/" + editorSlug + "/" + editorLesson); r.Status != 200 || !strings.Contains(r.Body, added) {
		t.Fatalf("the published text is not served: %d", r.Status)
	}
	if r := c.api("POST", apiContentBase+"/publish", staffTok, ""); r.Status != http.StatusConflict || decode(t, r).Error.Code != "nothing_to_publish" {
		t.Errorf("publish with nothing in review: %d %s", r.Status, excerpt(r.Body))
	}

	// The Arabic source changed: the English translation is outdated, with the change.
	r = c.api("GET", apiContentBase+"/translations", trainerTok, "")
	type change struct {
		Op   string `json:"op"`
		Text string `json:"text"`
	}
	ts := apiData[[]struct {
		Lesson  string   `json:"lesson"`
		Lang    string   `json:"lang"`
		Status  string   `json:"status"`
		Changes []change `json:"changes"`
	}](t, r)
	found := false
	for _, tr := range ts {
		if tr.Lesson == editorLesson && tr.Lang == "en" {
			found = true
			if tr.Status != authoring.TransOutdated || !slices.Contains(tr.Changes, change{Op: "+", Text: added}) {
				t.Errorf("the English translation after the source changed: %+v", tr)
			}
		}
		if tr.Lesson == editorLesson && tr.Lang == "ar" && tr.Status != authoring.TransSource {
			t.Errorf("the source: %+v", tr)
		}
	}
	if !found {
		t.Fatalf("translations: %s", excerpt(r.Body))
	}
	// The translator saves the English lesson, naming the source revision she followed: current.
	enURL := apiContentBase + "/files/" + editorLesson + ".en.md"
	en := apiData[apiRev](t, c.api("GET", enURL, trainerTok, ""))
	source, _ := st.PublishedRevision(ctx, editorCourse+"/"+file)
	r = c.api("PUT", enURL, trainerTok, jsonBody(t, map[string]any{"text": en.Text + "\nA paragraph on the four phases.\n", "base_id": en.ID, "source_id": source.ID}))
	if r.Status != http.StatusCreated {
		t.Fatalf("save the translation: %d %s", r.Status, excerpt(r.Body))
	}
	if h, _ := st.Head(ctx, editorCourse+"/"+editorLesson+".en.md"); h.SourceID != source.ID {
		t.Errorf("the translation records source %d, want %d", h.SourceID, source.ID)
	}
	r = c.api("GET", apiContentBase+"/translations", trainerTok, "")
	if !strings.Contains(r.Body, `"lesson":"`+editorLesson+`","lang":"en","file":"`+editorLesson+`.en.md","status":"current"`) {
		t.Errorf("the saved translation is not current: %s", excerpt(r.Body))
	}

	// The settings are course.yaml's text: the same text again changes nothing; a change is a draft.
	manifest := apiData[apiRev](t, c.api("GET", apiContentBase+"/files/course.yaml", trainerTok, ""))
	r = c.api("PUT", apiContentBase+"/files/course.yaml", trainerTok, jsonBody(t, map[string]any{"text": manifest.Text, "base_id": manifest.ID}))
	if r.Status != http.StatusOK || !apiData[apiRev](t, r).Unchanged {
		t.Errorf("course.yaml unchanged: %d %s", r.Status, excerpt(r.Body))
	}
	r = c.api("PUT", apiContentBase+"/files/course.yaml", trainerTok, jsonBody(t, map[string]any{"text": manifest.Text + "# reviewed\n", "base_id": manifest.ID}))
	if r.Status != http.StatusCreated || apiData[apiRev](t, r).State != authoring.Draft {
		t.Errorf("course.yaml changed: %d %s", r.Status, excerpt(r.Body))
	}
}

// TestAPIContentRefusals: without a token 401; a trainer not assigned to the course, and an
// official, get 403 on every route (the list of courses shows the trainer none); a trainer
// may not manage trainers; staff assign a trainer and remove her, and an account that is
// not a trainer is refused naming it.
func TestAPIContentRefusals(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, staffAccount := account(t, p, "api-refuse-staff@example.org", officials.RoleStaff, "")
	_, strangerAccount := account(t, p, "api-refuse-trainer@example.org", officials.RoleTrainer, "JO")
	_, officialAccount := account(t, p, "api-refuse-official@example.org", officials.RoleOfficial, "JO")
	staffTok, _ := p.Officials.CreateAPIToken(ctx, staffAccount.ID, "t")
	strangerTok, _ := p.Officials.CreateAPIToken(ctx, strangerAccount.ID, "t")
	officialTok, _ := p.Officials.CreateAPIToken(ctx, officialAccount.ID, "t")
	c := newClient(t, p)
	c.lang = "en"
	st := p.Library.Store()
	file := editorLesson + ".ar.md"
	head, _ := st.Head(ctx, editorCourse+"/"+file)
	id := itoa(head.ID)

	routes := []struct{ method, path, body string }{
		{"GET", apiContentBase + "/files", ""},
		{"GET", apiContentBase + "/files/" + file, ""},
		{"PUT", apiContentBase + "/files/" + file, `{"text": "x", "base_id": ` + id + `}`},
		{"POST", apiContentBase + "/files/" + file + "/submit", `{"head_id": ` + id + `}`},
		{"GET", apiContentBase + "/files/" + file + "/history", ""},
		{"GET", apiContentBase + "/files/images/four-phases.ar.svg", ""},
		{"PUT", apiContentBase + "/files/images/x.png", `{"data": "", "base_id": 0}`},
		{"POST", apiContentBase + "/files/images/four-phases.ar.svg/submit", `{"head_id": 1}`},
		{"GET", apiContentBase + "/files/images/four-phases.ar.svg/history", ""},
		{"POST", apiContentBase + "/publish", ""},
		{"GET", apiContentBase + "/translations", ""},
		{"GET", apiContentBase + "/trainers", ""},
		{"POST", apiContentBase + "/trainers", `{"id": ` + itoa(strangerAccount.ID) + `}`},
		{"DELETE", apiContentBase + "/trainers/" + itoa(strangerAccount.ID), ""},
		{"GET", "/api/v1/content/revisions/" + id, ""},
		{"POST", "/api/v1/content/revisions/" + id + "/restore", ""},
	}
	for _, rt := range routes {
		if r := c.api(rt.method, rt.path, strangerTok, rt.body); r.Status != http.StatusForbidden || decode(t, r).Error.Code != "forbidden" {
			t.Errorf("%s %s by an unassigned trainer: %d %s", rt.method, rt.path, r.Status, excerpt(r.Body))
		}
		if r := c.api(rt.method, rt.path, officialTok, rt.body); r.Status != http.StatusForbidden {
			t.Errorf("%s %s by an official: %d", rt.method, rt.path, r.Status)
		}
		if r := c.api(rt.method, rt.path, "", rt.body); r.Status != http.StatusUnauthorized || decode(t, r).Error.Code != "unauthorized" {
			t.Errorf("%s %s without a token: %d", rt.method, rt.path, r.Status)
		}
	}
	if r := c.api("GET", "/api/v1/content/courses", "", ""); r.Status != http.StatusUnauthorized {
		t.Errorf("the course list without a token: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/content/courses", officialTok, ""); r.Status != http.StatusForbidden {
		t.Errorf("the course list for an official: %d", r.Status)
	}
	if r := c.api("GET", "/api/v1/content/courses", strangerTok, ""); r.Status != 200 || strings.TrimSpace(string(decode(t, r).Data)) != "[]" {
		t.Errorf("an unassigned trainer's courses: %d %s", r.Status, r.Body)
	}
	if h, _ := st.Head(ctx, head.Path); h.ID != head.ID {
		t.Fatal("a refused request saved")
	}

	// Staff manage the trainers: an official's account is refused, naming the field.
	r := c.api("POST", apiContentBase+"/trainers", staffTok, jsonBody(t, map[string]any{"email": officialAccount.Email}))
	if e := decode(t, r); r.Status != http.StatusUnprocessableEntity || e.Error.Code != "not_trainer" || !strings.Contains(e.Error.Fields["email"], officialAccount.Email) {
		t.Errorf("an official made trainer: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", apiContentBase+"/trainers", staffTok, `{"email": "nobody@example.org"}`); r.Status != http.StatusUnprocessableEntity || decode(t, r).Error.Fields["email"] == "" {
		t.Errorf("an unknown address: %d %s", r.Status, r.Body)
	}
	if r := c.api("POST", apiContentBase+"/trainers", staffTok, `{}`); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("no account named: %d", r.Status)
	}
	r = c.api("POST", apiContentBase+"/trainers", staffTok, jsonBody(t, map[string]any{"id": strangerAccount.ID}))
	if r.Status != http.StatusCreated || !strings.Contains(r.Body, strangerAccount.Email) {
		t.Fatalf("assign by id: %d %s", r.Status, r.Body)
	}
	// Now hers: she reads the lesson, but may not manage the trainers.
	if r := c.api("GET", apiContentBase+"/files/"+file, strangerTok, ""); r.Status != 200 {
		t.Errorf("an assigned trainer reads the lesson: %d", r.Status)
	}
	if r := c.api("GET", apiContentBase+"/trainers", strangerTok, ""); r.Status != http.StatusForbidden {
		t.Errorf("a trainer lists the trainers: %d", r.Status)
	}
	if r := c.api("DELETE", apiContentBase+"/trainers/"+itoa(strangerAccount.ID), strangerTok, ""); r.Status != http.StatusForbidden {
		t.Errorf("a trainer removes a trainer: %d", r.Status)
	}
	r = c.api("DELETE", apiContentBase+"/trainers/"+itoa(strangerAccount.ID), staffTok, "")
	if r.Status != 200 || strings.Contains(r.Body, strangerAccount.Email) {
		t.Fatalf("remove: %d %s", r.Status, r.Body)
	}
	if r := c.api("DELETE", apiContentBase+"/trainers/"+itoa(strangerAccount.ID), staffTok, ""); r.Status != http.StatusNotFound {
		t.Errorf("remove again: %d", r.Status)
	}
	if r := c.api("GET", apiContentBase+"/files/"+file, strangerTok, ""); r.Status != http.StatusForbidden {
		t.Errorf("a removed trainer reads the lesson: %d", r.Status)
	}
}

// TestAPIContentImages: an image is sent in base64 and checked as the images page checks an
// upload; it must be stored under the name of the address.
func TestAPIContentImages(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	_, staffAccount := account(t, p, "api-images-staff@example.org", officials.RoleStaff, "")
	tok, _ := p.Officials.CreateAPIToken(ctx, staffAccount.ID, "t")
	c := newClient(t, p)
	c.lang = "en"
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(buf.Bytes())
	u := apiContentBase + "/files/images/dots.png"
	r := c.api("PUT", u, tok, jsonBody(t, map[string]any{"data": b64, "base_id": 0}))
	if saved := apiData[apiRev](t, r); r.Status != http.StatusCreated || saved.Path != editorCourse+"/images/dots.png" || saved.State != authoring.Draft {
		t.Fatalf("put an image: %d %s", r.Status, excerpt(r.Body))
	}
	if got := apiData[apiRev](t, c.api("GET", u, tok, "")); !bytes.Equal(got.Data, buf.Bytes()) || got.Text != "" {
		t.Errorf("the image read back differs")
	}
	// A PNG sent to a .jpg name, a text file, bad base64: refused, naming the field.
	for _, bad := range []struct{ path, body, field string }{
		{apiContentBase + "/files/images/dots.jpg", jsonBody(t, map[string]any{"data": b64, "base_id": 0}), "file"},
		{apiContentBase + "/files/images/notes.png", jsonBody(t, map[string]any{"data": base64.StdEncoding.EncodeToString([]byte("<html>hello</html>")), "base_id": 0}), "data"},
		{apiContentBase + "/files/images/notes.png", `{"data": "%%%", "base_id": 0}`, "data"},
	} {
		if r := c.api("PUT", bad.path, tok, bad.body); r.Status != http.StatusUnprocessableEntity || decode(t, r).Error.Fields[bad.field] == "" {
			t.Errorf("PUT %s: %d %s", bad.path, r.Status, excerpt(r.Body))
		}
	}
	if _, err := p.Library.Store().Head(ctx, editorCourse+"/images/dots.jpg"); err == nil {
		t.Error("a refused image was saved")
	}
}

// The content API's rows of the authorization table (authz_test.go): staff and admins use
// every route; the fixture's trainer is assigned no course, so she lists none and is refused
// the rest; other roles are refused, anonymous callers 401. Each request leaves the content
// as it found it (a save on base 0 of an existing file is a conflict; nothing is in review).
func init() {
	const c = "/api/v1/content/courses/" + editorCourse
	const lesson = c + "/files/" + editorLesson + ".ar.md"
	const img = c + "/files/images/four-phases.ar.svg"
	editors := by(401, 403, 403, 403, 403, 200, 200)
	azRoutes = append(azRoutes,
		authzRow{"GET /api/v1/content/courses", "", by(401, 403, 403, 403, 200, 200, 200)},
		authzRow{"GET " + c + "/files", "", editors},
		authzRow{"GET " + lesson, "", editors},
		authzRow{"PUT " + lesson, `{"text": "نص", "base_id": 0}`, by(401, 403, 403, 403, 403, 409, 409)},
		authzRow{"POST " + lesson + "/submit", `{"head_id": 0}`, by(401, 403, 403, 403, 403, 409, 409)},
		authzRow{"GET " + lesson + "/history", "", editors},
		authzRow{"GET " + img, "", editors},
		authzRow{"PUT " + img, `{"base_id": 0}`, by(401, 403, 403, 403, 403, 422, 422)},
		authzRow{"POST " + img + "/submit", `{"head_id": 0}`, by(401, 403, 403, 403, 403, 409, 409)},
		authzRow{"GET " + img + "/history", "", editors},
		authzRow{"POST " + c + "/publish", "", by(401, 403, 403, 403, 403, 409, 409)},
		authzRow{"GET " + c + "/translations", "", editors},
		authzRow{"GET " + c + "/trainers", "", editors},
		authzRow{"POST " + c + "/trainers", `{"email": "nobody@authz.test"}`, by(401, 403, 403, 403, 403, 422, 422)},
		authzRow{"DELETE " + c + "/trainers/999999", "", by(401, 403, 403, 403, 403, 404, 404)},
		authzRow{"GET /api/v1/content/revisions/1", "", editors},
		authzRow{"POST /api/v1/content/revisions/1/restore", "", editors},
	)
}

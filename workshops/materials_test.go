package workshops_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"testing"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// officeFile is a minimal Office Open XML package whose [Content_Types].xml declares main
// (at part /x/main.xml, which the archive holds) and, when macro is set, a VBA project.
func officeFile(t testing.TB, main string, macro bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	types := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="xml" ContentType="application/xml"/><Override PartName="/x/main.xml" ContentType="` + main + `"/>`
	if macro {
		types += `<Override PartName="/x/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>`
	}
	types += `</Types>`
	for name, body := range map[string]string{"[Content_Types].xml": types, "x/main.xml": "<main/>"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	pptxMain = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)

var samplePDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDetectMaterial: the format comes from the content, and what is refused is named.
func TestDetectMaterial(t *testing.T) {
	for _, c := range []struct {
		name    string
		data    []byte
		format  string
		refusal string
	}{
		{"pdf", samplePDF, workshops.FormatPDF, ""},
		{"docx", officeFile(t, docxMain, false), workshops.FormatDOCX, ""},
		{"pptx", officeFile(t, pptxMain, false), workshops.FormatPPTX, ""},
		{"xlsx", officeFile(t, xlsxMain, false), workshops.FormatXLSX, ""},
		{"docm", officeFile(t, "application/vnd.ms-word.document.macroEnabled.main+xml", true), "", "workshop_materials.error.type.macro"},
		{"xlsx with macros", officeFile(t, xlsxMain, true), "", "workshop_materials.error.type.macro"},
		{"odt-like zip", officeFile(t, "application/vnd.oasis.opendocument.text", false), "", "workshop_materials.error.type.zip"},
		{"broken zip", []byte("PK\x03\x04 not really"), "", "workshop_materials.error.type.damaged_zip"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), "", "workshop_materials.error.type.html"},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "", "workshop_materials.error.type.svg"},
		{"legacy doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 64)...), "", "workshop_materials.error.type.legacy_office"},
		{"png", pngOf(t, 4, 4), "", "workshop_materials.error.type.image"},
		{"exe", append([]byte("MZ"), make([]byte, 64)...), "", "workshop_materials.error.type.program"},
		{"text", []byte("just some notes"), "", "workshop_materials.error.type.text"},
		{"pdf header late", append([]byte("<html>"), samplePDF...), "", "workshop_materials.error.type.html"},
	} {
		f, r := workshops.DetectMaterial(c.data)
		if f != c.format || r != c.refusal {
			t.Errorf("%s: got %q %q, want %q %q", c.name, f, r, c.format, c.refusal)
		}
	}
}

// withAgenda is the test workshop with two agenda items.
func (e *env) withAgenda() *workshops.Workshop {
	e.t.Helper()
	in := input(30, 0)
	in.Sessions = []workshops.SessionInput{
		{StartsAt: "2026-03-10T09:00", EndsAt: "2026-03-10T10:30", Title: map[string]string{"ar": "الافتتاح", "en": "Opening"}},
		{StartsAt: "2026-03-10T11:00", EndsAt: "2026-03-10T12:30", Title: map[string]string{"ar": "البيانات المفتوحة", "en": "Open data"}},
	}
	w := e.published(in)
	if len(w.Sessions) != 2 {
		e.t.Fatalf("agenda: %d items", len(w.Sessions))
	}
	return w
}

func fieldOf(err error) map[string]string {
	if p, ok := problem.As(err); ok {
		return p.Fields
	}
	return nil
}

// TestMaterialsStore: files and links are stored for the workshop or an agenda item, listed
// by visibility, refused whole when anything is wrong, and kept (on the workshop) when
// their agenda item is removed.
func TestMaterialsStore(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.withAgenda()
	s1, s2 := w.Sessions[0].ID, w.Sessions[1].ID

	pptx := officeFile(t, pptxMain, false)
	slides, err := e.ws.AddMaterial(ctx, e.actor(), w.ID, workshops.MaterialInput{Title: map[string]string{"ar": "الشرائح", "en": "Slides"},
		SessionID: s2, Filename: `C:\fakepath\open-data.PPTX`, Data: pptx})
	if err != nil {
		t.Fatal(err)
	}
	if slides.Format != workshops.FormatPPTX || slides.Visibility != workshops.VisibilityParticipants || slides.Filename != "open-data.PPTX" ||
		slides.SessionID != s2 || slides.Size == 0 || len(slides.SHA256) != 64 {
		t.Errorf("slides: %+v", slides)
	}
	// A PDF uploaded under a misleading name is kept with the extension of what it is.
	guide, err := e.ws.AddMaterial(ctx, e.actor(), w.ID, workshops.MaterialInput{Title: map[string]string{"en": "Guide"},
		Visibility: workshops.VisibilityPublic, Filename: "guide.docx", Data: samplePDF})
	if err != nil {
		t.Fatal(err)
	}
	if guide.Filename != "guide.docx.pdf" || guide.Format != workshops.FormatPDF {
		t.Errorf("guide: %q %q", guide.Filename, guide.Format)
	}
	link, err := e.ws.AddMaterial(ctx, e.actor(), w.ID, workshops.MaterialInput{Title: map[string]string{"fr": "Portail"},
		Visibility: workshops.VisibilityPublic, URL: "https://data.example.org/portal"})
	if err != nil {
		t.Fatal(err)
	}
	if link.Kind != workshops.MaterialLink || link.URL != "https://data.example.org/portal" {
		t.Errorf("link: %+v", link)
	}

	// Refusals name the field, and leave nothing behind.
	before := e.count("SELECT count(*) FROM workshop_materials")
	for _, c := range []struct {
		in    workshops.MaterialInput
		field string
	}{
		{workshops.MaterialInput{Title: map[string]string{"en": "Page"}, Filename: "x.pdf", Data: []byte("<html><body>hi</body></html>")}, "file"},
		{workshops.MaterialInput{Title: map[string]string{"en": "Macro"}, Filename: "x.xlsm", Data: officeFile(t, xlsxMain, true)}, "file"},
		{workshops.MaterialInput{Title: map[string]string{"en": "Script"}, URL: "javascript:alert(1)"}, "url"},
		{workshops.MaterialInput{Title: map[string]string{"en": "FTP"}, URL: "ftp://example.org/x"}, "url"},
		{workshops.MaterialInput{Title: map[string]string{"en": "Both"}, URL: "https://example.org", Data: samplePDF}, "url"},
		{workshops.MaterialInput{Title: map[string]string{"en": "None"}}, "file"},
		{workshops.MaterialInput{Data: samplePDF}, "title_ar"},
		{workshops.MaterialInput{Title: map[string]string{"en": "Who"}, Visibility: "everyone", Data: samplePDF}, "visibility"},
		{workshops.MaterialInput{Title: map[string]string{"en": "Elsewhere"}, Data: samplePDF, SessionID: 999999}, "session_id"},
	} {
		_, err := e.ws.AddMaterial(ctx, e.actor(), w.ID, c.in)
		if fieldOf(err)[c.field] == "" {
			t.Errorf("%+v: got %v (%v), want a message on %s", c.in.Title, err, fieldOf(err), c.field)
		}
	}
	big := make([]byte, workshops.MaxMaterialBytes+1)
	copy(big, samplePDF)
	if _, err := e.ws.AddMaterial(ctx, e.actor(), w.ID, workshops.MaterialInput{Title: map[string]string{"en": "Big"}, Data: big}); err == nil {
		t.Error("a file over the limit was stored")
	} else if p, _ := problem.As(err); p == nil || p.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %v", err)
	}
	// Another workshop's agenda item is not this one's.
	other := e.withAgenda()
	if _, err := e.ws.AddMaterial(ctx, e.actor(), w.ID, workshops.MaterialInput{Title: map[string]string{"en": "X"}, Data: samplePDF,
		SessionID: other.Sessions[0].ID}); fieldOf(err)["session_id"] == "" {
		t.Errorf("another workshop's agenda item: %v", err)
	}
	if n := e.count("SELECT count(*) FROM workshop_materials"); n != before {
		t.Errorf("refused materials left %d rows", n-before)
	}

	// Lists: everything for those who may, the public ones for everybody else.
	all, err := e.ws.Materials(ctx, w.ID, true)
	if err != nil || len(all) != 3 {
		t.Fatalf("all: %v %d", err, len(all))
	}
	pub, err := e.ws.Materials(ctx, w.ID, false)
	if err != nil || len(pub) != 2 || pub[0].ID != guide.ID || pub[1].ID != link.ID {
		t.Fatalf("public: %v %+v", err, pub)
	}
	got, err := e.ws.Material(ctx, w.ID, slides.ID)
	if err != nil || !bytes.Equal(got.Data, pptx) {
		t.Fatalf("file: %v", err)
	}
	if _, err := e.ws.Material(ctx, other.ID, slides.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("material through another workshop: %v", err)
	}

	// Removing the agenda item keeps its material, now on the whole workshop.
	in := w.Input()
	in.Sessions = in.Sessions[:1]
	if _, err := e.ws.Update(ctx, e.actor(), w.ID, in); err != nil {
		t.Fatal(err)
	}
	got, err = e.ws.Material(ctx, w.ID, slides.ID)
	if err != nil || got.SessionID != 0 {
		t.Errorf("after the item's removal: %v session %d", err, got.SessionID)
	}
	// A change: the slides become public and go back to the first agenda item; a change that
	// names another workshop's item, or no title, changes nothing.
	if _, err := e.ws.UpdateMaterial(ctx, e.actor(), w.ID, slides.ID, workshops.MaterialChange{Title: map[string]string{"en": "Slides"},
		Visibility: workshops.VisibilityPublic, SessionID: other.Sessions[0].ID}); fieldOf(err)["session_id"] == "" {
		t.Errorf("change to another workshop's item: %v", err)
	}
	if _, err := e.ws.UpdateMaterial(ctx, e.actor(), w.ID, slides.ID, workshops.MaterialChange{Visibility: workshops.VisibilityPublic}); fieldOf(err)["title_ar"] == "" {
		t.Errorf("change without a title: %v", err)
	}
	if got, _ := e.ws.Material(ctx, w.ID, slides.ID); got.Visibility != workshops.VisibilityParticipants || got.TitleIn("ar") != "الشرائح" {
		t.Errorf("a refused change changed the material: %+v", got)
	}
	changed, err := e.ws.UpdateMaterial(ctx, e.actor(), w.ID, slides.ID, workshops.MaterialChange{Title: map[string]string{"en": "Slides (final)"},
		Visibility: workshops.VisibilityPublic, SessionID: s1})
	if err != nil || changed.Visibility != workshops.VisibilityPublic || changed.SessionID != s1 || changed.TitleIn("ar") != "Slides (final)" ||
		changed.Format != workshops.FormatPPTX || changed.Size != slides.Size {
		t.Fatalf("change: %v %+v", err, changed)
	}
	if pub, _ := e.ws.Materials(ctx, w.ID, false); len(pub) != 3 {
		t.Errorf("public after the change: %d", len(pub))
	}
	if _, err := e.ws.UpdateMaterial(ctx, e.actor(), other.ID, slides.ID, workshops.MaterialChange{Title: map[string]string{"en": "X"}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("change through another workshop: %v", err)
	}

	if err := e.ws.DeleteMaterial(ctx, e.actor(), w.ID, slides.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ws.Material(ctx, w.ID, slides.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted material: %v", err)
	}
	if err := e.ws.DeleteMaterial(ctx, e.actor(), other.ID, guide.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete through another workshop: %v", err)
	}
	if n := e.count("SELECT count(*) FROM audit_log WHERE action LIKE 'workshop.material.%'"); n != 5 {
		t.Errorf("audit: %d entries", n)
	}
}

// TestSpeakersStore: speakers from outside and from the accounts, with photos re-encoded,
// assigned to agenda items; removing an item or a speaker removes the pairing only.
func TestSpeakersStore(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.withAgenda()
	s1, s2 := w.Sessions[0].ID, w.Sessions[1].ID
	trainer := e.person("trainer@masar.test", officials.RoleTrainer, "TN")

	big := pngOf(t, 1200, 800)
	ext, err := e.ws.SaveSpeaker(ctx, e.actor(), w.ID, 0, workshops.SpeakerInput{
		Name:        map[string]string{"ar": "ليلى منصور", "en": "Layla Mansour"},
		Affiliation: "Open Knowledge", Bio: map[string]string{"ar": "خبيرة في البيانات المفتوحة.", "en": "Open data expert."},
		Photo: big, Sessions: []int64{s2, s1, s2}})
	if err != nil {
		t.Fatal(err)
	}
	if !ext.HasPhoto || len(ext.Sessions) != 2 || ext.Sessions[0] != s1 || ext.NameIn("ar") != "ليلى منصور" {
		t.Errorf("external speaker: %+v", ext)
	}
	photo, ctype, err := e.ws.SpeakerPhoto(ctx, w.ID, ext.ID)
	if err != nil || ctype != "image/png" {
		t.Fatalf("photo: %v %q", err, ctype)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(photo))
	if err != nil || cfg.Width != 600 || cfg.Height != 400 {
		t.Errorf("photo re-encoded to %dx%d (%v), want 600x400", cfg.Width, cfg.Height, err)
	}
	acc, err := e.ws.SaveSpeaker(ctx, e.actor(), w.ID, 0, workshops.SpeakerInput{OfficialID: trainer.ID, Sessions: []int64{s1}})
	if err != nil {
		t.Fatal(err)
	}
	if acc.NameIn("en") != trainer.NameLatin || acc.Affiliation != trainer.Organisation {
		t.Errorf("account speaker: %+v", acc)
	}

	// Refusals.
	before := e.count("SELECT count(*) FROM workshop_speakers")
	var jpg bytes.Buffer
	_ = jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 10, 10)), nil)
	truncated := jpg.Bytes()[:len(jpg.Bytes())/2]
	official := e.official("JO")
	for _, c := range []struct {
		in    workshops.SpeakerInput
		field string
	}{
		{workshops.SpeakerInput{}, "name_ar"},
		{workshops.SpeakerInput{Name: map[string]string{"en": "Svg"}, Photo: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, "photo"},
		{workshops.SpeakerInput{Name: map[string]string{"en": "Pdf"}, Photo: samplePDF}, "photo"},
		{workshops.SpeakerInput{Name: map[string]string{"en": "Cut"}, Photo: truncated}, "photo"},
		{workshops.SpeakerInput{OfficialID: official.ID}, "official_id"},
		{workshops.SpeakerInput{OfficialID: trainer.ID}, "official_id"}, // already a speaker
		{workshops.SpeakerInput{Name: map[string]string{"en": "Lost"}, Sessions: []int64{999999}}, "sessions"},
	} {
		_, err := e.ws.SaveSpeaker(ctx, e.actor(), w.ID, 0, c.in)
		if fieldOf(err)[c.field] == "" {
			t.Errorf("%+v: got %v (%v), want a message on %s", c.in.Name, err, fieldOf(err), c.field)
		}
	}
	if n := e.count("SELECT count(*) FROM workshop_speakers"); n != before {
		t.Errorf("refused speakers left %d rows", n-before)
	}
	// An edit that fails keeps the speaker as they were.
	if _, err := e.ws.SaveSpeaker(ctx, e.actor(), w.ID, ext.ID, workshops.SpeakerInput{Name: map[string]string{"en": "Layla"}, Sessions: []int64{999999}}); err == nil {
		t.Error("edit with an unknown agenda item saved")
	}
	if sp, _ := e.ws.Speaker(ctx, w.ID, ext.ID); sp.NameIn("en") != "Layla Mansour" || len(sp.Sessions) != 2 || !sp.HasPhoto {
		t.Errorf("after a refused edit: %+v", sp)
	}
	// An edit without a photo keeps the photo; remove_photo takes it away.
	sp, err := e.ws.SaveSpeaker(ctx, e.actor(), w.ID, ext.ID, workshops.SpeakerInput{Name: map[string]string{"en": "Layla Mansour"}, Sessions: []int64{s2}})
	if err != nil || !sp.HasPhoto || len(sp.Sessions) != 1 {
		t.Fatalf("edit: %v %+v", err, sp)
	}

	// Removing agenda item 2 takes the external speaker off it; they stay a speaker.
	in := w.Input()
	in.Sessions = in.Sessions[:1]
	if _, err := e.ws.Update(ctx, e.actor(), w.ID, in); err != nil {
		t.Fatal(err)
	}
	list, err := e.ws.Speakers(ctx, w.ID)
	if err != nil || len(list) != 2 || len(list[0].Sessions) != 0 || len(list[1].Sessions) != 1 {
		t.Fatalf("after the item's removal: %v %+v", err, list)
	}
	// Deleting a speaker removes their pairings, not the agenda item.
	if err := e.ws.DeleteSpeaker(ctx, e.actor(), w.ID, acc.ID); err != nil {
		t.Fatal(err)
	}
	if n := e.count("SELECT count(*) FROM workshop_session_speakers WHERE speaker_id = ?", acc.ID); n != 0 {
		t.Errorf("%d pairings left", n)
	}
	if got, _ := e.ws.Get(ctx, w.ID); len(got.Sessions) != 1 {
		t.Errorf("agenda after deleting a speaker: %d items", len(got.Sessions))
	}
	if err := e.ws.DeleteSpeaker(ctx, e.actor(), w.ID, acc.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if _, _, err := e.ws.SpeakerPhoto(ctx, w.ID+1000, ext.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("photo through another workshop: %v", err)
	}
}

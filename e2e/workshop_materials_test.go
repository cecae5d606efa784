package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// TestBrowserWorkshopSpeakersAndMaterials: staff add a speaker with a photo and a PDF for an
// agenda item on the workshop's admin page, in Arabic; a participant with a confirmed seat
// sees the file at its agenda item and on the ticket, and downloads it; an anonymous visitor
// sees the speaker (with the photo) at the agenda item but not the participants' file, which
// answers 404 even by its address.
func TestBrowserWorkshopSpeakersAndMaterials(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	msg := i18n.MustLoad()
	axe := axeIfThere(t)
	bg := context.Background()
	s.wsAt(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	staff := s.wsPerson(t, "staff@masar.test", officials.RoleStaff, "", "فريق البرنامج", "Programme Staff")
	official := s.wsPerson(t, "huda@gov.bh", officials.RoleOfficial, "BH", "هدى عبد الله", "Huda Abdullah")
	sys := audit.Actor{ID: staff.ID, Email: staff.Email}
	w, err := s.p.Workshops.Create(bg, sys, workshops.Input{Title: map[string]string{"ar": "ورشة البيانات الحكومية المفتوحة", "en": "Open government data workshop"},
		Kind: workshops.KindRegional, Phases: []int{1}, HostCountry: "JO", City: "Amman", Venue: "Le Royal", StartDate: "2026-03-10", EndDate: "2026-03-11",
		Languages: []string{"ar", "en"}, Capacity: 30,
		Sessions: []workshops.SessionInput{
			{StartsAt: "2026-03-10T09:00", EndsAt: "2026-03-10T10:30", Title: map[string]string{"ar": "الافتتاح", "en": "Opening"}},
			{StartsAt: "2026-03-10T11:00", EndsAt: "2026-03-10T12:30", Title: map[string]string{"ar": "بوابات البيانات الوطنية", "en": "National data portals"}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Workshops.SetStatus(bg, sys, w.ID, workshops.StatusPublished); err != nil {
		t.Fatal(err)
	}
	reg, err := s.p.Workshops.Apply(bg, official, w.ID, "أدير بوابة البيانات المفتوحة.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Workshops.Transition(bg, staff, reg.ID, workshops.ActApprove); err != nil {
		t.Fatal(err)
	}
	portals := fmt.Sprint(w.Sessions[1].ID)

	// The files a user would pick.
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 240, 240))
	for x := range 240 {
		for y := range 240 {
			img.Set(x, y, color.RGBA{11, uint8(92 + x/4), uint8(85 + y/4), 255})
		}
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	photo, pdf := filepath.Join(dir, "sami.png"), filepath.Join(dir, "portals.pdf")
	if err := os.WriteFile(photo, pngBuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Staff add the speaker and the material.
	s.login(t, ctx, "ar", staff.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d", w.ID))
	clickAndLoad(t, ctx, fmt.Sprintf(`a[href="/ar/admin/workshops/%d/materials"]`, w.ID))
	do(t, ctx, "open the speaker form and fill it",
		chromedp.Click(chromedp.CSS("#add-speaker > summary")),
		typeInto("#f-name_ar", "سامي حداد"),
		typeInto("#f-name_en", "Sami Haddad"),
		typeInto("#f-affiliation", "Open Data Institute"),
		typeInto("#f-bio_ar", "خبير في بوابات البيانات الحكومية."),
		chromedp.SetUploadFiles(chromedp.CSS("#f-photo"), []string{photo}),
		clickInput("sessions", portals),
	)
	clickAndLoad(t, ctx, `form[action$="/speakers"] button[type=submit]`)
	if got := text(t, ctx, ".flash"); got != msg.T("ar", "workshop_materials.flash.speaker_saved") {
		t.Fatalf("after adding the speaker: %q", got)
	}
	do(t, ctx, "fill the material form",
		typeInto("#f-title_ar", "شرائح بوابات البيانات"),
		typeInto("#f-title_en", "Data portals slides"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{pdf}),
		chromedp.SetValue(chromedp.CSS("#f-session_id"), portals),
	)
	clickAndLoad(t, ctx, `form[action$="/materials"] button[type=submit]`)
	if got := text(t, ctx, ".flash"); got != msg.T("ar", "workshop_materials.flash.material_added") {
		t.Fatalf("after adding the material: %q", got)
	}
	if !strings.Contains(text(t, ctx, "main"), "شرائح بوابات البيانات") {
		t.Error("the material is not listed on the admin page")
	}
	screenshot(t, ctx, "workshop-materials-admin-ar")
	checkAxeIf(t, ctx, axe, "speakers and materials (admin)")
	clickAndLoad(t, ctx, `a[href*="/materials/"]:not([download])`)
	if got := value(t, ctx, "#f-session_id"); got != portals {
		t.Errorf("the material's edit form shows agenda item %q", got)
	}
	screenshot(t, ctx, "workshop-materials-material-ar")
	checkAxeIf(t, ctx, axe, "material edit form")
	s.open(t, ctx, fmt.Sprintf("/ar/admin/workshops/%d/materials", w.ID))
	clickAndLoad(t, ctx, `a[href*="/speakers/"]`)
	if got := value(t, ctx, "#f-name_ar"); got != "سامي حداد" {
		t.Errorf("the speaker's edit form shows %q", got)
	}
	if !eval[bool](t, ctx, `document.querySelector('input[name=sessions][value="`+portals+`"]').checked`) {
		t.Error("the speaker's agenda item is not ticked on the edit form")
	}
	screenshot(t, ctx, "workshop-materials-speaker-ar")
	checkAxeIf(t, ctx, axe, "speaker edit form")
	logout(t, ctx, "ar")

	// The confirmed participant: at the agenda item, on the ticket, and downloaded.
	s.login(t, ctx, "ar", official.Email)
	s.open(t, ctx, fmt.Sprintf("/ar/workshops/%d", w.ID))
	row := eval[string](t, ctx, `[...document.querySelectorAll('.agenda-table tbody tr')].find(r => r.innerText.includes('بوابات البيانات الوطنية')).innerText`)
	if !strings.Contains(row, "شرائح بوابات البيانات") || !strings.Contains(row, "سامي حداد") {
		t.Errorf("the agenda item shows %q", row)
	}
	got := eval[string](t, ctx, `(async () => {
		const a = [...document.querySelectorAll('.item-materials a')].find(a => a.innerText.includes('شرائح بوابات البيانات'));
		const r = await fetch(a.href);
		const b = new Uint8Array(await r.arrayBuffer());
		return r.status + ' ' + r.headers.get('content-type') + ' ' + r.headers.get('content-disposition').split(';')[0] + ' ' + String.fromCharCode(...b.slice(0, 5));
	})()`)
	if got != "200 application/pdf attachment %PDF-" {
		t.Errorf("download: %q", got)
	}
	href := eval[string](t, ctx, `document.querySelector('.item-materials a').getAttribute('href')`)
	screenshot(t, ctx, "workshop-materials-page-ar")
	checkAxeIf(t, ctx, axe, "workshop page with materials")
	clickAndLoad(t, ctx, ".registration-box a.button")
	if !strings.Contains(text(t, ctx, "main"), "شرائح بوابات البيانات") {
		t.Error("the ticket does not list the material")
	}
	screenshot(t, ctx, "workshop-materials-ticket-ar")
	checkAxeIf(t, ctx, axe, "ticket with materials")
	logout(t, ctx, "ar")

	// An anonymous visitor: the speaker, with the photo, but not the participants' file.
	s.open(t, ctx, fmt.Sprintf("/ar/workshops/%d", w.ID))
	if txt := text(t, ctx, ".speakers"); !strings.Contains(txt, "سامي حداد") || !strings.Contains(txt, "Open Data Institute") {
		t.Errorf("speakers section: %q", txt)
	}
	// The photo loads when it comes into view (loading="lazy"): scroll to it and wait.
	eval[bool](t, ctx, `(document.querySelector('.speaker-card img').scrollIntoView(), true)`)
	waitFor(t, ctx, "the speaker's photo, 240 px wide", `(() => { const i = document.querySelector('.speaker-card img'); return i.complete && i.naturalWidth === 240 })()`)
	if strings.Contains(text(t, ctx, "main"), "شرائح بوابات البيانات") {
		t.Error("an anonymous visitor sees the participants' material")
	}
	if status := eval[int](t, ctx, `fetch(`+js(href)+`).then(r => r.status)`); status != 404 {
		t.Errorf("anonymous download: %d", status)
	}
	screenshot(t, ctx, "workshop-materials-public-ar")
	checkAxeIf(t, ctx, axe, "public workshop page with speakers")
}

package eventdocs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"rsc.io/qr"

	"github.com/masar-platform/masar/eventdocs"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// hardName is an official whose name badge printers get wrong, as the official typed it.
type hardName struct {
	what              string
	nameAr, nameLatin string
	country, gender   string
}

// hardNames: tashkeel, lam-alef ligatures with and without hamza and madda, hamza on waw,
// alef with madda and hamza below, tatweel, and a name of ninety characters that must
// shrink and wrap inside the badge. (A name mixing Arabic with Latin letters and digits is
// refused by the accounts' checks; mixedName prints one all the same.)
var hardNames = []hardName{
	{"tashkeel", "عبدُ الله بن سلامة", "Abdullah Ben Salama", "TN", "male"},
	{"lam-alef with hamza", "عبد الإله الألفي", "Abdelilah El Alfi", "MA", "male"},
	{"hamza on waw, alef madda", "مؤمن الآغا", "Moumen El Agha", "PS", "male"},
	{"alef madda", "آمنة الطرابلسي", "Amna Trabelsi", "LY", "female"},
	{"hamza below, lam-alef", "إيمان بلال", "Imane Belal", "DZ", "female"},
	{"tatweel", "محمـــد الهـاشمي", "Mohamed El Hachemi", "EG", "male"},
	{"ninety characters", "عبد الرحمن بن محمد بن عبد الله بن إبراهيم بن عبد العزيز بن سعود بن فيصل بن تركي بن ناصر آل",
		"Abdulrahman bin Mohamed bin Abdullah bin Ibrahim bin Abdulaziz bin Saud bin Faisal Al Saud", "SY", "male"},
}

// mixedName is a badge whose Arabic name mixes in Latin letters and digits, as a name
// imported from elsewhere might: the accounts refuse such names, but the badges must not
// garble one.
var mixedName = eventdocs.Person{Role: eventdocs.RoleParticipant, RegistrationID: 999, NameAr: "سارة Smith-Jones الثانية 2",
	NameLatin: "Sara Smith-Jones II", Country: "LB", Gender: "female", Ticket: "K7Q49XHM2P"}

// badgeFixture is a workshop with a trainer and a confirmed participant for each hard
// name, and one pending participant who gets no badge.
type badgeFixture struct {
	e       *env
	w       *workshops.Workshop
	trainer *officials.Official
	regs    map[string]*workshops.Registration // by Latin name
	pending *workshops.Registration
}

func newBadgeFixture(t *testing.T) *badgeFixture {
	e := newEnv(t)
	f := &badgeFixture{e: e, regs: map[string]*workshops.Registration{}}
	f.trainer = e.person(officials.RoleTrainer, "JO", "لُبنى الحسيني", "Lubna Al-Husseini", "female", "Open Data Institute")
	f.w = e.workshop(f.trainer.ID)
	for _, hn := range hardNames {
		o := e.person(officials.RoleOfficial, hn.country, hn.nameAr, hn.nameLatin, hn.gender, "وزارة الاقتصاد الرقمي")
		f.regs[hn.nameLatin] = e.confirm(f.w, o)
	}
	o := e.person(officials.RoleOfficial, "QA", "خالد المري", "Khalid Al-Marri", "male", "Planning")
	var err error
	if f.pending, err = e.ws.Nominate(context.Background(), e.staff, f.w.ID, o, ""); err != nil {
		t.Fatal(err)
	}
	f.w = e.reload(f.w)
	return f
}

// TestBadgeSheetsReadBack prints the badges of a workshop and reads every badge back from
// the PDF with poppler, badge by badge: the names whole and in logical order, the country in
// Arabic and French (the workshop is held in Arabic and French), the role agreeing with the
// person, the ticket's code; nothing outside its badge; and the QR code, read off the
// rendered page, opening the check-in page with the ticket.
func TestBadgeSheetsReadBack(t *testing.T) {
	f := newBadgeFixture(t)
	ctx := context.Background()
	people, err := f.e.docs.People(ctx, f.w, "ar")
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != len(hardNames)+1 {
		t.Fatalf("%d people get a badge, want the trainer and %d confirmed participants (not the pending one)", len(people), len(hardNames))
	}
	if people[0].Role != eventdocs.RoleTrainer || people[0].NameLatin != "Lubna Al-Husseini" {
		t.Fatalf("the trainer's badge comes first, got %+v", people[0])
	}
	people = append(people, mixedName)
	sh, err := f.e.docs.Badges(ctx, f.w, people, "ar")
	if err != nil {
		t.Fatal(err)
	}
	b, err := sh.PDF()
	if err != nil {
		t.Fatal(err)
	}
	file := save(t, "badges.pdf", b)
	info := poppler(t, "pdfinfo", file)
	for _, want := range []string{"Pages:           2", "Page size:       595.28 x 841.89 pts (A4)", "Tagged:          yes"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}

	roles := map[string]string{"male": "مشارك · Participant", "female": "مشاركة · Participante"}
	for i, p := range people {
		page := i/eventdocs.BadgesPerSheet + 1
		x, top, w, h := eventdocs.BadgeSlot(i)
		text := textIn(t, file, page, x, top, w, h)
		where := fmt.Sprintf("badge %d (%s)", i, p.NameLatin)
		readsAs(t, where, text, p.NameAr)
		readsAs(t, where, text, p.NameLatin)
		readsAs(t, where, text, "الورشة الإقليمية حول البيانات الحكومية المفتوحة")
		readsAs(t, where, text, "Atelier régional sur les données publiques ouvertes")
		country := map[string]string{"TN": "تونس · Tunisie", "MA": "المغرب · Maroc", "PS": "دولة فلسطين · État de Palestine", "LY": "ليبيا · Libye",
			"DZ": "الجزائر · Algérie", "EG": "مصر · Égypte", "LB": "لبنان · Liban", "SY": "الجمهورية العربية السورية · République arabe syrienne", "JO": "الأردن · Jordanie"}[p.Country]
		for _, part := range strings.Split(country, " · ") {
			readsAs(t, where, text, part)
		}
		if p.Role == eventdocs.RoleTrainer {
			readsAs(t, where, text, "مدرِّبة")
			readsAs(t, where, text, "Formatrice")
			if strings.Contains(text, "-") && regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}`).MatchString(text) {
				t.Errorf("%s: a trainer holds no ticket, yet a code is printed:\n%s", where, text)
			}
			continue
		}
		for _, part := range strings.Split(roles[p.Gender], " · ") {
			readsAs(t, where, text, part)
		}
		readsAs(t, where, text, workshops.FormatTicket(p.Ticket))
	}

	// The long name wraps onto several lines (and shrinks as it must), whole and in order;
	// the check of every word's box below shows that it stays inside its badge.
	long := hardNames[len(hardNames)-1]
	if n := utf8.RuneCountInString(long.nameAr); n != 90 {
		t.Fatalf("the long name has %d characters, not 90", n)
	}
	for i, p := range people {
		if p.NameAr != long.nameAr {
			continue
		}
		x, top, w, h := eventdocs.BadgeSlot(i)
		text := textIn(t, file, i/eventdocs.BadgesPerSheet+1, x, top, w, h)
		var lines []string
		for _, l := range strings.Split(text, "\n") {
			if l = strings.TrimSpace(bidiMarks.Replace(l)); l != "" && strings.Contains(long.nameAr, l) {
				lines = append(lines, l)
			}
		}
		if len(lines) < 2 || strings.Join(lines, " ") != long.nameAr {
			t.Errorf("the long name is not wrapped onto whole lines that read as typed: %q", lines)
		}
	}

	// Every word poppler finds on a page lies inside one badge: nothing overflows.
	word := regexp.MustCompile(`<word xMin="([0-9.-]+)" yMin="([0-9.-]+)" xMax="([0-9.-]+)" yMax="([0-9.-]+)">([^<]*)</word>`)
	for page := 1; page <= 2; page++ {
		bbox := poppler(t, "pdftotext", "-bbox", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), file, "-")
		words := word.FindAllStringSubmatch(bbox, -1)
		if len(words) < 20 && page == 1 {
			t.Fatalf("poppler found %d words on page 1", len(words))
		}
		for _, wd := range words {
			var v [4]float64
			for k := range v {
				v[k], _ = strconv.ParseFloat(wd[k+1], 64)
			}
			inside := false
			for s := 0; s < eventdocs.BadgesPerSheet; s++ {
				x, top, w, h := eventdocs.BadgeSlot(s)
				if v[0] >= x-0.5 && v[2] <= x+w+0.5 && v[1] >= top-0.5 && v[3] <= top+h+0.5 {
					inside = true
				}
			}
			if !inside {
				t.Errorf("page %d: the word %q at %v lies outside every badge", page, wd[5], v)
			}
		}
	}

	// The QR code of the first participant's badge, read off the page drawn at 200 dpi.
	checkQR(t, sh.PNG, people[1], f.w.ID, 1)
}

// checkQR samples the modules of the QR code on badge slot of page 0 and compares them with
// the code of the check-in address of the person's ticket.
func checkQR(t *testing.T, render func(int, float64) ([]byte, error), p eventdocs.Person, wid int64, slot int) {
	t.Helper()
	const dpi = 200
	pngBytes, err := render(0, dpi)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("https://masar.test/ar/admin/workshops/%d/checkin?code=%s", wid, url.QueryEscape(p.Ticket))
	code, err := qr.Encode(want, qr.M)
	if err != nil {
		t.Fatal(err)
	}
	x, top, _, _ := eventdocs.BadgeSlot(slot)
	// The code's square: 62 points from the badge's padding, under the band (see badges.go).
	qx, qy, size := x+9, top+32+7+2, 62.0
	px := func(pt float64) int { return int(pt * dpi / 72) }
	m := size / float64(code.Size)
	wrong := 0
	for row := 0; row < code.Size; row++ {
		for col := 0; col < code.Size; col++ {
			cx, cy := px(qx+(float64(col)+0.5)*m), px(qy+(float64(row)+0.5)*m)
			dark := luminance(img, cx, cy) < 128
			if dark != code.Black(col, row) {
				wrong++
			}
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d modules of the QR code differ from the code of %s", wrong, code.Size*code.Size, want)
	}
}

func luminance(img image.Image, x, y int) int {
	r, g, b, _ := img.At(x, y).RGBA()
	return int((299*r + 587*g + 114*b) / 1000 >> 8)
}

// TestBadgeZIPAndSingleBadges: the ZIP holds one PDF per person, each a sheet with that
// person's badge alone; a pending participant and a stranger get no badge.
func TestBadgeZIPAndSingleBadges(t *testing.T) {
	f := newBadgeFixture(t)
	ctx := context.Background()
	people, err := f.e.docs.People(ctx, f.w, "en")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.e.docs.BadgesZIP(ctx, &buf, f.w, people, "en"); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(people) {
		t.Fatalf("the ZIP holds %d files for %d people", len(zr.File), len(people))
	}
	byName := map[string]*zip.File{}
	for _, zf := range zr.File {
		byName[zf.Name] = zf
	}
	reg := f.regs["Moumen El Agha"]
	zf := byName[fmt.Sprintf("badge-participant-%d-moumen-el-agha.pdf", reg.ID)]
	if zf == nil {
		t.Fatalf("no file for Moumen El Agha's badge among %v", byName)
	}
	rc, err := zf.Open()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := save(t, "one-badge.pdf", b)
	if info := poppler(t, "pdfinfo", file); !strings.Contains(info, "Pages:           1") {
		t.Errorf("one person's badge is not one page:\n%s", info)
	}
	text := poppler(t, "pdftotext", "-enc", "UTF-8", file, "-")
	readsAs(t, "Moumen's badge", text, "مؤمن الآغا")
	readsAs(t, "Moumen's badge", text, "Moumen El Agha")
	readsAs(t, "Moumen's badge", text, "Participant")
	if strings.Contains(text, "Abdelilah") {
		t.Errorf("someone else's name on Moumen's badge:\n%s", text)
	}
	if zf := byName[fmt.Sprintf("badge-trainer-%d-lubna-al-husseini.pdf", f.trainer.ID)]; zf == nil {
		t.Errorf("no file for the trainer's badge among %v", byName)
	}

	if _, err := f.e.docs.ParticipantByRegistration(ctx, f.w, f.pending.ID); err != eventdocs.ErrNoBadge {
		t.Errorf("a pending participant's badge: %v, want ErrNoBadge", err)
	}
	if _, err := f.e.docs.TrainerByOfficial(ctx, f.w, reg.OfficialID); err != eventdocs.ErrNoBadge {
		t.Errorf("a participant's badge as a trainer: %v, want ErrNoBadge", err)
	}
	if p, err := f.e.docs.ParticipantByRegistration(ctx, f.w, reg.ID); err != nil || p.NameLatin != "Moumen El Agha" {
		t.Errorf("Moumen's badge: %+v, %v", p, err)
	}
}

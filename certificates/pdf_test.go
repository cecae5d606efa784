package certificates

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/certificates/popplertest"
)

// What poppler writes, read back (see popplertest).
var (
	visual        = popplertest.Visual
	noSpace       = popplertest.NoSpace
	popplerVisual = popplertest.PopplerVisual
	mixed         = popplertest.Mixed
	bidiControls  = popplertest.Marks
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// poppler finds a poppler tool, or skips the test (fails it on CI, where .ci/run installs
// poppler-utils).
func poppler(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		msg := tool + " (poppler-utils) is not installed; the PDF is not checked with a real parser (apt-get install poppler-utils)"
		if os.Getenv("CI") != "" || os.Getenv("MASAR_BROWSER_TESTS") == "require" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

func run(t *testing.T, tool string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(poppler(t, tool), args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, errb.String())
	}
	if s := strings.TrimSpace(errb.String()); s != "" {
		t.Errorf("%s complains about the PDF: %s", tool, s)
	}
	return out.String()
}

// hardName is a certificate's names and titles, for the tests.
type hardName struct {
	name              string
	nameAr, nameLatin string
	titleAr, titleEn  string
}

// hardNames are the names and titles that other platforms' certificates get wrong.
var hardNames = []hardName{
	{name: "abd-allah-spaced", nameAr: "عبد الله", nameLatin: "Abdullah",
		titleAr: "البيانات الحكومية المفتوحة", titleEn: "Open government data"},
	{name: "abdallah-joined", nameAr: "عبدالله", nameLatin: "Abdallah",
		titleAr: "المشاركة: لا غنى عنها", titleEn: "Participation"},
	{name: "mauritanian", nameAr: "محمد الأمين ولد أحمد", nameLatin: "Mohamed El Amine Ould Ahmed",
		titleAr: "التعاون والإبداع المشترك", titleEn: "Collaboration and co-creation"},
	{name: "ninety-characters",
		nameAr:    "عبد الرحمن بن محمد بن عبد الله بن إبراهيم بن عبد العزيز بن سعود بن فيصل بن تركي بن ناصر آل",
		nameLatin: "Abdulrahman bin Mohamed bin Abdullah bin Ibrahim bin Abdulaziz bin Saud bin Faisal Al Saud",
		titleAr:   "الإشراف الناجز: الهياكل الدائمة والإجراءات التي تُبقي المشاركة في تحسّن مستمر عبر الإدارات الحكومية كافة",
		titleEn:   "Engaged governance: lasting structures and procedures that keep engagement improving across every government department"},
	{name: "arabic-and-latin", nameAr: "سارة Smith-Jones العلي", nameLatin: "Sara Smith-Jones Al-Ali",
		titleAr: "ورشة عمل حول منصة CKAN للبيانات المفتوحة", titleEn: "Workshop on the CKAN open data portal"},
	{name: "digits", nameAr: "أحمد الثالث ٣ بن 1990", nameLatin: "Ahmed III",
		titleAr: "الدورة ٢ لعام 2025 للمسؤولين", titleEn: "Course 2 of 2025 for officials"},
}

func TestNinetyCharacterName(t *testing.T) {
	if n := utf8.RuneCountInString(hardNames[3].nameAr); n != 90 {
		t.Fatalf("the long Arabic name has %d characters, not 90", n)
	}
	if n := utf8.RuneCountInString(hardNames[3].nameLatin); n != 90 {
		t.Fatalf("the long Latin name has %d characters, not 90", n)
	}
}

func goldenPrinted(s *Service, i int, nameAr, nameLatin, titleAr, titleEn string) printed {
	code := fmt.Sprintf("%012d", i)
	vals := make([]int, len(code))
	for k := range code {
		vals[k] = int(code[k] - '0')
	}
	code += string(alphabet[checkSymbol(vals)])
	p := printed{code: code, kind: KindCourse, nameAr: nameAr, nameLatin: nameLatin, titleAr: titleAr, title2: titleEn,
		hours: 12, start: time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC), issuedAt: time.Date(2025, 3, 15, 9, 30, 0, 0, time.UTC)}
	if i%2 == 1 {
		p.kind, p.hours, p.country, p.city = KindWorkshop, 18, map[string]string{"ar": "الأردن", "en": "Jordan"}, "عمّان"
		p.start, p.end = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)
	}
	p.verifyURL = s.VerifyURL(p.code)
	return p
}

// TestHardNamesGolden renders a certificate for each hard name and reads it back with
// poppler: one A4 landscape page, every font embedded as a subset, the words extracted in
// logical order (letters of «الله» and lam-alef included), nothing outside the page.
func TestHardNamesGolden(t *testing.T) {
	s := newTestService(t, nil)
	for i, hn := range hardNames {
		t.Run(hn.name, func(t *testing.T) {
			text := checkCertificatePDF(t, s, i, hn)
			golden := filepath.Join("testdata", "golden", hn.name+".txt")
			norm := normaliseExtract(text)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(norm), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if string(want) != norm {
				t.Errorf("extracted text differs from %s:\n--- got\n%s\n--- want\n%s", golden, norm, want)
			}

		})
	}
}

// checkCertificatePDF renders a certificate for a hard name, reads it back with poppler and
// checks it: one A4 landscape page, tagged, every font embedded as a subset with a ToUnicode
// map, every line drawn found as drawn (and in logical order where poppler can tell), the
// names and titles whole, nothing outside the frame. It returns poppler's text.
func checkCertificatePDF(t *testing.T, s *Service, i int, hn hardName) string {
	t.Helper()
	p := goldenPrinted(s, i, hn.nameAr, hn.nameLatin, hn.titleAr, hn.titleEn)
	d, err := s.render(p)
	if err != nil {
		t.Fatal(err)
	}
	// Laid out: every line inside the inner frame, names and titles at most two lines.
	for _, l := range d.lines {
		if l.x < 34 || l.x+l.width > pageW-34 || l.y-l.descent() < 34 || l.y+l.ascent() > pageH-34 {
			t.Errorf("line %q at x %.1f–%.1f, y %.1f is outside the frame", l.text, l.x, l.x+l.width, l.y)
		}
	}
	pdf, err := d.writePDF()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if keep := os.Getenv("MASAR_CERT_TEST_OUT"); keep != "" {
		dir = keep // to look at the PDFs
	}
	file := filepath.Join(dir, hn.name+".pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}

	info := run(t, "pdfinfo", file)
	for _, want := range []string{"Pages:           1", "Page size:       841.89 x 595.28 pts (A4)", "Tagged:          yes"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}

	fonts := run(t, "pdffonts", file)
	rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	if len(rows) < 3 {
		t.Errorf("expected the Arabic, Latin and text-layer fonts, got:\n%s", fonts)
	}
	for _, row := range rows {
		f := strings.Fields(row)
		// name type… encoding emb sub uni object gen
		if n := len(f); n < 7 || f[n-5] != "yes" || f[n-4] != "yes" || f[n-3] != "yes" {
			t.Errorf("font not embedded as a subset with a ToUnicode map: %s", row)
		}
	}

	// Every line drawn is in the text poppler extracts. Poppler rebuilds each line
	// from the glyphs' positions and writes it in the page's main direction (on this
	// bilingual page, left to right), each right-to-left section in logical order
	// inside embedding marks. So: a line of Arabic alone comes out exactly, in logical
	// order («الله» and lam-alef spelled out, marks after their letters); a line of
	// Latin alone too; and a mixed line comes out with its sections where they were
	// drawn, which must be where the bidirectional algorithm puts them.
	text := run(t, "pdftotext", "-enc", "UTF-8", file, "-")
	var logical, shown []string
	for _, l := range strings.Split(text, "\n") {
		logical = append(logical, noSpace(bidiControls.Replace(l)))
		shown = append(shown, noSpace(popplerVisual(l)))
	}
	contains := func(lines []string, want string) bool {
		for _, l := range lines {
			if strings.Contains(l, want) {
				return true
			}
		}
		return false
	}
	for _, l := range d.lines {
		if !contains(shown, noSpace(visual(l.text, l.lang == "ar"))) {
			t.Errorf("poppler does not find line %q as drawn; it read:\n%s", l.text, text)
		}
		if !mixed(l.text) && !contains(logical, noSpace(l.text)) {
			t.Errorf("poppler does not read line %q in logical order; it read:\n%s", l.text, text)
		}
	}
	// The names and titles are drawn whole, however they were wrapped.
	drawn := map[string]bool{}
	for i := range d.lines {
		for j := i + 1; j <= len(d.lines) && j <= i+2; j++ {
			var parts []string
			for _, l := range d.lines[i:j] {
				parts = append(parts, l.text)
			}
			drawn[strings.Join(parts, " ")] = true
		}
	}
	for _, want := range []string{cleanText(hn.nameAr), cleanText(hn.nameLatin), hn.titleAr, hn.titleEn, FormatCode(p.code)} {
		if !drawn[want] {
			t.Errorf("%q is not drawn whole", want)
		}
	}
	if strings.ContainsAny(text, "\ufffd?") || strings.ContainsFunc(text, func(r rune) bool { return r >= 0xfb50 && r <= 0xfeff }) {
		t.Errorf("extracted text has replacement characters or presentation forms:\n%s", text)
	}
	// Nothing outside the page: every word poppler finds lies within the frame.
	bbox := run(t, "pdftotext", "-bbox", file, "-")
	word := regexp.MustCompile(`<word xMin="([0-9.-]+)" yMin="([0-9.-]+)" xMax="([0-9.-]+)" yMax="([0-9.-]+)">`)
	words := word.FindAllStringSubmatch(bbox, -1)
	if len(words) < 20 {
		t.Fatalf("poppler found %d words", len(words))
	}
	for _, w := range words {
		var v [4]float64
		for k := range v {
			v[k], _ = strconv.ParseFloat(w[k+1], 64)
		}
		if v[0] < 28 || v[1] < 28 || v[2] > pageW-28 || v[3] > pageH-28 {
			t.Errorf("a word lies outside the frame: %v", v)
		}
	}
	return text
}

// normaliseExtract keeps the extraction's non-blank lines, trimmed, for the golden files
// (poppler's bidi marks included: they say how it ordered the runs).
func normaliseExtract(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && l != "\f" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// TestShaping checks the shaped glyphs themselves: Arabic letters joined (contextual forms,
// not the isolated ones), «الله» set as its ligature, lam-alef formed.
func TestShaping(t *testing.T) {
	fs, err := loadFonts("", "")
	if err != nil {
		t.Fatal(err)
	}
	ts := &typesetter{fonts: fs}
	shape := func(s string) textLine {
		p := ts.paragraph(s, style{size: 20, rtl: true, lang: "ar"})
		return p.line(0, len(p.runes), 20)
	}
	// «عبد»: ع and ب join, so neither is its isolated (cmap) glyph.
	l := shape("عبد")
	f := l.runs[0].face
	for _, g := range l.runs[0].glyphs {
		if r, _ := utf8.DecodeRuneInString(g.text); (r == 'ع' || r == 'ب') && g.id == f.sfnt.GlyphIndex(r) {
			t.Errorf("%c is not joined (isolated glyph %d)", r, g.id)
		}
	}
	for _, s := range []string{"عبد الله", "عبدالله"} {
		lig := false
		for _, g := range shape(s).runs[0].glyphs {
			if utf8.RuneCountInString(g.text) >= 3 {
				lig = true
			}
		}
		if !lig {
			t.Errorf("%s: «الله» is not set as a ligature", s)
		}
	}
	// lam-alef: the lam before an alef is not the lam of «لب».
	lamOf := func(s string) uint16 {
		for _, g := range shape(s).runs[0].glyphs {
			if g.text == "ل" {
				return g.id
			}
		}
		return 0
	}
	if lamOf("لا") == lamOf("لب") {
		t.Error("lam-alef is not formed")
	}
}

// TestVisualOrder checks the bidi layout of mixed lines: the runs drawn left to right in
// the order the Unicode bidirectional algorithm gives.
func TestVisualOrder(t *testing.T) {
	fs, err := loadFonts("", "")
	if err != nil {
		t.Fatal(err)
	}
	ts := &typesetter{fonts: fs}
	visual := func(s string, rtl bool) string {
		p := ts.paragraph(s, style{size: 20, rtl: rtl, lang: map[bool]string{true: "ar", false: "en"}[rtl]})
		l := p.line(0, len(p.runes), 20)
		var b strings.Builder
		for _, r := range l.runs {
			var run strings.Builder
			for _, g := range r.glyphs {
				run.WriteString(g.text)
			}
			// A right-to-left run's glyphs are in visual order: their letters read backwards.
			txt := strings.TrimSpace(run.String())
			if txt == "" {
				continue
			}
			b.WriteString("[" + txt + "]")
		}
		return b.String()
	}
	for _, c := range []struct {
		in   string
		rtl  bool
		want string
	}{
		// Arabic line with a Latin word: the Latin run sits between the Arabic words, read
		// right to left: محمد first (rightmost).
		{"محمد Smith الأحمد", true, "[دمحألا][Smith][دمحم]"},
		// Western digits inside Arabic stay left to right.
		{"عام 2025 جديد", true, "[ديدج][2025][ماع]"},
		// A Latin line with an Arabic word and a number after it: the number belongs to the
		// Arabic run and goes to its left.
		{"Smith محمد 123 Jones", false, "[Smith][123][دمحم][Jones]"},
	} {
		if got := visual(c.in, c.rtl); got != c.want {
			t.Errorf("%q: visual runs %s, want %s", c.in, got, c.want)
		}
	}
}

// TestLongTextsFit: whatever is typed, a paragraph fits its box in the lines it is given,
// shrinking as much as it must.
func TestLongTextsFit(t *testing.T) {
	fs, err := loadFonts("", "")
	if err != nil {
		t.Fatal(err)
	}
	ts := &typesetter{fonts: fs}
	for _, c := range []struct {
		text string
		rtl  bool
	}{
		{strings.Repeat("عبدالرحمن", 14), true},         // 126 letters without a space
		{strings.Repeat("Abdulrahman", 12), false},      // the same in Latin
		{strings.Repeat("محمد بن عبد الله ", 20), true}, // 340 characters with spaces
		{strings.Repeat("Mohamed El Amine Ould ", 15), false},
		{"a", false},
	} {
		for _, maxLines := range []int{1, 2} {
			lines, _ := ts.set(c.text, style{size: 30, bold: true, rtl: c.rtl, lang: map[bool]string{true: "ar", false: "en"}[c.rtl]},
				pageW/2, 100, 640, maxLines, alignCenter)
			if len(lines) == 0 || len(lines) > maxLines {
				t.Errorf("%.20q…: %d lines for %d", c.text, len(lines), maxLines)
			}
			total := 0
			for _, l := range lines {
				if l.width > 640.01 || l.x < pageW/2-320.01 {
					t.Errorf("%.20q…: a line %0.1f wide overflows the 640 box", c.text, l.width)
				}
				total += len([]rune(l.text))
			}
			if want := len([]rune(cleanText(c.text))); total < want-maxLines {
				t.Errorf("%.20q…: %d of %d characters drawn", c.text, total, want)
			}
		}
	}
}

// TestRenderingIsDeterministic: the same certificate gives the same bytes (so that a PDF
// can always be told from a copy made another way).
func TestRenderingIsDeterministic(t *testing.T) {
	s := newTestService(t, nil)
	p := goldenPrinted(s, 1, hardNames[2].nameAr, hardNames[2].nameLatin, hardNames[2].titleAr, hardNames[2].titleEn)
	var first []byte
	for i := 0; i < 3; i++ {
		d, err := s.render(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.writePDF()
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatal("two renderings of the same certificate differ")
		}
	}
}

package xliff

import (
	"bytes"
	"encoding/xml"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/masar-platform/masar/content"
)

// htmlOf renders a lesson's body as the site does (GFM and footnotes), whitespace-normalised.
func htmlOf(t *testing.T, lesson []byte) string {
	t.Helper()
	l, err := parseLesson(lesson)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := bytes.Cut(lesson[l.title.end:], []byte("\n---\n"))
	var b bytes.Buffer
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))
	if err := md.Convert(body, &b); err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

var untranslated = regexp.MustCompile(`(?s)<source xml:space="preserve">(.*)</source>\n   </segment>`)

// fillMissing gives every unit without a target its source text, as a translator who has not
// finished yet would leave it.
func fillMissing(doc []byte) []byte {
	units := strings.SplitAfter(string(doc), "</unit>")
	for i, u := range units {
		if !strings.Contains(u, "<target") {
			units[i] = untranslated.ReplaceAllString(u, "<source xml:space=\"preserve\">$1</source>\n    <target xml:space=\"preserve\">$1</target>\n   </segment>")
		}
	}
	return []byte(strings.Join(units, ""))
}

func signatures(t *testing.T, lesson []byte) []string {
	t.Helper()
	l, err := parseLesson(lesson)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range l.blocks {
		out = append(out, b.sig)
	}
	return out
}

// TestShippedLessons exports every Arabic lesson with its English file as the translation and
// imports it back: blocks that line up come back as the English text, the others keep the
// source's text, and the file always has the Arabic lesson's structure.
func TestShippedLessons(t *testing.T) {
	lessons, whole := 0, 0
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".ar.md") {
			return err
		}
		stem := strings.TrimSuffix(p, ".ar.md")
		ar, err := fs.ReadFile(content.FS, p)
		if err != nil {
			return err
		}
		en, err := fs.ReadFile(content.FS, stem+".en.md")
		if err != nil {
			return nil // no English file for this lesson
		}
		lessons++
		course, name := path.Dir(stem), path.Base(stem)
		t.Run(stem, func(t *testing.T) {
			doc, err := Export(course, name, "ar", "en", ar, en)
			if err != nil {
				t.Fatal(err)
			}
			checkWellFormed(t, doc)
			src, _ := parseLesson(ar)
			trg, _ := parseLesson(en)
			if n := bytes.Count(doc, []byte("<unit ")); n != len(src.units) {
				t.Errorf("%d units in the document, %d texts in the lesson", n, len(src.units))
			}
			for _, b := range src.blocks {
				if strings.HasPrefix(b.sig, "Paragraph") || strings.HasPrefix(b.sig, "Heading") {
					if len(b.units) != 1 {
						t.Errorf("block %s has %d units", b.sig, len(b.units))
					}
				}
			}
			c, l, s, tl, file, err := Import(fillMissing(doc), ar)
			if err != nil {
				t.Fatal(err)
			}
			if c != course || l != name || s != "ar" || tl != "en" {
				t.Errorf("identifiers %q %q %q %q", c, l, s, tl)
			}
			if !slices.Equal(signatures(t, file), signatures(t, ar)) {
				t.Errorf("the imported lesson's structure differs from the source's")
			}
			got, _ := parseLesson(file)
			if got.title.md != trg.title.md {
				t.Errorf("title %q, want %q", got.title.md, trg.title.md)
			}
			pairs := alignBlocks(src.blocks, trg.blocks)
			for _, p := range pairs {
				for k, u := range src.blocks[p[0]].units {
					want := trg.blocks[p[1]].units[k].md
					if g := got.byID[u.id]; g == nil || norm(g.md) != norm(want) {
						t.Errorf("unit %s: got %v, want %q", u.id, g, want)
					}
				}
			}
			withText := 0
			for _, b := range src.blocks {
				if len(b.units) > 0 {
					withText++
				}
			}
			if len(pairs) == withText && len(src.blocks) == len(trg.blocks) {
				whole++
				if g, w := htmlOf(t, file), htmlOf(t, en); g != w {
					t.Errorf("the blocks line up but the rendered lesson differs:\n got %s\nwant %s", g, w)
				}
			} else {
				t.Logf("%d of %d blocks with text line up with the English file", len(pairs), withText)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if lessons == 0 {
		t.Fatal("no lessons found in content.FS")
	}
	t.Logf("%d lessons, %d line up block for block with their English file", lessons, whole)
}

func checkWellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var root xml.StartElement
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed: %v", err)
		}
		if s, ok := tok.(xml.StartElement); ok {
			if root.Name.Local == "" {
				root = s
			}
			if s.Name.Local == "source" || s.Name.Local == "target" {
				if v, _ := attrOf(s, xmlNS, "space"); v != "preserve" {
					t.Errorf("<%s> without xml:space=\"preserve\"", s.Name.Local)
				}
			}
		}
	}
	if root.Name.Space != "urn:oasis:names:tc:xliff:document:2.0" || root.Name.Local != "xliff" {
		t.Errorf("root element %v", root.Name)
	}
	if v, _ := attrOf(root, "", "version"); v != "2.0" {
		t.Errorf("version %q", v)
	}
}

func attrOf(s xml.StartElement, space, local string) (string, bool) {
	for _, a := range s.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// translate puts a target into the units of doc, as a translator's tool would.
func translate(t *testing.T, doc []byte, targets map[string]string) []byte {
	t.Helper()
	s := string(doc)
	for id, target := range targets {
		at := strings.Index(s, `<unit id="`+id+`">`)
		if at < 0 {
			t.Fatalf("no unit %s in the document", id)
		}
		end := at + strings.Index(s[at:], "</source>") + len("</source>")
		s = s[:end] + "\n    <target xml:space=\"preserve\">" + target + "</target>" + s[end:]
	}
	return []byte(s)
}

// smallTranslation is what a translator writes for testdata/small.ar.md: codes moved with the
// words, the link code written around new words.
var smallTranslation = map[string]string{
	"title":  "Open «government» &amp; transparency",
	"b1":     "What does it mean?",
	"b2":     "Government publishes its data on <pc id=\"1\" type=\"link\" dataRefStart=\"d1\" dataRefEnd=\"d2\">the portal</pc> as <ph id=\"2\" dataRef=\"d3\"/>\nand answers questions.<ph id=\"3\" dataRef=\"d5\"/>",
	"b3.1":   "**Transparency:** publishing data.",
	"b3.2":   "**Accountability:** answering questions.",
	"b4.1.1": "Value",
	"b4.1.2": "Indicator",
	"b4.2.1": "Transparency",
	"b4.2.2": "10",
	"b4.3.1": "Participation",
	"b4.3.2": "number of opinions",
	"b5":     "Open government is not e-government.",
	"b6":     "A staircase of four steps",
	"b7":     "OECD, *Recommendation of the Council*, 2017.",
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unitIDs(doc []byte) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`<unit id="([^"]+)">`).FindAllSubmatch(doc, -1) {
		ids = append(ids, string(m[1]))
	}
	return ids
}

// TestSmallLessonRoundTrip translates a small lesson with every kind of block and gets the
// expected English file byte for byte, both from a translator's targets and from an export
// that already carries the English file.
func TestSmallLessonRoundTrip(t *testing.T) {
	ar, want := readTestdata(t, "small.ar.md"), readTestdata(t, "small.en.md")

	doc, err := Export("open-government-framework", "07-small", "ar", "en", ar, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, doc)
	wantIDs := []string{"title", "b1", "b2", "b3.1", "b3.2", "b4.1.1", "b4.1.2", "b4.2.1", "b4.2.2", "b4.3.1", "b4.3.2", "b5", "b6", "b7"}
	if got := unitIDs(doc); !slices.Equal(got, wantIDs) {
		t.Errorf("units %v, want %v", got, wantIDs)
	}
	for _, markup := range []string{"[!NOTE]", "images/steps", "|", "02-portal.md</pc>", "exercise_minutes", "## "} {
		if strings.Contains(string(doc), "<source xml:space=\"preserve\">"+markup) {
			t.Errorf("markup %q is given to the translator", markup)
		}
	}
	if bytes.Contains(doc, []byte("<target")) {
		t.Error("an export without a translation has targets")
	}
	if !strings.Contains(string(doc), `<data id="d2">](02-portal.md)</data>`) {
		t.Error("the link's URL is not kept as original data")
	}

	course, lesson, src, trg, file, err := Import(translate(t, doc, smallTranslation), ar)
	if err != nil {
		t.Fatal(err)
	}
	if course != "open-government-framework" || lesson != "07-small" || src != "ar" || trg != "en" {
		t.Errorf("identifiers %q %q %q %q", course, lesson, src, trg)
	}
	if string(file) != string(want) {
		t.Errorf("imported lesson:\n%s\nwant:\n%s", file, want)
	}

	doc, err = Export("open-government-framework", "07-small", "ar", "en", ar, want)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(doc), "<target "); n != len(wantIDs) {
		t.Errorf("%d targets filled from the English file, want %d", n, len(wantIDs))
	}
	_, _, _, _, file, err = Import(doc, ar)
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != string(want) {
		t.Errorf("round trip through the English file:\n%s\nwant:\n%s", file, want)
	}

	// The revision the translation was exported from travels in the document, which stays
	// well-formed XLIFF and imports the same.
	doc, err = ExportBased("open-government-framework", "07-small", "ar", "en", ar, want, 42)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, doc)
	if !strings.Contains(string(doc), `xmlns:masar="`+BaseNamespace+`"`) || !strings.Contains(string(doc), `masar:base="42"`) {
		t.Errorf("the base revision is not in the document:\n%s", doc[:300])
	}
	if _, _, _, _, file, err = Import(doc, ar); err != nil || string(file) != string(want) {
		t.Errorf("import of a document with its base: %v", err)
	}
}

// TestArabicAndEscapes checks that Arabic text, « », & and < survive into the XML and back.
func TestArabicAndEscapes(t *testing.T) {
	en := []byte("---\ntitle: \"Rules & <tags>\"\n---\n\nUse a < b & c \"quoted\" here.\n")
	ar := []byte("---\ntitle: \"قواعد «الوسوم» & <العلامات>\"\n---\n\nاستخدم a < b و«c» & d هنا.\n")
	doc, err := Export("c", "01-x", "en", "ar", en, ar)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, doc)
	for _, want := range []string{
		`<source xml:space="preserve">Rules &amp; &lt;tags&gt;</source>`,
		`<target xml:space="preserve">قواعد «الوسوم» &amp; &lt;العلامات&gt;</target>`,
		`<target xml:space="preserve">استخدم a &lt; b و«c» &amp; d هنا.</target>`,
		`srcDir="ltr" trgDir="rtl"`,
	} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the document lacks %s:\n%s", want, doc)
		}
	}
	_, _, _, _, file, err := Import(doc, en)
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != string(ar) {
		t.Errorf("got\n%s\nwant\n%s", file, ar)
	}
}

// TestImportRefuses breaks a translated document the ways a translator or a tool might, and
// expects an error that names the unit.
func TestImportRefuses(t *testing.T) {
	ar, en := readTestdata(t, "small.ar.md"), readTestdata(t, "small.en.md")
	doc, err := Export("open-government-framework", "07-small", "ar", "en", ar, en)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	unit := func(id string) string {
		at := strings.Index(s, `  <unit id="`+id+`">`)
		end := at + strings.Index(s[at:], "</unit>\n") + len("</unit>\n")
		return s[at:end]
	}
	b5 := unit("b5")
	for _, c := range []struct {
		name, doc string
		want      []string
	}{
		{"missing unit", strings.Replace(s, b5, "", 1), []string{"unit b5", "missing"}},
		{"duplicated unit", strings.Replace(s, b5, b5+b5, 1), []string{"unit b5", "more than once"}},
		{"empty target", strings.Replace(s, ">Open government is not e-government.</target>", "> </target>", 1), []string{"unit b5", "empty target"}},
		{"no target", strings.Replace(s, b5, strings.Replace(b5, "<target xml:space=\"preserve\">Open government is not e-government.</target>", "", 1), 1), []string{"unit b5", "not translated"}},
		{"target in another language", strings.Replace(s, "<target xml:space=\"preserve\">Value", "<target xml:lang=\"fr\" xml:space=\"preserve\">Value", 1), []string{"unit b4.1.1", "fr"}},
		{"source in another language", strings.Replace(s, "<source xml:space=\"preserve\">القيمة", "<source xml:lang=\"en\" xml:space=\"preserve\">القيمة", 1), []string{"unit b4.1.1", "en"}},
		{"unknown unit", strings.Replace(s, `<unit id="b5">`, `<unit id="b55">`, 1), []string{"unit b55", "not in the source", "unit b5:"}},
		{"unknown code", strings.Replace(s, `<ph id="3" dataRef="d5" disp="[^1]"/></target>`, `<ph id="9" dataRef="d5"/></target>`, 1), []string{"unit b2", `id="9"`}},
		{"changed source", strings.Replace(s, "الحكومة المفتوحة ليست", "الحكومة ليست", 1), []string{"unit b5", "source text differs"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.doc == s {
				t.Fatal("the test did not change the document")
			}
			_, _, _, _, _, err := Import([]byte(c.doc), ar)
			if err == nil {
				t.Fatal("imported")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	for _, c := range []struct{ name, doc, want string }{
		{"target language of another file", strings.Replace(s, `original="open-government-framework/07-small.ar.md"`, `original="open-government-framework/07-small.fr.md"`, 1), "fr"},
		{"same languages", strings.Replace(s, `trgLang="en"`, `trgLang="ar"`, 1), "both"},
		{"no target language", strings.Replace(s, ` trgLang="en"`, "", 1), "target language"},
		{"XLIFF 1.2", strings.Replace(s, "urn:oasis:names:tc:xliff:document:2.0", "urn:oasis:names:tc:xliff:document:1.2", 1), "XLIFF 2.0"},
		{"not XML", s[:len(s)/2], "well-formed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, _, _, err := Import([]byte(c.doc), ar)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestTargetsKeepStructure gives targets that would break the Markdown around them.
func TestTargetsKeepStructure(t *testing.T) {
	ar := readTestdata(t, "small.ar.md")
	doc, err := Export("c", "07-small", "ar", "en", ar, nil)
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]string{}
	for k, v := range smallTranslation {
		targets[k] = v
	}
	targets["b1"] = "What does\nit mean? #"
	targets["b4.2.1"] = "Transparency | openness"
	targets["b3.1"] = "- Transparency\n\n1. publishing data"
	targets["b5"] = "Open government\nis not e-government."
	targets["b6"] = "A staircase ] of steps"
	targets["title"] = "A \"quoted\" title"
	_, _, _, _, file, err := Import(translate(t, doc, targets), ar)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"title: \"A \\\"quoted\\\" title\"\n",
		"## What does it mean? \\#\n",
		"| Transparency \\| openness | 10 |\n",
		"- \\- Transparency\n  1\\. publishing data\n",
		"> [!NOTE]\n> Open government\n> is not e-government.\n",
		"![A staircase \\] of steps](images/steps.en.svg)\n",
	} {
		if !strings.Contains(string(file), want) {
			t.Errorf("the lesson lacks %q:\n%s", want, file)
		}
	}
	if !slices.Equal(signatures(t, file), signatures(t, ar)) {
		t.Errorf("the structure changed:\n%s", file)
	}
}

// TestMisalignedTranslation exports against an English file that lost one paragraph, split
// another in two and gained a list item: every source block still has its units, the blocks
// that line up (before, between and after the changes) get the English text, the others
// none, and the imported lesson keeps the Arabic structure.
func TestMisalignedTranslation(t *testing.T) {
	ar, err := fs.ReadFile(content.FS, "01-open-government-framework/01-why-open-government.ar.md")
	if err != nil {
		t.Fatal(err)
	}
	en, err := fs.ReadFile(content.FS, "01-open-government-framework/01-why-open-government.en.md")
	if err != nil {
		t.Fatal(err)
	}
	edited := string(en)
	for _, c := range [][2]string{
		{"This programme concentrates on three of those values, which reinforce one another.\n\n", ""},
		{"Public bodies explain what they did and why, and accept the consequences when they fall short. ", "Public bodies explain what they did and why, and accept the consequences when they fall short.\n\n"},
		{"- **Integrity and efficiency.**", "- **Openness.** A new item.\n- **Integrity and efficiency.**"},
	} {
		if !strings.Contains(edited, c[0]) {
			t.Fatalf("the English lesson no longer has %q", c[0])
		}
		edited = strings.Replace(edited, c[0], c[1], 1)
	}
	doc, err := Export("open-government-framework", "01-why-open-government", "ar", "en", ar, []byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	src, _ := parseLesson(ar)
	if got := unitIDs(doc); len(got) != len(src.units) {
		t.Fatalf("%d units, want one for each of the %d texts", len(got), len(src.units))
	}
	target := func(id string) string {
		at := strings.Index(string(doc), `<unit id="`+id+`">`)
		unit := string(doc[at:])
		unit = unit[:strings.Index(unit, "</unit>")]
		_, t, _ := strings.Cut(unit, `<target xml:space="preserve">`)
		t, _, _ = strings.Cut(t, "</target>")
		return t
	}
	if got := target("b1"); got != "What open government means" {
		t.Errorf("b1 (before the changes): target %q", got)
	}
	if got := target("b3"); got != "" {
		t.Errorf("b3 (removed from the English): target %q", got)
	}
	// A paragraph split in two lines up with its first half: shapes alone cannot tell.
	if got := target("b7"); got != "Public bodies explain what they did and why, and accept the consequences when they fall short." {
		t.Errorf("b7 (split in the English): target %q", got)
	}
	if got := target("b8"); got != "Participation" {
		t.Errorf("b8 (after the split): target %q", got)
	}
	if got := target("b13.1"); got != "" {
		t.Errorf("b13.1 (a list that gained an item): target %q", got)
	}
	last := src.units[len(src.units)-1].id
	if got := target(last); !strings.HasPrefix(got, "Open Government Partnership") {
		t.Errorf("%s (after the changes): target %q", last, got)
	}
	if _, _, _, _, _, err := Import(doc, ar); err == nil || !strings.Contains(err.Error(), "unit b3:") {
		t.Errorf("a document with untranslated units imported, error %v", err)
	}
	_, _, _, _, file, err := Import(fillMissing(doc), ar)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(signatures(t, file), signatures(t, ar)) {
		t.Errorf("the imported lesson's structure differs from the source's:\n%s", file)
	}
}

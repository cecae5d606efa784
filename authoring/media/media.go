// Package media checks an image that a staff member uploads to a course in the browser
// editor before it is stored in the course's images/ folder: it decides what the file is from
// its content, refuses what a lesson cannot show safely, cleans SVG figures of anything that
// could run or fetch something, and names the file the way `masar content check` expects.
//
// The web layer serves a course image with the content type of its extension, so the name
// Check returns (its extension comes from the detected type, never from the uploaded name) is
// part of the safety: a file that is really HTML can never be stored as image.png, and a PNG
// is never stored as .svg.
package media

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/masar-platform/masar/problem"
)

// Size limits of a stored image.
const (
	MaxRaster = 2 << 20  // PNG or JPEG
	MaxSVG    = 64 << 10 // what content check allows
)

// Dimension limits of a PNG or JPEG image. A lesson shows an image at most 36rem wide (about
// 1200 device pixels on a sharp phone), so these only stop absurd files: a header that claims
// 100000×100000 pixels, or a small file that would inflate to gigabytes (a decompression bomb).
// MaxPixels also bounds the memory of the full decode that Check runs (8 bytes a pixel at worst).
const (
	MaxSide   = 8000
	MaxPixels = 25_000_000
)

// maxNameLen bounds the stored name's stem: long enough for a description, short enough for
// every file system and a readable Markdown reference.
const maxNameLen = 60

// Message keys of the refusals (i18n/messages/*/authoring_media.json).
const (
	KeyEmpty           = "authoring.media.empty"
	KeyUnsupported     = "authoring.media.unsupported"
	KeyTooLarge        = "authoring.media.too_large"
	KeySVGTooLarge     = "authoring.media.svg_too_large"
	KeyDamaged         = "authoring.media.damaged"
	KeyDimensions      = "authoring.media.dimensions"
	KeyBadLang         = "authoring.media.bad_lang"
	KeySVGLangRequired = "authoring.media.svg_lang_required"
	KeySVGInvalid      = "authoring.media.svg_invalid"
	KeySVGNamespace    = "authoring.media.svg_namespace"
	KeySVGEntities     = "authoring.media.svg_entities"
	KeySVGRole         = "authoring.media.svg_role"
	KeySVGTitle        = "authoring.media.svg_title"
	KeySVGLang         = "authoring.media.svg_lang"
	KeySVGScript       = "authoring.media.svg_script"
	KeySVGNesting      = "authoring.media.svg_nesting"
)

// Keys lists every message key Check may return, for the catalogue test.
var Keys = []string{KeyEmpty, KeyUnsupported, KeyTooLarge, KeySVGTooLarge, KeyDamaged, KeyDimensions,
	KeyBadLang, KeySVGLangRequired, KeySVGInvalid, KeySVGNamespace, KeySVGEntities, KeySVGRole,
	KeySVGTitle, KeySVGLang, KeySVGScript, KeySVGNesting}

// Error is a refusal a person can act on: Key is an i18n message key (in
// i18n/messages/*/authoring_media.json), Args its arguments as name, value pairs.
type Error struct {
	Key  string
	Args []any
}

func (e *Error) Error() string {
	if len(e.Args) == 0 {
		return "media: " + e.Key
	}
	return fmt.Sprintf("media: %s %v", e.Key, e.Args)
}

// Problem is the refusal as the platform's user-safe error: 422, with the same key and
// arguments, for the editor's form or the JSON API.
func (e *Error) Problem() *problem.Error {
	p := problem.New(http.StatusUnprocessableEntity, "invalid_image", e.Key, e.Args...)
	p.Cause = e
	return p
}

func refuse(key string, args ...any) *Error { return &Error{Key: key, Args: args} }

// Check validates an uploaded course image named filename (as the browser sent it) in lesson
// language lang ("ar", "en", "fr" or "" for a language-neutral raster image), and returns the
// bytes to store and the file name to store it under in the course's images/ folder.
//
// PNG and JPEG files are returned as they came, once their header and their whole pixel data
// have been read; an SVG figure is returned cleaned (see svg.go) and must then meet what
// content check requires of a figure. Every refusal is an *Error.
func Check(filename string, data []byte, lang string) (clean []byte, name string, err error) {
	if lang != "" && lang != "ar" && lang != "en" && lang != "fr" {
		return nil, "", refuse(KeyBadLang)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "", refuse(KeyEmpty)
	}
	switch {
	case bytes.HasPrefix(data, pngSignature):
		if err := checkRaster(data, "PNG", png.DecodeConfig, png.Decode); err != nil {
			return nil, "", err
		}
		return data, stem(filename, false) + ".png", nil
	case bytes.HasPrefix(data, jpegSignature):
		if err := checkRaster(data, "JPEG", jpeg.DecodeConfig, jpeg.Decode); err != nil {
			return nil, "", err
		}
		return data, stem(filename, false) + ".jpg", nil
	case looksLikeXML(data):
		if len(data) > MaxRaster {
			// Far beyond what cleaning could bring under MaxSVG: not worth parsing.
			return nil, "", refuse(KeySVGTooLarge, "kb", MaxSVG>>10)
		}
		out, err := checkSVG(data, lang) // refuses an empty lang once the file is known to be SVG
		if err != nil {
			return nil, "", err
		}
		return out, stem(filename, true) + "." + lang + ".svg", nil
	}
	// GIF, WebP, PDF, HTML fragments, executables, archives, plain text…: whatever it is,
	// it is none of the three types a lesson shows.
	return nil, "", refuse(KeyUnsupported)
}

var (
	pngSignature  = []byte("\x89PNG\r\n\x1a\n")
	jpegSignature = []byte{0xFF, 0xD8, 0xFF}
	utf8BOM       = []byte{0xEF, 0xBB, 0xBF}
)

// looksLikeXML reports whether data starts, after an optional byte order mark and blank
// space, with markup: the only way an SVG file can start. Whether it is an SVG is for the
// parser to decide.
func looksLikeXML(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n")
	return len(data) > 0 && data[0] == '<'
}

// checkRaster refuses a PNG or JPEG file that is too heavy, whose header cannot be read or
// claims absurd dimensions, or whose pixel data does not decode. The header is read first
// (image.DecodeConfig through the format's own function), so a file that claims 100000×100000
// pixels is refused before a single pixel buffer is allocated; only then is the whole image
// decoded, which catches a truncated or forged body behind a valid header.
func checkRaster(data []byte, kind string,
	decodeConfig func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error)) error {
	if len(data) > MaxRaster {
		return refuse(KeyTooLarge, "mb", MaxRaster>>20)
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return refuse(KeyDamaged, "type", kind)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return refuse(KeyDamaged, "type", kind)
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return refuse(KeyDimensions, "width", cfg.Width, "height", cfg.Height, "side", MaxSide, "megapixels", MaxPixels/1_000_000)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return refuse(KeyDamaged, "type", kind)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return refuse(KeyDamaged, "type", kind)
	}
	return nil
}

// stem makes the stored name's stem from the name the browser sent: its last path component
// only (a browser may send "C:\fakepath\x.png", a forged request "../../etc/passwd.png"),
// without its extension and, for a figure, without a language suffix (four-phases.ar.svg
// becomes four-phases, to which the lesson's language is added again); lowercase, accents
// taken off Latin letters (schéma → schema), Arabic-Indic digits written as 0-9, other
// letters (Arabic among them) dropped, anything else a hyphen. "image" when nothing is left.
func stem(filename string, figure bool) string {
	s := strings.ReplaceAll(filename, `\`, "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	if figure {
		for _, l := range []string{".ar", ".en", ".fr"} {
			if len(s) > len(l) && strings.EqualFold(s[len(s)-len(l):], l) {
				s = s[:len(s)-len(l)]
				break
			}
		}
	}
	var b strings.Builder
	hyphen := false
	put := func(r rune) {
		if hyphen && b.Len() > 0 {
			b.WriteByte('-')
		}
		hyphen = false
		b.WriteRune(r)
	}
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			put(r)
		case r >= 'A' && r <= 'Z':
			put(r + 'a' - 'A')
		case r >= '٠' && r <= '٩': // Arabic-Indic digits
			put('0' + r - '٠')
		case r >= '۰' && r <= '۹': // Eastern Arabic-Indic digits (Persian, Urdu)
			put('0' + r - '۰')
		case unicode.In(r, unicode.L, unicode.M, unicode.Cf):
			// Letters outside a-z, accents, tatweel and invisible marks are dropped.
		default:
			hyphen = true
		}
	}
	out := b.String()
	if len(out) > maxNameLen {
		out = strings.TrimRight(out[:maxNameLen], "-")
	}
	if out == "" {
		return "image"
	}
	return out
}

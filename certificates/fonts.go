package certificates

import (
	"embed"
	"fmt"
	"os"
	"sync"
)

//go:embed fonts/*.ttf
var fontFS embed.FS

// embedded is the embedded font set, parsed once for the process (parsing takes a tenth of
// a second; the faces are safe for concurrent use).
var embedded struct {
	once sync.Once
	set  *fontSet
	err  error
}

// loadFonts returns the faces certificates are set in: the embedded ones, with the Arabic
// ones replaced by the files named in arabic and arabicBold when set (a Naskh face such as
// Amiri, TrueType or OpenType).
func loadFonts(arabic, arabicBold string) (*fontSet, error) {
	if arabic == "" && arabicBold == "" {
		embedded.once.Do(func() { embedded.set, embedded.err = readFonts("", "") })
		return embedded.set, embedded.err
	}
	return readFonts(arabic, arabicBold)
}

func readFonts(arabic, arabicBold string) (*fontSet, error) {
	load := func(path, embedded string) (*face, error) {
		var b []byte
		var err error
		if path != "" {
			b, err = os.ReadFile(path)
		} else {
			b, err = fontFS.ReadFile("fonts/" + embedded)
		}
		if err != nil {
			return nil, fmt.Errorf("certificates: font: %w", err)
		}
		f, err := parseFace(b)
		if err != nil {
			name := path
			if name == "" {
				name = embedded
			}
			return nil, fmt.Errorf("certificates: font %s: %w", name, err)
		}
		return f, nil
	}
	if arabicBold == "" {
		arabicBold = arabic
	}
	var fs fontSet
	var err error
	if fs.arabic, err = load(arabic, "NotoNaskhArabic-Regular.ttf"); err != nil {
		return nil, err
	}
	if fs.arabicBold, err = load(arabicBold, "NotoNaskhArabic-Bold.ttf"); err != nil {
		return nil, err
	}
	if fs.latin, err = load("", "NotoSerif-Regular.ttf"); err != nil {
		return nil, err
	}
	if fs.latinBold, err = load("", "NotoSerif-Bold.ttf"); err != nil {
		return nil, err
	}
	for _, f := range []*face{fs.arabic, fs.arabicBold} {
		if !f.has('ب') || !f.has('ه') {
			return nil, fmt.Errorf("certificates: font %s has no Arabic letters", f.name)
		}
	}
	return &fs, nil
}

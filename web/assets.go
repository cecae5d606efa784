package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/static"
)

// assets are the embedded static files, each also served under a name carrying a hash of
// its content (style.3f2a9c1b.css), so that browsers may keep it for a year and still get
// the new file the moment it changes.
type assets struct {
	byName   map[string]*asset // "style.css" → file
	byHashed map[string]*asset // "style.3f2a9c1b.css" → file
}

type asset struct {
	hashed string
	body   []byte
	ctype  string
	etag   string
}

// assetTypes are the content types of the static files that Go's table does not know.
var assetTypes = map[string]string{
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
	".ico":   "image/x-icon",
	".png":   "image/png",
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		b, err := fs.ReadFile(static.FS, p)
		if err != nil {
			return err
		}
		a.add(p, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The stylesheets name the fonts by their plain paths (url(fonts/x.woff2)); they are
	// served naming the hashed files instead, so that the fonts are kept for a year too.
	for name, f := range a.byName {
		if path.Ext(name) != ".css" {
			continue
		}
		css := string(f.body)
		for other, g := range a.byName {
			if strings.HasPrefix(other, "fonts/") {
				css = strings.ReplaceAll(css, "url(\""+other+"\")", "url(\""+g.hashed+"\")")
			}
		}
		if css != string(f.body) {
			delete(a.byHashed, f.hashed)
			a.add(name, []byte(css))
		}
	}
	return a, nil
}

// add makes a static file of body, served as name and under its hashed name.
func (a *assets) add(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])[:10]
	ext := path.Ext(name)
	f := &asset{hashed: strings.TrimSuffix(name, ext) + "." + h + ext, body: body, etag: `"` + h + `"`, ctype: mime.TypeByExtension(ext)}
	if t, ok := assetTypes[ext]; ok {
		f.ctype = t
	}
	if f.ctype == "" {
		f.ctype = "application/octet-stream"
	}
	a.byName[name] = f
	a.byHashed[f.hashed] = f
	return f
}

// url is the hashed URL of a static file, for templates.
func (a *assets) url(name string) string {
	if f, ok := a.byName[name]; ok {
		return "/static/" + f.hashed
	}
	return "/static/" + name
}

func (a *assets) serve(c *fiber.Ctx) error {
	name := c.Params("*")
	f, immutable := a.byHashed[name]
	if !immutable {
		if f = a.byName[name]; f == nil {
			return fiber.ErrNotFound
		}
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	c.Set(fiber.HeaderETag, f.etag)
	if immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	}
	if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(f.body)
}

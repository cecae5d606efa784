package web

import (
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// TestIsExport: the file exports found in the routes (grep Content-Disposition) get the
// export limit; pages, the API's JSON and uploads do not.
func TestIsExport(t *testing.T) {
	app := fiber.New()
	cases := []struct {
		method, path string
		want         bool
	}{
		{"GET", "/ar/reports/all.xlsx", true},
		{"GET", "/en/reports/participation.csv", true},
		{"GET", "/fr/admin/workshops/3/export.xlsx", true},
		{"GET", "/ar/admin/courses/export.xlsx", true},
		{"GET", "/en/advisory/export.xlsx", true},
		{"GET", "/ar/admin/certificates/jobs/4/certificates.zip", true},
		{"GET", "/api/v1/workshops/2/participants.xlsx", true},
		{"GET", "/api/v1/reports/all", true},
		{"GET", "/open-data/workshops.csv", true},
		{"GET", "/ar/me/export", true},
		{"HEAD", "/en/me/export", true},
		{"GET", "/api/v1/me/export", true},
		{"GET", "/fr/me/data", true},
		{"GET", "/ar/me", false},
		{"GET", "/ar/reports", false},
		{"GET", "/api/v1/officials", false},
		{"GET", "/api/v1/reports", false},
		{"POST", "/ar/me/export", false},
		{"POST", "/api/v1/workshops/2/participants.xlsx", false},
		{"GET", "/ar/courses/export", false},
	}
	for _, c := range cases {
		rc := &fasthttp.RequestCtx{}
		rc.Request.Header.SetMethod(c.method)
		rc.Request.SetRequestURI(c.path)
		fc := app.AcquireCtx(rc)
		if got := isExport(fc); got != c.want {
			t.Errorf("%s %s: export %v, want %v", c.method, c.path, got, c.want)
		}
		app.ReleaseCtx(fc)
	}
}

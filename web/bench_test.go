package web_test

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// benchPage serves one GET straight through the Fiber handler (no network), to measure the
// cost of the page itself.
func benchPage(b *testing.B, path string, cookies map[string]string) {
	p := newPlatform(b)
	h := p.App.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI(path)
		ctx.Request.Header.SetMethod("GET")
		for k, v := range cookies {
			ctx.Request.Header.SetCookie(k, v)
		}
		h(&ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("status %d", ctx.Response.StatusCode())
		}
	}
}

func BenchmarkCataloguePage(b *testing.B) { benchPage(b, "/ar/courses", nil) }

func BenchmarkLessonPageAnonymous(b *testing.B) {
	benchPage(b, "/ar/courses/open-government-data/02-formats-and-quality", nil)
}

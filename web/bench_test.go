package web_test

import (
	"context"
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

func BenchmarkLessonPageLoggedIn(b *testing.B) {
	p := newPlatform(b)
	_, o := account(b, p, "bench@example.org", "official", "JO")
	tok, err := p.Officials.NewSession(context.Background(), o.ID)
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Courses.Enrol(context.Background(), o.ID, "open-government-data"); err != nil {
		b.Fatal(err)
	}
	h := p.App.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI("/ar/courses/open-government-data/02-formats-and-quality")
		ctx.Request.Header.SetCookie("masar_session", tok)
		h(&ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("status %d", ctx.Response.StatusCode())
		}
	}
}

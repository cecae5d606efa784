package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"

	"github.com/valyala/fasthttp"
)

// benchPage serves one GET straight through the Fiber handler (no network), to measure the
// cost of the page itself.
func benchPage(b *testing.B, p *platform.Platform, path string, cookies map[string]string) {
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

func BenchmarkCataloguePage(b *testing.B) { benchPage(b, newPlatform(b), "/ar/courses", nil) }

func BenchmarkLessonPageAnonymous(b *testing.B) {
	benchPage(b, newPlatform(b), "/ar/courses/open-government-data/02-formats-and-quality", nil)
}

func BenchmarkLessonPageLoggedIn(b *testing.B) {
	p := newPlatform(b)
	_, o := account(b, p, "bench@example.org", "official", "JO")
	tok, err := p.Officials.NewSession(context.Background(), o.ID, officials.SessionMeta{})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Courses.Enrol(context.Background(), o.ID, "open-government-data"); err != nil {
		b.Fatal(err)
	}
	benchPage(b, p, "/ar/courses/open-government-data/02-formats-and-quality", map[string]string{"masar_session": tok})
}

// BenchmarkStaffListByName is the staff list of officials searched by a name that one
// account in twelve has, among 1,000 accounts.
func BenchmarkStaffListByName(b *testing.B) {
	p := newPlatform(b)
	ctx := context.Background()
	first := []string{"Huda", "Omar", "Layla", "Karim", "Mona", "Samir", "Nadia", "Tariq", "Rana", "Yusuf", "Dina", "Faris"}
	err := p.DB.Tx(ctx, func(tx *sql.Tx) error {
		for k := 0; k < 1000; k++ {
			in := officials.Input{Email: fmt.Sprintf("o%06d@gov.example", k), NameAr: "هدى أحمد", NameLatin: first[k%len(first)] + " Haddad",
				JobTitle: "Director", Organisation: "Ministry of Planning", Country: "JO", Sector: officials.Sectors[k%len(officials.Sectors)],
				Gender: "female", Language: "ar"}
			if _, err := p.Officials.CreateTx(ctx, tx, audit.Actor{Email: "bench"}, in, officials.RoleOfficial); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// As the platform's maintenance does after many new accounts.
	if _, err := p.Officials.CompactSearch(ctx); err != nil {
		b.Fatal(err)
	}
	_, staff := account(b, p, "staff-bench@example.org", "staff", "JO")
	tok, err := p.Officials.NewSession(ctx, staff.ID, officials.SessionMeta{})
	if err != nil {
		b.Fatal(err)
	}
	benchPage(b, p, "/ar/admin/officials?q=Huda", map[string]string{"masar_session": tok})
}

package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// advBenchPlatform is a platform holding n requests from two countries, half of them under
// review, and a logged-in member of staff's session cookie.
func advBenchPlatform(b *testing.B, n int) (*platform.Platform, map[string]string) {
	b.Helper()
	p := newPlatform(b)
	ctx := context.Background()
	_, jo := account(b, p, "fp.jo@example.org", officials.RoleFocalPoint, "JO")
	_, tn := account(b, p, "fp.tn@example.org", officials.RoleFocalPoint, "TN")
	_, staff := account(b, p, "staff@example.org", officials.RoleStaff, "")
	for i := range n {
		fp := jo
		if i%2 == 1 {
			fp = tn
		}
		r := advSubmit(b, p, fp, fp.Country)
		if i%4 < 2 {
			if _, err := p.Advisory.Transition(ctx, staff, r.ID, advisory.StatusUnderReview, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	tok, err := p.Officials.NewSession(ctx, staff.ID, officials.SessionMeta{})
	if err != nil {
		b.Fatal(err)
	}
	return p, map[string]string{"masar_session": tok}
}

func advBenchGet(b *testing.B, p *platform.Platform, path string, cookies map[string]string) {
	h := p.App.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI(path)
		ctx.Request.Header.SetMethod("GET")
		for k, v := range cookies {
			ctx.Request.Header.SetCookie(k, v)
		}
		h(&ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("%s: status %d", path, ctx.Response.StatusCode())
		}
	}
}

// BenchmarkAdvisoryListPage: the staff's filtered list (a page of 50) among 2,000 requests.
func BenchmarkAdvisoryListPage(b *testing.B) {
	p, ck := advBenchPlatform(b, 2000)
	advBenchGet(b, p, "/en/advisory?country=JO&status=under_review&phase=3", ck)
}

// BenchmarkAdvisoryExport: the Excel export of 2,000 requests.
func BenchmarkAdvisoryExport(b *testing.B) {
	p, ck := advBenchPlatform(b, 2000)
	advBenchGet(b, p, "/en/advisory/export.xlsx", ck)
}

// BenchmarkAdvisoryRequestPage: one request's page for staff.
func BenchmarkAdvisoryRequestPage(b *testing.B) {
	p, ck := advBenchPlatform(b, 10)
	advBenchGet(b, p, "/en/advisory/5", ck)
}

// BenchmarkCountryPage: a country's page with 1,000 of its requests on the platform.
func BenchmarkCountryPage(b *testing.B) {
	p, ck := advBenchPlatform(b, 2000)
	advBenchGet(b, p, "/en/countries/JO", ck)
}

// BenchmarkAdvisoryTransition: one change of state, with its history, audit entry and
// e-mails, committed.
func BenchmarkAdvisoryTransition(b *testing.B) {
	p, _ := advBenchPlatform(b, 0)
	ctx := context.Background()
	staff, _ := p.Officials.GetByEmail(ctx, "staff@example.org")
	jo, _ := p.Officials.GetByEmail(ctx, "fp.jo@example.org")
	ids := make([]int64, b.N)
	for i := range ids {
		ids[i] = advSubmit(b, p, jo, "JO").ID
	}
	b.ReportAllocs()
	b.ResetTimer()
	for _, id := range ids {
		if _, err := p.Advisory.Transition(ctx, staff, id, advisory.StatusUnderReview, ""); err != nil {
			b.Fatal(fmt.Errorf("request %d: %w", id, err))
		}
	}
}

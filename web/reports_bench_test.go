package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/reports"
)

// BenchmarkReportsDashboard computes the whole dashboard (facts read through the features'
// APIs, figures, tables in Arabic and charts) over 10,000 officials with 10,000 course
// enrolments, and serves the open data. Run it with
//
//	go test ./web/ -run '^$' -bench ReportsDashboard -benchtime 20x
func BenchmarkReportsDashboard(b *testing.B) {
	p := newPlatform(b)
	ctx := context.Background()
	cs, err := p.Officials.Countries(ctx, true)
	if err != nil {
		b.Fatal(err)
	}
	const n = 10000
	ids := make([]int64, 0, n)
	err = p.DB.Relaxed(ctx, func() error {
		return p.DB.Tx(ctx, func(tx *sql.Tx) error {
			for k := 0; k < n; k++ {
				id, err := p.Officials.CreateTx(ctx, tx, audit.Actor{Email: "bench"}, officials.Input{
					Email: fmt.Sprintf("o%05d@gov.bench.example", k), NameAr: "موظف", NameLatin: "Official", JobTitle: "Analyst",
					Organisation: "Ministry", Country: cs[k%len(cs)].ISO, Sector: officials.Sectors[k%len(officials.Sectors)],
					Gender: []string{"female", "male"}[k%2], Language: "ar"}, officials.RoleOfficial)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	courses := p.Library.Catalogue().Courses()
	err = p.DB.Relaxed(ctx, func() error {
		for k, id := range ids {
			if err := p.Courses.Enrol(ctx, id, courses[k%len(courses)].Slug); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("compute", func(b *testing.B) {
		for b.Loop() {
			d, err := p.Reports.Dashboard(ctx, reports.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			secs, err := p.Reports.Sections(ctx, d, "ar")
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range secs {
				for _, t := range s.Tables {
					p.Reports.ChartSVG(t, "ar")
				}
			}
		}
	})
	c, _ := account(b, p, "staff.bench@example.org", officials.RoleStaff, "")
	b.Run("page", func(b *testing.B) {
		for b.Loop() {
			if r := c.get("/ar/reports"); r.Status != http.StatusOK {
				b.Fatal(r.Status)
			}
		}
	})
	b.Run("open-data-csv", func(b *testing.B) {
		for b.Loop() {
			if r := c.get("/open-data/course-completions.csv"); r.Status != http.StatusOK {
				b.Fatal(r.Status)
			}
		}
	})
}

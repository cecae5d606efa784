package certificates

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
)

// BenchmarkRenderCertificate is one certificate from its data to PDF bytes: layout, Arabic
// shaping and bidi, QR code, font subsetting, compression.
func BenchmarkRenderCertificate(b *testing.B) {
	s := newTestService(b, nil)
	p := goldenPrinted(s, 1, "محمد الأمين ولد أحمد", "Mohamed El Amine Ould Ahmed", "ورشة العمل الإقليمية حول البيانات الحكومية المفتوحة",
		"Regional workshop on open government data")
	b.ReportAllocs()
	for b.Loop() {
		d, err := s.render(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.writePDF(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssueCertificate is a whole issuance: the PDF, and the transaction that stores it
// with its status list entry, audit record and e-mail (PDF attached).
func BenchmarkIssueCertificate(b *testing.B) {
	e := newEnv(b, nil)
	o := e.official(b, "bench@gov.example", "عبد الله بن أحمد", "Abdullah bin Ahmed")
	award := WorkshopAward{Title: map[string]string{"ar": "ورشة عمل", "en": "Workshop"}, HostCountry: "JO", City: "عمّان",
		Start: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC), Hours: 18}
	ctx := context.Background()
	i := int64(0)
	for b.Loop() {
		i++
		award.WorkshopID = i
		if _, failed, err := e.svc.IssueWorkshop(ctx, audit.Actor{}, award, []int64{o.ID}); err != nil || len(failed) > 0 {
			b.Fatal(err, failed)
		}
	}
}

// BenchmarkBulk200 issues a 200-person workshop's certificates in the background, until done.
func BenchmarkBulk200(b *testing.B) {
	e := newEnv(b, nil)
	var ids []int64
	first := []string{"أحمد", "فاطمة", "عبد الله", "مريم", "يوسف", "ليلى", "خالد", "سلمى", "عمر", "هدى", "سعيد", "نادية", "طارق", "رانيا", "كريم", "منى", "وليد", "دعاء", "حسن", "أمل"}
	last := []string{"العلي", "بن سالم", "ولد أحمد", "الحسيني", "المصري", "التونسي", "الخطيب", "بوزيد", "الشامي", "الكعبي"}
	for i := 0; i < 200; i++ {
		name := first[i%len(first)] + " " + last[i/len(first)]
		o := e.official(b, fmt.Sprintf("p%03d@gov.example", i), name, fmt.Sprintf("Participant No %c%c", 'A'+i%26, 'A'+i/26))
		ids = append(ids, o.ID)
	}
	ctx := context.Background()
	w := int64(0)
	for b.Loop() {
		w++
		award := WorkshopAward{WorkshopID: w, Title: map[string]string{"ar": "ورشة عمل إقليمية", "en": "Regional workshop"}, HostCountry: "TN",
			City: "Tunis", Start: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC), Hours: 18}
		id, err := e.svc.StartWorkshopJob(ctx, audit.Actor{}, award, ids)
		if err != nil {
			b.Fatal(err)
		}
		e.svc.Wait()
		if j, _ := e.svc.Job(ctx, id); j.Issued != 200 {
			b.Fatalf("job: %+v", j)
		}
	}
}

// BenchmarkPreviewPNG draws the preview of a certificate.
func BenchmarkPreviewPNG(b *testing.B) {
	s := newTestService(b, nil)
	p := goldenPrinted(s, 0, "عبد الله", "Abdullah", "البيانات الحكومية المفتوحة", "Open government data")
	d, err := s.render(p)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := d.writePNG(96); err != nil {
			b.Fatal(err)
		}
	}
}

package web

import (
	"context"
	"fmt"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/workshops"
)

// wireWorkshopCertificates lets the certificates service find who earned an attendance
// certificate for a workshop — the confirmed participants whose attendance rate reaches the
// workshop's threshold — and issues those certificates when the workshop is marked
// completed.
func wireWorkshopCertificates(p *Platform) {
	p.Certificates.SetWorkshopSource(func(ctx context.Context, id int64) (certificates.WorkshopAward, []int64, error) {
		return workshopAward(ctx, p.Workshops, id)
	})
	p.Workshops.OnCompleted(func(ctx context.Context, id int64) {
		if _, err := p.Certificates.IssueWorkshopByID(ctx, audit.Actor{Email: "system"}, id); err != nil {
			p.Log.Error("attendance certificates not issued", "workshop", id, "err", err)
		}
	})
}

// workshopAward is what an attendance certificate prints for workshop id, and who earns it.
func workshopAward(ctx context.Context, ws *workshops.Service, id int64) (certificates.WorkshopAward, []int64, error) {
	w, err := ws.Get(ctx, id)
	if err != nil {
		return certificates.WorkshopAward{}, nil, err
	}
	start, err := time.Parse(workshops.DateLayout, w.StartDate)
	if err != nil {
		return certificates.WorkshopAward{}, nil, fmt.Errorf("workshop %d start date: %w", id, err)
	}
	end, err := time.Parse(workshops.DateLayout, w.EndDate)
	if err != nil {
		return certificates.WorkshopAward{}, nil, fmt.Errorf("workshop %d end date: %w", id, err)
	}
	award := certificates.WorkshopAward{WorkshopID: w.ID, Title: w.Title, HostCountry: w.HostCountry, City: w.City,
		Start: start, End: end, Hours: w.Hours}
	rates, err := ws.AttendanceRates(ctx, id)
	if err != nil {
		return award, nil, err
	}
	threshold := float64(w.AttendanceThreshold) / 100
	if w.AttendanceThreshold <= 0 {
		threshold = 0.75
	}
	var earned []int64
	for official, rate := range rates {
		// A small tolerance, so that 3 days of 4 meets 75 % whatever the rounding.
		if rate+1e-9 >= threshold {
			earned = append(earned, official)
		}
	}
	return award, earned, nil
}

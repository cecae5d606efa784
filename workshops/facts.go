package workshops

import (
	"context"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// WorkshopFact is a workshop as the reports count it: what, where, when, in what state.
// Titles are included because the workshops calendar is public anyway.
type WorkshopFact struct {
	ID          int64             `json:"id"`
	Title       map[string]string `json:"title"`
	Kind        string            `json:"kind"`
	Phases      []int             `json:"phases"`
	HostCountry string            `json:"host_country"` // "" for an online session
	City        string            `json:"city"`
	StartDate   string            `json:"start_date"` // host-local dates, YYYY-MM-DD
	EndDate     string            `json:"end_date"`
	Days        int               `json:"days"`
	Status      string            `json:"status"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// RegistrationFact is one registration as the reports count it: the workshop, the official
// (by account id only), the member state, gender and sector they registered with, the status and how many of
// the workshop's days they were checked in.
type RegistrationFact struct {
	WorkshopID   int64   `json:"workshop_id"`
	OfficialID   int64   `json:"official_id"`
	Country      string  `json:"country"`
	Gender       string  `json:"gender"` // the official's gender and sector when they registered
	Sector       string  `json:"sector"`
	Status       string  `json:"status"`
	DaysAttended int     `json:"days_attended"`
	Rate         float64 `json:"attendance_rate"` // DaysAttended over the workshop's days, 0 to 1
}

// Facts lists every workshop (drafts included, by id) and every registration (by workshop
// and id) with its attendance. It is read-only and is meant for aggregated figures.
func (s *Service) Facts(ctx context.Context) ([]WorkshopFact, []RegistrationFact, error) {
	days := map[int64]int{}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, title_ar, title_en, title_fr, kind, phases, coalesce(host_country, ''),
		city, start_date, end_date, status, updated_at FROM workshops ORDER BY id`)
	ws, err := store.Collect(rows, err, func(row store.Scanner) (WorkshopFact, error) {
		var f WorkshopFact
		var tAr, tEn, tFr, phases, updated string
		if err := row.Scan(&f.ID, &tAr, &tEn, &tFr, &f.Kind, &phases, &f.HostCountry, &f.City, &f.StartDate, &f.EndDate,
			&f.Status, &updated); err != nil {
			return f, err
		}
		f.Title = langMap(tAr, tEn, tFr)
		f.Phases = splitInts(phases)
		f.UpdatedAt = parseTime(updated)
		f.Days = len((&Workshop{StartDate: f.StartDate, EndDate: f.EndDate}).Days())
		days[f.ID] = f.Days
		return f, nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("workshops: facts: %w", err)
	}
	rows, err = s.db.R.QueryContext(ctx, `SELECT r.workshop_id, r.official_id, r.country, r.fact_gender, r.fact_sector, r.status,
		(SELECT count(*) FROM attendance a WHERE a.registration_id = r.id AND a.day BETWEEN w.start_date AND w.end_date)
		FROM registrations r JOIN workshops w ON w.id = r.workshop_id ORDER BY r.workshop_id, r.id`)
	regs, err := store.Collect(rows, err, func(row store.Scanner) (RegistrationFact, error) {
		var f RegistrationFact
		if err := row.Scan(&f.WorkshopID, &f.OfficialID, &f.Country, &f.Gender, &f.Sector, &f.Status, &f.DaysAttended); err != nil {
			return f, err
		}
		if d := days[f.WorkshopID]; d > 0 {
			f.Rate = float64(f.DaysAttended) / float64(d)
		}
		return f, nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("workshops: facts: %w", err)
	}
	return ws, regs, nil
}

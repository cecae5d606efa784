package workshops

import (
	"context"
	"fmt"
	"time"
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
// (by account id only), the member state they registered from, the status and how many of
// the workshop's days they were checked in.
type RegistrationFact struct {
	WorkshopID   int64   `json:"workshop_id"`
	OfficialID   int64   `json:"official_id"`
	Country      string  `json:"country"`
	Status       string  `json:"status"`
	DaysAttended int     `json:"days_attended"`
	Rate         float64 `json:"attendance_rate"` // DaysAttended over the workshop's days, 0 to 1
}

// Facts lists every workshop (drafts included, by id) and every registration (by workshop
// and id) with its attendance. It is read-only and is meant for aggregated figures.
func (s *Service) Facts(ctx context.Context) ([]WorkshopFact, []RegistrationFact, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, title_ar, title_en, title_fr, kind, phases, coalesce(host_country, ''),
		city, start_date, end_date, status, updated_at FROM workshops ORDER BY id`)
	if err != nil {
		return nil, nil, fmt.Errorf("workshops: facts: %w", err)
	}
	ws := []WorkshopFact{}
	days := map[int64]int{}
	for rows.Next() {
		var f WorkshopFact
		var tAr, tEn, tFr, phases, updated string
		if err := rows.Scan(&f.ID, &tAr, &tEn, &tFr, &f.Kind, &phases, &f.HostCountry, &f.City, &f.StartDate, &f.EndDate,
			&f.Status, &updated); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("workshops: facts: %w", err)
		}
		f.Title = langMap(tAr, tEn, tFr)
		f.Phases = splitInts(phases)
		f.UpdatedAt = parseTime(updated)
		f.Days = len((&Workshop{StartDate: f.StartDate, EndDate: f.EndDate}).Days())
		days[f.ID] = f.Days
		ws = append(ws, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("workshops: facts: %w", err)
	}
	rows, err = s.db.R.QueryContext(ctx, `SELECT r.workshop_id, r.official_id, r.country, r.status,
		(SELECT count(*) FROM attendance a WHERE a.registration_id = r.id AND a.day BETWEEN w.start_date AND w.end_date)
		FROM registrations r JOIN workshops w ON w.id = r.workshop_id ORDER BY r.workshop_id, r.id`)
	if err != nil {
		return nil, nil, fmt.Errorf("workshops: facts: %w", err)
	}
	defer rows.Close()
	regs := []RegistrationFact{}
	for rows.Next() {
		var f RegistrationFact
		if err := rows.Scan(&f.WorkshopID, &f.OfficialID, &f.Country, &f.Status, &f.DaysAttended); err != nil {
			return nil, nil, fmt.Errorf("workshops: facts: %w", err)
		}
		if d := days[f.WorkshopID]; d > 0 {
			f.Rate = float64(f.DaysAttended) / float64(d)
		}
		regs = append(regs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("workshops: facts: %w", err)
	}
	return ws, regs, nil
}

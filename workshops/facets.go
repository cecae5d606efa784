package workshops

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/masar-platform/masar/store"
)

// Facets are the values the public calendar offers as filters: the host countries and the
// months that have a published, cancelled or completed workshop. They are read from the
// workshops' own rows, without agendas or seat counts, so that the filter menus cost little
// however many workshops there are.
type Facets struct {
	Hosts  []string // ISO codes, sorted
	Months []string // YYYY-MM, sorted
}

// Facets lists the calendar's filter values.
func (s *Service) Facets(ctx context.Context) (Facets, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT host_country, start_date, end_date FROM workshops
		WHERE status IN (?, ?, ?)`, StatusPublished, StatusCancelled, StatusCompleted)
	hosts, months := map[string]bool{}, map[string]bool{}
	err = store.Each(rows, err, func(row store.Scanner) error {
		var host sql.NullString // NULL for an online session
		var start, end string
		if err := row.Scan(&host, &start, &end); err != nil {
			return err
		}
		if host.String != "" {
			hosts[host.String] = true
		}
		a, err1 := time.Parse(DateLayout, start)
		b, err2 := time.Parse(DateLayout, end)
		if err1 != nil || err2 != nil {
			return nil
		}
		for m := time.Date(a.Year(), a.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(b); m = m.AddDate(0, 1, 0) {
			months[m.Format("2006-01")] = true
		}
		return nil
	})
	if err != nil {
		return Facets{}, fmt.Errorf("workshops: facets: %w", err)
	}
	var f Facets
	for h := range hosts {
		f.Hosts = append(f.Hosts, h)
	}
	for m := range months {
		f.Months = append(f.Months, m)
	}
	slices.Sort(f.Hosts)
	slices.Sort(f.Months)
	return f, nil
}

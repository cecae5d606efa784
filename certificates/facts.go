package certificates

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// CertificateFact is a certificate as the reports count it: its kind, what it is for, its
// holder by account id only, and when it was issued and revoked. No names, no code.
type CertificateFact struct {
	Kind        string     `json:"kind"`
	Course      string     `json:"course,omitempty"`
	WorkshopID  int64      `json:"workshop_id,omitempty"`
	OfficialID  int64      `json:"official_id"`
	HostCountry string     `json:"host_country,omitempty"` // the workshop's host, as printed
	IssuedAt    time.Time  `json:"issued_at"`
	Status      string     `json:"status"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	Reissue     bool       `json:"reissue"` // it replaced an earlier certificate (a corrected name)
	// The holder's member state, gender and sector when it was issued: figures of the past
	// count it there, whatever became of the profile since.
	Country string `json:"country"`
	Gender  string `json:"gender"`
	Sector  string `json:"sector"`
}

// Facts lists every certificate, superseded ones included, in the order issued. It is
// read-only and is meant for aggregated figures.
func (s *Service) Facts(ctx context.Context) ([]CertificateFact, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT kind, course, workshop_id, official_id, host_country, issued_at, status,
		revoked_at, supersedes <> '', fact_country, fact_gender, fact_sector FROM certificates ORDER BY issued_at, id`)
	out, err := store.Collect(rows, err, func(row store.Scanner) (CertificateFact, error) {
		var f CertificateFact
		var issued string
		var revoked sql.NullString
		if err := row.Scan(&f.Kind, &f.Course, &f.WorkshopID, &f.OfficialID, &f.HostCountry, &issued, &f.Status,
			&revoked, &f.Reissue, &f.Country, &f.Gender, &f.Sector); err != nil {
			return f, err
		}
		f.IssuedAt = parseTime(issued)
		if revoked.Valid {
			t := parseTime(revoked.String)
			f.RevokedAt = &t
		}
		return f, nil
	})
	if err != nil {
		return nil, fmt.Errorf("certificates: facts: %w", err)
	}
	return out, nil
}

// InForce counts the certificates in force (valid) of holders who were of member state iso
// when they received them. An erased account's certificates stay where they were earned.
func (s *Service) InForce(ctx context.Context, iso string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM certificates WHERE fact_country = ? AND status = ?",
		iso, StatusValid).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("certificates: in force in %s: %w", iso, err)
	}
	return n, nil
}

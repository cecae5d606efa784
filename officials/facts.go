package officials

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/masar-platform/masar/store"
)

// OfficialFact is what the reports may know about an account: its member state and the
// SDG-disaggregation fields, never a name or an e-mail address.
type OfficialFact struct {
	ID        int64     `json:"id"`
	Country   string    `json:"country"` // "" for programme staff
	Gender    string    `json:"gender"`  // "" when erased with the account
	Sector    string    `json:"sector"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	Deleted   bool      `json:"deleted"` // the holder had their account and personal data erased
}

// Facts lists every account, deleted ones included (their country stays, so that what they
// did still counts where it happened), oldest first. It is read-only and is meant for
// aggregated figures.
func (s *Service) Facts(ctx context.Context) ([]OfficialFact, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, coalesce(country, ''), gender, sector, role, created_at,
		deleted_at IS NOT NULL FROM officials ORDER BY id`)
	out, err := store.Collect(rows, err, func(row store.Scanner) (OfficialFact, error) {
		var f OfficialFact
		var created string
		err := row.Scan(&f.ID, &f.Country, &f.Gender, &f.Sector, &f.Role, &created, &f.Deleted)
		f.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("officials: facts: %w", err)
	}
	return out, nil
}

// Standing is what a fact about the past keeps of its person: the member state, gender and
// sector they had when it happened. Enrolments, registrations and certificates record it
// when they are made, so that figures about the past never read the profile again: a later
// profile change or an erased account does not move them.
type Standing struct {
	Country string `json:"country"`
	Gender  string `json:"gender"`
	Sector  string `json:"sector"`
}

// Standing is the account's standing now, to be recorded with a new fact.
func (o *Official) Standing() Standing {
	return Standing{Country: o.Country, Gender: o.Gender, Sector: o.Sector}
}

// StandingTx reads account id's standing inside tx, for a fact written in the same
// transaction. An unknown account has an empty standing.
func StandingTx(ctx context.Context, tx *sql.Tx, id int64) (Standing, error) {
	var st Standing
	err := tx.QueryRowContext(ctx, "SELECT coalesce(country, ''), gender, sector FROM officials WHERE id = ?", id).
		Scan(&st.Country, &st.Gender, &st.Sector)
	if errors.Is(err, sql.ErrNoRows) {
		return Standing{}, nil
	}
	if err != nil {
		return st, fmt.Errorf("officials: standing of %d: %w", id, err)
	}
	return st, nil
}

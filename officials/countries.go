package officials

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store"
)

//go:embed arab-states.csv
var statesCSV string

// Country is an Arab state; Member says whether it is currently a member of the commission.
type Country struct {
	ISO      string `json:"iso2"`
	NameAr   string `json:"name_ar"`
	NameEn   string `json:"name_en"`
	NameFr   string `json:"name_fr"`
	Timezone string `json:"timezone"`
	Member   bool   `json:"member"`
}

// Name is the country's name in a language.
func (c Country) Name(lang string) string {
	switch lang {
	case "en":
		return c.NameEn
	case "fr":
		return c.NameFr
	}
	return c.NameAr
}

// SeedCountries adds the Arab states that the database does not hold yet, from the reference
// list shipped with the binary. It never overwrites what an admin has changed.
func SeedCountries(ctx context.Context, db *store.DB) error {
	recs, err := csv.NewReader(strings.NewReader(statesCSV)).ReadAll()
	if err != nil {
		return fmt.Errorf("officials: read states list: %w", err)
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for _, r := range recs[1:] {
			if _, err := tx.ExecContext(ctx, `INSERT INTO countries(iso2, name_ar, name_en, name_fr, timezone, member)
				VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(iso2) DO NOTHING`, r[0], r[1], r[2], r[3], r[4], r[5] == "yes"); err != nil {
				return fmt.Errorf("officials: seed %s: %w", r[0], err)
			}
		}
		return nil
	})
}

// Countries lists the states (only members when membersOnly), sorted by their Arabic name.
// The table changes only by SetMember; pages that show a country menu read it from memory.
func (s *Service) Countries(ctx context.Context, membersOnly bool) ([]Country, error) {
	kept, err := s.keptCountries(ctx, membersOnly)
	return slices.Clone(kept), err
}

// keptCountries is Countries without the copy: the list kept in memory, not to be changed.
func (s *Service) keptCountries(ctx context.Context, membersOnly bool) ([]Country, error) {
	kept, ok, snap := s.countries.Get(membersOnly)
	if ok {
		return kept, nil
	}
	out, err := s.readCountries(ctx, membersOnly)
	if err == nil {
		s.countries.Put(membersOnly, out, snap)
	}
	return out, err
}

func (s *Service) readCountries(ctx context.Context, membersOnly bool) ([]Country, error) {
	q := "SELECT iso2, name_ar, name_en, name_fr, timezone, member FROM countries"
	if membersOnly {
		q += " WHERE member = 1"
	}
	rows, err := s.db.R.QueryContext(ctx, q+" ORDER BY name_ar")
	out, err := store.Collect(rows, err, scanCountry)
	if err != nil {
		return nil, fmt.Errorf("officials: countries: %w", err)
	}
	return out, nil
}

func scanCountry(row store.Scanner) (Country, error) {
	var c Country
	err := row.Scan(&c.ISO, &c.NameAr, &c.NameEn, &c.NameFr, &c.Timezone, &c.Member)
	return c, err
}

// CountryExists reports whether iso is the code of a state in the list (member or not). A
// failed lookup is an error, not a no.
func (s *Service) CountryExists(ctx context.Context, iso string) (bool, error) {
	_, err := s.Country(ctx, iso)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Country returns one state by ISO code; the error wraps store.ErrNotFound when there is
// none, and is a database failure otherwise.
func (s *Service) Country(ctx context.Context, iso string) (Country, error) {
	c, err := scanCountry(s.db.R.QueryRowContext(ctx, "SELECT iso2, name_ar, name_en, name_fr, timezone, member FROM countries WHERE iso2 = ?", iso))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return Country{}, fmt.Errorf("officials: country %q: %w", iso, err)
	}
	return c, nil
}

// KeptCountry is Country read from the list kept in memory (Countries), for what checks an
// official's state on every call (an application to a workshop): the table changes only by
// SetMember, which forgets the list here and on every instance.
func (s *Service) KeptCountry(ctx context.Context, iso string) (Country, error) {
	all, err := s.keptCountries(ctx, false)
	if err != nil {
		return Country{}, fmt.Errorf("officials: country %q: %w", iso, err)
	}
	for _, c := range all {
		if c.ISO == iso {
			return c, nil
		}
	}
	return Country{}, fmt.Errorf("officials: country %q: %w", iso, store.ErrNotFound)
}

// SetMember marks a state as a member of the commission or not, and records it.
func (s *Service) SetMember(ctx context.Context, actor audit.Actor, iso string, member bool) error {
	defer s.countries.ForgetAll()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Changed only if it differs, in one statement: of two admins setting the same
		// membership at once (side by side on PostgreSQL), one changes it and is recorded,
		// the other finds it done.
		res, err := tx.ExecContext(ctx, "UPDATE countries SET member = ? WHERE iso2 = ? AND member <> ?", member, iso, member)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			if err != nil {
				return err
			}
			return audit.Record(ctx, tx, actor, "country.member", "country:"+iso, "member", fmt.Sprint(!member), fmt.Sprint(member))
		}
		var one int
		err = tx.QueryRowContext(ctx, "SELECT 1 FROM countries WHERE iso2 = ?", iso).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
}

package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

// DateLayout is how the filter's dates are written (and dates in the exports).
const DateLayout = "2006-01-02"

// Filter chooses what the figures count: a period of UTC calendar days, both ends included
// (an empty end is open), and a member state (empty: all).
//
// What the period applies to: the day an account was created, a course enrolment was made,
// a workshop started, a certificate was issued or revoked, an advisory request was
// submitted. What the country applies to: the official's member state (for accounts,
// enrolments, participants and certificates), the host country (for workshops held) and the
// requesting country (for advisory requests).
type Filter struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Country string `json:"country"`
}

// ParseFilter reads a filter as typed (dates YYYY-MM-DD, a country code) and checks it; a
// problem comes back as a 422 naming the field. known reports whether a country code exists
// (nil: any two letters); its error (the lookup failed) is returned as it is, not as the
// user's mistake.
func ParseFilter(from, to, country string, known func(iso string) (bool, error)) (Filter, error) {
	f := Filter{From: strings.TrimSpace(from), To: strings.TrimSpace(to), Country: strings.ToUpper(strings.TrimSpace(country))}
	bad := problem.Fields{}
	if f.From != "" && !validDate(f.From) {
		bad.Add("from", "reports.field.date.invalid")
	}
	if f.To != "" && !validDate(f.To) {
		bad.Add("to", "reports.field.date.invalid")
	}
	if len(bad) == 0 && f.From != "" && f.To != "" && f.To < f.From {
		bad.Add("to", "reports.field.to.before_from")
	}
	if f.Country != "" {
		ok := len(f.Country) == 2
		if ok && known != nil {
			var err error
			if ok, err = known(f.Country); err != nil {
				return f, fmt.Errorf("reports: country %q: %w", f.Country, err)
			}
		}
		if !ok {
			bad.Add("country", "field.country.invalid")
		}
	}
	if err := bad.Err(); err != nil {
		return f, err
	}
	return f, nil
}

func validDate(d string) bool {
	t, err := time.Parse(DateLayout, d)
	return err == nil && t.Format(DateLayout) == d && t.Year() >= 1900 && t.Year() <= 9999
}

// HasDay reports whether a calendar day (YYYY-MM-DD) is in the period.
func (f Filter) HasDay(day string) bool {
	if day == "" {
		return false
	}
	return (f.From == "" || day >= f.From) && (f.To == "" || day <= f.To)
}

// HasTime reports whether an instant's UTC day is in the period.
func (f Filter) HasTime(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	return f.HasDay(t.UTC().Format(DateLayout))
}

// HasCountry reports whether a member state is counted.
func (f Filter) HasCountry(iso string) bool { return f.Country == "" || f.Country == iso }

// Scope applies who may see which figures: staff see any country (or all); a focal point
// only their own (an empty country becomes theirs; another country is not found, as if it
// did not exist); anyone else is forbidden.
func Scope(u *officials.Official, f Filter) (Filter, error) {
	switch {
	case u.IsStaff():
		return f, nil
	case u.IsFocalPoint() && u.Country != "":
		if f.Country == "" {
			f.Country = u.Country
		}
		if f.Country != u.Country {
			return f, problem.NotFound
		}
		return f, nil
	}
	return f, problem.Forbidden
}

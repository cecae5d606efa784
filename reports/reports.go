// Package reports holds the programme's figures: dashboards for staff and focal points
// (officials registered, course enrolments and completions, quiz pass rates, workshops held
// and their attendance, certificates, advisory requests, split by country, gender and
// sector), their charts drawn on the server as accessible SVG, their Excel and CSV exports,
// and the platform's own open data — aggregated datasets with small cells suppressed, a
// data dictionary and a DCAT catalogue.
//
// Reports owns no table. It reads the raw facts through the feature packages' exported
// Facts functions (accounts without names, enrolments, workshops and registrations,
// certificates, advisory requests) and joins them in Go by account id.
package reports

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/workshops"
)

// Options are the services the figures come from. Officials is required; a missing feature
// service (nil) counts as a feature with no data.
type Options struct {
	Officials    *officials.Service
	Courses      *courses.Service
	Catalogue    func() *courses.Catalogue // course titles; nil: titles are the slugs
	Workshops    *workshops.Service
	Certificates *certificates.Service
	Advisory     *advisory.Service
	// BaseURL is the platform's public address: the open-data catalogue's links are built
	// on it.
	BaseURL string
	// ContactEmail is the programme's address, given in the open-data catalogue as its
	// contact point (with the open-data page); "" gives the page alone.
	ContactEmail string
	// Clock is the time source (nil: time.Now); "today" decides which workshops are over.
	Clock func() time.Time
	// OpenDataTTL is how long the open datasets are kept before they are computed again
	// (0: five minutes; negative: never kept).
	OpenDataTTL time.Duration
	// Messages are the catalogues the tables and datasets are worded from (nil: embedded).
	Messages i18n.Catalogue
}

// Service computes the figures.
type Service struct {
	opt Options
	cat i18n.Catalogue

	mu    sync.Mutex
	clock func() time.Time
	open  *OpenData
}

// New returns the reports service.
func New(o Options) (*Service, error) {
	if o.Officials == nil {
		return nil, errors.New("reports: the officials service is required")
	}
	cat := o.Messages
	if cat == nil {
		var err error
		if cat, err = i18n.Load(); err != nil {
			return nil, err
		}
	}
	if o.OpenDataTTL == 0 {
		o.OpenDataTTL = 5 * time.Minute
	}
	clock := o.Clock
	if clock == nil {
		clock = time.Now
	}
	return &Service{opt: o, cat: cat, clock: clock}, nil
}

// SetClock replaces the time source (tests move it); nil restores time.Now. It also forgets
// the open datasets computed so far.
func (s *Service) SetClock(f func() time.Time) {
	if f == nil {
		f = time.Now
	}
	s.mu.Lock()
	s.clock = f
	s.open = nil
	s.mu.Unlock()
}

// Now is the service's current time, in UTC.
func (s *Service) Now() time.Time {
	s.mu.Lock()
	f := s.clock
	s.mu.Unlock()
	return f().UTC()
}

// Facts is everything the figures are computed from, read at one moment through the
// features' exported APIs. It holds no names and no e-mail addresses.
type Facts struct {
	Officials     []officials.OfficialFact
	Enrolments    []courses.EnrolmentFact
	Workshops     []workshops.WorkshopFact
	Registrations []workshops.RegistrationFact
	Certificates  []certificates.CertificateFact
	Requests      []advisory.RequestFact
	Countries     []officials.Country // every Arab state, members and not
	Courses       []string            // slugs of the catalogue, in its order
	Today         string              // YYYY-MM-DD (UTC) when the facts were read
	At            time.Time
}

// LoadFacts reads the facts from every feature.
func (s *Service) LoadFacts(ctx context.Context) (*Facts, error) {
	now := s.Now()
	f := &Facts{At: now, Today: now.Format(DateLayout)}
	var err error
	if f.Officials, err = s.opt.Officials.Facts(ctx); err != nil {
		return nil, err
	}
	if f.Countries, err = s.opt.Officials.Countries(ctx, false); err != nil {
		return nil, err
	}
	if s.opt.Courses != nil {
		if f.Enrolments, err = s.opt.Courses.Facts(ctx); err != nil {
			return nil, err
		}
	}
	if s.opt.Catalogue != nil {
		for _, c := range s.opt.Catalogue().Courses() {
			f.Courses = append(f.Courses, c.Slug)
		}
	}
	if s.opt.Workshops != nil {
		if f.Workshops, f.Registrations, err = s.opt.Workshops.Facts(ctx); err != nil {
			return nil, err
		}
	}
	if s.opt.Certificates != nil {
		if f.Certificates, err = s.opt.Certificates.Facts(ctx); err != nil {
			return nil, err
		}
	}
	if s.opt.Advisory != nil {
		if f.Requests, err = s.opt.Advisory.Facts(ctx); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Dashboard reads the facts and computes the figures of the filter. The caller decides
// what its user may see: a focal point's filter must name their own country.
func (s *Service) Dashboard(ctx context.Context, f Filter) (*Dashboard, error) {
	facts, err := s.LoadFacts(ctx)
	if err != nil {
		return nil, err
	}
	return Compute(facts, f), nil
}

// courseTitle is a course's title in lang, or its slug when it is not in the catalogue.
func (s *Service) courseTitle(slug, lang string) string {
	if s.opt.Catalogue != nil {
		if c, err := s.opt.Catalogue().Course(slug); err == nil {
			if t := c.TitleIn(lang); t != "" {
				return t
			}
		}
	}
	return slug
}

// T translates a catalogue key in lang.
func (s *Service) T(lang, key string, args ...any) string { return s.cat.T(lang, key, args...) }

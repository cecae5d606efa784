package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"slices"
	"strings"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/web"
	"github.com/masar-platform/masar/workshops"
)

// wireWorkshopCertificates lets the certificates service find who earned an attendance
// certificate for a workshop — the confirmed participants whose attendance rate reaches the
// workshop's threshold — and issues those certificates when the workshop is marked
// completed.
func wireWorkshopCertificates(p *Platform) {
	p.Certificates.SetWorkshopSource(func(ctx context.Context, id int64) (certificates.WorkshopAward, []int64, error) {
		award, ids, err := workshopAward(ctx, p.Workshops, id)
		if err != nil {
			return award, ids, err
		}
		// A workshop may hold its attendance certificates until the satisfaction survey is answered.
		ids, err = p.Surveys.Gate(ctx, id, ids)
		return award, ids, err
	})
	// Once a held certificate's holder answers, theirs is issued if the workshop is completed
	// and they earned it (the others' are left as they are).
	p.Surveys.OnAnswered(func(ctx context.Context, id, official int64) {
		w, err := p.Workshops.Get(ctx, id)
		if err != nil || w.Status != workshops.StatusCompleted {
			return
		}
		award, ids, err := workshopAward(ctx, p.Workshops, id)
		if err != nil || !slices.Contains(ids, official) {
			return
		}
		if _, failed, err := p.Certificates.IssueWorkshop(context.WithoutCancel(ctx), audit.Actor{Email: "system"}, award, []int64{official}); err != nil || len(failed) > 0 {
			p.Log.Error("attendance certificate not issued after the survey", "workshop", id, "official", official, "err", errors.Join(err, failed[official]))
		}
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
		Start: start, End: end, Hours: w.Hours, Over: w.CertificatesFrom()}
	rates, err := ws.AttendanceRates(ctx, id)
	if err != nil {
		return award, nil, err
	}
	// The rule (75 % of the days unless staff set another share) is the workshops'.
	return award, w.EarnedAttendance(rates), nil
}

// wireWorkshopSearch keeps the search index in step with the workshops: every change is
// indexed after its commit, and the whole list is synchronised once at start-up (in the background, so that start-up stays fast).
func wireWorkshopSearch(p *Platform) {
	names := map[string]map[string]string{}
	if cs, err := p.Officials.Countries(context.Background(), false); err == nil {
		for _, c := range cs {
			names[c.ISO] = map[string]string{"ar": c.NameAr, "en": c.NameEn, "fr": c.NameFr}
		}
	}
	doc := func(w *workshops.Workshop) search.WorkshopDoc {
		start, _ := time.ParseInLocation(workshops.DateLayout, w.StartDate, w.Location())
		return search.WorkshopDoc{ID: w.ID, Title: w.Title, Description: w.Description, City: w.City, Country: w.HostCountry,
			CountryName: names[w.HostCountry], Start: start, Status: w.Status}
	}
	p.Workshops.OnChanged(func(ctx context.Context, id int64) {
		w, err := p.Workshops.Get(ctx, id)
		if err == nil {
			err = p.Search.PutWorkshop(ctx, doc(w))
		}
		if err != nil {
			p.Log.Error("search: index workshop", "workshop", id, "err", err)
		}
	})
	p.startup("workshop-search", func(ctx context.Context) {
		ws, err := p.Workshops.List(ctx, workshops.Filter{Statuses: []string{workshops.StatusPublished, workshops.StatusCompleted}})
		if err != nil {
			p.Log.Error("search: list workshops", "err", err)
			return
		}
		docs := make([]search.WorkshopDoc, len(ws))
		for i, w := range ws {
			docs[i] = doc(w)
		}
		if err := p.Search.SyncWorkshops(ctx, docs); err != nil && ctx.Err() == nil {
			p.Log.Error("search: sync workshops", "err", err)
		}
	})
}

// reconcileCourseCertificates issues the course certificates of completions whose hook never
// ran (the process stopped between the commit and the hook). It reads every enrolment, so it
// runs in the background rather than holding up the start.
// A shutdown cuts it short; the next start reconciles what is left.
func reconcileCourseCertificates(p *Platform) {
	p.startup("course-certificates", func(ctx context.Context) {
		r, err := p.Courses.Report(ctx, courses.ReportFilter{})
		if err != nil {
			if ctx.Err() == nil {
				p.Log.Error("course certificates: reconcile", "err", err)
			}
			return
		}
		if n, err := p.Certificates.ReconcileCourses(ctx, r); err != nil && ctx.Err() == nil {
			p.Log.Error("course certificates: reconcile", "err", err)
		} else if n > 0 {
			p.Log.Info("course certificates issued for earlier completions", "count", n)
		}
	})
}

// openCertificates builds the certificates service and hooks it to course completions: a
// completed course gets its certificate once, at once. (Completions whose hook never ran are
// caught up by reconcileCourseCertificates.)
//
// MASAR_CERT_FONT and MASAR_CERT_FONT_BOLD may name a TrueType/OpenType Arabic face (e.g.
// Amiri) to set certificates in instead of the embedded Noto Naskh Arabic.
func openCertificates(ctx context.Context, cfg config.Config, db *store.DB, offs *officials.Service, mailer *mail.Mailer,
	lib *web.Library, crs *courses.Service, log *slog.Logger) (*certificates.Service, error) {
	opts, err := issuerKeys(ctx, cfg, db)
	if err != nil {
		return nil, err
	}
	opts.BaseURL, opts.DataDir = cfg.BaseURL, cfg.DataDir
	opts.ArabicFont, opts.ArabicBoldFont = cfg.CertFont, cfg.CertFontBold
	opts.Catalogue, opts.Officials, opts.Mailer, opts.Log = lib.Catalogue, offs, mailer, log
	svc, err := certificates.New(ctx, db, opts)
	if err != nil {
		return nil, err
	}
	crs.OnComplete(func(ctx context.Context, officialID int64, slug string, at time.Time) {
		if _, _, err := svc.IssueCourse(ctx, audit.Actor{}, officialID, slug, at); err != nil {
			log.Error("course certificate not issued", "official", officialID, "course", slug, "err", err)
		}
	})
	return svc, nil
}

// mailbox is the bare address of an address that may carry a name («Programme <ogp@…>»),
// "" when there is none or it does not parse.
func mailbox(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return ""
	}
	return a.Address
}

package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// Platform is a running Masar: the database, the services and the web application, wired.
type Platform struct {
	Config    config.Config
	DB        *store.DB
	Officials *officials.Service
	Mailer    *mail.Mailer
	Courses   *courses.Service
	Advisory  *advisory.Service
	Library   *Library
	App       *fiber.App
	// background counts start-up work still running; Close waits for it.
	background sync.WaitGroup
	Log        *slog.Logger

	// Certificates issues, renders and verifies certificates.
	Certificates *certificates.Service

	// Workshops schedules workshops and registers their participants.
	Workshops *workshops.Service

	// Search is the full-text index of lessons, courses and workshops.
	Search *search.Index

	// Reports computes the dashboards, their exports and the open data.
	Reports *reports.Service
}

// Open opens the database in the configured data directory (creating and migrating it),
// seeds the member states and builds every service and the web application.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*Platform, error) {
	if log == nil {
		log = slog.Default()
	}
	db, err := store.Open(ctx, cfg.DBPath())
	if err != nil {
		return nil, err
	}
	p := &Platform{Config: cfg, DB: db, Log: log}
	fail := func(err error) (*Platform, error) {
		db.Close()
		return nil, err
	}
	if err := officials.SeedCountries(ctx, db); err != nil {
		return fail(err)
	}
	secret, err := loadSecret(filepath.Join(cfg.DataDir, "secret.key"))
	if err != nil {
		return fail(err)
	}
	p.Officials = officials.New(db, cfg.BcryptCost)
	p.Mailer, err = mail.New(db, mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, BaseURL: cfg.BaseURL}, log)
	if err != nil {
		return fail(err)
	}
	lib, problems := NewLibrary(cfg.ContentDir)
	for _, pr := range problems {
		log.Warn("content problem", "problem", pr.String())
	}
	p.Library = lib
	p.Search = search.New(db)
	lib.OnLoad(p.Search.CatalogueHook(log)) // re-index the lessons and courses on start-up and on every reload
	p.Courses = courses.NewService(db, lib.Catalogue)
	if p.Advisory, err = advisory.New(db, p.Officials, p.Mailer, cfg.BaseURL); err != nil {
		return fail(err)
	}
	if p.Certificates, err = openCertificates(ctx, cfg, db, p.Officials, p.Mailer, lib, p.Courses, log); err != nil {
		return fail(err)
	}
	if p.Workshops, err = workshops.New(db, p.Officials, p.Mailer, workshops.Options{BaseURL: cfg.BaseURL, Log: log,
		KnownCourse: func(slug string) bool { _, err := lib.Catalogue().Course(slug); return err == nil }}); err != nil {
		return fail(err)
	}
	wireWorkshopCertificates(p)
	wireWorkshopSearch(p)
	reconcileCourseCertificates(p)
	if p.Reports, err = reports.New(reports.Options{Officials: p.Officials, Courses: p.Courses, Catalogue: lib.Catalogue,
		Workshops: p.Workshops, Certificates: p.Certificates, Advisory: p.Advisory, BaseURL: cfg.BaseURL}); err != nil {
		return fail(err)
	}
	p.App, err = New(Deps{Config: cfg, DB: db, Officials: p.Officials, Mailer: p.Mailer, Courses: p.Courses, Advisory: p.Advisory, Library: lib, Log: log, Secret: secret,
		Certificates: p.Certificates, Workshops: p.Workshops, Search: p.Search, Reports: p.Reports})
	if err != nil {
		return fail(err)
	}
	return p, nil
}

// Close writes what is pending, lets background certificate jobs finish and releases the
// database.
func (p *Platform) Close() error {
	p.background.Wait()
	p.Certificates.Wait()
	if err := p.Courses.FlushVisits(context.Background()); err != nil {
		p.Log.Error("flush lesson visits", "err", err)
	}
	return p.DB.Close()
}

// loadSecret reads the server's key, creating it on first start. It keys the CSRF tokens,
// so it must outlive restarts.
func loadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("web: read secret: %w", err)
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("web: write secret: %w", err)
	}
	return b, nil
}

// EnsureAdmin creates the admin named in the configuration, or — when none is configured and
// the database has no admin yet — a generated one, whose e-mail and one-time password it
// prints to out.
func (p *Platform) EnsureAdmin(ctx context.Context, out io.Writer) error {
	if p.Config.AdminEmail != "" {
		created, err := p.Officials.EnsureAdmin(ctx, p.Config.AdminEmail, p.Config.AdminPassword, false)
		if err != nil {
			return fmt.Errorf("create admin %s: %w", p.Config.AdminEmail, err)
		}
		if created {
			fmt.Fprintf(out, "Admin account created: %s\n", p.Config.AdminEmail)
		}
		return nil
	}
	n, err := p.Officials.CountAdmins(ctx)
	if err != nil || n > 0 {
		return err
	}
	email := "admin@masar.localhost"
	password := officials.NewToken()[:20]
	if _, err := p.Officials.EnsureAdmin(ctx, email, password, true); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nNo admin existed, so one was created. Log in and choose a new password:\n  e-mail:   %s\n  password: %s  (one-time; you will be asked to change it)\n\n", email, password)
	return nil
}

// Serve listens on the configured address until ctx is cancelled, then stops taking new
// connections and lets in-flight requests finish (up to 20 seconds).
func (p *Platform) Serve(ctx context.Context, out io.Writer) error {
	ln, err := net.Listen("tcp", p.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", p.Config.Addr, err)
	}
	return p.ServeListener(ctx, ln, out)
}

// ServeListener is Serve on a listener already open (the benchmark's, a test's).
func (p *Platform) ServeListener(ctx context.Context, ln net.Listener, out io.Writer) error {
	var err error
	mailCtx, stopMail := context.WithCancel(context.Background())
	defer stopMail()
	go p.Mailer.Run(mailCtx)
	go p.Workshops.Run(mailCtx, time.Minute)
	go p.Courses.RunVisitFlusher(mailCtx, 2*time.Second)
	go p.Officials.RunSearchMaintenance(mailCtx, 10*time.Minute)
	fmt.Fprintf(out, "Masar is running at %s (listening on %s, data in %s)\n", p.Config.BaseURL, ln.Addr(), p.Config.DataDir)
	errc := make(chan error, 1)
	go func() { errc <- p.App.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	p.Log.Info("shutting down: finishing in-flight requests")
	err = p.App.ShutdownWithTimeout(20 * time.Second)
	// A listener that had not started serving yet is not stopped by Shutdown: close it too.
	_ = ln.Close()
	if err != nil {
		return err
	}
	return <-errc
}

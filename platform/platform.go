// Package platform is Masar's composition root: it opens the data directory and the
// database, builds every service and wires them to each other (certificates to course
// completions and workshops, search to workshops, erasure across features), owns the
// background loops and hands web its dependencies. The server and the commands that need
// the whole platform open it here; the commands that need less open only what they use
// (OpenCommand).
package platform

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/cache/pgnotify"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/secondfactor"
	"github.com/masar-platform/masar/sso"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/web"
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
	Library   *web.Library
	App       *fiber.App
	Log       *slog.Logger

	// The platform owns its goroutines (see spawn): life ends when Close begins, and Close
	// waits for work to reach zero before the database closes.
	life      context.Context
	stop      context.CancelFunc
	mu        sync.Mutex
	closing   bool // under mu; spawn refuses from then on
	work      sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	// lock is the data directory's lock, held for as long as the platform is open.
	lock *store.Lock

	// Certificates issues, renders and verifies certificates.
	Certificates *certificates.Service

	// Workshops schedules workshops and registers their participants.
	Workshops *workshops.Service

	// Surveys runs the workshops' evaluation surveys and knowledge tests.
	Surveys *surveys.Service
	// SecondFactor keeps the accounts' authenticator apps and recovery codes, and the
	// sign-ins waiting for their second step.
	SecondFactor *secondfactor.Service

	// Search is the full-text index of lessons, courses and workshops.
	Search *search.Index

	// Reports computes the dashboards, their exports and the open data.
	Reports *reports.Service

	// SSO signs officials in through the OpenID Connect providers of MASAR_OIDC_PROVIDERS.
	SSO *sso.Service

	// Bus invalidates every in-memory cache of the platform (cache.Bus).
	Bus *cache.Bus

	// transport carries the bus's invalidations to the other instances on the database
	// (PostgreSQL); nil on SQLite. Closed after the work, before the database.
	transport *pgnotify.Transport
	// holder names this platform in the leases it takes (see cluster.go); leaseTTL is
	// their time to live, zero for cluster.DefaultTTL (tests shorten it).
	holder   string
	leaseTTL time.Duration
	// running are the background loops running in this instance (RunningLoops).
	runMu   sync.Mutex
	running map[string]bool
}

// Open opens the platform in the configured data directory for this process alone: it
// locks the directory (a second server on it is refused, naming the first one's PID), opens
// the database (creating and migrating it; an empty or foreign file is refused), seeds the
// member states, builds every service and the web application and starts the start-up
// work (reconciliations, indexing) in the background.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*Platform, error) {
	lock, err := store.LockDir(cfg.DataDir, commandLine())
	if err != nil {
		return nil, err
	}
	p, err := open(ctx, cfg, log, lock)
	if err != nil {
		_ = lock.Release()
		return nil, err
	}
	return p, nil
}

// commandLine says who holds the data directory, for the lock file: "masar serve --addr :8080".
func commandLine() string {
	line := strings.Join(append([]string{filepath.Base(os.Args[0])}, os.Args[1:]...), " ")
	if len(line) > 200 {
		line = line[:200]
	}
	return strings.ToValidUTF8(line, "")
}

// open builds the platform on the data directory that lock holds.
func open(ctx context.Context, cfg config.Config, log *slog.Logger, lock *store.Lock) (*Platform, error) {
	if log == nil {
		log = slog.Default()
	}
	// The one place the platform's database is chosen and opened.
	openDB := store.Open
	db, err := openDB(ctx, cfg.DatabaseSource())
	if err != nil {
		return nil, err
	}
	// One bus for every in-memory cache of the platform. One SQLite process needs no
	// transport; instances sharing a PostgreSQL database carry their invalidations to each
	// other with LISTEN/NOTIFY.
	bus, transport, err := newBus(ctx, cfg, db, log)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	p := &Platform{Config: cfg, DB: db, Log: log, lock: lock, Bus: bus, transport: transport, holder: newHolder()}
	p.life, p.stop = context.WithCancel(context.Background())
	p.announce()
	fail := func(err error) (*Platform, error) {
		p.stop()
		p.work.Wait()
		if p.transport != nil {
			_ = p.transport.Close()
		}
		if p.Certificates != nil {
			p.Certificates.Stop()
		}
		if p.Search != nil {
			p.Search.Stop()
		}
		_ = db.Close()
		return nil, err
	}
	if err := officials.SeedCountries(ctx, db); err != nil {
		return fail(err)
	}
	// The keys every instance on the database shares (see cluster.go).
	secret, err := serverSecret(ctx, cfg, db)
	if err != nil {
		return fail(err)
	}
	p.Officials = officials.New(db, cfg.BcryptCost, bus)
	if p.SecondFactor, err = secondfactor.New(db, secret, "Masar"); err != nil {
		return fail(err)
	}
	if err := p.SecondFactor.UsePasskeys(cfg.BaseURL, "Masar"); err != nil && !errors.Is(err, secondfactor.ErrPasskeysOff) {
		return fail(err)
	}
	p.Mailer, err = mail.New(db, mailConfig(cfg, secret), log)
	if err != nil {
		return fail(err)
	}
	lib, problems, err := web.NewStoredLibrary(ctx, authoring.New(db), cfg.ContentDir, bus)
	if err != nil {
		return fail(err)
	}
	for _, pr := range problems {
		log.Warn("content problem", "problem", pr.String())
	}
	p.Library = lib
	p.Search = search.New(db, bus)
	lib.OnLoad(p.Search.CatalogueHook(log)) // re-index the lessons and courses on start-up and on every reload
	p.Courses = courses.NewService(db, lib.Catalogue, bus)
	if p.Advisory, err = advisory.New(db, p.Officials, p.Mailer, cfg.BaseURL); err != nil {
		return fail(err)
	}
	p.Advisory.SetFollowUpMonths(cfg.FollowUpMonths)
	p.Advisory.Configure(advisory.Settings{Intake: cfg.IntakeEmails(),
		Limits: advisory.Limits{FileBytes: cfg.UploadFileBytes(), TotalBytes: cfg.UploadTotalBytes(), Files: advisory.MaxFilesPerRequest}})
	if p.Certificates, err = openCertificates(ctx, cfg, db, p.Officials, p.Mailer, lib, p.Courses, log); err != nil {
		return fail(err)
	}
	if err := p.markInterrupted(ctx); err != nil {
		return fail(err)
	}
	if p.Workshops, err = workshops.New(db, p.Officials, p.Mailer, workshops.Options{BaseURL: cfg.BaseURL, Log: log, Bus: bus,
		KnownCourse: func(slug string) bool { _, err := lib.Catalogue().Course(slug); return err == nil }}); err != nil {
		return fail(err)
	}
	p.Surveys = surveys.New(db, p.Workshops, p.Mailer, surveys.Options{BaseURL: cfg.BaseURL, Secret: secret, Log: log})
	wireWorkshopCertificates(p)
	wireWorkshopSearch(p)
	wireErasure(p)
	reconcileCourseCertificates(p)
	if p.Reports, err = reports.New(reports.Options{Officials: p.Officials, Courses: p.Courses, Catalogue: lib.Catalogue,
		Workshops: p.Workshops, Certificates: p.Certificates, Advisory: p.Advisory, BaseURL: cfg.BaseURL,
		ContactEmail: mailbox(cmp.Or(cfg.ContactEmail, cfg.ReplyTo))}); err != nil {
		return fail(err)
	}
	p.SSO = sso.New(db, p.Officials, cfg, log)
	p.App, err = web.New(web.Deps{Config: cfg, DB: db, Officials: p.Officials, Mailer: p.Mailer, Courses: p.Courses, Advisory: p.Advisory, Library: lib, Log: log, Secret: secret,
		Certificates: p.Certificates, Workshops: p.Workshops, Search: p.Search, Reports: p.Reports, Bus: bus, Surveys: p.Surveys,
		SecondFactor: p.SecondFactor, SSO: p.SSO})
	if err != nil {
		return fail(err)
	}
	return p, nil
}

// spawn runs fn in a goroutine that the platform owns: Close cancels p.life, which fn must
// watch, and waits for fn to return before it closes the database. Once Close has begun,
// spawn runs nothing and reports false.
func (p *Platform) spawn(fn func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return false
	}
	p.work.Add(1)
	go func() {
		defer p.work.Done()
		fn()
	}()
	return true
}

// Close stops the platform's work and releases the database and the data directory, in
// order: it cancels the background loops, the start-up work and the bulk certificate jobs
// and waits for all of them (a mail being handed to the SMTP server is finished and
// recorded), writes the lesson visits still pending, closes the database and then unlocks
// the directory. It may be called more than once.
func (p *Platform) Close() error {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closing = true
		p.mu.Unlock()
		p.stop()
		p.work.Wait()
		p.Certificates.Stop()
		p.Search.Stop()
		// Nothing records visits any more: what is pending now is the last of them.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := p.Courses.FlushVisits(ctx); err != nil {
			p.Log.Error("flush lesson visits", "err", err)
		}
		if err := p.Officials.FlushSeen(ctx); err != nil {
			p.Log.Error("flush last uses", "err", err)
		}
		if p.transport != nil {
			p.closeErr = p.transport.Close()
		}
		p.closeErr = errors.Join(p.closeErr, p.DB.Close())
		p.closeErr = errors.Join(p.closeErr, p.lock.Release())
	})
	return p.closeErr
}

// mailConfig is the mailer's configuration, the same for the server and the commands.
func mailConfig(cfg config.Config, secret []byte) mail.Config {
	return mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, ReplyTo: cfg.ReplyTo, BaseURL: cfg.BaseURL, Secret: secret}
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

// ServeListener is Serve on a listener already open (the benchmark's, a test's). It runs
// the background work (mail delivery, workshop reminders and offer expiry, the lesson-visit
// flusher, search upkeep) for as long as it serves; when ctx ends, or Close begins, it stops
// taking connections, lets in-flight requests finish (up to 20 seconds), then cancels the
// background work and waits for it before it returns.
func (p *Platform) ServeListener(ctx context.Context, ln net.Listener, out io.Writer) error {
	// Serving is owned work too, so that a Close from elsewhere waits for it.
	var serveErr error
	done := make(chan struct{})
	if !p.spawn(func() { defer close(done); serveErr = p.serve(ctx, ln, out) }) {
		_ = ln.Close()
		return errors.New("platform: the platform is closed")
	}
	<-done
	return serveErr
}

// Loop is one piece of background work that a serving platform runs until its context ends.
type Loop struct {
	Name string // stable: for logs, and the name of its lease (LeaseName)
	Run  func(context.Context)
	// PerInstance marks work that is this process's own (what it holds in memory): every
	// instance runs it. Other loops run in one instance at a time on a shared database.
	PerInstance bool
}

// flushEvery writes what a service holds in this process's memory (flush) every interval
// until ctx ends, and once more then; a failed write is logged and tried again at the next.
func (p *Platform) flushEvery(ctx context.Context, what string, every time.Duration, flush func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := flush(context.WithoutCancel(ctx)); err != nil {
				p.Log.Error("flush "+what, "err", err)
			}
			return
		case <-t.C:
			if err := flush(ctx); err != nil && ctx.Err() == nil {
				p.Log.Error("flush "+what, "err", err)
			}
		}
	}
}

// loops is every background loop of the platform, in one place: a loop added elsewhere
// would escape the leases that run it once across instances (background).
func (p *Platform) loops() []Loop {
	return []Loop{
		{Name: "mail", Run: p.Mailer.Run},
		{Name: "workshops", Run: func(ctx context.Context) { p.Workshops.Run(ctx, time.Minute) }},
		// The visits waiting in this process's memory.
		{Name: "lesson-visits", Run: func(ctx context.Context) { p.flushEvery(ctx, "lesson visits", 2*time.Second, p.Courses.FlushVisits) }, PerInstance: true},
		// The last uses of sessions and bearer tokens noted in this process.
		{Name: "last-uses", Run: func(ctx context.Context) { p.flushEvery(ctx, "last uses", time.Second, p.Officials.FlushSeen) }, PerInstance: true},
		{Name: "officials-search", Run: func(ctx context.Context) { p.Officials.RunSearchMaintenance(ctx, 10*time.Minute) }},
		{Name: "privacy-upkeep", Run: func(ctx context.Context) { p.runPrivacyUpkeep(ctx, 10*time.Minute) }},
		{Name: "advisory-follow-ups", Run: func(ctx context.Context) {
			p.Advisory.RunFollowUps(ctx, time.Hour, func(err error) { p.Log.Error("advisory follow-ups", "err", err) })
		}},
		// The invitations to the workshops' surveys and their reminders (surveys/mail.go).
		{Name: "survey-mails", Run: func(ctx context.Context) { p.Surveys.Run(ctx, time.Hour) }},
		{Name: "advisory-reminders", Run: func(ctx context.Context) { p.Advisory.RunDueReminders(ctx, time.Hour, p.Log) }},
	}
}

func (p *Platform) serve(ctx context.Context, ln net.Listener, out io.Writer) error {
	loops, stopLoops := context.WithCancel(p.life)
	var running sync.WaitGroup
	defer running.Wait() // after stopLoops (deferred calls run last in, first out)
	defer stopLoops()
	for _, loop := range p.loops() {
		run := p.background(loop)
		running.Add(1)
		if !p.spawn(func() { defer running.Done(); run(loops) }) {
			running.Done()
		}
	}
	fmt.Fprintf(out, "Masar is running at %s (listening on %s, data in %s)\n", p.Config.BaseURL, ln.Addr(), p.Config.DataDir)
	errc := make(chan error, 1)
	go func() { errc <- p.App.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	case <-p.life.Done():
	}
	p.Log.Info("shutting down: finishing in-flight requests")
	err := p.App.ShutdownWithTimeout(20 * time.Second)
	// A listener that had not started serving yet is not stopped by Shutdown: close it too.
	_ = ln.Close()
	if err == nil {
		err = <-errc
	}
	stopLoops()
	p.Log.Info("shutting down: waiting for background work")
	return err
}

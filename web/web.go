// Package web is Masar's HTTP face: the Fiber application, its routes, middleware, page
// templates and JSON API. It calls into the feature packages and holds no rules of its own
// beyond who may do what.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/eventdocs"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/secondfactor"
	"github.com/masar-platform/masar/sso"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/surveys"
	"github.com/masar-platform/masar/workshops"
)

// Deps are the services the web layer calls.
type Deps struct {
	Config    config.Config
	DB        *store.DB
	Officials *officials.Service
	Mailer    *mail.Mailer
	Courses   *courses.Service
	Advisory  *advisory.Service
	Library   *Library
	Log       *slog.Logger
	// Secret keys the CSRF tokens; it must survive restarts (kept in the data directory).
	Secret []byte

	// Certificates issues, renders and verifies certificates.
	Certificates *certificates.Service

	// Workshops schedules workshops and registers, seats and checks in their participants.
	Workshops *workshops.Service

	// Search is the full-text index of lessons, courses and workshops.
	Search *search.Index

	// Reports computes the dashboards, their exports and the open data.
	Reports *reports.Service

	// Surveys runs the workshops' evaluation surveys and knowledge tests (nil: no survey pages).
	Surveys *surveys.Service

	// Routes, if not nil, registers more routes before the catch-all, with every
	// middleware in front of them: the platform's tests add handlers that panic or hang.
	Routes func(fiber.Router)

	// SecondFactor keeps the accounts' second factors and the sign-ins waiting for them
	// (nil: one on DB, keyed by Secret).
	SecondFactor *secondfactor.Service
	// SSO signs officials in through OpenID Connect providers (nil: one for the providers
	// of Config).
	SSO *sso.Service

	// Bus invalidates the in-memory caches, here and on the other instances; the page
	// cache registers on it and reads the workshops' generation from it (nil: a bus of
	// its own).
	Bus *cache.Bus
}

type handler struct {
	Deps
	cfg    config.Config
	cat    i18n.Catalogue
	views  views
	assets *assets
	// site is the issuer and contact that the header, the footer and the manifest name.
	site  *identity
	pages *pageCache
	// workshopGen counts workshop changes (on any instance), for the calendar's page cache.
	workshopGen *cache.TopicState
	log         *slog.Logger
	loginIP     *limiter
	loginGuard  *loginGuard
	resetAcc    *limiter
	regIP       *limiter
	verifyIP    *limiter
	// secondIP limits second-step attempts per client address; secondAcc counts wrong
	// second-step codes per account (see secondStepLimited).
	secondIP  *limiter
	secondAcc *limiter
	// meSections let features add to the profile page without the profile knowing them.
	meSections []func(ctx context.Context, u *officials.Official, lang string) (*meSection, error)
	nav        []navLink
	admin      []adminLink
	// openapiJSON is /api/v1/openapi.json, encoded once.
	openapiJSON []byte
	// docs prints the workshops' badges and sign-in sheets.
	docs *eventdocs.Service
}

// New builds the Fiber application with every route. Templates and catalogues are parsed
// here, so that a broken one stops the start-up.
func New(d Deps) (*fiber.App, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	site, err := newIdentity(d.Config, as)
	if err != nil {
		return nil, err
	}
	v, err := parseViews(as)
	if err != nil {
		return nil, err
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Bus == nil {
		d.Bus = cache.Local()
	}
	if d.SecondFactor == nil && d.DB != nil {
		if d.SecondFactor, err = secondfactor.New(d.DB, d.Secret, "Masar"); err != nil {
			return nil, err
		}
		if err := d.SecondFactor.UsePasskeys(d.Config.BaseURL, "Masar"); err != nil && !errors.Is(err, secondfactor.ErrPasskeysOff) {
			return nil, err
		}
	}
	if d.SSO == nil {
		d.SSO = sso.New(d.DB, d.Officials, d.Config, d.Log)
	}
	h := &handler{
		nav: []navLink{{Key: "nav.courses", Href: "/courses"}, {Key: "nav.workshops", Href: "/workshops"}, {Key: "nav.advisory", Href: "/advisory"}, {Key: "cert.nav.verify", Href: "/verify"}},
		admin: []adminLink{{navLink: navLink{Key: "admin.courses.title", Href: "/admin/courses"},
			roles: []string{officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint}},
			{navLink: navLink{Key: "admin.advisory.title", Href: "/advisory"}, roles: []string{officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint}},
			{navLink: navLink{Key: "admin.countries_pages.title", Href: "/countries"}, roles: []string{officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint}},
			{navLink: navLink{Key: "cert.admin.title", Href: "/admin/certificates"}, roles: []string{officials.RoleStaff, officials.RoleAdmin}},
			{navLink: navLink{Key: "cert.tpl.title", Href: "/admin/certificates/templates"}, roles: []string{officials.RoleStaff, officials.RoleAdmin}},
			{navLink: navLink{Key: "admin.workshops.title", Href: "/admin/workshops"}, roles: []string{officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint}},
			{navLink: navLink{Key: "reports.title", Href: "/reports"}, roles: []string{officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint}}},
		Deps: d, cfg: d.Config, cat: cat, views: v, log: d.Log, assets: as, site: site, pages: newPageCache(d.Bus, 64<<20), workshopGen: d.Bus.Topic(cache.Workshops),
		loginIP: newLimiter(d.Config.LoginsPerMinute*5, 5*time.Minute),
		// Reset mails per address, so that nobody's mailbox can be flooded.
		resetAcc:   newLimiter(10, 15*time.Minute),
		loginGuard: newLoginGuard(),
		regIP:      newLimiter(d.Config.RegistrationsPerHour, time.Hour),
		// Public verification is limited per address, so that codes cannot be guessed in bulk.
		verifyIP: newLimiter(30, time.Minute),
		secondIP: newLimiter(d.Config.LoginsPerMinute*5, 5*time.Minute),
		// Ten wrong second-step codes on one account in a quarter of an hour, from anywhere,
		// and its second step waits: whoever tries them already has the password.
		secondAcc: newLimiter(10, 15*time.Minute),
	}
	h.docs = eventdocs.New(d.Certificates, d.Workshops, d.Officials, cat, d.Config.BaseURL)
	if h.openapiJSON, err = json.Marshal(openAPIDocument(d.Config.BaseURL)); err != nil {
		return nil, fmt.Errorf("web: encode the OpenAPI document: %w", err)
	}
	app := fiber.New(fiber.Config{
		AppName:               "masar",
		DisableStartupMessage: true,
		ErrorHandler:          h.handleError,
		// Every string a handler reads from the request (params, queries, form values,
		// headers, cookies) is its own copy, safe to keep in a cache, a map key, a log
		// record or a goroutine after the handler returns. Fiber's default hands out
		// views into buffers that the next request reuses: that is how one visitor's
		// typed values showed up in another's page. The cost is measured in
		// docs/performance.md.
		Immutable:    true,
		BodyLimit:    d.Config.BodyLimit(),
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 60 * time.Second,
		IdleTimeout:  120 * time.Second,
	})
	h.meSections = append(h.meSections, h.myCoursesSection)
	h.meSections = append(h.meSections, h.myWorkshopsSection)
	h.meSections = append(h.meSections, h.mySurveysSection)
	app.Use(recover.New(recover.Config{EnableStackTrace: false}))
	app.Use(h.requestID, h.securityHeaders, h.logRequests, h.checkInput)
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	// A panic below answers 500 with the request id and is logged with its stack; every
	// request's context ends (RequestTimeout, or ExportTimeout for files).
	app.Use(h.recoverPanics, h.requestDeadline)
	// Conditional requests: an unchanged page is answered 304 without its body.
	app.Use(conditional)

	app.Get("/healthz", h.healthz)
	app.Get("/robots.txt", serveRobots)
	app.Get("/favicon.ico", h.serveFavicon)
	app.Get("/static/*", h.assets.serve)
	app.Get("/", h.negotiateLanguage)
	app.Get("/content/:slug/images/*", h.serveCourseImage)
	h.certificateAppRoutes(app)
	h.workshopFeedRoutes(app)
	h.openDataAppRoutes(app)
	h.unsubscribeAppRoutes(app)
	h.oidcAppRoutes(app)

	api := app.Group("/api/v1", h.apiAuth)
	h.apiRoutes(api)
	h.erasureAPIRoutes(api)

	for _, l := range i18n.Langs {
		g := app.Group("/"+l, h.setLang(l), h.loadSession, h.privateResponses, h.checkCSRF, h.requireSecondFactor)
		h.pageRoutes(g)
	}
	if d.Routes != nil {
		d.Routes(app)
	}
	app.Use(h.notFound)
	return app, nil
}

func (h *handler) pageRoutes(g fiber.Router) {
	g.Get("/", h.fixedPage("home", "home.title", nil))
	// Accounts.
	g.Get("/register", h.showRegister)
	g.Post("/register", h.register)
	g.Get("/confirm/:token", h.confirmEmail)
	g.Get("/login", h.showLogin)
	g.Post("/login", h.login)
	h.oidcRoutes(g)
	g.Post("/logout", h.logout)
	g.Get("/forgot", h.showForgot)
	g.Post("/forgot", h.forgot)
	g.Get("/reset/:token", h.showReset)
	g.Post("/reset/:token", h.reset)
	h.secondFactorRoutes(g)
	// The official's own space.
	me := g.Group("/me", h.requireLogin)
	me.Get("/", h.showMe)
	me.Get("/edit", h.showEditProfile)
	me.Post("/edit", h.saveProfile)
	me.Get("/password", h.showPassword)
	me.Post("/password", h.changePassword)
	me.Get("/export", h.exportMyData)
	me.Get("/data", h.showMyData)
	me.Get("/delete", h.showDeleteAccount)
	me.Post("/delete", h.deleteAccount)
	me.Post("/confirm", h.resendConfirmation)
	h.sessionRoutes(me)
	h.notificationRoutes(me)
	h.unsubscribePageRoutes(g)
	// Administration.
	adm := g.Group("/admin", h.requireLogin)
	adm.Get("/", h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint), h.showAdminHome)
	adm.Get("/officials", h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint), h.listOfficials)
	adm.Get("/officials/new", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.showNewOfficial)
	adm.Post("/officials/new", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.createOfficial)
	adm.Get("/officials/:id", h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint), h.showOfficial)
	adm.Post("/officials/:id", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.saveOfficial)
	adm.Post("/officials/:id/role", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.grantRole)
	adm.Get("/outbox", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.listOutbox)
	adm.Get("/outbox/:id", h.requireRole(officials.RoleStaff, officials.RoleAdmin), h.showOutboxMessage)
	h.outboxActionRoutes(adm)
	adm.Get("/audit", h.requireRole(officials.RoleAdmin), h.listAudit)
	h.securityRoutes(adm)
	h.courseRoutes(g)
	h.authoringRoutes(g)
	h.surveyRoutes(g)
	h.workshopRoutes(g)
	h.advisoryRoutes(g)
	h.certificateRoutes(g)
	h.reportRoutes(g)
	h.searchRoutes(g)
	h.erasureRoutes(g)
	h.siteRoutes(g)
	adm.Get("/countries", h.requireRole(officials.RoleAdmin), h.listCountries)
	adm.Post("/countries/:iso", h.requireRole(officials.RoleAdmin), h.saveCountry)
}

func (h *handler) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := h.DB.Ping(ctx); err != nil {
		h.log.Error("health check failed", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	// Mail that does not go out is reported in the detail, not in the status code: the
	// platform itself serves, and a load balancer must not take it out of rotation for it.
	m, err := h.Mailer.Health(ctx)
	if err != nil {
		h.log.Error("health check: mail", "err", err)
		return c.JSON(fiber.Map{"status": "ok", "mail": fiber.Map{"status": "unknown"}})
	}
	return c.JSON(fiber.Map{"status": "ok", "mail": m})
}

func (h *handler) negotiateLanguage(c *fiber.Ctx) error {
	l := i18n.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
	if cl := c.Cookies(langCookie); i18n.Supported(cl) {
		l = cl
	}
	c.Set(fiber.HeaderVary, "Accept-Language, Cookie")
	return c.Redirect("/"+l+"/", fiber.StatusFound)
}

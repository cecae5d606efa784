package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/masar-platform/masar/store/storetest"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
)

// testTimeout bounds one browser test, browser start included: a hung Chromium fails the
// test instead of hanging the run.
const testTimeout = 45 * time.Second

// password is the password of every account the tests make.
const password = "correct horse battery"

// required reports whether the browser tests must run (CI sets MASAR_BROWSER_TESTS=require).
func required() bool { return os.Getenv("MASAR_BROWSER_TESTS") == "require" }

// unavailable skips the tests for a missing tool, or fails them when they are required.
func unavailable(t *testing.T, tests, reason string) {
	t.Helper()
	if required() {
		t.Fatalf("%s cannot run (MASAR_BROWSER_TESTS=require): %s", tests, reason)
	}
	t.Skipf("%s skipped: %s", tests, reason)
}

// chromiumPath finds the browser: $MASAR_CHROMIUM, Debian's /usr/bin/chromium, or a
// Chromium or Chrome on PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("MASAR_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("MASAR_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found")
}

// site is a running Masar platform on a local port.
type site struct {
	p    *platform.Platform
	base string // http://127.0.0.1:PORT
}

// startSite opens a fresh platform in a temporary folder and serves it until the test ends.
// Call it before newBrowser, so that the browser closes before the server stops.
func startSite(t *testing.T) *site { t.Helper(); return startSiteWith(t, nil) }

// startSiteWith is startSite with the configuration that change alters (nil: none).
func startSiteWith(t *testing.T, change func(*config.Config)) *site {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.DatabaseURL = storetest.DatabaseURL(t) // "" on SQLite; MASAR_TEST_DATABASE=postgres: a fresh database
	cfg.BcryptCost = 4
	cfg.LoginsPerMinute = 1000
	cfg.RegistrationsPerHour = 1000
	// Staff and admin accounts sign in with their password alone in tests that are not
	// about the second factor (see startSiteWith).
	cfg.SecondFactorRoles = []string{}
	if change != nil {
		change(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = ln.Addr().String()
	cfg.BaseURL = "http://" + ln.Addr().String()
	if change != nil {
		change(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p, err := platform.Open(context.Background(), cfg, log)
	if err != nil {
		ln.Close()
		t.Fatalf("open platform: %v", err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = p.App.Listener(ln)
	}()
	t.Cleanup(func() {
		if err := p.App.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shut down server: %v", err)
		}
		// Shutdown misses a server that has not started serving yet (a test that skipped
		// at once); closing the listener stops that one too.
		ln.Close()
		<-served
		p.Close()
	})
	return &site{p: p, base: cfg.BaseURL}
}

// testWriter sends the server's warnings and errors to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log("server: " + strings.TrimSpace(string(b)))
	return len(b), nil
}

// account creates an official who can log in with password.
func (s *site) account(t *testing.T, email string) officials.Input {
	t.Helper()
	in := officials.Input{Email: email, Password: password, NameAr: "سارة خالد", NameLatin: "Sara Khaled",
		JobTitle: "Analyst", Organisation: "Ministry of Planning", Country: "JO", Sector: "central_government",
		Gender: "female", Language: "ar"}
	o, err := s.p.Officials.Create(context.Background(), audit.Actor{Email: "e2e"}, in, officials.RoleOfficial)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	s.confirm(t, o.ID)
	return in
}

// confirm confirms the account's e-mail address by its link's token, as its holder would:
// an unconfirmed account may read but not enrol nor apply.
func (s *site) confirm(t *testing.T, id int64) {
	t.Helper()
	tok, err := s.p.Officials.NewEmailToken(context.Background(), id, officials.PurposeConfirm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.p.Officials.ConfirmEmail(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer collects the browser's output, which the allocator writes from its own goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newBrowser starts a headless Chromium for this test, with a fresh profile, and returns
// the context of its first tab. It skips the test when there is no Chromium (fails it when
// MASAR_BROWSER_TESTS=require). The browser is killed when the test ends or testTimeout
// passes, whichever comes first.
func newBrowser(t *testing.T) context.Context { return newBrowserFor(t, testTimeout) }

// newBrowserFor is newBrowser for a test that walks through many pages, bounded by timeout.
func newBrowserFor(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	exe, err := chromiumPath()
	if err != nil {
		unavailable(t, "browser tests", err.Error()+"; install Debian's chromium or set MASAR_CHROMIUM")
	}
	out := &lockedBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()), // removed after the browser has exited (cleanups run last-in first-out)
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(out),
	}
	// The deadline sits above the allocator, so that reaching it kills the browser.
	deadline, cancelDeadline := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelDeadline()
		if t.Failed() {
			if s := out.String(); s != "" {
				t.Logf("Chromium output (last 4 kB):\n%s", tail(s, 4096))
			}
		}
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return ctx
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// stepTimeout bounds one group of browser steps, so that a missing element fails quickly.
const stepTimeout = 10 * time.Second

// do runs the steps and fails the test at the first error, naming what was being done.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page (awaiting it if it is a promise) and
// decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return evalWithin[T](t, ctx, stepTimeout, expr)
}

// evalWithin is eval bounded by limit rather than stepTimeout, for a step known to be long
// (axe-core over a large page takes seconds on a busy two-core machine).
func evalWithin[T any](t *testing.T, ctx context.Context, limit time.Duration, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.100q: %v", expr, err)
	}
	return v
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// open loads the page at path (waiting for its load event).
func (s *site) open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	do(t, ctx, "open "+path, chromedp.Navigate(s.base+path))
}

// clickAndLoad clicks the element and waits for the page that the click loads.
func clickAndLoad(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css)))); err != nil {
		t.Fatalf("click %s and wait for the next page: %v", css, err)
	}
}

// typeInto types text into the field as a user would, key by key.
func typeInto(css, text string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS(css), text)
}

// location is the path (and query) of the page shown.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `location.pathname + location.search`)
}

// text is the rendered text of the first element matching css, trimmed; it fails the test
// when there is no such element.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	v := eval[*string](t, ctx, `(() => { const e = document.querySelector(`+js(css)+`); return e ? e.innerText : null })()`)
	if v == nil {
		t.Fatalf("%s: no element %s on the page", location(t, ctx), css)
	}
	return strings.TrimSpace(*v)
}

// value is the current value of the form field matching css; it fails the test when there
// is no such field.
func value(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	v := eval[*string](t, ctx, `(() => { const e = document.querySelector(`+js(css)+`); return e ? e.value : null })()`)
	if v == nil {
		t.Fatalf("%s: no field %s on the page", location(t, ctx), css)
	}
	return *v
}

// login fills and submits the login form at /{lang}/login.
func (s *site) login(t *testing.T, ctx context.Context, lang, email string) {
	t.Helper()
	s.open(t, ctx, "/"+lang+"/login")
	do(t, ctx, "fill the login form", typeInto("#f-email", email), typeInto("#f-password", password))
	clickAndLoad(t, ctx, "main form button[type=submit]")
}

// clickInput clicks the radio button or check box with that name and value.
func clickInput(name, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(`input[name="` + name + `"][value="` + value + `"]`))
}

// logout clicks the header's log-out button.
func logout(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	clickAndLoad(t, ctx, `header form[action="/`+lang+`/logout"] button`)
}

// screenshot saves the page into $MASAR_SCREENSHOTS, when set, for people to look at. A page
// shorter than the window is taken as the window shows it (capturing "beyond the viewport"
// shifts a short right-to-left page sideways).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MASAR_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := chromedp.Action[[]byte](fullPagePNG)
	if eval[bool](t, ctx, `document.documentElement.scrollHeight <= window.innerHeight`) {
		shot = chromedp.CaptureScreenshot()
	}
	b, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

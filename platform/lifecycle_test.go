package platform

// Tests of a request's life: panics and deadlines (shutdown_test.go has the platform's).
// They sit inside the package to add routes of their own in front of the catch-all, with
// every middleware in front of them.

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/masar-platform/masar/store/storetest"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/web"
)

// logBuffer collects a platform's log records for the test to read.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func testConfig(t *testing.T) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.DatabaseURL = storetest.DatabaseURL(t) // "" on SQLite; MASAR_TEST_DATABASE=postgres: a fresh database
	cfg.BcryptCost = 4
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// openLogged opens a platform whose log the test reads, closed when the test ends.
func openLogged(t *testing.T, cfg config.Config) (*Platform, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	p, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, logs
}

// appWith builds the platform's application again with extra routes.
func appWith(t *testing.T, p *Platform, extra func(fiber.Router)) *fiber.App {
	t.Helper()
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	app, err := web.New(web.Deps{Config: p.Config, DB: p.DB, Officials: p.Officials, Mailer: p.Mailer, Courses: p.Courses, Advisory: p.Advisory,
		Library: p.Library, Log: p.Log, Secret: secret, Certificates: p.Certificates, Workshops: p.Workshops, Search: p.Search, Reports: p.Reports,
		Bus: p.Bus, Routes: extra})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// TestPanicInATransactionAnswers500AndWritesGoOn: a handler that panics inside store.Tx gets
// the internal-error answer with its request id, the panic is logged with that id and the
// stack, what it wrote is rolled back, and the next writes, through a test route and
// through the API, succeed. Without the rollback on panic, the single writer stays inside
// the transaction and the next write waits until its request's deadline.
func TestPanicInATransactionAnswers500AndWritesGoOn(t *testing.T) {
	cfg := testConfig(t)
	cfg.RequestTimeout = 5 * time.Second // a wedged writer shows as a 500 after it, not a hang
	p, logs := openLogged(t, cfg)
	ctx := context.Background()
	if _, err := p.DB.W.ExecContext(ctx, "CREATE TABLE test_notes(at TEXT NOT NULL, body TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	_, staffTok := testPerson(t, p, "staff-panic@example.org", officials.RoleStaff)
	app := appWith(t, p, func(r fiber.Router) {
		r.Post("/test/notes", func(c *fiber.Ctx) error {
			ctx := c.UserContext()
			if c.Query("detached") != "" {
				// Work that must finish even if the request ends, as the course-completion
				// hooks (certificate issuing) run: the request's deadline cannot end this
				// transaction, only store.Tx's rollback can.
				ctx = context.WithoutCancel(ctx)
			}
			return p.DB.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, "INSERT INTO test_notes(at, body) VALUES (?, ?)", time.Now().UTC().Format(time.RFC3339Nano), c.Query("body")); err != nil {
					return err
				}
				if c.Query("panic") != "" {
					panic("a bug in the middle of a transaction")
				}
				return nil
			})
		})
	})
	do := func(method, target, auth, body string) (int, string, string) {
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		if auth != "" {
			r.Header.Set("Authorization", "Bearer "+auth)
			r.Header.Set("Content-Type", "application/json")
		}
		res, err := app.Test(r, 20_000) // far beyond the request deadline: a wedged writer fails here, not by hanging
		if err != nil {
			t.Fatalf("%s %s: %v", method, target, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header.Get("X-Request-Id")
	}
	for _, target := range []string{"/test/notes?body=lost&panic=1", "/test/notes?body=lost-too&panic=1&detached=1"} {
		status, body, id := do("POST", target, "", "")
		if status != 500 || id == "" || !strings.Contains(body, id) {
			t.Fatalf("panicking request %s: %d, id %q, body shows it: %v", target, status, id, strings.Contains(body, id))
		}
		log := logs.String()
		if !strings.Contains(log, "msg=panic") || !strings.Contains(log, "id="+id) || !strings.Contains(log, "a bug in the middle of a transaction") ||
			!strings.Contains(log, "lifecycle_test.go") {
			t.Errorf("the panic is not logged with its request id and stack:\n%s", log)
		}
		if status, body, _ := do("POST", "/test/notes?body=kept", "", ""); status != 200 {
			t.Fatalf("the write after the panic of %s: %d %s", target, status, body)
		}
	}
	status, body, _ := do("POST", "/api/v1/officials", staffTok, `{"email":"after-panic@gov.qa","name_ar":"منى علي","name_latin":"Mona Ali",`+
		`"job_title":"Planner","organisation":"Planning","country":"QA","sector":"central_government","gender":"female","language":"en"}`)
	if status != 201 {
		t.Fatalf("an account created through the API after the panic: %d %s", status, body)
	}
	var notes []string
	rows, err := p.DB.R.QueryContext(ctx, "SELECT body FROM test_notes ORDER BY at")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b string
		_ = rows.Scan(&b)
		notes = append(notes, b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(notes, ",") != "kept,kept" {
		t.Errorf("notes %v, want only the ones written after the panics (the panicking ones rolled back)", notes)
	}
}

// testPerson creates an account with an API token.
func testPerson(t *testing.T, p *Platform, email, role string) (*officials.Official, string) {
	t.Helper()
	in := officials.Input{Email: email, NameAr: "ليلى حسن", NameLatin: "Layla Hassan", JobTitle: "Director",
		Organisation: "Ministry of Planning", Country: "JO", Sector: "central_government", Gender: "female", Language: "en"}
	o, err := p.Officials.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Officials.CreateAPIToken(context.Background(), o.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return o, tok
}

// TestRequestDeadlines: every request's context ends, after RequestTimeout, or after
// ExportTimeout for a file export; a handler waiting on it answers 500 with its id instead
// of waiting for ever.
func TestRequestDeadlines(t *testing.T) {
	cfg := testConfig(t)
	cfg.RequestTimeout = 300 * time.Millisecond
	cfg.ExportTimeout = time.Hour
	p, logs := openLogged(t, cfg)
	remaining := func(c *fiber.Ctx) error {
		dl, ok := c.UserContext().Deadline()
		if !ok {
			return c.SendString("none")
		}
		return c.SendString(time.Until(dl).String())
	}
	app := appWith(t, p, func(r fiber.Router) {
		r.Get("/test/wait", func(c *fiber.Ctx) error {
			<-c.UserContext().Done()
			return fmt.Errorf("test: waited: %w", c.UserContext().Err())
		})
		r.Get("/test/deadline", remaining)
		r.Get("/test/deadline.xlsx", remaining)
	})
	get := func(target string) (int, string, string) {
		res, err := app.Test(httptest.NewRequest("GET", target, nil), 20_000)
		if err != nil {
			t.Fatalf("GET %s: %v (the request's context never ended)", target, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header.Get("X-Request-Id")
	}
	status, body, id := get("/test/wait")
	if status != 500 || !strings.Contains(body, id) {
		t.Errorf("a request past its deadline: %d (want 500 with its id)", status)
	}
	if !strings.Contains(logs.String(), "context deadline exceeded") {
		t.Errorf("the deadline is not in the log:\n%s", logs)
	}
	for target, limit := range map[string]time.Duration{"/test/deadline": cfg.RequestTimeout, "/test/deadline.xlsx": cfg.ExportTimeout} {
		_, body, _ := get(target)
		d, err := time.ParseDuration(body)
		if err != nil || d <= 0 || d > limit {
			t.Errorf("%s: time left %q, want at most %s", target, body, limit)
		}
		if target == "/test/deadline.xlsx" && d <= cfg.RequestTimeout {
			t.Errorf("an export got the ordinary limit: %s left", d)
		}
	}
}

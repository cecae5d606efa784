package platform

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// TestDataDirectoryLock: a second platform on one data directory is refused, naming the
// first one's process; a command opens beside it without touching what the server owns
// (its running jobs stay running, its lock stays held); after Close the directory is free.
func TestDataDirectoryLock(t *testing.T) {
	cfg := testConfig(t)
	ctx := context.Background()
	p, err := Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = Open(ctx, cfg, nil)
	var locked *store.LockedError
	if !errors.As(err, &locked) || locked.PID != os.Getpid() ||
		!strings.Contains(err.Error(), fmt.Sprintf("the data directory %s is in use by process %d (", cfg.DataDir, os.Getpid())) {
		t.Fatalf("second server on the directory: %v", err)
	}
	if _, err := p.DB.W.ExecContext(ctx, "INSERT INTO certificate_jobs(workshop_id, total, created_at) VALUES (1, 10, ?)", store.Now()); err != nil {
		t.Fatal(err)
	}
	cmd, err := OpenCommand(ctx, cfg, nil)
	if err != nil || cmd.Beside == nil || cmd.Beside.PID != os.Getpid() {
		t.Fatalf("command beside the server: %v %+v", err, cmd)
	}
	in := officials.Input{Email: "made-beside@example.org", Password: "a long enough password", NameAr: "فريق البرنامج", NameLatin: "Staff",
		JobTitle: "Staff", Organisation: "Masar", Sector: "international", Gender: "unspecified", Language: "ar"}
	if _, err := cmd.Officials().Create(ctx, audit.Actor{Email: "test"}, in, officials.RoleStaff); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Officials.GetByEmail(ctx, "made-beside@example.org"); err != nil {
		t.Errorf("the server does not see the account the command made: %v", err)
	}
	var status string
	if err := p.DB.R.QueryRowContext(ctx, "SELECT status FROM certificate_jobs").Scan(&status); err != nil || status != "running" {
		t.Errorf("the command marked the server's running job %q (%v)", status, err)
	}
	if _, err := Open(ctx, cfg, nil); !errors.Is(err, store.ErrLocked) {
		t.Errorf("the command's Close released the server's lock: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	alone, err := OpenCommand(ctx, cfg, nil)
	if err != nil || alone.Beside != nil {
		t.Fatalf("command with no server: %v %+v", err, alone)
	}
	if _, err := Open(ctx, cfg, nil); !errors.Is(err, store.ErrLocked) {
		t.Errorf("a server started while a command held the directory: %v", err)
	}
	alone.Close()
	again, err := Open(ctx, cfg, nil)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	again.Close()
}

// holdingSMTP is an SMTP server that holds the first message it is given until released:
// a delivery in flight when the platform is told to stop.
type holdingSMTP struct {
	addr     string
	holding  chan struct{} // closed once the first message is being received
	release  chan struct{}
	once     sync.Once
	mu       sync.Mutex
	received []string // recipients, one per accepted message
}

func (s *holdingSMTP) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &holdingSession{srv: s}, nil
}

func (s *holdingSMTP) releaseAll() { s.once.Do(func() { close(s.release) }) }

func (s *holdingSMTP) recipients() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.received...)
}

type holdingSession struct {
	srv *holdingSMTP
	to  string
}

func (s *holdingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *holdingSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *holdingSession) Reset()        {}
func (s *holdingSession) Logout() error { return nil }
func (s *holdingSession) Data(r io.Reader) error {
	if _, err := io.ReadAll(r); err != nil {
		return err
	}
	s.srv.mu.Lock()
	first := len(s.srv.received) == 0
	s.srv.mu.Unlock()
	if first {
		close(s.srv.holding)
		<-s.srv.release
	}
	s.srv.mu.Lock()
	s.srv.received = append(s.srv.received, s.to)
	s.srv.mu.Unlock()
	return nil
}

func startHoldingSMTP(t *testing.T) *holdingSMTP {
	t.Helper()
	be := &holdingSMTP{holding: make(chan struct{}), release: make(chan struct{})}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be.addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { be.releaseAll(); srv.Close() })
	return be
}

// platformLoops are the functions of the platform's background work; none may still run
// once Close has returned.
var platformLoops = []string{"mail.(*Mailer).Run", "workshops.(*Service).Run", "platform.(*Platform).flushEvery",
	"officials.(*Service).RunSearchMaintenance", "platform.(*Platform).serve", "certificates.(*Service).runJob", "search.(*Index).indexPending"}

// TestSIGTERMDuringWork: SIGTERM arrives while a mail is being handed to the SMTP server,
// more mail waits in the outbox and a lesson visit is pending. When ServeListener and Close
// have returned, nothing of the platform still runs, the mail in flight is recorded as sent
// (not sent twice at the next start), the others wait untouched for the next start, the
// visit is written, the database was closed cleanly (its WAL checkpointed away) and nothing
// was logged as an error (no "database is closed").
func TestSIGTERMDuringWork(t *testing.T) {
	smtpSrv := startHoldingSMTP(t)
	cfg := testConfig(t)
	cfg.SMTPURL = "smtp://" + smtpSrv.addr + "?tls=none"
	logs := &logBuffer{}
	ctx := context.Background()
	p, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	o, _ := testPerson(t, p, "learner@example.org", officials.RoleOfficial)
	co := p.Library.Catalogue().Courses()[0]
	if len(co.Lessons) < 3 {
		t.Fatalf("course %s has %d lessons", co.Slug, len(co.Lessons))
	}
	// Enrolled, with the first lesson opened a day ago so that it can be marked done.
	p.Courses.SetClock(func() time.Time { return time.Now().Add(-24 * time.Hour) })
	if err := p.Courses.Enrol(ctx, o.ID, co.Slug); err != nil {
		t.Fatal(err)
	}
	if err := p.Courses.RecordOpen(ctx, o.ID, co.Slug, co.Lessons[0].Slug); err != nil {
		t.Fatal(err)
	}
	p.Courses.SetClock(nil)
	if _, err := p.Courses.MarkDone(ctx, o.ID, co.Slug, co.Lessons[0].Slug); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := p.Mailer.Enqueue(ctx, p.DB.W, mail.Message{To: fmt.Sprintf("reader%d@example.org", i), Name: "Reader", Lang: "en",
			Template: "confirm", Data: map[string]any{"Link": "https://masar.test/confirm"}}); err != nil {
			t.Fatal(err)
		}
	}

	sigCtx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM) // as cmd/masar does
	defer stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- p.ServeListener(sigCtx, ln, io.Discard) }()
	select {
	case <-smtpSrv.holding:
	case <-time.After(time.Minute):
		t.Fatal("the mailer never started a delivery")
	}
	if err := p.Courses.RecordVisit(ctx, o.ID, co.Slug, co.Lessons[2].Slug); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The SMTP server answers once the platform has stopped, or a moment after the signal,
	// whichever is first: a platform that waits for its mailer returns after the answer; one
	// that does not has returned, with the delivery still in flight, before it.
	returned := make(chan struct{})
	go func() {
		select {
		case <-returned:
		case <-time.After(time.Second):
		}
		smtpSrv.releaseAll()
	}()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("ServeListener: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("ServeListener did not return after SIGTERM")
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	var stacks bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
	close(returned)
	for _, fn := range platformLoops {
		if strings.Contains(stacks.String(), fn) {
			t.Errorf("%s still runs after Close", fn)
		}
	}
	if err := p.DB.Ping(ctx); err == nil {
		t.Error("the database still answers after Close")
	}
	if _, err := os.Stat(cfg.DBPath() + "-wal"); cfg.DatabaseURL == "" && !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the database was not closed cleanly: its WAL is still there (%v)", err)
	}

	// Let a delivery that was left in flight finish, so that what it would do is seen.
	smtpSrv.releaseAll()
	time.Sleep(100 * time.Millisecond)
	log := logs.String()
	if strings.Contains(log, "level=ERROR") || strings.Contains(log, "database is closed") {
		t.Errorf("errors logged during the shutdown:\n%s", log)
	}
	db, err := store.Open(ctx, cfg.DatabaseSource())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var last sql.NullString
	if err := db.R.QueryRowContext(ctx, "SELECT last_lesson FROM enrolments WHERE official_id = ? AND course_slug = ?", o.ID, co.Slug).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if last.String != co.Lessons[2].Slug {
		t.Errorf("last lesson %q, want the visit pending at SIGTERM, %q", last.String, co.Lessons[2].Slug)
	}
	got := smtpSrv.recipients()
	if len(got) != 1 {
		t.Fatalf("the SMTP server received %v, want the one message in flight", got)
	}
	rows, err := db.R.QueryContext(ctx, "SELECT to_email, sent_at IS NOT NULL, attempts, last_error = '', next_attempt_at IS NOT NULL FROM outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var to string
		var sent, clean, due bool
		var attempts int
		if err := rows.Scan(&to, &sent, &attempts, &clean, &due); err != nil {
			t.Fatal(err)
		}
		n++
		inFlight := "<"+to+">" == got[0] || to == got[0]
		switch {
		case inFlight && (!sent || attempts != 1):
			t.Errorf("%s was delivered at SIGTERM but is recorded sent=%v attempts=%d: it would go out again", to, sent, attempts)
		case !inFlight && (sent || attempts != 0 || !clean || !due):
			t.Errorf("%s: sent=%v attempts=%d clean=%v due=%v, want it waiting untouched for the next start", to, sent, attempts, clean, due)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Errorf("%d messages in the outbox", n)
	}
}

package platform

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// instanceConfig is the configuration of one instance on the PostgreSQL database url, with
// a data directory of its own.
func instanceConfig(t *testing.T, url string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.DatabaseURL = url
	cfg.BcryptCost = 4
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// serveQuietly serves p on a port of its own until the test ends or stop is called.
func serveQuietly(t *testing.T, p *Platform) (stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = p.ServeListener(ctx, ln, io.Discard) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// waitFor waits (at most 30 seconds, however slow the machine) for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func loopNames(p *Platform) (all, perInstance []string) {
	for _, l := range p.loops() {
		all = append(all, l.Name)
		if l.PerInstance {
			perInstance = append(perInstance, l.Name)
		}
	}
	slices.Sort(all)
	return all, perInstance
}

// Two platforms serving one PostgreSQL database run each background loop once between
// them, under its lease (the per-instance lesson-visit flusher in both); when one of them
// stops, the other takes its loops over.
func TestBackgroundWorkRunsOnceAcrossInstances(t *testing.T) {
	url := storetest.NewMigratedPostgresDatabase(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// An instance that died an hour ago left its instance lease behind.
	before, err := store.OpenShared(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := before.W.Exec(`INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)`, "instance/dead-host/1/00#00",
		"dead-host/1/00#00", store.FormatTime(time.Now().Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	before.Close()
	var ps []*Platform
	for range 2 {
		p, err := Open(context.Background(), instanceConfig(t, url), quiet)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		p.leaseTTL = 3 * time.Second // taken over within a second of a release
		ps = append(ps, p)
	}
	all, perInstance := loopNames(ps[0])
	stopFirst := serveQuietly(t, ps[0])
	serveQuietly(t, ps[1])

	waitFor(t, "every loop runs somewhere", func() bool {
		var union []string
		for _, p := range ps {
			union = append(union, p.RunningLoops()...)
		}
		slices.Sort(union)
		return slices.Equal(slices.Compact(union), all)
	})
	ctx := context.Background()
	for _, name := range all {
		var where []int
		for i, p := range ps {
			if slices.Contains(p.RunningLoops(), name) {
				where = append(where, i)
			}
		}
		if slices.Contains(perInstance, name) {
			if len(where) != 2 {
				t.Errorf("%s, this instance's own work, runs in instances %v; want both", name, where)
			}
			continue
		}
		if len(where) != 1 {
			t.Errorf("%s runs in instances %v; want exactly one", name, where)
			continue
		}
		holder, _, err := cluster.Holding(ctx, ps[0].DB, LeaseName(name))
		if err != nil || holder != ps[where[0]].holder {
			t.Errorf("%s runs in instance %d but its lease is held by %q (%v)", name, where[0], holder, err)
		}
	}
	if holder, _, err := cluster.Holding(ctx, ps[0].DB, "instance/dead-host/1/00#00"); err != nil || holder != "" {
		t.Errorf("the dead instance's lease is still there (%q, %v)", holder, err)
	}
	for i, p := range ps {
		if n, err := p.OtherInstances(ctx); err != nil || n != 1 {
			t.Errorf("instance %d counts %d other instances (%v), want 1", i, n, err)
		}
	}

	// The first instance stops: the second runs everything.
	stopFirst()
	if err := ps[0].Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second instance takes every loop over", func() bool { return slices.Equal(ps[1].RunningLoops(), all) })
	if n, err := ps[1].OtherInstances(ctx); err != nil || n != 0 {
		t.Errorf("after the first closed, %d other instances (%v)", n, err)
	}
}

// On SQLite one process owns the data directory: leases left in its database by a process
// that died (or copied from elsewhere) do not keep a restarted server's loops from running.
func TestStaleLeasesDoNotHoldUpASQLiteRestart(t *testing.T) {
	cfg := instanceConfig(t, "")
	db, err := store.Open(context.Background(), cfg.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	until := store.FormatTime(time.Now().Add(time.Hour))
	names := []string{"mail", "workshops", "lesson-visits", "last-uses", "officials-search", "privacy-upkeep", "advisory-follow-ups", "advisory-reminders", "survey-mails"}
	for _, name := range names {
		if _, err := db.W.Exec(`INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)`, LeaseName(name), "dead-host/1/0badc0ffee", until); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	p, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	all, _ := loopNames(p)
	slices.Sort(names)
	if !slices.Equal(all, names) {
		t.Fatalf("the platform's loops are %v; this test knows %v", all, names)
	}
	serveQuietly(t, p)
	waitFor(t, "every loop runs despite the stale leases", func() bool { return slices.Equal(p.RunningLoops(), all) })
}

// The server secret and the issuer key come from the database: the first instance imports
// its data directory's legacy files on first start; a second instance, whose directory has
// other files, uses the database's (its different issuer key kept as a retired one, still
// published); both publish the same keys and sign with the same one.
func TestInstancesShareTheirKeys(t *testing.T) {
	url := storetest.NewMigratedPostgresDatabase(t)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	legacy := func(cfg config.Config) (secret, key []byte) {
		t.Helper()
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			t.Fatal(err)
		}
		secret = bytes.Repeat([]byte{byte(len(cfg.DataDir))}, cluster.SecretBytes)
		secret[0] = 'S'
		key, err := cluster.NewIssuerKeyPEM()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cfg.SecretKeyPath(), secret, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfg.DataDir, config.IssuerKeyFile), key, 0o600); err != nil {
			t.Fatal(err)
		}
		return secret, key
	}
	cfg1, cfg2 := instanceConfig(t, url), instanceConfig(t, url)
	secret1, key1 := legacy(cfg1)
	secret2, key2 := legacy(cfg2)
	if bytes.Equal(secret1, secret2) {
		secret2[1] ^= 1
		if err := os.WriteFile(cfg2.SecretKeyPath(), secret2, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p1, err := Open(ctx, cfg1, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer p1.Close()
	p2, err := Open(ctx, cfg2, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()

	stored, err := cluster.Secret(ctx, p1.DB, "")
	if err != nil || !bytes.Equal(stored, secret1) {
		t.Errorf("the database's secret is not the first instance's secret.key (%v)", err)
	}
	kid1, _ := certificates.IssuerKeyIDPEM(key1)
	kid2, _ := certificates.IssuerKeyIDPEM(key2)
	var kids [2][]string
	for i, p := range []*Platform{p1, p2} {
		set, err := p.Certificates.JWKS()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range set.Keys {
			kids[i] = append(kids[i], k.KeyID)
		}
	}
	// The first key published is the one that signs.
	if len(kids[0]) == 0 || kids[0][0] != kid1 || len(kids[1]) == 0 || kids[1][0] != kid1 {
		t.Errorf("signing keys %v and %v; want both %s, the first instance's file", kids[0], kids[1], kid1)
	}
	if !slices.Contains(kids[1], kid2) {
		t.Errorf("the second instance's own key file %s is not published (%v): what it signed before would no longer verify", kid2, kids[1])
	}
	// Both instances key their links alike: an unsubscribe link mailed by one works on the other.
	tok := p1.Mailer.UnsubscribeToken("someone@example.org", mail.Categories[0])
	if _, err := p2.Mailer.ParseUnsubscribeToken(tok); err != nil {
		t.Errorf("a link made by the first instance is refused by the second: %v", err)
	}
}

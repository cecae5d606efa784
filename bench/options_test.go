package bench

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// TestOptionsThatCannotRun: combinations that would measure something else than asked are
// refused before anything starts, with the option named.
func TestOptionsThatCannotRun(t *testing.T) {
	for _, c := range []struct {
		opts Options
		want string
	}{
		{Options{Instances: 2}, "--instances"},
		{Options{Fresh: true}, "--fresh"},
		{Options{DatabaseURL: "/tmp/masar.db"}, "--database-url"},
		{Options{Scenarios: []string{"lessons"}}, `unknown scenario "lessons"`},
	} {
		_, err := run(context.Background(), c.opts, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one naming %s", c.opts, err, c.want)
		}
	}
}

// TestBalancerTakesTurns: connections through the balancer reach each instance in turn,
// and the answers come back whole.
func TestBalancerTakesTurns(t *testing.T) {
	var addrs []string
	for i := range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, "instance %d %s", i, strings.Repeat("x", 100_000))
		})}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
		addrs = append(addrs, ln.Addr().String())
	}
	b, err := StartBalancer(addrs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Close() }()
	seen := map[string]int{}
	for range 6 {
		// A new connection each time: the balancer hands out connections, not requests.
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		res, err := c.Get("http://" + b.Addr() + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(body) != len("instance 0 ")+100_000 {
			t.Fatalf("answer of %d bytes, want %d", len(body), len("instance 0 ")+100_000)
		}
		seen[string(body[:len("instance 0")])]++
	}
	if seen["instance 0"] != 3 || seen["instance 1"] != 3 {
		t.Errorf("answers by instance %v, want 3 and 3", seen)
	}
	if got := b.Served(); got[0] != 3 || got[1] != 3 {
		t.Errorf("Served() = %v, want [3 3]", got)
	}
}

// TestRegistrationFigures: the registration scenario in quick mode gives writes per second,
// exactly 30 confirmed and 0 over-allocated, on SQLite.
func TestRegistrationFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 5,000 officials")
	}
	res, err := run(context.Background(), Options{Quick: true, Connections: 16, Scenarios: []string{"registration"},
		Out: filepath.Join(t.TempDir(), "results.json")}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkRegistration(t, res)
}

// TestTwoInstancesOnPostgres: --instances 2 on a PostgreSQL database: the registration
// scenario goes through the balancer to both instances, gives figures, and 30 confirmed
// with 0 over-allocated however the approvals were split. Skipped without a server unless
// MASAR_POSTGRES_TESTS=require.
func TestTwoInstancesOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 5,000 officials")
	}
	db := storetest.NewPostgresDatabase(t) // empty: the benchmark's instances migrate it
	res, err := run(context.Background(), Options{Quick: true, Connections: 16, DatabaseURL: db, Instances: 2,
		Scenarios: []string{"registration", "catalogue"}, Out: filepath.Join(t.TempDir(), "results.json")}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkRegistration(t, res)
	if res["backend"] != "postgres×2" {
		t.Errorf("backend %v, want postgres×2", res["backend"])
	}
	served, _ := res["connections_per_instance"].([]int64)
	if len(served) != 2 || served[0] == 0 || served[1] == 0 {
		t.Errorf("connections per instance %v: both instances must have served", served)
	}
	cat := res["catalogue"].(Scenario)
	if cat.RPS <= 0 || cat.BaselineRPS <= 0 || cat.Errors != 0 {
		t.Errorf("catalogue through the balancer: %.0f rps (baseline %.0f), %d errors", cat.RPS, cat.BaselineRPS, cat.Errors)
	}
}

// TestFreshDatabaseIsDropped: --fresh makes a database of its own on the server, runs on it
// and drops it at the end.
func TestFreshDatabaseIsDropped(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 5,000 officials")
	}
	server := storetest.NewPostgresDatabase(t) // any database of the server will do
	var out bytes.Buffer
	res, err := run(context.Background(), Options{Quick: true, Connections: 16, DatabaseURL: server, Fresh: true,
		Scenarios: []string{"registration"}, Out: filepath.Join(t.TempDir(), "results.json")}, &out)
	if err != nil {
		t.Fatal(err)
	}
	checkRegistration(t, res)
	m := regexp.MustCompile(`created database (masarbench_[0-9a-f]+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no database named in the output:\n%s", out.String())
	}
	admin, err := sql.Open(store.PgxDriverName, server)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	var n int
	if err := admin.QueryRow(`SELECT count(*) FROM pg_database WHERE datname = ?`, m[1]).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s is still on the server after the run", m[1])
	}
	if u, _ := url.Parse(server); u != nil && strings.Contains(out.String(), u.Path[1:]) {
		t.Errorf("the run used the server's database %s itself:\n%s", u.Path, out.String())
	}
}

func checkRegistration(t *testing.T, res map[string]any) {
	t.Helper()
	reg, ok := res["registration"].(Scenario)
	if !ok {
		t.Fatalf("no registration figures in %v", res)
	}
	if reg.RPS <= 0 || reg.Requests != 1000 {
		t.Errorf("registration: %.0f writes/s over %d requests, want figures for 1,000", reg.RPS, reg.Requests)
	}
	if reg.Errors != 0 {
		t.Errorf("registration: %d requests failed (%s)", reg.Errors, reg.Note)
	}
	if reg.Confirmed == nil || *reg.Confirmed != 30 || reg.Overallocated == nil || *reg.Overallocated != 0 {
		t.Errorf("registration: confirmed %v, over-allocated %v; want 30 and 0", deref(reg.Confirmed), deref(reg.Overallocated))
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

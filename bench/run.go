package bench

import (
	"bufio"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/store"
)

// Options shape a benchmark run.
type Options struct {
	Quick       bool   // shorter runs and smaller data, to finish within a minute
	Out         string // JSON results file
	Connections int    // concurrent connections per load run (default 64)
	// DatabaseURL, when set, runs Masar on that PostgreSQL database (empty, or made by Masar
	// for the benchmark) instead of an SQLite file; with Fresh it is the URL of any database
	// on the server, where a database of the run's own is created and dropped at the end.
	DatabaseURL string
	Fresh       bool
	// Instances is the number of Masar platforms serving the one database (default 1);
	// from 2 on, every request of every scenario goes through a round-robin Balancer.
	// More than one needs PostgreSQL.
	Instances int
	// Scenarios, when set, runs only the scenarios named (and no growth series).
	Scenarios []string
	// SinglePageRun measures each page as before 2026-12-05 (see page): one load run
	// straight after what ran before, then one run of the baseline.
	SinglePageRun bool
}

// ScenarioNames are the scenarios in the order they run.
var ScenarioNames = []string{"catalogue", "lesson", "calendar", "registration", "search", "certificate", "xlsx_export"}

// check refuses option combinations that cannot run.
func (o *Options) check() error {
	if o.Connections <= 0 {
		o.Connections = 64
	}
	if o.Out == "" {
		o.Out = "bench-results.json"
	}
	if o.Instances <= 0 {
		o.Instances = 1
	}
	if o.DatabaseURL != "" && !store.IsPostgresURL(o.DatabaseURL) {
		return fmt.Errorf("--database-url must be postgres://…, not %q", store.Redact(o.DatabaseURL))
	}
	if o.Fresh && o.DatabaseURL == "" {
		return errors.New("--fresh needs --database-url (the PostgreSQL server to make the database on)")
	}
	if o.Instances > 1 && o.DatabaseURL == "" {
		return errors.New("--instances above 1 needs PostgreSQL (--database-url): instances cannot share an SQLite file")
	}
	for _, name := range o.Scenarios {
		if !slices.Contains(ScenarioNames, name) {
			return fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(ScenarioNames, ", "))
		}
	}
	return nil
}

// Backend names where the figures were taken: "sqlite", "postgres" or "postgres×N".
func (o Options) Backend() string {
	switch {
	case o.DatabaseURL == "":
		return "sqlite"
	case o.Instances > 1:
		return fmt.Sprintf("postgres×%d", o.Instances)
	}
	return "postgres"
}

// Scenario is the result of one scenario, as written to the results file.
type Scenario struct {
	Figures
	BaselineRPS   float64 `json:"baseline_rps,omitempty"`
	BaselineP50ms float64 `json:"baseline_p50_ms,omitempty"`
	BaselineP99ms float64 `json:"baseline_p99_ms,omitempty"`
	Ratio         float64 `json:"ratio,omitempty"`
	// Ratios are the ratios of the page-and-baseline pairs, in the order run; Ratio is their
	// median, and the other figures are those of the median pair (see page).
	Ratios []float64 `json:"ratios,omitempty"`
	// Scenario-specific figures.
	Confirmed     *int     `json:"confirmed,omitempty"`
	Overallocated *int     `json:"overallocated,omitempty"`
	MsPerCert     *float64 `json:"ms_per_cert,omitempty"`
	BulkSeconds   *float64 `json:"bulk_seconds,omitempty"`
	Seconds       *float64 `json:"seconds,omitempty"`
	PeakMB        *float64 `json:"peak_mb,omitempty"`
	Note          string   `json:"note,omitempty"`
}

// Growth is one point of the growth series: the cost of pages at a number of officials.
type Growth struct {
	Officials    int     `json:"officials"`
	LessonRPS    float64 `json:"lesson_rps"`
	LessonP99ms  float64 `json:"lesson_p99_ms"`
	ListRPS      float64 `json:"staff_list_rps"`
	ListP99ms    float64 `json:"staff_list_p99_ms"`
	ListBytes    int     `json:"staff_list_bytes"`
	ListBaseline float64 `json:"staff_list_baseline_rps"`
}

// Machine describes where the figures were taken.
type Machine struct {
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
}

// Run carries out the benchmark and writes the table to out and the JSON to opts.Out.
func Run(ctx context.Context, opts Options, out io.Writer) error {
	_, err := run(ctx, opts, out)
	return err
}

// run is Run, returning the results as written to the file.
func run(ctx context.Context, opts Options, out io.Writer) (map[string]any, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	r, err := newRig(ctx, opts, out)
	if err != nil {
		return nil, err
	}
	defer r.close()
	results := map[string]any{}
	var order []string
	add := func(name string, s Scenario) {
		results[name] = s
		order = append(order, name)
		fmt.Fprintf(out, "  %-14s done\n", name)
	}
	fmt.Fprintf(out, "Masar benchmark (%s mode, %s, %d connections, %s per load run)\n", map[bool]string{true: "quick", false: "full"}[opts.Quick],
		opts.Backend(), opts.Connections, r.dur)
	chosen := func(name string) bool { return len(opts.Scenarios) == 0 || slices.Contains(opts.Scenarios, name) }
	growing := len(opts.Scenarios) == 0
	n := r.size(1000, 1000)
	if err := r.seedOfficials(ctx, n); err != nil {
		return nil, err
	}
	var growth []Growth
	if growing {
		g, err := r.growthPoint(ctx)
		if err != nil {
			return nil, err
		}
		growth = append(growth, g)
	}
	if err := r.seedOfficials(ctx, r.size(10000, 5000)-n); err != nil {
		return nil, err
	}
	if growing || chosen("lesson") {
		if err := r.seedEnrolments(ctx, r.size(50000, 10000)); err != nil {
			return nil, err
		}
	}
	if growing || chosen("calendar") || chosen("search") {
		if err := r.seedWorkshops(ctx, r.size(200, 60)); err != nil {
			return nil, err
		}
	}
	if growing || chosen("certificate") {
		if err := r.seedCertificates(ctx, r.size(5000, 500)); err != nil {
			return nil, err
		}
	}
	for _, sc := range r.scenarios() {
		if !chosen(sc.name) {
			continue
		}
		s, err := sc.run(ctx)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", sc.name, err)
		}
		add(sc.name, s)
	}
	if growing {
		g, err := r.growthPoint(ctx)
		if err != nil {
			return nil, err
		}
		growth = append(growth, g)
		if err := r.seedOfficials(ctx, r.size(100000, 20000)-r.officials); err != nil {
			return nil, err
		}
		if g, err = r.growthPoint(ctx); err != nil {
			return nil, err
		}
		growth = append(growth, g)
		results["growth"] = growth
	}
	results["machine"] = machine()
	results["backend"] = opts.Backend()
	results["instances"] = opts.Instances
	if r.bal != nil {
		results["connections_per_instance"] = r.bal.Served()
	}
	results["timestamp"] = time.Now().UTC().Format(time.RFC3339)
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(opts.Out, append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	printTable(out, order, results, growth)
	if r.bal != nil {
		fmt.Fprintf(out, "\nconnections handed to each instance by the balancer: %v\n", r.bal.Served())
	}
	fmt.Fprintf(out, "\nresults written to %s\n", opts.Out)
	return results, nil
}

func printTable(out io.Writer, order []string, results map[string]any, growth []Growth) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nscenario\trps (writes/s)\tp50 ms\tp99 ms\tbaseline rps\tratio\tbytes\terrors\tother\t")
	for _, name := range order {
		s := results[name].(Scenario)
		other := s.Note
		if s.Confirmed != nil {
			other = fmt.Sprintf("confirmed=%d overallocated=%d (%s)", *s.Confirmed, *s.Overallocated, s.Note)
		}
		if s.MsPerCert != nil {
			other = fmt.Sprintf("%.1f ms/cert, bulk 200 in %.1f s", *s.MsPerCert, *s.BulkSeconds)
		}
		if s.Seconds != nil {
			other = fmt.Sprintf("%.2f s, peak +%.0f MB", *s.Seconds, *s.PeakMB)
		}
		ratio := ""
		if s.Ratio > 0 {
			ratio = fmt.Sprintf("%.0f%%", s.Ratio*100)
		}
		if len(s.Ratios) > 0 && other == "" {
			other = "pairs:"
			for _, x := range s.Ratios {
				other += fmt.Sprintf(" %.0f%%", x*100)
			}
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%.0f\t%s\t%d\t%d\t%s\t\n", name, s.RPS, s.P50ms, s.P99ms, s.BaselineRPS, ratio, s.Bytes, s.Errors, other)
	}
	_ = tw.Flush()
	if len(growth) == 0 {
		return
	}
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nofficials\tlesson rps\tlesson p99\tstaff list rps\tlist p99\tlist bytes\tlist baseline rps\t")
	for _, g := range growth {
		fmt.Fprintf(tw, "%d\t%.0f\t%.2f\t%.0f\t%.2f\t%d\t%.0f\t\n", g.Officials, g.LessonRPS, g.LessonP99ms, g.ListRPS, g.ListP99ms, g.ListBytes, g.ListBaseline)
	}
	_ = tw.Flush()
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer func() { _ = f.Close() }() // read only
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// rig is the platform under test and what the scenarios share.
type rig struct {
	opts      Options
	dir       string
	p         *platform.Platform   // the first instance: seeding and direct calls go to it
	ps        []*platform.Platform // every instance
	bal       *Balancer            // in front of the instances, from two on
	fresh     *freshDatabase       // the run's own PostgreSQL database (--fresh)
	base      string               // where requests go: the one instance or the balancer
	dur       time.Duration
	officials int
	sessions  []string // session cookies of seeded officials
	staff     string   // session cookie of a staff account
	stop      context.CancelFunc
	served    []chan error
}

func newRig(ctx context.Context, opts Options, out io.Writer) (_ *rig, err error) {
	dir, err := os.MkdirTemp("", "masarbench-")
	if err != nil {
		return nil, err
	}
	serveCtx, stop := context.WithCancel(context.Background())
	r := &rig{opts: opts, dir: dir, dur: 5 * time.Second, stop: stop}
	if opts.Quick {
		r.dur = 1500 * time.Millisecond
	}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	dbURL := opts.DatabaseURL
	if opts.Fresh {
		if r.fresh, err = createFreshDatabase(ctx, opts.DatabaseURL); err != nil {
			return nil, err
		}
		dbURL = r.fresh.url
		fmt.Fprintf(out, "created database %s for this run\n", r.fresh.name)
	}
	lns := make([]net.Listener, opts.Instances)
	addrs := make([]string, opts.Instances)
	for i := range lns {
		if lns[i], err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			for _, ln := range lns[:i] {
				_ = ln.Close()
			}
			return nil, err
		}
		addrs[i] = lns[i].Addr().String()
	}
	r.base = "http://" + addrs[0]
	if opts.Instances > 1 {
		if r.bal, err = StartBalancer(addrs); err != nil {
			for _, ln := range lns {
				_ = ln.Close()
			}
			return nil, err
		}
		r.base = "http://" + r.bal.Addr()
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The instances open one after the other (the first migrates an empty database), each
	// with its own data directory, sharing the server key as a deployment shares it.
	for i, ln := range lns {
		cfg := config.Default()
		cfg.DataDir = filepath.Join(dir, fmt.Sprintf("data%d", i))
		cfg.DatabaseURL = dbURL
		cfg.Addr = addrs[i]
		cfg.BaseURL = r.base
		cfg.LoginsPerMinute, cfg.RegistrationsPerHour = 1<<20, 1<<20
		cfg.BcryptCost = 4
		if err == nil {
			err = cfg.Validate()
		}
		// The instances share the server key through the database (cluster.Secret), as a
		// deployment's do: nothing to copy between their data directories.
		var p *platform.Platform
		if err == nil {
			p, err = platform.Open(ctx, cfg, log)
		}
		if err != nil {
			for _, ln := range lns[i:] {
				_ = ln.Close()
			}
			return nil, fmt.Errorf("instance %d: %w", i+1, err)
		}
		r.ps = append(r.ps, p)
		// Served as in production, with the background work (visit batches, index upkeep).
		served := make(chan error, 1)
		r.served = append(r.served, served)
		go func() { served <- p.ServeListener(serveCtx, ln, io.Discard) }()
	}
	p := r.ps[0]
	r.p = p
	staff, err := p.Officials.Create(ctx, audit.Actor{Email: "bench"}, officials.Input{Email: "staff@bench.example", NameAr: "فريق البرنامج",
		NameLatin: "Programme staff", JobTitle: "Staff", Organisation: "Masar", Sector: "international", Gender: "unspecified", Language: "ar"}, officials.RoleStaff)
	if err != nil {
		return nil, err
	}
	if r.staff, err = p.Officials.NewSession(ctx, staff.ID, officials.SessionMeta{}); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *rig) close() {
	if r.bal != nil {
		_ = r.bal.Close()
	}
	r.stop()
	for _, served := range r.served {
		if err := <-served; err != nil {
			fmt.Fprintln(os.Stderr, "masarbench: server stopped with", err)
		}
	}
	for _, p := range r.ps {
		_ = p.Close()
	}
	if r.fresh != nil {
		if err := r.fresh.drop(); err != nil {
			fmt.Fprintln(os.Stderr, "masarbench:", err)
		}
	}
	_ = os.RemoveAll(r.dir)
}

// size picks the full or the quick figure.
func (r *rig) size(full, quick int) int {
	if r.opts.Quick {
		return quick
	}
	return full
}

var arabicFirst = []string{"محمد", "فاطمة", "أحمد", "مريم", "عبد الله", "نور", "يوسف", "سارة", "خالد", "ليلى", "عمر", "هدى"}
var latinFirst = []string{"Mohammed", "Fatima", "Ahmed", "Maryam", "Abdullah", "Nour", "Youssef", "Sara", "Khaled", "Layla", "Omar", "Huda"}
var arabicLast = []string{"الأحمد", "الحسن", "المصري", "التونسي", "العلي", "الخطيب", "السيد", "الحداد"}
var latinLast = []string{"Al-Ahmad", "Al-Hassan", "El-Masri", "Tounsi", "Al-Ali", "Al-Khatib", "El-Sayed", "Haddad"}

// seedOfficials adds n officials across the member states, 1,000 per transaction, and keeps
// sessions for some of them.
func (r *rig) seedOfficials(ctx context.Context, n int) error {
	if n <= 0 {
		return nil
	}
	cs, err := r.p.Officials.Countries(ctx, true)
	if err != nil {
		return err
	}
	actor := audit.Actor{Email: "bench"}
	err = r.p.DB.Relaxed(ctx, func() error {
		for done := 0; done < n; {
			batch := min(1000, n-done)
			err := r.p.DB.Tx(ctx, func(tx *sql.Tx) error {
				for i := 0; i < batch; i++ {
					k := r.officials + done + i
					in := officials.Input{Email: fmt.Sprintf("official%06d@gov.bench.example", k),
						NameAr: arabicFirst[k%len(arabicFirst)] + " " + arabicLast[(k/7)%len(arabicLast)], NameLatin: latinFirst[k%len(latinFirst)] + " " + latinLast[(k/7)%len(latinLast)],
						JobTitle: "مدير إدارة", Organisation: "وزارة التخطيط", Country: cs[k%len(cs)].ISO,
						Sector: officials.Sectors[k%len(officials.Sectors)], Gender: []string{"female", "male"}[k%2], Language: []string{"ar", "en", "fr"}[k%3]}
					id, err := r.p.Officials.CreateTx(ctx, tx, actor, in, officials.RoleOfficial)
					if err != nil {
						return fmt.Errorf("seed official %d: %w", k, err)
					}
					// Each seeded official has followed the link of their confirmation mail:
					// only a confirmed address may apply to a workshop or enrol.
					if _, err := tx.ExecContext(ctx, `UPDATE officials SET email_confirmed_at = ? WHERE id = ?`, store.Now(), id); err != nil {
						return fmt.Errorf("seed official %d: confirm the address: %w", k, err)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			done += batch
		}
		return nil
	})
	if err != nil {
		return err
	}
	// As after an import of officials: the name index is compacted.
	if _, err := r.p.Officials.CompactSearch(ctx); err != nil {
		return err
	}
	r.officials += n
	for len(r.sessions) < 256 && len(r.sessions) < r.officials {
		o, err := r.p.Officials.GetByEmail(ctx, fmt.Sprintf("official%06d@gov.bench.example", len(r.sessions)))
		if err != nil {
			return err
		}
		tok, err := r.p.Officials.NewSession(ctx, o.ID, officials.SessionMeta{})
		if err != nil {
			return err
		}
		r.sessions = append(r.sessions, tok)
	}
	return nil
}

// seedCertificates issues n course certificates, through the platform's own issuing (each a
// rendered PDF), two at a time, to officials from the 3,000th on (the certificate scenario
// uses the 1,000th to the 2,200th) and for courses other than the first (the scenario's).
func (r *rig) seedCertificates(ctx context.Context, n int) error {
	cat := r.p.Library.Catalogue().Courses()
	actor := audit.Actor{Email: "bench"}
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	return r.p.DB.Relaxed(ctx, func() error {
		var g errgroup.Group
		g.SetLimit(2)
		for k := 0; k < n; k++ {
			o := int64(3000+k) + 2 // account 1 is the staff account
			co := cat[1+k%(len(cat)-1)]
			g.Go(func() error {
				_, _, err := r.p.Certificates.IssueCourse(ctx, actor, o, co.Slug, at)
				return err
			})
		}
		return g.Wait()
	})
}

// seedEnrolments enrols officials in courses (n enrolments in all) with some lessons done:
// every enrolment and lesson opening first, on a clock set a day back (a lesson counts as
// read once open for its reading time), then the lessons marked done, on today's clock. On
// PostgreSQL, whose writers run side by side, eight officials are seeded at a time (one
// transaction per step, each waiting for its commit, would take minutes one by one); on
// SQLite's one writer, one at a time.
func (r *rig) seedEnrolments(ctx context.Context, n int) error {
	cat := r.p.Library.Catalogue().Courses()
	workers := 1
	if r.p.DB.Dialect() == store.Postgres {
		workers = 8
	}
	each := func(step func(o int64, co *courses.Course, lessons int) error) error {
		var g errgroup.Group
		g.SetLimit(workers)
		for k := 0; k < n; k++ {
			o := int64(k%r.officials) + 2 // account 1 is the staff account
			co := cat[(k/r.officials+k)%len(cat)]
			if err := ctx.Err(); err != nil {
				return err
			}
			g.Go(func() error { return step(o, co, k%len(co.Lessons)) })
		}
		return g.Wait()
	}
	return r.p.DB.Relaxed(ctx, func() error {
		r.p.Courses.SetClock(func() time.Time { return time.Now().Add(-24 * time.Hour) })
		err := each(func(o int64, co *courses.Course, lessons int) error {
			if err := r.p.Courses.Enrol(ctx, o, co.Slug); err != nil {
				return err
			}
			for i := 0; i < lessons; i++ {
				if err := r.p.Courses.RecordOpen(ctx, o, co.Slug, co.Lessons[i].Slug); err != nil {
					return err
				}
			}
			return nil
		})
		r.p.Courses.SetClock(nil)
		if err != nil {
			return err
		}
		return each(func(o int64, co *courses.Course, lessons int) error {
			for i := 0; i < lessons; i++ {
				if _, err := r.p.Courses.MarkDone(ctx, o, co.Slug, co.Lessons[i].Slug); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// pagePairs is how many page runs alternate with baseline runs (see page).
const pagePairs = 3

// page measures a GET page and a baseline serving the same bytes.
//
// Since 2026-12-05, the machine is settled first (settle: on PostgreSQL a CHECKPOINT and
// VACUUM ANALYZE of the rows just seeded, and a garbage collection), then page and baseline
// runs alternate, pagePairs of each, of half the run duration; the ratio is the median of
// the pairs' ratios, and the other figures are the median pair's. Before, one page run came
// straight after the seeding and one baseline run after it: on PostgreSQL the server's
// checkpoint and the flushing of thousands of seeded rows ran on the two cores during the
// page run only, and a burst of another program's work landed on one side of the
// comparison. Options.SinglePageRun keeps that method, to compare the two.
func (r *rig) page(ctx context.Context, build func(i int) (*http.Request, error)) (Scenario, error) {
	req, err := build(0)
	if err != nil {
		return Scenario{}, err
	}
	body, ct, status, err := fetch(req)
	if err != nil {
		return Scenario{}, err
	}
	if status != 200 {
		return Scenario{}, fmt.Errorf("GET %s: status %d", req.URL, status)
	}
	b, err := StartBaseline(body, ct)
	if err != nil {
		return Scenario{}, err
	}
	defer func() { _ = b.Close() }()
	pairs, dur := 1, r.dur
	if !r.opts.SinglePageRun {
		if err := r.settle(ctx); err != nil {
			return Scenario{}, err
		}
		pairs, dur = pagePairs, r.dur/2
	}
	runs := make([]Scenario, pairs)
	for i := range runs {
		f, err := Load{Connections: r.opts.Connections, Duration: dur, Request: build}.Run(ctx)
		if err != nil {
			return Scenario{}, err
		}
		bf, err := Load{URL: b.URL(), Connections: r.opts.Connections, Duration: dur}.Run(ctx)
		if err != nil {
			return Scenario{}, err
		}
		runs[i] = Scenario{Figures: f, BaselineRPS: bf.RPS, BaselineP50ms: bf.P50ms, BaselineP99ms: bf.P99ms, Ratio: f.RPS / bf.RPS}
	}
	ratios := make([]float64, len(runs))
	for i, run := range runs {
		ratios[i] = run.Ratio
	}
	slices.SortFunc(runs, func(a, b Scenario) int { return cmp.Compare(a.Ratio, b.Ratio) })
	median := runs[len(runs)/2]
	if pairs > 1 {
		median.Ratios = ratios
	}
	return median, nil
}

// settle lets the database finish with what the seeding left (PostgreSQL's checkpoint of
// the rows written, their visibility map and statistics) and collects the garbage, so that
// none of it runs during a measurement.
func (r *rig) settle(ctx context.Context) error {
	if r.p.DB.Dialect() == store.Postgres {
		for _, q := range []string{"CHECKPOINT", "VACUUM ANALYZE"} {
			if _, err := r.p.DB.W.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("settle: %s: %w", q, err)
			}
		}
	}
	runtime.GC()
	return nil
}

func (r *rig) get(path, session string) func(int) (*http.Request, error) {
	return func(int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, r.base+path, nil)
		if err == nil && session != "" {
			req.AddCookie(&http.Cookie{Name: "masar_session", Value: session})
		}
		return req, err
	}
}

// lessonRequest asks for a lesson as one of the seeded officials, varying who and which.
func (r *rig) lessonRequest(i int) (*http.Request, error) {
	cat := r.p.Library.Catalogue().Courses()
	co := cat[i%len(cat)]
	l := co.Lessons[(i/len(cat))%len(co.Lessons)]
	req, err := http.NewRequest(http.MethodGet, r.base+"/ar/courses/"+co.Slug+"/"+l.Slug, nil)
	if err == nil {
		req.AddCookie(&http.Cookie{Name: "masar_session", Value: r.sessions[i%len(r.sessions)]})
	}
	return req, err
}

func (r *rig) growthPoint(ctx context.Context) (Growth, error) {
	g := Growth{Officials: r.officials}
	short := r.dur / 2
	f, err := Load{Connections: r.opts.Connections, Duration: short, Request: r.lessonRequest}.Run(ctx)
	if err != nil {
		return g, err
	}
	g.LessonRPS, g.LessonP99ms = f.RPS, f.P99ms
	list := r.get("/ar/admin/officials?q=Huda", r.staff)
	req, _ := list(0)
	body, ct, _, err := fetch(req)
	if err != nil {
		return g, err
	}
	f, err = Load{Connections: r.opts.Connections, Duration: short, Request: list}.Run(ctx)
	if err != nil {
		return g, err
	}
	g.ListRPS, g.ListP99ms, g.ListBytes = f.RPS, f.P99ms, len(body)
	b, err := StartBaseline(body, ct)
	if err != nil {
		return g, err
	}
	defer func() { _ = b.Close() }()
	bf, err := Load{URL: b.URL(), Connections: r.opts.Connections, Duration: short}.Run(ctx)
	g.ListBaseline = bf.RPS
	return g, err
}

type scenario struct {
	name string
	run  func(ctx context.Context) (Scenario, error)
}

// scenarios lists what is measured at the 10,000-official size.
func (r *rig) scenarios() []scenario {
	return []scenario{
		{"catalogue", func(ctx context.Context) (Scenario, error) { return r.page(ctx, r.get("/ar/courses", "")) }},
		{"lesson", func(ctx context.Context) (Scenario, error) { return r.page(ctx, r.lessonRequest) }},
		{"calendar", func(ctx context.Context) (Scenario, error) {
			return r.page(ctx, r.get("/ar/workshops?country=JO&kind=regional", ""))
		}},
		{"registration", r.registration},
		{"search", func(ctx context.Context) (Scenario, error) { return r.page(ctx, r.searchRequest) }},
		{"certificate", r.certificate},
		{"xlsx_export", func(context.Context) (Scenario, error) {
			m, err := reports.MeasureExport(io.Discard, 100000)
			if err != nil {
				return Scenario{}, err
			}
			return Scenario{Seconds: &m.Seconds, PeakMB: &m.PeakMB, Note: fmt.Sprintf("%d participant rows streamed, %d bytes", m.Rows, m.Bytes)}, nil
		}},
	}
}

// searchQueries are what officials type: Arabic with and without hamza, ta marbuta as ha,
// prefixes; English and French.
var searchQueries = []string{"البيانات المفتوحه", "اداره البيانات", "والشفافية", "بالمشاركة", "خطة عمل", "الاستشارة الإلكترونية",
	"open data portal", "citizen feedback", "action plan", "données ouvertes", "participation citoyenne"}

// searchRequest varies the query and the language.
func (r *rig) searchRequest(i int) (*http.Request, error) {
	q := searchQueries[i%len(searchQueries)]
	lang := "ar"
	if i%len(searchQueries) >= 6 {
		lang = "en"
	}
	return http.NewRequest(http.MethodGet, r.base+"/api/v1/search?lang="+lang+"&q="+url.QueryEscape(q), nil)
}

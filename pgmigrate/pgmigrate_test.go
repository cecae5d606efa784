package pgmigrate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/pgmigrate"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
	"github.com/masar-platform/masar/store/storetest/dirstate"
	"github.com/masar-platform/masar/workshops"
)

var samplePDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// install is a populated SQLite installation, its server still running on it.
type install struct {
	cfg      config.Config
	p        *platform.Platform
	layla    *officials.Official // a live official, registered to the workshop
	erased   int64               // an official whose account was erased
	workshop int64               // a published workshop
}

// newInstall starts a platform on a new data directory and fills it through the features'
// own services, as people would: staff, officials and a focal point, a published workshop
// with registrations (one approved), certificates, an advisory request with its files, an
// erased account, and the audit entries, mail and sessions all of that leaves behind.
func newInstall(t *testing.T) *install {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := platform.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	sys := audit.Actor{Email: "fixture"}
	person := func(email, nameAr, nameLatin, country, role string) *officials.Official {
		t.Helper()
		in := officials.Input{Email: email, NameAr: nameAr, NameLatin: nameLatin, JobTitle: "Analyst", Organisation: "Ministry of Planning",
			Country: country, Sector: "central_government", Gender: "female", Language: "ar"}
		o, err := p.Officials.Create(ctx, sys, in, role)
		must(err, "official "+email)
		return o
	}
	staff := person("staff@masar.test", "فريق البرنامج", "Programme staff", "", officials.RoleStaff)
	focal := person("focal@jo.masar.test", "سامي حداد", "Sami Haddad", "JO", officials.RoleFocalPoint)
	layla := person("layla@jo.masar.test", "ليلى حسن", "Layla Hassan", "JO", officials.RoleOfficial)
	omar := person("omar@eg.masar.test", "عمر فاروق", "Omar Farouk", "EG", officials.RoleOfficial)
	gone := person("gone@tn.masar.test", "نور الهدى", "Nour Elhouda", "TN", officials.RoleOfficial)
	_, err = p.Officials.NewSession(ctx, layla.ID, officials.SessionMeta{})
	must(err, "session")
	_, err = p.Officials.CreateAPIToken(ctx, staff.ID, "scripts")
	must(err, "token")

	start := time.Now().UTC().AddDate(0, 1, 0)
	w, err := p.Workshops.Create(ctx, sys, workshops.Input{
		Title: map[string]string{"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"}, Kind: workshops.KindRegional,
		Phases: []int{1, 2}, HostCountry: "JO", City: "Amman", Venue: "Ministry of Digital Economy",
		StartDate: start.Format("2006-01-02"), EndDate: start.AddDate(0, 0, 2).Format("2006-01-02"),
		Languages: []string{"ar", "en"}, Capacity: 20, CountryQuota: 3, Hours: 12})
	must(err, "workshop")
	_, err = p.Workshops.SetStatus(ctx, sys, w.ID, workshops.StatusPublished)
	must(err, "publish")
	r, err := p.Workshops.Apply(ctx, layla, w.ID, "أعمل على بوابة البيانات المفتوحة")
	must(err, "apply")
	_, err = p.Workshops.Transition(ctx, staff, r.ID, workshops.ActApprove)
	must(err, "approve")
	_, err = p.Workshops.Apply(ctx, omar, w.ID, "Open data in Egypt")
	must(err, "apply")

	// A course under way: enrolled, a lesson opened a day ago and done (lesson_progress
	// refers to the enrolment by a two-column key).
	co := p.Library.Catalogue().Courses()[0]
	p.Courses.SetClock(func() time.Time { return time.Now().Add(-24 * time.Hour) })
	must(p.Courses.Enrol(ctx, layla.ID, co.Slug), "enrol")
	must(p.Courses.RecordOpen(ctx, layla.ID, co.Slug, co.Lessons[0].Slug), "open a lesson")
	p.Courses.SetClock(nil)
	_, err = p.Courses.MarkDone(ctx, layla.ID, co.Slug, co.Lessons[0].Slug)
	must(err, "lesson done")

	for _, o := range []*officials.Official{layla, omar} {
		_, err = p.Certificates.IssueByHand(ctx, sys, certificates.HandIssue{OfficialID: o.ID, Kind: certificates.KindCourse,
			Course: "open-government-data", Reason: "Completed before the platform opened"})
		must(err, "certificate")
	}

	letter := advisory.LetterInput{Reference: "MoDEE/2026/118", Date: "2026-01-15", SignatoryName: "Dr Sami Haddad",
		SignatoryTitle: "Secretary-General", File: &advisory.File{Name: "letter.pdf", Data: samplePDF}}
	_, err = p.Advisory.Create(ctx, focal, advisory.Input{Country: "JO", RequestingBody: "وزارة التخطيط", Phases: []int{1, 3},
		Topics: []string{"action_plan"}, Needs: "Jordan asks for a review of its open-data licence.", SupportKinds: []string{"policy_review"},
		Language: "ar", Letter: letter}, []advisory.File{{Name: "plan.pdf", Data: samplePDF}})
	must(err, "advisory request")

	must(p.Officials.Erase(ctx, sys, gone.ID, "asked by the person"), "erase")
	return &install{cfg: cfg, p: p, layla: layla, erased: gone.ID, workshop: w.ID}
}

// TestMigrateToPostgres copies a populated installation, its server running, into a new
// PostgreSQL database: every table arrives with the same rows (count and checksum), the
// staff list's name search finds the live accounts and not the erased one, new rows get
// ids after the copied ones, and the same database is refused the second time.
func TestMigrateToPostgres(t *testing.T) {
	target := storetest.NewPostgresDatabase(t)
	in := newInstall(t)
	ctx := context.Background()

	var progress []string
	rep, err := pgmigrate.Run(ctx, pgmigrate.Options{From: in.cfg.DBPath(), To: target,
		Progress: func(table string, _ int64) { progress = append(progress, table) }})
	var out strings.Builder
	rep.Print(&out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Logf("the report:\n%s", out.String())
	if rep.SchemaVersion != store.LatestSchemaVersion() {
		t.Errorf("schema version %d, want %d", rep.SchemaVersion, store.LatestSchemaVersion())
	}
	rows := map[string]int64{}
	for _, c := range rep.Tables {
		rows[c.Name] = c.TargetRows
		if !c.OK() {
			t.Errorf("%s: %d rows, sum %s on SQLite; %d rows, sum %s on PostgreSQL", c.Name, c.SourceRows, c.SourceSum, c.TargetRows, c.TargetSum)
		}
	}
	// What the fixture made must be there, not just "equal on both sides".
	for table, least := range map[string]int64{"countries": 20, "officials": 5, "sessions": 1, "api_tokens": 1, "workshops": 1,
		"registrations": 2, "certificates": 2, "enrolments": 1, "lesson_progress": 1, "lesson_opens": 1, "advisory_requests": 1, "advisory_attachments": 1, "audit_log": 5, "outbox": 1} {
		if rows[table] < least {
			t.Errorf("%s: %d rows copied, want at least %d", table, rows[table], least)
		}
	}
	if len(rep.Tables) < 40 || len(progress) != len(rep.Tables) {
		t.Errorf("%d tables copied, %d reported as they went; Masar has more than 40", len(rep.Tables), len(progress))
	}
	for _, skipped := range []string{"goose_db_version", "search_docs", "search_meta", "officials_fts", "officials_fts_data"} {
		if _, ok := rows[skipped]; ok {
			t.Errorf("%s was copied; it is the target's own or rebuilt", skipped)
		}
	}
	if !strings.Contains(out.String(), "officials_fts (4 rows)") {
		t.Errorf("the report does not say the name search holds the 4 live accounts:\n%s", out.String())
	}
	// Parents before children: a registration needs its workshop and official.
	pos := map[string]int{}
	for i, name := range progress {
		pos[name] = i
	}
	if !(pos["countries"] < pos["officials"] && pos["officials"] < pos["workshops"] && pos["workshops"] < pos["registrations"] && pos["registrations"] < pos["attendance"] &&
		pos["enrolments"] < pos["lesson_progress"]) {
		t.Errorf("copy order does not put parents first: %v", progress)
	}

	db, err := store.OpenShared(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// The staff list's name search (a trigram table kept by triggers on PostgreSQL).
	rs, err := db.R.QueryContext(ctx, `SELECT rowid FROM officials_fts WHERE body ILIKE ? ORDER BY rowid`, "%layla hassan%")
	hits, err := store.Collect(rs, err, store.Column[int64])
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0] != in.layla.ID {
		t.Errorf("name search for Layla Hassan found %v, want [%d]", hits, in.layla.ID)
	}
	var erasedIndexed int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM officials_fts WHERE rowid = ?`, in.erased).Scan(&erasedIndexed); err != nil || erasedIndexed != 0 {
		t.Errorf("the erased account is in the name search (%d rows, %v)", erasedIndexed, err)
	}

	// Every identity sequence continues after the largest copied id.
	type seq struct {
		table, col string
	}
	rs, err = db.R.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`)
	seqs, err := store.Collect(rs, err, func(s store.Scanner) (seq, error) {
		var q seq
		return q, s.Scan(&q.table, &q.col)
	})
	if err != nil || len(seqs) < 20 {
		t.Fatalf("identity columns: %v, %v", seqs, err)
	}
	for _, q := range seqs {
		var max, next int64
		err := db.W.QueryRowContext(ctx, fmt.Sprintf(`SELECT coalesce(max(%s), 0), nextval(pg_get_serial_sequence('%s', '%s')) FROM %s`, q.col, q.table, q.col, q.table)).Scan(&max, &next)
		if err != nil {
			t.Fatal(err)
		}
		if next != max+1 {
			t.Errorf("%s: the next id is %d, the largest copied %d", q.table, next, max)
		}
	}
	// And a row written as the features write it gets a fresh id.
	var id int64
	if err := db.W.QueryRowContext(ctx, `INSERT INTO audit_log (at, actor_email, action) VALUES (?, 'test', 'test') RETURNING id`, store.Now()).Scan(&id); err != nil {
		t.Fatalf("a new audit entry: %v", err)
	}
	if id <= rows["audit_log"] {
		t.Errorf("a new audit entry got id %d, not after the %d copied", id, rows["audit_log"])
	}

	// The same database again: refused, with the tables that hold data named.
	_, err = pgmigrate.Run(ctx, pgmigrate.Options{From: in.cfg.DBPath(), To: target})
	if !errors.Is(err, pgmigrate.ErrTargetNotEmpty) || !strings.Contains(err.Error(), "already holds data") {
		t.Errorf("a second migration into the same database: %v, want it refused as not empty", err)
	}
}

// newSQLite makes a migrated SQLite installation (no server on it, Jordan its only row) at
// schema version (0: this program's; then empty) and returns its file. The source of a
// migration is an SQLite file whatever MASAR_TEST_DATABASE says, so these tests make their
// files themselves rather than through storetest.Open.
func newSQLite(t *testing.T, version int64) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "masar.db")
	if version > 0 {
		if err := store.CreateAtVersion(ctx, path, version); err != nil {
			t.Fatal(err)
		}
		return path
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, `INSERT INTO countries (iso2, name_ar, name_en, name_fr, timezone) VALUES ('JO', 'الأردن', 'Jordan', 'Jordanie', 'Asia/Amman')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMigrateRefusesATargetInUse: a database with tables of its own, or with Masar's schema
// at another version, is refused before anything is written to it; one that this program
// migrated and nobody used (as a failed migration leaves it) is accepted.
func TestMigrateRefusesATargetInUse(t *testing.T) {
	ctx := context.Background()
	src := newSQLite(t, 0)
	latest := store.LatestSchemaVersion()
	cases := []struct {
		name    string
		prepare func(t *testing.T, db *sql.DB, url string)
		refusal string // "" when accepted
	}{
		{"tables of another application", func(t *testing.T, db *sql.DB, _ string) {
			mustExec(t, db, `CREATE TABLE invoices (id BIGINT PRIMARY KEY, total NUMERIC)`)
		}, "holds tables that are not Masar's (invoices)"},
		{"Masar's schema one version behind", func(t *testing.T, _ *sql.DB, url string) {
			mig, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer mig.Close()
			mustExec(t, mig.W, `DELETE FROM goose_db_version WHERE version_id = ?`, latest)
		}, fmt.Sprintf("schema at version %d, and this program's is %d", previousSchemaVersion(t, latest), latest)},
		{"migrated and empty", func(t *testing.T, _ *sql.DB, url string) {
			mig, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			_ = mig.Close()
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := storetest.NewPostgresDatabase(t)
			db, err := sql.Open(store.PgxDriverName, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			c.prepare(t, db, url)
			before := pgTables(t, db)
			_, err = pgmigrate.Run(ctx, pgmigrate.Options{From: src, To: url})
			if c.refusal == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				var n int
				if err := db.QueryRowContext(ctx, `SELECT count(*) FROM countries WHERE iso2 = 'JO'`).Scan(&n); err != nil || n != 1 {
					t.Errorf("Jordan copied %d times (%v)", n, err)
				}
				return
			}
			if !errors.Is(err, pgmigrate.ErrTargetNotEmpty) || !strings.Contains(err.Error(), c.refusal) {
				t.Fatalf("got %v, want a refusal saying %q", err, c.refusal)
			}
			if after := pgTables(t, db); after != before {
				t.Errorf("the refused database changed: tables before %s, after %s", before, after)
			}
		})
	}
}

// TestMigrateReadsTheFileOnly: the SQLite file, here one left by an older Masar, is not
// written (the database's files are the same, byte for byte and time for time, afterwards,
// and none is added but the empty masar.lock through which `masar backup` too holds the
// directory while it reads); the copy is of its snapshot brought to this program's schema.
func TestMigrateReadsTheFileOnly(t *testing.T) {
	ctx := context.Background()
	// Three migrations back; CreateAtVersion stops at the last migration at or below the
	// number asked for (00022 was never used), so the version the file holds is read back.
	src := newSQLite(t, store.LatestSchemaVersion()-3)
	old := sqliteVersion(t, src)
	before := dirstate.Of(t, filepath.Dir(src))
	rep, err := pgmigrate.Run(ctx, pgmigrate.Options{From: src, To: storetest.NewPostgresDatabase(t)})
	if err != nil {
		t.Fatal(err)
	}
	withoutLock := func(state string) string {
		var kept []string
		for _, line := range strings.SplitAfter(state, "\n") {
			if !strings.HasPrefix(line, "masar.lock ") {
				kept = append(kept, line)
			}
		}
		return strings.TrimSpace(strings.Join(kept, ""))
	}
	before = withoutLock(before)
	if after := withoutLock(dirstate.Of(t, filepath.Dir(src))); after != before {
		t.Errorf("the migration changed the SQLite directory:\nbefore\n%s\nafter\n%s", before, after)
	}
	if rep.SourceVersion != old || rep.SchemaVersion != store.LatestSchemaVersion() {
		t.Errorf("versions %d → %d, want %d → %d", rep.SourceVersion, rep.SchemaVersion, old, store.LatestSchemaVersion())
	}
}

func sqliteVersion(t *testing.T, path string) int64 {
	t.Helper()
	db, _, err := store.OpenReadOnly(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := db.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// pgTables is the tables of the database's schema, with their row counts.
func pgTables(t *testing.T, db *sql.DB) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)
	names, err := store.Collect(rows, err, store.Column[string])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range names {
		var c int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+n+`"`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d ", n, c)
	}
	return b.String()
}

// TestMigratedInstallationServes: Masar started on the migrated database, with the same data
// directory, finds the accounts under their ids, gives a new account the id after the copied
// ones, and rebuilds the search index (not copied) from the content and the workshops.
func TestMigratedInstallationServes(t *testing.T) {
	target := storetest.NewPostgresDatabase(t)
	in := newInstall(t)
	ctx := context.Background()
	rep, err := pgmigrate.Run(ctx, pgmigrate.Options{From: in.cfg.DBPath(), To: target})
	if err != nil {
		t.Fatal(err)
	}
	var copied int64
	for _, c := range rep.Tables {
		if c.Name == "officials" {
			copied = c.TargetRows
		}
	}
	if err := in.p.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := in.cfg
	cfg.DatabaseURL = target
	p, err := platform.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	o, err := p.Officials.GetByEmail(ctx, "layla@jo.masar.test")
	if err != nil || o.ID != in.layla.ID || o.NameAr != "ليلى حسن" {
		t.Fatalf("Layla on PostgreSQL: %+v, %v; want id %d", o, err, in.layla.ID)
	}
	n, err := p.Officials.Create(ctx, audit.Actor{Email: "test"}, officials.Input{Email: "new@om.masar.test", NameAr: "مريم البلوشي",
		NameLatin: "Maryam Al Balushi", JobTitle: "Analyst", Organisation: "Ministry of Economy", Country: "OM",
		Sector: "central_government", Gender: "female", Language: "ar"}, officials.RoleOfficial)
	if err != nil {
		t.Fatal(err)
	}
	if n.ID != copied+1 {
		t.Errorf("a new account got id %d; %d accounts were copied (ids 1…%d)", n.ID, copied, copied)
	}
	// The start-up rebuild runs in the background: wait for it, then both the catalogue and
	// the workshop must be in the index. Two minutes only guard against a rebuild that never
	// comes; it is not a speed target.
	var lessons, workshops int
	giveUp := time.Now().Add(2 * time.Minute)
	for {
		err := p.DB.R.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM search_docs d JOIN search_fts f ON f.rowid = d.id WHERE d.kind = 'lesson'),
			(SELECT count(*) FROM search_docs d JOIN search_fts f ON f.rowid = d.id WHERE d.kind = 'workshop' AND d.ref = ?)`,
			fmt.Sprint(in.workshop)).Scan(&lessons, &workshops)
		if err != nil {
			t.Fatal(err)
		}
		if lessons > 0 && workshops > 0 {
			break
		}
		if time.Now().After(giveUp) {
			t.Fatalf("the search index was not rebuilt on PostgreSQL: %d lessons, %d of the workshop", lessons, workshops)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// previousSchemaVersion is the number of the migration before latest (numbers may leave gaps:
// parallel branches take numbers of their own).
func previousSchemaVersion(t *testing.T, latest int64) int64 {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join("..", "store", "migrations", "sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	var prev int64
	for _, e := range ents {
		num, _, _ := strings.Cut(e.Name(), "_")
		if n, err := strconv.ParseInt(num, 10, 64); err == nil && n < latest && n > prev {
			prev = n
		}
	}
	return prev
}

package eventdocs_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/certificates/popplertest"
	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/eventdocs"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store/storetest"
	"github.com/masar-platform/masar/workshops"
)

// What poppler writes, read back (see popplertest).
var (
	visual        = popplertest.Visual
	noSpace       = popplertest.NoSpace
	popplerVisual = popplertest.PopplerVisual
	mixed         = popplertest.Mixed
	bidiMarks     = popplertest.Marks
)

// env is a real database with the services the documents need.
type env struct {
	t     *testing.T
	offs  *officials.Service
	ws    *workshops.Service
	docs  *eventdocs.Service
	staff *officials.Official
	n     int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if err := officials.SeedCountries(ctx, db); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) }
	offs := officials.New(db, 4, nil)
	m, err := mail.New(db, mail.Config{BaseURL: "https://masar.test", Now: clock}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workshops.New(db, offs, m, workshops.Options{BaseURL: "https://masar.test", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	cat, problems := courses.Load(content.FS)
	if cat == nil {
		t.Fatalf("no courses: %v", problems)
	}
	certs, err := certificates.New(ctx, db, certificates.Options{BaseURL: "https://masar.test", DataDir: t.TempDir(),
		Catalogue: func() *courses.Catalogue { return cat }, Officials: offs, Mailer: m})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, offs: offs, ws: ws, docs: eventdocs.New(certs, ws, offs, i18n.MustLoad(), "https://masar.test")}
	e.staff = e.person(officials.RoleStaff, "", "سلمى ناصر", "Salma Nasser", "female", "Secretariat")
	return e
}

// person creates an account.
func (e *env) person(role, country, nameAr, nameLatin, gender, org string) *officials.Official {
	e.t.Helper()
	e.n++
	in := officials.Input{Email: fmt.Sprintf("person%d@gov.test", e.n), NameAr: nameAr, NameLatin: nameLatin, JobTitle: "Analyst",
		Organisation: org, Country: country, Sector: "central_government", Gender: gender, Language: "ar"}
	o, err := e.offs.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil {
		e.t.Fatalf("create %s: %v", nameLatin, err)
	}
	return o
}

// workshop schedules and publishes a regional workshop in Amman, 10–12 March 2026, with
// sessions on the 10th and the 12th only (the 11th is a site visit off the agenda).
func (e *env) workshop(trainers ...int64) *workshops.Workshop {
	e.t.Helper()
	ctx := context.Background()
	in := workshops.Input{
		Title: map[string]string{"ar": "الورشة الإقليمية حول البيانات الحكومية المفتوحة", "en": "Regional workshop on open government data", "fr": "Atelier régional sur les données publiques ouvertes"},
		Kind:  workshops.KindRegional, Phases: []int{1}, HostCountry: "JO", City: "عمّان", Venue: "فندق لو رويال",
		Timezone:  "Asia/Amman",
		StartDate: "2026-03-10", EndDate: "2026-03-12", Languages: []string{"ar", "fr"}, Capacity: 60, Hours: 12, Trainers: trainers,
		Sessions: []workshops.SessionInput{
			// Half past one at night in Amman (UTC+3) is still the 9th in UTC: the sheet is
			// the 10th's all the same.
			{StartsAt: "2026-03-10T01:30", EndsAt: "2026-03-10T12:30", Title: map[string]string{"ar": "الافتتاح", "en": "Opening"}},
			{StartsAt: "2026-03-12T09:00", EndsAt: "2026-03-12T16:00", Title: map[string]string{"ar": "خطط العمل", "en": "Action plans"}},
		},
	}
	w, err := e.ws.Create(ctx, audit.Actor{ID: e.staff.ID, Email: e.staff.Email}, in)
	if err != nil {
		e.t.Fatalf("create workshop: %v", err)
	}
	if w, err = e.ws.SetStatus(ctx, audit.Actor{ID: e.staff.ID, Email: e.staff.Email}, w.ID, workshops.StatusPublished); err != nil {
		e.t.Fatalf("publish: %v", err)
	}
	return w
}

// confirm nominates an official to the workshop and approves the seat.
func (e *env) confirm(w *workshops.Workshop, o *officials.Official) *workshops.Registration {
	e.t.Helper()
	ctx := context.Background()
	r, err := e.ws.Nominate(ctx, e.staff, w.ID, o, "")
	if err != nil {
		e.t.Fatalf("nominate %s: %v", o.NameLatin, err)
	}
	if r, err = e.ws.Transition(ctx, e.staff, r.ID, workshops.ActApprove); err != nil {
		e.t.Fatalf("approve %s: %v", o.NameLatin, err)
	}
	return r
}

// reload reads the workshop again (its trainers and agenda).
func (e *env) reload(w *workshops.Workshop) *workshops.Workshop {
	e.t.Helper()
	w, err := e.ws.Get(context.Background(), w.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// save writes a document where the test can keep it (MASAR_EVENTDOCS_OUT, to look at it) or
// in a temporary directory, and returns its path.
func save(t *testing.T, name string, b []byte) string {
	t.Helper()
	dir := os.Getenv("MASAR_EVENTDOCS_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// poppler runs a poppler tool, skipping the test where it is not installed (failing it on CI).
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		msg := tool + " (poppler-utils) is not installed; the PDF is not checked with a real parser"
		if os.Getenv("CI") != "" || os.Getenv("MASAR_BROWSER_TESTS") == "require" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	var out, errb bytes.Buffer
	cmd := exec.Command(p, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, errb.String())
	}
	if s := strings.TrimSpace(errb.String()); s != "" {
		t.Errorf("%s complains about the PDF: %s", tool, s)
	}
	return out.String()
}

// textIn is the text poppler extracts from the rectangle (x, top, w, h), in points, of page
// (from 1) of the file.
func textIn(t *testing.T, file string, page int, x, top, w, h float64) string {
	t.Helper()
	pg := fmt.Sprint(page)
	return poppler(t, "pdftotext", "-enc", "UTF-8", "-f", pg, "-l", pg, "-r", "72",
		"-x", fmt.Sprint(int(x)), "-y", fmt.Sprint(int(top)), "-W", fmt.Sprint(int(w+0.5)), "-H", fmt.Sprint(int(h+0.5)), file, "-")
}

// logical is poppler's text without its bidi marks, spaces and line breaks: a text whose
// lines are of one script reads as it was typed.
func logical(s string) string { return noSpace(bidiMarks.Replace(s)) }

// readsAs checks that poppler's text holds want: in logical order for text of one script,
// or, for text mixing Arabic with digits or Latin letters (which poppler cuts into runs),
// as the bidirectional algorithm lays it out on one of the lines.
func readsAs(t *testing.T, where, text, want string) {
	t.Helper()
	if !mixed(want) {
		if !strings.Contains(logical(text), noSpace(want)) {
			t.Errorf("%s: poppler does not read %q in logical order; it read:\n%s", where, want, text)
		}
		return
	}
	v := noSpace(visual(want, true))
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(noSpace(popplerVisual(l)), v) {
			return
		}
	}
	t.Errorf("%s: poppler does not find %q as drawn; it read:\n%s", where, want, text)
}

package web_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store/storetest"
)

// newPlatform opens a real platform on a fresh database of the backend the tests run on.
func newPlatform(t testing.TB) *platform.Platform { return platformWith(t, nil) }

// platformWith is newPlatform with the configuration that change alters (nil: none). Every
// test platform is opened here: a fresh data folder, a fresh database ("" on SQLite; with
// MASAR_TEST_DATABASE=postgres, a new PostgreSQL database), cheap password hashing and rate
// limits no test reaches by accident.
func platformWith(t testing.TB, change func(*config.Config)) *platform.Platform {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.DatabaseURL = storetest.DatabaseURL(t)
	cfg.BcryptCost = 4
	cfg.LoginsPerMinute = 1000
	cfg.RegistrationsPerHour = 1000
	// Staff and admin accounts sign in with their password alone in tests that are not
	// about the second factor; those set SecondFactorRoles back.
	cfg.SecondFactorRoles = []string{}
	if change != nil {
		change(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := platform.Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// courseFolder copies a folder of courses (os.CopyFS) into a temporary folder, which the
// test may change, and returns it.
func courseFolder(t testing.TB, fsys fs.FS) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
	return dir
}

// fixtureCourses is the courses package's fixture catalogue: one course written in Arabic and
// English only, whatever translations the built-in courses gain.
var fixtureCourses = os.DirFS("../courses/testdata/catalogue")

// client is a browser: it keeps cookies and reads the CSRF token from the last page.
type client struct {
	t       testing.TB
	p       *platform.Platform
	cookies map[string]string
	csrf    string
	lang    string
}

func newClient(t testing.TB, p *platform.Platform) *client {
	return &client{t: t, p: p, cookies: map[string]string{}, lang: "ar"}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

type response struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if req.Header.Get("Accept-Language") == "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.p.App.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.Name == "masar_csrf" && ck.Value != c.cookies[ck.Name] {
			// A new seed (first visit, login) makes the form token of earlier pages stale:
			// like a browser, take the next one from a page.
			c.csrf = ""
		}
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	body := string(b)
	if m := csrfRe.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		for _, fault := range markupFaults(body) {
			c.t.Errorf("%s %s: %s", req.Method, req.URL, fault)
		}
	}
	return response{Status: res.StatusCode, Body: body, Header: res.Header, Location: res.Header.Get("Location")}
}

func (c *client) get(path string) response {
	return c.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends a form with this browser's CSRF token (fetching a page first if needed).
func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/" + c.lang + "/login")
	}
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) api(method, path, token, body string) response {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return c.do(req)
}

func registration(email string) url.Values {
	return url.Values{
		"email": {email}, "password": {"correct horse battery"}, "password_confirm": {"correct horse battery"},
		"name_ar": {"عبد الله محمد الأحمد"}, "name_latin": {"Abdullah Mohammed Al-Ahmad"},
		"job_title": {"مدير البيانات المفتوحة"}, "organisation": {"وزارة الاقتصاد الرقمي"},
		"country": {"JO"}, "sector": {"central_government"}, "gender": {"male"}, "language": {"ar"},
	}
}

// account creates an account directly with a role and returns a logged-in client for it.
func account(t testing.TB, p *platform.Platform, email, role, country string) (*client, *officials.Official) {
	t.Helper()
	in := officials.Input{Email: email, Password: "correct horse battery", NameAr: "سارة خالد", NameLatin: "Sara Khaled",
		JobTitle: "Analyst", Organisation: "Ministry", Country: country, Sector: "central_government", Gender: "female", Language: "ar"}
	o, err := p.Officials.Create(context.Background(), audit.Actor{Email: "test"}, in, role)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	confirmAddress(t, p, o)
	c := newClient(t, p)
	if r := c.post("/ar/login", url.Values{"email": {email}, "password": {"correct horse battery"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	return c, o
}

func httpGet(path string) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// rightAnswers is what a learner who studied answers: every correct option, "true" or "false"
// for a true/false question.
func rightAnswers(q *courses.Quiz) map[string][]string {
	answers := map[string][]string{}
	for _, qu := range q.Questions {
		if qu.Type == courses.TrueFalse {
			answers[qu.ID] = []string{fmt.Sprint(qu.Answer)}
			continue
		}
		for _, o := range qu.Options {
			if o.Correct {
				answers[qu.ID] = append(answers[qu.ID], o.ID)
			}
		}
	}
	return answers
}

// drawnRightAnswers opens the official's attempt at course co (or takes the open one) and
// returns the right answers to the questions it asks: an attempt refuses answers to the
// bank's other questions.
func drawnRightAnswers(t testing.TB, svc *courses.Service, officialID int64, co *courses.Course) map[string][]string {
	t.Helper()
	open, err := svc.OpenQuiz(context.Background(), officialID, co.Slug)
	if err != nil {
		t.Fatal(err)
	}
	all := rightAnswers(co.Quiz)
	out := map[string][]string{}
	for _, d := range open.Questions {
		out[d.ID] = all[d.ID]
	}
	return out
}

var (
	idAttr = regexp.MustCompile(`\sid="([^"]+)"`)
	// An element whose role takes no name: a name given with aria-label is ignored (and
	// the Nu checker refuses it).
	namedGeneric = regexp.MustCompile(`<(span|div|p|i|b|em|strong|small)\b([^>]*)\saria-label="`)
	roleAttr     = regexp.MustCompile(`\srole="`)
)

// markupFaults are what every page the tests fetch is checked for, whatever the test: ids
// used twice (a label, an aria-describedby or a fragment then points at the wrong element)
// and aria-label on an element without a role that takes a name.
func markupFaults(body string) []string {
	var faults []string
	seen := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
		if seen[m[1]] {
			faults = append(faults, fmt.Sprintf("id %q is used twice", m[1]))
		}
		seen[m[1]] = true
	}
	for _, m := range namedGeneric.FindAllStringSubmatch(body, -1) {
		if !roleAttr.MatchString(m[2]) {
			faults = append(faults, fmt.Sprintf("aria-label on a <%s> without a role: %s", m[1], strings.TrimSpace(m[0])))
		}
	}
	return faults
}

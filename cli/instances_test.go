package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// buildMasar builds the masar binary into a temporary directory, as an operator would.
func buildMasar(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "masar")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/masar")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startMasar starts `masar serve` from bin on a data directory of its own, with env, and
// waits for /healthz.
func startMasar(t *testing.T, bin string, env ...string) *server {
	t.Helper()
	return startCommand(t, exec.Command(bin, "serve"), append([]string{"MASAR_DATA=" + t.TempDir()}, env...)...)
}

// session is a browser's session cookie, sent by hand so that the same session can be
// shown to either instance, and kept after a logout has cleared it.
type session struct{ cookies []*http.Cookie }

func (s *session) do(t *testing.T, method, u string, form url.Values) (int, string, http.Header) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range s.cookies {
		req.AddCookie(c)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			continue // a logout's clearing: the test keeps the old cookie on purpose
		}
		kept := false
		for i, old := range s.cookies {
			if old.Name == c.Name {
				s.cookies[i], kept = c, true
			}
		}
		if !kept {
			s.cookies = append(s.cookies, c)
		}
	}
	return res.StatusCode, string(b), res.Header
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// logIn logs email in at base through the form and returns the session.
func logIn(t *testing.T, base, email, password string) *session {
	t.Helper()
	s := &session{}
	_, page, _ := s.do(t, "GET", base+"/en/login", nil)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	st, _, h := s.do(t, "POST", base+"/en/login", url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}})
	if st != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "/me") {
		t.Fatalf("login of %s at %s: %d %s", email, base, st, h.Get("Location"))
	}
	return s
}

// post sends a form from the page at pageURL (for its CSRF token) to action.
func (s *session) post(t *testing.T, pageURL, action string, form url.Values) int {
	t.Helper()
	_, page, _ := s.do(t, "GET", pageURL, nil)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on %s", pageURL)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", m[1])
	st, _, _ := s.do(t, "POST", action, form)
	return st
}

// apiCall sends a JSON request with a bearer token (none when token is "") and returns the status
// and the body.
func apiCall(t *testing.T, method, u, token, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// within polls cond for up to one second after a change made on the other instance, and
// says how long the change took to show.
func within(t *testing.T, what string, cond func() bool) {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > time.Second {
			t.Errorf("%s: not seen on the other instance within one second", what)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("%s: seen on the other instance after %v", what, time.Since(start).Round(time.Millisecond))
}

// TestTwoInstancesOnOnePostgresDatabase is the proof of issue 20, item 8: two masar
// processes, built with go build and serving one new PostgreSQL database on two ports,
// (1) take 200 concurrent approvals of a 30-seat workshop with a quota of 3 per country,
// split between them: exactly 30 are confirmed and no country holds more than 3 seats;
// (2) show a change made on one of them on the other within one second: a course content
// reload, a workshop edit, a role change both ways and a logout (the session stops working
// on the other instance too); (3) share their keys: a form's token made by one is taken by
// the other, and a credential signed by one verifies against the other's published keys.
func TestTwoInstancesOnOnePostgresDatabase(t *testing.T) {
	dbURL := storetest.NewPostgresDatabase(t) // skips without a server, unless required
	bin := buildMasar(t)
	contentDir := t.TempDir()
	if err := os.CopyFS(contentDir, content.FS); err != nil {
		t.Fatal(err)
	}
	const adminEmail, adminPassword = "admin@example.org", "an admin password 2026"
	env := []string{"MASAR_DATABASE_URL=" + dbURL, "MASAR_BASE_URL=http://masar.test", "MASAR_CONTENT=" + contentDir,
		"MASAR_ADMIN_EMAIL=" + adminEmail, "MASAR_ADMIN_PASSWORD=" + adminPassword}
	a := startMasar(t, bin, env...) // migrates the database
	b := startMasar(t, bin, env...)
	inst := []*server{a, b}

	token := func(email string) string {
		t.Helper()
		cmd := exec.Command(bin, "token", "create", "--email", email)
		cmd.Env = append(os.Environ(), append([]string{"MASAR_DATA=" + t.TempDir()}, env...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("token create: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	staff := token(adminEmail)

	// A workshop of 30 seats, 3 per country, made on A and published on B.
	st, body := apiCall(t, "POST", a.base+"/api/v1/workshops", staff, `{"title": {"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop"},
		"kind": "regional", "phases": [1], "host_country": "JO", "city": "Amman", "venue": "Le Royal",
		"start_date": "2027-03-10", "end_date": "2027-03-12", "languages": ["ar", "en"], "capacity": 30, "country_quota": 3, "hours": 18}`)
	if st != http.StatusCreated {
		t.Fatalf("create workshop: %d %s", st, body)
	}
	var created struct {
		Data struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &created)
	wid := created.Data.ID
	if st, body := apiCall(t, "PATCH", fmt.Sprintf("%s/api/v1/workshops/%d", b.base, wid), staff, `{"status": "published"}`); st != 200 {
		t.Fatalf("publish: %d %s", st, body)
	}

	// 200 officials of twelve member states, nominated by staff through either instance.
	states := []string{"JO", "QA", "MA", "TN", "EG", "LB", "OM", "KW", "BH", "AE", "SA", "IQ"}
	const people = 200
	regs := make([]int64, people)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < people; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			st, body := apiCall(t, "POST", fmt.Sprintf("%s/api/v1/workshops/%d/registrations", inst[i%2].base, wid), staff, fmt.Sprintf(
				`{"email": "person%d@gov.example", "name_ar": "سلمى حداد", "name_latin": "Salma Haddad", "job_title": "Data officer",
				"organisation": "Ministry of Planning", "country": %q, "sector": "central_government", "gender": "female", "language": "ar",
				"motivation": "I run our open data portal."}`, i, states[i%len(states)]))
			var r struct {
				Data struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
				} `json:"data"`
			}
			_ = json.Unmarshal(body, &r)
			if st != http.StatusCreated || r.Data.Status != "pending" {
				t.Errorf("nomination %d: %d %s", i, st, body)
			}
			regs[i] = r.Data.ID
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// 200 approvals at once, each on the other instance than its nomination.
	codes := make([]int, people)
	start := make(chan struct{})
	for i := 0; i < people; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i], _ = apiCall(t, "POST", fmt.Sprintf("%s/api/v1/registrations/%d/approve", inst[(i+1)%2].base, regs[i]), staff, "")
		}()
	}
	close(start)
	wg.Wait()
	tally := map[int]int{}
	for _, c := range codes {
		tally[c]++
	}
	if tally[http.StatusOK] != 30 || tally[http.StatusOK]+tally[http.StatusConflict] != people {
		t.Errorf("approvals answered %v; want 30 × 200 and every other 409", tally)
	}
	db, err := store.OpenShared(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var confirmed int
	if err := db.R.QueryRow(`SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'confirmed'`, wid).Scan(&confirmed); err != nil || confirmed != 30 {
		t.Errorf("%d confirmed in the database (%v), want 30", confirmed, err)
	}
	rows, err := db.R.Query(`SELECT country, count(*) FROM registrations WHERE workshop_id = ? AND status IN ('confirmed', 'offered') GROUP BY country`, wid)
	err = store.Each(rows, err, func(r store.Scanner) error {
		var c string
		var n int
		if err := r.Scan(&c, &n); err != nil {
			return err
		}
		if n > 3 {
			t.Errorf("%s holds %d seats, quota 3", c, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Both instances show the workshop full.
	for _, s := range inst {
		if _, page, _ := (&session{}).do(t, "GET", fmt.Sprintf("%s/api/v1/workshops/%d", s.base, wid), nil); !strings.Contains(page, `"confirmed":30`) {
			t.Errorf("%s shows the workshop as %s", s.base, page)
		}
	}

	// A workshop edit on A shows on B's public page, which B has just served (and kept).
	anon := &session{}
	pageB := fmt.Sprintf("%s/en/workshops/%d", b.base, wid)
	if _, page, _ := anon.do(t, "GET", pageB, nil); !strings.Contains(page, "Open data workshop") {
		t.Fatalf("B's workshop page lacks its title")
	}
	if st, body := apiCall(t, "PATCH", fmt.Sprintf("%s/api/v1/workshops/%d", a.base, wid), staff,
		`{"title": {"ar": "ورشة البيانات المفتوحة", "en": "Open data workshop, second edition"}}`); st != 200 {
		t.Fatalf("edit workshop: %d %s", st, body)
	}
	within(t, "workshop edit", func() bool {
		_, page, _ := anon.do(t, "GET", pageB, nil)
		return strings.Contains(page, "second edition")
	})

	// A course content reload on A (after the files changed) shows on B.
	courseB := b.base + "/en/courses/citizen-participation"
	if _, page, _ := anon.do(t, "GET", courseB, nil); !strings.Contains(page, "Citizen participation") {
		t.Fatal("B's course page lacks its title")
	}
	manifest := filepath.Join(contentDir, "03-citizen-participation", "course.yaml")
	text, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(text), `en: "Citizen participation"`, `en: "Citizen participation in practice"`, 1)
	if changed == string(text) {
		t.Fatal("the course manifest has no English title to change")
	}
	if err := os.WriteFile(manifest, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	admin := logIn(t, a.base, adminEmail, adminPassword)
	if st := admin.post(t, a.base+"/en/admin/courses", a.base+"/en/admin/content/reload", nil); st != http.StatusSeeOther {
		t.Fatalf("reload on A: %d", st)
	}
	within(t, "content reload", func() bool {
		_, page, _ := anon.do(t, "GET", courseB, nil)
		return strings.Contains(page, "Citizen participation in practice")
	})

	// A role change on A shows on B: a staff member's session on B loses the staff pages
	// when staff make them a trainer, and reaches them again when staff grant the role back.
	const officialPassword = "an official password 2026"
	runCmd := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), append([]string{"MASAR_DATA=" + t.TempDir()}, env...)...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	runCmd(officialPassword+"\n", "admin", "create", "--email", "karim@gov.example", "--role", "staff", "--name", "Karim Haddad")
	karimOnB := logIn(t, b.base, "karim@gov.example", officialPassword)
	staffPage := b.base + "/en/admin/courses"
	if st, _, _ := karimOnB.do(t, "GET", staffPage, nil); st != http.StatusOK {
		t.Fatalf("staff do not reach the staff pages: %d", st)
	}
	var karimID int64
	if err := db.R.QueryRow(`SELECT id FROM officials WHERE email = ?`, "karim@gov.example").Scan(&karimID); err != nil {
		t.Fatal(err)
	}
	profile := `{"name_ar": "كريم حداد", "job_title": "Trainer", "organisation": "Institute of Public Administration",
		"country": "JO", "sector": "central_government", "gender": "male", "language": "ar", "role": %q}`
	if st, body := apiCall(t, "PATCH", fmt.Sprintf("%s/api/v1/officials/%d", a.base, karimID), staff, fmt.Sprintf(profile, "trainer")); st != 200 {
		t.Fatalf("role change on A: %d %s", st, body)
	}
	within(t, "role withdrawn", func() bool {
		st, _, _ := karimOnB.do(t, "GET", staffPage, nil)
		return st != http.StatusOK
	})
	if st, body := apiCall(t, "PATCH", fmt.Sprintf("%s/api/v1/officials/%d", a.base, karimID), staff, fmt.Sprintf(profile, "staff")); st != 200 {
		t.Fatalf("role grant on A: %d %s", st, body)
	}
	within(t, "role grant", func() bool {
		st, _, _ := karimOnB.do(t, "GET", staffPage, nil)
		return st == http.StatusOK
	})

	// Both instances sign with the same key and publish it: a credential issued on A and
	// fetched from B verifies against either instance's DID document and key set.
	var issued struct {
		Data struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	st, body = apiCall(t, "POST", a.base+"/api/v1/certificates", staff,
		`{"email": "karim@gov.example", "kind": "course", "course": "citizen-participation", "reason": "Completion recorded on paper."}`)
	if _ = json.Unmarshal(body, &issued); st != http.StatusCreated || issued.Data.Code == "" {
		t.Fatalf("issue on A: %d %s", st, body)
	}
	st, jwt, _ := karimOnB.do(t, "GET", b.base+"/certificates/"+issued.Data.Code+".jwt", nil)
	if st != http.StatusOK {
		t.Fatalf("credential from B: %d %s", st, jwt)
	}
	kidA, _ := verifyWithJWX(t, a.base, jwt)
	kidB, _ := verifyWithJWX(t, b.base, jwt)
	if kidA != kidB {
		t.Errorf("the credential verifies as %s on A and %s on B", kidA, kidB)
	}

	// A logout on A, with the form's token from a page B served, ends the session on B too.
	onA := logIn(t, a.base, "karim@gov.example", officialPassword)
	onB := &session{cookies: onA.cookies}
	if st, _, _ := onB.do(t, "GET", b.base+"/en/me", nil); st != http.StatusOK {
		t.Fatalf("the session made on A does not work on B: %d", st)
	}
	if st := onA.post(t, b.base+"/en/me", a.base+"/en/logout", nil); st != http.StatusSeeOther {
		t.Fatalf("logout on A: %d", st)
	}
	within(t, "logout", func() bool {
		st, _, _ := onB.do(t, "GET", b.base+"/en/me", nil)
		return st != http.StatusOK
	})
	if t.Failed() {
		t.Logf("instance A:\n%s\ninstance B:\n%s", a.out, b.out)
	}
}

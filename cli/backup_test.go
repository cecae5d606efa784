package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest/dirstate"
	"github.com/masar-platform/masar/workshops"
)

// TestReadOnlyCommandsChangeNothing: on a data directory as a server left it — a bulk
// certificate job still running, no server key — the commands that only read (backup,
// export participants, content check) leave every file as it was, byte for byte and time
// for time: no migration, no job marked interrupted, no key created, no WAL files.
// It runs on SQLite whatever MASAR_TEST_DATABASE says: it is about the data directory's
// files, which a PostgreSQL installation does not keep its data in.
func TestReadOnlyCommandsChangeNothing(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := config.Default()
	cfg.DataDir = data
	cfg.Validate()
	p, err := platform.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	soon := time.Now().AddDate(0, 2, 0)
	w, err := p.Workshops.Create(ctx, audit.Actor{Email: "test"}, workshops.Input{
		Title: map[string]string{"ar": "ورشة مسقط", "en": "Muscat workshop"}, Kind: workshops.KindNational, Phases: []int{1},
		HostCountry: "OM", City: "Muscat", StartDate: soon.Format("2006-01-02"), EndDate: soon.AddDate(0, 0, 1).Format("2006-01-02"), Languages: []string{"ar"}, Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	// A bulk job the server was running when it stopped (as after a crash).
	if _, err := p.DB.W.Exec(`INSERT INTO certificate_jobs (workshop_id, total, status, created_at) VALUES (?, 3, 'running', ?)`, w.ID, store.Now()); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// The server keeps its secret in the database: no secret.key, and no command may write one.
	if _, err := os.Stat(filepath.Join(data, "secret.key")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("secret.key in the data directory: %v", err)
	}
	before := dirstate.Of(t, data)
	out := t.TempDir()
	id := strconv.FormatInt(w.ID, 10)
	for _, args := range [][]string{
		{"backup", filepath.Join(out, "backup.tar.gz")},
		{"export", "participants", id, filepath.Join(out, "participants.xlsx"), "--lang", "en"},
		{"content", "check"},
	} {
		var stdout bytes.Buffer
		if err := Run(ctx, args, nil, &stdout, log); err != nil && !(args[0] == "content" && banksAwaitLessons()) {
			t.Fatalf("%v: %v\n%s", args, err, stdout.String())
		}
		if got := dirstate.Of(t, data); got != before {
			t.Fatalf("%v changed the data directory:\nbefore\n%s\nafter\n%s", args, before, got)
		}
	}
	for _, f := range []string{"backup.tar.gz", "participants.xlsx"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want -rw-------", f, st.Mode(), err)
		}
	}
	db, _, err := store.OpenReadOnly(ctx, cfg.DBPath(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var status string
	if err := db.R.QueryRow("SELECT status FROM certificate_jobs").Scan(&status); err != nil || status != "running" {
		t.Errorf("the job is %q (%v), want running", status, err)
	}
}

// TestReadOnlyCommandsChangeNothingAfterACrash: the same after a server was killed (kill
// -9) with commits still in its WAL: the read-only commands see them (the running job, a
// workshop created through the API) and neither checkpoint the WAL into the database nor
// remove it; that is left to the next server. SQLite only, like the test above.
func TestReadOnlyCommandsChangeNothingAfterACrash(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := startServer(t, data)
	var out bytes.Buffer
	if err := Run(ctx, []string{"admin", "create", "--email", "staff@example.org", "--role", "staff"}, strings.NewReader("a long staff password\n"), &out, log); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := Run(ctx, []string{"token", "create", "--email", "staff@example.org"}, nil, &out, log); err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(out.String())
	soon := time.Now().AddDate(0, 2, 0)
	var created struct {
		Data struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	body := fmt.Sprintf(`{"title": {"ar": "ورشة مسقط", "en": "Muscat workshop"}, "kind": "national", "phases": [1], "host_country": "OM", "city": "Muscat",
		"timezone": "Asia/Muscat", "start_date": %q, "end_date": %q, "languages": ["ar"], "capacity": 10}`, soon.Format("2006-01-02"), soon.AddDate(0, 0, 1).Format("2006-01-02"))
	if res := call(t, "POST", s.base+"/api/v1/workshops", tok, body, &created); res != http.StatusCreated {
		t.Fatalf("create workshop: %d", res)
	}
	// A bulk job the server is running, written beside it.
	db, err := store.OpenShared(ctx, filepath.Join(data, "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`INSERT INTO certificate_jobs (workshop_id, total, status, created_at) VALUES (?, 3, 'running', ?)`, created.Data.ID, store.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s.cmd.Process.Kill()
	s.cmd.Wait()
	// The server keeps its secret in the database: no secret.key, and no command may write one.
	if _, err := os.Stat(filepath.Join(data, "secret.key")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("secret.key in the data directory: %v", err)
	}
	if st, err := os.Stat(filepath.Join(data, "masar.db-wal")); err != nil || st.Size() == 0 {
		t.Fatalf("no WAL left by the crash: %v", err)
	}
	before := dirstate.Of(t, data)
	dir := t.TempDir()
	id := strconv.FormatInt(created.Data.ID, 10)
	for _, args := range [][]string{
		{"backup", filepath.Join(dir, "backup.tar.gz")},
		{"export", "participants", id, filepath.Join(dir, "participants.xlsx")},
	} {
		out.Reset()
		if err := Run(ctx, args, nil, &out, log); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
		if got := dirstate.Of(t, data); got != before {
			t.Fatalf("%v changed the data directory:\nbefore\n%s\nafter\n%s", args, before, got)
		}
	}
	// The backup has what was in the WAL.
	restored := filepath.Join(t.TempDir(), "restored")
	if err := Run(ctx, []string{"restore", filepath.Join(dir, "backup.tar.gz"), "--data", restored}, nil, &out, log); err != nil {
		t.Fatal(err)
	}
	cp, _, err := store.OpenReadOnly(ctx, filepath.Join(restored, "masar.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var status string
	if err := cp.R.QueryRow("SELECT status FROM certificate_jobs").Scan(&status); err != nil || status != "running" {
		t.Errorf("the backup's job is %q (%v), want running", status, err)
	}
}

// TestBackupRestoreEndToEnd: a platform with an account and a signed credential is backed
// up while it runs; the backup (0600) restores into a fresh directory, where a new server
// lets the account log in with its password and verifies the old certificate, whose VC-JWT
// — signed by the first server — checks against the new server's published key. A
// tampered backup and a directory in use are refused. It runs on SQLite whatever
// MASAR_TEST_DATABASE says: a PostgreSQL installation refuses these commands
// (TestBackupAndRestoreRefusedOnPostgres).
func TestBackupRestoreEndToEnd(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base := "MASAR_BASE_URL=http://masar.test"
	first := startServer(t, data, base)
	run := func(stdin string, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := Run(ctx, args, strings.NewReader(stdin), &out, log); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	const password = "restored password 2026"
	run("a long staff password\n", "admin", "create", "--email", "staff@example.org", "--role", "staff")
	run(password+"\n", "admin", "create", "--email", "holder@example.org", "--role", "staff", "--name", "Mona Al-Hassan")
	staffTok := strings.TrimSpace(run("", "token", "create", "--email", "staff@example.org"))

	var issued struct {
		Data struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	res := call(t, "POST", first.base+"/api/v1/certificates", staffTok,
		`{"email": "holder@example.org", "kind": "course", "course": "citizen-participation", "reason": "Completion recorded on paper."}`, &issued)
	if res != http.StatusCreated || issued.Data.Code == "" {
		t.Fatalf("issue: %d %+v", res, issued)
	}
	code := issued.Data.Code
	jwt := getWith(t, login(t, first.base, "holder@example.org", password), first.base+"/certificates/"+code+".jwt")
	if strings.Count(jwt, ".") != 2 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	// The backup, taken while the server runs.
	file := filepath.Join(t.TempDir(), "masar-backup.tar.gz")
	out := run("", "backup", file)
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v, want -rw-------", st.Mode(), err)
	}
	// The keys are in the database (the cluster package), so the backup is the database.
	if !strings.Contains(out, "masar.db") {
		t.Errorf("backup said:\n%s", out)
	}
	// Refused: the directory the server runs on, and a tampered backup.
	var sink bytes.Buffer
	if err := Run(ctx, []string{"restore", file, "--data", data, "--force"}, nil, &sink, log); !errors.Is(err, store.ErrLocked) {
		t.Errorf("restore into the running server's directory: %v", err)
	}
	tampered := tamper(t, file, "masar.db")
	fresh := filepath.Join(t.TempDir(), "restored")
	if err := Run(ctx, []string{"restore", tampered, "--data", fresh}, nil, &sink, log); err == nil || !strings.Contains(err.Error(), "checksum of masar.db") {
		t.Errorf("tampered backup: %v", err)
	}
	if _, err := os.Stat(filepath.Join(fresh, "masar.db")); err == nil {
		t.Error("a tampered database (and the keys in it) was restored")
	}
	// The first server goes away for good; the backup is restored elsewhere.
	first.cmd.Process.Kill()
	first.cmd.Wait()
	out = run("", "restore", file, "--data", fresh)
	if !strings.Contains(out, "keys in the database: issuer key ") || !strings.Contains(out, "server secret") || !strings.Contains(out, "masar serve --data") {
		t.Errorf("restore said:\n%s", out)
	}
	second := startServer(t, fresh, base)

	// The account logs in with its password.
	client := login(t, second.base, "holder@example.org", password)
	if me := getWith(t, client, second.base+"/en/me"); !strings.Contains(me, "holder@example.org") {
		t.Error("the restored server's profile page does not show the account")
	}
	// The old certificate verifies, and its credential checks against the published key.
	var v struct {
		Data struct {
			Status string `json:"status"`
		} `json:"data"`
	}
	if res := call(t, "GET", second.base+"/api/v1/verify/"+code, "", "", &v); res != 200 || v.Data.Status != "valid" {
		t.Errorf("verify on the restored server: %d %q", res, v.Data.Status)
	}
	var keys jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(get(t, second.base+"/.well-known/jwks.json", "")), &keys); err != nil {
		t.Fatal(err)
	}
	sig, err := jose.ParseSignedCompact(jwt, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	// The header's kid is a DID URL (did:web:…#thumbprint); the JWKS names the key by the
	// fragment.
	kid := sig.Signatures[0].Header.KeyID
	if i := strings.LastIndex(kid, "#"); i >= 0 {
		kid = kid[i+1:]
	}
	found := keys.Key(kid)
	if len(found) == 0 {
		t.Fatalf("the restored server publishes no key %q (it has %d other key(s)): old credentials would fail", kid, len(keys.Keys))
	}
	payload, err := sig.Verify(found[0])
	if err != nil || !strings.Contains(string(payload), code) {
		t.Errorf("the old credential does not verify against the restored key: %v\n%s", err, payload)
	}
}

// login logs in through the form, as a browser would, and returns the client holding the
// session.
func login(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	client := &http.Client{Jar: &cookieJar{}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	m := csrfRe.FindStringSubmatch(getWith(t, client, base+"/en/login"))
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	r, err := client.PostForm(base+"/en/login", url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "/me") {
		t.Fatalf("login of %s at %s: %d %s", email, base, r.StatusCode, r.Header.Get("Location"))
	}
	return client
}

// tamper copies the backup at path with one byte of member changed, its manifest as it was.
func tamper(t *testing.T, path, member string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if h.Name == member {
			b[len(b)/2] ^= 0x20
		}
		tw.WriteHeader(h)
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	out := filepath.Join(t.TempDir(), "tampered.tar.gz")
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// call sends an API request with a bearer token and decodes the answer into v.
func call(t *testing.T, method, u, token, body string, v any) int {
	t.Helper()
	st, b := apiCall(t, method, u, token, body)
	if err := json.Unmarshal(b, v); err != nil {
		t.Errorf("%s %s: %v\n%s", method, u, err, b)
	}
	return st
}

// get fetches u with an optional bearer token and returns the body of a 200.
func get(t *testing.T, u, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return getWith(t, http.DefaultClient, req.URL.String(), req.Header)
}

func getWith(t *testing.T, c *http.Client, u string, h ...http.Header) string {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if len(h) > 0 {
		req.Header = h[0]
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d\n%s", u, res.StatusCode, b)
	}
	return string(b)
}

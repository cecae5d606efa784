package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/masar-platform/masar/i18n"
)

// TestMarkerNoRequestDataOutlivesItsRequest drives every route of the application — from the
// route table and from /api/v1/openapi.json — with a unique marker in every value a route
// may read: each path parameter, each query value, each form field, each header and cookie
// named in the handlers' source and the templates (all of them on every request: extra ones
// are ignored). The requests go out in shuffled order, as the seven roles of the route
// fixture, with fresh markers in later rounds and with earlier reads sent again (a kept value
// shows on a repeat: a cache hit), four at a time. It fails when an answer shows a marker that its
// own request did not send, when a repeated read shows less of its own values than the first
// time, on invalid UTF-8 in a text answer, and on any 5xx.
//
// What may legitimately come back: a read (GET, HEAD) saves nothing a visitor sends — only
// caches keep it, which is exactly the bug — so its markers must never show in any other
// answer. A write (POST, PUT, PATCH) may save what it was sent, by design (a comment, a
// nominee's name, a workshop's venue); its markers may show later, but only to whoever may
// read what that role saves (mkWriteReaders): the role itself, staff and admins; the people
// of country A for what A's people and the trainer save; everybody for what staff publish.
// Writes are not made to fail on purpose: they run the handlers' own code paths, keeping
// values as those do.
func TestMarkerNoRequestDataOutlivesItsRequest(t *testing.T) {
	f := newRouteFixture(t)
	names := mkSourceNames(t)
	routes := mkRoutes(t, f)
	// A new order every run; MASAR_MARKER_SEED repeats one.
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("MASAR_MARKER_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 13))
	m := &markers{rng: rng, origin: map[string]*mkRequest{}}

	// Real values for the path parameters, from the authorization table's rows; the
	// placeholders that stand for fresh things use the fixture's standing ones here.
	fixed := map[string]string{"newReg": "{reg2}", "newOfficial": "{official}", "newWorkshop": "{workshop}", "subjectWorkshop": "{workshop}",
		"newAdvisory": "{advisory}", "acceptedAdvisory": "{advisory}", "completedAdvisory": "{advisory}", "newCert": "{otherCert}",
		"freshSurvey": "{survey}", "draftSurveyW": "{live}", "draftSurvey": "{survey}", "newDraftSurvey": "{survey}", "freshTpl": "{surveyTpl}"}
	realPath := map[string]string{}
	for _, row := range azRoutes {
		method, pattern, _ := strings.Cut(row.route, " ")
		pattern, _, _ = strings.Cut(pattern, "?")
		rt, ok := matchRoute(routes, method, placeholderRe.ReplaceAllString(pattern, "x1"))
		if !ok || realPath[rt.String()] != "" {
			continue
		}
		realPath[rt.String()] = placeholderRe.ReplaceAllStringFunc(pattern, func(ph string) string {
			name := ph[1 : len(ph)-1]
			if v, ok := fixed[name]; ok {
				name = v[1 : len(v)-1]
			}
			if v, ok := f.vars[name]; ok {
				return v
			}
			return ":" + name // a token, an e-mail: a marker will do
		})
	}

	// A round: every route (or every route that reads), as a path of markers and (when the
	// table knows one) as a real path, each sent by roles chosen at random.
	round := func(roles int, readsOnly bool) []*mkRequest {
		var out []*mkRequest
		for _, rt := range routes {
			if readsOnly && rt.method != http.MethodGet {
				continue
			}
			paths := []string{rt.path}
			if p := realPath[rt.String()]; p != "" {
				paths = append(paths, p)
			}
			for _, p := range paths {
				for _, role := range rng.Perm(nRoles)[:roles] {
					out = append(out, m.build(f, names, rt, p, role))
				}
			}
		}
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	// again sends reads of rs again (the share given in percent), with the same markers.
	again := func(rs []*mkRequest, percent int) []*mkRequest {
		var out []*mkRequest
		for _, r := range rs {
			if !r.write && rng.IntN(100) < percent {
				out = append(out, &mkRequest{mkSpec: r.mkSpec, repeatOf: r})
			}
		}
		return out
	}
	shuffle := func(rs []*mkRequest) []*mkRequest {
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		return rs
	}
	// First everything; then everything with fresh markers, among repeats of the first
	// round's reads; last, reads only (no write empties a cache in between), each repeated
	// later in the same round.
	first := round(3, false)
	second := shuffle(append(round(2, false), again(first, 30)...))
	third := round(2, true)
	for _, r := range again(third, 100) {
		i := slices.Index(third, r.repeatOf)
		j := i + 1 + rng.IntN(len(third)-i)
		third = slices.Insert(third, j, r)
	}

	var failures []string
	fail := func(format string, args ...any) {
		if len(failures) < 40 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	// The rounds go one after the other; within a round, four requests are in flight at a
	// time, as from several browsers: a value kept from one request then lies in a buffer
	// that another, running at once, writes.
	seq := 0
	for _, batch := range [][]*mkRequest{first, second, third} {
		for _, r := range batch {
			r.seq, seq = seq, seq+1
		}
		mkSendAll(t, f, batch, 4)
		for _, r := range batch {
			mkCheck(r, m, fail)
		}
	}
	for _, s := range failures {
		t.Error(s)
	}
	if t.Failed() {
		t.Logf("MASAR_MARKER_SEED=%d repeats this run's order", seed)
	}
	t.Logf("%d routes, %d query names, %d form fields, %d headers, %d cookies; %d requests (%d markers)", len(routes), len(names.query),
		len(names.form), len(names.headers), len(names.cookies), seq, len(m.origin))
}

// mkSendAll sends the requests, n at a time, and keeps each answer with its request.
func mkSendAll(t *testing.T, f *routeFixture, rs []*mkRequest, n int) {
	t.Helper()
	ch := make(chan *mkRequest)
	var wg sync.WaitGroup
	errs := make(chan error, len(rs))
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range ch {
				res, err := f.p.App.Test(r.request(f), -1)
				if err != nil {
					errs <- fmt.Errorf("%s: %w", r.name(), err)
					continue
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				r.res = response{Status: res.StatusCode, Body: string(b), Header: res.Header, Location: res.Header.Get("Location")}
			}
		}()
	}
	for _, r := range rs {
		ch <- r
	}
	close(ch)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	f.requests += len(rs)
}

// mkCheck looks in r's answer for 5xx, invalid UTF-8, markers of other requests, and for
// fewer of its own values than the first time it was sent.
func mkCheck(r *mkRequest, m *markers, fail func(string, ...any)) {
	res, name := r.res, r.name()
	r.status = res.Status
	if res.Status >= 500 {
		fail("%s: %d %s", name, res.Status, excerpt(res.Body))
	}
	text := res.Location + "\n" + res.Header.Get("Content-Disposition")
	if mkIsText(res.Header.Get("Content-Type")) {
		if !utf8.ValidString(res.Body) {
			fail("%s: invalid UTF-8 in the answer: %q", name, mkAroundInvalid(res.Body))
		}
		text += "\n" + res.Body
	}
	for _, loc := range markerRe.FindAllStringIndex(text, -1) {
		found := text[loc[0]:loc[1]]
		key := found[:8]
		if r.sent[key] {
			continue
		}
		from, ok := m.origin[key]
		if !ok {
			continue // not one of ours (a random run of letters)
		}
		if from.write && mkWriteReaders[from.role][r.role] {
			continue
		}
		fail("%s shows %q, sent by %s in %s %s (request %d) — around: %q", name, found, roleNames[from.role], from.method,
			mkShort(from.path), from.seq, mkAround(text, loc[0]))
	}
	// A repeated read shows its own values as often as the first time.
	r.counts = map[string]int{}
	for key := range r.sent {
		r.counts[key] = strings.Count(text, key)
	}
	if o := r.repeatOf; o != nil && o.status == res.Status {
		for key, was := range o.counts {
			if n := r.counts[key]; n < was {
				fail("%s, sent again (first: request %d): %q shows %d times instead of %d — around: %q", name, o.seq, key, n, was,
					mkAroundLost(text, o.res.Body, key))
			}
		}
	}
}

// mkAroundLost is what a repeated answer shows where the first one showed key.
func mkAroundLost(now, first, key string) string {
	i := strings.Index(first, key)
	if i < 0 || i >= len(now) {
		return ""
	}
	return mkAround(now, i)
}

// mkWriteReaders says whose answers may show what a role's writes sent: mkWriteReaders[w][r]
// when role r may read what role w saves.
var mkWriteReaders = func() [nRoles][nRoles]bool {
	var m [nRoles][nRoles]bool
	allow := func(w int, rs ...int) {
		for _, r := range append(rs, w, roleStaff, roleAdmin) {
			m[w][r] = true
		}
	}
	// Country A's people and the trainer of A's workshops see what each other save on
	// registrations, nominations, attendance and A's requests.
	allow(roleOff, roleFpA, roleTrainer)
	allow(roleFpA, roleOff, roleTrainer)
	allow(roleTrainer, roleOff, roleFpA)
	allow(roleFpB, roleTrainer)
	allow(roleAnon)
	// What staff save is published: workshop pages, certificates, decisions.
	allow(roleStaff, roleAnon, roleOff, roleFpA, roleFpB, roleTrainer)
	allow(roleAdmin, roleAnon, roleOff, roleFpA, roleFpB, roleTrainer)
	return m
}()

// markerRe finds markers: "mk", six random letters (the key), a five-digit counter.
var markerRe = regexp.MustCompile(`mk[a-z]{6}[0-9]{0,5}`)

// markers hands out markers and remembers which request sent each.
type markers struct {
	rng    *rand.Rand
	n      int
	origin map[string]*mkRequest // by key: "mk" and the six letters
	cur    *mkRequest
}

// next is a new marker, all of one length so that one written over another is whole.
func (m *markers) next() string {
	for {
		b := []byte("mk")
		for range 6 {
			b = append(b, byte('a'+m.rng.IntN(26)))
		}
		key := string(b)
		if _, dup := m.origin[key]; dup {
			continue
		}
		m.n++
		m.origin[key] = m.cur
		if m.cur != nil {
			m.cur.sent[key] = true
		}
		return fmt.Sprintf("%s%05d", key, m.n%100000)
	}
}

// mkSpec is what a request sends; a repeat sends the same.
type mkSpec struct {
	method, path string // path with the query
	role         int
	write        bool
	body         []byte
	ctype        string
	headers      map[string]string
	cookies      map[string]string
	session      string          // a session of its own, for a route that ends it
	sent         map[string]bool // the keys of the markers sent
}

// mkRequest is one request of the run.
type mkRequest struct {
	*mkSpec
	repeatOf *mkRequest
	seq      int
	res      response
	status   int
	counts   map[string]int // how often each of its markers showed in its answer
}

// name names the request in a failure message.
func (r *mkRequest) name() string {
	return fmt.Sprintf("%s %s as %s (request %d)", r.method, mkShort(r.path), roleNames[r.role], r.seq)
}

// mkShort is a path without the query of markers every request carries.
func mkShort(path string) string {
	p, q, ok := strings.Cut(path, "?")
	if ok {
		p += "?" + q[:min(len(q), 40)] + "…"
	}
	return p
}

func (r *mkRequest) request(f *routeFixture) *http.Request {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, r.path, body)
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	a := f.actors[r.role]
	if strings.HasPrefix(r.path, "/api/") {
		if a.token != "" {
			req.Header.Set("Authorization", "Bearer "+a.token)
		}
	} else {
		session := a.session
		if r.session != "" {
			session = r.session
		}
		if session != "" {
			req.AddCookie(&http.Cookie{Name: "masar_session", Value: session})
		}
	}
	for k, v := range r.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	return req
}

// build makes a request of role to route rt at path (a pattern whose parameters become
// markers, or a real path), with markers in every name.
func (m *markers) build(f *routeFixture, names mkNames, rt appRoute, path string, role int) *mkRequest {
	r := &mkRequest{mkSpec: &mkSpec{method: rt.method, role: role, sent: map[string]bool{}, headers: map[string]string{}, cookies: map[string]string{}}}
	m.cur = r
	defer func() { m.cur = nil }()
	r.write = rt.method != http.MethodGet && rt.method != http.MethodHead
	if !r.write && m.rng.IntN(10) == 0 {
		r.method = http.MethodHead
	}
	// One language of three for the pages.
	if l := path[min(1, len(path)):min(3, len(path))]; len(path) > 3 && path[3] == '/' && i18n.Supported(l) {
		path = "/" + i18n.Langs[m.rng.IntN(len(i18n.Langs))] + path[3:]
	}
	path = paramRe.ReplaceAllStringFunc(path, func(string) string { return m.next() })
	q := make([]string, 0, len(names.query))
	for _, n := range names.query {
		q = append(q, n+"="+m.next())
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	r.path = path + sep + strings.Join(q, "&")
	for _, h := range names.headers {
		r.headers[h] = m.next()
	}
	for _, c := range names.cookies {
		switch c {
		case "masar_session":
			if f.actors[role].session == "" {
				r.cookies[c] = m.next()
			}
		case "masar_csrf":
			if r.write {
				r.cookies[c] = f.csrfSeed
			} else {
				r.cookies[c] = m.next()
			}
		default:
			r.cookies[c] = m.next()
		}
	}
	api := strings.HasPrefix(path, "/api/")
	if api && f.actors[role].token == "" && m.rng.IntN(4) == 0 {
		r.headers["Authorization"] = "Bearer " + m.next()
	}
	if len(rt.path) > 3 && i18n.Supported(rt.path[1:3]) && azEndsSession[rt.method+" /ar"+rt.path[3:]] {
		r.session = f.throwawaySession(role)
	}
	if !r.write {
		return r
	}
	switch {
	case api:
		obj := map[string]string{}
		for _, n := range names.form {
			obj[n] = m.next()
		}
		r.body, _ = json.Marshal(obj)
		r.ctype = "application/json"
	case m.rng.IntN(3) == 0:
		// Multipart, with a file in every upload field.
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for _, n := range names.form {
			_ = w.WriteField(n, m.next())
		}
		_ = w.WriteField("_csrf", f.csrfToken)
		for _, n := range names.files {
			fw, _ := w.CreateFormFile(n, m.next()+".pdf")
			_, _ = fw.Write(append(append([]byte{}, rfSamplePDF...), m.next()...))
		}
		_ = w.Close()
		r.body, r.ctype = b.Bytes(), w.FormDataContentType()
	default:
		form := make([]string, 0, len(names.form)+1)
		for _, n := range names.form {
			form = append(form, n+"="+m.next())
		}
		form = append(form, "_csrf="+f.csrfToken)
		r.body, r.ctype = []byte(strings.Join(form, "&")), "application/x-www-form-urlencoded"
	}
	return r
}

// mkRoutes is the route table and the operations of openapi.json (those not in the table
// are driven too: they answer 404 or 405).
func mkRoutes(t *testing.T, f *routeFixture) []appRoute {
	routes := appRoutes(f.p)
	r := f.send(httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil || len(doc.Paths) == 0 {
		t.Fatalf("openapi.json: %v (%d)", err, r.Status)
	}
	brace := regexp.MustCompile(`\{([A-Za-z_]+)\}`)
	var extra []appRoute
	for p, ops := range doc.Paths {
		path := "/api/v1" + brace.ReplaceAllString(p, ":$1")
		for method := range ops {
			method = strings.ToUpper(method)
			if _, ok := matchRoute(routes, method, brace.ReplaceAllString(p, "x1")); !ok {
				if _, ok := matchRoute(routes, method, "/api/v1"+brace.ReplaceAllString(p, "x1")); !ok {
					extra = append(extra, appRoute{method: method, path: path, re: routeRegexp(path)})
				}
			}
		}
	}
	return append(routes, extra...)
}

// mkNames are the names the handlers read, collected from their source and the templates.
type mkNames struct {
	query, form, files, headers, cookies []string
}

// mkSourceNames reads the names of query values, form fields, headers and cookies that the
// handlers (web/*.go) and the templates (web/templates/*.html) use.
func mkSourceNames(t *testing.T) mkNames {
	t.Helper()
	query, form, files, headers, cookies := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	quoted := regexp.MustCompile(`"([^"]+)"`)
	consts := map[string]string{}
	var src strings.Builder
	gos, _ := filepath.Glob("*.go")
	for _, name := range gos {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
		src.WriteByte('\n')
	}
	s := src.String()
	for _, m := range regexp.MustCompile(`(\w+)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(s, -1) {
		consts[m[1]] = m[2]
	}
	each := func(re string, f func(m []string)) {
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(s, -1) {
			f(m)
		}
	}
	each(`c\.Query(?:Int|Bool|Float)?\("([^"]+)"`, func(m []string) { query[m[1]] = true })
	each(`c\.FormValue\("([^"]+)"`, func(m []string) { form[m[1]] = true })
	each(`PeekMulti\("([^"]+)"\)|args\.Has\("([^"]+)"`, func(m []string) { form[m[1]+m[2]] = true })
	each(`typed\(c,([^)]*)\)`, func(m []string) {
		for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
			form[q[1]] = true
		}
	})
	each(`var \w+(?:Fields|Scalars) = \[\]string\{([^}]*)\}`, func(m []string) {
		for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
			form[q[1]] = true
		}
	})
	each(`(?:c\.FormFile|advisoryUploads\(c,|readWorkshopUpload\(c,)\(?\s*"([^"]+)"`, func(m []string) { files[m[1]] = true })
	each(`c\.Get\((?:"([^"]+)"|fiber\.Header(\w+))\)`, func(m []string) {
		if m[1] != "" {
			headers[m[1]] = true
		} else {
			headers[mkHeaderName(m[2])] = true
		}
	})
	each(`c\.Cookies\((\w+)\)`, func(m []string) {
		if v, ok := consts[m[1]]; ok {
			cookies[v] = true
		} else {
			t.Errorf("cookie name %s: constant not found", m[1])
		}
	})
	tpls, _ := filepath.Glob("templates/*.html")
	for _, name := range tpls {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`name="([a-z][a-z0-9_]*)"`).FindAllStringSubmatch(string(b), -1) {
			// A field of a form: sent as a query value (search and filter forms) and a form
			// field (the others).
			query[m[1]], form[m[1]] = true, true
		}
	}
	// What the test sends itself, properly: the form token, the body's type, the bearer
	// token; viewport is the meta tag's name.
	delete(form, "_csrf")
	delete(query, "_csrf")
	delete(headers, "Content-Type")
	delete(headers, "Authorization")
	delete(form, "viewport")
	delete(query, "viewport")
	for f := range files {
		delete(form, f)
	}
	sorted := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	n := mkNames{query: sorted(query), form: sorted(form), files: sorted(files), headers: sorted(headers), cookies: sorted(cookies)}
	if len(n.query) < 10 || len(n.form) < 20 || len(n.headers) < 2 || len(n.cookies) < 3 {
		t.Fatalf("too few names found in the source: %+v", n)
	}
	return n
}

// mkHeaderName turns a Fiber constant's name (IfNoneMatch, XRequestID) into the header's.
func mkHeaderName(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mkIsText reports whether a content type is text that a person or program reads.
func mkIsText(ct string) bool {
	ct, _, _ = strings.Cut(strings.ToLower(ct), ";")
	ct = strings.TrimSpace(ct)
	return strings.HasPrefix(ct, "text/") || strings.HasSuffix(ct, "json") || strings.HasSuffix(ct, "javascript") ||
		ct == "application/xml" || strings.HasSuffix(ct, "+xml") || strings.HasSuffix(ct, "jwt")
}

// mkAround is the text around i, for a failure message.
func mkAround(s string, i int) string {
	from, to := max(0, i-80), min(len(s), i+60)
	return strings.ToValidUTF8(s[from:to], "�")
}

// mkAroundInvalid is the text around the first invalid UTF-8 byte of s.
func mkAroundInvalid(s string) string {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return s[max(0, i-60):min(len(s), i+40)]
		}
		i += n
	}
	return ""
}

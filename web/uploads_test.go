package web_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/workshops"
)

// upFile is a file of an upload test: a PDF of the given size.
type upFile struct {
	field, name string
	size        int
}

func (u upFile) data() []byte {
	b := make([]byte, u.size)
	copy(b, "%PDF-1.4\n")
	return b
}

// upMultipart builds a multipart form with text fields and files.
func upMultipart(fields [][2]string, files ...upFile) (*bytes.Buffer, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, kv := range fields {
		_ = w.WriteField(kv[0], kv[1])
	}
	for _, f := range files {
		fw, _ := w.CreateFormFile(f.field, f.name)
		_, _ = fw.Write(f.data())
	}
	_ = w.Close()
	return &b, w.FormDataContentType()
}

// upPage sends a multipart form to a page as role, with the fixture's CSRF token.
func (f *routeFixture) upPage(role int, path string, fields [][2]string, files ...upFile) response {
	f.t.Helper()
	body, ctype := upMultipart(append([][2]string{{"_csrf", f.csrfToken}}, fields...), files...)
	req := f.request(role, http.MethodPost, path, "x=1", "")
	req.Body = io.NopCloser(body)
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", ctype)
	return f.send(req)
}

// upAPI sends a body to the API as role.
func (f *routeFixture) upAPI(role int, method, path, ctype string, body []byte) response {
	f.t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("Authorization", "Bearer "+f.actors[role].token)
	return f.send(req)
}

// TestUploadLimitsAgreeWithForms sends each upload of the platform a file just over what its
// form promises, and one request over what the server reads at all: every one is answered
// 413 with a localized message naming the file (a page keeps what was typed; the API answers
// problem JSON), nothing is kept, and files within the promise are taken — two 6.5 MB scans
// on the request form among them.
func TestUploadLimitsAgreeWithForms(t *testing.T) {
	f := newRouteFixture(t)
	cfg := config.Default()
	fileMax, totalMax := int(cfg.UploadFileBytes()), int(cfg.UploadTotalBytes())
	adv, ws := f.vars["advisory"], f.vars["workshop"]
	typed := "وزارة الاقتصاد الرقمي — نص مكتوب يجب ألا يضيع"
	newForm := [][2]string{{"requesting_body", typed}, {"phases", "1"}, {"topics", "open_data_portal"},
		{"needs", "نحتاج إلى دعم في إطلاق بوابة وطنية للبيانات المفتوحة وتدريب فرق الوزارات."},
		{"support_kinds", "advisory_mission"}, {"language", "ar"},
		{"letter_reference", "MoDEE/2026/118"}, {"letter_date", "2026-01-15"}, {"letter_signatory_name", "سامي حداد"},
		{"letter_signatory_title", "الأمين العام"}}
	scan := 13 << 19 // 6.5 MB

	// The request form takes two 6.5 MB scans (the total the old 12 MB limit refused).
	res := f.upPage(roleFpA, "/ar/advisory/new", newForm, upFile{"attachments", "scan1.pdf", scan}, upFile{"attachments", "scan2.pdf", scan},
		upFile{"letter_file", "letter.pdf", 2048})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("two 6.5 MB scans: %d %s", res.Status, excerpt(res.Body))
	}

	pages := []struct {
		what, path string
		role       int
		fields     [][2]string
		files      []upFile
		name, msg  string // the file named and the message (Arabic)
	}{
		{"request form, one file over the per-file limit", "/ar/advisory/new", roleFpA, newForm,
			[]upFile{{"attachments", "big-scan.pdf", fileMax + 1}}, "big-scan.pdf", "يتجاوز حجم الملف 8 ميغابايت"},
		{"request form, files over the total", "/ar/advisory/new", roleFpA, newForm,
			[]upFile{{"attachments", "p1.pdf", fileMax}, {"attachments", "p2.pdf", fileMax}, {"attachments", "p3.pdf", fileMax},
				{"attachments", "p4.pdf", fileMax}, {"attachments", "p5.pdf", 1 << 20}}, "p5.pdf", "يتجاوز مجموع الملفات المختارة 32 ميغابايت"},
		{"request page, one file over the limit", "/ar/advisory/" + adv + "/attachments", roleFpA, nil,
			[]upFile{{"attachments", "annex.pdf", fileMax + 1}}, "annex.pdf", "يتجاوز حجم الملف 8 ميغابايت"},
		{"certificate check", "/ar/verify/" + f.vars["cert"], roleAnon, nil,
			[]upFile{{"file", "cert-copy.pdf", certificates.MaxUploadBytes + 1}}, "cert-copy.pdf", "أكبر من الحد المسموح به (10 ميغابايت)"},
		{"nomination letter", "/ar/workshops/" + ws + "/letter", roleFpA, [][2]string{{"country", "JO"}},
			[]upFile{{"letter", "letter.pdf", workshops.MaxLetterBytes + 1}}, "", "5"},
		{"participant list", "/ar/workshops/" + ws + "/import", roleStaff, nil,
			[]upFile{{"file", "list.xlsx", workshops.MaxImportBytes + 1}}, "", "10"},
	}
	for _, tc := range pages {
		res := f.upPage(tc.role, tc.path, tc.fields, tc.files...)
		if res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, tc.msg) || !strings.Contains(res.Body, tc.name) ||
			!strings.Contains(res.Body, `lang="ar"`) {
			t.Errorf("%s: %d, want 413 with %q naming %q: %s", tc.what, res.Status, tc.msg, tc.name, excerpt(res.Body))
		}
		if len(tc.fields) > 1 && !strings.Contains(res.Body, typed) {
			t.Errorf("%s: the typed request was lost", tc.what)
		}
	}

	// The API: multipart and JSON (base64), one file over the limit, files over the total.
	body, ctype := upMultipart(nil, upFile{"file", "big.pdf", fileMax + 1})
	res = f.upAPI(roleFpA, "POST", "/api/v1/advisory/"+adv+"/attachments", ctype, body.Bytes())
	if res.Status != 413 || !strings.Contains(res.Body, `"code":"file_too_large"`) || !strings.Contains(res.Body, "big.pdf") || !strings.Contains(res.Body, "8 MB") {
		t.Errorf("API multipart over the limit: %d %s", res.Status, excerpt(res.Body))
	}
	var files []map[string]any
	for i := range 5 {
		files = append(files, map[string]any{"filename": fmt.Sprintf("part%d.pdf", i+1), "data": base64.StdEncoding.EncodeToString(upFile{size: totalMax/5 + 1}.data())})
	}
	js, _ := json.Marshal(map[string]any{"attachments": files})
	res = f.upAPI(roleFpA, "POST", "/api/v1/advisory/"+adv+"/attachments", "application/json", js)
	if res.Status != 413 || !strings.Contains(res.Body, `"code":"files_too_large"`) || !strings.Contains(res.Body, "part5.pdf") {
		t.Errorf("API JSON over the total: %d %s", res.Status, excerpt(res.Body))
	}

	// Over what the server reads at all: refused from its Content-Length alone, before any
	// of the body is sent, with a localized answer — through a real listener, as a client
	// meets it (headers only on the wire: the answer cannot have come from reading a body).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.p.App.Listener(ln) }()
	t.Cleanup(func() { _ = ln.Close() })
	huge := cfg.BodyLimit() + 1
	headersOnly := func(path string, header http.Header) response {
		t.Helper()
		conn, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		var b strings.Builder
		fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: masar.test\r\nContent-Length: %d\r\n", path, huge)
		for k, vs := range header {
			for _, v := range vs {
				fmt.Fprintf(&b, "%s: %s\r\n", k, v)
			}
		}
		b.WriteString("\r\n")
		if _, err := conn.Write([]byte(b.String())); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer to the headers alone: %v", path, err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return response{Status: res.StatusCode, Body: string(body), Header: res.Header}
	}
	page := http.Header{"Content-Type": {"multipart/form-data; boundary=x"},
		"Cookie": {"masar_csrf=" + f.csrfSeed + "; masar_session=" + f.actors[roleFpA].session}}
	if res := headersOnly("/ar/advisory/"+adv+"/attachments", page); res.Status != 413 || !strings.Contains(res.Body, "أكبر من أن يقرأه الخادم") ||
		!strings.Contains(res.Body, `dir="rtl"`) {
		t.Errorf("page over the body limit: %d %s", res.Status, excerpt(res.Body))
	}
	api := http.Header{"Content-Type": {"application/json"}, "Accept-Language": {"en"}, "Authorization": {"Bearer " + f.actors[roleFpA].token}}
	if res := headersOnly("/api/v1/advisory/"+adv+"/attachments", api); res.Status != 413 || !strings.Contains(res.Body, `"code":"too_large"`) ||
		!strings.Contains(res.Body, "larger than the server reads") {
		t.Errorf("API over the body limit: %d %s", res.Status, excerpt(res.Body))
	}
	// Nothing refused was kept: the request holds only the fixture's file.
	if as, _ := f.p.Advisory.Attachments(f.ctx, f.actors[roleStaff].o, mustID(t, adv)); len(as) != 1 {
		t.Errorf("refused files were kept: %d files", len(as))
	}
}

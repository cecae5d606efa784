package advisory

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/problem"
)

func officeZip(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, content := range files {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func contentTypes(overrides ...string) string {
	s := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>`
	for i := 0; i+1 < len(overrides); i += 2 {
		s += `<Override PartName="` + overrides[i] + `" ContentType="` + overrides[i+1] + `"/>`
	}
	return s + `</Types>`
}

func TestDetectKindByContent(t *testing.T) {
	f := excelize.NewFile()
	var xb bytes.Buffer
	if _, err := f.WriteTo(&xb); err != nil {
		t.Fatal(err)
	}
	word := officeZip(t, map[string]string{"[Content_Types].xml": contentTypes("/word/document.xml", docxMain), "word/document.xml": "<w:document/>"})
	for _, tc := range []struct {
		what   string
		data   []byte
		kind   string
		reason string
	}{
		{"a PDF", []byte("%PDF-1.7\n..."), KindPDF, ""},
		{"an Excel workbook made by excelize", xb.Bytes(), KindXLSX, ""},
		{"a Word document", word, KindDOCX, ""},
		{"an empty file", nil, "", fileEmpty},
		{"a PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "", fileType},
		{"plain text mentioning %PDF- later", []byte("hello %PDF-1.4"), "", fileType},
		{"a ZIP of photos", officeZip(t, map[string]string{"a.jpg": "x"}), "", fileType},
		{"a ZIP whose content types name a missing part", officeZip(t, map[string]string{"[Content_Types].xml": contentTypes("/word/document.xml", docxMain)}), "", fileType},
		{"a PowerPoint", officeZip(t, map[string]string{"[Content_Types].xml": contentTypes("/ppt/presentation.xml",
			"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"), "ppt/presentation.xml": "<p/>"}), "", fileType},
		{"a macro-enabled Word file", officeZip(t, map[string]string{"[Content_Types].xml": contentTypes("/word/document.xml",
			"application/vnd.ms-word.document.macroEnabled.main+xml"), "word/document.xml": "<w:document/>"}), "", fileMacro},
		{"a workbook carrying a VBA project", officeZip(t, map[string]string{"[Content_Types].xml": contentTypes("/xl/workbook.xml", xlsxMain,
			"/xl/vbaProject.bin", "application/vnd.ms-office.vbaProject"), "xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": "x"}), "", fileMacro},
		{"a truncated ZIP", word[:len(word)/2], "", fileType},
		{"broken XML", officeZip(t, map[string]string{"[Content_Types].xml": "<Types><Override", "word/document.xml": "x"}), "", fileType},
	} {
		kind, reason := DetectKind(tc.data)
		if kind != tc.kind || reason != tc.reason {
			t.Errorf("%s: %q %q, want %q %q", tc.what, kind, reason, tc.kind, tc.reason)
		}
	}
}

func TestCheckFileNames(t *testing.T) {
	pdf := []byte("%PDF-1.4\n")
	for _, tc := range []struct {
		name, want string
		reason     string
	}{
		{"report.pdf", "report.pdf", ""},
		{"REPORT.PDF", "REPORT.PDF", ""},
		{"C:\\fakepath\\خطة العمل.pdf", "خطة العمل.pdf", ""},
		{"../../etc/passwd", "passwd.pdf", ""},
		{"scan", "scan.pdf", ""},
		{"Plan v1.2", "Plan v1.2.pdf", ""},
		{"", "attachment.pdf", ""},
		{"a\"b<c>\r\n.pdf", "abc.pdf", ""},
		{"report\u202E.pdf", "report.pdf", ""},           // a right-to-left override
		{"\u2067تقرير\u2069\u200F.pdf", "تقرير.pdf", ""}, // isolates and a mark
		{"invoice\u202Efdp.exe", "", fileMismatch},       // shown as "invoiceexe.pdf", an .exe all the same
		{"report.docx", "", fileMismatch},
		{"report.exe", "", fileMismatch},
		{strings.Repeat("ا", 300) + ".pdf", strings.Repeat("ا", maxFileName-4) + ".pdf", ""},
	} {
		got, kind, err := CheckFile(tc.name, pdf)
		if tc.reason != "" {
			p, ok := problem.As(err)
			if !ok || p.Fields["attachments"] != tc.reason {
				t.Errorf("%q: %v, want %s", tc.name, err, tc.reason)
			}
			continue
		}
		if err != nil || got != tc.want || kind != KindPDF {
			t.Errorf("%q: %q %q %v, want %q", tc.name, got, kind, err, tc.want)
		}
	}
	// The refusal names the file.
	_, _, err := CheckFile("scan.pdf", []byte("GIF89a"))
	if p, ok := problem.As(err); !ok || p.Status != 422 || len(p.Args) != 2 || p.Args[1] != "scan.pdf" {
		t.Errorf("refusal: %+v", err)
	}
	if _, err := checkFiles(make([]File, 3), MaxFilesPerRequest-2, DefaultLimits()); err == nil {
		t.Error("more files than a request holds were accepted")
	}
}

// TestCheckSizes: a file over the per-file limit, or the file that takes a submission over
// its total, is refused with a 413 that names it; files within both pass.
func TestCheckSizes(t *testing.T) {
	l := Limits{FileBytes: 8 << 20, TotalBytes: 12 << 20, Files: 10}
	pdf := func(n int) []byte { return append([]byte("%PDF-"), make([]byte, n-5)...) }
	for _, tc := range []struct {
		what  string
		files []File
		name  string // the file named, "" when accepted
		code  string
	}{
		{"one file at the limit", []File{{"a.pdf", pdf(8 << 20)}}, "", ""},
		{"one file a byte over", []File{{"big.pdf", pdf(8<<20 + 1)}}, "big.pdf", "file_too_large"},
		{"two 6.5 MB scans over a 12 MB total", []File{{"scan1.pdf", pdf(13 << 19)}, {"scan2.pdf", pdf(13 << 19)}}, "scan2.pdf", "files_too_large"},
		{"two 6 MB scans at the total", []File{{"scan1.pdf", pdf(6 << 20)}, {"scan2.pdf", pdf(6 << 20)}}, "", ""},
	} {
		err := CheckSizes(tc.files, l)
		if tc.name == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.what, err)
			}
			continue
		}
		p, ok := problem.As(err)
		if !ok || p.Status != 413 || p.Code != tc.code || p.Args[1] != tc.name {
			t.Errorf("%s: %+v, want 413 %s naming %s", tc.what, err, tc.code, tc.name)
		}
	}
}

package certificates

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// preflightJars are the jars Apache PDFBox Preflight needs on its class path, as Debian's
// libpdfbox2-java and libjaxb-api-java install them (preflight.jar's manifest names no
// class path of its own; its command-line validator needs javax.activation and
// javax.xml.bind, which Java 11 dropped from the JDK).
var preflightJars = []string{"preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar", "javax.activation.jar", "jaxb-api.jar"}

// preflightDir is where Debian puts the jars; MASAR_PDFBOX_DIR points elsewhere.
func preflightDir() string {
	if d := os.Getenv("MASAR_PDFBOX_DIR"); d != "" {
		return d
	}
	return "/usr/share/java"
}

// preflight validates pdf as PDF/A-1b with Apache PDFBox Preflight, an independent
// validator, and fails the test with Preflight's findings when it is not valid. Any PDF the
// platform writes can be passed.
func preflight(t *testing.T, pdf []byte) {
	t.Helper()
	preflightAll(t, map[string][]byte{"document": pdf})
}

// preflightAll validates each PDF, by name, in one run of Preflight (Java starts once) and
// fails the test with each invalid one's findings.
func preflightAll(t *testing.T, pdfs map[string][]byte) {
	t.Helper()
	for name, findings := range preflightFindings(t, pdfs) {
		if len(findings) > 0 {
			t.Errorf("%s is not valid PDF/A-1b according to PDFBox Preflight:\n  %s", name, strings.Join(findings, "\n  "))
		}
	}
}

// preflightFindings runs Preflight once over the PDFs and returns, by name, what it found
// wrong with each (nothing for a valid one). It skips the test when java or the jars are
// missing, unless MASAR_PDFA_TESTS=require (CI), where it fails instead.
func preflightFindings(t *testing.T, pdfs map[string][]byte) map[string][]string {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		msg := what + " is missing, so the PDF/A-1b check with Apache PDFBox Preflight did not run " +
			"(apt-get install default-jre-headless libpdfbox2-java libjaxb-api-java)"
		if os.Getenv("MASAR_PDFA_TESTS") == "require" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	java, err := exec.LookPath("java")
	if err != nil {
		missing("java")
	}
	var cp []string
	for _, j := range preflightJars {
		p := filepath.Join(preflightDir(), j)
		if _, err := os.Stat(p); err != nil {
			missing(p)
		}
		cp = append(cp, p)
	}
	dir := t.TempDir()
	if keep := os.Getenv("MASAR_CERT_TEST_OUT"); keep != "" {
		dir = keep // to look at the PDFs
	}
	var list strings.Builder
	for name, pdf := range pdfs {
		file := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(file, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		list.WriteString(file + "\n")
	}
	listFile := filepath.Join(t.TempDir(), "pdfs.txt")
	if err := os.WriteFile(listFile, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// "xml group" validates every file of the list and writes one report beside it.
	cmd := exec.Command(java, "-cp", strings.Join(cp, string(os.PathListSeparator)),
		"org.apache.pdfbox.preflight.Validator_A1b", "xml", "group", listFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("PDFBox Preflight did not run: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(listFile + ".preflight.xml")
	if err != nil {
		t.Fatalf("no report from PDFBox Preflight: %v\n%s", err, out)
	}
	var report struct {
		Files []struct {
			Name   string `xml:"name,attr"`
			Valid  string `xml:"isValid"`
			Errors []struct {
				Count   int    `xml:"count,attr"`
				Code    string `xml:"code"`
				Details string `xml:"details"`
			} `xml:"errors>error"`
		} `xml:"preflight"`
	}
	if err := xml.Unmarshal(raw, &report); err != nil {
		t.Fatalf("PDFBox Preflight's report: %v\n%s", err, raw)
	}
	found := map[string][]string{}
	for _, f := range report.Files {
		name := strings.TrimSuffix(f.Name, ".pdf")
		if _, ok := pdfs[name]; !ok {
			continue
		}
		found[name] = []string{}
		if f.Valid == "true" {
			continue
		}
		for _, e := range f.Errors {
			found[name] = append(found[name], fmt.Sprintf("%s ×%d: %s", e.Code, e.Count, e.Details))
		}
		if len(found[name]) == 0 {
			found[name] = append(found[name], "not valid, no reason given")
		}
	}
	for name := range pdfs {
		if _, ok := found[name]; !ok {
			t.Fatalf("PDFBox Preflight's report says nothing of %s:\n%s", name, raw)
		}
	}
	return found
}

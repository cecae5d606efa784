package cli

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/masar-platform/masar/content"
)

// TestContentExportImport: the shipped courses exported from a new data directory are the
// shipped files byte for byte; a lesson changed in the exported folder and imported is
// published (a second export has it); a folder with a problem is refused whole.
func TestContentExportImport(t *testing.T) {
	t.Setenv("MASAR_DATA", t.TempDir())
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var out bytes.Buffer
	dir := filepath.Join(t.TempDir(), "courses")
	if err := Run(ctx, []string{"content", "export", dir}, nil, &out, log); err != nil {
		t.Fatal(err)
	}
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		want, _ := fs.ReadFile(content.FS, p)
		if got, err := os.ReadFile(filepath.Join(dir, p)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: not exported as shipped (%v)", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lesson := filepath.Join(dir, "01-open-government-framework", "02-four-phases.en.md")
	b, _ := os.ReadFile(lesson)
	if err := os.WriteFile(lesson, append(b, []byte("\nA paragraph kept in git.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := Run(ctx, []string{"content", "import", dir, "--message", "from git"}, nil, &out, log); err != nil {
		t.Fatal(err, out.String())
	}
	if !strings.Contains(out.String(), "1 file(s) published") {
		t.Errorf("import: %s", out.String())
	}
	again := filepath.Join(t.TempDir(), "again")
	if err := Run(ctx, []string{"content", "export", again}, nil, &out, log); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(again, "01-open-government-framework", "02-four-phases.en.md")); !bytes.Contains(got, []byte("kept in git")) {
		t.Error("the imported lesson is not published")
	}
	// A broken folder: nothing is imported.
	if err := os.Remove(filepath.Join(dir, "01-open-government-framework", "02-four-phases.fr.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lesson, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = Run(ctx, []string{"content", "import", dir}, nil, &out, log)
	if err == nil || !strings.Contains(err.Error(), "nothing imported") || !strings.Contains(out.String(), "02-four-phases") {
		t.Fatalf("broken folder: %v\n%s", err, out.String())
	}
	third := filepath.Join(t.TempDir(), "third")
	if err := Run(ctx, []string{"content", "export", third}, nil, &out, log); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(third, "01-open-government-framework", "02-four-phases.en.md")); !bytes.Contains(got, []byte("kept in git")) {
		t.Error("a refused import changed what is published")
	}
}

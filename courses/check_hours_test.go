package courses_test

import (
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
)

// fixtureWithHours is the fixture catalogue with course.yaml's hours: line set to hours ("" removes it).
func fixtureWithHours(t *testing.T, hours string) fs.FS {
	t.Helper()
	src := os.DirFS("testdata/catalogue")
	m := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if strings.HasSuffix(p, "course.yaml") {
			line := ""
			if hours != "" {
				line = "hours: " + hours + "\n"
			}
			b = regexp.MustCompile(`(?m)^hours: .*\n`).ReplaceAll(b, []byte(line))
		}
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCheckHoursWarnsOnADisagreeingDeclaredFigure(t *testing.T) {
	cat, ps := courses.Load(fixtureWithHours(t, "1.5"))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	c, _ := cat.Course(fixture)
	computed := float64(c.StudyMinutes()) / 60
	ws := courses.CheckHours(cat)
	if len(ws) != 1 || ws[0].File != "01-fixture-course/course.yaml" || ws[0].Line == 0 || !strings.Contains(ws[0].Message, "hours 1.5 disagrees") {
		t.Fatalf("declared 1.5 h against %.2f h computed: %v", computed, ws)
	}
	// Within 15 % (either way) or left out: no warning.
	for _, h := range []string{"", strconvF(computed * 1.14), strconvF(computed * 0.87)} {
		cat, _ := courses.Load(fixtureWithHours(t, h))
		if ws := courses.CheckHours(cat); len(ws) != 0 {
			t.Errorf("hours %q against %.2f computed: %v", h, computed, ws)
		}
	}
	cat, _ = courses.Load(fixtureWithHours(t, strconvF(computed*1.2)))
	if ws := courses.CheckHours(cat); len(ws) != 1 {
		t.Errorf("20 %% over: %v", ws)
	}
	// The shipped content declares no figure that disagrees.
	shipped, _ := courses.Load(content.FS)
	if ws := courses.CheckHours(shipped); len(ws) != 0 {
		t.Errorf("shipped content: %v", ws)
	}
}

func strconvF(f float64) string {
	return strings.TrimRight(strings.TrimRight(fmtFloat(f), "0"), ".")
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

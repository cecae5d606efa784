package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/search"
)

// contentCheck validates a folder of courses (the built-in ones without an argument) and its
// search thesaurus, and fails with one "file:line: message" per problem.
func contentCheck(args []string, stdout io.Writer) error {
	if len(args) > 1 {
		return usageError{"content check: at most one folder\n" + usage}
	}
	var fsys fs.FS = content.FS
	where := "built-in content"
	if len(args) == 1 {
		st, err := os.Stat(args[0])
		if err != nil || !st.IsDir() {
			return fmt.Errorf("content check: %s is not a folder", args[0])
		}
		fsys, where = os.DirFS(args[0]), args[0]
	}
	ps := courses.Check(fsys)
	// The search thesaurus of the folder (thesaurus.txt), if it has one.
	ps = append(ps, search.CheckThesaurus(fsys)...)
	for _, p := range ps {
		fmt.Fprintln(stdout, p.String())
	}
	cat, _ := courses.Load(fsys)
	// Warnings do not fail the check (the declared hours are not what is shown), and they are
	// shown beside the problems too, so that an author mends everything in one pass.
	warnings := courses.CheckHours(cat)
	for _, w := range warnings {
		fmt.Fprintln(stdout, "warning: "+w.String())
	}
	if len(ps) > 0 {
		if len(warnings) > 0 {
			fmt.Fprintf(stdout, "%d warning(s)\n", len(warnings))
		}
		return fmt.Errorf("content check: %d problem(s) in %s", len(ps), where)
	}
	if len(warnings) > 0 {
		fmt.Fprintf(stdout, "%s: %d course(s), no problems, %d warning(s)\n", where, cat.Len(), len(warnings))
		return nil
	}
	fmt.Fprintf(stdout, "%s: %d course(s), no problems\n", where, cat.Len())
	return nil
}

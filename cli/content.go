package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/authoring"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/store"

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

// contentExport writes the published courses of the database into a new folder, in the
// format `masar serve --content` and `masar content import` read.
func contentExport(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) (err error) {
	c, fset, err := open(ctx, "content export", flagsFirst(args), log, nil)
	if err != nil {
		return err
	}
	defer closeCommand(c, &err)
	if fset.NArg() != 1 {
		return usageError{"content export: name the folder to write\n" + usage}
	}
	st, err := contentStore(ctx, c)
	if err != nil {
		return err
	}
	n, err := st.Export(ctx, fset.Arg(0))
	if err != nil {
		return fmt.Errorf("content export: %w", err)
	}
	fmt.Fprintf(stdout, "%d published files written to %s\n", n, fset.Arg(0))
	return nil
}

// contentImport brings a folder of courses in as new published revisions, after the checks
// of `masar content check`; a folder with problems is refused whole.
func contentImport(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) (err error) {
	var message string
	c, fset, err := open(ctx, "content import", flagsFirst(args), log, func(fs *flag.FlagSet) {
		fs.StringVar(&message, "message", "", "what changed, recorded with each revision")
	})
	if err != nil {
		return err
	}
	defer closeCommand(c, &err)
	if fset.NArg() != 1 {
		return usageError{"content import: name the folder to read\n" + usage}
	}
	dir := fset.Arg(0)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("content import: %s is not a folder", dir)
	}
	st, err := contentStore(ctx, c)
	if err != nil {
		return err
	}
	if message == "" {
		message = "imported from " + filepath.Base(dir)
	}
	changed, problems, err := st.Import(ctx, os.DirFS(dir), audit.Actor{Email: "masar content import"}, message)
	if err != nil {
		return fmt.Errorf("content import: %w", err)
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p.String())
	}
	if len(problems) > 0 {
		return fmt.Errorf("content import: %d problem(s) in %s; nothing imported", len(problems), dir)
	}
	for _, p := range changed {
		fmt.Fprintln(stdout, "  "+p)
	}
	c.ContentChanged()
	fmt.Fprintf(stdout, "%d file(s) published from %s\n", len(changed), dir)
	if c.Beside != nil && c.DB.Dialect() != store.Postgres {
		fmt.Fprintln(stdout, "the running server serves them after a content reload (Administration, or POST /{lang}/admin/content/reload)")
	}
	return nil
}

// contentStore is the database's revisions, with the content the server would serve brought
// in first when no server has run on it yet.
func contentStore(ctx context.Context, c *platform.Command) (*authoring.Store, error) {
	st := authoring.New(c.DB)
	empty, err := st.Empty(ctx)
	if err != nil || !empty {
		return st, err
	}
	var fsys fs.FS = content.FS
	origin := authoring.OriginShipped
	if c.Config.ContentDir != "" {
		fsys, origin = os.DirFS(c.Config.ContentDir), authoring.OriginFolder
	}
	_, err = st.Sync(ctx, fsys, origin)
	return st, err
}

package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// helperFile is the one file allowed to call Next on *sql.Rows: it holds Collect and Each,
// which check rows.Err() after the loop.
const helperFile = "store/rows.go"

// TestRowLoopsUseStoreHelpers keeps every row loop on store.Collect or store.Each, so that
// none can forget rows.Err() and take a read cut short for the whole answer. It parses every
// non-test Go file of the module and fails, naming file:line, for any call of Next on
// *sql.Rows outside store/rows.go. The rule is syntactic (see rowsNextCalls); golangci-lint's
// rowserrcheck in CI is the type-checked second opinion.
func TestRowLoopsUseStoreHelpers(t *testing.T) {
	root := moduleRoot(t)
	var bad []string
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == root {
				return nil
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || name == "node_modules" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == helperFile {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		found, err := rowsNextCalls(rel, src)
		if err != nil {
			return err
		}
		bad = append(bad, found...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read only %d Go files under %s: is the module root right?", files, root)
	}
	for _, b := range bad {
		t.Errorf("%s: rows.Next() outside %s: read rows with store.Collect or store.Each, which check rows.Err()", b, helperFile)
	}
}

// TestRowLoopRule shows what the rule catches and what it leaves alone.
func TestRowLoopRule(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want int // calls reported
	}{
		{"loop over a query's rows, no rows.Err", `
func f(ctx context.Context, db *sql.DB) ([]int64, error) {
	rows, err := db.QueryContext(ctx, "SELECT id FROM t")
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	return ids, nil
}`, 1},
		{"rows.Err checked is still a loop of its own", `
func f(q store.Queryer) error {
	rows, err := q.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}`, 1},
		{"second query into the same variable, other names", `
func f() {
	var srows *sql.Rows
	srows, err = stmt.QueryContext(ctx)
	for srows.Next() {
		scanThing(srows)
	}
	res, _ := db.Query("SELECT 1")
	if res.Next() {
	}
}`, 2},
		{"rows handed in as a parameter", `
func each(rows *sql.Rows, fn func()) {
	for rows.Next() {
		fn()
	}
}`, 1},
		{"rows from elsewhere, scanned in the loop", `
func f() {
	rs := open()
	for rs.Next() {
		rs.Scan(&x)
	}
	for rs.Next() {
		scanReg(rs)
	}
}`, 2},
		{"database/sql imported under another name", `
import dbsql "database/sql"
func f(r *dbsql.Rows) { for r.Next() {} }`, 1},
		{"the helpers", `
func f() ([]int64, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT id FROM t")
	return store.Collect(rows, err, store.Column[int64])
}`, 0},
		{"other iterators: a spreadsheet, a middleware chain", `
func f(c *fiber.Ctx) error {
	rows, err := f.Rows("Sheet1")
	for rows.Next() {
		cells, _ := rows.Columns()
		use(cells)
	}
	values, ok := sh.Next()
	return c.Next()
}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if !strings.Contains(src, "import ") {
				src = `import "database/sql"` + "\n" + src
			}
			got, err := rowsNextCalls("x.go", []byte("package x\n"+src))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("reported %q, want %d", got, tt.want)
			}
		})
	}
}

// rowsNextCalls returns the position (file:line) of every call x.Next() in the file where
// x is, as far as the syntax tells, a *sql.Rows:
//   - x was assigned the first result of a call of a method Query or QueryContext,
//   - x was declared *sql.Rows (a variable, a parameter),
//   - or x.Next() is a for condition and the loop body scans x (x.Scan(…), or x passed to a
//     function whose name contains "scan").
//
// Names are tracked per top-level declaration, which is enough for the code at hand.
func rowsNextCalls(filename string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	sqlName := ""
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "database/sql" {
			sqlName = "sql"
			if im.Name != nil {
				sqlName = im.Name.Name
			}
		}
	}
	isRowsType := func(e ast.Expr) bool {
		star, ok := e.(*ast.StarExpr)
		if !ok || sqlName == "" {
			return false
		}
		sel, ok := star.X.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		pkg, ok := sel.X.(*ast.Ident)
		return ok && pkg.Name == sqlName && sel.Sel.Name == "Rows"
	}
	isQuery := func(e ast.Expr) bool {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		return ok && (sel.Sel.Name == "Query" || sel.Sel.Name == "QueryContext")
	}
	nextOn := func(e ast.Expr) (string, bool) {
		call, ok := e.(*ast.CallExpr)
		if !ok || len(call.Args) != 0 {
			return "", false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Next" {
			return "", false
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return "", false
		}
		return x.Name, true
	}
	scans := func(body *ast.BlockStmt, name string) bool {
		found := false
		ast.Inspect(body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || found {
				return !found
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Scan" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == name {
					found = true
				}
			}
			fn := ""
			switch fun := call.Fun.(type) {
			case *ast.Ident:
				fn = fun.Name
			case *ast.SelectorExpr:
				fn = fun.Sel.Name
			}
			if strings.Contains(strings.ToLower(fn), "scan") {
				for _, a := range call.Args {
					if x, ok := a.(*ast.Ident); ok && x.Name == name {
						found = true
					}
				}
			}
			return !found
		})
		return found
	}

	var out []string
	for _, decl := range f.Decls {
		rows := map[string]bool{}
		ast.Inspect(decl, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, r := range n.Rhs {
					if !isQuery(r) {
						continue
					}
					lhs := n.Lhs[0] // rows, err := q.QueryContext(…)
					if len(n.Lhs) == len(n.Rhs) {
						lhs = n.Lhs[i]
					}
					if id, ok := lhs.(*ast.Ident); ok {
						rows[id.Name] = true
					}
				}
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if n.Type != nil && isRowsType(n.Type) {
						rows[name.Name] = true
					}
					if (i == 0 && len(n.Values) == 1 && isQuery(n.Values[0])) || (len(n.Values) == len(n.Names) && isQuery(n.Values[i])) {
						rows[name.Name] = true
					}
				}
			case *ast.Field:
				if isRowsType(n.Type) {
					for _, name := range n.Names {
						rows[name.Name] = true
					}
				}
			}
			return true
		})
		reported := map[token.Pos]bool{}
		report := func(pos token.Pos) {
			if !reported[pos] {
				reported[pos] = true
				p := fset.Position(pos)
				out = append(out, p.Filename+":"+strconv.Itoa(p.Line))
			}
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if name, ok := nextOn(n); ok && rows[name] {
					report(n.Pos())
				}
			case *ast.ForStmt:
				if n.Cond == nil {
					break
				}
				if name, ok := nextOn(n.Cond); ok && scans(n.Body, name) {
					report(n.Cond.Pos())
				}
			}
			return true
		})
	}
	return out, nil
}

// moduleRoot is the directory of the go.mod above the test's working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

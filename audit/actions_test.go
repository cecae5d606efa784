package audit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/workshops"
)

// goPackage is one directory's non-test Go files, parsed.
type goPackage struct {
	name   string
	files  []*ast.File
	consts map[string]string // string constants declared at the top level
}

// dynamicParams are the parameters that carry an action (or part of one) from outside the
// code this test can follow (a URL, a request): the values they may take.
var dynamicParams = map[string][]string{
	"workshops.Transition.action": {workshops.ActApprove, workshops.ActReject, workshops.ActWaitlist, workshops.ActCancel, workshops.ActAccept},
}

// TestEveryWrittenActionIsListed reads the source of the whole module, finds every call of
// audit.Record and works out the action codes it can write (literals, constants, local
// variables set to either, parameters filled by the callers, "prefix."+kind): each must be in
// audit.Actions, so that the audit log can name it. A new action written without a name
// fails here.
func TestEveryWrittenActionIsListed(t *testing.T) {
	pkgs := parseModule(t, "..")
	written := map[string]string{} // code → where
	for _, p := range pkgs {
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				fn, ok := n.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					return true
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || !isRecord(call, p.name) || len(call.Args) < 4 {
						return true
					}
					r := resolver{pkgs: pkgs, t: t}
					codes, ok := r.resolve(call.Args[3], fn, p, 0)
					if !ok {
						t.Errorf("%s: cannot work out the action of audit.Record in %s", p.name, fn.Name.Name)
					}
					for _, c := range codes {
						written[c] = p.name + "." + fn.Name.Name
					}
					return true
				})
				return false
			})
		}
	}
	if len(written) < 40 {
		t.Fatalf("found only %d action codes; the source walk is broken", len(written))
	}
	for c, where := range written {
		if !slices.Contains(audit.Actions, c) {
			t.Errorf("action %q (written in %s) is not in audit.Actions", c, where)
		}
	}
}

// TestEveryActionHasAName walks audit.Actions: each code has a name in every interface
// language, and the name is not the code itself.
func TestEveryActionHasAName(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range audit.Actions {
		if seen[c] {
			t.Errorf("%q is listed twice", c)
		}
		seen[c] = true
		for _, l := range i18n.Langs {
			key := audit.NameKey(c)
			if !cat.Has(l, key) {
				t.Errorf("%s: no name for action %q (key %s)", l, c, key)
				continue
			}
			if n := cat.T(l, key); n == c || strings.TrimSpace(n) == "" {
				t.Errorf("%s: the name of %q is %q", l, c, n)
			}
		}
	}
	// The advisory timeline's events are written as "advisory.<kind>".
	for _, k := range advisory.StepKinds {
		if k == "status" || k == "note" {
			continue
		}
		if !seen["advisory."+k] {
			t.Errorf("advisory event %q has no action in audit.Actions", k)
		}
	}
}

func isRecord(call *ast.CallExpr, pkg string) bool {
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		id, ok := f.X.(*ast.Ident)
		return ok && id.Name == "audit" && f.Sel.Name == "Record"
	case *ast.Ident:
		return pkg == "audit" && f.Name == "Record"
	}
	return false
}

func parseModule(t *testing.T, root string) map[string]*goPackage {
	t.Helper()
	fset := token.NewFileSet()
	pkgs := map[string]*goPackage{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		p := pkgs[dir]
		if p == nil {
			p = &goPackage{name: f.Name.Name, consts: map[string]string{}}
			pkgs[dir] = p
		}
		p.files = append(p.files, f)
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							s, _ := strconv.Unquote(lit.Value)
							p.consts[n.Name] = s
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

type resolver struct {
	pkgs map[string]*goPackage
	t    *testing.T
}

func (r resolver) pkgNamed(name string) *goPackage {
	for _, p := range r.pkgs {
		if p.name == name {
			return p
		}
	}
	return nil
}

// resolve lists the strings expression e can hold inside fn of package p.
func (r resolver) resolve(e ast.Expr, fn *ast.FuncDecl, p *goPackage, depth int) ([]string, bool) {
	if depth > 6 {
		return nil, false
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return nil, false
		}
		s, err := strconv.Unquote(x.Value)
		return []string{s}, err == nil
	case *ast.ParenExpr:
		return r.resolve(x.X, fn, p, depth)
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		if !ok {
			return nil, false
		}
		if q := r.pkgNamed(id.Name); q != nil {
			if s, ok := q.consts[x.Sel.Name]; ok {
				return []string{s}, true
			}
		}
		return nil, false
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return nil, false
		}
		a, ok1 := r.resolve(x.X, fn, p, depth+1)
		b, ok2 := r.resolve(x.Y, fn, p, depth+1)
		var out []string
		for _, s := range a {
			for _, u := range b {
				out = append(out, s+u)
			}
		}
		return out, ok1 && ok2
	case *ast.Ident:
		return r.ident(x.Name, fn, p, depth)
	}
	return nil, false
}

func (r resolver) ident(name string, fn *ast.FuncDecl, p *goPackage, depth int) ([]string, bool) {
	// A local variable: every value assigned to it in the function.
	var vals []string
	found, ok := false, true
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		a, isA := n.(*ast.AssignStmt)
		if !isA || len(a.Lhs) != len(a.Rhs) {
			return true
		}
		for i, l := range a.Lhs {
			if id, isID := l.(*ast.Ident); isID && id.Name == name {
				found = true
				v, good := r.resolve(a.Rhs[i], fn, p, depth+1)
				ok = ok && good
				vals = append(vals, v...)
			}
		}
		return true
	})
	if found {
		return vals, ok
	}
	// A parameter: what the callers pass, or the values a dynamic one may take.
	idx := -1
	n := 0
	for _, f := range fn.Type.Params.List {
		for _, pn := range f.Names {
			if pn.Name == name {
				idx = n
			}
			n++
		}
	}
	if idx >= 0 {
		if vs, ok := dynamicParams[p.name+"."+fn.Name.Name+"."+name]; ok {
			return vs, true
		}
		calls := 0
		ok := true
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				caller, isFn := n.(*ast.FuncDecl)
				if !isFn || caller.Body == nil {
					return true
				}
				ast.Inspect(caller.Body, func(n ast.Node) bool {
					call, isCall := n.(*ast.CallExpr)
					if !isCall || len(call.Args) <= idx {
						return true
					}
					var callee string
					switch f := call.Fun.(type) {
					case *ast.Ident:
						callee = f.Name
					case *ast.SelectorExpr:
						callee = f.Sel.Name
					}
					if callee != fn.Name.Name {
						return true
					}
					calls++
					v, good := r.resolve(call.Args[idx], caller, p, depth+1)
					ok = ok && good
					vals = append(vals, v...)
					return true
				})
				return false
			})
		}
		return vals, ok && calls > 0
	}
	// A constant of the package.
	if s, isC := p.consts[name]; isC {
		return []string{s}, true
	}
	return nil, false
}

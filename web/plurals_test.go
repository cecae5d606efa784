package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
	"unicode"
	"unicode/utf8"

	"github.com/masar-platform/masar/i18n"
)

// A count shown next to a noun must go through the CLDR plural rules ({{.N "key" n}}), never
// be put together by hand: «40 مقاعد شاغرة», «0 مقعد معروض», «7 ساعة» are what hand-built
// counts look like in Arabic. TestNoHandBuiltCounts reads every page and mail template and
// fails on the two shapes such a count takes:
//
//   - a number printed by itself ({{.Num x}}, {{len x}}, {{.Hours}}, {{printf "%d" x}}, …)
//     followed by a word, either literal text or a {{.T "key"}} message (inline markup such
//     as <span> or <strong> in between does not hide it; a cell or item boundary does);
//   - a number passed to {{.T "key" "name" n}} whose message, in any language, has a word
//     right after {name} ("{hours} ساعة دراسة", "{n} hours").
//
// It also fails on a plural message shown with T (which shows the key). A number followed by a
// label that agrees with it ({{.Num x}} {{.N "label" x}}: the big figure of a card) passes, as
// do numbers that are values rather than counts: "الدرس {n} من {total}", a table cell (the
// number is followed by a preposition, punctuation, a cell boundary or nothing).

// countField names fields that hold a count or a quantity.
var countField = regexp.MustCompile(`^(Num|Len|Count|Total|Hours|Minutes|Days|Weeks|Seats|Left|Capacity|Confirmed|Pending|Offered|Waitlisted|Queued|Records|Suppressed|Issued|Failed|Done|Mine|Threshold|AttemptsLeft|MaxAttempts|MaxFiles|GraceDays|MailDays|AuditDays|\w+Count|\w+Total|\w+Hours|\w+Minutes|\w+Days)$`)

// afterNumberOK are the words that may follow a number without making it a counted noun:
// prepositions of "3 of 10", and units written the same whatever the count.
var afterNumberOK = map[string]bool{
	"من": true, "إلى": true, "of": true, "out": true, "to": true, "sur": true, "de": true, "à": true, "sur/": true,
	"ميغابايت": true, "كيلوبايت": true, "MB": true, "KB": true, "Mo": true, "Ko": true,
}

// transparentTags are inline elements: a number and a word with only these between them
// still read as one phrase.
var transparentTags = map[string]bool{"span": true, "strong": true, "b": true, "em": true, "i": true, "bdi": true, "small": true, "a": true, "abbr": true, "code": true, "time": true}

var tagRe = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)[^>]*>`)

type countLint struct {
	cat      i18n.Catalogue
	file     string
	problems []string
}

func TestNoHandBuiltCounts(t *testing.T) {
	l := &countLint{cat: i18n.MustLoad()}
	files, _ := filepath.Glob("templates/*.html")
	mails, _ := filepath.Glob("../mail/templates/*")
	files = append(files, mails...)
	if len(files) < 50 {
		t.Fatalf("only %d templates found", len(files))
	}
	for _, f := range files {
		for _, p := range l.file1(t, f) {
			t.Error(p)
		}
	}
}

// file1 returns the hand-built counts of one template file.
func (l *countLint) file1(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return l.source(filepath.Base(path), string(b))
}

// source returns the hand-built counts of a template's text.
func (l *countLint) source(name, src string) []string {
	l.file, l.problems = name, nil
	treeSet := map[string]*parse.Tree{}
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(src, "{{", "}}", treeSet); err != nil {
		return []string{name + ": " + err.Error()}
	}
	for _, tree := range treeSet {
		if tree.Root != nil {
			l.list(tree.Root)
		}
	}
	return l.problems
}

func (l *countLint) report(n parse.Node, format string) {
	l.problems = append(l.problems, l.file+": "+strings.TrimSpace(n.String())+": "+format)
}

func (l *countLint) list(list *parse.ListNode) {
	if list == nil {
		return
	}
	for i, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			l.pipe(n.Pipe)
			if isNumberPipe(n.Pipe) {
				l.after(n, list.Nodes[i+1:])
			}
		case *parse.IfNode:
			l.pipe(n.Pipe)
			l.list(n.List)
			l.list(n.ElseList)
		case *parse.RangeNode:
			l.list(n.List)
			l.list(n.ElseList)
		case *parse.WithNode:
			l.pipe(n.Pipe)
			l.list(n.List)
			l.list(n.ElseList)
		case *parse.TemplateNode:
			l.pipe(n.Pipe)
		}
	}
}

// after looks at what follows a printed number in the same list of nodes.
func (l *countLint) after(num *parse.ActionNode, rest []parse.Node) {
	for _, n := range rest {
		switch n := n.(type) {
		case *parse.TextNode:
			text, boundary := inlineText(string(n.Text))
			text = strings.TrimLeft(text, " \t\n\u00a0/")
			if text != "" {
				if w := firstWord(text); w != "" && !afterNumberOK[w] {
					l.report(num, "a count followed by the word «"+w+"» built by hand: use {{.N \"key\" n}} with a plural message")
				}
				return
			}
			if boundary {
				return
			}
		case *parse.ActionNode:
			if key, ok := tCall(n.Pipe); ok {
				l.report(num, "a count followed by the message "+key+": use one plural message {{.N \"key\" n}} for number and noun, or a plural label {{.N \"key\" n}} after it")
				return
			}
			if !isNumberPipe(n.Pipe) {
				return
			}
		default:
			return
		}
	}
}

// inlineText removes inline tags from text, stopping at the first tag that is not inline
// (a cell, an item, a paragraph); boundary tells whether it stopped there.
func inlineText(s string) (string, bool) {
	var b strings.Builder
	for {
		loc := tagRe.FindStringSubmatchIndex(s)
		if loc == nil {
			b.WriteString(s)
			return b.String(), false
		}
		b.WriteString(s[:loc[0]])
		if !transparentTags[strings.ToLower(s[loc[4]:loc[5]])] {
			return b.String(), true
		}
		s = s[loc[1]:]
	}
}

// firstWord is the word text starts with, "" when it starts with a digit, a sign or punctuation.
func firstWord(text string) string {
	r, _ := utf8.DecodeRuneInString(text)
	if !unicode.IsLetter(r) {
		return ""
	}
	end := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && r != '\u200c' })
	if end < 0 {
		return text
	}
	return text[:end]
}

// pipe checks the T calls of a pipeline, nested ones included.
func (l *countLint) pipe(p *parse.PipeNode) {
	if p == nil {
		return
	}
	for _, cmd := range p.Cmds {
		for _, a := range cmd.Args {
			if sub, ok := a.(*parse.PipeNode); ok {
				l.pipe(sub)
			}
		}
		key, ok := tKey(cmd)
		if !ok {
			continue
		}
		if l.cat.Has("en", key+".other") {
			l.report(cmd, "the plural message "+key+" shown with T: use {{.N \""+key+"\" n}}")
			continue
		}
		for i := 2; i+1 < len(cmd.Args); i += 2 {
			name, ok := cmd.Args[i].(*parse.StringNode)
			if !ok || !isNumberArg(cmd.Args[i+1]) {
				continue
			}
			for _, lang := range i18n.Langs {
				msg := l.cat.T(lang, key)
				if w := wordAfter(msg, "{"+name.Text+"}"); w != "" {
					l.report(cmd, lang+" message "+key+" puts the word «"+w+"» after the count {"+name.Text+"}: make it a plural message and use {{.N}}")
				}
			}
		}
	}
}

// wordAfter is the word that follows placeholder in msg when it is a counted noun.
func wordAfter(msg, placeholder string) string {
	for {
		i := strings.Index(msg, placeholder)
		if i < 0 {
			return ""
		}
		msg = msg[i+len(placeholder):]
		rest := strings.TrimLeft(msg, " \u00a0\u202f")
		if len(rest) == len(msg) {
			continue // "{n}%" or "{n}." : no word
		}
		if w := firstWord(rest); w != "" && !afterNumberOK[w] {
			return w
		}
	}
}

// tCall reports whether the pipeline prints a T message, and its key ("" when computed).
func tCall(p *parse.PipeNode) (string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 {
		return "", false
	}
	cmd := p.Cmds[0]
	if len(cmd.Args) < 2 || lastName(cmd.Args[0]) != "T" {
		return "", false
	}
	key, _ := tKey(cmd)
	return key, true
}

// tKey is the constant message key of a T command: {{.T "key" …}}, {{$.T "key" …}}, {{$v.T "key" …}}.
func tKey(cmd *parse.CommandNode) (string, bool) {
	if len(cmd.Args) < 2 || lastName(cmd.Args[0]) != "T" {
		return "", false
	}
	s, ok := cmd.Args[1].(*parse.StringNode)
	if !ok {
		return "", false
	}
	return s.Text, true
}

// isNumberPipe reports whether a pipeline prints a number.
func isNumberPipe(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 {
		return false
	}
	cmd := p.Cmds[0]
	switch name := lastName(cmd.Args[0]); {
	case name == "Num" || name == "len" || name == "add" || name == "sub":
		return true
	case name == "printf":
		s, ok := cmd.Args[1].(*parse.StringNode)
		return ok && strings.Contains(s.Text, "%d")
	case len(cmd.Args) == 1:
		return isNumberArg(cmd.Args[0])
	}
	return false
}

// isNumberArg reports whether an argument is a number: a literal, a count field, a nested
// number pipeline.
func isNumberArg(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.NumberNode:
		return n.IsInt || n.IsFloat
	case *parse.PipeNode:
		return isNumberPipe(n)
	case *parse.FieldNode, *parse.ChainNode, *parse.VariableNode:
		return countField.MatchString(lastName(n))
	}
	return false
}

// lastName is the last identifier of a field, chain, variable or function name.
func lastName(n parse.Node) string {
	switch n := n.(type) {
	case *parse.IdentifierNode:
		return n.Ident
	case *parse.FieldNode:
		return n.Ident[len(n.Ident)-1]
	case *parse.ChainNode:
		if len(n.Field) > 0 {
			return n.Field[len(n.Field)-1]
		}
	case *parse.VariableNode:
		if len(n.Ident) > 1 {
			return n.Ident[len(n.Ident)-1]
		}
	}
	return ""
}

// TestCountLintCatches shows the lint on the shapes of the defects it exists for.
func TestCountLintCatches(t *testing.T) {
	l := &countLint{cat: i18n.MustLoad()}
	for lang, msg := range map[string]string{"ar": "{hours} ساعة", "en": "{hours} hours", "fr": "{hours} heures"} {
		l.cat[lang]["test.hours"] = msg
	}
	for src, want := range map[string]bool{
		// «40 مقاعد شاغرة», «0 مقعد معروض»: a number, then a label message.
		`<li><strong>{{.Num $w.Seats.Left}}</strong> <span>{{.T "workshops.seats_left"}}</span></li>`:                 true,
		`<li>{{.Num $w.Seats.Offered}} {{.T "workshops.status.offered"}}</li>`:                                        true,
		`<li><strong>{{.Num .A}}</strong> / {{.Num .Capacity}} <span>{{.T "workshops.status.confirmed"}}</span></li>`: true,
		// a number then a literal noun
		`<p>{{len .Items}} ساعة</p>`:    true,
		`<p>{{$.Num .Hours}} hours</p>`: true,
		`<p>{{.Hours}} ساعات</p>`:       true,
		`{{range .Extra}}<li><span class="n">{{$.Num .N}}</span> <span class="label">{{$.T .Key}}</span></li>{{end}}`: true,
		// a count into a message that puts a noun after it: «7 ساعة», «6 ساعة دراسة»
		`<dd>{{.T "test.hours" "hours" $w.Hours}}</dd>`:  true,
		`<dd>{{.T "test.hours" "hours" (.Num .X)}}</dd>`: true,
		`<dd>{{.T "test.hours" "hours" 7}}</dd>`:         true,
		// a plural message shown with T shows its key
		`<dd>{{.T "workshops.hours_value" "hours" $w.Hours}}</dd>`: true,
		// fine: plural messages, values in cells, "3 of 10", percentages
		`<p>{{.N "workshops.count" (len .X)}}</p>`: false,
		`<li><span class="n">{{.Num .X}}</span> <span class="label">{{.N "countrypage.figure.officials" .X}}</span></li>`: false,
		`<td>{{$.Num .N}}</td><td>{{$.T "workshops.status.offered"}}</td>`:                                                false,
		`<p>{{.T "cert.job.progress" "done" (.Num .Done) "total" (.Num .Total)}}</p>`:                                     false,
		`<p>{{.Num .Total}}%</p>`: false,
		`<p>{{.T "lesson.number" "n" .Number "total" (len .Lessons)}}</p>`:                 false,
		`<p>{{.T "workshops.seats_short" "confirmed" (.Num .A) "capacity" (.Num .B)}}</p>`: false,
	} {
		got := l.source("t.html", `{{$w := .W}}{{$d := .D}}`+src)
		for _, p := range got {
			if strings.Contains(p, "template:") {
				t.Fatal(p)
			}
		}
		if (len(got) > 0) != want {
			t.Errorf("%s: flagged %v, want %v", src, got, want)
		}
	}
}

// numberFuncs are the functions that write a number as text.
var numberFuncs = map[string]bool{"Itoa": true, "FormatInt": true, "FormatFloat": true, "FormatDecimal": true, "formatDecimal": true, "num": true, "Num": true}

// TestNoHandBuiltCountsInGo reads the platform's Go code (tests aside) and fails where a text
// is put together from a number and a word: strconv.Itoa(n) + " ساعة", i18n.FormatInt(l, n) +
// " " + cat.T(l, "noun"), fmt.Sprintf("%d hours", n). Such a text goes through a plural message
// (cat.N, cat.NDecimal) instead.
func TestNoHandBuiltCountsInGo(t *testing.T) {
	fset := token.NewFileSet()
	var problems []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && d.Name() != "..") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		if speaksToUsers(path, f) {
			problems = append(problems, goCounts(fset, f)...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	// The check itself: it sees the shapes it exists for.
	src := `package x
func f() { _ = strconv.Itoa(n) + " ساعة"; _ = i18n.FormatInt(l, n) + " " + cat.T(l, "noun"); _ = fmt.Sprintf("%d hours", n) }`
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := goCounts(fset, f); len(got) != 3 {
		t.Errorf("the check finds %d of 3 hand-built counts: %v", len(got), got)
	}
}

// speaksToUsers tells the files that write texts for the platform's users: the web package
// and every file that uses the message catalogues. The others (the benchmark's reports, the
// command line's English messages to the operator, the PDF writer's operators) are not read.
func speaksToUsers(path string, f *ast.File) bool {
	if filepath.Dir(path) == "." {
		return true
	}
	for _, imp := range f.Imports {
		if imp.Path.Value == `"github.com/masar-platform/masar/i18n"` {
			return true
		}
	}
	return false
}

// goCounts lists the hand-built counts of a Go file.
func goCounts(fset *token.FileSet, f *ast.File) []string {
	var out []string
	report := func(n ast.Node, what string) {
		out = append(out, fset.Position(n.Pos()).String()+": "+what+": use a plural message (cat.N, cat.NDecimal)")
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op != token.ADD {
				return true
			}
			ops := flattenAdd(n)
			for i := 0; i+1 < len(ops); i++ {
				if !isNumberCall(ops[i]) {
					continue
				}
				next := ops[i+1]
				if lit, ok := next.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					if w := firstWord(strings.TrimLeft(s, " \u00a0")); w != "" && !afterNumberOK[w] {
						report(n, "a number followed by «"+w+"»")
					} else if strings.TrimSpace(s) == "" && i+2 < len(ops) && isTCall(ops[i+2]) {
						report(n, "a number followed by a message")
					}
				} else if isTCall(next) {
					report(n, "a number followed by a message")
				}
			}
			return false
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(n.Args) > 0 {
				if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					for _, part := range strings.Split(s, "%d")[1:] {
						if w := firstWord(strings.TrimLeft(part, " \u00a0")); w != "" && strings.HasPrefix(part, " ") && !afterNumberOK[w] {
							report(n, "a %d followed by «"+w+"»")
						}
					}
				}
			}
		}
		return true
	})
	return out
}

// flattenAdd lists the operands of a chain of +.
func flattenAdd(e ast.Expr) []ast.Expr {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		return append(flattenAdd(b.X), flattenAdd(b.Y)...)
	}
	if p, ok := e.(*ast.ParenExpr); ok {
		return flattenAdd(p.X)
	}
	return []ast.Expr{e}
}

func callName(e ast.Expr) string {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return ""
	}
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

func isNumberCall(e ast.Expr) bool { return numberFuncs[callName(e)] }

func isTCall(e ast.Expr) bool { n := callName(e); return n == "T" || n == "t" }

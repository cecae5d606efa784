package search

import "testing"

func TestNarrowRewritesOnlyPrefixesOfOneTerm(t *testing.T) {
	v := &vocabulary{sorted: []string{`a"b`, "ab", "data", "open", "opening", "بيان", "بيانات"}}
	for _, c := range []struct{ in, want string }{
		{`("data"*)`, `("data")`},                          // one term begins with it
		{`("open"*) AND "da"*`, `("open"*) AND "data"`},    // two terms: kept
		{`"بيانات"* OR "بيان"`, `"بيانات" OR "بيان"`},      // a whole term is left alone
		{`"zz"* AND "data"`, `"zz"* AND "data"`},           // none: kept (it finds nothing anyway)
		{`"a""b"* OR "a"*`, `"a""b" OR "a"*`},              // a quote inside a term
		{`{headings} : ("dat"*)`, `{headings} : ("data")`}, // a column filter
		{`"unclosed`, `"unclosed`},
	} {
		if got := v.narrow(c.in); got != c.want {
			t.Errorf("narrow(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestUnquoteReadsWhatQuoteWrites(t *testing.T) {
	for _, text := range []string{"", "data", `a"b`, `"`, `""x"`, "بيانات"} {
		s := quote(text) + "* rest"
		got, end, ok := unquote(s, 0)
		if !ok || got != text || s[end:] != "* rest" {
			t.Errorf("unquote(%s) = %q, %q, %v; want %q before %q", s, got, s[end:], ok, text, "* rest")
		}
	}
	if _, _, ok := unquote(`"open`, 0); ok {
		t.Error(`unquote("open) read a string that is not closed`)
	}
}

package search_test

import (
	"context"
	"slices"
	"testing"

	"github.com/masar-platform/masar/search"
)

// Since every course has French lessons, French queries compete with the lessons of all
// the courses; these tests keep what a French reader sees in their own language.

// top returns the first n results of a query on the shipped index, with their languages.
func topWithLang(t *testing.T, ix *search.Index, lang, q string, n int) (refs, langs []string) {
	t.Helper()
	res, err := ix.Search(context.Background(), search.Query{Text: q, Lang: lang})
	if err != nil {
		t.Fatalf("%s %q: %v", lang, q, err)
	}
	for i, r := range res.Items {
		if i == n {
			break
		}
		refs = append(refs, refOf(r))
		langs = append(langs, r.Lang)
	}
	return refs, langs
}

// A French thesaurus term with no accent («gouvernement ouvert») is French: its English
// counterpart («open government») is for when the French words find little, so English
// pages do not come among the first results of a French query; nor do the pages of another
// language that have only some of the words («les paliers du gouvernement ouvert»).
func TestFrenchQueryStaysFrench(t *testing.T) {
	ix, _ := shippedIndex(t)
	for _, q := range []string{"gouvernement ouvert", "les paliers du gouvernement ouvert", "données ouvertes", "participation citoyenne"} {
		refs, langs := topWithLang(t, ix, "fr", q, 5)
		if len(refs) < 5 {
			t.Errorf("fr %q: only %d results: %v", q, len(refs), refs)
		}
		for i, l := range langs {
			if l != "fr" {
				t.Errorf("fr %q: result %d is %s in %s; the French lessons have the words: %v", q, i+1, refs[i], l, refs)
			}
		}
	}
	// The English query still finds the English pages first.
	_, langs := topWithLang(t, ix, "en", "open government", 5)
	for i, l := range langs {
		if l != "en" {
			t.Errorf("en %q: result %d is in %s", "open government", i+1, l)
		}
	}
}

// A misspelt word, once corrected, ranks the results as the word typed right does.
func TestCorrectedWordRanksAsTypedRight(t *testing.T) {
	ix, _ := shippedIndex(t)
	for _, c := range []struct{ lang, typo, right string }{
		{"fr", "transaprence", "transparence"},
		{"en", "tranparency", "transparency"},
	} {
		res, err := ix.Search(context.Background(), search.Query{Text: c.typo, Lang: c.lang})
		if err != nil {
			t.Fatal(err)
		}
		if res.DidYouMean == "" {
			t.Errorf("%s %q: no \"did you mean\"", c.lang, c.typo)
		}
		got, _ := topWithLang(t, ix, c.lang, c.typo, 5)
		want, _ := topWithLang(t, ix, c.lang, c.right, 5)
		if !slices.Equal(got, want) {
			t.Errorf("%s %q ranks %v;\n%q ranks %v", c.lang, c.typo, got, c.right, want)
		}
	}
}

package search

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/masar-platform/masar/courses"
)

// ThesaurusFile is the name of the thesaurus in the content folder.
const ThesaurusFile = "thesaurus.txt"

// MaxThesaurusBytes bounds the thesaurus file.
const MaxThesaurusBytes = 1 << 20

// Thesaurus holds the groups of words that mean the same for the search: the regional
// variants (منصة، بوابة), the loanwords (داتا، بيانات), the Maghreb terms (المعطيات، مرتفق).
// Staff keep it in the content folder, in thesaurus.txt, one group a line, its terms
// separated by "|":
//
//	# comment
//	استبيان | استطلاع | سبر الآراء
//	بيانات | معطيات | داتا
//
// A term may have several words. A query whose words (or run of words) are a term of a group
// finds the documents that have any term of the group. Terms are compared as the index
// compares words (normalised and stemmed), so «الاستبيانات» is the term «استبيان». A nil
// *Thesaurus has no groups.
type Thesaurus struct {
	groups [][]thesaurusTerm
	// byFirst lists, by the key of a term's first word, the terms that begin with it.
	byFirst map[string][]thesaurusRef
}

type thesaurusTerm struct {
	text string
	keys []string // the keys of its words (thesaurusKey), function words left out
	// lang is the language of the term: ar for Arabic script; for Latin script fr when
	// accents or function words say so, otherwise the language whose lessons use it
	// (settleLanguages), en when nothing tells.
	lang string
	// unsure: a Latin term with nothing French in it, whose language the lessons decide.
	unsure bool
}

type thesaurusRef struct{ group, term int }

// thesaurusKey is what a word is compared by: its Arabic light stem, stemmed again until it
// stays the same (the stemmer takes one plural ending: «الاستبيانات» → «استبيان», whose «ان»
// it would take next), or for a Latin word its English stem (of the unaccented word).
func thesaurusKey(surf string) string {
	switch scriptOf(surf) {
	case scriptArabic:
		k := stemArabic(surf)
		for range 3 {
			next := stemArabic(k)
			if next == k {
				break
			}
			k = next
		}
		return k
	case scriptLatin:
		return stemEnglish(surf)
	}
	return surf
}

// thesaurusKeys are the keys of the words of a text, function words left out.
func thesaurusKeys(text string) []string {
	var keys []string
	for _, sp := range wordSpans(text, nil) {
		surf := normWord(text[sp.start:sp.end])
		if isStop(surf) {
			continue
		}
		keys = append(keys, thesaurusKey(surf))
	}
	return keys
}

// ParseThesaurus reads a thesaurus. Lines that cannot be used are left out and reported as
// problems of file (the name shown), with their line numbers; the others are kept.
func ParseThesaurus(file string, src []byte) (*Thesaurus, []courses.Problem) {
	th := &Thesaurus{byFirst: map[string][]thesaurusRef{}}
	var ps []courses.Problem
	bad := func(line int, format string, args ...any) {
		ps = append(ps, courses.Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if len(src) > MaxThesaurusBytes {
		bad(0, "the thesaurus is %d bytes; at most %d are read", len(src), MaxThesaurusBytes)
		return th, ps
	}
	seen := map[string]int{} // a term's keys → its line
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), MaxThesaurusBytes)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) < 2 {
			bad(n, "a group needs at least two terms separated by \"|\"")
			continue
		}
		var group []thesaurusTerm
		ok := true
		for i, p := range parts {
			p = strings.TrimSpace(p)
			keys := thesaurusKeys(p)
			switch {
			case p == "":
				bad(n, "term %d is empty (two \"|\" in a row, or one at an end)", i+1)
				ok = false
			case len(keys) == 0:
				bad(n, "term %q has no word to search for (only punctuation or function words)", p)
				ok = false
			case len(keys) > MaxQueryWords:
				bad(n, "term %q has %d words; at most %d", p, len(keys), MaxQueryWords)
				ok = false
			}
			if !ok {
				break
			}
			k := strings.Join(keys, " ")
			if first, dup := seen[k]; dup {
				if first == n {
					bad(n, "term %q is written twice in the group", p)
				} else {
					bad(n, "term %q is already in the group on line %d; a term belongs to one group", p, first)
				}
				ok = false
				break
			}
			seen[k] = n
			lang := languageOf(p)
			group = append(group, thesaurusTerm{text: p, keys: keys, lang: lang, unsure: lang == "en"})
		}
		if !ok {
			continue
		}
		g := len(th.groups)
		th.groups = append(th.groups, group)
		for t, term := range group {
			th.byFirst[term.keys[0]] = append(th.byFirst[term.keys[0]], thesaurusRef{g, t})
		}
	}
	if err := sc.Err(); err != nil {
		bad(0, "cannot read: %v", err)
	}
	return th, ps
}

// CheckThesaurus reads the thesaurus of a content folder, if it has one, and returns its
// problems (for `masar content check`).
func CheckThesaurus(fsys fs.FS) []courses.Problem {
	src, err := fs.ReadFile(fsys, ThesaurusFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []courses.Problem{{File: ThesaurusFile, Message: fmt.Sprintf("cannot read: %v", err)}}
	}
	_, ps := ParseThesaurus(ThesaurusFile, src)
	return ps
}

// thesaurusOf reads the thesaurus of the catalogue's content folder (none when it has none).
func thesaurusOf(cat *courses.Catalogue) (*Thesaurus, []courses.Problem) {
	src, err := cat.ReadFile(ThesaurusFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []courses.Problem{{File: ThesaurusFile, Message: fmt.Sprintf("cannot read: %v", err)}}
	}
	return ParseThesaurus(ThesaurusFile, src)
}

// settleLanguages decides the language of the Latin terms that have nothing French in them
// («gouvernement ouvert», «budget», «open government»): a term is French when a larger share
// of the French documents than of the English ones has all its words. Which terms of a
// group are in the typed words' language matters: those in another language are searched
// for only when the typed words find little, so a French query for «gouvernement ouvert»
// must not bring the English lessons on «open government» into its first results.
func (th *Thesaurus) settleLanguages(docs []doc) {
	if th == nil {
		return
	}
	// The words of the unsure terms, and in how many documents of each language they are.
	count := map[string]*[2]int{} // word → documents in en, fr
	for _, g := range th.groups {
		for _, t := range g {
			if t.unsure {
				for _, w := range termWords(t.text) {
					count[w] = &[2]int{}
				}
			}
		}
	}
	if len(count) == 0 {
		return
	}
	var total [2]int
	seen := map[string]bool{}
	for _, d := range docs {
		l := 0
		switch d.lang {
		case "en":
		case "fr":
			l = 1
		default:
			continue
		}
		total[l]++
		clear(seen)
		for _, text := range []string{d.title, d.body} {
			for _, sp := range wordSpans(text, nil) {
				w := normWord(text[sp.start:sp.end])
				if c := count[w]; c != nil && !seen[w] {
					seen[w] = true
					c[l]++
				}
			}
		}
	}
	if total[0] == 0 || total[1] == 0 {
		return
	}
	for _, g := range th.groups {
		for i := range g {
			t := &g[i]
			if !t.unsure {
				continue
			}
			// The share of each language's documents that have the term's rarest word.
			share := [2]float64{1, 1}
			for _, w := range termWords(t.text) {
				for l := range share {
					share[l] = min(share[l], float64(count[w][l])/float64(total[l]))
				}
			}
			if share[1] > share[0] {
				t.lang = "fr"
			}
		}
	}
}

// termWords are the normal forms of a term's words, function words left out.
func termWords(text string) []string {
	var out []string
	for _, sp := range wordSpans(text, nil) {
		if w := normWord(text[sp.start:sp.end]); !isStop(w) {
			out = append(out, w)
		}
	}
	return out
}

// termLanguage is the language of the term of group g whose keys are keys ("" when none).
func (th *Thesaurus) termLanguage(g int, keys []string) string {
	for _, t := range th.groups[g] {
		if slices.Equal(t.keys, keys) {
			return t.lang
		}
	}
	return ""
}

// Len is the number of groups.
func (th *Thesaurus) Len() int {
	if th == nil {
		return 0
	}
	return len(th.groups)
}

// match finds the longest term that keys[i:] begins with, and returns its group and the
// number of keys it covers (0 when none).
func (th *Thesaurus) match(keys []string, i int) (group, n int) {
	if th == nil {
		return -1, 0
	}
	group = -1
	for _, ref := range th.byFirst[keys[i]] {
		t := th.groups[ref.group][ref.term]
		if len(t.keys) <= n || i+len(t.keys) > len(keys) {
			continue
		}
		same := true
		for k, key := range t.keys {
			if keys[i+k] != key {
				same = false
				break
			}
		}
		if same {
			group, n = ref.group, len(t.keys)
		}
	}
	return group, n
}

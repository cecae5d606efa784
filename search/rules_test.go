package search

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// One test per folding rule of issue 18: each pair is typed differently by different people
// and must be one word for the index, at indexing and at query time alike (both go through
// normWord and the stemmer).
func TestFoldingRules(t *testing.T) {
	rules := []struct {
		rule string
		a, b string
	}{
		{"hamza on alef or bare alef", "الأهداف", "الاهداف"},
		{"hamza under alef", "إدارة", "ادارة"},
		{"madda", "آلية", "الية"},
		{"Egyptian ئو for ؤو", "مسئولية", "مسؤولية"},
		{"ئ typed where ء sits on the line", "المسائلة", "المساءلة"},
		{"ء typed where ئ sits on a ya", "قراءة", "قرائة"},
		{"hamza on waw or bare waw", "مؤشرات", "موشرات"},
		{"final hamza dropped", "إنشاء", "انشا"},
		{"final hamza after alef maqsura", "مبادىء", "مبادئ"},
		{"alef maqsura or ya", "مستوى", "مستوي"},
		{"ta marbuta or ha", "الشفافية", "الشفافيه"},
		{"doubled final letter", "الشفافيةة", "الشفافية"},
		{"letter typed three times", "البيانااات", "البيانات"},
		{"diacritics", "البَيانات", "البيانات"},
		{"tatweel", "البيـــانات", "البيانات"},
		{"dropped article", "البيانات", "بيانات"},
		{"Arabic-Indic digits", "١٦", "16"},
	}
	for _, r := range rules {
		sa, sb := stemOf(r.a), stemOf(r.b)
		if sa != sb {
			t.Errorf("%s: %q → %q but %q → %q", r.rule, r.a, sa, r.b, sb)
		}
	}
	// What must stay apart.
	for _, p := range [][2]string{{"قانون", "قانو"}, {"وزارة", "زارة"}, {"www", "w"}, {"متعدد", "متعد د"}} {
		if stemOf(p[0]) == stemOf(p[1]) {
			t.Errorf("%q and %q are one word", p[0], p[1])
		}
	}
}

func stemOf(w string) string {
	surf := normWord(w)
	st, _ := newAnalyzer("ar").word(surf)
	return st
}

func TestNumberWords(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"الهدف السادس عشر", []string{"16"}},
		{"الهدف ستة عشر", []string{"16"}},
		{"الغاية الحادية عشرة", []string{"11"}},
		{"اثنا عشر شهرا", []string{"12"}},
		{"المرحلة الرابعة", []string{"4"}},
		{"أربع مراحل", []string{"4"}},
		{"ثلاثة مستويات وثلاث طبقات", []string{"3", "3"}},
		{"خمسة وعشرون درسا", []string{"25"}},
		{"الخامس والعشرون", []string{"25"}},
		{"الهدف السابع عشر", []string{"17"}},
		{"العاشر", []string{"10"}},
		{"تسعون", []string{"90"}},
		{"مئة مائة", []string{"100", "100"}},
		{"phase two", []string{"2"}},
		{"goal sixteen", []string{"16"}},
		{"twenty-first century", []string{"21"}},
		{"the fourth phase", []string{"4"}},
		{"ODD seize", []string{"16"}},
		{"vingt et un", []string{"21"}},
		{"soixante-dix", []string{"70"}},
		{"quatre-vingt", []string{"80"}},
		{"la quatrième phase", []string{"4"}},
		{"un plan", nil}, // an article, not a number
	}
	for _, c := range cases {
		var surfs []string
		for _, sp := range wordSpans(c.text, nil) {
			surfs = append(surfs, normWord(c.text[sp.start:sp.end]))
		}
		var got []string
		for _, p := range numberPhrases(surfs) {
			got = append(got, strconv.Itoa(p.value))
		}
		if got := got; !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.text, got, c.want)
		}
	}
	// A query's number words match the digits, and a document's number words are indexed
	// with their digits, in the part where they are.
	q, _ := parseQuery("الهدف السادس عشر", nil)
	if !strings.Contains(q.match, `"16"`) {
		t.Errorf("query: %s", q.match)
	}
	an := newAnalyzer("ar").document(docInput{body: "المرحلة الرابعة", notesAt: len("المرحلة الرابعة")})
	if !slices.Contains(strings.Fields(an.body), "4") {
		t.Errorf("document body: %q", an.body)
	}
	an = newAnalyzer("en").document(docInput{title: "The four phases", body: "Text.", notesAt: len("Text.")})
	if !slices.Contains(strings.Fields(an.title), "4") || slices.Contains(strings.Fields(an.body), "4") {
		t.Errorf("document title %q, body %q", an.title, an.body)
	}
}

func TestThesaurusParsing(t *testing.T) {
	th, ps := ParseThesaurus("t.txt", []byte("\ufeff# c\n\nاستبيان | استطلاع | سبر الآراء\nمنصة|بوابة\n"))
	if len(ps) != 0 || th.Len() != 2 {
		t.Fatalf("%d groups, problems %v", th.Len(), ps)
	}
	// Matched as the index matches words: the article and a plural ending do not matter.
	q, _ := parseQuery("الاستبيانات", th)
	if !strings.Contains(q.match, `"استطلاع"`) || !strings.Contains(q.match, `"سبر"`) {
		t.Errorf("one word: %s", q.match)
	}
	// A term of two words is found as a run of the query's words, the longest first.
	q, _ = parseQuery("سبر الآراء الوطني", th)
	if len(q.words) != 2 || !strings.Contains(q.match, `"استبيان"`) {
		t.Errorf("two words: %+v %s", q.words, q.match)
	}
	// A proclitic joined to a term's first word («و» of «وأهداف») does not hide the term.
	th2, _ := ParseThesaurus("t.txt", []byte("أهداف التنمية المستدامة | SDGs\nبيانات مفتوحة | معطيات مفتوحة\n"))
	for _, typed := range []string{"وأهداف التنمية المستدامة", "فالبيانات المفتوحة", "وبيانات مفتوحة"} {
		q, _ = parseQuery(typed, th2)
		if len(q.words) != 1 || len(q.words[0].alts) < 2 {
			t.Errorf("%s: %+v", typed, q.words)
		}
	}
	// Other languages' terms are kept for a wide search.
	th, _ = ParseThesaurus("t.txt", []byte("بوابة | portal\n"))
	q, _ = parseQuery("بوابة", th)
	if strings.Contains(q.match, "portal") || !strings.Contains(q.wideMatch, "portal") || !q.wide {
		t.Errorf("foreign terms: %s / %s", q.match, q.wideMatch)
	}
}

func TestOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"hackaton", "hackathon", true},    // missing
		{"indicatros", "indicators", true}, // swapped
		{"metdata", "metadata", true},
		{"transparancy", "transparency", true}, // wrong
		{"المشاركع", "المشاركه", true},
		{"abc", "abc", false},
		{"abcd", "badc", false},
		{"abcdef", "abcfed", false},
		{"hackthon", "hackathons", false},
	} {
		if got := oneEdit([]rune(c.a), []rune(c.b)); got != c.want {
			t.Errorf("oneEdit(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// TestColumnWeightsAgree: the weights PostgreSQL ranks with are those FTS5 ranks with.
func TestColumnWeightsAgree(t *testing.T) {
	var got []string
	for _, w := range columnWeights {
		got = append(got, strconv.FormatFloat(w, 'f', 1, 64))
	}
	if strings.Join(got, ", ") != rankWeights {
		t.Errorf("PostgreSQL's weights %v, FTS5's %q", got, rankWeights)
	}
}

// A function word joined to the conjunction و or ف is a function word; a word that only
// begins with those letters is not.
func TestConjunctionWithFunctionWord(t *testing.T) {
	for _, w := range []string{"وكيف", "فهل", "ولماذا", "وما", "ومتى", "فإن"} {
		if !isStop(normWord(w)) {
			t.Errorf("%q is not a function word", w)
		}
	}
	for _, w := range []string{"والي", "وزارة", "فهم", "وهم", "وسائل", "وكيل", "فيما"} {
		if isStop(normWord(w)) {
			t.Errorf("%q is a function word", w)
		}
	}
}

// A verb of the forms تفعّل and تفاعل in the present tense also matches its verbal noun; other
// words that begin with the same letters are left alone.
func TestVerbalNoun(t *testing.T) {
	for w, want := range map[string]string{"نتعلم": "تعلم", "يتعاون": "تعاون", "تتشاور": "تشاور", "ونتعلم": "تعلم"} {
		if got := verbalNoun(normWord(w)); got != want {
			t.Errorf("%q: %q, want %q", w, got, want)
		}
	}
	for _, w := range []string{"نشر", "تعاون", "التعلم", "نتج", "يوم", "نظام"} {
		if got := verbalNoun(normWord(w)); got != "" {
			t.Errorf("%q: %q, want none", w, got)
		}
	}
	q, _ := parseQuery("كيف نتعلم", nil)
	if !strings.Contains(q.match, `"تعلم"`) {
		t.Errorf("query: %s", q.match)
	}
}

// «بشكل» and «بصورة» only make an adverb of the word after them («بشكل افتراضي», by default):
// they do not narrow a query.
func TestAdverbFormersDoNotNarrow(t *testing.T) {
	q, _ := parseQuery("مفتوحة بشكل افتراضي", nil)
	if strings.Contains(q.match, "شكل") || !strings.Contains(q.match, "افتراض") {
		t.Errorf("query: %s", q.match)
	}
}

// A verb of the forms استفعل, فعّل and أفعل in the present tense also matches the verbal
// nouns it may have, with a pronoun after it too; nouns and other words are left alone.
func TestDerivedNouns(t *testing.T) {
	for w, want := range map[string][]string{
		"نستشيرهم": {"استشار"}, "نستخدم": {"استخدام"}, "نحدد": {"تحديد", "احداد"}, "نطور": {"تطوير"},
		"نشرك": {"تشريك", "اشراك"}, "يعلن": {"تعلين", "اعلان"}, "ونحسن": {"تحسين", "احسان"},
	} {
		if got := derivedNouns(normWord(w)); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", w, got, want)
		}
	}
	for _, w := range []string{"تحول", "تقدم", "نعني", "نظام", "نشر", "المشاركة", "يوم", "وزير"} {
		if got := derivedNouns(normWord(w)); len(got) != 0 {
			t.Errorf("%q: %q, want none", w, got)
		}
	}
	q, _ := parseQuery("هل نستشيرهم", nil)
	if !strings.Contains(q.match, `"استشار"`) {
		t.Errorf("query: %s", q.match)
	}
}

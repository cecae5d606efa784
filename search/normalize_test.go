package search

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		// Tashkeel, shadda, sukun, tanween, superscript alef, tatweel.
		{"البَيَانَاتُ", "البيانات"},
		{"مُحَمَّدٌ", "محمد"},
		{"الرَّحْمٰن", "الرحمن"},
		{"البيـــانات", "البيانات"},
		// Alef forms, alef maqsura, ta marbuta, hamza on waw and yeh.
		{"أ إ آ ٱ", "ا ا ا ا"},
		{"إدارة", "اداره"},
		{"على مستوى", "علي مستوي"},
		{"المفتوحة", "المفتوحه"},
		{"مؤشرات", "موشرات"},
		{"هيئة", "هييه"},
		{"مسئول مسؤول", "مسوول مسوول"}, // ئو written for ؤو
		{"شئون شؤون", "شوون شوون"},
		// A word-final hamza is dropped; a hamza inside a word sits on a ya; a lone one stays.
		{"إنشاء انشا", "انشا انشا"},
		{"الإجراءات الاجرائات", "الاجرايات الاجرايات"},
		{"مساءلة مسائلة", "مسايله مسايله"},
		{"ء", "ء"},
		// Digits of every script.
		{"٢٠١٥ ۲۰۱۵ 2015 ２０１５", "2015 2015 2015 2015"},
		{"الهدف ١٦", "الهدف 16"},
		{"١٦٫١٠٫٢", "16 10 2"},
		// Persian letters typed on a Persian keyboard.
		{"البیانات کتاب", "البيانات كتاب"},
		// Presentation forms (old PDFs).
		{"ﻻ ﺍﻟﺒﻴﺎﻧﺎﺕ", "لا البيانات"},
		// Latin: case and accents.
		{"Données OUVERTES", "donnees ouvertes"},
		{"Œuvre naïve façade Straße", "oeuvre naive facade strasse"},
		{"e\u0301te\u0301", "ete"}, // accents typed as combining marks
		// Words are cut at punctuation, apostrophes, hyphens, symbols.
		{"l'ouverture co-création «الشفافية»، (CSV)؟", "l ouverture co creation الشفافيه csv"},
		{"  ", ""},
		{"***", ""},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestArabicStemmer(t *testing.T) {
	cases := []struct{ in, stem, alt string }{
		// Short words survive.
		{"مال", "مال", ""},
		{"والي", "والي", ""},
		{"بيان", "بيان", "يان"},
		{"كتب", "كتب", ""},
		{"حق", "حق", ""},
		{"الحق", "حق", ""},
		{"تعاون", "تعاون", ""},
		{"قانون", "قانون", ""},
		{"والدة", "والد", "ده"},
		// The article and its compounds.
		{"البيانات", "بيان", ""},
		{"والشفافية", "شفاف", ""},
		{"بالمشاركة", "مشارك", ""},
		{"كالمعتاد", "معتاد", ""},
		{"فالحكومة", "حكوم", ""},
		{"للمواطنين", "مواطن", ""},
		// Suffixes: plural, feminine, relative, pronouns.
		{"بيانات", "بيان", "يان"},
		{"بياناتها", "بيان", "يان"},
		{"مشاركتهم", "مشارك", ""},
		{"المشاركون", "مشارك", ""},
		{"الحكومية", "حكوم", ""},
		{"حكومات", "حكوم", ""},
		{"الاستراتيجيات", "استراتيج", ""},
		{"الوطني", "وطن", ""},
		{"الإدارية", "ادار", ""},
		{"إدارة", "ادار", ""},
		{"التعاونية", "تعاون", ""},
		{"الإجراءات", "اجرا", ""},
		{"اجراء", "اجرا", ""},
		{"آليات", "اليه", ""},
		// One-letter proclitics stay on the stem but give a second reading.
		{"وشفافية", "وشفاف", "شفاف"},
		{"بمشاركة", "بمشارك", "مشارك"},
		{"وزارة", "وزار", "زار"},
		{"وآليات", "يات", "اليه"},
	}
	for _, c := range cases {
		surf := normWord(c.in)
		stem := stemArabic(surf)
		alt := arabicAlt(surf, stem)
		if c.alt == "" {
			c.alt = alt // the second reading is only checked where the table gives one
		}
		if stem != c.stem || alt != c.alt {
			t.Errorf("%s: stem %q alt %q, want %q %q", c.in, stem, alt, c.stem, c.alt)
		}
	}
	// Stems never come out shorter than two letters.
	for _, w := range strings.Fields("في من ال و ما بال لل وال اب ام الم الة والا كال هم نا ات ين") {
		if s := stemArabic(normWord(w)); runeLen(s) < min(2, runeLen(normWord(w))) {
			t.Errorf("%s → %q: too short", w, s)
		}
	}
}

func TestLatinStemmers(t *testing.T) {
	en := map[string]string{
		"government": "govern", "governments": "govern", "participation": "particip", "datasets": "dataset",
		"anonymisation": "anonymis", "anonymization": "anonym", "hackathons": "hackathon", "indicators": "indic",
	}
	for in, want := range en {
		if got := stemEnglish(in); got != want {
			t.Errorf("English %s → %s, want %s", in, got, want)
		}
	}
	// French: the same stem with and without accents, across the word's family.
	families := [][]string{
		{"données", "donnees", "donnée", "donner", "donne"},
		{"participation", "participative", "participatives", "participants", "participer"},
		{"gouvernement", "gouvernements", "gouvernance", "gouverner"},
		{"ouverts", "ouvertes", "ouvert", "ouverture"},
		{"publique", "publiques", "public"},
		{"transparence", "transparent", "transparente"},
		{"régionale", "regionales", "régional", "régionaux"},
		{"stratégiques", "strategique", "stratégique"},
		{"publiée", "publiées", "publier", "publie"},
	}
	for _, fam := range families {
		want := stemFrench(normWord(fam[0]))
		for _, w := range fam[1:] {
			if got := stemFrench(normWord(w)); got != want {
				t.Errorf("French %s → %s, but %s → %s", w, got, fam[0], want)
			}
		}
	}
	for _, w := range []string{"pays", "mis", "eau", "processus", "ODD"} {
		if s := stemFrench(normWord(w)); runeLen(s) < 3 {
			t.Errorf("French %s → %q: too short", w, s)
		}
	}
}

func TestAnalyzeKeepsOffsetsAndAlignment(t *testing.T) {
	text := "«البَيانات» المفتوحة، و الـشفافية — Open Data (2015) l'État"
	toks := Analyze(text, "ar")
	var words []string
	for _, tk := range toks {
		words = append(words, text[tk.Start:tk.End])
	}
	want := []string{"البَيانات", "المفتوحة", "و", "الـشفافية", "Open", "Data", "2015", "l", "État"}
	if strings.Join(words, "|") != strings.Join(want, "|") {
		t.Fatalf("words %q, want %q", words, want)
	}
	if toks[0].Stem != "بيان" || toks[3].Stem != "شفاف" || toks[4].Stem != "open" || toks[8].Surface != "etat" {
		t.Errorf("tokens: %+v", toks)
	}
	// The analysed column has exactly one term per word, so hits map back to the words.
	a := newAnalyzer("ar")
	an := a.document(docInput{body: text, notesAt: len(text)})
	if n := len(strings.Fields(an.stems)); n != len(toks) {
		t.Errorf("%d terms for %d words: %q", n, len(toks), an.stems)
	}
}

func TestParseQueryNeutralisesSyntax(t *testing.T) {
	for _, in := range []string{`"open`, `data*`, `title:data`, `-data`, `(data`, `NEAR(data open)`, `data AND OR NOT`,
		`^data`, `{title body}: x`, `'; DROP TABLE search_docs; --`, `a + b`} {
		q, err := parseQuery(in, nil)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		for _, w := range q.words {
			for _, term := range append(append([]string{}, w.exact...), w.prefix...) {
				if strings.ContainsAny(term, `"*:()-^{}+'; `) {
					t.Errorf("%q: term %q carries syntax", in, term)
				}
			}
		}
	}
	if _, err := parseQuery("   ", nil); err != ErrEmptyQuery {
		t.Errorf("blank: %v", err)
	}
	if _, err := parseQuery(`"" "" ""`, nil); err != ErrEmptyQuery {
		t.Errorf("quotes only: %v", err)
	}
	if _, err := parseQuery("؟!… --", nil); err != ErrEmptyQuery {
		t.Errorf("punctuation only: %v", err)
	}
	if _, err := parseQuery(strings.Repeat("word ", 13), nil); err != ErrQueryTooLong {
		t.Errorf("13 words: %v", err)
	}
	if _, err := parseQuery(strings.Repeat("ب", MaxQueryChars+1), nil); err != ErrQueryTooLong {
		t.Errorf("%d characters: %v", MaxQueryChars+1, err)
	}
	if _, err := parseQuery(strings.TrimSpace(strings.Repeat("word ", 12)), nil); err != nil {
		t.Errorf("12 words: %v", err)
	}
	// Function words are dropped, unless nothing else is left.
	q, _ := parseQuery("ما هي البيانات المفتوحة", nil)
	if len(q.words) != 2 {
		t.Errorf("function words kept: %+v", q.words)
	}
	q, _ = parseQuery("the of", nil)
	if len(q.words) != 2 {
		t.Errorf("a query of function words only lost them: %+v", q.words)
	}
	// Every word matches as a prefix too (word order does not matter), as typed.
	q, _ = parseQuery("open governm", nil)
	if q.match != `("open"*) AND ("governm"*)` {
		t.Errorf("match %s", q.match)
	}
	q, _ = parseQuery("donnees", nil)
	if strings.Contains(q.match, `"don"*`) {
		t.Errorf("a stemmed word matched as a prefix: %s", q.match)
	}
}

// TestQueryFrameWords: the words that frame a question («اشرح», "difference between",
// « comment ») do not narrow it; the subject does. A query of frame words alone still searches.
func TestQueryFrameWords(t *testing.T) {
	surfaces := func(in string) []string {
		t.Helper()
		q, err := parseQuery(in, nil)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		var out []string
		for _, w := range q.words {
			out = append(out, w.surface)
		}
		return out
	}
	for in, want := range map[string]string{
		"اشرح الموازنة التشاركية":                                                 "الموازنه التشاركيه",
		"ما الفرق بين الحكومة المفتوحة والحكومة الإلكترونية":                      "الحكومه المفتوحه والحكومه الالكترونيه",
		"what is the difference between open data and public data":                "open data public",
		"comment définir la transparence budgétaire":                              "transparence budgetaire",
		"what should we publish first":                                            "publish first",
		"what should a partnership agreement include":                             "partnership agreement",
		"ماذا يتضمن اتفاق الشراكة":                                                "اتفاق الشراكه",
		"ما أهمية الشفافية":                                                       "الشفافيه",
		"en quoi le gouvernement ouvert diffère de l'administration électronique": "gouvernement ouvert administration electronique",
		"how does open data differ from public data":                              "open data public",
		"بماذا تختلف الحكومة المفتوحة عن الحكومة الإلكترونية":                     "الحكومه المفتوحه الالكترونيه",
		"ما فائدة إشراك المواطنين بالنسبة للإدارة":                                "اشراك المواطنين للاداره",
	} {
		if got := strings.Join(surfaces(in), " "); got != want {
			t.Errorf("%q: searched %q, want %q", in, got, want)
		}
	}
	// "difference" alone is the subject: it is not a frame without "between".
	if got := strings.Join(surfaces("difference in budgets"), " "); !strings.Contains(got, "difference") {
		t.Errorf("difference dropped: %q", got)
	}
	if got := surfaces("اشرح"); len(got) != 1 {
		t.Errorf("a frame word alone: %q", got)
	}
}

package search_test

import (
	"context"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/search"
)

// spokenIndex is a small catalogue for the words officials type as they speak.
func spokenIndex(t *testing.T) *search.Index {
	t.Helper()
	ix, _ := newIndex(t)
	cat := catalogueOf(t, "spoken", []string{"ar", "en", "fr"},
		lessonFile{"01-why", "ar", "لماذا يشارك المواطنون", "يشارك المواطنون في الاستشارات حين يرون أثر مشاركتهم في القرار."},
		lessonFile{"02-loop", "ar", "الرد على الملاحظات", "تنشر الإدارة ما فعلته بكل ملاحظة وصلتها، فيعرف صاحبها ما جرى."},
		lessonFile{"03-gov", "ar", "الوزارة والخدمة", "تقدم كل وزارة خدماتها إلى الناس."},
		lessonFile{"01-why", "en", "Why citizens take part", "Citizens take part in consultations when they see what their participation changed."},
		lessonFile{"02-loop", "en", "Answering comments", "Hashing hides a national number before data is published. Every agreement with a university is written down."},
		lessonFile{"03-gov", "en", "Government and services", "A digital government serves people online."},
		lessonFile{"01-why", "fr", "Pourquoi participer", "Selon les citoyens, la participation compte plutôt quand elle change la décision."},
		lessonFile{"02-loop", "fr", "Répondre", "Un échange avec chaque citoyen; un organisme agréé publie ses données."},
		lessonFile{"03-gov", "fr", "Administration", "Une administration au service du public."},
	)
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	return ix
}

// Questions typed in spoken Arabic (Levant, Iraq and the Gulf, Egypt, the Maghreb) find the
// lesson their subject names: their question words and particles («ليش», «شلون», «إزاي»,
// «علاش», «تبعنا», «مش») neither narrow the search nor are read as a loanword («شلون» had
// become the French «selon») nor reported as words left out.
func TestSpokenArabicQuestions(t *testing.T) {
	ix := spokenIndex(t)
	for _, c := range []struct {
		q, want string
		spoken  []string
	}{
		{"ليش الناس بطلت تشارك بالاستشارات تبعنا", "spoken/01-why@ar", []string{"ليش", "بطلت", "تبعنا"}},
		{"شلون المواطنين يشاركون بالاستشارات", "spoken/01-why@ar", []string{"شلون"}},
		{"إزاي نخلي المواطنين يشاركوا في الاستشارات", "spoken/01-why@ar", []string{"إزاي", "نخلي"}},
		{"علاش المواطنين ماشي يشاركو في الاستشارات ديالنا", "spoken/01-why@ar", []string{"علاش", "ماشي", "ديالنا"}},
		{"شنو نسوي بالملاحظات هسه", "spoken/02-loop@ar", []string{"شنو", "نسوي", "هسه"}},
	} {
		res := search1(t, ix, c.q, "ar")
		if got := refs(res); len(got) == 0 || got[0] != c.want {
			t.Errorf("%q: %v, want %s first", c.q, got, c.want)
		}
		// (The small catalogue lacks some of the other words: they may be corrected or left
		// out, the spoken ones are neither.)
		for _, w := range c.spoken {
			if slices.Contains(res.Ignored, w) || res.DidYouMean != "" && !strings.Contains(res.DidYouMean, w) {
				t.Errorf("%q: did you mean %q, ignored %v: %q should simply frame the question", c.q, res.DidYouMean, res.Ignored, w)
			}
		}
	}
}

// A ة written ت before a one-letter pronoun («ملاحظته», «وزارتي») is the word without the
// pronoun, not a word left out.
func TestWordWithAPronoun(t *testing.T) {
	ix := spokenIndex(t)
	for _, c := range []struct{ q, want string }{
		{"الرد على ملاحظته", "spoken/02-loop@ar"},
		{"خدمات وزارتي", "spoken/03-gov@ar"},
	} {
		res := search1(t, ix, c.q, "ar")
		if got := refs(res); len(got) == 0 || got[0] != c.want {
			t.Errorf("%q: %v, want %s first", c.q, got, c.want)
		}
		if len(res.Ignored) > 0 || res.DidYouMean != "" {
			t.Errorf("%q: ignored %v, did you mean %q", c.q, res.Ignored, res.DidYouMean)
		}
	}
}

// Loanwords: a hard g written غ (غوفرنمنت, as in the Levant and the Gulf) is heard as g; of
// the Latin words with the same consonants, the one with the vowels the Arabic writes wins
// («هاشينغ» is hashing, not the French échange); and no loanword is a French or English
// function word («بايلوت» is not plutôt).
func TestLoanwordsHeardRight(t *testing.T) {
	ix := spokenIndex(t)
	for _, c := range []struct{ q, want, dym string }{
		{"ديجيتال غوفرنمنت", "spoken/03-gov@en", "government"},
		{"هاشينغ", "spoken/02-loop@en", "hashing"},
	} {
		res := search1(t, ix, c.q, "ar")
		if got := refs(res); len(got) == 0 || got[0] != c.want {
			t.Errorf("%q: %v, want %s first", c.q, got, c.want)
		}
		if !strings.Contains(strings.ToLower(res.DidYouMean), c.dym) {
			t.Errorf("%q: did you mean %q, want it to name %q", c.q, res.DidYouMean, c.dym)
		}
	}
	if res := search1(t, ix, "بلوتو", "ar"); strings.Contains(res.DidYouMean, "plutot") || strings.Contains(res.DidYouMean, "plutôt") {
		t.Errorf("بلوتو: did you mean %q, a French adverb", res.DidYouMean)
	}
}

// An English word that is its own English stem ("agreement") whose French stem is indexed
// too («agre», from «agréé») keeps its own stem: it had lost it, and no longer found the
// English lesson that uses it.
func TestWordThatIsItsOwnStem(t *testing.T) {
	ix := spokenIndex(t)
	if got := refs(search1(t, ix, "agreement", "en")); !slices.Contains(got, "spoken/02-loop@en") {
		t.Errorf("agreement: %v, want the English lesson that has it", got)
	}
}

// The same over the shipped lessons: every English word of six letters or more that is its
// own English stem finds every English lesson whose text has it.
func TestOwnStemWordsFindTheirLessons(t *testing.T) {
	ix, _ := shippedIndex(t)
	word := regexp.MustCompile(`[A-Za-z]+`)
	link := regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|https?://\S+`) // images (their text is not indexed), link targets
	has := map[string][]string{}                                                // word → lessons (course/lesson)
	err := fs.WalkDir(content.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".en.md") {
			return err
		}
		b, err := fs.ReadFile(content.FS, path)
		if err != nil {
			return err
		}
		text := string(b)
		if _, rest, ok := strings.Cut(text[3:], "\n---\n"); strings.HasPrefix(text, "---") && ok {
			text = rest // without the front matter
		}
		dir, file, _ := strings.Cut(path, "/")
		ref := dir[3:] + "/" + strings.TrimSuffix(file, ".en.md")
		seen := map[string]bool{}
		for _, w := range word.FindAllString(link.ReplaceAllString(text, " "), -1) {
			w = strings.ToLower(w)
			if len(w) >= 6 && !seen[w] && search.StemEnglish(w) == w {
				seen[w] = true
				has[w] = append(has[w], ref)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(has) < 100 {
		t.Fatalf("only %d words to try", len(has))
	}
	words := make([]string, 0, len(has))
	for w := range has {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		found := map[string]bool{}
		for page := 1; ; page++ {
			res, err := ix.Search(context.Background(), search.Query{Text: w, Lang: "en", Page: page, PerPage: search.MaxPerPage})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Items {
				found[refOf(r)] = true
			}
			if page >= res.Pages {
				break
			}
		}
		for _, ref := range has[w] {
			if !found[ref] {
				t.Errorf("%q does not find %s, whose text has it", w, ref)
			}
		}
	}
}

// A question that asks why ranks first the lesson whose title asks why, among the lessons
// that have its words: «لماذا الانفتاح؟» for «ليش نشرك المواطنين بالقرار», though another
// lesson names the citizens and the decision more often.
func TestWhyQuestionsFindTheLessonThatAsksWhy(t *testing.T) {
	ix, _ := newIndex(t)
	cat := catalogueOf(t, "why", []string{"ar", "en"},
		lessonFile{"01-why", "ar", "لماذا الانفتاح؟", "يتحسن القرار حين يشارك المواطنون في إعداده، ويزداد قبوله."},
		lessonFile{"02-channels", "ar", "القنوات", "يشارك المواطنون في القرار عبر قنوات كثيرة، والقرار يعلن للمواطنين في موعده."},
		lessonFile{"01-why", "en", "Why openness?", "A decision improves when citizens take part in making it."},
		lessonFile{"02-channels", "en", "Channels", "Citizens take part in each decision through many channels; the decision is explained to citizens."})
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, lang, want string }{
		{"ليش نشرك المواطنين بالقرار", "ar", "why/01-why@ar"},
		{"لماذا يشارك المواطنون في القرار", "ar", "why/01-why@ar"},
		{"why should citizens take part in a decision", "en", "why/01-why@en"},
	} {
		if got := refs(search1(t, ix, c.q, c.lang)); len(got) == 0 || got[0] != c.want {
			t.Errorf("%q: %v, want %s first", c.q, got, c.want)
		}
	}
	// Without the question word the lesson that names the words more often comes first.
	if got := refs(search1(t, ix, "يشارك المواطنون في القرار", "ar")); len(got) == 0 || got[0] != "why/02-channels@ar" {
		t.Errorf("يشارك المواطنون في القرار: %v, want the channels lesson first", got)
	}
}

// A question that compares two things ranks higher the lesson that sets them side by side
// than the lessons that name each apart, even more often; a thing of several words counts
// where its words stand together («الحكومة المفتوحة» does not stand for «الحكومة
// الإلكترونية» because both say «الحكومة»).
func TestComparisonFindsTheLessonThatComparesThem(t *testing.T) {
	ix, _ := newIndex(t)
	filler := strings.Repeat("تنشر الإدارة تقاريرها كل سنة وتشرحها للناس. ", 6)
	cat := catalogueOf(t, "cmp", []string{"ar"},
		lessonFile{"01-apart", "ar", "الخدمات", "تقدم الحكومة الإلكترونية خدماتها عبر الإنترنت، والحكومة الإلكترونية سريعة. " + filler +
			"أما الحكومة المفتوحة فتنشر بياناتها، والحكومة المفتوحة تشرك الناس."},
		lessonFile{"02-side", "ar", "الانفتاح", filler + "الحكومة المفتوحة ليست مرادفا للحكومة الإلكترونية. " + filler},
		lessonFile{"03-other", "ar", "البيانات", "الحكومة المفتوحة تنشر البيانات. " + filler + "الحكومة تستمع إلى الناس. " + filler + "والحكومة الإلكترونية تيسر الخدمات."})
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ما الفرق بين الحكومة الإلكترونية والحكومة المفتوحة", "الحكومة المفتوحة vs الحكومة الإلكترونية"} {
		if got := refs(search1(t, ix, q, "ar")); len(got) == 0 || got[0] != "cmp/02-side@ar" {
			t.Errorf("%q: %v, want the lesson that sets them side by side first", q, got)
		}
	}
	// Without a comparison, the lesson that names them more often comes first.
	if got := refs(search1(t, ix, "الحكومة الإلكترونية والحكومة المفتوحة", "ar")); len(got) == 0 || got[0] != "cmp/01-apart@ar" {
		t.Errorf("no comparison: %v, want the lesson that names them most first", got)
	}
}

package search_test

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/search"
	"github.com/masar-platform/masar/store/storetest"
)

func snippetText(r search.Result) string {
	var b strings.Builder
	for _, s := range r.Snippet {
		b.WriteString(s.Text)
	}
	return b.String()
}

// A word in a lesson's heading ranks it above a lesson that mentions the word in passing,
// and a lesson whose only match is a footnote ranks below one about the word.
func TestHeadingsOutrankTextAndTextOutranksFootnotes(t *testing.T) {
	ix, _ := newIndex(t)
	filler := strings.Repeat("Public bodies publish what they hold and explain it to the people they serve. ", 8)
	cat := catalogueOf(t, "weights", []string{"en"},
		lessonFile{slug: "01-passing", lang: "en", title: "Working with the public",
			body: filler + "A triage of messages helps.\n\n" + filler},
		lessonFile{slug: "02-heading", lang: "en", title: "Answering people",
			body: filler + "\n\n## Triage\n\n" + filler},
		lessonFile{slug: "03-note", lang: "en", title: "Other matters",
			body: filler + "See the guide.[^1]\n\n[^1]: A guide to triage.\n"},
	)
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	got := refs(search1(t, ix, "triage", "en"))
	want := []string{"weights/02-heading@en", "weights/01-passing@en", "weights/03-note@en"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order %v, want %v", got, want)
	}
}

// In the Arabic interface, an English query finds the English lesson about it before an
// Arabic lesson whose only match is an English footnote: languages are blended by score,
// and the page's language only breaks near ties.
func TestPageLanguageIsATieBreakerNotAWall(t *testing.T) {
	ix, _ := newIndex(t)
	cat := catalogueOf(t, "blend", []string{"ar", "en"},
		lessonFile{slug: "01-arabic", lang: "ar", title: "الابتكار المفتوح",
			body: strings.Repeat("تفتح البيانات باب الابتكار أمام المطورين والباحثين. ", 10) + "انظر الدليل.[^1]\n\n[^1]: Civic hackathon guide.\n"},
		lessonFile{slug: "01-arabic", lang: "en", title: "Open innovation",
			body: strings.Repeat("Open data invites developers and researchers to innovate. ", 10)},
		lessonFile{slug: "02-hackathons", lang: "en", title: "Hackathons",
			body: "A hackathon brings developers together for two days. " + strings.Repeat("Plan the hackathon with the data owners. ", 5)},
	)
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	got := refs(search1(t, ix, "hackathon", "ar"))
	if len(got) == 0 || got[0] != "blend/02-hackathons@en" {
		t.Errorf("results %v: the English lesson about hackathons should come first", got)
	}
}

// A misspelt word of five letters or more is corrected to an indexed word one letter away,
// the results are those of the correction, and the results say what it was.
func TestDidYouMean(t *testing.T) {
	ix, _ := shippedIndex(t)
	for _, c := range []struct{ lang, q, want string }{
		{"en", "hackaton", "ackathon"},
		{"en", "particpation", "participation"},
		{"ar", "المشاركع", "مشارك"},
		{"ar", "الخصصوية", "الخصوصية"},
		// A typo of an Arabic word is not taken for a loanword in Arabic letters.
		{"ar", "الهاكثاونات", "الهاكاثونات"},
		// A letter typed twice, in a word too short for the typos: nor is it a loanword
		// (it had been the French «garder»).
		{"ar", "جررد البيانات", "جرد البيانات"},
	} {
		res := search1(t, ix, c.q, c.lang)
		if res.Total == 0 {
			t.Errorf("%q found nothing", c.q)
		}
		if !strings.Contains(strings.ToLower(res.DidYouMean), c.want) {
			t.Errorf("%q: did you mean %q, want it to contain %q", c.q, res.DidYouMean, c.want)
		}
	}
	// A word found as typed is not corrected, nor one whose stem is the word itself («اتفاق»,
	// agreement, is not «اخفاق», failure).
	for _, c := range []struct{ lang, q string }{{"en", "hackathon"}, {"ar", "اتفاق الشراكة"}} {
		if res := search1(t, ix, c.q, c.lang); res.DidYouMean != "" {
			t.Errorf("%s: did you mean %q", c.q, res.DidYouMean)
		}
	}
	// A word found nowhere and too far from any is left out, and said so.
	res := search1(t, ix, "hackathon qqxqqz", "en")
	if res.Total == 0 || len(res.Ignored) != 1 || res.Ignored[0] != "qqxqqz" {
		t.Errorf("total %d, ignored %v", res.Total, res.Ignored)
	}
}

// Every word of a query matches as a prefix, whatever its place.
func TestPrefixOnEveryWord(t *testing.T) {
	ix, _ := shippedIndex(t)
	a := refs(search1(t, ix, "indicat monitor", "en"))
	b := refs(search1(t, ix, "monitor indicat", "en"))
	if len(a) == 0 || strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("word order changes results: %v / %v", a, b)
	}
}

// A snippet that spans a heading and the text after it keeps them apart.
func TestSnippetKeepsHeadingsApart(t *testing.T) {
	ix, _ := newIndex(t)
	cat := catalogueOf(t, "snip", []string{"en"},
		lessonFile{slug: "01-one", lang: "en", title: "Answers",
			body: "Some words first. More words here.\n\n## Triage\n\nEvery message is sorted by urgency and topic within a day."},
	)
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	res := search1(t, ix, "triage sorted", "en")
	if res.Total != 1 {
		t.Fatalf("total %d", res.Total)
	}
	s := snippetText(res.Items[0])
	if strings.Contains(s, "Triage Every") || !strings.Contains(s, "Triage · Every") {
		t.Errorf("snippet %q runs the heading into the text", s)
	}
	// A snippet begins at the sentence that holds the hit, not in its middle.
	res = search1(t, ix, "urgency", "en")
	if s := snippetText(res.Items[0]); !strings.HasPrefix(strings.TrimPrefix(s, "… "), "Every message") {
		t.Errorf("snippet %q does not begin at its sentence", s)
	}
}

// The thesaurus is read from the content folder with each catalogue indexed: a new one
// takes effect on the next reload, and a catalogue without one has none.
func TestThesaurusReloadsWithContent(t *testing.T) {
	fsys := fstest.MapFS{}
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ix, _ := newIndex(t)
	index := func(th string) {
		t.Helper()
		if th == "" {
			delete(fsys, search.ThesaurusFile)
		} else {
			fsys[search.ThesaurusFile] = &fstest.MapFile{Data: []byte(th)}
		}
		cat, _ := courses.Load(fsys)
		if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
			t.Fatal(err)
		}
	}
	index("مرتفق | مواطن\n")
	if res := search1(t, ix, "المرتفقين", "ar"); res.Total == 0 {
		t.Error("مرتفق = مواطن: nothing found")
	}
	index("")
	if res := search1(t, ix, "المرتفقين", "ar"); res.Total != 0 {
		t.Errorf("without a thesaurus, «المرتفقين» found %d results", res.Total)
	}
	index("مرتفق | مواطن\n")
	if res := search1(t, ix, "المرتفقين", "ar"); res.Total == 0 {
		t.Error("thesaurus back: nothing found")
	}
}

// A loanword typed in Arabic letters finds the lessons that use the Latin word it stands for
// (of two indexed words with its consonants, the one whose length is closest), and the page
// says which word was searched for; an Arabic word that merely matches nothing is not read
// as a loanword.
func TestLoanwordsInArabicLetters(t *testing.T) {
	db := storetest.Open(t)
	ix := search.New(db, nil)
	cat := catalogueOf(t, "loan", []string{"ar", "en"},
		lessonFile{"01-design", "en", "Service design", "Designing a public service with its users, step by step."},
		lessonFile{"02-decision", "en", "Decisions", "Who takes the decision, and how a decision is explained. Decision after decision."},
		lessonFile{"03-digital", "en", "Going digital", "A digital government offers its services online."},
		lessonFile{"01-design", "ar", "تصميم الخدمات", "تصميم الخدمة العامة مع مستخدميها خطوة بخطوة."},
		lessonFile{"02-decision", "ar", "القرارات", "من يتخذ القرار وكيف يشرح."},
		lessonFile{"03-digital", "ar", "الحكومة الرقمية", "حكومة تقدم خدماتها عبر الإنترنت."})
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, want, dym string }{
		{"ديزاين", "loan/01-design@en", "design"},
		{"ديجيتال", "loan/03-digital@en", "digital"},
		// With the article joined to it: the article is not part of the word's length.
		{"الديزاين", "loan/01-design@en", "design"},
	} {
		res := search1(t, ix, c.q, "ar")
		if got := refs(res); len(got) == 0 || got[0] != c.want {
			t.Errorf("%q: %v, want %s first", c.q, got, c.want)
		}
		if !strings.Contains(strings.ToLower(res.DidYouMean), c.dym) {
			t.Errorf("%q: did you mean %q, want it to name %q", c.q, res.DidYouMean, c.dym)
		}
	}
	// «طلبيات» matches nothing and has Arabic-only letters: left out, not read as a loanword.
	if res := search1(t, ix, "طلبيات القرار", "ar"); res.DidYouMean != "" || len(res.Ignored) != 1 {
		t.Errorf("طلبيات: did you mean %q, ignored %v", res.DidYouMean, res.Ignored)
	}
}

// A word typed as spoken Arabic says it (ذ as ز, ث as س, ظ as ض) finds the word as written,
// whatever its length, and the page says which word was searched for.
func TestDialectSpellings(t *testing.T) {
	db := storetest.Open(t)
	ix := search.New(db, nil)
	cat := catalogueOf(t, "dialect", []string{"ar"},
		lessonFile{"01-memory", "ar", "الذاكرة المؤسسية", "تحفظ الذاكرة المؤسسية ما تعلمته الإدارة."},
		lessonFile{"02-culture", "ar", "ثقافة الانفتاح", "تتغير ثقافة الإدارة ببطء."},
		lessonFile{"03-bans", "ar", "الحظر", "متى يكون الحظر مشروعا."},
		lessonFile{"04-access", "ar", "حق النفاذ", "حق نفاذ الناس إلى المعلومة."})
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, want, dym string }{
		{"الزاكرة", "dialect/01-memory@ar", "الذاكر"},
		{"سقافة", "dialect/02-culture@ar", "ثقاف"},
		{"الحضر", "dialect/03-bans@ar", "الحظر"},
		// A word that is its own stem (indexed among the prefixes, not the whole terms).
		{"نفاز", "dialect/04-access@ar", "نفاذ"},
	} {
		res := search1(t, ix, c.q, "ar")
		if got := refs(res); len(got) == 0 || got[0] != c.want {
			t.Errorf("%q: %v, want %s first", c.q, got, c.want)
		}
		if !strings.Contains(res.DidYouMean, c.dym) {
			t.Errorf("%q: did you mean %q, want it to name %q", c.q, res.DidYouMean, c.dym)
		}
	}
}

// nearIndex indexes course slug: the lesson about a query, and six other lessons that have
// every word of it once (the sentence mention), amid long text about something else.
func nearIndex(t *testing.T, slug string, about lessonFile, mention string) *search.Index {
	t.Helper()
	ix, _ := newIndex(t)
	filler := strings.Repeat("Ministries keep registers and answer the letters of the people they serve. ", 12)
	lessons := []lessonFile{about}
	for i := 2; i <= 7; i++ {
		lessons = append(lessons, lessonFile{slug: fmt.Sprintf("%02d-other", i), lang: "en", title: fmt.Sprintf("Other matter %d", i),
			body: filler + mention + filler})
	}
	if err := ix.IndexCatalogue(context.Background(), catalogueOf(t, slug, []string{"en"}, lessons...)); err != nil {
		t.Fatal(err)
	}
	return ix
}

// A query of three words or more finds the lesson about them that lacks one of its words
// (the lesson on publishing data on a portal, for "procedures for publishing data on the
// portal", which never says "procedures"), and ranks it among the lessons that have every
// word in passing, not after them; a query of two words still needs both.
func TestLessonLackingOneWordOfALongQuery(t *testing.T) {
	ix := nearIndex(t, "near", lessonFile{slug: "01-portal", lang: "en", title: "Publishing data on the portal",
		body: "The portal publishes the data of every ministry. " +
			strings.Repeat("Publish each dataset on the portal with its licence and describe the data well. ", 4)},
		"The procedures to publish data on a portal are set elsewhere. ")
	got := refs(search1(t, ix, "procedures for publishing data on the portal", "en"))
	if len(got) < 6 || !slices.Contains(got[:5], "near/01-portal@en") {
		t.Errorf("results %v: the lesson on publishing on a portal should be in the first five", got)
	}
	if got := refs(search1(t, ix, "procedures portal", "en")); slices.Contains(got, "near/01-portal@en") {
		t.Errorf("results %v: a query of two words found a lesson without one of them", got)
	}
}

// A question of six words or more finds the lesson about it that lacks two of its words
// (who "takes" the final decision in partnership "projects", asked of the lesson on decision
// authority in partnerships), ranked among the lessons that have every word in passing.
func TestLessonLackingTwoWordsOfALongerQuestion(t *testing.T) {
	ix := nearIndex(t, "near2", lessonFile{slug: "01-decision", lang: "en", title: "Decision authority in joint partnerships",
		body: strings.Repeat("In a joint partnership the final decision stays with the ministry, and the partners know it from the start. ", 4)},
		"Who takes the final decision on joint partnership projects is set elsewhere. ")
	got := refs(search1(t, ix, "who takes the final decision on joint partnership projects", "en"))
	if len(got) < 6 || !slices.Contains(got[:5], "near2/01-decision@en") {
		t.Errorf("results %v: the lesson on decision authority should be in the first five", got)
	}
	// A question of five words still needs four of them.
	if got := refs(search1(t, ix, "who takes decisions on joint projects", "en")); slices.Contains(got, "near2/01-decision@en") {
		t.Errorf("results %v: a question of four words found a lesson with only two of them", got)
	}
}

// A course whose title has the query's words ranks below its own lesson that has them: the
// lesson answers the query, the course page is an overview of it.
func TestCourseRanksBelowItsLesson(t *testing.T) {
	ix, _ := newIndex(t)
	cat := catalogueOf(t, "budgeting", []string{"en"},
		lessonFile{slug: "01-steps", lang: "en", title: "Steps of a cycle",
			body: "Residents propose projects, then vote on them. " + strings.Repeat("The council keeps the promises it made in the budgeting cycle. ", 6)},
		lessonFile{slug: "02-other", lang: "en", title: "Something else", body: "Nothing about money here."},
	)
	if err := ix.IndexCatalogue(context.Background(), cat); err != nil {
		t.Fatal(err)
	}
	got := refs(search1(t, ix, "budgeting", "en"))
	if len(got) < 2 || got[0] != "budgeting/01-steps@en" || got[1] != "course:budgeting@en" {
		t.Errorf("results %v: the lesson, then its course", got)
	}
}

// Two words typed without the space between them are searched for as the two words, and
// the results say so ("did you mean" with the space put back); a word that cannot be cut
// into two indexed words is still left out.
func TestWordsTypedWithoutASpace(t *testing.T) {
	ix, _ := shippedIndex(t)
	for _, c := range []struct{ lang, q, want, dym string }{
		{"ar", "مؤشرالمشاركة الإلكترونية", fw + "05-egov-sdg16-regional-cooperation", "مؤشر المشاركة الإلكترونية"},
		{"en", "opendata portal", ogd + "04-publishing-on-a-portal", "open data portal"},
	} {
		res := search1(t, ix, c.q, c.lang)
		if got := refs(res); !slices.Contains(got[:min(5, len(got))], c.want+"@"+c.lang) {
			t.Errorf("%q: %v, want %s in the first five", c.q, got, c.want)
		}
		if res.DidYouMean != c.dym {
			t.Errorf("%q: did you mean %q, want %q", c.q, res.DidYouMean, c.dym)
		}
	}
	if res := search1(t, ix, "الشفافية قققزززث", "ar"); len(res.Ignored) != 1 {
		t.Errorf("ignored %v, want the word that is no two words", res.Ignored)
	}
}

// A lesson whose title has every word of a query of three words or more but one (the lesson
// «التصميم المشترك للخدمات» for «التصميم المشترك للخدمات مع المواطنين») ranks first, above
// lessons that have every word in a heading and in their text, and two of them in their title.
func TestTitleWithAllWordsButOne(t *testing.T) {
	ix, _ := newIndex(t)
	lessons := []lessonFile{{slug: "01-codesign", lang: "ar", title: "التصميم المشترك للخدمات",
		body: "يصمم فريق الخدمة مع المستفيدين نموذجا أوليا ويختبره قبل تعميمه على المواطنين."}}
	mention := "تعرض الوزارة على المواطنين الخدمات الجديدة، ويطرح المواطنون أفكارا في التصميم، والعمل المشترك بين الجهات يحسن الخدمات."
	for i := 2; i <= 5; i++ {
		lessons = append(lessons, lessonFile{slug: fmt.Sprintf("%02d-mention", i), lang: "ar", title: fmt.Sprintf("خدمات المواطنين %d", i),
			body: "## التصميم المشترك للخدمات مع المواطنين\n\nتحفظ الوزارات سجلاتها وترد على رسائل الناس. " + mention})
	}
	for i := 6; i <= 20; i++ {
		lessons = append(lessons, lessonFile{slug: fmt.Sprintf("%02d-other", i), lang: "ar", title: fmt.Sprintf("موضوع آخر %d", i),
			body: strings.Repeat("تحفظ الوزارات سجلاتها وترد على رسائل الناس في موعدها. ", 5)})
	}
	if err := ix.IndexCatalogue(context.Background(), catalogueOf(t, "titles", []string{"ar"}, lessons...)); err != nil {
		t.Fatal(err)
	}
	if got := refs(search1(t, ix, "التصميم المشترك للخدمات مع المواطنين", "ar")); len(got) == 0 || got[0] != "titles/01-codesign@ar" {
		t.Errorf("results %v: the lesson whose title is the query but one word should be first", got)
	}
}

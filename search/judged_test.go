package search_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/masar-platform/masar/content"
	"github.com/masar-platform/masar/courses"
	"github.com/masar-platform/masar/search"
)

// judgedQuery is one line of testdata/judged-queries.tsv.
type judgedQuery struct {
	line               int
	part, cat, lang, q string
	relevant           []string // course/lesson refs
}

// judgedCourses maps the short names of the judged set to course slugs.
var judgedCourses = map[string]string{
	"fw": "open-government-framework", "od": "open-government-data", "cp": "citizen-participation",
	"cc": "collaboration-co-creation", "eg": "engaged-governance",
}

// loadJudged reads the judged query set, resolving each short lesson name (od2) to the
// shipped lesson it stands for.
func loadJudged(t testing.TB) []judgedQuery {
	t.Helper()
	f, err := os.Open("testdata/judged-queries.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The lessons of each course by number, from the index itself: a course's lessons
	// are numbered by their NN prefix.
	lessons := shippedLessons(t)
	var out []judgedQuery
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("judged-queries.tsv:%d: %d columns, want 5", n, len(cols))
		}
		jq := judgedQuery{line: n, part: cols[0], cat: cols[1], lang: cols[2], q: cols[3]}
		if !slices.Contains(judgedParts, jq.part) {
			t.Fatalf("judged-queries.tsv:%d: part %q", n, jq.part)
		}
		for _, r := range strings.Split(cols[4], ",") {
			r = strings.TrimSpace(r)
			if len(r) != 3 || judgedCourses[r[:2]] == "" {
				t.Fatalf("judged-queries.tsv:%d: lesson %q", n, r)
			}
			ref := lessons[judgedCourses[r[:2]]+"/0"+r[2:]]
			if ref == "" {
				t.Fatalf("judged-queries.tsv:%d: no shipped lesson %q", n, r)
			}
			jq.relevant = append(jq.relevant, ref)
		}
		out = append(out, jq)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// shippedLessons maps "course/NN" to "course/NN-lesson" for the shipped lessons.
func shippedLessons(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	cat, _ := courses.Load(content.FS)
	for _, co := range cat.Courses() {
		for _, l := range co.Lessons {
			if len(l.Slug) > 2 {
				out[co.Slug+"/"+l.Slug[:2]] = co.Slug + "/" + l.Slug
			}
		}
	}
	return out
}

// scores are the relevance figures of a group of judged queries.
type scores struct {
	queries           int
	recall, mrr, prec float64 // sums over the queries
	found, wanted     int
}

func (s *scores) add(o scores) {
	s.queries += o.queries
	s.recall += o.recall
	s.mrr += o.mrr
	s.prec += o.prec
	s.found += o.found
	s.wanted += o.wanted
}

// recallAt5 is the share of the judged lessons found in the top five, over all queries.
func (s scores) recallAt5() float64 {
	if s.wanted == 0 {
		return 0
	}
	return float64(s.found) / float64(s.wanted)
}

func (s scores) row(name string) string {
	n := float64(max(s.queries, 1))
	return fmt.Sprintf("%-12s %4d   %.2f   %.2f   %.2f", name, s.queries, s.recallAt5(), s.mrr/n, s.prec/n)
}

// judge runs one judged query: recall@5 (share of its relevant lessons in the top five, as
// a person sees the list, courses and workshops included), reciprocal rank of the first
// relevant lesson, and precision@5 (share of the top five, or of fewer results, that is
// relevant).
func judge(t testing.TB, ix *search.Index, jq judgedQuery) (scores, []string) {
	res, err := ix.Search(context.Background(), search.Query{Text: jq.q, Lang: jq.lang})
	if err != nil {
		t.Errorf("judged-queries.tsv:%d: %q: %v", jq.line, jq.q, err)
		return scores{queries: 1, wanted: len(jq.relevant)}, nil
	}
	var top []string
	s := scores{queries: 1, wanted: len(jq.relevant)}
	rel := 0
	for i, r := range res.Items {
		ref := refOf(r)
		if contains(jq.relevant, ref) {
			if s.mrr == 0 {
				s.mrr = 1 / float64(i+1)
			}
			if i < 5 {
				rel++
			}
		}
		if i < 5 {
			top = append(top, ref)
		}
	}
	s.found = rel
	s.recall = float64(rel) / float64(len(jq.relevant))
	if len(top) > 0 {
		s.prec = float64(rel) / float64(len(top))
	}
	return s, top
}

// judgedParts are the parts of the judged set, in the order they are reported.
var judgedParts = []string{"tune", "held", "held2", "held3", "held4", "held5", "held6", "held7", "held8", "held9", "held10", "held11", "held12", "held13", "held14", "held15", "held16", "held17", "held18", "held19", "held20", "held21", "held22"}

// TestJudgedQueries measures the search against the judged query set: recall@5, MRR and
// precision@5 per category and overall, for the tuning part and each held-out part
// (judgedParts) apart.
// On the tuning part it fails when recall@5 is below 0.95 overall or below 0.9 in a
// category — issue 18's targets. The held-out parts are for measuring: their misses are
// listed only when asked for (MASAR_SHOW_MISSES), and they fail only below the figures they gave when they were first measured
// (heldFloor), so that a change that makes the search worse on queries nobody tuned for is
// caught. held (0.98 when written), held2 (0.85) and held3 (0.94) have since been read while
// improving the search; held4, written blind by a fourth judge, was measured once after
// that, at 0.89 overall (multi-word 0.73). Issue 18's targets on queries kept aside are not
// met; the figures are reported, not hidden.
// When courses 2–5 gained French lessons (issue 21), held3 fell from 0.95 to 0.92: its 14
// French queries judge only course-1 lessons, judged when course 1 was the only one in
// French, and they now compete with four more French courses (three of its misses are French
// queries; no Arabic or English query lost its lesson). Its floor is the figure measured
// then, 0.92, until the set is judged again against the French lessons.
// Words that frame a question («اشرح», "difference between", « comment ») then stopped
// narrowing queries: held2 0.87 to 0.89, held3 0.92 to 0.93, held4 0.89 to 0.91. held5, 96
// queries written blind by a fifth judge who read only the lessons, was measured once after
// that: 0.93 overall (synonym 0.83, multiword 0.86, every other category 0.92 or more).
// held5 was then read to find the classes of its misses, and these changed, none of them
// for one query: a query of three words or more also ranks the documents that lack one of
// its words (at the share of the words they have); a function word joined to و or ف, and
// «بشكل», «بصورة», no longer narrow a query; a spelt number's digits are indexed in the title
// or heading it is in; a present-tense verb of the forms تفعّل/تفاعل matches its verbal
// noun; a course ranks below its own best lesson; a word whose stem is itself is no longer
// "corrected" as if found nowhere; and the thesaurus gained regional words (الولوج/النفاذ,
// المقاربة, التكوين, المتدخلين, الجماعات الترابية, مذكرة تفاهم, Easy Read, grievances…). Measured after that: tune 0.99, held 0.97, held2 0.96, held3 0.94, held4
// 0.93, held5 0.97 (synonym 0.92, multiword 0.93, every other category 0.94 or more). Those
// parts have all been read now; only a set written after this change and measured once can
// say how it does on queries nobody tuned for. The floors are the figures measured.
// held6, 120 queries written blind by a sixth judge (93 left once those that repeat an
// earlier query word for word are taken out), was measured once after that: 0.94 overall
// (misspelling 0.84, number 0.88, every other category 0.94 or more). Issue 18's targets on
// queries kept aside (0.95 overall, 0.9 in every category) are still not met there.
// held7, 128 queries written blind by a seventh judge (112 left once repeats are taken out),
// was measured once on the search as landed at stop 31: 0.93 overall (synonym 0.82,
// loanword 0.88, every other category 0.93 or more). The targets are not met there either.
// held7 and held6 were then read: a word typed as two words glued together is split, a
// thesaurus term whose first word has a proclitic joined to it is found, a question of six
// words or more also ranks lessons lacking two of them, and the thesaurus gained usager,
// retour d'information, auto-diagnostic and e-gov (held6 0.95, held7 0.97 after that).
// held8, 128 queries written blind by an eighth judge (92 left once repeats are taken out),
// was measured once after that: 0.96 overall, synonym 0.75, number 0.94, every other
// category 1.00. The overall target is met there; the synonym category's is not.
// held8 was then read; its misses were vocabulary that the thesaurus lacked (ربط المسؤولية
// بالمحاسبة, الحوار المجتمعي, مسودات القوانين), added: held8 0.98, held3 0.95 after that.
// held9, 128 queries written blind by a ninth judge (96 left once repeats are taken out),
// was measured once after that: 0.95 overall (multiword 0.88, synonym 0.87, loanword 0.92,
// typo 0.94, every other category 1.00): the overall target is met there, not the
// per-category one.
// held9 was then read: an Arabic word one edit from an indexed word is corrected as a typo
// before it is tried as a loanword («الهاكثاونات» had become the French «coût»), and the
// thesaurus gained التعميم التدريجي (horizontal extension), concertation and multi-acteurs:
// held9 0.97, held 0.98 after that.
// held10, 128 queries written blind by a tenth judge (98 left once repeats are taken out),
// was measured once after that: 0.94 overall (synonym 0.75, loanword 0.88, every other
// category 1.00). Blind sets keep finding regional synonyms the thesaurus lacks. held10 was
// then read, and the thesaurus gained مأسسة, ديمومة/استدامة, المتعاملين (the Gulf's word for
// service users), KPI and spellings of e-government: held10 0.97 after that.
// Then the thesaurus gained regional words proposed from the lessons and the glossary alone
// (35 groups widened or added, each kept only where no part got worse; 6 were not kept).
// held11, 128 queries written blind by an eleventh judge (92 left once repeats are taken
// out), was measured once after that: 0.94 overall (misspelling 0.87, synonym 0.86, number
// 0.94, multiword 0.93, every other category 1.00).
// held11 was read on 2026-12-06: a letter typed twice is taken out before a word is tried as
// a loanword («جررد» had become the French «garder»), "include"/«يتضمن» frame a question,
// and «مسابقة برمجية» joined the hackathon group: held11 0.97 after that.
// held12, 128 queries written blind by a twelfth judge (79 left once the 49 that repeat an
// earlier query word for word are taken out), was measured once after that: 0.99 overall,
// every category at 0.92 or more (multiword 0.92, all others 1.00). Not read.
// held13, 160 queries written blind by a thirteenth judge, asked to use officials' own words
// rather than the lessons' titles (140 left once 20 repeats are taken out), was measured once
// right after held12, with nothing changed between: 0.95 overall (multiword 0.85, synonym
// 0.85, loanword 0.95, misspelling 0.95, every other category 1.00).
// held13 was then read: «فائدة», «أهمية» and «بالنسبة» frame a question («ما فائدة إشراك
// المواطنين»: the subject is the participation), and the thesaurus gained a new minister or
// government (remaniement ministériel, تعديل وزاري): held13 0.96 after that.
// held14, 160 queries written blind by a fourteenth judge with held13's instructions (121
// left once 39 repeats are taken out), was measured once after that: 0.95 overall (loanword
// 0.84, multiword 0.86, synonym 0.95, every other category 1.00).
// held14 was then read: a loanword's length is taken without the article joined to it
// («البرايفسي» had become the French approuves), and "differ from" («diffère de», «يختلف …
// عن») frames a comparison: held14 0.96 after that.
// held15, 160 queries written blind by a fifteenth judge with the same instructions (117
// left once 43 repeats are taken out), was measured once after that: 0.94 overall
// (multiword 0.86, synonym 0.90, number 0.91, crosslang 0.93, loanword 0.93, every other
// category 1.00).
// held15 was then read; the thesaurus gained the Gulf's «سعادة المتعاملين» (satisfaction with
// services) and budget lines (اعتمادات مالية): held15 0.95 after that. Two other groups
// tried for its misses ("involve citizens" with citizen participation; "final say" with the
// final decision) made other parts worse and were left out.
// held16 to held21 were written blind on 2026-12-06, 160 queries each, by six judges asked
// for the words of officials of named countries (held16 the Maghreb and the Gulf; held17
// Egypt, Sudan, the Levant, Iraq and Yemen; held18 Iraq and the Gulf; held19 the Maghreb,
// Egypt, Lebanon and Jordan; held20 new focal points; held21 senior civil servants), and
// measured once each before being read: held16 0.95 and held17 0.90 on the search as landed
// at stop 34; after the changes made for them, held18 0.95 and held19 0.91; after those made
// for held18 and held19, held20 0.94 and held21 0.95. Below 0.9 at first measurement:
// multiword (0.86, 0.68, 0.86, 0.62, 0.86), loanword (0.75, 0.80, 0.81), synonym (0.83,
// 0.84). What reading them changed, none of it for one query: the function words of spoken
// Arabic (ليش, شلون, إزاي, علاش, تبعنا, اللي, مش…) frame a question; a ة written ت before a
// one-letter pronoun (ملاحظته) is the word; a loanword's غ is a g, the vowels it writes break
// ties, and it is never a Latin function word; an English word that is its own English stem
// keeps it (agreement, process, success had lost their English lessons); a verb of the forms
// استفعل, فعّل, أفعل matches its verbal nouns; a question that asks why ranks the lessons whose
// title asks why higher; a comparison ranks higher the lessons that set the things compared
// side by side; the thesaurus gained a few regional terms. The floors are the figures after.
// held22, written blind the same day in the words of municipal, governorate, planning and
// statistics staff (Algeria, Libya, Sudan, Kuwait, Bahrain, Lebanon, Palestine, Mauritania,
// Yemen), 133 queries once 27 repeats are out, was measured once after all that: 0.95
// overall (multiword 0.87, synonym 0.92, number 0.94, loanword 0.95, every other category
// 1.00). It was then read. Its seven misses: a lesson whose title is the query's subject but
// for one word, ranked 6th (which led to boosting such titles; the tuning part's numbers went
// from 0.96 to 1.00, no held part lost, held22 itself unchanged); two whose subject comes
// with words no lesson has (الولاية, «لما يشتكي»: a verb whose noun no rule gives); one that
// needs a verb's noun (نقيس → قياس); two where the judge wanted a second lesson as well; one
// number that the lesson shows only as a numbered list. held22 stays at 0.95.
var heldFloor = map[string]float64{"held": 0.98, "held2": 0.96, "held3": 0.96, "held4": 0.94, "held5": 0.97, "held6": 0.95, "held7": 0.97, "held8": 0.98, "held9": 0.98, "held10": 0.97, "held11": 0.97, "held12": 1.00, "held13": 0.96, "held14": 0.98, "held15": 0.95, "held16": 0.96, "held17": 0.92, "held18": 0.96, "held19": 0.92, "held20": 0.94, "held21": 0.98, "held22": 0.95}

func TestJudgedQueries(t *testing.T) {
	// MASAR_SHOW_MISSES=held6 (or held6,held7) lists those parts' misses too, once the part has been measured
	// and is about to be read for tuning.
	showMisses := os.Getenv("MASAR_SHOW_MISSES")
	ix, _ := shippedIndex(t)
	qs := loadJudged(t)
	if len(qs) < 200 {
		t.Fatalf("only %d judged queries; at least 200 are required", len(qs))
	}
	perLang := map[string]int{}
	for _, jq := range qs {
		perLang[jq.lang]++
	}
	if perLang["ar"] < 140 {
		t.Errorf("only %d Arabic judged queries; at least 140 are required", perLang["ar"])
	}
	for _, part := range judgedParts {
		byCat := map[string]*scores{}
		var all scores
		for _, jq := range qs {
			if jq.part != part {
				continue
			}
			s, top := judge(t, ix, jq)
			if byCat[jq.cat] == nil {
				byCat[jq.cat] = &scores{}
			}
			byCat[jq.cat].add(s)
			all.add(s)
			if (part == "tune" || slices.Contains(strings.Split(showMisses, ","), part)) && s.found < s.wanted {
				t.Logf("miss (line %d, %s, %s) %q: want %v, top 5 %v", jq.line, jq.cat, jq.lang, jq.q, jq.relevant, top)
			}
		}
		cats := make([]string, 0, len(byCat))
		for c := range byCat {
			cats = append(cats, c)
		}
		sort.Strings(cats)
		var b strings.Builder
		fmt.Fprintf(&b, "\n%s part\ncategory  queries recall@5  MRR  prec@5\n", part)
		for _, c := range cats {
			b.WriteString(byCat[c].row(c) + "\n")
			if r := byCat[c].recallAt5(); part == "tune" && r < 0.9 {
				t.Errorf("%s part, %s: recall@5 = %.2f, below 0.9", part, c, r)
			}
		}
		b.WriteString(all.row("overall"))
		t.Log(b.String())
		floor := 0.95
		if f, ok := heldFloor[part]; ok {
			floor = f
		}
		// The floors are figures as reported, to two places.
		if r := all.recallAt5(); math.Round(r*100)/100 < floor-1e-9 {
			t.Errorf("%s part: recall@5 = %.2f, below %.2f", part, r, floor)
		}
	}
}

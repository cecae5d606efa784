package courses_test

import (
	"strings"
	"testing"

	"github.com/masar-platform/masar/courses"
)

// text returns a text of n characters, the same length in Arabic and English unless arN
// says otherwise.
func text(n int, arN ...int) map[string]string {
	a := n
	if len(arN) > 0 {
		a = arN[0]
	}
	return map[string]string{"en": strings.Repeat("x", n), "ar": strings.Repeat("س", a)}
}

// choice is a single or multiple question whose options have the given lengths, the
// options at the positions in right being correct.
func choice(id, typ, lesson string, lengths []int, right ...int) *courses.Question {
	q := &courses.Question{ID: id, Type: typ, Lesson: lesson, Prompt: text(20), Explanation: map[string]string{"en": "Because of the lesson.", "ar": "بحسب الدرس."}}
	for i, n := range lengths {
		o := &courses.Option{ID: string(rune('a' + i)), Text: text(n)}
		for _, r := range right {
			if r == i {
				o.Correct = true
			}
		}
		q.Options = append(q.Options, o)
	}
	return q
}

func tf(id, lesson string, answer bool) *courses.Question {
	return &courses.Question{ID: id, Type: courses.TrueFalse, Lesson: lesson, Prompt: text(20), Answer: answer,
		Explanation: map[string]string{"en": "Because of the lesson.", "ar": "بحسب الدرس."}}
}

// goodBank is a small bank that keeps every rule: right answers spread over the positions,
// longest once and shortest once, multiple questions with 1 and 2 correct options that are
// not the longest, a quarter true/false, one true and one false.
func goodBank() *courses.Course {
	L := []int{5, 6, 7, 8}
	return &courses.Course{Slug: "bank", Dir: "01-bank", Languages: []string{"ar", "en"}, QuestionsPerLesson: 2,
		Lessons: []*courses.Lesson{{Slug: "01-a"}, {Slug: "02-b"}},
		Quiz: &courses.Quiz{PassMark: 70, Questions: []*courses.Question{
			choice("s1", courses.Single, "01-a", L, 0),
			choice("s2", courses.Single, "01-a", L, 1),
			choice("s3", courses.Single, "01-a", L, 2),
			choice("m1", courses.Multiple, "01-a", L, 0),
			choice("s4", courses.Single, "02-b", L, 3),
			choice("m2", courses.Multiple, "02-b", L, 0, 3),
			tf("t1", "02-b", true),
			tf("t2", "02-b", false),
		}}}
}

func find(c *courses.Course, id string) *courses.Question {
	for _, q := range c.Quiz.Questions {
		if q.ID == id {
			return q
		}
	}
	return nil
}

func TestBankRules(t *testing.T) {
	if ps := courses.CheckBank(goodBank()); len(ps) > 0 {
		t.Fatalf("a good bank is reported: %v", ps)
	}
	L := []int{5, 6, 7, 8}
	tests := []struct {
		name   string
		change func(c *courses.Course)
		want   string
	}{
		{"question without lesson", func(c *courses.Course) { find(c, "s1").Lesson = "" }, "question s1: missing lesson"},
		{"lesson with too few questions", func(c *courses.Course) { c.QuestionsPerLesson = 3 }, "lesson 01-a has 4 question(s); at least 6 needed"},
		{"single with three options", func(c *courses.Course) { find(c, "s2").Options = find(c, "s2").Options[:3] }, "question s2: a single-choice question has exactly 4 options, not 3"},
		{"right answer mostly first", func(c *courses.Course) {
			*find(c, "s2") = *choice("s2", courses.Single, "01-a", []int{6, 5, 7, 8}, 0)
			*find(c, "s3") = *choice("s3", courses.Single, "01-a", []int{7, 5, 6, 8}, 0)
		}, "answer-position bias: the right option is written first in 3 of 4"},
		{"right answer mostly longest", func(c *courses.Course) {
			*find(c, "s2") = *choice("s2", courses.Single, "01-a", []int{5, 9, 7, 8}, 1)
		}, "length bias (en): the right option is the longest in 2 of 4"},
		{"right answer longest in Arabic only", func(c *courses.Course) {
			find(c, "s2").Options[1].Text = text(6, 30)
		}, "length bias (ar): the right option is the longest in 2 of 4"},
		{"right answer mostly shortest", func(c *courses.Course) {
			*find(c, "s3") = *choice("s3", courses.Single, "01-a", []int{5, 6, 4, 8}, 2)
		}, "length bias (en): the right option is the shortest in 2 of 4"},
		{"multiple with three options", func(c *courses.Course) { find(c, "m1").Options = find(c, "m1").Options[:3] }, "question m1: a multiple-choice question has 4 or 5 options, not 3"},
		{"multiple with every option correct", func(c *courses.Course) {
			*find(c, "m1") = *choice("m1", courses.Multiple, "01-a", L, 0, 1, 2, 3)
		}, "question m1: 4 of 4 options correct"},
		{"multiple always two correct", func(c *courses.Course) {
			*find(c, "m1") = *choice("m1", courses.Multiple, "01-a", L, 0, 2)
		}, "answer-count pattern: 2 of 2 multiple-choice questions have exactly 2 correct options"},
		{"all but the shortest", func(c *courses.Course) {
			*find(c, "m1") = *choice("m1", courses.Multiple, "01-a", L, 1, 2, 3)
		}, "the correct options are all but the shortest in 1 of 2"},
		{"the longest two", func(c *courses.Course) {
			*find(c, "m1") = *choice("m1", courses.Multiple, "01-a", []int{5, 6, 7, 8, 9}, 3, 4)
			*find(c, "m2") = *choice("m2", courses.Multiple, "02-b", L, 0, 1, 3)
		}, "the correct options are the longest ones in 1 of 2"},
		{"too many true/false", func(c *courses.Course) {
			c.Quiz.Questions = append(c.Quiz.Questions, tf("t3", "01-a", true), tf("t4", "01-a", false))
		}, "4 of 10 questions are true/false"},
		{"true/false always true", func(c *courses.Course) { find(c, "t2").Answer = true }, "2 of 2 true/false questions are true"},
		{"explanation cites (b)", func(c *courses.Course) { find(c, "s1").Explanation["en"] = "As (b) says." }, "question s1: the en explanation cites an option"},
		{"explanation cites (ب)", func(c *courses.Course) { find(c, "s1").Explanation["ar"] = "كما في (ب)." }, "question s1: the ar explanation cites an option"},
		{"explanation cites option c", func(c *courses.Course) { find(c, "s1").Explanation["en"] = "Option c is right." }, "question s1: the en explanation cites an option"},
		{"explanation cites الخيار ج", func(c *courses.Course) { find(c, "s1").Explanation["ar"] = "الخيار ج هو الصحيح." }, "question s1: the ar explanation cites an option"},
		{"explanation cites the second option", func(c *courses.Course) { find(c, "s1").Explanation["en"] = "The second option is right." }, "question s1: the en explanation cites an option"},
		{"explanation quotes the right option", func(c *courses.Course) {
			find(c, "s2").Options[1].Text["en"] = "Horizontal extension."
			find(c, "s2").Options[3].Text["en"] = "Neither of the two extensions"
			find(c, "s2").Explanation["en"] = "horizontal extension means the whole government takes part."
		}, "question s2: the en explanation quotes a right option (\"Horizontal extension.\")"},
		{"explanation quotes the right option in Arabic", func(c *courses.Course) {
			find(c, "m2").Options[3].Text["ar"] = "أهداف التنمية المستدامة"
			find(c, "m2").Explanation["ar"] = "ترتبط الخطة بأهداف التنمية المستدامة."
		}, "question m2: the ar explanation quotes a right option"},
		{"explanation cites la deuxième option", func(c *courses.Course) {
			c.Languages = append(c.Languages, "fr")
			for _, q := range c.Quiz.Questions {
				q.Explanation["fr"] = "Selon la leçon."
				q.Prompt["fr"] = "Question ?"
				for _, o := range q.Options {
					o.Text["fr"] = o.Text["en"]
				}
			}
			find(c, "s1").Explanation["fr"] = "La deuxième option est juste."
		}, "question s1: the fr explanation cites an option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := goodBank()
			tt.change(c)
			ps := courses.CheckBank(c)
			found := false
			for _, p := range ps {
				if strings.Contains(p.String(), tt.want) {
					found = true
					if !strings.HasPrefix(p.File, "01-bank/quiz.yaml") {
						t.Errorf("reported in %q", p.File)
					}
				}
			}
			if !found {
				t.Errorf("not reported: %q; got %v", tt.want, ps)
			}
		})
	}
}

// An explanation may use the words of a wrong option (to say why it is wrong), and a right
// option in another language than its own.
func TestExplanationQuotingWrongOptionPasses(t *testing.T) {
	c := goodBank()
	find(c, "s2").Options[0].Text["en"] = "Vertical extension"
	find(c, "s2").Options[1].Text["en"] = "Horizontal extension"
	find(c, "s2").Options[1].Text["ar"] = "الامتداد الأفقي"
	for i, n := range []int{30, 35} { // the right option stays neither longest nor shortest
		find(c, "s2").Options[2+i].Text = text(n)
	}
	find(c, "s2").Explanation["en"] = "Vertical extension is about levels of government; here every ministry takes part."
	find(c, "s2").Explanation["ar"] = "Horizontal extension: مشاركة كل الوزارات."
	if ps := courses.CheckBank(c); len(ps) > 0 {
		t.Errorf("reported: %v", ps)
	}
}

// Explanations that name the idea, not a letter, pass, even with words like "option" in them.
func TestExplanationsWithoutLettersPass(t *testing.T) {
	for _, e := range []string{
		"The best option a ministry has is to publish the data.",
		"الخيار الصحيح هو نشر البيانات بترخيص مفتوح.",
		"A portal is an option for ministries (among others).",
		"Une option ouverte est préférable.",
	} {
		c := goodBank()
		find(c, "s1").Explanation["en"] = e
		find(c, "s1").Explanation["ar"] = e
		if ps := courses.CheckBank(c); len(ps) > 0 {
			t.Errorf("%q reported: %v", e, ps)
		}
	}
}

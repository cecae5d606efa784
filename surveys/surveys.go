// Package surveys runs the evaluation of workshops: reusable survey templates that staff keep
// (satisfaction questionnaires and knowledge tests), a workshop's satisfaction survey and its
// pre-test and post-test, the participants' answers (anonymous or named), the invitation and
// the reminder mailed to participants, the results of a workshop (distribution of each
// question, the paired learning gain, free-text answers) and the programme's report across
// workshops. It also holds the optional rule that attendance certificates wait until the
// satisfaction survey is answered (Gate).
//
// Anonymity. An anonymous survey stores its responses with no official_id. Who has answered
// is kept apart, in survey_respondents, which says that a person answered but not which
// response is theirs: the reminder goes to those who have not answered, the certificate gate
// lets those who have, and a second answer is refused. The response's date is kept to the day
// only, so that a time does not tie a row of one table to a row of the other. The pre-test and
// post-test of an anonymous pair are matched, for the paired learning gain, by pair_key: a
// keyed hash (HMAC-SHA256 with the server's secret) of the workshop and the person. Staff
// cannot read a name from it; whoever holds the server's secret and the participants' list
// could recompute it, which is why the results never show it and the API never returns it.
package surveys

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// Kinds of template.
const (
	TemplateSatisfaction = "satisfaction"
	TemplateTest         = "test"
)

// TemplateKinds lists the kinds of template.
var TemplateKinds = []string{TemplateSatisfaction, TemplateTest}

// Kinds of a workshop's survey.
const (
	KindSatisfaction = "satisfaction"
	KindPreTest      = "pre_test"
	KindPostTest     = "post_test"
)

// Kinds lists the kinds of a workshop's survey.
var Kinds = []string{KindSatisfaction, KindPreTest, KindPostTest}

// Statuses of a survey.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Kinds of question.
const (
	QRating   = "rating"   // 1 (poor) to 5 (excellent)
	QSingle   = "single"   // one option
	QMultiple = "multiple" // any options
	QText     = "text"     // free text
)

// QuestionKinds lists the kinds of question.
var QuestionKinds = []string{QRating, QSingle, QMultiple, QText}

// Limits of what staff and participants write.
const (
	MaxQuestions   = 40
	MaxOptions     = 10
	MaxTitle       = 200
	MaxText        = 500
	MaxAnswerText  = 2000
	ReminderAfter  = 3 * 24 * time.Hour // the reminder follows the invitation by this much
	preTestLead    = 7 * 24 * time.Hour // the pre-test is mailed at most this long before the start
	RatingMin      = 1
	RatingMax      = 5
	answerDayFmt   = "2006-01-02"
	pairKeyContext = "masar survey pair\x00"
)

// Langs are the languages every text is written in; Arabic is required.
var Langs = []string{"ar", "en", "fr"}

// Option is a choice of a single or multiple question. Correct marks a right answer of a
// knowledge test.
type Option struct {
	ID      string            `json:"id"`
	Text    map[string]string `json:"text"`
	Correct bool              `json:"correct,omitempty"`
}

// Question is one question of a template or survey.
type Question struct {
	ID      string            `json:"id"`
	Kind    string            `json:"kind"`
	Text    map[string]string `json:"text"`
	Options []Option          `json:"options,omitempty"`
}

// Template is a reusable questionnaire or test.
type Template struct {
	ID        int64             `json:"id"`
	Kind      string            `json:"kind"`
	Title     map[string]string `json:"title"`
	Questions []Question        `json:"questions"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// Survey is a workshop's survey.
type Survey struct {
	ID              int64             `json:"id"`
	WorkshopID      int64             `json:"workshop_id"`
	Kind            string            `json:"kind"`
	TemplateID      int64             `json:"template_id,omitempty"`
	Title           map[string]string `json:"title"`
	Questions       []Question        `json:"questions"`
	Anonymous       bool              `json:"anonymous"`
	CertificateGate bool              `json:"certificate_gate"`
	Status          string            `json:"status"`
	OpensAt         *time.Time        `json:"opens_at"`
	ClosesAt        *time.Time        `json:"closes_at"`
	PublishedAt     *time.Time        `json:"published_at"`
	CreatedAt       time.Time         `json:"created_at"`
	Responses       int               `json:"responses"`
}

// IsTest reports whether the survey is a knowledge test.
func (s *Survey) IsTest() bool { return s.Kind == KindPreTest || s.Kind == KindPostTest }

// TitleIn is the title in lang, falling back to Arabic, English, French.
func (s *Survey) TitleIn(lang string) string { return Pick(s.Title, lang) }

// TitleIn is the template's title in lang.
func (t *Template) TitleIn(lang string) string { return Pick(t.Title, lang) }

// TextIn is the question's text in lang.
func (q Question) TextIn(lang string) string { return Pick(q.Text, lang) }

// TextIn is the option's text in lang.
func (o Option) TextIn(lang string) string { return Pick(o.Text, lang) }

// Pick is a text in lang, or in the first language that has one.
func Pick(m map[string]string, lang string) string {
	for _, l := range []string{lang, "ar", "en", "fr"} {
		if v := m[l]; v != "" {
			return v
		}
	}
	return ""
}

// Options configure the service.
type Options struct {
	BaseURL string
	// Secret keys the pair_key of anonymous tests (the server's secret).
	Secret []byte
	Log    *slog.Logger
}

// Service is the surveys' store and rules.
type Service struct {
	db        *store.DB
	workshops *workshops.Service
	mailer    *mail.Mailer
	opt       Options
	mu        sync.Mutex
	clock     func() time.Time
	answered  []func(ctx context.Context, workshopID, officialID int64)
}

// New returns the service.
func New(db *store.DB, ws *workshops.Service, mailer *mail.Mailer, opt Options) *Service {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	return &Service{db: db, workshops: ws, mailer: mailer, opt: opt, clock: time.Now}
}

// SetClock replaces the service's clock (tests).
func (s *Service) SetClock(f func() time.Time) {
	s.mu.Lock()
	s.clock = f
	s.mu.Unlock()
}

// Now is the service's time.
func (s *Service) Now() time.Time {
	s.mu.Lock()
	f := s.clock
	s.mu.Unlock()
	return f().UTC()
}

// pairKey is the keyed hash that matches a person's pre-test and post-test of one workshop
// without naming them.
func (s *Service) pairKey(workshopID, officialID int64) string {
	m := hmac.New(sha256.New, s.opt.Secret)
	fmt.Fprintf(m, "%s%d/%d", pairKeyContext, workshopID, officialID)
	return hex.EncodeToString(m.Sum(nil))
}

// Input is what staff write for a template.
type Input struct {
	Kind      string            `json:"kind"`
	Title     map[string]string `json:"title"`
	Questions []Question        `json:"questions"`
}

// checkTexts validates a text in every language: Arabic required, every one at most max
// runes. field is the form's name, e.g. "title" (title_ar, title_en, title_fr).
func checkTexts(f problem.Fields, field string, m map[string]string, max int, keyRequired string) map[string]string {
	out := map[string]string{}
	for _, l := range Langs {
		v := strings.TrimSpace(m[l])
		if !utf8.ValidString(v) {
			f.Add(field+"_"+l, "surveys.error.text_invalid")
			continue
		}
		if utf8.RuneCountInString(v) > max {
			f.Add(field+"_"+l, "surveys.error.too_long")
			continue
		}
		if v != "" {
			out[l] = v
		}
	}
	if out["ar"] == "" {
		f.Add(field+"_ar", keyRequired)
	}
	return out
}

// CheckQuestion validates one question for a template of kind, with its field names prefixed
// by prefix ("q3_": q3_text_ar, q3_options_en, q3_correct), and returns it cleaned, with
// option ids o1, o2….
func CheckQuestion(f problem.Fields, prefix, kind string, q Question) Question {
	out := Question{ID: q.ID, Kind: q.Kind}
	switch {
	case kind == TemplateTest && q.Kind != QSingle && q.Kind != QMultiple:
		f.Add(prefix+"kind", "surveys.error.test_kind")
	case !contains(QuestionKinds, q.Kind):
		f.Add(prefix+"kind", "surveys.error.question_kind")
	}
	out.Text = checkTexts(f, prefix+"text", q.Text, MaxText, "surveys.error.question_text")
	if q.Kind != QSingle && q.Kind != QMultiple {
		if len(q.Options) > 0 {
			f.Add(prefix+"options_ar", "surveys.error.no_options_here")
		}
		return out
	}
	if len(q.Options) < 2 {
		f.Add(prefix+"options_ar", "surveys.error.options_few")
	}
	if len(q.Options) > MaxOptions {
		f.Add(prefix+"options_ar", "surveys.error.options_many")
	}
	right := 0
	for i, o := range q.Options {
		of := problem.Fields{}
		t := checkTexts(of, "o", o.Text, MaxText, "surveys.error.option_text")
		for k := range of {
			f.Add(prefix+"options_"+strings.TrimPrefix(k, "o_"), of[k])
		}
		opt := Option{ID: fmt.Sprintf("o%d", i+1), Text: t}
		if kind == TemplateTest {
			opt.Correct = o.Correct
		}
		if opt.Correct {
			right++
		}
		out.Options = append(out.Options, opt)
	}
	if kind == TemplateTest {
		switch {
		case right == 0:
			f.Add(prefix+"correct", "surveys.error.correct_none")
		case q.Kind == QSingle && right > 1:
			f.Add(prefix+"correct", "surveys.error.correct_single")
		}
	}
	return out
}

// CheckInput validates a template and returns it cleaned: questions numbered q1, q2….
func CheckInput(in Input) (Input, error) {
	f := problem.Fields{}
	out := Input{Kind: in.Kind}
	if !contains(TemplateKinds, in.Kind) {
		f.Add("kind", "surveys.error.template_kind")
	}
	out.Title = checkTexts(f, "title", in.Title, MaxTitle, "surveys.error.title")
	if len(in.Questions) > MaxQuestions {
		f.Add("questions", "surveys.error.questions_many")
	}
	for i, q := range in.Questions {
		q.ID = fmt.Sprintf("q%d", i+1)
		out.Questions = append(out.Questions, CheckQuestion(f, q.ID+"_", in.Kind, q))
	}
	if out.Questions == nil {
		out.Questions = []Question{}
	}
	return out, f.Err()
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

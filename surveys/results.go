package surveys

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// QuestionResult is what the answers to one question add up to.
type QuestionResult struct {
	Question Question `json:"question"`
	Answered int      `json:"answered"`
	// Counts: for a rating, how many chose 1…5 (index 0 is 1); for a choice, how many chose
	// each option, in the options' order. Empty for free text.
	Counts []int `json:"counts"`
	// Mean is the mean rating (null for other kinds or without answers).
	Mean *float64 `json:"mean"`
	// Right is how many answered a test question right.
	Right int `json:"right"`
	// Texts are the free-text answers, in the order given.
	Texts []string `json:"texts,omitempty"`
}

// SurveyResult is a survey with the sum of its answers.
type SurveyResult struct {
	Survey    *Survey          `json:"survey"`
	Responses int              `json:"responses"`
	MeanScore *float64         `json:"mean_score"` // tests: mean score in percent
	Questions []QuestionResult `json:"questions"`
}

// Gain is the learning gain of a workshop: only participants who took both tests count.
type Gain struct {
	Pairs    int      `json:"pairs"`
	MeanPre  *float64 `json:"mean_pre"`
	MeanPost *float64 `json:"mean_post"`
	MeanGain *float64 `json:"mean_gain"` // post − pre, in percentage points
	PreN     int      `json:"pre_responses"`
	PostN    int      `json:"post_responses"`
}

// Results are a workshop's survey results.
type Results struct {
	WorkshopID int64           `json:"workshop_id"`
	Surveys    []*SurveyResult `json:"surveys"`
	Gain       *Gain           `json:"gain"` // null without a pre-test and a post-test
}

type response struct {
	pair    string
	answers Answers
	score   *float64
}

func (s *Service) responses(ctx context.Context, surveyID int64) ([]response, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT pair_key, answers, score FROM survey_responses WHERE survey_id = ? ORDER BY id`, surveyID)
	return store.Collect(rows, err, func(r store.Scanner) (response, error) {
		var x response
		var pair sql.NullString
		var body string
		var score sql.NullFloat64
		if err := r.Scan(&pair, &body, &score); err != nil {
			return x, err
		}
		x.pair = pair.String
		if score.Valid {
			v := score.Float64
			x.score = &v
		}
		if err := json.Unmarshal([]byte(body), &x.answers); err != nil {
			return x, fmt.Errorf("answers: %w", err)
		}
		return x, nil
	})
}

// Summarise adds up a survey's responses.
func Summarise(sv *Survey, rs []response) *SurveyResult {
	out := &SurveyResult{Survey: sv, Responses: len(rs)}
	var scoreSum float64
	scored := 0
	for _, r := range rs {
		if r.score != nil {
			scoreSum += *r.score
			scored++
		}
	}
	if scored > 0 {
		m := scoreSum / float64(scored)
		out.MeanScore = &m
	}
	for _, q := range sv.Questions {
		qr := QuestionResult{Question: q, Counts: []int{}}
		switch q.Kind {
		case QRating:
			qr.Counts = make([]int, RatingMax-RatingMin+1)
		case QSingle, QMultiple:
			qr.Counts = make([]int, len(q.Options))
		}
		sum := 0
		for _, r := range rs {
			vals, ok := r.answers[q.ID]
			if !ok || len(vals) == 0 {
				continue
			}
			qr.Answered++
			switch q.Kind {
			case QRating:
				n, err := strconv.Atoi(vals[0])
				if err == nil && n >= RatingMin && n <= RatingMax {
					qr.Counts[n-RatingMin]++
					sum += n
				}
			case QSingle, QMultiple:
				chosen := map[string]bool{}
				for _, v := range vals {
					chosen[v] = true
				}
				for i, o := range q.Options {
					if chosen[o.ID] {
						qr.Counts[i]++
					}
				}
				if sv.IsTest() && isRight(q, chosen) {
					qr.Right++
				}
			case QText:
				qr.Texts = append(qr.Texts, vals[0])
			}
		}
		if q.Kind == QRating && qr.Answered > 0 {
			m := float64(sum) / float64(qr.Answered)
			qr.Mean = &m
		}
		out.Questions = append(out.Questions, qr)
	}
	return out
}

// pairGain computes the paired learning gain of a pre-test's and a post-test's responses.
func pairGain(pre, post []response) *Gain {
	g := &Gain{PreN: len(pre), PostN: len(post)}
	first := map[string]float64{}
	for _, r := range pre {
		if r.pair != "" && r.score != nil {
			first[r.pair] = *r.score
		}
	}
	var sumPre, sumPost float64
	for _, r := range post {
		p, ok := first[r.pair]
		if r.pair == "" || r.score == nil || !ok {
			continue
		}
		g.Pairs++
		sumPre += p
		sumPost += *r.score
	}
	if g.Pairs > 0 {
		n := float64(g.Pairs)
		a, b := sumPre/n, sumPost/n
		d := b - a
		g.MeanPre, g.MeanPost, g.MeanGain = &a, &b, &d
	}
	return g
}

// Results adds up every survey of a workshop, and the learning gain when it has both tests.
func (s *Service) Results(ctx context.Context, workshopID int64) (*Results, error) {
	list, err := s.Surveys(ctx, workshopID)
	if err != nil {
		return nil, err
	}
	out := &Results{WorkshopID: workshopID, Surveys: []*SurveyResult{}}
	byKind := map[string][]response{}
	for _, sv := range list {
		rs, err := s.responses(ctx, sv.ID)
		if err != nil {
			return nil, fmt.Errorf("surveys: responses of %d: %w", sv.ID, err)
		}
		byKind[sv.Kind] = rs
		out.Surveys = append(out.Surveys, Summarise(sv, rs))
	}
	pre, hasPre := byKind[KindPreTest]
	post, hasPost := byKind[KindPostTest]
	if hasPre && hasPost {
		out.Gain = pairGain(pre, post)
	}
	return out, nil
}

// Figure is one line of the programme's report: satisfaction and learning gain, kept as
// sums so that lines add up (by country, by phase) without averaging averages.
type Figure struct {
	Responses int     `json:"satisfaction_responses"` // satisfaction responses
	Ratings   int     `json:"ratings"`                // rating answers
	RatingSum float64 `json:"-"`
	Pairs     int     `json:"pairs"` // participants with both tests
	PreSum    float64 `json:"-"`
	PostSum   float64 `json:"-"`
}

// Satisfaction is the mean of every rating answer (1–5), or nil.
func (f Figure) Satisfaction() *float64 {
	if f.Ratings == 0 {
		return nil
	}
	v := f.RatingSum / float64(f.Ratings)
	return &v
}

// MeanPre is the pairs' mean pre-test score, or nil.
func (f Figure) MeanPre() *float64 { return mean(f.PreSum, f.Pairs) }

// MeanPost is the pairs' mean post-test score, or nil.
func (f Figure) MeanPost() *float64 { return mean(f.PostSum, f.Pairs) }

// MeanGain is post − pre over the pairs, in percentage points, or nil.
func (f Figure) MeanGain() *float64 {
	if f.Pairs == 0 {
		return nil
	}
	v := (f.PostSum - f.PreSum) / float64(f.Pairs)
	return &v
}

func mean(sum float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := sum / float64(n)
	return &v
}

func (f *Figure) add(g Figure) {
	f.Responses += g.Responses
	f.Ratings += g.Ratings
	f.RatingSum += g.RatingSum
	f.Pairs += g.Pairs
	f.PreSum += g.PreSum
	f.PostSum += g.PostSum
}

// WorkshopFigure is a workshop's line of the report.
type WorkshopFigure struct {
	Workshop *workshops.Workshop
	Figure
}

// Report is the programme's evaluation across workshops: by workshop, by host country (the
// answers of anonymous surveys carry no participant's country) and by phase (a workshop that
// serves several phases counts under each).
type Report struct {
	Workshops []WorkshopFigure
	Countries map[string]*Figure // host country ("" for online)
	Phases    map[int]*Figure
	Total     Figure
}

// Report computes the programme's report over every workshop with a published survey.
func (s *Service) Report(ctx context.Context) (*Report, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT DISTINCT workshop_id FROM surveys WHERE status = 'published' ORDER BY workshop_id`)
	ids, err := store.Collect(rows, err, store.Column[int64])
	if err != nil {
		return nil, fmt.Errorf("surveys: report: %w", err)
	}
	rep := &Report{Countries: map[string]*Figure{}, Phases: map[int]*Figure{}}
	for _, id := range ids {
		w, err := s.workshops.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		res, err := s.Results(ctx, id)
		if err != nil {
			return nil, err
		}
		var f Figure
		for _, sr := range res.Surveys {
			if sr.Survey.Kind != KindSatisfaction || sr.Survey.Status != StatusPublished {
				continue
			}
			f.Responses += sr.Responses
			for _, q := range sr.Questions {
				if q.Question.Kind != QRating {
					continue
				}
				for i, n := range q.Counts {
					f.Ratings += n
					f.RatingSum += float64(n * (i + RatingMin))
				}
			}
		}
		if g := res.Gain; g != nil && g.Pairs > 0 {
			f.Pairs = g.Pairs
			f.PreSum = *g.MeanPre * float64(g.Pairs)
			f.PostSum = *g.MeanPost * float64(g.Pairs)
		}
		rep.Workshops = append(rep.Workshops, WorkshopFigure{Workshop: w, Figure: f})
		c := rep.Countries[w.HostCountry]
		if c == nil {
			c = &Figure{}
			rep.Countries[w.HostCountry] = c
		}
		c.add(f)
		for _, p := range w.Phases {
			ph := rep.Phases[p]
			if ph == nil {
				ph = &Figure{}
				rep.Phases[p] = ph
			}
			ph.add(f)
		}
		rep.Total.add(f)
	}
	slices.SortStableFunc(rep.Workshops, func(a, b WorkshopFigure) int {
		switch {
		case a.Workshop.StartDate > b.Workshop.StartDate:
			return -1
		case a.Workshop.StartDate < b.Workshop.StartDate:
			return 1
		}
		return 0
	})
	return rep, nil
}

// MyAnswer is a survey a person answered, for their personal-data export: a named survey's
// answers and score; for an anonymous one only that they answered (its answers are not
// linked to them).
type MyAnswer struct {
	SurveyID   int64             `json:"survey_id"`
	WorkshopID int64             `json:"workshop_id"`
	Kind       string            `json:"kind"`
	Title      map[string]string `json:"title"`
	Anonymous  bool              `json:"anonymous"`
	Answers    Answers           `json:"answers,omitempty"`
	Score      *float64          `json:"score,omitempty"`
	On         string            `json:"submitted_on,omitempty"`
}

// AnswersBy lists the surveys an official answered, oldest first.
func (s *Service) AnswersBy(ctx context.Context, officialID int64) ([]MyAnswer, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT s.id, s.workshop_id, s.kind, s.title_ar, s.title_en, s.title_fr, s.anonymous,
		r.answers, r.score, r.submitted_on
		FROM survey_respondents p JOIN surveys s ON s.id = p.survey_id
		LEFT JOIN survey_responses r ON r.survey_id = s.id AND r.official_id = p.official_id AND s.anonymous = 0
		WHERE p.official_id = ? ORDER BY s.id`, officialID)
	list, err := store.Collect(rows, err, func(r store.Scanner) (MyAnswer, error) {
		var a MyAnswer
		var ar, en, fr string
		var anon int
		var body, on sql.NullString
		var score sql.NullFloat64
		if err := r.Scan(&a.SurveyID, &a.WorkshopID, &a.Kind, &ar, &en, &fr, &anon, &body, &score, &on); err != nil {
			return a, err
		}
		a.Title, a.Anonymous, a.On = titleOf(ar, en, fr), anon == 1, on.String
		if score.Valid {
			v := score.Float64
			a.Score = &v
		}
		if body.Valid {
			if err := json.Unmarshal([]byte(body.String), &a.Answers); err != nil {
				return a, err
			}
		}
		return a, nil
	})
	if err != nil {
		return nil, fmt.Errorf("surveys: answers by %d: %w", officialID, err)
	}
	return list, nil
}

// TitleIn is the survey's title in lang.
func (a MyAnswer) TitleIn(lang string) string { return Pick(a.Title, lang) }

package surveys

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

// Problems a caller may meet.
var (
	ErrKindTaken       = problem.New(http.StatusConflict, "survey_kind_taken", "surveys.error.kind_taken")
	ErrNotDraft        = problem.New(http.StatusConflict, "survey_published", "surveys.error.not_draft")
	ErrNoQuestions     = problem.New(http.StatusConflict, "survey_empty", "surveys.error.no_questions")
	ErrAlreadyAnswered = problem.New(http.StatusConflict, "already_answered", "surveys.error.already_answered")
	ErrClosed          = problem.New(http.StatusConflict, "survey_closed", "surveys.error.closed")
	ErrNotParticipant  = problem.New(http.StatusForbidden, "not_participant", "surveys.error.not_participant")
)

func parseTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return nil
	}
	t = t.UTC()
	return &t
}

func mustTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t.UTC()
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return store.FormatTime(*t)
}

func titleArgs(m map[string]string) (string, string, string) { return m["ar"], m["en"], m["fr"] }

func titleOf(ar, en, fr string) map[string]string {
	out := map[string]string{}
	for l, v := range map[string]string{"ar": ar, "en": en, "fr": fr} {
		if v != "" {
			out[l] = v
		}
	}
	return out
}

// --- Templates ---

const templateCols = `id, kind, title_ar, title_en, title_fr, questions, created_at, updated_at`

func scanTemplate(r store.Scanner) (*Template, error) {
	var t Template
	var ar, en, fr, qs, created, updated string
	if err := r.Scan(&t.ID, &t.Kind, &ar, &en, &fr, &qs, &created, &updated); err != nil {
		return nil, err
	}
	t.Title = titleOf(ar, en, fr)
	if err := json.Unmarshal([]byte(qs), &t.Questions); err != nil {
		return nil, fmt.Errorf("surveys: template %d questions: %w", t.ID, err)
	}
	t.CreatedAt, t.UpdatedAt = mustTime(created), mustTime(updated)
	return &t, nil
}

// Templates lists the templates, newest first.
func (s *Service) Templates(ctx context.Context) ([]*Template, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+templateCols+` FROM survey_templates ORDER BY id DESC`)
	list, err := store.Collect(rows, err, scanTemplate)
	if err != nil {
		return nil, fmt.Errorf("surveys: list templates: %w", err)
	}
	return list, nil
}

// Template returns one template, or store.ErrNotFound.
func (s *Service) Template(ctx context.Context, id int64) (*Template, error) {
	t, err := scanTemplate(s.db.R.QueryRowContext(ctx, `SELECT `+templateCols+` FROM survey_templates WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("surveys: template %d: %w", id, err)
	}
	return t, nil
}

// CreateTemplate validates and stores a new template.
func (s *Service) CreateTemplate(ctx context.Context, actor audit.Actor, in Input) (*Template, error) {
	in, err := CheckInput(in)
	if err != nil {
		return nil, err
	}
	qs, err := json.Marshal(in.Questions)
	if err != nil {
		return nil, err
	}
	now := store.FormatTime(s.Now())
	ar, en, fr := titleArgs(in.Title)
	var by any
	if actor.ID != 0 {
		by = actor.ID
	}
	var id int64
	err = s.db.W.QueryRowContext(ctx, `INSERT INTO survey_templates(kind, title_ar, title_en, title_fr, questions, created_by, created_at, updated_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Kind, ar, en, fr, string(qs), by, now, now).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("surveys: create template: %w", err)
	}
	return s.Template(ctx, id)
}

// UpdateTemplate replaces a template's title and questions (its kind stays). Surveys already
// attached keep their own copy.
func (s *Service) UpdateTemplate(ctx context.Context, id int64, in Input) (*Template, error) {
	old, err := s.Template(ctx, id)
	if err != nil {
		return nil, err
	}
	in.Kind = old.Kind
	in, err = CheckInput(in)
	if err != nil {
		return nil, err
	}
	qs, err := json.Marshal(in.Questions)
	if err != nil {
		return nil, err
	}
	ar, en, fr := titleArgs(in.Title)
	if _, err := s.db.W.ExecContext(ctx, `UPDATE survey_templates SET title_ar = ?, title_en = ?, title_fr = ?, questions = ?, updated_at = ? WHERE id = ?`,
		ar, en, fr, string(qs), store.FormatTime(s.Now()), id); err != nil {
		return nil, fmt.Errorf("surveys: update template %d: %w", id, err)
	}
	return s.Template(ctx, id)
}

// --- A workshop's surveys ---

const surveyCols = `s.id, s.workshop_id, s.kind, s.template_id, s.title_ar, s.title_en, s.title_fr, s.questions, s.anonymous,
	s.certificate_gate, s.status, s.opens_at, s.closes_at, s.published_at, s.created_at,
	(SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id)`

func scanSurvey(r store.Scanner) (*Survey, error) {
	var sv Survey
	var tpl sql.NullInt64
	var ar, en, fr, qs, created string
	var anon, gate int
	var opens, closes, published sql.NullString
	if err := r.Scan(&sv.ID, &sv.WorkshopID, &sv.Kind, &tpl, &ar, &en, &fr, &qs, &anon, &gate, &sv.Status,
		&opens, &closes, &published, &created, &sv.Responses); err != nil {
		return nil, err
	}
	sv.TemplateID = tpl.Int64
	sv.Title = titleOf(ar, en, fr)
	if err := json.Unmarshal([]byte(qs), &sv.Questions); err != nil {
		return nil, fmt.Errorf("surveys: survey %d questions: %w", sv.ID, err)
	}
	sv.Anonymous, sv.CertificateGate = anon == 1, gate == 1
	sv.OpensAt, sv.ClosesAt, sv.PublishedAt = parseTime(opens), parseTime(closes), parseTime(published)
	sv.CreatedAt = mustTime(created)
	return &sv, nil
}

// kindOrder lists a workshop's surveys as they happen: pre-test, post-test, satisfaction.
const kindOrder = ` ORDER BY CASE s.kind WHEN 'pre_test' THEN 0 WHEN 'post_test' THEN 1 ELSE 2 END`

// Surveys lists a workshop's surveys.
func (s *Service) Surveys(ctx context.Context, workshopID int64) ([]*Survey, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+surveyCols+` FROM surveys s WHERE s.workshop_id = ?`+kindOrder, workshopID)
	list, err := store.Collect(rows, err, scanSurvey)
	if err != nil {
		return nil, fmt.Errorf("surveys: surveys of workshop %d: %w", workshopID, err)
	}
	return list, nil
}

// Survey returns one survey, or store.ErrNotFound.
func (s *Service) Survey(ctx context.Context, id int64) (*Survey, error) {
	return s.survey(ctx, s.db.R, id)
}

func (s *Service) survey(ctx context.Context, q store.Queryer, id int64) (*Survey, error) {
	sv, err := scanSurvey(q.QueryRowContext(ctx, `SELECT `+surveyCols+` FROM surveys s WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("surveys: survey %d: %w", id, err)
	}
	return sv, nil
}

// AttachInput is how staff attach a survey to a workshop.
type AttachInput struct {
	Kind            string     `json:"kind"`
	TemplateID      int64      `json:"template_id"`
	Anonymous       bool       `json:"anonymous"`
	CertificateGate bool       `json:"certificate_gate"`
	OpensAt         *time.Time `json:"opens_at"`
	ClosesAt        *time.Time `json:"closes_at"`
}

// Attach gives a workshop a survey of in.Kind, a copy of a template: a satisfaction template
// for the satisfaction survey, a test for the pre-test and the post-test. It starts as a draft.
func (s *Service) Attach(ctx context.Context, workshopID int64, in AttachInput) (*Survey, error) {
	f := problem.Fields{}
	if !contains(Kinds, in.Kind) {
		f.Add("kind", "surveys.error.kind")
	}
	var tpl *Template
	if in.TemplateID <= 0 {
		f.Add("template_id", "surveys.error.template_required")
	} else {
		t, err := s.Template(ctx, in.TemplateID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			f.Add("template_id", "surveys.error.template_required")
		case err != nil:
			return nil, err
		default:
			tpl = t
		}
	}
	if tpl != nil && in.Kind != "" {
		want := TemplateTest
		if in.Kind == KindSatisfaction {
			want = TemplateSatisfaction
		}
		if tpl.Kind != want {
			f.Add("template_id", "surveys.error.template_kind_"+want)
		} else if len(tpl.Questions) == 0 {
			f.Add("template_id", "surveys.error.template_empty")
		}
	}
	if in.CertificateGate && in.Kind != KindSatisfaction {
		f.Add("certificate_gate", "surveys.error.gate_satisfaction")
	}
	if in.OpensAt != nil && in.ClosesAt != nil && !in.OpensAt.Before(*in.ClosesAt) {
		f.Add("closes_at", "surveys.error.closes_before")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	qs, err := json.Marshal(tpl.Questions)
	if err != nil {
		return nil, err
	}
	ar, en, fr := titleArgs(tpl.Title)
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO surveys(workshop_id, kind, template_id, title_ar, title_en, title_fr, questions, anonymous,
			certificate_gate, status, opens_at, closes_at, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`,
			workshopID, in.Kind, tpl.ID, ar, en, fr, string(qs), b2i(in.Anonymous), b2i(in.CertificateGate),
			nullTime(in.OpensAt), nullTime(in.ClosesAt), store.FormatTime(s.Now())).Scan(&id)
	})
	if store.IsUniqueViolation(err) {
		return nil, ErrKindTaken
	}
	if err != nil {
		return nil, fmt.Errorf("surveys: attach %s to workshop %d: %w", in.Kind, workshopID, err)
	}
	return s.Survey(ctx, id)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Remove deletes a draft survey.
func (s *Service) Remove(ctx context.Context, id int64) error {
	res, err := s.db.W.ExecContext(ctx, `DELETE FROM surveys WHERE id = ? AND status = 'draft'`, id)
	if err != nil {
		return fmt.Errorf("surveys: remove %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Survey(ctx, id); err != nil {
			return err
		}
		return ErrNotDraft
	}
	return nil
}

// Publish opens a draft survey to the participants; the invitations follow (SendDue). The
// change is written to the audit log.
func (s *Service) Publish(ctx context.Context, actor audit.Actor, id int64) (*Survey, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		sv, err := s.survey(ctx, tx, id)
		if err != nil {
			return err
		}
		if sv.Status != StatusDraft {
			return ErrNotDraft
		}
		if len(sv.Questions) == 0 {
			return ErrNoQuestions
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'published', published_at = ? WHERE id = ?`, store.FormatTime(s.Now()), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "survey.publish", "workshop:"+strconv.FormatInt(sv.WorkshopID, 10), sv.Kind, StatusDraft, StatusPublished)
	})
	if err != nil {
		return nil, err
	}
	return s.Survey(ctx, id)
}

// --- Answering ---

// ClosesAt is when answers stop: the survey's own closing time, or for a pre-test without one
// the end of the workshop's first session (latecomers take it in the room); nil for never.
func ClosesAt(sv *Survey, w *workshops.Workshop) *time.Time {
	if sv.ClosesAt != nil {
		return sv.ClosesAt
	}
	if sv.Kind == KindPreTest {
		t := firstSessionEnd(w)
		return &t
	}
	return nil
}

func firstSessionEnd(w *workshops.Workshop) time.Time {
	var first *workshops.Session
	for i := range w.Sessions {
		if first == nil || w.Sessions[i].StartsAt.Before(first.StartsAt) {
			first = &w.Sessions[i]
		}
	}
	if first == nil {
		return w.Start().AddDate(0, 0, 1)
	}
	return first.EndsAt
}

// OpensAt is when answers start: the survey's own opening time, or for the satisfaction
// survey and the post-test without one the start of the workshop's last session (the last
// day's start without an agenda), so that they can be taken in the room at the close; nil
// for a pre-test without one (from publishing).
func OpensAt(sv *Survey, w *workshops.Workshop) *time.Time {
	if sv.OpensAt != nil || sv.Kind == KindPreTest {
		return sv.OpensAt
	}
	var last time.Time
	for _, x := range w.Sessions {
		if x.StartsAt.After(last) {
			last = x.StartsAt
		}
	}
	if last.IsZero() {
		last = w.End().AddDate(0, 0, -1)
	}
	return &last
}

// OpenAt reports whether sv takes answers at t.
func OpenAt(sv *Survey, w *workshops.Workshop, t time.Time) bool {
	if sv.Status != StatusPublished {
		return false
	}
	if o := OpensAt(sv, w); o != nil && t.Before(*o) {
		return false
	}
	if c := ClosesAt(sv, w); c != nil && !t.Before(*c) {
		return false
	}
	return true
}

// Participant reports whether an official holds a confirmed seat at the workshop: only they
// answer its surveys.
func (s *Service) Participant(ctx context.Context, workshopID, officialID int64) (bool, error) {
	r, err := s.workshops.RegistrationFor(ctx, workshopID, officialID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return r.Status == workshops.RegConfirmed, nil
}

// Answered reports whether an official has answered a survey.
func (s *Service) Answered(ctx context.Context, surveyID, officialID int64) (bool, error) {
	var one int
	err := s.db.R.QueryRowContext(ctx, `SELECT 1 FROM survey_respondents WHERE survey_id = ? AND official_id = ?`, surveyID, officialID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("surveys: answered %d: %w", surveyID, err)
	}
	return true, nil
}

// Answers are a participant's answers by question id: a rating's value ("4"), the chosen
// option ids, or the text.
type Answers map[string][]string

// CheckAnswers validates answers against the survey's questions; errors are keyed by the
// question's id. Every question but free text must be answered. It returns the answers kept
// (unknown questions dropped, text trimmed) and, for a test, the score in percent.
func CheckAnswers(sv *Survey, in Answers) (Answers, *float64, error) {
	f := problem.Fields{}
	out := Answers{}
	right := 0
	for _, q := range sv.Questions {
		vals := in[q.ID]
		switch q.Kind {
		case QRating:
			if len(vals) != 1 || vals[0] == "" {
				f.Add(q.ID, "surveys.error.answer_required")
				continue
			}
			n, err := strconv.Atoi(vals[0])
			if err != nil || n < RatingMin || n > RatingMax {
				f.Add(q.ID, "surveys.error.rating")
				continue
			}
			out[q.ID] = []string{strconv.Itoa(n)}
		case QSingle, QMultiple:
			seen := map[string]bool{}
			var chosen []string
			bad := false
			for _, v := range vals {
				if v == "" {
					continue
				}
				if !hasOption(q, v) {
					bad = true
					break
				}
				if !seen[v] {
					seen[v] = true
					chosen = append(chosen, v)
				}
			}
			switch {
			case bad:
				f.Add(q.ID, "surveys.error.option_unknown")
			case len(chosen) == 0:
				f.Add(q.ID, "surveys.error.answer_required")
			case q.Kind == QSingle && len(chosen) > 1:
				f.Add(q.ID, "surveys.error.one_option")
			default:
				out[q.ID] = chosen
				if isRight(q, seen) {
					right++
				}
			}
		case QText:
			t := ""
			if len(vals) > 0 {
				t = trimText(vals[0])
			}
			if len([]rune(t)) > MaxAnswerText {
				f.Add(q.ID, "surveys.error.answer_long")
				continue
			}
			if t != "" {
				out[q.ID] = []string{t}
			}
		}
	}
	if err := f.Err(); err != nil {
		return nil, nil, err
	}
	if !sv.IsTest() {
		return out, nil, nil
	}
	score := 0.0
	if len(sv.Questions) > 0 {
		score = float64(right) * 100 / float64(len(sv.Questions))
	}
	return out, &score, nil
}

func hasOption(q Question, id string) bool {
	for _, o := range q.Options {
		if o.ID == id {
			return true
		}
	}
	return false
}

// isRight: exactly the right options were chosen.
func isRight(q Question, chosen map[string]bool) bool {
	for _, o := range q.Options {
		if o.Correct != chosen[o.ID] {
			return false
		}
	}
	return true
}

// Respond records an official's answers to a published, open survey of a workshop where they
// hold a confirmed seat: once only. The person is written to survey_respondents; the response
// carries their id only when the survey is named.
func (s *Service) Respond(ctx context.Context, surveyID, officialID int64, in Answers) (*float64, error) {
	sv, err := s.Survey(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	if sv.Status != StatusPublished {
		return nil, store.ErrNotFound
	}
	w, err := s.workshops.Get(ctx, sv.WorkshopID)
	if err != nil {
		return nil, err
	}
	ok, err := s.Participant(ctx, sv.WorkshopID, officialID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotParticipant
	}
	if !OpenAt(sv, w, s.Now()) {
		return nil, ErrClosed
	}
	answers, score, err := CheckAnswers(sv, in)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	var who, pair any
	if !sv.Anonymous {
		who = officialID
	}
	if sv.IsTest() {
		pair = s.pairKey(sv.WorkshopID, officialID)
	}
	var sc any
	if score != nil {
		sc = *score
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO survey_respondents(survey_id, official_id) VALUES(?, ?) ON CONFLICT DO NOTHING`, sv.ID, officialID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrAlreadyAnswered
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO survey_responses(survey_id, official_id, pair_key, answers, score, submitted_on) VALUES(?, ?, ?, ?, ?, ?)`,
			sv.ID, who, pair, string(body), sc, s.Now().Format(answerDayFmt))
		return err
	})
	if err != nil {
		if _, ok := problem.As(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("surveys: respond to %d: %w", sv.ID, err)
	}
	if sv.CertificateGate {
		s.mu.Lock()
		hooks := append([]func(context.Context, int64, int64){}, s.answered...)
		s.mu.Unlock()
		for _, h := range hooks {
			h(ctx, sv.WorkshopID, officialID)
		}
	}
	return score, nil
}

// OnAnswered registers f, called after a participant answers a survey that gates the
// workshop's attendance certificates (so that theirs can be issued).
func (s *Service) OnAnswered(f func(ctx context.Context, workshopID, officialID int64)) {
	s.mu.Lock()
	s.answered = append(s.answered, f)
	s.mu.Unlock()
}

// Gate keeps, of the officials who earned the workshop's attendance certificate, those the
// certificate gate lets through: everyone, unless the workshop's published satisfaction
// survey has the gate on, in which case those who have answered it.
func (s *Service) Gate(ctx context.Context, workshopID int64, ids []int64) ([]int64, error) {
	var sid int64
	err := s.db.R.QueryRowContext(ctx, `SELECT id FROM surveys WHERE workshop_id = ? AND kind = 'satisfaction' AND certificate_gate = 1 AND status = 'published'`,
		workshopID).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return ids, nil
	}
	if err != nil {
		return nil, fmt.Errorf("surveys: gate of workshop %d: %w", workshopID, err)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT official_id FROM survey_respondents WHERE survey_id = ?`, sid)
	done := map[int64]bool{}
	err = store.Each(rows, err, func(r store.Scanner) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		done[id] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("surveys: respondents of %d: %w", sid, err)
	}
	out := []int64{}
	for _, id := range ids {
		if done[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// Pending lists the published surveys of the workshops where official holds a confirmed seat
// that are open now and that they have not answered.
func (s *Service) Pending(ctx context.Context, officialID int64) ([]*Survey, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+surveyCols+` FROM surveys s
		JOIN registrations g ON g.workshop_id = s.workshop_id AND g.official_id = ? AND g.status = 'confirmed'
		WHERE s.status = 'published' AND NOT EXISTS (SELECT 1 FROM survey_respondents p WHERE p.survey_id = s.id AND p.official_id = ?)
		ORDER BY s.workshop_id DESC, s.id`, officialID, officialID)
	list, err := store.Collect(rows, err, scanSurvey)
	if err != nil {
		return nil, fmt.Errorf("surveys: pending for %d: %w", officialID, err)
	}
	now := s.Now()
	out := []*Survey{}
	for _, sv := range list {
		w, err := s.workshops.Get(ctx, sv.WorkshopID)
		if err != nil {
			return nil, err
		}
		if OpenAt(sv, w, now) {
			out = append(out, sv)
		}
	}
	return out, nil
}

func trimText(s string) string {
	// Keep the lines as typed; drop surrounding space and invalid bytes.
	b := []rune(s)
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return string(b[i:j])
}

func isSpace(r rune) bool { return r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '\u00a0' }

// EraseTx, inside an account's erasure, unlinks the person from their survey answers: a named
// survey's responses stay in the figures as if anonymous, and the records of who answered and
// who was mailed are deleted.
func (s *Service) EraseTx(ctx context.Context, tx *sql.Tx, p officials.Erased) error {
	for _, q := range []string{
		`UPDATE survey_responses SET official_id = NULL WHERE official_id = ?`,
		`DELETE FROM survey_respondents WHERE official_id = ?`,
		`DELETE FROM survey_mails WHERE official_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, p.ID); err != nil {
			return fmt.Errorf("surveys: erase %d: %w", p.ID, err)
		}
	}
	return nil
}

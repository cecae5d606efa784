package workshops

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Registration questions: what a workshop asks of its applicants and of the delegates a
// focal point nominates, besides the motivation. Answers are written with the registration,
// in its transaction, keyed by the question's id. A question keeps its id for good: editing
// its labels never touches the answers; once answered, its kind is fixed and a choice's
// options may be relabelled and added but not removed (an answer keeps its option's key);
// deleting an answered question archives it — no longer asked, its answers still shown and
// exported.

// Kinds of question.
const (
	QuestionText   = "text"
	QuestionChoice = "choice"
	QuestionYesNo  = "yesno"
	QuestionDate   = "date"
	QuestionFile   = "file"
)

// QuestionKinds lists every kind of question.
var QuestionKinds = []string{QuestionText, QuestionChoice, QuestionYesNo, QuestionDate, QuestionFile}

// Purposes of a question: what other features look an answer up by.
const (
	PurposePassportName  = "passport_name"
	PurposeVisaNeeded    = "visa_needed"
	PurposeArrivalDate   = "arrival_date"
	PurposeDepartureDate = "departure_date"
	PurposeDietary       = "dietary"
	PurposeAccessibility = "accessibility"
)

// Purposes lists every purpose a question may have.
var Purposes = []string{PurposePassportName, PurposeVisaNeeded, PurposeArrivalDate, PurposeDepartureDate, PurposeDietary, PurposeAccessibility}

// purposeKinds are the kinds of question that may serve each purpose.
var purposeKinds = map[string][]string{
	PurposePassportName:  {QuestionText},
	PurposeVisaNeeded:    {QuestionYesNo},
	PurposeArrivalDate:   {QuestionDate},
	PurposeDepartureDate: {QuestionDate},
	PurposeDietary:       {QuestionText, QuestionChoice},
	PurposeAccessibility: {QuestionText, QuestionChoice},
}

// Limits of questions and answers.
const (
	MaxQuestionLabel    = 300
	MaxQuestionOptions  = 30
	MaxQuestions        = 30
	MaxAnswerText       = 500
	MaxAnswerFileBytes  = 5 << 20
	maxOptionLabelRunes = 200
)

// Errors of questions and answers.
var (
	ErrAnswerFileTooLarge = problem.New(http.StatusRequestEntityTooLarge, "too_large", "workshops.questions.error.file_too_large", "mb", MaxAnswerFileBytes>>20)
	ErrTooManyQuestions   = problem.New(http.StatusConflict, "too_many_questions", "workshops.questions.error.too_many", "max", MaxQuestions)
)

// Option is one choice of a choice question. Key never changes once given.
type Option struct {
	Key   string            `json:"key"`
	Label map[string]string `json:"label"`
}

// LabelIn is the option's label in lang, else in Arabic.
func (o Option) LabelIn(lang string) string { return textIn(o.Label, lang) }

func textIn(m map[string]string, lang string) string {
	if v := m[lang]; v != "" {
		return v
	}
	return m["ar"]
}

// Question is one registration question of a workshop.
type Question struct {
	ID         int64             `json:"id"`
	WorkshopID int64             `json:"workshop_id"`
	Kind       string            `json:"kind"`
	Label      map[string]string `json:"label"`
	Options    []Option          `json:"options"`
	Required   bool              `json:"required"`
	Position   int               `json:"position"`
	Purpose    string            `json:"purpose"`
	Archived   bool              `json:"archived"`
	Answered   int               `json:"answered"` // how many registrations answered it
}

// LabelIn is the question's label in lang, else in Arabic.
func (q *Question) LabelIn(lang string) string { return textIn(q.Label, lang) }

// Field is the name of the question's field in forms and in error reports: "q12".
func (q *Question) Field() string { return "q" + strconv.FormatInt(q.ID, 10) }

// option is the option of key, if any.
func (q *Question) option(key string) (Option, bool) {
	for _, o := range q.Options {
		if o.Key == key {
			return o, true
		}
	}
	return Option{}, false
}

// QuestionInput is a question as staff write it. Options are the choices of a choice
// question in order, each by language; the first ones keep the keys of the options already
// there.
type QuestionInput struct {
	Kind     string              `json:"kind"`
	Label    map[string]string   `json:"label"`
	Options  []map[string]string `json:"options"`
	Required bool                `json:"required"`
	Position int                 `json:"position"`
	Purpose  string              `json:"purpose"`
}

// ParseOptionLines reads the options of a choice question as the staff's form has them: one
// option a line, its labels in Arabic, English and French separated by "|".
func ParseOptionLines(s string) []map[string]string {
	var out []map[string]string
	for _, ln := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(ln) == "" {
			continue
		}
		parts := strings.Split(ln, "|")
		m := map[string]string{}
		for i, l := range []string{"ar", "en", "fr"} {
			if i < len(parts) {
				if v := line(parts[i]); v != "" {
					m[l] = v
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// OptionLines writes options as ParseOptionLines reads them.
func OptionLines(opts []map[string]string) string {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(strings.TrimRight(o["ar"]+" | "+o["en"]+" | "+o["fr"], " |"))
		b.WriteString("\n")
	}
	return b.String()
}

// InputOf is a question as its form shows it for editing.
func InputOf(q *Question) QuestionInput {
	in := QuestionInput{Kind: q.Kind, Label: q.Label, Required: q.Required, Position: q.Position, Purpose: q.Purpose}
	for _, o := range q.Options {
		in.Options = append(in.Options, o.Label)
	}
	return in
}

// clean tidies the typed values and checks them.
func (in *QuestionInput) clean() problem.Fields {
	f := problem.Fields{}
	label := map[string]string{}
	for _, l := range i18n.Langs {
		v := line(in.Label[l])
		switch {
		case utf8.RuneCountInString(v) > MaxQuestionLabel:
			f.Add("label_"+l, "field.too_long")
		case hasControl(v, false):
			f.Add("label_"+l, "field.control")
		}
		if v != "" {
			label[l] = v
		}
	}
	in.Label = label
	if label["ar"] == "" {
		f.Add("label_ar", "field.required")
	}
	if !slices.Contains(QuestionKinds, in.Kind) {
		f.Add("kind", "field.choose")
	}
	if in.Purpose != "" && !slices.Contains(Purposes, in.Purpose) {
		f.Add("purpose", "field.choose")
	} else if in.Purpose != "" && !slices.Contains(purposeKinds[in.Purpose], in.Kind) {
		f.Add("purpose", "workshops.questions.error.purpose_kind")
	}
	if in.Position < 0 || in.Position > 1000 {
		f.Add("position", "field.invalid")
	}
	if in.Kind != QuestionChoice {
		in.Options = nil
		return f
	}
	var opts []map[string]string
	for _, o := range in.Options {
		m := map[string]string{}
		for _, l := range i18n.Langs {
			v := line(o[l])
			if utf8.RuneCountInString(v) > maxOptionLabelRunes || hasControl(v, false) {
				f.Add("options", "workshops.questions.error.options")
			}
			if v != "" {
				m[l] = v
			}
		}
		if len(m) == 0 {
			continue
		}
		if m["ar"] == "" {
			f.Add("options", "workshops.questions.error.option_ar")
		}
		opts = append(opts, m)
	}
	in.Options = opts
	if len(opts) < 2 || len(opts) > MaxQuestionOptions {
		f.Add("options", "workshops.questions.error.options")
	}
	return f
}

const questionCols = `q.id, q.workshop_id, q.kind, q.label_ar, q.label_en, q.label_fr, q.options, q.required, q.position, q.purpose,
	q.archived_at, (SELECT count(*) FROM registration_answers a WHERE a.question_id = q.id)`

func scanQuestion(row store.Scanner) (*Question, error) {
	var q Question
	var ar, en, fr, opts string
	var required int
	var archived sql.NullString
	if err := row.Scan(&q.ID, &q.WorkshopID, &q.Kind, &ar, &en, &fr, &opts, &required, &q.Position, &q.Purpose, &archived, &q.Answered); err != nil {
		return nil, err
	}
	q.Label = map[string]string{}
	for l, v := range map[string]string{"ar": ar, "en": en, "fr": fr} {
		if v != "" {
			q.Label[l] = v
		}
	}
	q.Options = []Option{}
	if err := json.Unmarshal([]byte(opts), &q.Options); err != nil {
		return nil, fmt.Errorf("options of question %d: %w", q.ID, err)
	}
	q.Required, q.Archived = required == 1, archived.Valid
	return &q, nil
}

// Questions lists workshop wid's questions in their order; archived ones too with all.
func (s *Service) Questions(ctx context.Context, wid int64, all bool) ([]*Question, error) {
	return s.questions(ctx, s.db.R, wid, all)
}

func (s *Service) questions(ctx context.Context, q store.Queryer, wid int64, all bool) ([]*Question, error) {
	query := "SELECT " + questionCols + " FROM workshop_questions q WHERE q.workshop_id = ?"
	if !all {
		query += " AND q.archived_at IS NULL"
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY q.archived_at IS NOT NULL, q.position, q.id", wid)
	out, err := store.Collect(rows, err, scanQuestion)
	if err != nil {
		return nil, fmt.Errorf("workshops: questions of %d: %w", wid, err)
	}
	if out == nil {
		out = []*Question{}
	}
	return out, nil
}

// Question returns question qid of workshop wid (archived ones included).
func (s *Service) Question(ctx context.Context, wid, qid int64) (*Question, error) {
	return s.question(ctx, s.db.R, wid, qid)
}

func (s *Service) question(ctx context.Context, q store.Queryer, wid, qid int64) (*Question, error) {
	out, err := scanQuestion(q.QueryRowContext(ctx, "SELECT "+questionCols+" FROM workshop_questions q WHERE q.id = ? AND q.workshop_id = ?", qid, wid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("workshops: question %d: %w", qid, err)
	}
	return out, nil
}

func questionSubject(id int64) string { return "question:" + strconv.FormatInt(id, 10) }

// SaveQuestion adds a question to workshop wid (qid 0) or changes question qid, for staff.
// An answered question keeps its kind, and a choice keeps at least the options it had.
func (s *Service) SaveQuestion(ctx context.Context, who *officials.Official, wid, qid int64, in QuestionInput) (*Question, error) {
	if who == nil || !who.IsStaff() {
		return nil, problem.Forbidden
	}
	if f := in.clean(); len(f) > 0 {
		return nil, f.Err()
	}
	actor := audit.Actor{ID: who.ID, Email: who.Email}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockWorkshop(ctx, tx, wid); err != nil {
			return err
		}
		if _, err := s.bare(ctx, tx, wid); err != nil {
			return err
		}
		var old *Question
		if qid != 0 {
			var err error
			if old, err = s.question(ctx, tx, wid, qid); err != nil {
				return err
			}
			if old.Archived {
				return problem.NotFound
			}
			if old.Answered > 0 && old.Kind != in.Kind {
				return fieldsErr("kind", "workshops.questions.error.kind_locked")
			}
			if old.Answered > 0 && in.Kind == QuestionChoice && len(in.Options) < len(old.Options) {
				return fieldsErr("options", "workshops.questions.error.options_locked")
			}
		} else {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM workshop_questions WHERE workshop_id = ? AND archived_at IS NULL", wid).Scan(&n); err != nil {
				return fmt.Errorf("workshops: count questions: %w", err)
			}
			if n >= MaxQuestions {
				return ErrTooManyQuestions
			}
		}
		if in.Purpose != "" {
			var other int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM workshop_questions WHERE workshop_id = ? AND purpose = ? AND archived_at IS NULL AND id <> ?",
				wid, in.Purpose, qid).Scan(&other)
			if err == nil {
				return fieldsErr("purpose", "workshops.questions.error.purpose_taken")
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("workshops: question purpose: %w", err)
			}
		}
		opts := []Option{}
		next := 1
		if old != nil {
			for _, o := range old.Options {
				if n, err := strconv.Atoi(o.Key); err == nil && n >= next {
					next = n + 1
				}
			}
		}
		for i, m := range in.Options {
			key := ""
			if old != nil && i < len(old.Options) {
				key = old.Options[i].Key
			} else {
				key = strconv.Itoa(next)
				next++
			}
			opts = append(opts, Option{Key: key, Label: m})
		}
		js, err := json.Marshal(opts)
		if err != nil {
			return err
		}
		now := s.stamp()
		req := 0
		if in.Required {
			req = 1
		}
		from := ""
		if old == nil {
			err = tx.QueryRowContext(ctx, `INSERT INTO workshop_questions(workshop_id, kind, label_ar, label_en, label_fr, options, required,
				position, purpose, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				wid, in.Kind, in.Label["ar"], in.Label["en"], in.Label["fr"], string(js), req, in.Position, in.Purpose, now, now).Scan(&qid)
		} else {
			from = old.Label["ar"]
			_, err = tx.ExecContext(ctx, `UPDATE workshop_questions SET kind = ?, label_ar = ?, label_en = ?, label_fr = ?, options = ?,
				required = ?, position = ?, purpose = ?, updated_at = ? WHERE id = ?`,
				in.Kind, in.Label["ar"], in.Label["en"], in.Label["fr"], string(js), req, in.Position, in.Purpose, now, qid)
		}
		if err != nil {
			return fmt.Errorf("workshops: save question: %w", err)
		}
		return audit.Record(ctx, tx, actor, "workshop.question", subject(wid), questionSubject(qid), from, in.Label["ar"])
	})
	if err != nil {
		return nil, err
	}
	return s.Question(ctx, wid, qid)
}

// DeleteQuestion removes question qid of workshop wid, for staff: one nobody answered is
// deleted; an answered one is archived (no longer asked; its answers stay, shown and
// exported). It reports whether the question was archived rather than deleted.
func (s *Service) DeleteQuestion(ctx context.Context, who *officials.Official, wid, qid int64) (bool, error) {
	if who == nil || !who.IsStaff() {
		return false, problem.Forbidden
	}
	archived := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockWorkshop(ctx, tx, wid); err != nil {
			return err
		}
		q, err := s.question(ctx, tx, wid, qid)
		if err != nil {
			return err
		}
		if q.Archived {
			return problem.NotFound
		}
		action := "deleted"
		if q.Answered > 0 {
			archived, action = true, "archived"
			_, err = tx.ExecContext(ctx, "UPDATE workshop_questions SET archived_at = ?, updated_at = ? WHERE id = ?", s.stamp(), s.stamp(), qid)
		} else {
			_, err = tx.ExecContext(ctx, "DELETE FROM workshop_questions WHERE id = ?", qid)
		}
		if err != nil {
			return fmt.Errorf("workshops: delete question %d: %w", qid, err)
		}
		return audit.Record(ctx, tx, audit.Actor{ID: who.ID, Email: who.Email}, "workshop.question", subject(wid), questionSubject(qid), q.Label["ar"], action)
	})
	return archived, err
}

// Answer is a registration's answer to one question. Value is the text, the option's key,
// yes or no, a date (YYYY-MM-DD), or a file's name.
type Answer struct {
	QuestionID int64  `json:"question_id"`
	Kind       string `json:"kind"`
	Purpose    string `json:"purpose,omitempty"`
	Value      string `json:"value"`
	FileType   string `json:"file_type,omitempty"`
	FileSize   int    `json:"file_size,omitempty"`
}

// AnswerFile is an answer's uploaded file.
type AnswerFile struct {
	Name, Type string
	Data       []byte
}

// AnswerInput is what was typed or uploaded for one question.
type AnswerInput struct {
	Value    string
	Filename string
	Data     []byte // a file question's upload
}

// Answers are the answers sent with a registration, by question id; Lang is the language of
// the messages that name the questions at fault.
type Answers struct {
	Lang   string
	Values map[int64]AnswerInput
}

type checkedAnswer struct {
	q     *Question
	value string
	ftype string
	data  []byte
}

// fileType is the type of an answer's file by its content: PDF, JPEG or PNG, else "".
func fileType(data []byte) string {
	if IsPDF(data) {
		return "application/pdf"
	}
	switch t := http.DetectContentType(data); t {
	case "image/jpeg", "image/png":
		return t
	}
	return ""
}

// checkAnswers checks answers against the workshop's live questions qs. The error names,
// in ans.Lang, the questions left unanswered (or else answered wrongly); fields holds other
// fields' problems (the motivation) to report with them.
func (s *Service) checkAnswers(qs []*Question, ans Answers, fields problem.Fields) ([]checkedAnswer, error) {
	lang := langOr(ans.Lang)
	f := problem.Fields{}
	var missing, wrong []string
	var out []checkedAnswer
	live := map[int64]bool{}
	for _, q := range qs {
		live[q.ID] = true
		in := ans.Values[q.ID]
		c := checkedAnswer{q: q}
		bad := func(key string) {
			f.Add(q.Field(), key)
			wrong = append(wrong, q.LabelIn(lang))
		}
		switch q.Kind {
		case QuestionFile:
			if len(in.Data) > MaxAnswerFileBytes {
				bad("workshops.questions.error.file_too_large")
				continue
			}
			if len(in.Data) > 0 {
				if c.ftype = fileType(in.Data); c.ftype == "" {
					bad("workshops.questions.error.file_type")
					continue
				}
				c.value, c.data = answerFilename(in.Filename, c.ftype), in.Data
			}
		case QuestionText:
			c.value = para(in.Value)
			if utf8.RuneCountInString(c.value) > MaxAnswerText {
				bad("field.too_long")
				continue
			}
			if hasControl(c.value, true) {
				bad("field.control")
				continue
			}
		default:
			c.value = strings.TrimSpace(in.Value)
		}
		if c.value == "" {
			if q.Required {
				f.Add(q.Field(), "workshops.questions.error.required")
				missing = append(missing, q.LabelIn(lang))
			}
			continue
		}
		switch q.Kind {
		case QuestionChoice:
			if _, ok := q.option(c.value); !ok {
				bad("workshops.questions.error.choice")
				continue
			}
		case QuestionYesNo:
			if c.value != "yes" && c.value != "no" {
				bad("workshops.questions.error.yesno")
				continue
			}
		case QuestionDate:
			d, err := time.Parse(DateLayout, c.value)
			if err != nil || d.Year() < 1900 || d.Year() > 2200 {
				bad("workshops.questions.error.date")
				continue
			}
		}
		out = append(out, c)
	}
	for id := range ans.Values {
		if !live[id] {
			f.Add("q"+strconv.FormatInt(id, 10), "workshops.questions.error.unknown")
			wrong = append(wrong, "#"+strconv.FormatInt(id, 10))
		}
	}
	if len(f) == 0 {
		if len(fields) > 0 {
			return nil, fields.Err()
		}
		return out, nil
	}
	for k, v := range fields {
		f.Add(k, v)
	}
	key, names := "workshops.questions.error.missing", missing
	if len(missing) == 0 {
		key, names = "workshops.questions.error.invalid", wrong
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = s.cat.T(lang, "workshops.questions.quoted", "label", n)
	}
	sep := ", "
	if lang == "ar" {
		sep = "، "
	}
	return nil, &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation", Key: key,
		Args: []any{"questions", strings.Join(quoted, sep)}, Fields: f}
}

// answerFilename is the stored name of an answer's file: its base name, cleaned as a
// nomination letter's, with the extension of its type.
func answerFilename(name, ftype string) string {
	ext := map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[ftype]
	n := strings.TrimSuffix(cleanFilename(name), ".pdf")
	if low := strings.ToLower(n); strings.HasSuffix(low, ".jpg") || strings.HasSuffix(low, ".jpeg") || strings.HasSuffix(low, ".png") {
		n = n[:strings.LastIndex(n, ".")]
	}
	if n == "" || n == "letter" {
		n = "answer"
	}
	return n + ext
}

// checkWorkshopAnswers reads the live questions of workshop wid and checks ans against them.
func (s *Service) checkWorkshopAnswers(ctx context.Context, wid int64, ans Answers, fields problem.Fields) ([]checkedAnswer, error) {
	qs, err := s.Questions(ctx, wid, false)
	if err != nil {
		return nil, err
	}
	return s.checkAnswers(qs, ans, fields)
}

// saveAnswers writes registration r's answers inside tx, in place of any it had (a
// registration reopened after a withdrawal is answered afresh; one just inserted has none).
func (s *Service) saveAnswers(ctx context.Context, tx *sql.Tx, r *Registration, answers []checkedAnswer) error {
	rid := r.ID
	if !r.inserted {
		if _, err := tx.ExecContext(ctx, "DELETE FROM registration_answers WHERE registration_id = ?", rid); err != nil {
			return fmt.Errorf("workshops: answers of %d: %w", rid, err)
		}
	}
	now := s.stamp()
	for _, a := range answers {
		var data any
		if a.data != nil {
			data = a.data
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO registration_answers(registration_id, question_id, value, file_type, file_size, file_data, answered_at)
			VALUES(?, ?, ?, ?, ?, ?, ?)`, rid, a.q.ID, a.value, a.ftype, len(a.data), data, now); err != nil {
			return fmt.Errorf("workshops: answer of %d: %w", rid, err)
		}
	}
	return nil
}

// fillAnswers sets the answers of regs (all of workshop wid).
func (s *Service) fillAnswers(ctx context.Context, q store.Queryer, wid int64, regs []*Registration) error {
	if len(regs) == 0 {
		return nil
	}
	byID := map[int64]*Registration{}
	for _, r := range regs {
		r.Answers = []Answer{}
		byID[r.ID] = r
	}
	query := `SELECT a.registration_id, a.question_id, q.kind, q.purpose, a.value, a.file_type, a.file_size
		FROM registration_answers a JOIN workshop_questions q ON q.id = a.question_id JOIN registrations r ON r.id = a.registration_id
		WHERE r.workshop_id = ?`
	args := []any{wid}
	if len(regs) == 1 {
		query += " AND a.registration_id = ?"
		args = append(args, regs[0].ID)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY q.position, q.id", args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var rid int64
		var a Answer
		if err := row.Scan(&rid, &a.QuestionID, &a.Kind, &a.Purpose, &a.Value, &a.FileType, &a.FileSize); err != nil {
			return err
		}
		if r := byID[rid]; r != nil {
			r.Answers = append(r.Answers, a)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("workshops: answers of workshop %d: %w", wid, err)
	}
	return nil
}

// AnswerTo is r's answer to question qid, if any.
func (r *Registration) AnswerTo(qid int64) (Answer, bool) {
	for _, a := range r.Answers {
		if a.QuestionID == qid {
			return a, true
		}
	}
	return Answer{}, false
}

// AnswerFor is r's answer to the question of purpose, if any.
func (r *Registration) AnswerFor(purpose string) (Answer, bool) {
	for _, a := range r.Answers {
		if a.Purpose == purpose {
			return a, true
		}
	}
	return Answer{}, false
}

// AnswerText is an answer as people read it in lang: a choice's label, yes or no in words,
// a date written out, a file's name.
func (s *Service) AnswerText(q *Question, a Answer, lang string) string {
	switch q.Kind {
	case QuestionChoice:
		if o, ok := q.option(a.Value); ok {
			return o.LabelIn(lang)
		}
	case QuestionYesNo:
		if a.Value == "yes" || a.Value == "no" {
			return s.cat.T(lang, "workshops.questions.answer."+a.Value)
		}
	case QuestionDate:
		if d, err := time.Parse(DateLayout, a.Value); err == nil {
			return i18n.FormatDate(lang, d)
		}
	}
	return a.Value
}

// AnswerFileOf returns the file answering question qid of registration rid, for who: staff,
// the person and their country's focal point (not trainers: answers may be private).
func (s *Service) AnswerFileOf(ctx context.Context, who *officials.Official, rid, qid int64) (*AnswerFile, error) {
	r, err := s.Registration(ctx, rid)
	if err != nil {
		return nil, err
	}
	if !CanSeeAnswers(who, r) {
		return nil, problem.NotFound
	}
	var f AnswerFile
	var data []byte
	err = s.db.R.QueryRowContext(ctx, "SELECT value, file_type, file_data FROM registration_answers WHERE registration_id = ? AND question_id = ? AND file_data IS NOT NULL",
		rid, qid).Scan(&f.Name, &f.Type, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("workshops: answer file: %w", err)
	}
	f.Data = data
	return &f, nil
}

// CanSeeAnswers reports whether who may read r's answers: staff, the person and their
// country's focal point. Trainers, who see the list of participants, do not: passport names
// and needs are the programme's to handle.
func CanSeeAnswers(who *officials.Official, r *Registration) bool {
	return who != nil && (who.IsStaff() || r.OfficialID == who.ID || (who.IsFocalPoint() && r.Country == who.Country))
}

// answersOf is the answers as a registration shows them once written.
func answersOf(checked []checkedAnswer) []Answer {
	out := []Answer{}
	for _, c := range checked {
		out = append(out, Answer{QuestionID: c.q.ID, Kind: c.q.Kind, Purpose: c.q.Purpose, Value: c.value, FileType: c.ftype, FileSize: len(c.data)})
	}
	return out
}

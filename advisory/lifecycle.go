package advisory

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// The lifecycle a commission runs a request through, besides its states: the ministry's
// letter (with the request), the assessment (under review), the terms of reference agreed
// with the country (tor.go), missions and deliverables (missions.go), the closing report, and
// the follow-up survey some months after completion. Every step is recorded as an event of
// the request's timeline and in the audit log.

// Limits of the lifecycle's texts.
const (
	MaxReference   = 100  // the letter's reference number
	MaxSummary     = 5000 // a closing report's or terms of reference's summary
	MaxAgenda      = 5000 // a mission's agenda
	MaxMissionTeam = 1000 // a mission's team, one name a line
	MaxTitle       = 200  // a deliverable's title, a mission's city, a signatory's name or title
	// DefaultFollowUpMonths is how long after completion the country is asked how the support
	// served it, unless configured otherwise (SetFollowUpMonths).
	DefaultFollowUpMonths = 6
	// MaxDueYears bounds a deliverable's due date and a mission's dates: no later than this
	// many years from today.
	MaxDueYears = 3
)

// LetterInput is the ministry's official letter that a request is submitted with: its
// reference number, date, who signed it (name and title) and the scanned letter (PDF, DOCX
// or XLSX, checked by content). It is required to submit.
type LetterInput struct {
	Reference      string `json:"reference"`
	Date           string `json:"date"` // YYYY-MM-DD, not in the future
	SignatoryName  string `json:"signatory_name"`
	SignatoryTitle string `json:"signatory_title"`
	File           *File  `json:"-"`
}

// Letter is a request's official letter as recorded.
type Letter struct {
	Reference      string  `json:"reference"`
	Date           string  `json:"date"`
	SignatoryName  string  `json:"signatory_name"`
	SignatoryTitle string  `json:"signatory_title"`
	File           FileRef `json:"file"`
}

// FileRef names one of the lifecycle's stored files (read with OpenFile).
type FileRef struct {
	ID       int64  `json:"id"`
	Filename string `json:"filename"`
	Kind     string `json:"kind"`
	Size     int    `json:"size"`
}

// clean trims the letter's typed values.
func (l *LetterInput) clean() {
	l.Reference = cleanLine(l.Reference)
	l.Date = strings.TrimSpace(l.Date)
	l.SignatoryName = cleanLine(l.SignatoryName)
	l.SignatoryTitle = cleanLine(l.SignatoryTitle)
}

// validate adds the letter's problems to f, under the fields letter_reference, letter_date,
// letter_signatory_name, letter_signatory_title and letter_file. today bounds the date: a
// letter is not dated in the future.
func (l *LetterInput) validate(f problem.Fields, today string) {
	textProblem(f, "letter_reference", l.Reference, MaxReference, true)
	switch {
	case l.Date == "":
		f.Add("letter_date", "field.required")
	case !validDate(l.Date):
		f.Add("letter_date", "advisory.field.date.invalid")
	case l.Date > today:
		f.Add("letter_date", "advisory.field.letter_date.future")
	}
	textProblem(f, "letter_signatory_name", l.SignatoryName, MaxTitle, true)
	textProblem(f, "letter_signatory_title", l.SignatoryTitle, MaxTitle, true)
	if l.File == nil || (len(l.File.Data) == 0 && l.File.Name == "") {
		f.Add("letter_file", "advisory.field.letter_file.required")
	}
}

// checkOne checks one step's file; field names the form field a refusal is reported on.
func checkOne(file *File, field string) (checked, error) {
	if file == nil || (len(file.Data) == 0 && file.Name == "") {
		return checked{}, problem.Fields{field: "advisory.file.none"}.Err()
	}
	name, kind, err := CheckFile(file.Name, file.Data)
	if err != nil {
		if p, ok := problem.As(err); ok && p.Fields != nil {
			p2 := *p
			p2.Fields = map[string]string{field: p.Fields["attachments"]}
			return checked{}, &p2
		}
		return checked{}, err
	}
	sum := sha256.Sum256(file.Data)
	return checked{name: name, kind: kind, sum: hex.EncodeToString(sum[:]), data: file.Data}, nil
}

// insertFile stores one step's file and returns its id.
func insertFile(ctx context.Context, tx *sql.Tx, requestID, by int64, purpose string, f checked, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO advisory_files(request_id, purpose, filename, kind, size, sha256, data, uploaded_by, created_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, requestID, purpose, f.name, f.kind, len(f.data), f.sum, f.data, by, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("advisory: store %s file of %d: %w", purpose, requestID, err)
	}
	return id, nil
}

// insertLetter records the letter of a new request, inside Create's transaction.
func insertLetter(ctx context.Context, tx *sql.Tx, id, by int64, l LetterInput, f checked, now string) error {
	fid, err := insertFile(ctx, tx, id, by, "letter", f, now)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO advisory_letters(request_id, reference, letter_date, signatory_name, signatory_title, file_id)
		VALUES(?, ?, ?, ?, ?, ?)`, id, l.Reference, l.Date, l.SignatoryName, l.SignatoryTitle, fid); err != nil {
		return fmt.Errorf("advisory: letter of %d: %w", id, err)
	}
	return nil
}

// recordLetter puts the letter on the request's timeline, with its reference.
func recordLetter(ctx context.Context, tx *sql.Tx, u *officials.Official, id int64, l LetterInput) error {
	return event(ctx, tx, u, id, EventLetter, l.Reference, 0, false)
}

// fileRef reads a stored file's name, kind and size.
func fileRef(ctx context.Context, q store.Queryer, id int64) (FileRef, error) {
	r := FileRef{ID: id}
	err := q.QueryRowContext(ctx, "SELECT filename, kind, size FROM advisory_files WHERE id = ?", id).Scan(&r.Filename, &r.Kind, &r.Size)
	if err != nil {
		return r, fmt.Errorf("advisory: file %d: %w", id, err)
	}
	return r, nil
}

// LetterOf returns request id's official letter, or nil for a request made before letters
// were asked for.
func (s *Service) LetterOf(ctx context.Context, u *officials.Official, id int64) (*Letter, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	var l Letter
	err := s.db.R.QueryRowContext(ctx, `SELECT reference, letter_date, signatory_name, signatory_title, file_id
		FROM advisory_letters WHERE request_id = ?`, id).Scan(&l.Reference, &l.Date, &l.SignatoryName, &l.SignatoryTitle, &l.File.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("advisory: letter of %d: %w", id, err)
	}
	if l.File, err = fileRef(ctx, s.db.R, l.File.ID); err != nil {
		return nil, err
	}
	return &l, nil
}

// OpenFile returns one of request id's lifecycle files with its content, if u may see the
// request.
func (s *Service) OpenFile(ctx context.Context, u *officials.Official, id, fid int64) (*Attachment, []byte, error) {
	return s.openStored(ctx, u, "advisory_files", id, fid)
}

// The kinds of event of the timeline besides changes of state.
const (
	EventLetter            = "letter"
	EventTorProposed       = "tor_proposed"
	EventTorAgreed         = "tor_agreed"
	EventTorChanges        = "tor_changes_requested"
	EventMission           = "mission"
	EventDeliverable       = "deliverable"
	EventDeliverableStatus = "deliverable_status"
	EventClosingReport     = "closing_report"
	EventFollowUpSent      = "followup_sent"
	EventFollowUpAnswered  = "followup_answered"
	EventTags              = "tags"
)

// StepKinds lists the kinds of a timeline's steps: "status" (a change of state), "note" (an
// internal note, staff only) and the lifecycle's events.
var StepKinds = []string{"status", "note", EventLetter, EventTorProposed, EventTorAgreed, EventTorChanges, EventMission, EventDeliverable,
	EventDeliverableStatus, EventClosingReport, EventFollowUpSent, EventFollowUpAnswered, EventTags}

// event records one step of request id's timeline and the audit log, inside tx.
func event(ctx context.Context, tx *sql.Tx, u *officials.Official, id int64, kind, detail string, ref int64, staffOnly bool) error {
	var actor any
	if u != nil {
		actor = u.ID
	}
	var refv any
	if ref != 0 {
		refv = ref
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO advisory_events(request_id, kind, detail, ref_id, staff_only, actor_id, at)
		VALUES(?, ?, ?, ?, ?, ?, ?)`, id, kind, detail, refv, staffOnly, actor, store.Now()); err != nil {
		return fmt.Errorf("advisory: event %s of %d: %w", kind, id, err)
	}
	a := audit.Actor{Email: "system"}
	if u != nil {
		a = actorOf(u)
	}
	return audit.Record(ctx, tx, a, "advisory."+kind, subjectOf(id), kind, "", detail)
}

// Step is one entry of a request's timeline: a change of state (Kind "status", To the new
// state, Reason why) or a step of the lifecycle (Kind one of the Event* codes, Detail what it
// concerns: a version, a title, a city and dates, a rating), or — for staff only — an
// internal note (Kind "note").
type Step struct {
	Kind      string    `json:"kind"`
	To        string    `json:"to,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	Ref       int64     `json:"ref,omitempty"`
	StaffOnly bool      `json:"staff_only"`
	Actor     Person    `json:"actor"`
	At        time.Time `json:"at"`
}

// Timeline lists every step of request id that u may see, oldest first: the changes of
// state, the lifecycle's steps and, for staff only, the internal notes and the steps marked
// for staff. The country never gets a staff-only step.
func (s *Service) Timeline(ctx context.Context, u *officials.Official, id int64) ([]Step, error) {
	hist, err := s.History(ctx, u, id)
	if err != nil {
		return nil, err
	}
	staff := u.IsStaff()
	out := make([]Step, 0, len(hist)+8)
	for _, t := range hist {
		out = append(out, Step{Kind: "status", To: t.To, Reason: t.Reason, Actor: t.Actor, At: t.At})
	}
	q := "SELECT kind, detail, coalesce(ref_id, 0), staff_only, coalesce(actor_id, 0), at FROM advisory_events WHERE request_id = ?"
	if !staff {
		q += " AND staff_only = 0"
	}
	rows, err := s.db.R.QueryContext(ctx, q+" ORDER BY id", id)
	evs, err := store.Collect(rows, err, func(row store.Scanner) (Step, error) {
		var st Step
		var at string
		err := row.Scan(&st.Kind, &st.Detail, &st.Ref, &st.StaffOnly, &st.Actor.ID, &at)
		st.At = parseTime(at)
		return st, err
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: timeline %d: %w", id, err)
	}
	out = append(out, evs...)
	if staff {
		_, notes, err := s.Comments(ctx, u, id)
		if err != nil {
			return nil, err
		}
		for _, n := range notes {
			out = append(out, Step{Kind: "note", Detail: n.Body, Ref: n.ID, StaffOnly: true, Actor: n.Author, At: n.CreatedAt})
		}
	}
	people := s.people(ctx)
	for i := range out {
		if out[i].Kind != "status" && out[i].Kind != "note" {
			out[i].Actor = people(out[i].Actor.ID)
		}
	}
	slices.SortStableFunc(out, func(a, b Step) int { return a.At.Compare(b.At) })
	return out, nil
}

// SetFollowUpMonths sets how many months after completion the follow-up survey is due (1–36).
func (s *Service) SetFollowUpMonths(n int) {
	if n >= 1 && n <= 36 {
		s.followUpMonths = n
	}
}

// FollowUpMonths is how many months after completion the follow-up survey is due.
func (s *Service) FollowUpMonths() int {
	if s.followUpMonths == 0 {
		return DefaultFollowUpMonths
	}
	return s.followUpMonths
}

// SetToday replaces the service's calendar (tests walk months ahead with it).
func (s *Service) SetToday(today func() string) { s.today = today }

// afterTransition does what a change of state entails beyond the state itself, inside its
// transaction: completion schedules the follow-up survey; reopening a completed request
// cancels the one not yet answered.
func (s *Service) afterTransition(ctx context.Context, tx *sql.Tx, id int64, from, to string) error {
	switch {
	case to == StatusCompleted:
		t, _ := time.Parse(DateLayout, s.today())
		due := t.AddDate(0, s.FollowUpMonths(), 0).Format(DateLayout)
		// The table's name on answered_at: PostgreSQL would not tell it from excluded's.
		if _, err := tx.ExecContext(ctx, `INSERT INTO advisory_followups(request_id, due_on) VALUES(?, ?)
			ON CONFLICT(request_id) DO UPDATE SET due_on = excluded.due_on, sent_at = NULL WHERE advisory_followups.answered_at IS NULL`, id, due); err != nil {
			return fmt.Errorf("advisory: schedule follow-up of %d: %w", id, err)
		}
	case from == StatusCompleted:
		if _, err := tx.ExecContext(ctx, "DELETE FROM advisory_followups WHERE request_id = ? AND answered_at IS NULL", id); err != nil {
			return fmt.Errorf("advisory: cancel follow-up of %d: %w", id, err)
		}
	}
	return nil
}

// checkPreconditions refuses a move whose lifecycle step is missing: planning needs terms of
// reference the country agreed to, starting needs a mission, completing needs every
// deliverable delivered.
func checkPreconditions(ctx context.Context, q store.Queryer, r *Request, to string) error {
	count := func(query string) (int, error) {
		var n int
		if err := q.QueryRowContext(ctx, query, r.ID).Scan(&n); err != nil {
			return 0, fmt.Errorf("advisory: preconditions of %d: %w", r.ID, err)
		}
		return n, nil
	}
	switch to {
	case StatusPlanned:
		n, err := count("SELECT count(*) FROM advisory_tor_versions WHERE request_id = ? AND status = 'agreed'")
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrTorNotAgreed
		}
	case StatusInProgress:
		if r.Status == StatusCompleted {
			return nil // reopening
		}
		n, err := count("SELECT count(*) FROM advisory_missions WHERE request_id = ?")
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrMissionRequired
		}
	case StatusCompleted:
		n, err := count("SELECT count(*) FROM advisory_deliverables WHERE request_id = ? AND status IN ('planned', 'in_progress')")
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrDeliverablesOpen
		}
	}
	return nil
}

// Errors of the lifecycle. Their codes are stable: API clients rely on them.
var (
	// ErrTorNotAgreed: a request is planned only once the country agreed to terms of reference (409).
	ErrTorNotAgreed = problem.New(http.StatusConflict, "tor_not_agreed", "advisory.error.tor_not_agreed")
	// ErrMissionRequired: the work starts only once a mission is scheduled (409).
	ErrMissionRequired = problem.New(http.StatusConflict, "mission_required", "advisory.error.mission_required")
	// ErrDeliverablesOpen: a request is completed only once every deliverable is delivered (409).
	ErrDeliverablesOpen = problem.New(http.StatusConflict, "deliverables_open", "advisory.error.deliverables_open")
	// ErrStepNotNow: the request is not at a stage where this step is taken (409), e.g. a
	// mission on a request not yet accepted, a closing report before the work started.
	ErrStepNotNow = problem.New(http.StatusConflict, "step_not_possible", "advisory.error.step_not_possible")
	// ErrTorNotPending: only the latest proposed version of the terms of reference is agreed to
	// or sent back (409).
	ErrTorNotPending = problem.New(http.StatusConflict, "tor_not_pending", "advisory.error.tor_not_pending")
	// ErrDeliverableMove: the deliverable cannot go to that status from where it stands (409).
	ErrDeliverableMove = problem.New(http.StatusConflict, "deliverable_move_forbidden", "advisory.error.deliverable_move")
	// ErrFollowUpNotDue: the follow-up survey is answered once it was sent, and once (409).
	ErrFollowUpNotDue = problem.New(http.StatusConflict, "followup_not_open", "advisory.error.followup_not_open")
)

// FollowUp is a request's follow-up survey: when it is due, whether it was sent, and the
// country's answers.
type FollowUp struct {
	DueOn        string     `json:"due_on"`
	SentAt       *time.Time `json:"sent_at"`
	AnsweredAt   *time.Time `json:"answered_at"`
	AnsweredBy   *Person    `json:"answered_by"`
	Rating       *int       `json:"rating"`
	Used         string     `json:"used"` // fully, partly, not_yet
	Changes      string     `json:"changes"`
	FurtherNeeds string     `json:"further_needs"`
}

// RatingValue is the answer's rating, 0 before an answer (for templates).
func (f *FollowUp) RatingValue() int {
	if f == nil || f.Rating == nil {
		return 0
	}
	return *f.Rating
}

// Open reports whether the country may answer the survey now.
func (f *FollowUp) Open() bool { return f != nil && f.SentAt != nil && f.AnsweredAt == nil }

// FollowUpUses are the answers to "were the deliverables put to use?".
var FollowUpUses = []string{"fully", "partly", "not_yet"}

// FollowUpOf returns request id's follow-up survey, or nil when none is scheduled.
func (s *Service) FollowUpOf(ctx context.Context, u *officials.Official, id int64) (*FollowUp, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	return s.followUp(ctx, s.db.R, id)
}

func (s *Service) followUp(ctx context.Context, q store.Queryer, id int64) (*FollowUp, error) {
	var f FollowUp
	var sent, answered sql.NullString
	var by, rating sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT due_on, sent_at, answered_at, answered_by, rating, used, changes, further_needs
		FROM advisory_followups WHERE request_id = ?`, id).Scan(&f.DueOn, &sent, &answered, &by, &rating, &f.Used, &f.Changes, &f.FurtherNeeds)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("advisory: follow-up of %d: %w", id, err)
	}
	if sent.Valid {
		t := parseTime(sent.String)
		f.SentAt = &t
	}
	if answered.Valid {
		t := parseTime(answered.String)
		f.AnsweredAt = &t
	}
	if by.Valid {
		p := s.people(ctx)(by.Int64)
		f.AnsweredBy = &p
	}
	if rating.Valid {
		n := int(rating.Int64)
		f.Rating = &n
	}
	return &f, nil
}

// SendDueFollowUps mails the follow-up survey of every completed request whose survey is
// due and not yet sent to the country's focal points and the requester, each in their own
// language, with the link to answer it. It returns how many surveys went out.
func (s *Service) SendDueFollowUps(ctx context.Context) (int, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT f.request_id FROM advisory_followups f JOIN advisory_requests r ON r.id = f.request_id
		WHERE f.sent_at IS NULL AND f.due_on <= ? AND r.status = 'completed' ORDER BY f.request_id`, s.today())
	ids, err := store.Collect(rows, err, func(row store.Scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("advisory: due follow-ups: %w", err)
	}
	sent := 0
	for _, id := range ids {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			// The request's lock first, as every step of a request takes it first: a
			// transition that rewrites the follow-up holds it and then the follow-up's row,
			// and taking them here in the other order could deadlock on PostgreSQL.
			r, err := s.lockedGet(ctx, tx, id)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, "UPDATE advisory_followups SET sent_at = ? WHERE request_id = ? AND sent_at IS NULL", store.Now(), id)
			if err != nil {
				return fmt.Errorf("advisory: send follow-up of %d: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			to, err := s.recipients(ctx, r, &officials.Official{}, true)
			if err != nil {
				return err
			}
			country, err := s.officials.Country(ctx, r.Country)
			if err != nil {
				return fmt.Errorf("advisory: country %s: %w", r.Country, err)
			}
			for _, o := range to {
				l := o.Language
				link := s.baseURL + "/" + l + "/advisory/" + strconv.FormatInt(r.ID, 10) + "/follow-up"
				data := map[string]any{"ID": r.ID, "Country": country.Name(l), "RequestingBody": r.RequestingBody, "Link": link}
				if _, err := s.mailer.Enqueue(ctx, tx, mail.Message{To: o.Email, Name: o.DisplayName(l), Lang: l, Template: "advisory_followup", Data: data}); err != nil {
					return fmt.Errorf("advisory: follow-up of %d to %s: %w", id, o.Email, err)
				}
			}
			sent++
			return event(ctx, tx, nil, id, EventFollowUpSent, "", 0, false)
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// RunFollowUps sends the due follow-up surveys at start and then at every interval until
// ctx ends; failures are reported to logf.
func (s *Service) RunFollowUps(ctx context.Context, every time.Duration, logf func(err error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.SendDueFollowUps(ctx); err != nil && ctx.Err() == nil {
			logf(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// FollowUpAnswer is the country's answer to the follow-up survey.
type FollowUpAnswer struct {
	Rating       int    `json:"rating"` // 1–5: how useful the support proved
	Used         string `json:"used"`   // fully, partly, not_yet
	Changes      string `json:"changes"`
	FurtherNeeds string `json:"further_needs"`
}

// AnswerFollowUp records a focal point's answers to request id's follow-up survey, once,
// after it was sent.
func (s *Service) AnswerFollowUp(ctx context.Context, u *officials.Official, id int64, a FollowUpAnswer) (*FollowUp, error) {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if PartyOf(u, r.Country) != PartyCountry {
		return nil, problem.Forbidden
	}
	a.Used = strings.TrimSpace(a.Used)
	a.Changes, a.FurtherNeeds = cleanText(a.Changes), cleanText(a.FurtherNeeds)
	f := problem.Fields{}
	if a.Rating < 1 || a.Rating > 5 {
		f.Add("rating", "advisory.field.rating.invalid")
	}
	if !slices.Contains(FollowUpUses, a.Used) {
		f.Add("used", "field.choose")
	}
	textProblem(f, "changes", a.Changes, MaxFeedback, true)
	textProblem(f, "further_needs", a.FurtherNeeds, MaxFeedback, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE advisory_followups SET answered_at = ?, answered_by = ?, rating = ?, used = ?, changes = ?, further_needs = ?
			WHERE request_id = ? AND sent_at IS NOT NULL AND answered_at IS NULL`, store.Now(), u.ID, a.Rating, a.Used, a.Changes, a.FurtherNeeds, id)
		if err != nil {
			return fmt.Errorf("advisory: answer follow-up of %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrFollowUpNotDue
		}
		if err := event(ctx, tx, u, id, EventFollowUpAnswered, strconv.Itoa(a.Rating), 0, false); err != nil {
			return err
		}
		return s.notifyStep(ctx, tx, r, u, "advisory.mail.followup_answered", strconv.Itoa(a.Rating))
	})
	if err != nil {
		return nil, err
	}
	return s.followUp(ctx, s.db.R, id)
}

// requireStep reads request id for a step that staff take while the request stands in one
// of states, inside tx.
func (s *Service) requireStep(ctx context.Context, tx *sql.Tx, u *officials.Official, id int64, states ...string) (*Request, error) {
	r, err := s.lockedGet(ctx, tx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, problem.NotFound
	}
	if err != nil {
		return nil, err
	}
	if PartyOf(u, r.Country) == PartyNone {
		return nil, problem.NotFound
	}
	if !slices.Contains(states, r.Status) {
		return nil, ErrStepNotNow
	}
	return r, nil
}

// dateRange checks a date typed into field: a real date, not before today, not more than
// MaxDueYears ahead.
func (s *Service) dateRange(f problem.Fields, field, v string) {
	today := s.today()
	t, _ := time.Parse(DateLayout, today)
	switch {
	case v == "":
		f.Add(field, "field.required")
	case !validDate(v):
		f.Add(field, "advisory.field.date.invalid")
	case v < today:
		f.Add(field, "advisory.field.date.past")
	case v > t.AddDate(MaxDueYears, 0, 0).Format(DateLayout):
		f.Add(field, "advisory.field.date.too_far")
	}
}

// Package advisory holds the member states' requests for advisory services: what a country
// asks for, the workflow that staff and the country move it through (with who may make each
// move), the thread between them with staff-only internal notes, attached files checked by
// their content, the country's satisfaction rating on completion, the staff export, and the
// country's self-assessment on the framework's four phases and six strategic objectives.
package advisory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Topics a request may concern (labels are in the catalogues as advisory.topic.CODE).
var Topics = []string{"open_data_portal", "open_data_policy", "e_participation", "public_consultation",
	"co_creation", "action_plan", "legal_framework", "institutional_framework", "capacity_building", TopicOther}

// TopicOther is the topic that the request names in its own words (topics_other).
const TopicOther = "other_topic"

// SupportKinds are the kinds of support a country may ask for (advisory.support.CODE).
var SupportKinds = []string{"advisory_mission", "national_workshop", "policy_review", "training_of_trainers"}

// Phases are the framework's four phases.
var Phases = []int{1, 2, 3, 4}

// Limits on what a person may type.
const (
	MaxBody        = 200  // requesting body, other topic, lead expert
	MaxDepartments = 1000 // each list of departments
	MaxNeeds       = 5000 // national needs
	MaxComment     = 5000 // a comment or internal note
	MaxReason      = 2000 // reason of a transition
	MaxFeedback    = 2000 // feedback on completion
	// DefaultResponseDays is how long the programme gives itself to answer a new request:
	// its response due date is set this many days after submission (staff may change it).
	DefaultResponseDays = 30
)

// Request is an advisory-service request.
type Request struct {
	ID                int64    `json:"id"`
	Country           string   `json:"country"`
	RequestingBody    string   `json:"requesting_body"`
	Phases            []int    `json:"phases"`
	Topics            []string `json:"topics"`
	TopicsOther       string   `json:"topics_other"`
	StartDepartments  string   `json:"start_departments"`
	ExtendDepartments string   `json:"extend_departments"`
	Needs             string   `json:"needs"`
	SupportKinds      []string `json:"support_kinds"`
	PreferredStart    string   `json:"preferred_start"` // YYYY-MM-DD or ""
	PreferredEnd      string   `json:"preferred_end"`
	Language          string   `json:"language"` // language the support should be given in
	Status            string   `json:"status"`
	LeadExpert        string   `json:"lead_expert"`
	Owner             *Person  `json:"owner"` // the staff account that answers for the request, or nil
	Team              []Person `json:"team"`  // the staff accounts working with the owner
	// ResponseDueNote is why staff last cleared or postponed the response due date.
	ResponseDueNote string     `json:"response_due_note"`
	ResponseDue     string     `json:"response_due"` // YYYY-MM-DD or ""
	DeliveryDue     string     `json:"delivery_due"`
	Overdue         bool       `json:"overdue"`
	WorkshopID      *int64     `json:"workshop_id"`
	SDGTargets      []string   `json:"sdg_targets"` // staff's tags: SDG targets served (SDGTargets)
	Objectives      []string   `json:"objectives"`  // and strategic objectives worked on (Objectives)
	Rating          *int       `json:"rating"`
	Feedback        string     `json:"feedback"`
	RatedAt         *time.Time `json:"rated_at"`
	CreatedBy       int64      `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Terminal reports whether the request has reached an end state.
func (r *Request) Terminal() bool { return IsTerminal(r.Status) }

// DueDate is the date the request's current step is due: the response while staff triage
// it, the delivery once accepted; "" when none applies.
func (r *Request) DueDate() string {
	switch r.Status {
	case StatusSubmitted, StatusUnderReview:
		return r.ResponseDue
	case StatusAccepted, StatusPlanned, StatusInProgress:
		return r.DeliveryDue
	}
	return ""
}

// Service runs the advisory rules against the database and notifies the people concerned.
type Service struct {
	db        *store.DB
	officials *officials.Service
	mailer    *mail.Mailer
	cat       i18n.Catalogue
	baseURL   string
	today     func() string
	// followUpMonths is how long after completion the follow-up survey is due (0: the default).
	followUpMonths int
	limits         Limits
	intake         []string
}

// New returns the advisory service. baseURL is the platform's public address, used in the
// links that e-mails carry.
func New(db *store.DB, o *officials.Service, m *mail.Mailer, baseURL string) (*Service, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	return &Service{db: db, officials: o, mailer: m, cat: cat, baseURL: strings.TrimRight(baseURL, "/"),
		today: func() string { return time.Now().UTC().Format(DateLayout) }, limits: DefaultLimits()}, nil
}

// DateLayout is how calendar dates are written: in the database, the API and the forms.
const DateLayout = "2006-01-02"

// Today is the current date (UTC) in DateLayout.
func (s *Service) Today() string { return s.today() }

const requestCols = `r.id, r.country, r.requesting_body, r.topics_other, r.start_departments, r.extend_departments,
	r.needs, coalesce(r.preferred_start, ''), coalesce(r.preferred_end, ''), r.language, r.status, r.lead_expert,
	coalesce(r.response_due, ''), coalesce(r.delivery_due, ''), r.workshop_id, r.rating, r.feedback, r.rated_at,
	r.created_by, r.created_at, r.updated_at`

func (s *Service) scanRequest(row interface{ Scan(...any) error }) (*Request, error) {
	var r Request
	var ws, rating sql.NullInt64
	var ratedAt sql.NullString
	var created, updated string
	err := row.Scan(&r.ID, &r.Country, &r.RequestingBody, &r.TopicsOther, &r.StartDepartments, &r.ExtendDepartments,
		&r.Needs, &r.PreferredStart, &r.PreferredEnd, &r.Language, &r.Status, &r.LeadExpert,
		&r.ResponseDue, &r.DeliveryDue, &ws, &rating, &r.Feedback, &ratedAt, &r.CreatedBy, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if ws.Valid {
		r.WorkshopID = &ws.Int64
	}
	if rating.Valid {
		n := int(rating.Int64)
		r.Rating = &n
	}
	if ratedAt.Valid {
		t := parseTime(ratedAt.String)
		r.RatedAt = &t
	}
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	r.Phases, r.Topics, r.SupportKinds = []int{}, []string{}, []string{}
	r.SDGTargets, r.Objectives = []string{}, []string{}
	due := r.DueDate()
	r.Overdue = due != "" && due < s.today()
	return &r, nil
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// complete fills what the requests hold beyond their row: phases, topics and kinds of
// support; owner and team; SDG targets and objectives.
func (s *Service) complete(ctx context.Context, q store.Queryer, rs []*Request) error {
	if err := loadTags(ctx, q, rs); err != nil {
		return err
	}
	if err := s.loadStaffing(ctx, q, rs); err != nil {
		return err
	}
	return loadMarks(ctx, q, rs)
}

// requestSet indexes requests by id and gives the "(?, ?, …)" list and arguments that select
// them, for the loaders that fill them.
func requestSet(rs []*Request) (map[int64]*Request, string, []any) {
	byID := make(map[int64]*Request, len(rs))
	args := make([]any, 0, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
		args = append(args, r.ID)
	}
	return byID, "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rs)), ", ") + ")", args
}

// loadTags fills the phases, topics and kinds of support of the requests.
func loadTags(ctx context.Context, q store.Queryer, rs []*Request) error {
	if len(rs) == 0 {
		return nil
	}
	byID, in, args := requestSet(rs)
	rows, err := q.QueryContext(ctx, `SELECT request_id, kind, code FROM advisory_request_tags
		WHERE request_id IN `+in+` ORDER BY request_id, kind, code`, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var id int64
		var kind, code string
		if err := row.Scan(&id, &kind, &code); err != nil {
			return err
		}
		r := byID[id]
		switch kind {
		case "phase":
			n, _ := strconv.Atoi(code)
			r.Phases = append(r.Phases, n)
		case "topic":
			r.Topics = append(r.Topics, code)
		case "support":
			r.SupportKinds = append(r.SupportKinds, code)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("advisory: load tags: %w", err)
	}
	for _, r := range rs {
		slices.Sort(r.Phases)
		r.Topics = ordered(r.Topics, Topics)
		r.SupportKinds = ordered(r.SupportKinds, SupportKinds)
	}
	return nil
}

// ordered sorts codes in the order of the reference list.
func ordered(codes, ref []string) []string {
	slices.SortFunc(codes, func(a, b string) int { return slices.Index(ref, a) - slices.Index(ref, b) })
	return codes
}

// get reads one request through q, whoever asks.
func (s *Service) get(ctx context.Context, q store.Queryer, id int64) (*Request, error) {
	r, err := s.scanRequest(q.QueryRowContext(ctx, "SELECT "+requestCols+" FROM advisory_requests r WHERE r.id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("advisory: get %d: %w", id, err)
	}
	if err := s.complete(ctx, q, []*Request{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// lockedGet reads request id inside tx for a step that changes it, after taking the
// request's lock: the steps of one request (transitions, terms of reference, missions,
// assignments, tags…) then run one after another on PostgreSQL as they do on SQLite, so
// that a step taken twice at once applies once and a version number is handed out once.
func (s *Service) lockedGet(ctx context.Context, tx *sql.Tx, id int64) (*Request, error) {
	if err := s.db.LockTx(ctx, tx, "advisory.request", id); err != nil {
		return nil, fmt.Errorf("advisory: lock %d: %w", id, err)
	}
	return s.get(ctx, tx, id)
}

// Get returns request id if u may see it: staff see every request, a focal point only
// their own country's. Anyone else gets problem.NotFound, so that ids of other countries'
// requests are not confirmed.
func (s *Service) Get(ctx context.Context, u *officials.Official, id int64) (*Request, error) {
	r, err := s.get(ctx, s.db.R, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, problem.NotFound
	}
	if err != nil {
		return nil, err
	}
	if PartyOf(u, r.Country) == PartyNone {
		return nil, problem.NotFound
	}
	return r, nil
}

// CanRequest reports whether u may submit requests: focal points (for their own country)
// and staff (on a country's behalf).
func CanRequest(u *officials.Official) bool {
	return u.IsStaff() || (u.IsFocalPoint() && u.Country != "")
}

// Filter narrows the list of requests; empty fields do not filter.
type Filter struct {
	Country string // ISO 3166-1 alpha-2; a focal point's list is held to their own country
	Status  string
	Phase   int  // 1–4
	Overdue bool // only requests whose current step is past its due date
	Limit   int
	Offset  int
}

// List returns the requests u may see that match the filter, newest first, and how many
// match in all. A focal point sees only their country's, whatever the filter asks.
func (s *Service) List(ctx context.Context, u *officials.Official, f Filter) ([]*Request, int, error) {
	switch {
	case u.IsStaff():
	case u.IsFocalPoint() && u.Country != "":
		f.Country = u.Country
	default:
		return nil, 0, problem.Forbidden
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	where := []string{"1 = 1"}
	var args []any
	if f.Country != "" {
		where = append(where, "r.country = ?")
		args = append(args, strings.ToUpper(f.Country))
	}
	if f.Status != "" {
		where = append(where, "r.status = ?")
		args = append(args, f.Status)
	}
	if f.Phase != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM advisory_request_tags t WHERE t.request_id = r.id AND t.kind = 'phase' AND t.code = ?)")
		args = append(args, strconv.Itoa(f.Phase))
	}
	if f.Overdue {
		today := s.today()
		where = append(where, `((r.status IN ('submitted', 'under_review') AND r.response_due IS NOT NULL AND r.response_due < ?)
			OR (r.status IN ('accepted', 'planned', 'in_progress') AND r.delivery_due IS NOT NULL AND r.delivery_due < ?))`)
		args = append(args, today, today)
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM advisory_requests r"+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("advisory: count: %w", err)
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+requestCols+" FROM advisory_requests r"+w+" ORDER BY r.id DESC LIMIT ? OFFSET ?",
		append(args, f.Limit, max(0, f.Offset))...)
	out, err := store.Collect(rows, err, s.scanRequest)
	if err != nil {
		return nil, 0, fmt.Errorf("advisory: list: %w", err)
	}
	if err := s.complete(ctx, s.db.R, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// CountByStatus counts a country's requests in each state (for the country page).
func (s *Service) CountByStatus(ctx context.Context, u *officials.Official, country string) (map[string]int, error) {
	if PartyOf(u, country) == PartyNone {
		return nil, problem.NotFound
	}
	out := map[string]int{}
	rows, err := s.db.R.QueryContext(ctx, "SELECT status, count(*) FROM advisory_requests WHERE country = ? GROUP BY status", country)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var st string
		var n int
		if err := row.Scan(&st, &n); err != nil {
			return err
		}
		out[st] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("advisory: count by status: %w", err)
	}
	return out, nil
}

// Create records a new request from u, with its attachments, in one transaction, and
// notifies the country's focal points. A focal point requests for their own country; staff
// name the country they act for.
func (s *Service) Create(ctx context.Context, u *officials.Official, in Input, files []File) (*Request, error) {
	if !CanRequest(u) {
		return nil, problem.Forbidden
	}
	in.Clean()
	in.Letter.clean()
	if !u.IsStaff() {
		in.Country = u.Country
	}
	f := in.Validate(s.today())
	in.Letter.validate(f, s.today())
	if f["country"] == "" {
		c, err := s.officials.Country(ctx, in.Country)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("advisory: create: %w", err)
		}
		if err != nil || !c.Member {
			f.Add("country", "field.country.invalid")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	checked, err := checkFiles(files, 0, s.limits)
	if err != nil {
		return nil, err
	}
	letterFile, err := checkOne(in.Letter.File, "letter_file")
	if err != nil {
		return nil, err
	}
	now := store.Now()
	due := dateOf(s.today()).AddDate(0, 0, DefaultResponseDays).Format(DateLayout)
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO advisory_requests(country, requesting_body, topics_other, start_departments,
			extend_departments, needs, preferred_start, preferred_end, language, status, response_due, created_by, created_at, updated_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?) RETURNING id`,
			in.Country, in.RequestingBody, in.TopicsOther, in.StartDepartments, in.ExtendDepartments, in.Needs,
			nullable(in.PreferredStart), nullable(in.PreferredEnd), in.Language, due, u.ID, now, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("advisory: create: %w", err)
		}
		for _, p := range in.Phases {
			if err := addTag(ctx, tx, id, "phase", strconv.Itoa(p)); err != nil {
				return err
			}
		}
		for _, t := range in.Topics {
			if err := addTag(ctx, tx, id, "topic", t); err != nil {
				return err
			}
		}
		for _, k := range in.SupportKinds {
			if err := addTag(ctx, tx, id, "support", k); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO advisory_transitions(request_id, from_status, to_status, reason, actor_id, at)
			VALUES(?, '', 'submitted', '', ?, ?)`, id, u.ID, now); err != nil {
			return fmt.Errorf("advisory: create: %w", err)
		}
		for _, cf := range checked {
			if err := insertAttachment(ctx, tx, id, u.ID, cf, now); err != nil {
				return err
			}
		}
		if err := insertLetter(ctx, tx, id, u.ID, in.Letter, letterFile, now); err != nil {
			return err
		}
		if err := recordLetter(ctx, tx, u, id, in.Letter); err != nil {
			return err
		}
		subject := subjectOf(id)
		if err := audit.Record(ctx, tx, actorOf(u), "advisory.submit", subject, "status", "", StatusSubmitted); err != nil {
			return err
		}
		r, err := s.lockedGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, r, u, "advisory_submitted", nil); err != nil {
			return err
		}
		return s.notifyStaffNew(ctx, tx, r, u)
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.db.R, id)
}

func addTag(ctx context.Context, tx *sql.Tx, id int64, kind, code string) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO advisory_request_tags(request_id, kind, code) VALUES(?, ?, ?)", id, kind, code); err != nil {
		return fmt.Errorf("advisory: tag %d %s %s: %w", id, kind, code, err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func subjectOf(id int64) string { return "advisory:" + strconv.FormatInt(id, 10) }

func actorOf(u *officials.Official) audit.Actor { return audit.Actor{ID: u.ID, Email: u.Email} }

// Assignment is what staff set on a request: the lead expert and the due dates.
type Assignment struct {
	LeadExpert  string `json:"lead_expert" form:"lead_expert"`
	ResponseDue string `json:"response_due" form:"response_due"` // YYYY-MM-DD or "" to clear
	DeliveryDue string `json:"delivery_due" form:"delivery_due"`
	// DueNote says why the response due date is cleared or moved later: required then, as
	// the country sees the date and is told of the change.
	DueNote string `json:"due_note" form:"due_note"`
}

// MaxDueNote is the length allowed for the reason of a response due date's change.
const MaxDueNote = 500

// checkDates applies the rules of the due dates to a's changes from old: a date set or
// changed may not lie in the past, the delivery comes no earlier than the response, and the
// response due date is cleared or postponed only with a reason.
func (a *Assignment) checkDates(f problem.Fields, old *Request, today string) {
	for _, d := range []struct {
		field, v, was string
	}{{"response_due", a.ResponseDue, old.ResponseDue}, {"delivery_due", a.DeliveryDue, old.DeliveryDue}} {
		switch {
		case d.v == "" || d.v == d.was:
		case !validDate(d.v):
			f.Add(d.field, "advisory.field.date.invalid")
		case d.v < today:
			f.Add(d.field, "advisory.field.date.past")
		}
	}
	if a.ResponseDue != "" && a.DeliveryDue != "" && f["response_due"] == "" && f["delivery_due"] == "" && a.DeliveryDue < a.ResponseDue {
		f.Add("delivery_due", "advisory.field.delivery_due.before_response")
	}
	textProblem(f, "due_note", a.DueNote, MaxDueNote, false)
	// While the country waits for the answer, its date is a promise: moving it away takes a reason.
	waiting := old.Status == StatusSubmitted || old.Status == StatusUnderReview
	later := waiting && old.ResponseDue != "" && (a.ResponseDue == "" || a.ResponseDue > old.ResponseDue)
	if later && a.DueNote == "" && f["due_note"] == "" {
		f.Add("due_note", "advisory.field.due_note.required")
	}
}

// Assign sets the lead expert and due dates of request id (staff only). Each changed field
// is recorded and the country is told of the change.
func (s *Service) Assign(ctx context.Context, u *officials.Official, id int64, a Assignment) (*Request, error) {
	old, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, problem.Forbidden
	}
	a.LeadExpert = cleanLine(a.LeadExpert)
	a.ResponseDue = strings.TrimSpace(a.ResponseDue)
	a.DeliveryDue = strings.TrimSpace(a.DeliveryDue)
	a.DueNote = cleanText(a.DueNote)
	f := problem.Fields{}
	textProblem(f, "lead_expert", a.LeadExpert, MaxBody, false)
	a.checkDates(f, old, s.today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.lockedGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Terminal() {
			return ErrClosed
		}
		if old.LeadExpert == a.LeadExpert && old.ResponseDue == a.ResponseDue && old.DeliveryDue == a.DeliveryDue {
			return nil
		}
		note := old.ResponseDueNote
		if old.ResponseDue != a.ResponseDue {
			note = a.DueNote
		}
		if _, err := tx.ExecContext(ctx, `UPDATE advisory_requests SET lead_expert = ?, response_due = ?, delivery_due = ?,
			response_due_note = ?, updated_at = ? WHERE id = ?`, a.LeadExpert, nullable(a.ResponseDue), nullable(a.DeliveryDue),
			note, store.Now(), id); err != nil {
			return fmt.Errorf("advisory: assign %d: %w", id, err)
		}
		for _, ch := range [][3]string{{"lead_expert", old.LeadExpert, a.LeadExpert},
			{"response_due", old.ResponseDue, a.ResponseDue}, {"delivery_due", old.DeliveryDue, a.DeliveryDue},
			{"response_due_note", old.ResponseDueNote, note}} {
			if ch[1] != ch[2] {
				if err := audit.Record(ctx, tx, actorOf(u), "advisory.assign", subjectOf(id), ch[0], ch[1], ch[2]); err != nil {
					return err
				}
			}
		}
		r, err := s.lockedGet(ctx, tx, id)
		if err != nil {
			return err
		}
		extra := map[string]string{}
		if old.ResponseDue != a.ResponseDue {
			extra["note"] = note
		}
		return s.notify(ctx, tx, r, u, "advisory_assigned", extra)
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.db.R, id)
}

// Rate records the country's satisfaction (1–5) and feedback on a completed request. Only
// a focal point of the request's country may rate, once.
func (s *Service) Rate(ctx context.Context, u *officials.Official, id int64, rating int, feedback string) (*Request, error) {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if PartyOf(u, r.Country) != PartyCountry {
		return nil, problem.Forbidden
	}
	feedback = cleanText(feedback)
	f := problem.Fields{}
	if rating < 1 || rating > 5 {
		f.Add("rating", "advisory.field.rating.invalid")
	}
	textProblem(f, "feedback", feedback, MaxFeedback, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE advisory_requests SET rating = ?, feedback = ?, rated_by = ?, rated_at = ?, updated_at = ?
			WHERE id = ? AND status = 'completed' AND rating IS NULL`, rating, feedback, u.ID, store.Now(), store.Now(), id)
		if err != nil {
			return fmt.Errorf("advisory: rate %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if r.Status != StatusCompleted {
				return ErrNotCompleted
			}
			return ErrAlreadyRated
		}
		return audit.Record(ctx, tx, actorOf(u), "advisory.rate", subjectOf(id), "rating", "", strconv.Itoa(rating))
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.db.R, id)
}

// LinkWorkshop records the national workshop spawned from request id (staff only). The
// workshop itself belongs to the workshops feature; this keeps its id on the request.
func (s *Service) LinkWorkshop(ctx context.Context, u *officials.Official, id, workshopID int64) error {
	if _, err := s.Get(ctx, u, id); err != nil {
		return err
	}
	if !u.IsStaff() {
		return problem.Forbidden
	}
	if workshopID <= 0 {
		return problem.Fields{"workshop_id": "advisory.field.workshop.invalid"}.Err()
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE advisory_requests SET workshop_id = ?, updated_at = ?
			WHERE id = ? AND workshop_id IS NULL AND status IN ('accepted', 'planned', 'in_progress')`,
			workshopID, store.Now(), id)
		if err != nil {
			return fmt.Errorf("advisory: link workshop %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoWorkshop
		}
		return audit.Record(ctx, tx, actorOf(u), "advisory.workshop", subjectOf(id), "workshop_id", "", strconv.FormatInt(workshopID, 10))
	})
}

// WorkshopDraft is what a national workshop spawned from a request starts with.
type WorkshopDraft struct {
	RequestID   int64
	HostCountry string
	Title       map[string]string // by language
	Description map[string]string // by language: the requesting body and the national needs
	Phases      []int
	Language    string
	StartDate   string // YYYY-MM-DD or "" (the preferred period)
	EndDate     string
}

// DraftWorkshop pre-fills a national workshop from request id (staff only).
func (s *Service) DraftWorkshop(ctx context.Context, u *officials.Official, id int64) (*WorkshopDraft, error) {
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, problem.Forbidden
	}
	c, err := s.officials.Country(ctx, r.Country)
	if err != nil {
		return nil, err
	}
	start, end := workshopDates(r.PreferredStart, r.PreferredEnd)
	d := &WorkshopDraft{RequestID: r.ID, HostCountry: r.Country, Phases: slices.Clone(r.Phases), Language: r.Language,
		StartDate: start, EndDate: end, Title: map[string]string{}, Description: map[string]string{}}
	for _, l := range i18n.Langs {
		var topics []string
		for _, t := range r.Topics {
			if t == TopicOther && r.TopicsOther != "" {
				topics = append(topics, r.TopicsOther)
				continue
			}
			topics = append(topics, s.cat.T(l, "advisory.topic."+t))
		}
		d.Title[l] = clip(s.cat.T(l, "advisory.workshop.title", "country", c.Name(l), "topics", strings.Join(topics, s.cat.T(l, "advisory.list_sep"))), MaxWorkshopTitle)
		// The country's account of its needs is confidential: a workshop's description is
		// public once it is published, so it says only who asked.
		d.Description[l] = clip(s.cat.T(l, "advisory.workshop.description", "id", strconv.FormatInt(r.ID, 10), "body", r.RequestingBody), MaxWorkshopText)
	}
	return d, nil
}

// Lengths a workshop's title and description may have, and the most days it may last (the
// workshops feature's limits); DefaultWorkshopDays is how long a workshop is proposed to
// last when the country's preferred period is longer than a workshop may be.
const (
	MaxWorkshopTitle    = 200
	MaxWorkshopText     = 5000
	MaxWorkshopDays     = 31
	DefaultWorkshopDays = 3
)

// workshopDates proposes a workshop's dates within the country's preferred period: the
// whole period when a workshop may last that long, else its first DefaultWorkshopDays days.
func workshopDates(start, end string) (string, string) {
	if start == "" || end == "" {
		return start, end
	}
	a, b := dateOf(start), dateOf(end)
	if b.Sub(a) >= MaxWorkshopDays*24*time.Hour {
		return start, a.AddDate(0, 0, DefaultWorkshopDays-1).Format(DateLayout)
	}
	return start, end
}

// RequestOfWorkshop returns the request the national workshop workshopID was spawned from,
// if u may see it; nil when there is none or u may not.
func (s *Service) RequestOfWorkshop(ctx context.Context, u *officials.Official, workshopID int64) (*Request, error) {
	var id int64
	err := s.db.R.QueryRowContext(ctx, "SELECT id FROM advisory_requests WHERE workshop_id = ? ORDER BY id LIMIT 1", workshopID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("advisory: request of workshop %d: %w", workshopID, err)
	}
	r, err := s.Get(ctx, u, id)
	if errors.Is(err, problem.NotFound) {
		return nil, nil
	}
	return r, err
}

// clip shortens s to at most n runes, ending with "…" when cut.
func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return strings.TrimSpace(string(rs[:n-1])) + "…"
}

// CanSpawnWorkshop reports whether a national workshop may be created from the request: it
// is accepted, planned or in progress, and has none yet.
func (r *Request) CanSpawnWorkshop() bool {
	return r.WorkshopID == nil && (r.Status == StatusAccepted || r.Status == StatusPlanned || r.Status == StatusInProgress)
}

// Errors of the advisory rules.
var (
	// ErrClosed: a request that has ended (declined, completed, withdrawn) takes no new
	// assignment or file.
	ErrClosed = problem.New(http.StatusConflict, "request_closed", "advisory.error.closed")
	// ErrNotCompleted: only a completed request is rated.
	ErrNotCompleted = problem.New(http.StatusConflict, "not_completed", "advisory.error.not_completed")
	// ErrAlreadyRated: a request is rated once.
	ErrAlreadyRated = problem.New(http.StatusConflict, "already_rated", "advisory.error.already_rated")
	// ErrNoWorkshop: a workshop is spawned only from an accepted, planned or in-progress
	// request that has none yet.
	ErrNoWorkshop = problem.New(http.StatusConflict, "workshop_not_possible", "advisory.error.workshop_not_possible")
)

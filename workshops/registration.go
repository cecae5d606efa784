package workshops

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Statuses of a registration.
const (
	RegPending    = "pending"    // applied or nominated, waiting for staff
	RegConfirmed  = "confirmed"  // holds a seat
	RegWaitlisted = "waitlisted" // on the waiting list
	RegOffered    = "offered"    // a freed seat is held for them until a deadline
	RegRejected   = "rejected"
	RegCancelled  = "cancelled" // withdrawn, cancelled by staff or a focal point, or an offer that lapsed
)

// RegStatuses lists every registration status.
var RegStatuses = []string{RegPending, RegConfirmed, RegWaitlisted, RegOffered, RegRejected, RegCancelled}

// Actions on a registration.
const (
	ActApprove  = "approve"
	ActReject   = "reject"
	ActWaitlist = "waitlist"
	ActCancel   = "cancel"
	ActAccept   = "accept" // the holder of an offer takes the seat
)

// Actions lists every action on a registration.
var Actions = []string{ActApprove, ActReject, ActWaitlist, ActCancel, ActAccept}

// moves is the registration state machine: the statuses each action starts from, and
// where it leads.
var moves = map[string]struct {
	from []string
	to   string
}{
	ActApprove:  {[]string{RegPending, RegWaitlisted, RegOffered, RegRejected}, RegConfirmed},
	ActReject:   {[]string{RegPending, RegWaitlisted, RegOffered, RegConfirmed}, RegRejected},
	ActWaitlist: {[]string{RegPending, RegRejected}, RegWaitlisted},
	ActCancel:   {[]string{RegPending, RegWaitlisted, RegOffered, RegConfirmed}, RegCancelled},
	ActAccept:   {[]string{RegOffered}, RegConfirmed},
}

// CanDo reports whether action applies to a registration in status.
func CanDo(action, status string) bool {
	m, ok := moves[action]
	return ok && slices.Contains(m.from, status)
}

// Live reports whether a registration in status still counts (not rejected or cancelled).
func Live(status string) bool { return status != RegRejected && status != RegCancelled }

// MaxMotivation is the longest motivation an official may write.
const MaxMotivation = 1000

// Registration is an official's place (or wish for one) at a workshop, with the person's
// details as they are now.
type Registration struct {
	ID             int64      `json:"id"`
	WorkshopID     int64      `json:"workshop_id"`
	OfficialID     int64      `json:"official_id"`
	Status         string     `json:"status"`
	Country        string     `json:"country"`
	Motivation     string     `json:"motivation"`
	NominatedBy    *int64     `json:"nominated_by"`
	Ticket         string     `json:"ticket,omitempty"`
	OfferExpiresAt *time.Time `json:"offer_expires_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	NameAr         string     `json:"name_ar"`
	NameLatin      string     `json:"name_latin"`
	Email          string     `json:"email"`
	JobTitle       string     `json:"job_title"`
	Organisation   string     `json:"organisation"`
	Sector         string     `json:"sector"`
	Gender         string     `json:"gender"`
	Language       string     `json:"language"`
	Attended       []string   `json:"attended"` // host-local days checked in
	// Answers are the answers to the workshop's registration questions (questions.go).
	Answers []Answer `json:"answers"`

	// inserted: this registration was just written as a new row (insertRegistration), so it
	// has no answers yet to replace.
	inserted bool
}

// DisplayName is the person's name for a page in lang.
func (r *Registration) DisplayName(lang string) string {
	if lang == "ar" && r.NameAr != "" {
		return r.NameAr
	}
	if r.NameLatin != "" {
		return r.NameLatin
	}
	return r.NameAr
}

// Ticket codes: ten characters of Crockford's base 32 (no I, L, O, U), shown in groups.
const ticketAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func newTicket() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = ticketAlphabet[int(b[i])%32]
	}
	return string(b)
}

// FormatTicket groups a ticket code for reading aloud: "K7Q4-9XHM-2P".
func FormatTicket(t string) string {
	if len(t) != 10 {
		return t
	}
	return t[:4] + "-" + t[4:8] + "-" + t[8:]
}

// NormaliseTicket reads a typed code: case, spaces and dashes do not matter, and the
// letters people confuse with digits (O, I, L) are read as the digits.
func NormaliseTicket(s string) string {
	s = strings.ToUpper(s)
	s = strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1").Replace(s)
	return s
}

const regCols = `r.id, r.workshop_id, r.official_id, r.status, r.country, r.motivation, r.nominated_by, r.ticket,
	r.offer_expires_at, r.created_at, r.updated_at, o.name_ar, o.name_latin, o.email, o.organisation, o.job_title,
	o.sector, o.gender, o.language`

// Officials' names are read with a read-only join on their table, as the courses report does.
const regFrom = ` FROM registrations r JOIN officials o ON o.id = r.official_id`

func scanReg(row interface{ Scan(...any) error }) (*Registration, error) {
	var r Registration
	var nom sql.NullInt64
	var offer sql.NullString
	var created, updated string
	err := row.Scan(&r.ID, &r.WorkshopID, &r.OfficialID, &r.Status, &r.Country, &r.Motivation, &nom, &r.Ticket, &offer,
		&created, &updated, &r.NameAr, &r.NameLatin, &r.Email, &r.Organisation, &r.JobTitle, &r.Sector, &r.Gender, &r.Language)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if nom.Valid {
		r.NominatedBy = &nom.Int64
	}
	r.OfferExpiresAt = parseNull(offer, time.UTC)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	r.Attended, r.Answers = []string{}, []Answer{}
	return &r, nil
}

func regSubject(id int64) string { return "registration:" + strconv.FormatInt(id, 10) }

// Registration returns registration id.
func (s *Service) Registration(ctx context.Context, id int64) (*Registration, error) {
	r, err := scanReg(s.db.R.QueryRowContext(ctx, "SELECT "+regCols+regFrom+" WHERE r.id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("workshops: registration %d: %w", id, err)
	}
	if err := s.fillAttendance(ctx, s.db.R, r.WorkshopID, []*Registration{r}); err != nil {
		return nil, err
	}
	if err := s.fillAnswers(ctx, s.db.R, r.WorkshopID, []*Registration{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// RegistrationFor returns official's registration to workshop wid (store.ErrNotFound if none).
func (s *Service) RegistrationFor(ctx context.Context, wid, official int64) (*Registration, error) {
	r, err := scanReg(s.db.R.QueryRowContext(ctx, "SELECT "+regCols+regFrom+" WHERE r.workshop_id = ? AND r.official_id = ?", wid, official))
	if err != nil {
		return nil, err
	}
	if err := s.fillAttendance(ctx, s.db.R, wid, []*Registration{r}); err != nil {
		return nil, err
	}
	if err := s.fillAnswers(ctx, s.db.R, wid, []*Registration{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// RegFilter narrows a workshop's registrations.
type RegFilter struct {
	Country string // a focal point's list is held to their country
	Status  string
	Q       string // a name in either script, an e-mail or a ticket code
}

// statusOrder lists registrations with seats first, then the waiting list in its order.
const statusOrder = `CASE r.status WHEN 'confirmed' THEN 0 WHEN 'offered' THEN 1 WHEN 'pending' THEN 2 WHEN 'waitlisted' THEN 3
	WHEN 'rejected' THEN 4 ELSE 5 END, coalesce(r.waitlisted_at, r.created_at), r.id`

// Registrations lists the registrations of workshop wid matching f, with days attended.
func (s *Service) Registrations(ctx context.Context, wid int64, f RegFilter) ([]*Registration, error) {
	q := "SELECT " + regCols + regFrom + " WHERE r.workshop_id = ?"
	args := []any{wid}
	if f.Country != "" {
		q += " AND r.country = ?"
		args = append(args, f.Country)
	}
	if f.Status != "" {
		q += " AND r.status = ?"
		args = append(args, f.Status)
	}
	out := []*Registration{}
	needle := foldName(f.Q)
	code := NormaliseTicket(strings.TrimSpace(f.Q))
	rows, err := s.db.R.QueryContext(ctx, q+" ORDER BY "+statusOrder, args...)
	err = store.Each(rows, err, func(row store.Scanner) error {
		r, err := scanReg(row)
		if err != nil {
			return err
		}
		if needle != "" && !(strings.Contains(foldName(r.NameAr), needle) || strings.Contains(foldName(r.NameLatin), needle) ||
			strings.Contains(strings.ToLower(r.Email), strings.ToLower(strings.TrimSpace(f.Q))) || r.Ticket == code) {
			return nil
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workshops: registrations of %d: %w", wid, err)
	}
	if err := s.fillAttendance(ctx, s.db.R, wid, out); err != nil {
		return nil, err
	}
	if err := s.fillAnswers(ctx, s.db.R, wid, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Mine is one of an official's registrations with its workshop.
type Mine struct {
	Registration *Registration `json:"registration"`
	Workshop     *Workshop     `json:"workshop"`
}

// MyRegistrations lists official's registrations, the latest workshops first.
func (s *Service) MyRegistrations(ctx context.Context, official int64) ([]Mine, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+regCols+regFrom+` JOIN workshops w ON w.id = r.workshop_id
		WHERE r.official_id = ? ORDER BY w.start_date DESC, r.id DESC`, official)
	regs, err := store.Collect(rows, err, scanReg)
	if err != nil {
		return nil, fmt.Errorf("workshops: registrations of official %d: %w", official, err)
	}
	out := []Mine{}
	for _, r := range regs {
		w, err := s.Get(ctx, r.WorkshopID)
		if err != nil {
			return nil, err
		}
		if err := s.fillAttendance(ctx, s.db.R, w.ID, []*Registration{r}); err != nil {
			return nil, err
		}
		if err := s.fillAnswers(ctx, s.db.R, w.ID, []*Registration{r}); err != nil {
			return nil, err
		}
		out = append(out, Mine{Registration: r, Workshop: w})
	}
	return out, nil
}

// CanSee reports whether who may see registration r of workshop w: staff, the person, the
// focal point of their country, and the workshop's trainers.
func CanSee(who *officials.Official, r *Registration, w *Workshop) bool {
	if who == nil {
		return false
	}
	return who.IsStaff() || r.OfficialID == who.ID || (who.IsFocalPoint() && r.Country == who.Country) || w.HasTrainer(who.ID)
}

// CanTakeAttendance reports whether who may check people in at w: staff and its trainers.
func CanTakeAttendance(who *officials.Official, w *Workshop) bool {
	return who != nil && (who.IsStaff() || (who.Role == officials.RoleTrainer && w.HasTrainer(who.ID)))
}

// Errors a registration may meet.
var (
	ErrCapacityFull = problem.New(http.StatusConflict, "capacity_full", "workshops.error.capacity_full")
	ErrQuotaFull    = problem.New(http.StatusConflict, "quota_full", "workshops.error.quota_full")
	ErrClosed       = problem.New(http.StatusConflict, "registration_closed", "workshops.error.registration_closed")
	ErrWorkshopOver = problem.New(http.StatusConflict, "workshop_closed", "workshops.error.workshop_closed")
	ErrRegistered   = problem.New(http.StatusConflict, "already_registered", "workshops.error.already_registered")
	ErrNoCountry    = problem.New(http.StatusConflict, "no_country", "workshops.error.no_country")
	ErrWrongCountry = problem.New(http.StatusConflict, "wrong_country", "workshops.error.wrong_country")
	ErrOfferExpired = problem.New(http.StatusConflict, "offer_expired", "workshops.error.offer_expired")
	ErrBadMove      = problem.New(http.StatusConflict, "invalid_transition", "workshops.error.invalid_transition")
)

// Apply registers official o to workshop wid with a motivation; staff then decide.
func (s *Service) Apply(ctx context.Context, o *officials.Official, wid int64, motivation string) (*Registration, error) {
	return s.ApplyAnswered(ctx, o, wid, motivation, Answers{})
}

// ApplyAnswered is Apply with the answers to the workshop's registration questions, checked
// with the motivation (one refusal names every field at fault) and written with the
// registration, in its transaction.
func (s *Service) ApplyAnswered(ctx context.Context, o *officials.Official, wid int64, motivation string, ans Answers) (*Registration, error) {
	motivation = para(motivation)
	f := problem.Fields{}
	switch {
	case motivation == "":
		f.Add("motivation", "workshops.field.motivation.required")
	case utf8.RuneCountInString(motivation) > MaxMotivation:
		f.Add("motivation", "field.too_long")
	case hasControl(motivation, true):
		f.Add("motivation", "field.control")
	}
	answers, err := s.checkWorkshopAnswers(ctx, wid, ans, f)
	if err != nil {
		return nil, err
	}
	return s.register(ctx, audit.Actor{ID: o.ID, Email: o.Email}, o, wid, 0, motivation, false, answers)
}

// Nominate registers official nominee to workshop wid on behalf of by: a focal point, for an
// official of their own country, while registration is open; or staff, at any time before
// the workshop ends. Another country's official is not found, as for any unknown account.
func (s *Service) Nominate(ctx context.Context, by *officials.Official, wid int64, nominee *officials.Official, note string) (*Registration, error) {
	return s.NominateAnswered(ctx, by, wid, nominee, note, Answers{})
}

// NominateAnswered is Nominate with the answers to the registration questions, given by the
// nominating focal point (or staff) for the delegate.
func (s *Service) NominateAnswered(ctx context.Context, by *officials.Official, wid int64, nominee *officials.Official, note string, ans Answers) (*Registration, error) {
	if by == nil || !(by.IsStaff() || by.IsFocalPoint()) {
		return nil, problem.Forbidden
	}
	if nominee == nil || nominee.DeletedAt != nil || (!by.IsStaff() && nominee.Country != by.Country) {
		return nil, problem.NotFound
	}
	note = para(note)
	f := problem.Fields{}
	if utf8.RuneCountInString(note) > MaxMotivation || hasControl(note, true) {
		f.Add("motivation", "field.too_long")
	}
	answers, err := s.checkWorkshopAnswers(ctx, wid, ans, f)
	if err != nil {
		return nil, err
	}
	return s.register(ctx, audit.Actor{ID: by.ID, Email: by.Email}, nominee, wid, by.ID, note, by.IsStaff(), answers)
}

// NominateNew makes the account of a nominee who has none (from profile in, with no
// password) and registers them to workshop wid on behalf of by. Everything is checked
// first — the profile, the note, the nominee's country (a focal point's own, never another),
// the workshop and its window — and then the account, the registration and claim (which
// queues the mail with the link to claim the account) are written in one transaction: a
// refusal leaves no account, no registration and no mail.
func (s *Service) NominateNew(ctx context.Context, by *officials.Official, wid int64, in officials.Input, note string, ans Answers,
	claim func(tx *sql.Tx, o *officials.Official) error) (*Registration, error) {
	if by == nil || !(by.IsStaff() || by.IsFocalPoint()) {
		return nil, problem.Forbidden
	}
	in.Password = ""
	in.Clean()
	if !by.IsStaff() {
		if in.Country == "" {
			in.Country = by.Country
		} else if in.Country != by.Country {
			return nil, fieldsErr("country", "workshops.nominate.country_not_yours")
		}
	}
	if err := s.offs.CheckNew(ctx, in, officials.RoleOfficial); err != nil {
		return nil, err
	}
	note = para(note)
	f := problem.Fields{}
	if utf8.RuneCountInString(note) > MaxMotivation || hasControl(note, true) {
		f.Add("motivation", "field.too_long")
	}
	answers, err := s.checkWorkshopAnswers(ctx, wid, ans, f)
	if err != nil {
		return nil, err
	}
	nominee := &officials.Official{Country: in.Country}
	if err := s.checkNomineeCountry(ctx, nominee); err != nil {
		return nil, err
	}
	actor := audit.Actor{ID: by.ID, Email: by.Email}
	check := func(q store.Queryer) (*Workshop, error) {
		w, err := s.lite(ctx, q, wid)
		if err != nil {
			return nil, err
		}
		return w, s.eligible(w, nominee, by.IsStaff())
	}
	if _, err := check(s.db.R); err != nil {
		return nil, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockForApplication(ctx, tx, wid, 0); err != nil {
			return err
		}
		w, err := check(tx)
		if err != nil {
			return err
		}
		oid, err := s.offs.CreateTx(ctx, tx, actor, in, officials.RoleOfficial)
		if err != nil {
			return err
		}
		o, err := s.offs.GetTx(ctx, tx, oid)
		if err != nil {
			return err
		}
		r, err := s.insertRegistration(ctx, tx, actor, w, o, by.ID, note, RegPending)
		if err != nil {
			return err
		}
		if err := s.saveAnswers(ctx, tx, r, answers); err != nil {
			return err
		}
		id = r.ID
		if claim != nil {
			return claim(tx, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Registration(ctx, id)
}

// checkNomineeCountry refuses an official without a member state's country.
func (s *Service) checkNomineeCountry(ctx context.Context, o *officials.Official) error {
	if o.Country == "" {
		return ErrNoCountry
	}
	c, err := s.offs.KeptCountry(ctx, o.Country)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !c.Member) {
		return ErrNoCountry
	}
	if err != nil {
		return fmt.Errorf("workshops: register: %w", err)
	}
	return nil
}

// register adds (or reopens a withdrawn) registration, pending staff's decision, in one
// transaction. anytime lets staff register outside the registration window. A pending
// registration takes no seat: applications run side by side (lockForApplication).
func (s *Service) register(ctx context.Context, actor audit.Actor, o *officials.Official, wid, nominatedBy int64, motivation string, anytime bool,
	answers []checkedAnswer) (*Registration, error) {
	if err := s.checkNomineeCountry(ctx, o); err != nil {
		return nil, err
	}
	var r *Registration
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockForApplication(ctx, tx, wid, o.ID); err != nil {
			return err
		}
		// The workshop's row is all that an application checks and its mail shows (a
		// pending registration's mail carries no calendar entry, so no agenda).
		w, err := s.bare(ctx, tx, wid)
		if err != nil {
			return err
		}
		if err := s.eligible(w, o, anytime); err != nil {
			return err
		}
		r, err = s.insertRegistration(ctx, tx, actor, w, o, nominatedBy, motivation, RegPending)
		if err != nil {
			return err
		}
		if err := s.saveAnswers(ctx, tx, r, answers); err != nil {
			return err
		}
		r.Answers = answersOf(answers)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// eligible checks that o may be registered to w now.
func (s *Service) eligible(w *Workshop, o *officials.Official, anytime bool) error {
	switch {
	case w.Status == StatusCancelled || w.Status == StatusCompleted:
		return ErrWorkshopOver
	case w.Status == StatusDraft && !anytime:
		return problem.NotFound
	case anytime && !s.Now().Before(w.End()):
		return ErrWorkshopOver
	case !anytime && !w.RegistrationOpenAt(s.Now()):
		return ErrClosed
	case w.Kind == KindNational && o.Country != w.HostCountry:
		return ErrWrongCountry
	}
	return nil
}

// insertRegistration writes a new registration, or reopens a cancelled one, inside tx, which
// holds the workshop's lock (lockWorkshop, or lockForApplication for a pending one); it
// records the change, tells the person, and returns the registration as written, with the
// days attended.
func (s *Service) insertRegistration(ctx context.Context, tx *sql.Tx, actor audit.Actor, w *Workshop, o *officials.Official,
	nominatedBy int64, motivation, status string) (*Registration, error) {
	var nom any
	if nominatedBy != 0 {
		nom = nominatedBy
	}
	now := s.stamp()
	var waitAt any
	if status == RegWaitlisted {
		waitAt = now
	}
	// Most registrations are new: the insert comes first, and only when the person is
	// registered already is their registration read (and reopened if they had cancelled it).
	var id int64
	var old string
	ticket := newTicket()
	err := tx.QueryRowContext(ctx, `INSERT INTO registrations(workshop_id, official_id, country, fact_gender, fact_sector,
		status, motivation, nominated_by, ticket, waitlisted_at, created_at, updated_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workshop_id, official_id) DO NOTHING RETURNING id`,
		w.ID, o.ID, o.Country, o.Gender, o.Sector, status, motivation, nom, ticket, waitAt, now, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, "SELECT id, status FROM registrations WHERE workshop_id = ? AND official_id = ?", w.ID, o.ID).Scan(&id, &old)
		if err == nil && old != RegCancelled {
			return nil, ErrRegistered
		}
		if err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE registrations SET status = ?, country = ?, fact_gender = ?, fact_sector = ?,
				motivation = ?, nominated_by = ?, waitlisted_at = ?, offer_expires_at = NULL, reminded_at = NULL, updated_at = ?
				WHERE id = ?`,
				status, o.Country, o.Gender, o.Sector, motivation, nom, waitAt, now, id)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("workshops: register: %w", err)
	}
	if status == RegConfirmed {
		if err := s.checkSeat(ctx, tx, w, id, o.Country); err != nil {
			return nil, err
		}
	}
	action := "registration.apply"
	if nominatedBy != 0 {
		action = "registration.nominate"
	}
	if err := audit.Record(ctx, tx, actor, action, regSubject(id), "status", old, status); err != nil {
		return nil, err
	}
	var r *Registration
	if old == "" {
		// A new registration is what was just inserted, with the person's details as o has
		// them (its country, gender and sector were written from o): no need to read it back.
		r = newRegistration(id, w.ID, o, status, motivation, nominatedBy, ticket, now)
	} else {
		// A reopened one is read back, with the days it had attended.
		if r, err = scanReg(tx.QueryRowContext(ctx, "SELECT "+regCols+regFrom+" WHERE r.id = ?", id)); err != nil {
			return nil, err
		}
		if err := s.fillAttendance(ctx, tx, w.ID, []*Registration{r}); err != nil {
			return nil, err
		}
	}
	return r, s.notify(ctx, tx, w, r, nominatedBy)
}

// newRegistration is the registration that insertRegistration has just inserted for o, as
// scanReg would read it back.
func newRegistration(id, wid int64, o *officials.Official, status, motivation string, nominatedBy int64, ticket, stamp string) *Registration {
	r := &Registration{ID: id, WorkshopID: wid, OfficialID: o.ID, Status: status, Country: o.Country, Motivation: motivation,
		Ticket: ticket, NameAr: o.NameAr, NameLatin: o.NameLatin, Email: o.Email, JobTitle: o.JobTitle,
		Organisation: o.Organisation, Sector: o.Sector, Gender: o.Gender, Language: o.Language, Attended: []string{}, Answers: []Answer{},
		inserted: true}
	if nominatedBy != 0 {
		r.NominatedBy = &nominatedBy
	}
	r.CreatedAt = parseTime(stamp)
	r.UpdatedAt = r.CreatedAt
	return r
}

// checkSeat refuses to give registration id (of country) a seat that the capacity or the
// country's quota does not allow. It must run in the transaction that gives the seat, after
// that transaction took the workshop's lock (lockWorkshop), so that two approvals cannot
// both take the last one.
func (s *Service) checkSeat(ctx context.Context, tx store.Queryer, w *Workshop, id int64, country string) error {
	now := s.stamp()
	// The seats held and the country's, in one statement: index range counts (confirmed
	// seats, live offers) rather than one OR over statuses.
	var held, mine int
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'confirmed' AND id <> ?) +
		(SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'offered' AND id <> ? AND offer_expires_at > ?),
		(SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'confirmed' AND country = ? AND id <> ?) +
		(SELECT count(*) FROM registrations WHERE workshop_id = ? AND status = 'offered' AND country = ? AND id <> ? AND offer_expires_at > ?)`,
		w.ID, id, w.ID, id, now, w.ID, country, id, w.ID, country, id, now).Scan(&held, &mine); err != nil {
		return fmt.Errorf("workshops: count seats: %w", err)
	}
	if held >= w.Capacity {
		return ErrCapacityFull
	}
	if q := w.quota(); q > 0 && mine >= q {
		return ErrQuotaFull
	}
	return nil
}

// quota is the per-country limit that applies (none for a national workshop).
func (w *Workshop) quota() int {
	if w.Kind == KindNational {
		return 0
	}
	return w.CountryQuota
}

// Transition carries out action on registration id for who, in one transaction: staff
// approve, reject and waitlist; staff, the person and their country's focal point cancel;
// the person accepts an offered seat. Approval and acceptance are refused with
// ErrCapacityFull or ErrQuotaFull when no seat is left for them. A seat freed by a
// cancellation or rejection is offered to the next on the waiting list.
func (s *Service) Transition(ctx context.Context, who *officials.Official, id int64, action string) (*Registration, error) {
	m, ok := moves[action]
	if !ok || who == nil {
		return nil, problem.NotFound
	}
	// Checked first without the workshop's lock: a refusal (no such registration, not allowed,
	// a move its status does not allow, no seat left) is an answer as of that read, and the
	// many approvals of a full workshop are refused without waiting for its lock. What passes
	// is checked again under the lock.
	pre, _, err := s.vet(ctx, s.db.R, who, id, action, false)
	if err != nil {
		return nil, err
	}
	release, err := s.turns.take(ctx, pre.WorkshopID)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// A registration never moves to another workshop: the one read above is the one to
		// lock; everything else is read again after the lock.
		if err := s.lockWorkshop(ctx, tx, pre.WorkshopID); err != nil {
			return err
		}
		r, w, err := s.vet(ctx, tx, who, id, action, true)
		if err != nil {
			return err
		}
		now := s.Now()
		var waitAt any
		if m.to == RegWaitlisted {
			waitAt = store.FormatTime(now)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registrations SET status = ?, waitlisted_at = coalesce(?, waitlisted_at),
			offer_expires_at = CASE WHEN ? = 'offered' THEN offer_expires_at ELSE NULL END, updated_at = ? WHERE id = ?`,
			m.to, waitAt, m.to, store.FormatTime(now), r.ID); err != nil {
			return fmt.Errorf("workshops: %s registration %d: %w", action, id, err)
		}
		if err := audit.Record(ctx, tx, audit.Actor{ID: who.ID, Email: who.Email}, "registration."+action, regSubject(r.ID), "status", r.Status, m.to); err != nil {
			return err
		}
		from := r.Status
		r.Status, r.OfferExpiresAt = m.to, nil
		if err := s.notify(ctx, tx, w, r, 0); err != nil {
			return err
		}
		if (from == RegConfirmed || from == RegOffered) && !Live(m.to) {
			return s.promote(ctx, tx, w.ID)
		}
		return nil
	})
	release()
	if err != nil {
		return nil, err
	}
	return s.Registration(ctx, id)
}

// vet reads registration id and its workshop through q and checks that who may take action
// on it now: allowed, the workshop not over, a move from the registration's status, an offer
// not lapsed, and a seat free when the action gives one. Without full, the workshop is only
// what the checks need (its row, and its trainers for someone who is not staff, see
// allowed): enough for a check before the lock, not for the mail written under it.
func (s *Service) vet(ctx context.Context, q store.Queryer, who *officials.Official, id int64, action string, full bool) (*Registration, *Workshop, error) {
	m := moves[action]
	r, err := scanReg(q.QueryRowContext(ctx, "SELECT "+regCols+regFrom+" WHERE r.id = ?", id))
	if err != nil {
		return nil, nil, fmt.Errorf("workshops: registration %d: %w", id, err)
	}
	var w *Workshop
	if full || !who.IsStaff() {
		w, err = s.lite(ctx, q, r.WorkshopID)
	} else {
		w, err = s.bare(ctx, q, r.WorkshopID)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := allowed(who, r, w, action); err != nil {
		return nil, nil, err
	}
	if w.Status == StatusCancelled || w.Status == StatusCompleted {
		return nil, nil, ErrWorkshopOver
	}
	if !slices.Contains(m.from, r.Status) {
		return nil, nil, ErrBadMove
	}
	if r.Status == RegOffered && action == ActAccept && (r.OfferExpiresAt == nil || !s.Now().Before(*r.OfferExpiresAt)) {
		return nil, nil, ErrOfferExpired
	}
	if m.to == RegConfirmed {
		if err := s.checkSeat(ctx, q, w, r.ID, r.Country); err != nil {
			return nil, nil, err
		}
	}
	return r, w, nil
}

// allowed checks who may take action on r. Someone who may not even see the registration is
// told it does not exist.
func allowed(who *officials.Official, r *Registration, w *Workshop, action string) error {
	switch action {
	case ActApprove, ActReject, ActWaitlist:
		if who.IsStaff() {
			return nil
		}
	case ActCancel:
		if who.IsStaff() || r.OfficialID == who.ID || (who.IsFocalPoint() && r.Country == who.Country) {
			return nil
		}
	case ActAccept:
		if r.OfficialID == who.ID {
			return nil
		}
	}
	if CanSee(who, r, w) {
		return problem.Forbidden
	}
	return problem.NotFound
}

// system is the actor of what the platform does by itself (lapsed offers, reminders).
var system = audit.Actor{Email: "system"}

// promote offers free seats of workshop wid to the waiting list, in order, skipping people
// whose country's quota is reached, each with a deadline to accept. tx holds the workshop's
// lock (lockWorkshop).
func (s *Service) promote(ctx context.Context, tx *sql.Tx, wid int64) error {
	w, err := s.lite(ctx, tx, wid)
	if err != nil {
		return err
	}
	now := s.Now()
	if w.Status != StatusPublished || !now.Before(w.Start()) {
		return nil
	}
	deadline := now.Add(time.Duration(w.OfferHours) * time.Hour)
	if start := w.Start(); deadline.After(start) {
		deadline = start
	}
	for {
		rows, err := tx.QueryContext(ctx, "SELECT "+regCols+regFrom+` WHERE r.workshop_id = ? AND r.status = 'waitlisted'
			ORDER BY coalesce(r.waitlisted_at, r.created_at), r.id`, wid)
		queue, err := store.Collect(rows, err, scanReg)
		if err != nil {
			return fmt.Errorf("workshops: waiting list: %w", err)
		}
		var next *Registration
		for _, r := range queue {
			err := s.checkSeat(ctx, tx, w, r.ID, r.Country)
			if errors.Is(err, ErrCapacityFull) {
				return nil
			}
			if errors.Is(err, ErrQuotaFull) {
				continue
			}
			if err != nil {
				return err
			}
			next = r
			break
		}
		if next == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET status = 'offered', offer_expires_at = ?, updated_at = ? WHERE id = ?",
			store.FormatTime(deadline), store.FormatTime(now), next.ID); err != nil {
			return fmt.Errorf("workshops: offer seat: %w", err)
		}
		if err := audit.Record(ctx, tx, system, "registration.offer", regSubject(next.ID), "status", RegWaitlisted, RegOffered); err != nil {
			return err
		}
		next.Status, next.OfferExpiresAt = RegOffered, &deadline
		if err := s.notify(ctx, tx, w, next, 0); err != nil {
			return err
		}
	}
}

// ExpireOffers lapses the offers whose deadline has passed — each person is told, and the
// seat passes to the next on the waiting list — and returns how many lapsed.
func (s *Service) ExpireOffers(ctx context.Context) (int, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT DISTINCT workshop_id FROM registrations WHERE status = 'offered' AND offer_expires_at <= ?", s.stamp())
	ids, err := store.Collect(rows, err, store.Column[int64])
	if err != nil {
		return 0, fmt.Errorf("workshops: expired offers: %w", err)
	}
	total := 0
	for _, wid := range ids {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			// Another instance may be lapsing the same offers: the second to get the lock
			// finds them lapsed already, and neither tells anyone twice.
			if err := s.lockWorkshop(ctx, tx, wid); err != nil {
				return err
			}
			n, err := s.expire(ctx, tx, wid)
			total += n
			if err != nil || n == 0 {
				return err
			}
			return s.promote(ctx, tx, wid)
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// expire lapses workshop wid's offers past their deadline, inside tx, which holds the
// workshop's lock.
func (s *Service) expire(ctx context.Context, tx *sql.Tx, wid int64) (int, error) {
	now := s.stamp()
	rows, err := tx.QueryContext(ctx, "SELECT "+regCols+regFrom+" WHERE r.workshop_id = ? AND r.status = 'offered' AND r.offer_expires_at <= ?", wid, now)
	lapsed, err := store.Collect(rows, err, scanReg)
	if err != nil {
		return 0, fmt.Errorf("workshops: expired offers of %d: %w", wid, err)
	}
	if len(lapsed) == 0 {
		return 0, nil
	}
	w, err := s.lite(ctx, tx, wid)
	if err != nil {
		return 0, err
	}
	for _, r := range lapsed {
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET status = 'cancelled', updated_at = ? WHERE id = ?", now, r.ID); err != nil {
			return 0, err
		}
		if err := audit.Record(ctx, tx, system, "registration.offer_expired", regSubject(r.ID), "status", RegOffered, RegCancelled); err != nil {
			return 0, err
		}
		if err := s.mail(ctx, tx, w, r, "workshop_offer_expired", nil, false, time.Time{}); err != nil {
			return 0, err
		}
	}
	return len(lapsed), nil
}

// foldName prepares a name for search: lower case, Arabic letters that people write in
// several ways made one (alef forms, taa marbuta, alef maqsura), diacritics and tatweel
// dropped, spaces single.
func foldName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640:
			continue
		case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
			r = 'ا'
		case r == 'ة':
			r = 'ه'
		case r == 'ى':
			r = 'ي'
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

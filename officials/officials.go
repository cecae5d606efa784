// Package officials holds the platform's accounts: public officials, focal points, trainers
// and staff, their profiles, roles, passwords, sessions, API tokens and the member states
// they belong to.
package officials

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Roles, from least to most trusted.
const (
	RoleOfficial   = "official"
	RoleFocalPoint = "focal_point"
	RoleTrainer    = "trainer"
	RoleStaff      = "staff"
	RoleAdmin      = "admin"
)

// Roles lists every role.
var Roles = []string{RoleOfficial, RoleFocalPoint, RoleTrainer, RoleStaff, RoleAdmin}

// Sectors an official may work in (codes; labels are in the catalogues as sector.CODE).
var Sectors = []string{"central_government", "local_government", "legislature", "judiciary",
	"public_enterprise", "academia", "civil_society", "private_sector", "international"}

// Genders recorded for SDG-disaggregated reporting.
var Genders = []string{"female", "male", "unspecified"}

// Official is an account.
type Official struct {
	ID                 int64      `json:"id"`
	Email              string     `json:"email"`
	NameAr             string     `json:"name_ar"`
	NameLatin          string     `json:"name_latin"`
	JobTitle           string     `json:"job_title"`
	Organisation       string     `json:"organisation"`
	Country            string     `json:"country"`
	Sector             string     `json:"sector"`
	Gender             string     `json:"gender"`
	Language           string     `json:"language"`
	Role               string     `json:"role"`
	EmailConfirmed     bool       `json:"email_confirmed"`
	MustChangePassword bool       `json:"-"`
	CreatedAt          time.Time  `json:"created_at"`
	DeletedAt          *time.Time `json:"-"`
	passwordHash       string
}

// IsStaff reports whether the account may run the programme (staff or admin).
func (o *Official) IsStaff() bool { return o != nil && (o.Role == RoleStaff || o.Role == RoleAdmin) }

// IsAdmin reports whether the account is an admin.
func (o *Official) IsAdmin() bool { return o != nil && o.Role == RoleAdmin }

// IsFocalPoint reports whether the account is a country focal point.
func (o *Official) IsFocalPoint() bool { return o != nil && o.Role == RoleFocalPoint }

// CanSeeCountry reports whether the account may see the people of a member state: staff see
// all, a focal point only their own.
func (o *Official) CanSeeCountry(iso string) bool {
	return o.IsStaff() || (o.IsFocalPoint() && o.Country == iso)
}

// DisplayName is the name to show in a language: the Arabic-script name on Arabic pages.
func (o *Official) DisplayName(lang string) string {
	if lang == "ar" && o.NameAr != "" {
		return o.NameAr
	}
	if o.NameLatin != "" {
		return o.NameLatin
	}
	return o.NameAr
}

// Service runs the accounts' rules against the database.
type Service struct {
	db   *store.DB
	cost int

	// Session lookups happen on every page a logged-in official opens; they are kept for a
	// few seconds, by token hash, and forgotten at once when any account changes, here or
	// on another instance (topic cache.Sessions).
	sessions *cache.Map[string, *keptLogin]

	countries *cache.Map[bool, []Country] // by membersOnly

	// keepTokens: bearer tokens' accounts are kept with the sessions only when the bus hears
	// other processes' changes, so that a revocation from the command line beside a SQLite
	// server takes effect on the next call, not after the cache's time limit.
	keepTokens bool

	dummyOnce sync.Once
	dummy     []byte // see dummyHash

	seenMu   sync.Mutex
	seen     map[seenKey]time.Time // last uses waiting to be written (see noteSeen)
	flushing map[seenKey]time.Time // those being written (see FlushSeen)
	flushMu  sync.Mutex            // one FlushSeen at a time

	hookMu     sync.RWMutex
	eraseHooks []EraseHook      // see OnErase
	clock      func() time.Time // nil: time.Now; see SetClock
}

// sessionCacheTTL bounds how long a cached session is trusted without asking the database.
const sessionCacheTTL = 5 * time.Second

// changed forgets every cached session: called after any change to accounts or sessions.
func (s *Service) changed() { s.sessions.ForgetAll() }

// lockAccount makes the transactions that read an account and then change it (a role, a
// profile whose old values go to the audit log, an erasure) take their turn on account id.
// SQLite's single writer already runs them one at a time; PostgreSQL would run them side by
// side (see store.LockTx).
func (s *Service) lockAccount(ctx context.Context, tx *sql.Tx, id int64) error {
	return s.db.LockTx(ctx, tx, "official", id)
}

// New returns the accounts service. cost is the bcrypt cost (0 for the default, 11). Its
// caches (sessions, member states) register on bus (nil: a bus of its own).
func New(db *store.DB, cost int, bus *cache.Bus) *Service {
	if cost == 0 {
		cost = 11
	}
	if bus == nil {
		bus = cache.Local()
	}
	return &Service{db: db, cost: cost, keepTokens: bus.Shared(),
		sessions:  cache.New[string, *keptLogin](bus, cache.Sessions, "officials.sessions", sessionCacheTTL, 100_000),
		countries: cache.New[bool, []Country](bus, cache.Countries, "officials.countries", time.Minute, 2)}
}

// DB is the database the service uses.
func (s *Service) DB() *store.DB { return s.db }

const cols = `id, email, password_hash, name_ar, name_latin, job_title, organisation, coalesce(country, ''),
	sector, gender, language, role, email_confirmed_at IS NOT NULL, must_change_password, created_at, deleted_at`

func scan(row interface{ Scan(...any) error }) (*Official, error) { return scanWith(row) }

// scanWith reads an account's columns followed by extra ones.
func scanWith(row interface{ Scan(...any) error }, extra ...any) (*Official, error) {
	var o Official
	var created string
	var deleted sql.NullString
	err := row.Scan(append([]any{&o.ID, &o.Email, &o.passwordHash, &o.NameAr, &o.NameLatin, &o.JobTitle, &o.Organisation,
		&o.Country, &o.Sector, &o.Gender, &o.Language, &o.Role, &o.EmailConfirmed, &o.MustChangePassword, &created, &deleted}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	o.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	if deleted.Valid {
		t, _ := time.Parse(time.RFC3339Nano, deleted.String)
		o.DeletedAt = &t
	}
	return &o, nil
}

func now() string { return store.Now() }

// Get returns the account with id.
func (s *Service) Get(ctx context.Context, id int64) (*Official, error) {
	o, err := scan(s.db.R.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("officials: get %d: %w", id, err)
	}
	return o, nil
}

// GetByEmail returns the live account with that e-mail (compared normalised).
func (s *Service) GetByEmail(ctx context.Context, email string) (*Official, error) {
	o, err := scan(s.db.R.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE email_norm = ? AND deleted_at IS NULL", NormaliseEmail(email)))
	if err != nil {
		return nil, fmt.Errorf("officials: get by e-mail: %w", err)
	}
	return o, nil
}

// dummyHash is the bcrypt hash, at the service's cost, of a password nobody knows. A login
// for an address without an account, or for an account without a password yet, is compared
// with it, so that it takes as long to fail as a wrong password for a real account.
func (s *Service) dummyHash() []byte {
	s.dummyOnce.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte(NewToken()[:32]), s.cost)
		if err != nil {
			// Only an impossible cost gets here, and then no password can be set either.
			h = []byte("$2a$10$CwTycUXWue0Thq9StjUM0uJ8.nG4Zb2ZEgkq8ZIKo6fLJAbkgsKxC")
		}
		s.dummy = h
	})
	return s.dummy
}

// passwordMatches compares a password with a stored hash (the dummy one when there is none).
// A password longer than bcrypt reads was never set (validation refuses it), so it is wrong,
// after the same work as any other.
func (s *Service) passwordMatches(hash, password string) bool {
	h, p := []byte(hash), []byte(password)
	if len(h) == 0 {
		h = s.dummyHash()
	}
	tooLong := len(p) > MaxPasswordBytes
	if tooLong {
		p = p[:MaxPasswordBytes]
	}
	return bcrypt.CompareHashAndPassword(h, p) == nil && hash != "" && !tooLong
}

func (s *Service) hash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return "", fmt.Errorf("officials: hash password: %w", err)
	}
	return string(h), nil
}

// ErrEmailTaken is what Register returns when the address already has an account: nothing
// was created, and notify was handed the existing account.
var ErrEmailTaken = errors.New("officials: the e-mail address already has an account")

// Registration is what Register hands to notify, inside its transaction, for the mail to send.
type Registration struct {
	Official *Official // the new account; the existing one when Taken
	Taken    bool      // the address already had an account, and nothing was created
	// Link is the secret of a link for the mail: the confirmation of the new account, or a
	// password reset for the existing one (its holder may simply have forgotten).
	Link string
}

// Register creates an official's own account from the registration form. The e-mail is
// unique case-insensitively and after Unicode normalisation; the unique index decides races.
// The account opens with its password only once the address is confirmed.
//
// When the address already has an account, Register does the same work, creates nothing and
// returns ErrEmailTaken: the caller answers the visitor as for a new account, and only the
// mail (queued by notify) tells the address's holder. notify runs inside the transaction, so
// that the account and its mail are saved together or not at all; it may be nil.
func (s *Service) Register(ctx context.Context, in Input, notify func(tx *sql.Tx, r Registration) error) (*Official, error) {
	in.Clean()
	f := in.Validate(true)
	if err := s.checkCountry(ctx, in.Country, f); err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	h, err := s.hash(in.Password)
	if err != nil {
		return nil, err
	}
	var o *Official
	taken := false
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		id, err := insert(ctx, tx, in, h, RoleOfficial, false, true)
		purpose := PurposeConfirm
		if emailTaken(err) {
			// insert failed no statement, so the transaction goes on: find who has the address.
			taken, purpose = true, PurposeReset
			o, err = scan(tx.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE email_norm = ? AND deleted_at IS NULL", NormaliseEmail(in.Email)))
		} else if err == nil {
			o, err = scan(tx.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE id = ?", id))
		}
		if err != nil {
			return fmt.Errorf("officials: register: %w", err)
		}
		tok, err := newEmailToken(ctx, tx, o.ID, purpose)
		if err != nil || notify == nil {
			return err
		}
		return notify(tx, Registration{Official: o, Taken: taken, Link: tok})
	})
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, ErrEmailTaken
	}
	return o, nil
}

// Create makes an account on someone's behalf (staff, a focal point nominating, the command
// line). With no password the account can only be claimed through a reset link.
func (s *Service) Create(ctx context.Context, actor audit.Actor, in Input, role string) (*Official, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.CreateTx(ctx, tx, actor, in, role)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// CreateTx is Create inside the caller's transaction, so that an import of many accounts
// (and what goes with them) commits whole or not at all. It returns the new account's id.
func (s *Service) CreateTx(ctx context.Context, tx *sql.Tx, actor audit.Actor, in Input, role string) (int64, error) {
	in.Clean()
	if err := s.CheckNew(ctx, in, role); err != nil {
		return 0, err
	}
	h := ""
	if in.Password != "" {
		var err error
		if h, err = s.hash(in.Password); err != nil {
			return 0, err
		}
	}
	id, err := insert(ctx, tx, in, h, role, in.Password == "" && actor.ID != 0, false)
	if err != nil {
		return 0, err
	}
	return id, audit.Record(ctx, tx, actor, "official.create", fmt.Sprintf("official:%d", id), "role", "", role)
}

// CheckNew validates the account Create would make from in with role, writing nothing, so
// that a caller can refuse before it saves anything that goes with the account. A taken
// e-mail is not checked here: the unique index decides it inside the transaction.
func (s *Service) CheckNew(ctx context.Context, in Input, role string) error {
	in.Clean()
	f := in.Validate(in.Password != "")
	relaxCountry(f, role)
	if !validRole(role) {
		f.Add("role", "field.role.invalid")
	}
	if err := s.checkCountry(ctx, in.Country, f); err != nil {
		return err
	}
	if role == RoleFocalPoint && in.Country == "" {
		f.Add("country", "field.country.required_focal")
	}
	return f.Err()
}

// GetTx returns the account with id as q (a transaction) sees it.
func (s *Service) GetTx(ctx context.Context, q store.Queryer, id int64) (*Official, error) {
	o, err := scan(q.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("officials: get %d: %w", id, err)
	}
	return o, nil
}

// insert adds an account. confirmFirst keeps its password from opening it until the address
// is confirmed (self-registration).
func insert(ctx context.Context, tx *sql.Tx, in Input, hash, role string, mustChange, confirmFirst bool) (int64, error) {
	var country any
	if in.Country != "" {
		country = in.Country
	}
	t := now()
	var id int64
	// A taken address inserts nothing (no row comes back) rather than failing the statement:
	// on PostgreSQL a failed statement aborts the whole transaction, and Register goes on in
	// it to find who holds the address. The unique index still decides between two
	// registrations at once: the later one waits for the first to commit, then inserts nothing.
	err := tx.QueryRowContext(ctx, `INSERT INTO officials(email, email_norm, password_hash, name_ar, name_latin, job_title,
		organisation, country, sector, gender, language, role, must_change_password, confirm_to_log_in, created_at, updated_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		in.Email, NormaliseEmail(in.Email), hash, in.NameAr, in.NameLatin, in.JobTitle, in.Organisation, country,
		in.Sector, in.Gender, in.Language, role, mustChange, confirmFirst, t, t).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || store.IsUniqueViolation(err) {
		return 0, problem.Fields{"email": "field.email.taken"}.Err()
	}
	if err != nil {
		return 0, fmt.Errorf("officials: insert: %w", err)
	}
	return id, nil
}

// emailTaken reports whether err is insert's "this address has an account".
func emailTaken(err error) bool {
	p, ok := problem.As(err)
	return ok && p.Fields["email"] == "field.email.taken"
}

// checkCountry adds a field error when iso is not a member state. Only a country that does
// not exist is the user's mistake: a failed lookup is returned, for a 500.
func (s *Service) checkCountry(ctx context.Context, iso string, f problem.Fields) error {
	if iso == "" || f["country"] != "" {
		return nil
	}
	c, err := s.Country(ctx, iso)
	switch {
	case errors.Is(err, store.ErrNotFound):
		f.Add("country", "field.country.invalid")
	case err != nil:
		return err
	case !c.Member:
		f.Add("country", "field.country.invalid")
	}
	return nil
}

// relaxCountry lets programme staff and admins, who work for the commission rather than a
// member state, leave the country empty.
func relaxCountry(f problem.Fields, role string) {
	if (role == RoleStaff || role == RoleAdmin) && f["country"] == "field.country.required" {
		delete(f, "country")
	}
}

func validRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// ErrBadCredentials is returned when an e-mail and password do not match an account.
var ErrBadCredentials = problem.New(http.StatusUnauthorized, "bad_credentials", "error.bad_credentials")

// Authenticate returns the account whose e-mail and password match. Every failure costs the
// same bcrypt comparison — unknown address, account still to be claimed (no password),
// address not confirmed yet after registering, over-long password — and ends in the same
// ErrBadCredentials, so that neither the answer nor its time tells who has an account. A
// database failure is returned as such.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*Official, error) {
	var confirmFirst bool
	o, err := scanWith(s.db.R.QueryRowContext(ctx, "SELECT "+cols+", confirm_to_log_in FROM officials WHERE email_norm = ? AND deleted_at IS NULL",
		NormaliseEmail(email)), &confirmFirst)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("officials: authenticate: %w", err)
	}
	hash := ""
	if o != nil {
		hash = o.passwordHash
	}
	if !s.passwordMatches(hash, password) || (confirmFirst && !o.EmailConfirmed) {
		return nil, ErrBadCredentials
	}
	// Only the holder of the password learns that the account waits to be erased.
	due, scheduled, err := s.ErasureDue(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	if scheduled {
		return nil, &ErasureScheduledError{Due: due}
	}
	return o, nil
}

// UpdateProfile changes the profile fields of account id. When the actor is not the account
// itself, every changed field is written to the audit log.
func (s *Service) UpdateProfile(ctx context.Context, actor audit.Actor, id int64, in Input) (*Official, error) {
	in.Clean()
	cur, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	f := in.ValidateProfile()
	relaxCountry(f, cur.Role)
	if err := s.checkCountry(ctx, in.Country, f); err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAccount(ctx, tx, id); err != nil {
			return fmt.Errorf("officials: update %d: %w", id, err)
		}
		old, err := scan(tx.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE id = ? AND deleted_at IS NULL", id))
		if err != nil {
			return fmt.Errorf("officials: update %d: %w", id, err)
		}
		if old.Role == RoleFocalPoint && in.Country == "" {
			return problem.Fields{"country": "field.country.required_focal"}.Err()
		}
		var country any
		if in.Country != "" {
			country = in.Country
		}
		_, err = tx.ExecContext(ctx, `UPDATE officials SET name_ar = ?, name_latin = ?, job_title = ?, organisation = ?,
			country = ?, sector = ?, gender = ?, language = ?, updated_at = ? WHERE id = ?`,
			in.NameAr, in.NameLatin, in.JobTitle, in.Organisation, country, in.Sector, in.Gender, in.Language, now(), id)
		if err != nil {
			return fmt.Errorf("officials: update %d: %w", id, err)
		}
		if actor.ID == id {
			return nil
		}
		subject := fmt.Sprintf("official:%d", id)
		for _, ch := range [][3]string{
			{"name_ar", old.NameAr, in.NameAr}, {"name_latin", old.NameLatin, in.NameLatin},
			{"job_title", old.JobTitle, in.JobTitle}, {"organisation", old.Organisation, in.Organisation},
			{"country", old.Country, in.Country}, {"sector", old.Sector, in.Sector},
			{"gender", old.Gender, in.Gender}, {"language", old.Language, in.Language},
		} {
			if ch[1] != ch[2] {
				if err := audit.Record(ctx, tx, actor, "official.edit", subject, ch[0], ch[1], ch[2]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.changed()
	return s.Get(ctx, id)
}

// SetRole grants a role to account id and records it.
func (s *Service) SetRole(ctx context.Context, actor audit.Actor, id int64, role string) error {
	if !validRole(role) {
		return problem.Fields{"role": "field.role.invalid"}.Err()
	}
	defer s.changed()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockAccount(ctx, tx, id); err != nil {
			return fmt.Errorf("officials: set role %d: %w", id, err)
		}
		var old, country string
		err := tx.QueryRowContext(ctx, "SELECT role, coalesce(country, '') FROM officials WHERE id = ? AND deleted_at IS NULL", id).Scan(&old, &country)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("officials: set role %d: %w", id, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("officials: set role %d: %w", id, err)
		}
		if old == role {
			return nil
		}
		if role == RoleFocalPoint && country == "" {
			return problem.Fields{"role": "field.country.required_focal"}.Err()
		}
		if _, err := tx.ExecContext(ctx, "UPDATE officials SET role = ?, updated_at = ? WHERE id = ?", role, now(), id); err != nil {
			return fmt.Errorf("officials: set role %d: %w", id, err)
		}
		return audit.Record(ctx, tx, actor, "official.role", fmt.Sprintf("official:%d", id), "role", old, role)
	})
}

// ChangePassword replaces the password of account id after checking the current one, ends
// the account's other sessions and revokes its API tokens (whoever learnt the old password
// may have made one). It returns how many tokens were revoked.
func (s *Service) ChangePassword(ctx context.Context, id int64, current, next string, keepSession string) (int, error) {
	o, err := s.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	f := problem.Fields{}
	// An account that must change its one-time password has just logged in with it: the
	// form does not ask for it again.
	if o.passwordHash != "" && !o.MustChangePassword && !s.passwordMatches(o.passwordHash, current) {
		f.Add("current_password", "field.current_password.wrong")
	}
	if k := passwordProblem(next, o.Email); k != "" {
		f.Add("password", k)
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	h, err := s.hash(next)
	if err != nil {
		return 0, err
	}
	revoked := 0
	defer s.changed()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE officials SET password_hash = ?, must_change_password = 0, updated_at = ? WHERE id = ?", h, now(), id); err != nil {
			return fmt.Errorf("officials: set password %d: %w", id, err)
		}
		revoked, err = endSessionsAndTokens(ctx, tx, id, keepSession)
		return err
	})
	return revoked, err
}

// endSessionsAndTokens ends every session of account id but keepSession and revokes its API
// tokens, after its password changed; it returns how many tokens were revoked.
func endSessionsAndTokens(ctx context.Context, tx *sql.Tx, id int64, keepSession string) (int, error) {
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE official_id = ? AND token_hash <> ?", id, hashToken(keepSession)); err != nil {
		return 0, fmt.Errorf("officials: end sessions of %d: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE official_id = ? AND revoked_at IS NULL", now(), id)
	if err != nil {
		return 0, fmt.Errorf("officials: revoke tokens of %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Filter narrows the list of accounts.
type Filter struct {
	Q       string // matches names, e-mail, organisation
	Country string
	Role    string
	Limit   int
	Offset  int
}

// CountCap is where List stops counting matches; a total above it means "more than CountCap".
const CountCap = 1000

// List returns live accounts matching the filter, newest first, and how many match (up to
// CountCap+1).
func (s *Service) List(ctx context.Context, f Filter) ([]*Official, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	from, order := " FROM officials o", " ORDER BY o.id DESC"
	where := []string{"o.deleted_at IS NULL"}
	var args []any
	byName := false // searched in the trigram index
	var names nameQuery
	if q := strings.TrimSpace(f.Q); utf8.RuneCountInString(q) >= 3 {
		byName = true
		// The trigram index finds substrings of three characters or more; the phrase is
		// quoted so that the searcher's words are never read as query syntax. Walking the
		// index in rowid order lets LIMIT stop the scan early, however many accounts match.
		from, order = " FROM officials_fts f JOIN officials o ON o.id = f.rowid", " ORDER BY f.rowid DESC"
		names = nameSearch(s.db.Dialect(), q)
		where = append(where, names.where)
		args = append(args, names.arg)
	} else if q != "" {
		like := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		where = append(where, `(lower(o.name_latin) LIKE ? ESCAPE '\' OR o.name_ar LIKE ? ESCAPE '\' OR o.email_norm LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if f.Country != "" {
		where = append(where, "o.country = ?")
		args = append(args, f.Country)
	}
	if f.Role != "" {
		where = append(where, "o.role = ?")
		args = append(args, f.Role)
	}
	w := " WHERE " + strings.Join(where, " AND ")
	// Counting stops past CountCap: beyond it the list says "more than …", and the page costs
	// the same with 1,000 or 100,000 matching accounts. A search by name alone is counted in
	// the trigram index only (it holds live accounts only), without reading the accounts.
	count := "SELECT count(*) FROM (SELECT 1" + from + w + " LIMIT ?) AS matched"
	if byName && f.Country == "" && f.Role == "" {
		count = names.count
	}
	var total int
	countStmt, err := s.db.Read(ctx, count) //nolint:sqlclosecheck // kept prepared by store until it closes
	if err != nil {
		return nil, 0, fmt.Errorf("officials: count: %w", err)
	}
	if err := countStmt.QueryRowContext(ctx, append(args, CountCap+1)...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("officials: count: %w", err)
	}
	listSQL := "SELECT " + prefixed("o") + from + w + order + " LIMIT ? OFFSET ?"
	listStmt, err := s.db.Read(ctx, listSQL) //nolint:sqlclosecheck // kept prepared by store until it closes
	if err != nil {
		return nil, 0, fmt.Errorf("officials: list: %w", err)
	}
	rows, err := listStmt.QueryContext(ctx, append(args, f.Limit, f.Offset)...)
	out, err := store.Collect(rows, err, scan)
	if err != nil {
		return nil, 0, fmt.Errorf("officials: list: %w", err)
	}
	return out, total, nil
}

// AdminEmails returns the e-mail addresses of the live admin accounts, as stored.
func (s *Service) AdminEmails(ctx context.Context) ([]string, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT email FROM officials WHERE role = ? AND deleted_at IS NULL ORDER BY id", RoleAdmin)
	out, err := store.Collect(rows, err, store.Column[string])
	if err != nil {
		return nil, fmt.Errorf("officials: admin e-mails: %w", err)
	}
	return out, nil
}

// MayManage reports whether by may change account o (its profile or role) on their behalf:
// staff and admin accounts are managed by admins only, so that no staff member raises,
// lowers or edits a colleague, an admin, or an account they would then make staff.
func MayManage(by, o *Official) bool {
	return by.IsAdmin() || by.IsStaff() && !o.IsStaff()
}

// MayGrant reports whether by may give role to an account: staff may make officials,
// focal points and trainers; only an admin makes staff or admins.
func MayGrant(by *Official, role string) bool {
	return by.IsAdmin() || by.IsStaff() && role != RoleStaff && role != RoleAdmin
}

// GrantableRoles is the roles by may give, in the order of Roles.
func GrantableRoles(by *Official) []string {
	var out []string
	for _, r := range Roles {
		if MayGrant(by, r) {
			out = append(out, r)
		}
	}
	return out
}

// CountAdmins returns how many live admin accounts exist.
func (s *Service) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, "SELECT count(*) FROM officials WHERE role = 'admin' AND deleted_at IS NULL").Scan(&n)
	return n, err
}

// EnsureAdmin makes sure an admin with this e-mail exists, creating it with the password if
// missing or raising the existing account to admin. It reports whether it created one.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string, mustChange bool) (bool, error) {
	if o, err := s.GetByEmail(ctx, email); err == nil {
		return false, s.raiseToAdmin(ctx, o)
	}
	in := Input{Email: email, Password: password, NameAr: "مدير المنصة", NameLatin: "Platform administrator",
		JobTitle: "Administrator", Organisation: "Masar", Gender: "unspecified", Sector: "international", Language: "ar"}
	in.Clean()
	f := problem.Fields{}
	if k := emailProblem(in.Email); k != "" {
		f.Add("email", k)
	}
	if k := passwordProblem(password, in.Email); k != "" {
		f.Add("password", k)
	}
	if err := f.Err(); err != nil {
		return false, err
	}
	h, err := s.hash(password)
	if err != nil {
		return false, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		id, err := insert(ctx, tx, in, h, RoleAdmin, mustChange, false)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE officials SET email_confirmed_at = ? WHERE id = ?", now(), id)
		return err
	})
	if emailTaken(err) {
		// Made meanwhile by another process: instances starting together on one PostgreSQL
		// database, or a command beside the server. It exists now; it is not ours to report.
		o, gerr := s.GetByEmail(ctx, email)
		if gerr != nil {
			return false, fmt.Errorf("officials: ensure admin: %w", gerr)
		}
		return false, s.raiseToAdmin(ctx, o)
	}
	return err == nil, err
}

// raiseToAdmin makes the existing account o an admin, unless it is one.
func (s *Service) raiseToAdmin(ctx context.Context, o *Official) error {
	if o.Role == RoleAdmin {
		return nil
	}
	return s.SetRole(ctx, audit.Actor{Email: "system"}, o.ID, RoleAdmin)
}

package workshops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Importing a list of people from a workbook (a delegation, a participant list, or accounts
// alone) is all or nothing: every row is checked first — profile fields as on the
// registration form, duplicates, the person's country, seats — and nothing is written while
// any row is wrong; the report then names each bad row and field. The accounts and the
// registrations are then written in one transaction.

// RowError is one problem of one row of an imported sheet.
type RowError struct {
	Row     int    `json:"row"`   // the row's number as Excel shows it
	Field   string `json:"field"` // the column's code (email, name_ar, country, status…)
	Key     string `json:"-"`
	Message string `json:"message"`
}

// ImportReport says what an import did, or why it did nothing.
type ImportReport struct {
	Rows       int        `json:"rows"`       // people in the sheet
	Created    int        `json:"created"`    // accounts created
	Registered int        `json:"registered"` // registrations made (or reopened)
	Unchanged  int        `json:"unchanged"`  // already registered, or accounts that already existed
	Errors     []RowError `json:"errors"`
	// Accounts are the accounts created (their claim mails, when the import was given a
	// ClaimFunc, were queued in its transaction).
	Accounts []*officials.Official `json:"-"`
}

// ErrImportInvalid is returned with a report whose Errors say what to fix; nothing was saved.
func importInvalid(rep *ImportReport) error {
	f := map[string]string{}
	for _, e := range rep.Errors {
		f["rows."+strconv.Itoa(e.Row)+"."+e.Field] = e.Key
	}
	return &problem.Error{Status: http.StatusUnprocessableEntity, Code: "import_invalid", Key: "workshops.import.invalid", Fields: f}
}

// person is a checked row: an existing account, or the input to create one.
type person struct {
	line     int
	existing *officials.Official
	in       officials.Input
	status   string
	role     string
	created  bool
}

func (p *person) country() string {
	if p.existing != nil {
		return p.existing.Country
	}
	return p.in.Country
}

var (
	genderWords = map[string]string{"f": "female", "m": "male", "woman": "female", "man": "male", "انثي": "female", "امراه": "female",
		"رجل": "male", "femme": "female", "homme": "male", "h": "male"}
	languageWords = map[string]string{"arabic": "ar", "english": "en", "french": "fr", "عربي": "ar", "العربيه": "ar",
		"الانجليزيه": "en", "الإنجليزيه": "en", "انجليزي": "en", "الفرنسيه": "fr", "فرنسي": "fr", "arabe": "ar", "anglais": "en",
		"francais": "fr", "français": "fr"}
)

// people reads and checks the sheet's rows. scope, when not empty, is the only country
// allowed (a focal point's delegation); withStatus reads the status column, withRole the
// role column. lang is the language of the report's messages.
func (s *Service) people(ctx context.Context, data []byte, lang, scope string, withStatus, withRole bool) ([]*person, *ImportReport, error) {
	found, rows, err := s.readSheet(data)
	if err != nil {
		return nil, nil, err
	}
	rep := &ImportReport{Rows: len(rows), Errors: []RowError{}}
	bad := func(line int, field, key string) {
		rep.Errors = append(rep.Errors, RowError{Row: line, Field: field, Key: key, Message: s.cat.T(lang, key)})
	}
	if !found[colEmail] {
		bad(1, colEmail, "workshops.import.no_email_column")
		return nil, rep, importInvalid(rep)
	}
	if len(rows) == 0 {
		return nil, nil, ErrImportEmpty
	}
	cs, err := s.offs.Countries(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]string{}
	member := map[string]bool{}
	for _, c := range cs {
		member[c.ISO] = c.Member
		for _, n := range []string{c.ISO, c.NameAr, c.NameEn, c.NameFr} {
			byName[normHeader(n)] = c.ISO
		}
	}
	seen := map[string]int{}
	var out []*person
	for _, row := range rows {
		v := row.Values
		p := &person{line: row.Line, status: RegPending, role: officials.RoleOfficial}
		email := strings.TrimSpace(v[colEmail])
		norm := officials.NormaliseEmail(email)
		if _, dup := seen[norm]; dup && norm != "" {
			bad(row.Line, colEmail, "workshops.import.duplicate")
			continue
		}
		seen[norm] = row.Line
		if email == "" {
			bad(row.Line, colEmail, "field.required")
			continue
		}
		if o, err := s.offs.GetByEmail(ctx, email); err == nil {
			p.existing = o
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, nil, err
		}
		if p.existing == nil {
			in := officials.Input{Email: email, NameAr: v[colNameAr], NameLatin: v[colNameLatin], JobTitle: v[colJobTitle],
				Organisation: v[colOrganisation]}
			flagged := map[string]bool{}
			c := v[colCountry]
			if c == "" {
				c = v[colCountryName] // a sheet may name the country rather than give its code
			}
			if c != "" {
				if iso, known := byName[normHeader(c)]; known {
					in.Country = iso
				} else {
					bad(row.Line, colCountry, "field.country.invalid")
					flagged[colCountry] = true
				}
			}
			if code, known := s.codeFor("sector.", officials.Sectors, v[colSector]); known {
				in.Sector = code
			} else {
				bad(row.Line, colSector, "field.choose")
				flagged[colSector] = true
			}
			g := v[colGender]
			if w, ok := genderWords[normHeader(g)]; ok {
				g = w
			}
			if code, known := s.codeFor("gender.", officials.Genders, g); known {
				in.Gender = code
				if code == "" {
					in.Gender = "unspecified"
				}
			} else {
				bad(row.Line, colGender, "field.choose")
				flagged[colGender] = true
			}
			lg := v[colLanguage]
			if w, ok := languageWords[normHeader(lg)]; ok {
				lg = w
			}
			if code, known := s.codeFor("lang.", []string{"ar", "en", "fr"}, lg); known {
				in.Language = code
				if code == "" {
					in.Language = "ar"
				}
			} else {
				bad(row.Line, colLanguage, "field.choose")
				flagged[colLanguage] = true
			}
			in.Clean()
			f := in.Validate(false)
			if in.Country != "" && f["country"] == "" && !member[in.Country] {
				f.Add("country", "field.country.invalid")
			}
			fields := make([]string, 0, len(f))
			for k := range f {
				fields = append(fields, k)
			}
			sort.Strings(fields)
			for _, k := range fields {
				if !flagged[k] {
					bad(row.Line, k, f[k])
				}
			}
			if len(f) > 0 || len(flagged) > 0 {
				continue
			}
			p.in = in
		} else if p.existing.Country == "" && (withStatus || scope != "") {
			bad(row.Line, colEmail, "workshops.error.no_country")
			continue
		}
		if scope != "" && p.country() != scope {
			bad(row.Line, colCountry, "workshops.import.other_country")
			continue
		}
		if withStatus {
			st := v[colStatus]
			code, known := s.codeFor("workshops.status.", RegStatuses, st)
			switch {
			case !known:
				bad(row.Line, colStatus, "workshops.import.bad_status")
				continue
			case code == "":
				code = RegPending
			case code == RegOffered:
				code = RegWaitlisted // an offer is not imported: its holder goes back to the waiting list
			}
			if scope != "" {
				code = RegPending // a focal point nominates; staff decide
			}
			p.status = code
		}
		if withRole {
			code, known := s.codeFor("role.", []string{officials.RoleOfficial, officials.RoleFocalPoint, officials.RoleTrainer}, v[colRole])
			switch {
			case !known:
				bad(row.Line, colRole, "workshops.import.bad_role")
				continue
			case code != "":
				p.role = code
			}
		}
		out = append(out, p)
	}
	if len(rep.Errors) > 0 {
		return nil, rep, importInvalid(rep)
	}
	return out, rep, nil
}

// ClaimFunc queues, inside the transaction that made account o, the mail that lets its
// holder claim it: an import's accounts and their mails are saved together or not at all.
type ClaimFunc func(tx *sql.Tx, o *officials.Official) error

// firstClaim is the optional ClaimFunc of an import (nil: no mail).
func firstClaim(claim []ClaimFunc) ClaimFunc {
	if len(claim) == 0 {
		return nil
	}
	return claim[0]
}

// createAccounts makes, inside tx, the accounts of the rows that have none, with no
// password (their holders claim them by e-mail, queued by claim when not nil).
func (s *Service) createAccounts(ctx context.Context, tx *sql.Tx, actor audit.Actor, ps []*person, rep *ImportReport, lang string, claim ClaimFunc) error {
	for _, p := range ps {
		if p.existing != nil {
			continue
		}
		id, err := s.offs.CreateTx(ctx, tx, actor, p.in, p.role)
		if err != nil {
			if pe, ok := problem.As(err); ok && len(pe.Fields) > 0 {
				for f, k := range pe.Fields {
					rep.Errors = append(rep.Errors, RowError{Row: p.line, Field: f, Key: k, Message: s.cat.T(lang, k)})
				}
				return importInvalid(rep)
			}
			return fmt.Errorf("workshops: import row %d: %w", p.line, err)
		}
		p.existing = &officials.Official{ID: id, Email: p.in.Email, NameAr: p.in.NameAr, NameLatin: p.in.NameLatin,
			Country: p.in.Country, Language: p.in.Language, Role: p.role}
		p.created = true
		rep.Created++
		if claim != nil {
			o, err := s.offs.GetTx(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := claim(tx, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// claimants loads the accounts an import created, once it is committed.
func (s *Service) claimants(ctx context.Context, ps []*person, rep *ImportReport) {
	for _, p := range ps {
		if p.created {
			if o, err := s.offs.Get(ctx, p.existing.ID); err == nil {
				rep.Accounts = append(rep.Accounts, o)
			}
		}
	}
}

// ImportOfficials creates an account for every person of the workbook who has none (role
// column: official, focal_point or trainer; official when empty). Accounts that exist are
// left as they are. claim, if given, queues each new account's claim mail in the import's
// transaction.
func (s *Service) ImportOfficials(ctx context.Context, actor audit.Actor, data []byte, lang string, claim ...ClaimFunc) (*ImportReport, error) {
	lang = langOr(lang)
	ps, rep, err := s.people(ctx, data, lang, "", false, true)
	if err != nil {
		return rep, err
	}
	for _, p := range ps {
		if p.existing != nil {
			rep.Unchanged++
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error { return s.createAccounts(ctx, tx, actor, ps, rep, lang, firstClaim(claim)) })
	if err != nil {
		rep.Created = 0
		return rep, err
	}
	s.claimants(ctx, ps, rep)
	return rep, nil
}

// ImportParticipants registers the people of the workbook to workshop wid, creating the
// accounts they lack, for who: staff (with each row's status: pending, confirmed,
// waitlisted, rejected or cancelled; confirmed rows must fit the seats) or a focal point
// (their country's people only, as nominations, while registration is open). People
// already registered are left as they are. claim, if given, queues each new account's
// claim mail in the import's transaction.
func (s *Service) ImportParticipants(ctx context.Context, who *officials.Official, wid int64, data []byte, lang string, claim ...ClaimFunc) (*ImportReport, error) {
	lang = langOr(lang)
	if who == nil || !(who.IsStaff() || who.IsFocalPoint()) {
		return nil, problem.Forbidden
	}
	w, err := s.Get(ctx, wid)
	if err != nil {
		return nil, err
	}
	if !w.IsPublic() && !who.IsStaff() {
		return nil, problem.NotFound
	}
	scope := ""
	if !who.IsStaff() {
		scope = who.Country
	}
	if w.Status == StatusCancelled || w.Status == StatusCompleted || !s.Now().Before(w.End()) {
		return nil, ErrWorkshopOver
	}
	if scope != "" && !w.RegistrationOpenAt(s.Now()) {
		return nil, ErrClosed
	}
	ps, rep, err := s.people(ctx, data, lang, scope, true, false)
	if err != nil {
		return rep, err
	}
	bad := func(line int, field, key string) {
		rep.Errors = append(rep.Errors, RowError{Row: line, Field: field, Key: key, Message: s.cat.T(lang, key)})
	}
	// Who is registered already, and how many seats are held, per country.
	current := map[int64]string{}
	held, heldBy := 0, map[string]int{}
	now := s.stamp()
	rows, err := s.db.R.QueryContext(ctx, `SELECT official_id, status, country, coalesce(offer_expires_at, '') FROM registrations WHERE workshop_id = ?`, wid)
	err = store.Each(rows, err, func(row store.Scanner) error {
		var oid int64
		var st, c, exp string
		if err := row.Scan(&oid, &st, &c, &exp); err != nil {
			return err
		}
		current[oid] = st
		if st == RegConfirmed || (st == RegOffered && exp > now) {
			held++
			heldBy[c]++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workshops: registrations of %d: %w", wid, err)
	}
	var todo []*person
	for _, p := range ps {
		if p.existing != nil {
			if st, ok := current[p.existing.ID]; ok && st != RegCancelled {
				rep.Unchanged++
				continue
			}
		}
		if w.Kind == KindNational && p.country() != w.HostCountry {
			bad(p.line, colCountry, "workshops.error.wrong_country")
			continue
		}
		if p.status == RegConfirmed {
			held++
			heldBy[p.country()]++
			switch {
			case held > w.Capacity:
				bad(p.line, colStatus, "workshops.error.capacity_full")
				continue
			case w.quota() > 0 && heldBy[p.country()] > w.quota():
				bad(p.line, colStatus, "workshops.error.quota_full")
				continue
			}
		}
		todo = append(todo, p)
	}
	if len(rep.Errors) > 0 {
		return rep, importInvalid(rep)
	}
	actor := audit.Actor{ID: who.ID, Email: who.Email}
	var nominator int64
	if !who.IsStaff() {
		nominator = who.ID
	}
	// Accounts and registrations commit together or not at all.
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lockWorkshop(ctx, tx, wid); err != nil {
			return err
		}
		w, err := s.lite(ctx, tx, wid)
		if err != nil {
			return err
		}
		if err := s.createAccounts(ctx, tx, actor, todo, rep, lang, firstClaim(claim)); err != nil {
			return err
		}
		for _, p := range todo {
			if _, err := s.insertRegistration(ctx, tx, actor, w, p.existing, nominator, "", p.status); err != nil {
				if pe, ok := problem.As(err); ok {
					bad(p.line, colStatus, pe.Key)
					return importInvalid(rep)
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		rep.Created = 0
		return rep, err
	}
	rep.Registered = len(todo)
	s.claimants(ctx, todo, rep)
	return rep, nil
}

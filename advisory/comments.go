package advisory

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// Comment is a message of a request's thread. Internal comments are staff-only notes: the
// country never sees them, on a page or through the API.
type Comment struct {
	ID        int64     `json:"id"`
	Author    Person    `json:"author"`
	Internal  bool      `json:"internal"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// Person is someone named on a request (author, actor, uploader), as the viewer may see them.
type Person struct {
	ID        int64  `json:"id"`
	NameAr    string `json:"name_ar"`
	NameLatin string `json:"name_latin"`
	Staff     bool   `json:"staff"` // speaks for the programme
	// Former marks an account since deleted or erased: its name is gone, and pages say
	// "former account" in its place.
	Former bool   `json:"former"`
	Gender string `json:"-"` // for the grammar of messages about the person
}

// Name is the person's name in a language ("" for an account since deleted).
func (p Person) Name(lang string) string {
	if lang == "ar" && p.NameAr != "" {
		return p.NameAr
	}
	if p.NameLatin != "" {
		return p.NameLatin
	}
	return p.NameAr
}

// people returns a lookup of accounts by id, each read once.
func (s *Service) people(ctx context.Context) func(id int64) Person {
	seen := map[int64]Person{}
	return func(id int64) Person {
		if p, ok := seen[id]; ok {
			return p
		}
		p := Person{ID: id, Former: true}
		if o, err := s.officials.Get(ctx, id); err == nil && o.DeletedAt == nil {
			p.NameAr, p.NameLatin, p.Staff, p.Gender, p.Former = o.NameAr, o.NameLatin, o.IsStaff(), o.Gender, false
		}
		seen[id] = p
		return p
	}
}

// AddComment adds a message to request id's thread on behalf of u. internal marks a
// staff-only note (refused for anyone else). A message the country can read is recorded
// and e-mailed to the requester and the country's focal points; an internal note is only
// recorded.
func (s *Service) AddComment(ctx context.Context, u *officials.Official, id int64, body string, internal bool) (*Comment, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	if internal && !u.IsStaff() {
		return nil, problem.Forbidden
	}
	body = cleanText(body)
	f := problem.Fields{}
	textProblem(f, "body", body, MaxComment, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var cid int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO advisory_comments(request_id, author_id, internal, body, created_at)
			VALUES(?, ?, ?, ?, ?) RETURNING id`, id, u.ID, internal, body, store.Now()).Scan(&cid)
		if err != nil {
			return fmt.Errorf("advisory: comment on %d: %w", id, err)
		}
		action := "advisory.comment"
		if internal {
			action = "advisory.note"
		}
		if err := audit.Record(ctx, tx, actorOf(u), action, subjectOf(id), "comment", "", strconv.FormatInt(cid, 10)); err != nil {
			return err
		}
		if internal {
			return nil
		}
		r, err := s.lockedGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, r, u, "advisory_comment", map[string]string{"comment": body}); err != nil {
			return err
		}
		if u.IsStaff() {
			return nil
		}
		return s.notifyStaffComment(ctx, tx, r, u, body)
	})
	if err != nil {
		return nil, err
	}
	return &Comment{ID: cid, Author: s.people(ctx)(u.ID), Internal: internal, Body: body, CreatedAt: time.Now().UTC()}, nil
}

// Comments returns request id's thread as u may read it, oldest first: the messages
// between the country and staff, and — for staff only — the internal notes, apart.
func (s *Service) Comments(ctx context.Context, u *officials.Official, id int64) (thread, notes []Comment, err error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, nil, err
	}
	q := "SELECT id, author_id, internal, body, created_at FROM advisory_comments WHERE request_id = ?"
	if !u.IsStaff() {
		q += " AND internal = 0"
	}
	rows, err := s.db.R.QueryContext(ctx, q+" ORDER BY id", id)
	all, err := store.Collect(rows, err, func(row store.Scanner) (Comment, error) {
		var c Comment
		var at string
		err := row.Scan(&c.ID, &c.Author.ID, &c.Internal, &c.Body, &at)
		c.CreatedAt = parseTime(at)
		return c, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("advisory: comments %d: %w", id, err)
	}
	people := s.people(ctx)
	thread, notes = []Comment{}, []Comment{}
	for _, c := range all {
		c.Author = people(c.Author.ID)
		if c.Internal {
			notes = append(notes, c)
		} else {
			thread = append(thread, c)
		}
	}
	if !u.IsStaff() {
		notes = nil
	}
	return thread, notes, nil
}

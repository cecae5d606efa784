package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/masar-platform/masar/store"
)

// Person is someone being erased, as the audit log may have recorded them.
type Person struct {
	ID     int64
	Emails []string // the address as typed and as normalised
	Names  []string // the names in each script
	// Pseudonym is the stable opaque name that replaces them: "person-…".
	Pseudonym string
}

// minNameRunes is the length from which a person's name is replaced in entries that are not
// about them or by them: a shorter one ("Ali") would also match inside other people's values.
const minNameRunes = 5

// profileFields are the fields of an account whose recorded values are personal data.
var profileFields = []string{"email", "name_ar", "name_latin", "job_title", "organisation"}

// Pseudonymise rewrites the audit log inside the caller's transaction so that it no longer
// names p, while it still says what happened: entries by p carry p.Pseudonym as their actor;
// the recorded values of p's profile fields (names, address, job, organisation) in entries
// about p become p.Pseudonym; p's address anywhere in any entry, and p's names in entries
// about or by p (or in any entry, for a name long enough not to match someone else's value),
// are replaced by p.Pseudonym.
func Pseudonymise(ctx context.Context, q store.Queryer, p Person) error {
	if p.Pseudonym == "" || p.ID == 0 {
		return fmt.Errorf("audit: pseudonymise: no pseudonym or account")
	}
	subject := "official:" + strconv.FormatInt(p.ID, 10)
	if _, err := q.ExecContext(ctx, "UPDATE audit_log SET actor_email = ? WHERE actor_id = ?", p.Pseudonym, p.ID); err != nil {
		return fmt.Errorf("audit: pseudonymise actor %d: %w", p.ID, err)
	}
	in := "'" + strings.Join(profileFields, "', '") + "'"
	if _, err := q.ExecContext(ctx, `UPDATE audit_log SET
		from_value = CASE WHEN from_value = '' THEN '' ELSE ? END,
		to_value = CASE WHEN to_value = '' THEN '' ELSE ? END
		WHERE subject = ? AND field IN (`+in+`)`, p.Pseudonym, p.Pseudonym, subject); err != nil {
		return fmt.Errorf("audit: pseudonymise profile of %d: %w", p.ID, err)
	}
	for _, e := range p.Emails {
		if strings.TrimSpace(e) == "" {
			continue
		}
		if err := replaceAll(ctx, q, e, p.Pseudonym, "", nil); err != nil {
			return err
		}
	}
	for _, n := range p.Names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if utf8.RuneCountInString(n) >= minNameRunes {
			if err := replaceAll(ctx, q, n, p.Pseudonym, "", nil); err != nil {
				return err
			}
			continue
		}
		if err := replaceAll(ctx, q, n, p.Pseudonym, " AND (subject = ? OR actor_id = ?)", []any{subject, p.ID}); err != nil {
			return err
		}
	}
	return nil
}

// replaceAll replaces old by repl in the actor, from and to values of the entries that hold
// it (and match the extra condition); the address is also matched in lower case. LIKE (with
// its wildcards escaped) picks the rows, replace() is exact: both are portable SQL.
func replaceAll(ctx context.Context, q store.Queryer, old, repl, cond string, args []any) error {
	for _, v := range uniq(old, strings.ToLower(old)) {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(v) + "%"
		a := append([]any{v, repl, v, repl, v, repl, like, like, like}, args...)
		if _, err := q.ExecContext(ctx, `UPDATE audit_log SET actor_email = replace(actor_email, ?, ?),
			from_value = replace(from_value, ?, ?), to_value = replace(to_value, ?, ?)
			WHERE (actor_email LIKE ? ESCAPE '\' OR from_value LIKE ? ESCAPE '\' OR to_value LIKE ? ESCAPE '\')`+cond, a...); err != nil {
			return fmt.Errorf("audit: pseudonymise: %w", err)
		}
	}
	return nil
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// Purge deletes the entries recorded before cutoff (the retention period of the audit log)
// and returns how many went.
func Purge(ctx context.Context, q store.Queryer, cutoff time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM audit_log WHERE at < ?", store.FormatTime(cutoff))
	if err != nil {
		return 0, fmt.Errorf("audit: purge: %w", err)
	}
	return res.RowsAffected()
}

package officials

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
)

// CreateVouchedTx creates, inside tx, the account of someone an identity provider vouched
// for (an OpenID Connect sign-in): its e-mail address is confirmed (the provider verified
// it), it has no password, and of the profile only what the provider told is known — the
// e-mail, the names, the page's language. A name that is not a valid name in its script is
// left empty rather than refused: the holder completes the profile after signing in. An
// address that is not one, or one that already has an account, is refused with a field
// error on "email". It returns the new account's id.
func (s *Service) CreateVouchedTx(ctx context.Context, tx *sql.Tx, actor audit.Actor, in Input, role string) (int64, error) {
	in.Clean()
	in.Password = ""
	if k := emailProblem(in.Email); k != "" {
		return 0, problem.Fields{"email": k}.Err()
	}
	if nameProblem(in.NameAr, isArabicNameRune, "field.name_ar.script") != "" {
		in.NameAr = ""
	}
	if nameProblem(in.NameLatin, isLatinNameRune, "field.name_latin.script") != "" {
		in.NameLatin = ""
	}
	if !i18n.Supported(in.Language) {
		in.Language = i18n.Default
	}
	in.JobTitle, in.Organisation, in.Country, in.Sector, in.Gender = "", "", "", "", ""
	if !validRole(role) || role == RoleFocalPoint {
		// A focal point needs a country, which no provider tells.
		return 0, problem.Fields{"role": "field.role.invalid"}.Err()
	}
	id, err := insert(ctx, tx, in, "", role, false, false)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE officials SET email_confirmed_at = ? WHERE id = ?", now(), id); err != nil {
		return 0, fmt.Errorf("officials: confirm vouched account %d: %w", id, err)
	}
	defer s.changed()
	return id, audit.Record(ctx, tx, actor, "official.create", fmt.Sprintf("official:%d", id), "role", "", role)
}

// GetByEmailTx returns the live account with that e-mail as q (a transaction) sees it.
func (s *Service) GetByEmailTx(ctx context.Context, q store.Queryer, email string) (*Official, error) {
	o, err := scan(q.QueryRowContext(ctx, "SELECT "+cols+" FROM officials WHERE email_norm = ? AND deleted_at IS NULL", NormaliseEmail(email)))
	if err != nil {
		return nil, fmt.Errorf("officials: get by e-mail: %w", err)
	}
	return o, nil
}

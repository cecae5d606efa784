package certificates

import (
	"strings"

	"github.com/masar-platform/masar/store"
)

// The two backends name a failed UNIQUE constraint differently, and this package tells its
// constraints apart: a certificate code drawn twice is drawn again, a second certificate for
// the same achievement gives way to the first. SQLite's message lists the table's columns
// ("UNIQUE constraint failed: certificates.code"); PostgreSQL's names the constraint or index
// ("violates unique constraint "certificates_code_key""), whose names the migrations fix.
// This file is the one place where certificates' SQL knows which backend it runs on.

// uniqueConstraint is one UNIQUE rule of the certificates table, as each backend names it.
type uniqueConstraint struct {
	sqlite   string // the first column in SQLite's message
	postgres string // the constraint or index name, quoted as PostgreSQL's message quotes it
}

var (
	// codeTaken: the drawn code belongs to another certificate (UNIQUE(code)).
	codeTaken = uniqueConstraint{"certificates.code", `"certificates_code_key"`}
	// alreadyThere: the official already holds this achievement (index certificates_once).
	alreadyThere = uniqueConstraint{"certificates.kind", `"certificates_once"`}
	// statusTaken: the status list entry drawn is another certificate's
	// (UNIQUE(status_list, status_index)).
	statusTaken = uniqueConstraint{"certificates.status_list", `"certificates_status_list_status_index_key"`}
)

// violates reports whether err is a failure of the UNIQUE rule u on the backend of db.
func violates(db *store.DB, err error, u uniqueConstraint) bool {
	if !store.IsUniqueViolation(err) {
		return false
	}
	name := u.sqlite
	if db.Dialect() == store.Postgres {
		name = u.postgres
	}
	return strings.Contains(err.Error(), name)
}

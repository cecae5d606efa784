package advisory

import "github.com/masar-platform/masar/store"

// The few places where advisory's SQL differs between SQLite and PostgreSQL, side by side.
// Everything else is written once, in SQL both speak.

// commaList is the SQL aggregate that joins the values of expr over a group with commas
// (NULL for an empty group): SQLite's group_concat, PostgreSQL's string_agg, which wants
// text (expr is cast). The order of the values is not specified on either backend.
func commaList(d store.Dialect, expr string) string {
	if d == store.Postgres {
		return "string_agg(CAST(" + expr + " AS TEXT), ',')"
	}
	return "group_concat(" + expr + ", ',')"
}

package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestMigrationKeepsTheStandingOfPastFacts: enrolments, registrations and certificates made
// before migration 14 get the member state, gender and sector of their person (as the
// profile says when the migration runs), so that the reports of the past keep counting them
// where they did.
func TestMigrationKeepsTheStandingOfPastFacts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "masar.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	p, err := provider(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	const at = "2025-05-01T10:00:00.000000000Z"
	for _, q := range []string{
		`INSERT INTO countries(iso2, name_ar, name_en, name_fr, timezone) VALUES('TN', 'تونس', 'Tunisia', 'Tunisie', 'Africa/Tunis'),
			('EG', 'مصر', 'Egypt', 'Égypte', 'Africa/Cairo'), ('JO', 'الأردن', 'Jordan', 'Jordanie', 'Asia/Amman')`,
		`INSERT INTO officials(id, email, email_norm, country, sector, gender, created_at, updated_at)
			VALUES(1, 'a@gov.example', 'a@gov.example', 'TN', 'academia', 'female', '` + at + `', '` + at + `')`,
		`INSERT INTO officials(id, email, email_norm, country, sector, gender, created_at, updated_at, deleted_at)
			VALUES(2, '', 'deleted:2', 'EG', '', '', '` + at + `', '` + at + `', '` + at + `')`,
		`INSERT INTO enrolments(official_id, course_slug, enrolled_at) VALUES(1, 'open-government-data', '` + at + `')`,
		`INSERT INTO enrolments(official_id, course_slug, enrolled_at) VALUES(2, 'open-government-data', '` + at + `')`,
		`INSERT INTO workshops(id, title_ar, kind, host_country, timezone, start_date, end_date, capacity, created_at, updated_at)
			VALUES(1, 'ورشة', 'regional', 'JO', 'Asia/Amman', '2025-05-10', '2025-05-11', 20, '` + at + `', '` + at + `')`,
		`INSERT INTO registrations(workshop_id, official_id, country, status, ticket, created_at, updated_at)
			VALUES(1, 1, 'TN', 'confirmed', 'T1', '` + at + `', '` + at + `')`,
		`INSERT INTO certificates(code, kind, official_id, course, start_date, recipient_hash, recipient_salt, issued_at,
			status_list, status_index, pdf_sha256) VALUES('ABCDEFGHJKMNP', 'course', 1, 'open-government-data', '2025-05-02',
			'sha256$x', 's', '` + at + `', 1, 0, '` + string(make64('a')) + `')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(what, q string, want ...string) {
		t.Helper()
		got := make([]string, len(want))
		ptrs := make([]any, len(want))
		for i := range got {
			ptrs[i] = &got[i]
		}
		if err := db.R.QueryRowContext(ctx, q).Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: %q, want %q", what, got, want)
				return
			}
		}
	}
	check("enrolment", "SELECT fact_country, fact_gender, fact_sector FROM enrolments WHERE official_id = 1", "TN", "female", "academia")
	check("erased account's enrolment", "SELECT fact_country, fact_gender, fact_sector FROM enrolments WHERE official_id = 2", "EG", "", "")
	check("registration", "SELECT country, fact_gender, fact_sector FROM registrations WHERE official_id = 1", "TN", "female", "academia")
	check("certificate", "SELECT fact_country, fact_gender, fact_sector FROM certificates WHERE official_id = 1", "TN", "female", "academia")
}

func make64(c byte) []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return b
}

package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestMigrationGivesRequestsTheirOwners: a request whose free-text lead expert names exactly
// one staff account (by name or e-mail, in any case) gets that account as its owner; a name
// shared by two staff accounts, or an outside expert's, leaves the request unowned; the text
// itself stays as it was typed.
func TestMigrationGivesRequestsTheirOwners(t *testing.T) {
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
	if _, err := p.UpTo(ctx, 18); err != nil {
		t.Fatal(err)
	}
	const at = "2025-05-01T10:00:00.000000000Z"
	official := func(id, email, nameAr, nameLatin, role string) string {
		return `INSERT INTO officials(id, email, email_norm, name_ar, name_latin, role, created_at, updated_at)
			VALUES(` + id + `, '` + email + `', '` + email + `', '` + nameAr + `', '` + nameLatin + `', '` + role + `', '` + at + `', '` + at + `')`
	}
	request := func(id, lead string) string {
		return `INSERT INTO advisory_requests(id, country, requesting_body, needs, language, lead_expert, created_by, created_at, updated_at)
			VALUES(` + id + `, 'JO', 'Ministry', 'Needs of the ministry.', 'ar', '` + lead + `', 1, '` + at + `', '` + at + `')`
	}
	for _, q := range []string{
		`INSERT INTO countries(iso2, name_ar, name_en, name_fr, timezone) VALUES('JO', 'الأردن', 'Jordan', 'Jordanie', 'Asia/Amman')`,
		official("1", "nour@commission.example", "نور سالم", "Nour Salem", "staff"),
		official("2", "omar1@commission.example", "عمر فاروق", "Omar Farouk", "staff"),
		official("3", "omar2@commission.example", "عمر فاروق", "Omar Farouk", "admin"),
		official("4", "amal@gov.example", "أمل ناصر", "Amal Nasser", "official"),
		request("1", "nour salem"),
		request("2", " نور سالم "),
		request("3", "NOUR@commission.example"),
		request("4", "Omar Farouk"),
		request("5", "Amal Nasser"),
		request("6", ""),
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
	for id, want := range map[int]int64{1: 1, 2: 1, 3: 1, 4: 0, 5: 0, 6: 0} {
		var owner sql.NullInt64
		var lead string
		if err := db.R.QueryRowContext(ctx, "SELECT owner_id, lead_expert FROM advisory_requests WHERE id = ?", id).Scan(&owner, &lead); err != nil {
			t.Fatal(err)
		}
		if owner.Int64 != want {
			t.Errorf("request %d (lead expert %q): owner %v, want %d", id, lead, owner, want)
		}
	}
}

package pgmigrate

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// TestVerifyFindsADifference: after a migration, a change on PostgreSQL that keeps the row
// counts (a country's Arabic name spelt with another alif, an unconfirmed address's NULL
// made an empty text) makes the checksums of those tables, and of those alone, differ.
func TestVerifyFindsADifference(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "masar.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := store.Now()
	for _, q := range []string{
		`INSERT INTO countries (iso2, name_ar, name_en, name_fr, timezone) VALUES ('JO', 'الأردن', 'Jordan', 'Jordanie', 'Asia/Amman')`,
		`INSERT INTO officials (email, email_norm, name_ar, name_latin, country, created_at, updated_at, email_confirmed_at)
			VALUES ('a@jo.test', 'a@jo.test', 'ليلى', 'Layla', 'JO', ?1, ?1, NULL), ('b@jo.test', 'b@jo.test', 'سامي', 'Sami', 'JO', ?1, ?1, ?1)`,
	} {
		if _, err := db.W.ExecContext(ctx, q, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	url := storetest.NewPostgresDatabase(t)
	if _, err := Run(ctx, Options{From: path, To: url}); err != nil {
		t.Fatal(err)
	}

	dst, err := store.OpenShared(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for _, q := range []string{
		`UPDATE countries SET name_ar = 'الاردن' WHERE iso2 = 'JO'`,
		`UPDATE officials SET email_confirmed_at = '' WHERE email_confirmed_at IS NULL`,
	} {
		if _, err := dst.W.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	src, _, cleanup, err := snapshot(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cleanup() }()
	p, err := makePlan(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	checks, err := verify(ctx, src, dst, p)
	if err != nil {
		t.Fatal(err)
	}
	rep := Report{Tables: checks}
	bad := rep.Mismatched()
	if len(bad) != 2 || bad[0] != "countries" || bad[1] != "officials" {
		t.Errorf("tables found different: %v, want [countries officials]", bad)
	}
	for _, c := range checks {
		if c.SourceRows != c.TargetRows {
			t.Errorf("%s: %d rows on SQLite, %d on PostgreSQL", c.Name, c.SourceRows, c.TargetRows)
		}
	}
}

// TestConvertRefusesWhatPostgreSQLCannotHold: a value SQLite kept against its column's
// type (text in an INTEGER column) stops the copy with the value, rather than being
// changed on the way.
func TestConvertRefusesWhatPostgreSQLCannotHold(t *testing.T) {
	for _, c := range []struct {
		v    any
		k    kind
		want any
	}{
		{int64(7), kindInt, int64(7)},
		{float64(3), kindInt, int64(3)},
		{int64(2), kindReal, float64(2)},
		{[]byte("نص"), kindText, "نص"},
		{"%PDF", kindBlob, []byte("%PDF")},
		{nil, kindText, nil},
	} {
		got, err := convert(c.v, c.k)
		if err != nil || fmtAny(got) != fmtAny(c.want) {
			t.Errorf("convert(%#v, %d) = %#v, %v; want %#v", c.v, c.k, got, err, c.want)
		}
	}
	for _, c := range []struct {
		v any
		k kind
	}{{"twelve", kindInt}, {1.5, kindInt}, {"x", kindReal}, {2.5, kindText}, {int64(2), kindBool}} {
		if got, err := convert(c.v, c.k); err == nil {
			t.Errorf("convert(%#v, %d) = %#v, want a refusal", c.v, c.k, got)
		}
	}
}

func fmtAny(v any) string {
	if b, ok := v.([]byte); ok {
		return "bytes:" + string(b)
	}
	return fmt.Sprintf("%T:%v", v, v)
}

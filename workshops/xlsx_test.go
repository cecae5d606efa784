package workshops_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/workshops"
)

// book writes rows (the first is the header) as a workbook.
func book(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var header = []any{"Email", "Full name in Arabic script", "Full name in Latin script", "Job title", "Organisation", "Member state", "Sector", "Gender", "Preferred language", "Status"}

func row(email, ar, latin, country, status string) []any {
	return []any{email, ar, latin, "Director", "Ministry of Planning", country, "Central government", "Female", "English", status}
}

func TestParticipantsRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.published(input(10, 0))
	p1, p2, p3 := e.official("JO"), e.official("QA"), e.official("MA")
	r1 := e.must(e.apply(p1, a), e.staff, workshops.ActApprove)
	e.must(e.apply(p2, a), e.staff, workshops.ActWaitlist)
	e.apply(p3, a)
	e.advance(39 * 24 * time.Hour) // 12 March
	if _, err := e.ws.CheckIn(ctx, e.staff, a.ID, r1.ID, "2026-03-11", true); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := e.ws.WriteParticipantsXLSX(ctx, &out, a.ID, "ar"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	view, _ := f.GetSheetView(sheet, 0)
	if view.RightToLeft == nil || !*view.RightToLeft {
		t.Error("the Arabic sheet does not read right to left")
	}
	rows, _ := f.GetRows(sheet)
	f.Close()
	if len(rows) != 4 {
		t.Fatalf("%d rows, want a header and 3 participants", len(rows))
	}
	head := strings.Join(rows[0], "|")
	for _, want := range []string{"البريد الإلكتروني", "الاسم بالحروف العربية", "الأربعاء 11 مارس 2026", "نسبة الحضور"} {
		if !strings.Contains(head, want) {
			t.Errorf("header lacks %q: %s", want, head)
		}
	}
	first := strings.Join(rows[1], "|")
	if !strings.Contains(first, p1.Email) || !strings.Contains(first, "سارة خالد") || !strings.Contains(first, "Sara Khaled") ||
		!strings.Contains(first, "مؤكد") || !strings.Contains(first, "✓") || !strings.Contains(first, "33%") {
		t.Errorf("first participant row: %s", first)
	}

	// The same file imports into another workshop: same people, same statuses.
	b := e.published(input(10, 0))
	rep, err := e.ws.ImportParticipants(ctx, e.staff, b.ID, out.Bytes(), "en")
	if err != nil {
		t.Fatalf("import: %v %+v", err, rep)
	}
	if rep.Registered != 3 || rep.Created != 0 || len(rep.Errors) != 0 {
		t.Errorf("report %+v", rep)
	}
	for _, p := range []struct {
		o    *officials.Official
		want string
	}{{p1, workshops.RegConfirmed}, {p2, workshops.RegWaitlisted}, {p3, workshops.RegPending}} {
		r, err := e.ws.RegistrationFor(ctx, b.ID, p.o.ID)
		if err != nil || r.Status != p.want {
			t.Errorf("%s in the second workshop: %v %v, want %s", p.o.Email, r, err, p.want)
		}
	}
	// Importing again changes nothing.
	rep, err = e.ws.ImportParticipants(ctx, e.staff, b.ID, out.Bytes(), "en")
	if err != nil || rep.Unchanged != 3 || rep.Registered != 0 {
		t.Errorf("second import: %v %+v", err, rep)
	}
	// On another platform the people have no accounts: they are created.
	var fr bytes.Buffer
	if err := e.ws.WriteParticipantsXLSX(ctx, &fr, a.ID, "fr"); err != nil {
		t.Fatal(err)
	}
	other := newEnv(t)
	c := other.published(input(10, 0))
	rep, err = other.ws.ImportParticipants(ctx, other.staff, c.ID, fr.Bytes(), "fr")
	if err != nil || rep.Created != 3 || rep.Registered != 3 {
		t.Fatalf("import on a fresh platform: %v %+v", err, rep)
	}
	o, err := other.offs.GetByEmail(ctx, p2.Email)
	if err != nil || o.NameAr != p2.NameAr || o.Country != "QA" || o.Sector != "central_government" || o.Language != "en" {
		t.Errorf("created account %+v %v", o, err)
	}
}

func codeOf(err error) string {
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// zipBomb is a small file that claims to be a workbook and unzips to 200 MB.
func zipBomb(t *testing.T) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := z.Create(name)
		w.Write([]byte("<x/>"))
	}
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		w.Write(chunk)
	}
	z.Close()
	if b.Len() > 2<<20 {
		t.Fatalf("bomb is %d bytes", b.Len())
	}
	return b.Bytes()
}

func TestImportFailureModes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.published(input(2, 0))
	taken := e.official("JO")
	focal := e.person("focal@gov.test", officials.RoleFocalPoint, "JO")
	plainZip := func() []byte {
		var b bytes.Buffer
		z := zip.NewWriter(&b)
		f, _ := z.Create("notes.txt")
		f.Write([]byte("hello"))
		z.Close()
		return b.Bytes()
	}()
	tooMany := [][]any{header}
	for i := 0; i <= workshops.MaxImportRows; i++ {
		tooMany = append(tooMany, row(fmt.Sprintf("p%d@gov.jo", i), "سارة خالد", "Sara Khaled", "JO", ""))
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		who    *officials.Official
		code   string
		errors []string // row:field expected in the report
	}{
		{"a CSV file", []byte("email,name\nhuda@gov.bh,Huda\n"), e.staff, "not_xlsx", nil},
		{"a zip that is not a workbook", plainZip, e.staff, "not_xlsx", nil},
		{"a file over the size limit", append([]byte("PK\x03\x04"), make([]byte, workshops.MaxImportBytes)...), e.staff, "too_large", nil},
		{"a zip bomb", zipBomb(t), e.staff, "unzip_too_large", nil},
		{"an empty sheet", book(t, nil), e.staff, "empty", nil},
		{"no e-mail column", book(t, [][]any{{"Name", "Country"}, {"Huda", "BH"}}), e.staff, "import_invalid", []string{"1:email"}},
		{"too many rows", book(t, tooMany), e.staff, "too_many_rows", nil},
		{"bad rows", book(t, [][]any{header,
			row("huda@gov.bh", "هدى علي", "Huda Ali", "BH", ""),
			row("not-an-email", "هدى علي", "Huda Ali", "BH", ""),
			row("omar@gov.om", "Omar", "Omar Said", "OM", ""),
			row("huda@gov.bh", "هدى علي", "Huda Ali", "BH", ""),
			row("nadia@gov.ma", "نادية", "Nadia", "Atlantis", ""),
			row("karim@gov.tn", "كريم", "Karim", "TN", "maybe"),
			row("", "كريم", "Karim", "TN", ""),
		}), e.staff, "import_invalid", []string{"3:email", "4:name_ar", "5:email", "6:country", "7:status", "8:email"}},
		{"more confirmed than seats", book(t, [][]any{header,
			row("a@gov.jo", "أحمد علي", "Ahmad Ali", "JO", "confirmed"),
			row("b@gov.jo", "بشرى علي", "Bushra Ali", "الأردن", "مؤكد"),
			row("c@gov.jo", "جمال علي", "Jamal Ali", "Jordanie", "Confirmé"),
		}), e.staff, "import_invalid", []string{"4:status"}},
		{"a focal point's list with another country's official", book(t, [][]any{header,
			row("d@gov.jo", "دينا علي", "Dina Ali", "JO", ""),
			row("e@gov.qa", "عيسى علي", "Issa Ali", "QA", ""),
		}), focal, "import_invalid", []string{"3:country"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.count("SELECT count(*) FROM officials") + e.count("SELECT count(*) FROM registrations")
			rep, err := e.ws.ImportParticipants(ctx, tc.who, w.ID, tc.data, "en")
			if codeOf(err) != tc.code {
				t.Fatalf("error %v, want %s", err, tc.code)
			}
			if tc.errors != nil {
				var got []string
				for _, re := range rep.Errors {
					got = append(got, fmt.Sprintf("%d:%s", re.Row, re.Field))
					if re.Message == "" || strings.HasPrefix(re.Message, "workshops.") {
						t.Errorf("row %d: message %q is not a sentence", re.Row, re.Message)
					}
				}
				if !slices.Equal(got, tc.errors) {
					t.Errorf("report names %v, want %v", got, tc.errors)
				}
			}
			if after := e.count("SELECT count(*) FROM officials") + e.count("SELECT count(*) FROM registrations"); after != before {
				t.Errorf("a failed import saved %d rows", after-before)
			}
		})
	}
	_ = taken
	// A good list from the focal point becomes their country's nominations.
	rep, err := e.ws.ImportParticipants(ctx, focal, w.ID, book(t, [][]any{header,
		row("d@gov.jo", "دينا علي", "Dina Ali", "JO", "confirmed"), {taken.Email}}), "ar")
	if err != nil || rep.Created != 1 || rep.Registered != 2 {
		t.Fatalf("focal point's import: %v %+v", err, rep)
	}
	r, _ := e.ws.RegistrationFor(ctx, w.ID, taken.ID)
	if r.Status != workshops.RegPending || r.NominatedBy == nil || *r.NominatedBy != focal.ID {
		t.Errorf("nomination by import: %+v", r)
	}
}

func TestImportOfficials(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	existing := e.official("JO")
	data := book(t, [][]any{
		{"البريد الإلكتروني", "الاسم بالعربية", "الاسم باللاتينية", "المسمى الوظيفي", "الجهة", "الدولة", "القطاع", "الجنس", "اللغة", "الدور"},
		{"lina@gov.lb", "لينا حداد", "Lina Haddad", "مديرة", "وزارة التنمية الإدارية", "لبنان", "الحكومة المركزية", "أنثى", "العربية", "جهة الاتصال الوطنية"},
		{existing.Email, "", "", "", "", "", "", "", "", ""},
		{"sami@gov.lb", "سامي خوري", "Sami Khoury", "مدرب", "المعهد الوطني للإدارة", "LB", "academia", "M", "fr", "trainer"},
	})
	rep, err := e.ws.ImportOfficials(ctx, e.actor(), data, "ar")
	if err != nil || rep.Created != 2 || rep.Unchanged != 1 || len(rep.Accounts) != 2 {
		t.Fatalf("import officials: %v %+v", err, rep)
	}
	lina, _ := e.offs.GetByEmail(ctx, "lina@gov.lb")
	sami, _ := e.offs.GetByEmail(ctx, "sami@gov.lb")
	if lina.Role != officials.RoleFocalPoint || lina.Country != "LB" || lina.Gender != "female" || lina.Language != "ar" {
		t.Errorf("lina: %+v", lina)
	}
	if sami.Role != officials.RoleTrainer || sami.Sector != "academia" || sami.Gender != "male" || sami.Language != "fr" {
		t.Errorf("sami: %+v", sami)
	}
	// Staff accounts are not made from a spreadsheet.
	_, err = e.ws.ImportOfficials(ctx, e.actor(), book(t, [][]any{{"email", "role"}, {"x@gov.lb", "admin"}}), "en")
	if codeOf(err) != "import_invalid" {
		t.Errorf("admin by import: %v", err)
	}
}

// BenchmarkImport5000 imports a list of 5,000 new people to a workshop: accounts created,
// registrations made and e-mails written.
func BenchmarkImport5000(b *testing.B) {
	rows := [][]any{header}
	for i := 0; i < 5000; i++ {
		st := "pending"
		if i < 1000 {
			st = "confirmed"
		}
		rows = append(rows, row(fmt.Sprintf("person%d@gov.jo", i), "سارة خالد", "Sara Khaled", "JO", st))
	}
	data := book(b, rows)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b)
		w := e.published(input(2000, 0))
		b.StartTimer()
		rep, err := e.ws.ImportParticipants(context.Background(), e.staff, w.ID, data, "en")
		if err != nil || rep.Created != 5000 || rep.Registered != 5000 {
			b.Fatalf("%v %+v", err, rep)
		}
	}
}

// sheetXML is the XML of the first worksheet of an .xlsx file, as a reader would see it.
func sheetXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range zr.File {
		if e.Name == "xl/worksheets/sheet1.xml" {
			rc, err := e.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			var b bytes.Buffer
			if _, err := b.ReadFrom(rc); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
	}
	t.Fatal("no xl/worksheets/sheet1.xml")
	return ""
}

var filterRe = regexp.MustCompile(`<autoFilter ref="\$?A\$?1:\$?P\$?3"`)

// TestParticipantsXLSXFilterAndDirection: the participants sheet has a real filter over its
// header row and data, and an Arabic sheet says rightToLeft="1", which every reader takes.
func TestParticipantsXLSXFilterAndDirection(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.published(input(10, 0))
	e.apply(e.official("JO"), a)
	e.apply(e.official("QA"), a)
	for _, lang := range []string{"ar", "en"} {
		var out bytes.Buffer
		if err := e.ws.WriteParticipantsXLSX(ctx, &out, a.ID, lang); err != nil {
			t.Fatal(err)
		}
		x := sheetXML(t, out.Bytes())
		// 12 profile columns, 3 days, the rate: P; a header and two rows.
		if !filterRe.MatchString(x) {
			t.Errorf("%s: no auto-filter over A1:P3 in the sheet: %.300s", lang, x[strings.Index(x, "</sheetData>"):])
		}
		if strings.Contains(x, `rightToLeft="true"`) || (lang == "ar") != strings.Contains(x, `rightToLeft="1"`) {
			t.Errorf("%s: sheet view %s", lang, x[strings.Index(x, "<sheetViews>"):strings.Index(x, "</sheetViews>")])
		}
		f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("%s: the rewritten file does not open: %v", lang, err)
		}
		if rows, _ := f.GetRows(f.GetSheetName(0)); len(rows) != 3 {
			t.Errorf("%s: %d rows after rewriting", lang, len(rows))
		}
		f.Close()
	}
}

// inflated is a real workbook of a few people whose sheet is padded with inflated bytes of
// white space (valid XML) until the whole unzips to about mb megabytes: a small upload.
func inflated(t *testing.T, mb int) []byte {
	t.Helper()
	src := book(t, [][]any{header, row("huda@gov.bh", "هدى علي", "Huda Ali", "BH", "")})
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, e := range zr.File {
		rc, _ := e.Open()
		var part bytes.Buffer
		part.ReadFrom(rc)
		rc.Close()
		w, _ := z.Create(e.Name)
		data := part.Bytes()
		if e.Name == "xl/worksheets/sheet1.xml" {
			i := bytes.Index(data, []byte("<sheetData"))
			w.Write(data[:i])
			pad := bytes.Repeat([]byte(" "), 1<<20)
			for j := 0; j < mb; j++ {
				w.Write(pad)
			}
			data = data[i:]
		}
		w.Write(data)
	}
	z.Close()
	return b.Bytes()
}

// TestImportInflatedWorkbook: a small upload that inflates far beyond what a list of people
// needs is refused before it is parsed, with a message naming the limit; one within the
// limit is read.
func TestImportInflatedWorkbook(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := e.published(input(10, 0))
	bomb := inflated(t, 40)
	if len(bomb) > 200<<10 {
		t.Fatalf("the inflated workbook is %d bytes, not a small upload", len(bomb))
	}
	_, err := e.ws.ImportParticipants(ctx, e.staff, w.ID, bomb, "en")
	p, ok := problem.As(err)
	if !ok || p.Code != "unzip_too_large" || !slices.Contains(p.Args, any(workshops.MaxImportUnzipped>>20)) {
		t.Fatalf("inflated workbook: %v", err)
	}
	if workshops.MaxImportUnzipped > 20<<20 {
		t.Errorf("unzipped imports may reach %d MB", workshops.MaxImportUnzipped>>20)
	}
	if _, err := e.ws.ImportParticipants(ctx, e.staff, w.ID, inflated(t, 2), "en"); err != nil {
		t.Errorf("a workbook of 2 MB unzipped: %v", err)
	}
}

package eventdocs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/masar-platform/masar/eventdocs"
	"github.com/masar-platform/masar/officials"
)

// moreNames fill the sign-in sheet past one page.
var moreNames = []struct{ ar, latin, country string }{
	{"يوسف العمري", "Youssef El Omari", "MA"}, {"هدى الزعبي", "Huda Al-Zoubi", "JO"}, {"رامي حداد", "Rami Haddad", "LB"},
	{"ليلى بن عمر", "Leila Ben Omar", "TN"}, {"خالد السالم", "Khaled Al-Salem", "KW"}, {"فاطمة الزهراء الإدريسي", "Fatima Zahra El Idrissi", "MA"},
	{"أحمد ولد محمد", "Ahmed Ould Mohamed", "MR"}, {"نور الهدى قاسم", "Nour El Houda Kacem", "DZ"}, {"طارق المصري", "Tarek El Masry", "EG"},
	{"ريم الشامسي", "Reem Al Shamsi", "AE"}, {"عمر البلوشي", "Omar Al Balushi", "OM"}, {"مريم العطية", "Maryam Al-Attiyah", "QA"},
	{"سليمان الحربي", "Suleiman Al-Harbi", "SA"}, {"دعاء الجبوري", "Duaa Al-Jubouri", "IQ"}, {"ياسر عبد الرحيم", "Yasser Abdelrahim", "SD"},
	{"رنا خوري", "Rana Khoury", "LB"}, {"بلال العلوي", "Bilal Al-Alawi", "BH"},
}

// TestSignInSheets prints the sign-in sheets and reads them back: one sheet per day of the
// agenda (in the host's time zone), the table right to left in Arabic with its header row on
// every page and "page n of m" at the foot, the participants by country, every name whole
// and in logical order, an organisation mixing scripts and digits as the bidi algorithm lays
// it out; left to right in English; all days in one ZIP.
func TestSignInSheets(t *testing.T) {
	f := newBadgeFixture(t)
	e, ctx := f.e, context.Background()
	for _, n := range moreNames {
		e.confirm(f.w, e.person(officials.RoleOfficial, n.country, n.ar, n.latin, "female", "وزارة التخطيط"))
	}
	mixedOrg := "وزارة الاقتصاد الرقمي – وحدة ICT 2030"
	e.confirm(f.w, e.person(officials.RoleOfficial, "JO", "زينب الخطيب", "Zainab Al-Khatib", "female", mixedOrg))
	total := len(hardNames) + len(moreNames) + 1

	if days := eventdocs.Days(f.w); !slices.Equal(days, []string{"2026-03-10", "2026-03-12"}) {
		t.Fatalf("the sheets' days are %v, want the agenda's days in Amman: 10 and 12 March", days)
	}
	if _, err := e.docs.SignInSheet(ctx, f.w, "2026-03-11", "ar"); !errors.Is(err, eventdocs.ErrNoDay) {
		t.Errorf("a sheet for a day without sessions: %v, want ErrNoDay", err)
	}

	b, err := e.docs.SignInSheetPDF(ctx, f.w, "2026-03-10", "ar")
	if err != nil {
		t.Fatal(err)
	}
	file := save(t, "signin-ar.pdf", b)
	info := poppler(t, "pdfinfo", file)
	for _, want := range []string{"Pages:           2", "Page size:       595.28 x 841.89 pts (A4)", "Tagged:          yes"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	people, err := e.docs.Participants(ctx, f.w, "ar")
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != total {
		t.Fatalf("%d participants on the sheet, want the %d confirmed", len(people), total)
	}

	// The columns from the right: number, name, organisation, country, signature.
	const margin, top, height = 36.0, 0.0, 841.89
	right := 595.28 - margin
	var names, countries, numbers, all string
	for page := 1; page <= 2; page++ {
		whole := textIn(t, file, page, 0, 0, 595.28, 841.89)
		all += whole
		for _, want := range []string{"ورقة التوقيع", "الورشة الإقليمية حول البيانات الحكومية المفتوحة", "الثلاثاء 10 مارس 2026", "اليوم 1 من 2",
			"فندق لو رويال", "الاسم", "الجهة", "الدولة", "التوقيع", fmt.Sprintf("صفحة %d من 2", page)} {
			readsAs(t, fmt.Sprintf("page %d", page), whole, want)
		}
		numbers += textIn(t, file, page, right-26, top, 26, height)
		names += textIn(t, file, page, right-26-170, top, 170, height)
		countries += textIn(t, file, page, right-26-170-134-80, top, 80, height)
	}
	for _, p := range people {
		readsAs(t, "the name column", names, p.NameAr)
		readsAs(t, "the name column", names, p.NameLatin)
	}
	readsAs(t, "the sheet", all, mixedOrg)
	for i := 1; i <= total; i++ {
		if !strings.Contains("\n"+bidiMarks.Replace(numbers)+"\n", fmt.Sprintf("\n%d\n", i)) {
			t.Errorf("row number %d is not in the rightmost column:\n%s", i, numbers)
		}
	}
	// By country, in the order of the countries' Arabic names.
	var seen []string
	for _, l := range strings.Split(logical(strings.ReplaceAll(countries, "\n", "|")), "|") {
		if l != "" && l != "الدولة" && (len(seen) == 0 || seen[len(seen)-1] != l) {
			seen = append(seen, l)
		}
	}
	if !slices.IsSorted(seen) || len(seen) < 15 {
		t.Errorf("the countries are not in order, or are missing: %v", seen)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(seen)))) != len(seen) {
		t.Errorf("a country's participants are split: %v", seen)
	}

	// In English the table runs left to right: the numbers in the leftmost column.
	b, err = e.docs.SignInSheetPDF(ctx, f.w, "2026-03-12", "en")
	if err != nil {
		t.Fatal(err)
	}
	file = save(t, "signin-en.pdf", b)
	whole := textIn(t, file, 1, 0, 0, 595.28, 841.89)
	for _, want := range []string{"Sign-in sheet", "Regional workshop on open government data", "Thursday 12 March 2026", "Day 2 of 2", "Page 1 of 2", "Signature"} {
		readsAs(t, "English page 1", whole, want)
	}
	if left := textIn(t, file, 1, margin, 0, 26, height); !strings.Contains(left, "\n1\n") && !strings.HasPrefix(strings.TrimSpace(left), "#") {
		t.Errorf("the English sheet's first column is not the number:\n%s", left)
	}
	if nameCol := textIn(t, file, 1, margin+26, 0, 170, height); !strings.Contains(nameCol, "Sara") && !strings.Contains(nameCol, "Youssef El Omari") {
		t.Errorf("the English sheet's second column has no names:\n%s", nameCol)
	}

	// Every day in one ZIP.
	var buf bytes.Buffer
	if err := e.docs.SignInZIP(ctx, &buf, f.w, "fr"); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, zf := range zr.File {
		got = append(got, zf.Name)
	}
	if !slices.Equal(got, []string{"signin-2026-03-10.pdf", "signin-2026-03-12.pdf"}) {
		t.Errorf("the ZIP holds %v", got)
	}
}

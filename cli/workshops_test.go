package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/workshops"
)

func writeBook(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func TestImportOfficialsAndParticipantsCommands(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	t.Setenv("MASAR_BASE_URL", "https://masar.test")
	testDatabase(t, data)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	header := []any{"البريد الإلكتروني", "الاسم بالعربية", "الاسم باللاتينية", "المسمى الوظيفي", "الجهة", "الدولة", "القطاع", "الجنس", "اللغة"}
	people := filepath.Join(dir, "people.xlsx")
	writeBook(t, people, [][]any{header,
		{"mariam@gov.kw", "مريم الصباح", "Mariam Al-Sabah", "مديرة", "الجهاز المركزي للمعلومات", "الكويت", "الحكومة المركزية", "أنثى", "العربية"},
		{"yousef@gov.kw", "يوسف العلي", "Yousef Al-Ali", "محلل", "الجهاز المركزي للمعلومات", "KW", "central_government", "male", "en"},
	})
	var out bytes.Buffer
	if err := Run(ctx, []string{"import", "officials", people}, nil, &out, log); err != nil {
		t.Fatalf("import officials: %v", err)
	}
	if !strings.Contains(out.String(), "2 account(s) created") {
		t.Errorf("import officials said %q", out.String())
	}
	// A bad file names its rows and saves nothing.
	bad := filepath.Join(dir, "bad.xlsx")
	writeBook(t, bad, [][]any{header,
		{"fatima@gov.kw", "Fatima", "Fatima Ali", "مديرة", "وزارة", "الكويت", "الحكومة المركزية", "أنثى", "العربية"},
		{"not an e-mail", "علي حسن", "Ali Hassan", "محلل", "وزارة", "الكويت", "الحكومة المركزية", "ذكر", "العربية"},
	})
	err := Run(ctx, []string{"import", "officials", bad}, nil, io.Discard, log)
	if err == nil || !strings.Contains(err.Error(), "row 2, name_ar") || !strings.Contains(err.Error(), "row 3, email") {
		t.Errorf("bad import: %v", err)
	}
	text := filepath.Join(dir, "list.xlsx")
	os.WriteFile(text, []byte("email\nx@gov.kw\n"), 0o644)
	if err := Run(ctx, []string{"import", "officials", text}, nil, io.Discard, log); err == nil || !strings.Contains(err.Error(), "not an Excel workbook") {
		t.Errorf("a CSV named .xlsx: %v", err)
	}

	// Schedule a workshop, then import its participants and export the list.
	cfg := config.Default()
	cfg.DataDir = data
	cfg.DatabaseURL = os.Getenv("MASAR_DATABASE_URL") // set by testDatabase on PostgreSQL
	cfg.Validate()
	p, err := platform.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	soon := time.Now().AddDate(0, 2, 0) // inside the window of dates a workshop may have
	w, err := p.Workshops.Create(ctx, audit.Actor{Email: "test"}, workshops.Input{
		Title: map[string]string{"ar": "ورشة الكويت", "en": "Kuwait workshop"}, Kind: workshops.KindNational, Phases: []int{1},
		HostCountry: "KW", City: "Kuwait City", StartDate: soon.Format("2006-01-02"), EndDate: soon.AddDate(0, 0, 1).Format("2006-01-02"), Languages: []string{"ar"}, Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	id := strconv.FormatInt(w.ID, 10)
	out.Reset()
	list := filepath.Join(dir, "participants.xlsx")
	writeBook(t, list, [][]any{append(header, "الحالة"),
		{"mariam@gov.kw", "", "", "", "", "", "", "", "", "مؤكد"},
		{"salem@gov.kw", "سالم الخالد", "Salem Al-Khaled", "مهندس", "وزارة الأشغال", "الكويت", "الحكومة المركزية", "ذكر", "العربية", "قيد المراجعة"},
	})
	if err := Run(ctx, []string{"import", "participants", id, list, "--lang", "ar"}, nil, &out, log); err != nil {
		t.Fatalf("import participants: %v", err)
	}
	if !strings.Contains(out.String(), "2 registered") || !strings.Contains(out.String(), "1 account(s) created") {
		t.Errorf("import participants said %q", out.String())
	}
	export := filepath.Join(dir, "out.xlsx")
	out.Reset()
	if err := Run(ctx, []string{"export", "participants", id, export, "--lang", "en"}, nil, &out, log); err != nil {
		t.Fatalf("export: %v", err)
	}
	f, err := excelize.OpenFile(export)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	f.Close()
	if len(rows) != 3 || !strings.Contains(strings.Join(rows[1], "|"), "Confirmed") {
		t.Errorf("exported rows: %v", rows)
	}
	if err := Run(ctx, []string{"export", "participants", "999", export}, nil, io.Discard, log); err == nil {
		t.Error("exported a workshop that does not exist")
	}
	if ExitCode(Run(ctx, []string{"export", "participants", "x"}, nil, io.Discard, log)) != 2 {
		t.Error("a bad command line is not a usage error")
	}
	// The new accounts' holders are invited to claim them.
	p, _ = platform.Open(ctx, cfg, log)
	defer p.Close()
	var claims int
	p.DB.R.QueryRow("SELECT count(*) FROM outbox WHERE template = 'welcome_claim'").Scan(&claims)
	if claims != 3 {
		t.Errorf("%d claim e-mails, want 3", claims)
	}
}

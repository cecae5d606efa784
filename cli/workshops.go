package cli

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/workshops"
)

const workshopsUsage = `usage:
  masar export participants WORKSHOP FILE.xlsx [--lang ar|en|fr]
  masar import participants WORKSHOP FILE.xlsx [--lang ar|en|fr] [--no-mail]
  masar import officials FILE.xlsx [--lang ar|en|fr] [--no-mail]`

// commandLine is who acts when the command line changes workshops: the programme, with no
// account of its own.
var commandLine = &officials.Official{Email: "command line", Role: officials.RoleStaff}

// boolFlags are the flags that take no value.
var boolFlags = map[string]bool{"no-mail": true, "force": true}

// flagsFirst moves the flags (all of which but boolFlags take a value) before the positional arguments, so
// that "masar export participants 12 list.xlsx --lang en" works as well as the reverse.
func flagsFirst(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && !boolFlags[strings.TrimLeft(a, "-")] && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

func workshopID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{fmt.Sprintf("%q is not a workshop number\n%s", s, workshopsUsage)}
	}
	return id, nil
}

// exportParticipants writes a workshop's participant list to an Excel file. It only
// reads: the database is opened read-only (openToRead), beside a server or not, and
// nothing of the platform is started. The file holds personal data: it is written
// readable by its owner alone.
func exportParticipants(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) (err error) {
	var lang string
	cfg, fs, err := load("export participants", flagsFirst(args), func(fs *flag.FlagSet) {
		fs.StringVar(&lang, "lang", "ar", "language of the headers and labels: ar, en or fr")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 2 || !i18n.Supported(lang) {
		return usageError{workshopsUsage}
	}
	id, err := workshopID(fs.Arg(0))
	if err != nil {
		return err
	}
	db, err := openToRead(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	ws, err := workshops.New(db, officials.New(db, 0, nil), nil, workshops.Options{BaseURL: cfg.BaseURL, Log: log})
	if err != nil {
		return err
	}
	w, err := ws.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("no workshop %d", id)
	}
	var buf bytes.Buffer
	if err := ws.WriteParticipantsXLSX(ctx, &buf, id, lang); err != nil {
		return err
	}
	regs, err := ws.Registrations(ctx, id, workshops.RegFilter{})
	if err != nil {
		return err
	}
	if err := writePrivate(fs.Arg(1), buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d registration(s) of workshop %d (%s) written to %s\n", len(regs), id, w.TitleIn("en"), fs.Arg(1))
	return nil
}

// openToRead opens the database for a command that only reads. An SQLite file is opened
// read-only (store.OpenReadOnly), beside a server or not. A PostgreSQL database is opened
// as beside a server (store.OpenShared): it migrates and starts nothing, and refuses a
// schema older than this program's; the data directory plays no part in it.
func openToRead(ctx context.Context, cfg config.Config) (*store.DB, error) {
	if cfg.DatabaseURL != "" {
		return store.OpenShared(ctx, cfg.DatabaseURL)
	}
	db, _, err := store.OpenReadOnly(ctx, cfg.DBPath(), false)
	return db, err
}

// writePrivate writes data to path, readable and writable by the owner alone (0600) from
// the first byte: into a new file beside it, renamed over path once complete.
func writePrivate(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".masar-*.tmp") // 0600
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(f.Name(), path)
}

// importParticipants registers a list of people to a workshop from an Excel file, creating
// the accounts they lack: every row or none.
func importParticipants(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	return importPeople(ctx, "import participants", args, stdout, log, true)
}

// importOfficials creates accounts from an Excel file: every row or none.
func importOfficials(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	return importPeople(ctx, "import officials", args, stdout, log, false)
}

func importPeople(ctx context.Context, name string, args []string, stdout io.Writer, log *slog.Logger, toWorkshop bool) (err error) {
	var lang string
	var noMail bool
	c, fs, err := open(ctx, name, flagsFirst(args), log, func(fs *flag.FlagSet) {
		fs.StringVar(&lang, "lang", "en", "language of the report: ar, en or fr")
		fs.BoolVar(&noMail, "no-mail", false, "do not e-mail the new accounts' holders a link to claim them")
	})
	if err != nil {
		return err
	}
	defer closeCommand(c, &err)
	want := 1
	if toWorkshop {
		want = 2
	}
	if fs.NArg() != want || !i18n.Supported(lang) {
		return usageError{workshopsUsage}
	}
	file := fs.Arg(want - 1)
	st, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if st.Size() > workshops.MaxImportBytes {
		return fmt.Errorf("%s: %s", file, i18n.MustLoad().T(lang, "workshops.import.too_large"))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	p, err := c.People(ctx)
	if err != nil {
		return err
	}
	var rep *workshops.ImportReport
	// The claim mails are queued in the import's transaction: all of them with the
	// accounts, or none.
	var claim []workshops.ClaimFunc
	if !noMail {
		claim = append(claim, func(tx *sql.Tx, o *officials.Official) error { return inviteToClaim(ctx, p, c.Config.BaseURL, tx, o) })
	}
	if toWorkshop {
		var id int64
		if id, err = workshopID(fs.Arg(0)); err != nil {
			return err
		}
		rep, err = p.Workshops.ImportParticipants(ctx, commandLine, id, data, lang, claim...)
	} else {
		rep, err = p.Workshops.ImportOfficials(ctx, audit.Actor{Email: commandLine.Email}, data, lang, claim...)
	}
	if err != nil {
		return importProblem(file, lang, rep, err)
	}
	if rep.Created > 0 {
		// Many new accounts at once: keep the staff list's name search compact.
		if _, err := p.Officials.CompactSearch(ctx); err != nil && log != nil {
			log.Warn("compacting the name index", "err", err)
		}
	}
	if toWorkshop {
		fmt.Fprintf(stdout, "%d row(s): %d registered, %d already registered, %d account(s) created\n", rep.Rows, rep.Registered, rep.Unchanged, rep.Created)
	} else {
		fmt.Fprintf(stdout, "%d row(s): %d account(s) created, %d already existed\n", rep.Rows, rep.Created, rep.Unchanged)
	}
	return nil
}

// importProblem spells out why nothing was imported: one line per bad row and field.
func importProblem(file, lang string, rep *workshops.ImportReport, err error) error {
	if rep != nil && len(rep.Errors) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: nothing imported; %d problem(s):", file, len(rep.Errors))
		for _, e := range rep.Errors {
			fmt.Fprintf(&b, "\n  row %d, %s: %s", e.Row, e.Field, e.Message)
		}
		return fmt.Errorf("%s", b.String())
	}
	if pe, ok := problem.As(err); ok {
		return fmt.Errorf("%s: %s", file, i18n.MustLoad().T(lang, pe.Key, pe.Args...))
	}
	return err
}

// inviteToClaim e-mails the holder of an imported account a link to choose a password.
func inviteToClaim(ctx context.Context, p *platform.People, baseURL string, q store.Queryer, o *officials.Official) error {
	tok, err := p.Officials.NewEmailTokenTx(ctx, q, o.ID, officials.PurposeReset)
	if err != nil {
		return err
	}
	cat := i18n.MustLoad()
	_, err = p.Mailer.Enqueue(ctx, q, mail.Message{To: o.Email, Name: o.DisplayName(o.Language), Lang: o.Language, Template: "welcome_claim",
		Data: map[string]any{"Name": o.DisplayName(o.Language), "By": cat.T(o.Language, "workshops.claim_by_programme"),
			"Link": mail.SecretLink(baseURL+"/"+o.Language+"/reset/", tok), "Hours": int(officials.ResetTTL.Hours())},
		UsefulUntil: time.Now().Add(officials.ResetTTL)})
	return err
}

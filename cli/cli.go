// Package cli is the masar command line: it parses the subcommands and calls the packages
// that do the work, so that cmd/masar stays a few lines and the commands can be tested.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/config"
	"github.com/masar-platform/masar/i18n"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/platform"
	"github.com/masar-platform/masar/problem"
)

// usageError is a mistake on the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// ExitCode is the process exit code for an error returned by Run.
func ExitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

const usage = `usage:
  masar [serve] [--addr :8080] [--data ./masar-data] [--base-url URL] [--content DIR]
  masar admin create --email E --role ROLE [--country ISO] [--lang ar|en|fr]  (password read from stdin)
  masar token create --email E [--name NAME]   (prints an API bearer token)
  masar token revoke                           (token read from stdin)
  masar content check [DIR]
  masar content export DIR [--data DIR]       (the published courses, as files)
  masar content import DIR [--data DIR] [--message M]  (a folder of courses, as new published revisions)
  masar backup FILE [--force]                  (database, server key, issuer keys; 0600)
  masar restore FILE [--data DIR] [--force]
  masar keys rotate [--data DIR]               (new issuer key; old ones stay published; server stopped)
  masar migrate-to-postgres [--from FILE] --database-url URL  (copy SQLite into an empty PostgreSQL database; verified)
  masar export participants WORKSHOP FILE.xlsx [--lang ar|en|fr]
  masar import participants WORKSHOP FILE.xlsx [--lang ar|en|fr] [--no-mail]
  masar import officials FILE.xlsx [--lang ar|en|fr] [--no-mail]`

// Run carries out one command line.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return serve(ctx, args, stdout, log)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, log)
	case "admin":
		if len(rest) == 0 || rest[0] != "create" {
			return usageError{usage}
		}
		return adminCreate(ctx, rest[1:], stdin, stdout, log)
	case "token":
		if len(rest) > 0 && rest[0] == "create" {
			return tokenCreate(ctx, rest[1:], stdout, log)
		}
		if len(rest) > 0 && rest[0] == "revoke" {
			return tokenRevoke(ctx, rest[1:], stdin, stdout, log)
		}
		return usageError{usage}
	case "backup":
		return backupCommand(ctx, rest, stdout)
	case "restore":
		return restoreCommand(ctx, rest, stdout)
	case "keys":
		if len(rest) == 0 || rest[0] != "rotate" {
			return usageError{usage}
		}
		return keysRotate(ctx, rest[1:], stdout)
	case "migrate-to-postgres":
		return migrateToPostgres(ctx, rest, stdout)
	case "content":
		switch {
		case len(rest) > 0 && rest[0] == "check":
			return contentCheck(rest[1:], stdout)
		case len(rest) > 0 && rest[0] == "export":
			return contentExport(ctx, rest[1:], stdout, log)
		case len(rest) > 0 && rest[0] == "import":
			return contentImport(ctx, rest[1:], stdout, log)
		}
		return usageError{usage}
	case "export":
		if len(rest) == 0 || rest[0] != "participants" {
			return usageError{workshopsUsage}
		}
		return exportParticipants(ctx, rest[1:], stdout, log)
	case "import":
		if len(rest) > 0 && rest[0] == "participants" {
			return importParticipants(ctx, rest[1:], stdout, log)
		}
		if len(rest) > 0 && rest[0] == "officials" {
			return importOfficials(ctx, rest[1:], stdout, log)
		}
		return usageError{workshopsUsage}
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{"unknown command " + cmd + "\n" + usage}
}

// load reads the configuration with the common flags plus extra ones.
func load(name string, args []string, extra func(*flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	cfg := config.Default()
	cfg.FromEnv(envLookup)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.Flags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, nil, usageError{err.Error() + "\n" + usage}
	}
	return cfg, fs, cfg.Validate()
}

// open loads the configuration and opens the data directory for a command that writes:
// alone when no server runs on it, or beside the running server (see
// platform.OpenCommand). The command then builds only the services it uses.
func open(ctx context.Context, name string, args []string, log *slog.Logger, extra func(*flag.FlagSet)) (*platform.Command, *flag.FlagSet, error) {
	cfg, fs, err := load(name, args, extra)
	if err != nil {
		return nil, nil, err
	}
	c, err := platform.OpenCommand(ctx, cfg, log)
	if err == nil && c.Beside != nil && log != nil {
		log.Info("a server is running on the data directory; the command works beside it", "dir", cfg.DataDir, "pid", c.Beside.PID)
	}
	return c, fs, err
}

// serve runs the server. It takes the data directory for itself: a second server on the
// same directory is refused, with the first one's PID.
func serve(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) (err error) {
	cfg, _, err := load("serve", args, nil)
	if err != nil {
		return err
	}
	p, err := platform.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	// Close waits for the background work and writes what is pending: its failure is the
	// command's.
	defer func() { err = errors.Join(err, p.Close()) }()
	if err := p.EnsureAdmin(ctx, stdout); err != nil {
		return err
	}
	return p.Serve(ctx, stdout)
}

func adminCreate(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) (err error) {
	var email, role, name, country, lang string
	c, _, err := open(ctx, "admin create", args, log, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail of the account")
		fs.StringVar(&role, "role", officials.RoleAdmin, "role: official, focal_point, trainer, staff, admin")
		fs.StringVar(&name, "name", "", "name in Latin script")
		fs.StringVar(&country, "country", "", "member state (ISO code, e.g. JO); required for a focal point")
		fs.StringVar(&lang, "lang", terminalLang(), "language of the messages: ar, en or fr (default from LANG)")
	})
	if err != nil {
		return err
	}
	defer closeCommand(c, &err)
	if email == "" {
		return usageError{"admin create: --email is required"}
	}
	if !i18n.Supported(lang) {
		return usageError{"admin create: --lang is ar, en or fr"}
	}
	password, err := readLine(stdin)
	if err != nil {
		return err
	}
	if name == "" {
		name = "Programme staff"
	}
	in := officials.Input{Email: email, Password: password, NameAr: "فريق البرنامج", NameLatin: name, JobTitle: "Programme staff",
		Organisation: "Masar", Sector: "international", Gender: "unspecified", Language: "ar", Country: country}
	// The member states are seeded at a server's first start; an account made before it names
	// one all the same (seeding adds what is missing and changes nothing an admin set).
	if err := officials.SeedCountries(ctx, c.DB); err != nil {
		return err
	}
	o, err := c.Officials().Create(ctx, audit.Actor{Email: "command line"}, in, role)
	if err != nil {
		return explain(err, lang)
	}
	fmt.Fprintf(stdout, "created %s account %d for %s\n", o.Role, o.ID, o.Email)
	return nil
}

func tokenCreate(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) (err error) {
	var email, name string
	c, _, err := open(ctx, "token create", args, log, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail of the account the token acts for")
		fs.StringVar(&name, "name", "command line", "a name to recognise the token by")
	})
	if err != nil {
		return err
	}
	defer closeCommand(c, &err)
	if email == "" {
		return usageError{"token create: --email is required"}
	}
	offs := c.Officials()
	o, err := offs.GetByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("no account with e-mail %s", email)
	}
	tok, err := offs.CreateAPITokenFor(ctx, audit.Actor{Email: "command line"}, o.ID, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func tokenRevoke(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) (err error) {
	c, _, err := open(ctx, "token revoke", args, log, nil)
	if err != nil {
		return err
	}
	defer closeCommand(c, &err)
	tok, err := readLine(stdin)
	if err != nil {
		return err
	}
	if err := c.Officials().RevokeAPIToken(ctx, tok); err != nil {
		return fmt.Errorf("token not found or already revoked")
	}
	fmt.Fprintln(stdout, "token revoked")
	return nil
}

func readLine(r io.Reader) (string, error) {
	s := bufio.NewScanner(r)
	if !s.Scan() {
		if err := s.Err(); err != nil {
			return "", err
		}
		return "", usageError{"expected a line on standard input"}
	}
	return strings.TrimRight(s.Text(), "\r\n"), nil
}

// explain spells out a validation problem for the terminal in lang: each field by its
// label, with its message from the catalogue (never the raw key).
func explain(err error, lang string) error {
	p, ok := problem.As(err)
	if !ok {
		return err
	}
	cat := i18n.MustLoad()
	if len(p.Fields) == 0 {
		if p.Key == "" || !cat.Has(lang, p.Key) {
			return err
		}
		return errors.New(cat.T(lang, p.Key, p.Args...))
	}
	fields := make([]string, 0, len(p.Fields))
	for f := range p.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var parts []string
	for _, f := range fields {
		label := f
		if cat.Has(lang, "field."+f) {
			label = cat.T(lang, "field."+f)
		}
		parts = append(parts, label+": "+cat.T(lang, p.Fields[f], p.Args...))
	}
	return fmt.Errorf("%s: %s", cat.T(lang, "cli.invalid_input"), strings.Join(parts, "; "))
}

// terminalLang is the interface language the terminal's locale asks for (LC_ALL, LC_MESSAGES,
// LANG: "ar_JO.UTF-8" → ar, "fr_TN" → fr), English otherwise.
func terminalLang() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			if l := strings.ToLower(s); len(l) >= 2 && i18n.Supported(l[:2]) {
				return l[:2]
			}
			return "en"
		}
	}
	return "en"
}

// closeCommand closes what a command opened and reports a failure to close unless the
// command already failed.
func closeCommand(c *platform.Command, err *error) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}

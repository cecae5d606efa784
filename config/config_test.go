package config

import (
	"strings"
	"testing"
	"time"
)

// TestRequestTimeouts: MASAR_REQUEST_TIMEOUT and MASAR_EXPORT_TIMEOUT are Go durations with
// defaults; a value that is not one, or that makes no sense, stops the start with a message
// naming the variable.
func TestRequestTimeouts(t *testing.T) {
	cases := []struct {
		env             map[string]string
		request, export time.Duration
		err             string
	}{
		{env: nil, request: 30 * time.Second, export: 5 * time.Minute},
		{env: map[string]string{"MASAR_REQUEST_TIMEOUT": "10s"}, request: 10 * time.Second, export: 5 * time.Minute},
		{env: map[string]string{"MASAR_REQUEST_TIMEOUT": " 1m30s ", "MASAR_EXPORT_TIMEOUT": "10m"}, request: 90 * time.Second, export: 10 * time.Minute},
		{env: map[string]string{"MASAR_REQUEST_TIMEOUT": "30"}, err: `config: MASAR_REQUEST_TIMEOUT="30" is not a duration (write e.g. 30s, 2m or 1m30s)`},
		{env: map[string]string{"MASAR_EXPORT_TIMEOUT": "five minutes"}, err: `config: MASAR_EXPORT_TIMEOUT="five minutes" is not a duration`},
		{env: map[string]string{"MASAR_REQUEST_TIMEOUT": "-5s"}, err: "config: MASAR_REQUEST_TIMEOUT must be positive, not -5s"},
		{env: map[string]string{"MASAR_REQUEST_TIMEOUT": "10m", "MASAR_EXPORT_TIMEOUT": "1m"}, err: "config: MASAR_EXPORT_TIMEOUT (1m0s) is shorter than MASAR_REQUEST_TIMEOUT (10m0s)"},
	}
	for _, c := range cases {
		cfg := Default()
		cfg.FromEnv(func(name string) string { return c.env[name] })
		err := cfg.Validate()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want %q", c.env, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", c.env, err)
			continue
		}
		if cfg.RequestTimeout != c.request || cfg.ExportTimeout != c.export {
			t.Errorf("%v: request %s export %s, want %s %s", c.env, cfg.RequestTimeout, cfg.ExportTimeout, c.request, c.export)
		}
	}
	// A configuration built without Default still gets the defaults from Validate.
	bare := Config{Addr: ":8080", DataDir: "d"}
	if err := bare.Validate(); err != nil || bare.RequestTimeout != DefaultRequestTimeout || bare.ExportTimeout != DefaultExportTimeout {
		t.Errorf("bare config: %v %s %s", err, bare.RequestTimeout, bare.ExportTimeout)
	}
}

// TestReplyTo: MASAR_REPLY_TO is read and must be a bare e-mail address; the default
// sender has no display name, so that each message carries the platform's name in its
// own language.
func TestReplyTo(t *testing.T) {
	for _, c := range []struct{ value, err string }{
		{"ogp@commission.example.org", ""},
		{"not an address", "MASAR_REPLY_TO"},
		{"Team <ogp@commission.example.org>", "MASAR_REPLY_TO"},
	} {
		cfg := Default()
		cfg.FromEnv(func(name string) string {
			if name == "MASAR_REPLY_TO" {
				return c.value
			}
			return ""
		})
		err := cfg.Validate()
		if c.err == "" && (err != nil || cfg.ReplyTo != c.value) {
			t.Errorf("%q: %v, reply-to %q", c.value, err, cfg.ReplyTo)
		}
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q: error %v, want one naming %s", c.value, err, c.err)
		}
	}
	if d := Default(); strings.Contains(d.MailFrom, "<") {
		t.Errorf("default sender %q has a fixed display name", d.MailFrom)
	}
}

// TestUploadLimits: the upload limits are read in megabytes, checked against each other,
// and the body limit leaves room above the total for base64, one more file and the form.
func TestUploadLimits(t *testing.T) {
	for _, c := range []struct {
		env         map[string]string
		file, total int
		err         string
	}{
		{env: nil, file: 8, total: 32},
		{env: map[string]string{"MASAR_UPLOAD_FILE_MB": "12", "MASAR_UPLOAD_TOTAL_MB": "40MB"}, file: 12, total: 40},
		{env: map[string]string{"MASAR_UPLOAD_FILE_MB": "eight"}, err: `MASAR_UPLOAD_FILE_MB="eight" is not a whole number of megabytes`},
		{env: map[string]string{"MASAR_UPLOAD_FILE_MB": "20", "MASAR_UPLOAD_TOTAL_MB": "12"}, err: "MASAR_UPLOAD_TOTAL_MB (12) is less than MASAR_UPLOAD_FILE_MB (20)"},
		{env: map[string]string{"MASAR_UPLOAD_TOTAL_MB": "5"}, err: "MASAR_UPLOAD_TOTAL_MB must be between 10 and 1024, not 5"},
		{env: map[string]string{"MASAR_ADVISORY_INTAKE": " A@x.org, ,b@y.org"}, file: 8, total: 32},
	} {
		cfg := Default()
		cfg.FromEnv(func(name string) string { return c.env[name] })
		err := cfg.Validate()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want %q", c.env, err, c.err)
			}
			continue
		}
		if err != nil || cfg.UploadFileMB != c.file || cfg.UploadTotalMB != c.total {
			t.Errorf("%v: %v %d %d, want %d %d", c.env, err, cfg.UploadFileMB, cfg.UploadTotalMB, c.file, c.total)
		}
		if want := int(cfg.UploadTotalBytes()*4/3 + cfg.UploadFileBytes() + 1<<20); cfg.BodyLimit() != want || cfg.BodyLimit() <= int(cfg.UploadTotalBytes()) {
			t.Errorf("%v: body limit %d", c.env, cfg.BodyLimit())
		}
	}
	cfg := Default()
	cfg.AdvisoryIntake = " A@x.org, ,b@y.org"
	if got := cfg.IntakeEmails(); len(got) != 2 || got[0] != "a@x.org" || got[1] != "b@y.org" {
		t.Errorf("intake %q", got)
	}
}

// TestDatabaseURL: unset, the database is the SQLite file in the data directory; a
// PostgreSQL URL from the environment or the flag (the flag wins) is what the store opens;
// anything else is refused with a message that names the setting and hides the password.
func TestDatabaseURL(t *testing.T) {
	cfg, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.DatabaseSource(), cfg.DBPath(); got != want {
		t.Errorf("unset: database %q, want the SQLite file %q", got, want)
	}

	const pg = "postgres://masar:s3cret@db.example.org:5432/masar?sslmode=verify-full"
	t.Setenv("MASAR_DATABASE_URL", pg)
	cfg, err = Load(nil)
	if err != nil || cfg.DatabaseSource() != pg {
		t.Errorf("from the environment: %q (%v), want %q", cfg.DatabaseSource(), err, pg)
	}
	const flagURL = "postgresql://other@db2.example.org/masar"
	cfg, err = Load([]string{"--database-url", flagURL})
	if err != nil || cfg.DatabaseSource() != flagURL {
		t.Errorf("from the flag: %q (%v), want %q", cfg.DatabaseSource(), err, flagURL)
	}

	for _, bad := range []string{
		"mysql://masar:s3cret@db.example.org/masar",
		"postgres://masar:s3cret@db.example.org:5432/",
		"/var/lib/masar/masar.db",
	} {
		t.Setenv("MASAR_DATABASE_URL", bad)
		_, err := Load(nil)
		if err == nil || !strings.Contains(err.Error(), "MASAR_DATABASE_URL") {
			t.Errorf("%q: error %v, want one naming MASAR_DATABASE_URL", bad, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: the message repeats the password: %v", bad, err)
		}
	}
}

func TestSecondFactorRoles(t *testing.T) {
	c := Default()
	if !c.SecondFactorRequired("staff") || !c.SecondFactorRequired("admin") || c.SecondFactorRequired("official") {
		t.Fatalf("default roles: %v, want staff and admin", c.SecondFactorRoles)
	}
	for v, want := range map[string][]string{"none": {}, " Staff , trainer": {"staff", "trainer"}, "admin": {"admin"}} {
		c := Default()
		c.FromEnv(func(k string) string {
			if k == "MASAR_2FA_REQUIRED_ROLES" {
				return v
			}
			return ""
		})
		if err := c.Validate(); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if strings.Join(c.SecondFactorRoles, ",") != strings.Join(want, ",") {
			t.Errorf("MASAR_2FA_REQUIRED_ROLES=%q: %v, want %v", v, c.SecondFactorRoles, want)
		}
	}
	c = Default()
	c.FromEnv(func(k string) string {
		if k == "MASAR_2FA_REQUIRED_ROLES" {
			return "staff,boss"
		}
		return ""
	})
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `"boss"`) {
		t.Fatalf("an unknown role: %v, want an error naming it", err)
	}
}

// Package config is Masar's typed configuration: defaults that work on a fresh machine,
// overridden by MASAR_* environment variables and then by command-line flags.
package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server needs to start.
type Config struct {
	Addr    string // listen address, e.g. ":8080"
	DataDir string // directory holding the database and the server's secret key
	// DatabaseURL (MASAR_DATABASE_URL, --database-url) is a PostgreSQL server's database,
	// postgres://user:password@host:5432/name?sslmode=…; unset, the database is the SQLite
	// file in DataDir. The data directory still holds the server's keys either way.
	DatabaseURL string
	BaseURL     string // public URL, used in e-mails, certificates and cookies' Secure flag
	ContentDir  string // optional folder of courses replacing the embedded ones
	SMTPURL     string // unset: mail stays in the outbox
	MailFrom    string // From: header of outgoing mail; a bare address gets the platform's name per language
	// ReplyTo (MASAR_REPLY_TO) is the programme's address that replies to mail go to;
	// unset: no Reply-To header.
	ReplyTo       string
	AdminEmail    string // create this admin at start if missing
	AdminPassword string
	// CertFont and CertFontBold name a TrueType/OpenType Arabic face (e.g. Amiri) to set
	// certificates in instead of the embedded Noto Naskh Arabic.
	CertFont     string
	CertFontBold string
	// BcryptCost is the password hashing cost; 0 means the default (11).
	BcryptCost int
	// RequestTimeout (MASAR_REQUEST_TIMEOUT) ends a request's context: the queries of a
	// request still running after it are cancelled. ExportTimeout (MASAR_EXPORT_TIMEOUT)
	// is the same for the file exports (workbooks, CSV, ZIP, the personal-data export).
	// Zero means the default.
	RequestTimeout time.Duration
	ExportTimeout  time.Duration
	// envErrs are the MASAR_* values FromEnv could not read; Validate reports them.
	envErrs []error
	// LoginsPerMinute and RegistrationsPerHour limit attempts per client address.
	LoginsPerMinute      int
	RegistrationsPerHour int
	// TrustedProxies (MASAR_TRUSTED_PROXIES) lists, comma-separated, the addresses or CIDR
	// ranges of the reverse proxies in front of Masar. Only a connection from one of them
	// may name the client in X-Forwarded-For; unset, the connecting address is the client.
	TrustedProxies string
	// Proxies is TrustedProxies parsed, filled by Validate.
	Proxies []netip.Prefix
	// ErasureGrace (MASAR_ERASURE_GRACE) is how long an account whose holder deleted it
	// waits, unusable, before it is erased; the holder can undo the deletion until then.
	// MailRetention (MASAR_MAIL_RETENTION) is how long a mail stays in the outbox after it
	// was sent (or given up); AuditRetention (MASAR_AUDIT_RETENTION) how long an entry of
	// the audit log is kept. Each is a number of days ("14d", "14") or a Go duration
	// ("336h"); the privacy page states them.
	ErasureGrace   time.Duration
	MailRetention  time.Duration
	AuditRetention time.Duration
	// PrivacyContact (MASAR_PRIVACY_CONTACT) is the address the privacy notice gives for
	// questions and requests about personal data; unset, the notice points to the
	// programme's secretariat without an address.
	PrivacyContact string
	// FollowUpMonths (MASAR_FOLLOWUP_MONTHS) is how many months after an advisory request is
	// completed its follow-up survey is mailed to the country: 1 to 36, 6 when unset.
	FollowUpMonths int
	// UploadFileMB (MASAR_UPLOAD_FILE_MB) is the most one file attached to an advisory
	// request may weigh, and UploadTotalMB (MASAR_UPLOAD_TOTAL_MB) the most the files of one
	// submission may weigh together, in megabytes (2^20 bytes). The forms state them and the
	// server holds to them; the body limit of every request derives from them (BodyLimit).
	UploadFileMB  int
	UploadTotalMB int
	// SecondFactorRoles (MASAR_2FA_REQUIRED_ROLES) are the roles whose accounts must sign in
	// with a second factor: comma-separated role names, "none" for none; staff and admin
	// when unset. Such an account without one sets one up before anything else. API bearer
	// tokens are not affected.
	SecondFactorRoles []string
	// AdvisoryIntake (MASAR_ADVISORY_INTAKE) lists, comma-separated, the e-mail addresses of
	// the staff accounts told of a new advisory request while nobody owns it; unset, every
	// staff account is told.
	AdvisoryIntake string
	// ContactEmail (MASAR_CONTACT_EMAIL) is the programme's address that the contact page
	// and the footer give to visitors; unset, the contact page names the secretariat and
	// points to the advisory form and the privacy contact instead.
	ContactEmail string
	// IssuerName (MASAR_ISSUER_NAME) is the organisation that runs the platform and issues
	// its certificates, named in the header and the footer: one name for every language, or
	// a JSON object keyed by language ({"ar":"…","en":"…","fr":"…"}). Unset, the programme's
	// own name from the catalogues.
	IssuerName string
	// IssuerLogo (MASAR_ISSUER_LOGO) is an SVG or PNG file shown beside the issuer's name;
	// unset, the platform's own logo.
	IssuerLogo string
	// IssuerURL (MASAR_ISSUER_URL) is the issuer's web site, linked from its name in the footer.
	IssuerURL string
	// OIDCProvidersJSON (MASAR_OIDC_PROVIDERS) is a JSON list of OpenID Connect providers, or
	// the name of a file holding one; OIDCProviders is it parsed, filled by Validate.
	OIDCProvidersJSON string
	OIDCProviders     []OIDCProvider
}

// IssuerNames is IssuerName per language (nil when it is unset, a map with the same name
// for "ar", "en" and "fr" when it is a plain name).
func (c Config) IssuerNames() (map[string]string, error) {
	s := strings.TrimSpace(c.IssuerName)
	if s == "" {
		return nil, nil
	}
	if !strings.HasPrefix(s, "{") {
		return map[string]string{"ar": s, "en": s, "fr": s}, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("config: MASAR_ISSUER_NAME is neither a name nor a JSON object of names by language: %v", err)
	}
	out := map[string]string{}
	for _, l := range []string{"ar", "en", "fr"} {
		out[l] = strings.TrimSpace(m[l])
	}
	// A language left out falls back to another one given, Arabic first.
	for _, l := range []string{"ar", "en", "fr"} {
		if out[l] != "" {
			continue
		}
		for _, o := range []string{"ar", "en", "fr"} {
			if out[o] != "" {
				out[l] = out[o]
				break
			}
		}
	}
	if out["ar"] == "" {
		return nil, errors.New(`config: MASAR_ISSUER_NAME names nobody (write e.g. {"ar":"…","en":"…","fr":"…"})`)
	}
	return out, nil
}

// Default upload limits, in megabytes.
const (
	DefaultUploadFileMB  = 8
	DefaultUploadTotalMB = 32
	// MinUploadTotalMB is the least total allowed: the other upload forms (a certificate
	// to compare, a list of participants) take files of up to 10 MB.
	MinUploadTotalMB = 10
)

// UploadFileBytes is UploadFileMB in bytes.
func (c Config) UploadFileBytes() int64 {
	if c.UploadFileMB <= 0 {
		return DefaultUploadFileMB << 20
	}
	return int64(c.UploadFileMB) << 20
}

// UploadTotalBytes is UploadTotalMB in bytes.
func (c Config) UploadTotalBytes() int64 {
	if c.UploadTotalMB <= 0 {
		return max(DefaultUploadTotalMB<<20, c.UploadFileBytes())
	}
	return int64(c.UploadTotalMB) << 20
}

// BodyLimit is the largest request body the server reads at all; a larger one is refused
// from its Content-Length, before it is read. It leaves room above the promised total for
// the files' encoding (base64 in the API's JSON: 4 bytes for 3), one more file than allowed
// and the form's text, so that a submission a little over the limit is still read and
// answered with its typed values and the name of the file that did not fit.
func (c Config) BodyLimit() int {
	return int(c.UploadTotalBytes()*4/3 + c.UploadFileBytes() + 1<<20)
}

// Defaults of the erasure grace period and the retention periods.
const (
	DefaultErasureGrace   = 14 * Day
	DefaultMailRetention  = 180 * Day
	DefaultAuditRetention = 730 * Day
)

// DefaultFollowUpMonths is how long after completion an advisory request's follow-up survey goes out.
const DefaultFollowUpMonths = 6

// Day is 24 hours, the unit of the retention settings.
const Day = 24 * time.Hour

// Default timeouts of a request and of a file export.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultExportTimeout  = 5 * time.Minute
)

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Addr:                 ":8080",
		DataDir:              "masar-data",
		MailFrom:             "no-reply@masar.localhost",
		LoginsPerMinute:      10,
		RegistrationsPerHour: 20,
		RequestTimeout:       DefaultRequestTimeout,
		ExportTimeout:        DefaultExportTimeout,
		ErasureGrace:         DefaultErasureGrace,
		MailRetention:        DefaultMailRetention,
		AuditRetention:       DefaultAuditRetention,
		FollowUpMonths:       DefaultFollowUpMonths,
		UploadFileMB:         DefaultUploadFileMB,
		UploadTotalMB:        DefaultUploadTotalMB,
		SecondFactorRoles:    []string{"staff", "admin"},
	}
}

// The files of a data directory that a backup holds: everything needed to restore.
const (
	// DatabaseFile is the SQLite database (with its -wal and -shm files beside it).
	DatabaseFile = "masar.db"
	// SecretKeyFile is the server's key: it keys the CSRF tokens and outlives restarts.
	SecretKeyFile = "secret.key"
	// IssuerKeyFile is the key that signs the VC-JWT credentials, published at
	// /.well-known/jwks.json: every credential ever issued is checked against it.
	IssuerKeyFile = "issuer-key.pem"
)

// DBPath is the SQLite file inside the data directory.
func (c Config) DBPath() string { return filepath.Join(c.DataDir, DatabaseFile) }

// DatabaseSource is what store.Open opens: the PostgreSQL URL when one is set, otherwise
// the SQLite file inside the data directory.
func (c Config) DatabaseSource() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return c.DBPath()
}

// SecretKeyPath is the server's key inside the data directory.
func (c Config) SecretKeyPath() string { return filepath.Join(c.DataDir, SecretKeyFile) }

// Secure reports whether cookies must carry the Secure flag (the public URL is https).
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// FromEnv overrides c with the MASAR_* variables that are set, using getenv.
func (c *Config) FromEnv(getenv func(string) string) {
	for name, p := range map[string]*string{
		"MASAR_ADDR": &c.Addr, "MASAR_DATA": &c.DataDir, "MASAR_DATABASE_URL": &c.DatabaseURL, "MASAR_BASE_URL": &c.BaseURL,
		"MASAR_CONTENT": &c.ContentDir, "MASAR_SMTP_URL": &c.SMTPURL, "MASAR_MAIL_FROM": &c.MailFrom,
		"MASAR_ADMIN_EMAIL": &c.AdminEmail, "MASAR_ADMIN_PASSWORD": &c.AdminPassword,
		"MASAR_CERT_FONT": &c.CertFont, "MASAR_CERT_FONT_BOLD": &c.CertFontBold,
		"MASAR_TRUSTED_PROXIES": &c.TrustedProxies, "MASAR_ADVISORY_INTAKE": &c.AdvisoryIntake, "MASAR_REPLY_TO": &c.ReplyTo, "MASAR_PRIVACY_CONTACT": &c.PrivacyContact,
		"MASAR_CONTACT_EMAIL": &c.ContactEmail, "MASAR_ISSUER_NAME": &c.IssuerName, "MASAR_ISSUER_LOGO": &c.IssuerLogo,
		"MASAR_ISSUER_URL": &c.IssuerURL, "MASAR_OIDC_PROVIDERS": &c.OIDCProvidersJSON,
	} {
		if v := getenv(name); v != "" {
			*p = v
		}
	}
	for name, p := range map[string]*time.Duration{"MASAR_REQUEST_TIMEOUT": &c.RequestTimeout, "MASAR_EXPORT_TIMEOUT": &c.ExportTimeout} {
		v := getenv(name)
		if v == "" {
			continue
		}
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("config: %s=%q is not a duration (write e.g. 30s, 2m or 1m30s)", name, v))
			continue
		}
		*p = d
	}
	if v := strings.TrimSpace(getenv("MASAR_2FA_REQUIRED_ROLES")); v != "" {
		roles, err := ParseSecondFactorRoles(v)
		if err != nil {
			c.envErrs = append(c.envErrs, err)
		} else {
			c.SecondFactorRoles = roles
		}
	}
	if v := strings.TrimSpace(getenv("MASAR_FOLLOWUP_MONTHS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 36 {
			c.envErrs = append(c.envErrs, fmt.Errorf("config: MASAR_FOLLOWUP_MONTHS=%q is not a number of months from 1 to 36", v))
		} else {
			c.FollowUpMonths = n
		}
	}
	for name, p := range map[string]*int{"MASAR_UPLOAD_FILE_MB": &c.UploadFileMB, "MASAR_UPLOAD_TOTAL_MB": &c.UploadTotalMB} {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.ToUpper(v), "MB"))
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("config: %s=%q is not a whole number of megabytes (write e.g. 8)", name, v))
			continue
		}
		*p = n
	}
	for name, p := range map[string]*time.Duration{"MASAR_ERASURE_GRACE": &c.ErasureGrace, "MASAR_MAIL_RETENTION": &c.MailRetention,
		"MASAR_AUDIT_RETENTION": &c.AuditRetention} {
		v := getenv(name)
		if v == "" {
			continue
		}
		d, err := ParseDays(v)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("config: %s=%q is not a number of days (write e.g. 14d, 14 or 336h)", name, v))
			continue
		}
		*p = d
	}
}

// secondFactorRoles are the role names MASAR_2FA_REQUIRED_ROLES may list (the officials
// package's roles).
var secondFactorRoles = []string{"official", "focal_point", "trainer", "staff", "admin"}

// ParseSecondFactorRoles reads MASAR_2FA_REQUIRED_ROLES: comma-separated role names, or
// "none" for none.
func ParseSecondFactorRoles(v string) ([]string, error) {
	if strings.EqualFold(strings.TrimSpace(v), "none") {
		return []string{}, nil
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		r := strings.ToLower(strings.TrimSpace(part))
		if r == "" {
			continue
		}
		known := false
		for _, k := range secondFactorRoles {
			known = known || k == r
		}
		if !known {
			return nil, fmt.Errorf("config: MASAR_2FA_REQUIRED_ROLES: %q is not a role (write some of %s, or none)", part, strings.Join(secondFactorRoles, ", "))
		}
		out = append(out, r)
	}
	return out, nil
}

// SecondFactorRequired reports whether accounts of role must sign in with a second factor.
func (c Config) SecondFactorRequired(role string) bool {
	for _, r := range c.SecondFactorRoles {
		if r == role {
			return true
		}
	}
	return false
}

// ParseDays reads a period given in days ("14d", "14") or as a Go duration ("336h", "90m").
func ParseDays(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	n := strings.TrimSuffix(s, "d")
	if days, err := strconv.Atoi(n); err == nil {
		if days < 0 || days > 100*365 {
			return 0, fmt.Errorf("config: %d days is out of range", days)
		}
		return time.Duration(days) * Day, nil
	}
	return time.ParseDuration(s)
}

// Flags registers the serve flags on fs, writing into c.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (database, keys)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL database, postgres://… (unset: the SQLite file in the data directory)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public base URL, e.g. https://masar.example.org")
	fs.StringVar(&c.ContentDir, "content", c.ContentDir, "folder of course materials replacing the built-in ones")
}

// Load builds the configuration from defaults, the environment and the arguments.
func Load(args []string) (Config, error) {
	c := Default()
	c.FromEnv(os.Getenv)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Validate checks the configuration and fills what derives from it.
func (c *Config) Validate() error {
	errs := append([]error(nil), c.envErrs...)
	errs = append(errs, c.validateTimeouts()...)
	errs = append(errs, c.validateRetention()...)
	errs = append(errs, c.validateUploads()...)
	if c.Addr == "" {
		errs = append(errs, errors.New("config: listen address is empty"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("config: data directory is empty"))
	}
	if c.BaseURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.BaseURL = "http://" + host
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("config: base URL %q is not an http(s) URL", c.BaseURL))
	}
	if c.DatabaseURL != "" {
		if err := checkDatabaseURL(c.DatabaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") {
			errs = append(errs, fmt.Errorf("config: MASAR_SMTP_URL must be smtp://… or smtps://…"))
		}
	}
	if c.ReplyTo != "" {
		if a, err := netmail.ParseAddress(c.ReplyTo); err != nil || a.Name != "" {
			errs = append(errs, fmt.Errorf("config: MASAR_REPLY_TO %q is not an e-mail address (write e.g. ogp@commission.example.org)", c.ReplyTo))
		}
	}
	if c.ContactEmail != "" {
		if a, err := netmail.ParseAddress(c.ContactEmail); err != nil || a.Name != "" {
			errs = append(errs, fmt.Errorf("config: MASAR_CONTACT_EMAIL %q is not an e-mail address (write e.g. ogp@commission.example.org)", c.ContactEmail))
		}
	}
	if _, err := c.IssuerNames(); err != nil {
		errs = append(errs, err)
	}
	if c.IssuerLogo != "" {
		switch ext := strings.ToLower(filepath.Ext(c.IssuerLogo)); {
		case ext != ".svg" && ext != ".png":
			errs = append(errs, fmt.Errorf("config: MASAR_ISSUER_LOGO %q must be an .svg or .png file", c.IssuerLogo))
		default:
			if fi, err := os.Stat(c.IssuerLogo); err != nil {
				errs = append(errs, fmt.Errorf("config: MASAR_ISSUER_LOGO: %w", err))
			} else if fi.Size() > 512<<10 {
				errs = append(errs, fmt.Errorf("config: MASAR_ISSUER_LOGO %q weighs %d KB; a logo in the header must stay under 512 KB", c.IssuerLogo, fi.Size()>>10))
			}
		}
	}
	if c.IssuerURL != "" {
		if u, err := url.Parse(c.IssuerURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("config: MASAR_ISSUER_URL %q is not an http(s) URL", c.IssuerURL))
		}
	}
	if c.MailFrom != "" {
		if _, err := netmail.ParseAddress(c.MailFrom); err != nil {
			errs = append(errs, fmt.Errorf("config: MASAR_MAIL_FROM %q is not an e-mail address", c.MailFrom))
		}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, errors.New("config: set both MASAR_ADMIN_EMAIL and MASAR_ADMIN_PASSWORD, or neither"))
	}
	for _, f := range []string{c.CertFont, c.CertFontBold} {
		if f == "" {
			continue
		}
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			errs = append(errs, fmt.Errorf("config: certificate font %q is not a readable file", f))
		}
	}
	if c.OIDCProvidersJSON != "" {
		ps, err := ParseOIDCProviders(c.OIDCProvidersJSON)
		if err != nil {
			errs = append(errs, err)
		}
		c.OIDCProviders = ps
	}
	proxies, err := ParseProxies(c.TrustedProxies)
	if err != nil {
		errs = append(errs, err)
	}
	c.Proxies = proxies
	if c.ContentDir != "" {
		if st, err := os.Stat(c.ContentDir); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("config: content folder %q does not exist", c.ContentDir))
		}
	}
	return errors.Join(errs...)
}

// checkDatabaseURL refuses a MASAR_DATABASE_URL that is not a PostgreSQL URL with a host
// and a database, without repeating its password in the message.
func checkDatabaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("config: MASAR_DATABASE_URL is not a URL (write e.g. postgres://masar:secret@db.example.org:5432/masar?sslmode=verify-full)")
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("config: MASAR_DATABASE_URL %q must be postgres://… (unset it to use the SQLite file in the data directory)", u.Redacted())
	}
	if u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return fmt.Errorf("config: MASAR_DATABASE_URL %q must name a host and a database, e.g. postgres://masar@db.example.org:5432/masar", u.Redacted())
	}
	return nil
}

// ParseProxies reads a comma-separated list of IP addresses and CIDR ranges
// ("10.0.0.0/8, 192.168.1.7, fd00::/8"); a bare address is a range of one.
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, fmt.Errorf("config: MASAR_TRUSTED_PROXIES: %q is not a CIDR range (e.g. 10.0.0.0/8)", part)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("config: MASAR_TRUSTED_PROXIES: %q is not an IP address or CIDR range", part)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// validateTimeouts fills unset timeouts with the defaults and checks the others.
func (c *Config) validateTimeouts() []error {
	var errs []error
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.ExportTimeout == 0 {
		c.ExportTimeout = max(DefaultExportTimeout, c.RequestTimeout)
	}
	if c.RequestTimeout < 0 {
		errs = append(errs, fmt.Errorf("config: MASAR_REQUEST_TIMEOUT must be positive, not %s", c.RequestTimeout))
	}
	if c.ExportTimeout < 0 {
		errs = append(errs, fmt.Errorf("config: MASAR_EXPORT_TIMEOUT must be positive, not %s", c.ExportTimeout))
	}
	if c.RequestTimeout > 0 && c.ExportTimeout > 0 && c.ExportTimeout < c.RequestTimeout {
		errs = append(errs, fmt.Errorf("config: MASAR_EXPORT_TIMEOUT (%s) is shorter than MASAR_REQUEST_TIMEOUT (%s); exports need at least as long as other requests",
			c.ExportTimeout, c.RequestTimeout))
	}
	return errs
}

// validateRetention fills unset periods with the defaults and checks the others: an erasure
// may be immediate (a grace of zero), but mail and audit entries are kept at least a day.
func (c *Config) validateRetention() []error {
	var errs []error
	if c.MailRetention == 0 {
		c.MailRetention = DefaultMailRetention
	}
	if c.AuditRetention == 0 {
		c.AuditRetention = DefaultAuditRetention
	}
	if c.ErasureGrace < 0 {
		errs = append(errs, fmt.Errorf("config: MASAR_ERASURE_GRACE must not be negative, not %s", c.ErasureGrace))
	}
	for name, d := range map[string]time.Duration{"MASAR_MAIL_RETENTION": c.MailRetention, "MASAR_AUDIT_RETENTION": c.AuditRetention} {
		if d < Day {
			errs = append(errs, fmt.Errorf("config: %s must be at least one day, not %s", name, d))
		}
	}
	return errs
}

// validateUploads fills unset upload limits with the defaults and checks the others: one
// file may not weigh more than a whole submission, which takes at least MinUploadTotalMB,
// and neither goes beyond a gigabyte.
func (c *Config) validateUploads() []error {
	if c.UploadFileMB == 0 {
		c.UploadFileMB = DefaultUploadFileMB
	}
	if c.UploadTotalMB == 0 {
		c.UploadTotalMB = max(DefaultUploadTotalMB, c.UploadFileMB)
	}
	var errs []error
	if c.UploadFileMB < 1 || c.UploadFileMB > 1024 {
		errs = append(errs, fmt.Errorf("config: MASAR_UPLOAD_FILE_MB must be between 1 and 1024, not %d", c.UploadFileMB))
	}
	if c.UploadTotalMB < MinUploadTotalMB || c.UploadTotalMB > 1024 {
		errs = append(errs, fmt.Errorf("config: MASAR_UPLOAD_TOTAL_MB must be between %d and 1024, not %d", MinUploadTotalMB, c.UploadTotalMB))
	}
	if c.UploadTotalMB < c.UploadFileMB {
		errs = append(errs, fmt.Errorf("config: MASAR_UPLOAD_TOTAL_MB (%d) is less than MASAR_UPLOAD_FILE_MB (%d); one file may not weigh more than a whole submission",
			c.UploadTotalMB, c.UploadFileMB))
	}
	return errs
}

// IntakeEmails is AdvisoryIntake as a list of addresses, lower-cased.
func (c Config) IntakeEmails() []string {
	var out []string
	for _, p := range strings.Split(c.AdvisoryIntake, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

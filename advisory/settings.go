package advisory

import (
	"strings"
	"time"
)

// Limits are how much a request's files may weigh and how many it may hold; the request
// form states them and the server holds to them.
type Limits struct {
	FileBytes  int64 // one file
	TotalBytes int64 // the files of one submission, together
	Files      int   // files attached to one request, in all
}

// DefaultLimits are the limits of a service not told otherwise.
func DefaultLimits() Limits {
	return Limits{FileBytes: MaxFileBytes, TotalBytes: 32 << 20, Files: MaxFilesPerRequest}
}

// FileMB is the per-file limit in whole megabytes, as forms state it.
func (l Limits) FileMB() int { return int(l.FileBytes >> 20) }

// TotalMB is the per-submission limit in whole megabytes.
func (l Limits) TotalMB() int { return int(l.TotalBytes >> 20) }

// Settings are what the platform's configuration tells the advisory service.
type Settings struct {
	Limits Limits
	// Intake lists the e-mail addresses of the staff told of a new request while nobody
	// owns it; empty, every staff account is told.
	Intake []string
}

// Configure applies the platform's settings; it is called once, before the service is used.
func (s *Service) Configure(st Settings) {
	d := DefaultLimits()
	if st.Limits.FileBytes <= 0 {
		st.Limits.FileBytes = d.FileBytes
	}
	if st.Limits.TotalBytes <= 0 {
		st.Limits.TotalBytes = max(d.TotalBytes, st.Limits.FileBytes)
	}
	if st.Limits.Files <= 0 {
		st.Limits.Files = d.Files
	}
	s.limits = st.Limits
	s.intake = nil
	for _, e := range st.Intake {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			s.intake = append(s.intake, e)
		}
	}
}

// Limits returns the service's upload limits.
func (s *Service) Limits() Limits { return s.limits }

// SetClock makes the service read the date from now (tests move it to make requests due or
// overdue); nil restores the system clock.
func (s *Service) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.today = func() string { return now().UTC().Format(DateLayout) }
}

package config

import (
	"strings"
	"testing"
	"time"
)

func TestRetentionSettings(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.ErasureGrace != 14*Day || c.MailRetention != 180*Day || c.AuditRetention != 730*Day {
		t.Errorf("defaults: grace %s, mail %s, audit %s", c.ErasureGrace, c.MailRetention, c.AuditRetention)
	}
	env := map[string]string{"MASAR_ERASURE_GRACE": "7d", "MASAR_MAIL_RETENTION": "90", "MASAR_AUDIT_RETENTION": "9600h",
		"MASAR_PRIVACY_CONTACT": "privacy@example.org"}
	c = Default()
	c.FromEnv(func(k string) string { return env[k] })
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.ErasureGrace != 7*Day || c.MailRetention != 90*Day || c.AuditRetention != 400*Day || c.PrivacyContact != "privacy@example.org" {
		t.Errorf("from the environment: grace %s, mail %s, audit %s, contact %q", c.ErasureGrace, c.MailRetention, c.AuditRetention, c.PrivacyContact)
	}
	for name, bad := range map[string]string{"MASAR_MAIL_RETENTION": "a while", "MASAR_AUDIT_RETENTION": "2h", "MASAR_ERASURE_GRACE": "-3d"} {
		c := Default()
		c.FromEnv(func(k string) string {
			if k == name {
				return bad
			}
			return ""
		})
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: %v, want an error naming the variable", name, bad, err)
		}
	}
	if d, err := ParseDays(" 0d "); err != nil || d != 0 {
		t.Errorf("0d: %s %v", d, err)
	}
	if d, err := ParseDays("36h"); err != nil || d != 36*time.Hour {
		t.Errorf("36h: %s %v", d, err)
	}
}

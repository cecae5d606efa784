package config

import (
	"strings"
	"testing"
)

// TestFollowUpMonths: the follow-up survey's delay is six months unless MASAR_FOLLOWUP_MONTHS
// says otherwise; a value that is not 1–36 months stops the start with the variable named.
func TestFollowUpMonths(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil || c.FollowUpMonths != 6 {
		t.Fatalf("default: %d %v", c.FollowUpMonths, err)
	}
	c = Default()
	c.FromEnv(func(k string) string { return map[string]string{"MASAR_FOLLOWUP_MONTHS": " 3 "}[k] })
	if err := c.Validate(); err != nil || c.FollowUpMonths != 3 {
		t.Errorf("3 months: %d %v", c.FollowUpMonths, err)
	}
	for _, bad := range []string{"0", "37", "6mo", "half a year"} {
		c := Default()
		c.FromEnv(func(k string) string { return map[string]string{"MASAR_FOLLOWUP_MONTHS": bad}[k] })
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "MASAR_FOLLOWUP_MONTHS") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

package web

import (
	"io"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/config"
)

// TestClientIP: X-Forwarded-For counts only from a trusted proxy, read from the right, so
// that neither a direct client nor one behind the proxy can choose its own address.
func TestClientIP(t *testing.T) {
	// app.Test connects from 0.0.0.0.
	for _, tc := range []struct {
		name, proxies string
		xff           []string
		want          string
	}{
		{"no proxies: header ignored", "", []string{"203.0.113.9"}, "0.0.0.0"},
		{"untrusted connection: header ignored", "10.0.0.0/8", []string{"203.0.113.9"}, "0.0.0.0"},
		{"trusted proxy names the client", "0.0.0.0/32", []string{"203.0.113.9"}, "203.0.113.9"},
		{"client-written left part ignored", "0.0.0.0/32", []string{"1.2.3.4, 203.0.113.9"}, "203.0.113.9"},
		{"chain of trusted proxies skipped", "0.0.0.0/32, 10.0.0.0/8", []string{"198.51.100.7, 10.1.2.3, 10.9.9.9"}, "198.51.100.7"},
		{"several header lines read as one list", "0.0.0.0/32, 10.0.0.0/8", []string{"6.6.6.6", "198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"garbage hop stops at the last vouched address", "0.0.0.0/32, 10.0.0.0/8", []string{"evil, 10.1.2.3"}, "10.1.2.3"},
		{"IPv6 client", "0.0.0.0/32", []string{"2001:db8::1"}, "2001:db8::1"},
		{"no header from a trusted proxy", "0.0.0.0/32", nil, "0.0.0.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := config.ParseProxies(tc.proxies)
			if err != nil {
				t.Fatal(err)
			}
			h := &handler{cfg: config.Config{Proxies: ps}}
			app := fiber.New(fiber.Config{Immutable: true})
			app.Get("/", func(c *fiber.Ctx) error { return c.SendString(h.clientIP(c)) })
			req := httptest.NewRequest("GET", "/", nil)
			for _, v := range tc.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			if string(b) != tc.want {
				t.Errorf("client address = %q, want %q", b, tc.want)
			}
		})
	}
}

func TestParseProxiesRefusesGarbage(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0.1/x"} {
		if _, err := config.ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q) accepted", bad)
		}
	}
	ps, err := config.ParseProxies(" 10.0.0.0/8 , ::ffff:192.168.1.7 ")
	if err != nil || len(ps) != 2 || ps[1].String() != "192.168.1.7/32" {
		t.Errorf("ParseProxies = %v, %v", ps, err)
	}
}

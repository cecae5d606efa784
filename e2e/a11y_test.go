package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// axeSource reads axe-core from $MASAR_AXE_JS or ./node_modules/axe-core/axe.min.js,
// skipping the test (failing it when MASAR_BROWSER_TESTS=require) when neither exists.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("MASAR_AXE_JS")
	if path == "" {
		path = filepath.Join("node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		unavailable(t, "accessibility test", fmt.Sprintf("no axe-core (%v); run `cd e2e && npm install --no-save --no-audit --no-fund axe-core@4.14.1` or set MASAR_AXE_JS", err))
	}
	return string(b)
}

// axeViolation is one failed axe rule with the elements that fail it.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

type axeResult struct {
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

// runAxe injects axe-core into the page shown (Runtime.evaluate is not bound by the page's
// Content-Security-Policy) and returns its violations.
func runAxe(t *testing.T, ctx context.Context, src string) axeResult {
	t.Helper()
	eval[bool](t, ctx, src+"\n;typeof axe === 'object'")
	return eval[axeResult](t, ctx, `axe.run(document, {resultTypes: ['violations']}).then(r => ({
		passes: r.passes.length,
		violations: r.violations.map(v => ({
			id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({
				target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)),
				html: n.html,
				summary: n.failureSummary || '',
			})),
		})),
	}))`)
}

// checkAxe fails the test for every serious or critical violation on the page shown and
// logs the lesser ones.
func checkAxe(t *testing.T, ctx context.Context, src, page string) {
	t.Helper()
	res := runAxe(t, ctx, src)
	if res.Passes == 0 {
		t.Fatalf("%s: axe-core checked nothing (no rule passed); is the page empty?", page)
	}
	for _, v := range res.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: [%s] %s — %s (%s)", page, v.Impact, v.ID, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s\n      %s", strings.Join(n.Target, ", "), n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(b.String())
		} else {
			t.Log(b.String())
		}
	}
}

func TestBrowserAccessibility(t *testing.T) {
	src := axeSource(t)
	s := startSite(t)
	// Seventeen pages with axe on each: on a loaded machine that is more than one testTimeout.
	ctx := newBrowserFor(t, 2*testTimeout)
	in := s.account(t, "sara.khaled@mop.gov.jo")

	// The harness itself must be able to see a violation: plant a field with no label and
	// an image with no text alternative, and expect axe to report both.
	t.Run("harness", func(t *testing.T) {
		s.open(t, ctx, "/en/login")
		eval[bool](t, ctx, `document.querySelector('main').insertAdjacentHTML('beforeend',
			'<input id="planted" type="text"><img id="planted-img" src="/static/logo.svg">'), true`)
		found := map[string]bool{}
		for _, v := range runAxe(t, ctx, src).Violations {
			for _, n := range v.Nodes {
				if strings.Contains(n.HTML, "planted") {
					found[v.ID] = true
				}
			}
		}
		if !found["label"] || !found["image-alt"] {
			t.Fatalf("axe did not report the planted violations (found %v); the accessibility checks below prove nothing", found)
		}
	})

	check := func(path string) {
		t.Helper()
		t.Run(strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"), func(t *testing.T) {
			s.open(t, ctx, path)
			checkAxe(t, ctx, src, path)
		})
	}
	for _, lang := range []string{"ar", "en"} {
		check("/" + lang + "/")
		check("/" + lang + "/register")
		check("/" + lang + "/login")
		check("/" + lang + "/privacy")
	}

	// The registration form after a failed submission, with every error shown.
	for _, lang := range []string{"ar", "en"} {
		t.Run(lang+"-register-errors", func(t *testing.T) {
			s.open(t, ctx, "/"+lang+"/register")
			do(t, ctx, "type a bad e-mail", typeInto("#f-email", "not-an-email"))
			clickAndLoad(t, ctx, "main form button[type=submit]")
			if n := eval[int](t, ctx, `document.querySelectorAll('.field .error').length`); n < 2 {
				t.Fatalf("after an empty submission the form shows %d field errors, want several", n)
			}
			checkAxe(t, ctx, src, "/"+lang+"/register after a failed submission")
		})
	}

	s.login(t, ctx, "ar", in.Email)
	if got := location(t, ctx); got != "/ar/me" {
		t.Fatalf("after logging in the browser is on %s, want /ar/me", got)
	}
	for _, lang := range []string{"ar", "en"} {
		check("/" + lang + "/me")
		check("/" + lang + "/me/notifications")
		check("/" + lang + "/me/delete")
	}
}

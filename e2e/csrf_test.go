package e2e

import (
	"testing"
)

func TestBrowserCSRFLessPostRefused(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	in := s.account(t, "sara.khaled@mop.gov.jo")
	s.login(t, ctx, "ar", in.Email)
	if got := location(t, ctx); got != "/ar/me" {
		t.Fatalf("after logging in the browser is on %s, want /ar/me", got)
	}

	// A script on a page of the site posts with the session cookie but without the form
	// token: refused, and the profile is unchanged.
	status := eval[int](t, ctx, `fetch('/ar/me/edit', {method: 'POST', body: new URLSearchParams({name_ar: 'x'}),
		credentials: 'same-origin'}).then(r => r.status)`)
	if status != 403 {
		t.Errorf("POST /ar/me/edit without _csrf: status %d, want 403", status)
	}
	s.open(t, ctx, "/ar/me")
	if got := text(t, ctx, ".profile h2"); got != in.NameAr {
		t.Errorf("after the refused POST the profile name is %q, want %q unchanged", got, in.NameAr)
	}

	// The same request with the page's own token gets past the CSRF check (the handler then
	// judges the form, so anything but 403 and a server error will do).
	status = eval[int](t, ctx, `fetch('/ar/me/edit', {method: 'POST', credentials: 'same-origin',
		body: new URLSearchParams({name_ar: 'x', _csrf: document.querySelector('input[name=_csrf]').value})}).then(r => r.status)`)
	t.Logf("POST /ar/me/edit with the page's _csrf: status %d", status)
	if status == 403 || status >= 500 {
		t.Errorf("POST /ar/me/edit with the page's _csrf: status %d, want it past the CSRF check (not 403, not 5xx)", status)
	}

	// A made-up token is refused too: a valid one is bound to this browser's cookie.
	status = eval[int](t, ctx, `fetch('/ar/me/edit', {method: 'POST', credentials: 'same-origin',
		body: new URLSearchParams({name_ar: 'x', _csrf: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'})}).then(r => r.status)`)
	if status != 403 {
		t.Errorf("POST /ar/me/edit with a forged _csrf: status %d, want 403", status)
	}
}

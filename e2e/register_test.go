package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/masar-platform/masar/i18n"
)

// registration is what a user types into the registration form.
type registration struct {
	email, password, nameAr, nameLatin, jobTitle, organisation string
	country, sector, gender, language                          string
}

// fillRegister types the registration form on the current page.
func fillRegister(t *testing.T, ctx context.Context, r registration) {
	t.Helper()
	do(t, ctx, "fill the registration form",
		typeInto("#f-email", r.email),
		typeInto("#f-password", r.password),
		typeInto("#f-password_confirm", r.password),
		typeInto("#f-name_ar", r.nameAr),
		typeInto("#f-name_latin", r.nameLatin),
		typeInto("#f-job_title", r.jobTitle),
		typeInto("#f-organisation", r.organisation),
		chromedp.SetValue(chromedp.CSS("#f-country"), r.country),
		chromedp.SetValue(chromedp.CSS("#f-sector"), r.sector),
		chromedp.Click(chromedp.CSS("input[name=gender][value="+r.gender+"]")),
		chromedp.SetValue(chromedp.CSS("#f-language"), r.language),
	)
	// Typing must have reached the fields: a lost keystroke would make every later check lie.
	for css, want := range map[string]string{"#f-email": r.email, "#f-name_ar": r.nameAr, "#f-name_latin": r.nameLatin} {
		if got := value(t, ctx, css); got != want {
			t.Fatalf("after typing, %s = %q, want %q", css, got, want)
		}
	}
}

// pageLayout is what the tests read of the page's direction and header layout.
type pageLayout struct {
	Lang  string  `json:"lang"`
	Dir   string  `json:"dir"`
	Brand float64 `json:"brand"` // left edge of the brand (logo and site name)
	Nav   float64 `json:"nav"`   // left edge of the language switcher
}

func layout(t *testing.T, ctx context.Context) pageLayout {
	t.Helper()
	return eval[pageLayout](t, ctx, `(() => ({
		lang: document.documentElement.lang,
		dir: document.documentElement.dir,
		brand: document.querySelector('.site-header .brand').getBoundingClientRect().left,
		nav: document.querySelector('nav.lang').getBoundingClientRect().left,
	}))()`)
}

func TestBrowserRegisterLoginAndLanguage(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	msg := i18n.MustLoad()

	// A failed registration in Arabic: the error sits next to the e-mail field, and what
	// the user typed is still there.
	s.open(t, ctx, "/ar/register")
	bad := registration{email: "huda.moi.gov.bh", password: password, nameAr: "هدى عبد الله", nameLatin: "Huda Abdullah",
		jobTitle: "مديرة التخطيط", organisation: "وزارة الداخلية", country: "JO", sector: "central_government",
		gender: "female", language: "ar"}
	fillRegister(t, ctx, bad)
	clickAndLoad(t, ctx, "main form button[type=submit]")
	if got := location(t, ctx); got != "/ar/register" {
		t.Fatalf("after a bad e-mail the browser is on %s, want /ar/register", got)
	}
	if got, want := text(t, ctx, "#e-email"), msg.T("ar", "field.email.invalid"); got != want {
		t.Errorf("e-mail error = %q, want the Arabic message %q", got, want)
	}
	if ok := eval[bool](t, ctx, `(() => {
		const f = document.getElementById('f-email'), e = document.getElementById('e-email');
		return f.closest('.field') === e.closest('.field') && f.getAttribute('aria-invalid') === 'true'
			&& (f.getAttribute('aria-describedby') || '').split(' ').includes('e-email');
	})()`); !ok {
		t.Error("the e-mail error is not attached to the e-mail field (same .field, aria-invalid, aria-describedby)")
	}
	for css, want := range map[string]string{"#f-email": bad.email, "#f-name_ar": bad.nameAr, "#f-name_latin": bad.nameLatin,
		"#f-job_title": bad.jobTitle, "#f-organisation": bad.organisation, "#f-country": bad.country} {
		if got := value(t, ctx, css); got != want {
			t.Errorf("after the failed submission %s = %q, want what was typed, %q", css, got, want)
		}
	}
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "f-email" {
		t.Errorf("focus is on #%s after the failed submission, want the invalid #f-email", got)
	}

	// Register in English with Arabic and Latin names: the browser is sent to the login page
	// and asked to confirm the address first (nobody is logged in before that, so that the
	// page looks the same whether the address was free or not).
	s.open(t, ctx, "/en/register")
	r := registration{email: "layla.hassan@mop.gov.jo", password: password, nameAr: "ليلى حسن", nameLatin: "Layla Hassan",
		jobTitle: "Planning officer", organisation: "Ministry of Planning", country: "JO", sector: "central_government",
		gender: "female", language: "en"}
	fillRegister(t, ctx, r)
	clickAndLoad(t, ctx, "main form button[type=submit]")
	if got := location(t, ctx); got != "/en/login" {
		t.Fatalf("after registering the browser is on %s (%q), want /en/login", got, text(t, ctx, "main"))
	}
	if got, want := text(t, ctx, ".flash"), msg.T("en", "flash.registered"); got != want {
		t.Errorf("flash after registering = %q, want %q", got, want)
	}

	// The link in the confirmation mail confirms the address and leads back to the login.
	items, _, err := s.p.Mailer.List(context.Background(), 10, 0)
	if err != nil || len(items) != 1 || items[0].Template != "confirm" {
		t.Fatalf("outbox after registering: %+v %v", items, err)
	}
	// The outbox shows the link masked; the recipient's copy has it whole.
	var sent string
	if err := s.p.DB.R.QueryRow("SELECT coalesce(recipient_text, text_body) FROM outbox WHERE id = ?", items[0].ID).Scan(&sent); err != nil {
		t.Fatal(err)
	}
	i := strings.Index(sent, "/en/confirm/")
	if i < 0 {
		t.Fatalf("no confirmation link in the mail:\n%s", sent)
	}
	s.open(t, ctx, strings.Fields(sent[i:])[0])
	if got := location(t, ctx); got != "/en/login" {
		t.Fatalf("after the confirmation link the browser is on %s, want /en/login", got)
	}
	if got, want := text(t, ctx, ".flash"), msg.T("en", "flash.email_confirmed_login"); got != want {
		t.Errorf("flash after confirming = %q, want %q", got, want)
	}

	// Log in: the profile greets the new account.
	s.login(t, ctx, "en", r.email)
	if got := location(t, ctx); got != "/en/me" {
		t.Fatalf("after the first login the browser is on %s (%q), want /en/me", got, text(t, ctx, "main"))
	}
	profile := func(where string) {
		t.Helper()
		if got := text(t, ctx, ".profile h2"); got != r.nameAr {
			t.Errorf("%s: profile heading = %q, want the Arabic name %q", where, got, r.nameAr)
		}
		if got := text(t, ctx, ".profile .latin"); got != r.nameLatin {
			t.Errorf("%s: profile Latin name = %q, want %q", where, got, r.nameLatin)
		}
	}
	profile("after the first login")

	// Log out with the header button: back on the home page, and /me asks to log in again.
	clickAndLoad(t, ctx, `header form[action="/en/logout"] button`)
	if got := location(t, ctx); got != "/en/" {
		t.Errorf("after logging out the browser is on %s, want /en/", got)
	}
	if got, want := text(t, ctx, ".flash"), msg.T("en", "flash.logged_out"); got != want {
		t.Errorf("flash after logging out = %q, want %q", got, want)
	}
	s.open(t, ctx, "/en/me")
	if got := location(t, ctx); !strings.HasPrefix(got, "/en/login") {
		t.Fatalf("after logging out /en/me shows %s, want the login page", got)
	}

	// Log in again through the form.
	s.login(t, ctx, "en", r.email)
	if got := location(t, ctx); got != "/en/me" {
		t.Fatalf("after logging in the browser is on %s (%q), want /en/me", got, text(t, ctx, "main"))
	}
	profile("after logging in")

	// Switch to Arabic: the same page, right to left, with the header mirrored.
	clickAndLoad(t, ctx, "nav.lang a[hreflang=ar]")
	if got := location(t, ctx); got != "/ar/me" {
		t.Errorf("after choosing Arabic the browser is on %s, want /ar/me", got)
	}
	l := layout(t, ctx)
	t.Logf("Arabic: %+v", l)
	if l.Lang != "ar" || l.Dir != "rtl" {
		t.Errorf("Arabic page has <html lang=%q dir=%q>, want lang=ar dir=rtl", l.Lang, l.Dir)
	}
	if !(l.Brand > l.Nav) {
		t.Errorf("Arabic header is not mirrored: brand at x=%.0f, language switcher at x=%.0f; the brand should be on the right", l.Brand, l.Nav)
	}
	if got, want := text(t, ctx, "main h1"), msg.T("ar", "me.title"); got != want {
		t.Errorf("Arabic profile title = %q, want %q", got, want)
	}
	profile("in Arabic")

	// And to French: left to right again.
	clickAndLoad(t, ctx, "nav.lang a[hreflang=fr]")
	if got := location(t, ctx); got != "/fr/me" {
		t.Errorf("after choosing French the browser is on %s, want /fr/me", got)
	}
	l = layout(t, ctx)
	t.Logf("French: %+v", l)
	if l.Lang != "fr" || l.Dir != "ltr" {
		t.Errorf("French page has <html lang=%q dir=%q>, want lang=fr dir=ltr", l.Lang, l.Dir)
	}
	if !(l.Brand < l.Nav) {
		t.Errorf("French header is mirrored: brand at x=%.0f, language switcher at x=%.0f; the brand should be on the left", l.Brand, l.Nav)
	}
	if got, want := text(t, ctx, "main h1"), msg.T("fr", "me.title"); got != want {
		t.Errorf("French profile title = %q, want %q", got, want)
	}
}

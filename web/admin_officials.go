package web

import (
	"database/sql"
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
)

const pageSize = 50

// officialsList is what the admin list of accounts shows.
type officialsList struct {
	Items     []*officials.Official
	Total     int
	Page      int
	Pages     int
	Q         string
	Country   string
	Role      string
	Countries []officials.Country
	Roles     []string
	Locked    bool // a focal point sees only their country
	More      bool // more matches than were counted (officials.CountCap)
	Cap       int
}

// scopedFilter applies who may see whom: a focal point is held to their own country,
// whatever the request asks for.
func scopedFilter(u *officials.Official, f officials.Filter) officials.Filter {
	if !u.IsStaff() {
		f.Country = u.Country
	}
	return f
}

// OfficialRows writes the rows of the staff list of officials. It is the one hot loop of the
// page, written out here rather than in the template (whose reflection cost a millisecond for
// fifty rows); every value is escaped.
func (v *View) OfficialRows(items []*officials.Official) template.HTML {
	var b strings.Builder
	b.Grow(len(items) * 400)
	esc := template.HTMLEscapeString
	for _, o := range items {
		b.WriteString("\n  <tr><td dir=\"auto\"><a href=\"")
		b.WriteString(esc(v.URL("/admin/officials/" + strconv.FormatInt(o.ID, 10))))
		b.WriteString("\">")
		b.WriteString(esc(o.NameAr))
		b.WriteString("</a></td><td dir=\"ltr\">")
		b.WriteString(esc(o.NameLatin))
		b.WriteString("</td><td dir=\"ltr\">")
		b.WriteString(esc(o.Email))
		b.WriteString("</td><td dir=\"auto\">")
		b.WriteString(esc(o.Organisation))
		b.WriteString("</td><td>")
		b.WriteString(esc(v.CountryName(o.Country)))
		b.WriteString("</td><td>")
		b.WriteString(esc(v.T("role." + o.Role)))
		b.WriteString("</td></tr>")
	}
	return template.HTML(b.String())
}

func (h *handler) showAdminHome(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, "admin", h.view(c, "admin.title"))
}

func (h *handler) listOfficials(c *fiber.Ctx) error {
	u := user(c)
	page := max(1, c.QueryInt("page", 1))
	f := scopedFilter(u, officials.Filter{Q: c.Query("q"), Country: c.Query("country"), Role: c.Query("role"),
		Limit: pageSize, Offset: (page - 1) * pageSize})
	items, total, err := h.Officials.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	cs, err := h.Officials.Countries(c.UserContext(), false)
	if err != nil {
		return err
	}
	v := h.view(c, "admin.officials.title")
	v.Data = officialsList{Items: items, Total: total, Page: page, Pages: (total + pageSize - 1) / pageSize, Q: f.Q,
		Country: f.Country, Role: f.Role, Countries: cs, Roles: officials.Roles, Locked: !u.IsStaff(),
		More: total > officials.CountCap, Cap: officials.CountCap}
	return h.render(c, fiber.StatusOK, "admin_officials", v)
}

// subject loads the account named in the URL, if the current user may see it.
func (h *handler) subject(c *fiber.Ctx) (*officials.Official, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return nil, problem.NotFound
	}
	o, err := h.Officials.Get(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if o.DeletedAt != nil {
		return nil, problem.NotFound
	}
	if !user(c).CanSeeCountry(o.Country) {
		// Do not confirm that the account exists.
		return nil, problem.NotFound
	}
	return o, nil
}

func (h *handler) showOfficial(c *fiber.Ctx) error {
	o, err := h.subject(c)
	if err != nil {
		return err
	}
	return h.officialPage(c, fiber.StatusOK, o, profileForm(o), nil, "")
}

// officialPage renders the admin page of account o: form holds the fields shown, errors and
// errKey what a refused change says. Every answer of the page goes through it, so that the
// form offers what the user may do and the notice of a coming erasure is always there.
func (h *handler) officialPage(c *fiber.Ctx, status int, o *officials.Official, form, errors map[string]string, errKey string) error {
	af, err := h.staffForm(c.UserContext(), user(c), o)
	if err != nil {
		return err
	}
	if af.ErasureDue, err = h.erasureDue(c.UserContext(), o.ID); err != nil {
		return err
	}
	if user(c).IsAdmin() {
		st, err := h.SecondFactor.Status(c.UserContext(), o.ID)
		if err != nil {
			return err
		}
		af.SecondFactor = &st
	}
	v := h.view(c, "admin.official.title")
	v.Form, v.Data, v.Errors, v.ErrorKey = form, af, errors, errKey
	return h.render(c, status, "admin_official", v)
}

func (h *handler) saveOfficial(c *fiber.Ctx) error {
	o, err := h.subject(c)
	if err != nil {
		return err
	}
	if !officials.MayManage(user(c), o) {
		// Staff and admin accounts are edited by their holders or by an admin.
		return problem.Forbidden
	}
	form := typed(c, accountFields...)
	form["email"] = o.Email
	if _, err := h.Officials.UpdateProfile(c.UserContext(), actor(c), o.ID, inputFrom(form, "")); err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		form["role"] = o.Role
		return h.officialPage(c, status, o, form, fields, key)
	}
	h.setFlash(c, "flash.saved")
	return c.Redirect("/"+lang(c)+"/admin/officials/"+c.Params("id"), fiber.StatusSeeOther)
}

func (h *handler) grantRole(c *fiber.Ctx) error {
	o, err := h.subject(c)
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	if !officials.MayManage(user(c), o) || !officials.MayGrant(user(c), role) {
		// Only an admin makes or unmakes staff and admins.
		return problem.Forbidden
	}
	if err := h.Officials.SetRole(c.UserContext(), actor(c), o.ID, role); err != nil {
		return err
	}
	h.setFlash(c, "flash.role_granted")
	return c.Redirect("/"+lang(c)+"/admin/officials/"+c.Params("id"), fiber.StatusSeeOther)
}

func (h *handler) showNewOfficial(c *fiber.Ctx) error {
	af, err := h.staffForm(c.UserContext(), user(c), nil)
	if err != nil {
		return err
	}
	v := h.view(c, "admin.new_official.title")
	v.Form = map[string]string{"language": lang(c), "role": officials.RoleOfficial}
	v.Data = af
	return h.render(c, fiber.StatusOK, "admin_new_official", v)
}

// createOfficial makes an account for someone; they receive a link to set their password.
func (h *handler) createOfficial(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := typed(c, append(accountFields, "role")...)
	role := form["role"]
	if !officials.MayGrant(user(c), role) {
		return problem.Forbidden
	}
	o, err := h.createAccount(c, inputFrom(form, ""), role)
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		af, err := h.staffForm(ctx, user(c), nil)
		if err != nil {
			return err
		}
		v := h.view(c, "admin.new_official.title")
		v.Form, v.Data, v.Errors, v.ErrorKey = form, af, fields, key
		return h.render(c, status, "admin_new_official", v)
	}
	h.setFlash(c, "flash.official_created")
	return c.Redirect("/"+lang(c)+"/admin/officials/"+strconv.FormatInt(o.ID, 10), fiber.StatusSeeOther)
}

// createAccount makes an account for someone and, when it has no password, queues the mail
// that lets its holder claim it, in one transaction: no account without its mail, and no
// mail for an account that was not made.
func (h *handler) createAccount(c *fiber.Ctx, in officials.Input, role string) (*officials.Official, error) {
	ctx := c.UserContext()
	var id int64
	err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = h.Officials.CreateTx(ctx, tx, actor(c), in, role); err != nil || in.Password != "" {
			return err
		}
		o, err := h.Officials.GetTx(ctx, tx, id)
		if err != nil {
			return err
		}
		return h.claimMail(c)(tx, o)
	})
	if err != nil {
		return nil, err
	}
	return h.Officials.Get(ctx, id)
}

type auditList struct {
	Items []audit.Entry
	Total int
	Page  int
	Pages int
}

func (h *handler) listAudit(c *fiber.Ctx) error {
	page := max(1, c.QueryInt("page", 1))
	items, total, err := audit.List(c.UserContext(), h.DB, audit.Filter{Action: c.Query("action"), Subject: c.Query("subject"),
		Limit: 100, Offset: (page - 1) * 100})
	if err != nil {
		return err
	}
	v := h.view(c, "admin.audit.title")
	v.Data = auditList{Items: items, Total: total, Page: page, Pages: (total + 99) / 100}
	return h.render(c, fiber.StatusOK, "admin_audit", v)
}

func (h *handler) listCountries(c *fiber.Ctx) error {
	cs, err := h.Officials.Countries(c.UserContext(), false)
	if err != nil {
		return err
	}
	v := h.view(c, "admin.countries.title")
	v.Data = cs
	return h.render(c, fiber.StatusOK, "admin_countries", v)
}

func (h *handler) saveCountry(c *fiber.Ctx) error {
	if err := h.Officials.SetMember(c.UserContext(), actor(c), c.Params("iso"), c.FormValue("member") == "1"); err != nil {
		return err
	}
	h.setFlash(c, "flash.saved")
	return c.Redirect("/"+lang(c)+"/admin/countries", fiber.StatusSeeOther)
}

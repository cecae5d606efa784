package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/officials"
)

func actor(c *fiber.Ctx) audit.Actor {
	u := user(c)
	if u == nil {
		return audit.Actor{}
	}
	return audit.Actor{ID: u.ID, Email: u.Email}
}

func profileForm(o *officials.Official) map[string]string {
	return map[string]string{"email": o.Email, "name_ar": o.NameAr, "name_latin": o.NameLatin, "job_title": o.JobTitle,
		"organisation": o.Organisation, "country": o.Country, "sector": o.Sector, "gender": o.Gender, "language": o.Language, "role": o.Role}
}

// meData is what the profile page shows.
type meData struct {
	Country officials.Country
	Extra   []meSection
}

// meSection is a block that a feature adds to the profile page (courses, workshops…).
type meSection struct {
	TitleKey string
	Items    []meItem
}

type meItem struct {
	Label string
	Href  string
	Note  string
}

func (h *handler) showMe(c *fiber.Ctx) error {
	u := user(c)
	v := h.view(c, "me.title")
	d := meData{}
	if u.Country != "" {
		d.Country, _ = h.Officials.Country(c.UserContext(), u.Country)
	}
	for _, s := range h.meSections {
		sec, err := s(c.UserContext(), u, v.Lang)
		if err != nil {
			return err
		}
		if sec != nil {
			d.Extra = append(d.Extra, *sec)
		}
	}
	v.Data = d
	return h.render(c, fiber.StatusOK, "me", v)
}

func (h *handler) showEditProfile(c *fiber.Ctx) error {
	af, err := h.accountForm(c.UserContext())
	if err != nil {
		return err
	}
	v := h.view(c, "profile.title")
	v.Form = profileForm(user(c))
	v.Data = af
	return h.render(c, fiber.StatusOK, "profile", v)
}

func (h *handler) saveProfile(c *fiber.Ctx) error {
	u := user(c)
	form := typed(c, accountFields...)
	form["email"] = u.Email
	o, err := h.Officials.UpdateProfile(c.UserContext(), actor(c), u.ID, inputFrom(form, ""))
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		af, err := h.accountForm(c.UserContext())
		if err != nil {
			return err
		}
		v := h.view(c, "profile.title")
		v.Form, v.Data, v.Errors, v.ErrorKey = form, af, fields, key
		return h.render(c, status, "profile", v)
	}
	h.setFlash(c, "flash.profile_saved")
	return c.Redirect("/"+o.Language+"/me", fiber.StatusSeeOther)
}

func (h *handler) showPassword(c *fiber.Ctx) error {
	return h.render(c, fiber.StatusOK, "password", h.view(c, "password.title"))
}

func (h *handler) changePassword(c *fiber.Ctx) error {
	v := h.view(c, "password.title")
	if c.FormValue("password") != c.FormValue("password_confirm") {
		v.Errors = map[string]string{"password_confirm": "field.password.mismatch"}
		return h.render(c, fiber.StatusUnprocessableEntity, "password", v)
	}
	tok, _ := c.Locals(keySession).(string)
	revoked, err := h.Officials.ChangePassword(c.UserContext(), user(c).ID, c.FormValue("current_password"), c.FormValue("password"), tok)
	if err != nil {
		fields, key, status, ok := formError(err)
		if !ok {
			return err
		}
		v.Errors, v.ErrorKey = fields, key
		return h.render(c, status, "password", v)
	}
	if revoked > 0 {
		h.setFlash(c, "flash.password_changed_tokens")
	} else {
		h.setFlash(c, "flash.password_changed")
	}
	return c.Redirect("/"+lang(c)+"/me", fiber.StatusSeeOther)
}

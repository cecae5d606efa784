package advisory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/masar-platform/masar/mail"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/store"
)

// recipients are the people told of a change to request r: the requester and the focal
// points of its country, each once, except whoever made the change — but a submission is
// acknowledged to its submitter too, as a receipt. Deleted accounts are left out.
func (s *Service) recipients(ctx context.Context, r *Request, actor *officials.Official, receipt bool) ([]*officials.Official, error) {
	var out []*officials.Official
	seen := map[int64]bool{actor.ID: !receipt}
	add := func(o *officials.Official) {
		if seen[o.ID] || o.DeletedAt != nil || o.Email == "" {
			return
		}
		seen[o.ID] = true
		out = append(out, o)
	}
	if o, err := s.officials.Get(ctx, r.CreatedBy); err == nil {
		add(o)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("advisory: requester of %d: %w", r.ID, err)
	}
	fps, _, err := s.officials.List(ctx, officials.Filter{Country: r.Country, Role: officials.RoleFocalPoint, Limit: 500})
	if err != nil {
		return nil, fmt.Errorf("advisory: focal points of %s: %w", r.Country, err)
	}
	for _, o := range fps {
		add(o)
	}
	return out, nil
}

// notify e-mails the requester and the country's focal points about request r, each in
// their own language, inside the caller's transaction. template is one of the advisory_*
// mail templates; extra holds what the template needs beyond the request ("from" and
// "reason" for a change of state, "comment" for a message).
func (s *Service) notify(ctx context.Context, tx *sql.Tx, r *Request, actor *officials.Official, template string, extra map[string]string) error {
	to, err := s.recipients(ctx, r, actor, template == "advisory_submitted")
	if err != nil {
		return err
	}
	if len(to) == 0 {
		return nil
	}
	country, err := s.officials.Country(ctx, r.Country)
	if err != nil {
		return fmt.Errorf("advisory: country %s: %w", r.Country, err)
	}
	for _, o := range to {
		l := o.Language
		by := actor.DisplayName(l)
		if actor.IsStaff() {
			by = s.cat.T(l, "advisory.mail.by_staff", "name", by)
		}
		link := s.baseURL + "/" + l + "/advisory/" + strconv.FormatInt(r.ID, 10)
		data := map[string]any{
			"ID": r.ID, "Country": country.Name(l), "RequestingBody": r.RequestingBody, "By": by, "Link": link,
			"ByGender": actor.Gender, "Gender": o.Gender,
		}
		switch template {
		case "advisory_status":
			data["From"] = s.cat.T(l, "advisory.status."+extra["from"])
			data["To"] = s.cat.T(l, "advisory.status."+r.Status)
			data["Status"] = r.Status
			data["Reason"] = extra["reason"]
			data["RatingLink"] = ""
			if r.Status == StatusCompleted {
				data["RatingLink"] = link + "#rating"
			}
		case "advisory_assigned":
			data["LeadExpert"] = r.LeadExpert
			data["ResponseDue"] = r.ResponseDue
			data["DeliveryDue"] = r.DeliveryDue
			data["Note"] = extra["note"]
		case "advisory_comment":
			data["Comment"] = extra["comment"]
		}
		if _, err := s.mailer.Enqueue(ctx, tx, mail.Message{To: o.Email, Name: o.DisplayName(l), Lang: l, Template: template, Data: data}); err != nil {
			return fmt.Errorf("advisory: notify %s of request %d: %w", o.Email, r.ID, err)
		}
	}
	return nil
}

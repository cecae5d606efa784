package web

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/search"
)

func (h *handler) searchRoutes(g fiber.Router) {
	g.Get("/search", h.showSearch)
}

// searchData is what the search page shows.
type searchData struct {
	Q         string
	Results   *search.Results
	Message   string            // catalogue key of a note on the query itself (blank, too long)
	Countries map[string]string // host countries of the workshops found, ISO → name in the page's language
	Start     int               // the number of the first result on the page
}

// showSearch is /{lang}/search?q=&page=: results from lessons, courses and workshops, the
// page's language first. A blank or over-long query is not an error: the page says what to
// do, with the form kept.
func (h *handler) showSearch(c *fiber.Ctx) error {
	v := h.view(c, "search.title")
	d := searchData{Q: c.Query("q")}
	status := fiber.StatusOK
	if strings.TrimSpace(d.Q) == "" {
		if c.Request().URI().QueryArgs().Has("q") {
			d.Message = "search.empty"
		}
	} else {
		res, err := h.Search.Search(c.UserContext(), search.Query{Text: d.Q, Lang: v.Lang, Page: max(1, c.QueryInt("page", 1))})
		if p, ok := problem.As(err); ok && p.Status == http.StatusUnprocessableEntity {
			// Nothing to search for (only punctuation) is like a blank box; too long is
			// an error to correct.
			d.Message = p.Key
			if p != search.ErrEmptyQuery {
				status = fiber.StatusUnprocessableEntity
			}
		} else if err != nil {
			return err
		} else {
			d.Results = res
			d.Start = (res.Page-1)*res.PerPage + 1
			v.Title = v.T("search.title_for", "q", res.Query)
			if d.Countries, err = h.workshopCountries(c, res, v.Lang); err != nil {
				return err
			}
		}
	}
	v.Data = d
	return h.render(c, status, "search", v)
}

// workshopCountries names the host countries of the workshops among the results.
func (h *handler) workshopCountries(c *fiber.Ctx, res *search.Results, lang string) (map[string]string, error) {
	need := false
	for _, r := range res.Items {
		need = need || r.Country != ""
	}
	if !need {
		return nil, nil
	}
	cs, err := h.Officials.Countries(c.UserContext(), false)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, co := range cs {
		names[co.ISO] = co.Name(lang)
	}
	return names, nil
}

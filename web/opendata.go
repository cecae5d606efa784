package web

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/reports"
)

// openDataAppRoutes registers the open-data files at stable addresses outside the language
// prefixes: /open-data/DATASET.csv, /open-data/DATASET.json and the DCAT catalogue
// /open-data/catalog.json. They are public, and may be cached for a few minutes.
func (h *handler) openDataAppRoutes(app fiber.Router) {
	app.Get("/open-data/catalog.json", h.serveOpenDataCatalog)
	app.Get("/open-data/:dataset.csv", h.serveOpenDataCSV)
	app.Get("/open-data/:dataset.json", h.serveOpenDataJSON)
}

// openDataPage is what the open-data page shows.
type openDataPage struct {
	Datasets  []openDataset
	Catalog   string
	Threshold int
	License   string
	Modified  time.Time
}

type openDataset struct {
	ID, Title, Desc string
	CSV, JSON       string
	Modified        time.Time
	Records         int
	Suppressed      int
	Fields          []openField
}

type openField struct {
	Name, Type, Meaning string
	Count               bool
}

func (h *handler) showOpenData(c *fiber.Ctx) error {
	od, err := h.Reports.OpenData(c.UserContext())
	if err != nil {
		return err
	}
	l := lang(c)
	v := h.view(c, "opendata.title")
	data := openDataPage{Catalog: "/open-data/catalog.json", Threshold: reports.Threshold, License: reports.License, Modified: od.Modified()}
	for _, d := range od.Datasets {
		ds := openDataset{ID: d.ID, Title: v.T("opendata." + d.ID + ".title"), Desc: v.T("opendata." + d.ID + ".desc"),
			CSV: "/open-data/" + d.ID + ".csv", JSON: "/open-data/" + d.ID + ".json", Modified: d.Modified,
			Records: len(d.Records), Suppressed: d.Suppressed}
		for _, f := range d.Fields {
			ds.Fields = append(ds.Fields, openField{Name: f.Name, Type: v.T("opendata.type." + f.Type),
				Meaning: h.Reports.FieldMeaning(d, f, l), Count: f.Count})
		}
		data.Datasets = append(data.Datasets, ds)
	}
	v.Data = data
	return h.render(c, fiber.StatusOK, "opendata", v)
}

// openDataset finds the dataset named in the address.
func (h *handler) openDataset(c *fiber.Ctx) (*reports.Dataset, error) {
	od, err := h.Reports.OpenData(c.UserContext())
	if err != nil {
		return nil, err
	}
	d := od.Dataset(c.Params("dataset"))
	if d == nil {
		return nil, problem.NotFound
	}
	return d, nil
}

// openDataHeaders mark a public file that may be cached briefly, and say when it changed.
func openDataHeaders(c *fiber.Ctx, modified time.Time) {
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set("Access-Control-Allow-Origin", "*")
	if !modified.IsZero() {
		c.Set(fiber.HeaderLastModified, modified.UTC().Format(time.RFC1123))
	}
	c.Set("Link", `<`+reports.License+`>; rel="license"`)
}

func (h *handler) serveOpenDataCSV(c *fiber.Ctx) error {
	d, err := h.openDataset(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := d.WriteCSV(&buf); err != nil {
		return err
	}
	openDataHeaders(c, d.Modified)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="masar-`+d.ID+`.csv"`)
	return c.Send(buf.Bytes())
}

func (h *handler) serveOpenDataJSON(c *fiber.Ctx) error {
	d, err := h.openDataset(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Reports.WriteJSON(&buf, d); err != nil {
		return err
	}
	openDataHeaders(c, d.Modified)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(buf.Bytes())
}

func (h *handler) serveOpenDataCatalog(c *fiber.Ctx) error {
	od, err := h.Reports.OpenData(c.UserContext())
	if err != nil {
		return err
	}
	b, err := json.Marshal(h.Reports.Catalog(od))
	if err != nil {
		return err
	}
	openDataHeaders(c, od.Modified())
	c.Set(fiber.HeaderContentType, "application/ld+json; charset=utf-8")
	return c.Send(b)
}

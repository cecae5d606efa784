package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
	"github.com/masar-platform/masar/problem"
	"github.com/masar-platform/masar/reports"
	"github.com/masar-platform/masar/workshops"
)

// apiReportRoutes registers the figures (same roles and country rule as the dashboards) and
// the open data (public).
func (h *handler) apiReportRoutes(api fiber.Router) {
	may := h.requireRole(officials.RoleStaff, officials.RoleAdmin, officials.RoleFocalPoint)
	api.Get("/reports", may, h.apiReports)
	api.Get("/reports/:table", may, h.apiReportFile)
	api.Get("/open-data", h.apiOpenData)
	api.Get("/open-data/:dataset", h.apiOpenDataset)
}

func (h *handler) apiReports(c *fiber.Ctx) error {
	f, err := h.reportFilter(c)
	if err != nil {
		return err
	}
	d, err := h.Reports.Dashboard(c.UserContext(), f)
	if err != nil {
		return err
	}
	return data(c, fiber.StatusOK, d)
}

// apiReportFile downloads one table of the dashboard (or every table, "all", in one
// workbook) as the pages do: format=xlsx (the default) or csv, in the request's language.
func (h *handler) apiReportFile(c *fiber.Ctx) error {
	switch c.Query("format", "xlsx") {
	case "xlsx":
		return h.downloadReportXLSX(c)
	case "csv":
		return h.downloadReportCSV(c)
	}
	return problem.Fields{"format": "field.choose"}.Err()
}

// openDatasetInfo describes an open dataset in the API's list.
type openDatasetInfo struct {
	ID          string            `json:"id"`
	Title       map[string]string `json:"title"`
	Description map[string]string `json:"description"`
	License     string            `json:"license"`
	Modified    string            `json:"modified"`
	Records     int               `json:"records"`
	CSV         string            `json:"csv"`
	JSON        string            `json:"json"`
}

func (h *handler) apiOpenData(c *fiber.Ctx) error {
	od, err := h.Reports.OpenData(c.UserContext())
	if err != nil {
		return err
	}
	out := []openDatasetInfo{}
	for _, d := range od.Datasets {
		doc := h.Reports.DatasetJSON(d)
		out = append(out, openDatasetInfo{ID: d.ID, Title: doc["title"].(map[string]string), Description: doc["description"].(map[string]string),
			License: reports.License, Modified: doc["modified"].(string), Records: len(d.Records),
			CSV: h.cfg.BaseURL + "/open-data/" + d.ID + ".csv", JSON: h.cfg.BaseURL + "/open-data/" + d.ID + ".json"})
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return data(c, fiber.StatusOK, map[string]any{"catalog": h.cfg.BaseURL + "/open-data/catalog.json", "datasets": out})
}

func (h *handler) apiOpenDataset(c *fiber.Ctx) error {
	od, err := h.Reports.OpenData(c.UserContext())
	if err != nil {
		return err
	}
	d := od.Dataset(c.Params("dataset"))
	if d == nil {
		return problem.NotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return data(c, fiber.StatusOK, h.Reports.DatasetJSON(d))
}

// The OpenAPI schemas of the reports and the open data.
var (
	schemaReportDashboard = func() map[string]any {
		str := map[string]any{"type": "string"}
		integer := map[string]any{"type": "integer"}
		share := map[string]any{"type": "number", "nullable": true, "description": "a share from 0 to 1; null when there is nothing to divide by"}
		gender := map[string]any{"type": "object", "properties": map[string]any{"female": integer, "male": integer, "unspecified": integer}}
		group := map[string]any{"type": "object", "properties": map[string]any{"key": str, "total": integer, "gender": gender}}
		groups := map[string]any{"type": "array", "items": group}
		learning := map[string]any{"type": "object", "properties": map[string]any{"key": str, "enrolments": integer, "completions": integer,
			"completion_rate": share, "quiz_takers": integer, "quiz_passed": integer, "pass_rate": share}}
		learnings := map[string]any{"type": "array", "items": learning}
		attendance := map[string]any{"type": "object", "properties": map[string]any{"key": str, "participants": integer, "attended": integer, "attendance_rate": share}}
		attendances := map[string]any{"type": "array", "items": attendance}
		cert := map[string]any{"type": "object", "properties": map[string]any{"key": str, "course": integer, "workshop": integer, "issued": integer, "revoked": integer}}
		certs := map[string]any{"type": "array", "items": cert}
		request := map[string]any{"type": "object", "properties": map[string]any{"key": str, "requests": integer, "accepted": integer,
			"median_days_to_acceptance": map[string]any{"type": "number", "nullable": true}}}
		requests := map[string]any{"type": "array", "items": request}
		kinds := map[string]any{"type": "object", "additionalProperties": integer, "description": "by workshop kind: regional, national, expert_meeting, online"}
		return map[string]any{"type": "object", "properties": map[string]any{
			"filter":       map[string]any{"type": "object", "properties": map[string]any{"from": str, "to": str, "country": str}},
			"generated_at": map[string]any{"type": "string", "format": "date-time"},
			"officials":    map[string]any{"type": "object", "properties": map[string]any{"registered": integer, "gender": gender, "by_country": groups, "by_sector": groups}},
			"courses": map[string]any{"type": "object", "properties": map[string]any{"total": learning, "by_course": learnings,
				"by_country": learnings, "by_gender": learnings, "by_sector": learnings}},
			"workshops": map[string]any{"type": "object", "properties": map[string]any{"held": integer, "by_kind": kinds,
				"by_host":      map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"country": str, "kinds": kinds, "total": integer}}},
				"participants": attendance, "by_country": attendances, "by_gender": attendances, "by_sector": attendances,
				"workshops": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"id": integer, "title": map[string]any{"type": "object", "additionalProperties": str}, "kind": map[string]any{"type": "string", "enum": workshops.Kinds},
					"phases": map[string]any{"type": "array", "items": integer}, "host_country": str, "start_date": str, "end_date": str,
					"participants": integer, "attended": integer, "attendance_rate": share}}}}},
			"certificates": map[string]any{"type": "object", "properties": map[string]any{"total": cert, "by_country": certs, "by_gender": certs, "by_sector": certs}},
			"advisory": map[string]any{"type": "object", "properties": map[string]any{"total": request,
				"by_state": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"status": map[string]any{"type": "string", "enum": advisory.Statuses}, "by_phase": map[string]any{"type": "array", "items": integer, "minItems": 4, "maxItems": 4}, "total": integer}}},
				"by_phase": requests, "by_country": requests}},
		}}
	}()
	schemaOpenDataList = map[string]any{"type": "object", "properties": map[string]any{
		"catalog": map[string]any{"type": "string", "format": "uri"},
		"datasets": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"id": map[string]any{"type": "string"}, "title": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			"description": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			"license":     map[string]any{"type": "string"}, "modified": map[string]any{"type": "string", "format": "date"},
			"records": map[string]any{"type": "integer"}, "csv": map[string]any{"type": "string"}, "json": map[string]any{"type": "string"}}}},
	}}
	schemaOpenDataset = map[string]any{"type": "object", "properties": map[string]any{
		"id": map[string]any{"type": "string"}, "title": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		"description": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		"license":     map[string]any{"type": "string"}, "modified": map[string]any{"type": "string", "format": "date"},
		"suppression": map[string]any{"type": "object", "properties": map[string]any{"threshold": map[string]any{"type": "integer"},
			"marker": map[string]any{"nullable": true}, "rule": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}},
		"fields": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"name": map[string]any{"type": "string"}, "type": map[string]any{"type": "string"}, "suppressible": map[string]any{"type": "boolean"},
			"description": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}}},
		"records": map[string]any{"type": "array", "items": map[string]any{"type": "object", "additionalProperties": true}},
	}}
)

package web

import "github.com/masar-platform/masar/workshops"

// The API of a workshop's speakers and materials (web/workshop_materials.go), added to
// apiOps (openapi.go) at start, with its schemas (addWorkshopMaterialSchemas).
func init() {
	const anyone = "public (a draft workshop: staff and its trainers only)"
	const staffOnly = "staff, admin"
	const w = "/workshops/{id}"
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: w + "/speakers", Summary: "The workshop's speakers, each an account of the platform (official_id; name and, unless one was typed, affiliation from the account) or a person from outside named in ar/en/fr, with their biography, whether they have a photo (photo_url) and the agenda items (session ids) they speak at", Role: anyone,
			Result: "WorkshopSpeakers"},
		apiOp{Method: "POST", Path: w + "/speakers", Summary: "Add a speaker: official_id (a trainer's or staff member's account) or name (ar or en at least), affiliation, bio, photo (base64 of a JPEG or PNG image of at most 5 MB, checked by its content, scaled down to 600 pixels and re-encoded without metadata; SVG is refused) and sessions (agenda item ids of this workshop). 422 names the field (name_ar, official_id, photo, sessions…); nothing is saved then", Role: staffOnly,
			Body: "WorkshopSpeakerInput", Result: "WorkshopSpeaker"},
		apiOp{Method: "DELETE", Path: w + "/speakers/{sid}", Summary: "Delete a speaker: they are taken off every agenda item (the items stay). Answers the id", Role: staffOnly,
			Result: "Deleted"},
		apiOp{Method: "GET", Path: w + "/speakers/{sid}/photo", Summary: "A speaker's photo (image/jpeg or image/png); 404 without one", Role: anyone},
		apiOp{Method: "GET", Path: w + "/materials", Summary: "The workshop's materials the caller may read: the public ones for everybody; all of them for staff, the workshop's trainers and participants with a confirmed seat. A file has file_url; a link has url. session_id 0 means the whole workshop", Role: anyone,
			Result: "WorkshopMaterials"},
		apiOp{Method: "POST", Path: w + "/materials", Summary: "Add a material: a file (data: base64 of a PDF, PPTX, DOCX or XLSX of at most 20 MB, its type checked by its content: a PDF header, or an Office Open XML package declaring the main part; macro-enabled and old-format Office files, HTML, SVG and images are refused with a message naming what the file is; filename: its name) or a link (url: http or https), never both; title in ar/en/fr (one at least); visibility participants (the default) or public; session_id to attach it to an agenda item (0: the whole workshop). 413 file_too_large; 422 names the field (title_ar, file, url, visibility, session_id); nothing is saved then", Role: staffOnly,
			Body: "WorkshopMaterialInput", Result: "WorkshopMaterial"},
		apiOp{Method: "PATCH", Path: w + "/materials/{mid}", Summary: "Change a material's title, visibility or agenda item (session_id, 0: the whole workshop); fields left out stay. Its file or link stays (add another material for a new one). 422 names the field; nothing is changed then", Role: staffOnly,
			Body: "WorkshopMaterialChange", Result: "WorkshopMaterial"},
		apiOp{Method: "DELETE", Path: w + "/materials/{mid}", Summary: "Delete a material and its file. Answers the id", Role: staffOnly,
			Result: "Deleted"},
		apiOp{Method: "GET", Path: w + "/materials/{mid}/file", Summary: "A material's file, as an attachment of its checked type; a material for participants answers 404 to anyone but staff, the workshop's trainers and participants with a confirmed seat", Role: anyone},
	)
}

// addWorkshopMaterialSchemas adds the schemas of the speakers and materials to the document.
func addWorkshopMaterialSchemas(doc map[string]any) {
	str := map[string]any{"type": "string"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	texts := map[string]any{"type": "object", "description": "texts keyed by language (ar, en, fr)", "additionalProperties": str}
	ids := map[string]any{"type": "array", "items": integer}
	visibility := map[string]any{"type": "string", "enum": workshops.Visibilities, "description": "participants: staff, the workshop's trainers and participants with a confirmed seat; public: anyone who may see the workshop"}
	speaker := map[string]any{"type": "object", "properties": map[string]any{
		"id": integer, "workshop_id": integer, "official_id": map[string]any{"type": "integer", "description": "0: a person from outside the platform"},
		"name": texts, "affiliation": str, "bio": texts, "has_photo": boolean, "photo_url": str,
		"sessions":   map[string]any{"type": "array", "items": integer, "description": "the agenda items (session ids) they speak at"},
		"created_at": dateTime, "updated_at": dateTime}}
	material := map[string]any{"type": "object", "properties": map[string]any{
		"id": integer, "workshop_id": integer, "session_id": map[string]any{"type": "integer", "description": "0: the whole workshop"},
		"kind": map[string]any{"type": "string", "enum": workshops.MaterialKinds}, "title": texts, "visibility": visibility,
		"url": map[string]any{"type": "string", "description": "a link's address"}, "format": map[string]any{"type": "string", "enum": workshops.MaterialFormats},
		"filename": str, "size": integer, "sha256": str, "file_url": map[string]any{"type": "string", "description": "where a file is downloaded"},
		"created_at": dateTime}}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, s := range map[string]any{
		"WorkshopSpeaker":  speaker,
		"WorkshopSpeakers": map[string]any{"type": "array", "items": speaker},
		"WorkshopSpeakerInput": map[string]any{"type": "object", "properties": map[string]any{
			"official_id": integer, "name": texts, "affiliation": str, "bio": texts,
			"photo":    map[string]any{"type": "string", "format": "byte", "description": "base64 of a JPEG or PNG image, 5 MB at most"},
			"sessions": ids}},
		"WorkshopMaterial":  material,
		"WorkshopMaterials": map[string]any{"type": "array", "items": material},
		"WorkshopMaterialInput": map[string]any{"type": "object", "required": []string{"title"}, "properties": map[string]any{
			"title": texts, "visibility": visibility, "session_id": integer,
			"url":      map[string]any{"type": "string", "description": "a link (http or https); or give data"},
			"filename": str,
			"data":     map[string]any{"type": "string", "format": "byte", "description": "base64 of a PDF, PPTX, DOCX or XLSX file, 20 MB at most; or give url"}}},
		"WorkshopMaterialChange": map[string]any{"type": "object", "properties": map[string]any{
			"title": texts, "visibility": visibility, "session_id": integer}},
		"Deleted": map[string]any{"type": "object", "properties": map[string]any{"id": integer, "deleted": boolean}},
	} {
		if _, taken := schemas[name]; !taken {
			schemas[name] = s
		}
	}
}

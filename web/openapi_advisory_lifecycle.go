package web

import "github.com/masar-platform/masar/advisory"

// The advisory lifecycle's operations, added to apiOps (openapi.go) at start, and its fields
// in the request's schemas (once, before any document is built).
func init() {
	// The request carries its tags; its detail the letter and the timeline; the new request the letter.
	props := schemaAdvisoryRequest["properties"].(map[string]any)
	props["sdg_targets"] = map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": advisory.SDGTargets}}
	props["objectives"] = map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": advisory.Objectives}}
	detail := schemaAdvisoryDetail["allOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)
	detail["letter"] = ref("AdvisoryLetter")
	detail["timeline"] = ref("AdvisoryTimeline")
	input := schemaAdvisoryInput["properties"].(map[string]any)
	input["letter"] = ref("AdvisoryLetterInput")

	const who, staffOnly = "staff, admin, focal_point", "staff, admin"
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/advisory/outcomes", Summary: "Advisory figures by SDG target, strategic objective and phase (with the phase × objective grid): requests, completed, the completion ratings' average, the follow-up ratings' average, deliverables delivered by their due date against those due. Staff see every country or one (country=ISO); a focal point their own (another country: 404)", Role: who,
			Result: "AdvisoryOutcomes", Query: []string{"country"}},
		apiOp{Method: "GET", Path: "/advisory/{id}/timeline", Summary: "Every step of the request, oldest first: changes of state, the letter, terms of reference, missions, deliverables, the closing report, the follow-up; internal notes and staff-only steps for staff only", Role: who, Result: "AdvisoryTimeline"},
		apiOp{Method: "GET", Path: "/advisory/{id}/files/{fid}", Summary: "Download one of the lifecycle's files (letter, terms of reference, deliverable, closing report): its content, not JSON", Role: who},
		apiOp{Method: "GET", Path: "/advisory/{id}/tor", Summary: "The versions of the terms of reference, newest first", Role: who, Result: "AdvisoryTorVersions"},
		apiOp{Method: "POST", Path: "/advisory/{id}/tor", Summary: "Propose a new version of the terms of reference (a PDF, DOCX or XLSX in base64, and a summary) while the request is accepted, planned or in progress; a version still waiting is superseded; the country is e-mailed. 409 step_not_possible at another stage", Role: staffOnly,
			Body: "AdvisoryDocumentInput", Result: "AdvisoryTorVersion"},
		apiOp{Method: "POST", Path: "/advisory/{id}/tor/{vid}/decision", Summary: "The country agrees to the version waiting for its answer, or asks for changes with a comment (required); 409 tor_not_pending for another version; 403 for staff", Role: "focal_point",
			Body: "AdvisoryTorDecision", Result: "AdvisoryTorVersion"},
		apiOp{Method: "GET", Path: "/advisory/{id}/missions", Summary: "The request's missions by date", Role: who, Result: "AdvisoryMissions"},
		apiOp{Method: "POST", Path: "/advisory/{id}/missions", Summary: "Schedule a mission: dates not in the past nor more than three years ahead, the end not before the start, a city, the team and agenda; the country is e-mailed. 409 step_not_possible before acceptance or after the end", Role: staffOnly,
			Body: "AdvisoryMissionInput", Result: "AdvisoryMission"},
		apiOp{Method: "GET", Path: "/advisory/{id}/deliverables", Summary: "The request's deliverables by due date, each with on_time once delivered and overdue when past due", Role: who, Result: "AdvisoryDeliverables"},
		apiOp{Method: "POST", Path: "/advisory/{id}/deliverables", Summary: "Add a deliverable: a title and a due date not in the past nor more than three years ahead", Role: staffOnly,
			Body: "AdvisoryDeliverableInput", Result: "AdvisoryDeliverable"},
		apiOp{Method: "POST", Path: "/advisory/{id}/deliverables/{did}/status", Summary: "Move a deliverable: staff start it and deliver it (with its file, required); the country accepts what was delivered or sends it back to work (staff may record an acceptance). 409 deliverable_move_forbidden for a move that does not exist; 403 for the other party's move", Role: who,
			Body: "AdvisoryDeliverableMove", Result: "AdvisoryDeliverable"},
		apiOp{Method: "GET", Path: "/advisory/{id}/closing-report", Summary: "The closing report, or null", Role: who, Result: "AdvisoryClosingReport"},
		apiOp{Method: "POST", Path: "/advisory/{id}/closing-report", Summary: "File the closing report (a summary and a document in base64) while the work is in progress or after completion; filing again replaces it; the country is e-mailed", Role: staffOnly,
			Body: "AdvisoryDocumentInput", Result: "AdvisoryClosingReport"},
		apiOp{Method: "PUT", Path: "/advisory/{id}/tags", Summary: "Set the SDG targets and strategic objectives the request serves (replacing the previous ones); answers the request", Role: staffOnly,
			Body: "AdvisoryTags", Result: "AdvisoryRequest"},
		apiOp{Method: "GET", Path: "/advisory/{id}/follow-up", Summary: "The follow-up survey: when due (months after completion: MASAR_FOLLOWUP_MONTHS), when sent, the country's answers; null before completion", Role: who, Result: "AdvisoryFollowUp"},
		apiOp{Method: "POST", Path: "/advisory/{id}/follow-up", Summary: "Answer the follow-up survey once it was sent, once (a focal point of the request's country); 409 followup_not_open otherwise", Role: "focal_point",
			Body: "AdvisoryFollowUpAnswer", Result: "AdvisoryFollowUp"},
	)
}

// addLifecycleSchemas adds the lifecycle's schemas to the document's components.
func addLifecycleSchemas(doc map[string]any) {
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	oaBool := map[string]any{"type": "boolean"}
	oaNum := map[string]any{"type": "number", "nullable": true}
	oaFile := map[string]any{"type": "object", "properties": map[string]any{"filename": oaStr,
		"data": map[string]any{"type": "string", "format": "byte", "description": "the file's content in base64: PDF, DOCX or XLSX by content, 8 MB at most"}}}
	fileRef := map[string]any{"type": "object", "properties": map[string]any{"id": oaInt, "filename": oaStr,
		"kind": map[string]any{"type": "string", "enum": []string{advisory.KindPDF, advisory.KindDOCX, advisory.KindXLSX}}, "size": oaInt}}
	tor := map[string]any{"type": "object", "properties": map[string]any{"id": oaInt, "version": oaInt, "summary": oaStr, "file": fileRef,
		"status": map[string]any{"type": "string", "enum": []string{advisory.TorProposed, advisory.TorAgreed, advisory.TorChangesRequested, advisory.TorSuperseded}},
		"by":     oaPerson, "created_at": oaTime, "decided_by": oaPerson, "decided_at": oaTime, "comment": oaStr}}
	mission := map[string]any{"type": "object", "properties": map[string]any{"id": oaInt, "start_date": oaDate, "end_date": oaDate, "city": oaStr,
		"team": oaStr, "agenda": oaStr, "by": oaPerson, "created_at": oaTime}}
	deliverableStatus := map[string]any{"type": "string", "enum": advisory.DeliverableStatuses}
	deliverable := map[string]any{"type": "object", "properties": map[string]any{"id": oaInt, "title": oaStr, "due_date": oaDate, "status": deliverableStatus,
		"file": fileRef, "delivered_on": oaDate, "on_time": map[string]any{"type": "boolean", "nullable": true}, "overdue": oaBool, "by": oaPerson, "created_at": oaTime}}
	outcome := map[string]any{"type": "object", "properties": map[string]any{"code": oaStr, "requests": oaInt, "completed": oaInt, "rated": oaInt,
		"rating_average": oaNum, "follow_ups": oaInt, "follow_up_rating_average": oaNum, "deliverables_due": oaInt, "deliverables_on_time": oaInt,
		"deliverables_late": oaInt, "on_time_rate": map[string]any{"type": "number", "nullable": true, "description": "on time ÷ due, 0–1"}}}
	outcomes := map[string]any{"type": "array", "items": outcome}
	for name, s := range map[string]any{
		"AdvisoryLetter": map[string]any{"type": "object", "properties": map[string]any{"reference": oaStr, "date": oaDate, "signatory_name": oaStr,
			"signatory_title": oaStr, "file": fileRef}},
		"AdvisoryLetterInput": map[string]any{"type": "object", "required": []string{"reference", "date", "signatory_name", "signatory_title", "file"},
			"description": "the ministry's official letter, required to submit", "properties": map[string]any{"reference": oaStr,
				"date": map[string]any{"type": "string", "format": "date", "description": "not in the future"}, "signatory_name": oaStr, "signatory_title": oaStr, "file": oaFile}},
		"AdvisoryTimeline": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"kind": map[string]any{"type": "string", "enum": advisory.StepKinds}, "to": oaStatus, "reason": oaStr, "detail": oaStr, "ref": oaInt, "staff_only": oaBool, "actor": oaPerson, "at": oaTime}}},
		"AdvisoryTorVersion":    tor,
		"AdvisoryTorVersions":   map[string]any{"type": "array", "items": tor},
		"AdvisoryDocumentInput": map[string]any{"type": "object", "required": []string{"file"}, "properties": map[string]any{"summary": oaStr, "file": oaFile}},
		"AdvisoryTorDecision": map[string]any{"type": "object", "required": []string{"decision"}, "properties": map[string]any{
			"decision": map[string]any{"type": "string", "enum": []string{"agree", "changes"}}, "comment": map[string]any{"type": "string", "description": "required to ask for changes"}}},
		"AdvisoryMission":          mission,
		"AdvisoryMissions":         map[string]any{"type": "array", "items": mission},
		"AdvisoryMissionInput":     map[string]any{"type": "object", "required": []string{"start_date", "end_date", "city"}, "properties": map[string]any{"start_date": oaDate, "end_date": oaDate, "city": oaStr, "team": oaStr, "agenda": oaStr}},
		"AdvisoryDeliverable":      deliverable,
		"AdvisoryDeliverables":     map[string]any{"type": "array", "items": deliverable},
		"AdvisoryDeliverableInput": map[string]any{"type": "object", "required": []string{"title", "due_date"}, "properties": map[string]any{"title": oaStr, "due_date": oaDate}},
		"AdvisoryDeliverableMove":  map[string]any{"type": "object", "required": []string{"status"}, "properties": map[string]any{"status": deliverableStatus, "file": oaFile}},
		"AdvisoryClosingReport":    map[string]any{"type": "object", "nullable": true, "properties": map[string]any{"summary": oaStr, "file": fileRef, "by": oaPerson, "filed_at": oaTime}},
		"AdvisoryTags": map[string]any{"type": "object", "properties": map[string]any{
			"sdg_targets": map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": advisory.SDGTargets}},
			"objectives":  map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": advisory.Objectives}}}},
		"AdvisoryFollowUp": map[string]any{"type": "object", "nullable": true, "properties": map[string]any{"due_on": oaDate, "sent_at": oaTime, "answered_at": oaTime,
			"answered_by": oaPerson, "rating": map[string]any{"type": "integer", "nullable": true}, "used": oaStr, "changes": oaStr, "further_needs": oaStr}},
		"AdvisoryFollowUpAnswer": map[string]any{"type": "object", "required": []string{"rating", "used", "changes"}, "properties": map[string]any{
			"rating": map[string]any{"type": "integer", "minimum": 1, "maximum": 5}, "used": map[string]any{"type": "string", "enum": advisory.FollowUpUses},
			"changes": oaStr, "further_needs": oaStr}},
		"AdvisoryOutcomes": map[string]any{"type": "object", "properties": map[string]any{"country": oaStr, "total": outcome, "by_sdg_target": outcomes,
			"by_objective": outcomes, "by_phase": outcomes, "phase_objective_requests": map[string]any{"type": "array", "description": "4 rows (phases) × 6 columns (objectives, in the order of the tags' enum): requests tagged with both",
				"items": map[string]any{"type": "array", "items": oaInt}}}},
	} {
		schemas[name] = s
	}
}

package web

// The caller's own sessions and API tokens (web/api_sessions.go), added to apiOps
// (openapi.go) at start, with their schemas (addSessionSchemas).
func init() {
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/me/sessions", Summary: "The caller's login sessions not yet expired, the latest used first: a public id (never the secret), when each began, was last active (written at most every five minutes) and ends, the browser and system named from its User-Agent, the network with the last part of the address hidden (place.local for a private network) and the sign-in method", Role: "any",
			Result: "Sessions"},
		apiOp{Method: "DELETE", Path: "/me/sessions/{id}", Summary: "End one of the caller's sessions by its public id (404 for anyone else's or one already ended); its browser is logged out on its next request. Answers 200 with the sessions left", Role: "any",
			Result: "Sessions"},
		apiOp{Method: "GET", Path: "/me/tokens", Summary: "The caller's API tokens, revoked ones included, newest first: name, created, last used (written at most every five minutes), revoked; never a secret", Role: "any",
			Result: "Tokens"},
		apiOp{Method: "POST", Path: "/me/tokens/{id}/revoke", Summary: "Revoke one of the caller's API tokens (404 for anyone else's; one already revoked stays as it was); it stops working at once. Answers 200 with the caller's tokens", Role: "any"},
		apiOp{Method: "GET", Path: "/officials/{id}/second-factor", Summary: "An account's second factors: whether an authenticator app is set up and since when, how many passkeys, how many recovery codes are unused; never a secret", Role: "admin",
			Result: "SecondFactors"},
		apiOp{Method: "POST", Path: "/officials/{id}/second-factor/reset", Summary: "Remove another account's second factors (app, passkeys, recovery codes) when its holder lost them, and end its sessions; written to the audit log with the admin as actor. 403 for one's own account (removed on the security page, with the password). Answers 200 with the factors left (none); the holder sets up a new one at the next sign-in if the role requires it", Role: "admin",
			Result: "SecondFactors"},
	)
}

// addSessionSchemas adds the schemas of the sessions' operations to the document.
func addSessionSchemas(doc map[string]any) {
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	str := map[string]any{"type": "string"}
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	schemas["Sessions"] = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
		"id": str, "created_at": dateTime, "last_seen_at": dateTime, "expires_at": dateTime,
		"user_agent": str, "network": map[string]any{"type": "string", "description": "the masked address (IPv4 /24, IPv6 /48); empty when none was recorded"},
		"method": str, "current": map[string]any{"type": "boolean", "description": "always false for a bearer token"},
		"device": map[string]any{"type": "object", "properties": map[string]any{"browser": str, "os": str}},
		"place": map[string]any{"type": "object", "properties": map[string]any{"local": map[string]any{"type": "boolean"},
			"network": map[string]any{"type": "string", "description": "203.0.113.x; empty for a local network"}}},
	}}}
	schemas["SecondFactors"] = map[string]any{"type": "object", "properties": map[string]any{
		"totp": map[string]any{"type": "boolean"}, "totp_since": map[string]any{"type": "string", "format": "date-time", "nullable": true},
		"passkeys": map[string]any{"type": "integer"}, "recovery_codes_left": map[string]any{"type": "integer"},
	}}
	schemas["Tokens"] = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "name": str, "created_at": dateTime,
		"last_used_at": map[string]any{"type": "string", "format": "date-time", "nullable": true},
		"revoked_at":   map[string]any{"type": "string", "format": "date-time", "nullable": true},
	}}}
}

package certificates

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
)

// The rules below are those of the Open Badges 3.0 AchievementCredential JSON Schema
// (ob_v3p0_achievementcredential_schema.json, VC Data Model 2.0 edition) that a Masar
// credential can break, written out by hand. The official file is validated against in
// ob3schema_test.go, but the copy kept in testdata is an earlier edition; these rules add
// what the final one tightened: AchievementSubject as well as IdentityObject forbid
// properties they do not list, the contexts and types must be OB 3.0's, dates carry a time
// zone, and the credential names the schema it follows.
var (
	subjectProperties  = []string{"id", "type", "activityEndDate", "activityStartDate", "creditsEarned", "achievement", "identifier", "image", "licenseNumber", "narrative", "result", "role", "source", "term"}
	identityProperties = []string{"type", "hashed", "identityHash", "identityType", "salt"}
	identityTypes      = []string{"name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress", "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId", "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier"}
	dateTimeZ          = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	identityHashRe     = regexp.MustCompile(`^sha256\$[0-9a-f]{64}$`)
)

// checkOB3 reports every way cred breaks the AchievementCredential schema's rules.
func checkOB3(cred map[string]any) []string {
	var bad []string
	fail := func(f string) { bad = append(bad, f) }
	for _, k := range []string{"@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"} {
		if cred[k] == nil {
			fail("missing " + k)
		}
	}
	strs := func(v any) []string {
		var out []string
		if a, ok := v.([]any); ok {
			for _, x := range a {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		}
		return out
	}
	if ctx := strs(cred["@context"]); len(ctx) < 2 || ctx[0] != contextVC || !slices.Contains(ctx, contextOB) {
		fail("@context")
	}
	if ty := strs(cred["type"]); !slices.Contains(ty, "VerifiableCredential") || !slices.Contains(ty, "OpenBadgeCredential") {
		fail("type")
	}
	if iss, ok := cred["issuer"].(map[string]any); !ok || iss["id"] == nil || !slices.Contains(strs(iss["type"]), "Profile") {
		fail("issuer")
	}
	for _, k := range []string{"validFrom", "validUntil"} {
		if v, ok := cred[k]; ok && !dateTimeZ.MatchString(v.(string)) {
			fail(k + " is not a date-time with time zone")
		}
	}
	sub, _ := cred["credentialSubject"].(map[string]any)
	for k, v := range sub {
		if !slices.Contains(subjectProperties, k) {
			fail("credentialSubject." + k + " is not allowed")
		}
		if strings.HasPrefix(k, "activity") && !dateTimeZ.MatchString(v.(string)) {
			fail("credentialSubject." + k)
		}
	}
	if !slices.Contains(strs(sub["type"]), "AchievementSubject") {
		fail("credentialSubject.type")
	}
	ids, _ := sub["identifier"].([]any)
	if sub["id"] == nil && len(ids) == 0 {
		fail("credentialSubject needs id or identifier")
	}
	for _, x := range ids {
		id := x.(map[string]any)
		for k := range id {
			if !slices.Contains(identityProperties, k) {
				fail("identifier." + k + " is not allowed")
			}
		}
		if id["type"] != "IdentityObject" || id["hashed"] != true || !identityHashRe.MatchString(id["identityHash"].(string)) ||
			!slices.Contains(identityTypes, id["identityType"].(string)) {
			fail("identifier")
		}
	}
	ach, _ := sub["achievement"].(map[string]any)
	for _, k := range []string{"id", "type", "criteria", "description", "name"} {
		if ach[k] == nil || ach[k] == "" {
			fail("achievement." + k)
		}
	}
	if !slices.Contains(strs(ach["type"]), "Achievement") {
		fail("achievement.type")
	}
	if cr, _ := ach["criteria"].(map[string]any); cr["id"] == nil && cr["narrative"] == nil {
		fail("achievement.criteria needs id or narrative")
	}
	if st, _ := cred["credentialStatus"].(map[string]any); st["id"] == nil || st["type"] == nil {
		fail("credentialStatus")
	}
	for _, x := range cred["credentialSchema"].([]any) {
		if cs := x.(map[string]any); cs["id"] != schemaOB || cs["type"] != "1EdTechJsonSchemaValidator2019" {
			fail("credentialSchema")
		}
	}
	return bad
}

// TestCredentialsMeetOB3Schema: the credentials of every kind, as a verifier reads them
// out of the VC-JWT (verified with jwx through the DID document), meet the Open Badges 3.0
// schema's rules, and the JWT's sub is the subject's id.
func TestCredentialsMeetOB3Schema(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	o := e.official(t, "n@gov.example", "نادية", "Nadia")
	course, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	award := WorkshopAward{WorkshopID: 7, Title: map[string]string{"ar": "ورشة المشاركة", "en": "Participation workshop"},
		HostCountry: "jo", City: "عمّان", Start: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), Hours: 12}
	ws, errs, err := e.svc.IssueWorkshop(ctx, staff, award, []int64{o.ID})
	if err != nil || len(errs) > 0 || len(ws) != 1 {
		t.Fatalf("workshop certificate: %v %v", err, errs)
	}
	for _, c := range []*Certificate{course, ws[0]} {
		token, err := e.svc.SignedCredential(c)
		if err != nil {
			t.Fatal(err)
		}
		claims, err := verifyByDID(t, e.svc, token)
		if err != nil {
			t.Fatalf("%s: %v", c.Kind, err)
		}
		if bad := checkOB3(claims); len(bad) > 0 {
			t.Errorf("%s credential breaks the OB 3.0 schema: %v", c.Kind, bad)
		}
		if claims["sub"] != claims["credentialSubject"].(map[string]any)["id"] || claims["sub"] == nil {
			t.Errorf("%s: sub %v", c.Kind, claims["sub"])
		}
	}
	// The check can fail: a property AchievementSubject does not list is refused.
	var cred map[string]any
	b, _ := json.Marshal(e.svc.Credential(course))
	if err := json.Unmarshal(b, &cred); err != nil {
		t.Fatal(err)
	}
	cred["credentialSubject"].(map[string]any)["email"] = "n@gov.example"
	if bad := checkOB3(cred); len(bad) != 1 {
		t.Errorf("an unknown subject property: %v", bad)
	}
}

package certificates

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ob3SchemaFile is 1EdTech's AchievementCredential JSON Schema as published under the $id
// schemaOB (see testdata/ob3/README.md for its source and licence), kept unchanged.
var ob3SchemaFile = filepath.Join("testdata", "ob3", "ob_v3p0_achievementcredential_schema.json")

// ob3Schemas compiles the official schema twice, without the network (it refers only to
// itself and to the 2019-09 meta-schema the validator carries): as published, and as it
// reads for the VC Data Model 2.0 that OB 3.0 follows, where the credential's issuanceDate
// and expirationDate became validFrom and validUntil. The stored edition predates that
// rename, which is its only change here: the same definitions, with those two properties
// renamed in the credential's properties and its required list. Formats (date-time, date)
// are asserted, not only annotated.
func ob3Schemas(t *testing.T) (published, vc2 *jsonschema.Schema) {
	t.Helper()
	raw, err := os.ReadFile(ob3SchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	compile := func(doc any) *jsonschema.Schema {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(schemaOB, doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(schemaOB)
		if err != nil {
			t.Fatalf("compile %s: %v", ob3SchemaFile, err)
		}
		return s
	}
	parse := func() map[string]any {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		return doc.(map[string]any)
	}
	published = compile(parse())
	doc := parse()
	props := doc["properties"].(map[string]any)
	for old, now := range map[string]string{"issuanceDate": "validFrom", "expirationDate": "validUntil"} {
		props[now] = props[old]
		delete(props, old)
	}
	req := doc["required"].([]any)
	for i, r := range req {
		if r == "issuanceDate" {
			req[i] = "validFrom"
		}
	}
	return published, compile(doc)
}

// schemaErrors validates a credential (as JSON bytes) and lists its failures, or nothing
// when it is valid.
func schemaErrors(t *testing.T, s *jsonschema.Schema, cred []byte) []string {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(cred))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Validate(inst)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		t.Fatalf("validate: %v", err)
	}
	// The error's text names each failing keyword with the instance location and the
	// reason (a missing property, a format, a value outside an enumeration…), one a line
	// under a first line naming the schema.
	var out []string
	for _, l := range strings.Split(ve.Error(), "\n")[1:] {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = append(out, ve.Error())
	}
	return out
}

// TestCredentialsValidateAgainstOfficialOB3Schema: every kind of credential Masar issues —
// course completion and workshop attendance, each for an Arabic-and-English and an
// Arabic-and-French holder, and a revoked one — read back from its VC-JWT as a verifier
// would (the signature checked with lestrrat-go/jwx through the DID document; Masar signs
// with go-jose), is valid against 1EdTech's OB 3.0 AchievementCredential JSON Schema, and
// meets the stricter rules of checkOB3.
func TestCredentialsValidateAgainstOfficialOB3Schema(t *testing.T) {
	published, vc2 := ob3Schemas(t)
	e := newEnv(t, nil)
	k := issueEveryKind(t, e)
	kinds := []struct {
		name string
		c    *Certificate
		pair string
	}{
		{"course, Arabic and English", k.courseEn, "en"},
		{"course, Arabic and French", k.courseFr, "fr"},
		{"workshop, Arabic and English", k.workshopEn, "en"},
		{"workshop, Arabic and French", k.workshopFr, "fr"},
		{"course, revoked", k.revoked, "en"},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			if k.c.Pair != k.pair {
				t.Fatalf("pair %q, want %q", k.c.Pair, k.pair)
			}
			token, err := e.svc.SignedCredential(k.c)
			if err != nil {
				t.Fatal(err)
			}
			claims, err := verifyByDID(t, e.svc, token)
			if err != nil {
				t.Fatal(err)
			}
			cred, err := json.Marshal(claims)
			if err != nil {
				t.Fatal(err)
			}
			if bad := schemaErrors(t, vc2, cred); len(bad) > 0 {
				t.Errorf("invalid against the OB 3.0 schema:\n  %s", strings.Join(bad, "\n  "))
			}
			// Against the edition as published, the one difference is the VC 1.1 name of
			// the date of issue.
			bad := schemaErrors(t, published, cred)
			if len(bad) != 1 || !strings.Contains(bad[0], "issuanceDate") {
				t.Errorf("against the schema as published, want only issuanceDate missing, got:\n  %s", strings.Join(bad, "\n  "))
			}
			t.Logf("valid against the schema read for VC 2.0; as published: %s", strings.Join(bad, "; "))
			if bad := checkOB3(claims); len(bad) > 0 {
				t.Errorf("breaks the OB 3.0 rules: %v", bad)
			}
		})
	}
}

// TestOfficialOB3SchemaRefuses: the schema check can fail — credentials broken the ways an
// issuer might break them are refused, each for its reason.
func TestOfficialOB3SchemaRefuses(t *testing.T) {
	_, vc2 := ob3Schemas(t)
	e := newEnv(t, nil)
	o := e.officialIn(t, "huda@gov.example", "ar")
	c, _, err := e.svc.IssueCourse(context.Background(), staff, o.ID, "open-government-framework", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	good, err := json.Marshal(e.svc.Credential(c))
	if err != nil {
		t.Fatal(err)
	}
	if bad := schemaErrors(t, vc2, good); len(bad) > 0 {
		t.Fatalf("the unbroken credential is refused: %v", bad)
	}
	breaks := []struct {
		name   string
		want   string // in the error
		break_ func(map[string]any)
	}{
		{"no date of issue", "validFrom", func(m map[string]any) { delete(m, "validFrom") }},
		{"a date without a time", "validFrom", func(m map[string]any) { m["validFrom"] = "2025-03-01" }},
		{"no achievement", "achievement", func(m map[string]any) { delete(m["credentialSubject"].(map[string]any), "achievement") }},
		{"an achievement without criteria", "criteria", func(m map[string]any) {
			delete(m["credentialSubject"].(map[string]any)["achievement"].(map[string]any), "criteria")
		}},
		{"an identity type outside the vocabulary", "identityType", func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["identifier"].([]any)[0].(map[string]any)["identityType"] = "email"
		}},
		{"a property IdentityObject does not list", "email", func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["identifier"].([]any)[0].(map[string]any)["email"] = "huda@gov.example"
		}},
		{"an issuer without id", "issuer", func(m map[string]any) { delete(m["issuer"].(map[string]any), "id") }},
	}
	for _, b := range breaks {
		t.Run(b.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(good, &m); err != nil {
				t.Fatal(err)
			}
			b.break_(m)
			broken, _ := json.Marshal(m)
			bad := schemaErrors(t, vc2, broken)
			if !slices.ContainsFunc(bad, func(s string) bool { return strings.Contains(s, b.want) }) {
				t.Errorf("not refused for %q: %v", b.want, bad)
			}
		})
	}
}

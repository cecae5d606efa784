package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/masar-platform/masar/certificates"
	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/store"
	"github.com/masar-platform/masar/store/storetest"
)

// verifyWithJWX checks a VC-JWT as an outside verifier would, with lestrrat-go/jwx (the
// platform signs with go-jose): it resolves the header's kid, a DID URL, in the DID
// document the server publishes, checks the signature with that key, and checks the same
// key is in the JWKS under the kid's fragment. It returns the kid and the payload.
func verifyWithJWX(t *testing.T, base, token string) (string, map[string]any) {
	t.Helper()
	msg, err := jws.Parse([]byte(token))
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
	var doc struct {
		ID      string `json:"id"`
		Methods []struct {
			ID  string          `json:"id"`
			JWK json.RawMessage `json:"publicKeyJwk"`
		} `json:"verificationMethod"`
		Assertion []string `json:"assertionMethod"`
	}
	if err := json.Unmarshal([]byte(get(t, base+"/.well-known/did.json", "")), &doc); err != nil {
		t.Fatal(err)
	}
	did, frag, _ := strings.Cut(kid, "#")
	if did != doc.ID || did != "did:web:masar.test" {
		t.Fatalf("kid %q is not a key of the DID document %q", kid, doc.ID)
	}
	var key jwk.Key
	for _, m := range doc.Methods {
		if m.ID == kid {
			if key, err = jwk.ParseKey(m.JWK); err != nil {
				t.Fatal(err)
			}
		}
	}
	if key == nil || !strings.Contains(strings.Join(doc.Assertion, " "), kid) {
		t.Fatalf("the DID document of the restored server has no assertion key %s (it has %d)", kid, len(doc.Methods))
	}
	payload, err := jws.Verify([]byte(token), jws.WithKey(jwa.RS256(), key))
	if err != nil {
		t.Fatalf("the credential signed by %s does not verify: %v", kid, err)
	}
	set, err := jwk.Parse([]byte(get(t, base+"/.well-known/jwks.json", "")))
	if err != nil {
		t.Fatal(err)
	}
	if published, ok := set.LookupKeyID(frag); !ok {
		t.Errorf("the JWKS does not publish key %s", frag)
	} else if _, err := jws.Verify([]byte(token), jws.WithKey(jwa.RS256(), published)); err != nil {
		t.Errorf("the credential does not verify against the JWKS key %s: %v", frag, err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return kid, claims
}

// TestKeysRotateBackupRestore: masar keys rotate is refused while a server runs; with the
// server stopped it adds a key to the database that signs from then on; after a backup restored into a
// fresh directory, the credential signed before the rotation and the one signed after it
// both verify with another JOSE library, through the DID document and the JWKS. It runs on
// SQLite whatever MASAR_TEST_DATABASE says: it backs up and restores the data directory.
func TestKeysRotateBackupRestore(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MASAR_DATA", data)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base := "MASAR_BASE_URL=http://masar.test"
	run := func(stdin string, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := Run(ctx, args, strings.NewReader(stdin), &out, log); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	first := startServer(t, data, base)
	const password = "rotated password 2026"
	run("a long staff password\n", "admin", "create", "--email", "staff@example.org", "--role", "staff")
	run(password+"\n", "admin", "create", "--email", "holder@example.org", "--role", "staff", "--name", "Karim Haddad")
	staffTok := strings.TrimSpace(run("", "token", "create", "--email", "staff@example.org"))
	var issued struct {
		Data struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	if res := call(t, "POST", first.base+"/api/v1/certificates", staffTok,
		`{"email": "holder@example.org", "kind": "course", "course": "citizen-participation", "reason": "Completion recorded on paper."}`, &issued); res != http.StatusCreated {
		t.Fatalf("issue: %d", res)
	}
	code := issued.Data.Code
	oldJWT := getWith(t, login(t, first.base, "holder@example.org", password), first.base+"/certificates/"+code+".jwt")
	oldKid, _ := verifyWithJWX(t, first.base, oldJWT)

	// Refused while the server runs, saying how to rotate.
	var out bytes.Buffer
	err := Run(ctx, []string{"keys", "rotate", "--data", data}, nil, &out, log)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "stop it, run masar keys rotate, start it again") {
		t.Fatalf("rotate beside a running server: %v", err)
	}
	first.cmd.Process.Kill()
	first.cmd.Wait()
	said := run("", "keys", "rotate", "--data", data)
	_, oldFrag, _ := strings.Cut(oldKid, "#")
	if !strings.Contains(said, "previous key "+oldFrag+" kept in the database as a retired key") {
		t.Errorf("rotate said:\n%s", said)
	}

	// The rotation is in the audit log, old and new key ids.
	db, err := store.Open(ctx, filepath.Join(data, "masar.db"))
	if err != nil {
		t.Fatal(err)
	}
	var from, to string
	if err := db.R.QueryRow("SELECT from_value, to_value FROM audit_log WHERE action = 'issuer_key.rotate'").Scan(&from, &to); err != nil || from != oldFrag || to == "" || to == oldFrag {
		t.Errorf("audit of the rotation: %q → %q, %v", from, to, err)
	}
	db.Close()

	// The server started again signs with the new key.
	again := startServer(t, data, base)
	newJWT := getWith(t, login(t, again.base, "holder@example.org", password), again.base+"/certificates/"+code+".jwt")
	file := filepath.Join(t.TempDir(), "masar-backup.tar.gz")
	run("", "backup", file)
	again.cmd.Process.Kill()
	again.cmd.Wait()

	fresh := filepath.Join(t.TempDir(), "restored")
	if out := run("", "restore", file, "--data", fresh); !strings.Contains(out, "retired issuer key "+oldFrag) {
		t.Errorf("the backup lacks the retired key:\n%s", out)
	}
	restored := startServer(t, fresh, base)
	gotOld, claims := verifyWithJWX(t, restored.base, oldJWT)
	gotNew, _ := verifyWithJWX(t, restored.base, newJWT)
	if gotOld != oldKid || gotNew == oldKid {
		t.Errorf("signed by %s before the rotation and %s after it", gotOld, gotNew)
	}
	if claims["jti"] != "http://masar.test/certificates/"+code || claims["sub"] == nil || claims["iss"] != "http://masar.test/issuer" {
		t.Errorf("claims: jti %v sub %v iss %v", claims["jti"], claims["sub"], claims["iss"])
	}
	// The issuer profile names the DID whose document holds both keys.
	if prof := get(t, restored.base+"/issuer", ""); !strings.Contains(prof, `"identifier":"did:web:masar.test"`) {
		t.Errorf("issuer profile: %s", prof)
	}
}

// TestKeysRotateOnPostgres: on a shared database masar keys rotate runs beside the instances
// (no data-directory lock to take), imports a legacy key file the database lacks before
// rotating it, keeps the replaced key as a retired one and says to restart the instances.
func TestKeysRotateOnPostgres(t *testing.T) {
	dbURL := storetest.NewMigratedPostgresDatabase(t)
	data := t.TempDir()
	legacy, err := cluster.NewIssuerKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "issuer-key.pem"), legacy, 0o600); err != nil {
		t.Fatal(err)
	}
	// A server holding the data directory does not stop a rotation on PostgreSQL.
	lock, err := store.LockDir(data, "masar serve")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := Run(context.Background(), []string{"keys", "rotate", "--database-url", dbURL, "--data", data}, nil, &out, log); err != nil {
		t.Fatalf("keys rotate: %v\n%s", err, out.String())
	}
	oldKid, _ := certificates.IssuerKeyIDPEM(legacy)
	if s := out.String(); !strings.Contains(s, "previous key "+oldKid+" kept in the database") || !strings.Contains(s, "restart each of them") {
		t.Errorf("rotate said:\n%s", s)
	}
	ctx := context.Background()
	db, err := store.OpenShared(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	current, err := cluster.IssuerKeyPEM(ctx, db, filepath.Join(t.TempDir(), "none.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if newKid, _ := certificates.IssuerKeyIDPEM(current); newKid == oldKid || !strings.Contains(out.String(), "new issuer key "+newKid) {
		t.Errorf("the database's key %s is not the new one the command named", newKid)
	}
	retired, err := cluster.RetiredIssuerKeyPEMs(ctx, db, t.TempDir())
	if err != nil || len(retired) != 1 || !bytes.Equal(retired[0], legacy) {
		t.Errorf("retired keys: %d (%v); want the legacy file's key", len(retired), err)
	}
	var from, to string
	if err := db.R.QueryRow("SELECT from_value, to_value FROM audit_log WHERE action = 'issuer_key.rotate'").Scan(&from, &to); err != nil || from != oldKid || to == oldKid {
		t.Errorf("audit of the rotation: %q → %q, %v", from, to, err)
	}
}

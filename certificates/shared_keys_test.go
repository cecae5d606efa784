package certificates

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/cluster"
	"github.com/masar-platform/masar/config"
)

// An installation whose issuer key was a file moves it into the database, rotates it
// there, and a second instance (another data directory, no key file) serves from the
// database: it signs with the new key, and publishes the old one, so that a credential
// downloaded before the move verifies against either instance's key set and DID document.
func TestIssuerKeySharedThroughTheDatabase(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	o := e.official(t, "k@gov.example", "كريمة", "Karima")
	c, _, err := e.svc.IssueCourse(ctx, audit.Actor{}, o.ID, "open-government-data", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	before, err := e.svc.SignedCredential(c) // signed with the file's key, created now
	if err != nil {
		t.Fatal(err)
	}
	oldKid := mustKey(t, e.svc).kid

	imported, err := cluster.IssuerKeyPEM(ctx, e.db, filepath.Join(e.svc.opt.DataDir, config.IssuerKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if kid, err := IssuerKeyIDPEM(imported); err != nil || kid != oldKid {
		t.Fatalf("imported key %s (%v), want the file's %s", kid, err, oldKid)
	}
	next, err := cluster.NewIssuerKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.RotateIssuerKey(ctx, e.db, next); err != nil {
		t.Fatal(err)
	}

	elsewhere := t.TempDir() // the second instance's data directory
	current, err := cluster.IssuerKeyPEM(ctx, e.db, filepath.Join(elsewhere, config.IssuerKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	retired, err := cluster.RetiredIssuerKeyPEMs(ctx, e.db, elsewhere)
	if err != nil {
		t.Fatal(err)
	}
	opt := e.svc.opt
	opt.DataDir, opt.IssuerKey, opt.RetiredIssuerKeys = elsewhere, current, retired
	second, err := New(ctx, e.db, opt)
	if err != nil {
		t.Fatal(err)
	}
	after, err := second.SignedCredential(c)
	if err != nil {
		t.Fatal(err)
	}
	newKid, _ := IssuerKeyIDPEM(next)
	if k := headerKid(t, after); !strings.HasSuffix(k, "#"+newKid) {
		t.Errorf("the second instance signs with %s, want the rotated key %s", k, newKid)
	}
	keys, _ := second.JWKS()
	if len(keys.Keys) != 2 || keys.Keys[0].KeyID != newKid || keys.Keys[1].KeyID != oldKid {
		t.Errorf("the second instance publishes %d keys: %v", len(keys.Keys), keys.Keys)
	}
	for name, token := range map[string]string{"before the move": before, "on the second instance": after} {
		if err := verifyByJWKS(t, second, token); err != nil {
			t.Errorf("credential signed %s fails against the JWKS: %v", name, err)
		}
		if _, err := verifyByDID(t, second, token); err != nil {
			t.Errorf("credential signed %s fails through the DID document: %v", name, err)
		}
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("the second instance wrote %d files in its data directory", len(ents))
	}
}

// A shared key that is not a key stops the start-up.
func TestBrokenSharedIssuerKeyIsRefused(t *testing.T) {
	e := newEnv(t, nil)
	opt := e.svc.opt
	opt.IssuerKey = []byte("-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----\n")
	if _, err := New(context.Background(), e.db, opt); err == nil || !strings.Contains(err.Error(), "shared issuer key") {
		t.Fatalf("err %v, want the shared key refused", err)
	}
}

package certificates

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/masar-platform/masar/audit"
	"github.com/masar-platform/masar/store"
)

// TestForgetUnusedImages: a logo uploaded for a template never saved with it is forgotten
// once its grace has passed; one a saved version names is kept, however old; and a fresh
// upload is kept while staff may still be editing.
func TestForgetUnusedImages(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	im := putSamples(t, e.svc) // three logos and a signature
	content := TemplateContent{Name: "Partners", Issuer: e.svc.DefaultIssuer(), Logos: im.logos[:1]}
	if _, err := e.svc.SaveTemplate(ctx, audit.Actor{Email: "staff@example.org"}, 0, content); err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.ForgetUnusedImages(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("fresh uploads forgotten: %d %v", n, err)
	}
	n, err := e.svc.ForgetUnusedImages(ctx, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 { // logos 2 and 3, and the signature: no version names them
		t.Errorf("forgot %d images, want 3", n)
	}
	if _, _, err := e.svc.Image(ctx, im.logos[0]); err != nil {
		t.Errorf("the saved version's logo is gone: %v", err)
	}
	for _, sha := range append([]string{im.sig[0]}, im.logos[1:]...) {
		if _, _, err := e.svc.Image(ctx, sha); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unused image %s kept: %v", sha[:8], err)
		}
	}
}

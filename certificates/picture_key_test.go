package certificates

import (
	"context"
	"testing"
	"unsafe"
)

// TestKeptPicturesOwnTheirKeys: a preview names its logos by hashes read from the form, views
// into the request's buffer that the server reuses; the decoded pictures kept across
// requests must stay under their own copy of the hash.
func TestKeptPicturesOwnTheirKeys(t *testing.T) {
	e := newEnv(t, nil)
	im := putSamples(t, e.svc)
	sha := im.logos[0]
	buf := []byte(sha)
	view := unsafe.String(&buf[0], len(buf))
	if _, err := e.svc.lookOf(context.Background(), TemplateContent{Name: "Preview", Logos: []string{view}}, Texts{}); err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 'x' // the next request reuses the buffer
	}
	if _, ok := e.svc.pictures.Load(sha); !ok {
		t.Error("the decoded logo is no longer kept under its hash once the request's buffer is reused")
	}
}

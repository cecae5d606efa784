package store

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// MigrationsDigest is a short hash of every embedded migration of both dialects: two
// programs with the same digest make the same schema. Tests name their migrated template
// database by it (store/storetest), so that a changed migration never reuses a stale copy.
func MigrationsDigest() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations, p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

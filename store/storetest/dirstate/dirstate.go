// Package dirstate describes what a directory holds, for tests that check a command left
// a data directory exactly as it was. It imports nothing of Masar, so that the store
// package's own tests can use it too.
package dirstate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Of is what dir holds: each entry's name, mode, size, modification time and checksum, one
// line each, in name order.
func Of(t testing.TB, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range ents {
		st, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		sum := ""
		if !e.IsDir() {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(b)
			sum = hex.EncodeToString(h[:8])
		}
		lines = append(lines, fmt.Sprintf("%s %v %d %s %s", e.Name(), st.Mode(), st.Size(), st.ModTime().Format(time.RFC3339Nano), sum))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

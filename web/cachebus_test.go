package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/masar-platform/masar/cache"
	"github.com/masar-platform/masar/web"
)

// wantOnBus is every in-memory cache of the platform and the topic it listens on. A cache
// added to the code base must be added here, on the bus; one missing from a running
// platform's registry fails the test.
var wantOnBus = []cache.Registration{
	{Topic: cache.Content, Cache: "web.library"},
	{Topic: cache.Countries, Cache: "officials.countries"},
	{Topic: cache.Countries, Cache: "workshops.country_names"},
	{Topic: cache.Pages, Cache: "web.pages"},
	{Topic: cache.Progress, Cache: "courses.progress"},
	{Topic: cache.SearchResults, Cache: "search.results"},
	{Topic: cache.Sessions, Cache: "officials.sessions"},
	{Topic: cache.Workshops}, // a generation counter: the calendar's kept pages carry it
}

func TestEveryCacheIsOnTheBus(t *testing.T) {
	p := newPlatform(t)
	got := p.Bus.Registry()
	if !slices.Equal(got, wantOnBus) {
		t.Errorf("the platform's bus has\n  %v\nwant\n  %v", got, wantOnBus)
	}
}

// cacheShapes are what an in-memory cache or a home-made invalidation looks like in the
// source. Outside package cache, each one found must be on the allow-list with its reason.
var cacheShapes = []*regexp.Regexp{
	regexp.MustCompile(`sync\.Map\b`),
	// a counter of changes: gen, generation, version, epoch … held in an atomic
	regexp.MustCompile(`(?i)\w*(gen|generation|version|epoch)\w*\s+atomic\.\w+`),
	regexp.MustCompile(`(?i)\w*(gen|generation|epoch)\w*\.Add\(1\)`),
}

// allowed are the cache shapes that are not caches of data someone can change, by file and
// the text matched.
var allowed = map[string]string{
	"certificates/certificates.go: sync.Map": "decoded pictures by the SHA-256 of their bytes: content-addressed, never stale",
	"workshops/workshops.go: sync.Map":       "time zones by IANA name: the zone database does not change under a running process",
	"store/store.go: sync.Map":               "prepared statements by query text: no data, and one per connection pool",
	"store/rebind.go: sync.Map":              "PostgreSQL's $n form of each statement's text: no data, a pure function of the text",
}

func TestNoCacheOutsideTheBus(t *testing.T) {
	root := filepath.Join("..")
	names := map[string]bool{}
	for _, r := range wantOnBus {
		names[r.Cache] = true
	}
	newCall := regexp.MustCompile(`cache\.New\[[^\]]*\]\([^,]+,\s*[^,]+,\s*"([^"]+)"`)
	used := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || rel == "cache" || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range cacheShapes {
			for _, m := range re.FindAll(src, -1) {
				k := rel + ": " + string(m)
				if allowed[k] == "" {
					t.Errorf("%s: an in-memory cache or change counter outside the cache bus; register it (cache.New, Bus.Register, Bus.Topic) or allow it here with the reason", k)
				}
				used[k] = true
			}
		}
		for _, m := range newCall.FindAllSubmatch(src, -1) {
			if !names[string(m[1])] {
				t.Errorf("%s: cache %q is not in wantOnBus", rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range allowed {
		if !used[k] {
			t.Errorf("allow-list entry %q matches nothing any more: remove it", k)
		}
	}
}

// A content reload on one instance reloads the library of the other (they serve one
// content folder) and moves its generation, so that its kept pages go stale too.
func TestContentReloadReachesTheOtherInstance(t *testing.T) {
	hub := cache.NewMemoryHub()
	a, _ := web.NewLibrary("", cache.NewBus(hub.Transport(), nil))
	b, _ := web.NewLibrary("", cache.NewBus(hub.Transport(), nil))
	cat, gen := b.Catalogue(), b.Generation()
	a.Reload()
	if b.Catalogue() == cat {
		t.Error("instance B still serves the catalogue it had before A reloaded")
	}
	if b.Generation() == gen {
		t.Error("instance B's content generation did not move: its kept pages would be served")
	}
	if a.Generation() != b.Generation() {
		t.Errorf("generations differ after one reload: A %d, B %d", a.Generation(), b.Generation())
	}
}

// Package content holds Masar's training materials: one folder per course (NN-slug) with its
// manifest, lessons, quiz and images, as described in FORMAT.md. They are embedded in the
// binary; `masar serve --content DIR` reads a folder on disk instead.
package content

import "embed"

// FS holds every course folder (a pattern on the NN- prefix, so that new courses are picked
// up without editing this file), FORMAT.md and the search thesaurus (thesaurus.txt). Files whose names begin with '.' or '_'
// (editors' temporary files) are left out, as go:embed does for directories.
//
//go:embed [0-9][0-9]-* FORMAT.md thesaurus.txt
var FS embed.FS

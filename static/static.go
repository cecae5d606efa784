// Package static holds the stylesheet, scripts and images served under /static/, embedded
// in the binary.
package static

import "embed"

// FS is the embedded static files.
//
//go:embed *.css *.js *.svg
var FS embed.FS

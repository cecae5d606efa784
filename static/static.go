// Package static holds the stylesheet, scripts, images and web fonts served under /static/,
// embedded in the binary.
package static

import "embed"

// FS is the embedded static files. The icons are the logo drawn at the sizes browsers and
// phones ask for (favicon.ico holds 32 and 48 px PNGs). The fonts are subsets of Noto Sans
// Arabic and Noto Sans (fonts/OFL.txt says how they were made and under which licence).
//
//go:embed *.css *.js *.svg fonts/*.woff2 fonts/OFL.txt icons/*.png icons/*.ico
var FS embed.FS

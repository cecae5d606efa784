//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "os"

// flock is not available here: the data directory is not locked (the lock file still
// says who last started).
func flock(*os.File) (busy bool, err error) { return false, nil }

// flockShared is flock's shared form; not available here either.
func flockShared(*os.File) (busy bool, err error) { return false, nil }

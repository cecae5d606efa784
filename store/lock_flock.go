//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"errors"
	"os"
	"syscall"
)

// flock takes an exclusive lock on f without waiting; busy reports that another open file
// (in this process or another) holds it.
func flock(f *os.File) (busy bool, err error) { return flockHow(f, syscall.LOCK_EX) }

// flockShared takes a shared lock on f without waiting: other shared holders may have it
// too, an exclusive holder (a server) makes it busy, and it makes a server's exclusive lock
// busy for as long as it is held.
func flockShared(f *os.File) (busy bool, err error) { return flockHow(f, syscall.LOCK_SH) }

func flockHow(f *os.File, how int) (busy bool, err error) {
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

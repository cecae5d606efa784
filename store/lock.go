package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockFile is the name of the lock file in the data directory.
const LockFile = "masar.lock"

// ErrLocked matches a LockedError.
var ErrLocked = errors.New("the data directory is in use")

// LockedError says that another process holds the data directory.
type LockedError struct {
	Dir string
	PID int    // 0 when the holder wrote none yet
	By  string // what the holder said it is, e.g. "masar serve"
	// Readers: the holders are commands that only read (a backup, an export), which hold
	// the lock shared and write no PID.
	Readers bool
}

func (e *LockedError) Error() string {
	if e.Readers {
		return fmt.Sprintf("store: the data directory %s is being read by a command (a backup or an export); try again when it has finished", e.Dir)
	}
	who := "another process"
	if e.PID > 0 {
		who = "process " + strconv.Itoa(e.PID)
		if e.By != "" {
			who += " (" + e.By + ")"
		}
	}
	return fmt.Sprintf("store: the data directory %s is in use by %s; stop it first, or choose another data directory", e.Dir, who)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Lock is one process's exclusive hold on a data directory; see LockDir.
type Lock struct {
	f *os.File
}

// LockDir takes the data directory dir for this process, creating it if needed: an
// exclusive lock (flock) on dir/masar.lock, kept until Release or the process ends, so that
// it never outlives a crash. The file says who holds it (the process id, then by); a second
// process gets a LockedError naming that PID.
func LockDir(dir, by string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, explain(dir, err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, explain(dir, err)
	}
	busy, err := flock(f)
	if busy {
		// Held shared (readers) if a shared lock can be had: the file's PID is then the
		// last server's, not a holder's.
		if busyShared, serr := flockShared(f); serr == nil && !busyShared {
			_ = f.Close()
			return nil, &LockedError{Dir: dir, Readers: true}
		}
		return nil, lockedBy(dir, f)
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("store: lock the data directory %s: %w", dir, err)
	}
	line := strconv.Itoa(os.Getpid())
	if by = strings.Join(strings.Fields(by), " "); by != "" {
		line += " " + by
	}
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt([]byte(line+"\n"), 0)
	}
	if err != nil {
		_ = f.Close()
		return nil, explain(dir, err)
	}
	return &Lock{f: f}, nil
}

// Release gives the directory up. The file stays (removing it would let a process that
// has it open lock a name no longer in the directory); its content is only read while
// someone holds the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the only descriptor drops the flock
	l.f = nil
	return err
}

// lockShared takes dir's lock in shared mode for a process that only reads: several
// readers may hold it together, a server holding it is reported as a LockedError, and a
// server that starts meanwhile is refused until the reader is done. Unlike LockDir it
// writes nothing: the lock file is opened for reading (created, empty, only in a directory
// that never had one).
func lockShared(dir string) (*Lock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644)
	}
	if err != nil {
		return nil, explain(dir, err)
	}
	busy, err := flockShared(f)
	if busy {
		return nil, lockedBy(dir, f)
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("store: lock the data directory %s: %w", dir, err)
	}
	return &Lock{f: f}, nil
}

// lockedBy reads who holds dir's lock from its open lock file f, which it closes.
func lockedBy(dir string, f *os.File) *LockedError {
	b := make([]byte, 512)
	n, _ := f.ReadAt(b, 0)
	_ = f.Close()
	e := &LockedError{Dir: dir}
	pid, rest, _ := strings.Cut(strings.TrimSpace(string(b[:n])), " ")
	e.PID, _ = strconv.Atoi(pid)
	e.By = strings.TrimSpace(rest)
	return e
}

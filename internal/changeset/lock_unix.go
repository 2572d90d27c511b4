//go:build linux || darwin || freebsd || netbsd || openbsd

package changeset

import (
	"fmt"
	"os"
	"syscall"
)

// lock takes an exclusive flock on the project root directory, so that two
// djsquash processes never apply or recover at once. The kernel drops it
// when the process dies, so a kill never leaves a stale lock.
func lock(root string) (func(), error) {
	f, err := os.Open(root)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if err == syscall.EWOULDBLOCK {
			// Another djsquash is writing this project: wait for it.
			err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking the project: %w", err)
		}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// syncDir makes a directory's entries (renames, removals) durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	f.Close()
	return err
}

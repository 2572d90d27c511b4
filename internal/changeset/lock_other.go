//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package changeset

// lock is a no-op where flock does not exist (Windows): there, two djsquash
// processes must not write one project at once.
func lock(root string) (func(), error) { return func() {}, nil }

// syncDir is a no-op where directories cannot be opened for fsync.
func syncDir(dir string) error { return nil }

package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/djsquash/djsquash/internal/squash"
)

// writeAll writes every file or none: each goes to a temporary file next to
// its target first; only when all are written are they renamed into place.
func writeAll(root string, files []squash.File) error {
	var temps []string
	cleanup := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for _, f := range files {
		path := filepath.Join(root, f.Path)
		if f.Old == nil {
			if _, err := os.Stat(path); err == nil {
				cleanup()
				return fmt.Errorf("%s already exists", f.Path)
			}
		}
		mode := os.FileMode(0o644)
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm() // an overwritten file keeps its mode
		}
		tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".djsquash-*")
		if err != nil {
			cleanup()
			return err
		}
		temps = append(temps, tmp.Name())
		if _, err := tmp.Write(f.Content); err != nil {
			tmp.Close()
			cleanup()
			return err
		}
		if err := tmp.Chmod(mode); err != nil {
			tmp.Close()
			cleanup()
			return err
		}
		if err := tmp.Close(); err != nil {
			cleanup()
			return err
		}
	}
	for i, f := range files {
		if err := os.Rename(temps[i], filepath.Join(root, f.Path)); err != nil {
			// Undo the files already moved into place that were new.
			for j := 0; j < i; j++ {
				if files[j].Old == nil {
					os.Remove(filepath.Join(root, files[j].Path))
				}
			}
			cleanup()
			return err
		}
	}
	return nil
}

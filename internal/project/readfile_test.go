package project

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadFile: the plain-syscall reader returns what os.ReadFile does for
// empty, small and large files, and errors that say which path and why.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 70000} {
		path := filepath.Join(dir, "f.py")
		want := []byte(strings.Repeat("x", size))
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readFile(path)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if string(got) != string(want) {
			t.Errorf("size %d: read %d bytes", size, len(got))
		}
	}
	_, err := readFile(filepath.Join(dir, "missing.py"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.py") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := readFile(dir); err == nil {
		t.Errorf("a directory read without error")
	}
}

package env

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// TestReadFindsDjango: the version comes from django/__init__.py on the
// interpreter's sys.path, for every Django of the matrix; an interpreter
// without Django has none.
func TestReadFindsDjango(t *testing.T) {
	for _, v := range djangotest.Versions() {
		dj := djangotest.RequireDjango(t, v)
		t.Setenv("PYTHONPATH", dj.PythonPath)
		e, err := Read(context.Background(), dj.Python, "test", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if e.Django == nil || e.Django.Major != v.Major() || e.DjangoDir == "" {
			t.Errorf("Django %s: read %+v", v, e.Django)
		}
	}
	// A sys.path with a django package of another version.
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "django"), 0o755)
	os.WriteFile(filepath.Join(dir, "django", "__init__.py"), []byte("from django.utils.version import get_version\n\nVERSION = (7, 0, 2, \"alpha\", 0)\n"), 0o644)
	t.Setenv("PYTHONPATH", dir)
	py := djangotest.LoadConfig().Python
	e, err := Read(context.Background(), py, "test", t.TempDir())
	if err != nil || e.Django == nil || *e.Django != (Version{7, 0, 2}) {
		t.Errorf("a Django 7.0.2 on PYTHONPATH: %+v, %v", e, err)
	}
}

// TestFindNeedsTheProjectsOwn: python3 on PATH is not taken for the
// project's environment.
func TestFindNeedsTheProjectsOwn(t *testing.T) {
	t.Setenv("VIRTUAL_ENV", "")
	if _, err := Find(context.Background(), t.TempDir(), "", ""); err != ErrNone {
		t.Errorf("no venv, no config: %v, want ErrNone", err)
	}
}

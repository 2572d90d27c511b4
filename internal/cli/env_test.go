package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// TestEnvironmentDecides: the Django of the project's environment (found
// through [tool.djsquash] python, its version read from the package, not
// imported) decides what a squash of a squash is: on 6.x Django loads it,
// so check reports nothing and squash writes for 6 (condition=, nested
// ranges); without an environment, DJ109 and 5's style, and -v says so.
func TestEnvironmentDecides(t *testing.T) {
	dj := djangotest.RequireDjango(t, "6.1")
	src, _ := filepath.Abs("testdata/cases/squashed/project")
	dir := copyProject(t, src)
	nested := `from django.db import migrations


class Migration(migrations.Migration):
    replaces = [("shop", "0001_squashed_0003_step"), ("shop", "0004_step")]

    initial = True

    dependencies = []

    operations = []
`
	if err := os.WriteFile(filepath.Join(dir, "shop", "migrations", "0001_squashed_0004_step.py"), []byte(nested), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "--project", dir, "-v", "check")
	if code != ExitProblems || !strings.Contains(out+errOut, "DJ109") || !strings.Contains(errOut, "no project environment found") {
		t.Errorf("check without an environment: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("PYTHONPATH", dj.PythonPath)
	if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[tool.djsquash]\npython = \""+dj.Python+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "--project", dir, "-v", "check")
	if code != ExitOK || strings.Contains(out+errOut, "DJ109") || !strings.Contains(errOut, "environment: Django 6.1.") {
		t.Errorf("check with Django 6.1 in the environment: exit %d\n%s%s", code, out, errOut)
	}
}

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/google/go-cmp/cmp"
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

// TestCheckSeesInstalledApps: a project migration depending on a contrib
// migration the installed Django lacks: with the environment, check fails
// with the NodeNotFoundError real Django raises, naming the version;
// without one, the dependency is assumed to exist.
func TestCheckSeesInstalledApps(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	p := djangotest.NewProject(t, example, "5.2", djangotest.SQLite)
	file := filepath.Join(p.Dir, "accounts", "migrations", "0001_initial.py")
	src, _ := os.ReadFile(file)
	edited := strings.Replace(string(src), `("auth", "0012_alter_user_first_name_max_length")`, `("auth", "0099_future_change")`, 1)
	if edited == string(src) {
		t.Fatal("the example's accounts.0001_initial no longer depends on auth.0012")
	}
	os.WriteFile(file, []byte(edited), 0o644)
	const want = "Migration accounts.0001_initial dependencies reference nonexistent parent node ('auth', '0099_future_change')"
	if code, out, errOut := run(t, "--project", p.Dir, "check"); code != ExitOK {
		t.Errorf("check without an environment (the dependency is assumed to exist): exit %d\n%s%s", code, out, errOut)
	}
	withEnvironment(t, p.Dir, p.Django)
	code, out, errOut := run(t, "--project", p.Dir, "check")
	if code != ExitProblems || !strings.Contains(out+errOut, want) || !strings.Contains(out+errOut, "Django 5.2.") {
		t.Errorf("check with Django 5.2 installed: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := p.Manage("showmigrations"); err == nil || !strings.Contains(err.Error(), "NodeNotFoundError: "+want) {
		t.Errorf("real Django: %v", err)
	}
}

// TestStatusWithInstalledApps: with the project's environment, status
// lists every app of the database as showmigrations does, the installed
// apps outside the project marked, on a database migrated partway, with
// Django 5.2 and 6.1.
func TestStatusWithInstalledApps(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	for _, v := range []djangotest.Version{"5.2", "6.1"} {
		t.Run("django"+string(v), func(t *testing.T) {
			t.Parallel()
			p := newProject(t, example, v, djangotest.SQLite)
			p.Migrate("catalog", "0005")
			withEnvironment(t, p.Dir, p.Django)
			got, _ := ourMarks(t, p.Dir, dbURL(p.DB))
			apps := map[string]bool{}
			for _, m := range got {
				app, _, _ := strings.Cut(m, ".")
				apps[app] = true
			}
			if !apps["auth"] || !apps["contenttypes"] {
				t.Fatalf("status lists no installed app: %v", apps)
			}
			want := djangoMarks(p.ShowMigrations(false), apps)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("status differs from showmigrations (-django +djsquash):\n%s", d)
			}
			_, out, _ := run(t, "--project", p.Dir, "status", "--database", dbURL(p.DB))
			if !strings.Contains(out, "  auth (installed)") || strings.Contains(out, "catalog (installed)") {
				t.Errorf("status text:\n%s", out)
			}
		})
	}
}

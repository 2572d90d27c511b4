package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/google/go-cmp/cmp"
)

// djangoPlan extracts the migrations of apps (nil: all) from showmigrations
// --plan output ("[ ]  app.name" lines), in order.
func djangoPlan(out string, apps map[string]bool) []string {
	var plan []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if len(line) < 4 || line[0] != '[' {
			continue
		}
		name := strings.TrimSpace(line[3:])
		if app, _, ok := strings.Cut(name, "."); ok && (apps == nil || apps[app]) {
			plan = append(plan, name)
		}
	}
	return plan
}

func ourPlan(t *testing.T, dir string) []string {
	t.Helper()
	code, out, errOut := run(t, "--project", dir, "show", "--plan")
	if code != ExitOK {
		t.Fatalf("show --plan: exit %d\n%s", code, errOut)
	}
	var plan []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, _, _ := strings.Cut(line, " ")
		plan = append(plan, name)
	}
	return plan
}

// withEnvironment gives a project copy an environment of its own: a
// wrapper interpreter with dj's PYTHONPATH, named in [tool.djsquash]
// python (parallel tests cannot each set PYTHONPATH).
func withEnvironment(t *testing.T, dir string, dj *djangotest.Django) {
	t.Helper()
	wrapper := filepath.Join(t.TempDir(), "python")
	script := "#!/bin/sh\nPYTHONPATH='" + dj.PythonPath + "' exec '" + dj.Python + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[tool.djsquash]\npython = \""+wrapper+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestShowPlanWithInstalledApps: with the project's environment, show
// --plan lists the installed apps' migrations too (contenttypes, auth),
// and equals showmigrations --plan line for line, on every Django of the
// matrix.
func TestShowPlanWithInstalledApps(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	for _, v := range djangotest.Versions() {
		t.Run("django"+string(v), func(t *testing.T) {
			t.Parallel()
			p := newProject(t, src, v, djangotest.SQLite)
			withEnvironment(t, p.Dir, p.Django)
			want := djangoPlan(p.ShowMigrations(true), nil)
			got := ourPlan(t, p.Dir)
			if len(want) <= 47 {
				t.Fatalf("Django listed %d migrations: the installed apps' are missing", len(want))
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("show --plan differs from showmigrations --plan (-django +djsquash):\n%s", d)
			}
		})
	}
}

// TestShowPlanMatchesDjango: the global order of the example project's
// migrations equals real Django's showmigrations --plan.
func TestShowPlanMatchesDjango(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	want := ourPlan(t, src)
	apps := map[string]bool{"accounts": true, "catalog": true, "orders": true}
	for _, v := range []djangotest.Version{"3.2", "5.2"} {
		t.Run("django"+string(v), func(t *testing.T) {
			t.Parallel()
			p := djangotest.NewProject(t, src, v, djangotest.SQLite)
			got := djangoPlan(p.ShowMigrations(true), apps)
			if len(got) != 47 {
				t.Fatalf("Django listed %d project migrations, want 47", len(got))
			}
			if d := cmp.Diff(got, want); d != "" {
				t.Errorf("show --plan differs from Django's showmigrations --plan (-django +djsquash):\n%s", d)
			}
		})
	}
}

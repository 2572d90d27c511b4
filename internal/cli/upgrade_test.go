package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/google/go-cmp/cmp"
)

// TestExampleOnDjango6: the example's history, written by Django ≤ 5.0,
// fails to import on 6.x (CheckConstraint(check=)); after djsquash upgrade
// it migrates on Django 6.1 on every engine to the schema 5.2 builds,
// models.py agrees, and only the keyword changed in the files. A second
// upgrade has nothing to do.
func TestExampleOnDjango6(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	for _, engine := range djangotest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			p := djangotest.NewProject(t, example, "6.1", engine)
			if _, err := p.Manage("migrate", "--noinput"); err == nil || !strings.Contains(err.Error(), "unexpected keyword argument 'check'") {
				t.Fatalf("the history before upgrade: %v (want Django 6's TypeError on check=)", err)
			}
			before := migrationFiles(t, p.Dir)
			code, out, errOut := run(t, "--project", p.Dir, "upgrade", "--django", "6", "--yes")
			if code != ExitOK || strings.Count(out, "CheckConstraint(check=) -> CheckConstraint(condition=)") != 3 {
				t.Fatalf("upgrade: exit %d\n%s%s", code, out, errOut)
			}
			after := migrationFiles(t, p.Dir)
			changed := 0
			for name, old := range before {
				if after[name] != old {
					changed++
					if strings.ReplaceAll(after[name], "condition=", "check=") != old {
						t.Errorf("%s: more than the keyword changed", name)
					}
				}
			}
			if changed != 3 {
				t.Errorf("%d files changed, want 3", changed)
			}
			p.Migrate()
			if err := p.MakemigrationsCheck(); err != nil {
				t.Errorf("makemigrations --check on 6.1: %v", err)
			}
			if shown := p.ShowMigrations(false); strings.Contains(shown, "[ ]") {
				t.Errorf("showmigrations on 6.1:\n%s", shown)
			}
			ref := djangotest.NewProject(t, example, "5.2", engine)
			ref.Migrate()
			diff := djangotest.Diff
			if engine == djangotest.SQLite {
				// Django 6.0 writes a boolean in a partial index's WHERE as
				// "is_public" = 1 on SQLite (5.2: "is_public"): compare the
				// tables, columns and keys.
				diff = djangotest.ShapeDiff
			}
			if d := diff(ref.Schema(), p.Schema()); d != "" {
				t.Errorf("Django 6.1 builds another schema than 5.2 (-5.2 +6.1):\n%s", d)
			}
			code, out, _ = run(t, "--project", p.Dir, "upgrade", "--django", "6", "--yes")
			if code != ExitOK || !strings.Contains(out, "Nothing to rewrite") {
				t.Errorf("a second upgrade: exit %d\n%s", code, out)
			}
			if d := cmp.Diff(after, migrationFiles(t, p.Dir)); d != "" {
				t.Errorf("a second upgrade changed files:\n%s", d)
			}
		})
	}
}

// newProject is djangotest.NewProject for a history written by Django 5
// or older: on 6.x it is first rewritten with djsquash upgrade, as a user
// moving to 6.x does.
func newProject(t *testing.T, src string, v djangotest.Version, engine djangotest.Engine) *djangotest.Project {
	t.Helper()
	p := djangotest.NewProject(t, src, v, engine)
	if v.Major() >= 6 {
		if code, out, errOut := run(t, "--project", p.Dir, "upgrade", "--django", "6", "--yes"); code != ExitOK {
			t.Fatalf("upgrade --django 6: exit %d\n%s%s", code, out, errOut)
		}
	}
	return p
}

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// migrationFiles lists a project's migration files, for "nothing changed".
func migrationFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "migrations", "*.py"))
	sort.Strings(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = string(data)
	}
	return out
}

// TestPruneMigrates: on the example, squashed whole and migrated, prune
// with the database given deletes the originals and edits the rest so that
// real Django finds nothing to apply, nothing to make, the same schema,
// and a fresh database migrates to it too; migrate APP --prune then clears
// the old rows. A database that stops inside a squashed range, or that has
// not run migrate since the squashes arrived (no rows of theirs), makes
// prune refuse and change nothing.
func TestPruneMigrates(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	for _, c := range []struct {
		v djangotest.Version
		e djangotest.Engine
	}{{"5.2", djangotest.SQLite}, {"5.2", djangotest.PostgreSQL}, {"5.2", djangotest.MySQL}, {"4.2", djangotest.SQLite}, {"3.2", djangotest.SQLite}} {
		t.Run(fmt.Sprintf("django%s_%s", c.v, c.e), func(t *testing.T) {
			t.Parallel()
			part := djangotest.NewProject(t, src, c.v, c.e)
			part.Migrate("accounts", "0003")
			squashProject(t, part.Dir)
			before := migrationFiles(t, part.Dir)
			code, _, errOut := run(t, "--project", part.Dir, "prune", "--database", dbURL(part.DB), "--yes")
			if code != ExitProblems || !strings.Contains(errOut, "accounts.0001_squashed_0008_normalise_countries") {
				t.Errorf("prune with a database inside a range: exit %d\n%s", code, errOut)
			}
			if d := cmp.Diff(before, migrationFiles(t, part.Dir)); d != "" {
				t.Errorf("a refused prune changed files:\n%s", d)
			}

			p := djangotest.NewProject(t, src, c.v, c.e)
			p.Migrate()
			want := p.Schema()
			squashProject(t, p.Dir)
			// Applied through the originals, but the squashes have no rows
			// yet: pruned now, Django would try to apply them.
			if code, _, errOut := run(t, "--project", p.Dir, "prune", "--database", dbURL(p.DB), "--yes"); code != ExitProblems || !strings.Contains(errOut, "not recorded yet") {
				t.Errorf("prune before migrate recorded the squashes: exit %d\n%s", code, errOut)
			}
			p.Migrate() // records the squashes (check_replacements)
			code, out, errOut := run(t, "--project", p.Dir, "prune", "--database", dbURL(p.DB), "--yes")
			if code != ExitOK {
				t.Fatalf("prune: exit %d\n%s%s", code, out, errOut)
			}
			if n := len(migrationFiles(t, p.Dir)); n != 4+3 { // 4 squashes, 3 __init__.py
				t.Errorf("%d migration files left, want the 4 squashes:\n%s", n, out)
			}
			if out := p.Migrate(); !strings.Contains(out, "No migrations to apply") {
				t.Errorf("migrate after prune applied something:\n%s", out)
			}
			if err := p.MakemigrationsCheck(); err != nil {
				t.Errorf("makemigrations --check after prune: %v", err)
			}
			if d := djangotest.Diff(want, p.Schema()); d != "" {
				t.Errorf("schema changed:\n%s", d)
			}
			if c.v != "3.2" { // migrate --prune came with 4.1
				for _, app := range []string{"accounts", "catalog", "orders"} {
					p.MustManage("migrate", app, "--prune")
				}
				code, out, _ := run(t, "--project", p.Dir, "status", "--database", dbURL(p.DB))
				if code != ExitOK || strings.Contains(out, "not on disk") {
					t.Errorf("status after migrate --prune: exit %d\n%s", code, out)
				}
			}

			fresh := djangotest.NewProject(t, p.Dir, c.v, c.e)
			fresh.Migrate()
			if d := djangotest.Diff(want, fresh.Schema()); d != "" {
				t.Errorf("a fresh database of the pruned tree differs:\n%s", d)
			}
		})
	}
}

// TestPruneRefusesOnCheckErrors: prune edits files across apps, so any
// error check reports (here a dependency entry that is a list, which
// Django's loader cannot hash) stops it before anything is planned.
func TestPruneRefusesOnCheckErrors(t *testing.T) {
	src, _ := filepath.Abs("testdata/cases/squashed/project")
	dir := filepath.Join(t.TempDir(), "project")
	if err := djangotest.CopyTree(src, dir); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "shop", "migrations", "0005_bad.py")
	if err := os.WriteFile(bad, []byte("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [['shop', '0004_step']]\n    operations = []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := migrationFiles(t, dir)
	code, out, errOut := run(t, "--project", dir, "prune", "--force", "--yes")
	if code != ExitProblems || !strings.Contains(errOut, "DJ203") || !strings.Contains(errOut, "refusing to prune") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if d := cmp.Diff(before, migrationFiles(t, dir)); d != "" {
		t.Errorf("a refused prune changed files:\n%s", d)
	}
}

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/google/go-cmp/cmp"
)

// dumped is one migration as Django loads it (testdata/oracle/dump_migrations.py).
type dumped struct {
	Name         string     `json:"name"`
	Initial      bool       `json:"initial"`
	Dependencies [][]string `json:"dependencies"`
	Operations   []string   `json:"operations"`
}

// dumpMigrations loads the migrations of apps in p through Django.
func dumpMigrations(t *testing.T, p *djangotest.Project, apps []string) map[string][]dumped {
	t.Helper()
	script, _ := filepath.Abs("testdata/oracle/dump_migrations.py")
	p.Env = append(p.Env, "DJSQ_APPS="+strings.Join(apps, ","), "PYTHONHASHSEED=0")
	out := p.MustManage("shell", "-c", "exec(open("+fmt.Sprintf("%q", script)+").read())")
	_, js, ok := strings.Cut(out, "DJSQ_JSON:")
	if !ok {
		t.Fatalf("no dump:\n%s", out)
	}
	var d map[string][]dumped
	if err := json.Unmarshal([]byte(strings.TrimSpace(js)), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// positional replaces each dependency on a generated migration by its
// app and position ("catalog#1"): names differ by design (reset continues
// the numbering), positions must not.
func positional(d map[string][]dumped) map[string][]dumped {
	index := map[[2]string]int{}
	for app, migs := range d {
		for i, m := range migs {
			index[[2]string{app, m.Name}] = i
		}
	}
	out := map[string][]dumped{}
	for app, migs := range d {
		for _, m := range migs {
			c := m
			c.Name = ""
			c.Dependencies = nil
			for _, dep := range m.Dependencies {
				if i, ok := index[[2]string{dep[0], dep[1]}]; ok {
					c.Dependencies = append(c.Dependencies, []string{dep[0], fmt.Sprintf("#%d", i)})
				} else {
					c.Dependencies = append(c.Dependencies, dep)
				}
			}
			sort.Slice(c.Dependencies, func(i, j int) bool {
				return strings.Join(c.Dependencies[i], ".") < strings.Join(c.Dependencies[j], ".")
			})
			out[app] = append(out[app], c)
		}
	}
	return out
}

// compareWithMakemigrations resets a copy of src with djsquash and another
// copy by deleting its migrations and running Django's makemigrations, and
// compares what Django loads from each.
func compareWithMakemigrations(t *testing.T, src string, v djangotest.Version, style string) (carried map[string]int) {
	carried = map[string]int{}
	l, err := project.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	var apps []string
	for _, a := range l.Apps {
		apps = append(apps, a.Label)
	}
	theirs := djangotest.NewProject(t, src, v, djangotest.SQLite)
	for _, a := range l.Apps {
		rel, _ := filepath.Rel(src, a.MigrationsDir)
		files, _ := filepath.Glob(filepath.Join(theirs.Dir, rel, "*.py"))
		for _, f := range files {
			if filepath.Base(f) != "__init__.py" {
				os.Remove(f)
			}
		}
		os.Remove(filepath.Join(theirs.Dir, rel, "max_migration.txt"))
	}
	theirs.MustManage("makemigrations", "--noinput")
	ours := djangotest.NewProject(t, src, v, djangotest.SQLite)
	if code, out, errOut := run(t, "--project", ours.Dir, "reset", "--yes", "--force", "--no-header", "--django", style); code != ExitOK {
		t.Fatalf("reset: exit %d\n%s%s", code, out, errOut)
	}
	want, got := positional(dumpMigrations(t, theirs, apps)), positional(dumpMigrations(t, ours, apps))
	// What makemigrations cannot regenerate, reset carries over: compare
	// the rest, and count what was carried.
	for app, migs := range got {
		for i := range migs {
			var kept []string
			for _, op := range migs[i].Operations {
				if carriedOp(op) {
					carried[app]++
					continue
				}
				kept = append(kept, op)
			}
			migs[i].Operations = kept
		}
	}
	for _, app := range apps {
		w, g := want[app], got[app]
		if len(w) == 0 && len(g) == 1 && len(g[0].Operations) == 0 {
			// Every model of the app is gone: makemigrations writes
			// nothing; reset writes one empty migration, so that the
			// old history's rows are replaced all the same.
			continue
		}
		if len(w) != len(g) {
			t.Errorf("%s: makemigrations writes %d migrations, reset %d", app, len(w), len(g))
			continue
		}
		for i := range w {
			if w[i].Initial != g[i].Initial {
				t.Errorf("%s #%d: initial %v, reset %v", app, i, w[i].Initial, g[i].Initial)
			}
			if fmt.Sprint(w[i].Dependencies) != fmt.Sprint(g[i].Dependencies) {
				t.Errorf("%s #%d: dependencies %v, reset %v", app, i, w[i].Dependencies, g[i].Dependencies)
			}
			if d := opsDiff(w[i].Operations, g[i].Operations); d != "" {
				t.Errorf("%s #%d: operations differ (- makemigrations, + reset):\n%s", app, i, d)
			}
		}
	}
	return carried
}

// carriedOp reports an operation makemigrations never writes.
func carriedOp(serialized string) bool {
	for _, p := range []string{"migrations.RunSQL(", "migrations.RunPython(", "django.contrib.postgres.operations."} {
		if strings.HasPrefix(serialized, p) {
			return true
		}
	}
	return false
}

// opsDiff shows serialized operations that differ, in order.
func opsDiff(want, got []string) string {
	var b strings.Builder
	for i := 0; i < max(len(want), len(got)); i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			fmt.Fprintf(&b, "  [%d]\n  - %s\n  + %s\n", i, w, g)
		}
	}
	return b.String()
}

// TestResetMatchesMakemigrations: what reset writes is what Django's
// makemigrations writes for the same models, migration by migration,
// operation by operation, compared through Django's own serializer.
func TestResetMatchesMakemigrations(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	for _, c := range []struct {
		v     djangotest.Version
		style string
	}{{"6.1", "6"}, {"5.2", "5"}, {"4.2", "4"}} {
		t.Run("example/django"+string(c.v), func(t *testing.T) {
			t.Parallel()
			carried := compareWithMakemigrations(t, example, c.v, c.style)
			if carried["catalog"] != 1 {
				t.Errorf("catalog's RunSQL (a table no model owns) was not carried over: %v", carried)
			}
		})
	}
}

// TestResetDeploys: the reset of the example, on real Django and each
// engine. (1) A fresh database migrated with the reset tree has the old
// history's schema (the RunSQL table too), and makemigrations --check is
// clean. (2) A database migrated with the old history, given the reset tree
// (old files deleted, after reset checked that database): migrate applies
// nothing and records the new migrations, showmigrations marks all applied;
// then prune turns them into plain migrations, migrate still has nothing to
// do, and a fresh database gets the same schema. (3) A database one
// migration behind makes reset refuse, naming it, changing nothing.
func TestResetDeploys(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	for _, c := range []struct {
		v      djangotest.Version
		engine djangotest.Engine
	}{{"6.1", djangotest.SQLite}, {"6.1", djangotest.PostgreSQL}, {"6.1", djangotest.MySQL},
		// What differs between engines is the schema editor's, the same in
		// 5.2 and 6.1: the newest on every engine, the older on SQLite.
		{"5.2", djangotest.SQLite}, {"4.2", djangotest.SQLite}, {"3.2", djangotest.SQLite}} {
		t.Run(fmt.Sprintf("django%s_%s", c.v, c.engine), func(t *testing.T) {
			t.Parallel()
			style := string(c.v[0])
			orig := newProject(t, example, c.v, c.engine)
			orig.Migrate()
			want := orig.Schema()

			fresh := newProject(t, example, c.v, c.engine)
			if code, out, errOut := run(t, "--project", fresh.Dir, "reset", "--yes", "--force", "--django", style); code != ExitOK {
				t.Fatalf("reset: exit %d\n%s%s", code, out, errOut)
			}
			fresh.Migrate()
			if d := djangotest.Diff(want, fresh.Schema()); d != "" {
				t.Errorf("fresh database from the reset tree: schema differs from the history's:\n%s", d)
			}
			if err := fresh.MakemigrationsCheck(); err != nil {
				t.Errorf("makemigrations --check after reset: %v", err)
			}

			behind := newProject(t, example, c.v, c.engine)
			behind.Migrate("catalog", "0026")
			before := migrationFiles(t, behind.Dir)
			code, out, errOut := run(t, "--project", behind.Dir, "reset", "--yes", "--django", style, "--database", "staging="+dbURL(behind.DB))
			if code != ExitProblems || !strings.Contains(errOut, "staging has not applied catalog.0027_alter_book_isbn") {
				t.Errorf("a database one migration behind: exit %d\n%s%s", code, out, errOut)
			}
			if d := cmp.Diff(before, migrationFiles(t, behind.Dir)); d != "" {
				t.Errorf("the refused reset changed files:\n%s", d)
			}

			if code, out, errOut := run(t, "--project", orig.Dir, "reset", "--yes", "--django", style, "--database", "prod="+dbURL(orig.DB)); code != ExitOK {
				t.Fatalf("reset of a migrated project: exit %d\n%s%s", code, out, errOut)
			}
			if out := orig.Migrate(); !strings.Contains(out, "No migrations to apply") {
				t.Errorf("migrate after the reset applied something:\n%s", out)
			}
			if shown := orig.ShowMigrations(false); strings.Contains(shown, "[ ]") || !strings.Contains(shown, "[X] 0028_initial") {
				t.Errorf("showmigrations after the reset:\n%s", shown)
			}
			if d := djangotest.Diff(want, orig.Schema()); d != "" {
				t.Errorf("the reset changed the schema:\n%s", d)
			}
			if code, out, errOut := run(t, "--project", orig.Dir, "prune", "--yes", "--database", "prod="+dbURL(orig.DB)); code != ExitOK {
				t.Fatalf("prune after the reset: exit %d\n%s%s", code, out, errOut)
			}
			if out := orig.Migrate(); !strings.Contains(out, "No migrations to apply") {
				t.Errorf("migrate after prune applied something:\n%s", out)
			}
			if err := orig.MakemigrationsCheck(); err != nil {
				t.Errorf("makemigrations --check after prune: %v", err)
			}
			again := djangotest.NewProject(t, orig.Dir, c.v, c.engine)
			again.Migrate()
			if d := djangotest.Diff(want, again.Schema()); d != "" {
				t.Errorf("fresh database after prune: schema differs:\n%s", d)
			}
		})
	}
}

// TestResetMatchesMakemigrationsGenerated: 200 generated projects (pairs of
// apps with relations across them, cycles, the custom user model, M2M with
// and without through, self relations, proxies, unmanaged models, indexes,
// constraints, unique_together, db_table, order_with_respect_to,
// GeneratedField on 5.2), each with a two-step history makemigrations
// wrote: reset equals a fresh makemigrations, as in the example's test.
func TestResetMatchesMakemigrationsGenerated(t *testing.T) {
	for _, c := range []struct {
		v      djangotest.Version
		style  string
		django int
		models int
	}{{"5.2", "5", 5, 140}, {"4.2", "4", 4, 80}} { // 4.2 writes as 5.2 does but for its style: fewer models
		t.Run("django"+string(c.v), func(t *testing.T) {
			t.Parallel()
			g := newModelGen(17, c.models, c.django)
			src := filepath.Join(t.TempDir(), "generated")
			g.write(t, src, true)
			base := djangotest.NewProject(t, src, c.v, djangotest.SQLite)
			base.MustManage("makemigrations", "--noinput")
			g.write(t, base.Dir, false)
			base.MustManage("makemigrations", "--noinput")
			if err := base.MakemigrationsCheck(); err != nil {
				t.Fatalf("the generated history is not in step with its models: %v", err)
			}
			// Its apps depend on contrib's (auth, for the custom user
			// model): with the environment, show --plan lists those too,
			// as showmigrations --plan does.
			plan := filepath.Join(t.TempDir(), "plan")
			djangotest.CopyTree(base.Dir, plan)
			withEnvironment(t, plan, base.Django)
			if d := cmp.Diff(djangoPlan(base.ShowMigrations(true), nil), ourPlan(t, plan)); d != "" {
				t.Errorf("show --plan of the generated project differs from showmigrations --plan (-django +djsquash):\n%s", d)
			}
			compareWithMakemigrations(t, base.Dir, c.v, c.style)
		})
	}
}

// TestResetKeepOld: with --keep-old, a database stopped partway through
// the old history catches up through the old files (their RunPython runs)
// and records the reset; its schema is the history's. Then prune removes
// what is left of the old history.
func TestResetKeepOld(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	for _, c := range []versionEngine{{"5.2", djangotest.SQLite}, {"5.2", djangotest.PostgreSQL}, {"6.1", djangotest.SQLite}, {"6.1", djangotest.PostgreSQL}} {
		engine := c.engine
		t.Run(fmt.Sprintf("django%s_%s", c.v, engine), func(t *testing.T) {
			t.Parallel()
			orig := newProject(t, example, c.v, engine)
			orig.Migrate()
			want := orig.Schema()
			rows := orig.DB.QueryInt(t, "SELECT COUNT(*) FROM catalog_category")

			part := newProject(t, example, c.v, engine)
			part.Migrate("catalog", "0005")
			if code, out, errOut := run(t, "--project", part.Dir, "reset", "--yes", "--keep-old", "--django", string(c.v[0])); code != ExitOK {
				t.Fatalf("reset --keep-old: exit %d\n%s%s", code, out, errOut)
			}
			out := part.Migrate()
			if !strings.Contains(out, "catalog.0007_seed_categories") {
				t.Errorf("migrate did not run the old tail:\n%s", out)
			}
			if d := djangotest.Diff(want, part.Schema()); d != "" {
				t.Errorf("schema after catching up through the old files:\n%s", d)
			}
			if got := part.DB.QueryInt(t, "SELECT COUNT(*) FROM catalog_category"); got != rows {
				t.Errorf("the seed RunPython of the old tail gave %d rows, the history %d", got, rows)
			}
			if shown := part.ShowMigrations(false); strings.Contains(shown, "[ ]") {
				t.Errorf("showmigrations after catching up:\n%s", shown)
			}
			if code, out, errOut := run(t, "--project", part.Dir, "prune", "--yes", "--database", dbURL(part.DB)); code != ExitOK {
				t.Fatalf("prune: exit %d\n%s%s", code, out, errOut)
			}
			if out := part.Migrate(); !strings.Contains(out, "No migrations to apply") {
				t.Errorf("migrate after prune:\n%s", out)
			}
		})
	}
}

// TestResetOneApp: resetting one app rewires the other apps' dependencies
// on its old names; a fresh database and one migrated with the old history
// both end with the history's schema, and the old one applies nothing.
func TestResetOneApp(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	orig := djangotest.NewProject(t, example, "5.2", djangotest.SQLite)
	orig.Migrate()
	want := orig.Schema()
	code, out, errOut := run(t, "--project", orig.Dir, "reset", "accounts", "--yes", "--database", dbURL(orig.DB))
	if code != ExitOK || !strings.Contains(out, "dependencies now name the new migrations in: orders.0008_order_shipping_address") {
		t.Fatalf("reset accounts: exit %d\n%s%s", code, out, errOut)
	}
	if out := orig.Migrate(); !strings.Contains(out, "No migrations to apply") {
		t.Errorf("migrate after resetting accounts:\n%s", out)
	}
	fresh := djangotest.NewProject(t, orig.Dir, "5.2", djangotest.SQLite)
	fresh.Migrate()
	if d := djangotest.Diff(want, fresh.Schema()); d != "" {
		t.Errorf("fresh database:\n%s", d)
	}
}

// TestResetCarriesExtensionsAndViews: what makemigrations cannot
// regenerate survives a reset on PostgreSQL: the pg_trgm extension (first)
// and a RunSQL view (last) exist in a fresh database migrated from the
// reset tree, and the schema is the history's.
func TestResetCarriesExtensionsAndViews(t *testing.T) {
	for _, v := range []djangotest.Version{"5.2", "6.1"} {
		t.Run("django"+string(v), func(t *testing.T) {
			t.Parallel()
			resetCarries(t, v)
		})
	}
}

func resetCarries(t *testing.T, v djangotest.Version) {
	src, _ := filepath.Abs("testdata/cases/reset_carry/project")
	orig := newProject(t, src, v, djangotest.PostgreSQL)
	orig.Migrate()
	want := orig.Schema()
	fresh := newProject(t, src, v, djangotest.PostgreSQL)
	code, out, errOut := run(t, "--project", fresh.Dir, "reset", "--yes", "--force", "--django", string(v[0]))
	if code != ExitOK || !strings.Contains(out, "TrigramExtension (shop/migrations/0001_initial.py:11:9): kept in 0004_initial") {
		t.Fatalf("reset: exit %d\n%s%s", code, out, errOut)
	}
	fresh.Migrate()
	if d := djangotest.Diff(want, fresh.Schema()); d != "" {
		t.Errorf("schema:\n%s", d)
	}
	if n := fresh.DB.QueryInt(t, "SELECT COUNT(*) FROM pg_extension WHERE extname = 'pg_trgm'"); n != 1 {
		t.Errorf("pg_trgm is not installed after the reset")
	}
	if n := fresh.DB.QueryInt(t, "SELECT COUNT(*) FROM pg_views WHERE viewname = 'shop_cheap_items'"); n != 1 {
		t.Errorf("the view is missing after the reset")
	}
}

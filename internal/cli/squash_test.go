package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/synth"
	"github.com/google/go-cmp/cmp"
)

// squashProject runs djsquash squash (whole project) in dir, writing.
func squashProject(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, append([]string{"--project", dir, "squash", "--yes"}, args...)...)
	if code != ExitOK {
		t.Fatalf("squash: exit %d\n%s%s", code, out, errOut)
	}
	return out
}

// squashScenario is one project to squash whole, and how to check it.
type squashScenario struct {
	src     string
	partial []string // migrate arguments that stop inside a squashed range
	rows    string   // a COUNT(*) query over rows data migrations create
	// nested is an existing squash ("app", "name") that a squash written
	// for Django 6.x replaces (6.0 loads squashes of squashes; before,
	// the range is split around it).
	nested string
	// args are more squash arguments (--strategy regenerate).
	args []string
}

// TestSquashMigrates: the whole-project squash of the example, of the
// mixed fixture (an existing squash inside the range, clashing RunPython
// names, a cross-app cycle through a rename) and of a generated project
// (three apps, 150 migrations, cross-app keys, data migrations whose
// helpers clash), on real Django and each
// engine: (1) a fresh database migrates with it to the original history's
// schema, with the rows the data migrations create; (2) a database migrated
// with the originals applies nothing new and shows the squashes applied;
// (3) a database migrated partway into a range completes with the squash
// present; (4) makemigrations --check is clean.
func TestSquashMigrates(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	mixed, _ := filepath.Abs("testdata/cases/squash_mixed/project")
	// RunPython code of alpha looks up zoo.Author, which zoo renames
	// later: one squash per app would run it after the rename.
	getModel, _ := filepath.Abs("testdata/cases/squash_get_model/project")
	// A Latin-1 migration with CRLF line ends and a non-ASCII seed row.
	encoding, _ := filepath.Abs("testdata/cases/squash_encoding/project")
	// zulu's RunPython looks up alpha.Thing without depending on alpha.
	latent, _ := filepath.Abs("testdata/cases/squash_latent/project")
	// SeparateDatabaseAndState(state_operations=state_operations), the
	// lists class attributes of the Migration.
	classLists, _ := filepath.Abs("testdata/cases/squash_class_lists/project")
	// AddField(preserve_default=False): the squash's CreateModel must not
	// keep the one-off default (makemigrations --check then wants an
	// AlterField, as after Django's own squashmigrations).
	preserve, _ := filepath.Abs("testdata/cases/squash_preserve_default/project")
	// One app per interaction of a later operation with the statements
	// Django's schema editor defers to the end of a migration (an index,
	// a foreign key, a unique_together, a Meta index), and one of those it
	// carries through (renames, removals): a squash that holds both runs
	// them in one migration, where the later operation misses them.
	deferred, _ := filepath.Abs("testdata/cases/squash_deferred/project")
	// A swappable dependency through an app's own settings object
	// (swappable_dependency(token_settings.TOKEN_MODEL)), its value given
	// in [tool.djsquash.settings].
	appSettings, _ := filepath.Abs("testdata/cases/squash_app_settings/project")
	// AddField(default=1, preserve_default=False) then AlterField(default=2)
	// after a RunPython that seeds a row: the row must get 1, as in the
	// history (Django's optimizer merges them into an AddField with 2).
	existingDefault, _ := filepath.Abs("testdata/cases/squash_existing_default/project")
	// Runs of schema operations the regenerate strategy replaces: renames
	// (a model, a field, across a RunPython that checks the seeded row
	// kept its data), a field added to a table with rows and altered
	// (the rows keep the AddField's default), a column and a model removed
	// and added again under their names, deletions in reference order,
	// and what Django's optimizer cannot merge across an index or a field
	// a together option names.
	regen, _ := filepath.Abs("testdata/cases/squash_regenerate/project")
	regenerate := []string{"--strategy", "regenerate"}
	synthetic := filepath.Join(t.TempDir(), "synthetic")
	if _, err := synth.Generate(synthetic, synth.Options{Seed: 11, Apps: 3, Migrations: 150, DataEvery: 8, Unformatted: true}); err != nil {
		t.Fatal(err)
	}
	scenarios := map[string]squashScenario{
		"example":              {example, []string{"catalog", "0012"}, "SELECT COUNT(*) FROM catalog_category", "", nil},
		"mixed":                {mixed, []string{"library", "0003_more"}, "SELECT COUNT(*) FROM library_rack WHERE code <> ''", `("library", "0001_squashed_0002_seed")`, nil},
		"synthetic":            {synthetic, []string{"app01", "0005"}, "SELECT 1", "", nil},
		"get_model":            {getModel, []string{"alpha", "0002"}, "SELECT COUNT(*) FROM alpha_note", "", nil},
		"class_lists":          {classLists, []string{"shop", "0001"}, "SELECT COUNT(*) + 1 FROM shop_legacy_item", "", nil},
		"latent":               {latent, []string{"alpha", "0001"}, "SELECT COUNT(*) FROM zulu_note", "", nil},
		"preserve_default":     {preserve, []string{"shop", "0001"}, "SELECT COUNT(*) + 1 FROM shop_item", "", nil},
		"app_settings":         {appSettings, []string{"api", "0002"}, "SELECT COUNT(*) + 1 FROM api_client", "", nil},
		"existing_default":     {existingDefault, []string{"shop", "0002"}, "SELECT COUNT(*) FROM shop_token WHERE version = 1", "", nil},
		"deferred":             {deferred, []string{"idx", "0002"}, "SELECT COUNT(*) FROM idx_book", "", nil},
		"encoding":             {encoding, []string{"shop", "0001"}, "SELECT COUNT(*) FROM shop_tag WHERE name = 'caf\u00e9'", "", nil},
		"regenerate":           {regen, []string{"shop", "0003_rework"}, "SELECT COUNT(*) FROM shop_product WHERE stock = 0 AND name = 'Dune'", "", regenerate},
		"example_regenerate":   {example, []string{"catalog", "0012"}, "SELECT COUNT(*) FROM catalog_category", "", regenerate},
		"synthetic_regenerate": {synthetic, []string{"app01", "0005"}, "SELECT 1", "", regenerate},
	}
	type combo struct {
		v      djangotest.Version
		engine djangotest.Engine
	}
	var combos []combo
	for _, v := range []djangotest.Version{"6.1", "5.2", "4.2", "3.2"} {
		for _, e := range []djangotest.Engine{djangotest.SQLite, djangotest.PostgreSQL, djangotest.MySQL} {
			combos = append(combos, combo{v, e})
		}
	}
	for _, name := range []string{"example", "mixed", "synthetic", "get_model", "encoding", "latent", "class_lists", "preserve_default", "deferred", "app_settings", "existing_default",
		"regenerate", "example_regenerate", "synthetic_regenerate"} {
		sc := scenarios[name]
		for _, c := range combos {
			if sc.args != nil {
				// The regenerate strategy: the fixture made for it on the
				// newest Django on every engine and on the oldest (what it
				// writes must load there too), the example on the newest on
				// every engine, the generated project on MariaDB.
				keep := c.v == "6.1"
				switch name {
				case "regenerate":
					keep = keep || c.v == "3.2" && c.engine == djangotest.SQLite
				case "synthetic_regenerate":
					keep = keep && c.engine == djangotest.MySQL
				}
				if !keep {
					continue
				}
				t.Run(fmt.Sprintf("%s/django%s_%s", name, c.v, c.engine), func(t *testing.T) {
					t.Parallel()
					checkSquash(t, sc, c.v, c.engine)
				})
				continue
			}
			current := c.v == "5.2" || c.v == "6.1" // the LTS and the current release run on every engine
			if c.engine != djangotest.SQLite && !current {
				continue // older versions on SQLite: what they read and load; keep CI short
			}
			if c.v == "4.2" && name != "example" && name != "synthetic" {
				// 4.2 (out of support since April 2026) reads what 5.2
				// and 3.2, on either side of it, read: the example and the
				// generated project cover it.
				continue
			}
			// What differs between engines is the schema editor's, the same
			// in 5.2 and 6.1: the newest runs every engine, 5.2 SQLite, but
			// for the deferred statements, whose order is each engine's.
			if name != "deferred" && c.v == "5.2" && c.engine != djangotest.SQLite {
				continue
			}
			if (name == "deferred" || name == "app_settings" || name == "existing_default") && !current {
				continue // what they test does not change between versions: 5.2 and 6.1 on every engine
			}
			t.Run(fmt.Sprintf("%s/django%s_%s", name, c.v, c.engine), func(t *testing.T) {
				t.Parallel() // each has its own copies and databases
				checkSquash(t, sc, c.v, c.engine)
			})
		}
	}
}

func checkSquash(t *testing.T, sc squashScenario, v djangotest.Version, engine djangotest.Engine) {
	style := sc.args
	if v.Major() >= 6 {
		style = append([]string{"--django", "6"}, sc.args...)
	}
	orig := newProject(t, sc.src, v, engine)
	orig.Migrate()
	want := orig.Schema()
	rows := orig.DB.QueryInt(t, sc.rows)

	// (1) fresh database, squashed tree.
	fresh := newProject(t, sc.src, v, engine)
	before := migrationFiles(t, fresh.Dir)
	squashOut := squashProject(t, fresh.Dir, style...)
	if sc.nested != "" {
		nested := false
		for name, text := range migrationFiles(t, fresh.Dir) {
			if _, old := before[name]; !old && strings.Contains(text, sc.nested) {
				nested = true
			}
		}
		if split := strings.Contains(squashOut, "it is a squash itself"); nested == split || nested != (v.Major() >= 6) {
			t.Errorf("Django %s: a new squash replaces the squash %s: %v; the range split around it: %v\n%s", v, sc.nested, nested, split, squashOut)
		}
	}
	out := fresh.Migrate()
	if !strings.Contains(out, "squashed") {
		t.Errorf("migrate did not apply the squashes:\n%s", out)
	}
	if d := djangotest.Diff(want, fresh.Schema()); d != "" {
		t.Errorf("schema differs from the original history's:\n%s", d)
	}
	if got := fresh.DB.QueryInt(t, sc.rows); got != rows || got == 0 {
		t.Errorf("%s: %d rows, the original history %d", sc.rows, got, rows)
	}
	if err := fresh.MakemigrationsCheck(); err != nil {
		t.Errorf("makemigrations --check after squashing: %v", err)
	}
	// The schema check record relies on finds nothing on a database the
	// migrations built.
	if code, out, errOut := run(t, "--project", fresh.Dir, "status", "--schema-check", "--database", "fresh="+dbURL(fresh.DB)); !strings.Contains(out, "fresh: matches the migrations") ||
		strings.Contains(out, "warning:") || code == ExitUsage {
		t.Errorf("status --schema-check of a freshly migrated database: exit %d\n%s%s", code, out, errOut)
	}

	// (2) migrated with the originals, then the squashes added.
	squashProject(t, orig.Dir, style...)
	if out := orig.Migrate(); !strings.Contains(out, "No migrations to apply") {
		t.Errorf("migrate after adding the squashes applied something:\n%s", out)
	}
	shown := orig.ShowMigrations(false)
	if n := len(regexp.MustCompile(`\[X\] \d+_squashed`).FindAllString(shown, -1)); n < 1 {
		t.Errorf("showmigrations marks no squash applied:\n%s", shown)
	}

	// (3) partway into a range, then the squashes added.
	part := newProject(t, sc.src, v, engine)
	part.Migrate(sc.partial...)
	squashProject(t, part.Dir, style...)
	part.Migrate()
	if d := djangotest.Diff(want, part.Schema()); d != "" {
		t.Errorf("schema after finishing a partial migration differs:\n%s", d)
	}
}

// TestSquashNoMoreOperationsThanDjango: for each app of the example, the
// whole-project squash has no more operations than Django 5.2's (and 6.1's) own
// squashmigrations writes for it (on the same input), and migrates. Where
// djsquash had to split an app's range, Django's single squash of it must
// fail to migrate (CircularDependencyError): that is what the split buys.
func TestSquashNoMoreOperationsThanDjango(t *testing.T) {
	for _, v := range []djangotest.Version{"5.2", "6.1"} {
		t.Run("django"+string(v), func(t *testing.T) {
			t.Parallel()
			noMoreOperationsThanDjango(t, v)
		})
	}
}

func noMoreOperationsThanDjango(t *testing.T, v djangotest.Version) {
	src, _ := filepath.Abs("../../examples/bookshop")
	ours := newProject(t, src, v, djangotest.SQLite)
	squashProject(t, ours.Dir, "--django", string(v[0]))
	// count counts the operations of an app's squashes. Django's own file
	// is not valid Python when the range has RunPython ("manual porting
	// required": it names functions as app.migrations.0007_x.forwards), so
	// its operations are counted as the lines that start one, at the list's
	// indentation, the layout MigrationWriter writes.
	opStart := regexp.MustCompile(`(?m)^        [A-Za-z_][\w.]*\(`)
	count := func(dir, app string) (int, string) {
		files, _ := filepath.Glob(filepath.Join(dir, app, "migrations", "*squashed*.py"))
		total := 0
		var names []string
		for _, f := range files {
			data, _ := os.ReadFile(f)
			if mig, diags := migration.Read(migration.Key{App: app, Name: "x"}, f, data, nil); len(diags) == 0 {
				total += len(mig.Operations)
			} else {
				_, ops, _ := strings.Cut(string(data), "    operations = [")
				total += len(opStart.FindAllString(ops, -1))
			}
			names = append(names, filepath.Base(f))
		}
		return total, strings.Join(names, ", ")
	}
	if out := ours.Migrate(); strings.Contains(out, "Circular") {
		t.Fatalf("migrate:\n%s", out)
	}
	for _, app := range []string{"accounts", "catalog", "orders"} {
		theirs := newProject(t, src, v, djangotest.SQLite)
		leaf := map[string]string{"accounts": "0008", "catalog": "0027", "orders": "0012"}[app]
		theirs.MustManage("squashmigrations", app, leaf, "--noinput")
		dj, djFiles := count(theirs.Dir, app)
		us, usFiles := count(ours.Dir, app)
		t.Logf("%s: djsquash %d operations (%s), Django %d (%s)", app, us, usFiles, dj, djFiles)
		if dj == 0 || us == 0 {
			t.Errorf("%s: no squash found (djsquash %q, Django %q)", app, usFiles, djFiles)
		}
		split := strings.Contains(usFiles, ",")
		switch {
		case split:
			// Port Django's file by hand, as its output asks, so that
			// what fails is the graph and not the syntax.
			for _, f := range mustGlob(t, filepath.Join(theirs.Dir, app, "migrations", "*squashed*.py")) {
				data, _ := os.ReadFile(f)
				ported := portRE.ReplaceAllString(string(data), `__import__("importlib").import_module("$1.migrations.$2").$3`)
				os.WriteFile(f, []byte(ported), 0o644)
			}
			out, err := theirs.Manage("migrate", "--noinput")
			if err == nil || !strings.Contains(out, "CircularDependencyError") {
				t.Errorf("%s: djsquash split the range, but Django's single squash migrates (err=%v):\n%s", app, err, out)
			}
		case us > dj:
			t.Errorf("%s: djsquash wrote %d operations, Django %d", app, us, dj)
		}
	}
}

// portRE matches what Django's writer leaves for manual porting:
// app.migrations.0007_name.function.
var portRE = regexp.MustCompile(`\b(\w+)\.migrations\.(\d\w*)\.(\w+)`)

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	return files
}

// TestSquashKeepsMaxMigration: django-linear-migrations' max_migration.txt
// names the squash of the app's leaf after squashing, and nothing is
// written when the plan is refused.
func TestSquashKeepsMaxMigration(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	dir := filepath.Join(t.TempDir(), "bookshop")
	if err := djangotest.CopyTree(src, dir); err != nil {
		t.Fatal(err)
	}
	max := filepath.Join(dir, "accounts", "migrations", "max_migration.txt")
	if err := os.WriteFile(max, []byte("0008_normalise_countries\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A refused plan writes nothing: an unknown end migration.
	if code, _, _ := run(t, "--project", dir, "squash", "accounts", "0099", "--yes"); code == ExitOK {
		t.Fatal("squash with a missing END succeeded")
	}
	if got, _ := os.ReadFile(max); string(got) != "0008_normalise_countries\n" {
		t.Fatalf("max_migration.txt changed by a refused squash: %q", got)
	}
	squashProject(t, dir, "accounts")
	got, _ := os.ReadFile(max)
	if string(got) != "0001_squashed_0008_normalise_countries\n" {
		t.Errorf("max_migration.txt = %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "accounts", "migrations", "0001_squashed_0008_normalise_countries.py")); err != nil {
		t.Error(err)
	}
}

// TestSquashRefusesPartlyAppliedDatabase: with --database, a database that
// applied part of a range (some of it, not all) stops the squash, naming
// what it lacks, in text and in JSON; one that applied all of it, or none
// of the range (even with earlier migrations of the app applied), does not.
func TestSquashRefusesPartlyAppliedDatabase(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	p := djangotest.NewProject(t, src, "5.2", djangotest.SQLite)
	p.Migrate("catalog", "0012")
	code, out, errOut := run(t, "--project", p.Dir, "squash", "catalog", "--dry-run", "--database", "staging="+dbURL(p.DB))
	if code != ExitProblems || !regexp.MustCompile(`staging has applied \d+ migrations of catalog\.\S+ but not 0013_`).MatchString(errOut) ||
		!strings.Contains(errOut, "apply pending migrations there first") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "--project", p.Dir, "--json", "squash", "catalog", "--dry-run", "--database", "staging="+dbURL(p.DB))
	var rep struct {
		Problems []struct{ Code string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitProblems || len(rep.Problems) == 0 || rep.Problems[0].Code != "DJ405" {
		t.Fatalf("--json refusal: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	// A range that starts after what the database applied: nobody applied
	// any of it, so every database will use the squash.
	if code, out, errOut := run(t, "--project", p.Dir, "squash", "catalog", "0013", "0027", "--dry-run", "--database", "staging="+dbURL(p.DB)); code != ExitOK {
		t.Fatalf("a range nobody applied was refused: exit %d\n%s%s", code, out, errOut)
	}
	p.Migrate()
	if code, out, errOut := run(t, "--project", p.Dir, "squash", "catalog", "--dry-run", "--database", "staging="+dbURL(p.DB)); code != ExitOK {
		t.Fatalf("fully migrated database refused: exit %d\n%s%s", code, out, errOut)
	}
}

// TestSquashDatabaseGuardNeedsAccess: a role that may not read
// django_migrations, or a misspelled --schema, stops squash --database
// (exit 2, nothing written) instead of passing for a fresh database.
func TestSquashDatabaseGuardNeedsAccess(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	p := djangotest.NewProject(t, src, "5.2", djangotest.PostgreSQL)
	p.Migrate("catalog", "0012")
	role := "djs_np_" + strings.TrimPrefix(p.DB.Name, "djt_")
	p.DB.Exec(t, "CREATE ROLE "+role+" LOGIN", "GRANT CONNECT ON DATABASE "+p.DB.Name+" TO "+role, "GRANT USAGE ON SCHEMA public TO "+role)
	t.Cleanup(func() {
		p.DB.Exec(t, "REVOKE ALL ON SCHEMA public FROM "+role, "REVOKE ALL ON DATABASE "+p.DB.Name+" FROM "+role, "DROP ROLE "+role)
	})
	before := migrationFiles(t, p.Dir)
	for _, args := range [][]string{
		{"--database", fmt.Sprintf("postgres://%s@%s:%s/%s", role, p.DB.Host, p.DB.Port, p.DB.Name)},
		{"--database", dbURL(p.DB), "--schema", "pubilc"},
	} {
		code, out, errOut := run(t, append([]string{"--project", p.Dir, "squash", "catalog", "--yes"}, args...)...)
		if code != ExitUsage || !strings.Contains(errOut, "permission denied") && !strings.Contains(errOut, "schema does not exist") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if d := cmp.Diff(before, migrationFiles(t, p.Dir)); d != "" {
		t.Errorf("files changed (-before +after):\n%s", d)
	}
}

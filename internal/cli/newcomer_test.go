package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/djsquash/djsquash/internal/golden"
	"github.com/google/go-cmp/cmp"
)

// example copies the example project into a temporary directory.
func example(t *testing.T) string {
	t.Helper()
	src, _ := filepath.Abs("../../examples/bookshop")
	dir := filepath.Join(t.TempDir(), "bookshop")
	if err := djangotest.CopyTree(src, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunFromAppDirectory: run from inside an app (or pointed at one),
// djsquash finds the project root above it, as git does, and plans the
// same squashes as from the root. It used to see one app and write a
// squash Django rejected with CircularDependencyError.
func TestRunFromAppDirectory(t *testing.T) {
	dir := example(t)
	_, fromRoot, _ := run(t, "--project", dir, "squash", "--dry-run", "--no-header")
	code, fromApp, errOut := run(t, "--project", filepath.Join(dir, "catalog"), "squash", "--dry-run", "--no-header")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if d := cmp.Diff(fromRoot, fromApp); d != "" {
		t.Errorf("from the app directory (-root +app):\n%s", d)
	}
	if !strings.Contains(fromApp, "orders") || !strings.Contains(fromApp, "accounts") {
		t.Errorf("the plan from catalog/ misses apps:\n%s", fromApp)
	}
}

// TestUnknownAppLabel: a dependency on an app label INSTALLED_APPS lacks
// (a typo) is the NodeNotFoundError Django raises, reported by check with
// its position; it used to pass as an app outside the project.
func TestUnknownAppLabel(t *testing.T) {
	dir := example(t)
	edit(t, filepath.Join(dir, "accounts/migrations/0001_initial.py"), `("auth", "0012_alter_user_first_name_max_length")`, `("authx", "0012_alter_user_first_name_max_length")`)
	code, out, _ := run(t, "--project", dir, "check")
	if code != ExitProblems || !strings.Contains(out, `accounts/migrations/0001_initial.py:13:9: error: accounts.0001_initial depends on app "authx", which INSTALLED_APPS (bookshop/settings.py) does not have`) {
		t.Errorf("exit %d\n%s", code, out)
	}
	// Without readable settings, a warning names the app instead.
	os.Remove(filepath.Join(dir, "bookshop/settings.py"))
	code, out, _ = run(t, "--project", dir, "check")
	if code != ExitOK || !strings.Contains(out, `warning: accounts.0001_initial depends on app "authx", which djsquash cannot see`) {
		t.Errorf("without settings: exit %d\n%s", code, out)
	}
}

// TestExcludedAppDependedOn: [tool.djsquash] exclude hiding an app that
// others depend on is a warning, not silence.
func TestExcludedAppDependedOn(t *testing.T) {
	dir := example(t)
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[tool.djsquash]\nexclude = [\"accounts\"]\n"), 0o644)
	_, out, _ := run(t, "--project", dir, "check")
	if !strings.Contains(out, `depends on app "accounts", whose migrations [tool.djsquash] exclude hides (accounts/migrations)`) {
		t.Errorf("no warning:\n%s", out)
	}
}

// TestMigrationModules: MIGRATION_MODULES is read from the settings module
// manage.py names: an app's migrations in another module are found there,
// and an app mapped to None has none (Django loads none of them).
func TestMigrationModules(t *testing.T) {
	dir := example(t)
	if err := os.Rename(filepath.Join(dir, "orders/migrations"), filepath.Join(dir, "orders/db_migrations")); err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(dir, "bookshop/settings.py")
	b, _ := os.ReadFile(settings)
	os.WriteFile(settings, append(b, []byte("\nMIGRATION_MODULES = {\"orders\": \"orders.db_migrations\"}\n")...), 0o644)
	code, out, errOut := run(t, "--project", dir, "show", "orders")
	if code != ExitOK || !strings.Contains(out, "0012_alter_order_options") {
		t.Fatalf("orders' migrations in orders/db_migrations: exit %d\n%s%s", code, out, errOut)
	}
	os.WriteFile(settings, append(b, []byte("\nMIGRATION_MODULES = {\"orders\": \"orders.db_migrations\", \"accounts\": None}\n")...), 0o644)
	_, out, _ = run(t, "--project", dir, "-v", "check")
	if !strings.Contains(out, `MIGRATION_MODULES maps "accounts" to None`) || !strings.Contains(out, "in 2 apps") {
		t.Errorf("accounts mapped to None:\n%s", out)
	}
}

// TestFreshAppIsSkipped: an app fresh from startapp (a migrations package
// with only __init__.py) is noted and left out of the whole-project
// squash; it used to refuse with "0 leaf migrations... merge them first".
func TestFreshAppIsSkipped(t *testing.T) {
	dir := example(t)
	for _, f := range []string{"newapp/__init__.py", "newapp/models.py", "newapp/migrations/__init__.py"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	code, out, errOut := run(t, "--project", dir, "squash", "--dry-run")
	if code != ExitOK || !strings.Contains(errOut, "newapp: no migrations yet, nothing to squash") || !strings.Contains(out, "catalog:") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := run(t, "--project", dir, "check"); code != ExitOK {
		t.Errorf("check: exit %d", code)
	}
}

// TestNoTerminalNoWrite: squash, prune and optimize without --yes never
// write when stdin or stdout is not a terminal (djsquash squash | less
// used to write the files); they exit 2 and say how to go on.
func TestNoTerminalNoWrite(t *testing.T) {
	dir := example(t)
	squashProject(t, dir, "accounts") // so that prune has a squash to prune
	opt := filepath.Join(t.TempDir(), "optimize")
	if err := djangotest.CopyTree("testdata/cases/optimize/project", opt); err != nil {
		t.Fatal(err)
	}
	before, beforeOpt := migrationFiles(t, dir), migrationFiles(t, opt)
	for _, args := range [][]string{
		{"--project", dir, "squash"}, {"--project", dir, "squash", "catalog"}, {"--project", dir, "prune", "--force"},
		{"--project", opt, "optimize", "shop", "0002"},
	} {
		code, _, errOut := run(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, "pass --yes") {
			t.Errorf("%v without a terminal: exit %d, %s", args, code, errOut)
		}
	}
	if d := cmp.Diff(before, migrationFiles(t, dir)); d != "" {
		t.Errorf("files changed:\n%s", d)
	}
	if d := cmp.Diff(beforeOpt, migrationFiles(t, opt)); d != "" {
		t.Errorf("files changed:\n%s", d)
	}
}

// TestUnnamedDatabasesGetNames: the README's recipe passes two URLs
// without names; each is named by where it is (it used to exit 2 with
// 'database name "default" given twice').
func TestUnnamedDatabasesGetNames(t *testing.T) {
	dir := golden.WriteTree(t, map[string]string{
		"shop/models.py":                  "",
		"shop/migrations/__init__.py":     "",
		"shop/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n",
	})
	code, out, errOut := run(t, "--project", dir, "status", "--database", "sqlite:///staging.db", "--database", "sqlite:///prod.db")
	if strings.Contains(errOut, "given twice") || !strings.Contains(out+errOut, "staging.db") || !strings.Contains(out+errOut, "prod.db") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

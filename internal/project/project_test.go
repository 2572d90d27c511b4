package project

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tree writes files (path → content) under a temp dir.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestDiscover(t *testing.T) {
	root := tree(t, map[string]string{
		"shop/catalog/migrations/__init__.py":           "",
		"shop/catalog/migrations/0001_initial.py":       "",
		"shop/catalog/migrations/0002_book.py":          "",
		"shop/catalog/migrations/_helpers.py":           "",
		"shop/catalog/migrations/~0003_backup.py":       "",
		"shop/catalog/migrations/README.md":             "",
		"shop/catalog/migrations/sub/__init__.py":       "",
		"orders/migrations/__init__.py":                 "",
		"orders/migrations/0001_initial.py":             "",
		"notapp/migrations/0001_initial.py":             "", // no __init__.py: not a package
		".venv/lib/x/migrations/__init__.py":            "",
		"myenv/pyvenv.cfg":                              "",
		"myenv/lib/y/migrations/__init__.py":            "",
		"node_modules/z/migrations/__init__.py":         "",
		"tests/fixtures/app/migrations/__init__.py":     "",
		"tests/fixtures/app/migrations/0001_initial.py": "",
		"legacy/migs/__init__.py":                       "",
		"legacy/migs/0001_initial.py":                   "",
		"shop/catalog/models.py":                        "",
		"orders/apps.py":                                "",
		"tests/fixtures/app/models.py":                  "",
		// A package named migrations that is no app's: helpers only.
		"lib/blocks/migrations/__init__.py":   "",
		"lib/blocks/migrations/operations.py": "def rename(): pass\n",
		// No models.py, but its files are migrations.
		"dataonly/migrations/__init__.py":  "",
		"dataonly/migrations/0001_seed.py": "class Migration:\n    pass\n",
	})
	cfg := &Config{Exclude: []string{"tests/**"}, Apps: map[string]string{"legacy": "legacy/migs"}}
	p, err := Discover(root, cfg)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Label, Module, From string
		Files               []string
	}
	var gs []got
	for _, a := range p.Apps {
		g := got{a.Label, a.Module, a.LabelFrom, nil}
		for _, f := range a.Files {
			g.Files = append(g.Files, filepath.Base(f))
		}
		gs = append(gs, g)
	}
	want := []got{
		{"catalog", "shop.catalog.migrations", "directory", []string{"0001_initial.py", "0002_book.py"}},
		{"dataonly", "dataonly.migrations", "directory", []string{"0001_seed.py"}},
		{"legacy", "legacy.migs", "pyproject.toml", []string{"0001_initial.py"}},
		{"orders", "orders.migrations", "directory", []string{"0001_initial.py"}},
	}
	if d := cmp.Diff(want, gs); d != "" {
		t.Errorf("apps (-want +got):\n%s", d)
	}
	if len(p.Diagnostics) != 0 {
		t.Errorf("unexpected diagnostics: %v", p.Diagnostics)
	}
}

func TestDuplicateLabel(t *testing.T) {
	root := tree(t, map[string]string{
		"a/core/migrations/__init__.py": "",
		"b/core/migrations/__init__.py": "",
		"a/core/models.py":              "",
		"b/core/models.py":              "",
	})
	p, err := Discover(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != CodeDuplicateLabel ||
		!strings.Contains(p.Diagnostics[0].Message, "a.core.migrations and b.core.migrations") {
		t.Errorf("diagnostics: %v", p.Diagnostics)
	}
}

func TestLoadConfig(t *testing.T) {
	root := tree(t, map[string]string{"pyproject.toml": `
[project]
name = "x"

[tool.djsquash]
exclude = ["tests/**"]
apps = { legacy = "legacy/migs" }

[tool.djsquash.databases]
production = "env:DATABASE_URL"
`})
	cfg, err := LoadConfig(root)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{Exclude: []string{"tests/**"}, Apps: map[string]string{"legacy": "legacy/migs"},
		Databases: map[string]string{"production": "env:DATABASE_URL"}}
	if d := cmp.Diff(want, cfg); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for content, wantErr := range map[string]string{
		"[tool.djsquash]\nexclud = []\n": "unknown setting [tool.djsquash] exclud",
		"[tool.djsquash\n":               "to end table name",
	} {
		root := tree(t, map[string]string{"pyproject.toml": content})
		if _, err := LoadConfig(root); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%q: got %v, want error containing %q", content, err, wantErr)
		}
	}
	if cfg, err := LoadConfig(t.TempDir()); err != nil || cfg == nil {
		t.Errorf("missing pyproject.toml: %v %v", cfg, err)
	}
}

func TestExcluded(t *testing.T) {
	for _, c := range []struct {
		pats []string
		rel  string
		want bool
	}{
		{[]string{"tests/**"}, "tests", true},
		{[]string{"tests/**"}, "tests/a/b", true},
		{[]string{"**/fixtures"}, "x/y/fixtures", true},
		{[]string{"**/fixtures"}, "x/fixtures/y", false},
		{[]string{"legacy_*"}, "legacy_app", true},
		{[]string{"legacy_*"}, "src/legacy_app", false},
	} {
		if got := excluded(c.pats, c.rel); got != c.want {
			t.Errorf("excluded(%v, %q) = %v, want %v", c.pats, c.rel, got, c.want)
		}
	}
}

// TestDuplicateLabelChosen: a test or sandbox copy of an app that reuses
// its label (issue 16, item 4). INSTALLED_APPS decides when the settings
// are readable and name one copy (DJ007, a note); otherwise the one copy
// outside test-like directories is chosen with a warning that says why
// (DJ008); two real copies stay the DJ001 error.
func TestDuplicateLabelChosen(t *testing.T) {
	app := func(dir string) map[string]string {
		return map[string]string{dir + "/models.py": "", dir + "/migrations/__init__.py": "",
			dir + "/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n"}
	}
	manage := `import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
`
	cases := []struct {
		name  string
		files []map[string]string
		code  string // the one diagnostic about the label
		kept  string // the module of the app kept
	}{
		{"INSTALLED_APPS names one", []map[string]string{app("shop"), app("tests/shop"), {"manage.py": manage, "proj/__init__.py": "", "proj/settings.py": `INSTALLED_APPS = ["shop"]`}}, CodeLabelChosen, "shop.migrations"},
		{"INSTALLED_APPS names the test copy", []map[string]string{app("shop"), app("tests/shop"), {"manage.py": manage, "proj/__init__.py": "", "proj/settings.py": `INSTALLED_APPS = ["tests.shop"]`}}, CodeLabelChosen, "tests.shop.migrations"},
		{"no settings, a tests copy", []map[string]string{app("shop"), app("tests/shop")}, CodeLabelGuessed, "shop.migrations"},
		{"settings name neither, a sandbox copy", []map[string]string{app("src/shop"), app("sandbox/shop"), {"manage.py": manage, "proj/__init__.py": "", "proj/settings.py": `INSTALLED_APPS = ["other"]`}}, CodeLabelGuessed, "src.shop.migrations"},
		{"no settings, two real copies", []map[string]string{app("a/shop"), app("b/shop")}, CodeDuplicateLabel, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{}
			for _, f := range c.files {
				maps.Copy(files, f)
			}
			l, err := Load(tree(t, files))
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, d := range l.Diagnostics {
				if strings.HasPrefix(d.Code, "DJ00") {
					codes = append(codes, d.Code+": "+d.Message)
				}
			}
			if len(codes) != 1 || !strings.HasPrefix(codes[0], c.code) {
				t.Fatalf("diagnostics %q, want one %s", codes, c.code)
			}
			var mods []string
			for _, a := range l.Apps {
				mods = append(mods, a.Module)
			}
			if c.kept != "" && (len(mods) != 1 || mods[0] != c.kept || !strings.Contains(codes[0], "using "+c.kept)) {
				t.Errorf("apps %q, want only %s (%s)", mods, c.kept, codes[0])
			}
		})
	}
}

package project

import (
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

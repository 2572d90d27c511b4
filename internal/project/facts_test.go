package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFactsReplaceTheStaticReading: the running settings' labels,
// MIGRATION_MODULES and swappable settings win over what the settings
// modules say statically.
func TestFactsReplaceTheStaticReading(t *testing.T) {
	root, _ := filepath.Abs("../../examples/bookshop")
	mod := func(s string) *string { return &s }
	facts := &Facts{
		Format: FactsFormat,
		Apps: []FactApp{
			{Label: "accounts", Name: "accounts", MigrationsModule: mod("accounts.migrations"), MigrationsDir: filepath.Join(root, "accounts", "migrations")},
			// A label no file in the project says: only Django knew it.
			{Label: "shop", Name: "catalog", MigrationsModule: mod("catalog.migrations"), MigrationsDir: filepath.Join(root, "catalog", "migrations")},
			// MIGRATION_MODULES = {"orders": None}
			{Label: "orders", Name: "orders", MigrationsModule: nil},
			{Label: "auth", Name: "django.contrib.auth", MigrationsModule: mod("django.contrib.auth.migrations"), MigrationsDir: "/nonexistent/django/contrib/auth/migrations"},
		},
		Settings: map[string]string{"AUTH_USER_MODEL": "accounts.Customer"},
	}
	l, err := LoadWith(root, facts)
	if err != nil {
		t.Fatal(err)
	}
	labels := l.AppLabels()
	if !labels["shop"] || labels["catalog"] || labels["orders"] || !labels["accounts"] {
		t.Errorf("app labels with facts: %v, want accounts and shop (orders mapped to None)", labels)
	}
	if v, _ := l.Setting("AUTH_USER_MODEL"); v != "accounts.Customer" {
		t.Errorf("AUTH_USER_MODEL = %q, want the running settings' accounts.Customer", v)
	}
	if !l.Installed.Complete || !l.Installed.Labels["auth"] || l.Installed.Labels["catalog"] {
		t.Errorf("Installed from facts: %+v", l.Installed)
	}
	plain, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if got := plain.AppLabels(); !got["catalog"] || !got["orders"] {
		t.Errorf("without facts the labels are the static reading's: %v", got)
	}
}

func TestReadFacts(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if f, err := ReadFacts(getenv); f != nil || err != nil {
		t.Errorf("no facts: %v, %v", f, err)
	}
	env[FactsJSONVar] = `{"format": 1, "django_version": "5.2.8", "databases": {"default": "sqlite:///db.sqlite3"}}`
	if f, err := ReadFacts(getenv); err != nil || f.DjangoVersion != "5.2.8" || f.Databases["default"] != "sqlite:///db.sqlite3" {
		t.Errorf("facts from %s: %+v, %v", FactsJSONVar, f, err)
	}
	env[FactsJSONVar] = `{"format": 2}`
	if _, err := ReadFacts(getenv); err == nil || !strings.Contains(err.Error(), "one version") {
		t.Errorf("a newer app's format: %v", err)
	}
	env[FactsFDVar] = "x"
	if _, err := ReadFacts(getenv); err == nil {
		t.Error("a bad descriptor is not an error")
	}
}

// TestDiscoveryDiagnosticsAreRelative: DJ001 (two packages claim a
// label) names the package relative to the project, as every other
// diagnostic does.
func TestDiscoveryDiagnosticsAreRelative(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"one/shop", "two/shop"} {
		mig := filepath.Join(root, d, "migrations")
		if err := os.MkdirAll(mig, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{filepath.Join(root, d, "__init__.py"), filepath.Join(root, d, "models.py"), filepath.Join(mig, "__init__.py")} {
			os.WriteFile(f, nil, 0o644)
		}
		os.WriteFile(filepath.Join(mig, "0001_initial.py"), []byte("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n"), 0o644)
	}
	l, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range l.Diagnostics {
		if d.Code == CodeDuplicateLabel {
			found = true
			if filepath.IsAbs(d.File) || d.File != filepath.Join("two", "shop", "migrations") {
				t.Errorf("DJ001 names %q, want two/shop/migrations", d.File)
			}
		}
	}
	if !found {
		t.Errorf("no DJ001: %v", l.Diagnostics)
	}
}

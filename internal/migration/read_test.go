package migration

import (
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/google/go-cmp/cmp"
)

func read(t *testing.T, src string, settings Settings) (*Migration, []string) {
	t.Helper()
	m, ds := Read(Key{App: "shop", Name: "0002_x"}, "shop/migrations/0002_x.py", []byte(src), settings)
	lines := diag.NewLines([]byte(src))
	var out []string
	for _, d := range ds {
		lines.Locate(&d)
		out = append(out, d.String())
	}
	return m, out
}

func deps(m *Migration) []string {
	var out []string
	for _, d := range m.Dependencies {
		s := d.Key.String()
		if d.Setting != "" {
			s += " (" + d.Setting + ")"
		}
		out = append(out, s)
	}
	return out
}

func TestReadAttributes(t *testing.T) {
	m, ds := read(t, `from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    replaces = [("shop", "0001_a"), ("shop", "0002_b")]
    initial = True
    atomic = False
    dependencies = [
        ("blog", "0003_c"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ] + [("tags", "__first__")]
    run_before = (("other", "0001_initial"),)
    operations = []
`, func(n string) (string, bool) {
		return map[string]string{"AUTH_USER_MODEL": "accounts.User"}[n], n == "AUTH_USER_MODEL"
	})
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	if !m.Initial || m.Atomic || len(m.Replaces) != 2 || len(m.RunBefore) != 1 || m.RunBefore[0].Key.App != "other" {
		t.Errorf("attributes: %+v", m)
	}
	if d := cmp.Diff([]string{"blog.0003_c", "accounts.__first__ (AUTH_USER_MODEL)", "tags.__first__"}, deps(m)); d != "" {
		t.Errorf("dependencies (-want +got):\n%s", d)
	}
}

func TestReadProblems(t *testing.T) {
	for _, c := range []struct {
		src, want string
		opaque    bool
	}{
		{"x = 1\n", "shop/migrations/0002_x.py:1:1: error: Migration 0002_x in app shop has no Migration class [DJ201]", false},
		{"class Migration:\n    dependencies = base_deps()\n", "shop/migrations/0002_x.py:2:20: error: dependencies is computed (a call); djsquash reads only literal lists [DJ202]", true},
		{"class Migration:\n    dependencies = ([(\"a\", \"1\")] if SITES else []) + []\n",
			"shop/migrations/0002_x.py:2:21: warning: dependencies depends on a condition (SITES); djsquash assumes both branches [DJ205]", true},
		{"class Migration:\n    dependencies = [migrations.swappable_dependency(settings.PAGE_MODEL)]\n",
			"shop/migrations/0002_x.py:2:21: warning: swappable_dependency(settings.PAGE_MODEL): the value of PAGE_MODEL is unknown; this dependency is left out [DJ204]", true},
		{"class Migration:\n    dependencies = [(\"a\",)]\n", "shop/migrations/0002_x.py:2:21: error: dependencies entry (\"a\",) is not an (app_label, migration_name) pair [DJ203]", false},
		{"class Migration:\n    initial = INITIAL\n", "shop/migrations/0002_x.py:2:15: error: initial = INITIAL is not a literal True/False [DJ202]", false},
	} {
		m, ds := read(t, c.src, nil)
		if len(ds) != 1 || ds[0] != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.src, ds, c.want)
		}
		if (len(m.Opaque) > 0) != c.opaque {
			t.Errorf("%q: opaque = %v, want %v", c.src, m.Opaque, c.opaque)
		}
	}
	_, ds := read(t, "class Migration(\n", nil)
	if len(ds) == 0 || !strings.Contains(ds[0], "PY001") {
		t.Errorf("syntax error not reported: %v", ds)
	}
}

// TestAppSettingsSwappable: swappable_dependency through an app's own
// settings object (oauth2_settings.REFRESH_TOKEN_MODEL) is resolved from a
// dotted [tool.djsquash.settings] name and keeps how it was written and
// imported; unknown, it is the DJ204 warning of settings.X (the migration
// a barrier), not an error that stops the app.
func TestAppSettingsSwappable(t *testing.T) {
	src := []byte(`from django.db import migrations
from oauth2_provider.settings import oauth2_settings as o2


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(o2.REFRESH_TOKEN_MODEL),
        ("oauth2_provider", "0001_initial"),
    ]
    operations = []
`)
	known := func(name string) (string, bool) {
		if name == "o2.REFRESH_TOKEN_MODEL" {
			return "tokens.RefreshToken", true
		}
		return DefaultSettings(name)
	}
	mig, diags := Read(Key{App: "oauth2_provider", Name: "0002_x"}, "0002_x.py", src, known)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	d := mig.Dependencies[0]
	if d.Key != (Key{App: "tokens", Name: First}) || d.Setting != "o2.REFRESH_TOKEN_MODEL" || d.SettingExpr == nil || python.FlatText(d.SettingExpr) != "o2.REFRESH_TOKEN_MODEL" {
		t.Errorf("dependency %+v", d)
	}
	mig, diags = Read(Key{App: "oauth2_provider", Name: "0002_x"}, "0002_x.py", src, nil)
	if len(diags) != 1 || diags[0].Code != CodeUnknownSetting || diags[0].Severity != diag.Warning ||
		!strings.Contains(diags[0].Hint, `"o2.REFRESH_TOKEN_MODEL" = "app.Model"`) || len(mig.Opaque) != 1 {
		t.Errorf("unknown: %+v, opaque %v", diags, mig.Opaque)
	}
}

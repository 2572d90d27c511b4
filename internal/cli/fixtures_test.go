package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/google/go-cmp/cmp"
)

// fmig is a migration of a fixture project: only the graph's attributes.
type fmig struct {
	app, name string
	deps      []string // "app.name", or "swappable" for AUTH_USER_MODEL
	replaces  []string
	runBefore []string
	user      bool // creates the custom user model
}

// writeFixture writes a minimal Django project holding the migrations.
func writeFixture(t *testing.T, migs []fmig, authUserModel string) string {
	t.Helper()
	dir := t.TempDir()
	apps := map[string]bool{}
	write := func(path, content string) {
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pair := func(s string) string {
		a, n, _ := strings.Cut(s, ".")
		return fmt.Sprintf("(%q, %q)", a, n)
	}
	for _, m := range migs {
		apps[m.app] = true
		var b strings.Builder
		b.WriteString("from django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n")
		list := func(attr string, items []string) {
			if len(items) == 0 && attr != "dependencies" {
				return
			}
			fmt.Fprintf(&b, "    %s = [\n", attr)
			for _, it := range items {
				if it == "swappable" {
					b.WriteString("        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n")
				} else {
					fmt.Fprintf(&b, "        %s,\n", pair(it))
				}
			}
			b.WriteString("    ]\n")
		}
		list("replaces", m.replaces)
		list("dependencies", m.deps)
		list("run_before", m.runBefore)
		if m.user {
			b.WriteString(`    operations = [
        migrations.CreateModel(
            name="User",
            fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("password", models.CharField(max_length=128)),
                ("username", models.CharField(max_length=150, unique=True)),
                ("last_login", models.DateTimeField(blank=True, null=True)),
            ],
            options={"abstract": False},
        ),
    ]
`)
		} else {
			b.WriteString("    operations = []\n")
		}
		write(filepath.Join(m.app, "migrations", m.name+".py"), b.String())
	}
	var installed []string
	for a := range apps {
		write(filepath.Join(a, "__init__.py"), "")
		write(filepath.Join(a, "migrations", "__init__.py"), "")
		installed = append(installed, fmt.Sprintf("%q", a))
	}
	sort.Strings(installed)
	settings := "SECRET_KEY = \"x\"\nUSE_TZ = True\nDEFAULT_AUTO_FIELD = \"django.db.models.AutoField\"\n" +
		"INSTALLED_APPS = [\"django.contrib.contenttypes\", \"django.contrib.auth\", " + strings.Join(installed, ", ") + "]\n"
	if authUserModel != "" {
		settings += fmt.Sprintf("AUTH_USER_MODEL = %q\n", authUserModel)
		write("users/models.py", "from django.contrib.auth.base_user import AbstractBaseUser\nfrom django.db import models\n\n\n"+
			"class User(AbstractBaseUser):\n    username = models.CharField(max_length=150, unique=True)\n    USERNAME_FIELD = \"username\"\n")
	}
	write("proj/__init__.py", "")
	write("proj/settings.py", settings)
	write("manage.py", "import os, sys\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n"+
		"from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n")
	return dir
}

func chain(app string, names ...string) []fmig {
	var out []fmig
	for i, n := range names {
		m := fmig{app: app, name: n}
		if i > 0 {
			m.deps = []string{app + "." + names[i-1]}
		}
		out = append(out, m)
	}
	return out
}

func TestFixturesMatchDjango(t *testing.T) {
	squash := fmig{app: "shop", name: "0001_squashed_0003", replaces: []string{"shop.0001_a", "shop.0002_b", "shop.0003_c"}}
	after := fmig{app: "shop", name: "0004_d", deps: []string{"shop.0003_c"}}
	cases := []struct {
		name   string
		migs   []fmig
		user   string
		broken bool // Django must refuse it, and check must report an error
		// flaky: Django refuses it only for some hash seeds (set order)
		flaky bool
	}{
		{name: "squash with originals", migs: append(chain("shop", "0001_a", "0002_b", "0003_c"), squash, after)},
		{name: "squash, originals deleted", migs: []fmig{squash, after}},
		{name: "nested squash", broken: true, flaky: true, migs: append(chain("shop", "0001_a", "0002_b", "0003_c"), squash, after,
			fmig{app: "shop", name: "0001_squashed_0004", replaces: []string{"shop.0001_squashed_0003", "shop.0004_d"}})},
		{name: "run_before", migs: append(chain("shop", "0001_a", "0002_b"),
			fmig{app: "blog", name: "0001_a", runBefore: []string{"shop.0002_b"}})},
		{name: "first", migs: append(chain("shop", "0001_a", "0002_b"),
			fmig{app: "blog", name: "0001_a", deps: []string{"shop.__first__"}})},
		{name: "swappable user", user: "users.User", migs: []fmig{
			{app: "users", name: "0001_initial", user: true},
			{app: "shop", name: "0001_a", deps: []string{"swappable"}}}},
		{name: "conflicting leaves", broken: true, migs: append(chain("shop", "0001_a", "0002_b"),
			fmig{app: "shop", name: "0002_c", deps: []string{"shop.0001_a"}})},
		{name: "missing node", broken: true, migs: append(chain("shop", "0001_a"),
			fmig{app: "blog", name: "0001_a", deps: []string{"shop.0002_gone"}})},
		{name: "cycle", broken: true, migs: []fmig{
			{app: "shop", name: "0001_a", deps: []string{"blog.0001_a"}},
			{app: "blog", name: "0001_a", deps: []string{"shop.0001_a"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFixture(t, c.migs, c.user)
			code, out, _ := run(t, "--project", dir, "check")
			if c.broken != (code == ExitProblems) {
				t.Errorf("check: exit %d, want broken=%v\n%s", code, c.broken, out)
			}
			apps := map[string]bool{}
			for _, m := range c.migs {
				apps[m.app] = true
			}
			for _, v := range []djangotest.Version{"3.2", "5.2", "6.1"} {
				p := djangotest.NewProject(t, dir, v, djangotest.SQLite)
				if c.flaky && v.Major() >= 6 {
					// Django 6.0's loader resolves squashes of squashes:
					// what DJ109 warns of before it loads on every seed.
					for seed := 0; seed < 16; seed++ {
						p.Env = []string{fmt.Sprintf("PYTHONHASHSEED=%d", seed)}
						if _, err := p.Manage("migrate", "--plan"); err != nil {
							t.Errorf("Django %s failed to load the nested squash with hash seed %d: %v", v, seed, err)
							break
						}
					}
					continue
				}
				if c.flaky {
					failed := false
					for seed := 0; seed < 16 && !failed; seed++ {
						p.Env = []string{fmt.Sprintf("PYTHONHASHSEED=%d", seed)}
						_, err := p.Manage("migrate", "--plan")
						failed = err != nil && strings.Contains(err.Error(), "Unable to find replacement node")
					}
					if !failed {
						t.Errorf("Django %s loaded the nested squash with 16 hash seeds; the hazard check may be wrong", v)
					}
					continue
				}
				_, err := p.Manage("migrate", "--plan")
				if c.broken != (err != nil) {
					t.Errorf("Django %s migrate --plan: err=%v, want broken=%v", v, err, c.broken)
				}
				if c.broken {
					continue
				}
				got := djangoPlan(p.ShowMigrations(true), apps)
				if d := cmp.Diff(got, ourPlan(t, dir)); d != "" {
					t.Errorf("Django %s: plans differ (-django +djsquash):\n%s", v, d)
				}
			}
		})
	}
}

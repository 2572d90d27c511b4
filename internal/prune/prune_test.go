package prune

import (
	"github.com/djsquash/djsquash/internal/changeset"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/djsquash/djsquash/internal/golden"
	"github.com/djsquash/djsquash/internal/graph"
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
)

func load(t *testing.T, files map[string]string) (*project.Loaded, *graph.Graph) {
	t.Helper()
	l, err := project.Load(golden.WriteTree(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return l, graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
}

const create = `migrations.CreateModel(name="Item", fields=[("id", models.AutoField(primary_key=True))])`
const add = `migrations.AddField(model_name="item", name="name", field=models.CharField(max_length=10, default=""))`

func fixture() map[string]string {
	return map[string]string{
		"shop/__init__.py":            "",
		"shop/migrations/__init__.py": "",
		"shop/migrations/0001_initial.py": `from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [` + create + `]
`,
		"shop/migrations/0002_name.py": `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [` + add + `]
`,
		"shop/migrations/0001_squashed_0002_name.py": `from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("shop", "0001_initial"),
        ("shop", "0002_name"),
    ]

    initial = True

    dependencies = []

    operations = [` + create + `, ` + add + `]
`,
		"shop/migrations/0003_more.py": `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0002_name"),  # the last of the originals
    ]

    operations = []
`,
		"blog/__init__.py":            "",
		"blog/migrations/__init__.py": "",
		"blog/migrations/0001_initial.py": `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial"), ("shop", "0001_squashed_0002_name")]

    operations = []
`,
	}
}

// TestPrune: the replaced files go, the squash loses its replaces (and
// the blank line after it), dependencies on replaced migrations name the
// squash (a duplicate entry is removed), every other byte stays.
func TestPrune(t *testing.T) {
	l, g := load(t, fixture())
	plan := Build(l, g, []m.Key{{App: "shop", Name: "0001_squashed_0002_name"}})
	if len(plan.Problems) > 0 {
		t.Fatalf("problems: %+v", plan.Problems)
	}
	if d := cmp.Diff([]string{"shop/migrations/0001_initial.py", "shop/migrations/0002_name.py"}, plan.Changes.Paths(changeset.Delete)); d != "" {
		t.Errorf("deleted (-want +got):\n%s", d)
	}
	got := map[string]string{}
	for _, f := range edited(plan) {
		got[f.Path] = string(f.New)
	}
	want := map[string]string{
		"shop/migrations/0001_squashed_0002_name.py": `from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [` + create + `, ` + add + `]
`,
		"shop/migrations/0003_more.py": `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_squashed_0002_name"),  # the last of the originals
    ]

    operations = []
`,
		"blog/migrations/0001_initial.py": `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_squashed_0002_name")]

    operations = []
`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("edited files (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]Pruned{{Key: m.Key{App: "shop", Name: "0001_squashed_0002_name"}, Deleted: []string{"0001_initial", "0002_name"},
		Rewired: []string{"blog.0001_initial", "shop.0003_more"}}}, plan.Pruned); d != "" {
		t.Errorf("pruned (-want +got):\n%s", d)
	}
}

// TestPruneRefuses: a migration that is not a squash, and a squash of a
// squash.
func TestPruneRefuses(t *testing.T) {
	files := fixture()
	files["shop/migrations/0001_squashed_0003_more.py"] = `from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("shop", "0001_squashed_0002_name"), ("shop", "0003_more")]

    dependencies = []

    operations = [` + create + `, ` + add + `]
`
	l, g := load(t, files)
	for key, code := range map[m.Key]string{
		{App: "shop", Name: "0003_more"}:               CodeNotSquash,
		{App: "shop", Name: "0001_squashed_0003_more"}: CodeNested,
	} {
		plan := Build(l, g, []m.Key{key})
		if len(plan.Problems) != 1 || plan.Problems[0].Code != code || !plan.Changes.Empty() {
			t.Errorf("%s: want one %s and nothing to do, got %+v", key, code, plan)
		}
	}
}

// TestPruneKeepsImportedCode: a squash that imports code from an original
// (what squash writes when it cannot copy a function) stops prune.
func TestPruneKeepsImportedCode(t *testing.T) {
	files := fixture()
	files["shop/migrations/0001_squashed_0002_name.py"] = `import importlib

from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("shop", "0001_initial"),
        ("shop", "0002_name"),
    ]

    dependencies = []

    operations = [
        ` + create + `,
        ` + add + `,
        migrations.RunPython(importlib.import_module("shop.migrations.0002_name").forwards),
    ]
`
	l, g := load(t, files)
	plan := Build(l, g, []m.Key{{App: "shop", Name: "0001_squashed_0002_name"}})
	if len(plan.Problems) != 1 || plan.Problems[0].Code != CodeImported || !plan.Changes.Empty() {
		t.Errorf("want one %s and nothing to do, got %+v", CodeImported, plan)
	}
}

// TestPruneKeepsComputedLists: a migration that names a replaced one and
// computes its operations list (django-allauth's account.0003) is rewired;
// what the reader notes about it stays as it was.
func TestPruneKeepsComputedLists(t *testing.T) {
	files := fixture()
	files["shop/migrations/0003_more.py"] = `from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0002_name"),
    ]

    operations = [] if getattr(settings, "FLAG", True) else []
`
	l, g := load(t, files)
	plan := Build(l, g, []m.Key{{App: "shop", Name: "0001_squashed_0002_name"}})
	if len(plan.Problems) > 0 {
		t.Fatalf("problems: %+v", plan.Problems)
	}
	for _, f := range edited(plan) {
		if f.Path == "shop/migrations/0003_more.py" && !strings.Contains(string(f.New), `("shop", "0001_squashed_0002_name"),`) {
			t.Errorf("0003 not rewired:\n%s", f.New)
		}
	}
}

// TestRewireLayouts: dependency lists written in the layouts found in the
// wild (one line, one entry per line, comments, trailing comma or not,
// a tuple of tuples, single quotes, a swappable dependency) are rewired in place: the
// file reads back with the squash where the replaced migration was (once),
// and every other entry as it was.
func TestRewireLayouts(t *testing.T) {
	layouts := []string{
		`[("shop", "0002_name")]`,
		`[("shop", "0002_name"),]`,
		`[("shop", "0001_initial"), ("shop", "0002_name")]`,
		`[("shop", "0002_name"), ("shop", "0001_initial")]`,
		`[("shop", "0002_name"), ("shop", "0001_squashed_0002_name")]`,
		`[("shop", "0001_squashed_0002_name"), ("shop", "0002_name")]`,
		"[\n        (\"shop\", \"0002_name\"),\n        (\"shop\", \"0001_initial\"),\n    ]",
		"[\n        (\"shop\", \"0001_squashed_0002_name\"),\n        (\"shop\", \"0002_name\"),  # why\n    ]",
		"[\n        (\"shop\", \"0002_name\"),\n        (\"shop\", \"0001_squashed_0002_name\")\n    ]",
		"[\n        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n        ('shop', '0002_name'),\n    ]",
		`(("shop", "0001_initial"), ("shop", "0002_name"),)`,
	}
	for _, deps := range layouts {
		files := fixture()
		files["blog/migrations/0001_initial.py"] = "from django.conf import settings\nfrom django.db import migrations\n\n\nclass Migration(migrations.Migration):\n" +
			"    dependencies = " + deps + "\n\n    operations = []\n"
		l, g := load(t, files)
		plan := Build(l, g, []m.Key{{App: "shop", Name: "0001_squashed_0002_name"}})
		if len(plan.Problems) > 0 {
			t.Errorf("%s: problems %+v", deps, plan.Problems)
			continue
		}
		var src []byte
		for _, f := range edited(plan) {
			if f.Path == "blog/migrations/0001_initial.py" {
				src = f.New
			}
		}
		back, ds := m.Read(m.Key{App: "blog", Name: "0001_initial"}, "x.py", src, nil)
		if len(ds) > 0 || back == nil {
			t.Errorf("%s: edited file:\n%s\n%v", deps, src, ds)
			continue
		}
		var got []string
		for _, d := range back.Dependencies {
			got = append(got, d.Key.String())
		}
		// What the list must say: the replaced entries become the squash,
		// once, where the first of them (or the squash) stood.
		orig, _ := m.Read(m.Key{App: "blog", Name: "0001_initial"}, "x.py", []byte(files["blog/migrations/0001_initial.py"]), nil)
		var want []string
		seen := map[string]bool{}
		for _, d := range orig.Dependencies {
			k := d.Key.String()
			if k == "shop.0001_initial" || k == "shop.0002_name" {
				k = "shop.0001_squashed_0002_name"
			}
			if !seen[k] {
				seen[k] = true
				want = append(want, k)
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: dependencies (-want +got):\n%s\n%s", deps, d, src)
		}
	}
}

// TestPruneKeepsRunBefore: a replaced migration with run_before the squash
// lacks would lose that ordering once deleted: refused; with the squash
// carrying it (as djsquash squash writes it), allowed.
func TestPruneKeepsRunBefore(t *testing.T) {
	files := fixture()
	files["shop/migrations/0002_name.py"] = strings.Replace(files["shop/migrations/0002_name.py"],
		"    operations", "    run_before = [(\"blog\", \"0001_initial\")]\n\n    operations", 1)
	l, g := load(t, files)
	plan := Build(l, g, []m.Key{{App: "shop", Name: "0001_squashed_0002_name"}})
	if len(plan.Problems) != 1 || plan.Problems[0].Code != CodeRunBefore {
		t.Errorf("want one %s, got %+v", CodeRunBefore, plan.Problems)
	}
	files["shop/migrations/0001_squashed_0002_name.py"] = strings.Replace(files["shop/migrations/0001_squashed_0002_name.py"],
		"    initial = True", "    initial = True\n\n    run_before = [(\"blog\", \"0001_initial\")]", 1)
	l, g = load(t, files)
	if plan := Build(l, g, []m.Key{{App: "shop", Name: "0001_squashed_0002_name"}}); len(plan.Problems) > 0 {
		t.Errorf("with the squash's run_before: %+v", plan.Problems)
	}
}

// edited lists the plan's edits.
func edited(plan *Plan) []changeset.Change {
	var out []changeset.Change
	for _, ch := range plan.Changes.Changes {
		if ch.Action == changeset.Edit {
			out = append(out, ch)
		}
	}
	return out
}

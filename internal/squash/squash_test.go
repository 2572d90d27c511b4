package squash

import (
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/golden"
	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/project"
)

// TestComputedOperationsListEndsRange: a migration whose whole operations
// list is computed (django-allauth's account.0003 picks it with a
// conditional) ends the range before it, and the note says so in words.
func TestComputedOperationsListEndsRange(t *testing.T) {
	mig := func(name, deps, ops string) string {
		return "from django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n" +
			"    dependencies = [" + deps + "]\n\n    operations = " + ops + "\n"
	}
	dir := golden.WriteTree(t, map[string]string{
		"shop/__init__.py":            "",
		"shop/migrations/__init__.py": "",
		"shop/migrations/0001_initial.py": mig("0001", "", `[
        migrations.CreateModel(name="Item", fields=[("id", models.AutoField(primary_key=True))]),
    ]`),
		"shop/migrations/0002_name.py": mig("0002", `("shop", "0001_initial")`, `[
        migrations.AddField(model_name="item", name="name", field=models.CharField(max_length=10, default="")),
    ]`),
		"shop/migrations/0003_unique.py": mig("0003", `("shop", "0002_name")`, `(
        [migrations.AlterUniqueTogether(name="item", unique_together={("name",)})]
        if getattr(settings, "UNIQUE_ITEMS", True)
        else []
    )`),
	})
	l, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
	plan := Build(l, g, Options{Ranges: []Range{{App: "shop"}}, Shorten: true})
	if len(plan.Problems) > 0 {
		t.Fatalf("problems: %+v", plan.Problems)
	}
	if len(plan.Squashes) != 1 || len(plan.Squashes[0].Replaces) != 2 {
		t.Fatalf("want one squash of 0001-0002, got %+v", plan.Squashes)
	}
	if len(plan.Skipped) != 1 || !strings.Contains(plan.Skipped[0].Message, "range ends before 0003_unique: its operations cannot be squashed: the operations list is computed") {
		t.Errorf("skipped: %+v", plan.Skipped)
	}
}

// TestNameTaken: a squash named like an existing migration is refused
// (DJ403); another name is not.
func TestNameTaken(t *testing.T) {
	mig := func(deps, ops string) string {
		return "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n" +
			"    dependencies = [" + deps + "]\n\n    operations = [" + ops + "]\n"
	}
	dir := golden.WriteTree(t, map[string]string{
		"shop/__init__.py":                "",
		"shop/migrations/__init__.py":     "",
		"shop/migrations/0001_initial.py": mig("", `migrations.CreateModel(name="Item", fields=[("id", models.AutoField(primary_key=True))])`),
		"shop/migrations/0002_name.py":    mig(`("shop", "0001_initial")`, `migrations.AddField(model_name="item", name="name", field=models.CharField(max_length=10, default=""))`),
	})
	l, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
	for _, name := range []string{"initial", "name"} { // 0001_initial exists; 0001_name does not
		plan := Build(l, g, Options{Ranges: []Range{{App: "shop"}}, SquashedName: name})
		var codes []string
		for _, d := range plan.Problems {
			codes = append(codes, d.Code+" "+d.Message)
		}
		taken := len(codes) == 1 && codes[0] == CodeNameTaken+" migration shop.0001_initial already exists"
		if (name == "initial") != taken {
			t.Errorf("--squashed-name %s: problems %q", name, codes)
		}
	}
}

// TestImpliedDependenciesDropped: a squash does not keep a dependency
// another of its dependencies implies: an app's __first__ beside a
// migration of that app (as Django's own squash of auth keeps
// ("contenttypes", "__first__")), or a project migration the other
// dependency's migration depends on.
func TestImpliedDependenciesDropped(t *testing.T) {
	mig := func(deps string) string {
		return "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n" +
			"    dependencies = [" + deps + "]\n\n    operations = []\n"
	}
	dir := golden.WriteTree(t, map[string]string{
		"base/__init__.py":                "",
		"base/migrations/__init__.py":     "",
		"base/migrations/0001_initial.py": mig(""),
		"base/migrations/0002_more.py":    mig(`("base", "0001_initial")`),
		"shop/__init__.py":                "",
		"shop/migrations/__init__.py":     "",
		"shop/migrations/0001_initial.py": mig(`("contenttypes", "__first__"), ("base", "0001_initial")`),
		"shop/migrations/0002_more.py":    mig(`("shop", "0001_initial"), ("contenttypes", "0002_remove_content_type_name"), ("base", "0002_more")`),
	})
	l, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
	plan := Build(l, g, Options{Ranges: []Range{{App: "shop"}}})
	if len(plan.Problems) > 0 || len(plan.Squashes) != 1 {
		t.Fatalf("problems %+v, squashes %d", plan.Problems, len(plan.Squashes))
	}
	var got []string
	for _, d := range plan.Squashes[0].Dependencies {
		got = append(got, d.Key.String())
	}
	if want := "contenttypes.0002_remove_content_type_name base.0002_more"; strings.Join(got, " ") != want {
		t.Errorf("dependencies %q, want %q", got, want)
	}
}

package squash

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/golden"
	"github.com/djsquash/djsquash/internal/synth"
)

// wholeProject plans the whole-project squash of dir.
func wholeProject(t *testing.T, dir string, regenerate bool) *Plan {
	t.Helper()
	l, g, ranges := loadWhole(t, dir)
	plan := Build(l, g, Options{Ranges: ranges, Shorten: true, Regenerate: regenerate})
	for _, p := range plan.Problems {
		t.Errorf("%s (regenerate %v): %s", dir, regenerate, p)
	}
	return plan
}

// TestRegenerateNeverLonger: on the example and on generated projects
// (several seeds: renames, relations across apps, indexes, data
// migrations), the regenerate strategy plans the same squashes as the
// optimizer, each with no more operations, and fewer in total; every plan
// passes the planner's replay (each operation valid at its point, the end
// state the history's, deferred SQL as the history's).
func TestRegenerateNeverLonger(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	dirs := []string{example}
	for seed := int64(1); seed <= 6; seed++ {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(seed))
		if _, err := synth.Generate(dir, synth.Options{Seed: seed, Apps: 3, Migrations: 150, DataEvery: 8}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	optimized, regenerated := 0, 0
	for _, dir := range dirs {
		opt, reg := wholeProject(t, dir, false), wholeProject(t, dir, true)
		// The same files every time (no map order in what is chosen).
		if again := wholeProject(t, dir, true); len(again.Changes.Changes) != len(reg.Changes.Changes) {
			t.Errorf("%s: %d files, then %d", dir, len(reg.Changes.Changes), len(again.Changes.Changes))
		} else {
			for i, c := range reg.Changes.Changes {
				if a := again.Changes.Changes[i]; a.Path != c.Path || string(a.New) != string(c.New) {
					t.Errorf("%s: %s differs between two plans", dir, c.Path)
				}
			}
		}
		if len(opt.Squashes) != len(reg.Squashes) {
			t.Errorf("%s: %d squashes optimized, %d regenerated", dir, len(opt.Squashes), len(reg.Squashes))
			continue
		}
		for i, o := range opt.Squashes {
			r := reg.Squashes[i]
			if o.App != r.App || o.Name != r.Name {
				t.Errorf("%s: squash %d is %s.%s optimized, %s.%s regenerated", dir, i, o.App, o.Name, r.App, r.Name)
				continue
			}
			if r.Optimized != len(o.Operations) || len(r.Operations) > r.Optimized {
				t.Errorf("%s: %s.%s: the optimizer's %d operations, %d before regenerating, %d after", dir, o.App, o.Name, len(o.Operations), r.Optimized, len(r.Operations))
			}
			optimized += len(o.Operations)
			regenerated += len(r.Operations)
		}
	}
	t.Logf("%d projects: %d operations optimized, %d regenerated", len(dirs), optimized, regenerated)
	if regenerated >= optimized {
		t.Errorf("regenerated %d operations, the optimizer %d: want fewer", regenerated, optimized)
	}
}

// TestRegenerateKeepsDeferredSQLAsTheHistory: regenerating the first run
// would move the index into CreateModel's Meta.indexes, which Django's
// schema editor creates only at the migration's end, so the RemoveIndex
// after the RunPython would miss it and the range would be split; the
// run is kept instead, and the squash stays one.
func TestRegenerateKeepsDeferredSQLAsTheHistory(t *testing.T) {
	mig := func(deps, ops string) string {
		return "import django.db.models.deletion\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n" +
			"    dependencies = [" + deps + "]\n\n    operations = " + ops + "\n"
	}
	dir := golden.WriteTree(t, map[string]string{
		"shop/__init__.py":            "",
		"shop/migrations/__init__.py": "",
		"shop/migrations/0001_initial.py": mig("", `[
        migrations.CreateModel(name="Book", fields=[("id", models.AutoField(primary_key=True)), ("title", models.CharField(max_length=10))]),
        migrations.CreateModel(name="Review", fields=[("id", models.AutoField(primary_key=True)), ("book", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="shop.book"))]),
        migrations.AddIndex(model_name="book", index=models.Index(fields=["title"], name="book_title_idx")),
        migrations.AddField(model_name="book", name="x", field=models.IntegerField(default=0)),
        migrations.AddIndex(model_name="book", index=models.Index(fields=["x"], name="book_x_idx")),
        migrations.AlterField(model_name="book", name="x", field=models.IntegerField(default=1)),
    ]`),
		"shop/migrations/0002_data.py": mig(`("shop", "0001_initial")`, `[
        migrations.RunPython(migrations.RunPython.noop),
    ]`),
		"shop/migrations/0003_drop.py": mig(`("shop", "0002_data")`, `[
        migrations.RemoveIndex(model_name="book", name="book_title_idx"),
    ]`),
	})
	opt, reg := wholeProject(t, dir, false), wholeProject(t, dir, true)
	if len(reg.Squashes) != 1 || len(reg.Splits) != 0 || len(opt.Squashes) != 1 {
		t.Fatalf("%d squashes optimized, %d regenerated (splits %+v)", len(opt.Squashes), len(reg.Squashes), reg.Splits)
	}
	if r := reg.Squashes[0]; len(r.KeptRuns) != 1 || !strings.Contains(r.KeptRuns[0], "not accepted") {
		t.Errorf("kept runs: %q", r.KeptRuns)
	}
}

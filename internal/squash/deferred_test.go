package squash

import (
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/golden"
	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/project"
)

// TestDeferredSQLSplits: an operation that would run, in the squash,
// before an object Django's schema editor defers to the end of the
// migration that creates it (an index, a foreign key, a unique_together,
// a Meta index or constraint) ends the squash before its migration; what
// the editor carries through (renames, removals), what the optimizer
// merges away, and what the history already ran in one migration do not.
// Real Django checks the same interactions on PostgreSQL and MariaDB in
// cli.TestSquashMigrates (the squash_deferred fixture).
func TestDeferredSQLSplits(t *testing.T) {
	const id = `("id", models.AutoField(primary_key=True))`
	book := func(field string, options string) string {
		return `migrations.CreateModel(name="Author", fields=[` + id + `]),
        migrations.CreateModel(name="Book", fields=[` + id + `, ` + field + `], options={` + options + `})`
	}
	const title = `("title", models.CharField(max_length=10, db_index=True, default=""))`
	const author = `("author", models.ForeignKey(on_delete=models.CASCADE, to="shop.author", null=True))`
	const pair = `("a", models.IntegerField(default=0)), ("b", models.IntegerField(default=0))`
	const seed = `migrations.RunPython(forwards, migrations.RunPython.noop)`
	cases := []struct {
		name       string
		first      string // 0001's operations
		middle     string // 0002's ("" : the RunPython)
		last       string // 0003's ("" : no 0003)
		split      bool
		reasonPart string
	}{
		{"index dropped", book(title, ""), "", `migrations.AlterField(model_name="book", name="title", field=models.CharField(max_length=10, default=""))`, true, "AlterField of book.title would run before the index of book.title exists"},
		{"index kept, length changed", book(title, ""), "", `migrations.AlterField(model_name="book", name="title", field=models.CharField(max_length=20, db_index=True, default=""))`, false, ""},
		{"index made unique", book(title, ""), "", `migrations.AlterField(model_name="book", name="title", field=models.CharField(max_length=10, unique=True, default=""))`, true, "index of book.title"},
		{"AddField's index dropped", book(`("n", models.IntegerField(default=0))`, "") + `,
        migrations.AddField(model_name="book", name="code", field=models.IntegerField(db_index=True, default=0))`, "", `migrations.AlterField(model_name="book", name="code", field=models.IntegerField(default=0))`, true, "index of book.code"},
		{"foreign key without constraint", book(author, ""), "", `migrations.AlterField(model_name="book", name="author", field=models.ForeignKey(on_delete=models.CASCADE, to="shop.author", null=True, db_constraint=False))`, true, "foreign key of book.author"},
		{"foreign key retargeted", book(author, "") + `,
        migrations.CreateModel(name="Publisher", fields=[` + id + `])`, "", `migrations.AlterField(model_name="book", name="author", field=models.ForeignKey(on_delete=models.CASCADE, to="shop.publisher", null=True))`, true, "foreign key of book.author"},
		{"foreign key made required", book(author, ""), "", `migrations.AlterField(model_name="book", name="author", field=models.ForeignKey(on_delete=models.CASCADE, to="shop.author"), preserve_default=False)`, false, ""},
		{"unique_together removed", book(pair, `"unique_together": {("a", "b")}`), "", `migrations.AlterUniqueTogether(name="book", unique_together=set())`, true, "AlterUniqueTogether of book would run before the unique_together (a, b) of book exists"},
		{"unique_together kept", book(pair, `"unique_together": {("a", "b")}`), "", `migrations.AlterUniqueTogether(name="book", unique_together={("a", "b"), ("b", "a")})`, false, ""},
		{"Meta index removed", book(title, `"indexes": [models.Index(fields=["title"], name="book_title_idx")]`), "", `migrations.RemoveIndex(model_name="book", name="book_title_idx")`, true, "RemoveIndex of book_title_idx"},
		{"Meta index renamed", book(title, `"indexes": [models.Index(fields=["title"], name="book_title_idx")]`), "", `migrations.RenameIndex(model_name="book", new_name="book_t_idx", old_name="book_title_idx")`, true, "RenameIndex of book_title_idx"},
		{"index_together renamed", book(pair, `"index_together": {("a", "b")}`), "", `migrations.RenameIndex(model_name="book", new_name="book_ab_idx", old_fields=("a", "b"))`, true, "index_together (a, b) of book"},
		{"conditional unique constraint removed", book(pair, `"constraints": [models.UniqueConstraint(fields=["a"], condition=models.Q(b=1), name="one_a")]`), "", `migrations.RemoveConstraint(model_name="book", name="one_a")`, true, "constraint one_a of book"},
		{"inline unique constraint removed", book(pair, `"constraints": [models.UniqueConstraint(fields=["a"], name="one_a")]`), "", `migrations.RemoveConstraint(model_name="book", name="one_a")`, false, ""},
		{"renamed and removed", book(title, "") + `,
        migrations.AddField(model_name="book", name="author", field=models.ForeignKey(on_delete=models.CASCADE, to="shop.author", null=True))`, "", `migrations.RenameField(model_name="book", old_name="title", new_name="name"),
        migrations.RemoveField(model_name="book", name="author"),
        migrations.RenameModel(old_name="Book", new_name="Volume")`, false, ""},
		{"model deleted", book(title, ""), "", `migrations.DeleteModel(name="Book")`, false, ""},
		{"merged by the optimizer", book(title, ""), `migrations.AlterField(model_name="book", name="title", field=models.CharField(max_length=10, default=""))`, "", false, ""},
		{"in one migration in the history too", book(title, "") + ",\n        " + seed + `,
        migrations.AlterField(model_name="book", name="title", field=models.CharField(max_length=10, default=""))`, `migrations.AddField(model_name="author", name="n", field=models.IntegerField(default=0))`, "", false, ""},
		{"after a rename", book(title, ""), "", `migrations.RenameField(model_name="book", old_name="title", new_name="name"),
        migrations.AlterField(model_name="book", name="name", field=models.CharField(max_length=10, default=""))`, true, "index of book.name"},
	}
	mig := func(deps, ops string) string {
		return "from django.db import migrations, models\n\n\ndef forwards(apps, schema_editor):\n    pass\n\n\nclass Migration(migrations.Migration):\n" +
			"    dependencies = [" + deps + "]\n\n    operations = [\n        " + ops + ",\n    ]\n"
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			middle := c.middle
			if middle == "" {
				middle = seed
			}
			files := map[string]string{
				"shop/__init__.py":                "",
				"shop/migrations/__init__.py":     "",
				"shop/migrations/0001_initial.py": mig("", c.first),
				"shop/migrations/0002_middle.py":  mig(`("shop", "0001_initial")`, middle),
			}
			if c.last != "" {
				files["shop/migrations/0003_last.py"] = mig(`("shop", "0002_middle")`, c.last)
			}
			l, err := project.Load(golden.WriteTree(t, files))
			if err != nil {
				t.Fatal(err)
			}
			g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
			plan := Build(l, g, Options{Ranges: []Range{{App: "shop"}}})
			if len(plan.Problems) > 0 {
				t.Fatalf("problems: %+v", plan.Problems)
			}
			var reasons []string
			for _, s := range plan.Splits {
				reasons = append(reasons, s.Reason)
			}
			split := len(plan.Splits) == 1 && plan.Splits[0].After.Name == "0002_middle" && strings.Contains(reasons[0], c.reasonPart) && strings.Contains(reasons[0], "deferred SQL")
			if split != c.split || !c.split && len(plan.Splits) > 0 {
				t.Errorf("want split=%v (%q), got %q", c.split, c.reasonPart, reasons)
			}
		})
	}
}

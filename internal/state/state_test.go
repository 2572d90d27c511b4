package state

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/upgrade"
	"github.com/google/go-cmp/cmp"
)

type dump struct {
	Name        string            `json:"name"`
	Fields      []string          `json:"fields"`
	Relations   map[string]string `json:"relations"`
	Indexes     []string          `json:"indexes"`
	Constraints []string          `json:"constraints"`
	Options     map[string]any    `json:"options"`
	Managers    []string          `json:"managers"`
}

// replayProject replays a project's migrations in Django's plan order.
func replayProject(t *testing.T, dir string) (*Project, map[string]bool) {
	t.Helper()
	l, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
	var plan []*migration.Migration
	for _, k := range g.Plan() {
		if n := g.Node(k); n != nil && n.Migration != nil {
			plan = append(plan, n.Migration)
		}
	}
	p := New(l.Setting)
	if err := p.ReplayPlan(plan); err != nil {
		t.Fatal(err)
	}
	return p, l.AppLabels()
}

func (p *Project) dump(apps map[string]bool) map[string]dump {
	out := map[string]dump{}
	for k, m := range p.Models {
		if !apps[k.App] {
			continue
		}
		d := dump{Name: m.Name, Relations: map[string]string{}, Indexes: append([]string{}, m.Indexes...), Constraints: append([]string{}, m.Constraints...),
			Options: map[string]any{}, Managers: []string{}}
		for k, v := range m.Options {
			if k == "unique_together" || k == "index_together" {
				groups, _ := migration.Together(v)
				if len(groups) == 0 {
					continue
				}
				var gs []any
				for _, g := range groups {
					var x []any
					for _, f := range g {
						x = append(x, f)
					}
					gs = append(gs, x)
				}
				sort.Slice(gs, func(i, j int) bool { return fmt.Sprint(gs[i]) < fmt.Sprint(gs[j]) })
				d.Options[k] = gs
				continue
			}
			d.Options[k] = literal(v)
		}
		if ms, ok := python.Unwrap(m.Managers).(*python.List); ok {
			for _, e := range ms.Elts {
				if t, ok := python.Unwrap(e).(*python.Tuple); ok && len(t.Elts) == 2 {
					if c, ok := python.Unwrap(t.Elts[0]).(*python.Constant); ok {
						d.Managers = append(d.Managers, c.Value)
					}
				}
			}
		}
		for _, f := range m.Fields {
			d.Fields = append(d.Fields, f.Name)
			if f.To != "" {
				d.Relations[f.Name] = f.To
			}
			if f.Through != "" {
				d.Relations[f.Name+".through"] = f.Through
			}
		}
		sort.Strings(d.Indexes)
		sort.Strings(d.Constraints)
		out[k.String()] = d
	}
	return out
}

// literal converts a literal expression to what json.Unmarshal gives for
// the oracle's normalised value; anything else is "<expr>".
func literal(e python.Expr) any {
	switch v := python.Unwrap(e).(type) {
	case *python.Constant:
		switch v.Kind {
		case python.Str:
			return v.Value
		case python.True:
			return true
		case python.False:
			return false
		case python.NoneConst:
			return nil
		case python.Int, python.Float:
			f, err := strconv.ParseFloat(strings.ReplaceAll(v.Value, "_", ""), 64)
			if err == nil {
				return f
			}
		}
	case *python.List, *python.Tuple, *python.Set:
		var elts []python.Expr
		switch l := v.(type) {
		case *python.List:
			elts = l.Elts
		case *python.Tuple:
			elts = l.Elts
		case *python.Set:
			elts = l.Elts
		}
		_, src := python.SourceOf(nil, e)
		out := []any{}
		for _, x := range elts {
			out = append(out, literal(python.InSource(src, x)))
		}
		if _, ok := v.(*python.Set); ok {
			sort.Slice(out, func(i, j int) bool {
				a, _ := json.Marshal(out[i])
				b, _ := json.Marshal(out[j])
				return string(a) < string(b)
			})
		}
		return out
	case *python.Dict:
		_, src := python.SourceOf(nil, e)
		out := map[string]any{}
		for i, k := range v.Keys {
			c, ok := python.Unwrap(k).(*python.Constant)
			if !ok {
				return "<expr>"
			}
			out[c.Value] = literal(python.InSource(src, v.Values[i]))
		}
		return out
	}
	return "<expr>"
}

// TestReplayMatchesDjango: our state at the leaves equals the ProjectState
// Django's MigrationLoader builds for the example project.
func TestReplayMatchesDjango(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	oracle, _ := filepath.Abs("testdata/django_state.py")
	for _, v := range []djangotest.Version{"3.2", "5.2", "6.1"} {
		t.Run("django"+string(v), func(t *testing.T) {
			src := example
			if v.Major() >= 6 {
				// Django 6 imports the history only after djsquash
				// upgrade: both sides read the rewritten copy.
				src = filepath.Join(t.TempDir(), "bookshop")
				if err := djangotest.CopyTree(example, src); err != nil {
					t.Fatal(err)
				}
				l, err := project.Load(src)
				if err != nil {
					t.Fatal(err)
				}
				plan := upgrade.Build(l, 6, nil)
				if len(plan.Problems) > 0 || plan.Changes.Empty() {
					t.Fatalf("upgrade: %v", plan.Problems)
				}
				if err := changeset.Apply(context.Background(), l.Root, &plan.Changes, changeset.Options{}); err != nil {
					t.Fatal(err)
				}
			}
			p, apps := replayProject(t, src)
			got := p.dump(apps)
			dj := djangotest.RequireDjango(t, v)
			cmd := exec.Command(dj.Python, oracle)
			cmd.Dir = src
			cmd.Env = append(os.Environ(), "PYTHONPATH="+dj.PythonPath, "DJANGO_SETTINGS_MODULE=bookshop.settings", "PYTHONDONTWRITEBYTECODE=1")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("oracle: %v", err)
			}
			var all map[string]dump
			if err := json.Unmarshal(out, &all); err != nil {
				t.Fatal(err)
			}
			want := map[string]dump{}
			for k, d := range all {
				if app, _, _ := strings.Cut(k, "."); apps[app] {
					sort.Strings(d.Indexes)
					sort.Strings(d.Constraints)
					want[k] = d
				}
			}
			if len(want) < 10 {
				t.Fatalf("oracle returned %d project models", len(want))
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("state differs from Django's (-django +djsquash):\n%s", d)
			}
		})
	}
}

// TestReplayValidates: operations that name what does not exist at their
// point fail with the operation's position.
func TestReplayValidates(t *testing.T) {
	for _, c := range []struct{ ops, want string }{
		{`migrations.AddField("book", "x", models.IntegerField())`, "model shop.book does not exist at this point"},
		{`migrations.CreateModel("Book", [("id", models.AutoField())]), migrations.RenameField("book", "title", "name")`, "field book.title does not exist at this point"},
		{`migrations.CreateModel("Book", [("id", models.AutoField())]), migrations.CreateModel("book", [])`, "model shop.book already exists"},
		{`migrations.CreateModel("Book", [("id", models.AutoField())]), migrations.RenameModel("Book", "Volume"), migrations.AlterField("book", "id", models.AutoField())`, "model shop.book does not exist at this point"},
		{`migrations.CreateModel("Book", [("id", models.AutoField())]), migrations.RemoveIndex("book", "nope")`, "index nope does not exist on shop.book"},
		{`myapp.Custom()`, "cannot replay myapp.Custom: myapp.Custom is not a built-in Django operation"},
		{`migrations.CreateModel("Book", [("id", models.AutoField()), ("a", models.IntegerField()), ("b", models.IntegerField())], options={"unique_together": {("a", "b")}}), migrations.RemoveField("book", "a")`,
			"field book.a is still named by unique_together"},
		// Django raises FieldDoesNotExist creating these.
		{`migrations.CreateModel("Book", [("id", models.AutoField())], options={"indexes": [models.Index(fields=["-title"], name="idx")]})`,
			"index idx of Book names field title, which does not exist at this point"},
		{`migrations.CreateModel("Book", [("id", models.AutoField())]), migrations.AddConstraint("book", models.UniqueConstraint(fields=("id", "isbn"), name="uc"))`,
			"constraint uc of Book names field isbn, which does not exist at this point"},
	} {
		src := "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [" + c.ops + "]\n"
		m, _ := migration.Read(migration.Key{App: "shop", Name: "0001"}, "m.py", []byte(src), nil)
		err := New(nil).ReplayPlan([]*migration.Migration{m})
		e, ok := err.(*Error)
		if !ok || e.Message != c.want || e.Offset <= 0 {
			t.Errorf("%s:\n got %v\nwant %q", c.ops, err, c.want)
		}
	}
}

// TestDefFieldsMayNameTheColumn: an index may name a relation by its
// attribute (author_id), and name no fields at all (expressions).
func TestDefFieldsMayNameTheColumn(t *testing.T) {
	src := `from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel("Author", [("id", models.AutoField())]),
        migrations.CreateModel("Book", [("id", models.AutoField()), ("author", models.ForeignKey("shop.Author", models.CASCADE))],
            options={"indexes": [models.Index(fields=["author_id", "-id"], name="i1"), models.Index(models.F("id"), name="i2")]}),
    ]
`
	m, _ := migration.Read(migration.Key{App: "shop", Name: "0001"}, "m.py", []byte(src), nil)
	if err := New(nil).ReplayPlan([]*migration.Migration{m}); err != nil {
		t.Error(err)
	}
}

// TestStateOperationsAreStateOnly: SeparateDatabaseAndState's state
// operations are state_forwards alone, which lets a RemoveField name a
// field unique_together still holds when a later operation fixes the
// option (saleor's attribute.0038); the same RemoveField run as a
// database operation is refused, as the schema editor would.
func TestStateOperationsAreStateOnly(t *testing.T) {
	src := `from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel("Book", [("id", models.AutoField()), ("a", models.IntegerField()), ("b", models.IntegerField())], options={"unique_together": {("a", "b")}}),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField("book", "a"),
            migrations.AlterUniqueTogether("book", {("b",)}),
        ]),
    ]
`
	m, _ := migration.Read(migration.Key{App: "shop", Name: "0001"}, "m.py", []byte(src), nil)
	if err := New(nil).ReplayPlan([]*migration.Migration{m}); err != nil {
		t.Errorf("state operations refused: %v", err)
	}
}

func TestRenameModelRepointsRelations(t *testing.T) {
	src := `from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel("Publisher", [("id", models.AutoField())]),
        migrations.CreateModel("Book", [("id", models.AutoField()), ("pub", models.ForeignKey(to="shop.publisher", on_delete=models.CASCADE))]),
        migrations.RenameModel("Publisher", "Imprint"),
        migrations.RenameField("book", "pub", "imprint"),
    ]
`
	m, _ := migration.Read(migration.Key{App: "shop", Name: "0001"}, "m.py", []byte(src), nil)
	p := New(nil)
	if err := p.ReplayPlan([]*migration.Migration{m}); err != nil {
		t.Fatal(err)
	}
	book := p.Models[ModelKey{"shop", "book"}]
	if _, f := book.field("imprint"); f == nil || f.To != "shop.imprint" || book.Fields[len(book.Fields)-1] != f {
		t.Errorf("book fields: %+v", book.Fields)
	}
}

// parseList reads an operations list of app "app".
func parseList(t *testing.T, list string) []migration.Operation {
	t.Helper()
	src := "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = " + list + "\n"
	m, diags := migration.Read(migration.Key{App: "app", Name: "0001"}, "m.py", []byte(src), nil)
	if len(diags) > 0 {
		t.Fatal(diags[0].Message)
	}
	return m.Operations
}

// TestDiffChangedIsDiff: for states cloned from one another, comparing
// only the models they no longer share finds what Diff finds.
func TestDiffChangedIsDiff(t *testing.T) {
	a := New(nil)
	for _, op := range parseList(t, `[
    migrations.CreateModel(name='A', fields=[('id', models.AutoField(primary_key=True))]),
    migrations.CreateModel(name='B', fields=[('id', models.AutoField(primary_key=True)), ('a', models.ForeignKey(on_delete=models.CASCADE, to='app.a'))]),
    migrations.CreateModel(name='C', fields=[('id', models.AutoField(primary_key=True))]),
]`) {
		if err := a.Apply("app", op); err != nil {
			t.Fatal(err)
		}
	}
	for _, list := range []string{
		`[migrations.AddField(model_name='c', name='x', field=models.IntegerField(default=0))]`,
		`[migrations.RenameModel(old_name='A', new_name='Z')]`,
		`[migrations.DeleteModel(name='C')]`,
		`[migrations.AddField(model_name='c', name='x', field=models.IntegerField(default=0)), migrations.RemoveField(model_name='c', name='x')]`,
	} {
		b := a.Clone()
		for _, op := range parseList(t, list) {
			if err := b.Apply("app", op); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := DiffChanged(a, b), Diff(a, b); got != want {
			t.Errorf("%s:\nDiffChanged %q\nDiff        %q", list, got, want)
		}
	}
}

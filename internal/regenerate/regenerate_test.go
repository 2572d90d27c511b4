package regenerate

import (
	"slices"
	"strings"
	"testing"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/state"
	"github.com/djsquash/djsquash/internal/writer"
)

const header = "import django.db.models.deletion\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = "

// parseOps reads an operations list written as Python source.
func parseOps(t *testing.T, list string) []m.Operation {
	t.Helper()
	mig, diags := m.Read(m.Key{App: "app", Name: "0001_test"}, "0001_test.py", []byte(header+list+"\n"), nil)
	for _, d := range diags {
		t.Fatalf("%s\n%s", d.Message, list)
	}
	for _, op := range mig.Operations {
		if o, ok := op.(*m.Opaque); ok {
			t.Fatalf("opaque operation: %s\n%s", o.Reason, list)
		}
	}
	return mig.Operations
}

// stateOf replays ops from before (or an empty state).
func stateOf(t *testing.T, before *state.Project, ops []m.Operation) *state.Project {
	t.Helper()
	if before == nil {
		before = state.New(nil)
	}
	p := before.Clone()
	for i, op := range ops {
		if err := p.Apply("app", op); err != nil {
			t.Fatalf("operation %d (%s): %v\n%s", i, op.Name(), err, writer.FormatOperations(ops, 0))
		}
	}
	return p
}

// regenerate runs Run from the state setup builds and checks what every
// regeneration must give: a list that replays to the input's end state
// and is not longer.
func regenerate(t *testing.T, setup, list string) (Result, string) {
	t.Helper()
	before := state.New(nil)
	if setup != "" {
		before = stateOf(t, nil, parseOps(t, setup))
	}
	ops := parseOps(t, list)
	res := Run(before, "app", ops, Options{})
	if d := state.Diff(stateOf(t, before, ops), stateOf(t, before, res.Operations)); d != "" {
		t.Fatalf("the regenerated list ends elsewhere:\n%s\n%s", d, writer.FormatOperations(res.Operations, 0))
	}
	if len(res.Operations) > len(ops) {
		t.Fatalf("%d operations regenerated from %d", len(res.Operations), len(ops))
	}
	return res, writer.FormatOperations(res.Operations, 0)
}

func classes(ops []m.Operation) string {
	var out []string
	for _, op := range ops {
		out = append(out, op.Name())
	}
	return strings.Join(out, " ")
}

// TestRunFromNothing: a run that starts with no model of the app is what
// makemigrations writes for its end: one CreateModel, where Django's
// optimizer keeps three (the index between AddField and AlterField
// blocks every reduction across it).
func TestRunFromNothing(t *testing.T) {
	res, text := regenerate(t, "", `[
    migrations.CreateModel(name='Book', fields=[('id', models.AutoField(primary_key=True))]),
    migrations.AddField(model_name='book', name='title', field=models.CharField(max_length=10)),
    migrations.AddIndex(model_name='book', index=models.Index(fields=['title'], name='book_title_idx')),
    migrations.AlterField(model_name='book', name='title', field=models.CharField(max_length=20)),
]`)
	if got := classes(res.Operations); got != "CreateModel" {
		t.Fatalf("got %s\n%s", got, text)
	}
	for _, want := range []string{`("title", models.CharField(max_length=20))`, `models.Index(fields=["title"], name="book_title_idx")`} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %s:\n%s", want, text)
		}
	}
	if res.Runs != 1 || res.Regenerated != 1 {
		t.Errorf("runs %d, regenerated %d", res.Runs, res.Regenerated)
	}
}

// TestRenamesComeFromTheHistory: a renamed model and field are renamed,
// never dropped and created again (their rows and column data stay), and
// a relation to the renamed model follows it.
func TestRenamesComeFromTheHistory(t *testing.T) {
	res, text := regenerate(t, `[
    migrations.CreateModel(name='Author', fields=[('id', models.AutoField(primary_key=True)), ('name', models.CharField(max_length=10))]),
    migrations.CreateModel(name='Book', fields=[('id', models.AutoField(primary_key=True)), ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='app.author'))]),
]`, `[
    migrations.RenameModel(old_name='Author', new_name='Writer'),
    migrations.RenameField(model_name='writer', old_name='name', new_name='full_name'),
    migrations.AddField(model_name='writer', name='born', field=models.IntegerField(null=True)),
    migrations.AddIndex(model_name='writer', index=models.Index(fields=['born'], name='writer_born_idx')),
    migrations.AlterField(model_name='writer', name='born', field=models.IntegerField(blank=True, null=True)),
]`)
	if got := classes(res.Operations); got != "RenameModel RenameField AddField AddIndex" {
		t.Fatalf("got %s\n%s", got, text)
	}
	if !strings.Contains(text, `old_name="Author", new_name="Writer"`) || !strings.Contains(text, `old_name="name", new_name="full_name"`) {
		t.Errorf("renames:\n%s", text)
	}
}

// TestExistingRowsKeepTheirDefault: a field added to a table that may
// have rows is added with the history's default, then altered to the
// end's; merged, the rows would get the later default.
func TestExistingRowsKeepTheirDefault(t *testing.T) {
	res, text := regenerate(t, `[
    migrations.CreateModel(name='Token', fields=[('id', models.AutoField(primary_key=True))]),
]`, `[
    migrations.AddField(model_name='token', name='version', field=models.IntegerField(default=1)),
    migrations.AddIndex(model_name='token', index=models.Index(fields=['version'], name='token_version_idx')),
    migrations.AlterField(model_name='token', name='version', field=models.IntegerField(default=2)),
    migrations.AddField(model_name='token', name='scratch', field=models.IntegerField(null=True)),
    migrations.RemoveField(model_name='token', name='scratch'),
]`)
	if got := classes(res.Operations); got != "AddField AlterField AddIndex" {
		t.Fatalf("got %s\n%s", got, text)
	}
	add := res.Operations[0].(*m.AddField)
	if d := m.DefaultText(add.Op.Value(add.Value)); d != "1" {
		t.Errorf("AddField's default is %q, want 1:\n%s", d, text)
	}
}

// TestOneOffDefaultKeepsTheRun: an AlterField with
// preserve_default=False filled rows with a default the end's field lacks;
// the run stays as it came, with the reason.
func TestOneOffDefaultKeepsTheRun(t *testing.T) {
	res, _ := regenerate(t, `[
    migrations.CreateModel(name='Token', fields=[('id', models.AutoField(primary_key=True)), ('n', models.IntegerField(null=True))]),
]`, `[
    migrations.AlterField(model_name='token', name='n', field=models.IntegerField(default=0), preserve_default=False),
    migrations.AddField(model_name='token', name='scratch', field=models.IntegerField(null=True)),
    migrations.RemoveField(model_name='token', name='scratch'),
]`)
	if res.Regenerated != 0 || len(res.Kept) != 1 || !strings.Contains(res.Kept[0], "one-off default") {
		t.Errorf("regenerated %d, kept %q", res.Regenerated, res.Kept)
	}
}

// TestNameTakenAgain: a field removed and added again under its name (a
// new column) and a model deleted and created again: what goes, goes
// first.
func TestNameTakenAgain(t *testing.T) {
	res, text := regenerate(t, `[
    migrations.CreateModel(name='Item', fields=[('id', models.AutoField(primary_key=True)), ('code', models.CharField(max_length=5))]),
    migrations.CreateModel(name='Old', fields=[('id', models.AutoField(primary_key=True))]),
    migrations.CreateModel(name='Older', fields=[('id', models.AutoField(primary_key=True)), ('old', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='app.old'))]),
]`, `[
    migrations.RemoveField(model_name='item', name='code'),
    migrations.AddField(model_name='item', name='code', field=models.IntegerField(null=True)),
    migrations.AddIndex(model_name='item', index=models.Index(fields=['code'], name='item_code_idx')),
    migrations.AlterField(model_name='item', name='code', field=models.IntegerField(blank=True, null=True)),
    migrations.DeleteModel(name='Older'),
    migrations.DeleteModel(name='Old'),
    migrations.CreateModel(name='Old', fields=[('id', models.AutoField(primary_key=True)), ('note', models.TextField())]),
    migrations.AddField(model_name='old', name='more', field=models.TextField(default='')),
]`)
	if got := classes(res.Operations); got != "DeleteModel DeleteModel RemoveField CreateModel AddField AddIndex" {
		t.Fatalf("got %s\n%s", got, text)
	}
	if !strings.Contains(text, `migrations.DeleteModel(name="Older")`+",\n    migrations.DeleteModel(name=\"Old\")") {
		t.Errorf("Older must go before the model it points at:\n%s", text)
	}
}

// TestKeptOperationsSeeTheHistorysState: RunPython stays where it was,
// and the state it sees is the history's at that point.
func TestKeptOperationsSeeTheHistorysState(t *testing.T) {
	ops := parseOps(t, `[
    migrations.CreateModel(name='A', fields=[('id', models.AutoField(primary_key=True))]),
    migrations.AddField(model_name='a', name='x', field=models.IntegerField(default=0)),
    migrations.AddIndex(model_name='a', index=models.Index(fields=['x'], name='a_x_idx')),
    migrations.AlterField(model_name='a', name='x', field=models.IntegerField(default=1)),
    migrations.RunPython(migrations.RunPython.noop),
    migrations.RenameField(model_name='a', old_name='x', new_name='y'),
    migrations.AddIndex(model_name='a', index=models.Index(fields=['y'], name='a_y_idx')),
    migrations.AlterField(model_name='a', name='y', field=models.IntegerField(default=2)),
]`)
	res := Run(state.New(nil), "app", ops, Options{})
	at := slices.IndexFunc(res.Operations, func(op m.Operation) bool { return op == ops[4] })
	if at < 0 || res.Regenerated != 1 || res.Runs != 2 {
		t.Fatalf("RunPython at %d, %d of %d runs regenerated:\n%s", at, res.Regenerated, res.Runs, writer.FormatOperations(res.Operations, 0))
	}
	if d := state.Diff(stateOf(t, nil, ops[:4]), stateOf(t, nil, res.Operations[:at])); d != "" {
		t.Errorf("RunPython sees another state:\n%s", d)
	}
	if !slices.Equal(res.Operations[at:], ops[4:]) {
		t.Errorf("the run after RunPython (as short as it gets) changed:\n%s", writer.FormatOperations(res.Operations[at:], 0))
	}
}

// TestAcceptJudgesTheWholeList: a replacement the caller does not accept
// is not taken, and a list not accepted as it came is left alone.
func TestAcceptJudgesTheWholeList(t *testing.T) {
	ops := parseOps(t, `[
    migrations.CreateModel(name='A', fields=[('id', models.AutoField(primary_key=True))]),
    migrations.AddField(model_name='a', name='x', field=models.IntegerField(default=0)),
    migrations.AddIndex(model_name='a', index=models.Index(fields=['x'], name='a_x_idx')),
    migrations.AlterField(model_name='a', name='x', field=models.IntegerField(default=1)),
]`)
	asCame := func(list []m.Operation) bool { return slices.Equal(list, ops) }
	res := Run(state.New(nil), "app", ops, Options{Accept: asCame})
	if res.Regenerated != 0 || !slices.Equal(res.Operations, ops) || len(res.Kept) != 1 || !strings.Contains(res.Kept[0], "not accepted") {
		t.Errorf("regenerated %d, kept %q", res.Regenerated, res.Kept)
	}
	res = Run(state.New(nil), "app", ops, Options{Accept: func([]m.Operation) bool { return false }})
	if !slices.Equal(res.Operations, ops) || res.Runs != 0 {
		t.Errorf("a list not accepted as it came was changed (%d runs looked at)", res.Runs)
	}
}

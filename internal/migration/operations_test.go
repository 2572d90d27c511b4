package migration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// describeOp renders an operation's typed content for comparison.
func describeOp(op Operation) string {
	switch o := op.(type) {
	case *CreateModel:
		var f []string
		for _, x := range o.Fields {
			f = append(f, x.Name)
		}
		return fmt.Sprintf("CreateModel %s [%s] options=%v", o.Model, strings.Join(f, " "), o.Options != nil)
	case *DeleteModel:
		return "DeleteModel " + o.Model
	case *RenameModel:
		return "RenameModel " + o.OldName + " " + o.NewName
	case *AddField:
		return "AddField " + o.Model + "." + o.Field
	case *AlterField:
		return "AlterField " + o.Model + "." + o.Field
	case *RemoveField:
		return "RemoveField " + o.Model + "." + o.Field
	case *RenameField:
		return "RenameField " + o.Model + "." + o.OldName + " " + o.NewName
	case *AddIndex:
		return fmt.Sprintf("AddIndex %s %s concurrently=%v", o.Model, o.IndexName, o.Concurrently)
	case *RemoveIndex:
		return "RemoveIndex " + o.Model + " " + o.Index
	case *RenameIndex:
		return "RenameIndex " + o.Model + " " + o.OldName + " " + o.NewName
	case *AddConstraint:
		return fmt.Sprintf("AddConstraint %s %s notvalid=%v", o.Model, o.ConstraintName, o.NotValid)
	case *RemoveConstraint:
		return "RemoveConstraint " + o.Model + " " + o.Constraint
	case *AlterUniqueTogether:
		return "AlterUniqueTogether " + o.Model
	case *AlterModelOptions:
		return "AlterModelOptions " + o.Model
	case *AlterModelTable:
		return "AlterModelTable " + o.Model
	case *RunPython:
		return fmt.Sprintf("RunPython elidable=%v", o.Elidable)
	case *RunSQL:
		return fmt.Sprintf("RunSQL state=%d", len(o.StateOperations))
	case *SeparateDatabaseAndState:
		return fmt.Sprintf("SeparateDatabaseAndState db=%d state=%d", len(o.DatabaseOperations), len(o.StateOperations))
	case *CreateExtension:
		return "CreateExtension " + o.Extension
	case *Opaque:
		return "Opaque: " + o.Reason
	}
	return op.Name()
}

func TestReadOperations(t *testing.T) {
	src := `from django.contrib.postgres.operations import HStoreExtension, AddIndexConcurrently
from django.db import migrations, models
from django.db.migrations import RunPython as RP
import myapp.ops


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = []
    operations = [
        HStoreExtension(),
        migrations.CreateModel("Book", [("id", models.AutoField(primary_key=True)), ("title", models.CharField(max_length=9))], options={"ordering": ["title"]}),
        migrations.AddField(model_name="book", name="isbn", field=models.CharField(max_length=13)),
        migrations.AlterField("book", "isbn", models.CharField(max_length=17)),
        migrations.RenameField("book", "isbn", "ean"),
        migrations.AddIndex(model_name="book", index=models.Index(fields=["ean"], name="book_ean_idx")),
        AddIndexConcurrently("book", models.Index(fields=["title"], name="book_title_idx")),
        migrations.RenameIndex("book", new_name="book_ean_ix", old_name="book_ean_idx"),
        migrations.AddConstraint("book", models.CheckConstraint(check=models.Q(id__gt=0), name="pos")),
        migrations.RemoveConstraint("book", "pos"),
        migrations.AlterUniqueTogether(name="book", unique_together={("title", "ean")}),
        migrations.AlterModelOptions(name="book", options={}),
        migrations.AlterModelTable("book", "books"),
        migrations.RenameModel("Book", "Volume"),
        migrations.RemoveField("volume", "ean"),
        RP(forwards, RP.noop, elidable=True),
        migrations.RunSQL("SELECT 1", state_operations=[migrations.DeleteModel("Volume")]),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("X")], database_operations=[]),
        myapp.ops.AddField("book", "x", None),
        migrations.AddField("book", name_var, models.F()),
        migrations.AddField("book", "x", models.F(), bogus=1),
        *EXTRA,
    ]
`
	m, _ := Read(Key{App: "shop", Name: "0001_x"}, "x.py", []byte(src), nil)
	var got []string
	for _, op := range m.Operations {
		got = append(got, describeOp(op))
	}
	want := []string{
		"CreateExtension hstore",
		"CreateModel Book [id title] options=true",
		"AddField book.isbn",
		"AlterField book.isbn",
		"RenameField book.isbn ean",
		"AddIndex book book_ean_idx concurrently=false",
		"AddIndex book book_title_idx concurrently=true",
		"RenameIndex book book_ean_idx book_ean_ix",
		"AddConstraint book pos notvalid=false",
		"RemoveConstraint book pos",
		"AlterUniqueTogether book",
		"AlterModelOptions book",
		"AlterModelTable book",
		"RenameModel Book Volume",
		"RemoveField volume.ean",
		"RunPython elidable=true",
		"RunSQL state=1",
		"SeparateDatabaseAndState db=0 state=1",
		"Opaque: myapp.ops.AddField is not a built-in Django operation",
		"Opaque: AddField: name is not a literal string",
		`Opaque: AddField: unexpected keyword argument "bogus"`,
		"Opaque: not an operation call (an expression)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if len(m.Opaque) != 4 {
		t.Errorf("opaque spans: %d, want 4", len(m.Opaque))
	}
	var defs []string
	for _, d := range m.Definitions {
		defs = append(defs, d.Kind+":"+strings.Join(d.Names, ","))
	}
	if d := cmp.Diff([]string{"import:HStoreExtension,AddIndexConcurrently", "import:migrations,models", "import:RP", "import:myapp", "function:forwards"}, defs); d != "" {
		t.Errorf("definitions (-want +got):\n%s", d)
	}
}

// TestExampleOperationsAreTyped: every operation of the example project is
// read into its struct; none is opaque.
func TestExampleOperationsAreTyped(t *testing.T) {
	files, _ := filepath.Glob("../../examples/bookshop/*/migrations/0*.py")
	counts := map[string]int{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, ds := Read(Key{App: "x", Name: "y"}, f, src, nil)
		if len(ds) > 0 {
			t.Errorf("%s: %v", f, ds)
		}
		for _, op := range m.Operations {
			if o, ok := op.(*Opaque); ok {
				t.Errorf("%s: opaque: %s", f, o.Reason)
			}
			counts[op.Name()]++
		}
	}
	for _, k := range []string{"CreateModel", "AddField", "AlterField", "RenameField", "RemoveField", "RenameModel", "DeleteModel",
		"AddIndex", "AddConstraint", "AlterUniqueTogether", "AlterModelOptions", "RunPython", "RunSQL"} {
		if counts[k] == 0 {
			t.Errorf("no %s read from the example: %v", k, counts)
		}
	}
}

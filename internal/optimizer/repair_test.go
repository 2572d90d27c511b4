package optimizer

import (
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/writer"
)

// TestRepairFollowsKeptRenameChains: after two RenameModel Django kept in
// its list (A to B, then B to C), a key naming A names C, whatever order
// the renames are looked up in (they live in a map).
func TestRepairFollowsKeptRenameChains(t *testing.T) {
	list := `[
    migrations.CreateModel(name='A', fields=[('id', models.AutoField(primary_key=True))]),
    migrations.RunPython(migrations.RunPython.noop),
    migrations.RenameModel(old_name='A', new_name='B'),
    migrations.RenameModel(old_name='B', new_name='C'),
    migrations.CreateModel(name='X', fields=[('id', models.AutoField(primary_key=True)), ('a', models.ForeignKey(on_delete=models.CASCADE, to='app.a'))]),
]`
	ops := parseOps(t, "app", list)
	for i := 0; i < 50; i++ {
		o := newOptimizer("app", nil, true, false, len(ops))
		fixed, ok := o.repair(ops, ops)
		if !ok {
			t.Fatal("repair failed")
		}
		got := writer.FormatOperations(fixed[len(fixed)-1:], 0)
		if !strings.Contains(got, `to="app.c"`) {
			t.Fatalf("run %d: the key does not name the model as it ends:\n%s", i, got)
		}
	}
}

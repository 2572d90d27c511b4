package optimizer

import (
	"fmt"
	"strings"
	"testing"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/writer"
)

// TestIndexedScanIsTheFullScan: with pairs skipped by keys from the first
// comparison on, every random sequence and every synthetic app optimizes
// to exactly the list of the full scan (with and without our barriers).
func TestIndexedScanIsTheFullScan(t *testing.T) {
	inputs := map[string][]m.Operation{}
	for _, c := range randomCases(3, 2000) {
		inputs[c.name] = parseOps(t, c.app, c.input)
	}
	apps, _ := synthOps(t, 1000)
	for app, ops := range apps {
		inputs[app] = ops
	}
	for name, ops := range inputs {
		app := "app"
		if !strings.HasPrefix(name, "random") {
			app = name
		}
		for _, barriers := range []bool{false, true} {
			full := newOptimizer(app, nil, barriers, false, len(ops))
			full.indexAfter = 1 << 62
			indexed := newOptimizer(app, nil, barriers, false, len(ops))
			indexed.indexAfter = 0
			a, b := full.run(ops), indexed.run(ops)
			if wa, wb := writer.FormatOperations(a.Operations, 0), writer.FormatOperations(b.Operations, 0); wa != wb {
				t.Fatalf("%s (barriers %v): the indexed scan differs:\nfull:\n%s\nindexed:\n%s", name, barriers, wa, wb)
			}
			if indexed.compared > full.compared {
				t.Errorf("%s: the indexed scan compared more pairs (%d) than the full one (%d)", name, indexed.compared, full.compared)
			}
		}
	}
}

// TestManyOperationsOnOneModelIsLinear: thousands of AddField on one model
// that no CreateModel absorbs (Django compares every pair: 58 s for 5,000
// in Django 5.2, and so did we). Doubling the operations doubles the pairs
// compared, not quadruples.
func TestManyOperationsOnOneModelIsLinear(t *testing.T) {
	pairs := func(n int) int {
		var b strings.Builder
		b.WriteString("[\n")
		for i := range n {
			fmt.Fprintf(&b, "    migrations.AddField(model_name=\"item\", name=\"f%d\", field=models.IntegerField(default=0)),\n", i)
			if i%10 == 9 {
				fmt.Fprintf(&b, "    migrations.AlterField(model_name=\"item\", name=\"f%d\", field=models.IntegerField(default=0, help_text=\"changed\")),\n", i-5)
			}
		}
		b.WriteString("]")
		o := newOptimizer("shop", nil, true, false, n)
		r := o.run(parseOps(t, "shop", b.String()))
		if len(r.Operations) != n {
			t.Fatalf("%d AddField and AlterField gave %d operations, want %d", n, len(r.Operations), n)
		}
		return o.compared
	}
	small, large := pairs(2500), pairs(5000)
	t.Logf("pairs compared: 2,500 fields %d, 5,000 fields %d", small, large)
	if large > 3*small {
		t.Errorf("pairs compared grow faster than linearly: %d for 2,500 fields, %d for 5,000", small, large)
	}
}

package optimizer

import (
	"fmt"
	"testing"

	"github.com/djsquash/djsquash/internal/graph"
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
	synthproj "github.com/djsquash/djsquash/internal/synth"
)

// synthOps returns each app's operations of a synthetic project of n
// migrations in 20 apps, in plan order: what a whole-project squash
// optimizes.
func synthOps(tb testing.TB, n int) (map[string][]m.Operation, int) {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := synthproj.Generate(dir, synthproj.Options{Seed: 5, Apps: 20, Migrations: n, DataEvery: 10}); err != nil {
		tb.Fatal(err)
	}
	l, err := project.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
	out := map[string][]m.Operation{}
	total := 0
	for _, k := range g.Plan() {
		mig := g.Node(k).Migration
		out[k.App] = append(out[k.App], mig.Operations...)
		total += len(mig.Operations)
	}
	return out, total
}

// TestOptimizeSynthetic: every app of a synthetic history optimizes to a
// shorter list that replays to the same state.
func TestOptimizeSynthetic(t *testing.T) {
	apps, total := synthOps(t, 1000)
	after := 0
	for app, ops := range apps {
		r := Optimize(ops, app, Options{})
		after += len(r.Operations)
		if len(r.Operations) > len(ops) {
			t.Errorf("%s: %d operations became %d", app, len(ops), len(r.Operations))
		}
	}
	if after >= total {
		t.Errorf("nothing optimized: %d operations before and after", total)
	}
	t.Logf("1,000 migrations in 20 apps: %d operations optimized to %d", total, after)
}

func BenchmarkOptimize(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		apps, total := synthOps(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportMetric(float64(total), "ops")
			for i := 0; i < b.N; i++ {
				for app, ops := range apps {
					Optimize(ops, app, Options{})
				}
			}
		})
	}
}

package squash

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/djsquash/djsquash/internal/synth"
)

func synthProject(tb testing.TB, n int) (*project.Loaded, *graph.Graph, []Range) {
	return synthWith(tb, synth.Options{Seed: 7, Apps: 20, Migrations: n, DataEvery: 10})
}

func synthWith(tb testing.TB, o synth.Options) (*project.Loaded, *graph.Graph, []Range) {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := synth.Generate(dir, o); err != nil {
		tb.Fatal(err)
	}
	return loadWhole(tb, dir)
}

// loadWhole loads dir, its graph, and a range of every app.
func loadWhole(tb testing.TB, dir string) (*project.Loaded, *graph.Graph, []Range) {
	tb.Helper()
	l, err := project.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
	var ranges []Range
	for _, a := range l.Apps {
		ranges = append(ranges, Range{App: a.Label})
	}
	return l, g, ranges
}

// TestSquashSynthetic: a whole-project squash of a synthetic history plans
// without problems (the replay validates every operation and the end
// state) and replaces most migrations.
func TestSquashSynthetic(t *testing.T) {
	l, g, ranges := synthProject(t, 1000)
	plan := Build(l, g, Options{Ranges: ranges, Shorten: true})
	if len(plan.Problems) > 0 {
		t.Fatalf("problems: %+v", plan.Problems[0])
	}
	replaced, before, after := 0, 0, 0
	for _, s := range plan.Squashes {
		replaced += len(s.Replaces)
		before += s.Before
		after += len(s.Operations)
	}
	t.Logf("1,000 migrations: %d replaced by %d squashes (%d splits); operations %d -> %d", replaced, len(plan.Squashes), len(plan.Splits), before, after)
	if replaced < 500 || after >= before {
		t.Errorf("replaced %d migrations, operations %d -> %d", replaced, before, after)
	}
}

// BenchmarkSquashPlan: the whole-project plan (chunks, optimized
// operations, the validating replay, every file rendered) of 100, 1,000
// and 10,000 migrations in 20 apps.
func BenchmarkSquashPlan(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		l, g, ranges := synthProject(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if plan := Build(l, g, Options{Ranges: ranges, Shorten: true}); len(plan.Problems) > 0 {
					b.Fatal(plan.Problems[0].Message)
				}
			}
		})
	}
}

// BenchmarkSquashOneApp: the plan scripts/bench-vs-django times in a
// process, one app of 500 migrations (cmd/synth's defaults).
func BenchmarkSquashOneApp(b *testing.B) {
	l, g, ranges := synthWith(b, synth.Options{Seed: 1, Apps: 1, Migrations: 500, DataEvery: 20})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if plan := Build(l, g, Options{Ranges: ranges}); len(plan.Problems) > 0 {
			b.Fatal(plan.Problems[0].Message)
		}
	}
}

// BenchmarkSquashOneAppRegenerate: the same with --strategy regenerate.
func BenchmarkSquashOneAppRegenerate(b *testing.B) {
	l, g, ranges := synthWith(b, synth.Options{Seed: 1, Apps: 1, Migrations: 500, DataEvery: 20})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if plan := Build(l, g, Options{Ranges: ranges, Regenerate: true}); len(plan.Problems) > 0 {
			b.Fatal(plan.Problems[0].Message)
		}
	}
}

// TestSquashSameOnAnyCores: the files do not depend on how many cores
// render them or in what order the renders finish (DESIGN.md's promise):
// plans on one core and on all cores, repeated, are byte for byte equal.
func TestSquashSameOnAnyCores(t *testing.T) {
	l, g, ranges := synthProject(t, 600)
	files := func() map[string]string {
		plan := Build(l, g, Options{Ranges: ranges, Shorten: true})
		if len(plan.Problems) > 0 {
			t.Fatalf("problems: %+v", plan.Problems[0])
		}
		out := map[string]string{}
		for _, f := range plan.Changes.Changes {
			out[f.Path] = string(f.New)
		}
		return out
	}
	prev := runtime.GOMAXPROCS(1)
	one := files()
	runtime.GOMAXPROCS(max(prev, 4))
	defer runtime.GOMAXPROCS(prev)
	if len(one) < 20 {
		t.Fatalf("only %d files: the test wants many squashes rendered at once", len(one))
	}
	for run := 0; run < 3; run++ {
		many := files()
		if diff := cmp.Diff(one, many); diff != "" {
			t.Fatalf("run %d on %d cores differs from one core (-one +many):\n%s", run, runtime.GOMAXPROCS(0), diff)
		}
	}
}

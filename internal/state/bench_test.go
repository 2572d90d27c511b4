package state

import (
	"fmt"
	"testing"

	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/djsquash/djsquash/internal/synth"
)

func synthPlan(tb testing.TB, n int) []*migration.Migration {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := synth.Generate(dir, synth.Options{Seed: 3, Apps: 20, Migrations: n, DataEvery: 10}); err != nil {
		tb.Fatal(err)
	}
	l, err := project.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
	var plan []*migration.Migration
	for _, k := range g.Plan() {
		plan = append(plan, g.Node(k).Migration)
	}
	return plan
}

// TestReplaySynthetic: histories valid by construction replay cleanly, so
// the validation raises no false alarm on 2,000 mixed migrations.
func TestReplaySynthetic(t *testing.T) {
	plan := synthPlan(t, 2000)
	p := New(nil)
	if err := p.ReplayPlan(plan); err != nil {
		t.Fatal(err)
	}
	if len(p.Models) < 100 {
		t.Errorf("only %d models after 2,000 migrations", len(p.Models))
	}
}

func BenchmarkReplay(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		plan := synthPlan(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := New(nil).ReplayPlan(plan); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

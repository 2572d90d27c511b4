package project

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/synth"
)

// BenchmarkLoad measures what every command starts with: discovery,
// reading and parsing every migration in parallel, and the graph.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		dir := b.TempDir()
		if _, err := synth.Generate(dir, synth.Options{Seed: 1, Apps: 20, Migrations: n, DataEvery: 20}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				l, err := Load(dir)
				if err != nil {
					b.Fatal(err)
				}
				g := graph.Build(l.Migrations, graph.Options{Apps: l.AppLabels()})
				if len(l.Migrations) != n || len(g.Diagnostics) != 0 || len(l.Diagnostics) != 0 {
					b.Fatalf("%d migrations, %v %v", len(l.Migrations), g.Diagnostics, l.Diagnostics)
				}
			}
		})
	}
}

// BenchmarkParse parses every migration file of a synthetic project on
// one goroutine (Load does it in parallel), from memory.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		dir := b.TempDir()
		if _, err := synth.Generate(dir, synth.Options{Seed: 1, Apps: 20, Migrations: n, DataEvery: 20}); err != nil {
			b.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*", "migrations", "0*.py"))
		var srcs [][]byte
		total := 0
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			srcs = append(srcs, src)
			total += len(src)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(total))
			for i := 0; i < b.N; i++ {
				for _, src := range srcs {
					if _, ds := python.ParseFile("m.py", src); len(ds) > 0 {
						b.Fatal(ds[0])
					}
				}
			}
		})
	}
}

package graph

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/djsquash/djsquash/internal/migration"
)

// benchMigrations builds n migrations over 20 apps: linear per app, with a
// cross-app dependency on about one in five, always on an earlier migration.
func benchMigrations(n int) []*migration.Migration {
	r := rand.New(rand.NewSource(1))
	const apps = 20
	var migs []*migration.Migration
	last := make([]*migration.Migration, apps)
	for i := 0; i < n; i++ {
		a := i % apps
		m := &migration.Migration{Key: Key{App: fmt.Sprintf("app%02d", a), Name: fmt.Sprintf("%04d_m", i/apps+1)}}
		if last[a] != nil {
			m.Dependencies = append(m.Dependencies, migration.Dependency{Key: last[a].Key})
		}
		if o := r.Intn(apps); r.Intn(5) == 0 && last[o] != nil && o != a {
			m.Dependencies = append(m.Dependencies, migration.Dependency{Key: last[o].Key})
		}
		last[a] = m
		migs = append(migs, m)
	}
	return migs
}

func BenchmarkBuildAndPlan(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		migs := benchMigrations(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				g := Build(migs, Options{})
				if len(g.Diagnostics) != 0 || len(g.Plan()) != n {
					b.Fatalf("bad graph: %v", g.Diagnostics)
				}
			}
		})
	}
}

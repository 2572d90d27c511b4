package optimizer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// gen writes random operation sequences that are valid at every step: the
// model of the app it keeps mirrors what the operations do, and each
// operation is chosen among those the current state allows (no removal of a
// field an option or index names, no deletion of a referenced model).
type gen struct {
	r      *rand.Rand
	models []*gmodel
	n      int // counter for fresh names
	ops    []string
}

type gmodel struct {
	name        string
	fields      []gfield
	unique      []string // the one unique_together group, if any
	indexes     map[string][]string
	constraints map[string][]string
}

type gfield struct {
	name string
	fk   string // target model name, "" when not a relation
}

func (g *gen) fresh(prefix string) string {
	g.n++
	return fmt.Sprintf("%s%d", prefix, g.n)
}

func (g *gen) emit(format string, args ...any) { g.ops = append(g.ops, fmt.Sprintf(format, args...)) }

func (g *gen) pick() *gmodel { return g.models[g.r.IntN(len(g.models))] }

// fieldExpr writes a field; fk fields point at a model of the app.
func (g *gen) fieldExpr(f gfield) string {
	if f.fk != "" {
		null := ""
		if g.r.IntN(2) == 0 {
			null = ", null=True"
		}
		return fmt.Sprintf("models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='app.%s'%s)", strings.ToLower(f.fk), null)
	}
	if g.r.IntN(2) == 0 {
		return fmt.Sprintf("models.CharField(max_length=%d)", 10+g.r.IntN(90))
	}
	return fmt.Sprintf("models.IntegerField(default=%d)", g.r.IntN(5))
}

func (g *gen) newField(m *gmodel) gfield {
	f := gfield{name: g.fresh("f")}
	if len(g.models) > 0 && g.r.IntN(4) == 0 {
		f.fk = g.pick().name
		if m != nil && g.r.IntN(3) == 0 {
			f.fk = m.name
		}
	}
	return f
}

// pinned reports a field named by an option, index or constraint.
func (m *gmodel) pinned(name string) bool {
	return slices.Contains(m.unique, name) || m.pinnedByIndex(name)
}

func (g *gen) referenced(name string) bool {
	for _, m := range g.models {
		if m.name == name {
			continue
		}
		for _, f := range m.fields {
			if f.fk == name {
				return true
			}
		}
	}
	return false
}

// freeField returns a non-pk field of m that nothing pins, or "".
func (g *gen) freeField(m *gmodel) int {
	var free []int
	for i, f := range m.fields {
		if f.name != "id" && !m.pinned(f.name) {
			free = append(free, i)
		}
	}
	if len(free) == 0 {
		return -1
	}
	return free[g.r.IntN(len(free))]
}

func (g *gen) step() {
	if len(g.models) == 0 || g.r.IntN(8) == 0 && len(g.models) < 6 {
		m := &gmodel{name: g.fresh("M"), indexes: map[string][]string{}, constraints: map[string][]string{}}
		m.fields = []gfield{{name: "id"}}
		var parts []string
		parts = append(parts, "('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID'))")
		for i := g.r.IntN(3); i > 0; i-- {
			f := g.newField(nil)
			if f.fk == m.name {
				f.fk = ""
			}
			m.fields = append(m.fields, f)
			parts = append(parts, fmt.Sprintf("('%s', %s)", f.name, g.fieldExpr(f)))
		}
		opts := ""
		if g.r.IntN(3) == 0 {
			opts = fmt.Sprintf(", options={'verbose_name': '%s'}", strings.ToLower(m.name))
		}
		g.emit("migrations.CreateModel(name='%s', fields=[%s]%s)", m.name, strings.Join(parts, ", "), opts)
		g.models = append(g.models, m)
		return
	}
	m := g.pick()
	switch g.r.IntN(17) {
	case 0: // DeleteModel
		if g.referenced(m.name) {
			return
		}
		g.emit("migrations.DeleteModel(name='%s')", m.name)
		g.models = slices.DeleteFunc(g.models, func(x *gmodel) bool { return x == m })
	case 1: // RenameModel
		old := m.name
		m.name = g.fresh("R")
		for _, o := range g.models {
			for i := range o.fields {
				if o.fields[i].fk == old {
					o.fields[i].fk = m.name
				}
			}
		}
		g.emit("migrations.RenameModel(old_name='%s', new_name='%s')", old, m.name)
	case 2, 3, 4: // AddField
		f := g.newField(m)
		m.fields = append(m.fields, f)
		g.emit("migrations.AddField(model_name='%s', name='%s', field=%s)", strings.ToLower(m.name), f.name, g.fieldExpr(f))
	case 5, 6, 7: // AlterField
		if i := g.freeField(m); i >= 0 {
			g.emit("migrations.AlterField(model_name='%s', name='%s', field=%s)", strings.ToLower(m.name), m.fields[i].name, g.fieldExpr(m.fields[i]))
		}
	case 8: // RemoveField
		if i := g.freeField(m); i >= 0 {
			g.emit("migrations.RemoveField(model_name='%s', name='%s')", strings.ToLower(m.name), m.fields[i].name)
			m.fields = slices.Delete(m.fields, i, i+1)
		}
	case 9: // RenameField (may rename a unique_together member)
		var cands []int
		for i, f := range m.fields {
			if f.name != "id" && !m.pinnedByIndex(f.name) {
				cands = append(cands, i)
			}
		}
		if len(cands) == 0 {
			return
		}
		i := cands[g.r.IntN(len(cands))]
		old, nw := m.fields[i].name, g.fresh("f")
		f := m.fields[i]
		f.name = nw
		m.fields = append(slices.Delete(m.fields, i, i+1), f)
		for j, u := range m.unique {
			if u == old {
				m.unique[j] = nw
			}
		}
		g.emit("migrations.RenameField(model_name='%s', old_name='%s', new_name='%s')", strings.ToLower(m.name), old, nw)
	case 10: // AlterModelOptions
		opts := []string{}
		if g.r.IntN(2) == 0 {
			opts = append(opts, fmt.Sprintf("'verbose_name': '%s'", g.fresh("v")))
		}
		if g.r.IntN(2) == 0 {
			opts = append(opts, "'ordering': ['id']")
		}
		g.emit("migrations.AlterModelOptions(name='%s', options={%s})", strings.ToLower(m.name), strings.Join(opts, ", "))
	case 11: // AlterModelTable
		g.emit("migrations.AlterModelTable(name='%s', table='%s')", strings.ToLower(m.name), g.fresh("t"))
	case 12: // AlterUniqueTogether
		var names []string
		for _, f := range m.fields {
			if f.name != "id" {
				names = append(names, f.name)
			}
		}
		if len(names) >= 2 && g.r.IntN(3) != 0 {
			a, b := names[g.r.IntN(len(names))], names[g.r.IntN(len(names))]
			if a == b {
				return
			}
			m.unique = []string{a, b}
			g.emit("migrations.AlterUniqueTogether(name='%s', unique_together={('%s', '%s')})", strings.ToLower(m.name), a, b)
		} else {
			m.unique = nil
			g.emit("migrations.AlterUniqueTogether(name='%s', unique_together=set())", strings.ToLower(m.name))
		}
	case 13: // AddIndex / RemoveIndex / RenameIndex
		if len(m.indexes) > 0 && g.r.IntN(2) == 0 {
			var names []string
			for n := range m.indexes {
				names = append(names, n)
			}
			slices.Sort(names)
			n := names[g.r.IntN(len(names))]
			if g.r.IntN(2) == 0 {
				g.emit("migrations.RemoveIndex(model_name='%s', name='%s')", strings.ToLower(m.name), n)
				delete(m.indexes, n)
			} else {
				nw := g.fresh("idx")
				m.indexes[nw] = m.indexes[n]
				delete(m.indexes, n)
				g.emit("migrations.RenameIndex(model_name='%s', new_name='%s', old_name='%s')", strings.ToLower(m.name), nw, n)
			}
			return
		}
		if i := g.freeField(m); i >= 0 {
			n := g.fresh("idx")
			m.indexes[n] = []string{m.fields[i].name}
			g.emit("migrations.AddIndex(model_name='%s', index=models.Index(fields=['%s'], name='%s'))", strings.ToLower(m.name), m.fields[i].name, n)
		}
	case 14: // constraints
		if len(m.constraints) > 0 && g.r.IntN(2) == 0 {
			var names []string
			for n := range m.constraints {
				names = append(names, n)
			}
			slices.Sort(names)
			n := names[g.r.IntN(len(names))]
			if g.r.IntN(2) == 0 {
				g.emit("migrations.RemoveConstraint(model_name='%s', name='%s')", strings.ToLower(m.name), n)
				delete(m.constraints, n)
			} else {
				g.emit("migrations.AlterConstraint(model_name='%s', name='%s', constraint=models.UniqueConstraint(fields=('%s',), name='%s', violation_error_message='%s'))",
					strings.ToLower(m.name), n, m.constraints[n][0], n, g.fresh("msg"))
			}
			return
		}
		if i := g.freeField(m); i >= 0 {
			n := g.fresh("uc")
			m.constraints[n] = []string{m.fields[i].name}
			g.emit("migrations.AddConstraint(model_name='%s', constraint=models.UniqueConstraint(fields=('%s',), name='%s'))", strings.ToLower(m.name), m.fields[i].name, n)
		}
	case 15: // data operations
		el := ""
		if g.r.IntN(2) == 0 {
			el = ", elidable=True"
		}
		if g.r.IntN(2) == 0 {
			g.emit("migrations.RunPython(code=migrations.RunPython.noop%s)", el)
		} else {
			g.emit("migrations.RunSQL(sql='SELECT 1'%s)", el)
		}
	case 16: // AlterModelManagers
		g.emit("migrations.AlterModelManagers(name='%s', managers=[('%s', models.Manager())])", strings.ToLower(m.name), g.fresh("mgr"))
	}
}

func (m *gmodel) pinnedByIndex(name string) bool {
	for _, fs := range m.indexes {
		if slices.Contains(fs, name) {
			return true
		}
	}
	for _, fs := range m.constraints {
		if slices.Contains(fs, name) {
			return true
		}
	}
	return false
}

// randomCases returns n seeded sequences of 4 to 30 operations.
func randomCases(seed uint64, n int) []tcase {
	var out []tcase
	for i := range n {
		g := &gen{r: rand.New(rand.NewPCG(seed, uint64(i)))}
		length := 4 + g.r.IntN(27)
		for len(g.ops) < length {
			g.step()
		}
		out = append(out, tcase{name: fmt.Sprintf("random_%d_%d", seed, i), app: "app", input: "[\n    " + strings.Join(g.ops, ",\n    ") + ",\n]"})
	}
	return out
}

// TestRandomSequencesMatchDjango: thousands of random, state-valid
// sequences optimize to Django's list, or (where Django's list fails
// replay) to a valid one; every result replays to the input's state.
func TestRandomSequencesMatchDjango(t *testing.T) {
	cases := randomCases(1, 2000)
	for _, c := range cases {
		if _, err := replay(c.app, parseOps(t, c.app, c.input)); err != nil {
			t.Fatalf("%s: the generator wrote an invalid sequence: %v\n%s", c.name, err, c.input)
		}
	}
	for _, v := range []djangotest.Version{"5.2", "6.1"} {
		t.Run("django"+string(v), func(t *testing.T) {
			t.Parallel()
			// Against 6.1 with the rules djsquash ships (the main branch's),
			// against 5.2 with 5.2's.
			deviated, longer := differentialLengths(t, djangotest.RequireDjango(t, v), cases, true)
			reasons := map[string]int{}
			for _, r := range deviated {
				if strings.HasPrefix(r, "input fails in real Django") {
					r = "input fails in real Django (not judged)"
				}
				reasons[r]++
			}
			t.Logf("Django %s: %d random sequences, %d where Django's result fails replay and ours does not: %v", v, len(cases), len(deviated), reasons)
			// Where Django's list is invalid, ours is valid: how much longer.
			dist := map[int]int{}
			notLonger := 0
			for name, d := range longer {
				dist[d]++
				if d <= 0 {
					notLonger++
				}
				// Moving operations across RenameModel with their
				// references rewritten, and repairing Django's invalid list
				// (stale names rewritten, reordered, cycles split into an
				// AddField), took "no longer" from 48% to 97.6% (5.2) and
				// 96.4% (6.1), and the worst from 13 longer to 1. (Against
				// 6.1 with 5.2's rules, as this test compared before, two
				// cases were 3 and 14 longer: 6.1 absorbs AlterConstraint
				// into CreateModel, as the main-branch rules djsquash ships
				// do.)
				const limit = 2
				if d > limit {
					t.Errorf("%s: ours is %d operations longer than Django's invalid list (at most %d)", name, d, limit)
				} else if d > 2 {
					t.Logf("%s: ours is %d operations longer than Django's invalid list", name, d)
				}
			}
			if n := len(longer); n > 0 {
				t.Logf("Django %s: ours minus Django's operations where Django's list is invalid: %v; no longer in %d of %d (%.1f%%)", v, dist, notLonger, n, 100*float64(notLonger)/float64(n))
				if float64(notLonger) < 0.95*float64(n) {
					t.Errorf("no longer than Django's invalid list in %d of %d cases, want at least 95%%", notLonger, n)
				}
			}
		})
	}
}

package optimizer

import (
	"maps"
	"slices"
	"strings"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// Django's list is sometimes invalid only in its names and its order: it
// folded a RenameModel into the model's CreateModel but left the keys of
// other models naming the old name, and moved those models ahead of the
// one they point at. Its length is real: the same operations, their keys
// pointing at the renamed model and put in an order where every model
// exists before it is pointed at, reach the state the history reaches.
// repair builds that list; Optimize takes it when it replays, reaches the
// history's state (Options.Same) and is shorter than the rewritten one.

// RepairedDjango names a result that is Django's own list with its stale
// names rewritten and its operations reordered.
const RepairedDjango Deviation = "Django's list with the keys it leaves on renamed models rewritten and its operations reordered so each model exists before it is pointed at"

// repair rewrites and reorders Django's invalid list djangoOps (from
// input); false when it cannot (special operations, a cycle, a name it
// cannot follow).
func (o *optimizer) repair(input, djangoOps []m.Operation) ([]m.Operation, bool) {
	// Every model name ever renamed, to the name it ends as.
	renamed := map[string]string{}
	for _, op := range input {
		if r, ok := op.(*m.RenameModel); ok {
			renamed[lower(r.OldName)] = r.NewName
		}
	}
	final := func(name string) string {
		seen := map[string]bool{}
		for {
			next, ok := renamed[lower(name)]
			if !ok || seen[lower(name)] {
				return name
			}
			seen[lower(name)] = true
			name = next
		}
	}
	created := map[string]bool{}
	for _, op := range djangoOps {
		if c, ok := op.(*m.CreateModel); ok {
			created[lower(c.Model)] = true
		}
	}
	// Point every stale name at the name the model ends as, when Django's
	// list creates that one and not the stale one.
	out := make([]m.Operation, len(djangoOps))
	copy(out, djangoOps)
	for _, old := range slices.Sorted(maps.Keys(renamed)) {
		if created[old] {
			continue
		}
		to := final(old)
		if !created[lower(to)] {
			continue
		}
		for i, op := range out {
			if special(op) {
				continue // never moved; what it names is its own business
			}
			y, ok := o.retargetModel(op, old, to)
			if !ok {
				return nil, false
			}
			out[i] = y
		}
	}
	// A RenameModel Django kept (a special operation stopped the fold):
	// what comes after it and names the old name names the new one.
	gone := map[string]string{}
	for i, op := range out {
		if r, ok := op.(*m.RenameModel); ok {
			// Names renamed before now end where this one does.
			for old, to := range gone {
				if lower(to) == lower(r.OldName) {
					gone[old] = r.NewName
				}
			}
			gone[lower(r.OldName)] = r.NewName
			continue
		}
		if special(op) {
			continue
		}
		for old, to := range gone {
			y, ok := o.retargetModel(out[i], old, to)
			if !ok {
				return nil, false
			}
			out[i] = y
		}
	}
	// Special operations (RunPython, RunSQL, custom) keep their places:
	// moving anything past them changes what they see. Only the runs
	// between them are reordered.
	var sorted []m.Operation
	start := 0
	for i := 0; i <= len(out); i++ {
		if i < len(out) && !special(out[i]) {
			continue
		}
		run, ok := o.creationOrder(out[start:i])
		if !ok {
			return nil, false
		}
		sorted = append(sorted, run...)
		if i < len(out) {
			sorted = append(sorted, out[i])
		}
		start = i + 1
	}
	return sorted, true
}

// special reports an operation whose place a reorder must keep.
func special(op m.Operation) bool {
	switch op.(type) {
	case *m.RunPython, *m.RunSQL, *m.SeparateDatabaseAndState, *m.Opaque:
		return true
	}
	return false
}

// creationOrder sorts ops so that each CreateModel comes before every
// operation that names its model (topo), breaking each cycle of models
// pointing at each other as the autodetector does: one key leaves its
// CreateModel for an AddField after both models exist.
func (o *optimizer) creationOrder(ops []m.Operation) ([]m.Operation, bool) {
	ops = append([]m.Operation(nil), ops...)
	for tries := 0; tries < 8; tries++ {
		out, stuck := o.topo(ops)
		if stuck == nil {
			return out, true
		}
		if !o.splitKey(&ops, stuck) {
			return nil, false
		}
	}
	return nil, false
}

// splitKey moves one key of a CreateModel among the stuck operations,
// pointing at a model another stuck one creates, to an AddField at the
// end of ops.
func (o *optimizer) splitKey(ops *[]m.Operation, stuck []int) bool {
	creates := map[string]int{}
	for _, i := range stuck {
		if c, ok := (*ops)[i].(*m.CreateModel); ok {
			creates[o.app+"."+lower(c.Model)] = i
		}
	}
	for _, i := range stuck {
		c, ok := (*ops)[i].(*m.CreateModel)
		if !ok {
			continue
		}
		for k, f := range c.Fields {
			v := c.Op.Value(f.Value)
			fi := o.field(v)
			if fi.Unknown || fi.To == "" || fi.Through != "" {
				continue
			}
			j, ok := creates[m.ResolveModel(fi.To, o.app, c.Model)]
			if !ok || j == i {
				continue
			}
			// Options naming the field (an index, a constraint, a unique
			// set) need it in the CreateModel: not this key.
			if c.Options != nil {
				opts := python.FormatExpr(nil, c.Op.Value(c.Options), 0, "")
				if strings.Contains(opts, `"`+f.Name+`"`) || strings.Contains(opts, `'`+f.Name+`'`) {
					continue
				}
			}
			n := &m.CreateModel{Op: synth("CreateModel"), Model: c.Model, Options: c.Op.Value(c.Options), Bases: c.Op.Value(c.Bases), Managers: c.Op.Value(c.Managers)}
			for l, g := range c.Fields {
				if l != k {
					n.Fields = append(n.Fields, m.Field{Name: g.Name, Value: c.Op.Value(g.Value), Pos: -1, End: -1})
				}
			}
			(*ops)[i] = n
			*ops = append(*ops, &m.AddField{Op: synth("AddField"), Model: c.Model, Field: f.Name, Value: v})
			return true
		}
	}
	return false
}

// topo is the stable order creationOrder wants (among the operations
// ready, the earliest first; operations of one model in their order); on
// a cycle it returns the operations left (stuck).
func (o *optimizer) topo(ops []m.Operation) ([]m.Operation, []int) {
	n := len(ops)
	creator := map[string]int{}
	for i, op := range ops {
		if c, ok := op.(*m.CreateModel); ok {
			creator[lower(c.Model)] = i
		}
	}
	after := make([][]int, n) // after[i]: operations that must come after i
	indeg := make([]int, n)
	edge := func(a, b int) {
		if a == b || slices.Contains(after[a], b) {
			return
		}
		after[a] = append(after[a], b)
		indeg[b]++
	}
	for i, op := range ops {
		for model, c := range creator {
			if c != i && o.mentionsModel(op, model) {
				edge(c, i)
			}
		}
	}
	// Operations on one model keep their order.
	for i := range ops {
		for j := i + 1; j < n; j++ {
			if o.sameModel(ops[i], ops[j]) {
				edge(i, j)
			}
		}
	}
	var out []m.Operation
	done := make([]bool, n)
	for len(out) < n {
		next := -1
		for i := 0; i < n; i++ {
			if !done[i] && indeg[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 {
			var stuck []int // a cycle: models pointing at each other
			for i := range ops {
				if !done[i] {
					stuck = append(stuck, i)
				}
			}
			return nil, stuck
		}
		done[next] = true
		out = append(out, ops[next])
		for _, b := range after[next] {
			indeg[b]--
		}
	}
	return out, nil
}

// sameModel reports two operations on one model (their own model, as
// model_name or name says).
func (o *optimizer) sameModel(a, b m.Operation) bool {
	ma, ok1 := opModel(a)
	mb, ok2 := opModel(b)
	return !ok1 || !ok2 || lower(ma) == lower(mb)
}

// opModel is the model an operation is on.
func opModel(op m.Operation) (string, bool) {
	switch x := op.(type) {
	case *m.CreateModel:
		return x.Model, true
	case *m.AddField:
		return x.Model, true
	case *m.AlterField:
		return x.Model, true
	case *m.RemoveField:
		return x.Model, true
	case *m.RenameField:
		return x.Model, true
	case *m.RenameModel:
		return "", false
	}
	if mdl, ok := ownModel(op); ok {
		return mdl, true
	}
	if mdl := m.OptionModel(op); mdl != "" {
		return mdl, true
	}
	return "", false
}

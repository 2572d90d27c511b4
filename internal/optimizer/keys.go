package optimizer

import (
	"slices"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// Django's optimize_inner compares every operation with every later one:
// quadratic in the length of the list, and a range of thousands of
// operations on one model took minutes. Most pairs cannot interact: reduce
// of an operation a with a later b gives a list, or stops a from moving
// past b, only when b names or refers to a model or field a names (see
// refModel and refField), or one of them is elidable, or b refers to
// everything. keys records that much per operation, so that a scan can go
// straight to the operations that may interact and skip the rest, whose
// answer is known: b is passed through, nothing reduced. The answers are
// the same as the full scan's, so the result is Django's list.

// key is a model ("app.model", lower case) or one of its fields (lower
// case: RenameField compares names without case).
type key struct{ model, field string }

// opKeys is what one operation names and refers to.
type opKeys struct {
	// all is set for operations whose references_model is True for any
	// model (DeleteModel, index and constraint operations, special and
	// opaque ones), for elidable ones, and wherever an expression cannot
	// be read.
	all bool
	// names are the model (field "") or fields the operation is about.
	names []key
	// refs are names plus what its fields relate to.
	refs []key
}

// keysOf computes an operation's keys (cached by id).
func (o *optimizer) keysOf(op m.Operation, id int32) *opKeys {
	if k := o.keys[id]; k != nil {
		return k
	}
	k := &opKeys{}
	own := func(model string) string { return o.app + "." + lower(model) }
	name := func(model, field string) {
		kk := key{own(model), lower(field)}
		k.names = append(k.names, kk)
		k.refs = append(k.refs, kk)
	}
	relations := func(fromModel string, value python.Expr) {
		fi := o.field(value)
		if fi.Unknown {
			k.all = true
			return
		}
		for _, target := range []string{fi.To, fi.Through} {
			if target != "" {
				k.refs = append(k.refs, key{m.ResolveModel(target, o.app, fromModel), ""})
			}
		}
		for _, f := range slices.Concat(fi.FromFields, fi.Generated) {
			k.refs = append(k.refs, key{own(fromModel), lower(f)})
		}
	}
	if elidable(op) {
		k.all = true
	}
	switch x := op.(type) {
	case *m.CreateModel:
		name(x.Model, "")
		if x.Bases != nil {
			bases, ok := m.Elements(x.Bases)
			if !ok {
				k.all = true
			}
			for _, b := range bases {
				if c, ok := python.Unwrap(b).(*python.Constant); ok && c.Kind == python.Str {
					k.refs = append(k.refs, key{m.ResolveModel(c.Value, o.app, x.Model), ""})
				}
			}
		}
		for _, f := range x.Fields {
			relations(x.Model, f.Value)
		}
	case *m.RenameModel:
		name(x.OldName, "")
		name(x.NewName, "")
	case *m.AlterModelTable, *m.AlterModelTableComment, *m.AlterUniqueTogether, *m.AlterIndexTogether,
		*m.AlterOrderWithRespectTo, *m.AlterModelOptions, *m.AlterModelManagers:
		name(m.OptionModel(op), "")
	case *m.AddField:
		name(x.Model, x.Field)
		relations(x.Model, x.Value)
	case *m.AlterField:
		name(x.Model, x.Field)
		relations(x.Model, x.Value)
	case *m.RemoveField:
		name(x.Model, x.Field)
	case *m.RenameField:
		name(x.Model, x.OldName)
		name(x.Model, x.NewName)
	default:
		k.all = true // DeleteModel, index, constraint, special and opaque operations
	}
	o.keys[id] = k
	return k
}

// keyIndex lists, per key, the positions of a pass's operations that
// refer to it, in order.
type keyIndex struct {
	all   []int            // positions of operations with opKeys.all
	whole map[string][]int // model -> positions referring to the whole model
	any   map[string][]int // model -> positions referring to it or any of its fields
	field map[key][]int    // field -> positions referring to it
}

func (o *optimizer) index(ops []m.Operation, ids []int32) *keyIndex {
	ix := &keyIndex{whole: map[string][]int{}, any: map[string][]int{}, field: map[key][]int{}}
	add := func(list []int, j int) []int {
		if n := len(list); n > 0 && list[n-1] == j {
			return list
		}
		return append(list, j)
	}
	for j, op := range ops {
		k := o.keysOf(op, ids[j])
		if k.all {
			ix.all = append(ix.all, j)
			continue
		}
		for _, r := range k.refs {
			ix.any[r.model] = add(ix.any[r.model], j)
			if r.field == "" {
				ix.whole[r.model] = add(ix.whole[r.model], j)
			} else {
				ix.field[r] = add(ix.field[r], j)
			}
		}
	}
	return ix
}

// candidates are the positions after i whose operations may interact with
// the operation at i (whose keys are k), in order.
func (ix *keyIndex) candidates(i int, k *opKeys, buf []int) []int {
	out := buf[:0]
	after := func(list []int) {
		n, _ := slices.BinarySearch(list, i+1)
		out = append(out, list[n:]...)
	}
	after(ix.all)
	for _, n := range k.names {
		if n.field == "" {
			after(ix.any[n.model])
		} else {
			after(ix.field[n])
			after(ix.whole[n.model])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

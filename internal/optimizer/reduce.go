package optimizer

import (
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// verdict is what Django's Operation.reduce returns: a list of operations
// replacing both (list set, ops possibly empty), or whether the other
// operation can be optimized across (through).
type verdict struct {
	list    bool
	ops     []m.Operation
	through bool
}

func replaced(ops ...m.Operation) verdict { return verdict{list: true, ops: ops} }
func across(ok bool) verdict              { return verdict{through: ok} }

func elidable(op m.Operation) bool {
	switch x := op.(type) {
	case *m.RunSQL:
		return x.Elidable
	case *m.RunPython:
		return x.Elidable
	}
	return false
}

// baseReduce is Operation.reduce: elidable operations vanish.
func baseReduce(a, b m.Operation) verdict {
	switch {
	case elidable(a):
		return replaced(b)
	case elidable(b):
		return replaced(a)
	}
	return verdict{}
}

// reduce is a.reduce(b, app_label), class by class.
func (o *optimizer) reduce(a, b m.Operation) verdict {
	switch x := a.(type) {
	case *m.CreateModel:
		if v, ok := o.reduceCreateModel(x, b); ok {
			return v
		}
		return o.modelReduce(a, x.Model, b)
	case *m.DeleteModel:
		return o.modelReduce(a, x.Model, b)
	case *m.RenameModel:
		if r, ok := b.(*m.RenameModel); ok && lower(x.NewName) == lower(r.OldName) {
			return replaced(&m.RenameModel{Op: synth("RenameModel"), OldName: x.OldName, NewName: r.NewName})
		}
		if v := baseReduce(a, b); v.list {
			return v
		}
		return across(!o.refModel(b, x.NewName))
	case *m.AlterModelTable, *m.AlterModelTableComment, *m.AlterUniqueTogether, *m.AlterIndexTogether,
		*m.AlterOrderWithRespectTo, *m.AlterModelOptions, *m.AlterModelManagers:
		name := m.OptionModel(a)
		// ModelOptionOperation: a later operation of the same class (or
		// the model's deletion) supersedes this one.
		if d, ok := b.(*m.DeleteModel); ok && lower(d.Model) == lower(name) {
			return replaced(b)
		}
		if m.Base(b) != nil && m.Base(a).Class == m.Base(b).Class && lower(m.OptionModel(b)) == lower(name) {
			return replaced(b)
		}
		v := o.modelReduce(a, name, b)
		if !v.list && !v.through && isTogether(a) && isTogether(b) && m.Base(a).Class != m.Base(b).Class {
			v.through = true
		}
		return v
	case *m.AddField:
		if fb, ok := fieldOp(b); ok && sameField(x.Model, x.Field, fb) {
			switch y := b.(type) {
			case *m.AlterField:
				if !o.django52 && m.DefaultText(x.Op.Value(x.Value)) != m.DefaultText(y.Op.Value(y.Value)) {
					// The AddField's default is what rows that exist
					// when it runs get (netbox's users.0014 marks
					// existing tokens version=1, then makes 2 the
					// default); the merged AddField would give them the
					// AlterField's. Only a CreateModel, whose table is
					// empty, may absorb both.
					o.deviations[DefaultForExistingRows] = true
					return verdict{}
				}
				// The merged operation adds the AlterField's field: its
				// preserve_default is the one that decides the state.
				return replaced(&m.AddField{Op: synth("AddField"), Model: x.Model, Field: y.Field, Value: y.Op.Value(y.Value), PreserveDefault: o.keep(y.Op, y.PreserveDefault)})
			case *m.RemoveField:
				return replaced()
			case *m.RenameField:
				return replaced(&m.AddField{Op: synth("AddField"), Model: x.Model, Field: y.NewName, Value: x.Op.Value(x.Value), PreserveDefault: o.keep(x.Op, x.PreserveDefault)})
			}
		}
		return o.fieldReduce(a, x.Model, x.Field, b)
	case *m.RemoveField:
		if d, ok := b.(*m.DeleteModel); ok && lower(d.Model) == lower(x.Model) {
			return replaced(b)
		}
		return o.fieldReduce(a, x.Model, x.Field, b)
	case *m.AlterField:
		if fb, ok := fieldOp(b); ok && sameField(x.Model, x.Field, fb) {
			switch y := b.(type) {
			case *m.AlterField, *m.RemoveField:
				return replaced(b)
			case *m.RenameField:
				if fi := o.field(x.Value); !fi.Unknown && !fi.DBColumn {
					return replaced(b, &m.AlterField{Op: synth("AlterField"), Model: x.Model, Field: y.NewName, Value: x.Op.Value(x.Value), PreserveDefault: o.keep(x.Op, x.PreserveDefault)})
				}
			}
		}
		return o.fieldReduce(a, x.Model, x.Field, b)
	case *m.RenameField:
		if r, ok := b.(*m.RenameField); ok && lower(r.Model) == lower(x.Model) && lower(x.NewName) == lower(r.OldName) {
			return replaced(&m.RenameField{Op: synth("RenameField"), Model: x.Model, OldName: x.OldName, NewName: r.NewName})
		}
		if v := baseReduce(a, b); v.list {
			return v
		}
		return across(!(o.refField(b, x.Model, x.OldName) || o.refField(b, x.Model, x.NewName)))
	case *m.AddIndex:
		switch y := b.(type) {
		case *m.RemoveIndex:
			if x.IndexName != "" && x.IndexName == y.Index {
				return replaced()
			}
		case *m.RenameIndex:
			if x.IndexName != "" && y.OldName != "" && x.IndexName == y.OldName {
				if idx, ok := m.SetName(x.Op.Value(x.Index), y.NewName); ok {
					return replaced(&m.AddIndex{Op: synthLike(x.Op), Model: x.Model, Index: idx, IndexName: y.NewName, Concurrently: x.Concurrently})
				}
			}
		}
		return baseReduce(a, b)
	case *m.RenameIndex:
		if r, ok := b.(*m.RenameIndex); ok && lower(r.Model) == lower(x.Model) && r.OldName != "" && lower(x.NewName) == lower(r.OldName) {
			return replaced(&m.RenameIndex{Op: synth("RenameIndex"), Model: x.Model, NewName: r.NewName, OldName: x.OldName, OldFields: x.Op.Value(x.OldFields)})
		}
		return baseReduce(a, b)
	case *m.AddConstraint:
		if x.ConstraintName != "" {
			switch y := b.(type) {
			case *m.RemoveConstraint:
				if lower(y.Model) == lower(x.Model) && y.Constraint == x.ConstraintName {
					return replaced()
				}
			case *m.AlterConstraint:
				if lower(y.Model) == lower(x.Model) && y.Constraint == x.ConstraintName {
					class := synthLike(x.Op)
					if o.django52 {
						class = synth("AddConstraint")
					}
					return replaced(&m.AddConstraint{Op: class, Model: x.Model, Constraint: y.Op.Value(y.Value), ConstraintName: nameOf(y.Value), NotValid: x.NotValid})
				}
			}
		}
		return baseReduce(a, b)
	case *m.AlterConstraint:
		switch y := b.(type) {
		case *m.AlterConstraint:
			if lower(y.Model) == lower(x.Model) && y.Constraint == x.Constraint {
				return replaced(b)
			}
		case *m.RemoveConstraint:
			if lower(y.Model) == lower(x.Model) && y.Constraint == x.Constraint {
				return replaced(b)
			}
		}
		return baseReduce(a, b)
	}
	return baseReduce(a, b)
}

// modelReduce is ModelOperation.reduce: elidable operations vanish, and an
// operation that does not reference the model can be crossed.
func (o *optimizer) modelReduce(a m.Operation, name string, b m.Operation) verdict {
	if v := baseReduce(a, b); v.list {
		return v
	}
	return across(!o.refModel(b, name))
}

// fieldReduce is FieldOperation.reduce.
func (o *optimizer) fieldReduce(a m.Operation, model, field string, b m.Operation) verdict {
	if v := baseReduce(a, b); v.list {
		return v
	}
	return across(!o.refField(b, model, field))
}

func isTogether(op m.Operation) bool {
	switch op.(type) {
	case *m.AlterUniqueTogether, *m.AlterIndexTogether:
		return true
	}
	return false
}

// fieldOp returns the model and field (old name for RenameField) of a
// FieldOperation.
type fieldRef struct{ model, name string }

func fieldOp(op m.Operation) (fieldRef, bool) {
	switch x := op.(type) {
	case *m.AddField:
		return fieldRef{x.Model, x.Field}, true
	case *m.AlterField:
		return fieldRef{x.Model, x.Field}, true
	case *m.RemoveField:
		return fieldRef{x.Model, x.Field}, true
	case *m.RenameField:
		return fieldRef{x.Model, x.OldName}, true
	}
	return fieldRef{}, false
}

func sameField(model, name string, f fieldRef) bool {
	return lower(model) == lower(f.model) && lower(name) == lower(f.name)
}

// keep carries preserve_default into a merged field operation, as the main
// branch's replace() does; 5.2 rebuilt the operation without it.
func (o *optimizer) keep(op m.Op, preserve python.Expr) python.Expr {
	if o.django52 {
		return nil
	}
	return op.Value(preserve)
}

// synth is the Op of a new operation of class.
func synth(class string) m.Op { return m.Op{Class: class} }

// synthLike keeps the class of a variant (AddIndexConcurrently).
func synthLike(o m.Op) m.Op { return m.Op{Class: o.Class} }

// nameOf is the literal name= of an index or constraint call, or "".
func nameOf(e python.Expr) string {
	c, ok := python.Unwrap(e).(*python.Call)
	if !ok {
		return ""
	}
	for _, k := range c.Keywords {
		if k.Arg == "name" {
			s, _ := m.LiteralString(k.Value)
			return s
		}
	}
	return ""
}

// items returns the elements of a display, each tied to its source.
func items(e python.Expr) ([]python.Expr, bool) {
	inner, src := python.SourceOf(nil, e)
	elts, ok := m.Elements(inner)
	if !ok {
		return nil, false
	}
	out := make([]python.Expr, len(elts))
	for i, el := range elts {
		out[i] = python.InSource(src, el)
	}
	return out, true
}

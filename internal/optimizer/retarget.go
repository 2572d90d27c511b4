package optimizer

import (
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// Moving an operation across a RenameModel changes which name is valid
// for the model at the operation's new point. Django moves it anyway and
// keeps the old name (ticket #32263 and its kin: its list then fails to
// migrate); the barriers refuse the move, which keeps the list valid but
// longer than Django's. In between, an operation can be moved with its
// references rewritten: across RenameModel(Old, New) forwards, every
// reference to Old becomes New. retargetModel does that for the operations
// whose references it can read and rewrite exactly, and refuses the rest
// (which keep their barrier).

// RewrittenThroughRename names a reduction kept across a rename by
// rewriting the moved operations' references (Django moves them and keeps
// the old name, so its list fails).
const RewrittenThroughRename Deviation = "operation moved across a RenameModel with its references rewritten to the new name (Django keeps the old one, ticket #32263)"

// retargetModel returns op with every reference to model oldName (of this
// app) made to newName, and whether it could; op itself when nothing
// refers to oldName.
func (o *optimizer) retargetModel(op m.Operation, oldName, newName string) (m.Operation, bool) {
	if !o.mentionsModel(op, oldName) {
		return op, true
	}
	oldRef := o.app + "." + lower(oldName)
	newRef := o.app + "." + lower(newName)
	same := func(s string) bool { return lower(s) == lower(oldName) }
	model := func(s string) string {
		if same(s) {
			return newName
		}
		return s
	}
	// value retargets a field's relation; owner is the model it is on.
	value := func(owner string, v python.Expr) (python.Expr, bool) {
		fi := o.field(v)
		if fi.Unknown {
			return nil, false
		}
		to := fi.To != "" && fi.To != "self" && m.ResolveModel(fi.To, o.app, owner) == oldRef
		through := fi.Through != "" && m.ResolveModel(fi.Through, o.app, owner) == oldRef
		if fi.To == "self" && same(owner) {
			return v, true // "self" follows the model
		}
		if !to && !through {
			return v, true
		}
		return m.Retarget(v, to, through, newRef)
	}
	switch x := op.(type) {
	case *m.AddField:
		v, ok := value(x.Model, x.Op.Value(x.Value))
		if !ok {
			return nil, false
		}
		return &m.AddField{Op: synthLike(x.Op), Model: model(x.Model), Field: x.Field, Value: v, PreserveDefault: x.Op.Value(x.PreserveDefault)}, true
	case *m.AlterField:
		v, ok := value(x.Model, x.Op.Value(x.Value))
		if !ok {
			return nil, false
		}
		return &m.AlterField{Op: synthLike(x.Op), Model: model(x.Model), Field: x.Field, Value: v, PreserveDefault: x.Op.Value(x.PreserveDefault)}, true
	case *m.RemoveField:
		return &m.RemoveField{Op: synthLike(x.Op), Model: model(x.Model), Field: x.Field}, true
	case *m.RenameField:
		return &m.RenameField{Op: synthLike(x.Op), Model: model(x.Model), OldName: x.OldName, NewName: x.NewName}, true
	case *m.CreateModel:
		if same(x.Model) || x.Bases != nil {
			return nil, false // the model itself, or bases to read
		}
		n := &m.CreateModel{Op: synth("CreateModel"), Model: x.Model, Options: x.Op.Value(x.Options), Managers: x.Op.Value(x.Managers)}
		for _, f := range x.Fields {
			v, ok := value(x.Model, x.Op.Value(f.Value))
			if !ok {
				return nil, false
			}
			n.Fields = append(n.Fields, m.Field{Name: f.Name, Value: v, Pos: -1, End: -1})
		}
		return n, true
	case *m.AlterModelOptions:
		return &m.AlterModelOptions{Op: synthLike(x.Op), Model: model(x.Model), Options: x.Op.Value(x.Options)}, true
	case *m.AlterUniqueTogether:
		return &m.AlterUniqueTogether{Op: synthLike(x.Op), Model: model(x.Model), Value: x.Op.Value(x.Value)}, true
	case *m.AlterIndexTogether:
		return &m.AlterIndexTogether{Op: synthLike(x.Op), Model: model(x.Model), Value: x.Op.Value(x.Value)}, true
	case *m.AddIndex:
		return &m.AddIndex{Op: synthLike(x.Op), Model: model(x.Model), Index: x.Op.Value(x.Index), IndexName: x.IndexName}, true
	case *m.RemoveIndex:
		return &m.RemoveIndex{Op: synthLike(x.Op), Model: model(x.Model), Index: x.Index}, true
	case *m.AddConstraint:
		return &m.AddConstraint{Op: synthLike(x.Op), Model: model(x.Model), Constraint: x.Op.Value(x.Constraint), ConstraintName: x.ConstraintName}, true
	case *m.RemoveConstraint:
		return &m.RemoveConstraint{Op: synthLike(x.Op), Model: model(x.Model), Constraint: x.Constraint}, true
	}
	return nil, false
}

// moveForwardThrough rewrites ops moved from before the operations of
// between to after them: across each RenameModel, references to its old
// name become its new one. It fails where a conflict is not a
// RenameModel's old name (a RenameField, a rename moved itself, an
// operation naming the new name before it exists).
func (o *optimizer) moveForwardThrough(ops, between []m.Operation) ([]m.Operation, bool) {
	out := append([]m.Operation(nil), ops...)
	for _, b := range between {
		for i, x := range out {
			if !o.crossConflict(x, b) {
				continue
			}
			r, ok := b.(*m.RenameModel)
			if !ok || o.mentionsModel(x, r.NewName) {
				return nil, false
			}
			if _, isRename := x.(*m.RenameModel); isRename {
				return nil, false
			}
			y, ok := o.retargetModel(x, r.OldName, r.NewName)
			if !ok || o.crossConflict(y, b) {
				return nil, false
			}
			out[i] = y
		}
	}
	return out, true
}

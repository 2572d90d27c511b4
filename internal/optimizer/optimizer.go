// Package optimizer is Django's MigrationOptimizer over djsquash's operation
// structs: the same optimize loop (right reductions, left reductions through
// in-between operations, repeated until nothing changes) and every reduce()
// rule of current Django (5.2 and the main branch), so that on valid input
// the result is the list Django would write.
//
// Correct before identical: where Django's rules produce an invalid list,
// this optimizer adds the missing barrier and says so in Deviations; each
// one has a named test showing Django's list failing replay and ours
// passing. Opaque operations (custom classes, computed entries) reference
// everything and reduce with nothing: they are barriers.
//
// Operations built by a reduction are synthesized (no Call): their values
// are the source expressions they came from, wrapped in python.Foreign, or
// new synthesized nodes. Input operations are never modified.
package optimizer

import (
	m "github.com/djsquash/djsquash/internal/migration"
)

// Deviation names a case where this optimizer deliberately differs from
// Django's because Django's result would be invalid.
type Deviation string

const (
	// LeftThroughRename: Django moves an in-between operation after a
	// left reduction with RenameModel/RenameField although the operation
	// refers to the old name (ticket #32263): its reference then names a
	// model or field that no longer exists.
	LeftThroughRename Deviation = "left reduction across a rename of what an in-between operation references (Django ticket #32263)"
)

// Result is an optimization's outcome.
type Result struct {
	Operations []m.Operation
	// Iterations counts passes of the outer loop, as Django's
	// _iterations does.
	Iterations int
	// Deviations lists the barriers that changed the result from what
	// Django would produce.
	Deviations []Deviation
}

type optimizer struct {
	app        string
	settings   m.Settings
	deviations map[Deviation]bool
}

// Optimize optimizes the operations of one app's migrations. settings
// resolves settings.X relation targets (nil: Django's defaults).
func Optimize(ops []m.Operation, app string, settings m.Settings) Result {
	if settings == nil {
		settings = m.DefaultSettings
	}
	o := &optimizer{app: app, settings: settings, deviations: map[Deviation]bool{}}
	r := Result{}
	for {
		next, changed := o.inner(ops)
		r.Iterations++
		if !changed {
			break
		}
		ops = next
	}
	r.Operations = ops
	for _, d := range []Deviation{LeftThroughRename} {
		if o.deviations[d] {
			r.Deviations = append(r.Deviations, d)
		}
	}
	return r
}

// inner is MigrationOptimizer.optimize_inner: it returns after the first
// reduction. Every reduction changes the list (Django's loop compares
// lists of objects by identity, and a reduction always drops or replaces
// one), so changed is exactly "a reduction happened".
func (o *optimizer) inner(ops []m.Operation) ([]m.Operation, bool) {
	out := make([]m.Operation, 0, len(ops))
	for i, op := range ops {
		right := true
		appended := false
		for j := i + 1; j < len(ops); j++ {
			other := ops[j]
			v := o.reduce(op, other)
			if v.list {
				between := ops[i+1 : j]
				switch {
				case right:
					out = append(out, between...)
					out = append(out, v.ops...)
				case o.canLeft(between, other):
					out = append(out, v.ops...)
					out = append(out, between...)
				default:
					out = append(out, op)
					appended = true
				}
				if !appended {
					out = append(out, ops[j+1:]...)
					return out, true
				}
				break
			}
			if !v.through {
				right = false
			}
		}
		if !appended {
			out = append(out, op)
		}
	}
	return out, false
}

// canLeft reports whether a left reduction may move the in-between
// operations after other: each must reduce through other (Django's rule)
// and, our barrier, must not refer to a name other renames.
func (o *optimizer) canLeft(between []m.Operation, other m.Operation) bool {
	for _, b := range between {
		if v := o.reduce(b, other); v.list || !v.through {
			return false
		}
	}
	for _, b := range between {
		if o.refersToRenamed(b, other) {
			o.deviations[LeftThroughRename] = true
			return false
		}
	}
	return true
}

// refersToRenamed reports whether b refers to the old name of what other
// renames: moved after the rename, it would name something gone.
func (o *optimizer) refersToRenamed(b, other m.Operation) bool {
	switch r := other.(type) {
	case *m.RenameModel:
		return o.refModel(b, r.OldName)
	case *m.RenameField:
		return o.refField(b, r.Model, r.OldName)
	}
	return false
}

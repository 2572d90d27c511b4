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
	"slices"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// Deviation names a case where this optimizer deliberately differs from
// Django's because Django's result would be invalid (or, for
// DefaultForExistingRows, fill existing rows differently).
type Deviation string

const (
	// LeftThroughRename: Django moves an in-between operation after a
	// left reduction with RenameModel/RenameField although the operation
	// refers to the old name (ticket #32263): its reference then names a
	// model or field that no longer exists.
	LeftThroughRename Deviation = "left reduction across a rename of what an in-between operation references (Django ticket #32263)"
	// RightThroughRename: Django moves an operation past a
	// RenameModel/RenameField when the rename does not refer to the
	// operation's model, without asking whether the operation refers to
	// the renamed model or field (or, for a rename moved past others,
	// whether they refer to its old name).
	RightThroughRename Deviation = "operation moved across a rename of what it references"
	// SelfReferenceRename: Django's CreateModel+RenameModel keeps the
	// model's relations to itself under the old name ("app.old"), which
	// then cannot be resolved; ours points them at the new name.
	SelfReferenceRename Deviation = "relation of a renamed model to itself follows the rename"
	// DefaultForExistingRows: Django merges AddField and a later
	// AlterField of the field into one AddField with the AlterField's
	// field, so rows that exist when it runs get the AlterField's
	// default instead of the AddField's. Where the two defaults differ,
	// ours keeps both (a CreateModel, whose table is empty, still absorbs
	// them). The state is the same either way; the data is not.
	DefaultForExistingRows Deviation = "AddField and AlterField with different defaults kept apart: rows that exist get the AddField's default"
	// Unoptimized: neither Django's rules nor ours gave a list that
	// replays; the operations are kept as they are.
	Unoptimized Deviation = "no valid optimization found; operations kept as they are"
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
	// django52 applies Django 5.2's rules where the main branch changed
	// them (no CreateModel+AlterConstraint; merged field operations drop
	// preserve_default; a GeneratedField's expression does not count as a
	// reference): only the differential test against 5.2 sets it.
	django52 bool
	// django42 also leaves out what 5.0 added: CreateModel absorbing
	// AlterModelTable(Comment) and constraints (for the generator's 4.2
	// style: makemigrations there keeps AddConstraint separate).
	django42 bool
	// barriers adds our barriers to Django's rules.
	barriers bool
	// rewrite, with barriers, moves an operation across a RenameModel with
	// its references rewritten instead of stopping at it.
	rewrite bool
	// fields caches what field expressions refer to, by the expression
	// inside its source wrapper: the same field is asked about in every
	// pass.
	fields map[python.Expr]m.FieldInfo
	// memo holds reduce()'s answer per pair of operation ids, when it is
	// not a reduction (a reduction is asked for once: its operations
	// leave the list): the outer loop rescans the same pairs after every
	// reduction, and operations never change. Ids (see id) make the key
	// one word instead of two interfaces.
	memo map[uint64]bool // through
	ids  map[m.Operation]int32
	keys map[int32]*opKeys // see keysOf
	// indexAfter is how many pairs a pass compares before it indexes
	// keys (-1: a few full scans' worth); compared counts pairs. Both
	// are for tests.
	indexAfter, compared int
}

// id numbers an operation the first time it is seen.
func (o *optimizer) id(op m.Operation) int32 {
	if i, ok := o.ids[op]; ok {
		return i
	}
	i := int32(len(o.ids))
	o.ids[op] = i
	return i
}

// reduceMemo is reduce, remembered; ia and ib are a's and b's ids.
func (o *optimizer) reduceMemo(a, b m.Operation, ia, ib int32) verdict {
	k := uint64(uint32(ia))<<32 | uint64(uint32(ib))
	if through, ok := o.memo[k]; ok {
		return verdict{through: through}
	}
	v := o.reduce(a, b)
	if !v.list {
		o.memo[k] = v.through
	}
	return v
}

// field is migration.ReadField, cached.
func (o *optimizer) field(e python.Expr) m.FieldInfo {
	k := python.Unwrap(e)
	if fi, ok := o.fields[k]; ok {
		return fi
	}
	fi := m.ReadField(e, o.settings)
	o.fields[k] = fi
	return fi
}

// Options configure an optimization.
type Options struct {
	// Settings resolves settings.X relation targets (nil: Django's
	// defaults).
	Settings m.Settings
	// Check replays a list from the state before the operations and
	// reports the first operation that does not apply. With it, a result
	// of Django's rules that does not replay is replaced by the result of
	// our rules with barriers; without it, the barriers always apply.
	Check func([]m.Operation) error
	// Same reports whether two lists reach the same state from the state
	// before them. With it (and Check), Django's invalid list repaired
	// (stale names rewritten, operations reordered) is taken when it is
	// valid, reaches the input's state and is shorter.
	Same func(a, b []m.Operation) bool
}

// Rules names the Django version whose MigrationOptimizer rules to apply.
type Rules int

const (
	RulesMain Rules = iota // Django's main branch (and 6.x)
	Rules52                // Django 5.2
	Rules42                // Django 4.2 (and 3.2 for what the generator emits)
)

// Exactly runs Django's own rules of one version, without our barriers:
// what makemigrations does to the operations it generates (which rename
// nothing, so the barriers have nothing to guard).
func Exactly(ops []m.Operation, app string, rules Rules, settings m.Settings) []m.Operation {
	o := newOptimizer(app, settings, false, rules != RulesMain, len(ops))
	o.django42 = rules == Rules42
	return o.run(ops).Operations
}

// Optimize optimizes the operations of one app's migrations with the rules
// of Django's main branch. When Django's rules give a list that fails
// opts.Check (and the input passes it), the optimization is redone with
// barriers where those rules are wrong, and Result.Deviations says which
// ones made the difference. A result is never invalid where the input was
// valid: if even that fails, the input is returned as it is.
func Optimize(ops []m.Operation, app string, opts Options) Result {
	return optimize(ops, app, opts, false)
}

func optimize(ops []m.Operation, app string, opts Options, django52 bool) Result {
	if opts.Check == nil {
		return run(ops, app, opts.Settings, true, django52)
	}
	django := run(ops, app, opts.Settings, false, django52)
	if opts.Check(django.Operations) == nil || opts.Check(ops) != nil {
		return django
	}
	// First with the moves across renames rewritten (as short as
	// Django's where that makes its list valid), then with barriers only.
	rewritten := newOptimizer(app, opts.Settings, true, django52, len(ops))
	rewritten.rewrite = true
	ours := rewritten.run(ops)
	if opts.Check(ours.Operations) == nil {
		ours.Iterations += django.Iterations
		if opts.Same != nil {
			if fixed, ok := rewritten.repair(ops, django.Operations); ok && len(fixed) < len(ours.Operations) && opts.Check(fixed) == nil && opts.Same(ops, fixed) {
				return Result{Operations: fixed, Iterations: ours.Iterations, Deviations: []Deviation{RepairedDjango}}
			}
		}
		return ours
	}
	iterations := ours.Iterations
	ours = run(ops, app, opts.Settings, true, django52)
	ours.Iterations += iterations
	if opts.Check(ours.Operations) == nil {
		ours.Iterations += django.Iterations
		return ours
	}
	return Result{Operations: ops, Iterations: django.Iterations + ours.Iterations, Deviations: []Deviation{Unoptimized}}
}

// run is one optimization, with or without our barriers.
func run(ops []m.Operation, app string, settings m.Settings, barriers, django52 bool) Result {
	return newOptimizer(app, settings, barriers, django52, len(ops)).run(ops)
}

func newOptimizer(app string, settings m.Settings, barriers, django52 bool, n int) *optimizer {
	if settings == nil {
		settings = m.DefaultSettings
	}
	return &optimizer{app: app, settings: settings, deviations: map[Deviation]bool{}, django52: django52, barriers: barriers, fields: map[python.Expr]m.FieldInfo{},
		memo: map[uint64]bool{}, ids: make(map[m.Operation]int32, n), keys: map[int32]*opKeys{}, indexAfter: -1}
}

func (o *optimizer) run(ops []m.Operation) Result {
	r := Result{}
	p := pass{ops: ops, ids: make([]int32, len(ops))}
	for i, op := range ops {
		p.ids[i] = o.id(op)
	}
	// Each pass writes into the buffers of the pass before the last: the
	// first input is the caller's and is never written.
	var spare pass
	for {
		next, changed := o.inner(p, spare)
		r.Iterations++
		if !changed {
			break
		}
		if r.Iterations > 1 {
			spare = p
		}
		p = next
	}
	ops = p.ops
	r.Operations = ops
	for _, d := range []Deviation{LeftThroughRename, RightThroughRename, RewrittenThroughRename, SelfReferenceRename, DefaultForExistingRows} {
		if o.deviations[d] {
			r.Deviations = append(r.Deviations, d)
		}
	}
	return r
}

// pass is the operation list of one pass of inner, with what it knows.
type pass struct {
	ops []m.Operation
	ids []int32 // ids[i] is o.id(ops[i])
	// stops[i] is where op i's scan ended without a reduction: the
	// position it broke at, or len(ops). A pass ends at the first
	// reduction, at position valid; the operations before valid are the
	// same in the next pass, so a scan of theirs that ended before valid
	// ends the same way again and is not repeated (Django repeats it).
	stops []int
	valid int
}

// inner is MigrationOptimizer.optimize_inner: it returns after the first
// reduction. Every reduction changes the list (Django's loop compares
// lists of objects by identity, and a reduction always drops or replaces
// one), so changed is exactly "a reduction happened". The next pass is
// built in buf's slices.
func (o *optimizer) inner(p, buf pass) (pass, bool) {
	ops, ids := p.ops, p.ids
	stops := buf.stops[:0]
	out := buf.ops[:0]
	outIDs := buf.ids[:0]
	if n := len(ops) + 4; cap(out) < n { // a reduction adds at most a few
		stops = make([]int, 0, n)
		out = make([]m.Operation, 0, n)
		outIDs = make([]int32, 0, n)
	}
	var ix *keyIndex
	var candBuf []int
	examined := 0
	for i, op := range ops {
		if i < p.valid && p.stops[i] < p.valid {
			out = append(out, op)
			outIDs = append(outIDs, ids[i])
			stops = append(stops, p.stops[i])
			continue
		}
		right := true
		appended := false
		stop := len(ops)
		// Once a scan has gone a long way without meeting anything it
		// interacts with, the pass is indexed: from then on an operation
		// is compared only with those that may interact with it
		// (keys.go); the others pass through unasked.
		var cands []int
		useIndex := false
		switchToIndex := func(from int) {
			if ix == nil {
				ix = o.index(ops, ids)
			}
			if k := o.keysOf(op, ids[i]); !k.all && !hardBarrier(op) {
				cands = ix.candidates(from-1, k, candBuf)
				candBuf = cands
				useIndex = true
			}
		}
		if ix != nil || o.indexAfter >= 0 && examined >= o.indexAfter {
			switchToIndex(i + 1)
		}
		indexable := true
		for c, j := 0, i+1; ; c, j = c+1, j+1 {
			if !useIndex && indexable && ix == nil && (o.indexAfter < 0 && j-i > longScanSteps || o.indexAfter >= 0 && examined >= o.indexAfter) {
				switchToIndex(j)
				indexable = false
				c = 0
			}
			if useIndex {
				if c >= len(cands) {
					break
				}
				j = cands[c]
			} else if j >= len(ops) {
				break
			}
			examined++
			o.compared++
			other := ops[j]
			v := o.reduceMemo(op, other, ids[i], ids[j])
			if v.list {
				between := ops[i+1 : j]
				// The result takes other's place: what it keeps of op
				// moves past the in-between operations.
				r := right
				result := v.ops
				if r && o.barriers && o.crossesRename(v.ops, between) {
					if moved, ok := o.moveForwardThrough(v.ops, between); o.rewrite && ok {
						result = moved
						o.deviations[RewrittenThroughRename] = true
					} else {
						r = false
						o.deviations[RightThroughRename] = true
					}
				}
				var leftBetween []m.Operation
				switch {
				case r:
					out = append(out, between...)
					outIDs = append(outIDs, ids[i+1:j]...)
					out, outIDs = o.appendNew(out, outIDs, result)
				case o.canLeft(between, ids[i+1:j], other, ids[j], &leftBetween):
					out, outIDs = o.appendNew(out, outIDs, v.ops)
					if leftBetween != nil {
						out, outIDs = o.appendNew(out, outIDs, leftBetween)
					} else {
						out = append(out, between...)
						outIDs = append(outIDs, ids[i+1:j]...)
					}
				default:
					out = append(out, op)
					outIDs = append(outIDs, ids[i])
					appended = true
				}
				if !appended {
					out = append(out, ops[j+1:]...)
					outIDs = append(outIDs, ids[j+1:]...)
					return pass{ops: out, ids: outIDs, stops: stops, valid: i}, true
				}
				stop = j
				break
			}
			if !v.through {
				right = false
				// Past an operation that never reduces through anything,
				// no left reduction can reach further either: stop.
				if hardBarrier(other) {
					stop = j
					break
				}
			}
		}
		if !appended {
			out = append(out, op)
			outIDs = append(outIDs, ids[i])
		}
		stops = append(stops, stop)
	}
	return pass{ops: out, ids: outIDs, stops: stops}, false
}

// longScanSteps is how far one scan goes before the pass is indexed: short
// lists and scans that meet their reduction soon never pay for an index.
const longScanSteps = 256

// appendNew appends operations a reduction made, and their ids.
func (o *optimizer) appendNew(out []m.Operation, ids []int32, ops []m.Operation) ([]m.Operation, []int32) {
	for _, op := range ops {
		out = append(out, op)
		ids = append(ids, o.id(op))
	}
	return out, ids
}

// hardBarrier reports an operation whose reduce() never answers True, so
// that no left reduction can move it: index and constraint operations,
// special operations and anything opaque (Operation.reduce is False but
// for elidable operations, which give lists).
func hardBarrier(op m.Operation) bool {
	switch op.(type) {
	case *m.CreateModel, *m.DeleteModel, *m.RenameModel,
		*m.AlterModelTable, *m.AlterModelTableComment, *m.AlterUniqueTogether, *m.AlterIndexTogether,
		*m.AlterOrderWithRespectTo, *m.AlterModelOptions, *m.AlterModelManagers,
		*m.AddField, *m.RemoveField, *m.AlterField, *m.RenameField:
		return false
	}
	return true
}

// canLeft reports whether a left reduction may move the in-between
// operations after other: each must reduce through other (Django's rule)
// and, our barrier, must not refer to a name other renames.
// With rewriting on, in-between operations that name what other (a
// RenameModel) renames are moved with their references rewritten, given
// back in rewritten.
func (o *optimizer) canLeft(between []m.Operation, betweenIDs []int32, other m.Operation, otherID int32, rewritten *[]m.Operation) bool {
	for k, b := range between {
		if v := o.reduceMemo(b, other, betweenIDs[k], otherID); v.list || !v.through {
			return false
		}
	}
	for _, b := range between {
		if o.barriers && o.crossConflict(b, other) {
			if o.rewrite {
				if moved, ok := o.moveForwardThrough(between, []m.Operation{other}); ok {
					*rewritten = moved
					o.deviations[RewrittenThroughRename] = true
					return true
				}
			}
			o.deviations[LeftThroughRename] = true
			return false
		}
	}
	return true
}

// crossesRename reports a conflict between moved operations and the
// in-between operations they move past.
func (o *optimizer) crossesRename(moved, between []m.Operation) bool {
	for _, x := range moved {
		for _, b := range between {
			if o.crossConflict(x, b) {
				return true
			}
		}
	}
	return false
}

// crossConflict reports whether moving the earlier operation after the
// later one changes what a name means to one of them, when one is a
// rename: an operation moved after a rename must not name its old name; a
// rename moved after an operation must not be named by it at all (the old
// name is created there, or the new one used).
func (o *optimizer) crossConflict(earlier, later m.Operation) bool {
	switch r := later.(type) {
	case *m.RenameModel:
		if o.mentionsModel(earlier, r.OldName) {
			return true
		}
	case *m.RenameField:
		if o.mentionsField(earlier, r.Model, r.OldName) {
			return true
		}
	}
	switch r := earlier.(type) {
	case *m.RenameModel:
		return o.mentionsModel(later, r.OldName) || o.mentionsModel(later, r.NewName)
	case *m.RenameField:
		return o.mentionsField(later, r.Model, r.OldName) || o.mentionsField(later, r.Model, r.NewName)
	}
	return false
}

// mentionsModel is references_model made exact where Django's answer is
// only cautious: a deletion, an index or a constraint names its own model.
func (o *optimizer) mentionsModel(op m.Operation, name string) bool {
	if model, ok := ownModel(op); ok {
		return lower(model) == lower(name)
	}
	return o.refModel(op, name)
}

// mentionsField is references_field made exact: a relation without
// to_field refers to the primary key, whatever it is called, so renaming a
// field does not change what it means.
func (o *optimizer) mentionsField(op m.Operation, model, name string) bool {
	if own, ok := ownModel(op); ok {
		return lower(own) == lower(model)
	}
	var fields []m.Field
	owner := ""
	switch x := op.(type) {
	case *m.CreateModel:
		if lower(x.Model) == lower(model) {
			return true
		}
		owner, fields = x.Model, x.Fields
	case *m.AddField:
		owner, fields = x.Model, []m.Field{{Name: x.Field, Value: x.Value}}
	case *m.AlterField:
		owner, fields = x.Model, []m.Field{{Name: x.Field, Value: x.Value}}
	default:
		return o.refField(op, model, name)
	}
	for _, f := range fields {
		fi := o.field(f.Value)
		if fi.Unknown {
			return true
		}
		if lower(owner) == lower(model) && (f.Name == name || slices.Contains(fi.FromFields, name) || slices.Contains(fi.Generated, name)) {
			return true
		}
		ref := o.app + "." + lower(model)
		if fi.To != "" && m.ResolveModel(fi.To, o.app, owner) == ref && slices.Contains(fi.ToFields, name) {
			return true
		}
		if fi.Through != "" && m.ResolveModel(fi.Through, o.app, owner) == ref && slices.Contains(fi.ThroughFields, name) {
			return true
		}
	}
	return false
}

// ownModel is the one model a deletion, index or constraint operation
// names.
func ownModel(op m.Operation) (string, bool) {
	switch x := op.(type) {
	case *m.DeleteModel:
		return x.Model, true
	case *m.AddIndex:
		return x.Model, true
	case *m.RemoveIndex:
		return x.Model, true
	case *m.RenameIndex:
		return x.Model, true
	case *m.AddConstraint:
		return x.Model, true
	case *m.RemoveConstraint:
		return x.Model, true
	case *m.AlterConstraint:
		return x.Model, true
	case *m.ValidateConstraint:
		return x.Model, true
	}
	return "", false
}

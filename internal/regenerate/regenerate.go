// Package regenerate is squash's regenerate strategy (squash --strategy
// regenerate). The operations that must stay where they are — RunPython,
// RunSQL, SeparateDatabaseAndState, database-specific and custom
// operations — stay in place; each run of schema operations between them
// is replaced by the fewest operations that take the state before the run
// to the state after it: the reset generator's operations
// (internal/generate) for the models the run creates, and a state-to-state
// diff for the models it changes, with renames taken from the run's own
// RenameModel and RenameField, never guessed from similar names, so that
// nothing the history kept is dropped and added again.
//
// Invariants: a run is replaced only by a list that is shorter, applies at
// the run's point and reaches the run's end state (checked by replaying
// it); otherwise the run stays as it came. The state at every operation
// kept in place — what RunPython code sees — is the history's. Input
// operations are never modified.
package regenerate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/djsquash/djsquash/internal/generate"
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/state"
)

// Options configure a regeneration.
type Options struct {
	// Settings resolves settings.X in relations.
	Settings m.Settings
	// Swappable lists the swappable settings (nil: AUTH_USER_MODEL).
	Swappable []string
	// Accept, when set, judges a whole list (the operations so far, a
	// run's replacement, the rest as they came): what the caller checks
	// beyond the state, such as the statements Django's schema editor
	// defers to a migration's end. A replacement is taken only if the
	// list stays accepted; a list not accepted as it came is left alone.
	Accept func(ops []m.Operation) bool
}

// Result is a regeneration's outcome.
type Result struct {
	Operations []m.Operation
	// Runs counts the runs of schema operations, Regenerated those
	// replaced.
	Runs, Regenerated int
	// Kept says, for each run of more than one operation left as it
	// came, why no shorter list was taken.
	Kept []string
}

// schemaClasses are the operations a run may hold: Django's own schema
// operations, whose effect on the database follows from the states before
// and after them. Variants of other classes (AddIndexConcurrently,
// AddConstraintNotValid) run outside a transaction or leave work for later
// and stay in place.
var schemaClasses = map[string]bool{
	"CreateModel": true, "DeleteModel": true, "RenameModel": true, "AlterModelTable": true,
	"AlterModelTableComment": true, "AlterUniqueTogether": true, "AlterIndexTogether": true,
	"AlterOrderWithRespectTo": true, "AlterModelOptions": true, "AlterModelManagers": true,
	"AddField": true, "RemoveField": true, "AlterField": true, "RenameField": true,
	"AddIndex": true, "RemoveIndex": true, "RenameIndex": true,
	"AddConstraint": true, "RemoveConstraint": true, "AlterConstraint": true,
}

// IsSchema reports an operation a run may hold.
func IsSchema(op m.Operation) bool {
	b := m.Base(op)
	return b != nil && schemaClasses[b.Class]
}

// Run regenerates ops, operations of app's migration that apply to
// before (which is not changed).
func Run(before *state.Project, app string, ops []m.Operation, opts Options) Result {
	if opts.Swappable == nil {
		opts.Swappable = []string{"AUTH_USER_MODEL"}
	}
	var res Result
	if opts.Accept != nil && !opts.Accept(ops) {
		return Result{Operations: ops, Kept: []string{"the list as it came is not accepted"}}
	}
	cur := before.Clone()
	for i := 0; i < len(ops); {
		if !IsSchema(ops[i]) {
			if err := cur.Apply(app, ops[i]); err != nil {
				return Result{Operations: ops}
			}
			res.Operations = append(res.Operations, ops[i])
			i++
			continue
		}
		j := i
		for j < len(ops) && IsSchema(ops[j]) {
			j++
		}
		run := ops[i:j]
		res.Runs++
		start := cur.Clone()
		for _, op := range run {
			if err := cur.Apply(app, op); err != nil {
				return Result{Operations: ops}
			}
		}
		if len(run) < 2 {
			res.Operations = append(res.Operations, run...)
			i = j
			continue
		}
		out, err := diff(start, cur, app, run, opts)
		if err == nil && opts.Accept != nil && !opts.Accept(slices.Concat(res.Operations, out, ops[j:])) {
			err = fmt.Errorf("the replacement is not accepted")
		}
		if err != nil {
			res.Kept = append(res.Kept, err.Error())
			res.Operations = append(res.Operations, run...)
			i = j
			continue
		}
		res.Regenerated++
		res.Operations = append(res.Operations, out...)
		i = j
	}
	return res
}

// fieldKey is a field by its model's lowercased name and its own name.
type fieldKey struct{ model, field string }

// identities follows the models and fields of the state before a run
// through it: which model or field of the start each one at the end is
// (renamed or not), and which the run added anew.
type identities struct {
	model map[string]string // lowercased name now -> at the start ("" new)
	field map[fieldKey]*fieldID
}

// fieldID is what the run says of one field, by its name now.
type fieldID struct {
	// from is the field at the start it is (renamed or not); nil for a
	// field the run added.
	from *fieldKey
	// added is the AddField that added it to a model that existed
	// before the run: its default is what the table's rows got.
	added *m.AddField
	// oneOff marks a field altered with preserve_default=False: a
	// one-off default filled rows the final field would not fill.
	oneOff bool
}

// kept is the field at the start that the field now is, or nil.
func (id *identities) kept(k fieldKey) *fieldKey {
	if f := id.field[k]; f != nil {
		return f.from
	}
	return nil
}

func follow(s0 *state.Project, app string, run []m.Operation) *identities {
	id := &identities{model: map[string]string{}, field: map[fieldKey]*fieldID{}}
	for k, md := range s0.Models {
		if k.App != app {
			continue
		}
		id.model[k.Model] = k.Model
		for _, f := range md.Fields {
			fk := fieldKey{k.Model, f.Name}
			id.field[fk] = &fieldID{from: &fk}
		}
	}
	dropModel := func(model string) {
		delete(id.model, model)
		maps.DeleteFunc(id.field, func(k fieldKey, _ *fieldID) bool { return k.model == model })
	}
	moveField := func(from, to fieldKey) {
		if f, ok := id.field[from]; ok {
			id.field[to] = f
			delete(id.field, from)
		}
	}
	for _, op := range run {
		switch o := op.(type) {
		case *m.CreateModel:
			n := lower(o.Model)
			dropModel(n)
			id.model[n] = ""
		case *m.DeleteModel:
			dropModel(lower(o.Model))
		case *m.RenameModel:
			old, nw := lower(o.OldName), lower(o.NewName)
			id.model[nw] = id.model[old]
			delete(id.model, old)
			for _, k := range slices.Collect(maps.Keys(id.field)) {
				if k.model == old {
					moveField(k, fieldKey{nw, k.field})
				}
			}
		case *m.AddField:
			k := fieldKey{lower(o.Model), o.Field}
			f := &fieldID{}
			if id.model[k.model] != "" {
				f.added = o
			}
			id.field[k] = f
		case *m.RemoveField:
			delete(id.field, fieldKey{lower(o.Model), o.Field})
		case *m.RenameField:
			moveField(fieldKey{lower(o.Model), o.OldName}, fieldKey{lower(o.Model), o.NewName})
		case *m.AlterField:
			if !m.PreservesDefault(o.Op.Value(o.PreserveDefault)) {
				k := fieldKey{lower(o.Model), o.Field}
				if id.field[k] == nil {
					id.field[k] = &fieldID{}
				}
				id.field[k].oneOff = true
			}
		}
	}
	return id
}

func lower(s string) string { return strings.ToLower(s) }

// differ builds the replacement of one run by applying each operation to
// a copy of the start as it is chosen.
type differ struct {
	app    string
	s0, s1 *state.Project
	w      *state.Project
	id     *identities
	kept   map[fieldKey]bool // start fields that are fields at the end (see survives)
	limit  int               // the run's length: a list this long is not taken
	opts   Options
	out    []m.Operation
}

func (d *differ) emit(op m.Operation) error {
	d.out = append(d.out, op)
	if len(d.out) >= d.limit {
		// Not shorter: the rest is not worth building (and checking).
		return fmt.Errorf("not fewer operations than the run's %d", d.limit)
	}
	if err := d.w.Apply(d.app, op); err != nil {
		return fmt.Errorf("%s does not apply: %v", op.Name(), err)
	}
	return nil
}

func op(class string) m.Op { return m.Op{Class: class} }

// pair is a model kept through a run: at its start and at its end.
type pair struct{ m0, m1 *state.Model }

// diff is the list that takes s0 to s1, where run did.
func diff(s0, s1 *state.Project, app string, run []m.Operation, opts Options) ([]m.Operation, error) {
	d := &differ{app: app, s0: s0, s1: s1, w: s0.Clone(), id: follow(s0, app, run), opts: opts, limit: len(run)}
	// The models at the end: kept (renamed or not) from the start, or new.
	var kept []pair
	created := map[state.ModelKey]bool{}
	survivor := map[string]bool{} // start names of kept models
	for _, k := range sortedKeys(s1, app) {
		from, ok := d.id.model[k.Model]
		if !ok || from == "" {
			created[k] = true
			continue
		}
		m0, m1 := s0.Models[state.ModelKey{App: app, Model: from}], s1.Models[k]
		if m0 == nil {
			return nil, fmt.Errorf("model %s lost its identity", k)
		}
		if state.Text(m0.Bases) != state.Text(m1.Bases) {
			return nil, fmt.Errorf("the bases of %s changed", m1.Name)
		}
		if kind(m0) != kind(m1) {
			return nil, fmt.Errorf("%s changed between managed, unmanaged and proxy", m1.Name)
		}
		survivor[from] = true
		if m0 == m1 {
			continue // untouched by the run: the states share it
		}
		kept = append(kept, pair{m0, m1})
	}
	var deleted []string
	for _, k := range sortedKeys(s0, app) {
		if !survivor[k.Model] {
			deleted = append(deleted, k.Model)
		}
	}
	// 1. Indexes and constraints that go or change, while every field
	// they name is there.
	for _, p := range kept {
		name := lower(p.m0.Name)
		for _, ix := range p.m0.Indexes {
			if !slices.Contains(p.m1.Indexes, ix) || state.Text(p.m0.Defs["index:"+ix]) != state.Text(p.m1.Defs["index:"+ix]) {
				if err := d.emit(&m.RemoveIndex{Op: op("RemoveIndex"), Model: name, Index: ix}); err != nil {
					return nil, err
				}
			}
		}
		for _, c := range p.m0.Constraints {
			if !slices.Contains(p.m1.Constraints, c) || state.Text(p.m0.Defs["constraint:"+c]) != state.Text(p.m1.Defs["constraint:"+c]) {
				if err := d.emit(&m.RemoveConstraint{Op: op("RemoveConstraint"), Model: name, Constraint: c}); err != nil {
					return nil, err
				}
			}
		}
	}
	// 2. What goes whose name something at the end takes: removed first,
	// as the history did.
	// A model deleted early takes the deleted models that point at it
	// along.
	early := map[string]bool{}
	for _, n := range deleted {
		early[n] = s1.Models[state.ModelKey{App: app, Model: n}] != nil
	}
	for grew := true; grew; {
		grew = false
		for _, n := range deleted {
			if early[n] {
				continue
			}
			for _, f := range s0.Models[state.ModelKey{App: app, Model: n}].Fields {
				for _, to := range []string{f.To, f.Through} {
					if t, ok := strings.CutPrefix(to, app+"."); ok && early[t] && t != n {
						early[n], grew = true, true
					}
				}
			}
		}
	}
	var first, later []string
	for _, n := range deleted {
		if early[n] {
			first = append(first, n)
		} else {
			later = append(later, n)
		}
	}
	if err := d.deleteModels(first); err != nil {
		return nil, err
	}
	removed := map[fieldKey]bool{} // by start model and field names
	for _, p := range kept {
		from := lower(p.m0.Name)
		for _, f := range p.m0.Fields {
			if d.survives(from, f.Name) {
				continue
			}
			removed[fieldKey{from, f.Name}] = true
			if p.m1.Field(f.Name) != nil {
				delete(removed, fieldKey{from, f.Name})
				if err := d.emit(&m.RemoveField{Op: op("RemoveField"), Model: from, Field: f.Name}); err != nil {
					return nil, err
				}
			}
		}
	}
	// 3. Renames, each once a model or field of its new name is gone.
	if err := d.renameModels(kept); err != nil {
		return nil, err
	}
	for _, p := range kept {
		if err := d.renameFields(p.m1); err != nil {
			return nil, err
		}
	}
	// 4. The models the run creates, as makemigrations would create them.
	if len(created) > 0 {
		migs, err := generate.Generate(s1, generate.Options{Apps: map[string]bool{app: true}, Settings: d.opts.Settings,
			Swappable: d.opts.Swappable, Django: 6, Existing: func(k state.ModelKey) bool { return !created[k] }})
		if err != nil {
			return nil, err
		}
		for _, mig := range migs[app] {
			for _, o := range mig.Operations {
				if err := d.emit(o); err != nil {
					return nil, err
				}
			}
		}
	}
	// 5. Fields added and altered, then options, indexes and constraints.
	for _, p := range kept {
		if err := d.alter(p.m1); err != nil {
			return nil, err
		}
	}
	// 6. Fields that go, now that no option names them.
	for _, p := range kept {
		from, name := lower(p.m0.Name), lower(p.m1.Name)
		for _, f := range p.m0.Fields {
			if removed[fieldKey{from, f.Name}] {
				if err := d.emit(&m.RemoveField{Op: op("RemoveField"), Model: name, Field: f.Name}); err != nil {
					return nil, err
				}
			}
		}
	}
	// 7. Models that go, each after the models that point at it.
	if err := d.deleteModels(later); err != nil {
		return nil, err
	}
	if diff := state.DiffChanged(s1, d.w); diff != "" {
		return nil, fmt.Errorf("the regenerated list does not reach the run's state: %s", firstLine(diff))
	}
	return d.out, nil
}

// same compares two expressions as the state does, the same node first.
func same(a, b python.Expr) bool {
	return a == b || python.Unwrap(a) == python.Unwrap(b) && a != nil && b != nil || state.Text(a) == state.Text(b)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// kind tells managed, unmanaged and proxy models apart: a change between
// them is a new table or none, which no operation here expresses.
func kind(md *state.Model) [2]bool {
	return [2]bool{isConst(md.Options["managed"], python.False), isConst(md.Options["proxy"], python.True)}
}

func isConst(e python.Expr, k python.ConstKind) bool {
	c, ok := python.Unwrap(e).(*python.Constant)
	return ok && c.Kind == k
}

// sortedKeys are app's models in p, by name.
func sortedKeys(p *state.Project, app string) []state.ModelKey {
	var out []state.ModelKey
	for k := range p.Models {
		if k.App == app {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b state.ModelKey) int { return strings.Compare(a.Model, b.Model) })
	return out
}

// survives reports whether the start's field of model (start name) is a
// field at the end.
func (d *differ) survives(model, field string) bool {
	if d.kept == nil {
		d.kept = make(map[fieldKey]bool, len(d.id.field))
		for _, f := range d.id.field {
			if f.from != nil {
				d.kept[*f.from] = true
			}
		}
	}
	return d.kept[fieldKey{model, field}]
}

// deleteModels deletes models (start names, not renamed), each once
// nothing points at it.
func (d *differ) deleteModels(names []string) error {
	pending := slices.Clone(names)
	for len(pending) > 0 {
		progress := false
		for i, n := range pending {
			target := d.app + "." + n
			referenced := false
			for k, md := range d.w.Models {
				if k.Model == n && k.App == d.app {
					continue
				}
				for _, f := range md.Fields {
					if f.To == target || f.Through == target {
						referenced = true
					}
				}
			}
			if referenced {
				continue
			}
			md := d.w.Models[state.ModelKey{App: d.app, Model: n}]
			if md == nil {
				return fmt.Errorf("model %s is not there to delete", n)
			}
			if err := d.emit(&m.DeleteModel{Op: op("DeleteModel"), Model: md.Name}); err != nil {
				return err
			}
			pending = slices.Delete(pending, i, i+1)
			progress = true
			break
		}
		if !progress {
			return fmt.Errorf("models to delete point at each other: %s", strings.Join(pending, ", "))
		}
	}
	return nil
}

// renameModels renames the kept models whose name changed, each once its
// new name is free.
func (d *differ) renameModels(kept []pair) error {
	type rename struct{ from, to string }
	var pending []rename
	for _, p := range kept {
		if p.m0.Name != p.m1.Name {
			if lower(p.m0.Name) == lower(p.m1.Name) {
				return fmt.Errorf("%s is renamed to %s, which differs only in case", p.m0.Name, p.m1.Name)
			}
			pending = append(pending, rename{p.m0.Name, p.m1.Name})
		}
	}
	for len(pending) > 0 {
		progress := false
		for i, r := range pending {
			if d.w.Models[state.ModelKey{App: d.app, Model: lower(r.to)}] != nil {
				continue
			}
			if err := d.emit(&m.RenameModel{Op: op("RenameModel"), OldName: r.from, NewName: r.to}); err != nil {
				return err
			}
			pending = slices.Delete(pending, i, i+1)
			progress = true
			break
		}
		if !progress {
			return fmt.Errorf("renamed models take each other's names")
		}
	}
	return nil
}

// renameFields renames the kept fields of md (at the end) whose name
// changed, each once its new name is free.
func (d *differ) renameFields(m1 *state.Model) error {
	model := lower(m1.Name)
	type rename struct{ from, to string }
	var pending []rename
	for _, f := range m1.Fields {
		if from := d.id.kept(fieldKey{model, f.Name}); from != nil && from.field != f.Name {
			pending = append(pending, rename{from.field, f.Name})
		}
	}
	for len(pending) > 0 {
		progress := false
		mw := d.w.Models[state.ModelKey{App: d.app, Model: model}]
		for i, r := range pending {
			if mw.Field(r.to) != nil {
				continue
			}
			if err := d.emit(&m.RenameField{Op: op("RenameField"), Model: model, OldName: r.from, NewName: r.to}); err != nil {
				return err
			}
			pending = slices.Delete(pending, i, i+1)
			progress = true
			break
		}
		if !progress {
			return fmt.Errorf("renamed fields of %s take each other's names", m1.Name)
		}
	}
	return nil
}

// alterOptionKeys is AlterModelOptions.ALTER_OPTION_KEYS, in the order
// Django's Options lists them.
var alterOptionKeys = []string{
	"verbose_name", "verbose_name_plural", "ordering", "permissions", "get_latest_by", "managed",
	"default_permissions", "select_on_save", "default_related_name", "base_manager_name", "default_manager_name",
}

// alter adds and alters the fields of a kept model (named as at the end),
// then brings its options, indexes and constraints to the end's.
func (d *differ) alter(m1 *state.Model) error {
	model := lower(m1.Name)
	mk := state.ModelKey{App: d.app, Model: model}
	for _, f := range m1.Fields {
		k := fieldKey{model, f.Name}
		cur := d.w.Models[mk].Field(f.Name)
		kept, id := d.id.kept(k) != nil, d.id.field[k]
		if kept && cur == nil {
			return fmt.Errorf("field %s.%s is not there", m1.Name, f.Name)
		}
		if !kept {
			if cur != nil {
				return fmt.Errorf("field %s.%s is in the way", m1.Name, f.Name)
			}
			add := &m.AddField{Op: op("AddField"), Model: model, Field: f.Name, Value: f.Value}
			if id != nil && id.added != nil {
				a := id.added
				v, pd := a.Op.Value(a.Value), a.Op.Value(a.PreserveDefault)
				if !m.PreservesDefault(pd) || m.DefaultText(v) != m.DefaultText(f.Value) {
					// The rows there get the history's default.
					add = &m.AddField{Op: op("AddField"), Model: model, Field: f.Name, Value: v, PreserveDefault: pd}
				}
			}
			if err := d.emit(add); err != nil {
				return err
			}
			cur = d.w.Models[mk].Field(f.Name)
		} else if id.oneOff && !same(cur.Value, f.Value) {
			return fmt.Errorf("%s.%s was altered with a one-off default", m1.Name, f.Name)
		}
		if !same(cur.Value, f.Value) {
			if err := d.emit(&m.AlterField{Op: op("AlterField"), Model: model, Field: f.Name, Value: f.Value}); err != nil {
				return err
			}
		}
	}
	mw := d.w.Models[mk]
	text := func(md *state.Model, key string) string { return state.Text(md.Options[key]) }
	changed := false
	for _, key := range alterOptionKeys {
		if text(mw, key) != text(m1, key) {
			changed = true
		}
	}
	if changed {
		var ks, vs []python.Expr
		for _, key := range alterOptionKeys {
			if v, ok := m1.Options[key]; ok {
				ks, vs = append(ks, python.NewStr(key)), append(vs, v)
			}
		}
		if err := d.emit(&m.AlterModelOptions{Op: op("AlterModelOptions"), Model: model, Options: python.NewDict(ks, vs)}); err != nil {
			return err
		}
	}
	none := &python.Constant{Span: python.NoSpan, Kind: python.NoneConst}
	or := func(e, alt python.Expr) python.Expr {
		if e == nil {
			return alt
		}
		return e
	}
	if text(mw, "db_table") != text(m1, "db_table") {
		if err := d.emit(&m.AlterModelTable{Op: op("AlterModelTable"), Model: model, Table: or(m1.Options["db_table"], none)}); err != nil {
			return err
		}
	}
	if text(mw, "db_table_comment") != text(m1, "db_table_comment") {
		if err := d.emit(&m.AlterModelTableComment{Op: op("AlterModelTableComment"), Model: model, Comment: or(m1.Options["db_table_comment"], none)}); err != nil {
			return err
		}
	}
	if state.Text(mw.Managers) != state.Text(m1.Managers) {
		if err := d.emit(&m.AlterModelManagers{Op: op("AlterModelManagers"), Model: model, Managers: or(m1.Managers, python.NewList())}); err != nil {
			return err
		}
	}
	for _, key := range []string{"unique_together", "index_together"} {
		if together(mw.Options[key]) == together(m1.Options[key]) {
			continue
		}
		v := or(m1.Options[key], python.NewSet())
		var o m.Operation = &m.AlterUniqueTogether{Op: op("AlterUniqueTogether"), Model: model, Value: v}
		if key == "index_together" {
			o = &m.AlterIndexTogether{Op: op("AlterIndexTogether"), Model: model, Value: v}
		}
		if err := d.emit(o); err != nil {
			return err
		}
	}
	if text(mw, "order_with_respect_to") != text(m1, "order_with_respect_to") {
		if err := d.emit(&m.AlterOrderWithRespectTo{Op: op("AlterOrderWithRespectTo"), Model: model, Field: or(m1.Options["order_with_respect_to"], none)}); err != nil {
			return err
		}
	}
	for _, ix := range m1.Indexes {
		if !slices.Contains(d.w.Models[mk].Indexes, ix) {
			if err := d.emit(&m.AddIndex{Op: op("AddIndex"), Model: model, Index: m1.Defs["index:"+ix], IndexName: ix}); err != nil {
				return err
			}
		}
	}
	for _, c := range m1.Constraints {
		if !slices.Contains(d.w.Models[mk].Constraints, c) {
			if err := d.emit(&m.AddConstraint{Op: op("AddConstraint"), Model: model, Constraint: m1.Defs["constraint:"+c], ConstraintName: c}); err != nil {
				return err
			}
		}
	}
	return nil
}

// together is a unique_together or index_together value as comparable
// text: None and empty are the same.
func together(e python.Expr) string {
	groups, ok := m.Together(e)
	if !ok {
		return state.Text(e)
	}
	var gs []string
	for _, g := range groups {
		gs = append(gs, strings.Join(g, ","))
	}
	slices.Sort(gs)
	return strings.Join(slices.Compact(gs), " ")
}

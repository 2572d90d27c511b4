package squash

import (
	"fmt"
	"slices"
	"strings"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/state"
)

// Django's schema editor does not create every schema object at once: the
// indexes of CreateModel and AddField, CreateModel's foreign keys (on
// PostgreSQL and MariaDB, where they are not written inline), its
// unique_together and Meta.indexes, and the tables of its many-to-many
// fields' constraints are kept in schema_editor.deferred_sql and run when
// the migration ends. A later operation of the same migration that finds
// these objects by introspecting the database misses them: an AlterField
// that drops an index or a foreign key drops nothing and the deferred
// statement creates it afterwards; AlterUniqueTogether, RemoveIndex and
// RenameIndex fail. The editor itself carries them through removals and
// renames (RemoveField, DeleteModel, RenameField, RenameModel,
// AlterModelTable edit or drop the pending statements).
//
// In the history such operations ran in later migrations, after the
// objects existed; a squash puts them into one migration. deferredSQL
// replays a squash's operations, tracking what is pending, and names the
// first operation that would see the database differently than it did in
// the history, so that the planner splits the range before it.

// deferredClean returns a function telling whether a squash's operations,
// replayed from start, apply and leave no operation missing a pending
// statement: regenerated runs must not bring in what the optimizer's list
// did not (a CreateModel with Meta.indexes whose index a later RemoveIndex
// drops, where the history had an AddIndex that ran at once).
//
// Successive lists share a growing prefix (the runs already decided), so
// the replay resumes from a checkpoint at the prefix the last two lists
// shared instead of from the start: regenerating a squash of n runs
// replays about its length twice, not n times.
func deferredClean(app string, start *state.Project) func([]m.Operation) bool {
	type checkpoint struct {
		at      int
		st      *state.Project
		pending []pending
	}
	cp := checkpoint{st: start.Clone()}
	var prev []m.Operation
	return func(ops []m.Operation) bool {
		shared := 0
		for shared < len(ops) && shared < len(prev) && ops[shared] == prev[shared] {
			shared++
		}
		prev = ops
		if cp.at > shared {
			cp = checkpoint{st: start.Clone()}
		}
		st := cp.st.Clone()
		d := &deferredSQL{app: app, pending: slices.Clone(cp.pending)}
		for i := cp.at; i < len(ops); i++ {
			if i == shared && i > cp.at {
				cp = checkpoint{at: i, st: st.Clone(), pending: slices.Clone(d.pending)}
			}
			op := ops[i]
			if d.before(st, op) != nil || st.Apply(app, op) != nil {
				return false
			}
			d.after(st, op)
		}
		return true
	}
}

// pending is one deferred statement: the object it creates.
type pending struct {
	model  string   // lowercased model name
	field  string   // the field it is on; "" for a together or named object
	kind   string   // "index", "foreign key", "constraints of the many-to-many table", "unique_together", "index_together", "index NAME", "constraint NAME"
	fields []string // a together's fields
	name   string   // a named index's or constraint's name
	by     m.Operation
}

// interaction is an operation that misses a pending object.
type interaction struct {
	item pending
	op   m.Operation
	what string // the operation, for a reason: "AlterField of book.title"
}

type deferredSQL struct {
	app     string
	pending []pending
}

// before checks op against the pending statements, on the state before
// op, and updates them for what the schema editor carries through.
func (d *deferredSQL) before(st *state.Project, op m.Operation) *interaction {
	switch o := op.(type) {
	case *m.AlterField:
		model := strings.ToLower(o.Model)
		old := fieldExpr(st, d.app, model, o.Field)
		was, now := m.ReadTraits(old), m.ReadTraits(o.Op.Value(o.Value))
		for _, it := range d.pending {
			if it.model != model || it.field != o.Field {
				continue
			}
			if old == nil || was.Unknown || now.Unknown || changes(it.kind, was, now) {
				return &interaction{item: it, op: op, what: fmt.Sprintf("AlterField of %s.%s", strings.ToLower(o.Model), o.Field)}
			}
		}
	case *m.RemoveField:
		model := strings.ToLower(o.Model)
		d.drop(func(it pending) bool {
			return it.model == model && (it.field == o.Field || slices.Contains(it.fields, o.Field))
		})
	case *m.RenameField:
		model := strings.ToLower(o.Model)
		for i := range d.pending {
			it := &d.pending[i]
			if it.model != model {
				continue
			}
			if it.field == o.OldName {
				it.field = o.NewName
			}
			for j, f := range it.fields {
				if f == o.OldName {
					it.fields = slices.Clone(it.fields)
					it.fields[j] = o.NewName
				}
			}
		}
	case *m.DeleteModel:
		model := strings.ToLower(o.Model)
		d.drop(func(it pending) bool { return it.model == model })
	case *m.RenameModel:
		old, name := strings.ToLower(o.OldName), strings.ToLower(o.NewName)
		for i := range d.pending {
			if d.pending[i].model == old {
				d.pending[i].model = name
			}
		}
	case *m.AlterUniqueTogether:
		return d.together(o.Model, "unique_together", o.Op.Value(o.Value), op, "AlterUniqueTogether of "+strings.ToLower(o.Model))
	case *m.AlterIndexTogether:
		return d.together(o.Model, "index_together", o.Op.Value(o.Value), op, "AlterIndexTogether of "+strings.ToLower(o.Model))
	case *m.RemoveIndex:
		return d.named(o.Model, "index", o.Index, op, "RemoveIndex of "+o.Index)
	case *m.RenameIndex:
		if o.OldName != "" {
			return d.named(o.Model, "index", o.OldName, op, "RenameIndex of "+o.OldName)
		}
		model := strings.ToLower(o.Model)
		if groups, ok := m.Together(o.Op.Value(o.OldFields)); ok && len(groups) == 1 {
			for _, it := range d.pending {
				if it.model == model && it.kind == "index_together" && slices.Equal(it.fields, groups[0]) {
					return &interaction{item: it, op: op, what: "RenameIndex of " + strings.ToLower(o.Model)}
				}
			}
		}
	case *m.RemoveConstraint:
		return d.named(o.Model, "constraint", o.Constraint, op, "RemoveConstraint of "+o.Constraint)
	case *m.SeparateDatabaseAndState:
		// Its database operations run in the same schema editor; the
		// state they see is not tracked here, so a field they alter
		// counts as changed.
		for _, db := range o.DatabaseOperations {
			if in := d.before(st, db); in != nil {
				in.op = op
				in.what = "SeparateDatabaseAndState's " + in.what
				return in
			}
		}
	}
	return nil
}

// changes reports whether altering a field from was to now makes the
// schema editor look for the object of kind.
func changes(kind string, was, now m.Traits) bool {
	switch kind {
	case "index":
		return was.Indexed() != now.Indexed() || was.Class != now.Class || was.Unique != now.Unique || was.PrimaryKey != now.PrimaryKey
	case "foreign key":
		return was.ForeignKey() != now.ForeignKey() || was.To != now.To || was.ToField != now.ToField || was.Class != now.Class || was.PrimaryKey != now.PrimaryKey
	}
	return was != now
}

// after records what op defers, on the state after op.
func (d *deferredSQL) after(st *state.Project, op m.Operation) {
	switch o := op.(type) {
	case *m.CreateModel:
		model := strings.ToLower(o.Model)
		mod := st.Models[state.ModelKey{App: d.app, Model: model}]
		if mod == nil || mod.Tableless() {
			return
		}
		for _, f := range mod.Fields {
			d.field(model, f.Name, f.Value, op)
		}
		for _, opt := range []string{"unique_together", "index_together"} {
			groups, _ := m.Together(mod.Options[opt])
			for _, g := range groups {
				d.pending = append(d.pending, pending{model: model, kind: opt, fields: g, by: op})
			}
		}
		for _, name := range mod.Indexes {
			d.pending = append(d.pending, pending{model: model, kind: "index " + name, name: name, by: op})
		}
		for _, name := range mod.Constraints {
			if deferredConstraint(mod.Defs["constraint:"+name]) {
				d.pending = append(d.pending, pending{model: model, kind: "constraint " + name, name: name, by: op})
			}
		}
	case *m.AddField:
		model := strings.ToLower(o.Model)
		if mod := st.Models[state.ModelKey{App: d.app, Model: model}]; mod != nil && !mod.Tableless() {
			d.field(model, o.Field, o.Op.Value(o.Value), op)
		}
	}
}

// field records a new field's deferred objects. AddField writes foreign
// keys inline on every engine; CreateModel defers them on PostgreSQL and
// MariaDB.
func (d *deferredSQL) field(model, name string, value python.Expr, by m.Operation) {
	_, created := by.(*m.CreateModel)
	t := m.ReadTraits(value)
	switch {
	case t.ManyToMany:
		if t.Through == "" {
			d.pending = append(d.pending, pending{model: model, field: name, kind: "constraints of the many-to-many table", by: by})
		}
		return
	case t.Unknown:
		d.pending = append(d.pending, pending{model: model, field: name, kind: "index", by: by})
		return
	}
	if t.Indexed() {
		d.pending = append(d.pending, pending{model: model, field: name, kind: "index", by: by})
	}
	if created && t.ForeignKey() {
		d.pending = append(d.pending, pending{model: model, field: name, kind: "foreign key", by: by})
	}
}

func (d *deferredSQL) drop(gone func(pending) bool) {
	d.pending = slices.DeleteFunc(d.pending, gone)
}

// together checks an AlterUniqueTogether/AlterIndexTogether: a pending
// group it drops is one Django looks for and does not find.
func (d *deferredSQL) together(modelName, kind string, value python.Expr, op m.Operation, what string) *interaction {
	model := strings.ToLower(modelName)
	groups, ok := m.Together(value)
	for _, it := range d.pending {
		if it.model != model || it.kind != kind {
			continue
		}
		kept := false
		for _, g := range groups {
			if slices.Equal(g, it.fields) {
				kept = true
			}
		}
		if !ok || !kept {
			return &interaction{item: it, op: op, what: what}
		}
	}
	return nil
}

// named checks an operation on an index or constraint by name.
func (d *deferredSQL) named(modelName, kind, name string, op m.Operation, what string) *interaction {
	model := strings.ToLower(modelName)
	for _, it := range d.pending {
		if it.model == model && it.kind == kind+" "+name {
			return &interaction{item: it, op: op, what: what}
		}
	}
	return nil
}

// describe says what the pending object is, for a split's reason.
func (it pending) describe() string {
	switch {
	case it.kind == "unique_together" || it.kind == "index_together":
		return fmt.Sprintf("the %s (%s) of %s", it.kind, strings.Join(it.fields, ", "), it.model)
	case it.field != "":
		return fmt.Sprintf("the %s of %s.%s", it.kind, it.model, it.field)
	}
	return fmt.Sprintf("%s of %s", it.kind, it.model)
}

// deferredConstraint reports a constraint Django creates as a unique index
// after the table (a UniqueConstraint with a condition, expressions,
// include, opclasses or nulls_distinct), rather than inline.
func deferredConstraint(e python.Expr) bool {
	c, ok := python.Unwrap(e).(*python.Call)
	if !ok {
		return false
	}
	if m.CallClass(c) != "UniqueConstraint" {
		return false
	}
	if len(c.Args) > 0 {
		return true // expressions
	}
	for _, k := range c.Keywords {
		switch k.Arg {
		case "condition", "include", "opclasses", "nulls_distinct", "":
			return true
		}
	}
	return false
}

// fieldExpr is a field's expression in the state, or nil.
func fieldExpr(st *state.Project, app, model, name string) python.Expr {
	if mod := st.Models[state.ModelKey{App: app, Model: model}]; mod != nil {
		if f := mod.Field(name); f != nil {
			return f.Value
		}
	}
	return nil
}

// deferredCut turns an interaction into a split before the migration the
// operation comes from, unless the history ran both operations in one
// migration too (then it had the same behaviour). Operations are traced
// to their migrations by identity; one the optimizer made is traced to
// the last migration with an operation of its class on its model.
func (p *planner) deferredCut(s *Squash, in *interaction) *cut {
	origin := func(op m.Operation, last bool) int {
		found := -1
		for i, mig := range s.Migrations {
			for _, x := range mig.Operations {
				if x == op {
					return i
				}
				if last && x.Name() == op.Name() && target(x) == target(op) {
					found = i
				}
			}
		}
		return found
	}
	by, at := -1, origin(in.op, true)
	if in.item.by != nil {
		by = origin(in.item.by, false)
	}
	if at <= 0 || at == by {
		return nil
	}
	mig := s.Migrations[at]
	if _, done := p.cutBefore[mig.Key]; done {
		return nil
	}
	if by < 0 {
		by = creatorOf(s, in.item)
	}
	creator := "an earlier migration"
	if by >= 0 {
		creator = s.Migrations[by].Name
	}
	return &cut{key: mig.Key, reason: fmt.Sprintf(
		"split before %s because its %s would run before %s exists: Django's schema editor creates it only at the end of %s (deferred SQL), so in one migration PostgreSQL and MariaDB would miss it",
		mig.Name, in.what, in.item.describe(), creator)}
}

// target is what an operation that can miss a deferred object acts on.
func target(op m.Operation) string {
	switch o := op.(type) {
	case *m.AlterField:
		return strings.ToLower(o.Model) + "." + o.Field
	case *m.RemoveIndex:
		return strings.ToLower(o.Model) + "." + o.Index
	case *m.RenameIndex:
		return strings.ToLower(o.Model) + "." + o.NewName
	case *m.RemoveConstraint:
		return strings.ToLower(o.Model) + "." + o.Constraint
	}
	return strings.ToLower(m.OptionModel(op))
}

// creatorOf finds, for an object the optimizer folded into an operation of
// its own making, the migration of the chunk that first created the field
// or model it belongs to; -1 when none names it.
func creatorOf(s *Squash, it pending) int {
	for i, mig := range s.Migrations {
		for _, op := range mig.Operations {
			switch o := op.(type) {
			case *m.CreateModel:
				if strings.ToLower(o.Model) == it.model {
					return i
				}
			case *m.AddField:
				if strings.ToLower(o.Model) == it.model && o.Field == it.field {
					return i
				}
			}
		}
	}
	return -1
}

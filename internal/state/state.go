// Package state replays migration operations into a project state (models,
// their fields in order, relations, options, index and constraint names),
// the way each Django operation's state_forwards does, and validates as it
// goes: an operation that names a model or field that does not exist at
// that point is an error with the operation's position.
//
// Invariants: model keys are (app label, lowercased model name), as in
// Django's ProjectState; relation targets are "app.model" lowercased.
// Field and option values stay source expressions; nothing is evaluated.
package state

import (
	"fmt"
	"slices"
	"strings"

	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// ModelKey identifies a model: app label and lowercased name.
type ModelKey struct{ App, Model string }

func (k ModelKey) String() string { return k.App + "." + k.Model }

// Field is one field of a model.
type Field struct {
	Name    string
	Value   python.Expr
	To      string // "app.model" of a relation, lowercased; "" otherwise
	Through string // an M2M's through model, lowercased
}

// Model is one model's state. Every expression is tied to its source
// (python.Foreign), so that states built from different files compare.
type Model struct {
	App, Name   string // Name as written ("Book")
	Fields      []*Field
	Options     map[string]python.Expr // indexes and constraints excluded
	Bases       python.Expr            // nil: (models.Model,)
	Managers    python.Expr            // nil: none
	Indexes     []string
	Constraints []string
	// Defs holds index and constraint definitions by "index:name" and
	// "constraint:name".
	Defs map[string]python.Expr
}

// Tableless reports an unmanaged or proxy model: Django's state lets a
// later CreateModel replace it (ProjectState.add_model overwrites), and
// there is no table to collide with.
func (m *Model) Tableless() bool {
	for _, opt := range []string{"managed", "proxy"} {
		if c, ok := python.Unwrap(m.Options[opt]).(*python.Constant); ok {
			if opt == "managed" && c.Kind == python.False || opt == "proxy" && c.Kind == python.True {
				return true
			}
		}
	}
	return false
}

// Field is the model's field called name, or nil.
func (m *Model) Field(name string) *Field {
	_, f := m.field(name)
	return f
}

func (m *Model) field(name string) (int, *Field) {
	for i, f := range m.Fields {
		if f.Name == name {
			return i, f
		}
	}
	return -1, nil
}

// Project is the state of every model.
type Project struct {
	Models map[ModelKey]*Model
	// Settings resolves settings.X in relations (AUTH_USER_MODEL).
	Settings migration.Settings
	apps     map[string]bool // apps that have created a model
	owned    map[*Model]bool // models not shared with a clone
	// stateOnly is above zero while state_operations apply.
	stateOnly int
}

// New returns an empty project state.
func New(settings migration.Settings) *Project {
	if settings == nil {
		settings = migration.DefaultSettings
	}
	return &Project{Models: map[ModelKey]*Model{}, Settings: settings}
}

// Error is an operation that cannot apply to the state at its point.
type Error struct {
	Migration migration.Key
	File      string
	Offset    int
	Message   string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Migration, e.Message) }

// ReplayPlan applies migrations in plan order and stops at the first
// operation that does not apply.
func (p *Project) ReplayPlan(migs []*migration.Migration) error {
	for _, m := range migs {
		for _, op := range m.Operations {
			if err := p.Apply(m.App, op); err != nil {
				return &Error{Migration: m.Key, File: m.File, Offset: op.Pos(), Message: err.Error()}
			}
		}
	}
	return nil
}

func key(app, model string) ModelKey { return ModelKey{App: app, Model: strings.ToLower(model)} }

// Has reports whether model app.name exists (names compare as Django's
// registry does, without case).
func (p *Project) Has(app, name string) bool {
	_, ok := p.Models[key(app, name)]
	return ok
}

// MissingModel is an operation that needs a model the state lacks at its
// point: it names it, or a field of it refers to it. Callers that can move
// operations (the squash planner) read Model to find what removed it.
type MissingModel struct {
	Model ModelKey
	msg   string
}

func (e *MissingModel) Error() string { return e.msg }

// model returns the model an operation names, ready to change, or an
// error.
func (p *Project) model(app, name string) (*Model, error) {
	m := p.mutable(key(app, name))
	if m == nil {
		return nil, &MissingModel{key(app, name), fmt.Sprintf("model %s.%s does not exist at this point", app, name)}
	}
	return m, nil
}

// mutable returns the model at k, copied first when it is shared with a
// clone of the project (copy on write: Clone copies only the map).
func (p *Project) mutable(k ModelKey) *Model {
	m := p.Models[k]
	if m == nil || p.owned[m] {
		return m
	}
	c := m.clone()
	p.Models[k] = c
	if p.owned == nil {
		p.owned = map[*Model]bool{}
	}
	p.owned[c] = true
	return c
}

// Apply applies one operation of app's migration.
func (p *Project) Apply(app string, op migration.Operation) error {
	switch o := op.(type) {
	case *migration.CreateModel:
		k := key(app, o.Model)
		if old := p.Models[k]; old != nil && !old.Tableless() {
			return fmt.Errorf("model %s already exists", k)
		}
		m := &Model{App: app, Name: o.Model, Options: map[string]python.Expr{}, Defs: map[string]python.Expr{},
			Bases: o.Op.Value(o.Bases), Managers: o.Op.Value(o.Managers)}
		for _, f := range o.Fields {
			if _, dup := m.field(f.Name); dup != nil {
				return fmt.Errorf("field %s.%s is defined twice", o.Model, f.Name)
			}
			m.Fields = append(m.Fields, p.newField(app, o.Model, f.Name, o.Op.Value(f.Value)))
		}
		p.Models[k] = m
		if p.owned == nil {
			p.owned = map[*Model]bool{}
		}
		p.owned[m] = true
		if p.apps == nil {
			p.apps = map[string]bool{}
		}
		p.apps[app] = true
		for _, f := range m.Fields {
			if err := p.checkRelations(o.Model, f); err != nil {
				delete(p.Models, k)
				return err
			}
		}
		if bases, src := python.SourceOf(o.File, o.Bases); bases != nil {
			if t, ok := bases.(*python.Tuple); ok {
				for _, b := range t.Elts {
					if s, ok := strValue(python.InSource(src, b)); ok {
						parent := migration.ResolveModel(s, app, o.Model)
						if err := p.checkRelations(o.Model, &Field{Name: "(base)", To: parent}); err != nil {
							delete(p.Models, k)
							return err
						}
					}
				}
			}
		}
		if o.Options != nil {
			opts, src := python.SourceOf(o.File, o.Options)
			d, ok := opts.(*python.Dict)
			if !ok {
				return fmt.Errorf("options of %s are not a literal dict", o.Model)
			}
			for i, kx := range d.Keys {
				s, ok := python.Unwrap(kx).(*python.Constant)
				if !ok || s.Kind != python.Str {
					return fmt.Errorf("options of %s have a key that is not a literal string", o.Model)
				}
				v := python.InSource(src, d.Values[i])
				switch s.Value {
				case "indexes", "constraints":
					kind := "index"
					if s.Value == "constraints" {
						kind = "constraint"
					}
					for _, def := range defsIn(v) {
						if err := m.checkDefFields(kind, def.name, def.value); err != nil {
							return err
						}
						if kind == "index" {
							m.Indexes = append(m.Indexes, def.name)
						} else {
							m.Constraints = append(m.Constraints, def.name)
						}
						m.Defs[kind+":"+def.name] = def.value
					}
				default:
					m.Options[s.Value] = v
				}
			}
		}
		p.Models[k] = m
	case *migration.DeleteModel:
		if _, err := p.model(app, o.Model); err != nil {
			return err
		}
		k := key(app, o.Model)
		for ok, other := range p.Models {
			if ok == k {
				continue
			}
			for _, f := range other.Fields {
				if f.To == k.String() || f.Through == k.String() {
					return fmt.Errorf("model %s is still referenced by %s.%s", k, other.Name, f.Name)
				}
			}
		}
		delete(p.Models, k)
	case *migration.RenameModel:
		m, err := p.model(app, o.OldName)
		if err != nil {
			return err
		}
		if p.Models[key(app, o.NewName)] != nil {
			return fmt.Errorf("model %s.%s already exists", app, o.NewName)
		}
		delete(p.Models, key(app, o.OldName))
		m.Name = o.NewName
		p.Models[key(app, o.NewName)] = m
		// Every relation to the old name now points at the new one, in
		// its expression too, as Django's state clones the field.
		old, nw := key(app, o.OldName).String(), key(app, o.NewName).String()
		for mk, other := range p.Models {
			for i, f := range other.Fields {
				to, through := f.To == old, f.Through == old
				if !to && !through {
					continue
				}
				other = p.mutable(mk)
				f = other.Fields[i]
				if v, ok := migration.Retarget(f.Value, to, through, nw); ok {
					f = &Field{Name: f.Name, Value: v, To: f.To, Through: f.Through}
					other.Fields[i] = f
				}
				if to {
					f.To = nw
				}
				if through {
					f.Through = nw
				}
			}
		}
	case *migration.AddField:
		m, err := p.model(app, o.Model)
		if err != nil {
			return err
		}
		if _, f := m.field(o.Field); f != nil {
			return fmt.Errorf("field %s.%s already exists", o.Model, o.Field)
		}
		value := o.Op.Value(o.Value)
		if !migration.PreservesDefault(o.PreserveDefault) {
			value = migration.WithoutDefault(value) // a one-off default for existing rows
		}
		f := p.newField(app, o.Model, o.Field, value)
		if err := p.checkRelations(o.Model, f); err != nil {
			return err
		}
		m.Fields = append(m.Fields, f)
	case *migration.AlterField:
		m, err := p.model(app, o.Model)
		if err != nil {
			return err
		}
		i, f := m.field(o.Field)
		if f == nil {
			return fmt.Errorf("field %s.%s does not exist at this point", o.Model, o.Field)
		}
		value := o.Op.Value(o.Value)
		if !migration.PreservesDefault(o.PreserveDefault) {
			value = migration.WithoutDefault(value)
		}
		nf := p.newField(app, o.Model, o.Field, value)
		if err := p.checkRelations(o.Model, nf); err != nil {
			return err
		}
		m.Fields[i] = nf
	case *migration.RemoveField:
		m, err := p.model(app, o.Model)
		if err != nil {
			return err
		}
		i, f := m.field(o.Field)
		if f == nil {
			return fmt.Errorf("field %s.%s does not exist at this point", o.Model, o.Field)
		}
		// The schema editor refuses to drop a column an option names;
		// state_forwards alone (SeparateDatabaseAndState's state
		// operations) does not look, and a later operation of the list
		// may fix the option.
		if opt := m.usedBy(o.Field); opt != "" && p.stateOnly == 0 {
			return fmt.Errorf("field %s.%s is still named by %s", o.Model, o.Field, opt)
		}
		m.Fields = append(m.Fields[:i], m.Fields[i+1:]...)
	case *migration.RenameField:
		m, err := p.model(app, o.Model)
		if err != nil {
			return err
		}
		i, f := m.field(o.OldName)
		if f == nil {
			return fmt.Errorf("field %s.%s does not exist at this point", o.Model, o.OldName)
		}
		if _, g := m.field(o.NewName); g != nil {
			return fmt.Errorf("field %s.%s already exists", o.Model, o.NewName)
		}
		// Django pops the field and re-adds it: it moves to the end.
		m.Fields = append(m.Fields[:i], m.Fields[i+1:]...)
		f.Name = o.NewName
		m.Fields = append(m.Fields, f)
		m.renameInOptions(o.OldName, o.NewName)
	case *migration.AddIndex:
		return p.editNames(app, o.Model, "index", indexes, "", o.IndexName, o.Op.Value(o.Index))
	case *migration.RemoveIndex:
		return p.editNames(app, o.Model, "index", indexes, o.Index, "", nil)
	case *migration.RenameIndex:
		if o.OldName == "" {
			// Renaming an unnamed index_together index: only the name
			// appears in the state.
			return p.editNames(app, o.Model, "index", indexes, "", o.NewName, nil)
		}
		return p.editNames(app, o.Model, "index", indexes, o.OldName, o.NewName, nil)
	case *migration.AddConstraint:
		return p.editNames(app, o.Model, "constraint", constraints, "", o.ConstraintName, o.Op.Value(o.Constraint))
	case *migration.RemoveConstraint:
		return p.editNames(app, o.Model, "constraint", constraints, o.Constraint, "", nil)
	case *migration.AlterConstraint:
		return p.editNames(app, o.Model, "constraint", constraints, o.Constraint, o.Constraint, o.Op.Value(o.Value))
	case *migration.AlterModelOptions, *migration.AlterModelTable, *migration.AlterModelTableComment,
		*migration.AlterUniqueTogether, *migration.AlterIndexTogether, *migration.AlterOrderWithRespectTo,
		*migration.AlterModelManagers, *migration.ValidateConstraint:
		m, err := p.model(app, migration.OptionModel(o))
		if err != nil {
			return err
		}
		return m.alterOptions(op)
	case *migration.RunSQL:
		return p.applyStateOnly(app, o.StateOperations)
	case *migration.SeparateDatabaseAndState:
		return p.applyStateOnly(app, o.StateOperations)
	case *migration.RunPython, *migration.CreateExtension, *migration.CreateCollation, *migration.RemoveCollation:
		// No state.
	case *migration.Opaque:
		if _, call := o.Expr.(*python.Call); !call {
			return fmt.Errorf("cannot replay it: %s", o.Reason) // no class to name
		}
		return fmt.Errorf("cannot replay %s: %s", o.Name(), o.Reason)
	default:
		return fmt.Errorf("no replay for %s", op.Name())
	}
	return nil
}

// applyStateOnly applies state_operations: state_forwards without the
// checks only the schema editor makes.
func (p *Project) applyStateOnly(app string, ops []migration.Operation) error {
	p.stateOnly++
	defer func() { p.stateOnly-- }()
	return p.applyAll(app, ops)
}

func (p *Project) applyAll(app string, ops []migration.Operation) error {
	for _, op := range ops {
		if err := p.Apply(app, op); err != nil {
			return err
		}
	}
	return nil
}

func indexes(m *Model) *[]string     { return &m.Indexes }
func constraints(m *Model) *[]string { return &m.Constraints }

// editNames edits a model's index or constraint names: old, when given,
// must exist and is removed; then name, when given, is added with its
// definition (a rename keeps the old one).
func (p *Project) editNames(app, model, kind string, list func(*Model) *[]string, old, name string, def python.Expr) error {
	m, err := p.model(app, model)
	if err != nil {
		return err
	}
	l := list(m)
	if old != "" {
		if !remove(l, old) {
			return fmt.Errorf("%s %s does not exist on %s.%s", kind, old, app, model)
		}
		if def == nil && m.Defs[kind+":"+old] != nil {
			// A rename clones the definition under its new name.
			def = m.Defs[kind+":"+old]
			if renamed, ok := migration.SetName(def, name); ok && name != "" {
				def = renamed
			}
		}
		delete(m.Defs, kind+":"+old)
	}
	if name != "" {
		if slices.Contains(*l, name) {
			return fmt.Errorf("%s %s already exists on %s.%s", kind, name, app, model)
		}
		if old == "" && def != nil {
			if err := m.checkDefFields(kind, name, def); err != nil {
				return err
			}
		}
		*l = append(*l, name)
		if def != nil {
			m.Defs[kind+":"+name] = def
		}
	}
	return nil
}

func remove(list *[]string, name string) bool {
	for i, n := range *list {
		if n == name {
			*list = append((*list)[:i], (*list)[i+1:]...)
			return true
		}
	}
	return false
}

// newField reads a field's relation: a field is relational when its call
// has a to= argument (deconstruct always writes it) or is a relational
// class with the model first, as hand-written migrations have it.
func (p *Project) newField(app, model, name string, value python.Expr) *Field {
	f := &Field{Name: name, Value: value}
	fi := migration.ReadField(value, p.Settings)
	if fi.To != "" {
		f.To = migration.ResolveModel(fi.To, app, model)
	}
	if fi.Through != "" {
		f.Through = migration.ResolveModel(fi.Through, app, model)
	}
	return f
}

// checkRelations reports a relation to a model that does not exist at this
// point: Django could not render the state ("Related model ... cannot be
// resolved"). Models of apps the state knows nothing of (django.contrib
// apps outside the project) are not checked.
func (p *Project) checkRelations(model string, f *Field) error {
	for _, target := range []string{f.To, f.Through} {
		if target == "" {
			continue
		}
		app, name, _ := strings.Cut(target, ".")
		k := ModelKey{App: app, Model: name}
		if p.Models[k] == nil && p.knows(app) {
			return &MissingModel{k, fmt.Sprintf("field %s.%s refers to %s, which does not exist at this point", model, f.Name, target)}
		}
	}
	return nil
}

// knows reports whether any model of app has been created.
func (p *Project) knows(app string) bool {
	if p.apps == nil {
		return false
	}
	return p.apps[app]
}

type def struct {
	name  string
	value python.Expr
}

// checkDefFields reports an index or constraint whose literal fields=
// names a field the model does not have at this point: Django fails there
// (FieldDoesNotExist) when it creates it. A relation may be named by its
// column's attribute (author_id).
func (m *Model) checkDefFields(kind, name string, def python.Expr) error {
	inner, _ := python.SourceOf(nil, def)
	c, ok := python.Unwrap(inner).(*python.Call)
	if !ok {
		return nil
	}
	for _, k := range c.Keywords {
		if k.Arg != "fields" {
			continue
		}
		elts, ok := migration.Elements(k.Value)
		if !ok {
			return nil
		}
		names, ok := migration.LiteralStrings(elts)
		if !ok {
			return nil
		}
		for _, f := range names {
			f = strings.TrimPrefix(f, "-")
			if _, fd := m.field(f); fd != nil {
				continue
			}
			if base, isID := strings.CutSuffix(f, "_id"); isID {
				if _, fd := m.field(base); fd != nil {
					continue
				}
			}
			return fmt.Errorf("%s %s of %s names field %s, which does not exist at this point", kind, name, m.Name, f)
		}
	}
	return nil
}

// defsIn returns each index or constraint of a list with its name=.
func defsIn(e python.Expr) []def {
	var out []def
	var elts []python.Expr
	inner, src := python.SourceOf(nil, e)
	switch l := inner.(type) {
	case *python.List:
		elts = l.Elts
	case *python.Tuple:
		elts = l.Elts
	}
	for _, el := range elts {
		if c, ok := python.Unwrap(el).(*python.Call); ok {
			for _, k := range c.Keywords {
				if k.Arg == "name" {
					if s, ok := python.Unwrap(k.Value).(*python.Constant); ok {
						out = append(out, def{s.Value, python.InSource(src, el)})
					}
				}
			}
		}
	}
	return out
}

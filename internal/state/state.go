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

// Model is one model's state.
type Model struct {
	App, Name   string // Name as written ("Book")
	Fields      []*Field
	Options     map[string]python.Expr
	Indexes     []string
	Constraints []string
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

// model returns the model an operation names, or an error.
func (p *Project) model(app, name string) (*Model, error) {
	m := p.Models[key(app, name)]
	if m == nil {
		return nil, fmt.Errorf("model %s.%s does not exist at this point", app, name)
	}
	return m, nil
}

// Apply applies one operation of app's migration.
func (p *Project) Apply(app string, op migration.Operation) error {
	switch o := op.(type) {
	case *migration.CreateModel:
		k := key(app, o.Model)
		if p.Models[k] != nil {
			return fmt.Errorf("model %s already exists", k)
		}
		m := &Model{App: app, Name: o.Model, Options: map[string]python.Expr{}}
		for _, f := range o.Fields {
			m.Fields = append(m.Fields, p.newField(app, f.Name, f.Value))
		}
		if d, ok := o.Options.(*python.Dict); ok {
			for i, kx := range d.Keys {
				if s, ok := kx.(*python.Constant); ok && s.Kind == python.Str {
					switch s.Value {
					case "indexes", "constraints":
						for _, n := range namesIn(d.Values[i]) {
							if s.Value == "indexes" {
								m.Indexes = append(m.Indexes, n)
							} else {
								m.Constraints = append(m.Constraints, n)
							}
						}
					default:
						m.Options[s.Value] = d.Values[i]
					}
				}
			}
		}
		p.Models[k] = m
	case *migration.DeleteModel:
		if _, err := p.model(app, o.Model); err != nil {
			return err
		}
		delete(p.Models, key(app, o.Model))
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
		// Every relation to the old name now points at the new one.
		old, nw := key(app, o.OldName).String(), key(app, o.NewName).String()
		for _, other := range p.Models {
			for _, f := range other.Fields {
				if f.To == old {
					f.To = nw
				}
				if f.Through == old {
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
		m.Fields = append(m.Fields, p.newField(app, o.Field, o.Value))
	case *migration.AlterField:
		m, err := p.model(app, o.Model)
		if err != nil {
			return err
		}
		i, f := m.field(o.Field)
		if f == nil {
			return fmt.Errorf("field %s.%s does not exist at this point", o.Model, o.Field)
		}
		m.Fields[i] = p.newField(app, o.Field, o.Value)
	case *migration.RemoveField:
		m, err := p.model(app, o.Model)
		if err != nil {
			return err
		}
		i, f := m.field(o.Field)
		if f == nil {
			return fmt.Errorf("field %s.%s does not exist at this point", o.Model, o.Field)
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
	case *migration.AddIndex:
		return p.editNames(app, o.Model, "index", indexes, "", o.IndexName, true)
	case *migration.RemoveIndex:
		return p.editNames(app, o.Model, "index", indexes, o.Index, "", false)
	case *migration.RenameIndex:
		return p.editNames(app, o.Model, "index", indexes, o.OldName, o.NewName, true)
	case *migration.AddConstraint:
		return p.editNames(app, o.Model, "constraint", constraints, "", o.ConstraintName, true)
	case *migration.RemoveConstraint:
		return p.editNames(app, o.Model, "constraint", constraints, o.Constraint, "", false)
	case *migration.AlterModelOptions, *migration.AlterModelTable, *migration.AlterModelTableComment,
		*migration.AlterUniqueTogether, *migration.AlterIndexTogether, *migration.AlterOrderWithRespectTo,
		*migration.AlterModelManagers, *migration.AlterConstraint, *migration.ValidateConstraint:
		name := modelOf(o)
		if _, err := p.model(app, name); err != nil {
			return err
		}
	case *migration.RunSQL:
		return p.applyAll(app, o.StateOperations)
	case *migration.SeparateDatabaseAndState:
		return p.applyAll(app, o.StateOperations)
	case *migration.RunPython, *migration.CreateExtension, *migration.CreateCollation, *migration.RemoveCollation:
		// No state.
	case *migration.Opaque:
		return fmt.Errorf("cannot replay %s: %s", o.Name(), o.Reason)
	default:
		return fmt.Errorf("no replay for %s", op.Name())
	}
	return nil
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
// must exist and is removed; then name is added when add is set.
func (p *Project) editNames(app, model, kind string, list func(*Model) *[]string, old, name string, add bool) error {
	m, err := p.model(app, model)
	if err != nil {
		return err
	}
	l := list(m)
	if old != "" && !remove(l, old) {
		return fmt.Errorf("%s %s does not exist on %s.%s", kind, old, app, model)
	}
	if add {
		*l = append(*l, name)
	}
	return nil
}

// modelOf returns the model name of the model-option operations.
func modelOf(op migration.Operation) string {
	switch o := op.(type) {
	case *migration.AlterModelOptions:
		return o.Model
	case *migration.AlterModelTable:
		return o.Model
	case *migration.AlterModelTableComment:
		return o.Model
	case *migration.AlterUniqueTogether:
		return o.Model
	case *migration.AlterIndexTogether:
		return o.Model
	case *migration.AlterOrderWithRespectTo:
		return o.Model
	case *migration.AlterModelManagers:
		return o.Model
	case *migration.AlterConstraint:
		return o.Model
	case *migration.ValidateConstraint:
		return o.Model
	}
	return ""
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
// has a to= argument (deconstruct always writes it), whatever its class.
func (p *Project) newField(app, name string, value python.Expr) *Field {
	f := &Field{Name: name, Value: value}
	call, ok := value.(*python.Call)
	if !ok {
		return f
	}
	for _, k := range call.Keywords {
		switch k.Arg {
		case "to":
			f.To = p.target(app, k.Value)
		case "through":
			f.Through = p.target(app, k.Value)
		}
	}
	return f
}

// target resolves "Model", "app.Model" or settings.X to "app.model".
func (p *Project) target(app string, e python.Expr) string {
	var s string
	switch v := e.(type) {
	case *python.Constant:
		s = v.Value
	case *python.Attribute:
		if n, ok := v.Value.(*python.Name); ok && n.ID == "settings" {
			s, _ = p.Settings(v.Attr)
		}
	}
	if s == "" {
		return ""
	}
	if !strings.Contains(s, ".") {
		s = app + "." + s
	}
	return strings.ToLower(s)
}

// namesIn returns the name= of each call in a list (indexes, constraints).
func namesIn(e python.Expr) []string {
	var out []string
	var elts []python.Expr
	switch l := e.(type) {
	case *python.List:
		elts = l.Elts
	case *python.Tuple:
		elts = l.Elts
	}
	for _, el := range elts {
		if c, ok := el.(*python.Call); ok {
			for _, k := range c.Keywords {
				if k.Arg == "name" {
					if s, ok := k.Value.(*python.Constant); ok {
						out = append(out, s.Value)
					}
				}
			}
		}
	}
	return out
}

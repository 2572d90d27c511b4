package optimizer

import (
	"slices"
	"strings"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// This file holds Django's references_model and references_field, per
// operation class. Like Django's, they may answer true when unsure (a
// false positive only blocks an optimization); unlike Django's objects, our
// expressions can be unreadable, and then they answer true.

func lower(s string) string { return strings.ToLower(s) }

// fieldRefs is Django's field_references: does the field (of model
// app.fromModel) refer to app.refModel, and, when refField is given, to that
// field of it?
func (o *optimizer) fieldRefs(fromModel string, value python.Expr, refModel, refField string) bool {
	fi := o.field(value)
	if fi.Unknown {
		return true
	}
	ref := o.app + "." + lower(refModel)
	if fi.To != "" && m.ResolveModel(fi.To, o.app, fromModel) == ref {
		if refField == "" || fi.ToFields == nil || slices.Contains(fi.ToFields, refField) {
			return true
		}
	}
	if fi.Through != "" && m.ResolveModel(fi.Through, o.app, fromModel) == ref {
		if refField == "" || fi.ThroughFields == nil || slices.Contains(fi.ThroughFields, refField) {
			return true
		}
	}
	return false
}

// refModel is Operation.references_model(name, app_label).
func (o *optimizer) refModel(op m.Operation, name string) bool {
	n := lower(name)
	switch x := op.(type) {
	case *m.CreateModel:
		if n == lower(x.Model) {
			return true
		}
		if x.Bases != nil {
			bases, ok := m.Elements(x.Bases)
			if !ok {
				return true
			}
			for _, b := range bases {
				if c, ok := python.Unwrap(b).(*python.Constant); ok && c.Kind == python.Str {
					if m.ResolveModel(c.Value, o.app, x.Model) == o.app+"."+n {
						return true
					}
				}
			}
		}
		for _, f := range x.Fields {
			if o.fieldRefs(x.Model, f.Value, name, "") {
				return true
			}
		}
		return false
	case *m.DeleteModel:
		return true
	case *m.RenameModel:
		return n == lower(x.OldName) || n == lower(x.NewName)
	case *m.AlterModelTable, *m.AlterModelTableComment, *m.AlterUniqueTogether, *m.AlterIndexTogether,
		*m.AlterOrderWithRespectTo, *m.AlterModelOptions, *m.AlterModelManagers:
		return n == lower(m.OptionModel(op))
	case *m.AddField:
		return n == lower(x.Model) || o.fieldRefs(x.Model, x.Value, name, "")
	case *m.AlterField:
		return n == lower(x.Model) || o.fieldRefs(x.Model, x.Value, name, "")
	case *m.RemoveField:
		return n == lower(x.Model)
	case *m.RenameField:
		return n == lower(x.Model)
	}
	// Index and constraint operations, special operations and anything
	// opaque: Operation.references_model is True.
	return true
}

// refField is Operation.references_field(model_name, name, app_label).
func (o *optimizer) refField(op m.Operation, model, name string) bool {
	switch x := op.(type) {
	case *m.AddField:
		return o.fieldOpRefField(x.Model, x.Field, x.Value, model, name)
	case *m.AlterField:
		return o.fieldOpRefField(x.Model, x.Field, x.Value, model, name)
	case *m.RemoveField:
		return o.fieldOpRefField(x.Model, x.Field, nil, model, name)
	case *m.RenameField:
		return o.refModel(op, model) && (lower(name) == lower(x.OldName) || lower(name) == lower(x.NewName))
	case *m.AlterUniqueTogether:
		return o.refModel(op, model) && togetherRefs(x.Value, name)
	case *m.AlterIndexTogether:
		return o.refModel(op, model) && togetherRefs(x.Value, name)
	case *m.AlterOrderWithRespectTo:
		if !o.refModel(op, model) {
			return false
		}
		c, ok := python.Unwrap(x.Field).(*python.Constant)
		if !ok {
			return true
		}
		return c.Kind == python.NoneConst || c.Kind == python.Str && c.Value == name
	}
	return o.refModel(op, model)
}

// fieldOpRefField is FieldOperation.references_field; value is nil for
// RemoveField (which has no field).
func (o *optimizer) fieldOpRefField(opModel, opField string, value python.Expr, model, name string) bool {
	if lower(model) == lower(opModel) {
		if name == opField {
			return true
		}
		if value != nil {
			fi := o.field(value)
			if fi.Unknown || slices.Contains(fi.FromFields, name) || fi.Expression && !o.django52 && slices.Contains(fi.Generated, name) {
				return true
			}
		}
	}
	if value == nil {
		return false
	}
	return o.fieldRefs(opModel, value, model, name)
}

// togetherRefs is AlterTogetherOptionOperation's test: an empty value
// refers to every field.
func togetherRefs(value python.Expr, name string) bool {
	groups, ok := m.Together(value)
	if !ok {
		return true
	}
	if len(groups) == 0 {
		return true
	}
	for _, g := range groups {
		if slices.Contains(g, name) {
			return true
		}
	}
	return false
}

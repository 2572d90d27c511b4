// Package writer renders migrations as Python source shaped like Django's
// MigrationWriter output, laid out as black would.
//
// Invariants: an operation read from a file is printed from its own source
// (its call as written, re-laid out); an operation synthesized by the
// optimizer is printed from its fields, in Django's deconstruct() argument
// order, with the expressions it carries printed as written in their files.
package writer

import (
	"strings"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// OperationExpr returns the expression that constructs op: its own call,
// tied to its source, or a synthesized call for an optimizer result.
func OperationExpr(op m.Operation) python.Expr {
	if o, ok := op.(*m.Opaque); ok {
		return python.InSource(o.File, o.Expr) // always read from a file
	}
	b := m.Base(op)
	if b.Call != nil {
		return python.InSource(b.File, b.Call)
	}
	var kw []*python.Keyword
	arg := func(name string, v python.Expr) {
		if v == nil {
			return
		}
		switch python.Unwrap(v).(type) {
		case *python.List, *python.Tuple, *python.Dict:
			// MigrationWriter writes list, tuple and dict arguments one
			// item per line.
			if _, ok := v.(*python.Exploded); !ok {
				v = &python.Exploded{Span: python.NoSpan, X: v}
			}
		}
		kw = append(kw, python.NewKeyword(name, v))
	}
	str := func(name, s string) { arg(name, python.NewStr(s)) }
	switch x := op.(type) {
	case *m.CreateModel:
		str("name", x.Model)
		var fields []python.Expr
		for _, f := range x.Fields {
			fields = append(fields, python.NewTuple(python.NewStr(f.Name), f.Value))
		}
		arg("fields", python.NewList(fields...))
		if truthyDisplay(x.Options) {
			arg("options", x.Options)
		}
		arg("bases", x.Bases)
		arg("managers", x.Managers)
	case *m.DeleteModel:
		str("name", x.Model)
	case *m.RenameModel:
		str("old_name", x.OldName)
		str("new_name", x.NewName)
	case *m.AlterModelTable:
		str("name", x.Model)
		arg("table", x.Table)
	case *m.AlterModelTableComment:
		str("name", x.Model)
		arg("table_comment", x.Comment)
	case *m.AlterUniqueTogether:
		str("name", x.Model)
		arg("unique_together", x.Value)
	case *m.AlterIndexTogether:
		str("name", x.Model)
		arg("index_together", x.Value)
	case *m.AlterOrderWithRespectTo:
		str("name", x.Model)
		arg("order_with_respect_to", x.Field)
	case *m.AlterModelOptions:
		str("name", x.Model)
		arg("options", x.Options)
	case *m.AlterModelManagers:
		str("name", x.Model)
		arg("managers", x.Managers)
	case *m.AddField:
		str("model_name", x.Model)
		str("name", x.Field)
		arg("field", x.Value)
		arg("preserve_default", x.PreserveDefault)
	case *m.AlterField:
		str("model_name", x.Model)
		str("name", x.Field)
		arg("field", x.Value)
		arg("preserve_default", x.PreserveDefault)
	case *m.RemoveField:
		str("model_name", x.Model)
		str("name", x.Field)
	case *m.RenameField:
		str("model_name", x.Model)
		str("old_name", x.OldName)
		str("new_name", x.NewName)
	case *m.AddIndex:
		str("model_name", x.Model)
		arg("index", x.Index)
	case *m.RemoveIndex:
		str("model_name", x.Model)
		str("name", x.Index)
	case *m.RenameIndex:
		str("model_name", x.Model)
		str("new_name", x.NewName)
		if x.OldName != "" {
			str("old_name", x.OldName)
		}
		arg("old_fields", x.OldFields)
	case *m.AddConstraint:
		str("model_name", x.Model)
		arg("constraint", x.Constraint)
	case *m.RemoveConstraint:
		str("model_name", x.Model)
		str("name", x.Constraint)
	case *m.AlterConstraint:
		str("model_name", x.Model)
		str("name", x.Constraint)
		arg("constraint", x.Value)
	}
	return python.NewCall(operationClass(b.Class), nil, kw...)
}

// operationClass is the callee for a class: migrations.X, or the
// django.contrib.postgres.operations path of its variants.
func operationClass(class string) python.Expr {
	switch class {
	case "AddIndexConcurrently", "RemoveIndexConcurrently", "AddConstraintNotValid", "ValidateConstraint":
		var e python.Expr = python.NewName("django")
		for _, p := range strings.Split("contrib.postgres.operations."+class, ".") {
			e = python.NewAttr(e, p)
		}
		return e
	}
	return python.NewAttr(python.NewName("migrations"), class)
}

func truthyDisplay(e python.Expr) bool {
	if e == nil {
		return false
	}
	if d, ok := python.Unwrap(e).(*python.Dict); ok {
		return len(d.Keys) > 0
	}
	return true
}

// FormatOperations lays out an operations list at indent, as the value of
// "operations = ".
func FormatOperations(ops []m.Operation, indent int) string {
	elts := make([]python.Expr, len(ops))
	for i, op := range ops {
		elts[i] = OperationExpr(op)
	}
	list := &python.Exploded{Span: python.NoSpan, X: python.NewList(elts...)}
	return python.FormatExpr(nil, list, indent, "")
}

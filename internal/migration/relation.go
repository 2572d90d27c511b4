package migration

import (
	"strings"

	"github.com/djsquash/djsquash/internal/python"
)

// FieldInfo is what a field expression says statically about what it
// refers to: the parts Django's field_references and the optimizer read.
type FieldInfo struct {
	// Unknown is set when the expression is not a call with literal
	// arguments where they matter: callers must assume it refers to
	// anything.
	Unknown bool
	// To and Through are the related model and the M2M through model as
	// written ("Book", "app.Book", "self", or a settings name resolved);
	// "" when absent.
	To, Through string
	// ToFields are the target fields (to_field=, to_fields=); nil means
	// unspecified, which refers to the primary key, i.e. any field for
	// the optimizer. FromFields are ForeignObject's local fields.
	ToFields, FromFields []string
	// ThroughFields lists through_fields; nil when unspecified.
	ThroughFields []string
	// DBColumn is set when db_column= is given (and not None).
	DBColumn bool
	// Generated lists the fields a GeneratedField's expression names
	// (F("x"), Q(x=...)), when Expression is set.
	Generated  []string
	Expression bool
}

// relationalClasses take the related model as their first positional
// argument.
var relationalClasses = []string{"ForeignKey", "OneToOneField", "ManyToManyField", "ForeignObject"}

// ReadField reads a field expression; settings resolves settings.X used
// as to= (AUTH_USER_MODEL).
func ReadField(e python.Expr, settings Settings) FieldInfo {
	call, ok := python.Unwrap(e).(*python.Call)
	if !ok {
		return FieldInfo{Unknown: true}
	}
	var fi FieldInfo
	class := CallClass(call)
	str := func(e python.Expr) string {
		switch v := python.Unwrap(e).(type) {
		case *python.Constant:
			if v.Kind == python.Str {
				return v.Value
			}
		case *python.Attribute:
			if n, ok := python.Unwrap(v.Value).(*python.Name); ok && settings != nil {
				name := v.Attr
				if n.ID != "settings" {
					name = n.ID + "." + v.Attr // an app's settings object
				}
				if s, ok := settings(name); ok {
					return s
				}
			}
		}
		fi.Unknown = true
		return ""
	}
	strs := func(e python.Expr) []string {
		out := []string{}
		switch v := python.Unwrap(e).(type) {
		case *python.List:
			for _, x := range v.Elts {
				out = append(out, str(x))
			}
		case *python.Tuple:
			for _, x := range v.Elts {
				out = append(out, str(x))
			}
		default:
			fi.Unknown = true
		}
		return out
	}
	for _, c := range relationalClasses {
		if class == c && len(call.Args) > 0 {
			fi.To = str(call.Args[0])
		}
	}
	if class == "ForeignObject" {
		if len(call.Args) > 2 {
			fi.FromFields = strs(call.Args[2])
		}
		if len(call.Args) > 3 {
			fi.ToFields = strs(call.Args[3])
		}
	}
	for _, a := range call.Args {
		if _, ok := a.(*python.Starred); ok {
			fi.Unknown = true
		}
	}
	for _, k := range call.Keywords {
		switch k.Arg {
		case "":
			fi.Unknown = true
		case "to":
			fi.To = str(k.Value)
		case "through":
			if c, ok := python.Unwrap(k.Value).(*python.Constant); !ok || c.Kind != python.NoneConst {
				fi.Through = str(k.Value)
			}
		case "to_field":
			if c, ok := python.Unwrap(k.Value).(*python.Constant); !ok || c.Kind != python.NoneConst {
				fi.ToFields = []string{str(k.Value)}
			}
		case "to_fields":
			fi.ToFields = strs(k.Value)
		case "from_fields":
			fi.FromFields = strs(k.Value)
		case "through_fields":
			fi.ThroughFields = strs(k.Value)
		case "db_column":
			if c, ok := python.Unwrap(k.Value).(*python.Constant); !ok || c.Kind != python.NoneConst {
				fi.DBColumn = true
			}
		case "expression":
			fi.Expression = true
			fi.Generated = exprFields(k.Value)
		}
	}
	return fi
}

// exprFields lists the model fields an expression refers to, the way
// Model._get_expr_references does: F("a__b") names a, Q(a__b=1) names a.
func exprFields(e python.Expr) []string {
	var out []string
	python.Inspect(e, func(n python.Node) bool {
		c, ok := n.(*python.Call)
		if !ok {
			return true
		}
		name := calleeName(python.Unwrap(c.Func))
		switch name[strings.LastIndex(name, ".")+1:] {
		case "F":
			if len(c.Args) == 1 {
				if s, ok := python.Unwrap(c.Args[0]).(*python.Constant); ok && s.Kind == python.Str {
					head, _, _ := strings.Cut(s.Value, "__")
					out = append(out, head)
				}
			}
		case "Q":
			for _, k := range c.Keywords {
				head, _, _ := strings.Cut(k.Arg, "__")
				out = append(out, head)
			}
		}
		return true
	})
	return out
}

// ResolveModel turns a relation as written into "app.model" lowercased,
// the way Django's resolve_relation does: "self" is the model itself, an
// unqualified name is in app.
func ResolveModel(to, app, model string) string {
	if to == "self" {
		return app + "." + strings.ToLower(model)
	}
	if a, m, ok := strings.Cut(to, "."); ok {
		return a + "." + strings.ToLower(m)
	}
	return app + "." + strings.ToLower(to)
}

// Retarget returns a copy of a field call with its to= (or first positional
// argument) and/or through= set to target, the way Django's state repoints
// relations when a model is renamed. It reports false when the call has no
// such argument to rewrite.
func Retarget(e python.Expr, to, through bool, target string) (python.Expr, bool) {
	inner, src := python.SourceOf(nil, e)
	c, ok := inner.(*python.Call)
	if !ok {
		return nil, false
	}
	hasTo := false
	for _, k := range c.Keywords {
		hasTo = hasTo || k.Arg == "to"
	}
	done := false
	var args []python.Expr
	for i, a := range c.Args {
		if i == 0 && to && !hasTo {
			args = append(args, python.NewStr(target))
			done = true
			continue
		}
		args = append(args, python.InSource(src, a))
	}
	var kws []*python.Keyword
	for _, k := range c.Keywords {
		if k.Arg == "to" && to || k.Arg == "through" && through {
			kws = append(kws, python.NewKeyword(k.Arg, python.NewStr(target)))
			done = true
			continue
		}
		kws = append(kws, python.NewKeyword(k.Arg, python.InSource(src, k.Value)))
	}
	return python.NewCall(python.InSource(src, c.Func), args, kws...), done
}

// SetName returns a copy of an index or constraint call with name= set,
// as Django clones an index to rename it. It reports false when the call
// has no name= to replace.
func SetName(e python.Expr, name string) (python.Expr, bool) {
	inner, src := python.SourceOf(nil, e)
	c, ok := inner.(*python.Call)
	if !ok {
		return nil, false
	}
	var args []python.Expr
	for _, a := range c.Args {
		args = append(args, python.InSource(src, a))
	}
	var kws []*python.Keyword
	seen := false
	for _, k := range c.Keywords {
		if k.Arg == "name" {
			kws = append(kws, python.NewKeyword("name", python.NewStr(name)))
			seen = true
			continue
		}
		kws = append(kws, python.NewKeyword(k.Arg, python.InSource(src, k.Value)))
	}
	return python.NewCall(python.InSource(src, c.Func), args, kws...), seen
}

// WithoutDefault is a field call without its default=, as Django's state
// keeps a field added or altered with preserve_default=False
// (ProjectState.add_field / alter_field set default to NOT_PROVIDED). A
// call without one, or an expression that is not a call, is returned as
// it is.
func WithoutDefault(e python.Expr) python.Expr {
	inner, src := python.SourceOf(nil, e)
	c, ok := inner.(*python.Call)
	if !ok {
		return e
	}
	found := false
	var kws []*python.Keyword
	for _, k := range c.Keywords {
		if k.Arg == "default" {
			found = true
			continue
		}
		kws = append(kws, python.NewKeyword(k.Arg, python.InSource(src, k.Value)))
	}
	if !found {
		return e
	}
	var args []python.Expr
	for _, a := range c.Args {
		args = append(args, python.InSource(src, a))
	}
	return python.NewCall(python.InSource(src, c.Func), args, kws...)
}

// DefaultText is a field expression's default= argument printed flat, ""
// when it has none (or is not a call): what two field definitions fill
// existing rows with compares equal exactly when these are equal.
func DefaultText(e python.Expr) string {
	inner, src := python.SourceOf(nil, e)
	c, ok := inner.(*python.Call)
	if !ok {
		return ""
	}
	for _, k := range c.Keywords {
		if k.Arg == "default" {
			return python.FlatText(python.InSource(src, k.Value))
		}
	}
	return ""
}

// PreservesDefault reports preserve_default's value: true unless it is a
// literal False.
func PreservesDefault(e python.Expr) bool {
	c, ok := python.Unwrap(e).(*python.Constant)
	return !ok || c.Kind != python.False
}

// Together reads a unique_together/index_together value as Django's
// normalize_together leaves it: a list of field-name groups. It reports
// false when the value is not literal. None, set() and empty displays are
// no groups.
func Together(e python.Expr) ([][]string, bool) {
	if e == nil {
		return nil, true
	}
	if c, ok := python.Unwrap(e).(*python.Constant); ok && c.Kind == python.NoneConst {
		return nil, true
	}
	if c, ok := python.Unwrap(e).(*python.Call); ok && len(c.Args) == 0 && len(c.Keywords) == 0 {
		if n, ok := python.Unwrap(c.Func).(*python.Name); ok && (n.ID == "set" || n.ID == "tuple" || n.ID == "list") {
			return nil, true
		}
	}
	elts, ok := Elements(e)
	if !ok {
		return nil, false
	}
	if len(elts) == 0 {
		return nil, true
	}
	// A flat tuple/list of names is one group (not for a set, which
	// normalize_together returns as it is).
	if _, isSet := python.Unwrap(e).(*python.Set); !isSet {
		if _, ok := LiteralString(elts[0]); ok {
			g, ok := LiteralStrings(elts)
			return [][]string{g}, ok
		}
	}
	var out [][]string
	for _, el := range elts {
		if s, ok := LiteralString(el); ok {
			// Django iterates the string: its characters.
			var g []string
			for _, r := range s {
				g = append(g, string(r))
			}
			out = append(out, g)
			continue
		}
		inner, ok := Elements(el)
		if !ok {
			return nil, false
		}
		g, ok := LiteralStrings(inner)
		if !ok {
			return nil, false
		}
		out = append(out, g)
	}
	return out, true
}

// Elements returns the items of a list, tuple or set display.
func Elements(e python.Expr) ([]python.Expr, bool) {
	switch v := python.Unwrap(e).(type) {
	case *python.List:
		return v.Elts, true
	case *python.Tuple:
		return v.Elts, true
	case *python.Set:
		return v.Elts, true
	}
	return nil, false
}

// LiteralString is the value of a string constant.
func LiteralString(e python.Expr) (string, bool) {
	c, ok := python.Unwrap(e).(*python.Constant)
	if !ok || c.Kind != python.Str {
		return "", false
	}
	return c.Value, true
}

// LiteralStrings are the values of string constants, all or none.
func LiteralStrings(elts []python.Expr) ([]string, bool) {
	out := make([]string, 0, len(elts))
	for _, e := range elts {
		s, ok := LiteralString(e)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// CallClass is the last part of a call's dotted callee: "ForeignKey" for
// models.ForeignKey(...), "UniqueConstraint" for models.UniqueConstraint(...).
func CallClass(call *python.Call) string {
	callee := calleeName(python.Unwrap(call.Func))
	return callee[strings.LastIndex(callee, ".")+1:]
}

// Traits are what a field's call says about the schema objects Django's
// schema editor creates for it besides its column: an index (and on
// PostgreSQL a second "_like" index for varchar and text columns), a
// foreign key constraint, an auto-created many-to-many table.
type Traits struct {
	Class string // the call's class name, "ForeignKey"
	// Unknown is set when the value is not a call, or an argument that
	// decides these traits is not literal: callers assume anything.
	Unknown                                 bool
	PrimaryKey, Unique, DBIndex, Constraint bool
	Relation, ManyToMany                    bool
	To, Through, ToField                    string // as written
}

// textClasses are the fields whose column is varchar or text.
var textClasses = map[string]bool{"CharField": true, "SlugField": true, "EmailField": true, "URLField": true, "TextField": true,
	"FilePathField": true, "FileField": true, "ImageField": true, "GenericIPAddressField": true, "IPAddressField": true, "CICharField": true}

// ReadTraits reads a field expression's Traits, with Django's defaults:
// ForeignKey is indexed, OneToOneField and primary keys unique, every
// relation constrained unless db_constraint=False.
func ReadTraits(e python.Expr) Traits {
	call, ok := python.Unwrap(e).(*python.Call)
	if !ok {
		return Traits{Unknown: true}
	}
	t := Traits{Class: CallClass(call), Constraint: true}
	switch t.Class {
	case "ForeignKey":
		t.Relation, t.DBIndex = true, true
	case "OneToOneField":
		t.Relation, t.Unique = true, true
	case "ManyToManyField":
		t.Relation, t.ManyToMany = true, true
	}
	if t.Relation && len(call.Args) > 0 {
		t.To, _ = LiteralString(call.Args[0])
	}
	flag := func(v python.Expr) bool {
		c, ok := python.Unwrap(v).(*python.Constant)
		if !ok || c.Kind != python.True && c.Kind != python.False {
			t.Unknown = true
			return false
		}
		return c.Kind == python.True
	}
	for _, k := range call.Keywords {
		switch k.Arg {
		case "":
			t.Unknown = true
		case "primary_key":
			t.PrimaryKey = flag(k.Value)
		case "unique":
			t.Unique = flag(k.Value)
		case "db_index":
			t.DBIndex = flag(k.Value)
		case "db_constraint":
			t.Constraint = flag(k.Value)
		case "to":
			t.To, _ = LiteralString(k.Value)
		case "through":
			t.Through, _ = LiteralString(k.Value)
		case "to_field":
			t.ToField, _ = LiteralString(k.Value)
		}
	}
	if t.PrimaryKey {
		t.Unique = true
	}
	return t
}

// Indexed reports a field Django gives an index of its own (besides a
// unique constraint): db_index without unique, or on PostgreSQL a
// varchar/text column that is indexed or unique (its "_like" index).
func (t Traits) Indexed() bool {
	return t.DBIndex && !t.Unique || textClasses[t.Class] && (t.DBIndex || t.Unique)
}

// ForeignKey reports a field with a foreign key constraint.
func (t Traits) ForeignKey() bool { return t.Relation && !t.ManyToMany && t.Constraint }

package optimizer

import (
	"slices"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// alterOptionKeys is AlterModelOptions.ALTER_OPTION_KEYS: the options it
// owns, removed when absent from its options.
var alterOptionKeys = []string{
	"base_manager_name", "default_manager_name", "default_related_name", "get_latest_by",
	"managed", "ordering", "permissions", "default_permissions", "select_on_save",
	"verbose_name", "verbose_name_plural",
}

// options is an ordered dict of option name to value, as Python keeps it.
type options struct {
	keys []string
	vals map[string]python.Expr
}

// readOptions reads a CreateModel's options (nil: none); false when they are
// not a dict display with literal string keys.
func readOptions(e python.Expr) (*options, bool) {
	opts := &options{vals: map[string]python.Expr{}}
	if e == nil {
		return opts, true
	}
	inner, src := python.SourceOf(nil, e)
	d, ok := inner.(*python.Dict)
	if !ok {
		return nil, false
	}
	for i, k := range d.Keys {
		s, ok := m.LiteralString(k)
		if !ok {
			return nil, false
		}
		opts.set(s, python.InSource(src, d.Values[i]))
	}
	return opts, true
}

func (o *options) get(k string) python.Expr { return o.vals[k] }

func (o *options) set(k string, v python.Expr) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *options) pop(k string) python.Expr {
	v, ok := o.vals[k]
	if ok {
		delete(o.vals, k)
		o.keys = slices.DeleteFunc(o.keys, func(s string) bool { return s == k })
	}
	return v
}

func (o *options) copy() *options {
	c := &options{keys: slices.Clone(o.keys), vals: map[string]python.Expr{}}
	for k, v := range o.vals {
		c.vals[k] = v
	}
	return c
}

// expr is the options as a dict display; nil when empty (CreateModel
// omits empty options).
func (o *options) expr() python.Expr {
	if len(o.keys) == 0 {
		return nil
	}
	var ks, vs []python.Expr
	for _, k := range o.keys {
		ks = append(ks, python.NewStr(k))
		vs = append(vs, o.vals[k])
	}
	return &python.Exploded{Span: python.NoSpan, X: python.NewDict(ks, vs)}
}

// stateValue is the field a CreateModel takes from an AddField or
// AlterField: with preserve_default=False, without its default, as the
// state keeps it (the default was for rows that existed; a table created
// with the field has none). Django's own CreateModel keeps the default,
// so that after its squashmigrations the squash's state and the models
// differ and makemigrations wants an AlterField; ours does not.
func (o *optimizer) stateValue(op m.Op, value, preserve python.Expr) python.Expr {
	v := op.Value(value)
	if !m.PreservesDefault(preserve) {
		return m.WithoutDefault(v)
	}
	return v
}

// groupsExpr writes field-name groups as a set of tuples, the value
// Django's reductions store.
func groupsExpr(groups [][]string) python.Expr {
	var elts []python.Expr
	var seen [][]string
	for _, g := range groups {
		if slices.ContainsFunc(seen, func(s []string) bool { return slices.Equal(s, g) }) {
			continue
		}
		seen = append(seen, g)
		var t []python.Expr
		for _, f := range g {
			t = append(t, python.NewStr(f))
		}
		elts = append(elts, python.NewTuple(t...))
	}
	return python.NewSet(elts...)
}

// normalizedTogether is the value an AlterTogetherOptionOperation stores:
// set(normalize_together(value)) when truthy, the value itself otherwise.
func normalizedTogether(op m.Op, value python.Expr) (python.Expr, bool) {
	if !python.Truthy(value) {
		return op.Value(value), true
	}
	groups, ok := m.Together(value)
	if !ok {
		return nil, false
	}
	return groupsExpr(groups), true
}

// reduceCreateModel is CreateModel.reduce's own cases; false falls back to
// ModelOperation.reduce. Options that are not a literal dict make every
// option-merging case fall back: the result could not be written.
func (o *optimizer) reduceCreateModel(c *m.CreateModel, b m.Operation) (verdict, bool) {
	name := lower(c.Model)
	same := func(model string) bool { return lower(model) == name }
	with := func(f func(n *m.CreateModel) bool) (verdict, bool) {
		n := &m.CreateModel{Op: synth("CreateModel"), Model: c.Model, Options: c.Op.Value(c.Options), Bases: c.Op.Value(c.Bases), Managers: c.Op.Value(c.Managers)}
		for _, f := range c.Fields {
			n.Fields = append(n.Fields, m.Field{Name: f.Name, Value: c.Op.Value(f.Value), Pos: -1, End: -1})
		}
		if !f(n) {
			return verdict{}, false
		}
		return replaced(n), true
	}
	// withOptions edits a copy of the options.
	withOptions := func(edit func(opts *options) bool) (verdict, bool) {
		return with(func(n *m.CreateModel) bool {
			opts, ok := readOptions(n.Options)
			if !ok || !edit(opts) {
				return false
			}
			n.Options = opts.expr()
			return true
		})
	}
	switch x := b.(type) {
	case *m.DeleteModel:
		if same(x.Model) {
			opts, ok := readOptions(c.Op.Value(c.Options))
			if !ok {
				return verdict{}, false
			}
			if p := opts.get("proxy"); p != nil && python.Truthy(p) {
				return verdict{}, false
			}
			return replaced(), true
		}
	case *m.RenameModel:
		if same(x.OldName) {
			return with(func(n *m.CreateModel) bool {
				n.Model = x.NewName
				if !o.barriers {
					return true
				}
				// Django keeps relations of the model to itself by its old
				// name, which no longer resolves: point them at the new.
				old := o.app + "." + lower(x.OldName)
				for i, f := range n.Fields {
					fi := o.field(f.Value)
					if fi.Unknown {
						return false
					}
					to := fi.To != "" && m.ResolveModel(fi.To, o.app, c.Model) == old && fi.To != "self"
					through := fi.Through != "" && m.ResolveModel(fi.Through, o.app, c.Model) == old
					if !to && !through {
						continue
					}
					v, ok := m.Retarget(f.Value, to, through, o.app+"."+lower(x.NewName))
					if !ok {
						return false
					}
					n.Fields[i].Value = v
					o.deviations[SelfReferenceRename] = true
				}
				return true
			})
		}
	case *m.AlterModelOptions:
		if same(x.Model) {
			return withOptions(func(opts *options) bool {
				add, ok := readOptions(x.Op.Value(x.Options))
				if !ok {
					return false
				}
				for _, k := range add.keys {
					opts.set(k, add.vals[k])
				}
				for _, k := range alterOptionKeys {
					if _, ok := add.vals[k]; !ok {
						opts.pop(k)
					}
				}
				return true
			})
		}
	case *m.AlterModelManagers:
		if same(x.Model) {
			return with(func(n *m.CreateModel) bool { n.Managers = x.Op.Value(x.Managers); return true })
		}
	case *m.AlterModelTable:
		if same(x.Model) && !o.django42 { // 5.0 added this reduction
			return withOptions(func(opts *options) bool { opts.set("db_table", x.Op.Value(x.Table)); return true })
		}
	case *m.AlterModelTableComment:
		if same(x.Model) && !o.django42 { // 5.0 added this reduction
			return withOptions(func(opts *options) bool { opts.set("db_table_comment", x.Op.Value(x.Comment)); return true })
		}
	case *m.AlterUniqueTogether:
		if same(x.Model) {
			return withOptions(func(opts *options) bool {
				v, ok := normalizedTogether(x.Op, x.Value)
				opts.set("unique_together", v)
				return ok
			})
		}
	case *m.AlterIndexTogether:
		if same(x.Model) {
			return withOptions(func(opts *options) bool {
				v, ok := normalizedTogether(x.Op, x.Value)
				opts.set("index_together", v)
				return ok
			})
		}
	case *m.AlterOrderWithRespectTo:
		if same(x.Model) {
			return withOptions(func(opts *options) bool {
				opts.set("order_with_respect_to", x.Op.Value(x.Field))
				return true
			})
		}
	case *m.AddField:
		if same(x.Model) {
			return with(func(n *m.CreateModel) bool {
				n.Fields = append(n.Fields, m.Field{Name: x.Field, Value: o.stateValue(x.Op, x.Value, x.PreserveDefault), Pos: -1, End: -1})
				return true
			})
		}
	case *m.AlterField:
		if same(x.Model) {
			return with(func(n *m.CreateModel) bool {
				for i := range n.Fields {
					if n.Fields[i].Name == x.Field {
						n.Fields[i].Value = o.stateValue(x.Op, x.Value, x.PreserveDefault)
					}
				}
				return true
			})
		}
	case *m.RemoveField:
		if same(x.Model) {
			field := lower(x.Field)
			return with(func(n *m.CreateModel) bool {
				n.Fields = slices.DeleteFunc(n.Fields, func(f m.Field) bool { return lower(f.Name) == field })
				opts, ok := readOptions(n.Options)
				if !ok {
					return false
				}
				for _, option := range []string{"unique_together", "index_together"} {
					v := opts.pop(option)
					if !python.Truthy(v) {
						continue
					}
					groups, ok := m.Together(v)
					if !ok {
						return false
					}
					var kept [][]string
					for _, g := range groups {
						g = slices.DeleteFunc(slices.Clone(g), func(f string) bool { return f == field })
						if len(g) > 0 {
							kept = append(kept, g)
						}
					}
					if len(kept) > 0 {
						opts.set(option, groupsExpr(kept))
					}
				}
				if s, ok := m.LiteralString(opts.get("order_with_respect_to")); ok && s == field {
					opts.pop("order_with_respect_to")
				}
				n.Options = opts.expr()
				return true
			})
		}
	case *m.RenameField:
		if same(x.Model) {
			return with(func(n *m.CreateModel) bool {
				opts, ok := readOptions(n.Options)
				if !ok {
					return false
				}
				for _, option := range []string{"unique_together", "index_together"} {
					v := opts.get(option)
					if !python.Truthy(v) {
						continue
					}
					groups, ok := m.Together(v)
					if !ok {
						return false
					}
					for _, g := range groups {
						for i, f := range g {
							if f == x.OldName {
								g[i] = x.NewName
							}
						}
					}
					opts.set(option, groupsExpr(groups))
				}
				if s, ok := m.LiteralString(opts.get("order_with_respect_to")); ok && s == x.OldName {
					opts.set("order_with_respect_to", python.NewStr(x.NewName))
				}
				n.Options = opts.expr()
				for i := range n.Fields {
					if n.Fields[i].Name == x.OldName {
						n.Fields[i].Name = x.NewName
					}
				}
				return true
			})
		}
	case *m.AddIndex:
		if same(x.Model) {
			return withOptions(func(opts *options) bool {
				return appendTo(opts, "indexes", "", x.Op.Value(x.Index))
			})
		}
	case *m.RemoveIndex:
		if same(x.Model) {
			return withOptions(func(opts *options) bool { return appendTo(opts, "indexes", x.Index, nil) })
		}
	case *m.AddConstraint:
		if same(x.Model) && !o.django42 { // 5.0 added this reduction
			return withOptions(func(opts *options) bool {
				return appendTo(opts, "constraints", "", x.Op.Value(x.Constraint))
			})
		}
	case *m.AlterConstraint:
		if same(x.Model) && !o.django52 {
			return withOptions(func(opts *options) bool {
				return appendTo(opts, "constraints", x.Constraint, x.Op.Value(x.Value))
			})
		}
	case *m.RemoveConstraint:
		if same(x.Model) && !o.django42 { // 5.0 added this reduction
			return withOptions(func(opts *options) bool { return appendTo(opts, "constraints", x.Constraint, nil) })
		}
	}
	return verdict{}, false
}

// appendTo rebuilds the indexes or constraints option: without the entries
// named drop (when given), then with add (when given).
func appendTo(opts *options, key, drop string, add python.Expr) bool {
	var list []python.Expr
	if v := opts.get(key); v != nil {
		elts, ok := items(v)
		if !ok {
			return false
		}
		list = elts
	}
	if drop != "" {
		list = slices.DeleteFunc(slices.Clone(list), func(e python.Expr) bool { return nameOf(e) == drop })
	}
	if add != nil {
		list = append(slices.Clone(list), add)
	}
	opts.set(key, python.NewList(list...))
	return true
}

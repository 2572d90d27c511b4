package state

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// alterOptionKeys is AlterModelOptions.ALTER_OPTION_KEYS: the options that
// operation owns, removed when absent from its options.
var alterOptionKeys = []string{
	"base_manager_name", "default_manager_name", "default_related_name", "get_latest_by",
	"managed", "ordering", "permissions", "default_permissions", "select_on_save",
	"verbose_name", "verbose_name_plural",
}

// alterOptions applies the model-option operations as their state_forwards
// do.
func (m *Model) alterOptions(op migration.Operation) error {
	switch o := op.(type) {
	case *migration.AlterModelOptions:
		opts, src := python.SourceOf(o.File, o.Options)
		d, ok := opts.(*python.Dict)
		if !ok {
			return fmt.Errorf("options of %s are not a literal dict", o.Model)
		}
		set := map[string]bool{}
		for i, k := range d.Keys {
			c, ok := python.Unwrap(k).(*python.Constant)
			if !ok || c.Kind != python.Str {
				return fmt.Errorf("options of %s have a key that is not a literal string", o.Model)
			}
			m.Options[c.Value] = python.InSource(src, d.Values[i])
			set[c.Value] = true
		}
		for _, k := range alterOptionKeys {
			if !set[k] {
				delete(m.Options, k)
			}
		}
	case *migration.AlterModelTable:
		m.Options["db_table"] = o.Op.Value(o.Table)
	case *migration.AlterModelTableComment:
		m.Options["db_table_comment"] = o.Op.Value(o.Comment)
	case *migration.AlterUniqueTogether:
		return m.alterTogether("unique_together", o.Op.Value(o.Value))
	case *migration.AlterIndexTogether:
		return m.alterTogether("index_together", o.Op.Value(o.Value))
	case *migration.AlterOrderWithRespectTo:
		v := o.Op.Value(o.Field)
		if s, ok := strValue(v); ok {
			if _, f := m.field(s); f == nil {
				return fmt.Errorf("order_with_respect_to names field %s.%s, which does not exist at this point", o.Model, s)
			}
		}
		m.Options["order_with_respect_to"] = v
	case *migration.AlterModelManagers:
		m.Managers = o.Op.Value(o.Managers)
	case *migration.ValidateConstraint:
		if !slices.Contains(m.Constraints, o.Constraint) {
			return fmt.Errorf("constraint %s does not exist on %s.%s", o.Constraint, m.App, o.Model)
		}
	}
	return nil
}

// alterTogether sets unique_together or index_together, checking that the
// fields it names exist.
func (m *Model) alterTogether(option string, v python.Expr) error {
	groups, ok := migration.Together(v)
	if ok {
		for _, g := range groups {
			for _, f := range g {
				if _, fd := m.field(f); fd == nil {
					return fmt.Errorf("%s of %s names field %s, which does not exist at this point", option, m.Name, f)
				}
			}
		}
	}
	m.Options[option] = v
	return nil
}

// usedBy names the option that refers to a field, or "".
func (m *Model) usedBy(field string) string {
	for _, option := range []string{"unique_together", "index_together"} {
		groups, _ := migration.Together(m.Options[option])
		for _, g := range groups {
			if slices.Contains(g, field) {
				return option
			}
		}
	}
	if s, ok := strValue(m.Options["order_with_respect_to"]); ok && s == field {
		return "order_with_respect_to"
	}
	return ""
}

// renameInOptions follows a field rename in unique_together and
// index_together, as ProjectState.rename_field does, and in
// order_with_respect_to, which Django's state leaves dangling (the model
// would no longer render) but its optimizer renames.
func (m *Model) renameInOptions(old, new string) {
	for _, option := range []string{"unique_together", "index_together"} {
		groups, ok := migration.Together(m.Options[option])
		if !ok || len(groups) == 0 {
			continue
		}
		var elts []python.Expr
		for _, g := range groups {
			var t []python.Expr
			for _, f := range g {
				if f == old {
					f = new
				}
				t = append(t, python.NewStr(f))
			}
			elts = append(elts, python.NewTuple(t...))
		}
		m.Options[option] = python.NewSet(elts...)
	}
	if s, ok := strValue(m.Options["order_with_respect_to"]); ok && s == old {
		m.Options["order_with_respect_to"] = python.NewStr(new)
	}
}

func strValue(e python.Expr) (string, bool) {
	if e == nil {
		return "", false
	}
	c, ok := python.Unwrap(e).(*python.Constant)
	if !ok || c.Kind != python.Str {
		return "", false
	}
	return c.Value, true
}

// Text is the canonical text of a state value: one line, as the printer
// lays it out; together options as sorted groups.
func Text(e python.Expr) string {
	if e == nil {
		return ""
	}
	return python.FlatText(e)
}

// ModelDump is a model's state as comparable text.
type ModelDump struct {
	Name        string
	Fields      []string // "name: expression", in order
	Options     map[string]string
	Bases       string
	Managers    string
	Indexes     []string // "name: definition", sorted
	Constraints []string
}

// Dump returns every model's state as text, by "app.model".
func (p *Project) Dump() map[string]ModelDump { return p.dumpCached(map[python.Expr]string{}) }

// dump is Dump with a cache of texts by the expression inside its source
// wrapper: states replayed from the same files share most expressions.
func (p *Project) dumpCached(texts map[python.Expr]string) map[string]ModelDump {
	text := func(e python.Expr) string {
		if e == nil {
			return ""
		}
		k := python.Unwrap(e)
		if t, ok := texts[k]; ok {
			return t
		}
		t := Text(e)
		texts[k] = t
		return t
	}
	out := map[string]ModelDump{}
	for k, m := range p.Models {
		d := ModelDump{Name: m.Name, Options: map[string]string{}, Bases: text(m.Bases), Managers: text(m.Managers)}
		for _, f := range m.Fields {
			d.Fields = append(d.Fields, f.Name+": "+text(f.Value))
		}
		for k, v := range m.Options {
			if k == "unique_together" || k == "index_together" {
				if groups, ok := migration.Together(v); ok {
					var gs []string
					for _, g := range groups {
						gs = append(gs, "("+strings.Join(g, ", ")+")")
					}
					sort.Strings(gs)
					gs = slices.Compact(gs)
					if len(gs) == 0 {
						continue // None and empty are the same state
					}
					d.Options[k] = strings.Join(gs, " ")
					continue
				}
			}
			d.Options[k] = text(v)
		}
		for _, n := range m.Indexes {
			d.Indexes = append(d.Indexes, n+": "+text(m.Defs["index:"+n]))
		}
		for _, n := range m.Constraints {
			d.Constraints = append(d.Constraints, n+": "+text(m.Defs["constraint:"+n]))
		}
		sort.Strings(d.Indexes)
		sort.Strings(d.Constraints)
		out[k.String()] = d
	}
	return out
}

// Diff describes how state b differs from a, a line per difference; ""
// when they are equal.
func Diff(a, b *Project) string { return a.Snapshot().Diff(b) }

// DiffChanged is Diff for states cloned from one another: the models
// both still share (neither changed them since) are equal and not dumped,
// so comparing two states after a few operations costs what those
// operations touched, not the whole project.
func DiffChanged(a, b *Project) string {
	x, y := New(a.Settings), New(b.Settings)
	for k, m := range a.Models {
		if b.Models[k] != m {
			x.Models[k] = m
		}
	}
	for k, m := range b.Models {
		if a.Models[k] != m {
			y.Models[k] = m
		}
	}
	return Diff(x, y)
}

// Snapshot is a state's dump, taken once to compare other states with:
// the squash planner takes the original history's while it optimizes.
// A Snapshot is not safe for concurrent use (Diff extends its text cache).
type Snapshot struct {
	models map[string]ModelDump
	texts  map[python.Expr]string
}

// Snapshot dumps p.
func (p *Project) Snapshot() *Snapshot {
	s := &Snapshot{texts: map[python.Expr]string{}}
	s.models = p.dumpCached(s.texts)
	return s
}

// Diff describes how state b differs from the snapshot's, as Diff does.
func (s *Snapshot) Diff(b *Project) string {
	// The texts of expressions both states share are computed once.
	da, db := s.models, b.dumpCached(s.texts)
	var keys []string
	for k := range da {
		keys = append(keys, k)
	}
	for k := range db {
		if _, ok := da[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		x, inA := da[k]
		y, inB := db[k]
		switch {
		case !inB:
			out = append(out, "- model "+k)
			continue
		case !inA:
			out = append(out, "+ model "+k)
			continue
		}
		if x.Name != y.Name {
			out = append(out, fmt.Sprintf("~ %s: name %s -> %s", k, x.Name, y.Name))
		}
		// Field order is not part of a state, as in ModelState.__eq__:
		// Django's own optimizer keeps a renamed field in place where the
		// state moves it to the end.
		if !slices.Equal(sorted(x.Fields), sorted(y.Fields)) {
			out = append(out, fmt.Sprintf("~ %s: fields\n    - %s\n    + %s", k, strings.Join(x.Fields, "\n      "), strings.Join(y.Fields, "\n      ")))
		}
		var opts []string
		for o := range x.Options {
			opts = append(opts, o)
		}
		for o := range y.Options {
			if _, ok := x.Options[o]; !ok {
				opts = append(opts, o)
			}
		}
		sort.Strings(opts)
		for _, o := range opts {
			if x.Options[o] != y.Options[o] {
				out = append(out, fmt.Sprintf("~ %s: option %s: %q -> %q", k, o, x.Options[o], y.Options[o]))
			}
		}
		if x.Bases != y.Bases {
			out = append(out, fmt.Sprintf("~ %s: bases %q -> %q", k, x.Bases, y.Bases))
		}
		if x.Managers != y.Managers {
			out = append(out, fmt.Sprintf("~ %s: managers %q -> %q", k, x.Managers, y.Managers))
		}
		if !slices.Equal(x.Indexes, y.Indexes) {
			out = append(out, fmt.Sprintf("~ %s: indexes %q -> %q", k, x.Indexes, y.Indexes))
		}
		if !slices.Equal(x.Constraints, y.Constraints) {
			out = append(out, fmt.Sprintf("~ %s: constraints %q -> %q", k, x.Constraints, y.Constraints))
		}
	}
	return strings.Join(out, "\n")
}

func sorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// Checker returns a function that applies operations of app to a copy of
// the state as it is now and reports the first that does not apply: what
// optimizer.Options.Check wants.
func (p *Project) Checker(app string) func([]migration.Operation) error {
	start := p.Clone()
	return func(ops []migration.Operation) error {
		q := start.Clone()
		for _, op := range ops {
			if err := q.Apply(app, op); err != nil {
				return err
			}
		}
		return nil
	}
}

// Same returns a function telling whether two lists of app's operations,
// replayed from p, reach the same state (false when either does not
// replay).
func (p *Project) Same(app string) func(a, b []migration.Operation) bool {
	start := p.Clone()
	end := func(ops []migration.Operation) *Project {
		q := start.Clone()
		for _, op := range ops {
			if err := q.Apply(app, op); err != nil {
				return nil
			}
		}
		return q
	}
	return func(a, b []migration.Operation) bool {
		x, y := end(a), end(b)
		return x != nil && y != nil && Diff(x, y) == ""
	}
}

// Clone returns a copy of the state, to replay candidates from one
// starting point. Models are copied when either side first changes them.
func (p *Project) Clone() *Project {
	c := &Project{Models: make(map[ModelKey]*Model, len(p.Models)), Settings: p.Settings}
	if p.apps != nil {
		c.apps = make(map[string]bool, len(p.apps))
		for k, v := range p.apps {
			c.apps[k] = v
		}
	}
	for k, m := range p.Models {
		c.Models[k] = m
	}
	// From now on both share every model: neither owns one.
	p.owned = nil
	return c
}

// clone copies a model deeply enough to change it: its fields, option
// maps and name lists.
func (m *Model) clone() *Model {
	n := *m
	n.Fields = make([]*Field, len(m.Fields))
	for i, f := range m.Fields {
		g := *f
		n.Fields[i] = &g
	}
	n.Options = make(map[string]python.Expr, len(m.Options))
	for o, v := range m.Options {
		n.Options[o] = v
	}
	n.Defs = make(map[string]python.Expr, len(m.Defs))
	for d, v := range m.Defs {
		n.Defs[d] = v
	}
	n.Indexes = slices.Clone(m.Indexes)
	n.Constraints = slices.Clone(m.Constraints)
	return &n
}

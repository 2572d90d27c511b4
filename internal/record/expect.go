package record

import (
	"crypto/md5"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/schema"
	"github.com/djsquash/djsquash/internal/state"
)

// Engine is a database backend, as the schema package names it.
type Engine = schema.Engine

const (
	SQLite     = schema.SQLite
	PostgreSQL = schema.PostgreSQL
	MySQL      = schema.MySQL
)

type (
	Expected       = schema.Expected
	ExpectedTable  = schema.ExpectedTable
	ExpectedColumn = schema.ExpectedColumn
	ForeignKey     = schema.ForeignKey
)

// maxNameLength is each engine's connection.ops.max_name_length().
func maxNameLength(e Engine) int {
	switch e {
	case PostgreSQL:
		return 63
	case MySQL:
		return 64
	}
	return 0
}

// truncateName is django.db.backends.utils.truncate_name.
func truncateName(name string, length int) string {
	if length == 0 || len(name) <= length {
		return name
	}
	sum := md5.Sum([]byte(name))
	return name[:length-4] + hex.EncodeToString(sum[:])[:4]
}

// TableName is a model's db_table on an engine: Meta.db_table as written,
// else app_model truncated as Django does. ok is false when db_table is
// not a literal.
func TableName(m *state.Model, e Engine) (string, bool) {
	if v, has := m.Options["db_table"]; has {
		s, ok := migration.LiteralString(v)
		return s, ok
	}
	return truncateName(m.App+"_"+strings.ToLower(m.Name), maxNameLength(e)), true
}

// fieldClasses maps a field class to its column's type class.
var fieldClasses = map[string]string{
	"AutoField": "integer", "BigAutoField": "integer", "SmallAutoField": "integer",
	"IntegerField": "integer", "BigIntegerField": "integer", "SmallIntegerField": "integer",
	"PositiveIntegerField": "integer", "PositiveBigIntegerField": "integer", "PositiveSmallIntegerField": "integer",
	"CharField": "text", "SlugField": "text", "EmailField": "text", "URLField": "text", "TextField": "text",
	"FilePathField": "text", "FileField": "text", "ImageField": "text",
	"BooleanField": "boolean", "NullBooleanField": "boolean",
	"DateTimeField": "datetime", "DateField": "date", "TimeField": "time",
	"DecimalField": "decimal", "FloatField": "float", "BinaryField": "binary",
}

// Expect lists the tables the models of apps (nil: every app) need.
// Unmanaged and proxy models have none.
func Expect(p *state.Project, apps map[string]bool, e Engine) *Expected {
	out := &Expected{Engine: e}
	keys := make([]state.ModelKey, 0, len(p.Models))
	for k := range p.Models {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	for _, k := range keys {
		m := p.Models[k]
		if apps != nil && !apps[k.App] || m.Tableless() {
			continue
		}
		out.Tables = append(out.Tables, expectModel(p, m, e)...)
	}
	return out
}

// column is a field's column, its class and whether it has one.
type column struct {
	name, class string
	null, known bool
}

// fieldColumn reads a field's column: db_column, or name (name_id for a
// relation); a many-to-many or ForeignObject field has none.
func fieldColumn(p *state.Project, m *state.Model, f *state.Field, e Engine) (column, bool) {
	call, ok := python.Unwrap(f.Value).(*python.Call)
	if !ok {
		return column{}, false
	}
	class := migration.CallClass(call)
	if class == "ManyToManyField" || class == "ForeignObject" || class == "GenericRelation" {
		return column{}, false
	}
	c := column{name: f.Name, class: fieldClasses[class], known: true}
	relation := class == "ForeignKey" || class == "OneToOneField" || f.To != "" // ManyToManyField returned above
	if relation {
		c.name += "_id"
		c.class = ""
		if tm, tf := target(p, m, f); tm != nil && tf != nil {
			if tc, ok := fieldColumn(p, tm, tf, e); ok {
				c.class = tc.class
			}
		}
	}
	if class == "GeneratedField" {
		c.known = false
	}
	for _, kw := range call.Keywords {
		switch kw.Arg {
		case "db_column":
			if s, ok := migration.LiteralString(kw.Value); ok {
				c.name = s
			} else if cst, ok := python.Unwrap(kw.Value).(*python.Constant); !ok || cst.Kind != python.NoneConst {
				return column{}, false
			}
		case "null":
			cst, ok := python.Unwrap(kw.Value).(*python.Constant)
			switch {
			case !ok || cst.Kind != python.True && cst.Kind != python.False:
				c.known = false
			default:
				c.null = cst.Kind == python.True
			}
		case "":
			c.known, c.class = false, "" // **kwargs: anything
		}
	}
	if migration.ReadTraits(f.Value).PrimaryKey {
		c.null, c.known = false, c.known && class != "GeneratedField"
	}
	return c, true
}

// target is a relation's model and the field it points at (to_field, or
// the primary key).
func target(p *state.Project, m *state.Model, f *state.Field) (*state.Model, *state.Field) {
	if f.To == "" {
		return nil, nil
	}
	app, name, _ := strings.Cut(f.To, ".")
	tm := p.Models[state.ModelKey{App: app, Model: name}]
	if tm == nil {
		return nil, nil
	}
	if tf := migration.ReadTraits(f.Value).ToField; tf != "" {
		return tm, tm.Field(tf)
	}
	return tm, primaryKey(tm)
}

func primaryKey(m *state.Model) *state.Field {
	for _, f := range m.Fields {
		if migration.ReadTraits(f.Value).PrimaryKey {
			return f
		}
	}
	return m.Field("id")
}

func expectModel(p *state.Project, m *state.Model, e Engine) []ExpectedTable {
	name, ok := TableName(m, e)
	if !ok {
		return nil
	}
	t := ExpectedTable{Name: name, Model: m.App + "." + m.Name}
	var extra []ExpectedTable
	cols := map[string]string{} // field name -> column
	for _, f := range m.Fields {
		tr := migration.ReadTraits(f.Value)
		if tr.ManyToMany {
			if mt, ok := expectM2M(p, m, f, name, e); ok {
				extra = append(extra, mt)
			}
			continue
		}
		c, ok := fieldColumn(p, m, f, e)
		if !ok {
			continue
		}
		cols[f.Name] = c.name
		t.Columns = append(t.Columns, ExpectedColumn{Name: c.name, Class: c.class, Null: c.null, NullKnown: c.known})
		if tr.Unknown {
			continue
		}
		switch {
		case tr.PrimaryKey:
			t.PrimaryKey = []string{c.name}
		case tr.Unique:
			t.Uniques = append(t.Uniques, []string{c.name})
		case tr.DBIndex:
			t.Indexed = append(t.Indexed, []string{c.name})
		}
		if tr.Relation && tr.Constraint {
			if tm, tf := target(p, m, f); tm != nil && tf != nil && !tm.Tableless() {
				ref, ok1 := TableName(tm, e)
				rc, ok2 := fieldColumn(p, tm, tf, e)
				if ok1 && ok2 {
					t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Columns: []string{c.name}, RefTable: ref, RefColumns: []string{rc.name}})
				}
			}
		}
	}
	if groups, ok := migration.Together(m.Options["unique_together"]); ok {
		for _, g := range groups {
			if cs, ok := columnsOf(g, cols); ok {
				t.Uniques = append(t.Uniques, cs)
			}
		}
	}
	if groups, ok := migration.Together(m.Options["index_together"]); ok {
		for _, g := range groups {
			if cs, ok := columnsOf(g, cols); ok {
				t.Indexed = append(t.Indexed, cs)
			}
		}
	}
	for _, kind := range []string{"index", "constraint"} {
		names := m.Indexes
		if kind == "constraint" {
			names = m.Constraints
		}
		for _, n := range names {
			if createdOn(m.Defs[kind+":"+n], e) {
				t.Named = append(t.Named, n)
			}
		}
	}
	return append([]ExpectedTable{t}, extra...)
}

func columnsOf(fields []string, cols map[string]string) ([]string, bool) {
	var out []string
	for _, f := range fields {
		c, ok := cols[f]
		if !ok {
			return nil, false
		}
		out = append(out, c)
	}
	return out, true
}

// createdOn reports whether Django creates an index or constraint
// definition on an engine, as far as the source tells: MariaDB has no
// partial or expression indexes, no deferrable or covering unique
// constraints, and Django skips them there silently; SQLite has no
// deferrable constraints. A definition that is not a literal call is not
// expected anywhere (it cannot be read).
func createdOn(def python.Expr, e Engine) bool {
	call, ok := python.Unwrap(def).(*python.Call)
	if !ok {
		return false
	}
	switch e {
	case MySQL:
		if len(call.Args) > 0 {
			return false // expressions
		}
		for _, kw := range call.Keywords {
			switch kw.Arg {
			case "condition", "deferrable", "include", "expressions", "":
				return false
			}
		}
	case SQLite:
		for _, kw := range call.Keywords {
			if kw.Arg == "deferrable" || kw.Arg == "" {
				return false
			}
		}
	}
	return true
}

// expectM2M is a many-to-many field's auto-created table; a through
// model has its own.
func expectM2M(p *state.Project, m *state.Model, f *state.Field, table string, e Engine) (ExpectedTable, bool) {
	if f.Through != "" {
		return ExpectedTable{}, false
	}
	call, ok := python.Unwrap(f.Value).(*python.Call)
	if !ok {
		return ExpectedTable{}, false
	}
	name := truncateName(table+"_"+f.Name, maxNameLength(e))
	for _, kw := range call.Keywords {
		switch kw.Arg {
		case "db_table":
			s, ok := migration.LiteralString(kw.Value)
			if !ok {
				return ExpectedTable{}, false
			}
			name = s
		case "":
			return ExpectedTable{}, false
		}
	}
	app, to, _ := strings.Cut(f.To, ".")
	tm := p.Models[state.ModelKey{App: app, Model: to}]
	if tm == nil {
		return ExpectedTable{}, false
	}
	from, other := strings.ToLower(m.Name), strings.ToLower(tm.Name)
	if tm == m || app == m.App && to == strings.ToLower(m.Name) {
		from, other = "from_"+from, "to_"+other
	}
	fromCol, toCol := from+"_id", other+"_id"
	t := ExpectedTable{Name: name, Model: m.App + "." + m.Name + "." + f.Name,
		Columns:    []ExpectedColumn{{Name: "id", Class: "integer", NullKnown: true}, {Name: fromCol, NullKnown: true}, {Name: toCol, NullKnown: true}},
		PrimaryKey: []string{"id"}, Uniques: [][]string{{fromCol, toCol}}}
	for _, side := range []struct {
		col string
		m   *state.Model
	}{{fromCol, m}, {toCol, tm}} {
		ref, ok1 := TableName(side.m, e)
		pk := primaryKey(side.m)
		if !ok1 || pk == nil {
			continue
		}
		if rc, ok := fieldColumn(p, side.m, pk, e); ok {
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Columns: []string{side.col}, RefTable: ref, RefColumns: []string{rc.name}})
			for i := range t.Columns {
				if t.Columns[i].Name == side.col {
					t.Columns[i].Class = rc.class
				}
			}
		}
	}
	return t, true
}

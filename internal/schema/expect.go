package schema

import (
	"fmt"
	"slices"
	"strings"
)

// Expected is what a project state's models need a database to hold (built
// by package record from a replayed state, which this package, imported by
// the test harness, must not depend on), in
// the terms record's schema check compares: tables, columns (name,
// nullability, type class), primary and foreign keys, unique sets, indexed
// columns and the index and constraint names a model states. It is what
// `migrate --fake` assumes and never checks.
//
// It is built from the state statically, so it only states what the
// source says literally: a field whose call is not literal keeps its
// column's name (when known) and nothing else, and an index Django would
// not create on an engine (a partial index on MariaDB) is not expected.
type Expected struct {
	Engine Engine
	Tables []ExpectedTable
}

// TableNames are the tables expected, as DumpSchema's filter.
func (x *Expected) TableNames() map[string]bool {
	out := make(map[string]bool, len(x.Tables))
	for _, t := range x.Tables {
		out[t.Name] = true
	}
	return out
}

// ExpectedTable is one model's table, or an auto-created M2M table.
type ExpectedTable struct {
	Name  string
	Model string // "app.Model"; for an M2M table "app.Model.field"
	// Columns may list a column with only its name known.
	Columns     []ExpectedColumn
	PrimaryKey  []string // nil when not known
	ForeignKeys []ForeignKey
	Uniques     [][]string
	Indexed     [][]string // each needs an index (or key) on exactly these columns
	Named       []string   // index and constraint names the model states
}

// ExpectedColumn is one column: Class "" and NullKnown false say unknown.
type ExpectedColumn struct {
	Name      string
	Class     string
	Null      bool
	NullKnown bool
}

// ColumnClass reads a catalog type ("character varying(20)", "int(11)",
// "varchar(20)") as a type class; "" when it is not one djsquash tells.
func ColumnClass(e Engine, typ string) string {
	t := strings.ToLower(strings.TrimSpace(typ))
	base, _, _ := strings.Cut(t, "(")
	base = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(base), " unsigned"))
	if e == MySQL && strings.HasPrefix(t, "tinyint(1)") {
		return "boolean"
	}
	switch base {
	case "integer", "int", "bigint", "smallint", "mediumint", "serial", "bigserial", "int4", "int8", "int2":
		return "integer"
	case "tinyint":
		return "integer"
	case "varchar", "character varying", "text", "char", "character", "longtext", "mediumtext", "tinytext", "nvarchar", "varchar2":
		return "text"
	case "bool", "boolean":
		return "boolean"
	case "datetime", "timestamp with time zone", "timestamp without time zone", "timestamp", "timestamptz":
		return "datetime"
	case "date":
		return "date"
	case "time", "time without time zone":
		return "time"
	case "decimal", "numeric":
		return "decimal"
	case "real", "double precision", "double", "float":
		return "float"
	case "blob", "bytea", "longblob":
		return "binary"
	}
	return ""
}

// Drift compares what a database holds with what is expected of it:
// problems are what would break the recorded migrations' code (a missing
// table or column, another nullability or type class, another key, a
// foreign key to another table, a missing unique set, index or named
// index or constraint); warnings are what the database has in addition on
// the expected tables (extra columns and indexes), which Django tolerates.
func Drift(want *Expected, got *Schema) (problems, warnings []string) {
	for _, w := range want.Tables {
		g := got.Table(w.Name)
		if g == nil {
			problems = append(problems, fmt.Sprintf("table %s (%s) is missing", w.Name, w.Model))
			continue
		}
		p, wn := driftTable(&w, g, got.Engine)
		problems = append(problems, p...)
		warnings = append(warnings, wn...)
	}
	return problems, warnings
}

func driftTable(w *ExpectedTable, g *Table, e Engine) (problems, warnings []string) {
	say := func(list *[]string, format string, args ...any) {
		*list = append(*list, fmt.Sprintf("table %s: ", w.Name)+fmt.Sprintf(format, args...))
	}
	cols := map[string]Column{}
	for _, c := range g.Columns {
		cols[c.Name] = c
	}
	expected := map[string]bool{}
	for _, wc := range w.Columns {
		expected[wc.Name] = true
		gc, ok := cols[wc.Name]
		switch {
		case !ok:
			say(&problems, "column %s is missing", wc.Name)
			continue
		case wc.NullKnown && wc.Null != gc.Null:
			say(&problems, "column %s is %s, the migrations make it %s", wc.Name, nullWord(gc.Null), nullWord(wc.Null))
		}
		if gotClass := ColumnClass(e, gc.Type); wc.Class != "" && gotClass != "" && gotClass != wc.Class {
			say(&problems, "column %s is %s (%s), the migrations make it %s", wc.Name, gc.Type, gotClass, wc.Class)
		}
	}
	for _, gc := range g.Columns {
		if !expected[gc.Name] {
			say(&warnings, "column %s is not in the migrations", gc.Name)
		}
	}
	if w.PrimaryKey != nil && !slices.Equal(w.PrimaryKey, g.PrimaryKey) {
		say(&problems, "primary key is (%s), the migrations make it (%s)", strings.Join(g.PrimaryKey, ", "), strings.Join(w.PrimaryKey, ", "))
	}
	for _, fk := range w.ForeignKeys {
		var found *ForeignKey
		for i := range g.ForeignKeys {
			if slices.Equal(g.ForeignKeys[i].Columns, fk.Columns) {
				found = &g.ForeignKeys[i]
				if found.RefTable == fk.RefTable {
					break
				}
			}
		}
		switch {
		case found == nil:
			say(&problems, "foreign key %s -> %s is missing", strings.Join(fk.Columns, ", "), fk.RefTable)
		case found.RefTable != fk.RefTable:
			say(&problems, "foreign key %s references %s, the migrations make it reference %s", strings.Join(fk.Columns, ", "), found.RefTable, fk.RefTable)
		case len(fk.RefColumns) > 0 && len(found.RefColumns) > 0 && !slices.Equal(found.RefColumns, fk.RefColumns):
			say(&problems, "foreign key %s references %s(%s), the migrations make it %s(%s)", strings.Join(fk.Columns, ", "),
				found.RefTable, strings.Join(found.RefColumns, ", "), fk.RefTable, strings.Join(fk.RefColumns, ", "))
		}
	}
	unique := func(cols []string) bool {
		if slices.Equal(cols, g.PrimaryKey) {
			return true
		}
		for _, u := range g.Uniques {
			if sameSet(u.Columns, cols) {
				return true
			}
		}
		for _, ix := range g.Indexes {
			if ix.Unique && sameSet(ix.Columns, cols) && !strings.Contains(strings.ToUpper(ix.Def), " WHERE ") {
				return true
			}
		}
		return false
	}
	for _, u := range w.Uniques {
		if !unique(u) {
			say(&problems, "unique (%s) is missing", strings.Join(u, ", "))
		}
	}
	// An index serves its leading columns: MariaDB backs a foreign key
	// with a composite unique index that starts with it, and Django then
	// creates no index of its own.
	leads := func(have, cols []string) bool { return len(have) >= len(cols) && slices.Equal(have[:len(cols)], cols) }
	indexed := func(cols []string) bool {
		if unique(cols) || leads(g.PrimaryKey, cols) {
			return true
		}
		for _, u := range g.Uniques {
			if leads(u.Columns, cols) {
				return true
			}
		}
		for _, ix := range g.Indexes {
			if leads(ix.Columns, cols) {
				return true
			}
		}
		return false
	}
	for _, ix := range w.Indexed {
		if !indexed(ix) {
			say(&problems, "index on (%s) is missing", strings.Join(ix, ", "))
		}
	}
	names := map[string]bool{}
	for _, u := range g.Uniques {
		names[u.Name] = true
	}
	for _, c := range g.Checks {
		names[c.Name] = true
	}
	for _, ix := range g.Indexes {
		names[ix.Name] = true
	}
	for _, n := range w.Named {
		if !names[n] && normName(n) != "" { // a name that looks generated was blanked by the dump
			say(&problems, "index or constraint %s is missing", n)
		}
	}
	// Indexes the migrations do not explain: a named one that is not
	// stated and serves no expected key, unique set or indexed columns
	// (its name may differ: a copied schema renames them).
	stated := map[string]bool{}
	for _, n := range w.Named {
		stated[n] = true
	}
	serves := func(cols []string) bool {
		for _, set := range append(append([][]string{w.PrimaryKey}, w.Uniques...), w.Indexed...) {
			if sameSet(set, cols) {
				return true
			}
		}
		for _, fk := range w.ForeignKeys {
			if slices.Equal(fk.Columns, cols) {
				return true
			}
		}
		return false
	}
	for _, ix := range g.Indexes {
		if ix.Name != "" && !stated[ix.Name] && !serves(ix.Columns) {
			say(&warnings, "index %s on (%s) is not in the migrations", ix.Name, strings.Join(ix.Columns, ", "))
		}
	}
	return problems, warnings
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func nullWord(null bool) string {
	if null {
		return "NULL"
	}
	return "NOT NULL"
}

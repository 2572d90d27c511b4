// Package schema reads a database's schema from its catalog (SQLite's
// pragmas, PostgreSQL's pg_catalog, MariaDB's information_schema) into one
// normalised form, and compares two of them: what verify and the test
// harness use to tell whether two migration histories build the same
// database.
//
// Invariant: it only reads; names that depend on history rather than on
// the models are blanked (see Schema), so two correct histories compare
// equal.
package schema

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// Engine is a database backend.
type Engine string

const (
	SQLite     Engine = "sqlite"
	PostgreSQL Engine = "postgresql"
	MySQL      Engine = "mysql"
)

// Schema is a database schema in a normalised, comparable form.
//
// Normalisation rules, and why:
//   - Tables, columns, keys and indexes are sorted: column order depends on
//     history (AddField appends), not on the model.
//   - Names Django generates (hash-suffixed index and constraint names, _pkey,
//     _like, sqlite_autoindex_…) are blanked: they embed the table and column
//     names at creation time and are not renamed by RenameField/RenameModel on
//     every backend, so two correct histories can disagree on them. Names a
//     model states explicitly (Meta.indexes, Meta.constraints) are kept.
//   - Sequence-backed defaults (serial, identity, auto_increment) become
//     "autoincrement": the sequence's name is also history-dependent.
type Schema struct {
	Engine Engine
	Tables []Table
}

// Table is one table with everything attached to it.
type Table struct {
	Name        string
	Columns     []Column
	PrimaryKey  []string
	ForeignKeys []ForeignKey
	Uniques     []Unique // UNIQUE constraints (not unique indexes)
	Checks      []Check
	Indexes     []Index // indexes that back no constraint
}

// Column is one column.
type Column struct {
	Name    string
	Type    string
	Null    bool
	Default string
}

// ForeignKey references RefTable(RefColumns) from Columns.
type ForeignKey struct {
	Columns    []string
	RefTable   string
	RefColumns []string
}

// Unique is a UNIQUE constraint.
type Unique struct {
	Name    string
	Columns []string
}

// Check is a CHECK constraint; Expr is whitespace-normalised.
type Check struct {
	Name string
	Expr string
}

// Index is an index; Def is the backend's definition without its name and
// table (columns, method, opclasses, WHERE), which catches partial and
// expression indexes that Columns alone would not.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
	Def     string
}

// Table returns the named table, or nil.
func (s *Schema) Table(name string) *Table {
	for i := range s.Tables {
		if s.Tables[i].Name == name {
			return &s.Tables[i]
		}
	}
	return nil
}

// generatedName matches names Django (or the database) makes up: an 8-hex
// digit hash segment, PostgreSQL's implicit suffixes, SQLite's autoindexes,
// MySQL's PRIMARY.
var generatedName = regexp.MustCompile(`(_[0-9a-f]{8}(_|$)|_pkey$|_key$|_like$|_check$|_uniq$|_fkey$|^sqlite_autoindex_|^PRIMARY$)`)

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// normName blanks a generated name.
func normName(n string) string {
	if generatedName.MatchString(n) {
		return ""
	}
	return n
}

var spaceRE = regexp.MustCompile(`\s+`)

func normSpace(s string) string { return strings.TrimSpace(spaceRE.ReplaceAllString(s, " ")) }

// normalize sorts everything and blanks generated names, in place.
func (s *Schema) normalize() {
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].Name < s.Tables[j].Name })
	for i := range s.Tables {
		t := &s.Tables[i]
		sort.Slice(t.Columns, func(i, j int) bool { return t.Columns[i].Name < t.Columns[j].Name })
		for j := range t.Uniques {
			u := &t.Uniques[j]
			u.Name = normName(u.Name)
			// MariaDB names an inline UNIQUE after its column (slug,
			// slug_2): a field created unique=True gets that name, the same
			// constraint added later gets Django's. Either is generated.
			if len(u.Columns) == 1 && (u.Name == u.Columns[0] || strings.HasPrefix(u.Name, u.Columns[0]+"_") && isDigits(u.Name[len(u.Columns[0])+1:])) {
				u.Name = ""
			}
		}
		for j := range t.Checks {
			t.Checks[j].Name = normName(t.Checks[j].Name)
			t.Checks[j].Expr = normSpace(t.Checks[j].Expr)
		}
		for j := range t.Indexes {
			t.Indexes[j].Name = normName(t.Indexes[j].Name)
			t.Indexes[j].Def = normSpace(t.Indexes[j].Def)
		}
		sort.Slice(t.ForeignKeys, func(i, j int) bool {
			return fmt.Sprint(t.ForeignKeys[i]) < fmt.Sprint(t.ForeignKeys[j])
		})
		sort.Slice(t.Uniques, func(i, j int) bool { return fmt.Sprint(t.Uniques[i]) < fmt.Sprint(t.Uniques[j]) })
		sort.Slice(t.Checks, func(i, j int) bool { return fmt.Sprint(t.Checks[i]) < fmt.Sprint(t.Checks[j]) })
		sort.Slice(t.Indexes, func(i, j int) bool { return fmt.Sprint(t.Indexes[i]) < fmt.Sprint(t.Indexes[j]) })
	}
}

// Diff returns a readable difference between two schemas of the same engine
// ("" when equal). want is conventionally the original history's schema.
func Diff(want, got *Schema) string {
	return cmp.Diff(want, got)
}

// Shape is the part of a schema every backend agrees on: table names, column
// names and nullability, primary keys and foreign key targets. Types,
// defaults, checks and index definitions are backend-specific.
type Shape struct {
	Tables []ShapeTable
}

// ShapeTable is a table of a Shape.
type ShapeTable struct {
	Name        string
	Columns     []string // "name" or "name NULL"
	PrimaryKey  []string
	ForeignKeys []ForeignKey
}

// Shape reduces s to what is comparable across backends.
func (s *Schema) Shape() Shape {
	var sh Shape
	for _, t := range s.Tables {
		st := ShapeTable{Name: t.Name, PrimaryKey: t.PrimaryKey, ForeignKeys: t.ForeignKeys}
		for _, c := range t.Columns {
			n := c.Name
			if c.Null {
				n += " NULL"
			}
			st.Columns = append(st.Columns, n)
		}
		sh.Tables = append(sh.Tables, st)
	}
	return sh
}

// ShapeDiff compares two schemas, possibly of different engines, on their
// shape only.
func ShapeDiff(want, got *Schema) string {
	return cmp.Diff(want.Shape(), got.Shape())
}

// String renders the schema one line per fact, for failure messages.
func (s *Schema) String() string {
	var b strings.Builder
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "table %s\n", t.Name)
		for _, c := range t.Columns {
			null := "NOT NULL"
			if c.Null {
				null = "NULL"
			}
			fmt.Fprintf(&b, "  column %s %s %s", c.Name, c.Type, null)
			if c.Default != "" {
				fmt.Fprintf(&b, " DEFAULT %s", c.Default)
			}
			b.WriteByte('\n')
		}
		if len(t.PrimaryKey) > 0 {
			fmt.Fprintf(&b, "  primary key (%s)\n", strings.Join(t.PrimaryKey, ", "))
		}
		for _, f := range t.ForeignKeys {
			fmt.Fprintf(&b, "  foreign key (%s) -> %s(%s)\n", strings.Join(f.Columns, ", "), f.RefTable, strings.Join(f.RefColumns, ", "))
		}
		for _, u := range t.Uniques {
			fmt.Fprintf(&b, "  unique %s(%s)\n", u.Name, strings.Join(u.Columns, ", "))
		}
		for _, c := range t.Checks {
			fmt.Fprintf(&b, "  check %s %s\n", c.Name, c.Expr)
		}
		for _, i := range t.Indexes {
			u := ""
			if i.Unique {
				u = "unique "
			}
			fmt.Fprintf(&b, "  %sindex %s(%s) %s\n", u, i.Name, strings.Join(i.Columns, ", "), i.Def)
		}
	}
	return b.String()
}

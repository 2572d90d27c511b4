// Package migration models one Django migration file as djsquash understands
// it: its key, the attributes Django's loader reads (initial, atomic,
// replaces, dependencies, run_before) and its operations.
//
// Invariants: a Migration is built from source and never evaluated; every
// value that came from the file keeps its byte span (Pos/End) so that
// diagnostics point at it and writers can copy it verbatim.
package migration

import (
	"strings"

	"github.com/djsquash/djsquash/internal/python"
)

// Key identifies a migration as Django does: (app_label, name).
type Key struct {
	App  string
	Name string
}

// String renders the key the way Django prints a Migration: "app.name".
func (k Key) String() string { return k.App + "." + k.Name }

// Repr renders the key as Django's %r of the tuple: ('app', 'name').
func (k Key) Repr() string { return "('" + k.App + "', '" + k.Name + "')" }

// Less orders keys as Python orders the tuples (code point order, which
// byte order of UTF-8 preserves).
func (k Key) Less(o Key) bool {
	if k.App != o.App {
		return k.App < o.App
	}
	return k.Name < o.Name
}

// The special names a dependency may use instead of a migration name.
const (
	First  = "__first__"
	Latest = "__latest__"
)

// Dependency is one entry of `dependencies` or `run_before`.
type Dependency struct {
	Key
	// Setting is the settings name when the entry was written as
	// migrations.swappable_dependency(settings.X); Key then holds the
	// resolved (app_label, "__first__").
	Setting string
	// SettingExpr is the argument obj.X, tied to its file, when Setting
	// names an app's settings object (swappable_dependency(obj.X)): the
	// writer imports obj as that file binds it.
	SettingExpr python.Expr
	Pos         int // byte span of the entry in the file
	End         int
}

// Migration is one migration file.
type Migration struct {
	Key
	File         string // path as found on disk
	Initial      bool
	Atomic       bool // Django's default is true
	Replaces     []Dependency
	Dependencies []Dependency
	RunBefore    []Dependency

	// Source is the file's syntax tree, for copying code it defines.
	Source *python.File
	// ClassPos is the offset of "class Migration".
	ClassPos int
	// OperationsExpr is the operations list as written.
	OperationsExpr python.Expr
	// Operations are the operations read from it, in order.
	Operations []Operation
	// Definitions are the module-level statements other than the Migration
	// class: imports, functions, classes and constants that copied code
	// may need.
	Definitions []Definition
	// Opaque lists spans djsquash could not read statically.
	Opaque []Span
	// Unreadable is set when the file has syntax errors: its attributes
	// are unknown, so the graph around it cannot be trusted.
	Unreadable bool
}

// Definition is one module-level statement and the names it binds.
type Definition struct {
	Kind  string // "import", "function", "class", "constant" or "statement"
	Names []string
	Stmt  python.Stmt
}

// definitions lists the module-level statements outside class Migration.
func definitions(f *python.File, cls python.Stmt) []Definition {
	var out []Definition
	for _, s := range f.Body {
		if s == cls {
			continue
		}
		d := Definition{Stmt: s, Kind: "statement"}
		switch s := s.(type) {
		case *python.Import:
			d.Kind = "import"
			for _, a := range s.Names {
				if a.AsName != "" {
					d.Names = append(d.Names, a.AsName)
				} else {
					head, _, _ := strings.Cut(a.Name, ".")
					d.Names = append(d.Names, head)
				}
			}
		case *python.ImportFrom:
			d.Kind = "import"
			for _, a := range s.Names {
				if a.AsName != "" {
					d.Names = append(d.Names, a.AsName)
				} else {
					d.Names = append(d.Names, a.Name)
				}
			}
		case *python.FunctionDef:
			d.Kind, d.Names = "function", []string{s.Name}
		case *python.ClassDef:
			d.Kind, d.Names = "class", []string{s.Name}
		case *python.Assign:
			d.Kind = "constant"
			for _, t := range s.Targets {
				if n, ok := t.(*python.Name); ok {
					d.Names = append(d.Names, n.ID)
				}
			}
		case *python.AnnAssign:
			d.Kind = "constant"
			if n, ok := s.Target.(*python.Name); ok {
				d.Names = append(d.Names, n.ID)
			}
		}
		out = append(out, d)
	}
	return out
}

// Span is a byte range of a migration file.
type Span struct{ Pos, End int }

// ReplacedKeys returns the keys of Replaces.
func (m *Migration) ReplacedKeys() []Key {
	keys := make([]Key, len(m.Replaces))
	for i, r := range m.Replaces {
		keys[i] = r.Key
	}
	return keys
}

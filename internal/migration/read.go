package migration

import (
	"fmt"
	"strings"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/python"
)

// Diagnostic codes of reading a migration file.
const (
	CodeNoMigrationClass = "DJ201" // no class Migration: Django raises BadMigrationError
	CodeNotStatic        = "DJ202" // an attribute djsquash cannot read without running code
	CodeBadEntry         = "DJ203" // a dependency/replaces entry of the wrong shape
	CodeUnknownSetting   = "DJ204" // swappable_dependency(settings.X) with X unknown
	CodeConditional      = "DJ205" // a list that depends on a condition: both branches assumed
	CodeOpaqueOperation  = "DJ206" // an operation djsquash cannot read: kept as written, a barrier
)

// Settings resolves settings values that migration files refer to, such as
// AUTH_USER_MODEL for swappable dependencies.
type Settings func(name string) (string, bool)

// DefaultSettings knows Django's defaults for the swappable settings.
func DefaultSettings(name string) (string, bool) {
	if name == "AUTH_USER_MODEL" {
		return "auth.User", true
	}
	return "", false
}

// Read parses one migration file into a Migration. The file's syntax tree is
// kept in Source for later copying of code. Diagnostics carry byte offsets;
// callers locate them.
func Read(key Key, file string, src []byte, settings Settings) (*Migration, []diag.Diagnostic) {
	if settings == nil {
		settings = DefaultSettings
	}
	f, diags := python.ParseFile(file, src)
	m := &Migration{Key: key, File: file, Atomic: true, Source: f}
	r := reader{m: m, src: src, settings: settings}
	if diag.HasErrors(diags) {
		m.Unreadable = true
		return m, diags
	}
	var cls *python.ClassDef
	for _, s := range f.Body {
		if c, ok := s.(*python.ClassDef); ok && c.Name == "Migration" {
			cls = c // the last definition wins, as in Python
		}
	}
	if cls == nil {
		r.report(diag.Error, CodeNoMigrationClass, 0, fmt.Sprintf("Migration %s in app %s has no Migration class", key.Name, key.App),
			"a migration module must define class Migration(migrations.Migration)")
		return m, r.diags
	}
	m.ClassPos = cls.Pos()
	for _, s := range cls.Body {
		a, ok := s.(*python.Assign)
		if !ok || len(a.Targets) != 1 {
			continue
		}
		name, ok := a.Targets[0].(*python.Name)
		if !ok {
			continue
		}
		switch name.ID {
		case "initial":
			m.Initial = r.boolean(a.Value, "initial")
		case "atomic":
			m.Atomic = r.boolean(a.Value, "atomic")
		case "dependencies":
			m.Dependencies = r.keys(a.Value, "dependencies", true)
		case "replaces":
			m.Replaces = r.keys(a.Value, "replaces", false)
		case "run_before":
			m.RunBefore = r.keys(a.Value, "run_before", false)
		case "operations":
			m.OperationsExpr = a.Value
		}
	}
	m.Definitions = definitions(f, cls)
	if m.OperationsExpr != nil {
		m.Operations = readOperations(f, m.OperationsExpr, namedLists(f, cls))
		var walk func([]Operation)
		walk = func(ops []Operation) {
			for _, op := range ops {
				switch op := op.(type) {
				case *Opaque:
					r.report(diag.Warning, CodeOpaqueOperation, op.Pos(), "operation kept as written: "+op.Reason,
						"squash and reset keep it, and cannot optimise across it")
					m.Opaque = append(m.Opaque, Span{op.Pos(), op.End()})
				case *SeparateDatabaseAndState:
					walk(op.DatabaseOperations)
					walk(op.StateOperations)
				case *RunSQL:
					walk(op.StateOperations)
				}
			}
		}
		walk(m.Operations)
	}
	return m, r.diags
}

type reader struct {
	m        *Migration
	src      []byte
	settings Settings
	diags    []diag.Diagnostic
}

func (r *reader) report(sev diag.Severity, code string, pos int, msg, hint string) {
	r.diags = append(r.diags, diag.Diagnostic{Severity: sev, Code: code, File: r.m.File, Offset: pos, Message: msg, Hint: hint})
}

func (r *reader) text(n python.Node) string { return string(r.src[n.Pos():n.End()]) }

func (r *reader) boolean(e python.Expr, attr string) bool {
	if c, ok := e.(*python.Constant); ok {
		switch c.Kind {
		case python.True:
			return true
		case python.False, python.NoneConst:
			return false
		}
	}
	r.report(diag.Error, CodeNotStatic, e.Pos(), fmt.Sprintf("%s = %s is not a literal True/False", attr, r.text(e)),
		"write the value literally")
	return attr == "atomic"
}

// keys reads a list or tuple of (app, name) pairs; swappable dependencies
// are allowed where Django allows them (dependencies).
func (r *reader) keys(e python.Expr, attr string, swappable bool) []Dependency {
	var out []Dependency
	switch l := e.(type) {
	case *python.List:
		for _, el := range l.Elts {
			if d, ok := r.key(el, attr, swappable); ok {
				out = append(out, d)
			}
		}
		return out
	case *python.Tuple:
		for _, el := range l.Elts {
			if d, ok := r.key(el, attr, swappable); ok {
				out = append(out, d)
			}
		}
		return out
	case *python.BinOp:
		if l.Op == "+" {
			return append(r.keys(l.Left, attr, swappable), r.keys(l.Right, attr, swappable)...)
		}
	case *python.IfExp:
		// Settings decide at run time (allauth's SITES_ENABLED): the union
		// of both branches orders the graph safely; later commands treat
		// the migration as a barrier.
		r.report(diag.Warning, CodeConditional, e.Pos(),
			fmt.Sprintf("%s depends on a condition (%s); djsquash assumes both branches", attr, r.text(l.Test)),
			"squash and reset keep this migration as it is")
		r.m.Opaque = append(r.m.Opaque, Span{e.Pos(), e.End()})
		return append(r.keys(l.Body, attr, swappable), r.keys(l.OrElse, attr, swappable)...)
	}
	r.report(diag.Error, CodeNotStatic, e.Pos(), fmt.Sprintf("%s is computed (%s); djsquash reads only literal lists", attr, python.Describe(e)),
		"write the list literally, or exclude the app in [tool.djsquash]")
	r.m.Opaque = append(r.m.Opaque, Span{e.Pos(), e.End()})
	return nil
}

func (r *reader) key(e python.Expr, attr string, swappable bool) (Dependency, bool) {
	d := Dependency{Pos: e.Pos(), End: e.End()}
	switch x := e.(type) {
	case *python.Tuple:
		if len(x.Elts) == 2 {
			a, ok1 := stringValue(x.Elts[0])
			n, ok2 := stringValue(x.Elts[1])
			if ok1 && ok2 {
				d.Key = Key{App: a, Name: n}
				return d, true
			}
		}
	case *python.Call:
		if swappable && isSwappableCall(x.Func) && len(x.Args) == 1 && len(x.Keywords) == 0 {
			setting, ok := settingName(x.Args[0])
			if !ok {
				break
			}
			written, key := "settings."+setting, setting
			if strings.Contains(setting, ".") {
				// An app's own settings object (django-oauth-toolkit's
				// oauth2_settings.REFRESH_TOKEN_MODEL): named as written,
				// and imported as the file imports it.
				written, key = setting, `"`+setting+`"`
				d.SettingExpr = python.InSource(r.m.Source, x.Args[0])
			}
			value, known := r.settings(setting)
			if !known {
				// Django knows it at run time (wagtail's WAGTAIL_PAGE_MODEL comes
				// from the swapper library); we cannot, so the entry is left out
				// of the graph and the migration becomes a barrier.
				r.report(diag.Warning, CodeUnknownSetting, e.Pos(), fmt.Sprintf("swappable_dependency(%s): the value of %s is unknown; this dependency is left out", written, setting),
					fmt.Sprintf(`set it under [tool.djsquash.settings] %s = "app.Model"`, key))
				r.m.Opaque = append(r.m.Opaque, Span{e.Pos(), e.End()})
				return d, false
			}
			app, _, _ := strings.Cut(value, ".")
			d.Key = Key{App: app, Name: First}
			d.Setting = setting
			return d, true
		}
	}
	r.report(diag.Error, CodeBadEntry, e.Pos(), fmt.Sprintf("%s entry %s is not an (app_label, migration_name) pair", attr, r.text(e)),
		`write ("app_label", "0001_name")`)
	return d, false
}

func stringValue(e python.Expr) (string, bool) {
	c, ok := e.(*python.Constant)
	if !ok || c.Kind != python.Str {
		return "", false
	}
	return c.Value, true
}

// isSwappableCall matches migrations.swappable_dependency and a bare
// swappable_dependency (imported from django.db.migrations).
func isSwappableCall(f python.Expr) bool {
	switch f := f.(type) {
	case *python.Attribute:
		return f.Attr == "swappable_dependency"
	case *python.Name:
		return f.ID == "swappable_dependency"
	}
	return false
}

// settingName reads settings.X (or django.conf.settings.X) as "X", and an
// app's settings object, obj.X, as "obj.X".
func settingName(e python.Expr) (string, bool) {
	a, ok := e.(*python.Attribute)
	if !ok {
		return "", false
	}
	switch v := a.Value.(type) {
	case *python.Name:
		if v.ID != "settings" {
			return v.ID + "." + a.Attr, true
		}
		return a.Attr, true
	case *python.Attribute:
		return a.Attr, v.Attr == "settings"
	}
	return "", false
}

// namedLists finds the names bound exactly once, at module level or in the
// Migration class body, to a literal list or tuple: operations lists a
// migration builds by name. A name bound more than once is not resolved.
func namedLists(f *python.File, cls *python.ClassDef) map[string]namedList {
	count := map[string]int{}
	out := map[string]namedList{}
	scan := func(body []python.Stmt, class bool) {
		for _, s := range body {
			a, ok := s.(*python.Assign)
			if !ok {
				continue
			}
			for _, t := range a.Targets {
				n, ok := t.(*python.Name)
				if !ok {
					continue
				}
				count[n.ID]++
				switch a.Value.(type) {
				case *python.List, *python.Tuple:
					if len(a.Targets) == 1 {
						out[n.ID] = namedList{value: a.Value, class: class}
					}
				}
			}
		}
	}
	scan(f.Body, false)
	scan(cls.Body, true)
	for name := range out {
		if count[name] > 1 || name == "operations" || name == "dependencies" || name == "replaces" || name == "run_before" {
			delete(out, name)
		}
	}
	return out
}

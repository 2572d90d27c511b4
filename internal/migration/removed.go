package migration

import (
	"bytes"

	"github.com/djsquash/djsquash/internal/python"
)

// Removal is a keyword argument a Django version no longer accepts, and
// the one that replaced it.
type Removal struct {
	Class, From, To string // To is "" when no rename replaces From
	RemovedIn       int    // the major version that rejects From
	Needs           string // the version that introduced To (or Manual's way)
	// Manual says how to rewrite a use by hand, when To is "".
	Manual string
}

// Removals are the arguments migrations written by older Djangos use and
// newer ones reject: Django 5.1 renamed CheckConstraint(check=) to
// condition=, and 6.0 removed check=; 5.0 removed
// ExclusionConstraint(opclasses=), whose replacement (OpClass() around
// each expression) is no rename. The rest of the deprecation timeline of
// 4.x-6.x that reaches migration files needs nothing: index_together
// (AlterIndexTogether, CreateModel options) and the fields removed "except
// for support in historical migrations" (NullBooleanField, postgres'
// JSONField and CI*Field) still load in migrations on 6.1, and djsquash
// keeps them as written (docs/ARCHITECTURE.md, "Deprecations").
var Removals = []Removal{
	{Class: "CheckConstraint", From: "check", To: "condition", RemovedIn: 6, Needs: "5.1"},
	{Class: "ExclusionConstraint", From: "opclasses", RemovedIn: 5, Needs: "4.1",
		Manual: "wrap each expression in OpClass(expression, name=...) (django.contrib.postgres.indexes, Django 4.1+) and drop opclasses="},
}

// RemovedArgument is one use of a removed argument in a file.
type RemovedArgument struct {
	Removal
	// Offset is where the keyword's name starts in the file's source.
	Offset int
	// Conflict is set when the call gives the new name as well.
	Conflict bool
}

// RemovedArguments finds the arguments Django `target` (a major version)
// rejects in f, in source order.
func RemovedArguments(f *python.File, target int) []RemovedArgument {
	var out []RemovedArgument
	python.Inspect(f, func(n python.Node) bool {
		call, ok := n.(*python.Call)
		if !ok {
			return true
		}
		for _, kw := range call.Keywords {
			if r, ok := removalOf(call, kw.Arg, target); ok {
				out = append(out, RemovedArgument{Removal: r, Offset: kw.Pos(),
					Conflict: r.To != "" && (hasKeyword(call, r.To) || !bytes.HasPrefix(f.Src[kw.Pos():], []byte(r.From)))})
			}
		}
		return true
	})
	return out
}

// RenameRemoved returns src with each removed argument renamed; uses with a
// conflict are left as they are.
func RenameRemoved(src []byte, uses []RemovedArgument) []byte {
	var out bytes.Buffer
	last := 0
	for _, u := range uses {
		if u.Conflict || u.To == "" || u.Offset < last {
			continue
		}
		out.Write(src[last:u.Offset])
		out.WriteString(u.To)
		last = u.Offset + len(u.From)
	}
	out.Write(src[last:])
	return out.Bytes()
}

// WithoutRemoved returns a copy of an expression (an operation, a field,
// an options dict) in which each call that uses an argument Django
// `target` rejects has it renamed, for a file written for that version;
// nodes without one are shared. It reports whether anything changed.
func WithoutRemoved(e python.Expr, target int) (python.Expr, bool) {
	if e == nil {
		return e, false
	}
	inner, src := python.SourceOf(nil, e)
	in := func(x python.Expr) python.Expr { return python.InSource(src, x) }
	each := func(xs []python.Expr) ([]python.Expr, bool) {
		out := make([]python.Expr, len(xs))
		changed := false
		for i, x := range xs {
			y, ok := WithoutRemoved(in(x), target)
			out[i], changed = y, changed || ok
		}
		return out, changed
	}
	switch x := inner.(type) {
	case *python.Call:
		args, changed := each(x.Args)
		var kws []*python.Keyword
		for _, k := range x.Keywords {
			name := k.Arg
			if r, ok := removalOf(x, k.Arg, target); ok && r.To != "" && !hasKeyword(x, r.To) {
				name, changed = r.To, true
			}
			v, ok := WithoutRemoved(in(k.Value), target)
			changed = changed || ok
			kws = append(kws, python.NewKeyword(name, v))
		}
		if !changed {
			return e, false
		}
		return python.NewCall(in(x.Func), args, kws...), true
	case *python.List:
		if elts, ok := each(x.Elts); ok {
			return python.NewList(elts...), true
		}
	case *python.Tuple:
		if elts, ok := each(x.Elts); ok {
			return python.NewTuple(elts...), true
		}
	case *python.Dict:
		if vals, ok := each(x.Values); ok {
			keys := make([]python.Expr, len(x.Keys))
			for i, k := range x.Keys {
				if k != nil {
					keys[i] = in(k)
				}
			}
			return python.NewDict(keys, vals), true
		}
	}
	return e, false
}

// removalOf is the removal that makes Django `target` reject keyword kw
// of call, if any.
func removalOf(call *python.Call, kw string, target int) (Removal, bool) {
	class := CallClass(call)
	for _, r := range Removals {
		if r.Class == class && r.From == kw && target >= r.RemovedIn {
			return r, true
		}
	}
	return Removal{}, false
}

func hasKeyword(c *python.Call, name string) bool {
	for _, k := range c.Keywords {
		if k.Arg == name {
			return true
		}
	}
	return false
}

package python

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Synthesized expressions. Workflows that rewrite migrations (the
// optimizer, squash) build operations out of parts of several files and of
// new values. Nodes they create have NoSpan (a negative position), and the
// printer lays them out from their fields; a part taken from a parsed file is
// wrapped in Foreign with that file's source, so that it is printed as
// written there. Nothing else in this package creates either.

// NoSpan is the span of a synthesized node.
var NoSpan = Span{Start: -1, Stop: -1}

type (
	// Foreign is an expression of another source file.
	Foreign struct {
		Span
		File *File
		X    Expr
	}
	// Exploded prints its bracketed expression one item per line, as
	// Django's MigrationWriter writes an operation's list and dict
	// arguments.
	Exploded struct {
		Span
		X Expr
	}
)

func (*Foreign) exprNode()  {}
func (*Exploded) exprNode() {}

// InSource ties e to the source it was parsed from, so that it can be moved
// into a synthesized node. Nil and synthesized expressions are returned as
// they are.
func InSource(f *File, e Expr) Expr {
	if e == nil || e.Pos() < 0 {
		return e
	}
	return &Foreign{Span: NoSpan, File: f, X: e}
}

// Unwrap returns the expression inside Foreign and Exploded wrappers.
func Unwrap(e Expr) Expr {
	for {
		switch x := e.(type) {
		case *Foreign:
			e = x.X
		case *Exploded:
			e = x.X
		default:
			return e
		}
	}
}

// SourceOf returns the expression inside the wrappers and the file its
// positions refer to: f unless a Foreign wrapper says otherwise.
func SourceOf(f *File, e Expr) (Expr, *File) {
	for {
		switch x := e.(type) {
		case *Foreign:
			e, f = x.X, x.File
		case *Exploded:
			e = x.X
		default:
			return e, f
		}
	}
}

// NewStr returns a synthesized string constant.
func NewStr(s string) *Constant { return &Constant{Span: NoSpan, Kind: Str, Value: s} }

// NewName returns a synthesized name.
func NewName(id string) *Name { return &Name{Span: NoSpan, ID: id} }

// NewAttr returns a synthesized x.attr.
func NewAttr(x Expr, attr string) *Attribute {
	return &Attribute{Span: NoSpan, Value: x, Attr: attr, AttrPos: -1}
}

// NewCall returns a synthesized call with keyword arguments.
func NewCall(fn Expr, args []Expr, kw ...*Keyword) *Call {
	return &Call{Span: NoSpan, Func: fn, Args: args, Keywords: kw}
}

// NewKeyword returns a synthesized keyword argument.
func NewKeyword(arg string, v Expr) *Keyword { return &Keyword{Span: NoSpan, Arg: arg, Value: v} }

// NewTuple, NewList and NewSet return synthesized displays.
func NewTuple(elts ...Expr) *Tuple { return &Tuple{Span: NoSpan, Elts: elts} }
func NewList(elts ...Expr) *List   { return &List{Span: NoSpan, Elts: elts} }
func NewSet(elts ...Expr) *Set     { return &Set{Span: NoSpan, Elts: elts} }

// NewDict returns a synthesized dict display.
func NewDict(keys, values []Expr) *Dict { return &Dict{Span: NoSpan, Keys: keys, Values: values} }

// Quote returns a Python string literal for s, in black's style: double
// quotes unless s holds a double quote and no single one.
func Quote(s string) string {
	q := byte('"')
	if strings.Contains(s, `"`) && !strings.Contains(s, "'") {
		q = '\''
	}
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			// Our strings are decoded from valid literals; keep bytes.
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteByte(q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte(q)
	return b.String()
}

// synthText prints a synthesized leaf.
func (p *printer) synthText(e Expr) string {
	switch x := e.(type) {
	case *Name:
		return x.ID
	case *Attribute:
		return p.node(x.Value).flat() + "." + x.Attr
	case *Constant:
		switch x.Kind {
		case Str:
			return Quote(x.Value)
		case True:
			return "True"
		case False:
			return "False"
		case NoneConst:
			return "None"
		case EllipsisConst:
			return "..."
		case Bytes:
			return "b" + Quote(x.Value)
		}
		return x.Value
	}
	return p.node(e).flat()
}

// FlatText prints an expression on one line, as the printer would lay it
// out if it fitted. Original nodes must be tied to their source (Foreign).
func FlatText(e Expr) string {
	return (&printer{}).node(e).flat()
}

// Truthy reports whether a literal value is true in Python: None, False,
// zero, empty strings, displays and empty set()/tuple()/list()/dict() calls
// are false. An expression that is not a literal counts as true.
func Truthy(e Expr) bool {
	if e == nil {
		return false
	}
	switch v := Unwrap(e).(type) {
	case *Constant:
		switch v.Kind {
		case NoneConst, False:
			return false
		case Str, Bytes:
			return v.Value != ""
		case Int:
			return v.Value != "0"
		}
	case *List:
		return len(v.Elts) > 0
	case *Tuple:
		return len(v.Elts) > 0
	case *Set:
		return len(v.Elts) > 0
	case *Dict:
		return len(v.Keys) > 0
	case *Call:
		if n, ok := Unwrap(v.Func).(*Name); ok && len(v.Args) == 0 && len(v.Keywords) == 0 {
			switch n.ID {
			case "set", "tuple", "list", "dict":
				return false
			}
		}
	}
	return true
}

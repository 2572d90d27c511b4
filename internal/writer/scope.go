package writer

import (
	"fmt"
	"strings"

	"github.com/djsquash/djsquash/internal/python"
)

// This file finds what names in copied code refer to. It is a static,
// conservative reading of Python's scoping: a name bound anywhere inside a
// function or class (parameter, assignment, import, loop or with target,
// nested definition) counts as local to it; every other name refers to the
// module (or, for operation expressions, to the Migration class body first)
// or to a builtin.

// binding is what binds a module-level (or Migration class body) name.
type binding struct {
	name    string
	stmt    python.Stmt     // def, class, assignment or import
	imports []*importedName // for names bound by imports (several for "import a.b" and "import a.c")
	inClass bool            // bound in class Migration's body
	// unsafe says why the binding cannot be copied ("" when it can), at
	// offset pos of the source.
	unsafe string
	pos    int
}

// importedName is one import that binds a name.
type importedName struct {
	stmt  python.Stmt
	alias *python.Alias
}

// module is the scope of one source file.
type module struct {
	file   *python.File
	name   string // dotted module of the file
	names  map[string]*binding
	class  map[string]*binding // the Migration class body
	star   int                 // offset of a star import, or -1
	effect map[string]int      // names a module-level statement modifies or passes around, at offsets
}

func newModule(f *python.File, name string) *module {
	m := &module{file: f, name: name, names: map[string]*binding{}, class: map[string]*binding{}, star: -1, effect: map[string]int{}}
	for _, s := range f.Body {
		m.bind(m.names, s, false, "")
	}
	return m
}

// bind records the names statement s binds in scope; inside is the
// compound statement it sits in, if any (then it cannot be copied alone).
func (m *module) bind(scope map[string]*binding, s python.Stmt, inClass bool, inside string) {
	set := func(name string, b *binding) {
		if old := scope[name]; old != nil && old.imports == nil && b.imports == nil && b.unsafe == "" {
			b.unsafe, b.pos = fmt.Sprintf("%s is bound more than once at module level", name), s.Pos()
		}
		if inside != "" && b.unsafe == "" {
			b.unsafe, b.pos = fmt.Sprintf("%s is defined inside %s", name, inside), s.Pos()
		}
		scope[name] = b
	}
	switch x := s.(type) {
	case *python.Import:
		for _, a := range x.Names {
			name := a.AsName
			if name == "" {
				name, _, _ = strings.Cut(a.Name, ".")
			}
			b := scope[name]
			if b == nil || b.imports == nil || inside != "" {
				b = &binding{name: name, inClass: inClass}
				set(name, b)
			}
			b.imports = append(b.imports, &importedName{x, a})
		}
	case *python.ImportFrom:
		if x.Module == "__future__" && x.Level == 0 {
			return
		}
		for _, a := range x.Names {
			if a.Name == "*" {
				m.star = x.Pos()
				continue
			}
			name := a.AsName
			if name == "" {
				name = a.Name
			}
			set(name, &binding{name: name, inClass: inClass, imports: []*importedName{{x, a}}})
		}
	case *python.FunctionDef:
		set(x.Name, &binding{name: x.Name, stmt: x, inClass: inClass})
	case *python.ClassDef:
		if x.Name == "Migration" && !inClass && inside == "" {
			for _, st := range x.Body {
				m.bind(m.class, st, true, "")
			}
		}
		set(x.Name, &binding{name: x.Name, stmt: x, inClass: inClass})
	case *python.Assign:
		for _, t := range x.Targets {
			for _, n := range targetNames(t) {
				set(n.ID, &binding{name: n.ID, stmt: x, inClass: inClass})
			}
		}
	case *python.AnnAssign:
		for _, n := range targetNames(x.Target) {
			set(n.ID, &binding{name: n.ID, stmt: x, inClass: inClass})
		}
	case *python.AugAssign:
		for _, n := range targetNames(x.Target) {
			m.effect[n.ID] = x.Pos()
		}
	case *python.ExprStmt:
		if !inClass {
			python.Inspect(x, func(n python.Node) bool {
				if nm, ok := n.(*python.Name); ok {
					m.effect[nm.ID] = nm.Pos()
				}
				return true
			})
		}
	default:
		// if/try/for/while/with at module level: what they bind cannot be
		// copied on its own.
		what := fmt.Sprintf("a compound statement at offset %d", s.Pos())
		switch s.(type) {
		case *python.If:
			what = "an if statement"
		case *python.Try:
			what = "a try statement"
		case *python.For, *python.While:
			what = "a loop"
		case *python.With:
			what = "a with statement"
		}
		for _, n := range boundIn(s) {
			set(n, &binding{name: n, stmt: s, inClass: inClass, unsafe: fmt.Sprintf("%s is defined inside %s", n, what), pos: s.Pos()})
		}
	}
}

// targetNames returns the names an assignment target binds.
func targetNames(t python.Expr) []*python.Name {
	switch x := t.(type) {
	case *python.Name:
		return []*python.Name{x}
	case *python.Tuple:
		var out []*python.Name
		for _, e := range x.Elts {
			out = append(out, targetNames(e)...)
		}
		return out
	case *python.List:
		var out []*python.Name
		for _, e := range x.Elts {
			out = append(out, targetNames(e)...)
		}
		return out
	case *python.Starred:
		return targetNames(x.Value)
	}
	return nil
}

// boundIn returns every name bound anywhere inside n: parameters, targets,
// imports, definitions, except and with names, comprehension variables.
func boundIn(n python.Node) []string {
	var out []string
	add := func(ns []*python.Name) {
		for _, x := range ns {
			out = append(out, x.ID)
		}
	}
	args := func(a *python.Arguments) {
		if a == nil {
			return
		}
		for _, l := range [][]*python.Arg{a.PosOnly, a.Args, a.KwOnly} {
			for _, x := range l {
				out = append(out, x.Name)
			}
		}
		if a.Vararg != nil {
			out = append(out, a.Vararg.Name)
		}
		if a.Kwarg != nil {
			out = append(out, a.Kwarg.Name)
		}
	}
	python.Inspect(n, func(n python.Node) bool {
		switch x := n.(type) {
		case *python.FunctionDef:
			out = append(out, x.Name)
			args(x.Args)
		case *python.Lambda:
			args(x.Args)
		case *python.ClassDef:
			out = append(out, x.Name)
		case *python.Assign:
			for _, t := range x.Targets {
				add(targetNames(t))
			}
		case *python.AugAssign:
			add(targetNames(x.Target))
		case *python.AnnAssign:
			add(targetNames(x.Target))
		case *python.For:
			add(targetNames(x.Target))
		case *python.With:
			for _, it := range x.Items {
				if it.Vars != nil {
					add(targetNames(it.Vars))
				}
			}
		case *python.ExceptHandler:
			if x.Name != "" {
				out = append(out, x.Name)
			}
		case *python.Comprehension:
			add(targetNames(x.Target))
		case *python.NamedExpr:
			out = append(out, x.Target.ID)
		case *python.Import:
			for _, a := range x.Names {
				name := a.AsName
				if name == "" {
					name, _, _ = strings.Cut(a.Name, ".")
				}
				out = append(out, name)
			}
		case *python.ImportFrom:
			for _, a := range x.Names {
				name := a.AsName
				if name == "" {
					name = a.Name
				}
				out = append(out, name)
			}
		case *python.Delete:
			for _, t := range x.Targets {
				add(targetNames(t))
			}
		}
		return true
	})
	return out
}

// use is one reference to a name, with the dotted attribute chain it
// starts ("django.db.models.deletion.CASCADE").
type use struct {
	name  *python.Name
	chain string
}

// freeNames lists the names n refers to that it does not bind itself,
// minus those in except (names bound by an enclosing scope).
func freeNames(n python.Node, except map[string]bool) []use {
	local := map[string]bool{}
	for k := range except {
		local[k] = true
	}
	switch n.(type) {
	case *python.FunctionDef, *python.ClassDef, *python.Lambda:
		for _, b := range boundIn(n) {
			local[b] = true
		}
	}
	if f, ok := n.(*python.FunctionDef); ok {
		// The function's own name is the module binding being copied.
		delete(local, f.Name)
	}
	if c, ok := n.(*python.ClassDef); ok {
		delete(local, c.Name)
	}
	var out []use
	var scopes []python.Node // lambdas and comprehensions inside an expression
	_, isExpr := n.(python.Expr)
	python.Inspect(n, func(x python.Node) bool {
		switch y := x.(type) {
		case *python.Attribute:
			// A dotted name (a.b.c) is one use of its first name.
			if base, chain := dotted(y); base != nil {
				out = append(out, use{name: base, chain: chain})
				return false
			}
		case *python.Name:
			out = append(out, use{name: y, chain: y.ID})
		case *python.Lambda, *python.Comp:
			if isExpr && x != n {
				scopes = append(scopes, x)
			}
		}
		return true
	})
	// Lambdas and comprehensions inside an expression bind their own
	// names.
	for _, sc := range scopes {
		for _, b := range boundIn(sc) {
			local[b] = true
		}
	}
	if len(local) == 0 {
		return out
	}
	kept := out[:0]
	for _, u := range out {
		if !local[u.name.ID] {
			kept = append(kept, u)
		}
	}
	return kept
}

// dotted returns the Name at the base of an attribute chain and the chain's
// dotted text, or nil.
func dotted(a *python.Attribute) (*python.Name, string) {
	parts := []string{a.Attr}
	e := python.Unwrap(a.Value)
	for {
		switch x := e.(type) {
		case *python.Attribute:
			parts = append(parts, x.Attr)
			e = python.Unwrap(x.Value)
			continue
		case *python.Name:
			parts = append(parts, x.ID)
			for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
				parts[i], parts[j] = parts[j], parts[i]
			}
			return x, strings.Join(parts, ".")
		}
		return nil, ""
	}
}

// builtinNames are the names Python provides in every module (and the
// Python 2 ones old migrations may still name), space-separated.
const builtinNames = " abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len list locals map max memoryview min next object oct open ord pow print property range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip __import__ __build_class__ __debug__ True False None NotImplemented Ellipsis BaseException BaseExceptionGroup Exception ExceptionGroup ArithmeticError AssertionError AttributeError BlockingIOError BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError EncodingWarning EnvironmentError FileExistsError FileNotFoundError FloatingPointError FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError OverflowError PendingDeprecationWarning PermissionError ProcessLookupError RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ValueError Warning ZeroDivisionError unicode basestring long xrange "

func isBuiltin(name string) bool { return strings.Contains(builtinNames, " "+name+" ") }

package python

import (
	"fmt"

	"github.com/djsquash/djsquash/internal/diag"
)

// CodeCompile marks what CPython's compiler rejects in a file its parser
// accepts: targets that cannot be assigned or deleted, argument lists out
// of order, statements outside the block they need, conflicting scope
// declarations. A migration file with one of these does not import, so
// djsquash must never pass it or copy it.
const CodeCompile = "PY003"

// checkFile reports the compile-time errors of f, as compile() would.
func checkFile(f *File) []diag.Diagnostic {
	c := &checker{}
	c.scope(f.Body, scopeModule, nil)
	return c.diags
}

type scopeKind uint8

const (
	scopeModule scopeKind = iota
	scopeClass
	scopeFunction
	scopeAsync
)

type checker struct {
	diags []diag.Diagnostic
	kind  scopeKind
	loop  bool
	// seen records, per name, how it first occurred in the current scope
	// before any global statement naming it ("assigned to" or "used").
	seen   map[string]string
	params map[string]bool
}

func (c *checker) errorf(pos int, format string, args ...any) {
	if len(c.diags) >= maxErrors {
		return
	}
	c.diags = append(c.diags, diag.Diagnostic{Severity: diag.Error, Code: CodeCompile, Offset: pos, Message: fmt.Sprintf(format, args...)})
}

// scope checks a module, class or function body with its own loop state
// and global bookkeeping.
func (c *checker) scope(body []Stmt, kind scopeKind, params *Arguments) {
	saved := *c
	c.kind, c.loop, c.seen, c.params = kind, false, map[string]string{}, map[string]bool{}
	if params != nil {
		for _, a := range allParams(params) {
			c.params[a.Name] = true
		}
	}
	c.stmts(body)
	diags := c.diags
	*c = saved
	c.diags = diags
}

func allParams(a *Arguments) []*Arg {
	out := append(append([]*Arg{}, a.PosOnly...), a.Args...)
	if a.Vararg != nil {
		out = append(out, a.Vararg)
	}
	out = append(out, a.KwOnly...)
	if a.Kwarg != nil {
		out = append(out, a.Kwarg)
	}
	return out
}

func (c *checker) stmts(ss []Stmt) {
	for _, s := range ss {
		c.stmt(s)
	}
}

func (c *checker) inFunction() bool { return c.kind == scopeFunction || c.kind == scopeAsync }

func (c *checker) stmt(s Stmt) {
	switch s := s.(type) {
	case *ExprStmt:
		c.expr(s.Value)
	case *Assign:
		c.expr(s.Value)
		for _, t := range s.Targets {
			c.target(t, "assign to", len(s.Targets) == 1)
		}
	case *AugAssign:
		c.expr(s.Value)
		switch s.Target.(type) {
		case *Name, *Attribute, *Subscript:
			c.target(s.Target, "assign to", false)
		default:
			c.errorf(s.Target.Pos(), "'%s' is an illegal expression for augmented assignment", describeTarget(s.Target))
		}
	case *AnnAssign:
		c.expr(s.Annotation)
		c.expr(s.Value)
		switch s.Target.(type) {
		case *Name, *Attribute, *Subscript:
			c.target(s.Target, "assign to", false)
		case *Tuple:
			c.errorf(s.Target.Pos(), "only single target (not tuple) can be annotated")
		case *List:
			c.errorf(s.Target.Pos(), "only single target (not list) can be annotated")
		default:
			c.errorf(s.Target.Pos(), "illegal target for annotation")
		}
	case *Import:
		for _, a := range s.Names {
			name := a.AsName
			if name == "" {
				name, _, _ = cutDot(a.Name)
			}
			c.bind(name, s.Pos())
		}
	case *ImportFrom:
		for _, a := range s.Names {
			if a.Name == "*" {
				if c.inFunction() || c.kind == scopeClass {
					c.errorf(s.Pos(), "import * only allowed at module level")
				}
				continue
			}
			name := a.AsName
			if name == "" {
				name = a.Name
			}
			c.bind(name, s.Pos())
		}
	case *FunctionDef:
		c.exprs(s.Decorators)
		c.arguments(s.Args)
		c.expr(s.Returns)
		c.bind(s.Name, s.Pos())
		kind := scopeFunction
		if s.IsAsync {
			kind = scopeAsync
		}
		c.scope(s.Body, kind, s.Args)
	case *ClassDef:
		c.exprs(s.Decorators)
		c.exprs(s.Bases)
		c.keywords(s.Keywords)
		c.bind(s.Name, s.Pos())
		c.scope(s.Body, scopeClass, nil)
	case *Return:
		if !c.inFunction() {
			c.errorf(s.Pos(), "'return' outside function")
		}
		c.expr(s.Value)
	case *Delete:
		for _, t := range s.Targets {
			c.target(t, "delete", false)
		}
	case *Break:
		if !c.loop {
			c.errorf(s.Pos(), "'break' outside loop")
		}
	case *Continue:
		if !c.loop {
			c.errorf(s.Pos(), "'continue' not properly in loop")
		}
	case *Raise:
		c.expr(s.Exc)
		c.expr(s.Cause)
	case *Global:
		c.declare(s.Pos(), s.Names, "global")
	case *Nonlocal:
		if !c.inFunction() {
			if c.kind == scopeModule {
				c.errorf(s.Pos(), "nonlocal declaration not allowed at module level")
			}
			return
		}
		c.declare(s.Pos(), s.Names, "nonlocal")
	case *Assert:
		c.expr(s.Test)
		c.expr(s.Msg)
	case *If:
		c.expr(s.Test)
		c.stmts(s.Body)
		c.stmts(s.OrElse)
	case *For:
		c.expr(s.Iter)
		c.target(s.Target, "assign to", false)
		c.loopBody(s.Body)
		c.stmts(s.OrElse)
	case *While:
		c.expr(s.Test)
		c.loopBody(s.Body)
		c.stmts(s.OrElse)
	case *With:
		for _, it := range s.Items {
			c.expr(it.Context)
			if it.Vars != nil {
				c.target(it.Vars, "assign to", false)
			}
		}
		c.stmts(s.Body)
	case *Try:
		c.stmts(s.Body)
		for _, h := range s.Handlers {
			c.expr(h.Type)
			if h.Name != "" {
				c.bind(h.Name, h.Pos())
			}
			c.stmts(h.Body)
		}
		c.stmts(s.OrElse)
		c.stmts(s.Finalbody)
	case *Match:
		c.expr(s.Subject)
		for _, mc := range s.Cases {
			c.expr(mc.Guard)
			c.stmts(mc.Body)
		}
	case *TypeAlias:
		c.bind(s.Name.ID, s.Pos())
		c.expr(s.Value)
	}
}

// declare checks a global or nonlocal statement against what the scope
// did with its names before it.
func (c *checker) declare(pos int, names []string, kind string) {
	for _, n := range names {
		switch {
		case c.params[n]:
			c.errorf(pos, "name '%s' is parameter and %s", n, kind)
		case c.seen[n] == "assigned":
			c.errorf(pos, "name '%s' is assigned to before %s declaration", n, kind)
		case c.seen[n] == "used":
			c.errorf(pos, "name '%s' is used prior to %s declaration", n, kind)
		}
	}
}

func (c *checker) loopBody(body []Stmt) {
	saved := c.loop
	c.loop = true
	c.stmts(body)
	c.loop = saved
}

func cutDot(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// bind notes that name is assigned in the current scope.
func (c *checker) bind(name string, pos int) {
	if _, ok := c.seen[name]; !ok {
		c.seen[name] = "assigned"
	}
}

func (c *checker) use(name string) {
	if _, ok := c.seen[name]; !ok {
		c.seen[name] = "used"
	}
}

// target checks an assignment or deletion target. single is set for the
// one target of a plain assignment, where CPython suggests '=='.
func (c *checker) target(t Expr, verb string, single bool) {
	switch t := t.(type) {
	case *Name:
		c.bind(t.ID, t.Pos())
	case *Attribute:
		c.expr(t.Value)
	case *Subscript:
		c.expr(t.Value)
		c.expr(t.Slice)
	case *Tuple:
		c.targets(t.Elts, verb)
	case *List:
		c.targets(t.Elts, verb)
	case *Starred:
		if verb == "delete" {
			c.errorf(t.Pos(), "cannot delete starred")
			return
		}
		c.errorf(t.Pos(), "starred assignment target must be in a list or tuple")
	case *Foreign, *Exploded:
		// Synthesized nodes are never checked.
	default:
		msg := fmt.Sprintf("cannot %s %s", verb, describeTarget(t))
		if single {
			switch t.(type) {
			case *Constant, *Call, *Compare, *BinOp, *BoolOp, *UnaryOp:
				msg += " here. Maybe you meant '==' instead of '='?"
			}
		}
		c.errorf(t.Pos(), "%s", msg)
	}
}

func (c *checker) targets(elts []Expr, verb string) {
	starred := 0
	for _, e := range elts {
		if s, ok := e.(*Starred); ok {
			if verb == "delete" {
				c.errorf(s.Pos(), "cannot delete starred")
				continue
			}
			starred++
			if starred == 2 {
				c.errorf(s.Pos(), "multiple starred expressions in assignment")
			}
			c.target(s.Value, verb, false)
			continue
		}
		c.target(e, verb, false)
	}
}

// describeTarget names what cannot be assigned, as CPython does.
func describeTarget(e Expr) string {
	switch e := e.(type) {
	case *Constant:
		switch e.Kind {
		case True:
			return "True"
		case False:
			return "False"
		case NoneConst:
			return "None"
		case EllipsisConst:
			return "ellipsis"
		}
		return "literal"
	case *Call:
		return "function call"
	case *Compare:
		return "comparison"
	case *BinOp, *BoolOp, *UnaryOp:
		return "expression"
	case *Lambda:
		return "lambda"
	case *IfExp:
		return "conditional expression"
	case *NamedExpr:
		return "named expression"
	case *Await:
		return "await expression"
	case *Yield, *YieldFrom:
		return "yield expression"
	case *Dict:
		return "dict literal"
	case *Set:
		return "set display"
	case *JoinedStr:
		return "f-string expression"
	case *Tuple:
		return "tuple"
	case *List:
		return "list"
	case *Comp:
		switch e.Kind {
		case ListComp:
			return "list comprehension"
		case SetComp:
			return "set comprehension"
		case DictComp:
			return "dict comprehension"
		}
		return "generator expression"
	}
	return "expression"
}

func (c *checker) exprs(es []Expr) {
	for _, e := range es {
		c.expr(e)
	}
}

func (c *checker) keywords(ks []*Keyword) {
	for _, k := range ks {
		c.expr(k.Value)
	}
}

// arguments checks a parameter list: names unique, defaults in order.
func (c *checker) arguments(a *Arguments) {
	if a == nil {
		return
	}
	seen := map[string]bool{}
	for _, p := range allParams(a) {
		if seen[p.Name] {
			c.errorf(p.Pos(), "duplicate argument '%s' in function definition", p.Name)
		}
		seen[p.Name] = true
		c.expr(p.Annotation)
	}
	c.exprs(a.Defaults)
	for _, d := range a.KwDefaults {
		c.expr(d)
	}
}

func (c *checker) expr(e Expr) {
	if e == nil {
		return
	}
	switch e := e.(type) {
	case *Name:
		c.use(e.ID)
	case *Call:
		c.expr(e.Func)
		c.call(e)
	case *Lambda:
		c.arguments(e.Args)
		saved := *c
		c.kind, c.loop = scopeFunction, false
		c.seen, c.params = map[string]string{}, map[string]bool{}
		c.expr(e.Body)
		diags := c.diags
		*c = saved
		c.diags = diags
	case *Yield:
		if !c.inFunction() {
			c.errorf(e.Pos(), "'yield' outside function")
		}
		c.expr(e.Value)
	case *YieldFrom:
		if !c.inFunction() {
			c.errorf(e.Pos(), "'yield' outside function")
		} else if c.kind == scopeAsync {
			c.errorf(e.Pos(), "'yield from' inside async function")
		}
		c.expr(e.Value)
	case *Await:
		switch c.kind {
		case scopeAsync:
		case scopeFunction:
			c.errorf(e.Pos(), "'await' outside async function")
		default:
			c.errorf(e.Pos(), "'await' outside function")
		}
		c.expr(e.Value)
	case *NamedExpr:
		c.bind(e.Target.ID, e.Pos())
		c.expr(e.Value)
	default:
		Inspect(e, func(n Node) bool {
			if n == e {
				return true
			}
			if x, ok := n.(Expr); ok {
				c.expr(x)
				return false
			}
			if k, ok := n.(*Keyword); ok {
				c.expr(k.Value)
				return false
			}
			if g, ok := n.(*Comprehension); ok {
				c.expr(g.Iter)
				c.exprs(g.Ifs)
				return false
			}
			return true
		})
	}
}

// call checks an argument list's order and keyword names.
func (c *checker) call(e *Call) {
	kwPos, kwUnpack := -1, -1
	seen := map[string]bool{}
	for _, k := range e.Keywords {
		if k.Arg == "" {
			if kwUnpack < 0 {
				kwUnpack = k.Pos()
			}
		} else {
			if kwPos < 0 {
				kwPos = k.Pos()
			}
			if seen[k.Arg] {
				c.errorf(k.Pos(), "keyword argument repeated: %s", k.Arg)
			}
			seen[k.Arg] = true
		}
		c.expr(k.Value)
	}
	for _, a := range e.Args {
		_, star := a.(*Starred)
		switch {
		case star && kwUnpack >= 0 && a.Pos() > kwUnpack:
			c.errorf(a.Pos(), "iterable argument unpacking follows keyword argument unpacking")
		case !star && kwUnpack >= 0 && a.Pos() > kwUnpack:
			c.errorf(a.Pos(), "positional argument follows keyword argument unpacking")
		case !star && kwPos >= 0 && a.Pos() > kwPos:
			c.errorf(a.Pos(), "positional argument follows keyword argument")
		}
		c.expr(a)
	}
}

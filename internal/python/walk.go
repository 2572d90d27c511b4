package python

// Inspect calls f for n and, while f returns true, for each of n's
// children in source order. Nil children are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	ex := func(es ...Expr) {
		for _, e := range es {
			if e != nil {
				Inspect(e, f)
			}
		}
	}
	st := func(ss []Stmt) {
		for _, s := range ss {
			Inspect(s, f)
		}
	}
	args := func(a *Arguments) {
		if a == nil {
			return
		}
		// Defaults come after their parameters in the source; visiting
		// parameters, then defaults, keeps each group ordered, which is all
		// span checks need.
		for _, x := range a.PosOnly {
			Inspect(x, f)
		}
		for _, x := range a.Args {
			Inspect(x, f)
		}
		ex(a.Defaults...)
		if a.Vararg != nil {
			Inspect(a.Vararg, f)
		}
		for i, x := range a.KwOnly {
			Inspect(x, f)
			if a.KwDefaults[i] != nil {
				Inspect(a.KwDefaults[i], f)
			}
		}
		if a.Kwarg != nil {
			Inspect(a.Kwarg, f)
		}
	}
	tps := func(ps []*TypeParam) {
		for _, tp := range ps {
			Inspect(tp, f)
		}
	}
	switch n := n.(type) {
	case *File:
		st(n.Body)
	case *Attribute:
		ex(n.Value)
	case *Subscript:
		ex(n.Value, n.Slice)
	case *Slice:
		ex(n.Lower, n.Upper, n.Step)
	case *Call:
		ex(n.Func)
		ex(n.Args...)
		for _, k := range n.Keywords {
			Inspect(k, f)
		}
	case *Keyword:
		ex(n.Value)
	case *BinOp:
		ex(n.Left, n.Right)
	case *UnaryOp:
		ex(n.Operand)
	case *BoolOp:
		ex(n.Values...)
	case *Compare:
		ex(n.Left)
		ex(n.Comparators...)
	case *IfExp:
		ex(n.Body, n.Test, n.OrElse)
	case *Lambda:
		args(n.Args)
		ex(n.Body)
	case *NamedExpr:
		ex(n.Target, n.Value)
	case *Starred:
		ex(n.Value)
	case *Foreign:
		ex(n.X)
	case *Exploded:
		ex(n.X)
	case *Await:
		ex(n.Value)
	case *Yield:
		ex(n.Value)
	case *YieldFrom:
		ex(n.Value)
	case *Tuple:
		ex(n.Elts...)
	case *List:
		ex(n.Elts...)
	case *Set:
		ex(n.Elts...)
	case *Dict:
		for i := range n.Values {
			ex(n.Keys[i], n.Values[i])
		}
	case *Comp:
		ex(n.Elt, n.Value)
		for _, g := range n.Generators {
			Inspect(g, f)
		}
	case *Comprehension:
		ex(n.Target, n.Iter)
		ex(n.Ifs...)
	case *JoinedStr:
		ex(n.Values...)
	case *FormattedValue:
		ex(n.Value)
		if n.FormatSpec != nil {
			Inspect(n.FormatSpec, f)
		}
	case *Arg:
		ex(n.Annotation)
	case *ExprStmt:
		ex(n.Value)
	case *Assign:
		ex(n.Targets...)
		ex(n.Value)
	case *AugAssign:
		ex(n.Target, n.Value)
	case *AnnAssign:
		ex(n.Target, n.Annotation, n.Value)
	case *Import:
		for _, a := range n.Names {
			Inspect(a, f)
		}
	case *ImportFrom:
		for _, a := range n.Names {
			Inspect(a, f)
		}
	case *FunctionDef:
		ex(n.Decorators...)
		tps(n.TypeParams)
		args(n.Args)
		ex(n.Returns)
		st(n.Body)
	case *ClassDef:
		ex(n.Decorators...)
		tps(n.TypeParams)
		ex(n.Bases...)
		for _, k := range n.Keywords {
			Inspect(k, f)
		}
		st(n.Body)
	case *TypeParam:
		ex(n.Bound, n.Default)
	case *TypeAlias:
		ex(n.Name)
		tps(n.TypeParams)
		ex(n.Value)
	case *Return:
		ex(n.Value)
	case *Delete:
		ex(n.Targets...)
	case *Raise:
		ex(n.Exc, n.Cause)
	case *Assert:
		ex(n.Test, n.Msg)
	case *If:
		ex(n.Test)
		st(n.Body)
		st(n.OrElse)
	case *For:
		ex(n.Target, n.Iter)
		st(n.Body)
		st(n.OrElse)
	case *While:
		ex(n.Test)
		st(n.Body)
		st(n.OrElse)
	case *With:
		for _, it := range n.Items {
			ex(it.Context, it.Vars)
		}
		st(n.Body)
	case *Try:
		st(n.Body)
		for _, h := range n.Handlers {
			Inspect(h, f)
		}
		st(n.OrElse)
		st(n.Finalbody)
	case *ExceptHandler:
		ex(n.Type)
		st(n.Body)
	case *Match:
		ex(n.Subject)
		for _, c := range n.Cases {
			ex(c.Guard)
			st(c.Body)
		}
	}
}

// Pos and End make *File a Node spanning the whole source.
func (f *File) Pos() int { return 0 }
func (f *File) End() int { return len(f.Src) }

// Describe names an expression's kind for messages: "a call", "a name", ...
func Describe(e Expr) string {
	switch e.(type) {
	case *Call:
		return "a call"
	case *Name:
		return "a name"
	case *BinOp:
		return "an operation"
	case *Attribute:
		return "an attribute"
	case *Comp:
		return "a comprehension"
	case *IfExp:
		return "a conditional"
	case *Subscript:
		return "a subscript"
	}
	return "an expression"
}

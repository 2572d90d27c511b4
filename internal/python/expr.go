package python

// paren wraps a parenthesised expression while parsing: the expression's
// own span excludes the parentheses (as in CPython), but a parent's span
// starts or ends at them. u() removes it before a node is stored.
type paren struct {
	Span
	X Expr
}

func (*paren) exprNode() {}

func u(e Expr) Expr {
	for {
		pe, ok := e.(*paren)
		if !ok {
			return e
		}
		e = pe.X
	}
}

func unwrapAll(es []Expr) []Expr {
	for i, e := range es {
		es[i] = u(e)
	}
	return es
}

// exprList parses comma-separated expressions (star_expressions): one
// expression, or a Tuple without parentheses spanning from its first
// element through any trailing comma.
func (p *parser) exprList(allowStar bool) Expr {
	start := p.tok.Pos
	first := p.starNamed()
	if !p.is(",") {
		return first
	}
	elts := []Expr{first}
	for p.got(",") {
		if p.exprEnds() {
			break
		}
		elts = append(elts, p.starNamed())
	}
	return &Tuple{Span{start, p.prev}, unwrapAll(elts)}
}

// exprEnds reports tokens that cannot start an expression here.
func (p *parser) exprEnds() bool {
	switch p.tok.Kind {
	case NEWLINE, EOF, INDENT, DEDENT:
		return true
	case OP:
		switch p.text(p.tok) {
		case "=", ")", "]", "}", ":", ";", "+=", "-=", "*=", "/=", "//=", "%=", "@=", "&=", "|=", "^=", ">>=", "<<=", "**=":
			return true
		}
	case NAME:
		switch p.text(p.tok) {
		case "in", "for", "if", "else", "from", "as", "async":
			return true
		}
	}
	return false
}

// starNamed parses "*expr" or a named expression.
func (p *parser) starNamed() Expr {
	if p.is("*") {
		s := p.tok.Pos
		p.next()
		v := p.bitor()
		return &Starred{Span{s, v.End()}, u(v)}
	}
	return p.namedExpr()
}

// namedExpr parses NAME ':=' expression, or an expression.
func (p *parser) namedExpr() Expr {
	if p.tok.Kind == NAME && p.isTok(p.peek(1), ":=") {
		n := p.name()
		p.next()
		v := p.expr()
		return &NamedExpr{Span{n.Pos(), v.End()}, n, u(v)}
	}
	return p.expr()
}

// expr parses an expression: lambda, or a conditional expression.
func (p *parser) expr() Expr {
	p.enter()
	defer p.leave()
	if p.is("lambda") {
		return p.lambda()
	}
	body := p.disjunction()
	if p.is("if") {
		p.next()
		test := p.disjunction()
		p.expect("else")
		orelse := p.expr()
		return &IfExp{Span{body.Pos(), orelse.End()}, u(test), u(body), u(orelse)}
	}
	return body
}

func (p *parser) lambda() Expr {
	start := p.tok.Pos
	p.next()
	args := p.parameters(":", false)
	p.expect(":")
	body := p.expr()
	return &Lambda{Span{start, body.End()}, args, u(body)}
}

func (p *parser) disjunction() Expr {
	first := p.conjunction()
	if !p.is("or") {
		return first
	}
	values := []Expr{first}
	for p.got("or") {
		values = append(values, p.conjunction())
	}
	return &BoolOp{Span{first.Pos(), values[len(values)-1].End()}, "or", unwrapAll(values)}
}

func (p *parser) conjunction() Expr {
	first := p.inversion()
	if !p.is("and") {
		return first
	}
	values := []Expr{first}
	for p.got("and") {
		values = append(values, p.inversion())
	}
	return &BoolOp{Span{first.Pos(), values[len(values)-1].End()}, "and", unwrapAll(values)}
}

func (p *parser) inversion() Expr {
	if p.is("not") {
		p.enter()
		defer p.leave()
		s := p.tok.Pos
		p.next()
		v := p.inversion()
		return &UnaryOp{Span{s, v.End()}, "not", u(v)}
	}
	return p.comparison()
}

func (p *parser) comparison() Expr {
	left := p.bitor()
	var ops []string
	var comps []Expr
	for {
		var op string
		switch {
		case p.tok.Kind == OP:
			switch t := p.text(p.tok); t {
			case "<", ">", "==", ">=", "<=", "!=":
				op = t
			}
		case p.is("in"):
			op = "in"
		case p.is("not") && p.isTok(p.peek(1), "in"):
			p.next()
			op = "not in"
		case p.is("is"):
			op = "is"
			if p.isTok(p.peek(1), "not") {
				p.next()
				op = "is not"
			}
		}
		if op == "" {
			break
		}
		p.next()
		ops = append(ops, op)
		comps = append(comps, p.bitor())
	}
	if len(ops) == 0 {
		return left
	}
	return &Compare{Span{left.Pos(), comps[len(comps)-1].End()}, u(left), ops, unwrapAll(comps)}
}

// binLevel returns the precedence level of a binary operator, loosest
// first (0 for '|'), or -1 when op is not one.
func binLevel(op string) int {
	switch op {
	case "|":
		return 0
	case "^":
		return 1
	case "&":
		return 2
	case "<<", ">>":
		return 3
	case "+", "-":
		return 4
	case "*", "/", "//", "%", "@":
		return 5
	}
	return -1
}

func (p *parser) bitor() Expr { return p.binary(0) }

// binary parses operands joined by binary operators of level at least
// level, by precedence climbing: one call per operand, where a function
// per level made an operand (migration files are mostly operands: strings,
// calls) descend through all six.
func (p *parser) binary(level int) Expr {
	left := p.factor()
	for p.tok.Kind == OP {
		l := binLevel(string(p.src[p.tok.Pos:p.tok.End]))
		if l < level {
			break
		}
		op := p.text(p.tok)
		p.next()
		right := p.binary(l + 1)
		left = &BinOp{Span{left.Pos(), right.End()}, u(left), op, u(right)}
	}
	return left
}

func (p *parser) factor() Expr {
	if p.tok.Kind == OP {
		switch op := p.text(p.tok); op {
		case "+", "-", "~":
			p.enter()
			defer p.leave()
			s := p.tok.Pos
			p.next()
			v := p.factor()
			return &UnaryOp{Span{s, v.End()}, op, u(v)}
		}
	}
	return p.power()
}

func (p *parser) power() Expr {
	var base Expr
	if p.is("await") {
		s := p.tok.Pos
		p.next()
		v := p.primary()
		base = &Await{Span{s, v.End()}, u(v)}
	} else {
		base = p.primary()
	}
	if p.is("**") {
		p.next()
		exp := p.factor()
		return &BinOp{Span{base.Pos(), exp.End()}, u(base), "**", u(exp)}
	}
	return base
}

// primary parses an atom and its trailers: .name, (args), [subscript].
func (p *parser) primary() Expr {
	e := p.atom()
	for {
		switch {
		case p.is("."):
			p.next()
			n := p.name()
			e = &Attribute{Span{e.Pos(), n.End()}, u(e), n.ID, n.Pos()}
		case p.is("("):
			open := p.tok.Pos
			p.next()
			p.enter()
			args, kws := p.arguments()
			p.leave()
			p.expect(")")
			// A lone generator argument takes the call's parentheses.
			if len(args) == 1 && len(kws) == 0 {
				if c, ok := args[0].(*Comp); ok && c.Kind == GeneratorExp && c.Start > open {
					c.Span = Span{open, p.prev}
				}
			}
			e = &Call{Span{e.Pos(), p.prev}, u(e), args, kws}
		case p.is("["):
			p.next()
			p.enter()
			s := p.subscript()
			p.leave()
			p.expect("]")
			e = &Subscript{Span{e.Pos(), p.prev}, u(e), u(s)}
		default:
			return e
		}
	}
}

// arguments parses call arguments (or class bases) up to ')'.
func (p *parser) arguments() ([]Expr, []*Keyword) {
	var args []Expr
	var kws []*Keyword
	for !p.is(")") {
		s := p.tok.Pos
		switch {
		case p.is("**"):
			p.next()
			v := p.expr()
			kws = append(kws, &Keyword{Span{s, v.End()}, "", u(v)})
		case p.is("*"):
			p.next()
			v := p.expr()
			args = append(args, &Starred{Span{s, v.End()}, u(v)})
		case p.tok.Kind == NAME && p.isTok(p.peek(1), "="):
			n := p.name()
			p.next()
			v := p.expr()
			kws = append(kws, &Keyword{Span{s, v.End()}, n.ID, u(v)})
		default:
			v := p.namedExpr()
			if p.is("for") || p.is("async") {
				gens := p.comprehensions()
				v = &Comp{Span: Span{v.Pos(), p.prev}, Kind: GeneratorExp, Elt: u(v), Generators: gens}
			}
			args = append(args, u(v))
		}
		if !p.got(",") {
			break
		}
	}
	return args, kws
}

// subscript parses what is between [ and ]: slices and expressions,
// a Tuple (without the brackets) when there is a comma.
func (p *parser) subscript() Expr {
	start := p.tok.Pos
	first := p.sliceItem()
	if !p.is(",") {
		return first
	}
	elts := []Expr{first}
	for p.got(",") {
		if p.is("]") {
			break
		}
		elts = append(elts, p.sliceItem())
	}
	return &Tuple{Span{start, p.prev}, unwrapAll(elts)}
}

func (p *parser) sliceItem() Expr {
	start := p.tok.Pos
	var lower Expr
	if !p.is(":") {
		lower = p.starNamed()
		if !p.is(":") {
			return lower
		}
	}
	p.next() // ':'
	s := &Slice{Lower: u(lower)}
	if !p.is(":") && !p.is(",") && !p.is("]") {
		s.Upper = u(p.expr())
	}
	if p.got(":") {
		if !p.is(",") && !p.is("]") {
			s.Step = u(p.expr())
		}
	}
	s.Span = Span{start, p.prev}
	return s
}

func (p *parser) comprehensions() []*Comprehension {
	var gens []*Comprehension
	for p.is("for") || (p.is("async") && p.isTok(p.peek(1), "for")) {
		c := &Comprehension{}
		s := p.tok.Pos
		if p.got("async") {
			c.IsAsync = true
		}
		p.expect("for")
		c.Target = u(p.targetList())
		p.expect("in")
		c.Iter = u(p.disjunction())
		for p.is("if") {
			p.next()
			c.Ifs = append(c.Ifs, u(p.disjunction()))
		}
		c.Span = Span{s, p.prev}
		gens = append(gens, c)
	}
	return gens
}

func (p *parser) yieldExpr() Expr {
	s := p.tok.Pos
	p.next()
	if p.got("from") {
		v := p.expr()
		return &YieldFrom{Span{s, v.End()}, u(v)}
	}
	if p.exprEnds() {
		return &Yield{Span{s, p.prev}, nil}
	}
	v := p.exprList(true)
	return &Yield{Span{s, v.End()}, u(v)}
}

func (p *parser) atom() Expr {
	t := p.tok
	switch t.Kind {
	case NAME:
		switch p.text(t) {
		case "True", "False", "None":
			p.next()
			k := NoneConst
			switch p.text(t) {
			case "True":
				k = True
			case "False":
				k = False
			}
			return &Constant{Span{t.Pos, t.End}, k, p.text(t)}
		case "lambda":
			return p.lambda()
		case "yield":
			return p.yieldExpr()
		}
		if isKeyword(p.text(t)) {
			p.errorExpected("an expression")
		}
		p.next()
		return &Name{Span{t.Pos, t.End}, p.text(t)}
	case NUMBER:
		p.next()
		return &Constant{Span{t.Pos, t.End}, numberKind(p.src[t.Pos:t.End]), p.text(t)}
	case STRING:
		return p.strings()
	case OP:
		switch p.text(t) {
		case "(":
			return p.parenAtom()
		case "[":
			return p.listAtom()
		case "{":
			return p.braceAtom()
		case "...":
			p.next()
			return &Constant{Span{t.Pos, t.End}, EllipsisConst, "..."}
		}
	}
	p.errorExpected("an expression")
	return nil
}

func (p *parser) parenAtom() Expr {
	p.enter()
	defer p.leave()
	open := p.tok.Pos
	p.next()
	if p.is(")") {
		p.next()
		return &Tuple{Span{open, p.prev}, nil}
	}
	if p.is("yield") {
		y := p.yieldExpr()
		p.expect(")")
		return &paren{Span{open, p.prev}, y}
	}
	first := p.starNamed()
	if p.is("for") || p.is("async") {
		gens := p.comprehensions()
		p.expect(")")
		return &Comp{Span: Span{open, p.prev}, Kind: GeneratorExp, Elt: u(first), Generators: gens}
	}
	if p.is(",") {
		elts := []Expr{first}
		for p.got(",") {
			if p.is(")") {
				break
			}
			elts = append(elts, p.starNamed())
		}
		p.expect(")")
		return &Tuple{Span{open, p.prev}, unwrapAll(elts)}
	}
	p.expect(")")
	return &paren{Span{open, p.prev}, first}
}

func (p *parser) listAtom() Expr {
	p.enter()
	defer p.leave()
	open := p.tok.Pos
	p.next()
	var elts []Expr
	for !p.is("]") {
		e := p.starNamed()
		if len(elts) == 0 && (p.is("for") || p.is("async")) {
			gens := p.comprehensions()
			p.expect("]")
			return &Comp{Span: Span{open, p.prev}, Kind: ListComp, Elt: u(e), Generators: gens}
		}
		elts = append(elts, e)
		if !p.got(",") {
			break
		}
	}
	p.expect("]")
	return &List{Span{open, p.prev}, unwrapAll(elts)}
}

func (p *parser) braceAtom() Expr {
	p.enter()
	defer p.leave()
	open := p.tok.Pos
	p.next()
	if p.is("}") {
		p.next()
		return &Dict{Span: Span{open, p.prev}}
	}
	d := &Dict{}
	var set []Expr
	isDict := false
	for i := 0; !p.is("}"); i++ {
		if p.is("**") {
			p.next()
			v := p.bitor()
			d.Keys, d.Values = append(d.Keys, nil), append(d.Values, u(v))
			isDict = true
		} else {
			k := p.starNamed()
			if p.is(":") && (i == 0 || isDict) {
				p.next()
				v := p.expr()
				if i == 0 && (p.is("for") || p.is("async")) {
					gens := p.comprehensions()
					p.expect("}")
					return &Comp{Span: Span{open, p.prev}, Kind: DictComp, Elt: u(k), Value: u(v), Generators: gens}
				}
				d.Keys, d.Values = append(d.Keys, u(k)), append(d.Values, u(v))
				isDict = true
			} else {
				if i == 0 && (p.is("for") || p.is("async")) {
					gens := p.comprehensions()
					p.expect("}")
					return &Comp{Span: Span{open, p.prev}, Kind: SetComp, Elt: u(k), Generators: gens}
				}
				if isDict {
					p.errorExpected("':'")
				}
				set = append(set, u(k))
			}
		}
		if !p.got(",") {
			break
		}
	}
	p.expect("}")
	if isDict {
		d.Span = Span{open, p.prev}
		return d
	}
	return &Set{Span{open, p.prev}, set}
}

func numberKind(b []byte) ConstKind {
	last := b[len(b)-1] | 0x20
	if last == 'j' {
		return Imaginary
	}
	if len(b) > 1 && b[0] == '0' && (b[1]|0x20 == 'x' || b[1]|0x20 == 'o' || b[1]|0x20 == 'b') {
		return Int
	}
	for _, c := range b {
		if c == '.' || c|0x20 == 'e' {
			return Float
		}
	}
	return Int
}

func isKeyword(s string) bool {
	switch s {
	case "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
		"def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
		"in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield":
		return true
	}
	return false
}

package python

import (
	"fmt"

	"github.com/djsquash/djsquash/internal/diag"
)

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 6000

// ParseFile parses a Python source file. It always returns a File; problems
// come back as diagnostics (located with line:col) and BadStmt nodes.
func ParseFile(filename string, src []byte) (*File, []diag.Diagnostic) {
	dec := decode(src)
	f := &File{Name: filename, Src: dec.src, encoding: dec.encoding, enc: dec.enc}
	if dec.encoding != "" {
		f.raw = src
	}
	if dec.err != nil {
		// CPython stops here: nothing of the file is read.
		d := diag.Diagnostic{Severity: diag.Error, Code: CodeEncoding, Offset: dec.err.pos, Message: dec.err.msg, File: filename,
			Hint: "save the file as UTF-8, or declare its encoding on the first line (# -*- coding: latin-1 -*-)"}
		diag.NewLines(src).Locate(&d)
		return f, []diag.Diagnostic{d}
	}
	src = dec.src
	p := newParser(src, 0, len(src), false)
	f.Body = p.fileBody()
	f.Comments = p.sc.comments
	ds := append(p.sc.diags, p.diags...)
	if len(ds) == 0 {
		// What compile() rejects after parsing; only for a file that
		// parsed, as CPython reports nothing else then.
		ds = checkFile(f)
	}
	if len(ds) > 0 {
		// The line table only when there is something to report.
		lines := diag.NewLines(src)
		for i := range ds {
			ds[i].File = filename
			lines.Locate(&ds[i])
		}
		diag.Sort(ds)
	}
	return f, ds
}

// ParseExpr parses src as a single expression (for tests and tools).
func ParseExpr(src []byte) (Expr, []diag.Diagnostic) {
	p := newParser(src, 0, len(src), true)
	var e Expr
	func() {
		defer p.recoverBailout()
		e = u(p.exprList(true))
		if p.tok.Kind != EOF && p.tok.Kind != NEWLINE {
			p.errorExpected("end of expression")
		}
	}()
	return e, append(p.sc.diags, p.diags...)
}

type parser struct {
	src   []byte
	sc    *scanner
	tok   Token
	ahead []Token
	prev  int // end of the last consumed token
	diags []diag.Diagnostic
	depth int
}

func newParser(src []byte, start, end int, inField bool) *parser {
	p := &parser{src: src, sc: newScanner(src, start, end, inField), prev: start}
	p.tok = p.sc.next()
	return p
}

// bailout unwinds a statement that cannot be parsed.
type bailout struct{}

func (p *parser) recoverBailout() {
	if r := recover(); r != nil {
		if _, ok := r.(bailout); !ok {
			panic(r)
		}
	}
}

func (p *parser) next() {
	p.prev = p.tok.End
	if len(p.ahead) > 0 {
		p.tok = p.ahead[0]
		p.ahead = p.ahead[1:]
		return
	}
	p.tok = p.sc.next()
}

// peek returns the token n places after the current one (n >= 1).
func (p *parser) peek(n int) Token {
	for len(p.ahead) < n {
		p.ahead = append(p.ahead, p.sc.next())
	}
	return p.ahead[n-1]
}

func (p *parser) text(t Token) string { return string(p.src[t.Pos:t.End]) }

// is reports whether the current token is the operator or keyword s.
func (p *parser) is(s string) bool {
	return (p.tok.Kind == OP || p.tok.Kind == NAME) && p.tok.End-p.tok.Pos == len(s) && string(p.src[p.tok.Pos:p.tok.End]) == s
}

func (p *parser) isTok(t Token, s string) bool {
	return (t.Kind == OP || t.Kind == NAME) && t.End-t.Pos == len(s) && string(p.src[t.Pos:t.End]) == s
}

func (p *parser) got(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) describe(t Token) string {
	switch t.Kind {
	case EOF:
		return "end of file"
	case NEWLINE, INDENT, DEDENT:
		if t.Pos >= len(p.src) {
			return "end of file"
		}
		return t.Kind.String()
	case STRING:
		return "string"
	case NUMBER:
		return "number " + p.text(t)
	}
	return fmt.Sprintf("'%s'", p.text(t))
}

func (p *parser) errorAt(pos int, msg string) {
	if len(p.diags) >= maxErrors {
		return
	}
	if n := len(p.diags); n > 0 && p.diags[n-1].Offset == pos {
		return // one error per position is enough
	}
	p.diags = append(p.diags, diag.Diagnostic{Severity: diag.Error, Code: CodeSyntax, Offset: pos, Message: msg})
}

func (p *parser) errorExpected(what string) {
	p.errorAt(p.tok.Pos, fmt.Sprintf("expected %s, found %s", what, p.describe(p.tok)))
	panic(bailout{})
}

func (p *parser) expect(s string) Token {
	t := p.tok
	if !p.is(s) {
		p.errorExpected("'" + s + "'")
	}
	p.next()
	return t
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.errorAt(p.tok.Pos, "too deeply nested")
		panic(bailout{})
	}
}

func (p *parser) leave() { p.depth-- }

// ---- statements ----

func (p *parser) fileBody() []Stmt {
	var body []Stmt
	for p.tok.Kind != EOF {
		if p.tok.Kind == NEWLINE {
			p.next()
			continue
		}
		if p.tok.Kind == INDENT || p.tok.Kind == DEDENT {
			if p.tok.Kind == INDENT {
				p.errorAt(p.tok.End, "unexpected indent")
			}
			p.next()
			continue
		}
		body = append(body, p.statement()...)
	}
	return body
}

// statement parses one statement line (simple statements joined by ';'
// count as several) or one compound statement, recovering from errors by
// skipping to the end of the logical line.
func (p *parser) statement() (out []Stmt) {
	start := p.tok.Pos
	depth := p.depth
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			p.depth = depth
			p.sync()
			out = append(out, &BadStmt{Span{start, p.prev}})
		}
	}()
	if s := p.compound(); s != nil {
		return []Stmt{s}
	}
	return p.simpleStatements()
}

// sync skips to the next statement boundary at this indentation.
func (p *parser) sync() {
	p.sc.depth = 0
	for p.tok.Kind != EOF {
		if p.tok.Kind == NEWLINE {
			p.next()
			// Skip an indented block belonging to the broken statement.
			if p.tok.Kind == INDENT {
				level := 0
				for p.tok.Kind != EOF {
					if p.tok.Kind == INDENT {
						level++
					} else if p.tok.Kind == DEDENT {
						level--
						if level == 0 {
							p.next()
							break
						}
					}
					p.next()
				}
			}
			return
		}
		if p.tok.Kind == DEDENT || p.tok.Kind == INDENT {
			return
		}
		p.next()
	}
}

func (p *parser) simpleStatements() []Stmt {
	var out []Stmt
	for {
		out = append(out, p.simple())
		if !p.got(";") {
			break
		}
		if p.tok.Kind == NEWLINE || p.tok.Kind == EOF {
			break
		}
	}
	if p.tok.Kind != NEWLINE && p.tok.Kind != EOF {
		p.errorExpected("end of statement")
	}
	if p.tok.Kind == NEWLINE {
		p.next()
	}
	return out
}

func (p *parser) simple() Stmt {
	start := p.tok.Pos
	if p.tok.Kind == NAME {
		switch p.text(p.tok) {
		case "pass":
			p.next()
			return &Pass{Span{start, p.prev}}
		case "break":
			p.next()
			return &Break{Span{start, p.prev}}
		case "continue":
			p.next()
			return &Continue{Span{start, p.prev}}
		case "return":
			p.next()
			var v Expr
			if !p.atStmtEnd() {
				v = u(p.exprList(true))
			}
			return &Return{Span{start, p.prev}, v}
		case "raise":
			p.next()
			r := &Raise{}
			if !p.atStmtEnd() {
				r.Exc = u(p.expr())
				if p.got("from") {
					r.Cause = u(p.expr())
				}
			}
			r.Span = Span{start, p.prev}
			return r
		case "global", "nonlocal":
			kw := p.text(p.tok)
			p.next()
			var names []string
			for {
				names = append(names, p.name().ID)
				if !p.got(",") {
					break
				}
			}
			if kw == "global" {
				return &Global{Span{start, p.prev}, names}
			}
			return &Nonlocal{Span{start, p.prev}, names}
		case "del":
			p.next()
			var targets []Expr
			for {
				targets = append(targets, u(p.bitor()))
				if !p.got(",") || p.atStmtEnd() {
					break
				}
			}
			return &Delete{Span{start, p.prev}, targets}
		case "assert":
			p.next()
			a := &Assert{Test: u(p.expr())}
			if p.got(",") {
				a.Msg = u(p.expr())
			}
			a.Span = Span{start, p.prev}
			return a
		case "import":
			return p.importStmt()
		case "from":
			return p.fromImport()
		case "type":
			// A soft keyword: "type X = ..." only when a name follows.
			if n := p.peek(1); n.Kind == NAME {
				if n2 := p.peek(2); p.isTok(n2, "=") || p.isTok(n2, "[") {
					return p.typeAlias()
				}
			}
		}
	}
	// Expression, assignment, augmented or annotated assignment.
	first := p.exprList(true)
	if p.is(":") {
		p.next()
		ann := u(p.expr())
		a := &AnnAssign{Target: u(first), Annotation: ann}
		if p.got("=") {
			a.Value = u(p.assignValue())
		}
		a.Span = Span{start, p.prev}
		return a
	}
	if p.tok.Kind == OP {
		switch op := p.text(p.tok); op {
		case "+=", "-=", "*=", "/=", "//=", "%=", "@=", "&=", "|=", "^=", ">>=", "<<=", "**=":
			p.next()
			v := u(p.assignValue())
			return &AugAssign{Span{start, p.prev}, u(first), op, v}
		case "=":
			targets := []Expr{u(first)}
			var value Expr
			for p.got("=") {
				value = p.assignValue()
				if p.is("=") {
					targets = append(targets, u(value))
				}
			}
			return &Assign{Span{start, p.prev}, targets, u(value)}
		}
	}
	return &ExprStmt{Span{start, p.prev}, u(first)}
}

// assignValue is the right-hand side of an assignment: yield or a list.
func (p *parser) assignValue() Expr {
	if p.is("yield") {
		return p.yieldExpr()
	}
	return p.exprList(true)
}

func (p *parser) atStmtEnd() bool {
	return p.tok.Kind == NEWLINE || p.tok.Kind == EOF || p.is(";")
}

func (p *parser) name() *Name {
	if p.tok.Kind != NAME {
		p.errorExpected("name")
	}
	n := &Name{Span{p.tok.Pos, p.tok.End}, p.text(p.tok)}
	p.next()
	return n
}

func (p *parser) dottedName() (string, int) {
	start := p.tok.Pos
	name := p.name().ID
	for p.is(".") {
		p.next()
		name += "." + p.name().ID
	}
	return name, start
}

func (p *parser) importStmt() Stmt {
	start := p.tok.Pos
	p.next()
	imp := &Import{}
	for {
		n, s := p.dottedName()
		a := &Alias{Name: n}
		if p.got("as") {
			a.AsName = p.name().ID
		}
		a.Span = Span{s, p.prev}
		imp.Names = append(imp.Names, a)
		if !p.got(",") {
			break
		}
	}
	imp.Span = Span{start, p.prev}
	return imp
}

func (p *parser) fromImport() Stmt {
	start := p.tok.Pos
	p.next()
	imp := &ImportFrom{}
	for p.is(".") || p.is("...") {
		imp.Level += p.tok.End - p.tok.Pos
		p.next()
	}
	if !p.is("import") {
		imp.Module, _ = p.dottedName()
	}
	p.expect("import")
	if p.is("*") {
		imp.Names = []*Alias{{Span{p.tok.Pos, p.tok.End}, "*", ""}}
		p.next()
	} else {
		paren := p.got("(")
		for {
			s := p.tok.Pos
			a := &Alias{Name: p.name().ID}
			if p.got("as") {
				a.AsName = p.name().ID
			}
			a.Span = Span{s, p.prev}
			imp.Names = append(imp.Names, a)
			if !p.got(",") {
				break
			}
			if paren && p.is(")") {
				break
			}
		}
		if paren {
			p.expect(")")
		}
	}
	imp.Span = Span{start, p.prev}
	return imp
}

func (p *parser) typeAlias() Stmt {
	start := p.tok.Pos
	p.next()
	t := &TypeAlias{Name: p.name()}
	if p.is("[") {
		t.TypeParams = p.typeParams()
	}
	p.expect("=")
	t.Value = u(p.expr())
	t.Span = Span{start, p.prev}
	return t
}

func (p *parser) typeParams() []*TypeParam {
	p.expect("[")
	var out []*TypeParam
	for !p.is("]") {
		s := p.tok.Pos
		tp := &TypeParam{}
		if p.got("*") {
			tp.Kind = '*'
		} else if p.got("**") {
			tp.Kind = '/'
		}
		tp.Name = p.name().ID
		if tp.Kind == 0 && p.got(":") {
			tp.Bound = u(p.expr())
		}
		if p.got("=") {
			tp.Default = u(p.maybeStarred(p.bitor, p.expr))
		}
		tp.Span = Span{s, p.prev}
		out = append(out, tp)
		if !p.got(",") {
			break
		}
	}
	p.expect("]")
	return out
}

// maybeStarred parses "*" followed by starred(), as a Starred, or else
// plain().
func (p *parser) maybeStarred(starred, plain func() Expr) Expr {
	if !p.is("*") {
		return plain()
	}
	st := p.tok.Pos
	p.next()
	v := starred()
	return &Starred{Span{st, v.End()}, u(v)}
}

// compound parses a compound statement, or returns nil.
func (p *parser) compound() Stmt {
	if p.is("@") {
		return p.decorated()
	}
	if p.tok.Kind != NAME {
		return nil
	}
	start := p.tok.Pos
	switch p.text(p.tok) {
	case "if":
		return p.ifStmt()
	case "while":
		p.next()
		w := &While{Test: u(p.namedExpr())}
		var end int
		w.Body, w.OrElse, end = p.bodyElse()
		w.Span = Span{start, end}
		return w
	case "for":
		return p.forStmt(start, false)
	case "try":
		return p.tryStmt()
	case "with":
		return p.withStmt(start, false)
	case "def":
		return p.funcDef(start, nil, false)
	case "class":
		return p.classDef(start, nil)
	case "async":
		n := p.peek(1)
		switch {
		case p.isTok(n, "def"):
			p.next()
			return p.funcDef(start, nil, true)
		case p.isTok(n, "for"):
			p.next()
			return p.forStmt(start, true)
		case p.isTok(n, "with"):
			p.next()
			return p.withStmt(start, true)
		}
	case "match":
		if p.looksLikeMatch() {
			return p.matchStmt()
		}
	}
	return nil
}

// looksLikeMatch decides whether the soft keyword "match" starts a match
// statement: the line must end with ':' at bracket depth zero.
func (p *parser) looksLikeMatch() bool {
	n := p.peek(1)
	if n.Kind == NEWLINE || n.Kind == EOF || (n.Kind == OP && !p.isTok(n, "(") && !p.isTok(n, "[") && !p.isTok(n, "{") && !p.isTok(n, "-") && !p.isTok(n, "*") && !p.isTok(n, "~")) {
		return false
	}
	depth := 0
	for i := 1; ; i++ {
		t := p.peek(i)
		switch {
		case t.Kind == NEWLINE || t.Kind == EOF:
			return false
		case p.isTok(t, "(") || p.isTok(t, "[") || p.isTok(t, "{"):
			depth++
		case p.isTok(t, ")") || p.isTok(t, "]") || p.isTok(t, "}"):
			depth--
		case depth == 0 && p.isTok(t, ":"):
			n := p.peek(i + 1)
			return n.Kind == NEWLINE
		}
	}
}

// block parses ':' and the suite after it.
func (p *parser) block() []Stmt {
	p.expect(":")
	if p.tok.Kind != NEWLINE {
		// A suite on the same line: simple statements only.
		return p.simpleStatements()
	}
	p.next()
	if p.tok.Kind != INDENT {
		p.errorExpected("an indented block")
	}
	p.next()
	var body []Stmt
	for p.tok.Kind != DEDENT && p.tok.Kind != EOF {
		if p.tok.Kind == NEWLINE {
			p.next()
			continue
		}
		if p.tok.Kind == INDENT {
			p.errorAt(p.tok.End, "unexpected indent")
			p.next()
			continue
		}
		body = append(body, p.statement()...)
	}
	if p.tok.Kind == DEDENT {
		p.next()
	}
	return body
}

// endOf is the end of a body's last statement (a compound statement ends
// where its last statement does, not at the DEDENT).
func endOf(body []Stmt, dflt int) int {
	if len(body) == 0 {
		return dflt
	}
	return body[len(body)-1].End()
}

func (p *parser) ifStmt() Stmt {
	start := p.tok.Pos
	p.next() // if / elif
	s := &If{Test: u(p.namedExpr())}
	s.Body = p.block()
	end := endOf(s.Body, p.prev)
	switch {
	case p.is("elif"):
		e := p.ifStmt()
		s.OrElse = []Stmt{e}
		end = e.End()
	case p.is("else"):
		p.next()
		s.OrElse = p.block()
		end = endOf(s.OrElse, p.prev)
	}
	s.Span = Span{start, end}
	return s
}

func (p *parser) forStmt(start int, async bool) Stmt {
	p.expect("for")
	f := &For{IsAsync: async, Target: u(p.targetList())}
	p.expect("in")
	f.Iter = u(p.exprList(true))
	var end int
	f.Body, f.OrElse, end = p.bodyElse()
	f.Span = Span{start, end}
	return f
}

// bodyElse parses a loop's block and its optional else block, and returns
// where the statement ends: at its last statement, not at the DEDENT.
func (p *parser) bodyElse() (body, orElse []Stmt, end int) {
	body = p.block()
	end = endOf(body, p.prev)
	if p.is("else") {
		p.next()
		orElse = p.block()
		end = endOf(orElse, p.prev)
	}
	return body, orElse, end
}

// targetList parses for-loop and comprehension targets (no 'in' operator).
func (p *parser) targetList() Expr {
	start := p.tok.Pos
	var elts []Expr
	for {
		var e Expr
		if p.is("*") {
			s := p.tok.Pos
			p.next()
			v := p.bitor()
			e = &Starred{Span{s, v.End()}, u(v)}
		} else {
			e = p.bitor()
		}
		elts = append(elts, e)
		if !p.is(",") {
			break
		}
		p.next()
		if p.is("in") || p.is("=") {
			break
		}
	}
	if len(elts) == 1 && p.src[p.prev-1] != ',' {
		return elts[0]
	}
	return &Tuple{Span{start, p.prev}, unwrapAll(elts)}
}

func (p *parser) tryStmt() Stmt {
	start := p.tok.Pos
	p.next()
	t := &Try{Body: p.block()}
	end := endOf(t.Body, p.prev)
	for p.is("except") {
		hs := p.tok.Pos
		p.next()
		if p.got("*") {
			t.Star = true
		}
		h := &ExceptHandler{}
		if !p.is(":") {
			ts := p.tok.Pos
			typ := p.expr()
			if p.is(",") {
				// PEP 758: except A, B:
				elts := []Expr{typ}
				for p.got(",") {
					elts = append(elts, p.expr())
				}
				typ = &Tuple{Span{ts, p.prev}, unwrapAll(elts)}
			}
			h.Type = u(typ)
			if p.got("as") {
				h.Name = p.name().ID
			}
		}
		h.Body = p.block()
		h.Span = Span{hs, endOf(h.Body, p.prev)}
		end = h.End()
		t.Handlers = append(t.Handlers, h)
	}
	if p.is("else") {
		p.next()
		t.OrElse = p.block()
		end = endOf(t.OrElse, p.prev)
	}
	if p.is("finally") {
		p.next()
		t.Finalbody = p.block()
		end = endOf(t.Finalbody, p.prev)
	}
	if len(t.Handlers) == 0 && t.Finalbody == nil {
		p.errorExpected("'except' or 'finally'")
	}
	t.Span = Span{start, end}
	return t
}

func (p *parser) withStmt(start int, async bool) Stmt {
	p.expect("with")
	w := &With{IsAsync: async}
	// Parenthesised items (3.9+): "with (a as b, c):". Tell them from a
	// parenthesised expression by looking for "as" or a trailing ":" after ")".
	if p.is("(") && p.parenthesizedWithItems() {
		p.next()
		for !p.is(")") {
			w.Items = append(w.Items, p.withItem())
			if !p.got(",") {
				break
			}
		}
		p.expect(")")
	} else {
		for {
			w.Items = append(w.Items, p.withItem())
			if !p.got(",") {
				break
			}
		}
	}
	w.Body = p.block()
	w.Span = Span{start, endOf(w.Body, p.prev)}
	return w
}

func (p *parser) parenthesizedWithItems() bool {
	depth := 0
	for i := 0; ; i++ {
		t := p.tok
		if i > 0 {
			t = p.peek(i)
		}
		switch {
		case t.Kind == NEWLINE || t.Kind == EOF:
			return false
		case p.isTok(t, "(") || p.isTok(t, "[") || p.isTok(t, "{"):
			depth++
		case p.isTok(t, ")") || p.isTok(t, "]") || p.isTok(t, "}"):
			depth--
			if depth == 0 {
				n := p.peek(i + 1)
				return p.isTok(n, ":")
			}
		case depth == 1 && (p.isTok(t, "as") || p.isTok(t, ",")):
			return true
		}
	}
}

func (p *parser) withItem() *WithItem {
	it := &WithItem{Context: u(p.expr())}
	if p.got("as") {
		it.Vars = u(p.targetAtom())
	}
	return it
}

// targetAtom parses a with-item or except target.
func (p *parser) targetAtom() Expr {
	return p.bitor()
}

func (p *parser) decorated() Stmt {
	start := p.tok.Pos
	var decos []Expr
	for p.is("@") {
		p.next()
		decos = append(decos, u(p.namedExpr()))
		if p.tok.Kind != NEWLINE {
			p.errorExpected("NEWLINE after decorator")
		}
		p.next()
	}
	_ = start
	s := p.tok.Pos
	switch {
	case p.is("def"):
		return p.funcDef(s, decos, false)
	case p.is("class"):
		return p.classDef(s, decos)
	case p.is("async") && p.isTok(p.peek(1), "def"):
		p.next()
		return p.funcDef(s, decos, true)
	}
	p.errorExpected("'def' or 'class' after decorators")
	return nil
}

func (p *parser) funcDef(start int, decos []Expr, async bool) Stmt {
	p.expect("def")
	f := &FunctionDef{Decorators: decos, IsAsync: async, NamePos: p.tok.Pos}
	f.Name = p.name().ID
	if p.is("[") {
		f.TypeParams = p.typeParams()
	}
	p.expect("(")
	f.Args = p.parameters(")", true)
	p.expect(")")
	if p.got("->") {
		f.Returns = u(p.expr())
	}
	f.Body = p.block()
	f.Span = Span{start, endOf(f.Body, p.prev)}
	return f
}

func (p *parser) classDef(start int, decos []Expr) Stmt {
	p.expect("class")
	c := &ClassDef{Decorators: decos, NamePos: p.tok.Pos}
	c.Name = p.name().ID
	if p.is("[") {
		c.TypeParams = p.typeParams()
	}
	if p.got("(") {
		c.Bases, c.Keywords = p.arguments()
		p.expect(")")
	}
	c.Body = p.block()
	c.Span = Span{start, endOf(c.Body, p.prev)}
	return c
}

// parameters parses a def's or lambda's parameter list up to close.
func (p *parser) parameters(close string, annotations bool) *Arguments {
	a := &Arguments{}
	star := false
	param := func() *Arg {
		s := p.tok.Pos
		arg := &Arg{Name: p.name().ID}
		if annotations && p.got(":") {
			arg.Annotation = u(p.maybeStarred(p.expr, p.expr)) // *args: *Ts (PEP 646)
		}
		arg.Span = Span{s, p.prev}
		return arg
	}
	for !p.is(close) {
		switch {
		case p.is("/"):
			p.next()
			a.PosOnly, a.Args = a.Args, nil
		case p.is("**"):
			p.next()
			a.Kwarg = param()
		case p.is("*"):
			p.next()
			star = true
			if !p.is(",") && !p.is(close) {
				a.Vararg = param()
			}
		default:
			arg := param()
			var dflt Expr
			if p.got("=") {
				dflt = u(p.expr())
			}
			if star {
				a.KwOnly = append(a.KwOnly, arg)
				a.KwDefaults = append(a.KwDefaults, dflt)
			} else {
				a.Args = append(a.Args, arg)
				if dflt != nil {
					a.Defaults = append(a.Defaults, dflt)
				} else if len(a.Defaults) > 0 {
					p.errorAt(arg.Pos(), "parameter without a default follows parameter with a default")
				}
			}
		}
		if !p.got(",") {
			break
		}
	}
	return a
}

// ---- match ----

func (p *parser) matchStmt() Stmt {
	start := p.tok.Pos
	p.next()
	m := &Match{}
	subj := p.starNamed()
	if p.is(",") {
		elts := []Expr{subj}
		for p.got(",") {
			if p.is(":") {
				break
			}
			elts = append(elts, p.starNamed())
		}
		subj = &Tuple{Span{subj.Pos(), p.prev}, unwrapAll(elts)}
	}
	m.Subject = u(subj)
	p.expect(":")
	if p.tok.Kind != NEWLINE {
		p.errorExpected("NEWLINE")
	}
	p.next()
	if p.tok.Kind != INDENT {
		p.errorExpected("an indented block")
	}
	p.next()
	end := p.prev
	for p.is("case") {
		p.next()
		c := &MatchCase{Pattern: p.pattern()}
		if p.got("if") {
			c.Guard = u(p.namedExpr())
		}
		c.Body = p.block()
		end = endOf(c.Body, p.prev)
		m.Cases = append(m.Cases, c)
		for p.tok.Kind == NEWLINE {
			p.next()
		}
	}
	if len(m.Cases) == 0 {
		p.errorExpected("'case'")
	}
	if p.tok.Kind == DEDENT {
		p.next()
	}
	m.Span = Span{start, end}
	return m
}

// pattern skips a case pattern, up to "if" or ":" at bracket depth zero,
// and returns its span. djsquash never interprets patterns.
func (p *parser) pattern() Pattern {
	start := p.tok.Pos
	depth := 0
	for p.tok.Kind != EOF && p.tok.Kind != NEWLINE {
		if depth == 0 && (p.is(":") || p.is("if")) {
			break
		}
		switch {
		case p.is("(") || p.is("[") || p.is("{"):
			depth++
		case p.is(")") || p.is("]") || p.is("}"):
			depth--
		}
		p.next()
	}
	if p.prev <= start {
		p.errorExpected("a pattern")
	}
	return Pattern{Span{start, p.prev}}
}

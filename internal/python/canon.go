package python

import "strings"

// canon prints the source of src[from:to] (an expression, or a statement's
// head) on one line with black's spacing, token by token: black decides
// whitespace per token from its neighbours, and working on tokens keeps
// every parenthesis the source has, which black keeps too. Roles a token's
// neighbours cannot tell (a slice's colon, a power operator that hugs, a
// unary operator before a power) come from the syntax tree, nodes. It
// reports false when a comment lies inside: black would keep the line
// break it ends, which one line cannot.
func (p *printer) canon(from, to int, nodes ...Node) (string, bool) {
	toks, clean := p.tokens(from, to)
	if !clean {
		return "", false
	}
	// A string spanning lines among other tokens: black's layout of
	// those (parentheses kept, lines re-indented) is not one line's.
	if len(toks) > 1 {
		for _, t := range toks {
			if t.Kind == STRING && strings.ContainsAny(string(p.src[t.Pos:t.End]), "\n\r") {
				return "", false
			}
		}
	}
	// black keeps backslash continuations where they are.
	for i := 1; i < len(toks); i++ {
		if strings.Contains(string(p.src[toks[i-1].End:toks[i].Pos]), `\`) {
			return "", false
		}
	}
	r := p.roles(nodes)
	var b strings.Builder
	var prev Token
	for i, t := range toks {
		text := string(p.src[t.Pos:t.End])
		switch t.Kind {
		case STRING:
			if isSingleLiteral(text) {
				text = blackString(text)
			}
		case NUMBER:
			text = blackNumber(text)
		case NAME:
			if n, ok := r.rename[t.Pos]; ok {
				text = n
			}
		}
		if i > 0 && p.space(prev, t, toks, i, r) {
			b.WriteByte(' ')
		}
		if r.parenOpen[t.Pos] {
			b.WriteByte('(')
		}
		b.WriteString(text)
		if r.parenClose[t.End] {
			b.WriteByte(')')
		}
		prev = t
	}
	return b.String(), true
}

// roles are what canon asks of the syntax tree.
type roles struct {
	sliceColon map[int]bool // ':' of a slice, value: the slice is complex
	unary      map[int]bool // an operator token that is unary
	parenOpen  map[int]bool // black adds "(" before this token (-(x**2))
	parenClose map[int]bool // and ")" after the token ending here
	rename     map[int]string
}

func (p *printer) roles(nodes []Node) roles {
	r := roles{sliceColon: map[int]bool{}, unary: map[int]bool{},
		parenOpen: map[int]bool{}, parenClose: map[int]bool{}, rename: map[int]string{}}
	for _, n := range nodes {
		Inspect(n, func(n Node) bool {
			switch x := n.(type) {
			case *Name:
				if nn, ok := p.rename[x]; ok {
					r.rename[x.Pos()] = nn
				}
			case *Subscript:
				p.sliceRoles(x, r)
			case *UnaryOp:
				r.unary[x.Pos()] = true
				if b, ok := x.Operand.(*BinOp); ok && b.Op == "**" && x.Op != "not" && !p.wrapped(b) {
					// black: -2 ** 8 -> -(2**8)
					r.parenOpen[b.Pos()] = true
					r.parenClose[b.End()] = true
				}
			case *Starred:
				r.unary[x.Pos()] = true
			}
			return true
		})
	}
	return r
}

// wrapped reports an expression with parentheses of its own around it.
func (p *printer) wrapped(e Expr) bool {
	i := e.Pos() - 1
	for i >= 0 && (p.src[i] == ' ' || p.src[i] == '\t' || p.src[i] == '\n' || p.src[i] == '\r' || p.src[i] == '\\') {
		i--
	}
	j := e.End()
	for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t' || p.src[j] == '\n' || p.src[j] == '\r' || p.src[j] == '\\') {
		j++
	}
	return i >= 0 && p.src[i] == '(' && j < len(p.src) && p.src[j] == ')'
}

// sliceRoles marks the colons of a subscript's slices, each with whether
// its element is complex: black spaces a complex slice's colons like a
// binary operator (ham[lower + offset : upper]) and a simple one's not.
func (p *printer) sliceRoles(x *Subscript, r roles) {
	elts := []Expr{x.Slice}
	if t, ok := x.Slice.(*Tuple); ok && (t.Pos() < 0 || p.src[t.Pos()] != '(') {
		elts = t.Elts
	}
	for _, el := range elts {
		sl, ok := el.(*Slice)
		if !ok {
			continue
		}
		complex := false
		for _, b := range []Expr{sl.Lower, sl.Upper, sl.Step} {
			if b != nil && isComplex(b) {
				complex = true
			}
		}
		// The colons are the ':' tokens of the slice outside its bounds.
		s := newScanner(p.src, sl.Pos(), sl.End(), true)
		for {
			t := s.next()
			if t.Kind == EOF {
				break
			}
			if t.Kind != OP || p.src[t.Pos] != ':' || t.End-t.Pos != 1 {
				continue
			}
			inBound := false
			for _, b := range []Expr{sl.Lower, sl.Upper, sl.Step} {
				if b != nil && t.Pos >= b.Pos() && t.Pos < b.End() {
					inBound = true
				}
			}
			if !inBound {
				r.sliceColon[t.Pos] = complex
			}
		}
	}
}

// isComplex is black's "non-trivial" slice bound: anything but names,
// numbers, strings and unary minus of those (TEST_DESCENDANTS).
func isComplex(e Expr) bool {
	c := false
	Inspect(e, func(n Node) bool {
		switch x := n.(type) {
		case *BinOp, *BoolOp, *Compare, *IfExp, *Lambda, *Starred, *NamedExpr, *Call, *Attribute, *Subscript, *Await:
			c = true
		case *UnaryOp:
			if x.Op == "not" {
				c = true
			}
		}
		return !c
	})
	return c
}

var keywords = map[string]bool{"and": true, "or": true, "not": true, "in": true, "is": true, "if": true, "else": true,
	"for": true, "async": true, "await": true, "lambda": true, "yield": true, "from": true, "import": true, "as": true,
	"return": true, "del": true, "assert": true, "raise": true, "while": true, "with": true, "except": true,
	"elif": true, "global": true, "nonlocal": true, "print": false, "case": false, "match": false}

// space reports whether black puts a space between prev and t.
func (p *printer) space(prev, t Token, toks []Token, i int, r roles) bool {
	pt := string(p.src[prev.Pos:prev.End])
	tt := string(p.src[t.Pos:t.End])
	opening := func(s string) bool { return s == "(" || s == "[" || s == "{" }
	closing := func(s string) bool { return s == ")" || s == "]" || s == "}" }
	prevKeyword := prev.Kind == NAME && keywords[pt]
	// After an opening bracket, before a closing one, before a comma.
	if prev.Kind == OP && opening(pt) {
		return false
	}
	if t.Kind == OP && (closing(tt) || tt == ",") {
		return false
	}
	if prev.Kind == OP && pt == "," {
		return true
	}
	// A slice's colon.
	if complex, ok := r.sliceColon[t.Pos]; ok {
		if !complex {
			return false
		}
		return !(prev.Kind == OP && (opening(pt) || pt == "," || pt == ":"))
	}
	if complex, ok := r.sliceColon[prev.Pos]; ok {
		if !complex {
			return false
		}
		return !(t.Kind == OP && (closing(tt) || tt == "," || tt == ":"))
	}
	if t.Kind == OP && tt == ":" {
		return false
	}
	if prev.Kind == OP && pt == ":" {
		return true
	}
	// Attribute access.
	if t.Kind == OP && tt == "." || prev.Kind == OP && pt == "." {
		return false
	}
	// Keyword arguments and defaults: f(a=1), lambda x=1: x.
	if t.Kind == OP && tt == "=" || prev.Kind == OP && pt == "=" {
		return false
	}
	// Unary operators (and star-args) hug their operand.
	if prev.Kind == OP && p.isUnary(prev, toks, i-1, r) {
		return false
	}
	// Calls and subscripts: no space before their bracket.
	if t.Kind == OP && (tt == "(" || tt == "[") {
		if prev.Kind == NAME && !prevKeyword || prev.Kind == STRING || prev.Kind == NUMBER || prev.Kind == OP && closing(pt) {
			return false
		}
		return true
	}
	if prev.Kind == OP && pt == "**" && p.hugs(toks, i-1) || t.Kind == OP && tt == "**" && p.hugs(toks, i) {
		return false
	}
	return true
}

// isUnary reports an operator at toks[k] used as a prefix: at the start,
// after another operator or opening bracket, or after a keyword.
func (p *printer) isUnary(tok Token, toks []Token, k int, r roles) bool {
	s := string(p.src[tok.Pos:tok.End])
	if s != "-" && s != "+" && s != "~" && s != "*" && s != "**" {
		return false
	}
	if r.unary[tok.Pos] {
		return true
	}
	if k == 0 {
		return true
	}
	prev := toks[k-1]
	ps := string(p.src[prev.Pos:prev.End])
	switch prev.Kind {
	case OP:
		return ps != ")" && ps != "]" && ps != "}"
	case NAME:
		return keywords[ps]
	}
	return false
}

// hugs is black's hug_power_op for the '**' at toks[i]: both operands
// simple (a name or number, a dotted lookup, with or without a unary sign).
func (p *printer) hugs(toks []Token, i int) bool {
	if i == 0 || i+1 >= len(toks) {
		return false
	}
	text := func(k int) string { return string(p.src[toks[k].Pos:toks[k].End]) }
	lookup := func(k, step int) bool {
		for 0 <= k && k < len(toks) {
			t := toks[k]
			s := text(k)
			if step < 0 && (s == ")" || s == "]") || step > 0 && (s == "(" || s == "[") {
				return false
			}
			if !(t.Kind == NAME || t.Kind == OP && s == ".") || s == "for" {
				return true
			}
			k += step
		}
		return true
	}
	operand := func(k, step int) bool {
		t := toks[k]
		if t.Kind == NAME || t.Kind == NUMBER {
			return lookup(k, step)
		}
		if s := text(k); t.Kind == OP && (s == "-" || s == "+" || s == "~") && k+1 < len(toks) && (toks[k+1].Kind == NAME || toks[k+1].Kind == NUMBER) {
			return lookup(k+1, 1)
		}
		return false
	}
	return text(i-1) != "lambda" && operand(i-1, -1) && operand(i+1, 1)
}

// delimiters counts the delimiters black could split e at, outside its
// brackets: dots are method calls after a closing bracket (DOT_PRIORITY),
// others every other kind (operators, comparisons, and/or, ternaries,
// commas, implicit string concatenation).
func (p *printer) delimiters(e Expr) (others, dots int) {
	toks, _ := p.tokens(e.Pos(), e.End())
	r := p.roles([]Node{e})
	depth := 0
	for i, t := range toks {
		text := string(p.src[t.Pos:t.End])
		switch t.Kind {
		case OP:
			switch text {
			case "(", "[", "{":
				depth++
				continue
			case ")", "]", "}":
				depth--
				continue
			}
			if depth > 0 {
				continue
			}
			switch text {
			case ".":
				if i > 0 && toks[i-1].Kind == OP && strings.ContainsAny(string(p.src[toks[i-1].Pos:toks[i-1].End]), ")]}") {
					dots++
				}
			case ",", "+", "-", "*", "/", "//", "%", "@", "<<", ">>", "&", "|", "^", "**", "<", ">", "==", "!=", "<=", ">=", ":=":
				if !p.isUnary(t, toks, i, r) {
					others++
				}
			}
		case NAME:
			if depth == 0 {
				switch text {
				case "and", "or", "if", "else", "in", "is", "for", "not":
					others++
				}
			}
		case STRING:
			if depth == 0 && i > 0 && toks[i-1].Kind == STRING {
				others++
			}
		}
	}
	return others, dots
}

// tokens are the tokens of src[from:to] without line structure; clean is
// false when a comment, an error token or a diagnostic lies between.
func (p *printer) tokens(from, to int) (toks []Token, clean bool) {
	s := newScanner(p.src, from, to, true)
	clean = true
	for {
		t := s.next()
		if t.Kind == EOF {
			break
		}
		if t.Kind == NEWLINE || t.Kind == INDENT || t.Kind == DEDENT {
			continue
		}
		if t.Kind == ERROR {
			clean = false
			continue
		}
		toks = append(toks, t)
	}
	return toks, clean && len(s.comments) == 0 && len(s.diags) == 0
}

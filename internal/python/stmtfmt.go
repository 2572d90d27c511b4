package python

import (
	"sort"
	"strings"
)

// Statement printing in black's style, for code djsquash copies into the
// files it writes (RunPython functions, their helpers and constants):
// Django runs black on what makemigrations writes, so a squash's copied
// code must come out as black would leave it, whatever style it was
// written in.
//
// The printer covers what migration code is made of: every simple and
// compound statement, comments on their own lines and after statements,
// blank lines by black's EmptyLineTracker, docstrings. Where black would
// do something it does not model (a comment inside an expression, a line
// that only delimiter splitting or new parentheses would shorten, a
// match statement), Stmt reports false and the caller keeps the
// statement as written. It never guesses: what it prints is what black
// prints, which the tests check against black itself.

// fline is one logical line: a statement's first line (or a clause
// header, a decorator, a comment), laid out, with what black's
// EmptyLineTracker asks of it.
type fline struct {
	text                                                  string // laid out, indented, without the final newline
	depth                                                 int
	before                                                int // blank lines before it in the source
	comment, decorator, def, class, imp, opens, docstring bool
	first                                                 string // its first token
	colonEnd                                              bool   // ends with ':'
}

type stmtPrinter struct {
	p      *printer
	f      *File
	indent int // the column of depth 0
	lines  []fline
	ok     bool
	names  map[Stmt]string
	// comments of f, sorted, and which were printed
	comments []Comment
	used     map[int]bool
	// firstInBlock marks the statements that open a suite (docstrings).
	firstInBlock map[Stmt]bool
	module       bool // printing a whole file
}

// Stmt lays out s, a statement of f, at column indent in black's style,
// comments inside it and blank lines between its lines included. It
// reports false when s holds something it cannot lay out as black would.
func (pr Printer) Stmt(f *File, s Stmt, indent int) (string, bool) {
	sp := pr.newStmtPrinter(f, indent)
	start := stmtStart(s)
	sp.stmt(s, 0, sp.countBlank(lineStart(f.Src, start)))
	if !sp.ok {
		return "", false
	}
	// Every comment inside the statement's span must have been placed.
	for _, c := range sp.comments {
		if c.Pos >= start && c.Pos < s.End() && !sp.used[c.Pos] && !sp.p.placed[c.Pos] {
			return "", false
		}
	}
	return sp.render(), true
}

// newStmtPrinter prints statements of f at column indent, with the
// printer's canon atoms (copied code need not be black's).
func (pr Printer) newStmtPrinter(f *File, indent int) *stmtPrinter {
	sp := &stmtPrinter{p: &printer{src: f.Src, rename: pr.Rename, placed: map[int]bool{}, canonAtoms: true}, f: f, indent: indent, ok: true,
		names: pr.DefNames, used: map[int]bool{}, firstInBlock: map[Stmt]bool{}}
	sp.comments = append([]Comment(nil), f.Comments...)
	sort.Slice(sp.comments, func(i, j int) bool { return sp.comments[i].Pos < sp.comments[j].Pos })
	return sp
}

// StmtStart is where a statement's text starts: its first decorator.
func StmtStart(s Stmt) int { return stmtStart(s) }

// stmtStart is where a statement's text starts: its first decorator.
func stmtStart(s Stmt) int {
	switch x := s.(type) {
	case *FunctionDef:
		if len(x.Decorators) > 0 {
			return decoratorStart(x.Decorators[0])
		}
	case *ClassDef:
		if len(x.Decorators) > 0 {
			return decoratorStart(x.Decorators[0])
		}
	}
	return s.Pos()
}

// decoratorStart is the '@' before a decorator's expression.
func decoratorStart(e Expr) int { return e.Pos() - 1 }

func (sp *stmtPrinter) fail() { sp.ok = false }

// countBlank counts the blank lines just above the line starting at pos
// (stopping at a non-blank line).
func (sp *stmtPrinter) countBlank(pos int) int {
	src := sp.f.Src
	n := 0
	for pos > 0 {
		end := pos - 1 // the '\n' ending the line above
		st := lineStart(src, end)
		if len(strings.TrimSpace(string(src[st:end]))) != 0 {
			break
		}
		n++
		pos = st
	}
	return n
}

func (sp *stmtPrinter) pad(depth int) string { return strings.Repeat(" ", sp.indent+4*depth) }

// emit adds a logical line.
func (sp *stmtPrinter) emit(l fline) { sp.lines = append(sp.lines, l) }

// trailingComment is the comment that follows position pos on its line
// (only spaces, or a semicolon, between).
func (sp *stmtPrinter) trailingComment(pos int) (Comment, bool) {
	src := sp.f.Src
	i := pos
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == ';') {
		i++
	}
	if i < len(src) && src[i] == '#' {
		for _, c := range sp.comments {
			if c.Pos == i {
				return c, true
			}
		}
	}
	return Comment{}, false
}

// trailing is that comment as black writes it after a line ("  # ..."),
// or "".
func (sp *stmtPrinter) trailing(pos int) string {
	if c, ok := sp.trailingComment(pos); ok {
		return "  " + normalizeComment(string(sp.f.Src[c.Pos:c.End]))
	}
	return ""
}

// markTrailing records the comment after pos as placed.
func (sp *stmtPrinter) markTrailing(pos int) {
	if c, ok := sp.trailingComment(pos); ok {
		sp.used[c.Pos] = true
	}
}

// NormalizeComment is a comment as black writes it.
func NormalizeComment(c string) string { return normalizeComment(c) }

// normalizeComment is black's: a space after '#' (but for "#!", "#:",
// type: comments keep theirs), trailing whitespace gone.
func normalizeComment(c string) string {
	c = strings.TrimRight(c, " \t\r")
	body := c[1:]
	if body != "" && !strings.ContainsAny(body[:1], " !:#'") {
		body = " " + body
	}
	return "#" + body
}

// leading emits the standalone comments on the lines between from and
// the line holding pos (the next statement or clause), each at the depth
// its column says: deeper than depth means inside the block that ended
// (tails lists the source columns and depths of the blocks that end there).
func (sp *stmtPrinter) leading(from, pos, depth int, tails []tail) (before int) {
	src := sp.f.Src
	end := lineStart(src, pos)
	blank := 0
	for i := from; i < end; {
		j := i
		for j < end && src[j] != '\n' {
			j++
		}
		line := strings.TrimSpace(string(src[i:j]))
		switch {
		case line == "":
			blank++
		case strings.HasPrefix(line, "#"):
			col := 0
			for k := i; k < j && (src[k] == ' ' || src[k] == '\t'); k++ {
				col++
			}
			d := depth
			for _, t := range tails {
				if col >= t.col && t.depth > d {
					d = t.depth
				}
			}
			cpos := i + col
			sp.used[cpos] = true
			sp.emit(fline{text: sp.pad(d) + normalizeComment(string(src[cpos:j])), depth: d, before: blank, comment: true, first: "#"})
			blank = 0
		default:
			// Code between: a line continuation or a semicolon's sibling;
			// not a layout this printer knows.
			sp.fail()
		}
		i = j + 1
	}
	return blank
}

// tail is a block that ends where the next statement starts.
type tail struct{ col, depth int }

// lineEnd is the position after the newline ending the line holding pos.
func lineEnd(src []byte, pos int) int {
	for pos < len(src) && src[pos] != '\n' {
		pos++
	}
	if pos < len(src) {
		pos++
	}
	return pos
}

// block lays out a suite at depth; cursor is where the text before its
// first statement starts (the line after the header). It returns the
// position after the last line it took and the tails of its last
// statement.
func (sp *stmtPrinter) block(body []Stmt, depth, cursor int, sameLine bool) (int, []tail) {
	var tails []tail
	if len(body) > 0 && !(sp.module && depth == 0) {
		sp.firstInBlock[body[0]] = true
	}
	for i, s := range body {
		start := stmtStart(s)
		before := 0
		if !(i == 0 && sameLine) {
			before = sp.leading(cursor, start, depth, tails)
		}
		if i > 0 && sameLine || i > 0 && lineStart(sp.f.Src, start) < cursor {
			// a; b on one line: black puts them on lines of their own.
			before = 0
		}
		tails = sp.stmt(s, depth, before)
		tails = append([]tail{{col: sp.col(start), depth: depth}}, tails...)
		cursor = lineEnd(sp.f.Src, s.End())
	}
	return cursor, tails
}

func (sp *stmtPrinter) col(pos int) int { return pos - lineStart(sp.f.Src, pos) }

// header lays out a compound statement's header line: keyword, the
// expression (nil for else/try/finally), and the colon. It returns the
// position after the colon.
func (sp *stmtPrinter) header(kw string, e Expr, at, depth, before int, first string) int {
	colon := sp.colonAfter(at, e)
	if colon < 0 {
		sp.fail()
		return at
	}
	prefix := kw
	text := ""
	if e != nil {
		if kw != "" {
			prefix += " "
		}
		text = sp.layout(prefix, e, depth, ":"+sp.trailing(colon+1), true)
	} else {
		text = sp.pad(depth) + kw + ":" + sp.trailing(colon+1)
	}
	sp.markTrailing(colon + 1)
	sp.emit(fline{text: text, depth: depth, before: before, opens: true, colonEnd: true, first: first})
	return colon + 1
}

// colonAfter finds the ':' ending a header whose last expression is e
// (or which starts at at when e is nil): the first ':' token after it.
func (sp *stmtPrinter) colonAfter(at int, e Expr) int {
	from := at
	if e != nil {
		from = e.End()
	}
	s := newScanner(sp.f.Src, from, len(sp.f.Src), true)
	for {
		t := s.next()
		if t.Kind == EOF {
			return -1
		}
		if t.Kind == OP && sp.f.Src[t.Pos] == ':' && t.End-t.Pos == 1 {
			for _, c := range s.comments {
				if c.Pos < t.Pos {
					return -1 // a comment inside the header
				}
			}
			return t.Pos
		}
	}
}

// stmt lays out one statement at depth, before blank lines above it.
func (sp *stmtPrinter) stmt(s Stmt, depth, before int) []tail {
	if !sp.ok {
		return nil
	}
	src := sp.f.Src
	simple := func(text string, first string, imp bool) {
		sp.emit(fline{text: text, depth: depth, before: before, first: first, imp: imp})
	}
	tr := func() string { return sp.trailing(s.End()) }
	mark := func() { sp.markTrailing(s.End()) }
	switch x := s.(type) {
	case *ExprStmt:
		if doc := sp.docstring(x, depth); doc != "" {
			sp.emit(fline{text: doc + tr(), depth: depth, before: before, docstring: isTripleQuoted(doc), first: "string"})
			mark()
			return nil
		}
		simple(sp.layout("", x.Value, depth, tr(), false), firstWord(src, x.Pos()), false)
		mark()
	case *Assign:
		var head strings.Builder
		for _, t := range x.Targets {
			txt, ok := sp.flat(t)
			if !ok {
				return nil
			}
			head.WriteString(txt + " = ")
		}
		simple(sp.layout(head.String(), x.Value, depth, tr(), true), "", false)
		mark()
	case *AugAssign:
		t, ok := sp.flat(x.Target)
		if !ok {
			return nil
		}
		simple(sp.layout(t+" "+x.Op+" ", x.Value, depth, tr(), true), "", false)
		mark()
	case *AnnAssign:
		t, ok1 := sp.flat(x.Target)
		a, ok2 := sp.flat(x.Annotation)
		if !ok1 || !ok2 {
			return nil
		}
		if x.Value == nil {
			simple(sp.pad(depth)+t+": "+a+tr(), "", false)
		} else {
			simple(sp.layout(t+": "+a+" = ", x.Value, depth, tr(), true), "", false)
		}
		mark()
	case *Return:
		if x.Value == nil {
			simple(sp.pad(depth)+"return"+tr(), "return", false)
		} else {
			simple(sp.layout("return ", x.Value, depth, tr(), true), "return", false)
		}
		mark()
	case *Pass, *Break, *Continue:
		simple(sp.pad(depth)+strings.TrimSpace(string(src[x.Pos():x.End()]))+tr(), "", false)
		mark()
	case *Delete, *Global, *Nonlocal, *Import:
		txt, ok := sp.p.canon(x.Pos(), x.End(), x)
		if !ok || len(txt)+sp.indent+4*depth > LineLength {
			sp.fail()
			return nil
		}
		_, isImp := x.(*Import)
		simple(sp.pad(depth)+txt+tr(), firstWord(src, x.Pos()), isImp)
		mark()
	case *ImportFrom:
		simple(sp.importFrom(x, depth, tr()), "from", true)
		mark()
	case *Raise:
		switch {
		case x.Exc == nil:
			simple(sp.pad(depth)+"raise"+tr(), "raise", false)
		case x.Cause == nil:
			simple(sp.layout("raise ", x.Exc, depth, tr(), false), "raise", false)
		default:
			exc, ok := sp.flat(x.Exc)
			if !ok {
				return nil
			}
			simple(sp.layout("raise "+exc+" from ", x.Cause, depth, tr(), false), "raise", false)
		}
		mark()
	case *Assert:
		if x.Msg == nil {
			simple(sp.layout("assert ", x.Test, depth, tr(), true), "assert", false)
		} else {
			t, ok := sp.flat(x.Test)
			if !ok {
				return nil
			}
			simple(sp.layout("assert "+t+", ", x.Msg, depth, tr(), true), "assert", false)
		}
		mark()
	case *If:
		return sp.ifStmt(x, "if", depth, before)
	case *While:
		at := sp.header("while", x.Test, x.Pos(), depth, before, "while")
		end, tails := sp.block(x.Body, depth+1, lineEnd(src, at), sp.sameLine(at, x.Body))
		return sp.orElse(x.OrElse, end, tails, depth)
	case *For:
		kw := "for"
		if x.IsAsync {
			kw = "async for"
		}
		target, ok := sp.flat(x.Target)
		if !ok {
			return nil
		}
		at := sp.header(kw+" "+target+" in", x.Iter, x.Pos(), depth, before, kw)
		end, tails := sp.block(x.Body, depth+1, lineEnd(src, at), sp.sameLine(at, x.Body))
		return sp.orElse(x.OrElse, end, tails, depth)
	case *With:
		return sp.withStmt(x, depth, before)
	case *Try:
		return sp.tryStmt(x, depth, before)
	case *FunctionDef:
		return sp.defStmt(x, depth, before)
	case *ClassDef:
		return sp.classStmt(x, depth, before)
	default:
		sp.fail()
	}
	return nil
}

func firstWord(src []byte, pos int) string {
	end := pos
	for end < len(src) && (src[end] >= 'a' && src[end] <= 'z' || src[end] >= 'A' && src[end] <= 'Z' || src[end] == '_') {
		end++
	}
	return string(src[pos:end])
}

// sameLine reports a suite written on its header's line (if x: y).
func (sp *stmtPrinter) sameLine(colonEnd int, body []Stmt) bool {
	return len(body) > 0 && lineStart(sp.f.Src, body[0].Pos()) < lineEnd(sp.f.Src, colonEnd) && lineStart(sp.f.Src, body[0].Pos()) <= colonEnd
}

func (sp *stmtPrinter) ifStmt(x *If, kw string, depth, before int) []tail {
	src := sp.f.Src
	at := sp.header(kw, x.Test, x.Pos(), depth, before, kw)
	end, tails := sp.block(x.Body, depth+1, lineEnd(src, at), sp.sameLine(at, x.Body))
	if len(x.OrElse) == 1 {
		if e, ok := x.OrElse[0].(*If); ok && strings.HasPrefix(string(src[e.Pos():]), "elif") {
			b := sp.leading(end, e.Pos(), depth, tails)
			return sp.ifStmt(e, "elif", depth, b)
		}
	}
	return sp.orElse(x.OrElse, end, tails, depth)
}

// orElse lays out an else: clause, if any.
func (sp *stmtPrinter) orElse(orElse []Stmt, end int, tails []tail, depth int) []tail {
	if len(orElse) == 0 {
		return tails
	}
	src := sp.f.Src
	kwPos := sp.keywordBefore("else", end, orElse[0].Pos())
	if kwPos < 0 {
		sp.fail()
		return nil
	}
	b := sp.leading(end, kwPos, depth, tails)
	at := sp.header("else", nil, kwPos+4, depth, b, "else")
	_, t := sp.block(orElse, depth+1, lineEnd(src, at), sp.sameLine(at, orElse))
	return t
}

// keywordBefore finds the clause keyword kw between from and to.
func (sp *stmtPrinter) keywordBefore(kw string, from, to int) int {
	s := newScanner(sp.f.Src, from, to, true)
	for {
		t := s.next()
		if t.Kind == EOF {
			return -1
		}
		if t.Kind == NAME && string(sp.f.Src[t.Pos:t.End]) == kw {
			return t.Pos
		}
	}
}

func (sp *stmtPrinter) withStmt(x *With, depth, before int) []tail {
	src := sp.f.Src
	kw := "with"
	if x.IsAsync {
		kw = "async with"
	}
	var items []string
	for _, it := range x.Items {
		c, ok := sp.flat(it.Context)
		if !ok {
			return nil
		}
		if it.Vars != nil {
			v, ok := sp.flat(it.Vars)
			if !ok {
				return nil
			}
			c += " as " + v
		}
		items = append(items, c)
	}
	last := x.Items[len(x.Items)-1]
	lastExpr := last.Context
	if last.Vars != nil {
		lastExpr = last.Vars
	}
	colon := sp.colonAfter(x.Pos(), lastExpr)
	if colon < 0 {
		sp.fail()
		return nil
	}
	text := sp.pad(depth) + kw + " " + strings.Join(items, ", ") + ":" + sp.trailing(colon+1)
	if len(text) > LineLength || strings.Contains(string(src[x.Pos():colon]), "\n") {
		sp.fail() // black's parenthesised context managers
		return nil
	}
	sp.markTrailing(colon + 1)
	sp.emit(fline{text: text, depth: depth, before: before, opens: true, colonEnd: true, first: "with"})
	_, t := sp.block(x.Body, depth+1, lineEnd(src, colon+1), sp.sameLine(colon+1, x.Body))
	return t
}

func (sp *stmtPrinter) tryStmt(x *Try, depth, before int) []tail {
	src := sp.f.Src
	at := sp.header("try", nil, x.Pos()+3, depth, before, "try")
	end, tails := sp.block(x.Body, depth+1, lineEnd(src, at), sp.sameLine(at, x.Body))
	for _, h := range x.Handlers {
		b := sp.leading(end, h.Pos(), depth, tails)
		kw := "except"
		if x.Star {
			kw = "except*"
		}
		var colon int
		if h.Type == nil {
			colon = sp.header(kw, nil, h.Pos()+len(kw), depth, b, "except")
		} else {
			t, ok := sp.flat(h.Type)
			if !ok {
				return nil
			}
			if h.Name != "" {
				t += " as " + h.Name
			}
			c := sp.colonAfter(h.Pos()+len(kw), nil)
			if c < 0 {
				sp.fail()
				return nil
			}
			text := sp.pad(depth) + kw + " " + t + ":" + sp.trailing(c+1)
			if len(text) > LineLength {
				sp.fail()
				return nil
			}
			sp.markTrailing(c + 1)
			sp.emit(fline{text: text, depth: depth, before: b, opens: true, colonEnd: true, first: "except"})
			colon = c + 1
		}
		end, tails = sp.block(h.Body, depth+1, lineEnd(src, colon), sp.sameLine(colon, h.Body))
	}
	if len(x.OrElse) > 0 {
		tails = sp.orElse(x.OrElse, end, tails, depth)
		end = lineEnd(src, x.OrElse[len(x.OrElse)-1].End())
	}
	if len(x.Finalbody) > 0 {
		kwPos := sp.keywordBefore("finally", end, x.Finalbody[0].Pos())
		if kwPos < 0 {
			sp.fail()
			return nil
		}
		b := sp.leading(end, kwPos, depth, tails)
		at := sp.header("finally", nil, kwPos+7, depth, b, "finally")
		_, tails = sp.block(x.Finalbody, depth+1, lineEnd(src, at), sp.sameLine(at, x.Finalbody))
	}
	return tails
}

// defHead emits a definition's decorators and returns its name (as
// renamed) and the blank lines before it; ok is false for what the
// printer does not lay out (type parameters).
func (sp *stmtPrinter) defHead(s Stmt, decos []Expr, typeParams []*TypeParam, name string, depth, before int) (string, int, bool) {
	if len(decos) > 0 {
		before = sp.decoratorsThen(decos, s.Pos(), depth, before)
	}
	if len(typeParams) > 0 {
		sp.fail()
		return "", 0, false
	}
	if n, ok := sp.names[s]; ok {
		name = n
	}
	return name, before, sp.ok
}

func (sp *stmtPrinter) defStmt(x *FunctionDef, depth, before int) []tail {
	src := sp.f.Src
	name, before, ok := sp.defHead(x, x.Decorators, x.TypeParams, x.Name, depth, before)
	if !ok {
		return nil
	}
	kw := "def "
	if x.IsAsync {
		kw = "async def "
	}
	// The parameters: the text between the parentheses, as a call's
	// arguments are printed; a default after an annotation gets spaces.
	open := x.NamePos + len(x.Name)
	for open < len(src) && src[open] != '(' {
		open++
	}
	closeAt := matchingParen(src, open)
	if closeAt < 0 {
		sp.fail()
		return nil
	}
	params, magic, ok := sp.params(x.Args, open, closeAt)
	if !ok {
		sp.fail()
		return nil
	}
	tailText := ")"
	if x.Returns != nil {
		r, ok := sp.flat(x.Returns)
		if !ok {
			return nil
		}
		tailText += " -> " + r
	}
	colon := sp.colonAfter(closeAt+1, x.Returns) // after the annotation, if any
	if colon < 0 {
		sp.fail()
		return nil
	}
	n := pnode{head: kw + name + "(", items: params, tail: tailText, magic: magic, oneComma: len(params) == 1}
	tr := sp.trailing(colon + 1)
	if len(params) == 0 {
		n = pnode{atom: kw + name + "()" + strings.TrimPrefix(tailText, ")")}
	}
	text := n.layout(sp.indent+4*depth, ":"+tr)
	if !sp.fits(text) {
		sp.fail()
		return nil
	}
	sp.markTrailing(colon + 1)
	sp.emit(fline{text: text, depth: depth, before: before, def: true, opens: true, colonEnd: true, first: "def"})
	_, tails := sp.block(x.Body, depth+1, lineEnd(src, colon+1), sp.sameLine(colon+1, x.Body))
	return tails
}

// decoratorsThen emits decorators and returns the blank lines between the
// last one and the definition at pos.
func (sp *stmtPrinter) decoratorsThen(decos []Expr, pos, depth, before int) int {
	for i, d := range decos {
		if i > 0 {
			before = sp.leading(lineEnd(sp.f.Src, decos[i-1].End()), decoratorStart(d), depth, nil)
		}
		text := sp.layout("@", d, depth, sp.trailing(d.End()), false)
		if !sp.ok {
			return 0
		}
		sp.emit(fline{text: text, depth: depth, before: before, decorator: true, first: "@"})
		sp.markTrailing(d.End())
	}
	return sp.leading(lineEnd(sp.f.Src, decos[len(decos)-1].End()), pos, depth, nil)
}

func (sp *stmtPrinter) classStmt(x *ClassDef, depth, before int) []tail {
	src := sp.f.Src
	name, before, ok := sp.defHead(x, x.Decorators, x.TypeParams, x.Name, depth, before)
	if !ok {
		return nil
	}
	var last Expr
	var args []string
	for _, b := range x.Bases {
		t, ok := sp.flat(b)
		if !ok {
			return nil
		}
		args = append(args, t)
		last = b
	}
	for _, k := range x.Keywords {
		t, ok := sp.flat(k.Value)
		if !ok {
			return nil
		}
		if k.Arg == "" {
			args = append(args, "**"+t)
		} else {
			args = append(args, k.Arg+"="+t)
		}
		last = k.Value
	}
	at := x.NamePos + len(x.Name)
	colon := sp.colonAfter(at, last)
	if colon < 0 {
		sp.fail()
		return nil
	}
	head := "class " + name
	if len(args) > 0 {
		head += "(" + strings.Join(args, ", ") + ")"
	}
	text := sp.pad(depth) + head + ":" + sp.trailing(colon+1)
	if len(text) > LineLength {
		sp.fail()
		return nil
	}
	sp.markTrailing(colon + 1)
	sp.emit(fline{text: text, depth: depth, before: before, class: true, opens: true, colonEnd: true, first: "class"})
	_, tails := sp.block(x.Body, depth+1, lineEnd(src, colon+1), sp.sameLine(colon+1, x.Body))
	return tails
}

func matchingParen(src []byte, open int) int {
	s := newScanner(src, open, len(src), true)
	depth := 0
	for {
		t := s.next()
		if t.Kind == EOF {
			return -1
		}
		if t.Kind != OP {
			continue
		}
		switch src[t.Pos] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return t.Pos
			}
		}
	}
}

// params prints a parameter list's items; magic reports a trailing comma.
func (sp *stmtPrinter) params(a *Arguments, open, closeAt int) ([]pnode, bool, bool) {
	src := sp.f.Src
	// Split the source between the parentheses at top-level commas.
	s := newScanner(src, open+1, closeAt, true)
	var spans [][2]int
	start, depth, last := open+1, 0, -1
	for {
		t := s.next()
		if t.Kind == EOF {
			break
		}
		if t.Kind == OP {
			switch src[t.Pos] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			case ',':
				if depth == 0 {
					spans = append(spans, [2]int{start, t.Pos})
					start = t.End
					last = t.End
					continue
				}
			}
		}
		last = -1
	}
	if len(s.comments) > 0 {
		return nil, false, false
	}
	magic := last >= 0
	if strings.TrimSpace(string(src[start:closeAt])) != "" {
		spans = append(spans, [2]int{start, closeAt})
	}
	annotated := map[int]*Arg{}
	for _, arg := range allArgs(a) {
		if arg.Annotation != nil {
			annotated[arg.Pos()] = arg
		}
	}
	var out []pnode
	for _, sp2 := range spans {
		txt, ok := sp.p.canon(sp2[0], sp2[1], sp.nodesIn(a, sp2[0], sp2[1])...)
		if !ok {
			return nil, false, false
		}
		// name: ann = default: the '=' gets spaces.
		for pos, arg := range annotated {
			if pos >= sp2[0] && pos < sp2[1] && strings.Contains(txt, "=") {
				ann, _ := sp.p.canon(arg.Annotation.Pos(), arg.Annotation.End(), arg.Annotation)
				name := strings.TrimSpace(txt[:strings.Index(txt, ":")])
				def := strings.TrimSpace(txt[strings.Index(txt, ":")+1:])
				if strings.HasPrefix(def, ann+"=") {
					txt = name + ": " + ann + " = " + strings.TrimPrefix(def, ann+"=")
				}
			}
		}
		out = append(out, pnode{atom: txt})
	}
	return out, magic, true
}

// nodesIn are the expressions of a parameter list inside from..to, for
// canon's roles.
func (sp *stmtPrinter) nodesIn(a *Arguments, from, to int) []Node {
	var out []Node
	add := func(e Expr) {
		if e != nil && e.Pos() >= from && e.End() <= to {
			out = append(out, e)
		}
	}
	for _, d := range a.Defaults {
		add(d)
	}
	for _, d := range a.KwDefaults {
		add(d)
	}
	for _, arg := range allArgs(a) {
		add(arg.Annotation)
	}
	return out
}

// allArgs are a parameter list's parameters, *args and **kwargs included.
func allArgs(a *Arguments) []*Arg {
	all := append(append(append([]*Arg{}, a.PosOnly...), a.Args...), a.KwOnly...)
	for _, x := range []*Arg{a.Vararg, a.Kwarg} {
		if x != nil {
			all = append(all, x)
		}
	}
	return all
}

func (sp *stmtPrinter) importFrom(x *ImportFrom, depth int, tr string) string {
	src := sp.f.Src
	mod := strings.Repeat(".", x.Level) + x.Module
	var names []pnode
	for _, n := range x.Names {
		t := n.Name
		if n.AsName != "" {
			t += " as " + n.AsName
		}
		names = append(names, pnode{atom: t})
	}
	text := string(src[x.Pos():x.End()])
	if strings.Contains(text, "#") {
		sp.fail()
		return ""
	}
	magic := false
	if i := strings.LastIndex(text, ")"); i > 0 {
		magic = strings.HasSuffix(strings.TrimSpace(text[:i]), ",")
	}
	head := "from " + mod + " import "
	if len(names) == 1 && names[0].atom == "*" {
		return sp.pad(depth) + head + "*" + tr
	}
	n := pnode{prefix: head, head: "(", items: names, tail: ")", literal: true, magic: magic, bare: true}
	return n.layout(sp.indent+4*depth, tr)
}

// flat prints e on one line, failing the statement when it cannot.
// Parentheses the source put around e itself are not in e's span: where
// black makes them invisible (a for target, an assert's test) they go.
func (sp *stmtPrinter) flat(e Expr) (string, bool) {
	text, ok := sp.p.canon(e.Pos(), e.End(), e)
	if !ok {
		sp.fail()
	}
	return text, ok
}

// fits reports a layout whose every line black would leave as it is.
func (sp *stmtPrinter) fits(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		if len(l) > LineLength {
			return false
		}
	}
	return true
}

// layout lays out prefix + e (+ trailer) at depth as black's right-hand
// split would, for the child positions where black makes parentheses
// invisible (invisible: the source's redundant parentheses around e are
// dropped; an unparenthesised tuple is wrapped in them when it splits).
func (sp *stmtPrinter) layout(prefix string, e Expr, depth int, trailer string, invisible bool) string {
	indent := sp.indent + 4*depth
	var n pnode
	switch x := e.(type) {
	case *Tuple:
		if x.Pos() >= 0 && sp.f.Src[x.Pos()] != '(' {
			// A bare tuple: black wraps it in parentheses; a one-tuple
			// keeps them visible.
			items := make([]pnode, len(x.Elts))
			for i, el := range x.Elts {
				items[i] = sp.nodeOf(el)
			}
			n = pnode{head: "(", items: items, tail: ")", literal: true, magic: len(x.Elts) > 1 && sp.p.magicComma(x.Elts[len(x.Elts)-1].End(), x.End()+1)}
			if len(x.Elts) > 1 && !n.magic {
				n.bare = true
			}
			if !invisible {
				sp.fail()
				return ""
			}
		} else {
			n = sp.nodeOf(e)
		}
	default:
		n = sp.nodeOf(e)
	}
	if !sp.ok {
		return ""
	}
	n.prefix = prefix + n.prefix
	text := n.layout(indent, trailer)
	if !sp.fits(text) || n.hasMultiline() || n.bad() {
		sp.fail()
		return ""
	}
	if invisible && strings.Contains(text, "\n") && !n.bare {
		// Split: black splits at the last bracket only when no delimiter
		// at the top (an operator, a second method call) makes it wrap
		// the expression in parentheses and split at the delimiters.
		if others, dots := sp.p.delimiters(e); others > 0 || dots > 1 {
			sp.fail()
			return ""
		}
	}
	if strings.Contains(text, "\n") && n.head == "" {
		sp.fail()
		return ""
	}
	return text
}

// nodeOf is the printer's pnode of e.
func (sp *stmtPrinter) nodeOf(e Expr) pnode { return sp.p.node(e) }

// docstring is a docstring statement (a string first in a block, as
// black 23 takes it) printed as black's docstring handling does: prefix
// and quotes normalised, indentation fixed (PEP 257), a one-line one
// stripped, padding where it starts or ends with its quote; "" when x is
// none or holds a backslash-newline.
func (sp *stmtPrinter) docstring(x *ExprStmt, depth int) string {
	c, ok := x.Value.(*Constant)
	if !ok || c.Kind != Str || !sp.firstInBlock[x] {
		return ""
	}
	lit := string(sp.f.Src[c.Pos():c.End()])
	if !isSingleLiteral(lit) || strings.Contains(lit, "\\\n") {
		return ""
	}
	doc := blackStringQuotes(blackStringPrefix(lit))
	i := 0
	for i < len(doc) && doc[i] != '"' && doc[i] != '\'' {
		i++
	}
	prefix := doc[:i]
	doc = doc[i:]
	q := doc[0]
	ql := 1
	if len(doc) > 1 && doc[1] == q {
		ql = 3
	}
	if len(doc) < 2*ql {
		return ""
	}
	body := doc[ql : len(doc)-ql]
	startedEmpty := body == ""
	indent := strings.Repeat(" ", sp.indent+4*depth)
	if ql == 3 && strings.Contains(lit, "\n") {
		body = fixDocstring(body, indent)
	} else {
		body = strings.TrimSpace(body)
	}
	trailingBackslash := false
	if body != "" {
		if body[0] == q {
			body = " " + body
		}
		if body[len(body)-1] == q {
			body += " "
		}
		if body[len(body)-1] == '\\' {
			n := len(body) - len(strings.TrimRight(body, `\`))
			if n%2 == 1 {
				body += " "
				trailingBackslash = true
			}
		}
	} else if !startedEmpty {
		body = " "
	}
	quote := strings.Repeat(string(q), ql)
	if ql == 3 {
		lines := strings.Split(body, "\n")
		lastLen := 0
		if body != "" {
			lastLen = len(lines[len(lines)-1])
		}
		if len(lines) > 1 && lastLen+ql > LineLength && len(indent)+ql <= LineLength && !trailingBackslash {
			return indent + prefix + quote + body + "\n" + indent + quote
		}
	}
	return indent + prefix + quote + body + quote
}

func isTripleQuoted(s string) bool {
	s = strings.TrimLeft(s, " rRbBuUfF")
	return strings.HasPrefix(s, `"""`) || strings.HasPrefix(s, "'''")
}

// fixDocstring is black's fix_docstring (PEP 257's trim): the first line
// stripped, the others moved to indent past their common indentation.
func fixDocstring(doc, indent string) string {
	if doc == "" {
		return ""
	}
	lines := strings.Split(strings.ReplaceAll(doc, "\r\n", "\n"), "\n")
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // str.splitlines drops it
	}
	for i, l := range lines {
		ws := len(l) - len(strings.TrimLeft(l, " \t"))
		if strings.Contains(l[:ws], "\t") {
			lines[i] = expandTabs(l[:ws]) + l[ws:]
		}
	}
	least := -1
	for _, l := range lines[1:] {
		if s := strings.TrimLeft(l, " \t"); s != "" {
			if n := len(l) - len(s); least < 0 || n < least {
				least = n
			}
		}
	}
	out := []string{strings.TrimSpace(lines[0])}
	if least >= 0 {
		last := len(lines) - 2
		for i, l := range lines[1:] {
			s := ""
			if len(l) > least {
				s = strings.TrimRight(l[least:], " \t\r\f\v")
			}
			if s != "" || i == last {
				out = append(out, indent+s)
			} else {
				out = append(out, "")
			}
		}
	}
	return strings.Join(out, "\n")
}

func expandTabs(s string) string {
	var b strings.Builder
	col := 0
	for _, c := range s {
		if c == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(c)
		col++
	}
	return b.String()
}

// render joins the lines with the blank lines black's EmptyLineTracker
// puts between them (two passes: a definition can move blank lines to
// before the comments that lead it).
func (sp *stmtPrinter) render() string {
	t := emptyLines{}
	for i := range sp.lines {
		t.add(sp.lines[i])
	}
	var b strings.Builder
	for i, blk := range t.blocks {
		if i > 0 {
			for k := blk.before; k > 0; k-- {
				b.WriteByte('\n')
			}
		}
		b.WriteString(blk.line.text)
		b.WriteByte('\n')
		for k := blk.after; k > 0; k-- {
			b.WriteByte('\n')
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// emptyLines is black's EmptyLineTracker (not in stub mode).
type emptyLines struct {
	previous     *fline
	previousDefs []int
	prevAfter    int
	// semantic is the comment block that leads the next definition.
	semantic *lineBlock
	blocks   []*lineBlock
}

type lineBlock struct {
	line     *fline
	before   int
	after    int
	previous *lineBlock
}

func (t *emptyLines) add(cur fline) {
	c := cur
	before, after := t.maybe(&c)
	if t.previous == nil {
		before = 0
	} else {
		before -= t.prevAfter
	}
	blk := &lineBlock{line: &c, before: before, after: after}
	if len(t.blocks) > 0 {
		blk.previous = t.blocks[len(t.blocks)-1]
	}
	if c.comment {
		if t.previous == nil || !t.previous.decorator && (!t.previous.comment || before > 0) && (t.semantic == nil || before > 0) {
			t.semantic = blk
		}
	} else if !c.decorator || before > 0 {
		t.semantic = nil
	}
	t.blocks = append(t.blocks, blk)
	t.previous = &c
	t.prevAfter = after
}

func (t *emptyLines) maybe(cur *fline) (int, int) {
	maxAllowed := 1
	if cur.depth == 0 {
		maxAllowed = 2
	}
	before := min(cur.before, maxAllowed)
	depth := cur.depth
	for len(t.previousDefs) > 0 && t.previousDefs[len(t.previousDefs)-1] >= depth {
		switch {
		case depth > 0:
			before = 1
		case t.previousDefs[len(t.previousDefs)-1] > 0 && cur.colonEnd && cur.first != "with" && cur.first != "try" && cur.first != "for" && cur.first != "while" && cur.first != "if" && cur.first != "match":
			before = 1
		default:
			before = 2
		}
		t.previousDefs = t.previousDefs[:len(t.previousDefs)-1]
	}
	if cur.decorator || cur.def || cur.class {
		return t.forDef(cur, before)
	}
	p := t.previous
	if p != nil && p.imp && !cur.imp && depth == p.depth {
		if before == 0 {
			before = 1
		}
		return before, 0
	}
	if p != nil && p.class && cur.docstring {
		return before, 1
	}
	if p != nil && p.opens {
		return 0, 0
	}
	return before, 0
}

func (t *emptyLines) forDef(cur *fline, before int) (int, int) {
	if !cur.decorator {
		t.previousDefs = append(t.previousDefs, cur.depth)
	}
	p := t.previous
	if p == nil {
		return 0, 0
	}
	if p.decorator {
		return 0, 0
	}
	if p.depth < cur.depth && (p.class || p.def) {
		return 0, 0
	}
	var toAdd *lineBlock
	if p.comment && p.depth == cur.depth && before == 0 {
		slc := t.semantic
		if slc != nil && slc.previous != nil && !slc.previous.line.class && !slc.previous.line.opens && slc.before <= 1 {
			toAdd = slc
		} else {
			return 0, 0
		}
	}
	newlines := 2
	if cur.depth > 0 {
		newlines = 1
	}
	if toAdd != nil {
		if pb := toAdd.previous; pb != nil {
			toAdd.before = max(toAdd.before, newlines) - pb.after
			newlines = 0
		}
	}
	return newlines, 0
}

// Module lays out a whole file's statements, as black would print the
// file; false when Stmt would refuse one of them.
func (pr Printer) Module(f *File) (string, bool) {
	sp := pr.newStmtPrinter(f, 0)
	start := 0
	if len(f.Src) >= 3 && f.Src[0] == 0xEF && f.Src[1] == 0xBB && f.Src[2] == 0xBF {
		start = 3
	}
	sp.module = true // black 23 leaves module docstrings alone
	end, tails := sp.block(f.Body, 0, start, false)
	sp.leading(end, len(f.Src), 0, tails)
	if !sp.ok || len(sp.used)+len(sp.p.placed) != len(sp.comments) {
		return "", false
	}
	if len(sp.lines) == 0 {
		return "", true
	}
	return sp.render() + "\n", true
}

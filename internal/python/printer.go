package python

import (
	"bytes"
	"strings"
)

// LineLength is black's default line length.
const LineLength = 88

// pnode is an expression prepared for printing: an atom (text that is never
// split), or a bracketed group with items.
type pnode struct {
	atom    string
	head    string // text up to and including the opening bracket
	items   []pnode
	tail    string // the closing bracket
	literal bool   // a tuple/list/set/dict display: black explodes it when split
	magic   bool   // the source had a trailing comma: keep it exploded
	prefix  string // "key=" or "key: " before a group item
	// multiline marks an atom whose source spans lines (implicit string
	// concatenation, a parenthesised operation): black would wrap it in
	// parentheses, which this printer does not do yet.
	multiline bool
	// parts are the lines of an implicit string concatenation written
	// over several lines, one literal each: black puts each on its own
	// line at the indentation of the first.
	parts []string
	// bare is a tuple without parentheses in the source: flat, it has
	// none; split, black wraps it in them.
	bare bool
	// failed marks an atom canon could not print (a comment inside).
	failed bool
	// alt is the split at an earlier bracket of a call chain, for when
	// this one's head line does not fit.
	alt *pnode
	// oneComma: a lone item split onto its own line gets a comma (a
	// def's only parameter, as black writes it).
	oneComma bool
	// Comments inside a display (copied code): lead are comment lines
	// before an item, trail the comment after it on its line; openTrail
	// follows the opening bracket, closeLead precedes the closing one.
	// Any of them keeps the display split, one item per line.
	lead      []string
	trail     string
	openTrail string
	closeLead []string
}

// commented reports comments n itself must place.
func (n pnode) commented() bool {
	if n.openTrail != "" || len(n.closeLead) > 0 {
		return true
	}
	for _, it := range n.items {
		if len(it.lead) > 0 || it.trail != "" {
			return true
		}
	}
	return false
}

// some reports whether f holds for n or any item below it.
func (n pnode) some(f func(pnode) bool) bool {
	if f(n) {
		return true
	}
	for _, it := range n.items {
		if it.some(f) {
			return true
		}
	}
	return false
}

// magicInside reports a magic trailing comma in n or below: black splits
// every bracket that holds one, and so the brackets around it.
func (n pnode) magicInside() bool { return n.some(func(x pnode) bool { return x.magic }) }

// bad reports an atom canon could not print, anywhere in n.
func (n pnode) bad() bool { return n.some(func(x pnode) bool { return x.failed }) }

// hasMultiline reports an atom written over several lines, anywhere in n.
func (n pnode) hasMultiline() bool { return n.some(func(x pnode) bool { return x.multiline }) }

// fits reports whether n printed flat takes at most room bytes on one line.
func (n pnode) fits(room int) bool { return n.width(room) >= 0 }

// width is the length of n printed flat, or -1 when it exceeds room or
// holds a line break: it stops as soon as it knows, so laying out a long
// list does not print it whole at every level.
func (n pnode) width(room int) int {
	if n.commented() {
		return -1 // a comment ends its line
	}
	w := len(n.prefix)
	if n.head == "" {
		if n.parts != nil || strings.ContainsAny(n.atom, "\n\r") {
			return -1
		}
		w += len(n.atom)
		if w > room {
			return -1
		}
		return w
	}
	w += len(n.head) + len(n.tail)
	if n.bare {
		w -= len(n.head) + len(n.tail)
	}
	if n.literal && n.head == "(" && len(n.items) == 1 && !n.bare {
		w++ // a one-element tuple's comma
	}
	if len(n.items) > 1 {
		w += 2 * (len(n.items) - 1)
	}
	if w > room {
		return -1
	}
	for _, it := range n.items {
		iw := it.width(room - w)
		if iw < 0 {
			return -1
		}
		w += iw
	}
	return w
}

// writeFlat appends n printed on one line.
func (n pnode) writeFlat(b *strings.Builder) {
	b.WriteString(n.prefix)
	if n.head == "" {
		b.WriteString(n.atom)
		return
	}
	if !n.bare {
		b.WriteString(n.head)
	}
	for i, it := range n.items {
		if i > 0 {
			b.WriteString(", ")
		}
		it.writeFlat(b)
	}
	// A one-element tuple keeps its comma.
	if n.literal && n.head == "(" && len(n.items) == 1 && !n.bare {
		b.WriteByte(',')
	}
	if !n.bare {
		b.WriteString(n.tail)
	}
}

func (n pnode) flat() string {
	if n.head == "" {
		return n.prefix + n.atom
	}
	parts := make([]string, len(n.items))
	for i, it := range n.items {
		parts[i] = it.flat()
	}
	s := strings.Join(parts, ", ")
	// A one-element tuple keeps its comma.
	if n.literal && n.head == "(" && len(n.items) == 1 && !n.bare {
		s += ","
	}
	if n.bare {
		return n.prefix + s
	}
	return n.prefix + n.head + s + n.tail
}

// layout lays n out at indent with trailer after it, as black would: one
// line if it fits and has no magic trailing comma; otherwise split at its
// brackets, a call's arguments on one line when they fit, else (and always
// for a literal) one item per line with a trailing comma. The text has no
// final newline.
func (n pnode) layout(indent int, trailer string) string {
	var b strings.Builder
	n.write(&b, indent, trailer)
	return strings.TrimSuffix(b.String(), "\n")
}

// write appends n's lines (see layout), each ended by a newline, to b: one
// builder for the whole tree instead of a slice of lines per level.
func (n pnode) write(b *strings.Builder, indent int, trailer string) {
	pad := func(k int) {
		for ; k > 0; k-- {
			b.WriteByte(' ')
		}
	}
	if n.parts != nil {
		for i, part := range n.parts {
			pad(indent)
			if i == 0 {
				b.WriteString(n.prefix)
			}
			b.WriteString(part)
			if i == len(n.parts)-1 {
				b.WriteString(trailer)
			}
			b.WriteByte('\n')
		}
		return
	}
	if n.head == "" || len(n.items) == 0 && !n.commented() || !n.magicInside() && n.fits(LineLength-indent-len(trailer)) {
		pad(indent)
		n.writeFlat(b)
		b.WriteString(trailer)
		b.WriteByte('\n')
		return
	}
	if n.alt != nil && indent+len(n.prefix)+len(n.head) > LineLength {
		alt := *n.alt
		alt.prefix = n.prefix + alt.prefix
		alt.write(b, indent, trailer)
		return
	}
	pad(indent)
	b.WriteString(n.prefix)
	b.WriteString(n.head)
	b.WriteString(n.openTrail)
	b.WriteByte('\n')
	closing := func() {
		for _, c := range n.closeLead {
			pad(indent + 4)
			b.WriteString(c)
			b.WriteByte('\n')
		}
		pad(indent)
		b.WriteString(n.tail)
		b.WriteString(trailer)
		b.WriteByte('\n')
	}
	if n.commented() {
		for i, it := range n.items {
			for _, c := range it.lead {
				pad(indent + 4)
				b.WriteString(c)
				b.WriteByte('\n')
			}
			// black adds no comma after the last item when a comment
			// line is the last thing before the bracket.
			// Nor after a lone item: with no comma to split at, black
			// splits at the brackets and adds none.
			comma := ","
			if i == len(n.items)-1 && !n.magic && (len(n.closeLead) > 0 || len(n.items) == 1) {
				comma = ""
			}
			it.write(b, indent+4, comma+it.trail)
		}
		closing()
		return
	}
	// Black adds a trailing comma only when it splits on commas: a lone
	// item goes on its own line(s) as it is.
	if len(n.items) == 1 && !n.magic {
		comma := ""
		if n.literal && n.head == "(" || n.oneComma {
			comma = "," // a one-element tuple's comma is syntax
		}
		n.items[0].write(b, indent+4, comma)
		closing()
		return
	}
	if !n.literal && !n.magicInside() {
		// The arguments on one line, when they fit and none holds a
		// magic trailing comma (black then splits the body at its
		// commas too).
		room := LineLength - indent - 4 - 2*(len(n.items)-1)
		fit := true
		for _, it := range n.items {
			w := it.width(room)
			if w < 0 {
				fit = false
				break
			}
			room -= w
		}
		if fit {
			pad(indent + 4)
			for i, it := range n.items {
				if i > 0 {
					b.WriteString(", ")
				}
				it.writeFlat(b)
			}
			b.WriteByte('\n')
			closing()
			return
		}
	}
	for _, it := range n.items {
		it.write(b, indent+4, ",")
	}
	closing()
}

// printer turns expressions of one source file into pnodes.
type printer struct {
	src    []byte
	rename map[*Name]string
	// canonAtoms prints atoms with canon (black's spacing, joined lines):
	// for copied code, which need not have been written by black.
	canonAtoms bool
	// placed records the comments displays placed (by position).
	placed map[int]bool
}

func (p *printer) text(n Node) string { return string(p.src[n.Pos():n.End()]) }

// magicComma reports a trailing comma just before the closing bracket at
// end-1 (whitespace and comments between are allowed).
func (p *printer) magicComma(lastItemEnd, closeEnd int) bool {
	if lastItemEnd < 0 || closeEnd-1 < lastItemEnd || closeEnd > len(p.src)+1 {
		return false
	}
	between := p.src[lastItemEnd : closeEnd-1]
	for i := 0; i < len(between); i++ {
		switch between[i] {
		case ',':
			return true
		case '#':
			for i < len(between) && between[i] != '\n' {
				i++
			}
		}
	}
	return false
}

func (p *printer) node(e Expr) pnode {
	switch x := e.(type) {
	case *Foreign:
		return (&printer{src: x.File.Src, rename: p.rename, canonAtoms: p.canonAtoms, placed: p.placed}).node(x.X)
	case *Exploded:
		n := p.node(x.X)
		if n.head != "" && len(n.items) > 0 {
			n.magic = true
		}
		return n
	case *Call:
		// X(args).m(more): black splits at the last bracket whose head
		// line fits, omitting trailers from the end (the rest becomes the
		// earlier call's tail); empty brackets it never splits.
		var alt *pnode
		if a, ok := x.Func.(*Attribute); ok && p.canonAtoms && x.Pos() >= 0 {
			if n := p.node(a.Value); n.head != "" && len(n.items) > 0 && !n.literal && !p.wrapped(a.Value) {
				if args, ok := p.canon(a.End(), x.End(), x); ok && !p.trailingComma(x) {
					n.tail += "." + a.Attr + args
					if len(x.Args) == 0 && len(x.Keywords) == 0 {
						return n
					}
					alt = &n
				}
			}
		}
		head := p.node(x.Func)
		if head.head != "" {
			return p.atomOf(e) // a call of a call: left as written
		}
		items := make([]pnode, 0, len(x.Args)+len(x.Keywords))
		last := x.Func.End()
		open := x.Func.End()
		for _, a := range x.Args {
			items = append(items, p.item(a, open))
			last = max(last, a.End())
		}
		for _, k := range x.Keywords {
			it := p.item(k.Value, open)
			if k.Arg == "" {
				it.prefix = "**" + it.prefix
			} else {
				it.prefix = k.Arg + "=" + it.prefix
			}
			items = append(items, it)
			last = max(last, k.End())
		}
		// A lone generator argument shares the call's parentheses.
		if len(items) == 1 && len(x.Keywords) == 0 && x.Pos() >= 0 {
			if c, ok := x.Args[0].(*Comp); ok && c.Kind == GeneratorExp && p.src[c.Pos()] == '(' && c.Pos() >= x.Func.End() {
				return p.atomOf(e)
			}
		}
		return pnode{head: head.atom + "(", items: items, tail: ")", magic: len(items) > 0 && x.Pos() >= 0 && p.magicComma(last, x.End()), alt: alt}
	case *List:
		return p.seq("[", "]", x.Elts, x.Pos(), x.End(), false)
	case *Set:
		return p.seq("{", "}", x.Elts, x.Pos(), x.End(), false)
	case *Tuple:
		if x.Pos() < 0 || x.Pos() < len(p.src) && p.src[x.Pos()] == '(' {
			return p.seq("(", ")", x.Elts, x.Pos(), x.End(), len(x.Elts) == 1)
		}
	case *Dict:
		items := make([]pnode, 0, len(x.Values))
		last := x.Pos() + 1
		for i, v := range x.Values {
			it := p.item(v, x.Pos())
			if x.Keys[i] == nil {
				it.prefix = "**" + it.prefix
			} else {
				k := p.node(x.Keys[i])
				if k.head != "" {
					return p.atomOf(e)
				}
				it.prefix = k.atom + ": " + it.prefix
			}
			items = append(items, it)
			last = v.End()
		}
		n := pnode{head: "{", items: items, tail: "}", literal: true, magic: len(items) > 0 && x.Pos() >= 0 && p.magicComma(last, x.End())}
		if p.canonAtoms && x.Pos() >= 0 {
			spans := make([][2]int, len(x.Values))
			for i, v := range x.Values {
				from := v.Pos() - 2 // **v
				if x.Keys[i] != nil {
					from = p.itemStart(x.Keys[i], x.Pos())
				}
				spans[i] = [2]int{from, p.itemEnd(v, x.End())}
			}
			p.attachComments(&n, x.Pos(), x.End(), spans)
		}
		return n
	case *Starred:
		n := p.node(x.Value)
		n.prefix = "*" + n.prefix
		return n
	}
	return p.atomOf(e)
}

// trailingComma reports a call whose arguments end with a comma.
func (p *printer) trailingComma(x *Call) bool {
	last := -1
	for _, a := range x.Args {
		last = max(last, a.End())
	}
	for _, k := range x.Keywords {
		last = max(last, k.End())
	}
	return last >= 0 && p.magicComma(last, x.End())
}

// item is the pnode of an element of a bracket opened at open: in copied
// code, an element in parentheses of its own ((["self"])) is printed as
// written, parentheses included, as black keeps them there.
func (p *printer) item(e Expr, open int) pnode {
	if !p.canonAtoms || e.Pos() < 0 {
		return p.node(e)
	}
	i := p.itemStart(e, open)
	if i == e.Pos() {
		return p.node(e)
	}
	if _, ok := e.(*Tuple); ok {
		return p.node(e) // a tuple's span holds its parentheses
	}
	closeAt := matchingParen(p.src, i)
	if closeAt < 0 {
		return pnode{atom: p.text(e), failed: true}
	}
	text, ok := p.canon(i, closeAt+1, e)
	if !ok {
		return pnode{atom: p.text(e), failed: true}
	}
	return pnode{atom: text}
}

func (p *printer) seq(open, close string, elts []Expr, start, end int, single bool) pnode {
	n := pnode{head: open, tail: close, literal: true, items: make([]pnode, 0, len(elts))}
	last := -1
	for _, e := range elts {
		if start >= 0 {
			n.items = append(n.items, p.item(e, start))
		} else {
			n.items = append(n.items, p.node(e))
		}
		last = e.End()
	}
	// A one-element tuple's comma is syntax, not a magic trailing comma.
	if last >= 0 && end >= 0 && !single {
		n.magic = p.magicComma(last, end)
	}
	if p.canonAtoms && start >= 0 && end >= 0 && !single {
		spans := make([][2]int, len(elts))
		for i, e := range elts {
			spans[i] = [2]int{p.itemStart(e, start), p.itemEnd(e, end)}
		}
		p.attachComments(&n, start, end, spans)
	}
	return n
}

// itemStart and itemEnd widen an element's span to the parentheses of its
// own, if any.
func (p *printer) itemStart(e Expr, open int) int {
	i := e.Pos() - 1
	for i > open && (p.src[i] == ' ' || p.src[i] == '\t' || p.src[i] == '\n' || p.src[i] == '\r') {
		i--
	}
	if i > open && p.src[i] == '(' {
		return i
	}
	return e.Pos()
}

func (p *printer) itemEnd(e Expr, close int) int {
	start := p.itemStart(e, -1)
	if start != e.Pos() {
		if c := matchingParen(p.src, start); c >= 0 && c < close {
			return c + 1
		}
	}
	return e.End()
}

// attachComments gives a display's comments (between open and the close
// bracket ending at end, outside its items' spans) to its items: a
// comment after an item on its line trails it, a comment line leads the
// next item (or the closing bracket). Each placed comment is recorded in
// p.placed, for Stmt to check that none was lost.
func (p *printer) attachComments(n *pnode, open, end int, spans [][2]int) {
	s := newScanner(p.src, open, end, true)
	for t := s.next(); t.Kind != EOF; t = s.next() {
	}
	for _, c := range s.comments {
		inside := false
		for _, sp := range spans {
			if c.Pos >= sp[0] && c.Pos < sp[1] {
				inside = true
			}
		}
		if inside {
			continue
		}
		k := -1
		for i, sp := range spans {
			if sp[1] <= c.Pos {
				k = i
			}
		}
		text := normalizeComment(string(p.src[c.Pos:c.End]))
		standalone := len(strings.TrimSpace(string(p.src[lineStart(p.src, c.Pos):c.Pos]))) == 0
		switch {
		case !standalone && k < 0:
			n.openTrail = "  " + text
		case !standalone:
			if n.items[k].trail != "" {
				n.failed = true
			}
			n.items[k].trail = "  " + text
		case k+1 < len(n.items):
			n.items[k+1].lead = append(n.items[k+1].lead, text)
		default:
			n.closeLead = append(n.closeLead, text)
		}
		if p.placed != nil {
			p.placed[c.Pos] = true
		}
	}
}

// atomOf prints an expression as its source text, with black's string
// normalisation for plain string literals.
func (p *printer) atomOf(e Expr) pnode {
	if e.Pos() < 0 {
		return pnode{atom: p.synthText(e)}
	}
	if p.canonAtoms {
		text, ok := p.canon(e.Pos(), e.End(), e)
		if !ok {
			return pnode{atom: p.text(e), failed: true}
		}
		return pnode{atom: text}
	}
	// The common leaves, without walking them.
	switch x := e.(type) {
	case *Name:
		if r, ok := p.rename[x]; ok {
			return pnode{atom: r}
		}
		return pnode{atom: x.ID}
	case *Constant:
		if x.Kind != Str && x.Kind != Bytes {
			return pnode{atom: p.text(e)}
		}
		if lit := p.text(x); x.Kind == Str && !strings.ContainsAny(lit, "\n\r") && isSingleLiteral(lit) {
			return pnode{atom: normalizeString(lit)}
		}
	}
	text := p.text(e)
	multiline := strings.ContainsAny(text, "\n\r")
	if parts := concatParts(e, text); multiline && parts != nil {
		return pnode{atom: strings.Join(parts, " "), parts: parts}
	}
	// Normalise every plain string literal inside the atom, in place (not
	// across lines: black would wrap those), and apply renames.
	var b strings.Builder
	last := e.Pos()
	Inspect(e, func(n Node) bool {
		if _, ok := n.(*JoinedStr); ok {
			return false
		}
		if x, ok := n.(*Name); ok {
			if r, ok := p.rename[x]; ok {
				b.Write(p.src[last:x.Pos()])
				b.WriteString(r)
				last = x.End()
			}
			return false
		}
		if c, ok := n.(*Constant); ok && c.Kind == Str && !multiline {
			lit := p.text(c)
			if isSingleLiteral(lit) {
				b.Write(p.src[last:c.Pos()])
				b.WriteString(normalizeString(lit))
				last = c.End()
			}
			return false
		}
		return true
	})
	b.Write(p.src[last:e.End()])
	return pnode{atom: b.String(), multiline: multiline}
}

// concatParts splits an implicit concatenation of string literals written
// one per line into its literals, each normalised; nil for anything else
// (a line holding two literals, a comment, a literal spanning lines).
func concatParts(e Expr, text string) []string {
	switch x := e.(type) {
	case *Constant:
		if x.Kind != Str && x.Kind != Bytes {
			return nil
		}
	case *JoinedStr:
	default:
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if len(lines) < 2 {
		return nil
	}
	parts := make([]string, len(lines))
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if !isSingleLiteral(l) {
			return nil
		}
		parts[i] = normalizeString(l)
	}
	return parts
}

// isSingleLiteral reports a string token that is one literal, not an
// implicit concatenation of several.
func isSingleLiteral(lit string) bool {
	i := 0
	for i < len(lit) && lit[i] != '"' && lit[i] != '\'' {
		i++
	}
	if i >= len(lit) {
		return false
	}
	q := lit[i]
	body := lit[i:]
	if strings.HasPrefix(body, strings.Repeat(string(q), 3)) {
		return strings.Count(body, strings.Repeat(string(q), 3)) == 2 && strings.HasSuffix(body, strings.Repeat(string(q), 3))
	}
	// One literal: the closing quote is the last byte, with no unescaped
	// quote of the same kind between.
	for j := 1; j < len(body)-1; j++ {
		if body[j] == '\\' {
			j++
			continue
		}
		if body[j] == q {
			return false
		}
	}
	return len(body) >= 2 && body[len(body)-1] == q
}

// normalizeString applies black's preference for double quotes to a single
// string literal (not to implicit concatenations or prefixed f-strings with
// nested quotes): switch when it adds no escapes.
func normalizeString(lit string) string {
	i := 0
	for i < len(lit) && lit[i] != '"' && lit[i] != '\'' {
		i++
	}
	prefix, rest := lit[:i], lit[i:]
	for _, c := range prefix {
		if c == 'f' || c == 'F' || c == 't' || c == 'T' {
			return lit
		}
	}
	prefix = strings.ReplaceAll(strings.ReplaceAll(prefix, "u", ""), "U", "")
	prefix = strings.ToLower(prefix)
	if len(rest) < 2 || rest[0] != '\'' || strings.HasPrefix(rest, "'''") {
		return prefix + rest
	}
	body := rest[1 : len(rest)-1]
	if strings.HasSuffix(rest, "'") && !strings.Contains(body, "\n") {
		unescaped := strings.ReplaceAll(body, `\'`, "'")
		if strings.Contains(unescaped, `"`) {
			return prefix + rest // switching would need escapes
		}
		if !strings.Contains(prefix, "r") || !strings.Contains(body, `\'`) {
			return prefix + `"` + unescaped + `"`
		}
	}
	return prefix + rest
}

// FormatExpr lays out an expression of src at indent, followed by trailer
// (e.g. ","), the way black would print it there.
func FormatExpr(src []byte, e Expr, indent int, trailer string) string {
	return Printer{}.Expr(src, e, indent, trailer)
}

// Printer lays out expressions with options.
type Printer struct {
	// Rename prints these names (of the source, or inside Foreign
	// expressions) as other text: the writer's renamed copies.
	Rename map[*Name]string
	// DefNames gives definitions (FunctionDef, ClassDef) Stmt prints
	// another name.
	DefNames map[Stmt]string
}

// Expr is FormatExpr with p's options.
func (pr Printer) Expr(src []byte, e Expr, indent int, trailer string) string {
	p := &printer{src: src, rename: pr.Rename}
	return p.node(e).layout(indent, trailer)
}

// FormatAssign lays out "target = value" at indent. It reports false when
// the value holds an expression written over several lines that is not a
// bracketed call or display: the printer cannot lay those out yet.
func FormatAssign(src []byte, target string, value Expr, indent int) (string, bool) {
	return Printer{}.Assign(src, target, value, indent)
}

// Assign is FormatAssign with p's options.
func (pr Printer) Assign(src []byte, target string, value Expr, indent int) (string, bool) {
	p := &printer{src: src, rename: pr.Rename}
	n := p.node(value)
	if n.hasMultiline() {
		return "", false
	}
	if n.head == "" && indent+len(target)+3+len(n.flat()) > LineLength {
		// Black's invisible parentheses around a right-hand side that has
		// no brackets of its own become visible when it must split.
		n = pnode{head: "(", items: []pnode{n}, tail: ")"}
	}
	if n.parts != nil {
		n = pnode{head: "(", items: []pnode{n}, tail: ")"}
	}
	n.prefix = target + " = " + n.prefix
	return n.layout(indent, ""), true
}

// WriteItem appends e to b laid out as one item of a bracket split one
// item per line: at indent, followed by a comma and a newline. The items
// of an exploded list assigned by Assign are laid out exactly so, which
// lets a caller lay out a long list in parts, on several cores. It reports
// false, writing nothing, where Assign would.
func (pr Printer) WriteItem(b *strings.Builder, src []byte, e Expr, indent int) bool {
	p := &printer{src: src, rename: pr.Rename}
	n := p.node(e)
	if n.hasMultiline() {
		return false
	}
	n.write(b, indent, ",")
	return true
}

// Reformat reprints every simple assignment in the body of the classes
// named className from its syntax tree, in black's style, keeping all else
// byte for byte. It reports false when a statement holds a comment or a
// multi-line atom, which the printer cannot lay out yet; such a statement is
// kept as written.
func Reformat(f *File, className string) ([]byte, bool) {
	var out bytes.Buffer
	src := f.Src
	last := 0
	complete := true
	for _, s := range f.Body {
		c, ok := s.(*ClassDef)
		if !ok || c.Name != className {
			continue
		}
		for _, st := range c.Body {
			a, ok := st.(*Assign)
			if !ok || len(a.Targets) != 1 {
				continue
			}
			t, ok := a.Targets[0].(*Name)
			if !ok {
				continue
			}
			if hasComment(f, a.Pos(), a.End()) {
				complete = false
				continue
			}
			indent := a.Pos() - lineStart(src, a.Pos())
			text, ok := FormatAssign(src, t.ID, a.Value, indent)
			if !ok {
				complete = false
				continue
			}
			out.Write(src[last:lineStart(src, a.Pos())])
			out.WriteString(text)
			last = a.End()
		}
	}
	out.Write(src[last:])
	return out.Bytes(), complete
}

func hasComment(f *File, from, to int) bool {
	for _, c := range f.Comments {
		if c.Pos >= from && c.Pos < to {
			return true
		}
	}
	return false
}

func lineStart(src []byte, pos int) int {
	for pos > 0 && src[pos-1] != '\n' && src[pos-1] != '\r' {
		pos--
	}
	return pos
}

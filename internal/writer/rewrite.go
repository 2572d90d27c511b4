package writer

import (
	"bytes"
	"errors"
	"strings"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/python"
)

// ReplaceOperations returns a migration file's source with its operations
// list replaced by ops, every other byte kept. ops must come from that file
// (their expressions name what its imports bind); it reports the comments
// inside the old list, which are dropped.
func ReplaceOperations(mig *m.Migration, ops []m.Operation) (src []byte, droppedComments int, err error) {
	f := mig.Source
	if f == nil || mig.OperationsExpr == nil {
		return nil, 0, errors.New("the migration has no operations list to replace")
	}
	var assign *python.Assign
	for _, s := range f.Body {
		c, ok := s.(*python.ClassDef)
		if !ok || c.Pos() != mig.ClassPos {
			continue
		}
		for _, st := range c.Body {
			if a, ok := st.(*python.Assign); ok && a.Value == mig.OperationsExpr {
				assign = a
			}
		}
	}
	if assign == nil {
		return nil, 0, errors.New("operations is not a plain assignment in class Migration")
	}
	for _, c := range f.Comments {
		if c.Pos >= assign.Pos() && c.Pos < assign.End() {
			droppedComments++
		}
	}
	start := assign.Pos()
	for start > 0 && f.Src[start-1] != '\n' {
		start--
	}
	indent := assign.Pos() - start
	list := make([]python.Expr, len(ops))
	for i, op := range ops {
		list[i] = OperationExpr(op)
	}
	value := &python.Exploded{Span: python.NoSpan, X: python.NewList(list...)}
	text, ok := python.FormatAssign(nil, "operations", value, indent)
	if !ok {
		// An operation holds a multi-line atom the printer cannot lay
		// out: keep each operation's text as written.
		text = plainAssign(ops, indent)
	}
	var out bytes.Buffer
	out.Write(f.Src[:start])
	out.WriteString(text)
	out.Write(f.Src[assign.End():])
	return out.Bytes(), droppedComments, nil
}

// plainAssign writes the list one operation per line block, each as its
// source text re-indented (or laid out, when synthesized).
func plainAssign(ops []m.Operation, indent int) string {
	var b bytes.Buffer
	pad := string(bytes.Repeat([]byte(" "), indent))
	b.WriteString(pad + "operations = [\n")
	for _, op := range ops {
		if base := m.Base(op); base != nil && base.Call != nil {
			b.WriteString(pad + "    " + reindent(base.File.Src, base.Call, indent+4) + ",\n")
			continue
		}
		if o, ok := op.(*m.Opaque); ok {
			b.WriteString(pad + "    " + reindent(o.File.Src, o.Expr, indent+4) + ",\n")
			continue
		}
		b.WriteString(python.FormatExpr(nil, OperationExpr(op), indent+4, ",") + "\n")
	}
	b.WriteString(pad + "]")
	return b.String()
}

// reindent returns an expression's source text moved to a new indent: its
// first line starts at indent, the others keep their offsets to it.
func reindent(src []byte, e python.Expr, indent int) string {
	start := e.Pos()
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	if len(bytes.TrimSpace(src[start:e.Pos()])) > 0 {
		// Something else precedes it on its first line: keep the text
		// from the expression on, whose lines keep their indentation.
		return string(src[e.Pos():e.End()])
	}
	lines := python.Reindent(src[start:e.End()], indent)
	return strings.TrimLeft(lines, " ")
}

// EditOperations is ReplaceOperations that touches only what changed:
// every operation of ops read from this list as it was (the optimizer left
// it alone) keeps its bytes, comments and blank lines before it included;
// the operations it dropped go, with the text before them; new ones
// (merged, rewritten) are printed where they stand. It falls back to
// ReplaceOperations when the list is not one element per line, or when
// ops keeps the old ones in another order.
func EditOperations(mig *m.Migration, ops []m.Operation) (src []byte, droppedComments int, err error) {
	list, ok := python.Unwrap(mig.OperationsExpr).(*python.List)
	if !ok || mig.Source == nil || len(list.Elts) == 0 {
		return ReplaceOperations(mig, ops)
	}
	text := mig.Source.Src
	lineEnd := func(p int) (int, bool) { // after p: spaces, a comment, the newline
		for p < len(text) && (text[p] == ' ' || text[p] == '\t') {
			p++
		}
		if p < len(text) && text[p] == '#' {
			for p < len(text) && text[p] != '\n' {
				p++
			}
		}
		if p < len(text) && text[p] == '\n' {
			return p + 1, true
		}
		return p, false
	}
	// chunk i runs from the end of chunk i-1 (the line after "[" for the
	// first) to the end of the line its element ends on, comma included.
	first, ok := lineEnd(list.Pos() + 1)
	if !ok {
		return ReplaceOperations(mig, ops)
	}
	starts, ends := make([]int, len(list.Elts)), make([]int, len(list.Elts))
	prev := first
	for i, e := range list.Elts {
		ls := e.Pos()
		for ls > 0 && text[ls-1] != '\n' {
			ls--
		}
		if ls < prev || len(bytes.TrimSpace(text[ls:e.Pos()])) > 0 {
			return ReplaceOperations(mig, ops) // two elements share a line
		}
		p := e.End()
		for p < len(text) && (text[p] == ' ' || text[p] == '\t') {
			p++
		}
		if p < len(text) && text[p] == ',' {
			p++
		}
		end, ok := lineEnd(p)
		if !ok {
			return ReplaceOperations(mig, ops) // the closing bracket follows on the line
		}
		starts[i], ends[i], prev = prev, end, end
	}
	indent := 0
	for p := list.Elts[0].Pos(); p > 0 && text[p-1] != '\n'; p-- {
		indent++
	}
	at := map[python.Expr]int{}
	for i, e := range list.Elts {
		at[e] = i
	}
	kept := make([]int, len(ops))
	last := -1
	for j, op := range ops {
		kept[j] = -1
		var e python.Expr
		if o, ok := op.(*m.Opaque); ok {
			e = o.Expr
		} else if b := m.Base(op); b != nil && b.Call != nil {
			e = b.Call
		}
		if i, ok := at[e]; ok && e != nil {
			if i <= last {
				return ReplaceOperations(mig, ops) // reordered, or one kept twice
			}
			kept[j], last = i, i
		}
	}
	isKept := make([]bool, len(list.Elts))
	for _, i := range kept {
		if i >= 0 {
			isKept[i] = true
		}
	}
	for _, c := range mig.Source.Comments {
		for i := range list.Elts {
			if !isKept[i] && c.Pos >= starts[i] && c.Pos < ends[i] {
				droppedComments++
			}
		}
	}
	var out bytes.Buffer
	out.Write(text[:first])
	for j, op := range ops {
		if i := kept[j]; i >= 0 {
			out.Write(text[starts[i]:ends[i]])
			continue
		}
		out.WriteString(python.FormatExpr(nil, OperationExpr(op), indent, ",") + "\n")
	}
	out.Write(text[ends[len(ends)-1]:])
	return out.Bytes(), droppedComments, nil
}

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

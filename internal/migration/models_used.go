package migration

import (
	"strings"

	"github.com/djsquash/djsquash/internal/python"
)

// ModelUse is a model that RunPython code looks up by literal names:
// apps.get_model("shop", "Book") or apps.get_model("shop.Book").
type ModelUse struct {
	App, Model string
	Pos        int // offset of the get_model call in the operation's file
}

// ModelsUsed lists the models op's forward code looks up with get_model
// and literal names, in a lambda or in the body of a function defined at
// the top level of op's file. A squash moves that code to another point
// of the history, where a model it names may not exist yet or any more;
// Django finds out only when it runs. Helpers the function calls and names
// computed at run time are not followed: the list may miss some.
func ModelsUsed(op *RunPython) []ModelUse {
	if op.File == nil {
		return nil
	}
	var body python.Node
	switch x := python.Unwrap(op.Code).(type) {
	case *python.Lambda:
		body = x
	case *python.Name:
		for _, s := range op.File.Body {
			// The last definition is the one the module binds.
			if fd, ok := s.(*python.FunctionDef); ok && fd.Name == x.ID {
				body = fd
			}
		}
	}
	if body == nil {
		return nil
	}
	var out []ModelUse
	python.Inspect(body, func(n python.Node) bool {
		c, ok := n.(*python.Call)
		if !ok {
			return true
		}
		if a, ok := c.Func.(*python.Attribute); !ok || a.Attr != "get_model" || len(c.Keywords) > 0 {
			return true
		}
		var app, model string
		switch len(c.Args) {
		case 1:
			s, ok1 := LiteralString(c.Args[0])
			a, m, ok2 := strings.Cut(s, ".")
			if !ok1 || !ok2 {
				return true
			}
			app, model = a, m
		case 2:
			a, ok1 := LiteralString(c.Args[0])
			m, ok2 := LiteralString(c.Args[1])
			if !ok1 || !ok2 {
				return true
			}
			app, model = a, m
		default:
			return true
		}
		if app != "" && model != "" {
			out = append(out, ModelUse{App: app, Model: model, Pos: c.Pos()})
		}
		return true
	})
	return out
}

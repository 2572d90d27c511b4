package synth

import "strings"

// node is a Python expression for the generator's tiny black-compatible
// formatter: an atom, or a bracketed call or literal with items.
type node struct {
	atom    string
	head    string // "models.CharField(" or "(" or "name = models.X("
	items   []node
	tail    string // ")" or "]"
	literal bool   // a tuple/list display: black always explodes it when split
	magic   bool   // keep exploded (magic trailing comma)
}

func atom(s string) node                   { return node{atom: s} }
func call(head string, items ...node) node { return node{head: head + "(", items: items, tail: ")"} }
func tuple(items ...node) node             { return node{head: "(", items: items, tail: ")", literal: true} }

func (n node) flat() string {
	if n.head == "" {
		return n.atom
	}
	parts := make([]string, len(n.items))
	for i, it := range n.items {
		parts[i] = it.flat()
	}
	return n.head + strings.Join(parts, ", ") + n.tail
}

const lineLength = 88

// lines renders n at indent with trailer (e.g. ",") after it, the way black
// would: one line if it fits; else split at its own brackets, with a
// literal's items one per line and a call's arguments on one line when they
// fit, one per line (with a trailing comma) when they do not.
func (n node) lines(indent int, trailer string) []string {
	pad := strings.Repeat(" ", indent)
	flat := n.flat()
	if n.head == "" || (!n.magic && indent+len(flat)+len(trailer) <= lineLength) {
		return []string{pad + flat + trailer}
	}
	out := []string{pad + n.head}
	if !n.literal && !n.magic {
		parts := make([]string, len(n.items))
		for i, it := range n.items {
			parts[i] = it.flat()
		}
		if body := strings.Join(parts, ", "); indent+4+len(body) <= lineLength {
			out = append(out, pad+"    "+body)
			return append(out, pad+n.tail+trailer)
		}
	}
	for _, it := range n.items {
		out = append(out, it.lines(indent+4, ",")...)
	}
	return append(out, pad+n.tail+trailer)
}

func render(n node, indent int, trailer string) string {
	return strings.Join(n.lines(indent, trailer), "\n")
}

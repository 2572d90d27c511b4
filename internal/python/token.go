// Package python reads Python source the way djsquash needs it: a tokenizer,
// a recursive-descent parser for Python 3 up to 3.14, and an AST whose every
// node knows its byte span in the file.
//
// Invariants: positions are byte offsets into the source exactly as given
// (BOM and CRLF included), so src[n.Pos():n.End()] is a node's exact text;
// spans follow CPython's ast module (a parenthesised expression's span
// excludes its parentheses, a parenthesised tuple's includes them). Parsing
// never panics: malformed input yields diagnostics and a partial tree.
// Nothing is evaluated; string literals are decoded, nothing else.
package python

// Kind is a token kind.
type Kind uint8

const (
	EOF Kind = iota
	NEWLINE
	INDENT
	DEDENT
	NAME
	NUMBER
	STRING // any string literal, f- and t-strings included (one token)
	OP     // operator or delimiter
	ERROR
)

func (k Kind) String() string {
	return [...]string{"EOF", "NEWLINE", "INDENT", "DEDENT", "NAME", "NUMBER", "STRING", "OP", "ERROR"}[k]
}

// Token is one token: its kind and byte span.
type Token struct {
	Kind Kind
	Pos  int
	End  int
}

// Comment is a comment's span, from '#' to the end of its line.
type Comment struct{ Pos, End int }

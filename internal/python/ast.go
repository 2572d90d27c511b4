package python

import "golang.org/x/text/encoding"

// Node is any syntax tree node.
type Node interface {
	Pos() int // offset of the first byte
	End() int // offset just past the last byte
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

// Span is embedded by nodes to carry their position.
type Span struct{ Start, Stop int }

func (s Span) Pos() int { return s.Start }
func (s Span) End() int { return s.Stop }

// ---- expressions ----

type (
	// Name is an identifier.
	Name struct {
		Span
		ID string
	}
	// Constant is a literal: Kind says which; strings carry their decoded
	// value. Implicitly concatenated strings are one Constant.
	Constant struct {
		Span
		Kind  ConstKind
		Value string // decoded str/bytes value; the literal text for numbers
	}
	// JoinedStr is an f-string (or t-string when Template): its literal
	// parts and replacement fields, in order.
	JoinedStr struct {
		Span
		Template bool
		Values   []Expr // *Constant parts and *FormattedValue fields
	}
	// FormattedValue is one replacement field of an f-string.
	FormattedValue struct {
		Span
		Value      Expr
		Conversion byte // 0, 's', 'r' or 'a'
		FormatSpec *JoinedStr
	}
	Attribute struct {
		Span
		Value Expr
		Attr  string
		// AttrPos is the byte offset of the attribute name.
		AttrPos int
	}
	Subscript struct {
		Span
		Value Expr
		Slice Expr
	}
	Slice struct {
		Span
		Lower, Upper, Step Expr // each may be nil
	}
	Call struct {
		Span
		Func     Expr
		Args     []Expr // positional, *Starred included
		Keywords []*Keyword
	}
	BinOp struct {
		Span
		Left  Expr
		Op    string
		Right Expr
	}
	UnaryOp struct {
		Span
		Op      string // "not", "-", "+", "~"
		Operand Expr
	}
	BoolOp struct {
		Span
		Op     string // "and", "or"
		Values []Expr
	}
	Compare struct {
		Span
		Left        Expr
		Ops         []string // "<", "not in", "is not", ...
		Comparators []Expr
	}
	IfExp struct {
		Span
		Test, Body, OrElse Expr
	}
	Lambda struct {
		Span
		Args *Arguments
		Body Expr
	}
	NamedExpr struct {
		Span
		Target *Name
		Value  Expr
	}
	Starred struct {
		Span
		Value Expr
	}
	Await struct {
		Span
		Value Expr
	}
	Yield struct {
		Span
		Value Expr // may be nil
	}
	YieldFrom struct {
		Span
		Value Expr
	}
	Tuple struct {
		Span
		Elts []Expr
	}
	List struct {
		Span
		Elts []Expr
	}
	Set struct {
		Span
		Elts []Expr
	}
	// Dict holds its entries; a nil key is a **mapping unpacked into it.
	Dict struct {
		Span
		Keys   []Expr
		Values []Expr
	}
	// Comp is a list/set/dict comprehension or generator expression.
	Comp struct {
		Span
		Kind       CompKind
		Elt        Expr // the key, for a dict comprehension
		Value      Expr // dict comprehension only
		Generators []*Comprehension
	}
)

// ConstKind says what a Constant holds.
type ConstKind uint8

const (
	Str ConstKind = iota
	Bytes
	Int
	Float
	Imaginary
	True
	False
	NoneConst
	EllipsisConst
)

// CompKind says which comprehension a Comp is.
type CompKind uint8

const (
	ListComp CompKind = iota
	SetComp
	DictComp
	GeneratorExp
)

// Comprehension is one "for ... in ... if ..." clause. It has no position
// in CPython's AST; ours spans from "for" (or "async") to its last condition.
type Comprehension struct {
	Span
	Target  Expr
	Iter    Expr
	Ifs     []Expr
	IsAsync bool
}

// Keyword is a keyword argument, or **kwargs when Arg is "".
type Keyword struct {
	Span
	Arg   string
	Value Expr
}

// Arg is one parameter.
type Arg struct {
	Span
	Name       string
	Annotation Expr
}

// Arguments is a parameter list. Defaults align with the last of
// PosOnly+Args; KwDefaults with KwOnly (nil where there is none).
type Arguments struct {
	PosOnly    []*Arg
	Args       []*Arg
	Vararg     *Arg
	KwOnly     []*Arg
	KwDefaults []Expr
	Kwarg      *Arg
	Defaults   []Expr
}

// ---- statements ----

type (
	ExprStmt struct {
		Span
		Value Expr
	}
	Assign struct {
		Span
		Targets []Expr
		Value   Expr
	}
	AugAssign struct {
		Span
		Target Expr
		Op     string // "+=" ...
		Value  Expr
	}
	AnnAssign struct {
		Span
		Target     Expr
		Annotation Expr
		Value      Expr // may be nil
	}
	Import struct {
		Span
		Names []*Alias
	}
	ImportFrom struct {
		Span
		Module string // "" for "from . import x"
		Level  int
		Names  []*Alias // Name "*" for a star import
	}
	Alias struct {
		Span
		Name   string // dotted
		AsName string
	}
	FunctionDef struct {
		Span
		Decorators []Expr
		Name       string
		NamePos    int
		TypeParams []*TypeParam
		Args       *Arguments
		Returns    Expr
		Body       []Stmt
		IsAsync    bool
	}
	ClassDef struct {
		Span
		Decorators []Expr
		Name       string
		NamePos    int
		TypeParams []*TypeParam
		Bases      []Expr
		Keywords   []*Keyword
		Body       []Stmt
	}
	Return struct {
		Span
		Value Expr
	}
	Delete struct {
		Span
		Targets []Expr
	}
	Pass     struct{ Span }
	Break    struct{ Span }
	Continue struct{ Span }
	Raise    struct {
		Span
		Exc, Cause Expr
	}
	Global struct {
		Span
		Names []string
	}
	Nonlocal struct {
		Span
		Names []string
	}
	Assert struct {
		Span
		Test, Msg Expr
	}
	If struct {
		Span
		Test   Expr
		Body   []Stmt
		OrElse []Stmt // an elif is a single *If here
	}
	For struct {
		Span
		Target, Iter Expr
		Body, OrElse []Stmt
		IsAsync      bool
	}
	While struct {
		Span
		Test         Expr
		Body, OrElse []Stmt
	}
	With struct {
		Span
		Items   []*WithItem
		Body    []Stmt
		IsAsync bool
	}
	WithItem struct {
		Context Expr
		Vars    Expr // may be nil
	}
	Try struct {
		Span
		Body      []Stmt
		Handlers  []*ExceptHandler
		OrElse    []Stmt
		Finalbody []Stmt
		Star      bool // except*
	}
	ExceptHandler struct {
		Span
		Type Expr // may be nil; a Tuple for "except A, B:" (PEP 758)
		Name string
		Body []Stmt
	}
	Match struct {
		Span
		Subject Expr
		Cases   []*MatchCase
	}
	MatchCase struct {
		Pattern Pattern
		Guard   Expr
		Body    []Stmt
	}
	// TypeAlias is "type X[T] = ...".
	TypeAlias struct {
		Span
		Name       *Name
		TypeParams []*TypeParam
		Value      Expr
	}
	// TypeParam is a PEP 695 type parameter: T, *Ts or **P, with an
	// optional bound and default.
	TypeParam struct {
		Span
		Kind    byte // 0, '*' or '/' for **
		Name    string
		Bound   Expr
		Default Expr
	}
	// BadStmt stands for a statement that did not parse.
	BadStmt struct{ Span }
)

// Pattern is a match-statement pattern. Patterns are kept as spans with
// their kind: djsquash never needs to interpret them.
type Pattern struct {
	Span
}

func (*Name) exprNode()           {}
func (*Constant) exprNode()       {}
func (*JoinedStr) exprNode()      {}
func (*FormattedValue) exprNode() {}
func (*Attribute) exprNode()      {}
func (*Subscript) exprNode()      {}
func (*Slice) exprNode()          {}
func (*Call) exprNode()           {}
func (*BinOp) exprNode()          {}
func (*UnaryOp) exprNode()        {}
func (*BoolOp) exprNode()         {}
func (*Compare) exprNode()        {}
func (*IfExp) exprNode()          {}
func (*Lambda) exprNode()         {}
func (*NamedExpr) exprNode()      {}
func (*Starred) exprNode()        {}
func (*Await) exprNode()          {}
func (*Yield) exprNode()          {}
func (*YieldFrom) exprNode()      {}
func (*Tuple) exprNode()          {}
func (*List) exprNode()           {}
func (*Set) exprNode()            {}
func (*Dict) exprNode()           {}
func (*Comp) exprNode()           {}

func (*ExprStmt) stmtNode()    {}
func (*Assign) stmtNode()      {}
func (*AugAssign) stmtNode()   {}
func (*AnnAssign) stmtNode()   {}
func (*Import) stmtNode()      {}
func (*ImportFrom) stmtNode()  {}
func (*FunctionDef) stmtNode() {}
func (*ClassDef) stmtNode()    {}
func (*Return) stmtNode()      {}
func (*Delete) stmtNode()      {}
func (*Pass) stmtNode()        {}
func (*Break) stmtNode()       {}
func (*Continue) stmtNode()    {}
func (*Raise) stmtNode()       {}
func (*Global) stmtNode()      {}
func (*Nonlocal) stmtNode()    {}
func (*Assert) stmtNode()      {}
func (*If) stmtNode()          {}
func (*For) stmtNode()         {}
func (*While) stmtNode()       {}
func (*With) stmtNode()        {}
func (*Try) stmtNode()         {}
func (*Match) stmtNode()       {}
func (*TypeAlias) stmtNode()   {}
func (*BadStmt) stmtNode()     {}

// File is a parsed source file.
type File struct {
	Name string
	// Src is the source as UTF-8; every offset refers to it.
	Src      []byte
	Body     []Stmt
	Comments []Comment

	raw      []byte            // the bytes read, when Src was decoded from them
	encoding string            // their declared encoding (PEP 263), when not UTF-8
	enc      encoding.Encoding // to write edits back in it
}

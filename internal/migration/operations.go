package migration

import (
	"fmt"
	"strings"

	"github.com/djsquash/djsquash/internal/python"
)

// Operation is one entry of a migration's operations list. The interface
// is sealed: every built-in Django operation (and django.contrib.postgres's)
// has its struct; anything else is *Opaque.
type Operation interface {
	Pos() int
	End() int
	// Name is the operation's class name, e.g. "AddField".
	Name() string
	operation()
}

// Op holds what every operation has: the call as written and the source it
// was read from. An operation a workflow synthesizes (the optimizer's
// merged CreateModel) has no Call and no File; its expressions are
// synthesized or wrapped in python.Foreign.
type Op struct {
	Call  *python.Call
	Class string // resolved class name, e.g. "AddField"
	File  *python.File
}

// Pos is the call's offset, or -1 for a synthesized operation.
func (o *Op) Pos() int {
	if o.Call == nil {
		return -1
	}
	return o.Call.Pos()
}

// End is the call's end, or -1 for a synthesized operation.
func (o *Op) End() int {
	if o.Call == nil {
		return -1
	}
	return o.Call.End()
}

// Base returns the Op of a built-in operation; nil for *Opaque.
func Base(op Operation) *Op {
	if b, ok := op.(interface{ base() *Op }); ok {
		return b.base()
	}
	return nil
}

// Value returns e tied to the operation's source, ready to move into a
// synthesized operation.
func (o *Op) Value(e python.Expr) python.Expr { return python.InSource(o.File, e) }
func (o *Op) Name() string                    { return o.Class }
func (o *Op) operation()                      {}
func (o *Op) base() *Op                       { return o }
func (o *Op) String() string                  { return o.Class }

// Field is one (name, field) pair of CreateModel.fields.
type Field struct {
	Name  string
	Value python.Expr // the field expression, e.g. models.CharField(max_length=20)
	Pos   int         // span of the whole tuple
	End   int
}

// Model operations.
type (
	CreateModel struct {
		Op
		Model    string
		Fields   []Field
		Options  python.Expr // each may be nil
		Bases    python.Expr
		Managers python.Expr
	}
	DeleteModel struct {
		Op
		Model string
	}
	RenameModel struct {
		Op
		OldName, NewName string
	}
	AlterModelTable struct {
		Op
		Model string
		Table python.Expr
	}
	AlterModelTableComment struct {
		Op
		Model   string
		Comment python.Expr
	}
	AlterUniqueTogether struct {
		Op
		Model string
		Value python.Expr
	}
	AlterIndexTogether struct {
		Op
		Model string
		Value python.Expr
	}
	AlterOrderWithRespectTo struct {
		Op
		Model string
		Field python.Expr
	}
	AlterModelOptions struct {
		Op
		Model   string
		Options python.Expr
	}
	AlterModelManagers struct {
		Op
		Model    string
		Managers python.Expr
	}
)

// Field operations.
type (
	AddField struct {
		Op
		Model, Field    string
		Value           python.Expr
		PreserveDefault python.Expr // nil: True
	}
	RemoveField struct {
		Op
		Model, Field string
	}
	AlterField struct {
		Op
		Model, Field    string
		Value           python.Expr
		PreserveDefault python.Expr
	}
	RenameField struct {
		Op
		Model, OldName, NewName string
	}
)

// Index and constraint operations. Concurrently and NotValid mark the
// django.contrib.postgres variants.
type (
	AddIndex struct {
		Op
		Model        string
		Index        python.Expr
		IndexName    string // the index's name= when literal
		Concurrently bool
	}
	RemoveIndex struct {
		Op
		Model, Index string
		Concurrently bool
	}
	RenameIndex struct {
		Op
		Model, NewName, OldName string // OldName "" when OldFields is used
		OldFields               python.Expr
	}
	AddConstraint struct {
		Op
		Model          string
		Constraint     python.Expr
		ConstraintName string // the constraint's name= when literal
		NotValid       bool
	}
	RemoveConstraint struct {
		Op
		Model, Constraint string
	}
	AlterConstraint struct {
		Op
		Model, Constraint string
		Value             python.Expr
	}
	ValidateConstraint struct {
		Op
		Model, Constraint string
	}
)

// Special operations.
type (
	RunSQL struct {
		Op
		SQL, ReverseSQL, Hints python.Expr
		StateOperations        []Operation
		Elidable               bool
	}
	RunPython struct {
		Op
		Code, ReverseCode, Atomic, Hints python.Expr
		Elidable                         bool
	}
	SeparateDatabaseAndState struct {
		Op
		DatabaseOperations []Operation
		StateOperations    []Operation
	}
	// CreateExtension covers CreateExtension(name) and its subclasses
	// (HStoreExtension() is CreateExtension with Extension "hstore").
	CreateExtension struct {
		Op
		Extension string
	}
	CreateCollation struct {
		Op
		Collation string
		Args      map[string]python.Expr // locale, provider, deterministic
	}
	RemoveCollation struct {
		Op
		Collation string
		Args      map[string]python.Expr
	}
)

// Opaque is an operation djsquash cannot read: a custom operation class, a
// computed entry, or a built-in called with arguments that are not literal
// where they must be. Workflows keep it verbatim or treat it as a barrier.
type Opaque struct {
	Expr   python.Expr
	Reason string
	File   *python.File // the file Expr was read from
}

func (o *Opaque) Pos() int { return o.Expr.Pos() }
func (o *Opaque) End() int { return o.Expr.End() }
func (o *Opaque) Name() string {
	if c, ok := o.Expr.(*python.Call); ok {
		return calleeName(c.Func)
	}
	return "?"
}
func (o *Opaque) operation() {}

// signature lists an operation's parameters in order (Django 5.2 and main),
// and whether the class is known.
func signature(class string) ([]string, bool) {
	switch class {
	case "CreateModel":
		return []string{"name", "fields", "options", "bases", "managers"}, true
	case "DeleteModel":
		return []string{"name"}, true
	case "RenameModel":
		return []string{"old_name", "new_name"}, true
	case "AlterModelTable":
		return []string{"name", "table"}, true
	case "AlterModelTableComment":
		return []string{"name", "table_comment"}, true
	case "AlterUniqueTogether":
		return []string{"name", "unique_together"}, true
	case "AlterIndexTogether":
		return []string{"name", "index_together"}, true
	case "AlterOrderWithRespectTo":
		return []string{"name", "order_with_respect_to"}, true
	case "AlterModelOptions":
		return []string{"name", "options"}, true
	case "AlterModelManagers":
		return []string{"name", "managers"}, true
	case "AddField", "AlterField":
		return []string{"model_name", "name", "field", "preserve_default"}, true
	case "RemoveField":
		return []string{"model_name", "name", "field"}, true
	case "RenameField":
		return []string{"model_name", "old_name", "new_name"}, true
	case "AddIndex", "AddIndexConcurrently":
		return []string{"model_name", "index"}, true
	case "RemoveIndex", "RemoveIndexConcurrently", "RemoveConstraint", "ValidateConstraint":
		return []string{"model_name", "name"}, true
	case "RenameIndex":
		return []string{"model_name", "new_name", "old_name", "old_fields"}, true
	case "AddConstraint", "AddConstraintNotValid":
		return []string{"model_name", "constraint"}, true
	case "AlterConstraint":
		return []string{"model_name", "name", "constraint"}, true
	case "RunSQL":
		return []string{"sql", "reverse_sql", "state_operations", "hints", "elidable"}, true
	case "RunPython":
		return []string{"code", "reverse_code", "atomic", "hints", "elidable"}, true
	case "SeparateDatabaseAndState":
		return []string{"database_operations", "state_operations"}, true
	case "CreateExtension":
		return []string{"name"}, true
	case "BloomExtension", "BtreeGinExtension", "BtreeGistExtension", "CITextExtension",
		"CryptoExtension", "HStoreExtension", "TrigramExtension", "UnaccentExtension":
		return nil, true
	case "CreateCollation", "RemoveCollation":
		return []string{"name", "locale", "provider", "deterministic"}, true
	}
	return nil, false
}

// extensionName is the PostgreSQL extension a CreateExtension subclass
// installs.
func extensionName(class string) string {
	switch class {
	case "BloomExtension":
		return "bloom"
	case "BtreeGinExtension":
		return "btree_gin"
	case "BtreeGistExtension":
		return "btree_gist"
	case "CITextExtension":
		return "citext"
	case "CryptoExtension":
		return "pgcrypto"
	case "HStoreExtension":
		return "hstore"
	case "TrigramExtension":
		return "pg_trgm"
	case "UnaccentExtension":
		return "unaccent"
	}
	return ""
}

// imports maps names bound at module level by imports to dotted paths.
func imports(f *python.File) map[string]string {
	out := map[string]string{}
	for _, s := range f.Body {
		switch s := s.(type) {
		case *python.Import:
			for _, a := range s.Names {
				if a.AsName != "" {
					out[a.AsName] = a.Name
				} else {
					head, _, _ := strings.Cut(a.Name, ".")
					out[head] = head
				}
			}
		case *python.ImportFrom:
			if s.Level > 0 {
				continue
			}
			for _, a := range s.Names {
				name := a.AsName
				if name == "" {
					name = a.Name
				}
				out[name] = s.Module + "." + a.Name
			}
		}
	}
	return out
}

// calleeName is the dotted text of a callee (a.b.c), or "".
func calleeName(e python.Expr) string {
	switch e := e.(type) {
	case *python.Name:
		return e.ID
	case *python.Attribute:
		if head := calleeName(e.Value); head != "" {
			return head + "." + e.Attr
		}
	}
	return ""
}

// builtin resolves a callee to a Django operation class name, through the
// file's imports: migrations.AddField, AddField imported from
// django.db.migrations, django.contrib.postgres.operations.HStoreExtension...
func builtin(callee string, imp map[string]string) (string, bool) {
	if callee == "" {
		return "", false
	}
	head, rest, _ := strings.Cut(callee, ".")
	full := callee
	if path, ok := imp[head]; ok {
		full = path
		if rest != "" {
			full += "." + rest
		}
	}
	i := strings.LastIndex(full, ".")
	if i < 0 {
		return "", false
	}
	module, class := full[:i], full[i+1:]
	switch {
	case module == "django.db.migrations", module == "django.db.migrations.operations",
		strings.HasPrefix(module, "django.db.migrations.operations."):
	case module == "django.contrib.postgres.operations":
	default:
		return "", false
	}
	if _, ok := signature(class); !ok {
		return "", false
	}
	return class, true
}

// opReader turns expressions into operations.
type opReader struct {
	imp  map[string]string
	src  []byte
	file *python.File
	// lists are names bound once to a literal list of operations in the
	// Migration class body (class) or the module (not class): the
	// pattern state_operations = [...] then
	// SeparateDatabaseAndState(state_operations=state_operations).
	lists map[string]namedList
}

type namedList struct {
	value python.Expr
	class bool
}

// readOperations reads a migration's operations list.
func readOperations(f *python.File, e python.Expr, lists map[string]namedList) []Operation {
	r := &opReader{imp: imports(f), src: f.Src, file: f, lists: lists}
	return r.list(e)
}

// resolve is a name's literal list, or the expression itself.
func (r *opReader) resolve(e python.Expr) python.Expr {
	if n, ok := e.(*python.Name); ok {
		if l, ok := r.lists[n.ID]; ok {
			return l.value
		}
	}
	return e
}

func (r *opReader) list(e python.Expr) []Operation {
	var elts []python.Expr
	switch l := r.resolve(e).(type) {
	case *python.List:
		elts = l.Elts
	case *python.Tuple:
		elts = l.Elts
	default:
		return []Operation{&Opaque{File: r.file, Expr: e, Reason: "the operations list is computed (" + python.Describe(e) + ")"}}
	}
	out := make([]Operation, 0, len(elts))
	for _, el := range elts {
		out = append(out, r.one(el))
	}
	return out
}

func (r *opReader) one(e python.Expr) Operation {
	call, ok := e.(*python.Call)
	if !ok {
		return &Opaque{File: r.file, Expr: e, Reason: "not an operation call (" + python.Describe(e) + ")"}
	}
	callee := calleeName(call.Func)
	class, ok := builtin(callee, r.imp)
	if !ok {
		return &Opaque{File: r.file, Expr: e, Reason: fmt.Sprintf("%s is not a built-in Django operation", callee)}
	}
	params, _ := signature(class)
	args, err := bind(call, params)
	if err != "" {
		return &Opaque{File: r.file, Expr: e, Reason: class + ": " + err}
	}
	call = r.inline(call)
	op, reason := r.build(Op{Call: call, Class: class, File: r.file}, args)
	if reason != "" {
		return &Opaque{File: r.file, Expr: e, Reason: class + ": " + reason}
	}
	return op
}

// inline replaces, in a copy of call, keyword values that name a list of
// the Migration class body by that list: a squash copies the call into a
// file where the class attribute does not exist. (A module-level list is
// copied with the code, as any constant.)
func (r *opReader) inline(call *python.Call) *python.Call {
	var kws []*python.Keyword
	for i, k := range call.Keywords {
		n, ok := k.Value.(*python.Name)
		if !ok {
			continue
		}
		l, ok := r.lists[n.ID]
		if !ok || !l.class {
			continue
		}
		if kws == nil {
			kws = append([]*python.Keyword{}, call.Keywords...)
		}
		nk := *k
		nk.Value = python.InSource(r.file, l.value)
		kws[i] = &nk
	}
	if kws == nil {
		return call
	}
	c := *call
	c.Keywords = kws
	return &c
}

// bind maps a call's arguments to parameter names as Python would.
func bind(call *python.Call, params []string) (map[string]python.Expr, string) {
	args := map[string]python.Expr{}
	for i, a := range call.Args {
		if _, ok := a.(*python.Starred); ok {
			return nil, "*args cannot be read statically"
		}
		if i >= len(params) {
			return nil, fmt.Sprintf("takes %d positional arguments, %d given", len(params), len(call.Args))
		}
		args[params[i]] = a
	}
	for _, k := range call.Keywords {
		if k.Arg == "" {
			return nil, "**kwargs cannot be read statically"
		}
		known := false
		for _, p := range params {
			known = known || p == k.Arg
		}
		if !known {
			return nil, fmt.Sprintf("unexpected keyword argument %q", k.Arg)
		}
		if _, dup := args[k.Arg]; dup {
			return nil, fmt.Sprintf("multiple values for argument %q", k.Arg)
		}
		args[k.Arg] = k.Value
	}
	return args, ""
}

// build fills the struct of one class; a non-empty reason makes it opaque.
func (r *opReader) build(o Op, a map[string]python.Expr) (Operation, string) {
	var reason string
	str := func(param string) string {
		e, ok := a[param]
		if !ok {
			if reason == "" {
				reason = "missing argument " + param
			}
			return ""
		}
		s, ok := stringValue(e)
		if !ok && reason == "" {
			reason = param + " is not a literal string"
		}
		return s
	}
	optStr := func(param string) string {
		if _, ok := a[param]; !ok {
			return ""
		}
		return str(param)
	}
	flag := func(param string) bool {
		c, ok := a[param].(*python.Constant)
		if a[param] != nil && !ok && reason == "" {
			reason = param + " is not a literal True/False"
		}
		return ok && c.Kind == python.True
	}
	var op Operation
	switch o.Class {
	case "CreateModel":
		cm := &CreateModel{Op: o, Model: str("name"), Options: a["options"], Bases: a["bases"], Managers: a["managers"]}
		cm.Fields, reason = r.fields(a["fields"], reason)
		op = cm
	case "DeleteModel":
		op = &DeleteModel{Op: o, Model: str("name")}
	case "RenameModel":
		op = &RenameModel{Op: o, OldName: str("old_name"), NewName: str("new_name")}
	case "AlterModelTable":
		op = &AlterModelTable{Op: o, Model: str("name"), Table: a["table"]}
	case "AlterModelTableComment":
		op = &AlterModelTableComment{Op: o, Model: str("name"), Comment: a["table_comment"]}
	case "AlterUniqueTogether":
		op = &AlterUniqueTogether{Op: o, Model: str("name"), Value: a["unique_together"]}
	case "AlterIndexTogether":
		op = &AlterIndexTogether{Op: o, Model: str("name"), Value: a["index_together"]}
	case "AlterOrderWithRespectTo":
		op = &AlterOrderWithRespectTo{Op: o, Model: str("name"), Field: a["order_with_respect_to"]}
	case "AlterModelOptions":
		op = &AlterModelOptions{Op: o, Model: str("name"), Options: a["options"]}
	case "AlterModelManagers":
		op = &AlterModelManagers{Op: o, Model: str("name"), Managers: a["managers"]}
	case "AddField":
		op = &AddField{Op: o, Model: str("model_name"), Field: str("name"), Value: a["field"], PreserveDefault: a["preserve_default"]}
	case "AlterField":
		op = &AlterField{Op: o, Model: str("model_name"), Field: str("name"), Value: a["field"], PreserveDefault: a["preserve_default"]}
	case "RemoveField":
		op = &RemoveField{Op: o, Model: str("model_name"), Field: str("name")}
	case "RenameField":
		op = &RenameField{Op: o, Model: str("model_name"), OldName: str("old_name"), NewName: str("new_name")}
	case "AddIndex", "AddIndexConcurrently":
		op = &AddIndex{Op: o, Model: str("model_name"), Index: a["index"], IndexName: kwString(a["index"], "name"), Concurrently: o.Class == "AddIndexConcurrently"}
	case "RemoveIndex", "RemoveIndexConcurrently":
		op = &RemoveIndex{Op: o, Model: str("model_name"), Index: str("name"), Concurrently: o.Class == "RemoveIndexConcurrently"}
	case "RenameIndex":
		op = &RenameIndex{Op: o, Model: str("model_name"), NewName: str("new_name"), OldName: optStr("old_name"), OldFields: a["old_fields"]}
	case "AddConstraint", "AddConstraintNotValid":
		op = &AddConstraint{Op: o, Model: str("model_name"), Constraint: a["constraint"], ConstraintName: kwString(a["constraint"], "name"), NotValid: o.Class == "AddConstraintNotValid"}
	case "RemoveConstraint":
		op = &RemoveConstraint{Op: o, Model: str("model_name"), Constraint: str("name")}
	case "AlterConstraint":
		op = &AlterConstraint{Op: o, Model: str("model_name"), Constraint: str("name"), Value: a["constraint"]}
	case "ValidateConstraint":
		op = &ValidateConstraint{Op: o, Model: str("model_name"), Constraint: str("name")}
	case "RunSQL":
		rs := &RunSQL{Op: o, SQL: a["sql"], ReverseSQL: a["reverse_sql"], Hints: a["hints"], Elidable: flag("elidable")}
		if rs.SQL == nil && reason == "" {
			reason = "missing argument sql"
		}
		if s := a["state_operations"]; s != nil {
			rs.StateOperations = r.list(s)
		}
		op = rs
	case "RunPython":
		rp := &RunPython{Op: o, Code: a["code"], ReverseCode: a["reverse_code"], Atomic: a["atomic"], Hints: a["hints"], Elidable: flag("elidable")}
		if rp.Code == nil && reason == "" {
			reason = "missing argument code"
		}
		op = rp
	case "SeparateDatabaseAndState":
		sd := &SeparateDatabaseAndState{Op: o}
		if d := a["database_operations"]; d != nil {
			sd.DatabaseOperations = r.list(d)
		}
		if s := a["state_operations"]; s != nil {
			sd.StateOperations = r.list(s)
		}
		op = sd
	case "CreateExtension":
		op = &CreateExtension{Op: o, Extension: str("name")}
	case "CreateCollation":
		op = &CreateCollation{Op: o, Collation: str("name"), Args: a}
	case "RemoveCollation":
		op = &RemoveCollation{Op: o, Collation: str("name"), Args: a}
	default: // the CreateExtension subclasses
		op = &CreateExtension{Op: o, Extension: extensionName(o.Class)}
	}
	return op, reason
}

// fields reads CreateModel's list of (name, field) pairs.
func (r *opReader) fields(e python.Expr, reason string) ([]Field, string) {
	if e == nil {
		if reason == "" {
			reason = "missing argument fields"
		}
		return nil, reason
	}
	var elts []python.Expr
	switch l := e.(type) {
	case *python.List:
		elts = l.Elts
	case *python.Tuple:
		elts = l.Elts
	default:
		if reason == "" {
			reason = "fields is computed"
		}
		return nil, reason
	}
	var out []Field
	for _, el := range elts {
		t, ok := el.(*python.Tuple)
		if !ok || len(t.Elts) != 2 {
			return nil, "a field is not a (name, field) pair"
		}
		name, ok := stringValue(t.Elts[0])
		if !ok {
			return nil, "a field name is not a literal string"
		}
		out = append(out, Field{Name: name, Value: t.Elts[1], Pos: t.Pos(), End: t.End()})
	}
	return out, reason
}

// kwString returns the literal string keyword argument of a call, or "".
func kwString(e python.Expr, name string) string {
	c, ok := e.(*python.Call)
	if !ok {
		return ""
	}
	for _, k := range c.Keywords {
		if k.Arg == name {
			s, _ := stringValue(k.Value)
			return s
		}
	}
	return ""
}

// OptionModel is the model a model-option operation (AlterModelOptions,
// AlterModelTable, AlterModelTableComment, AlterUniqueTogether,
// AlterIndexTogether, AlterOrderWithRespectTo, AlterModelManagers) or
// ValidateConstraint names; "" for any other operation.
func OptionModel(op Operation) string {
	switch o := op.(type) {
	case *AlterModelOptions:
		return o.Model
	case *AlterModelTable:
		return o.Model
	case *AlterModelTableComment:
		return o.Model
	case *AlterUniqueTogether:
		return o.Model
	case *AlterIndexTogether:
		return o.Model
	case *AlterOrderWithRespectTo:
		return o.Model
	case *AlterModelManagers:
		return o.Model
	case *ValidateConstraint:
		return o.Model
	}
	return ""
}

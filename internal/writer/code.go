package writer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/python"
)

// Codes of the writer's diagnostics.
const (
	CodeNotCopied = "DJ301" // code an operation uses cannot be copied; it is imported from its module
	CodeUndefined = "DJ302" // an operation uses a name its file does not define
)

// copier decides, for the operations of a new file, which imports it needs
// and which definitions of their files must be copied into it, renaming
// those whose names clash.
type copier struct {
	modules map[*python.File]*module
	sources map[*python.File]string // module names; scopes are read on first use
	imports map[string]bool
	copies  map[*binding]*copied
	order   []*copied
	// uses are the references to each copied binding, in operations and
	// in copied code, renamed with it.
	uses   map[*binding][]*python.Name
	rename map[*python.Name]string
	diags  []diag.Diagnostic
}

// copied is one definition copied into the new file.
type copied struct {
	b       *binding
	mod     *module
	newName string
	// verbatim: copied as written, the printer could not lay it out
	verbatim bool
	failed   string // why it cannot be copied ("" when it can)
	pos      int
	done     bool
}

// module returns a source file's scope, read the first time it is needed:
// a squash of hundreds of migrations uses code from a few.
func (c *copier) module(f *python.File) *module {
	if m := c.modules[f]; m != nil {
		return m
	}
	m := newModule(f, c.sources[f])
	c.modules[f] = m
	return m
}

func newCopier() *copier {
	return &copier{modules: map[*python.File]*module{}, sources: map[*python.File]string{}, imports: map[string]bool{}, copies: map[*binding]*copied{},
		uses: map[*binding][]*python.Name{}, rename: map[*python.Name]string{}}
}

// expr records what an operation expression needs: it walks the
// synthesized skeleton and reads each part taken from a file in that
// file's scope (the Migration class body first, then the module).
func (c *copier) expr(e python.Expr) {
	switch x := e.(type) {
	case nil:
	case *python.Foreign:
		mod := c.module(x.File)
		for _, u := range freeNames(x.X, nil) {
			c.reference(mod, u, true)
		}
	case *python.Exploded:
		c.expr(x.X)
	case *python.Call:
		c.expr(x.Func)
		for _, a := range x.Args {
			c.expr(a)
		}
		for _, k := range x.Keywords {
			c.expr(k.Value)
		}
	case *python.Attribute:
		if base, chain := dotted(x); base != nil && base.ID == "django" {
			// A synthesized django.contrib.postgres.operations.X.
			c.imports["import "+chain[:strings.LastIndex(chain, ".")]] = true
			return
		}
		c.expr(x.Value)
	case *python.List:
		for _, a := range x.Elts {
			c.expr(a)
		}
	case *python.Tuple:
		for _, a := range x.Elts {
			c.expr(a)
		}
	case *python.Set:
		for _, a := range x.Elts {
			c.expr(a)
		}
	case *python.Dict:
		for i := range x.Keys {
			c.expr(x.Keys[i])
			c.expr(x.Values[i])
		}
	}
}

// reference resolves one free name of code in mod. fromOperation says the
// reference is in an operation (which sees the Migration class body).
func (c *copier) reference(mod *module, u use, fromOperation bool) (ok bool, why string) {
	name := u.name.ID
	if name == "migrations" {
		return true, "" // the new file always imports it
	}
	b := mod.names[name]
	if fromOperation {
		if cb := mod.class[name]; cb != nil {
			b = cb
		}
	}
	if b == nil {
		if isBuiltin(name) {
			return true, ""
		}
		if mod.star >= 0 {
			why = fmt.Sprintf("%s may come from the star import", name)
			if fromOperation {
				c.fallback(mod, u, why, mod.star)
			}
			return false, why
		}
		c.diags = append(c.diags, diag.Diagnostic{Severity: diag.Warning, Code: CodeUndefined, File: mod.file.Name, Offset: u.name.Pos(),
			Message: fmt.Sprintf("%s is not defined in %s: the written file names it as it is", name, mod.name)})
		return true, ""
	}
	if b.imports != nil {
		c.importFor(mod, b, u.chain)
		return true, ""
	}
	cp := c.need(mod, b)
	if cp.failed != "" {
		if fromOperation {
			c.fallback(mod, u, cp.failed, cp.pos)
		}
		return false, cp.failed
	}
	c.uses[b] = append(c.uses[b], u.name)
	return true, ""
}

// fallback makes an operation import what it uses from the original
// module, which stays importable while the original files exist.
func (c *copier) fallback(mod *module, u use, why string, pos int) {
	c.imports["import importlib"] = true
	c.rename[u.name] = fmt.Sprintf("importlib.import_module(%s).%s", python.Quote(mod.name), u.name.ID)
	c.diags = append(c.diags, diag.Diagnostic{Severity: diag.Warning, Code: CodeNotCopied, File: mod.file.Name, Offset: pos,
		Message: fmt.Sprintf("cannot copy %s: %s", u.name.ID, why),
		Hint:    fmt.Sprintf("the operation imports it from %s, which must stay until every database applied this migration", mod.name)})
}

// need copies a definition, with everything it uses, or says why not.
func (c *copier) need(mod *module, b *binding) *copied {
	if cp := c.copies[b]; cp != nil {
		return cp // done, or in progress (a recursive reference)
	}
	cp := &copied{b: b, mod: mod, newName: b.name}
	c.copies[b] = cp
	fail := func(why string, pos int) *copied {
		cp.failed, cp.pos = why, pos
		return cp
	}
	if b.unsafe != "" {
		return fail(b.unsafe, b.pos)
	}
	if pos, ok := mod.effect[b.name]; ok {
		return fail(fmt.Sprintf("%s is changed or used by a module-level statement", b.name), pos)
	}
	var bad string
	badPos := -1
	python.Inspect(b.stmt, func(n python.Node) bool {
		switch x := n.(type) {
		case *python.Global:
			if badPos < 0 {
				bad, badPos = "it uses a global statement", x.Pos()
			}
		case *python.Name:
			switch x.ID {
			case "__name__", "__file__", "__spec__", "__package__", "__loader__":
				if badPos < 0 {
					bad, badPos = "it refers to its own module ("+x.ID+")", x.Pos()
				}
			}
		}
		return true
	})
	if badPos >= 0 {
		return fail(bad, badPos)
	}
	var uses []use
	switch x := b.stmt.(type) {
	case *python.FunctionDef, *python.ClassDef:
		uses = freeNames(x, nil)
	case *python.Assign:
		uses = freeNames(x.Value, nil)
		for _, t := range x.Targets {
			for _, n := range targetNames(t) {
				c.uses[b] = append(c.uses[b], n)
			}
		}
	case *python.AnnAssign:
		uses = freeNames(x.Annotation, nil)
		if x.Value != nil {
			uses = append(uses, freeNames(x.Value, nil)...)
		}
		for _, n := range targetNames(x.Target) {
			c.uses[b] = append(c.uses[b], n)
		}
	default:
		return fail(fmt.Sprintf("%s is not bound by a definition or an assignment", b.name), b.stmt.Pos())
	}
	for _, u := range uses {
		if u.name.ID == b.name {
			c.uses[b] = append(c.uses[b], u.name) // recursion
			continue
		}
		if ok, why := c.reference(mod, u, false); !ok {
			return fail(fmt.Sprintf("%s needs %s, which cannot be copied: %s", b.name, u.name.ID, why), u.name.Pos())
		}
	}
	cp.done = true
	c.order = append(c.order, cp)
	return cp
}

// importFor adds the import lines that bind a name as the chain uses it.
func (c *copier) importFor(mod *module, b *binding, chain string) {
	var lines []string
	for _, im := range b.imports {
		line, prefix := importLine(mod, im)
		if prefix == "" || chain == prefix || strings.HasPrefix(chain, prefix+".") {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		// "import a.b" bound a, and the code uses a.c: keep them all.
		for _, im := range b.imports {
			line, _ := importLine(mod, im)
			lines = append(lines, line)
		}
	}
	for _, l := range lines {
		c.imports[l] = true
	}
}

// importLine writes one imported name as its own statement, relative
// imports made absolute. For "import a.b.c" it also returns the dotted path
// a use must start with.
func importLine(mod *module, im *importedName) (line, prefix string) {
	a := im.alias
	switch s := im.stmt.(type) {
	case *python.Import:
		if a.AsName != "" {
			return "import " + a.Name + " as " + a.AsName, ""
		}
		return "import " + a.Name, a.Name
	case *python.ImportFrom:
		from := s.Module
		if s.Level > 0 {
			parts := strings.Split(mod.name, ".")
			parts = parts[:max(0, len(parts)-s.Level)]
			if from != "" {
				parts = append(parts, from)
			}
			from = strings.Join(parts, ".")
		}
		line = "from " + from + " import " + a.Name
		if a.AsName != "" {
			line += " as " + a.AsName
		}
		return line, ""
	}
	return "", ""
}

// assignNames renames copies whose names clash with each other or with a
// name the file imports: name_NNNN, after the number of the migration they
// come from.
func (c *copier) assignNames() {
	taken := map[string]bool{"migrations": true, "Migration": true, "importlib": true}
	for line := range c.imports {
		for _, n := range importedNames(line) {
			taken[n] = true
		}
	}
	byName := map[string][]*copied{}
	for _, cp := range c.order {
		byName[cp.b.name] = append(byName[cp.b.name], cp)
	}
	// Copies of one name from one module (a, b = ...) are one definition.
	distinct := func(cps []*copied) int {
		seen := map[python.Stmt]bool{}
		for _, cp := range cps {
			seen[cp.b.stmt] = true
		}
		return len(seen)
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cps := byName[n]
		if distinct(cps) < 2 && !taken[n] {
			taken[n] = true
			continue
		}
		for _, cp := range cps {
			base := n + "_" + migrationNumber(cp.mod.name)
			nn := base
			for i := 2; taken[nn]; i++ {
				nn = fmt.Sprintf("%s_%d", base, i)
			}
			taken[nn] = true
			cp.newName = nn
			for _, u := range c.uses[cp.b] {
				c.rename[u] = nn
			}
		}
	}
}

// importedNames are the names an import line binds.
func importedNames(line string) []string {
	f := strings.Fields(line)
	switch {
	case len(f) >= 4 && f[len(f)-2] == "as":
		return []string{f[len(f)-1]}
	case f[0] == "import":
		head, _, _ := strings.Cut(f[1], ".")
		return []string{head}
	case f[0] == "from":
		var out []string
		for _, n := range f[3:] {
			out = append(out, strings.TrimSuffix(n, ","))
		}
		return out
	}
	return nil
}

// migrationNumber is the leading number of a migration module's name
// ("0007" of app.migrations.0007_data), or its whole last part.
func migrationNumber(module string) string {
	last := module[strings.LastIndex(module, ".")+1:]
	i := 0
	for i < len(last) && last[i] >= '0' && last[i] <= '9' {
		i++
	}
	if i > 0 {
		return last[:i]
	}
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, last)
}

// text is a copied definition's source, renamed and moved to column 0.
func (c *copier) text(cp *copied) string {
	f := cp.mod.file
	stmt := cp.b.stmt
	start := stmt.Pos()
	switch x := stmt.(type) {
	case *python.FunctionDef:
		if len(x.Decorators) > 0 {
			start = x.Decorators[0].Pos()
		}
	case *python.ClassDef:
		if len(x.Decorators) > 0 {
			start = x.Decorators[0].Pos()
		}
	}
	for start > 0 && f.Src[start-1] != '\n' {
		start--
	}
	// Comment lines right above the definition belong to it.
	for start > 0 {
		prev := start - 1
		for prev > 0 && f.Src[prev-1] != '\n' {
			prev--
		}
		line := strings.TrimSpace(string(f.Src[prev : start-1]))
		if !strings.HasPrefix(line, "#") || prev == 0 && (strings.HasPrefix(line, "# Generated by") || strings.HasPrefix(line, "# -*-") || strings.HasPrefix(line, "#!")) {
			break
		}
		start = prev
	}
	// In black's style when the printer can lay it out as black would
	// (the source need not be black's); else as written, renamed.
	pr := python.Printer{Rename: c.rename}
	if cp.newName != cp.b.name {
		pr.DefNames = map[python.Stmt]string{stmt: cp.newName}
	}
	if body, ok := pr.Stmt(f, stmt, 0); ok {
		var lines []string
		for _, l := range strings.Split(string(f.Src[start:lineStartOf(f.Src, python.StmtStart(stmt))]), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, python.NormalizeComment(l))
			}
		}
		return strings.Join(append(lines, body), "\n")
	}
	cp.verbatim = true
	end := stmt.End()
	type sub struct {
		pos, end int
		text     string
	}
	var subs []sub
	python.Inspect(stmt, func(n python.Node) bool {
		if nm, ok := n.(*python.Name); ok {
			if r, ok := c.rename[nm]; ok {
				subs = append(subs, sub{nm.Pos(), nm.End(), r})
			}
		}
		return true
	})
	if cp.newName != cp.b.name {
		switch x := stmt.(type) {
		case *python.FunctionDef:
			subs = append(subs, sub{x.NamePos, x.NamePos + len(x.Name), cp.newName})
		case *python.ClassDef:
			subs = append(subs, sub{x.NamePos, x.NamePos + len(x.Name), cp.newName})
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].pos < subs[j].pos })
	var b strings.Builder
	last := start
	for _, s := range subs {
		if s.pos < last {
			continue
		}
		b.Write(f.Src[last:s.pos])
		b.WriteString(s.text)
		last = s.end
	}
	b.Write(f.Src[last:end])
	text := b.String()
	if f.Src[start] == ' ' || f.Src[start] == '\t' || cp.b.inClass {
		text = python.Reindent([]byte(text), 0)
	}
	return strings.TrimRight(text, " \t\r\n")
}

func lineStartOf(src []byte, pos int) int {
	for pos > 0 && src[pos-1] != '\n' {
		pos--
	}
	return pos
}

package python

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// spans lists "Type text" for every node of a kind in source order.
func spans(t *testing.T, src string, want func(Node) bool) []string {
	t.Helper()
	f, diags := ParseFile("t.py", []byte(src))
	if len(diags) > 0 {
		t.Fatalf("%q: %v", src, diags)
	}
	var out []string
	Inspect(f, func(n Node) bool {
		if name, ok := cpyName(n); ok && want(n) {
			out = append(out, name+" "+src[n.Pos():n.End()])
		}
		return true
	})
	return out
}

func isExpr(n Node) bool { _, ok := n.(Expr); return ok }

// TestNewerSyntax covers what CPython 3.11 cannot parse, so the
// differential test cannot: expectations are written by hand.
func TestNewerSyntax(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		// PEP 701: the outer quote reused inside a field, nested fields.
		{`x = f"{d["key"]} {f"{y}"}"`, []string{
			`Name x`, `JoinedStr f"{d["key"]} {f"{y}"}"`, `Subscript d["key"]`, `Name d`, `Constant "key"`,
			`Constant  `, `JoinedStr f"{y}"`, `Name y`}},
		{`x = f"{v!r:>{width}}"`, []string{`Name x`, `JoinedStr f"{v!r:>{width}}"`, `Name v`, `JoinedStr >{width}`, `Constant >`, `Name width`}},
		// PEP 750 template strings.
		{`x = t"hi {name}"`, []string{`Name x`, `JoinedStr t"hi {name}"`, `Constant hi `, `Name name`}},
		// PEP 695 generics and type aliases.
		{"type Pair[T] = tuple[T, T]\n", []string{`Name Pair`, `Subscript tuple[T, T]`, `Name tuple`, `Tuple T, T`, `Name T`, `Name T`}},
		{"def first[T: int, *Ts, **P](x: T) -> T:\n    return x\n", []string{`Name int`, `Name T`, `Name T`, `Name x`}},
		{"class Box[T = int]:\n    pass\n", []string{`Name int`}},
		// PEP 758: except without parentheses.
		{"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", []string{`Tuple ValueError, TypeError`, `Name ValueError`, `Name TypeError`}},
	} {
		got := spans(t, c.src, isExpr)
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%q (-want +got):\n%s", c.src, d)
		}
	}
}

func TestDecodedStrings(t *testing.T) {
	for src, want := range map[string]string{
		`"a" 'b' """c"""`:            "abc",
		`r"\n\d"`:                    `\n\d`,
		`"\x41\u00e9\U0001F600\101"`: "Aé😀A",
		`"\N{EM DASH}\q"`:            "—\\q",
		"'''a\r\nb'''":               "a\nb",
		"'a\\\nb'":                   "ab",
	} {
		e, diags := ParseExpr([]byte(src))
		if len(diags) > 0 {
			t.Errorf("%s: %v", src, diags)
			continue
		}
		c, ok := e.(*Constant)
		if !ok || c.Value != want {
			t.Errorf("%s: got %#v, want %q", src, e, want)
		}
	}
	e, _ := ParseExpr([]byte(`b"\xff\u00e9"`))
	if c := e.(*Constant); c.Kind != Bytes || c.Value != "\xff\\u00e9" {
		t.Errorf("bytes: %#v", c)
	}
}

// TestErrors checks messages, positions and that parsing goes on after an
// error to report the next one.
func TestErrors(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"x = (1,\ny = 2\n", []string{"t.py:2:3: error: expected ')', found '=' [PY001]"}},
		{"def f(:\n    pass\nx = [\ny = 1)\nz = 'open\n", []string{
			"t.py:1:7: error: expected name, found ':' [PY001]",
			// Inside the open '[' the newline means nothing: the parser
			// stops at the '=' of the next line.
			"t.py:4:3: error: expected ']', found '=' [PY001]",
			"t.py:5:5: error: unterminated string literal [PY002]",
		}},
		{"if x:\npass\n", []string{"t.py:2:1: error: expected an indented block, found 'pass' [PY001]"}},
		{"if x:\n        a = 1\n    b = 2\n", []string{"t.py:3:5: error: unindent does not match any outer indentation level [PY002]"}},
		{"x = 1 +\n", []string{"t.py:1:8: error: expected an expression, found NEWLINE [PY001]"}},
		{"f(x for x in y, 1)\nclass\n", []string{"t.py:2:6: error: expected name, found NEWLINE [PY001]"}},
	} {
		_, diags := ParseFile("t.py", []byte(c.src))
		var got []string
		for _, d := range diags {
			got = append(got, d.String())
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%q (-want +got):\n%s", c.src, d)
		}
	}
}

// TestSpansAreExactText: slicing the source by a node's span gives its
// text, for statements too.
func TestSpansAreExactText(t *testing.T) {
	src := "@dec\ndef f(a, b=1):\n    return a  # done\n\nclass C(B):\n    x: int = 1\n\nfrom .m import (a as b,\n    c)\n"
	got := spans(t, src, func(n Node) bool { _, ok := n.(Stmt); return ok })
	want := []string{
		"FunctionDef def f(a, b=1):\n    return a",
		"Return return a",
		"ClassDef class C(B):\n    x: int = 1",
		"AnnAssign x: int = 1",
		"ImportFrom from .m import (a as b,\n    c)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	f, _ := ParseFile("t.py", []byte(src))
	if len(f.Comments) != 1 || src[f.Comments[0].Pos:f.Comments[0].End] != "# done" {
		t.Errorf("comments: %v", f.Comments)
	}
	imp := f.Body[2].(*ImportFrom)
	if imp.Module != "m" || imp.Level != 1 || imp.Names[0].Name != "a" || imp.Names[0].AsName != "b" {
		t.Errorf("import: %+v", imp)
	}
}

func TestSoftKeywordsAsNames(t *testing.T) {
	src := "match = 1\ncase = match[0]\ntype = match\nmatch(x)\nmatch [a]:\n    case _: pass\n"
	f, diags := ParseFile("t.py", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var kinds []string
	for _, s := range f.Body {
		name, _ := cpyName(s)
		kinds = append(kinds, name)
	}
	if got := strings.Join(kinds, " "); got != "Assign Assign Assign Expr Match" {
		t.Errorf("got %s", got)
	}
}

// TestErrorsAreBounded: a file of garbage yields a bounded number of
// diagnostics (the fuzzer found 3 µs per diagnostic adding up on 300 KB).
func TestErrorsAreBounded(t *testing.T) {
	src := []byte(strings.Repeat("\xd7", 10000) + "\n" + strings.Repeat("(", 5000))
	_, diags := ParseFile("t.py", src)
	if len(diags) == 0 || len(diags) > 2*maxErrors {
		t.Errorf("%d diagnostics, want 1 to %d", len(diags), 2*maxErrors)
	}
}

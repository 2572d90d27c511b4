package python

import (
	"os"
	"path/filepath"
	"testing"
)

// children returns n's immediate children.
func children(n Node) []Node {
	var out []Node
	Inspect(n, func(c Node) bool {
		if c == n {
			return true
		}
		out = append(out, c)
		return false
	})
	return out
}

// checkSpans verifies that every span lies within the source and inside
// its parent's. Decorators precede their def or class, as in CPython.
func checkSpans(t *testing.T, src []byte, n Node) {
	var decorators map[Node]bool
	switch d := n.(type) {
	case *FunctionDef:
		decorators = map[Node]bool{}
		for _, e := range d.Decorators {
			decorators[e] = true
		}
	case *ClassDef:
		decorators = map[Node]bool{}
		for _, e := range d.Decorators {
			decorators[e] = true
		}
	}
	for _, c := range children(n) {
		if c.Pos() < 0 || c.End() > len(src) || c.Pos() > c.End() {
			t.Fatalf("%T span %d-%d outside the input (%d bytes): %q", c, c.Pos(), c.End(), len(src), src)
		}
		if !decorators[c] {
			if _, isFile := n.(*File); !isFile && (c.Pos() < n.Pos() || c.End() > n.End()) {
				t.Fatalf("%T %d-%d not inside its parent %T %d-%d: %q", c, c.Pos(), c.End(), n, n.Pos(), n.End(), src)
			}
		}
		checkSpans(t, src, c)
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/cpython/*.py")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "(", "f'{", "\"\"\"", "if x:\n\tpass\n  pass", "x = [1,\n", "\xef\xbb\xbf\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, _ := ParseFile("fuzz.py", src)
		checkSpans(t, src, file)
	})
}

// TestSpansNestOnCorpus runs the fuzz property over the seed corpus, so
// it holds in every ordinary test run too.
func TestSpansNestOnCorpus(t *testing.T) {
	seeds, _ := filepath.Glob("testdata/cpython/*.py")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		file, _ := ParseFile(s, b)
		checkSpans(t, b, file)
	}
}

func BenchmarkParse(b *testing.B) {
	files, _ := filepath.Glob("testdata/cpython/*.py")
	ex, _ := filepath.Glob("../../examples/bookshop/*/migrations/*.py")
	var srcs [][]byte
	total := 0
	for _, p := range append(files, ex...) {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		total += len(src)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			ParseFile("bench.py", src)
		}
	}
}

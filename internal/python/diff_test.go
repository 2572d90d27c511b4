package python

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// cpyName maps our node to CPython's ast class name; false for nodes the
// differential test leaves out (see testdata/cpython_ast.py).
func cpyName(n Node) (string, bool) {
	switch n := n.(type) {
	case *ExprStmt:
		return "Expr", true
	case *FunctionDef:
		if n.IsAsync {
			return "AsyncFunctionDef", true
		}
		return "FunctionDef", true
	case *For:
		if n.IsAsync {
			return "AsyncFor", true
		}
		return "For", true
	case *With:
		if n.IsAsync {
			return "AsyncWith", true
		}
		return "With", true
	case *Try:
		if n.Star {
			return "TryStar", true
		}
		return "Try", true
	case *Comp:
		return [...]string{"ListComp", "SetComp", "DictComp", "GeneratorExp"}[n.Kind], true
	case *Alias:
		return "alias", true
	case *Keyword:
		return "keyword", true
	case *Arg:
		return "arg", true
	case *File, *Comprehension, *FormattedValue, *TypeParam, *BadStmt:
		return "", false
	}
	name := fmt.Sprintf("%T", n)
	return name[strings.LastIndex(name, ".")+1:], true
}

// positions lists our nodes as CPython's oracle prints them.
func positions(f *File) []string {
	starts := []int{0}
	src := f.Src
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' || src[i] == '\r' {
			if src[i] == '\r' && i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	bom := 0
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		bom = 3
	}
	lc := func(off int) (int, int) {
		i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
		col := off - starts[i]
		if i == 0 {
			col -= bom
		}
		return i + 1, col
	}
	skip := map[Node]bool{}
	var out []string
	Inspect(f, func(n Node) bool {
		if js, ok := n.(*JoinedStr); ok {
			for _, v := range js.Values {
				if fv, ok := v.(*FormattedValue); ok && fv.FormatSpec != nil {
					skip[fv.FormatSpec] = true
					for _, w := range fv.FormatSpec.Values {
						skip[w] = true
					}
				} else {
					skip[v] = true
				}
			}
		}
		name, ok := cpyName(n)
		if !ok || skip[n] {
			return true
		}
		l1, c1 := lc(n.Pos())
		l2, c2 := lc(n.End())
		val := "null"
		if c, ok := n.(*Constant); ok && (c.Kind == Str || c.Kind == Bytes) {
			v := c.Value
			if c.Kind == Bytes {
				r := make([]rune, len(v))
				for i := 0; i < len(v); i++ {
					r[i] = rune(v[i])
				}
				v = string(r)
			}
			b, _ := json.Marshal(v)
			val = string(b)
		}
		out = append(out, fmt.Sprintf("%s %d:%d-%d:%d %s", name, l1, c1, l2, c2, val))
		return true
	})
	sort.Strings(out)
	return out
}

// oracleFiles are the files the differential test reads: our corpus, the
// example project, and the real-world corpus when DJSQUASH_CORPUS is set.
func oracleFiles(t *testing.T) []string {
	files, _ := filepath.Glob("testdata/cpython/*.py")
	ex, _ := filepath.Glob("../../examples/bookshop/*/migrations/*.py")
	files = append(files, ex...)
	if dir := os.Getenv("DJSQUASH_CORPUS"); dir != "" {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".py") && strings.Contains(p, "/migrations/") {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 10 {
		t.Fatalf("corpus too small: %d files", len(files))
	}
	return files
}

func TestMatchesCPython(t *testing.T) {
	py := djangotest.LoadConfig().Python
	if _, err := os.Stat(py); err != nil {
		djangotest.Unavailable(t, "no %s for the CPython oracle", py)
	}
	files := oracleFiles(t)
	want := map[string][][]any{}
	for i := 0; i < len(files); i += 500 {
		chunk := files[i:min(i+500, len(files))]
		cmd := exec.Command(py, append([]string{"testdata/cpython_ast.py"}, chunk...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("oracle: %v\n%s", err, stderr.String())
		}
		part := map[string][][]any{}
		if err := json.Unmarshal(out, &part); err != nil {
			t.Fatal(err)
		}
		for k, v := range part {
			want[k] = v
		}
	}
	nodes := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := ParseFile(path, src)
		if len(diags) > 0 {
			t.Errorf("%s: %v", path, diags[0])
			continue
		}
		var w []string
		for _, n := range want[path] {
			val := "null"
			if n[5] != nil {
				b, _ := json.Marshal(n[5])
				val = string(b)
			}
			w = append(w, fmt.Sprintf("%s %v:%v-%v:%v %s", n[0], n[1], n[2], n[3], n[4], val))
		}
		sort.Strings(w)
		got := positions(f)
		nodes += len(w)
		if strings.Join(w, "\n") != strings.Join(got, "\n") {
			t.Errorf("%s differs from CPython:\n%s", path, lineDiff(w, got))
		}
	}
	t.Logf("%d files, %d nodes compared with CPython", len(files), nodes)
}

// lineDiff shows the lines only in want (-) or only in got (+).
func lineDiff(want, got []string) string {
	count := map[string]int{}
	for _, l := range want {
		count[l]++
	}
	for _, l := range got {
		count[l]--
	}
	var b strings.Builder
	n := 0
	for l, c := range count {
		if c == 0 || n > 20 {
			continue
		}
		n++
		sign := "-"
		if c < 0 {
			sign = "+"
		}
		fmt.Fprintf(&b, "  %s %s\n", sign, l)
	}
	return b.String()
}

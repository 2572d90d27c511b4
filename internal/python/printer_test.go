package python

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// blackClean returns the files black --check accepts (black is Debian's;
// CI installs it).
func blackClean(t *testing.T, files []string) []string {
	t.Helper()
	black, err := exec.LookPath("black")
	if err != nil {
		djangotest.Unavailable(t, "black is not installed")
	}
	var ok []string
	for i := 0; i < len(files); i += 200 {
		chunk := files[i:min(i+200, len(files))]
		out, _ := exec.Command(black, append([]string{"--check"}, chunk...)...).CombinedOutput()
		bad := map[string]bool{}
		for _, line := range strings.Split(string(out), "\n") {
			if f, found := strings.CutPrefix(line, "would reformat "); found {
				bad[f] = true
			}
		}
		for _, f := range chunk {
			if !bad[f] {
				ok = append(ok, f)
			}
		}
	}
	return ok
}

// TestReformatRoundTrip: reprinting the Migration class of a file black
// already formatted gives back the same bytes.
func TestReformatRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../../examples/bookshop/*/migrations/0*.py")
	if dir := os.Getenv("DJSQUASH_CORPUS"); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "migrations", "0*.py"))
		files = append(files, more...)
	}
	clean := blackClean(t, files)
	if len(clean) < 40 {
		t.Fatalf("only %d black-clean files to test on", len(clean))
	}
	checked, skipped, same := 0, 0, 0
	for _, path := range clean {
		src, _ := os.ReadFile(path)
		f, diags := ParseFile(path, src)
		if len(diags) > 0 {
			t.Fatalf("%s: %v", path, diags)
		}
		got, complete := Reformat(f, "Migration")
		if !complete {
			skipped++
		}
		checked++
		if bytes.Equal(got, src) {
			same++
		} else {
			t.Errorf("%s: reprinting changed it:\n%s", path, firstDiff(string(src), string(got)))
		}
	}
	t.Logf("%d of %d black-clean files reprinted identically (%d kept as written: comments or multi-line atoms)", same, checked, skipped)
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo := max(0, i-2)
			return "line " + itoa(i+1) + "\n  want: " + strings.Join(al[lo:min(i+3, len(al))], "\n        ") +
				"\n  got:  " + strings.Join(bl[lo:min(i+3, len(bl))], "\n        ")
		}
	}
	return "lengths differ"
}

func itoa(n int) string {
	return strconv.Itoa(n)
}

// TestPrinterOutputIsBlackClean prints the Migration attributes of files
// black would reformat (old single-quoted, unwrapped files) into new files
// and requires black --check to accept them unchanged.
func TestPrinterOutputIsBlackClean(t *testing.T) {
	black, err := exec.LookPath("black")
	if err != nil {
		djangotest.Unavailable(t, "black is not installed")
	}
	files, _ := filepath.Glob("../../examples/bookshop/*/migrations/0*.py")
	files = append(files, "testdata/printer/unformatted.py")
	if dir := os.Getenv("DJSQUASH_CORPUS"); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "migrations", "0*.py"))
		files = append(files, more...)
	}
	clean := map[string]bool{}
	for _, f := range blackClean(t, files) {
		clean[f] = true
	}
	out := t.TempDir()
	var written []string
	for i, path := range files {
		if clean[path] {
			continue
		}
		src, _ := os.ReadFile(path)
		f, diags := ParseFile(path, src)
		if len(diags) > 0 {
			t.Fatalf("%s: %v", path, diags)
		}
		var parts []string
		for _, s := range f.Body {
			c, ok := s.(*ClassDef)
			if !ok || c.Name != "Migration" {
				continue
			}
			for _, st := range c.Body {
				if a, ok := st.(*Assign); ok && len(a.Targets) == 1 {
					if n, ok := a.Targets[0].(*Name); ok {
						if text, ok := FormatAssign(src, n.ID, a.Value, 4); ok {
							parts = append(parts, text)
						}
					}
				}
			}
		}
		if len(parts) == 0 {
			continue
		}
		gen := "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n" + strings.Join(parts, "\n\n") + "\n"
		name := filepath.Join(out, "m"+itoa(i)+".py")
		if err := os.WriteFile(name, []byte(gen), 0o644); err != nil {
			t.Fatal(err)
		}
		written = append(written, name)
	}
	if len(written) == 0 {
		t.Fatal("no unformatted input to print from")
	}
	res, err := exec.Command(black, append([]string{"--check", "--diff", "-q"}, written...)...).CombinedOutput()
	if err != nil {
		t.Errorf("black would change printed code:\n%s", firstLines(string(res), 60))
	}
	t.Logf("%d files printed from unformatted input, black-clean", len(written))
}

func firstLines(s string, n int) string {
	l := strings.Split(s, "\n")
	return strings.Join(l[:min(n, len(l))], "\n")
}

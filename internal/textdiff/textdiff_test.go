package textdiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMatchesGNUDiff: our hunks are the ones GNU diff -u writes.
func TestMatchesGNUDiff(t *testing.T) {
	if _, err := exec.LookPath("diff"); err != nil {
		t.Fatal("diff(1) is needed: it is in every Debian base system")
	}
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n"
	cases := []string{
		"a\nb\nX\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n", // one change
		"b\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n", // first removed, last added
		"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n", // equal
		"a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\nl\nm\n", // two hunks
		"a\nB\nc\nd\ne\nF\ng\nh\ni\nj\nk\nl\nm\n", // changes close: one hunk
		"", // all removed
		"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nz", // no final newline
	}
	dir := t.TempDir()
	for i, b := range cases {
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.WriteFile(pa, []byte(a), 0o644)
		os.WriteFile(pb, []byte(b), 0o644)
		out, _ := exec.Command("diff", "-u", "--label", "a/f", "--label", "b/f", pa, pb).Output()
		got := Unified("f", "f", a, b)
		if got != string(out) {
			t.Errorf("case %d:\n got:\n%s\nwant:\n%s", i, got, out)
		}
	}
}

func TestNewFile(t *testing.T) {
	got := Unified("", "x.py", "", "one\ntwo\n")
	if !strings.HasPrefix(got, "--- /dev/null\n+++ b/x.py\n@@ -0,0 +1,2 @@\n+one\n+two\n") {
		t.Errorf("got %q", got)
	}
}

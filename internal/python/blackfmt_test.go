package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// blackOf runs black (Debian's, as the test environment installs it) on
// each source and returns what it wrote; the test is skipped (failed
// under CI) without black.
func blackOf(t *testing.T, srcs map[string]string) map[string]string {
	t.Helper()
	if _, err := exec.LookPath("black"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true and black is not installed (run scripts/setup-test-env)")
		}
		t.Skip("black is not installed (run scripts/setup-test-env)")
	}
	dir := t.TempDir()
	for name, src := range srcs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("black", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("black: %v\n%s", err, out)
	}
	got := map[string]string{}
	for name := range srcs {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got[name] = string(b)
	}
	return got
}

// formatFile prints src with Module; ok is false when it refused a
// statement.
func formatFile(src string) (string, bool) {
	f, _ := ParseFile("x.py", []byte(src))
	return Printer{}.Module(f)
}

// TestStmtIsBlack: what Stmt prints is what black prints, for code in
// every style the fixtures hold (testdata/black: single quotes, odd
// wrapping, one-line compound statements, missing and extra spaces and
// blank lines, comments); a statement it refuses must be one black would
// change in a way it does not model, never one it gets wrong.
func TestStmtIsBlack(t *testing.T) {
	files, _ := filepath.Glob("testdata/black/*.py")
	srcs := map[string]string{}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		srcs[filepath.Base(f)] = string(b)
	}
	want := blackOf(t, srcs)
	refused := 0
	for name, src := range srcs {
		got, ok := formatFile(src)
		if !ok {
			refused++
			if !strings.HasPrefix(name, "refuse_") {
				t.Errorf("%s: refused; only refuse_* fixtures hold what the printer does not model", name)
			}
			continue
		}
		if got != want[name] {
			t.Errorf("%s: differs from black:\n--- djsquash\n%s\n--- black\n%s", name, got, want[name])
		}
	}
	t.Logf("%d of %d fixtures refused", refused, len(srcs))
}

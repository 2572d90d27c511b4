package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// TestPreCommitHook: this repository's .pre-commit-hooks.yaml, used by
// Debian's pre-commit from a scratch Django repository, builds djsquash
// (language golang) and runs check: it passes on the example, and fails
// once a migration is broken.
func TestPreCommitHook(t *testing.T) {
	if _, err := exec.LookPath("pre-commit"); err != nil {
		djangotest.Unavailable(t, "pre-commit is not installed")
	}
	root, _ := filepath.Abs("../..")
	rev, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		djangotest.Unavailable(t, "the repository is not a git checkout: %v", err)
	}
	example, _ := filepath.Abs("../../examples/bookshop")
	dir := copyProject(t, example)
	config := "repos:\n- repo: " + root + "\n  rev: " + strings.TrimSpace(string(rev)) + "\n  hooks:\n  - id: djsquash-check\n  - id: djsquash-max-migrations\n    args: [\"30\"]\n"
	if err := os.WriteFile(filepath.Join(dir, ".pre-commit-config.yaml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	gomodcache, _ := exec.Command("go", "env", "GOMODCACHE").Output()
	env := append(os.Environ(), "PRE_COMMIT_HOME="+t.TempDir(), "GOMODCACHE="+strings.TrimSpace(string(gomodcache)),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	sh := func(args ...string) (string, error) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, c := range [][]string{{"git", "init", "-q"}, {"git", "add", "-A"}, {"git", "commit", "-qm", "init"}} {
		if out, err := sh(c...); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	if out, err := sh("pre-commit", "run", "--all-files"); err != nil || !strings.Contains(out, "djsquash check") || !strings.Contains(out, "Passed") {
		t.Fatalf("the hook on the example: %v\n%s", err, out)
	}
	// catalog has 27 migrations: over a limit of 20, the second hook fails
	// and says to squash.
	if err := os.WriteFile(filepath.Join(dir, ".pre-commit-config.yaml"), []byte(strings.Replace(config, `"30"`, `"20"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := sh("git", "add", ".pre-commit-config.yaml"); err != nil {
		t.Fatal(err, out)
	}
	if out, err := sh("pre-commit", "run", "djsquash-max-migrations", "--all-files"); err == nil || !strings.Contains(out, "app catalog has 27 migrations, more than --max-migrations 20") {
		t.Errorf("the max-migrations hook at 20: %v\n%s", err, out)
	}
	broken := filepath.Join(dir, "catalog", "migrations", "0003_category.py")
	src, _ := os.ReadFile(broken)
	os.WriteFile(broken, append(src, []byte("\noperations = [\n")...), 0o644)
	out, err := sh("pre-commit", "run", "--all-files")
	if err == nil || !strings.Contains(out, "Failed") || !strings.Contains(out, "0003_category.py") {
		t.Errorf("the hook on a broken migration: %v\n%s", err, out)
	}
}

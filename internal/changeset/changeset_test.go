package changeset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/djsquash/djsquash/internal/golden"
	"github.com/google/go-cmp/cmp"
)

// tree reads every file under root (relative slash paths to contents).
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fixtureBefore is a project before a prune-like change.
var fixtureBefore = map[string]string{
	"app/migrations/__init__.py":     "",
	"app/migrations/0001_initial.py": "one",
	"app/migrations/0002_x.py":       "two",
	"app/migrations/0003_sq.py":      "replaces = [...]\nsquash",
	"other/migrations/0001_a.py":     "depends on app.0002_x",
}

// fixtureChanges deletes two files, edits two and creates one.
func fixtureChanges() *Changeset {
	b := fixtureBefore
	cs := &Changeset{Command: "prune"}
	cs.Edit("other/migrations/0001_a.py", []byte(b["other/migrations/0001_a.py"]), []byte("depends on app.0003_sq"))
	cs.Delete("app/migrations/0001_initial.py", []byte(b["app/migrations/0001_initial.py"]))
	cs.Delete("app/migrations/0002_x.py", []byte(b["app/migrations/0002_x.py"]))
	cs.Edit("app/migrations/0003_sq.py", []byte(b["app/migrations/0003_sq.py"]), []byte("squash"))
	cs.Create("app/migrations/max_migration.txt", []byte("0003_sq\n"))
	return cs
}

// fixture writes fixtureBefore to a new directory.
func fixture(t *testing.T) (root string, cs *Changeset, before, after map[string]string) {
	root = golden.WriteTree(t, fixtureBefore)
	after = map[string]string{
		"app/migrations/__init__.py":       "",
		"app/migrations/0003_sq.py":        "squash",
		"app/migrations/max_migration.txt": "0003_sq\n",
		"other/migrations/0001_a.py":       "depends on app.0003_sq",
	}
	return root, fixtureChanges(), fixtureBefore, after
}

func TestApply(t *testing.T) {
	root, cs, _, after := fixture(t)
	if err := Apply(context.Background(), root, cs, Options{}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(after, tree(t, root)); d != "" {
		t.Errorf("tree after Apply (-want +got):\n%s", d)
	}
	if got := cs.Summary(true); got != "would write 3 files, delete 2 files; nothing written" {
		t.Errorf("Summary = %q", got)
	}
}

func TestApplyRefusesChangedFiles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tweak func(root string)
		want  string
	}{
		{"edited meanwhile", func(root string) {
			os.WriteFile(filepath.Join(root, "app/migrations/0003_sq.py"), []byte("someone else"), 0o644)
		}, "changed since it was read"},
		{"deleted meanwhile", func(root string) { os.Remove(filepath.Join(root, "app/migrations/0002_x.py")) }, "no longer exists"},
		{"created meanwhile", func(root string) {
			os.WriteFile(filepath.Join(root, "app/migrations/max_migration.txt"), []byte("x"), 0o644)
		}, "already exists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, cs, _, _ := fixture(t)
			tc.tweak(root)
			want := tree(t, root)
			err := Apply(context.Background(), root, cs, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Apply = %v, want an error saying %q", err, tc.want)
			}
			if d := cmp.Diff(want, tree(t, root)); d != "" {
				t.Errorf("Apply changed files (-want +got):\n%s", d)
			}
		})
	}
}

func TestApplyRefusesPathsOutsideRoot(t *testing.T) {
	for _, p := range []string{"../evil.py", "/etc/passwd", "a/../../b", ""} {
		root := t.TempDir()
		cs := &Changeset{Command: "squash"}
		cs.Create(p, []byte("x"))
		if err := Apply(context.Background(), root, cs, Options{}); err == nil {
			t.Errorf("Apply(create %q) succeeded", p)
		}
	}
}

// steps counts the file system steps Apply takes for a fixture.
func steps(t *testing.T) []string {
	root, cs, _, _ := fixture(t)
	var out []string
	err := Apply(context.Background(), root, cs, Options{Fail: func(step, path string) error {
		out = append(out, step+" "+path)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out) // temps are written on all cores
	return out
}

// TestFailAtEveryStep fails each step in turn (a full disk, a file that
// cannot be renamed): the tree is always as it was, with no journal or temp
// file left.
func TestFailAtEveryStep(t *testing.T) {
	all := steps(t)
	if len(all) < 9 {
		t.Fatalf("only %d steps: %v", len(all), all)
	}
	for _, victim := range all {
		t.Run(victim, func(t *testing.T) {
			root, cs, before, _ := fixture(t)
			err := Apply(context.Background(), root, cs, Options{Fail: func(step, path string) error {
				if step+" "+path == victim {
					return syscall.ENOSPC
				}
				return nil
			}})
			if err == nil || !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Apply = %v, want ENOSPC", err)
			}
			if d := cmp.Diff(before, tree(t, root)); d != "" {
				t.Errorf("tree after a failed Apply (-want +got):\n%s", d)
			}
		})
	}
}

// TestStuckThenRecover: forward and backward both fail (the disk stays
// full); the journal stays and the next Recover finishes the change.
func TestStuckThenRecover(t *testing.T) {
	root, cs, _, after := fixture(t)
	// The last rename fails, and then the disk is full: the files already
	// renamed cannot be put back either.
	full, failed := true, false
	err := Apply(context.Background(), root, cs, Options{Fail: func(step, path string) error {
		if full && step == "rename" && path == "app/migrations/0003_sq.py" {
			failed = true
		}
		if full && failed {
			return syscall.ENOSPC
		}
		return nil
	}})
	var stuck *StuckError
	if !errors.As(err, &stuck) {
		t.Fatalf("Apply = %v, want a StuckError", err)
	}
	if cmd, n, err := Pending(root); cmd != "prune" || n != 5 || err != nil {
		t.Fatalf("Pending = %q, %d, %v", cmd, n, err)
	}
	full = false
	res, err := Recover(root)
	if err != nil {
		t.Fatal(err)
	}
	if res.Command != "prune" || res.RolledBack {
		t.Errorf("Recover = %+v", res)
	}
	if d := cmp.Diff(after, tree(t, root)); d != "" {
		t.Errorf("tree after Recover (-want +got):\n%s", d)
	}
}

func TestCancelledBeforeCommit(t *testing.T) {
	root, cs, before, _ := fixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Apply(ctx, root, cs, Options{}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Apply = %v, want ErrInterrupted", err)
	}
	if d := cmp.Diff(before, tree(t, root)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestCleanStray(t *testing.T) {
	root := golden.WriteTree(t, map[string]string{
		"app/migrations/0001_initial.py":                  "x",
		"app/migrations/.0002_squashed.py.djsquash-98213": "left by an old version",
		"app/migrations/.0003_x.py.djsquash-tmp":          "left by a kill",
		"app/migrations/.hidden.py":                       "not ours",
	})
	removed, err := CleanStray(root, []string{filepath.Join(root, "app/migrations")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"app/migrations/.0002_squashed.py.djsquash-98213", "app/migrations/.0003_x.py.djsquash-tmp"}
	if d := cmp.Diff(want, removed); d != "" {
		t.Errorf("removed (-want +got):\n%s", d)
	}
	if _, err := os.Stat(filepath.Join(root, "app/migrations/.hidden.py")); err != nil {
		t.Errorf("a file not ours was removed: %v", err)
	}
}

// TestKillAtEveryStep runs Apply in a child process that kills itself
// (SIGKILL) at each step in turn; then Recover in this process. The tree is
// the old one (killed before the journal was committed) or the new one, and
// no journal or temp file is left.
func TestKillAtEveryStep(t *testing.T) {
	if os.Getenv("CHANGESET_KILL_ROOT") != "" {
		return // the child: see TestMain
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	all := steps(t)
	for i := 0; i <= len(all); i++ {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			root, _, before, after := fixture(t)
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), "CHANGESET_KILL_ROOT="+root, "CHANGESET_KILL_AT="+strconv.Itoa(i))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled()
			if i < len(all) && !killed {
				t.Fatalf("child was not killed at step %d: %v\n%s", i, err, out)
			}
			_, pending, _ := Pending(root)
			if _, err := Recover(root); err != nil {
				t.Fatal(err)
			}
			got := tree(t, root)
			if pending == 0 && cmp.Diff(before, got) != "" && cmp.Diff(after, got) != "" {
				t.Errorf("no journal, and the tree is neither the old nor the new one:\n%s", cmp.Diff(after, got))
			}
			if pending > 0 {
				if d := cmp.Diff(after, got); d != "" {
					t.Errorf("a committed change was not finished (-want +got):\n%s", d)
				}
			}
		})
	}
}

func TestMain(m *testing.M) {
	if root := os.Getenv("CHANGESET_KILL_ROOT"); root != "" {
		killChild(root)
		return
	}
	os.Exit(m.Run())
}

// killChild applies the fixture's change and SIGKILLs itself at step
// CHANGESET_KILL_AT (counted in call order).
func killChild(root string) {
	at, _ := strconv.Atoi(os.Getenv("CHANGESET_KILL_AT"))
	var n atomic.Int64
	err := Apply(context.Background(), root, fixtureChanges(), Options{Fail: func(step, path string) error {
		if n.Add(1)-1 == int64(at) {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
		return nil
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

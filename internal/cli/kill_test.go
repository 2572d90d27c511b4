//go:build unix

package cli

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/djsquash/djsquash/internal/synth"
)

// buildBinary builds djsquash once per test into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "djsquash")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/djsquash")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// snapshot hashes every file under dir (relative path -> sha256), with
// the journal directory and temp files listed as they are.
func snapshot(t *testing.T, dir string) map[string]string {
	return snapshotCached(t, dir, nil)
}

// snapshotCached is snapshot with hashes remembered by inode: the trials'
// copies are hard links, and djsquash never writes into a file it did not
// create (it renames new ones into place), so an inode's content is fixed.
func snapshotCached(t *testing.T, dir string, cache *sync.Map) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// An inode number is reused once its file is deleted: the change
		// time and size are part of the key.
		var ino [3]int64
		if cache != nil {
			if info, err := d.Info(); err == nil {
				if st, ok := info.Sys().(*syscall.Stat_t); ok {
					ino = [3]int64{int64(st.Ino), st.Ctim.Nano(), st.Size}
					if h, ok := cache.Load(ino); ok {
						rel, _ := filepath.Rel(dir, p)
						out[filepath.ToSlash(rel)] = h.(string)
						return nil
					}
				}
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h := fmt.Sprintf("%x", sha256.Sum256(b))
		out[filepath.ToSlash(rel)] = h
		if ino[0] != 0 {
			cache.Store(ino, h)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// leftovers lists journal and temp files in a snapshot.
func leftovers(s map[string]string) []string {
	var out []string
	for p := range s {
		base := filepath.Base(p)
		if strings.HasPrefix(p, ".djsquash/") || strings.HasPrefix(base, ".") && strings.Contains(base, ".djsquash-") {
			out = append(out, p)
		}
	}
	return out
}

// linkProject copies a tree's directories and hard-links its files.
func linkProject(t *testing.T, src string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return os.Link(p, target)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyProject(t *testing.T, src string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	if err := djangotest.CopyTree(src, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestKillTrials interrupts squash and prune of a 20-app, 1,000-migration
// project at random moments, 25 times each with SIGKILL and 25 with
// SIGINT. After a SIGINT the project is the old tree or the new one, with
// no journal or temp file. After a SIGKILL it is one of those, or a journal
// is left; then the next command (check) finishes the change, and the
// project is the new tree. Both trees are loaded by real Django.
func TestKillTrials(t *testing.T) {
	bin := buildBinary(t)
	base := filepath.Join(t.TempDir(), "synthetic")
	if _, err := synth.Generate(base, synth.Options{Seed: 14, Apps: 20, Migrations: 1000, DataEvery: 10}); err != nil {
		t.Fatal(err)
	}
	run := func(dir string, args ...string) (string, error) {
		out, err := exec.Command(bin, append([]string{"--project", dir}, args...)...).CombinedOutput()
		return string(out), err
	}
	// The trees an uninterrupted run goes between, and how long it takes.
	squashed := copyProject(t, base)
	start := time.Now()
	if out, err := run(squashed, "squash", "--yes", "--no-header"); err != nil {
		t.Fatalf("squash: %v\n%s", err, out)
	}
	squashTime := time.Since(start)
	pruned := copyProject(t, squashed)
	start = time.Now()
	if out, err := run(pruned, "prune", "--yes", "--force"); err != nil {
		t.Fatalf("prune: %v\n%s", err, out)
	}
	pruneTime := time.Since(start)
	trees := map[string]map[string]string{"original": snapshot(t, base), "squashed": snapshot(t, squashed), "pruned": snapshot(t, pruned)}
	t.Logf("squash %v (%d files), prune %v (%d files)", squashTime, len(trees["squashed"]), pruneTime, len(trees["pruned"]))

	// Real Django loads each tree a trial can end in.
	for name, dir := range map[string]string{"original": base, "squashed": squashed, "pruned": pruned} {
		p := djangotest.NewProject(t, dir, "5.2", djangotest.SQLite)
		if out := p.MustManage("migrate", "--plan"); !strings.Contains(out, "Planned operations") {
			t.Errorf("%s: migrate --plan:\n%s", name, out)
		}
	}

	var hashes sync.Map // by inode, shared by the trials
	for i, c := range []struct {
		cmd        []string
		from, to   string
		took       time.Duration
		fromDir    string
		signalName string
		sig        syscall.Signal
	}{
		{[]string{"squash", "--yes", "--no-header"}, "original", "squashed", squashTime, base, "KILL", syscall.SIGKILL},
		{[]string{"squash", "--yes", "--no-header"}, "original", "squashed", squashTime, base, "INT", syscall.SIGINT},
		{[]string{"prune", "--yes", "--force"}, "squashed", "pruned", pruneTime, squashed, "KILL", syscall.SIGKILL},
		{[]string{"prune", "--yes", "--force"}, "squashed", "pruned", pruneTime, squashed, "INT", syscall.SIGINT},
	} {
		t.Run(c.cmd[0]+"_SIG"+c.signalName, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(14, uint64(i)))
			outcomes := map[string]int{}
			for trial := 0; trial < 25; trial++ {
				dir := linkProject(t, c.fromDir)
				// Most trials land late, where the files are written.
				delay := time.Duration(float64(c.took) * (0.3 + 0.9*r.Float64()))
				cmd := exec.Command(bin, append([]string{"--project", dir}, c.cmd...)...)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(delay)
				cmd.Process.Signal(c.sig)
				err := cmd.Wait()
				got := snapshotCached(t, dir, &hashes)
				label := fmt.Sprintf("trial %d after %v", trial, delay)
				switch {
				case same(got, trees[c.from]):
					outcomes["unchanged"]++
				case same(got, trees[c.to]):
					outcomes["done"]++
				case c.sig == syscall.SIGINT:
					t.Errorf("%s (exit %v): neither the old nor the new tree; left: %v", label, err, leftovers(got))
				default:
					// A kill leaves a journal (committed: the next command
					// finishes it) or the journal's own temp file (not
					// committed: the next command removes it).
					_, committed := got[".djsquash/journal.json"]
					if committed {
						outcomes["journal left, finished by the next command"]++
					} else {
						outcomes["journal's temp file left, removed by the next command"]++
					}
					if out, err := run(dir, "check"); err != nil && !strings.Contains(out, "finished an interrupted") {
						t.Errorf("%s: check after the kill: %v\n%s", label, err, out)
					}
					after := snapshotCached(t, dir, &hashes)
					if committed && !same(after, trees[c.to]) || !committed && !same(after, trees[c.from]) {
						t.Errorf("%s: after the next command, neither tree; left: %v", label, leftovers(after))
					}
				}
			}
			t.Logf("outcomes: %v", outcomes)
		})
	}
}

// TestImmutableFileRollsBack: a file prune must edit cannot be written
// (chattr +i): prune fails, every file is put back as it was, and once
// the file is writable again, prune finishes. This is the reproduction of
// issue 14's first defect, where the project was left unloadable.
func TestImmutableFileRollsBack(t *testing.T) {
	if _, err := exec.LookPath("chattr"); err != nil || os.Getuid() != 0 {
		djangotest.Unavailable(t, "chattr +i needs root and e2fsprogs")
	}
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "synthetic")
	if _, err := synth.Generate(dir, synth.Options{Seed: 15, Apps: 20, Migrations: 400, DataEvery: 10}); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "--project", dir, "squash", "--yes").CombinedOutput(); err != nil {
		t.Fatalf("squash: %v\n%s", err, out)
	}
	before := snapshot(t, dir)
	squashes, _ := filepath.Glob(filepath.Join(dir, "app1[0-9]", "migrations", "*_squashed_*.py"))
	if len(squashes) == 0 {
		t.Fatal("no squash written")
	}
	victim := squashes[len(squashes)-1]
	if out, err := exec.Command("chattr", "+i", victim).CombinedOutput(); err != nil {
		djangotest.Unavailable(t, "chattr +i failed here: %v %s", err, out)
	}
	defer exec.Command("chattr", "-i", victim).Run()
	out, err := exec.Command(bin, "--project", dir, "prune", "--yes", "--force").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "put back as it was") {
		t.Fatalf("prune with an immutable squash: %v\n%s", err, out)
	}
	if got := snapshot(t, dir); !same(got, before) {
		t.Fatalf("prune failed but changed the project; left: %v", leftovers(got))
	}
	p := djangotest.NewProject(t, dir, "5.2", djangotest.SQLite)
	if out := p.MustManage("migrate", "--plan"); !strings.Contains(out, "Planned operations") {
		t.Errorf("Django cannot load the project after the failed prune:\n%s", out)
	}
	exec.Command("chattr", "-i", victim).Run()
	if out, err := exec.Command(bin, "--project", dir, "prune", "--yes", "--force").CombinedOutput(); err != nil {
		t.Fatalf("prune once the file is writable: %v\n%s", err, out)
	}
}

// TestDiskFull: squash into a file system with no room left fails,
// writes nothing and leaves no temp file.
func TestDiskFull(t *testing.T) {
	if os.Getuid() != 0 {
		djangotest.Unavailable(t, "mounting a small tmpfs needs root")
	}
	bin := buildBinary(t)
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt).CombinedOutput(); err != nil {
		djangotest.Unavailable(t, "mount tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	dir := filepath.Join(mnt, "p")
	if _, err := synth.Generate(dir, synth.Options{Seed: 16, Apps: 5, Migrations: 200, DataEvery: 10}); err != nil {
		t.Fatal(err)
	}
	// Fill the disk: what is left is less than the squashes need.
	fill, _ := os.Create(filepath.Join(mnt, "fill"))
	chunk := make([]byte, 4096)
	for {
		if _, err := fill.Write(chunk); err != nil {
			break
		}
	}
	fill.Close()
	os.Remove(filepath.Join(mnt, "fill.small"))
	before := snapshot(t, dir)
	out, err := exec.Command(bin, "--project", dir, "squash", "--yes").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no space left") {
		t.Fatalf("squash on a full disk: %v\n%s", err, out)
	}
	if got := snapshot(t, dir); !same(got, before) {
		t.Errorf("a squash that failed on a full disk changed the project; left: %v", leftovers(got))
	}
	// With room again, it works.
	os.Remove(filepath.Join(mnt, "fill"))
	if out, err := exec.Command(bin, "--project", dir, "squash", "--yes").CombinedOutput(); err != nil {
		t.Fatalf("squash with room: %v\n%s", err, out)
	}
	if l := leftovers(snapshot(t, dir)); len(l) > 0 {
		t.Errorf("temp files left after a finished squash: %v", l)
	}
}

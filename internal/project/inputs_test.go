//go:build unix

package project

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// codes lists the codes of a project's diagnostics.
func codes(p *Project) string {
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, d.Code+" "+d.Message)
	}
	return strings.Join(out, "\n")
}

// TestMigrationsDjangoIgnores: a migrations directory without __init__.py
// and a module named migrations are what Django's loader (3.2 to 6.x) puts
// in unmigrated_apps; djsquash says so instead of skipping them silently.
func TestMigrationsDjangoIgnores(t *testing.T) {
	root := tree(t, map[string]string{
		"ns/models.py":                  "",
		"ns/migrations/0001_initial.py": "class Migration: pass\n",
		"mod/models.py":                 "",
		"mod/migrations.py":             "",
		"ok/models.py":                  "",
		"ok/migrations/__init__.py":     "",
		"tools/migrations/0001_x.py":    "", // not an app: no models.py, no apps.py
	})
	p, err := Discover(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := codes(p)
	for _, want := range []string{
		`DJ005 ns/migrations has no __init__.py (a namespace package): Django's loader treats app "ns" as having no migrations`,
		`DJ005 mod/migrations.py is a module, not a package: Django's loader treats app "mod" as having no migrations`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Count(got, "DJ005") != 2 {
		t.Errorf("want exactly two DJ005:\n%s", got)
	}
}

// TestSpecialFilesDoNotHang: a FIFO and a symlink to /dev/zero named like
// migrations are refused at once, not read forever.
func TestSpecialFilesDoNotHang(t *testing.T) {
	root := tree(t, map[string]string{"app/models.py": "", "app/migrations/__init__.py": ""})
	fifo := filepath.Join(root, "app/migrations/0001_fifo.py")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(root); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("a FIFO: Load = %v, want ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load hangs on a FIFO")
	}
	os.Remove(fifo)
	if err := os.Symlink("/dev/zero", filepath.Join(root, "app/migrations/0001_zero.py")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(root); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a symlink to /dev/zero: Load = %v, want ErrNotRegular", err)
	}
}

// TestUnreadableDirectoryIsReported: a directory discovery cannot read is
// a warning (an error for a migrations directory), never silence. As root
// permissions do not apply, so the test runs itself as nobody.
func TestUnreadableDirectoryIsReported(t *testing.T) {
	if os.Getenv("PROJECT_UNREADABLE_ROOT") != "" {
		p, err := Discover(os.Getenv("PROJECT_UNREADABLE_ROOT"), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := codes(p)
		if !strings.Contains(got, "DJ004 cannot read hidden/app/migrations: permission denied") ||
			!strings.Contains(got, "DJ004 cannot read locked: permission denied") {
			t.Fatalf("unreadable directories not reported:\n%s", got)
		}
		return
	}
	root, err := os.MkdirTemp("", "djsquash-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(root)
	for p, c := range map[string]string{
		"hidden/app/models.py":              "",
		"hidden/app/migrations/__init__.py": "",
		"locked/x/models.py":                "",
	} {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte(c), 0o644)
	}
	os.Chmod(root, 0o755)
	os.Chmod(filepath.Join(root, "hidden/app/migrations"), 0)
	os.Chmod(filepath.Join(root, "locked"), 0)
	defer os.Chmod(filepath.Join(root, "hidden/app/migrations"), 0o755)
	defer os.Chmod(filepath.Join(root, "locked"), 0o755)
	if os.Getuid() != 0 {
		t.Setenv("PROJECT_UNREADABLE_ROOT", root)
		TestUnreadableDirectoryIsReported(t)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary must be reachable by nobody: copy it out of the
	// build cache's private directory.
	bin := filepath.Join(root, "project.test")
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestUnreadableDirectoryIsReported$", "-test.v")
	cmd.Env = append(os.Environ(), "PROJECT_UNREADABLE_ROOT="+root, "HOME="+root)
	cmd.Dir = root
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

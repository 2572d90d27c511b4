package verify

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFindPython: the interpreter is found in the documented order: the
// flag, [tool.djsquash] python, $VIRTUAL_ENV, .venv, venv, python3 on
// PATH; a flag or setting naming nothing is an error, not a fallback.
func TestFindPython(t *testing.T) {
	root := t.TempDir()
	exe := func(p string) string {
		p = filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
		return p
	}
	venv := exe("env/bin/python")
	dot := exe(".venv/bin/python")
	plain := exe("venv/bin/python")
	custom := exe("tools/py")
	t.Setenv("VIRTUAL_ENV", "")
	cases := []struct {
		flag, config, virtualEnv string
		want, how                string
	}{
		{"tools/py", "env/bin/python", filepath.Join(root, "env"), custom, "--python"},
		{"", "tools/py", filepath.Join(root, "env"), custom, "[tool.djsquash] python"},
		{"", "", filepath.Join(root, "env"), venv, "$VIRTUAL_ENV"},
		{"", "", "", dot, ".venv in the project"},
	}
	for _, c := range cases {
		t.Setenv("VIRTUAL_ENV", c.virtualEnv)
		got, how, err := FindPython(root, c.flag, c.config)
		if err != nil || got != c.want || how != c.how {
			t.Errorf("flag %q config %q venv %q: %s (%s), %v; want %s (%s)", c.flag, c.config, c.virtualEnv, got, how, err, c.want, c.how)
		}
	}
	os.RemoveAll(filepath.Join(root, ".venv"))
	if got, how, _ := FindPython(root, "", ""); got != plain || how != "venv in the project" {
		t.Errorf("without .venv: %s (%s)", got, how)
	}
	if _, _, err := FindPython(root, "nothing/here", ""); err == nil {
		t.Error("a --python naming nothing was accepted")
	}
	if _, _, err := FindPython(root, "", "nothing/here"); err == nil {
		t.Error("a [tool.djsquash] python naming nothing was accepted")
	}
}

// TestCopyLeavesOutRuns: the scratch copy has the project's code, not its
// virtualenvs, VCS data, byte code, SQLite files or djsquash's journal.
func TestCopyLeavesOutRuns(t *testing.T) {
	src := t.TempDir()
	for _, f := range []string{"manage.py", "app/models.py", ".venv/lib/x.py", ".git/HEAD", "app/__pycache__/m.pyc", "db.sqlite3", ".djsquash/journal.json", "app/.0001.py.djsquash-tmp"} {
		p := filepath.Join(src, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	dst := filepath.Join(t.TempDir(), "copy")
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	var got []string
	filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if !d.IsDir() {
			rel, _ := filepath.Rel(dst, p)
			got = append(got, rel)
		}
		return nil
	})
	if len(got) != 2 || got[0] != "app/models.py" || got[1] != "manage.py" {
		t.Errorf("copied %q, want app/models.py and manage.py", got)
	}
}

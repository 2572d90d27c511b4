// Package env reads the project's Python environment without running the
// project: which interpreter is the project's, the directories it imports
// from (its sys.path, asked of the interpreter), and the Django found there
// (its version read from django/__init__.py, never imported).
//
// Invariant: nothing here imports the project or Django; the one process
// started is the interpreter printing its sys.path.
package env

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// FindPython finds the project's interpreter: the flag, then
// [tool.djsquash] python, $VIRTUAL_ENV, .venv or venv in the project, then
// python3 on PATH. how says which.
func FindPython(root, flag, config string) (path, how string, err error) {
	look := func(p string) (string, bool) {
		if p == "" {
			return "", false
		}
		if !strings.ContainsRune(p, filepath.Separator) {
			found, err := exec.LookPath(p)
			return found, err == nil
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, true
		}
		return "", false
	}
	if flag != "" {
		if p, ok := look(flag); ok {
			return p, "--python", nil
		}
		return "", "", fmt.Errorf("--python %s: no such interpreter", flag)
	}
	if config != "" {
		if p, ok := look(config); ok {
			return p, "[tool.djsquash] python", nil
		}
		return "", "", fmt.Errorf("[tool.djsquash] python = %q: no such interpreter", config)
	}
	if venv := os.Getenv("VIRTUAL_ENV"); venv != "" {
		if p, ok := look(filepath.Join(venv, "bin", "python")); ok {
			return p, "$VIRTUAL_ENV", nil
		}
	}
	for _, v := range []string{".venv", "venv"} {
		if p, ok := look(filepath.Join(root, v, "bin", "python")); ok {
			return p, v + " in the project", nil
		}
	}
	if p, ok := look("python3"); ok {
		return p, "python3 on PATH", nil
	}
	return "", "", errors.New("no Python found: pass --python, set [tool.djsquash] python, or activate the project's virtualenv")
}

// Env is what the project's environment holds.
type Env struct {
	Python string // the interpreter
	How    string // how it was found ("$VIRTUAL_ENV", ".venv in the project")
	// SysPath is the interpreter's sys.path, without the empty entry.
	SysPath []string
	// Django is the version installed there (nil: none), DjangoDir its
	// package directory.
	Django    *Version
	DjangoDir string
}

// Version is a Django release.
type Version struct{ Major, Minor, Patch int }

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// ErrNone says that the project names no environment of its own: no
// --python, no [tool.djsquash] python, no $VIRTUAL_ENV, no .venv or venv.
// (A python3 on PATH is not taken for the project's: its Django, if any,
// may be anyone's.)
var ErrNone = errors.New("no project environment found (no --python, [tool.djsquash] python, $VIRTUAL_ENV, .venv or venv)")

// Find locates the project's environment and reads it.
func Find(ctx context.Context, root, flag, config string) (*Env, error) {
	python, how, err := FindPython(root, flag, config)
	if err != nil {
		return nil, err
	}
	if how == "python3 on PATH" {
		return nil, ErrNone
	}
	return Read(ctx, python, how, root)
}

// Read asks python for its sys.path and finds Django there.
func Read(ctx context.Context, python, how, root string) (*Env, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", "import json, sys; print(json.dumps(sys.path))")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s (%s): asking for sys.path: %v", python, how, err)
	}
	var path []string
	if err := json.Unmarshal(out, &path); err != nil {
		return nil, fmt.Errorf("%s: sys.path: %v", python, err)
	}
	e := &Env{Python: python, How: how}
	for _, p := range path {
		if p == "" {
			continue
		}
		e.SysPath = append(e.SysPath, p)
		if e.Django != nil {
			continue
		}
		init := filepath.Join(p, "django", "__init__.py")
		if v, ok := readVersion(init); ok {
			e.Django, e.DjangoDir = &v, filepath.Dir(init)
		}
	}
	return e, nil
}

// FromFacts is the environment the running Django reported (manage.py
// djsquash): its interpreter and sys.path, and its version as
// django.get_version() says it ("5.2.8", "6.1a1"). Nothing is started.
func FromFacts(python string, sysPath []string, version string) *Env {
	e := &Env{Python: python, How: "the running Django (manage.py djsquash)"}
	for _, p := range sysPath {
		if p == "" {
			continue
		}
		e.SysPath = append(e.SysPath, p)
		if e.DjangoDir == "" {
			if _, err := os.Stat(filepath.Join(p, "django", "__init__.py")); err == nil {
				e.DjangoDir = filepath.Join(p, "django")
			}
		}
	}
	if m := leadingVersionRE.FindStringSubmatch(version); m != nil {
		n := func(s string) int { v, _ := strconv.Atoi(s); return v }
		v := Version{Major: n(m[1]), Minor: n(m[2])}
		if m[3] != "" {
			v.Patch = n(m[3])
		}
		e.Django = &v
	}
	return e
}

var leadingVersionRE = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`)

var versionRE = regexp.MustCompile(`(?m)^VERSION\s*=\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)`)

// readVersion reads django/__init__.py's VERSION tuple.
func readVersion(path string) (Version, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Version{}, false
	}
	m := versionRE.FindSubmatch(b)
	if m == nil {
		return Version{}, false
	}
	n := func(s []byte) int { v, _ := strconv.Atoi(string(s)); return v }
	return Version{n(m[1]), n(m[2]), n(m[3])}, true
}

// Describe is the -v line about an environment, or its absence.
func Describe(e *Env, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case e.Django == nil:
		return fmt.Sprintf("%s (%s) has no Django", e.Python, e.How)
	}
	return fmt.Sprintf("Django %s in %s (%s, %s)", e.Django, strings.TrimSuffix(e.DjangoDir, "/django"), e.Python, e.How)
}

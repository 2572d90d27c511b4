// Package djangotest runs real Django on a project directory for djsquash's
// oracle tests: it makes a scratch copy, gives it a fresh database (an SQLite
// file, or a new database on the test PostgreSQL or MariaDB server), runs
// manage.py commands with the Django version a test asks for, and dumps the
// resulting schema in a normalised form that two histories can be compared on.
//
// Test-only. Where to find Python, each Django version and the servers comes
// from DJSQUASH_* environment variables, or from the file scripts/setup-test-env
// writes. When something is missing a test is skipped with the command to run;
// under CI=true it fails instead, because a skipped oracle test proves nothing.
package djangotest

import (
	"github.com/djsquash/djsquash/internal/schema"

	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Version is a Django feature release: "3.2", "4.2", "5.2" or "6.1".
type Version string

// Versions returns every Django version djsquash supports, oldest first.
func Versions() []Version { return []Version{"3.2", "4.2", "5.2", "6.1"} }

// Major is the version's first number: 6 for "6.1".
func (v Version) Major() int { return int(v[0] - '0') }

// Engine is a database backend.
type Engine = schema.Engine

const (
	SQLite     = schema.SQLite
	PostgreSQL = schema.PostgreSQL
	MySQL      = schema.MySQL
)

// Engines returns every backend djsquash is tested on.
func Engines() []Engine { return []Engine{SQLite, PostgreSQL, MySQL} }

// Config is where the test environment lives.
type Config struct {
	Python   string
	Pythons  map[Version]string // a version's own interpreter (6.x needs Python >= 3.12)
	Django   map[Version]string // PYTHONPATH entries holding that Django
	PGURL    string             // server URL; each test creates its own database on it
	MySQLURL string
}

// envVars names the variables of Config, as written by scripts/setup-test-env.
var envVars = []string{"DJSQUASH_PYTHON", "DJSQUASH_DJANGO_32", "DJSQUASH_DJANGO_42",
	"DJSQUASH_DJANGO_52", "DJSQUASH_PYTHON_61", "DJSQUASH_DJANGO_61", "DJSQUASH_PG_URL", "DJSQUASH_MYSQL_URL"}

// LoadConfig reads the environment, filling gaps from the cache file that
// scripts/setup-test-env writes, so a plain `go test ./...` works after one
// setup run.
func LoadConfig() Config {
	vals := map[string]string{}
	for _, k := range envVars {
		vals[k] = os.Getenv(k)
	}
	if f, err := os.Open(cacheEnvFile()); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
			k, v, ok := strings.Cut(line, "=")
			if ok && vals[k] == "" {
				vals[k] = v
			}
		}
	}
	if vals["DJSQUASH_PYTHON"] == "" {
		vals["DJSQUASH_PYTHON"] = "/usr/bin/python3"
	}
	return Config{
		Python:  vals["DJSQUASH_PYTHON"],
		Pythons: map[Version]string{"6.1": vals["DJSQUASH_PYTHON_61"]},
		Django: map[Version]string{
			"3.2": vals["DJSQUASH_DJANGO_32"],
			"4.2": vals["DJSQUASH_DJANGO_42"],
			"5.2": vals["DJSQUASH_DJANGO_52"],
			"6.1": vals["DJSQUASH_DJANGO_61"],
		},
		PGURL:    vals["DJSQUASH_PG_URL"],
		MySQLURL: vals["DJSQUASH_MYSQL_URL"],
	}
}

func cacheEnvFile() string {
	if d := os.Getenv("DJSQUASH_CACHE"); d != "" {
		return filepath.Join(d, "test-env")
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "djsquash", "test-env")
}

// InCI reports whether missing prerequisites must fail rather than skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// Unavailable skips the test, or fails it under CI, saying what to run.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	const hint = " (run scripts/setup-test-env)"
	if InCI() {
		t.Fatalf("CI=true and "+format+hint, args...)
	}
	t.Skipf(format+hint, args...)
}

// Django is one Django version ready to run.
type Django struct {
	Version    Version
	Python     string
	PythonPath string
}

// RequireDjango returns Django v or skips/fails the test.
func RequireDjango(t testing.TB, v Version) *Django {
	t.Helper()
	cfg := LoadConfig()
	path := cfg.Django[v]
	if path == "" {
		Unavailable(t, "Django %s: no DJSQUASH_DJANGO_%s set", v, strings.ReplaceAll(string(v), ".", ""))
	}
	python := cfg.Python
	if p := cfg.Pythons[v]; p != "" {
		python = p
	} else if v.Major() >= 6 {
		Unavailable(t, "Django %s needs Python >= 3.12: no DJSQUASH_PYTHON_%s set", v, strings.ReplaceAll(string(v), ".", ""))
	}
	cmd := exec.Command(python, "-c", "import django; print(django.get_version())")
	cmd.Env = append(os.Environ(), "PYTHONPATH="+path)
	out, err := cmd.Output()
	if err != nil {
		Unavailable(t, "Django %s at %s does not import with %s: %v", v, path, python, err)
	}
	if got := strings.TrimSpace(string(out)); !strings.HasPrefix(got, string(v)+".") {
		t.Fatalf("DJSQUASH_DJANGO path %s holds Django %s, not %s", path, got, v)
	}
	return &Django{Version: v, Python: python, PythonPath: path}
}

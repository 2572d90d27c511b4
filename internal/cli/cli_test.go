package cli

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/golden"
)

// run executes djsquash in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelp(t *testing.T) {
	code, out, _ := run(t, "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"djsquash", "--project", "--json", "--no-color", "version"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help output lacks %q:\n%s", want, out)
		}
	}
}

func TestVersion(t *testing.T) {
	// A test binary carries no VCS stamp: the revision is unknown, and
	// says so.
	code, out, _ := run(t, "version")
	if code != ExitOK || !strings.HasPrefix(out, "djsquash ") || !strings.Contains(out, "(revision unknown)") {
		t.Fatalf("exit %d, output %q", code, out)
	}
	code, out, _ = run(t, "version", "--json")
	var v struct{ Version, Go, Revision string }
	if code != ExitOK || json.Unmarshal([]byte(out), &v) != nil || v.Version == "" || v.Go == "" || v.Revision != "unknown" {
		t.Fatalf("exit %d, json %q", code, out)
	}
}

// TestCheckSquashNumber: a squash shares the number of the first
// migration it replaces, as Django names it; check does not call that a
// clash (DJ107), but still does for two plain migrations.
func TestCheckSquashNumber(t *testing.T) {
	for _, c := range []struct {
		dir  string
		want bool
	}{{"testdata/cases/squashed/project", false}, {"testdata/cases/broken/project", true}} {
		_, out, _ := run(t, "--project", c.dir, "--json", "-v", "check")
		if got := strings.Contains(out, `"DJ107"`); got != c.want {
			t.Errorf("%s: DJ107 reported %v, want %v\n%s", c.dir, got, c.want, out)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"no-such-command"},
		{"--no-such-flag"},
		{"version", "extra-arg"},
		{"version", "--project", "/definitely/not/here"},
		// A squash name becomes a module: never a path.
		{"--project", "../../examples/bookshop", "squash", "catalog", "--squashed-name", "../../evil", "--dry-run"},
		{"--project", "../../examples/bookshop", "squash", "catalog", "--squashed-name", "a b", "--dry-run"},
	} {
		code, _, errOut := run(t, args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, ExitUsage, errOut)
		}
		if !strings.HasPrefix(errOut, "djsquash: ") {
			t.Errorf("%v: stderr %q does not start with 'djsquash: '", args, errOut)
		}
	}
}

// TestControlCharactersAreEscaped: a migration file name holding an ANSI
// escape and a NUL shows as text on the terminal, never as the bytes.
func TestControlCharactersAreEscaped(t *testing.T) {
	var out bytes.Buffer
	w := safeWriter{&out}
	w.Write([]byte("ok\tline\r\n\x1b[2Jgone\x00\rspoof \xc2\x9b31m caf\xc3\xa9\n"))
	want := "ok\tline\r\n\\x1b[2Jgone\\x00\\x0dspoof \\u009b31m café\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	dir := golden.WriteTree(t, map[string]string{
		"shop/models.py":                          "",
		"shop/migrations/__init__.py":             "",
		"shop/migrations/0001_initial.py":         "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n",
		"shop/migrations/0002_\x1b[31mred\x07.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [(\"shop\", \"0001_initial\")]\n    operations = []\n",
	})
	_, stdout, stderr := run(t, "--project", dir, "show")
	if strings.ContainsAny(stdout+stderr, "\x1b\x07") || !strings.Contains(stdout, `\x1b[31mred\x07`) {
		t.Errorf("show printed:\n%q\n%q", stdout, stderr)
	}
}

// TestCompletion: cobra's completion scripts, and APP arguments completed
// with the project's app labels.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if code, out, _ := run(t, "completion", shell); code != ExitOK || !strings.Contains(out, "djsquash") {
			t.Errorf("completion %s: exit %d\n%.200s", shell, code, out)
		}
	}
	code, out, _ := run(t, "--project", "../../examples/bookshop", "__complete", "squash", "")
	if code != ExitOK || !strings.Contains(out, "accounts\ncatalog\norders\n") {
		t.Errorf("completing squash's APP: exit %d\n%s", code, out)
	}
}

// TestColor: on a terminal (script gives the binary one) diagnostics and
// diff lines are coloured; never with NO_COLOR or --no-color, never in a
// pipe. The escapes are djsquash's only: a file name's own stay escaped.
func TestColor(t *testing.T) {
	bin := buildBinary(t)
	broken, _ := filepath.Abs("testdata/cases/broken/project")
	tty := func(env string, args ...string) string {
		cmd := exec.Command("script", "-qec", env+" "+bin+" --project "+broken+" "+strings.Join(args, " "), "/dev/null")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	const red = "\x1b[31m\x1b[1merror:\x1b[0m"
	if out := tty("", "check"); !strings.Contains(out, red) {
		t.Errorf("no colour on a terminal:\n%q", out)
	}
	if out := tty("NO_COLOR=1", "check"); strings.Contains(out, "\x1b[") {
		t.Errorf("colour with NO_COLOR:\n%q", out)
	}
	if out := tty("", "--no-color", "check"); strings.Contains(out, "\x1b[") {
		t.Errorf("colour with --no-color:\n%q", out)
	}
	piped, _ := exec.Command(bin, "--project", broken, "check").CombinedOutput()
	if strings.Contains(string(piped), "\x1b[") {
		t.Errorf("colour in a pipe:\n%q", piped)
	}
	example, _ := filepath.Abs("../../examples/bookshop")
	cmd := exec.Command("script", "-qec", bin+" --project "+example+" squash --dry-run", "/dev/null")
	diff, _ := cmd.CombinedOutput()
	if !strings.Contains(string(diff), "\x1b[32m+") || !strings.Contains(string(diff), "\x1b[36m@@ ") {
		t.Errorf("the dry run's diff is not coloured:\n%.400q", diff)
	}
}

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/synth"
)

// TestSquashIsBlackClean: a generated project whose data migrations are
// written in no particular style (black would change them) squashes into
// files black leaves as they are, the copied code's comments and
// docstrings kept; nothing is copied "as written".
func TestSquashIsBlackClean(t *testing.T) {
	if _, err := exec.LookPath("black"); err != nil {
		blackChecks(t, "") // fails under CI, skips otherwise
		return
	}
	dir := filepath.Join(t.TempDir(), "unformatted")
	if _, err := synth.Generate(dir, synth.Options{Seed: 11, Apps: 3, Migrations: 60, DataEvery: 4, Unformatted: true}); err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.Glob(filepath.Join(dir, "*", "migrations", "0*.py"))
	if err := exec.Command("black", "--check", "--quiet", dir).Run(); err == nil {
		t.Fatal("the generated sources are already black-clean: the test would prove nothing")
	}
	out := squashProject(t, dir)
	if strings.Contains(out, "as written") {
		t.Errorf("code copied as written:\n%s", out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "migrations", "*squashed*.py"))
	if len(files) == 0 || len(files) > len(before) {
		t.Fatalf("squash wrote %d files", len(files))
	}
	copied := 0
	for _, f := range files {
		blackChecks(t, f)
		src, _ := os.ReadFile(f)
		if strings.Contains(string(src), "def forwards_") {
			copied++
			for _, kept := range []string{"  # the historical model\n", "    # nothing to seed\n", `    """Count the rows; change nothing."""` + "\n"} {
				if !strings.Contains(string(src), kept) {
					t.Errorf("%s lost %q", f, kept)
				}
			}
		}
	}
	if copied == 0 {
		t.Error("no squash copied a data migration's code")
	}
}

// TestRegeneratedSquashIsBlackClean: what the regenerate strategy writes
// (operations built from states, not copied from files) is black-clean,
// on the example and on a generated project.
func TestRegeneratedSquashIsBlackClean(t *testing.T) {
	if _, err := exec.LookPath("black"); err != nil {
		blackChecks(t, "") // fails under CI, skips otherwise
		return
	}
	example := copyProject(t, "../../examples/bookshop")
	generated := filepath.Join(t.TempDir(), "generated")
	if _, err := synth.Generate(generated, synth.Options{Seed: 11, Apps: 3, Migrations: 150, DataEvery: 8}); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{example, generated} {
		out := squashProject(t, dir, "--strategy", "regenerate", "--no-header")
		if !regexp.MustCompile(`; [1-9]\d* of \d+ runs? of schema operations regenerated`).MatchString(out) {
			t.Fatalf("%s: no run regenerated: the test would prove nothing\n%s", dir, out)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*", "migrations", "*squashed*.py"))
		if len(files) == 0 {
			t.Fatalf("%s: no squash written", dir)
		}
		for _, f := range files {
			blackChecks(t, f)
		}
	}
}

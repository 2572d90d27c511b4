package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/golden"
)

// TestCases runs the end-to-end cases under testdata/cases, in the manner
// of sqlc's: each case has a project/ tree, a cmd file with the arguments
// (one command per line; "--project project" is added), and an expected
// output file per command, stdout then stderr then the exit code.
func TestCases(t *testing.T) {
	cases, _ := filepath.Glob("testdata/cases/*")
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	// The cases have no environment of their own: an activated virtualenv
	// of the machine must not give them one.
	t.Setenv("VIRTUAL_ENV", "")
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cmds, err := os.ReadFile(filepath.Join(dir, "cmd"))
			if err != nil {
				t.Fatal(err)
			}
			project := filepath.Join(dir, "project")
			for i, line := range strings.Split(strings.TrimSpace(string(cmds)), "\n") {
				args := append([]string{"--project", project}, strings.Fields(line)...)
				code, out, errOut := run(t, args...)
				got := "$ djsquash " + line + "\n" + out + "--- stderr\n" + errOut + "--- exit " + strconv.Itoa(code) + "\n"
				golden.Check(t, filepath.Join(dir, "output", strconv.Itoa(i+1)+".txt"), []byte(got))
			}
		})
	}
}

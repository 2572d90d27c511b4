package cli

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// TestJSONKeysAreSnakeCase: every key of every command's --json output is
// snake_case (no Go field name leaks), on the example, a squashed fixture,
// and a database.
func TestJSONKeysAreSnakeCase(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	squashed, _ := filepath.Abs("testdata/cases/squashed/project")
	p := djangotest.NewProject(t, example, "5.2", djangotest.SQLite)
	p.Migrate("catalog", "0010")
	db := "prod=" + dbURL(p.DB)
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, args := range [][]string{
		{"--project", example, "check"}, {"--project", example, "show"}, {"--project", example, "show", "--plan"},
		{"--project", example, "graph", "--format", "json"}, {"--project", example, "squash", "--dry-run"},
		{"--project", example, "reset", "--dry-run", "--force"}, {"--project", example, "prune", "--dry-run", "--force"},
		{"--project", squashed, "prune", "--dry-run", "--force"}, {"--project", example, "upgrade", "--dry-run"},
		{"--project", p.Dir, "status", "--schema-check", "--database", db}, {"--project", p.Dir, "record", "--dry-run", "--database", db},
		{"--project", squashed, "status", "--database", db}, // a squash behind: verdicts
		{"--project", example, "version"},
	} {
		_, out, errOut := run(t, append([]string{"--json"}, args...)...)
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("%v: not JSON: %v\n%s%s", args, err, out, errOut)
			continue
		}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, e := range x {
					if !snake.MatchString(k) {
						t.Errorf("%v: key %q at %s is not snake_case", strings.Join(args[2:], " "), k, path)
					}
					walk(path+"."+k, e)
				}
			case []any:
				for _, e := range x {
					walk(path+"[]", e)
				}
			}
		}
		walk("", v)
	}
}

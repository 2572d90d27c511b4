package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckMaxMigrations: check --max-migrations fails for the apps over
// the limit, counting what a fresh database runs (a squash, not the
// originals it replaces), and check --json carries the counts.
func TestCheckMaxMigrations(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	code, out, _ := run(t, "--project", example, "check", "--max-migrations", "20")
	if code != 1 || !strings.Contains(out, "app catalog has 27 migrations, more than --max-migrations 20 [DJ112]") || strings.Contains(out, "app orders") {
		t.Errorf("check --max-migrations 20: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, "--project", example, "check", "--max-migrations", "27"); code != 0 {
		t.Errorf("check --max-migrations 27: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "--project", example, "--json", "check", "--max-migrations", "20")
	var rep struct{ Migrations, Apps, Errors, Warnings int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.Migrations != 47 || rep.Apps != 3 || rep.Errors != 1 {
		t.Errorf("check --json: exit %d, %+v, %v\n%s", code, rep, err, out)
	}
	dir := copyProject(t, example)
	squashProject(t, dir, "catalog")
	if code, out, _ := run(t, "--project", dir, "check", "--max-migrations", "20"); code != 0 {
		t.Errorf("after squashing catalog (its originals still there), check --max-migrations 20: exit %d\n%s", code, out)
	}
}

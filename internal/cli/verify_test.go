package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/djsquash/djsquash/internal/verify"
	"github.com/google/go-cmp/cmp"
)

// TestVerifyFindsDefects: verify, with real Django 5.2 on each engine,
// reports what the squashes of the verify_previous fixture (written by
// djsquash before the fixes of issue 16) get wrong, and passes the squash
// djsquash writes now. On PostgreSQL and MariaDB the deferred-SQL
// defects show as schema differences (an index and a foreign key the
// history dropped, a foreign key to the old target); on every engine the
// one-off default kept from AddField(preserve_default=False) makes
// makemigrations --check fail. SQLite rebuilds tables and is not affected
// by deferred SQL. Every run leaves the project, the temp directory and
// the server as they were.
func TestVerifyFindsDefects(t *testing.T) {
	bin := buildBinary(t)
	dj := djangotest.RequireDjango(t, "5.2")
	cfg := djangotest.LoadConfig()
	src, _ := filepath.Abs("testdata/cases/verify_previous/project")
	for _, engine := range djangotest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			var server string
			var probe *djangotest.Database
			if engine != djangotest.SQLite {
				probe = djangotest.NewDatabase(t, engine) // skips (fails in CI) without a server
				server = cfg.PGURL
				if engine == djangotest.MySQL {
					server = cfg.MySQLURL
				}
			}
			dir := filepath.Join(t.TempDir(), "project")
			if err := djangotest.CopyTree(src, dir); err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			verifyRun := func() (int, *verify.Report, string) {
				args := []string{"--project", dir, "verify", "--json", "--python", dj.Python}
				if server != "" {
					args = append(args, "--database-server", server)
				}
				cmd := exec.Command(bin, args...)
				cmd.Env = append(os.Environ(), "PYTHONPATH="+dj.PythonPath, "TMPDIR="+tmp)
				var stderr strings.Builder
				cmd.Stderr = &stderr
				out, _ := cmd.Output()
				var rep verify.Report
				if err := json.Unmarshal(out, &rep); err != nil {
					t.Fatalf("verify --json: %v\n%s\n%s", err, out, stderr.String())
				}
				// Nothing left behind: no scratch directory, no database.
				if left, _ := os.ReadDir(tmp); len(left) > 0 {
					t.Errorf("verify left %d entries in TMPDIR (%s...)", len(left), left[0].Name())
				}
				for _, name := range rep.Databases {
					if probe.DatabaseExists(t, name) {
						t.Errorf("verify left database %s on the server", name)
					}
				}
				if server != "" && len(rep.Databases) != 2 {
					t.Errorf("verify used databases %q, want two on the server", rep.Databases)
				}
				return cmd.ProcessState.ExitCode(), &rep, string(out)
			}

			before := snapshot(t, dir)
			code, rep, out := verifyRun()
			if d := cmp.Diff(before, snapshot(t, dir)); d != "" {
				t.Errorf("verify changed the project:\n%s", d)
			}
			if code != 1 || rep.OK() {
				t.Fatalf("verify of the previous squashes: exit %d, want 1:\n%s", code, out)
			}
			diff := strings.Join(rep.SchemaDiff, "\n")
			want := []string{"table idx_book: index (title)", "table fk_book: foreign key (author_id) references fk_author(id) only in the current tree",
				"table retarget_book: foreign key (owner_id) references retarget_author(id) only in the current tree",
				"table retarget_book: foreign key (owner_id) references retarget_publisher(id) only in the original history"}
			for _, w := range want {
				if found := strings.Contains(diff, w); found != (engine != djangotest.SQLite) {
					t.Errorf("schema difference %q reported: %v, want %v:\n%s", w, found, engine != djangotest.SQLite, diff)
				}
			}
			if strings.Contains(diff, "handled_") {
				t.Errorf("the renames Django carries through differ:\n%s", diff)
			}
			if !strings.Contains(rep.Makemigrations, "shop") || !strings.Contains(rep.Makemigrations, "Alter field code") {
				t.Errorf("makemigrations --check does not want the AlterField of shop.item.code:\n%s", rep.Makemigrations)
			}
			if rep.Planned != "" || len(rep.Hidden) != 5 || rep.HistoryMigrations != 14 || rep.CurrentMigrations != 5 {
				t.Errorf("planned %q, hidden %q, migrations %d/%d (want 14 history, 5 squashes)", rep.Planned, rep.Hidden, rep.HistoryMigrations, rep.CurrentMigrations)
			}

			// Today's squash, in place of the previous one, passes.
			squashed, _ := filepath.Glob(filepath.Join(dir, "*", "migrations", "*_squashed_*.py"))
			for _, f := range squashed {
				os.Remove(f)
			}
			if c, o, e := run(t, "--project", dir, "squash", "--yes", "--no-header"); c != 0 {
				t.Fatalf("squash: exit %d\n%s%s", c, o, e)
			}
			if code, rep, out := verifyRun(); code != 0 || !rep.OK() {
				t.Errorf("verify of today's squash: exit %d:\n%s", code, out)
			}
		})
	}
}

// TestVerifyFlag: --verify runs verify on what a command is about to write
// and writes nothing when it fails (models out of sync with the migrations:
// makemigrations --check); squash and then prune --verify of a sound
// project pass and write.
func TestVerifyFlag(t *testing.T) {
	bin := buildBinary(t)
	dj := djangotest.RequireDjango(t, "5.2")
	src, _ := filepath.Abs("testdata/cases/squash_preserve_default/project")
	djsquash := func(dir string, args ...string) (int, string) {
		cmd := exec.Command(bin, append([]string{"--project", dir}, args...)...)
		cmd.Env = append(os.Environ(), "PYTHONPATH="+dj.PythonPath)
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	py := "--python=" + dj.Python

	broken := filepath.Join(t.TempDir(), "project")
	if err := djangotest.CopyTree(src, broken); err != nil {
		t.Fatal(err)
	}
	models := filepath.Join(broken, "shop", "models.py")
	b, _ := os.ReadFile(models)
	os.WriteFile(models, append(b, []byte("    extra = models.IntegerField(default=0)\n")...), 0o644)
	before := snapshot(t, broken)
	code, out := djsquash(broken, "squash", "--yes", "--verify", py)
	if code != 1 || !strings.Contains(out, "makemigrations --check wants new migrations") || !strings.Contains(out, "nothing written") {
		t.Errorf("squash --verify of a project whose models are ahead: exit %d\n%s", code, out)
	}
	if d := cmp.Diff(before, snapshot(t, broken)); d != "" {
		t.Errorf("squash --verify wrote although verify failed:\n%s", d)
	}

	sound := filepath.Join(t.TempDir(), "project")
	if err := djangotest.CopyTree(src, sound); err != nil {
		t.Fatal(err)
	}
	if code, out := djsquash(sound, "squash", "--yes", "--verify", py); code != 0 || !strings.Contains(out, "verify: OK") {
		t.Fatalf("squash --verify: exit %d\n%s", code, out)
	}
	if code, out := djsquash(sound, "prune", "--yes", "--force", "--verify", py); code != 0 || !strings.Contains(out, "verify: OK") {
		t.Errorf("prune --verify: exit %d\n%s", code, out)
	}
	if left, _ := filepath.Glob(filepath.Join(sound, "shop", "migrations", "0002_*.py")); len(left) != 0 {
		t.Errorf("prune did not delete the replaced migrations: %q", left)
	}
}

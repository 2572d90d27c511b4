package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// recipe returns the commands of the sh block under a README heading, one
// per line, comments kept (they say where the recipe deploys).
func recipe(t *testing.T, heading string) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "## "+heading+"\n")
	if !ok {
		t.Fatalf("README has no section %q", heading)
	}
	_, rest, _ = strings.Cut(rest, "```sh\n")
	block, _, _ := strings.Cut(rest, "```")
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(block), "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	return lines
}

// TestReadmeRecipes runs the README's squash and reset recipes exactly as
// written, in a copy of the example, with $STAGING_URL and $PROD_URL two
// SQLite databases real Django migrated with the old history; "migrate
// everywhere" is real Django's migrate on both. Every command must succeed,
// and after the last one both databases have nothing to apply.
func TestReadmeRecipes(t *testing.T) {
	bin := buildBinary(t)
	example, _ := filepath.Abs("../../examples/bookshop")
	for _, heading := range []string{"Squashing in production, step by step", "Resetting in production, step by step", "Resetting in one release, with record"} {
		t.Run(strings.Join(strings.Fields(heading)[:3], "_"), func(t *testing.T) {
			p := djangotest.NewProject(t, example, "5.2", djangotest.SQLite)
			dbs := map[string]string{"STAGING_URL": filepath.Join(t.TempDir(), "staging.sqlite3"), "PROD_URL": filepath.Join(t.TempDir(), "prod.sqlite3")}
			migrate := func() []string {
				var outs []string
				for _, path := range dbs {
					p.Env = []string{"DJANGO_SETTINGS_MODULE=bookshop.settings", "DJSQUASH_DB_ENGINE=sqlite", "DJSQUASH_DB_NAME=" + path}
					outs = append(outs, p.Migrate())
				}
				return outs
			}
			migrate()
			// An activated virtualenv with Django 5.2, as the user has
			// one: --verify finds its interpreter through $VIRTUAL_ENV.
			dj := djangotest.RequireDjango(t, "5.2")
			venv := t.TempDir()
			os.MkdirAll(filepath.Join(venv, "bin"), 0o755)
			if err := os.Symlink(dj.Python, filepath.Join(venv, "bin", "python")); err != nil {
				t.Fatal(err)
			}
			env := append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "VIRTUAL_ENV="+venv, "PYTHONPATH="+dj.PythonPath)
			for name, path := range dbs {
				env = append(env, name+"=sqlite:///"+path)
			}
			ran := 0
			for _, line := range recipe(t, heading) {
				if strings.HasPrefix(line, "#") {
					if strings.Contains(line, "migrate everywhere") {
						migrate()
					}
					continue
				}
				cmd := exec.Command("bash", "-c", line)
				cmd.Dir, cmd.Env = p.Dir, env
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v\n%s", line, err, out)
				}
				if strings.Contains(line, "--verify") && !strings.Contains(string(out), "verify: OK") {
					t.Errorf("%s did not verify:\n%s", line, out)
				}
				ran++
			}
			for _, out := range migrate() {
				if !strings.Contains(out, "No migrations to apply") {
					t.Errorf("after the recipe, migrate applied something:\n%s", out)
				}
			}
			if ran < 3 {
				t.Errorf("only %d commands ran", ran)
			}
			if strings.Contains(heading, "record") {
				for name, path := range dbs {
					db := &djangotest.Database{Engine: djangotest.SQLite, Name: path}
					if n := db.QueryInt(t, "SELECT COUNT(*) FROM django_migrations WHERE app = 'catalog' AND name = '0001_initial'"); n != 0 {
						t.Errorf("%s still holds the old history's rows after record --prune", name)
					}
					if n := db.QueryInt(t, "SELECT COUNT(*) FROM djsquash_migrations_backup"); n != 47 {
						t.Errorf("%s: %d rows backed up, want the 47 deleted", name, n)
					}
				}
			}
		})
	}
}

// TestReadmeQuickStart runs the README's first quick-start command and its
// install command exactly as written, from the repository's root (the
// second quick-start command, scripts/test, is what CI runs).
func TestReadmeQuickStart(t *testing.T) {
	root, _ := filepath.Abs("../..")
	quick := recipe(t, "Quick start")
	b, _ := os.ReadFile("../../README.md")
	_, install, _ := strings.Cut(string(b), "## Install\n")
	_, install, _ = strings.Cut(install, "```sh\n")
	installLine, _, _ := strings.Cut(install, "\n")
	_, existed := os.Stat(filepath.Join(root, "djsquash"))
	for _, line := range []string{quick[0], installLine} {
		cmd := exec.Command("bash", "-c", line)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		if strings.HasPrefix(line, "go run") && !strings.Contains(string(out), "would write") {
			t.Errorf("%s printed no plan:\n%s", line, out)
		}
	}
	if existed != nil {
		os.Remove(filepath.Join(root, "djsquash")) // what the install command built
	}
	if !strings.Contains(quick[1], "scripts/test") {
		t.Errorf("the second quick-start command is %q, not scripts/test", quick[1])
	}
}

package djangotest

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Project is a scratch copy of a Django project wired to one Django version
// and one fresh database.
type Project struct {
	t      testing.TB
	Dir    string
	Django *Django
	DB     *Database
	// Env adds environment variables (KEY=VALUE) to manage.py runs.
	Env []string
}

// overlayModule is the settings module the harness writes into the copy: it
// imports the project's own settings and replaces DATABASES, so any project
// works without reading our environment variables.
const overlayModule = "djangotest_settings"

var settingsRE = regexp.MustCompile(`DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']`)

// NewProject copies src into a temporary directory and points it at a fresh
// database of the given engine, run with Django v.
func NewProject(t testing.TB, src string, v Version, engine Engine) *Project {
	t.Helper()
	dj := RequireDjango(t, v)
	db := NewDatabase(t, engine)
	dir := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := CopyTree(src, dir); err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	manage, err := os.ReadFile(filepath.Join(dir, "manage.py"))
	if err != nil {
		t.Fatalf("%s has no manage.py: %v", src, err)
	}
	m := settingsRE.FindSubmatch(manage)
	if m == nil {
		t.Fatalf("%s/manage.py does not set DJANGO_SETTINGS_MODULE", src)
	}
	overlay := fmt.Sprintf("# Written by djsquash's test harness.\nfrom %s import *  # noqa\n\nDATABASES = {\"default\": %s}\n",
		m[1], db.settingsPython())
	if err := os.WriteFile(filepath.Join(dir, overlayModule+".py"), []byte(overlay), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Project{t: t, Dir: dir, Django: dj, DB: db}
}

// CopyTree copies a directory, leaving out what a project run leaves behind
// (byte code, SQLite files) so every copy starts clean.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		name := d.Name()
		if d.IsDir() && (name == "__pycache__" || name == ".git") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(name, ".pyc") || strings.HasSuffix(name, ".sqlite3") {
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// Manage runs `python manage.py args...` and returns its combined output.
func (p *Project) Manage(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.Django.Python, append([]string{"manage.py"}, args...)...)
	cmd.Dir = p.Dir
	cmd.Env = append(os.Environ(),
		"PYTHONPATH="+p.Django.PythonPath,
		"DJANGO_SETTINGS_MODULE="+overlayModule,
		"PYTHONDONTWRITEBYTECODE=1",
		"PYTHONWARNINGS=ignore",
	)
	cmd.Env = append(cmd.Env, p.Env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("manage.py %s (Django %s, %s): %v\n%s",
			strings.Join(args, " "), p.Django.Version, p.DB.Engine, err, out.String())
	}
	return out.String(), err
}

// MustManage is Manage that fails the test on error.
func (p *Project) MustManage(args ...string) string {
	p.t.Helper()
	out, err := p.Manage(args...)
	if err != nil {
		p.t.Fatal(err)
	}
	return out
}

// Migrate runs `migrate --noinput` with extra args (an app, a target).
func (p *Project) Migrate(args ...string) string {
	p.t.Helper()
	return p.MustManage(append([]string{"migrate", "--noinput"}, args...)...)
}

// MakemigrationsCheck returns an error when Django would write new
// migrations, i.e. when models.py and the migrations disagree.
func (p *Project) MakemigrationsCheck() error {
	_, err := p.Manage("makemigrations", "--check", "--dry-run", "--noinput")
	return err
}

// ShowMigrations returns `showmigrations` output (with --plan when plan).
func (p *Project) ShowMigrations(plan bool) string {
	p.t.Helper()
	args := []string{"showmigrations"}
	if plan {
		args = append(args, "--plan")
	}
	return p.MustManage(args...)
}

// Schema dumps the normalised schema of the project's database.
func (p *Project) Schema() *Schema {
	p.t.Helper()
	s, err := DumpSchema(p.DB)
	if err != nil {
		p.t.Fatalf("dump %s schema: %v", p.DB.Engine, err)
	}
	return s
}

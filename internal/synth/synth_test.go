package synth

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	opts := Options{Seed: 7, Apps: 3, Migrations: 80, DataEvery: 8}
	sa, err := Generate(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Generate(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Migrations != 80 || sa.Operations != sb.Operations {
		t.Fatalf("stats differ or wrong count: %+v vs %+v", sa, sb)
	}
	err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with one seed", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The mix must look like real histories: AlterField and AddField lead.
	for _, k := range []string{"AlterField", "AddField", "CreateModel", "RemoveField", "RenameField", "AddIndex", "AddConstraint", "AlterModelOptions"} {
		if sa.ByKind[k] == 0 {
			t.Errorf("no %s generated: %v", k, sa.ByKind)
		}
	}
	if sa.ByKind["AlterField"]+sa.ByKind["AddField"] < sa.Operations/3 {
		t.Errorf("AlterField+AddField should dominate: %v", sa.ByKind)
	}
}

// TestDjangoAcceptsGeneratedProjects is the generator's oracle: real Django
// migrates what it writes, on every engine, and finds models.py in sync.
func TestDjangoAcceptsGeneratedProjects(t *testing.T) {
	for i, c := range []struct {
		v djangotest.Version
		e djangotest.Engine
	}{
		{"3.2", djangotest.SQLite}, {"5.2", djangotest.SQLite},
		{"5.2", djangotest.PostgreSQL}, {"4.2", djangotest.MySQL},
	} {
		t.Run(fmt.Sprintf("django%s-%s", c.v, c.e), func(t *testing.T) {
			t.Parallel()
			src := t.TempDir()
			if _, err := Generate(src, Options{Seed: int64(100 + i), Apps: 3, Migrations: 60, DataEvery: 6}); err != nil {
				t.Fatal(err)
			}
			p := djangotest.NewProject(t, src, c.v, c.e)
			p.Migrate()
			if err := p.MakemigrationsCheck(); err != nil {
				t.Errorf("models.py does not match the generated history: %v", err)
			}
		})
	}
}

// TestBlackStable: generated migrations are what black would write, so they
// can serve as round-trip input for the printer.
func TestBlackStable(t *testing.T) {
	black, err := exec.LookPath("black")
	if err != nil {
		djangotest.Unavailable(t, "black is not installed")
	}
	dir := t.TempDir()
	if _, err := Generate(dir, Options{Seed: 11, Apps: 2, Migrations: 40, DataEvery: 4}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "migrations", "0*.py"))
	models, _ := filepath.Glob(filepath.Join(dir, "*", "models.py"))
	out, err := exec.Command(black, append([]string{"--check", "--diff", "-q"}, append(files, models...)...)...).CombinedOutput()
	if err != nil {
		t.Errorf("black would reformat generated files:\n%s", out)
	}
}

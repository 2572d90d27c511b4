package djangotest

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestExampleProject migrates examples/bookshop on every supported Django
// version before 6.0 and every engine, checks that models.py and the
// migrations agree, and that all nine databases end with the same tables,
// columns and keys. On 6.x the example's history must first be rewritten
// by djsquash upgrade (Django 6.0 removed CheckConstraint(check=)): that is
// cli.TestExampleOnDjango6.
func TestExampleProject(t *testing.T) {
	src, err := filepath.Abs(filepath.Join("..", "..", "examples", "bookshop"))
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		v Version
		e Engine
	}
	var mu sync.Mutex
	schemas := map[key]*Schema{}
	t.Run("migrate", func(t *testing.T) {
		for _, v := range Versions() {
			if v.Major() >= 6 {
				continue // cli.TestExampleOnDjango6, after djsquash upgrade
			}
			for _, e := range Engines() {
				v, e := v, e
				t.Run(fmt.Sprintf("django%s-%s", v, e), func(t *testing.T) {
					t.Parallel()
					p := NewProject(t, src, v, e)
					p.Migrate()
					if err := p.MakemigrationsCheck(); err != nil {
						t.Errorf("models.py and migrations disagree: %v", err)
					}
					show := p.ShowMigrations(false)
					if strings.Contains(show, "[ ]") || !strings.Contains(show, "[X]") {
						t.Errorf("showmigrations after migrate lists unapplied migrations:\n%s", show)
					}
					s := p.Schema()
					// catalog.0026's RunSQL made a table Django does not manage.
					for _, table := range []string{"accounts_user", "catalog_book", "orders_order", "django_migrations", "catalog_searchlog"} {
						if s.Table(table) == nil {
							t.Errorf("table %s missing after migrate:\n%s", table, s)
						}
					}
					// catalog.0007's RunPython seeded the default categories.
					if n := p.DB.QueryInt(t, "SELECT COUNT(*) FROM catalog_category"); n != 4 {
						t.Errorf("catalog_category has %d rows after migrate, want the 4 seeded ones", n)
					}
					mu.Lock()
					schemas[key{v, e}] = s
					mu.Unlock()
				})
			}
		}
	})
	if t.Failed() {
		return
	}
	ref := schemas[key{"5.2", SQLite}]
	for k, s := range schemas {
		if d := ShapeDiff(ref, s); d != "" {
			t.Errorf("Django %s on %s ends with a different shape than Django 5.2 on SQLite (-5.2/sqlite +got):\n%s", k.v, k.e, d)
		}
	}
}

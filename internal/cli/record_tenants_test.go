package cli

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// TestRecordTenants records a squash in 1,000 PostgreSQL tenant schemas
// with a bounded pool (--jobs 8), checking each schema first; a second
// run, on a terminal, changes nothing and keeps one progress line.
func TestRecordTenants(t *testing.T) {
	const tenants = 1000
	src, _ := filepath.Abs("testdata/record_tenants")
	p := djangotest.NewProject(t, src, "5.2", djangotest.PostgreSQL)
	p.Migrate()
	if code, out, errOut := run(t, "--project", p.Dir, "squash", "shop", "--yes"); code != ExitOK {
		t.Fatalf("squash: exit %d\n%s%s", code, out, errOut)
	}
	var batch []string
	flush := func() {
		if len(batch) > 0 {
			p.DB.Exec(t, strings.Join(batch, ";\n"))
			batch = batch[:0]
		}
	}
	for i := 0; i < tenants; i++ {
		s := fmt.Sprintf("tenant_%04d", i)
		batch = append(batch, "CREATE SCHEMA "+s,
			"CREATE TABLE "+s+".shop_author (LIKE public.shop_author INCLUDING ALL)",
			"CREATE TABLE "+s+".shop_book (LIKE public.shop_book INCLUDING ALL)",
			"ALTER TABLE "+s+".shop_book ADD CONSTRAINT shop_book_author_fk FOREIGN KEY (author_id) REFERENCES "+s+".shop_author (id) DEFERRABLE INITIALLY DEFERRED",
			"CREATE TABLE "+s+".django_migrations (LIKE public.django_migrations INCLUDING ALL)",
			"INSERT INTO "+s+".django_migrations SELECT * FROM public.django_migrations",
			// LIKE gives the identity column a sequence of its own,
			// starting where the copied rows already are.
			"SELECT setval(pg_get_serial_sequence('"+s+".django_migrations', 'id'), (SELECT max(id) FROM "+s+".django_migrations))")
		if i%50 == 49 {
			flush()
		}
	}
	flush()
	// One tenant drifted: it is refused, the others are recorded.
	p.DB.Exec(t, "ALTER TABLE tenant_0500.shop_book DROP COLUMN title")

	db := "tenants=" + dbURL(p.DB)
	start := time.Now()
	code, rep, errOut := runRecord(t, "--project", p.Dir, "record", "--yes", "--database", db, "--schemas", "tenant_%", "--jobs", "8")
	took := time.Since(start)
	if len(rep.Databases) != tenants {
		t.Fatalf("exit %d: %d schemas reported, want %d\n%s", code, len(rep.Databases), tenants, errOut)
	}
	for i, d := range rep.Databases {
		want := fmt.Sprintf("tenants/tenant_%04d", i)
		switch {
		case d.Database != want:
			t.Fatalf("report %d is %s, want %s", i, d.Database, want)
		case i == 500:
			if d.Error == "" || !contains(d.Drift, "table shop_book: column title is missing") {
				t.Errorf("the drifted tenant: %+v", d)
			}
		case len(d.Inserted) != 1 || d.Inserted[0] != "shop.0001_squashed_0002_book" || d.Error != "":
			t.Errorf("%s: %+v", d.Database, d)
		}
	}
	if code != ExitProblems {
		t.Errorf("exit %d, want 1 (one tenant refused)", code)
	}
	if n := p.DB.QueryInt(t, "SELECT COUNT(*) FROM tenant_0999.django_migrations WHERE name = '0001_squashed_0002_book'"); n != 1 {
		t.Errorf("tenant_0999 holds %d rows of the squash", n)
	}
	if n := p.DB.QueryInt(t, "SELECT COUNT(*) FROM public.django_migrations WHERE name = '0001_squashed_0002_book'"); n != 0 {
		t.Errorf("the public schema, which --schemas does not match, was recorded")
	}
	t.Logf("recorded %d tenant schemas in %v (--jobs 8, a schema check each)", tenants, took.Round(time.Millisecond))

	// Again, on a terminal: nothing to do, one progress line.
	p.DB.Exec(t, "ALTER TABLE tenant_0500.shop_book ADD COLUMN title varchar(200) NOT NULL DEFAULT ''")
	bin := buildBinary(t)
	cmd := exec.Command("script", "-qec", strings.Join([]string{bin, "--project", p.Dir, "record", "--yes", "--database", db, "--schemas", "'tenant_%'"}, " "), "/dev/null")
	out, err := cmd.CombinedOutput()
	text := string(out)
	if err != nil || !strings.Contains(text, "recording 1000/1000") || !strings.Contains(text, "1 migration: shop.0001_squashed_0002_book") ||
		!strings.Contains(text, "999 databases unchanged (up to date)") {
		t.Errorf("second run on a terminal: %v\n%s", err, text)
	}
	if strings.Count(text, "\n") > 5 {
		t.Errorf("the progress took more than one line:\n%s", text)
	}
}

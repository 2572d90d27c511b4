package cli

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/google/go-cmp/cmp"
)

// dbURL renders a test database as the URL a user would pass.
func dbURL(db *djangotest.Database) string {
	switch db.Engine {
	case djangotest.SQLite:
		return "sqlite:///" + db.Name
	case djangotest.PostgreSQL:
		return fmt.Sprintf("postgres://%s@%s:%s/%s", db.User, db.Host, db.Port, db.Name)
	}
	return fmt.Sprintf("mysql://%s@%s:%s/%s", db.User, db.Host, db.Port, db.Name)
}

// djangoMarks parses showmigrations' list: "app -> [mark name]" lines.
func djangoMarks(out string, apps map[string]bool) []string {
	var marks []string
	app := ""
	for _, line := range strings.Split(out, "\n") {
		if line != "" && line[0] != ' ' {
			app = strings.TrimSpace(line)
			continue
		}
		line = strings.TrimSpace(line)
		if !apps[app] || len(line) < 4 || line[0] != '[' {
			continue
		}
		name, _, _ := strings.Cut(line[4:], " ")
		marks = append(marks, fmt.Sprintf("%s.%s %s", app, name, line[:3]))
	}
	return marks
}

func ourMarks(t *testing.T, dir, url string) ([]string, map[string]any) {
	t.Helper()
	_, out, errOut := run(t, "--project", dir, "--json", "status", "--database", url)
	var rep struct {
		Databases []struct {
			Apps []struct {
				App        string
				Migrations []struct{ Name, Mark string }
			}
		}
		Squashes []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Databases) != 1 {
		t.Fatalf("status --json: %v\n%s\n%s", err, out, errOut)
	}
	sym := map[string]string{"applied": "[X]", "unapplied": "[ ]", "unrecorded": "[-]"}
	var marks []string
	for _, a := range rep.Databases[0].Apps {
		for _, m := range a.Migrations {
			marks = append(marks, fmt.Sprintf("%s.%s %s", a.App, m.Name, sym[m.Mark]))
		}
	}
	var verdict map[string]any
	if len(rep.Squashes) > 0 {
		verdict = rep.Squashes[0]
	}
	return marks, verdict
}

// TestStatusMatchesShowmigrations puts databases in the states a squash
// meets in production, with a squash made by Django's own squashmigrations,
// and requires status to mark every migration as showmigrations does.
func TestStatusMatchesShowmigrations(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	apps := map[string]bool{"accounts": true, "catalog": true, "orders": true}
	squash := func(p *djangotest.Project) { p.MustManage("squashmigrations", "accounts", "0007", "--noinput") }
	states := []struct {
		name string
		prep func(p *djangotest.Project)
		safe bool
	}{
		{"unmigrated", func(p *djangotest.Project) { squash(p) }, false},
		{"partway into the squash", func(p *djangotest.Project) { p.Migrate("accounts", "0003"); squash(p) }, false},
		// Applied through the originals, but the squash's row is written
		// only by the next migrate run: not yet safe to prune.
		{"migrated before the squash", func(p *djangotest.Project) { p.Migrate(); squash(p) }, false},
		{"migrated before the squash, then migrate", func(p *djangotest.Project) { p.Migrate(); squash(p); p.Migrate() }, true},
		{"migrated with the squash", func(p *djangotest.Project) { squash(p); p.Migrate() }, true},
	}
	for _, c := range []struct {
		v djangotest.Version
		e djangotest.Engine
	}{{"6.1", djangotest.SQLite}, {"5.2", djangotest.SQLite}, {"3.2", djangotest.SQLite}, {"5.2", djangotest.PostgreSQL}, {"5.2", djangotest.MySQL}} {
		for i, st := range states {
			if c.e != djangotest.SQLite && i != 1 && i != len(states)-1 {
				// Reading django_migrations is each engine's; the states
				// are judged the same way: on the servers, partway and
				// migrated with the squash only.
				continue
			}
			t.Run(fmt.Sprintf("django%s-%s/%s", c.v, c.e, st.name), func(t *testing.T) {
				t.Parallel()
				p := newProject(t, src, c.v, c.e)
				st.prep(p)
				want := djangoMarks(p.ShowMigrations(false), apps)
				got, verdict := ourMarks(t, p.Dir, dbURL(p.DB))
				if c.v == "3.2" {
					// Django 3.2's showmigrations has no [-] (added in 4.x):
					// it prints [X] for a squash applied through its originals.
					for i := range got {
						got[i] = strings.Replace(got[i], "[-]", "[X]", 1)
					}
				}
				if len(want) == 0 {
					t.Fatal("showmigrations listed nothing")
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("status differs from showmigrations (-django +djsquash):\n%s", d)
				}
				if verdict == nil || verdict["safe_to_prune"] != st.safe {
					t.Errorf("verdict %v, want safe_to_prune=%v", verdict, st.safe)
				}
			})
		}
	}
}

// planNames returns the example's migrations in plan order, as "app.name".
func planNames(t *testing.T, dir string) []string {
	t.Helper()
	return ourPlan(t, dir)
}

// TestStatusTenantSchemas: 50 django-tenants style schemas, each with its
// own django_migrations at a different point, read with --schemas.
func TestStatusTenantSchemas(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	plan := planNames(t, src)
	db := djangotest.NewDatabase(t, djangotest.PostgreSQL)
	var stmts []string
	for i := 0; i < 50; i++ {
		s := fmt.Sprintf("tenant_%02d", i)
		stmts = append(stmts, "CREATE SCHEMA "+s,
			"CREATE TABLE "+s+`.django_migrations ("id" bigserial PRIMARY KEY, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" timestamptz NOT NULL)`)
		var values []string
		for _, k := range plan[:i%(len(plan)+1)] {
			app, name, _ := strings.Cut(k, ".")
			values = append(values, fmt.Sprintf("('%s', '%s', now())", app, name))
		}
		if len(values) > 0 {
			stmts = append(stmts, "INSERT INTO "+s+".django_migrations (app, name, applied) VALUES "+strings.Join(values, ", "))
		}
	}
	stmts = append(stmts, "CREATE SCHEMA other", `CREATE TABLE other.django_migrations ("id" serial, "app" text, "name" text, "applied" timestamptz)`)
	db.Exec(t, stmts...)
	code, out, errOut := run(t, "--project", src, "--json", "status", "--database", "tenants="+dbURL(db), "--schemas", "tenant_%")
	var rep struct {
		Databases []struct {
			Database  string
			Unapplied int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, errOut)
	}
	if len(rep.Databases) != 50 {
		t.Fatalf("read %d schemas, want the 50 tenant ones", len(rep.Databases))
	}
	for i, d := range rep.Databases {
		want := fmt.Sprintf("tenants/tenant_%02d", i)
		if d.Database != want || d.Unapplied != len(plan)-i%(len(plan)+1) {
			t.Errorf("schema %d: got %s with %d unapplied, want %s with %d", i, d.Database, d.Unapplied, want, len(plan)-i)
		}
	}
	if code != ExitProblems {
		t.Errorf("exit %d, want 1: most tenants are behind", code)
	}
}

// TestStatusWritesNothing runs status as a PostgreSQL role that may only
// SELECT: any write would fail the command.
func TestStatusWritesNothing(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	p := djangotest.NewProject(t, src, "5.2", djangotest.PostgreSQL)
	p.Migrate("catalog", "0005")
	role := "djs_ro_" + strings.TrimPrefix(p.DB.Name, "djt_")
	p.DB.Exec(t, "CREATE ROLE "+role+" LOGIN", "GRANT CONNECT ON DATABASE "+p.DB.Name+" TO "+role,
		"GRANT USAGE ON SCHEMA public TO "+role, "GRANT SELECT ON django_migrations TO "+role)
	t.Cleanup(func() {
		p.DB.Exec(t, "REVOKE ALL ON django_migrations FROM "+role, "REVOKE ALL ON SCHEMA public FROM "+role,
			"REVOKE ALL ON DATABASE "+p.DB.Name+" FROM "+role, "DROP ROLE "+role)
	})
	before := p.DB.QueryInt(t, "SELECT COUNT(*) FROM django_migrations")
	url := fmt.Sprintf("postgres://%s@%s:%s/%s", role, p.DB.Host, p.DB.Port, p.DB.Name)
	code, out, errOut := run(t, "--project", p.Dir, "status", "--database", url)
	if code != ExitProblems || !strings.Contains(out, "0006_book_publisher") {
		t.Fatalf("status as a read-only role: exit %d\n%s\n%s", code, out, errOut)
	}
	if after := p.DB.QueryInt(t, "SELECT COUNT(*) FROM django_migrations"); after != before {
		t.Errorf("django_migrations changed: %d rows before, %d after", before, after)
	}
	// The role really cannot write: the test proves something.
	code, _, _ = run(t, "--project", p.Dir, "status", "--database", strings.Replace(url, role, "djs_no_such_role", 1))
	if code != ExitUsage {
		t.Errorf("an unknown role should fail to connect (exit 2), got %d", code)
	}
}

// TestStatusNeverPrintsPasswords covers every output path: text, JSON,
// and connection errors from both network engines.
func TestStatusNeverPrintsPasswords(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	const secret = "Sup3r-s3cret%40pw"
	mysql := djangotest.NewDatabase(t, djangotest.MySQL)
	t.Setenv("DJSQUASH_TEST_URL", "postgres://app:"+secret+"@127.0.0.1:1/x")
	for _, args := range [][]string{
		{"status", "--database", "postgres://app:" + secret + "@127.0.0.1:1/x"},
		{"--json", "status", "--database", "prod=postgres://app:" + secret + "@127.0.0.1:1/x"},
		{"status", "--database", "env:DJSQUASH_TEST_URL"},
		{"--json", "status", "--database", fmt.Sprintf("mysql://%s:%s@%s:%s/%s", mysql.User, secret, mysql.Host, mysql.Port, mysql.Name)},
		{"status", "--database", "postgres://app:" + secret + "@127.0.0.1:notaport/x"},
		{"record", "--yes", "--database", fmt.Sprintf("mysql://%s:%s@%s:%s/%s", mysql.User, secret, mysql.Host, mysql.Port, mysql.Name)},
		{"--json", "restore", "latest", "--yes", "--database", fmt.Sprintf("mysql://%s:%s@%s:%s/%s", mysql.User, secret, mysql.Host, mysql.Port, mysql.Name)},
	} {
		code, out, errOut := run(t, append([]string{"--project", src}, args...)...)
		if code == ExitOK {
			t.Errorf("%v: succeeded", args)
		}
		for _, form := range []string{secret, "Sup3r-s3cret@pw", "Sup3r"} {
			if strings.Contains(out+errOut, form) {
				t.Errorf("%v: output contains the password:\n%s\n%s", args, out, errOut)
			}
		}
	}
}

// TestStatusDefaultUserModel: with the default user model, migrations
// depend on ("auth", "__first__") of django.contrib.auth, outside the
// project. A database real Django migrated is up to date and consistent,
// before and after squashing (Django resolves __first__ to auth's first
// migration; status counts any auth row for it).
func TestStatusDefaultUserModel(t *testing.T) {
	src, _ := filepath.Abs("testdata/auth_user")
	for _, c := range []struct {
		v djangotest.Version
		e djangotest.Engine
	}{{"6.1", djangotest.SQLite}, {"5.2", djangotest.SQLite}, {"5.2", djangotest.PostgreSQL}, {"3.2", djangotest.SQLite}} {
		t.Run(fmt.Sprintf("django%s-%s", c.v, c.e), func(t *testing.T) {
			t.Parallel()
			p := newProject(t, src, c.v, c.e)
			p.Migrate()
			check := func(when string) {
				code, out, errOut := run(t, "--project", p.Dir, "status", "--database", dbURL(p.DB))
				if code != 0 || strings.Contains(out, "inconsistent") {
					t.Errorf("%s: status exit %d:\n%s%s", when, code, out, errOut)
				}
			}
			check("migrated")
			if code, out, errOut := run(t, "--project", p.Dir, "squash", "--yes"); code != 0 {
				t.Fatalf("squash: exit %d\n%s%s", code, out, errOut)
			}
			p.Migrate() // records the squash (check_replacements)
			check("squashed")
		})
	}
}

// TestStatusTextSummarises: an app behind says how far ("catalog: 25 of
// 27 unapplied"), and the rows of migrations no longer on disk (dozens
// after a reset or prune) take one line, by app, unless -v.
func TestStatusTextSummarises(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	db := djangotest.NewDatabase(t, djangotest.SQLite)
	stmts := []string{`CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL)`,
		"INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0001_initial', '2024-01-01 00:00:00')",
		"INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0002_book_isbn', '2024-01-01 00:00:00')"}
	for i := 0; i < 6; i++ {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO django_migrations (app, name, applied) VALUES ('%s', '09%02d_gone', '2024-01-01 00:00:00')", []string{"catalog", "orders"}[i%2], i))
	}
	db.Exec(t, stmts...)
	_, out, _ := run(t, "--project", example, "status", "--database", dbURL(db))
	if !strings.Contains(out, "  catalog: 25 of 27 unapplied\n") {
		t.Errorf("no count for catalog:\n%s", out)
	}
	if n := strings.Count(out, "recorded but not on disk"); n != 1 || !strings.Contains(out, "6 rows (catalog 3, orders 3; -v lists them)") {
		t.Errorf("%d lines about rows not on disk:\n%s", n, out)
	}
	_, out, _ = run(t, "--project", example, "-v", "status", "--database", dbURL(db))
	if n := strings.Count(out, "recorded but not on disk"); n != 6 {
		t.Errorf("-v lists %d rows not on disk, want 6:\n%s", n, out)
	}

	// On a terminal: a table per database, one row per app.
	bin := buildBinary(t)
	tty, _ := exec.Command("script", "-qec", bin+" --project "+example+" --no-color status --database "+dbURL(db), "/dev/null").CombinedOutput()
	table := strings.ReplaceAll(string(tty), "\r", "")
	for _, want := range []string{"default: 2 of 47 applied, 45 unapplied\n", "  app       applied  unapplied  squashes\n", "  accounts  0/8      8\n", "  catalog   2/27     25\n", "6 rows (catalog 3, orders 3; -v lists them)"} {
		if !strings.Contains(table, want) {
			t.Errorf("status on a terminal has no %q:\n%s", want, table)
		}
	}
}

package recorder

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/djsquash/djsquash/internal/djangotest"
)

const secret = "s3cr3t-P@ss/w0rd"

func TestParseTarget(t *testing.T) {
	t.Setenv("DJSQUASH_TEST_DB", "postgres://app:"+secret+"@db.internal:6543/shop?sslmode=require")
	for _, c := range []struct {
		spec, name, str string
		engine          Engine
		db, schema      string
	}{
		{"sqlite:///rel/db.sqlite3", "default", "sqlite:///proj/rel/db.sqlite3", SQLite, "/proj/rel/db.sqlite3", ""},
		{"sqlite:////abs/db.sqlite3", "default", "sqlite:///abs/db.sqlite3", SQLite, "/abs/db.sqlite3", ""},
		{"postgres://u@h/d", "default", "postgresql://u@h/d", PostgreSQL, "d", ""},
		{"psql://u@h/d", "default", "postgresql://u@h/d", PostgreSQL, "d", ""}, // dj-database-url's alias
		{"postgresql://u:pw@h:5/d?options=-csearch_path%3Dtenant1,public", "default",
			"postgresql://u:***@h:5/d?options=-csearch_path%3Dtenant1%2Cpublic", PostgreSQL, "d", "tenant1"},
		{"staging=mysql://root:pw@127.0.0.1:3306/shop", "staging", "mysql://root:***@127.0.0.1:3306/shop", MySQL, "shop", ""},
		{"mariadb://root@h/shop", "default", "mysql://root@h/shop", MySQL, "shop", ""},
		{"production=env:DJSQUASH_TEST_DB", "production", "postgresql://app:***@db.internal:6543/shop?sslmode=require", PostgreSQL, "shop", ""},
		{"postgres://u:pa?ss@h/d", "default", "postgresql://u:***@h/d", PostgreSQL, "d", ""},
		{"pgsql://u@h/d?password=" + url.QueryEscape(secret), "default", "postgresql://u@h/d?password=***", PostgreSQL, "d", ""},
		{"postgres://app:Xk9#mQ2?abc@h/d?sslmode=require", "default", "postgresql://app:***@h/d?sslmode=require", PostgreSQL, "d", ""},
	} {
		tg, err := ParseTarget(c.spec, "/proj")
		if err != nil {
			t.Errorf("%s: %v", c.spec, err)
			continue
		}
		if tg.Name != c.name || tg.Engine != c.engine || tg.Database != c.db || tg.Schema != c.schema || tg.String() != c.str {
			t.Errorf("%s: got name=%s engine=%s db=%s schema=%q str=%s", c.spec, tg.Name, tg.Engine, tg.Database, tg.Schema, tg.String())
		}
		js, _ := json.Marshal(tg)
		if strings.Contains(string(js), secret) || strings.Contains(string(js), "pw@") || strings.Contains(fmt.Sprintf("%v %+v", tg, tg), secret) {
			t.Errorf("%s: password in output: %s", c.spec, js)
		}
	}
	for _, bad := range []string{
		"env:DJSQUASH_NOT_SET_ANYWHERE",
		"oracle://u:" + secret + "@h/d",
		"postgres://u:" + secret + "@h/",
		"postgres://u:" + secret + "@h:notaport/d",
		"sqlite://",
		"pgsql://u@h/d?password=" + secret, // an '@' in the query after a user info: ambiguous
		"just-a-path",
	} {
		_, err := ParseTarget(bad, "/proj")
		if err == nil {
			t.Errorf("%s: accepted", bad)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error leaks the password: %v", bad, err)
		}
	}
}

// djangoDDL creates django_migrations as Django's recorder does.
func djangoDDL(e djangotest.Engine) string {
	switch e {
	case djangotest.PostgreSQL:
		return `CREATE TABLE "django_migrations" ("id" bigserial NOT NULL PRIMARY KEY, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" timestamp with time zone NOT NULL)`
	case djangotest.MySQL:
		return "CREATE TABLE `django_migrations` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `app` varchar(255) NOT NULL, `name` varchar(255) NOT NULL, `applied` datetime(6) NOT NULL)"
	default:
		return `CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL)`
	}
}

// targetFor turns a test database into a Target, with an optional password.
func targetFor(t *testing.T, db *djangotest.Database, password string) *Target {
	t.Helper()
	var spec string
	switch db.Engine {
	case djangotest.SQLite:
		spec = "sqlite:///" + db.Name
	case djangotest.PostgreSQL:
		spec = fmt.Sprintf("postgres://%s@%s:%s/%s", db.User, db.Host, db.Port, db.Name)
	default:
		spec = fmt.Sprintf("mysql://%s@%s:%s/%s", db.User, db.Host, db.Port, db.Name)
	}
	tg, err := ParseTarget(spec, "/")
	if err != nil {
		t.Fatal(err)
	}
	tg.password = password
	return tg
}

// openStore opens a store on a test database, closed when the test ends.
func openStore(t *testing.T, db *djangotest.Database) *Store {
	t.Helper()
	s, err := Open(targetFor(t, db, ""), Timeouts{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestAppliedOnEveryEngine(t *testing.T) {
	for _, e := range djangotest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			db := djangotest.NewDatabase(t, e)
			db.Exec(t, "CREATE TABLE unrelated (x integer)")
			ctx := context.Background()

			s := openStore(t, db)
			if _, err := s.Applied(ctx, ""); !errors.Is(err, ErrNeverMigrated) {
				t.Errorf("empty database: got %v, want ErrNeverMigrated", err)
			}

			db.Exec(t, djangoDDL(e),
				"INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0001_initial', '2024-01-02 03:04:05')",
				"INSERT INTO django_migrations (app, name, applied) VALUES ('catalog', '0002_book_isbn', '2024-02-03 04:05:06')",
				"INSERT INTO django_migrations (app, name, applied) VALUES ('orders', '0001_initial', '2024-03-04 05:06:07')")
			rows, err := s.Applied(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%d %s.%s %s", r.ID, r.App, r.Name, r.Applied.Format("2006-01-02")))
			}
			want := []string{"1 catalog.0001_initial 2024-01-02", "2 catalog.0002_book_isbn 2024-02-03", "3 orders.0001_initial 2024-03-04"}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestBadShape(t *testing.T) {
	for _, e := range djangotest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			db := djangotest.NewDatabase(t, e)
			db.Exec(t, "CREATE TABLE django_migrations (id integer, app varchar(10), name varchar(10))")
			s := openStore(t, db)
			if _, err := s.Applied(context.Background(), ""); !errors.Is(err, ErrBadShape) || !strings.Contains(err.Error(), "applied") {
				t.Errorf("got %v, want ErrBadShape naming the missing column", err)
			}
		})
	}
}

// TestReadsAreReadOnly proves the transaction Applied uses refuses writes.
func TestReadsAreReadOnly(t *testing.T) {
	for _, e := range djangotest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			db := djangotest.NewDatabase(t, e)
			db.Exec(t, djangoDDL(e))
			s := openStore(t, db)
			err := s.readOnly(context.Background(), func(tx *sql.Tx) error {
				_, err := tx.Exec("INSERT INTO django_migrations (app, name, applied) VALUES ('a', 'b', '2024-01-01 00:00:00')")
				return err
			})
			if err == nil {
				t.Fatal("a write inside the read-only transaction succeeded")
			}
		})
	}
}

func TestErrorsNeverLeakPassword(t *testing.T) {
	ctx := context.Background()
	// Nothing listens on port 1: unreachable, for both network engines.
	for _, spec := range []string{
		"postgres://u:" + secret + "@127.0.0.1:1/d",
		"mysql://u:" + secret + "@127.0.0.1:1/d",
		"sqlite:////nonexistent/db.sqlite3",
	} {
		tg, err := ParseTarget(spec, "/")
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(tg, Timeouts{Connect: 2 * time.Second, Statement: 2 * time.Second})
		if err == nil {
			_, err = s.Applied(ctx, "")
			s.Close()
		}
		if err == nil {
			t.Fatalf("%s: no error", tg)
		}
		want := ErrUnreachable
		if tg.Engine == SQLite {
			want = ErrNoDatabase
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: got %v, want %v", tg, err, want)
		}
		if strings.Contains(err.Error(), strings.Split(secret, "/")[0]) {
			t.Errorf("%s: error leaks the password: %v", tg, err)
		}
	}
	// A wrong password on MariaDB: authentication failure, password scrubbed.
	db := djangotest.NewDatabase(t, djangotest.MySQL)
	s, err := Open(targetFor(t, db, secret), Timeouts{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Applied(ctx, "")
	if !errors.Is(err, ErrAuth) {
		t.Errorf("wrong password: got %v, want ErrAuth", err)
	}
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks the password: %v", err)
	}
}

// TestNoPrivilegeIsNotNeverMigrated: a role that may not read
// django_migrations, and a schema that does not exist, are errors; only a
// database without the table is "never migrated". (The catalogs hide what
// a role cannot read, so both used to look like a fresh database.)
func TestNoPrivilegeIsNotNeverMigrated(t *testing.T) {
	ctx := context.Background()
	for _, e := range []djangotest.Engine{djangotest.PostgreSQL, djangotest.MySQL} {
		t.Run(string(e), func(t *testing.T) {
			db := djangotest.NewDatabase(t, e)
			db.Exec(t, djangoDDL(e), "CREATE TABLE other (id integer)")
			role := "djs_np_" + strings.TrimPrefix(db.Name, "djt_")
			tg := targetFor(t, db, "")
			tg.User = role
			if e == djangotest.PostgreSQL {
				db.Exec(t, "CREATE ROLE "+role+" LOGIN", "GRANT CONNECT ON DATABASE "+db.Name+" TO "+role,
					"GRANT USAGE ON SCHEMA public TO "+role, "GRANT SELECT ON other TO "+role)
				t.Cleanup(func() {
					db.Exec(t, "REVOKE ALL ON other FROM "+role, "REVOKE ALL ON SCHEMA public FROM "+role,
						"REVOKE ALL ON DATABASE "+db.Name+" FROM "+role, "DROP ROLE "+role)
				})
			} else {
				db.Exec(t, "CREATE USER '"+role+"'@'%'", "GRANT SELECT ON `"+db.Name+"`.`other` TO '"+role+"'@'%'")
				t.Cleanup(func() { db.Exec(t, "DROP USER '"+role+"'@'%'") })
			}
			s, err := Open(tg, Timeouts{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = s.Applied(ctx, "")
			if !errors.Is(err, ErrPermission) {
				t.Errorf("a role without SELECT on django_migrations: got %v, want ErrPermission", err)
			}
			// The same role reads a database with no table as never migrated.
			if e == djangotest.PostgreSQL {
				_, err = s.Applied(ctx, "no_such_schema")
				if !errors.Is(err, ErrNoSchema) || !strings.Contains(err.Error(), "no_such_schema") {
					t.Errorf("a misspelled schema: got %v, want ErrNoSchema naming it", err)
				}
			}
		})
	}
	// And a database without the table still is never migrated.
	for _, e := range []djangotest.Engine{djangotest.SQLite, djangotest.PostgreSQL, djangotest.MySQL} {
		db := djangotest.NewDatabase(t, e)
		if e == djangotest.SQLite {
			db.Exec(t, "CREATE TABLE other (id integer)")
		}
		_, err := openStore(t, db).Applied(ctx, "")
		if !errors.Is(err, ErrNeverMigrated) {
			t.Errorf("%s without django_migrations: got %v, want ErrNeverMigrated", e, err)
		}
	}
}

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/google/go-cmp/cmp"
)

// appliedText is each engine's expression for django_migrations.applied as
// the text the database stores: what "byte-identical" compares.
func appliedText(e djangotest.Engine) string {
	switch e {
	case djangotest.PostgreSQL:
		return "applied::text"
	case djangotest.MySQL:
		return "CAST(applied AS CHAR)"
	}
	return "CAST(applied AS TEXT)"
}

// migrationRows dumps django_migrations: "id app.name applied", by id.
func migrationRows(t *testing.T, db *djangotest.Database) []string {
	t.Helper()
	return queryStrings(t, db, "SELECT id, app, name, "+appliedText(db.Engine)+" FROM django_migrations ORDER BY id")
}

// queryStrings runs a query and joins each row's columns with spaces.
func queryStrings(t *testing.T, db *djangotest.Database, q string) []string {
	t.Helper()
	conn, err := db.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// withoutBackupTable is a schema without djsquash's own backup table.
func withoutBackupTable(s *djangotest.Schema) *djangotest.Schema {
	out := *s
	out.Tables = nil
	for _, tb := range s.Tables {
		if tb.Name != "djsquash_migrations_backup" {
			out.Tables = append(out.Tables, tb)
		}
	}
	return &out
}

type recordJSON struct {
	DryRun    bool   `json:"dry_run"`
	Batch     string `json:"batch"`
	Databases []struct {
		Database string   `json:"database"`
		Inserted []string `json:"inserted"`
		Deleted  []string `json:"deleted"`
		Restored []string `json:"restored"`
		Held     []string `json:"held"`
		Drift    []string `json:"drift"`
		File     string   `json:"backup_file"`
		Error    string   `json:"error"`
	} `json:"databases"`
}

func runRecord(t *testing.T, args ...string) (int, recordJSON, string) {
	t.Helper()
	code, out, errOut := run(t, append([]string{"--json"}, args...)...)
	var rep recordJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: exit %d: %v\n%s%s", args, code, err, out, errOut)
	}
	return code, rep, errOut
}

// migratedReset is the example migrated with its history by Django 5.2 on
// engine, then reset by djsquash: the database has the old rows, the tree
// the new migrations with replaces. db is its --database value.
func migratedReset(t *testing.T, engine djangotest.Engine) (*djangotest.Project, string) {
	return migratedResetOn(t, "5.2", engine)
}

// migratedResetOn is migratedReset with Django v (6.x after upgrade).
func migratedResetOn(t *testing.T, v djangotest.Version, engine djangotest.Engine) (*djangotest.Project, string) {
	t.Helper()
	example, _ := filepath.Abs("../../examples/bookshop")
	p := newProject(t, example, v, engine)
	p.Migrate()
	db := "prod=" + dbURL(p.DB)
	if code, out, errOut := run(t, "--project", p.Dir, "reset", "--yes", "--django", string(v[0]), "--database", db); code != ExitOK {
		t.Fatalf("reset: exit %d\n%s%s", code, out, errOut)
	}
	return p, db
}

type versionEngine struct {
	v      djangotest.Version
	engine djangotest.Engine
}

// versionsAndEngines are the record oracles' runs: the LTS and the current
// release, on every engine.
func versionsAndEngines() []versionEngine {
	var out []versionEngine
	for _, e := range djangotest.Engines() {
		out = append(out, versionEngine{"5.2", e}, versionEngine{"6.1", e})
	}
	return out
}

// TestRecordReset is the reset deployed with djsquash record instead of a
// migrate, on every engine: Django then has nothing to apply and shows
// every migration applied; after the old rows are deleted (backed up)
// migrate still has nothing to do; restore brings back the very rows.
func TestRecordReset(t *testing.T) {
	for _, c := range versionsAndEngines() {
		engine := c.engine
		t.Run(fmt.Sprintf("django%s_%s", c.v, engine), func(t *testing.T) {
			t.Parallel()
			p, db := migratedResetOn(t, c.v, engine)
			want := p.Schema()
			original := migrationRows(t, p.DB)

			// A dry run shows the SQL and changes nothing.
			code, out, errOut := run(t, "--project", p.Dir, "record", "--dry-run", "--database", db)
			if code != ExitOK || !strings.Contains(out, "would record 4 migrations") || !strings.Contains(out, "INSERT INTO") {
				t.Fatalf("record --dry-run: exit %d\n%s%s", code, out, errOut)
			}
			if d := cmp.Diff(original, migrationRows(t, p.DB)); d != "" {
				t.Fatalf("the dry run changed django_migrations:\n%s", d)
			}

			code, rep, errOut := runRecord(t, "--project", p.Dir, "record", "--yes", "--database", db)
			if code != ExitOK || len(rep.Databases) != 1 || len(rep.Databases[0].Inserted) != 4 {
				t.Fatalf("record: exit %d: %+v\n%s", code, rep, errOut)
			}
			recorded := migrationRows(t, p.DB)
			if d := cmp.Diff(original, recorded[:len(original)]); d != "" {
				t.Errorf("record changed existing rows (it is insert-only):\n%s", d)
			}
			if out := p.Migrate(); !strings.Contains(out, "No migrations to apply") {
				t.Errorf("migrate after record applied something:\n%s", out)
			}
			if shown := p.ShowMigrations(false); strings.Contains(shown, "[ ]") || !strings.Contains(shown, "[X] 0028_initial") {
				t.Errorf("showmigrations after record:\n%s", shown)
			}
			if d := cmp.Diff(recorded, migrationRows(t, p.DB)); d != "" {
				t.Errorf("migrate after record wrote rows (it recorded something record had not):\n%s", d)
			}
			code, rep, _ = runRecord(t, "--project", p.Dir, "record", "--yes", "--database", db)
			if code != ExitOK || len(rep.Databases[0].Inserted) != 0 {
				t.Errorf("a second record: exit %d: %+v", code, rep)
			}

			// While the squashes list the old migrations in replaces,
			// Django reads their rows: --prune keeps them.
			code, rep, _ = runRecord(t, "--project", p.Dir, "record", "--prune", "--yes", "--database", db)
			if code != ExitOK || len(rep.Databases[0].Deleted) != 0 || len(rep.Databases[0].Held) == 0 {
				t.Errorf("record --prune before prune: exit %d: %+v", code, rep)
			}
			if code, out, errOut := run(t, "--project", p.Dir, "prune", "--yes", "--database", db); code != ExitOK {
				t.Fatalf("prune: exit %d\n%s%s", code, out, errOut)
			}
			before := migrationRows(t, p.DB)
			code, rep, errOut = runRecord(t, "--project", p.Dir, "record", "--prune", "--yes", "--database", db)
			if code != ExitOK || len(rep.Databases[0].Deleted) != 47 || rep.Databases[0].File == "" {
				t.Fatalf("record --prune: exit %d: %+v\n%s", code, rep, errOut)
			}
			st, err := os.Stat(filepath.Join(p.Dir, rep.Databases[0].File))
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("backup file: %v, mode %v; want 0600", err, st.Mode().Perm())
			}
			if out := p.Migrate(); !strings.Contains(out, "No migrations to apply") {
				t.Errorf("migrate after record --prune applied something:\n%s", out)
			}
			if shown := p.ShowMigrations(false); strings.Contains(shown, "[ ]") {
				t.Errorf("showmigrations after record --prune:\n%s", shown)
			}
			if got := len(migrationRows(t, p.DB)); got != len(before)-47 {
				t.Errorf("%d rows after deleting 47 of %d", got, len(before))
			}

			code, rep, errOut = runRecord(t, "--project", p.Dir, "restore", "latest", "--yes", "--database", db)
			if code != ExitOK || len(rep.Databases[0].Restored) != 47 {
				t.Fatalf("restore latest: exit %d: %+v\n%s", code, rep, errOut)
			}
			if d := cmp.Diff(before, migrationRows(t, p.DB)); d != "" {
				t.Errorf("restore did not bring back the rows byte for byte:\n%s", d)
			}
			code, rep, _ = runRecord(t, "--project", p.Dir, "restore", "latest", "--yes", "--database", db)
			if code != ExitOK || len(rep.Databases[0].Restored) != 0 {
				t.Errorf("a second restore: exit %d: %+v", code, rep)
			}

			// The same from the backup file alone.
			code, rep, _ = runRecord(t, "--project", p.Dir, "record", "--prune", "--yes", "--database", db)
			if code != ExitOK || len(rep.Databases[0].Deleted) != 47 {
				t.Fatalf("record --prune again: exit %d: %+v", code, rep)
			}
			file := filepath.Join(p.Dir, rep.Databases[0].File)
			code, rep, errOut = runRecord(t, "--project", p.Dir, "restore", file, "--yes", "--database", db)
			if code != ExitOK || len(rep.Databases[0].Restored) != 47 {
				t.Fatalf("restore FILE: exit %d: %+v\n%s", code, rep, errOut)
			}
			if d := cmp.Diff(before, migrationRows(t, p.DB)); d != "" {
				t.Errorf("restore from the file did not bring back the rows byte for byte:\n%s", d)
			}
			if d := djangotest.Diff(want, withoutBackupTable(p.Schema())); d != "" {
				t.Errorf("the schema changed:\n%s", d)
			}
		})
	}
}

// drift breaks a migrated bookshop database four ways: a dropped column,
// a renamed table, a foreign key to another table, a missing index.
func drift(t *testing.T, db *djangotest.Database) {
	t.Helper()
	switch db.Engine {
	case djangotest.SQLite:
		db.Exec(t, "ALTER TABLE catalog_review DROP COLUMN body",
			"ALTER TABLE orders_shipment RENAME TO orders_shipments",
			"DROP INDEX catalog_book_title_idx",
			"PRAGMA writable_schema = ON",
			`UPDATE sqlite_master SET sql = replace(sql, 'REFERENCES "catalog_book"', 'REFERENCES "catalog_author"') WHERE name = 'catalog_review'`)
	case djangotest.PostgreSQL:
		fk := queryStrings(t, db, "SELECT conname FROM pg_constraint WHERE conrelid = 'catalog_review'::regclass AND confrelid = 'catalog_book'::regclass")
		db.Exec(t, "ALTER TABLE catalog_review DROP COLUMN body",
			"ALTER TABLE orders_shipment RENAME TO orders_shipments",
			"DROP INDEX catalog_book_title_idx",
			`ALTER TABLE catalog_review DROP CONSTRAINT "`+fk[0]+`", ADD CONSTRAINT review_book_fk FOREIGN KEY (book_id) REFERENCES catalog_author (id)`)
	default:
		fk := queryStrings(t, db, "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'catalog_review' AND REFERENCED_TABLE_NAME = 'catalog_book'")
		db.Exec(t, "ALTER TABLE catalog_review DROP COLUMN body",
			"RENAME TABLE orders_shipment TO orders_shipments",
			"DROP INDEX catalog_book_title_idx ON catalog_book",
			"ALTER TABLE catalog_review DROP FOREIGN KEY `"+fk[0]+"`",
			"ALTER TABLE catalog_review ADD CONSTRAINT review_book_fk FOREIGN KEY (book_id) REFERENCES catalog_author (id)")
	}
}

// TestRecordSchemaDrift: each kind of drift refuses record on every
// engine, with the drift listed and nothing written; status
// --schema-check reports the same, and passes the database before.
func TestRecordSchemaDrift(t *testing.T) {
	kinds := []string{
		"table catalog_review: column body is missing",
		"table orders_shipment (orders.Shipment) is missing",
		"table catalog_review: foreign key book_id references catalog_author, the migrations make it reference catalog_book",
		"table catalog_book: index or constraint catalog_book_title_idx is missing",
	}
	for _, c := range versionsAndEngines() {
		engine := c.engine
		t.Run(fmt.Sprintf("django%s_%s", c.v, engine), func(t *testing.T) {
			t.Parallel()
			p, db := migratedResetOn(t, c.v, engine)
			code, out, errOut := run(t, "--project", p.Dir, "status", "--schema-check", "--database", db)
			if code != ExitOK || !strings.Contains(out, "prod: matches the migrations") || strings.Contains(out, "warning:") {
				t.Errorf("status --schema-check of a database that matches: exit %d\n%s%s", code, out, errOut)
			}
			drift(t, p.DB)
			before := migrationRows(t, p.DB)
			code, rep, errOut := runRecord(t, "--project", p.Dir, "record", "--yes", "--database", db)
			if code != ExitProblems || len(rep.Databases) != 1 || !strings.Contains(rep.Databases[0].Error, "schema drift") {
				t.Fatalf("record of a drifted database: exit %d: %+v\n%s", code, rep, errOut)
			}
			for _, k := range kinds {
				if !contains(rep.Databases[0].Drift, k) {
					t.Errorf("drift not reported: %s\ngot:\n%s", k, strings.Join(rep.Databases[0].Drift, "\n"))
				}
			}
			if len(rep.Databases[0].Drift) != len(kinds) {
				t.Errorf("drift reported beyond the four made:\n%s", strings.Join(rep.Databases[0].Drift, "\n"))
			}
			if d := cmp.Diff(before, migrationRows(t, p.DB)); d != "" {
				t.Errorf("a refused record changed django_migrations:\n%s", d)
			}
			code, out, _ = run(t, "--project", p.Dir, "status", "--schema-check", "--database", db)
			if code != ExitProblems {
				t.Errorf("status --schema-check of a drifted database: exit %d", code)
			}
			for _, k := range kinds {
				if !strings.Contains(out, "drift: "+k) {
					t.Errorf("status --schema-check does not list %q:\n%s", k, out)
				}
			}
			// --skip-schema-check records anyway, and lists the drift.
			code, rep, errOut = runRecord(t, "--project", p.Dir, "record", "--yes", "--skip-schema-check", "--database", db)
			if code != ExitOK || len(rep.Databases[0].Inserted) != 4 || len(rep.Databases[0].Drift) != len(kinds) {
				t.Fatalf("record --skip-schema-check: exit %d: %+v\n%s", code, rep, errOut)
			}
			// Deleting stale rows vouches for no schema: the dry run, like
			// the run, deletes them on the drifted database.
			if code, out, errOut := run(t, "--project", p.Dir, "prune", "--yes", "--database", db); code != ExitOK {
				t.Fatalf("prune: exit %d\n%s%s", code, out, errOut)
			}
			for _, mode := range []string{"--dry-run", "--yes"} {
				code, rep, errOut = runRecord(t, "--project", p.Dir, "record", "--prune", mode, "--database", db)
				if code != ExitOK || len(rep.Databases[0].Deleted) != 47 || rep.Databases[0].Error != "" {
					t.Errorf("record --prune %s on the drifted database: exit %d: %+v\n%s", mode, code, rep, errOut)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// waitingForLock reports whether a session of db waits for a lock.
func waitingForLock(t *testing.T, db *djangotest.Database) bool {
	t.Helper()
	q := "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '" + db.Name + "' AND wait_event_type = 'Lock'"
	if db.Engine == djangotest.MySQL {
		q = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '" + db.Name + "' AND STATE LIKE 'Waiting for table%'"
	}
	return db.QueryInt(t, q) > 0
}

// TestRecordMigrateWaits: a manage.py migrate started while record holds
// the lock waits for it, then finds nothing to do and records nothing
// twice.
func TestRecordMigrateWaits(t *testing.T) {
	for _, c := range versionsAndEngines() {
		engine := c.engine
		t.Run(fmt.Sprintf("django%s_%s", c.v, engine), func(t *testing.T) {
			t.Parallel()
			p, db := migratedResetOn(t, c.v, engine)
			type result struct {
				out string
				err error
			}
			done := make(chan result, 1)
			waited := false
			locked := func(string) {
				go func() {
					out, err := p.Manage("migrate", "--noinput")
					done <- result{out, err}
				}()
				if engine == djangotest.SQLite {
					// Nothing shows a waiting SQLite reader; Django's
					// connection waits up to 5 s for the lock.
					time.Sleep(3 * time.Second)
					select {
					case r := <-done:
						t.Errorf("migrate finished while record held the lock:\n%s", r.out)
						done <- r
					default:
						waited = true
					}
					return
				}
				for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
					if waitingForLock(t, p.DB) {
						waited = true
						return
					}
				}
				t.Errorf("migrate never waited for the lock")
			}
			var out, errb strings.Builder
			code := mainWith([]string{"--project", p.Dir, "record", "--yes", "--database", db}, strings.NewReader(""), &out, &errb, hooks{locked: locked})
			if code != ExitOK {
				t.Fatalf("record: exit %d\n%s%s", code, out.String(), errb.String())
			}
			recorded := migrationRows(t, p.DB)
			r := <-done
			if r.err != nil || !strings.Contains(r.out, "No migrations to apply") {
				t.Errorf("migrate after waiting: %v\n%s", r.err, r.out)
			}
			if !waited {
				t.Errorf("migrate did not wait")
			}
			if d := cmp.Diff(recorded, migrationRows(t, p.DB)); d != "" {
				t.Errorf("migrate wrote rows after record's (a duplicate?):\n%s", d)
			}
		})
	}
}

// TestRecordRefuses: a role that may only SELECT gets a clear error and
// changes nothing, on PostgreSQL and MariaDB; a MyISAM django_migrations
// (no transactions) is refused.
func TestRecordRefuses(t *testing.T) {
	for _, engine := range []djangotest.Engine{djangotest.PostgreSQL, djangotest.MySQL} {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			p, _ := migratedReset(t, engine)
			role := "djs_ro_" + strings.TrimPrefix(p.DB.Name, "djt_")
			var url string
			if engine == djangotest.PostgreSQL {
				p.DB.Exec(t, "CREATE ROLE "+role+" LOGIN", "GRANT CONNECT ON DATABASE "+p.DB.Name+" TO "+role,
					"GRANT USAGE ON SCHEMA public TO "+role, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO "+role)
				t.Cleanup(func() {
					p.DB.Exec(t, "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "+role, "REVOKE ALL ON SCHEMA public FROM "+role,
						"REVOKE ALL ON DATABASE "+p.DB.Name+" FROM "+role, "DROP ROLE "+role)
				})
				url = fmt.Sprintf("postgres://%s@%s:%s/%s", role, p.DB.Host, p.DB.Port, p.DB.Name)
			} else {
				p.DB.Exec(t, "CREATE USER '"+role+"'@'%'", "GRANT SELECT ON `"+p.DB.Name+"`.* TO '"+role+"'@'%'")
				t.Cleanup(func() { p.DB.Exec(t, "DROP USER '"+role+"'@'%'") })
				url = fmt.Sprintf("mysql://%s@%s:%s/%s", role, p.DB.Host, p.DB.Port, p.DB.Name)
			}
			before := migrationRows(t, p.DB)
			for _, args := range [][]string{{"record"}, {"record", "--prune"}} {
				code, rep, errOut := runRecord(t, append([]string{"--project", p.Dir}, append(args, "--yes", "--database", "ro="+url)...)...)
				if code != ExitProblems || len(rep.Databases) != 1 || !strings.Contains(rep.Databases[0].Error, "permission denied") ||
					!strings.Contains(rep.Databases[0].Error, "nothing was changed") {
					t.Errorf("%v as a SELECT-only role: exit %d: %+v\n%s", args, code, rep, errOut)
				}
				t.Logf("%v: %s", args, rep.Databases[0].Error)
			}
			if d := cmp.Diff(before, migrationRows(t, p.DB)); d != "" {
				t.Errorf("django_migrations changed:\n%s", d)
			}
			if b := backupRows(t, p.DB); b != nil {
				t.Errorf("a backup table was created")
			}
			// The role reads: status works with it.
			if code, out, errOut := run(t, "--project", p.Dir, "status", "--database", "ro="+url); code != ExitOK {
				t.Errorf("status as the role: exit %d\n%s%s", code, out, errOut)
			}
			if engine == djangotest.MySQL {
				p.DB.Exec(t, "ALTER TABLE django_migrations ENGINE=MyISAM")
				code, rep, errOut := runRecord(t, "--project", p.Dir, "record", "--yes", "--database", dbURL(p.DB))
				if code != ExitProblems || !strings.Contains(rep.Databases[0].Error, "not in a transactional table: its engine is MyISAM") {
					t.Errorf("record of a MyISAM table: exit %d: %+v\n%s", code, rep, errOut)
				}
				if d := cmp.Diff(before, migrationRows(t, p.DB)); d != "" {
					t.Errorf("django_migrations (MyISAM) changed:\n%s", d)
				}
			}
		})
	}
}

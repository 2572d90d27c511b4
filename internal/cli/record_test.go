package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

// TestRecordReset is the reset deployed with djsquash record instead of a
// migrate, on every engine: Django then has nothing to apply and shows
// every migration applied; after the old rows are deleted (backed up)
// migrate still has nothing to do; restore brings back the very rows.
func TestRecordReset(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	for _, engine := range djangotest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			p := djangotest.NewProject(t, example, "5.2", engine)
			p.Migrate()
			want := p.Schema()
			db := "prod=" + dbURL(p.DB)
			if code, out, errOut := run(t, "--project", p.Dir, "reset", "--yes", "--django", "5", "--database", db); code != ExitOK {
				t.Fatalf("reset: exit %d\n%s%s", code, out, errOut)
			}
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

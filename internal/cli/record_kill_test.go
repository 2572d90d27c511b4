package cli

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// setRows puts django_migrations back to rows (from migrationRows: "id app
// name applied") and drops the backup table.
func setRows(t *testing.T, db *djangotest.Database, rows []string) {
	t.Helper()
	conn, err := db.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	insert := "INSERT INTO django_migrations (id, app, name, applied) VALUES (?, ?, ?, ?)"
	if db.Engine == djangotest.PostgreSQL {
		insert = "INSERT INTO django_migrations (id, app, name, applied) VALUES ($1, $2, $3, $4::timestamptz)"
	}
	tx, err := conn.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("DELETE FROM django_migrations"); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		f := strings.SplitN(r, " ", 4)
		if _, err := tx.Exec(insert, f[0], f[1], f[2], f[3]); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec("DROP TABLE IF EXISTS djsquash_migrations_backup"); err != nil {
		t.Fatal(err)
	}
}

// backupRows dumps the backup table ("id app name applied"), nil when it
// does not exist.
func backupRows(t *testing.T, db *djangotest.Database) []string {
	t.Helper()
	q := "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'djsquash_migrations_backup' AND table_schema = current_schema()"
	switch db.Engine {
	case djangotest.SQLite:
		q = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'djsquash_migrations_backup'"
	case djangotest.MySQL:
		q = "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'djsquash_migrations_backup' AND TABLE_SCHEMA = DATABASE()"
	}
	if db.QueryInt(t, q) == 0 {
		return nil
	}
	return queryStrings(t, db, "SELECT id, app, name, "+appliedText(db.Engine)+" FROM djsquash_migrations_backup ORDER BY id")
}

func keysOf(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		f := strings.SplitN(r, " ", 4)
		out[i] = f[1] + "." + f[2]
	}
	slices.Sort(out)
	return out
}

// TestRecordKillTrials kills record and record --prune with SIGKILL at
// random moments while they write three databases (SQLite, PostgreSQL,
// MariaDB), 60 times: each database is always unchanged or completely
// rewritten, the rows it had are byte-identical, every deleted row is in
// its backup table and in a backup file, and a rerun completes.
func TestRecordKillTrials(t *testing.T) {
	bin := buildBinary(t)
	example, _ := filepath.Abs("../../examples/bookshop")
	var dbs []*djangotest.Database
	var args []string
	for _, e := range djangotest.Engines() {
		p := djangotest.NewProject(t, example, "5.2", e)
		p.Migrate()
		dbs = append(dbs, p.DB)
		args = append(args, "--database", string(e)+"="+dbURL(p.DB))
	}
	resetTree := copyProject(t, example)
	if code, out, errOut := run(t, "--project", resetTree, "reset", "--yes", "--force", "--django", "5"); code != ExitOK {
		t.Fatalf("reset: exit %d\n%s%s", code, out, errOut)
	}
	prunedTree := copyProject(t, resetTree)
	if code, out, errOut := run(t, "--project", prunedTree, "prune", "--yes", "--force"); code != ExitOK {
		t.Fatalf("prune: exit %d\n%s%s", code, out, errOut)
	}
	backups := filepath.Join(t.TempDir(), "backups")
	recordCmd := append([]string{"--project", resetTree, "record", "--yes"}, args...)
	pruneCmd := append([]string{"--project", prunedTree, "record", "--prune", "--yes", "--backup-dir", backups}, args...)

	s0 := make([][]string, len(dbs))
	for i, db := range dbs {
		s0[i] = migrationRows(t, db)
	}
	complete := func(cmdArgs []string) time.Duration {
		start := time.Now()
		out, err := exec.Command(bin, cmdArgs...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", cmdArgs, err, out)
		}
		return time.Since(start)
	}
	// One complete run of each measures how long a kill may wait, and
	// gives the key sets of the recorded (s1) and pruned (s2) states.
	d1 := complete(recordCmd)
	s1 := keysOf(migrationRows(t, dbs[0]))
	d2 := complete(pruneCmd)
	s2 := keysOf(migrationRows(t, dbs[0]))
	if len(s1) != len(s0[0])+4 || len(s2) != len(s1)-47 {
		t.Fatalf("complete runs: %d rows, then %d, then %d", len(s0[0]), len(s1), len(s2))
	}

	// check classifies each database after a kill: "s0", "s1" or "s2", and
	// fails on anything in between.
	check := func(trial int, phase string) []string {
		var states []string
		for i, db := range dbs {
			rows := migrationRows(t, db)
			keys := keysOf(rows)
			state := ""
			switch {
			case slices.Equal(keys, keysOf(s0[i])):
				state = "s0"
			case slices.Equal(keys, s1):
				state = "s1"
			case slices.Equal(keys, s2):
				state = "s2"
			default:
				t.Fatalf("trial %d %s: %s is partly rewritten: %d rows", trial, phase, db.Engine, len(rows))
			}
			for _, r := range rows {
				f := strings.SplitN(r, " ", 2)
				for _, o := range s0[i] {
					if strings.HasPrefix(o, f[0]+" ") && o != r {
						t.Errorf("trial %d %s: %s row changed: %q, was %q", trial, phase, db.Engine, r, o)
					}
				}
			}
			b := backupRows(t, db)
			if state == "s2" {
				var deleted []string
				for _, o := range s0[i] {
					if !slices.Contains(rows, o) {
						deleted = append(deleted, o)
					}
				}
				if !slices.Equal(b, deleted) {
					t.Errorf("trial %d %s: %s backup table holds %d rows, want the %d deleted", trial, phase, db.Engine, len(b), len(deleted))
				}
				inFiles := map[string]bool{}
				files, _ := filepath.Glob(filepath.Join(backups, "*.json"))
				for _, f := range files {
					var doc backupDoc
					data, _ := os.ReadFile(f)
					if err := json.Unmarshal(data, &doc); err != nil {
						t.Errorf("trial %d: backup file %s: %v", trial, f, err)
					}
					for _, sec := range doc.Databases {
						if sec.Database == string(db.Engine) {
							for _, r := range sec.Rows {
								inFiles[r.App+"."+r.Name] = true
							}
						}
					}
				}
				for _, k := range keysOf(deleted) {
					if !inFiles[k] {
						t.Errorf("trial %d %s: %s: deleted row %s is in no backup file", trial, phase, db.Engine, k)
					}
				}
			} else if len(b) > 0 {
				t.Errorf("trial %d %s: %s has %d backup rows but deleted nothing", trial, phase, db.Engine, len(b))
			}
			states = append(states, state)
		}
		return states
	}
	kill := func(cmdArgs []string, max time.Duration) {
		cmd := exec.Command(bin, cmdArgs...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(max))))
		cmd.Process.Kill()
		cmd.Wait()
	}
	seen := map[string]int{}
	const trials = 30 // two kills each
	for trial := 0; trial < trials; trial++ {
		for i, db := range dbs {
			setRows(t, db, s0[i])
		}
		os.RemoveAll(backups)
		kill(recordCmd, d1*6/5)
		for _, s := range check(trial, "record") {
			seen["record:"+s]++
		}
		complete(recordCmd)
		for _, s := range check(trial, "record rerun") {
			if s != "s1" {
				t.Fatalf("trial %d: record rerun left a database in %s", trial, s)
			}
		}
		kill(pruneCmd, d2*6/5)
		for _, s := range check(trial, "record --prune") {
			seen["prune:"+s]++
		}
		complete(pruneCmd)
		for _, s := range check(trial, "record --prune rerun") {
			if s != "s2" {
				t.Fatalf("trial %d: record --prune rerun left a database in %s", trial, s)
			}
		}
	}
	t.Logf("states after %d kills (database counts): %v (complete runs took %v and %v)", 2*trials, seen, d1, d2)
}

package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/record"
	"github.com/djsquash/djsquash/internal/recorder"
	"github.com/djsquash/djsquash/internal/schema"
	"github.com/spf13/cobra"
)

type recordFlags struct {
	db                  dbFlags
	dryRun, yes, prune  bool
	noBackupFile, force bool
	backupDir           string
}

func newRecordCmd(e *env) *cobra.Command {
	var f recordFlags
	cmd := &cobra.Command{
		Use:   "record [APP...]",
		Short: "Record squashes and resets in django_migrations now, after checking each database's schema",
		Long: `record writes to django_migrations what manage.py migrate would record for
the squashes and resets on disk (every migration with replaces), in every
database given (--database, the [tool.djsquash.databases] environments, or
DATABASE_URL) and, with --schemas, in every tenant schema: a row for each
migration whose replaced migrations the database all holds, applied now.
It is insert-only and idempotent: old and new code both see a migrated
database, a second run changes nothing, and a run interrupted between
databases is finished by the next.

Before recording, each database's schema is compared with what the
recorded migrations create (tables, columns, keys, indexes of the apps
involved): the check that migrate --fake never does. Drift refuses that
database and lists it; extra columns and indexes are warnings.

--prune also deletes stale rows, as migrate APP --prune does, for every app
and database at once: rows of migrations no longer on disk that a recorded
migration replaces. They are copied first, in the same transaction, to the
table djsquash_migrations_backup of that database and (unless
--no-backup-file) to a JSON file (mode 0600); djsquash restore puts them
back.

Each database is changed in one transaction that locks django_migrations,
so a concurrent migrate waits for it. --dry-run prints the SQL per database
and changes nothing.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.record(cmd.Context(), args, &f)
		},
	}
	fl := cmd.Flags()
	f.db.add(cmd)
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the SQL each database would run, change nothing")
	fl.BoolVar(&f.yes, "yes", false, "do not ask before writing to the databases")
	fl.BoolVar(&f.prune, "prune", false, "also delete stale rows (backed up first)")
	fl.BoolVar(&f.noBackupFile, "no-backup-file", false, "with --prune, keep the backup only in the database's djsquash_migrations_backup table")
	fl.StringVar(&f.backupDir, "backup-dir", "", "directory of the backup files (default .djsquash/backups under the project)")
	fl.BoolVar(&f.force, "skip-schema-check", false, "record even where the schema differs from the migrations (drift is still listed)")
	return cmd
}

// add registers the database flags on a command.
func (f *dbFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.specs, "database", nil, "database `[NAME=]URL` or env:VAR (repeatable)")
	fl.StringVar(&f.schema, "schema", "", "PostgreSQL schema holding django_migrations")
	fl.StringVar(&f.schemas, "schemas", "", "every PostgreSQL schema matching this LIKE `pattern` (multi-tenant)")
	fl.IntVar(&f.workers, "jobs", 8, "databases/schemas handled at once")
}

// dbReport is what record and restore did to one database or schema.
type dbReport struct {
	Database string                `json:"database"`
	Inserted []string              `json:"inserted"`
	Deleted  []string              `json:"deleted"`
	Restored []string              `json:"restored"`
	Batch    string                `json:"batch,omitempty"`
	File     string                `json:"backup_file,omitempty"`
	Partial  []string              `json:"partial"`
	Held     []string              `json:"held"`
	Drift    []string              `json:"drift"`
	Warnings []string              `json:"warnings"`
	SQL      []changeset.Statement `json:"sql,omitempty"`
	Note     string                `json:"note,omitempty"`
	Error    string                `json:"error,omitempty"`
}

type recordReport struct {
	DryRun    bool       `json:"dry_run"`
	Batch     string     `json:"batch,omitempty"`
	Databases []dbReport `json:"databases"`
}

// driftError refuses a database whose schema differs.
type driftError struct{ problems []string }

func (d *driftError) Error() string {
	return fmt.Sprintf("schema drift (%d differences): nothing recorded", len(d.problems))
}

// backupFile collects the rows a run deletes, one section per database,
// rewritten durably before each database commits.
type backupFile struct {
	mu   sync.Mutex
	path string
	doc  backupDoc
}

type backupDoc struct {
	Version   int             `json:"version"`
	Batch     string          `json:"batch"`
	TakenAt   time.Time       `json:"taken_at"`
	Databases []backupSection `json:"databases"`
}

type backupSection struct {
	Database string            `json:"database"`
	URL      string            `json:"url"`
	Schema   string            `json:"schema,omitempty"`
	Rows     []recorder.Record `json:"rows"`
}

func (b *backupFile) add(sec backupSection) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	doc := b.doc
	doc.Databases = append(append([]backupSection{}, doc.Databases...), sec)
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := changeset.WriteFile(b.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("backup file: %w", err)
	}
	b.doc = doc
	return nil
}

func newBatch(now time.Time) string {
	var b [3]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// dbJob is one database or tenant schema.
type dbJob struct {
	t      *recorder.Target
	schema string
	name   string
}

// jobs expands --schemas into one job per matching schema; failures to
// list them are returned as reports.
func (f *dbFlags) jobs(ctx context.Context, targets []*recorder.Target) ([]dbJob, []recorded) {
	var jobs []dbJob
	var early []recorded
	for _, t := range targets {
		if f.schemas == "" {
			jobs = append(jobs, dbJob{t, "", t.Name})
			continue
		}
		s, err := recorder.Open(t, recorder.Timeouts{})
		if err != nil {
			early = append(early, recorded{name: t.Name, err: err})
			continue
		}
		names, err := s.Schemas(ctx, f.schemas)
		s.Close()
		if err != nil {
			early = append(early, recorded{name: t.Name, err: err})
			continue
		}
		if len(names) == 0 {
			early = append(early, recorded{name: t.Name, err: fmt.Errorf("%s: no schema matching %q holds a django_migrations table", t, f.schemas)})
		}
		for _, n := range names {
			jobs = append(jobs, dbJob{t, n, t.Name + "/" + n})
		}
	}
	return jobs, early
}

// stores opens one store per target, shared by its schemas.
type stores struct {
	mu     sync.Mutex
	m      map[*recorder.Target]*recorder.Store
	writer bool
}

func (s *stores) get(t *recorder.Target) (*recorder.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.m[t]; st != nil {
		return st, nil
	}
	open := recorder.Open
	if s.writer {
		open = recorder.OpenWriter
	}
	st, err := open(t, recorder.Timeouts{})
	if err == nil {
		if s.m == nil {
			s.m = map[*recorder.Target]*recorder.Store{}
		}
		s.m[t] = st
	}
	return st, err
}

func (s *stores) close() {
	for _, st := range s.m {
		st.Close()
	}
}

// progress returns a tick that keeps one line on a terminal's stderr.
func (e *env) progress(verb string) func(done, total int) {
	if !isTTY(e.stderr) || e.g.json {
		return nil
	}
	return func(done, total int) {
		if total > 1 {
			fmt.Fprintf(e.stderr, "\r%s %d/%d", verb, done, total)
			if done == total {
				fmt.Fprint(e.stderr, "\r\033[K")
			}
		}
	}
}

func (e *env) record(ctx context.Context, apps []string, f *recordFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	lp, only, targets, err := e.loadTargets(&f.db, apps, false)
	if err != nil {
		return err
	}
	if bad := unreadable(lp.Migrations); len(bad) > 0 {
		return usageErr("cannot read %s: fix it first (djsquash check); nothing was recorded", strings.Join(bad, ", "))
	}
	if !f.dryRun {
		if ok, err := e.confirm(f.yes, fmt.Sprintf("Write to django_migrations in %s?", plural(len(targets), "database", "databases"))); !ok {
			return err
		}
	}
	in := record.Input{Migrations: lp.Migrations, Graph: lp.graph, Only: only, Prune: f.prune, Settings: lp.Setting}
	expect := record.NewExpectation(in)
	now := time.Now().UTC()
	rep := recordReport{DryRun: f.dryRun}
	var bf *backupFile
	if f.prune {
		rep.Batch = newBatch(now)
		if !f.noBackupFile && !f.dryRun {
			dir := f.backupDir
			if dir == "" {
				dir = filepath.Join(lp.Root, ".djsquash", "backups")
			}
			bf = &backupFile{path: filepath.Join(dir, rep.Batch+".json"), doc: backupDoc{Version: 1, Batch: rep.Batch, TakenAt: now}}
		}
	}
	jobs, early := f.db.jobs(ctx, targets)
	for _, r := range early {
		rep.Databases = append(rep.Databases, dbReport{Database: r.name, Error: r.err.Error()})
	}
	st := &stores{writer: !f.dryRun}
	defer st.close()
	out := eachJob(jobs, f.db.workers, e.progress("recording"), func(j dbJob) dbReport {
		r := dbReport{Database: j.name}
		check := func(ctx context.Context, q schema.Querier, d record.Decision) error {
			want, err := expect.Expected(d, schema.Engine(j.t.Engine))
			if err != nil {
				return err
			}
			problems, warnings, err := schemaDrift(ctx, q, j, want)
			if err != nil {
				return err
			}
			r.Drift, r.Warnings = problems, warnings
			if len(problems) > 0 && !f.force {
				return &driftError{problems}
			}
			return nil
		}
		var dec record.Decision
		plan := func(rows []recorder.Record) (recorder.Edit, error) {
			dec = record.Decide(in, rows)
			dec.Batch = rep.Batch
			dec.TakenAt = now
			return dec.Edit, nil
		}
		opts := recorder.WriteOptions{
			Backup: f.prune,
			Plan:   plan,
			Now:    now,
			Locked: e.lockedHook(j.name),
			Check: func(ctx context.Context, q recorder.Querier, _ recorder.Edit) error {
				if len(dec.Insert) == 0 {
					return nil // deleting stale rows vouches for no schema
				}
				return check(ctx, q, dec)
			},
			BeforeCommit: func(ed recorder.Edit) error {
				if bf == nil || len(ed.Delete) == 0 {
					return nil
				}
				return bf.add(backupSection{Database: j.name, URL: j.t.String(), Schema: j.schema, Rows: ed.Delete})
			},
		}
		s, err := st.get(j.t)
		var edit recorder.Edit
		switch {
		case err != nil:
		case f.dryRun:
			edit, r.SQL, err = s.Preview(ctx, j.schema, opts)
		default:
			edit, err = s.Write(ctx, j.schema, opts)
		}
		r.Partial, r.Held = dec.Partial, dec.Held
		switch {
		case errors.Is(err, recorder.ErrNeverMigrated):
			r.Note = "never migrated: migrate applies the new migrations"
		case err != nil:
			r.Error = err.Error()
			if errors.Is(err, recorder.ErrPermission) {
				r.Error += "; record needs SELECT, INSERT and DELETE on django_migrations (and LOCK TABLES on MariaDB; with --prune, CREATE for djsquash_migrations_backup): nothing was changed"
			}
		default:
			for _, k := range edit.Insert {
				r.Inserted = append(r.Inserted, k.App+"."+k.Name)
			}
			for _, d := range edit.Delete {
				r.Deleted = append(r.Deleted, d.App+"."+d.Name)
			}
			if len(edit.Delete) > 0 {
				r.Batch = rep.Batch
				if bf != nil {
					r.File = filepath.ToSlash(lp.Rel(bf.path))
				}
			}
		}
		return r
	})
	rep.Databases = append(rep.Databases, out...)
	return e.finishDBReport(rep, "record")
}

// lockedHook is the test hook for one database, or nil.
func (e *env) lockedHook(name string) func() {
	if e.h.locked == nil {
		return nil
	}
	return func() { e.h.locked(name) }
}

// unreadable lists migrations with syntax errors: their replaces are
// unknown, so no row can be decided from them.
func unreadable(migs []*migration.Migration) []string {
	var out []string
	for _, m := range migs {
		if m.Unreadable {
			out = append(out, m.File)
		}
	}
	return out
}

// finishDBReport prints a record or restore report and returns its exit:
// 1 when a database failed or drifted.
func (e *env) finishDBReport(rep recordReport, command string) error {
	failed := 0
	for _, d := range rep.Databases {
		if d.Error != "" {
			failed++
		}
	}
	if e.g.json {
		for i := range rep.Databases {
			d := &rep.Databases[i]
			for _, l := range []*[]string{&d.Inserted, &d.Deleted, &d.Restored, &d.Partial, &d.Held, &d.Drift, &d.Warnings} {
				if *l == nil {
					*l = []string{}
				}
			}
		}
		if err := writeJSON(e, rep); err != nil {
			return err
		}
	} else {
		e.printDBReport(rep, command)
	}
	if failed > 0 {
		return problems(fmt.Sprintf("%s: %s of %d failed; the others are done (a failed database is unchanged: run the command again once it is fixed)",
			command, plural(failed, "database", "databases"), len(rep.Databases)))
	}
	return nil
}

func (e *env) printDBReport(rep recordReport, command string) {
	w := e.stdout
	would := ""
	if rep.DryRun {
		would = "would "
	}
	quiet := len(rep.Databases) > 20 && e.g.verbose == 0
	unchanged := 0
	for _, d := range rep.Databases {
		changed := len(d.Inserted)+len(d.Deleted)+len(d.Restored) > 0
		if quiet && !changed && d.Error == "" && len(d.Drift) == 0 && len(d.Partial) == 0 && len(d.Held) == 0 && len(d.Warnings) == 0 {
			unchanged++
			continue
		}
		switch {
		case d.Error != "":
			fmt.Fprintf(w, "%s: FAILED: %s\n", d.Database, d.Error)
		case d.Note != "":
			fmt.Fprintf(w, "%s: %s\n", d.Database, d.Note)
		case !changed:
			fmt.Fprintf(w, "%s: nothing to %s (up to date)\n", d.Database, command)
		}
		if len(d.Inserted) > 0 {
			fmt.Fprintf(w, "%s: %srecord %s: %s\n", d.Database, would, plural(len(d.Inserted), "migration", "migrations"), strings.Join(d.Inserted, ", "))
		}
		if len(d.Deleted) > 0 {
			fmt.Fprintf(w, "%s: %sdelete %s (backed up as batch %s", d.Database, would, plural(len(d.Deleted), "stale row", "stale rows"), rep.Batch)
			if d.File != "" {
				fmt.Fprintf(w, ", file %s", d.File)
			}
			fmt.Fprintln(w, ")")
		}
		if len(d.Restored) > 0 {
			fmt.Fprintf(w, "%s: %srestore %s of batch %s\n", d.Database, would, plural(len(d.Restored), "row", "rows"), d.Batch)
		}
		for _, p := range d.Partial {
			fmt.Fprintf(w, "  left to migrate: %s\n", p)
		}
		for _, p := range d.Held {
			fmt.Fprintf(w, "  kept: %s\n", p)
		}
		for _, p := range d.Drift {
			fmt.Fprintf(w, "  drift: %s\n", p)
		}
		for _, p := range d.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", p)
		}
		if e.g.verbose > 0 || rep.DryRun {
			for _, stmt := range d.SQL {
				fmt.Fprintf(w, "  %s\n", stmt)
			}
		}
	}
	if unchanged > 0 {
		fmt.Fprintf(w, "%s unchanged (up to date)\n", plural(unchanged, "database", "databases"))
	}
	if command == "record" && rep.Batch != "" && !rep.DryRun {
		for _, d := range rep.Databases {
			if len(d.Deleted) > 0 {
				fmt.Fprintf(w, "undo the deletions: djsquash restore %s, with the same --database (and --schemas) flags\n", rep.Batch)
				break
			}
		}
	}
	if rep.DryRun {
		plan := changeset.Changeset{}
		for _, d := range rep.Databases {
			if len(d.SQL) > 0 {
				plan.Databases = append(plan.Databases, changeset.Database{Name: d.Database, Statements: d.SQL})
			}
		}
		fmt.Fprintln(w, plan.Summary(true))
	}
}

// schemaDrift compares the tables of one database (or tenant schema) that want
// names with want, read through q (inside the caller's transaction).
func schemaDrift(ctx context.Context, q schema.Querier, j dbJob, want *schema.Expected) (problems, warnings []string, err error) {
	got, err := schema.DumpSchema(ctx, q, schema.Engine(j.t.Engine), j.schema, want.TableNames())
	if err != nil {
		return nil, nil, fmt.Errorf("reading the schema: %w", err)
	}
	problems, warnings = schema.Drift(want, got)
	return problems, warnings, nil
}

// schemaCheck is one database's schema compared with its applied
// migrations (status --schema-check).
type schemaCheck struct {
	Database string   `json:"database"`
	Drift    []string `json:"drift"`
	Warnings []string `json:"warnings"`
	Error    string   `json:"error,omitempty"`
}

func (e *env) schemaChecks(ctx context.Context, lp *loaded, only map[string]bool, f *dbFlags, targets []*recorder.Target) []schemaCheck {
	in := record.Input{Migrations: lp.Migrations, Graph: lp.graph, Only: only, Settings: lp.Setting}
	expect := record.NewExpectation(in)
	jobs, early := f.jobs(ctx, targets)
	var out []schemaCheck
	for _, r := range early {
		out = append(out, schemaCheck{Database: r.name, Error: r.err.Error()})
	}
	st := &stores{}
	defer st.close()
	res := eachJob(jobs, f.workers, nil, func(j dbJob) schemaCheck {
		c := schemaCheck{Database: j.name, Drift: []string{}, Warnings: []string{}}
		err := func() error {
			s, err := st.get(j.t)
			if err != nil {
				return err
			}
			rows, err := s.Records(ctx, j.schema)
			if errors.Is(err, recorder.ErrNeverMigrated) {
				return nil
			}
			if err != nil {
				return err
			}
			keys, apps := record.Applied(in, rows)
			want, err := expect.For(keys, apps, schema.Engine(j.t.Engine))
			if err != nil {
				return err
			}
			return s.ReadOnly(ctx, func(q recorder.Querier) error {
				var err error
				c.Drift, c.Warnings, err = schemaDrift(ctx, q, j, want)
				return err
			})
		}()
		if err != nil {
			c.Error = err.Error()
		}
		return c
	})
	return append(out, res...)
}

func printSchemaChecks(w io.Writer, checks []schemaCheck, asked bool) {
	if !asked {
		return
	}
	fmt.Fprintln(w, "\nschema check")
	for _, c := range checks {
		switch {
		case c.Error != "":
			fmt.Fprintf(w, "  %s: cannot check: %s\n", c.Database, c.Error)
		case len(c.Drift) == 0:
			fmt.Fprintf(w, "  %s: matches the migrations\n", c.Database)
		default:
			fmt.Fprintf(w, "  %s: DRIFT: %s\n", c.Database, plural(len(c.Drift), "difference", "differences"))
		}
		for _, d := range c.Drift {
			fmt.Fprintf(w, "    drift: %s\n", d)
		}
		for _, d := range c.Warnings {
			fmt.Fprintf(w, "    warning: %s\n", d)
		}
	}
}

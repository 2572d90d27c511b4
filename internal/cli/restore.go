package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/recorder"
	"github.com/spf13/cobra"
)

type restoreFlags struct {
	db          dbFlags
	dryRun, yes bool
}

func newRestoreCmd(e *env) *cobra.Command {
	var f restoreFlags
	cmd := &cobra.Command{
		Use:   "restore BATCH|FILE|latest",
		Short: "Put back the django_migrations rows a record --prune deleted",
		Long: `restore puts back exactly the rows of one backup batch, with their ids and
applied timestamps, in every database given (--database, the configured
environments, or DATABASE_URL; --schemas for tenants), one transaction
each. The rows come from the database's own djsquash_migrations_backup
table (BATCH, or latest: the newest batch there), or from a backup file
record wrote (FILE). A row that is already there is left alone, so running
it twice changes nothing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.restore(cmd.Context(), args[0], &f)
		},
	}
	f.db.add(cmd)
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "print the SQL each database would run, change nothing")
	cmd.Flags().BoolVar(&f.yes, "yes", false, "do not ask before writing to the databases")
	return cmd
}

func (e *env) restore(ctx context.Context, from string, f *restoreFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	_, _, targets, err := e.loadTargets(&f.db, nil, false)
	if err != nil {
		return err
	}
	var doc *backupDoc
	if st, err := os.Stat(from); err == nil && !st.IsDir() {
		data, err := os.ReadFile(from)
		if err != nil {
			return usageErr("%v", err)
		}
		doc = &backupDoc{}
		if err := json.Unmarshal(data, doc); err != nil || doc.Version != 1 || doc.Batch == "" {
			return usageErr("%s: not a djsquash backup file", from)
		}
	}
	if !f.dryRun {
		if ok, err := e.confirm(f.yes, fmt.Sprintf("Restore rows in %s?", plural(len(targets), "database", "databases"))); !ok {
			return err
		}
	}
	jobs, early := f.db.jobs(ctx, targets)
	rep := recordReport{DryRun: f.dryRun}
	if doc != nil {
		rep.Batch = doc.Batch
	}
	for _, r := range early {
		rep.Databases = append(rep.Databases, dbReport{Database: r.name, Error: r.err.Error()})
	}
	st := &stores{writer: !f.dryRun}
	defer st.close()
	out := eachJob(jobs, f.db.workers, e.progress("restoring"), func(j dbJob) dbReport {
		r := dbReport{Database: j.name}
		err := func() error {
			s, err := st.get(j.t)
			if err != nil {
				return err
			}
			batch, rows := "", []recorder.Record(nil)
			if doc != nil {
				batch = doc.Batch
				found := false
				for _, sec := range doc.Databases {
					if sec.Database == j.name || sec.Database == j.t.Name && sec.Schema == j.schema {
						rows, found = append(rows, sec.Rows...), true
					}
				}
				if !found {
					return fmt.Errorf("the backup file holds no rows of %s", j.name)
				}
			} else {
				batch, rows, err = s.Backups(ctx, j.schema, from)
				if err != nil {
					return err
				}
			}
			r.Batch = batch
			plan := func(cur []recorder.Record) (recorder.Edit, error) {
				ids := map[int64]bool{}
				keys := map[migration.Key]bool{}
				for _, c := range cur {
					ids[c.ID] = true
					keys[migration.Key{App: c.App, Name: c.Name}] = true
				}
				var ed recorder.Edit
				for _, b := range rows {
					if !ids[b.ID] && !keys[migration.Key{App: b.App, Name: b.Name}] {
						ed.Restore = append(ed.Restore, b)
					}
				}
				return ed, nil
			}
			opts := recorder.WriteOptions{Plan: plan, Locked: e.lockedHook(j.name)}
			var ed recorder.Edit
			if f.dryRun {
				ed, r.SQL, err = s.Preview(ctx, j.schema, opts)
			} else {
				ed, err = s.Write(ctx, j.schema, opts)
			}
			if err != nil {
				return err
			}
			for _, b := range ed.Restore {
				r.Restored = append(r.Restored, fmt.Sprintf("%s.%s (id %d)", b.App, b.Name, b.ID))
			}
			return nil
		}()
		if err != nil {
			r.Error = err.Error()
			if errors.Is(err, recorder.ErrNeverMigrated) {
				r.Error = err.Error() + ": nothing to restore into"
			}
		}
		return r
	})
	rep.Databases = append(rep.Databases, out...)
	return e.finishDBReport(rep, "restore")
}

package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/prune"
	"github.com/djsquash/djsquash/internal/status"
	"github.com/spf13/cobra"
)

type pruneFlags struct {
	dryRun, yes, force bool
	db                 dbFlags
	verify             verifyFlags
}

func newPruneCmd(e *env) *cobra.Command {
	var f pruneFlags
	cmd := &cobra.Command{
		Use:   "prune [APP [SQUASH]]",
		Short: "Turn squashes every database applied into ordinary migrations",
		Long: `prune does the last step of squashing that Django's documentation leaves
to you, once every database has applied a squash: it deletes the migrations
the squash replaces, points every migration that depended on them at the
squash, and removes the squash's replaces.

  prune                 every squash of the project
  prune APP             the squashes of one app
  prune APP SQUASH      one squash (a prefix of its name is enough)

First it reads django_migrations in every database given (--database, the
[tool.djsquash.databases] environments, or DATABASE_URL), as status does, and
refuses unless each of them applied every squash to prune; --force skips that
check. The edited files keep every other byte; the result is replayed before
anything is written. Afterwards, djsquash record --prune (every app and
database at once, backed up) or manage.py migrate APP --prune (Django 4.1+)
deletes the rows of the removed migrations; they are harmless if kept.`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.prune(cmd.Context(), args, &f)
		},
	}
	fl := cmd.Flags()
	f.verify.add(cmd, true)
	fl.BoolVar(&f.dryRun, "dry-run", false, "print what would be deleted and the diff of every edited file, change nothing")
	fl.BoolVar(&f.yes, "yes", false, "do not ask before changing files")
	fl.BoolVar(&f.force, "force", false, "do not check the databases (every environment must have applied the squashes)")
	fl.StringArrayVar(&f.db.specs, "database", nil, "database `[NAME=]URL` or env:VAR that must have applied the squashes (repeatable)")
	fl.StringVar(&f.db.schema, "schema", "", "PostgreSQL schema holding django_migrations")
	fl.StringVar(&f.db.schemas, "schemas", "", "check every PostgreSQL schema matching this LIKE `pattern` (multi-tenant)")
	fl.IntVar(&f.db.workers, "jobs", 8, "databases/schemas read at once")
	return cmd
}

type prunedJSON struct {
	Squash  string   `json:"squash"`
	Deleted []string `json:"deleted"`
	Missing []string `json:"already_gone"`
	Rewired []string `json:"rewired"`
}

type pruneReport struct {
	Pruned   []prunedJSON      `json:"pruned"`
	Problems []diag.Diagnostic `json:"problems"`
	Edited   []string          `json:"edited"`
	Deleted  []string          `json:"deleted"`
	Checked  []string          `json:"databases_checked"`
	Written  bool              `json:"written"`
}

func (e *env) prune(ctx context.Context, args []string, f *pruneFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	l, err := e.load()
	if err != nil {
		return err
	}
	var keys []migration.Key
	switch len(args) {
	case 0:
		keys = prune.Squashes(l.Loaded, nil)
	case 1:
		if _, err := l.selectApps(args[:1]); err != nil {
			return err
		}
		keys = prune.Squashes(l.Loaded, map[string]bool{args[0]: true})
	case 2:
		if _, err := l.selectApps(args[:1]); err != nil {
			return err
		}
		mig, err := l.byPrefix(args[0], args[1])
		if err != nil {
			return err
		}
		keys = []migration.Key{mig.Key}
	}
	if len(keys) == 0 {
		if e.g.json {
			return writeJSON(e, pruneReport{Pruned: []prunedJSON{}, Problems: []diag.Diagnostic{}, Edited: []string{}, Deleted: []string{}, Checked: []string{}})
		}
		fmt.Fprintln(e.stdout, "Nothing to prune: no squash found.")
		return nil
	}

	// Prune edits files across apps: refuse on any error check reports.
	if err := e.checkGate(l, func(diag.Diagnostic) bool { return true }, "refusing to prune: djsquash check reports errors"); err != nil {
		return err
	}

	rep := pruneReport{Pruned: []prunedJSON{}, Problems: []diag.Diagnostic{}, Edited: []string{}, Deleted: []string{}, Checked: []string{}}
	if !f.force {
		checked, err := e.checkPrunable(ctx, l, keys, &f.db)
		if err != nil {
			return err
		}
		rep.Checked = checked
	}

	plan := prune.Build(l.Loaded, l.graph, keys)
	if len(plan.Problems) > 0 {
		rep.Problems = append(rep.Problems, plan.Problems...)
		l.Locate(rep.Problems)
		return e.refuse(rep, rep.Problems, "refusing to prune; nothing was changed")
	}
	for _, p := range plan.Pruned {
		rep.Pruned = append(rep.Pruned, prunedJSON{Squash: p.Key.String(), Deleted: nonNil(p.Deleted), Missing: nonNil(p.Missing), Rewired: nonNil(p.Rewired)})
	}
	rep.Edited = append(rep.Edited, plan.Changes.Paths(changeset.Edit)...)
	rep.Deleted = append(rep.Deleted, plan.Changes.Paths(changeset.Delete)...)

	if !e.g.json {
		if f.force {
			fmt.Fprintln(e.stderr, "djsquash: --force: no database was checked")
		} else {
			fmt.Fprintf(e.stdout, "Every database applied the squashes: %s\n", strings.Join(rep.Checked, ", "))
		}
		for _, p := range plan.Pruned {
			fmt.Fprintf(e.stdout, "%s: deletes %s", p.Key, plural(len(p.Deleted), "replaced migration", "replaced migrations"))
			if len(p.Missing) > 0 {
				fmt.Fprintf(e.stdout, " (%d already gone)", len(p.Missing))
			}
			fmt.Fprintln(e.stdout)
			if len(p.Rewired) > 0 {
				fmt.Fprintf(e.stdout, "  dependencies now name it in: %s\n", strings.Join(p.Rewired, ", "))
			}
		}
	}
	// The changes are ordered so that Django loads the project after each
	// one, and applied with a journal: a kill or a failure at any point is
	// finished, or undone, by the next djsquash command.
	if err := f.verify.before(ctx, e, l.Root, l.Config.Python, &plan.Changes); err != nil {
		return err
	}
	_, edited, deleted := plan.Changes.Counts()
	written, err := e.showOrApply(ctx, l.Root, &plan.Changes, rep, f.dryRun, f.yes,
		fmt.Sprintf("Delete %s and edit %s?", plural(deleted, "file", "files"), plural(edited, "file", "files")), "prune")
	if !written {
		return err
	}
	rep.Written = true
	if e.g.json {
		return writeJSON(e, rep)
	}
	for _, path := range rep.Deleted {
		fmt.Fprintf(e.stdout, "Deleted %s\n", path)
	}
	for _, path := range rep.Edited {
		fmt.Fprintf(e.stdout, "Wrote %s\n", path)
	}
	var apps []string
	for _, p := range plan.Pruned {
		if len(apps) == 0 || apps[len(apps)-1] != p.Key.App {
			apps = append(apps, p.Key.App)
		}
	}
	fmt.Fprintf(e.stdout, "To delete the rows of the removed migrations (harmless if kept), once the new code is deployed: djsquash record --prune (every database, backed up), or on each database (Django 4.1+): %s\n",
		"manage.py migrate "+strings.Join(apps, " --prune; manage.py migrate ")+" --prune")
	return nil
}

// checkPrunable refuses unless every database applied every squash in
// keys; it returns the names of the databases read.
func (e *env) checkPrunable(ctx context.Context, l *loaded, keys []migration.Key, f *dbFlags) ([]string, error) {
	targets, err := f.targets(l.Root, l.Config, l.Facts)
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, usageErr("no database to check: pass --database URL, set DATABASE_URL, or configure [tool.djsquash.databases] (or --force once every environment applied the squashes)")
	}
	var recs []status.Recorded
	var names []string
	for _, r := range f.readAll(ctx, targets, nil) {
		if r.err != nil {
			return nil, usageErr("%v", r.err)
		}
		recs = append(recs, status.Recorded{Name: r.name, Rows: r.rows})
		names = append(names, r.name)
	}
	report := status.Compute(status.Input{Migrations: l.Migrations, Apps: l.AppLabels()}, recs)
	want := map[string]bool{}
	for _, k := range keys {
		want[k.String()] = true
	}
	var behind []string
	for _, v := range report.Verdicts {
		if !want[v.Squash] || v.SafeToPrune {
			continue
		}
		for _, b := range v.Behind {
			behind = append(behind, fmt.Sprintf("%s: behind in %s", v.Squash, behindText(b)))
		}
	}
	if len(behind) > 0 {
		for _, b := range behind {
			fmt.Fprintln(e.stderr, b)
		}
		return nil, problems("refusing to prune: a database has not applied every squash (djsquash status tells more); nothing was changed")
	}
	return names, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

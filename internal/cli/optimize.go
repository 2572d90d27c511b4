package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/optimizer"
	"github.com/djsquash/djsquash/internal/state"
	"github.com/djsquash/djsquash/internal/textdiff"
	"github.com/djsquash/djsquash/internal/writer"
	"github.com/spf13/cobra"
)

func newOptimizeCmd(e *env) *cobra.Command {
	var dryRun, check, yes bool
	cmd := &cobra.Command{
		Use:   "optimize APP MIGRATION",
		Short: "Optimize one migration's operations, like manage.py optimizemigration",
		Long: `optimize merges and drops operations of one migration the way Django's
optimizer does (CreateModel absorbs later AddField, AlterField and options;
a CreateModel and DeleteModel cancel out; elidable operations vanish...) and
rewrites its operations list in place, every other line of the file kept.
MIGRATION is a name or a unique prefix of one ("0004").

The result is replayed from the state before the migration: where Django's
rules give a list that would not migrate (a relation left naming a renamed
model, Django ticket #32263 and its kin), djsquash's barriers apply instead
and the summary says so.

--dry-run prints the unified diff and writes nothing; --check writes nothing
and exits 1 when the migration can be optimized.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.optimize(cmd.Context(), args[0], args[1], dryRun, check, yes)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the diff, write nothing")
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask before writing")
	cmd.Flags().BoolVar(&check, "check", false, "exit 1 if the migration can be optimized; write nothing")
	return cmd
}

// optimizeReport is the --json output.
type optimizeReport struct {
	App        string   `json:"app"`
	Migration  string   `json:"migration"`
	File       string   `json:"file"`
	Before     int      `json:"operations_before"`
	After      int      `json:"operations_after"`
	Deviations []string `json:"deviations"`
	Warnings   []string `json:"warnings"`
	Written    bool     `json:"written"`
	Diff       string   `json:"diff,omitempty"`
}

func (e *env) optimize(ctx context.Context, app, name string, dryRun, check, yes bool) error {
	l, err := e.load()
	if err != nil {
		return err
	}
	if _, err := l.selectApps([]string{app}); err != nil {
		return err
	}
	mig, err := l.byPrefix(app, name)
	if err != nil {
		return err
	}
	if mig.Unreadable || mig.OperationsExpr == nil {
		return usageErr("%s: cannot read its operations (run djsquash check)", l.Rel(mig.File))
	}
	settings := l.Setting
	opts := optimizer.Options{Settings: settings}
	if before := l.stateBefore(mig, settings); before != nil {
		opts.Check = before.Checker(app)
		opts.Same = before.Same(app)
	}
	res := optimizer.Optimize(mig.Operations, app, opts)
	rep := optimizeReport{App: app, Migration: mig.Name, File: l.Rel(mig.File), Before: len(mig.Operations), After: len(res.Operations),
		Deviations: []string{}, Warnings: []string{}}
	for _, d := range res.Deviations {
		rep.Deviations = append(rep.Deviations, string(d))
	}
	if opts.Check == nil {
		rep.Warnings = append(rep.Warnings, "the history before this migration does not replay, so the result could not be checked; djsquash's barriers were applied")
	}
	changed := len(res.Operations) != len(mig.Operations)
	var newSrc []byte
	if changed {
		src, dropped, err := writer.EditOperations(mig, res.Operations)
		if err != nil {
			return usageErr("%s: %v", rep.File, err)
		}
		if dropped > 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s inside the operations list dropped", plural(dropped, "comment", "comments")))
		}
		newSrc = src
		if dryRun || e.g.json {
			rep.Diff = textdiff.Unified(rep.File, rep.File, string(mig.Source.Src), string(newSrc))
		}
		if !dryRun && !check {
			cs := &changeset.Changeset{Command: "optimize"}
			onDisk, err := mig.Source.Encode(newSrc) // in the file's own encoding (PEP 263)
			if err != nil {
				return usageErr("%s: %v", rep.File, err)
			}
			cs.Edit(l.Rel(mig.File), mig.Source.OnDisk(), onDisk)
			if ok, err := e.confirm(yes, fmt.Sprintf("Rewrite %s (%d -> %d operations)?", rep.File, rep.Before, rep.After)); !ok {
				return err
			}
			if err := e.apply(ctx, l.Root, cs); err != nil {
				return problems(fmt.Sprintf("optimize: %v", err))
			}
			rep.Written = true
		}
	}
	if e.g.json {
		if err := writeJSON(e, rep); err != nil {
			return err
		}
	} else {
		for _, w := range rep.Warnings {
			fmt.Fprintf(e.stderr, "warning: %s\n", w)
		}
		if changed {
			fmt.Fprintf(e.stdout, "Optimizing from %d operations to %d operations.\n", rep.Before, rep.After)
		} else {
			fmt.Fprintln(e.stdout, "No optimizations possible.")
		}
		for _, d := range rep.Deviations {
			fmt.Fprintf(e.stdout, "  unlike Django's optimizer, whose result here would not migrate: %s\n", d)
		}
		if changed {
			if dryRun {
				fmt.Fprint(e.stdout, rep.Diff)
			} else if rep.Written {
				fmt.Fprintf(e.stdout, "Optimized migration %s\n", rep.File)
			}
		}
	}
	if check && changed {
		return problems("")
	}
	return nil
}

// byPrefix finds an app's migration by name or unique name prefix, as
// Django's get_migration_by_prefix does.
func (l *loaded) byPrefix(app, prefix string) (*migration.Migration, error) {
	var found []*migration.Migration
	for _, m := range l.Migrations {
		if m.App == app && strings.HasPrefix(m.Name, prefix) {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		return nil, usageErr("cannot find a migration matching %q from app %q", prefix, app)
	case 1:
		return found[0], nil
	}
	var names []string
	for _, m := range found {
		names = append(names, m.Name)
	}
	sort.Strings(names)
	return nil, usageErr("more than one migration matches %q in app %q (%s); please be more specific", prefix, app, strings.Join(names, ", "))
}

// stateBefore replays the plan up to (not including) mig; nil when some
// migration before it does not replay.
func (l *loaded) stateBefore(mig *migration.Migration, settings migration.Settings) *state.Project {
	p := state.New(settings)
	for _, k := range l.graph.ForwardsPlan(mig.Key) {
		if k == mig.Key {
			break
		}
		n := l.graph.Node(k)
		if n == nil || n.Migration == nil {
			continue
		}
		if err := p.ReplayPlan([]*migration.Migration{n.Migration}); err != nil {
			return nil
		}
	}
	return p
}

package cli

import (
	"context"
	"fmt"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/upgrade"
	"github.com/spf13/cobra"
)

type upgradeFlags struct {
	django      int
	dryRun, yes bool
}

func newUpgradeCmd(e *env) *cobra.Command {
	var f upgradeFlags
	cmd := &cobra.Command{
		Use:   "upgrade [APP...] --django N",
		Short: "Rewrite in place what Django N removed from existing migrations, so the history loads on it",
		Long: `upgrade rewrites, in the migration files themselves, the arguments that
Django N no longer accepts, keeping every other byte: today
CheckConstraint(check=...) becomes CheckConstraint(condition=...), which
Django 6.0 requires (it removed check=; every migration Django 5.0 or older
wrote with a check constraint fails to import on 6.x). The rewritten files
need Django 5.1 or newer. Squashes and resets written with --django 6 need
no rewrite for the migrations they replace.

--dry-run prints the diff of every file and writes nothing.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.upgrade(cmd.Context(), args, &f)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.django, "django", 6, "the Django major version the files must load on")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the diff of every file that would change, change nothing")
	fl.BoolVar(&f.yes, "yes", false, "do not ask before changing files")
	return cmd
}

type upgradeReport struct {
	Django   int               `json:"django"`
	Fixes    []upgrade.Fix     `json:"fixes"`
	Problems []diag.Diagnostic `json:"problems"`
	Edited   []string          `json:"edited"`
	Written  bool              `json:"written"`
}

func (e *env) upgrade(ctx context.Context, apps []string, f *upgradeFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.django < 3 || f.django > 6 {
		return usageErr("--django %d: djsquash knows Django 3 to 6", f.django)
	}
	l, err := e.load()
	if err != nil {
		return err
	}
	only, err := l.selectApps(apps)
	if err != nil {
		return err
	}
	plan := upgrade.Build(l.Loaded, f.django, only)
	rep := upgradeReport{Django: f.django, Fixes: append([]upgrade.Fix{}, plan.Fixes...), Problems: append([]diag.Diagnostic{}, plan.Problems...),
		Edited: plan.Changes.Paths("edit")}
	if len(plan.Problems) > 0 {
		return e.refuse(rep, plan.Problems, "upgrade: nothing was written")
	}
	if !e.g.json {
		for _, fx := range plan.Fixes {
			fmt.Fprintf(e.stdout, "%s:%d:%d: %s -> %s (loads on Django %s and newer)\n", fx.File, fx.Line, fx.Column, fx.From, fx.To, fx.Needs)
		}
	}
	if plan.Changes.Empty() {
		if e.g.json {
			return writeJSON(e, rep)
		}
		fmt.Fprintf(e.stdout, "Nothing to rewrite: every migration loads on Django %d.\n", f.django)
		return nil
	}
	wrote, err := e.showOrApply(ctx, l.Root, &plan.Changes, rep, f.dryRun, f.yes,
		fmt.Sprintf("Rewrite %s?", plural(len(rep.Edited), "file", "files")), "upgrade")
	if err != nil || !wrote {
		return err
	}
	rep.Written = true
	if e.g.json {
		return writeJSON(e, rep)
	}
	fmt.Fprintf(e.stdout, "Rewrote %s for Django %d.\n", plural(len(rep.Edited), "file", "files"), f.django)
	return nil
}

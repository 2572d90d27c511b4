package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/recorder"
	"github.com/djsquash/djsquash/internal/verify"
	"github.com/spf13/cobra"
)

// verifyFlags are verify's flags; squash, reset and prune take them with
// --verify.
type verifyFlags struct {
	on       bool // --verify (squash, reset, prune)
	python   string
	settings string
	server   string
}

func (f *verifyFlags) add(cmd *cobra.Command, withSwitch bool) {
	fl := cmd.Flags()
	if withSwitch {
		fl.BoolVar(&f.on, "verify", false, "before writing, run djsquash verify on the result (runs the project's code)")
	}
	fl.StringVar(&f.python, "python", "", "the project's Python `interpreter` (default: [tool.djsquash] python, $VIRTUAL_ENV, .venv, venv, python3)")
	fl.StringVar(&f.settings, "settings", "", "the settings `module` (default: manage.py's DJANGO_SETTINGS_MODULE)")
	fl.StringVar(&f.server, "database-server", "", "make the throw-away databases on this PostgreSQL or MariaDB server `URL` (default: SQLite files)")
}

func newVerifyCmd(e *env) *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Prove the migration tree with the project's own Django on throw-away databases",
		Long: `verify is the one djsquash command that runs the project's code: with the
project's Python and Django, on scratch copies of the project and throw-away
databases, it

  1. migrates a fresh database with the original history (the tree with its
     squashes and resets hidden) and one with the current tree, and times both;
  2. compares the two schemas (tables, columns, keys, constraints, indexes);
  3. runs makemigrations --check on the current tree;
  4. checks that a database the original history built has nothing to apply
     with the current tree (with --verify on squash, reset or prune: after
     migrating it with the tree as it stands, as every deployed database did).

SQLite files by default; --database-server makes the databases on a PostgreSQL
or MariaDB server (and drops them). Nothing in the project is changed, and
nothing is left behind. Exit status 1 when a check fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lp, err := e.load()
			if err != nil {
				return err
			}
			rep, err := f.run(cmd.Context(), e, lp.Root, lp.Config.Python, nil)
			if err != nil {
				return err
			}
			if e.g.json {
				if err := writeJSON(e, rep); err != nil {
					return err
				}
			} else {
				e.printVerify(rep)
			}
			if !rep.OK() {
				return problems("")
			}
			return nil
		},
	}
	f.add(cmd, false)
	return cmd
}

// run runs verify on the project (with cs applied, when given).
func (f *verifyFlags) run(ctx context.Context, e *env, root, configPython string, cs *changeset.Changeset) (*verify.Report, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	opts := verify.Options{Root: root, Python: f.python, ConfigPython: configPython, Settings: f.settings, Changes: cs}
	if f.server != "" {
		t, err := recorder.ParseServer(f.server, root)
		if err != nil {
			return nil, usageErr("--database-server: %v", err)
		}
		if t.Engine == recorder.SQLite {
			return nil, usageErr("--database-server: give a PostgreSQL or MariaDB server URL (SQLite is the default)")
		}
		opts.Server = t
	}
	rep, err := verify.Run(ctx, opts)
	if err != nil {
		return nil, problems("verify: " + err.Error())
	}
	return rep, nil
}

// before runs --verify on a plan before it is written: a failed check
// stops the command with nothing written.
func (f *verifyFlags) before(ctx context.Context, e *env, root, configPython string, cs *changeset.Changeset) error {
	if !f.on || len(cs.Changes) == 0 {
		return nil
	}
	rep, err := f.run(ctx, e, root, configPython, cs)
	if err != nil {
		return err
	}
	if e.g.json {
		if !rep.OK() {
			return problems("verify: " + strings.Join(rep.Problems, "; "))
		}
		return nil
	}
	e.printVerify(rep)
	if !rep.OK() {
		return problems("verify failed: nothing written")
	}
	return nil
}

func (e *env) printVerify(rep *verify.Report) {
	w := e.stdout
	fmt.Fprintf(w, "verify: Django %s (%s, %s), %s\n", rep.Django, rep.Python, rep.PythonSource, rep.Engine)
	if rep.HistoryNote != "" {
		fmt.Fprintf(w, "  note: %s\n", rep.HistoryNote)
	}
	if len(rep.Hidden) > 0 {
		fmt.Fprintf(w, "  original history: the tree without %s\n", strings.Join(rep.Hidden, ", "))
	}
	fmt.Fprintf(w, "  fresh migrate, original history: %.2f s (%d migrations)\n", rep.HistorySeconds, rep.HistoryMigrations)
	fmt.Fprintf(w, "  fresh migrate, current tree:     %.2f s (%d migrations)\n", rep.CurrentSeconds, rep.CurrentMigrations)
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  FAIL %s\n", p)
		if strings.HasPrefix(p, "the current tree builds another schema") {
			for _, d := range rep.SchemaDiff {
				fmt.Fprintf(w, "    %s\n", d)
			}
		}
	}
	if rep.OK() {
		fmt.Fprintln(w, "verify: OK: same schema, models in sync, nothing to apply on a database the history built")
	} else {
		fmt.Fprintf(w, "verify: %d problems\n", len(rep.Problems))
	}
}

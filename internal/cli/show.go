package cli

import (
	"fmt"
	"strings"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/graph"
	"github.com/spf13/cobra"
)

func newShowCmd(e *env) *cobra.Command {
	var plan bool
	cmd := &cobra.Command{
		Use:   "show [app...]",
		Short: "List migrations per app, or the global plan, as Django's loader orders them",
		Long: `show lists each app's migrations in the order Django applies them, like
manage.py showmigrations; --plan prints the project-wide order, like
showmigrations --plan. A squash is listed with what it replaces. Nothing is
imported: files are read as source.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := e.load()
			if err != nil {
				return err
			}
			only, err := l.selectShown(args)
			if err != nil {
				return err
			}
			if plan {
				return showPlan(e, l, only)
			}
			return showList(e, l, only)
		},
	}
	cmd.Flags().BoolVar(&plan, "plan", false, "print the global plan instead of per-app lists")
	return cmd
}

type showMigration struct {
	App      string   `json:"app"`
	Name     string   `json:"name"`
	File     string   `json:"file"`
	Replaces []string `json:"replaces,omitempty"`
	// External marks an installed app outside the project.
	External bool `json:"external,omitempty"`
}

func (l *loaded) describe(k graph.Key) showMigration {
	n := l.view().Node(k)
	s := showMigration{App: k.App, Name: k.Name, External: l.isExternal(k.App)}
	if n != nil && n.Migration != nil {
		s.File = n.Migration.File
		for _, r := range n.Migration.Replaces {
			s.Replaces = append(s.Replaces, r.Key.String())
		}
	}
	return s
}

func showList(e *env, l *loaded, only map[string]bool) error {
	type app struct {
		App        string          `json:"app"`
		Migrations []showMigration `json:"migrations"`
	}
	var apps []app
	for _, label := range l.shownOrder(only) {
		a := app{App: label, Migrations: []showMigration{}}
		for _, k := range l.appPlan(label) {
			a.Migrations = append(a.Migrations, l.describe(k))
		}
		apps = append(apps, a)
	}
	if e.g.json {
		return writeJSON(e, map[string]any{"apps": apps, "diagnostics": append([]diag.Diagnostic{}, l.view().Diagnostics...)})
	}
	for _, a := range apps {
		if l.isExternal(a.App) {
			fmt.Fprintf(e.stdout, "%s (installed, outside the project)\n", a.App)
		} else {
			fmt.Fprintln(e.stdout, a.App)
		}
		if len(a.Migrations) == 0 {
			fmt.Fprintln(e.stdout, " (no migrations)")
		}
		for _, m := range a.Migrations {
			line := " " + m.Name
			if len(m.Replaces) > 0 {
				line += fmt.Sprintf(" (%s squashed migrations)", fmt.Sprint(len(m.Replaces)))
			}
			fmt.Fprintln(e.stdout, line)
		}
	}
	return reportGraphProblems(e, l)
}

func showPlan(e *env, l *loaded, only map[string]bool) error {
	g := l.view()
	var targets []graph.Key
	for _, k := range g.LeafNodes("") {
		if only == nil || only[k.App] {
			targets = append(targets, k)
		}
	}
	var plan []showMigration
	for _, k := range g.Plan(targets...) {
		if n := g.Node(k); n != nil && n.Migration != nil {
			plan = append(plan, l.describe(k))
		}
	}
	if e.g.json {
		return writeJSON(e, map[string]any{"plan": plan, "diagnostics": append([]diag.Diagnostic{}, l.view().Diagnostics...)})
	}
	for _, m := range plan {
		line := m.App + "." + m.Name
		if len(m.Replaces) > 0 {
			line += " (replaces " + strings.Join(m.Replaces, ", ") + ")"
		}
		fmt.Fprintln(e.stdout, line)
	}
	return reportGraphProblems(e, l)
}

// reportGraphProblems prints the errors check finds to stderr: a listing
// of a project Django cannot load is shown, but the exit status says so.
func reportGraphProblems(e *env, l *loaded) error {
	var errs []diag.Diagnostic
	for _, d := range checkProject(l) {
		if d.Severity == diag.Error {
			errs = append(errs, d)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if !e.g.json {
		for _, d := range errs {
			fmt.Fprintln(e.stderr, d)
		}
	}
	return problems(fmt.Sprintf("Django cannot load this project: %s; run djsquash check", plural(len(errs), "error", "errors")))
}

package cli

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/spf13/cobra"
)

// followOnsDropped leaves out the graph's errors that only follow from a
// cycle: an app whose migrations all sit on one has no first migration,
// so Django's loader raises "Dependency on app with no migrations" for
// every __first__ dependency on it before it finds the cycle. The cycle
// is the cause, and the one thing to report.
func followOnsDropped(l *loaded, ds []diag.Diagnostic) []diag.Diagnostic {
	inCycle := map[string]bool{}
	for _, c := range l.graph.Cycles() {
		for _, k := range c {
			inCycle[k.App] = true
		}
	}
	if len(inCycle) == 0 {
		return ds
	}
	depApp := map[string]map[int]string{} // file -> offset -> dependency's app
	for _, m := range l.Migrations {
		for _, d := range append(append([]migration.Dependency{}, m.Dependencies...), m.RunBefore...) {
			if depApp[m.File] == nil {
				depApp[m.File] = map[int]string{}
			}
			depApp[m.File][d.Pos] = d.App
		}
	}
	var out []diag.Diagnostic
	for _, d := range ds {
		if d.Code == graph.CodeUnknownApp && inCycle[depApp[d.File][d.Offset]] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Codes check adds to those of the loader and the graph.
const (
	codeDuplicatePrefix = "DJ107" // two migrations of an app share a number
	codeReplacedGone    = "DJ108" // a squash replaces files that are gone
	codeTooMany         = "DJ112" // an app has more migrations than --max-migrations
)

// tooMany reports apps of the project with more live migrations than max:
// the migrations Django would run on a fresh database, i.e. those no
// squash on disk replaces (after a squash and before prune, the squash
// counts, not its originals).
func tooMany(l *loaded, max int) []diag.Diagnostic {
	replaced := map[migration.Key]bool{}
	for _, m := range l.Migrations {
		for _, r := range m.Replaces {
			replaced[r.Key] = true
		}
	}
	count := map[string]int{}
	for _, m := range l.Migrations {
		if !replaced[m.Key] {
			count[m.App]++
		}
	}
	var out []diag.Diagnostic
	for _, a := range l.Apps {
		if n := count[a.Label]; n > max {
			out = append(out, diag.Diagnostic{Severity: diag.Error, Code: codeTooMany, Offset: -1, File: l.Rel(a.MigrationsDir),
				Message: fmt.Sprintf("app %s has %d migrations, more than --max-migrations %d", a.Label, n, max),
				Hint:    fmt.Sprintf("squash them: djsquash squash %s (then, once every database has applied it, djsquash prune)", a.Label)})
		}
	}
	return out
}

func newCheckCmd(e *env) *cobra.Command {
	var maxMigrations int
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Report static problems in the migration files and graph",
		Long: `check reads every migration file and builds the graph as Django's loader
does, and reports what would make Django fail or what later commands cannot
work through: syntax errors, attributes that are not literal, missing
dependency targets, cycles, apps with more than one leaf (they need a merge
migration), duplicate number prefixes, and squashes whose replaced files are
gone. Each problem has file:line:col, a stable code and a hint.

Exit status 1 when there is an error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := e.load()
			if err != nil {
				return err
			}
			ds := checkProject(l)
			if maxMigrations > 0 {
				ds = append(ds, tooMany(l, maxMigrations)...)
			}
			errs, warns := 0, 0
			for _, d := range ds {
				switch d.Severity {
				case diag.Error:
					errs++
				case diag.Warning:
					warns++
				}
			}
			if e.g.json {
				if err := writeJSON(e, map[string]any{"diagnostics": append([]diag.Diagnostic{}, ds...),
					"migrations": len(l.Migrations), "apps": len(l.Apps), "errors": errs, "warnings": warns}); err != nil {
					return err
				}
			} else {
				for _, d := range ds {
					if d.Severity == diag.Info && e.g.verbose == 0 {
						continue // merged branches share numbers all the time
					}
					fmt.Fprintln(e.stdout, d)
					if d.Hint != "" && e.g.verbose > 0 {
						fmt.Fprintf(e.stdout, "  hint: %s\n", d.Hint)
					}
				}
			}
			if !e.g.json {
				fmt.Fprintf(e.stdout, "%s in %s, %s: %s, %s\n",
					plural(len(l.Migrations), "migration", "migrations"), plural(len(l.Apps), "app", "apps"),
					"checked", plural(errs, "error", "errors"), plural(warns, "warning", "warnings"))
			}
			if errs > 0 {
				return problems("")
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&maxMigrations, "max-migrations", 0, "also fail when an app has more than N migrations a fresh database would run (a squash is due)")
	return cmd
}

func checkProject(l *loaded) []diag.Diagnostic {
	ds := append([]diag.Diagnostic{}, l.Diagnostics...)
	ds = append(ds, followOnsDropped(l, l.graph.Diagnostics)...)
	if l.readInstalled(); l.full != nil {
		// What the installed apps lack: a dependency on a migration of
		// theirs that does not exist is Django's NodeNotFoundError.
		for _, d := range l.full.NewErrors(l.graph) {
			if d.Code == graph.CodeMissingNode {
				d.Message += fmt.Sprintf(" (the installed apps are %s's: %s)", l.installed, strings.Join(slices.Sorted(maps.Keys(l.external.Labels())), ", "))
				d.Hint = "depend on a migration the installed version has, or upgrade it"
				ds = append(ds, d)
			}
		}
	}
	conflicts := l.graph.Conflicts()
	// An unreadable file has no known dependencies, so it looks like a
	// second leaf; a dependency on a missing node cuts a branch off; a
	// module without a Migration class is a node of its own: the error is
	// the finding, and the conflict only follows from it.
	appOf := map[string]string{}
	for _, m := range l.Migrations {
		appOf[m.File] = m.App
		if m.Unreadable {
			delete(conflicts, m.App)
		}
	}
	for _, d := range ds {
		if a, ok := appOf[d.File]; ok && d.Severity == diag.Error {
			delete(conflicts, a)
		}
	}
	apps := make([]string, 0, len(conflicts))
	for a := range conflicts {
		apps = append(apps, a)
	}
	sort.Strings(apps)
	for _, a := range apps {
		leaves := conflicts[a]
		sort.Strings(leaves)
		d := diag.Diagnostic{Severity: diag.Error, Code: graph.CodeConflict, Offset: -1,
			Message: fmt.Sprintf("Conflicting migrations detected; multiple leaf nodes in the migration graph: (%s in %s)", strings.Join(leaves, ", "), a),
			Hint:    "run manage.py makemigrations --merge"}
		if app := l.Project.App(a); app != nil {
			d.File = l.Rel(app.MigrationsDir)
		}
		ds = append(ds, d)
	}
	onDisk := map[graph.Key]bool{}
	prefixes := map[string][]string{}
	for _, m := range l.Migrations {
		onDisk[m.Key] = true
		// A squash takes the number of the first migration it replaces
		// (0001_squashed_0008_x beside 0001_initial), as Django names it:
		// no reason to renumber.
		if num, _, ok := strings.Cut(m.Name, "_"); ok && num != "" && strings.Trim(num, "0123456789") == "" && len(m.Replaces) == 0 {
			prefixes[m.App+"."+num] = append(prefixes[m.App+"."+num], m.File)
		}
	}
	for _, m := range l.Migrations {
		if num, _, ok := strings.Cut(m.Name, "_"); ok {
			if files := prefixes[m.App+"."+num]; len(files) > 1 && files[0] == m.File {
				ds = append(ds, diag.Diagnostic{Severity: diag.Info, Code: codeDuplicatePrefix, File: m.File, Offset: -1,
					Message: fmt.Sprintf("%d migrations of %s share the number %s: %s", len(files), m.App, num, strings.Join(files, ", ")),
					Hint:    "usually a merge of two branches; renumber one if they are not merged"})
			}
		}
		var gone []string
		for _, r := range m.Replaces {
			if !onDisk[r.Key] {
				gone = append(gone, r.Key.String())
			}
		}
		if len(gone) > 0 {
			d := diag.Diagnostic{Severity: diag.Info, Code: codeReplacedGone, File: m.File, Offset: m.Replaces[0].Pos,
				Message: fmt.Sprintf("%s replaces %s, whose files are gone: every database must have applied it", m.Key, plural(len(gone), "migration", "migrations")),
				Hint:    "djsquash status confirms it; then djsquash prune turns it into a normal migration"}
			diag.NewLines(m.Source.Src).Locate(&d)
			ds = append(ds, d)
		}
	}
	diag.Sort(ds)
	return ds
}

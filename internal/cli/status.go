package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/status"
	"github.com/spf13/cobra"
)

func newStatusCmd(e *env) *cobra.Command {
	var f dbFlags
	cmd := &cobra.Command{
		Use:   "status [app...]",
		Short: "Show what each database has applied, and which squashes are safe to prune",
		Long: `status reads django_migrations in every database given (--database, the
[tool.djsquash.databases] environments of pyproject.toml, or DATABASE_URL) and
compares it with the migration files: applied and unapplied migrations per app,
rows for migrations no longer on disk, inconsistent history, and for every
squash whether each database applied it: a squash is safe to prune only when
all of them did. It only reads, in read-only transactions.

Exit status 1 when a database is behind or inconsistent.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), e, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.specs, "database", nil, "database `[NAME=]URL` or env:VAR (repeatable)")
	fl.StringVar(&f.schema, "schema", "", "PostgreSQL schema holding django_migrations")
	fl.StringVar(&f.schemas, "schemas", "", "read every PostgreSQL schema matching this LIKE `pattern` (multi-tenant)")
	fl.IntVar(&f.workers, "jobs", 8, "databases/schemas read at once")
	fl.BoolVar(&f.schemaCheck, "schema-check", false, "also compare each database's schema with what its applied migrations create")
	return cmd
}

func runStatus(ctx context.Context, e *env, f *dbFlags, apps []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	lp, only, targets, err := e.loadTargets(f, apps, true)
	if err != nil {
		return err
	}
	results := f.readAll(ctx, targets, e.progress("reading"))
	var recs []status.Recorded
	var failed, notes []string
	for _, r := range results {
		if r.err != nil {
			failed = append(failed, r.err.Error())
			continue
		}
		if r.note != "" {
			notes = append(notes, r.name+": "+r.note)
		}
		recs = append(recs, status.Recorded{Name: r.name, Rows: r.rows})
	}
	in := status.Input{Migrations: lp.Migrations, Apps: lp.AppLabels(), Only: only, Nested: lp.django >= 6}
	if lp.readInstalled(); lp.external != nil {
		// Every app of every database, as showmigrations lists them.
		in.Migrations = append(append([]*migration.Migration{}, lp.Migrations...), lp.external.Migrations...)
		in.External = lp.external.Labels()
		for a := range in.External {
			in.Apps[a] = true
		}
	}
	report := status.Compute(in, recs)
	var checks []schemaCheck
	drift := false
	if f.schemaCheck {
		checks = e.schemaChecks(ctx, lp, only, f, targets)
		for _, c := range checks {
			drift = drift || len(c.Drift) > 0 || c.Error != ""
		}
	}
	if e.g.json {
		if err := writeJSON(e, struct {
			*status.Report
			Errors []string      `json:"errors"`
			Notes  []string      `json:"notes"`
			Schema []schemaCheck `json:"schema_check,omitempty"`
		}{report, append([]string{}, failed...), append([]string{}, notes...), checks}); err != nil {
			return err
		}
	} else {
		printStatus(e.stdout, report, e.g.verbose > 0, isTTY(e.stdout))
		printSchemaChecks(e.stdout, checks, f.schemaCheck)
		for _, msg := range notes {
			fmt.Fprintf(e.stderr, "djsquash: note: %s\n", msg)
		}
		for _, msg := range failed {
			fmt.Fprintf(e.stderr, "djsquash: %s\n", msg)
		}
	}
	switch {
	case len(failed) > 0 && len(recs) == 0:
		return &exitError{code: ExitUsage, err: fmt.Errorf("")}
	case len(failed) > 0 || report.Problems() || drift:
		return problems("")
	}
	return nil
}

// printStatus prints the report: on a terminal a table per database (one
// row per app, with its squashes' states), in a pipe or with -v the
// migrations not applied (every migration with -v), as showmigrations does.
func printStatus(w io.Writer, r *status.Report, verbose, table bool) {
	for _, d := range r.Databases {
		if table && !verbose {
			printStatusTable(w, d)
			printStatusRows(w, d, verbose)
			continue
		}
		fmt.Fprintf(w, "%s\n", d.Name)
		for _, a := range d.Apps {
			name := a.App
			if a.External {
				name += " (installed)" // outside the project
			}
			if !verbose && a.Unapplied == 0 {
				fmt.Fprintf(w, "  %-24s up to date (%d)\n", name, len(a.Entries))
				continue
			}
			fmt.Fprintf(w, "  %s: %d of %d unapplied\n", name, a.Unapplied, len(a.Entries))
			for _, m := range a.Entries {
				mark := map[status.Mark]string{status.Applied: "[X]", status.Unapplied: "[ ]", status.Unrecorded: "[-]"}[m.Mark]
				title := m.Name
				if m.Replaces > 0 {
					title += fmt.Sprintf(" (%d squashed migrations)", m.Replaces)
				}
				if verbose || m.Mark != status.Applied {
					fmt.Fprintf(w, "    %s %s\n", mark, title)
				}
			}
		}
		printStatusRows(w, d, verbose)
	}
	printVerdicts(w, r)
}

// printStatusTable is one database as a table: app, applied of total,
// unapplied, and the state of each squash of the app.
func printStatusTable(w io.Writer, d status.Database) {
	total, applied := 0, 0
	for _, a := range d.Apps {
		total += len(a.Entries)
	}
	applied = total - d.Unapplied
	fmt.Fprintf(w, "%s: %d of %d applied", d.Name, applied, total)
	if d.Unapplied > 0 {
		fmt.Fprintf(w, ", %d unapplied", d.Unapplied)
	}
	fmt.Fprintln(w)
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  app\tapplied\tunapplied\tsquashes")
	for _, a := range d.Apps {
		name := a.App
		if a.External {
			name += " (installed)"
		}
		var squashes []string
		for _, sq := range d.Squashes {
			if sq.Key.App != a.App {
				continue
			}
			st := string(sq.State)
			if sq.State == status.Partial {
				st += fmt.Sprintf(", %d to apply", sq.Remaining)
			}
			squashes = append(squashes, fmt.Sprintf("%s (%s)", sq.Key.Name, st))
		}
		fmt.Fprintf(tw, "  %s\t%d/%d\t%d\t%s\n", name, len(a.Entries)-a.Unapplied, len(a.Entries), a.Unapplied, strings.Join(squashes, ", "))
	}
	tw.Flush()
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line != "" {
			fmt.Fprintln(w, strings.TrimRight(line, " \n"))
		}
	}
}

// printStatusRows prints what follows a database's apps: rows not on
// disk, inconsistencies, diagnostics.
func printStatusRows(w io.Writer, d status.Database, verbose bool) {
	if verbose || len(d.Unknown) <= 3 {
		for _, u := range d.Unknown {
			fmt.Fprintf(w, "  recorded but not on disk: %s\n", u)
		}
	} else {
		// After a reset or a prune, dozens: one line, by app.
		byApp := map[string]int{}
		for _, u := range d.Unknown {
			app, _, _ := strings.Cut(u, ".")
			byApp[app]++
		}
		var parts []string
		for _, app := range slices.Sorted(maps.Keys(byApp)) {
			parts = append(parts, fmt.Sprintf("%s %d", app, byApp[app]))
		}
		fmt.Fprintf(w, "  recorded but not on disk: %d rows (%s; -v lists them): harmless; djsquash record --prune deletes them (backed up) once the database holds the app's current migrations\n",
			len(d.Unknown), strings.Join(parts, ", "))
	}
	for _, msg := range d.Inconsistent {
		fmt.Fprintf(w, "  inconsistent: %s\n", msg)
	}
	for _, dg := range d.Diagnostics {
		fmt.Fprintf(w, "  %s\n", dg)
	}
}

// printVerdicts says which squashes may be pruned.
func printVerdicts(w io.Writer, r *status.Report) {
	if len(r.Verdicts) > 0 {
		fmt.Fprintln(w, "\nsquashes")
		for _, v := range r.Verdicts {
			if v.SafeToPrune {
				fmt.Fprintf(w, "  %-40s safe to prune: every database applied it\n", v.Squash)
				continue
			}
			var behind []string
			for _, b := range v.Behind {
				behind = append(behind, behindText(b))
			}
			fmt.Fprintf(w, "  %-40s NOT safe to prune: behind: %s\n", v.Squash, strings.Join(behind, ", "))
		}
	}
}

// behindText says how far behind a squash one database is.
func behindText(b status.Behind) string {
	if b.State == status.NotRecorded {
		return fmt.Sprintf("%s (applied through its originals, not recorded yet: run migrate there)", b.Database)
	}
	return fmt.Sprintf("%s (%s, %d to apply)", b.Database, b.State, b.Missing)
}

// isTTY reports whether a stream (stdin, stdout, stderr) is a terminal.
func isTTY(stream any) bool {
	if s, ok := stream.(safeWriter); ok {
		stream = s.w
	}
	if c, ok := stream.(colorWriter); ok {
		stream = c.w
	}
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

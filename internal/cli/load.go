package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	pyenv "github.com/djsquash/djsquash/internal/env"
	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
)

// loaded is the project as every command sees it.
type loaded struct {
	*project.Loaded
	graph *graph.Graph // with nothing applied
	// django is the Django major version the project runs: a command's
	// --django when given, else the one in the project's environment; 0
	// when neither says. 6 and later load squashes of squashes.
	django int
	// env is the project's environment (nil without one).
	env *pyenv.Env
	// external are the installed apps outside the project, read from env
	// on first use (readInstalled); full is the graph with their
	// migrations, what show, graph, check and status present.
	installedRead bool
	external      *project.External
	full          *graph.Graph
	// installed names the environment's Django ("Django 5.2.8"), for
	// messages about what it lacks.
	installed string
	notes     io.Writer // -v notes; nil when quiet
}

// readInstalled reads the installed apps' migrations (contrib,
// third-party) from the environment's sys.path, once, on first use: the
// commands that never show them do not pay for it.
func (l *loaded) readInstalled() {
	if l.installedRead || l.env == nil {
		return
	}
	l.installedRead = true
	x := l.ReadInstalled(l.env.SysPath)
	if len(x.Migrations) == 0 {
		return
	}
	apps := l.AppLabels()
	for a := range x.Labels() {
		apps[a] = true
	}
	opts := graph.Options{Apps: apps, NestedReplacements: l.django >= 6}
	l.external, l.full = x, graph.Build(append(append([]*migration.Migration{}, l.Migrations...), x.Migrations...), opts)
	l.installed = "the environment's packages"
	if l.env.Django != nil {
		l.installed = "Django " + l.env.Django.String()
	}
	l.Locate(l.full.Diagnostics)
	if l.notes != nil {
		fmt.Fprintf(l.notes, "djsquash: installed apps outside the project: %d migrations of %s\n", len(x.Migrations), strings.Join(slices.Sorted(maps.Keys(x.Labels())), ", "))
	}
}

// view is the graph commands show: with the installed apps' migrations
// when the environment gave them.
func (l *loaded) view() *graph.Graph {
	if l.readInstalled(); l.full != nil {
		return l.full
	}
	return l.graph
}

// isExternal reports an installed app outside the project.
func (l *loaded) isExternal(app string) bool {
	l.readInstalled()
	return l.external != nil && l.external.Labels()[app]
}

// load reads the project under --project and builds its graph.
func (e *env) load() (*loaded, error) {
	l, err := project.LoadWith(e.g.project, e.facts)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	if len(l.Apps) == 0 {
		var off []string
		for _, d := range l.Diagnostics {
			if d.Code == project.CodeMigrationModules {
				off = append(off, d.Message)
			}
		}
		if len(off) > 0 {
			return nil, usageErr("no migrations Django would load under %s: %s (set DJANGO_SETTINGS_MODULE to the settings module to read)", e.g.project, strings.Join(off, "; "))
		}
		return nil, usageErr("no migrations found under %s (looked for migrations packages with an __init__.py)", e.g.project)
	}
	major := e.target
	var found *pyenv.Env
	if e.facts != nil {
		found, err = pyenv.FromFacts(e.facts.Python, e.facts.SysPath, e.facts.DjangoVersion), nil
	} else {
		found, err = pyenv.Find(context.Background(), l.Root, "", l.Config.Python)
	}
	if e.g.verbose > 0 {
		fmt.Fprintf(e.stderr, "djsquash: environment: %s\n", pyenv.Describe(found, err))
	}
	if major == 0 && err == nil && found.Django != nil {
		major = found.Django.Major
	}
	opts := graph.Options{Apps: l.AppLabels(), NestedReplacements: major >= 6}
	g := graph.Build(l.Migrations, opts)
	l.Locate(g.Diagnostics)
	lp := &loaded{Loaded: l, graph: g, django: major}
	if err == nil {
		lp.env = found
	}
	if e.g.verbose > 0 {
		lp.notes = e.stderr
	}
	return lp, nil
}

// selectApps validates app labels given on the command line; nil means all.
func (l *loaded) selectApps(names []string) (map[string]bool, error) {
	if len(names) == 0 {
		return nil, nil
	}
	known := l.AppLabels()
	out := map[string]bool{}
	var unknown []string
	for _, n := range names {
		if !known[n] {
			unknown = append(unknown, n)
		}
		out[n] = true
	}
	if len(unknown) > 0 {
		labels := make([]string, 0, len(known))
		for k := range known {
			labels = append(labels, k)
		}
		sort.Strings(labels)
		return nil, usageErr("no app with migrations named %s (apps: %s)", strings.Join(unknown, ", "), strings.Join(labels, ", "))
	}
	return out, nil
}

// selectShown is selectApps for commands that only show: an installed
// app outside the project may be named too.
func (l *loaded) selectShown(names []string) (map[string]bool, error) {
	var ext, own []string
	for _, n := range names {
		if l.isExternal(n) {
			ext = append(ext, n)
		} else {
			own = append(own, n)
		}
	}
	only, err := l.selectApps(own)
	if err != nil || len(ext) == 0 {
		return only, err
	}
	if only == nil {
		only = map[string]bool{}
	}
	for _, n := range ext {
		only[n] = true
	}
	return only, nil
}

// appOrder lists the selected project apps' labels, sorted: what a
// workflow may change.
func (l *loaded) appOrder(only map[string]bool) []string {
	var out []string
	for _, a := range l.Apps {
		if only == nil || only[a.Label] {
			out = append(out, a.Label)
		}
	}
	sort.Strings(out)
	return out
}

// shownOrder is appOrder with the installed apps outside the project:
// what show lists.
func (l *loaded) shownOrder(only map[string]bool) []string {
	out := l.appOrder(only)
	if l.readInstalled(); l.external != nil {
		for _, a := range l.external.Apps {
			if only == nil || only[a.Label] {
				out = append(out, a.Label)
			}
		}
	}
	sort.Strings(out)
	return out
}

// appPlan lists an app's migrations in plan order (showmigrations' order).
func (l *loaded) appPlan(app string) []graph.Key {
	var out []graph.Key
	seen := map[graph.Key]bool{}
	g := l.view()
	for _, leaf := range g.LeafNodes(app) {
		for _, k := range g.ForwardsPlan(leaf) {
			if k.App == app && !seen[k] {
				if n := g.Node(k); n != nil && n.Migration != nil {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Package reset plans "migration zero" without its dangers: for the apps
// reset, the migrations makemigrations would write for their final models
// (internal/generate), under new names that continue each app's numbering,
// each carrying replaces for part of the old history, so that every
// database that applied the old history records them at its next plain
// migrate (Django's check_replacements) — no SQL by hand, no --fake.
//
// What makemigrations cannot regenerate is carried over, never dropped
// silently: extensions and collations at the start, non-elidable RunSQL at
// the end of the app's last new migration; RunPython is dropped unless
// asked to keep it, and each one is reported. Custom operations and
// database operations of SeparateDatabaseAndState refuse the app, with
// their position.
//
// Invariants: planning only reads. The new history (other apps' migrations
// rewired to the new names, the old files of the reset apps gone) must
// build and replay to a state equal to the old history's end, or the plan
// has problems and nothing is written.
package reset

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/generate"
	"github.com/djsquash/djsquash/internal/graph"
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/state"
	"github.com/djsquash/djsquash/internal/writer"
)

// Codes of the planner's diagnostics.
const (
	CodeUnreadable = "DJ601" // an app's history cannot be read or replayed
	CodeKept       = "DJ602" // an operation reset cannot regenerate or carry
	CodeGenerate   = "DJ603" // the generator cannot order the operations (as makemigrations cannot)
	CodeMapping    = "DJ604" // no replaces mapping: more new migrations than old
	CodeValidate   = "DJ605" // the new history does not replay to the old end state (a bug)
	CodeRewire     = "DJ606" // a migration of another app cannot be rewired
)

// Options configure a plan.
type Options struct {
	// Apps to reset; empty means every app of the project.
	Apps []string
	// Django is the version whose makemigrations the output imitates.
	Django generate.Version
	// KeepData carries non-elidable RunPython operations, with their code.
	KeepData bool
	// KeepOld leaves the old files in place (a lagging database catches
	// up through them); by default they are deleted.
	KeepOld bool
	Header  string
	Style   writer.Style

	// whole marks Apps chosen by the whole-project mode itself (a plan
	// redone without the apps on a cycle), and retries counts the redos.
	whole   bool
	retries int
}

// New is one new migration.
type New struct {
	App, Name    string
	Replaces     []m.Key
	Dependencies []m.Dependency
	Operations   []m.Operation
	Path         string
}

// Carried is what happened to an operation the generator does not make.
type Carried struct {
	Migration m.Key
	Class     string
	File      string
	Offset    int
	Fate      string // "kept in 0028_initial", "dropped"
}

// Plan is what a reset would do.
type Plan struct {
	Apps       []string
	Migrations []*New
	Carried    []Carried
	Rewired    []string // other migrations whose dependencies now name new migrations
	Deleted    []string // old files deleted (default mode)
	Problems   []diag.Diagnostic
	// Skipped are apps the whole-project mode left out, and why (notes).
	Skipped []diag.Diagnostic
	Changes changeset.Changeset
}

// opKey is one operation of one migration, by position: rewiring edits a
// file's dependencies, never its operations list.
type opKey struct {
	mig m.Key
	i   int
}

type planner struct {
	skip    map[opKey]bool             // operations the end state was made without
	blocked map[string]diag.Diagnostic // apps that cannot be reset, and the first reason
	l       *project.Loaded
	g       *graph.Graph
	opts    Options
	plan    *Plan
	reset   map[string]bool
	old     map[string][]*m.Migration // reset app -> its migrations in plan order
}

func (p *planner) problem(code, file string, off int, hint, format string, args ...any) {
	p.plan.Problems = append(p.plan.Problems, diag.Diagnostic{Severity: diag.Error, Code: code, File: file, Offset: off, Hint: hint, Message: fmt.Sprintf(format, args...)})
}

// Build plans a reset. It reads only.
func Build(l *project.Loaded, g *graph.Graph, opts Options) *Plan {
	p := &planner{l: l, g: g, opts: opts, plan: &Plan{Changes: changeset.Changeset{Command: "reset"}}, reset: map[string]bool{}, old: map[string][]*m.Migration{}}
	apps := opts.Apps
	if len(apps) == 0 {
		for _, a := range l.Apps {
			apps = append(apps, a.Label)
		}
	}
	sort.Strings(apps)
	for _, a := range apps {
		p.reset[a] = true
	}
	plan := g.Plan()
	for _, k := range plan {
		if n := g.Node(k); n != nil && n.Migration != nil && p.reset[k.App] {
			p.old[k.App] = append(p.old[k.App], n.Migration)
		}
	}
	for _, a := range apps {
		if len(p.old[a]) > 0 {
			p.plan.Apps = append(p.plan.Apps, a)
		}
	}
	if len(p.plan.Apps) == 0 {
		return p.plan
	}
	// The old history's end state. An operation that does not replay
	// (a custom operation, a computed list) is skipped, here and in the
	// validation, and its app cannot be reset.
	end := state.New(l.Setting)
	p.skip = map[opKey]bool{}
	p.blocked = map[string]diag.Diagnostic{}
	for _, k := range plan {
		n := g.Node(k)
		if n == nil || n.Migration == nil {
			continue
		}
		for i, op := range n.Migration.Operations {
			if err := end.Apply(k.App, op); err != nil {
				p.skip[opKey{k, i}] = true
				p.block(k.App, diag.Diagnostic{Code: CodeUnreadable, File: n.Migration.File, Offset: op.Pos(),
					Hint:    "leave the app out of the reset, or replace the operation with built-in ones",
					Message: fmt.Sprintf("%s: the history does not replay: %v", k, err)})
			}
		}
	}
	carried, first := p.carry()
	p.dropBlocked(len(opts.Apps) > 0 && !opts.whole)
	if len(p.plan.Problems) > 0 || len(p.plan.Apps) == 0 {
		return refused(p.plan)
	}
	gen, err := generate.Generate(end, generate.Options{Apps: p.reset, Settings: l.Setting, Django: opts.Django, ExternalLeaf: p.externalLeaf,
		FieldOrder: p.fieldOrder()})
	if err != nil {
		p.problem(CodeGenerate, "", -1, "", "%v", err)
		return refused(p.plan)
	}
	p.name(gen, carried, first)
	if len(p.plan.Problems) > 0 {
		return refused(p.plan)
	}
	kept := p.rewire()
	if len(p.plan.Problems) > 0 {
		return refused(p.plan)
	}
	if cyclic := p.validate(end, kept); len(cyclic) > 0 && (len(opts.Apps) == 0 || opts.whole) && opts.retries < 10 {
		// New migrations and a kept history close a cycle: leave the
		// apps on it out too, and plan again.
		next := opts
		var keep []string
		for _, a := range p.plan.Apps {
			if !cyclic[a] {
				keep = append(keep, a)
			}
		}
		if len(keep) == 0 {
			return refused(p.plan)
		}
		next.Apps, next.whole, next.retries = keep, true, opts.retries+1
		q := Build(l, g, next)
		for a := range cyclic {
			q.Skipped = append(q.Skipped, diag.Diagnostic{Severity: diag.Info, Code: CodeValidate, Offset: -1,
				Message: fmt.Sprintf("%s is left out of the reset: its new migrations would close a cycle with the history of the apps kept", a)})
		}
		q.Skipped = append(p.plan.Skipped, q.Skipped...)
		return q
	}
	if len(p.plan.Problems) > 0 {
		return refused(p.plan)
	}
	p.write()
	if len(p.plan.Problems) > 0 {
		return refused(p.plan)
	}
	return p.plan
}

func refused(p *Plan) *Plan {
	return &Plan{Apps: p.Apps, Problems: p.Problems, Carried: p.Carried, Skipped: p.Skipped}
}

// block notes that an app cannot be reset, and why (the first reason).
func (p *planner) block(app string, d diag.Diagnostic) {
	if _, ok := p.blocked[app]; !ok {
		d.Severity = diag.Error
		p.blocked[app] = d
	}
}

// dropBlocked refuses apps asked for by name that cannot be reset; in the
// whole-project mode it leaves them out instead (their histories stay, and
// a note says why), as squash does.
func (p *planner) dropBlocked(named bool) {
	var apps []string
	for _, app := range p.plan.Apps {
		d, ok := p.blocked[app]
		switch {
		case !ok:
			apps = append(apps, app)
		case named:
			p.plan.Problems = append(p.plan.Problems, d)
		default:
			d.Severity = diag.Info
			d.Message = app + " is left out of the reset: " + d.Message
			p.plan.Skipped = append(p.plan.Skipped, d)
			delete(p.reset, app)
		}
	}
	p.plan.Apps = apps
	var carried []Carried
	for _, c := range p.plan.Carried {
		if p.reset[c.Migration.App] {
			carried = append(carried, c)
		}
	}
	p.plan.Carried = carried
}

// externalLeaf is the latest migration of an app outside the reset that
// the reset apps' history depends on: makemigrations names its graph's
// leaf, which is the same for a history made with the installed apps.
func (p *planner) externalLeaf(app string) (string, bool) {
	best := ""
	for _, a := range p.plan.Apps {
		for _, mig := range p.old[a] {
			for _, d := range mig.Dependencies {
				if d.App == app && d.Setting == "" && d.Name != m.First && d.Name != m.Latest && d.Name > best {
					best = d.Name
				}
			}
		}
	}
	if best == "" {
		if leaves := p.g.LeafNodes(app); len(leaves) == 1 && p.g.Node(leaves[0]).Migration != nil {
			return leaves[0].Name, true
		}
		return "", false
	}
	return best, true
}

// carry collects what the generator does not make: per app, the operations
// to put at the end of its last new migration, and those to put first.
func (p *planner) carry() (end, first map[string][]m.Operation) {
	end, first = map[string][]m.Operation{}, map[string][]m.Operation{}
	for _, app := range p.plan.Apps {
		for _, mig := range p.old[app] {
			for _, op := range mig.Operations {
				c := Carried{Migration: mig.Key, Class: op.Name(), File: mig.File, Offset: op.Pos()}
				switch x := op.(type) {
				case *m.CreateExtension, *m.CreateCollation:
					first[app] = append(first[app], op)
					c.Fate = "kept"
				case *m.RemoveCollation:
					end[app] = append(end[app], op)
					c.Fate = "kept"
				case *m.RunSQL:
					if x.Elidable {
						c.Fate = "dropped (elidable)"
					} else {
						end[app] = append(end[app], dbOnly(x))
						c.Fate = "kept"
					}
				case *m.RunPython:
					switch {
					case x.Elidable:
						c.Fate = "dropped (elidable)"
					case p.opts.KeepData:
						end[app] = append(end[app], op)
						c.Fate = "kept (--keep-data)"
					default:
						c.Fate = "dropped (--keep-data keeps it)"
					}
				case *m.SeparateDatabaseAndState:
					if len(x.DatabaseOperations) > 0 {
						p.block(app, diag.Diagnostic{Code: CodeKept, File: mig.File, Offset: op.Pos(), Hint: "reset the other apps, or keep this app's history (djsquash squash)",
							Message: fmt.Sprintf("%s: SeparateDatabaseAndState runs database operations reset cannot place against the new models", mig.Key)})
						continue
					}
					continue // state only: the final state has it
				case *m.Opaque:
					p.block(app, diag.Diagnostic{Code: CodeKept, File: mig.File, Offset: op.Pos(), Hint: "replace it with built-in operations, or leave the app out of the reset",
						Message: fmt.Sprintf("%s: %s cannot be regenerated or carried: %s", mig.Key, x.Name(), x.Reason)})
					continue
				default:
					continue // the final state holds what it did
				}
				p.plan.Carried = append(p.plan.Carried, c)
			}
		}
	}
	return end, first
}

// dbOnly is a RunSQL without its state_operations: the generated
// migrations already create what they described.
func dbOnly(x *m.RunSQL) m.Operation {
	if len(x.StateOperations) == 0 {
		return x
	}
	return &m.RunSQL{SQL: x.Op.Value(x.SQL), ReverseSQL: x.Op.Value(x.ReverseSQL), Hints: x.Op.Value(x.Hints), Elidable: x.Elidable}
}

// name numbers each app's new migrations above its highest old number,
// maps the old history onto them (replaces) and resolves dependencies.
func (p *planner) name(gen map[string][]*generate.Migration, carriedEnd, carriedFirst map[string][]m.Operation) {
	names := map[m.Key]string{} // (app, auto_N) -> new name
	groups := p.groups(gen)
	for _, app := range p.plan.Apps {
		list := gen[app]
		if len(list) == 0 {
			list = []*generate.Migration{{App: app, Name: "auto_1", Initial: true}} // an app whose models are all gone
			gen[app] = list
		}
		next := 1
		taken := map[string]bool{}
		for _, mig := range p.l.Migrations {
			if mig.App != app {
				continue
			}
			taken[mig.Name] = true
			if num, _, ok := strings.Cut(mig.Name, "_"); ok {
				if n, err := strconv.Atoi(num); err == nil && n >= next {
					next = n + 1
				}
			}
		}
		for _, gm := range list {
			name := fmt.Sprintf("%04d_initial", next)
			for taken[name] {
				next++
				name = fmt.Sprintf("%04d_initial", next)
			}
			taken[name] = true
			next++
			names[m.Key{App: app, Name: gm.Name}] = name
		}
		old := p.old[app]
		for i, gm := range list {
			nm := &New{App: app, Name: names[m.Key{App: app, Name: gm.Name}], Operations: gm.Operations}
			if i == 0 {
				nm.Operations = append(append([]m.Operation{}, carriedFirst[app]...), nm.Operations...)
			}
			switch {
			case p.opts.KeepOld:
				// With the old files kept, a database partway through
				// the history must use none of the new migrations of
				// the apps tied to it by dependencies both ways: each
				// replaces the whole history of its group (see groups),
				// so that Django's loader uses all of them or none, and
				// the mixed graph cannot close a cycle.
				for _, a := range groups[app] {
					for _, o := range p.old[a] {
						nm.Replaces = append(nm.Replaces, o.Key)
					}
				}
				if i == len(list)-1 {
					nm.Operations = append(nm.Operations, carriedEnd[app]...)
				}
			case i == len(list)-1 && i < len(old):
				nm.Operations = append(nm.Operations, carriedEnd[app]...)
				for _, o := range old[i:] {
					nm.Replaces = append(nm.Replaces, o.Key)
				}
			case i < len(old):
				nm.Replaces = []m.Key{old[i].Key}
			default:
				if i == len(list)-1 {
					nm.Operations = append(nm.Operations, carriedEnd[app]...)
				}
			}
			for _, d := range gm.Dependencies {
				if n, ok := names[d.Key]; ok {
					d.Name = n
				}
				nm.Dependencies = append(nm.Dependencies, d)
			}
			p.plan.Migrations = append(p.plan.Migrations, nm)
		}
	}
	p.borrow()
	// Dependencies on generated migrations of apps named later.
	for _, nm := range p.plan.Migrations {
		for i, d := range nm.Dependencies {
			if n, ok := names[d.Key]; ok {
				nm.Dependencies[i].Name = n
			}
		}
	}
	for i := range p.plan.Carried {
		c := &p.plan.Carried[i]
		if strings.HasPrefix(c.Fate, "kept") && !strings.HasPrefix(c.Fate, "kept in ") {
			for _, nm := range p.plan.Migrations {
				if nm.App == c.Migration.App && containsOp(nm.Operations, c.Offset, c.File) {
					c.Fate = strings.Replace(c.Fate, "kept", "kept in "+nm.Name, 1)
				}
			}
		}
	}
}

func containsOp(ops []m.Operation, off int, file string) bool {
	for _, op := range ops {
		if b := m.Base(op); b != nil && b.File != nil && b.File.Name == file && op.Pos() == off {
			return true
		}
	}
	return false
}

// groups are the apps reset, grouped by the cycles of their dependencies
// (old and new migrations together): each app maps to the apps of its
// strongly connected component, sorted.
func (p *planner) groups(gen map[string][]*generate.Migration) map[string][]string {
	deps := map[string]map[string]bool{}
	edge := func(a, b string) {
		if a == b || !p.reset[b] {
			return
		}
		if deps[a] == nil {
			deps[a] = map[string]bool{}
		}
		deps[a][b] = true
	}
	for _, app := range p.plan.Apps {
		for _, mig := range p.old[app] {
			for _, d := range mig.Dependencies {
				edge(app, d.App)
			}
		}
		for _, gm := range gen[app] {
			for _, d := range gm.Dependencies {
				edge(app, d.App)
			}
		}
	}
	reach := func(from string) map[string]bool {
		seen := map[string]bool{from: true}
		stack := []string{from}
		for len(stack) > 0 {
			a := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for b := range deps[a] {
				if !seen[b] {
					seen[b] = true
					stack = append(stack, b)
				}
			}
		}
		return seen
	}
	reachable := map[string]map[string]bool{}
	for _, app := range p.plan.Apps {
		reachable[app] = reach(app)
	}
	out := map[string][]string{}
	for _, a := range p.plan.Apps {
		for _, b := range p.plan.Apps {
			if reachable[a][b] && reachable[b][a] {
				out[a] = append(out[a], b)
			}
		}
	}
	return out
}

// borrow gives every new migration without replaces (makemigrations split
// its app into more migrations than the app's history has) an old
// migration of another app reset, taken from the end of a replaces list
// that holds more than one. Every database applied the whole old history
// before the old files go (checked by the caller), so each new migration is
// recorded at its next migrate whichever old one it names; with the old
// files kept, a lagging database would need each app's own, so there the
// reset is refused instead.
func (p *planner) borrow() {
	var short []*New
	for _, nm := range p.plan.Migrations {
		if len(nm.Replaces) == 0 {
			short = append(short, nm)
		}
	}
	if len(short) == 0 {
		return
	}
	if !p.opts.KeepOld {
		for _, nm := range short {
			for _, donor := range p.plan.Migrations {
				if len(donor.Replaces) > 1 {
					nm.Replaces = []m.Key{donor.Replaces[len(donor.Replaces)-1]}
					donor.Replaces = donor.Replaces[:len(donor.Replaces)-1]
					break
				}
			}
		}
	}
	for _, nm := range short {
		if len(nm.Replaces) == 0 {
			p.problem(CodeMapping, "", -1, "reset it with --force and record the new migrations yourself, or squash the apps instead (djsquash squash)",
				"%s.%s: makemigrations writes more migrations for the apps reset than their histories have (with --keep-old, each app's own): a database that applied the old history would not record it", nm.App, nm.Name)
		}
	}
}

// replacedBy maps each old migration of the reset apps to the new one
// replacing it.
func (p *planner) replacedBy() map[m.Key]*New {
	out := map[m.Key]*New{}
	set := func(r m.Key, nm *New) {
		// Several may replace it (--keep-old, or a borrowed one): the
		// last of its own app's stands for it.
		if prev := out[r]; prev == nil || prev.App != r.App || nm.App == r.App {
			out[r] = nm
		}
	}
	for _, nm := range p.plan.Migrations {
		for _, r := range nm.Replaces {
			set(r, nm)
			// An old squash stands for what it replaced: dependencies
			// on those names follow it.
			if n := p.g.Node(r); n != nil && n.Migration != nil {
				for _, inner := range n.Migration.Replaces {
					if _, ok := out[inner.Key]; !ok {
						set(inner.Key, nm)
					}
				}
			}
		}
	}
	return out
}

// rewire points the dependencies of other apps' migrations on old names at
// the new migration replacing them; it returns the migrations that stay
// (edited ones as read back).
func (p *planner) rewire() []*m.Migration {
	by := p.replacedBy()
	var kept []*m.Migration
	for _, mig := range p.l.Migrations {
		if p.reset[mig.App] {
			continue
		}
		var spans [][2]int
		var repl []string
		for _, d := range append(append([]m.Dependency{}, mig.Dependencies...), mig.RunBefore...) {
			if nm := by[d.Key]; nm != nil && d.Setting == "" && d.Pos >= 0 {
				spans = append(spans, [2]int{d.Pos, d.End})
				repl = append(repl, fmt.Sprintf("(%s, %s)", python.Quote(nm.App), python.Quote(nm.Name)))
			}
		}
		if len(spans) == 0 {
			kept = append(kept, mig)
			continue
		}
		src := mig.Source.Src
		var b strings.Builder
		last := 0
		for i, sp := range spans {
			b.Write(src[last:sp[0]])
			b.WriteString(repl[i])
			last = sp[1]
		}
		b.Write(src[last:])
		out, err := mig.Source.Encode([]byte(b.String()))
		if err != nil {
			p.problem(CodeRewire, mig.File, mig.ClassPos, "save it as UTF-8 first", "%s: %v", mig.Key, err)
			continue
		}
		back, ds := m.Read(mig.Key, mig.File, out, p.l.Setting)
		if diag.HasErrors(ds) || back.Unreadable {
			p.problem(CodeRewire, mig.File, mig.ClassPos, "edit its dependencies by hand", "%s: the rewired file does not read back", mig.Key)
			continue
		}
		p.plan.Changes.Edit(p.l.Rel(mig.File), mig.Source.OnDisk(), out)
		p.plan.Rewired = append(p.plan.Rewired, mig.Key.String())
		kept = append(kept, back)
	}
	return kept
}

// validate builds the new history (other apps' migrations, rewired, and
// the new migrations; the old files of reset apps gone) and replays it. It
// returns the reset apps on a cycle of the new graph, if any.
func (p *planner) validate(want *state.Project, kept []*m.Migration) map[string]bool {
	migs := append([]*m.Migration{}, kept...)
	for _, nm := range p.plan.Migrations {
		mig := &m.Migration{Key: m.Key{App: nm.App, Name: nm.Name}, File: "(new) " + nm.App + "/" + nm.Name, Initial: true, Atomic: true,
			Dependencies: nm.Dependencies, Operations: nm.Operations}
		for _, r := range nm.Replaces {
			mig.Replaces = append(mig.Replaces, m.Dependency{Key: r, Pos: -1})
		}
		migs = append(migs, mig)
	}
	graph.SortByKey(migs)
	ng := graph.Build(migs, graph.Options{Apps: p.l.AppLabels()})
	if cycles := ng.Cycles(); len(cycles) > 0 {
		apps := map[string]bool{}
		for _, c := range cycles {
			for _, k := range c {
				if p.reset[k.App] {
					apps[k.App] = true
				}
			}
		}
		p.problem(CodeValidate, "", -1, "reset the apps on the cycle together, or leave them out", "the reset graph has a cycle: %s", cycles[0])
		return apps
	}
	if errs := ng.NewErrors(p.g); len(errs) > 0 {
		d := errs[0]
		p.problem(CodeValidate, d.File, d.Offset, "this is a bug in djsquash; nothing was written", "the reset graph is invalid: %s", d.Message)
		return nil
	}
	got := state.New(p.l.Setting)
	for _, k := range ng.Plan() {
		n := ng.Node(k)
		if n == nil || n.Migration == nil {
			continue
		}
		for i, op := range n.Migration.Operations {
			if p.skip[opKey{k, i}] {
				continue
			}
			if err := got.Apply(k.App, op); err != nil {
				p.problem(CodeValidate, "", -1, "this is a bug in djsquash; nothing was written", "the reset history does not replay: %s: %v", k, err)
				return nil
			}
		}
	}
	if d := state.Diff(want, got); d != "" {
		if len(p.skip) > 0 {
			// Operations the old history could not replay make its end
			// state uncertain: that is the cause to report.
			first := p.blocked[slices.Min(slices.Collect(maps.Keys(p.blocked)))]
			p.problem(CodeValidate, first.File, first.Offset, "reset the apps djsquash can replay by name (djsquash reset APP...), or replace the operations it cannot read",
				"the reset cannot be checked against the old history, which djsquash cannot replay whole (%s); the two end in different states:\n%s", first.Message, d)
			return nil
		}
		p.problem(CodeValidate, "", -1, "this is a bug in djsquash; nothing was written", "the reset history ends in another state than the old one:\n%s", d)
	}
	return nil
}

// write renders the new files and, unless KeepOld, deletes the old ones.
func (p *planner) write() {
	var sources []writer.Source
	dirs := map[string]string{}
	for _, a := range p.l.Apps {
		dirs[a.Label] = a.MigrationsDir
	}
	modules := map[string]string{}
	for _, a := range p.l.Apps {
		modules[a.Label] = a.Module
	}
	for _, app := range p.plan.Apps {
		for _, mig := range p.old[app] {
			if mig.Source != nil {
				sources = append(sources, writer.Source{File: mig.Source, Module: modules[app] + "." + mig.Name})
			}
		}
	}
	var creates []changeset.Change
	for _, nm := range p.plan.Migrations {
		f := &writer.File{Replaces: nm.Replaces, Initial: true, Atomic: true, Dependencies: nm.Dependencies, Operations: nm.Operations, Sources: sources}
		res, err := writer.Write(f, writer.Options{Header: p.opts.Header, Style: p.opts.Style})
		if err != nil {
			p.problem(CodeValidate, "", -1, "this is a bug in djsquash", "writing %s.%s: %v", nm.App, nm.Name, err)
			continue
		}
		nm.Path = p.l.Rel(filepath.Join(dirs[nm.App], nm.Name+".py"))
		creates = append(creates, changeset.Change{Action: changeset.Create, Path: filepath.ToSlash(nm.Path), New: res.Src})
	}
	// New files first, then rewired dependents, then the old files go:
	// after each step Django loads the project.
	p.plan.Changes.Changes = append(creates, p.plan.Changes.Changes...)
	if !p.opts.KeepOld {
		for _, app := range p.plan.Apps {
			for _, mig := range p.old[app] {
				p.plan.Changes.Delete(p.l.Rel(mig.File), mig.Source.OnDisk())
				p.plan.Deleted = append(p.plan.Deleted, p.l.Rel(mig.File))
			}
		}
	}
	for _, app := range p.plan.Apps {
		path := filepath.Join(dirs[app], "max_migration.txt")
		old, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var last string
		for _, nm := range p.plan.Migrations {
			if nm.App == app {
				last = nm.Name
			}
		}
		if strings.TrimSpace(string(old)) != last {
			p.plan.Changes.Edit(p.l.Rel(path), old, []byte(last+"\n"))
		}
	}
}

// fieldOrder orders a model's fields as Django's from_model lists them:
// auto-created fields first, then by declaration in models.py (when it can
// be read), keeping the history's order where it cannot.
func (p *planner) fieldOrder() func(app, model string, names []string) []string {
	decl := p.l.Declared()
	return func(app, model string, names []string) []string {
		order := decl[app+"."+strings.ToLower(model)]
		if len(order) == 0 {
			return names
		}
		pos := map[string]int{}
		for i, n := range order {
			pos[n] = i
		}
		out := append([]string{}, names...)
		sort.SliceStable(out, func(i, j int) bool {
			pi, iok := pos[out[i]]
			pj, jok := pos[out[j]]
			switch {
			case iok && jok:
				return pi < pj
			case !iok && jok:
				return true // auto-created (id, *_ptr) first
			}
			return false
		})
		return out
	}
}

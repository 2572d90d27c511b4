// Package squash plans squashed migrations for one app's range or for
// every app of a project at once, the way manage.py squashmigrations
// would, without its failure modes: ranges are split where one squash per
// app would make the graph cyclic; the new graph is replayed from an empty
// state in Django's plan order, checking every operation at its point and
// the state at the end against the original history's; and the data
// migrations' code is copied into the new files.
//
// Invariants: a Plan is computed without writing anything; its files are
// complete and valid when Plan.Problems is empty. The original migrations
// are never modified.
package squash

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/graph"
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/optimizer"
	"github.com/djsquash/djsquash/internal/par"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/regenerate"
	"github.com/djsquash/djsquash/internal/state"
	"github.com/djsquash/djsquash/internal/writer"
)

// Range is what to squash of one app: from Start (its first migration when
// empty) to End (its leaf when empty), names as in the graph.
type Range struct {
	App        string
	Start, End string
}

// Options configure a plan.
type Options struct {
	Ranges []Range
	// Shorten ends a range before its first migration that cannot be
	// squashed (opaque or unreadable) instead of refusing, and leaves out
	// apps where nothing is left: the whole-project squash.
	Shorten    bool
	NoOptimize bool
	// Regenerate replaces each run of schema operations of the optimized
	// list by the fewest operations from its states (internal/regenerate)
	// where that is shorter.
	Regenerate   bool
	ElideData    bool   // drop every RunPython and RunSQL (without state operations)
	SquashedName string // --squashed-name
	Header       string // first comment line; "" for none
	Style        writer.Style
	// Nested is set for Django 6.0 and later, whose loader resolves a
	// squash that replaces a squash: a range may then hold one.
	Nested bool
}

// Plan is what a squash would write.
type Plan struct {
	Squashes []*Squash
	Splits   []Split
	// Problems are reasons to write nothing (errors).
	Problems []diag.Diagnostic
	// Skipped are what Options.Shorten left out, and why (notes).
	Skipped []diag.Diagnostic
	// Changes are the files to write: squash files and max_migration.txt.
	Changes changeset.Changeset
}

// Codes of the planner's diagnostics.
const (
	CodeRange         = "DJ401" // the range asked for does not resolve
	CodeUnsquashable  = "DJ402" // a migration in the range cannot be squashed
	CodeNameTaken     = "DJ403" // the squash's name exists
	CodeReplayFailure = "DJ404" // the squashed graph does not replay to the original state
	CodePartlyApplied = "DJ405" // a database applied part of a range (checked by the caller)
)

// Squash is one new migration.
type Squash struct {
	App, Name    string
	Migrations   []*m.Migration // replaced, in plan order
	Replaces     []m.Key
	Dependencies []m.Dependency
	RunBefore    []m.Dependency // run_before of the range's migrations, outside it
	Initial      bool
	Operations   []m.Operation
	Before       int // operations before optimizing
	Optimized    int // operations after optimizing, before regenerating
	// Runs counts the runs of schema operations regeneration looked at,
	// Regenerated those it replaced; KeptRuns says why each other run of
	// more than one operation stayed as it was.
	Runs, Regenerated int
	KeptRuns          []string
	Deviations        []optimizer.Deviation
	Data              []DataOp
	Copied            []writer.Copy
	Diagnostics       []diag.Diagnostic
	Path              string

	rendered func() rendering      // see planner.render
	scopes   func() *writer.Scopes // see planner.readScopes
	sources  []writer.Source       // see planner.sources
}

// DataOp is what happened to one RunPython or RunSQL.
type DataOp struct {
	Migration m.Key
	Class     string
	Offset    int
	Fate      string // "copied", "kept", "elided", "imported from the original module"
}

// Split is a place where a range was cut in two, and why.
type Split struct {
	App    string
	After  m.Key
	Reason string
}

// chunk is a run of one app's migrations that becomes one squash.
type chunk struct {
	id    int
	app   string
	migs  []*m.Migration
	deps  map[int]bool // chunks (or single nodes) this one depends on
	dlist []int        // deps in the order added, for walking them
	fixed bool         // a migration outside every range: a chunk of one that stays as it is
}

// planner holds the work in progress.
type planner struct {
	l        *project.Loaded
	g        *graph.Graph
	opts     Options
	plan     *Plan
	ranges   map[string][]*m.Migration // by app, in plan order
	inRange  map[m.Key]string
	settings m.Settings
	// cutBefore forces a new chunk at these migrations (found by the
	// replay: a rename other apps' code still needs before it).
	cutBefore map[m.Key]string
	// want is the original history's end state; skip the operations of
	// migrations outside every range that it could not replay (custom
	// operations, histories Django itself is lenient with), which the new
	// graph's replay skips too.
	want *state.Project
	skip map[m.Operation]bool
	// uses are the models RunPython code looks up (migration.ModelsUsed)
	// that exist where the code runs in the original history: the new
	// graph must have them at the code's new point too.
	uses map[m.Operation]modelUses
	// wantSnap is want's dump, taken on another core while the squashes
	// are optimized.
	wantSnap func() *state.Snapshot
	apps     map[string]*appInfo
	writers  chan struct{} // a token per file being written
}

// Build plans the squash. It reads only: nothing is written.
func Build(l *project.Loaded, g *graph.Graph, opts Options) *Plan {
	p := &planner{l: l, g: g, opts: opts, plan: &Plan{Changes: changeset.Changeset{Command: "squash"}}, ranges: map[string][]*m.Migration{}, inRange: map[m.Key]string{},
		cutBefore: map[m.Key]string{}}
	p.settings = l.Setting
	p.apps = map[string]*appInfo{}
	for _, a := range l.Apps {
		p.apps[a.Label] = &appInfo{dir: a.MigrationsDir, module: a.Module}
	}
	p.writers = make(chan struct{}, runtime.GOMAXPROCS(0))
	if !p.selectRanges() || !p.replayOriginal() {
		return p.plan
	}
	p.wantSnap = par.Async(p.want.Snapshot)
	// Split where a replay shows it is needed, a bounded number of times.
	for attempt := 0; ; attempt++ {
		p.plan.Squashes, p.plan.Splits = nil, nil
		chunks := p.chunk()
		squashes := p.squashes(chunks)
		if len(p.plan.Problems) > 0 {
			return p.plan
		}
		cut, cuts, problem := p.replay(squashes)
		if problem == nil && len(cuts) > 0 && attempt < 20 {
			for _, c := range cuts {
				p.cutBefore[c.key] = c.reason
			}
			continue
		}
		if problem == nil {
			p.plan.Squashes = squashes
			break
		}
		if cut == nil || attempt >= 20 {
			p.plan.Problems = append(p.plan.Problems, *problem)
			return p.plan
		}
		if cut.endRange {
			for _, mig := range p.ranges[cut.key.App] {
				if mig.Key == cut.key {
					p.cutRange(mig, cut.pos, cut.reason)
				}
			}
			continue
		}
		p.cutBefore[cut.key] = cut.reason
	}
	p.write()
	return p.plan
}

// unsquashable says why a migration cannot be squashed, and where.
func unsquashable(mig *m.Migration) (string, int) {
	if mig.Unreadable {
		return "it cannot be read (run djsquash check)", 0
	}
	for _, op := range mig.Operations {
		if o, ok := op.(*m.Opaque); ok {
			what := o.Name()
			if _, call := o.Expr.(*python.Call); !call {
				what = "its operations" // a computed list or entry: no class to name
			}
			return fmt.Sprintf("%s cannot be squashed: %s", what, o.Reason), o.Pos()
		}
	}
	return "", -1
}

func (p *planner) problem(code, file string, offset int, hint, format string, args ...any) {
	p.plan.Problems = append(p.plan.Problems, diag.Diagnostic{Severity: diag.Error, Code: code, File: file, Offset: offset,
		Message: fmt.Sprintf(format, args...), Hint: hint})
}

// skipped notes what Options.Shorten left out of a range.
func (p *planner) skipped(file string, offset int, format string, args ...any) {
	p.plan.Skipped = append(p.plan.Skipped, diag.Diagnostic{Severity: diag.Info, Code: CodeUnsquashable, File: file, Offset: offset,
		Message: fmt.Sprintf(format, args...)})
}

// failure is a replay problem: nothing can be written.
func failure(file string, offset int, hint, format string, args ...any) *diag.Diagnostic {
	return &diag.Diagnostic{Severity: diag.Error, Code: CodeReplayFailure, File: file, Offset: offset,
		Message: fmt.Sprintf(format, args...), Hint: hint}
}

// selectRanges resolves the ranges and refuses what cannot be squashed.
func (p *planner) selectRanges() bool {
	for _, r := range p.opts.Ranges {
		end := m.Key{App: r.App, Name: r.End}
		if r.End == "" {
			leaves := p.g.LeafNodes(r.App)
			if len(leaves) == 0 {
				// A fresh app (startapp) has a migrations package and
				// nothing in it yet.
				if p.opts.Shorten {
					p.skipped("", -1, "%s: no migrations yet, nothing to squash", r.App)
				} else {
					p.problem(CodeRange, "", -1, "", "app %s has no migrations to squash", r.App)
				}
				continue
			}
			if len(leaves) != 1 {
				p.problem(CodeRange, "", -1, "merge them first (manage.py makemigrations --merge)", "app %s has %d leaf migrations", r.App, len(leaves))
				continue
			}
			end = leaves[0]
		}
		if n := p.g.Node(end); n == nil || n.Migration == nil {
			p.problem(CodeRange, "", -1, "", "%s is not a migration of the graph", end)
			continue
		}
		var migs []*m.Migration
		for _, k := range p.g.ForwardsPlan(end) {
			if k.App == r.App {
				if n := p.g.Node(k); n != nil && n.Migration != nil {
					migs = append(migs, n.Migration)
				}
			}
		}
		if r.Start != "" {
			i := -1
			for j, mig := range migs {
				if mig.Name == r.Start {
					i = j
				}
			}
			if i < 0 {
				p.problem(CodeRange, "", -1, "see djsquash show "+r.App, "%s.%s is not before %s", r.App, r.Start, end)
				continue
			}
			migs = migs[i:]
		}
		for i, mig := range migs {
			why, pos := unsquashable(mig)
			if why == "" {
				continue
			}
			if p.opts.Shorten {
				p.skipped(mig.File, pos, "%s: range ends before %s: %s", r.App, mig.Name, why)
				migs = migs[:i]
				break
			}
			p.problem(CodeUnsquashable, mig.File, pos, fmt.Sprintf("squash up to the migration before %s, or replace the operation with built-in ones", mig.Name),
				"%s: %s", mig.Key, why)
		}
		if p.opts.Shorten && len(migs) < 2 {
			continue
		}
		for _, mig := range migs {
			p.inRange[mig.Key] = r.App
		}
		p.ranges[r.App] = migs
	}
	return len(p.plan.Problems) == 0
}

// chunk cuts the ranges into chunks, in Django's plan order, starting a new
// chunk of an app when adding a migration to its open chunk would make the
// chunk graph cyclic (or where the replay asked for a cut).
func (p *planner) chunk() []*chunk {
	var chunks []*chunk
	of := map[m.Key]int{} // node -> chunk id
	open := map[string]*chunk{}
	newChunk := func(app string, fixed bool) *chunk {
		c := &chunk{id: len(chunks), app: app, deps: map[int]bool{}, fixed: fixed}
		chunks = append(chunks, c)
		return c
	}
	addDep := func(c *chunk, d int) {
		if !c.deps[d] {
			c.deps[d] = true
			c.dlist = append(c.dlist, d)
		}
	}
	// reaches reports whether chunk from depends, transitively, on to.
	// Visits are stamped in one slice, not a map per query: this walk is
	// asked for every cross-app dependency and was a quarter of planning
	// 10,000 migrations.
	var mark []int
	var stack []int
	stamp := 0
	reaches := func(from, to int) bool {
		stamp++
		for len(mark) < len(chunks) {
			mark = append(mark, 0)
		}
		stack = append(stack[:0], from)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if c == to {
				return true
			}
			if mark[c] == stamp {
				continue
			}
			mark[c] = stamp
			stack = append(stack, chunks[c].dlist...)
		}
		return false
	}
	for _, k := range p.g.Plan() {
		n := p.g.Node(k)
		if n == nil {
			continue
		}
		var parents []int
		for _, par := range n.Parents() {
			if id, ok := of[par.Key]; ok {
				parents = append(parents, id)
			}
		}
		app, in := p.inRange[k]
		if in && len(n.Migration.Replaces) > 0 && !p.opts.Nested {
			// An existing squash stays as it is: Django before 6.0 meets
			// squashes in an arbitrary order, and a squash replacing a
			// squash then fails to load on some runs. The range goes on
			// after it in a new squash.
			in = false
			if cur := open[app]; cur != nil {
				p.plan.Splits = append(p.plan.Splits, Split{App: app, After: cur.migs[len(cur.migs)-1].Key,
					Reason: fmt.Sprintf("split around %s because it is a squash itself: Django before 6.0 cannot load a squash of a squash reliably", k.Name)})
			} else {
				p.plan.Splits = append(p.plan.Splits, Split{App: app, After: k,
					Reason: fmt.Sprintf("%s stays as it is because it is a squash itself: Django before 6.0 cannot load a squash of a squash reliably", k.Name)})
			}
			delete(open, app)
		}
		if !in {
			c := newChunk(k.App, true)
			if n.Migration != nil {
				c.migs = []*m.Migration{n.Migration}
			}
			for _, d := range parents {
				addDep(c, d)
			}
			of[k] = c.id
			continue
		}
		cur := open[app]
		if cur != nil {
			reason := p.cutBefore[k]
			if reason == "" {
				for _, d := range parents {
					if d != cur.id && reaches(d, cur.id) {
						reason = p.cycleReason(cur, chunks[d], n.Migration, of)
						break
					}
				}
			}
			if reason != "" {
				p.plan.Splits = append(p.plan.Splits, Split{App: app, After: cur.migs[len(cur.migs)-1].Key, Reason: reason})
				next := newChunk(app, false)
				addDep(next, cur.id)
				cur = next
			}
		}
		if cur == nil {
			cur = newChunk(app, false)
		}
		open[app] = cur
		cur.migs = append(cur.migs, n.Migration)
		for _, d := range parents {
			if d != cur.id {
				addDep(cur, d)
			}
		}
		of[k] = cur.id
	}
	var out []*chunk
	for _, c := range chunks {
		if !c.fixed {
			out = append(out, c)
		}
	}
	return out
}

// cycleReason explains a split: mig depends on other, which depends on
// what is already in cur. It names the edge that closes the cycle (the
// dependency of other's migration on cur's), which is what a user would
// change to avoid the split.
func (p *planner) cycleReason(cur, other *chunk, mig *m.Migration, of map[m.Key]int) string {
	last := cur.migs[len(cur.migs)-1]
	var into m.Key // mig's dependency inside other
	if n := p.g.Node(mig.Key); n != nil {
		for _, par := range n.Parents() {
			if of[par.Key] == other.id {
				into = par.Key
				break
			}
		}
	}
	for _, x := range other.migs {
		n := p.g.Node(x.Key)
		if n == nil {
			continue
		}
		for _, par := range n.Parents() {
			if id, ok := of[par.Key]; ok && id == cur.id && into.App != "" {
				return fmt.Sprintf("split after %s because of the edge %s \u2192 %s: %s depends on %s, so one %s squash would depend on itself",
					last.Name, x.Key, par.Key, mig.Key, into, last.Key.App)
			}
		}
	}
	via := other.migs
	name := "?"
	if len(via) > 0 {
		name = via[0].Key.String()
		if len(via) > 1 {
			name = fmt.Sprintf("%s..%s", via[0].Key, via[len(via)-1].Name)
		}
	}
	return fmt.Sprintf("split after %s because %s depends on %s, which depends on %s or earlier", last.Name, mig.Key, name, last.Key)
}

// squashes builds each chunk's migration: replaces, dependencies,
// operations (not yet optimized) and name.
func (p *planner) squashes(chunks []*chunk) []*Squash {
	var out []*Squash
	byApp := map[string][]*chunk{}
	for _, c := range chunks {
		byApp[c.app] = append(byApp[c.app], c)
	}
	byKey := map[m.Key]*m.Migration{}
	for _, mig := range p.l.Migrations {
		byKey[mig.Key] = mig
	}
	for _, c := range chunks {
		if len(c.migs) < 2 {
			continue // a squash of one migration would only copy it
		}
		s := &Squash{App: c.app, Migrations: c.migs}
		inChunk := map[m.Key]bool{}
		var within func(mig *m.Migration)
		within = func(mig *m.Migration) {
			inChunk[mig.Key] = true
			// A squash in the range (Options.Nested) stands for what it
			// replaces: a dependency on one of those is inside too.
			for _, r := range mig.Replaces {
				if !inChunk[r.Key] {
					inChunk[r.Key] = true
					if rm := byKey[r.Key]; rm != nil {
						within(rm)
					}
				}
			}
		}
		for _, mig := range c.migs {
			within(mig)
		}
		seenDep := map[string]bool{}
		seenRep := map[m.Key]bool{}
		addRep := func(k m.Key) {
			if !seenRep[k] {
				seenRep[k] = true
				s.Replaces = append(s.Replaces, k)
			}
		}
		for _, mig := range c.migs {
			addRep(mig.Key)
			for _, d := range mig.Dependencies {
				if d.Setting == "" && inChunk[d.Key] {
					continue
				}
				key := d.Setting + "|" + d.Key.String()
				if !seenDep[key] {
					seenDep[key] = true
					s.Dependencies = append(s.Dependencies, d)
				}
			}
			for _, d := range mig.RunBefore {
				if !inChunk[d.Key] {
					s.RunBefore = append(s.RunBefore, d)
				}
			}
			for _, op := range mig.Operations {
				s.Operations = append(s.Operations, op)
			}
		}
		s.Dependencies = p.withoutImplied(s.App, s.Dependencies)
		s.Before = len(s.Operations)
		first := c.migs[0]
		appFirst := p.isAppFirst(first)
		s.Initial = appFirst
		s.Name = p.name(c, byApp[c.app], appFirst)
		out = append(out, s)
	}
	p.checkNames(out)
	return out
}

// withoutImplied drops the dependencies another one of the list implies:
// one on an app's __first__ beside one on a migration of that app (Django's
// own squash of auth keeps ("contenttypes", "__first__") next to
// ("contenttypes", "0002_remove_content_type_name")), and one on a project
// migration that another dependency's migration depends on. Swappable
// dependencies stay as written.
func (p *planner) withoutImplied(app string, deps []m.Dependency) []m.Dependency {
	named := map[string]bool{}
	for _, d := range deps {
		if d.Setting == "" && d.Name != m.First && d.Name != m.Latest {
			named[d.App] = true
		}
	}
	implied := func(i int) bool {
		d := deps[i]
		if d.Setting != "" || d.App == app {
			return false
		}
		if d.Name == m.First {
			return named[d.App]
		}
		for j, o := range deps {
			if j == i || o.Setting != "" || o.App != d.App || o.Key == d.Key || p.g.Node(o.Key) == nil {
				continue
			}
			for _, k := range p.g.ForwardsPlan(o.Key) {
				if k == d.Key {
					return true
				}
			}
		}
		return false
	}
	var out []m.Dependency
	for i, d := range deps {
		if !implied(i) {
			out = append(out, d)
		}
	}
	return out
}

// isAppFirst reports a migration with no parent in its own app.
func (p *planner) isAppFirst(mig *m.Migration) bool {
	n := p.g.Node(mig.Key)
	for _, par := range n.Parents() {
		if par.Key.App == mig.App {
			return false
		}
	}
	return true
}

// name names a chunk's squash as squashmigrations does.
func (p *planner) name(c *chunk, all []*chunk, appFirst bool) string {
	first, last := c.migs[0], c.migs[len(c.migs)-1]
	prefix, _, _ := strings.Cut(first.Name, "_")
	if appFirst {
		prefix = "0001"
	}
	if p.opts.SquashedName != "" {
		name := prefix + "_" + p.opts.SquashedName
		if len(all) > 1 {
			for i, o := range all {
				if o == c {
					name += fmt.Sprintf("_%d", i+1)
				}
			}
		}
		return name
	}
	if appFirst {
		return "0001_squashed_" + last.Name
	}
	return first.Name + "_squashed_" + last.Name
}

// checkNames refuses names that exist.
func (p *planner) checkNames(out []*Squash) {
	// Every loaded migration, also those the graph left out (a file
	// Django would load all the same).
	loaded := make(map[m.Key]bool, len(p.l.Migrations))
	for _, mig := range p.l.Migrations {
		loaded[mig.Key] = true
	}
	for _, s := range out {
		k := m.Key{App: s.App, Name: s.Name}
		if p.g.Node(k) != nil || loaded[k] {
			p.problem(CodeNameTaken, "", -1, "choose another --squashed-name", "migration %s.%s already exists", s.App, s.Name)
		}
	}
}

// cut is a chunk boundary the replay asks for.
type cut struct {
	key    m.Key
	reason string
	// endRange ends key's range before it (whole-project mode) instead of
	// splitting there: what fails is the project's own latent bug.
	endRange bool
	pos      int
}

// replay builds the graph the new files make (originals kept, squashes
// used, as on a fresh database), replays it in Django's plan order from an
// empty state, optimizing each squash at its point, and compares the end
// state with the original history's. On failure it may name a cut that
// would fix it.
func (p *planner) replay(squashes []*Squash) (*cut, []cut, *diag.Diagnostic) {
	var cuts []cut // where deferred SQL would differ from the history's
	bySquash := map[m.Key]*Squash{}
	var migs []*m.Migration
	migs = append(migs, p.l.Migrations...)
	for _, s := range squashes {
		mig := &m.Migration{Key: m.Key{App: s.App, Name: s.Name}, File: "(new) " + s.App + "/" + s.Name, Initial: s.Initial, Atomic: true,
			Dependencies: s.Dependencies, RunBefore: s.RunBefore, Operations: s.Operations}
		for _, r := range s.Replaces {
			mig.Replaces = append(mig.Replaces, m.Dependency{Key: r})
		}
		bySquash[mig.Key] = s
		migs = append(migs, mig)
		if s.scopes == nil {
			p.readScopes(s)
		}
	}
	graph.SortByKey(migs)
	ng := graph.Build(migs, graph.Options{Apps: p.l.AppLabels(), NestedReplacements: p.opts.Nested})
	// Errors the original graph has too are the project's (in apps the
	// squash neither touches nor depends on: the caller gates the rest),
	// not the squash's doing.
	for _, d := range ng.NewErrors(p.g) {
		return nil, nil, failure(d.File, d.Offset, "this is a bug in djsquash; please report it", "the squashed graph is invalid: %s", d.Message)
	}
	got := state.New(p.settings)
	for _, k := range ng.Plan() {
		n := ng.Node(k)
		if n == nil || n.Migration == nil {
			continue
		}
		s := bySquash[k]
		ops := n.Migration.Operations
		if s != nil {
			ops = p.prepare(s)
			if !p.opts.NoOptimize {
				res := optimizer.Optimize(ops, s.App, optimizer.Options{Settings: p.settings, Check: got.Checker(s.App), Same: got.Same(s.App)})
				ops = res.Operations
				s.Deviations = res.Deviations
			}
			s.Optimized = len(ops)
			if p.opts.Regenerate {
				rg := regenerate.Run(got, s.App, ops, regenerate.Options{Settings: p.settings, Accept: deferredClean(s.App, got)})
				ops = rg.Operations
				s.Runs, s.Regenerated, s.KeptRuns = rg.Runs, rg.Regenerated, rg.Kept
			}
			s.Operations = ops
			s.rendered = p.render(s)
		}
		var deferred *deferredSQL
		if s != nil {
			deferred = &deferredSQL{app: s.App}
		}
		for _, op := range ops {
			if s == nil && p.skip[op] {
				continue
			}
			if deferred != nil {
				if in := deferred.before(got, op); in != nil {
					if c := p.deferredCut(s, in); c != nil {
						// The replay goes on: every squash's first such
						// cut is found in one pass.
						cuts = append(cuts, *c)
						deferred = nil
					}
				}
			}
			err := p.usesMissing(got, op)
			if err == nil {
				err = got.Apply(k.App, op)
			}
			if err == nil && deferred != nil {
				deferred.after(got, op)
			}
			if err != nil {
				if c := p.cutFor(s, k, err); c != nil {
					return c, nil, failure("", -1, "", "%v", err)
				}
				if c := p.latent(err); c != nil {
					return c, nil, failure("", -1, "", "%v", err)
				}
				file, off := n.Migration.File, op.Pos()
				if s != nil {
					file, off = "", -1
				}
				return nil, nil, failure(file, off, "squash a shorter range (END before this point), or report this as a bug",
					"in the squashed graph, %s: %v", k, err)
			}
		}
	}
	if d := p.wantSnap().Diff(got); d != "" {
		return nil, nil, failure("", -1, "this is a bug in djsquash; nothing was written", "the squashed history does not end in the original state:\n%s", d)
	}
	return nil, cuts, nil
}

// modelUses are the models one RunPython operation looks up, and the
// migration it was read from.
type modelUses struct {
	from   m.Key
	models []m.ModelUse
}

// missingModel is RunPython code looking up a model the state lacks at
// the code's point.
type missingModel struct {
	use  m.ModelUse
	from m.Key // the migration the code was read from
}

func (e *missingModel) Error() string {
	return fmt.Sprintf("RunPython code of %s looks up %s.%s (apps.get_model), which does not exist at this point", e.from, e.use.App, e.use.Model)
}

// usesMissing reports a model that op's RunPython code looks up and the
// state lacks, where the original history had it.
func (p *planner) usesMissing(st *state.Project, op m.Operation) error {
	uses := p.uses[op]
	for _, u := range uses.models {
		if !st.Has(u.App, u.Model) {
			return &missingModel{use: u, from: uses.from}
		}
	}
	return nil
}

// replayOriginal replays the original history in Django's plan order.
// An operation outside every range that does not replay is skipped (and
// will be in the new graph too); one inside a range ends that range before
// its migration (Options.Shorten) or refuses.
func (p *planner) replayOriginal() bool {
	p.want = state.New(p.settings)
	p.skip = map[m.Operation]bool{}
	p.uses = map[m.Operation]modelUses{}
	failed := map[m.Key]string{}
	for _, k := range p.g.Plan() {
		n := p.g.Node(k)
		if n == nil || n.Migration == nil {
			continue
		}
		for _, op := range n.Migration.Operations {
			if rp, ok := op.(*m.RunPython); ok {
				uses := modelUses{from: k}
				for _, u := range m.ModelsUsed(rp) {
					if p.want.Has(u.App, u.Model) {
						uses.models = append(uses.models, u)
					}
				}
				if len(uses.models) > 0 {
					p.uses[op] = uses
				}
			}
			if err := p.want.Apply(k.App, op); err != nil {
				p.skip[op] = true
				if _, ok := failed[k]; !ok {
					failed[k] = fmt.Sprintf("%v", err)
					if _, in := p.inRange[k]; in {
						p.cutRange(n.Migration, op.Pos(), fmt.Sprintf("djsquash cannot replay it: %v", err))
					}
				}
			}
		}
	}
	return len(p.plan.Problems) == 0
}

// cutRange ends the range of mig's app before mig, or refuses.
func (p *planner) cutRange(mig *m.Migration, pos int, why string) {
	app := mig.App
	if !p.opts.Shorten {
		hint := fmt.Sprintf("squash up to the migration before %s", mig.Name)
		if migs := p.ranges[app]; len(migs) > 0 && migs[0].Key == mig.Key {
			hint = fmt.Sprintf("start the range after %s", mig.Name)
		}
		p.problem(CodeUnsquashable, mig.File, pos, hint, "%s: %s", mig.Key, why)
		return
	}
	migs := p.ranges[app]
	for i, x := range migs {
		if x.Key == mig.Key {
			p.skipped(mig.File, pos, "%s: range ends before %s: %s", app, mig.Name, why)
			for _, y := range migs[i:] {
				delete(p.inRange, y.Key)
			}
			migs = migs[:i]
			break
		}
	}
	if len(migs) < 2 {
		for _, y := range migs {
			delete(p.inRange, y.Key)
		}
		migs = nil
	}
	p.ranges[app] = migs
}

// prepare is a squash's operations before optimizing: with --elide-data,
// without the data operations.
func (p *planner) prepare(s *Squash) []m.Operation {
	if !p.opts.ElideData {
		return s.Operations
	}
	var out []m.Operation
	for _, op := range s.Operations {
		switch x := op.(type) {
		case *m.RunPython:
			continue
		case *m.RunSQL:
			if len(x.StateOperations) == 0 {
				continue
			}
		}
		out = append(out, op)
	}
	return out
}

// latent turns a RunPython lookup the new order cannot satisfy, in the
// whole-project mode, into the end of that app's range before the code's
// migration, when the model's app is not among what the migration
// depends on: the history works only in the order Django happens to plan
// (a latent bug of the project's), which a squash may change.
func (p *planner) latent(err error) *cut {
	var mm *missingModel
	if !p.opts.Shorten || !errors.As(err, &mm) {
		return nil
	}
	mig := p.g.Node(mm.from)
	if mig == nil || mig.Migration == nil || p.inRange[mm.from] == "" {
		return nil
	}
	for _, k := range p.g.ForwardsPlan(mm.from) {
		if k.App == mm.use.App {
			return nil // it depends on the app: not this case
		}
	}
	pos := 0
	for _, op := range mig.Migration.Operations {
		if _, ok := p.uses[op]; ok {
			pos = op.Pos()
			break
		}
	}
	return &cut{key: mm.from, endRange: true, pos: pos, reason: fmt.Sprintf(
		"its RunPython code looks up %s.%s (apps.get_model), but %s does not depend on app %s: it runs after the model exists only because of the order Django happens to plan; add a dependency on the %s migration that creates %s",
		mm.use.App, mm.use.Model, mm.from.Name, mm.use.App, mm.use.App, mm.use.Model)}
}

// cutFor finds, for an operation that names a model missing at its point
// in the squashed graph, the migration of another range that renamed or
// deleted it: cutting that range before it lets the operation run first.
func (p *planner) cutFor(s *Squash, at m.Key, err error) *cut {
	var app, model string
	who := at.String() // what needs the model, for the reason
	var sm *state.MissingModel
	var mm *missingModel
	switch {
	case errors.As(err, &mm):
		app, model = mm.use.App, strings.ToLower(mm.use.Model)
		who = "RunPython code of " + mm.from.String()
		if mm.from != at {
			who += " (in " + at.String() + ")"
		}
	case errors.As(err, &sm):
		app, model = sm.Model.App, strings.ToLower(sm.Model.Model)
	}
	if app == "" || app == at.App {
		return nil
	}
	for _, mig := range p.ranges[app] {
		for _, op := range mig.Operations {
			switch x := op.(type) {
			case *m.RenameModel:
				if strings.ToLower(x.OldName) == model {
					if _, done := p.cutBefore[mig.Key]; !done {
						return &cut{key: mig.Key, reason: fmt.Sprintf("split before %s because it renames %s.%s, which %s still uses by its old name", mig.Name, app, x.OldName, who)}
					}
				}
			case *m.DeleteModel:
				if strings.ToLower(x.Model) == model {
					if _, done := p.cutBefore[mig.Key]; !done {
						return &cut{key: mig.Key, reason: fmt.Sprintf("split before %s because it deletes %s.%s, which %s still needs", mig.Name, app, x.Model, who)}
					}
				}
			}
		}
	}
	return nil
}

// Package graph builds the migration graph with the semantics of Django's
// MigrationLoader and MigrationGraph: nodes and parent/child edges from
// dependencies and run_before, __first__/__latest__, replacements (a squash is
// used when all or none of what it replaces is applied, otherwise the
// originals), dummy nodes for missing targets, cycle detection, leaf and root
// nodes per app, and forwards plans.
//
// Invariants: Build never fails; what would make Django's loader raise is
// reported as diagnostics, in the order Django would find it, and the graph is
// still usable for display. Iteration follows insertion order (as Python's
// dicts do) and parents/children are visited sorted by key, as Django sorts
// them, so plans equal Django's.
package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/migration"
)

// Key is a migration key.
type Key = migration.Key

// Diagnostic codes reported by Build. They are stable: scripts match on them.
const (
	CodeMissingNode   = "DJ101" // a dependency names a migration that does not exist
	CodeUnknownApp    = "DJ102" // __first__/__latest__ of an app with no migrations
	CodeCycle         = "DJ103" // circular dependency
	CodeConflict      = "DJ104" // more than one leaf node in an app
	CodeBadReplace    = "DJ105" // replaces names a migration that does not exist
	CodeSquashPartial = "DJ106" // a squash is partially applied and cannot be used
	CodeNestedSquash  = "DJ109" // a squash replaces a squash: Django < 6.0 may fail to load it
)

// Node is one migration in the graph. External nodes stand for migrations of
// apps outside the project (django.contrib, third-party packages): they have
// no Migration, and nothing is known about their own dependencies.
type Node struct {
	Key       Key
	Migration *migration.Migration // nil for external and dummy nodes
	External  bool

	parents  map[*Node]struct{}
	children map[*Node]struct{}

	dummy  bool // stands for a missing target; an error while it remains
	origin *migration.Migration
	dep    migration.Dependency
	msg    string
}

func newNode(k Key) *Node {
	return &Node{Key: k, parents: map[*Node]struct{}{}, children: map[*Node]struct{}{}}
}

func sortedNodes(set map[*Node]struct{}) []*Node {
	out := make([]*Node, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key.Less(out[j].Key) })
	return out
}

// Parents returns the node's parents sorted by key.
func (n *Node) Parents() []*Node { return sortedNodes(n.parents) }

// Children returns the node's children sorted by key.
func (n *Node) Children() []*Node { return sortedNodes(n.children) }

// Options carry what the graph cannot see in the files.
type Options struct {
	// Applied is the set recorded in a database's django_migrations; nil
	// when there is no database (nothing applied).
	Applied map[Key]bool
	// Apps lists the project's app labels that have a migrations package.
	// A dependency on any other app is external: assumed to exist.
	Apps map[string]bool
	// NestedReplacements selects the loader of Django 6.0 and later, which
	// resolves squashes of squashes recursively; earlier loaders treat each
	// replaces list literally.
	NestedReplacements bool
}

// Graph is the loaded migration graph.
type Graph struct {
	nodes map[Key]*Node
	order []Key // insertion order; may hold keys since removed

	// Replacements are the squashing migrations, in load order.
	Replacements []*migration.Migration
	replacements map[Key]*migration.Migration
	// Applied is Options.Applied after Django's bookkeeping: a squash is
	// applied exactly when everything it replaces is.
	Applied map[Key]bool
	// Used says, for each squash, whether the graph uses it (true) or the
	// migrations it replaces (false, partially applied).
	Used map[Key]bool

	Diagnostics []diag.Diagnostic
	apps        map[string]bool
}

// Build loads migrations into a graph. migs must be in the order the loader
// would find them (app by app, files sorted by name).
func Build(migs []*migration.Migration, opts Options) *Graph {
	g := &Graph{
		nodes:        make(map[Key]*Node, len(migs)),
		replacements: map[Key]*migration.Migration{},
		Applied:      map[Key]bool{},
		Used:         map[Key]bool{},
		apps:         opts.Apps,
	}
	for k, v := range opts.Applied {
		if v {
			g.Applied[k] = true
		}
	}
	if g.apps == nil {
		g.apps = map[string]bool{}
		for _, m := range migs {
			g.apps[m.App] = true
		}
	}
	for _, m := range migs {
		n := newNode(m.Key)
		n.Migration = m
		g.add(n)
		if len(m.Replaces) > 0 {
			g.replacements[m.Key] = m
			g.Replacements = append(g.Replacements, m)
		}
	}
	// Internal (same-app) dependencies first, so __first__ finds the right
	// root (loader.add_internal_dependencies).
	for _, m := range migs {
		for _, d := range m.Dependencies {
			if d.App == m.App && d.Name != migration.First {
				g.addDependency(m, d, m.Key, d.Key)
			}
		}
	}
	for _, m := range migs {
		for _, d := range m.Dependencies {
			if d.App == m.App {
				continue
			}
			if k, ok := g.checkKey(m, d); ok {
				g.addDependency(m, d, m.Key, k)
			}
		}
		for _, d := range m.RunBefore {
			if k, ok := g.checkKey(m, d); ok {
				g.addDependency(m, d, k, m.Key)
			}
		}
	}
	if !opts.NestedReplacements {
		g.checkNested()
	}
	progress := map[Key]bool{}
	for _, m := range g.Replacements {
		if opts.NestedReplacements {
			g.replaceNested(m.Key, progress)
		} else {
			g.replace(m, m.ReplacedKeys())
		}
	}
	g.validate()
	g.checkCycles()
	return g
}

func (g *Graph) add(n *Node) {
	g.nodes[n.Key] = n
	g.order = append(g.order, n.Key)
}

// addDependency mirrors MigrationGraph.add_dependency: missing ends become
// dummy nodes carrying Django's error message.
func (g *Graph) addDependency(m *migration.Migration, d migration.Dependency, child, parent Key) {
	for _, end := range []struct {
		k    Key
		kind string
	}{{child, "child"}, {parent, "parent"}} {
		if _, ok := g.nodes[end.k]; ok {
			continue
		}
		n := newNode(end.k)
		if !g.apps[end.k.App] {
			n.External = true // outside the project: trust it exists
		} else {
			n.dummy, n.origin, n.dep = true, m, d
			n.msg = fmt.Sprintf("Migration %s dependencies reference nonexistent %s node %s", m.Key, end.kind, end.k.Repr())
		}
		g.add(n)
	}
	c, p := g.nodes[child], g.nodes[parent]
	c.parents[p] = struct{}{}
	p.children[c] = struct{}{}
}

// checkKey mirrors MigrationLoader.check_key for __first__ and __latest__.
func (g *Graph) checkKey(m *migration.Migration, d migration.Dependency) (Key, bool) {
	k := d.Key
	if (k.Name != migration.First && k.Name != migration.Latest) || g.nodes[k] != nil {
		return k, true
	}
	if k.App == m.App {
		return Key{}, false // Django ignores __first__ of the same app (#22325)
	}
	if !g.apps[k.App] {
		return k, true // an app outside the project: an external node
	}
	var found []Key
	if k.Name == migration.First {
		found = g.RootNodes(k.App)
	} else {
		found = g.LeafNodes(k.App)
	}
	if len(found) == 0 {
		g.report(m, d, CodeUnknownApp, fmt.Sprintf("Dependency on app with no migrations: %s", k.App),
			"add a migration to the app, or remove the dependency")
		return Key{}, false
	}
	return found[0], true
}

func (g *Graph) report(m *migration.Migration, d migration.Dependency, code, msg, hint string) {
	g.Diagnostics = append(g.Diagnostics, diag.Diagnostic{
		Severity: diag.Error, Code: code, File: m.File, Offset: d.Pos, Message: msg, Hint: hint,
	})
}

// checkNested reports squashes that replace squashes. Before Django 6.0 the
// loader applies replacements in the order of a Python set (the hash seed
// decides): when the outer squash comes first it removes the inner one, and
// the inner one then fails with NodeNotFoundError "Unable to find
// replacement node". So it works on some runs and not others.
func (g *Graph) checkNested() {
	// The loader before 6.0 applies squashes in the order it met their
	// files, which is a set's (hash-seeded, so arbitrary per process):
	// when the outer squash comes first, the inner one's node is gone.
	for _, m := range g.Replacements {
		for _, r := range m.Replaces {
			if inner := g.replacements[r.Key]; inner != nil {
				g.report(m, r, CodeNestedSquash,
					fmt.Sprintf("%s replaces the squash %s: before Django 6.0 the loader may fail with \"Unable to find replacement node %s\", depending on the order it meets them", m.Key, r.Key, r.Key.Repr()),
					fmt.Sprintf("list the migrations %s replaces instead of %s itself", r.Key, r.Key))
			}
		}
	}
}

// replace applies one squash the way Django up to 5.2 does.
func (g *Graph) replace(m *migration.Migration, targets []Key) {
	all, any := true, false
	for _, t := range targets {
		if g.Applied[t] {
			any = true
		} else {
			all = false
		}
	}
	if all {
		g.Applied[m.Key] = true
	} else {
		delete(g.Applied, m.Key)
	}
	if all || !any {
		g.Used[m.Key] = true
		g.removeReplacedNodes(m.Key, m.ReplacedKeys())
	} else {
		g.Used[m.Key] = false
		g.removeReplacementNode(m.Key, m.ReplacedKeys())
	}
}

// replaceNested is Django 6.0's replace_migration: squashes named in
// replaces are resolved first, and applied statuses are read from the
// leaves of the replacement tree.
func (g *Graph) replaceNested(k Key, progress map[Key]bool) {
	if done, seen := progress[k]; seen {
		if !done {
			m := g.replacements[k]
			g.report(m, migration.Dependency{Pos: -1}, CodeCycle,
				fmt.Sprintf("Cyclical squash replacement found, starting at %s", k.Repr()), "")
		}
		return
	}
	progress[k] = false
	m := g.replacements[k]
	for _, r := range m.Replaces {
		if g.replacements[r.Key] != nil {
			g.replaceNested(r.Key, progress)
		}
	}
	g.replace(m, g.resolveReplaced(m, map[Key]bool{}))
	progress[k] = true
}

func (g *Graph) resolveReplaced(m *migration.Migration, seen map[Key]bool) []Key {
	var out []Key
	for _, r := range m.Replaces {
		if seen[r.Key] {
			continue
		}
		seen[r.Key] = true
		if inner := g.replacements[r.Key]; inner != nil {
			out = append(out, g.resolveReplaced(inner, seen)...)
		} else {
			out = append(out, r.Key)
		}
	}
	return out
}

// removeReplacedNodes mirrors MigrationGraph.remove_replaced_nodes.
func (g *Graph) removeReplacedNodes(replacement Key, replaced []Key) {
	rset := make(map[Key]bool, len(replaced))
	for _, k := range replaced {
		rset[k] = true
	}
	rn := g.nodes[replacement]
	if rn == nil {
		return
	}
	for _, k := range replaced {
		n := g.nodes[k]
		if n == nil || n == rn {
			continue
		}
		delete(g.nodes, k)
		for c := range n.children {
			delete(c.parents, n)
			if !rset[c.Key] {
				rn.children[c] = struct{}{}
				c.parents[rn] = struct{}{}
			}
		}
		for p := range n.parents {
			delete(p.children, n)
			if !rset[p.Key] {
				rn.parents[p] = struct{}{}
				p.children[rn] = struct{}{}
			}
		}
	}
}

// removeReplacementNode mirrors MigrationGraph.remove_replacement_node.
func (g *Graph) removeReplacementNode(replacement Key, replaced []Key) {
	rn := g.nodes[replacement]
	if rn == nil {
		return
	}
	delete(g.nodes, replacement)
	latest := map[*Node]struct{}{}
	parentsOfReplaced := map[*Node]struct{}{}
	for _, k := range replaced {
		if n := g.nodes[k]; n != nil {
			latest[n] = struct{}{}
			for p := range n.parents {
				parentsOfReplaced[p] = struct{}{}
			}
		}
	}
	for p := range parentsOfReplaced {
		delete(latest, p)
	}
	for c := range rn.children {
		delete(c.parents, rn)
		for r := range latest {
			r.children[c] = struct{}{}
			c.parents[r] = struct{}{}
		}
	}
	for p := range rn.parents {
		delete(p.children, rn)
	}
}

// validate reports every dummy node left, with the loader's clearer message
// when a squash could have replaced it but was partially applied (#23556).
func (g *Graph) validate() {
	reverse := map[Key][]Key{}
	for _, m := range g.Replacements {
		for _, r := range m.Replaces {
			reverse[r.Key] = append(reverse[r.Key], m.Key)
		}
	}
	for _, k := range g.order {
		n := g.nodes[k]
		if n == nil || !n.dummy || n.Key != k {
			continue
		}
		msg, hint := n.msg, "create the missing migration, or fix the dependency's name"
		if cands := reverse[k]; len(cands) > 0 {
			replaced := false
			names := make([]string, len(cands))
			for i, c := range cands {
				names[i] = c.String()
				replaced = replaced || g.nodes[c] != nil
			}
			if !replaced {
				msg = fmt.Sprintf("Migration %s depends on nonexistent node %s. Django tried to replace migration %s with any of [%s] but wasn't able to because some of the replaced migrations are already applied.",
					n.origin.Key, k.Repr(), k, strings.Join(names, ", "))
				hint = "restore the replaced migration files until every database has applied the squash"
			}
		}
		g.report(n.origin, n.dep, CodeMissingNode, msg, hint)
	}
}

// checkCycles reports each strongly connected component with more than one
// node (or a self-loop) as a cycle, with one cycle path through it.
func (g *Graph) checkCycles() {
	for _, cyc := range g.Cycles() {
		names := make([]string, len(cyc))
		for i, k := range cyc {
			names[i] = k.String()
		}
		var m *migration.Migration
		for _, k := range cyc {
			if n := g.nodes[k]; n.Migration != nil {
				m = n.Migration
				break
			}
		}
		d := diag.Diagnostic{Severity: diag.Error, Code: CodeCycle, Offset: -1,
			Message: "Circular dependency: " + strings.Join(names, ", "),
			Hint:    "remove one of the dependencies in the cycle, or split the squash that created it"}
		if m != nil {
			d.File = m.File
		}
		g.Diagnostics = append(g.Diagnostics, d)
	}
}

// NewErrors lists g's errors that before does not have: what a planned
// graph adds to a project's own problems (those stay the project's, and
// are reported as such elsewhere).
func (g *Graph) NewErrors(before *Graph) []diag.Diagnostic {
	had := map[string]bool{}
	for _, d := range before.Diagnostics {
		had[d.Code+"\x00"+d.File+"\x00"+d.Message] = true
	}
	var out []diag.Diagnostic
	for _, d := range g.Diagnostics {
		if d.Severity == diag.Error && !had[d.Code+"\x00"+d.File+"\x00"+d.Message] {
			out = append(out, d)
		}
	}
	return out
}

// SortByKey puts migrations in load order (app, then name), the order a
// planned graph is built in.
func SortByKey(migs []*migration.Migration) {
	sort.SliceStable(migs, func(i, j int) bool {
		if migs[i].App != migs[j].App {
			return migs[i].App < migs[j].App
		}
		return migs[i].Name < migs[j].Name
	})
}

// Nodes returns the nodes in the graph in load order.
func (g *Graph) Nodes() []*Node {
	out := make([]*Node, 0, len(g.nodes))
	for _, k := range g.order {
		if n := g.nodes[k]; n != nil && n.Key == k {
			out = append(out, n)
		}
	}
	// A key re-added after removal appears twice in order; keep the first.
	seen := make(map[*Node]bool, len(out))
	uniq := out[:0]
	for _, n := range out {
		if !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	return uniq
}

// Node returns the node for k, or nil.
func (g *Graph) Node(k Key) *Node { return g.nodes[k] }

// Replacement returns the squash migration with key k, or nil.
func (g *Graph) Replacement(k Key) *migration.Migration { return g.replacements[k] }

// RootNodes returns the nodes of app (all apps when "") with no parent in
// their own app, sorted.
func (g *Graph) RootNodes(app string) []Key { return g.ends(app, true) }

// LeafNodes returns the nodes of app (all apps when "") with no child in
// their own app, sorted.
func (g *Graph) LeafNodes(app string) []Key { return g.ends(app, false) }

func (g *Graph) ends(app string, roots bool) []Key {
	var out []Key
	for k, n := range g.nodes {
		if app != "" && k.App != app {
			continue
		}
		rel := n.children
		if roots {
			rel = n.parents
		}
		ok := true
		for o := range rel {
			if o.Key.App == k.App {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}

// Conflicts returns, per app with more than one leaf, its leaves
// (loader.detect_conflicts). External apps are never reported.
func (g *Graph) Conflicts() map[string][]string {
	leaves := map[string][]string{}
	for _, k := range g.LeafNodes("") {
		// Dummy nodes stand for missing migrations: Django reports those
		// first and never gets as far as looking for conflicts.
		if n := g.nodes[k]; n.External || n.dummy {
			continue
		}
		leaves[k.App] = append(leaves[k.App], k.Name)
	}
	for app, names := range leaves {
		if len(names) < 2 {
			delete(leaves, app)
		}
	}
	return leaves
}

// ForwardsPlan returns the migrations to apply to reach target, ending with
// it (MigrationGraph.forwards_plan's iterative DFS).
func (g *Graph) ForwardsPlan(target Key) []Key {
	return g.plan([]Key{target})
}

// Plan returns the combined forwards plan of targets, each migration once,
// as showmigrations --plan lists it. With no targets, all leaf nodes.
func (g *Graph) Plan(targets ...Key) []Key {
	if len(targets) == 0 {
		targets = g.LeafNodes("")
	}
	return g.plan(targets)
}

// plan runs Django's DFS for each target in turn with one visited set.
// Django restarts the DFS per target and drops what an earlier target
// already planned; sharing the set gives the same order, because everything
// reachable from a planned node is planned already (a plan holds all its
// ancestors), so skipping it never reorders what is new.
func (g *Graph) plan(targets []Key) []Key {
	type item struct {
		n         *Node
		processed bool
	}
	var plan []Key
	visited := make(map[*Node]bool, len(g.nodes))
	// expanded marks nodes whose parents were pushed: meeting one again
	// before it is planned means a cycle (Django checks ensure_not_cyclic
	// first and raises CircularDependencyError). It is skipped, so a plan
	// of a cyclic graph ends, without the cycle's order; check and every
	// command report the cycle.
	expanded := make(map[*Node]bool, len(g.nodes))
	var stack []item
	for _, t := range targets {
		start := g.nodes[t]
		if start == nil {
			continue
		}
		stack = append(stack[:0], item{start, false})
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch {
			case visited[it.n]:
			case it.processed:
				visited[it.n] = true
				plan = append(plan, it.n.Key)
			case expanded[it.n]:
				// On a cycle: already waiting lower in the stack.
			default:
				expanded[it.n] = true
				stack = append(stack, item{it.n, true})
				for _, p := range it.n.Parents() {
					if !visited[p] {
						stack = append(stack, item{p, false})
					}
				}
			}
		}
	}
	return plan
}

// Cycles returns one cycle path for each strongly connected component that
// has one, in a deterministic order.
func (g *Graph) Cycles() [][]Key {
	// Tarjan's algorithm, iterative so deep histories cannot overflow.
	keys := make([]Key, 0, len(g.nodes))
	for k := range g.nodes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Less(keys[j]) })
	index := map[*Node]int{}
	low := map[*Node]int{}
	onStack := map[*Node]bool{}
	var stack []*Node
	var cycles [][]Key
	next := 0
	type frame struct {
		n    *Node
		kids []*Node
		i    int
	}
	for _, k := range keys {
		root := g.nodes[k]
		if _, seen := index[root]; seen {
			continue
		}
		work := []frame{{n: root, kids: root.Children()}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.i < len(f.kids) {
				c := f.kids[f.i]
				f.i++
				if _, seen := index[c]; !seen {
					index[c], low[c] = next, next
					next++
					stack = append(stack, c)
					onStack[c] = true
					work = append(work, frame{n: c, kids: c.Children()})
				} else if onStack[c] && index[c] < low[f.n] {
					low[f.n] = index[c]
				}
				continue
			}
			n := f.n
			work = work[:len(work)-1]
			if len(work) > 0 && low[n] < low[work[len(work)-1].n] {
				low[work[len(work)-1].n] = low[n]
			}
			if low[n] != index[n] {
				continue
			}
			var comp []*Node
			for {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[top] = false
				comp = append(comp, top)
				if top == n {
					break
				}
			}
			_, selfLoop := n.children[n]
			if len(comp) > 1 || selfLoop {
				cycles = append(cycles, cyclePath(comp))
			}
		}
	}
	sort.Slice(cycles, func(i, j int) bool { return cycles[i][0].Less(cycles[j][0]) })
	return cycles
}

// cyclePath finds a cycle through the smallest key of a strongly connected
// component, following sorted children inside the component (BFS, so the
// path is a shortest one).
func cyclePath(comp []*Node) []Key {
	in := make(map[*Node]bool, len(comp))
	start := comp[0]
	for _, n := range comp {
		in[n] = true
		if n.Key.Less(start.Key) {
			start = n
		}
	}
	prev := map[*Node]*Node{}
	queue := []*Node{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, c := range n.Children() {
			if !in[c] {
				continue
			}
			if c == start {
				path := []Key{}
				for x := n; x != start; x = prev[x] {
					path = append(path, x.Key)
				}
				path = append(path, start.Key)
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path
			}
			if _, seen := prev[c]; !seen {
				prev[c] = n
				queue = append(queue, c)
			}
		}
	}
	return []Key{start.Key}
}

// Package generate is Django's MigrationAutodetector for apps without
// migrations: from a project state (the end of a replayed history), the
// operations makemigrations writes for those apps, sorted, cut into
// migrations and optimized as the Django version targeted does.
//
// It follows django/db/migrations/autodetector.py step by step, from an
// empty from_state: generate_created_models (swappable models first,
// relations deferred to AddField, indexes, constraints, unique_together and
// order_with_respect_to after them), generate_created_proxies,
// _sort_migrations (graphlib's static order on 5.x, the stable layered sort
// before), _build_migration_list (the chopping loop that splits cross-app
// cycles into 0002_initial and on), _optimize_migrations (Django's own
// optimizer rules of that version).
//
// Invariants: generation reads the state and changes nothing; the result
// depends only on the state and the options, never on map order.
package generate

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/optimizer"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/state"
)

// Version is the Django major version whose makemigrations is imitated.
type Version int

// Options configure a generation.
type Options struct {
	// Apps are the labels to generate migrations for; models of other
	// apps are read as already migrated ("external").
	Apps map[string]bool
	// Settings resolves settings.X (AUTH_USER_MODEL and friends).
	Settings m.Settings
	// Swappable lists the swappable settings to recognise in relations
	// (nil: AUTH_USER_MODEL).
	Swappable []string
	// Django is the version (3, 4, 5 or 6); 0 means 5.
	Django Version
	// ExternalLeaf is the migration of an external app a dependency on it
	// names (makemigrations uses that app's leaf in its graph); false
	// gives (app, "__first__").
	ExternalLeaf func(app string) (string, bool)
	// FieldOrder, when set, orders a model's fields as Django's
	// from_model does (declaration order); nil keeps the state's order.
	FieldOrder func(app, model string, names []string) []string
	// Existing, when set, names models of Apps that already exist (a
	// state-to-state diff creates only the others): they are neither
	// created nor waited for.
	Existing func(k state.ModelKey) bool
}

// Migration is one generated migration. Name is "auto_N" until the caller
// numbers it; Dependencies name other generated migrations by those names.
type Migration struct {
	App          string
	Name         string
	Initial      bool
	Dependencies []m.Dependency
	Operations   []m.Operation
}

// depType is OperationDependency.Type.
type depType int

const (
	depCreate depType = iota
	depRemove
)

// dep is OperationDependency: app "__setting__" with model the setting's
// name is a swappable dependency.
type dep struct {
	app, model, field string
	typ               depType
}

// gop is an operation with its _auto_deps.
type gop struct {
	op   m.Operation
	deps []dep
}

type generator struct {
	errs  []string // what the version cannot express
	st    *state.Project
	opts  Options
	ops   map[string][]*gop
	migs  map[string][]*Migration
	names map[*Migration]string
}

// Generate returns the migrations makemigrations would write for opts.Apps,
// per app in order.
func Generate(st *state.Project, opts Options) (map[string][]*Migration, error) {
	if opts.Django == 0 {
		opts.Django = 5
	}
	if opts.Settings == nil {
		opts.Settings = m.DefaultSettings
	}
	if opts.Swappable == nil {
		opts.Swappable = []string{"AUTH_USER_MODEL"}
	}
	g := &generator{st: st, opts: opts, ops: map[string][]*gop{}, migs: map[string][]*Migration{}}
	g.createdModels()
	if len(g.errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(g.errs, "; "))
	}
	g.createdProxies()
	g.sortOperations()
	if err := g.buildMigrations(); err != nil {
		return nil, err
	}
	g.optimize()
	return g.migs, nil
}

func (g *generator) add(app string, op m.Operation, deps []dep, beginning bool) {
	o := &gop{op: op, deps: deps}
	if beginning {
		g.ops[app] = append([]*gop{o}, g.ops[app]...)
	} else {
		g.ops[app] = append(g.ops[app], o)
	}
}

// modelKind says how Django's autodetector sorts a model into its key sets.
func modelKind(md *state.Model) (unmanaged, proxy bool) {
	return isLiteral(md.Options["managed"], python.False), isLiteral(md.Options["proxy"], python.True)
}

func isLiteral(e python.Expr, kind python.ConstKind) bool {
	c, ok := python.Unwrap(e).(*python.Constant)
	return ok && c.Kind == kind
}

// keys lists the models of the generated apps, by (app, lower name).
func (g *generator) keys(pick func(unmanaged, proxy bool) bool) []state.ModelKey {
	var out []state.ModelKey
	for k, md := range g.st.Models {
		if !g.opts.Apps[k.App] || g.opts.Existing != nil && g.opts.Existing(k) {
			continue
		}
		if pick(modelKind(md)) {
			out = append(out, k)
		}
	}
	return out
}

// swappableFirstKey is MigrationAutodetector.swappable_first_key.
func (g *generator) swappableFirstKey(k state.ModelKey) [2]string {
	md := g.st.Models[k]
	if md != nil {
		swappable := md.Options["swappable"] != nil
		for _, b := range baseNames(md.Bases) {
			if b == "AbstractUser" || b == "AbstractBaseUser" {
				swappable = true
			}
		}
		if user, ok := g.opts.Settings("AUTH_USER_MODEL"); ok && strings.EqualFold(user, k.App+"."+k.Model) {
			swappable = true
		}
		if swappable {
			return [2]string{"___" + k.App, "___" + k.Model}
		}
	}
	return [2]string{k.App, k.Model}
}

// baseNames are the names of a model's bases: "app.model" strings as
// written, classes by their last dotted part.
func baseNames(bases python.Expr) []string {
	elts, ok := m.Elements(bases)
	if !ok {
		return nil
	}
	var out []string
	for _, b := range elts {
		switch x := python.Unwrap(b).(type) {
		case *python.Constant:
			if x.Kind == python.Str {
				out = append(out, x.Value)
			}
		case *python.Name:
			out = append(out, x.ID)
		case *python.Attribute:
			out = append(out, x.Attr)
		}
	}
	return out
}

// stringBases are the "app.Model" strings among a model's bases.
func stringBases(bases python.Expr) []string {
	elts, _ := m.Elements(bases)
	var out []string
	for _, b := range elts {
		if c, ok := python.Unwrap(b).(*python.Constant); ok && c.Kind == python.Str && strings.Contains(c.Value, ".") {
			out = append(out, c.Value)
		}
	}
	return out
}

// kwTrue reports whether a field call passes name=True.
func kwTrue(e python.Expr, name string) bool {
	c, ok := python.Unwrap(e).(*python.Call)
	if !ok {
		return false
	}
	for _, k := range c.Keywords {
		if k.Arg == name {
			return isLiteral(k.Value, python.True)
		}
	}
	return false
}

// createdModels is generate_created_models.
func (g *generator) createdModels() {
	added := g.keys(func(unmanaged, proxy bool) bool { return !unmanaged && !proxy })
	unmanaged := g.keys(func(unmanaged, proxy bool) bool { return unmanaged })
	reverse := func(ks []state.ModelKey) {
		sort.Slice(ks, func(i, j int) bool {
			a, b := g.swappableFirstKey(ks[i]), g.swappableFirstKey(ks[j])
			return a[0] > b[0] || a[0] == b[0] && a[1] > b[1]
		})
	}
	reverse(added)
	reverse(unmanaged)
	for _, k := range append(added, unmanaged...) {
		md := g.st.Models[k]
		fields := g.orderedFields(md)
		related := map[string]*state.Field{}
		var pkRel string
		for _, f := range fields {
			if f.To != "" {
				if kwTrue(f.Value, "primary_key") {
					pkRel = f.To
				} else if !kwTrue(f.Value, "parent_link") {
					related[f.Name] = f
				}
			}
			if f.Through != "" {
				related[f.Name] = f
			}
		}
		deps := []dep{{app: k.App, model: k.Model, typ: depRemove}}
		for _, b := range stringBases(md.Bases) {
			app, name, _ := strings.Cut(b, ".")
			deps = append(deps, dep{app: app, model: strings.ToLower(name), typ: depCreate})
		}
		if pkRel != "" {
			app, model, _ := strings.Cut(pkRel, ".")
			deps = append(deps, dep{app: app, model: model, typ: depCreate})
		}
		create := &m.CreateModel{Op: m.Op{Class: "CreateModel"}, Model: md.Name, Bases: md.Bases, Managers: md.Managers}
		for _, f := range fields {
			if related[f.Name] == nil {
				create.Fields = append(create.Fields, m.Field{Name: f.Name, Value: f.Value, Pos: -1, End: -1})
			}
		}
		options, deferred := g.options(md)
		create.Options = options
		g.add(k.App, create, deps, true)
		if unmanaged, _ := modelKind(md); unmanaged {
			continue // Django leaves out what would change the database
		}
		names := make([]string, 0, len(related))
		for n := range related {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			f := related[n]
			fd := g.relationDeps(k, f)
			fd = append(fd, dep{app: k.App, model: k.Model, typ: depCreate})
			g.add(k.App, &m.AddField{Op: m.Op{Class: "AddField"}, Model: k.Model, Field: n, Value: f.Value}, dedupe(fd), false)
		}
		if owrt := deferred["order_with_respect_to"]; owrt != nil {
			name, _ := strValue(owrt)
			g.add(k.App, &m.AlterOrderWithRespectTo{Op: m.Op{Class: "AlterOrderWithRespectTo"}, Model: k.Model, Field: owrt},
				[]dep{{app: k.App, model: k.Model, field: name, typ: depCreate}, {app: k.App, model: k.Model, typ: depCreate}}, false)
		}
		var relDeps []dep
		for _, n := range names {
			relDeps = append(relDeps, dep{app: k.App, model: k.Model, field: n, typ: depCreate})
		}
		relDeps = append(relDeps, dep{app: k.App, model: k.Model, typ: depCreate})
		for _, ix := range md.Indexes {
			g.add(k.App, &m.AddIndex{Op: m.Op{Class: "AddIndex"}, Model: k.Model, Index: md.Defs["index:"+ix], IndexName: ix}, relDeps, false)
		}
		for _, c := range md.Constraints {
			g.add(k.App, &m.AddConstraint{Op: m.Op{Class: "AddConstraint"}, Model: k.Model, Constraint: md.Defs["constraint:"+c], ConstraintName: c}, relDeps, false)
		}
		if ut := deferred["unique_together"]; ut != nil {
			g.add(k.App, &m.AlterUniqueTogether{Op: m.Op{Class: "AlterUniqueTogether"}, Model: k.Model, Value: ut}, relDeps, false)
		}
		if it := deferred["index_together"]; it != nil {
			if g.opts.Django >= 5 {
				g.errs = append(g.errs, fmt.Sprintf("%s.%s has index_together, which Django 5.1 removed: move it to Meta.indexes first (makemigrations on 4.2 writes the RenameIndex), or reset with --django 4", k.App, md.Name))
			} else {
				g.add(k.App, &m.AlterIndexTogether{Op: m.Op{Class: "AlterIndexTogether"}, Model: k.Model, Value: it}, relDeps, false)
			}
		}
	}
}

// orderedFields is a model's fields in the order from_model lists them.
func (g *generator) orderedFields(md *state.Model) []*state.Field {
	if g.opts.FieldOrder == nil {
		return md.Fields
	}
	names := make([]string, len(md.Fields))
	for i, f := range md.Fields {
		names[i] = f.Name
	}
	order := g.opts.FieldOrder(md.App, md.Name, names)
	if len(order) != len(names) {
		return md.Fields
	}
	by := map[string]*state.Field{}
	for _, f := range md.Fields {
		by[f.Name] = f
	}
	out := make([]*state.Field, 0, len(order))
	for _, n := range order {
		if by[n] == nil {
			return md.Fields
		}
		out = append(out, by[n])
	}
	return out
}

// options are a model's CreateModel options, and the ones the autodetector
// pops to make operations of their own. Django 5.1 dropped index_together
// from the state.
func (g *generator) options(md *state.Model) (python.Expr, map[string]python.Expr) {
	deferred := map[string]python.Expr{}
	var keys []string
	for k, v := range md.Options {
		switch k {
		case "unique_together", "order_with_respect_to", "index_together":
			if python.Truthy(v) {
				deferred[k] = v
			}
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, deferred
	}
	// from_model reads the options in Options' DEFAULT_NAMES order, and
	// MigrationWriter writes the dict as it is.
	rank := func(k string) int {
		if i := slices.Index(defaultNames, k); i >= 0 {
			return i
		}
		return len(defaultNames)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		return ri < rj || ri == rj && keys[i] < keys[j]
	})
	var ks, vs []python.Expr
	for _, k := range keys {
		ks = append(ks, python.NewStr(k))
		vs = append(vs, md.Options[k])
	}
	return python.NewDict(ks, vs), deferred
}

// defaultNames is django.db.models.options.DEFAULT_NAMES (3.2 to 5.2 agree
// on the order of what they share).
var defaultNames = []string{"verbose_name", "verbose_name_plural", "db_table", "db_table_comment", "ordering", "unique_together",
	"permissions", "get_latest_by", "order_with_respect_to", "app_label", "db_tablespace", "abstract", "managed", "proxy",
	"swappable", "auto_created", "index_together", "apps", "default_permissions", "select_on_save", "default_related_name",
	"required_db_features", "required_db_vendor", "base_manager_name", "default_manager_name", "indexes", "constraints"}

func strValue(e python.Expr) (string, bool) {
	if c, ok := python.Unwrap(e).(*python.Constant); ok && c.Kind == python.Str {
		return c.Value, true
	}
	return "", false
}

// relationDeps is _get_dependencies_for_foreign_key.
func (g *generator) relationDeps(k state.ModelKey, f *state.Field) []dep {
	var out []dep
	if setting := g.swappableSetting(f); setting != "" {
		out = append(out, dep{app: "__setting__", model: setting, typ: depCreate})
	} else {
		app, model, _ := strings.Cut(f.To, ".")
		out = append(out, dep{app: app, model: model, typ: depCreate})
	}
	if f.Through != "" {
		app, model, _ := strings.Cut(f.Through, ".")
		out = append(out, dep{app: app, model: model, typ: depCreate})
	}
	return out
}

// swappableSetting is a relation's swappable_setting: the setting whose
// value is the related model.
func (g *generator) swappableSetting(f *state.Field) string {
	for _, s := range g.opts.Swappable {
		if v, ok := g.opts.Settings(s); ok && strings.EqualFold(v, f.To) {
			return s
		}
	}
	return ""
}

func dedupe(ds []dep) []dep {
	var out []dep
	for _, d := range ds {
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// createdProxies is generate_created_proxies.
func (g *generator) createdProxies() {
	proxies := g.keys(func(unmanaged, proxy bool) bool { return !unmanaged && proxy })
	sort.Slice(proxies, func(i, j int) bool {
		return proxies[i].App < proxies[j].App || proxies[i].App == proxies[j].App && proxies[i].Model < proxies[j].Model
	})
	for _, k := range proxies {
		md := g.st.Models[k]
		deps := []dep{{app: k.App, model: k.Model, typ: depRemove}}
		for _, b := range stringBases(md.Bases) {
			app, name, _ := strings.Cut(b, ".")
			deps = append(deps, dep{app: app, model: strings.ToLower(name), typ: depCreate})
		}
		// Unlike generate_created_models, this one keeps the state's
		// indexes and constraints options, empty as they are.
		options, _ := g.options(md)
		d, _ := options.(*python.Dict)
		if d == nil {
			d = python.NewDict(nil, nil)
		}
		var ixs, cs []python.Expr
		for _, ix := range md.Indexes {
			ixs = append(ixs, md.Defs["index:"+ix])
		}
		for _, c := range md.Constraints {
			cs = append(cs, md.Defs["constraint:"+c])
		}
		d = python.NewDict(append(d.Keys, python.NewStr("indexes"), python.NewStr("constraints")), append(d.Values, python.NewList(ixs...), python.NewList(cs...)))
		g.add(k.App, &m.CreateModel{Op: m.Op{Class: "CreateModel"}, Model: md.Name, Options: d, Bases: md.Bases, Managers: md.Managers}, deps, false)
	}
}

// resolve is _resolve_dependency: a swappable dependency as the model its
// setting names.
func (g *generator) resolve(d dep) (dep, bool) {
	if d.app != "__setting__" {
		return d, false
	}
	v, _ := g.opts.Settings(d.model)
	app, model, _ := strings.Cut(v, ".")
	return dep{app: app, model: strings.ToLower(model), field: d.field, typ: d.typ}, true
}

// satisfies is check_dependency for the operations generated here.
func satisfies(op m.Operation, d dep) bool {
	if d.typ != depCreate {
		return false // nothing generated from an empty state removes anything
	}
	switch x := op.(type) {
	case *m.CreateModel:
		if strings.ToLower(x.Model) != d.model {
			return false
		}
		if d.field == "" {
			return true
		}
		for _, f := range x.Fields {
			if f.Name == d.field {
				return true
			}
		}
	case *m.AddField:
		return d.field != "" && strings.ToLower(x.Model) == d.model && strings.ToLower(x.Field) == strings.ToLower(d.field)
	}
	return false
}

// sortOperations is _sort_migrations.
func (g *generator) sortOperations() {
	for _, app := range slices.Sorted(maps.Keys(g.ops)) {
		ops := g.ops[app]
		preds := make([][]int, len(ops)) // with repeats, as graphlib counts them
		for i, o := range ops {
			for _, d := range o.deps {
				d, _ = g.resolve(d)
				if d.app != app {
					continue
				}
				for j, x := range ops {
					if satisfies(x.op, d) {
						preds[i] = append(preds[i], j)
					}
				}
			}
		}
		var order []int
		if g.opts.Django >= 5 {
			order = staticOrder(len(ops), preds)
		} else {
			order = stableLayers(len(ops), preds)
		}
		sorted := make([]*gop, len(order))
		for i, j := range order {
			sorted[i] = ops[j]
		}
		g.ops[app] = sorted
	}
}

// staticOrder is graphlib.TopologicalSorter(...).static_order() for nodes
// added in order with their predecessors: nodes are known in the order
// first mentioned, and each wave of ready nodes frees its successors in the
// order they were added.
func staticOrder(n int, preds [][]int) []int {
	var known []int
	seen := make([]bool, n)
	mention := func(i int) {
		if !seen[i] {
			seen[i] = true
			known = append(known, i)
		}
	}
	npred := make([]int, n)
	succ := make([][]int, n)
	for i := 0; i < n; i++ {
		mention(i)
		npred[i] += len(preds[i])
		for _, p := range preds[i] {
			mention(p)
			succ[p] = append(succ[p], i)
		}
	}
	var ready, out []int
	for _, i := range known {
		if npred[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		wave := ready
		ready = nil
		out = append(out, wave...)
		for _, i := range wave {
			for _, s := range succ[i] {
				npred[s]--
				if npred[s] == 0 {
					ready = append(ready, s)
				}
			}
		}
	}
	return out
}

// stableLayers is django.utils.topological_sort.stable_topological_sort:
// layers of nodes whose dependencies are all in earlier layers, each layer
// in the original order.
func stableLayers(n int, preds [][]int) []int {
	done := make([]bool, n)
	var out []int
	for len(out) < n {
		var layer []int
		for i := 0; i < n; i++ {
			if done[i] {
				continue
			}
			ok := true
			for _, p := range preds[i] {
				if !done[p] {
					ok = false
					break
				}
			}
			if ok {
				layer = append(layer, i)
			}
		}
		if len(layer) == 0 {
			break // a cycle: Django raises CyclicDependencyError
		}
		for _, i := range layer {
			done[i] = true
		}
		out = append(out, layer...)
	}
	return out
}

// buildMigrations is _build_migration_list.
func (g *generator) buildMigrations() error {
	count := func() int {
		n := 0
		for _, ops := range g.ops {
			n += len(ops)
		}
		return n
	}
	num := count()
	chop := false
	for num > 0 {
		for _, app := range slices.Sorted(maps.Keys(g.ops)) {
			var chopped []*gop
			deps := map[m.Dependency]bool{}
			var depOrder []m.Dependency
			addDep := func(d m.Dependency) {
				if !deps[d] {
					deps[d] = true
					depOrder = append(depOrder, d)
				}
			}
			for len(g.ops[app]) > 0 {
				o := g.ops[app][0]
				ok := true
				var opDeps []m.Dependency
				for _, orig := range o.deps {
					d, swappable := g.resolve(orig)
					if d.app == app {
						continue
					}
					for _, other := range g.ops[d.app] {
						if satisfies(other.op, d) {
							ok = false
							break
						}
					}
					if !ok {
						break
					}
					switch {
					case swappable:
						opDeps = append(opDeps, m.Dependency{Key: m.Key{App: d.app, Name: m.First}, Setting: orig.model})
					case len(g.migs[d.app]) > 0:
						list := g.migs[d.app]
						opDeps = append(opDeps, m.Dependency{Key: m.Key{App: d.app, Name: list[len(list)-1].Name}})
					case chop:
						if leaf, found := g.externalLeaf(d.app); found {
							opDeps = append(opDeps, m.Dependency{Key: m.Key{App: d.app, Name: leaf}})
						} else {
							opDeps = append(opDeps, m.Dependency{Key: m.Key{App: d.app, Name: m.First}})
						}
					default:
						ok = false
					}
					if !ok {
						break
					}
				}
				if !ok {
					break
				}
				chopped = append(chopped, o)
				for _, d := range opDeps {
					addDep(d)
				}
				g.ops[app] = g.ops[app][1:]
			}
			if len(depOrder) > 0 || len(chopped) > 0 {
				if len(g.ops[app]) == 0 || chop {
					mig := &Migration{App: app, Name: fmt.Sprintf("auto_%d", len(g.migs[app])+1), Initial: true, Dependencies: depOrder}
					for _, o := range chopped {
						mig.Operations = append(mig.Operations, o.op)
					}
					g.migs[app] = append(g.migs[app], mig)
					chop = false
				} else {
					g.ops[app] = append(chopped, g.ops[app]...)
				}
			}
		}
		n := count()
		if n == num {
			if chop {
				return fmt.Errorf("cannot resolve operation dependencies (as Django's makemigrations cannot)")
			}
			chop = true
		}
		num = n
	}
	return nil
}

// externalLeaf is the migration of an app outside the generation a
// dependency names, as makemigrations takes its graph's leaf.
func (g *generator) externalLeaf(app string) (string, bool) {
	if g.opts.ExternalLeaf == nil {
		return "", false
	}
	return g.opts.ExternalLeaf(app)
}

// optimize is _optimize_migrations: internal dependencies, then Django's
// optimizer rules of the version on each migration.
func (g *generator) optimize() {
	rules := optimizer.RulesMain
	switch {
	case g.opts.Django <= 4:
		rules = optimizer.Rules42
	case g.opts.Django == 5:
		rules = optimizer.Rules52
	}
	for _, app := range slices.Sorted(maps.Keys(g.migs)) {
		migs := g.migs[app]
		for i := 1; i < len(migs); i++ {
			migs[i].Dependencies = append(migs[i].Dependencies, m.Dependency{Key: m.Key{App: app, Name: migs[i-1].Name}})
		}
		for _, mig := range migs {
			mig.Dependencies = dedupeDeps(mig.Dependencies)
			mig.Operations = optimizer.Exactly(mig.Operations, app, rules, g.opts.Settings)
		}
	}
}

func dedupeDeps(ds []m.Dependency) []m.Dependency {
	var out []m.Dependency
	seen := map[m.Dependency]bool{}
	for _, d := range ds {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

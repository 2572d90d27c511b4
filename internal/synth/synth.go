// Package synth generates synthetic Django projects with realistic migration
// histories, for benchmarks and property tests at any scale.
//
// A generated project is real: every migration is valid at its point of the
// history, models.py renders the final state, and real Django migrates it and
// finds no changes. Output depends only on Options (seeded), so a benchmark
// at 10,000 migrations is reproducible byte for byte.
//
// Invariants: migrations are produced in one global order and each depends
// only on migrations produced before it, so the graph is acyclic; the
// generator keeps its own model of the schema and only emits operations
// valid against it.
package synth

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Options describe the project to generate.
type Options struct {
	Seed       int64
	Apps       int // number of apps (at least 1)
	Migrations int // total migrations across all apps, including each app's 0001
	// DataEvery adds a RunPython or RunSQL migration about once in this many
	// migrations (0: never).
	DataEvery int
	// Unformatted writes the data migrations' code the way hand-written,
	// older code often is (single quotes, odd wrapping and spacing, one-line
	// compound statements, comments without a space), not as black would:
	// what a squash copies must still come out black-clean.
	Unformatted bool
}

// Stats counts what was generated.
type Stats struct {
	Migrations int
	Operations int
	ByKind     map[string]int
}

// field is one model field in the generator's own schema model.
type field struct {
	name string
	kind string // CharField, IntegerField, ...
	args map[string]string
	to   string // "app.Model" for a ForeignKey
}

type model struct {
	app, name string
	fields    []*field
	indexes   []index
	checks    []check
	ordering  string
}

type index struct{ name, field string }
type check struct{ name, field string }

type app struct {
	label  string
	models []*model
	migs   []string // migration names so far
	seq    int
}

type gen struct {
	r     *rand.Rand
	opts  Options
	apps  []*app
	stats Stats
	dir   string
	names int
}

// Generate writes a project into dir (created if needed).
func Generate(dir string, opts Options) (Stats, error) {
	if opts.Apps < 1 {
		opts.Apps = 1
	}
	if opts.Migrations < opts.Apps {
		opts.Migrations = opts.Apps
	}
	g := &gen{r: rand.New(rand.NewSource(opts.Seed)), opts: opts, dir: dir, stats: Stats{ByKind: map[string]int{}}}
	for i := 0; i < opts.Apps; i++ {
		g.apps = append(g.apps, &app{label: fmt.Sprintf("app%02d", i+1)})
	}
	if err := g.writeSkeleton(); err != nil {
		return g.stats, err
	}
	// Every app starts with a CreateModel migration.
	for _, a := range g.apps {
		if err := g.emit(a, g.initial(a)); err != nil {
			return g.stats, err
		}
	}
	for n := len(g.apps); n < opts.Migrations; n++ {
		a := g.apps[g.r.Intn(len(g.apps))]
		var m *mig
		if opts.DataEvery > 0 && g.r.Intn(opts.DataEvery) == 0 {
			m = g.data(a)
		} else {
			m = g.schema(a)
		}
		if err := g.emit(a, m); err != nil {
			return g.stats, err
		}
	}
	for _, a := range g.apps {
		if err := g.writeModels(a); err != nil {
			return g.stats, err
		}
	}
	return g.stats, nil
}

// mig is one migration being built.
type mig struct {
	name string
	deps map[string]bool // "app.migration"
	ops  []string        // rendered operations
	pre  []string        // module-level code (functions, constants)
	kind []string
}

func (g *gen) newMig(a *app, suffix string) *mig {
	a.seq++
	m := &mig{name: fmt.Sprintf("%04d_%s", a.seq, suffix), deps: map[string]bool{}}
	if len(a.migs) > 0 {
		m.deps[a.label+"."+a.migs[len(a.migs)-1]] = true
	}
	return m
}

func (g *gen) uniq(prefix string) string {
	g.names++
	return fmt.Sprintf("%s%d", prefix, g.names)
}

func (g *gen) initial(a *app) *mig {
	m := g.newMig(a, "initial")
	g.createModel(a, m)
	return m
}

// newField invents a field that AddField can add to a table with rows:
// nullable or with a default.
func (g *gen) newField(a *app, m *mig, allowFK bool) *field {
	f := &field{name: g.uniq("f"), args: map[string]string{}}
	switch x := g.r.Intn(10); {
	case x < 3:
		f.kind = "CharField"
		f.args["max_length"] = fmt.Sprint(20 + 10*g.r.Intn(20))
		f.args["default"] = `""`
		f.args["blank"] = "True"
	case x < 5:
		f.kind = "IntegerField"
		f.args["default"] = "0"
	case x < 6:
		f.kind = "BooleanField"
		f.args["default"] = "False"
	case x < 7:
		f.kind = "DateTimeField"
		f.args["null"] = "True"
		f.args["blank"] = "True"
	case x < 8:
		f.kind = "DecimalField"
		f.args["max_digits"] = "10"
		f.args["decimal_places"] = "2"
		f.args["default"] = "0"
	default:
		if allowFK {
			if target := g.pickModel(nil); target != nil {
				f.kind = "ForeignKey"
				f.to = target.app + "." + target.name
				f.args["null"] = "True"
				f.args["blank"] = "True"
				f.args["on_delete"] = "django.db.models.deletion.SET_NULL"
				// No reverse accessor: two foreign keys of one model to
				// another would clash (fields.E304).
				f.args["related_name"] = `"+"`
				if target.app != a.label {
					ta := g.app(target.app)
					m.deps[ta.label+"."+ta.migs[len(ta.migs)-1]] = true
				}
				return f
			}
		}
		f.kind = "TextField"
		f.args["blank"] = "True"
		f.args["default"] = `""`
	}
	return f
}

func (g *gen) app(label string) *app {
	for _, a := range g.apps {
		if a.label == label {
			return a
		}
	}
	return nil
}

// pickModel picks a random model of any app (of one app when a != nil).
func (g *gen) pickModel(a *app) *model {
	var all []*model
	for _, x := range g.apps {
		if a != nil && x != a {
			continue
		}
		// A model only exists for others once its app's migration is written.
		if len(x.migs) == 0 {
			continue
		}
		all = append(all, x.models...)
	}
	if len(all) == 0 {
		return nil
	}
	return all[g.r.Intn(len(all))]
}

func (g *gen) createModel(a *app, m *mig) {
	md := &model{app: a.label, name: g.uniq("Model")}
	n := 1 + g.r.Intn(4)
	for i := 0; i < n; i++ {
		md.fields = append(md.fields, g.newField(a, m, len(a.migs) > 0))
	}
	fields := node{head: "[", tail: "]", literal: true, magic: true}
	id := call("models.AutoField", atom("auto_created=True"), atom("primary_key=True"), atom("serialize=False"), atom(`verbose_name="ID"`))
	id.magic = true
	fields.items = append(fields.items, tuple(atom(`"id"`), id))
	for _, f := range md.fields {
		fields.items = append(fields.items, tuple(atom(fmt.Sprintf("%q", f.name)), f.node(true)))
	}
	a.models = append(a.models, md)
	m.add("CreateModel", op("CreateModel", atom(fmt.Sprintf("name=%q", md.name)), kw("fields", fields)))
}

// add records an operation, rendered at the operations list's indent.
func (m *mig) add(kind string, op node) {
	m.ops = append(m.ops, render(op, 8, ","))
	m.kind = append(m.kind, kind)
}

// op builds migrations.X(...) with keyword arguments, exploded as Django's
// writer does (it always puts one argument per line, with a trailing comma).
func op(name string, args ...node) node {
	n := call("migrations."+name, args...)
	n.magic = true
	return n
}

// node renders a field call as Django's migration writer does (sorted
// kwargs); in models.py, on_delete uses the models.SET_NULL spelling.
func (f *field) node(migration bool) node {
	keys := make([]string, 0, len(f.args))
	for k := range f.args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var args []node
	if f.kind == "ForeignKey" {
		args = append(args, atom(fmt.Sprintf("to=%q", f.to))) // "app.Model" works in both
	}
	for _, k := range keys {
		v := f.args[k]
		if k == "on_delete" && !migration {
			v = "models.SET_NULL"
		}
		args = append(args, atom(k+"="+v))
	}
	return call("models."+f.kind, args...)
}

// kw wraps a node as a keyword argument.
func kw(name string, n node) node {
	if n.head == "" {
		return atom(name + "=" + n.atom)
	}
	n.head = name + "=" + n.head
	return n
}

// schema makes a migration of one to three schema operations.
func (g *gen) schema(a *app) *mig {
	m := g.newMig(a, "auto")
	n := 1 + g.r.Intn(3)
	for i := 0; i < n; i++ {
		g.schemaOp(a, m)
	}
	return m
}

func (g *gen) schemaOp(a *app, m *mig) {
	md := a.models[g.r.Intn(len(a.models))]
	switch x := g.r.Intn(100); {
	case x < 30: // AlterField: the most common operation in real histories
		if f := md.plainField(g.r); f != nil {
			g.alterField(f)
			m.add("AlterField", op("AlterField", modelName(md), atom(fmt.Sprintf("name=%q", f.name)), kw("field", f.node(true))))
			return
		}
		fallthrough
	case x < 55: // AddField
		f := g.newField(a, m, true)
		md.fields = append(md.fields, f)
		m.add("AddField", op("AddField", modelName(md), atom(fmt.Sprintf("name=%q", f.name)), kw("field", f.node(true))))
	case x < 65:
		g.createModel(a, m)
	case x < 73: // RemoveField of a field no index, check or unique_together uses
		if f := md.freeField(g.r); f != nil {
			md.removeField(f.name)
			m.add("RemoveField", op("RemoveField", modelName(md), atom(fmt.Sprintf("name=%q", f.name))))
			return
		}
		g.schemaOp(a, m)
	case x < 81: // RenameField
		if f := md.freeField(g.r); f != nil {
			old := f.name
			f.name = g.uniq("f")
			m.add("RenameField", op("RenameField", modelName(md), atom(fmt.Sprintf("old_name=%q", old)), atom(fmt.Sprintf("new_name=%q", f.name))))
			return
		}
		g.schemaOp(a, m)
	case x < 87: // AddIndex on a concrete non-FK field
		if f := md.plainField(g.r); f != nil && f.kind != "TextField" && len(md.indexes) < 3 {
			ix := index{name: g.uniq("ix_" + a.label + "_"), field: f.name}
			md.indexes = append(md.indexes, ix)
			m.add("AddIndex", op("AddIndex", modelName(md), kw("index", call("models.Index", atom(fmt.Sprintf("fields=[%q]", f.name)), atom(fmt.Sprintf("name=%q", ix.name))))))
			return
		}
		g.schemaOp(a, m)
	case x < 90:
		if len(md.indexes) > 0 {
			ix := md.indexes[0]
			md.indexes = md.indexes[1:]
			m.add("RemoveIndex", op("RemoveIndex", modelName(md), atom(fmt.Sprintf("name=%q", ix.name))))
			return
		}
		g.schemaOp(a, m)
	case x < 94: // AddConstraint on an IntegerField
		for _, f := range md.fields {
			if f.kind == "IntegerField" && !md.checked(f.name) {
				c := check{name: g.uniq("ck_" + a.label + "_"), field: f.name}
				md.checks = append(md.checks, c)
				m.add("AddConstraint", op("AddConstraint", modelName(md), kw("constraint", checkNode(c))))
				return
			}
		}
		g.schemaOp(a, m)
	default: // AlterModelOptions: ordering
		md.ordering = md.fields[g.r.Intn(len(md.fields))].name
		if g.r.Intn(3) == 0 {
			md.ordering = "-id"
		}
		m.add("AlterModelOptions", op("AlterModelOptions", atom(fmt.Sprintf("name=%q", strings.ToLower(md.name))), atom(fmt.Sprintf(`options={"ordering": [%q]}`, md.ordering))))
	}
}

func modelName(md *model) node { return atom(fmt.Sprintf("model_name=%q", strings.ToLower(md.name))) }

func checkNode(c check) node {
	return call("models.CheckConstraint", kw("check", call("models.Q", atom(fmt.Sprintf("(%q, 0)", c.field+"__gte")))), atom(fmt.Sprintf("name=%q", c.name)))
}

// plainField returns a random non-FK field, or nil.
func (md *model) plainField(r *rand.Rand) *field {
	var c []*field
	for _, f := range md.fields {
		if f.kind != "ForeignKey" {
			c = append(c, f)
		}
	}
	if len(c) == 0 {
		return nil
	}
	return c[r.Intn(len(c))]
}

// freeField returns a field that no index, check or ordering names, keeping
// at least one field on the model.
func (md *model) freeField(r *rand.Rand) *field {
	if len(md.fields) < 2 {
		return nil
	}
	var c []*field
	for _, f := range md.fields {
		used := md.ordering == f.name || md.checked(f.name)
		for _, ix := range md.indexes {
			used = used || ix.field == f.name
		}
		if !used {
			c = append(c, f)
		}
	}
	if len(c) == 0 {
		return nil
	}
	return c[r.Intn(len(c))]
}

func (md *model) checked(name string) bool {
	for _, c := range md.checks {
		if c.field == name {
			return true
		}
	}
	return false
}

func (md *model) removeField(name string) {
	for i, f := range md.fields {
		if f.name == name {
			md.fields = append(md.fields[:i], md.fields[i+1:]...)
			return
		}
	}
}

// alterField changes one attribute the way real AlterFields do.
func (g *gen) alterField(f *field) {
	switch f.kind {
	case "CharField":
		f.args["max_length"] = fmt.Sprint(20 + 10*g.r.Intn(20))
	case "IntegerField", "DecimalField":
		f.args["default"] = fmt.Sprint(g.r.Intn(100))
	case "BooleanField":
		if f.args["default"] == "False" {
			f.args["default"] = "True"
		} else {
			f.args["default"] = "False"
		}
	default:
		if _, ok := f.args["help_text"]; ok {
			delete(f.args, "help_text")
		} else {
			f.args["help_text"] = fmt.Sprintf("%q", "help "+f.name)
		}
	}
}

// unformattedData is a data migration's code in no particular style (see
// Options.Unformatted); it reads and counts, and changes nothing.
const unformattedData = `BATCH=%d
NAMES = ['alpha', 'beta',
    'gamma']

def _count(model): return model.objects.count()
def %s(apps,schema_editor):
    '''   Count the rows; change nothing.   '''
    Model=apps.get_model('%s','%s')  # the historical model
    #nothing to seed
    if _count(Model)>BATCH :
        pass
    elif not NAMES: return
    for n in NAMES [ :2]:
        row = {'name':n,
               'rank' : len(n)**2, 'tags':( 'a', ) }
        del row
`

// data makes a data migration: RunPython with module-level functions and a
// constant, or a portable RunSQL.
func (g *gen) data(a *app) *mig {
	m := g.newMig(a, "data")
	md := a.models[g.r.Intn(len(a.models))]
	if g.r.Intn(2) == 0 {
		fn := g.uniq("forwards_")
		if g.opts.Unformatted {
			m.pre = append(m.pre, fmt.Sprintf(unformattedData, 100+g.r.Intn(900), fn, a.label, md.name))
		} else {
			m.pre = append(m.pre, fmt.Sprintf("BATCH = %d\n\n\ndef _count(model):\n    return model.objects.count()\n\n\ndef %s(apps, schema_editor):\n    Model = apps.get_model(%q, %q)\n    if _count(Model) > BATCH:\n        pass\n", 100+g.r.Intn(900), fn, a.label, md.name))
		}
		m.add("RunPython", call("migrations.RunPython", atom(fn), atom("migrations.RunPython.noop")))
	} else {
		m.add("RunSQL", call("migrations.RunSQL", atom(`"SELECT 1"`), atom(`reverse_sql="SELECT 1"`)))
	}
	return m
}

// emit writes a migration file shaped like Django's writer output.
func (g *gen) emit(a *app, m *mig) error {
	var b strings.Builder
	b.WriteString("# Generated by djsquash synth\n\nimport django.db.models.deletion\nfrom django.db import migrations, models\n\n\n")
	for _, p := range m.pre {
		b.WriteString(p)
		b.WriteString("\n\n")
	}
	// No blank line after the class line: black 23 removes it, black 24
	// keeps either form, so this is stable under both.
	b.WriteString("class Migration(migrations.Migration):\n")
	if len(a.migs) == 0 {
		b.WriteString("    initial = True\n\n")
	}
	deps := make([]string, 0, len(m.deps))
	for d := range m.deps {
		deps = append(deps, d)
	}
	sort.Strings(deps)
	b.WriteString("    dependencies = [")
	if len(deps) > 0 {
		b.WriteString("\n")
		for _, d := range deps {
			app, name, _ := strings.Cut(d, ".")
			fmt.Fprintf(&b, "        (%q, %q),\n", app, name)
		}
		b.WriteString("    ")
	}
	b.WriteString("]\n\n    operations = [\n")
	for _, o := range m.ops {
		b.WriteString(o + "\n")
	}
	b.WriteString("    ]\n")
	src := b.String()
	dir := filepath.Join(g.dir, a.label, "migrations")
	if err := os.WriteFile(filepath.Join(dir, m.name+".py"), []byte(src), 0o644); err != nil {
		return err
	}
	a.migs = append(a.migs, m.name)
	g.stats.Migrations++
	g.stats.Operations += len(m.ops)
	for _, k := range m.kind {
		g.stats.ByKind[k]++
	}
	return nil
}

func (g *gen) writeSkeleton() error {
	var installed []string
	for _, a := range g.apps {
		installed = append(installed, fmt.Sprintf("    %q,", a.label))
		dir := filepath.Join(g.dir, a.label, "migrations")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, f := range []string{filepath.Join(g.dir, a.label, "__init__.py"), filepath.Join(dir, "__init__.py")} {
			if err := os.WriteFile(f, nil, 0o644); err != nil {
				return err
			}
		}
	}
	files := map[string]string{
		"manage.py": "#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == \"__main__\":\n" +
			"    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"synthproj.settings\")\n" +
			"    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n",
		"synthproj/__init__.py": "",
		"synthproj/settings.py": "SECRET_KEY = \"synthetic\"\nUSE_TZ = True\nDEFAULT_AUTO_FIELD = \"django.db.models.AutoField\"\n" +
			"INSTALLED_APPS = [\n" + strings.Join(installed, "\n") + "\n]\n" +
			"DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}}\n",
	}
	for name, content := range files {
		p := filepath.Join(g.dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeModels renders an app's final state as models.py.
func (g *gen) writeModels(a *app) error {
	var b strings.Builder
	b.WriteString("import django\nfrom django.db import models\n\n")
	// Django 5.1 renamed CheckConstraint(check=) to condition=, and 6.0
	// removed check=; the migrations keep check=, as Django 5.0 wrote it.
	b.WriteString("CONDITION = \"condition\" if django.VERSION >= (5, 1) else \"check\"\n")
	for _, md := range a.models {
		fmt.Fprintf(&b, "\n\nclass %s(models.Model):\n", md.name)
		for _, f := range md.fields {
			fn := f.node(false)
			fn.head = f.name + " = " + fn.head
			b.WriteString(render(fn, 4, "") + "\n")
		}
		if md.ordering == "" && len(md.indexes) == 0 && len(md.checks) == 0 {
			continue
		}
		b.WriteString("\n    class Meta:\n")
		if md.ordering != "" {
			fmt.Fprintf(&b, "        ordering = [%q]\n", md.ordering)
		}
		if len(md.indexes) > 0 {
			b.WriteString("        indexes = [\n")
			for _, ix := range md.indexes {
				b.WriteString(render(call("models.Index", atom(fmt.Sprintf("fields=[%q]", ix.field)), atom(fmt.Sprintf("name=%q", ix.name))), 12, ",") + "\n")
			}
			b.WriteString("        ]\n")
		}
		if len(md.checks) > 0 {
			b.WriteString("        constraints = [\n")
			for _, c := range md.checks {
				b.WriteString(render(call("models.CheckConstraint", atom(fmt.Sprintf("**{CONDITION: models.Q((%q, 0))}", c.field+"__gte")), atom(fmt.Sprintf("name=%q", c.name))), 12, ",") + "\n")
			}
			b.WriteString("        ]\n")
		}
	}
	return os.WriteFile(filepath.Join(g.dir, a.label, "models.py"), []byte(b.String()), 0o644)
}

package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// A model generator for the reset differential: many small "projects"
// (groups of two apps whose models relate to each other, cycles included)
// in one Django project, so that one makemigrations run serves them all.
// Each model is drawn with the features makemigrations treats specially:
// relations (to the other app, to itself, to the user model), M2M with and
// without through, proxies, unmanaged models, indexes, check and unique
// constraints, unique_together, db_table, ordering, order_with_respect_to,
// GeneratedField (Django 5). Two versions of every models.py are written:
// a first one and the final one (fields added, removed and altered, models
// added and deleted), so that makemigrations writes a history of two steps.

type genField struct {
	name, decl string
	v1         bool   // present in the first version
	v1decl     string // the first version's declaration, when it differs
	final      bool   // present in the final version
}

type genModel struct {
	app, name    string
	fields       []genField
	meta         []string // Meta lines of the final version
	base         string   // "models.Model", or a model of the same app (proxy)
	v1, final    bool
	proxy, unmgd bool
}

type genApp struct {
	label  string
	models []*genModel
}

type modelGen struct {
	r      *rand.Rand
	django int // 4 or 5
	apps   []*genApp
	n      int
}

func (g *modelGen) name(prefix string) string {
	g.n++
	return fmt.Sprintf("%s%d", prefix, g.n)
}

// group adds two apps whose models relate across them.
func (g *modelGen) group(i int) {
	a := &genApp{label: fmt.Sprintf("g%03da", i)}
	b := &genApp{label: fmt.Sprintf("g%03db", i)}
	g.apps = append(g.apps, a, b)
	for _, app := range []*genApp{a, b} {
		for k := 0; k < 1+g.r.IntN(3); k++ {
			md := &genModel{app: app.label, name: fmt.Sprintf("M%s", g.name("")), base: "models.Model", v1: true, final: true}
			switch g.r.IntN(10) {
			case 0:
				md.v1 = false // added by the second step
			case 1:
				md.final = false // deleted by the second step
			}
			app.models = append(app.models, md)
		}
	}
	all := append(append([]*genModel{}, a.models...), b.models...)
	for _, md := range all {
		g.fields(md, all)
	}
	// A proxy of a concrete model, and an unmanaged model, now and then.
	for _, app := range []*genApp{a, b} {
		if g.r.IntN(4) == 0 && app.models[0].final && app.models[0].v1 {
			app.models = append(app.models, &genModel{app: app.label, name: "P" + g.name(""), base: app.models[0].name, proxy: true, v1: true, final: true,
				meta: []string{"proxy = True"}})
		}
		if g.r.IntN(5) == 0 {
			u := &genModel{app: app.label, name: "U" + g.name(""), base: "models.Model", unmgd: true, v1: true, final: true}
			u.fields = append(u.fields, genField{name: "label", decl: "models.CharField(max_length=20)", v1: true, final: true})
			u.meta = []string{"managed = False", fmt.Sprintf("db_table = %q", strings.ToLower(u.name)+"_legacy")}
			app.models = append(app.models, u)
		}
	}
}

// fields draws a model's fields and options; others are the models it may
// relate to.
func (g *modelGen) fields(md *genModel, others []*genModel) {
	r := g.r
	add := func(f genField) { md.fields = append(md.fields, f) }
	add(genField{name: "title", decl: fmt.Sprintf("models.CharField(max_length=%d)", 20+r.IntN(80)), v1: true, final: true,
		v1decl: "models.CharField(max_length=10)"})
	add(genField{name: "count", decl: "models.IntegerField(default=0)", v1: true, final: true})
	if r.IntN(3) == 0 {
		add(genField{name: "gone", decl: "models.BooleanField(default=False)", v1: true, final: false})
	}
	if r.IntN(3) == 0 {
		add(genField{name: "added", decl: "models.TextField(blank=True, default=\"\")", v1: false, final: true})
	}
	var fks []string
	for k := 0; k < r.IntN(3); k++ {
		t := others[r.IntN(len(others))]
		if !t.final {
			continue
		}
		name := g.name("rel")
		to := fmt.Sprintf("%q", t.app+"."+t.name)
		if t == md {
			to = `"self"`
		}
		v1 := md.v1 && t.v1 && r.IntN(2) == 0
		switch r.IntN(4) {
		case 0:
			add(genField{name: name, decl: fmt.Sprintf("models.ManyToManyField(%s, blank=True, related_name=%q)", to, name+"_set"), v1: v1, final: true})
		case 1:
			add(genField{name: name, decl: fmt.Sprintf("models.OneToOneField(%s, null=True, blank=True, on_delete=models.SET_NULL, related_name=%q)", to, name+"_one"), v1: v1, final: true})
		default:
			add(genField{name: name, decl: fmt.Sprintf("models.ForeignKey(%s, null=True, blank=True, on_delete=models.SET_NULL, related_name=%q)", to, name+"_set"), v1: v1, final: true})
			fks = append(fks, name)
		}
	}
	if r.IntN(6) == 0 {
		name := g.name("user")
		add(genField{name: name, decl: fmt.Sprintf("models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name=%q)", name+"_set"), v1: md.v1, final: true})
	}
	if r.IntN(8) == 0 {
		// An M2M through a model of the same app.
		var target *genModel
		for _, o := range others {
			if o.final && o.v1 && o != md {
				target = o
				break
			}
		}
		if target != nil && md.final {
			through := &genModel{app: md.app, name: "T" + g.name(""), base: "models.Model", v1: md.v1, final: true}
			lower := strings.ToLower
			through.fields = []genField{
				{name: "left", decl: fmt.Sprintf("models.ForeignKey(%q, on_delete=models.CASCADE, related_name=%q)", md.app+"."+md.name, lower(through.name)+"_l"), v1: true, final: true},
				{name: "right", decl: fmt.Sprintf("models.ForeignKey(%q, on_delete=models.CASCADE, related_name=%q)", target.app+"."+target.name, lower(through.name)+"_r"), v1: true, final: true},
			}
			for _, app := range g.apps {
				if app.label == md.app {
					app.models = append(app.models, through)
				}
			}
			name := g.name("via")
			add(genField{name: name, decl: fmt.Sprintf("models.ManyToManyField(%q, through=%q, blank=True, related_name=%q)",
				target.app+"."+target.name, md.app+"."+through.name, name+"_set"), v1: md.v1, final: true})
		}
	}
	if g.django >= 5 && r.IntN(6) == 0 {
		add(genField{name: "doubled", decl: "models.GeneratedField(expression=models.F(\"count\") * 2, output_field=models.IntegerField(), db_persist=True)", v1: false, final: true})
	}
	lowerName := strings.ToLower(md.name)
	switch r.IntN(9) {
	case 0:
		md.meta = append(md.meta, fmt.Sprintf("db_table = %q", lowerName+"_tbl"))
	case 1:
		md.meta = append(md.meta, `ordering = ["-count", "title"]`, fmt.Sprintf("verbose_name = %q", "thing "+lowerName))
	case 2:
		if len(fks) > 0 {
			md.meta = append(md.meta, fmt.Sprintf("order_with_respect_to = %q", fks[0]))
		}
	}
	var indexes, constraints []string
	if r.IntN(3) == 0 {
		indexes = append(indexes, fmt.Sprintf("models.Index(fields=[\"title\"], name=%q)", lowerName+"_title_ix"))
	}
	if r.IntN(4) == 0 {
		kw := "condition"
		if g.django < 5 {
			kw = "check"
		}
		constraints = append(constraints, fmt.Sprintf("models.CheckConstraint(%s=models.Q(count__gte=0), name=%q)", kw, lowerName+"_count_ck"))
	}
	if r.IntN(5) == 0 {
		constraints = append(constraints, fmt.Sprintf("models.UniqueConstraint(fields=[\"title\", \"count\"], name=%q)", lowerName+"_uq"))
	}
	if r.IntN(5) == 0 {
		md.meta = append(md.meta, `unique_together = [("title", "count")]`)
	}
	if len(indexes) > 0 {
		md.meta = append(md.meta, "indexes = ["+strings.Join(indexes, ", ")+"]")
	}
	if len(constraints) > 0 {
		md.meta = append(md.meta, "constraints = ["+strings.Join(constraints, ", ")+"]")
	}
}

// write writes the project: settings, manage.py, each app's models.py in
// its final version (v1: the first), empty migrations packages.
func (g *modelGen) write(t *testing.T, dir string, v1 bool) {
	t.Helper()
	mk := func(path, content string) {
		full := filepath.Join(dir, path)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var labels []string
	for _, a := range g.apps {
		labels = append(labels, fmt.Sprintf("    %q,", a.label))
	}
	mk("proj/__init__.py", "")
	mk("proj/settings.py", "SECRET_KEY = \"test\"\nUSE_TZ = True\nDEFAULT_AUTO_FIELD = \"django.db.models.BigAutoField\"\n"+
		"DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}}\n"+
		"AUTH_USER_MODEL = \"users.User\"\n"+
		"SILENCED_SYSTEM_CHECKS = [\"fields.W340\", \"fields.W345\", \"models.W042\"]\n"+
		"INSTALLED_APPS = [\n    \"django.contrib.contenttypes\",\n    \"django.contrib.auth\",\n    \"users\",\n"+strings.Join(labels, "\n")+"\n]\n")
	mk("manage.py", "import os\nimport sys\n\nif __name__ == \"__main__\":\n    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n"+
		"    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n")
	// The custom user model, created first, as makemigrations requires.
	mk("users/__init__.py", "")
	mk("users/migrations/__init__.py", "")
	mk("users/models.py", "from django.contrib.auth.models import AbstractUser\nfrom django.db import models\n\n\nclass User(AbstractUser):\n    nickname = models.CharField(max_length=30, blank=True)\n")
	for _, a := range g.apps {
		mk(a.label+"/__init__.py", "")
		mk(a.label+"/migrations/__init__.py", "")
		var b strings.Builder
		b.WriteString("from django.conf import settings\nfrom django.db import models\n")
		for _, md := range a.models {
			if v1 && !md.v1 || !v1 && !md.final {
				continue
			}
			fmt.Fprintf(&b, "\n\nclass %s(%s):\n", md.name, md.base)
			n := 0
			for _, f := range md.fields {
				if v1 && !f.v1 || !v1 && !f.final {
					continue
				}
				decl := f.decl
				if v1 && f.v1decl != "" {
					decl = f.v1decl
				}
				if v1 && (strings.Contains(decl, "GeneratedField")) {
					continue
				}
				if refersToMissing(decl, g, v1) {
					continue
				}
				fmt.Fprintf(&b, "    %s = %s\n", f.name, decl)
				n++
			}
			var meta []string
			if !v1 {
				meta = md.meta
			} else if md.proxy || md.unmgd {
				meta = md.meta
			}
			if len(meta) > 0 {
				b.WriteString("\n    class Meta:\n")
				for _, l := range meta {
					fmt.Fprintf(&b, "        %s\n", l)
				}
			} else if n == 0 {
				b.WriteString("    pass\n")
			}
		}
		mk(a.label+"/models.py", b.String())
	}
}

// refersToMissing reports a relation to a model absent from the version.
func refersToMissing(decl string, g *modelGen, v1 bool) bool {
	for _, a := range g.apps {
		for _, md := range a.models {
			present := md.final
			if v1 {
				present = md.v1
			}
			if !present && (strings.Contains(decl, fmt.Sprintf("%q", a.label+"."+md.name))) {
				return true
			}
		}
	}
	return false
}

// newModelGen draws groups with a seed.
func newModelGen(seed uint64, groups, django int) *modelGen {
	g := &modelGen{r: rand.New(rand.NewPCG(seed, 7)), django: django}
	for i := 0; i < groups; i++ {
		g.group(i)
	}
	return g
}

func (g *modelGen) labels() []string {
	out := []string{"users"}
	for _, a := range g.apps {
		out = append(out, a.label)
	}
	sort.Strings(out)
	return out
}

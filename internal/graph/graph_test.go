package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// gcase is one graph scenario, in the JSON form the Python oracle reads.
type gcase struct {
	Name       string      `json:"-"`
	Migrations []gmig      `json:"migrations"`
	Applied    [][2]string `json:"applied"`
	Apps       []string    `json:"apps"`
}

type gmig struct {
	App          string      `json:"app"`
	Name         string      `json:"name"`
	Dependencies [][2]string `json:"dependencies,omitempty"`
	RunBefore    [][2]string `json:"run_before,omitempty"`
	Replaces     [][2]string `json:"replaces,omitempty"`
}

type gresult struct {
	Plan    [][2]string `json:"plan"`
	Leaves  [][2]string `json:"leaves"`
	Applied [][2]string `json:"applied"`
	Error   *string     `json:"error"`
}

func deps(pairs [][2]string) []migration.Dependency {
	out := make([]migration.Dependency, len(pairs))
	for i, p := range pairs {
		out[i] = migration.Dependency{Key: Key{App: p[0], Name: p[1]}, Pos: -1}
	}
	return out
}

func pairs(keys []Key) [][2]string {
	out := make([][2]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, [2]string{k.App, k.Name})
	}
	return out
}

// buildCase runs our graph on a case and returns what the oracle returns.
func buildCase(c gcase, nested bool) (gresult, *Graph) {
	var migs []*migration.Migration
	for _, m := range c.Migrations {
		migs = append(migs, &migration.Migration{
			Key:          Key{App: m.App, Name: m.Name},
			Dependencies: deps(m.Dependencies),
			RunBefore:    deps(m.RunBefore),
			Replaces:     deps(m.Replaces),
		})
	}
	opts := Options{Applied: map[Key]bool{}, Apps: map[string]bool{}, NestedReplacements: nested}
	for _, a := range c.Applied {
		opts.Applied[Key{App: a[0], Name: a[1]}] = true
	}
	for _, a := range c.Apps {
		opts.Apps[a] = true
	}
	g := Build(migs, opts)
	var r gresult
	if len(g.Diagnostics) > 0 {
		msg := g.Diagnostics[0].Message
		r.Error = &msg
		return r, g
	}
	r.Plan = pairs(g.Plan())
	r.Leaves = pairs(g.LeafNodes(""))
	var applied []Key
	for k := range g.Applied {
		applied = append(applied, k)
	}
	sort.Slice(applied, func(i, j int) bool { return applied[i].Less(applied[j]) })
	r.Applied = pairs(applied)
	return r, g
}

// oracle runs Django's loader on every case in one Python process.
func oracle(t *testing.T, dj *djangotest.Django, cases []gcase) []gresult {
	t.Helper()
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(dj.Python, "testdata/django_graph.py")
	cmd.Env = append(cmd.Environ(), "PYTHONPATH="+dj.PythonPath)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var res []gresult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("oracle output: %v", err)
	}
	return res
}

// compare checks our result against Django's. Django raises only the first
// problem it meets; we must report that same problem first. Cycles are
// compared by kind only: Django names whichever cycle its set iteration meets.
func compare(t *testing.T, c gcase, want, got gresult) {
	t.Helper()
	if want.Error != nil || got.Error != nil {
		w, g := "", ""
		if want.Error != nil {
			w = *want.Error
		}
		if got.Error != nil {
			g = *got.Error
		}
		switch {
		case strings.HasPrefix(w, "CircularDependencyError"):
			if !strings.HasPrefix(g, "Circular dependency") {
				t.Errorf("%s: Django: %s\nours: %q", c.Name, w, g)
			}
		case w == "" || g == "" || !strings.HasSuffix(w, g):
			t.Errorf("%s: Django: %q\nours:   %q\ncase: %s", c.Name, w, g, caseJSON(c))
		}
		return
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s: differs from Django (-django +ours):\n%s\ncase: %s", c.Name, d, caseJSON(c))
	}
}

func caseJSON(c gcase) string {
	b, _ := json.Marshal(c)
	return string(b)
}

func lin(app string, names ...string) []gmig {
	var out []gmig
	for i, n := range names {
		m := gmig{App: app, Name: n}
		if i > 0 {
			m.Dependencies = [][2]string{{app, names[i-1]}}
		}
		out = append(out, m)
	}
	return out
}

// handCases are the loader behaviours Django's own tests pin down,
// re-expressed as data.
func handCases() []gcase {
	k := func(a, n string) [2]string { return [2]string{a, n} }
	squash := gmig{App: "app", Name: "0001_squashed_0002", Replaces: [][2]string{k("app", "0001_initial"), k("app", "0002_second")}}
	afterSquash := gmig{App: "app", Name: "0003_third", Dependencies: [][2]string{k("app", "0002_second")}}
	return []gcase{
		{Name: "linear", Apps: []string{"app"}, Migrations: lin("app", "0001_initial", "0002_second", "0003_third")},
		{Name: "two apps", Apps: []string{"a", "b"}, Migrations: append(lin("a", "0001", "0002"),
			gmig{App: "b", Name: "0001", Dependencies: [][2]string{k("a", "0001")}},
			gmig{App: "b", Name: "0002", Dependencies: [][2]string{k("b", "0001"), k("a", "__latest__")}})},
		{Name: "first", Apps: []string{"a", "b"}, Migrations: append(lin("a", "0001", "0002"),
			gmig{App: "b", Name: "0001", Dependencies: [][2]string{k("a", "__first__"), k("b", "__first__")}})},
		{Name: "run_before", Apps: []string{"a", "b"}, Migrations: append(lin("a", "0001", "0002"),
			gmig{App: "b", Name: "0001", RunBefore: [][2]string{k("a", "0002")}})},
		{Name: "conflict", Apps: []string{"a"}, Migrations: append(lin("a", "0001", "0002_x"),
			gmig{App: "a", Name: "0002_y", Dependencies: [][2]string{k("a", "0001")}})},
		{Name: "missing parent", Apps: []string{"a"}, Migrations: append(lin("a", "0001"),
			gmig{App: "a", Name: "0002", Dependencies: [][2]string{k("a", "0001"), k("a", "0009_gone")}})},
		{Name: "no migrations app", Apps: []string{"a", "empty"}, Migrations: []gmig{{App: "a", Name: "0001", Dependencies: [][2]string{k("empty", "__first__")}}}},
		{Name: "cycle", Apps: []string{"a", "b"}, Migrations: []gmig{
			{App: "a", Name: "0001", Dependencies: [][2]string{k("b", "0001")}},
			{App: "b", Name: "0001", Dependencies: [][2]string{k("a", "0001")}}}},
		{Name: "squash unapplied", Apps: []string{"app"}, Migrations: append(lin("app", "0001_initial", "0002_second"), squash, afterSquash)},
		{Name: "squash applied", Apps: []string{"app"}, Applied: [][2]string{k("app", "0001_initial"), k("app", "0002_second")},
			Migrations: append(lin("app", "0001_initial", "0002_second"), squash, afterSquash)},
		{Name: "squash partially applied", Apps: []string{"app"}, Applied: [][2]string{k("app", "0001_initial")},
			Migrations: append(lin("app", "0001_initial", "0002_second"), squash, afterSquash)},
		{Name: "squash, originals deleted", Apps: []string{"app"}, Migrations: []gmig{squash, afterSquash}},
		{Name: "squash, originals deleted, partially applied", Apps: []string{"app"}, Applied: [][2]string{k("app", "0001_initial")},
			Migrations: []gmig{squash, afterSquash}},
	}
}

func TestGraphMatchesDjango(t *testing.T) {
	cases := append(handCases(), randomCases(rand.New(rand.NewSource(1)), 1500)...)
	for _, v := range djangotest.Versions() {
		t.Run("django"+string(v), func(t *testing.T) {
			t.Parallel()
			dj := djangotest.RequireDjango(t, v)
			want := oracle(t, dj, cases)
			errs := 0
			for i, c := range cases {
				got, _ := buildCase(c, false)
				if want[i].Error != nil {
					errs++
				}
				compare(t, c, want[i], got)
			}
			// The generator must exercise both outcomes, or the test proves little.
			if errs == 0 || errs == len(cases) {
				t.Errorf("%d of %d cases raise in Django: generator is unbalanced", errs, len(cases))
			}
		})
	}
}

// randomCases generates graphs of three apps with linear histories, branches,
// cross-app and special dependencies, run_before, squashes (some with their
// originals deleted) and applied sets, seeded for reproducibility.
func randomCases(r *rand.Rand, n int) []gcase {
	apps := []string{"a", "b", "c"}
	var cases []gcase
	for ci := 0; ci < n; ci++ {
		c := gcase{Name: fmt.Sprintf("random#%d", ci), Apps: append([]string(nil), apps...)}
		byApp := map[string][]string{}
		var all []gmig
		for _, app := range apps {
			count := r.Intn(5)
			if app == "a" {
				count++ // app a always has migrations
			}
			for i := 1; i <= count; i++ {
				name := fmt.Sprintf("%04d_m", i)
				m := gmig{App: app, Name: name}
				if prev := byApp[app]; len(prev) > 0 {
					parent := prev[len(prev)-1]
					if r.Intn(8) == 0 {
						parent = prev[r.Intn(len(prev))] // a branch
					}
					m.Dependencies = append(m.Dependencies, [2]string{app, parent})
				}
				byApp[app] = append(byApp[app], name)
				all = append(all, m)
			}
		}
		for i := range all {
			m := &all[i]
			switch x := r.Intn(10); {
			case x < 3:
				other := apps[r.Intn(len(apps))]
				if other != m.App && len(byApp[other]) > 0 {
					m.Dependencies = append(m.Dependencies, [2]string{other, byApp[other][r.Intn(len(byApp[other]))]})
				}
			case x == 3:
				m.Dependencies = append(m.Dependencies, [2]string{apps[r.Intn(len(apps))], []string{"__first__", "__latest__"}[r.Intn(2)]})
			case x == 4:
				other := apps[r.Intn(len(apps))]
				if len(byApp[other]) > 0 {
					m.RunBefore = append(m.RunBefore, [2]string{other, byApp[other][r.Intn(len(byApp[other]))]})
				}
			case x == 5 && r.Intn(4) == 0:
				m.Dependencies = append(m.Dependencies, [2]string{m.App, "9999_missing"})
			}
		}
		// Squashes: replace a run of one app's migrations.
		deleted := map[[2]string]bool{}
		for _, app := range apps {
			names := byApp[app]
			if len(names) < 2 || r.Intn(2) == 0 {
				continue
			}
			from := r.Intn(len(names) - 1)
			to := from + 1 + r.Intn(len(names)-from-1)
			sq := gmig{App: app, Name: fmt.Sprintf("%s_squashed_%s", names[from], names[to])}
			inRange := map[string]bool{}
			for _, nm := range names[from : to+1] {
				inRange[nm] = true
				sq.Replaces = append(sq.Replaces, [2]string{app, nm})
			}
			for _, m := range all {
				if m.App != app || !inRange[m.Name] {
					continue
				}
				for _, d := range m.Dependencies {
					if !(d[0] == app && inRange[d[1]]) {
						sq.Dependencies = append(sq.Dependencies, d)
					}
				}
			}
			all = append(all, sq)
			if r.Intn(3) == 0 {
				for _, nm := range names[from : to+1] {
					deleted[[2]string{app, nm}] = true
				}
			}
			if r.Intn(5) == 0 && len(sq.Replaces) > 1 {
				// A replaces entry that never existed.
				all[len(all)-1].Replaces = append(all[len(all)-1].Replaces, [2]string{app, "0999_never"})
			}
		}
		for _, m := range all {
			if !deleted[[2]string{m.App, m.Name}] {
				c.Migrations = append(c.Migrations, m)
			}
		}
		// Applied: a random prefix of each app, sometimes with holes.
		for _, app := range apps {
			names := byApp[app]
			upTo := r.Intn(len(names) + 1)
			for i, nm := range names {
				if i < upTo && r.Intn(10) != 0 {
					c.Applied = append(c.Applied, [2]string{app, nm})
				}
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// TestNestedReplacements pins Django 6.0's loader, which resolves a squash of
// a squash down to the original migrations before reading applied statuses.
func TestNestedReplacements(t *testing.T) {
	k := func(n string) [2]string { return [2]string{"a", n} }
	base := append(lin("a", "0001", "0002", "0003"),
		gmig{App: "a", Name: "0001_squashed_0002", Replaces: [][2]string{k("0001"), k("0002")}},
		gmig{App: "a", Name: "0001_squashed_0003", Replaces: [][2]string{k("0001_squashed_0002"), k("0003")}})
	for _, tc := range []struct {
		applied     [][2]string
		plan        [][2]string
		wantApplied [][2]string
	}{
		{nil, [][2]string{k("0001_squashed_0003")}, nil},
		{[][2]string{k("0001"), k("0002")}, [][2]string{k("0001_squashed_0002"), k("0003")},
			[][2]string{k("0001"), k("0001_squashed_0002"), k("0002")}},
		{[][2]string{k("0001"), k("0002"), k("0003")}, [][2]string{k("0001_squashed_0003")},
			[][2]string{k("0001"), k("0001_squashed_0002"), k("0001_squashed_0003"), k("0002"), k("0003")}},
	} {
		got, g := buildCase(gcase{Name: "nested", Apps: []string{"a"}, Migrations: base, Applied: tc.applied}, true)
		if got.Error != nil {
			t.Fatalf("applied %v: %s (%v)", tc.applied, *got.Error, g.Diagnostics)
		}
		if d := cmp.Diff(tc.plan, got.Plan); d != "" {
			t.Errorf("applied %v: plan (-want +got):\n%s", tc.applied, d)
		}
		if d := cmp.Diff(tc.wantApplied, got.Applied, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("applied %v: applied set (-want +got):\n%s", tc.applied, d)
		}
	}
}

func TestCyclePath(t *testing.T) {
	c := gcase{Apps: []string{"a", "b"}, Migrations: []gmig{
		{App: "a", Name: "0001"},
		{App: "a", Name: "0002", Dependencies: [][2]string{{"a", "0001"}, {"b", "0001"}}},
		{App: "b", Name: "0001", Dependencies: [][2]string{{"a", "0003"}}},
		{App: "a", Name: "0003", Dependencies: [][2]string{{"a", "0002"}}},
	}}
	_, g := buildCase(c, false)
	cycles := g.Cycles()
	want := [][]Key{{{App: "a", Name: "0002"}, {App: "a", Name: "0003"}, {App: "b", Name: "0001"}}}
	if d := cmp.Diff(want, cycles); d != "" {
		t.Errorf("cycles (-want +got):\n%s", d)
	}
	if len(g.Diagnostics) != 1 || g.Diagnostics[0].Code != CodeCycle ||
		g.Diagnostics[0].Message != "Circular dependency: a.0002, a.0003, b.0001" {
		t.Errorf("diagnostics: %v", g.Diagnostics)
	}
}

package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// randomProject writes a project of up to three apps whose migration graph
// is drawn at random: branches, cross-app dependencies, __first__ and
// __latest__, run_before, cycles, missing nodes, squashes (some with their
// originals gone, some replacing a squash). Each migration creates a
// model or adds a field, so that the planners have operations to replay.
func randomProject(t *testing.T, r *rand.Rand) string {
	dir := t.TempDir()
	type mig struct {
		app, name string
		deps      []string
		runBefore []string
		replaces  []string
		ops       []string
	}
	apps := []string{"alpha", "beta", "gamma"}
	byApp := map[string][]*mig{}
	var all []*mig
	for _, app := range apps {
		n := r.IntN(6)
		for i := 1; i <= n; i++ {
			m := &mig{app: app, name: fmt.Sprintf("%04d_m", i)}
			if i == 1 {
				m.ops = append(m.ops, fmt.Sprintf(`migrations.CreateModel(name="Thing", fields=[("id", models.AutoField(primary_key=True))])`))
			} else {
				prev := byApp[app][len(byApp[app])-1]
				if r.IntN(6) == 0 {
					prev = byApp[app][r.IntN(len(byApp[app]))] // a branch: two leaves
				}
				m.deps = append(m.deps, fmt.Sprintf("(%q, %q)", app, prev.name))
				m.ops = append(m.ops, fmt.Sprintf(`migrations.AddField(model_name="thing", name="f%d", field=models.IntegerField(default=0))`, i))
			}
			byApp[app] = append(byApp[app], m)
			all = append(all, m)
		}
	}
	pick := func() *mig {
		if len(all) == 0 {
			return nil
		}
		return all[r.IntN(len(all))]
	}
	for _, m := range all {
		switch r.IntN(12) {
		case 0, 1, 2:
			if o := pick(); o != nil && o != m {
				m.deps = append(m.deps, fmt.Sprintf("(%q, %q)", o.app, o.name)) // may close a cycle
			}
		case 3:
			m.deps = append(m.deps, fmt.Sprintf("(%q, %q)", apps[r.IntN(3)], []string{"__first__", "__latest__"}[r.IntN(2)]))
		case 4:
			if o := pick(); o != nil {
				m.runBefore = append(m.runBefore, fmt.Sprintf("(%q, %q)", o.app, o.name))
			}
		case 5:
			m.deps = append(m.deps, fmt.Sprintf("(%q, %q)", []string{"alpha", "auth", "nosuchapp"}[r.IntN(3)], "0999_missing"))
		}
	}
	var extra []*mig
	deleted := map[*mig]bool{}
	for _, app := range apps {
		ms := byApp[app]
		if len(ms) < 2 || r.IntN(2) == 0 {
			continue
		}
		from := r.IntN(len(ms) - 1)
		to := from + 1 + r.IntN(len(ms)-from-1)
		sq := &mig{app: app, name: fmt.Sprintf("%s_squashed_%s", ms[from].name, ms[to].name)}
		for _, m := range ms[from : to+1] {
			sq.replaces = append(sq.replaces, fmt.Sprintf("(%q, %q)", app, m.name))
			sq.ops = append(sq.ops, m.ops...)
			if r.IntN(3) == 0 {
				deleted[m] = true
			}
		}
		if from > 0 {
			sq.deps = append(sq.deps, fmt.Sprintf("(%q, %q)", app, ms[from-1].name))
		}
		extra = append(extra, sq)
		if r.IntN(4) == 0 {
			// A squash of the squash and the next migration.
			outer := &mig{app: app, name: "0100_squashed_twice", replaces: []string{fmt.Sprintf("(%q, %q)", app, sq.name)}, ops: sq.ops, deps: sq.deps}
			extra = append(extra, outer)
		}
	}
	for _, m := range append(all, extra...) {
		if deleted[m] {
			continue
		}
		var b strings.Builder
		b.WriteString("from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n")
		if len(m.replaces) > 0 {
			fmt.Fprintf(&b, "    replaces = [%s]\n\n", strings.Join(m.replaces, ", "))
		}
		fmt.Fprintf(&b, "    dependencies = [%s]\n\n", strings.Join(m.deps, ", "))
		if len(m.runBefore) > 0 {
			fmt.Fprintf(&b, "    run_before = [%s]\n\n", strings.Join(m.runBefore, ", "))
		}
		fmt.Fprintf(&b, "    operations = [\n        %s,\n    ]\n", strings.Join(m.ops, ",\n        "))
		path := filepath.Join(dir, m.app, "migrations", m.name+".py")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, []byte(b.String()), 0o644)
	}
	for _, app := range apps {
		os.MkdirAll(filepath.Join(dir, app, "migrations"), 0o755)
		os.WriteFile(filepath.Join(dir, app, "migrations", "__init__.py"), nil, 0o644)
		os.WriteFile(filepath.Join(dir, app, "models.py"), nil, 0o644)
	}
	return dir
}

// TestEveryCommandEndsOnAnyGraph: on 300 random projects (cycles, missing
// nodes, conflicts, squashes of squashes), every read-only command and
// every planner's dry run returns within a bound and never panics, with
// exit 0, 1 or 2. A cyclic graph used to make show, graph and squash loop
// with memory growing without bound.
func TestEveryCommandEndsOnAnyGraph(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	commands := [][]string{
		{"check"}, {"show"}, {"show", "--plan"}, {"graph"}, {"graph", "--format", "json"},
		{"squash", "--dry-run"}, {"squash", "alpha", "--dry-run"}, {"prune", "--force", "--dry-run"},
		{"--json", "squash", "--dry-run"},
	}
	codes := map[int]int{}
	for i := 0; i < 300; i++ {
		dir := randomProject(t, r)
		for _, args := range commands {
			done := make(chan int, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("project %d, %v: panic: %v", i, args, p)
						done <- -1
					}
				}()
				code, _, _ := run(t, append([]string{"--project", dir}, args...)...)
				done <- code
			}()
			select {
			case code := <-done:
				if code != ExitOK && code != ExitProblems && code != ExitUsage && code != -1 {
					t.Errorf("project %d, %v: exit %d", i, args, code)
				}
				codes[code]++
			case <-time.After(20 * time.Second):
				t.Fatalf("project %d (%s), %v: still running after 20 s", i, dir, args)
			}
		}
	}
	t.Logf("exit codes over %d runs: %v", 300*len(commands), codes)
	if codes[ExitOK] == 0 || codes[ExitProblems] == 0 {
		t.Errorf("the generator makes only one kind of project: %v", codes)
	}
}

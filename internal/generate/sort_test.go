package generate

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// TestSortsMatchPython: on 300 random DAGs (with repeated predecessors,
// as _sort_migrations adds them), staticOrder is graphlib's
// TopologicalSorter.static_order() and stableLayers is Django 4.2's
// stable_topological_sort, both run by CPython.
func TestSortsMatchPython(t *testing.T) {
	py := djangotest.LoadConfig().Python
	if _, err := os.Stat(py); err != nil {
		djangotest.Unavailable(t, "no %s for the CPython oracle", py)
	}
	r := rand.New(rand.NewPCG(3, 4))
	type dag struct {
		N     int     `json:"n"`
		Preds [][]int `json:"preds"`
	}
	var dags []dag
	for i := 0; i < 300; i++ {
		n := 1 + r.IntN(12)
		d := dag{N: n, Preds: make([][]int, n)}
		for v := 0; v < n; v++ {
			d.Preds[v] = []int{}
			for u := 0; u < n; u++ {
				// Edges only between a random order's earlier and later
				// nodes keep it acyclic; repeats happen.
				if (u*7+3)%n < (v*7+3)%n && r.IntN(3) == 0 {
					d.Preds[v] = append(d.Preds[v], u)
					if r.IntN(4) == 0 {
						d.Preds[v] = append(d.Preds[v], u)
					}
				}
			}
		}
		dags = append(dags, d)
	}
	in, _ := json.Marshal(dags)
	script := `
import json, sys
from graphlib import TopologicalSorter
def layers(n, preds):
    graph = {v: set(preds[v]) for v in range(n)}
    out = []
    while graph:
        cur = {v for v, deps in graph.items() if not deps}
        out += [v for v in range(n) if v in cur]
        graph = {v: deps - cur for v, deps in graph.items() if v not in cur}
    return out
res = []
for d in json.load(sys.stdin):
    ts = TopologicalSorter()
    for v in range(d["n"]):
        ts.add(v, *d["preds"][v])
    res.append([list(ts.static_order()), layers(d["n"], d["preds"])])
print(json.dumps(res))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want [][2][]int
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, d := range dags {
		if got := staticOrder(d.N, d.Preds); fmt.Sprint(got) != fmt.Sprint(want[i][0]) {
			t.Errorf("dag %d %v: staticOrder %v, graphlib %v", i, d.Preds, got, want[i][0])
		}
		if got := stableLayers(d.N, d.Preds); fmt.Sprint(got) != fmt.Sprint(want[i][1]) {
			t.Errorf("dag %d %v: stableLayers %v, Django %v", i, d.Preds, got, want[i][1])
		}
	}
}

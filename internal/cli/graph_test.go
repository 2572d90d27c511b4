package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestGraphCommand(t *testing.T) {
	src, _ := filepath.Abs("../../examples/bookshop")
	code, out, errOut := run(t, "--project", src, "graph", "--format", "json")
	var g struct {
		Nodes []struct{ App, Name string }
		Edges [][2]string
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &g) != nil {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	edges := map[[2]string]bool{}
	for _, e := range g.Edges {
		edges[e] = true
	}
	// The two edges that make a whole-app squash of catalog circular.
	for _, e := range [][2]string{
		{"catalog.0004_book_categories", "orders.0001_initial"},
		{"orders.0008_order_shipping_address", "catalog.0021_review_verified_order_line"},
		{"catalog.0001_initial", "catalog.0002_book_isbn"},
	} {
		if !edges[e] {
			t.Errorf("edge %s -> %s missing", e[0], e[1])
		}
	}
	if len(g.Nodes) < 47 {
		t.Errorf("%d nodes, want the 47 migrations and their external parents", len(g.Nodes))
	}
	_, dot, _ := run(t, "--project", src, "graph", "orders")
	if !strings.Contains(dot, `"catalog.0004_book_categories" -> "orders.0001_initial" [style=dashed];`) ||
		strings.Contains(dot, `"catalog.0001_initial" -> "catalog.0002_book_isbn"`) {
		t.Errorf("dot for orders: want the cross-app edge dashed and no catalog-internal edges:\n%s", dot)
	}
	_, mm, _ := run(t, "--project", src, "graph", "orders", "--format", "mermaid")
	if !strings.Contains(mm, "catalog__0004_book_categories -.-> orders__0001_initial") {
		t.Errorf("mermaid lacks the dashed cross-app edge:\n%s", mm)
	}
	if code, _, _ := run(t, "--project", src, "graph", "--format", "svg"); code != ExitUsage {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "--project", src, "graph", "nosuchapp"); code != ExitUsage {
		t.Errorf("unknown app: exit %d, want 2", code)
	}
}

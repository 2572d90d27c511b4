package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/djsquash/djsquash/internal/graph"
	"github.com/spf13/cobra"
)

func newGraphCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graph [app...]",
		Short: "Print the migration graph as dot, mermaid or JSON",
		Long: `graph prints the migration graph: one node per migration, an edge from each
dependency to its dependant. Cross-app edges are drawn dashed; each app is a
cluster; a squash is drawn with what it replaces. With apps given, their
migrations and the other apps' migrations they depend on.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := e.load()
			if err != nil {
				return err
			}
			only, err := l.selectShown(args)
			if err != nil {
				return err
			}
			if e.g.json {
				format = "json"
			}
			nodes, edges := graphView(l, only)
			switch format {
			case "dot":
				writeDot(e.stdout, l, nodes, edges)
			case "mermaid":
				writeMermaid(e.stdout, nodes, edges)
			case "json":
				type node struct {
					showMigration
					External bool `json:"external,omitempty"`
				}
				var out struct {
					Nodes []node      `json:"nodes"`
					Edges [][2]string `json:"edges"`
				}
				for _, k := range nodes {
					out.Nodes = append(out.Nodes, node{l.describe(k), l.view().Node(k).External || l.isExternal(k.App)})
				}
				out.Edges = [][2]string{}
				for _, ed := range edges {
					out.Edges = append(out.Edges, [2]string{ed[0].String(), ed[1].String()})
				}
				if err := writeJSON(e, out); err != nil {
					return err
				}
			default:
				return usageErr("--format must be dot, mermaid or json, not %q", format)
			}
			return reportGraphProblems(e, l)
		},
	}
	cmd.Flags().StringVar(&format, "format", "dot", "dot, mermaid or json")
	return cmd
}

// graphView selects the nodes to draw (the apps' migrations and their direct
// parents) and the edges between them, in plan order.
func graphView(l *loaded, only map[string]bool) ([]graph.Key, [][2]graph.Key) {
	g := l.view()
	plan := g.Plan()
	in := map[graph.Key]bool{}
	var nodes []graph.Key
	for _, k := range plan {
		if only == nil || only[k.App] {
			in[k] = true
		}
	}
	for _, k := range plan {
		if in[k] {
			for _, p := range g.Node(k).Parents() {
				in[p.Key] = true
			}
		}
	}
	var edges [][2]graph.Key
	for _, k := range plan {
		if !in[k] {
			continue
		}
		nodes = append(nodes, k)
		if only != nil && !only[k.App] {
			continue
		}
		for _, p := range g.Node(k).Parents() {
			edges = append(edges, [2]graph.Key{p.Key, k})
		}
	}
	return nodes, edges
}

// groupByApp groups nodes by app, apps in order of first appearance.
func groupByApp(nodes []graph.Key) ([]string, map[string][]graph.Key) {
	byApp := map[string][]graph.Key{}
	var apps []string
	for _, k := range nodes {
		if byApp[k.App] == nil {
			apps = append(apps, k.App)
		}
		byApp[k.App] = append(byApp[k.App], k)
	}
	return apps, byApp
}

func writeDot(w io.Writer, l *loaded, nodes []graph.Key, edges [][2]graph.Key) {
	fmt.Fprintln(w, "digraph migrations {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];")
	apps, byApp := groupByApp(nodes)
	for _, a := range apps {
		fmt.Fprintf(w, "  subgraph %q {\n    label=%q;\n", "cluster_"+a, a)
		for _, k := range byApp[a] {
			attrs := ""
			n := l.view().Node(k)
			switch {
			case n.External:
				attrs = ", style=dashed"
			case n.Migration != nil && len(n.Migration.Replaces) > 0:
				var r []string
				for _, x := range n.Migration.Replaces {
					r = append(r, x.Key.Name)
				}
				attrs = fmt.Sprintf(", style=bold, tooltip=%q", "replaces "+strings.Join(r, ", "))
			}
			fmt.Fprintf(w, "    %q [label=%q%s];\n", k.String(), k.Name, attrs)
		}
		fmt.Fprintln(w, "  }")
	}
	for _, e := range edges {
		style := ""
		if e[0].App != e[1].App {
			style = " [style=dashed]"
		}
		fmt.Fprintf(w, "  %q -> %q%s;\n", e[0].String(), e[1].String(), style)
	}
	fmt.Fprintln(w, "}")
}

func writeMermaid(w io.Writer, nodes []graph.Key, edges [][2]graph.Key) {
	id := func(k graph.Key) string {
		return strings.NewReplacer(".", "_", "-", "_").Replace(k.App + "__" + k.Name)
	}
	fmt.Fprintln(w, "flowchart LR")
	apps, byApp := groupByApp(nodes)
	for _, a := range apps {
		fmt.Fprintf(w, "  subgraph %s\n", a)
		for _, k := range byApp[a] {
			fmt.Fprintf(w, "    %s[\"%s\"]\n", id(k), k.Name)
		}
		fmt.Fprintln(w, "  end")
	}
	for _, e := range edges {
		arrow := "-->"
		if e[0].App != e[1].App {
			arrow = "-.->"
		}
		fmt.Fprintf(w, "  %s %s %s\n", id(e[0]), arrow, id(e[1]))
	}
}

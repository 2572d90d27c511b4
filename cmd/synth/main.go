// Command synth writes a synthetic Django project (see internal/synth) for
// benchmarks and experiments: go run ./cmd/synth -apps 20 -migrations 10000 DIR
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/djsquash/djsquash/internal/synth"
)

func main() {
	var o synth.Options
	flag.Int64Var(&o.Seed, "seed", 1, "random seed")
	flag.IntVar(&o.Apps, "apps", 3, "number of apps")
	flag.IntVar(&o.Migrations, "migrations", 100, "total number of migrations")
	flag.IntVar(&o.DataEvery, "data-every", 20, "about one data migration in this many (0: none)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: synth [flags] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	st, err := synth.Generate(flag.Arg(0), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
	kinds := make([]string, 0, len(st.ByKind))
	for k := range st.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Printf("%d migrations, %d operations\n", st.Migrations, st.Operations)
	for _, k := range kinds {
		fmt.Printf("  %-18s %d\n", k, st.ByKind[k])
	}
}

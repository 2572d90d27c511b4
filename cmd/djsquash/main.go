// Command djsquash consolidates Django migration histories. See README.md.
package main

import (
	"os"
	"runtime/debug"

	"github.com/djsquash/djsquash/internal/cli"
)

func main() {
	// djsquash is a short-lived process that builds its data once: the
	// collector's work is wasted until memory gets large. Collect only
	// above a soft limit (256 MiB) unless GOGC or GOMEMLIMIT say otherwise.
	// Measured: squashing one app of 500 migrations 55 -> 35 ms; 10,000
	// migrations 1.6 -> 1.2 s with a 265 MB peak.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(256 << 20)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

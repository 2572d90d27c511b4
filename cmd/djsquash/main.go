// Command djsquash consolidates Django migration histories. See README.md.
package main

import (
	"os"

	"github.com/djsquash/djsquash/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

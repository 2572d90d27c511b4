// Package cli is djsquash's command line: cobra commands, flags, text and JSON
// output, and exit codes. It is the only package that prints.
//
// Invariants: Main never calls os.Exit and reads no global state, so tests
// run it in-process with their own stdin/stdout/stderr. Exit codes are 0 (ok),
// 1 (problems found: the command ran and reports something wrong) and 2 (usage
// or input error: the command could not do its job).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/djsquash/djsquash/internal/project"
	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	ExitOK       = 0
	ExitProblems = 1
	ExitUsage    = 2
)

// globals are the flags every command accepts.
type globals struct {
	project string
	json    bool
	noColor bool
	verbose int
}

// env is what a command runs with: the streams and the global flags.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	g      globals
	h      hooks
	// target is the Django major version a command's --django names (0:
	// not given); it overrides the environment's.
	target int
	// facts are what the running settings say when manage.py djsquash
	// started the binary (nil otherwise).
	facts *project.Facts
}

// hooks are the points tests stop a command at; commands leave them nil.
type hooks struct {
	// locked runs while record or restore holds a database's lock.
	locked func(database string)
	// facts are the running settings' (Main reads them; tests pass them).
	facts *project.Facts
}

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// problems returns an error that exits 1: the command worked and found
// something wrong. msg may be empty when the command already printed details.
func problems(msg string) error { return &exitError{code: ExitProblems, err: errors.New(msg)} }

// usageErr returns an error that exits 2.
func usageErr(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// Main runs djsquash with args (without the program name) and returns the
// process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	facts, err := project.ReadFacts(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "djsquash: %v\n", err)
		return ExitUsage
	}
	return mainWith(args, stdin, stdout, stderr, hooks{facts: facts})
}

func mainWith(args []string, stdin io.Reader, stdout, stderr io.Writer, h hooks) int {
	e := &env{stdin: stdin, h: h, facts: h.facts}
	rawOut, rawErr := stdout, stderr
	stdout = safeWriter{colorWriter{rawOut, func() bool { return e.colorOn(rawOut) }}}
	stderr = safeWriter{colorWriter{rawErr, func() bool { return e.colorOn(rawErr) }}}
	e.stdout, e.stderr = stdout, stderr
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	ctx, signalled := withSignals(context.Background())
	err := root.ExecuteContext(ctx)
	sig := signalled()
	if err == nil {
		if sig != 0 {
			fmt.Fprintln(stderr, "djsquash: interrupted (the command had finished its changes)")
			return sig
		}
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if msg := ee.err.Error(); msg != "" {
			fmt.Fprintf(stderr, "djsquash: %s\n", msg)
		}
		if sig != 0 {
			return sig
		}
		return ee.code
	}
	// Anything cobra itself rejects (unknown command or flag, wrong number
	// of arguments) is a usage error.
	fmt.Fprintf(stderr, "djsquash: %s\nRun 'djsquash --help' for usage.\n", err)
	return ExitUsage
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "djsquash",
		Short: "Squash, reset and prune Django migration histories, statically",
		Long: `djsquash turns a long Django migration history into a short, correct one.
It reads migration files as Python source and never imports your project.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Validate the global flags once, for every subcommand.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if completing(cmd) {
				return nil // a shell asking for completions touches no project
			}
			if err := e.resolveProject(); err != nil {
				return err
			}
			if cmd.Name() == "version" {
				return nil
			}
			dry := false
			if f := cmd.Flags().Lookup("dry-run"); f != nil {
				dry = f.Value.String() == "true"
			}
			return e.recoverJournal(dry)
		},
	}
	// cobra's completion command: djsquash completion bash|zsh|fish|powershell.
	root.CompletionOptions.HiddenDefaultCmd = false
	f := root.PersistentFlags()
	f.StringVar(&e.g.project, "project", ".", "Django project directory")
	f.BoolVar(&e.g.json, "json", false, "print machine-readable JSON")
	f.BoolVar(&e.g.noColor, "no-color", false, "disable colored output")
	f.CountVarP(&e.g.verbose, "verbose", "v", "more output (repeatable)")

	root.AddCommand(newVersionCmd(e), newShowCmd(e), newGraphCmd(e), newCheckCmd(e), newStatusCmd(e), newOptimizeCmd(e), newSquashCmd(e), newPruneCmd(e), newResetCmd(e), newVerifyCmd(e), newRecordCmd(e), newRestoreCmd(e), newUpgradeCmd(e))
	for _, c := range root.Commands() {
		switch c.Name() {
		case "show", "graph", "status", "squash", "reset", "record", "upgrade", "prune", "optimize":
			c.ValidArgsFunction = e.completeApps
		}
	}
	return root
}

// completing reports cobra's completion commands (completion SHELL and
// the hidden __complete the scripts call).
func completing(cmd *cobra.Command) bool {
	if cmd.Name() == cobra.ShellCompRequestCmd || cmd.Name() == cobra.ShellCompNoDescRequestCmd {
		return true
	}
	return cmd.Parent() != nil && cmd.Parent().Name() == "completion"
}

// completeApps completes an APP argument with the project's app labels
// (read statically, as every command reads them).
func (e *env) completeApps(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if e.resolveProject() != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	l, err := project.Load(e.g.project)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var labels []string
	for _, a := range l.Apps {
		labels = append(labels, a.Label)
	}
	return labels, cobra.ShellCompDirectiveNoFileComp
}

// resolveProject makes --project absolute and checks it is a directory.
func (e *env) resolveProject() error {
	abs, err := filepath.Abs(e.g.project)
	if err != nil {
		return usageErr("--project: %v", err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return usageErr("--project: %v", err)
	}
	if !st.IsDir() {
		return usageErr("--project: %s is not a directory", abs)
	}
	e.g.project = project.FindRoot(abs)
	if e.g.project != abs && e.g.verbose > 0 {
		fmt.Fprintf(e.stderr, "djsquash: project root %s (found above %s)\n", e.g.project, abs)
	}
	return nil
}

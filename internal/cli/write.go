package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/textdiff"
)

// Exit codes of a command stopped by a signal, as shells report them.
const (
	ExitInterrupted = 130 // SIGINT
	ExitTerminated  = 143 // SIGTERM
)

// withSignals returns a context cancelled by SIGINT or SIGTERM, and a
// function that stops listening and tells which signal came (0 for none).
// Commands check the context at their safe points: a change not yet
// committed is dropped, one committed is finished (changeset.Apply).
func withSignals(parent context.Context) (context.Context, func() int) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	got := make(chan int, 1)
	go func() {
		code := 0
		if s, ok := <-ch; ok {
			code = ExitInterrupted
			if s == syscall.SIGTERM {
				code = ExitTerminated
			}
			cancel()
		}
		got <- code
	}()
	return ctx, func() int {
		signal.Stop(ch)
		close(ch)
		cancel()
		return <-got
	}
}

// recoverJournal finishes a change an earlier run left half done (a
// journal in the project) before the command does anything else; with
// --dry-run it only says so and stops.
func (e *env) recoverJournal(dryRun bool) error {
	if dryRun {
		cmd, n, err := changeset.Pending(e.g.project)
		if err != nil {
			return usageErr("%v", err)
		}
		if cmd != "" {
			return problems(fmt.Sprintf("an interrupted %s is pending (%s/%s, %s): the next djsquash command without --dry-run finishes it first; nothing was done",
				cmd, changeset.Dir, changeset.JournalName, plural(n, "file", "files")))
		}
		return nil
	}
	res, err := changeset.Recover(e.g.project)
	if err != nil {
		return problems(err.Error())
	}
	if res.Command == "" {
		return nil
	}
	if res.RolledBack {
		fmt.Fprintf(e.stderr, "djsquash: an interrupted %s could not be finished and was undone: every file is as it was before it\n", res.Command)
	} else {
		fmt.Fprintf(e.stderr, "djsquash: finished an interrupted %s (%s)\n", res.Command, plural(res.Files, "file", "files"))
	}
	return nil
}

// apply writes a plan's changes durably (changeset.Apply), removing temp
// files older versions left in the directories it writes to.
func (e *env) apply(ctx context.Context, root string, cs *changeset.Changeset) error {
	dirs := map[string]bool{}
	for _, ch := range cs.Changes {
		dirs[dirOf(root, ch.Path)] = true
	}
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	if stray, err := changeset.CleanStray(root, list); err == nil && len(stray) > 0 {
		fmt.Fprintf(e.stderr, "djsquash: removed %s left by an interrupted run\n", plural(len(stray), "temp file", "temp files"))
	}
	err := changeset.Apply(ctx, root, cs, changeset.Options{})
	if errors.Is(err, changeset.ErrInterrupted) {
		return &exitError{code: ExitInterrupted, err: errors.New("interrupted: nothing was written")}
	}
	return err
}

func dirOf(root, rel string) string {
	return filepath.Dir(filepath.Join(root, filepath.FromSlash(rel)))
}

// showChanges prints what a dry run would do: deletions, then the diff of
// every file written.
func (e *env) showChanges(cs *changeset.Changeset) {
	for _, ch := range cs.Changes {
		if ch.Action == changeset.Delete {
			fmt.Fprintf(e.stdout, "delete %s\n", ch.Path)
		}
	}
	for _, ch := range cs.Changes {
		switch ch.Action {
		case changeset.Create:
			fmt.Fprint(e.stdout, textdiff.Unified("", ch.Path, "", string(ch.New)))
		case changeset.Edit:
			fmt.Fprint(e.stdout, textdiff.Unified(ch.Path, ch.Path, string(ch.Old), string(ch.New)))
		}
	}
}

// showOrApply ends every command that writes: with dryRun, the diffs and
// the summary line (or the report as JSON); otherwise the question on a
// terminal (or --yes) and the durable apply. It reports whether files were
// written; (false, nil) means the user said no.
func (e *env) showOrApply(ctx context.Context, root string, cs *changeset.Changeset, report any, dryRun, yes bool, question, command string) (bool, error) {
	if dryRun {
		if e.g.json {
			return false, writeJSON(e, report)
		}
		e.showChanges(cs)
		fmt.Fprintln(e.stdout, cs.Summary(true))
		return false, nil
	}
	if ok, err := e.confirm(yes, question); !ok {
		return false, err
	}
	if err := e.apply(ctx, root, cs); err != nil {
		return false, problems(fmt.Sprintf("%s: %v", command, err))
	}
	return true, nil
}

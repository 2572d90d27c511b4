// Package changeset is the one plan type of every workflow that writes:
// the files to create, edit and delete, in the order that keeps Django
// loading the project. Workflows plan into a Changeset; the CLI shows it
// (--dry-run) or applies it here.
//
// Applying is durable and all-or-nothing across kills, signals, full disks
// and files that cannot be written:
//
//  1. Every target is checked against what the plan was made from (a file
//     changed since it was read stops everything; nothing is written).
//  2. The whole change, old and new contents, goes to one journal
//     (.djsquash/journal.json under the project root): temp file, fsync,
//     rename, fsync of the directory. From here on the change is committed.
//  3. New contents go to temp files next to their targets, each fsynced;
//     then, in plan order, each is renamed over its target or a file is
//     deleted; every directory touched is fsynced.
//  4. The journal is removed.
//
// Any later command calls Recover first: a journal left by a kill is rolled
// forward (its content is in the journal); where rolling forward fails (a
// file that cannot be written), every change is rolled back to the old
// contents the journal holds. Only when both fail does the journal stay, with
// an error that names the file. Temp files are named in the journal before
// they are created, so none survives a finished command.
//
// Invariant: nothing here prints; errors carry paths relative to the root.
package changeset

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Action is what a Change does to its file.
type Action string

const (
	Create Action = "create"
	Edit   Action = "edit"
	Delete Action = "delete"
)

// Change is one file to create, edit or delete.
type Change struct {
	Action Action `json:"action"`
	// Path is relative to the project root, slash-separated.
	Path string `json:"path"`
	// Old is the content the plan was made from (Edit, Delete).
	Old []byte `json:"old,omitempty"`
	// New is the content to write (Create, Edit).
	New []byte `json:"new,omitempty"`
}

// Changeset is a plan's files, applied in order, and the SQL it runs on
// databases.
type Changeset struct {
	// Command names the workflow ("squash", "prune"), for the journal and
	// for messages about an interrupted change.
	Command string
	Changes []Change
	// Databases are the statements each database (or tenant schema) runs
	// in one transaction (record, restore). Apply does not run them: a
	// database's change is decided again from the rows read under its
	// lock (recorder.Store.Write), because rows a plan was made from may
	// have changed by then; a dry run shows these.
	Databases []Database
}

// Database is what a plan runs on one database or tenant schema.
type Database struct {
	Name       string      `json:"database"`
	Statements []Statement `json:"statements"`
}

// Statement is one SQL statement and its bound arguments.
type Statement struct {
	SQL  string `json:"sql"`
	Args []any  `json:"args,omitempty"`
}

// String shows a statement with its arguments as a comment, for a dry
// run: the SQL as sent, never with values spliced in.
func (s Statement) String() string {
	q := strings.Join(strings.Fields(s.SQL), " ") + ";"
	if len(s.Args) == 0 {
		return q
	}
	args := make([]string, len(s.Args))
	for i, a := range s.Args {
		if v, ok := a.(string); ok {
			args[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		} else {
			args[i] = fmt.Sprint(a)
		}
	}
	return q + " -- " + strings.Join(args, ", ")
}

// Create adds a new file.
func (c *Changeset) Create(path string, content []byte) {
	c.Changes = append(c.Changes, Change{Action: Create, Path: filepath.ToSlash(path), New: content})
}

// Edit adds a change of an existing file from old to new content.
func (c *Changeset) Edit(path string, old, content []byte) {
	c.Changes = append(c.Changes, Change{Action: Edit, Path: filepath.ToSlash(path), Old: old, New: content})
}

// Delete adds the removal of an existing file whose content is old.
func (c *Changeset) Delete(path string, old []byte) {
	c.Changes = append(c.Changes, Change{Action: Delete, Path: filepath.ToSlash(path), Old: old})
}

// Empty reports whether no file would change.
func (c *Changeset) Empty() bool { return c == nil || len(c.Changes) == 0 }

// Counts returns how many files would be created, edited and deleted.
func (c *Changeset) Counts() (created, edited, deleted int) {
	for _, ch := range c.Changes {
		switch ch.Action {
		case Create:
			created++
		case Edit:
			edited++
		case Delete:
			deleted++
		}
	}
	return
}

// Paths lists the paths of the changes with one of the actions, in order.
func (c *Changeset) Paths(actions ...Action) []string {
	out := []string{}
	for _, ch := range c.Changes {
		for _, a := range actions {
			if ch.Action == a {
				out = append(out, ch.Path)
				break
			}
		}
	}
	return out
}

// Summary is the one line a dry run ends with.
func (c *Changeset) Summary(dryRun bool) string {
	cr, ed, de := c.Counts()
	var parts []string
	if w := cr + ed; w > 0 {
		parts = append(parts, "write "+plural(w, "file"))
	}
	if de > 0 {
		parts = append(parts, "delete "+plural(de, "file"))
	}
	if n := len(c.Databases); n > 0 {
		parts = append(parts, "write "+plural(n, "database"))
	}
	if len(parts) == 0 {
		return "nothing to change"
	}
	s := strings.Join(parts, ", ")
	if dryRun {
		return "would " + s + "; nothing written"
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// validate checks that the changes are well formed and that the disk still
// holds what the plan was made from.
func (c *Changeset) validate(root string) error {
	seen := map[string]bool{}
	for _, ch := range c.Changes {
		if err := checkPath(ch.Path); err != nil {
			return err
		}
		if seen[ch.Path] {
			return fmt.Errorf("%s: changed twice in one plan", ch.Path)
		}
		seen[ch.Path] = true
		cur, exists, err := readTarget(filepath.Join(root, filepath.FromSlash(ch.Path)))
		if err != nil {
			return err
		}
		switch ch.Action {
		case Create:
			if exists {
				return fmt.Errorf("%s already exists", ch.Path)
			}
		case Edit, Delete:
			if !exists {
				return fmt.Errorf("%s: no longer exists (changed since it was read); nothing was changed", ch.Path)
			}
			if !bytes.Equal(cur, ch.Old) {
				return fmt.Errorf("%s: changed since it was read; nothing was changed", ch.Path)
			}
		default:
			return fmt.Errorf("%s: unknown action %q", ch.Path, ch.Action)
		}
	}
	return nil
}

// checkPath refuses paths that would leave the project root.
func checkPath(p string) error {
	if p == "" || filepath.IsAbs(filepath.FromSlash(p)) || strings.HasPrefix(p, "/") {
		return fmt.Errorf("%q: not a path inside the project", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "" || seg == "." {
			return fmt.Errorf("%q: not a path inside the project", p)
		}
	}
	return nil
}

// readTarget reads a file the plan changes: its content and whether it
// exists. Only regular files are read.
func readTarget(path string) ([]byte, bool, error) {
	st, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !st.Mode().IsRegular() {
		return nil, true, fmt.Errorf("%s: not a regular file", path)
	}
	b, err := os.ReadFile(path)
	return b, true, err
}

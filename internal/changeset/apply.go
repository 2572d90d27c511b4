package changeset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/djsquash/djsquash/internal/par"
)

// Dir is the directory under the project root that holds the journal while
// a change is being applied; it is removed when empty.
const Dir = ".djsquash"

// JournalName is the journal's file name inside Dir.
const JournalName = "journal.json"

// tempSuffix ends every temp file name: ".<name>.djsquash-tmp" next to the
// file it becomes. Older versions used ".<name>.djsquash-<random>".
const tempSuffix = ".djsquash-tmp"

// ErrInterrupted is returned when ctx was cancelled before the change was
// committed: nothing was changed.
var ErrInterrupted = errors.New("interrupted before any file was changed")

// Options are the hooks tests use to inject failures; the zero value is
// what commands use.
type Options struct {
	// Fail, when set, is called before each file system step with its
	// kind ("journal", "temp", "rename", "remove") and path; a non-nil
	// result fails that step as the file system would.
	Fail func(step, path string) error
}

func (o Options) fail(step, path string) error {
	if o.Fail == nil {
		return nil
	}
	return o.Fail(step, path)
}

// journal is what .djsquash/journal.json holds.
type journal struct {
	Version int       `json:"version"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
	Changes []Change  `json:"changes"`
}

// Result says what Apply or Recover did.
type Result struct {
	// Command is the interrupted command Recover found ("" when none).
	Command string
	// RolledBack is set when the change could not be completed and every
	// file was put back as it was.
	RolledBack bool
	// Files is how many changes the journal held.
	Files int
	// Stray lists temp files of earlier runs that were removed.
	Stray []string
}

// Apply applies c under root: all of it or, where a step fails, none of
// it. When ctx is cancelled before the journal is committed, nothing is
// changed and ErrInterrupted is returned; once committed, the change is
// finished whatever ctx says (it is short, and stopping halfway is what
// the journal exists to avoid).
func Apply(ctx context.Context, root string, c *Changeset, opts Options) error {
	if c.Empty() {
		return nil
	}
	unlock, err := lock(root)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := recoverLocked(root, opts); err != nil {
		return err
	}
	if err := c.validate(root); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	j := &journal{Version: 1, Command: c.Command, Started: time.Now().UTC(), Changes: c.Changes}
	if err := writeJournal(root, j, opts); err != nil {
		removeJournal(root)
		return fmt.Errorf("nothing was changed: writing the journal: %w", err)
	}
	return finish(root, j, opts)
}

// finish rolls a committed journal forward, or back where forward fails,
// then removes it.
func finish(root string, j *journal, opts Options) error {
	ferr := forward(root, j.Changes, opts)
	if ferr == nil {
		if err := removeJournal(root); err != nil {
			return fmt.Errorf("every file was written, but the journal could not be removed: %w", err)
		}
		return nil
	}
	if berr := backward(root, j.Changes, opts); berr != nil {
		return &StuckError{Command: j.Command, Forward: ferr, Back: berr}
	}
	if err := removeJournal(root); err != nil {
		return fmt.Errorf("%v; every file was put back as it was, but the journal could not be removed: %w", ferr, err)
	}
	return &RolledBackError{Command: j.Command, Cause: ferr}
}

// RolledBackError says a change failed and every file is as it was.
type RolledBackError struct {
	Command string
	Cause   error
}

func (e *RolledBackError) Error() string {
	return fmt.Sprintf("%v; every file was put back as it was: nothing changed", e.Cause)
}
func (e *RolledBackError) Unwrap() error { return e.Cause }

// StuckError says a change could neither be finished nor undone: the
// journal stays, and the next command tries again.
type StuckError struct {
	Command       string
	Forward, Back error
}

func (e *StuckError) Error() string {
	return fmt.Sprintf("the %s could not be finished (%v) nor undone (%v); the journal %s/%s keeps the change: fix the cause and run any djsquash command to finish it",
		e.Command, e.Forward, e.Back, Dir, JournalName)
}

// Pending reports the command whose journal is waiting under root, if any,
// without changing anything (for --dry-run).
func Pending(root string) (command string, files int, err error) {
	j, err := readJournal(root)
	if err != nil || j == nil {
		return "", 0, err
	}
	return j.Command, len(j.Changes), nil
}

// Recover finishes (or undoes) a change a previous run left half done, and
// removes temp files earlier runs left. It is what every command does
// before anything else.
func Recover(root string) (*Result, error) {
	if !mayHaveWork(root) {
		return &Result{}, nil
	}
	unlock, err := lock(root)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return recoverLocked(root, Options{})
}

// mayHaveWork is the cheap test every command runs: is there a journal
// directory at all? (Stray temp files of older versions are removed by the
// next command that writes.)
func mayHaveWork(root string) bool {
	_, err := os.Lstat(filepath.Join(root, Dir))
	return err == nil
}

func recoverLocked(root string, opts Options) (*Result, error) {
	res := &Result{}
	j, err := readJournal(root)
	if err != nil {
		return nil, err
	}
	if j != nil {
		res.Command, res.Files = j.Command, len(j.Changes)
		if err := finish(root, j, opts); err != nil {
			var rb *RolledBackError
			if !errors.As(err, &rb) {
				return nil, err
			}
			res.RolledBack = true
		}
	}
	os.Remove(filepath.Join(root, Dir, JournalName+".tmp"))
	os.Remove(filepath.Join(root, Dir))
	return res, nil
}

// CleanStray removes temp files older versions of djsquash (or a kill
// before a journal existed) left in dirs. Callers hold no lock: a temp of
// this version is only ever created under the lock, after its journal, so
// one without a journal is garbage; the lock is taken here.
func CleanStray(root string, dirs []string) ([]string, error) {
	var stray []string
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if isTemp(e.Name()) {
				stray = append(stray, filepath.Join(d, e.Name()))
			}
		}
	}
	if len(stray) == 0 {
		return nil, nil
	}
	unlock, err := lock(root)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if j, err := readJournal(root); err != nil || j != nil {
		return nil, err // a journal's temps are its own to clean
	}
	var removed []string
	for _, s := range stray {
		if os.Remove(s) == nil {
			rel, _ := filepath.Rel(root, s)
			removed = append(removed, filepath.ToSlash(rel))
		}
	}
	sort.Strings(removed)
	return removed, nil
}

// isTemp matches temp names of this version and of older ones
// (".0002_x.py.djsquash-123456").
func isTemp(name string) bool {
	if !strings.HasPrefix(name, ".") {
		return false
	}
	i := strings.LastIndex(name, ".djsquash-")
	return i > 1
}

func tempPath(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+tempSuffix)
}

// forward brings every change to its new state. Steps already done (a
// rerun after a kill) are skipped.
func forward(root string, changes []Change, opts Options) error {
	// Temp files first, fsynced, on all cores: fsync is most of the cost.
	type pending struct {
		target, temp string
	}
	todo := make([]*pending, len(changes))
	errs := make([]error, len(changes))
	par.Each(len(changes), 0, func(i int) {
		ch := changes[i]
		if ch.Action == Delete {
			return
		}
		target := filepath.Join(root, filepath.FromSlash(ch.Path))
		cur, exists, err := readTarget(target)
		if err != nil {
			errs[i] = err
			return
		}
		if exists && bytes.Equal(cur, ch.New) {
			os.Remove(tempPath(target))
			return
		}
		tmp := tempPath(target)
		if err := writeSynced(tmp, ch.New, modeOf(target), opts, "temp", ch.Path); err != nil {
			os.Remove(tmp)
			errs[i] = fmt.Errorf("%s: %w", ch.Path, err)
			return
		}
		todo[i] = &pending{target, tmp}
	})
	if err := errors.Join(errs...); err != nil {
		cleanTemps(root, changes)
		return err
	}
	dirs := map[string]bool{}
	for i, ch := range changes {
		target := filepath.Join(root, filepath.FromSlash(ch.Path))
		switch {
		case ch.Action == Delete:
			if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err := opts.fail("remove", ch.Path); err != nil {
				cleanTemps(root, changes)
				return fmt.Errorf("%s: %w", ch.Path, err)
			}
			if err := os.Remove(target); err != nil {
				cleanTemps(root, changes)
				return fmt.Errorf("%s: %w", ch.Path, relErr(root, err))
			}
		case todo[i] != nil:
			if err := opts.fail("rename", ch.Path); err != nil {
				cleanTemps(root, changes)
				return fmt.Errorf("%s: %w", ch.Path, err)
			}
			if err := os.Rename(todo[i].temp, target); err != nil {
				cleanTemps(root, changes)
				return fmt.Errorf("%s: %w", ch.Path, relErr(root, err))
			}
		default:
			continue
		}
		dirs[filepath.Dir(target)] = true
	}
	return syncDirs(dirs)
}

// backward puts every file back as the journal says it was: created files
// removed, edited and deleted ones rewritten with their old content.
func backward(root string, changes []Change, opts Options) error {
	cleanTemps(root, changes)
	dirs := map[string]bool{}
	var errs []error
	for i := len(changes) - 1; i >= 0; i-- {
		ch := changes[i]
		target := filepath.Join(root, filepath.FromSlash(ch.Path))
		cur, exists, err := readTarget(target)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch ch.Action {
		case Create:
			if exists && bytes.Equal(cur, ch.New) {
				if err := os.Remove(target); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", ch.Path, relErr(root, err)))
				}
				dirs[filepath.Dir(target)] = true
			}
		case Edit, Delete:
			if exists && bytes.Equal(cur, ch.Old) {
				continue
			}
			tmp := tempPath(target)
			err := writeSynced(tmp, ch.Old, modeOf(target), opts, "temp", ch.Path)
			if err == nil {
				err = os.Rename(tmp, target)
			}
			if err != nil {
				os.Remove(tmp)
				errs = append(errs, fmt.Errorf("%s: %w", ch.Path, relErr(root, err)))
			}
			dirs[filepath.Dir(target)] = true
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return syncDirs(dirs)
}

func cleanTemps(root string, changes []Change) {
	for _, ch := range changes {
		os.Remove(tempPath(filepath.Join(root, filepath.FromSlash(ch.Path))))
	}
}

// modeOf keeps an overwritten file's permissions; new files get 0644.
func modeOf(path string) os.FileMode {
	if st, err := os.Stat(path); err == nil {
		return st.Mode().Perm()
	}
	return 0o644
}

// writeSynced writes data to path (created or truncated) and fsyncs it.
func writeSynced(path string, data []byte, mode os.FileMode, opts Options, step, name string) error {
	if err := opts.fail(step, name); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteFile writes one file outside a plan durably: a temp file next to
// it, fsynced, renamed over it, the directory fsynced (record's backup
// file). A kill leaves the old content or the new, and at worst the temp
// file.
func WriteFile(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := writeSynced(tmp, data, mode, Options{}, "temp", path); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDirs(dirs map[string]bool) error {
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

func writeJournal(root string, j *journal, opts Options) error {
	dir := filepath.Join(root, Dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, JournalName+".tmp")
	if err := writeSynced(tmp, data, 0o600, opts, "journal", Dir+"/"+JournalName); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, JournalName)); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	return syncDir(root)
}

func readJournal(root string) (*journal, error) {
	path := filepath.Join(root, Dir, JournalName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil || j.Version != 1 {
		// A journal is renamed into place whole, so this is not ours or
		// was damaged by something else: never guess.
		return nil, fmt.Errorf("%s/%s is not a journal this version of djsquash can read; move it away to continue", Dir, JournalName)
	}
	for _, ch := range j.Changes {
		if err := checkPath(ch.Path); err != nil {
			return nil, fmt.Errorf("%s/%s: %v", Dir, JournalName, err)
		}
	}
	return &j, nil
}

func removeJournal(root string) error {
	dir := filepath.Join(root, Dir)
	os.Remove(filepath.Join(dir, JournalName+".tmp"))
	if err := os.Remove(filepath.Join(dir, JournalName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := syncDir(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	os.Remove(dir) // only when empty
	return nil
}

// relErr shortens the absolute paths of *os.PathError and *os.LinkError
// to the part after root.
func relErr(root string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

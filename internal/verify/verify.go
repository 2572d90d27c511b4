// Package verify proves a migration tree with the project's own Python
// and Django: on scratch copies of the project and throw-away databases,
// it migrates the original history (the tree with its squashes and resets
// hidden) and the current tree, compares the two schemas, runs
// makemigrations --check, and checks that a database built by the history
// has nothing to apply with the current tree. It is the only part of
// djsquash that runs the project's code.
//
// Invariants: the project directory is only read; every copy and database
// made here is removed before Run returns (also on error or
// cancellation); the database password reaches the child processes only
// through their environment.
package verify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/env"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/djsquash/djsquash/internal/recorder"
	"github.com/djsquash/djsquash/internal/schema"
)

// Options say what to verify and with what.
type Options struct {
	Root string
	// Python is the interpreter (--python); "" finds it (FindPython).
	Python string
	// ConfigPython is [tool.djsquash] python.
	ConfigPython string
	// Settings is the settings module; "" reads it from manage.py.
	Settings string
	// Server is a PostgreSQL or MariaDB server to make throw-away
	// databases on; nil uses SQLite files.
	Server *recorder.Target
	// Changes are applied to the current tree's copy first (squash,
	// reset or prune --verify): what is verified is the tree they make.
	Changes *changeset.Changeset
	// Timeout bounds each manage.py run; 0 is ten minutes.
	Timeout time.Duration
}

// Report is what verify found.
type Report struct {
	Python       string `json:"python"`
	PythonSource string `json:"python_source"` // how it was found
	Django       string `json:"django"`
	Engine       string `json:"engine"`
	// Databases are the throw-away databases (server mode), dropped
	// before Run returns.
	Databases []string `json:"databases"`
	// Hidden are the migrations left out to rebuild the original history.
	Hidden []string `json:"hidden"`
	// HistoryNote says why the history could not be rebuilt ("" when it
	// was).
	HistoryNote string `json:"history_note,omitempty"`
	// Migrations counted per tree, and how long a fresh migrate took.
	HistoryMigrations int     `json:"history_migrations"`
	CurrentMigrations int     `json:"current_migrations"`
	HistorySeconds    float64 `json:"history_seconds"`
	CurrentSeconds    float64 `json:"current_seconds"`
	// SchemaDiff lists every schema difference, in words.
	SchemaDiff []string `json:"schema_diff"`
	// Makemigrations is makemigrations --check's output when it wants
	// new migrations ("" when the models agree).
	Makemigrations string `json:"makemigrations,omitempty"`
	// Planned is what the current tree would still apply to a database
	// the history built ("" when nothing).
	Planned string `json:"planned,omitempty"`
	// Problems are every failed check, in words: the report fails when
	// there is one.
	Problems []string `json:"problems"`
}

// OK reports whether every check passed.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// overlayModule is the settings module verify writes into each copy: the
// project's settings, with DATABASES replaced by the scratch database
// (read from the environment, so no password is written to disk).
const overlayModule = "djsquash_verify_settings"

const dbEnv = "DJSQUASH_VERIFY_DATABASE"

// Run verifies the project's tree. An error means verify could not run
// (no Python, no Django, no settings, a server it cannot use); a failed
// check is a Problem in the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	rep := &Report{SchemaDiff: []string{}, Problems: []string{}, Hidden: []string{}, Databases: []string{}}
	py, how, err := FindPython(opts.Root, opts.Python, opts.ConfigPython)
	if err != nil {
		return nil, err
	}
	rep.Python, rep.PythonSource = py, how
	module := opts.Settings
	if module == "" {
		module = project.SettingsModule(opts.Root)
	}
	if module == "" {
		return nil, errors.New("cannot tell the settings module: manage.py sets no DJANGO_SETTINGS_MODULE default; pass --settings")
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	scratch, err := os.MkdirTemp("", "djsquash-verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)

	version, err := run(ctx, timeout, py, scratch, nil, "-c", "import django; print(django.get_version())")
	if err != nil {
		return nil, fmt.Errorf("%s cannot import Django (pass --python, or activate the project's virtualenv): %v", py, err)
	}
	rep.Django = strings.TrimSpace(version)

	current, history := filepath.Join(scratch, "current"), filepath.Join(scratch, "history")
	dirs := []string{current, history}
	// before is the tree as it stands, for --verify: every database ran
	// it (its squashes recorded) before the change is deployed.
	before := ""
	if opts.Changes != nil {
		before = filepath.Join(scratch, "before")
		dirs = append(dirs, before)
	}
	for _, dir := range dirs {
		if err := copyTree(opts.Root, dir); err != nil {
			return nil, fmt.Errorf("copying the project: %v", err)
		}
		if opts.Changes != nil && dir == current {
			if err := applyCopy(dir, opts.Changes); err != nil {
				return nil, err
			}
		}
		overlay := fmt.Sprintf("# Written by djsquash verify in a scratch copy.\nimport json\nimport os\n\nfrom %s import *  # noqa\n\nDATABASES = {\"default\": json.loads(os.environ[%q])}\n", module, dbEnv)
		if err := os.WriteFile(filepath.Join(dir, overlayModule+".py"), []byte(overlay), 0o644); err != nil {
			return nil, err
		}
	}
	if err := hideSquashes(history, rep); err != nil {
		return nil, err
	}

	// Databases.
	var dbs [2]*recorder.Target
	if opts.Server == nil {
		rep.Engine = string(recorder.SQLite)
		dbs[0] = recorder.SQLiteTarget(filepath.Join(scratch, "history.sqlite3"))
		dbs[1] = recorder.SQLiteTarget(filepath.Join(scratch, "current.sqlite3"))
	} else {
		rep.Engine = string(opts.Server.Engine)
		suffix := random()
		for i, which := range []string{"history", "current"} {
			t, err := recorder.CreateScratch(ctx, opts.Server, "djsquash_verify_"+suffix+"_"+which, recorder.Timeouts{})
			if err != nil {
				return nil, err
			}
			dbs[i] = t
			rep.Databases = append(rep.Databases, t.Database)
			defer func() {
				// Dropped even when ctx is done: a fresh context.
				dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				recorder.DropScratch(dctx, t, recorder.Timeouts{})
			}()
		}
	}
	manage := func(dir string, db *recorder.Target, args ...string) (string, error) {
		entry, _ := json.Marshal(db.DjangoDatabase())
		env := []string{"DJANGO_SETTINGS_MODULE=" + overlayModule, dbEnv + "=" + string(entry)}
		return run(ctx, timeout, py, dir, env, append([]string{"manage.py"}, args...)...)
	}

	// 1, 2: a fresh migrate of each tree, timed.
	var schemas [2]*schema.Schema
	for i, dir := range []string{history, current} {
		start := time.Now()
		out, err := manage(dir, dbs[i], "migrate", "--noinput")
		secs := time.Since(start).Seconds()
		which := [2]string{"the original history", "the current tree"}[i]
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("a fresh migrate of %s fails: %s\n%s", which, lastLine(out), tail(out, 20)))
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		n := strings.Count(out, "  Applying ")
		if i == 0 {
			rep.HistorySeconds, rep.HistoryMigrations = secs, n
		} else {
			rep.CurrentSeconds, rep.CurrentMigrations = secs, n
		}
		s, err := dump(ctx, dbs[i])
		if err != nil {
			return nil, fmt.Errorf("reading the schema %s built: %v", which, err)
		}
		schemas[i] = s
	}
	// 3: the schemas.
	if schemas[0] != nil && schemas[1] != nil {
		rep.SchemaDiff = schema.Compare(schemas[0], schemas[1], "the original history", "the current tree")
		if rep.SchemaDiff == nil {
			rep.SchemaDiff = []string{}
		}
		if len(rep.SchemaDiff) > 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("the current tree builds another schema than the original history (%d differences)", len(rep.SchemaDiff)))
		}
	}
	// 4: the models.
	if schemas[1] != nil {
		if out, err := manage(current, dbs[1], "makemigrations", "--check", "--dry-run", "--noinput"); err != nil {
			rep.Makemigrations = strings.TrimSpace(out)
			rep.Problems = append(rep.Problems, "makemigrations --check wants new migrations after the change:\n"+tail(out, 30))
		}
	}
	// 5: a database the history built (and, for --verify, migrated with
	// the tree as it stands, as every deployed database was), with the
	// current tree.
	if schemas[0] != nil && before != "" {
		if out, err := manage(before, dbs[0], "migrate", "--noinput"); err != nil {
			rep.Problems = append(rep.Problems, "the tree as it stands does not migrate a database the original history built:\n"+tail(out, 20))
			schemas[0] = nil
		}
	}
	if schemas[0] != nil {
		out, err := manage(current, dbs[0], "migrate", "--plan")
		switch {
		case err != nil:
			rep.Problems = append(rep.Problems, "the current tree cannot plan on a database the original history built:\n"+tail(out, 30))
		case !strings.Contains(out, "No planned migration operations"):
			rep.Planned = strings.TrimSpace(out)
			rep.Problems = append(rep.Problems, "on a database the original history built, the current tree would still apply:\n"+tail(out, 30))
		}
	}
	return rep, ctx.Err()
}

// hideSquashes removes from the history copy every migration that
// replaces others all of which are on disk: what is left is the history
// the squashes and resets replace. Where a replaced migration is gone
// (pruned), the history cannot be rebuilt: the note says so, and the
// comparison is with the tree as it is.
func hideSquashes(dir string, rep *Report) error {
	l, err := project.Load(dir)
	if err != nil {
		return err
	}
	have := map[migration.Key]bool{}
	for _, mig := range l.Migrations {
		have[mig.Key] = true
	}
	var missing []string
	for _, mig := range l.Migrations {
		if len(mig.Replaces) == 0 {
			continue
		}
		complete := true
		for _, r := range mig.Replaces {
			if !have[r.Key] {
				complete = false
				missing = append(missing, fmt.Sprintf("%s (replaced by %s)", r.Key, mig.Key))
				break
			}
		}
		if !complete {
			continue
		}
		// Migration files are named relative to the copy's root; remove
		// only inside the copy, whatever the path says.
		file := mig.File
		if !filepath.IsAbs(file) {
			file = filepath.Join(l.Root, file)
		}
		if rel, err := filepath.Rel(dir, file); err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("%s is outside the scratch copy", file)
		}
		if err := os.Remove(file); err != nil {
			return err
		}
		rep.Hidden = append(rep.Hidden, mig.Key.String())
	}
	if len(missing) > 0 {
		rep.HistoryNote = "the original history is not all on disk (pruned): " + strings.Join(missing, ", ") + "; its squashes stay in the history copy"
	}
	return nil
}

// dump reads a scratch database's schema.
func dump(ctx context.Context, t *recorder.Target) (*schema.Schema, error) {
	st, err := recorder.Open(t, recorder.Timeouts{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return schema.Dump(ctx, st.DB(), schema.Engine(t.Engine))
}

// run runs the interpreter in dir and returns its combined output.
func run(ctx context.Context, timeout time.Duration, py, dir string, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("timed out after %s", timeout)
	}
	return out.String(), err
}

// FindPython finds the project's interpreter (env.FindPython).
func FindPython(root, flag, config string) (path, how string, err error) {
	return env.FindPython(root, flag, config)
}

// copyTree copies the project, leaving out what a run leaves behind and
// what is not the project's code (byte code, SQLite files, VCS data,
// virtualenvs, djsquash's journal).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		name := d.Name()
		if d.IsDir() && path != src && (name == "__pycache__" || name == ".git" || name == ".venv" || name == "venv" ||
			name == "node_modules" || name == ".djsquash" || name == ".tox") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(name, ".pyc") || strings.HasSuffix(name, ".sqlite3") || strings.Contains(name, ".djsquash-tmp") {
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil // sockets, FIFOs, symlinks: not code a migration imports
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// applyCopy writes a changeset into a scratch copy (no journal: the copy
// is thrown away).
func applyCopy(dir string, cs *changeset.Changeset) error {
	for _, c := range cs.Changes {
		p := filepath.Join(dir, filepath.FromSlash(c.Path))
		switch c.Action {
		case changeset.Delete:
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		default:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, c.New, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// lastLine is out's last line: where Python says what failed.
func lastLine(out string) string {
	out = strings.TrimRight(out, "\n")
	return strings.TrimSpace(out[strings.LastIndex(out, "\n")+1:])
}

// tail is the last n lines of out.
func tail(out string, n int) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return "    " + strings.Join(lines, "\n    ")
}

func random() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

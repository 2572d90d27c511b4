// Package status compares the migrations on disk with what each database
// recorded in django_migrations: applied and unapplied migrations per app
// (as showmigrations lists them), rows for migrations no longer on disk,
// inconsistent history (as migrate's check_consistent_history words it), the
// state of every squash, and whether each squash is safe to prune everywhere.
//
// Pure: it takes rows already read and does no I/O.
package status

import (
	"fmt"
	"sort"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/migration"
)

// Key is a migration key.
type Key = migration.Key

// Mark is a migration's state in one database, as showmigrations shows it.
type Mark string

const (
	Applied   Mark = "applied"   // [X]
	Unapplied Mark = "unapplied" // [ ]
	// Unrecorded is a squash whose replaced migrations are all applied but
	// which is not recorded itself yet: [-], "Run 'manage.py migrate' to
	// finish recording."
	Unrecorded Mark = "unrecorded"
)

// Entry is one migration in an app's list.
type Entry struct {
	Name     string `json:"name"`
	Mark     Mark   `json:"mark"`
	Replaces int    `json:"replaces,omitempty"` // > 0 for a squash
}

// App lists one app's migrations in plan order.
type App struct {
	App       string  `json:"app"`
	Entries   []Entry `json:"migrations"`
	Unapplied int     `json:"unapplied"`
	// External marks an installed app outside the project (contrib,
	// third-party), read from the project's environment.
	External bool `json:"external,omitempty"`
}

// SquashState says how far one database got through a squash.
type SquashState string

const (
	Full    SquashState = "applied"
	Partial SquashState = "partial"
	None    SquashState = "unapplied"
	// NotRecorded is a verdict's reason only: every replaced migration is
	// applied but the squash's own row is missing (nobody ran migrate
	// since the squash arrived; migrate records it). Pruning then would
	// leave Django a migration it has no row for.
	NotRecorded SquashState = "not recorded"
)

// Squash is a squash's state in one database.
type Squash struct {
	Key       Key         `json:"-"`
	Name      string      `json:"squash"`
	State     SquashState `json:"state"`
	Replaced  int         `json:"replaced"`
	Applied   int         `json:"applied_replaced"` // replaced migrations recorded
	Recorded  bool        `json:"recorded"`         // the squash's own row exists
	Remaining int         `json:"remaining"`        // replaced migrations still to apply
}

// Database is the status of one database (or one schema of it).
type Database struct {
	Name         string            `json:"database"`
	Apps         []App             `json:"apps"`
	Unapplied    int               `json:"unapplied"`
	Unknown      []string          `json:"unknown_rows"` // recorded, not on disk, not replaced
	Inconsistent []string          `json:"inconsistent"` // Django's InconsistentMigrationHistory wording
	Squashes     []Squash          `json:"squashes"`
	Diagnostics  []diag.Diagnostic `json:"diagnostics,omitempty"`
}

// Behind reports whether anything is unapplied or inconsistent.
func (d *Database) Behind() bool { return d.Unapplied > 0 || len(d.Inconsistent) > 0 }

// Verdict says whether a squash may be pruned: every database applied it.
type Verdict struct {
	Squash      string   `json:"squash"`
	SafeToPrune bool     `json:"safe_to_prune"`
	Behind      []Behind `json:"behind,omitempty"`
}

// Behind names a database that has not finished a squash.
type Behind struct {
	Database string      `json:"database"`
	Missing  int         `json:"missing"` // replaced migrations it has yet to apply
	State    SquashState `json:"state"`
}

// Report is the whole status.
type Report struct {
	Databases []Database `json:"databases"`
	Verdicts  []Verdict  `json:"squashes"`
}

// Problems reports whether the command should exit 1.
func (r *Report) Problems() bool {
	for i := range r.Databases {
		if r.Databases[i].Behind() {
			return true
		}
	}
	return false
}

// Input is the project side: the migrations on disk.
type Input struct {
	Migrations []*migration.Migration // in load order
	Apps       map[string]bool        // the project's apps with migrations
	Only       map[string]bool        // restrict lists to these apps (nil: all)
	Nested     bool                   // Django 6.0 squash-of-squash loader
	// External are the installed apps outside the project among Apps:
	// listed and marked, never given prune verdicts.
	External map[string]bool
}

// Recorded is what one database holds.
type Recorded struct {
	Name string
	Rows []Key // in id order
}

// Compute builds the report for every database.
func Compute(in Input, dbs []Recorded) *Report {
	r := &Report{Databases: []Database{}, Verdicts: []Verdict{}}
	for _, db := range dbs {
		r.Databases = append(r.Databases, database(in, db))
	}
	// One verdict per squash found on disk, in load order.
	for _, m := range in.Migrations {
		if len(m.Replaces) == 0 || (in.Only != nil && !in.Only[m.App]) || in.External[m.App] {
			continue
		}
		v := Verdict{Squash: m.Key.String(), SafeToPrune: len(dbs) > 0}
		for _, d := range r.Databases {
			for _, s := range d.Squashes {
				switch {
				case s.Key != m.Key:
				case s.State != Full:
					v.SafeToPrune = false
					v.Behind = append(v.Behind, Behind{Database: d.Name, Missing: s.Remaining, State: s.State})
				case !s.Recorded:
					// Once pruned, the squash is an ordinary migration:
					// Django needs its row, not its originals'.
					v.SafeToPrune = false
					v.Behind = append(v.Behind, Behind{Database: d.Name, State: NotRecorded})
				}
			}
		}
		r.Verdicts = append(r.Verdicts, v)
	}
	return r
}

func database(in Input, db Recorded) Database {
	out := Database{Name: db.Name, Unknown: []string{}, Inconsistent: []string{}, Squashes: []Squash{}}
	recorded := make(map[Key]bool, len(db.Rows))
	for _, k := range db.Rows {
		recorded[k] = true
	}
	g := graph.Build(in.Migrations, graph.Options{Applied: recorded, Apps: in.Apps, NestedReplacements: in.Nested})
	out.Diagnostics = g.Diagnostics

	// Per app, in plan order (showmigrations' show_list).
	apps := make([]string, 0, len(in.Apps))
	for a := range in.Apps {
		if in.Only == nil || in.Only[a] {
			apps = append(apps, a)
		}
	}
	sort.Strings(apps)
	for _, app := range apps {
		st := App{App: app, Entries: []Entry{}, External: in.External[app]}
		shown := map[Key]bool{}
		for _, leaf := range g.LeafNodes(app) {
			for _, k := range g.ForwardsPlan(leaf) {
				n := g.Node(k)
				if shown[k] || k.App != app || n == nil || n.Migration == nil {
					continue
				}
				shown[k] = true
				e := Entry{Name: k.Name, Replaces: len(n.Migration.Replaces), Mark: Unapplied}
				if g.Applied[k] {
					e.Mark = Applied
					if !recorded[k] {
						e.Mark = Unrecorded
					}
				} else {
					st.Unapplied++
				}
				st.Entries = append(st.Entries, e)
			}
		}
		out.Unapplied += st.Unapplied
		out.Apps = append(out.Apps, st)
	}

	// Rows for project migrations that are gone from disk and that no
	// squash on disk accounts for.
	onDisk := map[Key]bool{}
	replaced := map[Key]bool{}
	for _, m := range in.Migrations {
		onDisk[m.Key] = true
		for _, r := range m.Replaces {
			replaced[r.Key] = true
		}
	}
	for _, k := range db.Rows {
		if in.Apps[k.App] && !onDisk[k] && !replaced[k] && (in.Only == nil || in.Only[k.App]) {
			out.Unknown = append(out.Unknown, k.String())
		}
	}

	// check_consistent_history: an applied migration whose parent is not,
	// unless the parent is a squash whose replaced migrations all are.
	appRecorded := map[string]bool{}
	for _, k := range db.Rows {
		appRecorded[k.App] = true
	}
	for _, k := range db.Rows {
		n := g.Node(k)
		if n == nil || n.Migration == nil {
			continue
		}
		for _, p := range n.Parents() {
			if recorded[p.Key] || allReplacedApplied(g, p.Key, recorded, map[Key]bool{}) {
				continue
			}
			// Django resolves ("auth", "__first__") (what
			// swappable_dependency gives for the default user model) to a
			// migration of the installed app; an app outside the project
			// has none here, so any of its rows stands for it.
			if p.External && (p.Key.Name == "__first__" || p.Key.Name == "__latest__") && appRecorded[p.Key.App] {
				continue
			}
			out.Inconsistent = append(out.Inconsistent, fmt.Sprintf(
				"Migration %s is applied before its dependency %s on database '%s'.", k, p.Key, db.Name))
		}
	}

	for _, m := range in.Migrations {
		if len(m.Replaces) == 0 || (in.Only != nil && !in.Only[m.App]) {
			continue
		}
		targets := leavesOf(g, m, map[Key]bool{})
		s := Squash{Key: m.Key, Name: m.Key.String(), Replaced: len(targets), Recorded: recorded[m.Key]}
		for _, t := range targets {
			if recorded[t] {
				s.Applied++
			}
		}
		switch {
		case s.Recorded || s.Applied == s.Replaced:
			s.State = Full
		case s.Applied == 0:
			s.State, s.Remaining = None, s.Replaced
		default:
			s.State, s.Remaining = Partial, s.Replaced-s.Applied
		}
		out.Squashes = append(out.Squashes, s)
	}
	return out
}

// allReplacedApplied is loader.all_replaced_applied: recursive through
// squashes of squashes.
func allReplacedApplied(g *graph.Graph, k Key, recorded map[Key]bool, seen map[Key]bool) bool {
	m := g.Replacement(k)
	if m == nil || seen[k] {
		return false
	}
	seen[k] = true
	for _, r := range m.Replaces {
		if !recorded[r.Key] && !allReplacedApplied(g, r.Key, recorded, seen) {
			return false
		}
	}
	return true
}

// leavesOf returns the original migrations a squash stands for, looking
// through squashes it replaces.
func leavesOf(g *graph.Graph, m *migration.Migration, seen map[Key]bool) []Key {
	var out []Key
	for _, r := range m.Replaces {
		if seen[r.Key] {
			continue
		}
		seen[r.Key] = true
		if inner := g.Replacement(r.Key); inner != nil {
			out = append(out, leavesOf(g, inner, seen)...)
		} else {
			out = append(out, r.Key)
		}
	}
	return out
}

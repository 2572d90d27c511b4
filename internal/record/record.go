// Package record decides what `djsquash record` writes to one database's
// django_migrations: the rows `migrate` would record for squashes and
// resets (a migration with `replaces` whose replaced migrations the
// database all holds), and with Prune the stale rows it may delete (a
// migration no longer on disk, of an app whose history on disk the
// database has adopted, that no migration on disk still lists in
// replaces). It also builds the schema those rows vouch for, which the
// database must hold before anything is recorded.
//
// Invariants: deciding is pure (rows in, edit out), so the caller can run
// it inside the locked transaction on the rows it just read; inserting is
// insert-only and idempotent (a second run decides nothing); a row Django
// still reads (a squash's replaced migration) is never deleted.
package record

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/recorder"
	"github.com/djsquash/djsquash/internal/schema"
	"github.com/djsquash/djsquash/internal/state"
)

// Input is the project as every database is compared with it.
type Input struct {
	// Migrations are the files on disk.
	Migrations []*migration.Migration
	// Graph is built from them with nothing applied (squashes in place).
	Graph *graph.Graph
	// Only limits recording to these apps (nil: all).
	Only map[string]bool
	// Prune also deletes stale rows.
	Prune bool
	// Settings resolves swappable settings for the state.
	Settings migration.Settings
}

// Decision is what one database gets.
type Decision struct {
	recorder.Edit
	// Partial lists squashes the database applied only in part: migrate
	// applies the rest of their replaced migrations, so they are left to
	// it.
	Partial []string
	// Held lists stale rows left alone, and why.
	Held []string
	// Apps are the apps whose migrations are inserted: the schema check
	// covers their models.
	Apps map[string]bool
}

// Decide reads one database's rows and returns its edit.
func Decide(in Input, rows []recorder.Record) Decision {
	recorded := map[migration.Key]bool{}
	for _, r := range rows {
		recorded[migration.Key{App: r.App, Name: r.Name}] = true
	}
	onDisk := map[migration.Key]*migration.Migration{}
	for _, m := range in.Migrations {
		onDisk[m.Key] = m
	}
	order := map[migration.Key]int{}
	for i, k := range in.Graph.Plan() {
		order[k] = i
	}
	var squashes []*migration.Migration
	for _, m := range in.Migrations {
		if len(m.Replaces) > 0 && !m.Unreadable && (in.Only == nil || in.Only[m.App]) {
			squashes = append(squashes, m)
		}
	}
	sort.Slice(squashes, func(i, j int) bool {
		oi, iok := order[squashes[i].Key]
		oj, jok := order[squashes[j].Key]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return squashes[i].Key.String() < squashes[j].Key.String()
	})
	d := Decision{Apps: map[string]bool{}}
	// held counts the replaced migrations a database holds.
	held := func(m *migration.Migration) int {
		n := 0
		for _, r := range m.Replaces {
			if recorded[r.Key] {
				n++
			}
		}
		return n
	}
	// A fixpoint, for squashes that replace squashes (Django 6.0 loads
	// them): each pass records what the previous one made complete.
	for changed := true; changed; {
		changed = false
		for _, m := range squashes {
			if !recorded[m.Key] && held(m) == len(m.Replaces) {
				recorded[m.Key] = true
				d.Insert = append(d.Insert, recorder.Key{App: m.App, Name: m.Name})
				d.Apps[m.App] = true
				changed = true
			}
		}
	}
	for _, m := range squashes {
		if n := held(m); !recorded[m.Key] && n > 0 {
			d.Partial = append(d.Partial, fmt.Sprintf("%s: %d of its %d replaced migrations are applied; migrate applies the rest, then records it", m.Key, n, len(m.Replaces)))
		}
	}
	if in.Prune {
		d.Delete, d.Held = stale(in, rows, recorded, onDisk)
	}
	return d
}

// stale picks the rows --prune deletes: a migration no longer on disk, of
// an app whose history on disk the database has adopted (it holds the
// app's first migrations, counting what this run inserts), that no
// migration on disk lists in replaces. Django decides a squash applied
// from its replaced migrations' rows for as long as it has replaces:
// deleting them then makes Django apply it again, which is why Django's
// migrate --prune refuses too, and why djsquash prune (which removes
// replaces) comes first.
func stale(in Input, rows []recorder.Record, recorded map[migration.Key]bool, onDisk map[migration.Key]*migration.Migration) (del []recorder.Record, held []string) {
	listedIn := map[migration.Key]migration.Key{}
	for _, m := range in.Migrations {
		for _, r := range m.Replaces {
			listedIn[r.Key] = m.Key
		}
	}
	apps := map[string]bool{}
	for _, m := range in.Migrations {
		apps[m.App] = true
	}
	adopted := map[string]bool{}
	for app := range apps {
		roots := in.Graph.RootNodes(app)
		ok := len(roots) > 0
		for _, k := range roots {
			ok = ok && recorded[k]
		}
		adopted[app] = ok
	}
	heldApps := map[string]bool{}
	heldBy := map[migration.Key]int{}
	var byOrder []migration.Key
	for _, r := range rows {
		k := migration.Key{App: r.App, Name: r.Name}
		if onDisk[k] != nil || !apps[k.App] || in.Only != nil && !in.Only[k.App] {
			continue
		}
		switch by, listed := listedIn[k]; {
		case listed:
			if heldBy[by] == 0 {
				byOrder = append(byOrder, by)
			}
			heldBy[by]++
		case !adopted[k.App]:
			if !heldApps[k.App] {
				heldApps[k.App] = true
				held = append(held, fmt.Sprintf("%s: rows not on disk, but this database has not recorded the app's first migration on disk (%s): left alone", k.App, keysText(in.Graph.RootNodes(k.App))))
			}
		default:
			del = append(del, r)
		}
	}
	for _, by := range byOrder {
		held = append(held, fmt.Sprintf("%s of migrations %s replaces: Django counts %s applied from them while it lists them in replaces; run djsquash prune first (it removes replaces once every database recorded %s)",
			plural(heldBy[by], "row"), by, by, by))
	}
	return del, held
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func keysText(keys []migration.Key) string {
	var out []string
	for _, k := range keys {
		out = append(out, k.String())
	}
	return strings.Join(out, ", ")
}

// Expectation builds the schema a set of recorded migrations vouches for,
// per engine, once per set: tenants usually share one.
type Expectation struct {
	in    Input
	mu    sync.Mutex // databases are checked in parallel
	cache map[string]*state.Project
	errs  map[string]error
}

// NewExpectation prepares expectations for in.
func NewExpectation(in Input) *Expectation {
	return &Expectation{in: in, cache: map[string]*state.Project{}, errs: map[string]error{}}
}

// Expected is the schema of the apps of d's inserted migrations, after
// the plan that ends with them.
func (x *Expectation) Expected(d Decision, e schema.Engine) (*schema.Expected, error) {
	var keys []migration.Key
	for _, k := range d.Insert {
		keys = append(keys, migration.Key{App: k.App, Name: k.Name})
	}
	return x.For(keys, d.Apps, e)
}

// Applied lists what a database has applied in the graph's terms: the
// recorded nodes, and the squashes whose replaced migrations are all
// recorded; and their apps. status --schema-check expects their schema.
func Applied(in Input, rows []recorder.Record) ([]migration.Key, map[string]bool) {
	recorded := map[migration.Key]bool{}
	for _, r := range rows {
		recorded[migration.Key{App: r.App, Name: r.Name}] = true
	}
	var keys []migration.Key
	apps := map[string]bool{}
	for _, k := range in.Graph.Plan() {
		n := in.Graph.Node(k)
		if n == nil || n.Migration == nil || in.Only != nil && !in.Only[k.App] {
			continue
		}
		ok := recorded[k]
		if !ok && len(n.Migration.Replaces) > 0 {
			ok = true
			for _, r := range n.Migration.Replaces {
				ok = ok && recorded[r.Key]
			}
		}
		if ok {
			keys = append(keys, k)
			apps[k.App] = true
		}
	}
	return keys, apps
}

// For is the schema of apps after the plan that ends with keys.
func (x *Expectation) For(keys []migration.Key, apps map[string]bool, e schema.Engine) (*schema.Expected, error) {
	if len(keys) == 0 {
		return &schema.Expected{Engine: e}, nil // Plan() of nothing would be everything
	}
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, k.String())
	}
	slices.Sort(names)
	id := strings.Join(names, ",")
	x.mu.Lock()
	defer x.mu.Unlock()
	p, ok := x.cache[id]
	if !ok {
		p = state.New(x.in.Settings)
		var migs []*migration.Migration
		for _, k := range x.in.Graph.Plan(keys...) {
			if n := x.in.Graph.Node(k); n != nil && n.Migration != nil {
				migs = append(migs, n.Migration)
			}
		}
		if err := p.ReplayPlan(migs); err != nil {
			x.errs[id] = fmt.Errorf("the migrations do not replay, so the schema they make is unknown: %v", err)
		}
		x.cache[id] = p
	}
	if err := x.errs[id]; err != nil {
		return nil, err
	}
	return Expect(p, apps, e), nil
}

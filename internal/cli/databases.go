package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/par"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/djsquash/djsquash/internal/recorder"
)

// dbFlags are the flags of every command that reads databases.
type dbFlags struct {
	specs   []string // --database [NAME=]URL, repeatable
	schema  string   // --schema NAME (PostgreSQL)
	schemas string   // --schemas LIKE-pattern (PostgreSQL, multi-tenant)
	workers int
	// schemaCheck (status --schema-check) compares each schema too.
	schemaCheck bool
}

// targets resolves the databases to read: --database flags, else the
// running settings' DATABASES (manage.py djsquash), else the
// [tool.djsquash.databases] environments, else DATABASE_URL when set.
func (f *dbFlags) targets(root string, cfg *project.Config, facts *project.Facts) ([]*recorder.Target, error) {
	var aliases map[string]string
	if facts != nil {
		aliases = facts.Databases
	}
	// configured is the URL a bare name stands for: a DATABASES alias of
	// the running settings, else a configured environment.
	configured := func(s string) (string, bool) {
		if strings.Contains(s, ":") {
			return "", false
		}
		if url, ok := aliases[s]; ok {
			return url, true
		}
		url, ok := cfg.Databases[s]
		return url, ok
	}
	specs := f.specs
	for _, named := range []map[string]string{aliases, cfg.Databases} {
		if len(specs) == 0 {
			for _, n := range slices.Sorted(maps.Keys(named)) {
				specs = append(specs, n+"="+named[n])
			}
		}
	}
	if len(specs) == 0 && os.Getenv("DATABASE_URL") != "" {
		specs = []string{"default=env:DATABASE_URL"}
	}
	var out []*recorder.Target
	seen := map[string]bool{}
	unnamed := 0
	for _, s := range specs {
		if t, err := recorder.ParseTarget(s, root); err == nil && !t.Named {
			if _, ok := configured(s); !ok {
				unnamed++
			}
		}
	}
	for _, s := range specs {
		if url, ok := configured(s); ok {
			s = s + "=" + url
		}
		t, err := recorder.ParseTarget(s, root)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		if f.schema != "" {
			if t.Engine != recorder.PostgreSQL {
				return nil, usageErr("--schema needs a PostgreSQL database, %s is %s", t.Name, t.Engine)
			}
			t.Schema = f.schema
		}
		if !t.Named && unnamed > 1 {
			// Several URLs without names (the README's recipe, with
			// $STAGING_URL and $PROD_URL): each is named by its place.
			t.Name = t.Place(root)
		}
		if seen[t.Name] {
			return nil, usageErr("database %q given twice; name them NAME=URL", t.Name)
		}
		seen[t.Name] = true
		out = append(out, t)
	}
	return out, nil
}

// recorded is what one database (or schema) holds, or why it could not be read.
type recorded struct {
	name string // "production" or "production/tenant_7"
	rows []migration.Key
	err  error
	note string // e.g. "never migrated"
}

// readAll reads every target (every matching schema with --schemas) with a
// bounded pool, reporting progress through tick. Results keep input order.
func (f *dbFlags) readAll(ctx context.Context, targets []*recorder.Target, tick func(done, total int)) []recorded {
	jobs, early := f.jobs(ctx, targets)
	st := &stores{}
	defer st.close()
	out := eachJob(jobs, f.workers, tick, func(j dbJob) recorded {
		r := recorded{name: j.name}
		s, err := st.get(j.t)
		if err == nil {
			var rows []recorder.Row
			rows, err = s.Applied(ctx, j.schema)
			for _, row := range rows {
				r.rows = append(r.rows, migration.Key{App: row.App, Name: row.Name})
			}
			// No table is what Django sees as nothing applied.
			if errors.Is(err, recorder.ErrNeverMigrated) {
				err, r.note = nil, "no django_migrations table: never migrated"
			}
		}
		r.err = err
		return r
	})
	return append(early, out...)
}

// eachJob runs fn on every job on a bounded pool (workers; 8 when not
// set), calling tick as each finishes; results keep the jobs' order.
func eachJob[T any](jobs []dbJob, workers int, tick func(done, total int), fn func(dbJob) T) []T {
	if workers < 1 {
		workers = 8
	}
	out := make([]T, len(jobs))
	var mu sync.Mutex
	done := 0
	par.Each(len(jobs), workers, func(i int) {
		out[i] = fn(jobs[i])
		mu.Lock()
		done++
		if tick != nil {
			tick(done, len(jobs))
		}
		mu.Unlock()
	})
	return out
}

// loadTargets is the start of every command that reads databases: the
// project, the apps named (installed apps outside the project too when
// shown), the databases to read.
func (e *env) loadTargets(f *dbFlags, apps []string, shown bool) (*loaded, map[string]bool, []*recorder.Target, error) {
	lp, err := e.load()
	if err != nil {
		return nil, nil, nil, err
	}
	sel := lp.selectApps
	if shown {
		sel = lp.selectShown
	}
	only, err := sel(apps)
	if err != nil {
		return nil, nil, nil, err
	}
	targets, err := f.targets(lp.Root, lp.Config, lp.Facts)
	if err != nil {
		return nil, nil, nil, err
	}
	if lp.Facts != nil && len(f.specs) == 0 {
		for _, alias := range slices.Sorted(maps.Keys(lp.Facts.SkippedDatabases)) {
			fmt.Fprintf(e.stderr, "djsquash: DATABASES[%q] left out: %s\n", alias, lp.Facts.SkippedDatabases[alias])
		}
	}
	if len(targets) == 0 {
		return nil, nil, nil, usageErr("no database: pass --database URL, set DATABASE_URL, or configure [tool.djsquash.databases]")
	}
	return lp, only, targets, nil
}

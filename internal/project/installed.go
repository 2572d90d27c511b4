package project

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/par"
)

// ExternalApp is an installed app that lives outside the project: Django's
// contrib apps, third-party packages. Its migrations are read like the
// project's but are never squashed, pruned, reset or written.
type ExternalApp struct {
	Label         string
	Module        string // "django.contrib.auth"
	MigrationsDir string
}

// Installed apps' migrations, read from the environment's sys.path.
type External struct {
	Apps       []ExternalApp
	Migrations []*migration.Migration
	labels     map[string]bool
}

// Labels are the external apps' labels (read-only: shared by callers).
func (x *External) Labels() map[string]bool { return x.labels }

// ReadInstalled reads the migrations of the INSTALLED_APPS entries that are
// not project apps, finding each package on sysPath (the project
// environment's sys.path) as Python's import would, first match wins.
// Entries it cannot find are left out: the graph then treats their
// migrations as external nodes, as without an environment.
func (l *Loaded) ReadInstalled(sysPath []string) *External {
	x := &External{labels: map[string]bool{}}
	if l.Installed == nil {
		return x
	}
	project := l.AppLabels()
	if l.Facts != nil {
		x.Apps = l.Facts.external(l.Root, project)
		for _, a := range x.Apps {
			x.labels[a.Label] = true
		}
		return l.readExternal(x)
	}
	seen := map[string]bool{}
	for _, entry := range l.Installed.Entries {
		parts := strings.Split(entry, ".")
		if last := parts[len(parts)-1]; len(parts) >= 2 && last != "" && last[0] >= 'A' && last[0] <= 'Z' {
			parts = parts[:len(parts)-1] // an AppConfig class: its module
			if parts[len(parts)-1] == "apps" {
				parts = parts[:len(parts)-1]
			}
		}
		dir := findPackage(sysPath, parts)
		if dir == "" || strings.HasPrefix(dir, l.Root+string(filepath.Separator)) {
			continue // not found, or the project's own
		}
		label := parts[len(parts)-1]
		if c, ok := contribLabels[strings.Join(parts, ".")]; ok {
			label = c
		} else if lbl, ok := appsLabel(dir); ok {
			label = lbl
		}
		if project[label] || seen[label] {
			continue
		}
		seen[label] = true
		migDir := filepath.Join(dir, "migrations")
		if mod, ok := l.Installed.MigrationModules[label]; ok {
			if mod == "" {
				continue // MIGRATION_MODULES maps it to None
			}
			if migDir = findPackage(sysPath, strings.Split(mod, ".")); migDir == "" {
				continue
			}
		}
		if !isPackage(migDir) {
			continue // an app without migrations (messages, staticfiles)
		}
		x.Apps = append(x.Apps, ExternalApp{Label: label, Module: strings.Join(parts, "."), MigrationsDir: migDir})
		x.labels[label] = true
	}
	return l.readExternal(x)
}

// readExternal reads the migrations of x.Apps.
func (l *Loaded) readExternal(x *External) *External {
	sort.Slice(x.Apps, func(i, j int) bool { return x.Apps[i].Label < x.Apps[j].Label })
	type job struct{ label, file string }
	var jobs []job
	for _, a := range x.Apps {
		entries, err := os.ReadDir(a.MigrationsDir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.IsDir() && IsMigrationModule(e.Name()) {
				jobs = append(jobs, job{a.Label, filepath.Join(a.MigrationsDir, e.Name())})
			}
		}
	}
	migs := make([]*migration.Migration, len(jobs))
	par.Each(len(jobs), 0, func(i int) {
		src, err := readFile(jobs[i].file)
		if err != nil {
			return
		}
		name := strings.TrimSuffix(filepath.Base(jobs[i].file), ".py")
		migs[i], _ = migration.Read(migration.Key{App: jobs[i].label, Name: name}, jobs[i].file, src, l.Setting)
	})
	for _, m := range migs {
		if m != nil {
			x.Migrations = append(x.Migrations, m)
		}
	}
	return x
}

// findPackage is the directory of a dotted package on sysPath, or "".
func findPackage(sysPath []string, parts []string) string {
	for _, p := range sysPath {
		dir := filepath.Join(append([]string{p}, parts...)...)
		if isPackage(dir) {
			return dir
		}
	}
	return ""
}

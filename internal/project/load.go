package project

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/par"
	"github.com/djsquash/djsquash/internal/python"
)

// Loaded is a project with every migration file read.
type Loaded struct {
	*Project
	// Migrations in load order: apps by label, files by name.
	Migrations []*migration.Migration
	// Settings are the swappable settings' values and where they came from.
	Settings map[string]string
	// Diagnostics of discovery and reading, located (line:col) and sorted.
	Diagnostics []diag.Diagnostic
	// Installed is INSTALLED_APPS and MIGRATION_MODULES as the settings
	// modules say, read statically, or as the running Django resolved them
	// when Facts are given.
	Installed *Installed
	// Facts are the running settings' (manage.py djsquash), or nil.
	Facts *Facts
}

// AppLabels returns the set of labels of apps with migrations.
func (l *Loaded) AppLabels() map[string]bool {
	out := make(map[string]bool, len(l.Apps))
	for _, a := range l.Apps {
		out[a.Label] = true
	}
	return out
}

// Load discovers the project under root and reads every migration, in
// parallel. Only I/O failures are errors; problems in files are diagnostics.
func Load(root string) (*Loaded, error) { return LoadWith(root, nil) }

// LoadWith is Load with the running settings' facts (nil: none), which
// replace the static reading of INSTALLED_APPS, MIGRATION_MODULES, app
// labels and swappable settings.
func LoadWith(root string, facts *Facts) (*Loaded, error) {
	cfg, err := LoadConfig(root)
	if err != nil {
		return nil, err
	}
	p, err := Discover(root, cfg)
	if err != nil {
		return nil, err
	}
	l := &Loaded{Project: p, Settings: map[string]string{}, Facts: facts}
	for _, a := range p.Apps {
		if a.LabelFrom == "directory" {
			if label, ok := appsLabel(a.Dir); ok {
				a.Label, a.LabelFrom = label, "apps.py"
			}
		}
	}
	if facts != nil {
		l.labelsFromFacts(facts)
		l.Installed = installedFromFacts(p.Root, facts)
	} else {
		l.Installed = l.readInstalled()
	}
	l.applyMigrationModules()
	p.sortAndCheck()
	l.preferInstalled()
	l.Diagnostics = append(l.Diagnostics[:0], p.Diagnostics...)
	for i := range l.Diagnostics {
		// Discovery works with absolute paths; messages show the
		// project's own relative to it, as every other diagnostic does.
		if f := l.Diagnostics[i].File; filepath.IsAbs(f) {
			l.Diagnostics[i].File = l.Rel(f)
		}
	}
	l.readSettings(cfg)
	if facts != nil {
		for k, v := range facts.Settings {
			l.Settings[k] = v
		}
	}

	type job struct {
		app  *App
		file string
	}
	var jobs []job
	for _, a := range p.Apps {
		for _, f := range a.Files {
			jobs = append(jobs, job{a, f})
		}
	}
	migs := make([]*migration.Migration, len(jobs))
	diags := make([][]diag.Diagnostic, len(jobs))
	errs := make([]error, len(jobs))
	settings := l.Setting
	par.Each(len(jobs), 0, func(i int) {
		j := jobs[i]
		src, err := readFile(j.file)
		if err != nil {
			errs[i] = err
			return
		}
		name := strings.TrimSuffix(filepath.Base(j.file), ".py")
		m, ds := migration.Read(migration.Key{App: j.app.Label, Name: name}, l.Rel(j.file), src, settings)
		if len(ds) > 0 {
			lines := diag.NewLines(src)
			for k := range ds {
				ds[k].File = l.Rel(j.file)
				lines.Locate(&ds[k])
			}
		}
		migs[i], diags[i] = m, ds
	})
	for i := range jobs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		l.Migrations = append(l.Migrations, migs[i])
		l.Diagnostics = append(l.Diagnostics, diags[i]...)
	}
	l.Diagnostics = append(l.Diagnostics, l.checkExternal()...)
	diag.Sort(l.Diagnostics)
	return l, nil
}

// Codes of dependencies on apps outside the project.
const (
	CodeNotInstalled = "DJ110" // a dependency names an app INSTALLED_APPS lacks
	CodeUnseenApp    = "DJ111" // a dependency names an app djsquash cannot see (excluded, or settings unreadable)
)

// checkExternal reports dependencies on apps without a migrations package
// in the project, which would otherwise be taken on trust: with a complete
// INSTALLED_APPS, an app it lacks is the NodeNotFoundError Django raises;
// an app [tool.djsquash] exclude hides, or one djsquash cannot check,
// gets one warning per app naming it.
func (l *Loaded) checkExternal() []diag.Diagnostic {
	project := l.AppLabels()
	var out []diag.Diagnostic
	warned := map[string]bool{}
	for _, m := range l.Migrations {
		for _, d := range append(append([]migration.Dependency{}, m.Dependencies...), m.RunBefore...) {
			app := d.App
			if project[app] || app == "" {
				continue
			}
			if path, ok := l.Excluded[app]; ok {
				if !warned[app] {
					warned[app] = true
					out = append(out, diag.Diagnostic{Severity: diag.Warning, Code: CodeUnseenApp, File: m.File, Offset: d.Pos,
						Message: fmt.Sprintf("%s depends on app %q, whose migrations [tool.djsquash] exclude hides (%s): a squash cannot see what they depend on, and may be cyclic", m.Key, app, path),
						Hint:    "do not exclude an app other apps depend on"})
				}
				continue
			}
			in := l.Installed
			switch {
			case in.Labels[app]:
			case in.Complete:
				out = append(out, diag.Diagnostic{Severity: diag.Error, Code: CodeNotInstalled, File: m.File, Offset: d.Pos,
					Message: fmt.Sprintf("%s depends on app %q, which INSTALLED_APPS (%s) does not have: Django raises NodeNotFoundError", m.Key, app, strings.Join(in.Files, ", ")),
					Hint:    "fix the app label in the dependency, or add the app to INSTALLED_APPS"})
			case !warned[app] && !isContribLabel(app):
				warned[app] = true
				why := "no settings module with a readable INSTALLED_APPS was found"
				if in.Read {
					why = "INSTALLED_APPS could not be read whole"
				}
				out = append(out, diag.Diagnostic{Severity: diag.Warning, Code: CodeUnseenApp, File: m.File, Offset: d.Pos,
					Message: fmt.Sprintf("%s depends on app %q, which djsquash cannot see (%s): it is assumed to exist", m.Key, app, why),
					Hint:    "set [tool.djsquash] apps if its migrations are in the project"})
			}
		}
	}
	for i := range out {
		for _, m := range l.Migrations {
			if m.File == out[i].File && m.Source != nil {
				diag.NewLines(m.Source.Src).Locate(&out[i])
				break
			}
		}
	}
	return out
}

func isContribLabel(label string) bool {
	for _, l := range contribLabels {
		if l == label {
			return true
		}
	}
	return false
}

// applyMigrationModules does what Django's loader does with
// MIGRATION_MODULES: an app's migrations live in the module named, and an
// app mapped to None has none that Django loads.
func (l *Loaded) applyMigrationModules() {
	mm := l.Installed.MigrationModules
	if len(mm) == 0 {
		return
	}
	kept := l.Apps[:0]
	for _, a := range l.Apps {
		mod, ok := mm[a.Label]
		switch {
		case !ok || a.LabelFrom == "pyproject.toml":
			kept = append(kept, a)
		case mod == "":
			l.Project.Diagnostics = append(l.Project.Diagnostics, diag.Diagnostic{Severity: diag.Info, Code: CodeMigrationModules, Offset: -1, File: a.MigrationsDir,
				Message: fmt.Sprintf("MIGRATION_MODULES maps %q to None: Django loads no migrations of it, and djsquash leaves %s out", a.Label, l.Rel(a.MigrationsDir))})
		case mod == a.Module:
			kept = append(kept, a)
		default:
			// Another module holds the migrations; this one is unused.
		}
	}
	l.Apps = kept
	have := map[string]bool{}
	for _, a := range l.Apps {
		have[a.Label] = true
	}
	for _, label := range slices.Sorted(maps.Keys(mm)) {
		mod := mm[label]
		if mod == "" || have[label] {
			continue
		}
		dir := filepath.Join(append([]string{l.Root}, strings.Split(mod, ".")...)...)
		if !isPackage(dir) {
			continue // an app outside the project, or not created yet
		}
		if a, err := newApp(l.Root, dir, label, "MIGRATION_MODULES"); err == nil {
			l.Apps = append(l.Apps, a)
		}
	}
}

// preferInstalled resolves two migration packages claiming one label (a
// test or sandbox copy of an app). INSTALLED_APPS decides when it is
// readable and names one of their apps; otherwise, when all but one lie
// under a test, sandbox or example directory, that one is chosen, with a
// warning that says so. The others are left out, with a note saying why;
// anything else stays the DJ001 error.
func (l *Loaded) preferInstalled() {
	installed := map[string]bool{}
	for _, e := range l.Installed.Entries {
		installed[e] = true
		if i := strings.Index(e, ".apps."); i > 0 {
			installed[e[:i]] = true
		}
	}
	byLabel := map[string][]*App{}
	for _, a := range l.Apps {
		byLabel[a.Label] = append(byLabel[a.Label], a)
	}
	drop := map[*App]bool{}
	for _, label := range slices.Sorted(maps.Keys(byLabel)) {
		as := byLabel[label]
		if len(as) < 2 {
			continue
		}
		var chosen, real []*App
		for _, a := range as {
			if l.Installed.Read && installed[strings.TrimSuffix(a.Module, ".migrations")] {
				chosen = append(chosen, a)
			}
			if !underTests(l.Root, a.Dir) {
				real = append(real, a)
			}
		}
		code, sev, why := CodeLabelChosen, diag.Info, fmt.Sprintf("which INSTALLED_APPS names (%s)", strings.Join(l.Installed.Files, ", "))
		if len(chosen) != 1 {
			if len(real) != 1 {
				continue
			}
			chosen = real
			code, sev = CodeLabelGuessed, diag.Warning
			why = "the only one outside a test, sandbox or example directory"
			if l.Installed.Read {
				why += " (INSTALLED_APPS names neither)"
			} else {
				why += " (the settings module could not be read)"
			}
		}
		for _, a := range as {
			if a != chosen[0] {
				drop[a] = true
				l.Project.Diagnostics = append(l.Project.Diagnostics, diag.Diagnostic{Severity: sev, Code: code, Offset: -1, File: a.MigrationsDir,
					Message: fmt.Sprintf("app label %q: using %s, %s, not %s", label, chosen[0].Module, why, a.Module),
					Hint:    "to choose another, list it in INSTALLED_APPS or exclude the other in [tool.djsquash] exclude"})
			}
		}
	}
	if len(drop) == 0 {
		return
	}
	kept := l.Apps[:0]
	for _, a := range l.Apps {
		if !drop[a] {
			kept = append(kept, a)
		}
	}
	l.Apps = kept
	l.Project.sortAndCheck()
}

// testDirs are directory names that hold copies of apps for tests, not
// the project's apps.
var testDirs = map[string]bool{"tests": true, "test": true, "testing": true, "testapps": true, "sandbox": true,
	"example": true, "examples": true, "fixtures": true, "docs": true, "testproject": true, "test_project": true}

// underTests reports an app directory below a test-like directory of the
// project.
func underTests(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return false
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if testDirs[part] {
			return true
		}
	}
	return false
}

// Setting looks up a swappable setting (a migration.Settings).
func (l *Loaded) Setting(name string) (string, bool) {
	v, ok := l.Settings[name]
	return v, ok
}

// rel makes a path relative to the project root, for messages.
func (l *Loaded) Rel(path string) string {
	if r, err := filepath.Rel(l.Root, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// Locate fills in line:col of diagnostics about migration files (as the
// graph reports them, with offsets only).
func (l *Loaded) Locate(ds []diag.Diagnostic) {
	want := map[string]*diag.Lines{}
	for _, d := range ds {
		if d.Offset >= 0 && d.Line == 0 {
			want[d.File] = nil
		}
	}
	if len(want) == 0 {
		return
	}
	for _, m := range l.Migrations {
		if _, ok := want[m.File]; ok && m.Source != nil {
			want[m.File] = diag.NewLines(m.Source.Src)
		}
	}
	for i := range ds {
		if lines := want[ds[i].File]; lines != nil && ds[i].Offset >= 0 && ds[i].Line == 0 {
			lines.Locate(&ds[i])
		}
	}
}

// appsLabel reads the label of the AppConfig in dir/apps.py, if one sets it.
// With several configs, the one marked default = True wins.
func appsLabel(dir string) (string, bool) {
	src, err := readFile(filepath.Join(dir, "apps.py"))
	if err != nil {
		return "", false
	}
	f, _ := python.ParseFile("apps.py", src)
	var label string
	found := false
	for _, s := range f.Body {
		c, ok := s.(*python.ClassDef)
		if !ok {
			continue
		}
		var lbl string
		hasLabel, isDefault := false, false
		for _, b := range c.Body {
			a, ok := b.(*python.Assign)
			if !ok || len(a.Targets) != 1 {
				continue
			}
			n, ok := a.Targets[0].(*python.Name)
			if !ok {
				continue
			}
			switch v := a.Value.(type) {
			case *python.Constant:
				if n.ID == "label" && v.Kind == python.Str {
					lbl, hasLabel = v.Value, true
				}
				if n.ID == "default" && v.Kind == python.True {
					isDefault = true
				}
			}
		}
		if hasLabel && (!found || isDefault) {
			label, found = lbl, true
		}
	}
	return label, found
}

// readSettings finds AUTH_USER_MODEL (and other swappable settings given
// in the config) statically: [tool.djsquash.settings] first, then literal
// assignments in settings modules, then Django's default.
func (l *Loaded) readSettings(cfg *Config) {
	for k, v := range cfg.Settings {
		l.Settings[k] = v
	}
	if _, ok := l.Settings["AUTH_USER_MODEL"]; ok {
		return
	}
	found := map[string][]string{} // value -> files
	for _, path := range l.SettingsFiles {
		src, err := readFile(path)
		if err != nil {
			continue
		}
		if !strings.Contains(string(src), "AUTH_USER_MODEL") {
			continue
		}
		f, _ := python.ParseFile(path, src)
		for _, s := range f.Body {
			a, ok := s.(*python.Assign)
			if !ok {
				continue
			}
			for _, t := range a.Targets {
				if n, ok := t.(*python.Name); ok && n.ID == "AUTH_USER_MODEL" {
					if c, ok := a.Value.(*python.Constant); ok && c.Kind == python.Str {
						found[c.Value] = append(found[c.Value], l.Rel(path))
					}
				}
			}
		}
	}
	values := make([]string, 0, len(found))
	for v := range found {
		values = append(values, v)
	}
	sort.Strings(values)
	switch len(values) {
	case 0:
		l.Settings["AUTH_USER_MODEL"] = "auth.User"
	case 1:
		l.Settings["AUTH_USER_MODEL"] = values[0]
	default:
		l.Settings["AUTH_USER_MODEL"] = values[0]
		l.Diagnostics = append(l.Diagnostics, diag.Diagnostic{Severity: diag.Warning, Code: "DJ003", Offset: -1,
			Message: fmt.Sprintf("settings modules disagree on AUTH_USER_MODEL (%s); using %q", strings.Join(values, ", "), values[0]),
			Hint:    `set [tool.djsquash.settings] AUTH_USER_MODEL = "app.Model"`})
	}
}

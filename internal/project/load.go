package project

import (
	"fmt"
	"path/filepath"
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
func Load(root string) (*Loaded, error) {
	cfg, err := LoadConfig(root)
	if err != nil {
		return nil, err
	}
	p, err := Discover(root, cfg)
	if err != nil {
		return nil, err
	}
	l := &Loaded{Project: p, Settings: map[string]string{}}
	for _, a := range p.Apps {
		if a.LabelFrom == "directory" {
			if label, ok := appsLabel(a.Dir); ok {
				a.Label, a.LabelFrom = label, "apps.py"
			}
		}
	}
	p.sortAndCheck()
	l.Diagnostics = append(l.Diagnostics[:0], p.Diagnostics...)
	l.readSettings(cfg)

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
	diag.Sort(l.Diagnostics)
	return l, nil
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

package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/diag"
)

// Diagnostic codes of discovery.
const (
	CodeDuplicateLabel   = "DJ001" // two migration packages claim one app label
	CodeConfigPath       = "DJ002" // a [tool.djsquash] apps entry is not a migrations package
	CodeUnreadable       = "DJ004" // a directory of the project cannot be read
	CodeNotPackage       = "DJ005" // an app's migrations is a namespace package or a module: Django loads none of it
	CodeMigrationModules = "DJ006" // MIGRATION_MODULES maps an app to None
	CodeLabelChosen      = "DJ007" // two packages claim a label; INSTALLED_APPS chose one
	CodeLabelGuessed     = "DJ008" // two packages claim a label; the one outside test directories was chosen
)

// App is one app with a migrations package.
type App struct {
	Label         string
	Dir           string   // the app package directory (parent of migrations)
	MigrationsDir string   // absolute path of the migrations package
	Module        string   // dotted module of the migrations package, from the project root
	Files         []string // migration modules, absolute paths, sorted by name
	LabelFrom     string   // "directory", "apps.py" or "pyproject.toml"
}

// Project is what discovery found.
type Project struct {
	Root        string
	Config      *Config
	Apps        []*App // sorted by label
	Diagnostics []diag.Diagnostic
	// SettingsFiles are Python files that look like Django settings
	// (settings.py, settings_*.py, or inside a settings package).
	SettingsFiles []string
	// Excluded maps the labels of apps whose migrations packages
	// [tool.djsquash] exclude hides to those packages.
	Excluded map[string]string
}

// App returns the app with a label, or nil.
func (p *Project) App(label string) *App {
	for _, a := range p.Apps {
		if a.Label == label {
			return a
		}
	}
	return nil
}

// skipDir reports directories that never hold project migrations.
func skipDir(dir, name string) bool {
	switch name {
	case ".git", ".hg", ".svn", "node_modules", "site-packages", "dist-packages", "__pycache__",
		".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".venv", "venv":
		return true
	}
	// Any virtualenv, whatever it is called.
	if _, err := os.Stat(filepath.Join(dir, "pyvenv.cfg")); err == nil {
		return true
	}
	return false
}

// IsMigrationModule reports whether Django's loader would load a file of a
// migrations package as a migration: a .py module whose name does not start
// with "_" or "~" (pkgutil.iter_modules, minus those Django ignores).
func IsMigrationModule(name string) bool {
	mod, ok := strings.CutSuffix(name, ".py")
	return ok && mod != "" && mod[0] != '_' && mod[0] != '~' && !strings.Contains(mod, ".")
}

// Discover finds every migrations package under root.
func Discover(root string, cfg *Config) (*Project, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		cfg = &Config{}
	}
	p := &Project{Root: root, Config: cfg}
	explicit := map[string]bool{} // migration dirs named in the config
	for label, rel := range cfg.Apps {
		dir := rel
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, filepath.FromSlash(rel))
		}
		if !isPackage(dir) {
			p.Diagnostics = append(p.Diagnostics, diag.Diagnostic{Severity: diag.Error, Code: CodeConfigPath, Offset: -1,
				File:    filepath.Join(root, "pyproject.toml"),
				Message: fmt.Sprintf("[tool.djsquash.apps] %s = %q is not a migrations package (no __init__.py)", label, rel),
				Hint:    "point it at the directory holding the migration files and __init__.py"})
			continue
		}
		explicit[dir] = true
		a, err := newApp(root, dir, label, "pyproject.toml")
		if err != nil {
			return nil, err
		}
		p.Apps = append(p.Apps, a)
	}
	err = filepath.WalkDir(root, func(pth string, d fs.DirEntry, err error) error {
		if err != nil {
			if pth == root {
				return err
			}
			// An unreadable directory may hide apps: say so, never skip
			// it silently.
			rel, _ := filepath.Rel(root, pth)
			if d != nil && d.IsDir() && !excluded(cfg.Exclude, filepath.ToSlash(rel)) {
				sev := diag.Warning
				if d.Name() == "migrations" {
					sev = diag.Error
				}
				p.Diagnostics = append(p.Diagnostics, diag.Diagnostic{Severity: sev, Code: CodeUnreadable, Offset: -1, File: pth,
					Message: fmt.Sprintf("cannot read %s: %v; migrations under it are not seen", filepath.ToSlash(rel), errors.Unwrap(err)),
					Hint:    "make it readable, or exclude it in [tool.djsquash] exclude"})
			}
			return nil
		}
		if !d.IsDir() {
			name := d.Name()
			if strings.HasSuffix(name, ".py") && (strings.HasPrefix(name, "settings") || filepath.Base(filepath.Dir(pth)) == "settings") {
				p.SettingsFiles = append(p.SettingsFiles, pth)
			}
			if name == "migrations.py" || name == "migrations" {
				p.notPackage(pth, "is a module, not a package")
			}
			return nil
		}
		rel, _ := filepath.Rel(root, pth)
		rel = filepath.ToSlash(rel)
		if pth != root && skipDir(pth, d.Name()) {
			return filepath.SkipDir
		}
		if pth != root && excluded(cfg.Exclude, rel) {
			p.noteExcluded(pth)
			return filepath.SkipDir
		}
		if d.Name() != "migrations" || explicit[pth] {
			return nil
		}
		if !isPackage(pth) {
			if hasMigrationFiles(pth) {
				p.notPackage(pth, "has no __init__.py (a namespace package)")
			}
			return nil
		}
		if !looksLikeApp(pth) {
			return nil
		}
		a, err := newApp(root, pth, filepath.Base(filepath.Dir(pth)), "directory")
		if err != nil {
			return err
		}
		p.Apps = append(p.Apps, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.sortAndCheck()
	return p, nil
}

// notPackage reports an app's migrations that Django's loader ignores: a
// namespace package (no __init__.py) or a module named migrations. Django
// (3.2 to 6.x) adds such an app to its unmigrated apps, so its migrations
// never run, and a dependency on them is a NodeNotFoundError.
func (p *Project) notPackage(pth, what string) {
	app := filepath.Dir(pth)
	if !looksLikeAppDir(app) {
		return
	}
	rel, _ := filepath.Rel(p.Root, pth)
	p.Diagnostics = append(p.Diagnostics, diag.Diagnostic{Severity: diag.Warning, Code: CodeNotPackage, Offset: -1, File: pth,
		Message: fmt.Sprintf("%s %s: Django's loader treats app %q as having no migrations, and so does djsquash", filepath.ToSlash(rel), what, filepath.Base(app)),
		Hint:    "add an __init__.py to the migrations directory if its migrations should run"})
}

// noteExcluded records the apps an excluded directory holds, so that
// dependencies on them are not taken for apps outside the project.
func (p *Project) noteExcluded(dir string) {
	filepath.WalkDir(dir, func(pth string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if pth != dir && skipDir(pth, d.Name()) {
			return filepath.SkipDir
		}
		if d.Name() == "migrations" && isPackage(pth) && looksLikeApp(pth) {
			label := filepath.Base(filepath.Dir(pth))
			if l, ok := appsLabel(filepath.Dir(pth)); ok {
				label = l
			}
			if p.Excluded == nil {
				p.Excluded = map[string]string{}
			}
			if _, seen := p.Excluded[label]; !seen {
				rel, _ := filepath.Rel(p.Root, pth)
				p.Excluded[label] = filepath.ToSlash(rel)
			}
			return filepath.SkipDir
		}
		return nil
	})
}

// hasMigrationFiles reports whether dir holds a migration module.
func hasMigrationFiles(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !e.IsDir() && IsMigrationModule(e.Name()) {
			return true
		}
	}
	return false
}

func (p *Project) sortAndCheck() {
	// Labels may have changed (apps.py): recompute this check's findings.
	kept := p.Diagnostics[:0:0]
	for _, d := range p.Diagnostics {
		if d.Code != CodeDuplicateLabel {
			kept = append(kept, d)
		}
	}
	p.Diagnostics = kept
	sort.SliceStable(p.Apps, func(i, j int) bool {
		if p.Apps[i].Label != p.Apps[j].Label {
			return p.Apps[i].Label < p.Apps[j].Label
		}
		return p.Apps[i].MigrationsDir < p.Apps[j].MigrationsDir
	})
	for i := 1; i < len(p.Apps); i++ {
		a, b := p.Apps[i-1], p.Apps[i]
		if a.Label == b.Label {
			p.Diagnostics = append(p.Diagnostics, diag.Diagnostic{Severity: diag.Error, Code: CodeDuplicateLabel, Offset: -1,
				File:    b.MigrationsDir,
				Message: fmt.Sprintf("app label %q is used by two migration packages: %s and %s", a.Label, a.Module, b.Module),
				Hint:    "exclude one in [tool.djsquash] exclude, or set its label in apps.py / [tool.djsquash.apps]"})
		}
	}
}

// looksLikeApp tells a Django app's migrations package from a package that
// merely has the name (wagtail.blocks.migrations holds helpers for writing
// migrations): the parent must look like an app, or a file in it must
// define class Migration.
func looksLikeApp(migDir string) bool {
	if looksLikeAppDir(filepath.Dir(migDir)) {
		return true
	}
	entries, _ := os.ReadDir(migDir)
	for _, e := range entries {
		if !e.IsDir() && IsMigrationModule(e.Name()) {
			if b, err := readFile(filepath.Join(migDir, e.Name())); err == nil && strings.Contains(string(b), "class Migration") {
				return true
			}
		}
	}
	return false
}

// looksLikeAppDir reports whether dir has the files of a Django app.
func looksLikeAppDir(dir string) bool {
	for _, f := range []string{"models.py", "apps.py", filepath.Join("models", "__init__.py")} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

func isPackage(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "__init__.py"))
	return err == nil && !st.IsDir()
}

func newApp(root, migDir, label, from string) (*App, error) {
	entries, err := os.ReadDir(migDir)
	if err != nil {
		return nil, err
	}
	a := &App{Label: label, Dir: filepath.Dir(migDir), MigrationsDir: migDir, LabelFrom: from}
	if rel, err := filepath.Rel(root, migDir); err == nil && !strings.HasPrefix(rel, "..") {
		a.Module = strings.ReplaceAll(filepath.ToSlash(rel), "/", ".")
	}
	for _, e := range entries {
		if !e.IsDir() && IsMigrationModule(e.Name()) {
			a.Files = append(a.Files, filepath.Join(migDir, e.Name()))
		}
	}
	sort.Strings(a.Files)
	return a, nil
}

// excluded matches a slash-separated relative path against glob patterns
// where "**" spans any number of path segments.
func excluded(patterns []string, rel string) bool {
	segs := strings.Split(rel, "/")
	for _, p := range patterns {
		if matchSegs(strings.Split(strings.Trim(p, "/"), "/"), segs) {
			return true
		}
	}
	return false
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

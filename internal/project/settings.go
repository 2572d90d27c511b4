package project

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/python"
)

// Installed is what the settings modules say, read statically, about the
// apps Django loads.
type Installed struct {
	// Read is set when at least one settings module assigns
	// INSTALLED_APPS a value djsquash could read.
	Read bool
	// Complete is set when every assignment and addition to
	// INSTALLED_APPS was read, and every entry's label is known: then a
	// label outside Labels is not installed.
	Complete bool
	// Labels are the app labels of the entries read (union over settings
	// modules: base, dev, production...).
	Labels map[string]bool
	// Entries are the dotted paths as written.
	Entries []string
	// MigrationModules is MIGRATION_MODULES: label -> module, "" for None
	// (an app whose migrations Django never loads).
	MigrationModules map[string]string
	// Files are the settings modules read, relative to the project.
	Files []string
}

// contribLabels are the labels of django.contrib apps whose label is not
// the last part of their module path, or that are commonly installed.
var contribLabels = map[string]string{
	"django.contrib.admin": "admin", "django.contrib.auth": "auth", "django.contrib.contenttypes": "contenttypes",
	"django.contrib.sessions": "sessions", "django.contrib.messages": "messages", "django.contrib.staticfiles": "staticfiles",
	"django.contrib.sites": "sites", "django.contrib.flatpages": "flatpages", "django.contrib.redirects": "redirects",
	"django.contrib.sitemaps": "sitemaps", "django.contrib.humanize": "humanize", "django.contrib.postgres": "postgres",
	"django.contrib.gis": "gis", "django.contrib.syndication": "syndication", "django.contrib.admindocs": "admindocs",
}

// readInstalled reads INSTALLED_APPS and MIGRATION_MODULES from the
// project's settings modules: literal lists, tuples and dicts, names bound
// to them in the same module, + and +=. Anything else makes the result
// incomplete, never wrong.
func (l *Loaded) readInstalled() *Installed {
	in := &Installed{Labels: map[string]bool{}, MigrationModules: map[string]string{}, Complete: true}
	seen := map[string]bool{}
	files, main := l.settingsChain()
	for _, path := range files {
		src, err := readFile(path)
		if err != nil || !strings.Contains(string(src), "INSTALLED_APPS") && !strings.Contains(string(src), "MIGRATION_MODULES") {
			continue
		}
		f, ds := python.ParseFile(path, src)
		if len(ds) > 0 {
			in.Complete = false
			continue
		}
		lists := map[string][]string{} // module-level names bound to literal string lists
		used := false
		for _, s := range f.Body {
			var target string
			var value python.Expr
			augmented := false
			switch s := s.(type) {
			case *python.Assign:
				if len(s.Targets) == 1 {
					if n, ok := s.Targets[0].(*python.Name); ok {
						target, value = n.ID, s.Value
					}
				}
			case *python.AugAssign:
				if n, ok := s.Target.(*python.Name); ok && s.Op == "+=" {
					target, value, augmented = n.ID, s.Value, true
				}
			case *python.AnnAssign:
				if n, ok := s.Target.(*python.Name); ok && s.Value != nil {
					target, value = n.ID, s.Value
				}
			}
			if target == "" {
				continue
			}
			switch target {
			case "INSTALLED_APPS":
				used = true
				entries, ok := stringList(value, lists)
				if !ok {
					in.Complete = false
				}
				for _, e := range entries {
					if !seen[e] {
						seen[e] = true
						in.Entries = append(in.Entries, e)
					}
				}
				if ok || len(entries) > 0 {
					in.Read = true
				}
				_ = augmented
			case "MIGRATION_MODULES":
				used = true
				if !main {
					// Without the settings module manage.py names, a
					// test settings file disabling migrations must
					// not hide an app.
					continue
				}
				d, ok := python.Unwrap(value).(*python.Dict)
				if !ok {
					in.Complete = false
					continue
				}
				for i, k := range d.Keys {
					kc, ok := k.(*python.Constant)
					if !ok || kc.Kind != python.Str {
						in.Complete = false
						continue
					}
					switch v := d.Values[i].(type) {
					case *python.Constant:
						if v.Kind == python.Str {
							in.MigrationModules[kc.Value] = v.Value
						} else if v.Kind == python.NoneConst {
							in.MigrationModules[kc.Value] = ""
						}
					default:
						in.Complete = false
					}
				}
			default:
				if entries, ok := stringList(value, lists); ok {
					if augmented {
						lists[target] = append(lists[target], entries...)
					} else {
						lists[target] = entries
					}
				} else {
					delete(lists, target)
				}
			}
		}
		if used {
			in.Files = append(in.Files, l.Rel(path))
		}
	}
	if !in.Read {
		in.Complete = false
	}
	for _, e := range in.Entries {
		label, sure := l.labelOf(e)
		in.Labels[label] = true
		if !sure {
			in.Complete = false
		}
	}
	sort.Strings(in.Files)
	return in
}

// settingsModuleRE finds DJANGO_SETTINGS_MODULE's default in manage.py.
var settingsModuleRE = regexp.MustCompile(`DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']`)

// settingsChain is the settings module Django would use (from
// $DJANGO_SETTINGS_MODULE, else manage.py) and the
// project modules it star-imports, bases first; main is set when it was
// found. Otherwise every settings-looking file, main unset.
func (l *Loaded) settingsChain() (files []string, main bool) {
	module := SettingsModule(l.Root)
	path := l.modulePath(module)
	if path == "" {
		return l.SettingsFiles, false
	}
	seen := map[string]bool{}
	var visit func(path, module string)
	visit = func(path, module string) {
		if seen[path] {
			return
		}
		seen[path] = true
		src, err := readFile(path)
		if err != nil {
			return
		}
		f, _ := python.ParseFile(path, src)
		for _, s := range f.Body {
			imp, ok := s.(*python.ImportFrom)
			if !ok || len(imp.Names) != 1 || imp.Names[0].Name != "*" {
				continue
			}
			target := imp.Module
			if imp.Level > 0 {
				parts := strings.Split(module, ".")
				if strings.HasSuffix(path, "__init__.py") {
					parts = append(parts, "")
				}
				if imp.Level > len(parts) {
					continue
				}
				base := strings.Join(parts[:len(parts)-imp.Level], ".")
				target = strings.Trim(base+"."+imp.Module, ".")
			}
			if p := l.modulePath(target); p != "" {
				visit(p, target)
			}
		}
		files = append(files, path)
	}
	visit(path, module)
	return files, true
}

// SettingsModule is the project's settings module, as manage.py would
// pick it: $DJANGO_SETTINGS_MODULE, else the default manage.py sets; ""
// when neither says.
func SettingsModule(root string) string {
	if module := os.Getenv("DJANGO_SETTINGS_MODULE"); module != "" {
		return module
	}
	if src, err := readFile(filepath.Join(root, "manage.py")); err == nil {
		if m := settingsModuleRE.FindSubmatch(src); m != nil {
			return string(m[1])
		}
	}
	return ""
}

// modulePath is the file of a dotted module inside the project, or "".
func (l *Loaded) modulePath(module string) string {
	if module == "" {
		return ""
	}
	base := filepath.Join(append([]string{l.Root}, strings.Split(module, ".")...)...)
	for _, p := range []string{base + ".py", filepath.Join(base, "__init__.py")} {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// stringList reads a literal list or tuple of strings, names of such lists
// and their sums.
func stringList(e python.Expr, lists map[string][]string) ([]string, bool) {
	switch v := python.Unwrap(e).(type) {
	case *python.List, *python.Tuple:
		var elts []python.Expr
		if l, ok := v.(*python.List); ok {
			elts = l.Elts
		} else {
			elts = v.(*python.Tuple).Elts
		}
		var out []string
		ok := true
		for _, el := range elts {
			if c, isC := el.(*python.Constant); isC && c.Kind == python.Str {
				out = append(out, c.Value)
			} else {
				ok = false
			}
		}
		return out, ok
	case *python.Name:
		l, ok := lists[v.ID]
		return l, ok
	case *python.BinOp:
		if v.Op != "+" {
			return nil, false
		}
		a, okA := stringList(v.Left, lists)
		b, okB := stringList(v.Right, lists)
		return append(a, b...), okA && okB
	}
	return nil, false
}

// labelOf is an INSTALLED_APPS entry's app label: an AppConfig's label
// when the project holds its apps.py, a known contrib label, else the last
// part of the module path (Django's default). sure is false for an
// AppConfig class outside the project, whose label may be anything.
func (l *Loaded) labelOf(entry string) (label string, sure bool) {
	if c, ok := contribLabels[entry]; ok {
		return c, true
	}
	parts := strings.Split(entry, ".")
	last := parts[len(parts)-1]
	if len(parts) >= 2 && last != "" && last[0] >= 'A' && last[0] <= 'Z' {
		// "catalog.apps.CatalogConfig": the class's label, else its name's.
		mod := parts[:len(parts)-1]
		if len(mod) > 0 && mod[len(mod)-1] == "apps" {
			mod = mod[:len(mod)-1]
		}
		dir := filepath.Join(append([]string{l.Root}, mod...)...)
		if lbl, ok := appsLabel(dir); ok {
			return lbl, true
		}
		if _, err := readFile(filepath.Join(dir, "apps.py")); err == nil {
			return mod[len(mod)-1], true // its config sets no label
		}
		if strings.HasPrefix(entry, "django.contrib.") {
			return mod[len(mod)-1], true
		}
		return mod[len(mod)-1], false
	}
	if lbl, ok := appsLabel(filepath.Join(append([]string{l.Root}, parts...)...)); ok {
		return lbl, true
	}
	return last, true
}

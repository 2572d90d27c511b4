package project

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/djsquash/djsquash/internal/python"
)

// Declared reads each app's models statically and returns, per model
// ("app.model", lower case), its fields in declaration order, fields of
// abstract bases defined in the same app first: the order of Django's
// Model._meta.local_fields (creation counters), which makemigrations
// writes and a replayed history does not keep. A class body that cannot
// be read gives no entry (callers keep the history's order).
func (l *Loaded) Declared() map[string][]string {
	out := map[string][]string{}
	for _, a := range l.Apps {
		var files []string
		if _, err := os.Stat(filepath.Join(a.Dir, "models.py")); err == nil {
			files = append(files, filepath.Join(a.Dir, "models.py"))
		}
		more, _ := filepath.Glob(filepath.Join(a.Dir, "models", "*.py"))
		sort.Strings(more)
		files = append(files, more...)
		classes := map[string]*python.ClassDef{}
		var order []*python.ClassDef
		for _, f := range files {
			src, err := readFile(f)
			if err != nil {
				continue
			}
			pf, ds := python.ParseFile(f, src)
			if len(ds) > 0 {
				continue
			}
			for _, s := range pf.Body {
				if c, ok := s.(*python.ClassDef); ok {
					classes[c.Name] = c
					order = append(order, c)
				}
			}
		}
		var fields func(c *python.ClassDef, depth int) []string
		fields = func(c *python.ClassDef, depth int) []string {
			var own []string
			if depth > 10 {
				return nil
			}
			for _, b := range c.Bases {
				if n, ok := b.(*python.Name); ok {
					if parent := classes[n.ID]; parent != nil && abstract(parent) {
						own = append(own, fields(parent, depth+1)...)
					}
				}
			}
			for _, s := range c.Body {
				a, ok := s.(*python.Assign)
				if !ok || len(a.Targets) != 1 {
					continue
				}
				n, ok := a.Targets[0].(*python.Name)
				if !ok {
					continue
				}
				if _, call := a.Value.(*python.Call); call {
					own = append(own, n.ID)
				}
			}
			return own
		}
		for _, c := range order {
			if abstract(c) {
				continue
			}
			out[a.Label+"."+strings.ToLower(c.Name)] = fields(c, 0)
		}
	}
	return out
}

// abstract reports a class whose Meta sets abstract = True.
func abstract(c *python.ClassDef) bool {
	for _, s := range c.Body {
		meta, ok := s.(*python.ClassDef)
		if !ok || meta.Name != "Meta" {
			continue
		}
		for _, ms := range meta.Body {
			if a, ok := ms.(*python.Assign); ok && len(a.Targets) == 1 {
				if n, ok := a.Targets[0].(*python.Name); ok && n.ID == "abstract" {
					if k, ok := a.Value.(*python.Constant); ok && k.Kind == python.True {
						return true
					}
				}
			}
		}
	}
	return false
}

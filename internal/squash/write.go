package squash

import (
	"os"
	"path/filepath"
	"strings"

	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/par"
	"github.com/djsquash/djsquash/internal/writer"
)

// render starts writing s's file on another goroutine once its operations
// are final, so that the rest of the replay and the end-state comparison
// run meanwhile; the result is what the returned function gives. At most
// GOMAXPROCS files are written at once.
func (p *planner) render(s *Squash) func() rendering {
	f := &writer.File{Replaces: s.Replaces, Initial: s.Initial, Atomic: true, Dependencies: s.Dependencies, Operations: s.Operations,
		Sources: p.sources(s)}
	for _, d := range s.RunBefore {
		f.RunBefore = append(f.RunBefore, d.Key)
	}
	for _, mig := range s.Migrations {
		if !mig.Atomic {
			f.Atomic = false
		}
	}
	scopes := s.scopes
	opts := writer.Options{Header: p.opts.Header, Style: p.opts.Style}
	return par.Async(func() rendering {
		// The scopes first, holding no token: their reader needs one.
		if scopes != nil {
			f.Scopes = scopes()
		}
		p.writers <- struct{}{}
		defer func() { <-p.writers }()
		res, err := writer.Write(f, opts)
		return rendering{res, err}
	})
}

// rendering is a squash's file as the writer made it.
type rendering struct {
	res *writer.Result
	err error
}

// sources are the files s's operations come from, with their modules,
// listed once for the scope reader and the writer.
func (p *planner) sources(s *Squash) []writer.Source {
	if s.sources != nil {
		return s.sources
	}
	a := p.apps[s.App]
	seen := map[*m.Migration]bool{}
	for _, mig := range s.Migrations {
		if !seen[mig] && mig.Source != nil {
			seen[mig] = true
			s.sources = append(s.sources, writer.Source{File: mig.Source, Module: a.module + "." + mig.Name})
		}
	}
	return s.sources
}

// readScopes starts reading the scopes of s's sources, which its writer
// will need, on a core the optimizer leaves idle.
func (p *planner) readScopes(s *Squash) {
	sources := p.sources(s)
	s.scopes = par.Async(func() *writer.Scopes {
		p.writers <- struct{}{}
		defer func() { <-p.writers }()
		return writer.ReadScopes(sources)
	})
}

// write collects every squash's file and the max_migration.txt files to
// update.
func (p *planner) write() {
	apps := p.apps
	for _, s := range p.plan.Squashes {
		a := apps[s.App]
		if s.rendered == nil { // not met by the replay (cannot happen)
			s.rendered = p.render(s)
		}
		r := s.rendered()
		res, err := r.res, r.err
		if err != nil {
			p.problem(CodeReplayFailure, "", -1, "this is a bug in djsquash", "writing %s.%s: %v", s.App, s.Name, err)
			continue
		}
		s.Copied = res.Copied
		s.Diagnostics = res.Diagnostics
		s.Path = p.l.Rel(filepath.Join(a.dir, s.Name+".py"))
		s.Data = p.dataFates(s, res)
		p.plan.Changes.Create(s.Path, res.Src)
	}
	// django-linear-migrations: max_migration.txt names the app's latest
	// migration, which is now the squash of its leaf.
	leavesOf := map[string][]m.Key{}
	for _, s := range p.plan.Squashes {
		a := apps[s.App]
		last := s.Migrations[len(s.Migrations)-1].Key
		leaves, ok := leavesOf[s.App]
		if !ok {
			leaves = p.g.LeafNodes(s.App)
			leavesOf[s.App] = leaves
		}
		if len(leaves) != 1 || leaves[0] != last {
			continue
		}
		path := filepath.Join(a.dir, "max_migration.txt")
		old, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if strings.TrimSpace(string(old)) == s.Name {
			continue
		}
		p.plan.Changes.Edit(p.l.Rel(path), old, []byte(s.Name+"\n"))
	}
}

type appInfo struct{ dir, module string }

// dataFates says what happened to each RunPython and RunSQL of the range.
func (p *planner) dataFates(s *Squash, res *writer.Result) []DataOp {
	kept := map[m.Operation]bool{}
	for _, op := range s.Operations {
		kept[op] = true
	}
	imported := map[string]bool{}
	for _, d := range res.Diagnostics {
		if d.Code == writer.CodeNotCopied {
			imported[d.File] = true
		}
	}
	var out []DataOp
	for _, mig := range s.Migrations {
		for _, op := range mig.Operations {
			var class string
			switch op.(type) {
			case *m.RunPython:
				class = "RunPython"
			case *m.RunSQL:
				class = "RunSQL"
			default:
				continue
			}
			d := DataOp{Migration: mig.Key, Class: class, Offset: op.Pos()}
			switch {
			case !kept[op] && p.opts.ElideData:
				d.Fate = "elided (--elide-data)"
			case !kept[op]:
				d.Fate = "elided"
			case imported[mig.File] && class == "RunPython":
				d.Fate = "imported from the original module"
			case class == "RunPython":
				d.Fate = "copied"
			default:
				d.Fate = "kept"
			}
			out = append(out, d)
		}
	}
	return out
}

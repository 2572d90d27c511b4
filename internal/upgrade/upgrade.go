// Package upgrade plans the in-place rewrite of what a Django version
// removed from existing migration files, so that a history written for an
// older Django loads on a newer one. Today's one rewrite: Django 6.0
// removed CheckConstraint(check=...), which Django 5.1 renamed condition=;
// every migration Django ≤ 5.0 wrote with a check constraint fails to
// import on 6.x with "unexpected keyword argument 'check'".
//
// Invariants: every byte but the rewritten keyword stays (a Latin-1 file
// stays Latin-1); each edited file is read back and must read as before
// with only the keyword changed; planning writes nothing (the Changeset
// does).
package upgrade

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
)

// Codes of the problems upgrade reports.
const (
	// CodeBoth: a call gives both the removed argument and its new name.
	CodeBoth = "DJ601"
	// CodeEdit: an edit did not read back as planned (a bug).
	CodeEdit = "DJ602"
	// CodeManual: a removed argument with no rename to make
	// (ExclusionConstraint(opclasses=)): the hint says what to write.
	CodeManual = "DJ603"
)

// Fix is one rewrite.
type Fix struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	From   string `json:"from"`
	To     string `json:"to"`
	// Needs is the oldest Django that loads the rewritten file.
	Needs string `json:"needs"`
}

// Plan is the files to rewrite and what changes in each.
type Plan struct {
	Changes  changeset.Changeset
	Fixes    []Fix
	Problems []diag.Diagnostic
}

// Build plans the rewrites that Django `target` (a major version) needs in
// the migrations of apps (nil: all).
func Build(l *project.Loaded, target int, apps map[string]bool) *Plan {
	p := &Plan{Changes: changeset.Changeset{Command: "upgrade"}}
	migs := append([]*migration.Migration(nil), l.Migrations...)
	sort.Slice(migs, func(i, j int) bool { return migs[i].File < migs[j].File })
	for _, m := range migs {
		if m.Source == nil || m.Unreadable || apps != nil && !apps[m.App] {
			continue
		}
		src := m.Source.Src
		lines := diag.NewLines(src)
		uses := migration.RemovedArguments(m.Source, target)
		if len(uses) == 0 {
			continue
		}
		for _, u := range uses {
			if u.To == "" {
				p.Problems = append(p.Problems, diag.Diagnostic{Severity: diag.Error, Code: CodeManual, File: m.File, Offset: u.Offset,
					Message: fmt.Sprintf("%s(%s=...) is rejected by Django %d and has no automatic rewrite", u.Class, u.From, u.RemovedIn),
					Hint:    u.Manual})
				continue
			}
			if u.Conflict {
				p.Problems = append(p.Problems, diag.Diagnostic{Severity: diag.Error, Code: CodeBoth, File: m.File, Offset: u.Offset,
					Message: fmt.Sprintf("%s(%s=...) cannot be rewritten to %s=: the call gives %s= as well", u.Class, u.From, u.To, u.To),
					Hint:    "remove one of the two by hand"})
				continue
			}
			line, col := lines.Position(u.Offset)
			p.Fixes = append(p.Fixes, Fix{File: filepath.ToSlash(m.File), Line: line, Column: col,
				From: u.Class + "(" + u.From + "=)", To: u.Class + "(" + u.To + "=)", Needs: u.Needs})
		}
		edited, err := m.Source.Encode(migration.RenameRemoved(src, uses))
		if err != nil {
			p.Problems = append(p.Problems, diag.Diagnostic{Severity: diag.Error, Code: CodeEdit, File: m.File, Offset: m.ClassPos,
				Message: fmt.Sprintf("%s: %v", m.Key, err), Hint: "save it as UTF-8 first"})
			continue
		}
		// Read it back: the same migration, the same operations.
		back, ds := migration.Read(m.Key, m.File, edited, l.Setting)
		_, dsBefore := migration.Read(m.Key, m.File, m.Source.OnDisk(), l.Setting)
		if back.Unreadable || len(back.Operations) != len(m.Operations) || !diag.SameCodes(ds, dsBefore) {
			p.Problems = append(p.Problems, diag.Diagnostic{Severity: diag.Error, Code: CodeEdit, File: m.File, Offset: m.ClassPos,
				Message: fmt.Sprintf("%s: the rewritten file does not read back as planned", m.Key), Hint: "this is a bug in djsquash; nothing was written"})
			continue
		}
		p.Changes.Edit(m.File, m.Source.OnDisk(), edited)
	}
	if len(p.Problems) > 0 {
		p.Changes.Changes = nil
	}
	return p
}

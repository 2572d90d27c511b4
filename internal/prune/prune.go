// Package prune plans the last step of squashing, as Django's docs describe
// it, once every database has applied a squash: delete the migrations it
// replaces, point every migration that depended on them at the squash, and
// remove its replaces, so that it becomes an ordinary migration.
//
// Invariants: a Plan is computed without writing anything. Files are edited
// in place, every byte outside the edited entries kept, and each edited file
// is read back and must give the dependencies planned. The pruned graph must
// build without errors and replay to the same state as the graph before.
package prune

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/djsquash/djsquash/internal/changeset"
	"github.com/djsquash/djsquash/internal/diag"
	"github.com/djsquash/djsquash/internal/graph"
	m "github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/project"
	"github.com/djsquash/djsquash/internal/python"
	"github.com/djsquash/djsquash/internal/state"
)

// Codes of the planner's diagnostics.
const (
	CodeNotSquash = "DJ501" // the migration named has no replaces
	CodeNested    = "DJ502" // the squash replaces a squash
	CodeEdit      = "DJ503" // a file cannot be edited as planned
	CodeGraph     = "DJ504" // the pruned graph does not build or replay (a bug)
	CodeImported  = "DJ505" // a migration that stays imports code from one prune would delete
	CodeRunBefore = "DJ506" // a replaced migration orders another (run_before) and the squash does not
)

// Pruned is what pruning one squash does.
type Pruned struct {
	Key     m.Key
	Deleted []string // names of the replaced migrations deleted from disk
	Missing []string // replaced migrations already gone from disk
	Rewired []string // migrations whose dependencies now name the squash
}

// Plan is what a prune would do.
type Plan struct {
	Pruned   []Pruned
	Problems []diag.Diagnostic
	// Changes are the files to edit and delete, in the order that keeps
	// Django loading the project after each step: migrations that stay
	// are rewired to the squashes first (Django maps a dependency on a
	// squash to its originals while they are applied partly), then the
	// originals go, then the squashes lose their replaces.
	Changes changeset.Changeset
}

// Build plans pruning the squashes named. It reads only.
func Build(l *project.Loaded, g *graph.Graph, squashes []m.Key) *Plan {
	plan := &Plan{}
	byKey := map[m.Key]*m.Migration{}
	for _, mig := range l.Migrations {
		byKey[mig.Key] = mig
	}
	problem := func(code, file string, off int, hint, format string, args ...any) {
		plan.Problems = append(plan.Problems, diag.Diagnostic{Severity: diag.Error, Code: code, File: file, Offset: off, Hint: hint, Message: fmt.Sprintf(format, args...)})
	}
	var deletes []*m.Migration
	var rewires, squashEdits []changeset.Change
	replacedBy := map[m.Key]m.Key{} // replaced migration -> its squash
	pruned := map[m.Key]bool{}
	index := map[m.Key]int{} // squash -> its place in plan.Pruned
	for _, k := range squashes {
		sq := byKey[k]
		if sq == nil || len(sq.Replaces) == 0 {
			problem(CodeNotSquash, "", -1, "", "%s is not a squash (it has no replaces)", k)
			continue
		}
		pr := Pruned{Key: k}
		for _, r := range sq.Replaces {
			if inner := byKey[r.Key]; inner != nil && len(inner.Replaces) > 0 {
				problem(CodeNested, sq.File, r.Pos, "prune "+r.Key.String()+" first, then squash again", "%s replaces %s, which is a squash itself", k, r.Key)
				continue
			}
			// A reset made with --keep-old has several migrations
			// replacing one history: its files go once.
			prev, again := replacedBy[r.Key]
			if !again || prev.App != r.App || k.App == r.App {
				replacedBy[r.Key] = k // its own app's squash stands for it
			}
			if mig := byKey[r.Key]; mig != nil {
				pr.Deleted = append(pr.Deleted, r.Name)
				if !again {
					deletes = append(deletes, mig)
				}
			} else {
				pr.Missing = append(pr.Missing, r.Name)
			}
		}
		pruned[k] = true
		index[k] = len(plan.Pruned)
		plan.Pruned = append(plan.Pruned, pr)
	}
	if len(plan.Problems) > 0 {
		return refused(plan)
	}

	// A replaced migration's run_before orders another migration before it;
	// while the originals exist Django moves that edge onto the squash, but
	// once they are gone only the squash's own run_before says so.
	for _, k := range squashes {
		sq := byKey[k]
		has := map[m.Key]bool{}
		for _, d := range sq.RunBefore {
			has[d.Key] = true
		}
		for _, r := range sq.Replaces {
			mig := byKey[r.Key]
			if mig == nil {
				continue
			}
			for _, d := range mig.RunBefore {
				if _, inside := replacedBy[d.Key]; !inside && !has[d.Key] {
					problem(CodeRunBefore, mig.File, d.Pos, "add "+fmt.Sprintf("(%q, %q)", d.App, d.Name)+" to the run_before of "+k.String()+" first",
						"%s runs before %s, and %s, which replaces it, does not say so", r.Key, d.Key, k)
				}
			}
		}
	}
	if len(plan.Problems) > 0 {
		return refused(plan)
	}

	// Code that stays must not import from a module prune deletes: a squash
	// whose code could not be copied imports it from the original
	// (importlib.import_module("shop.migrations.0007_data")).
	deleted := map[string]m.Key{} // dotted module -> replaced migration on disk
	var prefixes []string         // the migrations packages they live in
	for _, a := range l.Apps {
		found := false
		for r := range replacedBy {
			if r.App == a.Label && byKey[r] != nil {
				deleted[a.Module+"."+r.Name] = r
				found = true
			}
		}
		if found {
			prefixes = append(prefixes, a.Module+".")
		}
	}
	for _, mig := range l.Migrations {
		if _, gone := replacedBy[mig.Key]; gone || mig.Source == nil {
			continue
		}
		src := mig.Source.Src
		for _, prefix := range prefixes {
			for at := 0; ; {
				i := bytes.Index(src[at:], []byte(prefix))
				if i < 0 {
					break
				}
				start := at + i
				end := start + len(prefix)
				for end < len(src) && (src[end] == '_' || src[end] >= '0' && src[end] <= '9' || src[end] >= 'a' && src[end] <= 'z' || src[end] >= 'A' && src[end] <= 'Z') {
					end++
				}
				if _, ok := deleted[string(src[start:end])]; ok {
					problem(CodeImported, mig.File, start, "copy that code into "+mig.Name+" first (the squash could not)",
						"%s uses code of %s, which prune would delete", mig.Key, src[start:end])
				}
				at = end
			}
		}
	}
	if len(plan.Problems) > 0 {
		return refused(plan)
	}

	// The edits: every migration that stays and names a replaced one.
	var kept []*m.Migration
	for _, mig := range l.Migrations {
		if _, gone := replacedBy[mig.Key]; gone {
			continue
		}
		e := edits{src: mig.Source}
		if pruned[mig.Key] {
			if err := e.removeReplaces(mig); err != nil {
				problem(CodeEdit, mig.File, mig.ClassPos, "remove its replaces by hand", "%s: %v", mig.Key, err)
				continue
			}
		}
		rewired := map[m.Key]bool{} // squashes mig now names
		deps := e.rewire(mig.Dependencies, replacedBy, rewired)
		runBefore := e.rewire(mig.RunBefore, replacedBy, rewired)
		for sq := range rewired {
			p := &plan.Pruned[index[sq]]
			p.Rewired = append(p.Rewired, mig.Key.String())
		}
		if e.empty() {
			kept = append(kept, mig)
			continue
		}
		src, err := e.apply()
		if err != nil {
			problem(CodeEdit, mig.File, mig.ClassPos, "edit its dependencies by hand", "%s: %v", mig.Key, err)
			continue
		}
		// A file in another encoding (PEP 263) is written back in it.
		if src, err = mig.Source.Encode(src); err != nil {
			problem(CodeEdit, mig.File, mig.ClassPos, "save it as UTF-8 first", "%s: %v", mig.Key, err)
			continue
		}
		// Read it back: the edit must give the planned attributes.
		// (With the notes the original gets: a computed operations list
		// stays computed.)
		back, ds := m.Read(mig.Key, mig.File, src, l.Setting)
		_, dsBefore := m.Read(mig.Key, mig.File, mig.Source.OnDisk(), l.Setting)
		if !diag.SameCodes(ds, dsBefore) || back.Unreadable || len(back.Replaces) > 0 && pruned[mig.Key] ||
			!sameKeys(back.Dependencies, deps) || !sameKeys(back.RunBefore, runBefore) {
			problem(CodeEdit, mig.File, mig.ClassPos, "this is a bug in djsquash; nothing was written", "%s: the edited file does not read back as planned", mig.Key)
			continue
		}
		ch := changeset.Change{Action: changeset.Edit, Path: filepath.ToSlash(l.Rel(mig.File)), Old: mig.Source.OnDisk(), New: src}
		if pruned[mig.Key] {
			squashEdits = append(squashEdits, ch)
		} else {
			rewires = append(rewires, ch)
		}
		kept = append(kept, back)
	}
	if len(plan.Problems) > 0 {
		return refused(plan)
	}
	for i := range plan.Pruned {
		sort.Strings(plan.Pruned[i].Rewired)
	}
	sort.Slice(deletes, func(i, j int) bool { return deletes[i].File < deletes[j].File })
	plan.Changes = changeset.Changeset{Command: "prune", Changes: rewires}
	for _, mig := range deletes {
		plan.Changes.Delete(l.Rel(mig.File), mig.Source.OnDisk())
	}
	plan.Changes.Changes = append(plan.Changes.Changes, squashEdits...)

	// The pruned graph must build and replay to the same state.
	ng := graph.Build(kept, graph.Options{Apps: l.AppLabels()})
	for _, d := range ng.Diagnostics {
		if d.Severity == diag.Error {
			problem(CodeGraph, d.File, d.Offset, "this is a bug in djsquash; nothing was written", "the pruned graph is invalid: %s", d.Message)
		}
	}
	if len(plan.Problems) > 0 {
		return refused(plan)
	}
	before, after := state.New(l.Setting), state.New(l.Setting)
	errBefore := before.ReplayPlan(migrations(g))
	errAfter := after.ReplayPlan(migrations(ng))
	if (errBefore == nil) != (errAfter == nil) {
		problem(CodeGraph, "", -1, "this is a bug in djsquash; nothing was written", "the pruned graph replays differently: before %v, after %v", errBefore, errAfter)
	} else if d := state.Diff(before, after); errBefore == nil && d != "" {
		problem(CodeGraph, "", -1, "this is a bug in djsquash; nothing was written", "the pruned graph ends in another state:\n%s", d)
	}
	if len(plan.Problems) > 0 {
		return refused(plan)
	}
	return plan
}

// refused is a plan that does nothing but say why.
func refused(p *Plan) *Plan { return &Plan{Problems: p.Problems} }

// migrations are g's migrations in plan order.
func migrations(g *graph.Graph) []*m.Migration {
	var out []*m.Migration
	for _, k := range g.Plan() {
		if n := g.Node(k); n != nil && n.Migration != nil {
			out = append(out, n.Migration)
		}
	}
	return out
}

func sameKeys(a, b []m.Dependency) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key {
			return false
		}
	}
	return true
}

// edits are byte-range replacements in one file.
type edits struct {
	src *python.File
	ops []edit
}

type edit struct {
	start, end int
	text       string
}

func (e *edits) empty() bool { return len(e.ops) == 0 }

// apply returns the source with every edit made.
func (e *edits) apply() ([]byte, error) {
	sort.Slice(e.ops, func(i, j int) bool { return e.ops[i].start < e.ops[j].start })
	var out bytes.Buffer
	last := 0
	for _, op := range e.ops {
		if op.start < last {
			return nil, fmt.Errorf("overlapping edits at offset %d", op.start)
		}
		out.Write(e.src.Src[last:op.start])
		out.WriteString(op.text)
		last = op.end
	}
	out.Write(e.src.Src[last:])
	return out.Bytes(), nil
}

// removeReplaces deletes the replaces assignment of mig's Migration class,
// with the blank line after it.
func (e *edits) removeReplaces(mig *m.Migration) error {
	f := e.src
	if f == nil {
		return fmt.Errorf("no source")
	}
	for _, s := range f.Body {
		c, ok := s.(*python.ClassDef)
		if !ok || c.Pos() != mig.ClassPos {
			continue
		}
		for _, st := range c.Body {
			a, ok := st.(*python.Assign)
			if !ok || len(a.Targets) != 1 {
				continue
			}
			if n, ok := a.Targets[0].(*python.Name); !ok || n.ID != "replaces" {
				continue
			}
			start, end := wholeLines(f.Src, a.Pos(), a.End())
			if start < 0 {
				return fmt.Errorf("replaces shares a line with other code")
			}
			// The blank line Django's writer leaves after it goes too.
			if j := skipBlankLine(f.Src, end); j > end {
				end = j
			}
			e.ops = append(e.ops, edit{start, end, ""})
			return nil
		}
	}
	return fmt.Errorf("replaces is not a plain assignment in class Migration")
}

// rewire edits the entries of deps (dependencies or run_before) that name a
// replaced migration: each names its squash instead, or goes where the list
// already names that squash. It returns the list as it will read, and adds
// the squashes it rewired to to rewired.
func (e *edits) rewire(deps []m.Dependency, replacedBy map[m.Key]m.Key, rewired map[m.Key]bool) []m.Dependency {
	var out []m.Dependency
	seen := map[m.Key]bool{}
	for _, d := range deps {
		if d.Setting == "" {
			seen[d.Key] = true
		}
	}
	for _, d := range deps {
		sq, ok := replacedBy[d.Key]
		if !ok || d.Setting != "" {
			out = append(out, d)
			continue
		}
		rewired[sq] = true
		if seen[sq] {
			e.ops = append(e.ops, e.removeEntry(d))
			continue
		}
		seen[sq] = true
		e.ops = append(e.ops, edit{d.Pos, d.End, fmt.Sprintf("(%s, %s)", python.Quote(sq.App), python.Quote(sq.Name))})
		d.Key = sq
		out = append(out, d)
	}
	return out
}

// removeEntry deletes one entry of a list: its whole lines when it stands on
// lines of its own (Django's layout), else the entry and the comma after it.
func (e *edits) removeEntry(d m.Dependency) edit {
	src := e.src.Src
	end := d.End
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	if end < len(src) && src[end] == ',' {
		end++
	}
	if start, lineEnd := wholeLines(src, d.Pos, end); start >= 0 {
		return edit{start, lineEnd, ""}
	}
	for end < len(src) && src[end] == ' ' {
		end++
	}
	return edit{d.Pos, end, ""}
}

// wholeLines widens [start, end) to whole lines (end after the newline) when
// only blanks precede start on its line and only blanks or a comment follow
// end on its; else it returns -1.
func wholeLines(src []byte, start, end int) (int, int) {
	i := start
	for i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
		i--
	}
	if i > 0 && src[i-1] != '\n' {
		return -1, -1
	}
	j := end
	for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	if j < len(src) && src[j] == '#' {
		for j < len(src) && src[j] != '\n' {
			j++
		}
	}
	if j < len(src) && src[j] == '\r' {
		j++
	}
	if j < len(src) && src[j] != '\n' {
		return -1, -1
	}
	if j < len(src) {
		j++
	}
	return i, j
}

// skipBlankLine returns the offset after the blank line at i, or i.
func skipBlankLine(src []byte, i int) int {
	j := i
	for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
		j++
	}
	if j < len(src) && src[j] == '\n' {
		return j + 1
	}
	return i
}

// Squashes lists the squashes on disk of the apps given (nil: all), in load
// order.
func Squashes(l *project.Loaded, apps map[string]bool) []m.Key {
	var out []m.Key
	for _, mig := range l.Migrations {
		if len(mig.Replaces) > 0 && (apps == nil || apps[mig.App]) {
			out = append(out, mig.Key)
		}
	}
	return out
}

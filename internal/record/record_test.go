package record

import (
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/graph"
	"github.com/djsquash/djsquash/internal/migration"
	"github.com/djsquash/djsquash/internal/recorder"
	"github.com/google/go-cmp/cmp"
)

// mig is a migration with "app.name" dependencies and replaces.
func mig(key string, deps []string, replaces ...string) *migration.Migration {
	k := parseKey(key)
	m := &migration.Migration{Key: k, File: k.App + "/migrations/" + k.Name + ".py"}
	for _, d := range deps {
		m.Dependencies = append(m.Dependencies, migration.Dependency{Key: parseKey(d)})
	}
	for _, r := range replaces {
		m.Replaces = append(m.Replaces, migration.Dependency{Key: parseKey(r)})
	}
	return m
}

func parseKey(s string) migration.Key {
	app, name, _ := strings.Cut(s, ".")
	return migration.Key{App: app, Name: name}
}

func rows(keys ...string) []recorder.Record {
	var out []recorder.Record
	for i, k := range keys {
		key := parseKey(k)
		out = append(out, recorder.Record{ID: int64(i + 1), App: key.App, Name: key.Name, Applied: "2024-01-01 00:00:00"})
	}
	return out
}

func input(prune bool, migs ...*migration.Migration) Input {
	return Input{Migrations: migs, Graph: graph.Build(migs, graph.Options{}), Prune: prune}
}

func names(e recorder.Edit) (ins, del []string) {
	for _, k := range e.Insert {
		ins = append(ins, k.App+"."+k.Name)
	}
	for _, r := range e.Delete {
		del = append(del, r.App+"."+r.Name)
	}
	return ins, del
}

func TestDecide(t *testing.T) {
	// A squash beside its replaced files, as squash writes it.
	squash := []*migration.Migration{
		mig("shop.0001_initial", nil), mig("shop.0002_a", []string{"shop.0001_initial"}), mig("shop.0003_b", []string{"shop.0002_a"}),
		mig("shop.0001_squashed_0003_b", nil, "shop.0001_initial", "shop.0002_a", "shop.0003_b"),
	}
	// A reset: the old files deleted, the new one replaces them.
	reset := []*migration.Migration{mig("shop.0004_initial", nil, "shop.0001_initial", "shop.0002_a", "shop.0003_b")}
	// After prune: no replaces any more.
	pruned := []*migration.Migration{mig("shop.0004_initial", nil)}
	// Nested: a squash of a squash (Django 6.0 loads these).
	nested := []*migration.Migration{
		mig("shop.0001_squashed_0002", nil, "shop.0001_initial", "shop.0002_a"),
		mig("shop.0003_b", []string{"shop.0001_squashed_0002"}),
		mig("shop.0001_squashed_0003", nil, "shop.0001_squashed_0002", "shop.0003_b"),
	}
	for _, c := range []struct {
		name          string
		in            Input
		rows          []recorder.Record
		ins, del      []string
		partial, kept int
	}{
		{name: "all replaced applied", in: input(false, squash...), rows: rows("shop.0001_initial", "shop.0002_a", "shop.0003_b"),
			ins: []string{"shop.0001_squashed_0003_b"}},
		{name: "already recorded: nothing (idempotent)", in: input(false, squash...),
			rows: rows("shop.0001_initial", "shop.0002_a", "shop.0003_b", "shop.0001_squashed_0003_b")},
		{name: "partly applied: left to migrate", in: input(false, squash...), rows: rows("shop.0001_initial"), partial: 1},
		{name: "never applied: nothing", in: input(false, squash...), rows: rows("other.0001_initial")},
		{name: "reset recorded", in: input(false, reset...), rows: rows("shop.0001_initial", "shop.0002_a", "shop.0003_b"),
			ins: []string{"shop.0004_initial"}},
		{name: "prune keeps rows a squash still replaces", in: input(true, reset...),
			rows: rows("shop.0001_initial", "shop.0002_a", "shop.0003_b"), ins: []string{"shop.0004_initial"}, kept: 1},
		{name: "prune after prune deletes the stale rows", in: input(true, pruned...),
			rows: rows("shop.0001_initial", "shop.0002_a", "shop.0003_b", "shop.0004_initial"),
			del:  []string{"shop.0001_initial", "shop.0002_a", "shop.0003_b"}},
		{name: "prune leaves an app whose new history is not recorded", in: input(true, pruned...),
			rows: rows("shop.0001_initial", "shop.0002_a"), kept: 1},
		{name: "prune leaves other apps' rows", in: input(true, pruned...),
			rows: rows("shop.0004_initial", "gone.0001_initial")},
		{name: "nested squashes, inner first", in: input(false, nested...), rows: rows("shop.0001_initial", "shop.0002_a", "shop.0003_b"),
			ins: []string{"shop.0001_squashed_0002", "shop.0001_squashed_0003"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(c.in, c.rows)
			ins, del := names(d.Edit)
			if diff := cmp.Diff(c.ins, ins); diff != "" {
				t.Errorf("inserted (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.del, del); diff != "" {
				t.Errorf("deleted (-want +got):\n%s", diff)
			}
			if len(d.Partial) != c.partial || len(d.Held) != c.kept {
				t.Errorf("partial %q, held %q; want %d and %d", d.Partial, d.Held, c.partial, c.kept)
			}
			// Deciding again on the rows the edit leaves changes nothing.
			after := append([]recorder.Record{}, c.rows...)
			for _, k := range d.Insert {
				after = append(after, recorder.Record{ID: int64(len(after) + 100), App: k.App, Name: k.Name})
			}
			var kept []recorder.Record
			for _, r := range after {
				deleted := false
				for _, x := range d.Delete {
					deleted = deleted || x.ID == r.ID
				}
				if !deleted {
					kept = append(kept, r)
				}
			}
			if again := Decide(c.in, kept); !again.Empty() {
				ins, del := names(again.Edit)
				t.Errorf("not idempotent: a second run would insert %v and delete %v", ins, del)
			}
		})
	}
}

func TestTruncateName(t *testing.T) {
	long := strings.Repeat("x", 70)
	got := truncateName(long, 63)
	if len(got) != 63 || !strings.HasPrefix(got, strings.Repeat("x", 59)) {
		t.Errorf("truncateName: %q", got)
	}
	// What Django 5.2 prints for truncate_name("x" * 70, 63).
	if want := strings.Repeat("x", 59) + "7d56"; got != want {
		t.Errorf("truncateName = %s, want %s", got[59:], want[59:])
	}
	if truncateName("shop_book", 63) != "shop_book" || truncateName(long, 0) != long {
		t.Errorf("short names and SQLite (no limit) must stay")
	}
}

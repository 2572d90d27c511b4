package status

import (
	"testing"

	"github.com/djsquash/djsquash/internal/migration"
	"github.com/google/go-cmp/cmp"
)

func k(app, name string) Key { return Key{App: app, Name: name} }

func mig(app, name string, deps ...Key) *migration.Migration {
	m := &migration.Migration{Key: k(app, name)}
	for _, d := range deps {
		m.Dependencies = append(m.Dependencies, migration.Dependency{Key: d})
	}
	return m
}

// project: shop 0001..0003, a squash of 0001-0002, and blog 0001 after shop 0002.
func project() Input {
	sq := mig("shop", "0001_squashed_0002")
	sq.Replaces = []migration.Dependency{{Key: k("shop", "0001")}, {Key: k("shop", "0002")}}
	return Input{
		Apps: map[string]bool{"shop": true, "blog": true},
		Migrations: []*migration.Migration{
			mig("blog", "0001", k("shop", "0002")),
			mig("shop", "0001"),
			mig("shop", "0002", k("shop", "0001")),
			mig("shop", "0003", k("shop", "0002")),
			sq,
		},
	}
}

func TestSquashStatesAndVerdict(t *testing.T) {
	r := Compute(project(), []Recorded{
		{Name: "fresh"},
		{Name: "staging", Rows: []Key{k("shop", "0001")}},
		{Name: "production", Rows: []Key{k("shop", "0001"), k("shop", "0002"), k("blog", "0001"), k("shop", "0003"), k("shop", "0099_gone")}},
	})
	got := map[string]Squash{}
	for _, d := range r.Databases {
		got[d.Name] = d.Squashes[0]
	}
	want := map[string]Squash{
		"fresh":      {Key: k("shop", "0001_squashed_0002"), Name: "shop.0001_squashed_0002", State: None, Replaced: 2, Remaining: 2},
		"staging":    {Key: k("shop", "0001_squashed_0002"), Name: "shop.0001_squashed_0002", State: Partial, Replaced: 2, Applied: 1, Remaining: 1},
		"production": {Key: k("shop", "0001_squashed_0002"), Name: "shop.0001_squashed_0002", State: Full, Replaced: 2, Applied: 2},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("squash states (-want +got):\n%s", d)
	}
	wantV := []Verdict{{Squash: "shop.0001_squashed_0002", Behind: []Behind{
		{Database: "fresh", Missing: 2, State: None}, {Database: "staging", Missing: 1, State: Partial},
		{Database: "production", State: NotRecorded}}}} // applied through the originals, no row of its own yet
	if d := cmp.Diff(wantV, r.Verdicts); d != "" {
		t.Errorf("verdicts (-want +got):\n%s", d)
	}
	prod := r.Databases[2]
	if prod.Behind() || prod.Unapplied != 0 {
		t.Errorf("production should be up to date: %+v", prod)
	}
	if d := cmp.Diff([]string{"shop.0099_gone"}, prod.Unknown); d != "" {
		t.Errorf("unknown rows (-want +got):\n%s", d)
	}
	// Production shows the squash as [-]: applied through its originals,
	// not recorded yet.
	shop := prod.Apps[1]
	if d := cmp.Diff([]Entry{{Name: "0001_squashed_0002", Mark: Unrecorded, Replaces: 2}, {Name: "0003", Mark: Applied}}, shop.Entries); d != "" {
		t.Errorf("production shop list (-want +got):\n%s", d)
	}
	// Staging is partway into the squash: Django falls back to the originals.
	staging := r.Databases[1].Apps[1]
	if d := cmp.Diff([]Entry{{Name: "0001", Mark: Applied}, {Name: "0002", Mark: Unapplied}, {Name: "0003", Mark: Unapplied}}, staging.Entries); d != "" {
		t.Errorf("staging shop list (-want +got):\n%s", d)
	}
	if !r.Problems() {
		t.Error("fresh and staging are behind: Problems() must be true")
	}
}

func TestAllDatabasesDoneIsSafe(t *testing.T) {
	a := Recorded{Name: "a", Rows: []Key{k("shop", "0001"), k("shop", "0002"), k("shop", "0001_squashed_0002"), k("blog", "0001"), k("shop", "0003")}}
	// Migrated with the originals before the squash existed: applied, but
	// nobody ran migrate since, which records the squash's row. Pruned,
	// the squash would be a migration Django has no row for.
	b := Recorded{Name: "b", Rows: []Key{k("shop", "0001"), k("shop", "0002"), k("blog", "0001"), k("shop", "0003")}}
	r := Compute(project(), []Recorded{a, b})
	want := []Verdict{{Squash: "shop.0001_squashed_0002", Behind: []Behind{{Database: "b", State: NotRecorded}}}}
	if d := cmp.Diff(want, r.Verdicts); d != "" || r.Problems() {
		t.Errorf("verdict (-want +got):\n%s", d)
	}
	// A fresh database migrated with the squash: Django records the
	// replaced names, then check_replacements adds the squash's row; and
	// b after a migrate run.
	b.Rows = append(b.Rows, k("shop", "0001_squashed_0002"))
	r = Compute(project(), []Recorded{a, b})
	if len(r.Verdicts) != 1 || !r.Verdicts[0].SafeToPrune || r.Problems() {
		t.Errorf("expected safe to prune and no problems: %+v", r)
	}
}

func TestInconsistentHistory(t *testing.T) {
	r := Compute(project(), []Recorded{{Name: "default", Rows: []Key{k("blog", "0001")}}})
	want := []string{"Migration blog.0001 is applied before its dependency shop.0001_squashed_0002 on database 'default'."}
	if d := cmp.Diff(want, r.Databases[0].Inconsistent); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestExternalFirstIsApplied: a dependency on ("auth", "__first__") (the
// default user model's swappable dependency) with auth outside the
// project is met by any auth row, as Django resolves it to auth's first
// migration; with no auth row at all it is not.
func TestExternalFirstIsApplied(t *testing.T) {
	in := Input{
		Apps:       map[string]bool{"shop": true},
		Migrations: []*migration.Migration{mig("shop", "0001", k("auth", "__first__"))},
	}
	r := Compute(in, []Recorded{
		{Name: "migrated", Rows: []Key{k("auth", "0001_initial"), k("shop", "0001")}},
		{Name: "broken", Rows: []Key{k("shop", "0001")}},
	})
	if got := r.Databases[0].Inconsistent; len(got) != 0 {
		t.Errorf("migrated: %q", got)
	}
	want := []string{"Migration shop.0001 is applied before its dependency auth.__first__ on database 'broken'."}
	if d := cmp.Diff(want, r.Databases[1].Inconsistent); d != "" {
		t.Errorf("broken (-want +got):\n%s", d)
	}
}

package schema_test

import (
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
	. "github.com/djsquash/djsquash/internal/schema"
)

// baseDDL is a small schema in SQL all three engines accept. Each mutation
// below changes one fact of it.
func baseDDL(e Engine) []string {
	autoPK := "id integer PRIMARY KEY"
	if e == MySQL {
		autoPK = "id integer PRIMARY KEY AUTO_INCREMENT"
	}
	return []string{
		"CREATE TABLE author (" + autoPK + ", name varchar(50) NOT NULL)",
		"CREATE TABLE publisher (" + autoPK + ", name varchar(50) NOT NULL)",
		"CREATE TABLE book (" + autoPK + ", title varchar(100) NOT NULL, author_id integer NOT NULL, price integer NOT NULL," +
			" CONSTRAINT price_gte_0 CHECK (price >= 0)," +
			" CONSTRAINT book_author_id_0c7e5f3a_fk FOREIGN KEY (author_id) REFERENCES author (id))",
		"CREATE INDEX book_title_idx ON book (title)",
		"CREATE INDEX book_author_id_1a2b3c4d ON book (author_id)",
	}
}

func replaceIn(stmts []string, old, new string) []string {
	out := make([]string, len(stmts))
	for i, s := range stmts {
		out[i] = strings.Replace(s, old, new, 1)
	}
	return out
}

func dumpDDL(t *testing.T, e Engine, stmts []string) *Schema {
	t.Helper()
	db := djangotest.NewDatabase(t, e)
	db.Exec(t, stmts...)
	s, err := djangotest.DumpSchema(db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSchemaDiffDetectsChanges(t *testing.T) {
	for _, e := range djangotest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			base := baseDDL(e)
			want := dumpDDL(t, e, base)
			if want.Table("book") == nil || len(want.Table("book").ForeignKeys) != 1 ||
				len(want.Table("book").Checks) == 0 || len(want.Table("book").Indexes) != 2 {
				t.Fatalf("dump misses facts of the base schema:\n%s", want)
			}
			// Differences that every correct history may show: must compare equal.
			same := map[string][]string{
				"column order": replaceIn(base, "title varchar(100) NOT NULL, author_id integer NOT NULL",
					"author_id integer NOT NULL, title varchar(100) NOT NULL"),
				"generated index name": replaceIn(base, "book_author_id_1a2b3c4d", "book_author_id_9f8e7d6c"),
				"generated FK name":    replaceIn(base, "book_author_id_0c7e5f3a_fk", "book_author_id_77aa88bb_fk"),
			}
			for name, stmts := range same {
				equal := dumpDDL(t, e, stmts)
				if words := Compare(want, equal, "want", "got"); len(words) > 0 {
					t.Errorf("%s: Compare finds differences: %q", name, words)
				}
				if d := Diff(want, equal); d != "" {
					t.Errorf("%s: schemas should compare equal, diff (-want +got):\n%s", name, d)
				}
			}
			// Real differences: each must show up in the diff.
			differ := map[string]struct {
				stmts []string
				shows string
			}{
				"column type":   {replaceIn(base, "title varchar(100)", "title varchar(200)"), "200"},
				"extra column":  {replaceIn(base, "price integer NOT NULL,", "price integer NOT NULL, isbn varchar(13) NULL,"), "isbn"},
				"nullability":   {replaceIn(base, "title varchar(100) NOT NULL", "title varchar(100) NULL"), "Null"},
				"index columns": {replaceIn(base, "ON book (title)", "ON book (title, price)"), "price"},
				"missing index": {base[:3], "book_title_idx"},
				"index name":    {replaceIn(base, "book_title_idx", "book_name_idx"), "book_name_idx"},
				"FK target":     {replaceIn(base, "REFERENCES author (id)", "REFERENCES publisher (id)"), "publisher"},
				"check":         {replaceIn(base, "price >= 0", "price > 0"), "price"},
				"check name":    {replaceIn(base, "price_gte_0", "price_positive"), "price_positive"},
				"missing table": {append(append([]string{}, base[0]), base[2:]...), "publisher"},
				"unique":        {append([]string{strings.Replace(base[0], "NOT NULL)", "NOT NULL, CONSTRAINT author_name_uniq UNIQUE (name))", 1)}, base[1:]...), "Uniques"},
			}
			for name, c := range differ {
				changed := dumpDDL(t, e, c.stmts)
				if words := Compare(want, changed, "want", "got"); len(words) == 0 {
					t.Errorf("%s: Compare finds no difference", name)
				}
				d := Diff(want, changed)
				if d == "" {
					t.Errorf("%s: diff is empty, the comparator missed the change", name)
				} else if !strings.Contains(d, c.shows) {
					t.Errorf("%s: diff does not mention %q:\n%s", name, c.shows, d)
				}
			}
		})
	}
}

func TestShapeDiffAcrossEngines(t *testing.T) {
	var schemas []*Schema
	for _, e := range djangotest.Engines() {
		schemas = append(schemas, dumpDDL(t, e, baseDDL(e)))
	}
	for _, s := range schemas[1:] {
		if d := ShapeDiff(schemas[0], s); d != "" {
			t.Errorf("%s vs %s shape differs:\n%s", schemas[0].Engine, s.Engine, d)
		}
	}
	// A different FK target must show, even across engines.
	other := dumpDDL(t, SQLite, replaceIn(baseDDL(SQLite), "REFERENCES author (id)", "REFERENCES publisher (id)"))
	if d := ShapeDiff(schemas[len(schemas)-1], other); !strings.Contains(d, "publisher") {
		t.Errorf("shape diff misses a changed FK target: %q", d)
	}
}

package schema

import "testing"

func TestSQLiteChecks(t *testing.T) {
	got := sqliteChecks(`CREATE TABLE "t" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "n" integer unsigned NOT NULL CHECK ("n" >= 0), "s" varchar(9) DEFAULT 'a,(b', CONSTRAINT "n_lt_10" CHECK ("n" < 10 AND ("s" != ')')))`)
	want := []Check{{Expr: `("n" >= 0)`}, {Name: "n_lt_10", Expr: `("n" < 10 AND ("s" != ')'))`}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("check %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

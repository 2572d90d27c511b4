package schema

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Compare lists the differences between two schemas of one engine in
// words, one per fact, table by table: what verify prints. wantName and
// gotName say where each schema came from ("the original history", "the
// current tree"). Equal schemas give none.
func Compare(want, got *Schema, wantName, gotName string) []string {
	var out []string
	tables := map[string]*Table{}
	for i := range got.Tables {
		tables[got.Tables[i].Name] = &got.Tables[i]
	}
	seen := map[string]bool{}
	for i := range want.Tables {
		w := &want.Tables[i]
		seen[w.Name] = true
		g := tables[w.Name]
		if g == nil {
			out = append(out, fmt.Sprintf("table %s: only in %s", w.Name, wantName))
			continue
		}
		out = append(out, compareTable(w, g, wantName, gotName)...)
	}
	for _, g := range got.Tables {
		if !seen[g.Name] {
			out = append(out, fmt.Sprintf("table %s: only in %s", g.Name, gotName))
		}
	}
	return out
}

func compareTable(w, g *Table, wantName, gotName string) []string {
	var out []string
	say := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("table %s: ", w.Name)+fmt.Sprintf(format, args...))
	}
	cols := map[string]Column{}
	for _, c := range g.Columns {
		cols[c.Name] = c
	}
	for _, wc := range w.Columns {
		gc, ok := cols[wc.Name]
		delete(cols, wc.Name)
		switch {
		case !ok:
			say("column %s only in %s", wc.Name, wantName)
		case wc != gc:
			say("column %s is %s in %s, %s in %s", wc.Name, describeColumn(wc), wantName, describeColumn(gc), gotName)
		}
	}
	for _, gc := range g.Columns {
		if _, extra := cols[gc.Name]; extra {
			say("column %s only in %s", gc.Name, gotName)
		}
	}
	if a, b := strings.Join(w.PrimaryKey, ", "), strings.Join(g.PrimaryKey, ", "); a != b {
		say("primary key (%s) in %s, (%s) in %s", a, wantName, b, gotName)
	}
	facts := func(t *Table) map[string]bool {
		m := map[string]bool{}
		for _, f := range t.ForeignKeys {
			m[fmt.Sprintf("foreign key (%s) references %s(%s)", strings.Join(f.Columns, ", "), f.RefTable, strings.Join(f.RefColumns, ", "))] = true
		}
		for _, u := range t.Uniques {
			m[fmt.Sprintf("unique constraint %s(%s)", name(u.Name), strings.Join(u.Columns, ", "))] = true
		}
		for _, c := range t.Checks {
			m[fmt.Sprintf("check constraint %s%s", name(c.Name), c.Expr)] = true
		}
		for _, i := range t.Indexes {
			u := ""
			if i.Unique {
				u = "unique "
			}
			m[fmt.Sprintf("%sindex %s(%s) %s", u, name(i.Name), strings.Join(i.Columns, ", "), i.Def)] = true
		}
		return m
	}
	wf, gf := facts(w), facts(g)
	for _, f := range slices.Sorted(maps.Keys(wf)) {
		if !gf[f] {
			say("%s only in %s", f, wantName)
		}
	}
	for _, f := range slices.Sorted(maps.Keys(gf)) {
		if !wf[f] {
			say("%s only in %s", f, gotName)
		}
	}
	return out
}

func name(n string) string {
	if n == "" {
		return ""
	}
	return n + " "
}

func describeColumn(c Column) string {
	s := c.Type
	if c.Null {
		s += " NULL"
	} else {
		s += " NOT NULL"
	}
	if c.Default != "" {
		s += " DEFAULT " + c.Default
	}
	return s
}

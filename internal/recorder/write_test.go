package recorder

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/djsquash/djsquash/internal/djangotest"
	"github.com/djsquash/djsquash/internal/golden"
)

// TestWriteSQL keeps every write statement of each dialect in a golden
// file: what goes to a production database is read in review.
func TestWriteSQL(t *testing.T) {
	var b strings.Builder
	for _, e := range []Engine{SQLite, PostgreSQL, MySQL} {
		d := DialectFor(e)
		w := d.(writer)
		table, backup := d.QuoteTable("tenant_1", TableName), d.QuoteTable("tenant_1", BackupTable)
		fmt.Fprintf(&b, "-- %s\n", e)
		for _, q := range append(append(append(w.Begin(30*time.Second), w.Lock([]string{table, backup})...), w.Commit()...), w.Rollback()...) {
			fmt.Fprintf(&b, "%s;\n", q)
		}
		for _, q := range []string{w.SelectRecords(table), w.InsertRow(table), w.RestoreRow(table), w.DeleteRow(table),
			w.CreateBackup(backup), w.InsertBackup(backup), w.SelectBackup(backup), w.LatestBatch(backup)} {
			fmt.Fprintf(&b, "%s;\n", q)
		}
		fmt.Fprintf(&b, "-- applied: %s\n\n", w.Timestamp(time.Date(2026, 12, 2, 13, 4, 5, 6000, time.FixedZone("CET", 3600))))
	}
	golden.Check(t, "testdata/write_sql.golden", []byte(b.String()))
}

// records dumps django_migrations as "id app.name applied".
func records(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.Records(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%d %s.%s %s", r.ID, r.App, r.Name, r.Applied))
	}
	return out
}

// TestWriteAllOrNothing: on every engine a failing check or a failing
// last step leaves the table as it was; a write that commits backs up
// what it deletes, and restoring puts the very rows back.
func TestWriteAllOrNothing(t *testing.T) {
	for _, e := range djangotest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			db := djangotest.NewDatabase(t, e)
			db.Exec(t, djangoDDL(e),
				"INSERT INTO django_migrations (app, name, applied) VALUES ('shop', '0001_initial', '2024-01-02 03:04:05.123456')",
				"INSERT INTO django_migrations (app, name, applied) VALUES ('shop', '0002_item', '2024-02-03 04:05:06')",
				"INSERT INTO django_migrations (app, name, applied) VALUES ('blog', '0001_initial', '2024-03-04 05:06:07.5')")
			s, err := OpenWriter(targetFor(t, db, ""), Timeouts{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			before := records(t, s)
			all, _ := s.Records(ctx, "")
			plan := func(rows []Record) (Edit, error) {
				return Edit{Insert: []Key{{"shop", "0001_squashed_0002_item"}}, Delete: rows[:2], Batch: "b1"}, nil
			}
			boom := errors.New("boom")
			for name, o := range map[string]WriteOptions{
				"check fails":         {Backup: true, Plan: plan, Check: func(context.Context, Querier, Edit) error { return boom }},
				"before commit fails": {Backup: true, Plan: plan, BeforeCommit: func(Edit) error { return boom }},
				"plan fails":          {Backup: true, Plan: func([]Record) (Edit, error) { return Edit{}, boom }},
			} {
				if _, err := s.Write(ctx, "", o); !errors.Is(err, boom) && !strings.Contains(fmt.Sprint(err), "boom") {
					t.Errorf("%s: %v", name, err)
				}
				if got := records(t, s); strings.Join(got, "\n") != strings.Join(before, "\n") {
					t.Errorf("%s: the table changed:\n%s", name, strings.Join(got, "\n"))
				}
				if _, rows, err := s.Backups(ctx, "", "b1"); err == nil || len(rows) > 0 {
					t.Errorf("%s: a backup batch survived the rollback: %v", name, rows)
				}
			}

			ed, err := s.Write(ctx, "", WriteOptions{Backup: true, Plan: plan})
			if err != nil || len(ed.Delete) != 2 || len(ed.Insert) != 1 {
				t.Fatalf("write: %+v, %v", ed, err)
			}
			after, _ := s.Records(ctx, "")
			if len(after) != 2 || after[0] != all[2] || after[1].Name != "0001_squashed_0002_item" {
				t.Errorf("after the write: %+v", after)
			}
			// The new row's applied time is what Django writes.
			layout := map[djangotest.Engine]string{djangotest.SQLite: `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$`, djangotest.MySQL: `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$`, djangotest.PostgreSQL: `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$`}[e]
			if !regexp.MustCompile(layout).MatchString(after[1].Applied) {
				t.Errorf("applied %q does not look like Django's", after[1].Applied)
			}
			batch, backed, err := s.Backups(ctx, "", "latest")
			if err != nil || batch != "b1" || len(backed) != 2 || backed[0] != all[0] || backed[1] != all[1] {
				t.Fatalf("backup: %s %+v %v; want the two deleted rows as they were", batch, backed, err)
			}
			if _, err := s.Write(ctx, "", WriteOptions{Plan: func([]Record) (Edit, error) { return Edit{Restore: backed}, nil }}); err != nil {
				t.Fatal(err)
			}
			restored := records(t, s)
			for _, r := range before {
				found := false
				for _, g := range restored {
					found = found || g == r
				}
				if !found {
					t.Errorf("row %s not restored byte for byte:\n%s", r, strings.Join(restored, "\n"))
				}
			}
		})
	}
}

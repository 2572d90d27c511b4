package schema

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Querier runs a query: a *sql.DB, or a *sql.Tx or *sql.Conn, so that a
// schema can be read inside the transaction that acts on it.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Dump reads the catalog of the database conn is connected to and returns
// its normalised schema. It only reads.
func Dump(ctx context.Context, conn Querier, engine Engine) (*Schema, error) {
	return DumpSchema(ctx, conn, engine, "", nil)
}

// DumpSchema is Dump of one PostgreSQL schema (a tenant's; "" is the
// current schema, and other engines have only one), of the tables in only
// (nil: every table): a check of a few apps' tables need not read the
// catalog of hundreds.
func DumpSchema(ctx context.Context, conn Querier, engine Engine, pgSchema string, only map[string]bool) (*Schema, error) {
	s := &Schema{Engine: engine}
	w := wanted(only)
	var err error
	switch engine {
	case SQLite:
		err = dumpSQLite(ctx, conn, s, w)
	case PostgreSQL:
		err = dumpPostgres(ctx, conn, s, pgSchema, w)
	case MySQL:
		err = dumpMySQL(ctx, conn, s, w)
	default:
		err = fmt.Errorf("unknown engine %q", engine)
	}
	if err != nil {
		return nil, err
	}
	s.normalize()
	return s, nil
}

// queryRows runs q and calls scan for each row.
func queryRows(ctx context.Context, conn Querier, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Fields(q)[0], err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ---- SQLite -------------------------------------------------------------

func dumpSQLite(ctx context.Context, conn Querier, s *Schema, wanted wanted) error {
	type tbl struct{ name, sql string }
	var tables []tbl
	err := queryRows(ctx, conn, `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`, nil,
		func(r *sql.Rows) error {
			var t tbl
			err := r.Scan(&t.name, &t.sql)
			if wanted.has(t.name) {
				tables = append(tables, t)
			}
			return err
		})
	if err != nil {
		return err
	}
	indexSQL := map[string]string{}
	err = queryRows(ctx, conn, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`, nil,
		func(r *sql.Rows) error {
			var n, q string
			err := r.Scan(&n, &q)
			indexSQL[n] = q
			return err
		})
	if err != nil {
		return err
	}
	for _, tb := range tables {
		t := Table{Name: tb.name}
		type pkcol struct {
			name string
			pos  int
		}
		var pks []pkcol
		err := queryRows(ctx, conn, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, []any{tb.name},
			func(r *sql.Rows) error {
				var c Column
				var notnull, pk int
				var dflt sql.NullString
				if err := r.Scan(&c.Name, &c.Type, &notnull, &dflt, &pk); err != nil {
					return err
				}
				c.Null = notnull == 0 && pk == 0
				c.Default = dflt.String
				if pk > 0 {
					pks = append(pks, pkcol{c.Name, pk})
					if strings.Contains(strings.ToUpper(tb.sql), "AUTOINCREMENT") {
						c.Default = "autoincrement"
					}
				}
				t.Columns = append(t.Columns, c)
				return nil
			})
		if err != nil {
			return err
		}
		sort.Slice(pks, func(i, j int) bool { return pks[i].pos < pks[j].pos })
		for _, p := range pks {
			t.PrimaryKey = append(t.PrimaryKey, p.name)
		}
		fks := map[int]*ForeignKey{}
		var fkIDs []int
		err = queryRows(ctx, conn, `SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, []any{tb.name},
			func(r *sql.Rows) error {
				var id int
				var ref, from string
				var to sql.NullString
				if err := r.Scan(&id, &ref, &from, &to); err != nil {
					return err
				}
				fk := fks[id]
				if fk == nil {
					fk = &ForeignKey{RefTable: ref}
					fks[id] = fk
					fkIDs = append(fkIDs, id)
				}
				fk.Columns = append(fk.Columns, from)
				fk.RefColumns = append(fk.RefColumns, to.String)
				return nil
			})
		if err != nil {
			return err
		}
		for _, id := range fkIDs {
			t.ForeignKeys = append(t.ForeignKeys, *fks[id])
		}
		type idx struct {
			name, origin string
			unique       bool
		}
		var idxs []idx
		err = queryRows(ctx, conn, `SELECT name, "unique", origin FROM pragma_index_list(?)`, []any{tb.name},
			func(r *sql.Rows) error {
				var i idx
				var u int
				err := r.Scan(&i.name, &u, &i.origin)
				i.unique = u == 1
				idxs = append(idxs, i)
				return err
			})
		if err != nil {
			return err
		}
		for _, i := range idxs {
			if i.origin == "pk" {
				continue
			}
			var cols []string
			err := queryRows(ctx, conn, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, []any{i.name},
				func(r *sql.Rows) error {
					var n sql.NullString
					err := r.Scan(&n)
					if !n.Valid {
						n.String = "<expr>"
					}
					cols = append(cols, n.String)
					return err
				})
			if err != nil {
				return err
			}
			if i.origin == "u" {
				t.Uniques = append(t.Uniques, Unique{Name: i.name, Columns: cols})
				continue
			}
			t.Indexes = append(t.Indexes, Index{Name: i.name, Columns: cols, Unique: i.unique, Def: indexDefSQLite(indexSQL[i.name])})
		}
		t.Checks = sqliteChecks(tb.sql)
		s.Tables = append(s.Tables, t)
	}
	return nil
}

var sqliteIndexPrefix = regexp.MustCompile(`(?is)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(IF\s+NOT\s+EXISTS\s+)?("[^"]*"|\S+)\s+ON\s+("[^"]*"|\S+)\s*`)

// indexDefSQLite strips "CREATE [UNIQUE] INDEX name ON table" from an index's
// SQL, leaving its columns and WHERE clause.
func indexDefSQLite(q string) string {
	return sqliteIndexPrefix.ReplaceAllString(q, "")
}

var constraintNameRE = regexp.MustCompile(`(?is)^\s*CONSTRAINT\s+("(?:[^"]|"")*"|\S+)\s*$`)

// sqliteChecks extracts the CHECK clauses of a CREATE TABLE statement, with
// the constraint's name when it has one (column-level checks have none).
func sqliteChecks(create string) []Check {
	var checks []Check
	depth, segStart := 0, 0
	for i := 0; i < len(create); i++ {
		switch c := create[i]; c {
		case '"', '\'', '`':
			j := strings.IndexByte(create[i+1:], c)
			if j < 0 {
				return checks
			}
			i += j + 1
		case '[':
			j := strings.IndexByte(create[i+1:], ']')
			if j < 0 {
				return checks
			}
			i += j + 1
		case '(':
			depth++
			if depth == 1 {
				segStart = i + 1
			}
		case ')':
			depth--
		case ',':
			if depth == 1 {
				segStart = i + 1
			}
		default:
			if depth != 1 || !isWordAt(create, i, "CHECK") {
				continue
			}
			open := i + len("CHECK")
			for open < len(create) && (create[open] == ' ' || create[open] == '\t' || create[open] == '\n') {
				open++
			}
			if open >= len(create) || create[open] != '(' {
				continue
			}
			end := matchParen(create, open)
			if end < 0 {
				return checks
			}
			ck := Check{Expr: create[open : end+1]}
			if m := constraintNameRE.FindStringSubmatch(create[segStart:i]); m != nil {
				ck.Name = strings.Trim(m[1], `"`)
			}
			checks = append(checks, ck)
			i = end
		}
	}
	return checks
}

func isWordAt(s string, i int, w string) bool {
	if i+len(w) > len(s) || !strings.EqualFold(s[i:i+len(w)], w) {
		return false
	}
	isIdent := func(b byte) bool {
		return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	return (i == 0 || !isIdent(s[i-1])) && (i+len(w) == len(s) || !isIdent(s[i+len(w)]))
}

// matchParen returns the index of the ')' closing s[open], skipping quotes.
func matchParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'', '`':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return -1
			}
			i += j + 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// ---- PostgreSQL ---------------------------------------------------------

const pgTables = `SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = COALESCE(NULLIF($1, ''), current_schema()) AND c.relkind IN ('r', 'p') ORDER BY c.relname`

const pgColumns = `SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
  COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped`

// pgConstraints lists constraints with their column names in key order.
const pgConstraints = `SELECT con.conname, con.contype::text,
  COALESCE((SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n), ''),
  COALESCE(con.confrelid::regclass::text, ''),
  COALESCE((SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n), ''),
  pg_get_constraintdef(con.oid)
FROM pg_constraint con WHERE con.conrelid = $1`

// pgIndexes lists indexes that back no constraint.
const pgIndexes = `SELECT ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid),
  COALESCE((SELECT string_agg(COALESCE(a.attname, '<expr>'), ',' ORDER BY k.o) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n), '')
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)`

var pgIndexPrefix = regexp.MustCompile(`^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+ `)

func dumpPostgres(ctx context.Context, conn Querier, s *Schema, schema string, wanted wanted) error {
	type tbl struct {
		oid  uint32
		name string
	}
	var tables []tbl
	err := queryRows(ctx, conn, pgTables, []any{schema}, func(r *sql.Rows) error {
		var t tbl
		err := r.Scan(&t.oid, &t.name)
		if wanted.has(t.name) {
			tables = append(tables, t)
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, tb := range tables {
		t := Table{Name: tb.name}
		err := queryRows(ctx, conn, pgColumns, []any{tb.oid}, func(r *sql.Rows) error {
			var c Column
			var identity string
			if err := r.Scan(&c.Name, &c.Type, &c.Null, &c.Default, &identity); err != nil {
				return err
			}
			if identity != "" || strings.HasPrefix(c.Default, "nextval(") {
				c.Default = "autoincrement"
			}
			t.Columns = append(t.Columns, c)
			return nil
		})
		if err != nil {
			return err
		}
		err = queryRows(ctx, conn, pgConstraints, []any{tb.oid}, func(r *sql.Rows) error {
			var name, typ, cols, ref, refCols, def string
			if err := r.Scan(&name, &typ, &cols, &ref, &refCols, &def); err != nil {
				return err
			}
			switch typ {
			case "p":
				t.PrimaryKey = splitCols(cols)
			case "f":
				t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Columns: splitCols(cols), RefTable: unqualified(ref, schema), RefColumns: splitCols(refCols)})
			case "u":
				t.Uniques = append(t.Uniques, Unique{Name: name, Columns: splitCols(cols)})
			default: // c (check), x (exclusion): compare their definitions
				t.Checks = append(t.Checks, Check{Name: name, Expr: def})
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = queryRows(ctx, conn, pgIndexes, []any{tb.oid}, func(r *sql.Rows) error {
			var ix Index
			var cols string
			if err := r.Scan(&ix.Name, &ix.Unique, &ix.Def, &cols); err != nil {
				return err
			}
			ix.Def = pgIndexPrefix.ReplaceAllString(ix.Def, "")
			ix.Columns = splitCols(cols)
			t.Indexes = append(t.Indexes, ix)
			return nil
		})
		if err != nil {
			return err
		}
		s.Tables = append(s.Tables, t)
	}
	return nil
}

// unqualified is a regclass's text without the tenant schema it is in
// (PostgreSQL qualifies names outside the search path) and its quotes.
func unqualified(ref, schema string) string {
	if schema != "" {
		ref = strings.TrimPrefix(ref, quoteIdent(schema)+".")
		ref = strings.TrimPrefix(ref, schema+".")
	}
	return strings.Trim(ref, `"`)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func splitCols(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// ---- MariaDB / MySQL ----------------------------------------------------

func dumpMySQL(ctx context.Context, conn Querier, s *Schema, wanted wanted) error {
	tables := map[string]*Table{}
	var order []string
	err := queryRows(ctx, conn, `SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`, nil,
		func(r *sql.Rows) error {
			var n string
			err := r.Scan(&n)
			tables[n] = &Table{Name: n}
			order = append(order, n)
			return err
		})
	if err != nil {
		return err
	}
	err = queryRows(ctx, conn, `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`, nil,
		func(r *sql.Rows) error {
			var tn, nullable, extra string
			var dflt sql.NullString
			var c Column
			if err := r.Scan(&tn, &c.Name, &c.Type, &nullable, &dflt, &extra); err != nil {
				return err
			}
			c.Null = nullable == "YES"
			// MariaDB reports "no default" on a nullable column as the string NULL.
			if dflt.Valid && dflt.String != "NULL" {
				c.Default = dflt.String
			}
			if strings.Contains(extra, "auto_increment") {
				c.Default = "autoincrement"
			}
			if t := tables[tn]; t != nil {
				t.Columns = append(t.Columns, c)
			}
			return nil
		})
	if err != nil {
		return err
	}
	// Keys: primary, unique and foreign, with columns in key order.
	type key struct{ table, name string }
	uniques := map[key]bool{}
	fks := map[key]*ForeignKey{}
	var fkOrder []key
	err = queryRows(ctx, conn, `SELECT tc.TABLE_NAME, tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME,
  COALESCE(k.REFERENCED_TABLE_NAME, ''), COALESCE(k.REFERENCED_COLUMN_NAME, '')
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA
  AND k.TABLE_NAME = tc.TABLE_NAME AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.CONSTRAINT_SCHEMA = DATABASE()
ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION`, nil,
		func(r *sql.Rows) error {
			var tn, name, typ, col, ref, refCol string
			if err := r.Scan(&tn, &name, &typ, &col, &ref, &refCol); err != nil {
				return err
			}
			t := tables[tn]
			if t == nil {
				return nil
			}
			k := key{tn, name}
			switch typ {
			case "PRIMARY KEY":
				t.PrimaryKey = append(t.PrimaryKey, col)
			case "UNIQUE":
				uniques[k] = true
				if n := len(t.Uniques); n > 0 && t.Uniques[n-1].Name == name {
					t.Uniques[n-1].Columns = append(t.Uniques[n-1].Columns, col)
				} else {
					t.Uniques = append(t.Uniques, Unique{Name: name, Columns: []string{col}})
				}
			case "FOREIGN KEY":
				fk := fks[k]
				if fk == nil {
					fk = &ForeignKey{RefTable: ref}
					fks[k] = fk
					fkOrder = append(fkOrder, k)
				}
				fk.Columns = append(fk.Columns, col)
				fk.RefColumns = append(fk.RefColumns, refCol)
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, k := range fkOrder {
		tables[k.table].ForeignKeys = append(tables[k.table].ForeignKeys, *fks[k])
	}
	// CHECK_CONSTRAINTS.TABLE_NAME is MariaDB's (10.3.10+); MySQL 8 lacks it.
	err = queryRows(ctx, conn, `SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`, nil,
		func(r *sql.Rows) error {
			var tn string
			var c Check
			if err := r.Scan(&tn, &c.Name, &c.Expr); err != nil {
				return err
			}
			if t := tables[tn]; t != nil {
				t.Checks = append(t.Checks, c)
			}
			return nil
		})
	if err != nil {
		return err
	}
	err = queryRows(ctx, conn, `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COALESCE(COLUMN_NAME, '<expr>'),
  COALESCE(SUB_PART, 0), INDEX_TYPE
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`, nil,
		func(r *sql.Rows) error {
			var tn, name, col, typ string
			var nonUnique, subPart int
			if err := r.Scan(&tn, &name, &nonUnique, &col, &subPart, &typ); err != nil {
				return err
			}
			t := tables[tn]
			if t == nil || name == "PRIMARY" || uniques[key{tn, name}] {
				return nil
			}
			part := col
			if subPart > 0 {
				part = fmt.Sprintf("%s(%d)", col, subPart)
			}
			if n := len(t.Indexes); n > 0 && t.Indexes[n-1].Name == name {
				ix := &t.Indexes[n-1]
				ix.Columns = append(ix.Columns, col)
				ix.Def = strings.TrimSuffix(ix.Def, ")") + ", " + part + ")"
				return nil
			}
			t.Indexes = append(t.Indexes, Index{Name: name, Columns: []string{col}, Unique: nonUnique == 0,
				Def: typ + " (" + part + ")"})
			return nil
		})
	if err != nil {
		return err
	}
	for _, n := range order {
		if wanted.has(n) {
			s.Tables = append(s.Tables, *tables[n])
		}
	}
	return nil
}

// wanted is the set of tables to read; nil is every table.
type wanted map[string]bool

func (w wanted) has(table string) bool { return w == nil || w[table] }

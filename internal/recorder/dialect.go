package recorder

import (
	"strings"
	"time"
)

// Dialect returns the SQL one engine needs. It holds no connection and runs
// nothing, so each statement can be read and tested on its own. Placeholders
// are the engine's own ($1 or ?).
type Dialect interface {
	// Driver is the database/sql driver name.
	Driver() string
	// TableColumns lists the column names of table (bound: schema, table;
	// an empty schema means the current one).
	TableColumns() string
	// Probe reads nothing from the quoted table, failing as a read of it
	// would (missing table, no privilege).
	Probe(table string) string
	// SelectApplied reads every row of the quoted table, oldest first.
	SelectApplied(table string) string
	// QuoteTable returns schema.table (or table) as a quoted identifier.
	QuoteTable(schema, table string) string
	// SessionSetup returns statements that bound the time a read may take,
	// run inside the read-only transaction.
	SessionSetup(timeout time.Duration) []string
}

// DialectFor returns the dialect of an engine.
func DialectFor(e Engine) Dialect {
	switch e {
	case PostgreSQL:
		return postgres{}
	case MySQL:
		return mysql{}
	default:
		return sqlite{}
	}
}

func quote(ident, q string) string {
	return q + strings.ReplaceAll(ident, q, q+q) + q
}

type postgres struct{}

func (postgres) Driver() string { return "pgx" }
func (postgres) TableColumns() string {
	return `SELECT column_name FROM information_schema.columns
WHERE table_schema = COALESCE(NULLIF($1, ''), current_schema()) AND table_name = $2 ORDER BY ordinal_position`
}
func (postgres) Probe(table string) string { return "SELECT 1 FROM " + table + " WHERE 1 = 0" }

// SchemaExists counts the schemas of a name (bound: name); the catalog
// lists every schema whatever the role may read.
func (postgres) SchemaExists() string {
	return "SELECT COUNT(*) FROM pg_catalog.pg_namespace WHERE nspname = $1"
}
func (postgres) SelectApplied(table string) string {
	return "SELECT id, app, name, applied FROM " + table + " ORDER BY id"
}
func (postgres) QuoteTable(schema, table string) string {
	if schema == "" {
		return quote(table, `"`)
	}
	return quote(schema, `"`) + "." + quote(table, `"`)
}
func (postgres) SessionSetup(timeout time.Duration) []string {
	return []string{"SET LOCAL statement_timeout = " + itoa(timeout.Milliseconds())}
}

// ListSchemas is PostgreSQL-only: schemas whose name matches a LIKE
// pattern and that hold a django_migrations table (bound: pattern).
func (postgres) ListSchemas() string {
	return `SELECT table_schema FROM information_schema.tables
WHERE table_name = 'django_migrations' AND table_schema LIKE $1 ORDER BY table_schema`
}

type mysql struct{}

func (mysql) Driver() string { return "mysql" }
func (mysql) TableColumns() string {
	return `SELECT COLUMN_NAME FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`
}
func (mysql) Probe(table string) string { return "SELECT 1 FROM " + table + " WHERE 1 = 0" }
func (mysql) SelectApplied(table string) string {
	return "SELECT id, app, name, applied FROM " + table + " ORDER BY id"
}
func (mysql) QuoteTable(schema, table string) string {
	if schema == "" {
		return quote(table, "`")
	}
	return quote(schema, "`") + "." + quote(table, "`")
}
func (mysql) SessionSetup(time.Duration) []string {
	// The server-side limits differ between MariaDB (max_statement_time) and
	// MySQL (max_execution_time); the driver's readTimeout bounds both.
	return nil
}

type sqlite struct{}

func (sqlite) Driver() string { return "sqlite" }
func (sqlite) TableColumns() string {
	// The schema argument is accepted for symmetry and ignored.
	return `SELECT name FROM pragma_table_info(?2) WHERE ?1 = ?1 ORDER BY cid`
}
func (sqlite) Probe(table string) string { return "SELECT 1 FROM " + table + " WHERE 1 = 0" }
func (sqlite) SelectApplied(table string) string {
	return "SELECT id, app, name, applied FROM " + table + " ORDER BY id"
}
func (sqlite) QuoteTable(_, table string) string { return quote(table, `"`) }
func (sqlite) SessionSetup(time.Duration) []string {
	return nil
}

func itoa(n int64) string {
	if n <= 0 {
		n = 1
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

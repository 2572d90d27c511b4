package recorder

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// TableName is Django's recorder table.
const TableName = "django_migrations"

// Row is one row of django_migrations.
type Row struct {
	ID      int64     `json:"id"`
	App     string    `json:"app"`
	Name    string    `json:"name"`
	Applied time.Time `json:"applied"`
}

// Kinds of failure a caller may want to tell apart.
var (
	ErrUnreachable   = errors.New("server unreachable")
	ErrAuth          = errors.New("authentication failed")
	ErrNoDatabase    = errors.New("database does not exist")
	ErrNeverMigrated = errors.New("no django_migrations table (never migrated)")
	ErrBadShape      = errors.New("django_migrations has an unexpected shape")
	ErrPermission    = errors.New("permission denied")
	ErrNoSchema      = errors.New("schema does not exist")
)

// Timeouts bound every connection and read.
type Timeouts struct {
	Connect   time.Duration
	Statement time.Duration
}

// DefaultTimeouts are used when a caller passes zero values.
func DefaultTimeouts() Timeouts {
	return Timeouts{Connect: 10 * time.Second, Statement: 30 * time.Second}
}

// maxIdle is how many connections a store keeps open between statements:
// more than any --jobs a user is likely to give.
const maxIdle = 32

// Store runs one dialect's SQL against one database.
type Store struct {
	t  *Target
	d  Dialect
	db *sql.DB
	to Timeouts
}

// Open prepares a connection pool for t. It does not connect yet.
func Open(t *Target, to Timeouts) (*Store, error) {
	if to.Connect == 0 {
		to.Connect = DefaultTimeouts().Connect
	}
	if to.Statement == 0 {
		to.Statement = DefaultTimeouts().Statement
	}
	d := DialectFor(t.Engine)
	dsn, err := t.dsn(to)
	if err != nil {
		return nil, t.wrap(err)
	}
	db, err := openDB(d.Driver(), dsn)
	if err != nil {
		return nil, t.wrap(err)
	}
	// Tenant schemas share a store across the worker pool: keep the
	// workers' connections (the default keeps 2, and a new PostgreSQL
	// connection costs a server process).
	db.SetMaxIdleConns(maxIdle)
	return &Store{t: t, d: d, db: db, to: to}, nil
}

// Close releases the connections.
func (s *Store) Close() error { return s.db.Close() }

// Target returns the store's target.
func (s *Store) Target() *Target { return s.t }

// dsn renders the driver's connection string.
func (t *Target) dsn(to Timeouts) (string, error) {
	secs := fmt.Sprint(int(to.Connect.Seconds()))
	switch t.Engine {
	case SQLite:
		if _, err := os.Stat(t.Database); err != nil {
			return "", fmt.Errorf("%w: %s", ErrNoDatabase, t.shownPath())
		}
		// Read-only at the file level, and query_only for good measure.
		return "file:" + t.Database + "?mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(" +
			fmt.Sprint(to.Statement.Milliseconds()) + ")", nil
	case MySQL:
		cfg := gomysql.NewConfig()
		cfg.User, cfg.Passwd, cfg.Net, cfg.DBName = t.User, t.password, "tcp", t.Database
		port := t.Port
		if port == "" {
			port = "3306"
		}
		cfg.Addr = net.JoinHostPort(t.Host, port)
		cfg.Timeout, cfg.ReadTimeout = to.Connect, to.Statement
		cfg.ParseTime = true
		if t.Params.Get("ssl") == "true" || strings.EqualFold(t.Params.Get("ssl-mode"), "REQUIRED") {
			cfg.TLSConfig = "skip-verify"
		}
		return cfg.FormatDSN(), nil
	default:
		u := url.URL{Scheme: "postgres", Host: t.Host, Path: "/" + t.Database}
		if t.Port != "" {
			u.Host = net.JoinHostPort(t.Host, t.Port)
		}
		if t.User != "" {
			u.User = url.UserPassword(t.User, t.password)
			if t.password == "" {
				u.User = url.User(t.User)
			}
		}
		q := url.Values{}
		for k, vs := range t.Params {
			if k == "currentSchema" {
				continue // a JDBC-ism; we apply it as Schema instead
			}
			q[k] = vs
		}
		if q.Get("connect_timeout") == "" {
			q.Set("connect_timeout", secs)
		}
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
}

// wrap classifies an error and scrubs the password from it.
func (t *Target) wrap(err error) error {
	if err == nil {
		return nil
	}
	var done *Error
	if errors.As(err, &done) {
		return err
	}
	return &Error{Target: t.display(), Kind: classify(err), msg: oneLine(t.Scrub(driverText(err)))}
}

// openDB opens a pool. MySQL's driver logs some failures itself, on
// stderr ("[mysql] packets.go:58 ..."): djsquash reports every failure
// once, in its own words, so its logger is silenced per connector (never
// the driver's global one).
func openDB(driver, dsn string) (*sql.DB, error) {
	if driver != "mysql" {
		return sql.Open(driver, dsn)
	}
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg.Logger = quietLogger{}
	conn, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(conn), nil
}

type quietLogger struct{}

func (quietLogger) Print(...any) {}

// driverText is an error's text, with the drivers' vaguest words made
// plain: MySQL's "invalid connection" is what it says of a server that
// closed the connection or answered in another protocol.
func driverText(err error) string {
	if errors.Is(err, gomysql.ErrInvalidConn) {
		return ErrUnreachable.Error() + ": the server closed the connection or did not answer as MySQL/MariaDB (is it the right port?)"
	}
	return err.Error()
}

// oneLine folds a multi-line driver message into one line: pgx lists each
// connection attempt (TLS, then plain) on a line of its own, often the
// same twice.
func oneLine(msg string) string {
	if !strings.Contains(msg, "\n") {
		return msg
	}
	var parts []string
	seen := map[string]bool{}
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		parts = append(parts, strings.TrimSuffix(l, ":"))
	}
	if len(parts) > 1 {
		return parts[0] + ": " + strings.Join(parts[1:], "; ")
	}
	return strings.Join(parts, "")
}

// display names a target in messages: by its name when one was given
// (production, a DATABASES alias), else by its URL, password hidden.
func (t *Target) display() string {
	if t.Named {
		return t.Name
	}
	return t.String()
}

// shownPath is an SQLite file as the user wrote it.
func (t *Target) shownPath() string {
	if t.Written != "" {
		return t.Written
	}
	return t.Database
}

// Error is a failure reading one target; its text holds no password.
type Error struct {
	Target string
	Kind   error // one of the Err* values, or nil
	msg    string
}

func (e *Error) Error() string {
	if e.Kind != nil && !strings.Contains(e.msg, e.Kind.Error()) {
		return fmt.Sprintf("%s: %s: %s", e.Target, e.Kind, e.msg)
	}
	return e.Target + ": " + e.msg
}

// Is lets errors.Is(err, ErrAuth) and friends work.
func (e *Error) Is(target error) bool { return e.Kind != nil && e.Kind == target }

func classify(err error) error {
	for _, k := range []error{ErrUnreachable, ErrAuth, ErrNoDatabase, ErrNeverMigrated, ErrBadShape, ErrPermission, ErrNoSchema} {
		if errors.Is(err, k) {
			return k
		}
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "28P01" || pg.Code == "28000":
			return ErrAuth
		case pg.Code == "3D000":
			return ErrNoDatabase
		case pg.Code == "42P01":
			return ErrNeverMigrated
		case pg.Code == "42501":
			return ErrPermission
		case pg.Code == "3F000":
			return ErrNoSchema
		}
		return nil
	}
	var my *gomysql.MySQLError
	if errors.As(err, &my) {
		switch my.Number {
		case 1044, 1045, 1698:
			return ErrAuth
		case 1049:
			return ErrNoDatabase
		case 1146:
			return ErrNeverMigrated
		case 1142, 1143:
			return ErrPermission
		}
		return nil
	}
	if strings.Contains(err.Error(), "no such table") {
		return ErrNeverMigrated // SQLite
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ne) || errors.As(err, &ce) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "no such host") {
		return ErrUnreachable
	}
	return nil
}

// Schemas lists the PostgreSQL schemas matching a LIKE pattern that hold a
// django_migrations table.
func (s *Store) Schemas(ctx context.Context, pattern string) ([]string, error) {
	pg, ok := s.d.(postgres)
	if !ok {
		return nil, s.t.wrap(fmt.Errorf("--schemas needs PostgreSQL, not %s", s.t.Engine))
	}
	var out []string
	err := s.readOnly(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, pg.ListSchemas(), pattern)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			out = append(out, n)
		}
		return rows.Err()
	})
	return out, err
}

// Applied reads django_migrations from schema ("" = the target's schema or
// the current one), in a read-only transaction.
func (s *Store) Applied(ctx context.Context, schema string) ([]Row, error) {
	if schema == "" {
		schema = s.t.Schema
	}
	var out []Row
	err := s.readOnly(ctx, func(tx *sql.Tx) error {
		if err := s.checkTable(ctx, tx, schema); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.d.SelectApplied(s.d.QuoteTable(schema, TableName)))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Row
			var applied any
			if err := rows.Scan(&r.ID, &r.App, &r.Name, &applied); err != nil {
				return fmt.Errorf("%w: %v", ErrBadShape, err)
			}
			r.Applied = toTime(applied)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// dbtx is what checkTable runs on: a transaction or a connection.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// checkTable fails unless schema holds a django_migrations table of
// Django's shape that the role may read: a misspelled schema, a missing
// table (never migrated) and a missing privilege are told apart.
func (s *Store) checkTable(ctx context.Context, tx dbtx, schema string) error {
	if pg, ok := s.d.(postgres); ok && schema != "" {
		// A misspelled schema must not read as "never migrated".
		var n int
		if err := tx.QueryRowContext(ctx, pg.SchemaExists(), schema).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: %s", ErrNoSchema, schema)
		}
	}
	cols, err := s.columns(ctx, tx, schema)
	if err != nil {
		return err
	}
	if len(cols) == 0 {
		// The catalogs list only what the role may read: ask the
		// table itself, so that a role without SELECT on it is an
		// error, and only a missing table means never migrated.
		_, err := tx.ExecContext(ctx, s.d.Probe(s.d.QuoteTable(schema, TableName)))
		if err == nil {
			return fmt.Errorf("%w: its columns cannot be listed", ErrBadShape)
		}
		if classify(err) != ErrNeverMigrated {
			return err
		}
		where := ""
		if schema != "" {
			where = " in schema " + schema
		}
		return fmt.Errorf("%w%s", ErrNeverMigrated, where)
	}
	for _, want := range []string{"id", "app", "name", "applied"} {
		if !cols[want] {
			return fmt.Errorf("%w: no column %q", ErrBadShape, want)
		}
	}
	return nil
}

func (s *Store) columns(ctx context.Context, tx dbtx, schema string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, s.d.TableColumns(), schema, TableName)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols[strings.ToLower(c)] = true
	}
	return cols, rows.Err()
}

// readOnly runs fn in a read-only transaction under the statement deadline,
// and always rolls back: a read has nothing to commit.
func (s *Store) readOnly(ctx context.Context, fn func(*sql.Tx) error) error {
	// Connecting has its own deadline on every engine, handshake included
	// (MySQL's driver bounds only the dial by its own timeout; pgx's
	// connect_timeout covers both), as Write's session does.
	cctx, ccancel := context.WithTimeout(ctx, s.to.Connect)
	conn, err := s.db.Conn(cctx)
	timedOut := errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	ccancel()
	if err != nil {
		if timedOut {
			err = fmt.Errorf("%w: no answer within %v", ErrUnreachable, s.to.Connect)
		}
		return s.t.wrap(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, s.to.Statement)
	defer cancel()
	opts := &sql.TxOptions{ReadOnly: true}
	if s.t.Engine == SQLite {
		opts = nil // the connection itself is read-only; the driver rejects the option
	}
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return s.t.wrap(err)
	}
	defer tx.Rollback()
	for _, stmt := range s.d.SessionSetup(s.to.Statement) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return s.t.wrap(err)
		}
	}
	return s.t.wrap(fn(tx))
}

// toTime accepts what each driver returns for a datetime column.
func toTime(v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x
	case string:
		return parseTime(x)
	case []byte:
		return parseTime(string(x))
	}
	return time.Time{}
}

func parseTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

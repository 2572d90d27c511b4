package recorder

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/djsquash/djsquash/internal/changeset"
	gomysql "github.com/go-sql-driver/mysql"
)

// The write side: one transaction per database (or tenant schema) that
// locks django_migrations, reads it, lets the caller decide what to change
// from what it read (so that nothing decided from an earlier read is ever
// written), backs up what it deletes in the same transaction, and commits.
// A kill at any point leaves the database as it was or completely
// rewritten: the server rolls back a transaction whose connection is gone.
//
// Why the strongest lock: Django's migrate reads django_migrations twice
// (the loader, then check_replacements) and records a squash whose
// replaced migrations are all applied. A lock that lets it read (SHARE ROW
// EXCLUSIVE, BEGIN IMMEDIATE, a locking read) lets it plan from the rows
// before ours and insert the squash's row a second time after our commit.
// So the table is locked against reads too: ACCESS EXCLUSIVE on
// PostgreSQL, BEGIN EXCLUSIVE on SQLite, LOCK TABLES … WRITE inside an
// InnoDB transaction on MariaDB. The transaction is milliseconds long.

// BackupTable holds the rows record --prune deleted, per batch, in the
// database they came from.
const BackupTable = "djsquash_migrations_backup"

// Record is one row of django_migrations as the write side handles it:
// Applied is the database's own text of the timestamp, so that a row put
// back is byte-identical to the row taken.
type Record struct {
	ID      int64  `json:"id"`
	App     string `json:"app"`
	Name    string `json:"name"`
	Applied string `json:"applied"`
}

// Key names a migration.
type Key struct{ App, Name string }

// Edit is what one transaction changes.
type Edit struct {
	// Insert are rows to record, applied now.
	Insert []Key
	// Delete are rows to remove; each is first copied to BackupTable.
	Delete []Record
	// Restore are rows to put back as they were (id and applied).
	Restore []Record
	// Batch names the backup; TakenAt is when it was taken.
	Batch   string
	TakenAt time.Time
}

// Empty reports an edit that changes nothing.
func (e Edit) Empty() bool { return len(e.Insert)+len(e.Delete)+len(e.Restore) == 0 }

// WriteOptions are the caller's steps inside the transaction.
type WriteOptions struct {
	// Backup creates BackupTable first when it is missing (record --prune).
	Backup bool
	// Plan decides the edit from the rows read under the lock.
	Plan func(rows []Record) (Edit, error)
	// Check runs after Plan when the edit is not empty, inside the
	// transaction (the schema check); an error rolls everything back.
	Check func(ctx context.Context, q Querier, e Edit) error
	// BeforeCommit runs last (writing the backup file); an error rolls
	// back.
	BeforeCommit func(e Edit) error
	// Locked, when set, runs as soon as the lock is held (tests hold it
	// there to show that a concurrent migrate waits).
	Locked func()
	// Now is the applied time of inserted rows (zero: the current time).
	Now time.Time
}

// Querier runs a query inside the write transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// OpenWriter is Open for writing: on SQLite the file is opened read-write.
func OpenWriter(t *Target, to Timeouts) (*Store, error) {
	s, err := Open(t, to)
	if err != nil {
		return nil, err
	}
	if t.Engine == SQLite {
		s.db.Close()
		db, err := sql.Open("sqlite", "file:"+t.Database+"?mode=rw&_pragma=busy_timeout("+fmt.Sprint(s.to.Statement.Milliseconds())+")")
		if err != nil {
			return nil, t.wrap(err)
		}
		db.SetMaxIdleConns(maxIdle)
		s.db = db
	}
	return s, nil
}

// Write runs one locked transaction on schema ("" = the target's) and
// returns the edit it committed (empty when there was nothing to do).
func (s *Store) Write(ctx context.Context, schema string, o WriteOptions) (Edit, error) {
	if schema == "" {
		schema = s.t.Schema
	}
	w, ok := s.d.(writer)
	if !ok {
		return Edit{}, fmt.Errorf("%s: writing is not supported", s.t.Engine)
	}
	table := s.d.QuoteTable(schema, TableName)
	backup := s.d.QuoteTable(schema, BackupTable)
	cctx, cancel := context.WithTimeout(ctx, s.to.Connect)
	conn, err := s.db.Conn(cctx)
	cancel()
	if err != nil {
		return Edit{}, s.t.wrapWrite(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) error {
		sctx, cancel := context.WithTimeout(ctx, s.to.Statement)
		defer cancel()
		_, err := conn.ExecContext(sctx, q, args...)
		return err
	}

	// On MariaDB, before the transaction what cannot be done inside one
	// (DDL commits implicitly), and what LOCK TABLES needs to know (every
	// table the transaction touches is locked, the backup table too).
	// Elsewhere all of it is inside, which saves round trips per tenant.
	hasBackup := o.Backup
	if s.t.Engine == MySQL {
		if err := s.readOnly(ctx, func(tx *sql.Tx) error { return s.checkTable(ctx, tx, schema) }); err != nil {
			return Edit{}, err
		}
		if err := s.transactional(ctx, conn); err != nil {
			return Edit{}, err
		}
		has, err := s.hasTable(ctx, schema, BackupTable)
		if err != nil {
			return Edit{}, s.t.wrapWrite(err)
		}
		if o.Backup && !has {
			if err := exec(w.CreateBackup(backup)); err != nil {
				return Edit{}, s.t.wrapWrite(fmt.Errorf("creating %s: %w", BackupTable, err))
			}
		}
		hasBackup = o.Backup || has
	}
	locked := lockList(s.t.Engine, table, backup, hasBackup)

	begun := false
	rollback := func() {
		if !begun {
			return
		}
		rctx, cancel := context.WithTimeout(context.Background(), s.to.Statement)
		defer cancel()
		for _, q := range w.Rollback() {
			conn.ExecContext(rctx, q)
		}
	}
	// A session that failed never goes back to the pool: it may still
	// be inside the transaction, or have autocommit off (MariaDB).
	discard := func() { conn.Raw(func(any) error { return driver.ErrBadConn }) }
	fail := func(err error) (Edit, error) {
		rollback()
		discard()
		return Edit{}, s.t.wrapWrite(err)
	}
	for _, q := range w.Begin(s.to.Statement) {
		if err := exec(q); err != nil {
			return fail(err)
		}
		begun = true
	}
	if s.t.Engine != MySQL {
		sctx, cancel := context.WithTimeout(ctx, s.to.Statement)
		err := s.checkTable(sctx, conn, schema)
		cancel()
		if err != nil {
			return fail(err)
		}
		if o.Backup {
			if err := exec(w.CreateBackup(backup)); err != nil {
				return fail(fmt.Errorf("creating %s: %w", BackupTable, err))
			}
		}
	}
	for _, q := range w.Lock(locked) {
		if err := exec(q); err != nil {
			return fail(err)
		}
	}
	if o.Locked != nil {
		o.Locked()
	}
	rows, err := readRecords(ctx, conn, w.SelectRecords(table), s.to.Statement)
	if err != nil {
		return fail(err)
	}
	e, err := o.Plan(rows)
	if err != nil {
		return fail(err)
	}
	if e.Empty() {
		rollback()
		return Edit{}, nil
	}
	if len(e.Delete) > 0 && !hasBackup {
		return fail(errors.New("no backup table: deleting needs Backup"))
	}
	if o.Check != nil {
		if err := o.Check(ctx, conn, e); err != nil {
			return fail(err)
		}
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	if e.TakenAt.IsZero() {
		e.TakenAt = now
	}
	for _, st := range editStatements(w, table, backup, e, now) {
		if err := exec(st.SQL, st.Args...); err != nil {
			return fail(fmt.Errorf("%s: %w", st.what, err))
		}
	}
	if o.BeforeCommit != nil {
		if err := o.BeforeCommit(e); err != nil {
			return fail(err)
		}
	}
	commit := w.Commit()
	if err := exec(commit[0]); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	begun = false
	// What follows the commit (MariaDB's UNLOCK TABLES) cannot undo it:
	// a failure there only retires the session.
	for _, q := range commit[1:] {
		if err := exec(q); err != nil {
			discard()
			break
		}
	}
	return e, nil
}

// Backups reads the rows of a batch ("latest": the newest) from
// BackupTable; it returns the batch's name.
func (s *Store) Backups(ctx context.Context, schema, batch string) (string, []Record, error) {
	if schema == "" {
		schema = s.t.Schema
	}
	w := s.d.(writer)
	backup := s.d.QuoteTable(schema, BackupTable)
	var out []Record
	err := s.readOnly(ctx, func(tx *sql.Tx) error {
		ok, err := s.hasTableTx(ctx, tx, schema, BackupTable)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no %s table: nothing was ever backed up here", BackupTable)
		}
		if batch == "latest" {
			err := tx.QueryRowContext(ctx, w.LatestBatch(backup)).Scan(&batch)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%s is empty: nothing was ever backed up here", BackupTable)
			}
			if err != nil {
				return err
			}
		}
		out, err = readRecords(ctx, tx, w.SelectBackup(backup), s.to.Statement, batch)
		if err == nil && len(out) == 0 {
			err = fmt.Errorf("no backup batch %q", batch)
		}
		return err
	})
	return batch, out, err
}

func readRecords(ctx context.Context, q Querier, query string, timeout time.Duration, args ...any) ([]Record, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		if err := rows.Scan(&r.ID, &r.App, &r.Name, &r.Applied); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadShape, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ErrNotTransactional is a django_migrations whose storage engine has no
// transactions (MyISAM, Aria): a failed write could not be rolled back.
var ErrNotTransactional = errors.New("django_migrations is not in a transactional table")

func (s *Store) transactional(ctx context.Context, conn *sql.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, s.to.Statement)
	defer cancel()
	var engine sql.NullString
	err := conn.QueryRowContext(ctx, mysql{}.TableEngine(), TableName).Scan(&engine)
	if err != nil {
		return s.t.wrapWrite(err)
	}
	if !strings.EqualFold(engine.String, "InnoDB") {
		return s.t.wrapWrite(fmt.Errorf("%w: its engine is %s, and a failed write could not be rolled back; convert it with ALTER TABLE django_migrations ENGINE=InnoDB", ErrNotTransactional, engine.String))
	}
	return nil
}

func (s *Store) hasTable(ctx context.Context, schema, table string) (bool, error) {
	var ok bool
	err := s.readOnly(ctx, func(tx *sql.Tx) error {
		var err error
		ok, err = s.hasTableTx(ctx, tx, schema, table)
		return err
	})
	return ok, err
}

func (s *Store) hasTableTx(ctx context.Context, tx *sql.Tx, schema, table string) (bool, error) {
	rows, err := tx.QueryContext(ctx, s.d.TableColumns(), schema, table)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	return rows.Next(), rows.Err()
}

// wrapWrite is wrap for the write side, where MariaDB's "access denied to
// database" (1044) is a missing privilege (LOCK TABLES, CREATE), not a
// failed login.
func (t *Target) wrapWrite(err error) error {
	var my *gomysql.MySQLError
	if errors.As(err, &my) && my.Number == 1044 {
		return &Error{Target: t.String(), Kind: ErrPermission, msg: t.Scrub(err.Error())}
	}
	return t.wrap(err)
}

// writer is the write side of a dialect.
type writer interface {
	// Begin starts the transaction and bounds its waits.
	Begin(timeout time.Duration) []string
	// Lock locks the quoted tables against reads and writes.
	Lock(tables []string) []string
	// Commit's first statement commits; the rest tidy the session.
	Commit() []string
	Rollback() []string
	// SelectRecords reads id, app, name and applied as text.
	SelectRecords(table string) string
	InsertRow(table string) string  // bound: app, name, applied
	RestoreRow(table string) string // bound: id, app, name, applied
	DeleteRow(table string) string  // bound: id
	CreateBackup(table string) string
	InsertBackup(table string) string // bound: id, app, name, applied, batch, taken_at
	SelectBackup(table string) string // bound: batch
	LatestBatch(table string) string  // newest batch
	Timestamp(t time.Time) string     // a value for a datetime column
}

func (postgres) Begin(timeout time.Duration) []string {
	ms := itoa(timeout.Milliseconds())
	return []string{"BEGIN", "SET LOCAL lock_timeout = " + ms, "SET LOCAL statement_timeout = " + ms}
}
func (postgres) Lock(tables []string) []string {
	return []string{"LOCK TABLE " + strings.Join(tables, ", ") + " IN ACCESS EXCLUSIVE MODE"}
}
func (postgres) Commit() []string   { return []string{"COMMIT"} }
func (postgres) Rollback() []string { return []string{"ROLLBACK"} }
func (postgres) SelectRecords(t string) string {
	return "SELECT id, app, name, applied::text FROM " + t + " ORDER BY id"
}
func (postgres) InsertRow(t string) string {
	return "INSERT INTO " + t + " (app, name, applied) VALUES ($1, $2, $3::timestamptz)"
}
func (postgres) RestoreRow(t string) string {
	return "INSERT INTO " + t + " (id, app, name, applied) VALUES ($1, $2, $3, $4::timestamptz)"
}
func (postgres) DeleteRow(t string) string { return "DELETE FROM " + t + " WHERE id = $1" }
func (postgres) CreateBackup(t string) string {
	return "CREATE TABLE IF NOT EXISTS " + t + ` (id bigint NOT NULL, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
applied timestamp with time zone NOT NULL, batch varchar(64) NOT NULL, taken_at timestamp with time zone NOT NULL, PRIMARY KEY (batch, id))`
}
func (postgres) InsertBackup(t string) string {
	return "INSERT INTO " + t + " (id, app, name, applied, batch, taken_at) VALUES ($1, $2, $3, $4::timestamptz, $5, $6::timestamptz)"
}
func (postgres) SelectBackup(t string) string {
	return "SELECT id, app, name, applied::text FROM " + t + " WHERE batch = $1 ORDER BY id"
}
func (postgres) LatestBatch(t string) string {
	return "SELECT batch FROM " + t + " ORDER BY taken_at DESC, batch DESC LIMIT 1"
}
func (postgres) Timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.000000+00:00")
}

func (mysql) Begin(timeout time.Duration) []string {
	secs := itoa(int64(timeout.Seconds()))
	// LOCK TABLES ends a transaction begun with START TRANSACTION: with
	// InnoDB, the documented way is autocommit off, then LOCK TABLES,
	// and UNLOCK TABLES only after COMMIT.
	return []string{"SET SESSION innodb_lock_wait_timeout = " + secs, "SET SESSION lock_wait_timeout = " + secs, "SET autocommit = 0"}
}
func (mysql) Lock(tables []string) []string {
	return []string{"LOCK TABLES " + strings.Join(tables, " WRITE, ") + " WRITE"}
}
func (mysql) Commit() []string   { return []string{"COMMIT", "UNLOCK TABLES", "SET autocommit = 1"} }
func (mysql) Rollback() []string { return []string{"ROLLBACK", "UNLOCK TABLES", "SET autocommit = 1"} }
func (mysql) SelectRecords(t string) string {
	return "SELECT id, app, name, CAST(applied AS CHAR) FROM " + t + " ORDER BY id"
}
func (mysql) InsertRow(t string) string {
	return "INSERT INTO " + t + " (app, name, applied) VALUES (?, ?, ?)"
}
func (mysql) RestoreRow(t string) string {
	return "INSERT INTO " + t + " (id, app, name, applied) VALUES (?, ?, ?, ?)"
}
func (mysql) DeleteRow(t string) string { return "DELETE FROM " + t + " WHERE id = ?" }
func (mysql) CreateBackup(t string) string {
	return "CREATE TABLE IF NOT EXISTS " + t + ` (id bigint NOT NULL, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
applied datetime(6) NOT NULL, batch varchar(64) NOT NULL, taken_at datetime(6) NOT NULL, PRIMARY KEY (batch, id)) ENGINE=InnoDB`
}
func (mysql) InsertBackup(t string) string {
	return "INSERT INTO " + t + " (id, app, name, applied, batch, taken_at) VALUES (?, ?, ?, ?, ?, ?)"
}
func (mysql) SelectBackup(t string) string {
	return "SELECT id, app, name, CAST(applied AS CHAR) FROM " + t + " WHERE batch = ? ORDER BY id"
}
func (mysql) LatestBatch(t string) string {
	return "SELECT batch FROM " + t + " ORDER BY taken_at DESC, batch DESC LIMIT 1"
}
func (mysql) Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000") }

// TableEngine reads a table's storage engine (bound: table).
func (mysql) TableEngine() string {
	return "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
}

func (sqlite) Begin(time.Duration) []string { return []string{"BEGIN EXCLUSIVE"} }
func (sqlite) Lock([]string) []string       { return nil } // BEGIN EXCLUSIVE locked the file
func (sqlite) Commit() []string             { return []string{"COMMIT"} }
func (sqlite) Rollback() []string           { return []string{"ROLLBACK"} }
func (sqlite) SelectRecords(t string) string {
	return "SELECT id, app, name, CAST(applied AS TEXT) FROM " + t + " ORDER BY id"
}
func (sqlite) InsertRow(t string) string {
	return "INSERT INTO " + t + " (app, name, applied) VALUES (?, ?, ?)"
}
func (sqlite) RestoreRow(t string) string {
	return "INSERT INTO " + t + " (id, app, name, applied) VALUES (?, ?, ?, ?)"
}
func (sqlite) DeleteRow(t string) string { return "DELETE FROM " + t + " WHERE id = ?" }
func (sqlite) CreateBackup(t string) string {
	return "CREATE TABLE IF NOT EXISTS " + t + ` (id integer NOT NULL, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
applied datetime NOT NULL, batch varchar(64) NOT NULL, taken_at datetime NOT NULL, PRIMARY KEY (batch, id))`
}
func (sqlite) InsertBackup(t string) string {
	return "INSERT INTO " + t + " (id, app, name, applied, batch, taken_at) VALUES (?, ?, ?, ?, ?, ?)"
}
func (sqlite) SelectBackup(t string) string {
	return "SELECT id, app, name, CAST(applied AS TEXT) FROM " + t + " WHERE batch = ? ORDER BY id"
}
func (sqlite) LatestBatch(t string) string {
	return "SELECT batch FROM " + t + " ORDER BY taken_at DESC, batch DESC LIMIT 1"
}

// Timestamp is what Django's SQLite backend stores: the naive UTC time.
func (sqlite) Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000") }

// Preview is Write without writing, for a dry run: the same Plan and
// Check, on the rows and the schema as they are now (a read-only
// transaction, no lock), and the statements Write would run. The
// statements come back with a failed Check too: what would have run.
func (s *Store) Preview(ctx context.Context, schema string, o WriteOptions) (Edit, []changeset.Statement, error) {
	if schema == "" {
		schema = s.t.Schema
	}
	w := s.d.(writer)
	var e Edit
	var checkErr error
	err := s.readOnly(ctx, func(tx *sql.Tx) error {
		if err := s.checkTable(ctx, tx, schema); err != nil {
			return err
		}
		rows, err := readRecords(ctx, tx, w.SelectRecords(s.d.QuoteTable(schema, TableName)), s.to.Statement)
		if err != nil {
			return err
		}
		if e, err = o.Plan(rows); err != nil || e.Empty() || o.Check == nil {
			return err
		}
		checkErr = o.Check(ctx, tx, e)
		return nil
	})
	if err != nil {
		return Edit{}, nil, err
	}
	if e.Empty() {
		return Edit{}, nil, nil
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	return e, s.Statements(schema, e, now), s.t.wrapWrite(checkErr)
}

// Statements is the SQL an edit runs, in order, with its arguments, for
// a dry run to show: what Write runs, from the same list.
func (s *Store) Statements(schema string, e Edit, now time.Time) []changeset.Statement {
	if schema == "" {
		schema = s.t.Schema
	}
	w := s.d.(writer)
	table := s.d.QuoteTable(schema, TableName)
	backup := s.d.QuoteTable(schema, BackupTable)
	var out []changeset.Statement
	for _, q := range append(w.Begin(s.to.Statement), w.Lock(lockList(s.t.Engine, table, backup, len(e.Delete) > 0))...) {
		out = append(out, changeset.Statement{SQL: q})
	}
	if e.TakenAt.IsZero() {
		e.TakenAt = now
	}
	for _, st := range editStatements(w, table, backup, e, now) {
		out = append(out, st.Statement)
	}
	for _, q := range w.Commit() {
		out = append(out, changeset.Statement{SQL: q})
	}
	return out
}

// lockList is the tables a write locks: django_migrations, and on
// MariaDB the backup table when it is used (LOCK TABLES names every table
// the transaction touches; elsewhere writing it takes its own lock).
func lockList(e Engine, table, backup string, withBackup bool) []string {
	if withBackup && e == MySQL {
		return []string{table, backup}
	}
	return []string{table}
}

// step is one statement of an edit and what it does, for its error.
type step struct {
	changeset.Statement
	what string
}

// editStatements is an edit as statements, in the order they run: the
// backup copies, the deletes, the inserts (applied now), the restores.
func editStatements(w writer, table, backup string, e Edit, now time.Time) []step {
	var out []step
	add := func(what, q string, args ...any) {
		out = append(out, step{changeset.Statement{SQL: q, Args: args}, what})
	}
	for _, r := range e.Delete {
		add("backing up "+r.App+"."+r.Name, w.InsertBackup(backup), r.ID, r.App, r.Name, r.Applied, e.Batch, w.Timestamp(e.TakenAt))
	}
	for _, r := range e.Delete {
		add("deleting "+r.App+"."+r.Name, w.DeleteRow(table), r.ID)
	}
	stamp := w.Timestamp(now)
	for _, k := range e.Insert {
		add("recording "+k.App+"."+k.Name, w.InsertRow(table), k.App, k.Name, stamp)
	}
	for _, r := range e.Restore {
		add("restoring "+r.App+"."+r.Name, w.RestoreRow(table), r.ID, r.App, r.Name, r.Applied)
	}
	return out
}

// Records reads django_migrations as the write side sees it (applied as
// the database's text), in a read-only transaction: what a dry run
// decides from.
func (s *Store) Records(ctx context.Context, schema string) ([]Record, error) {
	if schema == "" {
		schema = s.t.Schema
	}
	w := s.d.(writer)
	var out []Record
	err := s.readOnly(ctx, func(tx *sql.Tx) error {
		if err := s.checkTable(ctx, tx, schema); err != nil {
			return err
		}
		var err error
		out, err = readRecords(ctx, tx, w.SelectRecords(s.d.QuoteTable(schema, TableName)), s.to.Statement)
		return err
	})
	return out, err
}

// ReadOnly runs fn in a read-only transaction (a dry run's schema check).
func (s *Store) ReadOnly(ctx context.Context, fn func(Querier) error) error {
	return s.readOnly(ctx, func(tx *sql.Tx) error { return fn(tx) })
}

package djangotest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // MariaDB/MySQL driver for database/sql
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" for database/sql
	_ "modernc.org/sqlite"             // pure-Go SQLite, registers "sqlite"
)

// Database is a fresh, empty database that exists for one test.
type Database struct {
	Engine   Engine
	Name     string // SQLite: the file path
	Host     string
	Port     string
	User     string
	Password string
}

// NewDatabase creates an empty database for the test and drops it when the
// test ends. SQLite needs nothing; PostgreSQL and MariaDB need their server
// URL in the config, or the test is skipped (failed under CI).
func NewDatabase(t testing.TB, engine Engine) *Database {
	t.Helper()
	switch engine {
	case SQLite:
		return &Database{Engine: SQLite, Name: filepath.Join(t.TempDir(), "db.sqlite3")}
	case PostgreSQL, MySQL:
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	cfg := LoadConfig()
	raw := cfg.PGURL
	if engine == MySQL {
		raw = cfg.MySQLURL
	}
	if raw == "" {
		Unavailable(t, "%s: no server URL configured", engine)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s server URL: %v", engine, err)
	}
	db := &Database{Engine: engine, Host: u.Hostname(), Port: u.Port(), User: u.User.Username()}
	db.Password, _ = u.User.Password()
	db.Name = "djt_" + randomSuffix()

	admin, err := db.openServer()
	if err != nil {
		Unavailable(t, "%s server at %s:%s: %v", engine, db.Host, db.Port, err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		Unavailable(t, "%s server at %s:%s: %v", engine, db.Host, db.Port, err)
	}
	create := `CREATE DATABASE "` + db.Name + `"`
	if engine == MySQL {
		create = "CREATE DATABASE `" + db.Name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		t.Fatalf("%s: %v", create, err)
	}
	t.Cleanup(func() { db.drop(t) })
	return db
}

func (db *Database) drop(t testing.TB) {
	admin, err := db.openServer()
	if err != nil {
		t.Errorf("dropping %s: %v", db.Name, err)
		return
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stmt := `DROP DATABASE IF EXISTS "` + db.Name + `" WITH (FORCE)`
	if db.Engine == MySQL {
		stmt = "DROP DATABASE IF EXISTS `" + db.Name + "`"
	}
	if _, err := admin.ExecContext(ctx, stmt); err != nil {
		t.Errorf("%s: %v", stmt, err)
	}
}

// openServer connects to the server's maintenance database.
func (db *Database) openServer() (*sql.DB, error) {
	if db.Engine == MySQL {
		return sql.Open("mysql", db.mysqlDSN(""))
	}
	return sql.Open("pgx", db.pgDSN("postgres"))
}

// Open connects to this database.
func (db *Database) Open() (*sql.DB, error) {
	switch db.Engine {
	case SQLite:
		return sql.Open("sqlite", db.Name)
	case MySQL:
		return sql.Open("mysql", db.mysqlDSN(db.Name))
	default:
		return sql.Open("pgx", db.pgDSN(db.Name))
	}
}

// Exec runs statements on this database, failing the test on error.
func (db *Database) Exec(t testing.TB, stmts ...string) {
	t.Helper()
	conn, err := db.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range stmts {
		if _, err := conn.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// QueryInt runs a query returning one integer, failing the test on error.
func (db *Database) QueryInt(t testing.TB, query string) int64 {
	t.Helper()
	conn, err := db.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int64
	if err := conn.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// DatabaseExists reports whether the server db lives on has a database
// called name.
func (db *Database) DatabaseExists(t testing.TB, name string) bool {
	t.Helper()
	conn, err := db.openServer()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := "SELECT COUNT(*) FROM pg_database WHERE datname = $1"
	if db.Engine == MySQL {
		q = "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?"
	}
	var n int
	if err := conn.QueryRow(q, name).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n > 0
}

func (db *Database) pgDSN(name string) string {
	cfg := url.URL{Scheme: "postgres", Host: db.Host, Path: "/" + name}
	if db.Port != "" {
		cfg.Host += ":" + db.Port
	}
	if db.Password != "" {
		cfg.User = url.UserPassword(db.User, db.Password)
	} else {
		cfg.User = url.User(db.User)
	}
	cfg.RawQuery = "sslmode=disable&connect_timeout=10"
	return cfg.String()
}

func (db *Database) mysqlDSN(name string) string {
	port := db.Port
	if port == "" {
		port = "3306"
	}
	return fmt.Sprintf("%s:%s@tcp(%s:%s)/%s?timeout=10s&multiStatements=false",
		db.User, db.Password, db.Host, port, name)
}

// settingsPython returns the DATABASES entry Django should use, as Python.
func (db *Database) settingsPython() string {
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	switch db.Engine {
	case SQLite:
		return fmt.Sprintf(`{"ENGINE": "django.db.backends.sqlite3", "NAME": %s}`, q(db.Name))
	case MySQL:
		return fmt.Sprintf(`{"ENGINE": "django.db.backends.mysql", "NAME": %s, "HOST": %s, "PORT": %s, "USER": %s, "PASSWORD": %s, "OPTIONS": {"charset": "utf8mb4"}}`,
			q(db.Name), q(db.Host), q(db.Port), q(db.User), q(db.Password))
	default:
		return fmt.Sprintf(`{"ENGINE": "django.db.backends.postgresql", "NAME": %s, "HOST": %s, "PORT": %s, "USER": %s, "PASSWORD": %s}`,
			q(db.Name), q(db.Host), q(db.Port), q(db.User), q(db.Password))
	}
}

func randomSuffix() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b[:])
}

// quoteIdent quotes an identifier for the engine's SQL.
func quoteIdent(e Engine, s string) string {
	if e == MySQL {
		return "`" + strings.ReplaceAll(s, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

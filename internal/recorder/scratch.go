package recorder

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Scratch databases are what verify migrates: created empty on a server
// the user names, dropped when done. Their names start with "djsquash_"
// and a random part, so they never collide with a real database; nothing
// here touches a database it did not create.

// CreateScratch creates an empty database called name on server's server
// (the URL's own database is only used to connect on PostgreSQL) and
// returns its target.
func CreateScratch(ctx context.Context, server *Target, name string, to Timeouts) (*Target, error) {
	if !strings.HasPrefix(name, "djsquash_") {
		return nil, fmt.Errorf("scratch database %q: the name must start with djsquash_", name)
	}
	t := *server
	t.Name, t.Schema = name, ""
	t.Database = name
	stmt := `CREATE DATABASE "` + name + `"`
	if server.Engine == MySQL {
		stmt = "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
	}
	if err := server.admin(ctx, to, stmt); err != nil {
		return nil, err
	}
	return &t, nil
}

// DropScratch drops a database CreateScratch made.
func DropScratch(ctx context.Context, t *Target, to Timeouts) error {
	if !strings.HasPrefix(t.Database, "djsquash_") {
		return fmt.Errorf("refusing to drop %q: not a scratch database", t.Database)
	}
	stmt := `DROP DATABASE IF EXISTS "` + t.Database + `" WITH (FORCE)`
	if t.Engine == MySQL {
		stmt = "DROP DATABASE IF EXISTS `" + t.Database + "`"
	}
	return t.admin(ctx, to, stmt)
}

// admin runs one statement on the server's maintenance connection.
func (t *Target) admin(ctx context.Context, to Timeouts, stmt string) error {
	if t.Engine == SQLite {
		return fmt.Errorf("a scratch database needs a PostgreSQL or MariaDB server, not SQLite")
	}
	if to.Connect == 0 {
		to = DefaultTimeouts()
	}
	a := *t
	a.Database, a.Schema = "", ""
	if t.Engine == PostgreSQL {
		a.Database = t.Params.Get("maintenance_db")
		if a.Database == "" {
			a.Database = "postgres"
		}
	}
	dsn, err := a.dsn(to)
	if err != nil {
		return t.wrap(err)
	}
	db, err := openDB(DialectFor(t.Engine).Driver(), dsn)
	if err != nil {
		return t.wrap(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, to.Statement)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return t.wrap(err)
	}
	return nil
}

// DjangoDatabase is t as an entry of Django's DATABASES setting, password
// included: pass it to a child process privately (in its environment),
// never on a command line or in output.
func (t *Target) DjangoDatabase() map[string]any {
	switch t.Engine {
	case SQLite:
		return map[string]any{"ENGINE": "django.db.backends.sqlite3", "NAME": t.Database}
	case MySQL:
		return map[string]any{"ENGINE": "django.db.backends.mysql", "NAME": t.Database, "HOST": t.Host, "PORT": t.Port,
			"USER": t.User, "PASSWORD": t.password, "OPTIONS": map[string]any{"charset": "utf8mb4"}}
	}
	return map[string]any{"ENGINE": "django.db.backends.postgresql", "NAME": t.Database, "HOST": t.Host, "PORT": t.Port,
		"USER": t.User, "PASSWORD": t.password}
}

// SQLiteTarget is a target for a SQLite file that may not exist yet.
func SQLiteTarget(path string) *Target {
	return &Target{Name: "scratch", Engine: SQLite, Database: path}
}

// DB is the store's connection pool, for reading a catalog.
func (s *Store) DB() *sql.DB { return s.db }

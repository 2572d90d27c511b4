// Package recorder reads (and, for reset and prune, rewrites) Django's
// django_migrations table on SQLite, PostgreSQL and MySQL/MariaDB.
//
// Each dialect only returns SQL strings; one Store executes them, always with
// bound parameters (identifiers, which cannot be bound, are quoted by the
// dialect). Reads run in read-only transactions under a deadline.
//
// Invariant: a password never leaves this package in any string: Target's
// String and JSON forms redact it, and every error is scrubbed of it.
package recorder

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Engine is a database backend.
type Engine string

const (
	SQLite     Engine = "sqlite"
	PostgreSQL Engine = "postgresql"
	MySQL      Engine = "mysql"
)

// Target is one database to read, parsed from a dj-database-url style URL.
type Target struct {
	Name string // environment name: "production", or "default"
	// Named is set when the name was given (NAME=URL or a configured
	// environment), not defaulted.
	Named    bool
	Engine   Engine
	Host     string
	Port     string
	User     string
	password string // unexported: never printed, never marshalled
	Database string // SQLite: the file path
	// Written is an SQLite path as the URL gave it (relative to the
	// project, or absolute): what messages show.
	Written string
	Params  url.Values
	Schema  string // PostgreSQL schema holding django_migrations ("" = search_path)
}

var errNoDatabase = errors.New("database URL names no database")

// schemes maps URL schemes to engines, as dj-database-url names them.
var schemes = map[string]Engine{
	"sqlite": SQLite, "spatialite": SQLite,
	"postgres": PostgreSQL, "postgresql": PostgreSQL, "pgsql": PostgreSQL, "psql": PostgreSQL, "postgis": PostgreSQL,
	"mysql": MySQL, "mysql2": MySQL, "mariadb": MySQL, "mysqlgis": MySQL,
}

// ParseTarget parses "[NAME=]URL", where URL may be "env:VAR". Relative
// SQLite paths are resolved against base (the project directory). Errors
// never contain the password.
func ParseTarget(spec, base string) (*Target, error) { return parseTarget(spec, base, false) }

// ParseServer parses a server URL, whose database part may be empty (a
// server to make scratch databases on).
func ParseServer(spec, base string) (*Target, error) { return parseTarget(spec, base, true) }

func parseTarget(spec, base string, server bool) (*Target, error) {
	name, named := "default", false
	if i := strings.Index(spec, "="); i > 0 && !strings.Contains(spec[:i], ":") && !strings.Contains(spec[:i], "/") {
		name, spec, named = spec[:i], spec[i+1:], true
	}
	raw := spec
	if v, ok := strings.CutPrefix(spec, "env:"); ok {
		val, set := os.LookupEnv(v)
		if !set || val == "" {
			return nil, fmt.Errorf("database %s: environment variable %s is not set", name, v)
		}
		raw = val
	}
	t, err := parseURL(raw, base)
	if server && errors.Is(err, errNoDatabase) {
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("database %s: %s", name, scrubURLError(err.Error(), raw))
	}
	t.Name, t.Named = name, named
	return t, nil
}

// Place names a database by where it is, for targets given without a
// name: "host:port/db", or the SQLite file's path.
func (t *Target) Place(base string) string {
	if t.Engine == SQLite {
		if r, err := filepath.Rel(base, t.Database); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
		return t.Database
	}
	host := t.Host
	if t.Port != "" {
		host += ":" + t.Port
	}
	s := host + "/" + t.Database
	if t.Schema != "" {
		s += "?" + t.Schema
	}
	return s
}

func parseURL(raw, base string) (*Target, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, fmt.Errorf("not a database URL (expected scheme://...)")
	}
	engine, known := schemes[strings.ToLower(scheme)]
	if !known {
		return nil, fmt.Errorf("unsupported database scheme %q (use sqlite, postgres, postgresql, mysql or mariadb)", scheme)
	}
	if engine == SQLite {
		// sqlite:///rel.db is relative, sqlite:////abs.db absolute: the path
		// is everything after the third slash.
		path, query, _ := strings.Cut(rest, "?")
		path = strings.TrimPrefix(path, "/")
		if path == "" || path == ":memory:" {
			return nil, fmt.Errorf("sqlite URL has no file path")
		}
		if p, err := url.PathUnescape(path); err == nil {
			path = p
		}
		written := path
		if !filepath.IsAbs(path) {
			path = filepath.Join(base, path)
		}
		params, err := url.ParseQuery(query)
		if err != nil {
			return nil, fmt.Errorf("sqlite URL query: %v", err)
		}
		return &Target{Engine: SQLite, Database: path, Written: written, Params: params}, nil
	}
	// Split the user info at the last '@' ourselves: passwords often hold
	// an unescaped '@' or '/', which url.Parse would cut at the wrong place,
	// leaking the rest of the password as host or path.
	var user, password string
	at, ambiguous := userinfoEnd(rest)
	if ambiguous {
		return nil, fmt.Errorf("%s URL is ambiguous: an '@' follows a '?' after the user info; percent-encode the password (@ is %%40, ? is %%3F, / is %%2F, # is %%23) and any '@' in the query", scheme)
	}
	if at >= 0 {
		userinfo := rest[:at]
		rest = rest[at+1:]
		u, p, _ := strings.Cut(userinfo, ":")
		user, password = unescape(u), unescape(p)
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil {
		return nil, fmt.Errorf("invalid database URL %s", redactRaw(raw))
	}
	if u.Port() != "" {
		if _, err := strconv.Atoi(u.Port()); err != nil {
			return nil, fmt.Errorf("invalid port in database URL %s", redactRaw(raw))
		}
	}
	t := &Target{Engine: engine, Host: u.Hostname(), Port: u.Port(), Params: u.Query(), User: user, password: password}
	t.Database = strings.TrimPrefix(u.Path, "/")
	if t.Host == "" {
		t.Host = "localhost"
	}
	if engine == PostgreSQL {
		if sp := searchPath(t.Params.Get("options")); sp != "" {
			t.Schema = sp
		}
		if s := t.Params.Get("currentSchema"); s != "" {
			t.Schema = s
		}
	}
	if t.Database == "" {
		return t, fmt.Errorf("%w: %s", errNoDatabase, redactRaw(raw))
	}
	return t, nil
}

// userinfoEnd finds the '@' that ends the user info: the last one in the
// URL. A password may hold any character unescaped ('@', '/', '?', '#'),
// and the host, path and query after the user info hold no '@' of it, so
// cutting at the last one never puts part of a password where it would
// be printed. The one reading that differs is a query value holding a raw
// '@' after a user info of its own ("u:p@h/d?password=a@b"): there the
// '@' is either in the query or in a password holding a '?', and no
// choice is safe to print, so the URL is refused (ambiguous).
func userinfoEnd(rest string) (at int, ambiguous bool) {
	at = strings.LastIndex(rest, "@")
	if q := strings.IndexByte(rest, '?'); q >= 0 && at > q && strings.LastIndex(rest[:q], "@") >= 0 {
		return -1, true
	}
	return at, false
}

// unescape percent-decodes s when it is valid percent-encoding, else keeps it.
func unescape(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// searchPath extracts the first schema of "-csearch_path=a,b" or
// "-c search_path=a" from libpq's options parameter.
func searchPath(options string) string {
	for _, f := range strings.Fields(strings.ReplaceAll(options, "-c ", "-c")) {
		if v, ok := strings.CutPrefix(f, "-csearch_path="); ok {
			first, _, _ := strings.Cut(v, ",")
			return strings.Trim(strings.TrimSpace(first), `"`)
		}
	}
	return ""
}

// HasPassword reports whether the target carries a password.
func (t *Target) HasPassword() bool { return t.password != "" }

// String is the redacted URL, safe for any output.
func (t *Target) String() string {
	if t.Engine == SQLite {
		return "sqlite:///" + strings.TrimPrefix(t.Database, "/") + encodeParams(t.Params)
	}
	var b strings.Builder
	b.WriteString(string(t.Engine) + "://")
	if t.User != "" {
		user := url.PathEscape(t.User)
		if strings.ContainsAny(t.User, "@/?#&=:%") {
			user = "***" // not a user name a URL would hold: never show it
		}
		b.WriteString(user)
		if t.password != "" {
			b.WriteString(":***")
		}
		b.WriteString("@")
	}
	host := t.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	b.WriteString(host)
	if t.Port != "" {
		b.WriteString(":" + t.Port)
	}
	b.WriteString("/" + url.PathEscape(t.Database))
	s := b.String()
	return s + encodeParams(t.Params)
}

// MarshalJSON emits the redacted form.
func (t *Target) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"name": t.Name, "engine": string(t.Engine), "url": t.String(), "schema": t.Schema})
}

// sensitiveParams are query parameters that may carry secrets.
var sensitiveParams = map[string]bool{"password": true, "passwd": true, "sslpassword": true, "pass": true}

// shownParams are the query parameters printed with their values. Any
// other is left out of printed URLs: a raw '&' in a password parameter
// makes the rest of the password a parameter of its own.
var shownParams = map[string]bool{
	"sslmode": true, "connect_timeout": true, "options": true, "application_name": true, "currentSchema": true,
	"target_session_attrs": true, "ssl": true, "ssl-mode": true, "charset": true, "sslrootcert": true,
}

func encodeParams(p url.Values) string {
	if len(p) == 0 {
		return ""
	}
	c := url.Values{}
	hidden := false
	for k, vs := range p {
		for _, v := range vs {
			switch {
			case sensitiveParams[strings.ToLower(k)]:
				c.Add(k, "***")
			case shownParams[k]:
				c.Add(k, v)
			default:
				hidden = true
			}
		}
	}
	s := strings.ReplaceAll(c.Encode(), "%2A%2A%2A", "***")
	if hidden {
		if s != "" {
			s += "&"
		}
		s += "…"
	}
	return "?" + s
}

// Scrub removes every form of the password from s.
func (t *Target) Scrub(s string) string {
	secrets := []string{t.password}
	for k, vs := range t.Params {
		if sensitiveParams[strings.ToLower(k)] {
			secrets = append(secrets, vs...)
		}
	}
	return scrubSecrets(s, secrets)
}

func scrubSecrets(s string, secrets []string) string {
	for _, p := range secrets {
		if p == "" {
			continue
		}
		for _, form := range []string{p, url.QueryEscape(p), url.PathEscape(p), url.UserPassword("x", p).String()[2:]} {
			if form != "" {
				s = strings.ReplaceAll(s, form, "***")
			}
		}
	}
	return s
}

// redactRaw shows a URL that could not be parsed without any part of its
// user info, whatever went wrong: the scheme, and the host when an '@'
// says where the user info ends. Without an '@', "user:secret/db" might
// be a password mistaken for a port, so nothing after the scheme shows.
func redactRaw(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "(not a URL)"
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return scheme + "://…"
	}
	host := rest[at+1:]
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	return scheme + "://***@" + host + "/…"
}

// scrubURLError removes every possible password of raw from an error
// message, for errors raised before the URL was parsed into a Target:
// all that precedes the last '@' but the user name may be one.
func scrubURLError(msg, raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return msg
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if _, pw, hasPw := strings.Cut(rest[:at], ":"); hasPw {
			msg = scrubSecrets(msg, []string{pw})
		}
	}
	return msg
}

// Package project finds a Django project's apps and migration files on disk
// and reads djsquash's settings from pyproject.toml.
//
// Invariants: discovery only reads; it never imports or runs the project.
// Results are sorted (apps by label, files by name) so that everything
// downstream is deterministic whatever order the file system returns.
package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// Config is the [tool.djsquash] table of pyproject.toml.
type Config struct {
	// Exclude lists glob patterns (relative to the project, slash-separated,
	// "**" allowed) of directories or files to skip.
	Exclude []string `toml:"exclude"`
	// Apps maps app labels to migration directories, for layouts discovery
	// cannot see (MIGRATION_MODULES, migrations outside their app).
	Apps map[string]string `toml:"apps"`
	// Databases maps environment names to URLs or env:VAR references.
	Databases map[string]string `toml:"databases"`
	// Settings gives values of swappable settings (AUTH_USER_MODEL and
	// friends) when they cannot be read from the settings module.
	Settings map[string]string `toml:"settings"`
	// Python is the interpreter verify runs the project with (a path
	// relative to the project, or a command on PATH).
	Python string `toml:"python"`
}

// LoadConfig reads [tool.djsquash] from dir/pyproject.toml. A missing file
// or table is an empty config; a malformed one is an error with its position.
func LoadConfig(dir string) (*Config, error) {
	path := filepath.Join(dir, "pyproject.toml")
	data, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	var doc struct {
		Tool struct {
			Djsquash Config `toml:"djsquash"`
		} `toml:"tool"`
	}
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d:%d: %s", path, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for _, k := range md.Undecoded() {
		if len(k) > 2 && k[0] == "tool" && k[1] == "djsquash" {
			return nil, fmt.Errorf("%s: unknown setting [tool.djsquash] %s", path, k[2:].String())
		}
	}
	return &doc.Tool.Djsquash, nil
}

// FindRoot finds the project a directory belongs to, as git finds its
// repository: dir itself, or the nearest directory above it that holds
// manage.py or a pyproject.toml with a [tool.djsquash] table. The search
// stops at a repository's top (.git) and at the file system's root; when
// nothing is found, dir is the root. Run from inside an app, djsquash
// then sees the whole project instead of one app.
func FindRoot(dir string) string {
	for d := dir; ; {
		if isRoot(d) {
			return d
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

func isRoot(d string) bool {
	if st, err := os.Stat(filepath.Join(d, "manage.py")); err == nil && st.Mode().IsRegular() {
		return true
	}
	src, err := readFile(filepath.Join(d, "pyproject.toml"))
	return err == nil && strings.Contains(string(src), "[tool.djsquash")
}

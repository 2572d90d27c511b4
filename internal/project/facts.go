package project

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Facts are what a running Django's settings say, handed to the binary by
// the djsquash.django app (manage.py djsquash): the apps Django installed,
// with their labels and migration packages, the swappable settings, the
// databases as URLs, the Django version and the interpreter's sys.path.
// Where facts are given they replace what djsquash would otherwise read
// statically, because they are the answer the static reading guesses at.
// The JSON keys are python/djsquash/django/facts.py's; Format is bumped
// when they change meaning.
type Facts struct {
	Format         int               `json:"format"`
	DjangoVersion  string            `json:"django_version"`
	Python         string            `json:"python"`
	SysPath        []string          `json:"sys_path"`
	SettingsModule string            `json:"settings_module"`
	Apps           []FactApp         `json:"apps"`
	Settings       map[string]string `json:"settings"`
	// Databases maps every DATABASES alias djsquash can read to its URL;
	// SkippedDatabases the others to why.
	Databases        map[string]string `json:"databases"`
	SkippedDatabases map[string]string `json:"skipped_databases"`
}

// FactApp is one of apps.get_app_configs().
type FactApp struct {
	Label string `json:"label"`
	Name  string `json:"name"` // the app's module, "django.contrib.auth"
	Path  string `json:"path"`
	// MigrationsModule is MigrationLoader.migrations_module's answer (nil:
	// MIGRATION_MODULES maps the app to None); MigrationsDir its package
	// directory ("" when there is none).
	MigrationsModule *string `json:"migrations_module"`
	MigrationsDir    string  `json:"migrations_dir"`
}

// FactsFormat is the format this binary reads.
const FactsFormat = 1

// Environment variables the facts arrive through: a pipe's file
// descriptor (POSIX), or the JSON itself (Windows, where the app cannot
// hand a child a pipe that way).
const (
	FactsFDVar   = "DJSQUASH_FACTS_FD"
	FactsJSONVar = "DJSQUASH_FACTS"
)

// ReadFacts reads the facts the djsquash.django app passed, or nil when
// djsquash was not started by it. getenv is os.Getenv in the binary.
func ReadFacts(getenv func(string) string) (*Facts, error) {
	var data []byte
	switch {
	case getenv(FactsFDVar) != "":
		fd, err := strconv.Atoi(getenv(FactsFDVar))
		if err != nil || fd < 3 {
			return nil, fmt.Errorf("%s=%q is not a file descriptor", FactsFDVar, getenv(FactsFDVar))
		}
		f := os.NewFile(uintptr(fd), "facts")
		if f == nil {
			return nil, fmt.Errorf("%s=%d is not open", FactsFDVar, fd)
		}
		data, err = io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the settings manage.py djsquash passed: %v", err)
		}
	case getenv(FactsJSONVar) != "":
		data = []byte(getenv(FactsJSONVar))
	default:
		return nil, nil
	}
	return ParseFacts(data)
}

// ParseFacts decodes the facts' JSON.
func ParseFacts(data []byte) (*Facts, error) {
	var f Facts
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("the settings manage.py djsquash passed are not valid: %v", err)
	}
	if f.Format != FactsFormat {
		return nil, errors.New("manage.py djsquash passed settings in format " + strconv.Itoa(f.Format) + ", this binary reads " + strconv.Itoa(FactsFormat) + ": install the djsquash wheel and binary of one version")
	}
	return &f, nil
}

// factsSource names the facts in messages, as settingsChain's files do.
const factsSource = "the running settings (manage.py djsquash)"

// installedFromFacts is INSTALLED_APPS and MIGRATION_MODULES as Django
// resolved them: complete by construction. MigrationModules holds the
// project's apps (their resolved module) and the apps mapped to None.
func installedFromFacts(root string, f *Facts) *Installed {
	in := &Installed{Read: true, Complete: true, Labels: map[string]bool{}, MigrationModules: map[string]string{}, Files: []string{factsSource}}
	for _, a := range f.Apps {
		in.Labels[a.Label] = true
		in.Entries = append(in.Entries, a.Name)
		switch {
		case a.MigrationsModule == nil:
			in.MigrationModules[a.Label] = ""
		case a.MigrationsDir != "" && within(root, a.MigrationsDir):
			in.MigrationModules[a.Label] = *a.MigrationsModule
		}
	}
	return in
}

// labelsFromFacts gives each discovered app the label Django gave the
// package it lives in: no guess from apps.py or the directory name.
func (l *Loaded) labelsFromFacts(f *Facts) {
	byDir := map[string]string{}
	for _, a := range f.Apps {
		if a.MigrationsDir != "" {
			byDir[filepath.Clean(a.MigrationsDir)] = a.Label
		}
	}
	for _, a := range l.Apps {
		if label, ok := byDir[filepath.Clean(a.MigrationsDir)]; ok && a.LabelFrom != "pyproject.toml" {
			a.Label, a.LabelFrom = label, "settings"
		}
	}
}

// external lists the installed apps outside the project that have a
// migrations package, as Django found them.
func (f *Facts) external(root string, project map[string]bool) []ExternalApp {
	var out []ExternalApp
	for _, a := range f.Apps {
		if a.MigrationsDir == "" || within(root, a.MigrationsDir) || project[a.Label] {
			continue
		}
		if !isPackage(a.MigrationsDir) {
			continue
		}
		out = append(out, ExternalApp{Label: a.Label, Module: a.Name, MigrationsDir: a.MigrationsDir})
	}
	return out
}

func within(root, path string) bool {
	r, err := filepath.Rel(root, path)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
}

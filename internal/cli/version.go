package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// release is the version scripts/release gives a binary it packs into a
// wheel (-ldflags -X), so that `djsquash version` and the wheel's metadata
// say the same PEP 440 version. The linker is its only writer; code never
// assigns it.
var release string

// buildVersion reads the version from the binary's build information, so
// that other builds need nothing injected: a tagged module build reports its
// tag, a build from a checkout its VCS revision.
func buildVersion() (version, revision string, modified bool) {
	version = "devel"
	if release != "" {
		version = release
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if v := info.Main.Version; release == "" && v != "" && v != "(devel)" {
		version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print djsquash's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v, rev, mod := buildVersion()
			if rev == "" {
				rev = "unknown" // built without VCS information (go run, go test)
			}
			if e.g.json {
				return writeJSON(e, map[string]any{
					"version": v, "revision": rev, "modified": mod, "go": runtime.Version(),
				})
			}
			s := "djsquash " + v
			if rev == "unknown" {
				s += " (revision unknown)"
			} else {
				if len(rev) > 12 {
					rev = rev[:12]
				}
				s += " (" + rev
				if mod {
					s += "+dirty"
				}
				s += ")"
			}
			fmt.Fprintf(e.stdout, "%s %s\n", s, runtime.Version())
			return nil
		},
	}
}

// writeJSON prints v as indented JSON followed by a newline.
func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

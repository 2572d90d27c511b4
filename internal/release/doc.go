// Package release holds the tests of scripts/release: that the wheels it
// builds are what pip installs (tags, RECORD, the binary in .data/scripts),
// that each cross-built binary is the architecture its name says, and that
// an offline install runs `djsquash version` and `manage.py djsquash` (the
// djsquash.django app) against real databases with real Django. It has no
// code of its own: the release is a script, the app is Python.
package release

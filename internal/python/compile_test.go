package python

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// TestCompileVerdictMatchesCPython: for a corpus of programs CPython's
// compile() rejects after its parser accepts them (targets, argument
// order, statements outside their block, scope declarations, tokenizer
// limits) and of near misses it accepts, ParseFile reports an error exactly
// where compile() raises.
func TestCompileVerdictMatchesCPython(t *testing.T) {
	py := djangotest.LoadConfig().Python
	if _, err := os.Stat(py); err != nil {
		djangotest.Unavailable(t, "no %s for the CPython oracle", py)
	}
	files, _ := filepath.Glob("testdata/compile/*.py")
	if len(files) < 60 {
		t.Fatalf("corpus too small: %d files", len(files))
	}
	out, err := exec.Command(py, append([]string{"testdata/cpython_compile.py"}, files...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]*string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, ds := ParseFile(path, src)
		w := want[path]
		switch {
		case w != nil && len(ds) == 0:
			t.Errorf("%s: CPython rejects it (%s), ParseFile accepts it", path, *w)
		case w == nil && len(ds) > 0:
			t.Errorf("%s: CPython compiles it, ParseFile reports %v", path, ds[0])
		}
		if w != nil {
			bad++
		}
	}
	t.Logf("%d files, %d rejected by CPython", len(files), bad)
}

// TestLatin1RoundTrip: a file declared latin-1 is parsed as UTF-8 text
// (offsets into the decoded source) and written back byte for byte.
func TestLatin1RoundTrip(t *testing.T) {
	raw := []byte("# -*- coding: latin-1 -*-\r\nx = 'caf\xe9'\r\n")
	f, ds := ParseFile("x.py", raw)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	if f.Encoding() != "iso-8859-1" || string(f.Src) != "# -*- coding: latin-1 -*-\r\nx = 'café'\r\n" {
		t.Fatalf("decoded %q as %q", f.Src, f.Encoding())
	}
	back, err := f.Encode(f.Src)
	if err != nil || string(back) != string(raw) || string(f.OnDisk()) != string(raw) {
		t.Errorf("Encode = %q, %v; OnDisk = %q", back, err, f.OnDisk())
	}
	if _, err := f.Encode([]byte("x = '\u20ac'")); err == nil {
		t.Error("a euro sign was encoded in latin-1")
	}
}

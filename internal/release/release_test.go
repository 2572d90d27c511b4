package release

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/djsquash/djsquash/internal/djangotest"
)

// platforms are scripts/release's, with the wheel tag each must carry and
// what file(1) must say of its binary.
var platforms = []struct {
	name, binary, tag, arch string
}{
	{"linux-amd64", "djsquash-linux-amd64", "manylinux_2_17_x86_64.manylinux2014_x86_64", "ELF 64-bit LSB executable, x86-64"},
	{"linux-arm64", "djsquash-linux-arm64", "manylinux_2_17_aarch64.manylinux2014_aarch64", "ELF 64-bit LSB executable, ARM aarch64"},
	{"linux-musl-amd64", "djsquash-linux-amd64", "musllinux_1_2_x86_64", "ELF 64-bit LSB executable, x86-64"},
	{"linux-musl-arm64", "djsquash-linux-arm64", "musllinux_1_2_aarch64", "ELF 64-bit LSB executable, ARM aarch64"},
	{"darwin-amd64", "djsquash-darwin-amd64", "macosx_12_0_x86_64", "Mach-O 64-bit x86_64 executable"},
	{"darwin-arm64", "djsquash-darwin-arm64", "macosx_12_0_arm64", "Mach-O 64-bit arm64 executable"},
	{"windows-amd64", "djsquash-windows-amd64.exe", "win_amd64", "PE32+ executable (console) x86-64"},
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// need fails (CI) or skips when a tool the release needs is missing.
func need(t *testing.T, cmd string, args ...string) {
	t.Helper()
	if err := exec.Command(cmd, args...).Run(); err != nil {
		djangotest.Unavailable(t, "%s %s: %v", cmd, strings.Join(args, " "), err)
	}
}

// TestRelease builds every platform with scripts/release, checks each
// wheel as pip reads it and each binary with file(1), installs the Linux
// wheel offline into a fresh virtualenv and runs it, as `djsquash` and as
// `manage.py djsquash` on SQLite, PostgreSQL and MariaDB.
func TestRelease(t *testing.T) {
	need(t, "/usr/bin/python3", "-c", "import build, hatchling, venv")
	need(t, "file", "--version")
	root := repoRoot(t)
	dist := t.TempDir()
	const version = "1.2.3.dev4+gtest"
	cmd := exec.Command(filepath.Join(root, "scripts", "release"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "DJSQUASH_DIST="+dist, "DJSQUASH_VERSION="+version)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release: %v\n%s", err, out)
	}

	wheels, _ := filepath.Glob(filepath.Join(dist, "*.whl"))
	if len(wheels) != len(platforms) {
		t.Fatalf("scripts/release wrote %d wheels, want %d: %v", len(wheels), len(platforms), wheels)
	}
	var linux string
	for _, p := range platforms {
		wheel := filepath.Join(dist, "djsquash-"+version+"-py3-none-"+p.tag+".whl")
		bin := filepath.Join(dist, "bin", p.binary)
		t.Run(p.name, func(t *testing.T) {
			out, err := exec.Command("file", "-b", bin).Output()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(out), p.arch) {
				t.Errorf("file %s: %q, want %q", p.binary, out, p.arch)
			}
			if strings.HasPrefix(p.arch, "ELF") && !strings.Contains(string(out), "statically linked") {
				t.Errorf("file %s: %q: not statically linked", p.binary, out)
			}
			checkWheel(t, wheel, bin, version, p.tag)
		})
		if p.name == "linux-amd64" {
			linux = wheel
		}
	}

	// Offline install: no index, nothing but the wheel.
	venv := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command("/usr/bin/python3", "-m", "venv", "--system-site-packages", venv).CombinedOutput(); err != nil {
		t.Fatalf("venv: %v\n%s", err, out)
	}
	pip := exec.Command(filepath.Join(venv, "bin", "pip"), "install", "--no-index", "--no-deps", "--disable-pip-version-check", linux)
	if out, err := pip.CombinedOutput(); err != nil {
		t.Fatalf("pip install --no-index: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(venv, "bin", "djsquash"), "version", "--json").Output()
	if err != nil {
		t.Fatalf("djsquash version: %v", err)
	}
	var v struct{ Version string }
	if err := json.Unmarshal(out, &v); err != nil || v.Version != version {
		t.Errorf("djsquash version --json = %s (%v), want version %s, as the wheel's metadata says", out, err, version)
	}
	out, err = exec.Command(filepath.Join(venv, "bin", "python"), "-m", "djsquash", "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "djsquash "+version+" ") {
		t.Errorf("python -m djsquash version = %q, %v", out, err)
	}

	for _, engine := range djangotest.Engines() {
		t.Run("manage.py/"+string(engine), func(t *testing.T) {
			manageDjsquash(t, root, venv, engine)
		})
	}
}

// checkWheel reads a wheel as an installer does: its tags, its RECORD
// (every file listed with its hash and size, nothing missing), and the
// binary executable under .data/scripts, byte-equal to the one built.
func checkWheel(t *testing.T, wheel, bin, version, tag string) {
	t.Helper()
	z, err := zip.OpenReader(wheel)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	info := "djsquash-" + version + ".dist-info/"
	files := map[string]*zip.File{}
	for _, f := range z.File {
		files[f.Name] = f
	}
	read := func(name string) []byte {
		f := files[name]
		if f == nil {
			t.Fatalf("%s has no %s", filepath.Base(wheel), name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	meta := string(read(info + "WHEEL"))
	if !strings.Contains(meta, "Root-Is-Purelib: false") {
		t.Errorf("WHEEL says purelib: a wheel with a binary is a platform wheel\n%s", meta)
	}
	var tags []string
	for _, line := range strings.Split(meta, "\n") {
		if v, ok := strings.CutPrefix(line, "Tag: "); ok {
			tags = append(tags, strings.TrimSpace(v))
		}
	}
	var want []string
	for _, p := range strings.Split(tag, ".") {
		want = append(want, "py3-none-"+p)
	}
	slices.Sort(tags)
	slices.Sort(want)
	if !slices.Equal(tags, want) {
		t.Errorf("WHEEL tags %v, want %v", tags, want)
	}
	if m := regexp.MustCompile(`(?m)^Version: (.*)$`).FindStringSubmatch(string(read(info + "METADATA"))); m == nil || m[1] != version {
		t.Errorf("METADATA version %v, want %s", m, version)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(read(info+"RECORD"))), "\n") {
		parts := strings.Split(line, ",")
		if len(parts) != 3 {
			t.Fatalf("RECORD line %q", line)
		}
		name := parts[0]
		listed[name] = true
		if name == info+"RECORD" {
			continue
		}
		data := read(name)
		sum := sha256.Sum256(data)
		if h := "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]); parts[1] != h || parts[2] != strconv.Itoa(len(data)) {
			t.Errorf("RECORD %s: %s,%s; the file is %s,%d", name, parts[1], parts[2], h, len(data))
		}
	}
	for name := range files {
		if !listed[name] {
			t.Errorf("%s is in the wheel but not in RECORD", name)
		}
	}
	script := "djsquash-" + version + ".data/scripts/djsquash"
	if strings.HasSuffix(bin, ".exe") {
		script += ".exe"
	}
	f := files[script]
	if f == nil {
		t.Fatalf("no %s in %s", script, filepath.Base(wheel))
	}
	if f.Mode()&0o111 == 0 {
		t.Errorf("%s is not executable in the wheel (%v)", script, f.Mode())
	}
	built, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(script); string(got) != string(built) {
		t.Errorf("%s differs from %s", script, bin)
	}
}

// manageDjsquash runs `manage.py djsquash status` from the installed wheel
// on a migrated copy of the example whose settings add djsquash.django and
// a second DATABASES alias: status reads both aliases (which djsquash
// cannot know without the running settings), never printing their URLs.
func manageDjsquash(t *testing.T, root, venv string, engine djangotest.Engine) {
	p := djangotest.NewProject(t, filepath.Join(root, "examples", "bookshop"), "5.2", engine)
	p.Migrate()
	overlay := filepath.Join(p.Dir, "djangotest_settings.py")
	src, err := os.ReadFile(overlay)
	if err != nil {
		t.Fatal(err)
	}
	// "other" is a second, never migrated SQLite database, computed at run
	// time: only the running settings know it.
	src = append(src, []byte(`
import os as _os
INSTALLED_APPS = INSTALLED_APPS + ["djsquash.django"]
DATABASES["other"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": _os.path.join(BASE_DIR, "other-" + "db.sqlite3")}
`)...)
	if err := os.WriteFile(overlay, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.Dir, "other-db.sqlite3"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dj := *p.Django
	dj.Python = filepath.Join(venv, "bin", "python")
	p.Django = &dj

	out, err := p.Manage("djsquash", "status", "--json")
	if err != nil && !strings.Contains(err.Error(), "exit status 1") {
		t.Fatalf("manage.py djsquash status --json: %v", err)
	}
	start := strings.Index(out, "{")
	if start < 0 {
		t.Fatalf("manage.py djsquash status --json printed no JSON:\n%s", out)
	}
	var rep struct {
		Databases []struct {
			Name      string `json:"database"`
			Unapplied int    `json:"unapplied"`
			Apps      []struct {
				App        string `json:"app"`
				Migrations []any  `json:"migrations"`
			} `json:"apps"`
		} `json:"databases"`
		Notes []string `json:"notes"`
	}
	if err := json.NewDecoder(strings.NewReader(out[start:])).Decode(&rep); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	got := map[string]int{}
	apps := map[string]bool{}
	for _, d := range rep.Databases {
		got[d.Name] = d.Unapplied
		if d.Name == "default" {
			for _, a := range d.Apps {
				apps[a.App] = true
			}
		}
	}
	// default is migrated: nothing unapplied, Django's contrib apps
	// included (their migrations found where the running Django has them).
	if u, ok := got["default"]; !ok || u != 0 {
		t.Errorf("status: default unapplied = %d (present %v), want 0\n%s", u, ok, out)
	}
	for _, a := range []string{"accounts", "catalog", "orders", "auth", "contenttypes"} {
		if !apps[a] {
			t.Errorf("status of default has no app %s: %v", a, apps)
		}
	}
	if u, ok := got["other"]; !ok || u != 47+14 {
		t.Errorf("status of DATABASES[\"other\"] (never migrated): unapplied %d (present %v), want all 61\n%s", u, ok, out)
	}
	text, _ := p.Manage("djsquash", "status")
	for _, leak := range []string{"postgres://", "mysql://", "sqlite://", p.DB.Name} {
		if leak != "" && (strings.Contains(text, leak) || strings.Contains(out, leak)) {
			t.Errorf("manage.py djsquash status prints %q: database URLs must stay private\n%s", leak, text)
		}
	}
	if !strings.Contains(text, "default") || !strings.Contains(text, "other") {
		t.Errorf("manage.py djsquash status:\n%s", text)
	}
}

// TestReleaseVersion: the version scripts/release derives from git
// describe, in a scratch clone: 0.0.0.devN+gHASH without a tag, the tag on
// it, the next patch's .devN after it, .dirty with changes; each one PEP
// 440 accepts.
func TestReleaseVersion(t *testing.T) {
	need(t, "git", "--version")
	need(t, "/usr/bin/python3", "-c", "import packaging.version")
	root := repoRoot(t)
	dir := filepath.Join(t.TempDir(), "clone")
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "DJSQUASH_VERSION=")
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("git", "clone", "-q", root, dir).CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	// The script as it is in the working tree, committed in the clone.
	script, _ := os.ReadFile(filepath.Join(root, "scripts", "release"))
	if err := os.WriteFile(filepath.Join(dir, "scripts", "release"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "--allow-empty", "-am", "release script")
	version := func() string {
		t.Helper()
		cmd := exec.Command(filepath.Join(dir, "scripts", "release"), "--print-version")
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("release --print-version: %v", err)
		}
		v := strings.TrimSpace(string(out))
		if out, err := exec.Command("/usr/bin/python3", "-c", "import sys; from packaging.version import Version; print(Version(sys.argv[1]))", v).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != v {
			t.Errorf("%q is not a normalised PEP 440 version: %v %s", v, err, out)
		}
		return v
	}
	short := func() string { return git("rev-parse", "--short=12", "HEAD") }
	if got, want := version(), "0.0.0.dev"+git("rev-list", "--count", "HEAD")+"+g"+short(); got != want {
		t.Errorf("untagged: %s, want %s", got, want)
	}
	git("tag", "v1.4.2")
	if got := version(); got != "1.4.2" {
		t.Errorf("on v1.4.2: %s", got)
	}
	git("commit", "-q", "--allow-empty", "-m", "after")
	if got, want := version(), "1.4.3.dev1+g"+short(); got != want {
		t.Errorf("one commit after v1.4.2: %s, want %s", got, want)
	}
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("changed\n"), 0o644)
	if got, want := version(), "1.4.3.dev1+g"+short()+".dirty"; got != want {
		t.Errorf("with changes: %s, want %s", got, want)
	}
}

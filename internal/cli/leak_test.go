package cli

import (
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoCommandPrintsAPassword: every command that takes databases, in
// text and JSON, with the URL given by --database, NAME=URL, env:VAR and
// DATABASE_URL, on 300 random passwords over the printable range (raw and
// encoded, in the user info or the query): no five characters of a
// password in a row in any output. (internal/recorder checks 10,000 URLs
// at the parser and the connection errors.)
func TestNoCommandPrintsAPassword(t *testing.T) {
	example, _ := filepath.Abs("../../examples/bookshop")
	r := rand.New(rand.NewPCG(14, 9))
	const special = "@?#/:%=&+ "
	commands := [][]string{
		{"status"}, {"--json", "status"}, {"squash", "catalog", "--dry-run"}, {"--json", "squash", "catalog", "--dry-run"},
		{"prune", "--dry-run"}, {"reset", "--dry-run"}, {"--json", "reset", "--dry-run"},
		{"record", "--dry-run"}, {"--json", "record", "--prune", "--yes"}, {"restore", "latest", "--yes"}, {"--json", "status", "--schema-check"},
	}
	for i := 0; i < 300; i++ {
		b := make([]byte, 8+r.IntN(17))
		for j := range b {
			if r.IntN(4) == 0 {
				b[j] = special[r.IntN(len(special))]
			} else {
				b[j] = byte(0x20 + r.IntN(0x7f-0x20))
			}
		}
		password := string(b)
		pw := password
		if r.IntN(2) == 0 {
			pw = url.PathEscape(password)
		}
		raw := []string{"postgres", "mysql", "mariadb"}[r.IntN(3)] + "://app:" + pw + "@127.0.0.1:1/shop" + []string{"", "?sslmode=require"}[r.IntN(2)]
		if r.IntN(5) == 0 {
			raw = "postgres://app@127.0.0.1:1/shop?password=" + url.QueryEscape(password)
		}
		args := commands[i%len(commands)]
		var spec []string
		switch i % 4 {
		case 0:
			spec = []string{"--database", raw}
		case 1:
			spec = []string{"--database", "prod=" + raw}
		case 2:
			t.Setenv("DJSQUASH_LEAK_URL", raw)
			spec = []string{"--database", "env:DJSQUASH_LEAK_URL"}
		default:
			t.Setenv("DATABASE_URL", raw)
		}
		_, out, errOut := run(t, append(append([]string{"--project", example}, args...), spec...)...)
		all := out + errOut
		for _, form := range []string{password, url.PathEscape(password), url.QueryEscape(password)} {
			for k := 0; k+5 <= len(form); k++ {
				if strings.Contains(all, form[k:k+5]) {
					t.Fatalf("%v with %q (password %q) shows %q:\n%s", args, raw, password, form[k:k+5], all)
				}
			}
		}
		t.Setenv("DATABASE_URL", "")
	}
}

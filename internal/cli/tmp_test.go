package cli

import (
	"io"
	"strings"
	"testing"
)

func BenchmarkTmpCLI(b *testing.B) {
	for i := 0; i < b.N; i++ {
		rc := Main([]string{"--project", "/tmp/b/src", "squash", "app01", "0500", "--dry-run", "--json"}, strings.NewReader(""), io.Discard, io.Discard)
		if rc != 0 {
			b.Fatal(rc)
		}
	}
}

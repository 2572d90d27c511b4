package cli

import (
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoDriverLogLines: a MySQL URL pointing at a server that hangs up
// gets one djsquash line, not the driver's own log line on stderr
// ("[mysql] ... packets.go:58 ...").
func TestNoDriverLogLines(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("\x05\x00\x00")) // a truncated packet header, then nothing
			c.Close()
		}
	}()
	example, _ := filepath.Abs("../../examples/bookshop")
	out, _ := exec.Command(buildBinary(t), "--project", example, "status", "--database", "mysql://root@"+ln.Addr().String()+"/x").CombinedOutput()
	if strings.Contains(string(out), "[mysql]") || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 || !strings.Contains(string(out), "server unreachable") {
		t.Errorf("status against a server that hangs up:\n%s", out)
	}
}

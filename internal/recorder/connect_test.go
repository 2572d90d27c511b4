package recorder

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// silentServer accepts connections and never says a word (a firewall
// that lets SYN through, a hung server); closing makes it hang up at once.
func silentServer(t *testing.T, hangUp bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if hangUp {
				c.Close()
				continue
			}
			held = append(held, c)
		}
	}()
	return ln.Addr().String()
}

// TestConnectDeadlineOnEveryEngine: a server that accepts but never
// answers costs the connect timeout on PostgreSQL and MySQL alike (MySQL's
// driver bounds only the dial: its handshake waited for the read timeout).
func TestConnectDeadlineOnEveryEngine(t *testing.T) {
	addr := silentServer(t, false)
	for _, scheme := range []string{"postgres", "mysql"} {
		t.Run(scheme, func(t *testing.T) {
			tg, err := ParseTarget(scheme+"://u@"+addr+"/db", "")
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(tg, Timeouts{Connect: 300 * time.Millisecond, Statement: 20 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			start := time.Now()
			_, err = s.Applied(context.Background(), "")
			took := time.Since(start)
			if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "no answer within 300ms") || took > 5*time.Second {
				t.Errorf("after %v: %v", took, err)
			}
		})
	}
}

// TestConnectErrorsAreOneLine: pgx lists each attempt on a line of its
// own, and MySQL's driver says "invalid connection" of a server that hangs
// up: each becomes one plain line.
func TestConnectErrorsAreOneLine(t *testing.T) {
	addr := silentServer(t, true)
	for scheme, want := range map[string]string{"postgres": "server unreachable", "mysql": "closed the connection or did not answer as MySQL/MariaDB"} {
		tg, _ := ParseTarget(scheme+"://u@"+addr+"/db", "")
		s, err := Open(tg, Timeouts{Connect: 2 * time.Second, Statement: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Applied(context.Background(), "")
		s.Close()
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q, want one line saying %q", scheme, err, want)
		}
	}
	if got := oneLine("failed to connect to `user=u`:\n\t1:2 (h): dial error\n\t1:2 (h): dial error"); got != "failed to connect to `user=u`: 1:2 (h): dial error" {
		t.Errorf("oneLine: %q", got)
	}
}

package cli

import (
	"fmt"
	"io"
)

// safeWriter escapes the bytes that would drive a terminal instead of
// showing text: C0 controls but tab and newline (a carriage return only
// before a newline), DEL, and the C1 controls (U+0080 to U+009F). File
// names, file contents and django_migrations rows pass through here on
// their way out, and a name holding an ANSI escape must not recolour,
// move or clear the user's terminal.
type safeWriter struct{ w io.Writer }

func (s safeWriter) Write(p []byte) (int, error) {
	clean := true
	for i, c := range p {
		if unsafeAt(p, i, c) {
			clean = false
			break
		}
	}
	if clean {
		return s.w.Write(p)
	}
	out := make([]byte, 0, len(p)+16)
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == 0xC2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9F:
			out = fmt.Appendf(out, `\u%04x`, p[i+1])
			i++
		case unsafeAt(p, i, c):
			out = fmt.Appendf(out, `\x%02x`, c)
		default:
			out = append(out, c)
		}
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func unsafeAt(p []byte, i int, c byte) bool {
	switch {
	case c == '\n' || c == '\t':
		return false
	case c == '\r':
		return i+1 >= len(p) || p[i+1] != '\n'
	case c < 0x20 || c == 0x7f:
		return true
	case c == 0xC2:
		return i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9F
	}
	return false
}

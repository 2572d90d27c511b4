package cli

import (
	"bytes"
	"io"
	"os"
)

// colorWriter colours what a terminal shows, line by line: the severity
// of a diagnostic ("error:", "warning:", "note:"/"info:"), djsquash's own
// error lines, and a diff's added, removed and hunk lines. It sits under
// safeWriter, so the escapes it adds are the only ones that reach the
// terminal. on decides at each write: never in a pipe, never with
// --no-color or NO_COLOR set.
type colorWriter struct {
	w  io.Writer
	on func() bool
}

const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	cyan   = "\x1b[36m"
	bold   = "\x1b[1m"
	plain  = "\x1b[0m"
)

var severities = []struct{ word, color string }{
	{": error: ", red + bold}, {": warning: ", yellow + bold}, {": note: ", cyan}, {": info: ", cyan},
	{"error: ", red + bold}, {"warning: ", yellow + bold},
}

func (c colorWriter) Write(p []byte) (int, error) {
	if c.on == nil || !c.on() {
		return c.w.Write(p)
	}
	n := len(p)
	var out bytes.Buffer
	for len(p) > 0 {
		line := p
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			line = p[:i+1]
		}
		p = p[len(line):]
		out.Write(colorLine(line))
	}
	if _, err := c.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return n, nil
}

// colorLine colours one line (with its newline, if any).
func colorLine(line []byte) []byte {
	body := bytes.TrimSuffix(line, []byte("\n"))
	nl := line[len(body):]
	paint := func(color string, b []byte) []byte {
		return append(append(append([]byte(color), b...), plain...), nl...)
	}
	switch {
	case bytes.HasPrefix(body, []byte("+++ ")) || bytes.HasPrefix(body, []byte("--- ")):
		return paint(bold, body)
	case bytes.HasPrefix(body, []byte("@@ ")):
		return paint(cyan, body)
	case bytes.HasPrefix(body, []byte("+")):
		return paint(green, body)
	case bytes.HasPrefix(body, []byte("-")):
		return paint(red, body)
	case bytes.HasPrefix(body, []byte("djsquash: ")) && !bytes.HasPrefix(body, []byte("djsquash: note")):
		return paint(red, body)
	}
	for _, s := range severities {
		if i := bytes.Index(body, []byte(s.word)); i >= 0 {
			word := bytes.TrimPrefix([]byte(s.word), []byte(": "))
			at := i + len(s.word) - len(word)
			var b []byte
			b = append(b, body[:at]...)
			b = append(b, s.color...)
			b = append(b, bytes.TrimSuffix(word, []byte(" "))...)
			b = append(b, plain...)
			b = append(b, body[at+len(word)-1:]...)
			return append(b, nl...)
		}
	}
	return line
}

// colorOn reports whether a stream gets colour: a terminal, and neither
// --no-color nor NO_COLOR (https://no-color.org).
func (e *env) colorOn(stream io.Writer) bool {
	if e.g.noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
